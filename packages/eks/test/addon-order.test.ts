// The order Terraform creates (and, backwards, destroys) the cluster's add-ons in, read from the
// `depends_on` edges of the synthesized JSON: the CNI and the Pod Identity agent before any
// compute (nodes cannot become Ready without the CNI), every node group and Fargate profile
// before CoreDNS, kube-proxy and the EBS CSI driver (so that they never sit DEGRADED with
// nowhere to run). Also the add-ons' versions, conflict resolution, identities and settings.
import { KUBERNETES_VERSIONS, type EksManagedAddon, type SynthesizedStack } from "@platform/core";
import { MANAGED_ADDON_VERSIONS, type EksClusterProps } from "../src";
import {
  GENERAL,
  addon,
  addressAt,
  awsPolicy,
  count,
  dependsOn,
  existsAt,
  fixture,
  managedPoliciesOf,
  podIdentityTrust,
  refAt,
  synth,
  synthCluster,
  trustOf,
} from "./support";

const BEFORE_COMPUTE: EksManagedAddon[] = ["vpc-cni", "eks-pod-identity-agent"];
const ON_COMPUTE: EksManagedAddon[] = ["coredns", "kube-proxy", "aws-ebs-csi-driver"];

const MIXED: Partial<EksClusterProps> = {
  nodeGroups: { general: GENERAL, gpu: { instanceTypes: ["g5.xlarge"], minSize: 0, maxSize: 2 } },
  fargateProfiles: { system: { selectors: [{ namespace: "kube-system" }] }, batch: { selectors: [{ namespace: "batch" }] } },
};

/** The addresses of every node group and Fargate profile of the cluster `Cluster`. */
function computeAddresses(out: SynthesizedStack, groups: string[], profiles: string[]): string[] {
  return [
    ...groups.map((g) => addressAt(out, "aws_eks_node_group", `Cluster/NodeGroups/${g}`)),
    ...profiles.map((p) => addressAt(out, "aws_eks_fargate_profile", `Cluster/FargateProfiles/${p}`)),
  ];
}

function addonAddress(out: SynthesizedStack, name: string): string {
  return addressAt(out, "aws_eks_addon", `Cluster/Addons/${name}`);
}

describe("dependency edges, node groups and Fargate profiles together", () => {
  let out: SynthesizedStack;
  let compute: string[];
  beforeAll(() => {
    out = synthCluster({ cluster: MIXED });
    compute = computeAddresses(out, ["general", "gpu"], ["system", "batch"]);
  });

  test("the five add-ons, one each", () => {
    expect(count(out, "aws_eks_addon")).toBe(5);
    for (const name of [...BEFORE_COMPUTE, ...ON_COMPUTE]) expect(addon(out, name).addon_name).toBe(name);
  });

  test.each(BEFORE_COMPUTE)("%s does not wait for any compute", (name) => {
    const edges = dependsOn(addon(out, name));
    expect(edges.filter((e) => /^aws_eks_(node_group|fargate_profile)\./.test(e))).toEqual([]);
    expect(edges.filter((e) => e.startsWith("aws_eks_addon."))).toEqual([]);
  });

  test("the CNI waits for nothing but its own role and its policy; the Pod Identity agent for nothing", () => {
    expect(dependsOn(addon(out, "vpc-cni"))).toEqual([
      addressAt(out, "aws_iam_role", "Cluster/Addons/vpc-cni-role/Role"),
      addressAt(out, "aws_iam_role_policy_attachment", "Cluster/Addons/vpc-cni-role/Role/ManagedPolicy0"),
    ]);
    expect(dependsOn(addon(out, "eks-pod-identity-agent"))).toEqual([]);
  });

  test("every node group and every Fargate profile waits for the CNI and the Pod Identity agent", () => {
    for (const address of compute) {
      const [type, name] = address.split(".");
      const edges = dependsOn(out.resource![type][name]);
      expect({ address, edges: edges.filter((e) => e.startsWith("aws_eks_addon.")) }).toEqual({
        address,
        edges: [addonAddress(out, "vpc-cni"), addonAddress(out, "eks-pod-identity-agent")],
      });
    }
  });

  test("the Fargate profiles also wait for the pod execution role's policy", () => {
    expect(dependsOn(out.resource!.aws_eks_fargate_profile[compute[2].split(".")[1]])).toEqual([
      addonAddress(out, "vpc-cni"),
      addonAddress(out, "eks-pod-identity-agent"),
      addressAt(out, "aws_iam_role", "Cluster/FargatePodRole"),
      addressAt(out, "aws_iam_role_policy_attachment", "Cluster/FargatePodRole/ManagedPolicy0"),
    ]);
  });

  test.each(["coredns", "kube-proxy"])("%s waits for every node group and every Fargate profile", (name) => {
    expect(dependsOn(addon(out, name))).toEqual(compute);
  });

  test("the EBS CSI driver waits for every node group and Fargate profile, and for its role's policy", () => {
    expect(dependsOn(addon(out, "aws-ebs-csi-driver"))).toEqual([
      ...compute,
      addressAt(out, "aws_iam_role", "Cluster/Addons/aws-ebs-csi-driver-role/Role"),
      addressAt(out, "aws_iam_role_policy_attachment", "Cluster/Addons/aws-ebs-csi-driver-role/Role/ManagedPolicy0"),
    ]);
  });

  test("nothing waits in a circle: no add-on before compute depends on an add-on after it", () => {
    for (const before of BEFORE_COMPUTE) {
      for (const after of ON_COMPUTE) expect(dependsOn(addon(out, before))).not.toContain(addonAddress(out, after));
    }
  });

  test("every add-on is in the cluster", () => {
    const nameRef = refAt(out, "aws_eks_cluster", "Cluster", "name");
    for (const name of [...BEFORE_COMPUTE, ...ON_COMPUTE]) expect({ name, cluster: addon(out, name).cluster_name }).toEqual({ name, cluster: nameRef });
  });
});

