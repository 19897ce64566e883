// Deploys an offline environment (local) into an AWS emulator with the real cdktf CLI, and
// destroys it again. What the emulator cannot host is left out by the app itself
// (`EMULATOR_GAPS` in @platform/core), and said before anything starts.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  AWS_EMULATOR_URL_VARIABLE,
  AWS_EMULATOR_ZONES_VARIABLE,
  EMULATOR_GAPS,
  EMULATOR_GAP_REPORT,
  OFFLINE_ACCESS_KEY,
  OFFLINE_SECRET_KEY,
  hostedZonesOf,
  validateEnvironmentConfig,
  type EmulatorGapReport,
  type EnvironmentConfig,
  type ValidatedEnvironmentConfig,
} from "@platform/core";
import { STATE_DIR_VARIABLE } from "@platform/stacks";
import { EMULATOR_URL_VARIABLE, alive, answers, readSession, sessionFile, startMoto, stopEmulator, type Emulator } from "./emulator";
import { providerSource, terraform, terraformEnv } from "./terraform";
import type { EnvironmentPlan } from "./plan-markdown";
import { planAppOnline } from "./plan-review";
import { dependencyOrder, readManifest } from "./validate";
import { ENVIRONMENTS_DIR, REPO_ROOT, UsageError } from "./workspace";

export interface DeployOptions {
  readonly env: string;
  /** The environment's folder (config.ts, main.ts, cdktf.json). @default environments/<env> */
  readonly envDir?: string;
  /** Where local state goes. @default the environment's backend path */
  readonly stateDir?: string;
  /** Where cdktf writes the synthesized app. @default environments/<env>/cdktf.out */
  readonly outDir?: string;
  /** An emulator already running. @default AWS_EMULATOR_URL, else the one this repository started, else a new moto */
  readonly emulatorUrl?: string;
  /** Where progress goes. @default stdout */
  readonly write?: (text: string) => void;
}

/** What one stack holds after a deploy. */
export interface StackSummary {
  readonly stack: string;
  readonly resources: number;
  /** `Apply complete! Resources: 3 added, 1 changed, 0 destroyed.` as counts; all 0 when nothing changed. */
  readonly added: number;
  readonly changed: number;
  readonly destroyed: number;
  readonly loadBalancers: Record<string, string>;
  readonly repositories: Record<string, string>;
}

export interface DeployResult {
  readonly emulator: Emulator;
  readonly stacks: readonly StackSummary[];
  readonly report: EmulatorGapReport;
  readonly stateDir: string;
}

/** An environment's configuration, validated, and its state folder. */
export function loadEnvironment(env: string, stateDir?: string, envDir = path.join(ENVIRONMENTS_DIR, env)): { config: ValidatedEnvironmentConfig; stateDir: string } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const raw = (require(path.join(envDir, "config.ts")) as { config: EnvironmentConfig }).config;
  const config = validateEnvironmentConfig(raw, env);
  if (!config.aws?.offline) {
    throw new UsageError(
      `environment ${JSON.stringify(env)} is not in offline mode (aws.offline), so it deploys to its AWS account, not to the emulator: npm run cdktf -- ${env} deploy '${env}-*'`,
    );
  }
  if (config.backend.type !== "local") {
    throw new UsageError(`environment ${JSON.stringify(env)} keeps its state in a ${JSON.stringify(config.backend.type)} backend; the emulator deploy needs local state`);
  }
  const folder = stateDir ?? path.resolve(REPO_ROOT, config.backend.path ?? path.join("environments", env, "state"));
  return { config, stateDir: path.resolve(folder) };
}

/**
 * The emulator for a deploy: the one named (`AWS_EMULATOR_URL`), else the one that holds this
 * environment's resources (`<state>/emulator.json`), else a new moto on a free loopback port.
 * When a new one starts, state left by an emulator that is gone describes nothing any more: it
 * moves aside to `<state>/stale-<time>/`.
 */
