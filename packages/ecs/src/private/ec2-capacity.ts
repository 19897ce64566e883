import { Construct } from "constructs";
import { Fn } from "cdktf";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { EcsCapacityProvider } from "@cdktf/provider-aws/lib/ecs-capacity-provider";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { AwsEnvironment, EC2_INSTANCE_TYPE, Role, ValidationError, showValue } from "@platform/core";
import { Connections } from "@platform/vpc";

/** EC2 instances for an ECS cluster, as one capacity provider. */
export interface Ec2CapacityOptions {
  /** An instance type, such as `m7g.large` (Graviton) or `m7i.large`. */
  readonly instanceType: string;
  /** @default 0 */
  readonly minSize?: number;
  readonly maxSize: number;
  /** `arm64` for Graviton instance types. @default - from the instance type: a `g` after the generation digit means arm64 */
  readonly architecture?: "x86_64" | "arm64";
  /** Spot instances, with capacity rebalancing. @default false */
  readonly spot?: boolean;
  /** Encrypted gp3 root volume size. @default 30 */
  readonly rootVolumeSizeGiB?: number;
  /** How full managed scaling keeps the group, in percent. @default 100 */
  readonly targetCapacityPercent?: number;
}

export interface Ec2CapacityProps extends Ec2CapacityOptions {
  readonly clusterName: string;
  readonly providerName: string;
  readonly vpcId: string;
  readonly subnetIds: string[];
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * An Auto Scaling group of ECS-optimized Amazon Linux 2023 instances and its capacity provider.
 * The image is resolved at launch from the public SSM parameter (`resolve:ssm:`), so synthesis
 * and plans need no data-source look-up and instances always start from the recommended image.
 */
export class Ec2Capacity extends Construct {
  public readonly providerName: string;
  public readonly capacityProvider: EcsCapacityProvider;
  public readonly autoScalingGroup: AutoscalingGroup;
  public readonly instanceRole: Role;
  public readonly securityGroupId: string;
  /** The instances' CPU architecture. */
  public readonly architecture: "x86_64" | "arm64";
  /** The instances' security group. */
  public readonly connections: Connections;

