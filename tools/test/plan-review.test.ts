// The plan-review engine on small cdktf apps with the real Terraform CLI (offline mirror), and
// the command on the local environment.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { PlatformStack, REPO_ROOT_CONTEXT, testEnvironmentConfig } from "@platform/core";
import { DESTRUCTIVE_EXIT_CODE, parsePlanReviewArgs } from "../src/plan-review-cli";
import { renderEnvironmentPlan } from "../src/plan-markdown";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { hasChanges, planAppOnline, planRoleCannotPlan } from "../src/plan-review";
import { providerSource, terraformEnv } from "../src/terraform";
import { REPO_ROOT, UsageError } from "../src/workspace";

const source = providerSource();
const env = terraformEnv(source, process.env, "plan-review-test");
const config = testEnvironmentConfig({ name: "fixture", backend: { type: "local" }, aws: { offline: {} } });
const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

function synth(build: (app: App) => void): { root: string; outdir: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "plan-review-"));
  roots.push(root);
  const outdir = path.join(root, "cdktf.out");
  const app = new App({ outdir, context: { [REPO_ROOT_CONTEXT]: root }, stackTraces: false });
  build(app);
  app.synth();
  return { root, outdir };
}

describe("online: every stack planned in place, in dependency order", () => {
  // One app for every case, so that Terraform starts as few times as it can.
  let outdir: string;
  let plan: Awaited<ReturnType<typeof planAppOnline>>;
  beforeAll(async () => {
    ({ outdir } = synth((app) => {
      const network = new PlatformStack(app, "network", { config });
      new Vpc(network, "vpc", { cidrBlock: "10.0.0.0/16" });
      const service = new PlatformStack(app, "service", { config });
      new SsmParameter(service, "flag", { name: "/fixture/flag", type: "String", value: "on" });
      service.addDependency(network);
      const broken = new PlatformStack(app, "zbroken", { config });
      new SsmParameter(broken, "bad", { name: "/fixture/bad", type: "NotAType", value: "x" });
      const after = new PlatformStack(app, "zz-after", { config });
      after.addDependency(broken);
      // A stack with the helm provider, which the read-only CI plan role cannot plan.
      new HelmProvider(new PlatformStack(app, "helm", { config }), "helm", {});
    }));
    plan = await planAppOnline("fixture", outdir, env, { skip: planRoleCannotPlan });
  });

  test("stacks come in dependency order, each planned with its plan JSON kept", () => {
    expect(plan.stacks.map((s) => s.stack)).toEqual(["fixture-helm", "fixture-network", "fixture-service", "fixture-zbroken", "fixture-zz-after"]);
    const network = plan.stacks[1];
    expect(network.error).toBeUndefined();
    expect(network.plan?.resource_changes?.map((r) => [r.address, r.change.actions])).toEqual([["aws_vpc.vpc", ["create"]]]);
    // The plan files stay next to the stacks (for `terraform apply plan.tfplan` and `show`).
    expect(fs.existsSync(path.join(outdir, "stacks", "fixture-network", "plan.tfplan"))).toBe(true);
  });

  test("a stack after an upstream stack with pending changes is marked: it reads the upstream's current outputs", () => {
    expect(plan.stacks[1].staleUpstreams).toEqual([]);
    expect(plan.stacks[2].staleUpstreams).toEqual(["fixture-network"]);
    expect(hasChanges(plan.stacks[2].plan)).toBe(true);
    const comment = renderEnvironmentPlan(plan)!;
    expect(comment.startsWith("<!-- plan-review:fixture -->")).toBe(true);
    expect(comment).toContain("reads outputs of `fixture-network` before its changes are applied");
  });

  test("a stack that cannot be planned is reported with Terraform's error, and the stacks after it are still planned and marked", () => {
    const [broken, after] = plan.stacks.slice(3);
    expect(broken.error).toMatch(/^terraform plan failed:\n[\s\S]*NotAType/);
    expect(after.error).toBeUndefined();
    expect(after.staleUpstreams).toEqual(["fixture-zbroken"]);
    expect(hasChanges(after.plan)).toBe(false);
  });

  test("as the read-only plan role, a stack with the helm provider is listed as not planned, with the reason, and never run", () => {
    expect(plan.stacks[0]).toEqual({ stack: "fixture-helm", skipped: planRoleCannotPlan({ provider: { helm: [{}] } }) });
    expect(planRoleCannotPlan({ provider: { aws: [{}], kubernetes: [{}] } })).toBeUndefined();
    expect(renderEnvironmentPlan(plan)).toMatch(/\| `fixture-helm` \| — \| — \| — \| — \| not planned: Helm releases keep their state in Kubernetes Secrets/);
  });
});

describe("npm run plan-review", () => {
  test("arguments", () => {
    expect(parsePlanReviewArgs(["dev", "prod"])).toMatchObject({ base: undefined, head: "HEAD", environments: ["dev", "prod"], planRole: false });
    expect(parsePlanReviewArgs(["--plan-role", "dev"])).toMatchObject({ environments: ["dev"], planRole: true });
    expect(parsePlanReviewArgs(["--base", "origin/main", "--out", "/tmp/x"])).toMatchObject({ base: "origin/main", head: "HEAD", out: "/tmp/x", environments: [] });
    expect(() => parsePlanReviewArgs(["--base"])).toThrow(new UsageError("--base needs a value (a git ref, such as origin/main)"));
    expect(() => parsePlanReviewArgs(["--out"])).toThrow(new UsageError("--out needs a value (a folder)"));
    expect(() => parsePlanReviewArgs(["--list"])).toThrow(new UsageError('unknown option "--list" (usage: [--base <ref> [--head <ref>]] [--out <dir>] [--plan-role] [<env>...])'));
    expect(() => parsePlanReviewArgs(["--base", "main", "dev"])).toThrow(new UsageError("give either --base (plan the environments the change touches) or environment names, not both"));
    expect(DESTRUCTIVE_EXIT_CODE).toBe(3);
  });

  test("an unknown environment exits 2 with the known ones", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "tools/src/plan-review-cli.ts", "qa"], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('error: unknown environment "qa" (environments: dev, local, prod, staging)\n');
  });

  test("reviews the local environment offline: a comment, the full plans, and a result file; the add-ons stacks are named as not planned", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "plan-review-out-"));
    roots.push(out);
    const githubOutput = path.join(out, "github-output");
    const run = spawnSync(process.execPath, ["--import", "tsx", "tools/src/plan-review-cli.ts", "--out", out, "local"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: { ...process.env, GITHUB_OUTPUT: githubOutput, GITHUB_STEP_SUMMARY: "" },
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^local: changes\n$/m);
    const comment = fs.readFileSync(path.join(out, "local.md"), "utf8");
    expect(comment.startsWith("<!-- plan-review:local -->")).toBe(true);
    expect(comment.length).toBeLessThanOrEqual(65536);
    expect(comment).toMatch(/local-eks-addons.*not planned: providers not available offline/);
    const result = JSON.parse(fs.readFileSync(path.join(out, "result.json"), "utf8"));
    expect(result).toEqual({ environments: [{ environment: "local", offline: true, comment: "local.md", destructive: [], failed: [] }] });
    expect(fs.readFileSync(githubOutput, "utf8")).toBe('environments=["local"]\ncommented=["local"]\ndestructive=false\n');
  }, 600000);
});
