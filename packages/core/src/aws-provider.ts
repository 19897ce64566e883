import { Construct } from "constructs";
import { AwsProvider, AwsProviderEndpoints } from "@cdktf/provider-aws/lib/provider";
import { AWS_EMULATOR_CONTEXT, AWS_EMULATOR_MAX_RETRIES, AWS_EMULATOR_SERVICES, type AwsEmulatorTarget } from "./aws-emulator";
import type { ValidatedEnvironmentConfig } from "./environment-config";
import { defaultTags } from "./tags";

/**
 * App context key: when true, stacks use the credentials Terraform finds (a CI job's OIDC role)
 * instead of assuming `aws.assumeRole`, which is the operators' way in. Set by
 * `synthesizeEnvironment` from `PLATFORM_AMBIENT_CREDENTIALS=true`.
 */
export const AMBIENT_CREDENTIALS_CONTEXT = "@platform/core:ambient-credentials";

/** Placeholder credentials of offline mode. Not secrets: nothing accepts them but an emulator. */
export const OFFLINE_ACCESS_KEY = "offline-placeholder";
export const OFFLINE_SECRET_KEY = "offline-placeholder";

export interface AwsProviderOptions {
  /** A provider alias, for a second region or account. @default - the default provider */
  readonly alias?: string;
  /** @default the environment's region */
  readonly region?: string;
}

/**
 * The AWS provider of an environment's stack:
 * - `allowed_account_ids` holds the environment's account, so a stack can never be applied to another;
 * - `default_tags` carry Environment, Owner, CostCenter, Repository and ManagedBy;
 * - `assume_role` when the environment names a role (not with ambient credentials: see
 *   `AMBIENT_CREDENTIALS_CONTEXT`);
 * - offline mode (the local environment): placeholder credentials, every look-up skipped, and
 *   optional custom endpoints so that the stack can be deployed to an AWS emulator;
 * - deploying to an AWS emulator (`AWS_EMULATOR_CONTEXT`, offline environments only): every
 *   service's endpoint is the emulator, the account is asked of it (STS) and pinned, and an
 *   unimplemented call fails after a few retries instead of minutes.
 */
export function createAwsProvider(
  scope: Construct,
  config: ValidatedEnvironmentConfig,
  options: AwsProviderOptions = {},
): AwsProvider {
  const ambient = scope.node.tryGetContext(AMBIENT_CREDENTIALS_CONTEXT) === true;
  const assumeRole = ambient ? undefined : config.aws?.assumeRole;
  const offline = config.aws?.offline;
  const emulator = offline ? (scope.node.tryGetContext(AWS_EMULATOR_CONTEXT) as AwsEmulatorTarget | undefined) : undefined;
  const endpoints = emulator
    ? { ...Object.fromEntries(AWS_EMULATOR_SERVICES.map((service) => [service, emulator.url])), ...offline?.endpoints }
    : offline?.endpoints;
  return new AwsProvider(scope, options.alias ? `aws-${options.alias}` : "aws", {
    alias: options.alias,
    region: options.region ?? config.region,
    allowedAccountIds: offline && !emulator ? undefined : [config.accountId],
    defaultTags: [{ tags: defaultTags(config) }],
    assumeRole: assumeRole
      ? [
          {
            roleArn: assumeRole.roleArn,
            externalId: assumeRole.externalId,
            sessionName: assumeRole.sessionName ?? `cdktf-${config.name}`,
          },
        ]
      : undefined,
    ...(offline
      ? {
          accessKey: OFFLINE_ACCESS_KEY,
          secretKey: OFFLINE_SECRET_KEY,
          skipCredentialsValidation: true,
          skipRequestingAccountId: emulator ? false : true,
          maxRetries: emulator ? AWS_EMULATOR_MAX_RETRIES : undefined,
          skipMetadataApiCheck: "true",
          skipRegionValidation: true,
          s3UsePathStyle: endpoints ? true : undefined,
          endpoints: endpoints ? [endpoints as AwsProviderEndpoints] : undefined,
        }
      : {}),
  });
}
