// Renders Terraform plans (`terraform show -json`, format 1.x) as the GitHub Markdown comment that
// reviewers approve infrastructure changes from: one comment per environment, with the totals, an
// alert when anything is destroyed or replaced, a table of the stacks, every destroy and replace
// with its reason, and the full plan of each stack in a collapsible diff. Stacks that could not be
// planned at all (skipped, such as those whose providers are not available offline) are listed
// with the reason, and neither counted nor worth a comment on their own.
//
// Pure and deterministic: the same plans always give the same text. Sensitive values are never
// printed, and the comment is shortened to fit GitHub's limit (the job summary has the full form).
import { countChanges, type ChangeCounts, type OutputChangeJson, type PlanJson, type ResourceChangeJson } from "./plan-json";

export interface StackPlan {
  readonly stack: string;
  /** Absent when planning failed. */
  readonly plan?: PlanJson;
  /** The failure, shown in the comment (truncated to about 2000 characters). */
  readonly error?: string;
  /** Upstream stacks (of this environment) that have pending changes: this plan reads their old outputs. */
  readonly staleUpstreams?: readonly string[];
  /**
   * Set when the stack was not planned, with the reason ("providers not available offline: helm
   * 3.1.1"). `plan` is then not read; an `error` still makes it a failed stack.
   */
  readonly skipped?: string;
}

export interface EnvironmentPlan {
  readonly environment: string;
  /** The environment's stacks, in dependency order. */
  readonly stacks: readonly StackPlan[];
}

export interface RenderOptions {
  /** GitHub's comment limit. @default 65536 */
  readonly maxLength?: number;
  /** Where the full plans are when the comment had to be shortened (the job summary URL). */
  readonly fullPlanUrl?: string;
}

export interface DestructiveChange {
  readonly stack: string;
  readonly address: string;
  readonly action: "delete" | "replace";
  /** Why, in plain English with Markdown code spans: "replaced because `name` changed". */
  readonly reason: string;
}

/** GitHub's limit for the body of a comment. */
export const GITHUB_COMMENT_LIMIT = 65536;
/** How much of a failed plan's error the comment shows. */
const ERROR_LIMIT = 2000;
/** Attribute paths up to this length are aligned on their `=`. */
const ALIGN_LIMIT = 40;

const SENSITIVE = "(sensitive value)";
const UNKNOWN = "(known after apply)";

/** A hidden marker that identifies the sticky comment of an environment: `<!-- plan-review:<env> -->`. */
export function commentMarker(environment: string): string {
  return `<!-- plan-review:${environment.replace(/[^A-Za-z0-9_./-]/g, "_")} -->`;
}

/**
 * The Markdown comment, or undefined when no stack of the environment has changes or errors (no
 * comment for unchanged environments, nor for one whose other stacks were only skipped).
 */
export function renderEnvironmentPlan(plan: EnvironmentPlan, options: RenderOptions = {}): string | undefined {
  const env = analyze(plan);
  if (!env.stacks.some((s) => s.failed || s.hasChanges)) return undefined;
  return fit(env, options.maxLength ?? GITHUB_COMMENT_LIMIT, options.fullPlanUrl);
}

/** The full form without length limit, for the job summary. */
export function renderFullPlan(plan: EnvironmentPlan): string {
  const env = analyze(plan);
  return compose([...head(env), ...lists(env), ...env.stacks.flatMap((s) => (s.details ? [s.details] : []))]);
}

/** Every delete or replace across the plans: what needs an extra approval. */
export function destructiveChanges(plan: EnvironmentPlan): DestructiveChange[] {
  return analyze(plan).stacks.flatMap((s) => s.destructive);
}

// ---------------------------------------------------------------------------------------------
// Analysis: what each stack's plan does.

type Step = string | number;

interface Move {
  readonly stack: string;
  readonly from: string;
  readonly to: string;
  readonly actions: readonly string[];
}

