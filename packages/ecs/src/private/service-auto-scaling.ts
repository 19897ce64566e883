import { Construct } from "constructs";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingScheduledAction } from "@cdktf/provider-aws/lib/appautoscaling-scheduled-action";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { ValidationError, showValue } from "@platform/core";

/** Capacity at a time: `{ schedule: "cron(0 7 ? * MON-FRI *)", minCapacity: 4 }`. */
export interface ScheduledCapacity {
  /** `cron(...)`, `rate(...)` or `at(...)`, in `timezone`. */
  readonly schedule: string;
  /** @default "UTC" */
  readonly timezone?: string;
  readonly minCapacity?: number;
  readonly maxCapacity?: number;
}

/** Step scaling on a CloudWatch metric of the service's own (namespace AWS/ECS). */
export interface StepScalingOptions {
  /** `CPUUtilization` or `MemoryUtilization`. */
  readonly metric: "CPUUtilization" | "MemoryUtilization";
  /** Above this (percent) add tasks. */
  readonly scaleOutAbove: number;
  /** Tasks to add per step. @default 2 */
  readonly scaleOutBy?: number;
}

export interface AutoScalingOptions {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** Target tracking on average CPU, percent. @default - none */
  readonly targetCpuPercent?: number;
  /** Target tracking on average memory, percent. @default - none */
  readonly targetMemoryPercent?: number;
  /** Target tracking on load balancer requests per task (needs load balancing). @default - none */
  readonly requestsPerTarget?: number;
  /** Target tracking on queue backlog per task (queue workers; needs Container Insights). @default - none */
  readonly queueMessagesPerTask?: number;
  /** @default - none */
  readonly step?: StepScalingOptions;
  /** Scheduled capacity keyed by name. @default {} */
  readonly schedules?: Readonly<Record<string, ScheduledCapacity>>;
}

export interface ServiceAutoScalingProps extends AutoScalingOptions {
  readonly clusterName: string;
  readonly serviceName: string;
  /** `<lb arn suffix>/<target group arn suffix>`, when the service is behind a load balancer. */
  readonly requestCountResourceLabel?: string;
  /** The work queue's name, when the service is a queue worker. */
  readonly queueName?: string;
}

