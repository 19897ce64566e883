import { Construct } from "constructs";
import { type ITerraformDependable } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { AwsEnvironment, LOG_RETENTION_DAYS, ValidationError, showValue, NameRules, physicalName } from "@platform/core";
import type { IEksCluster } from "../eks-cluster";
import { ServiceAccountRole } from "../service-account-role";
import { HELM_CHARTS } from "../versions";
import { HelmChartRelease } from "./helm-chart-release";

export interface FluentBitProps {
  readonly cluster: IEksCluster;
  readonly clusterName: string;
  /**
   * A KMS key that CloudWatch Logs may use for `/aws/eks/<cluster>/*` (the key `EksCluster`
   * creates allows it).
   * @default - CloudWatch Logs' own encryption
   */
  readonly kmsKeyArn?: string;
  /** @default 365 */
  readonly retentionDays?: number;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * AWS for Fluent Bit (namespace `logging`): container logs into one encrypted log group,
 * `/aws/eks/<cluster>/containers`, created here with its retention (so that Fluent Bit never
 * creates a group without one). Its role may write to that group only.
 *
 * Construct ids (public API): `LogGroup`, `Role`, `Chart`.
 */
export class FluentBit extends Construct {
  public readonly role: ServiceAccountRole;
  public readonly chart: HelmChartRelease;
  public readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: FluentBitProps) {
    super(scope, id);
    const env = AwsEnvironment.of(this);
    const retention = props.retentionDays ?? 365;
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(retention)) throw new ValidationError(`'retentionDays' must be one of ${LOG_RETENTION_DAYS.join(", ")}, got ${showValue(retention)}`, this);
    this.logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      name: `/aws/eks/${props.clusterName}/containers`,
      retentionInDays: retention,
      kmsKeyId: props.kmsKeyArn,
    });
    this.role = new ServiceAccountRole(this, "Role", {
      cluster: props.cluster,
      namespace: "logging",
      serviceAccount: "fluent-bit",
      roleName: physicalName([props.clusterName, "fluent-bit"], NameRules.iamRole),
      description: `Fluent Bit of ${props.clusterName}`,
    });
    this.role.addToPrincipalPolicy({
      Sid: "WriteContainerLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: [this.logGroup.arn, `${this.logGroup.arn}:*`],
    });
    this.chart = new HelmChartRelease(this, "Chart", {
      chart: HELM_CHARTS.fluentBit,
      name: "aws-for-fluent-bit",
      namespace: "logging",
      values: {
        serviceAccount: { create: true, name: "fluent-bit" },
        cloudWatchLogs: { enabled: true, region: env.region, logGroupName: this.logGroup.name, autoCreateGroup: false, logRetentionDays: retention },
        firehose: { enabled: false },
        kinesis: { enabled: false },
        elasticsearch: { enabled: false },
      },
      dependsOn: [...(props.dependsOn ?? []), ...this.role.readyForPods],
    });
  }
}
