import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "./config-error";

/**
 * Everything the platform does differently when an environment is deployed to a local AWS
 * emulator (moto, LocalStack) instead of an AWS account lives in this file: the provider's
 * endpoints, and the one list of what the emulator cannot serve, each with its reason. Constructs
 * never ask whether they run against an emulator.
 */

/** App context key of the emulator a deploy targets (`AwsEmulatorTarget`); set by the environment runner. */
export const AWS_EMULATOR_CONTEXT = "@platform/core:aws-emulator";

/** The emulator an environment deploys to. */
export interface AwsEmulatorTarget {
  /** Its endpoint, on a loopback address: `http://127.0.0.1:5000`. */
  readonly url: string;
  /**
   * Hosted zones that the configuration names by id, and the ids of the zones that stand in for
   * them in the emulator (which picks its own ids). A real account has its zones before the
   * platform; the deploy command creates the stand-ins.
   */
  readonly hostedZones?: Readonly<Record<string, string>>;
}

/**
 * The provider's `endpoints` keys of every AWS service the platform's stacks call. A service
 * missing here would be called in real AWS, which fails at once with placeholder credentials.
 */
export const AWS_EMULATOR_SERVICES = [
  "acm",
  "appautoscaling",
  "autoscaling",
  "cloudwatch",
  "codedeploy",
  "ec2",
  "ecr",
  "ecs",
  "eks",
  "elbv2",
  "events",
  "iam",
  "kms",
  "logs",
  "route53",
  "s3",
  "scheduler",
  "secretsmanager",
  "servicediscovery",
  "sns",
  "sqs",
  "ssm",
  "sts",
] as const;

/**
 * Against an emulator, an unimplemented call answers HTTP 500, which the provider retries for
 * minutes with its default of 25 retries: a gap must fail fast instead.
 */
export const AWS_EMULATOR_MAX_RETRIES = 2;

/** What the emulator cannot serve, and what a deploy to it does about that. */
export interface EmulatorGap {
  /** A short, stable name: `ecr-pull-through-cache`. */
  readonly id: string;
  /** The emulator's missing API or wrong behaviour, in words a reviewer can check. */
  readonly reason: string;
  /**
   * `omit`: resources of `resourceType` (those `when` selects) are left out of the deploy, with
   * everything that reads their attributes; `depends_on` edges to them are dropped.
   * `ignore-changes`: the attributes in `attributes` are added to `lifecycle.ignore_changes`,
   * because the emulator does not return what it was given (a perpetual diff that is the
   * emulator's fault). `drop-attributes`: the attributes in `attributes` are not sent, because the
   * emulator does not keep them and the provider waits for them in vain. `stack`: stacks that use
   * `provider` are not deployed at all.
   */
  readonly action: "omit" | "ignore-changes" | "drop-attributes" | "stack";
  readonly resourceType?: string;
  readonly when?: (body: Readonly<Record<string, unknown>>) => boolean;
  readonly attributes?: readonly string[];
  readonly provider?: string;
}

/**
 * The one list of what the AWS emulator (moto 5.2.1 with AWS provider 5.100.0) cannot host. The
 * end-to-end tests prove each entry: tried alone against the emulator, it really fails.
 */
