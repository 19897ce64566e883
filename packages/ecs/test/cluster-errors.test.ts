// One test per error message an EcsCluster (and its EC2 capacity) throws. Each compares the whole
// message, including the construct path prefix: `testStack()` is `test-unit`, so the cluster
// reports `test-unit/Cluster: ...` and an EC2 capacity `test-unit/Cluster/Ec2Capacity/<key>: ...`.
import { TerraformStack, Testing } from "cdktf";
import { ValidationError, testStack, type PlatformStack } from "@platform/core";
import { Vpc } from "@platform/vpc";
import { EcsCluster, type EcsClusterProps, type Ec2CapacityOptions } from "../src";
import { STACK_PATH, messageOf, unchecked, validationErrorOf, vpcProps } from "./support";

const CLUSTER = `${STACK_PATH}/Cluster`;
const CAPACITY = `${CLUSTER}/Ec2Capacity/general`;
const RETENTIONS = "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653";

let base: { stack: PlatformStack; vpc: Vpc } | undefined;

/** The message of building a cluster with id `Cluster` (with the VPC of a stack shared by these tests, unless `withVpc: false`). */
function errorOf(props: EcsClusterProps, options: { withVpc?: boolean } = {}): string {
  if (!base) {
    const stack = testStack();
    base = { stack, vpc: new Vpc(stack, "Vpc", vpcProps()) };
  }
  return messageOf(base, (b) => new EcsCluster(b.stack, "Cluster", { vpc: options.withVpc === false ? undefined : b.vpc, ...props }), ["Cluster"]);
}

function capacityErrorOf(options: Partial<Ec2CapacityOptions>): string {
  return errorOf({ ec2Capacity: { general: { instanceType: "m7g.large", maxSize: 4, ...options } } });
}

