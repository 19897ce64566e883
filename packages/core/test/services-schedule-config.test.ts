import { validateEnvironmentConfig, type EnvironmentConfig } from "../src";
import { problemLines, withChanges } from "./support";

// Scheduled services (`schedule`, `timezone`, `command`) in an environment's configuration:
// every message, exactly.

const ZONE = "Z0123456789ABCDEF";
const DOMAIN = { name: "api.example.com", hostedZoneId: ZONE };
const NIGHTLY = "cron(0 3 * * ? *)";
const LONG_RUNNING = "is a setting of long-running services; a scheduled task (schedule) runs to completion";
const SCHEDULE = "a schedule: cron(...), rate(...) or at(...)";
const TIMEZONE = "an IANA time zone such as Europe/Dublin";
/** The smallest valid eks section: services with runtime "eks" need one. */
const EKS: NonNullable<EnvironmentConfig["eks"]> = { version: "1.32", nodeGroups: { system: { instanceTypes: ["t4g.large"], minSize: 1, maxSize: 3 } } };

/** A valid configuration with a registry (`app`), EC2 capacity (`general`) and a Service Connect namespace, and no services. */
function baseConfig(): EnvironmentConfig {
  return {
    name: "prod",
    production: false,
    accountId: "123456789012",
    region: "eu-west-1",
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
    backend: { type: "local" },
    tags: { owner: "platform-team", costCenter: "cc-1234", repository: "github.com/acme/platform" },
    network: { cidr: "10.0.0.0/16", natGateways: "single" },
    ecr: { repositories: { app: {} } },
    ecs: { ec2Capacity: { general: { instanceType: "m7g.large", maxSize: 4 } }, serviceConnectNamespace: "prod.internal" },
  };
}

/** The base configuration with settings replaced (see `withChanges`). */
const configWith = (changes: Record<string, unknown>): unknown => withChanges(baseConfig(), changes);

/** A valid scheduled Fargate service with an image of the `app` repository. */
const SCHEDULED = { runtime: "ecs-fargate", image: { repository: "app", tag: "1.0.0" }, cpu: 256, memoryMiB: 512, schedule: NIGHTLY };

