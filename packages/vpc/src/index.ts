export * from "./vpc";
