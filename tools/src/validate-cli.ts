// npm run validate [-- [--list] <env>...]: the real Terraform CLI on every synthesized stack, offline.
// --list prints every planned resource change of the stacks that are planned.
// Exit 0 when every stack passed or could not be validated for want of an offline provider
// (those are named in the output); 1 when any stack failed; 2 on a usage error.
import * as os from "node:os";
import * as path from "node:path";
import { validateApp, type StackReport } from "./validate";
import { providerSource, terraformEnv } from "./terraform";
import { ENVIRONMENTS_DIR, REPO_ROOT, UsageError, runCli, selectEnvironments } from "./workspace";

async function main(argv: string[]): Promise<number> {
  const listPlanned = argv.includes("--list");
  const args = argv.filter((a) => a !== "--list");
  const flag = args.find((a) => a.startsWith("-"));
  if (flag) throw new UsageError(`unknown option ${JSON.stringify(flag)} (options: --list, to list every planned change)`);
  const environments = selectEnvironments(args);
  const source = providerSource();
  process.stdout.write(
    `terraform providers: ${source.kind === "mirror" ? `offline mirror ${source.mirror}` : "public registry"} (TF_CLI_CONFIG_FILE=${path.relative(REPO_ROOT, source.cliConfigFile)})\n`,
  );
  // With the offline mirror, environments run side by side, one per core, each with a plugin
  // cache of its own (Terraform's cache is not safe for concurrent installs). Downloading from
  // the registry, they run one after another and share one cache, so each provider downloads once.
  const parallel = source.kind === "mirror";
  const validate = async (name: string): Promise<StackReport[]> => {
    const env = terraformEnv(source, process.env, parallel ? name : "shared");
    const reports = await validateApp({ outdir: path.join(ENVIRONMENTS_DIR, name, "cdktf.out"), workDir: path.join(REPO_ROOT, ".validate", name), source, env });
    print(name, reports, listPlanned);
    return reports;
  };
  const all: StackReport[] = (await inParallel(environments, parallel ? Math.max(1, os.cpus().length) : 1, validate)).flat();
  const failed = all.filter((r) => r.status === "failed").length;
  const skipped = all.filter((r) => r.status === "not-validated");
  const passed = all.length - failed - skipped.length;
  process.stdout.write(`\nterraform: ${passed} passed, ${failed} failed, ${skipped.length} skipped\n`);
  if (skipped.length > 0) {
    process.stdout.write(`not validated (needs network for its providers): ${skipped.map((s) => s.stack).join(", ")}\n`);
  }
  return failed > 0 ? 1 : 0;
}

function print(name: string, reports: readonly StackReport[], listPlanned: boolean): void {
  for (const r of reports) {
    const status = r.status === "ok" ? "ok" : r.status === "failed" ? "FAILED" : "NOT VALIDATED";
    const firstLine = r.detail.split("\n")[0];
    process.stdout.write(`${status.padEnd(13)} ${name.padEnd(8)} ${r.stack.padEnd(24)} ${r.mode.padEnd(8)} ${r.seconds.toFixed(1).padStart(5)} s  ${firstLine}\n`);
    if (r.status === "failed") process.stdout.write(`${indent(r.detail.split("\n").slice(1).join("\n"))}\n`);
    if (listPlanned && r.changes) process.stdout.write(`${indent(r.changes.join("\n"))}\n`);
  }
}

/** Runs `work` on every item, at most `limit` at a time; results in the items' order. */
async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
}

runCli(() => main(process.argv.slice(2)));