interface StackAnalysis {
  readonly plan: StackPlan;
  readonly failed: boolean;
  /** Not planned (and not failed): no counts, no changes. */
  readonly skipped: boolean;
  readonly counts: ChangeCounts;
  readonly moves: readonly Move[];
  readonly imports: number;
  readonly forgets: number;
  readonly outputsChange: boolean;
  readonly hasChanges: boolean;
  readonly destructive: readonly DestructiveChange[];
  /** The collapsible block with the stack's full plan, when it has changes. */
  readonly details?: string;
  /** The same with one line per resource change only, for when the full block is too long. */
  readonly compact?: string;
}

interface EnvironmentAnalysis {
  readonly environment: string;
  readonly stacks: readonly StackAnalysis[];
  readonly counts: ChangeCounts;
  readonly moves: number;
  readonly imports: number;
  readonly forgets: number;
}

const NO_CHANGES: ChangeCounts = { add: 0, change: 0, destroy: 0, replace: 0 };

function analyze(plan: EnvironmentPlan): EnvironmentAnalysis {
  const stacks = plan.stacks.map(analyzeStack);
  const ok = stacks.filter((s) => !s.failed && !s.skipped);
  const sum = (f: (s: StackAnalysis) => number) => ok.reduce((n, s) => n + f(s), 0);
  return {
    environment: plan.environment,
    stacks,
    counts: {
      add: sum((s) => s.counts.add),
      change: sum((s) => s.counts.change),
      destroy: sum((s) => s.counts.destroy),
      replace: sum((s) => s.counts.replace),
    },
    moves: sum((s) => s.moves.length),
    imports: sum((s) => s.imports),
    forgets: sum((s) => s.forgets),
  };
}

function analyzeStack(stack: StackPlan): StackAnalysis {
  const plan = stack.plan;
  const none = { plan: stack, counts: NO_CHANGES, moves: [], imports: 0, forgets: 0, outputsChange: false, hasChanges: false, destructive: [] };
  if (stack.error !== undefined) return { ...none, failed: true, skipped: false };
  if (stack.skipped !== undefined) return { ...none, failed: false, skipped: true };
  if (!plan) return { ...none, failed: true, skipped: false };
  const changes = plan.resource_changes ?? [];
  const counts = countChanges(plan);
  const moves: Move[] = changes
    .filter((rc) => isMove(rc))
    .map((rc) => ({ stack: stack.stack, from: rc.previous_address as string, to: rc.address, actions: rc.change.actions }));
  const imports = changes.filter((rc) => rc.change.importing).length;
  const forgets = changes.filter((rc) => rc.change.actions.includes("forget")).length;
  const outputsChange = Object.values(plan.output_changes ?? {}).some((o) => outputChanges(o));
  const destructive: DestructiveChange[] = [];
  for (const rc of changes) {
    const kind = actionKind(rc.change.actions);
    if (kind === "delete" || kind === "replace") {
      destructive.push({ stack: stack.stack, address: rc.address, action: kind, reason: reasonOf(rc, kind, markdownCode) });
    }
  }
  const hasChanges = counts.add + counts.change + counts.destroy + counts.replace + moves.length + imports + forgets > 0 || outputsChange;
  const analysis: StackAnalysis = { plan: stack, failed: false, skipped: false, counts, moves, imports, forgets, outputsChange, hasChanges, destructive };
  return hasChanges ? { ...analysis, details: detailsBlock(analysis, plan, false), compact: detailsBlock(analysis, plan, true) } : analysis;
}

type ActionKind = "create" | "update" | "delete" | "replace" | "forget" | "none";

function actionKind(actions: readonly string[]): ActionKind {
  if (actions.includes("create") && actions.includes("delete")) return "replace";
  if (actions.includes("create")) return "create";
  if (actions.includes("update")) return "update";
  if (actions.includes("delete")) return "delete";
  if (actions.includes("forget")) return "forget";
  return "none";
}

function isMove(rc: ResourceChangeJson): boolean {
  return rc.previous_address !== undefined && rc.previous_address !== rc.address;
}

function outputChanges(o: OutputChangeJson): boolean {
  const actions = o.actions ?? ["update"];
  return actions.some((a) => a !== "no-op" && a !== "read");
}

