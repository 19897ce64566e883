// npm run deploy -- <env> [--emulator-url <url>] [--state-dir <dir>] [--out <dir>]
// npm run destroy -- <env> [same options]
// --state-dir and --out move the local state and the synthesized app; --env-dir names an
// environment folder outside environments/ (the end-to-end tests use both, to leave the
// repository's own local state alone).
//
// Deploys an offline environment (local) into an AWS emulator through the real cdktf CLI, every
// stack the emulator can host, in dependency order, with real local state and real remote-state
// reads between stacks; a second run changes nothing. It starts moto on a free loopback port
// unless AWS_EMULATOR_URL (or --emulator-url) names one that is running, and keeps it running:
// the emulator holds the resources in memory until `npm run destroy`, which destroys the stacks
// in reverse order and stops the emulator it started.
//
// Exit codes: 0 done; 1 a deploy or destroy step failed; 2 usage error.
import { DeployFailed, deploy, destroy, type DeployOptions } from "./deploy";
import { EMULATOR_URL_VARIABLE } from "./emulator";
import { UsageError, runCli, selectEnvironments } from "./workspace";

const USAGE = "usage: npm run deploy|destroy -- <environment> [--emulator-url <url>] [--state-dir <dir>] [--out <dir>] [--env-dir <dir>]";

export function parseDeployArgs(args: readonly string[], variables: NodeJS.ProcessEnv = process.env): DeployOptions {
  const names: string[] = [];
  const values: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--emulator-url" || arg === "--state-dir" || arg === "--out" || arg === "--env-dir") {
      const value = args[++i];
      if (!value || value.startsWith("--")) throw new UsageError(`${arg} needs a value (${USAGE})`);
      values[arg] = value;
    } else if (arg.startsWith("-")) throw new UsageError(`unknown option ${JSON.stringify(arg)} (${USAGE})`);
    else names.push(arg);
  }
  if (names.length !== 1) throw new UsageError(names.length === 0 ? `no environment given (${USAGE})` : `one environment at a time, got ${names.join(", ")}`);
  // --env-dir: an environment folder outside environments/ (the end-to-end tests' changed copy of local).
  const [env] = values["--env-dir"] ? names : selectEnvironments(names);
  return {
    env,
    emulatorUrl: values["--emulator-url"] ?? (variables[EMULATOR_URL_VARIABLE] || undefined),
    stateDir: values["--state-dir"],
    outDir: values["--out"],
    envDir: values["--env-dir"],
  };
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== "deploy" && command !== "destroy") throw new UsageError(USAGE);
  const options = parseDeployArgs(rest);
  try {
    if (command === "deploy") await deploy(options);
    else await destroy(options);
    return 0;
  } catch (error) {
    if (!(error instanceof DeployFailed)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    return 1;
  }
}

if (require.main === module) runCli(() => main(process.argv.slice(2)));
