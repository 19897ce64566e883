import { showValue } from "@platform/core";

/** Which images a lifecycle rule looks at. */
export type TagStatus = "tagged" | "untagged" | "any";

/**
 * One rule of a repository's lifecycle policy, typed instead of ECR's JSON. A rule either keeps
 * the newest `maxImageCount` images of its selection or expires those older than `maxImageAgeDays`.
 */
export interface LifecycleRule {
  /**
   * Lower runs first. ECR requires a rule for `any` images to have the highest priority.
   * @default - after the rules with explicit priorities, in the order given
   */
  readonly rulePriority?: number;
  /** @default - describes the rule */
  readonly description?: string;
  /** @default "tagged" when prefixes or patterns are given, otherwise "any" */
  readonly tagStatus?: TagStatus;
  /** Tag prefixes a `tagged` rule selects: `["release-"]`. */
  readonly tagPrefixList?: readonly string[];
  /** Tag wildcard patterns a `tagged` rule selects: `["*-rc*"]`. */
  readonly tagPatternList?: readonly string[];
  /** Keep at most this many images of the selection (the newest). */
  readonly maxImageCount?: number;
  /** Expire images of the selection pushed more than this many days ago. */
  readonly maxImageAgeDays?: number;
}

/** Ready-made rules. */
export const LifecycleRules = {
  /** Expire untagged images (layers of overwritten or failed pushes) after `days`. */
  expireUntagged(days: number): LifecycleRule {
    return { tagStatus: "untagged", maxImageAgeDays: days, description: `expire untagged images after ${days} days` };
  },
  /** Keep the newest `count` images whose tag starts with `prefix`. */
  keepLast(count: number, prefix: string): LifecycleRule {
    return { tagStatus: "tagged", tagPrefixList: [prefix], maxImageCount: count, description: `keep the last ${count} images tagged ${prefix}*` };
  },
} as const;

/** The default policy: untagged images expire after 14 days; tagged images are kept. */
export const DEFAULT_LIFECYCLE_RULES: readonly LifecycleRule[] = [LifecycleRules.expireUntagged(14)];

const MAX_RULES = 50;

/**
 * ECR's lifecycle policy JSON for the rules, or the first problem with them: rules that ECR
 * would reject, and rules that conflict (two rules selecting the same images).
 */
export function renderLifecyclePolicy(rules: readonly LifecycleRule[]): { policy: string } | { problem: string } {
  if (rules.length > MAX_RULES) return { problem: `'lifecycleRules' may hold at most ${MAX_RULES} rules, got ${rules.length}` };
  const explicit = rules.map((r) => r.rulePriority).filter((p): p is number => p !== undefined);
  let next = Math.max(0, ...explicit) + 1;
  const placed: { priority: number; status: TagStatus; selection: string; index: number }[] = [];
  const rendered: unknown[] = [];
  for (const [index, rule] of rules.entries()) {
    const at = `'lifecycleRules[${index}]'`;
    const field = (name: string) => `'lifecycleRules[${index}].${name}'`;
    const prefixes = rule.tagPrefixList ?? [];
    const patterns = rule.tagPatternList ?? [];
    const status: TagStatus = rule.tagStatus ?? (prefixes.length > 0 || patterns.length > 0 ? "tagged" : "any");
    if (!["tagged", "untagged", "any"].includes(status)) {
      return { problem: `${field("tagStatus")} must be "tagged", "untagged" or "any", got ${showValue(status)}` };
    }
    const priority = rule.rulePriority ?? next++;
    if (!Number.isInteger(priority) || priority < 1 || priority > 999) {
      return { problem: `${field("rulePriority")} must be a whole number from 1 to 999, got ${showValue(priority)}` };
    }
    if ((rule.maxImageCount === undefined) === (rule.maxImageAgeDays === undefined)) {
      return { problem: `${at} must set exactly one of maxImageCount and maxImageAgeDays, got ${rule.maxImageCount === undefined ? "neither" : "both"}` };
    }
    for (const [name, value] of [["maxImageCount", rule.maxImageCount], ["maxImageAgeDays", rule.maxImageAgeDays]] as const) {
      if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
        return { problem: `${field(name)} must be a whole number of at least 1, got ${showValue(value)}` };
      }
    }
    if (status === "tagged" && (prefixes.length > 0) === (patterns.length > 0)) {
      return { problem: `${at} selects tagged images, so it needs tagPrefixList or tagPatternList (one of them, not both)` };
    }
    if (status !== "tagged" && (prefixes.length > 0 || patterns.length > 0)) {
      return { problem: `${at} selects ${status} images, so it cannot filter by tag; set tagStatus "tagged" to use tagPrefixList or tagPatternList` };
    }
    for (const tag of [...prefixes, ...patterns]) {
      if (!/^[A-Za-z0-9_.*-]{1,128}$/.test(tag)) {
        return { problem: `${at} has tag filter ${showValue(tag)}; tags are 1-128 of A-Za-z0-9_.- (and * in patterns)` };
      }
    }
    if (prefixes.some((t) => t.includes("*"))) {
      return { problem: `${field("tagPrefixList")} holds a wildcard; use tagPatternList for patterns` };
    }
    const samePriority = placed.find((p) => p.priority === priority);
    if (samePriority) {
      return { problem: `${at} has rulePriority ${priority}, which 'lifecycleRules[${samePriority.index}]' has too; each rule needs its own priority` };
    }
    const selection = `${status}:${[...prefixes].sort().join(",")}|${[...patterns].sort().join(",")}`;
    const sameSelection = placed.find((p) => p.selection === selection && status !== "any");
    if (sameSelection) {
      return { problem: `${at} selects the same images as 'lifecycleRules[${sameSelection.index}]'; the two rules conflict, merge them into one` };
    }
    placed.push({ priority, status, selection, index });
    rendered.push({
      rulePriority: priority,
      description: rule.description ?? describe(status, prefixes, patterns, rule),
      selection: {
        tagStatus: status,
        ...(prefixes.length > 0 ? { tagPrefixList: prefixes } : {}),
        ...(patterns.length > 0 ? { tagPatternList: patterns } : {}),
        ...(rule.maxImageCount !== undefined
          ? { countType: "imageCountMoreThan", countNumber: rule.maxImageCount }
          : { countType: "sinceImagePushed", countUnit: "days", countNumber: rule.maxImageAgeDays }),
      },
      action: { type: "expire" },
    });
  }
  const anyRules = placed.filter((p) => p.status === "any");
  if (anyRules.length > 1) {
    return { problem: `'lifecycleRules[${anyRules[1].index}]' is a second rule for any images; ECR allows one` };
  }
  const top = Math.max(...placed.map((p) => p.priority));
  if (anyRules.length === 1 && anyRules[0].priority !== top) {
    return { problem: `'lifecycleRules[${anyRules[0].index}]' selects any images, so it must have the highest rulePriority (it has ${anyRules[0].priority}, another rule has ${top})` };
  }
  rendered.sort((a, b) => (a as { rulePriority: number }).rulePriority - (b as { rulePriority: number }).rulePriority);
  return { policy: JSON.stringify({ rules: rendered }) };
}

function describe(status: TagStatus, prefixes: readonly string[], patterns: readonly string[], rule: LifecycleRule): string {
  const what = status === "tagged" ? `images tagged ${[...prefixes.map((p) => `${p}*`), ...patterns].join(", ")}` : `${status} images`;
  return rule.maxImageCount !== undefined ? `keep the last ${rule.maxImageCount} ${what}` : `expire ${what} after ${rule.maxImageAgeDays} days`;
}
