// One test per error message a KubernetesWorkload throws. Each compares the whole message,
// including the construct path prefix: a workload with id `Api` in `testStack()` reports
// `test-unit/Api: ...`.
import { Construct } from "constructs";
import { testStack, unchecked, validationErrorOf } from "@platform/core";
import { KubernetesWorkload, type KubernetesWorkloadProps, type WorkloadIngress } from "../src/kubernetes-workload";

const API = "test-unit/Api";
const DNS_LABEL = "a DNS label: 1-63 lower-case letters, digits and -, starting with a letter and ending with a letter or digit";
const CERTIFICATE_ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789";
const INGRESS: WorkloadIngress = { internetFacing: true, host: "api.example.com", certificateArn: CERTIFICATE_ARN };

/** The message of building workload `Api` (name `api`, port 8080) with `overrides`. */
function errorOf(overrides: Partial<KubernetesWorkloadProps>): string {
  const stack = testStack();
  return validationErrorOf(() => new KubernetesWorkload(stack, "Api", { name: "api", image: "example.com/api:v1", port: 8080, cpu: 256, memoryMiB: 512, ...overrides })).message;
}

test("the path of a workload in a nested scope prefixes its messages", () => {
  const stack = testStack();
  const error = validationErrorOf(() => new KubernetesWorkload(new Construct(stack, "Team"), "Api", { name: "api", image: "example.com/api:v1", cpu: 100, memoryMiB: 512 }));
  expect(error.constructPath).toBe("test-unit/Team/Api");
  expect(error.message).toBe("test-unit/Team/Api: 'cpu' must be a whole number of CPU units (1024 = 1 vCPU) from 128 to 196608, got 100");
});

describe("names", () => {
  test.each(["Api", "1api", "api-", "my_api", "api.v2", "", "a".repeat(64)])("name %j", (name) => {
    expect(errorOf({ name })).toBe(`${API}: 'name' must be ${DNS_LABEL}, got ${JSON.stringify(name)}`);
  });

  test.each(["Shared", "kube_system", "-ns", ""])("namespace %j", (namespace) => {
    expect(errorOf({ namespace })).toBe(`${API}: 'namespace' must be ${DNS_LABEL}, got ${JSON.stringify(namespace)}`);
  });

  test.each(["", "example.com/api v1"])("image %j", (image) => {
    expect(errorOf({ image })).toBe(`${API}: 'image' must be a container image reference without spaces, got ${JSON.stringify(image)}`);
  });

  test.each(["app.kubernetes.io/name", "app.kubernetes.io/managed-by", "pod-security.kubernetes.io/enforce"])("labels %s", (key) => {
    expect(errorOf({ labels: { team: "payments", [key]: "x" } })).toBe(`${API}: 'labels.${key}' is set by the workload; remove it`);
  });
});

describe("numbers", () => {
  test.each([0, 65536, 80.5, -1])("port %p", (port) => {
    expect(errorOf({ port })).toBe(`${API}: 'port' must be a whole number from 1 to 65535, got ${port}`);
  });

  test.each([127, 196609, 256.5])("cpu %p", (cpu) => {
    expect(errorOf({ cpu })).toBe(`${API}: 'cpu' must be a whole number of CPU units (1024 = 1 vCPU) from 128 to 196608, got ${cpu}`);
  });

  test.each([127, 983041, 512.5])("memoryMiB %p", (memoryMiB) => {
    expect(errorOf({ memoryMiB })).toBe(`${API}: 'memoryMiB' must be a whole number from 128 to 983040, got ${memoryMiB}`);
  });

  test.each([-1, 1001, 1.5])("replicas %p", (replicas) => {
    expect(errorOf({ replicas })).toBe(`${API}: 'replicas' must be a whole number from 0 to 1000, got ${replicas}`);
  });

  test("a string where a number belongs", () => {
    expect(errorOf({ cpu: unchecked("256") })).toBe(`${API}: 'cpu' must be a whole number of CPU units (1024 = 1 vCPU) from 128 to 196608, got "256"`);
  });
});

describe("the container", () => {
  test.each(["1PORT", "LOG-LEVEL", "MY VAR", ""])("environment name %j", (name) => {
    expect(errorOf({ environment: { PORT: "8080", [name]: "x" } })).toBe(`${API}: 'environment' names must be letters, digits and _, not starting with a digit, got ${JSON.stringify(name)}`);
  });

  test.each(["healthz", "", "http://example.com/healthz"])("healthCheckPath %j", (healthCheckPath) => {
    expect(errorOf({ healthCheckPath })).toBe(`${API}: 'healthCheckPath' must start with "/", got ${JSON.stringify(healthCheckPath)}`);
  });

  test.each(["api", "arn:aws:iam::123456789012:user/api", "arn:aws:iam::1234:role/api"])("irsaRoleArn %j", (irsaRoleArn) => {
    expect(errorOf({ irsaRoleArn })).toBe(`${API}: 'irsaRoleArn' must be an IAM role ARN such as arn:aws:iam::123456789012:role/api, got ${JSON.stringify(irsaRoleArn)}`);
  });
});

