// Checks synthesized stacks with the real Terraform CLI: `init` and `validate` for every stack,
// and `plan` against empty state where the stack can be planned offline (local backend and an
// AWS provider in offline mode). Stacks run in dependency order; after a stack is planned, its
// planned outputs (placeholders where unknown) are written as the state that downstream stacks'
// `terraform_remote_state` reads, so downstream stacks are planned too, never skipped.
//
// Everything happens in a scratch copy: backend and remote-state paths are rewritten into it, so
// the harness never reads or writes an environment's real state.
import * as fs from "node:fs";
import * as path from "node:path";
import { countChanges, listChanges, outputsOnlyState, plannedOutputs, type ChangeCounts, type PlanJson } from "./plan-json";
import { mirrorHasProvider, providerAddress, terraform, type ProviderSource } from "./terraform";

export interface StackReport {
  readonly stack: string;
  /** `plan`: init, validate and plan; `validate`: init without backend, and validate. */
  readonly mode: "plan" | "validate";
  readonly status: "ok" | "failed" | "not-validated";
  /** What happened, or why not: the failing command's output, or the providers that cannot be had. */
  readonly detail: string;
  readonly counts?: ChangeCounts;
  /** In `plan` mode: every planned resource change, `+ aws_vpc.x`, `~ ...`, `-/+ ...`, `- ...`. */
  readonly changes?: readonly string[];
  readonly seconds: number;
}

export interface ValidateAppOptions {
  /** A synthesized app: the folder with `manifest.json`. */
  readonly outdir: string;
  /** A scratch folder; emptied first. */
  readonly workDir: string;
  readonly source: ProviderSource;
  /** The environment Terraform runs in (`terraformEnv`). */
  readonly env: NodeJS.ProcessEnv;
}

/** cdktf's `manifest.json`: each stack's file and the stacks it depends on. */
export interface Manifest {
  readonly stacks: Record<string, { readonly synthesizedStackPath: string; readonly dependencies: readonly string[] }>;
}

/** The manifest of a synthesized app; an error that says to synthesize when there is none. */
export function readManifest(outdir: string): Manifest {
  const file = path.join(outdir, "manifest.json");
  if (!fs.existsSync(file)) throw new Error(`${file} not found; synthesize first (npm run synth)`);
  return JSON.parse(fs.readFileSync(file, "utf8")) as Manifest;
}

type StackJson = {
  terraform?: { backend?: Record<string, { path?: string }>; required_providers?: Record<string, { source?: string; version?: string }> };
  provider?: Record<string, Record<string, unknown>[]>;
  data?: { terraform_remote_state?: Record<string, { backend: string; config: { path?: string } }> };
};

