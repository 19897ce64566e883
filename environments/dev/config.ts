import type { EnvironmentConfig } from "@platform/core";

/** Development: its own account, two zones, one NAT gateway to keep the bill small. */
export const config = {
  name: "dev",
  production: false,
  accountId: "111111111111",
  region: "eu-west-1",
  availabilityZones: ["eu-west-1a", "eu-west-1b"],
  backend: { type: "s3", bucket: "acme-platform-tfstate-dev", region: "eu-west-1" },
  aws: { assumeRole: { roleArn: "arn:aws:iam::111111111111:role/platform-deploy" } },
  tags: { owner: "platform-team", costCenter: "platform-dev", repository: "github.com/acme/container-platform" },
  network: {
    cidr: "10.10.0.0/16",
    natGateways: "single",
    interfaceEndpoints: ["ecr.api", "ecr.dkr", "logs", "sts"],
    flowLogs: { retentionDays: 90 },
    kubernetes: { clusterNames: ["dev-eks"], karpenterDiscovery: "dev-eks" },
  },
  // Images are built once, here: staging pulls them cross-account, prod gets them replicated.
  ecr: {
    repositories: {
      "orders-api": { keepLastPerTagPrefix: { "release-": 50, "pr-": 10 }, pullAccounts: ["222222222222"] },
      web: { keepLastPerTagPrefix: { "release-": 50 }, pullAccounts: ["222222222222"] },
    },
    replication: [{ destinations: [{ region: "eu-west-1", accountId: "333333333333" }] }],
    pullThroughCache: { "ecr-public": { upstream: "ecr-public" }, k8s: { upstream: "k8s" } },
  },
  ci: {
    repository: "acme/container-platform",
    imagePush: {
      "acme/orders-api": { repositories: ["orders-api"] },
      "acme/web": { repositories: ["web"], branches: ["main", "release/*"] },
    },
  },
  ecs: { ec2Capacity: { general: { instanceType: "m7g.large", maxSize: 4 } }, serviceConnectNamespace: "dev.internal" },
  services: {
    "orders-api": {
      runtime: "ecs-fargate",
      image: { repository: "orders-api", tag: "1.4.2" },
      cpu: 512,
      memoryMiB: 1024,
      port: 8080,
      healthCheckPath: "/health",
      exposure: "public",
      domain: { name: "orders.dev.example.com", hostedZoneId: "Z01234567DEVZONE" },
      autoscaling: { min: 2, max: 6, targetCpuPercent: 60 },
      secrets: { DATABASE_PASSWORD: { secretsManagerArn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:dev/orders/db-Ab12Cd", jsonKey: "password" } },
      ciOwnsDeployments: true,
      exec: true,
      serviceConnect: true,
      callers: ["orders-worker"],
    },
    "orders-report": {
      runtime: "ecs-fargate",
      schedule: "cron(0 3 * * ? *)",
      timezone: "Europe/Dublin",
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
      queue: { visibilityTimeoutSeconds: 120 },
      autoscaling: { min: 0, max: 10, queueMessagesPerTask: 100 },
    },
    web: {
      runtime: "ecs-ec2",
      ec2Capacity: "general",
      image: { repository: "web", tag: "2.0.0" },
      cpu: 256,
      memoryMiB: 512,
      port: 3000,
      exposure: "internal",
      domain: { name: "web.dev.internal.example.com", hostedZoneId: "Z01234567DEVZONE" },
    },
  },
} satisfies EnvironmentConfig;
