export * from "./connections";
export * from "./vpc";