describe("autoscaling", () => {
  test.each([0, 1001, 1.5])("min %p", (min) => {
    expect(errorOf({ autoscaling: { min, max: 1000, targetCpuPercent: 70 } })).toBe(`${API}: 'autoscaling.min' must be a whole number from 1 to 1000, got ${min}`);
  });

  test.each([0, 1001, 2.5])("max %p", (max) => {
    expect(errorOf({ autoscaling: { min: 1, max, targetCpuPercent: 70 } })).toBe(`${API}: 'autoscaling.max' must be a whole number from 1 to 1000, got ${max}`);
  });

  test("min above max", () => {
    expect(errorOf({ autoscaling: { min: 5, max: 3, targetCpuPercent: 70 } })).toBe(`${API}: 'autoscaling.min' must be at most 'autoscaling.max' (3), got 5`);
  });

  test("no target", () => {
    expect(errorOf({ autoscaling: { min: 2, max: 4 } })).toBe(`${API}: 'autoscaling' needs 'targetCpuPercent' or 'targetMemoryPercent': the utilization the autoscaler keeps`);
  });

  test.each([0, 101, 50.5])("targetCpuPercent %p", (targetCpuPercent) => {
    expect(errorOf({ autoscaling: { min: 2, max: 4, targetCpuPercent } })).toBe(`${API}: 'autoscaling.targetCpuPercent' must be a whole number from 1 to 100, got ${targetCpuPercent}`);
  });

  test.each([0, 101, 50.5])("targetMemoryPercent %p", (targetMemoryPercent) => {
    expect(errorOf({ autoscaling: { min: 2, max: 4, targetMemoryPercent } })).toBe(`${API}: 'autoscaling.targetMemoryPercent' must be a whole number from 1 to 100, got ${targetMemoryPercent}`);
  });
});

describe("ingress", () => {
  test("without a port", () => {
    expect(errorOf({ port: undefined, ingress: INGRESS })).toBe(`${API}: 'ingress' needs 'port': the port the load balancer sends traffic to`);
  });

  test.each(["api", "API.example.com", "api..example.com", "-api.example.com", "api.example.com.", "https://api.example.com"])("host %j", (host) => {
    expect(errorOf({ ingress: { ...INGRESS, host } })).toBe(`${API}: 'ingress.host' must be a DNS name such as api.example.com, got ${JSON.stringify(host)}`);
  });

  test.each(["Test-Public", "test_public", "-test", "a".repeat(64)])("groupName %j", (groupName) => {
    expect(errorOf({ ingress: { ...INGRESS, groupName } })).toBe(
      `${API}: 'ingress.groupName' must be 1-63 lower-case letters, digits, - and ., starting and ending with a letter or digit, got ${JSON.stringify(groupName)}`,
    );
  });

  test.each([
    ["internal, none", false, undefined, "undefined"],
    ["internal, empty", false, [], "[]"],
    ["internet-facing, empty", true, [], "[]"],
  ])("inboundCidrs: %s", (_, internetFacing, inboundCidrs, shown) => {
    expect(errorOf({ ingress: { ...INGRESS, internetFacing: internetFacing as boolean, inboundCidrs: inboundCidrs as string[] | undefined } })).toBe(
      `${API}: 'ingress.inboundCidrs' must list at least one IPv4 CIDR (it is required for an internal ingress), got ${shown}`,
    );
  });

  test.each(["10.0.0.0", "10.0.0.1/16", "10.0.0.0/33", "256.0.0.0/8", "2001:db8::/32"])("an inboundCidrs entry %j", (cidr) => {
    expect(errorOf({ ingress: { ...INGRESS, internetFacing: false, inboundCidrs: ["10.0.0.0/16", cidr] } })).toBe(
      `${API}: 'ingress.inboundCidrs[1]' must be an IPv4 CIDR such as 10.0.0.0/16, got ${JSON.stringify(cidr)}`,
    );
  });
});

describe("network policy", () => {
  test.each(["10.0.0.0", "10.0.0.1/16", "0.0.0.0/-1", "any"])("an allowFromCidrs entry %j", (cidr) => {
    expect(errorOf({ networkPolicy: { allowFromCidrs: [cidr] } })).toBe(`${API}: 'networkPolicy.allowFromCidrs[0]' must be an IPv4 CIDR such as 10.0.0.0/16, got ${JSON.stringify(cidr)}`);
  });

  test.each(["Web", "web_ui", ""])("an allowFromNamespaces entry %j", (namespace) => {
    expect(errorOf({ networkPolicy: { allowFromNamespaces: ["jobs", namespace] } })).toBe(
      `${API}: 'networkPolicy.allowFromNamespaces[1]' must be ${DNS_LABEL}, got ${JSON.stringify(namespace)}`,
    );
  });
});
