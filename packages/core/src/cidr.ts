/**
 * IPv4 CIDR arithmetic, done at synth time so that every subnet's range is a literal in the
 * synthesized Terraform (readable in a plan, stable across runs, and no `cidrsubnet()` calls
 * whose result only shows up after apply).
 */

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** A parsed IPv4 CIDR block. */
export interface Ipv4Cidr {
  /** The network address as an unsigned 32-bit integer. */
  readonly network: number;
  /** The prefix length, 0 to 32. */
  readonly prefix: number;
}

/**
 * Parses `a.b.c.d/n`. Returns `undefined` for anything else, including a block whose address
 * has host bits set (`10.0.0.1/16`): AWS rejects those, so they are not valid here either.
 */
export function parseIpv4Cidr(value: string): Ipv4Cidr | undefined {
  const match = CIDR_PATTERN.exec(value);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  if (match.slice(1, 5).some((o) => o.length > 1 && o.startsWith("0"))) return undefined;
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const network = (address & prefixMask(prefix)) >>> 0;
  if (network !== address) return undefined;
  return { network, prefix };
}

/** Formats a parsed block back to `a.b.c.d/n`. */
export function formatIpv4Cidr(cidr: Ipv4Cidr): string {
  const n = cidr.network;
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${cidr.prefix}`;
}

/**
 * The `index`-th block of `newBits` more bits inside `parent`, like Terraform's
 * `cidrsubnet(parent, newBits, index)`.
 */
export function subdivideIpv4Cidr(parent: Ipv4Cidr, newBits: number, index: number): Ipv4Cidr {
  const prefix = parent.prefix + newBits;
  if (newBits < 0 || prefix > 32) {
    throw new RangeError(`cannot add ${newBits} bits to a /${parent.prefix} block`);
  }
  if (index < 0 || index >= 2 ** newBits) {
    throw new RangeError(`index ${index} does not fit in ${newBits} bits`);
  }
  const size = 2 ** (32 - prefix);
  return { network: (parent.network + index * size) >>> 0, prefix };
}

/** True when `inner` lies entirely inside `outer`. */
export function ipv4CidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  if (inner.prefix < outer.prefix) return false;
  return ((inner.network & prefixMask(outer.prefix)) >>> 0) === outer.network;
}

/** True when the two blocks share at least one address. */
export function ipv4CidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return ipv4CidrContains(a, b) || ipv4CidrContains(b, a);
}

function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}
