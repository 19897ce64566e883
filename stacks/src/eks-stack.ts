import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { PlatformStack, type ValidatedEnvironmentConfig } from "@platform/core";
import { EksCluster, type AccessEntryOptions } from "@platform/eks";
import { ciRoleArn } from "./ci-access-stack";
import type { NetworkStack } from "./network-stack";

/** The environment's EKS cluster: `<env>-eks`. */
export function eksClusterName(config: ValidatedEnvironmentConfig): string {
  return `${config.name}-eks`;
}

export interface EksStackProps {
  readonly network: NetworkStack;
}

/**
 * `<env>-eks`: the environment's EKS cluster `<env>-eks`, from its `eks` configuration, in the
 * network stack's VPC: control plane, access entries, node groups, Fargate profiles and the EKS
 * managed add-ons. Helm charts live in `<env>-eks-addons` and services in `<env>-eks-workloads`,
 * each in a state of its own, so that a failing chart never blocks a change to the cluster.
 *
 * When `ci` is configured, the CI deploy role is a cluster admin (it applies the add-ons and
 * workloads stacks) and the plan role may view.
 */
export class EksStack extends PlatformStack {
  public readonly cluster: EksCluster;
  /** The cluster's name as a literal, for names and tags that other stacks derive from it. */
  public readonly clusterName: string;

  constructor(scope: Construct, config: ValidatedEnvironmentConfig, props: EksStackProps) {
    super(scope, "eks", { config });
    const eks = config.eks!;
    this.clusterName = eksClusterName(config);
    const access: Record<string, AccessEntryOptions> = { ...eks.access };
    if (config.ci) {
      const partition = this.awsEnvironment.partition;
      access["ci-deploy"] ??= { principalArn: ciRoleArn(config, partition, "deploy"), level: "cluster-admin" };
      access["ci-plan"] ??= { principalArn: ciRoleArn(config, partition, "plan"), level: "view" };
    }
    this.cluster = new EksCluster(this, "Cluster", {
      vpc: props.network.vpc,
      clusterName: this.clusterName,
      version: eks.version,
      publicAccessCidrs: eks.publicAccessCidrs,
      logTypes: eks.logTypes,
      logRetentionDays: eks.logRetentionDays,
      secretsKmsKeyArn: eks.secretsKmsKeyArn,
      access,
      nodeGroups: eks.nodeGroups,
      fargateProfiles: eks.fargateProfiles,
      addonVersions: eks.addonVersions,
      networkPolicyEnforcement: eks.networkPolicies ?? true,
    });

    new TerraformOutput(this, "cluster_name", { value: this.cluster.clusterName, description: "The EKS cluster" });
    new TerraformOutput(this, "cluster_endpoint", { value: this.cluster.endpoint, description: "The API server's URL (private unless eks.publicAccessCidrs)" });
    new TerraformOutput(this, "oidc_provider_arn", { value: this.cluster.oidcProviderArn, description: "The IAM OIDC provider of IRSA roles" });
  }
}
