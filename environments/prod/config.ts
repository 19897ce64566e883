import type { EnvironmentConfig } from "@platform/core";

/** Production: its own account, three zones, a NAT gateway per zone, state in S3 in that account. */
export const config = {
  name: "prod",
  production: true,
  accountId: "333333333333",
  region: "eu-west-1",
  availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
  backend: {
    type: "s3",
    bucket: "acme-platform-tfstate-prod",
    region: "eu-west-1",
    kmsKeyId: "arn:aws:kms:eu-west-1:333333333333:alias/terraform-state",
  },
  aws: { assumeRole: { roleArn: "arn:aws:iam::333333333333:role/platform-deploy" } },
  tags: { owner: "platform-team", costCenter: "platform-prod", repository: "github.com/acme/container-platform" },
  network: {
    cidr: "10.30.0.0/16",
    natGateways: "perAz",
    subnetTiers: ["public", "private", "intra"],
    interfaceEndpoints: ["ecr.api", "ecr.dkr", "logs", "sts", "secretsmanager", "ssm", "kms", "ecs", "ecs-agent", "ecs-telemetry"],
    flowLogs: { retentionDays: 731 },
    kubernetes: { clusterNames: ["prod-eks"], karpenterDiscovery: "prod-eks" },
  },
  // The same repositories as dev, managed here, filled by replication from dev.
  ecr: {
    repositories: {
      "orders-api": { keepLastPerTagPrefix: { "release-": 100 } },
      web: { keepLastPerTagPrefix: { "release-": 100 } },
    },
    scanning: { type: "ENHANCED", frequency: "CONTINUOUS_SCAN" },
    replicationSources: [{ accountId: "111111111111" }],
  },
  ci: { repository: "acme/container-platform", deployEnvironment: "production" },
  // Managed node groups across the three zones for system pods; Karpenter adds capacity for services.
  eks: {
    version: "1.32",
    nodeGroups: {
      system: {
        instanceTypes: ["m7g.large", "m6g.large"],
        minSize: 3,
        maxSize: 6,
        labels: { "platform.acme.io/pool": "system" },
        taints: [{ key: "CriticalAddonsOnly", value: "true", effect: "PreferNoSchedule" }],
      },
    },
    logRetentionDays: 731,
    addons: { autoscaler: "karpenter", logging: "fluent-bit" },
  },
  services: {
    "orders-api": {
      runtime: "ecs-fargate",
      image: { repository: "orders-api", tag: "1.4.2" },
      cpu: 1024,
      memoryMiB: 2048,
      port: 8080,
      replicas: 3,
      healthCheckPath: "/health",
      exposure: "public",
      domain: { name: "orders.example.com", hostedZoneId: "Z01234567PRDZONE" },
      autoscaling: { min: 3, max: 30, targetCpuPercent: 55, requestsPerTarget: 800 },
      secrets: { DATABASE_PASSWORD: { secretsManagerArn: "arn:aws:secretsmanager:eu-west-1:333333333333:secret:prod/orders/db-Ef34Gh", jsonKey: "password" } },
      ciOwnsDeployments: true,
    },
  },
} satisfies EnvironmentConfig;
