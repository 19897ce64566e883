import { Construct } from "constructs";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { AwsEnvironment, type GatewayEndpointService, type InterfaceEndpointService } from "@platform/core";

export interface VpcEndpointsProps {
  readonly vpcId: string;
  readonly vpcCidrBlock: string;
  readonly vpcName: string;
  readonly gatewayEndpoints: readonly GatewayEndpointService[];
  readonly interfaceEndpoints: readonly InterfaceEndpointService[];
  /** Route tables that gateway endpoints are attached to. */
  readonly routeTableIds: string[];
  /** Subnets that interface endpoints get a network interface in. */
  readonly subnetIds: string[];
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Gateway endpoints on every route table, and interface endpoints with private DNS behind one
 * security group that admits HTTPS from the VPC's range and nothing else (no egress rules: an
 * endpoint answers, it never calls out). Keyed by service: `Endpoints/<service>`.
 */
export class VpcEndpoints extends Construct {
  public readonly securityGroupId?: string;

  constructor(scope: Construct, id: string, props: VpcEndpointsProps) {
    super(scope, id);
    const { region } = AwsEnvironment.of(this);
    const serviceName = (service: string) => `com.amazonaws.${region}.${service}`;

    for (const service of props.gatewayEndpoints) {
      new VpcEndpoint(this, service, {
        vpcId: props.vpcId,
        serviceName: serviceName(service),
        vpcEndpointType: "Gateway",
        routeTableIds: props.routeTableIds,
        tags: { ...props.tags, Name: `${props.vpcName}-${service}` },
      });
    }

    if (props.interfaceEndpoints.length === 0) return;
    const securityGroup = new SecurityGroup(this, "SecurityGroup", {
      name: `${props.vpcName}-endpoints`,
      description: "Interface endpoints: HTTPS from the VPC only",
      vpcId: props.vpcId,
      tags: { ...props.tags, Name: `${props.vpcName}-endpoints` },
      lifecycle: { createBeforeDestroy: true },
    });
    new VpcSecurityGroupIngressRule(securityGroup, "HttpsFromVpc", {
      securityGroupId: securityGroup.id,
      description: "HTTPS from the VPC range",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: props.vpcCidrBlock,
      tags: { ...props.tags, Name: `${props.vpcName}-endpoints-https` },
    });
    this.securityGroupId = securityGroup.id;

    for (const service of props.interfaceEndpoints) {
      new VpcEndpoint(this, service, {
        vpcId: props.vpcId,
        serviceName: serviceName(service),
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: props.subnetIds,
        securityGroupIds: [securityGroup.id],
        tags: { ...props.tags, Name: `${props.vpcName}-${service}` },
      });
    }
  }
}
