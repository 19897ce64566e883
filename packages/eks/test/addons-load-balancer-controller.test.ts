// AwsLoadBalancerController: the controller's chart in kube-system, told its cluster, region and
// VPC (pods cannot reach the instance metadata service), with a Pod Identity role whose policy
// pins every tag condition to this cluster's `elbv2.k8s.aws/cluster` tag (as upstream, it may also
// open any security group to its load balancers, and change listeners and rules of any).
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { resourcesOfType, synthesizeStack, terraformRef, testStack, type PlatformStack, type SynthesizedStack } from "@platform/core";
import { Vpc } from "@platform/vpc";
import { AwsLoadBalancerController, EksCluster, HELM_CHARTS } from "../src";

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

const CONTROLLER = "LoadBalancerController";

describe("with the defaults", () => {
  let out: SynthesizedStack;
  let controller: AwsLoadBalancerController;
  let statements: Statement[];
  beforeAll(() => {
    const { stack, cluster } = setup();
    controller = new AwsLoadBalancerController(stack, CONTROLLER, { cluster, clusterName: "test-eks" });
    out = synthesizeStack(stack);
    statements = statementsOf(bodyAt(out, "aws_iam_role_policy", `${CONTROLLER}/Role/Policy`));
  });

  test("one release, aws-load-balancer-controller in kube-system, of the pinned chart, atomic and waited for", () => {
    expect(Object.keys(resourcesOfType(out, "helm_release"))).toHaveLength(1);
    const release = bodyAt(out, "helm_release", `${CONTROLLER}/Chart/Release`);
    expect(release).toEqual({
      name: "aws-load-balancer-controller",
      namespace: "kube-system",
      create_namespace: true,
      repository: HELM_CHARTS.awsLoadBalancerController.repository,
      chart: HELM_CHARTS.awsLoadBalancerController.chart,
      version: HELM_CHARTS.awsLoadBalancerController.version,
      values: [expect.any(String)],
      atomic: true,
      cleanup_on_fail: true,
      wait: true,
      timeout: 600,
      max_history: 10,
      depends_on: expect.any(Array),
    });
    expect(release).toMatchObject({ repository: "https://aws.github.io/eks-charts", chart: "aws-load-balancer-controller", version: "1.13.3" });
  });

  test("values: the cluster's name, the region and a reference to the VPC's id; two replicas; the service account; no Service mutator; the environment tag", () => {
    expect(valuesOf(bodyAt(out, "helm_release", `${CONTROLLER}/Chart/Release`))).toEqual({
      clusterName: "test-eks",
      region: "eu-west-1",
      vpcId: refTo(out, "aws_vpc", "Vpc"),
      replicaCount: 2,
      serviceAccount: { create: true, name: "aws-load-balancer-controller" },
      enableServiceMutatorWebhook: false,
      defaultTags: { "platform:environment": "test" },
      podDisruptionBudget: { maxUnavailable: 1 },
    });
  });

  test("the chart waits for its role, the role's inline policy and the Pod Identity association", () => {
    expect([...(bodyAt(out, "helm_release", `${CONTROLLER}/Chart/Release`).depends_on as string[])].sort()).toEqual(
      [
        addressAt(out, "aws_iam_role", `${CONTROLLER}/Role`),
        addressAt(out, "aws_iam_role_policy", `${CONTROLLER}/Role/Policy`),
        addressAt(out, "aws_eks_pod_identity_association", `${CONTROLLER}/Role/Association`),
      ].sort(),
    );
  });

  test("the role: <cluster>-aws-load-balancer-controller, trusted by EKS Pod Identity for this cluster only", () => {
    const role = bodyAt(out, "aws_iam_role", `${CONTROLLER}/Role`);
    expect(role).toMatchObject({ name: "test-eks-aws-load-balancer-controller", description: "AWS Load Balancer Controller of test-eks" });
    expect(statementsOf(role, "assume_role_policy")).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" }, ArnEquals: { "aws:SourceArn": refTo(out, "aws_eks_cluster", "Cluster", "arn") } },
      },
    ]);
  });

  test("a Pod Identity association for kube-system/aws-load-balancer-controller", () => {
    expect(bodyAt(out, "aws_eks_pod_identity_association", `${CONTROLLER}/Role/Association`)).toEqual({
      cluster_name: refTo(out, "aws_eks_cluster", "Cluster", "name"),
      namespace: "kube-system",
      service_account: "aws-load-balancer-controller",
      role_arn: refTo(out, "aws_iam_role", `${CONTROLLER}/Role`, "arn"),
    });
  });

  test("the inline policy platform-grants, its statements in order", () => {
    expect(bodyAt(out, "aws_iam_role_policy", `${CONTROLLER}/Role/Policy`)).toMatchObject({
      name: "platform-grants",
      role: refTo(out, "aws_iam_role", `${CONTROLLER}/Role`),
    });
    expect(statements.map((s) => s.Sid)).toEqual([
      "CreateTheServiceLinkedRole",
      "Discover",
      "CreateSecurityGroups",
      "TagNewSecurityGroups",
      "ManageOwnSecurityGroups",
      "AdmitLoadBalancersToTargets",
      "CreateOwnLoadBalancers",
      "ManageListenersAndRules",
      "TagOwnLoadBalancers",
      "TagOnCreate",
      "ManageOwnLoadBalancers",
      "RegisterTargets",
    ]);
    expect(statements.every((s) => s.Effect === "Allow")).toBe(true);
  });

  test("every tag condition names this cluster: the resource's elbv2.k8s.aws/cluster tag is test-eks", () => {
    const ownTag = { StringEquals: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "test-eks" } };
    const bySid = (sid: string) => statements.find((s) => s.Sid === sid);
    expect(bySid("ManageOwnSecurityGroups")).toEqual({
      Sid: "ManageOwnSecurityGroups",
      Effect: "Allow",
      Action: ["ec2:CreateTags", "ec2:DeleteTags", "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
      Resource: "arn:aws:ec2:*:*:security-group/*",
      Condition: ownTag,
    });
    expect(bySid("TagOwnLoadBalancers")).toEqual({
      Sid: "TagOwnLoadBalancers",
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      Resource: [
        "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
        "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*",
        "arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*",
        "arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*",
        "arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*",
        "arn:aws:elasticloadbalancing:*:*:listener-rule/net/*/*/*",
        "arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*",
      ],
      Condition: ownTag,
    });
    expect(bySid("ManageOwnLoadBalancers")).toEqual({
      Sid: "ManageOwnLoadBalancers",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:SetIpAddressType",
        "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:ModifyListenerAttributes",
        "elasticloadbalancing:ModifyCapacityReservation",
        "elasticloadbalancing:ModifyIpPools",
      ],
      Resource: "*",
      Condition: ownTag,
    });
  });

  test("listeners and rules: created, changed, reordered and deleted on any load balancer (as upstream)", () => {
    expect(statements.find((s) => s.Sid === "ManageListenersAndRules")).toEqual({
      Sid: "ManageListenersAndRules",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:CreateListener",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:CreateRule",
        "elasticloadbalancing:DeleteRule",
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:AddListenerCertificates",
        "elasticloadbalancing:RemoveListenerCertificates",
        "elasticloadbalancing:ModifyRule",
        "elasticloadbalancing:SetRulePriorities",
        "elasticloadbalancing:SetWebAcl",
      ],
      Resource: "*",
    });
  });

  test("any security group may be opened to the load balancers (as upstream): ingress only, no other action", () => {
    expect(statements.find((s) => s.Sid === "AdmitLoadBalancersToTargets")).toEqual({
      Sid: "AdmitLoadBalancersToTargets",
      Effect: "Allow",
      Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
      Resource: "arn:aws:ec2:*:*:security-group/*",
    });
  });

  test("it creates load balancers and target groups only with the tag test-eks in the request", () => {
    expect(statements.find((s) => s.Sid === "CreateOwnLoadBalancers")).toEqual({
      Sid: "CreateOwnLoadBalancers",
      Effect: "Allow",
      Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
      Resource: "*",
      Condition: { StringEquals: { "aws:RequestTag/elbv2.k8s.aws/cluster": "test-eks" } },
    });
    const creators = statements.filter((s) => asList(s.Action).some((a) => a === "elasticloadbalancing:CreateLoadBalancer" || a === "elasticloadbalancing:CreateTargetGroup"));
    expect(creators.map((s) => s.Sid)).toEqual(["CreateOwnLoadBalancers"]);
  });

  test("deleting a load balancer, a target group or a security group is always conditioned on this cluster's tag", () => {
    const deleting = ["elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:DeleteTargetGroup", "ec2:DeleteSecurityGroup"];
    const granting = statements.filter((s) => asList(s.Action).some((a) => deleting.includes(a)));
    expect(granting.map((s) => s.Sid)).toEqual(["ManageOwnSecurityGroups", "ManageOwnLoadBalancers"]);
    for (const s of granting) expect(s.Condition).toEqual({ StringEquals: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "test-eks" } });
  });

  test("the tag conditions name no other cluster, and no statement uses a bare tag-exists condition", () => {
    const conditionValues = statements.flatMap((s) =>
      Object.values(s.Condition ?? {}).flatMap((byKey) => Object.entries(byKey).filter(([key]) => key.includes("elbv2.k8s.aws/cluster"))),
    );
    expect(conditionValues).toEqual([
      ["aws:ResourceTag/elbv2.k8s.aws/cluster", "test-eks"],
      ["aws:RequestTag/elbv2.k8s.aws/cluster", "test-eks"],
      ["aws:ResourceTag/elbv2.k8s.aws/cluster", "test-eks"],
      ["aws:ResourceTag/elbv2.k8s.aws/cluster", "test-eks"],
    ]);
    expect(statements.some((s) => s.Condition && "Null" in s.Condition)).toBe(false);
  });

  test("the service-linked role only for Elastic Load Balancing; new security groups, load balancers, target groups, listeners and rules tagged only as they are created", () => {
    expect(statements[0]).toEqual({
      Sid: "CreateTheServiceLinkedRole",
      Effect: "Allow",
      Action: "iam:CreateServiceLinkedRole",
      Resource: "*",
      Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
    });
    expect(statements.find((s) => s.Sid === "TagNewSecurityGroups")).toEqual({
      Sid: "TagNewSecurityGroups",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: "arn:aws:ec2:*:*:security-group/*",
      Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" } },
    });
    expect(statements.find((s) => s.Sid === "TagOnCreate")).toEqual({
      Sid: "TagOnCreate",
      Effect: "Allow",
      Action: "elasticloadbalancing:AddTags",
      Resource: [
        "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
        "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*",
        "arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*",
        "arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*",
        "arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*",
        "arn:aws:elasticloadbalancing:*:*:listener-rule/net/*/*/*",
        "arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*",
      ],
      Condition: { StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer", "CreateListener", "CreateRule"] } },
    });
  });

  test("targets are registered in target groups only", () => {
    expect(statements.find((s) => s.Sid === "RegisterTargets")).toEqual({
      Sid: "RegisterTargets",
      Effect: "Allow",
      Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
      Resource: "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
    });
  });

  test("no IAM action beyond the service-linked role and server certificates", () => {
    const iam = statements.flatMap((s) => asList(s.Action)).filter((a) => a.startsWith("iam:"));
    expect(iam).toEqual(["iam:CreateServiceLinkedRole", "iam:ListServerCertificates", "iam:GetServerCertificate"]);
  });

  test("role and chart are exposed", () => {
    expect(controller.role.mode).toBe("pod-identity");
    expect(controller.role.serviceAccountAnnotations).toEqual({});
    expect(controller.chart.values).toMatchObject({ clusterName: "test-eks", region: "eu-west-1" });
  });
});