/** Terraform's `action_reason` for deletes, in plain English. */
const DELETE_REASONS: Record<string, (code: Code) => string> = {
  delete_because_no_resource_config: () => "destroyed because it was removed from the configuration",
  delete_because_wrong_repetition: (c) =>
    `destroyed because the resource switched between a single instance, ${c("count")} and ${c("for_each")}, so this instance no longer exists`,
  delete_because_count_index: (c) => `destroyed because its index is beyond the new ${c("count")}`,
  delete_because_each_key: (c) => `destroyed because its key is no longer in ${c("for_each")}`,
  delete_because_no_module: () => "destroyed because its module was removed from the configuration",
  delete_because_no_move_target: () => "destroyed because it was moved to an address that is not in the configuration",
};

type Code = (text: string) => string;

/** Why a resource is destroyed or replaced: "replaced because `name` changed". */
function reasonOf(rc: ResourceChangeJson, kind: "delete" | "replace", code: Code): string {
  const reason = rc.action_reason;
  if (kind === "delete") {
    if (rc.deposed) return "destroyed: a deposed object left over from an earlier create-before-destroy replacement";
    if (reason === undefined) return "destroyed";
    return DELETE_REASONS[reason]?.(code) ?? `destroyed (${reason})`;
  }
  const paths = (rc.change.replace_paths ?? []).map((p) => code(formatPath(p)));
  const changed = paths.length > 0 ? `${joinWords(paths)} changed` : undefined;
  switch (reason) {
    case undefined:
    case "replace_because_cannot_update":
      if (changed) return `replaced because ${changed}`;
      return reason ? "replaced because a changed attribute cannot be updated in place" : "replaced";
    case "replace_because_tainted":
      return `replaced because it is tainted (an earlier apply did not complete it)${changed ? `; also ${changed}` : ""}`;
    case "replace_by_request":
      return `replaced on request (${code("-replace")})${changed ? `; also ${changed}` : ""}`;
    case "replace_by_triggers":
      return `replaced because a reference in its ${code("replace_triggered_by")} changes${changed ? `; also ${changed}` : ""}`;
    default:
      return `replaced (${reason})${changed ? `; ${changed}` : ""}`;
  }
}

// ---------------------------------------------------------------------------------------------
// The comment's sections.

function head(env: EnvironmentAnalysis): string[] {
  const sections = [heading(env)];
  const caution = cautionAlert(env);
  if (caution) sections.push(caution);
  const failed = env.stacks.filter((s) => s.failed).map((s) => markdownCode(s.plan.stack));
  if (failed.length > 0) {
    const one = failed.length === 1;
    sections.push(
      alert(
        "WARNING",
        `${one ? "The plan" : "The plans"} of ${joinWords(failed)} failed, so ${one ? "its" : "their"} changes are not counted here. Fix the failure and plan again before approving.`,
      ),
    );
  }
  sections.push(stackTable(env));
  const skipped = env.stacks.filter((s) => s.skipped).length;
  if (skipped > 0) {
    sections.push(`_${plural(skipped, "stack")} not planned: review ${skipped === 1 ? "it" : "them"} from the synthesized Terraform._`);
  }
  return sections;
}

function heading(env: EnvironmentAnalysis): string {
  const c = env.counts;
  const anything = env.stacks.some((s) => s.failed || s.hasChanges);
  const totals = anything
    ? [
        `${c.add} to add`,
        `${c.change} to change`,
        `${c.destroy} to destroy`,
        `${c.replace} to replace`,
        ...(env.moves > 0 ? [`${env.moves} to move`] : []),
        ...(env.imports > 0 ? [`${env.imports} to import`] : []),
        ...(env.forgets > 0 ? [`${env.forgets} to forget`] : []),
      ].join(", ")
    : "no changes";
  return `### Plan for ${markdownCode(env.environment)}: ${totals}`;
}

