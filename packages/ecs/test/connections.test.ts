// The service's `connections` (and the EC2 instances'): allowFrom writes the ingress rule on one
// group and the matching egress rule on the peer's; allowFromCidr and allowToCidr write one rule.
import type { SynthesizedStack } from "@platform/core";
import type { Port } from "@platform/vpc";
import { ContainerImage, type EcsService } from "../src";
import { GENERAL_CAPACITY, STACK_PATH, addService, at, fixture, refAt, ruleShape, rulesOf, synth, unchecked, validationErrorOf } from "./support";

describe("between two services", () => {
  let out: SynthesizedStack;
  beforeAll(() => {
    const f = fixture();
    const api = addService(f, "Api");
    const worker = addService(f, "Worker", { container: { image: ContainerImage.fromRepository(f.repository, "v1") } });
    api.connections!.allowFrom({ connections: worker.connections! }, 8080, "the worker calls the API");
    api.connections!.allowFromCidr("10.50.0.0/16", { from: 9000, to: 9001 }, "the office VPN");
    worker.connections!.allowToCidr("10.60.0.0/24", 5432, "PostgreSQL");
    out = synth(f.stack).out;
  });

  test("allowFrom: ingress on the service from the peer's group", () => {
    expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", "Api/SecurityGroup").map(ruleShape)).toContainEqual({
      ip_protocol: "tcp",
      from_port: 8080,
      to_port: 8080,
      referenced_security_group_id: refAt(out, "aws_security_group", "Worker/SecurityGroup"),
    });
  });

  test("allowFrom: the matching egress on the peer", () => {
    expect(rulesOf(out, "aws_vpc_security_group_egress_rule", "Worker/SecurityGroup").map(ruleShape)).toContainEqual({
      ip_protocol: "tcp",
      from_port: 8080,
      to_port: 8080,
      referenced_security_group_id: refAt(out, "aws_security_group", "Api/SecurityGroup"),
    });
  });

  test("the rules are keyed by the peer's path and the ports, and carry the description", () => {
    expect(at(out, "aws_vpc_security_group_ingress_rule", "Api/SecurityGroup/From-test-unit-Worker-SecurityGroup-8080-8080").resource.description).toBe("the worker calls the API");
    expect(at(out, "aws_vpc_security_group_egress_rule", "Worker/SecurityGroup/To-test-unit-Api-SecurityGroup-8080-8080").resource.description).toBe("the worker calls the API");
  });

  test("allowFromCidr: one ingress rule for a range of ports", () => {
    expect(at(out, "aws_vpc_security_group_ingress_rule", "Api/SecurityGroup/From-10-50-0-0-16-9000-9001").resource).toMatchObject({
      security_group_id: refAt(out, "aws_security_group", "Api/SecurityGroup"),
      cidr_ipv4: "10.50.0.0/16",
      ip_protocol: "tcp",
      from_port: 9000,
      to_port: 9001,
      description: "the office VPN",
    });
  });

  test("allowToCidr: one egress rule, next to HTTPS", () => {
    expect(rulesOf(out, "aws_vpc_security_group_egress_rule", "Worker/SecurityGroup").map(ruleShape)).toEqual([
      { ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0" },
      { ip_protocol: "tcp", from_port: 5432, to_port: 5432, cidr_ipv4: "10.60.0.0/24" },
      { ip_protocol: "tcp", from_port: 8080, to_port: 8080, referenced_security_group_id: refAt(out, "aws_security_group", "Api/SecurityGroup") },
    ]);
  });

  test("nothing else changed: the API admits the worker and the range only", () => {
    expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", "Api/SecurityGroup")).toHaveLength(2);
    expect(rulesOf(out, "aws_vpc_security_group_egress_rule", "Api/SecurityGroup")).toHaveLength(1);
  });
});

test("the EC2 instances' connections take rules like a service's", () => {
  const f = fixture({ cluster: { ec2Capacity: GENERAL_CAPACITY } });
  const api = addService(f);
  f.cluster.instanceConnections("general")!.allowFrom({ connections: api.connections! }, 2049, "NFS from the API, for the test");
  const out = synth(f.stack).out;
  expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", "Cluster/Ec2Capacity/general/SecurityGroup").map(ruleShape)).toEqual([
    { ip_protocol: "tcp", from_port: 2049, to_port: 2049, referenced_security_group_id: refAt(out, "aws_security_group", "Api/SecurityGroup") },
  ]);
});

describe("port errors", () => {
  let api: EcsService;
  let other: EcsService;
  beforeEach(() => {
    const f = fixture();
    api = addService(f);
    other = addService(f, "Other");
  });
  const PATH = `${STACK_PATH}/Api/SecurityGroup`;

  test.each<[Port, string]>([
    [70000, "70000"],
    [-1, "-1"],
    [80.5, "80.5"],
    [{ from: 9000, to: 8000 }, '{"from":9000,"to":8000}'],
    [{ from: 0, to: 65536 }, '{"from":0,"to":65536}'],
  ])("%j", (port, shown) => {
    const message = `${PATH}: a port must be a whole number from 0 to 65535 (or a from-to range within it), got ${shown}`;
    expect(validationErrorOf(() => api.connections!.allowFromCidr("10.0.0.0/8", port, "x")).message).toBe(message);
    expect(validationErrorOf(() => api.connections!.allowToCidr("10.0.0.0/8", port, "x")).message).toBe(message);
    expect(validationErrorOf(() => api.connections!.allowFrom({ connections: other.connections! }, port, "x")).message).toBe(message);
  });

  test("a port that is not a number", () => {
    expect(validationErrorOf(() => api.connections!.allowToCidr("10.0.0.0/8", unchecked("443"), "x")).message).toBe(
      `${PATH}: a port must be a whole number from 0 to 65535 (or a from-to range within it), got "443"`,
    );
  });
});
