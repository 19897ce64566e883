import { ipv4CidrContains, ipv4CidrsOverlap, parseIpv4Cidr, type Ipv4Cidr, type SubnetTier } from "@platform/core";
import { defaultSubnetCidr } from "../src/private/subnet-layout";
import { AZ_A, AZ_B, AZ_C, resources, subnetOf, subnetsOfTier, synthVpc } from "./support";

const SIX_ZONES = ["a", "b", "c", "d", "e", "f"].map((l) => `eu-west-1${l}`);
const ALL_TIERS: SubnetTier[] = ["public", "private", "intra"];

function cidrsByZone(out: Parameters<typeof subnetsOfTier>[0], tier: SubnetTier): Record<string, string> {
  return Object.fromEntries(Object.entries(subnetsOfTier(out, tier)).map(([zone, subnet]) => [zone, subnet.cidr_block as string]));
}

function parse(cidr: string): Ipv4Cidr {
  const parsed = parseIpv4Cidr(cidr);
  if (!parsed) throw new Error(`not a CIDR: ${cidr}`);
  return parsed;
}

describe("computed subnet ranges of a /16", () => {
  const { out } = synthVpc({ availabilityZones: SIX_ZONES, subnetTiers: ALL_TIERS, natGateways: "none" });

  test("private: /20s from the start of the range, one slot per zone letter", () => {
    expect(cidrsByZone(out, "private")).toEqual({
      "eu-west-1a": "10.0.0.0/20",
      "eu-west-1b": "10.0.16.0/20",
      "eu-west-1c": "10.0.32.0/20",
      "eu-west-1d": "10.0.48.0/20",
      "eu-west-1e": "10.0.64.0/20",
      "eu-west-1f": "10.0.80.0/20",
    });
  });

  test("public: /21s from 10.0.128.0 (the third quarter)", () => {
    expect(cidrsByZone(out, "public")).toEqual({
      "eu-west-1a": "10.0.128.0/21",
      "eu-west-1b": "10.0.136.0/21",
      "eu-west-1c": "10.0.144.0/21",
      "eu-west-1d": "10.0.152.0/21",
      "eu-west-1e": "10.0.160.0/21",
      "eu-west-1f": "10.0.168.0/21",
    });
  });

  test("intra: /22s from 10.0.192.0 (the seventh eighth)", () => {
    expect(cidrsByZone(out, "intra")).toEqual({
      "eu-west-1a": "10.0.192.0/22",
      "eu-west-1b": "10.0.196.0/22",
      "eu-west-1c": "10.0.200.0/22",
      "eu-west-1d": "10.0.204.0/22",
      "eu-west-1e": "10.0.208.0/22",
      "eu-west-1f": "10.0.212.0/22",
    });
  });

  test("no two subnets overlap, every one is inside the VPC, and the last eighth stays free", () => {
    const vpc = parse("10.0.0.0/16");
    const reserved = parse("10.0.224.0/19");
    const blocks = Object.values(resources(out, "aws_subnet")).map((s) => parse(s.cidr_block as string));
    expect(blocks).toHaveLength(18);
    blocks.forEach((block, i) => {
      expect(ipv4CidrContains(vpc, block)).toBe(true);
      expect(ipv4CidrsOverlap(block, reserved)).toBe(false);
      blocks.forEach((other, j) => {
        if (i !== j) expect(ipv4CidrsOverlap(block, other)).toBe(false);
      });
    });
  });
});

describe("the layout function", () => {
  const vpc16 = parse("10.0.0.0/16");

  test("zone letters g and h have slots too (the last of each region)", () => {
    expect(defaultSubnetCidr(vpc16, "private", "eu-west-1g")).toEqual({ cidr: "10.0.96.0/20" });
    expect(defaultSubnetCidr(vpc16, "private", "eu-west-1h")).toEqual({ cidr: "10.0.112.0/20" });
    expect(defaultSubnetCidr(vpc16, "public", "eu-west-1h")).toEqual({ cidr: "10.0.184.0/21" });
    expect(defaultSubnetCidr(vpc16, "intra", "eu-west-1h")).toEqual({ cidr: "10.0.220.0/22" });
  });

  test("depends only on tier and zone letter, not on the region name", () => {
    expect(defaultSubnetCidr(vpc16, "public", "us-east-1c")).toEqual(defaultSubnetCidr(vpc16, "public", "eu-west-1c"));
  });

  test("a zone letter past h has no slot", () => {
    expect(defaultSubnetCidr(vpc16, "private", "eu-west-1i")).toEqual({
      problem: 'zone "eu-west-1i" does not end in a zone letter a-h, so its private subnet range cannot be computed',
    });
  });

  test("a range too small for a tier has no computed subnets in it", () => {
    expect(defaultSubnetCidr(parse("10.0.0.0/23"), "intra", AZ_A)).toEqual({
      problem: "a /23 range is too small for computed intra subnets (they would be /29, AWS allows /28 at the smallest)",
    });
    expect(defaultSubnetCidr(parse("10.0.0.0/23"), "public", AZ_A)).toEqual({ cidr: "10.0.1.0/28" });
  });
});

