// ClusterAutoscaler: the chart in kube-system, discovering the managed node groups by the tags EKS
// puts on their Auto Scaling groups, with a Pod Identity role that may resize only the groups
// tagged k8s.io/cluster-autoscaler/<cluster> = owned.
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { resourcesOfType, synthesizeStack, terraformRef, testStack, type PlatformStack, type SynthesizedStack } from "@platform/core";
import { Vpc } from "@platform/vpc";
import { ClusterAutoscaler, EksCluster, HELM_CHARTS } from "../src";

type Resource = Record<string, unknown>;
interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** A stack with the VPC `Vpc`, the cluster `Cluster` (test-eks, 1.32) and a Helm provider. */
function setup(): { stack: PlatformStack; vpc: Vpc; cluster: EksCluster } {
  const stack = testStack();
  const vpc = new Vpc(stack, "Vpc", { cidrBlock: "10.0.0.0/16", availabilityZones: ["eu-west-1a", "eu-west-1b"], natGateways: "single" });
  const cluster = new EksCluster(stack, "Cluster", {
    vpc,
    version: "1.32",
    clusterName: "test-eks",
    nodeGroups: { system: { instanceTypes: ["t4g.large"], minSize: 1, maxSize: 3 } },
  });
  new HelmProvider(stack, "helm", {});
  return { stack, vpc, cluster };
}

/** The resource of `type` whose construct path below the stack is `path` (a trailing `Resource` id, and a repeated id, left out). */
function at(out: SynthesizedStack, type: string, path: string): { name: string; resource: Resource } {
  const pattern = new RegExp(`^${path.replace(/\//g, "_").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}_[0-9A-F]{8}$`);
  const found = Object.entries(resourcesOfType(out, type)).filter(([name]) => pattern.test(name));
  if (found.length !== 1) throw new Error(`expected exactly one ${type} at ${path}, found ${found.length}`);
  return { name: found[0][0], resource: found[0][1] };
}

const bodyAt = (out: SynthesizedStack, type: string, path: string) => at(out, type, path).resource;
const addressAt = (out: SynthesizedStack, type: string, path: string) => `${type}.${at(out, type, path).name}`;
const refTo = (out: SynthesizedStack, type: string, path: string, attribute = "id") => terraformRef(type, at(out, type, path).name, attribute);
const valuesOf = (release: Resource) => JSON.parse((release.values as string[])[0]) as Record<string, unknown>;
const statementsOf = (resource: Resource, attribute = "policy") => (JSON.parse(resource[attribute] as string) as { Statement: Statement[] }).Statement;
const asList = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

const AUTOSCALER = "ClusterAutoscaler";

describe("with the defaults", () => {
  let out: SynthesizedStack;
  let stack: PlatformStack;
  let autoscaler: ClusterAutoscaler;
  let statements: Statement[];
  beforeAll(() => {
    const f = setup();
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
      atomic: true,
      cleanup_on_fail: true,
      wait: true,
      timeout: 600,
      max_history: 10,
      depends_on: expect.any(Array),
    });
  });

  test("values: auto-discovery of the cluster test-eks, the region, the service account, balanced similar groups, least waste", () => {
    expect(valuesOf(bodyAt(out, "helm_release", `${AUTOSCALER}/Chart/Release`))).toEqual({
      autoDiscovery: { clusterName: "test-eks" },
      awsRegion: "eu-west-1",
      rbac: { serviceAccount: { create: true, name: "cluster-autoscaler" } },
      extraArgs: { "balance-similar-node-groups": true, "skip-nodes-with-system-pods": false, expander: "least-waste" },
    });
  });

  test("the chart waits for its role, the role's inline policy and the Pod Identity association", () => {
    expect([...(bodyAt(out, "helm_release", `${AUTOSCALER}/Chart/Release`).depends_on as string[])].sort()).toEqual(
      [
        addressAt(out, "aws_iam_role", `${AUTOSCALER}/Role`),
        addressAt(out, "aws_iam_role_policy", `${AUTOSCALER}/Role/Policy`),
        addressAt(out, "aws_eks_pod_identity_association", `${AUTOSCALER}/Role/Association`),
      ].sort(),
    );
  });

  test("the role: <cluster>-cluster-autoscaler, trusted by EKS Pod Identity for this cluster", () => {
    const role = bodyAt(out, "aws_iam_role", `${AUTOSCALER}/Role`);
    expect(role).toMatchObject({ name: "test-eks-cluster-autoscaler", description: "Cluster Autoscaler of test-eks" });
    expect(statementsOf(role, "assume_role_policy")).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" }, ArnEquals: { "aws:SourceArn": refTo(out, "aws_eks_cluster", "Cluster", "arn") } },
      },
    ]);
  });

  test("a Pod Identity association for kube-system/cluster-autoscaler", () => {
    expect(bodyAt(out, "aws_eks_pod_identity_association", `${AUTOSCALER}/Role/Association`)).toEqual({
      cluster_name: refTo(out, "aws_eks_cluster", "Cluster", "name"),
      namespace: "kube-system",
      service_account: "cluster-autoscaler",
      role_arn: refTo(out, "aws_iam_role", `${AUTOSCALER}/Role`, "arn"),
    });
  });

  test("the inline policy: read-only discovery, and resizing conditioned on k8s.io/cluster-autoscaler/test-eks = owned", () => {
    expect(bodyAt(out, "aws_iam_role_policy", `${AUTOSCALER}/Role/Policy`)).toMatchObject({ name: "platform-grants", role: refTo(out, "aws_iam_role", `${AUTOSCALER}/Role`) });
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
    const { stack, cluster } = setup();
    new ClusterAutoscaler(stack, AUTOSCALER, { cluster, clusterName: "test-eks", dependsOn: [cluster.nodeGroups["system"].resource] });
    const out = synthesizeStack(stack);
    expect(bodyAt(out, "helm_release", `${AUTOSCALER}/Chart/Release`).depends_on).toEqual([
      addressAt(out, "aws_eks_node_group", "Cluster/NodeGroups/system"),
      addressAt(out, "aws_iam_role", `${AUTOSCALER}/Role`),
      addressAt(out, "aws_iam_role_policy", `${AUTOSCALER}/Role/Policy`),
      addressAt(out, "aws_eks_pod_identity_association", `${AUTOSCALER}/Role/Association`),
    ]);
  });
});

describe("clusterName", () => {
  test("is the literal that auto-discovery, the resize condition and the role's name use", () => {
    const { stack, cluster } = setup();
    new ClusterAutoscaler(stack, AUTOSCALER, { cluster, clusterName: "blue" });
    const out = synthesizeStack(stack);
    expect(valuesOf(bodyAt(out, "helm_release", `${AUTOSCALER}/Chart/Release`)).autoDiscovery).toEqual({ clusterName: "blue" });
    const resize = statementsOf(bodyAt(out, "aws_iam_role_policy", `${AUTOSCALER}/Role/Policy`)).find((s) => s.Sid === "ResizeOwnNodeGroups");
    expect(resize?.Condition).toEqual({ StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/blue": "owned" } });
    expect(bodyAt(out, "aws_iam_role", `${AUTOSCALER}/Role`)).toMatchObject({ name: "blue-cluster-autoscaler", description: "Cluster Autoscaler of blue" });
  });
});
