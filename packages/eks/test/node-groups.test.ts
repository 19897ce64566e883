// Managed node groups: the group (a name prefix, created before destroyed, desired size left to
// the autoscaler), its launch template (IMDSv2 with hop limit 1, encrypted gp3 root volume), the
// image's CPU architecture from the instance types, and the node role they all share.
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Vpc } from "@platform/vpc";
import type { SynthesizedStack } from "@platform/core";
import { EksCluster, type NodeGroupOptions } from "../src";
import { architectureOf } from "../src/private/node-group";
import {
  GENERAL,
  addressAt,
  awsPolicy,
  base,
  bodyAt,
  clusterProps,
  count,
  dependsOn,
  existsAt,
  fixture,
  managedPoliciesOf,
  privateSubnetRefs,
  refAt,
  roleStatements,
  synth,
  synthCluster,
  trustOf,
  vpcProps,
  type Resource,
} from "./support";

const GROUP = "Cluster/NodeGroups/general";

function withGroup(options: Partial<NodeGroupOptions>, key = "general"): SynthesizedStack {
  return synthCluster({ cluster: { nodeGroups: { [key]: { ...GENERAL, ...options } } } });
}

function group(out: SynthesizedStack, key = "general"): Resource {
  return bodyAt(out, "aws_eks_node_group", `Cluster/NodeGroups/${key}`);
}

function template(out: SynthesizedStack, key = "general"): Resource {
  return bodyAt(out, "aws_launch_template", `Cluster/NodeGroups/${key}/LaunchTemplate`);
}

