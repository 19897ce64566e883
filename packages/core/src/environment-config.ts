import { z } from "zod";
import { ConfigError, problemsFromIssues } from "./config-error";
import { fargateSizeProblem } from "./fargate-sizes";
import { githubSubjects } from "./github-oidc";
import { ipv4CidrContains, ipv4CidrsOverlap, parseIpv4Cidr, type Ipv4Cidr } from "./cidr";
import { DNS_LABEL, RESERVED_NAMESPACES, EKS_ACCESS_LEVELS, EKS_LOG_TYPES, EKS_MANAGED_ADDONS, KUBERNETES_VERSIONS, LABEL_KEY, LABEL_VALUE, TAINT_EFFECTS, WORKLOAD_IDENTITY_MODES } from "./kubernetes";

// ---------------------------------------------------------------------------------------------
// Vocabulary shared by the configuration and the construct packages.
// ---------------------------------------------------------------------------------------------

/** Subnet tiers: `public` (internet gateway), `private` (egress through NAT), `intra` (no internet route). */
export const SUBNET_TIERS = ["public", "private", "intra"] as const;
export type SubnetTier = (typeof SUBNET_TIERS)[number];

/** `none`: no NAT; `single`: one NAT gateway for the VPC; `perAz`: one NAT gateway in each AZ. */
export const NAT_GATEWAY_MODES = ["none", "single", "perAz"] as const;
export type NatGatewayMode = (typeof NAT_GATEWAY_MODES)[number];

/** Gateway endpoints (free, attached to route tables). */
export const GATEWAY_ENDPOINT_SERVICES = ["s3", "dynamodb"] as const;
export type GatewayEndpointService = (typeof GATEWAY_ENDPOINT_SERVICES)[number];

/** Interface endpoints offered as presets: what container workloads in private subnets reach most. */
export const INTERFACE_ENDPOINT_SERVICES = [
  "autoscaling",
  "ec2",
  "ec2messages",
  "ecr.api",
  "ecr.dkr",
  "ecs",
  "ecs-agent",
  "ecs-telemetry",
  "eks",
  "eks-auth",
  "elasticfilesystem",
  "elasticloadbalancing",
  "events",
  "kms",
  "logs",
  "monitoring",
  "secretsmanager",
  "sns",
  "sqs",
  "ssm",
  "ssmmessages",
  "sts",
  "xray",
] as const;
export type InterfaceEndpointService = (typeof INTERFACE_ENDPOINT_SERVICES)[number];

/** What flow logs may record. */
export const FLOW_LOG_TRAFFIC_TYPES = ["ALL", "ACCEPT", "REJECT"] as const;
export type FlowLogTrafficType = (typeof FLOW_LOG_TRAFFIC_TYPES)[number];

/** Where flow logs go. */
export const FLOW_LOG_DESTINATIONS = ["cloudwatch", "s3", "none"] as const;
export type FlowLogDestination = (typeof FLOW_LOG_DESTINATIONS)[number];

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** EC2 instance types: `m7g.large`, `c7i.metal-24xl`, `u-6tb1.metal`. */
export const EC2_INSTANCE_TYPE = /^[a-z][a-z0-9-]*\d[a-z0-9-]*\.[a-z0-9]+(-[a-z0-9]+)*$/;

/** Matches AWS region names: `eu-west-1`, `us-gov-west-1`, `ap-southeast-5`. */
export const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
const AZ_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}[a-z]$/;

// ---------------------------------------------------------------------------------------------
// Small helpers that give every setting a message naming what is allowed.
// ---------------------------------------------------------------------------------------------

type ErrorFn = { error: (issue: { input?: unknown }) => string };

/** `is required (what)` when missing, `is not what` when present but wrong. */
function expected(what: string): ErrorFn {
  return { error: (issue) => (issue.input === undefined ? `is required (${what})` : `is not ${what}`) };
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T, what: string) {
  const allowed = values.map((v) => JSON.stringify(v)).join(", ");
  return z.enum(values, {
    error: (issue) => (issue.input === undefined ? `is required (${what}: ${allowed})` : `is not allowed (${what}: ${allowed})`),
  });
}

function settings<T extends z.core.$ZodLooseShape>(shape: T) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `is not a setting here (allowed: ${allowed})`
        : issue.input === undefined
          ? `is required (an object with: ${allowed})`
          : `is not an object (allowed settings: ${allowed})`,
  });
}

const text = (what: string, pattern: RegExp) => z.string(expected(what)).regex(pattern, expected(what));
const bool = (what: string) => z.boolean(expected(`true or false: ${what}`));

const accountId = text("a 12-digit AWS account id", /^\d{12}$/);
const roleArn = text("an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)", /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/);
const cidr = z
  .string(expected("an IPv4 CIDR such as 10.0.0.0/16"))
  .refine((v) => parseIpv4Cidr(v) !== undefined, expected("an IPv4 CIDR (a.b.c.d/n, with no host bits set)"));
const tagValue = (what: string) =>
  z
    .string(expected(what))
    .min(1, { error: () => `is empty (expected ${what})` })
    .max(256, { error: () => `is too long (expected ${what} of at most 256 characters)` })
    .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, expected(`${what} made of letters, digits, spaces and _.:/=+-@`));
const url = text("an http(s) URL", /^https?:\/\/[^\s]+$/);

// ---------------------------------------------------------------------------------------------
// The schema.
// ---------------------------------------------------------------------------------------------

const localBackend = settings({
  type: z.literal("local"),
  /**
   * Folder for the state files, relative to the repository root (never absolute), one file per stack.
   * @default "environments/<name>/state"
   */
  path: z
    .string(expected("a folder relative to the repository root"))
    .refine((p) => !p.startsWith("/") && !/^[A-Za-z]:[\\/]/.test(p) && !p.split(/[\\/]/).includes(".."), {
      error: "is not a folder relative to the repository root (no leading / and no ..)",
    })
    .optional(),
});

const s3Backend = settings({
  type: z.literal("s3"),
  /** The state bucket. */
  bucket: text("an S3 bucket name (3-63 lower-case letters, digits, dots and hyphens)", /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/),
  /** @default the environment's region */
  region: text("an AWS region such as eu-west-1", REGION_PATTERN).optional(),
  /**
   * Keys are `<keyPrefix>/<stack>.tfstate`.
   * @default the environment's name
   */
  keyPrefix: text("a key prefix of letters, digits and -_./", /^[A-Za-z0-9][A-Za-z0-9_./-]{0,200}$/).optional(),
  /** A KMS key for server-side encryption of the state. @default - the bucket's default encryption */
  kmsKeyId: text("a KMS key ARN", /^arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[\w/-]+$/).optional(),
  /** A DynamoDB lock table, for Terraform versions before S3-native locking. @default - S3-native locking only */
  dynamodbTable: text("a DynamoDB table name (3-255 of A-Za-z0-9_.-)", /^[A-Za-z0-9_.-]{3,255}$/).optional(),
  /** A role to assume for state access. @default - the caller's credentials */
  roleArn: roleArn.optional(),
});

const cloudBackend = settings({
  type: z.literal("cloud"),
  /** The HCP Terraform or Terraform Enterprise organization. */
  organization: text("an organization name (letters, digits, _ and -)", /^[A-Za-z0-9_-]{1,40}$/),
  /** @default "app.terraform.io" */
  hostname: text("a host name such as app.terraform.io", /^[a-z0-9.-]+(:\d+)?$/).optional(),
  /**
   * Each stack gets the workspace `<workspacePrefix><stack>`.
   * @default "" (the workspace is named after the stack, `<env>-<stack>`)
   */
  workspacePrefix: text("a workspace name prefix (letters, digits, _ and -)", /^[A-Za-z0-9_-]{0,40}$/).optional(),
});

const backendTypes = '"local", "s3", "cloud"';
const backend = z.discriminatedUnion("type", [localBackend, s3Backend, cloudBackend], {
  error: (issue) =>
    issue.input === undefined
      ? `is required (a state backend: { type: ${backendTypes}, ... })`
      : `is not a backend type (allowed: ${backendTypes})`,
});

