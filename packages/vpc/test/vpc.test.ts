import { TerraformVariable } from "cdktf";
import { synthesizeStack, testStack } from "@platform/core";
import { Vpc, type IVpc } from "../src";
import {
  AZ_A,
  AZ_B,
  AZ_C,
  addresses,
  baseProps,
  count,
  findOne,
  ref,
  resources,
  routeTableOf,
  routesOf,
  single,
  subnetOf,
  synthVpc,
  tagsOf,
  type SynthesizedVpc,
} from "./support";

describe("Vpc secure defaults (cidrBlock and zones only)", () => {
  let synth: SynthesizedVpc;
  beforeAll(() => {
    synth = synthVpc();
  });

  test("the VPC has the given range, DNS support and DNS hostnames on, and a Name", () => {
    const { resource } = single(synth.out, "aws_vpc");
    expect(resource.cidr_block).toBe("10.0.0.0/16");
    expect(resource.enable_dns_support).toBe(true);
    expect(resource.enable_dns_hostnames).toBe(true);
    expect(tagsOf(resource)).toEqual({ Name: "test-vpc" });
  });

  test("the default name is <environment>-<construct id in lower case>", () => {
    expect(synth.vpc.vpcName).toBe("test-vpc");
  });

  test("the default security group is adopted with no ingress and no egress rules", () => {
    const vpc = single(synth.out, "aws_vpc");
    const { resource } = single(synth.out, "aws_default_security_group");
    expect(resource.vpc_id).toBe(ref("aws_vpc", vpc.name));
    expect(resource.ingress ?? []).toEqual([]);
    expect(resource.egress ?? []).toEqual([]);
    expect(tagsOf(resource).Name).toBe("test-vpc-default");
    expect(count(synth.out, "aws_security_group_rule")).toBe(0);
  });

  test("no subnet maps a public IP on launch", () => {
    const subnets = Object.values(resources(synth.out, "aws_subnet"));
    expect(subnets).toHaveLength(4);
    for (const subnet of subnets) expect(subnet.map_public_ip_on_launch).toBe(false);
  });

  test("the default tiers are public and private, one subnet per tier and zone, no intra", () => {
    const tiersAndZones = Object.values(resources(synth.out, "aws_subnet"))
      .map((s) => `${tagsOf(s).Tier}/${s.availability_zone}`)
      .sort();
    expect(tiersAndZones).toEqual([`private/${AZ_A}`, `private/${AZ_B}`, `public/${AZ_A}`, `public/${AZ_B}`]);
    expect(synth.vpc.subnetTiers).toEqual(["public", "private"]);
  });

  test("every subnet has its own route table, associated with it", () => {
    expect(count(synth.out, "aws_route_table")).toBe(4);
    expect(count(synth.out, "aws_route_table_association")).toBe(4);
    const tables = new Set<string>();
    for (const tier of ["public", "private"] as const) {
      for (const zone of [AZ_A, AZ_B]) tables.add(routeTableOf(synth.out, tier, zone).name);
    }
    expect(tables.size).toBe(4);
  });

  test("there is one internet gateway, in the VPC", () => {
    const vpc = single(synth.out, "aws_vpc");
    const { resource } = single(synth.out, "aws_internet_gateway");
    expect(resource.vpc_id).toBe(ref("aws_vpc", vpc.name));
    expect(tagsOf(resource).Name).toBe("test-vpc");
  });

  test("public route tables send 0.0.0.0/0 to the internet gateway, and only there", () => {
    const igw = single(synth.out, "aws_internet_gateway");
    for (const zone of [AZ_A, AZ_B]) {
      const routes = routesOf(synth.out, "public", zone);
      expect(routes).toHaveLength(1);
      expect(routes[0].destination_cidr_block).toBe("0.0.0.0/0");
      expect(routes[0].gateway_id).toBe(ref("aws_internet_gateway", igw.name));
      expect(routes[0].nat_gateway_id).toBeUndefined();
    }
  });

  test("NAT is per zone by default: one NAT gateway and one EIP (domain vpc) in each zone's public subnet", () => {
    expect(count(synth.out, "aws_nat_gateway")).toBe(2);
    expect(count(synth.out, "aws_eip")).toBe(2);
    const igw = single(synth.out, "aws_internet_gateway");
    for (const zone of [AZ_A, AZ_B]) {
      const publicSubnet = subnetOf(synth.out, "public", zone);
      const nat = findOne(synth.out, "aws_nat_gateway", (n) => n.subnet_id === ref("aws_subnet", publicSubnet.name));
      expect(nat.resource.connectivity_type).toBe("public");
      expect(nat.resource.depends_on).toEqual([`aws_internet_gateway.${igw.name}`]);
      expect(tagsOf(nat.resource).Name).toBe(`test-vpc-nat-${zone}`);
      const eip = findOne(synth.out, "aws_eip", (_, name) => nat.resource.allocation_id === ref("aws_eip", name, "allocation_id"));
      expect(eip.resource.domain).toBe("vpc");
      expect(tagsOf(eip.resource).Name).toBe(`test-vpc-nat-${zone}`);
    }
  });

  test("each private route table sends 0.0.0.0/0 to the NAT gateway in its own zone", () => {
    for (const zone of [AZ_A, AZ_B]) {
      const publicSubnet = subnetOf(synth.out, "public", zone);
      const nat = findOne(synth.out, "aws_nat_gateway", (n) => n.subnet_id === ref("aws_subnet", publicSubnet.name));
      const routes = routesOf(synth.out, "private", zone);
      expect(routes).toHaveLength(1);
      expect(routes[0].destination_cidr_block).toBe("0.0.0.0/0");
      expect(routes[0].nat_gateway_id).toBe(ref("aws_nat_gateway", nat.name));
      expect(routes[0].gateway_id).toBeUndefined();
    }
  });

  test("an S3 gateway endpoint is attached to every route table by default, and nothing else", () => {
    const { resource } = single(synth.out, "aws_vpc_endpoint");
    expect(resource.service_name).toBe("com.amazonaws.eu-west-1.s3");
    expect(resource.vpc_endpoint_type).toBe("Gateway");
    const allTables = Object.keys(resources(synth.out, "aws_route_table")).map((n) => ref("aws_route_table", n));
    expect([...(resource.route_table_ids as string[])].sort()).toEqual(allTables.sort());
    expect(count(synth.out, "aws_security_group")).toBe(0);
    expect(synth.vpc.endpointSecurityGroupId).toBeUndefined();
  });

  test("flow logs are on by default: all traffic, to CloudWatch Logs, through the flow-log role", () => {
    const { resource } = single(synth.out, "aws_flow_log");
    const vpc = single(synth.out, "aws_vpc");
    const group = single(synth.out, "aws_cloudwatch_log_group");
    const role = single(synth.out, "aws_iam_role");
    expect(resource.vpc_id).toBe(ref("aws_vpc", vpc.name));
    expect(resource.traffic_type).toBe("ALL");
    expect(resource.log_destination_type).toBe("cloud-watch-logs");
    expect(resource.log_destination).toBe(ref("aws_cloudwatch_log_group", group.name, "arn"));
    expect(resource.iam_role_arn).toBe(ref("aws_iam_role", role.name, "arn"));
    expect(resource.max_aggregation_interval).toBe(600);
  });

  test("every resource that takes tags has a Name starting with the VPC's name", () => {
    const unnamed: string[] = [];
    for (const [type, byName] of Object.entries(synth.out.resource ?? {})) {
      for (const [name, resource] of Object.entries(byName)) {
        if (resource.tags !== undefined && !/^test-vpc/.test(tagsOf(resource).Name ?? "")) unnamed.push(`${type}.${name}`);
      }
    }
    expect(unnamed).toEqual([]);
    const taggable = ["aws_vpc", "aws_subnet", "aws_route_table", "aws_internet_gateway", "aws_nat_gateway", "aws_eip", "aws_vpc_endpoint"];
    for (const type of [...taggable, "aws_flow_log", "aws_cloudwatch_log_group", "aws_kms_key", "aws_iam_role", "aws_default_security_group"]) {
      for (const resource of Object.values(resources(synth.out, type))) expect(tagsOf(resource).Name).toMatch(/^test-vpc/);
    }
  });

  test("subnets and route tables are named <vpc name>-<tier>-<zone> and tagged with their tier", () => {
    for (const tier of ["public", "private"] as const) {
      for (const zone of [AZ_A, AZ_B]) {
        expect(tagsOf(subnetOf(synth.out, tier, zone).resource)).toEqual({ Name: `test-vpc-${tier}-${zone}`, Tier: tier });
        expect(tagsOf(routeTableOf(synth.out, tier, zone).resource)).toEqual({ Name: `test-vpc-${tier}-${zone}`, Tier: tier });
      }
    }
  });

  test("no Kubernetes tags without the kubernetes prop", () => {
    for (const subnet of Object.values(resources(synth.out, "aws_subnet"))) {
      expect(Object.keys(tagsOf(subnet)).filter((k) => k.includes("kubernetes") || k.includes("karpenter"))).toEqual([]);
    }
  });

  test("the provider's default tags are left to the provider (not copied onto resources)", () => {
    expect(tagsOf(single(synth.out, "aws_vpc").resource).Environment).toBeUndefined();
  });
});

