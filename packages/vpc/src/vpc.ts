import { Construct } from "constructs";
import { Token } from "cdktf";
import { Vpc as AwsVpc } from "@cdktf/provider-aws/lib/vpc";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Route } from "@cdktf/provider-aws/lib/route";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import {
  AwsEnvironment,
  GATEWAY_ENDPOINT_SERVICES,
  INTERFACE_ENDPOINT_SERVICES,
  NAT_GATEWAY_MODES,
  NameRules,
  SUBNET_TIERS,
  ValidationError,
  ipv4CidrContains,
  ipv4CidrsOverlap,
  parseIpv4Cidr,
  physicalName,
  showValue,
  type GatewayEndpointService,
  type InterfaceEndpointService,
  type Ipv4Cidr,
  type NatGatewayMode,
  type SubnetTier,
} from "@platform/core";
import { VpcEndpoints } from "./private/vpc-endpoints";
import { VpcFlowLogs, type FlowLogsOptions } from "./private/vpc-flow-logs";
import { defaultSubnetCidr } from "./private/subnet-layout";

export type { FlowLogsOptions } from "./private/vpc-flow-logs";

/** A VPC that other constructs place resources in. */
export interface IVpc {
  readonly vpcId: string;
  readonly vpcCidrBlock: string;
  /** The zones the VPC's subnets are in, in the order given. */
  readonly availabilityZones: readonly string[];
  /** One per zone, in zone order; empty when the VPC has no public tier. */
  readonly publicSubnetIds: string[];
  /** One per zone, in zone order; empty when the VPC has no private tier. */
  readonly privateSubnetIds: string[];
  /** One per zone, in zone order; empty when the VPC has no intra tier. */
  readonly intraSubnetIds: string[];
}

/** Subnet tags that let EKS and Karpenter find the subnets. */
export interface KubernetesSubnetTags {
  /** Each gets `kubernetes.io/cluster/<name> = shared` on the public and private subnets. @default [] */
  readonly clusterNames?: readonly string[];
  /** `karpenter.sh/discovery = <value>` on the private subnets. @default - no discovery tag */
  readonly karpenterDiscovery?: string;
}

export interface VpcProps {
  /** The VPC's IPv4 range, /16 to /28. */
  readonly cidrBlock: string;
  /**
   * The zones to build subnets in, 1 to 6 of one region. Given explicitly, so that synthesis needs
   * no data-source look-up and the plan shows every subnet.
   */
  readonly availabilityZones: readonly string[];
  /** @default ["public", "private"] */
  readonly subnetTiers?: readonly SubnetTier[];
  /**
   * Explicit ranges per tier and zone: `{ private: { "eu-west-1a": "10.0.0.0/20" } }`.
   * @default - computed from `cidrBlock`; a subnet's range depends only on its tier and zone letter
   */
  readonly subnetCidrs?: Partial<Record<SubnetTier, Readonly<Record<string, string>>>>;
  /**
   * NAT for the private tier: none, one for the VPC, or one per zone (survives the loss of a zone).
   * @default "perAz"
   */
  readonly natGateways?: NatGatewayMode;
  /**
   * Where the NAT gateway goes when `natGateways` is `single`.
   * @default - the first of `availabilityZones`
   */
  readonly singleNatGatewayAvailabilityZone?: string;
  /** Gateway endpoints, attached to every route table. @default ["s3"] */
  readonly gatewayEndpoints?: readonly GatewayEndpointService[];
  /**
   * Interface endpoints (private DNS, in the private subnets, or the intra ones when there is no
   * private tier), behind a security group that admits HTTPS from the VPC range only.
   * @default []
   */
  readonly interfaceEndpoints?: readonly InterfaceEndpointService[];
  /** @default - flow logs of all traffic to a KMS-encrypted CloudWatch log group kept 365 days */
  readonly flowLogs?: FlowLogsOptions;
  /** @default - no Kubernetes subnet tags */
  readonly kubernetes?: KubernetesSubnetTags;
  /**
   * The `Name` of the VPC, and the start of its children's names.
   * @default `<environment>-<construct id>`, lower case
   */
  readonly name?: string;
  /** Tags for the VPC and everything in it, on top of the provider's default tags. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/** One subnet of the VPC with its route table. */
export interface VpcSubnet {
  readonly tier: SubnetTier;
  readonly availabilityZone: string;
  readonly cidrBlock: string;
  readonly subnet: Subnet;
  readonly routeTable: RouteTable;
}

/** Attributes of a VPC that this code does not own. */
export interface VpcAttributes {
  readonly vpcId: string;
  readonly vpcCidrBlock: string;
  readonly availabilityZones: readonly string[];
  /** @default [] */
  readonly publicSubnetIds?: string[];
  /** @default [] */
  readonly privateSubnetIds?: string[];
  /** @default [] */
  readonly intraSubnetIds?: string[];
}

const DEFAULT_TIERS: readonly SubnetTier[] = ["public", "private"];

/**
 * A production VPC: subnets in tiers across explicit zones, NAT, endpoints and flow logs, with
 * every subnet, route table and NAT gateway keyed by tier and zone, so that adding a zone or a
 * tier adds resources and never replaces one.
 *
 * Secure by default: DNS on, the default security group adopted and emptied, no public IP on
 * launch in any subnet, workloads in private subnets, flow logs to a KMS-encrypted log group.
 *
 * Construct ids below this one are public API (they are the Terraform addresses):
 * `Resource`, `DefaultSecurityGroup`, `InternetGateway`, `Subnets/<tier>-<zone>/...`,
 * `NatGateways/<zone>/...`, `Endpoints/...`, `FlowLogs/...`.
 */
export class Vpc extends Construct implements IVpc {
  /** A VPC that this code does not own, for constructs that take an `IVpc`. */
  public static fromVpcAttributes(attrs: VpcAttributes): IVpc {
    return {
      vpcId: attrs.vpcId,
      vpcCidrBlock: attrs.vpcCidrBlock,
      availabilityZones: attrs.availabilityZones,
      publicSubnetIds: attrs.publicSubnetIds ?? [],
      privateSubnetIds: attrs.privateSubnetIds ?? [],
      intraSubnetIds: attrs.intraSubnetIds ?? [],
    };
  }

