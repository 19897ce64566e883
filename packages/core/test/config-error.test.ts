import { z } from "zod";
import { ConfigError, formatPath, problemsFromIssues } from "../src";

describe("ConfigError", () => {
  test("one problem: singular count and the line indented under the header", () => {
    const error = new ConfigError("dev", [{ path: "dev.region", message: 'dev.region: "x" is not an AWS region' }]);
    expect(error.message).toBe('invalid configuration for environment "dev" (1 problem):\n  dev.region: "x" is not an AWS region');
    expect(error.name).toBe("ConfigError");
    expect(error.problems).toEqual([{ path: "dev.region", message: 'dev.region: "x" is not an AWS region' }]);
  });

  test("several problems: plural count, one line each, in order", () => {
    const error = new ConfigError("staging", [
      { path: "staging.a", message: "staging.a: first" },
      { path: "staging.b", message: "staging.b: second" },
    ]);
    expect(error.message).toBe('invalid configuration for environment "staging" (2 problems):\n  staging.a: first\n  staging.b: second');
  });
});

describe("formatPath", () => {
  test.each<[readonly PropertyKey[], string]>([
    [[], "prod"],
    [["network", "cidr"], "prod.network.cidr"],
    [["availabilityZones", 2], "prod.availabilityZones[2]"],
    [["network", "subnetCidrs", "public", "eu-west-1a"], "prod.network.subnetCidrs.public.eu-west-1a"],
    [["network", "kubernetes", "clusterNames", 0], "prod.network.kubernetes.clusterNames[0]"],
  ])("%j", (path, formatted) => {
    expect(formatPath("prod", path)).toBe(formatted);
  });
});

describe("problemsFromIssues", () => {
  const schema = z.strictObject({ size: z.number({ error: "is not a number" }), name: z.string({ error: "is not a string" }) });

  test("shows the bad value when there is one and nothing when the setting is missing", () => {
    const input = { size: "big" };
    const result = schema.safeParse(input);
    expect(result.success).toBe(false);
    expect(problemsFromIssues("env", input, result.error!.issues)).toEqual([
      { path: "env.size", message: 'env.size: "big" is not a number' },
      { path: "env.name", message: "env.name: is not a string" },
    ]);
  });

  test("reports each unrecognized key as its own problem at its own path", () => {
    const input = { size: 1, name: "a", colour: "red", shape: "round" };
    const result = schema.safeParse(input);
    expect(problemsFromIssues("env", input, result.error!.issues).map((p) => p.path)).toEqual(["env.colour", "env.shape"]);
  });

  test("reports an invalid record key with the key and the key schema's message", () => {
    const record = z.record(z.string().regex(/^[a-z]+$/, { error: "is not a lower-case word" }), z.string());
    const input = { Upper: "value" };
    const result = record.safeParse(input);
    expect(problemsFromIssues("env", input, result.error!.issues)).toEqual([
      { path: "env.Upper", message: 'env.Upper: "Upper" is not a lower-case word' },
    ]);
  });

  test("drops problems whose line repeats an earlier one", () => {
    const issue = { code: "custom", path: ["a"], message: "is wrong", input: undefined } as z.core.$ZodIssue;
    expect(problemsFromIssues("env", { a: 1 }, [issue, issue])).toEqual([{ path: "env.a", message: "env.a: 1 is wrong" }]);
  });
});
