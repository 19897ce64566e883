// renderLifecyclePolicy: ECR's lifecycle policy JSON from typed rules, and every problem it
// reports (each compared whole; the Repository prefixes them with its construct path).
import { DEFAULT_LIFECYCLE_RULES, LifecycleRules, renderLifecyclePolicy, type LifecycleRule } from "../src";
import { unchecked } from "./support";

interface RenderedRule {
  rulePriority: number;
  description: string;
  selection: Record<string, unknown>;
  action: { type: string };
}

/** The rendered rules; fails when the rules have a problem. */
function rulesOf(rules: readonly LifecycleRule[]): RenderedRule[] {
  const result = renderLifecyclePolicy(rules);
  if ("problem" in result) throw new Error(`unexpected problem: ${result.problem}`);
  const policy = JSON.parse(result.policy) as { rules: RenderedRule[] };
  expect(Object.keys(policy)).toEqual(["rules"]);
  return policy.rules;
}

/** The problem with the rules; fails when they render. */
function problemOf(rules: readonly LifecycleRule[]): string {
  const result = renderLifecyclePolicy(rules);
  if (!("problem" in result)) throw new Error(`expected a problem, got the policy ${result.policy}`);
  return result.problem;
}

const EXPIRE = { type: "expire" };

describe("rendering", () => {
  test("a count rule", () => {
    expect(rulesOf([{ tagStatus: "tagged", tagPrefixList: ["release-", "v"], maxImageCount: 50 }])).toEqual([
      {
        rulePriority: 1,
        description: "keep the last 50 images tagged release-*, v*",
        selection: { tagStatus: "tagged", tagPrefixList: ["release-", "v"], countType: "imageCountMoreThan", countNumber: 50 },
        action: EXPIRE,
      },
    ]);
  });

  test("an age rule", () => {
    expect(rulesOf([{ tagStatus: "untagged", maxImageAgeDays: 3 }])).toEqual([
      {
        rulePriority: 1,
        description: "expire untagged images after 3 days",
        selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 3 },
        action: EXPIRE,
      },
    ]);
  });

  test("a tagged rule with patterns", () => {
    expect(rulesOf([{ tagPatternList: ["*-rc*", "pr-*"], maxImageAgeDays: 30 }])).toEqual([
      {
        rulePriority: 1,
        description: "expire images tagged *-rc*, pr-* after 30 days",
        selection: { tagStatus: "tagged", tagPatternList: ["*-rc*", "pr-*"], countType: "sinceImagePushed", countUnit: "days", countNumber: 30 },
        action: EXPIRE,
      },
    ]);
  });

  test("tagStatus defaults to tagged with prefixes or patterns, to any without", () => {
    const [prefixed] = rulesOf([{ tagPrefixList: ["release-"], maxImageCount: 5 }]);
    expect(prefixed.selection.tagStatus).toBe("tagged");
    const [any] = rulesOf([{ maxImageCount: 500 }]);
    expect(any).toEqual({
      rulePriority: 1,
      description: "keep the last 500 any images",
      selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 500 },
      action: EXPIRE,
    });
  });

  test("a given description is kept", () => {
    expect(rulesOf([{ tagStatus: "untagged", maxImageAgeDays: 1, description: "CI leftovers" }])[0].description).toBe("CI leftovers");
  });

  test("priorities default to the order given", () => {
    const rules = rulesOf([LifecycleRules.expireUntagged(14), LifecycleRules.keepLast(10, "pr-"), { maxImageCount: 1000 }]);
    expect(rules.map((r) => [r.rulePriority, r.selection.tagStatus])).toEqual([
      [1, "untagged"],
      [2, "tagged"],
      [3, "any"],
    ]);
  });

  test("rules without a priority come after every explicit one, in the order given", () => {
    const rules = rulesOf([
      { tagPrefixList: ["a-"], maxImageCount: 1 },
      { tagPrefixList: ["b-"], maxImageCount: 2, rulePriority: 10 },
      { tagPrefixList: ["c-"], maxImageCount: 3 },
      { tagPrefixList: ["d-"], maxImageCount: 4, rulePriority: 5 },
    ]);
    expect(rules.map((r) => [r.rulePriority, r.selection.tagPrefixList])).toEqual([
      [5, ["d-"]],
      [10, ["b-"]],
      [11, ["a-"]],
      [12, ["c-"]],
    ]);
  });

  test("sorted by priority", () => {
    const rules = rulesOf([
      { tagStatus: "any", maxImageCount: 900, rulePriority: 900 },
      { tagStatus: "untagged", maxImageAgeDays: 1, rulePriority: 2 },
      { tagPrefixList: ["release-"], maxImageCount: 20, rulePriority: 30 },
    ]);
    expect(rules.map((r) => r.rulePriority)).toEqual([2, 30, 900]);
  });

  test("an 'any' rule with the highest of several priorities", () => {
    const rules = rulesOf([LifecycleRules.keepLast(10, "pr-"), { maxImageCount: 100 }]);
    expect(rules.map((r) => [r.rulePriority, r.selection.tagStatus])).toEqual([
      [1, "tagged"],
      [2, "any"],
    ]);
  });

  test("the same tags with different statuses, or different tags, do not conflict", () => {
    expect(
      rulesOf([
        { tagPrefixList: ["a-"], maxImageCount: 1 },
        { tagPrefixList: ["a-", "b-"], maxImageCount: 1 },
        { tagPatternList: ["a-*"], maxImageCount: 1 },
        { tagStatus: "untagged", maxImageCount: 1 },
      ]),
    ).toHaveLength(4);
  });

  test("no rules render an empty policy", () => {
    expect(rulesOf([])).toEqual([]);
  });

  test("at most 50 rules", () => {
    const rules = Array.from({ length: 50 }, (_, i) => LifecycleRules.keepLast(i + 1, `p${i}-`));
    expect(rulesOf(rules)).toHaveLength(50);
  });

  test("priorities 1 and 999 are the limits", () => {
    expect(
      rulesOf([
        { tagStatus: "untagged", maxImageAgeDays: 1, rulePriority: 1 },
        { tagStatus: "any", maxImageCount: 1, rulePriority: 999 },
      ]).map((r) => r.rulePriority),
    ).toEqual([1, 999]);
  });

  test("tag filters of 128 characters", () => {
    expect(rulesOf([{ tagPrefixList: ["a".repeat(128)], maxImageCount: 1 }])).toHaveLength(1);
  });
});

