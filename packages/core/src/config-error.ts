import type { z } from "zod";
import { showValue } from "./validation-error";

/** One problem in an environment's configuration. */
export interface ConfigProblem {
  /** Where the problem is, from the environment's name: `prod.network.cidr`. */
  readonly path: string;
  /** The whole line: path, bad value and what is allowed. */
  readonly message: string;
}

/**
 * Every problem found in one environment's configuration, reported together. The runner prints
 * `message` and exits non-zero before anything is synthesized.
 */
export class ConfigError extends Error {
  public readonly problems: readonly ConfigProblem[];

  constructor(environment: string, problems: readonly ConfigProblem[]) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(
      `invalid configuration for environment ${JSON.stringify(environment)} (${count}):\n` +
        problems.map((p) => `  ${p.message}`).join("\n"),
    );
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** Turns Zod's issues into problems that name the setting, show the bad value and say what is allowed. */
export function problemsFromIssues(root: string, input: unknown, issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const path = formatPath(root, [...issue.path, key]);
        problems.push({ path, message: `${path}: ${issue.message}` });
      }
      continue;
    }
    if (issue.code === "invalid_key") {
      // A record's key is wrong: show the key (not its value) and what the key schema allows.
      const path = formatPath(root, issue.path);
      const key = issue.path[issue.path.length - 1];
      const why = issue.issues[0]?.message ?? issue.message;
      problems.push({ path, message: `${path}: ${showValue(String(key))} ${why}` });
      continue;
    }
    const path = formatPath(root, issue.path);
    const value = valueAt(input, issue.path);
    const shown = value.found ? `${showValue(value.value)} ` : "";
    problems.push({ path, message: `${path}: ${shown}${issue.message}` });
  }
  return dedupe(problems);
}

/** `prod` + `["network", "subnetCidrs", "public", "eu-west-1a"]` → `prod.network.subnetCidrs.public.eu-west-1a`; indices as `[1]`. */
export function formatPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const part of path) {
    out += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
  }
  return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): { found: boolean; value?: unknown } {
  let current: unknown = input;
  for (const part of path) {
    if (current === null || typeof current !== "object" || !(part in (current as object))) {
      return { found: false };
    }
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current === undefined ? { found: false } : { found: true, value: current };
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => (seen.has(p.message) ? false : (seen.add(p.message), true)));
}
