import { Construct } from "constructs";
import { Token } from "cdktf";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { AwsEnvironment, NameRules, ValidationError, physicalName, showValue } from "@platform/core";
import { Connections, type IConnectable, type IVpc } from "@platform/vpc";
import { dnsValidatedCertificate } from "./dns-validated-certificate";

/** A load balancer's HTTPS listener that services attach to with host and path rules. */
export interface IHttpsListener extends IConnectable {
  readonly listenerArn: string;
  /** The listener's certificate and TLS policy, for further listeners on the same load balancer. */
  readonly certificateArn: string;
  readonly sslPolicy: string;
  readonly loadBalancerArn: string;
  /** `app/<name>/<id>`, for request-count scaling metrics. */
  readonly loadBalancerArnSuffix: string;
  readonly dnsName: string;
  readonly zoneId: string;
}

/** The certificate of the HTTPS listener. */
export type ListenerCertificate =
  | { readonly certificateArn: string }
  /** A certificate that ACM issues for `domainName`, validated by DNS records in the zone. */
  | { readonly domainName: string; readonly hostedZoneId: string; readonly subjectAlternativeNames?: readonly string[] };

export interface ServiceLoadBalancerProps {
  readonly vpc: IVpc;
  /** Reachable from the internet (public subnets) or only inside the VPC (private subnets). @default false */
  readonly internetFacing?: boolean;
  readonly certificate: ListenerCertificate;
  /**
   * Ranges that may connect on 443 (and 80, which only redirects).
   * @default - internet-facing: 0.0.0.0/0; internal: the VPC range
   */
  readonly ingressCidrs?: readonly string[];
  /** An alias record for the load balancer. @default - none */
  readonly dns?: { readonly hostedZoneId: string; readonly recordName: string };
  /** Access logs to an S3 bucket that allows the ELB log delivery. @default - off */
  readonly accessLogs?: { readonly bucket: string; readonly prefix?: string };
  /** @default "ELBSecurityPolicy-TLS13-1-2-2021-06" (TLS 1.2 and 1.3) */
  readonly sslPolicy?: string;
  /** @default 60 */
  readonly idleTimeoutSeconds?: number;
  /** @default - on in production */
  readonly deletionProtection?: boolean;
  /** @default `<environment>-<construct id>` */
  readonly name?: string;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

const TLS_POLICIES = /^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)/;

/**
 * An Application Load Balancer for services: HTTPS only (HTTP answers with a redirect), TLS 1.2
 * or newer, invalid headers dropped, a security group that admits 443/80 from the given ranges
 * and reaches nothing until a service allows it, and a certificate given or issued by ACM.
 * Services attach to its `httpsListener` with host and path rules, so one load balancer can
 * front many services.
 *
 * Construct ids (public API): `Resource`, `SecurityGroup`, `Https`, `HttpRedirect`,
 * `Certificate`, `CertificateValidation`, `Alias`.
 */
export class ServiceLoadBalancer extends Construct implements IHttpsListener {
  public readonly connections: Connections;
  public readonly listenerArn: string;
  public readonly certificateArn: string;
  public readonly sslPolicy: string;
  public readonly loadBalancerArn: string;
  public readonly loadBalancerArnSuffix: string;
  public readonly dnsName: string;
  public readonly zoneId: string;