describe("node groups only", () => {
  let out: SynthesizedStack;
  beforeAll(() => {
    out = synthCluster();
  });

  test("CoreDNS and kube-proxy wait for the node group; CoreDNS runs with its default configuration", () => {
    const group = addressAt(out, "aws_eks_node_group", "Cluster/NodeGroups/general");
    expect(dependsOn(addon(out, "coredns"))).toEqual([group]);
    expect(dependsOn(addon(out, "kube-proxy"))).toEqual([group]);
    expect(addon(out, "coredns").configuration_values).toBeUndefined();
  });

  test("the EBS CSI driver is installed", () => {
    expect(existsAt(out, "aws_eks_addon", "Cluster/Addons/aws-ebs-csi-driver")).toBe(true);
  });
});

describe("Fargate only", () => {
  let out: SynthesizedStack;
  beforeAll(() => {
    out = synthCluster({ cluster: { nodeGroups: undefined, fargateProfiles: { system: { selectors: [{ namespace: "kube-system" }] } } } });
  });

  test("no EBS CSI driver and no role for it: EBS volumes attach to EC2 nodes only", () => {
    expect(existsAt(out, "aws_eks_addon", "Cluster/Addons/aws-ebs-csi-driver")).toBe(false);
    expect(existsAt(out, "aws_iam_role", "Cluster/Addons/aws-ebs-csi-driver-role/Role")).toBe(false);
    expect(count(out, "aws_eks_addon")).toBe(4);
  });

  test('CoreDNS runs on Fargate: {"computeType":"Fargate"}', () => {
    expect(addon(out, "coredns").configuration_values).toBe('{"computeType":"Fargate"}');
    expect(addon(out, "kube-proxy").configuration_values).toBeUndefined();
  });

  test("CoreDNS and kube-proxy wait for the Fargate profile, which waits for the CNI and the agent", () => {
    const profile = addressAt(out, "aws_eks_fargate_profile", "Cluster/FargateProfiles/system");
    expect(dependsOn(addon(out, "coredns"))).toEqual([profile]);
    expect(dependsOn(addon(out, "kube-proxy"))).toEqual([profile]);
    expect(dependsOn(out.resource!.aws_eks_fargate_profile[profile.split(".")[1]]).slice(0, 2)).toEqual([addonAddress(out, "vpc-cni"), addonAddress(out, "eks-pod-identity-agent")]);
  });
});

