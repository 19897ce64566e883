import { Construct } from "constructs";
import { Testing, TerraformStack } from "cdktf";
import { ValidationError, showValue } from "../src";

describe("ValidationError", () => {
  test("the message starts with the construct's path", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "prod-network");
    const vpc = new Construct(stack, "Vpc");
    const error = new ValidationError("'natGateways' is \"single\" but the public tier is disabled", vpc);
    expect(error.message).toBe("prod-network/Vpc: 'natGateways' is \"single\" but the public tier is disabled");
    expect(error.constructPath).toBe("prod-network/Vpc");
    expect(error.name).toBe("ValidationError");
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(ValidationError);
  });

  test("a construct deep in the tree gives its full path", () => {
    const stack = new TerraformStack(Testing.app(), "dev-eks");
    const nodes = new Construct(new Construct(stack, "Cluster"), "Nodes");
    expect(new ValidationError("bad", nodes).message).toBe("dev-eks/Cluster/Nodes: bad");
  });

  test("the root construct, whose path is empty, gives the bare message", () => {
    const app = Testing.app();
    const error = new ValidationError("no stacks", app);
    expect(error.message).toBe("no stacks");
    expect(error.constructPath).toBe("");
  });
});

describe("showValue", () => {
  test.each<[string, unknown, string]>([
    ["a string, quoted", "eu-west-1", '"eu-west-1"'],
    ["a string with quotes, escaped", 'a "b"', '"a \\"b\\""'],
    ["an empty string", "", '""'],
    ["undefined", undefined, "undefined"],
    ["null", null, "null"],
    ["a number", 42, "42"],
    ["a boolean", false, "false"],
    ["an array, as JSON", ["public", 1], '["public",1]'],
    ["an object, as JSON", { type: "local" }, '{"type":"local"}'],
    ["a bigint, which JSON cannot show", 10n, "10"],
  ])("%s", (_what, value, shown) => {
    expect(showValue(value)).toBe(shown);
  });

  test("JSON longer than 120 characters is cut to 117 and an ellipsis", () => {
    const value = Array.from({ length: 60 }, (_, i) => i);
    const json = JSON.stringify(value);
    expect(json.length).toBeGreaterThan(120);
    const shown = showValue(value);
    expect(shown).toBe(`${json.slice(0, 117)}...`);
    expect(shown).toHaveLength(120);
  });

  test("JSON of exactly 120 characters is shown whole", () => {
    const value = ["x".repeat(116)];
    expect(JSON.stringify(value)).toHaveLength(120);
    expect(showValue(value)).toBe(JSON.stringify(value));
  });

  test("a value JSON cannot show falls back to String()", () => {
    const circular: Record<string, unknown> = { name: "loop" };
    circular.self = circular;
    expect(showValue(circular)).toBe("[object Object]");
  });
});
