import { Construct } from "constructs";
import { type ITerraformDependable } from "cdktf";
import { AwsEnvironment, NameRules, physicalName, type PolicyStatement } from "@platform/core";
import type { IEksCluster } from "../eks-cluster";
import { ServiceAccountRole } from "../service-account-role";
import { HELM_CHARTS } from "../versions";
import { HelmChartRelease } from "./helm-chart-release";

export interface AwsLoadBalancerControllerProps {
  readonly cluster: IEksCluster;
  /** The cluster's name as a literal (tags the controller writes and its policy's conditions). */
  readonly clusterName: string;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The AWS Load Balancer Controller (kube-system), which turns Ingresses into ALBs and
 * LoadBalancer Services into NLBs. Its role may change and delete only load balancers, target
 * groups and security groups that carry this cluster's `elbv2.k8s.aws/cluster` tag; as in the
 * controller's published policy, it may also open any security group to its load balancers.
 *
 * Construct ids (public API): `Role`, `Chart`.
 */
export class AwsLoadBalancerController extends Construct {
  public readonly role: ServiceAccountRole;
  public readonly chart: HelmChartRelease;

  constructor(scope: Construct, id: string, props: AwsLoadBalancerControllerProps) {
    super(scope, id);
    const env = AwsEnvironment.of(this);
    this.role = new ServiceAccountRole(this, "Role", {
      cluster: props.cluster,
      namespace: "kube-system",
      serviceAccount: "aws-load-balancer-controller",
      roleName: physicalName([props.clusterName, "aws-load-balancer-controller"], NameRules.iamRole),
      description: `AWS Load Balancer Controller of ${props.clusterName}`,
    });
    for (const statement of loadBalancerControllerPolicy(props.clusterName, env.partition)) this.role.addToPrincipalPolicy(statement);
    this.chart = new HelmChartRelease(this, "Chart", {
      chart: HELM_CHARTS.awsLoadBalancerController,
      name: "aws-load-balancer-controller",
      namespace: "kube-system",
      values: {
        clusterName: props.clusterName,
        // Pods cannot reach the instance metadata service (hop limit 1): tell it where it is.
        region: env.region,
        vpcId: props.cluster.vpc.vpcId,
        replicaCount: 2,
        serviceAccount: { create: true, name: "aws-load-balancer-controller" },
        enableServiceMutatorWebhook: false,
        defaultTags: { "platform:environment": env.environment },
        podDisruptionBudget: { maxUnavailable: 1 },
      },
      dependsOn: [...(props.dependsOn ?? []), ...this.role.readyForPods],
    });
  }
}

/** The controller's published IAM policy, with its tag conditions pinned to one cluster. */
function loadBalancerControllerPolicy(clusterName: string, partition: string): PolicyStatement[] {
  const ownTag = { StringEquals: { "aws:ResourceTag/elbv2.k8s.aws/cluster": clusterName } };
  const creatingOwn = { StringEquals: { "aws:RequestTag/elbv2.k8s.aws/cluster": clusterName } };
  const lb = `arn:${partition}:elasticloadbalancing:*:*`;
  // Everything the controller creates carries its tags: load balancers, target groups, listeners and rules.
  const taggable = [`${lb}:targetgroup/*/*`, `${lb}:loadbalancer/net/*/*`, `${lb}:loadbalancer/app/*/*`, `${lb}:listener/net/*/*/*`, `${lb}:listener/app/*/*/*`, `${lb}:listener-rule/net/*/*/*`, `${lb}:listener-rule/app/*/*/*`];
  return [
    {
      Sid: "CreateTheServiceLinkedRole",
      Effect: "Allow",
      Action: "iam:CreateServiceLinkedRole",
      Resource: "*",
      Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
    },
    {
      Sid: "Discover",
      Effect: "Allow",
      Action: [
        "ec2:Describe*",
        "ec2:GetCoipPoolUsage",
        "ec2:GetSecurityGroupsForVpc",
        "elasticloadbalancing:Describe*",
        "acm:ListCertificates",
        "acm:DescribeCertificate",
        "iam:ListServerCertificates",
        "iam:GetServerCertificate",
        "wafv2:GetWebACL",
        "wafv2:GetWebACLForResource",
        "wafv2:AssociateWebACL",
        "wafv2:DisassociateWebACL",
        "shield:GetSubscriptionState",
        "shield:DescribeProtection",
        "cognito-idp:DescribeUserPoolClient",
      ],
      Resource: "*",
    },
    { Sid: "CreateSecurityGroups", Effect: "Allow", Action: "ec2:CreateSecurityGroup", Resource: "*" },
    {
      Sid: "TagNewSecurityGroups",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: `arn:${partition}:ec2:*:*:security-group/*`,
      Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" } },
    },
    {
      Sid: "ManageOwnSecurityGroups",
      Effect: "Allow",
      Action: ["ec2:CreateTags", "ec2:DeleteTags", "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
      Resource: `arn:${partition}:ec2:*:*:security-group/*`,
      Condition: ownTag,
    },
    {
      // Node and pod security groups are not the controller's; it opens them to its load balancers.
      Sid: "AdmitLoadBalancersToTargets",
      Effect: "Allow",
      Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
      Resource: `arn:${partition}:ec2:*:*:security-group/*`,
    },
    {
      Sid: "CreateOwnLoadBalancers",
      Effect: "Allow",
      Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
      Resource: "*",
      Condition: creatingOwn,
    },
    {
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
    },
    {
      Sid: "TagOwnLoadBalancers",
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      Resource: taggable,
      Condition: ownTag,
    },
    {
      Sid: "TagOnCreate",
      Effect: "Allow",
      Action: "elasticloadbalancing:AddTags",
      Resource: taggable,
      Condition: { StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer", "CreateListener", "CreateRule"] } },
    },
    {
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
    },
    {
      Sid: "RegisterTargets",
      Effect: "Allow",
      Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
      Resource: `arn:${partition}:elasticloadbalancing:*:*:targetgroup/*/*`,
    },
  ];
}
