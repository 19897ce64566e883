// One test per error message a ServiceLoadBalancer throws. A standalone load balancer with id
// `Shared` reports `test-unit/Shared: ...`; the one a service creates `test-unit/Api/LoadBalancer: ...`.
import { testStack } from "@platform/core";
import { Vpc } from "@platform/vpc";
import { ServiceLoadBalancer, type ServiceLoadBalancerProps } from "../src";
import { CERTIFICATE_ARN, STACK_PATH, addService, fixture, messageOf, sharedFixture, unchecked, validationErrorOf, vpcProps } from "./support";

const SHARED = `${STACK_PATH}/Shared`;
const BY_ARN = { certificateArn: CERTIFICATE_ARN };

/** The message of building load balancer `Shared` in a stack with the fixture's VPC. */
function errorOf(props: Partial<ServiceLoadBalancerProps>): string {
  return messageOf(sharedFixture(), (f) => new ServiceLoadBalancer(f.stack, "Shared", { vpc: f.vpc, certificate: BY_ARN, ...props }), ["Shared"]);
}

test("a service's own load balancer reports under the service", () => {
  const f = fixture();
  expect(validationErrorOf(() => addService(f, "Api", { loadBalancing: { create: { certificate: BY_ARN, idleTimeoutSeconds: 0 } } })).message).toBe(
    `${STACK_PATH}/Api/LoadBalancer: 'idleTimeoutSeconds' must be a whole number from 1 to 4000, got 0`,
  );
});

describe("name", () => {
  test.each(["internal-api", "-api", "api-", "api_v2", "a".repeat(33), ""])("%j", (name) => {
    expect(errorOf({ name })).toBe(`${SHARED}: 'name' must be 1-32 letters, digits and hyphens, not starting with internal-, got ${JSON.stringify(name)}`);
  });

  test("a name from a service's name that starts with internal-", () => {
    const f = fixture();
    expect(validationErrorOf(() => addService(f, "Api", { serviceName: "internal-api", loadBalancing: { create: { certificate: BY_ARN } } })).message).toBe(
      `${STACK_PATH}/Api/LoadBalancer: 'name' must be 1-32 letters, digits and hyphens, not starting with internal-, got "internal-api"`,
    );
  });
});

test.each(["ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-TLS-1-1-2017-01", "ELBSecurityPolicy-FS-2018-06", "custom"])("sslPolicy %j", (sslPolicy) => {
  expect(errorOf({ sslPolicy })).toBe(
    `${SHARED}: 'sslPolicy' must allow TLS 1.2 or newer only (ELBSecurityPolicy-TLS13-1-2-..., -TLS-1-2-..., -FS-1-2-...), got ${JSON.stringify(sslPolicy)}`,
  );
});

test.each(["ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "ELBSecurityPolicy-TLS-1-2-Ext-2018-06", "ELBSecurityPolicy-FS-1-2-Res-2020-10"])("sslPolicy %j is accepted", (sslPolicy) => {
  const f = fixture();
  expect(() => new ServiceLoadBalancer(f.stack, "Shared", { vpc: f.vpc, certificate: BY_ARN, sslPolicy })).not.toThrow();
});

describe("subnets", () => {
  test("an internal load balancer in a VPC of one zone", () => {
    const stack = testStack();
    const vpc = new Vpc(stack, "Vpc", vpcProps({ availabilityZones: ["eu-west-1a"] }));
    expect(validationErrorOf(() => new ServiceLoadBalancer(stack, "Shared", { vpc, certificate: BY_ARN })).message).toBe(
      `${SHARED}: an internal load balancer needs private subnets in at least 2 zones, the VPC has 1`,
    );
  });

  test("an internet-facing load balancer in a VPC without public subnets", () => {
    const stack = testStack();
    const vpc = new Vpc(stack, "Vpc", vpcProps({ subnetTiers: ["private", "intra"], natGateways: "none" }));
    expect(validationErrorOf(() => new ServiceLoadBalancer(stack, "Shared", { vpc, certificate: BY_ARN, internetFacing: true })).message).toBe(
      `${SHARED}: an internet-facing load balancer needs public subnets in at least 2 zones, the VPC has 0`,
    );
  });
});

test.each([0, 4001, 60.5])("idleTimeoutSeconds %p", (idleTimeoutSeconds) => {
  expect(errorOf({ idleTimeoutSeconds })).toBe(`${SHARED}: 'idleTimeoutSeconds' must be a whole number from 1 to 4000, got ${idleTimeoutSeconds}`);
});

test("0.0.0.0/0 on an internal load balancer", () => {
  expect(errorOf({ ingressCidrs: ["10.0.0.0/8", "0.0.0.0/0"] })).toBe(
    `${SHARED}: 'ingressCidrs' includes 0.0.0.0/0 on an internal load balancer; set internetFacing to be reachable from the internet`,
  );
});

test.each(["arn:aws:iam::123456789012:server-certificate/api", "0a1b2c3d-4e5f-6789-abcd-ef0123456789", "arn:aws:acm:eu-west-1:1234:certificate/x"])(
  "certificateArn %j",
  (certificateArn) => {
    expect(errorOf({ certificate: { certificateArn } })).toBe(`${SHARED}: 'certificate.certificateArn' must be an ACM certificate ARN, got ${JSON.stringify(certificateArn)}`);
  },
);

test.each(["API.example.com", "example", "api..example.com", "https://api.example.com", "api.example.com."])("domainName %j", (domainName) => {
  expect(errorOf({ certificate: { domainName, hostedZoneId: "Z0123456789ABC" } })).toBe(`${SHARED}: 'certificate.domainName' must be a DNS name, got ${JSON.stringify(domainName)}`);
});

test("a wildcard domain name is accepted", () => {
  const f = fixture();
  expect(() => new ServiceLoadBalancer(f.stack, "Shared", { vpc: f.vpc, certificate: { domainName: "*.example.com", hostedZoneId: "Z0123456789ABC" } })).not.toThrow();
});

test("a certificate that is neither (a JavaScript caller) is read as a domain", () => {
  expect(errorOf({ certificate: unchecked({ hostedZoneId: "Z1" }) })).toBe(`${SHARED}: 'certificate.domainName' must be a DNS name, got undefined`);
});
