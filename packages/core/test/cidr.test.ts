import { formatIpv4Cidr, ipv4CidrContains, ipv4CidrsOverlap, parseIpv4Cidr, subdivideIpv4Cidr, type Ipv4Cidr } from "../src";

function cidr(value: string): Ipv4Cidr {
  const parsed = parseIpv4Cidr(value);
  if (!parsed) throw new Error(`test input ${value} is not a CIDR`);
  return parsed;
}

/** Terraform's `cidrsubnet(prefix, newbits, netnum)`, through the parsed form. */
function cidrsubnet(parent: string, newBits: number, index: number): string {
  return formatIpv4Cidr(subdivideIpv4Cidr(cidr(parent), newBits, index));
}

describe("parseIpv4Cidr", () => {
  test("parses the network address as an unsigned 32-bit integer and the prefix", () => {
    expect(parseIpv4Cidr("10.0.0.0/16")).toEqual({ network: 0x0a000000, prefix: 16 });
    expect(parseIpv4Cidr("192.168.1.0/24")).toEqual({ network: 0xc0a80100, prefix: 24 });
    expect(parseIpv4Cidr("255.255.255.255/32")).toEqual({ network: 0xffffffff, prefix: 32 });
    expect(parseIpv4Cidr("0.0.0.0/0")).toEqual({ network: 0, prefix: 0 });
  });

  test("addresses with the top bit set stay positive", () => {
    const parsed = cidr("224.0.0.0/4");
    expect(parsed.network).toBe(3758096384);
    expect(parsed.network).toBeGreaterThan(0);
  });

  test.each(["10.0.0.0/16", "172.16.0.0/12", "192.168.10.128/25", "100.64.0.0/10", "0.0.0.0/0", "203.0.113.7/32", "255.255.255.254/31"])(
    "round-trips %s through formatIpv4Cidr",
    (value) => {
      expect(formatIpv4Cidr(cidr(value))).toBe(value);
    },
  );

  test.each([
    ["host bits set in the last octet", "10.0.0.1/16"],
    ["host bits set inside an octet", "10.0.128.0/16"],
    ["host bits set on a /0", "1.0.0.0/0"],
    ["host bits set on a /31", "10.0.0.1/31"],
    ["an octet over 255", "10.0.256.0/24"],
    ["an octet of 999", "999.0.0.0/8"],
    ["a leading zero", "10.01.0.0/16"],
    ["a zero-padded octet", "010.0.0.0/8"],
    ["a prefix over 32", "10.0.0.0/33"],
    ["a prefix of three digits", "10.0.0.0/100"],
    ["no prefix", "10.0.0.0"],
    ["an empty prefix", "10.0.0.0/"],
    ["three octets", "10.0.0/16"],
    ["five octets", "10.0.0.0.0/16"],
    ["a negative octet", "10.-1.0.0/16"],
    ["spaces", " 10.0.0.0/16"],
    ["a trailing newline", "10.0.0.0/16\n"],
    ["an IPv6 block", "2001:db8::/32"],
    ["an empty string", ""],
  ])("rejects %s (%j)", (_what, value) => {
    expect(parseIpv4Cidr(value)).toBeUndefined();
  });
});

describe("formatIpv4Cidr", () => {
  test("formats a block from its integer form", () => {
    expect(formatIpv4Cidr({ network: 0xac100000, prefix: 12 })).toBe("172.16.0.0/12");
    expect(formatIpv4Cidr({ network: 0xffffff00, prefix: 24 })).toBe("255.255.255.0/24");
  });
});

