// Service Connect: the cluster's Cloud Map HTTP namespace (`serviceConnectNamespace`) and the
// services that register in it (`serviceConnect`), with every error message.
import type { SynthesizedStack } from "@platform/core";
import { ContainerImage, EcsCluster, type EcsServiceProps } from "../src";
import {
  GENERAL_CAPACITY,
  STACK_PATH,
  addService,
  bodyAt,
  containersOf,
  count,
  fixture,
  messageOf,
  refAt,
  rulesOf,
  sharedFixture,
  synth,
  type FixtureOptions,
} from "./support";

const NAMESPACE = "dev.internal";
const WITH_NAMESPACE: FixtureOptions = { cluster: { serviceConnectNamespace: NAMESPACE } };
const API = `${STACK_PATH}/Api`;

const namespaceArn = (out: SynthesizedStack) => refAt(out, "aws_service_discovery_http_namespace", "Cluster/Namespace", "arn");

describe("the cluster's namespace", () => {
  let out: SynthesizedStack;
  let cluster: EcsCluster;
  beforeAll(() => {
    const f = fixture(WITH_NAMESPACE);
    cluster = f.cluster;
    out = synth(f.stack, { arn: f.cluster.serviceConnectNamespaceArn }).out;
  });

  test("a Cloud Map HTTP namespace with the name", () => {
    expect(bodyAt(out, "aws_service_discovery_http_namespace", "Cluster/Namespace")).toEqual({
      name: NAMESPACE,
      description: "Service Connect of cluster test-cluster",
      tags: { Name: "test-cluster" },
    });
    expect(count(out, "aws_service_discovery_http_namespace")).toBe(1);
  });

  test("the cluster's Service Connect defaults name it by ARN", () => {
    expect(bodyAt(out, "aws_ecs_cluster", "Cluster").service_connect_defaults).toEqual({ namespace: namespaceArn(out) });
  });

  test("serviceConnectNamespaceArn is its ARN", () => {
    expect(out.output?.arn?.value).toBe(namespaceArn(out));
    expect(cluster.serviceConnectNamespaceArn).toBeDefined();
  });
});

test("without serviceConnectNamespace: no namespace and no Service Connect defaults", () => {
  const f = fixture();
  const out = synth(f.stack).out;
  expect(f.cluster.serviceConnectNamespaceArn).toBeUndefined();
  expect(count(out, "aws_service_discovery_http_namespace")).toBe(0);
  expect(bodyAt(out, "aws_ecs_cluster", "Cluster").service_connect_defaults).toBeUndefined();
});

test.each(["a", "internal", "prod.acme.internal", `${"a".repeat(63)}.internal`, "x-1.y-2", [63, 63, 63, 61].map((n) => "a".repeat(n)).join(".")])("namespace %j is accepted", (name) => {
  const f = fixture({ cluster: { serviceConnectNamespace: name } });
  expect(bodyAt(synth(f.stack).out, "aws_service_discovery_http_namespace", "Cluster/Namespace").name).toBe(name);
});

test.each([
  "Dev.internal",
  "dev..internal",
  "-dev.internal",
  "dev-.internal",
  "dev.internal.",
  "dev_internal",
  "dev internal",
  "",
  `${"a".repeat(64)}.internal`,
  [1, 2, 3, 4].map(() => "a".repeat(63)).join("."),
])("namespace %j is refused", (name) => {
  expect(messageOf(sharedFixture(), (f) => new EcsCluster(f.stack, "Other", { serviceConnectNamespace: name }), ["Other"])).toBe(
    `${STACK_PATH}/Other: 'serviceConnectNamespace' must be a DNS-style name such as dev.internal, got ${JSON.stringify(name)}`,
  );
});

describe("a service in Service Connect", () => {
  let out: SynthesizedStack;
  beforeAll(() => {
    const f = fixture(WITH_NAMESPACE);
    addService(f, "Api", { serviceConnect: {} });
    addService(f, "Plain");
    out = synth(f.stack).out;
  });

  test("its port mapping is named app, with the http protocol", () => {
    expect(containersOf(out, "Api")[0].portMappings).toEqual([{ containerPort: 8080, hostPort: 8080, protocol: "tcp", name: "app", appProtocol: "http" }]);
  });

  test("the service registers in the cluster's namespace as <service name>, callable at <service name>:<port>, with the proxy's logs in the service's log group", () => {
    expect(bodyAt(out, "aws_ecs_service", "Api").service_connect_configuration).toEqual({
      enabled: true,
      namespace: namespaceArn(out),
      service: [{ port_name: "app", discovery_name: "test-api", client_alias: { port: 8080, dns_name: "test-api" } }],
      log_configuration: {
        log_driver: "awslogs",
        options: {
          "awslogs-group": refAt(out, "aws_cloudwatch_log_group", "Api/Logs", "name"),
          "awslogs-region": "eu-west-1",
          "awslogs-stream-prefix": "service-connect",
        },
      },
    });
  });

  test("the log group is the service's own: /aws/ecs/<cluster>/<service>", () => {
    expect(bodyAt(out, "aws_cloudwatch_log_group", "Api/Logs").name).toBe(`/aws/ecs/${refAt(out, "aws_ecs_cluster_capacity_providers", "Cluster/CapacityProviders", "cluster_name")}/test-api`);
  });

  test("a service without serviceConnect on the same cluster: no Service Connect configuration, no port name", () => {
    expect(bodyAt(out, "aws_ecs_service", "Plain").service_connect_configuration).toBeUndefined();
    expect(containersOf(out, "Plain")[0].portMappings).toEqual([{ containerPort: 8080, hostPort: 8080, protocol: "tcp" }]);
  });

  test("Service Connect adds no security group rule: callers still need allowFrom", () => {
    expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", "Api/SecurityGroup")).toEqual([]);
    expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", "Plain/SecurityGroup")).toEqual([]);
  });
});