describe("name and tags", () => {
  test("name sets the VPC's Name and prefixes its children's names", () => {
    const { out, vpc } = synthVpc({ name: "core-net", interfaceEndpoints: ["sts"] });
    expect(vpc.vpcName).toBe("core-net");
    expect(tagsOf(single(out, "aws_vpc").resource).Name).toBe("core-net");
    expect(tagsOf(subnetOf(out, "private", AZ_A).resource).Name).toBe(`core-net-private-${AZ_A}`);
    expect(tagsOf(single(out, "aws_default_security_group").resource).Name).toBe("core-net-default");
    expect(single(out, "aws_security_group").resource.name).toBe("core-net-endpoints");
    expect(single(out, "aws_cloudwatch_log_group").resource.name).toBe("/aws/vpc-flow-logs/core-net");
    expect(single(out, "aws_iam_role").resource.name).toBe("core-net-flow-logs");
    expect(single(out, "aws_kms_alias").resource.name).toBe("alias/core-net-flow-logs");
    for (const nat of Object.values(resources(out, "aws_nat_gateway"))) expect(tagsOf(nat).Name).toMatch(/^core-net-nat-eu-west-1[ab]$/);
  });

  test("the default name follows the construct id, in lower case", () => {
    const stack = testStack();
    const vpc = new Vpc(stack, "MainVpc", baseProps());
    expect(vpc.vpcName).toBe("test-mainvpc");
    const out = synthesizeStack(stack);
    expect(tagsOf(single(out, "aws_vpc").resource).Name).toBe("test-mainvpc");
  });

  test("tags go on every taggable resource of the VPC, and cannot override Name or Tier", () => {
    const { out } = synthVpc({
      tags: { team: "network", Name: "ignored", Tier: "ignored" },
      interfaceEndpoints: ["sts"],
      subnetTiers: ["public", "private", "intra"],
    });
    const taggable = [
      "aws_vpc",
      "aws_default_security_group",
      "aws_internet_gateway",
      "aws_subnet",
      "aws_route_table",
      "aws_eip",
      "aws_nat_gateway",
      "aws_vpc_endpoint",
      "aws_security_group",
      "aws_vpc_security_group_ingress_rule",
      "aws_flow_log",
      "aws_cloudwatch_log_group",
      "aws_kms_key",
      "aws_iam_role",
    ];
    for (const type of taggable) {
      const all = Object.values(resources(out, type));
      expect(all.length).toBeGreaterThan(0);
      for (const resource of all) {
        expect(tagsOf(resource).team).toBe("network");
        expect(tagsOf(resource).Name).not.toBe("ignored");
      }
    }
    for (const subnet of Object.values(resources(out, "aws_subnet"))) {
      expect(["public", "private", "intra"]).toContain(tagsOf(subnet).Tier);
    }
  });
});

