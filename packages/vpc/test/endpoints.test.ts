import { AZ_A, AZ_B, count, findOne, ref, resources, single, subnetOf, synthVpc, tagsOf } from "./support";
import type { SynthesizedStack } from "@platform/core";

function endpoint(out: SynthesizedStack, service: string) {
  return findOne(out, "aws_vpc_endpoint", (e) => e.service_name === `com.amazonaws.eu-west-1.${service}`);
}

function allRouteTableRefs(out: SynthesizedStack): string[] {
  return Object.keys(resources(out, "aws_route_table"))
    .map((name) => ref("aws_route_table", name))
    .sort();
}

describe("gatewayEndpoints", () => {
  test("s3 and dynamodb: Gateway endpoints in the VPC, each attached to every route table (intra included)", () => {
    const { out } = synthVpc({ gatewayEndpoints: ["s3", "dynamodb"], subnetTiers: ["public", "private", "intra"] });
    const vpc = single(out, "aws_vpc");
    expect(count(out, "aws_vpc_endpoint")).toBe(2);
    for (const service of ["s3", "dynamodb"]) {
      const { resource, name } = endpoint(out, service);
      expect(name).toMatch(new RegExp(`^Vpc_Endpoints_${service}_`));
      expect(resource.vpc_endpoint_type).toBe("Gateway");
      expect(resource.vpc_id).toBe(ref("aws_vpc", vpc.name));
      expect([...(resource.route_table_ids as string[])].sort()).toEqual(allRouteTableRefs(out));
      expect((resource.route_table_ids as string[]).length).toBe(6);
      expect(tagsOf(resource).Name).toBe(`test-vpc-${service}`);
      expect(resource.subnet_ids).toBeUndefined();
      expect(resource.private_dns_enabled).toBeUndefined();
    }
  });

  test("dynamodb alone replaces the s3 default", () => {
    const { out } = synthVpc({ gatewayEndpoints: ["dynamodb"] });
    expect(Object.values(resources(out, "aws_vpc_endpoint")).map((e) => e.service_name)).toEqual(["com.amazonaws.eu-west-1.dynamodb"]);
  });

  test("[] turns gateway endpoints off", () => {
    const { out } = synthVpc({ gatewayEndpoints: [] });
    expect(count(out, "aws_vpc_endpoint")).toBe(0);
    expect(count(out, "aws_security_group")).toBe(0);
  });
});

describe("interfaceEndpoints", () => {
  const services = ["ecr.api", "ecr.dkr", "sts", "logs"] as const;
  const { out, vpc, outputs } = synthVpc({ interfaceEndpoints: [...services], gatewayEndpoints: [] }, (v) => ({ sg: v.endpointSecurityGroupId }));
  const sg = single(out, "aws_security_group");

  test("one Interface endpoint per service, named com.amazonaws.<region>.<service>, with private DNS", () => {
    expect(count(out, "aws_vpc_endpoint")).toBe(services.length);
    for (const service of services) {
      const { resource, name } = endpoint(out, service);
      expect(name).toMatch(/^Vpc_Endpoints_/);
      expect(resource.vpc_endpoint_type).toBe("Interface");
      expect(resource.private_dns_enabled).toBe(true);
      expect(resource.vpc_id).toBe(ref("aws_vpc", single(out, "aws_vpc").name));
      expect(resource.route_table_ids).toBeUndefined();
      expect(tagsOf(resource).Name).toBe(`test-vpc-${service}`);
    }
  });

  test("they are in the private subnets, in zone order, behind the endpoint security group", () => {
    const privateSubnets = [AZ_A, AZ_B].map((z) => ref("aws_subnet", subnetOf(out, "private", z).name));
    for (const service of services) {
      const { resource } = endpoint(out, service);
      expect(resource.subnet_ids).toEqual(privateSubnets);
      expect(resource.security_group_ids).toEqual([ref("aws_security_group", sg.name)]);
    }
  });

  test("the endpoint security group is in the VPC and replaced before it is destroyed", () => {
    expect(sg.resource.vpc_id).toBe(ref("aws_vpc", single(out, "aws_vpc").name));
    expect(sg.resource.name).toBe("test-vpc-endpoints");
    expect(sg.resource.lifecycle).toEqual({ create_before_destroy: true });
    expect(sg.resource.ingress).toBeUndefined();
    expect(sg.resource.egress).toBeUndefined();
  });

  test("the security group has exactly one ingress rule, TCP 443 from the VPC range, and no egress rule", () => {
    const rule = single(out, "aws_vpc_security_group_ingress_rule");
    expect(rule.resource).toEqual(
      expect.objectContaining({
        security_group_id: ref("aws_security_group", sg.name),
        ip_protocol: "tcp",
        from_port: 443,
        to_port: 443,
        cidr_ipv4: "10.0.0.0/16",
      }),
    );
    expect(rule.resource.cidr_ipv6).toBeUndefined();
    expect(rule.resource.referenced_security_group_id).toBeUndefined();
    expect(count(out, "aws_vpc_security_group_egress_rule")).toBe(0);
    expect(count(out, "aws_security_group_rule")).toBe(0);
  });

  test("endpointSecurityGroupId is the endpoint security group", () => {
    expect(outputs.sg).toBe(ref("aws_security_group", sg.name));
    expect(vpc.endpointSecurityGroupId).toBeDefined();
  });

  test("gateway endpoints (the s3 default) and interface endpoints live side by side", () => {
    const both = synthVpc({ interfaceEndpoints: ["sts"] }).out;
    expect(endpoint(both, "s3").resource.vpc_endpoint_type).toBe("Gateway");
    expect(endpoint(both, "sts").resource.vpc_endpoint_type).toBe("Interface");
  });

  test("with no private tier they go in the intra subnets", () => {
    const { out: intra } = synthVpc({ subnetTiers: ["public", "intra"], natGateways: "none", interfaceEndpoints: ["ssm"] });
    expect(endpoint(intra, "ssm").resource.subnet_ids).toEqual([AZ_A, AZ_B].map((z) => ref("aws_subnet", subnetOf(intra, "intra", z).name)));
  });

  test("with both private and intra tiers they go in the private subnets", () => {
    const { out: both } = synthVpc({ subnetTiers: ["public", "private", "intra"], interfaceEndpoints: ["ssm"] });
    expect(endpoint(both, "ssm").resource.subnet_ids).toEqual([AZ_A, AZ_B].map((z) => ref("aws_subnet", subnetOf(both, "private", z).name)));
  });

  test("the ingress rule follows the VPC range", () => {
    const { out: other } = synthVpc({ cidrBlock: "172.20.0.0/18", interfaceEndpoints: ["sts"] });
    expect(single(other, "aws_vpc_security_group_ingress_rule").resource.cidr_ipv4).toBe("172.20.0.0/18");
  });

  test("without interface endpoints there is no security group, no rule, and no endpointSecurityGroupId", () => {
    for (const props of [{}, { interfaceEndpoints: [] }, { gatewayEndpoints: [], interfaceEndpoints: [] }]) {
      const { out: none, vpc: plain } = synthVpc(props);
      expect(count(none, "aws_security_group")).toBe(0);
      expect(count(none, "aws_vpc_security_group_ingress_rule")).toBe(0);
      expect(plain.endpointSecurityGroupId).toBeUndefined();
    }
  });
});