function cautionAlert(env: EnvironmentAnalysis): string | undefined {
  const { destroy, replace } = env.counts;
  if (destroy + replace === 0) return undefined;
  const parts: string[] = [];
  if (destroy > 0) parts.push(`destroys ${plural(destroy, "resource")}`);
  if (replace > 0) parts.push(`replaces ${destroy > 0 ? replace : plural(replace, "resource")} (${replace === 1 ? "destroyed and created anew" : "each destroyed and created anew"})`);
  return alert("CAUTION", `This plan ${parts.join(" and ")}. Destroying or replacing resources needs an extra approval.`);
}

function alert(kind: string, text: string): string {
  return `> [!${kind}]\n> ${text}`;
}

function stackTable(env: EnvironmentAnalysis): string {
  return [tableHeader(), ...env.stacks.map(tableRow)].join("\n");
}

function tableHeader(): string {
  return "| Stack | Add | Change | Destroy | Replace | Note |\n| :-- | --: | --: | --: | --: | :-- |";
}

function tableRow(s: StackAnalysis): string {
  const notes: string[] = [];
  if (s.failed) notes.push("plan failed");
  else if (s.skipped) notes.push(skippedNote(s.plan.skipped as string));
  else if (!s.hasChanges) notes.push("no changes");
  else {
    if (s.moves.length > 0) notes.push(`${s.moves.length} moved`);
    if (s.imports > 0) notes.push(`${s.imports} imported`);
    if (s.forgets > 0) notes.push(`${s.forgets} removed from the state only`);
    if (s.outputsChange && s.counts.add + s.counts.change + s.counts.destroy + s.counts.replace === 0) notes.push("outputs change");
  }
  // A stack that was not planned reads nothing.
  const stale = s.skipped ? [] : (s.plan.staleUpstreams ?? []);
  if (stale.length > 0) {
    notes.push(`reads outputs of ${joinWords(stale.map(markdownCode))} before ${stale.length === 1 ? "its" : "their"} changes are applied: plan again after applying ${stale.length === 1 ? "it" : "them"}`);
  }
  const n = (v: number, strong = false) => (s.failed || s.skipped ? "—" : strong && v > 0 ? `**${v}**` : `${v}`);
  const cells = [markdownCode(s.plan.stack), n(s.counts.add), n(s.counts.change), n(s.counts.destroy, true), n(s.counts.replace, true), notes.join("; ")];
  return `| ${cells.map(tableCell).join(" | ")} |`;
}

/** `not planned: <reason>`, on one line and with no HTML. */
function skippedNote(reason: string): string {
  const text = escapeHtml(reason.replace(/\s+/g, " ").trim());
  return text ? `not planned: ${text}` : "not planned";
}

function tableCell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

/** The lists after the table: destroys and replaces, moves, and the errors of failed plans. */
function lists(env: EnvironmentAnalysis): string[] {
  const sections: string[] = [];
  const destructive = env.stacks.flatMap((s) => s.destructive);
  if (destructive.length > 0) sections.push(destructiveSection(destructive.map(destructiveItem)));
  const moves = env.stacks.flatMap((s) => s.moves);
  if (moves.length > 0) sections.push(movesSection(moves));
  const failed = env.stacks.filter((s) => s.failed);
  if (failed.length > 0) sections.push(errorsSection(failed));
  return sections;
}

function destructiveItem(d: DestructiveChange): string {
  return `- ${markdownCode(d.address)} in ${markdownCode(d.stack)}: ${d.reason.replace(/^(\w+)/, "**$1**")}`;
}

function destructiveSection(items: readonly string[], more = 0): string {
  const lines = ["#### Destroyed or replaced", "", ...items];
  if (more > 0) lines.push(`- and ${more} more`);
  return lines.join("\n");
}

function movesSection(moves: readonly Move[]): string {
  const items = moves.map((m) => {
    const kind = actionKind(m.actions);
    const also = kind === "update" ? " (and updated in place)" : kind === "replace" ? " (and replaced)" : kind === "delete" ? " (and destroyed)" : "";
    return `- ${markdownCode(m.from)} → ${markdownCode(m.to)} in ${markdownCode(m.stack)}${also}`;
  });
  return ["#### Moved", "", "Moved resources keep their infrastructure: only their address in the state changes.", "", ...items].join("\n");
}