export async function resolveEmulator(
  stateDir: string,
  accountId: string,
  options: { url?: string; start: boolean; write: (text: string) => void },
): Promise<Emulator | undefined> {
  fs.mkdirSync(stateDir, { recursive: true });
  if (options.url) {
    if (!(await answers(options.url))) {
      throw new UsageError(`no AWS emulator answers at ${options.url} (${EMULATOR_URL_VARIABLE}); start it, or unset ${EMULATOR_URL_VARIABLE} to let the deploy start moto`);
    }
    const session = readSession(stateDir);
    if (session && session.url !== options.url) moveStaleState(stateDir, options.write, `it belongs to the emulator at ${session.url}`);
    const emulator = { url: options.url };
    fs.writeFileSync(sessionFile(stateDir), JSON.stringify(emulator, null, 2));
    return emulator;
  }
  const session = readSession(stateDir);
  if (session && (session.pid === undefined || alive(session.pid)) && (await answers(session.url))) return session;
  if (!options.start) return undefined;
  if (session || stateFiles(stateDir).length > 0) {
    moveStaleState(stateDir, options.write, session ? `the emulator that held it (${session.url}) is gone, and its resources with it` : "no emulator holds its resources");
  }
  const emulator = await startMoto({ accountId, logFile: path.join(stateDir, "emulator.log") });
  fs.writeFileSync(sessionFile(stateDir), JSON.stringify(emulator, null, 2));
  options.write(`started moto ${emulator.url} (pid ${emulator.pid}, log ${path.relative(process.cwd(), emulator.log!)})\n`);
  return emulator;
}

function stateFiles(stateDir: string): string[] {
  if (!fs.existsSync(stateDir)) return [];
  return fs.readdirSync(stateDir).filter((f) => f.endsWith(".tfstate") || f === "emulator-fixtures" || f === "emulator.json");
}

function moveStaleState(stateDir: string, write: (text: string) => void, why: string): void {
  const files = stateFiles(stateDir);
  if (files.length === 0) return;
  const stale = path.join(stateDir, `stale-${new Date().toISOString().replace(/[:.]/g, "-")}`);
  fs.mkdirSync(stale, { recursive: true });
  for (const f of files) fs.renameSync(path.join(stateDir, f), path.join(stale, f));
  write(`moved the state in ${path.relative(process.cwd(), stateDir) || "."} aside to ${path.relative(process.cwd(), stale)}: ${why}\n`);
}

/**
 * The hosted zones the configuration names by id exist in a real account before the platform; in
 * the emulator, a small Terraform configuration of its own (`<state>/emulator-fixtures`) creates
 * a zone for each, and the deploy writes records into those. Returns config id → emulator id.
 */
export async function applyFixtures(config: ValidatedEnvironmentConfig, stateDir: string, emulator: Emulator, env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  const zones = hostedZonesOf(config);
  const dir = path.join(stateDir, "emulator-fixtures");
  fs.mkdirSync(dir, { recursive: true });
  const key = (id: string) => `zone_${id.replace(/[^A-Za-z0-9_-]/g, "_")}`;
  const json = {
    terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } },
    provider: { aws: [fixtureProvider(config, emulator.url)] },
    resource:
      Object.keys(zones).length > 0
        ? {
            aws_route53_zone: Object.fromEntries(
              Object.entries(zones).map(([id, z]) => [key(id), { name: z.zoneName, comment: `stands in for ${id} of the environment's account`, force_destroy: true }]),
            ),
          }
        : undefined,
    output: { zones: { value: Object.fromEntries(Object.keys(zones).map((id) => [id, `\${aws_route53_zone.${key(id)}.zone_id}`])) } },
  };
  fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(json, null, 2));
  await mustRun(["init", "-no-color", "-input=false"], dir, env, "initializing the emulator fixtures");
  await mustRun(["apply", "-no-color", "-input=false", "-auto-approve"], dir, env, "creating the emulator fixtures (hosted zones)");
  const out = await mustRun(["output", "-json", "zones"], dir, env, "reading the emulator fixtures");
  return JSON.parse(out) as Record<string, string>;
}

/** Destroys the fixtures, if any. */
export async function destroyFixtures(stateDir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const dir = path.join(stateDir, "emulator-fixtures");
  if (!fs.existsSync(path.join(dir, "main.tf.json"))) return;
  await mustRun(["init", "-no-color", "-input=false"], dir, env, "initializing the emulator fixtures");
  await mustRun(["destroy", "-no-color", "-input=false", "-auto-approve"], dir, env, "destroying the emulator fixtures");
  fs.rmSync(dir, { recursive: true, force: true });
}

