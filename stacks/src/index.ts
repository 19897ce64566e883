export * from "./environment";
export * from "./network-stack";
