// An EcsScheduledTask: the EventBridge Scheduler schedule that runs a Fargate task, the task
// definition and its roles and logs (shared with EcsService), the task's security group, the
// scheduler's role and what it may do, and one test per error message.
import type { SynthesizedStack } from "@platform/core";
import { Vpc } from "@platform/vpc";
import { ContainerImage, EcsScheduledTask, type EcsScheduledTaskProps, type ServiceSecret } from "../src";
import {
  ACCOUNT,
  AZ_A,
  AZ_B,
  OTHER_KEY_ARN,
  PARAMETER_ARN,
  REGION,
  SECRETS_KEY_ARN,
  SECRET_ARN,
  STACK_PATH,
  bodyAt,
  containersOf,
  count,
  fixture,
  messageOf,
  policyOf,
  refAt,
  resources,
  roleStatements,
  ruleShape,
  rulesOf,
  sharedFixture,
  statement,
  synth,
  unchecked,
  validationErrorOf,
  type ContainerDefinitionJson,
  type Fixture,
} from "./support";

const TASK = `${STACK_PATH}/Nightly`;
const NIGHTLY = "cron(0 3 * * ? *)";
const RETENTIONS = "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653";
const PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];
const AUTH_TOKEN = { Sid: "EcrAuthorizationToken", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] };

const ECS_TRUST = {
  Effect: "Allow",
  Principal: { Service: "ecs-tasks.amazonaws.com" },
  Action: "sts:AssumeRole",
  Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": `arn:aws:ecs:${REGION}:${ACCOUNT}:*` } },
};

const SCHEDULER_TRUST = {
  Effect: "Allow",
  Principal: { Service: "scheduler.amazonaws.com" },
  Action: "sts:AssumeRole",
  Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
};

/** The props of a small scheduled task of the fixture: the repository's image `v1`, nightly at 03:00. */
function taskProps(f: Fixture, overrides: Partial<EcsScheduledTaskProps> = {}): EcsScheduledTaskProps {
  return {
    cluster: f.cluster,
    vpc: f.vpc,
    schedule: NIGHTLY,
    cpu: 256,
    memoryMiB: 512,
    container: { image: ContainerImage.fromRepository(f.repository, "v1"), command: ["report", "--all"] },
    ...overrides,
  };
}

/** A scheduled task of the fixture with id `id`. */
function addTask(f: Fixture, id = "Nightly", overrides: Partial<EcsScheduledTaskProps> = {}): EcsScheduledTask {
  return new EcsScheduledTask(f.stack, id, taskProps(f, overrides));
}

/** The schedule (`<path>/Resource`) of the task at `path`. */
function scheduleOf(out: SynthesizedStack, path = "Nightly"): Record<string, unknown> {
  return bodyAt(out, "aws_scheduler_schedule", path);
}

/** The `target` block of the task's schedule. */
function targetOf(out: SynthesizedStack, path = "Nightly"): Record<string, unknown> {
  return scheduleOf(out, path).target as Record<string, unknown>;
}

/** The `ecs_parameters` block of the task's schedule. */
function ecsParametersOf(out: SynthesizedStack, path = "Nightly"): Record<string, unknown> {
  return targetOf(out, path).ecs_parameters as Record<string, unknown>;
}

/** `${aws_ecs_cluster_capacity_providers.<name>.cluster_name}`: the cluster name as tasks see it. */
function clusterNameRef(out: SynthesizedStack): string {
  return refAt(out, "aws_ecs_cluster_capacity_providers", "Cluster/CapacityProviders", "cluster_name");
}

