// Vocabulary of EKS that the environment configuration validates and the EKS package builds on.

/**
 * Kubernetes versions the platform runs EKS clusters on. A version joins when its managed add-on
 * and chart versions are pinned in `@platform/eks` (`versions.ts`), and leaves when EKS ends its
 * standard support.
 */
export const KUBERNETES_VERSIONS = ["1.31", "1.32", "1.33"] as const;
export type KubernetesVersion = (typeof KUBERNETES_VERSIONS)[number];

/** Control-plane log types. */
export const EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;
export type EksLogType = (typeof EKS_LOG_TYPES)[number];

/** Taint effects, as Kubernetes spells them. */
export const TAINT_EFFECTS = ["NoSchedule", "NoExecute", "PreferNoSchedule"] as const;
export type TaintEffect = (typeof TAINT_EFFECTS)[number];

/**
 * What an access entry lets a principal do, as EKS access policies:
 * `cluster-admin` (AmazonEKSClusterAdminPolicy, cluster-wide only), `admin`, `edit` and `view`
 * (AmazonEKSAdminPolicy, AmazonEKSEditPolicy, AmazonEKSViewPolicy; cluster-wide or per namespace).
 */
export const EKS_ACCESS_LEVELS = ["cluster-admin", "admin", "edit", "view"] as const;
export type EksAccessLevel = (typeof EKS_ACCESS_LEVELS)[number];

/** EKS managed add-ons that the platform installs and pins. */
export const EKS_MANAGED_ADDONS = ["vpc-cni", "eks-pod-identity-agent", "coredns", "kube-proxy", "aws-ebs-csi-driver", "aws-efs-csi-driver"] as const;
export type EksManagedAddon = (typeof EKS_MANAGED_ADDONS)[number];

/** How a pod's service account gets its AWS role. */
export const WORKLOAD_IDENTITY_MODES = ["pod-identity", "irsa"] as const;
export type WorkloadIdentityMode = (typeof WORKLOAD_IDENTITY_MODES)[number];

/** Namespaces that Kubernetes and the platform's add-ons use: no service on EKS may take one. */
export const RESERVED_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease", "karpenter", "logging", "cert-manager", "external-dns"] as const;

/** A Kubernetes DNS label (RFC 1123): names of namespaces, services and most objects. */
export const DNS_LABEL = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A Kubernetes label or taint key: an optional DNS prefix and `/`, then a name of 1-63 characters. */
export const LABEL_KEY = /^([a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;

/** A Kubernetes label or taint value: empty, or 1-63 characters. */
export const LABEL_VALUE = /^([A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?)?$/;
