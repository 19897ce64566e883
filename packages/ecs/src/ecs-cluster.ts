import { Construct } from "constructs";
import { EcsCluster as AwsEcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { ServiceDiscoveryHttpNamespace } from "@cdktf/provider-aws/lib/service-discovery-http-namespace";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import {
  AwsEnvironment,
  LOG_RETENTION_DAYS,
  NameRules,
  ValidationError,
  physicalName,
  policyDocument,
  showValue,
} from "@platform/core";
import type { Connections, IVpc } from "@platform/vpc";
import { Ec2Capacity, type Ec2CapacityOptions } from "./private/ec2-capacity";

export type { Ec2CapacityOptions } from "./private/ec2-capacity";

/** An ECS cluster that services run in. */
export interface IEcsCluster {
  readonly clusterName: string;
  readonly clusterArn: string;
  /** Capacity providers services may name in a strategy: `FARGATE`, `FARGATE_SPOT` and the EC2 ones by key. */
  readonly capacityProviderNames: readonly string[];
  /** The cluster's KMS key: ECS Exec sessions, and the log groups under `/aws/ecs/<cluster>/`. */
  readonly keyArn: string;
  /** The capacity provider a strategy item names: `FARGATE`, `FARGATE_SPOT`, or an EC2 capacity by key. */
  capacityProvider(nameOrKey: string): string | undefined;
  /** The security group of an EC2 capacity's instances, by key. */
  instanceConnections(key: string): Connections | undefined;
  /** The CPU architecture of an EC2 capacity's instances, by key. */
  instanceArchitecture(key: string): "ARM64" | "X86_64" | undefined;
  /** The Cloud Map namespace of Service Connect, when the cluster has one. */
  readonly serviceConnectNamespaceArn?: string;
  /** Whether Container Insights metrics (such as the running-task count) exist. @default - unknown */
  readonly containerInsights?: "enabled" | "enhanced" | "disabled";
}

/** One entry of a capacity provider strategy. */
export interface CapacityProviderStrategyItem {
  /** `FARGATE`, `FARGATE_SPOT`, or the key of an EC2 capacity. */
  readonly capacityProvider: string;
  /** Tasks placed here before the weights apply. @default 0 */
  readonly base?: number;
  /** @default 1 */
  readonly weight?: number;
}

export interface EcsClusterProps {
  /** The VPC whose private subnets EC2 capacity runs in (required when `ec2Capacity` is given). */
  readonly vpc?: IVpc;
  /** @default `<environment>-<construct id>`, lower case */
  readonly clusterName?: string;
  /** `enhanced` adds per-container metrics at a higher price. @default "enabled" */
  readonly containerInsights?: "enabled" | "enhanced" | "disabled";
  /** Offer FARGATE_SPOT to services. @default true */
  readonly fargateSpot?: boolean;
  /**
   * EC2 capacity keyed by name (the capacity provider is `<cluster>-<key>`): adding one never
   * touches another.
   * @default {}
   */
  readonly ec2Capacity?: Readonly<Record<string, Ec2CapacityOptions>>;
  /** @default - one FARGATE task as a base, then all FARGATE */
  readonly defaultCapacityProviderStrategy?: readonly CapacityProviderStrategyItem[];
  /**
   * A Cloud Map HTTP namespace (`dev.internal`) for Service Connect: services that enable it find
   * each other by name through the Service Connect proxy.
   * @default - no Service Connect
   */
  readonly serviceConnectNamespace?: string;
  /** Retention of ECS Exec session logs. @default 365 */
  readonly execLogRetentionDays?: number;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * An ECS cluster: Container Insights, a KMS key of the cluster's own for ECS Exec sessions and
 * the log groups of the cluster (`/aws/ecs/<cluster>/...`), Exec sessions logged, FARGATE and FARGATE_SPOT capacity providers, and EC2
 * capacity providers (Auto Scaling groups of ECS-optimized Amazon Linux 2023 instances, IMDSv2
 * with hop limit 1, encrypted root volumes) with managed scaling, termination protection and
 * draining.
 *
 * Construct ids (public API): `Resource`, `Key`, `KeyAlias`, `ExecLogs`,
 * `CapacityProviders`, `Ec2Capacity/<key>/...`.
 */
export class EcsCluster extends Construct implements IEcsCluster {
  public readonly resource: AwsEcsCluster;
  public readonly clusterName: string;
  public readonly clusterArn: string;
  public readonly capacityProviderNames: readonly string[];
  public readonly keyArn: string;
  public readonly serviceConnectNamespaceArn?: string;
  public readonly containerInsights: "enabled" | "enhanced" | "disabled";
  /** EC2 capacity by key. */
  public readonly ec2Capacity: Readonly<Record<string, Ec2Capacity>>;

  constructor(scope: Construct, id: string, props: EcsClusterProps = {}) {
    super(scope, id);
    const env = AwsEnvironment.of(this);
    const fail = (message: string): never => {
      throw new ValidationError(message, this);
    };
    const name = props.clusterName ?? physicalName([env.environment, id.toLowerCase()], NameRules.cluster);
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(name)) fail(`'clusterName' must be 1-255 letters, digits, _ and -, got ${showValue(name)}`);
    const insights = props.containerInsights ?? "enabled";
    this.containerInsights = insights;
    if (!["enabled", "enhanced", "disabled"].includes(insights)) {
      fail(`'containerInsights' must be "enabled", "enhanced" or "disabled", got ${showValue(insights)}`);
    }
    const retention = props.execLogRetentionDays ?? 365;
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(retention)) {
      fail(`'execLogRetentionDays' must be one of ${LOG_RETENTION_DAYS.join(", ")}, got ${showValue(retention)}`);
    }
    const capacityKeys = Object.keys(props.ec2Capacity ?? {});
    if (capacityKeys.length > 0 && !props.vpc) fail("'vpc' is required for 'ec2Capacity': the instances run in its private subnets");
    for (const key of capacityKeys) {
      if (!/^[a-z0-9][a-z0-9-]{0,30}$/.test(key)) fail(`'ec2Capacity' key ${showValue(key)} must be 1-31 lower-case letters, digits and -`);
    }
    if (capacityKeys.length > 0 && /^(aws|ecs|fargate)/i.test(name)) {
      fail(`'clusterName' ${showValue(name)} starts with aws, ecs or fargate, which ECS refuses at the start of the capacity provider names <cluster>-<key>; choose another cluster name`);
    }
    const tags = (extra: string) => ({ ...props.tags, Name: `${name}${extra}` });

    const logGroupName = `/aws/ecs/${name}/exec`;
    const key = new KmsKey(this, "Key", {
      description: `ECS Exec sessions and the log groups of cluster ${name}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument([
        { Sid: "AccountAdministersTheKey", Effect: "Allow", Principal: { AWS: env.accountRootArn }, Action: "kms:*", Resource: "*" },
        {
          Sid: "CloudWatchLogsUsesTheKeyForClusterLogs",
          Effect: "Allow",
          Principal: { Service: `logs.${env.region}.${env.urlSuffix}` },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Resource: "*",
          Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": env.arn("logs", `log-group:/aws/ecs/${name}/*`) } },
        },
      ]),
      tags: tags("-exec"),
    });
    new KmsAlias(this, "KeyAlias", { name: `alias/${physicalName([name, "ecs"], NameRules.kmsAlias)}`, targetKeyId: key.keyId });
    this.keyArn = key.arn;
    const logs = new CloudwatchLogGroup(this, "ExecLogs", {
      name: logGroupName,
      retentionInDays: retention,
      kmsKeyId: key.arn,
      tags: tags("-exec"),
    });

    if (props.serviceConnectNamespace !== undefined) {
      if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(props.serviceConnectNamespace) || props.serviceConnectNamespace.length > 253) {
        fail(`'serviceConnectNamespace' must be a DNS-style name such as dev.internal, got ${showValue(props.serviceConnectNamespace)}`);
      }
      this.serviceConnectNamespaceArn = new ServiceDiscoveryHttpNamespace(this, "Namespace", {
        name: props.serviceConnectNamespace,
        description: `Service Connect of cluster ${name}`,
        tags: tags(""),
      }).arn;
    }
    this.resource = new AwsEcsCluster(this, "Resource", {
      name,
      setting: [{ name: "containerInsights", value: insights }],
      configuration: {
        executeCommandConfiguration: {
          kmsKeyId: key.arn,
          logging: "OVERRIDE",
          logConfiguration: { cloudWatchLogGroupName: logs.name, cloudWatchEncryptionEnabled: true },
        },
      },
      serviceConnectDefaults: this.serviceConnectNamespaceArn ? { namespace: this.serviceConnectNamespaceArn } : undefined,
      tags: tags(""),
    });
    this.clusterArn = this.resource.arn;

    const ec2: Record<string, Ec2Capacity> = {};
    if (capacityKeys.length > 0) {
      const ec2Scope = new Construct(this, "Ec2Capacity");
      for (const [capacityKey, options] of Object.entries(props.ec2Capacity ?? {})) {
        ec2[capacityKey] = new Ec2Capacity(ec2Scope, capacityKey, {
          ...options,
          clusterName: name,
          providerName: `${name}-${capacityKey}`,
          subnetIds: props.vpc!.privateSubnetIds.length > 0 ? props.vpc!.privateSubnetIds : fail("'vpc' has no private subnets for 'ec2Capacity'"),
          vpcId: props.vpc!.vpcId,
          tags: props.tags ?? {},
        });
      }
    }
    this.ec2Capacity = ec2;

    const providers = ["FARGATE", ...(props.fargateSpot ?? true ? ["FARGATE_SPOT"] : []), ...Object.values(ec2).map((c) => c.providerName)];
    const byKey = (provider: string) => (ec2[provider] ? ec2[provider].providerName : provider);
    const strategy = props.defaultCapacityProviderStrategy ?? [{ capacityProvider: "FARGATE", base: 1, weight: 1 }];
    strategy.forEach((item, i) => {
      if (!providers.includes(byKey(item.capacityProvider))) {
        fail(`'defaultCapacityProviderStrategy[${i}].capacityProvider' must be one of FARGATE${props.fargateSpot ?? true ? ", FARGATE_SPOT" : ""}${capacityKeys.map((k) => `, ${k}`).join("")}, got ${showValue(item.capacityProvider)}`);
      }
      if (item.base !== undefined && (!Number.isInteger(item.base) || item.base < 0 || item.base > 100000)) {
        fail(`'defaultCapacityProviderStrategy[${i}].base' must be a whole number from 0 to 100000, got ${showValue(item.base)}`);
      }
      if (item.weight !== undefined && (!Number.isInteger(item.weight) || item.weight < 0 || item.weight > 1000)) {
        fail(`'defaultCapacityProviderStrategy[${i}].weight' must be a whole number from 0 to 1000, got ${showValue(item.weight)}`);
      }
    });
    if (strategy.filter((s) => (s.base ?? 0) > 0).length > 1) fail("'defaultCapacityProviderStrategy' may give a base to one capacity provider only");
    const usesFargate = strategy.some((s) => s.capacityProvider.startsWith("FARGATE"));
    const usesEc2 = strategy.some((s) => !s.capacityProvider.startsWith("FARGATE"));
    if (usesFargate && usesEc2) fail("'defaultCapacityProviderStrategy' cannot mix Fargate and EC2 capacity providers (ECS refuses it)");
    const capacityProviders = new EcsClusterCapacityProviders(this, "CapacityProviders", {
      clusterName: this.resource.name,
      capacityProviders: providers,
      defaultCapacityProviderStrategy: strategy.map((s) => ({ capacityProvider: byKey(s.capacityProvider), base: s.base ?? 0, weight: s.weight ?? 1 })),
      dependsOn: Object.values(ec2).map((c) => c.capacityProvider),
    });
    this.capacityProviderNames = providers;
    // The name as the capacity providers' association holds it: whatever names the cluster (a
    // service's log group, hence its task definition and the service) waits for the association,
    // or ECS refuses a strategy naming a provider not yet associated, and a service created
    // before the default strategy is set falls back to the EC2 launch type.
    this.clusterName = capacityProviders.clusterName;
  }

  public capacityProvider(nameOrKey: string): string | undefined {
    const name = this.ec2Capacity[nameOrKey]?.providerName ?? nameOrKey;
    return this.capacityProviderNames.includes(name) ? name : undefined;
  }

  public instanceConnections(key: string): Connections | undefined {
    return this.ec2Capacity[key]?.connections;
  }

  public instanceArchitecture(key: string): "ARM64" | "X86_64" | undefined {
    const capacity = this.ec2Capacity[key];
    if (!capacity) return undefined;
    return capacity.architecture === "arm64" ? "ARM64" : "X86_64";
  }
}
