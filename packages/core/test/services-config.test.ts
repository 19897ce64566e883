import { SERVICE_RUNTIMES, validateEnvironmentConfig, type EnvironmentConfig } from "../src";
import { problemLines, withChanges } from "./support";

// The `services` and `ecs` sections of an environment's configuration: every message, exactly.

const ACCOUNT = "123456789012";
const OTHER_ACCOUNT = "111122223333";
const SECRET_ARN = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:prod/api/db-AbCdEf`;
const PARAMETER_ARN = `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/prod/api/token`;
const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ZONE = "Z0123456789ABCDEF";
const DOMAIN = { name: "api.example.com", hostedZoneId: ZONE };
const NGINX = "public.ecr.aws/nginx/nginx:1.27";
/** The smallest valid eks section: services with runtime "eks" need one. */
const EKS: NonNullable<EnvironmentConfig["eks"]> = { version: "1.32", nodeGroups: { system: { instanceTypes: ["t4g.large"], minSize: 1, maxSize: 3 } } };

/** A valid configuration with a registry (`app`, `team/web`) and EC2 capacity (`general`), and no services. */
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
    ecr: { repositories: { app: {}, "team/web": {} } },
    ecs: { ec2Capacity: { general: { instanceType: "m7g.large", maxSize: 4 } } },
  };
}

/** The base configuration with settings replaced (see `withChanges`). */
const configWith = (changes: Record<string, unknown>): unknown => withChanges(baseConfig(), changes);


/** A valid Fargate service with an image of the `app` repository. */
const FARGATE = { runtime: "ecs-fargate", image: { repository: "app", tag: "1.0.0" }, cpu: 256, memoryMiB: 512 };

/** The Fargate service with settings replaced; `undefined` removes one. */
function svc(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { ...structuredClone(FARGATE) };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

/** The configuration change that makes `api` the only service, with its settings replaced. */
const api = (changes: Record<string, unknown> = {}) => ({ services: { api: svc(changes) } });

const SERVICE_SETTINGS =
  "runtime, image, cpu, memoryMiB, port, replicas, autoscaling, healthCheckPath, environment, secrets, exposure, domain, ec2Capacity, networkMode, exec, command, schedule, timezone, queue, serviceConnect, callers, deployment, ciOwnsDeployments";
const IMAGE_SETTINGS = "repository, tag, reference";
const AUTOSCALING_SETTINGS = "min, max, targetCpuPercent, targetMemoryPercent, requestsPerTarget, queueMessagesPerTask";
const SECRET_SETTINGS = "secretsManagerArn, jsonKey, ssmParameterArn, kmsKeyArn";
const ECS_SETTINGS = "containerInsights, fargateSpot, ec2Capacity, serviceConnectNamespace, execLogRetentionDays";
const CAPACITY_SETTINGS = "instanceType, minSize, maxSize, spot, rootVolumeSizeGiB";
const CONFIG_SETTINGS = "name, production, accountId, region, availabilityZones, backend, aws, tags, network, ecr, ci, ecs, eks, services";
const SERVICE_NAME = "a service name (a DNS label of 2-28 lower-case letters, digits and -, starting with a letter and ending with a letter or digit)";
const REPOSITORY_NAME = "an ECR repository name (2-256 lower-case letters and digits, separated by . _ - and /)";
const TAG = "an image tag (1-128 of A-Za-z0-9_.-)";
const REFERENCE = "an image reference with a registry and a tag or digest, such as public.ecr.aws/nginx/nginx:1.27";
const VARIABLE = "an environment variable name (letters, digits and _, not starting with a digit)";
const RETENTIONS = "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653";
const FARGATE_CPUS = "256, 512, 1024, 2048, 4096, 8192, 16384";

describe("services and ecs: valid configurations", () => {
  test("a configuration using every services and ecs setting passes unchanged", () => {
    const input: EnvironmentConfig = {
      ...baseConfig(),
      ecs: {
        containerInsights: "enhanced",
        fargateSpot: false,
        ec2Capacity: {
          general: { instanceType: "m7g.large", minSize: 1, maxSize: 4, spot: true, rootVolumeSizeGiB: 100 },
          "gpu-2": { instanceType: "g5.xlarge", minSize: 0, maxSize: 1000, rootVolumeSizeGiB: 30 },
        },
        execLogRetentionDays: 30,
      },
      eks: structuredClone(EKS),
      services: {
        "orders-api": {
          runtime: "ecs-fargate",
          image: { repository: "app", tag: "1.4.2" },
          cpu: 512,
          memoryMiB: 1024,
          port: 8080,
          replicas: 3,
          autoscaling: { min: 2, max: 10, targetCpuPercent: 60, targetMemoryPercent: 70, requestsPerTarget: 500 },
          healthCheckPath: "/health?full=1",
          environment: { LOG_LEVEL: "info", _PRIVATE: "", FEATURE_2: "on" },
          secrets: {
            DATABASE_PASSWORD: { secretsManagerArn: SECRET_ARN, jsonKey: "password", kmsKeyArn: KEY_ARN },
            API_TOKEN: { ssmParameterArn: PARAMETER_ARN },
          },
          exposure: "public",
          domain: DOMAIN,
          exec: true,
          ciOwnsDeployments: true,
        },
        web: {
          runtime: "ecs-ec2",
          ec2Capacity: "general",
          networkMode: "bridge",
          image: { repository: "team/web", tag: "2.0.0" },
          cpu: 300,
          memoryMiB: 700,
          port: 3000,
          replicas: 0,
          exposure: "internal",
          domain: { name: "web.internal.example.com", hostedZoneId: "Z9" },
          exec: false,
          ciOwnsDeployments: false,
        },
        worker: {
          runtime: "eks",
          image: { reference: `ghcr.io/acme/worker@sha256:${"a".repeat(64)}` },
          cpu: 128,
          memoryMiB: 983040,
          exposure: "none",
          autoscaling: { min: 0, max: 1, targetMemoryPercent: 90 },
        },
      },
    };
    expect(validateEnvironmentConfig(input, "prod")).toEqual(input);
  });

  test.each(SERVICE_RUNTIMES)("a minimal %s service passes", (runtime) => {
    const changes = runtime === "ecs-ec2" ? { runtime, ec2Capacity: "general" } : { runtime };
    const cluster = runtime === "eks" ? { eks: EKS } : {};
    expect(() => validateEnvironmentConfig(configWith({ ...cluster, ...api(changes) }), "prod")).not.toThrow();
  });

  test.each([
    ["an empty services map", { services: {} }],
    ["an empty ecs section", { ecs: {} }],
    ["no ecs section, with a Fargate service", { ecs: undefined, ...api() }],
    ["service names of 2 and 28 characters", { services: { ab: svc(), [`a${"b".repeat(26)}9`]: svc() } }],
    ["an image by reference from any registry, with a port", api({ image: { reference: "registry.example.com:5000/team/app:v1.2_3" } })],
    ["an image by digest", api({ image: { reference: `public.ecr.aws/nginx/nginx@sha256:${"0".repeat(64)}` } })],
    ["a repository this environment does not have, when images come from ecr.imageSource", { "ecr.imageSource": { accountId: OTHER_ACCOUNT, region: "eu-west-1" }, ...api({ image: { repository: "orders", tag: "1" } }) }],
    ["ecr.imageSource with no repositories of its own", { ecr: { imageSource: { accountId: OTHER_ACCOUNT, region: "eu-west-1" } }, ...api() }],
    ["the largest Fargate size", api({ cpu: 16384, memoryMiB: 122880 })],
    ["sizes that are not Fargate's on EC2", api({ runtime: "ecs-ec2", ec2Capacity: "general", cpu: 300, memoryMiB: 700 })],
    ["sizes that are not Fargate's on EKS", { eks: EKS, ...api({ runtime: "eks", cpu: 196608, memoryMiB: 128 }) }],
    ["awsvpc networking on EC2 stated", api({ runtime: "ecs-ec2", ec2Capacity: "general", networkMode: "awsvpc" })],
    ["exposure none stated, with a port", api({ exposure: "none", port: 8080 })],
    ["an internal service", api({ exposure: "internal", port: 8080, domain: DOMAIN })],
    ["autoscaling with min equal to max", api({ autoscaling: { min: 3, max: 3, targetCpuPercent: 10 } })],
    ["autoscaling on requests behind a load balancer only", api({ exposure: "public", port: 80, domain: DOMAIN, autoscaling: { min: 1, max: 2, requestsPerTarget: 1000000 } })],
    ["a health check path without a load balancer (EKS probes use it)", { eks: EKS, ...api({ runtime: "eks", healthCheckPath: "/" }) }],
    ["an SSM parameter with its key", api({ secrets: { TOKEN: { ssmParameterArn: PARAMETER_ARN, kmsKeyArn: KEY_ARN } } })],
    ["environment and secrets with different names", api({ environment: { DB_HOST: "db" }, secrets: { DB_PASSWORD: { secretsManagerArn: SECRET_ARN } } })],
    ["EC2 capacity with minSize equal to maxSize", { "ecs.ec2Capacity": { general: { instanceType: "c7i.2xlarge", minSize: 2, maxSize: 2 } } }],
  ])("%s passes", (_what, changes) => {
    expect(() => validateEnvironmentConfig(configWith(changes), "prod")).not.toThrow();
  });
});

describe("services: one message per problem with a setting's shape", () => {
  const eks = (changes: Record<string, unknown>) => svc({ runtime: "eks", ...changes });

  test.each<[string, Record<string, unknown>, string[]]>([
    ["services not a map", { services: ["api"] }, ['prod.services: ["api"] is not a map of service name to service']],
    ["services misspelt", { service: { api: svc() } }, [`prod.service: is not a setting here (allowed: ${CONFIG_SETTINGS})`]],
    [
      "service names against the pattern",
      { services: { Api: svc(), a: svc(), "-api": svc(), "api-": svc(), "1api": svc(), my_api: svc(), "api.v2": svc(), [`a${"b".repeat(28)}`]: svc() } },
      [
        `prod.services.Api: "Api" is not ${SERVICE_NAME}`,
        `prod.services.a: "a" is not ${SERVICE_NAME}`,
        `prod.services.-api: "-api" is not ${SERVICE_NAME}`,
        `prod.services.api-: "api-" is not ${SERVICE_NAME}`,
        `prod.services.1api: "1api" is not ${SERVICE_NAME}`,
        `prod.services.my_api: "my_api" is not ${SERVICE_NAME}`,
        `prod.services.api.v2: "api.v2" is not ${SERVICE_NAME}`,
        `prod.services.a${"b".repeat(28)}: "a${"b".repeat(28)}" is not ${SERVICE_NAME}`,
      ],
    ],
    ["a service not an object", { services: { api: "nginx" } }, [`prod.services.api: "nginx" is not an object (allowed settings: ${SERVICE_SETTINGS})`]],
    [
      "a service with nothing set",
      { services: { api: {} } },
      [
        'prod.services.api.runtime: is required (a runtime: "ecs-fargate", "ecs-ec2", "eks")',
        `prod.services.api.image: is required (an object with: ${IMAGE_SETTINGS})`,
        "prod.services.api.cpu: is required (a number of CPU units, a whole number from 128 to 196608)",
        "prod.services.api.memoryMiB: is required (a memory size in MiB, a whole number from 128 to 983040)",
      ],
    ],
    [
      "unknown service settings",
      api({ memory: 512, replica: 2 }),
      [`prod.services.api.memory: is not a setting here (allowed: ${SERVICE_SETTINGS})`, `prod.services.api.replica: is not a setting here (allowed: ${SERVICE_SETTINGS})`],
    ],
    [
      "runtime outside its enum",
      { services: { api: svc({ runtime: "fargate" }), web: svc({ runtime: "EKS" }), job: svc({ runtime: 1 }) } },
      [
        'prod.services.api.runtime: "fargate" is not allowed (a runtime: "ecs-fargate", "ecs-ec2", "eks")',
        'prod.services.web.runtime: "EKS" is not allowed (a runtime: "ecs-fargate", "ecs-ec2", "eks")',
        'prod.services.job.runtime: 1 is not allowed (a runtime: "ecs-fargate", "ecs-ec2", "eks")',
      ],
    ],
    ["image not an object", api({ image: NGINX }), [`prod.services.api.image: "${NGINX}" is not an object (allowed settings: ${IMAGE_SETTINGS})`]],
    ["an unknown image setting", api({ image: { reference: NGINX, digest: "sha256:0" } }), [`prod.services.api.image.digest: is not a setting here (allowed: ${IMAGE_SETTINGS})`]],
    [
      "image.repository against ECR's pattern",
      { services: { api: svc({ image: { repository: "App", tag: "1" } }), web: svc({ image: { repository: "a", tag: "1" } }), job: svc({ image: { repository: 7, tag: "1" } }) } },
      [`prod.services.api.image.repository: "App" is not ${REPOSITORY_NAME}`, `prod.services.web.image.repository: "a" is not ${REPOSITORY_NAME}`, `prod.services.job.image.repository: 7 is not ${REPOSITORY_NAME}`],
    ],
    [
      "image.tag against the pattern",
      {
        services: {
          api: svc({ image: { repository: "app", tag: "-v1" } }),
          web: svc({ image: { repository: "app", tag: ".v1" } }),
          job: svc({ image: { repository: "app", tag: "v 1" } }),
          cron: svc({ image: { repository: "app", tag: "" } }),
          batch: svc({ image: { repository: "app", tag: "v".repeat(129) } }),
          etl: svc({ image: { repository: "app", tag: 1 } }),
        },
      },
      [
        `prod.services.api.image.tag: "-v1" is not ${TAG}`,
        `prod.services.web.image.tag: ".v1" is not ${TAG}`,
        `prod.services.job.image.tag: "v 1" is not ${TAG}`,
        `prod.services.cron.image.tag: "" is not ${TAG}`,
        `prod.services.batch.image.tag: "${"v".repeat(129)}" is not ${TAG}`,
        `prod.services.etl.image.tag: 1 is not ${TAG}`,
      ],
    ],
    [
      "image.reference without a registry, a tag or a digest",
      {
        services: {
          api: svc({ image: { reference: "nginx:1.27" } }),
          web: svc({ image: { reference: "public.ecr.aws/nginx/nginx" } }),
          job: svc({ image: { reference: "Public.ecr.aws/nginx/nginx:1.27" } }),
          cron: svc({ image: { reference: "ghcr.io/acme/app@sha256:abc" } }),
        },
      },
      [
        `prod.services.api.image.reference: "nginx:1.27" is not ${REFERENCE}`,
        `prod.services.web.image.reference: "public.ecr.aws/nginx/nginx" is not ${REFERENCE}`,
        `prod.services.job.image.reference: "Public.ecr.aws/nginx/nginx:1.27" is not ${REFERENCE}`,
        `prod.services.cron.image.reference: "ghcr.io/acme/app@sha256:abc" is not ${REFERENCE}`,
      ],
    ],
    [
      "cpu out of range, fractional or a string",
      { eks: EKS, services: { api: eks({ cpu: 127 }), web: eks({ cpu: 196609 }), job: eks({ cpu: 256.5 }), cron: eks({ cpu: "256" }) } },
      [
        "prod.services.api.cpu: 127 is not a number of CPU units, a whole number from 128 to 196608",
        "prod.services.web.cpu: 196609 is not a number of CPU units, a whole number from 128 to 196608",
        "prod.services.job.cpu: 256.5 is not a number of CPU units, a whole number from 128 to 196608",
        'prod.services.cron.cpu: "256" is not a number of CPU units, a whole number from 128 to 196608',
      ],
    ],
    [
      "memoryMiB out of range, fractional or a string",
      { eks: EKS, services: { api: eks({ memoryMiB: 127 }), web: eks({ memoryMiB: 983041 }), job: eks({ memoryMiB: 512.5 }), cron: eks({ memoryMiB: "512" }) } },
      [
        "prod.services.api.memoryMiB: 127 is not a memory size in MiB, a whole number from 128 to 983040",
        "prod.services.web.memoryMiB: 983041 is not a memory size in MiB, a whole number from 128 to 983040",
        "prod.services.job.memoryMiB: 512.5 is not a memory size in MiB, a whole number from 128 to 983040",
        'prod.services.cron.memoryMiB: "512" is not a memory size in MiB, a whole number from 128 to 983040',
      ],
    ],
    [
      "port out of range, fractional or a string",
      { services: { api: svc({ port: 0 }), web: svc({ port: 65536 }), job: svc({ port: 80.5 }), cron: svc({ port: "8080" }) } },
      [
        "prod.services.api.port: 0 is not a port, a whole number from 1 to 65535",
        "prod.services.web.port: 65536 is not a port, a whole number from 1 to 65535",
        "prod.services.job.port: 80.5 is not a port, a whole number from 1 to 65535",
        'prod.services.cron.port: "8080" is not a port, a whole number from 1 to 65535',
      ],
    ],
    [
      "replicas out of range, fractional or a string",
      { services: { api: svc({ replicas: -1 }), web: svc({ replicas: 1001 }), job: svc({ replicas: 1.5 }), cron: svc({ replicas: "2" }) } },
      [
        "prod.services.api.replicas: -1 is not a replica count, a whole number from 0 to 1000",
        "prod.services.web.replicas: 1001 is not a replica count, a whole number from 0 to 1000",
        "prod.services.job.replicas: 1.5 is not a replica count, a whole number from 0 to 1000",
        'prod.services.cron.replicas: "2" is not a replica count, a whole number from 0 to 1000',
      ],
    ],
    ["autoscaling not an object", api({ autoscaling: true }), [`prod.services.api.autoscaling: true is not an object (allowed settings: ${AUTOSCALING_SETTINGS})`]],
    [
      "autoscaling without min and max",
      api({ autoscaling: { targetCpuPercent: 60 } }),
      ["prod.services.api.autoscaling.min: is required (a replica count, a whole number from 0 to 1000)", "prod.services.api.autoscaling.max: is required (a replica count, a whole number from 1 to 1000)"],
    ],
    [
      "autoscaling min and max out of range",
      { services: { api: svc({ autoscaling: { min: -1, max: 0, targetCpuPercent: 60 } }), web: svc({ autoscaling: { min: 1001, max: 1001, targetCpuPercent: 60 } }), job: svc({ autoscaling: { min: 0.5, max: "4", targetCpuPercent: 60 } }) } },
      [
        "prod.services.api.autoscaling.min: -1 is not a replica count, a whole number from 0 to 1000",
        "prod.services.api.autoscaling.max: 0 is not a replica count, a whole number from 1 to 1000",
        "prod.services.web.autoscaling.min: 1001 is not a replica count, a whole number from 0 to 1000",
        "prod.services.web.autoscaling.max: 1001 is not a replica count, a whole number from 1 to 1000",
        "prod.services.job.autoscaling.min: 0.5 is not a replica count, a whole number from 0 to 1000",
        'prod.services.job.autoscaling.max: "4" is not a replica count, a whole number from 1 to 1000',
      ],
    ],
    [
      "autoscaling targets out of range",
      {
        services: {
          api: svc({ exposure: "public", port: 80, domain: DOMAIN, autoscaling: { min: 1, max: 2, targetCpuPercent: 9, targetMemoryPercent: 91, requestsPerTarget: 0 } }),
          web: svc({ exposure: "public", port: 80, domain: DOMAIN, autoscaling: { min: 1, max: 2, targetCpuPercent: 91, targetMemoryPercent: 9, requestsPerTarget: 1000001 } }),
          job: svc({ exposure: "public", port: 80, domain: DOMAIN, autoscaling: { min: 1, max: 2, targetCpuPercent: 50.5, targetMemoryPercent: "50", requestsPerTarget: 1.5 } }),
        },
      },
      [
        "prod.services.api.autoscaling.targetCpuPercent: 9 is not a CPU percentage, a whole number from 10 to 90",
        "prod.services.api.autoscaling.targetMemoryPercent: 91 is not a memory percentage, a whole number from 10 to 90",
        "prod.services.api.autoscaling.requestsPerTarget: 0 is not a number of requests per target, a whole number from 1 to 1000000",
        "prod.services.web.autoscaling.targetCpuPercent: 91 is not a CPU percentage, a whole number from 10 to 90",
        "prod.services.web.autoscaling.targetMemoryPercent: 9 is not a memory percentage, a whole number from 10 to 90",
        "prod.services.web.autoscaling.requestsPerTarget: 1000001 is not a number of requests per target, a whole number from 1 to 1000000",
        "prod.services.job.autoscaling.targetCpuPercent: 50.5 is not a CPU percentage, a whole number from 10 to 90",
        'prod.services.job.autoscaling.targetMemoryPercent: "50" is not a memory percentage, a whole number from 10 to 90',
        "prod.services.job.autoscaling.requestsPerTarget: 1.5 is not a number of requests per target, a whole number from 1 to 1000000",
      ],
    ],
    [
      "an unknown autoscaling setting",
      api({ autoscaling: { min: 1, max: 2, targetCpuPercent: 50, cooldown: 60 } }),
      [`prod.services.api.autoscaling.cooldown: is not a setting here (allowed: ${AUTOSCALING_SETTINGS})`],
    ],
    [
      "healthCheckPath not a path",
      { services: { api: svc({ healthCheckPath: "health" }), web: svc({ healthCheckPath: "/health check" }), job: svc({ healthCheckPath: "" }), cron: svc({ healthCheckPath: "/gesundheit/prüfung" }), etl: svc({ healthCheckPath: 200 }) } },
      [
        'prod.services.api.healthCheckPath: "health" is not a path starting with / (printable characters, no spaces)',
        'prod.services.web.healthCheckPath: "/health check" is not a path starting with / (printable characters, no spaces)',
        'prod.services.job.healthCheckPath: "" is not a path starting with / (printable characters, no spaces)',
        'prod.services.cron.healthCheckPath: "/gesundheit/prüfung" is not a path starting with / (printable characters, no spaces)',
        "prod.services.etl.healthCheckPath: 200 is not a path starting with / (printable characters, no spaces)",
      ],
    ],
    ["environment not a map", api({ environment: ["LOG_LEVEL=info"] }), ['prod.services.api.environment: ["LOG_LEVEL=info"] is not a map of variable to value']],
    [
      "environment variable names and values",
      api({ environment: { "1ST": "a", "LOG-LEVEL": "b", "MY VAR": "c", PORT: 8080, DEBUG: true, EMPTY: null } }),
      [
        `prod.services.api.environment.1ST: "1ST" is not ${VARIABLE}`,
        `prod.services.api.environment.LOG-LEVEL: "LOG-LEVEL" is not ${VARIABLE}`,
        `prod.services.api.environment.MY VAR: "MY VAR" is not ${VARIABLE}`,
        "prod.services.api.environment.PORT: 8080 is not a string",
        "prod.services.api.environment.DEBUG: true is not a string",
        "prod.services.api.environment.EMPTY: null is not a string",
      ],
    ],
    ["secrets not a map", api({ secrets: [SECRET_ARN] }), [`prod.services.api.secrets: ["${SECRET_ARN}"] is not a map of variable to secret`]],
    [
      "secret variable names",
      api({ secrets: { "2FA_KEY": { secretsManagerArn: SECRET_ARN }, "DB-PASSWORD": { secretsManagerArn: SECRET_ARN } } }),
      [`prod.services.api.secrets.2FA_KEY: "2FA_KEY" is not ${VARIABLE}`, `prod.services.api.secrets.DB-PASSWORD: "DB-PASSWORD" is not ${VARIABLE}`],
    ],
    ["a secret not an object", api({ secrets: { DB_PASSWORD: SECRET_ARN } }), [`prod.services.api.secrets.DB_PASSWORD: "${SECRET_ARN}" is not an object (allowed settings: ${SECRET_SETTINGS})`]],
    [
      "an unknown secret setting",
      api({ secrets: { DB_PASSWORD: { secretsManagerArn: SECRET_ARN, versionStage: "AWSCURRENT" } } }),
      [`prod.services.api.secrets.DB_PASSWORD.versionStage: is not a setting here (allowed: ${SECRET_SETTINGS})`],
    ],
    [
      "secret ARNs, JSON key and KMS key against their patterns",
      api({
        secrets: {
          A: { secretsManagerArn: `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/db` },
          B: { secretsManagerArn: SECRET_ARN, jsonKey: "pass word" },
          C: { ssmParameterArn: SECRET_ARN },
          D: { ssmParameterArn: PARAMETER_ARN, kmsKeyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:alias/secrets` },
          E: { secretsManagerArn: SECRET_ARN, jsonKey: "k".repeat(129) },
        },
      }),
      [
        `prod.services.api.secrets.A.secretsManagerArn: "arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/db" is not a Secrets Manager secret ARN`,
        'prod.services.api.secrets.B.jsonKey: "pass word" is not a JSON key (1-128 of A-Za-z0-9_.-)',
        `prod.services.api.secrets.C.ssmParameterArn: "${SECRET_ARN}" is not an SSM parameter ARN`,
        `prod.services.api.secrets.D.kmsKeyArn: "arn:aws:kms:eu-west-1:${ACCOUNT}:alias/secrets" is not a KMS key ARN`,
        `prod.services.api.secrets.E.jsonKey: "${"k".repeat(129)}" is not a JSON key (1-128 of A-Za-z0-9_.-)`,
      ],
    ],
    [
      "exposure outside its enum",
      { services: { api: svc({ exposure: "private" }), web: svc({ exposure: true }) } },
      ['prod.services.api.exposure: "private" is not allowed (an exposure: "public", "internal", "none")', 'prod.services.web.exposure: true is not allowed (an exposure: "public", "internal", "none")'],
    ],
    ["domain not an object", api({ exposure: "public", port: 80, domain: "api.example.com" }), ['prod.services.api.domain: "api.example.com" is not an object (allowed settings: name, hostedZoneId)']],
    [
      "domain without its settings",
      api({ exposure: "public", port: 80, domain: {} }),
      ["prod.services.api.domain.name: is required (a DNS name such as api.example.com)", "prod.services.api.domain.hostedZoneId: is required (a Route 53 hosted zone id)"],
    ],
    [
      "domain name and hosted zone against their patterns",
      {
        services: {
          api: svc({ exposure: "public", port: 80, domain: { name: "API.example.com", hostedZoneId: "z0123" } }),
          web: svc({ exposure: "public", port: 80, domain: { name: "localhost", hostedZoneId: "0123" } }),
          job: svc({ exposure: "public", port: 80, domain: { name: "api.example.com.", hostedZoneId: `Z${"A".repeat(32)}` } }),
          cron: svc({ exposure: "public", port: 80, domain: { name: "*.example.com", hostedZoneId: "Z" } }),
        },
      },
      [
        'prod.services.api.domain.name: "API.example.com" is not a DNS name such as api.example.com',
        'prod.services.api.domain.hostedZoneId: "z0123" is not a Route 53 hosted zone id',
        'prod.services.web.domain.name: "localhost" is not a DNS name such as api.example.com',
        'prod.services.web.domain.hostedZoneId: "0123" is not a Route 53 hosted zone id',
        'prod.services.job.domain.name: "api.example.com." is not a DNS name such as api.example.com',
        `prod.services.job.domain.hostedZoneId: "Z${"A".repeat(32)}" is not a Route 53 hosted zone id`,
        'prod.services.cron.domain.name: "*.example.com" is not a DNS name such as api.example.com',
        'prod.services.cron.domain.hostedZoneId: "Z" is not a Route 53 hosted zone id',
      ],
    ],
    [
      "an unknown domain setting",
      api({ exposure: "public", port: 80, domain: { ...DOMAIN, aliases: ["www.example.com"] } }),
      ["prod.services.api.domain.aliases: is not a setting here (allowed: name, hostedZoneId)"],
    ],
    [
      "ec2Capacity not a capacity name",
      { services: { api: svc({ runtime: "ecs-ec2", ec2Capacity: "General" }), web: svc({ runtime: "ecs-ec2", ec2Capacity: "" }), job: svc({ runtime: "ecs-ec2", ec2Capacity: "g".repeat(32) }), cron: svc({ runtime: "ecs-ec2", ec2Capacity: 1 }) } },
      [
        'prod.services.api.ec2Capacity: "General" is not a capacity name (1-31 lower-case letters, digits and -)',
        'prod.services.web.ec2Capacity: "" is not a capacity name (1-31 lower-case letters, digits and -)',
        `prod.services.job.ec2Capacity: "${"g".repeat(32)}" is not a capacity name (1-31 lower-case letters, digits and -)`,
        "prod.services.cron.ec2Capacity: 1 is not a capacity name (1-31 lower-case letters, digits and -)",
      ],
    ],
    [
      "networkMode outside its enum",
      { services: { api: svc({ runtime: "ecs-ec2", ec2Capacity: "general", networkMode: "host" }), web: svc({ runtime: "ecs-ec2", ec2Capacity: "general", networkMode: "BRIDGE" }) } },
      ['prod.services.api.networkMode: "host" is not allowed (a network mode: "awsvpc", "bridge")', 'prod.services.web.networkMode: "BRIDGE" is not allowed (a network mode: "awsvpc", "bridge")'],
    ],
    [
      "exec and ciOwnsDeployments not booleans",
      api({ exec: "yes", ciOwnsDeployments: 1 }),
      ['prod.services.api.exec: "yes" is not true or false: allow exec into running containers', "prod.services.api.ciOwnsDeployments: 1 is not true or false: CI owns image deployments"],
    ],
  ])("%s", (_what, changes, lines) => {
    expect(problemLines(configWith(changes))).toEqual(lines);
  });
});

