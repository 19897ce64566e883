import { Construct } from "constructs";
import { type ITerraformDependable } from "cdktf";
import { AwsEnvironment, NameRules, physicalName } from "@platform/core";
import type { IEksCluster } from "../eks-cluster";
import { ServiceAccountRole } from "../service-account-role";
import { HELM_CHARTS } from "../versions";
import { HelmChartRelease } from "./helm-chart-release";

export interface ClusterAutoscalerProps {
  readonly cluster: IEksCluster;
  readonly clusterName: string;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Cluster Autoscaler (kube-system), the alternative to Karpenter: it resizes the managed node
 * groups it discovers by the tags EKS puts on their Auto Scaling groups, and may change only
 * those groups.
 *
 * Construct ids (public API): `Role`, `Chart`.
 */
export class ClusterAutoscaler extends Construct {
  public readonly role: ServiceAccountRole;
  public readonly chart: HelmChartRelease;

  constructor(scope: Construct, id: string, props: ClusterAutoscalerProps) {
    super(scope, id);
    const env = AwsEnvironment.of(this);
    this.role = new ServiceAccountRole(this, "Role", {
      cluster: props.cluster,
      namespace: "kube-system",
      serviceAccount: "cluster-autoscaler",
      roleName: physicalName([props.clusterName, "cluster-autoscaler"], NameRules.iamRole),
      description: `Cluster Autoscaler of ${props.clusterName}`,
    });
    this.role.addToPrincipalPolicy({
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
    });
    this.role.addToPrincipalPolicy({
      Sid: "ResizeOwnNodeGroups",
      Effect: "Allow",
      Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
      Resource: "*",
      Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${props.clusterName}`]: "owned" } },
    });
    this.chart = new HelmChartRelease(this, "Chart", {
      chart: HELM_CHARTS.clusterAutoscaler,
      name: "cluster-autoscaler",
      namespace: "kube-system",
      values: {
        autoDiscovery: { clusterName: props.clusterName },
        awsRegion: env.region,
        rbac: { serviceAccount: { create: true, name: "cluster-autoscaler" } },
        extraArgs: { "balance-similar-node-groups": true, "skip-nodes-with-system-pods": false, expander: "least-waste" },
      },
      dependsOn: [...(props.dependsOn ?? []), ...this.role.readyForPods],
    });
  }
}