  constructor(scope: Construct, id: string, props: ServiceLoadBalancerProps) {
    super(scope, id);
    const env = AwsEnvironment.of(this);
    const fail = (message: string): never => {
      throw new ValidationError(message, this);
    };
    const internetFacing = props.internetFacing ?? false;
    const name = props.name ?? physicalName([env.environment, id.toLowerCase()], NameRules.loadBalancer);
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/.test(name) || name.startsWith("internal-")) {
      fail(`'name' must be 1-32 letters, digits and hyphens, not starting with internal-, got ${showValue(name)}`);
    }
    const sslPolicy = props.sslPolicy ?? "ELBSecurityPolicy-TLS13-1-2-2021-06";
    if (!TLS_POLICIES.test(sslPolicy)) fail(`'sslPolicy' must allow TLS 1.2 or newer only (ELBSecurityPolicy-TLS13-1-2-..., -TLS-1-2-..., -FS-1-2-...), got ${showValue(sslPolicy)}`);
    const subnets = internetFacing ? props.vpc.publicSubnetIds : props.vpc.privateSubnetIds;
    if (subnets.length < 2) {
      fail(`an ${internetFacing ? "internet-facing" : "internal"} load balancer needs ${internetFacing ? "public" : "private"} subnets in at least 2 zones, the VPC has ${subnets.length}`);
    }
    const idle = props.idleTimeoutSeconds ?? 60;
    if (!Number.isInteger(idle) || idle < 1 || idle > 4000) fail(`'idleTimeoutSeconds' must be a whole number from 1 to 4000, got ${showValue(idle)}`);
    const ingress = props.ingressCidrs ?? (internetFacing ? ["0.0.0.0/0"] : [props.vpc.vpcCidrBlock]);
    if (!internetFacing && ingress.includes("0.0.0.0/0")) fail("'ingressCidrs' includes 0.0.0.0/0 on an internal load balancer; set internetFacing to be reachable from the internet");
    const tags = { ...props.tags, Name: name };

    const securityGroup = new SecurityGroup(this, "SecurityGroup", {
      name: `${name}-alb`,
      description: `Load balancer ${name}: HTTPS (and HTTP, redirected) from ${internetFacing ? "the allowed ranges" : "inside the VPC"}`,
      vpcId: props.vpc.vpcId,
      tags,
      lifecycle: { createBeforeDestroy: true },
    });
    this.connections = new Connections(securityGroup, securityGroup.id);
    ingress.forEach((cidr, i) => {
      // A range only known at apply time (an imported VPC's) is keyed by its position.
      const key = Token.isUnresolved(cidr) ? `ingress-cidr-${i}` : undefined;
      this.connections.allowFromCidr(cidr, 443, "HTTPS", key);
      this.connections.allowFromCidr(cidr, 80, "HTTP, redirected to HTTPS", key);
    });

    const lb = new Lb(this, "Resource", {
      name,
      loadBalancerType: "application",
      internal: !internetFacing,
      subnets,
      securityGroups: [securityGroup.id],
      dropInvalidHeaderFields: true,
      desyncMitigationMode: "strictest",
      idleTimeout: idle,
      enableDeletionProtection: props.deletionProtection ?? env.production,
      accessLogs: props.accessLogs ? { bucket: props.accessLogs.bucket, prefix: props.accessLogs.prefix, enabled: true } : undefined,
      tags,
    });
    this.loadBalancerArn = lb.arn;
    this.loadBalancerArnSuffix = lb.arnSuffix;
    this.dnsName = lb.dnsName;
    this.zoneId = lb.zoneId;

    let certificateArn: string;
    if ("certificateArn" in props.certificate) {
      if (!/^arn:aws(-cn|-us-gov)?:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/.test(props.certificate.certificateArn)) {
        fail(`'certificate.certificateArn' must be an ACM certificate ARN, got ${showValue(props.certificate.certificateArn)}`);
      }
      certificateArn = props.certificate.certificateArn;
    } else {
      const { domainName, hostedZoneId } = props.certificate;
      if (!/^(\*\.)?([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/.test(domainName)) fail(`'certificate.domainName' must be a DNS name, got ${showValue(domainName)}`);
      certificateArn = dnsValidatedCertificate(this, { domainName, hostedZoneId, subjectAlternativeNames: props.certificate.subjectAlternativeNames, tags });
    }

    const https = new LbListener(this, "Https", {
      loadBalancerArn: lb.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy,
      certificateArn,
      defaultAction: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "not found" } }],
      tags,
    });
    this.listenerArn = https.arn;
    this.certificateArn = certificateArn;
    this.sslPolicy = sslPolicy;
    new LbListener(this, "HttpRedirect", {
      loadBalancerArn: lb.arn,
      port: 80,
      protocol: "HTTP",
      defaultAction: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
      tags,
    });

    if (props.dns) {
      new Route53Record(this, "Alias", {
        zoneId: props.dns.hostedZoneId,
        name: props.dns.recordName,
        type: "A",
        alias: { name: lb.dnsName, zoneId: lb.zoneId, evaluateTargetHealth: true },
      });
    }
  }
}