export const EMULATOR_GAPS: readonly EmulatorGap[] = [
  {
    id: "kubernetes-api",
    action: "stack",
    provider: "kubernetes",
    reason: "the emulator's EKS clusters have no Kubernetes API server behind their endpoint, so the kubernetes provider has nothing to talk to",
  },
  {
    id: "helm-api",
    action: "stack",
    provider: "helm",
    reason: "Helm installs charts through the Kubernetes API, which the emulator's EKS clusters do not have",
  },
  {
    id: "ecr-pull-through-cache",
    action: "omit",
    resourceType: "aws_ecr_pull_through_cache_rule",
    reason: "moto has no CreatePullThroughCacheRule (ECR pull-through cache)",
  },
  {
    id: "appautoscaling-tags",
    action: "omit",
    resourceType: "aws_appautoscaling_target",
    reason: "the provider reads a scalable target's tags with ListTagsForResource, which moto's Application Auto Scaling does not implement; its scaling policies go with it",
  },
  {
    id: "ecs-bridge-network",
    action: "omit",
    resourceType: "aws_ecs_service",
    when: (body) => body.network_configuration === undefined,
    reason:
      "for a service without awsvpc networking (bridge or host mode on EC2), moto's DescribeServices returns an empty networkConfiguration object, on which provider 5.100.0 crashes (nil pointer in flattenNetworkConfiguration)",
  },
  {
    id: "ecs-capacity-provider-strategy",
    action: "ignore-changes",
    resourceType: "aws_ecs_service",
    attributes: ["capacity_provider_strategy"],
    reason: "moto's DescribeServices does not return a service's capacityProviderStrategy, so every plan would replace the service",
  },
  {
    id: "ecs-service-settings",
    action: "ignore-changes",
    resourceType: "aws_ecs_service",
    attributes: ["enable_ecs_managed_tags", "health_check_grace_period_seconds", "availability_zone_rebalancing"],
    reason: "moto's DescribeServices does not return enableECSManagedTags, healthCheckGracePeriodSeconds or availabilityZoneRebalancing, so every plan would change them back",
  },
  {
    id: "acm-key-algorithm",
    action: "ignore-changes",
    resourceType: "aws_acm_certificate",
    attributes: ["key_algorithm"],
    reason: "moto's RequestCertificate ignores KeyAlgorithm and issues RSA_2048, so every plan would replace an EC_prime256v1 certificate",
  },
  {
    id: "launch-template-tags",
    action: "ignore-changes",
    resourceType: "aws_launch_template",
    attributes: ["tag_specifications"],
    reason:
      "moto's DescribeLaunchTemplateVersions returns the template's own tags as a tag specification (resource type launch-template) that the configuration does not have, so every plan would write a new template version",
  },
  {
    id: "asg-instance-warmup",
    action: "ignore-changes",
    resourceType: "aws_autoscaling_group",
    attributes: ["default_instance_warmup"],
    reason: "moto's DescribeAutoScalingGroups does not return DefaultInstanceWarmup, so every plan would set it again",
  },
  {
    id: "security-group-reference-description",
    action: "ignore-changes",
    resourceType: "aws_vpc_security_group_ingress_rule",
    when: (body) => body.referenced_security_group_id !== undefined,
    attributes: ["description"],
    reason: "moto drops the description of a rule that references another security group, so every plan would set it again",
  },
  {
    id: "security-group-reference-description-egress",
    action: "ignore-changes",
    resourceType: "aws_vpc_security_group_egress_rule",
    when: (body) => body.referenced_security_group_id !== undefined,
    attributes: ["description"],
    reason: "moto drops the description of a rule that references another security group, so every plan would set it again",
  },
  {
    id: "eks-cluster-access-config",
    action: "ignore-changes",
    resourceType: "aws_eks_cluster",
    attributes: ["access_config"],
    reason:
      "moto's DescribeCluster does not return accessConfig.bootstrapClusterCreatorAdminPermissions, so every plan would replace the cluster (ignoring only that attribute does not stop the replacement)",
  },
  {
    id: "eks-node-group-remote-access",
    action: "ignore-changes",
    resourceType: "aws_eks_node_group",
    attributes: ["remote_access", "update_config"],
    reason:
      "moto's DescribeNodegroup invents a remoteAccess block (ec2SshKey eksKeypair) for node groups without one and does not return updateConfig, so every plan would replace the node group",
  },
  {
    id: "sqs-redrive-policy-format",
    action: "ignore-changes",
    resourceType: "aws_sqs_queue",
    attributes: ["redrive_policy"],
    reason: "moto returns a queue's RedrivePolicy re-serialized with spaces, which the provider takes for a change on every plan",
  },
  {
    id: "sqs-redrive-allow-policy",
    action: "drop-attributes",
    resourceType: "aws_sqs_queue",
    attributes: ["redrive_allow_policy"],
    reason: "moto's SQS does not keep a queue's RedriveAllowPolicy, so the provider waits for it until it times out (3 minutes) and fails the queue",
  },
  {
    id: "eks-addons",
    action: "omit",
    resourceType: "aws_eks_addon",
    reason: "moto has no CreateAddon (EKS managed add-ons)",
  },
  {
    id: "eks-access-entries",
    action: "omit",
    resourceType: "aws_eks_access_entry",
    reason: "moto has no CreateAccessEntry (EKS access entries); their access policy associations go with them",
  },
  {
    id: "eks-access-policies",
    action: "omit",
    resourceType: "aws_eks_access_policy_association",
    reason: "moto has no AssociateAccessPolicy (EKS access policy associations)",
  },
  {
    id: "eks-pod-identity",
    action: "omit",
    resourceType: "aws_eks_pod_identity_association",
    reason: "moto has no CreatePodIdentityAssociation (EKS Pod Identity)",
  },
];

