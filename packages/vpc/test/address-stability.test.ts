// Terraform addresses (`<type>.<name>`) come from construct ids: renaming an id, or keying a
// resource by position instead of by tier and zone, makes Terraform destroy and re-create it
// (a subnet with everything in it, a NAT gateway with its public IP). These tests pin the
// addresses and check that growing or reordering a VPC only ever adds resources.
import type { SynthesizedStack } from "@platform/core";
import type { VpcProps } from "../src";
import { AZ_A, AZ_B, AZ_C, addresses, resources, subnetOf, synthVpc, type Resource } from "./support";

/** Types whose bodies list every route table or subnet, so they grow (in place) with the VPC. */
const LISTING_TYPES = ["aws_vpc_endpoint"];

function synth(overrides: Partial<VpcProps>): SynthesizedStack {
  return synthVpc(overrides).out;
}

function body(out: SynthesizedStack, address: string): Resource {
  const [type, name] = address.split(".");
  return resources(out, type)[name];
}

/** A resource body with its list attributes sorted, for types whose lists are sets in Terraform. */
function asSets(resource: Resource): Resource {
  const copy: Resource = { ...resource };
  for (const key of ["route_table_ids", "subnet_ids", "security_group_ids"]) {
    if (Array.isArray(copy[key])) copy[key] = [...(copy[key] as string[])].sort();
  }
  return copy;
}

/**
 * Every resource of `before` is in `after` at the same address with the same body; resources
 * that list route tables or subnets may only have gained entries.
 */
function expectKept(before: SynthesizedStack, after: SynthesizedStack): void {
  const afterAddresses = new Set(addresses(after));
  const missing = addresses(before).filter((a) => !afterAddresses.has(a));
  expect(missing).toEqual([]);
  for (const address of addresses(before)) {
    const [type] = address.split(".");
    const old = body(before, address);
    const now = body(after, address);
    if (LISTING_TYPES.includes(type)) {
      const { route_table_ids: oldTables, subnet_ids: oldSubnets, ...oldRest } = old;
      const { route_table_ids: newTables, subnet_ids: newSubnets, ...newRest } = now;
      expect({ address, body: newRest }).toEqual({ address, body: oldRest });
      expect(newTables ?? []).toEqual(expect.arrayContaining((oldTables ?? []) as string[]));
      expect(newSubnets ?? []).toEqual(expect.arrayContaining((oldSubnets ?? []) as string[]));
    } else {
      expect({ address, body: now }).toEqual({ address, body: old });
    }
  }
}

/** The addresses that `after` adds to `before`. */
function added(before: SynthesizedStack, after: SynthesizedStack): string[] {
  const old = new Set(addresses(before));
  return addresses(after).filter((a) => !old.has(a));
}

