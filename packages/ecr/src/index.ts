export * from "./lifecycle-rule";
export * from "./registry";
export * from "./repository";