const awsSettings = settings({
  /** A role that Terraform assumes for this environment, for example from a CI account. */
  assumeRole: settings({
    roleArn,
    externalId: text("an external id (2-1224 of \\w+=,.@:/-)", /^[\w+=,.@:/-]{2,1224}$/).optional(),
    sessionName: text("a session name (2-64 of \\w+=,.@-)", /^[\w+=,.@-]{2,64}$/).optional(),
  }).optional(),
  /**
   * Offline mode, for the local environment: placeholder credentials, no account or region
   * look-ups, and optional endpoints (for example an AWS emulator on localhost).
   */
  offline: settings({
    /** Endpoint per service, keyed as in the provider's `endpoints` block: `{ s3: "http://localhost:4566" }`. */
    endpoints: z.record(text("a service name of the provider's endpoints block, such as s3 or ec2", /^[a-z][a-z0-9]*$/), url, expected("a map of service name to endpoint URL")).optional(),
  }).optional(),
});

const network = settings({
  /** The VPC's IPv4 range: /16 to /22. */
  cidr,
  /** NAT for the private tier. A cost decision, so every environment states it. */
  natGateways: oneOf(NAT_GATEWAY_MODES, "a NAT gateway mode"),
  /** @default ["public", "private"] */
  subnetTiers: z
    .array(oneOf(SUBNET_TIERS, "a subnet tier"), expected("a list of subnet tiers"))
    .min(1, expected("a list of at least one subnet tier"))
    .optional(),
  /**
   * Explicit subnet ranges per tier and AZ, `{ private: { "eu-west-1a": "10.0.0.0/20" } }`.
   * @default - computed from the VPC range, stable per tier and AZ letter
   */
  subnetCidrs: z
    .partialRecord(oneOf(SUBNET_TIERS, "a subnet tier"), z.record(z.string(), cidr, expected("a map of availability zone to IPv4 CIDR")), {
      // An unknown tier is reported as an unrecognized key.
      error: (issue) =>
        issue.code === "invalid_type"
          ? "is not a map of subnet tier to { availability zone: IPv4 CIDR }"
          : `is not allowed (a subnet tier: ${SUBNET_TIERS.map((t) => JSON.stringify(t)).join(", ")})`,
    })
    .optional(),
  /** @default ["s3"] */
  gatewayEndpoints: z.array(oneOf(GATEWAY_ENDPOINT_SERVICES, "a gateway endpoint"), expected("a list of gateway endpoints")).optional(),
  /** @default [] */
  interfaceEndpoints: z.array(oneOf(INTERFACE_ENDPOINT_SERVICES, "an interface endpoint preset"), expected("a list of interface endpoint presets")).optional(),
  flowLogs: settings({
    /** @default "cloudwatch" */
    destination: oneOf(FLOW_LOG_DESTINATIONS, "a flow log destination").optional(),
    /** @default 365 */
    retentionDays: z
      .number(expected("a number of days"))
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), expected(`a CloudWatch retention (${LOG_RETENTION_DAYS.join(", ")})`))
      .optional(),
    /** @default "ALL" */
    trafficType: oneOf(FLOW_LOG_TRAFFIC_TYPES, "a traffic type").optional(),
    /** The bucket, when the destination is `s3`. */
    s3BucketArn: text("an S3 bucket ARN (arn:aws:s3:::<bucket>)", /^arn:aws(-cn|-us-gov)?:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/).optional(),
  }).optional(),
  /** Subnet tags for EKS load balancers and Karpenter discovery. */
  kubernetes: settings({
    clusterNames: z.array(text("an EKS cluster name (letters, digits, _ and -)", /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/), expected("a list of EKS cluster names")).optional(),
    karpenterDiscovery: text("a Karpenter discovery value (letters, digits, _ and -)", /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/).optional(),
  }).optional(),
});

const REPOSITORY_NAME = /^(?=.{2,256}$)[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const repositoryName = text("an ECR repository name (2-256 lower-case letters and digits, separated by . _ - and /)", REPOSITORY_NAME);
const wholeNumber = (what: string, min: number, max: number) =>
  z
    .number(expected(`${what}, a whole number from ${min} to ${max}`))
    .int(expected(`${what}, a whole number from ${min} to ${max}`))
    .min(min, expected(`${what}, a whole number from ${min} to ${max}`))
    .max(max, expected(`${what}, a whole number from ${min} to ${max}`));

/** Pull-through cache upstreams (the same list as `@platform/ecr`'s `PULL_THROUGH_UPSTREAMS`). */
export const PULL_THROUGH_UPSTREAM_NAMES = ["ecr-public", "quay", "k8s", "docker-hub", "github", "gitlab"] as const;

const ecr = settings({
  /**
   * Repositories keyed by name: adding one never touches the others. The same names in every
   * environment, so that images replicate and image references stay the same.
   */
  repositories: z
    .record(
      repositoryName,
      settings({
        /** @default "IMMUTABLE" */
        imageTagMutability: oneOf(["IMMUTABLE", "MUTABLE"], "a tag mutability").optional(),
        /** @default true */
        scanOnPush: bool("scan images on push").optional(),
        /** @default - the AWS-managed key aws/ecr */
        kmsKeyArn: text("a KMS key ARN", /^arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/).optional(),
        /** @default 14 */
        untaggedExpireAfterDays: wholeNumber("a number of days", 1, 3650).optional(),
        /** Keep the newest N images per tag prefix: `{ "release-": 50, "pr-": 10 }`. @default {} */
        keepLastPerTagPrefix: z
          .record(text("a tag prefix (1-128 of A-Za-z0-9_.-)", /^[A-Za-z0-9_.-]{1,128}$/), wholeNumber("an image count", 1, 10000), expected("a map of tag prefix to image count"))
          .optional(),
        /** Refused in production. @default false */
        forceDelete: bool("delete the repository with its images").optional(),
        /** Other accounts (other environments) whose principals may pull. @default [] */
        pullAccounts: z.array(accountId, expected("a list of 12-digit AWS account ids")).optional(),
      }),
      expected("a map of repository name to repository settings"),
    )
    .optional(),
  scanning: settings({
    /** @default "BASIC" */
    type: oneOf(["BASIC", "ENHANCED"], "a scan type").optional(),
    /** @default "SCAN_ON_PUSH" (CONTINUOUS_SCAN needs ENHANCED) */
    frequency: oneOf(["SCAN_ON_PUSH", "CONTINUOUS_SCAN"], "a scan frequency").optional(),
  }).optional(),
  /** Replicate repositories (by name prefix, or all) to other regions or accounts. */
  replication: z
    .array(
      settings({
        destinations: z
          .array(settings({ region: text("an AWS region such as eu-west-1", REGION_PATTERN), accountId: accountId.optional() }), expected("a list of destinations"))
          .min(1, expected("a list of at least one destination")),
        repositoryPrefixes: z.array(text("a repository name prefix (2-256 of a-z0-9._/-, starting with a letter or digit)", /^[a-z0-9][a-z0-9._/-]{1,255}$/), expected("a list of repository name prefixes")).optional(),
      }),
      expected("a list of replication rules"),
    )
    .optional(),
  /**
   * Where this environment's services pull platform images from, when the images are built once
   * in another environment (or a shared account) and pulled cross-account or replicated.
   * @default - this environment's own registry
   */
  imageSource: settings({ accountId, region: text("an AWS region such as eu-west-1", REGION_PATTERN) }).optional(),
  /** Accounts that replicate into this environment's registry. */
  replicationSources: z.array(settings({ accountId }), expected("a list of replication sources")).optional(),
  /** Pull-through cache rules keyed by repository prefix: `{ "docker-hub": { upstream: "docker-hub", credentialArn } }`. */
  pullThroughCache: z
    .record(
      text("a repository prefix (2-30 of a-z0-9._-)", /^[a-z0-9][a-z0-9._-]{1,29}$/),
      settings({
        upstream: oneOf(PULL_THROUGH_UPSTREAM_NAMES, "an upstream registry"),
        credentialArn: text(
          "a Secrets Manager secret ARN named ecr-pullthroughcache/...",
          /^arn:aws(-cn|-us-gov)?:secretsmanager:[a-z0-9-]+:\d{12}:secret:ecr-pullthroughcache\/[\w/+=.@-]+$/,
        ).optional(),
      }),
      expected("a map of repository prefix to pull-through cache rule"),
    )
    .optional(),
});

const GITHUB_REPOSITORY = /^[^/\s]+\/[^/\s]+$/;
const githubRepository = text("a GitHub repository (owner/name)", GITHUB_REPOSITORY);
// The characters githubSubjects accepts in a trusted branch or environment, so that a valid
// configuration never makes CiAccessStack refuse a trust.
const GITHUB_REF = /^[A-Za-z0-9._/*-]{1,200}$/;
const githubRefs = (what: string) =>
  z.array(text(`a ${what} (1-200 of A-Za-z0-9._/-, with * as a wildcard)`, GITHUB_REF), expected(`a list of ${what}s`)).optional();

const ci = settings({
  /** The platform's own repository: its pull requests plan, its deploy jobs deploy. */
  repository: githubRepository,
  /** The branch whose runs plan for drift. @default "main" */
  defaultBranch: text("a branch name (1-200 of A-Za-z0-9._/-)", /^[A-Za-z0-9._/-]{1,200}$/).optional(),
  /** The GitHub environment deploy jobs run in (its protection rules approve deploys). @default the environment's name */
  deployEnvironment: text("a GitHub environment name (1-200 of A-Za-z0-9._/-)", /^[A-Za-z0-9._/-]{1,200}$/).optional(),
  /** `create` the account's GitHub OIDC provider, or use the `existing` one (one per account). @default "create" */
  oidcProvider: oneOf(["create", "existing"], "an OIDC provider mode").optional(),
  /** Application repositories that push images, keyed `owner/name`: the ECR repositories each may push to. */
  imagePush: z
    .record(
      githubRepository,
      settings({
        /** ECR repositories (names of ecr.repositories) it pushes to. */
        repositories: z.array(repositoryName, expected("a list of ECR repository names")).min(1, expected("a list of at least one ECR repository name")),
        /** @default ["main"] */
        branches: githubRefs("branch name"),
        /** @default [] */
        environments: githubRefs("GitHub environment name"),
      }),
      expected("a map of GitHub repository to image push settings"),
    )
    .optional(),
});