/** Application Auto Scaling of an ECS service: target tracking, step and scheduled scaling. */
export class ServiceAutoScaling extends Construct {
  constructor(scope: Construct, id: string, props: ServiceAutoScalingProps) {
    super(scope, id);
    const fail = (message: string): never => {
      throw new ValidationError(message, this);
    };
    if (!Number.isInteger(props.minCapacity) || props.minCapacity < 0) fail(`'autoScaling.minCapacity' must be a whole number of at least 0, got ${showValue(props.minCapacity)}`);
    if (!Number.isInteger(props.maxCapacity) || props.maxCapacity < Math.max(1, props.minCapacity)) {
      fail(`'autoScaling.maxCapacity' must be a whole number of at least minCapacity (${props.minCapacity}) and 1, got ${showValue(props.maxCapacity)}`);
    }
    const percent = (name: string, value: number | undefined) => {
      if (value !== undefined && (!Number.isFinite(value) || value < 10 || value > 90)) fail(`'autoScaling.${name}' must be from 10 to 90 percent, got ${showValue(value)}`);
    };
    percent("targetCpuPercent", props.targetCpuPercent);
    percent("targetMemoryPercent", props.targetMemoryPercent);
    if (props.requestsPerTarget !== undefined) {
      if (!props.requestCountResourceLabel) fail("'autoScaling.requestsPerTarget' needs 'loadBalancing': it scales on the load balancer's requests per task");
      if (!Number.isInteger(props.requestsPerTarget) || props.requestsPerTarget < 1) fail(`'autoScaling.requestsPerTarget' must be a whole number of at least 1, got ${showValue(props.requestsPerTarget)}`);
    }
    if (props.queueMessagesPerTask !== undefined) {
      if (!props.queueName) fail("'autoScaling.queueMessagesPerTask' needs 'queue': it scales on the work queue's backlog per task");
      if (!Number.isInteger(props.queueMessagesPerTask) || props.queueMessagesPerTask < 1) fail(`'autoScaling.queueMessagesPerTask' must be a whole number of at least 1, got ${showValue(props.queueMessagesPerTask)}`);
    }
    const policies = [props.targetCpuPercent, props.targetMemoryPercent, props.requestsPerTarget, props.queueMessagesPerTask, props.step].filter((p) => p !== undefined);
    const schedules = Object.entries(props.schedules ?? {});
    if (policies.length === 0 && schedules.length === 0) {
      fail("'autoScaling' needs a policy: targetCpuPercent, targetMemoryPercent, requestsPerTarget, queueMessagesPerTask, step or schedules");
    }

    const resourceId = `service/${props.clusterName}/${props.serviceName}`;
    const target = new AppautoscalingTarget(this, "Target", {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId,
      minCapacity: props.minCapacity,
      maxCapacity: props.maxCapacity,
    });
    const tracking = (id: string, metric: string, value: number, label?: string) =>
      new AppautoscalingPolicy(this, id, {
        name: `${props.serviceName}-${id.toLowerCase()}`,
        policyType: "TargetTrackingScaling",
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: value,
          scaleInCooldown: 300,
          scaleOutCooldown: 60,
          predefinedMetricSpecification: { predefinedMetricType: metric, resourceLabel: label },
        },
      });
    if (props.queueMessagesPerTask !== undefined) {
      // Backlog per task: visible messages over running tasks (at least one, so an idle service
      // with no task still sees its backlog and scales out).
      new AppautoscalingPolicy(this, "Queue", {
        name: `${props.serviceName}-queue`,
        policyType: "TargetTrackingScaling",
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: props.queueMessagesPerTask,
          scaleInCooldown: 300,
          scaleOutCooldown: 60,
          customizedMetricSpecification: {
            metrics: [
              {
                id: "visible",
                returnData: false,
                metricStat: {
                  stat: "Sum",
                  metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: [{ name: "QueueName", value: props.queueName! }] },
                },
              },
              {
                id: "tasks",
                returnData: false,
                metricStat: {
                  stat: "Average",
                  metric: {
                    namespace: "ECS/ContainerInsights",
                    metricName: "RunningTaskCount",
                    dimensions: [
                      { name: "ClusterName", value: props.clusterName },
                      { name: "ServiceName", value: props.serviceName },
                    ],
                  },
                },
              },
              { id: "backlog", expression: "visible / IF(tasks > 0, tasks, 1)", label: "messages per task", returnData: true },
            ],
          },
        },
      });
    }
    if (props.targetCpuPercent !== undefined) tracking("Cpu", "ECSServiceAverageCPUUtilization", props.targetCpuPercent);
    if (props.targetMemoryPercent !== undefined) tracking("Memory", "ECSServiceAverageMemoryUtilization", props.targetMemoryPercent);
    if (props.requestsPerTarget !== undefined) tracking("Requests", "ALBRequestCountPerTarget", props.requestsPerTarget, props.requestCountResourceLabel);

    if (props.step) {
      const by = props.step.scaleOutBy ?? 2;
      if (!Number.isInteger(by) || by < 1) fail(`'autoScaling.step.scaleOutBy' must be a whole number of at least 1, got ${showValue(by)}`);
      if (!(props.step.scaleOutAbove > 0 && props.step.scaleOutAbove < 100)) fail(`'autoScaling.step.scaleOutAbove' must be a percentage between 0 and 100, got ${showValue(props.step.scaleOutAbove)}`);
      const policy = new AppautoscalingPolicy(this, "Step", {
        name: `${props.serviceName}-step`,
        policyType: "StepScaling",
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        stepScalingPolicyConfiguration: {
          adjustmentType: "ChangeInCapacity",
          cooldown: 60,
          metricAggregationType: "Average",
          stepAdjustment: [{ metricIntervalLowerBound: "0", scalingAdjustment: by }],
        },
      });
      new CloudwatchMetricAlarm(this, "StepAlarm", {
        alarmName: `${props.serviceName}-${props.step.metric.toLowerCase()}-high`,
        namespace: "AWS/ECS",
        metricName: props.step.metric,
        dimensions: { ClusterName: props.clusterName, ServiceName: props.serviceName },
        statistic: "Average",
        period: 60,
        evaluationPeriods: 2,
        threshold: props.step.scaleOutAbove,
        comparisonOperator: "GreaterThanThreshold",
        alarmActions: [policy.arn],
      });
    }

    for (const [name, schedule] of schedules) {
      if (!/^[A-Za-z0-9-]{1,64}$/.test(name)) fail(`'autoScaling.schedules' key ${showValue(name)} must be 1-64 letters, digits and -`);
      if (!/^(cron|rate|at)\(.+\)$/.test(schedule.schedule)) fail(`'autoScaling.schedules.${name}.schedule' must be cron(...), rate(...) or at(...), got ${showValue(schedule.schedule)}`);
      if (schedule.minCapacity === undefined && schedule.maxCapacity === undefined) fail(`'autoScaling.schedules.${name}' must set minCapacity, maxCapacity or both`);
      new AppautoscalingScheduledAction(this, `Schedule-${name}`, {
        name: `${props.serviceName}-${name}`,
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        schedule: schedule.schedule,
        timezone: schedule.timezone ?? "UTC",
        scalableTargetAction: {
          minCapacity: schedule.minCapacity === undefined ? undefined : String(schedule.minCapacity),
          maxCapacity: schedule.maxCapacity === undefined ? undefined : String(schedule.maxCapacity),
        },
      });
    }
  }
}