describe("kubernetes subnet tags", () => {
  let synth: SynthesizedVpc;
  beforeAll(() => {
    synth = synthVpc({
      subnetTiers: ["public", "private", "intra"],
      kubernetes: { clusterNames: ["blue", "green"], karpenterDiscovery: "blue" },
    });
  });

  test("public subnets: kubernetes.io/role/elb=1 and the cluster tags, no Karpenter tag", () => {
    for (const zone of [AZ_A, AZ_B]) {
      expect(tagsOf(subnetOf(synth.out, "public", zone).resource)).toEqual({
        Name: `test-vpc-public-${zone}`,
        Tier: "public",
        "kubernetes.io/role/elb": "1",
        "kubernetes.io/cluster/blue": "shared",
        "kubernetes.io/cluster/green": "shared",
      });
    }
  });

  test("private subnets: kubernetes.io/role/internal-elb=1, the cluster tags and karpenter.sh/discovery", () => {
    for (const zone of [AZ_A, AZ_B]) {
      expect(tagsOf(subnetOf(synth.out, "private", zone).resource)).toEqual({
        Name: `test-vpc-private-${zone}`,
        Tier: "private",
        "kubernetes.io/role/internal-elb": "1",
        "kubernetes.io/cluster/blue": "shared",
        "kubernetes.io/cluster/green": "shared",
        "karpenter.sh/discovery": "blue",
      });
    }
  });

  test("intra subnets get no Kubernetes tags", () => {
    for (const zone of [AZ_A, AZ_B]) {
      expect(tagsOf(subnetOf(synth.out, "intra", zone).resource)).toEqual({ Name: `test-vpc-intra-${zone}`, Tier: "intra" });
    }
  });

  test("route tables get no Kubernetes tags", () => {
    for (const table of Object.values(resources(synth.out, "aws_route_table"))) {
      expect(Object.keys(tagsOf(table)).sort()).toEqual(["Name", "Tier"]);
    }
  });

  test("an empty kubernetes prop still tags the load balancer roles, with no cluster or Karpenter tags", () => {
    const { out } = synthVpc({ kubernetes: {} });
    expect(tagsOf(subnetOf(out, "public", AZ_A).resource)).toEqual({ Name: `test-vpc-public-${AZ_A}`, Tier: "public", "kubernetes.io/role/elb": "1" });
    expect(tagsOf(subnetOf(out, "private", AZ_A).resource)).toEqual({
      Name: `test-vpc-private-${AZ_A}`,
      Tier: "private",
      "kubernetes.io/role/internal-elb": "1",
    });
  });
});

