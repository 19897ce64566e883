// One test per error message an EcsService throws. Each compares the whole message, including
// the construct path prefix: a service with id `Api` in `testStack()` reports `test-unit/Api: ...`.
import { ContainerImage, EcsService, ServiceLoadBalancer, type EcsServiceProps, type ServiceSecret } from "../src";
import { CERTIFICATE_ARN, GENERAL_CAPACITY, SECRET_ARN, STACK_PATH, fixture, messageOf, serviceProps, sharedFixture, unchecked, validationErrorOf, type Fixture, type FixtureOptions } from "./support";

const API = `${STACK_PATH}/Api`;
const RETENTIONS = "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653";
const BY_ARN = { certificateArn: CERTIFICATE_ARN };

/** The message of building service `Api` of a fresh fixture with `overrides(f)`. */
function errorOf(overrides: (f: Fixture) => Partial<EcsServiceProps>, options: FixtureOptions = {}): string {
  return messageOf(sharedFixture(options), (f) => new EcsService(f.stack, "Api", serviceProps(f, overrides(f))));
}

/** The message of a service whose container has `container` on top of the fixture's image and port. */
function containerErrorOf(container: Partial<EcsServiceProps["container"]>): string {
  return errorOf((f) => ({ container: { image: ContainerImage.fromRepository(f.repository, "v1"), port: 8080, ...container } }));
}

function secretErrorOf(secret: ServiceSecret): string {
  return containerErrorOf({ secrets: { DB_PASSWORD: secret } });
}

/** Props of a service on the EC2 capacity `general` (the fixture's cluster must have it). */
const EC2: Partial<EcsServiceProps> = { launch: "ec2", networkMode: "bridge", capacityProviderStrategy: [{ capacityProvider: "general" }] };
const WITH_CAPACITY: FixtureOptions = { cluster: { ec2Capacity: GENERAL_CAPACITY } };

test("the path of a service in a nested scope prefixes its messages", () => {
  const f = fixture();
  const error = validationErrorOf(() => new EcsService(f.cluster, "Api", serviceProps(f, { desiredCount: -1 })));
  expect(error.constructPath).toBe(`${STACK_PATH}/Cluster/Api`);
  expect(error.message).toBe(`${STACK_PATH}/Cluster/Api: 'desiredCount' must be a whole number of at least 0, got -1`);
});

describe("names and launch", () => {
  test.each(["my api", "api.v2", "", "a".repeat(256)])("serviceName %j", (name) => {
    expect(errorOf(() => ({ serviceName: name }))).toBe(`${API}: 'serviceName' must be 1-255 letters, digits, _ and -, got ${JSON.stringify(name)}`);
  });

  test("launch", () => {
    expect(errorOf(() => ({ launch: unchecked("external") }))).toBe(`${API}: 'launch' must be "fargate" or "ec2", got "external"`);
  });

  test("networkMode", () => {
    expect(errorOf(() => ({ networkMode: unchecked("none") }))).toBe(`${API}: 'networkMode' must be "awsvpc", "bridge" or "host", got "none"`);
  });

  test.each(["bridge", "host"] as const)("networkMode %s on Fargate", (networkMode) => {
    expect(errorOf(() => ({ networkMode }))).toBe(`${API}: 'networkMode' "${networkMode}" needs launch "ec2"; Fargate tasks use awsvpc`);
  });
});

describe("size on EC2", () => {
  test.each([64, 196609, 256.5])("cpu %p", (cpu) => {
    expect(errorOf(() => ({ ...EC2, cpu }), WITH_CAPACITY)).toBe(`${API}: 'cpu' must be a whole number of CPU units from 128 to 196608, got ${cpu}`);
  });

  test.each([64, 512.5])("memoryMiB %p", (memoryMiB) => {
    expect(errorOf(() => ({ ...EC2, memoryMiB }), WITH_CAPACITY)).toBe(`${API}: 'memoryMiB' must be a whole number of at least 128, got ${memoryMiB}`);
  });
});

