import { Construct } from "constructs";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { AwsEnvironment, NameRules, Role, ValidationError, physicalName, showValue } from "@platform/core";
import { Connections, type IVpc } from "@platform/vpc";
import type { IEcsCluster } from "./ecs-cluster";
import { createTask, type ContainerOptions } from "./private/task";

export interface EcsScheduledTaskProps {
  readonly cluster: IEcsCluster;
  readonly vpc: IVpc;
  /** `cron(0 3 * * ? *)`, `rate(15 minutes)` or `at(2027-01-01T00:00:00)`, in `timezone`. */
  readonly schedule: string;
  /** An IANA time zone such as Europe/Dublin. @default "UTC" */
  readonly timezone?: string;
  /** @default `<environment>-<construct id>`, lower case */
  readonly taskName?: string;
  /** CPU units; a Fargate size together with `memoryMiB`. */
  readonly cpu: number;
  readonly memoryMiB: number;
  /** @default "ARM64" */
  readonly cpuArchitecture?: "ARM64" | "X86_64";
  /** The container; a scheduled task listens on no port. */
  readonly container: Omit<ContainerOptions, "port">;
  /** Run on FARGATE_SPOT (interruptible, cheaper). @default false */
  readonly spot?: boolean;
  /** Tasks started per run. @default 1 */
  readonly taskCount?: number;
  /** Retries when a run cannot be started. @default 2 */
  readonly retryAttempts?: number;
  /** Pause the schedule without removing it. @default true */
  readonly enabled?: boolean;
  /** @default 365 */
  readonly logRetentionDays?: number;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A task that EventBridge Scheduler starts on a schedule, on Fargate, in the VPC's private
 * subnets without a public IP: the same task definition, roles and logs as a service, a security
 * group with HTTPS egress only, and a scheduler role that may run this task definition family
 * and pass its two roles, nothing else.
 *
 * Construct ids (public API): `Resource`, `TaskDefinition`, `ExecutionRole`, `TaskRole`, `Logs`,
 * `SecurityGroup`, `SchedulerRole`.
 */
export class EcsScheduledTask extends Construct {
  public readonly taskName: string;
  public readonly taskRole: Role;
  public readonly executionRole: Role;
  public readonly taskDefinitionArn: string;
  public readonly logGroupName: string;
  /** The task's security group, for `allowToCidr` or to let it reach other groups. */
  public readonly connections: Connections;

  constructor(scope: Construct, id: string, props: EcsScheduledTaskProps) {
    super(scope, id);
    const env = AwsEnvironment.of(this);
    const fail = (message: string): never => {
      throw new ValidationError(message, this);
    };
    const name = props.taskName ?? physicalName([env.environment, id.toLowerCase()], { ...NameRules.cluster, maxLength: 64 });
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) fail(`'taskName' must be 1-64 letters, digits, _ and -, got ${showValue(name)}`);
    if (!/^(cron|rate|at)\(.+\)$/.test(props.schedule)) fail(`'schedule' must be cron(...), rate(...) or at(...), got ${showValue(props.schedule)}`);
    const timezone = props.timezone ?? "UTC";
    if (!/^(UTC|[A-Za-z_]+(\/[A-Za-z0-9_+-]+)+)$/.test(timezone)) fail(`'timezone' must be an IANA time zone such as Europe/Dublin or UTC, got ${showValue(timezone)}`);
    const count = props.taskCount ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 10) fail(`'taskCount' must be a whole number from 1 to 10, got ${showValue(count)}`);
    const retries = props.retryAttempts ?? 2;
    if (!Number.isInteger(retries) || retries < 0 || retries > 185) fail(`'retryAttempts' must be a whole number from 0 to 185, got ${showValue(retries)}`);
    if ("port" in props.container && (props.container as { port?: unknown }).port !== undefined) fail("'container.port' is not used by a scheduled task: nothing connects to it");
    if (props.vpc.privateSubnetIds.length === 0) fail("'vpc' has no private subnets for the task");
    if (props.spot && !props.cluster.capacityProvider("FARGATE_SPOT")) fail("'spot' needs FARGATE_SPOT, which the cluster does not offer (fargateSpot: false)");
    const tags = { ...props.tags, Name: name };

    const task = createTask(this, {
      name,
      cluster: props.cluster,
      launch: "fargate",
      networkMode: "awsvpc",
      cpu: props.cpu,
      memoryMiB: props.memoryMiB,
      cpuArchitecture: props.cpuArchitecture ?? "ARM64",
      container: props.container,
      enableExecuteCommand: false,
      logRetentionDays: props.logRetentionDays ?? 365,
      roleDescriptions: { execution: `ECS starts the scheduled task ${name}: image pull, logs, secrets`, task: `The containers of the scheduled task ${name}` },
      tags,
    });
    this.taskName = name;
    this.taskRole = task.taskRole;
    this.executionRole = task.executionRole;
    this.taskDefinitionArn = task.taskDefinition.arn;
    this.logGroupName = task.logGroupName;

    const securityGroup = new SecurityGroup(this, "SecurityGroup", {
      name: `${name}-task`,
      description: `Scheduled task ${name}: no inbound`,
      vpcId: props.vpc.vpcId,
      tags,
      lifecycle: { createBeforeDestroy: true },
    });
    this.connections = new Connections(securityGroup, securityGroup.id);
    this.connections.allowToCidr("0.0.0.0/0", 443, "HTTPS to AWS APIs and dependencies");

    const schedulerRole = new Role(this, "SchedulerRole", {
      roleName: physicalName([name, "scheduler"], NameRules.iamRole),
      description: `EventBridge Scheduler runs the scheduled task ${name}`,
      assumeRoleStatements: [
        {
          Effect: "Allow",
          Principal: { Service: "scheduler.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": env.accountId } },
        },
      ],
      tags,
    });
    schedulerRole.addToPrincipalPolicy({
      Sid: "RunTheTask",
      Effect: "Allow",
      Action: ["ecs:RunTask"],
      Resource: [env.arn("ecs", `task-definition/${name}:*`)],
      Condition: { ArnEquals: { "ecs:cluster": props.cluster.clusterArn } },
    });
    schedulerRole.addToPrincipalPolicy({ Sid: "PassTheTaskRoles", Effect: "Allow", Action: ["iam:PassRole"], Resource: [task.executionRole.roleArn, task.taskRole.roleArn] });
    schedulerRole.addToPrincipalPolicy({ Sid: "TagTheTask", Effect: "Allow", Action: ["ecs:TagResource"], Resource: [env.arn("ecs", `task/${props.cluster.clusterName}/*`)] });

    new SchedulerSchedule(this, "Resource", {
      name,
      description: `Runs ${name} on ${props.schedule}`,
      scheduleExpression: props.schedule,
      scheduleExpressionTimezone: timezone,
      state: props.enabled === false ? "DISABLED" : "ENABLED",
      flexibleTimeWindow: { mode: "OFF" },
      target: {
        arn: props.cluster.clusterArn,
        roleArn: schedulerRole.roleArn,
        retryPolicy: { maximumRetryAttempts: retries, maximumEventAgeInSeconds: 3600 },
        ecsParameters: {
          taskDefinitionArn: task.taskDefinition.arn,
          taskCount: count,
          capacityProviderStrategy: [{ capacityProvider: props.spot ? "FARGATE_SPOT" : "FARGATE", base: 0, weight: 1 }],
          networkConfiguration: { subnets: props.vpc.privateSubnetIds, securityGroups: [securityGroup.id], assignPublicIp: false },
          enableEcsManagedTags: true,
          propagateTags: "TASK_DEFINITION",
        },
      },
    });
  }
}