/** Environment variable names that hold secrets: their values belong in `secrets`. */
export const SECRET_LIKE_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)/i;

const SERVICE_NAME = /^[a-z][a-z0-9-]{0,26}[a-z0-9]$/;

/** Where a service runs. Moving a service between ECS and EKS is this one setting. */
export const SERVICE_RUNTIMES = ["ecs-fargate", "ecs-ec2", "eks"] as const;
export type ServiceRuntime = (typeof SERVICE_RUNTIMES)[number];

const ecsSettings = settings({
  /** @default "enabled" */
  containerInsights: oneOf(["enabled", "enhanced", "disabled"], "a Container Insights mode").optional(),
  /** @default true */
  fargateSpot: bool("offer FARGATE_SPOT").optional(),
  /** EC2 capacity keyed by name, for ecs-ec2 services. @default {} */
  ec2Capacity: z
    .record(
      text("a capacity name (1-31 lower-case letters, digits and -)", /^[a-z0-9][a-z0-9-]{0,30}$/),
      settings({
        instanceType: text("an EC2 instance type such as m7g.large", EC2_INSTANCE_TYPE),
        minSize: wholeNumber("an instance count", 0, 1000).optional(),
        maxSize: wholeNumber("an instance count", 1, 1000),
        spot: bool("spot instances").optional(),
        rootVolumeSizeGiB: wholeNumber("a volume size in GiB", 30, 16384).optional(),
      }),
      expected("a map of capacity name to EC2 capacity"),
    )
    .optional(),
  /** A Cloud Map namespace for Service Connect, such as `dev.internal`. @default - none */
  serviceConnectNamespace: text("a DNS-style namespace such as dev.internal", /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/).optional(),
  /** @default 365 */
  execLogRetentionDays: z
    .number(expected("a number of days"))
    .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), expected(`a CloudWatch retention (${LOG_RETENTION_DAYS.join(", ")})`))
    .optional(),
});

const CAPACITY_NAME = /^[a-z0-9][a-z0-9-]{0,30}$/;
const SERVICE_EXPOSURES = ["public", "internal", "none"] as const;

const serviceSecret = settings({
  /** A Secrets Manager secret; `jsonKey` picks one key of a JSON secret. */
  secretsManagerArn: text("a Secrets Manager secret ARN", /^arn:aws(-cn|-us-gov)?:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/).optional(),
  jsonKey: text("a JSON key (1-128 of A-Za-z0-9_.-)", /^[\w.-]{1,128}$/).optional(),
  /** An SSM Parameter Store parameter. */
  ssmParameterArn: text("an SSM parameter ARN", /^arn:aws(-cn|-us-gov)?:ssm:[a-z0-9-]+:\d{12}:parameter\/[\w/.-]+$/).optional(),
  /** The customer-managed key of the secret, if any. */
  kmsKeyArn: text("a KMS key ARN", /^arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/).optional(),
});

/**
 * One service, declared once for every runtime: the ECS stack runs it when `runtime` is
 * `ecs-fargate` or `ecs-ec2`, the EKS stack when it is `eks`.
 */
const service = settings({
  runtime: oneOf(SERVICE_RUNTIMES, "a runtime"),
  /** A platform repository (by name, with a tag) or an image reference from any registry. */
  image: settings({
    repository: repositoryName.optional(),
    tag: text("an image tag (1-128 of A-Za-z0-9_.-)", /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/).optional(),
    reference: text("an image reference with a registry and a tag or digest, such as public.ecr.aws/nginx/nginx:1.27", /^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+(:[\w.-]+|@sha256:[a-f0-9]{64})$/).optional(),
  }),
  /** CPU units (1024 = 1 vCPU). */
  cpu: wholeNumber("a number of CPU units", 128, 196608),
  memoryMiB: wholeNumber("a memory size in MiB", 128, 983040),
  /** The port the container listens on. @default - none (a worker) */
  port: wholeNumber("a port", 1, 65535).optional(),
  /** Tasks or pods before autoscaling takes over. @default 2 */
  replicas: wholeNumber("a replica count", 0, 1000).optional(),
  autoscaling: settings({
    min: wholeNumber("a replica count", 0, 1000),
    max: wholeNumber("a replica count", 1, 1000),
    targetCpuPercent: wholeNumber("a CPU percentage", 10, 90).optional(),
    targetMemoryPercent: wholeNumber("a memory percentage", 10, 90).optional(),
    requestsPerTarget: wholeNumber("a number of requests per target", 1, 1000000).optional(),
    /** Queue workers: target backlog (visible messages) per task. */
    queueMessagesPerTask: wholeNumber("a number of messages per task", 1, 1000000).optional(),
  }).optional(),
  /** The path load balancer health checks (and EKS probes) request. @default "/" */
  healthCheckPath: text("a path starting with / (printable characters, no spaces)", /^\/[\x21-\x7e]*$/).optional(),
  /** @default {} */
  environment: z.record(text("an environment variable name (letters, digits and _, not starting with a digit)", /^[A-Za-z_][A-Za-z0-9_]*$/), z.string(expected("a string")), expected("a map of variable to value")).optional(),
  /** @default {} */
  secrets: z.record(text("an environment variable name (letters, digits and _, not starting with a digit)", /^[A-Za-z_][A-Za-z0-9_]*$/), serviceSecret, expected("a map of variable to secret")).optional(),
  /** `public`: an internet-facing HTTPS load balancer; `internal`: one inside the VPC; `none`: no load balancer. @default "none" */
  exposure: oneOf(SERVICE_EXPOSURES, "an exposure").optional(),
  /** The service's DNS name and the Route 53 zone that holds it (certificate and alias record). */
  domain: settings({
    name: text("a DNS name such as api.example.com", /^([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/),
    hostedZoneId: text("a Route 53 hosted zone id", /^Z[A-Z0-9]{1,31}$/),
  }).optional(),
  /** For ecs-ec2: the EC2 capacity (a key of ecs.ec2Capacity). */
  ec2Capacity: text("a capacity name (1-31 lower-case letters, digits and -)", CAPACITY_NAME).optional(),
  /** For ecs-ec2: `awsvpc`, or `bridge` with dynamic host ports. @default "awsvpc" */
  networkMode: oneOf(["awsvpc", "bridge"], "a network mode").optional(),
  /** ECS Exec / kubectl exec access for debugging. @default false */
  exec: bool("allow exec into running containers").optional(),
  /** The container's command. @default - the image's */
  command: z.array(z.string(expected("a string")), expected("a list of strings")).min(1, expected("a list of at least one string")).optional(),
  /**
   * Run on a schedule instead of continuously (a scheduled task on ECS Fargate):
   * `cron(0 3 * * ? *)`, `rate(15 minutes)` or `at(...)`.
   * @default - a long-running service
   */
  schedule: text("a schedule: cron(...), rate(...) or at(...)", /^(cron|rate|at)\(.+\)$/).optional(),
  /** The schedule's IANA time zone. @default "UTC" */
  timezone: text("an IANA time zone such as Europe/Dublin", /^(UTC|[A-Za-z_]+(\/[A-Za-z0-9_+-]+)+)$/).optional(),
  /** A queue worker: a work queue and dead-letter queue, `QUEUE_URL` in the environment. @default - none */
  queue: settings({
    visibilityTimeoutSeconds: wholeNumber("a number of seconds", 0, 43200).optional(),
    maxReceiveCount: wholeNumber("a receive count", 1, 1000).optional(),
    retentionDays: wholeNumber("a number of days", 1, 14).optional(),
  }).optional(),
  /** Register in the cluster's Service Connect namespace (`ecs.serviceConnectNamespace`). @default false */
  serviceConnect: bool("register in Service Connect").optional(),
  /** Services allowed to call this one on its port (its security group admits theirs). @default [] */
  callers: z.array(text("a service name", /^[a-z][a-z0-9-]{0,26}[a-z0-9]$/), expected("a list of service names")).optional(),
  /** `rolling` (ECS, circuit breaker and rollback) or `blue-green` (CodeDeploy, needs exposure). @default "rolling" */
  deployment: oneOf(["rolling", "blue-green"], "a deployment type").optional(),
  /** Let CI deploy new images (task definitions) without Terraform reverting them. @default false */
  ciOwnsDeployments: bool("CI owns image deployments").optional(),
});


const dnsLabel = (what: string) => text(`${what} (a DNS label: 1-63 lower-case letters, digits and -, starting with a letter)`, DNS_LABEL);
const labelKey = text("a Kubernetes label key (an optional DNS prefix and /, then 1-63 of A-Za-z0-9_.-)", LABEL_KEY);
const labelValue = z.string(expected("a Kubernetes label value")).regex(LABEL_VALUE, expected("a Kubernetes label value (0-63 of A-Za-z0-9_.-, starting and ending alphanumeric)"));
const retentionDays = z
  .number(expected("a number of days"))
  .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), expected(`a CloudWatch retention (${LOG_RETENTION_DAYS.join(", ")})`));
