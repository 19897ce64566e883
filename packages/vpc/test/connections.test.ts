import { TerraformVariable } from "cdktf";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { synthesizeStack, testStack } from "@platform/core";
import { Connections } from "../src";

function group(id: string) {
  const stack = testStack();
  const sg = new SecurityGroup(stack, id, { name: id, description: id, vpcId: "vpc-1" });
  return { stack, connections: new Connections(sg, sg.id) };
}

describe("Connections", () => {
  test("allowFrom writes the ingress on this group and the matching egress on the peer's", () => {
    const { stack, connections } = group("Service");
    const lbGroup = new SecurityGroup(stack, "Lb", { name: "lb", description: "lb", vpcId: "vpc-1" });
    connections.allowFrom({ connections: new Connections(lbGroup, lbGroup.id) }, 8080, "from the load balancer");
    const out = synthesizeStack(stack);
    const [ingress] = Object.values(out.resource!.aws_vpc_security_group_ingress_rule);
    const [egress] = Object.values(out.resource!.aws_vpc_security_group_egress_rule);
    expect(ingress).toMatchObject({ from_port: 8080, to_port: 8080, ip_protocol: "tcp", description: "from the load balancer" });
    expect(String(ingress.security_group_id)).toContain("aws_security_group.Service");
    expect(String(ingress.referenced_security_group_id)).toContain("aws_security_group.Lb");
    expect(String(egress.security_group_id)).toContain("aws_security_group.Lb");
    expect(String(egress.referenced_security_group_id)).toContain("aws_security_group.Service");
  });

  test("allowFromCidr and allowToCidr are keyed by range and port", () => {
    const { stack, connections } = group("Service");
    connections.allowFromCidr("10.0.0.0/16", 443, "https in");
    connections.allowToCidr("0.0.0.0/0", { from: 32768, to: 65535 }, "ephemeral out");
    const out = synthesizeStack(stack);
    expect(Object.keys(out.resource!.aws_vpc_security_group_ingress_rule)[0]).toMatch(/^Service_From-10-0-0-0-16-443-443_/);
    expect(Object.values(out.resource!.aws_vpc_security_group_egress_rule)[0]).toMatchObject({ cidr_ipv4: "0.0.0.0/0", from_port: 32768, to_port: 65535 });
  });

  test("a range only known at apply time needs a key", () => {
    const { stack, connections } = group("Service");
    const cidr = new TerraformVariable(stack, "cidr", { type: "string" }).stringValue;
    expect(() => connections.allowFromCidr(cidr, 443, "https")).toThrow(
      "test-unit/Service: a range only known at apply time needs a 'key' for its rule (the rule's id, which must be stable)",
    );
    connections.allowFromCidr(cidr, 443, "https", "vpc-range");
    expect(Object.keys(synthesizeStack(stack).resource!.aws_vpc_security_group_ingress_rule)[0]).toMatch(/^Service_From-vpc-range-443-443_/);
  });

  test.each([[-1], [65536], [{ from: 10, to: 5 }], [1.5]])("a port that is not one: %j", (port) => {
    const { connections } = group("Service");
    expect(() => connections.allowFromCidr("10.0.0.0/16", port, "x")).toThrow(
      `test-unit/Service: a port must be a whole number from 0 to 65535 (or a from-to range within it), got ${JSON.stringify(port)}`,
    );
  });
});
