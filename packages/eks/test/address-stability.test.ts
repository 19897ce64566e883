// Terraform addresses (`<type>.<name>`) come from construct ids: renaming an id makes Terraform
// destroy and re-create the resource, and for an EKS cluster that is the cluster with every
// workload on it, for a node group its nodes, for an access entry someone's access. These tests
// pin the addresses of a cluster, a node group, the add-ons, access entries and a Fargate profile,
// and check that growing the cluster (another node group, access entry or Fargate profile) keeps
// every existing resource at its address. If one of these tests fails, do not update the pinned
// names: a changed name replaces real infrastructure.
import type { SynthesizedStack } from "@platform/core";
import { EksCluster, type EksClusterProps } from "../src";
import { ADMIN_ROLE_ARN, AUDITOR_USER_ARN, GENERAL, PRODUCTION, addresses, base, clusterProps, fixture, resources, synth, synthCluster, type Resource } from "./support";

const ADMINS = { admins: { principalArn: ADMIN_ROLE_ARN, level: "cluster-admin" } } as const;
const GPU = { instanceTypes: ["g5.xlarge"], minSize: 0, maxSize: 2 };
const SYSTEM_PROFILE = { system: { selectors: [{ namespace: "kube-system" }] } };

/** Cluster `Cluster` with node group `general` and access entry `admins`, with `overrides`. */
function build(overrides: Partial<EksClusterProps> = {}): SynthesizedStack {
  return synthCluster({ cluster: { access: ADMINS, ...overrides } });
}

function ofCluster(out: SynthesizedStack): string[] {
  return addresses(out).filter((a) => /\.Cluster_/.test(a));
}

function body(out: SynthesizedStack, address: string): Resource {
  const [type, name] = address.split(".");
  return resources(out, type)[name];
}

/** Every resource of `before` is in `after` at the same address, with the same body unless listed in `changed`. */
function expectKept(before: SynthesizedStack, after: SynthesizedStack, changed: string[] = []): void {
  const now = new Set(addresses(after));
  expect(addresses(before).filter((a) => !now.has(a))).toEqual([]);
  for (const address of addresses(before)) {
    if (changed.includes(address)) continue;
    expect({ address, body: body(after, address) }).toEqual({ address, body: body(before, address) });
  }
}

function added(before: SynthesizedStack, after: SynthesizedStack): string[] {
  const old = new Set(addresses(before));
  return addresses(after).filter((a) => !old.has(a));
}

/** The body without `depends_on`. */
function withoutEdges(resource: Resource): Resource {
  return Object.fromEntries(Object.entries(resource).filter(([key]) => key !== "depends_on"));
}

// Pinned: renaming any of these replaces the resource in every environment.
const CLUSTER = "aws_eks_cluster.Cluster_EB0386A7";
const CLUSTER_ADDRESSES = [
  "aws_cloudwatch_log_group.Cluster_ControlPlaneLogs_F2A89661",
  CLUSTER,
  "aws_iam_openid_connect_provider.Cluster_OidcProvider_7184AB77",
  "aws_iam_role.Cluster_ClusterRole_CE5C05DD",
  "aws_iam_role.Cluster_NodeRole_687A61BB",
  "aws_iam_role_policy.Cluster_ClusterRole_Policy_AC60F3B2",
  "aws_iam_role_policy_attachment.Cluster_ClusterRole_ManagedPolicy0_61B9722A",
  "aws_iam_role_policy_attachment.Cluster_NodeRole_ManagedPolicy0_EB8E97D8",
  "aws_iam_role_policy_attachment.Cluster_NodeRole_ManagedPolicy1_ACB54814",
  "aws_iam_role_policy_attachment.Cluster_NodeRole_ManagedPolicy2_E0D24C32",
  "aws_kms_alias.Cluster_KeyAlias_2ADFD52E",
  "aws_kms_key.Cluster_Key_E3BAC84A",
];

