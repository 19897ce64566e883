import { Construct } from "constructs";
import { type ITerraformDependable } from "cdktf";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { AwsEnvironment, NameRules, Role, ValidationError, physicalName, policyDocument, showValue, type PolicyStatement } from "@platform/core";
import type { EksCluster } from "../eks-cluster";
import { ServiceAccountRole } from "../service-account-role";
import { HELM_CHARTS } from "../versions";
import { HelmChartRelease } from "./helm-chart-release";
import { NODE_POLICIES } from "../private/node-group";

export interface KarpenterProps {
  readonly cluster: EksCluster;
  /** The cluster's name as a literal (queue, rule and tag names). */
  readonly clusterName: string;
  /** Capacity types the default NodePool may launch. @default ["on-demand"] */
  readonly capacityTypes?: readonly ("on-demand" | "spot")[];
  /** Most vCPUs the default NodePool may run. @default 100 */
  readonly cpuLimit?: number;
  /** The AMI family alias of the default EC2NodeClass. @default "al2023@latest" */
  readonly amiAlias?: string;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

const INTERRUPTION_EVENTS: Record<string, { source: string[]; "detail-type": string[] }> = {
  "spot-interruption": { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
  rebalance: { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
  "instance-state-change": { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
  "scheduled-change": { source: ["aws.health"], "detail-type": ["AWS Health Event"] },
};

/**
 * Karpenter: the controller (namespace `karpenter`, role through Pod Identity), its interruption
 * queue and the EventBridge rules that feed it, a node role with an access entry that lets its
 * nodes join, and a default EC2NodeClass and NodePool.
 *
 * The NodePool and EC2NodeClass are a release of their own that depends on the controller's:
 * on destroy they go first, while the controller still runs to terminate the nodes it launched,
 * so that no instance outlives the cluster and blocks the VPC's deletion.
 *
 * Construct ids (public API): `InterruptionQueue`, `InterruptionQueuePolicy`, `Rules/<event>`,
 * `NodeRole`, `NodeAccess`, `Role`, `Chart`, `NodePools`.
 */
export class Karpenter extends Construct {
  public readonly role: ServiceAccountRole;
  public readonly chart: HelmChartRelease;
  public readonly nodePools: HelmChartRelease;
  public readonly queue: SqsQueue;

  constructor(scope: Construct, id: string, props: KarpenterProps) {
    super(scope, id);
    const env = AwsEnvironment.of(this);
    const fail = (message: string): never => {
      throw new ValidationError(message, this);
    };
    const capacityTypes = props.capacityTypes ?? ["on-demand"];
    if (capacityTypes.length === 0 || capacityTypes.some((c) => c !== "on-demand" && c !== "spot")) {
      fail(`'capacityTypes' must list "on-demand" and/or "spot", got ${showValue(capacityTypes)}`);
    }
    const cpuLimit = props.cpuLimit ?? 100;
    if (!Number.isInteger(cpuLimit) || cpuLimit < 1 || cpuLimit > 100000) fail(`'cpuLimit' must be a whole number of vCPUs from 1 to 100000, got ${showValue(cpuLimit)}`);
    const name = props.clusterName;
    const cluster = props.cluster;

    this.queue = new SqsQueue(this, "InterruptionQueue", {
      name: physicalName([name, "karpenter"], NameRules.sqsQueue),
      messageRetentionSeconds: 300,
      sqsManagedSseEnabled: true,
    });
    new SqsQueuePolicy(this, "InterruptionQueuePolicy", {
      queueUrl: this.queue.url,
      policy: policyDocument([
        {
          Sid: "EventBridgeSendsInterruptions",
          Effect: "Allow",
          Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] },
          Action: "sqs:SendMessage",
          Resource: this.queue.arn,
        },
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "sqs:*",
          Resource: this.queue.arn,
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ]),
    });
    const rules = new Construct(this, "Rules");
    for (const [event, pattern] of Object.entries(INTERRUPTION_EVENTS)) {
      const holder = new Construct(rules, event);
      const rule = new CloudwatchEventRule(holder, "Rule", {
        name: physicalName([name, "karpenter", event], NameRules.eventRule),
        description: `Karpenter of ${name}: ${pattern["detail-type"][0]}`,
        eventPattern: JSON.stringify(pattern),
      });
      new CloudwatchEventTarget(holder, "Target", { rule: rule.name, arn: this.queue.arn, targetId: "karpenter-interruption-queue" });
    }

    // A node role of Karpenter's own: EKS already holds an access entry for the managed node
    // groups' role, and a second entry for the same principal would fail. EC2_LINUX lets its nodes join.
    const nodeRole = new Role(this, "NodeRole", {
      roleName: physicalName([name, "karpenter-node"], NameRules.iamRole),
      description: `Nodes that Karpenter launches for ${name}`,
      assumeRoleStatements: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
      managedPolicyArns: NODE_POLICIES.map((policy) => `arn:${env.partition}:iam::aws:policy/${policy}`),
    });
    const nodeAccess = cluster.addAccess(this, "NodeAccess", { principalArn: nodeRole.roleArn, level: "view" }, "EC2_LINUX");

    this.role = new ServiceAccountRole(this, "Role", {
      cluster,
      namespace: "karpenter",
      serviceAccount: "karpenter",
      roleName: physicalName([name, "karpenter"], NameRules.iamRole),
      description: `Karpenter controller of ${name}`,
    });
    const tagged = { StringEquals: { [`aws:ResourceTag/kubernetes.io/cluster/${name}`]: "owned" } };
    const requestTagged = { StringEquals: { [`aws:RequestTag/kubernetes.io/cluster/${name}`]: "owned" } };
    const statements: PolicyStatement[] = [
      {
        Sid: "LaunchNodes",
        Effect: "Allow",
        Action: ["ec2:RunInstances", "ec2:CreateFleet"],
        Resource: [
          `arn:${env.partition}:ec2:${env.region}::image/*`,
          `arn:${env.partition}:ec2:${env.region}::snapshot/*`,
          env.arn("ec2", "security-group/*"),
          env.arn("ec2", "subnet/*"),
          env.arn("ec2", "capacity-reservation/*"),
        ],
      },
      { Sid: "LaunchTaggedNodes", Effect: "Allow", Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"], Resource: "*", Condition: requestTagged },
      { Sid: "UseOwnLaunchTemplates", Effect: "Allow", Action: ["ec2:RunInstances", "ec2:CreateFleet"], Resource: env.arn("ec2", "launch-template/*"), Condition: tagged },
      {
        Sid: "TagOnLaunch",
        Effect: "Allow",
        Action: "ec2:CreateTags",
        Resource: "*",
        Condition: { ...requestTagged, StringEquals: { ...requestTagged.StringEquals, "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"] } },
      },
      { Sid: "ManageOwnNodes", Effect: "Allow", Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate", "ec2:CreateTags"], Resource: "*", Condition: tagged },
      {
        Sid: "Discover",
        Effect: "Allow",
        Action: ["ec2:DescribeAvailabilityZones", "ec2:DescribeImages", "ec2:DescribeInstances", "ec2:DescribeInstanceTypeOfferings", "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplates", "ec2:DescribeSecurityGroups", "ec2:DescribeSpotPriceHistory", "ec2:DescribeSubnets", "ec2:DescribeCapacityReservations", "pricing:GetProducts"],
        Resource: "*",
      },
      { Sid: "ReadImageParameters", Effect: "Allow", Action: "ssm:GetParameter", Resource: `arn:${env.partition}:ssm:${env.region}::parameter/aws/service/*` },
      { Sid: "PassNodeRole", Effect: "Allow", Action: "iam:PassRole", Resource: nodeRole.roleArn, Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } } },
      {
        Sid: "ManageOwnInstanceProfiles",
        Effect: "Allow",
        Action: ["iam:CreateInstanceProfile", "iam:TagInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile", "iam:GetInstanceProfile", "iam:ListInstanceProfiles"],
        Resource: `arn:${env.partition}:iam::${env.accountId}:instance-profile/*`,
      },
      { Sid: "ReadInterruptions", Effect: "Allow", Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"], Resource: this.queue.arn },
      { Sid: "DescribeCluster", Effect: "Allow", Action: "eks:DescribeCluster", Resource: cluster.clusterArn },
    ];
    statements.forEach((statement) => this.role.addToPrincipalPolicy(statement));

    this.chart = new HelmChartRelease(this, "Chart", {
      chart: HELM_CHARTS.karpenter,
      name: "karpenter",
      namespace: "karpenter",
      values: {
        settings: { clusterName: name, clusterEndpoint: cluster.endpoint, interruptionQueue: this.queue.name },
        // Pods cannot reach the instance metadata service (hop limit 1) to learn the region.
        controller: {
          env: [{ name: "AWS_REGION", value: env.region }],
          resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
        },
        serviceAccount: { create: true, name: "karpenter" },
        replicas: 2,
        podDisruptionBudget: { name: "karpenter", maxUnavailable: 1 },
        // Karpenter must not run on the nodes it manages.
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: "karpenter.sh/nodepool", operator: "DoesNotExist" }] }],
            },
          },
        },
      },
      dependsOn: [...(props.dependsOn ?? []), nodeAccess, ...this.role.readyForPods],
    });

    const nodeClass = {
      apiVersion: "karpenter.k8s.aws/v1",
      kind: "EC2NodeClass",
      metadata: { name: "default" },
      spec: {
        role: nodeRole.roleName,
        amiSelectorTerms: [{ alias: props.amiAlias ?? "al2023@latest" }],
        subnetSelectorTerms: cluster.vpc.privateSubnetIds.map((subnetId) => ({ id: subnetId })),
        securityGroupSelectorTerms: [{ id: cluster.clusterSecurityGroupId }],
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: "50Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true } }],
        tags: { [`kubernetes.io/cluster/${name}`]: "owned" },
      },
    };
    const nodePool = {
      apiVersion: "karpenter.sh/v1",
      kind: "NodePool",
      metadata: { name: "default" },
      spec: {
        template: {
          spec: {
            nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" },
            requirements: [
              { key: "kubernetes.io/arch", operator: "In", values: ["amd64", "arm64"] },
              { key: "karpenter.sh/capacity-type", operator: "In", values: [...capacityTypes] },
              { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m", "r"] },
              { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["5"] },
            ],
            expireAfter: "720h",
          },
        },
        limits: { cpu: String(cpuLimit) },
        disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "1m" },
      },
    };
    this.nodePools = new HelmChartRelease(this, "NodePools", {
      chart: HELM_CHARTS.raw,
      name: "karpenter-node-pools",
      namespace: "karpenter",
      values: { resources: [nodeClass, nodePool] },
      dependsOn: [this.chart.release],
    });
  }
}
