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
    kubernetes: { clusterNames: ["local-eks"] },
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
  // A small cluster whose own stack plans offline; its add-ons and workloads need a live cluster.
  eks: {
    version: "1.32",
    nodeGroups: { system: { instanceTypes: ["t4g.large"], minSize: 1, maxSize: 3, labels: { "platform.acme.io/pool": "system" } } },
    fargateProfiles: { batch: { selectors: [{ namespace: "batch-jobs" }] } },
    access: { platform: { principalArn: "arn:aws:iam::000000000000:role/platform-admin", level: "cluster-admin" } },
  },
  services: {
    catalog: {
      runtime: "eks",
      image: { repository: "web", tag: "2.0.0" },
      cpu: 256,
      memoryMiB: 512,
      port: 3000,
      healthCheckPath: "/health",
      exposure: "internal",
      domain: { name: "catalog.local.example.com", hostedZoneId: "Z0000000000LOCAL" },
      autoscaling: { min: 2, max: 4, targetCpuPercent: 70 },
    },
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
