// The emulator gap list (`EMULATOR_GAPS` in @platform/core) is no longer than it must be: each
// entry, tried alone against the emulator (moto, started and stopped here), really fails.
// - `omit`: a small Terraform configuration with just that resource fails to apply;
// - `ignore-changes`: it applies, and the next plan changes exactly those attributes again;
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

beforeAll(async () => {
  emulator = await startMoto({ accountId: "000000000000", logFile: path.join(root, "moto.log") });
});
afterAll(() => {
  if (emulator) stopEmulator(emulator);
  fs.rmSync(root, { recursive: true, force: true });
});

/** A VPC with two subnets and a security group, for probes that need a network. */
const network: Resources = {
  aws_vpc: { probe: { cidr_block: "10.9.0.0/16" } },
  aws_subnet: {
    a: { vpc_id: "${aws_vpc.probe.id}", cidr_block: "10.9.0.0/24", availability_zone: "us-east-1a" },
    b: { vpc_id: "${aws_vpc.probe.id}", cidr_block: "10.9.1.0/24", availability_zone: "us-east-1b" },
  },
  aws_security_group: { a: { name: "probe-a", vpc_id: "${aws_vpc.probe.id}" }, b: { name: "probe-b", vpc_id: "${aws_vpc.probe.id}" } },
};
const role = (name: string, service: string): Resources => ({
  aws_iam_role: {
    [name]: {
      name: `probe-${name}`,
      assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] }),
    },
  },
});
const eksCluster: Resources = {
  ...network,
  ...role("cluster", "eks.amazonaws.com"),
  aws_eks_cluster: {
    probe: {
      name: "probe",
      role_arn: "${aws_iam_role.cluster.arn}",
      vpc_config: { subnet_ids: ["${aws_subnet.a.id}", "${aws_subnet.b.id}"] },
      access_config: { authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: false },
    },
  },
};
const ecsTask = (networkMode: string): Resources => ({
  aws_ecs_cluster: { probe: { name: `probe-${networkMode}` } },
  aws_ecs_task_definition: {
    probe: {
      family: `probe-${networkMode}`,
      network_mode: networkMode,
      requires_compatibilities: networkMode === "awsvpc" ? ["FARGATE"] : ["EC2"],
      cpu: "256",
      memory: "512",
      container_definitions: JSON.stringify([{ name: "app", image: "public.ecr.aws/nginx/nginx:1.27", essential: true, memory: 512 }]),
    },
  },
});
const merge = (...parts: Resources[]): Resources => {
  const out: Resources = {};
  for (const part of parts) for (const [type, bodies] of Object.entries(part)) out[type] = { ...out[type], ...bodies };
  return out;
};

