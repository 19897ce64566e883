import { formatIpv4Cidr, subdivideIpv4Cidr, type Ipv4Cidr, type SubnetTier } from "@platform/core";

/**
 * The default subnet layout. The VPC range is cut into fixed regions, one per tier, and each
 * region into eight slots, one per zone letter (a-h):
 *
 *   private: first half     -> 8 x /(p+4)   (a /16 gives /20s: 4,096 addresses, room for EKS pods)
 *   public:  third quarter  -> 8 x /(p+5)   (a /16 gives /21s)
 *   intra:   seventh eighth -> 8 x /(p+6)   (a /16 gives /22s)
 *   last eighth reserved for tiers to come
 *
 * A subnet's range depends only on its tier and its zone's letter, never on how many tiers or
 * zones there are or in which order they are listed: adding a zone or a tier never moves an
 * existing subnet (moving one replaces it, and everything in it).
 */
const TIER_REGIONS: Record<SubnetTier, { bits: number; index: number }> = {
  private: { bits: 1, index: 0 },
  public: { bits: 2, index: 2 },
  intra: { bits: 3, index: 6 },
};
const SLOT_BITS = 3;
const ZONE_LETTERS = "abcdefgh";

/** The computed range of a tier's subnet in a zone, or why there is none. */
export function defaultSubnetCidr(vpc: Ipv4Cidr, tier: SubnetTier, availabilityZone: string): { cidr: string } | { problem: string } {
  const letter = availabilityZone.slice(-1);
  const slot = ZONE_LETTERS.indexOf(letter);
  if (slot < 0 || !/[0-9]$/.test(availabilityZone.slice(0, -1))) {
    return { problem: `zone ${JSON.stringify(availabilityZone)} does not end in a zone letter a-h, so its ${tier} subnet range cannot be computed` };
  }
  const region = TIER_REGIONS[tier];
  const prefix = vpc.prefix + region.bits + SLOT_BITS;
  if (prefix > 28) {
    return { problem: `a /${vpc.prefix} range is too small for computed ${tier} subnets (they would be /${prefix}, AWS allows /28 at the smallest)` };
  }
  return { cidr: formatIpv4Cidr(subdivideIpv4Cidr(subdivideIpv4Cidr(vpc, region.bits, region.index), SLOT_BITS, slot)) };
}
