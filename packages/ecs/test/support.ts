// Shared helpers for the ECS tests (not a test file: jest only runs `*.test.ts`).
import {
  testStack,
  type EnvironmentConfig,
  type PlatformStack,
  type SynthesizedStack,
} from "@platform/core";
import { Vpc, type VpcProps } from "@platform/vpc";
import { Repository } from "@platform/ecr";
import { ContainerImage, EcsCluster, EcsService, type EcsClusterProps, type EcsServiceProps } from "../src";

/** Generic synthesized-JSON helpers, shared by every package's tests. */
import { validationErrorOf, unchecked } from "@platform/core";
export { validationErrorOf, unchecked };
import { synthesizeWithOutputs as synth, resourcesOfType as resources, countOfType as count, terraformRef as ref } from "@platform/core";
export { synth, resources, count, ref };

/** The path of `testStack()`: `<environment>-<component>`, i.e. `test-unit`. */
export const STACK_PATH = "test-unit";
/** The account and region of `testStack()`. */
export const ACCOUNT = "123456789012";
export const REGION = "eu-west-1";
export const AZ_A = "eu-west-1a";
export const AZ_B = "eu-west-1b";

export const CERTIFICATE_ARN = `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789`;
export const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:test/api/db-AbCdEf`;
export const OTHER_SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:test/api/token-GhIjKl`;
export const PARAMETER_ARN = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/test/api/feature-flags`;
export const SECRETS_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
export const OTHER_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/66666666-7777-8888-9999-000000000000`;

export type Resource = Record<string, unknown>;

/** The VPC every fixture uses: two zones, one NAT gateway. */
export function vpcProps(overrides: Partial<VpcProps> = {}): VpcProps {
  return { cidrBlock: "10.0.0.0/16", availabilityZones: [AZ_A, AZ_B], natGateways: "single", ...overrides };
}

export interface Fixture {
  readonly stack: PlatformStack;
  readonly vpc: Vpc;
  readonly repository: Repository;
  readonly cluster: EcsCluster;
}

export interface FixtureOptions {
  /** The stack to build in. @default testStack() */
  readonly stack?: PlatformStack;
  /** Overrides of the environment of the default stack (`{ production: true, ... }`). */
  readonly environment?: Partial<EnvironmentConfig>;
  /** Props of the cluster (its `vpc` is the fixture's unless given). */
  readonly cluster?: EcsClusterProps;
}

/** A real `Vpc` (id `Vpc`), an ECR `Repository` (id `Repo`, name `api`) and an `EcsCluster` (id `Cluster`). */
export function fixture(options: FixtureOptions = {}): Fixture {
  const stack = options.stack ?? testStack(options.environment);
  const vpc = new Vpc(stack, "Vpc", vpcProps());
  const repository = new Repository(stack, "Repo", { repositoryName: "api" });
  const cluster = new EcsCluster(stack, "Cluster", { vpc, ...options.cluster });
  return { stack, vpc, repository, cluster };
}

const sharedFixtures = new Map<string, Fixture>();

/**
 * A fixture shared by every call with the same options in a test file, for tests that synthesize
 * nothing (error tests): a VPC per message would be most of their time. Pair it with `messageOf`,
 * which removes what each test built.
 */
export function sharedFixture(options: Omit<FixtureOptions, "stack"> = {}): Fixture {
  const key = JSON.stringify(options);
  let f = sharedFixtures.get(key);
  if (!f) {
    f = fixture(options);
    sharedFixtures.set(key, f);
  }
  return f;
}

/**
 * The message of the `ValidationError` that `build` throws; afterwards the constructs with the
 * ids `built` (children of the stack) are removed, so that the next test can use the ids again.
 */
export function messageOf<T extends { readonly stack: PlatformStack }>(f: T, build: (f: T) => unknown, built: readonly string[] = ["Api"]): string {
  try {
    return validationErrorOf(() => build(f)).message;
  } finally {
    for (const id of built) f.stack.node.tryRemoveChild(id);
  }
}

/** A production stack (production refuses the local backend). */
export const PRODUCTION: Partial<EnvironmentConfig> = { production: true, backend: { type: "s3", bucket: "b-tfstate" } };

/** One EC2 capacity keyed `general` (Graviton m7g.large, up to 4 instances). */
export const GENERAL_CAPACITY: EcsClusterProps["ec2Capacity"] = { general: { instanceType: "m7g.large", maxSize: 4 } };

/** The props of a small Fargate service of the fixture: the repository's image `v1` on port 8080. */
export function serviceProps(f: Fixture, overrides: Partial<EcsServiceProps> = {}): EcsServiceProps {
  return {
    cluster: f.cluster,
    vpc: f.vpc,
    cpu: 512,
    memoryMiB: 1024,
    container: { image: ContainerImage.fromRepository(f.repository, "v1"), port: 8080 },
    ...overrides,
  };
}

