import { AZ_A, AZ_B, AZ_C, count, findOne, ref, resources, routesOf, single, subnetOf, synthVpc } from "./support";
import type { SynthesizedStack } from "@platform/core";

const ZONES = [AZ_A, AZ_B, AZ_C];

/** The zone of the public subnet a NAT gateway is in. */
function natZone(out: SynthesizedStack, nat: Record<string, unknown>): string {
  const subnet = findOne(out, "aws_subnet", (_, name) => nat.subnet_id === ref("aws_subnet", name));
  return subnet.resource.availability_zone as string;
}

describe('natGateways "none"', () => {
  const { out, vpc } = synthVpc({ availabilityZones: ZONES, natGateways: "none" });

  test("creates no NAT gateway and no EIP", () => {
    expect(count(out, "aws_nat_gateway")).toBe(0);
    expect(count(out, "aws_eip")).toBe(0);
    expect(vpc.natGateways).toEqual({});
  });

  test("private route tables have no default route (no route at all)", () => {
    for (const zone of ZONES) expect(routesOf(out, "private", zone)).toEqual([]);
  });

  test("public route tables still route to the internet gateway", () => {
    const igw = single(out, "aws_internet_gateway");
    for (const zone of ZONES) {
      expect(routesOf(out, "public", zone)).toEqual([
        expect.objectContaining({ destination_cidr_block: "0.0.0.0/0", gateway_id: ref("aws_internet_gateway", igw.name) }),
      ]);
    }
  });

  test("is allowed without a public tier: no internet gateway and no route at all", () => {
    const { out: closed } = synthVpc({ subnetTiers: ["private", "intra"], natGateways: "none" });
    expect(count(closed, "aws_internet_gateway")).toBe(0);
    expect(count(closed, "aws_route")).toBe(0);
    expect(count(closed, "aws_nat_gateway")).toBe(0);
  });
});

describe('natGateways "single"', () => {
  test("one NAT gateway and one EIP, in the public subnet of the first zone", () => {
    const { out, vpc } = synthVpc({ availabilityZones: ZONES, natGateways: "single" });
    expect(count(out, "aws_nat_gateway")).toBe(1);
    expect(count(out, "aws_eip")).toBe(1);
    const nat = single(out, "aws_nat_gateway");
    expect(nat.resource.subnet_id).toBe(ref("aws_subnet", subnetOf(out, "public", AZ_A).name));
    expect(nat.resource.allocation_id).toBe(ref("aws_eip", single(out, "aws_eip").name, "allocation_id"));
    expect(single(out, "aws_eip").resource.domain).toBe("vpc");
    expect(Object.keys(vpc.natGateways)).toEqual([AZ_A]);
  });

  test("the first zone is the first listed, not the first letter", () => {
    const { out } = synthVpc({ availabilityZones: [AZ_C, AZ_A, AZ_B], natGateways: "single" });
    expect(natZone(out, single(out, "aws_nat_gateway").resource)).toBe(AZ_C);
  });

  test("every private route table sends 0.0.0.0/0 to the one NAT gateway", () => {
    const { out } = synthVpc({ availabilityZones: ZONES, natGateways: "single" });
    const nat = single(out, "aws_nat_gateway");
    for (const zone of ZONES) {
      const routes = routesOf(out, "private", zone);
      expect(routes).toHaveLength(1);
      expect(routes[0]).toEqual(expect.objectContaining({ destination_cidr_block: "0.0.0.0/0", nat_gateway_id: ref("aws_nat_gateway", nat.name) }));
    }
  });

  test("singleNatGatewayAvailabilityZone places the NAT gateway, and every private route uses it", () => {
    const { out, vpc } = synthVpc({ availabilityZones: ZONES, natGateways: "single", singleNatGatewayAvailabilityZone: AZ_B });
    const nat = single(out, "aws_nat_gateway");
    expect(nat.resource.subnet_id).toBe(ref("aws_subnet", subnetOf(out, "public", AZ_B).name));
    expect(Object.keys(vpc.natGateways)).toEqual([AZ_B]);
    expect(nat.name).toMatch(/^Vpc_NatGateways_eu-west-1b_/);
    for (const zone of ZONES) {
      expect(routesOf(out, "private", zone).map((r) => r.nat_gateway_id)).toEqual([ref("aws_nat_gateway", nat.name)]);
    }
  });
});

describe('natGateways "perAz"', () => {
  const { out, vpc } = synthVpc({ availabilityZones: ZONES, natGateways: "perAz" });

  test("one NAT gateway and one EIP in each zone's public subnet", () => {
    expect(count(out, "aws_nat_gateway")).toBe(3);
    expect(count(out, "aws_eip")).toBe(3);
    const zones = Object.values(resources(out, "aws_nat_gateway")).map((n) => natZone(out, n));
    expect(zones.sort()).toEqual(ZONES);
    expect(Object.keys(vpc.natGateways)).toEqual(ZONES);
    const allocations = Object.values(resources(out, "aws_nat_gateway")).map((n) => n.allocation_id);
    expect(new Set(allocations).size).toBe(3);
  });

  test("each private route table routes to the NAT gateway of its own zone", () => {
    for (const zone of ZONES) {
      const routes = routesOf(out, "private", zone);
      expect(routes).toHaveLength(1);
      const nat = findOne(out, "aws_nat_gateway", (_, name) => routes[0].nat_gateway_id === ref("aws_nat_gateway", name));
      expect(natZone(out, nat.resource)).toBe(zone);
    }
  });

  test("is the default", () => {
    const { out: defaults } = synthVpc({ availabilityZones: ZONES });
    expect(Object.keys(resources(defaults, "aws_nat_gateway")).sort()).toEqual(Object.keys(resources(out, "aws_nat_gateway")).sort());
    expect(resources(defaults, "aws_route")).toEqual(resources(out, "aws_route"));
  });
});

describe("the intra tier", () => {
  test("intra route tables have no route at all, whatever the NAT mode", () => {
    for (const natGateways of ["none", "single", "perAz"] as const) {
      const { out } = synthVpc({ availabilityZones: ZONES, subnetTiers: ["public", "private", "intra"], natGateways });
      for (const zone of ZONES) expect(routesOf(out, "intra", zone)).toEqual([]);
    }
  });

  test("an intra-only VPC has no internet gateway, NAT gateway or route", () => {
    const { out } = synthVpc({ subnetTiers: ["intra"], natGateways: "none" });
    expect(count(out, "aws_internet_gateway")).toBe(0);
    expect(count(out, "aws_nat_gateway")).toBe(0);
    expect(count(out, "aws_route")).toBe(0);
    expect(count(out, "aws_subnet")).toBe(2);
  });
});