const COREDNS = "aws_eks_addon.Cluster_Addons_coredns_6299BD6F";
const KUBE_PROXY = "aws_eks_addon.Cluster_Addons_kube-proxy_7D6E1A4A";
const EBS_CSI = "aws_eks_addon.Cluster_Addons_aws-ebs-csi-driver_7FB80D96";
const ADDON_ADDRESSES = [
  EBS_CSI,
  COREDNS,
  "aws_eks_addon.Cluster_Addons_eks-pod-identity-agent_1E683B44",
  KUBE_PROXY,
  "aws_eks_addon.Cluster_Addons_vpc-cni_1F1EB7C2",
  "aws_iam_role.Cluster_Addons_aws-ebs-csi-driver-role_Role_46EAF2FC",
  "aws_iam_role.Cluster_Addons_vpc-cni-role_Role_61B6D800",
  "aws_iam_role_policy_attachment.Cluster_Addons_aws-ebs-csi-driver-role_Role_ManagedPolicy0_44AC669D",
  "aws_iam_role_policy_attachment.Cluster_Addons_vpc-cni-role_Role_ManagedPolicy0_A2F3B845",
];

const GENERAL_GROUP = "aws_eks_node_group.Cluster_NodeGroups_general_52F4D158";
const NODE_GROUP_ADDRESSES = [GENERAL_GROUP, "aws_launch_template.Cluster_NodeGroups_general_LaunchTemplate_5FC5E2C0"];

const ACCESS_ADDRESSES = ["aws_eks_access_entry.Cluster_Access_admins_Entry_920B8523", "aws_eks_access_policy_association.Cluster_Access_admins_Policy_2E91096D"];

const FARGATE_ADDRESSES = [
  "aws_eks_fargate_profile.Cluster_FargateProfiles_system_4AC3A8DC",
  "aws_iam_role.Cluster_FargatePodRole_5FED9775",
  "aws_iam_role_policy_attachment.Cluster_FargatePodRole_ManagedPolicy0_AF0C86E3",
];

/** The add-ons whose depends_on lists every node group and Fargate profile. */
const ON_COMPUTE = [COREDNS, KUBE_PROXY, EBS_CSI];

describe("pinned Terraform addresses", () => {
  let all: string[];
  beforeAll(() => {
    all = ofCluster(build());
  });

  test("the cluster, its key, log group, roles and OIDC provider", () => {
    expect(all.filter((a) => !/\.Cluster_(Addons|NodeGroups|Access|FargateProfiles|FargatePodRole)_/.test(a))).toEqual(CLUSTER_ADDRESSES);
  });

  test("the add-ons and their roles", () => {
    expect(all.filter((a) => /\.Cluster_Addons_/.test(a))).toEqual(ADDON_ADDRESSES);
  });

  test("a node group and its launch template, keyed by the group's key", () => {
    expect(all.filter((a) => /\.Cluster_NodeGroups_/.test(a))).toEqual(NODE_GROUP_ADDRESSES);
  });

  test("an access entry and its policy association, keyed by the entry's key", () => {
    expect(all.filter((a) => /\.Cluster_Access_/.test(a))).toEqual(ACCESS_ADDRESSES);
  });

  test("nothing else", () => {
    expect(all).toEqual([...CLUSTER_ADDRESSES, ...ADDON_ADDRESSES, ...NODE_GROUP_ADDRESSES, ...ACCESS_ADDRESSES].sort());
  });

  test("a Fargate profile and the pod execution role", () => {
    expect(ofCluster(build({ fargateProfiles: SYSTEM_PROFILE })).filter((a) => /\.Cluster_Fargate/.test(a))).toEqual(FARGATE_ADDRESSES);
  });

  test("the same in production (lifecycle settings change no address)", () => {
    const prod = fixture({ environment: PRODUCTION, cluster: { access: ADMINS } });
    expect(ofCluster(synth(prod.stack).out)).toEqual(all);
  });
});