const instanceType = text("an EC2 instance type such as m7g.large", EC2_INSTANCE_TYPE);

const eksSettings = settings({
  /** The Kubernetes version, pinned per environment: upgrading is a reviewed one-line change. */
  version: oneOf(KUBERNETES_VERSIONS, "a supported Kubernetes version"),
  /**
   * Turns the public API endpoint on for these ranges (the private endpoint is always on).
   * `0.0.0.0/0` is refused in production.
   * @default - no public endpoint
   */
  publicAccessCidrs: z.array(cidr, expected("a list of IPv4 CIDRs")).min(1, expected("a list of at least one IPv4 CIDR (leave it out for no public endpoint)")).optional(),
  /** @default all five: api, audit, authenticator, controllerManager, scheduler */
  logTypes: z.array(oneOf(EKS_LOG_TYPES, "a control-plane log type"), expected("a list of control-plane log types")).optional(),
  /** @default 365 */
  logRetentionDays: retentionDays.optional(),
  /** A KMS key for envelope encryption of Kubernetes secrets. @default - a key of the cluster's own, rotated yearly */
  secretsKmsKeyArn: text("a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>; not an alias)", /^arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/).optional(),
  /**
   * Who may use the cluster, keyed by a name of your choice (access entries, no aws-auth ConfigMap).
   * The CI deploy role (cluster-admin) and plan role (view) are added when `ci` is configured.
   * @default {}
   */
  access: z
    .record(
      text("an access name (1-64 of a-z0-9-)", /^[a-z0-9][a-z0-9-]{0,63}$/),
      settings({
        principalArn: text("an IAM role or user ARN", /^arn:aws(-cn|-us-gov)?:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/),
        level: oneOf(EKS_ACCESS_LEVELS, "an access level"),
        /** Limit the access to these namespaces. @default - the whole cluster */
        namespaces: z.array(dnsLabel("a namespace"), expected("a list of namespaces")).min(1, expected("a list of at least one namespace")).optional(),
      }),
      expected("a map of access name to access entry"),
    )
    .optional(),
  /** Managed node groups keyed by name: adding one never touches another. @default {} */
  nodeGroups: z
    .record(
      text("a node group name (1-20 lower-case letters, digits and -)", /^[a-z0-9][a-z0-9-]{0,19}$/),
      settings({
        instanceTypes: z.array(instanceType, expected("a list of EC2 instance types")).min(1, expected("a list of at least one EC2 instance type")),
        /** @default "on-demand" */
        capacityType: oneOf(["on-demand", "spot"], "a capacity type").optional(),
        minSize: wholeNumber("a node count", 0, 450),
        maxSize: wholeNumber("a node count", 1, 450),
        /** The size at creation; autoscaling owns it afterwards. @default minSize */
        desiredSize: wholeNumber("a node count", 0, 450).optional(),
        /** Encrypted gp3 root volume. @default 50 */
        diskSizeGiB: wholeNumber("a volume size in GiB", 20, 16384).optional(),
        /** Nodes unavailable at once during an update. @default 1 */
        maxUnavailable: wholeNumber("a node count", 1, 100).optional(),
        /** @default {} */
        labels: z.record(labelKey, labelValue, expected("a map of label key to value")).optional(),
        /** @default [] */
        taints: z
          .array(settings({ key: labelKey, value: labelValue.optional(), effect: oneOf(TAINT_EFFECTS, "a taint effect") }), expected("a list of taints"))
          .optional(),
      }),
      expected("a map of node group name to node group"),
    )
    .optional(),
  /** Fargate profiles keyed by name: pods that match a selector run on Fargate. @default {} */
  fargateProfiles: z
    .record(
      text("a Fargate profile name (1-20 lower-case letters, digits and -)", /^[a-z0-9][a-z0-9-]{0,19}$/),
      settings({
        selectors: z
          .array(
            settings({ namespace: dnsLabel("a namespace"), labels: z.record(labelKey, labelValue, expected("a map of label key to value")).optional() }),
            expected("a list of selectors"),
          )
          .min(1, expected("a list of 1 to 5 selectors"))
          .max(5, expected("a list of 1 to 5 selectors")),
      }),
      expected("a map of Fargate profile name to profile"),
    )
    .optional(),
  /**
   * EKS managed add-on versions, over the defaults pinned for the cluster's version in
   * `@platform/eks`: `{ "vpc-cni": "v1.19.5-eksbuild.1" }`.
   * @default {}
   */
  addonVersions: z
    .partialRecord(oneOf(EKS_MANAGED_ADDONS, "an EKS managed add-on"), text("an add-on version such as v1.19.5-eksbuild.1", /^v\d+\.\d+\.\d+(-eksbuild\.\d+)?$/), {
      error: (issue) =>
        issue.code === "invalid_type"
          ? "is not a map of add-on to version"
          : `is not allowed (an EKS managed add-on: ${EKS_MANAGED_ADDONS.map((a) => JSON.stringify(a)).join(", ")})`,
    })
    .optional(),
  /** How services' pods get their AWS roles. @default "pod-identity" */
  workloadIdentity: oneOf(WORKLOAD_IDENTITY_MODES, "a workload identity mode").optional(),
  /** A default-deny NetworkPolicy per service, admitting only its callers and its load balancer. @default true */
  networkPolicies: bool("default-deny network policies for services").optional(),
  /** The add-ons stack (`<env>-eks-addons`): Helm charts and their AWS roles. */
  addons: settings({
    /** @default "karpenter" */
    autoscaler: oneOf(["karpenter", "cluster-autoscaler", "none"], "a node autoscaler").optional(),
    /** AWS Load Balancer Controller, for services with exposure. @default true */
    loadBalancerController: bool("install the AWS Load Balancer Controller").optional(),
    /** metrics-server, for HPAs. @default true */
    metricsServer: bool("install metrics-server").optional(),
    /** external-dns, allowed to change these Route 53 zones only. @default - not installed */
    externalDns: settings({
      hostedZoneIds: z.array(text("a Route 53 hosted zone id", /^Z[A-Z0-9]{1,31}$/), expected("a list of hosted zone ids")).min(1, expected("a list of at least one hosted zone id")),
    }).optional(),
    /** @default false */
    certManager: bool("install cert-manager").optional(),
    /** Container logs to CloudWatch. @default "none" */
    logging: oneOf(["fluent-bit", "none"], "a logging add-on").optional(),
    /** @default false */
    efsCsiDriver: bool("install the EFS CSI driver").optional(),
  }).optional(),
});

