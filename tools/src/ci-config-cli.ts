// npm run -s ci-config -- <env>: what a workflow needs to plan or deploy an environment, from its
// configuration: the region, whether it plans offline, the CI roles of `<env>-ci-access` (by
// their names, so no ARN is copied into workflow settings), the GitHub environment of its
// deploys, and the stacks a deploy applies (all but `<env>-ci-access`, which the deploy role
// cannot change). Printed as JSON, and written to $GITHUB_OUTPUT when it is set.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, TerraformStack } from "cdktf";
import { REPO_ROOT_CONTEXT, validateEnvironmentConfig, type EnvironmentConfig } from "@platform/core";
import { buildEnvironment, ciRoleArn } from "@platform/stacks";
import { ENVIRONMENTS_DIR, REPO_ROOT, UsageError, runCli, selectEnvironments } from "./workspace";

export interface CiEnvironment {
  readonly environment: string;
  readonly region: string;
  readonly offline: boolean;
  readonly planRoleArn: string | null;
  readonly deployRoleArn: string | null;
  readonly deployEnvironment: string | null;
  /** Stack name patterns for `cdktf deploy`, in no particular order (cdktf orders them). */
  readonly deployStacks: readonly string[];
}

export function ciEnvironment(name: string, input: EnvironmentConfig): CiEnvironment {
  const config = validateEnvironmentConfig(input, name);
  // The stacks as the app builds them (constructed, not synthesized), so that this list never
  // drifts from buildEnvironment.
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-ci-config-"));
  const app = new App({ outdir, context: { [REPO_ROOT_CONTEXT]: REPO_ROOT }, stackTraces: false });
  const stacks = buildEnvironment(app, config);
  fs.rmSync(outdir, { recursive: true, force: true });
  const partition = stacks.network.awsEnvironment.partition;
  return {
    environment: config.name,
    region: config.region,
    offline: config.aws?.offline !== undefined,
    planRoleArn: config.ci ? ciRoleArn(config, partition, "plan") : null,
    deployRoleArn: config.ci ? ciRoleArn(config, partition, "deploy") : null,
    deployEnvironment: config.ci ? (config.ci.deployEnvironment ?? config.name) : null,
    deployStacks: app.node.children.filter((c) => TerraformStack.isStack(c) && c !== stacks.ciAccess).map((c) => c.node.id),
  };
}

function main(args: string[]): number {
  if (args.length !== 1) throw new UsageError("give one environment: npm run -s ci-config -- <env>");
  const [name] = selectEnvironments(args);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { config } = require(path.join(ENVIRONMENTS_DIR, name, "config.ts")) as { config: EnvironmentConfig };
  const result = ciEnvironment(name, config);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (process.env.GITHUB_OUTPUT) {
    const lines = [
      `region=${result.region}`,
      `offline=${result.offline}`,
      `plan-role-arn=${result.planRoleArn ?? ""}`,
      `deploy-role-arn=${result.deployRoleArn ?? ""}`,
      `deploy-environment=${result.deployEnvironment ?? ""}`,
      `deploy-stacks=${result.deployStacks.join(" ")}`,
    ];
    fs.appendFileSync(process.env.GITHUB_OUTPUT, `${lines.join("\n")}\n`);
  }
  return 0;
}

if (require.main === module) runCli(() => main(process.argv.slice(2)));
