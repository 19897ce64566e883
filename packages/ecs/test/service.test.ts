// An EcsService on Fargate: the task definition and its one container, the log group, the
// execution and task roles and what they may do, the service, and its security group.
import type { SynthesizedStack } from "@platform/core";
import { ContainerImage, EcsService, type ServiceSecret } from "../src";
import {
  ACCOUNT,
  AZ_A,
  AZ_B,
  CERTIFICATE_ARN,
  OTHER_KEY_ARN,
  OTHER_SECRET_ARN,
  PARAMETER_ARN,
  REGION,
  SECRETS_KEY_ARN,
  SECRET_ARN,
  addService,
  at,
  bodyAt,
  containersOf,
  count,
  fixture,
  policyOf,
  refAt,
  roleStatements,
  ruleShape,
  rulesOf,
  serviceProps,
  statement,
  synth,
  type ContainerDefinitionJson,
  type Fixture,
} from "./support";

const ECS_TRUST = {
  Effect: "Allow",
  Principal: { Service: "ecs-tasks.amazonaws.com" },
  Action: "sts:AssumeRole",
  Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": `arn:aws:ecs:${REGION}:${ACCOUNT}:*` } },
};

/** `${aws_ecs_cluster_capacity_providers.<name>.cluster_name}`: the cluster name as services see it. */
function clusterNameRef(out: SynthesizedStack): string {
  return refAt(out, "aws_ecs_cluster_capacity_providers", "Cluster/CapacityProviders", "cluster_name");
}

