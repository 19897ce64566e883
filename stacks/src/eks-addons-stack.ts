import { Construct } from "constructs";
import { type ITerraformDependable } from "cdktf";
import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { PlatformStack, type ValidatedEnvironmentConfig } from "@platform/core";
import {
  AwsLoadBalancerController,
  ClusterAutoscaler,
  ExternalDns,
  FluentBit,
  HELM_CHARTS,
  HelmChartRelease,
  Karpenter,
  MANAGED_ADDON_VERSIONS,
  ServiceAccountRole,
} from "@platform/eks";
import type { EksStack } from "./eks-stack";
import { configureKubernetesProviders } from "./private/provider-access";

export interface EksAddonsStackProps {
  readonly eks: EksStack;
}

/**
 * `<env>-eks-addons`: the cluster's Helm add-ons and their AWS roles, from `eks.addons`, with the
 * kubernetes and helm providers configured from the cluster stack's outputs. Apply it after
 * `<env>-eks`, destroy it before: `<env>-eks-workloads` depends on it, so that Ingresses go while
 * the load balancer controller still runs to delete their load balancers.
 *
 * Construct ids (public API): `LoadBalancerController`, `MetricsServer`, `Karpenter`,
 * `ClusterAutoscaler`, `ExternalDns`, `CertManager`, `FluentBit`, `EfsCsiDriver`, `EfsCsiDriverRole`.
 */
export class EksAddonsStack extends PlatformStack {
  public readonly loadBalancerController?: AwsLoadBalancerController;
  public readonly karpenter?: Karpenter;
  /** The releases that workloads need running: the load balancer controller and metrics-server. */
  public readonly workloadPrerequisites: ITerraformDependable[] = [];

  constructor(scope: Construct, config: ValidatedEnvironmentConfig, props: EksAddonsStackProps) {
    super(scope, "eks-addons", { config });
    const addons = config.eks!.addons ?? {};
    const cluster = props.eks.cluster;
    const clusterName = props.eks.clusterName;
    configureKubernetesProviders(this, cluster, { helm: true });

    if (addons.loadBalancerController ?? true) {
      this.loadBalancerController = new AwsLoadBalancerController(this, "LoadBalancerController", { cluster, clusterName });
      this.workloadPrerequisites.push(this.loadBalancerController.chart.release);
    }
    if (addons.metricsServer ?? true) {
      const metrics = new HelmChartRelease(this, "MetricsServer", {
        chart: HELM_CHARTS.metricsServer,
        name: "metrics-server",
        namespace: "kube-system",
        values: { replicas: 2, podDisruptionBudget: { enabled: true, maxUnavailable: 1 } },
      });
      this.workloadPrerequisites.push(metrics.release);
    }
    const autoscaler = addons.autoscaler ?? "karpenter";
    if (autoscaler === "karpenter") this.karpenter = new Karpenter(this, "Karpenter", { cluster, clusterName });
    if (autoscaler === "cluster-autoscaler") new ClusterAutoscaler(this, "ClusterAutoscaler", { cluster, clusterName });
    if (addons.externalDns) new ExternalDns(this, "ExternalDns", { cluster, clusterName, hostedZoneIds: addons.externalDns.hostedZoneIds });
    if (addons.certManager) {
      new HelmChartRelease(this, "CertManager", {
        chart: HELM_CHARTS.certManager,
        name: "cert-manager",
        namespace: "cert-manager",
        values: { crds: { enabled: true, keep: true }, replicaCount: 2, podDisruptionBudget: { enabled: true } },
      });
    }
    if (addons.logging === "fluent-bit") {
      // A key passed in through eks.secretsKmsKeyArn may not let CloudWatch Logs use it.
      new FluentBit(this, "FluentBit", { cluster, clusterName, kmsKeyArn: config.eks!.secretsKmsKeyArn ? undefined : cluster.keyArn });
    }
    if (addons.efsCsiDriver) {
      const role = new ServiceAccountRole(this, "EfsCsiDriverRole", {
        cluster,
        namespace: "kube-system",
        serviceAccount: "efs-csi-controller-sa",
        associate: false,
        managedPolicyArns: [`arn:${this.awsEnvironment.partition}:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy`],
      });
      new EksAddon(this, "EfsCsiDriver", {
        clusterName: cluster.clusterName,
        addonName: "aws-efs-csi-driver",
        addonVersion: config.eks!.addonVersions?.["aws-efs-csi-driver"] ?? MANAGED_ADDON_VERSIONS[config.eks!.version]["aws-efs-csi-driver"],
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        podIdentityAssociation: [{ roleArn: role.roleArn, serviceAccount: "efs-csi-controller-sa" }],
        dependsOn: role.role.withPermissions,
      });
    }
  }
}
