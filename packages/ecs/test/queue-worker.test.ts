// Queue workers: `queue` gives a service a work queue and its dead-letter queue, `QUEUE_URL` in
// the container's environment and a task role that may consume that queue (and only that one);
// `autoScaling.queueMessagesPerTask` scales it on the backlog per task with metric math.
import type { SynthesizedStack } from "@platform/core";
import { ContainerImage, type AutoScalingOptions, type EcsService, type EcsServiceProps, type QueueOptions } from "../src";
import {
  ACCOUNT,
  REGION,
  STACK_PATH,
  addService,
  bodyAt,
  containersOf,
  count,
  fixture,
  messageOf,
  refAt,
  roleStatements,
  sharedFixture,
  statement,
  synth,
  type Fixture,
  type Resource,
} from "./support";

const WORKER = `${STACK_PATH}/Worker`;
const CONSUME_ACTIONS = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"];
const DAY = 86400;

/** Props of a worker of the fixture: the repository's image `v1`, no port. */
function workerProps(f: Fixture, overrides: Partial<EcsServiceProps> = {}): Partial<EcsServiceProps> {
  return { container: { image: ContainerImage.fromRepository(f.repository, "v1") }, ...overrides };
}

/** A fresh fixture with a queue worker `Worker` (service `test-worker`), synthesized. */
function synthWorker(overrides: Partial<EcsServiceProps> = {}): { out: SynthesizedStack; worker: EcsService } {
  const f = fixture();
  const worker = addService(f, "Worker", workerProps(f, { queue: {}, ...overrides }));
  return { out: synth(f.stack).out, worker };
}

/** The body of the work queue, and the reference to one of its attributes. */
const queue = (out: SynthesizedStack) => bodyAt(out, "aws_sqs_queue", "Worker/Queue");
const queueRef = (out: SynthesizedStack, attribute: string) => refAt(out, "aws_sqs_queue", "Worker/Queue", attribute);
const dlq = (out: SynthesizedStack) => bodyAt(out, "aws_sqs_queue", "Worker/Queue/DeadLetterQueue");
const dlqRef = (out: SynthesizedStack, attribute: string) => refAt(out, "aws_sqs_queue", "Worker/Queue/DeadLetterQueue", attribute);

describe("a queue worker with the defaults", () => {
  let out: SynthesizedStack;
  let worker: EcsService;
  beforeAll(() => {
    ({ out, worker } = synthWorker());
  });

  test("the work queue <service>: 60 s visibility, 4 days' retention, long polling, SQS-managed encryption, redrive to the DLQ after 5 receives", () => {
    expect(queue(out)).toEqual({
      name: "test-worker",
      visibility_timeout_seconds: 60,
      message_retention_seconds: 4 * DAY,
      receive_wait_time_seconds: 20,
      sqs_managed_sse_enabled: true,
      redrive_policy: JSON.stringify({ deadLetterTargetArn: dlqRef(out, "arn"), maxReceiveCount: 5 }),
      tags: { Name: "test-worker" },
    });
    expect(JSON.parse(queue(out).redrive_policy as string)).toEqual({ deadLetterTargetArn: dlqRef(out, "arn"), maxReceiveCount: 5 });
  });

  test("the dead-letter queue <service>-dlq: 14 days, encrypted, accepting redrives from the work queue only (its literal ARN, so no cycle)", () => {
    expect(dlq(out)).toEqual({
      name: "test-worker-dlq",
      message_retention_seconds: 14 * DAY,
      sqs_managed_sse_enabled: true,
      redrive_allow_policy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [`arn:aws:sqs:${REGION}:${ACCOUNT}:test-worker`] }),
      tags: { Name: "test-worker" },
    });
    expect(JSON.parse(dlq(out).redrive_allow_policy as string)).toEqual({ redrivePermission: "byQueue", sourceQueueArns: ["arn:aws:sqs:eu-west-1:123456789012:test-worker"] });
  });

  test("two queues, and nothing else of SQS", () => {
    expect(count(out, "aws_sqs_queue")).toBe(2);
    expect(count(out, "aws_sqs_queue_policy")).toBe(0);
  });

  test("QUEUE_URL in the container's environment: the queue's url", () => {
    expect(containersOf(out, "Worker")[0].environment).toEqual([{ name: "QUEUE_URL", value: queueRef(out, "url") }]);
    expect(containersOf(out, "Worker")[0].portMappings).toEqual([]);
  });

  test("the task role may consume the work queue: exactly the five actions, on its ARN only", () => {
    expect(roleStatements(out, "Worker/TaskRole")).toEqual([{ Sid: "ConsumeWorkQueue", Effect: "Allow", Action: CONSUME_ACTIONS, Resource: [queueRef(out, "arn")] }]);
  });

  test("the execution role gets nothing of SQS", () => {
    const actions = roleStatements(out, "Worker/ExecutionRole").flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions.filter((a) => a.startsWith("sqs:"))).toEqual([]);
  });

  test("the service's queue: url, ARN and name of the work queue, and the DLQ's ARN", () => {
    const f = fixture();
    const w = addService(f, "Worker", workerProps(f, { queue: {} }));
    const resolved = synth(f.stack, { url: w.queue!.queueUrl, arn: w.queue!.queueArn, name: w.queue!.queueName, dlq: w.queue!.deadLetterQueueArn });
    expect(resolved.outputs).toEqual({
      url: queueRef(resolved.out, "url"),
      arn: queueRef(resolved.out, "arn"),
      name: queueRef(resolved.out, "name"),
      dlq: refAt(resolved.out, "aws_sqs_queue", "Worker/Queue/DeadLetterQueue", "arn"),
    });
    expect(worker.queue).toBeDefined();
  });

  test("no scaling resources without autoScaling", () => {
    expect(count(out, "aws_appautoscaling_policy")).toBe(0);
    expect(bodyAt(out, "aws_ecs_service", "Worker").desired_count).toBe(2);
  });
});