describe("dependsOn", () => {
  test("comes before the role's permissions and association in the chart's depends_on", () => {
    const { stack, cluster } = setup();
    new AwsLoadBalancerController(stack, CONTROLLER, { cluster, clusterName: "test-eks", dependsOn: [cluster.addons["coredns"]] });
    const out = synthesizeStack(stack);
    expect(bodyAt(out, "helm_release", `${CONTROLLER}/Chart/Release`).depends_on).toEqual([
      addressAt(out, "aws_eks_addon", "Cluster/Addons/coredns"),
      addressAt(out, "aws_iam_role", `${CONTROLLER}/Role`),
      addressAt(out, "aws_iam_role_policy", `${CONTROLLER}/Role/Policy`),
      addressAt(out, "aws_eks_pod_identity_association", `${CONTROLLER}/Role/Association`),
    ]);
  });
});

describe("clusterName", () => {
  test("is the literal the values, every tag condition and the role's name use", () => {
    const { stack, cluster } = setup();
    new AwsLoadBalancerController(stack, CONTROLLER, { cluster, clusterName: "blue" });
    const out = synthesizeStack(stack);
    expect(valuesOf(bodyAt(out, "helm_release", `${CONTROLLER}/Chart/Release`)).clusterName).toBe("blue");
    const policy = bodyAt(out, "aws_iam_role_policy", `${CONTROLLER}/Role/Policy`).policy as string;
    expect(policy).not.toContain("test-eks");
    expect(policy.match(/"aws:(Resource|Request)Tag\/elbv2\.k8s\.aws\/cluster":"blue"/g)).toHaveLength(4);
    expect(bodyAt(out, "aws_iam_role", `${CONTROLLER}/Role`)).toMatchObject({ name: "blue-aws-load-balancer-controller", description: "AWS Load Balancer Controller of blue" });
  });
});