/** A resource that a deploy to the emulator leaves out. */
export interface OmittedResource {
  readonly stack: string;
  /** `aws_eks_addon.Cluster_Addons_vpc-cni_1F1EB7C2` */
  readonly address: string;
  /** The gap that leaves it out. */
  readonly gap: string;
  /** Set when it is left out because it reads an omitted resource's attributes: that resource's address. */
  readonly because?: string;
}

/** An attribute that the emulator deploy ignores changes of (`ignore-changes`) or does not send (`drop-attributes`). */
export interface AdjustedAttribute {
  readonly stack: string;
  readonly address: string;
  readonly attribute: string;
  readonly gap: string;
  readonly action: "ignore-changes" | "drop-attributes";
}

/** What a deploy to the emulator leaves out of an app, written to `<outdir>/emulator-gaps.json`. */
export interface EmulatorGapReport {
  readonly url: string;
  /** Stacks not deployed at all, with the gap that keeps each out. */
  readonly stacks: readonly { readonly stack: string; readonly gap: string }[];
  readonly omitted: readonly OmittedResource[];
  /** Attributes whose changes are ignored, or that are not sent: `aws_ecs_service.X` `capacity_provider_strategy`. */
  readonly attributes: readonly AdjustedAttribute[];
}

/** The file beside `manifest.json` that lists what the emulator deploy leaves out. */
export const EMULATOR_GAP_REPORT = "emulator-gaps.json";

type Block = Record<string, unknown>;
type StackJson = {
  resource?: Record<string, Record<string, Block>>;
  data?: Record<string, Record<string, Block>>;
  output?: Record<string, Block>;
  provider?: Record<string, unknown>;
  terraform?: { required_providers?: Record<string, unknown> };
};
type Manifest = { stacks: Record<string, { synthesizedStackPath: string; dependencies: string[] }> };

/**
 * Rewrites a synthesized app for the emulator: applies every gap of `EMULATOR_GAPS` to every
 * stack, in dependency order so that an output an upstream stack loses is lost downstream too,
 * and writes the report beside the manifest.
 */
export function applyEmulatorGaps(outdir: string, target: AwsEmulatorTarget, gaps: readonly EmulatorGap[] = EMULATOR_GAPS): EmulatorGapReport {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as Manifest;
  const report = { url: target.url, stacks: [] as { stack: string; gap: string }[], omitted: [] as OmittedResource[], attributes: [] as AdjustedAttribute[] };
  const lostOutputs = new Map<string, Map<string, string>>();
  for (const name of dependencyOrder(manifest)) {
    const file = path.join(outdir, manifest.stacks[name].synthesizedStackPath);
    const json = JSON.parse(fs.readFileSync(file, "utf8")) as StackJson;
    const providers = Object.keys(json.terraform?.required_providers ?? {});
    const stackGap = gaps.find((g) => g.action === "stack" && g.provider && providers.includes(g.provider));
    if (stackGap || manifest.stacks[name].dependencies.some((d) => report.stacks.some((s) => s.stack === d))) {
      report.stacks.push({ stack: name, gap: stackGap?.id ?? report.stacks.find((s) => manifest.stacks[name].dependencies.includes(s.stack))!.gap });
      continue;
    }
    const result = applyToStack(name, json, gaps, lostOutputs);
    report.omitted.push(...result.omitted);
    report.attributes.push(...result.attributes);
    lostOutputs.set(name, result.lostOutputs);
    fs.writeFileSync(file, JSON.stringify(json, null, 2));
  }
  fs.writeFileSync(path.join(outdir, EMULATOR_GAP_REPORT), JSON.stringify(report, null, 2));
  return report;
}

