// The ECS stack's queue workers, Service Connect and callers: a Fargate API registered in the
// cluster's namespace that a queue worker calls, and services that admit nobody but their load
// balancer.
import { Testing, TerraformStack, type App } from "cdktf";
import { testEnvironmentConfig, type EnvironmentConfig, type SynthesizedStack } from "@platform/core";
import { EcsStack, buildEnvironment } from "../src";

const ZONE = "Z0123456789ABCDEF";
const NAMESPACE = "test.internal";
const DAY = 86400;
const CONSUME_ACTIONS = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"];

type ServiceInput = NonNullable<EnvironmentConfig["services"]>[string];
type Resource = Record<string, unknown>;

const ECR: EnvironmentConfig["ecr"] = { repositories: { app: {} } };
const FARGATE: ServiceInput = { runtime: "ecs-fargate", image: { repository: "app", tag: "1.0.0" }, cpu: 256, memoryMiB: 512 };
const API: ServiceInput = { ...FARGATE, port: 8080, serviceConnect: true, callers: ["worker"] };
const WORKER: ServiceInput = { ...FARGATE, queue: {}, autoscaling: { min: 0, max: 10, queueMessagesPerTask: 50 } };
const PUBLIC = { exposure: "public", domain: { name: "web.example.com", hostedZoneId: ZONE } } as const;

/** The synthesized ECS stack of an environment with a Service Connect namespace and these services (cross-stack references resolved, as `app.synth()` does). */
function ecsOut(services: Record<string, ServiceInput>, ecs: EnvironmentConfig["ecs"] = { serviceConnectNamespace: NAMESPACE }): { out: SynthesizedStack; stack: EcsStack } {
  const app: App = Testing.app();
  const stacks = buildEnvironment(app, testEnvironmentConfig({ ecr: ECR, ecs, services }));
  expect(stacks.ecs).toBeInstanceOf(EcsStack);
  app.node.findAll().filter(TerraformStack.isStack).forEach((s) => s.prepareStack());
  return { out: JSON.parse(Testing.synth(stacks.ecs!, true)) as SynthesizedStack, stack: stacks.ecs! };
}

function resources(out: SynthesizedStack, type: string): Record<string, Resource> {
  return out.resource?.[type] ?? {};
}

/** The Terraform name of the one resource of a type whose construct path is `prefix` (`_`-joined) plus the hash. */
function resourceKey(out: SynthesizedStack, type: string, prefix: string): string {
  const matches = Object.keys(resources(out, type)).filter((name) => new RegExp(`^${prefix}_[0-9A-F]{8}$`).test(name));
  expect(matches).toHaveLength(1);
  return matches[0];
}
const resource = (out: SynthesizedStack, type: string, prefix: string): Resource => resources(out, type)[resourceKey(out, type, prefix)];
const ref = (out: SynthesizedStack, type: string, prefix: string, attribute: string) => `\${${type}.${resourceKey(out, type, prefix)}.${attribute}}`;

/** `${aws_security_group.Services_<name>_Service_SecurityGroup_xxx.id}`. */
const groupOf = (out: SynthesizedStack, name: string) => ref(out, "aws_security_group", `Services_${name}_Service_SecurityGroup`, "id");

/** The rules of a type on a service's security group, with only the fields that say what they let through. */
function rulesOf(out: SynthesizedStack, type: "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule", group: string): Resource[] {
  return Object.values(resources(out, type))
    .filter((r) => r.security_group_id === group)
    .map(({ ip_protocol, from_port, to_port, cidr_ipv4, referenced_security_group_id, description }) => ({
      ip_protocol,
      from_port,
      to_port,
      ...(cidr_ipv4 !== undefined ? { cidr_ipv4 } : {}),
      ...(referenced_security_group_id !== undefined ? { referenced_security_group_id } : {}),
      description,
    }));
}