function errorsSection(failed: readonly StackAnalysis[]): string {
  const blocks = failed.map((s) => {
    const error = s.plan.error ?? "no plan was produced";
    return `${markdownCode(s.plan.stack)}:\n\n${fenced(truncateError(error), "text")}`;
  });
  return ["#### Failed plans", ...blocks].join("\n\n");
}

/** The first ERROR_LIMIT characters of an error, cut at a line where one is near. */
function truncateError(error: string): string {
  const text = error.replace(/\s+$/, "");
  if (text.length <= ERROR_LIMIT) return text;
  const lineEnd = text.lastIndexOf("\n", ERROR_LIMIT);
  const cut = lineEnd > ERROR_LIMIT / 2 ? lineEnd : ERROR_LIMIT;
  return `${text.slice(0, cut)}\n… (${text.length - cut} more characters)`;
}

function detailsBlock(s: StackAnalysis, plan: PlanJson, compact: boolean): string {
  const c = s.counts;
  const summary = [
    ...(c.add > 0 ? [`${c.add} to add`] : []),
    ...(c.change > 0 ? [`${c.change} to change`] : []),
    ...(c.destroy > 0 ? [`${c.destroy} to destroy`] : []),
    ...(c.replace > 0 ? [`${c.replace} to replace`] : []),
    ...(s.moves.length > 0 ? [`${s.moves.length} to move`] : []),
    ...(s.imports > 0 ? [`${s.imports} to import`] : []),
    ...(s.forgets > 0 ? [`${s.forgets} to forget`] : []),
  ];
  if (summary.length === 0) summary.push("outputs change");
  const title = `<code>${escapeHtml(s.plan.stack)}</code>: ${summary.join(", ")}${compact ? " (addresses only)" : ""}`;
  return `<details><summary>${title}</summary>\n\n${fenced(planDiff(plan, compact), "diff")}\n\n</details>`;
}

// ---------------------------------------------------------------------------------------------
// The full plan of a stack as a diff.

type DiffSymbol = "+" | "-" | "~";

interface AttributeLine {
  readonly symbol: DiffSymbol;
  readonly path: readonly Step[];
  readonly value: string;
}

/**
 * The plan as diff lines: each resource change with its changed attributes, then the outputs;
 * `compact`: one line per resource change only.
 */
function planDiff(plan: PlanJson, compact: boolean): string {
  const blocks: string[][] = [];
  for (const rc of plan.resource_changes ?? []) {
    const block = resourceBlock(rc);
    if (block) blocks.push(compact ? block.slice(0, 1) : block);
  }
  const lines: string[] = [];
  blocks.forEach((block, i) => {
    if (i > 0 && (block.length > 1 || blocks[i - 1].length > 1)) lines.push("");
    lines.push(...block);
  });
  const outputs: AttributeLine[] = [];
  for (const [name, o] of compact ? [] : Object.entries(plan.output_changes ?? {})) {
    if (!outputChanges(o)) continue;
    diffValue([name], o.before, o.after, o.after_unknown, o.before_sensitive, o.after_sensitive, outputs);
  }
  if (outputs.length > 0) {
    if (lines.length > 0) lines.push("");
    lines.push("Changes to outputs:");
    const width = alignWidth(outputs);
    for (const line of outputs) lines.push(`${line.symbol.padEnd(3)} ${formatPath(line.path).padEnd(width)} = ${line.value}`);
  }
  return lines.join("\n");
}

