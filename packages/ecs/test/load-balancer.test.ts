// ServiceLoadBalancer: an internal (or internet-facing) HTTPS-only ALB, its security group, the
// HTTPS and redirecting HTTP listeners, the certificate given or issued by ACM; and services
// attaching to it through their own load balancer or a shared listener's host and path rules.
import type { SynthesizedStack } from "@platform/core";
import { Vpc } from "@platform/vpc";
import { ServiceLoadBalancer, type ServiceLoadBalancerProps } from "../src";
import {
  AZ_A,
  AZ_B,
  CERTIFICATE_ARN,
  PRODUCTION,
  addService,
  at,
  bodyAt,
  count,
  fixture,
  ref,
  refAt,
  ruleShape,
  rulesOf,
  single,
  synth,
  vpcProps,
  type Fixture,
} from "./support";

const BY_ARN = { certificateArn: CERTIFICATE_ARN };

/** A service `Api` with a load balancer of its own. */
function synthOwn(create: Partial<ServiceLoadBalancerProps> = {}, options: { healthCheckPath?: string; production?: boolean } = {}): SynthesizedStack {
  const f = fixture({ environment: options.production ? PRODUCTION : undefined });
  addService(f, "Api", { loadBalancing: { create: { certificate: BY_ARN, ...create }, healthCheckPath: options.healthCheckPath } });
  return synth(f.stack).out;
}

function ingressOf(out: SynthesizedStack, group = "Api/LoadBalancer/SecurityGroup") {
  return rulesOf(out, "aws_vpc_security_group_ingress_rule", group).map(ruleShape);
}

describe("a service's own load balancer, by default", () => {
  let out: SynthesizedStack;
  beforeAll(() => {
    out = synthOwn();
  });

  test("internal, in the private subnets, named after the service", () => {
    expect(bodyAt(out, "aws_lb", "Api/LoadBalancer")).toEqual({
      name: "test-api",
      load_balancer_type: "application",
      internal: true,
      subnets: [refAt(out, "aws_subnet", `Vpc/Subnets/private-${AZ_A}/Subnet`), refAt(out, "aws_subnet", `Vpc/Subnets/private-${AZ_B}/Subnet`)],
      security_groups: [refAt(out, "aws_security_group", "Api/LoadBalancer/SecurityGroup")],
      drop_invalid_header_fields: true,
      desync_mitigation_mode: "strictest",
      idle_timeout: 60,
      enable_deletion_protection: false,
      tags: { Name: "test-api" },
    });
  });

  test("admits HTTPS and HTTP from the VPC's range, and nothing else", () => {
    expect(ingressOf(out)).toEqual([
      { ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "10.0.0.0/16" },
      { ip_protocol: "tcp", from_port: 80, to_port: 80, cidr_ipv4: "10.0.0.0/16" },
    ]);
    expect(bodyAt(out, "aws_security_group", "Api/LoadBalancer/SecurityGroup")).toMatchObject({
      name: "test-api-alb",
      description: "Load balancer test-api: HTTPS (and HTTP, redirected) from inside the VPC",
      vpc_id: refAt(out, "aws_vpc", "Vpc"),
      lifecycle: { create_before_destroy: true },
    });
  });

  test("the ingress rules are keyed by range and port", () => {
    expect(at(out, "aws_vpc_security_group_ingress_rule", "Api/LoadBalancer/SecurityGroup/From-10-0-0-0-16-443-443").resource.description).toBe("HTTPS");
    expect(at(out, "aws_vpc_security_group_ingress_rule", "Api/LoadBalancer/SecurityGroup/From-10-0-0-0-16-80-80").resource.description).toBe("HTTP, redirected to HTTPS");
  });

  test("the HTTPS listener: TLS 1.2 and 1.3, the certificate, a fixed 404 for anything no rule takes", () => {
    expect(bodyAt(out, "aws_lb_listener", "Api/LoadBalancer/Https")).toEqual({
      load_balancer_arn: refAt(out, "aws_lb", "Api/LoadBalancer", "arn"),
      port: 443,
      protocol: "HTTPS",
      ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificate_arn: CERTIFICATE_ARN,
      default_action: [{ type: "fixed-response", fixed_response: { content_type: "text/plain", status_code: "404", message_body: "not found" } }],
      tags: { Name: "test-api" },
    });
  });

  test("the HTTP listener only redirects to HTTPS with a 301", () => {
    expect(bodyAt(out, "aws_lb_listener", "Api/LoadBalancer/HttpRedirect")).toMatchObject({
      port: 80,
      protocol: "HTTP",
      default_action: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" } }],
    });
  });

  test("no ACM certificate, no DNS records", () => {
    expect(count(out, "aws_acm_certificate")).toBe(0);
    expect(count(out, "aws_acm_certificate_validation")).toBe(0);
    expect(count(out, "aws_route53_record")).toBe(0);
  });

  test("the target group: the container port over HTTP, IP targets, health checks on /", () => {
    expect(bodyAt(out, "aws_lb_target_group", "Api/TargetGroup")).toEqual({
      name_prefix: "svc-",
      port: 8080,
      protocol: "HTTP",
      target_type: "ip",
      vpc_id: refAt(out, "aws_vpc", "Vpc"),
      deregistration_delay: "30",
      health_check: { enabled: true, path: "/", matcher: "200-399", interval: 15, healthy_threshold: 2, unhealthy_threshold: 3, timeout: 5 },
      tags: { Name: "test-api" },
      lifecycle: { create_before_destroy: true },
    });
  });

  test("the listener rule forwards everything (/*) at priority 1", () => {
    expect(bodyAt(out, "aws_lb_listener_rule", "Api/ListenerRule")).toEqual({
      listener_arn: refAt(out, "aws_lb_listener", "Api/LoadBalancer/Https", "arn"),
      priority: 1,
      action: [{ type: "forward", target_group_arn: refAt(out, "aws_lb_target_group", "Api/TargetGroup", "arn") }],
      condition: [{ path_pattern: { values: ["/*"] } }],
      tags: { Name: "test-api" },
    });
  });

  test("the service registers its container with the target group, after it exists, with a grace period", () => {
    const service = bodyAt(out, "aws_ecs_service", "Api");
    expect(service.load_balancer).toEqual([{ target_group_arn: refAt(out, "aws_lb_target_group", "Api/TargetGroup", "arn"), container_name: "app", container_port: 8080 }]);
    expect(service.health_check_grace_period_seconds).toBe(60);
    expect(service.depends_on).toEqual([`aws_lb_target_group.${at(out, "aws_lb_target_group", "Api/TargetGroup").name}`]);
  });
});

