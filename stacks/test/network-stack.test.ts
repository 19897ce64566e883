import { Testing } from "cdktf";
import { testEnvironmentConfig, type EnvironmentConfig, type SynthesizedStack } from "@platform/core";
import { NetworkStack } from "../src";

function synth(overrides: Parameters<typeof testEnvironmentConfig>[0] = {}): { stack: NetworkStack; out: SynthesizedStack } {
  const stack = new NetworkStack(Testing.app(), testEnvironmentConfig(overrides));
  return { stack, out: JSON.parse(Testing.synth(stack, true)) as SynthesizedStack };
}

describe("NetworkStack", () => {
  it("is named <env>-network: the stack name is its state key and workspace, so it is public API", () => {
    const { stack } = synth({ name: "qa" });
    expect(stack.node.id).toBe("qa-network");
  });

  it("builds the VPC from the environment's network configuration", () => {
    const { out } = synth({
      availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
      network: {
        cidr: "10.42.0.0/16",
        natGateways: "perAz",
        subnetTiers: ["public", "private", "intra"],
        interfaceEndpoints: ["ecr.api", "logs"],
        flowLogs: { retentionDays: 90 },
      },
    });
    const vpcs = Object.values(out.resource!.aws_vpc);
    expect(vpcs).toHaveLength(1);
    expect(vpcs[0]).toMatchObject({ cidr_block: "10.42.0.0/16", enable_dns_hostnames: true, enable_dns_support: true });
    expect(Object.keys(out.resource!.aws_subnet)).toHaveLength(9);
    expect(Object.keys(out.resource!.aws_nat_gateway)).toHaveLength(3);
    const endpoints = Object.values(out.resource!.aws_vpc_endpoint).map((e) => e.service_name);
    expect(endpoints.sort()).toEqual(["com.amazonaws.eu-west-1.ecr.api", "com.amazonaws.eu-west-1.logs", "com.amazonaws.eu-west-1.s3"]);
    expect(Object.values(out.resource!.aws_cloudwatch_log_group)[0]).toMatchObject({ retention_in_days: 90 });
  });

  it("exports the VPC id, range and each tier's subnet ids as outputs", () => {
    const { out } = synth({ network: { cidr: "10.0.0.0/16", natGateways: "none", subnetTiers: ["private", "intra"] } });
    expect(Object.keys(out.output!).sort()).toEqual(["intra_subnet_ids", "private_subnet_ids", "vpc_cidr_block", "vpc_id"]);
    expect(out.output!.private_subnet_ids.value).toHaveLength(2);
    expect(out.output!.private_subnet_ids.description).toContain("eu-west-1a, eu-west-1b");
  });

  it("passes the Kubernetes subnet tags through", () => {
    const { out } = synth({ network: { cidr: "10.0.0.0/16", natGateways: "single", kubernetes: { clusterNames: ["test-eks"], karpenterDiscovery: "test-eks" } } });
    const privateSubnet = Object.values(out.resource!.aws_subnet).find((s) => (s.tags as Record<string, string>).Tier === "private");
    expect(privateSubnet!.tags).toMatchObject({
      "kubernetes.io/cluster/test-eks": "shared",
      "kubernetes.io/role/internal-elb": "1",
      "karpenter.sh/discovery": "test-eks",
    });
  });
});

describe("NetworkStack subnet tags for EKS", () => {
  const EKS: EnvironmentConfig["eks"] = { version: "1.32", nodeGroups: { system: { instanceTypes: ["t4g.large"], minSize: 1, maxSize: 3 } } };
  const tagsOf = (out: SynthesizedStack, tier: string) =>
    Object.values(out.resource!.aws_subnet)
      .map((s) => s.tags as Record<string, string>)
      .filter((t) => t.Tier === tier);

  it("with an eks section, tags the public and private subnets for the cluster <env>-eks and its load balancers, without being asked", () => {
    const { out } = synth({ name: "qa", eks: EKS });
    for (const tags of tagsOf(out, "public")) expect(tags).toMatchObject({ "kubernetes.io/cluster/qa-eks": "shared", "kubernetes.io/role/elb": "1" });
    for (const tags of tagsOf(out, "private")) expect(tags).toMatchObject({ "kubernetes.io/cluster/qa-eks": "shared", "kubernetes.io/role/internal-elb": "1" });
  });

  it("keeps configured cluster names and the Karpenter discovery tag, and lists <env>-eks once", () => {
    const { out } = synth({ name: "qa", eks: EKS, network: { cidr: "10.0.0.0/16", natGateways: "single", kubernetes: { clusterNames: ["qa-eks", "legacy"], karpenterDiscovery: "qa-eks" } } });
    for (const tags of tagsOf(out, "private")) {
      expect(tags).toMatchObject({ "kubernetes.io/cluster/qa-eks": "shared", "kubernetes.io/cluster/legacy": "shared", "karpenter.sh/discovery": "qa-eks" });
    }
  });

  it("adds no Kubernetes tags without an eks section or network.kubernetes", () => {
    const { out } = synth({ name: "qa" });
    for (const tier of ["public", "private"]) for (const tags of tagsOf(out, tier)) expect(Object.keys(tags).filter((k) => k.startsWith("kubernetes.io/"))).toEqual([]);
  });
});