test("options are honoured: visibility timeout, receive count and retention; the DLQ keeps 14 days", () => {
  const { out } = synthWorker({ queue: { visibilityTimeoutSeconds: 900, maxReceiveCount: 3, retentionDays: 14 } });
  expect(queue(out)).toMatchObject({ visibility_timeout_seconds: 900, message_retention_seconds: 14 * DAY, receive_wait_time_seconds: 20 });
  expect(JSON.parse(queue(out).redrive_policy as string)).toEqual({ deadLetterTargetArn: dlqRef(out, "arn"), maxReceiveCount: 3 });
  expect(dlq(out).message_retention_seconds).toBe(14 * DAY);
});

test.each<[string, QueueOptions, Resource]>([
  ["the lowest", { visibilityTimeoutSeconds: 0, maxReceiveCount: 1, retentionDays: 1 }, { visibility_timeout_seconds: 0, message_retention_seconds: DAY, max: 1 }],
  ["the highest", { visibilityTimeoutSeconds: 43200, maxReceiveCount: 1000, retentionDays: 14 }, { visibility_timeout_seconds: 43200, message_retention_seconds: 14 * DAY, max: 1000 }],
])("%s values are accepted", (_what, options, expected) => {
  const { out } = synthWorker({ queue: options });
  const { max, ...body } = expected;
  expect(queue(out)).toMatchObject(body);
  expect(JSON.parse(queue(out).redrive_policy as string).maxReceiveCount).toBe(max);
});

test("QUEUE_URL follows the container's own variables", () => {
  const { out } = synthWorker({ container: { image: ContainerImage.fromRegistry("public.ecr.aws/nginx/nginx:1.27"), environment: { LOG_LEVEL: "info", MODE: "worker" } } });
  expect(containersOf(out, "Worker")[0].environment).toEqual([
    { name: "LOG_LEVEL", value: "info" },
    { name: "MODE", value: "worker" },
    { name: "QUEUE_URL", value: queueRef(out, "url") },
  ]);
});

test("each worker consumes its own queue only, and no worker gets the dead-letter queues", () => {
  const f = fixture();
  addService(f, "Worker", workerProps(f, { queue: {} }));
  addService(f, "Mailer", workerProps(f, { queue: {} }));
  addService(f, "Api");
  const out = synth(f.stack).out;
  expect(bodyAt(out, "aws_sqs_queue", "Mailer/Queue").name).toBe("test-mailer");
  expect(bodyAt(out, "aws_sqs_queue", "Mailer/Queue/DeadLetterQueue").name).toBe("test-mailer-dlq");
  const worker = roleStatements(out, "Worker/TaskRole");
  const mailer = roleStatements(out, "Mailer/TaskRole");
  expect(worker).toEqual([{ Sid: "ConsumeWorkQueue", Effect: "Allow", Action: CONSUME_ACTIONS, Resource: [queueRef(out, "arn")] }]);
  expect(mailer).toEqual([{ Sid: "ConsumeWorkQueue", Effect: "Allow", Action: CONSUME_ACTIONS, Resource: [refAt(out, "aws_sqs_queue", "Mailer/Queue", "arn")] }]);
  expect(JSON.stringify([...worker, ...mailer])).not.toContain("DeadLetterQueue");
  expect(statement(worker, "ConsumeWorkQueue").Resource).not.toContain(refAt(out, "aws_sqs_queue", "Mailer/Queue", "arn"));
  expect(statement(mailer, "ConsumeWorkQueue").Resource).not.toContain(queueRef(out, "arn"));
  // A service without a queue: no task role policy, no QUEUE_URL.
  expect(roleStatements(out, "Api/TaskRole")).toEqual([]);
  expect(containersOf(out, "Api")[0].environment).toEqual([]);
});

