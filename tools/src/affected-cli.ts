// npm run affected -- --base <ref> [--head <ref>] [--json]: the environments a change touches,
// one per line (or as JSON), and `environments=<json array>` in $GITHUB_OUTPUT when it is set.
import * as fs from "node:fs";
import { affectedEnvironments, changedFiles, readProjectGraph } from "./affected";
import { UsageError, runCli } from "./workspace";

export function parseRefs(args: readonly string[]): { base: string; head: string; json: boolean } {
  let base: string | undefined;
  let head = "HEAD";
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--json") json = true;
    else if (arg === "--base" || arg === "--head") {
      const value = args[++i];
      if (!value || value.startsWith("--")) throw new UsageError(`${arg} needs a git ref, such as origin/main`);
      if (arg === "--base") base = value;
      else head = value;
    } else throw new UsageError(`unknown argument ${JSON.stringify(arg)} (usage: --base <ref> [--head <ref>] [--json])`);
  }
  if (!base) throw new UsageError("--base <ref> is required: the ref the change is compared with, such as origin/main");
  return { base, head, json };
}

function main(args: string[]): number {
  const { base, head, json } = parseRefs(args);
  const result = affectedEnvironments(readProjectGraph(), changedFiles(base, head));
  if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else for (const env of result.environments) process.stdout.write(`${env}\n`);
  if (process.env.GITHUB_OUTPUT) fs.appendFileSync(process.env.GITHUB_OUTPUT, `environments=${JSON.stringify(result.environments)}\n`);
  return 0;
}

if (require.main === module) runCli(() => main(process.argv.slice(2)));
