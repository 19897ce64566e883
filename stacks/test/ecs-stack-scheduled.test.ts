import { Testing, TerraformStack, type App } from "cdktf";
import { testEnvironmentConfig, type EnvironmentConfig, type SynthesizedStack } from "@platform/core";
import { EcsScheduledTask, EcsService } from "@platform/ecs";
import { EcsStack, buildEnvironment } from "../src";

// A service with a `schedule` in the ECS stack: an EcsScheduledTask under
// `Services/<name>/ScheduledTask`, beside the long-running services, which it leaves alone.

const ACCOUNT = "123456789012";
const OTHER_ACCOUNT = "111122223333";
const SECRET_ARN = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:test/report/db-AbCdEf`;
const NIGHTLY = "cron(0 3 * * ? *)";
const PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];
const AUTH_TOKEN = { Sid: "EcrAuthorizationToken", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] };
const NETWORK_STATE = "data.terraform_remote_state.cross-stack-reference-input-test-network";
const REGISTRY_STATE = "data.terraform_remote_state.cross-stack-reference-input-test-registry";

type ServiceInput = NonNullable<EnvironmentConfig["services"]>[string];
type Resource = Record<string, unknown>;
type Statement = Record<string, unknown>;

const ECR: EnvironmentConfig["ecr"] = { repositories: { app: {}, "team/jobs": {} } };
const API: ServiceInput = { runtime: "ecs-fargate", image: { repository: "app", tag: "1.0.0" }, cpu: 256, memoryMiB: 512, port: 8080 };
const REPORT: ServiceInput = {
  runtime: "ecs-fargate",
  image: { repository: "team/jobs", tag: "2.1.0" },
  cpu: 512,
  memoryMiB: 1024,
  schedule: NIGHTLY,
  timezone: "Europe/Dublin",
  command: ["report", "--since", "yesterday"],
};

/** Every stack of an environment (with the registry) in one app. */
function environment(services: Record<string, ServiceInput>, overrides: Partial<EnvironmentConfig> = {}): { app: App; ecs: EcsStack } {
  const app = Testing.app();
  const stacks = buildEnvironment(app, testEnvironmentConfig({ ecr: ECR, services, ...overrides }));
  expect(stacks.ecs).toBeInstanceOf(EcsStack);
  return { app, ecs: stacks.ecs! };
}

/** Prepares every stack of the app as `app.synth()` does (cross-stack references resolved), then synthesizes one. */
function prepareAndSynth(app: App, stack: TerraformStack): SynthesizedStack {
  app.node.findAll().filter(TerraformStack.isStack).forEach((s) => s.prepareStack());
  return JSON.parse(Testing.synth(stack, true)) as SynthesizedStack;
}

/** The synthesized ECS stack of an environment with these services. */
function ecsOut(services: Record<string, ServiceInput>, overrides: Partial<EnvironmentConfig> = {}): SynthesizedStack {
  const { app, ecs } = environment(services, overrides);
  return prepareAndSynth(app, ecs);
}

function resources(out: SynthesizedStack, type: string): Record<string, Resource> {
  return out.resource?.[type] ?? {};
}

/** The Terraform name of the one resource of a type at a construct path (`_`-joined, ending in the cdktf hash). */
function resourceKey(out: SynthesizedStack, type: string, path: string): string {
  const matches = Object.keys(resources(out, type)).filter((name) => new RegExp(`^${escape(path)}_[0-9A-F]{8}$`).test(name));
  expect(matches).toHaveLength(1);
  return matches[0];
}

/** The one resource of a type at a construct path. */
function resource(out: SynthesizedStack, type: string, path: string): Resource {
  return resources(out, type)[resourceKey(out, type, path)];
}

/** `${type.name.attribute}` of the resource at a construct path. */
function ref(out: SynthesizedStack, type: string, path: string, attribute = "id"): string {
  return `\${${type}.${resourceKey(out, type, path)}.${attribute}}`;
}

/** Every resource of the stack as `type.name` → body, optionally only those under a construct path prefix. */
function addresses(out: SynthesizedStack, prefix = ""): Record<string, Resource> {
  const all: Record<string, Resource> = {};
  for (const [type, byName] of Object.entries(out.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) if (name.startsWith(prefix)) all[`${type}.${name}`] = body;
  }
  return all;
}

const TASK = "Services_report_ScheduledTask";

/** The one container of the scheduled task's task definition. */
function container(out: SynthesizedStack, path = TASK): Record<string, unknown> {
  const definitions = JSON.parse(resource(out, "aws_ecs_task_definition", `${path}_TaskDefinition`).container_definitions as string) as Record<string, unknown>[];
  expect(definitions).toHaveLength(1);
  return definitions[0];
}

/** The statements of the inline policy of a role (`ExecutionRole`, `SchedulerRole`) under `path`. */
function policyOf(out: SynthesizedStack, path: string, role: string): Statement[] {
  const document = JSON.parse(resource(out, "aws_iam_role_policy", `${path}_${role}_Policy`).policy as string) as { Version: string; Statement: Statement[] };
  expect(document.Version).toBe("2012-10-17");
  return document.Statement;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A reference to an output of the registry stack: an attribute of one of its repositories. */
const registryOutput = (repositoryPath: string, attribute: string) =>
  `\\$\\{${escape(REGISTRY_STATE)}\\.outputs\\.cross-stack-output-aws_ecr_repository${escape(repositoryPath)}_[0-9A-F]{8}${attribute}\\}`;
/** A reference to an output of the network stack: the id of one of its resources. */
const networkOutput = (type: string, path: string) => new RegExp(`^\\$\\{${escape(NETWORK_STATE)}\\.outputs\\.cross-stack-output-${type}${escape(path)}_[0-9A-F]{8}id\\}$`);

describe("a scheduled service beside a long-running one", () => {
  let app: App;
  let ecs: EcsStack;
  let out: SynthesizedStack;
  beforeAll(() => {
    ({ app, ecs } = environment({ report: REPORT, api: API }));
    out = prepareAndSynth(app, ecs);
  });

  test("the scheduled service is an EcsScheduledTask at Services/<name>/ScheduledTask, and no EcsService", () => {
    expect(Object.keys(ecs.scheduledTasks)).toEqual(["report"]);
    const task = ecs.scheduledTasks.report;
    expect(task).toBeInstanceOf(EcsScheduledTask);
    expect(task.node.path).toBe("test-ecs/Services/report/ScheduledTask");
    expect(task.taskName).toBe("test-report");
    const scope = ecs.node.findChild("Services").node.findChild("report");
    expect(scope.node.children.map((c) => c.node.id)).toEqual(["ScheduledTask"]);
    expect(Object.keys(ecs.services)).toEqual(["api"]);
    expect(ecs.services.api).toBeInstanceOf(EcsService);
  });

  test("an aws_scheduler_schedule <env>-<name>: the expression in its time zone, against the cluster, in the network stack's private subnets", () => {
    expect(Object.keys(resources(out, "aws_scheduler_schedule"))).toEqual([resourceKey(out, "aws_scheduler_schedule", TASK)]);
    const schedule = resource(out, "aws_scheduler_schedule", TASK);
    expect(schedule).toMatchObject({
      name: "test-report",
      schedule_expression: NIGHTLY,
      schedule_expression_timezone: "Europe/Dublin",
      state: "ENABLED",
      flexible_time_window: { mode: "OFF" },
    });
    const target = schedule.target as Record<string, unknown>;
    expect(target.arn).toBe(ref(out, "aws_ecs_cluster", "Cluster", "arn"));
    expect(target.role_arn).toBe(ref(out, "aws_iam_role", `${TASK}_SchedulerRole`, "arn"));
    expect(target.ecs_parameters).toEqual({
      task_definition_arn: ref(out, "aws_ecs_task_definition", `${TASK}_TaskDefinition`, "arn"),
      task_count: 1,
      capacity_provider_strategy: [{ capacity_provider: "FARGATE", base: 0, weight: 1 }],
      network_configuration: {
        subnets: [networkOutput("aws_subnet", "Vpc_Subnets_private-eu-west-1a_Subnet"), networkOutput("aws_subnet", "Vpc_Subnets_private-eu-west-1b_Subnet")].map((r) => expect.stringMatching(r)),
        security_groups: [ref(out, "aws_security_group", `${TASK}_SecurityGroup`)],
        assign_public_ip: false,
      },
      enable_ecs_managed_tags: true,
      propagate_tags: "TASK_DEFINITION",
    });
  });

  test("the task definition <env>-<name>: the service's size, and the command in its container", () => {
    expect(resource(out, "aws_ecs_task_definition", `${TASK}_TaskDefinition`)).toMatchObject({
      family: "test-report",
      requires_compatibilities: ["FARGATE"],
      network_mode: "awsvpc",
      cpu: "512",
      memory: "1024",
      runtime_platform: { operating_system_family: "LINUX", cpu_architecture: "ARM64" },
    });
    expect(container(out)).toMatchObject({ name: "app", command: ["report", "--since", "yesterday"], portMappings: [], environment: [], secrets: [] });
  });

  test("the image is the registry stack's repository, and the execution role pulls it, both through terraform_remote_state", () => {
    expect(Object.keys(out.data?.terraform_remote_state ?? {}).sort()).toEqual(["cross-stack-reference-input-test-network", "cross-stack-reference-input-test-registry"]);
    expect(container(out).image).toEqual(expect.stringMatching(new RegExp(`^${registryOutput("Repositories_team--jobs", "repository_url")}:2\\.1\\.0$`)));
    expect(policyOf(out, TASK, "ExecutionRole")).toEqual([
      { Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${ref(out, "aws_cloudwatch_log_group", `${TASK}_Logs`, "arn")}:*`] },
      { Effect: "Allow", Action: PULL_ACTIONS, Resource: [expect.stringMatching(new RegExp(`^${registryOutput("Repositories_team--jobs", "arn")}$`))] },
      AUTH_TOKEN,
    ]);
  });

  test("the scheduler role runs the task definition family <env>-<name> in the cluster and passes its two roles", () => {
    expect(policyOf(out, TASK, "SchedulerRole")).toEqual([
      {
        Sid: "RunTheTask",
        Effect: "Allow",
        Action: ["ecs:RunTask"],
        Resource: [`arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/test-report:*`],
        Condition: { ArnEquals: { "ecs:cluster": ref(out, "aws_ecs_cluster", "Cluster", "arn") } },
      },
      { Sid: "PassTheTaskRoles", Effect: "Allow", Action: ["iam:PassRole"], Resource: [ref(out, "aws_iam_role", `${TASK}_ExecutionRole`, "arn"), ref(out, "aws_iam_role", `${TASK}_TaskRole`, "arn")] },
      { Sid: "TagTheTask", Effect: "Allow", Action: ["ecs:TagResource"], Resource: [`arn:aws:ecs:eu-west-1:${ACCOUNT}:task/${ref(out, "aws_ecs_cluster_capacity_providers", "Cluster_CapacityProviders", "cluster_name")}/*`] },
    ]);
  });

  test("the log group and the security group of the task, in the network stack's VPC", () => {
    expect(resource(out, "aws_cloudwatch_log_group", `${TASK}_Logs`).name).toBe(`/aws/ecs/${ref(out, "aws_ecs_cluster_capacity_providers", "Cluster_CapacityProviders", "cluster_name")}/test-report`);
    expect(resource(out, "aws_security_group", `${TASK}_SecurityGroup`)).toMatchObject({ name: "test-report-task", vpc_id: expect.stringMatching(networkOutput("aws_vpc", "Vpc")) });
  });

  test("no aws_ecs_service, load balancer or scaling for the scheduled service", () => {
    expect(Object.keys(resources(out, "aws_ecs_service"))).toEqual([resourceKey(out, "aws_ecs_service", "Services_api_Service")]);
    const reportAddresses = Object.keys(addresses(out, "Services_report_"));
    expect(reportAddresses.length).toBeGreaterThan(0);
    expect(reportAddresses.filter((a) => !a.includes(`.${TASK}_`))).toEqual([]);
    expect(reportAddresses.filter((a) => /^aws_(ecs_service|lb|lb_target_group|appautoscaling_target)\./.test(a))).toEqual([]);
  });

  test("the long-running service is unaffected: the same addresses and settings as without the scheduled one", () => {
    const alone = ecsOut({ api: API });
    const apiAlone = addresses(alone, "Services_api_");
    expect(Object.keys(apiAlone).length).toBeGreaterThan(5);
    expect(addresses(out, "Services_api_")).toEqual(apiAlone);
    // Everything outside Services/report is what the environment without it has.
    const others = Object.fromEntries(Object.entries(addresses(out)).filter(([address]) => !address.includes(".Services_report_")));
    expect(others).toEqual(addresses(alone));
    expect(resource(out, "aws_ecs_service", "Services_api_Service")).toMatchObject({ name: "test-api", desired_count: 2 });
  });

  test("service_names lists only the long-running services", () => {
    expect(out.output?.service_names).toEqual({
      value: { api: ref(out, "aws_ecs_service", "Services_api_Service", "name") },
      description: "ECS service names by service",
    });
  });
});