describe("attributes", () => {
  test("vpcId references the VPC resource; vpcCidrBlock is the literal range (readable in plans, no cross-stack read)", () => {
    const { out, outputs } = synthVpc({}, (vpc) => ({ id: vpc.vpcId, cidr: vpc.vpcCidrBlock }));
    const vpc = single(out, "aws_vpc");
    expect(outputs.id).toBe(ref("aws_vpc", vpc.name));
    expect(outputs.cidr).toBe("10.0.0.0/16");
  });

  test("subnet ids of each tier are in the order of availabilityZones, not of zone letters", () => {
    const zones = [AZ_C, AZ_A, AZ_B];
    const { out, outputs, vpc } = synthVpc(
      { availabilityZones: zones, subnetTiers: ["public", "private", "intra"] },
      (v) => ({
        public: v.publicSubnetIds,
        private: v.privateSubnetIds,
        intra: v.intraSubnetIds,
        intraViaTier: v.subnetIds("intra"),
        privateTables: v.routeTableIds("private"),
      }),
    );
    expect(vpc.availabilityZones).toEqual(zones);
    for (const tier of ["public", "private", "intra"] as const) {
      expect(outputs[tier]).toEqual(zones.map((z) => ref("aws_subnet", subnetOf(out, tier, z).name)));
    }
    expect(outputs.intraViaTier).toEqual(outputs.intra);
    expect(outputs.privateTables).toEqual(zones.map((z) => ref("aws_route_table", routeTableOf(out, "private", z).name)));
  });

  test("the ids of a tier the VPC does not have are an empty list", () => {
    const { vpc } = synthVpc();
    expect(vpc.intraSubnetIds).toEqual([]);
    expect(vpc.subnetIds("intra")).toEqual([]);
    expect(vpc.routeTableIds("intra")).toEqual([]);
    const { vpc: intraOnly } = synthVpc({ subnetTiers: ["intra"], natGateways: "none" });
    expect(intraOnly.publicSubnetIds).toEqual([]);
    expect(intraOnly.privateSubnetIds).toEqual([]);
    expect(intraOnly.intraSubnetIds).toHaveLength(2);
  });

  test("subnets are keyed <tier>-<zone> with their tier, zone, range, subnet and route table", () => {
    const { vpc } = synthVpc();
    expect(Object.keys(vpc.subnets).sort()).toEqual([`private-${AZ_A}`, `private-${AZ_B}`, `public-${AZ_A}`, `public-${AZ_B}`]);
    const subnet = vpc.subnets[`public-${AZ_B}`];
    expect(subnet.tier).toBe("public");
    expect(subnet.availabilityZone).toBe(AZ_B);
    expect(subnet.cidrBlock).toBe("10.0.136.0/21");
    expect(subnet.subnet.node.path).toBe(`test-unit/Vpc/Subnets/public-${AZ_B}/Subnet`);
    expect(subnet.routeTable.node.path).toBe(`test-unit/Vpc/Subnets/public-${AZ_B}/RouteTable`);
  });

  test("natGateways is keyed by zone; internetGateway is there only with a public tier", () => {
    const { vpc } = synthVpc();
    expect(Object.keys(vpc.natGateways)).toEqual([AZ_A, AZ_B]);
    expect(vpc.internetGateway).toBeDefined();
    const { vpc: intraOnly } = synthVpc({ subnetTiers: ["private", "intra"], natGateways: "none" });
    expect(intraOnly.internetGateway).toBeUndefined();
    expect(intraOnly.natGateways).toEqual({});
  });

  test("flowLogGroupName references the log group when flow logs go to CloudWatch", () => {
    const { out, outputs } = synthVpc({}, (vpc) => ({ group: vpc.flowLogGroupName }));
    const group = single(out, "aws_cloudwatch_log_group");
    expect(outputs.group).toBe(ref("aws_cloudwatch_log_group", group.name, "name"));
  });

  test("flowLogGroupName is undefined when flow logs go to S3 or nowhere", () => {
    expect(synthVpc({ flowLogs: { destination: "s3", s3BucketArn: "arn:aws:s3:::logs" } }).vpc.flowLogGroupName).toBeUndefined();
    expect(synthVpc({ flowLogs: { destination: "none" } }).vpc.flowLogGroupName).toBeUndefined();
  });

  test("resource is the aws_vpc", () => {
    const { vpc, out } = synthVpc();
    expect(vpc.resource.node.path).toBe("test-unit/Vpc/Resource");
    expect(addresses(out)).toContain(`aws_vpc.${single(out, "aws_vpc").name}`);
  });
});

