import {
  INTERFACE_ENDPOINT_SERVICES,
  LOG_RETENTION_DAYS,
  validateEnvironmentConfig,
  type EnvironmentConfig,
} from "../src";
import { configError, problemLines, withChanges } from "./support";

/** A valid, minimal configuration; every test changes only what it is about. */
function baseConfig(): EnvironmentConfig {
  return {
    name: "prod",
    production: false,
    accountId: "123456789012",
    region: "eu-west-1",
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
    backend: { type: "local" },
    tags: { owner: "platform-team", costCenter: "cc-1234", repository: "github.com/acme/platform" },
    network: { cidr: "10.0.0.0/16", natGateways: "single" },
  };
}

/** The base configuration with settings replaced (see `withChanges`). */
const configWith = (changes: Record<string, unknown>): unknown => withChanges(baseConfig(), changes);


const S3_BACKEND = { type: "s3", bucket: "acme-terraform-state" };
/** The top-level settings, in the order the messages list them. */
const CONFIG_SETTINGS = "name, production, accountId, region, availabilityZones, backend, aws, tags, network, ecr, ci, ecs, eks, services";

describe("validateEnvironmentConfig: valid configurations", () => {
  test("a minimal configuration passes and yields the parsed data", () => {
    const input = baseConfig();
    const config = validateEnvironmentConfig(input, "prod");
    expect(config).toEqual(input);
    expect(config.network.cidr).toBe("10.0.0.0/16");
    expect(config.backend).toEqual({ type: "local" });
  });

  test("a configuration using every setting passes unchanged", () => {
    const input: EnvironmentConfig = {
      name: "prod-eu",
      production: true,
      accountId: "210987654321",
      region: "eu-west-1",
      availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
      backend: {
        type: "s3",
        bucket: "acme-terraform-state",
        region: "eu-central-1",
        keyPrefix: "platform/prod",
        kmsKeyId: "arn:aws:kms:eu-central-1:210987654321:alias/terraform-state",
        dynamodbTable: "terraform-locks",
        roleArn: "arn:aws:iam::210987654321:role/terraform-state",
      },
      aws: {
        assumeRole: {
          roleArn: "arn:aws:iam::210987654321:role/deploy",
          externalId: "ci-external-1",
          sessionName: "github-actions",
        },
      },
      tags: {
        owner: "platform-team",
        costCenter: "cc-1234",
        repository: "github.com/acme/platform",
        extra: { Team: "platform", "data:classification": "internal" },
      },
      network: {
        cidr: "10.20.0.0/16",
        natGateways: "perAz",
        subnetTiers: ["public", "private", "intra"],
        subnetCidrs: {
          public: { "eu-west-1a": "10.20.0.0/24", "eu-west-1b": "10.20.1.0/24" },
          intra: { "eu-west-1c": "10.20.200.0/28" },
        },
        gatewayEndpoints: ["s3", "dynamodb"],
        interfaceEndpoints: ["ecr.api", "ecr.dkr", "sts"],
        flowLogs: {
          destination: "s3",
          retentionDays: 30,
          trafficType: "REJECT",
          s3BucketArn: "arn:aws:s3:::acme-flow-logs/prod",
        },
        kubernetes: { clusterNames: ["main", "batch_2"], karpenterDiscovery: "main" },
      },
    };
    expect(validateEnvironmentConfig(input, "prod")).toEqual(input);
  });

  test.each([
    ["a cloud backend", { backend: { type: "cloud", organization: "acme", hostname: "tfe.acme.io:8443", workspacePrefix: "" } }],
    ["a local backend with a relative path", { backend: { type: "local", path: "state/dev" } }],
    ["offline mode with endpoints", { aws: { offline: { endpoints: { s3: "http://localhost:4566", ec2: "https://ec2.local" } } } }],
    ["a GovCloud region", { region: "us-gov-west-1", availabilityZones: ["us-gov-west-1a"] }],
    ["a China region", { region: "cn-north-1", availabilityZones: ["cn-north-1a", "cn-north-1b"] }],
    ["six zones", { availabilityZones: ["a", "b", "c", "d", "e", "f"].map((z) => `eu-west-1${z}`) }],
    ["a /22 VPC", { "network.cidr": "10.0.0.0/22" }],
    ["no NAT and no public tier", { "network.natGateways": "none", "network.subnetTiers": ["private", "intra"] }],
    ["flow logs off outside production", { "network.flowLogs": { destination: "none" } }],
    ["a /28 subnet", { "network.subnetCidrs": { private: { "eu-west-1a": "10.0.255.240/28" } } }],
    ["every CloudWatch retention", { "network.flowLogs": { retentionDays: LOG_RETENTION_DAYS[LOG_RETENTION_DAYS.length - 1] } }],
    ["every interface endpoint preset", { "network.interfaceEndpoints": [...INTERFACE_ENDPOINT_SERVICES] }],
  ])("%s passes", (_what, changes) => {
    expect(() => validateEnvironmentConfig(configWith(changes), "prod")).not.toThrow();
  });
});

