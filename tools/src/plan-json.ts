// Reading `terraform show -json` plans: change counts, and the outputs a downstream stack would
// read from this stack's state once it is applied.

/** The parts of Terraform's JSON plan format (`terraform show -json`, format 1.x) that the tools read. */
export interface PlanJson {
  readonly format_version?: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly ResourceChangeJson[];
  readonly output_changes?: Record<string, OutputChangeJson>;
  /** Whether planning stopped on an error (the plan is then incomplete). */
  readonly errored?: boolean;
}

/** One entry of `resource_changes`. */
export interface ResourceChangeJson {
  readonly address: string;
  /** The address before a `moved` block (or a refactoring) moved it. */
  readonly previous_address?: string;
  readonly module_address?: string;
  readonly mode?: string;
  readonly type?: string;
  readonly name?: string;
  readonly index?: unknown;
  readonly provider_name?: string;
  /** Set when the change is to a deposed object (left over from a create-before-destroy replacement). */
  readonly deposed?: string;
  readonly change: ChangeJson;
  /** Why Terraform chose this action, e.g. `replace_because_cannot_update`, `delete_because_no_resource_config`. */
  readonly action_reason?: string;
}

/** A change of a resource: the values before and after, and which parts are unknown or sensitive. */
export interface ChangeJson {
  readonly actions: readonly string[];
  readonly before?: unknown;
  readonly after?: unknown;
  /** `true`, or a tree shaped like `after` with `true` where the value is only known after apply. */
  readonly after_unknown?: unknown;
  /** `true`, or a tree shaped like `before` with `true` where the value is sensitive. */
  readonly before_sensitive?: unknown;
  /** `true`, or a tree shaped like `after` with `true` where the value is sensitive. */
  readonly after_sensitive?: unknown;
  /** The attribute paths that force a replacement, each a list of keys and indices. */
  readonly replace_paths?: readonly (readonly (string | number)[])[];
  /** Set when the resource is imported. */
  readonly importing?: { readonly id?: string; readonly identity?: unknown };
}

/** One entry of `output_changes`. */
export interface OutputChangeJson {
  readonly actions?: readonly string[];
  readonly before?: unknown;
  readonly after?: unknown;
  readonly after_unknown?: unknown;
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
}

export interface ChangeCounts {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  readonly replace: number;
}

/** Counts a plan's resource changes as Terraform's own summary does, with replacements apart. */
export function countChanges(plan: PlanJson): ChangeCounts {
  const counts = { add: 0, change: 0, destroy: 0, replace: 0 };
  for (const rc of plan.resource_changes ?? []) {
    const actions = rc.change.actions;
    if (actions.includes("create") && actions.includes("delete")) counts.replace++;
    else if (actions.includes("create")) counts.add++;
    else if (actions.includes("update")) counts.change++;
    else if (actions.includes("delete")) counts.destroy++;
  }
  return counts;
}

/** One line per resource change, in plan order: `+ aws_vpc.x`, `~`, `-/+` (replace), `-`. */
export function listChanges(plan: PlanJson): string[] {
  const lines: string[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const a = rc.change.actions;
    const symbol = a.includes("create") && a.includes("delete") ? "-/+" : a.includes("create") ? "+" : a.includes("update") ? "~" : a.includes("delete") ? "-" : undefined;
    if (symbol) lines.push(`${symbol} ${rc.address}`);
  }
  return lines;
}

/**
 * The outputs the stack's state would hold after applying the plan, with a placeholder wherever
 * a value is only known after apply. Placeholders are strings shaped like what they stand for
 * (an output whose name mentions `arn` gets an ARN), so that downstream stacks that read them
 * through `terraform_remote_state` can be planned offline.
 */
export function plannedOutputs(plan: PlanJson): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  for (const [name, change] of Object.entries(plan.output_changes ?? {})) {
    outputs[name] = fillUnknown(change.after, change.after_unknown, name);
  }
  return outputs;
}

function fillUnknown(after: unknown, unknown: unknown, name: string): unknown {
  if (unknown === true) return placeholder(name);
  if (Array.isArray(unknown)) {
    const values = Array.isArray(after) ? after : [];
    return unknown.map((u, i) => fillUnknown(values[i], u, `${name}-${i}`));
  }
  if (unknown && typeof unknown === "object" && after && typeof after === "object" && !Array.isArray(after)) {
    const result: Record<string, unknown> = { ...(after as Record<string, unknown>) };
    for (const [key, u] of Object.entries(unknown)) {
      result[key] = fillUnknown((after as Record<string, unknown>)[key], u, `${name}-${key}`);
    }
    return result;
  }
  return after ?? null;
}

function placeholder(name: string): string {
  const slug = name.replace(/[^A-Za-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(-60);
  return /arn/i.test(name) ? `arn:aws:placeholder:us-east-1:000000000000:${slug}` : `placeholder-${slug}`;
}

/**
 * A Terraform state file (format version 4) that holds only outputs: what
 * `terraform_remote_state` reads from an upstream stack.
 */
export function outputsOnlyState(outputs: Record<string, unknown>, lineage: string): string {
  const state = {
    version: 4,
    terraform_version: "1.10.0",
    serial: 1,
    lineage,
    outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { value: v, type: ctyType(v) }])),
    resources: [],
    check_results: null,
  };
  return `${JSON.stringify(state, null, 2)}\n`;
}

/** The cty type of a JSON value, as state files record it. */
export function ctyType(value: unknown): unknown {
  if (typeof value === "string" || value === null || value === undefined) return "string";
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) return ["tuple", value.map(ctyType)];
  return ["object", Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, ctyType(v)]))];
}