describe("defaults", () => {
  let f: Fixture;
  let service: EcsService;
  let out: SynthesizedStack;
  let outputs: Record<string, unknown>;
  let container: ContainerDefinitionJson;
  beforeAll(() => {
    f = fixture();
    service = addService(f);
    ({ out, outputs } = synth(f.stack, {
      serviceName: service.serviceName,
      taskDefinitionArn: service.taskDefinitionArn,
      logGroupName: service.logGroupName,
      taskRoleArn: service.taskRole.roleArn,
      executionRoleArn: service.executionRole.roleArn,
      securityGroupId: service.connections!.securityGroupId,
    }));
    [container] = containersOf(out, "Api");
  });

  test("the task definition: Fargate, awsvpc, CPU and memory as strings, ARM64, both roles, a scratch volume", () => {
    expect(bodyAt(out, "aws_ecs_task_definition", "Api/TaskDefinition")).toMatchObject({
      family: "test-api",
      requires_compatibilities: ["FARGATE"],
      network_mode: "awsvpc",
      cpu: "512",
      memory: "1024",
      runtime_platform: { operating_system_family: "LINUX", cpu_architecture: "ARM64" },
      execution_role_arn: refAt(out, "aws_iam_role", "Api/ExecutionRole", "arn"),
      task_role_arn: refAt(out, "aws_iam_role", "Api/TaskRole", "arn"),
      volume: [{ name: "scratch-0" }],
      tags: { Name: "test-api" },
    });
  });

  test("one container, app: the repository's image by tag, essential", () => {
    expect(containersOf(out, "Api")).toHaveLength(1);
    expect(container.name).toBe("app");
    expect(container.image).toBe(`${refAt(out, "aws_ecr_repository", "Repo", "repository_url")}:v1`);
    expect(container.essential).toBe(true);
    expect(container.command).toBeUndefined();
    expect(container.entryPoint).toBeUndefined();
  });

  test("hardened: user 1000:1000, read-only root filesystem, not privileged, every capability dropped, /tmp writable", () => {
    expect(container.user).toBe("1000:1000");
    expect(container.readonlyRootFilesystem).toBe(true);
    expect(container.privileged).toBe(false);
    expect(container.linuxParameters).toEqual({ initProcessEnabled: false, capabilities: { drop: ["ALL"] } });
    expect(container.mountPoints).toEqual([{ sourceVolume: "scratch-0", containerPath: "/tmp", readOnly: false }]);
  });

  test("the port mapping, no environment, no secrets, no health check", () => {
    expect(container.portMappings).toEqual([{ containerPort: 8080, hostPort: 8080, protocol: "tcp" }]);
    expect(container.environment).toEqual([]);
    expect(container.secrets).toEqual([]);
    expect(container.healthCheck).toBeUndefined();
  });

  test("logs go to the service's log group through awslogs", () => {
    expect(container.logConfiguration).toEqual({
      logDriver: "awslogs",
      options: { "awslogs-group": refAt(out, "aws_cloudwatch_log_group", "Api/Logs", "name"), "awslogs-region": REGION, "awslogs-stream-prefix": "test-api" },
    });
  });

  test("the log group /aws/ecs/<cluster>/<service>: the cluster key, 365 days", () => {
    expect(bodyAt(out, "aws_cloudwatch_log_group", "Api/Logs")).toEqual({
      name: `/aws/ecs/${clusterNameRef(out)}/test-api`,
      retention_in_days: 365,
      kms_key_id: refAt(out, "aws_kms_key", "Cluster/Key", "arn"),
      tags: { Name: "test-api" },
    });
  });

  test("both roles trust ECS tasks of this account and region only", () => {
    for (const [path, name] of [
      ["Api/ExecutionRole", "test-api-execution"],
      ["Api/TaskRole", "test-api-task"],
    ]) {
      const role = bodyAt(out, "aws_iam_role", path);
      expect(role.name).toBe(name);
      expect(policyOf(role, "assume_role_policy").Statement).toEqual([ECS_TRUST]);
    }
  });

  test("the execution role writes to the log group and pulls from the repository (through its grant)", () => {
    const repositoryArn = refAt(out, "aws_ecr_repository", "Repo", "arn");
    expect(roleStatements(out, "Api/ExecutionRole")).toEqual([
      { Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${refAt(out, "aws_cloudwatch_log_group", "Api/Logs", "arn")}:*`] },
      { Effect: "Allow", Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource: [repositoryArn] },
      { Sid: "EcrAuthorizationToken", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
    ]);
    expect(bodyAt(out, "aws_iam_role_policy", "Api/ExecutionRole/Policy").role).toBe(refAt(out, "aws_iam_role", "Api/ExecutionRole"));
  });

  test("the task role has no permissions until the application is granted some", () => {
    expect(roleStatements(out, "Api/TaskRole")).toEqual([]);
  });

  test("the service: private subnets without public IPs, circuit breaker with rollback, 100-200%, two tasks", () => {
    const { depends_on: dependsOn, ...ecsService } = bodyAt(out, "aws_ecs_service", "Api");
    expect(dependsOn ?? []).toEqual([]);
    expect(ecsService).toEqual({
      name: "test-api",
      cluster: refAt(out, "aws_ecs_cluster", "Cluster", "arn"),
      task_definition: refAt(out, "aws_ecs_task_definition", "Api/TaskDefinition", "arn"),
      desired_count: 2,
      network_configuration: {
        subnets: [refAt(out, "aws_subnet", `Vpc/Subnets/private-${AZ_A}/Subnet`), refAt(out, "aws_subnet", `Vpc/Subnets/private-${AZ_B}/Subnet`)],
        security_groups: [refAt(out, "aws_security_group", "Api/SecurityGroup")],
        assign_public_ip: false,
      },
      deployment_circuit_breaker: { enable: true, rollback: true },
      deployment_controller: { type: "ECS" },
      deployment_minimum_healthy_percent: 100,
      deployment_maximum_percent: 200,
      enable_execute_command: false,
      enable_ecs_managed_tags: true,
      propagate_tags: "SERVICE",
      wait_for_steady_state: false,
      tags: { Name: "test-api" },
    });
  });

  test("no strategy of its own (the cluster's default applies), no alarms, no lifecycle, no load balancer", () => {
    const ecsService = bodyAt(out, "aws_ecs_service", "Api");
    for (const key of ["capacity_provider_strategy", "alarms", "lifecycle", "load_balancer", "health_check_grace_period_seconds", "launch_type"]) {
      expect({ key, value: ecsService[key] }).toEqual({ key, value: undefined });
    }
    expect(count(out, "aws_lb")).toBe(0);
    expect(count(out, "aws_lb_target_group")).toBe(0);
    expect(count(out, "aws_appautoscaling_target")).toBe(0);
  });

  test("the security group admits nothing and reaches HTTPS only", () => {
    expect(bodyAt(out, "aws_security_group", "Api/SecurityGroup")).toMatchObject({ name: "test-api-service", vpc_id: refAt(out, "aws_vpc", "Vpc"), lifecycle: { create_before_destroy: true } });
    expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", "Api/SecurityGroup")).toEqual([]);
    expect(rulesOf(out, "aws_vpc_security_group_egress_rule", "Api/SecurityGroup").map(ruleShape)).toEqual([{ ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0" }]);
  });

  test("attributes", () => {
    expect(outputs).toEqual({
      serviceName: refAt(out, "aws_ecs_service", "Api", "name"),
      taskDefinitionArn: refAt(out, "aws_ecs_task_definition", "Api/TaskDefinition", "arn"),
      logGroupName: refAt(out, "aws_cloudwatch_log_group", "Api/Logs", "name"),
      taskRoleArn: refAt(out, "aws_iam_role", "Api/TaskRole", "arn"),
      executionRoleArn: refAt(out, "aws_iam_role", "Api/ExecutionRole", "arn"),
      securityGroupId: refAt(out, "aws_security_group", "Api/SecurityGroup"),
    });
    expect(service.loadBalancer).toBeUndefined();
  });
});

describe("every setting", () => {
  let out: SynthesizedStack;
  let container: ContainerDefinitionJson;
  const secrets: Record<string, ServiceSecret> = {
    DB_PASSWORD: { secretsManagerArn: SECRET_ARN, jsonKey: "password", kmsKeyArn: SECRETS_KEY_ARN },
    DB_USER: { secretsManagerArn: SECRET_ARN, jsonKey: "username", kmsKeyArn: SECRETS_KEY_ARN },
    API_TOKEN: { secretsManagerArn: OTHER_SECRET_ARN },
    FLAGS: { ssmParameterArn: PARAMETER_ARN, kmsKeyArn: OTHER_KEY_ARN },
  };
  beforeAll(() => {
    const f = fixture();
    addService(f, "Api", {
      serviceName: "payments-api",
      cpu: 1024,
      memoryMiB: 4096,
      cpuArchitecture: "X86_64",
      container: {
        image: ContainerImage.fromRepository(f.repository, "2024.06.1"),
        port: 9000,
        environment: { LOG_LEVEL: "info", REGION_NAME: "eu-west-1" },
        secrets,
        command: ["serve", "--port", "9000"],
        entryPoint: ["/app/bin/entry"],
        healthCheck: { command: ["CMD-SHELL", "curl -f http://localhost:9000/health || exit 1"], intervalSeconds: 10, timeoutSeconds: 2, retries: 5, startPeriodSeconds: 20 },
        readonlyRootFilesystem: false,
        writablePaths: ["/tmp", "/var/cache/app"],
        user: "2000",
      },
      desiredCount: 3,
      capacityProviderStrategy: [{ capacityProvider: "FARGATE", base: 1 }, { capacityProvider: "FARGATE_SPOT", weight: 3 }],
      minHealthyPercent: 50,
      maxPercent: 150,
      rollbackAlarmNames: ["payments-5xx", "payments-latency"],
      enableExecuteCommand: true,
      logRetentionDays: 30,
      tags: { team: "payments" },
    });
    out = synth(f.stack).out;
    [container] = containersOf(out, "Api");
  });

  test("the task definition", () => {
    expect(bodyAt(out, "aws_ecs_task_definition", "Api/TaskDefinition")).toMatchObject({
      family: "payments-api",
      cpu: "1024",
      memory: "4096",
      runtime_platform: { operating_system_family: "LINUX", cpu_architecture: "X86_64" },
      volume: [{ name: "scratch-0" }, { name: "scratch-1" }],
      tags: { team: "payments", Name: "payments-api" },
    });
  });

  test("the container", () => {
    expect(container).toMatchObject({
      image: `${refAt(out, "aws_ecr_repository", "Repo", "repository_url")}:2024.06.1`,
      user: "2000",
      readonlyRootFilesystem: false,
      privileged: false,
      command: ["serve", "--port", "9000"],
      entryPoint: ["/app/bin/entry"],
      portMappings: [{ containerPort: 9000, hostPort: 9000, protocol: "tcp" }],
      environment: [
        { name: "LOG_LEVEL", value: "info" },
        { name: "REGION_NAME", value: "eu-west-1" },
      ],
      mountPoints: [
        { sourceVolume: "scratch-0", containerPath: "/tmp", readOnly: false },
        { sourceVolume: "scratch-1", containerPath: "/var/cache/app", readOnly: false },
      ],
      healthCheck: { command: ["CMD-SHELL", "curl -f http://localhost:9000/health || exit 1"], interval: 10, timeout: 2, retries: 5, startPeriod: 20 },
    });
    expect(container.logConfiguration.options["awslogs-stream-prefix"]).toBe("payments-api");
  });

  test("secrets: valueFrom is the ARN, or <arn>:<jsonKey>:: for a key of a JSON secret", () => {
    expect(container.secrets).toEqual([
      { name: "DB_PASSWORD", valueFrom: `${SECRET_ARN}:password::` },
      { name: "DB_USER", valueFrom: `${SECRET_ARN}:username::` },
      { name: "API_TOKEN", valueFrom: OTHER_SECRET_ARN },
      { name: "FLAGS", valueFrom: PARAMETER_ARN },
    ]);
  });

  test("the execution role reads exactly the secrets and parameters given, and decrypts with their keys", () => {
    const statements = roleStatements(out, "Api/ExecutionRole");
    expect(statement(statements, "ReadSecrets")).toEqual({ Sid: "ReadSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [SECRET_ARN, OTHER_SECRET_ARN] });
    expect(statement(statements, "ReadParameters")).toEqual({ Sid: "ReadParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [PARAMETER_ARN] });
    expect(statement(statements, "DecryptSecrets")).toEqual({ Sid: "DecryptSecrets", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [SECRETS_KEY_ARN, OTHER_KEY_ARN] });
    expect(statements.map((s) => s.Sid)).toEqual(["WriteLogs", undefined, "EcrAuthorizationToken", "ReadSecrets", "ReadParameters", "DecryptSecrets"]);
  });

  test("ECS Exec: the service allows it, the init process runs, the task role may open sessions, use the cluster key and log", () => {
    expect(bodyAt(out, "aws_ecs_service", "Api").enable_execute_command).toBe(true);
    expect(container.linuxParameters).toEqual({ initProcessEnabled: true, capabilities: { drop: ["ALL"] } });
    expect(roleStatements(out, "Api/TaskRole")).toEqual([
      {
        Sid: "EcsExec",
        Effect: "Allow",
        Action: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
        Resource: ["*"],
      },
      { Sid: "EcsExecKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [refAt(out, "aws_kms_key", "Cluster/Key", "arn")] },
      {
        Sid: "EcsExecLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: [`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/ecs/${clusterNameRef(out)}/exec:*`],
      },
      { Sid: "EcsExecLogGroups", Effect: "Allow", Action: ["logs:DescribeLogGroups"], Resource: ["*"] },
    ]);
  });

  test("the service: strategy, deployment percentages, rollback alarms, desired count", () => {
    expect(bodyAt(out, "aws_ecs_service", "Api")).toMatchObject({
      name: "payments-api",
      desired_count: 3,
      capacity_provider_strategy: [
        { capacity_provider: "FARGATE", base: 1, weight: 1 },
        { capacity_provider: "FARGATE_SPOT", base: 0, weight: 3 },
      ],
      deployment_minimum_healthy_percent: 50,
      deployment_maximum_percent: 150,
      alarms: { alarm_names: ["payments-5xx", "payments-latency"], enable: true, rollback: true },
      tags: { team: "payments", Name: "payments-api" },
    });
  });

  test("the log group is named after the service and kept logRetentionDays", () => {
    expect(bodyAt(out, "aws_cloudwatch_log_group", "Api/Logs")).toMatchObject({ name: `/aws/ecs/${clusterNameRef(out)}/payments-api`, retention_in_days: 30 });
  });

  test("the roles are named after the service", () => {
    expect(bodyAt(out, "aws_iam_role", "Api/ExecutionRole").name).toBe("payments-api-execution");
    expect(bodyAt(out, "aws_iam_role", "Api/TaskRole").name).toBe("payments-api-task");
  });
});

describe("details", () => {
  test("a health check takes its defaults: 30 s interval, 5 s timeout, 3 retries, no start period", () => {
    const f = fixture();
    addService(f, "Api", { container: { image: ContainerImage.fromRegistry("public.ecr.aws/nginx/nginx:1.27"), port: 80, healthCheck: { command: ["CMD", "/healthcheck"] } } });
    expect(containersOf(synth(f.stack).out, "Api")[0].healthCheck).toEqual({ command: ["CMD", "/healthcheck"], interval: 30, timeout: 5, retries: 3, startPeriod: 0 });
  });

  test("an image of another registry: used as given, and no ECR permissions", () => {
    const f = fixture();
    addService(f, "Api", { container: { image: ContainerImage.fromRegistry("public.ecr.aws/nginx/nginx:1.27"), port: 80 } });
    const out = synth(f.stack).out;
    expect(containersOf(out, "Api")[0].image).toBe("public.ecr.aws/nginx/nginx:1.27");
    expect(roleStatements(out, "Api/ExecutionRole").map((s) => s.Sid)).toEqual(["WriteLogs"]);
  });

  test("a worker: no port, no port mapping, no rules beyond HTTPS out", () => {
    const f = fixture();
    addService(f, "Worker", { container: { image: ContainerImage.fromRepository(f.repository, "v1") } });
    const out = synth(f.stack).out;
    expect(containersOf(out, "Worker")[0].portMappings).toEqual([]);
    expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", "Worker/SecurityGroup")).toEqual([]);
  });

  test("writablePaths: [] leaves the task without volumes or mount points", () => {
    const f = fixture();
    addService(f, "Api", { container: { image: ContainerImage.fromRepository(f.repository, "v1"), writablePaths: [] } });
    const out = synth(f.stack).out;
    expect(bodyAt(out, "aws_ecs_task_definition", "Api/TaskDefinition").volume).toEqual([]);
    expect(containersOf(out, "Api")[0].mountPoints).toEqual([]);
  });

  test("a secret without a key: no DecryptSecrets statement (the AWS-managed key needs none)", () => {
    const f = fixture();
    addService(f, "Api", { container: { image: ContainerImage.fromRepository(f.repository, "v1"), secrets: { TOKEN: { secretsManagerArn: SECRET_ARN } } } });
    const statements = roleStatements(synth(f.stack).out, "Api/ExecutionRole");
    expect(statements.map((s) => s.Sid)).toEqual(["WriteLogs", undefined, "EcrAuthorizationToken", "ReadSecrets"]);
  });

  test("without ECS Exec the task role gets none of its statements", () => {
    const f = fixture();
    addService(f, "Api", { enableExecuteCommand: false });
    expect(roleStatements(synth(f.stack).out, "Api/TaskRole")).toEqual([]);
  });

  test("the default service name lower-cases the construct id", () => {
    const f = fixture();
    addService(f, "PaymentsApi");
    const out = synth(f.stack).out;
    expect(bodyAt(out, "aws_ecs_service", "PaymentsApi").name).toBe("test-paymentsapi");
    expect(bodyAt(out, "aws_ecs_task_definition", "PaymentsApi/TaskDefinition").family).toBe("test-paymentsapi");
  });

  test("grants to the task role land in its inline policy", () => {
    const f = fixture();
    const service = addService(f);
    f.repository.grantPull(service.taskRole);
    expect(roleStatements(synth(f.stack).out, "Api/TaskRole").map((s) => s.Sid)).toEqual([undefined, "EcrAuthorizationToken"]);
  });
});

describe("lifecycle", () => {
  function lifecycleOf(overrides: Parameters<typeof serviceProps>[1]): { lifecycle: unknown; desired: unknown } {
    const f = fixture();
    new EcsService(f.stack, "Api", serviceProps(f, overrides));
    const body = bodyAt(synth(f.stack).out, "aws_ecs_service", "Api");
    return { lifecycle: body.lifecycle, desired: body.desired_count };
  }

  test("autoScaling: Terraform leaves desired_count to it, starting from at least minCapacity", () => {
    expect(lifecycleOf({ autoScaling: { minCapacity: 1, maxCapacity: 4, targetCpuPercent: 60 } })).toEqual({ lifecycle: { ignore_changes: ["desired_count"] }, desired: 2 });
    expect(lifecycleOf({ desiredCount: 1, autoScaling: { minCapacity: 3, maxCapacity: 6, targetCpuPercent: 60 } })).toEqual({ lifecycle: { ignore_changes: ["desired_count"] }, desired: 3 });
  });

  test("ciOwnsTaskDefinition: Terraform leaves task_definition to CI", () => {
    expect(lifecycleOf({ ciOwnsTaskDefinition: true })).toEqual({ lifecycle: { ignore_changes: ["task_definition"] }, desired: 2 });
  });

  test("both", () => {
    expect(lifecycleOf({ ciOwnsTaskDefinition: true, autoScaling: { minCapacity: 2, maxCapacity: 4, targetCpuPercent: 60 } }).lifecycle).toEqual({
      ignore_changes: ["desired_count", "task_definition"],
    });
  });

  test("neither, with a fixed desired count", () => {
    expect(lifecycleOf({ desiredCount: 0, ciOwnsTaskDefinition: false })).toEqual({ lifecycle: undefined, desired: 0 });
  });
});

describe("load balancer security", () => {
  let out: SynthesizedStack;
  beforeAll(() => {
    const f = fixture();
    addService(f, "Api", { loadBalancing: { create: { certificate: { certificateArn: CERTIFICATE_ARN } } } });
    out = synth(f.stack).out;
  });

  test("the service admits only its load balancer, on the container port", () => {
    expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", "Api/SecurityGroup").map(ruleShape)).toEqual([
      { ip_protocol: "tcp", from_port: 8080, to_port: 8080, referenced_security_group_id: refAt(out, "aws_security_group", "Api/LoadBalancer/SecurityGroup") },
    ]);
    expect(rulesOf(out, "aws_vpc_security_group_egress_rule", "Api/SecurityGroup").map(ruleShape)).toEqual([{ ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0" }]);
  });

  test("the load balancer reaches the service on the container port, and nothing else", () => {
    expect(rulesOf(out, "aws_vpc_security_group_egress_rule", "Api/LoadBalancer/SecurityGroup").map(ruleShape)).toEqual([
      { ip_protocol: "tcp", from_port: 8080, to_port: 8080, referenced_security_group_id: refAt(out, "aws_security_group", "Api/SecurityGroup") },
    ]);
  });

  test("the rules are keyed by peer and port", () => {
    expect(at(out, "aws_vpc_security_group_ingress_rule", "Api/SecurityGroup/From-test-unit-Api-LoadBalancer-SecurityGroup-8080-8080").resource.description).toBe(
      "HTTP from load balancer to test-api",
    );
    expect(at(out, "aws_vpc_security_group_egress_rule", "Api/LoadBalancer/SecurityGroup/To-test-unit-Api-SecurityGroup-8080-8080").resource.description).toBe(
      "HTTP from load balancer to test-api",
    );
  });
});
