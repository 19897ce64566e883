// One test per error message an EksCluster (and its node groups) throws. Each compares the whole
// message, including the construct path prefix: `testStack()` is `test-unit`, so the cluster
// reports `test-unit/Cluster: ...` (access entries, Fargate profiles and node group keys included)
// and a node group the rest of its settings as `test-unit/Cluster/NodeGroups/<key>: ...`.
import { TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { EKS_LOG_TYPES, KUBERNETES_VERSIONS, LOG_RETENTION_DAYS, ValidationError, testStack } from "@platform/core";
import { Vpc, type IVpc } from "@platform/vpc";
import { EksCluster, type AccessEntryOptions, type EksClusterProps, type FargateProfileOptions, type NodeGroupOptions } from "../src";
import {
  ADMIN_ROLE_ARN,
  AZ_A,
  AZ_B,
  GENERAL,
  PRODUCTION,
  PRODUCTION_STACK_PATH,
  STACK_PATH,
  base,
  clusterProps,
  messageOf,
  unchecked,
  validationErrorOf,
  vpcProps,
  type Base,
} from "./support";

const CLUSTER = `${STACK_PATH}/Cluster`;
const GROUP = `${CLUSTER}/NodeGroups/general`;
const RETENTIONS = LOG_RETENTION_DAYS.join(", ");
const ADDONS = "vpc-cni, eks-pod-identity-agent, coredns, kube-proxy, aws-ebs-csi-driver, aws-efs-csi-driver";
const DNS_LABEL_RULE = "a DNS label (1-63 lower-case letters, digits and -, starting with a letter and ending with a letter or digit)";
const LABEL_KEY_RULE = "a Kubernetes label key (an optional DNS prefix and /, then 1-63 of A-Za-z0-9_.-)";
const LABEL_VALUE_RULE = "a Kubernetes label value (0-63 of A-Za-z0-9_.-)";

const bases = new Map<string, Base>();

/** A stack with a VPC, shared by the tests of this file (a VPC per message would be most of their time). */
function shared(production = false): Base {
  const key = production ? "production" : "test";
  let b = bases.get(key);
  if (!b) {
    b = base(production ? PRODUCTION : undefined);
    bases.set(key, b);
  }
  return b;
}

/** The message of building a cluster with id `Cluster` from `clusterProps(vpc, overrides)`. */
function errorOf(overrides: Partial<EksClusterProps>, options: { production?: boolean } = {}): string {
  return messageOf(shared(options.production), (b) => new EksCluster(b.stack, "Cluster", clusterProps(b.vpc, overrides)));
}

/** The message of building a cluster from `overrides`, and the ids of the cluster's children when it threw. */
function builtBefore(overrides: Partial<EksClusterProps>): { message: string; children: string[] } {
  const b = shared();
  try {
    const message = validationErrorOf(() => new EksCluster(b.stack, "Cluster", clusterProps(b.vpc, overrides))).message;
    return { message, children: b.stack.node.findChild("Cluster").node.children.map((c) => c.node.id) };
  } finally {
    b.stack.node.tryRemoveChild("Cluster");
  }
}

function groupErrorOf(options: Partial<NodeGroupOptions>, key = "general"): string {
  return errorOf({ nodeGroups: { [key]: { ...GENERAL, ...options } } });
}

function accessErrorOf(entry: Partial<AccessEntryOptions>, key = "ops"): string {
  return errorOf({ access: { [key]: { principalArn: ADMIN_ROLE_ARN, level: "view", ...entry } } });
}

function profileErrorOf(profile: FargateProfileOptions, key = "system"): string {
  return errorOf({ fargateProfiles: { [key]: profile } });
}

/** A VPC known by its attributes. */
function importedVpc(availabilityZones: string[], privateSubnetIds: string[]): IVpc {
  return Vpc.fromVpcAttributes({ vpcId: "vpc-0123456789abcdef0", vpcCidrBlock: "10.0.0.0/16", availabilityZones, privateSubnetIds });
}

describe("ValidationError", () => {
  test("carries the construct path, which prefixes the message", () => {
    const error = validationErrorOf(() => new EksCluster(testStack(), "Cluster", clusterProps(importedVpc([AZ_A, AZ_B], ["subnet-a", "subnet-b"]), { clusterName: "a b" })));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.constructPath).toBe(CLUSTER);
    expect(error.message).toBe(`${CLUSTER}: 'clusterName' must be 1-100 letters, digits, _ and -, starting with a letter or digit, got "a b"`);
  });

  test("the path of a cluster in a nested scope", () => {
    const stack = testStack();
    const error = validationErrorOf(() => new EksCluster(new Construct(stack, "Platform"), "Main", clusterProps(importedVpc([AZ_A, AZ_B], ["subnet-a", "subnet-b"]), { logRetentionDays: 2 })));
    expect(error.message).toBe(`${STACK_PATH}/Platform/Main: 'logRetentionDays' must be one of ${RETENTIONS}, got 2`);
  });

  test("a stack without an AWS environment", () => {
    const stack = new TerraformStack(Testing.app(), "bare");
    expect(validationErrorOf(() => new EksCluster(stack, "Cluster", clusterProps(importedVpc([AZ_A, AZ_B], ["subnet-a", "subnet-b"])))).message).toBe(
      "bare/Cluster: no AWS environment is set for this construct; build it inside a PlatformStack, or call AwsEnvironment.set(stack, { environment, accountId, region }) first",
    );
  });
});