describe("options", () => {
  test("internet-facing: public subnets, open to the internet on 443 and 80", () => {
    const out = synthOwn({ internetFacing: true });
    expect(bodyAt(out, "aws_lb", "Api/LoadBalancer")).toMatchObject({
      internal: false,
      subnets: [refAt(out, "aws_subnet", `Vpc/Subnets/public-${AZ_A}/Subnet`), refAt(out, "aws_subnet", `Vpc/Subnets/public-${AZ_B}/Subnet`)],
    });
    expect(ingressOf(out)).toEqual([
      { ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0" },
      { ip_protocol: "tcp", from_port: 80, to_port: 80, cidr_ipv4: "0.0.0.0/0" },
    ]);
    expect(bodyAt(out, "aws_security_group", "Api/LoadBalancer/SecurityGroup").description).toBe("Load balancer test-api: HTTPS (and HTTP, redirected) from the allowed ranges");
  });

  test("ingressCidrs replace the default ranges", () => {
    const out = synthOwn({ ingressCidrs: ["10.20.0.0/16", "192.168.1.0/24"] });
    expect(ingressOf(out)).toEqual([
      { ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "10.20.0.0/16" },
      { ip_protocol: "tcp", from_port: 80, to_port: 80, cidr_ipv4: "10.20.0.0/16" },
      { ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "192.168.1.0/24" },
      { ip_protocol: "tcp", from_port: 80, to_port: 80, cidr_ipv4: "192.168.1.0/24" },
    ]);
    expect(at(out, "aws_vpc_security_group_ingress_rule", "Api/LoadBalancer/SecurityGroup/From-10-20-0-0-16-443-443")).toBeDefined();
  });

  test("an internet-facing load balancer limited to given ranges", () => {
    const out = synthOwn({ internetFacing: true, ingressCidrs: ["203.0.113.0/24"] });
    expect(ingressOf(out).map((r) => r.cidr_ipv4)).toEqual(["203.0.113.0/24", "203.0.113.0/24"]);
  });

  test("a range of another VPC, known only at apply time, is keyed by its position", () => {
    const f = fixture();
    const peer = new Vpc(f.stack, "Peer", vpcProps({ cidrBlock: "10.9.0.0/16" }));
    addService(f, "Api", { loadBalancing: { create: { certificate: BY_ARN, ingressCidrs: ["10.8.0.0/16", peer.resource.cidrBlock] } } });
    const out = synth(f.stack).out;
    expect(at(out, "aws_vpc_security_group_ingress_rule", "Api/LoadBalancer/SecurityGroup/From-ingress-cidr-1-443-443").resource.cidr_ipv4).toBe(
      refAt(out, "aws_vpc", "Peer", "cidr_block"),
    );
    expect(ingressOf(out).map((r) => r.cidr_ipv4)).toEqual(["10.8.0.0/16", "10.8.0.0/16", refAt(out, "aws_vpc", "Peer", "cidr_block"), refAt(out, "aws_vpc", "Peer", "cidr_block")]);
  });

  test("deletion protection: on in production, off elsewhere, and settable", () => {
    const protectedIn = (create: Partial<ServiceLoadBalancerProps>, production: boolean) =>
      bodyAt(synthOwn(create, { production }), "aws_lb", "Api/LoadBalancer").enable_deletion_protection;
    expect(protectedIn({}, true)).toBe(true);
    expect(protectedIn({}, false)).toBe(false);
    expect(protectedIn({ deletionProtection: false }, true)).toBe(false);
    expect(protectedIn({ deletionProtection: true }, false)).toBe(true);
  });

  test("a certificate issued by ACM for domainName, validated through a DNS record in the zone", () => {
    const out = synthOwn({ certificate: { domainName: "api.example.com", hostedZoneId: "Z0123456789ABC", subjectAlternativeNames: ["*.api.example.com"] } });
    const certificate = at(out, "aws_acm_certificate", "Api/LoadBalancer/Certificate");
    expect(certificate.resource).toEqual({
      domain_name: "api.example.com",
      subject_alternative_names: ["*.api.example.com"],
      validation_method: "DNS",
      key_algorithm: "EC_prime256v1",
      tags: { Name: "test-api" },
      lifecycle: { create_before_destroy: true },
    });
    const option = (attribute: string) => `\${tolist(aws_acm_certificate.${certificate.name}.domain_validation_options).0.${attribute}}`;
    expect(bodyAt(out, "aws_route53_record", "Api/LoadBalancer/CertificateRecord")).toEqual({
      zone_id: "Z0123456789ABC",
      name: option("resource_record_name"),
      type: option("resource_record_type"),
      records: [option("resource_record_value")],
      ttl: 300,
      allow_overwrite: true,
    });
    expect(bodyAt(out, "aws_acm_certificate_validation", "Api/LoadBalancer/CertificateValidation")).toEqual({
      certificate_arn: ref("aws_acm_certificate", certificate.name, "arn"),
      validation_record_fqdns: [refAt(out, "aws_route53_record", "Api/LoadBalancer/CertificateRecord", "fqdn")],
    });
    expect(bodyAt(out, "aws_lb_listener", "Api/LoadBalancer/Https").certificate_arn).toBe(
      refAt(out, "aws_acm_certificate_validation", "Api/LoadBalancer/CertificateValidation", "certificate_arn"),
    );
  });

  test("without subjectAlternativeNames the certificate lists none", () => {
    const out = synthOwn({ certificate: { domainName: "api.example.com", hostedZoneId: "Z0123456789ABC" } });
    expect(single(out, "aws_acm_certificate").resource.subject_alternative_names).toBeUndefined();
  });

  test("dns: an alias A record to the load balancer", () => {
    const out = synthOwn({ dns: { hostedZoneId: "Z0123456789ABC", recordName: "api.internal.example.com" } });
    expect(bodyAt(out, "aws_route53_record", "Api/LoadBalancer/Alias")).toEqual({
      zone_id: "Z0123456789ABC",
      name: "api.internal.example.com",
      type: "A",
      alias: { name: refAt(out, "aws_lb", "Api/LoadBalancer", "dns_name"), zone_id: refAt(out, "aws_lb", "Api/LoadBalancer", "zone_id"), evaluate_target_health: true },
    });
  });

  test("access logs", () => {
    expect(bodyAt(synthOwn({ accessLogs: { bucket: "acme-alb-logs", prefix: "api" } }), "aws_lb", "Api/LoadBalancer").access_logs).toEqual({
      bucket: "acme-alb-logs",
      prefix: "api",
      enabled: true,
    });
    expect(bodyAt(synthOwn({ accessLogs: { bucket: "acme-alb-logs" } }), "aws_lb", "Api/LoadBalancer").access_logs).toEqual({ bucket: "acme-alb-logs", enabled: true });
  });

  test("sslPolicy, idleTimeoutSeconds, name and tags", () => {
    const out = synthOwn({ sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06", idleTimeoutSeconds: 120, name: "payments-internal", tags: { team: "payments" } });
    expect(bodyAt(out, "aws_lb_listener", "Api/LoadBalancer/Https").ssl_policy).toBe("ELBSecurityPolicy-TLS13-1-3-2021-06");
    expect(bodyAt(out, "aws_lb", "Api/LoadBalancer")).toMatchObject({ idle_timeout: 120, name: "payments-internal", tags: { team: "payments", Name: "payments-internal" } });
    expect(bodyAt(out, "aws_security_group", "Api/LoadBalancer/SecurityGroup").name).toBe("payments-internal-alb");
  });

  test("healthCheckPath", () => {
    const out = synthOwn({}, { healthCheckPath: "/health" });
    expect((bodyAt(out, "aws_lb_target_group", "Api/TargetGroup").health_check as { path: string }).path).toBe("/health");
  });

  test("a long service name is shortened to a valid load balancer name", () => {
    const f = fixture();
    addService(f, "Api", { serviceName: "payments-settlement-reconciliation-api", loadBalancing: { create: { certificate: BY_ARN } } });
    const name = bodyAt(synth(f.stack).out, "aws_lb", "Api/LoadBalancer").name as string;
    expect(name).toMatch(/^payments-settlement-rec[a-z-]*-[0-9a-f]{8}$/);
    expect(name.length).toBeLessThanOrEqual(32);
  });

  test("ServiceLoadBalancer.loadBalancer of the service, and its attributes", () => {
    const f = fixture();
    const service = addService(f, "Api", { loadBalancing: { create: { certificate: BY_ARN } } });
    const lb = service.loadBalancer!;
    const { out, outputs } = synth(f.stack, { listener: lb.listenerArn, arn: lb.loadBalancerArn, suffix: lb.loadBalancerArnSuffix, dns: lb.dnsName, zone: lb.zoneId });
    expect(outputs).toEqual({
      listener: refAt(out, "aws_lb_listener", "Api/LoadBalancer/Https", "arn"),
      arn: refAt(out, "aws_lb", "Api/LoadBalancer", "arn"),
      suffix: refAt(out, "aws_lb", "Api/LoadBalancer", "arn_suffix"),
      dns: refAt(out, "aws_lb", "Api/LoadBalancer", "dns_name"),
      zone: refAt(out, "aws_lb", "Api/LoadBalancer", "zone_id"),
    });
  });
});

describe("a shared load balancer", () => {
  let f: Fixture;
  let out: SynthesizedStack;
  beforeAll(() => {
    f = fixture();
    const shared = new ServiceLoadBalancer(f.stack, "Shared", { vpc: f.vpc, certificate: BY_ARN });
    addService(f, "Api", { loadBalancing: { listener: shared, hostHeaders: ["api.example.com"], pathPatterns: ["/v1/*", "/v2/*"], priority: 10, healthCheckPath: "/v1/health" } });
    addService(f, "Web", { loadBalancing: { listener: shared, priority: 20 } });
    out = synth(f.stack).out;
  });

  test("one load balancer, named <environment>-<id>", () => {
    expect(count(out, "aws_lb")).toBe(1);
    expect(bodyAt(out, "aws_lb", "Shared").name).toBe("test-shared");
  });

  test("each service adds a rule to the shared HTTPS listener: host headers, path patterns, priority", () => {
    const listener = refAt(out, "aws_lb_listener", "Shared/Https", "arn");
    expect(bodyAt(out, "aws_lb_listener_rule", "Api/ListenerRule")).toMatchObject({
      listener_arn: listener,
      priority: 10,
      condition: [{ host_header: { values: ["api.example.com"] } }, { path_pattern: { values: ["/v1/*", "/v2/*"] } }],
      action: [{ type: "forward", target_group_arn: refAt(out, "aws_lb_target_group", "Api/TargetGroup", "arn") }],
    });
    expect(bodyAt(out, "aws_lb_listener_rule", "Web/ListenerRule")).toMatchObject({
      listener_arn: listener,
      priority: 20,
      condition: [{ path_pattern: { values: ["/*"] } }],
    });
  });

  test("each service has its target group and health check path", () => {
    expect((bodyAt(out, "aws_lb_target_group", "Api/TargetGroup").health_check as { path: string }).path).toBe("/v1/health");
    expect((bodyAt(out, "aws_lb_target_group", "Web/TargetGroup").health_check as { path: string }).path).toBe("/");
  });

  test("each service admits the shared load balancer; the load balancer reaches both", () => {
    const lbGroup = refAt(out, "aws_security_group", "Shared/SecurityGroup");
    for (const service of ["Api", "Web"]) {
      expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", `${service}/SecurityGroup`).map(ruleShape)).toEqual([
        { ip_protocol: "tcp", from_port: 8080, to_port: 8080, referenced_security_group_id: lbGroup },
      ]);
    }
    expect(rulesOf(out, "aws_vpc_security_group_egress_rule", "Shared/SecurityGroup").map((r) => r.referenced_security_group_id)).toEqual([
      refAt(out, "aws_security_group", "Api/SecurityGroup"),
      refAt(out, "aws_security_group", "Web/SecurityGroup"),
    ]);
  });

  test("the services create no load balancer of their own", () => {
    expect(count(out, "aws_lb_listener")).toBe(2);
    expect(count(out, "aws_security_group")).toBe(3);
  });
});
