// AwsLoadBalancerController: the controller's chart in kube-system, told its cluster, region and
// VPC (pods cannot reach the instance metadata service), with a Pod Identity role whose policy
// pins every tag condition to this cluster's `elbv2.k8s.aws/cluster` tag (as upstream, it may also
// open any security group to its load balancers, and change listeners and rules of any).
import { resourcesOfType, synthesizeStack, type SynthesizedStack } from "@platform/core";
import { AwsLoadBalancerController, HELM_CHARTS } from "../src";
import {
  RELEASE_SETTINGS,
  addonFixture,
  addressAt,
  asList,
  bodyAt,
  podIdentityAssociation,
  podIdentityRoleAddresses,
  podIdentityTrust,
  refAt,
  releaseValues,
  statementsOf,
  type PolicyStatementJson,
} from "./support";

const CONTROLLER = "LoadBalancerController";

describe("with the defaults", () => {
  let out: SynthesizedStack;
  let controller: AwsLoadBalancerController;
  let statements: PolicyStatementJson[];
  beforeAll(() => {
    const { stack, cluster } = addonFixture();
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
      ...RELEASE_SETTINGS,
      depends_on: expect.any(Array),
    });
    expect(release).toMatchObject({ repository: "https://aws.github.io/eks-charts", chart: "aws-load-balancer-controller", version: "1.13.3" });
  });

  test("values: the cluster's name, the region and a reference to the VPC's id; two replicas; the service account; no Service mutator; the environment tag", () => {
    expect(releaseValues(bodyAt(out, "helm_release", `${CONTROLLER}/Chart/Release`))).toEqual({
      clusterName: "test-eks",
      region: "eu-west-1",
      vpcId: refAt(out, "aws_vpc", "Vpc"),
      replicaCount: 2,
      serviceAccount: { create: true, name: "aws-load-balancer-controller" },
      enableServiceMutatorWebhook: false,
      defaultTags: { "platform:environment": "test" },
      podDisruptionBudget: { maxUnavailable: 1 },
    });
  });

  test("the chart waits for its role, the role's inline policy and the Pod Identity association", () => {
    expect([...(bodyAt(out, "helm_release", `${CONTROLLER}/Chart/Release`).depends_on as string[])].sort()).toEqual([...podIdentityRoleAddresses(out, `${CONTROLLER}/Role`)].sort());
  });

  test("the role: <cluster>-aws-load-balancer-controller, trusted by EKS Pod Identity for this cluster only", () => {
    const role = bodyAt(out, "aws_iam_role", `${CONTROLLER}/Role`);
    expect(role).toMatchObject({ name: "test-eks-aws-load-balancer-controller", description: "AWS Load Balancer Controller of test-eks" });
    expect(statementsOf(role, "assume_role_policy")).toEqual(podIdentityTrust(out));
  });

  test("a Pod Identity association for kube-system/aws-load-balancer-controller", () => {
    expect(bodyAt(out, "aws_eks_pod_identity_association", `${CONTROLLER}/Role/Association`)).toEqual(
      podIdentityAssociation(out, `${CONTROLLER}/Role`, "kube-system", "aws-load-balancer-controller"),
    );
  });

  test("the inline policy platform-grants, its statements in order", () => {
    expect(bodyAt(out, "aws_iam_role_policy", `${CONTROLLER}/Role/Policy`)).toMatchObject({
      name: "platform-grants",
      role: refAt(out, "aws_iam_role", `${CONTROLLER}/Role`),
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
    const { stack, cluster } = addonFixture();
    new AwsLoadBalancerController(stack, CONTROLLER, { cluster, clusterName: "test-eks", dependsOn: [cluster.addons["coredns"]] });
    const out = synthesizeStack(stack);
    expect(bodyAt(out, "helm_release", `${CONTROLLER}/Chart/Release`).depends_on).toEqual([
      addressAt(out, "aws_eks_addon", "Cluster/Addons/coredns"),
      ...podIdentityRoleAddresses(out, `${CONTROLLER}/Role`),
    ]);
  });
});

describe("clusterName", () => {
  test("is the literal the values, every tag condition and the role's name use", () => {
    const { stack, cluster } = addonFixture();
    new AwsLoadBalancerController(stack, CONTROLLER, { cluster, clusterName: "blue" });
    const out = synthesizeStack(stack);
    expect(releaseValues(bodyAt(out, "helm_release", `${CONTROLLER}/Chart/Release`)).clusterName).toBe("blue");
    const policy = bodyAt(out, "aws_iam_role_policy", `${CONTROLLER}/Role/Policy`).policy as string;
    expect(policy).not.toContain("test-eks");
    expect(policy.match(/"aws:(Resource|Request)Tag\/elbv2\.k8s\.aws\/cluster":"blue"/g)).toHaveLength(4);
    expect(bodyAt(out, "aws_iam_role", `${CONTROLLER}/Role`)).toMatchObject({ name: "blue-aws-load-balancer-controller", description: "AWS Load Balancer Controller of blue" });
  });
});
