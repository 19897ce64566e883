import type { EnvironmentConfig } from "@platform/core";

/** Staging: production's shape (three zones) on HCP Terraform state, one NAT gateway. */
export const config = {
  name: "staging",
  production: false,
  accountId: "222222222222",
  region: "eu-west-1",
  availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
  backend: { type: "cloud", organization: "acme-platform" },
  aws: { assumeRole: { roleArn: "arn:aws:iam::222222222222:role/platform-deploy" } },
  tags: { owner: "platform-team", costCenter: "platform-staging", repository: "github.com/acme/container-platform" },
  network: {
    cidr: "10.20.0.0/16",
    natGateways: "single",
    subnetTiers: ["public", "private", "intra"],
    interfaceEndpoints: ["ecr.api", "ecr.dkr", "logs", "sts", "secretsmanager", "ssm", "kms"],
    flowLogs: { retentionDays: 365 },
    kubernetes: { clusterNames: ["staging-eks"], karpenterDiscovery: "staging-eks" },
  },
  // Services here pull the images that dev builds, cross-account.
  ecr: { imageSource: { accountId: "111111111111", region: "eu-west-1" } },
  ci: { repository: "acme/container-platform" },
  services: {
    "orders-api": {
      runtime: "ecs-fargate",
      image: { repository: "orders-api", tag: "1.4.2" },
      cpu: 512,
      memoryMiB: 1024,
      port: 8080,
      healthCheckPath: "/health",
      exposure: "public",
      domain: { name: "orders.staging.example.com", hostedZoneId: "Z01234567STGZONE" },
      autoscaling: { min: 2, max: 6, targetCpuPercent: 60 },
    },
  },
} satisfies EnvironmentConfig;