function fixtureProvider(config: ValidatedEnvironmentConfig, url: string): Record<string, unknown> {
  return {
    region: config.region,
    access_key: OFFLINE_ACCESS_KEY,
    secret_key: OFFLINE_SECRET_KEY,
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: "true",
    skip_region_validation: true,
    max_retries: 2,
    endpoints: [{ route53: url, sts: url }],
  };
}

async function mustRun(args: string[], cwd: string, env: NodeJS.ProcessEnv, what: string): Promise<string> {
  const run = await terraform(args, cwd, env);
  if (run.code !== 0) throw new UsageError(`${what} failed (terraform ${args[0]} in ${path.relative(process.cwd(), cwd)}):\n${(run.stderr || run.stdout).trim()}`);
  return run.stdout;
}

/** Lines of cdktf's output worth showing on the terminal; the whole output goes to a log file. */
const PROGRESS = /Apply complete!|Destroy complete!|No changes\.|Plan: \d+ to|Error|Stacks done/;

/**
 * Runs `cdktf <command>` in the environment's folder. Its whole output (every plan in full) goes to
 * `logFile`; the terminal gets the progress lines, and on failure the end of the log.
 */
export async function cdktfLogged(envDir: string, args: string[], variables: NodeJS.ProcessEnv, logFile: string, write: (text: string) => void): Promise<{ code: number; output: string }> {
  let pending = "";
  const run = await cdktf(envDir, args, variables, (text) => {
    const lines = (pending + text).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) if (PROGRESS.test(line)) write(`${line.trimEnd()}\n`);
  });
  fs.writeFileSync(logFile, run.output);
  if (run.code !== 0) {
    const tail = run.output.trimEnd().split("\n").slice(-60).join("\n");
    write(`\n... the end of cdktf's output (all of it is in ${path.relative(process.cwd(), logFile)}):\n${tail}\n`);
  }
  return run;
}

/** Runs the cdktf CLI in the environment's folder, passing its output to `write`, and returns the output too. */
export function cdktf(envDir: string, args: string[], variables: NodeJS.ProcessEnv, write: (text: string) => void): Promise<{ code: number; output: string }> {
  const bin = path.join(REPO_ROOT, "node_modules", ".bin", "cdktf");
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: envDir, env: { ...variables, CI: "1", FORCE_COLOR: "0" }, stdio: ["ignore", "pipe", "pipe"] });
    const chunks: string[] = [];
    const take = (d: Buffer) => {
      const text = d.toString("utf8");
      chunks.push(text);
      write(text);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output: chunks.join("") }));
  });
}

/** The process environment of a deploy: Terraform's configuration and the emulator target. */
export function deployVariables(emulator: Emulator, zones: Record<string, string>, stateDir?: string): NodeJS.ProcessEnv {
  return {
    ...terraformEnv(providerSource()),
    [AWS_EMULATOR_URL_VARIABLE]: emulator.url,
    [AWS_EMULATOR_ZONES_VARIABLE]: JSON.stringify(zones),
    ...(stateDir ? { [STATE_DIR_VARIABLE]: stateDir } : {}),
  };
}

/** Synthesizes for the emulator with `cdktf synth` and reads what it leaves out. */
export async function synthForEmulator(envDir: string, outDir: string, variables: NodeJS.ProcessEnv, write: (text: string) => void) {
  const synth = await cdktf(envDir, ["synth", "--output", outDir], variables, () => undefined);
  if (synth.code !== 0) throw new UsageError(`cdktf synth of ${path.basename(envDir)} failed:\n${synth.output.trim()}`);
  const report = JSON.parse(fs.readFileSync(path.join(outDir, EMULATOR_GAP_REPORT), "utf8")) as EmulatorGapReport;
  const stacks = dependencyOrder(readManifest(outDir)).filter((s) => !report.stacks.some((r) => r.stack === s));
  write(describeGaps(report));
  return { report, stacks };
}