function applyToStack(stack: string, json: StackJson, gaps: readonly EmulatorGap[], upstreamLost: Map<string, Map<string, string>>) {
  const omitted: OmittedResource[] = [];
  const attributes: AdjustedAttribute[] = [];
  // Addresses whose attributes can no longer be read: omitted resources, and outputs lost upstream.
  const gone: string[] = [];
  const upstreamGap = new Map<string, string>();
  for (const [key, remote] of Object.entries(json.data?.terraform_remote_state ?? {})) {
    const upstream = stackOfRemoteState(remote);
    for (const [output, gap] of upstream ? upstreamLost.get(upstream) ?? [] : []) {
      const address = `data.terraform_remote_state.${key}.outputs.${output}`;
      gone.push(address);
      upstreamGap.set(address, gap);
    }
  }
  const cause = new Map<string, { gap: string; because?: string }>();

  for (const [type, resources] of Object.entries(json.resource ?? {})) {
    for (const [name, body] of Object.entries(resources)) {
      for (const gap of gaps) {
        if (gap.resourceType !== type || (gap.when && !gap.when(body))) continue;
        if (gap.action === "omit") {
          cause.set(`${type}.${name}`, { gap: gap.id });
          gone.push(`${type}.${name}`);
        } else if (gap.action === "ignore-changes") {
          const lifecycle = ((body.lifecycle as Block | undefined) ?? {}) as { ignore_changes?: string[] | string };
          if (lifecycle.ignore_changes === "all") continue;
          const list = Array.isArray(lifecycle.ignore_changes) ? lifecycle.ignore_changes : [];
          for (const attribute of gap.attributes ?? []) {
            if (!list.includes(attribute)) list.push(attribute);
            attributes.push({ stack, address: `${type}.${name}`, attribute, gap: gap.id, action: gap.action });
          }
          body.lifecycle = { ...lifecycle, ignore_changes: list };
        } else if (gap.action === "drop-attributes") {
          for (const attribute of gap.attributes ?? []) {
            if (!(attribute in body)) continue;
            delete body[attribute];
            attributes.push({ stack, address: `${type}.${name}`, attribute, gap: gap.id, action: gap.action });
          }
        }
      }
    }
  }

  // Whatever reads a gone address goes too, until nothing more does.
  const lostOutputs = new Set<string>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const [kind, type, name, body] of blocks(json)) {
      const address = kind === "resource" ? `${type}.${name}` : kind === "data" ? `data.${type}.${name}` : `output.${name}`;
      if (cause.has(address)) continue;
      const read = gone.find((g) => readsAddress(body, g));
      if (!read) continue;
      const origin = cause.get(read) ?? { gap: upstreamGap.get(read)! };
      if (kind === "output") {
        lostOutputs.add(name);
        cause.set(`output.${name}`, { gap: origin.gap, because: read });
      } else {
        cause.set(address, { gap: origin.gap, because: read });
        gone.push(address);
      }
      changed = true;
    }
  }

  for (const [address, c] of cause) {
    omitted.push({ stack, address, gap: c.gap, because: c.because });
    if (address.startsWith("output.")) continue;
    const [type, name] = address.startsWith("data.") ? [`data.${address.split(".")[1]}`, address.split(".")[2]] : address.split(".");
    if (type.startsWith("data.")) delete json.data![type.slice(5)][name];
    else delete json.resource![type][name];
  }
  for (const name of lostOutputs) delete json.output![name];
  // cdktf keeps a tree of output names by construct path beside the outputs; the CLI reads it.
  const tree = (json as { "//"?: { outputs?: Record<string, unknown> } })["//"]?.outputs;
  if (tree) pruneOutputTree(tree, lostOutputs);
  for (const section of [json.resource, json.data]) {
    for (const [type, bodies] of Object.entries(section ?? {})) {
      if (Object.keys(bodies).length === 0) delete section![type];
    }
  }
  // Ordering edges to what is gone are dropped, not followed: ordering is not a need for a value.
  for (const [, , , body] of blocks(json)) {
    if (Array.isArray(body.depends_on)) {
      body.depends_on = (body.depends_on as string[]).filter((d) => !gone.some((g) => d === g || d === `\${${g}}`));
      if ((body.depends_on as string[]).length === 0) delete body.depends_on;
    }
  }
  // A resource that is left out has no attributes to adjust.
  const lostGaps = new Map([...lostOutputs].map((name) => [name, cause.get(`output.${name}`)!.gap]));
  return { omitted, attributes: attributes.filter((a) => !cause.has(a.address)), lostOutputs: lostGaps };
}

