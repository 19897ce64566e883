export * from "./ci-access-stack";
export * from "./ecs-stack";
export * from "./environment";
export * from "./network-stack";
export * from "./registry-stack";
