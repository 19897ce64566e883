export * from "./container-image";
export * from "./dns-validated-certificate";
export * from "./ecs-cluster";
export * from "./ecs-scheduled-task";
export * from "./ecs-service";
export * from "./service-load-balancer";
export * from "./service-secret";
