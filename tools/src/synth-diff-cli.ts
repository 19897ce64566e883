// npm run synth-diff -- --base <ref> [--out <file>] [<env>...]: synthesizes the environments at
// HEAD (the working tree) and at <ref> (a temporary git worktree that borrows node_modules), and
// prints what changed in the synthesized Terraform, by stack and address. No credentials needed.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { verifyRef } from "./affected";
import { diffSynthesized, renderSynthDiff, type StackDiff } from "./synth-diff";
import { ENVIRONMENTS_DIR, REPO_ROOT, UsageError, runCli, selectEnvironments } from "./workspace";

export function parseSynthDiffArgs(args: readonly string[]): { base: string; out?: string; environments: string[] } {
  let base: string | undefined;
  let out: string | undefined;
  const environments: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--base" || arg === "--out") {
      const value = args[++i];
      if (!value || value.startsWith("--")) throw new UsageError(`${arg} needs a value (${arg === "--base" ? "a git ref, such as origin/main" : "a file"})`);
      if (arg === "--base") base = value;
      else out = path.resolve(value);
    } else if (arg.startsWith("-")) throw new UsageError(`unknown option ${JSON.stringify(arg)} (usage: --base <ref> [--out <file>] [<env>...])`);
    else environments.push(arg);
  }
  if (!base) throw new UsageError("--base <ref> is required: the ref to compare with, such as origin/main");
  return { base, out, environments };
}

function synth(root: string, environments: readonly string[]): void {
  const run = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "tools", "src", "synth-cli.ts"), ...environments], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  if (run.status !== 0) throw new UsageError(`synthesis failed in ${root === REPO_ROOT ? "the working tree" : "the base"}; see the errors above`);
}

function main(argv: string[]): number {
  const args = parseSynthDiffArgs(argv);
  const environments = selectEnvironments(args.environments);
  verifyRef(args.base);
  const worktree = fs.mkdtempSync(path.join(os.tmpdir(), "synth-diff-base-"));
  execFileSync("git", ["worktree", "add", "--detach", "--force", worktree, args.base], { cwd: REPO_ROOT, stdio: "ignore" });
  try {
    // The base borrows this checkout's node_modules; its own sources resolve through its tsconfig paths.
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(worktree, "node_modules"), "dir");
    const baseEnvs = environments.filter((env) => fs.existsSync(path.join(worktree, "environments", env, "config.ts")));
    if (baseEnvs.length > 0) synth(worktree, baseEnvs);
    synth(REPO_ROOT, environments);
    const byEnvironment: Record<string, StackDiff[]> = {};
    for (const env of environments) {
      byEnvironment[env] = diffSynthesized(path.join(worktree, "environments", env, "cdktf.out"), path.join(ENVIRONMENTS_DIR, env, "cdktf.out"));
    }
    const markdown = renderSynthDiff(byEnvironment, args.base);
    if (args.out) fs.writeFileSync(args.out, markdown);
    process.stdout.write(markdown);
    return 0;
  } finally {
    execFileSync("git", ["worktree", "remove", "--force", worktree], { cwd: REPO_ROOT, stdio: "ignore" });
  }
}

if (require.main === module) runCli(() => main(process.argv.slice(2)));
