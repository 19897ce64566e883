import type { AwsEnvironment, PolicyStatement, ValidatedEnvironmentConfig } from "@platform/core";

/** The GitHub Actions OIDC issuer, without the scheme. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

/** Trust for GitHub Actions runs whose `sub` claim matches one of `subjects`. */
export function githubTrust(providerArn: string, subjects: readonly string[]): PolicyStatement {
  return {
    Effect: "Allow",
    Principal: { Federated: providerArn },
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition: {
      StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com" },
      StringLike: { [`${GITHUB_OIDC_HOST}:sub`]: [...subjects] },
    },
  };
}

/**
 * Access to the environment's Terraform state: read for plans (plus the S3 lock file, since a
 * plan takes the lock), read and write for deploys. Nothing for local state; HCP Terraform state
 * is reached with HCP's own credentials, not AWS's.
 */
export function stateAccess(config: ValidatedEnvironmentConfig, env: AwsEnvironment, write: boolean): PolicyStatement[] {
  const backend = config.backend;
  if (backend.type !== "s3") return [];
  const prefix = backend.keyPrefix ?? config.name;
  const bucketArn = `arn:${env.partition}:s3:::${backend.bucket}`;
  const statements: PolicyStatement[] = [
    {
      Sid: "StateList",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: [bucketArn],
      Condition: { StringLike: { "s3:prefix": [`${prefix}/*`] } },
    },
    { Sid: "StateRead", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${bucketArn}/${prefix}/*`] },
    {
      Sid: write ? "StateWrite" : "StateLock",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:DeleteObject"],
      Resource: [write ? `${bucketArn}/${prefix}/*` : `${bucketArn}/${prefix}/*.tflock`],
    },
  ];
  if (backend.kmsKeyId) {
    statements.push({
      Sid: "StateKey",
      Effect: "Allow",
      Action: write ? ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"] : ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: [backend.kmsKeyId],
    });
  }
  if (backend.dynamodbTable) {
    statements.push({
      Sid: "StateLockTable",
      Effect: "Allow",
      Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:DescribeTable"],
      Resource: [`arn:${env.partition}:dynamodb:${backend.region ?? config.region}:${env.accountId}:table/${backend.dynamodbTable}`],
    });
  }
  return statements;
}

/** What a plan must not read even though ReadOnlyAccess would allow it: data, not configuration. */
export function planDenials(config: ValidatedEnvironmentConfig, env: AwsEnvironment): PolicyStatement[] {
  const stateKey = config.backend.type === "s3" ? config.backend.kmsKeyId : undefined;
  const stateObjects = config.backend.type === "s3" ? `arn:${env.partition}:s3:::${config.backend.bucket}/*` : undefined;
  return [
    { Sid: "NoSecretValues", Effect: "Deny", Action: ["secretsmanager:GetSecretValue", "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"], Resource: ["*"] },
    { Sid: "NoDecryptButState", Effect: "Deny", Action: ["kms:Decrypt"], ...(stateKey ? { NotResource: [stateKey] } : { Resource: ["*"] }) },
    { Sid: "NoObjectDataButState", Effect: "Deny", Action: ["s3:GetObject", "s3:GetObjectVersion"], ...(stateObjects ? { NotResource: [stateObjects] } : { Resource: ["*"] }) },
  ];
}

/** The services the platform's stacks manage, in the environment's region only. */
const REGIONAL_SERVICES = [
  "acm:*",
  "application-autoscaling:*",
  "autoscaling:*",
  "cloudwatch:*",
  "codedeploy:*",
  "ec2:*",
  "ecr:*",
  "ecs:*",
  "eks:*",
  "elasticloadbalancing:*",
  "events:*",
  "kms:*",
  "logs:*",
  "servicediscovery:*",
  "sqs:*",
  "ssm:GetParameter",
  "ssm:GetParameters",
  "secretsmanager:DescribeSecret",
];

/**
 * What `cdktf deploy` of the environment needs: the services its stacks manage, in its region;
 * IAM roles, policies and instance profiles named after the environment; and never the CI
 * identities themselves, IAM users or access keys.
 */
export function deployPolicy(config: ValidatedEnvironmentConfig, env: AwsEnvironment, ciRoleNamePrefix: string): PolicyStatement[] {
  const iam = (resource: string) => `arn:${env.partition}:iam::${env.accountId}:${resource}`;
  return [
    {
      Sid: "PlatformServicesInRegion",
      Effect: "Allow",
      Action: REGIONAL_SERVICES,
      Resource: ["*"],
      Condition: { StringEquals: { "aws:RequestedRegion": env.region } },
    },
    {
      Sid: "EnvironmentIamRoles",
      Effect: "Allow",
      Action: ["iam:*"],
      Resource: [iam(`role/${config.name}-*`), iam(`policy/${config.name}-*`), iam(`instance-profile/${config.name}-*`), iam("oidc-provider/*")],
    },
    {
      Sid: "ServiceLinkedRoles",
      Effect: "Allow",
      Action: ["iam:CreateServiceLinkedRole"],
      Resource: [iam("role/aws-service-role/*")],
    },
    { Sid: "ReadIam", Effect: "Allow", Action: ["iam:Get*", "iam:List*", "sts:GetCallerIdentity"], Resource: ["*"] },
    {
      Sid: "NeverTheCiIdentities",
      Effect: "Deny",
      NotAction: ["iam:Get*", "iam:List*"],
      Resource: [iam(`role/${ciRoleNamePrefix}*`), iam(`oidc-provider/${GITHUB_OIDC_HOST}`)],
    },
    {
      Sid: "NoLongLivedCredentials",
      Effect: "Deny",
      Action: ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile", "organizations:*", "account:*"],
      Resource: ["*"],
    },
  ];
}
