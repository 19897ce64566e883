import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import {
  AMBIENT_CREDENTIALS_CONTEXT,
  AWS_EMULATOR_CONTEXT,
  ConfigError,
  applyEmulatorGaps,
  awsEmulatorTargetFrom,
  configForEmulator,
  REPO_ROOT_CONTEXT,
  synthesizeApp,
  userErrorMessage,
  validateEnvironmentConfig,
  type EnvironmentConfig,
  type ValidatedEnvironmentConfig,
} from "@platform/core";
import { CiAccessStack } from "./ci-access-stack";
import { EcsStack } from "./ecs-stack";
import { EksAddonsStack } from "./eks-addons-stack";
import { EksStack } from "./eks-stack";
import { EksWorkloadsStack } from "./eks-workloads-stack";
import { NetworkStack } from "./network-stack";
import { RegistryStack } from "./registry-stack";

/** The stacks of one environment, in dependency order. */
export interface EnvironmentStacks {
  readonly network: NetworkStack;
  /** When the environment has an `ecr` configuration. */
  readonly registry?: RegistryStack;
  /** When the environment has a `ci` configuration. */
  readonly ciAccess?: CiAccessStack;
  /** When the environment has an `ecs` configuration or a service on ECS. */
  readonly ecs?: EcsStack;
  /** When the environment has an `eks` configuration: the cluster, its add-ons, and the services on EKS. */
  readonly eks?: EksStack;
  readonly eksAddons?: EksAddonsStack;
  readonly eksWorkloads?: EksWorkloadsStack;
}

/** Adds every stack of an environment to one app, so that cross-stack references work. */
export function buildEnvironment(app: App, config: ValidatedEnvironmentConfig): EnvironmentStacks {
  const network = new NetworkStack(app, config);
  const registry = config.ecr ? new RegistryStack(app, config) : undefined;
  const ciAccess = config.ci ? new CiAccessStack(app, config, { registry }) : undefined;
  const onEcs = Object.values(config.services ?? {}).some((s) => s.runtime.startsWith("ecs-"));
  const ecs = config.ecs || onEcs ? new EcsStack(app, config, { network, registry }) : undefined;
  const eks = config.eks ? new EksStack(app, config, { network }) : undefined;
  // The cluster's access entries name the CI roles, which must exist first.
  if (eks && ciAccess) eks.addDependency(ciAccess);
  const eksAddons = eks ? new EksAddonsStack(app, config, { eks }) : undefined;
  const eksWorkloads = eks && eksAddons ? new EksWorkloadsStack(app, config, { network, eks, addons: eksAddons, registry }) : undefined;
  return { network, registry, ciAccess, ecs, eks, eksAddons, eksWorkloads };
}

/** A folder that replaces a local backend's state folder (the emulator deploy's tests use one of their own). */
export const STATE_DIR_VARIABLE = "PLATFORM_STATE_DIR";

/**
 * Validates an environment's configuration and synthesizes its app into `<envDir>/cdktf.out`.
 * Bad input throws `ConfigError` or `ValidationError` and leaves no output behind.
 *
 * Two process environment variables change what is synthesized, for the deploy command:
 * `PLATFORM_AWS_EMULATOR_URL` (with `PLATFORM_AWS_EMULATOR_ZONES`) targets an AWS emulator
 * (see `@platform/core`'s aws-emulator.ts), and `PLATFORM_STATE_DIR` moves local state.
 */
export function synthesizeEnvironment(config: EnvironmentConfig, envDir: string): void {
  const name = path.basename(envDir);
  let validated = validateEnvironmentConfig(config, name);
  const emulator = awsEmulatorTargetFrom(process.env, validated);
  if (emulator) validated = configForEmulator(validated, emulator);
  const stateDir = process.env[STATE_DIR_VARIABLE];
  if (stateDir) {
    if (validated.backend.type !== "local") {
      throw new ConfigError(name, [
        { path: STATE_DIR_VARIABLE, message: `${STATE_DIR_VARIABLE} is set, but environment ${JSON.stringify(name)} keeps its state in a ${JSON.stringify(validated.backend.type)} backend: it moves local state only` },
      ]);
    }
    validated = { ...validated, backend: { ...validated.backend, path: path.resolve(stateDir) } };
  }
  synthesizeApp({
    outdir: path.join(envDir, "cdktf.out"),
    context: {
      [REPO_ROOT_CONTEXT]: findRepoRoot(envDir),
      // CI jobs run as the environment's plan or deploy role (OIDC), not as aws.assumeRole.
      ...(process.env.PLATFORM_AMBIENT_CREDENTIALS === "true" ? { [AMBIENT_CREDENTIALS_CONTEXT]: true } : {}),
      ...(emulator ? { [AWS_EMULATOR_CONTEXT]: emulator } : {}),
    },
    build: (app) => buildEnvironment(app, validated),
    afterSynth: emulator ? (outdir) => void applyEmulatorGaps(outdir, emulator) : undefined,
  });
}

/**
 * The entry point of `environments/<env>/main.ts` (and so of `cdktf synth|deploy`): synthesizes,
 * or prints what is wrong with the input, with no stack trace, and exits non-zero.
 */
export function runEnvironment(config: EnvironmentConfig, envDir: string): void {
  try {
    synthesizeEnvironment(config, envDir);
  } catch (error) {
    const message = userErrorMessage(error);
    if (message === undefined) throw error;
    process.stderr.write(`error: ${message}\n`);
    process.exit(1);
  }
}

/** The nearest folder above `start` that holds `nx.json`: the repository root. */
export function findRepoRoot(start: string): string {
  let dir = path.resolve(start);
  while (!fs.existsSync(path.join(dir, "nx.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(start, "..", "..");
    dir = parent;
  }
  return dir;
}
