// The emulator gap list (`EMULATOR_GAPS` in @platform/core) is no longer than it must be: each
// entry, tried alone against the emulator (moto, started and stopped here), really fails.
// - `omit`: a small Terraform configuration with just that resource fails to apply;
// - `ignore-changes`: it applies, and the next plan changes those attributes again (these share
//   one configuration, each resource type's changes read from the plan's JSON);
// - `drop-attributes`: the emulator's API does not keep the attribute;
// - `stack`: nothing answers at the Kubernetes endpoint of an EKS cluster the emulator made.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EMULATOR_GAPS, OFFLINE_ACCESS_KEY, OFFLINE_SECRET_KEY, AWS_EMULATOR_SERVICES } from "@platform/core";
import { answers, startMoto, stopEmulator, type Emulator } from "../src/emulator";
import { providerSource, terraform, terraformEnv } from "../src/terraform";

jest.setTimeout(10 * 60_000);

type Resources = Record<string, Record<string, Record<string, unknown>>>;

const root = fs.mkdtempSync(path.join(os.tmpdir(), "emulator-gaps-"));
const env = terraformEnv(providerSource(), process.env, "emulator-gaps");
let emulator: Emulator;


/**
 * What several probes need, applied once (the EKS cluster alone takes a minute to create and
 * another to destroy): a VPC with two subnets and two security groups, roles, and a cluster with
 * the platform's access configuration. Probes read it as `{{name}}` placeholders.
 */
const role = (name: string, service: string) => ({
  name: `probe-${name}`,
  assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] }),
});
const BASE: Resources = {
  aws_vpc: { probe: { cidr_block: "10.9.0.0/16" } },
  aws_subnet: {
    a: { vpc_id: "${aws_vpc.probe.id}", cidr_block: "10.9.0.0/24", availability_zone: "us-east-1a" },
    b: { vpc_id: "${aws_vpc.probe.id}", cidr_block: "10.9.1.0/24", availability_zone: "us-east-1b" },
  },
  aws_security_group: { a: { name: "probe-a", vpc_id: "${aws_vpc.probe.id}" }, b: { name: "probe-b", vpc_id: "${aws_vpc.probe.id}" } },
  aws_iam_role: {
    cluster: role("cluster", "eks.amazonaws.com"),
    node: role("node", "ec2.amazonaws.com"),
    admin: role("admin", "ec2.amazonaws.com"),
    pod: role("pod", "pods.eks.amazonaws.com"),
  },
  aws_eks_cluster: {
    probe: {
      name: "probe",
      role_arn: "${aws_iam_role.cluster.arn}",
      vpc_config: { subnet_ids: ["${aws_subnet.a.id}", "${aws_subnet.b.id}"] },
      access_config: { authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: false },
    },
  },
};
const BASE_OUTPUTS: Record<string, string> = {
  vpc: "${aws_vpc.probe.id}",
  subnet_a: "${aws_subnet.a.id}",
  subnet_b: "${aws_subnet.b.id}",
  sg_a: "${aws_security_group.a.id}",
  sg_b: "${aws_security_group.b.id}",
  node_role: "${aws_iam_role.node.arn}",
  admin_role: "${aws_iam_role.admin.arn}",
  pod_role: "${aws_iam_role.pod.arn}",
  cluster: "${aws_eks_cluster.probe.name}",
  endpoint: "${aws_eks_cluster.probe.endpoint}",
};

const ecsTask = (name: string, networkMode: string): Resources => ({
  aws_ecs_cluster: { probe: { name } },
  aws_ecs_task_definition: {
    probe: {
      family: name,
      network_mode: networkMode,
      requires_compatibilities: networkMode === "awsvpc" ? ["FARGATE"] : ["EC2"],
      cpu: "256",
      memory: "512",
      container_definitions: JSON.stringify([{ name: "app", image: "public.ecr.aws/nginx/nginx:1.27", essential: true, memory: 512, portMappings: [{ containerPort: 80 }] }]),
    },
  },
});