describe("ecs: one message per problem with a setting's shape", () => {
  const capacity = (settings: unknown) => ({ "ecs.ec2Capacity": { general: settings } });

  test.each<[string, Record<string, unknown>, string[]]>([
    ["ecs not an object", { ecs: true }, [`prod.ecs: true is not an object (allowed settings: ${ECS_SETTINGS})`]],
    ["an unknown ecs setting", { "ecs.clusterName": "main" }, [`prod.ecs.clusterName: is not a setting here (allowed: ${ECS_SETTINGS})`]],
    [
      "containerInsights outside its enum",
      { "ecs.containerInsights": true },
      ['prod.ecs.containerInsights: true is not allowed (a Container Insights mode: "enabled", "enhanced", "disabled")'],
    ],
    ["containerInsights in the wrong case", { "ecs.containerInsights": "Enabled" }, ['prod.ecs.containerInsights: "Enabled" is not allowed (a Container Insights mode: "enabled", "enhanced", "disabled")']],
    ["fargateSpot not a boolean", { "ecs.fargateSpot": "no" }, ['prod.ecs.fargateSpot: "no" is not true or false: offer FARGATE_SPOT']],
    ["ec2Capacity not a map", { "ecs.ec2Capacity": ["general"] }, ['prod.ecs.ec2Capacity: ["general"] is not a map of capacity name to EC2 capacity']],
    [
      "ec2Capacity names against the pattern",
      { "ecs.ec2Capacity": { General: { instanceType: "m7g.large", maxSize: 1 }, "-gpu": { instanceType: "m7g.large", maxSize: 1 }, [`g${"p".repeat(31)}`]: { instanceType: "m7g.large", maxSize: 1 } } },
      [
        'prod.ecs.ec2Capacity.General: "General" is not a capacity name (1-31 lower-case letters, digits and -)',
        'prod.ecs.ec2Capacity.-gpu: "-gpu" is not a capacity name (1-31 lower-case letters, digits and -)',
        `prod.ecs.ec2Capacity.g${"p".repeat(31)}: "g${"p".repeat(31)}" is not a capacity name (1-31 lower-case letters, digits and -)`,
      ],
    ],
    ["an EC2 capacity not an object", capacity("m7g.large"), [`prod.ecs.ec2Capacity.general: "m7g.large" is not an object (allowed settings: ${CAPACITY_SETTINGS})`]],
    [
      "an EC2 capacity with nothing set",
      capacity({}),
      ["prod.ecs.ec2Capacity.general.instanceType: is required (an EC2 instance type such as m7g.large)", "prod.ecs.ec2Capacity.general.maxSize: is required (an instance count, a whole number from 1 to 1000)"],
    ],
    [
      "instanceType against the pattern",
      { "ecs.ec2Capacity": { a: { instanceType: "large", maxSize: 1 }, b: { instanceType: "M7g.large", maxSize: 1 }, c: { instanceType: "m.large", maxSize: 1 } } },
      [
        'prod.ecs.ec2Capacity.a.instanceType: "large" is not an EC2 instance type such as m7g.large',
        'prod.ecs.ec2Capacity.b.instanceType: "M7g.large" is not an EC2 instance type such as m7g.large',
        'prod.ecs.ec2Capacity.c.instanceType: "m.large" is not an EC2 instance type such as m7g.large',
      ],
    ],
    [
      "instance counts and volume size out of range",
      {
        "ecs.ec2Capacity": {
          a: { instanceType: "m7g.large", minSize: -1, maxSize: 0, rootVolumeSizeGiB: 29 },
          b: { instanceType: "m7g.large", minSize: 1001, maxSize: 1001, rootVolumeSizeGiB: 16385 },
          c: { instanceType: "m7g.large", minSize: 0.5, maxSize: "2", rootVolumeSizeGiB: 40.5 },
        },
      },
      [
        "prod.ecs.ec2Capacity.a.minSize: -1 is not an instance count, a whole number from 0 to 1000",
        "prod.ecs.ec2Capacity.a.maxSize: 0 is not an instance count, a whole number from 1 to 1000",
        "prod.ecs.ec2Capacity.a.rootVolumeSizeGiB: 29 is not a volume size in GiB, a whole number from 30 to 16384",
        "prod.ecs.ec2Capacity.b.minSize: 1001 is not an instance count, a whole number from 0 to 1000",
        "prod.ecs.ec2Capacity.b.maxSize: 1001 is not an instance count, a whole number from 1 to 1000",
        "prod.ecs.ec2Capacity.b.rootVolumeSizeGiB: 16385 is not a volume size in GiB, a whole number from 30 to 16384",
        "prod.ecs.ec2Capacity.c.minSize: 0.5 is not an instance count, a whole number from 0 to 1000",
        'prod.ecs.ec2Capacity.c.maxSize: "2" is not an instance count, a whole number from 1 to 1000',
        "prod.ecs.ec2Capacity.c.rootVolumeSizeGiB: 40.5 is not a volume size in GiB, a whole number from 30 to 16384",
      ],
    ],
    ["spot not a boolean", capacity({ instanceType: "m7g.large", maxSize: 2, spot: "true" }), ['prod.ecs.ec2Capacity.general.spot: "true" is not true or false: spot instances']],
    [
      "an unknown EC2 capacity setting",
      capacity({ instanceType: "m7g.large", maxSize: 2, architecture: "arm64" }),
      [`prod.ecs.ec2Capacity.general.architecture: is not a setting here (allowed: ${CAPACITY_SETTINGS})`],
    ],
    [
      "execLogRetentionDays not a CloudWatch retention",
      { "ecs.execLogRetentionDays": 2 },
      [`prod.ecs.execLogRetentionDays: 2 is not a CloudWatch retention (${RETENTIONS})`],
    ],
    ["execLogRetentionDays a string", { "ecs.execLogRetentionDays": "30" }, ['prod.ecs.execLogRetentionDays: "30" is not a number of days']],
  ])("%s", (_what, changes, lines) => {
    expect(problemLines(configWith(changes))).toEqual(lines);
  });
});