describe("pinned Terraform addresses", () => {
  // Construct ids are public API: these names are the resources' Terraform addresses, and state
  // is keyed by them. If this test fails, a construct id changed: every deployed VPC would be
  // destroyed and re-created. Keep the ids, or ship `moved` blocks with the change.
  const out = synth({ interfaceEndpoints: ["ecr.api"] });

  test.each([
    "aws_vpc.Vpc_8378EB38",
    "aws_default_security_group.Vpc_DefaultSecurityGroup_A313C4B6",
    "aws_internet_gateway.Vpc_InternetGateway_AFE6D548",
    "aws_subnet.Vpc_Subnets_private-eu-west-1a_Subnet_1963D128",
    "aws_subnet.Vpc_Subnets_public-eu-west-1b_Subnet_C28FF9A6",
    "aws_route_table.Vpc_Subnets_private-eu-west-1a_RouteTable_066192C7",
    "aws_route_table_association.Vpc_Subnets_private-eu-west-1a_RouteTableAssociation_58FFEBD2",
    "aws_route.Vpc_Subnets_private-eu-west-1a_DefaultRoute_A1794340",
    "aws_route.Vpc_Subnets_public-eu-west-1a_DefaultRoute_D0DE88C1",
    "aws_nat_gateway.Vpc_NatGateways_eu-west-1a_240898AA",
    "aws_eip.Vpc_NatGateways_eu-west-1a_Eip_B07B762F",
    "aws_vpc_endpoint.Vpc_Endpoints_s3_A5DCEB4A",
    "aws_vpc_endpoint.Vpc_Endpoints_ecrapi_0EE52FD9",
    "aws_security_group.Vpc_Endpoints_SecurityGroup_38D7372D",
    "aws_vpc_security_group_ingress_rule.Vpc_Endpoints_SecurityGroup_HttpsFromVpc_7025BFD9",
    "aws_flow_log.Vpc_FlowLogs_3A4A3791",
    "aws_cloudwatch_log_group.Vpc_FlowLogs_LogGroup_83885117",
    "aws_kms_key.Vpc_FlowLogs_Key_3B185600",
    "aws_kms_alias.Vpc_FlowLogs_KeyAlias_F2D1A072",
    "aws_iam_role.Vpc_FlowLogs_Role_21A882E3",
    "aws_iam_role_policy.Vpc_FlowLogs_RolePolicy_B096EE62",
  ])("%s", (address) => {
    expect(addresses(out)).toContain(address);
  });

  test("the pinned subnet is the private subnet of zone a", () => {
    expect(subnetOf(out, "private", AZ_A).name).toBe("Vpc_Subnets_private-eu-west-1a_Subnet_1963D128");
    expect(subnetOf(out, "private", AZ_A).resource.cidr_block).toBe("10.0.0.0/20");
  });

  test("the two-zone VPC with one interface endpoint has exactly these resources", () => {
    const perType: Record<string, number> = {};
    for (const address of addresses(out)) {
      const type = address.split(".")[0];
      perType[type] = (perType[type] ?? 0) + 1;
    }
    expect(perType).toEqual({
      aws_vpc: 1,
      aws_default_security_group: 1,
      aws_internet_gateway: 1,
      aws_subnet: 4,
      aws_route_table: 4,
      aws_route_table_association: 4,
      aws_route: 4,
      aws_nat_gateway: 2,
      aws_eip: 2,
      aws_vpc_endpoint: 2,
      aws_security_group: 1,
      aws_vpc_security_group_ingress_rule: 1,
      aws_flow_log: 1,
      aws_cloudwatch_log_group: 1,
      aws_kms_key: 1,
      aws_kms_alias: 1,
      aws_iam_role: 1,
      aws_iam_role_policy: 1,
    });
  });
});

describe("adding a zone", () => {
  const props: Partial<VpcProps> = { interfaceEndpoints: ["sts"], kubernetes: { clusterNames: ["main"], karpenterDiscovery: "main" } };
  const before = synth({ ...props, availabilityZones: [AZ_A, AZ_B] });
  const after = synth({ ...props, availabilityZones: [AZ_A, AZ_B, AZ_C] });

  test("keeps every resource at its address with the same properties (subnets, NAT gateways, EIPs, routes...)", () => {
    expectKept(before, after);
  });

  test("keeps the existing subnets' ranges", () => {
    for (const tier of ["public", "private"] as const) {
      for (const zone of [AZ_A, AZ_B]) {
        expect(subnetOf(after, tier, zone).resource.cidr_block).toBe(subnetOf(before, tier, zone).resource.cidr_block);
        expect(subnetOf(after, tier, zone).name).toBe(subnetOf(before, tier, zone).name);
      }
    }
  });

  test("only adds the new zone's resources", () => {
    const extra = added(before, after);
    // Per tier: a subnet, a route table, an association and a default route; and a NAT gateway with its EIP.
    expect(extra.map((a) => a.replace(/_[0-9A-F]{8}$/, ""))).toEqual([
      "aws_eip.Vpc_NatGateways_eu-west-1c_Eip",
      "aws_nat_gateway.Vpc_NatGateways_eu-west-1c",
      "aws_route.Vpc_Subnets_private-eu-west-1c_DefaultRoute",
      "aws_route.Vpc_Subnets_public-eu-west-1c_DefaultRoute",
      "aws_route_table.Vpc_Subnets_private-eu-west-1c_RouteTable",
      "aws_route_table.Vpc_Subnets_public-eu-west-1c_RouteTable",
      "aws_route_table_association.Vpc_Subnets_private-eu-west-1c_RouteTableAssociation",
      "aws_route_table_association.Vpc_Subnets_public-eu-west-1c_RouteTableAssociation",
      "aws_subnet.Vpc_Subnets_private-eu-west-1c_Subnet",
      "aws_subnet.Vpc_Subnets_public-eu-west-1c_Subnet",
    ]);
  });

  test("with a single NAT gateway in a named zone, keeps it and every private route", () => {
    const single = { natGateways: "single" as const, singleNatGatewayAvailabilityZone: AZ_A };
    expectKept(synth({ ...single, availabilityZones: [AZ_A, AZ_B] }), synth({ ...single, availabilityZones: [AZ_A, AZ_B, AZ_C] }));
  });
});

