// Shared helpers for the EKS cluster and add-on tests (not a test file: jest only runs `*.test.ts`).
// The KubernetesWorkload tests do not use it: they need no cluster.
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import {
  testStack,
  type EnvironmentConfig,
  type PlatformStack,
  type SynthesizedStack,
} from "@platform/core";
import { Vpc, type IVpc, type VpcProps } from "@platform/vpc";
import { EksCluster, type EksClusterProps, type NodeGroupOptions } from "../src";

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

/** The Kubernetes version of every fixture. */
export const VERSION = "1.33";

export const ADMIN_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/platform-admin`;
export const DEVELOPER_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/teams/payments-developer`;
export const AUDITOR_USER_ARN = `arn:aws:iam::${ACCOUNT}:user/auditor`;
export const SECRETS_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;

/** A production stack (production refuses the local backend): `prod-unit`. */
export const PRODUCTION: Partial<EnvironmentConfig> = { name: "prod", production: true, backend: { type: "s3", bucket: "b-tfstate" } };
export const PRODUCTION_STACK_PATH = "prod-unit";

/** One Graviton node group: m7g.large, 2 to 6 nodes. */
export const GENERAL: NodeGroupOptions = { instanceTypes: ["m7g.large"], minSize: 2, maxSize: 6 };

export type Resource = Record<string, unknown>;

/** The VPC every fixture uses: two zones, one NAT gateway. */
export function vpcProps(overrides: Partial<VpcProps> = {}): VpcProps {
  return { cidrBlock: "10.0.0.0/16", availabilityZones: [AZ_A, AZ_B], natGateways: "single", ...overrides };
}

/** The props of a cluster in `vpc`: version 1.33 and the node group `general`, with `overrides`. */
export function clusterProps(vpc: IVpc, overrides: Partial<EksClusterProps> = {}): EksClusterProps {
  return { vpc, version: VERSION, nodeGroups: { general: GENERAL }, ...overrides };
}

export interface Base {
  readonly stack: PlatformStack;
  readonly vpc: Vpc;
}

export interface Fixture extends Base {
  readonly cluster: EksCluster;
}

export interface FixtureOptions {
  /** Overrides of the environment of the stack (`PRODUCTION`, ...). */
  readonly environment?: Partial<EnvironmentConfig>;
  /** Props of the cluster over `clusterProps(vpc)`. */
  readonly cluster?: Partial<EksClusterProps>;
}

/** A stack with a real `Vpc` (id `Vpc`) and nothing else. */
export function base(environment?: Partial<EnvironmentConfig>): Base {
  const stack = testStack(environment);
  return { stack, vpc: new Vpc(stack, "Vpc", vpcProps()) };
}

/** A real `Vpc` (id `Vpc`) and an `EksCluster` (id `Cluster`, name `test-cluster`). */
export function fixture(options: FixtureOptions = {}): Fixture {
  const b = base(options.environment);
  const cluster = new EksCluster(b.stack, "Cluster", clusterProps(b.vpc, options.cluster));
  return { ...b, cluster };
}

/** The cluster of the add-on tests: `test-eks`, Kubernetes 1.32, one node group `system` (t4g.large, 1 to 3 nodes). */
export const ADDON_CLUSTER: Partial<EksClusterProps> = {
  version: "1.32",
  clusterName: "test-eks",
  nodeGroups: { system: { instanceTypes: ["t4g.large"], minSize: 1, maxSize: 3 } },
};

/** What every `HelmChartRelease` sets on its `helm_release` (atomic, cleaned up on failure, waited for, 10 minutes, 10 revisions). */
export const RELEASE_SETTINGS = { atomic: true, cleanup_on_fail: true, wait: true, timeout: 600, max_history: 10 } as const;

/** Adds the Helm provider (id `helm`) that Helm releases need to `f`'s stack; returns `f`. */
export function withHelm<T extends Base>(f: T): T {
  new HelmProvider(f.stack, "helm", {});
  return f;
}

/** The fixture of the add-on tests: the VPC `Vpc`, the cluster `Cluster` (`ADDON_CLUSTER`) and a Helm provider. */
export function addonFixture(): Fixture {
  return withHelm(fixture({ cluster: ADDON_CLUSTER }));
}

/** The synthesized stack of `fixture(options)`. */
export function synthCluster(options: FixtureOptions = {}): SynthesizedStack {
  return synth(fixture(options).stack).out;
}

/**
 * The message of the `ValidationError` that `build` throws; afterwards the constructs with the
 * ids `built` (children of the stack) are removed, so that the next test can use the ids again.
 */