describe("validateEnvironmentConfig: one message per problem", () => {
  const REQUIRED: [string, string][] = [
    ["name", "prod.name: is required (an environment name (2-12 lower-case letters, digits and hyphens, starting with a letter))"],
    ["production", "prod.production: is required (true or false: whether this is a production environment)"],
    ["accountId", "prod.accountId: is required (a 12-digit AWS account id)"],
    ["region", "prod.region: is required (an AWS region such as eu-west-1)"],
    ["availabilityZones", "prod.availabilityZones: is required (a list of availability zones)"],
    ["backend", 'prod.backend: is required (a state backend: { type: "local", "s3", "cloud", ... })'],
    ["tags", "prod.tags: is required (an object with: owner, costCenter, repository, extra)"],
    [
      "network",
      "prod.network: is required (an object with: cidr, natGateways, subnetTiers, subnetCidrs, gatewayEndpoints, interfaceEndpoints, flowLogs, kubernetes)",
    ],
    ["tags.owner", "prod.tags.owner: is required (an owner (team or person))"],
    ["tags.costCenter", "prod.tags.costCenter: is required (a cost center)"],
    ["tags.repository", "prod.tags.repository: is required (a repository such as github.com/acme/platform)"],
    ["network.cidr", "prod.network.cidr: is required (an IPv4 CIDR such as 10.0.0.0/16)"],
    ["network.natGateways", 'prod.network.natGateways: is required (a NAT gateway mode: "none", "single", "perAz")'],
  ];
  test.each(REQUIRED)("missing %s", (setting, line) => {
    expect(problemLines(configWith({ [setting]: undefined }))).toEqual([line]);
  });

  test.each([
    ["s3 bucket", { backend: { type: "s3" } }, "prod.backend.bucket: is required (an S3 bucket name (3-63 lower-case letters, digits, dots and hyphens))"],
    ["cloud organization", { backend: { type: "cloud" } }, "prod.backend.organization: is required (an organization name (letters, digits, _ and -))"],
    ["assumeRole roleArn", { aws: { assumeRole: {} } }, "prod.aws.assumeRole.roleArn: is required (an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>))"],
  ])("missing %s", (_what, changes, line) => {
    expect(problemLines(configWith(changes))).toEqual([line]);
  });

  const PATTERN: [string, Record<string, unknown>, string][] = [
    ["name with upper case", { name: "Prod" }, 'prod.name: "Prod" is not an environment name (2-12 lower-case letters, digits and hyphens, starting with a letter)'],
    ["name too long", { name: "production-eu1" }, 'prod.name: "production-eu1" is not an environment name (2-12 lower-case letters, digits and hyphens, starting with a letter)'],
    ["name ending in a hyphen", { name: "prod-" }, 'prod.name: "prod-" is not an environment name (2-12 lower-case letters, digits and hyphens, starting with a letter)'],
    ["name not a string", { name: 5 }, "prod.name: 5 is not an environment name (2-12 lower-case letters, digits and hyphens, starting with a letter)"],
    ["production not a boolean", { production: "yes" }, 'prod.production: "yes" is not true or false: whether this is a production environment'],
    ["accountId too short", { accountId: "1234" }, 'prod.accountId: "1234" is not a 12-digit AWS account id'],
    ["accountId a number", { accountId: 123456789012 }, "prod.accountId: 123456789012 is not a 12-digit AWS account id"],
    ["region", { region: "europe" }, 'prod.region: "europe" is not an AWS region such as eu-west-1'],
    ["availability zone", { availabilityZones: ["eu-west-1a", "eu-west-1"] }, 'prod.availabilityZones[1]: "eu-west-1" is not an availability zone name such as eu-west-1a'],
    ["availabilityZones not a list", { availabilityZones: 3 }, "prod.availabilityZones: 3 is not a list of availability zones"],
    ["no availability zones", { availabilityZones: [] }, "prod.availabilityZones: [] is not a list of 1 to 6 availability zones"],
    [
      "seven availability zones",
      { availabilityZones: ["a", "b", "c", "d", "e", "f", "g"].map((z) => `eu-west-1${z}`) },
      'prod.availabilityZones: ["eu-west-1a","eu-west-1b","eu-west-1c","eu-west-1d","eu-west-1e","eu-west-1f","eu-west-1g"] is not a list of 1 to 6 availability zones',
    ],
    ["VPC prefix over 32", { "network.cidr": "10.0.0.0/33" }, 'prod.network.cidr: "10.0.0.0/33" is not an IPv4 CIDR (a.b.c.d/n, with no host bits set)'],
    ["VPC host bits set", { "network.cidr": "10.0.0.1/16" }, 'prod.network.cidr: "10.0.0.1/16" is not an IPv4 CIDR (a.b.c.d/n, with no host bits set)'],
    ["VPC cidr not a string", { "network.cidr": 10 }, "prod.network.cidr: 10 is not an IPv4 CIDR such as 10.0.0.0/16"],
    ["local path absolute", { backend: { type: "local", path: "/var/state" } }, 'prod.backend.path: "/var/state" is not a folder relative to the repository root (no leading / and no ..)'],
    ["local path with ..", { backend: { type: "local", path: "state/../../x" } }, 'prod.backend.path: "state/../../x" is not a folder relative to the repository root (no leading / and no ..)'],
    ["local path with a drive", { backend: { type: "local", path: "C:\\state" } }, 'prod.backend.path: "C:\\\\state" is not a folder relative to the repository root (no leading / and no ..)'],
    ["local path not a string", { backend: { type: "local", path: 3 } }, "prod.backend.path: 3 is not a folder relative to the repository root"],
    ["s3 bucket", { backend: { ...S3_BACKEND, bucket: "Acme_State" } }, 'prod.backend.bucket: "Acme_State" is not an S3 bucket name (3-63 lower-case letters, digits, dots and hyphens)'],
    ["s3 region", { backend: { ...S3_BACKEND, region: "eu-west" } }, 'prod.backend.region: "eu-west" is not an AWS region such as eu-west-1'],
    ["s3 keyPrefix", { backend: { ...S3_BACKEND, keyPrefix: "/prod" } }, 'prod.backend.keyPrefix: "/prod" is not a key prefix of letters, digits and -_./'],
    ["s3 kmsKeyId", { backend: { ...S3_BACKEND, kmsKeyId: "my-key" } }, 'prod.backend.kmsKeyId: "my-key" is not a KMS key ARN'],
    ["s3 dynamodbTable", { backend: { ...S3_BACKEND, dynamodbTable: "tf" } }, 'prod.backend.dynamodbTable: "tf" is not a DynamoDB table name (3-255 of A-Za-z0-9_.-)'],
    ["s3 roleArn", { backend: { ...S3_BACKEND, roleArn: "arn:aws:iam::123:role/x" } }, 'prod.backend.roleArn: "arn:aws:iam::123:role/x" is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)'],
    ["cloud organization", { backend: { type: "cloud", organization: "acme corp" } }, 'prod.backend.organization: "acme corp" is not an organization name (letters, digits, _ and -)'],
    ["cloud hostname", { backend: { type: "cloud", organization: "acme", hostname: "https://tfe" } }, 'prod.backend.hostname: "https://tfe" is not a host name such as app.terraform.io'],
    ["cloud workspacePrefix", { backend: { type: "cloud", organization: "acme", workspacePrefix: "a b" } }, 'prod.backend.workspacePrefix: "a b" is not a workspace name prefix (letters, digits, _ and -)'],
    ["assumeRole roleArn", { aws: { assumeRole: { roleArn: "deploy" } } }, 'prod.aws.assumeRole.roleArn: "deploy" is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)'],
    [
      "assumeRole externalId",
      { aws: { assumeRole: { roleArn: "arn:aws:iam::123456789012:role/deploy", externalId: "x" } } },
      'prod.aws.assumeRole.externalId: "x" is not an external id (2-1224 of \\w+=,.@:/-)',
    ],
    [
      "assumeRole sessionName",
      { aws: { assumeRole: { roleArn: "arn:aws:iam::123456789012:role/deploy", sessionName: "a b" } } },
      'prod.aws.assumeRole.sessionName: "a b" is not a session name (2-64 of \\w+=,.@-)',
    ],
    [
      "offline endpoint service name",
      { aws: { offline: { endpoints: { S3: "http://localhost:4566" } } } },
      'prod.aws.offline.endpoints.S3: "S3" is not a service name of the provider\'s endpoints block, such as s3 or ec2',
    ],
    ["offline endpoint URL", { aws: { offline: { endpoints: { s3: "localhost:4566" } } } }, 'prod.aws.offline.endpoints.s3: "localhost:4566" is not an http(s) URL'],
    ["offline endpoints not a map", { aws: { offline: { endpoints: "http://localhost:4566" } } }, 'prod.aws.offline.endpoints: "http://localhost:4566" is not a map of service name to endpoint URL'],
    ["owner empty", { "tags.owner": "" }, 'prod.tags.owner: "" is empty (expected an owner (team or person))'],
    ["cost center with a forbidden character", { "tags.costCenter": "cc#1" }, 'prod.tags.costCenter: "cc#1" is not a cost center made of letters, digits, spaces and _.:/=+-@'],
    ["repository not a string", { "tags.repository": 42 }, "prod.tags.repository: 42 is not a repository such as github.com/acme/platform"],
    ["extra tag key", { "tags.extra": { "aws:team": "platform" } }, 'prod.tags.extra.aws:team: "aws:team" is not a tag key (1-128 characters, not starting with aws:)'],
    ["extra tag value", { "tags.extra": { Team: "" } }, 'prod.tags.extra.Team: "" is empty (expected a tag value)'],
    ["extra not a map", { "tags.extra": ["Team"] }, 'prod.tags.extra: ["Team"] is not a map of tag key to tag value'],
    ["subnetTiers not a list", { "network.subnetTiers": "public" }, 'prod.network.subnetTiers: "public" is not a list of subnet tiers'],
    ["subnetTiers empty", { "network.natGateways": "none", "network.subnetTiers": [] }, "prod.network.subnetTiers: [] is not a list of at least one subnet tier"],
    [
      "subnetCidrs not a map",
      { "network.subnetCidrs": "10.0.0.0/20" },
      'prod.network.subnetCidrs: "10.0.0.0/20" is not a map of subnet tier to { availability zone: IPv4 CIDR }',
    ],
    [
      "subnetCidrs of a tier not a map",
      { "network.subnetCidrs": { public: "10.0.0.0/20" } },
      'prod.network.subnetCidrs.public: "10.0.0.0/20" is not a map of availability zone to IPv4 CIDR',
    ],
    [
      "subnetCidrs with host bits set",
      { "network.subnetCidrs": { public: { "eu-west-1a": "10.0.0.1/24" } } },
      'prod.network.subnetCidrs.public.eu-west-1a: "10.0.0.1/24" is not an IPv4 CIDR (a.b.c.d/n, with no host bits set)',
    ],
    ["gatewayEndpoints not a list", { "network.gatewayEndpoints": "s3" }, 'prod.network.gatewayEndpoints: "s3" is not a list of gateway endpoints'],
    ["interfaceEndpoints not a list", { "network.interfaceEndpoints": "ecr.api" }, 'prod.network.interfaceEndpoints: "ecr.api" is not a list of interface endpoint presets'],
    [
      "flow log retention",
      { "network.flowLogs": { retentionDays: 2 } },
      "prod.network.flowLogs.retentionDays: 2 is not a CloudWatch retention (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)",
    ],
    ["flow log retention not a number", { "network.flowLogs": { retentionDays: "30" } }, 'prod.network.flowLogs.retentionDays: "30" is not a number of days'],
    [
      "flow log bucket ARN",
      { "network.flowLogs": { destination: "s3", s3BucketArn: "acme-flow-logs" } },
      'prod.network.flowLogs.s3BucketArn: "acme-flow-logs" is not an S3 bucket ARN (arn:aws:s3:::<bucket>)',
    ],
    [
      "EKS cluster name",
      { "network.kubernetes": { clusterNames: ["-main"] } },
      'prod.network.kubernetes.clusterNames[0]: "-main" is not an EKS cluster name (letters, digits, _ and -)',
    ],
    ["EKS cluster names not a list", { "network.kubernetes": { clusterNames: "main" } }, 'prod.network.kubernetes.clusterNames: "main" is not a list of EKS cluster names'],
    [
      "Karpenter discovery value",
      { "network.kubernetes": { karpenterDiscovery: "main cluster" } },
      'prod.network.kubernetes.karpenterDiscovery: "main cluster" is not a Karpenter discovery value (letters, digits, _ and -)',
    ],
  ];
  test.each(PATTERN)("%s", (_what, changes, line) => {
    expect(problemLines(configWith(changes))).toEqual([line]);
  });

  test("a tag value over 256 characters", () => {
    const long = "x".repeat(257);
    expect(problemLines(configWith({ "tags.owner": long }))).toEqual([
      `prod.tags.owner: "${long}" is too long (expected an owner (team or person) of at most 256 characters)`,
    ]);
  });

  const NOT_OBJECT: [string, Record<string, unknown>, string][] = [
    ["backend", { backend: "local" }, 'prod.backend: "local" is not a backend type (allowed: "local", "s3", "cloud")'],
    ["aws", { aws: [] }, "prod.aws: [] is not an object (allowed settings: assumeRole, offline)"],
    ["aws.assumeRole", { aws: { assumeRole: "arn:aws:iam::123456789012:role/deploy" } }, 'prod.aws.assumeRole: "arn:aws:iam::123456789012:role/deploy" is not an object (allowed settings: roleArn, externalId, sessionName)'],
    ["aws.offline", { aws: { offline: true } }, "prod.aws.offline: true is not an object (allowed settings: endpoints)"],
    ["tags", { tags: "platform-team" }, 'prod.tags: "platform-team" is not an object (allowed settings: owner, costCenter, repository, extra)'],
    [
      "network",
      { network: "10.0.0.0/16" },
      'prod.network: "10.0.0.0/16" is not an object (allowed settings: cidr, natGateways, subnetTiers, subnetCidrs, gatewayEndpoints, interfaceEndpoints, flowLogs, kubernetes)',
    ],
    ["network.flowLogs", { "network.flowLogs": "s3" }, 'prod.network.flowLogs: "s3" is not an object (allowed settings: destination, retentionDays, trafficType, s3BucketArn)'],
    ["network.kubernetes", { "network.kubernetes": ["main"] }, 'prod.network.kubernetes: ["main"] is not an object (allowed settings: clusterNames, karpenterDiscovery)'],
  ];
  test.each(NOT_OBJECT)("%s not an object", (_what, changes, line) => {
    expect(problemLines(configWith(changes))).toEqual([line]);
  });

  test("the whole configuration not an object", () => {
    const error = configError(null);
    expect(error.message).toBe(
      'invalid configuration for environment "prod" (1 problem):\n' +
        `  prod: null is not an object (allowed settings: ${CONFIG_SETTINGS})`,
    );
  });

  const UNKNOWN: [string, Record<string, unknown>, string][] = [
    ["top level", { regoin: "eu-west-1" }, `prod.regoin: is not a setting here (allowed: ${CONFIG_SETTINGS})`],
    ["local backend", { backend: { type: "local", bucket: "x" } }, "prod.backend.bucket: is not a setting here (allowed: type, path)"],
    ["s3 backend", { backend: { ...S3_BACKEND, path: "state" } }, "prod.backend.path: is not a setting here (allowed: type, bucket, region, keyPrefix, kmsKeyId, dynamodbTable, roleArn)"],
    ["cloud backend", { backend: { type: "cloud", organization: "acme", workspace: "x" } }, "prod.backend.workspace: is not a setting here (allowed: type, organization, hostname, workspacePrefix)"],
    ["aws", { aws: { profile: "dev" } }, "prod.aws.profile: is not a setting here (allowed: assumeRole, offline)"],
    [
      "aws.assumeRole",
      { aws: { assumeRole: { roleArn: "arn:aws:iam::123456789012:role/deploy", duration: "1h" } } },
      "prod.aws.assumeRole.duration: is not a setting here (allowed: roleArn, externalId, sessionName)",
    ],
    ["aws.offline", { aws: { offline: { s3: "http://localhost:4566" } } }, "prod.aws.offline.s3: is not a setting here (allowed: endpoints)"],
    ["tags", { "tags.team": "platform" }, "prod.tags.team: is not a setting here (allowed: owner, costCenter, repository, extra)"],
    [
      "network",
      { "network.natGateway": "single" },
      "prod.network.natGateway: is not a setting here (allowed: cidr, natGateways, subnetTiers, subnetCidrs, gatewayEndpoints, interfaceEndpoints, flowLogs, kubernetes)",
    ],
    ["network.flowLogs", { "network.flowLogs": { bucket: "x" } }, "prod.network.flowLogs.bucket: is not a setting here (allowed: destination, retentionDays, trafficType, s3BucketArn)"],
    ["network.kubernetes", { "network.kubernetes": { clusterName: "main" } }, "prod.network.kubernetes.clusterName: is not a setting here (allowed: clusterNames, karpenterDiscovery)"],
  ];
  test.each(UNKNOWN)("an unknown setting in %s", (_where, changes, line) => {
    expect(problemLines(configWith(changes))).toEqual([line]);
  });

  test("two unknown settings in one object are two problems", () => {
    expect(problemLines(configWith({ "tags.team": "a", "tags.product": "b" }))).toEqual([
      "prod.tags.team: is not a setting here (allowed: owner, costCenter, repository, extra)",
      "prod.tags.product: is not a setting here (allowed: owner, costCenter, repository, extra)",
    ]);
  });

  test.each([
    ["an unknown backend type", { backend: { type: "gcs" } }, 'prod.backend.type: "gcs" is not a backend type (allowed: "local", "s3", "cloud")'],
    ["a backend without a type", { backend: { bucket: "x" } }, 'prod.backend.type: is not a backend type (allowed: "local", "s3", "cloud")'],
  ])("%s", (_what, changes, line) => {
    expect(problemLines(configWith(changes))).toEqual([line]);
  });

  const ENUM: [string, Record<string, unknown>, string][] = [
    ["natGateways", { "network.natGateways": "multi" }, 'prod.network.natGateways: "multi" is not allowed (a NAT gateway mode: "none", "single", "perAz")'],
    ["subnetTiers", { "network.subnetTiers": ["public", "dmz"] }, 'prod.network.subnetTiers[1]: "dmz" is not allowed (a subnet tier: "public", "private", "intra")'],
    ["subnetCidrs tier", { "network.subnetCidrs": { dmz: { "eu-west-1a": "10.0.0.0/24" } } }, 'prod.network.subnetCidrs.dmz: is not allowed (a subnet tier: "public", "private", "intra")'],
    ["gatewayEndpoints", { "network.gatewayEndpoints": ["s3", "sqs"] }, 'prod.network.gatewayEndpoints[1]: "sqs" is not allowed (a gateway endpoint: "s3", "dynamodb")'],
    [
      "interfaceEndpoints",
      { "network.interfaceEndpoints": ["ecr"] },
      `prod.network.interfaceEndpoints[0]: "ecr" is not allowed (an interface endpoint preset: ${INTERFACE_ENDPOINT_SERVICES.map((s) => `"${s}"`).join(", ")})`,
    ],
    ["flow log destination", { "network.flowLogs": { destination: "kinesis" } }, 'prod.network.flowLogs.destination: "kinesis" is not allowed (a flow log destination: "cloudwatch", "s3", "none")'],
    ["flow log traffic type", { "network.flowLogs": { trafficType: "all" } }, 'prod.network.flowLogs.trafficType: "all" is not allowed (a traffic type: "ALL", "ACCEPT", "REJECT")'],
  ];
  test.each(ENUM)("%s not one of the allowed values", (_what, changes, line) => {
    expect(problemLines(configWith(changes))).toEqual([line]);
  });
});