/** What the emulator deploy leaves out, grouped by gap, with each gap's reason. */
export function describeGaps(report: EmulatorGapReport): string {
  const lines: string[] = [];
  const reason = (id: string) => EMULATOR_GAPS.find((g) => g.id === id)?.reason ?? id;
  if (report.stacks.length > 0) {
    lines.push("Not deployed to the emulator:");
    for (const s of report.stacks) lines.push(`  stack ${s.stack}: ${reason(s.gap)}`);
  }
  const byGap = new Map<string, string[]>();
  for (const o of report.omitted) byGap.set(o.gap, [...(byGap.get(o.gap) ?? []), `${o.stack} ${o.address}`]);
  if (byGap.size > 0) {
    lines.push("Left out of the deployed stacks (and whatever reads them):");
    for (const [gap, addresses] of byGap) {
      lines.push(`  ${gap}: ${reason(gap)}`);
      for (const a of addresses) lines.push(`    - ${a}`);
    }
  }
  const adjusted = new Map<string, string[]>();
  for (const a of report.attributes) adjusted.set(a.gap, [...(adjusted.get(a.gap) ?? []), `${a.stack} ${a.address}: ${a.attribute}`]);
  if (adjusted.size > 0) {
    lines.push("Attributes not sent to the emulator, or whose changes it ignores:");
    for (const [gap, list] of adjusted) {
      lines.push(`  ${gap}: ${reason(gap)}`);
      for (const a of list) lines.push(`    - ${a}`);
    }
  }
  return lines.length > 0 ? `${lines.join("\n")}\n\n` : "";
}

/**
 * Per-stack counts of what `cdktf deploy` applied, from its output. cdktf names the stack at the
 * start of a line only when the output switches stacks: every other line (indented, empty, or its
 * own status lines such as "0 Stacks deploying ...") leaves the last one named current.
 */
export function appliedCounts(output: string, stacks: readonly string[]): Map<string, { added: number; changed: number; destroyed: number }> {
  const counts = new Map<string, { added: number; changed: number; destroyed: number }>();
  let current: string | undefined;
  for (const line of output.split("\n")) {
    const named = /^(\S+)\s+(.*)$/.exec(line);
    if (named && stacks.includes(named[1])) current = named[1];
    const m = /Apply complete! Resources: (\d+) added, (\d+) changed, (\d+) destroyed\./.exec(line);
    if (m && current) counts.set(current, { added: Number(m[1]), changed: Number(m[2]), destroyed: Number(m[3]) });
  }
  return counts;
}

type ShowJson = { values?: { root_module?: { resources?: { address: string; type: string; mode: string; name: string; values: Record<string, unknown> }[] } } };

/** What a deployed stack holds: resources, load balancers' DNS names and repositories' URIs, from its state. */
export async function summarizeStack(stack: string, outDir: string, env: NodeJS.ProcessEnv, applied?: { added: number; changed: number; destroyed: number }): Promise<StackSummary> {
  const dir = path.join(outDir, "stacks", stack);
  const show = await mustRun(["show", "-json", "-no-color"], dir, env, `reading the state of ${stack}`);
  const resources = ((JSON.parse(show) as ShowJson).values?.root_module?.resources ?? []).filter((r) => r.mode === "managed");
  const pick = (type: string, name: string, value: string) =>
    Object.fromEntries(resources.filter((r) => r.type === type).map((r) => [String(r.values[name]), String(r.values[value])]));
  return {
    stack,
    resources: resources.length,
    added: applied?.added ?? 0,
    changed: applied?.changed ?? 0,
    destroyed: applied?.destroyed ?? 0,
    loadBalancers: pick("aws_lb", "name", "dns_name"),
    repositories: pick("aws_ecr_repository", "name", "repository_url"),
  };
}

/**
 * The emulator is one Python process: under many concurrent calls on a busy machine it answers
 * late, the SDK sends a non-idempotent create again, and the second one fails as a duplicate
 * (seen: InvalidPermission.Duplicate on a security group rule, DuplicateTargetGroupName). Two
 * stacks at a time, four operations each, keeps the calls in flight low.
 */
export const EMULATOR_PARALLELISM = ["--parallelism", "2", "--terraform-parallelism", "4"];