describe("container", () => {
  test.each([0, 65536, 80.5])("port %p", (port) => {
    expect(containerErrorOf({ port })).toBe(`${API}: 'container.port' must be a whole number from 1 to 65535, got ${port}`);
  });

  test("loadBalancing without a port", () => {
    expect(errorOf((f) => ({ container: { image: ContainerImage.fromRepository(f.repository, "v1") }, loadBalancing: { create: { certificate: BY_ARN } } }))).toBe(
      `${API}: 'loadBalancing' needs 'container.port': the port the load balancer sends traffic to`,
    );
  });

  test("a secret that is not a Secrets Manager ARN", () => {
    const arn = "arn:aws:ssm:eu-west-1:123456789012:parameter/db";
    expect(secretErrorOf({ secretsManagerArn: arn })).toBe(`${API}: 'container.secrets.DB_PASSWORD' is not a Secrets Manager secret ARN: "${arn}"`);
  });

  test.each(["", "a b", "k".repeat(129), "pass:word"])("a secret's jsonKey %j", (jsonKey) => {
    expect(secretErrorOf({ secretsManagerArn: SECRET_ARN, jsonKey })).toBe(
      `${API}: 'container.secrets.DB_PASSWORD' has jsonKey ${JSON.stringify(jsonKey)}; a key is 1-128 of A-Za-z0-9_.-`,
    );
  });

  test("a parameter that is not an SSM parameter ARN", () => {
    expect(secretErrorOf({ ssmParameterArn: "/test/api/db" })).toBe(`${API}: 'container.secrets.DB_PASSWORD' is not an SSM parameter ARN: "/test/api/db"`);
  });

  test("a variable both in secrets and environment", () => {
    expect(containerErrorOf({ environment: { DB_PASSWORD: "x" }, secrets: { DB_PASSWORD: { secretsManagerArn: SECRET_ARN } } })).toBe(
      `${API}: 'container.secrets.DB_PASSWORD' is also in 'container.environment'; a variable comes from one of them`,
    );
  });

  test.each(["1ST", "LOG-LEVEL", "my var", ""])("environment variable %j", (name) => {
    expect(containerErrorOf({ environment: { [name]: "x" } })).toBe(
      `${API}: 'container.environment' variable ${JSON.stringify(name)} must be letters, digits and _, not starting with a digit`,
    );
  });

  test("a secret's variable name follows the same rule (and the message names 'container.environment')", () => {
    expect(containerErrorOf({ secrets: { "db-password": { secretsManagerArn: SECRET_ARN } } })).toBe(
      `${API}: 'container.environment' variable "db-password" must be letters, digits and _, not starting with a digit`,
    );
  });

  test.each(["DB_PASSWORD", "api_key", "GITHUB_TOKEN", "CLIENT_SECRET", "AWS_CREDENTIALS", "PRIVATE_KEY"])("environment variable %s looks like a secret", (name) => {
    expect(containerErrorOf({ environment: { LOG_LEVEL: "info", [name]: "x" } })).toBe(
      `${API}: 'container.environment.${name}' looks like a secret; put it in 'container.secrets' (Secrets Manager or SSM Parameter Store), where it is neither in the task definition nor in the plan`,
    );
  });

  test("such a name is fine as a secret", () => {
    const f = fixture();
    expect(() => new EcsService(f.stack, "Api", serviceProps(f, { container: { image: ContainerImage.fromRepository(f.repository, "v1"), secrets: { DB_PASSWORD: { secretsManagerArn: SECRET_ARN } } } }))).not.toThrow();
  });

  test.each(["root", "0", "0:0", "root:root", "0:1000"])("user %j", (user) => {
    expect(containerErrorOf({ user })).toBe(`${API}: 'container.user' must not be root, got ${JSON.stringify(user)}; containers run as a non-root user`);
  });

  test.each(["tmp", "", "/tmp dir", "./cache"])("writablePaths %j", (path) => {
    expect(containerErrorOf({ writablePaths: ["/tmp", path] })).toBe(`${API}: 'container.writablePaths' holds ${JSON.stringify(path)}; each must be an absolute path`);
  });
});