describe("versions", () => {
  test.each(KUBERNETES_VERSIONS)("Kubernetes %s: the versions pinned in MANAGED_ADDON_VERSIONS", (version) => {
    const out = synthCluster({ cluster: { version } });
    for (const name of [...BEFORE_COMPUTE, ...ON_COMPUTE]) {
      expect({ name, version: addon(out, name).addon_version }).toEqual({ name, version: MANAGED_ADDON_VERSIONS[version][name] });
    }
  });

  test("addonVersions overrides the pinned versions it names, and only those", () => {
    const out = synthCluster({ cluster: { addonVersions: { coredns: "v1.12.2-eksbuild.4", "vpc-cni": "v1.20.0" } } });
    expect(addon(out, "coredns").addon_version).toBe("v1.12.2-eksbuild.4");
    expect(addon(out, "vpc-cni").addon_version).toBe("v1.20.0");
    expect(addon(out, "kube-proxy").addon_version).toBe(MANAGED_ADDON_VERSIONS["1.33"]["kube-proxy"]);
    expect(addon(out, "eks-pod-identity-agent").addon_version).toBe(MANAGED_ADDON_VERSIONS["1.33"]["eks-pod-identity-agent"]);
    expect(addon(out, "aws-ebs-csi-driver").addon_version).toBe(MANAGED_ADDON_VERSIONS["1.33"]["aws-ebs-csi-driver"]);
  });

  test("every supported Kubernetes version has a pinned version of every add-on", () => {
    expect(Object.keys(MANAGED_ADDON_VERSIONS).sort()).toEqual([...KUBERNETES_VERSIONS].sort());
    for (const version of KUBERNETES_VERSIONS) {
      for (const [name, pinned] of Object.entries(MANAGED_ADDON_VERSIONS[version])) {
        expect({ version, name, pinned }).toEqual({ version, name, pinned: expect.stringMatching(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/) });
      }
    }
  });

  test("kube-proxy follows the Kubernetes minor version", () => {
    for (const version of KUBERNETES_VERSIONS) expect(MANAGED_ADDON_VERSIONS[version]["kube-proxy"]).toMatch(new RegExp(`^v${version.replace(".", "\\.")}\\.`));
  });
});

describe("conflicts", () => {
  test("Terraform's configuration wins conflicts on create and on update, for every add-on", () => {
    const out = synthCluster({ cluster: MIXED });
    for (const name of [...BEFORE_COMPUTE, ...ON_COMPUTE]) {
      const body = addon(out, name);
      expect({ name, create: body.resolve_conflicts_on_create, update: body.resolve_conflicts_on_update }).toEqual({ name, create: "OVERWRITE", update: "OVERWRITE" });
    }
  });
});

