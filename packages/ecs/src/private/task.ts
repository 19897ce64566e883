import { Construct } from "constructs";
import { Lazy } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import {
  AwsEnvironment,
  LOG_RETENTION_DAYS,
  NameRules,
  Role,
  SECRET_LIKE_NAME,
  ValidationError,
  fargateSizeProblem,
  physicalName,
  showValue,
  type PolicyStatement,
} from "@platform/core";
import type { IEcsCluster } from "../ecs-cluster";
import type { ContainerImage } from "../container-image";
import { secretProblem, secretValueFrom, type ServiceSecret } from "../service-secret";

/** The container's own health check, run by ECS inside the task. */
export interface ContainerHealthCheck {
  /** `["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"]`. */
  readonly command: readonly string[];
  /** @default 30 */
  readonly intervalSeconds?: number;
  /** @default 5 */
  readonly timeoutSeconds?: number;
  /** @default 3 */
  readonly retries?: number;
  /** @default 0 */
  readonly startPeriodSeconds?: number;
}

/** The task's container. */
export interface ContainerOptions {
  readonly image: ContainerImage;
  /** The port the container listens on. @default - none (a worker) */
  readonly port?: number;
  /** @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Environment variables read from Secrets Manager or SSM Parameter Store at start. @default {} */
  readonly secrets?: Readonly<Record<string, ServiceSecret>>;
  /** @default - the image's */
  readonly command?: readonly string[];
  /** @default - the image's */
  readonly entryPoint?: readonly string[];
  /** @default - none */
  readonly healthCheck?: ContainerHealthCheck;
  /** @default true */
  readonly readonlyRootFilesystem?: boolean;
  /** Writable scratch paths (task-local volumes) when the root filesystem is read-only. @default ["/tmp"] */
  readonly writablePaths?: readonly string[];
  /** A user other than root, as `uid` or `uid:gid`. @default "1000:1000" */
  readonly user?: string;
}

export interface TaskProps {
  readonly name: string;
  readonly cluster: IEcsCluster;
  readonly launch: "fargate" | "ec2";
  readonly networkMode: "awsvpc" | "bridge" | "host";
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly cpuArchitecture: "ARM64" | "X86_64";
  readonly container: ContainerOptions;
  /** Variables the construct adds (QUEUE_URL); the user may not set them. */
  readonly addedEnvironment?: Readonly<Record<string, string>>;
  /** Name the port mapping (Service Connect refers to ports by name). */
  readonly portName?: string;
  readonly enableExecuteCommand: boolean;
  readonly logRetentionDays: number;
  /** The roles' descriptions. */
  readonly roleDescriptions: { readonly execution: string; readonly task: string };
  readonly tags: Readonly<Record<string, string>>;
}

/** The parts of a task that services and scheduled tasks share. */
export interface Task {
  readonly executionRole: Role;
  readonly taskRole: Role;
  readonly logGroupName: string;
  readonly taskDefinition: EcsTaskDefinition;
  readonly containerName: string;
}

/**
 * Validates a task's settings and adds its parts to `scope` under the ids `ExecutionRole`,
 * `TaskRole`, `Logs` and `TaskDefinition` (public API of the constructs that call this): a task
 * definition with one container (read-only root filesystem, non-root user, capabilities
 * dropped, logs to a log group encrypted with the cluster's key), an execution role that may
 * pull the image, write the logs and read exactly the given secrets, and a task role that starts
 * empty.
 */