test("discoveryName is the name in the namespace and the client alias", () => {
  const f = fixture(WITH_NAMESPACE);
  addService(f, "Api", { serviceConnect: { discoveryName: "orders" }, container: { image: ContainerImage.fromRepository(f.repository, "v1"), port: 3000 } });
  const out = synth(f.stack).out;
  const config = bodyAt(out, "aws_ecs_service", "Api").service_connect_configuration as { service: unknown[] };
  expect(config.service).toEqual([{ port_name: "app", discovery_name: "orders", client_alias: { port: 3000, dns_name: "orders" } }]);
  expect(containersOf(out, "Api")[0].portMappings).toEqual([{ containerPort: 3000, hostPort: 3000, protocol: "tcp", name: "app", appProtocol: "http" }]);
});

test.each(["a", "orders-v2", "0rders", "a".repeat(63)])("discoveryName %j is accepted", (discoveryName) => {
  const f = fixture(WITH_NAMESPACE);
  addService(f, "Api", { serviceConnect: { discoveryName } });
  const config = bodyAt(synth(f.stack).out, "aws_ecs_service", "Api").service_connect_configuration as { service: Record<string, unknown>[] };
  expect(config.service[0]).toMatchObject({ discovery_name: discoveryName, client_alias: { dns_name: discoveryName } });
});

test("a service on the cluster's EC2 capacity in awsvpc registers too", () => {
  const f = fixture({ cluster: { serviceConnectNamespace: NAMESPACE, ec2Capacity: GENERAL_CAPACITY } });
  addService(f, "Api", { launch: "ec2", capacityProviderStrategy: [{ capacityProvider: "general" }], serviceConnect: {} });
  const out = synth(f.stack).out;
  expect(bodyAt(out, "aws_ecs_service", "Api").service_connect_configuration).toMatchObject({ enabled: true, namespace: namespaceArn(out) });
  expect(containersOf(out, "Api")[0].portMappings).toEqual([{ containerPort: 8080, hostPort: 8080, protocol: "tcp", name: "app", appProtocol: "http" }]);
});

test("two services share the namespace, each under its own name", () => {
  const f = fixture(WITH_NAMESPACE);
  addService(f, "Api", { serviceConnect: {} });
  addService(f, "Web", { serviceConnect: {} });
  const out = synth(f.stack).out;
  for (const [path, name] of [
    ["Api", "test-api"],
    ["Web", "test-web"],
  ]) {
    expect(bodyAt(out, "aws_ecs_service", path).service_connect_configuration).toMatchObject({ namespace: namespaceArn(out), service: [{ discovery_name: name }] });
  }
});

describe("errors", () => {
  /** The message of building service `Api` with these props, on a fixture shared by the tests with the same options. */
  function errorOf(overrides: (f: ReturnType<typeof sharedFixture>) => Partial<EcsServiceProps>, options: FixtureOptions = WITH_NAMESPACE): string {
    return messageOf(sharedFixture(options), (f) => addService(f, "Api", overrides(f)));
  }

  test("a cluster without a namespace", () => {
    expect(errorOf(() => ({ serviceConnect: {} }), {})).toBe(`${API}: 'serviceConnect' needs a cluster with a Service Connect namespace ('serviceConnectNamespace')`);
  });

  test("no container.port", () => {
    expect(errorOf((f) => ({ serviceConnect: {}, container: { image: ContainerImage.fromRepository(f.repository, "v1") } }))).toBe(
      `${API}: 'serviceConnect' needs 'container.port': the port other services call`,
    );
  });

  test.each(["bridge", "host"] as const)("%s networking on EC2", (networkMode) => {
    expect(
      errorOf(() => ({ serviceConnect: {}, launch: "ec2", networkMode, capacityProviderStrategy: [{ capacityProvider: "general" }] }), {
        cluster: { serviceConnectNamespace: NAMESPACE, ec2Capacity: GENERAL_CAPACITY },
      }),
    ).toBe(`${API}: 'serviceConnect' needs awsvpc networking, got "${networkMode}"`);
  });

  test("a service name that cannot be a discovery name, when none is given", () => {
    expect(errorOf(() => ({ serviceName: "Orders_Api", serviceConnect: {} }))).toBe(
      `${API}: 'serviceConnect.discoveryName' must be a DNS label of at most 63 lower-case letters, digits and - (it defaults to the service name), got "Orders_Api"`,
    );
  });

  test.each(["Orders", "orders_v2", "-orders", "orders-", "orders.v2", "", "a".repeat(64)])("discoveryName %j", (discoveryName) => {
    expect(errorOf(() => ({ serviceConnect: { discoveryName } }))).toBe(
      `${API}: 'serviceConnect.discoveryName' must be a DNS label of at most 63 lower-case letters, digits and - (it defaults to the service name), got ${JSON.stringify(discoveryName)}`,
    );
  });
});
