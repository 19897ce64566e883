import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { PlatformStack, type ValidatedEnvironmentConfig } from "@platform/core";
import { Vpc } from "@platform/vpc";
import { eksClusterName } from "./eks-stack";

/**
 * `<env>-network`: the environment's VPC, from its `network` configuration.
 * Later stacks take `networkStack.vpc` (an `IVpc`); cdktf turns the references into remote state.
 */
export class NetworkStack extends PlatformStack {
  public readonly vpc: Vpc;

  constructor(scope: Construct, config: ValidatedEnvironmentConfig) {
    super(scope, "network", { config });
    const net = config.network;
    this.vpc = new Vpc(this, "Vpc", {
      cidrBlock: net.cidr,
      availabilityZones: config.availabilityZones,
      subnetTiers: net.subnetTiers,
      subnetCidrs: net.subnetCidrs,
      natGateways: net.natGateways,
      gatewayEndpoints: net.gatewayEndpoints,
      interfaceEndpoints: net.interfaceEndpoints,
      flowLogs: net.flowLogs,
      kubernetes: kubernetesTags(config),
    });

    new TerraformOutput(this, "vpc_id", { value: this.vpc.vpcId, description: "The VPC's id" });
    new TerraformOutput(this, "vpc_cidr_block", { value: this.vpc.vpcCidrBlock, description: "The VPC's IPv4 range" });
    for (const tier of this.vpc.subnetTiers) {
      new TerraformOutput(this, `${tier}_subnet_ids`, {
        value: this.vpc.subnetIds(tier),
        description: `The ${tier} subnets, in the order of availabilityZones (${config.availabilityZones.join(", ")})`,
      });
    }
  }
}

/**
 * Subnet tags for EKS: the configured ones, and with an `eks` section always the cluster
 * `<env>-eks`, whose load balancer controller finds its subnets by them.
 */
function kubernetesTags(config: ValidatedEnvironmentConfig): ValidatedEnvironmentConfig["network"]["kubernetes"] {
  const given = config.network.kubernetes;
  if (!config.eks) return given;
  const clusterNames = [...new Set([...(given?.clusterNames ?? []), eksClusterName(config)])];
  return { ...given, clusterNames };
}
