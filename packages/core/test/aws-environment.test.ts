import { Construct } from "constructs";
import { TerraformStack, Testing } from "cdktf";
import { AwsEnvironment, ValidationError, testStack } from "../src";

function environmentIn(region: string, accountId = "123456789012"): AwsEnvironment {
  const stack = new TerraformStack(Testing.app(), "s");
  return AwsEnvironment.set(stack, { environment: "prod", accountId, region });
}

describe("AwsEnvironment.of", () => {
  test("throws a ValidationError naming the construct when no environment is set", () => {
    const stack = new TerraformStack(Testing.app(), "prod-network");
    const vpc = new Construct(stack, "Vpc");
    let error: unknown;
    try {
      AwsEnvironment.of(vpc);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).constructPath).toBe("prod-network/Vpc");
    expect((error as ValidationError).message).toBe(
      "prod-network/Vpc: no AWS environment is set for this construct; build it inside a PlatformStack, or call AwsEnvironment.set(stack, { environment, accountId, region }) first",
    );
  });

  test("returns what set attached, to the stack and everything inside it", () => {
    const stack = new TerraformStack(Testing.app(), "prod-network");
    const env = AwsEnvironment.set(stack, { environment: "prod", accountId: "123456789012", region: "eu-west-1" });
    const deep = new Construct(new Construct(stack, "Vpc"), "Subnet");
    expect(AwsEnvironment.of(stack)).toBe(env);
    expect(AwsEnvironment.of(deep)).toBe(env);
    expect(env.environment).toBe("prod");
    expect(env.accountId).toBe("123456789012");
    expect(env.region).toBe("eu-west-1");
  });

  test("each stack has its own environment", () => {
    const app = Testing.app();
    const a = AwsEnvironment.set(new TerraformStack(app, "a"), { environment: "a", accountId: "111111111111", region: "eu-west-1" });
    const bStack = new TerraformStack(app, "b");
    AwsEnvironment.set(bStack, { environment: "b", accountId: "222222222222", region: "us-east-1" });
    expect(AwsEnvironment.of(new Construct(bStack, "x")).accountId).toBe("222222222222");
    expect(a.accountId).toBe("111111111111");
  });

  test("a PlatformStack sets it from its configuration", () => {
    const stack = testStack();
    expect(AwsEnvironment.of(new Construct(stack, "Thing"))).toBe(stack.awsEnvironment);
    expect(stack.awsEnvironment.environment).toBe("test");
  });
});

describe("partition and URL suffix", () => {
  test.each([
    ["eu-west-1", "aws", "amazonaws.com"],
    ["us-east-1", "aws", "amazonaws.com"],
    ["cn-north-1", "aws-cn", "amazonaws.com.cn"],
    ["cn-northwest-1", "aws-cn", "amazonaws.com.cn"],
    ["us-gov-west-1", "aws-us-gov", "amazonaws.com"],
    ["us-gov-east-1", "aws-us-gov", "amazonaws.com"],
    ["us-iso-east-1", "aws-iso", "c2s.ic.gov"],
    ["us-isob-east-1", "aws-iso-b", "sc2s.sgov.gov"],
  ])("%s is in %s with %s", (region, partition, urlSuffix) => {
    const env = environmentIn(region);
    expect(env.partition).toBe(partition);
    expect(env.urlSuffix).toBe(urlSuffix);
  });
});

describe("ARNs", () => {
  test("arn() in the environment's account and region", () => {
    expect(environmentIn("eu-west-1").arn("logs", "log-group:/aws/eks/prod")).toBe("arn:aws:logs:eu-west-1:123456789012:log-group:/aws/eks/prod");
  });

  test("arn() with the partition of the region", () => {
    expect(environmentIn("cn-north-1").arn("sqs", "queue")).toBe("arn:aws-cn:sqs:cn-north-1:123456789012:queue");
    expect(environmentIn("us-gov-west-1").arn("sns", "topic")).toBe("arn:aws-us-gov:sns:us-gov-west-1:123456789012:topic");
  });

  test("arn() with region and account overridden, or empty for global services", () => {
    const env = environmentIn("eu-west-1");
    expect(env.arn("iam", "role/deploy", { region: "" })).toBe("arn:aws:iam::123456789012:role/deploy");
    expect(env.arn("s3", "my-bucket", { region: "", accountId: "" })).toBe("arn:aws:s3:::my-bucket");
    expect(env.arn("kms", "key/abc", { region: "us-east-1", accountId: "210987654321" })).toBe("arn:aws:kms:us-east-1:210987654321:key/abc");
  });

  test("accountRootArn", () => {
    expect(environmentIn("eu-west-1").accountRootArn).toBe("arn:aws:iam::123456789012:root");
    expect(environmentIn("cn-north-1", "210987654321").accountRootArn).toBe("arn:aws-cn:iam::210987654321:root");
    expect(environmentIn("us-gov-west-1").accountRootArn).toBe("arn:aws-us-gov:iam::123456789012:root");
  });

  test("servicePrincipal", () => {
    expect(environmentIn("eu-west-1").servicePrincipal("vpc-flow-logs")).toBe("vpc-flow-logs.amazonaws.com");
  });
});