describe("Vpc.fromVpcAttributes", () => {
  test("keeps the given attributes", () => {
    const vpc: IVpc = Vpc.fromVpcAttributes({
      vpcId: "vpc-0123",
      vpcCidrBlock: "10.1.0.0/16",
      availabilityZones: [AZ_A, AZ_B],
      publicSubnetIds: ["subnet-p1", "subnet-p2"],
      privateSubnetIds: ["subnet-q1", "subnet-q2"],
      intraSubnetIds: ["subnet-i1", "subnet-i2"],
    });
    expect(vpc).toEqual({
      vpcId: "vpc-0123",
      vpcCidrBlock: "10.1.0.0/16",
      availabilityZones: [AZ_A, AZ_B],
      publicSubnetIds: ["subnet-p1", "subnet-p2"],
      privateSubnetIds: ["subnet-q1", "subnet-q2"],
      intraSubnetIds: ["subnet-i1", "subnet-i2"],
    });
  });

  test("subnet ids that are not given are empty lists", () => {
    const vpc = Vpc.fromVpcAttributes({ vpcId: "vpc-0123", vpcCidrBlock: "10.1.0.0/16", availabilityZones: [AZ_A] });
    expect(vpc.publicSubnetIds).toEqual([]);
    expect(vpc.privateSubnetIds).toEqual([]);
    expect(vpc.intraSubnetIds).toEqual([]);
  });

  test("takes a Vpc's own attributes, which resolve to the same references", () => {
    const { out, outputs } = synthVpc({}, (owned) => {
      const imported = Vpc.fromVpcAttributes({
        vpcId: owned.vpcId,
        vpcCidrBlock: owned.vpcCidrBlock,
        availabilityZones: owned.availabilityZones,
        publicSubnetIds: owned.publicSubnetIds,
        privateSubnetIds: owned.privateSubnetIds,
      });
      return { id: imported.vpcId, public: imported.publicSubnetIds, private: imported.privateSubnetIds, intra: imported.intraSubnetIds };
    });
    expect(outputs.id).toBe(ref("aws_vpc", single(out, "aws_vpc").name));
    expect(outputs.public).toEqual([AZ_A, AZ_B].map((z) => ref("aws_subnet", subnetOf(out, "public", z).name)));
    expect(outputs.private).toEqual([AZ_A, AZ_B].map((z) => ref("aws_subnet", subnetOf(out, "private", z).name)));
    expect(outputs.intra).toEqual([]);
  });
});