/** `npm run deploy -- <env>`. */
export async function deploy(options: DeployOptions): Promise<DeployResult> {
  const write = options.write ?? ((t: string) => void process.stdout.write(t));
  const envDir = path.resolve(options.envDir ?? path.join(ENVIRONMENTS_DIR, options.env));
  const { config, stateDir } = loadEnvironment(options.env, options.stateDir, envDir);
  const outDir = path.resolve(options.outDir ?? path.join(envDir, "cdktf.out"));
  const emulator = (await resolveEmulator(stateDir, config.accountId, { url: options.emulatorUrl, start: true, write }))!;
  const tfEnv = terraformEnv(providerSource());
  const zones = await applyFixtures(config, stateDir, emulator, tfEnv);
  const variables = deployVariables(emulator, zones, options.stateDir ? stateDir : undefined);
  write(`deploying ${options.env} to the AWS emulator at ${emulator.url}\n\n`);
  const { report, stacks } = await synthForEmulator(envDir, outDir, variables, write);
  const run = await cdktfLogged(envDir, ["deploy", ...stacks, ...EMULATOR_PARALLELISM, "--skip-synth", "--auto-approve", "--skip-provider-lock", "--output", outDir], variables, path.join(stateDir, "deploy.log"), write);
  if (run.code !== 0) throw new DeployFailed(`cdktf deploy of ${options.env} failed (exit ${run.code}); the output above says where`);
  const applied = appliedCounts(run.output, stacks);
  const summaries: StackSummary[] = [];
  for (const stack of stacks) summaries.push(await summarizeStack(stack, outDir, variables, applied.get(stack)));
  write(`\n${describeDeploy(options.env, emulator, summaries, stateDir)}`);
  return { emulator, stacks: summaries, report, stateDir };
}

/** The closing summary of a deploy. */
export function describeDeploy(env: string, emulator: Emulator, stacks: readonly StackSummary[], stateDir: string): string {
  const width = Math.max(...stacks.map((s) => s.stack.length), 5);
  const lines = [`Deployed ${env} to the AWS emulator at ${emulator.url}:`, `  ${"stack".padEnd(width)}  resources  this run`];
  for (const s of stacks) {
    const run = s.added + s.changed + s.destroyed === 0 ? "no changes" : `${s.added} added, ${s.changed} changed, ${s.destroyed} destroyed`;
    lines.push(`  ${s.stack.padEnd(width)}  ${String(s.resources).padStart(9)}  ${run}`);
  }
  const lbs = stacks.flatMap((s) => Object.entries(s.loadBalancers));
  if (lbs.length > 0) lines.push("Load balancers:", ...lbs.map(([n, dns]) => `  ${n}  ${dns}`));
  const repos = stacks.flatMap((s) => Object.entries(s.repositories));
  if (repos.length > 0) lines.push("Repositories:", ...repos.map(([n, uri]) => `  ${n}  ${uri}`));
  lines.push(
    `State: ${path.relative(process.cwd(), stateDir) || "."}/<stack>.tfstate. The emulator keeps the resources in memory until \`npm run destroy -- ${env}\`.`,
  );
  return `${lines.join("\n")}\n`;
}