/** Validates (and where possible plans) every stack of a synthesized app. */
export async function validateApp(options: ValidateAppOptions): Promise<StackReport[]> {
  const manifest = readManifest(options.outdir);
  fs.rmSync(options.workDir, { recursive: true, force: true });
  const stateDir = path.join(options.workDir, "state");
  fs.mkdirSync(stateDir, { recursive: true });

  const reports = new Map<string, StackReport>();
  for (const name of dependencyOrder(manifest)) {
    const entry = manifest.stacks[name];
    const started = performance.now();
    const json = JSON.parse(fs.readFileSync(path.join(options.outdir, entry.synthesizedStackPath), "utf8")) as StackJson;
    const mode = plansOffline(json) ? "plan" : "validate";
    const finish = (status: StackReport["status"], detail: string, counts?: ChangeCounts, changes?: string[]) => {
      reports.set(name, { stack: name, mode, status, detail, counts, changes, seconds: (performance.now() - started) / 1000 });
    };

    const missing = unavailableProviders(json, options.source);
    if (missing.length > 0) {
      finish("not-validated", `providers not available offline: ${missing.join(", ")}`);
      continue;
    }
    const blocked = entry.dependencies.filter((d) => reports.get(d)?.status !== "ok" || reports.get(d)?.mode !== mode);
    if (mode === "plan" && blocked.length > 0) {
      finish("failed", `upstream stack ${blocked.join(", ")} was not planned, so this stack's remote state cannot be supplied`);
      continue;
    }

    const dir = path.join(options.workDir, "stacks", name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(redirectLocalState(json, name), null, 2));

    const steps: string[][] =
      mode === "plan"
        ? [["init", "-no-color"], ["validate", "-no-color"], ["plan", "-no-color", "-lock=false", "-out=plan.tfplan"]]
        : [["init", "-no-color", "-backend=false"], ["validate", "-no-color"]];
    let failure: string | undefined;
    for (const args of steps) {
      const run = await terraform(args, dir, options.env);
      if (run.code !== 0) {
        failure = `terraform ${args[0]} failed:\n${(run.stderr || run.stdout).trim()}`;
        break;
      }
    }
    if (failure) {
      finish("failed", failure);
      continue;
    }
    if (mode === "validate") {
      finish("ok", "init and validate passed");
      continue;
    }
    const show = await terraform(["show", "-json", "plan.tfplan"], dir, options.env);
    if (show.code !== 0) {
      finish("failed", `terraform show failed:\n${show.stderr.trim()}`);
      continue;
    }
    const plan = JSON.parse(show.stdout) as PlanJson;
    fs.writeFileSync(path.join(stateDir, `${name}.tfstate`), outputsOnlyState(plannedOutputs(plan), `validate-${name}`));
    const counts = countChanges(plan);
    finish("ok", `plan: ${counts.add} to add, ${counts.change} to change, ${counts.destroy} to destroy, ${counts.replace} to replace`, counts, listChanges(plan));
  }
  return [...reports.values()];
}

/** Stack names, each after the stacks it depends on. */
export function dependencyOrder(manifest: Manifest): string[] {
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string) => {
    if (order.includes(name)) return;
    if (visiting.has(name)) throw new Error(`stacks depend on each other in a cycle through ${name}`);
    visiting.add(name);
    for (const dep of manifest.stacks[name]?.dependencies ?? []) visit(dep);
    visiting.delete(name);
    order.push(name);
  };
  Object.keys(manifest.stacks).sort().forEach(visit);
  return order;
}

/** A stack can be planned with no network and no credentials: local state and offline AWS providers only. */
export function plansOffline(json: StackJson): boolean {
  const backends = Object.keys(json.terraform?.backend ?? {});
  if (backends.length > 0 && !(backends.length === 1 && backends[0] === "local")) return false;
  const aws = json.provider?.aws ?? [];
  const others = Object.keys(json.provider ?? {}).filter((p) => p !== "aws");
  return others.length === 0 && aws.length > 0 && aws.every((p) => p.skip_credentials_validation === true && p.skip_requesting_account_id === true);
}

/** The providers a stack needs that the offline mirror does not have (none in registry mode). */
export function unavailableProviders(json: StackJson, source: ProviderSource): string[] {
  if (source.kind !== "mirror") return [];
  return Object.entries(json.terraform?.required_providers ?? {})
    .filter(([name, p]) => !mirrorHasProvider(source, providerAddress(p.source ?? name), p.version ?? ""))
    .map(([name, p]) => `${name} ${p.version ?? ""}`.trim());
}

/** Points the stack's local backend and local remote-state reads at `../../state/` in the scratch copy. */
export function redirectLocalState(json: StackJson, stack: string): StackJson {
  const copy = JSON.parse(JSON.stringify(json)) as StackJson;
  const local = copy.terraform?.backend?.local;
  if (local) local.path = `../../state/${stack}.tfstate`;
  for (const remote of Object.values(copy.data?.terraform_remote_state ?? {})) {
    if (remote.backend === "local" && remote.config.path) {
      remote.config.path = `../../state/${path.basename(remote.config.path)}`;
    }
  }
  return copy;
}