  constructor(scope: Construct, id: string, props: Ec2CapacityProps) {
    super(scope, id);
    const env = AwsEnvironment.of(this);
    const fail = (message: string): never => {
      throw new ValidationError(message, this);
    };
    const at = `'ec2Capacity.${id}`;
    if (!EC2_INSTANCE_TYPE.test(props.instanceType)) {
      fail(`${at}.instanceType' must be an EC2 instance type such as m7g.large, got ${showValue(props.instanceType)}`);
    }
    const minSize = props.minSize ?? 0;
    if (!Number.isInteger(minSize) || minSize < 0) fail(`${at}.minSize' must be a whole number of at least 0, got ${showValue(minSize)}`);
    if (!Number.isInteger(props.maxSize) || props.maxSize < Math.max(1, minSize) || props.maxSize > 1000) {
      fail(`${at}.maxSize' must be a whole number from ${Math.max(1, minSize)} (and minSize) to 1000, got ${showValue(props.maxSize)}`);
    }
    const volume = props.rootVolumeSizeGiB ?? 30;
    if (!Number.isInteger(volume) || volume < 30 || volume > 16384) {
      fail(`${at}.rootVolumeSizeGiB' must be a whole number from 30 (the image's own size) to 16384, got ${showValue(volume)}`);
    }
    const target = props.targetCapacityPercent ?? 100;
    if (!Number.isInteger(target) || target < 1 || target > 100) fail(`${at}.targetCapacityPercent' must be a whole number from 1 to 100, got ${showValue(target)}`);
    const architecture = props.architecture ?? (/^[a-z]+\d+[a-z]*g[a-z]*\./.test(props.instanceType) ? "arm64" : "x86_64");
    if (architecture !== "x86_64" && architecture !== "arm64") fail(`${at}.architecture' must be "x86_64" or "arm64", got ${showValue(architecture)}`);
    this.providerName = props.providerName;
    this.architecture = architecture;
    const name = props.providerName;
    const tags = { ...props.tags, Name: name };

    this.instanceRole = new Role(this, "InstanceRole", {
      roleName: `${name}-instance`.slice(0, 64),
      description: `ECS container instances of ${props.clusterName}`,
      assumeRoleStatements: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
      managedPolicyArns: [
        `arn:${env.partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role`,
        `arn:${env.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
      ],
      tags,
    });
    const profile = new IamInstanceProfile(this, "InstanceProfile", { name: `${name}-instance`.slice(0, 128), role: this.instanceRole.roleName, tags });

    // Instances accept no inbound traffic of their own: services open what their tasks need.
    const securityGroup = new SecurityGroup(this, "SecurityGroup", {
      name: `${name}-instances`,
      description: `ECS container instances of ${props.clusterName}: no inbound by default`,
      vpcId: props.vpcId,
      tags,
      lifecycle: { createBeforeDestroy: true },
    });
    new VpcSecurityGroupEgressRule(securityGroup, "HttpsOut", {
      securityGroupId: securityGroup.id,
      description: "HTTPS to ECS, ECR, CloudWatch and SSM (directly or through VPC endpoints)",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
    });
    this.securityGroupId = securityGroup.id;
    this.connections = new Connections(securityGroup, securityGroup.id);

    const imageParameter = `/aws/service/ecs/optimized-ami/amazon-linux-2023/${architecture === "arm64" ? "arm64/" : ""}recommended/image_id`;
    const userData = [
      "#!/bin/bash",
      `echo ECS_CLUSTER=${props.clusterName} >> /etc/ecs/ecs.config`,
      "echo ECS_AWSVPC_BLOCK_IMDS=true >> /etc/ecs/ecs.config",
      "echo ECS_ENABLE_SPOT_INSTANCE_DRAINING=true >> /etc/ecs/ecs.config",
      "",
    ].join("\n");
    const template = new LaunchTemplate(this, "LaunchTemplate", {
      namePrefix: `${name}-`,
      imageId: `resolve:ssm:${imageParameter}`,
      instanceType: props.instanceType,
      iamInstanceProfile: { arn: profile.arn },
      vpcSecurityGroupIds: [securityGroup.id],
      userData: Fn.base64encode(userData),
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
      blockDeviceMappings: [
        { deviceName: "/dev/xvda", ebs: { volumeSize: volume, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
      ],
      monitoring: { enabled: true },
      instanceMarketOptions: props.spot ? { marketType: "spot" } : undefined,
      tagSpecifications: [
        { resourceType: "instance", tags },
        { resourceType: "volume", tags },
      ],
      updateDefaultVersion: true,
      tags,
    });

    this.autoScalingGroup = new AutoscalingGroup(this, "AutoScalingGroup", {
      namePrefix: `${name}-`,
      minSize,
      maxSize: props.maxSize,
      vpcZoneIdentifier: props.subnetIds,
      launchTemplate: { id: template.id, version: "$Latest" },
      protectFromScaleIn: true,
      capacityRebalance: props.spot ?? false,
      healthCheckType: "EC2",
      defaultInstanceWarmup: 60,
      tag: [
        { key: "AmazonECSManaged", value: "true", propagateAtLaunch: true },
        { key: "Name", value: name, propagateAtLaunch: true },
      ],
      // ECS managed scaling owns the group's size once it exists.
      lifecycle: { ignoreChanges: ["desired_capacity"] },
    });

    this.capacityProvider = new EcsCapacityProvider(this, "Resource", {
      name,
      autoScalingGroupProvider: {
        autoScalingGroupArn: this.autoScalingGroup.arn,
        managedTerminationProtection: "ENABLED",
        managedDraining: "ENABLED",
        managedScaling: { status: "ENABLED", targetCapacity: target, minimumScalingStepSize: 1, maximumScalingStepSize: 10 },
      },
      tags,
    });
  }
}
