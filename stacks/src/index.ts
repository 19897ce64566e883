export * from "./ci-access-stack";
export * from "./ecs-stack";
export * from "./eks-addons-stack";
export * from "./eks-stack";
export * from "./eks-workloads-stack";
export * from "./environment";
export * from "./network-stack";
export * from "./registry-stack";
