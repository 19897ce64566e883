import type { EnvironmentConfig } from "@platform/core";

/**
 * The local environment: plans fully offline (placeholder credentials, no look-ups) on local
 * state, and deploys to an AWS emulator when `aws.offline.endpoints` points at one.
 */
export const config = {
  name: "local",
  production: false,
  accountId: "000000000000",
  region: "us-east-1",
  availabilityZones: ["us-east-1a", "us-east-1b"],
  backend: { type: "local" },
  aws: { offline: {} },
  tags: { owner: "platform-team", costCenter: "platform", repository: "github.com/acme/container-platform" },
  network: {
    cidr: "10.0.0.0/16",
    natGateways: "single",
    subnetTiers: ["public", "private", "intra"],
    interfaceEndpoints: ["ecr.api", "ecr.dkr", "logs", "sts"],
    flowLogs: { retentionDays: 7 },
  },
  ecr: {
    repositories: {
      "orders-api": { keepLastPerTagPrefix: { "release-": 20 } },
      web: {},
    },
    pullThroughCache: { "ecr-public": { upstream: "ecr-public" } },
  },
  ci: {
    repository: "acme/container-platform",
    imagePush: { "acme/orders-api": { repositories: ["orders-api"] } },
  },
  ecs: { ec2Capacity: { general: { instanceType: "t4g.medium", maxSize: 2 } }, serviceConnectNamespace: "local.internal" },
  services: {
    web: {
      runtime: "ecs-ec2",
      ec2Capacity: "general",
      networkMode: "bridge",
      image: { repository: "web", tag: "2.0.0" },
      cpu: 256,
      memoryMiB: 512,
      port: 3000,
      replicas: 1,
      exposure: "internal",
      domain: { name: "web.local.example.com", hostedZoneId: "Z0000000000LOCAL" },
    },
    "orders-api": {
      runtime: "ecs-fargate",
      image: { repository: "orders-api", tag: "1.4.2" },
      cpu: 256,
      memoryMiB: 512,
      port: 8080,
      replicas: 1,
      healthCheckPath: "/health",
      exposure: "public",
      domain: { name: "orders.local.example.com", hostedZoneId: "Z0000000000LOCAL" },
      environment: { LOG_LEVEL: "debug" },
      serviceConnect: true,
      callers: ["orders-worker"],
    },
    "orders-report": {
      runtime: "ecs-fargate",
      schedule: "rate(1 day)",
      image: { repository: "orders-api", tag: "1.4.2" },
      command: ["node", "dist/report.js"],
      cpu: 256,
      memoryMiB: 512,
    },
    "orders-worker": {
      runtime: "ecs-fargate",
      image: { repository: "orders-api", tag: "1.4.2" },
      cpu: 256,
      memoryMiB: 512,
      replicas: 0,
      queue: {},
      autoscaling: { min: 0, max: 2, queueMessagesPerTask: 50 },
    },
  },
} satisfies EnvironmentConfig;
