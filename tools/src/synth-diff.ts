// What a change does to the synthesized Terraform, without credentials: per environment and
// stack, the resources (and data sources and outputs) added, removed and changed by address,
// with the top-level attributes that changed. For pull requests from forks, which get no AWS
// credentials and so no plan.
import * as fs from "node:fs";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { readManifest } from "./validate";

export interface StackDiff {
  readonly stack: string;
  readonly status: "added" | "removed" | "changed" | "unchanged";
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly { readonly address: string; readonly attributes: readonly string[] }[];
}

type Blocks = Map<string, Record<string, unknown>>;

/** Compares two synthesized apps (`cdktf.out` folders; a missing one is an app with no stacks). */
export function diffSynthesized(baseOut: string, headOut: string): StackDiff[] {
  const base = readApp(baseOut);
  const head = readApp(headOut);
  const names = [...new Set([...base.keys(), ...head.keys()])].sort();
  return names.map((stack) => diffStack(stack, base.get(stack), head.get(stack)));
}

function diffStack(stack: string, base: Blocks | undefined, head: Blocks | undefined): StackDiff {
  const before = base ?? new Map();
  const after = head ?? new Map();
  const added = [...after.keys()].filter((a) => !before.has(a)).sort();
  const removed = [...before.keys()].filter((a) => !after.has(a)).sort();
  const changed = [...after.keys()]
    .filter((a) => before.has(a) && !isDeepStrictEqual(before.get(a), after.get(a)))
    .sort()
    .map((address) => {
      const b = before.get(address)!;
      const h = after.get(address)!;
      const keys = [...new Set([...Object.keys(b), ...Object.keys(h)])].filter((k) => !isDeepStrictEqual(b[k], h[k])).sort();
      return { address, attributes: keys };
    });
  const status = !base ? "added" : !head ? "removed" : added.length + removed.length + changed.length > 0 ? "changed" : "unchanged";
  return { stack, status, added, removed, changed };
}

/** Every stack of an app, each as its blocks by address: `aws_vpc.x`, `data.x.y`, `output.z`, `provider.aws`, `terraform`. */
function readApp(outdir: string): Map<string, Blocks> {
  const stacks = new Map<string, Blocks>();
  if (!fs.existsSync(path.join(outdir, "manifest.json"))) return stacks;
  const manifest = readManifest(outdir);
  for (const [name, entry] of Object.entries(manifest.stacks)) {
    const json = JSON.parse(fs.readFileSync(path.join(outdir, entry.synthesizedStackPath), "utf8")) as Record<string, unknown>;
    stacks.set(name, blocksOf(json));
  }
  return stacks;
}

function blocksOf(json: Record<string, unknown>): Blocks {
  const blocks: Blocks = new Map();
  const strip = (value: unknown): Record<string, unknown> => {
    const { "//": _metadata, ...rest } = (value ?? {}) as Record<string, unknown>; // eslint-disable-line @typescript-eslint/no-unused-vars
    return rest;
  };
  const typed = (section: unknown, prefix: string) => {
    for (const [type, byName] of Object.entries((section ?? {}) as Record<string, Record<string, unknown>>)) {
      for (const [name, body] of Object.entries(byName)) blocks.set(`${prefix}${type}.${name}`, strip(body));
    }
  };
  typed(json.resource, "");
  typed(json.data, "data.");
  for (const [name, body] of Object.entries((json.output ?? {}) as Record<string, unknown>)) blocks.set(`output.${name}`, strip(body));
  for (const [name, body] of Object.entries((json.provider ?? {}) as Record<string, unknown>)) blocks.set(`provider.${name}`, { configurations: body });
  if (json.terraform) blocks.set("terraform", strip(json.terraform));
  return blocks;
}

/** Markdown for a pull request's job summary: one section per environment with differences. */
export function renderSynthDiff(byEnvironment: Readonly<Record<string, readonly StackDiff[]>>, baseRef: string): string {
  const lines = ["<!-- synth-diff -->", `### Synthesized Terraform compared with \`${baseRef}\``, ""];
  const envs = Object.entries(byEnvironment).filter(([, stacks]) => stacks.some((s) => s.status !== "unchanged"));
  if (envs.length === 0) return [...lines, "No environment's synthesized Terraform changes.", ""].join("\n");
  lines.push("A comparison of configuration, not a plan: it shows what the code asks for, not what AWS will do.", "");
  for (const [env, stacks] of envs) {
    lines.push(`#### \`${env}\``, "", "| Stack | Status | Added | Removed | Changed |", "| :-- | :-- | --: | --: | --: |");
    for (const s of stacks.filter((x) => x.status !== "unchanged")) lines.push(`| \`${s.stack}\` | ${s.status} | ${s.added.length} | ${s.removed.length} | ${s.changed.length} |`);
    lines.push("");
    for (const s of stacks.filter((x) => x.status !== "unchanged")) {
      const body = [
        ...s.removed.map((a) => `- ${a}`),
        ...s.added.map((a) => `+ ${a}`),
        ...s.changed.map((c) => `~ ${c.address} (${c.attributes.join(", ")})`),
      ];
      lines.push(`<details><summary><code>${s.stack}</code>: ${s.status}</summary>`, "", "```diff", ...body, "```", "", "</details>", "");
    }
  }
  return lines.join("\n");
}
