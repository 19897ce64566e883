import { Fn } from "cdktf";
import { DataAwsEksClusterAuth } from "@cdktf/provider-aws/lib/data-aws-eks-cluster-auth";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import type { PlatformStack } from "@platform/core";
import type { IEksCluster } from "@platform/eks";

/**
 * The kubernetes (and helm) providers of a stack, configured from the cluster's outputs: its
 * endpoint, its certificate authority, and a short-lived token that the AWS provider signs with
 * the stack's own credentials (no kubeconfig, no aws CLI on the runner).
 */
export function configureKubernetesProviders(stack: PlatformStack, cluster: IEksCluster, options: { helm: boolean }): void {
  const auth = new DataAwsEksClusterAuth(stack, "ClusterAuth", { name: cluster.clusterName });
  const connection = { host: cluster.endpoint, clusterCaCertificate: Fn.base64decode(cluster.certificateAuthorityData), token: auth.token };
  new KubernetesProvider(stack, "kubernetes", connection);
  if (options.helm) new HelmProvider(stack, "helm", { kubernetes: connection });
}
