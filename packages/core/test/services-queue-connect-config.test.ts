import { validateEnvironmentConfig, type EnvironmentConfig } from "../src";
import { problemLines, withChanges } from "./support";

// Queue workers, Service Connect and callers in an environment's configuration: the settings
// `services.<name>.queue`, `serviceConnect`, `callers`, `autoscaling.queueMessagesPerTask` and
// `ecs.serviceConnectNamespace`, and the rules between them. Every message, exactly.

const ACCOUNT = "123456789012";
const NAMESPACE = "prod.internal";
const QUEUE_SETTINGS = "visibilityTimeoutSeconds, maxReceiveCount, retentionDays";
const AUTOSCALING_TARGETS = "targetCpuPercent, targetMemoryPercent, requestsPerTarget or queueMessagesPerTask";
const NAMESPACE_WHAT = "a DNS-style namespace such as dev.internal";
/** The smallest valid eks section: services with runtime "eks" need one. */
const EKS: NonNullable<EnvironmentConfig["eks"]> = { version: "1.32", nodeGroups: { system: { instanceTypes: ["t4g.large"], minSize: 1, maxSize: 3 } } };

/** A valid configuration with a repository (`app`), EC2 capacity (`general`), a Service Connect namespace, and no services. */
function baseConfig(): EnvironmentConfig {
  return {
    name: "prod",
    production: false,
    accountId: ACCOUNT,
    region: "eu-west-1",
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
    backend: { type: "local" },
    tags: { owner: "platform-team", costCenter: "cc-1234", repository: "github.com/acme/platform" },
    network: { cidr: "10.0.0.0/16", natGateways: "single" },
    ecr: { repositories: { app: {} } },
    ecs: { serviceConnectNamespace: NAMESPACE, ec2Capacity: { general: { instanceType: "m7g.large", maxSize: 4 } } },
  };
}

/** The base configuration with settings replaced (see `withChanges`). */
const configWith = (changes: Record<string, unknown>): unknown => withChanges(baseConfig(), changes);

type ServiceInput = NonNullable<EnvironmentConfig["services"]>[string];

/** A valid Fargate service with an image of the `app` repository, and no port. */
const FARGATE: ServiceInput = { runtime: "ecs-fargate", image: { repository: "app", tag: "1.0.0" }, cpu: 256, memoryMiB: 512 };