function resourceBlock(rc: ResourceChangeJson): string[] | undefined {
  const kind = actionKind(rc.change.actions);
  const moved = isMove(rc);
  if (kind === "none" && !moved && !rc.change.importing) return undefined;
  const symbol = { create: "+", update: "~", delete: "-", replace: "-/+", forget: " ", none: " " }[kind];
  const notes: string[] = [];
  if (kind === "delete" || kind === "replace") notes.push(reasonOf(rc, kind, (t) => t));
  if (moved) notes.push(`moved from ${rc.previous_address}`);
  if (rc.change.importing) notes.push(rc.change.importing.id ? `imported from ${rc.change.importing.id}` : "imported");
  if (kind === "forget") notes.push("removed from the state only: the object is not destroyed");
  const header = `${symbol.padEnd(3)} ${rc.address}${notes.length > 0 ? `  # ${notes.join("; ")}` : ""}`;
  if (kind === "delete" || kind === "forget") return [header];

  const c = rc.change;
  const attributes: AttributeLine[] = [];
  diffValue([], c.before, c.after, c.after_unknown, c.before_sensitive, c.after_sensitive, attributes);
  const creating = kind === "create";
  withoutDerivedTags(attributes, creating);
  // A new resource has many values only known after apply (id, arn, ...): named on one line.
  const unknown = creating ? attributes.filter((l) => l.value === UNKNOWN) : [];
  const shown = creating ? attributes.filter((l) => l.value !== UNKNOWN) : attributes;
  const forcing = kind === "replace" ? (c.replace_paths ?? []) : [];
  const width = alignWidth(shown);
  const lines = [
    header,
    ...shown.map((line) => {
      const forces = forcing.some((p) => isPrefix(p, line.path) || isPrefix(line.path, p));
      return `${line.symbol}     ${formatPath(line.path).padEnd(width)} = ${line.value}${forces ? "  # forces replacement" : ""}`;
    }),
  ];
  if (unknown.length > 0) lines.push(`+     ${UNKNOWN}: ${unknown.map((l) => formatPath(l.path)).join(", ")}`);
  return lines;
}

/**
 * The AWS provider's `tags_all` is `tags` plus the provider's default tags: on a new resource it
 * repeats the same default tags on every resource, and on a change it repeats the change of `tags`.
 * Left out then, so that what differs stands out; a change of a default tag still shows.
 */
function withoutDerivedTags(lines: AttributeLine[], creating: boolean): void {
  const tags = new Map(lines.filter((l) => l.path.length === 2 && l.path[0] === "tags").map((l) => [String(l.path[1]), l]));
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i];
    if (l.path[0] !== "tags_all") continue;
    const same = tags.get(String(l.path[1]));
    if (creating || (l.path.length === 2 && same && same.symbol === l.symbol && same.value === l.value)) lines.splice(i, 1);
  }
}

function alignWidth(lines: readonly AttributeLine[]): number {
  return lines.map((l) => formatPath(l.path).length).filter((n) => n <= ALIGN_LIMIT).reduce((a, b) => Math.max(a, b), 0);
}

function isPrefix(prefix: readonly Step[], path: readonly Step[]): boolean {
  return prefix.length <= path.length && prefix.every((step, i) => String(step) === String(path[i]));
}

/**
 * The changed leaves between `before` and `after`, flattened to paths. A value is masked wherever
 * either sensitivity tree marks it, and `(known after apply)` wherever `after_unknown` does.
 */