test("a service without queue: no queues, no QUEUE_URL, and no queue property", () => {
  const f = fixture();
  const api = addService(f, "Api");
  const out = synth(f.stack).out;
  expect(api.queue).toBeUndefined();
  expect(count(out, "aws_sqs_queue")).toBe(0);
  expect(containersOf(out, "Api")[0].environment).toEqual([]);
});

describe("scaling on the backlog: autoScaling.queueMessagesPerTask", () => {
  let out: SynthesizedStack;
  beforeAll(() => {
    ({ out } = synthWorker({ autoScaling: { minCapacity: 0, maxCapacity: 10, queueMessagesPerTask: 100 } }));
  });

  test("the policy <service>-queue: target tracking on visible messages over running tasks", () => {
    const target = (attribute: string) => refAt(out, "aws_appautoscaling_target", "Worker/AutoScaling/Target", attribute);
    const serviceName = refAt(out, "aws_ecs_service", "Worker", "name");
    expect(bodyAt(out, "aws_appautoscaling_policy", "Worker/AutoScaling/Queue")).toEqual({
      name: `${serviceName}-queue`,
      policy_type: "TargetTrackingScaling",
      service_namespace: target("service_namespace"),
      scalable_dimension: target("scalable_dimension"),
      resource_id: target("resource_id"),
      target_tracking_scaling_policy_configuration: {
        target_value: 100,
        scale_in_cooldown: 300,
        scale_out_cooldown: 60,
        customized_metric_specification: {
          metrics: [
            {
              id: "visible",
              return_data: false,
              metric_stat: {
                stat: "Sum",
                metric: { namespace: "AWS/SQS", metric_name: "ApproximateNumberOfMessagesVisible", dimensions: [{ name: "QueueName", value: queueRef(out, "name") }] },
              },
            },
            {
              id: "tasks",
              return_data: false,
              metric_stat: {
                stat: "Average",
                metric: {
                  namespace: "ECS/ContainerInsights",
                  metric_name: "RunningTaskCount",
                  dimensions: [
                    { name: "ClusterName", value: refAt(out, "aws_ecs_cluster_capacity_providers", "Cluster/CapacityProviders", "cluster_name") },
                    { name: "ServiceName", value: serviceName },
                  ],
                },
              },
            },
            { id: "backlog", expression: "visible / IF(tasks > 0, tasks, 1)", label: "messages per task", return_data: true },
          ],
        },
      },
    });
  });

  test("only the backlog's metric returns data", () => {
    const spec = (bodyAt(out, "aws_appautoscaling_policy", "Worker/AutoScaling/Queue").target_tracking_scaling_policy_configuration as Resource).customized_metric_specification as {
      metrics: Resource[];
    };
    expect(spec.metrics.filter((m) => m.return_data === true).map((m) => m.id)).toEqual(["backlog"]);
  });

  test("it is the only policy, and the scalable target spans min to max (down to zero tasks)", () => {
    expect(count(out, "aws_appautoscaling_policy")).toBe(1);
    expect(bodyAt(out, "aws_appautoscaling_target", "Worker/AutoScaling/Target")).toMatchObject({ min_capacity: 0, max_capacity: 10 });
    expect(bodyAt(out, "aws_ecs_service", "Worker").lifecycle).toEqual({ ignore_changes: ["desired_count"] });
  });
});

test("the backlog policy next to CPU tracking", () => {
  const { out } = synthWorker({ autoScaling: { minCapacity: 1, maxCapacity: 4, queueMessagesPerTask: 1, targetCpuPercent: 70 } });
  expect(count(out, "aws_appautoscaling_policy")).toBe(2);
  expect((bodyAt(out, "aws_appautoscaling_policy", "Worker/AutoScaling/Queue").target_tracking_scaling_policy_configuration as Resource).target_value).toBe(1);
  expect((bodyAt(out, "aws_appautoscaling_policy", "Worker/AutoScaling/Cpu").target_tracking_scaling_policy_configuration as Resource).target_value).toBe(70);
});

