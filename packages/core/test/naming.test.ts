import { createHash } from "node:crypto";
import { NameRules, physicalName, type NameRule } from "../src";

function hash8(cleaned: string): string {
  return createHash("sha256").update(cleaned).digest("hex").slice(0, 8);
}

describe("physicalName", () => {
  test("joins the parts with hyphens", () => {
    expect(physicalName(["prod", "network", "flow-logs"])).toBe("prod-network-flow-logs");
  });

  test("skips empty parts", () => {
    expect(physicalName(["prod", "", "network", ""])).toBe("prod-network");
  });

  test("uses the generic rule by default", () => {
    expect(physicalName(["a_b"])).toBe(physicalName(["a_b"], NameRules.generic));
    expect(physicalName(["a_b"])).toBe("a-b");
  });

  test("turns characters the rule does not allow into hyphens, collapses runs and trims the ends", () => {
    expect(physicalName(["prod", "my_app!!", "v2"])).toBe("prod-my-app-v2");
    expect(physicalName(["--prod", "web app--"])).toBe("prod-web-app");
    expect(physicalName(["prod", "é"])).toBe("prod");
  });

  test("keeps characters the rule allows", () => {
    expect(physicalName(["prod", "svc_role+ci@acme.io"], NameRules.iamRole)).toBe("prod-svc_role+ci@acme.io");
    expect(physicalName(["/aws/eks", "prod", "cluster#1"], NameRules.logGroup)).toBe("/aws/eks-prod-cluster#1");
    expect(physicalName(["prod", "web (public)"], NameRules.securityGroup)).toBe("prod-web (public)");
    expect(physicalName(["prod", "team/app_1"], NameRules.kmsAlias)).toBe("prod-team/app_1");
    expect(physicalName(["prod", "Node_Group"], NameRules.cluster)).toBe("prod-Node_Group");
  });

  test("lower-cases names whose rule is lower case only", () => {
    expect(physicalName(["Prod", "Flow.Logs"], NameRules.s3Bucket)).toBe("prod-flow.logs");
    expect(physicalName(["Prod", "Team/App"], NameRules.ecrRepository)).toBe("prod-team/app");
  });

  test("keeps the case of names whose rule accepts upper case", () => {
    expect(physicalName(["Prod", "Web"], NameRules.loadBalancer)).toBe("Prod-Web");
    expect(physicalName(["Prod", "Deployer"], NameRules.iamRole)).toBe("Prod-Deployer");
  });

  test("lower-cases before cleaning, so upper-case letters survive in lower-case names", () => {
    expect(physicalName(["ABC"], NameRules.s3Bucket)).toBe("abc");
  });

  test("a name at the maximum length is kept whole", () => {
    const name = "a".repeat(32);
    expect(physicalName([name], NameRules.loadBalancer)).toBe(name);
  });

  test("a name one character too long keeps its start and ends in an 8-character hash of the whole", () => {
    const name = "a".repeat(33);
    const result = physicalName([name], NameRules.loadBalancer);
    expect(result).toBe(`${"a".repeat(23)}-${hash8(name)}`);
    expect(result).toHaveLength(32);
    expect(result).toMatch(/^a{23}-[0-9a-f]{8}$/);
  });

  test("the hash is of the cleaned, joined name", () => {
    const parts = ["prod", "network", "interface_endpoint", "security", "group"];
    const cleaned = "prod-network-interface-endpoint-security-group";
    expect(physicalName(parts)).toBe(cleaned);
    expect(physicalName(parts, NameRules.loadBalancer)).toBe(`prod-network-interface-${hash8(cleaned)}`);
  });

  test("truncation is deterministic", () => {
    const parts = ["production", "container-platform", "karpenter-controller", "node-role"];
    expect(physicalName(parts, NameRules.loadBalancer)).toBe(physicalName([...parts], NameRules.loadBalancer));
  });

  test("two long names that differ only at the end still differ, and share their start", () => {
    const a = physicalName(["prod", "x".repeat(300), "a"]);
    const b = physicalName(["prod", "x".repeat(300), "b"]);
    expect(a).not.toBe(b);
    expect(a).toHaveLength(255);
    expect(b).toHaveLength(255);
    expect(a.slice(0, 246)).toBe(b.slice(0, 246));
  });

  test("a truncated start does not end in a hyphen or a dot before the hash", () => {
    const hyphen = physicalName(["a".repeat(22), "b".repeat(20)], NameRules.loadBalancer);
    expect(hyphen).toBe(`${"a".repeat(22)}-${hash8(`${"a".repeat(22)}-${"b".repeat(20)}`)}`);
    expect(hyphen).toHaveLength(31);

    const dots = `${"a".repeat(52)}..${"b".repeat(20)}`;
    const bucket = physicalName([dots], NameRules.s3Bucket);
    expect(bucket).toBe(`${"a".repeat(52)}-${hash8(dots)}`);
  });

  test.each(Object.entries(NameRules) as [string, NameRule][])("respects the maximum length of the %s rule", (_key, rule) => {
    const parts = ["prod", "x".repeat(600)];
    const result = physicalName(parts, rule);
    expect(result).toHaveLength(rule.maxLength);
    expect(result).toBe(`prod-${"x".repeat(rule.maxLength - 14)}-${hash8(`prod-${"x".repeat(600)}`)}`);
    for (const c of result) expect(rule.allowed.test(c)).toBe(true);
    expect(physicalName(["prod", "x".repeat(rule.maxLength - 5)], rule)).toHaveLength(rule.maxLength);
  });

  test("the rules' limits are AWS's", () => {
    expect(Object.fromEntries(Object.entries(NameRules).map(([k, r]) => [k, r.maxLength]))).toEqual({
      generic: 255,
      iamRole: 64,
      logGroup: 512,
      securityGroup: 255,
      s3Bucket: 63,
      loadBalancer: 32,
      kmsAlias: 250,
      ecrRepository: 256,
      sqsQueue: 80,
      eventRule: 64,
      cluster: 100,
    });
  });

  test("throws when no allowed character is left", () => {
    expect(() => physicalName(["!!!", "__"])).toThrow(new Error('cannot build a name from ["!!!","__"]: no allowed characters'));
    expect(() => physicalName([], NameRules.s3Bucket)).toThrow(new Error("cannot build a S3 bucket name from []: no allowed characters"));
    expect(() => physicalName(["", ""], NameRules.iamRole)).toThrow(new Error('cannot build a IAM role name from ["",""]: no allowed characters'));
    expect(() => physicalName(["%%"], NameRules.loadBalancer)).toThrow("load balancer name");
  });
});