describe("validateEnvironmentConfig: rules between settings", () => {
  const CROSS: [string, Record<string, unknown>, string[]][] = [
    [
      "an availability zone of another region",
      { availabilityZones: ["eu-west-1a", "eu-west-2b"] },
      ['prod.availabilityZones[1]: "eu-west-2b" is not in region "eu-west-1" (expected eu-west-1 followed by a zone letter)'],
    ],
    [
      "an availability zone of a region that starts like this one",
      { region: "us-east-1", availabilityZones: ["us-east-1a", "us-east-12a"] },
      ['prod.availabilityZones[1]: "us-east-12a" is not in region "us-east-1" (expected us-east-1 followed by a zone letter)'],
    ],
    [
      "an availability zone listed twice",
      { availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1a"] },
      ['prod.availabilityZones[2]: "eu-west-1a" is listed twice (each zone once)'],
    ],
    [
      "a VPC range larger than /16",
      { "network.cidr": "10.0.0.0/15" },
      ['prod.network.cidr: "10.0.0.0/15" is not a VPC range the platform lays out (prefix /16 to /22)'],
    ],
    [
      "a VPC range smaller than /22",
      { "network.cidr": "10.0.0.0/23" },
      ['prod.network.cidr: "10.0.0.0/23" is not a VPC range the platform lays out (prefix /16 to /22)'],
    ],
    [
      "a subnet tier listed twice",
      { "network.subnetTiers": ["public", "private", "public"] },
      ['prod.network.subnetTiers[2]: "public" is listed twice (each tier once)'],
    ],
    [
      "a single NAT gateway without the public tier",
      { "network.subnetTiers": ["private", "intra"] },
      ['prod.network.natGateways: "single" needs the "public" subnet tier for the NAT gateways (add "public" to network.subnetTiers, or use "none")'],
    ],
    [
      "NAT gateways per AZ without the public or private tier",
      { "network.natGateways": "perAz", "network.subnetTiers": ["intra"] },
      [
        'prod.network.natGateways: "perAz" needs the "public" subnet tier for the NAT gateways (add "public" to network.subnetTiers, or use "none")',
        'prod.network.natGateways: "perAz" has no "private" subnet tier to serve (add "private" to network.subnetTiers, or use "none")',
      ],
    ],
    [
      "NAT gateways without the private tier",
      { "network.subnetTiers": ["public", "intra"] },
      ['prod.network.natGateways: "single" has no "private" subnet tier to serve (add "private" to network.subnetTiers, or use "none")'],
    ],
    [
      "subnetCidrs for a tier that is not enabled",
      { "network.subnetCidrs": { intra: { "eu-west-1a": "10.0.0.0/20" } } },
      ['prod.network.subnetCidrs.intra: {"eu-west-1a":"10.0.0.0/20"} is a tier this network does not have (its tiers: public, private)'],
    ],
    [
      "subnetCidrs for an unknown availability zone",
      { "network.subnetCidrs": { public: { "eu-west-1c": "10.0.0.0/20" } } },
      ['prod.network.subnetCidrs.public.eu-west-1c: "10.0.0.0/20" is for "eu-west-1c", which is not one of availabilityZones (eu-west-1a, eu-west-1b)'],
    ],
    [
      "a subnet outside the VPC",
      { "network.subnetCidrs": { public: { "eu-west-1a": "10.1.0.0/20" } } },
      ['prod.network.subnetCidrs.public.eu-west-1a: "10.1.0.0/20" is outside the VPC range 10.0.0.0/16'],
    ],
    [
      "a subnet larger than the VPC",
      { "network.subnetCidrs": { public: { "eu-west-1a": "10.0.0.0/8" } } },
      ['prod.network.subnetCidrs.public.eu-west-1a: "10.0.0.0/8" is outside the VPC range 10.0.0.0/16'],
    ],
    [
      "a subnet smaller than /28",
      { "network.subnetCidrs": { private: { "eu-west-1b": "10.0.0.0/29" } } },
      ['prod.network.subnetCidrs.private.eu-west-1b: "10.0.0.0/29" is smaller than AWS allows for a subnet (/28 at the smallest)'],
    ],
    [
      "overlapping subnets",
      {
        "network.subnetCidrs": {
          public: { "eu-west-1a": "10.0.0.0/20", "eu-west-1b": "10.0.16.0/20" },
          private: { "eu-west-1a": "10.0.8.0/24" },
        },
      },
      ['prod.network.subnetCidrs.private.eu-west-1a: "10.0.8.0/24" overlaps network.subnetCidrs.public.eu-west-1a'],
    ],
    [
      "flow logs to S3 without a bucket",
      { "network.flowLogs": { destination: "s3" } },
      ['prod.network.flowLogs.s3BucketArn: is required when flowLogs.destination is "s3" (an S3 bucket ARN)'],
    ],
    [
      "a flow log bucket with the default destination",
      { "network.flowLogs": { s3BucketArn: "arn:aws:s3:::acme-flow-logs" } },
      ['prod.network.flowLogs.s3BucketArn: "arn:aws:s3:::acme-flow-logs" is only used when flowLogs.destination is "s3"'],
    ],
    [
      "a flow log bucket with the cloudwatch destination",
      { "network.flowLogs": { destination: "cloudwatch", s3BucketArn: "arn:aws:s3:::acme-flow-logs" } },
      ['prod.network.flowLogs.s3BucketArn: "arn:aws:s3:::acme-flow-logs" is only used when flowLogs.destination is "s3"'],
    ],
    [
      "production with a local backend",
      { production: true },
      ['prod.backend.type: "local" is not allowed in production (state must be shared and locked: "s3" or "cloud")'],
    ],
    [
      "production in offline mode",
      { production: true, backend: S3_BACKEND, aws: { offline: {} } },
      ["prod.aws.offline: {} is not allowed in production (offline mode uses placeholder credentials)"],
    ],
    [
      "production without flow logs",
      { production: true, backend: { type: "cloud", organization: "acme" }, "network.flowLogs": { destination: "none" } },
      ['prod.network.flowLogs.destination: "none" is not allowed in production (flow logs are required: "cloudwatch" or "s3")'],
    ],
  ];
  test.each(CROSS)("%s", (_what, changes, lines) => {
    expect(problemLines(configWith(changes))).toEqual(lines);
  });

  test("a malformed availability zone is reported once, not also as outside the region", () => {
    expect(problemLines(configWith({ availabilityZones: ["eu-west-1a", "eu-west-1ab"] }))).toEqual([
      'prod.availabilityZones[1]: "eu-west-1ab" is not an availability zone name such as eu-west-1a',
    ]);
  });

  test("zone rules are skipped when the region is malformed", () => {
    expect(problemLines(configWith({ region: "eu-west", availabilityZones: ["eu-west-1a", "us-east-1a"] }))).toEqual([
      'prod.region: "eu-west" is not an AWS region such as eu-west-1',
    ]);
  });

  test("subnet range rules are skipped when the VPC range is malformed", () => {
    expect(
      problemLines(configWith({ "network.cidr": "10.0.0.0", "network.subnetCidrs": { public: { "eu-west-1a": "192.168.0.0/24" } } })),
    ).toEqual(['prod.network.cidr: "10.0.0.0" is not an IPv4 CIDR (a.b.c.d/n, with no host bits set)']);
  });

  test("the production rules apply only to production: true", () => {
    expect(() =>
      validateEnvironmentConfig(configWith({ aws: { offline: {} }, "network.flowLogs": { destination: "none" } }), "prod"),
    ).not.toThrow();
    expect(() => validateEnvironmentConfig(configWith({ production: true, backend: S3_BACKEND }), "prod")).not.toThrow();
  });

  test("every production rule is reported together", () => {
    expect(problemLines(configWith({ production: true, aws: { offline: {} }, "network.flowLogs": { destination: "none" } }))).toEqual([
      'prod.backend.type: "local" is not allowed in production (state must be shared and locked: "s3" or "cloud")',
      "prod.aws.offline: {} is not allowed in production (offline mode uses placeholder credentials)",
      'prod.network.flowLogs.destination: "none" is not allowed in production (flow logs are required: "cloudwatch" or "s3")',
    ]);
  });
});

describe("validateEnvironmentConfig: reporting", () => {
  test("many problems are reported together in one ConfigError with their count", () => {
    const error = configError(configWith({ name: "Prod", accountId: "abc", region: "eu", tags: undefined }));
    expect(error.name).toBe("ConfigError");
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe(
      [
        'invalid configuration for environment "prod" (4 problems):',
        '  prod.name: "Prod" is not an environment name (2-12 lower-case letters, digits and hyphens, starting with a letter)',
        '  prod.accountId: "abc" is not a 12-digit AWS account id',
        '  prod.region: "eu" is not an AWS region such as eu-west-1',
        "  prod.tags: is required (an object with: owner, costCenter, repository, extra)",
      ].join("\n"),
    );
  });

  test("cross-field problems are reported alongside shape problems, with paths", () => {
    const error = configError(
      configWith({
        accountId: "abc",
        availabilityZones: ["eu-west-1a", "eu-west-1a"],
        "network.cidr": "10.0.0.0/24",
        "network.subnetTiers": ["private"],
        extra: 1,
      }),
    );
    expect(error.message.split("\n")[0]).toBe('invalid configuration for environment "prod" (5 problems):');
    expect(error.problems).toEqual([
      { path: "prod.accountId", message: 'prod.accountId: "abc" is not a 12-digit AWS account id' },
      {
        path: "prod.extra",
        message: `prod.extra: is not a setting here (allowed: ${CONFIG_SETTINGS})`,
      },
      { path: "prod.availabilityZones[1]", message: 'prod.availabilityZones[1]: "eu-west-1a" is listed twice (each zone once)' },
      {
        path: "prod.network.cidr",
        message: 'prod.network.cidr: "10.0.0.0/24" is not a VPC range the platform lays out (prefix /16 to /22)',
      },
      {
        path: "prod.network.natGateways",
        message:
          'prod.network.natGateways: "single" needs the "public" subnet tier for the NAT gateways (add "public" to network.subnetTiers, or use "none")',
      },
    ]);
  });

  test("an empty object reports every required setting", () => {
    const error = configError({});
    expect(error.problems.map((p) => p.path)).toEqual([
      "prod.name",
      "prod.production",
      "prod.accountId",
      "prod.region",
      "prod.availabilityZones",
      "prod.backend",
      "prod.tags",
      "prod.network",
    ]);
    expect(error.message.split("\n")[0]).toBe('invalid configuration for environment "prod" (8 problems):');
  });

  test("paths start with the label, not the environment's name", () => {
    const error = configError(configWith({ accountId: "1" }), "environments/prod");
    expect(error.problems).toEqual([
      { path: "environments/prod.accountId", message: 'environments/prod.accountId: "1" is not a 12-digit AWS account id' },
    ]);
    expect(error.message.split("\n")[0]).toBe('invalid configuration for environment "environments/prod" (1 problem):');
  });
});