/** How each gap is tried. */
const PROBES: Record<string, { resources?: Resources; outputs?: Record<string, string>; check?: (output: Record<string, string>) => Promise<void> | void; api?: string }> = {
  "kubernetes-api": { resources: eksCluster, outputs: { endpoint: "${aws_eks_cluster.probe.endpoint}" }, check: kubernetesUnreachable },
  "helm-api": { resources: eksCluster, outputs: { endpoint: "${aws_eks_cluster.probe.endpoint}" }, check: kubernetesUnreachable },
  "ecr-pull-through-cache": { resources: { aws_ecr_pull_through_cache_rule: { probe: { ecr_repository_prefix: "probe", upstream_registry_url: "public.ecr.aws" } } } },
  "appautoscaling-tags": {
    resources: { aws_appautoscaling_target: { probe: { service_namespace: "ecs", scalable_dimension: "ecs:service:DesiredCount", resource_id: "service/probe/probe", min_capacity: 1, max_capacity: 2 } } },
  },
  "ecs-bridge-network": {
    resources: merge(ecsTask("bridge"), {
      aws_ecs_service: { probe: { name: "probe", cluster: "${aws_ecs_cluster.probe.id}", task_definition: "${aws_ecs_task_definition.probe.arn}", desired_count: 0, launch_type: "EC2" } },
    }),
  },
  "ecs-capacity-provider-strategy": { resources: fargateService() },
  "ecs-service-settings": { resources: fargateService() },
  "acm-key-algorithm": { resources: { aws_acm_certificate: { probe: { domain_name: "probe.example.com", validation_method: "DNS", key_algorithm: "EC_prime256v1" } } } },
  "launch-template-tags": { resources: { aws_launch_template: { probe: { name: "probe", tag_specifications: [{ resource_type: "instance", tags: { Name: "probe" } }] } } } },
  "asg-instance-warmup": {
    resources: merge(network, {
      aws_launch_template: { probe: { name: "probe-asg", image_id: "ami-12c6146b", instance_type: "t3.micro" } },
      aws_autoscaling_group: {
        probe: {
          name: "probe",
          min_size: 0,
          max_size: 0,
          vpc_zone_identifier: ["${aws_subnet.a.id}"],
          default_instance_warmup: 60,
          launch_template: { id: "${aws_launch_template.probe.id}", version: "$Latest" },
        },
      },
    }),
  },
  "security-group-reference-description": {
    resources: merge(network, {
      aws_vpc_security_group_ingress_rule: {
        probe: { security_group_id: "${aws_security_group.a.id}", referenced_security_group_id: "${aws_security_group.b.id}", ip_protocol: "tcp", from_port: 443, to_port: 443, description: "probe" },
      },
    }),
  },
  "security-group-reference-description-egress": {
    resources: merge(network, {
      aws_vpc_security_group_egress_rule: {
        probe: { security_group_id: "${aws_security_group.a.id}", referenced_security_group_id: "${aws_security_group.b.id}", ip_protocol: "tcp", from_port: 443, to_port: 443, description: "probe" },
      },
    }),
  },
  "eks-cluster-access-config": { resources: eksCluster },
  "eks-node-group-remote-access": {
    resources: merge(eksCluster, role("node", "ec2.amazonaws.com"), {
      aws_eks_node_group: {
        probe: {
          cluster_name: "${aws_eks_cluster.probe.name}",
          node_group_name: "probe",
          node_role_arn: "${aws_iam_role.node.arn}",
          subnet_ids: ["${aws_subnet.a.id}"],
          scaling_config: { min_size: 1, max_size: 1, desired_size: 1 },
          update_config: { max_unavailable: 1 },
        },
      },
    }),
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
  "sqs-redrive-allow-policy": { api: "sqs-redrive-allow-policy" },
  "eks-addons": { resources: merge(eksCluster, { aws_eks_addon: { probe: { cluster_name: "${aws_eks_cluster.probe.name}", addon_name: "vpc-cni" } } }) },
  "eks-access-entries": {
    resources: merge(eksCluster, role("admin", "ec2.amazonaws.com"), {
      aws_eks_access_entry: { probe: { cluster_name: "${aws_eks_cluster.probe.name}", principal_arn: "${aws_iam_role.admin.arn}" } },
    }),
  },
  "eks-access-policies": {
    resources: merge(eksCluster, role("admin", "ec2.amazonaws.com"), {
      aws_eks_access_policy_association: {
        probe: {
          cluster_name: "${aws_eks_cluster.probe.name}",
          principal_arn: "${aws_iam_role.admin.arn}",
          policy_arn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
          access_scope: { type: "cluster" },
        },
      },
    }),
  },
  "eks-pod-identity": {
    resources: merge(eksCluster, role("pod", "pods.eks.amazonaws.com"), {
      aws_eks_pod_identity_association: { probe: { cluster_name: "${aws_eks_cluster.probe.name}", namespace: "default", service_account: "probe", role_arn: "${aws_iam_role.pod.arn}" } },
    }),
  },
};

function fargateService(): Resources {
  return merge(network, ecsTask("awsvpc"), {
    aws_ecs_cluster_capacity_providers: { probe: { cluster_name: "${aws_ecs_cluster.probe.name}", capacity_providers: ["FARGATE"] } },
    aws_ecs_service: {
      probe: {
        name: "probe",
        cluster: "${aws_ecs_cluster.probe.id}",
        task_definition: "${aws_ecs_task_definition.probe.arn}",
        desired_count: 0,
        capacity_provider_strategy: [{ capacity_provider: "FARGATE", weight: 1, base: 0 }],
        network_configuration: { subnets: ["${aws_subnet.a.id}"], security_groups: ["${aws_security_group.a.id}"], assign_public_ip: false },
        enable_ecs_managed_tags: true,
        health_check_grace_period_seconds: 60,
        availability_zone_rebalancing: "ENABLED",
        depends_on: ["aws_ecs_cluster_capacity_providers.probe"],
      },
    },
  });
}

async function kubernetesUnreachable(output: Record<string, string>): Promise<void> {
  const endpoint = new URL(output.endpoint);
  expect(endpoint.hostname).not.toMatch(/^(localhost|127\.|\[::1\])/);
  expect(await answers(endpoint.origin, 3000)).toBe(false);
}

let probeNumber = 0;
/** Writes a probe configuration in a folder of its own and runs `terraform init`. */
async function probeDir(resources: Resources, outputs: Record<string, string> = {}): Promise<string> {
  const dir = path.join(root, `probe-${++probeNumber}`);
  fs.mkdirSync(dir);
  // Every probe in a region of its own account-free namespace: names may repeat across probes.
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
    default_tags: [{ tags: { Probe: String(probeNumber) } }],
  };
  const body = {
    terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } },
    provider: { aws: [provider] },
    resource: resources,
    ...(Object.keys(outputs).length > 0 ? { output: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { value: v }])) } : {}),
  };
  fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(body, null, 2));
  const init = await terraform(["init", "-no-color", "-input=false"], dir, env);
  expect(init.stderr).toBe("");
  return dir;
}