/** The Fargate service with settings replaced; `undefined` removes one. */
function svc(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { ...structuredClone(FARGATE) };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

/** An EKS service with settings replaced. */
const eks = (changes: Record<string, unknown> = {}) => svc({ runtime: "eks", ...changes });
/** An ECS service on the EC2 capacity `general`, with settings replaced. */
const ec2 = (changes: Record<string, unknown> = {}) => svc({ runtime: "ecs-ec2", ec2Capacity: "general", ...changes });

/** The configuration change that makes `api` the only service, with its settings replaced. */
const api = (changes: Record<string, unknown> = {}) => ({ services: { api: svc(changes) } });

describe("valid configurations", () => {
  test("a queue worker, a Service Connect API with callers, and EKS services calling each other pass unchanged", () => {
    const input: EnvironmentConfig = {
      ...baseConfig(),
      eks: structuredClone(EKS),
      services: {
        api: { ...FARGATE, port: 8080, serviceConnect: true, callers: ["worker", "web"] },
        worker: {
          ...FARGATE,
          queue: { visibilityTimeoutSeconds: 300, maxReceiveCount: 3, retentionDays: 7 },
          autoscaling: { min: 0, max: 20, queueMessagesPerTask: 100 },
          serviceConnect: false,
        },
        web: { ...FARGATE, runtime: "ecs-ec2", ec2Capacity: "general", port: 3000, serviceConnect: true, callers: [] },
        kube: { ...FARGATE, runtime: "eks", port: 80, callers: ["kube-job"] },
        "kube-job": { ...FARGATE, runtime: "eks" },
      },
    };
    expect(validateEnvironmentConfig(input, "prod")).toEqual(input);
  });

  test.each<[string, Record<string, unknown>]>([
    ["an empty queue (every default)", api({ queue: {} })],
    ["queue settings at their lowest", api({ queue: { visibilityTimeoutSeconds: 0, maxReceiveCount: 1, retentionDays: 1 } })],
    ["queue settings at their highest", api({ queue: { visibilityTimeoutSeconds: 43200, maxReceiveCount: 1000, retentionDays: 14 } })],
    ["autoscaling with only queueMessagesPerTask: it counts as a target", api({ queue: {}, autoscaling: { min: 1, max: 2, queueMessagesPerTask: 1 } })],
    ["queueMessagesPerTask at its highest, next to CPU tracking", api({ queue: {}, autoscaling: { min: 1, max: 2, targetCpuPercent: 50, queueMessagesPerTask: 1000000 } })],
    ["serviceConnect on ecs-ec2 (awsvpc)", { services: { api: ec2({ port: 80, serviceConnect: true }) } }],
    ["serviceConnect false with neither namespace nor port", { "ecs.serviceConnectNamespace": undefined, ...api({ serviceConnect: false }) }],
    ["a namespace and no service using it", {}],
    ["a one-label namespace", { "ecs.serviceConnectNamespace": "internal" }],
    ["a namespace with hyphens and digits", { "ecs.serviceConnectNamespace": "eu-1.acme-2.internal" }],
    ["an ecs section with only a namespace", { ecs: { serviceConnectNamespace: NAMESPACE } }],
    ["callers on ecs-fargate and ecs-ec2 alike (both ECS)", { services: { api: svc({ port: 80, callers: ["web"] }), web: ec2() } }],
    ["an ecs-ec2 service called by a Fargate one", { services: { web: ec2({ port: 80, callers: ["api"] }), api: svc() } }],
    ["an empty callers list, with a port", api({ port: 80, callers: [] })],
    ["callers of 2 and 28 characters", { services: { api: svc({ port: 80, callers: ["ab", `a${"b".repeat(26)}9`] }), ab: svc(), [`a${"b".repeat(26)}9`]: svc() } }],
  ])("%s passes", (_what, changes) => {
    expect(() => validateEnvironmentConfig(configWith(changes), "prod")).not.toThrow();
  });
});

describe("one message per problem with a setting's shape", () => {
  test.each<[string, Record<string, unknown>, string[]]>([
    ["queue not an object", api({ queue: true }), [`prod.services.api.queue: true is not an object (allowed settings: ${QUEUE_SETTINGS})`]],
    ["queue as a list", api({ queue: [] }), [`prod.services.api.queue: [] is not an object (allowed settings: ${QUEUE_SETTINGS})`]],
    ["an unknown queue setting", api({ queue: { fifo: true } }), [`prod.services.api.queue.fifo: is not a setting here (allowed: ${QUEUE_SETTINGS})`]],
    [
      "queue settings below their range",
      api({ queue: { visibilityTimeoutSeconds: -1, maxReceiveCount: 0, retentionDays: 0 } }),
      [
        "prod.services.api.queue.visibilityTimeoutSeconds: -1 is not a number of seconds, a whole number from 0 to 43200",
        "prod.services.api.queue.maxReceiveCount: 0 is not a receive count, a whole number from 1 to 1000",
        "prod.services.api.queue.retentionDays: 0 is not a number of days, a whole number from 1 to 14",
      ],
    ],
    [
      "queue settings above their range",
      api({ queue: { visibilityTimeoutSeconds: 43201, maxReceiveCount: 1001, retentionDays: 15 } }),
      [
        "prod.services.api.queue.visibilityTimeoutSeconds: 43201 is not a number of seconds, a whole number from 0 to 43200",
        "prod.services.api.queue.maxReceiveCount: 1001 is not a receive count, a whole number from 1 to 1000",
        "prod.services.api.queue.retentionDays: 15 is not a number of days, a whole number from 1 to 14",
      ],
    ],
    [
      "queue settings fractional or strings",
      api({ queue: { visibilityTimeoutSeconds: "60", maxReceiveCount: 2.5, retentionDays: "4" } }),
      [
        'prod.services.api.queue.visibilityTimeoutSeconds: "60" is not a number of seconds, a whole number from 0 to 43200',
        "prod.services.api.queue.maxReceiveCount: 2.5 is not a receive count, a whole number from 1 to 1000",
        'prod.services.api.queue.retentionDays: "4" is not a number of days, a whole number from 1 to 14',
      ],
    ],
    [
      "serviceConnect not a boolean",
      { services: { api: svc({ port: 80, serviceConnect: "yes" }), web: svc({ port: 80, serviceConnect: 1 }), job: svc({ port: 80, serviceConnect: {} }) } },
      [
        'prod.services.api.serviceConnect: "yes" is not true or false: register in Service Connect',
        "prod.services.web.serviceConnect: 1 is not true or false: register in Service Connect",
        "prod.services.job.serviceConnect: {} is not true or false: register in Service Connect",
      ],
    ],
    [
      "callers not a list",
      { services: { api: svc({ port: 80, callers: "web" }), job: svc({ port: 80, callers: { web: true } }) } },
      ['prod.services.api.callers: "web" is not a list of service names', 'prod.services.job.callers: {"web":true} is not a list of service names'],
    ],
    [
      "callers' names against the service name pattern",
      api({ port: 80, callers: ["Web", "w", 7, "web_2", "-web", `a${"b".repeat(28)}`] }),
      [
        'prod.services.api.callers[0]: "Web" is not a service name',
        'prod.services.api.callers[1]: "w" is not a service name',
        "prod.services.api.callers[2]: 7 is not a service name",
        'prod.services.api.callers[3]: "web_2" is not a service name',
        'prod.services.api.callers[4]: "-web" is not a service name',
        `prod.services.api.callers[5]: "a${"b".repeat(28)}" is not a service name`,
      ],
    ],
    [
      "ecs.serviceConnectNamespace against the pattern",
      { "ecs.serviceConnectNamespace": "Prod.Internal" },
      [`prod.ecs.serviceConnectNamespace: "Prod.Internal" is not ${NAMESPACE_WHAT}`],
    ],
    ...["prod..internal", "-prod.internal", "prod-.internal", "prod.internal.", "prod_internal", "", `${"a".repeat(64)}.internal`].map((name): [string, Record<string, unknown>, string[]] => [
      `ecs.serviceConnectNamespace ${JSON.stringify(name)}`,
      { "ecs.serviceConnectNamespace": name },
      [`prod.ecs.serviceConnectNamespace: ${JSON.stringify(name)} is not ${NAMESPACE_WHAT}`],
    ]),
    ["ecs.serviceConnectNamespace not a string", { "ecs.serviceConnectNamespace": 5 }, [`prod.ecs.serviceConnectNamespace: 5 is not ${NAMESPACE_WHAT}`]],
    [
      "autoscaling.queueMessagesPerTask out of range, fractional or a string",
      {
        services: {
          api: svc({ queue: {}, autoscaling: { min: 1, max: 2, queueMessagesPerTask: 0 } }),
          web: svc({ queue: {}, autoscaling: { min: 1, max: 2, queueMessagesPerTask: 1000001 } }),
          job: svc({ queue: {}, autoscaling: { min: 1, max: 2, queueMessagesPerTask: 2.5 } }),
          cron: svc({ queue: {}, autoscaling: { min: 1, max: 2, queueMessagesPerTask: "10" } }),
        },
      },
      [
        "prod.services.api.autoscaling.queueMessagesPerTask: 0 is not a number of messages per task, a whole number from 1 to 1000000",
        "prod.services.web.autoscaling.queueMessagesPerTask: 1000001 is not a number of messages per task, a whole number from 1 to 1000000",
        "prod.services.job.autoscaling.queueMessagesPerTask: 2.5 is not a number of messages per task, a whole number from 1 to 1000000",
        'prod.services.cron.autoscaling.queueMessagesPerTask: "10" is not a number of messages per task, a whole number from 1 to 1000000',
      ],
    ],
  ])("%s", (_what, changes, lines) => {
    expect(problemLines(configWith(changes))).toEqual(lines);
  });
});

describe("rules between settings", () => {
  test.each<[string, Record<string, unknown>, string[]]>([
    [
      "queueMessagesPerTask without a queue",
      api({ autoscaling: { min: 1, max: 4, queueMessagesPerTask: 10 } }),
      ["prod.services.api.autoscaling.queueMessagesPerTask: 10 needs queue: it scales on the work queue's backlog"],
    ],
    [
      "queueMessagesPerTask without a queue, next to a CPU target",
      api({ autoscaling: { min: 1, max: 4, targetCpuPercent: 60, queueMessagesPerTask: 10 } }),
      ["prod.services.api.autoscaling.queueMessagesPerTask: 10 needs queue: it scales on the work queue's backlog"],
    ],
    [
      "autoscaling with no target names queueMessagesPerTask among the targets",
      api({ queue: {}, autoscaling: { min: 1, max: 3 } }),
      [`prod.services.api.autoscaling: {"min":1,"max":3} needs a target: ${AUTOSCALING_TARGETS}`],
    ],
    ["a queue on eks", { eks: EKS, services: { api: eks({ queue: {} }) } }, ["prod.services.api.queue: {} is an ECS option for now; the EKS runtime does not create work queues"]],
    [
      "a queue with settings on eks",
      { eks: EKS, services: { api: eks({ queue: { retentionDays: 2 } }) } },
      ['prod.services.api.queue: {"retentionDays":2} is an ECS option for now; the EKS runtime does not create work queues'],
    ],
    [
      "a queue and queueMessagesPerTask on eks",
      { eks: EKS, services: { api: eks({ queue: {}, autoscaling: { min: 1, max: 2, queueMessagesPerTask: 5 } }) } },
      ["prod.services.api.queue: {} is an ECS option for now; the EKS runtime does not create work queues"],
    ],
    [
      "serviceConnect on eks",
      { eks: EKS, services: { api: eks({ port: 80, serviceConnect: true }) } },
      ["prod.services.api.serviceConnect: true is an ECS option; on EKS services reach each other through Kubernetes Services"],
    ],
    [
      "serviceConnect without ecs.serviceConnectNamespace",
      { "ecs.serviceConnectNamespace": undefined, ...api({ port: 80, serviceConnect: true }) },
      ["prod.services.api.serviceConnect: true needs ecs.serviceConnectNamespace (the Cloud Map namespace services register in)"],
    ],
    [
      "serviceConnect without any ecs section",
      { ecs: undefined, ...api({ port: 80, serviceConnect: true }) },
      ["prod.services.api.serviceConnect: true needs ecs.serviceConnectNamespace (the Cloud Map namespace services register in)"],
    ],
    ["serviceConnect without a port", api({ serviceConnect: true }), ["prod.services.api.serviceConnect: true needs port: the port other services call"]],
    [
      "serviceConnect without a namespace or a port",
      { "ecs.serviceConnectNamespace": undefined, ...api({ serviceConnect: true }) },
      [
        "prod.services.api.serviceConnect: true needs ecs.serviceConnectNamespace (the Cloud Map namespace services register in)",
        "prod.services.api.serviceConnect: true needs port: the port other services call",
      ],
    ],
    [
      "serviceConnect on eks without a namespace or a port: every rule",
      { eks: EKS, "ecs.serviceConnectNamespace": undefined, services: { api: eks({ serviceConnect: true }) } },
      [
        "prod.services.api.serviceConnect: true is an ECS option; on EKS services reach each other through Kubernetes Services",
        "prod.services.api.serviceConnect: true needs ecs.serviceConnectNamespace (the Cloud Map namespace services register in)",
        "prod.services.api.serviceConnect: true needs port: the port other services call",
      ],
    ],
    ["a caller that is the service itself", api({ port: 80, callers: ["api"] }), ['prod.services.api.callers[0]: "api" is this service itself']],
    [
      "a caller that is not a service",
      { services: { api: svc({ port: 80, callers: ["web", "orders"] }), web: svc(), job: svc() } },
      ['prod.services.api.callers[1]: "orders" is not one of services (web, job)'],
    ],
    ["a caller when there is no other service", api({ port: 80, callers: ["web"] }), ['prod.services.api.callers[0]: "web" is not one of services (none)']],
    [
      "an EKS caller of an ECS service",
      { eks: EKS, services: { api: svc({ port: 80, callers: ["kube"] }), kube: eks() } },
      ['prod.services.api.callers[0]: "kube" runs on eks and this service on ecs-fargate; callers must run on the same platform'],
    ],
    [
      "an ECS caller of an EKS service",
      { eks: EKS, services: { kube: eks({ port: 80, callers: ["api", "web"] }), api: svc(), web: ec2() } },
      [
        'prod.services.kube.callers[0]: "api" runs on ecs-fargate and this service on eks; callers must run on the same platform',
        'prod.services.kube.callers[1]: "web" runs on ecs-ec2 and this service on eks; callers must run on the same platform',
      ],
    ],
    [
      "an EKS caller of an ecs-ec2 service",
      { eks: EKS, services: { web: ec2({ port: 80, callers: ["kube"] }), kube: eks() } },
      ['prod.services.web.callers[0]: "kube" runs on eks and this service on ecs-ec2; callers must run on the same platform'],
    ],
    ["callers without a port", { services: { api: svc({ callers: ["web"] }), web: svc() } }, ['prod.services.api.callers: ["web"] needs port: the port the callers reach']],
    [
      "every callers rule at once",
      { eks: EKS, services: { api: svc({ callers: ["api", "orders", "kube", "web"] }), kube: eks(), web: svc() } },
      [
        'prod.services.api.callers[0]: "api" is this service itself',
        'prod.services.api.callers[1]: "orders" is not one of services (kube, web)',
        'prod.services.api.callers[2]: "kube" runs on eks and this service on ecs-fargate; callers must run on the same platform',
        'prod.services.api.callers: ["api","orders","kube","web"] needs port: the port the callers reach',
      ],
    ],
  ])("%s", (_what, changes, lines) => {
    expect(problemLines(configWith(changes))).toEqual(lines);
  });

  test("shape and rule problems of the new settings are reported together, shape first", () => {
    expect(
      problemLines(
        configWith({
          eks: EKS,
          "ecs.serviceConnectNamespace": "Prod",
          services: {
            api: svc({ serviceConnect: true, callers: ["worker", "kube"] }),
            worker: svc({ queue: { retentionDays: 30 }, autoscaling: { min: 1, max: 2, queueMessagesPerTask: 0 } }),
            batch: svc({ autoscaling: { min: 1, max: 2, queueMessagesPerTask: 5 } }),
            kube: eks({ queue: {}, serviceConnect: true, port: 80 }),
          },
        }),
      ),
    ).toEqual([
      `prod.ecs.serviceConnectNamespace: "Prod" is not ${NAMESPACE_WHAT}`,
      "prod.services.worker.autoscaling.queueMessagesPerTask: 0 is not a number of messages per task, a whole number from 1 to 1000000",
      "prod.services.worker.queue.retentionDays: 30 is not a number of days, a whole number from 1 to 14",
      // A namespace the schema refuses is still given: only the shape message is about it.
      "prod.services.api.serviceConnect: true needs port: the port other services call",
      'prod.services.api.callers[1]: "kube" runs on eks and this service on ecs-fargate; callers must run on the same platform',
      'prod.services.api.callers: ["worker","kube"] needs port: the port the callers reach',
      "prod.services.batch.autoscaling.queueMessagesPerTask: 5 needs queue: it scales on the work queue's backlog",
      "prod.services.kube.queue: {} is an ECS option for now; the EKS runtime does not create work queues",
      "prod.services.kube.serviceConnect: true is an ECS option; on EKS services reach each other through Kubernetes Services",
    ]);
  });
});

describe("callers, queues and Service Connect: rules added after review", () => {
  const bridge = (changes: Record<string, unknown> = {}) => ec2({ networkMode: "bridge", ...changes });

  test.each<[string, Record<string, unknown>, string[]]>([
    [
      "a caller listed twice",
      { services: { api: svc({ port: 8080, callers: ["worker", "worker"] }), worker: svc() } },
      ['prod.services.api.callers[1]: "worker" is listed twice (each caller once)'],
    ],
    [
      "a caller on bridge networking",
      { services: { api: svc({ port: 8080, callers: ["legacy"] }), legacy: bridge() } },
      ['prod.services.api.callers[0]: "legacy" uses bridge networking, whose tasks have no security group of their own to admit; use awsvpc'],
    ],
    [
      "callers of a service on bridge networking",
      { services: { api: bridge({ port: 8080, callers: ["worker"] }), worker: svc() } },
      [`prod.services.api.callers: ["worker"] needs awsvpc networking (a security group of the service's own); networkMode is "bridge"`],
    ],
    [
      "Service Connect on bridge networking",
      { "ecs.serviceConnectNamespace": NAMESPACE, services: { api: bridge({ port: 8080, serviceConnect: true }) } },
      ['prod.services.api.serviceConnect: true needs awsvpc networking; networkMode is "bridge"'],
    ],
    [
      "QUEUE_URL given by hand beside a queue",
      api({ queue: {}, environment: { QUEUE_URL: "x" }, secrets: { QUEUE_URL: { ssmParameterArn: `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/q` } } }),
      [
        'prod.services.api.environment.QUEUE_URL: "x" is set by queue; remove it',
        `prod.services.api.secrets.QUEUE_URL: {"ssmParameterArn":"arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/q"} is set by queue; remove it`,
        'prod.services.api.secrets.QUEUE_URL: "QUEUE_URL" is also in environment; a variable comes from one of them',
      ],
    ],
    [
      "backlog scaling without Container Insights",
      { "ecs.containerInsights": "disabled", ...api({ queue: {}, autoscaling: { min: 0, max: 2, queueMessagesPerTask: 10 } }) },
      ['prod.services.api.autoscaling.queueMessagesPerTask: 10 needs Container Insights (its running-task count); ecs.containerInsights is "disabled"'],
    ],
  ])("%s", (_what, changes, lines) => {
    expect(problemLines(configWith(changes))).toEqual(lines);
  });

  test("a scheduled service may call another service", () => {
    expect(() =>
      validateEnvironmentConfig(configWith({ services: { api: svc({ port: 8080, callers: ["report"] }), report: svc({ schedule: "rate(1 hour)" }) } }), "prod"),
    ).not.toThrow();
  });
});