describe("computed ranges of other VPC sizes", () => {
  test("a /20 gives /24 private, /25 public and /26 intra subnets", () => {
    const { out } = synthVpc({ cidrBlock: "10.1.0.0/20", subnetTiers: ALL_TIERS });
    expect(cidrsByZone(out, "private")).toEqual({ [AZ_A]: "10.1.0.0/24", [AZ_B]: "10.1.1.0/24" });
    expect(cidrsByZone(out, "public")).toEqual({ [AZ_A]: "10.1.8.0/25", [AZ_B]: "10.1.8.128/25" });
    expect(cidrsByZone(out, "intra")).toEqual({ [AZ_A]: "10.1.12.0/26", [AZ_B]: "10.1.12.64/26" });
  });

  test("a /22 gives /26 private, /27 public and /28 intra subnets", () => {
    const { out } = synthVpc({ cidrBlock: "192.168.4.0/22", subnetTiers: ALL_TIERS });
    expect(cidrsByZone(out, "private")).toEqual({ [AZ_A]: "192.168.4.0/26", [AZ_B]: "192.168.4.64/26" });
    expect(cidrsByZone(out, "public")).toEqual({ [AZ_A]: "192.168.6.0/27", [AZ_B]: "192.168.6.32/27" });
    expect(cidrsByZone(out, "intra")).toEqual({ [AZ_A]: "192.168.7.0/28", [AZ_B]: "192.168.7.16/28" });
  });

  test("a /23 is enough for public and private subnets", () => {
    const { out } = synthVpc({ cidrBlock: "10.0.0.0/23" });
    expect(cidrsByZone(out, "private")).toEqual({ [AZ_A]: "10.0.0.0/27", [AZ_B]: "10.0.0.32/27" });
    expect(cidrsByZone(out, "public")).toEqual({ [AZ_A]: "10.0.1.0/28", [AZ_B]: "10.0.1.16/28" });
  });
});

describe("slots follow zone letters, not positions", () => {
  test("a VPC in zones a and c gives zone c the c slot", () => {
    const { out } = synthVpc({ availabilityZones: [AZ_A, AZ_C] });
    expect(subnetOf(out, "private", AZ_C).resource.cidr_block).toBe("10.0.32.0/20");
    expect(subnetOf(out, "public", AZ_C).resource.cidr_block).toBe("10.0.144.0/21");
  });

  test("a single-zone VPC in zone b uses the b slots", () => {
    const { out } = synthVpc({ availabilityZones: [AZ_B] });
    expect(cidrsByZone(out, "private")).toEqual({ [AZ_B]: "10.0.16.0/20" });
    expect(cidrsByZone(out, "public")).toEqual({ [AZ_B]: "10.0.136.0/21" });
  });

  test("a tier's ranges do not depend on which other tiers there are", () => {
    const { out: privateOnly } = synthVpc({ subnetTiers: ["private"], natGateways: "none" });
    const { out: intraOnly } = synthVpc({ subnetTiers: ["intra"], natGateways: "none" });
    expect(cidrsByZone(privateOnly, "private")).toEqual({ [AZ_A]: "10.0.0.0/20", [AZ_B]: "10.0.16.0/20" });
    expect(cidrsByZone(intraOnly, "intra")).toEqual({ [AZ_A]: "10.0.192.0/22", [AZ_B]: "10.0.196.0/22" });
  });
});

describe("explicit subnetCidrs", () => {
  test("override the computed range of the subnets they name, and only those", () => {
    const { out, vpc } = synthVpc({
      subnetTiers: ALL_TIERS,
      subnetCidrs: { private: { [AZ_B]: "10.0.224.0/20" }, intra: { [AZ_A]: "10.0.240.0/28" } },
    });
    expect(cidrsByZone(out, "private")).toEqual({ [AZ_A]: "10.0.0.0/20", [AZ_B]: "10.0.224.0/20" });
    expect(cidrsByZone(out, "intra")).toEqual({ [AZ_A]: "10.0.240.0/28", [AZ_B]: "10.0.196.0/22" });
    expect(cidrsByZone(out, "public")).toEqual({ [AZ_A]: "10.0.128.0/21", [AZ_B]: "10.0.136.0/21" });
    expect(vpc.subnets[`private-${AZ_B}`].cidrBlock).toBe("10.0.224.0/20");
  });

  test("can lay out every subnet by hand, in any order of the range", () => {
    const { out } = synthVpc({
      subnetCidrs: {
        public: { [AZ_A]: "10.0.0.0/24", [AZ_B]: "10.0.1.0/24" },
        private: { [AZ_A]: "10.0.64.0/18", [AZ_B]: "10.0.128.0/18" },
      },
    });
    expect(cidrsByZone(out, "public")).toEqual({ [AZ_A]: "10.0.0.0/24", [AZ_B]: "10.0.1.0/24" });
    expect(cidrsByZone(out, "private")).toEqual({ [AZ_A]: "10.0.64.0/18", [AZ_B]: "10.0.128.0/18" });
  });

  test("make a VPC too small for computed subnets usable", () => {
    const { out } = synthVpc({
      cidrBlock: "10.0.0.0/26",
      subnetCidrs: {
        public: { [AZ_A]: "10.0.0.0/28", [AZ_B]: "10.0.0.16/28" },
        private: { [AZ_A]: "10.0.0.32/28", [AZ_B]: "10.0.0.48/28" },
      },
    });
    expect(Object.values(resources(out, "aws_subnet")).map((s) => s.cidr_block).sort()).toEqual([
      "10.0.0.0/28",
      "10.0.0.16/28",
      "10.0.0.32/28",
      "10.0.0.48/28",
    ]);
  });

  test("give a zone past h a range", () => {
    const zone = "eu-west-1i";
    const { out } = synthVpc({ availabilityZones: [zone], subnetCidrs: { public: { [zone]: "10.0.250.0/24" }, private: { [zone]: "10.0.96.0/20" } } });
    expect(subnetOf(out, "public", zone).resource.cidr_block).toBe("10.0.250.0/24");
  });
});
