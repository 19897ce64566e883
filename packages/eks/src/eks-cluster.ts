import { Construct } from "constructs";
import { Token, type ITerraformDependable } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksAccessPolicyAssociation } from "@cdktf/provider-aws/lib/eks-access-policy-association";
import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { EksCluster as AwsEksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { EksFargateProfile } from "@cdktf/provider-aws/lib/eks-fargate-profile";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import {
  AwsEnvironment,
  DNS_LABEL,
  EKS_ACCESS_LEVELS,
  EKS_LOG_TYPES,
  KUBERNETES_VERSIONS,
  LABEL_KEY,
  LABEL_VALUE,
  LOG_RETENTION_DAYS,
  NameRules,
  Role,
  ValidationError,
  parseIpv4Cidr,
  physicalName,
  policyDocument,
  showValue,
  type EksAccessLevel,
  type EksLogType,
  type EksManagedAddon,
  type KubernetesVersion,
  type WorkloadIdentityMode,
} from "@platform/core";
import type { IVpc } from "@platform/vpc";
import { NODE_POLICIES, NodeGroup, type NodeGroupOptions } from "./private/node-group";
import { ServiceAccountRole, type ServiceAccountRoleProps } from "./service-account-role";
import { MANAGED_ADDON_VERSIONS } from "./versions";

export type { NodeGroupOptions, NodeTaint } from "./private/node-group";

/** An EKS cluster that add-ons, workloads and service account roles are built against. */
export interface IEksCluster {
  /** The cluster's name, as a reference: whatever uses it waits for the cluster. */
  readonly clusterName: string;
  readonly clusterArn: string;
  /** The API server's URL. */
  readonly endpoint: string;
  /** The cluster's certificate authority, base64-encoded PEM. */
  readonly certificateAuthorityData: string;
  readonly kubernetesVersion: string;
  /** The OIDC issuer, `https://oidc.eks.<region>.amazonaws.com/id/<id>`. */
  readonly oidcIssuerUrl: string;
  /** The IAM OIDC provider that IRSA roles trust. */
  readonly oidcProviderArn: string;
  /** The security group EKS made for the control plane and the nodes. */
  readonly clusterSecurityGroupId: string;
  /** The VPC the cluster runs in; nodes and pods use its private subnets. */
  readonly vpc: IVpc;
  /** The role managed nodes run as (Karpenter's nodes use it too). */
  readonly nodeRoleArn: string;
  readonly nodeRoleName: string;
}

/** Who may use the cluster: an access entry with one access policy. */
export interface AccessEntryOptions {
  /** An IAM role or user. */
  readonly principalArn: string;
  readonly level: EksAccessLevel;
  /** Limit the access to these namespaces. @default - the whole cluster */
  readonly namespaces?: readonly string[];
}

/** Pods that match a selector run on Fargate. */
export interface FargateProfileOptions {
  readonly selectors: readonly { readonly namespace: string; readonly labels?: Readonly<Record<string, string>> }[];
}

export interface EksClusterProps {
  /** The VPC: the control plane's network interfaces, nodes and pods go in its private subnets. */
  readonly vpc: IVpc;
  /** The Kubernetes version, pinned. */
  readonly version: KubernetesVersion;
  /** @default `<environment>-<construct id>`, lower case */
  readonly clusterName?: string;
  /**
   * Turns the public API endpoint on for these ranges; the private endpoint is always on.
   * `0.0.0.0/0` is refused in production.
   * @default - no public endpoint
   */
  readonly publicAccessCidrs?: readonly string[];
  /** @default all five */
  readonly logTypes?: readonly EksLogType[];
  /** @default 365 */
  readonly logRetentionDays?: number;
  /**
   * A key for envelope encryption of secrets (the cluster role gets to use it).
   * @default - a key of the cluster's own, rotated yearly, that also encrypts the control-plane logs
   */
  readonly secretsKmsKeyArn?: string;
  /** Access entries keyed by a name of your choice. @default {} */
  readonly access?: Readonly<Record<string, AccessEntryOptions>>;
  /** Managed node groups keyed by name (1-20 of a-z0-9-). @default {} */
  readonly nodeGroups?: Readonly<Record<string, NodeGroupOptions>>;
  /** Fargate profiles keyed by name. @default {} */
  readonly fargateProfiles?: Readonly<Record<string, FargateProfileOptions>>;
  /** Managed add-on versions over the ones pinned for `version` (`MANAGED_ADDON_VERSIONS`). @default {} */
  readonly addonVersions?: Partial<Record<EksManagedAddon, string>>;
  /** How the VPC CNI gets its role. @default "irsa" (it must work before the Pod Identity agent runs) */
  readonly cniIdentity?: WorkloadIdentityMode;
  /** Let the VPC CNI enforce Kubernetes NetworkPolicies. @default true */
  readonly networkPolicyEnforcement?: boolean;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

const DNS_LABEL_RULE = "a DNS label (1-63 lower-case letters, digits and -, starting with a letter and ending with a letter or digit)";

const ACCESS_POLICIES: Record<EksAccessLevel, string> = {
  "cluster-admin": "AmazonEKSClusterAdminPolicy",
  admin: "AmazonEKSAdminPolicy",
  edit: "AmazonEKSEditPolicy",
  view: "AmazonEKSViewPolicy",
};

/**
 * An EKS cluster with what a production cluster needs around it, created in an order that never
 * leaves a step waiting on the next:
 *
 * 1. a KMS key (rotated) and the control-plane log group (retention, encrypted), before the
 *    cluster, so that EKS never creates the group itself and leaves it behind on destroy;
 * 2. the cluster: private endpoint only unless public ranges are given, secrets encrypted,
 *    API authentication with access entries (no aws-auth ConfigMap, no implicit admin for its
 *    creator), no self-managed add-ons;
 * 3. the OIDC provider (IRSA), access entries, and the add-ons that compute needs:
 *    `vpc-cni` and `eks-pod-identity-agent`;
 * 4. managed node groups and Fargate profiles;
 * 5. the add-ons that need somewhere to run: `coredns`, `kube-proxy`, `aws-ebs-csi-driver`
 *    (created after compute, so that CoreDNS does not sit DEGRADED waiting for a node).
 *
 * Destroy runs the same edges backwards. In production the cluster cannot be destroyed by
 * Terraform (`prevent_destroy`).
 *
 * Construct ids (public API): `Key`, `KeyAlias`, `ControlPlaneLogs`, `ClusterRole`, `Resource`,
 * `OidcProvider`, `Access/<name>/...`, `Addons/<add-on>/...`, `NodeRole`, `NodeGroups/<key>/...`,
 * `FargatePodRole`, `FargateProfiles/<key>`.
 */
export class EksCluster extends Construct implements IEksCluster {
  public readonly resource: AwsEksCluster;
  public readonly clusterName: string;
  public readonly clusterArn: string;
  public readonly endpoint: string;
  public readonly certificateAuthorityData: string;
  public readonly kubernetesVersion: string;
  public readonly oidcIssuerUrl: string;
  public readonly oidcProviderArn: string;
  public readonly clusterSecurityGroupId: string;
  public readonly vpc: IVpc;
  public readonly nodeRoleArn: string;
  public readonly nodeRoleName: string;
  /** The KMS key of secrets (and, when created here, the control-plane logs). */
  public readonly keyArn: string;
  public readonly nodeGroups: Readonly<Record<string, NodeGroup>>;
  public readonly fargateProfiles: Readonly<Record<string, EksFargateProfile>>;
  /** The managed add-ons, by name. */
  public readonly addons: Readonly<Record<string, EksAddon>>;
  private readonly addonVersions: Readonly<Record<EksManagedAddon, string>>;
  private readonly addonsScope: Construct;

  constructor(scope: Construct, id: string, props: EksClusterProps) {
    super(scope, id);
    const env = AwsEnvironment.of(this);
    const fail = (message: string): never => {
      throw new ValidationError(message, this);
    };
    const name = props.clusterName ?? physicalName([env.environment, id.toLowerCase()], NameRules.cluster);
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/.test(name)) fail(`'clusterName' must be 1-100 letters, digits, _ and -, starting with a letter or digit, got ${showValue(name)}`);
    if (!(KUBERNETES_VERSIONS as readonly string[]).includes(props.version)) {
      fail(`'version' must be a supported Kubernetes version (${KUBERNETES_VERSIONS.join(", ")}), got ${showValue(props.version)}`);
    }
    const subnets = props.vpc.privateSubnetIds;
    const zones = new Set(props.vpc.availabilityZones);
    if (subnets.length < 2 || zones.size < 2) {
      fail(`'vpc' must have private subnets in at least two availability zones (EKS refuses fewer), got ${subnets.length} subnet(s) in ${[...zones].join(", ") || "no zone"}`);
    }
    const publicCidrs = props.publicAccessCidrs;
    if (publicCidrs !== undefined) {
      if (publicCidrs.length === 0) fail("'publicAccessCidrs' must list at least one IPv4 CIDR; leave it out for no public endpoint");
      publicCidrs.forEach((range, i) => {
        const parsed = parseIpv4Cidr(range);
        if (!parsed) fail(`'publicAccessCidrs[${i}]' must be an IPv4 CIDR such as 203.0.113.0/24, got ${showValue(range)}`);
        if (parsed?.prefix === 0 && env.production) {
          fail(`'publicAccessCidrs[${i}]' ${showValue(range)} opens the API endpoint to the whole internet, which is refused in production (environment ${showValue(env.environment)})`);
        }
      });
    }
    const logTypes = props.logTypes ?? EKS_LOG_TYPES;
    logTypes.forEach((type, i) => {
      if (!(EKS_LOG_TYPES as readonly string[]).includes(type)) fail(`'logTypes[${i}]' must be one of ${EKS_LOG_TYPES.join(", ")}, got ${showValue(type)}`);
    });
    const retention = props.logRetentionDays ?? 365;
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(retention)) fail(`'logRetentionDays' must be one of ${LOG_RETENTION_DAYS.join(", ")}, got ${showValue(retention)}`);
    const nodeGroupKeys = Object.keys(props.nodeGroups ?? {});
    const profileKeys = Object.keys(props.fargateProfiles ?? {});
    if (nodeGroupKeys.length === 0 && profileKeys.length === 0) fail("'nodeGroups' or 'fargateProfiles' must hold at least one entry: a cluster with no compute cannot run CoreDNS");
    for (const [key, version] of Object.entries(props.addonVersions ?? {})) {
      if (!Object.hasOwn(MANAGED_ADDON_VERSIONS[props.version], key)) fail(`'addonVersions' key ${showValue(key)} must be one of ${Object.keys(MANAGED_ADDON_VERSIONS[props.version]).join(", ")}`);
      if (!/^v\d+\.\d+\.\d+(-eksbuild\.\d+)?$/.test(version ?? "")) fail(`'addonVersions.${key}' must be an add-on version such as v1.19.5-eksbuild.1, got ${showValue(version)}`);
    }
    this.addonVersions = { ...MANAGED_ADDON_VERSIONS[props.version], ...props.addonVersions };
    const cniIdentity = props.cniIdentity ?? "irsa";
    if (cniIdentity !== "irsa" && cniIdentity !== "pod-identity") fail(`'cniIdentity' must be "irsa" or "pod-identity", got ${showValue(cniIdentity)}`);
    for (const key of nodeGroupKeys) {
      if (!/^[a-z0-9][a-z0-9-]{0,19}$/.test(key)) fail(`'nodeGroups' key ${showValue(key)} must be 1-20 lower-case letters, digits and -`);
    }
    // Checked before anything is built, so that an error leaves no half-built construct.
    for (const [key, options] of Object.entries(props.fargateProfiles ?? {})) {
      if (!/^[a-z0-9][a-z0-9-]{0,19}$/.test(key)) fail(`'fargateProfiles' key ${showValue(key)} must be 1-20 lower-case letters, digits and -`);
      if (options.selectors.length < 1 || options.selectors.length > 5) fail(`'fargateProfiles.${key}.selectors' must hold 1 to 5 selectors, got ${options.selectors.length}`);
      options.selectors.forEach((selector, i) => {
        if (!DNS_LABEL.test(selector.namespace)) fail(`'fargateProfiles.${key}.selectors[${i}].namespace' must be ${DNS_LABEL_RULE}, got ${showValue(selector.namespace)}`);
        for (const [label, value] of Object.entries(selector.labels ?? {})) {
          if (!LABEL_KEY.test(label)) fail(`'fargateProfiles.${key}.selectors[${i}].labels' key ${showValue(label)} must be a Kubernetes label key (an optional DNS prefix and /, then 1-63 of A-Za-z0-9_.-)`);
          if (!LABEL_VALUE.test(value)) fail(`'fargateProfiles.${key}.selectors[${i}].labels.${label}' must be a Kubernetes label value (0-63 of A-Za-z0-9_.-), got ${showValue(value)}`);
        }
      });
    }
    for (const key of Object.keys(props.access ?? {})) {
      if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(key)) fail(`'access' key ${showValue(key)} must be 1-64 lower-case letters, digits and -`);
    }
    this.vpc = props.vpc;
    const tags = (suffix = "") => ({ ...props.tags, Name: `${name}${suffix}` });

    // 1. Key and log group, before the cluster.
    const logGroupName = `/aws/eks/${name}/cluster`;
    let keyArn = props.secretsKmsKeyArn;
    if (keyArn === undefined) {
      const key = new KmsKey(this, "Key", {
        description: `Secrets and control-plane logs of EKS cluster ${name}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: policyDocument([
          { Sid: "AccountAdministersTheKey", Effect: "Allow", Principal: { AWS: env.accountRootArn }, Action: "kms:*", Resource: "*" },
          {
            Sid: "CloudWatchLogsUsesTheKeyForTheClusterLogs",
            Effect: "Allow",
            Principal: { Service: `logs.${env.region}.${env.urlSuffix}` },
            Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            Resource: "*",
            // The control-plane logs, and other log groups of the cluster such as its container logs.
            Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": env.arn("logs", `log-group:/aws/eks/${name}/*`) } },
          },
        ]),
        tags: tags(),
      });
      new KmsAlias(this, "KeyAlias", { name: `alias/${physicalName([name, "eks"], NameRules.kmsAlias)}`, targetKeyId: key.keyId });
      keyArn = key.arn;
    } else if (!Token.isUnresolved(keyArn) && !/^arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/.test(keyArn)) {
      fail(`'secretsKmsKeyArn' must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), got ${showValue(keyArn)}`);
    }
    this.keyArn = keyArn!;
    const logs = new CloudwatchLogGroup(this, "ControlPlaneLogs", {
      name: logGroupName,
      retentionInDays: retention,
      // A key passed in may not let CloudWatch Logs use it; the logs then use CloudWatch's own encryption.
      kmsKeyId: props.secretsKmsKeyArn === undefined ? keyArn : undefined,
      tags: tags("-control-plane"),
    });

    const clusterRole = new Role(this, "ClusterRole", {
      roleName: physicalName([name, "cluster"], NameRules.iamRole),
      description: `EKS control plane of ${name}`,
      assumeRoleStatements: [{ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
      managedPolicyArns: [`arn:${env.partition}:iam::aws:policy/AmazonEKSClusterPolicy`],
      tags: tags("-cluster"),
    });
    clusterRole.addToPrincipalPolicy({
      Sid: "EnvelopeEncryptionOfSecrets",
      Effect: "Allow",
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
      Resource: keyArn!,
    });

    // 2. The cluster.
    this.resource = new AwsEksCluster(this, "Resource", {
      name,
      version: props.version,
      roleArn: clusterRole.roleArn,
      vpcConfig: {
        subnetIds: subnets,
        endpointPrivateAccess: true,
        endpointPublicAccess: publicCidrs !== undefined,
        publicAccessCidrs: publicCidrs ? [...publicCidrs] : undefined,
      },
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
      bootstrapSelfManagedAddons: false,
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: keyArn! } },
      enabledClusterLogTypes: [...logTypes],
      tags: tags(),
      dependsOn: [logs, ...clusterRole.withPermissions],
      lifecycle: env.production ? { preventDestroy: true } : undefined,
    });
    this.clusterName = this.resource.name;
    this.clusterArn = this.resource.arn;
    this.endpoint = this.resource.endpoint;
    this.certificateAuthorityData = this.resource.certificateAuthority.get(0).data;
    this.kubernetesVersion = props.version;
    this.oidcIssuerUrl = this.resource.identity.get(0).oidc.get(0).issuer;
    this.clusterSecurityGroupId = this.resource.vpcConfig.clusterSecurityGroupId;

    // 3. Identity, access, and the add-ons compute needs.
    const oidc = new IamOpenidConnectProvider(this, "OidcProvider", {
      url: this.oidcIssuerUrl,
      clientIdList: ["sts.amazonaws.com"],
      tags: tags("-oidc"),
    });
    this.oidcProviderArn = oidc.arn;

    const accessScope = new Construct(this, "Access");
    for (const [key, entry] of Object.entries(props.access ?? {})) this.addAccess(accessScope, key, entry);

    this.addonsScope = new Construct(this, "Addons");
    const addons: Record<string, EksAddon> = {};
    this.addons = addons;
    const cniRole = new ServiceAccountRole(this.addonsScope, "vpc-cni-role", {
      cluster: this,
      namespace: "kube-system",
      serviceAccount: "aws-node",
      mode: cniIdentity,
      associate: false,
      roleName: physicalName([name, "vpc-cni"], NameRules.iamRole),
      managedPolicyArns: [`arn:${env.partition}:iam::aws:policy/AmazonEKS_CNI_Policy`],
    });
    this.addManagedAddon("vpc-cni", {
      role: cniRole,
      serviceAccount: "aws-node",
      configuration: props.networkPolicyEnforcement ?? true ? { enableNetworkPolicy: "true" } : undefined,
    });
    this.addManagedAddon("eks-pod-identity-agent");
    const beforeCompute: ITerraformDependable[] = [addons["vpc-cni"], addons["eks-pod-identity-agent"]];

    // 4. Compute.
    const nodeRole = new Role(this, "NodeRole", {
      roleName: physicalName([name, "node"], NameRules.iamRole),
      description: `Nodes of EKS cluster ${name}`,
      assumeRoleStatements: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
      managedPolicyArns: NODE_POLICIES.map((policy) => `arn:${env.partition}:iam::aws:policy/${policy}`),
      tags: tags("-node"),
    });
    this.nodeRoleArn = nodeRole.roleArn;
    this.nodeRoleName = nodeRole.roleName;
    const nodeGroups: Record<string, NodeGroup> = {};
    if (nodeGroupKeys.length > 0) {
      const groupsScope = new Construct(this, "NodeGroups");
      for (const [key, options] of Object.entries(props.nodeGroups ?? {})) {
        nodeGroups[key] = new NodeGroup(groupsScope, key, {
          ...options,
          clusterName: this.clusterName,
          // EKS allows 63 characters and Terraform's suffix takes 26: long names end in a hash.
          namePrefix: `${physicalName([name, key], { ...NameRules.cluster, maxLength: 36 })}-`,
          kubernetesVersion: props.version,
          nodeRoleArn: nodeRole.roleArn,
          subnetIds: subnets,
          dependsOn: [...beforeCompute, ...nodeRole.withPermissions],
          tags: props.tags ?? {},
        });
      }
    }
    this.nodeGroups = nodeGroups;
    const profiles: Record<string, EksFargateProfile> = {};
    if (profileKeys.length > 0) {
      const podRole = new Role(this, "FargatePodRole", {
        roleName: physicalName([name, "fargate-pod"], NameRules.iamRole),
        description: `Pods of EKS cluster ${name} on Fargate`,
        assumeRoleStatements: [
          {
            Effect: "Allow",
            Principal: { Service: "eks-fargate-pods.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { ArnLike: { "aws:SourceArn": env.arn("eks", `fargateprofile/${name}/*`) } },
          },
        ],
        managedPolicyArns: [`arn:${env.partition}:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy`],
        tags: tags("-fargate-pod"),
      });
      const profilesScope = new Construct(this, "FargateProfiles");
      for (const [key, options] of Object.entries(props.fargateProfiles ?? {})) {
        profiles[key] = new EksFargateProfile(profilesScope, key, {
          clusterName: this.clusterName,
          fargateProfileName: key,
          podExecutionRoleArn: podRole.roleArn,
          subnetIds: subnets,
          selector: options.selectors.map((s) => ({ namespace: s.namespace, labels: s.labels ? { ...s.labels } : undefined })),
          tags: tags(`-${key}`),
          dependsOn: [...beforeCompute, ...podRole.withPermissions],
        });
      }
    }
    this.fargateProfiles = profiles;

    // 5. Add-ons that run on compute.
    const compute: ITerraformDependable[] = [...Object.values(nodeGroups).map((g) => g.resource), ...Object.values(profiles)];
    this.addManagedAddon("coredns", { dependsOn: compute, configuration: nodeGroupKeys.length === 0 ? { computeType: "Fargate" } : undefined });
    this.addManagedAddon("kube-proxy", { dependsOn: compute });
    if (nodeGroupKeys.length > 0) {
      // EBS volumes attach to EC2 nodes only; Fargate pods cannot use them.
      const ebsRole = new ServiceAccountRole(this.addonsScope, "aws-ebs-csi-driver-role", {
        cluster: this,
        namespace: "kube-system",
        serviceAccount: "ebs-csi-controller-sa",
        associate: false,
        roleName: physicalName([name, "ebs-csi"], NameRules.iamRole),
        managedPolicyArns: [`arn:${env.partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy`],
      });
      this.addManagedAddon("aws-ebs-csi-driver", { role: ebsRole, serviceAccount: "ebs-csi-controller-sa", dependsOn: compute });
    }
  }

  /**
   * Gives a principal access to the cluster: `<scope>/<key>/Entry` and, for a `STANDARD` entry,
   * `<scope>/<key>/Policy`. `EC2_LINUX` entries let nodes join (their policy is implicit).
   */
  public addAccess(scope: Construct, key: string, entry: AccessEntryOptions, type: "STANDARD" | "EC2_LINUX" = "STANDARD"): EksAccessEntry {
    const fail = (message: string): never => {
      throw new ValidationError(message, this);
    };
    if (!/^arn:aws(-cn|-us-gov)?:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/.test(entry.principalArn) && !Token.isUnresolved(entry.principalArn)) {
      fail(`'access.${key}.principalArn' must be an IAM role or user ARN, got ${showValue(entry.principalArn)}`);
    }
    if (!(EKS_ACCESS_LEVELS as readonly string[]).includes(entry.level)) fail(`'access.${key}.level' must be one of ${EKS_ACCESS_LEVELS.join(", ")}, got ${showValue(entry.level)}`);
    if (entry.namespaces !== undefined) {
      if (entry.level === "cluster-admin") fail(`'access.${key}.namespaces' cannot limit "cluster-admin", which is cluster-wide; use "admin" for namespace administrators`);
      if (entry.namespaces.length === 0) fail(`'access.${key}.namespaces' must list at least one namespace; leave it out for cluster-wide access`);
      entry.namespaces.forEach((ns, i) => {
        if (!DNS_LABEL.test(ns)) fail(`'access.${key}.namespaces[${i}]' must be ${DNS_LABEL_RULE}, got ${showValue(ns)}`);
      });
    }
    const env = AwsEnvironment.of(this);
    const holder = new Construct(scope, key);
    const accessEntry = new EksAccessEntry(holder, "Entry", { clusterName: this.clusterName, principalArn: entry.principalArn, type });
    if (type === "STANDARD") {
      new EksAccessPolicyAssociation(holder, "Policy", {
        clusterName: this.clusterName,
        principalArn: accessEntry.principalArn,
        policyArn: `arn:${env.partition}:eks::aws:cluster-access-policy/${ACCESS_POLICIES[entry.level]}`,
        accessScope: entry.namespaces ? { type: "namespace", namespaces: [...entry.namespaces] } : { type: "cluster" },
      });
    }
    return accessEntry;
  }

  /**
   * An EKS managed add-on at its pinned version (`Addons/<name>`), with conflicts resolved in
   * the add-on's favour: Terraform's configuration is the truth.
   */
  public addManagedAddon(
    name: EksManagedAddon,
    options: { role?: ServiceAccountRole; serviceAccount?: string; configuration?: Record<string, unknown>; dependsOn?: ITerraformDependable[] } = {},
  ): EksAddon {
    const podIdentity = options.role?.mode === "pod-identity";
    const addon = new EksAddon(this.addonsScope, name, {
      clusterName: this.clusterName,
      addonName: name,
      addonVersion: this.addonVersions[name],
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
      serviceAccountRoleArn: options.role && !podIdentity ? options.role.roleArn : undefined,
      podIdentityAssociation: options.role && podIdentity ? [{ roleArn: options.role.roleArn, serviceAccount: options.serviceAccount! }] : undefined,
      configurationValues: options.configuration ? JSON.stringify(options.configuration) : undefined,
      // The role's policies stay until the add-on is gone, and exist before it starts.
      dependsOn: [...(options.dependsOn ?? []), ...(options.role?.role.withPermissions ?? [])],
    });
    (this.addons as Record<string, EksAddon>)[name] = addon;
    return addon;
  }

  /** The AWS role of a service account (Pod Identity by default, IRSA as an option). */
  public serviceAccountRole(scope: Construct, id: string, props: Omit<ServiceAccountRoleProps, "cluster">): ServiceAccountRole {
    return new ServiceAccountRole(scope, id, { ...props, cluster: this });
  }
}