/** The scheduled service with settings replaced; `undefined` removes one. */
function svc(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { ...structuredClone(SCHEDULED) };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

/** The configuration change that makes `job` the only service, with its settings replaced. */
const job = (changes: Record<string, unknown> = {}) => ({ services: { job: svc(changes) } });

describe("scheduled services: valid configurations", () => {
  test("a scheduled Fargate service with schedule, timezone and command passes unchanged", () => {
    const input: EnvironmentConfig = {
      ...baseConfig(),
      services: {
        "nightly-report": {
          runtime: "ecs-fargate",
          image: { repository: "app", tag: "1.4.2" },
          cpu: 512,
          memoryMiB: 1024,
          schedule: NIGHTLY,
          timezone: "Europe/Dublin",
          command: ["report", "--since", "yesterday"],
          environment: { LOG_LEVEL: "info" },
          secrets: { DB_PASSWORD: { secretsManagerArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/report/db-AbCdEf" } },
        },
        api: { runtime: "ecs-fargate", image: { repository: "app", tag: "1.4.2" }, cpu: 256, memoryMiB: 512, port: 8080, command: ["serve"] },
      },
    };
    expect(validateEnvironmentConfig(input, "prod")).toEqual(input);
  });

  test.each<[string, Record<string, unknown>]>([
    ["a schedule without a time zone (UTC)", job()],
    ["a rate", job({ schedule: "rate(15 minutes)" })],
    ["a one-time schedule", job({ schedule: "at(2027-01-01T00:00:00)", timezone: "UTC" })],
    ["a time zone with three parts", job({ timezone: "America/Argentina/Buenos_Aires" })],
    ["a time zone with an offset", job({ timezone: "Etc/GMT+5" })],
    ["a command of one empty string", job({ command: [""] })],
    ["a command on a long-running service", { services: { api: svc({ schedule: undefined, port: 8080, command: ["serve", "--port", "8080"] }) } }],
    ["a scheduled service beside long-running ones on every runtime", { eks: EKS, services: { job: svc(), api: svc({ schedule: undefined, port: 80 }), kube: svc({ schedule: undefined, runtime: "eks" }), web: svc({ schedule: undefined, runtime: "ecs-ec2", ec2Capacity: "general" }) } }],
  ])("%s passes", (_what, changes) => {
    expect(() => validateEnvironmentConfig(configWith(changes), "prod")).not.toThrow();
  });
});

describe("scheduled services: one message per problem with a setting's shape", () => {
  test.each<[string, Record<string, unknown>, string[]]>([
    ["a cron expression without cron(...)", job({ schedule: "0 3 * * ? *" }), [`prod.services.job.schedule: "0 3 * * ? *" is not ${SCHEDULE}`]],
    ["an empty cron()", job({ schedule: "cron()" }), [`prod.services.job.schedule: "cron()" is not ${SCHEDULE}`]],
    ["upper-case CRON", job({ schedule: "CRON(0 3 * * ? *)" }), [`prod.services.job.schedule: "CRON(0 3 * * ? *)" is not ${SCHEDULE}`]],
    ["a trailing space", job({ schedule: "rate(5 minutes) " }), [`prod.services.job.schedule: "rate(5 minutes) " is not ${SCHEDULE}`]],
    ["words", job({ schedule: "every 15 minutes" }), [`prod.services.job.schedule: "every 15 minutes" is not ${SCHEDULE}`]],
    ["an empty schedule", job({ schedule: "" }), [`prod.services.job.schedule: "" is not ${SCHEDULE}`]],
    ["a number", job({ schedule: 5 }), [`prod.services.job.schedule: 5 is not ${SCHEDULE}`]],
    ["a time zone with a space", job({ timezone: "Europe Dublin" }), [`prod.services.job.timezone: "Europe Dublin" is not ${TIMEZONE}`]],
    ["a lower-case utc", job({ timezone: "utc" }), [`prod.services.job.timezone: "utc" is not ${TIMEZONE}`]],
    ["an abbreviation", job({ timezone: "GMT" }), [`prod.services.job.timezone: "GMT" is not ${TIMEZONE}`]],
    ["a region without a city", job({ timezone: "Europe/" }), [`prod.services.job.timezone: "Europe/" is not ${TIMEZONE}`]],
    ["a number as time zone", job({ timezone: 1 }), [`prod.services.job.timezone: 1 is not ${TIMEZONE}`]],
    ["a command that is a string", job({ command: "report --all" }), ['prod.services.job.command: "report --all" is not a list of strings']],
    ["a command that is an object", job({ command: { run: "report" } }), ['prod.services.job.command: {"run":"report"} is not a list of strings']],
    ["an empty command", job({ command: [] }), ["prod.services.job.command: [] is not a list of at least one string"]],
    ["a command with other values than strings", job({ command: ["report", 1, null, true] }), ["prod.services.job.command[1]: 1 is not a string", "prod.services.job.command[2]: null is not a string", "prod.services.job.command[3]: true is not a string"]],
    [
      "every shape problem at once",
      job({ schedule: "daily", timezone: "Dublin", command: [] }),
      // In the order of the settings in the schema: command, schedule, timezone.
      ["prod.services.job.command: [] is not a list of at least one string", `prod.services.job.schedule: "daily" is not ${SCHEDULE}`, `prod.services.job.timezone: "Dublin" is not ${TIMEZONE}`],
    ],
  ])("%s", (_what, changes, expected) => {
    expect(problemLines(configWith(changes))).toEqual(expected);
  });
});

describe("scheduled services: rules between settings", () => {
  test.each<[string, Record<string, unknown>, string[]]>([
    ["schedule on ecs-ec2", job({ runtime: "ecs-ec2", ec2Capacity: "general" }), [`prod.services.job.schedule: "${NIGHTLY}" runs scheduled tasks on "ecs-fargate" only for now, got runtime "ecs-ec2"`]],
    ["schedule on eks", { eks: EKS, ...job({ runtime: "eks" }) }, [`prod.services.job.schedule: "${NIGHTLY}" runs scheduled tasks on "ecs-fargate" only for now, got runtime "eks"`]],
    [
      "schedule on ecs-ec2 without a capacity",
      job({ runtime: "ecs-ec2" }),
      [
        'prod.services.job.ec2Capacity: is required with runtime "ecs-ec2" (one of ecs.ec2Capacity: general)',
        `prod.services.job.schedule: "${NIGHTLY}" runs scheduled tasks on "ecs-fargate" only for now, got runtime "ecs-ec2"`,
      ],
    ],
    ["timezone without schedule", job({ schedule: undefined, timezone: "Europe/Dublin" }), ['prod.services.job.timezone: "Europe/Dublin" is only used with schedule']],
    ["timezone without schedule on eks", { eks: EKS, ...job({ schedule: undefined, runtime: "eks", timezone: "UTC" }) }, ['prod.services.job.timezone: "UTC" is only used with schedule']],
    ["a malformed timezone without schedule", job({ schedule: undefined, timezone: "Dublin" }), [`prod.services.job.timezone: "Dublin" is not ${TIMEZONE}`, 'prod.services.job.timezone: "Dublin" is only used with schedule']],
  ])("%s", (_what, changes, expected) => {
    expect(problemLines(configWith(changes))).toEqual(expected);
  });

  test.each<[string, unknown, string[]]>([
    ["port", 8080, []],
    ["exposure", "none", []],
    ["domain", DOMAIN, [`prod.services.job.domain: ${JSON.stringify(DOMAIN)} is only used with exposure "public" or "internal"`]],
    ["autoscaling", { min: 1, max: 2, targetCpuPercent: 50 }, []],
    ["replicas", 1, []],
    ["queue", {}, []],
    ["serviceConnect", false, []],
    ["callers", [], []],
    ["deployment", "rolling", []],
    ["exec", false, []],
    ["ciOwnsDeployments", true, []],
    ["healthCheckPath", "/health", []],
  ])("%s with schedule", (setting, value, otherLines) => {
    expect(problemLines(configWith(job({ [setting]: value })))).toEqual([...otherLines, `prod.services.job.${setting}: ${JSON.stringify(value)} ${LONG_RUNNING}`]);
  });

  test("a public service turned into a scheduled one: one line per long-running setting", () => {
    const changes = job({ port: 8080, exposure: "public", domain: DOMAIN, replicas: 2, healthCheckPath: "/", exec: true });
    expect(problemLines(configWith(changes))).toEqual([
      `prod.services.job.port: 8080 ${LONG_RUNNING}`,
      `prod.services.job.exposure: "public" ${LONG_RUNNING}`,
      `prod.services.job.domain: ${JSON.stringify(DOMAIN)} ${LONG_RUNNING}`,
      `prod.services.job.replicas: 2 ${LONG_RUNNING}`,
      `prod.services.job.exec: true ${LONG_RUNNING}`,
      `prod.services.job.healthCheckPath: "/" ${LONG_RUNNING}`,
    ]);
  });

  test("each scheduled service is checked on its own", () => {
    const changes = { eks: EKS, services: { job: svc({ port: 80 }), report: svc({ runtime: "eks" }), api: svc({ schedule: undefined, timezone: "UTC", port: 80 }) } };
    expect(problemLines(configWith(changes))).toEqual([
      `prod.services.job.port: 80 ${LONG_RUNNING}`,
      `prod.services.report.schedule: "${NIGHTLY}" runs scheduled tasks on "ecs-fargate" only for now, got runtime "eks"`,
      'prod.services.api.timezone: "UTC" is only used with schedule',
    ]);
  });
});