describe("errors", () => {
  /** The message of building `Worker` with these overrides (on a fixture shared by these tests). */
  function errorOf(overrides: (f: Fixture) => Partial<EcsServiceProps>): string {
    return messageOf(sharedFixture(), (f) => addService(f, "Worker", workerProps(f, overrides(f))), ["Worker"]);
  }
  const queueErrorOf = (options: QueueOptions) => errorOf(() => ({ queue: options }));
  const scalingErrorOf = (autoScaling: Partial<AutoScalingOptions>, withQueue = true) =>
    errorOf(() => ({ ...(withQueue ? { queue: {} } : {}), autoScaling: { minCapacity: 1, maxCapacity: 4, ...autoScaling } }));

  test.each([-1, 43201, 30.5])("queue.visibilityTimeoutSeconds %p", (visibilityTimeoutSeconds) => {
    expect(queueErrorOf({ visibilityTimeoutSeconds })).toBe(`${WORKER}/Queue: 'queue.visibilityTimeoutSeconds' must be a whole number from 0 to 43200, got ${visibilityTimeoutSeconds}`);
  });

  test.each([0, 1001, 2.5])("queue.maxReceiveCount %p", (maxReceiveCount) => {
    expect(queueErrorOf({ maxReceiveCount })).toBe(`${WORKER}/Queue: 'queue.maxReceiveCount' must be a whole number from 1 to 1000, got ${maxReceiveCount}`);
  });

  test.each([0, 15, 3.5])("queue.retentionDays %p", (retentionDays) => {
    expect(queueErrorOf({ retentionDays })).toBe(`${WORKER}/Queue: 'queue.retentionDays' must be a whole number from 1 to 14, got ${retentionDays}`);
  });

  test("QUEUE_URL set in the container's environment with a queue", () => {
    expect(errorOf((f) => ({ queue: {}, container: { image: ContainerImage.fromRepository(f.repository, "v1"), environment: { QUEUE_URL: "https://sqs.example/q" } } }))).toBe(
      `${WORKER}: 'container.environment.QUEUE_URL' is set by 'queue'; remove it`,
    );
  });

  test("QUEUE_URL in the environment of a service without a queue is the service's own business", () => {
    const f = fixture();
    addService(f, "Worker", { container: { image: ContainerImage.fromRepository(f.repository, "v1"), environment: { QUEUE_URL: "https://sqs.example/q" } } });
    expect(containersOf(synth(f.stack).out, "Worker")[0].environment).toEqual([{ name: "QUEUE_URL", value: "https://sqs.example/q" }]);
  });

  test("queueMessagesPerTask without a queue", () => {
    expect(scalingErrorOf({ queueMessagesPerTask: 10 }, false)).toBe(`${WORKER}/AutoScaling: 'autoScaling.queueMessagesPerTask' needs 'queue': it scales on the work queue's backlog per task`);
  });

  test.each([0, -5, 2.5])("queueMessagesPerTask %p", (queueMessagesPerTask) => {
    expect(scalingErrorOf({ queueMessagesPerTask })).toBe(`${WORKER}/AutoScaling: 'autoScaling.queueMessagesPerTask' must be a whole number of at least 1, got ${queueMessagesPerTask}`);
  });

  test("QUEUE_URL given as a secret with a queue", () => {
    expect(
      errorOf((f) => ({ queue: {}, container: { image: ContainerImage.fromRepository(f.repository, "v1"), secrets: { QUEUE_URL: { ssmParameterArn: `arn:aws:ssm:eu-west-1:123456789012:parameter/q` } } } })),
    ).toBe(`${WORKER}: 'container.secrets.QUEUE_URL' is set by 'queue'; remove it`);
  });

  test("a service name too long for its dead-letter queue's name", () => {
    const long = "w".repeat(77);
    expect(errorOf(() => ({ queue: {}, serviceName: long }))).toBe(
      `${WORKER}: 'serviceName' must be at most 76 characters with 'queue' (SQS names its dead-letter queue <name>-dlq, at most 80), got 77`,
    );
  });

  test("backlog scaling on a cluster without Container Insights", () => {
    const f = fixture({ cluster: { containerInsights: "disabled" } });
    expect(messageOf(f, (g) => addService(g, "Worker", workerProps(g, { queue: {}, autoScaling: { minCapacity: 0, maxCapacity: 2, queueMessagesPerTask: 5 } })), ["Worker"])).toBe(
      `${WORKER}: 'autoScaling.queueMessagesPerTask' needs Container Insights on the cluster (its running-task count); the cluster has it disabled`,
    );
  });

  test("queueMessagesPerTask alone is a policy", () => {
    expect(() => synthWorker({ autoScaling: { minCapacity: 1, maxCapacity: 2, queueMessagesPerTask: 5 } })).not.toThrow();
  });
});
