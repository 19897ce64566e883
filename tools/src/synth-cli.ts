// npm run synth [-- <env>...]: synthesizes environments into environments/<env>/cdktf.out.
// All environments run in this one process: each is its own cdktf App, built by the same
// function that its main.ts (and so `cdktf deploy`) calls.
//
// `npm run synth` runs this file bundled (tools/bin/synth.js): one JavaScript file loads in
// half the time of the TypeScript sources through tsx. `node --import tsx tools/src/synth-cli.ts`
// runs it unbundled, with the same result.
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { userErrorMessage, type EnvironmentConfig } from "@platform/core";
import { synthesizeEnvironment } from "@platform/stacks";
import { ENVIRONMENTS_DIR, runCli, selectEnvironments } from "./workspace";

/** An environment's configuration by name: `environments/<env>/config.ts`. */
export type ConfigLoader = (env: string) => EnvironmentConfig;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireConfig: ConfigLoader = (env) => (require(path.join(ENVIRONMENTS_DIR, env, "config.ts")) as { config: EnvironmentConfig }).config;

export function synth(args: string[], loadConfig: ConfigLoader = requireConfig): number {
  const environments = selectEnvironments(args);
  let failed = 0;
  for (const env of environments) {
    const envDir = path.join(ENVIRONMENTS_DIR, env);
    const started = performance.now();
    try {
      synthesizeEnvironment(loadConfig(env), envDir);
      const ms = Math.round(performance.now() - started);
      process.stdout.write(`synthesized ${env} -> environments/${env}/cdktf.out (${ms} ms)\n`);
    } catch (error) {
      const message = userErrorMessage(error);
      if (message === undefined) throw error;
      process.stderr.write(`error: ${message}\n`);
      failed++;
    }
  }
  return failed > 0 ? 1 : 0;
}

/** Runs the command; for `npm run bench`, records this process's peak memory where it runs. */
export function runSynthCli(loadConfig?: ConfigLoader): void {
  runCli(() => synth(process.argv.slice(2), loadConfig));
  if (process.env.PLATFORM_USAGE_FILE) {
    const usageFile = process.env.PLATFORM_USAGE_FILE;
    process.on("exit", () => {
      writeFileSync(usageFile, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }));
    });
  }
}

if (require.main === module) runSynthCli();