  public readonly resource: AwsVpc;
  public readonly vpcId: string;
  public readonly vpcCidrBlock: string;
  public readonly availabilityZones: readonly string[];
  public readonly subnetTiers: readonly SubnetTier[];
  /** Every subnet, keyed `<tier>-<zone>`. */
  public readonly subnets: Readonly<Record<string, VpcSubnet>>;
  /** NAT gateways keyed by zone. */
  public readonly natGateways: Readonly<Record<string, NatGateway>>;
  public readonly internetGateway?: InternetGateway;
  /** The security group of the interface endpoints, when there are any. */
  public readonly endpointSecurityGroupId?: string;
  /** The flow logs' CloudWatch log group name, when they go to CloudWatch. */
  public readonly flowLogGroupName?: string;
  /** The VPC's `Name`, and the start of its children's names. */
  public readonly vpcName: string;

  constructor(scope: Construct, id: string, props: VpcProps) {
    super(scope, id);
    const env = AwsEnvironment.of(this);
    const tiers = props.subnetTiers ?? DEFAULT_TIERS;
    const natMode = props.natGateways ?? "perAz";
    const zones = props.availabilityZones;
    const cidrs = this.planSubnets(props, tiers, natMode);

    this.vpcName = props.name ?? physicalName([env.environment, id.toLowerCase()], NameRules.generic);
    const tags = (name: string, extra: Record<string, string> = {}) => ({ ...props.tags, ...extra, Name: name });
    this.availabilityZones = zones;
    this.subnetTiers = tiers;

    this.resource = new AwsVpc(this, "Resource", {
      cidrBlock: props.cidrBlock,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: tags(this.vpcName),
    });
    this.vpcId = this.resource.id;
    // The literal range, not the resource's attribute: known at synth time, readable in plans,
    // and no cross-stack reference for consumers in other stacks.
    this.vpcCidrBlock = props.cidrBlock;

    // The default security group allows all traffic between its members; adopt it with no rules,
    // so that nothing that lands in it by accident can talk (Security Hub EC2.2).
    new DefaultSecurityGroup(this, "DefaultSecurityGroup", {
      vpcId: this.vpcId,
      tags: tags(`${this.vpcName}-default`),
    });

    if (tiers.includes("public")) {
      this.internetGateway = new InternetGateway(this, "InternetGateway", {
        vpcId: this.vpcId,
        tags: tags(this.vpcName),
      });
    }

    const subnetsScope = new Construct(this, "Subnets");
    const subnets: Record<string, VpcSubnet> = {};
    for (const tier of SUBNET_TIERS.filter((t) => tiers.includes(t))) {
      for (const zone of zones) {
        const key = `${tier}-${zone}`;
        const scopeForSubnet = new Construct(subnetsScope, key);
        const name = `${this.vpcName}-${key}`;
        const subnet = new Subnet(scopeForSubnet, "Subnet", {
          vpcId: this.vpcId,
          availabilityZone: zone,
          cidrBlock: cidrs[key],
          mapPublicIpOnLaunch: false,
          tags: tags(name, { Tier: tier, ...kubernetesTags(tier, props.kubernetes) }),
        });
        const routeTable = new RouteTable(scopeForSubnet, "RouteTable", {
          vpcId: this.vpcId,
          tags: tags(name, { Tier: tier }),
        });
        new RouteTableAssociation(scopeForSubnet, "RouteTableAssociation", {
          subnetId: subnet.id,
          routeTableId: routeTable.id,
        });
        if (tier === "public") {
          new Route(scopeForSubnet, "DefaultRoute", {
            routeTableId: routeTable.id,
            destinationCidrBlock: "0.0.0.0/0",
            gatewayId: this.internetGateway!.id,
          });
        }
        subnets[key] = { tier, availabilityZone: zone, cidrBlock: cidrs[key], subnet, routeTable };
      }
    }
    this.subnets = subnets;

    const natZones =
      natMode === "perAz" ? zones : natMode === "single" ? [props.singleNatGatewayAvailabilityZone ?? zones[0]] : [];
    const natScope = natZones.length > 0 ? new Construct(this, "NatGateways") : undefined;
    const natGateways: Record<string, NatGateway> = {};
    for (const zone of natZones) {
      const zoneScope = new Construct(natScope!, zone);
      const eip = new Eip(zoneScope, "Eip", { domain: "vpc", tags: tags(`${this.vpcName}-nat-${zone}`) });
      natGateways[zone] = new NatGateway(zoneScope, "Resource", {
        allocationId: eip.allocationId,
        subnetId: subnets[`public-${zone}`].subnet.id,
        connectivityType: "public",
        tags: tags(`${this.vpcName}-nat-${zone}`),
        dependsOn: [this.internetGateway!],
      });
    }
    this.natGateways = natGateways;
    if (natZones.length > 0 && tiers.includes("private")) {
      for (const zone of zones) {
        const nat = natGateways[zone] ?? natGateways[natZones[0]];
        new Route(subnetsScope.node.findChild(`private-${zone}`), "DefaultRoute", {
          routeTableId: subnets[`private-${zone}`].routeTable.id,
          destinationCidrBlock: "0.0.0.0/0",
          natGatewayId: nat.id,
        });
      }
    }

    const gatewayEndpoints = props.gatewayEndpoints ?? ["s3"];
    const interfaceEndpoints = props.interfaceEndpoints ?? [];
    if (gatewayEndpoints.length > 0 || interfaceEndpoints.length > 0) {
      const endpointTier = tiers.includes("private") ? "private" : "intra";
      const endpoints = new VpcEndpoints(this, "Endpoints", {
        vpcId: this.vpcId,
        vpcCidrBlock: props.cidrBlock,
        vpcName: this.vpcName,
        gatewayEndpoints,
        interfaceEndpoints,
        routeTableIds: Object.values(subnets).map((s) => s.routeTable.id),
        subnetIds: this.subnetIds(endpointTier),
        tags: props.tags ?? {},
      });
      this.endpointSecurityGroupId = endpoints.securityGroupId;
    }

    const flowLogs = new VpcFlowLogs(this, "FlowLogs", {
      ...props.flowLogs,
      vpcId: this.vpcId,
      vpcName: this.vpcName,
      tags: props.tags ?? {},
    });
    this.flowLogGroupName = flowLogs.logGroupName;
  }