describe("services and ecs: rules between settings", () => {
  test.each<[string, Record<string, unknown>, string[]]>([
    [
      "an image with neither repository nor reference",
      { services: { api: svc({ image: {} }), web: svc({ image: { tag: "1.0.0" } }) } },
      [
        "prod.services.api.image: {} must name either repository (with tag) or reference, not both and not neither",
        'prod.services.web.image: {"tag":"1.0.0"} must name either repository (with tag) or reference, not both and not neither',
      ],
    ],
    [
      "an image with both repository and reference, with or without a tag",
      { services: { api: svc({ image: { repository: "app", tag: "1.0.0", reference: NGINX } }), web: svc({ image: { repository: "app", reference: NGINX } }) } },
      [
        `prod.services.api.image: {"repository":"app","tag":"1.0.0","reference":"${NGINX}"} must name either repository (with tag) or reference, not both and not neither`,
        `prod.services.web.image: {"repository":"app","reference":"${NGINX}"} must name either repository (with tag) or reference, not both and not neither`,
      ],
    ],
    ["a repository image without a tag", api({ image: { repository: "app" } }), ["prod.services.api.image.tag: is required with image.repository (an image tag)"]],
    ["a reference image with a tag", api({ image: { reference: NGINX, tag: "1.27" } }), ['prod.services.api.image.tag: "1.27" is part of image.reference; remove it']],
    [
      "a repository that ecr.repositories does not have",
      { services: { api: svc({ image: { repository: "orders", tag: "1" } }), web: svc({ image: { repository: "web", tag: "1" } }) } },
      ['prod.services.api.image.repository: "orders" is not one of ecr.repositories (app, team/web)', 'prod.services.web.image.repository: "web" is not one of ecr.repositories (app, team/web)'],
    ],
    ["a repository image without any ecr section", { ecr: undefined, ...api() }, ['prod.services.api.image.repository: "app" is not one of ecr.repositories (none)']],
    ["a repository image with no repositories and no imageSource", { ecr: {}, ...api() }, ['prod.services.api.image.repository: "app" is not one of ecr.repositories (none)']],
    [
      "a cpu that Fargate does not offer",
      { services: { api: svc({ cpu: 300 }), web: svc({ cpu: 128, memoryMiB: 128 }) } },
      [
        `prod.services.api.cpu: 300 is not a Fargate size: must be one of ${FARGATE_CPUS} on Fargate, got 300`,
        `prod.services.web.cpu: 128 is not a Fargate size: must be one of ${FARGATE_CPUS} on Fargate, got 128`,
      ],
    ],
    [
      "a memory size that does not go with the cpu on Fargate",
      { services: { api: svc({ cpu: 512, memoryMiB: 1000 }), web: svc({ cpu: 256, memoryMiB: 4096 }), job: svc({ cpu: 1024, memoryMiB: 1024 }) } },
      [
        "prod.services.api.memoryMiB: 1000 is not a Fargate size: must be 1024, 2048, 3072, 4096 with cpu 512 on Fargate, got 1000",
        "prod.services.web.memoryMiB: 4096 is not a Fargate size: must be 512, 1024, 2048 with cpu 256 on Fargate, got 4096",
        "prod.services.job.memoryMiB: 1024 is not a Fargate size: must be 2048 to 8192 in steps of 1024 with cpu 1024 on Fargate, got 1024",
      ],
    ],
    ["ecs-ec2 without ec2Capacity", api({ runtime: "ecs-ec2" }), ['prod.services.api.ec2Capacity: is required with runtime "ecs-ec2" (one of ecs.ec2Capacity: general)']],
    [
      "ecs-ec2 without ec2Capacity, and none defined",
      { ecs: undefined, ...api({ runtime: "ecs-ec2" }) },
      ['prod.services.api.ec2Capacity: is required with runtime "ecs-ec2" (one of ecs.ec2Capacity: none defined)'],
    ],
    [
      "ecs-ec2 on a capacity that ecs.ec2Capacity does not have",
      { "ecs.ec2Capacity": { general: { instanceType: "m7g.large", maxSize: 4 }, gpu: { instanceType: "g5.xlarge", maxSize: 1 } }, ...api({ runtime: "ecs-ec2", ec2Capacity: "spot" }) },
      ['prod.services.api.ec2Capacity: "spot" is not one of ecs.ec2Capacity (general, gpu)'],
    ],
    [
      "ecs-ec2 on a capacity, and none defined",
      { "ecs.ec2Capacity": undefined, ...api({ runtime: "ecs-ec2", ec2Capacity: "general" }) },
      ['prod.services.api.ec2Capacity: "general" is not one of ecs.ec2Capacity (none defined)'],
    ],
    [
      "ec2Capacity with another runtime",
      { eks: EKS, services: { api: svc({ ec2Capacity: "general" }), web: svc({ runtime: "eks", ec2Capacity: "general" }) } },
      ['prod.services.api.ec2Capacity: "general" is only used with runtime "ecs-ec2"', 'prod.services.web.ec2Capacity: "general" is only used with runtime "ecs-ec2"'],
    ],
    [
      "networkMode with another runtime",
      { eks: EKS, services: { api: svc({ networkMode: "awsvpc" }), web: svc({ runtime: "eks", networkMode: "bridge" }) } },
      [
        'prod.services.api.networkMode: "awsvpc" is only used with runtime "ecs-ec2" (Fargate and EKS use their own networking)',
        'prod.services.web.networkMode: "bridge" is only used with runtime "ecs-ec2" (Fargate and EKS use their own networking)',
      ],
    ],
    [
      "exposure without a port",
      { services: { api: svc({ exposure: "public", domain: DOMAIN }), web: svc({ exposure: "internal", domain: DOMAIN }) } },
      [
        'prod.services.api.port: is required with exposure "public" (the port the load balancer sends traffic to)',
        'prod.services.web.port: is required with exposure "internal" (the port the load balancer sends traffic to)',
      ],
    ],
    [
      "exposure without a domain",
      { services: { api: svc({ exposure: "public", port: 8080 }), web: svc({ exposure: "internal", port: 8080 }) } },
      [
        'prod.services.api.domain: is required with exposure "public" (the HTTPS certificate is issued for it)',
        'prod.services.web.domain: is required with exposure "internal" (the HTTPS certificate is issued for it)',
      ],
    ],
    [
      "exposure with neither port nor domain",
      api({ exposure: "public" }),
      ['prod.services.api.port: is required with exposure "public" (the port the load balancer sends traffic to)', 'prod.services.api.domain: is required with exposure "public" (the HTTPS certificate is issued for it)'],
    ],
    [
      "a domain without exposure, by default or stated",
      { services: { api: svc({ domain: DOMAIN }), web: svc({ exposure: "none", port: 80, domain: DOMAIN }) } },
      [
        `prod.services.api.domain: {"name":"api.example.com","hostedZoneId":"${ZONE}"} is only used with exposure "public" or "internal"`,
        `prod.services.web.domain: {"name":"api.example.com","hostedZoneId":"${ZONE}"} is only used with exposure "public" or "internal"`,
      ],
    ],
    [
      "requestsPerTarget without a load balancer",
      api({ port: 8080, autoscaling: { min: 1, max: 4, targetCpuPercent: 50, requestsPerTarget: 100 } }),
      ['prod.services.api.autoscaling.requestsPerTarget: 100 needs a load balancer (exposure "public" or "internal")'],
    ],
    ["autoscaling min above max", api({ autoscaling: { min: 5, max: 3, targetCpuPercent: 60 } }), ["prod.services.api.autoscaling.max: 3 is below autoscaling.min (5)"]],
    [
      "autoscaling without a target",
      api({ autoscaling: { min: 1, max: 3 } }),
      ['prod.services.api.autoscaling: {"min":1,"max":3} needs a target: targetCpuPercent, targetMemoryPercent, requestsPerTarget or queueMessagesPerTask'],
    ],
    [
      "a secret also in environment",
      api({ environment: { DB_HOST: "db", DB_URL: "x" }, secrets: { DB_URL: { secretsManagerArn: SECRET_ARN } } }),
      ['prod.services.api.secrets.DB_URL: "DB_URL" is also in environment; a variable comes from one of them'],
    ],
    [
      "a secret given as a plain environment value",
      api({ environment: { DB_HOST: "db", DB_PASSWORD: "hunter2", STRIPE_API_KEY: "sk", githubToken: "t" } }),
      [
        'prod.services.api.environment.DB_PASSWORD: "DB_PASSWORD" looks like a secret; put it in secrets (Secrets Manager or SSM Parameter Store), not in plain environment values',
        'prod.services.api.environment.STRIPE_API_KEY: "STRIPE_API_KEY" looks like a secret; put it in secrets (Secrets Manager or SSM Parameter Store), not in plain environment values',
        'prod.services.api.environment.githubToken: "githubToken" looks like a secret; put it in secrets (Secrets Manager or SSM Parameter Store), not in plain environment values',
      ],
    ],
    [
      "blue/green without a load balancer, and on EKS",
      { eks: EKS, "services.api": svc({ deployment: "blue-green" }), "services.k8s": svc({ runtime: "eks", deployment: "blue-green", exposure: "internal", port: 80, domain: DOMAIN }) },
      [
        'prod.services.api.deployment: "blue-green" needs a load balancer (exposure "public" or "internal"): blue/green shifts its traffic',
        'prod.services.k8s.deployment: "blue-green" is an ECS option; on EKS use the Deployment\'s rolling update',
      ],
    ],
    [
      "an ECS service without a private tier, a public one without a public tier",
      { "network.subnetTiers": ["intra"], "network.natGateways": "none", "services.api": svc({ exposure: "public", port: 80, domain: DOMAIN }) },
      [
        'prod.services.api.runtime: "ecs-fargate" runs its tasks in private subnets, and network.subnetTiers (intra) has no "private" tier',
        'prod.services.api.exposure: "public" needs public subnets for its load balancer, and network.subnetTiers (intra) has no "public" tier',
      ],
    ],
    [
      "a load balancer in one zone",
      { availabilityZones: ["eu-west-1a"], "services.api": svc({ exposure: "internal", port: 80, domain: DOMAIN }) },
      ['prod.services.api.exposure: "internal" needs a load balancer in at least 2 availability zones, and availabilityZones lists 1'],
    ],
    [
      "EC2 capacity in an environment whose name ECS refuses for capacity providers",
      { name: "ecs-dev" },
      ['prod.ecs.ec2Capacity: {"general":{"instanceType":"m7g.large","maxSize":4}} cannot be used in an environment named "ecs-dev": ECS refuses capacity provider names (<env>-cluster-<key>) that start with aws, ecs or fargate'],
    ],
    [
      "a secret with neither source",
      api({ secrets: { TOKEN: {}, KEYED: { kmsKeyArn: KEY_ARN } } }),
      [
        "prod.services.api.secrets.TOKEN: {} must name either secretsManagerArn or ssmParameterArn, not both and not neither",
        `prod.services.api.secrets.KEYED: {"kmsKeyArn":"${KEY_ARN}"} must name either secretsManagerArn or ssmParameterArn, not both and not neither`,
      ],
    ],
    [
      "a secret with both sources",
      api({ secrets: { TOKEN: { secretsManagerArn: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:t`, ssmParameterArn: `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/t` } } }),
      [
        // (a long value is shown cut at 120 characters)
        `prod.services.api.secrets.TOKEN: {"secretsManagerArn":"arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:t","ssmParameterArn":"arn:aws:ssm:eu-west-... must name either secretsManagerArn or ssmParameterArn, not both and not neither`,
      ],
    ],
    [
      "jsonKey without secretsManagerArn",
      api({ secrets: { TOKEN: { ssmParameterArn: PARAMETER_ARN, jsonKey: "token" } } }),
      ['prod.services.api.secrets.TOKEN.jsonKey: "token" is only used with secretsManagerArn'],
    ],
    [
      "jsonKey alone",
      api({ secrets: { TOKEN: { jsonKey: "token" } } }),
      [
        'prod.services.api.secrets.TOKEN: {"jsonKey":"token"} must name either secretsManagerArn or ssmParameterArn, not both and not neither',
        'prod.services.api.secrets.TOKEN.jsonKey: "token" is only used with secretsManagerArn',
      ],
    ],
    [
      "EC2 capacity with minSize above maxSize",
      { "ecs.ec2Capacity": { general: { instanceType: "m7g.large", minSize: 5, maxSize: 4 }, gpu: { instanceType: "g5.xlarge", minSize: 1, maxSize: 1 } } },
      ["prod.ecs.ec2Capacity.general.maxSize: 4 is below minSize (5)"],
    ],
  ])("%s", (_what, changes, lines) => {
    expect(problemLines(configWith(changes))).toEqual(lines);
  });

  test("a problem is reported once: rules do not also fire on settings the schema already refuses", () => {
    expect(
      problemLines(
        configWith({
          services: {
            api: svc({ runtime: "ecs_ec2", ec2Capacity: "general", networkMode: "bridge" }),
            web: svc({ exposure: "private", domain: DOMAIN }),
            job: svc({ image: { repository: "Orders", tag: "1" } }),
            cron: svc({ runtime: "ecs-ec2", ec2Capacity: "General" }),
            etl: svc({ runtime: undefined, ec2Capacity: "general" }),
            batch: svc({ runtime: "ecs-ec2", ec2Capacity: 1 }),
            web2: svc({ exposure: "public", port: "8080", domain: "api.example.com" }),
          },
        }),
      ),
    ).toEqual([
      'prod.services.api.runtime: "ecs_ec2" is not allowed (a runtime: "ecs-fargate", "ecs-ec2", "eks")',
      'prod.services.web.exposure: "private" is not allowed (an exposure: "public", "internal", "none")',
      `prod.services.job.image.repository: "Orders" is not ${REPOSITORY_NAME}`,
      'prod.services.cron.ec2Capacity: "General" is not a capacity name (1-31 lower-case letters, digits and -)',
      'prod.services.etl.runtime: is required (a runtime: "ecs-fargate", "ecs-ec2", "eks")',
      "prod.services.batch.ec2Capacity: 1 is not a capacity name (1-31 lower-case letters, digits and -)",
      'prod.services.web2.port: "8080" is not a port, a whole number from 1 to 65535',
      'prod.services.web2.domain: "api.example.com" is not an object (allowed settings: name, hostedZoneId)',
    ]);
  });

  test("shape and rule problems of many services and the ecs section are reported together, shape first", () => {
    expect(
      problemLines(
        configWith({
          eks: EKS,
          "ecs.fargateSpot": "yes",
          "ecs.ec2Capacity": { general: { instanceType: "m7g.large", minSize: 3, maxSize: 2 } },
          services: {
            api: svc({ cpu: 512, memoryMiB: 512, exposure: "public", port: 8080, autoscaling: { min: 4, max: 2 } }),
            web: svc({ runtime: "ecs-ec2", ec2Capacity: "gpu", networkMode: "bridge", replicas: -1, image: { repository: "web", tag: "1" } }),
            worker: svc({ runtime: "eks", image: { reference: NGINX, tag: "1.27" }, exec: "no", domain: DOMAIN, environment: { REGION: "x" }, secrets: { REGION: {} } }),
            ok: svc(),
          },
        }),
      ),
    ).toEqual([
      'prod.ecs.fargateSpot: "yes" is not true or false: offer FARGATE_SPOT',
      "prod.services.web.replicas: -1 is not a replica count, a whole number from 0 to 1000",
      'prod.services.worker.exec: "no" is not true or false: allow exec into running containers',
      "prod.ecs.ec2Capacity.general.maxSize: 2 is below minSize (3)",
      "prod.services.api.memoryMiB: 512 is not a Fargate size: must be 1024, 2048, 3072, 4096 with cpu 512 on Fargate, got 512",
      'prod.services.api.domain: is required with exposure "public" (the HTTPS certificate is issued for it)',
      "prod.services.api.autoscaling.max: 2 is below autoscaling.min (4)",
      'prod.services.api.autoscaling: {"min":4,"max":2} needs a target: targetCpuPercent, targetMemoryPercent, requestsPerTarget or queueMessagesPerTask',
      'prod.services.web.image.repository: "web" is not one of ecr.repositories (app, team/web)',
      'prod.services.web.ec2Capacity: "gpu" is not one of ecs.ec2Capacity (general)',
      'prod.services.worker.image.tag: "1.27" is part of image.reference; remove it',
      `prod.services.worker.domain: {"name":"api.example.com","hostedZoneId":"${ZONE}"} is only used with exposure "public" or "internal"`,
      'prod.services.worker.secrets.REGION: "REGION" is also in environment; a variable comes from one of them',
      "prod.services.worker.secrets.REGION: {} must name either secretsManagerArn or ssmParameterArn, not both and not neither",
      // The rules of EKS services come after the rules every service has.
      'prod.services.worker.secrets: {"REGION":{}} is an ECS option for now: on EKS, mount secrets with the Secrets Store CSI driver',
    ]);
  });
});