describe("adding a tier", () => {
  test("adding intra keeps every resource, and only adds intra subnets, route tables and associations", () => {
    const before = synth({ availabilityZones: [AZ_A, AZ_B, AZ_C] });
    const after = synth({ availabilityZones: [AZ_A, AZ_B, AZ_C], subnetTiers: ["public", "private", "intra"] });
    expectKept(before, after);
    const extra = added(before, after);
    expect(extra).toHaveLength(9);
    for (const address of extra) expect(address).toMatch(/^aws_(subnet|route_table|route_table_association)\.Vpc_Subnets_intra-eu-west-1[abc]_/);
  });

  test("adding public and NAT to a private-only VPC keeps the private subnets", () => {
    const before = synth({ subnetTiers: ["private"], natGateways: "none" });
    const after = synth({ subnetTiers: ["public", "private"], natGateways: "perAz" });
    expectKept(before, after);
  });
});

describe("changing other settings", () => {
  test("going from a single NAT gateway to one per zone keeps the first one and its EIP", () => {
    const before = synth({ natGateways: "single" });
    const after = synth({ natGateways: "perAz" });
    for (const type of ["aws_nat_gateway", "aws_eip"]) {
      for (const [name, resource] of Object.entries(resources(before, type))) {
        expect(resources(after, type)[name]).toEqual(resource);
      }
    }
    expect(added(before, after).filter((a) => !a.includes("eu-west-1b"))).toEqual([]);
  });

  test("adding endpoints keeps every resource", () => {
    expectKept(synth({ gatewayEndpoints: ["s3"] }), synth({ gatewayEndpoints: ["s3", "dynamodb"], interfaceEndpoints: ["sts", "ecr.api"] }));
  });
});

describe("reordering the zones", () => {
  const props: Partial<VpcProps> = { subnetTiers: ["public", "private", "intra"], interfaceEndpoints: ["sts"] };
  const ordered = synth({ ...props, availabilityZones: [AZ_A, AZ_B, AZ_C] });
  const reordered = synth({ ...props, availabilityZones: [AZ_C, AZ_A, AZ_B] });

  test("changes no address", () => {
    expect(addresses(reordered)).toEqual(addresses(ordered));
  });

  test("changes no subnet's address or range", () => {
    expect(resources(reordered, "aws_subnet")).toEqual(resources(ordered, "aws_subnet"));
    for (const tier of ["public", "private", "intra"] as const) {
      for (const zone of [AZ_A, AZ_B, AZ_C]) {
        expect(subnetOf(reordered, tier, zone).resource.cidr_block).toBe(subnetOf(ordered, tier, zone).resource.cidr_block);
      }
    }
  });

  test("changes no property of anything, up to the order of set-valued lists", () => {
    for (const address of addresses(ordered)) {
      expect({ address, body: asSets(body(reordered, address)) }).toEqual({ address, body: asSets(body(ordered, address)) });
    }
  });
});
