import { countChanges, ctyType, listChanges, outputsOnlyState, plannedOutputs, type PlanJson } from "../src/plan-json";

/** A plan with one resource change per action list, in the order given. */
function planWith(...actions: string[][]): PlanJson {
  return {
    resource_changes: actions.map((a, i) => ({ address: `aws_thing.r${i}`, change: { actions: a } })),
  };
}

describe("countChanges", () => {
  test("counts each kind of change once, as terraform's summary does", () => {
    const plan = planWith(["create"], ["update"], ["delete"], ["delete", "create"], ["create", "delete"], ["no-op"], ["read"]);
    expect(countChanges(plan)).toEqual({ add: 1, change: 1, destroy: 1, replace: 2 });
  });

  test("a replacement is counted as a replacement only, whichever order its actions come in", () => {
    expect(countChanges(planWith(["delete", "create"]))).toEqual({ add: 0, change: 0, destroy: 0, replace: 1 });
    expect(countChanges(planWith(["create", "delete"]))).toEqual({ add: 0, change: 0, destroy: 0, replace: 1 });
  });

  test("several creates add up", () => {
    expect(countChanges(planWith(["create"], ["create"], ["create"]))).toEqual({ add: 3, change: 0, destroy: 0, replace: 0 });
  });

  test("no-op and read changes count for nothing", () => {
    expect(countChanges(planWith(["no-op"], ["read"], ["no-op"]))).toEqual({ add: 0, change: 0, destroy: 0, replace: 0 });
  });

  test("a plan without resource_changes has no changes", () => {
    expect(countChanges({})).toEqual({ add: 0, change: 0, destroy: 0, replace: 0 });
    expect(countChanges({ resource_changes: [] })).toEqual({ add: 0, change: 0, destroy: 0, replace: 0 });
  });
});

describe("listChanges", () => {
  test("one line per change with its symbol, in plan order, no-op and read left out", () => {
    const plan = planWith(["create"], ["no-op"], ["update"], ["delete", "create"], ["read"], ["create", "delete"], ["delete"]);
    expect(listChanges(plan)).toEqual([
      "+ aws_thing.r0",
      "~ aws_thing.r2",
      "-/+ aws_thing.r3",
      "-/+ aws_thing.r5",
      "- aws_thing.r6",
    ]);
  });
});

describe("plannedOutputs", () => {
  test("known values are kept as they are", () => {
    const outputs = plannedOutputs({
      output_changes: {
        cidr: { after: "10.0.0.0/16", after_unknown: false },
        count: { after: 3, after_unknown: false },
        enabled: { after: true, after_unknown: false },
        zones: { after: ["eu-west-1a", "eu-west-1b"], after_unknown: [false, false] },
        nested: { after: { a: 1, b: "two" }, after_unknown: false },
      },
    });
    expect(outputs).toEqual({
      cidr: "10.0.0.0/16",
      count: 3,
      enabled: true,
      zones: ["eu-west-1a", "eu-west-1b"],
      nested: { a: 1, b: "two" },
    });
  });

  test("a fully unknown output becomes a placeholder string named after the output", () => {
    const outputs = plannedOutputs({ output_changes: { vpc_id: { after_unknown: true } } });
    expect(outputs.vpc_id).toBe("placeholder-vpc-id");
  });

  test("placeholders are slugs of the output name: no characters other than letters, digits and -", () => {
    const outputs = plannedOutputs({
      output_changes: { "cross-stack-output-aws_vpc.vpc.id": { after: null, after_unknown: true } },
    });
    expect(outputs["cross-stack-output-aws_vpc.vpc.id"]).toBe("placeholder-cross-stack-output-aws-vpc-vpc-id");
  });

  test("an unknown output whose name mentions arn gets an ARN-shaped placeholder", () => {
    const outputs = plannedOutputs({
      output_changes: {
        role_arn: { after_unknown: true },
        ClusterARN: { after_unknown: true },
        role_name: { after_unknown: true },
      },
    });
    expect(outputs.role_arn).toBe("arn:aws:placeholder:us-east-1:000000000000:role-arn");
    expect(outputs.ClusterARN).toMatch(/^arn:aws:[a-z]+:[a-z0-9-]+:\d{12}:ClusterARN$/);
    expect(outputs.role_name).toBe("placeholder-role-name");
  });

  test("a tuple with unknown elements keeps its known elements and fills in the unknown ones by position", () => {
    const outputs = plannedOutputs({
      output_changes: {
        subnet_ids: { after: ["subnet-known", null, null], after_unknown: [false, true, true] },
      },
    });
    expect(outputs.subnet_ids).toEqual(["subnet-known", "placeholder-subnet-ids-1", "placeholder-subnet-ids-2"]);
  });

  test("a tuple that is entirely unknown element by element, with no after at all, still has every element", () => {
    const outputs = plannedOutputs({ output_changes: { subnet_arns: { after_unknown: [true, true] } } });
    expect(outputs.subnet_arns).toEqual([
      "arn:aws:placeholder:us-east-1:000000000000:subnet-arns-0",
      "arn:aws:placeholder:us-east-1:000000000000:subnet-arns-1",
    ]);
  });

  test("an object with unknown fields keeps its known fields and fills in the unknown ones", () => {
    // Terraform leaves unknown attributes out of `after` and lists only the unknown ones in after_unknown.
    const outputs = plannedOutputs({
      output_changes: {
        vpc: { after: { cidr_block: "10.0.0.0/16", tags: { Name: "x" } }, after_unknown: { id: true, arn: true } },
      },
    });
    expect(outputs.vpc).toEqual({
      cidr_block: "10.0.0.0/16",
      tags: { Name: "x" },
      id: "placeholder-vpc-id",
      arn: "arn:aws:placeholder:us-east-1:000000000000:vpc-arn",
    });
  });

  test("unknowns nested in objects and tuples are filled in at every depth", () => {
    const outputs = plannedOutputs({
      output_changes: {
        net: {
          after: { subnets: [{ az: "a" }, { az: "b" }] },
          after_unknown: { subnets: [{ id: true }, { id: true }] },
        },
      },
    });
    expect(outputs.net).toEqual({
      subnets: [
        { az: "a", id: "placeholder-net-subnets-0-id" },
        { az: "b", id: "placeholder-net-subnets-1-id" },
      ],
    });
  });

  test("an output with no value after the plan is null; a plan without outputs has none", () => {
    expect(plannedOutputs({ output_changes: { gone: { after: null, after_unknown: false } } })).toEqual({ gone: null });
    expect(plannedOutputs({})).toEqual({});
  });
});