/** A service of the fixture with id `id`. */
export function addService(f: Fixture, id = "Api", overrides: Partial<EcsServiceProps> = {}): EcsService {
  return new EcsService(f.stack, id, serviceProps(f, overrides));
}

/** Every resource address (`type.name`) in the stack, sorted. */
export function addresses(out: SynthesizedStack): string[] {
  return Object.entries(out.resource ?? {})
    .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
    .sort();
}

/** The one resource of a type that matches, by name and body; fails unless exactly one matches. */
export function findOne(out: SynthesizedStack, type: string, match: (resource: Resource, name: string) => boolean): { name: string; resource: Resource } {
  const found = Object.entries(resources(out, type)).filter(([name, resource]) => match(resource, name));
  if (found.length !== 1) throw new Error(`expected exactly one ${type} to match, found ${found.length}: ${found.map(([n]) => n).join(", ")}`);
  return { name: found[0][0], resource: found[0][1] };
}

/**
 * The resource of a type whose construct path below the stack is `path` (`Api/TaskDefinition`;
 * a trailing `Resource` id is left out of Terraform names, as cdktf does).
 */
export function at(out: SynthesizedStack, type: string, path: string): { name: string; resource: Resource } {
  const prefix = path.replace(/\//g, "_");
  return findOne(out, type, (_, name) => new RegExp(`^${escape(prefix)}_[0-9A-F]{8}$`).test(name));
}

/** The body of the resource at `path` (see `at`). */
export function bodyAt(out: SynthesizedStack, type: string, path: string): Resource {
  return at(out, type, path).resource;
}

/** The only resource of a type; fails if there is not exactly one. */
export function single(out: SynthesizedStack, type: string): { name: string; resource: Resource } {
  return findOne(out, type, () => true);
}

/** A reference to an attribute of the resource at `path` (see `at`). */
export function refAt(out: SynthesizedStack, type: string, path: string, attribute = "id"): string {
  return ref(type, at(out, type, path).name, attribute);
}

export interface PolicyStatementJson {
  Sid?: string;
  Effect: string;
  Principal?: "*" | Record<string, string | string[]>;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatementJson[];
}

/** A JSON policy attribute of a resource, parsed. */
export function policyOf(resource: Resource, attribute = "policy"): PolicyDocument {
  return JSON.parse(resource[attribute] as string) as PolicyDocument;
}

/** The statements of the inline policy (`platform-grants`) of the role at `rolePath`; [] when it has none. */
export function roleStatements(out: SynthesizedStack, rolePath: string): PolicyStatementJson[] {
  const prefix = `${rolePath.replace(/\//g, "_")}_Policy_`;
  const policy = Object.entries(resources(out, "aws_iam_role_policy")).find(([name]) => name.startsWith(prefix));
  return policy ? policyOf(policy[1]).Statement : [];
}

/** The statement with a Sid; fails when there is none. */
export function statement(statements: readonly PolicyStatementJson[], sid: string): PolicyStatementJson {
  const found = statements.find((s) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid}; there are ${statements.map((s) => s.Sid ?? "(no Sid)").join(", ")}`);
  return found;
}

/** One container definition, as ECS reads it. */
export interface ContainerDefinitionJson {
  name: string;
  image: string;
  essential: boolean;
  user: string;
  readonlyRootFilesystem: boolean;
  privileged: boolean;
  command?: string[];
  entryPoint?: string[];
  portMappings: { containerPort: number; hostPort: number; protocol: string }[];
  environment: { name: string; value: string }[];
  secrets: { name: string; valueFrom: string }[];
  mountPoints: { sourceVolume: string; containerPath: string; readOnly: boolean }[];
  linuxParameters: { initProcessEnabled: boolean; capabilities: { drop: string[] } };
  healthCheck?: { command: string[]; interval: number; timeout: number; retries: number; startPeriod: number };
  logConfiguration: { logDriver: string; options: Record<string, string> };
}

/** The container definitions of the task definition of the service at `servicePath`, parsed. */
export function containersOf(out: SynthesizedStack, servicePath: string): ContainerDefinitionJson[] {
  return JSON.parse(bodyAt(out, "aws_ecs_task_definition", `${servicePath}/TaskDefinition`).container_definitions as string) as ContainerDefinitionJson[];
}

/** The security group rules of a type whose `security_group_id` is the group at `groupPath`. */
export function rulesOf(out: SynthesizedStack, type: "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule", groupPath: string): Resource[] {
  const group = refAt(out, "aws_security_group", groupPath);
  return Object.values(resources(out, type)).filter((r) => r.security_group_id === group);
}

/** A rule with only the fields that say what it lets through. */
export function ruleShape(rule: Resource): Resource {
  const { ip_protocol, from_port, to_port, cidr_ipv4, referenced_security_group_id } = rule;
  return { ip_protocol, from_port, to_port, ...(cidr_ipv4 !== undefined ? { cidr_ipv4 } : {}), ...(referenced_security_group_id !== undefined ? { referenced_security_group_id } : {}) };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
