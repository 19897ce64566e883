// One test per error message the construct throws. Each compares the whole message, including the
// construct path prefix: the path of `testStack()` is its id, `test-unit` (`<env>-<component>`),
// so a VPC with id `Vpc` reports `test-unit/Vpc: ...`, and its flow logs `test-unit/Vpc/FlowLogs: ...`.
import { Construct } from "constructs";
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AwsEnvironment, INTERFACE_ENDPOINT_SERVICES, ValidationError, testStack, type SynthesizedStack } from "@platform/core";
import { Vpc, type VpcProps } from "../src";
import { AZ_A, AZ_B, AZ_C, baseProps, resources, single, synthVpc, validationErrorOf } from "./support";

const VPC = "test-unit/Vpc";
const FLOW_LOGS = "test-unit/Vpc/FlowLogs";

/** The message of the ValidationError that building a VPC with these props throws. */
function errorOf(overrides: Partial<VpcProps>): string {
  return validationErrorOf(() => synthVpc(overrides)).message;
}

/** Bypasses the prop types, to feed values a JavaScript or JSON caller could pass. */
function unchecked<T>(value: unknown): T {
  return value as T;
}

describe("ValidationError", () => {
  test("carries the construct path, which prefixes the message", () => {
    const error = validationErrorOf(() => synthVpc({ availabilityZones: [] }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.name).toBe("ValidationError");
    expect(error.constructPath).toBe(VPC);
    expect(error.message.startsWith(`${VPC}: `)).toBe(true);
  });

  test("the prefix is the full path of the VPC, wherever it is", () => {
    const stack = testStack();
    const network = new Construct(stack, "Network");
    const error = validationErrorOf(() => new Vpc(network, "Main", baseProps({ natGateways: unchecked("double") })));
    expect(error.message).toBe(`test-unit/Network/Main: 'natGateways' must be one of "none", "single", "perAz", got "double"`);
  });
});

describe("availabilityZones", () => {
  test("1 to 6 zones", () => {
    expect(errorOf({ availabilityZones: [] })).toBe(`${VPC}: 'availabilityZones' must hold 1 to 6 zones, got 0`);
    const seven = ["a", "b", "c", "d", "e", "f", "g"].map((l) => `eu-west-1${l}`);
    expect(errorOf({ availabilityZones: seven })).toBe(`${VPC}: 'availabilityZones' must hold 1 to 6 zones, got 7`);
  });

  test("zones of the stack's region", () => {
    expect(errorOf({ availabilityZones: [AZ_A, "us-east-1a"] })).toBe(
      `${VPC}: 'availabilityZones' must be zones of eu-west-1 (eu-west-1a, eu-west-1b, ...), got "us-east-1a"`,
    );
    expect(errorOf({ availabilityZones: ["eu-west-1"] })).toBe(
      `${VPC}: 'availabilityZones' must be zones of eu-west-1 (eu-west-1a, eu-west-1b, ...), got "eu-west-1"`,
    );
    expect(errorOf({ availabilityZones: ["eu-west-1A"] })).toBe(
      `${VPC}: 'availabilityZones' must be zones of eu-west-1 (eu-west-1a, eu-west-1b, ...), got "eu-west-1A"`,
    );
  });

  test("each zone once", () => {
    expect(errorOf({ availabilityZones: [AZ_A, AZ_B, AZ_A] })).toBe(`${VPC}: 'availabilityZones' lists "eu-west-1a" twice; list each zone once`);
  });
});

describe("subnetTiers", () => {
  test("at least one tier", () => {
    expect(errorOf({ subnetTiers: [] })).toBe(`${VPC}: 'subnetTiers' must hold at least one of public, private, intra, got []`);
  });

  test("known tiers only", () => {
    expect(errorOf({ subnetTiers: unchecked(["public", "database"]) })).toBe(`${VPC}: 'subnetTiers' may hold public, private, intra, got "database"`);
  });

  test("each tier once", () => {
    expect(errorOf({ subnetTiers: ["public", "private", "private"] })).toBe(`${VPC}: 'subnetTiers' lists "private" twice; list each tier once`);
  });
});

describe("natGateways", () => {
  test("a known mode", () => {
    expect(errorOf({ natGateways: unchecked("double") })).toBe(`${VPC}: 'natGateways' must be one of "none", "single", "perAz", got "double"`);
  });

  test("NAT gateways need a public tier (the perAz default included)", () => {
    expect(errorOf({ subnetTiers: ["private"], natGateways: "single" })).toBe(
      `${VPC}: 'natGateways' is "single" but there is no public tier for the NAT gateways; add "public" to 'subnetTiers' or set 'natGateways' to "none"`,
    );
    expect(errorOf({ subnetTiers: ["private", "intra"] })).toBe(
      `${VPC}: 'natGateways' is "perAz" but there is no public tier for the NAT gateways; add "public" to 'subnetTiers' or set 'natGateways' to "none"`,
    );
  });

  test("NAT gateways need a private tier to serve (no paid NAT gateway that nothing routes to)", () => {
    expect(errorOf({ subnetTiers: ["public", "intra"] })).toBe(
      `${VPC}: 'natGateways' is "perAz" but there is no private tier to route through them; add "private" to 'subnetTiers' or set 'natGateways' to "none"`,
    );
  });

  test("singleNatGatewayAvailabilityZone only with single", () => {
    expect(errorOf({ singleNatGatewayAvailabilityZone: AZ_B })).toBe(
      `${VPC}: 'singleNatGatewayAvailabilityZone' is only used when 'natGateways' is "single", got natGateways "perAz"`,
    );
    expect(errorOf({ natGateways: "none", singleNatGatewayAvailabilityZone: AZ_B })).toBe(
      `${VPC}: 'singleNatGatewayAvailabilityZone' is only used when 'natGateways' is "single", got natGateways "none"`,
    );
  });

  test("singleNatGatewayAvailabilityZone one of the VPC's zones", () => {
    expect(errorOf({ natGateways: "single", singleNatGatewayAvailabilityZone: AZ_C })).toBe(
      `${VPC}: 'singleNatGatewayAvailabilityZone' must be one of 'availabilityZones' (eu-west-1a, eu-west-1b), got "eu-west-1c"`,
    );
  });
});

describe("endpoints", () => {
  test("known gateway endpoints only", () => {
    expect(errorOf({ gatewayEndpoints: unchecked(["s3", "ec2"]) })).toBe(`${VPC}: 'gatewayEndpoints' may hold s3, dynamodb, got "ec2"`);
  });

  test("known interface endpoint presets only", () => {
    expect(INTERFACE_ENDPOINT_SERVICES.slice(0, 3)).toEqual(["autoscaling", "ec2", "ec2messages"]);
    expect(errorOf({ interfaceEndpoints: unchecked(["sts", "s3"]) })).toBe(
      `${VPC}: 'interfaceEndpoints' may hold the presets ${INTERFACE_ENDPOINT_SERVICES.join(", ")}, got "s3"`,
    );
  });

  test("each endpoint once", () => {
    expect(errorOf({ gatewayEndpoints: ["s3", "s3"] })).toBe(`${VPC}: 'gatewayEndpoints' lists "s3" twice; list each endpoint once`);
    expect(errorOf({ interfaceEndpoints: ["sts", "logs", "sts"] })).toBe(`${VPC}: 'interfaceEndpoints' lists "sts" twice; list each endpoint once`);
  });

  test("interface endpoints need a private or intra tier", () => {
    expect(errorOf({ subnetTiers: ["public"], natGateways: "none", interfaceEndpoints: ["sts"] })).toBe(
      `${VPC}: 'interfaceEndpoints' need a private or intra tier to live in; 'subnetTiers' is ["public"]`,
    );
  });
});

describe("subnetCidrs", () => {
  test("ranges for a tier the VPC does not have", () => {
    expect(errorOf({ subnetCidrs: { intra: { [AZ_A]: "10.0.192.0/22" } } })).toBe(
      `${VPC}: 'subnetCidrs' has ranges for the "intra" tier, which is not in 'subnetTiers' (public, private)`,
    );
  });

  test("a range for a zone the VPC is not in", () => {
    expect(errorOf({ subnetCidrs: { private: { [AZ_C]: "10.0.32.0/20" } } })).toBe(
      `${VPC}: 'subnetCidrs.private' has a range for "eu-west-1c", which is not one of 'availabilityZones' (eu-west-1a, eu-west-1b)`,
    );
  });

  test("every range given when cidrBlock is only known at apply time", () => {
    const stack = testStack();
    const cidr = new TerraformVariable(stack, "cidr", { type: "string" });
    const error = validationErrorOf(
      () => new Vpc(stack, "Vpc", baseProps({ cidrBlock: cidr.stringValue, subnetCidrs: { public: { [AZ_A]: "10.0.0.0/24", [AZ_B]: "10.0.1.0/24" } } })),
    );
    expect(error.message).toBe(`${VPC}: 'subnetCidrs.private.eu-west-1a' is required when 'cidrBlock' is only known at apply time`);
  });

  test("required for a zone letter with no computed slot", () => {
    expect(errorOf({ availabilityZones: ["eu-west-1i"] })).toBe(
      `${VPC}: 'subnetCidrs.public.eu-west-1i' is required: zone "eu-west-1i" does not end in a zone letter a-h, so its public subnet range cannot be computed`,
    );
  });

  test("required when the VPC range is too small for computed subnets", () => {
    expect(errorOf({ cidrBlock: "10.0.0.0/24" })).toBe(
      `${VPC}: 'subnetCidrs.public.eu-west-1a' is required: a /24 range is too small for computed public subnets (they would be /29, AWS allows /28 at the smallest)`,
    );
  });

  test("each range an IPv4 CIDR of /28 or larger", () => {
    expect(errorOf({ subnetCidrs: { private: { [AZ_A]: "10.0.0.0/29" } } })).toBe(
      `${VPC}: 'subnetCidrs.private.eu-west-1a' must be an IPv4 CIDR of /28 or larger, got "10.0.0.0/29"`,
    );
    expect(errorOf({ subnetCidrs: { public: { [AZ_B]: "10.0.0.1/24" } } })).toBe(
      `${VPC}: 'subnetCidrs.public.eu-west-1b' must be an IPv4 CIDR of /28 or larger, got "10.0.0.1/24"`,
    );
  });

  test("each range inside the VPC", () => {
    expect(errorOf({ subnetCidrs: { private: { [AZ_A]: "10.1.0.0/20" } } })).toBe(
      `${VPC}: 'subnetCidrs.private.eu-west-1a' must lie inside 'cidrBlock' 10.0.0.0/16, got "10.1.0.0/20"`,
    );
  });

  test("no two subnets overlap", () => {
    expect(errorOf({ subnetCidrs: { private: { [AZ_A]: "10.0.16.0/20" } } })).toBe(
      `${VPC}: the private-eu-west-1b subnet (10.0.16.0/20) overlaps the private-eu-west-1a subnet (10.0.16.0/20); give non-overlapping 'subnetCidrs'`,
    );
  });
});

describe("cidrBlock", () => {
  test("an IPv4 CIDR from /16 to /28", () => {
    for (const cidrBlock of ["10.0.0.0/8", "10.0.0.0/15", "10.0.0.0/29", "10.0.0.1/16", "ten.zero/16", ""]) {
      expect(errorOf({ cidrBlock })).toBe(`${VPC}: 'cidrBlock' must be an IPv4 CIDR with a prefix from /16 to /28, got ${JSON.stringify(cidrBlock)}`);
    }
  });
});

describe("flowLogs", () => {
  test("a known destination", () => {
    expect(errorOf({ flowLogs: { destination: unchecked("kinesis") } })).toBe(
      `${FLOW_LOGS}: 'flowLogs.destination' must be one of cloudwatch, s3, none, got "kinesis"`,
    );
  });

  test("a known traffic type", () => {
    expect(errorOf({ flowLogs: { trafficType: unchecked("SOME") } })).toBe(`${FLOW_LOGS}: 'flowLogs.trafficType' must be one of ALL, ACCEPT, REJECT, got "SOME"`);
  });

  test("a retention CloudWatch accepts", () => {
    expect(errorOf({ flowLogs: { retentionDays: 100 } })).toBe(
      `${FLOW_LOGS}: 'flowLogs.retentionDays' must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got 100`,
    );
  });

  test("an aggregation interval of 60 or 600 seconds", () => {
    expect(errorOf({ flowLogs: { maxAggregationIntervalSeconds: unchecked(300) } })).toBe(
      `${FLOW_LOGS}: 'flowLogs.maxAggregationIntervalSeconds' must be 60 or 600, got 300`,
    );
  });

  test("a bucket for the s3 destination", () => {
    expect(errorOf({ flowLogs: { destination: "s3" } })).toBe(`${FLOW_LOGS}: 'flowLogs.s3BucketArn' is required when 'flowLogs.destination' is "s3"`);
  });

  test("a bucket only for the s3 destination", () => {
    expect(errorOf({ flowLogs: { s3BucketArn: "arn:aws:s3:::logs" } })).toBe(
      `${FLOW_LOGS}: 'flowLogs.s3BucketArn' is only used when 'flowLogs.destination' is "s3", got destination "cloudwatch"`,
    );
  });

  test("no other flow log settings when flow logs are off", () => {
    expect(errorOf({ flowLogs: { destination: "none", retentionDays: 30 } })).toBe(
      `${FLOW_LOGS}: 'flowLogs.retentionDays' is set but flow logs are off ('flowLogs.destination' is "none"); remove it or choose a destination`,
    );
  });

  test("a key only for the cloudwatch destination", () => {
    expect(errorOf({ flowLogs: { destination: "s3", s3BucketArn: "arn:aws:s3:::logs", kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k" } })).toBe(
      `${FLOW_LOGS}: 'flowLogs.kmsKeyArn' is only used when 'flowLogs.destination' is "cloudwatch"; an S3 destination uses the bucket's encryption`,
    );
  });
});

describe("the AWS environment", () => {
  test("a Vpc in a stack with no AwsEnvironment is refused", () => {
    const stack = new TerraformStack(Testing.app(), "plain");
    const error = validationErrorOf(() => new Vpc(stack, "Vpc", baseProps()));
    expect(error.message).toBe(
      "plain/Vpc: no AWS environment is set for this construct; build it inside a PlatformStack, or call AwsEnvironment.set(stack, { environment, accountId, region }) first",
    );
    expect(error.constructPath).toBe("plain/Vpc");
  });

  test("AwsEnvironment.set on a plain stack is enough, and its region drives zones and service names", () => {
    const stack = new TerraformStack(Testing.app(), "plain");
    AwsEnvironment.set(stack, { environment: "dev", accountId: "210987654321", region: "us-east-1" });
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    const vpc = new Vpc(stack, "Vpc", { cidrBlock: "10.0.0.0/16", availabilityZones: ["us-east-1a", "us-east-1b"] });
    expect(vpc.vpcName).toBe("dev-vpc");
    const out = JSON.parse(Testing.synth(stack, true)) as SynthesizedStack;
    expect(single(out, "aws_vpc_endpoint").resource.service_name).toBe("com.amazonaws.us-east-1.s3");
    expect(Object.values(resources(out, "aws_subnet")).map((s) => s.availability_zone).sort()).toEqual(["us-east-1a", "us-east-1a", "us-east-1b", "us-east-1b"]);
    expect(single(out, "aws_cloudwatch_log_group").resource.name).toBe("/aws/vpc-flow-logs/dev-vpc");
    const error = validationErrorOf(() => new Vpc(stack, "Other", { cidrBlock: "10.1.0.0/16", availabilityZones: [AZ_A] }));
    expect(error.message).toBe(`plain/Other: 'availabilityZones' must be zones of us-east-1 (us-east-1a, us-east-1b, ...), got "eu-west-1a"`);
  });
});