export function createTask(scope: Construct, props: TaskProps): Task {
  const env = AwsEnvironment.of(scope);
  const fail = (message: string): never => {
    throw new ValidationError(message, scope);
  };
  const { container, name } = props;
  if (props.launch === "fargate") {
    const problem = fargateSizeProblem(props.cpu, props.memoryMiB);
    if (problem) fail(problem);
  } else {
    if (!Number.isInteger(props.cpu) || props.cpu < 128 || props.cpu > 196608) fail(`'cpu' must be a whole number of CPU units from 128 to 196608, got ${showValue(props.cpu)}`);
    if (!Number.isInteger(props.memoryMiB) || props.memoryMiB < 128) fail(`'memoryMiB' must be a whole number of at least 128, got ${showValue(props.memoryMiB)}`);
  }
  const port = container.port;
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) fail(`'container.port' must be a whole number from 1 to 65535, got ${showValue(port)}`);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(props.logRetentionDays)) {
    fail(`'logRetentionDays' must be one of ${LOG_RETENTION_DAYS.join(", ")}, got ${showValue(props.logRetentionDays)}`);
  }
  for (const [variable, secret] of Object.entries(container.secrets ?? {})) {
    const problem = secretProblem(secret);
    if (problem) fail(`'container.secrets.${variable}' ${problem}`);
    if (container.environment && variable in container.environment) fail(`'container.secrets.${variable}' is also in 'container.environment'; a variable comes from one of them`);
  }
  for (const variable of [...Object.keys(container.environment ?? {}), ...Object.keys(container.secrets ?? {})]) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) fail(`'container.environment' variable ${showValue(variable)} must be letters, digits and _, not starting with a digit`);
  }
  for (const variable of Object.keys(container.environment ?? {})) {
    if (SECRET_LIKE_NAME.test(variable)) {
      fail(`'container.environment.${variable}' looks like a secret; put it in 'container.secrets' (Secrets Manager or SSM Parameter Store), where it is neither in the task definition nor in the plan`);
    }
  }
  const user = container.user ?? "1000:1000";
  if (/^(0|root)(:|$)/.test(user)) fail(`'container.user' must not be root, got ${showValue(user)}; containers run as a non-root user`);
  const writable = container.writablePaths ?? ["/tmp"];
  for (const p of writable) if (!/^\/[\w./-]*$/.test(p)) fail(`'container.writablePaths' holds ${showValue(p)}; each must be an absolute path`);
  const tags = props.tags;

  const ecsTrust: PolicyStatement = {
    Effect: "Allow",
    Principal: { Service: "ecs-tasks.amazonaws.com" },
    Action: "sts:AssumeRole",
    Condition: {
      StringEquals: { "aws:SourceAccount": env.accountId },
      ArnLike: { "aws:SourceArn": env.arn("ecs", "*") },
    },
  };
  const executionRole = new Role(scope, "ExecutionRole", {
    roleName: physicalName([name, "execution"], NameRules.iamRole),
    description: props.roleDescriptions.execution,
    assumeRoleStatements: [ecsTrust],
    tags,
  });
  const taskRole = new Role(scope, "TaskRole", {
    roleName: physicalName([name, "task"], NameRules.iamRole),
    description: props.roleDescriptions.task,
    assumeRoleStatements: [ecsTrust],
    tags,
  });

  const logs = new CloudwatchLogGroup(scope, "Logs", {
    name: `/aws/ecs/${props.cluster.clusterName}/${name}`,
    retentionInDays: props.logRetentionDays,
    kmsKeyId: props.cluster.keyArn,
    tags,
  });
  executionRole.addToPrincipalPolicy({ Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logs.arn}:*`] });
  container.image.repository?.grantPull(executionRole);
  const secrets = Object.entries(container.secrets ?? {});
  const secretArns = secrets.map(([, s]) => ("secretsManagerArn" in s ? s.secretsManagerArn : undefined)).filter((a): a is string => !!a);
  const parameterArns = secrets.map(([, s]) => ("ssmParameterArn" in s ? s.ssmParameterArn : undefined)).filter((a): a is string => !!a);
  const secretKeys = [...new Set(secrets.map(([, s]) => s.kmsKeyArn).filter((a): a is string => !!a))];
  if (secretArns.length > 0) executionRole.addToPrincipalPolicy({ Sid: "ReadSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [...new Set(secretArns)] });
  if (parameterArns.length > 0) executionRole.addToPrincipalPolicy({ Sid: "ReadParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [...new Set(parameterArns)] });
  if (secretKeys.length > 0) executionRole.addToPrincipalPolicy({ Sid: "DecryptSecrets", Effect: "Allow", Action: ["kms:Decrypt"], Resource: secretKeys });
  if (props.enableExecuteCommand) {
    taskRole.addToPrincipalPolicy({
      Sid: "EcsExec",
      Effect: "Allow",
      Action: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
      Resource: ["*"],
    });
    taskRole.addToPrincipalPolicy({ Sid: "EcsExecKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [props.cluster.keyArn] });
    taskRole.addToPrincipalPolicy({
      Sid: "EcsExecLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: [env.arn("logs", `log-group:/aws/ecs/${props.cluster.clusterName}/exec:*`)],
    });
    taskRole.addToPrincipalPolicy({ Sid: "EcsExecLogGroups", Effect: "Allow", Action: ["logs:DescribeLogGroups"], Resource: ["*"] });
  }

  const environment = { ...(container.environment ?? {}), ...(props.addedEnvironment ?? {}) };
  const containerName = "app";
  const definition = {
    name: containerName,
    image: container.image.imageUri,
    essential: true,
    user,
    readonlyRootFilesystem: container.readonlyRootFilesystem ?? true,
    privileged: false,
    ...(container.command ? { command: [...container.command] } : {}),
    ...(container.entryPoint ? { entryPoint: [...container.entryPoint] } : {}),
    portMappings:
      port === undefined
        ? []
        : [{ containerPort: port, hostPort: props.networkMode === "bridge" ? 0 : port, protocol: "tcp", ...(props.portName ? { name: props.portName, appProtocol: "http" } : {}) }],
    environment: Object.entries(environment).map(([n, value]) => ({ name: n, value })),
    secrets: secrets.map(([n, s]) => ({ name: n, valueFrom: secretValueFrom(s) })),
    mountPoints: writable.map((containerPath, i) => ({ sourceVolume: `scratch-${i}`, containerPath, readOnly: false })),
    linuxParameters: { initProcessEnabled: props.enableExecuteCommand, capabilities: { drop: ["ALL"] } },
    ...(container.healthCheck
      ? {
          healthCheck: {
            command: [...container.healthCheck.command],
            interval: container.healthCheck.intervalSeconds ?? 30,
            timeout: container.healthCheck.timeoutSeconds ?? 5,
            retries: container.healthCheck.retries ?? 3,
            startPeriod: container.healthCheck.startPeriodSeconds ?? 0,
          },
        }
      : {}),
    logConfiguration: {
      logDriver: "awslogs",
      options: { "awslogs-group": logs.name, "awslogs-region": env.region, "awslogs-stream-prefix": name },
    },
  };
  const taskDefinition = new EcsTaskDefinition(scope, "TaskDefinition", {
    family: name,
    requiresCompatibilities: [props.launch === "fargate" ? "FARGATE" : "EC2"],
    networkMode: props.networkMode,
    cpu: String(props.cpu),
    memory: String(props.memoryMiB),
    executionRoleArn: executionRole.roleArn,
    taskRoleArn: taskRole.roleArn,
    runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: props.cpuArchitecture },
    volume: writable.map((_p, i) => ({ name: `scratch-${i}` })),
    containerDefinitions: Lazy.stringValue({ produce: () => JSON.stringify([definition]) }),
    tags,
  });
  return { executionRole, taskRole, logGroupName: logs.name, taskDefinition, containerName };
}