/** A Fargate service behind a load balancer, as the platform makes them. */
function fargateService(name: string): Resources {
  return {
    ...ecsTask(name, "awsvpc"),
    aws_ecs_cluster_capacity_providers: { probe: { cluster_name: "${aws_ecs_cluster.probe.name}", capacity_providers: ["FARGATE"] } },
    aws_lb: { probe: { name, internal: true, load_balancer_type: "application", subnets: ["{{subnet_a}}", "{{subnet_b}}"], security_groups: ["{{sg_a}}"] } },
    aws_lb_target_group: { probe: { name, port: 80, protocol: "HTTP", target_type: "ip", vpc_id: "{{vpc}}" } },
    aws_lb_listener: { probe: { load_balancer_arn: "${aws_lb.probe.arn}", port: 80, protocol: "HTTP", default_action: { type: "forward", target_group_arn: "${aws_lb_target_group.probe.arn}" } } },
    aws_ecs_service: {
      probe: {
        name,
        cluster: "${aws_ecs_cluster.probe.id}",
        task_definition: "${aws_ecs_task_definition.probe.arn}",
        desired_count: 0,
        capacity_provider_strategy: [{ capacity_provider: "FARGATE", weight: 1, base: 0 }],
        network_configuration: { subnets: ["{{subnet_a}}"], security_groups: ["{{sg_a}}"], assign_public_ip: false },
        load_balancer: { target_group_arn: "${aws_lb_target_group.probe.arn}", container_name: "app", container_port: 80 },
        enable_ecs_managed_tags: true,
        health_check_grace_period_seconds: 60,
        availability_zone_rebalancing: "ENABLED",
        depends_on: ["aws_ecs_cluster_capacity_providers.probe", "aws_lb_listener.probe"],
      },
    },
  };
}

const sgRule = (direction: "ingress" | "egress"): Resources => ({
  [`aws_vpc_security_group_${direction}_rule`]: {
    probe: {
      security_group_id: "{{sg_a}}",
      referenced_security_group_id: "{{sg_b}}",
      ip_protocol: "tcp",
      from_port: direction === "ingress" ? 443 : 8443,
      to_port: direction === "ingress" ? 443 : 8443,
      description: "probe",
    },
  },
});

async function kubernetesUnreachable(output: Record<string, string>): Promise<void> {
  const endpoint = new URL(output.endpoint);
  expect(endpoint.hostname).not.toMatch(/^(localhost|127\.|\[::1\])/);
  expect(await answers(endpoint.origin, 3000)).toBe(false);
}

