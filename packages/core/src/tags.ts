import type { ValidatedEnvironmentConfig } from "./environment-config";

/**
 * The provider-level default tags of an environment: ownership and provenance on every resource
 * the AWS provider creates. Constructs add their own `Name` and `tags` on top.
 */
export function defaultTags(config: ValidatedEnvironmentConfig): Record<string, string> {
  return {
    ...(config.tags.extra ?? {}),
    Environment: config.name,
    Owner: config.tags.owner,
    CostCenter: config.tags.costCenter,
    Repository: config.tags.repository,
    ManagedBy: "cdktf",
  };
}
