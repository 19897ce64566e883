import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { EksNodeGroup } from "@cdktf/provider-aws/lib/eks-node-group";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { EC2_INSTANCE_TYPE, LABEL_KEY, LABEL_VALUE, TAINT_EFFECTS, ValidationError, showValue, type TaintEffect } from "@platform/core";

/** A Kubernetes taint on every node of a group. */
export interface NodeTaint {
  readonly key: string;
  /** @default "" */
  readonly value?: string;
  readonly effect: TaintEffect;
}

/** A managed node group of Amazon Linux 2023 nodes. */
export interface NodeGroupOptions {
  /** One or more instance types of one CPU architecture; several spread spot capacity. */
  readonly instanceTypes: readonly string[];
  /** @default "on-demand" */
  readonly capacityType?: "on-demand" | "spot";
  readonly minSize: number;
  readonly maxSize: number;
  /** The size at creation; ignored afterwards, when an autoscaler owns it. @default minSize (at least 1) */
  readonly desiredSize?: number;
  /** Encrypted gp3 root volume. @default 50 */
  readonly diskSizeGiB?: number;
  /** Nodes replaced at once during an update. @default 1 */
  readonly maxUnavailable?: number;
  /** @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default [] */
  readonly taints?: readonly NodeTaint[];
}

export interface NodeGroupProps extends NodeGroupOptions {
  /** The cluster's name as a reference, so that the group waits for the cluster. */
  readonly clusterName: string;
  /** The group's name prefix (at most 37 characters): Terraform appends a unique suffix. */
  readonly namePrefix: string;
  readonly kubernetesVersion: string;
  readonly nodeRoleArn: string;
  readonly subnetIds: string[];
  /** What must exist before the first node joins: the CNI, the Pod Identity agent, the node role's policies. */
  readonly dependsOn: ITerraformDependable[];
  readonly tags: Readonly<Record<string, string>>;
}

/** The AWS-managed policies of a node's role. The VPC CNI has a role of its own (least privilege). */
export const NODE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonSSMManagedInstanceCore"] as const;

const EFFECTS: Record<TaintEffect, string> = { NoSchedule: "NO_SCHEDULE", NoExecute: "NO_EXECUTE", PreferNoSchedule: "PREFER_NO_SCHEDULE" };

/**
 * A managed node group behind a launch template of its own (IMDSv2 with hop limit 1, so that
 * pods cannot borrow the node's role; an encrypted gp3 root volume).
 *
 * The group's name is a prefix plus a suffix Terraform picks, and it is created before it is
 * destroyed: a change that forces replacement (instance types, capacity type, subnets) brings the
 * new group up and drains the old one, instead of deleting capacity first. The desired size is
 * set at creation and ignored afterwards, so that applies never fight the autoscaler.
 */
export class NodeGroup extends Construct {
  public readonly resource: EksNodeGroup;
  public readonly architecture: "x86_64" | "arm64";

