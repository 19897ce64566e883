import { Construct } from "constructs";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { AwsEnvironment, ValidationError, showValue } from "@platform/core";

/** The work queue of a queue-worker service. */
export interface QueueOptions {
  /** How long a received message stays hidden from other workers. @default 60 */
  readonly visibilityTimeoutSeconds?: number;
  /** Receives before a message moves to the dead-letter queue. @default 5 */
  readonly maxReceiveCount?: number;
  /** @default 4 */
  readonly retentionDays?: number;
}

export interface ServiceQueueProps extends QueueOptions {
  readonly serviceName: string;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * A work queue (`<service>`) with its dead-letter queue (`<service>-dlq`, kept 14 days), both
 * encrypted (SQS-managed keys), the DLQ accepting redrives from this queue only.
 */
export class ServiceQueue extends Construct {
  public readonly queueUrl: string;
  public readonly queueArn: string;
  public readonly queueName: string;
  public readonly deadLetterQueueArn: string;

  constructor(scope: Construct, id: string, props: ServiceQueueProps) {
    super(scope, id);
    const fail = (message: string): never => {
      throw new ValidationError(message, this);
    };
    const visibility = props.visibilityTimeoutSeconds ?? 60;
    const receives = props.maxReceiveCount ?? 5;
    const retention = props.retentionDays ?? 4;
    if (!Number.isInteger(visibility) || visibility < 0 || visibility > 43200) fail(`'queue.visibilityTimeoutSeconds' must be a whole number from 0 to 43200, got ${showValue(visibility)}`);
    if (!Number.isInteger(receives) || receives < 1 || receives > 1000) fail(`'queue.maxReceiveCount' must be a whole number from 1 to 1000, got ${showValue(receives)}`);
    if (!Number.isInteger(retention) || retention < 1 || retention > 14) fail(`'queue.retentionDays' must be a whole number from 1 to 14, got ${showValue(retention)}`);
    // The queue's ARN is known before it exists, so the DLQ can name its only source without a cycle.
    const queueArn = AwsEnvironment.of(this).arn("sqs", props.serviceName);
    const dlq = new SqsQueue(this, "DeadLetterQueue", {
      name: `${props.serviceName}-dlq`,
      messageRetentionSeconds: 14 * 86400,
      sqsManagedSseEnabled: true,
      redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [queueArn] }),
      tags: props.tags,
    });
    const queue = new SqsQueue(this, "Resource", {
      name: props.serviceName,
      visibilityTimeoutSeconds: visibility,
      messageRetentionSeconds: retention * 86400,
      receiveWaitTimeSeconds: 20,
      sqsManagedSseEnabled: true,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: receives }),
      tags: props.tags,
    });
    this.queueUrl = queue.url;
    this.queueArn = queue.arn;
    this.queueName = queue.name;
    this.deadLetterQueueArn = dlq.arn;
  }
}