describe("subdivideIpv4Cidr", () => {
  test.each<[string, number, number, string]>([
    ["10.0.0.0/16", 4, 3, "10.0.48.0/20"],
    ["10.0.0.0/16", 4, 0, "10.0.0.0/20"],
    ["10.0.0.0/16", 4, 15, "10.0.240.0/20"],
    ["10.0.0.0/16", 8, 255, "10.0.255.0/24"],
    ["10.0.0.0/16", 0, 0, "10.0.0.0/16"],
    ["172.16.0.0/12", 4, 2, "172.18.0.0/16"],
    ["192.168.0.0/24", 4, 15, "192.168.0.240/28"],
    ["10.1.0.0/16", 2, 3, "10.1.192.0/18"],
    ["0.0.0.0/0", 1, 1, "128.0.0.0/1"],
    ["0.0.0.0/0", 32, 2 ** 32 - 1, "255.255.255.255/32"],
    ["255.255.255.0/24", 8, 255, "255.255.255.255/32"],
  ])("cidrsubnet(%s, %i, %i) = %s", (parent, newBits, index, expected) => {
    expect(cidrsubnet(parent, newBits, index)).toBe(expected);
  });

  test("the blocks of one subdivision tile the parent without overlapping", () => {
    const parent = cidr("10.0.0.0/20");
    const blocks = Array.from({ length: 8 }, (_, i) => subdivideIpv4Cidr(parent, 3, i));
    blocks.forEach((block, i) => {
      expect(ipv4CidrContains(parent, block)).toBe(true);
      blocks.slice(i + 1).forEach((other) => expect(ipv4CidrsOverlap(block, other)).toBe(false));
    });
    expect(blocks.map(formatIpv4Cidr)).toEqual([
      "10.0.0.0/23",
      "10.0.2.0/23",
      "10.0.4.0/23",
      "10.0.6.0/23",
      "10.0.8.0/23",
      "10.0.10.0/23",
      "10.0.12.0/23",
      "10.0.14.0/23",
    ]);
  });

  test("refuses more bits than the block has", () => {
    expect(() => subdivideIpv4Cidr(cidr("10.0.0.0/16"), 17, 0)).toThrow(new RangeError("cannot add 17 bits to a /16 block"));
    expect(() => subdivideIpv4Cidr(cidr("10.0.0.0/28"), 5, 0)).toThrow(RangeError);
  });

  test("refuses negative bits", () => {
    expect(() => subdivideIpv4Cidr(cidr("10.0.0.0/16"), -1, 0)).toThrow(new RangeError("cannot add -1 bits to a /16 block"));
  });

  test("refuses an index that does not fit in the new bits", () => {
    expect(() => subdivideIpv4Cidr(cidr("10.0.0.0/16"), 4, 16)).toThrow(new RangeError("index 16 does not fit in 4 bits"));
    expect(() => subdivideIpv4Cidr(cidr("10.0.0.0/16"), 0, 1)).toThrow(new RangeError("index 1 does not fit in 0 bits"));
  });

  test("refuses a negative index", () => {
    expect(() => subdivideIpv4Cidr(cidr("10.0.0.0/16"), 4, -1)).toThrow(new RangeError("index -1 does not fit in 4 bits"));
  });
});

describe("ipv4CidrContains", () => {
  test.each<[string, string, boolean]>([
    ["10.0.0.0/16", "10.0.0.0/16", true],
    ["10.0.0.0/16", "10.0.48.0/20", true],
    ["10.0.0.0/16", "10.0.255.255/32", true],
    ["0.0.0.0/0", "203.0.113.0/24", true],
    ["10.0.0.0/16", "10.1.0.0/20", false],
    ["10.0.0.0/16", "10.0.0.0/8", false],
    ["10.0.0.0/16", "9.255.255.255/32", false],
    ["192.168.0.0/24", "192.168.1.0/24", false],
    ["128.0.0.0/1", "255.0.0.0/8", true],
    ["128.0.0.0/1", "127.0.0.0/8", false],
  ])("%s contains %s: %s", (outer, inner, expected) => {
    expect(ipv4CidrContains(cidr(outer), cidr(inner))).toBe(expected);
  });
});

describe("ipv4CidrsOverlap", () => {
  test.each<[string, string, boolean]>([
    ["10.0.0.0/20", "10.0.8.0/24", true],
    ["10.0.8.0/24", "10.0.0.0/20", true],
    ["10.0.0.0/20", "10.0.0.0/20", true],
    ["10.0.0.0/20", "10.0.16.0/20", false],
    ["10.0.15.0/24", "10.0.16.0/24", false],
    ["0.0.0.0/0", "10.0.0.0/8", true],
  ])("%s and %s overlap: %s", (a, b, expected) => {
    expect(ipv4CidrsOverlap(cidr(a), cidr(b))).toBe(expected);
    expect(ipv4CidrsOverlap(cidr(b), cidr(a))).toBe(expected);
  });
});
