import { Construct } from "constructs";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { Token } from "cdktf";
import { ValidationError, showValue } from "@platform/core";

/** Something with a security group that traffic can be allowed to or from. */
export interface IConnectable {
  readonly connections: Connections;
}

/** A TCP port or range: `443`, or `{ from: 32768, to: 65535 }`. */
export type Port = number | { readonly from: number; readonly to: number };

/**
 * The security group of a construct, and intent methods that write its rules:
 * `service.connections.allowFrom(loadBalancer, 8080, "traffic from the load balancer")` adds an
 * ingress rule to the service's group and the matching egress rule to the load balancer's.
 * Each rule is a resource of its own, keyed by peer and port, so adding one never touches another.
 */
export class Connections {
  constructor(
    private readonly scope: Construct,
    public readonly securityGroupId: string,
  ) {}

  /** Lets `peer` reach this group on `port` (TCP). */
  public allowFrom(peer: IConnectable, port: Port, description: string): void {
    const [from, to] = range(port, this.scope);
    const key = `${peer.connections.scope.node.path.replace(/\//g, "-")}-${from}-${to}`;
    new VpcSecurityGroupIngressRule(this.scope, `From-${key}`, {
      securityGroupId: this.securityGroupId,
      referencedSecurityGroupId: peer.connections.securityGroupId,
      ipProtocol: "tcp",
      fromPort: from,
      toPort: to,
      description,
    });
    new VpcSecurityGroupEgressRule(peer.connections.scope, `To-${this.scope.node.path.replace(/\//g, "-")}-${from}-${to}`, {
      securityGroupId: peer.connections.securityGroupId,
      referencedSecurityGroupId: this.securityGroupId,
      ipProtocol: "tcp",
      fromPort: from,
      toPort: to,
      description,
    });
  }

  /**
   * Lets an IPv4 range reach this group on `port` (TCP). `0.0.0.0/0` only where asked for.
   * The rule is keyed by the range; a range only known at apply time needs a `key` of its own.
   */
  public allowFromCidr(cidr: string, port: Port, description: string, key?: string): void {
    this.cidrRule("From", VpcSecurityGroupIngressRule, cidr, port, description, key);
  }

  /** Lets this group reach an IPv4 range on `port` (TCP). Keyed like `allowFromCidr`. */
  public allowToCidr(cidr: string, port: Port, description: string, key?: string): void {
    this.cidrRule("To", VpcSecurityGroupEgressRule, cidr, port, description, key);
  }

  private cidrRule(
    direction: "From" | "To",
    Rule: typeof VpcSecurityGroupIngressRule | typeof VpcSecurityGroupEgressRule,
    cidr: string,
    port: Port,
    description: string,
    key: string | undefined,
  ): void {
    const [from, to] = range(port, this.scope);
    new Rule(this.scope, `${direction}-${cidrKey(cidr, key, this.scope)}-${from}-${to}`, {
      securityGroupId: this.securityGroupId,
      cidrIpv4: cidr,
      ipProtocol: "tcp",
      fromPort: from,
      toPort: to,
      description,
    });
  }
}

function cidrKey(cidr: string, key: string | undefined, scope: Construct): string {
  if (key !== undefined) return key;
  if (Token.isUnresolved(cidr)) {
    throw new ValidationError("a range only known at apply time needs a 'key' for its rule (the rule's id, which must be stable)", scope);
  }
  return cidr.replace(/[./]/g, "-");
}

function range(port: Port, scope: Construct): [number, number] {
  const [from, to] = typeof port === "number" ? [port, port] : [port.from, port.to];
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > 65535 || from > to) {
    throw new ValidationError(`a port must be a whole number from 0 to 65535 (or a from-to range within it), got ${showValue(port)}`, scope);
  }
  return [from, to];
}
