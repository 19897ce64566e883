import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { PlatformStack, REPO_ROOT_CONTEXT, testEnvironmentConfig } from "@platform/core";
import { parseSynthDiffArgs } from "../src/synth-diff-cli";
import { diffSynthesized, renderSynthDiff } from "../src/synth-diff";
import { REPO_ROOT, UsageError } from "../src/workspace";

const config = testEnvironmentConfig({ name: "fixture", backend: { type: "local" }, aws: { offline: {} } });
const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

function synth(build: (app: App) => void): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "synth-diff-"));
  roots.push(root);
  const outdir = path.join(root, "cdktf.out");
  const app = new App({ outdir, context: { [REPO_ROOT_CONTEXT]: root }, stackTraces: false });
  build(app);
  app.synth();
  return outdir;
}

describe("diffSynthesized", () => {
  const base = () =>
    synth((app) => {
      const network = new PlatformStack(app, "network", { config });
      new Vpc(network, "vpc", { cidrBlock: "10.0.0.0/16" });
      new SsmParameter(network, "kept", { name: "/fixture/kept", type: "String", value: "a" });
      new SsmParameter(network, "gone", { name: "/fixture/gone", type: "String", value: "a" });
      new PlatformStack(app, "old", { config });
    });
  const head = () =>
    synth((app) => {
      const network = new PlatformStack(app, "network", { config });
      new Vpc(network, "vpc", { cidrBlock: "10.1.0.0/16", enableDnsHostnames: true });
      new SsmParameter(network, "kept", { name: "/fixture/kept", type: "String", value: "a" });
      new SsmParameter(network, "new", { name: "/fixture/new", type: "String", value: "b" });
      const service = new PlatformStack(app, "service", { config });
      new SsmParameter(service, "flag", { name: "/fixture/flag", type: "String", value: "on" });
    });

  test("stacks added and removed, and within a stack the addresses added, removed and changed with the attributes that changed", () => {
    expect(diffSynthesized(base(), head())).toEqual([
      {
        stack: "fixture-network",
        status: "changed",
        added: ["aws_ssm_parameter.new"],
        removed: ["aws_ssm_parameter.gone"],
        changed: [{ address: "aws_vpc.vpc", attributes: ["cidr_block", "enable_dns_hostnames"] }],
      },
      { stack: "fixture-old", status: "removed", added: [], removed: ["provider.aws", "terraform"], changed: [] },
      { stack: "fixture-service", status: "added", added: ["aws_ssm_parameter.flag", "provider.aws", "terraform"], removed: [], changed: [] },
    ]);
  });

  test("the same app twice has no differences (construct metadata is ignored), and a missing base is an app with no stacks", () => {
    const a = head();
    expect(diffSynthesized(a, head()).every((s) => s.status === "unchanged")).toBe(true);
    expect(diffSynthesized(path.join(os.tmpdir(), "does-not-exist"), a).map((s) => s.status)).toEqual(["added", "added"]);
  });

  test("renders a section per environment with differences, and says so when there are none", () => {
    const markdown = renderSynthDiff({ dev: diffSynthesized(base(), head()), prod: [] }, "origin/main");
    expect(markdown).toContain("<!-- synth-diff -->\n### Synthesized Terraform compared with `origin/main`");
    expect(markdown).toContain("| `fixture-network` | changed | 1 | 1 | 1 |");
    expect(markdown).toContain("~ aws_vpc.vpc (cidr_block, enable_dns_hostnames)");
    expect(markdown).toContain("- aws_ssm_parameter.gone\n+ aws_ssm_parameter.new");
    expect(markdown).not.toContain("`prod`");
    expect(renderSynthDiff({ dev: [] }, "main")).toBe("<!-- synth-diff -->\n### Synthesized Terraform compared with `main`\n\nNo environment's synthesized Terraform changes.\n");
  });
});

describe("npm run synth-diff", () => {
  test("arguments", () => {
    expect(parseSynthDiffArgs(["--base", "origin/main", "dev"])).toEqual({ base: "origin/main", out: undefined, environments: ["dev"] });
    expect(() => parseSynthDiffArgs([])).toThrow(new UsageError("--base <ref> is required: the ref to compare with, such as origin/main"));
    expect(() => parseSynthDiffArgs(["--base"])).toThrow(new UsageError("--base needs a value (a git ref, such as origin/main)"));
    expect(() => parseSynthDiffArgs(["--base", "x", "--plan"])).toThrow(new UsageError('unknown option "--plan" (usage: --base <ref> [--out <file>] [<env>...])'));
  });

  test("compares the working tree with a ref through a temporary worktree, and removes the worktree", () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "synth-diff-out-")), "diff.md");
    const before = spawnSync("git", ["worktree", "list"], { cwd: REPO_ROOT, encoding: "utf8" }).stdout;
    const run = spawnSync(process.execPath, ["--import", "tsx", "tools/src/synth-diff-cli.ts", "--base", "HEAD", "--out", out, "local"], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    // The working tree may hold uncommitted changes while someone works; a clean clone has none.
    expect(fs.readFileSync(out, "utf8")).toBe(run.stdout);
    expect(run.stdout.startsWith("<!-- synth-diff -->\n### Synthesized Terraform compared with `HEAD`\n")).toBe(true);
    expect(spawnSync("git", ["worktree", "list"], { cwd: REPO_ROOT, encoding: "utf8" }).stdout).toBe(before);
  });

  test("an unknown ref is a usage error", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "tools/src/synth-diff-cli.ts", "--base", "no-such-ref", "local"], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('error: git ref "no-such-ref" is not a commit here (fetch it, e.g. actions/checkout with fetch-depth: 0)\n');
  });
});