describe("cluster", () => {
  test.each([
    ["a space", "my cluster"],
    ["empty", ""],
    ["a leading -", "-main"],
    ["a leading _", "_main"],
    ["a dot", "payments.api"],
    ["101 characters", "a".repeat(101)],
  ])("clusterName with %s", (_, clusterName) => {
    expect(errorOf({ clusterName })).toBe(`${CLUSTER}: 'clusterName' must be 1-100 letters, digits, _ and -, starting with a letter or digit, got ${JSON.stringify(clusterName)}`);
  });

  test.each(["1.30", "1.34", "1.33.0", ""])("version %j", (version) => {
    expect(errorOf({ version: unchecked(version) })).toBe(
      `${CLUSTER}: 'version' must be a supported Kubernetes version (${KUBERNETES_VERSIONS.join(", ")}), got ${JSON.stringify(version)}`,
    );
  });

  describe("vpc", () => {
    test("one zone, one private subnet", () => {
      expect(errorOf({ vpc: importedVpc([AZ_A], ["subnet-a"]) })).toBe(
        `${CLUSTER}: 'vpc' must have private subnets in at least two availability zones (EKS refuses fewer), got 1 subnet(s) in eu-west-1a`,
      );
    });

    test("two private subnets in one zone", () => {
      expect(errorOf({ vpc: importedVpc([AZ_A, AZ_A], ["subnet-a", "subnet-b"]) })).toBe(
        `${CLUSTER}: 'vpc' must have private subnets in at least two availability zones (EKS refuses fewer), got 2 subnet(s) in eu-west-1a`,
      );
    });

    test("two zones but one private subnet", () => {
      expect(errorOf({ vpc: importedVpc([AZ_A, AZ_B], ["subnet-a"]) })).toBe(
        `${CLUSTER}: 'vpc' must have private subnets in at least two availability zones (EKS refuses fewer), got 1 subnet(s) in eu-west-1a, eu-west-1b`,
      );
    });

    test("no zone and no subnet", () => {
      expect(errorOf({ vpc: importedVpc([], []) })).toBe(
        `${CLUSTER}: 'vpc' must have private subnets in at least two availability zones (EKS refuses fewer), got 0 subnet(s) in no zone`,
      );
    });

    test("a VPC with public subnets only", () => {
      const stack = testStack();
      const vpc = new Vpc(stack, "Vpc", vpcProps({ subnetTiers: ["public"], natGateways: "none" }));
      expect(validationErrorOf(() => new EksCluster(stack, "Cluster", clusterProps(vpc))).message).toBe(
        `${CLUSTER}: 'vpc' must have private subnets in at least two availability zones (EKS refuses fewer), got 0 subnet(s) in eu-west-1a, eu-west-1b`,
      );
    });

    test("a single-zone VPC built here", () => {
      const stack = testStack();
      const vpc = new Vpc(stack, "Vpc", vpcProps({ availabilityZones: [AZ_A] }));
      expect(validationErrorOf(() => new EksCluster(stack, "Cluster", clusterProps(vpc))).message).toBe(
        `${CLUSTER}: 'vpc' must have private subnets in at least two availability zones (EKS refuses fewer), got 1 subnet(s) in eu-west-1a`,
      );
    });
  });

  describe("publicAccessCidrs", () => {
    test("empty", () => {
      expect(errorOf({ publicAccessCidrs: [] })).toBe(`${CLUSTER}: 'publicAccessCidrs' must list at least one IPv4 CIDR; leave it out for no public endpoint`);
    });

    test.each(["203.0.113.7", "203.0.113.1/24", "10.0.0.0/33", "256.0.0.0/8", "any", "2001:db8::/32", ""])("%j is not a CIDR", (range) => {
      expect(errorOf({ publicAccessCidrs: ["198.51.100.0/24", range] })).toBe(
        `${CLUSTER}: 'publicAccessCidrs[1]' must be an IPv4 CIDR such as 203.0.113.0/24, got ${JSON.stringify(range)}`,
      );
    });

    test("0.0.0.0/0 in production", () => {
      expect(errorOf({ publicAccessCidrs: ["203.0.113.0/24", "0.0.0.0/0"] }, { production: true })).toBe(
        `${PRODUCTION_STACK_PATH}/Cluster: 'publicAccessCidrs[1]' "0.0.0.0/0" opens the API endpoint to the whole internet, which is refused in production (environment "prod")`,
      );
    });
  });

  test.each(["kube-apiserver", "API", ""])("logTypes %j", (type) => {
    expect(errorOf({ logTypes: ["api", unchecked(type)] })).toBe(`${CLUSTER}: 'logTypes[1]' must be one of ${EKS_LOG_TYPES.join(", ")}, got ${JSON.stringify(type)}`);
  });

  test.each([0, 10, 366, 36.5, -1])("logRetentionDays %p", (days) => {
    expect(errorOf({ logRetentionDays: days })).toBe(`${CLUSTER}: 'logRetentionDays' must be one of ${RETENTIONS}, got ${days}`);
  });

  test.each([
    ["neither", { nodeGroups: undefined }],
    ["empty node groups", { nodeGroups: {} }],
    ["empty node groups and Fargate profiles", { nodeGroups: {}, fargateProfiles: {} }],
  ] as [string, Partial<EksClusterProps>][])("no compute: %s", (_, overrides) => {
    expect(errorOf(overrides)).toBe(`${CLUSTER}: 'nodeGroups' or 'fargateProfiles' must hold at least one entry: a cluster with no compute cannot run CoreDNS`);
  });

  describe("addonVersions", () => {
    // Keys of Object.prototype are no add-ons either: the check looks at the table's own keys.
    test.each(["metrics-server", "coreDNS", "", "toString", "constructor", "hasOwnProperty", "__proto__"])("key %j", (key) => {
      expect(errorOf({ addonVersions: unchecked({ [key]: "v1.0.0" }) })).toBe(`${CLUSTER}: 'addonVersions' key ${JSON.stringify(key)} must be one of ${ADDONS}`);
    });

    test.each(["1.19.5", "v1.19", "v1.19.5-eksbuild", "latest", "v1.19.5-eksbuild.1 "])("value %j", (version) => {
      expect(errorOf({ addonVersions: { coredns: version } })).toBe(`${CLUSTER}: 'addonVersions.coredns' must be an add-on version such as v1.19.5-eksbuild.1, got ${JSON.stringify(version)}`);
    });

    test("value undefined", () => {
      expect(errorOf({ addonVersions: { "kube-proxy": undefined } })).toBe(`${CLUSTER}: 'addonVersions.kube-proxy' must be an add-on version such as v1.19.5-eksbuild.1, got undefined`);
    });

    test("versions with and without -eksbuild.N are accepted", () => {
      expect(() => new EksCluster(testStack(), "Cluster", clusterProps(importedVpc([AZ_A, AZ_B], ["subnet-a", "subnet-b"]), { addonVersions: { coredns: "v1.12.1", "vpc-cni": "v1.20.0-eksbuild.12" } }))).not.toThrow();
    });
  });

  test.each([
    "alias/eks",
    "arn:aws:kms:eu-west-1:123456789012:alias/eks",
    "11111111-2222-3333-4444-555555555555",
    "arn:aws:kms:eu-west-1:1234:key/11111111-2222-3333-4444-555555555555",
    "arn:aws:s3:::bucket",
  ])("secretsKmsKeyArn %j", (arn) => {
    expect(errorOf({ secretsKmsKeyArn: arn })).toBe(`${CLUSTER}: 'secretsKmsKeyArn' must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), got ${JSON.stringify(arn)}`);
  });

  test.each(["node", "IRSA", "podIdentity", ""])("cniIdentity %j", (cniIdentity) => {
    expect(errorOf({ cniIdentity: unchecked(cniIdentity) })).toBe(`${CLUSTER}: 'cniIdentity' must be "irsa" or "pod-identity", got ${JSON.stringify(cniIdentity)}`);
  });

  test("cniIdentity is refused before anything is built, and before the access entries and the key ARN are checked", () => {
    expect(builtBefore({ cniIdentity: unchecked("node") })).toEqual({ message: `${CLUSTER}: 'cniIdentity' must be "irsa" or "pod-identity", got "node"`, children: [] });
    expect(
      errorOf({ cniIdentity: unchecked("node"), secretsKmsKeyArn: "alias/eks", access: { Ops: { principalArn: ADMIN_ROLE_ARN, level: "view" } } }),
    ).toBe(`${CLUSTER}: 'cniIdentity' must be "irsa" or "pod-identity", got "node"`);
  });
});