describe("LifecycleRules", () => {
  test("expireUntagged", () => {
    expect(LifecycleRules.expireUntagged(7)).toEqual({ tagStatus: "untagged", maxImageAgeDays: 7, description: "expire untagged images after 7 days" });
  });

  test("keepLast", () => {
    expect(LifecycleRules.keepLast(25, "release-")).toEqual({
      tagStatus: "tagged",
      tagPrefixList: ["release-"],
      maxImageCount: 25,
      description: "keep the last 25 images tagged release-*",
    });
  });

  test("the default rules expire untagged images after 14 days", () => {
    expect(DEFAULT_LIFECYCLE_RULES).toEqual([LifecycleRules.expireUntagged(14)]);
    expect(rulesOf(DEFAULT_LIFECYCLE_RULES)).toEqual([
      {
        rulePriority: 1,
        description: "expire untagged images after 14 days",
        selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 },
        action: EXPIRE,
      },
    ]);
  });
});

describe("problems", () => {
  test("more than 50 rules", () => {
    const rules = Array.from({ length: 51 }, (_, i) => LifecycleRules.keepLast(1, `p${i}-`));
    expect(problemOf(rules)).toBe("'lifecycleRules' may hold at most 50 rules, got 51");
  });

  test("a bad tagStatus", () => {
    expect(problemOf([{ tagStatus: unchecked("all"), maxImageCount: 1 }])).toBe(`'lifecycleRules[0].tagStatus' must be "tagged", "untagged" or "any", got "all"`);
  });

  test.each([0, 1000, 1.5, -1])("a priority out of range: %s", (priority) => {
    expect(problemOf([{ tagStatus: "untagged", maxImageAgeDays: 1, rulePriority: priority }])).toBe(
      `'lifecycleRules[0].rulePriority' must be a whole number from 1 to 999, got ${priority}`,
    );
  });

  test("a default priority past 999 (after an explicit 999)", () => {
    expect(problemOf([{ tagStatus: "any", maxImageCount: 1, rulePriority: 999 }, LifecycleRules.expireUntagged(1)])).toBe(
      "'lifecycleRules[1].rulePriority' must be a whole number from 1 to 999, got 1000",
    );
  });

  test("neither count nor age", () => {
    expect(problemOf([{ tagStatus: "untagged" }])).toBe("'lifecycleRules[0]' must set exactly one of maxImageCount and maxImageAgeDays, got neither");
  });

  test("both count and age", () => {
    expect(problemOf([LifecycleRules.expireUntagged(1), { tagStatus: "untagged", maxImageCount: 1, maxImageAgeDays: 1 }])).toBe(
      "'lifecycleRules[1]' must set exactly one of maxImageCount and maxImageAgeDays, got both",
    );
  });

  test.each([0, -3, 2.5])("a count that is not a positive whole number: %s", (value) => {
    expect(problemOf([{ tagStatus: "untagged", maxImageCount: value }])).toBe(`'lifecycleRules[0].maxImageCount' must be a whole number of at least 1, got ${value}`);
  });

  test.each([0, -1, 0.5])("an age that is not a positive whole number: %s", (value) => {
    expect(problemOf([{ tagStatus: "untagged", maxImageAgeDays: value }])).toBe(`'lifecycleRules[0].maxImageAgeDays' must be a whole number of at least 1, got ${value}`);
  });

  test("a tagged rule without tag filters", () => {
    expect(problemOf([{ tagStatus: "tagged", maxImageCount: 1 }])).toBe(
      "'lifecycleRules[0]' selects tagged images, so it needs tagPrefixList or tagPatternList (one of them, not both)",
    );
    expect(problemOf([{ tagStatus: "tagged", tagPrefixList: [], tagPatternList: [], maxImageCount: 1 }])).toBe(
      "'lifecycleRules[0]' selects tagged images, so it needs tagPrefixList or tagPatternList (one of them, not both)",
    );
  });

  test("a tagged rule with both prefixes and patterns", () => {
    expect(problemOf([{ tagPrefixList: ["release-"], tagPatternList: ["*-rc*"], maxImageCount: 1 }])).toBe(
      "'lifecycleRules[0]' selects tagged images, so it needs tagPrefixList or tagPatternList (one of them, not both)",
    );
  });

  test("an untagged rule with tag filters", () => {
    expect(problemOf([{ tagStatus: "untagged", tagPrefixList: ["release-"], maxImageAgeDays: 1 }])).toBe(
      `'lifecycleRules[0]' selects untagged images, so it cannot filter by tag; set tagStatus "tagged" to use tagPrefixList or tagPatternList`,
    );
  });

  test("an any rule with tag filters", () => {
    expect(problemOf([{ tagStatus: "any", tagPatternList: ["*"], maxImageCount: 1 }])).toBe(
      `'lifecycleRules[0]' selects any images, so it cannot filter by tag; set tagStatus "tagged" to use tagPrefixList or tagPatternList`,
    );
  });

  test.each(["release/", "v 1", "", "é", "a".repeat(129)])("a tag filter with characters tags cannot have: %j", (tag) => {
    expect(problemOf([{ tagPatternList: [tag], maxImageCount: 1 }])).toBe(
      `'lifecycleRules[0]' has tag filter ${JSON.stringify(tag)}; tags are 1-128 of A-Za-z0-9_.- (and * in patterns)`,
    );
  });

  test("a wildcard in the prefix list", () => {
    expect(problemOf([{ tagPrefixList: ["release-*"], maxImageCount: 1 }])).toBe("'lifecycleRules[0].tagPrefixList' holds a wildcard; use tagPatternList for patterns");
  });

  test("the same priority twice", () => {
    expect(
      problemOf([
        { tagPrefixList: ["a-"], maxImageCount: 1, rulePriority: 3 },
        LifecycleRules.expireUntagged(1),
        { tagPrefixList: ["b-"], maxImageCount: 1, rulePriority: 3 },
      ]),
    ).toBe("'lifecycleRules[2]' has rulePriority 3, which 'lifecycleRules[0]' has too; each rule needs its own priority");
  });

  test("two rules selecting the same images", () => {
    expect(problemOf([LifecycleRules.expireUntagged(14), LifecycleRules.expireUntagged(7)])).toBe(
      "'lifecycleRules[1]' selects the same images as 'lifecycleRules[0]'; the two rules conflict, merge them into one",
    );
  });

  test("the same tag filters in another order select the same images", () => {
    expect(problemOf([{ tagPrefixList: ["a-", "b-"], maxImageCount: 5 }, { tagPrefixList: ["b-", "a-"], maxImageAgeDays: 5 }])).toBe(
      "'lifecycleRules[1]' selects the same images as 'lifecycleRules[0]'; the two rules conflict, merge them into one",
    );
  });

  test("two rules for any images", () => {
    expect(problemOf([{ maxImageCount: 100, rulePriority: 10 }, LifecycleRules.expireUntagged(1), { tagStatus: "any", maxImageAgeDays: 365, rulePriority: 20 }])).toBe(
      "'lifecycleRules[2]' is a second rule for any images; ECR allows one",
    );
  });

  test("a rule for any images that is not the highest priority", () => {
    expect(problemOf([{ maxImageCount: 100 }, LifecycleRules.expireUntagged(14)])).toBe(
      "'lifecycleRules[0]' selects any images, so it must have the highest rulePriority (it has 1, another rule has 2)",
    );
    expect(problemOf([{ tagStatus: "any", maxImageCount: 100, rulePriority: 5 }, LifecycleRules.keepLast(3, "pr-")])).toBe(
      "'lifecycleRules[0]' selects any images, so it must have the highest rulePriority (it has 5, another rule has 6)",
    );
  });

  test("the first problem in rule order is reported", () => {
    expect(problemOf([{ tagStatus: "untagged" }, { tagStatus: unchecked("all"), maxImageCount: 1 }])).toBe(
      "'lifecycleRules[0]' must set exactly one of maxImageCount and maxImageAgeDays, got neither",
    );
  });
});