  constructor(scope: Construct, id: string, props: NodeGroupProps) {
    super(scope, id);
    const at = `'nodeGroups.${id}`;
    const fail = (message: string): never => {
      throw new ValidationError(message, this);
    };
    if (props.instanceTypes.length === 0) fail(`${at}.instanceTypes' must list at least one EC2 instance type`);
    props.instanceTypes.forEach((type, i) => {
      if (!EC2_INSTANCE_TYPE.test(type)) fail(`${at}.instanceTypes[${i}]' must be an EC2 instance type such as m7g.large, got ${showValue(type)}`);
    });
    const arches = new Set(props.instanceTypes.map(architectureOf));
    if (arches.size > 1) fail(`${at}.instanceTypes' must share one CPU architecture (a node group has one image), got ${props.instanceTypes.join(", ")}`);
    this.architecture = [...arches][0];
    const whole = (v: unknown, min: number, max: number) => typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
    if (!whole(props.minSize, 0, 450)) fail(`${at}.minSize' must be a whole number from 0 to 450, got ${showValue(props.minSize)}`);
    if (!whole(props.maxSize, Math.max(1, props.minSize), 450)) fail(`${at}.maxSize' must be a whole number from ${Math.max(1, props.minSize)} (and minSize) to 450, got ${showValue(props.maxSize)}`);
    const desired = props.desiredSize ?? Math.max(1, props.minSize);
    if (!whole(desired, props.minSize, props.maxSize)) fail(`${at}.desiredSize' must be a whole number from minSize to maxSize (${props.minSize}..${props.maxSize}), got ${showValue(desired)}`);
    const disk = props.diskSizeGiB ?? 50;
    if (!whole(disk, 20, 16384)) fail(`${at}.diskSizeGiB' must be a whole number from 20 to 16384, got ${showValue(disk)}`);
    const maxUnavailable = props.maxUnavailable ?? 1;
    if (!whole(maxUnavailable, 1, 100)) fail(`${at}.maxUnavailable' must be a whole number from 1 to 100, got ${showValue(maxUnavailable)}`);
    const capacity = props.capacityType ?? "on-demand";
    if (capacity !== "on-demand" && capacity !== "spot") fail(`${at}.capacityType' must be "on-demand" or "spot", got ${showValue(capacity)}`);
    for (const [key, value] of Object.entries(props.labels ?? {})) {
      if (!LABEL_KEY.test(key)) fail(`${at}.labels' key ${showValue(key)} must be a Kubernetes label key (an optional DNS prefix and /, then 1-63 of A-Za-z0-9_.-)`);
      if (!LABEL_VALUE.test(value)) fail(`${at}.labels.${key}' must be a Kubernetes label value (0-63 of A-Za-z0-9_.-), got ${showValue(value)}`);
    }
    (props.taints ?? []).forEach((taint, i) => {
      if (!LABEL_KEY.test(taint.key)) fail(`${at}.taints[${i}].key' must be a Kubernetes taint key (an optional DNS prefix and /, then 1-63 of A-Za-z0-9_.-), got ${showValue(taint.key)}`);
      if (!LABEL_VALUE.test(taint.value ?? "")) fail(`${at}.taints[${i}].value' must be a Kubernetes label value (0-63 of A-Za-z0-9_.-), got ${showValue(taint.value)}`);
      if (!(TAINT_EFFECTS as readonly string[]).includes(taint.effect)) {
        fail(`${at}.taints[${i}].effect' must be one of ${TAINT_EFFECTS.join(", ")}, got ${showValue(taint.effect)}`);
      }
    });
    const name = props.namePrefix.replace(/-$/, "");

    const template = new LaunchTemplate(this, "LaunchTemplate", {
      namePrefix: `${name}-`,
      description: `Nodes of EKS node group ${name}`,
      updateDefaultVersion: true,
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
      blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: disk, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
      monitoring: { enabled: true },
      tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({ resourceType, tags: { ...props.tags, Name: name } })),
      tags: { ...props.tags, Name: name },
    });
    this.resource = new EksNodeGroup(this, "Resource", {
      clusterName: props.clusterName,
      nodeGroupNamePrefix: props.namePrefix,
      version: props.kubernetesVersion,
      nodeRoleArn: props.nodeRoleArn,
      subnetIds: props.subnetIds,
      amiType: this.architecture === "arm64" ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD",
      capacityType: capacity === "spot" ? "SPOT" : "ON_DEMAND",
      instanceTypes: [...props.instanceTypes],
      scalingConfig: { minSize: props.minSize, maxSize: props.maxSize, desiredSize: desired },
      updateConfig: { maxUnavailable },
      launchTemplate: { id: template.id, version: `${template.latestVersion}` },
      labels: props.labels ? { ...props.labels } : undefined,
      taint: (props.taints ?? []).map((t) => ({ key: t.key, value: t.value, effect: EFFECTS[t.effect] })),
      // EKS tags the group's Auto Scaling group for Cluster Autoscaler discovery itself.
      tags: { ...props.tags, Name: name },
      dependsOn: props.dependsOn,
      lifecycle: { createBeforeDestroy: true, ignoreChanges: ["scaling_config[0].desired_size"] },
    });
  }
}

/** Graviton instance families have a `g` after the generation digit (m7g, c7gn, t4g, r8gd), and a1 is the first Graviton. */
export function architectureOf(instanceType: string): "x86_64" | "arm64" {
  return /^[a-z]+\d+[a-z-]*g[a-z-]*\./.test(instanceType) || /^a1\./.test(instanceType) ? "arm64" : "x86_64";
}
