import { Construct } from "constructs";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import {
  AwsEnvironment,
  FLOW_LOG_DESTINATIONS,
  FLOW_LOG_TRAFFIC_TYPES,
  LOG_RETENTION_DAYS,
  NameRules,
  ValidationError,
  physicalName,
  showValue,
  type FlowLogDestination,
  type FlowLogTrafficType,
} from "@platform/core";

/** Where a VPC's flow logs go, and how long they are kept. */
export interface FlowLogsOptions {
  /** `none` turns flow logs off (refused in production by the environment configuration). @default "cloudwatch" */
  readonly destination?: FlowLogDestination;
  /** @default "ALL" */
  readonly trafficType?: FlowLogTrafficType;
  /** CloudWatch retention; one of the values CloudWatch accepts. @default 365 */
  readonly retentionDays?: number;
  /** A key for the log group. @default - a key created for the flow logs, rotated yearly */
  readonly kmsKeyArn?: string;
  /** The bucket (or bucket/prefix) ARN, required when the destination is `s3`. */
  readonly s3BucketArn?: string;
  /** 60 or 600 seconds. @default 600 */
  readonly maxAggregationIntervalSeconds?: 60 | 600;
}

export interface VpcFlowLogsProps extends FlowLogsOptions {
  readonly vpcId: string;
  readonly vpcName: string;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * The VPC's flow logs. To CloudWatch: a log group encrypted with a KMS key whose policy lets
 * CloudWatch Logs use it for this log group only, and a role that flow logs can assume only for
 * this account, allowed to write to this log group only. To S3: the given bucket, in Parquet,
 * partitioned by hour.
 */
export class VpcFlowLogs extends Construct {
  public readonly logGroupName?: string;

  constructor(scope: Construct, id: string, props: VpcFlowLogsProps) {
    super(scope, id);
    const env = AwsEnvironment.of(this);
    const destination = props.destination ?? "cloudwatch";
    const trafficType = props.trafficType ?? "ALL";
    const retentionDays = props.retentionDays ?? 365;
    const interval = props.maxAggregationIntervalSeconds ?? 600;
    const fail = (message: string): never => {
      throw new ValidationError(message, this);
    };
    if (!FLOW_LOG_DESTINATIONS.includes(destination)) {
      fail(`'flowLogs.destination' must be one of ${FLOW_LOG_DESTINATIONS.join(", ")}, got ${showValue(destination)}`);
    }
    if (!FLOW_LOG_TRAFFIC_TYPES.includes(trafficType)) {
      fail(`'flowLogs.trafficType' must be one of ${FLOW_LOG_TRAFFIC_TYPES.join(", ")}, got ${showValue(trafficType)}`);
    }
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(retentionDays)) {
      fail(`'flowLogs.retentionDays' must be one of ${LOG_RETENTION_DAYS.join(", ")}, got ${showValue(retentionDays)}`);
    }
    if (interval !== 60 && interval !== 600) {
      fail(`'flowLogs.maxAggregationIntervalSeconds' must be 60 or 600, got ${showValue(interval)}`);
    }
    if (destination === "none") {
      const set = (["trafficType", "retentionDays", "kmsKeyArn", "s3BucketArn", "maxAggregationIntervalSeconds"] as const).filter(
        (k) => props[k] !== undefined,
      );
      if (set.length > 0) {
        fail(`'flowLogs.${set[0]}' is set but flow logs are off ('flowLogs.destination' is "none"); remove it or choose a destination`);
      }
    }
    if (destination === "s3" && !props.s3BucketArn) {
      fail(`'flowLogs.s3BucketArn' is required when 'flowLogs.destination' is "s3"`);
    }
    if (destination !== "s3" && props.s3BucketArn) {
      fail(`'flowLogs.s3BucketArn' is only used when 'flowLogs.destination' is "s3", got destination ${showValue(destination)}`);
    }
    if (destination === "s3" && props.kmsKeyArn) {
      fail(`'flowLogs.kmsKeyArn' is only used when 'flowLogs.destination' is "cloudwatch"; an S3 destination uses the bucket's encryption`);
    }
    if (destination === "none") return;
    const tags = (name: string) => ({ ...props.tags, Name: name });

    if (destination === "s3") {
      new FlowLog(this, "Resource", {
        vpcId: props.vpcId,
        trafficType,
        logDestinationType: "s3",
        logDestination: props.s3BucketArn,
        maxAggregationInterval: interval,
        destinationOptions: { fileFormat: "parquet", perHourPartition: true, hiveCompatiblePartitions: true },
        tags: tags(`${props.vpcName}-flow-logs`),
      });
      return;
    }

    const logGroupName = `/aws/vpc-flow-logs/${props.vpcName}`;
    const logGroupArn = env.arn("logs", `log-group:${logGroupName}`);
    let kmsKeyArn = props.kmsKeyArn;
    if (!kmsKeyArn) {
      const key = new KmsKey(this, "Key", {
        description: `VPC flow logs of ${props.vpcName}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "AccountAdministersTheKey",
              Effect: "Allow",
              Principal: { AWS: env.accountRootArn },
              Action: "kms:*",
              Resource: "*",
            },
            {
              Sid: "CloudWatchLogsUsesTheKeyForThisLogGroup",
              Effect: "Allow",
              Principal: { Service: `logs.${env.region}.${env.urlSuffix}` },
              Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
              Resource: "*",
              Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": logGroupArn } },
            },
          ],
        }),
        tags: tags(`${props.vpcName}-flow-logs`),
      });
      new KmsAlias(this, "KeyAlias", {
        name: `alias/${physicalName([props.vpcName, "flow-logs"], NameRules.kmsAlias)}`,
        targetKeyId: key.keyId,
      });
      kmsKeyArn = key.arn;
    }

    const logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      name: logGroupName,
      retentionInDays: retentionDays,
      kmsKeyId: kmsKeyArn,
      tags: tags(`${props.vpcName}-flow-logs`),
    });
    this.logGroupName = logGroup.name;

    const role = new IamRole(this, "Role", {
      name: physicalName([props.vpcName, "flow-logs"], NameRules.iamRole),
      description: `Lets VPC flow logs of ${props.vpcName} write to ${logGroupName}`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "vpc-flow-logs.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: {
              StringEquals: { "aws:SourceAccount": env.accountId },
              ArnLike: { "aws:SourceArn": env.arn("ec2", "vpc-flow-log/*") },
            },
          },
        ],
      }),
      tags: tags(`${props.vpcName}-flow-logs`),
    });
    new IamRolePolicy(this, "RolePolicy", {
      name: "write-flow-logs",
      role: role.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resource: [logGroupArn, `${logGroupArn}:*`],
          },
        ],
      }),
    });

    new FlowLog(this, "Resource", {
      vpcId: props.vpcId,
      trafficType,
      logDestinationType: "cloud-watch-logs",
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: interval,
      tags: tags(`${props.vpcName}-flow-logs`),
    });
  }
}