describe("the VPC CNI", () => {
  let out: SynthesizedStack;
  beforeAll(() => {
    out = synthCluster();
  });

  test("uses IRSA: its role by service_account_role_arn, no Pod Identity association", () => {
    const cni = addon(out, "vpc-cni");
    expect(cni.service_account_role_arn).toBe(refAt(out, "aws_iam_role", "Cluster/Addons/vpc-cni-role/Role", "arn"));
    expect(cni.pod_identity_association).toBeUndefined();
    expect(count(out, "aws_eks_pod_identity_association")).toBe(0);
  });

  test("its role: named <cluster>-vpc-cni, AmazonEKS_CNI_Policy attached", () => {
    const role = out.resource!.aws_iam_role[addressAt(out, "aws_iam_role", "Cluster/Addons/vpc-cni-role/Role").split(".")[1]];
    expect(role.name).toBe("test-cluster-vpc-cni");
    expect(role.description).toBe("Kubernetes service account kube-system/aws-node (irsa)");
    expect(managedPoliciesOf(out, "Cluster/Addons/vpc-cni-role/Role")).toEqual([awsPolicy("AmazonEKS_CNI_Policy")]);
  });

  test("its role trusts the cluster's OIDC provider for kube-system:aws-node, audience STS", () => {
    const issuer = `\${replace(${refAt(out, "aws_eks_cluster", "Cluster", "identity[0].oidc[0].issuer").slice(2, -1)}, "https://", "")}`;
    expect(trustOf(out, "Cluster/Addons/vpc-cni-role/Role").Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Federated: refAt(out, "aws_iam_openid_connect_provider", "Cluster/OidcProvider", "arn") },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: "system:serviceaccount:kube-system:aws-node",
            [`${issuer}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ]);
  });

  test('enforces NetworkPolicies by default: {"enableNetworkPolicy":"true"}', () => {
    expect(addon(out, "vpc-cni").configuration_values).toBe('{"enableNetworkPolicy":"true"}');
    expect(JSON.parse(addon(out, "vpc-cni").configuration_values as string)).toEqual({ enableNetworkPolicy: "true" });
  });

  test("networkPolicyEnforcement: false leaves the CNI's configuration alone", () => {
    expect(addon(synthCluster({ cluster: { networkPolicyEnforcement: false } }), "vpc-cni").configuration_values).toBeUndefined();
  });

  test("networkPolicyEnforcement: true is the default", () => {
    expect(addon(synthCluster({ cluster: { networkPolicyEnforcement: true } }), "vpc-cni").configuration_values).toBe('{"enableNetworkPolicy":"true"}');
  });

  test("cniIdentity pod-identity: the add-on's own pod_identity_association instead, and a Pod Identity trust", () => {
    const o = synthCluster({ cluster: { cniIdentity: "pod-identity" } });
    const cni = addon(o, "vpc-cni");
    expect(cni.service_account_role_arn).toBeUndefined();
    expect(cni.pod_identity_association).toEqual([{ role_arn: refAt(o, "aws_iam_role", "Cluster/Addons/vpc-cni-role/Role", "arn"), service_account: "aws-node" }]);
    expect(trustOf(o, "Cluster/Addons/vpc-cni-role/Role").Statement[0].Principal).toEqual({ Service: "pods.eks.amazonaws.com" });
    expect(count(o, "aws_eks_pod_identity_association")).toBe(0);
  });
});

describe("the EBS CSI driver", () => {
  let out: SynthesizedStack;
  beforeAll(() => {
    out = synthCluster();
  });

  test("takes its role through its own Pod Identity association, for ebs-csi-controller-sa", () => {
    const ebs = addon(out, "aws-ebs-csi-driver");
    expect(ebs.pod_identity_association).toEqual([
      { role_arn: refAt(out, "aws_iam_role", "Cluster/Addons/aws-ebs-csi-driver-role/Role", "arn"), service_account: "ebs-csi-controller-sa" },
    ]);
    expect(ebs.service_account_role_arn).toBeUndefined();
    expect(count(out, "aws_eks_pod_identity_association")).toBe(0);
  });

  test("its role: named <cluster>-ebs-csi, trusted by Pod Identity for this cluster, AmazonEBSCSIDriverPolicy attached", () => {
    expect(out.resource!.aws_iam_role[addressAt(out, "aws_iam_role", "Cluster/Addons/aws-ebs-csi-driver-role/Role").split(".")[1]].name).toBe("test-cluster-ebs-csi");
    expect(trustOf(out, "Cluster/Addons/aws-ebs-csi-driver-role/Role").Statement).toEqual(podIdentityTrust(out));
    expect(managedPoliciesOf(out, "Cluster/Addons/aws-ebs-csi-driver-role/Role")).toEqual([awsPolicy("service-role/AmazonEBSCSIDriverPolicy")]);
  });
});

describe("addManagedAddon", () => {
  test("adds an add-on at the pinned version (or the override), in Addons/<name>", () => {
    const f = fixture({ cluster: { addonVersions: { "aws-efs-csi-driver": "v2.1.9-eksbuild.1" } } });
    const efs = f.cluster.addManagedAddon("aws-efs-csi-driver", { dependsOn: [f.cluster.nodeGroups.general.resource] });
    expect(f.cluster.addons["aws-efs-csi-driver"]).toBe(efs);
    const { out } = synth(f.stack);
    expect(addon(out, "aws-efs-csi-driver")).toEqual({
      cluster_name: refAt(out, "aws_eks_cluster", "Cluster", "name"),
      addon_name: "aws-efs-csi-driver",
      addon_version: "v2.1.9-eksbuild.1",
      resolve_conflicts_on_create: "OVERWRITE",
      resolve_conflicts_on_update: "OVERWRITE",
      depends_on: [addressAt(out, "aws_eks_node_group", "Cluster/NodeGroups/general")],
    });
  });
});