describe("growing the cluster keeps what is there", () => {
  let before: SynthesizedStack;
  beforeAll(() => {
    before = build();
  });

  test("a second node group only adds its own group and launch template; the add-ons on compute wait for it too", () => {
    const after = build({ nodeGroups: { general: GENERAL, gpu: GPU } });
    expectKept(before, after, ON_COMPUTE);
    expect(added(before, after)).toEqual([
      "aws_eks_node_group.Cluster_NodeGroups_gpu_5AD32E01",
      "aws_launch_template.Cluster_NodeGroups_gpu_LaunchTemplate_F3A478FB",
    ]);
    for (const address of ON_COMPUTE) {
      expect(withoutEdges(body(after, address))).toEqual(withoutEdges(body(before, address)));
      expect(body(after, address).depends_on).toContain("aws_eks_node_group.Cluster_NodeGroups_gpu_5AD32E01");
    }
  });

  test("a node group added before another in the object leaves the other where it is", () => {
    const after = build({ nodeGroups: { gpu: GPU, general: GENERAL } });
    expectKept(before, after, ON_COMPUTE);
    expect(body(after, GENERAL_GROUP)).toEqual(body(before, GENERAL_GROUP));
  });

  test("removing a node group leaves the other where it is", () => {
    const two = build({ nodeGroups: { general: GENERAL, gpu: GPU } });
    const one = build({ nodeGroups: { general: GENERAL } });
    expectKept(one, two, ON_COMPUTE);
    expect(added(one, two).every((a) => /\.Cluster_NodeGroups_gpu_/.test(a))).toBe(true);
  });

  test("another access entry only adds its own entry and association", () => {
    const after = build({ access: { ...ADMINS, auditor: { principalArn: AUDITOR_USER_ARN, level: "view" } } });
    expectKept(before, after);
    expect(added(before, after).map((a) => a.replace(/_[0-9A-F]{8}$/, ""))).toEqual([
      "aws_eks_access_entry.Cluster_Access_auditor_Entry",
      "aws_eks_access_policy_association.Cluster_Access_auditor_Policy",
    ]);
  });

  test("a Fargate profile only adds the profile and its role; the add-ons on compute wait for it too", () => {
    const after = build({ fargateProfiles: SYSTEM_PROFILE });
    expectKept(before, after, ON_COMPUTE);
    expect(added(before, after)).toEqual(FARGATE_ADDRESSES);
  });

  test("settings of a node group change it in place or replace it, but move nothing", () => {
    const after = build({ nodeGroups: { general: { instanceTypes: ["m7g.xlarge", "m6g.xlarge"], capacityType: "spot", minSize: 1, maxSize: 10, diskSizeGiB: 100 } } });
    expect(addresses(after)).toEqual(addresses(before));
  });

  test("cluster settings move nothing", () => {
    const after = build({ publicAccessCidrs: ["203.0.113.0/24"], logTypes: ["api"], logRetentionDays: 90, tags: { team: "platform" }, networkPolicyEnforcement: false });
    expect(addresses(after)).toEqual(addresses(before));
  });

  test("a second cluster in the stack leaves the first where it is", () => {
    const b = base();
    new EksCluster(b.stack, "Cluster", clusterProps(b.vpc, { access: ADMINS }));
    new EksCluster(b.stack, "Batch", clusterProps(b.vpc));
    const after = synth(b.stack).out;
    expectKept(before, after);
    expect(added(before, after).every((a) => /\.Batch_/.test(a))).toBe(true);
  });

  test("the construct id is what the addresses hang on: another id moves every resource of the cluster", () => {
    const b = base();
    new EksCluster(b.stack, "Main", clusterProps(b.vpc, { clusterName: "test-cluster", access: ADMINS }));
    const out = synth(b.stack).out;
    expect(ofCluster(out)).toEqual([]);
    expect(addresses(out).filter((a) => /\.Main_/.test(a))).toHaveLength(ofCluster(before).length);
  });
});