test("every gap of the list has a probe, and every probe a gap", () => {
  expect(Object.keys(PROBES).sort()).toEqual(EMULATOR_GAPS.map((g) => g.id).sort());
});

// Probes use names that collide (probe, probe-a, ...): they run one after another, each cleaned up.
describe.each(EMULATOR_GAPS.map((g) => [g.id, g] as const))("%s", (id, gap) => {
  test(`tried alone against the emulator, it really fails (${gap.action})`, async () => {
    const probe = PROBES[id];
    if (probe.api === "sqs-redrive-allow-policy") {
      const script = [
        "import boto3, json, sys",
        `c = boto3.client("sqs", endpoint_url=${JSON.stringify(emulator.url)}, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")`,
        'url = c.create_queue(QueueName="probe-allow")["QueueUrl"]',
        'c.set_queue_attributes(QueueUrl=url, Attributes={"RedriveAllowPolicy": json.dumps({"redrivePermission": "allowAll"})})',
        'print(json.dumps(c.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]))',
        "c.delete_queue(QueueUrl=url)",
      ].join("\n");
      const result = spawnSync("python3", ["-c", script], { encoding: "utf8" });
      expect(result.stderr).toBe("");
      expect(Object.keys(JSON.parse(result.stdout) as object)).not.toContain("RedriveAllowPolicy");
      return;
    }
    const dir = await probeDir(probe.resources!, probe.outputs);
    try {
      const apply = await terraform(["apply", "-no-color", "-input=false", "-auto-approve"], dir, env);
      if (gap.action === "omit") {
        expect(apply.code).not.toBe(0);
        expect(apply.stderr).toContain(gap.resourceType!);
        return;
      }
      expect([apply.code, apply.stderr]).toEqual([0, ""]);
      if (gap.action === "stack") {
        const out = await terraform(["output", "-json"], dir, env);
        const values = Object.fromEntries(Object.entries(JSON.parse(out.stdout) as Record<string, { value: string }>).map(([k, v]) => [k, v.value]));
        await probe.check!(values);
        return;
      }
      // ignore-changes: the very next plan changes the gap's attributes again.
      const plan = await terraform(["plan", "-no-color", "-input=false", "-detailed-exitcode"], dir, env);
      expect(plan.code).toBe(2);
      const diff = plan.stdout.split("\n").filter((l) => /^\s*[~+-] |# forces replacement/.test(l) || /^\s*[~+-] \w+ \{/.test(l));
      for (const attribute of gap.attributes!) {
        const name = attribute.replace(/\[.*$/, "");
        expect([attribute, diff.some((l) => new RegExp(`[~+-] ${name}\\b`).test(l))]).toEqual([attribute, true]);
      }
    } finally {
      await terraform(["destroy", "-no-color", "-input=false", "-auto-approve"], dir, env);
    }
  });
});