function pruneOutputTree(tree: Record<string, unknown>, lost: ReadonlySet<string>): void {
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === "string" && lost.has(value)) delete tree[key];
    else if (value && typeof value === "object") {
      pruneOutputTree(value as Record<string, unknown>, lost);
      if (Object.keys(value).length === 0) delete tree[key];
    }
  }
}

function* blocks(json: StackJson): Generator<["resource" | "data" | "output", string, string, Block]> {
  for (const [type, bodies] of Object.entries(json.resource ?? {})) for (const [name, body] of Object.entries(bodies)) yield ["resource", type, name, body];
  for (const [type, bodies] of Object.entries(json.data ?? {})) for (const [name, body] of Object.entries(bodies)) yield ["data", type, name, body];
  for (const [name, body] of Object.entries(json.output ?? {})) yield ["output", "", name, body];
}

/** Whether an expression anywhere in `value` (other than in `depends_on`) reads `address`. */
function readsAddress(value: unknown, address: string, key?: string): boolean {
  if (key === "depends_on" || key === "//") return false;
  if (typeof value === "string") {
    if (!value.includes("${")) return false;
    let at = value.indexOf(address);
    while (at >= 0) {
      const before = value[at - 1];
      const after = value[at + address.length];
      if (!/[\w.-]/.test(before ?? "") && (after === undefined || !/[\w-]/.test(after))) return true;
      at = value.indexOf(address, at + 1);
    }
    return false;
  }
  if (Array.isArray(value)) return value.some((v) => readsAddress(v, address));
  if (value && typeof value === "object") return Object.entries(value).some(([k, v]) => readsAddress(v, address, k));
  return false;
}

function stackOfRemoteState(remote: Block): string | undefined {
  const config = remote.config as { path?: string } | undefined;
  return remote.backend === "local" && config?.path ? path.basename(config.path, ".tfstate") : undefined;
}

function dependencyOrder(manifest: Manifest): string[] {
  const order: string[] = [];
  const visit = (name: string) => {
    if (order.includes(name)) return;
    for (const dep of manifest.stacks[name]?.dependencies ?? []) visit(dep);
    order.push(name);
  };
  Object.keys(manifest.stacks).sort().forEach(visit);
  return order;
}

/** Environment variables through which the deploy command hands the target to the app (and so to `cdktf deploy`). */
export const AWS_EMULATOR_URL_VARIABLE = "PLATFORM_AWS_EMULATOR_URL";
export const AWS_EMULATOR_ZONES_VARIABLE = "PLATFORM_AWS_EMULATOR_ZONES";

/** Host names of the loopback interface: the only place an emulator target may be. */
const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * The emulator target that the process environment names, or `undefined`. An emulator target
 * is refused for an environment that is not in offline mode (it would send placeholder
 * credentials, or worse, real ones, to whatever answers), and anywhere but on loopback.
 */