/** `npm run destroy -- <env>`: destroys the deployed stacks in reverse order, then the fixtures, then stops the emulator this repository started. */
export async function destroy(options: DeployOptions): Promise<{ emulator?: Emulator; destroyed: readonly string[] }> {
  const write = options.write ?? ((t: string) => void process.stdout.write(t));
  const envDir = path.resolve(options.envDir ?? path.join(ENVIRONMENTS_DIR, options.env));
  const { config, stateDir } = loadEnvironment(options.env, options.stateDir, envDir);
  const outDir = path.resolve(options.outDir ?? path.join(envDir, "cdktf.out"));
  const emulator = await resolveEmulator(stateDir, config.accountId, { url: options.emulatorUrl, start: false, write });
  if (!emulator) {
    const leftovers = stateFiles(stateDir);
    if (leftovers.length > 0) moveStaleState(stateDir, write, "no emulator that held these resources is running, so there is nothing left to destroy");
    else write(`nothing to destroy: ${options.env} is not deployed to an emulator\n`);
    return { destroyed: [] };
  }
  const tfEnv = terraformEnv(providerSource());
  const zones = fs.existsSync(path.join(stateDir, "emulator-fixtures", "terraform.tfstate"))
    ? (JSON.parse(await mustRun(["output", "-json", "zones"], path.join(stateDir, "emulator-fixtures"), tfEnv, "reading the emulator fixtures")) as Record<string, string>)
    : {};
  const variables = deployVariables(emulator, zones, options.stateDir ? stateDir : undefined);
  write(`destroying ${options.env} in the AWS emulator at ${emulator.url}\n`);
  const { stacks } = await synthForEmulator(envDir, outDir, variables, () => undefined);
  const deployed = stacks.filter((s) => fs.existsSync(path.join(stateDir, `${s}.tfstate`)));
  // Dependants first, and the stacks that nothing left depends on side by side. One cdktf run per
  // stack: cdktf 0.21 given several stacks with some of their dependants left out (the ones never
  // deployed) starts `terraform destroy` over and over.
  const manifest = readManifest(outDir);
  const remaining = new Set(deployed);
  while (remaining.size > 0) {
    const ready = [...remaining].filter((s) => ![...remaining].some((other) => manifest.stacks[other].dependencies.includes(s)));
    const runs = await Promise.all(
      ready.map((stack) => {
        const args = ["destroy", stack, "--terraform-parallelism", "4", "--skip-synth", "--auto-approve", "--skip-provider-lock", "--ignore-missing-stack-dependencies", "--output", outDir];
        return cdktfLogged(envDir, args, variables, path.join(stateDir, `destroy-${stack}.log`), write).then((run) => ({ stack, run }));
      }),
    );
    const failed = runs.find((r) => r.run.code !== 0);
    if (failed) throw new DeployFailed(`cdktf destroy of ${failed.stack} failed (exit ${failed.run.code}); the output above says where`);
    ready.forEach((s) => remaining.delete(s));
  }
  await destroyFixtures(stateDir, tfEnv);
  // The state of a destroyed stack is empty: nothing of the deploy stays behind.
  for (const stack of deployed) for (const f of [`${stack}.tfstate`, `${stack}.tfstate.backup`]) fs.rmSync(path.join(stateDir, f), { force: true });
  if (emulator.pid) stopEmulator(emulator);
  fs.rmSync(sessionFile(stateDir), { force: true });
  write(`\nDestroyed ${deployed.length} stack(s) of ${options.env}${emulator.pid ? `; stopped the emulator (pid ${emulator.pid})` : ""}.\n`);
  return { emulator, destroyed: deployed };
}

/**
 * Plans an environment deployed to the emulator against its real state (for `plan-review`), or
 * returns `undefined` when it is not deployed (no emulator holds its resources). Stacks the
 * emulator cannot host are listed as not planned, with the reason.
 */
export async function planDeployed(options: DeployOptions): Promise<EnvironmentPlan | undefined> {
  const envDir = path.resolve(options.envDir ?? path.join(ENVIRONMENTS_DIR, options.env));
  const { config, stateDir } = loadEnvironment(options.env, options.stateDir, envDir);
  const emulator = await resolveEmulator(stateDir, config.accountId, { url: options.emulatorUrl, start: false, write: () => undefined });
  if (!emulator || !fs.existsSync(path.join(stateDir, "emulator-fixtures", "terraform.tfstate"))) return undefined;
  const outDir = path.resolve(options.outDir ?? path.join(envDir, "cdktf.out"));
  const tfEnv = terraformEnv(providerSource());
  const zones = JSON.parse(await mustRun(["output", "-json", "zones"], path.join(stateDir, "emulator-fixtures"), tfEnv, "reading the emulator fixtures")) as Record<string, string>;
  const variables = deployVariables(emulator, zones, options.stateDir ? stateDir : undefined);
  const { report } = await synthForEmulator(envDir, outDir, variables, () => undefined);
  const gaps = new Map(report.stacks.map((s) => [s.stack, s.gap]));
  const reason = (id: string) => EMULATOR_GAPS.find((g) => g.id === id)?.reason ?? id;
  return planAppOnline(options.env, outDir, variables, {
    skipStack: (name) => (gaps.has(name) ? `not deployed to the AWS emulator: ${reason(gaps.get(name)!)}` : undefined),
  });
}

/** A deploy step failed after its output was shown: exit 1 with one line. */
export class DeployFailed extends Error {}