describe("deployment", () => {
  test.each([-1, 1.5])("desiredCount %p", (desiredCount) => {
    expect(errorOf(() => ({ desiredCount }))).toBe(`${API}: 'desiredCount' must be a whole number of at least 0, got ${desiredCount}`);
  });

  test.each([-1, 101, 50.5])("minHealthyPercent %p", (minHealthyPercent) => {
    expect(errorOf(() => ({ minHealthyPercent }))).toBe(`${API}: 'minHealthyPercent' must be a whole number from 0 to 100, got ${minHealthyPercent}`);
  });

  test.each([99, 401, 150.5])("maxPercent %p", (maxPercent) => {
    expect(errorOf(() => ({ maxPercent }))).toBe(`${API}: 'maxPercent' must be a whole number from 100 to 400, got ${maxPercent}`);
  });

  test("minHealthyPercent 0 with maxPercent 100", () => {
    expect(errorOf(() => ({ minHealthyPercent: 0, maxPercent: 100 }))).toBe(
      `${API}: 'minHealthyPercent' 0 with 'maxPercent' 100 lets a deployment stop every task; raise one of them`,
    );
  });

  test("logRetentionDays", () => {
    expect(errorOf(() => ({ logRetentionDays: 10 }))).toBe(`${API}: 'logRetentionDays' must be one of ${RETENTIONS}, got 10`);
  });
});

describe("capacity provider strategy", () => {
  test("a provider the cluster does not have", () => {
    expect(errorOf(() => ({ capacityProviderStrategy: [{ capacityProvider: "general" }] }))).toBe(
      `${API}: 'capacityProviderStrategy[0].capacityProvider' must be one of the cluster's (FARGATE, FARGATE_SPOT), got "general"`,
    );
  });

  test("the message lists the cluster's providers by name", () => {
    expect(errorOf(() => ({ capacityProviderStrategy: [{ capacityProvider: "FARGATE" }, { capacityProvider: "FARGATE_SPOT" }] }), { cluster: { fargateSpot: false, ec2Capacity: GENERAL_CAPACITY } })).toBe(
      `${API}: 'capacityProviderStrategy[1].capacityProvider' must be one of the cluster's (FARGATE, test-cluster-general), got "FARGATE_SPOT"`,
    );
  });

  test("EC2 capacity for a Fargate service", () => {
    expect(errorOf(() => ({ capacityProviderStrategy: [{ capacityProvider: "general" }] }), WITH_CAPACITY)).toBe(
      `${API}: 'capacityProviderStrategy[0].capacityProvider' "general" does not run launch "fargate" tasks`,
    );
  });

  test("Fargate for an EC2 service", () => {
    expect(errorOf(() => ({ ...EC2, capacityProviderStrategy: [{ capacityProvider: "general" }, { capacityProvider: "FARGATE" }] }), WITH_CAPACITY)).toBe(
      `${API}: 'capacityProviderStrategy[1].capacityProvider' "FARGATE" does not run launch "ec2" tasks`,
    );
  });

  test("an EC2 service without a strategy", () => {
    expect(errorOf(() => ({ ...EC2, capacityProviderStrategy: undefined }), WITH_CAPACITY)).toBe(
      `${API}: 'capacityProviderStrategy' must name the cluster's EC2 capacity for launch "ec2"`,
    );
    expect(errorOf(() => ({ ...EC2, capacityProviderStrategy: [] }), WITH_CAPACITY)).toBe(`${API}: 'capacityProviderStrategy' must name the cluster's EC2 capacity for launch "ec2"`);
  });

  test("bridge networking behind a load balancer with the capacity named by provider name instead of key", () => {
    expect(
      errorOf(() => ({ ...EC2, capacityProviderStrategy: [{ capacityProvider: "test-cluster-general" }], loadBalancing: { create: { certificate: BY_ARN } } }), WITH_CAPACITY),
    ).toBe(`${API}: the load balancer cannot reach the instances of "test-cluster-general"; name an EC2 capacity of this cluster`);
  });
});

