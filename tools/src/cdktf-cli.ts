// npm run cdktf -- <env> <cdktf arguments>: runs the cdktf CLI in environments/<env> with the
// repository's Terraform CLI configuration and plugin cache, for example
//   npm run cdktf -- dev diff
//   npm run cdktf -- dev deploy --auto-approve 'dev-*'
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { providerSource, terraformEnv } from "./terraform";
import { ENVIRONMENTS_DIR, REPO_ROOT, UsageError, runCli, selectEnvironments } from "./workspace";

function main(argv: string[]): number {
  const [env, ...args] = argv;
  if (!env) throw new UsageError("usage: npm run cdktf -- <environment> <cdktf command> [arguments]");
  selectEnvironments([env]);
  if (args.length === 0) throw new UsageError(`no cdktf command given; for example: npm run cdktf -- ${env} diff`);
  const cdktf = path.join(REPO_ROOT, "node_modules", ".bin", "cdktf");
  const result = spawnSync(cdktf, args, {
    cwd: path.join(ENVIRONMENTS_DIR, env),
    env: terraformEnv(providerSource()),
    stdio: "inherit",
  });
  return result.status ?? 1;
}

runCli(() => main(process.argv.slice(2)));