export function messageOf<T extends { readonly stack: PlatformStack }>(f: T, build: (f: T) => unknown, built: readonly string[] = ["Cluster"]): string {
  try {
    return validationErrorOf(() => build(f)).message;
  } finally {
    for (const id of built) f.stack.node.tryRemoveChild(id);
  }
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
 * The resource of a type whose construct path below the stack is `path` (`Cluster/NodeGroups/general`;
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

/** The address (`type.name`) of the resource at `path` (see `at`), as `depends_on` lists it. */
export function addressAt(out: SynthesizedStack, type: string, path: string): string {
  return `${type}.${at(out, type, path).name}`;
}

/** Whether a resource exists at `path` (see `at`). */
export function existsAt(out: SynthesizedStack, type: string, path: string): boolean {
  const prefix = new RegExp(`^${escape(path.replace(/\//g, "_"))}_[0-9A-F]{8}$`);
  return Object.keys(resources(out, type)).some((name) => prefix.test(name));
}

/** A reference to an attribute of the resource at `path` (see `at`). */
export function refAt(out: SynthesizedStack, type: string, path: string, attribute = "id"): string {
  return ref(type, at(out, type, path).name, attribute);
}

/** The `depends_on` of a resource; [] when it has none. */
export function dependsOn(resource: Resource): string[] {
  return (resource.depends_on as string[] | undefined) ?? [];
}

/** The add-on `name` of the cluster with id `cluster` (`Cluster/Addons/<name>`). */
export function addon(out: SynthesizedStack, name: string, cluster = "Cluster"): Resource {
  return bodyAt(out, "aws_eks_addon", `${cluster}/Addons/${name}`);
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

/**
 * A JSON policy attribute of a resource, parsed. Terraform expressions in it (`${replace(x, "a", "")}`)
 * may hold quotes that only become valid JSON once Terraform has evaluated them; they are kept as
 * they are, quotes and all.
 */
export function policyOf(resource: Resource, attribute = "policy"): PolicyDocument {
  const text = (resource[attribute] as string).replace(/\$\{[^}]*\}/g, (expression) => expression.replace(/(?<!\\)"/g, '\\"'));
  return JSON.parse(text) as PolicyDocument;
}

/** The statements of a JSON policy attribute of a resource (see `policyOf`). */
export function statementsOf(resource: Resource, attribute = "policy"): PolicyStatementJson[] {
  return policyOf(resource, attribute).Statement;
}

/** A policy field that may be one string or a list (`Action`, `Resource`), as a list; [] when absent. */
export function asList(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** The values of a `helm_release` (one JSON document), parsed. */
export function releaseValues(release: Resource): Record<string, unknown> {
  return JSON.parse((release.values as string[])[0]) as Record<string, unknown>;
}

/** The trust policy of the role at `rolePath` (the `Role` construct's path), parsed. */
export function trustOf(out: SynthesizedStack, rolePath: string): PolicyDocument {
  return policyOf(bodyAt(out, "aws_iam_role", rolePath), "assume_role_policy");
}

/** The statements of the inline policy (`platform-grants`) of the role at `rolePath`; [] when it has none. */
export function roleStatements(out: SynthesizedStack, rolePath: string): PolicyStatementJson[] {
  const prefix = `${rolePath.replace(/\//g, "_")}_Policy_`;
  const policy = Object.entries(resources(out, "aws_iam_role_policy")).find(([name]) => name.startsWith(prefix));
  return policy ? policyOf(policy[1]).Statement : [];
}

/** The trust statements of a role that EKS Pod Identity may assume for the cluster with id `cluster` in this account. */
export function podIdentityTrust(out: SynthesizedStack, cluster = "Cluster"): PolicyStatementJson[] {
  return [
    {
      Effect: "Allow",
      Principal: { Service: "pods.eks.amazonaws.com" },
      Action: ["sts:AssumeRole", "sts:TagSession"],
      Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnEquals: { "aws:SourceArn": refAt(out, "aws_eks_cluster", cluster, "arn") } },
    },
  ];
}

/** The body of a Pod Identity association of the service account `namespace/serviceAccount` with the role at `rolePath`. */
export function podIdentityAssociation(out: SynthesizedStack, rolePath: string, namespace: string, serviceAccount: string, cluster = "Cluster"): Resource {
  return {
    cluster_name: refAt(out, "aws_eks_cluster", cluster, "name"),
    namespace,
    service_account: serviceAccount,
    role_arn: refAt(out, "aws_iam_role", rolePath, "arn"),
  };
}

/**
 * The addresses of the role, its inline policy and its Pod Identity association of the `ServiceAccountRole`
 * at `path` (an add-on's `<id>/Role`), in that order: the order in which a chart depends on them.
 */
export function podIdentityRoleAddresses(out: SynthesizedStack, path: string): string[] {
  return [
    addressAt(out, "aws_iam_role", path),
    addressAt(out, "aws_iam_role_policy", `${path}/Policy`),
    addressAt(out, "aws_eks_pod_identity_association", `${path}/Association`),
  ];
}

/** The ARNs of the managed policies attached to the role at `rolePath`, in order. */
export function managedPoliciesOf(out: SynthesizedStack, rolePath: string): string[] {
  const role = refAt(out, "aws_iam_role", rolePath, "name");
  return Object.values(resources(out, "aws_iam_role_policy_attachment"))
    .filter((a) => a.role === role)
    .map((a) => a.policy_arn as string);
}

/** The references to the private subnets of the fixture's VPC, in zone order. */
export function privateSubnetRefs(out: SynthesizedStack): string[] {
  return [AZ_A, AZ_B].map((zone) => refAt(out, "aws_subnet", `Vpc/Subnets/private-${zone}/Subnet`));
}

/** An AWS-managed policy ARN. */
export function awsPolicy(name: string): string {
  return `arn:aws:iam::aws:policy/${name}`;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