describe("scheduled services: settings", () => {
  test("without a time zone the schedule runs in UTC; without a command the image's applies", () => {
    const out = ecsOut({ report: { ...REPORT, timezone: undefined, command: undefined } });
    expect(resource(out, "aws_scheduler_schedule", TASK).schedule_expression_timezone).toBe("UTC");
    expect(container(out).command).toBeUndefined();
  });

  test("the names carry the environment's name", () => {
    const { app, ecs } = environment({ "nightly-report": REPORT }, { name: "qa" });
    expect(ecs.scheduledTasks["nightly-report"].taskName).toBe("qa-nightly-report");
    const out = prepareAndSynth(app, ecs);
    const path = "Services_nightly-report_ScheduledTask";
    expect(resource(out, "aws_scheduler_schedule", path).name).toBe("qa-nightly-report");
    expect(resource(out, "aws_ecs_task_definition", `${path}_TaskDefinition`).family).toBe("qa-nightly-report");
    expect(resource(out, "aws_iam_role", `${path}_SchedulerRole`).name).toBe("qa-nightly-report-scheduler");
  });

  test("environment and secrets reach the container, and the execution role reads exactly those secrets", () => {
    const out = ecsOut({ report: { ...REPORT, environment: { LOG_LEVEL: "debug" }, secrets: { DB_PASSWORD: { secretsManagerArn: SECRET_ARN, jsonKey: "password" } } } });
    expect(container(out)).toMatchObject({ environment: [{ name: "LOG_LEVEL", value: "debug" }], secrets: [{ name: "DB_PASSWORD", valueFrom: `${SECRET_ARN}:password::` }] });
    expect(policyOf(out, TASK, "ExecutionRole").filter((s) => s.Sid === "ReadSecrets")).toEqual([{ Sid: "ReadSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [SECRET_ARN] }]);
  });

  test("an image by reference is used as given, with no pull grant", () => {
    const out = ecsOut({ report: { ...REPORT, image: { reference: "public.ecr.aws/nginx/nginx:1.27" } } });
    expect(container(out).image).toBe("public.ecr.aws/nginx/nginx:1.27");
    expect(policyOf(out, TASK, "ExecutionRole").map((s) => s.Sid)).toEqual(["WriteLogs"]);
  });

  test("ecr.imageSource: the image is in the source account, imported under Services/<name>", () => {
    const { app, ecs } = environment({ report: REPORT }, { ecr: { imageSource: { accountId: OTHER_ACCOUNT, region: "eu-central-1" } } });
    expect(ecs.node.findChild("Services").node.findChild("report").node.tryFindChild("Image-team/jobs")).toBeDefined();
    const out = prepareAndSynth(app, ecs);
    expect(container(out).image).toBe(`${OTHER_ACCOUNT}.dkr.ecr.eu-central-1.amazonaws.com/team/jobs:2.1.0`);
    expect(policyOf(out, TASK, "ExecutionRole").slice(1)).toEqual([{ Effect: "Allow", Action: PULL_ACTIONS, Resource: [`arn:aws:ecr:eu-central-1:${OTHER_ACCOUNT}:repository/team/jobs`] }, AUTH_TOKEN]);
  });

  test("an environment whose only ECS service is scheduled still gets <env>-ecs, with an empty service_names", () => {
    const { app, ecs } = environment({ report: REPORT });
    expect(ecs.services).toEqual({});
    const out = prepareAndSynth(app, ecs);
    expect(resources(out, "aws_ecs_service")).toEqual({});
    expect(Object.keys(resources(out, "aws_scheduler_schedule"))).toHaveLength(1);
    expect(out.output?.service_names).toEqual({ value: {}, description: "ECS service names by service" });
  });

  test("two scheduled services each get their own schedule", () => {
    const out = ecsOut({ report: REPORT, cleanup: { ...REPORT, schedule: "rate(1 hour)", timezone: undefined } });
    expect(Object.values(resources(out, "aws_scheduler_schedule")).map((s) => [s.name, s.schedule_expression, s.schedule_expression_timezone]).sort()).toEqual([
      ["test-cleanup", "rate(1 hour)", "UTC"],
      ["test-report", NIGHTLY, "Europe/Dublin"],
    ]);
  });
});