describe("ValidationError", () => {
  test("carries the construct path, which prefixes the message", () => {
    const error = validationErrorOf(() => new EcsCluster(testStack(), "Cluster", { clusterName: "a b" }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.constructPath).toBe(CLUSTER);
    expect(error.message.startsWith(`${CLUSTER}: `)).toBe(true);
  });

  test("a stack without an AWS environment", () => {
    const stack = new TerraformStack(Testing.app(), "bare");
    expect(validationErrorOf(() => new EcsCluster(stack, "Cluster")).message).toBe(
      "bare/Cluster: no AWS environment is set for this construct; build it inside a PlatformStack, or call AwsEnvironment.set(stack, { environment, accountId, region }) first",
    );
  });
});

describe("EcsCluster", () => {
  test.each(["my cluster", "", "a".repeat(256), "payments.api"])("clusterName %j", (name) => {
    expect(errorOf({ clusterName: name })).toBe(`${CLUSTER}: 'clusterName' must be 1-255 letters, digits, _ and -, got ${JSON.stringify(name)}`);
  });

  test("containerInsights", () => {
    expect(errorOf({ containerInsights: unchecked("on") })).toBe(`${CLUSTER}: 'containerInsights' must be "enabled", "enhanced" or "disabled", got "on"`);
  });

  test("execLogRetentionDays", () => {
    expect(errorOf({ execLogRetentionDays: 10 })).toBe(`${CLUSTER}: 'execLogRetentionDays' must be one of ${RETENTIONS}, got 10`);
    expect(errorOf({ execLogRetentionDays: 0 })).toBe(`${CLUSTER}: 'execLogRetentionDays' must be one of ${RETENTIONS}, got 0`);
  });

  test("ec2Capacity without a vpc", () => {
    expect(errorOf({ ec2Capacity: { general: { instanceType: "m7g.large", maxSize: 2 } } }, { withVpc: false })).toBe(
      `${CLUSTER}: 'vpc' is required for 'ec2Capacity': the instances run in its private subnets`,
    );
  });

  test.each(["General", "-general", "gpu_nodes", "a".repeat(32), ""])("ec2Capacity key %j", (key) => {
    expect(errorOf({ ec2Capacity: { [key]: { instanceType: "m7g.large", maxSize: 2 } } })).toBe(
      `${CLUSTER}: 'ec2Capacity' key ${JSON.stringify(key)} must be 1-31 lower-case letters, digits and -`,
    );
  });

  test.each(["aws-apps", "ECS-main", "fargate"])("clusterName %j with EC2 capacity", (name) => {
    expect(errorOf({ clusterName: name, ec2Capacity: { general: { instanceType: "m7g.large", maxSize: 2 } } })).toBe(
      `${CLUSTER}: 'clusterName' ${JSON.stringify(name)} starts with aws, ecs or fargate, which ECS refuses at the start of the capacity provider names <cluster>-<key>; choose another cluster name`,
    );
  });

  test("such a name is fine without EC2 capacity", () => {
    expect(() => new EcsCluster(testStack(), "Cluster", { clusterName: "ecs-main" })).not.toThrow();
  });

  test("a vpc without private subnets for EC2 capacity", () => {
    const message = validationErrorOf(() => {
      const stack = testStack();
      const vpc = new Vpc(stack, "Vpc", vpcProps({ subnetTiers: ["public"], natGateways: "none" }));
      return new EcsCluster(stack, "Cluster", { vpc, ec2Capacity: { general: { instanceType: "m7g.large", maxSize: 2 } } });
    }).message;
    expect(message).toBe(`${CLUSTER}: 'vpc' has no private subnets for 'ec2Capacity'`);
  });

  describe("defaultCapacityProviderStrategy", () => {
    test("an unknown capacity provider", () => {
      expect(errorOf({ defaultCapacityProviderStrategy: [{ capacityProvider: "EC2" }] })).toBe(
        `${CLUSTER}: 'defaultCapacityProviderStrategy[0].capacityProvider' must be one of FARGATE, FARGATE_SPOT, got "EC2"`,
      );
    });

    test("FARGATE_SPOT when fargateSpot is off", () => {
      expect(errorOf({ fargateSpot: false, defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE" }, { capacityProvider: "FARGATE_SPOT" }] })).toBe(
        `${CLUSTER}: 'defaultCapacityProviderStrategy[1].capacityProvider' must be one of FARGATE, got "FARGATE_SPOT"`,
      );
    });

    test("the message lists the EC2 capacity keys", () => {
      expect(
        errorOf({
          ec2Capacity: { general: { instanceType: "m7g.large", maxSize: 2 }, gpu: { instanceType: "g5.xlarge", maxSize: 2 } },
          defaultCapacityProviderStrategy: [{ capacityProvider: "memory" }],
        }),
      ).toBe(`${CLUSTER}: 'defaultCapacityProviderStrategy[0].capacityProvider' must be one of FARGATE, FARGATE_SPOT, general, gpu, got "memory"`);
    });

    test.each([-1, 1.5, 100001])("base %p", (base) => {
      expect(errorOf({ defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE", base }] })).toBe(
        `${CLUSTER}: 'defaultCapacityProviderStrategy[0].base' must be a whole number from 0 to 100000, got ${base}`,
      );
    });

    test.each([-1, 0.5, 1001])("weight %p", (weight) => {
      expect(errorOf({ defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE" }, { capacityProvider: "FARGATE_SPOT", weight }] })).toBe(
        `${CLUSTER}: 'defaultCapacityProviderStrategy[1].weight' must be a whole number from 0 to 1000, got ${weight}`,
      );
    });

    test("a base on two providers", () => {
      expect(errorOf({ defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE", base: 1 }, { capacityProvider: "FARGATE_SPOT", base: 2 }] })).toBe(
        `${CLUSTER}: 'defaultCapacityProviderStrategy' may give a base to one capacity provider only`,
      );
    });

    test("Fargate and EC2 together", () => {
      expect(
        errorOf({
          ec2Capacity: { general: { instanceType: "m7g.large", maxSize: 2 } },
          defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE", base: 1 }, { capacityProvider: "general" }],
        }),
      ).toBe(`${CLUSTER}: 'defaultCapacityProviderStrategy' cannot mix Fargate and EC2 capacity providers (ECS refuses it)`);
    });
  });
});

describe("EC2 capacity", () => {
  test.each(["m7g", "large", "M7G.LARGE", "m7g.", "m7g large", "mg.large"])("instanceType %j", (instanceType) => {
    expect(capacityErrorOf({ instanceType })).toBe(
      `${CAPACITY}: 'ec2Capacity.general.instanceType' must be an EC2 instance type such as m7g.large, got ${JSON.stringify(instanceType)}`,
    );
  });

  test.each(["m7g.large", "c7gn.16xlarge", "c7i.metal-24xl", "u7i-12tb.224xlarge", "m7i-flex.large"])("instanceType %j is accepted", (instanceType) => {
    const stack = testStack();
    const vpc = new Vpc(stack, "Vpc", vpcProps());
    expect(() => new EcsCluster(stack, "Cluster", { vpc, ec2Capacity: { general: { instanceType, maxSize: 2 } } })).not.toThrow();
  });

  test.each([-1, 1.5])("minSize %p", (minSize) => {
    expect(capacityErrorOf({ minSize })).toBe(`${CAPACITY}: 'ec2Capacity.general.minSize' must be a whole number of at least 0, got ${minSize}`);
  });

  test("maxSize below 1", () => {
    expect(capacityErrorOf({ maxSize: 0 })).toBe(`${CAPACITY}: 'ec2Capacity.general.maxSize' must be a whole number from 1 (and minSize) to 1000, got 0`);
  });

  test("maxSize below minSize", () => {
    expect(capacityErrorOf({ minSize: 3, maxSize: 2 })).toBe(`${CAPACITY}: 'ec2Capacity.general.maxSize' must be a whole number from 3 (and minSize) to 1000, got 2`);
  });

  test("maxSize above 1000, or not whole", () => {
    expect(capacityErrorOf({ maxSize: 1001 })).toBe(`${CAPACITY}: 'ec2Capacity.general.maxSize' must be a whole number from 1 (and minSize) to 1000, got 1001`);
    expect(capacityErrorOf({ maxSize: 2.5 })).toBe(`${CAPACITY}: 'ec2Capacity.general.maxSize' must be a whole number from 1 (and minSize) to 1000, got 2.5`);
  });

  test.each([29, 16385, 30.5])("rootVolumeSizeGiB %p", (rootVolumeSizeGiB) => {
    expect(capacityErrorOf({ rootVolumeSizeGiB })).toBe(
      `${CAPACITY}: 'ec2Capacity.general.rootVolumeSizeGiB' must be a whole number from 30 (the image's own size) to 16384, got ${rootVolumeSizeGiB}`,
    );
  });

  test.each([0, 101, 50.5])("targetCapacityPercent %p", (targetCapacityPercent) => {
    expect(capacityErrorOf({ targetCapacityPercent })).toBe(
      `${CAPACITY}: 'ec2Capacity.general.targetCapacityPercent' must be a whole number from 1 to 100, got ${targetCapacityPercent}`,
    );
  });

  test("architecture", () => {
    expect(capacityErrorOf({ architecture: unchecked("aarch64") })).toBe(`${CAPACITY}: 'ec2Capacity.general.architecture' must be "x86_64" or "arm64", got "aarch64"`);
  });

  test("the path names the capacity's key", () => {
    expect(errorOf({ ec2Capacity: { gpu: { instanceType: "g5.xlarge", maxSize: 0 } } })).toBe(
      `${CLUSTER}/Ec2Capacity/gpu: 'ec2Capacity.gpu.maxSize' must be a whole number from 1 (and minSize) to 1000, got 0`,
    );
  });
});