describe("defaults", () => {
  let out: SynthesizedStack;
  let body: Resource;
  let nameRef: string;
  beforeAll(() => {
    out = synthCluster();
    body = group(out);
    nameRef = refAt(out, "aws_eks_cluster", "Cluster", "name");
  });

  test("one group named <cluster>-<key>- plus a suffix of Terraform's, in the cluster (a reference), at its version", () => {
    expect(count(out, "aws_eks_node_group")).toBe(1);
    expect(body.cluster_name).toBe(nameRef);
    expect(body.node_group_name_prefix).toBe("test-cluster-general-");
    expect(body.node_group_name).toBeUndefined();
    expect(body.version).toBe("1.33");
    expect(body.tags).toEqual({ Name: "test-cluster-general" });
  });

  test("created before destroyed; the desired size is the autoscaler's after creation", () => {
    expect(body.lifecycle).toEqual({ create_before_destroy: true, ignore_changes: ["scaling_config[0].desired_size"] });
  });

  test("the sizes: desired defaults to minSize", () => {
    expect(body.scaling_config).toEqual({ min_size: 2, max_size: 6, desired_size: 2 });
  });

  test("one node unavailable at a time during updates", () => {
    expect(body.update_config).toEqual({ max_unavailable: 1 });
  });

  test("on-demand Amazon Linux 2023 nodes of the instance types given (Graviton: the ARM image)", () => {
    expect(body.capacity_type).toBe("ON_DEMAND");
    expect(body.ami_type).toBe("AL2023_ARM_64_STANDARD");
    expect(body.instance_types).toEqual(["m7g.large"]);
  });

  test("in the VPC's private subnets, as the node role", () => {
    expect(body.subnet_ids).toEqual(privateSubnetRefs(out));
    expect(body.node_role_arn).toBe(refAt(out, "aws_iam_role", "Cluster/NodeRole", "arn"));
  });

  test("no labels and no taints", () => {
    expect(body.labels).toBeUndefined();
    expect(body.taint).toEqual([]);
  });

  test("nodes come from the group's launch template, at its latest version", () => {
    expect(body.launch_template).toEqual({
      id: refAt(out, "aws_launch_template", `${GROUP}/LaunchTemplate`, "id"),
      version: refAt(out, "aws_launch_template", `${GROUP}/LaunchTemplate`, "latest_version"),
    });
  });

  test("the launch template: IMDSv2 only with hop limit 1, an encrypted gp3 root volume of 50 GiB, detailed monitoring", () => {
    expect(template(out)).toEqual({
      name_prefix: "test-cluster-general-",
      description: "Nodes of EKS node group test-cluster-general",
      update_default_version: true,
      metadata_options: { http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 1, instance_metadata_tags: "disabled" },
      block_device_mappings: [{ device_name: "/dev/xvda", ebs: { volume_size: 50, volume_type: "gp3", encrypted: "true", delete_on_termination: "true" } }],
      monitoring: { enabled: true },
      tag_specifications: ["instance", "volume", "network-interface"].map((resource_type) => ({ resource_type, tags: { Name: "test-cluster-general" } })),
      tags: { Name: "test-cluster-general" },
    });
  });

  test("the group waits for the CNI, the Pod Identity agent and the node role's policies", () => {
    expect(dependsOn(body)).toEqual([
      addressAt(out, "aws_eks_addon", "Cluster/Addons/vpc-cni"),
      addressAt(out, "aws_eks_addon", "Cluster/Addons/eks-pod-identity-agent"),
      addressAt(out, "aws_iam_role", "Cluster/NodeRole"),
      addressAt(out, "aws_iam_role_policy_attachment", "Cluster/NodeRole/ManagedPolicy0"),
      addressAt(out, "aws_iam_role_policy_attachment", "Cluster/NodeRole/ManagedPolicy1"),
      addressAt(out, "aws_iam_role_policy_attachment", "Cluster/NodeRole/ManagedPolicy2"),
    ]);
  });

  test("the node role: trusted by EC2; worker node, ECR pull-only and SSM policies", () => {
    const role = bodyAt(out, "aws_iam_role", "Cluster/NodeRole");
    expect(role.name).toBe("test-cluster-node");
    expect(role.description).toBe("Nodes of EKS cluster test-cluster");
    expect(trustOf(out, "Cluster/NodeRole").Statement).toEqual([{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    expect(managedPoliciesOf(out, "Cluster/NodeRole")).toEqual([
      awsPolicy("AmazonEKSWorkerNodePolicy"),
      awsPolicy("AmazonEC2ContainerRegistryPullOnly"),
      awsPolicy("AmazonSSMManagedInstanceCore"),
    ]);
    expect(roleStatements(out, "Cluster/NodeRole")).toEqual([]);
  });

  test("the node role has no AmazonEKS_CNI_Policy: the VPC CNI has a role of its own", () => {
    expect(managedPoliciesOf(out, "Cluster/NodeRole")).not.toContain(awsPolicy("AmazonEKS_CNI_Policy"));
    expect(managedPoliciesOf(out, "Cluster/Addons/vpc-cni-role/Role")).toEqual([awsPolicy("AmazonEKS_CNI_Policy")]);
  });
});

describe("CPU architecture", () => {
  test.each(["m7g.large", "c7gn.xlarge", "t4g.medium", "r8gd.2xlarge", "m6g.metal", "x2gd.large", "im4gn.large", "g5g.xlarge", "a1.large", "a1.metal"])(
    "%s is Graviton: the ARM image",
    (instanceType) => {
      expect(architectureOf(instanceType)).toBe("arm64");
      expect(group(withGroup({ instanceTypes: [instanceType] })).ami_type).toBe("AL2023_ARM_64_STANDARD");
    },
  );

  test.each(["m7i.large", "c6a.xlarge", "g5.xlarge", "m7i-flex.large", "g4ad.xlarge", "p5.48xlarge", "inf2.xlarge", "r7iz.large", "u7i-12tb.224xlarge", "c7i.metal-24xl", "m7i.metal-48xl"])(
    "%s is x86: the x86_64 image",
    (instanceType) => {
      expect(architectureOf(instanceType)).toBe("x86_64");
      expect(group(withGroup({ instanceTypes: [instanceType] })).ami_type).toBe("AL2023_x86_64_STANDARD");
    },
  );

  test("several instance types of one architecture, in the order given", () => {
    const out = withGroup({ instanceTypes: ["c7g.large", "m7g.large", "r7g.large"] });
    expect(group(out).instance_types).toEqual(["c7g.large", "m7g.large", "r7g.large"]);
    expect(group(out).ami_type).toBe("AL2023_ARM_64_STANDARD");
  });

  test("instance types with a - after the dot (c7i.metal-24xl) are accepted and passed on as they are", () => {
    const out = withGroup({ instanceTypes: ["c7i.metal-24xl", "c7i.metal-48xl", "c7i.24xlarge"] });
    expect(group(out).instance_types).toEqual(["c7i.metal-24xl", "c7i.metal-48xl", "c7i.24xlarge"]);
    expect(group(out).ami_type).toBe("AL2023_x86_64_STANDARD");
  });

  test("the group reports its architecture", () => {
    const f = fixture({ cluster: { nodeGroups: { arm: GENERAL, x86: { ...GENERAL, instanceTypes: ["m7i.large", "c7i.large"] } } } });
    expect(f.cluster.nodeGroups.arm.architecture).toBe("arm64");
    expect(f.cluster.nodeGroups.x86.architecture).toBe("x86_64");
  });
});

describe("settings", () => {
  test.each([
    ["on-demand", "ON_DEMAND"],
    ["spot", "SPOT"],
  ] as const)("capacityType %s", (capacityType, expected) => {
    expect(group(withGroup({ capacityType })).capacity_type).toBe(expected);
  });

  test.each([
    [{ minSize: 0, maxSize: 3 }, { min_size: 0, max_size: 3, desired_size: 1 }],
    [{ minSize: 3, maxSize: 10 }, { min_size: 3, max_size: 10, desired_size: 3 }],
    [{ minSize: 1, maxSize: 10, desiredSize: 4 }, { min_size: 1, max_size: 10, desired_size: 4 }],
    [{ minSize: 0, maxSize: 5, desiredSize: 0 }, { min_size: 0, max_size: 5, desired_size: 0 }],
    [{ minSize: 450, maxSize: 450 }, { min_size: 450, max_size: 450, desired_size: 450 }],
  ])("sizes %j: desired defaults to max(1, minSize)", (sizes, expected) => {
    expect(group(withGroup(sizes)).scaling_config).toEqual(expected);
  });

  test("maxUnavailable", () => {
    expect(group(withGroup({ maxUnavailable: 3 })).update_config).toEqual({ max_unavailable: 3 });
  });

  test("diskSizeGiB sizes the root volume", () => {
    expect(template(withGroup({ diskSizeGiB: 200 })).block_device_mappings).toEqual([
      { device_name: "/dev/xvda", ebs: { volume_size: 200, volume_type: "gp3", encrypted: "true", delete_on_termination: "true" } },
    ]);
  });

  test("labels", () => {
    const labels = { workload: "batch", "example.com/team": "payments", empty: "" };
    expect(group(withGroup({ labels })).labels).toEqual(labels);
  });

  test.each([
    ["NoSchedule", "NO_SCHEDULE"],
    ["NoExecute", "NO_EXECUTE"],
    ["PreferNoSchedule", "PREFER_NO_SCHEDULE"],
  ] as const)("a taint with effect %s is %s for EKS", (effect, expected) => {
    expect(group(withGroup({ taints: [{ key: "dedicated", value: "gpu", effect }] })).taint).toEqual([{ key: "dedicated", value: "gpu", effect: expected }]);
  });

  test("several taints in order; a taint without a value", () => {
    const out = withGroup({
      taints: [
        { key: "nvidia.com/gpu", effect: "NoSchedule" },
        { key: "dedicated", value: "ml", effect: "NoExecute" },
      ],
    });
    expect(group(out).taint).toEqual([
      { key: "nvidia.com/gpu", effect: "NO_SCHEDULE" },
      { key: "dedicated", value: "ml", effect: "NO_EXECUTE" },
    ]);
  });

  test("the cluster's tags go on the group, its launch template and what the template launches, with Name", () => {
    const out = synthCluster({ cluster: { tags: { team: "platform" } } });
    const name = "test-cluster-general";
    expect(group(out).tags).toEqual({ team: "platform", Name: name });
    expect(template(out).tags).toEqual({ team: "platform", Name: name });
    expect(template(out).tag_specifications).toEqual(
      ["instance", "volume", "network-interface"].map((resource_type) => ({ resource_type, tags: { team: "platform", Name: name } })),
    );
  });
});

describe("several node groups", () => {
  let out: SynthesizedStack;
  beforeAll(() => {
    out = synthCluster({
      cluster: {
        nodeGroups: {
          general: GENERAL,
          gpu: { instanceTypes: ["g5.xlarge", "g5.2xlarge"], capacityType: "spot", minSize: 0, maxSize: 4, taints: [{ key: "nvidia.com/gpu", effect: "NoSchedule" }] },
        },
      },
    });
  });

  test("each has its own name prefix and launch template", () => {
    expect(count(out, "aws_eks_node_group")).toBe(2);
    expect(count(out, "aws_launch_template")).toBe(2);
    expect(group(out, "general").node_group_name_prefix).toBe("test-cluster-general-");
    expect(group(out, "gpu").node_group_name_prefix).toBe("test-cluster-gpu-");
    expect(group(out, "gpu").launch_template).toEqual({
      id: refAt(out, "aws_launch_template", "Cluster/NodeGroups/gpu/LaunchTemplate", "id"),
      version: refAt(out, "aws_launch_template", "Cluster/NodeGroups/gpu/LaunchTemplate", "latest_version"),
    });
    expect(template(out, "gpu").name_prefix).toBe("test-cluster-gpu-");
    expect(template(out, "gpu").tags).toEqual({ Name: "test-cluster-gpu" });
  });

  test("they share the node role, which is one role", () => {
    const role = refAt(out, "aws_iam_role", "Cluster/NodeRole", "arn");
    expect(group(out, "general").node_role_arn).toBe(role);
    expect(group(out, "gpu").node_role_arn).toBe(role);
    expect(existsAt(out, "aws_iam_role", "Cluster/NodeGroups/gpu/Role")).toBe(false);
  });

  test("each keeps its own settings", () => {
    expect(group(out, "general")).toMatchObject({ capacity_type: "ON_DEMAND", ami_type: "AL2023_ARM_64_STANDARD", taint: [] });
    expect(group(out, "gpu")).toMatchObject({
      capacity_type: "SPOT",
      ami_type: "AL2023_x86_64_STANDARD",
      instance_types: ["g5.xlarge", "g5.2xlarge"],
      scaling_config: { min_size: 0, max_size: 4, desired_size: 1 },
      taint: [{ key: "nvidia.com/gpu", effect: "NO_SCHEDULE" }],
    });
  });

  test("nodeGroups exposes the groups' resources", () => {
    const f = fixture({ cluster: { nodeGroups: { general: GENERAL } } });
    const { out: o, outputs } = synth(f.stack, { arn: f.cluster.nodeGroups.general.resource.arn });
    expect(outputs.arn).toBe(refAt(o, "aws_eks_node_group", GROUP, "arn"));
  });
});

describe("name prefix", () => {
  // EKS allows node group names of 63 characters and Terraform's unique suffix takes 26, so the
  // prefix is at most 37: `<cluster>-<key>` cut to 36 characters ending in a hash, plus "-".
  const LONG_NAME = `c${"x".repeat(99)}`;
  const LONG_KEY = "a".repeat(20);

  function prefixOf(out: SynthesizedStack, key: string): string {
    return group(out, key).node_group_name_prefix as string;
  }

  function longCluster(nodeGroups: Record<string, NodeGroupOptions> = { [LONG_KEY]: GENERAL }): SynthesizedStack {
    return synthCluster({ cluster: { clusterName: LONG_NAME, nodeGroups } });
  }

  test("a long cluster name and a long key: at most 37 characters, ending in a hash and -", () => {
    const prefix = prefixOf(longCluster(), LONG_KEY);
    expect(prefix.length).toBeLessThanOrEqual(37);
    expect(prefix).toMatch(/^cx{26}-[0-9a-f]{8}-$/);
    expect(prefix).not.toContain("${");
  });

  test("the launch template has the same prefix; its Name tags are the prefix without the -", () => {
    const out = longCluster();
    const prefix = prefixOf(out, LONG_KEY);
    const name = prefix.slice(0, -1);
    const lt = template(out, LONG_KEY);
    expect(lt.name_prefix).toBe(prefix);
    expect(lt.description).toBe(`Nodes of EKS node group ${name}`);
    expect(lt.tags).toEqual({ Name: name });
    expect(lt.tag_specifications).toEqual(["instance", "volume", "network-interface"].map((resource_type) => ({ resource_type, tags: { Name: name } })));
    expect(group(out, LONG_KEY).tags).toEqual({ Name: name });
  });

  test("stable across builds", () => {
    expect(prefixOf(longCluster(), LONG_KEY)).toBe(prefixOf(longCluster(), LONG_KEY));
  });

  test("independent of how many other constructs (and tokens) the stack holds before the cluster", () => {
    const alone = prefixOf(longCluster(), LONG_KEY);
    const b = base();
    new Vpc(b.stack, "OtherVpc", vpcProps({ cidrBlock: "10.1.0.0/16" }));
    for (let i = 0; i < 25; i++) {
      const key = new KmsKey(b.stack, `Key${i}`, { description: `key ${i}` });
      new KmsKey(b.stack, `Copy${i}`, { description: key.arn, policy: key.keyId });
    }
    new EksCluster(b.stack, "Cluster", clusterProps(b.vpc, { clusterName: LONG_NAME, nodeGroups: { [LONG_KEY]: GENERAL } }));
    expect(prefixOf(synth(b.stack).out, LONG_KEY)).toBe(alone);
  });

  test("keys that differ only past the cut get different prefixes", () => {
    const a = `${"a".repeat(19)}1`;
    const z = `${"a".repeat(19)}2`;
    const out = longCluster({ [a]: GENERAL, [z]: GENERAL });
    expect(prefixOf(out, a)).not.toBe(prefixOf(out, z));
    expect(prefixOf(out, a).slice(0, 27)).toBe(prefixOf(out, z).slice(0, 27));
  });

  test("<cluster>-<key> of exactly 36 characters is kept whole; 37 is cut to a hash", () => {
    const name = "payments-production-eu"; // 22 characters: with - and a 13-character key, 36
    const out = synthCluster({ cluster: { clusterName: name, nodeGroups: { "general-purpo": GENERAL, "general-purpos": GENERAL } } });
    expect(prefixOf(out, "general-purpo")).toBe("payments-production-eu-general-purpo-");
    const cut = prefixOf(out, "general-purpos");
    expect(cut).toMatch(/^payments-production-eu-gene-[0-9a-f]{8}-$/);
    expect(cut).toHaveLength(37);
  });

  test("a name with upper case and _ (which EKS allows) is kept as it is", () => {
    const out = synthCluster({ cluster: { clusterName: "Payments_EU" } });
    expect(prefixOf(out, "general")).toBe("Payments_EU-general-");
    expect(template(out).name_prefix).toBe("Payments_EU-general-");
  });
});
