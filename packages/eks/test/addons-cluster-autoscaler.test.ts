// ClusterAutoscaler: the chart in kube-system, discovering the managed node groups by the tags EKS
// puts on their Auto Scaling groups, with a Pod Identity role that may resize only the groups
// tagged k8s.io/cluster-autoscaler/<cluster> = owned.
import { resourcesOfType, synthesizeStack, type PlatformStack, type SynthesizedStack } from "@platform/core";
import { ClusterAutoscaler, HELM_CHARTS } from "../src";
import {
  RELEASE_SETTINGS,
  addonFixture,
  addressAt,
  asList,
  at,
  bodyAt,
  podIdentityAssociation,
  podIdentityRoleAddresses,
  podIdentityTrust,
  refAt,
  releaseValues,
  statementsOf,
  type PolicyStatementJson,
} from "./support";

const AUTOSCALER = "ClusterAutoscaler";

describe("with the defaults", () => {
  let out: SynthesizedStack;
  let stack: PlatformStack;
  let autoscaler: ClusterAutoscaler;
  let statements: PolicyStatementJson[];
  beforeAll(() => {
    const f = addonFixture();
    stack = f.stack;
    autoscaler = new ClusterAutoscaler(stack, AUTOSCALER, { cluster: f.cluster, clusterName: "test-eks" });
    out = synthesizeStack(stack);
    statements = statementsOf(bodyAt(out, "aws_iam_role_policy", `${AUTOSCALER}/Role/Policy`));
  });

  test("one release, cluster-autoscaler in kube-system, of the pinned chart, atomic and waited for", () => {
    expect(Object.keys(resourcesOfType(out, "helm_release"))).toHaveLength(1);
    expect(bodyAt(out, "helm_release", `${AUTOSCALER}/Chart/Release`)).toEqual({
      name: "cluster-autoscaler",
      namespace: "kube-system",
      create_namespace: true,
      repository: "https://kubernetes.github.io/autoscaler",
      chart: "cluster-autoscaler",
      version: HELM_CHARTS.clusterAutoscaler.version,
      values: [expect.any(String)],
      ...RELEASE_SETTINGS,
      depends_on: expect.any(Array),
    });
  });

  test("values: auto-discovery of the cluster test-eks, the region, the service account, balanced similar groups, least waste", () => {
    expect(releaseValues(bodyAt(out, "helm_release", `${AUTOSCALER}/Chart/Release`))).toEqual({
      autoDiscovery: { clusterName: "test-eks" },
      awsRegion: "eu-west-1",
      rbac: { serviceAccount: { create: true, name: "cluster-autoscaler" } },
      extraArgs: { "balance-similar-node-groups": true, "skip-nodes-with-system-pods": false, expander: "least-waste" },
    });
  });

  test("the chart waits for its role, the role's inline policy and the Pod Identity association", () => {
    expect([...(bodyAt(out, "helm_release", `${AUTOSCALER}/Chart/Release`).depends_on as string[])].sort()).toEqual([...podIdentityRoleAddresses(out, `${AUTOSCALER}/Role`)].sort());
  });

  test("the role: <cluster>-cluster-autoscaler, trusted by EKS Pod Identity for this cluster", () => {
    const role = bodyAt(out, "aws_iam_role", `${AUTOSCALER}/Role`);
    expect(role).toMatchObject({ name: "test-eks-cluster-autoscaler", description: "Cluster Autoscaler of test-eks" });
    expect(statementsOf(role, "assume_role_policy")).toEqual(podIdentityTrust(out));
  });

  test("a Pod Identity association for kube-system/cluster-autoscaler", () => {
    expect(bodyAt(out, "aws_eks_pod_identity_association", `${AUTOSCALER}/Role/Association`)).toEqual(
      podIdentityAssociation(out, `${AUTOSCALER}/Role`, "kube-system", "cluster-autoscaler"),
    );
  });

  test("the inline policy: read-only discovery, and resizing conditioned on k8s.io/cluster-autoscaler/test-eks = owned", () => {
    expect(bodyAt(out, "aws_iam_role_policy", `${AUTOSCALER}/Role/Policy`)).toMatchObject({ name: "platform-grants", role: refAt(out, "aws_iam_role", `${AUTOSCALER}/Role`) });
    expect(statements).toEqual([
      {
        Sid: "Discover",
        Effect: "Allow",
        Action: [
          "autoscaling:DescribeAutoScalingGroups",
          "autoscaling:DescribeAutoScalingInstances",
          "autoscaling:DescribeLaunchConfigurations",
          "autoscaling:DescribeScalingActivities",
          "autoscaling:DescribeTags",
          "ec2:DescribeImages",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplateVersions",
          "ec2:GetInstanceTypesFromInstanceRequirements",
          "eks:DescribeNodegroup",
        ],
        Resource: "*",
      },
      {
        Sid: "ResizeOwnNodeGroups",
        Effect: "Allow",
        Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
        Resource: "*",
        Condition: { StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/test-eks": "owned" } },
      },
    ]);
  });

  test("every unconditioned action is read-only", () => {
    const unconditioned = statements.filter((s) => s.Condition === undefined).flatMap((s) => asList(s.Action));
    for (const action of unconditioned) expect(action).toMatch(/^[a-z0-9]+:(Describe|Get)/);
    const writing = statements.flatMap((s) => asList(s.Action)).filter((a) => !/^[a-z0-9]+:(Describe|Get)/.test(a));
    expect(writing).toEqual(["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]);
  });

  test("role and chart are exposed", () => {
    expect(stack.getLogicalId(autoscaler.chart.release)).toBe(at(out, "helm_release", `${AUTOSCALER}/Chart/Release`).name);
    expect(stack.getLogicalId(autoscaler.role.role.resource)).toBe(at(out, "aws_iam_role", `${AUTOSCALER}/Role`).name);
    expect(autoscaler.role.mode).toBe("pod-identity");
  });
});

describe("dependsOn", () => {
  test("comes before the role's permissions and association in the chart's depends_on", () => {
    const { stack, cluster } = addonFixture();
    new ClusterAutoscaler(stack, AUTOSCALER, { cluster, clusterName: "test-eks", dependsOn: [cluster.nodeGroups["system"].resource] });
    const out = synthesizeStack(stack);
    expect(bodyAt(out, "helm_release", `${AUTOSCALER}/Chart/Release`).depends_on).toEqual([
      addressAt(out, "aws_eks_node_group", "Cluster/NodeGroups/system"),
      ...podIdentityRoleAddresses(out, `${AUTOSCALER}/Role`),
    ]);
  });
});

describe("clusterName", () => {
  test("is the literal that auto-discovery, the resize condition and the role's name use", () => {
    const { stack, cluster } = addonFixture();
    new ClusterAutoscaler(stack, AUTOSCALER, { cluster, clusterName: "blue" });
    const out = synthesizeStack(stack);
    expect(releaseValues(bodyAt(out, "helm_release", `${AUTOSCALER}/Chart/Release`)).autoDiscovery).toEqual({ clusterName: "blue" });
    const resize = statementsOf(bodyAt(out, "aws_iam_role_policy", `${AUTOSCALER}/Role/Policy`)).find((s) => s.Sid === "ResizeOwnNodeGroups");
    expect(resize?.Condition).toEqual({ StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/blue": "owned" } });
    expect(bodyAt(out, "aws_iam_role", `${AUTOSCALER}/Role`)).toMatchObject({ name: "blue-cluster-autoscaler", description: "Cluster Autoscaler of blue" });
  });
});