describe("access", () => {
  test.each([
    ["upper case", "Ops"],
    ["empty", ""],
    ["an underscore", "ops_team"],
    ["a leading -", "-ops"],
    ["65 characters", "a".repeat(65)],
  ])("key with %s", (_, key) => {
    expect(accessErrorOf({}, key)).toBe(`${CLUSTER}: 'access' key ${JSON.stringify(key)} must be 1-64 lower-case letters, digits and -`);
  });

  test.each([
    "arn:aws:iam::123456789012:group/developers",
    "arn:aws:sts::123456789012:assumed-role/admin/session",
    "arn:aws:iam::123456789012:root",
    "arn:aws:iam::1234:role/admin",
    "platform-admin",
    "",
  ])("principalArn %j", (principalArn) => {
    expect(accessErrorOf({ principalArn })).toBe(`${CLUSTER}: 'access.ops.principalArn' must be an IAM role or user ARN, got ${JSON.stringify(principalArn)}`);
  });

  test.each(["owner", "Admin", ""])("level %j", (level) => {
    expect(accessErrorOf({ level: unchecked(level) })).toBe(`${CLUSTER}: 'access.ops.level' must be one of cluster-admin, admin, edit, view, got ${JSON.stringify(level)}`);
  });

  test("cluster-admin limited to namespaces", () => {
    expect(accessErrorOf({ level: "cluster-admin", namespaces: ["payments"] })).toBe(
      `${CLUSTER}: 'access.ops.namespaces' cannot limit "cluster-admin", which is cluster-wide; use "admin" for namespace administrators`,
    );
  });

  test("an empty namespace list", () => {
    expect(accessErrorOf({ namespaces: [] })).toBe(`${CLUSTER}: 'access.ops.namespaces' must list at least one namespace; leave it out for cluster-wide access`);
  });

  test.each(["Payments", "payments_jobs", "-payments", "payments-", "1payments", "a".repeat(64), ""])("namespace %j", (namespace) => {
    expect(accessErrorOf({ namespaces: ["payments", namespace] })).toBe(`${CLUSTER}: 'access.ops.namespaces[1]' must be ${DNS_LABEL_RULE}, got ${JSON.stringify(namespace)}`);
  });

  test("addAccess() validates the entry the same way", () => {
    const b = shared();
    const message = messageOf(
      b,
      (s) => {
        const cluster = new EksCluster(s.stack, "Cluster", clusterProps(s.vpc));
        return cluster.addAccess(new Construct(s.stack, "Extra"), "ci", { principalArn: "arn:aws:iam::123456789012:group/ci", level: "view" });
      },
      ["Cluster", "Extra"],
    );
    expect(message).toBe(`${CLUSTER}: 'access.ci.principalArn' must be an IAM role or user ARN, got "arn:aws:iam::123456789012:group/ci"`);
  });
});