const HTTPS_OUT = { ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0", description: "HTTPS to AWS APIs and dependencies" };

/** The one container of a service's task definition. */
function container(out: SynthesizedStack, name: string): { environment: { name: string; value: string }[]; portMappings: Resource[] } {
  const definitions = JSON.parse(resource(out, "aws_ecs_task_definition", `Services_${name}_Service_TaskDefinition`).container_definitions as string);
  expect(definitions).toHaveLength(1);
  return definitions[0];
}

describe("an API that a queue worker calls, in the cluster's Service Connect namespace", () => {
  let out: SynthesizedStack;
  let stack: EcsStack;
  beforeAll(() => {
    ({ out, stack } = ecsOut({ api: API, worker: WORKER }));
  });

  test("the API's security group admits the worker's on 8080, and nothing else", () => {
    expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", groupOf(out, "api"))).toEqual([
      { ip_protocol: "tcp", from_port: 8080, to_port: 8080, referenced_security_group_id: groupOf(out, "worker"), description: "test-worker calls test-api" },
    ]);
  });

  test("the worker's security group may reach the API's on 8080, next to HTTPS", () => {
    expect(rulesOf(out, "aws_vpc_security_group_egress_rule", groupOf(out, "worker"))).toEqual([
      HTTPS_OUT,
      { ip_protocol: "tcp", from_port: 8080, to_port: 8080, referenced_security_group_id: groupOf(out, "api"), description: "test-worker calls test-api" },
    ]);
  });

  test("the rules are keyed by the caller's and the callee's paths and the port", () => {
    expect(resourceKey(out, "aws_vpc_security_group_ingress_rule", "Services_api_Service_SecurityGroup_From-test-ecs-Services-worker-Service-SecurityGroup-8080-8080")).toBeDefined();
    expect(resourceKey(out, "aws_vpc_security_group_egress_rule", "Services_worker_Service_SecurityGroup_To-test-ecs-Services-api-Service-SecurityGroup-8080-8080")).toBeDefined();
  });

  test("the worker admits nobody, and the API's only outbound rule is HTTPS", () => {
    expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", groupOf(out, "worker"))).toEqual([]);
    expect(rulesOf(out, "aws_vpc_security_group_egress_rule", groupOf(out, "api"))).toEqual([HTTPS_OUT]);
    expect(Object.keys(resources(out, "aws_vpc_security_group_ingress_rule"))).toHaveLength(1);
  });

  test("the worker has its queue <env>-worker with its dead-letter queue, and QUEUE_URL", () => {
    expect(resource(out, "aws_sqs_queue", "Services_worker_Service_Queue")).toMatchObject({ name: "test-worker", visibility_timeout_seconds: 60, message_retention_seconds: 4 * DAY, sqs_managed_sse_enabled: true });
    expect(resource(out, "aws_sqs_queue", "Services_worker_Service_Queue_DeadLetterQueue")).toMatchObject({ name: "test-worker-dlq", message_retention_seconds: 14 * DAY });
    expect(Object.keys(resources(out, "aws_sqs_queue"))).toHaveLength(2);
    expect(container(out, "worker").environment).toEqual([{ name: "QUEUE_URL", value: ref(out, "aws_sqs_queue", "Services_worker_Service_Queue", "url") }]);
    expect(container(out, "api").environment).toEqual([]);
  });

  test("the worker's task role consumes its queue", () => {
    const policy = JSON.parse(resource(out, "aws_iam_role_policy", "Services_worker_Service_TaskRole_Policy").policy as string);
    expect(policy.Statement).toEqual([{ Sid: "ConsumeWorkQueue", Effect: "Allow", Action: CONSUME_ACTIONS, Resource: [ref(out, "aws_sqs_queue", "Services_worker_Service_Queue", "arn")] }]);
  });

  test("the worker scales on its backlog per task", () => {
    const policy = resource(out, "aws_appautoscaling_policy", "Services_worker_Service_AutoScaling_Queue");
    expect(policy).toMatchObject({ name: `${ref(out, "aws_ecs_service", "Services_worker_Service", "name")}-queue`, policy_type: "TargetTrackingScaling" });
    const configuration = policy.target_tracking_scaling_policy_configuration as { target_value: number; customized_metric_specification: { metrics: Resource[] } };
    expect(configuration.target_value).toBe(50);
    expect(configuration.customized_metric_specification.metrics[0]).toMatchObject({
      id: "visible",
      metric_stat: { metric: { dimensions: [{ name: "QueueName", value: ref(out, "aws_sqs_queue", "Services_worker_Service_Queue", "name") }] } },
    });
    expect(resource(out, "aws_appautoscaling_target", "Services_worker_Service_AutoScaling_Target")).toMatchObject({ min_capacity: 0, max_capacity: 10 });
  });

  test("the cluster has the namespace, as its Service Connect default", () => {
    expect(resource(out, "aws_service_discovery_http_namespace", "Cluster_Namespace")).toMatchObject({ name: NAMESPACE });
    expect(resource(out, "aws_ecs_cluster", "Cluster").service_connect_defaults).toEqual({ namespace: ref(out, "aws_service_discovery_http_namespace", "Cluster_Namespace", "arn") });
  });

  test("the API registers in it as <env>-api on 8080; the worker does not register", () => {
    expect(resource(out, "aws_ecs_service", "Services_api_Service").service_connect_configuration).toMatchObject({
      enabled: true,
      namespace: ref(out, "aws_service_discovery_http_namespace", "Cluster_Namespace", "arn"),
      service: [{ port_name: "app", discovery_name: "test-api", client_alias: { port: 8080, dns_name: "test-api" } }],
    });
    expect(container(out, "api").portMappings).toEqual([{ containerPort: 8080, hostPort: 8080, protocol: "tcp", name: "app", appProtocol: "http" }]);
    expect(resource(out, "aws_ecs_service", "Services_worker_Service").service_connect_configuration).toBeUndefined();
  });

  test("the stack's services expose the connections the rules are written on", () => {
    expect(Object.keys(stack.services)).toEqual(["api", "worker"]);
    expect(stack.services.api.connections).toBeDefined();
    expect(stack.services.worker.queue).toBeDefined();
    expect(stack.services.api.queue).toBeUndefined();
  });
});