export function awsEmulatorTargetFrom(
  variables: NodeJS.ProcessEnv,
  environment: { readonly name: string; readonly aws?: { readonly offline?: unknown } },
): AwsEmulatorTarget | undefined {
  const url = variables[AWS_EMULATOR_URL_VARIABLE];
  if (url === undefined || url === "") return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !["http:", "https:"].includes(parsed.protocol) || !LOOPBACK_HOST.test(parsed.hostname) || parsed.pathname !== "/") {
    throw variableError(
      environment.name,
      AWS_EMULATOR_URL_VARIABLE,
      `${AWS_EMULATOR_URL_VARIABLE} must be an http(s) URL of a loopback address with no path (http://127.0.0.1:5000, http://localhost:4566), got ${JSON.stringify(url)}`,
    );
  }
  if (!environment.aws?.offline) {
    throw variableError(
      environment.name,
      AWS_EMULATOR_URL_VARIABLE,
      `${AWS_EMULATOR_URL_VARIABLE} is set, but environment ${JSON.stringify(environment.name)} is not in offline mode: only an environment with aws.offline deploys to an AWS emulator`,
    );
  }
  const zonesText = variables[AWS_EMULATOR_ZONES_VARIABLE];
  let hostedZones: Record<string, string> | undefined;
  if (zonesText) {
    const zones = safeJson(zonesText);
    if (!zones || typeof zones !== "object" || Array.isArray(zones) || Object.values(zones).some((v) => typeof v !== "string")) {
      throw variableError(environment.name, AWS_EMULATOR_ZONES_VARIABLE, `${AWS_EMULATOR_ZONES_VARIABLE} must be a JSON object of hosted zone id to hosted zone id, got ${JSON.stringify(zonesText)}`);
    }
    hostedZones = zones as Record<string, string>;
  }
  return { url: parsed.origin, hostedZones };
}

function variableError(environment: string, variable: string, message: string): ConfigError {
  return new ConfigError(environment, [{ path: variable, message }]);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The configuration as the emulator deploy builds it: every hosted zone id the configuration
 * names is replaced by the id of its stand-in zone in the emulator. Nothing else changes.
 */
export function configForEmulator<T>(config: T, target: AwsEmulatorTarget): T {
  const zones = target.hostedZones ?? {};
  const swap = (value: unknown): unknown => {
    if (typeof value === "string") return Object.prototype.hasOwnProperty.call(zones, value) ? zones[value] : value;
    if (Array.isArray(value)) return value.map(swap);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, swap(v)]));
    return value;
  };
  return swap(config) as T;
}

/**
 * The hosted zones a configuration names by id (`hostedZoneId` anywhere in it), each with the
 * domain names placed in it and the zone name that holds them all (their longest common parent
 * domain): what the deploy command creates in the emulator to stand in for the account's zones.
 */
export function hostedZonesOf(config: unknown): Record<string, { readonly zoneName: string; readonly names: readonly string[] }> {
  const names = new Map<string, Set<string>>();
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === "object") {
      const record = value as Record<string, unknown>;
      if (typeof record.hostedZoneId === "string") {
        const set = names.get(record.hostedZoneId) ?? new Set<string>();
        if (typeof record.name === "string") set.add(record.name.replace(/\.$/, ""));
        names.set(record.hostedZoneId, set);
      }
      Object.values(record).forEach(visit);
    }
  };
  visit(config);
  return Object.fromEntries(
    [...names].sort(([a], [b]) => a.localeCompare(b)).map(([id, set]) => {
      const list = [...set].sort();
      return [id, { zoneName: commonParent(list) ?? `${id.toLowerCase()}.emulator.internal`, names: list }];
    }),
  );
}

function commonParent(names: readonly string[]): string | undefined {
  if (names.length === 0) return undefined;
  const split = names.map((n) => n.split(".").reverse());
  const common: string[] = [];
  for (let i = 0; split.every((labels) => labels.length > i + 1 && labels[i] === split[0][i]); i++) common.push(split[0][i]);
  return common.length >= 2 ? common.reverse().join(".") : undefined;
}