describe("node groups", () => {
  test.each([
    ["upper case", "General"],
    ["an underscore", "gpu_nodes"],
    ["a leading -", "-gpu"],
    ["21 characters", "a".repeat(21)],
    ["empty", ""],
    ["a slash", "a/b"],
  ])("key with %s: the cluster refuses it before building the group", (_, key) => {
    expect(groupErrorOf({}, key)).toBe(`${CLUSTER}: 'nodeGroups' key ${JSON.stringify(key)} must be 1-20 lower-case letters, digits and -`);
  });

  test("a bad key is refused even after a good group", () => {
    expect(errorOf({ nodeGroups: { general: GENERAL, GPU: GENERAL } })).toBe(`${CLUSTER}: 'nodeGroups' key "GPU" must be 1-20 lower-case letters, digits and -`);
  });

  test("a bad key is refused before the settings of a group ahead of it are checked", () => {
    expect(errorOf({ nodeGroups: { general: { ...GENERAL, instanceTypes: [] }, GPU: GENERAL } })).toBe(
      `${CLUSTER}: 'nodeGroups' key "GPU" must be 1-20 lower-case letters, digits and -`,
    );
  });

  test("a bad key is refused before anything is built", () => {
    expect(builtBefore({ nodeGroups: { general: GENERAL, GPU: GENERAL } })).toEqual({
      message: `${CLUSTER}: 'nodeGroups' key "GPU" must be 1-20 lower-case letters, digits and -`,
      children: [],
    });
  });

  test("bad Fargate profiles and access keys are refused before anything is built", () => {
    expect(builtBefore({ fargateProfiles: { Batch: { selectors: [{ namespace: "batch" }] } } })).toEqual({
      message: `${CLUSTER}: 'fargateProfiles' key "Batch" must be 1-20 lower-case letters, digits and -`,
      children: [],
    });
    expect(builtBefore({ fargateProfiles: { batch: { selectors: [{ namespace: "Batch" }] } } }).children).toEqual([]);
    expect(builtBefore({ access: { Ops: { principalArn: ADMIN_ROLE_ARN, level: "view" } } })).toEqual({
      message: `${CLUSTER}: 'access' key "Ops" must be 1-64 lower-case letters, digits and -`,
      children: [],
    });
  });

  test("no instance types", () => {
    expect(groupErrorOf({ instanceTypes: [] })).toBe(`${GROUP}: 'nodeGroups.general.instanceTypes' must list at least one EC2 instance type`);
  });

  test.each(["m7g", "large", "M7G.LARGE", "m7g.", "m7g large", "mg.large", "", "c7i.metal-", "m7g.large-", "m7g.-large", "c7i.metal--24xl", "m7g..large"])("instance type %j", (type) => {
    expect(groupErrorOf({ instanceTypes: ["m7g.xlarge", type] })).toBe(
      `${GROUP}: 'nodeGroups.general.instanceTypes[1]' must be an EC2 instance type such as m7g.large, got ${JSON.stringify(type)}`,
    );
  });

  test("instance types of two CPU architectures", () => {
    expect(groupErrorOf({ instanceTypes: ["m7g.large", "m7i.large", "c7g.large"] })).toBe(
      `${GROUP}: 'nodeGroups.general.instanceTypes' must share one CPU architecture (a node group has one image), got m7g.large, m7i.large, c7g.large`,
    );
  });

  test.each([-1, 1.5, 451])("minSize %p", (minSize) => {
    expect(groupErrorOf({ minSize, maxSize: 500 })).toBe(`${GROUP}: 'nodeGroups.general.minSize' must be a whole number from 0 to 450, got ${minSize}`);
  });

  test("minSize that is not a number", () => {
    expect(groupErrorOf({ minSize: unchecked("2") })).toBe(`${GROUP}: 'nodeGroups.general.minSize' must be a whole number from 0 to 450, got "2"`);
  });

  test("maxSize 0", () => {
    expect(groupErrorOf({ minSize: 0, maxSize: 0 })).toBe(`${GROUP}: 'nodeGroups.general.maxSize' must be a whole number from 1 (and minSize) to 450, got 0`);
  });

  test("maxSize below minSize", () => {
    expect(groupErrorOf({ minSize: 3, maxSize: 2 })).toBe(`${GROUP}: 'nodeGroups.general.maxSize' must be a whole number from 3 (and minSize) to 450, got 2`);
  });

  test.each([451, 2.5])("maxSize %p", (maxSize) => {
    expect(groupErrorOf({ minSize: 1, maxSize })).toBe(`${GROUP}: 'nodeGroups.general.maxSize' must be a whole number from 1 (and minSize) to 450, got ${maxSize}`);
  });

  test.each([
    [{ minSize: 2, maxSize: 6, desiredSize: 7 }, 7],
    [{ minSize: 2, maxSize: 6, desiredSize: 1 }, 1],
    [{ minSize: 2, maxSize: 6, desiredSize: 2.5 }, 2.5],
  ])("desiredSize %j", (sizes, desired) => {
    expect(groupErrorOf(sizes)).toBe(`${GROUP}: 'nodeGroups.general.desiredSize' must be a whole number from minSize to maxSize (${sizes.minSize}..${sizes.maxSize}), got ${desired}`);
  });

  test.each([19, 16385, 50.5, 0])("diskSizeGiB %p", (diskSizeGiB) => {
    expect(groupErrorOf({ diskSizeGiB })).toBe(`${GROUP}: 'nodeGroups.general.diskSizeGiB' must be a whole number from 20 to 16384, got ${diskSizeGiB}`);
  });

  test.each([0, 101, 1.5])("maxUnavailable %p", (maxUnavailable) => {
    expect(groupErrorOf({ maxUnavailable })).toBe(`${GROUP}: 'nodeGroups.general.maxUnavailable' must be a whole number from 1 to 100, got ${maxUnavailable}`);
  });

  test.each(["SPOT", "ON_DEMAND", "reserved"])("capacityType %j", (capacityType) => {
    expect(groupErrorOf({ capacityType: unchecked(capacityType) })).toBe(`${GROUP}: 'nodeGroups.general.capacityType' must be "on-demand" or "spot", got ${JSON.stringify(capacityType)}`);
  });

  test.each(["-team", "a/b/c", "Example.com/team", "team-", ""])("label key %j", (key) => {
    expect(groupErrorOf({ labels: { workload: "batch", [key]: "x" } })).toBe(
      `${GROUP}: 'nodeGroups.general.labels' key ${JSON.stringify(key)} must be a Kubernetes label key (an optional DNS prefix and /, then 1-63 of A-Za-z0-9_.-)`,
    );
  });

  test.each([
    ["a space", "has space"],
    ["a leading -", "-batch"],
    ["64 characters", "x".repeat(64)],
    ["a slash", "a/b"],
  ])("label value with %s", (_, value) => {
    expect(groupErrorOf({ labels: { workload: value } })).toBe(
      `${GROUP}: 'nodeGroups.general.labels.workload' must be a Kubernetes label value (0-63 of A-Za-z0-9_.-), got ${JSON.stringify(value)}`,
    );
  });

  test.each(["-dedicated", "a/b/c", "", "dedicated gpu"])("taint key %j", (key) => {
    expect(groupErrorOf({ taints: [{ key: "ok", effect: "NoSchedule" }, { key, effect: "NoSchedule" }] })).toBe(
      `${GROUP}: 'nodeGroups.general.taints[1].key' must be a Kubernetes taint key (an optional DNS prefix and /, then 1-63 of A-Za-z0-9_.-), got ${JSON.stringify(key)}`,
    );
  });

  test.each([
    ["a space", "a b"],
    ["a leading -", "-gpu"],
    ["64 characters", "x".repeat(64)],
  ])("taint value with %s", (_, value) => {
    expect(groupErrorOf({ taints: [{ key: "dedicated", value, effect: "NoSchedule" }] })).toBe(
      `${GROUP}: 'nodeGroups.general.taints[0].value' must be a Kubernetes label value (0-63 of A-Za-z0-9_.-), got ${JSON.stringify(value)}`,
    );
  });

  test.each(["NO_SCHEDULE", "noschedule", ""])("taint effect %j", (effect) => {
    expect(groupErrorOf({ taints: [{ key: "dedicated", effect: unchecked(effect) }] })).toBe(
      `${GROUP}: 'nodeGroups.general.taints[0].effect' must be one of NoSchedule, NoExecute, PreferNoSchedule, got ${JSON.stringify(effect)}`,
    );
  });

  test("the path and the message name the group's key", () => {
    expect(errorOf({ nodeGroups: { general: GENERAL, gpu: { instanceTypes: ["g5.xlarge"], minSize: 0, maxSize: 0 } } })).toBe(
      `${CLUSTER}/NodeGroups/gpu: 'nodeGroups.gpu.maxSize' must be a whole number from 1 (and minSize) to 450, got 0`,
    );
  });
});

