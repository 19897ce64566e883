import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ciEnvironment } from "../src/ci-config-cli";
import { REPO_ROOT } from "../src/workspace";
import type { EnvironmentConfig } from "@platform/core";
import { ENVIRONMENTS_DIR } from "../src/workspace";

// Environment configurations are data, read as the tools read them (not imported across projects).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const configOf = (env: string) => (require(path.join(ENVIRONMENTS_DIR, env, "config.ts")) as { config: EnvironmentConfig }).config;
const [dev, local, prod, staging] = ["dev", "local", "prod", "staging"].map(configOf);

describe("what a workflow needs of an environment", () => {
  test("dev: the CI roles by name in its account, the GitHub environment, every stack but ci-access", () => {
    expect(ciEnvironment("dev", dev)).toEqual({
      environment: "dev",
      region: "eu-west-1",
      offline: false,
      planRoleArn: "arn:aws:iam::111111111111:role/dev-ci-plan",
      deployRoleArn: "arn:aws:iam::111111111111:role/dev-ci-deploy",
      deployEnvironment: "dev",
      deployStacks: ["dev-network", "dev-registry", "dev-ecs", "dev-eks", "dev-eks-addons", "dev-eks-workloads"],
    });
  });

  test("prod deploys in the GitHub environment it names (ci.deployEnvironment); staging has no EKS stacks", () => {
    expect(ciEnvironment("prod", prod).deployEnvironment).toBe("production");
    expect(ciEnvironment("staging", staging).deployStacks).toEqual(["staging-network", "staging-registry", "staging-ecs"]);
  });

  test("local plans offline", () => {
    expect(ciEnvironment("local", local).offline).toBe(true);
  });

  test("npm run -s ci-config -- <env> prints it as JSON and writes the workflow outputs", () => {
    const output = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ci-config-")), "out");
    const run = spawnSync(process.execPath, ["--import", "tsx", "tools/src/ci-config-cli.ts", "prod"], { cwd: REPO_ROOT, encoding: "utf8", env: { ...process.env, GITHUB_OUTPUT: output } });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(ciEnvironment("prod", prod));
    expect(fs.readFileSync(output, "utf8")).toBe(
      [
        "region=eu-west-1",
        "offline=false",
        "plan-role-arn=arn:aws:iam::333333333333:role/prod-ci-plan",
        "deploy-role-arn=arn:aws:iam::333333333333:role/prod-ci-deploy",
        "deploy-environment=production",
        "deploy-stacks=prod-network prod-registry prod-ecs prod-eks prod-eks-addons prod-eks-workloads",
        "",
      ].join("\n"),
    );
  });

  test("one environment, by a known name", () => {
    const none = spawnSync(process.execPath, ["--import", "tsx", "tools/src/ci-config-cli.ts"], { cwd: REPO_ROOT, encoding: "utf8" });
    expect([none.status, none.stderr]).toEqual([2, "error: give one environment: npm run -s ci-config -- <env>\n"]);
    const unknown = spawnSync(process.execPath, ["--import", "tsx", "tools/src/ci-config-cli.ts", "qa"], { cwd: REPO_ROOT, encoding: "utf8" });
    expect([unknown.status, unknown.stderr]).toEqual([2, 'error: unknown environment "qa" (environments: dev, local, prod, staging)\n']);
  });
});
