// npm run plan-review -- [--base <ref> [--head <ref>]] [--out <dir>] [<env>...]
//
// Plans the environments a change touches (or those named, or all), renders one Markdown
// comment per environment that has changes, and the full plans for the job summary:
//   <out>/<env>.md           the pull-request comment (absent when the environment is unchanged)
//   <out>/<env>.full.md      every plan in full, for $GITHUB_STEP_SUMMARY
//   <out>/result.json        per environment: comment file, destructive changes, failures
// An offline environment (local) that is deployed to the AWS emulator (`npm run deploy -- local`)
// is planned against its real state there; otherwise offline, against empty state.
// --plan-role: running as the read-only CI plan role, which cannot plan Helm stacks (they are
// listed as not planned, with the reason).
// With GITHUB_OUTPUT set it also writes `environments`, `commented` and `destructive=true|false`.
//
// Exit codes: 0 planned; 1 a plan failed; 2 usage error; 3 planned, and a plan destroys or
// replaces something (a workflow can require an extra approval on it).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { validateEnvironmentConfig, type EnvironmentConfig } from "@platform/core";
import { planDeployed } from "./deploy";
import { affectedEnvironments, changedFiles, readProjectGraph } from "./affected";
import { destructiveChanges, renderEnvironmentPlan, renderFullPlan, type EnvironmentPlan } from "./plan-markdown";
import { planAppOffline, planAppOnline, planRoleCannotPlan } from "./plan-review";
import { providerSource, terraformEnv } from "./terraform";
import { ENVIRONMENTS_DIR, REPO_ROOT, UsageError, runCli, selectEnvironments } from "./workspace";

/** The exit code of a run whose plans destroy or replace something. */
export const DESTRUCTIVE_EXIT_CODE = 3;

export interface PlanReviewArgs {
  readonly base?: string;
  readonly head: string;
  readonly out: string;
  readonly environments: readonly string[];
  /** Running as the read-only CI plan role. */
  readonly planRole: boolean;
}

export function parsePlanReviewArgs(args: readonly string[]): PlanReviewArgs {
  let base: string | undefined;
  let head = "HEAD";
  let out = path.join(REPO_ROOT, ".plan-review");
  const environments: string[] = [];
  let planRole = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--plan-role") planRole = true;
    else if (arg === "--base" || arg === "--head" || arg === "--out") {
      const value = args[++i];
      if (!value || value.startsWith("--")) throw new UsageError(`${arg} needs a value (${arg === "--out" ? "a folder" : "a git ref, such as origin/main"})`);
      if (arg === "--base") base = value;
      else if (arg === "--head") head = value;
      else out = path.resolve(value);
    } else if (arg.startsWith("-")) {
      throw new UsageError(`unknown option ${JSON.stringify(arg)} (usage: [--base <ref> [--head <ref>]] [--out <dir>] [--plan-role] [<env>...])`);
    } else environments.push(arg);
  }
  if (base !== undefined && environments.length > 0) throw new UsageError("give either --base (plan the environments the change touches) or environment names, not both");
  return { base, head, out, environments, planRole };
}

async function main(argv: string[]): Promise<number> {
  const args = parsePlanReviewArgs(argv);
  const environments = args.base !== undefined ? affectedEnvironments(readProjectGraph(), changedFiles(args.base, args.head)).environments : selectEnvironments(args.environments);
  fs.rmSync(args.out, { recursive: true, force: true });
  fs.mkdirSync(args.out, { recursive: true });
  if (environments.length > 0) {
    const synth = spawnSync(process.execPath, [path.join(REPO_ROOT, "tools", "bin", "synth.js"), ...environments], { cwd: REPO_ROOT, stdio: "inherit" });
    if (synth.status !== 0) return 1;
  }

  const source = providerSource();
  const results = [];
  for (const name of environments) {
    const envDir = path.join(ENVIRONMENTS_DIR, name);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { config } = require(path.join(envDir, "config.ts")) as { config: EnvironmentConfig };
    const offline = validateEnvironmentConfig(config, name).aws?.offline !== undefined;
    const env = terraformEnv(source, process.env, "shared");
    const outdir = path.join(envDir, "cdktf.out");
    // An offline environment deployed to the AWS emulator is planned against its real state.
    const deployed = offline ? await planDeployed({ env: name }) : undefined;
    if (deployed) process.stdout.write(`${name}: planned against the state deployed to the AWS emulator\n`);
    const plan: EnvironmentPlan = deployed
      ? deployed
      : offline
      ? await planAppOffline(name, { outdir, workDir: path.join(REPO_ROOT, ".validate", name), source, env })
      : await planAppOnline(name, outdir, env, { skip: args.planRole ? planRoleCannotPlan : undefined });
    const comment = renderEnvironmentPlan(plan, { fullPlanUrl: process.env.PLAN_REVIEW_SUMMARY_URL });
    if (comment) fs.writeFileSync(path.join(args.out, `${name}.md`), comment);
    fs.writeFileSync(path.join(args.out, `${name}.full.md`), renderFullPlan(plan));
    if (process.env.GITHUB_STEP_SUMMARY) fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${renderFullPlan(plan)}\n`);
    const destructive = destructiveChanges(plan);
    const failed = plan.stacks.filter((s) => s.error !== undefined).map((s) => s.stack);
    results.push({ environment: name, offline, comment: comment ? `${name}.md` : null, destructive, failed });
    process.stdout.write(`${name}: ${comment ? "changes" : "no changes"}${destructive.length > 0 ? `, ${destructive.length} destroyed or replaced` : ""}${failed.length > 0 ? `, plan failed: ${failed.join(", ")}` : ""}\n`);
  }
  fs.writeFileSync(path.join(args.out, "result.json"), `${JSON.stringify({ environments: results }, null, 2)}\n`);
  const anyDestructive = results.some((r) => r.destructive.length > 0);
  const anyFailed = results.some((r) => r.failed.length > 0);
  if (process.env.GITHUB_OUTPUT) {
    fs.appendFileSync(
      process.env.GITHUB_OUTPUT,
      [`environments=${JSON.stringify(environments)}`, `commented=${JSON.stringify(results.filter((r) => r.comment).map((r) => r.environment))}`, `destructive=${anyDestructive}`, ""].join("\n"),
    );
  }
  return anyFailed ? 1 : anyDestructive ? DESTRUCTIVE_EXIT_CODE : 0;
}

if (require.main === module) runCli(() => main(process.argv.slice(2)));