describe("defaults", () => {
  let f: Fixture;
  let task: EcsScheduledTask;
  let out: SynthesizedStack;
  let outputs: Record<string, unknown>;
  let container: ContainerDefinitionJson;
  beforeAll(() => {
    f = fixture();
    task = addTask(f);
    ({ out, outputs } = synth(f.stack, {
      taskDefinitionArn: task.taskDefinitionArn,
      logGroupName: task.logGroupName,
      taskRoleArn: task.taskRole.roleArn,
      executionRoleArn: task.executionRole.roleArn,
      securityGroupId: task.connections.securityGroupId,
    }));
    [container] = containersOf(out, "Nightly");
  });

  test("the schedule: <env>-<id lower>, the expression in UTC, enabled, no flexible window, the cluster as target with the scheduler role", () => {
    expect(scheduleOf(out)).toEqual({
      name: "test-nightly",
      description: `Runs test-nightly on ${NIGHTLY}`,
      schedule_expression: NIGHTLY,
      schedule_expression_timezone: "UTC",
      state: "ENABLED",
      flexible_time_window: { mode: "OFF" },
      target: {
        arn: refAt(out, "aws_ecs_cluster", "Cluster", "arn"),
        role_arn: refAt(out, "aws_iam_role", "Nightly/SchedulerRole", "arn"),
        retry_policy: { maximum_retry_attempts: 2, maximum_event_age_in_seconds: 3600 },
        ecs_parameters: {
          task_definition_arn: refAt(out, "aws_ecs_task_definition", "Nightly/TaskDefinition", "arn"),
          task_count: 1,
          capacity_provider_strategy: [{ capacity_provider: "FARGATE", base: 0, weight: 1 }],
          network_configuration: {
            subnets: [refAt(out, "aws_subnet", `Vpc/Subnets/private-${AZ_A}/Subnet`), refAt(out, "aws_subnet", `Vpc/Subnets/private-${AZ_B}/Subnet`)],
            security_groups: [refAt(out, "aws_security_group", "Nightly/SecurityGroup")],
            assign_public_ip: false,
          },
          enable_ecs_managed_tags: true,
          propagate_tags: "TASK_DEFINITION",
        },
      },
    });
    expect(count(out, "aws_scheduler_schedule")).toBe(1);
  });

  test("no ECS service, load balancer or scaling: the scheduler starts the task", () => {
    expect(count(out, "aws_ecs_service")).toBe(0);
    expect(count(out, "aws_lb")).toBe(0);
    expect(count(out, "aws_appautoscaling_target")).toBe(0);
  });

  test("the task definition: Fargate, awsvpc, CPU and memory as strings, ARM64, both roles, a scratch volume", () => {
    expect(bodyAt(out, "aws_ecs_task_definition", "Nightly/TaskDefinition")).toEqual({
      family: "test-nightly",
      requires_compatibilities: ["FARGATE"],
      network_mode: "awsvpc",
      cpu: "256",
      memory: "512",
      execution_role_arn: refAt(out, "aws_iam_role", "Nightly/ExecutionRole", "arn"),
      task_role_arn: refAt(out, "aws_iam_role", "Nightly/TaskRole", "arn"),
      runtime_platform: { operating_system_family: "LINUX", cpu_architecture: "ARM64" },
      volume: [{ name: "scratch-0" }],
      container_definitions: expect.any(String),
      tags: { Name: "test-nightly" },
    });
  });

  test("one container, app: the repository's image, the command, no port mappings", () => {
    expect(containersOf(out, "Nightly")).toHaveLength(1);
    expect(container.name).toBe("app");
    expect(container.image).toBe(`${refAt(out, "aws_ecr_repository", "Repo", "repository_url")}:v1`);
    expect(container.essential).toBe(true);
    expect(container.command).toEqual(["report", "--all"]);
    expect(container.entryPoint).toBeUndefined();
    expect(container.portMappings).toEqual([]);
    expect(container.environment).toEqual([]);
    expect(container.secrets).toEqual([]);
    expect(container.healthCheck).toBeUndefined();
  });

  test("hardened: user 1000:1000, read-only root filesystem, not privileged, every capability dropped, no init process (no exec), /tmp writable", () => {
    expect(container.user).toBe("1000:1000");
    expect(container.readonlyRootFilesystem).toBe(true);
    expect(container.privileged).toBe(false);
    expect(container.linuxParameters).toEqual({ initProcessEnabled: false, capabilities: { drop: ["ALL"] } });
    expect(container.mountPoints).toEqual([{ sourceVolume: "scratch-0", containerPath: "/tmp", readOnly: false }]);
  });

  test("logs go to /aws/ecs/<cluster>/<name> through awslogs, encrypted with the cluster key, 365 days", () => {
    expect(container.logConfiguration).toEqual({
      logDriver: "awslogs",
      options: { "awslogs-group": refAt(out, "aws_cloudwatch_log_group", "Nightly/Logs", "name"), "awslogs-region": REGION, "awslogs-stream-prefix": "test-nightly" },
    });
    expect(bodyAt(out, "aws_cloudwatch_log_group", "Nightly/Logs")).toEqual({
      name: `/aws/ecs/${clusterNameRef(out)}/test-nightly`,
      retention_in_days: 365,
      kms_key_id: refAt(out, "aws_kms_key", "Cluster/Key", "arn"),
      tags: { Name: "test-nightly" },
    });
  });

  test("the execution and task roles: named after the task, described as the scheduled task's, trusting ECS tasks of this account", () => {
    expect(bodyAt(out, "aws_iam_role", "Nightly/ExecutionRole")).toMatchObject({
      name: "test-nightly-execution",
      description: "ECS starts the scheduled task test-nightly: image pull, logs, secrets",
      tags: { Name: "test-nightly" },
    });
    expect(bodyAt(out, "aws_iam_role", "Nightly/TaskRole")).toMatchObject({
      name: "test-nightly-task",
      description: "The containers of the scheduled task test-nightly",
      tags: { Name: "test-nightly" },
    });
    for (const path of ["Nightly/ExecutionRole", "Nightly/TaskRole"]) {
      expect(policyOf(bodyAt(out, "aws_iam_role", path), "assume_role_policy").Statement).toEqual([ECS_TRUST]);
    }
  });

  test("the execution role writes the logs and pulls the image from the repository (through its grant)", () => {
    expect(roleStatements(out, "Nightly/ExecutionRole")).toEqual([
      { Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${refAt(out, "aws_cloudwatch_log_group", "Nightly/Logs", "arn")}:*`] },
      { Effect: "Allow", Action: PULL_ACTIONS, Resource: [refAt(out, "aws_ecr_repository", "Repo", "arn")] },
      AUTH_TOKEN,
    ]);
  });

  test("the task role has no permissions until the application is granted some", () => {
    expect(roleStatements(out, "Nightly/TaskRole")).toEqual([]);
  });

  test("the security group admits nothing and reaches HTTPS only", () => {
    expect(bodyAt(out, "aws_security_group", "Nightly/SecurityGroup")).toEqual({
      name: "test-nightly-task",
      description: "Scheduled task test-nightly: no inbound",
      vpc_id: refAt(out, "aws_vpc", "Vpc"),
      tags: { Name: "test-nightly" },
      lifecycle: { create_before_destroy: true },
    });
    expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", "Nightly/SecurityGroup")).toEqual([]);
    expect(rulesOf(out, "aws_vpc_security_group_egress_rule", "Nightly/SecurityGroup").map(ruleShape)).toEqual([{ ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0" }]);
  });

  test("the scheduler role: <name>-scheduler, trusted by EventBridge Scheduler of this account only", () => {
    const role = bodyAt(out, "aws_iam_role", "Nightly/SchedulerRole");
    expect(role).toMatchObject({ name: "test-nightly-scheduler", description: "EventBridge Scheduler runs the scheduled task test-nightly", tags: { Name: "test-nightly" } });
    expect(policyOf(role, "assume_role_policy")).toEqual({ Version: "2012-10-17", Statement: [SCHEDULER_TRUST] });
  });

  test("the scheduler role runs this task definition family in this cluster, passes exactly the two task roles, and tags the task", () => {
    const statements = roleStatements(out, "Nightly/SchedulerRole");
    expect(statements).toEqual([
      {
        Sid: "RunTheTask",
        Effect: "Allow",
        Action: ["ecs:RunTask"],
        Resource: [`arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/test-nightly:*`],
        Condition: { ArnEquals: { "ecs:cluster": refAt(out, "aws_ecs_cluster", "Cluster", "arn") } },
      },
      {
        Sid: "PassTheTaskRoles",
        Effect: "Allow",
        Action: ["iam:PassRole"],
        Resource: [refAt(out, "aws_iam_role", "Nightly/ExecutionRole", "arn"), refAt(out, "aws_iam_role", "Nightly/TaskRole", "arn")],
      },
      {
        Sid: "TagTheTask",
        Effect: "Allow",
        Action: ["ecs:TagResource"],
        Resource: [`arn:aws:ecs:${REGION}:${ACCOUNT}:task/${refAt(out, "aws_ecs_cluster_capacity_providers", "Cluster/CapacityProviders", "cluster_name")}/*`],
      },
    ]);
    expect(statement(statements, "RunTheTask").Resource).toEqual(["arn:aws:ecs:eu-west-1:123456789012:task-definition/test-nightly:*"]);
    expect(bodyAt(out, "aws_iam_role_policy", "Nightly/SchedulerRole/Policy").role).toBe(refAt(out, "aws_iam_role", "Nightly/SchedulerRole"));
  });

  test("attributes", () => {
    expect(task.taskName).toBe("test-nightly");
    expect(outputs).toEqual({
      taskDefinitionArn: refAt(out, "aws_ecs_task_definition", "Nightly/TaskDefinition", "arn"),
      logGroupName: refAt(out, "aws_cloudwatch_log_group", "Nightly/Logs", "name"),
      taskRoleArn: refAt(out, "aws_iam_role", "Nightly/TaskRole", "arn"),
      executionRoleArn: refAt(out, "aws_iam_role", "Nightly/ExecutionRole", "arn"),
      securityGroupId: refAt(out, "aws_security_group", "Nightly/SecurityGroup"),
    });
  });
});

describe("every setting", () => {
  let out: SynthesizedStack;
  let container: ContainerDefinitionJson;
  const secrets: Record<string, ServiceSecret> = {
    DB_PASSWORD: { secretsManagerArn: SECRET_ARN, jsonKey: "password", kmsKeyArn: SECRETS_KEY_ARN },
    FLAGS: { ssmParameterArn: PARAMETER_ARN, kmsKeyArn: OTHER_KEY_ARN },
  };
  beforeAll(() => {
    const f = fixture();
    addTask(f, "Nightly", {
      taskName: "billing_Report-2",
      schedule: "rate(15 minutes)",
      timezone: "Europe/Dublin",
      cpu: 1024,
      memoryMiB: 2048,
      cpuArchitecture: "X86_64",
      container: {
        image: ContainerImage.fromRepository(f.repository, "2024.06.1"),
        command: ["bill", "--since", "yesterday"],
        entryPoint: ["/app/bin/entry"],
        environment: { LOG_LEVEL: "debug" },
        secrets,
        readonlyRootFilesystem: false,
        writablePaths: ["/tmp", "/var/cache/app"],
        user: "2000",
      },
      spot: true,
      taskCount: 3,
      retryAttempts: 0,
      enabled: false,
      logRetentionDays: 30,
      tags: { team: "billing" },
    });
    out = synth(f.stack).out;
    [container] = containersOf(out, "Nightly");
  });

  test("the schedule: the given name, expression and time zone, disabled, FARGATE_SPOT, 3 tasks, no retries", () => {
    expect(scheduleOf(out)).toMatchObject({
      name: "billing_Report-2",
      description: "Runs billing_Report-2 on rate(15 minutes)",
      schedule_expression: "rate(15 minutes)",
      schedule_expression_timezone: "Europe/Dublin",
      state: "DISABLED",
      flexible_time_window: { mode: "OFF" },
    });
    expect(targetOf(out).retry_policy).toEqual({ maximum_retry_attempts: 0, maximum_event_age_in_seconds: 3600 });
    expect(ecsParametersOf(out)).toMatchObject({
      task_count: 3,
      capacity_provider_strategy: [{ capacity_provider: "FARGATE_SPOT", base: 0, weight: 1 }],
      enable_ecs_managed_tags: true,
      propagate_tags: "TASK_DEFINITION",
    });
  });

  test("the task definition: family, size, X86_64, two scratch volumes, the tags with Name", () => {
    expect(bodyAt(out, "aws_ecs_task_definition", "Nightly/TaskDefinition")).toMatchObject({
      family: "billing_Report-2",
      requires_compatibilities: ["FARGATE"],
      network_mode: "awsvpc",
      cpu: "1024",
      memory: "2048",
      runtime_platform: { operating_system_family: "LINUX", cpu_architecture: "X86_64" },
      volume: [{ name: "scratch-0" }, { name: "scratch-1" }],
      tags: { team: "billing", Name: "billing_Report-2" },
    });
  });

  test("the container: command, entry point, environment, secrets, writable root, user", () => {
    expect(container).toMatchObject({
      command: ["bill", "--since", "yesterday"],
      entryPoint: ["/app/bin/entry"],
      environment: [{ name: "LOG_LEVEL", value: "debug" }],
      secrets: [
        { name: "DB_PASSWORD", valueFrom: `${SECRET_ARN}:password::` },
        { name: "FLAGS", valueFrom: PARAMETER_ARN },
      ],
      readonlyRootFilesystem: false,
      user: "2000",
      portMappings: [],
      mountPoints: [
        { sourceVolume: "scratch-0", containerPath: "/tmp", readOnly: false },
        { sourceVolume: "scratch-1", containerPath: "/var/cache/app", readOnly: false },
      ],
    });
  });

  test("the execution role reads exactly the secrets and their keys", () => {
    expect(roleStatements(out, "Nightly/ExecutionRole").filter((s) => ["ReadSecrets", "ReadParameters", "DecryptSecrets"].includes(s.Sid ?? ""))).toEqual([
      { Sid: "ReadSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [SECRET_ARN] },
      { Sid: "ReadParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [PARAMETER_ARN] },
      { Sid: "DecryptSecrets", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [SECRETS_KEY_ARN, OTHER_KEY_ARN] },
    ]);
  });

  test("roles, log group and security group are named after the task name; the log group keeps 30 days", () => {
    expect(bodyAt(out, "aws_iam_role", "Nightly/ExecutionRole")).toMatchObject({ name: "billing_Report-2-execution", description: "ECS starts the scheduled task billing_Report-2: image pull, logs, secrets", tags: { team: "billing", Name: "billing_Report-2" } });
    expect(bodyAt(out, "aws_iam_role", "Nightly/TaskRole")).toMatchObject({ name: "billing_Report-2-task", description: "The containers of the scheduled task billing_Report-2" });
    expect(bodyAt(out, "aws_iam_role", "Nightly/SchedulerRole")).toMatchObject({ name: "billing_Report-2-scheduler", description: "EventBridge Scheduler runs the scheduled task billing_Report-2" });
    expect(bodyAt(out, "aws_cloudwatch_log_group", "Nightly/Logs")).toMatchObject({ name: `/aws/ecs/${clusterNameRef(out)}/billing_Report-2`, retention_in_days: 30 });
    expect(bodyAt(out, "aws_security_group", "Nightly/SecurityGroup")).toMatchObject({ name: "billing_Report-2-task", description: "Scheduled task billing_Report-2: no inbound" });
  });

  test("the scheduler role may run the family of the given name", () => {
    expect(statement(roleStatements(out, "Nightly/SchedulerRole"), "RunTheTask").Resource).toEqual([`arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/billing_Report-2:*`]);
  });
});

describe("settings one at a time", () => {
  test.each([
    ["cron(0 3 * * ? *)", "Europe/Dublin"],
    ["rate(1 day)", "America/Argentina/Buenos_Aires"],
    ["at(2027-01-01T00:00:00)", "Etc/GMT+5"],
    ["rate(5 minutes)", "UTC"],
  ])("schedule %s in %s", (schedule, timezone) => {
    const f = fixture();
    addTask(f, "Nightly", { schedule, timezone });
    expect(scheduleOf(synth(f.stack).out)).toMatchObject({ schedule_expression: schedule, schedule_expression_timezone: timezone, description: `Runs test-nightly on ${schedule}` });
  });

  test("enabled: true keeps the schedule ENABLED; spot: false runs on FARGATE", () => {
    const f = fixture();
    addTask(f, "Nightly", { enabled: true, spot: false });
    const out = synth(f.stack).out;
    expect(scheduleOf(out).state).toBe("ENABLED");
    expect(ecsParametersOf(out).capacity_provider_strategy).toEqual([{ capacity_provider: "FARGATE", base: 0, weight: 1 }]);
  });

  test("the limits of taskCount and retryAttempts: 10 tasks, 185 retries", () => {
    const f = fixture();
    addTask(f, "Nightly", { taskCount: 10, retryAttempts: 185 });
    const out = synth(f.stack).out;
    expect(ecsParametersOf(out).task_count).toBe(10);
    expect(targetOf(out).retry_policy).toEqual({ maximum_retry_attempts: 185, maximum_event_age_in_seconds: 3600 });
  });

  test("a task name of 64 characters", () => {
    const f = fixture();
    const name = `a${"b".repeat(62)}c`;
    addTask(f, "Nightly", { taskName: name });
    expect(scheduleOf(synth(f.stack).out).name).toBe(name);
  });

  test("the default name is the environment and the id, lower case", () => {
    const f = fixture({ environment: { name: "qa" } });
    const task = addTask(f, "Billing_Report");
    const out = synth(f.stack).out;
    expect(task.taskName).toBe("qa-billing_report");
    expect(scheduleOf(out, "Billing_Report").name).toBe("qa-billing_report");
    expect(bodyAt(out, "aws_ecs_task_definition", "Billing_Report/TaskDefinition").family).toBe("qa-billing_report");
  });

  test("two tasks in one cluster each get their own schedule, roles and security group", () => {
    const f = fixture();
    addTask(f, "Nightly");
    addTask(f, "Hourly", { schedule: "rate(1 hour)" });
    const out = synth(f.stack).out;
    expect(scheduleOf(out, "Nightly").name).toBe("test-nightly");
    expect(scheduleOf(out, "Hourly").name).toBe("test-hourly");
    expect(count(out, "aws_scheduler_schedule")).toBe(2);
    expect(Object.values(resources(out, "aws_security_group")).map((g) => g.name).sort()).toEqual(["test-hourly-task", "test-nightly-task"]);
    expect(statement(roleStatements(out, "Hourly/SchedulerRole"), "PassTheTaskRoles").Resource).toEqual([
      refAt(out, "aws_iam_role", "Hourly/ExecutionRole", "arn"),
      refAt(out, "aws_iam_role", "Hourly/TaskRole", "arn"),
    ]);
  });

  test("an image from another registry: used as given, and the execution role pulls nothing", () => {
    const f = fixture();
    addTask(f, "Nightly", { container: { image: ContainerImage.fromRegistry("public.ecr.aws/nginx/nginx:1.27") } });
    const out = synth(f.stack).out;
    const [container] = containersOf(out, "Nightly");
    expect(container.image).toBe("public.ecr.aws/nginx/nginx:1.27");
    expect(container.command).toBeUndefined();
    expect(roleStatements(out, "Nightly/ExecutionRole").map((s) => s.Sid)).toEqual(["WriteLogs"]);
  });

  test("connections: the task's group may be opened to more destinations", () => {
    const f = fixture();
    const task = addTask(f);
    task.connections.allowToCidr("10.0.0.0/16", 5432, "PostgreSQL");
    const out = synth(f.stack).out;
    expect(rulesOf(out, "aws_vpc_security_group_egress_rule", "Nightly/SecurityGroup").map(ruleShape)).toEqual([
      { ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0" },
      { ip_protocol: "tcp", from_port: 5432, to_port: 5432, cidr_ipv4: "10.0.0.0/16" },
    ]);
    expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", "Nightly/SecurityGroup")).toEqual([]);
  });
});

describe("errors", () => {
  /** The message of building task `Nightly` of the shared fixture with `overrides(f)`. */
  function errorOf(overrides: (f: Fixture) => Partial<EcsScheduledTaskProps>): string {
    return messageOf(sharedFixture(), (f) => addTask(f, "Nightly", overrides(f)), ["Nightly"]);
  }

  /** The message of a task whose container has `container` on top of the fixture's image. */
  function containerErrorOf(container: Partial<EcsScheduledTaskProps["container"]>): string {
    return errorOf((f) => ({ container: { image: ContainerImage.fromRepository(f.repository, "v1"), ...container } }));
  }

  test("the path of a task in a nested scope prefixes its messages", () => {
    const f = fixture();
    const error = validationErrorOf(() => new EcsScheduledTask(f.cluster, "Nightly", taskProps(f, { taskCount: 0 })));
    expect(error.constructPath).toBe(`${STACK_PATH}/Cluster/Nightly`);
    expect(error.message).toBe(`${STACK_PATH}/Cluster/Nightly: 'taskCount' must be a whole number from 1 to 10, got 0`);
  });

  test("spot on a cluster without FARGATE_SPOT", () => {
    const f = fixture({ cluster: { fargateSpot: false } });
    expect(messageOf(f, (g) => addTask(g, "Nightly", { spot: true }), ["Nightly"])).toBe(
      `${TASK}: 'spot' needs FARGATE_SPOT, which the cluster does not offer (fargateSpot: false)`,
    );
  });

  test("a long construct id gives a default name within 64 characters", () => {
    const f = fixture();
    const task = addTask(f, "N".repeat(80));
    expect(task.taskName.length).toBeLessThanOrEqual(64);
  });

  test.each(["my task", "report.v2", "", "a".repeat(65), "täsk"])("taskName %j", (taskName) => {
    expect(errorOf(() => ({ taskName }))).toBe(`${TASK}: 'taskName' must be 1-64 letters, digits, _ and -, got ${JSON.stringify(taskName)}`);
  });

  test.each(["0 3 * * ? *", "cron()", "every 15 minutes", "CRON(0 3 * * ? *)", "rate(5 minutes) ", "", "weekly(monday)"])("schedule %j", (schedule) => {
    expect(errorOf(() => ({ schedule }))).toBe(`${TASK}: 'schedule' must be cron(...), rate(...) or at(...), got ${JSON.stringify(schedule)}`);
  });

  test.each(["utc", "GMT", "Europe Dublin", "Europe/", "/Dublin", "Europe/Dublin!", ""])("timezone %j", (timezone) => {
    expect(errorOf(() => ({ timezone }))).toBe(`${TASK}: 'timezone' must be an IANA time zone such as Europe/Dublin or UTC, got ${JSON.stringify(timezone)}`);
  });

  test.each([0, 11, 1.5, -1])("taskCount %p", (taskCount) => {
    expect(errorOf(() => ({ taskCount }))).toBe(`${TASK}: 'taskCount' must be a whole number from 1 to 10, got ${taskCount}`);
  });

  test.each([-1, 186, 0.5])("retryAttempts %p", (retryAttempts) => {
    expect(errorOf(() => ({ retryAttempts }))).toBe(`${TASK}: 'retryAttempts' must be a whole number from 0 to 185, got ${retryAttempts}`);
  });

  test("container.port (a caller that bypasses the type)", () => {
    expect(containerErrorOf(unchecked({ port: 8080 }))).toBe(`${TASK}: 'container.port' is not used by a scheduled task: nothing connects to it`);
  });

  test("a VPC without private subnets", () => {
    const vpc = Vpc.fromVpcAttributes({ vpcId: "vpc-0123456789abcdef0", vpcCidrBlock: "10.0.0.0/16", availabilityZones: [AZ_A, AZ_B], publicSubnetIds: ["subnet-0a", "subnet-0b"] });
    expect(errorOf(() => ({ vpc }))).toBe(`${TASK}: 'vpc' has no private subnets for the task`);
  });

  test("a CPU that is not a Fargate size", () => {
    expect(errorOf(() => ({ cpu: 300 }))).toBe(`${TASK}: 'cpu' must be one of 256, 512, 1024, 2048, 4096, 8192, 16384 on Fargate, got 300`);
  });

  test("a memory size that does not go with the CPU on Fargate", () => {
    expect(errorOf(() => ({ cpu: 256, memoryMiB: 4096 }))).toBe(`${TASK}: 'memoryMiB' must be 512, 1024, 2048 with cpu 256 on Fargate, got 4096`);
    expect(errorOf(() => ({ cpu: 1024, memoryMiB: 1024 }))).toBe(`${TASK}: 'memoryMiB' must be 2048 to 8192 in steps of 1024 with cpu 1024 on Fargate, got 1024`);
  });

  test.each(["DB_PASSWORD", "api_key", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY"])("a secret-like environment variable %s", (variable) => {
    expect(containerErrorOf({ environment: { [variable]: "x" } })).toBe(
      `${TASK}: 'container.environment.${variable}' looks like a secret; put it in 'container.secrets' (Secrets Manager or SSM Parameter Store), where it is neither in the task definition nor in the plan`,
    );
  });

  test("the other shared task errors carry the scheduled task's path", () => {
    expect(errorOf(() => ({ logRetentionDays: 2 }))).toBe(`${TASK}: 'logRetentionDays' must be one of ${RETENTIONS}, got 2`);
    expect(containerErrorOf({ user: "root" })).toBe(`${TASK}: 'container.user' must not be root, got "root"; containers run as a non-root user`);
    expect(containerErrorOf({ environment: { "1BAD": "x" } })).toBe(`${TASK}: 'container.environment' variable "1BAD" must be letters, digits and _, not starting with a digit`);
    expect(containerErrorOf({ writablePaths: ["tmp"] })).toBe(`${TASK}: 'container.writablePaths' holds "tmp"; each must be an absolute path`);
    expect(containerErrorOf({ environment: { DB_USER: "x" }, secrets: { DB_USER: { secretsManagerArn: SECRET_ARN } } })).toBe(
      `${TASK}: 'container.secrets.DB_USER' is also in 'container.environment'; a variable comes from one of them`,
    );
  });

  test("an error leaves nothing behind in the shared fixture", () => {
    const f = sharedFixture();
    expect(f.stack.node.tryFindChild("Nightly")).toBeUndefined();
  });
});