describe("Fargate profiles", () => {
  test.each([
    ["upper case", "System"],
    ["an underscore", "kube_system"],
    ["a leading -", "-system"],
    ["21 characters", "a".repeat(21)],
    ["empty", ""],
  ])("key with %s", (_, key) => {
    expect(profileErrorOf({ selectors: [{ namespace: "kube-system" }] }, key)).toBe(`${CLUSTER}: 'fargateProfiles' key ${JSON.stringify(key)} must be 1-20 lower-case letters, digits and -`);
  });

  test("no selectors", () => {
    expect(profileErrorOf({ selectors: [] })).toBe(`${CLUSTER}: 'fargateProfiles.system.selectors' must hold 1 to 5 selectors, got 0`);
  });

  test("six selectors", () => {
    const selectors = ["a", "b", "c", "d", "e", "f"].map((namespace) => ({ namespace }));
    expect(profileErrorOf({ selectors })).toBe(`${CLUSTER}: 'fargateProfiles.system.selectors' must hold 1 to 5 selectors, got 6`);
  });

  test.each(["Kube-System", "kube_system", "", "-jobs", "jobs-", "1jobs", "a".repeat(64)])("namespace %j", (namespace) => {
    expect(profileErrorOf({ selectors: [{ namespace: "kube-system" }, { namespace }] })).toBe(
      `${CLUSTER}: 'fargateProfiles.system.selectors[1].namespace' must be ${DNS_LABEL_RULE}, got ${JSON.stringify(namespace)}`,
    );
  });

  test.each(["-app", "a/b/c", "Example.com/app", "app-", ""])("label key %j", (key) => {
    expect(profileErrorOf({ selectors: [{ namespace: "jobs", labels: { tier: "batch", [key]: "api" } }] })).toBe(
      `${CLUSTER}: 'fargateProfiles.system.selectors[0].labels' key ${JSON.stringify(key)} must be ${LABEL_KEY_RULE}`,
    );
  });

  test.each([
    ["a space", "has space"],
    ["a leading -", "-api"],
    ["64 characters", "x".repeat(64)],
    ["a slash", "a/b"],
  ])("label value with %s", (_, value) => {
    expect(profileErrorOf({ selectors: [{ namespace: "jobs", labels: { tier: "batch", app: value } }] })).toBe(
      `${CLUSTER}: 'fargateProfiles.system.selectors[0].labels.app' must be ${LABEL_VALUE_RULE}, got ${JSON.stringify(value)}`,
    );
  });

  test("the selector's index and the label's key are named", () => {
    expect(profileErrorOf({ selectors: [{ namespace: "jobs" }, { namespace: "reports", labels: { "example.com/tier": "bad value" } }] })).toBe(
      `${CLUSTER}: 'fargateProfiles.system.selectors[1].labels.example.com/tier' must be ${LABEL_VALUE_RULE}, got "bad value"`,
    );
  });
});

test("the base stacks of this file are still whole (every failed build was removed)", () => {
  for (const b of bases.values()) expect(b.stack.node.children.map((c) => c.node.id).filter((id) => id !== "aws" && id !== "backend")).not.toContain("Cluster");
});
