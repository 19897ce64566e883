// npm run synth [-- <env>...]: synthesizes environments into environments/<env>/cdktf.out.
// All environments run in this one process: each is its own cdktf App, built by the same
// function that its main.ts (and so `cdktf deploy`) calls.
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { userErrorMessage } from "@platform/core";
import { synthesizeEnvironment } from "@platform/stacks";
import { ENVIRONMENTS_DIR, runCli, selectEnvironments } from "./workspace";

function main(args: string[]): number {
  const environments = selectEnvironments(args);
  let failed = 0;
  for (const env of environments) {
    const envDir = path.join(ENVIRONMENTS_DIR, env);
    const started = performance.now();
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { config } = require(path.join(envDir, "config.ts"));
      synthesizeEnvironment(config, envDir);
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

runCli(() => main(process.argv.slice(2)));

// For `npm run bench`: the peak memory of this process, measured where it runs.
if (process.env.PLATFORM_USAGE_FILE) {
  const usageFile = process.env.PLATFORM_USAGE_FILE;
  process.on("exit", () => {
    writeFileSync(usageFile, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }));
  });
}
