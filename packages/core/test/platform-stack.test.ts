import { Construct } from "constructs";
import { App, TerraformStack, Testing } from "cdktf";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AwsEnvironment, PlatformStack, resourcesOfType, synthesizeStack, testEnvironmentConfig, testStack } from "../src";

describe("PlatformStack", () => {
  test("is named <env>-<component> and keeps its configuration", () => {
    const config = testEnvironmentConfig({ name: "staging" });
    const stack = new PlatformStack(Testing.app(), "network", { config });
    expect(stack).toBeInstanceOf(TerraformStack);
    expect(stack.node.id).toBe("staging-network");
    expect(stack.config).toBe(config);
  });

  test("sets the AWS environment before any child exists", () => {
    const stack = new PlatformStack(Testing.app(), "network", {
      config: testEnvironmentConfig({ accountId: "210987654321", region: "us-gov-west-1", availabilityZones: ["us-gov-west-1a"] }),
    });
    expect(stack.awsEnvironment).toBe(AwsEnvironment.of(stack));
    expect(stack.awsEnvironment.environment).toBe("test");
    expect(stack.awsEnvironment.accountId).toBe("210987654321");
    expect(stack.awsEnvironment.region).toBe("us-gov-west-1");
    expect(stack.awsEnvironment.partition).toBe("aws-us-gov");
    expect(AwsEnvironment.of(new Construct(stack, "Child"))).toBe(stack.awsEnvironment);
  });

  test("has the default AWS provider and a backend", () => {
    const stack = testStack();
    expect(stack.awsProvider).toBeInstanceOf(AwsProvider);
    expect(stack.awsProvider.alias).toBeUndefined();
    expect(stack.node.tryFindChild("aws")).toBe(stack.awsProvider);
    const synthesized = synthesizeStack(stack);
    expect(Object.keys(synthesized.provider ?? {})).toEqual(["aws"]);
    expect(Object.keys(synthesized.terraform?.backend as object)).toEqual(["local"]);
  });

  test("several stacks of one environment live in one app", () => {
    const app = Testing.app();
    const config = testEnvironmentConfig();
    const network = new PlatformStack(app, "network", { config });
    const eks = new PlatformStack(app, "eks", { config });
    expect(app.node.children.map((c) => c.node.id)).toEqual(["test-network", "test-eks"]);
    expect(network.awsEnvironment).not.toBe(eks.awsEnvironment);
  });

  test("the same component twice in one app is refused", () => {
    const app = Testing.app();
    const config = testEnvironmentConfig();
    new PlatformStack(app, "network", { config });
    expect(() => new PlatformStack(app, "network", { config })).toThrow(/test-network/);
  });
});

describe("test helpers", () => {
  test("testEnvironmentConfig is valid and takes overrides", () => {
    expect(testEnvironmentConfig()).toEqual({
      name: "test",
      production: false,
      accountId: "123456789012",
      region: "eu-west-1",
      availabilityZones: ["eu-west-1a", "eu-west-1b"],
      backend: { type: "local" },
      tags: { owner: "platform-team", costCenter: "cc-1234", repository: "github.com/acme/platform" },
      network: { cidr: "10.0.0.0/16", natGateways: "single" },
    });
    expect(testEnvironmentConfig({ name: "qa" }).name).toBe("qa");
  });

  test("testEnvironmentConfig validates its overrides", () => {
    expect(() => testEnvironmentConfig({ accountId: "42" })).toThrow('test.accountId: "42" is not a 12-digit AWS account id');
  });

  test("testStack builds the test-unit stack, in a given app when passed one", () => {
    const app = new App({ outdir: Testing.app().outdir });
    const stack = testStack({}, app);
    expect(stack.node.id).toBe("test-unit");
    expect(App.of(stack)).toBe(app);
  });

  test("synthesizeStack runs validations and parses the JSON", () => {
    const stack = testStack();
    new Vpc(stack, "vpc", { cidrBlock: "10.0.0.0/16" });
    const synthesized = synthesizeStack(stack);
    expect(resourcesOfType(synthesized, "aws_vpc")).toEqual({ vpc: { cidr_block: "10.0.0.0/16" } });
    expect(resourcesOfType(synthesized, "aws_subnet")).toEqual({});

    new Construct(stack, "Broken").node.addValidation({ validate: () => ["is broken"] });
    expect(() => synthesizeStack(stack)).toThrow("[test-unit/Broken] is broken");
  });

  test("resourcesOfType of a stack without resources", () => {
    expect(resourcesOfType(synthesizeStack(testStack()), "aws_vpc")).toEqual({});
  });
});