function diffValue(
  path: Step[],
  before: unknown,
  after: unknown,
  unknown: unknown,
  beforeSensitive: unknown,
  afterSensitive: unknown,
  out: AttributeLine[],
): void {
  const push = (symbol: DiffSymbol, value: string) => out.push({ symbol, path, value });
  if (beforeSensitive === true || afterSensitive === true) {
    const unknownHere = anyTrue(unknown);
    const beforeEmpty = isEmpty(before);
    const afterEmpty = isEmpty(after) && !unknownHere;
    if (beforeEmpty && afterEmpty) return;
    if (!unknownHere && deepEqual(before, after)) return;
    if (beforeEmpty) push("+", SENSITIVE);
    else if (afterEmpty) push("-", `${SENSITIVE} -> null`);
    else push("~", unknownHere ? `${SENSITIVE} -> ${UNKNOWN}` : SENSITIVE);
    return;
  }
  if (unknown === true) {
    if (!isEmpty(before)) push("~", `${inline(before, beforeSensitive)} -> ${UNKNOWN}`);
    else push("+", UNKNOWN);
    return;
  }
  // JSON documents in strings (policies, container definitions) are compared as structures.
  const beforeJson = jsonDocument(before);
  const afterJson = jsonDocument(after);
  if ((beforeJson !== undefined || afterJson !== undefined) && (beforeJson !== undefined || isEmpty(before)) && (afterJson !== undefined || isEmpty(after))) {
    diffValue(path, beforeJson, afterJson, undefined, undefined, undefined, out);
    return;
  }
  const inlineList = (v: unknown) => isEmpty(v) || (Array.isArray(v) && v.every((x) => !isContainer(x)));
  const leaf =
    (!isContainer(before) && !isContainer(after)) ||
    (inlineList(before) && inlineList(after) && !anyTrue(unknown) && !anyTrue(beforeSensitive) && !anyTrue(afterSensitive)) ||
    (isContainer(before) && isContainer(after) && Array.isArray(before) !== Array.isArray(after));
  if (leaf) {
    if (isEmpty(before) && isEmpty(after)) return;
    if (deepEqual(before, after)) return;
    if (isEmpty(before)) push("+", inline(after, afterSensitive));
    else if (isEmpty(after)) push("-", `${inline(before, beforeSensitive)} -> null`);
    else push("~", `${inline(before, beforeSensitive)} -> ${inline(after, afterSensitive)}`);
    return;
  }
  if (Array.isArray(before) || Array.isArray(after)) {
    const b = Array.isArray(before) ? before : [];
    const a = Array.isArray(after) ? after : [];
    const n = Math.max(b.length, a.length, Array.isArray(unknown) ? unknown.length : 0);
    for (let i = 0; i < n; i++) {
      diffValue([...path, i], b[i], a[i], child(unknown, i), child(beforeSensitive, i), child(afterSensitive, i), out);
    }
    return;
  }
  const keys = new Set<string>();
  for (const v of [before, after, unknown]) {
    if (isObject(v)) Object.keys(v).forEach((k) => keys.add(k));
  }
  for (const key of [...keys].sort()) {
    diffValue([...path, key], child(before, key), child(after, key), child(unknown, key), child(beforeSensitive, key), child(afterSensitive, key), out);
  }
}

function child(node: unknown, key: Step): unknown {
  if (node === true) return true;
  if (Array.isArray(node)) return typeof key === "number" ? node[key] : undefined;
  if (isObject(node)) return Object.prototype.hasOwnProperty.call(node, key) ? node[key as string] : undefined;
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isContainer(v: unknown): boolean {
  return typeof v === "object" && v !== null;
}

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
}