test("callers are wired whatever order the services are declared in", () => {
  const { out } = ecsOut({ worker: WORKER, api: API });
  expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", groupOf(out, "api"))).toEqual([
    { ip_protocol: "tcp", from_port: 8080, to_port: 8080, referenced_security_group_id: groupOf(out, "worker"), description: "test-worker calls test-api" },
  ]);
});

test("several callers: one rule pair each", () => {
  const { out } = ecsOut({ api: { ...API, callers: ["worker", "web"] }, worker: WORKER, web: FARGATE });
  const ingress = rulesOf(out, "aws_vpc_security_group_ingress_rule", groupOf(out, "api"));
  // (Terraform JSON lists resources by name, so the order is not the callers'.)
  expect(ingress).toHaveLength(2);
  expect(ingress).toEqual(
    expect.arrayContaining([
      { ip_protocol: "tcp", from_port: 8080, to_port: 8080, referenced_security_group_id: groupOf(out, "worker"), description: "test-worker calls test-api" },
      { ip_protocol: "tcp", from_port: 8080, to_port: 8080, referenced_security_group_id: groupOf(out, "web"), description: "test-web calls test-api" },
    ]),
  );
  expect(rulesOf(out, "aws_vpc_security_group_egress_rule", groupOf(out, "web"))).toEqual([
    HTTPS_OUT,
    { ip_protocol: "tcp", from_port: 8080, to_port: 8080, referenced_security_group_id: groupOf(out, "api"), description: "test-web calls test-api" },
  ]);
});

test("a service with no callers admits nobody but its load balancer", () => {
  const { out } = ecsOut({ web: { ...FARGATE, port: 8080, ...PUBLIC }, worker: WORKER, api: { ...FARGATE, port: 9000 } });
  const lbGroup = ref(out, "aws_security_group", "Services_web_Service_LoadBalancer_SecurityGroup", "id");
  expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", groupOf(out, "web"))).toEqual([
    { ip_protocol: "tcp", from_port: 8080, to_port: 8080, referenced_security_group_id: lbGroup, description: "HTTP from load balancer to test-web" },
  ]);
  expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", groupOf(out, "api"))).toEqual([]);
  expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", groupOf(out, "worker"))).toEqual([]);
  for (const name of ["api", "worker"]) expect(rulesOf(out, "aws_vpc_security_group_egress_rule", groupOf(out, name))).toEqual([HTTPS_OUT]);
});

test("a service behind a load balancer admits its load balancer and its callers", () => {
  const { out } = ecsOut({ web: { ...FARGATE, port: 8080, ...PUBLIC, callers: ["worker"] }, worker: WORKER });
  const lbGroup = ref(out, "aws_security_group", "Services_web_Service_LoadBalancer_SecurityGroup", "id");
  expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", groupOf(out, "web"))).toEqual([
    { ip_protocol: "tcp", from_port: 8080, to_port: 8080, referenced_security_group_id: lbGroup, description: "HTTP from load balancer to test-web" },
    { ip_protocol: "tcp", from_port: 8080, to_port: 8080, referenced_security_group_id: groupOf(out, "worker"), description: "test-worker calls test-web" },
  ]);
});

test("without serviceConnect or a namespace: no namespace, no registration, and callers still wired", () => {
  const { out } = ecsOut({ api: { ...FARGATE, port: 8080, callers: ["worker"] }, worker: WORKER }, {});
  expect(resources(out, "aws_service_discovery_http_namespace")).toEqual({});
  expect(resource(out, "aws_ecs_cluster", "Cluster").service_connect_defaults).toBeUndefined();
  expect(resource(out, "aws_ecs_service", "Services_api_Service").service_connect_configuration).toBeUndefined();
  expect(container(out, "api").portMappings).toEqual([{ containerPort: 8080, hostPort: 8080, protocol: "tcp" }]);
  expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", groupOf(out, "api"))).toHaveLength(1);
});