  public get publicSubnetIds(): string[] {
    return this.subnetIds("public");
  }

  public get privateSubnetIds(): string[] {
    return this.subnetIds("private");
  }

  public get intraSubnetIds(): string[] {
    return this.subnetIds("intra");
  }

  /** The ids of a tier's subnets, in zone order; empty when the VPC does not have the tier. */
  public subnetIds(tier: SubnetTier): string[] {
    if (!this.subnetTiers.includes(tier)) return [];
    return this.availabilityZones.map((zone) => this.subnets[`${tier}-${zone}`].subnet.id);
  }

  /** The ids of a tier's route tables, in zone order. */
  public routeTableIds(tier: SubnetTier): string[] {
    if (!this.subnetTiers.includes(tier)) return [];
    return this.availabilityZones.map((zone) => this.subnets[`${tier}-${zone}`].routeTable.id);
  }

  /** Validates the props and returns every subnet's range keyed `<tier>-<zone>`. */
  private planSubnets(props: VpcProps, tiers: readonly SubnetTier[], natMode: NatGatewayMode): Record<string, string> {
    const fail = (message: string): never => {
      throw new ValidationError(message, this);
    };
    const zones = props.availabilityZones;
    if (zones.length < 1 || zones.length > 6) {
      fail(`'availabilityZones' must hold 1 to 6 zones, got ${zones.length}`);
    }
    const region = AwsEnvironment.of(this).region;
    for (const zone of zones) {
      if (zone.slice(0, -1) !== region || !/^[a-z]$/.test(zone.slice(-1))) {
        fail(`'availabilityZones' must be zones of ${region} (${region}a, ${region}b, ...), got ${showValue(zone)}`);
      }
    }
    const duplicateZone = zones.find((z, i) => zones.indexOf(z) !== i);
    if (duplicateZone) fail(`'availabilityZones' lists ${showValue(duplicateZone)} twice; list each zone once`);
    if (tiers.length === 0) fail(`'subnetTiers' must hold at least one of ${SUBNET_TIERS.join(", ")}, got []`);
    for (const tier of tiers) {
      if (!SUBNET_TIERS.includes(tier)) fail(`'subnetTiers' may hold ${SUBNET_TIERS.join(", ")}, got ${showValue(tier)}`);
    }
    const duplicateTier = tiers.find((t, i) => tiers.indexOf(t) !== i);
    if (duplicateTier) fail(`'subnetTiers' lists ${showValue(duplicateTier)} twice; list each tier once`);
    if (!NAT_GATEWAY_MODES.includes(natMode)) {
      fail(`'natGateways' must be one of ${NAT_GATEWAY_MODES.map((m) => showValue(m)).join(", ")}, got ${showValue(natMode)}`);
    }
    if (natMode !== "none" && !tiers.includes("public")) {
      fail(`'natGateways' is ${showValue(natMode)} but there is no public tier for the NAT gateways; add "public" to 'subnetTiers' or set 'natGateways' to "none"`);
    }
    if (natMode !== "none" && !tiers.includes("private")) {
      fail(`'natGateways' is ${showValue(natMode)} but there is no private tier to route through them; add "private" to 'subnetTiers' or set 'natGateways' to "none"`);
    }
    const singleZone = props.singleNatGatewayAvailabilityZone;
    if (singleZone !== undefined) {
      if (natMode !== "single") fail(`'singleNatGatewayAvailabilityZone' is only used when 'natGateways' is "single", got natGateways ${showValue(natMode)}`);
      if (!zones.includes(singleZone)) {
        fail(`'singleNatGatewayAvailabilityZone' must be one of 'availabilityZones' (${zones.join(", ")}), got ${showValue(singleZone)}`);
      }
    }
    for (const service of props.gatewayEndpoints ?? []) {
      if (!GATEWAY_ENDPOINT_SERVICES.includes(service)) {
        fail(`'gatewayEndpoints' may hold ${GATEWAY_ENDPOINT_SERVICES.join(", ")}, got ${showValue(service)}`);
      }
    }
    for (const service of props.interfaceEndpoints ?? []) {
      if (!INTERFACE_ENDPOINT_SERVICES.includes(service)) {
        fail(`'interfaceEndpoints' may hold the presets ${INTERFACE_ENDPOINT_SERVICES.join(", ")}, got ${showValue(service)}`);
      }
    }
    const endpointLists: [string, readonly string[]][] = [
      ["gatewayEndpoints", props.gatewayEndpoints ?? []],
      ["interfaceEndpoints", props.interfaceEndpoints ?? []],
    ];
    for (const [setting, list] of endpointLists) {
      const twice = list.find((service, i) => list.indexOf(service) !== i);
      if (twice) fail(`'${setting}' lists ${showValue(twice)} twice; list each endpoint once`);
    }
    if ((props.interfaceEndpoints ?? []).length > 0 && !tiers.includes("private") && !tiers.includes("intra")) {
      fail(`'interfaceEndpoints' need a private or intra tier to live in; 'subnetTiers' is ${showValue(tiers)}`);
    }

    const explicit = props.subnetCidrs ?? {};
    for (const [tier, byZone] of Object.entries(explicit)) {
      if (!tiers.includes(tier as SubnetTier)) {
        fail(`'subnetCidrs' has ranges for the ${showValue(tier)} tier, which is not in 'subnetTiers' (${tiers.join(", ")})`);
      }
      for (const zone of Object.keys(byZone ?? {})) {
        if (!zones.includes(zone)) {
          fail(`'subnetCidrs.${tier}' has a range for ${showValue(zone)}, which is not one of 'availabilityZones' (${zones.join(", ")})`);
        }
      }
    }

    const unresolved = Token.isUnresolved(props.cidrBlock);
    const vpc = unresolved ? undefined : parseIpv4Cidr(props.cidrBlock);
    if (!unresolved && (!vpc || vpc.prefix < 16 || vpc.prefix > 28)) {
      fail(`'cidrBlock' must be an IPv4 CIDR with a prefix from /16 to /28, got ${showValue(props.cidrBlock)}`);
    }

    const result: Record<string, string> = {};
    const placed: { key: string; block: Ipv4Cidr }[] = [];
    for (const tier of SUBNET_TIERS.filter((t) => tiers.includes(t))) {
      for (const zone of zones) {
        const key = `${tier}-${zone}`;
        const given = explicit[tier]?.[zone];
        let cidr: string;
        if (given !== undefined) {
          cidr = given;
        } else if (!vpc) {
          return fail(`'subnetCidrs.${tier}.${zone}' is required when 'cidrBlock' is only known at apply time`);
        } else {
          const computed = defaultSubnetCidr(vpc, tier, zone);
          if ("problem" in computed) return fail(`'subnetCidrs.${tier}.${zone}' is required: ${computed.problem}`);
          cidr = computed.cidr;
        }
        if (Token.isUnresolved(cidr)) {
          result[key] = cidr;
          continue;
        }
        const block = parseIpv4Cidr(cidr);
        if (!block || block.prefix > 28) {
          fail(`'subnetCidrs.${tier}.${zone}' must be an IPv4 CIDR of /28 or larger, got ${showValue(cidr)}`);
        }
        if (vpc && !ipv4CidrContains(vpc, block!)) {
          fail(`'subnetCidrs.${tier}.${zone}' must lie inside 'cidrBlock' ${props.cidrBlock}, got ${showValue(cidr)}`);
        }
        const clash = placed.find((p) => ipv4CidrsOverlap(p.block, block!));
        if (clash) {
          fail(`the ${key} subnet (${cidr}) overlaps the ${clash.key} subnet (${result[clash.key]}); give non-overlapping 'subnetCidrs'`);
        }
        placed.push({ key, block: block! });
        result[key] = cidr;
      }
    }
    return result;
  }
}

function kubernetesTags(tier: SubnetTier, kubernetes: KubernetesSubnetTags | undefined): Record<string, string> {
  if (!kubernetes || tier === "intra") return {};
  const tags: Record<string, string> = {};
  for (const cluster of kubernetes.clusterNames ?? []) tags[`kubernetes.io/cluster/${cluster}`] = "shared";
  if (tier === "public") tags["kubernetes.io/role/elb"] = "1";
  if (tier === "private") {
    tags["kubernetes.io/role/internal-elb"] = "1";
    if (kubernetes.karpenterDiscovery) tags["karpenter.sh/discovery"] = kubernetes.karpenterDiscovery;
  }
  return tags;
}