function anyTrue(node: unknown): boolean {
  if (node === true) return true;
  if (isContainer(node)) return Object.values(node as object).some(anyTrue);
  return false;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isEmpty(a) && isEmpty(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** The parsed value of a string that holds a JSON object or array, otherwise undefined. */
function jsonDocument(v: unknown): unknown {
  if (typeof v !== "string" || !/^\s*[[{]/.test(v)) return undefined;
  try {
    const parsed: unknown = JSON.parse(v);
    return isContainer(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A value on one line, with every sensitive part masked. */
function inline(v: unknown, sensitive: unknown): string {
  if (sensitive === true) return SENSITIVE;
  if (Array.isArray(v)) return `[${v.map((x, i) => inline(x, child(sensitive, i))).join(", ")}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort();
    if (keys.length === 0) return "{}";
    return `{ ${keys.map((k) => `${formatKey(k)} = ${inline(v[k], child(sensitive, k))}`).join(", ")} }`;
  }
  if (v === undefined || v === null) return "null";
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function formatKey(key: string): string {
  return IDENTIFIER.test(key) ? key : JSON.stringify(key);
}

/** `["vpc_config", 0, "subnet_ids"]` → `vpc_config[0].subnet_ids`; odd map keys as `tags["kubernetes.io/role"]`. */
function formatPath(path: readonly Step[]): string {
  return path
    .map((step, i) => {
      if (typeof step === "number") return `[${step}]`;
      if (!IDENTIFIER.test(step)) return `[${JSON.stringify(step)}]`;
      return i === 0 ? step : `.${step}`;
    })
    .join("");
}

// ---------------------------------------------------------------------------------------------
// Fitting the comment into GitHub's limit.

function compose(sections: readonly string[]): string {
  return `${sections.join("\n\n")}\n`;
}

function fullPlanLink(url: string | undefined): string {
  const safe = (u: string) => u.replace(/[()<>\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
  return url ? `[the job summary](${safe(url)})` : "the job summary of the workflow run";
}

/**
 * The comment at most `maxLength` long: in full if it fits; otherwise with the largest plan blocks
 * shortened to their addresses, then left out, one by one; otherwise a summary (heading, alerts,
 * table, as many of the destroys and replaces as fit); and as a last resort cut at a line.
 */
function fit(env: EnvironmentAnalysis, maxLength: number, url: string | undefined): string {
  const marker = commentMarker(env.environment);
  const top = [marker, ...head(env)];
  const middle = lists(env);
  // Each stack's plan block in three forms: full, addresses only, left out.
  const blocks = env.stacks
    .filter((s) => s.details)
    .map((s) => ({ stack: s.plan.stack, forms: [s.details as string, s.compact as string, undefined] }));
  const form = blocks.map(() => 0);
  const render = () => {
    const shortened = blocks.filter((_, i) => form[i] > 0).map((b) => markdownCode(b.stack));
    const one = shortened.length === 1;
    const pointer = `_The full ${one ? "plan" : "plans"} of ${joinWords(shortened)} ${one ? "is" : "are"} too long for this comment: see ${fullPlanLink(url)}._`;
    const kept = blocks.flatMap((b, i) => b.forms[form[i]] ?? []);
    return compose([...top, ...middle, ...(shortened.length > 0 ? [pointer] : []), ...kept]);
  };
  const full = render();
  if (full.length <= maxLength) return full;

  // The largest blocks are shortened first: each to its addresses, then left out.
  const bySize = (f: number) =>
    blocks.map((b, i) => ({ i, length: (b.forms[f] as string).length })).sort((a, b) => b.length - a.length || a.i - b.i);
  for (const [f, order] of [[1, bySize(0)], [2, bySize(1)]] as const) {
    for (const { i } of order) {
      form[i] = f;
      const text = render();
      if (text.length <= maxLength) return text;
    }
  }

  // The summary: as many of the destroys and replaces as fit.
  const pointer = `_This plan is too long for a comment: the full plan is in ${fullPlanLink(url)}._`;
  const items = env.stacks.flatMap((s) => s.destructive).map(destructiveItem);
  const moves = env.moves > 0 ? [`_${plural(env.moves, "resource")} moved: see the full plan._`] : [];
  const summary = (shown: number) =>
    compose([...top, ...(items.length > 0 ? [destructiveSection(items.slice(0, shown), items.length - shown)] : []), ...moves, pointer]);
  let lo = 0;
  let hi = items.length;
  if (summary(0).length <= maxLength) {
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (summary(mid).length <= maxLength) lo = mid;
      else hi = mid - 1;
    }
    return summary(lo);
  }
  return cutAtLine(summary(0), maxLength);
}

/** The first lines of `text` that fit in `maxLength`, with `…` for the rest. */
function cutAtLine(text: string, maxLength: number): string {
  const lines = text.split("\n");
  let result = "";
  for (const line of lines) {
    const next = result === "" ? line : `${result}\n${line}`;
    if (next.length + "\n…\n".length > maxLength) break;
    result = next;
  }
  const cut = result === "" ? "…\n" : `${result}\n…\n`;
  return cut.length <= maxLength ? cut : text.slice(0, Math.max(0, maxLength));
}

// ---------------------------------------------------------------------------------------------
// Markdown helpers.

/** Text as a Markdown code span, whatever backticks it holds. */
function markdownCode(text: string): string {
  const flat = text.replace(/[\r\n]+/g, " ");
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A fenced code block that no line of `text` can close. */
function fenced(text: string, language: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${text}\n${fence}`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
