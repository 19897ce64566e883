import type { EksManagedAddon, KubernetesVersion } from "@platform/core";

// Every version the EKS package installs, in one place, so that an upgrade is one reviewed diff.
// Managed add-on versions come from `aws eks describe-addon-versions --kubernetes-version <v>
// --addon-name <name>`; an environment overrides one through `eks.addonVersions`. Chart versions
// come from the charts' repositories (`helm search repo <chart> --versions`).

/** EKS managed add-on versions per Kubernetes version. */
export const MANAGED_ADDON_VERSIONS: Readonly<Record<KubernetesVersion, Readonly<Record<EksManagedAddon, string>>>> = {
  "1.31": {
    "vpc-cni": "v1.19.5-eksbuild.1",
    "eks-pod-identity-agent": "v1.3.7-eksbuild.2",
    coredns: "v1.11.4-eksbuild.14",
    "kube-proxy": "v1.31.7-eksbuild.7",
    "aws-ebs-csi-driver": "v1.44.0-eksbuild.1",
    "aws-efs-csi-driver": "v2.1.8-eksbuild.1",
  },
  "1.32": {
    "vpc-cni": "v1.19.5-eksbuild.1",
    "eks-pod-identity-agent": "v1.3.7-eksbuild.2",
    coredns: "v1.11.4-eksbuild.14",
    "kube-proxy": "v1.32.3-eksbuild.7",
    "aws-ebs-csi-driver": "v1.44.0-eksbuild.1",
    "aws-efs-csi-driver": "v2.1.8-eksbuild.1",
  },
  "1.33": {
    "vpc-cni": "v1.19.5-eksbuild.1",
    "eks-pod-identity-agent": "v1.3.7-eksbuild.2",
    coredns: "v1.12.1-eksbuild.2",
    "kube-proxy": "v1.33.0-eksbuild.2",
    "aws-ebs-csi-driver": "v1.44.0-eksbuild.1",
    "aws-efs-csi-driver": "v2.1.8-eksbuild.1",
  },
};

/** A Helm chart at a pinned version. */
export interface HelmChart {
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
}

/** The Helm charts of the add-ons stack, pinned. */
export const HELM_CHARTS = {
  awsLoadBalancerController: { repository: "https://aws.github.io/eks-charts", chart: "aws-load-balancer-controller", version: "1.13.3" },
  metricsServer: { repository: "https://kubernetes-sigs.github.io/metrics-server", chart: "metrics-server", version: "3.12.2" },
  karpenter: { repository: "oci://public.ecr.aws/karpenter", chart: "karpenter", version: "1.5.0" },
  clusterAutoscaler: { repository: "https://kubernetes.github.io/autoscaler", chart: "cluster-autoscaler", version: "9.46.6" },
  externalDns: { repository: "https://kubernetes-sigs.github.io/external-dns", chart: "external-dns", version: "1.16.1" },
  certManager: { repository: "https://charts.jetstack.io", chart: "cert-manager", version: "v1.17.2" },
  fluentBit: { repository: "https://aws.github.io/eks-charts", chart: "aws-for-fluent-bit", version: "0.1.35" },
  /** Plain manifests as a release, for custom resources whose CRDs another release installs in the same apply. */
  raw: { repository: "https://bedag.github.io/helm-charts", chart: "raw", version: "2.0.0" },
} as const satisfies Record<string, HelmChart>;