/** How each gap is tried: a configuration of its own, the base configuration (`base`), or the API. */
const PROBES: Record<string, { resources?: Resources; base?: true; check?: (output: Record<string, string>) => Promise<void>; api?: true }> = {
  "kubernetes-api": { base: true, check: kubernetesUnreachable },
  "helm-api": { base: true, check: kubernetesUnreachable },
  "ecr-pull-through-cache": { resources: { aws_ecr_pull_through_cache_rule: { probe: { ecr_repository_prefix: "probe", upstream_registry_url: "public.ecr.aws" } } } },
  "appautoscaling-tags": {
    resources: { aws_appautoscaling_target: { probe: { service_namespace: "ecs", scalable_dimension: "ecs:service:DesiredCount", resource_id: "service/probe/probe", min_capacity: 1, max_capacity: 2 } } },
  },
  "ecs-bridge-network": {
    resources: {
      ...ecsTask("probe-bridge", "bridge"),
      aws_ecs_service: { probe: { name: "probe-bridge", cluster: "${aws_ecs_cluster.probe.id}", task_definition: "${aws_ecs_task_definition.probe.arn}", desired_count: 0, launch_type: "EC2" } },
    },
  },
  "ecs-capacity-provider-strategy": { resources: fargateService("probe-service") },
  // The same service shows both gaps.
  "ecs-service-settings": { resources: {} },
  "acm-key-algorithm": { resources: { aws_acm_certificate: { probe: { domain_name: "probe.example.com", validation_method: "DNS", key_algorithm: "EC_prime256v1" } } } },
  "launch-template-tags": { resources: { aws_launch_template: { probe: { name: "probe-tags", tags: { Name: "probe" } } } } },
  "asg-instance-warmup": {
    resources: {
      aws_launch_template: { asg: { name: "probe-asg", image_id: "ami-12c6146b", instance_type: "t3.micro" } },
      aws_autoscaling_group: {
        probe: { name: "probe", min_size: 0, max_size: 0, vpc_zone_identifier: ["{{subnet_a}}"], default_instance_warmup: 60, launch_template: { id: "${aws_launch_template.asg.id}", version: "$Latest" } },
      },
    },
  },
  "security-group-reference-description": { resources: sgRule("ingress") },
  "security-group-reference-description-egress": { resources: sgRule("egress") },
  "eks-cluster-access-config": { base: true },
  "eks-node-group-remote-access": {
    resources: {
      aws_eks_node_group: {
        probe: {
          cluster_name: "{{cluster}}",
          node_group_name: "probe",
          node_role_arn: "{{node_role}}",
          subnet_ids: ["{{subnet_a}}"],
          scaling_config: { min_size: 1, max_size: 1, desired_size: 1 },
          update_config: { max_unavailable: 1 },
        },
      },
    },
  },
  "sqs-redrive-policy-format": {
    resources: {
      aws_sqs_queue: {
        dlq: { name: "probe-dlq" },
        probe: { name: "probe", redrive_policy: '{"deadLetterTargetArn":"${aws_sqs_queue.dlq.arn}","maxReceiveCount":5}' },
      },
    },
  },
  // Through the API: with Terraform the provider would wait three minutes for the attribute.
  "sqs-redrive-allow-policy": { api: true },
  "eks-addons": { resources: { aws_eks_addon: { probe: { cluster_name: "{{cluster}}", addon_name: "vpc-cni" } } } },
  "eks-access-entries": { resources: { aws_eks_access_entry: { probe: { cluster_name: "{{cluster}}", principal_arn: "{{admin_role}}" } } } },
  "eks-access-policies": {
    resources: {
      aws_eks_access_policy_association: {
        probe: { cluster_name: "{{cluster}}", principal_arn: "{{admin_role}}", policy_arn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", access_scope: { type: "cluster" } },
      },
    },
  },
  "eks-pod-identity": {
    resources: { aws_eks_pod_identity_association: { probe: { cluster_name: "{{cluster}}", namespace: "default", service_account: "probe", role_arn: "{{pod_role}}" } } },
  },
};

let probeNumber = 0;
let base: Record<string, string> = {};
const outcomes = new Map<string, Outcome>();

/** Writes a configuration in a folder of its own, with the base's values in place, and runs `terraform init`. */
async function probeDir(resources: Resources, outputs: Record<string, string> = {}): Promise<string> {
  const dir = path.join(root, `probe-${++probeNumber}`);
  fs.mkdirSync(dir);
  const provider = {
    region: "us-east-1",
    access_key: OFFLINE_ACCESS_KEY,
    secret_key: OFFLINE_SECRET_KEY,
    skip_credentials_validation: true,
    skip_requesting_account_id: false,
    skip_metadata_api_check: "true",
    skip_region_validation: true,
    max_retries: 2,
    endpoints: [Object.fromEntries(AWS_EMULATOR_SERVICES.map((s) => [s, emulator.url]))],
  };
  const body = {
    terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } },
    provider: { aws: [provider] },
    resource: resources,
    ...(Object.keys(outputs).length > 0 ? { output: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { value: v }])) } : {}),
  };
  const text = JSON.stringify(body, null, 2).replace(/\{\{(\w+)\}\}/g, (_, name: string) => base[name] ?? `{{${name}}}`);
  fs.writeFileSync(path.join(dir, "main.tf.json"), text);
  const init = await terraform(["init", "-no-color", "-input=false"], dir, env);
  if (init.code !== 0) throw new Error(`terraform init failed in ${dir}:\n${init.stderr}`);
  return dir;
}

/** What happened to a probe: the apply, the attributes the next plan changes (`type.attribute`), or what the API kept. */
interface Outcome {
  readonly apply?: { code: number; stderr: string };
  readonly changed?: readonly string[];
  readonly api?: string[];
}
// Four operations at a time, as the deploy command does (see EMULATOR_PARALLELISM).
const APPLY = ["apply", "-no-color", "-input=false", "-auto-approve", "-parallelism=4"];
const DESTROY = ["destroy", "-no-color", "-input=false", "-auto-approve", "-parallelism=4"];

type PlanChanges = { resource_changes?: { type: string; change: { actions: string[]; before?: Record<string, unknown>; after?: Record<string, unknown>; after_unknown?: Record<string, unknown> } }[] };

/** Applies a configuration, then plans it again: what the plan would change, as `type.attribute`. */
async function applyAndReplan(dir: string): Promise<Outcome> {
  const apply = await terraform(APPLY, dir, env);
  if (apply.code !== 0) return { apply: { code: apply.code, stderr: apply.stderr } };
  const plan = await terraform(["plan", "-no-color", "-input=false", "-out=replan.tfplan"], dir, env);
  if (plan.code !== 0) throw new Error(`terraform plan failed in ${dir}:\n${plan.stderr}`);
  const show = await terraform(["show", "-json", "replan.tfplan"], dir, env);
  const changed = new Set<string>();
  for (const rc of (JSON.parse(show.stdout) as PlanChanges).resource_changes ?? []) {
    if (rc.change.actions.every((a) => a === "no-op" || a === "read")) continue;
    const before = rc.change.before ?? {};
    const after = rc.change.after ?? {};
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (JSON.stringify(before[key]) !== JSON.stringify(after[key]) || rc.change.after_unknown?.[key] === true) changed.add(`${rc.type}.${key}`);
    }
  }
  return { apply: { code: 0, stderr: "" }, changed: [...changed].sort() };
}