export const environmentConfigSchema = settings({
  /** The environment's name: stacks are `<name>-<stack>`. 2-12 lower-case letters, digits and hyphens. */
  name: text("an environment name (2-12 lower-case letters, digits and hyphens, starting with a letter)", /^[a-z][a-z0-9-]{0,10}[a-z0-9]$/),
  /** Production turns on deletion safety and refuses unsafe settings. */
  production: bool("whether this is a production environment"),
  /** The only account this environment's stacks can be applied to. */
  accountId,
  region: text("an AWS region such as eu-west-1", REGION_PATTERN),
  /** Explicit zones, so that nothing depends on a data-source look-up. 1 to 6, in the region. */
  availabilityZones: z
    .array(text("an availability zone name such as eu-west-1a", AZ_PATTERN), expected("a list of availability zones"))
    .min(1, expected("a list of 1 to 6 availability zones"))
    .max(6, expected("a list of 1 to 6 availability zones")),
  backend,
  aws: awsSettings.optional(),
  /** Ownership tags, applied to every resource through the provider's default tags. */
  tags: settings({
    owner: tagValue("an owner (team or person)"),
    costCenter: tagValue("a cost center"),
    repository: tagValue("a repository such as github.com/acme/platform"),
    /** More tags for every resource. */
    extra: z.record(z.string().regex(/^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, expected("a tag key (1-128 characters, not starting with aws:)")), tagValue("a tag value"), expected("a map of tag key to tag value")).optional(),
  }),
  network,
  /** Container registry: repositories, scanning, replication, pull-through cache. @default - no registry stack */
  ecr: ecr.optional(),
  /** Keyless CI identities for GitHub Actions. @default - no CI access stack */
  ci: ci.optional(),
  /** The ECS cluster of the environment. @default - a Fargate cluster when a service runs on ECS */
  ecs: ecsSettings.optional(),
  /** The environment's EKS cluster, for services with runtime `eks`. @default - no EKS stacks */
  eks: eksSettings.optional(),
  /** The environment's services, keyed by name: adding one never touches another. @default {} */
  services: z
    .record(text("a service name (a DNS label of 2-28 lower-case letters, digits and -, starting with a letter and ending with a letter or digit)", /^[a-z][a-z0-9-]{0,26}[a-z0-9]$/), service, expected("a map of service name to service"))
    .optional(),
});

/** An environment's configuration, as written in `environments/<name>/config.ts`. */
export type EnvironmentConfig = z.input<typeof environmentConfigSchema>;
/** The same configuration after validation. */
export type ValidatedEnvironmentConfig = z.output<typeof environmentConfigSchema>;
export type BackendConfig = ValidatedEnvironmentConfig["backend"];
export type NetworkConfig = ValidatedEnvironmentConfig["network"];
export type EcrConfig = NonNullable<ValidatedEnvironmentConfig["ecr"]>;
export type CiConfig = NonNullable<ValidatedEnvironmentConfig["ci"]>;
export type ServiceConfig = NonNullable<ValidatedEnvironmentConfig["services"]>[string];
export type EksConfig = NonNullable<ValidatedEnvironmentConfig["eks"]>;

/**
 * Validates an environment's configuration and reports every problem at once, as a
 * `ConfigError` whose lines each name the setting, the bad value and what is allowed.
 *
 * @param label the prefix of every path in the messages; the environment's folder name.
 */
export function validateEnvironmentConfig(input: unknown, label: string): ValidatedEnvironmentConfig {
  const result = environmentConfigSchema.safeParse(input);
  // Rules between settings run on the raw input, each only where the settings it reads are
  // well-formed, so that one run reports every problem, not the first layer of them.
  const issues = [...(result.success ? [] : result.error.issues), ...crossFieldIssues(input)];
  if (!result.success || issues.length > 0) {
    throw new ConfigError(label, problemsFromIssues(label, input, issues));
  }
  return result.data;
}

type Issue = z.core.$ZodIssue;
type Path = (string | number)[];

