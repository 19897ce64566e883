import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { countOfType, singleOfType, synthesizeWithOutputs, terraformRef, testStack } from "../src";

describe("test helpers", () => {
  test("synthesizeWithOutputs reads token-valued attributes back as references", () => {
    const stack = testStack();
    const vpc = new Vpc(stack, "Main", { cidrBlock: "10.0.0.0/16" });
    const { out, outputs } = synthesizeWithOutputs(stack, { id: vpc.id, literal: "x" });
    const { name } = singleOfType(out, "aws_vpc");
    expect(outputs).toEqual({ id: terraformRef("aws_vpc", name), literal: "x" });
    expect(terraformRef("aws_vpc", name, "arn")).toBe(`\${aws_vpc.${name}.arn}`);
    expect(countOfType(out, "aws_vpc")).toBe(1);
    expect(countOfType(out, "aws_subnet")).toBe(0);
  });

  test("singleOfType fails unless there is exactly one", () => {
    const stack = testStack();
    new Vpc(stack, "A", { cidrBlock: "10.0.0.0/16" });
    new Vpc(stack, "B", { cidrBlock: "10.1.0.0/16" });
    const { out } = synthesizeWithOutputs(stack);
    expect(() => singleOfType(out, "aws_vpc")).toThrow(/^expected exactly one aws_vpc, found 2: /);
    expect(() => singleOfType(out, "aws_subnet")).toThrow("expected exactly one aws_subnet, found 0: ");
  });
});