function apiProbe(): Outcome {
  const script = [
    "import boto3, json",
    `c = boto3.client("sqs", endpoint_url=${JSON.stringify(emulator.url)}, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")`,
    'url = c.create_queue(QueueName="probe-allow")["QueueUrl"]',
    'c.set_queue_attributes(QueueUrl=url, Attributes={"RedriveAllowPolicy": json.dumps({"redrivePermission": "allowAll"})})',
    'print(json.dumps(sorted(c.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"])))',
    "c.delete_queue(QueueUrl=url)",
  ].join("\n");
  const result = spawnSync("python3", ["-c", script], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(result.stderr);
  return { api: JSON.parse(result.stdout) as string[] };
}

/** An `omit` probe: its resource alone, in a configuration of its own. */
async function omitProbe(id: string): Promise<Outcome> {
  const dir = await probeDir(PROBES[id].resources!);
  try {
    return await applyAndReplan(dir);
  } finally {
    await terraform(DESTROY, dir, env);
  }
}

const dirs: string[] = [];

beforeAll(async () => {
  emulator = await startMoto({ accountId: "000000000000", logFile: path.join(root, "moto.log") });
  const baseDir = await probeDir(BASE, BASE_OUTPUTS);
  dirs.push(baseDir);
  const baseOutcome = await applyAndReplan(baseDir);
  if (baseOutcome.apply!.code !== 0) throw new Error(`the probes' base configuration did not apply:\n${baseOutcome.apply!.stderr}`);
  const out = await terraform(["output", "-json"], baseDir, env);
  base = Object.fromEntries(Object.entries(JSON.parse(out.stdout) as Record<string, { value: string }>).map(([k, v]) => [k, v.value]));
  const gapOf = (id: string) => EMULATOR_GAPS.find((g) => g.id === id)!;
  const ids = Object.keys(PROBES);
  for (const id of ids.filter((i) => PROBES[i].base)) outcomes.set(id, baseOutcome);
  outcomes.set("sqs-redrive-allow-policy", apiProbe());

  // Every ignore-changes probe in one configuration (one apply, one plan), beside the omit probes, three at a time.
  const ignored = ids.filter((i) => !PROBES[i].base && gapOf(i).action === "ignore-changes");
  const together = async () => {
    const resources: Resources = {};
    for (const [type, bodies] of ignored.flatMap((i) => Object.entries(PROBES[i].resources!))) resources[type] = { ...resources[type], ...bodies };
    const dir = await probeDir(resources);
    dirs.push(dir);
    const outcome = await applyAndReplan(dir);
    for (const id of ignored) outcomes.set(id, outcome);
  };
  const queue = ids.filter((i) => gapOf(i).action === "omit");
  const lane = async () => {
    for (let id = queue.shift(); id; id = queue.shift()) outcomes.set(id, await omitProbe(id));
  };
  await Promise.all([together(), lane(), lane()]);
});

afterAll(async () => {
  for (const dir of dirs.reverse()) await terraform(DESTROY, dir, env);
  if (emulator) stopEmulator(emulator);
  fs.rmSync(root, { recursive: true, force: true });
});

test("every gap of the list has a probe, and every probe a gap", () => {
  expect(Object.keys(PROBES).sort()).toEqual(EMULATOR_GAPS.map((g) => g.id).sort());
});

describe.each(EMULATOR_GAPS.map((g) => [g.id, g] as const))("%s", (id, gap) => {
  test(`tried alone against the emulator, it really fails (${gap.action})`, async () => {
    const outcome = outcomes.get(id)!;
    if (gap.action === "drop-attributes") {
      expect(outcome.api).toContain("QueueArn");
      expect(outcome.api).not.toContain("RedriveAllowPolicy");
      return;
    }
    if (gap.action === "omit") {
      expect(outcome.apply!.code).not.toBe(0);
      expect(outcome.apply!.stderr).toContain(gap.resourceType!);
      return;
    }
    expect(outcome.apply).toEqual({ code: 0, stderr: "" });
    if (gap.action === "stack") {
      await PROBES[id].check!(base);
      return;
    }
    // ignore-changes: the very next plan changes the gap's attributes again.
    for (const attribute of gap.attributes!) expect(outcome.changed).toContain(`${gap.resourceType}.${attribute}`);
  });
});