describe("load balancing", () => {
  type SharedRule = { hostHeaders?: string[]; pathPatterns?: string[]; priority: number; healthCheckPath?: string };

  /** Builds service `Api` on the listener of a shared load balancer. */
  function onSharedListener(rule: SharedRule): EcsService {
    const f = fixture();
    const listener = new ServiceLoadBalancer(f.stack, "Shared", { vpc: f.vpc, certificate: BY_ARN });
    return new EcsService(f.stack, "Api", serviceProps(f, { loadBalancing: { listener, ...rule } }));
  }

  function sharedErrorOf(rule: SharedRule): string {
    return validationErrorOf(() => onSharedListener(rule)).message;
  }

  test.each([0, 50001, 1.5])("priority %p", (priority) => {
    expect(sharedErrorOf({ priority })).toBe(`${API}: 'loadBalancing.priority' must be a whole number from 1 to 50000, got ${priority}`);
  });

  test("more than 5 host headers and path patterns", () => {
    expect(sharedErrorOf({ priority: 1, hostHeaders: ["a.example.com", "b.example.com"], pathPatterns: ["/a/*", "/b/*", "/c/*", "/d/*"] })).toBe(
      `${API}: 'loadBalancing' may combine at most 5 host headers and path patterns in one rule`,
    );
  });

  test("exactly 5 is fine", () => {
    expect(() => onSharedListener({ priority: 1, hostHeaders: ["a.example.com"], pathPatterns: ["/a/*", "/b/*", "/c/*", "/d/*"] })).not.toThrow();
  });

  test("healthCheckPath on a shared listener", () => {
    expect(sharedErrorOf({ priority: 1, healthCheckPath: "health" })).toBe(`${API}: 'loadBalancing.healthCheckPath' must start with /, got "health"`);
  });

  test("healthCheckPath on the service's own load balancer", () => {
    expect(errorOf(() => ({ loadBalancing: { create: { certificate: BY_ARN }, healthCheckPath: "status" } }))).toBe(
      `${API}: 'loadBalancing.healthCheckPath' must start with /, got "status"`,
    );
  });
});

describe("blue/green deployment", () => {
  const OWN_LB: Partial<EcsServiceProps> = { loadBalancing: { create: { certificate: BY_ARN } } };

  test("deployment.type", () => {
    expect(errorOf(() => ({ ...OWN_LB, deployment: unchecked({ type: "canary" }) }))).toBe(`${API}: 'deployment.type' must be "rolling" or "blue-green", got "canary"`);
  });

  test("blue-green without a load balancer", () => {
    expect(errorOf(() => ({ deployment: { type: "blue-green" } }))).toBe(
      `${API}: 'deployment' "blue-green" needs a load balancer of the service's own ('loadBalancing.create'): its test listener takes a port there`,
    );
  });

  test("blue-green on a shared listener", () => {
    const f = fixture();
    const listener = new ServiceLoadBalancer(f.stack, "Shared", { vpc: f.vpc, certificate: BY_ARN });
    expect(validationErrorOf(() => new EcsService(f.stack, "Api", serviceProps(f, { deployment: { type: "blue-green" }, loadBalancing: { listener, priority: 1 } }))).message).toBe(
      `${API}: 'deployment' "blue-green" needs a load balancer of the service's own ('loadBalancing.create'): its test listener takes a port there`,
    );
  });

  test("trafficShift", () => {
    expect(errorOf(() => ({ ...OWN_LB, deployment: { type: "blue-green", trafficShift: unchecked("fast") } }))).toBe(
      `${API}: 'deployment.trafficShift' must be one of all-at-once, canary-10-5, canary-10-15, linear-10-1, linear-10-3, got "fast"`,
    );
  });

  test.each([443, 80, 0, 65536, 9443.5])("testListenerPort %p", (testListenerPort) => {
    expect(errorOf(() => ({ ...OWN_LB, deployment: { type: "blue-green", testListenerPort } }))).toBe(
      `${API}: 'deployment.testListenerPort' must be a whole number from 1 to 65535 other than 80 and 443, got ${testListenerPort}`,
    );
  });

  test.each([-1, 2881, 1.5])("terminationWaitMinutes %p", (terminationWaitMinutes) => {
    expect(errorOf(() => ({ ...OWN_LB, deployment: { type: "blue-green", terminationWaitMinutes } }))).toBe(
      `${API}: 'deployment.terminationWaitMinutes' must be a whole number from 0 to 2880, got ${terminationWaitMinutes}`,
    );
  });

  test("ciOwnsTaskDefinition: false", () => {
    expect(errorOf(() => ({ ...OWN_LB, deployment: { type: "blue-green" }, ciOwnsTaskDefinition: false }))).toBe(
      `${API}: 'ciOwnsTaskDefinition' cannot be false with blue-green deployments: CodeDeploy owns the task definition`,
    );
  });
});