/** Reads a setting from raw input, if it is there and passes `accept`. */
function read<T>(input: unknown, path: Path, accept: (v: unknown) => v is T): T | undefined {
  let current: unknown = input;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return accept(current) ? current : undefined;
}
const isString = (v: unknown): v is string => typeof v === "string";
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Rules that tie one setting to another. */
function crossFieldIssues(input: unknown): Issue[] {
  const issues: Issue[] = [];
  const problem = (path: Path, message: string) => issues.push({ code: "custom", path, message, input: undefined } as Issue);
  // A problem with a map's key (a name), reported like a bad key: showing the key, not its settings.
  const keyProblem = (path: Path, message: string) =>
    issues.push({ code: "invalid_key", origin: "record", issues: [], path, message, input: path[path.length - 1] } as unknown as Issue);

  const region = read(input, ["region"], (v): v is string => isString(v) && REGION_PATTERN.test(v));
  const zones = read(input, ["availabilityZones"], isStringArray) ?? [];
  zones.forEach((az, i) => {
    if (region && AZ_PATTERN.test(az) && (!az.startsWith(region) || !/^[a-z]$/.test(az.slice(region.length)))) {
      problem(["availabilityZones", i], `is not in region ${JSON.stringify(region)} (expected ${region} followed by a zone letter)`);
    }
    if (zones.indexOf(az) !== i) problem(["availabilityZones", i], "is listed twice (each zone once)");
  });

  const vpcCidr = read(input, ["network", "cidr"], isString);
  const vpc = vpcCidr === undefined ? undefined : parseIpv4Cidr(vpcCidr);
  if (vpc && (vpc.prefix < 16 || vpc.prefix > 22)) {
    problem(["network", "cidr"], "is not a VPC range the platform lays out (prefix /16 to /22)");
  }
  const givenTiers = read(input, ["network", "subnetTiers"], isStringArray);
  const tiersKnown = (givenTiers ?? []).every((t) => (SUBNET_TIERS as readonly string[]).includes(t));
  const tiers = givenTiers ?? ["public", "private"];
  tiers.forEach((tier, i) => {
    if (tiers.indexOf(tier) !== i) problem(["network", "subnetTiers", i], "is listed twice (each tier once)");
  });
  const nat = tiersKnown ? read(input, ["network", "natGateways"], isString) : undefined;
  if (nat && nat !== "none" && !tiers.includes("public")) {
    problem(["network", "natGateways"], 'needs the "public" subnet tier for the NAT gateways (add "public" to network.subnetTiers, or use "none")');
  }
  if (nat && nat !== "none" && !tiers.includes("private")) {
    problem(["network", "natGateways"], 'has no "private" subnet tier to serve (add "private" to network.subnetTiers, or use "none")');
  }

  const explicit: { path: Path; block: Ipv4Cidr }[] = [];
  for (const [tier, byAz] of Object.entries(read(input, ["network", "subnetCidrs"], isRecord) ?? {})) {
    if ((SUBNET_TIERS as readonly string[]).includes(tier) && !tiers.includes(tier)) {
      problem(["network", "subnetCidrs", tier], `is a tier this network does not have (its tiers: ${tiers.join(", ")})`);
    }
    for (const [az, range] of Object.entries(isRecord(byAz) ? byAz : {})) {
      const path = ["network", "subnetCidrs", tier, az];
      if (zones.length > 0 && !zones.includes(az)) {
        problem(path, `is for ${JSON.stringify(az)}, which is not one of availabilityZones (${zones.join(", ")})`);
      }
      const block = isString(range) ? parseIpv4Cidr(range) : undefined;
      if (!block) continue;
      if (vpc && !ipv4CidrContains(vpc, block)) {
        problem(path, `is outside the VPC range ${vpcCidr}`);
      } else if (block.prefix > 28) {
        problem(path, "is smaller than AWS allows for a subnet (/28 at the smallest)");
      }
      const clash = explicit.find((e) => ipv4CidrsOverlap(e.block, block));
      if (clash) problem(path, `overlaps network.subnetCidrs.${clash.path.slice(2).join(".")}`);
      explicit.push({ path, block });
    }
  }

  const destination = read(input, ["network", "flowLogs", "destination"], isString) ?? "cloudwatch";
  const bucketArn = read(input, ["network", "flowLogs", "s3BucketArn"], isString);
  if (destination === "s3" && bucketArn === undefined) {
    problem(["network", "flowLogs", "s3BucketArn"], 'is required when flowLogs.destination is "s3" (an S3 bucket ARN)');
  }
  if (bucketArn !== undefined && destination !== "s3") {
    problem(["network", "flowLogs", "s3BucketArn"], 'is only used when flowLogs.destination is "s3"');
  }

  const accountIdValue = read(input, ["accountId"], isString);
  const repositories = read(input, ["ecr", "repositories"], isRecord) ?? {};
  for (const [name, repo] of Object.entries(repositories)) {
    const pulls = read(repo, ["pullAccounts"], isStringArray) ?? [];
    pulls.forEach((account, i) => {
      if (account === accountIdValue) problem(["ecr", "repositories", name, "pullAccounts", i], "is this environment's own account (its principals get pull access through grants)");
      if (pulls.indexOf(account) !== i) problem(["ecr", "repositories", name, "pullAccounts", i], "is listed twice (each account once)");
    });
    if (read(repo, ["forceDelete"], (v): v is boolean => v === true) && read(input, ["production"], (v): v is boolean => v === true)) {
      problem(["ecr", "repositories", name, "forceDelete"], "is not allowed in production (deleting a repository with its images breaks every deployment that uses them)");
    }
  }
  const cachePrefixes = Object.keys(read(input, ["ecr", "pullThroughCache"], isRecord) ?? {});
  for (const name of Object.keys(repositories)) {
    const clash = cachePrefixes.find((prefix) => name === prefix || name.startsWith(`${prefix}/`));
    if (clash) keyProblem(["ecr", "repositories", name], `is under the pull-through cache prefix ${JSON.stringify(clash)}, whose repositories ECR creates itself; rename it or the prefix`);
  }
  for (const [prefix, rule] of Object.entries(read(input, ["ecr", "pullThroughCache"], isRecord) ?? {})) {
    const upstream = read(rule, ["upstream"], isString);
    const credential = read(rule, ["credentialArn"], isString);
    const needsCredential = upstream === "docker-hub" || upstream === "github" || upstream === "gitlab";
    if (upstream && needsCredential && !credential) {
      problem(["ecr", "pullThroughCache", prefix, "credentialArn"], `is required for ${upstream} (a Secrets Manager secret named ecr-pullthroughcache/...)`);
    }
    if (upstream && !needsCredential && credential) {
      problem(["ecr", "pullThroughCache", prefix, "credentialArn"], `is not used by ${upstream}, which is public`);
    }
  }
  const replication = read(input, ["ecr", "replication"], Array.isArray) ?? [];
  replication.forEach((rule: unknown, i: number) => {
    const destinations = read(rule, ["destinations"], Array.isArray) ?? [];
    destinations.forEach((d: unknown, j: number) => {
      const destRegion = read(d, ["region"], isString);
      const destAccount = read(d, ["accountId"], isString) ?? accountIdValue;
      if (destRegion && destRegion === region && destAccount === accountIdValue) {
        problem(["ecr", "replication", i, "destinations", j], "is this environment's own registry (same region and account); replicate to another region or account");
      }
    });
  });
  const scanType = read(input, ["ecr", "scanning", "type"], isString) ?? "BASIC";
  if (scanType === "BASIC" && read(input, ["ecr", "scanning", "frequency"], isString) === "CONTINUOUS_SCAN") {
    problem(["ecr", "scanning", "frequency"], 'needs ENHANCED scanning (set ecr.scanning.type to "ENHANCED", or use "SCAN_ON_PUSH")');
  }
  (read(input, ["ecr", "replicationSources"], Array.isArray) ?? []).forEach((source: unknown, i: number) => {
    if (read(source, ["accountId"], isString) === accountIdValue) {
      problem(["ecr", "replicationSources", i, "accountId"], "is this environment's own account; only other accounts need to be allowed");
    }
  });

  const isRepository = (v: unknown): v is string => isString(v) && GITHUB_REPOSITORY.test(v);
  const isRefs = (v: unknown): v is string[] => isStringArray(v) && v.every((ref) => GITHUB_REF.test(ref));
  const ciRepository = read(input, ["ci", "repository"], isRepository);
  if (ciRepository) {
    // As the plan role trusts it: the default branch and pull requests.
    const trust = githubSubjects({ repository: ciRepository, branches: ["main"], pullRequests: true });
    if ("problem" in trust) problem(["ci", "repository"], `is too broad or malformed: ${trust.problem}`);
  }
  for (const [repo, push] of Object.entries(read(input, ["ci", "imagePush"], isRecord) ?? {})) {
    const branches: unknown = isRecord(push) ? push.branches : undefined;
    const environments: unknown = isRecord(push) ? push.environments : undefined;
    // Malformed names are the schema's to report; the trust is checked once they are well-formed.
    if (isRepository(repo) && (branches === undefined || isRefs(branches)) && (environments === undefined || isRefs(environments))) {
      const trust = githubSubjects({ repository: repo, branches: branches ?? ["main"], environments: environments ?? [] });
      if ("problem" in trust) keyProblem(["ci", "imagePush", repo], `is too broad or malformed: ${trust.problem}`);
    }
    (read(push, ["repositories"], isStringArray) ?? []).forEach((name, i) => {
      if (REPOSITORY_NAME.test(name) && !(name in repositories)) {
        problem(["ci", "imagePush", repo, "repositories", i], `is not one of ecr.repositories (${Object.keys(repositories).join(", ") || "none"})`);
      }
    });
  }

  const capacities = Object.keys(read(input, ["ecs", "ec2Capacity"], isRecord) ?? {});
  const envName = read(input, ["name"], isString);
  if (capacities.length > 0 && envName && /^(aws|ecs|fargate)/i.test(envName)) {
    problem(["ecs", "ec2Capacity"], `cannot be used in an environment named ${JSON.stringify(envName)}: ECS refuses capacity provider names (<env>-cluster-<key>) that start with aws, ecs or fargate`);
  }
  for (const [key, capacity] of Object.entries(read(input, ["ecs", "ec2Capacity"], isRecord) ?? {})) {
    const minSize = read(capacity, ["minSize"], (v): v is number => typeof v === "number");
    const maxSize = read(capacity, ["maxSize"], (v): v is number => typeof v === "number");
    if (minSize !== undefined && maxSize !== undefined && minSize > maxSize) problem(["ecs", "ec2Capacity", key, "maxSize"], `is below minSize (${minSize})`);
  }
  for (const [name, svc] of Object.entries(read(input, ["services"], isRecord) ?? {})) {
    const at = (...rest: (string | number)[]) => ["services", name, ...rest];
    // "Is required" rules look at whether a setting is given at all: a malformed one is the schema's to report.
    const given = (setting: string) => isRecord(svc) && svc[setting] !== undefined;
    // Rules that depend on the runtime or the exposure run only when those are valid values.
    const runtime = read(svc, ["runtime"], (v): v is ServiceRuntime => (SERVICE_RUNTIMES as readonly unknown[]).includes(v));
    const image = read(svc, ["image"], isRecord);
    if (image) {
      const fromRepository = image.repository !== undefined;
      const fromReference = image.reference !== undefined;
      if (fromRepository === fromReference) problem(at("image"), "must name either repository (with tag) or reference, not both and not neither");
      if (fromRepository && !fromReference && image.tag === undefined) problem(at("image", "tag"), "is required with image.repository (an image tag)");
      if (fromReference && !fromRepository && image.tag !== undefined) problem(at("image", "tag"), "is part of image.reference; remove it");
      if (isString(image.repository) && REPOSITORY_NAME.test(image.repository) && !(image.repository in repositories) && !read(input, ["ecr", "imageSource"], isRecord)) {
        problem(at("image", "repository"), `is not one of ecr.repositories (${Object.keys(repositories).join(", ") || "none"})`);
      }
    }
    const cpu = read(svc, ["cpu"], (v): v is number => typeof v === "number");
    const memory = read(svc, ["memoryMiB"], (v): v is number => typeof v === "number");
    if (runtime === "ecs-fargate" && cpu !== undefined && memory !== undefined && Number.isInteger(cpu) && Number.isInteger(memory) && cpu >= 128 && cpu <= 196608 && memory >= 128 && memory <= 983040) {
      const size = fargateSizeProblem(cpu, memory);
      if (size) problem(at(size.startsWith("'cpu'") ? "cpu" : "memoryMiB"), `is not a Fargate size: ${size.replace(/^'\w+' /, "")}`);
    }
    const capacity = read(svc, ["ec2Capacity"], isString);
    if (runtime === "ecs-ec2" && !given("ec2Capacity")) problem(at("ec2Capacity"), `is required with runtime "ecs-ec2" (one of ecs.ec2Capacity: ${capacities.join(", ") || "none defined"})`);
    if (capacity !== undefined && runtime !== undefined && runtime !== "ecs-ec2") problem(at("ec2Capacity"), 'is only used with runtime "ecs-ec2"');
    if (capacity !== undefined && runtime === "ecs-ec2" && CAPACITY_NAME.test(capacity) && !capacities.includes(capacity)) problem(at("ec2Capacity"), `is not one of ecs.ec2Capacity (${capacities.join(", ") || "none defined"})`);
    if (read(svc, ["networkMode"], isString) !== undefined && runtime !== undefined && runtime !== "ecs-ec2") problem(at("networkMode"), 'is only used with runtime "ecs-ec2" (Fargate and EKS use their own networking)');
    const givenExposure = read(svc, ["exposure"], isString);
    const exposure = givenExposure === undefined ? "none" : (SERVICE_EXPOSURES as readonly string[]).includes(givenExposure) ? givenExposure : undefined;
    if (exposure !== undefined && exposure !== "none" && !given("port")) problem(at("port"), `is required with exposure ${JSON.stringify(exposure)} (the port the load balancer sends traffic to)`);
    if (exposure !== undefined && exposure !== "none" && !given("domain")) problem(at("domain"), `is required with exposure ${JSON.stringify(exposure)} (the HTTPS certificate is issued for it)`);
    if (exposure === "none" && read(svc, ["domain"], isRecord)) problem(at("domain"), 'is only used with exposure "public" or "internal"');
    if (exposure === "none" && read(svc, ["autoscaling", "requestsPerTarget"], (v): v is number => typeof v === "number") !== undefined) problem(at("autoscaling", "requestsPerTarget"), 'needs a load balancer (exposure "public" or "internal")');
    const min = read(svc, ["autoscaling", "min"], (v): v is number => typeof v === "number");
    const max = read(svc, ["autoscaling", "max"], (v): v is number => typeof v === "number");
    if (min !== undefined && max !== undefined && min > max) problem(at("autoscaling", "max"), `is below autoscaling.min (${min})`);
    const scaling = read(svc, ["autoscaling"], isRecord);
    if (scaling && scaling.targetCpuPercent === undefined && scaling.targetMemoryPercent === undefined && scaling.requestsPerTarget === undefined && scaling.queueMessagesPerTask === undefined) {
      problem(at("autoscaling"), "needs a target: targetCpuPercent, targetMemoryPercent, requestsPerTarget or queueMessagesPerTask");
    }
    if (typeof scaling?.queueMessagesPerTask === "number" && !given("queue")) problem(at("autoscaling", "queueMessagesPerTask"), "needs queue: it scales on the work queue's backlog");
    if (typeof scaling?.queueMessagesPerTask === "number" && read(input, ["ecs", "containerInsights"], isString) === "disabled") {
      problem(at("autoscaling", "queueMessagesPerTask"), 'needs Container Insights (its running-task count); ecs.containerInsights is "disabled"');
    }
    const bridge = runtime === "ecs-ec2" && read(svc, ["networkMode"], isString) === "bridge";
    if (given("queue") && isRecord(read(svc, ["environment"], isRecord)) && "QUEUE_URL" in (read(svc, ["environment"], isRecord) ?? {})) {
      problem(at("environment", "QUEUE_URL"), "is set by queue; remove it");
    }
    if (given("queue") && "QUEUE_URL" in (read(svc, ["secrets"], isRecord) ?? {})) problem(at("secrets", "QUEUE_URL"), "is set by queue; remove it");
    if (given("queue") && runtime === "eks") problem(at("queue"), "is an ECS option for now; the EKS runtime does not create work queues");
    if (read(svc, ["serviceConnect"], (v): v is boolean => v === true)) {
      if (runtime === "eks") problem(at("serviceConnect"), "is an ECS option; on EKS services reach each other through Kubernetes Services");
      if (!read(input, ["ecs", "serviceConnectNamespace"], isString)) problem(at("serviceConnect"), "needs ecs.serviceConnectNamespace (the Cloud Map namespace services register in)");
      if (!given("port")) problem(at("serviceConnect"), "needs port: the port other services call");
      if (bridge) problem(at("serviceConnect"), 'needs awsvpc networking; networkMode is "bridge"');
    }
    const services = read(input, ["services"], isRecord) ?? {};
    const callers = read(svc, ["callers"], isStringArray) ?? [];
    callers.forEach((caller, i) => {
      if (!SERVICE_NAME.test(caller)) return; // the schema reports it
      const other = services[caller];
      const otherRuntime = read(other, ["runtime"], (v): v is ServiceRuntime => (SERVICE_RUNTIMES as readonly unknown[]).includes(v));
      if (callers.indexOf(caller) !== i) problem(at("callers", i), "is listed twice (each caller once)");
      else if (caller === name) problem(at("callers", i), "is this service itself");
      else if (!isRecord(other)) problem(at("callers", i), `is not one of services (${Object.keys(services).filter((n) => n !== name).join(", ") || "none"})`);
      else if (runtime !== undefined && otherRuntime !== undefined && (runtime === "eks") !== (otherRuntime === "eks")) problem(at("callers", i), `runs on ${otherRuntime} and this service on ${runtime}; callers must run on the same platform`);
      else if (otherRuntime === "ecs-ec2" && read(other, ["networkMode"], isString) === "bridge") problem(at("callers", i), 'uses bridge networking, whose tasks have no security group of their own to admit; use awsvpc');
    });
    if (callers.length > 0 && bridge) problem(at("callers"), 'needs awsvpc networking (a security group of the service\'s own); networkMode is "bridge"');
    if (callers.length > 0 && !given("port")) problem(at("callers"), "needs port: the port the callers reach");
    if (given("schedule")) {
      if (runtime !== undefined && runtime !== "ecs-fargate") problem(at("schedule"), `runs scheduled tasks on "ecs-fargate" only for now, got runtime ${JSON.stringify(runtime)}`);
      for (const setting of ["port", "exposure", "domain", "autoscaling", "replicas", "queue", "serviceConnect", "callers", "deployment", "exec", "ciOwnsDeployments", "healthCheckPath"]) {
        if (given(setting)) problem(at(setting), "is a setting of long-running services; a scheduled task (schedule) runs to completion");
      }
    }
    if (given("timezone") && !given("schedule")) problem(at("timezone"), "is only used with schedule");
    if (runtime !== undefined && runtime !== "eks" && (givenTiers !== undefined && tiersKnown) && !tiers.includes("private")) {
      problem(at("runtime"), `runs its tasks in private subnets, and network.subnetTiers (${tiers.join(", ")}) has no "private" tier`);
    }
    if (exposure === "public" && tiersKnown && !tiers.includes("public")) {
      problem(at("exposure"), `needs public subnets for its load balancer, and network.subnetTiers (${tiers.join(", ")}) has no "public" tier`);
    }
    if ((exposure === "public" || exposure === "internal") && zones.length === 1) {
      problem(at("exposure"), "needs a load balancer in at least 2 availability zones, and availabilityZones lists 1");
    }
    const deployment = read(svc, ["deployment"], isString);
    if (deployment === "blue-green" && exposure === "none") problem(at("deployment"), 'needs a load balancer (exposure "public" or "internal"): blue/green shifts its traffic');
    if (deployment === "blue-green" && runtime === "eks") problem(at("deployment"), 'is an ECS option; on EKS use the Deployment\'s rolling update');
    const envVars = Object.keys(read(svc, ["environment"], isRecord) ?? {});
    for (const variable of envVars) {
      if (SECRET_LIKE_NAME.test(variable)) keyProblem(at("environment", variable), "looks like a secret; put it in secrets (Secrets Manager or SSM Parameter Store), not in plain environment values");
    }
    for (const [variable, secret] of Object.entries(read(svc, ["secrets"], isRecord) ?? {})) {
      if (envVars.includes(variable)) keyProblem(at("secrets", variable), "is also in environment; a variable comes from one of them");
      if (!isRecord(secret)) continue;
      if ((secret.secretsManagerArn === undefined) === (secret.ssmParameterArn === undefined)) problem(at("secrets", variable), "must name either secretsManagerArn or ssmParameterArn, not both and not neither");
      if (secret.jsonKey !== undefined && secret.secretsManagerArn === undefined) problem(at("secrets", variable, "jsonKey"), "is only used with secretsManagerArn");
    }
  }


  const eks = read(input, ["eks"], isRecord);
  const isNumber = (v: unknown): v is number => typeof v === "number";
  if (eks) {
    if (zones.length === 1) problem(["availabilityZones"], "lists 1 zone, and eks needs subnets in at least two (EKS refuses fewer); add a zone");
    if (tiersKnown && !tiers.includes("private")) problem(["network", "subnetTiers"], 'has no "private" tier, and eks runs its nodes and pods in private subnets; add "private"');
    (read(eks, ["publicAccessCidrs"], Array.isArray) ?? []).forEach((range: unknown, i: number) => {
      const prefix = isString(range) ? parseIpv4Cidr(range)?.prefix : undefined;
      if (prefix !== undefined && prefix < 8 && read(input, ["production"], (v): v is boolean => v === true)) {
        problem(["eks", "publicAccessCidrs", i], "is not allowed in production (it opens the API endpoint to a large part of the internet: prefix below /8); list the ranges that need it, or use the private endpoint only");
      }
    });
    for (const [name, entry] of Object.entries(read(eks, ["access"], isRecord) ?? {})) {
      if (read(entry, ["level"], isString) === "cluster-admin" && read(entry, ["namespaces"], Array.isArray)) {
        problem(["eks", "access", name, "namespaces"], 'cannot limit "cluster-admin", which is cluster-wide; use "admin" for namespace administrators');
      }
    }
    const nodeGroups = read(eks, ["nodeGroups"], isRecord) ?? {};
    // A malformed nodeGroups or fargateProfiles is the schema's to report, not a missing one.
    const computeWellFormed = ["nodeGroups", "fargateProfiles"].every((setting) => eks[setting] === undefined || isRecord(eks[setting]));
    for (const [key, group] of Object.entries(nodeGroups)) {
      // Sizes the schema refuses are the schema's to report.
      const size = (setting: string, low: number) => read(group, [setting], (v): v is number => isNumber(v) && Number.isInteger(v) && v >= low && v <= 450);
      const min = size("minSize", 0);
      const max = size("maxSize", 1);
      const desired = size("desiredSize", 0);
      if (min !== undefined && max !== undefined && min > max) problem(["eks", "nodeGroups", key, "maxSize"], `is below minSize (${min})`);
      else if (desired !== undefined && min !== undefined && max !== undefined && (desired < min || desired > max)) {
        problem(["eks", "nodeGroups", key, "desiredSize"], `is outside minSize..maxSize (${min}..${max})`);
      }
    }
    const profiles = read(eks, ["fargateProfiles"], isRecord) ?? {};
    const fargateNamespaces = Object.values(profiles).flatMap((p) => (read(p, ["selectors"], Array.isArray) ?? []).map((sel: unknown) => read(sel, ["namespace"], isString)));
    const autoscaler = read(eks, ["addons", "autoscaler"], isString) ?? "karpenter";
    if (Object.keys(nodeGroups).length === 0 && computeWellFormed) {
      if (Object.keys(profiles).length === 0) problem(["eks", "nodeGroups"], "is required when there are no fargateProfiles (a cluster needs compute for CoreDNS and the add-ons)");
      else {
        if (!fargateNamespaces.includes("kube-system")) problem(["eks", "fargateProfiles"], 'must select namespace "kube-system" when there are no nodeGroups (CoreDNS runs there)');
        if (autoscaler === "karpenter" && !fargateNamespaces.includes("karpenter")) problem(["eks", "fargateProfiles"], 'must select namespace "karpenter" when there are no nodeGroups (the Karpenter controller runs there)');
        if (autoscaler === "cluster-autoscaler") problem(["eks", "addons", "autoscaler"], 'needs nodeGroups to scale, and eks.nodeGroups is empty; add nodeGroups, or use "karpenter" or "none"');
      }
    }
  }
  for (const [name, svc] of Object.entries(read(input, ["services"], isRecord) ?? {})) {
    if (read(svc, ["runtime"], isString) !== "eks") continue;
    const at = (...rest: (string | number)[]) => ["services", name, ...rest];
    if ((RESERVED_NAMESPACES as readonly string[]).includes(name)) {
      keyProblem(["services", name], `is a namespace that Kubernetes or the platform's add-ons use (${RESERVED_NAMESPACES.join(", ")}); a service on EKS gets a namespace of its own name, so choose another`);
    }
    if (read(input, ["eks"], (v): v is unknown => v !== undefined) === undefined) problem(at("runtime"), 'needs the eks section (an EKS cluster to run on); add eks, or use "ecs-fargate"');
    if (read(svc, ["secrets"], isRecord) && Object.keys(read(svc, ["secrets"], isRecord) ?? {}).length > 0) {
      problem(at("secrets"), "is an ECS option for now: on EKS, mount secrets with the Secrets Store CSI driver");
    }
    if (read(svc, ["autoscaling", "requestsPerTarget"], isNumber) !== undefined) problem(at("autoscaling", "requestsPerTarget"), "is an ECS option: an EKS HorizontalPodAutoscaler scales on targetCpuPercent or targetMemoryPercent");
    if (read(svc, ["ciOwnsDeployments"], (v): v is boolean => v === true)) problem(at("ciOwnsDeployments"), "is an ECS option for now: on EKS, Terraform owns the Deployment's image");
    const exposure = read(svc, ["exposure"], isString);
    if ((exposure === "public" || exposure === "internal") && read(eks, ["addons", "loadBalancerController"], (v): v is boolean => v === false) === false) {
      problem(at("exposure"), "needs the AWS Load Balancer Controller, and eks.addons.loadBalancerController is false");
    }
  }

  if (read(input, ["production"], (v): v is boolean => v === true)) {
    if (read(input, ["backend", "type"], isString) === "local") {
      problem(["backend", "type"], 'is not allowed in production (state must be shared and locked: "s3" or "cloud")');
    }
    if (read(input, ["aws", "offline"], isRecord)) {
      problem(["aws", "offline"], "is not allowed in production (offline mode uses placeholder credentials)");
    }
    if (destination === "none") {
      problem(["network", "flowLogs", "destination"], 'is not allowed in production (flow logs are required: "cloudwatch" or "s3")');
    }
  }
  return issues;
}