describe("outputsOnlyState", () => {
  const outputs = {
    name: "vpc-123",
    count: 2,
    enabled: false,
    ids: ["a", 1, true],
    settings: { cidr: "10.0.0.0/16", size: 16, nested: { on: true } },
  };
  const state = JSON.parse(outputsOnlyState(outputs, "validate-fixture"));

  test("is a version-4 state with the given lineage, no resources and only the outputs", () => {
    expect(state.version).toBe(4);
    expect(state.lineage).toBe("validate-fixture");
    expect(state.serial).toBe(1);
    expect(typeof state.terraform_version).toBe("string");
    expect(state.resources).toEqual([]);
    expect(Object.keys(state.outputs).sort()).toEqual(["count", "enabled", "ids", "name", "settings"]);
  });

  test("each output has its value and its cty type", () => {
    expect(state.outputs.name).toEqual({ value: "vpc-123", type: "string" });
    expect(state.outputs.count).toEqual({ value: 2, type: "number" });
    expect(state.outputs.enabled).toEqual({ value: false, type: "bool" });
    expect(state.outputs.ids).toEqual({ value: ["a", 1, true], type: ["tuple", ["string", "number", "bool"]] });
    expect(state.outputs.settings).toEqual({
      value: outputs.settings,
      type: ["object", { cidr: "string", size: "number", nested: ["object", { on: "bool" }] }],
    });
  });

  test("is pretty-printed JSON ending in a newline", () => {
    const text = outputsOnlyState({ a: "b" }, "l");
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).toContain('\n  "version": 4,');
  });

  test("an empty outputs map gives an empty outputs object", () => {
    expect(JSON.parse(outputsOnlyState({}, "l")).outputs).toEqual({});
  });
});

describe("ctyType", () => {
  test("maps JSON values to cty types; null counts as a string", () => {
    expect(ctyType("x")).toBe("string");
    expect(ctyType(null)).toBe("string");
    expect(ctyType(1.5)).toBe("number");
    expect(ctyType(true)).toBe("bool");
    expect(ctyType([])).toEqual(["tuple", []]);
    expect(ctyType({})).toEqual(["object", {}]);
    expect(ctyType([["a"], { b: 1 }])).toEqual(["tuple", [["tuple", ["string"]], ["object", { b: "number" }]]]);
  });
});