describe("a cidrBlock known only at apply time", () => {
  test("works with explicit subnetCidrs: the VPC and the endpoint rule take the reference", () => {
    const stack = testStack();
    const cidr = new TerraformVariable(stack, "vpc_cidr", { type: "string" });
    new Vpc(stack, "Vpc", {
      cidrBlock: cidr.stringValue,
      availabilityZones: [AZ_A, AZ_B],
      interfaceEndpoints: ["sts"],
      subnetCidrs: {
        public: { [AZ_A]: "10.9.0.0/24", [AZ_B]: "10.9.1.0/24" },
        private: { [AZ_A]: "10.9.16.0/20", [AZ_B]: "10.9.32.0/20" },
      },
    });
    const out = synthesizeStack(stack);
    expect(single(out, "aws_vpc").resource.cidr_block).toBe("${var.vpc_cidr}");
    expect(single(out, "aws_vpc_security_group_ingress_rule").resource.cidr_ipv4).toBe("${var.vpc_cidr}");
    expect(subnetOf(out, "public", AZ_B).resource.cidr_block).toBe("10.9.1.0/24");
    expect(subnetOf(out, "private", AZ_A).resource.cidr_block).toBe("10.9.16.0/20");
  });

  test("a subnet range known only at apply time is passed through", () => {
    const stack = testStack();
    const range = new TerraformVariable(stack, "range", { type: "string" });
    new Vpc(stack, "Vpc", baseProps({ subnetCidrs: { private: { [AZ_B]: range.stringValue } } }));
    const out = synthesizeStack(stack);
    expect(subnetOf(out, "private", AZ_B).resource.cidr_block).toBe("${var.range}");
    expect(subnetOf(out, "private", AZ_A).resource.cidr_block).toBe("10.0.0.0/20");
  });
});
