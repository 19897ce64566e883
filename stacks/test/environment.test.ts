import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, type EnvironmentConfig } from "@platform/core";
import { findRepoRoot, synthesizeEnvironment } from "../src";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

const valid: EnvironmentConfig = {
  name: "sandbox",
  production: false,
  accountId: "123456789012",
  region: "eu-west-1",
  availabilityZones: ["eu-west-1a", "eu-west-1b"],
  backend: { type: "local" },
  aws: { offline: {} },
  tags: { owner: "platform-team", costCenter: "cc-1", repository: "github.com/acme/container-platform" },
  network: { cidr: "10.0.0.0/16", natGateways: "single" },
};

/** A throwaway environment folder inside a throwaway "repository" (a folder with nx.json). */
function tempEnvironment(): { repo: string; envDir: string } {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), "platform-env-"));
  fs.writeFileSync(path.join(repo, "nx.json"), "{}");
  const envDir = path.join(repo, "environments", "sandbox");
  fs.mkdirSync(envDir, { recursive: true });
  return { repo, envDir };
}

describe("synthesizeEnvironment", () => {
  it("writes cdktf's layout into <envDir>/cdktf.out", () => {
    const { envDir } = tempEnvironment();
    synthesizeEnvironment(valid, envDir);
    const manifest = JSON.parse(fs.readFileSync(path.join(envDir, "cdktf.out", "manifest.json"), "utf8"));
    expect(Object.keys(manifest.stacks)).toEqual(["sandbox-network"]);
    expect(fs.existsSync(path.join(envDir, "cdktf.out", "stacks", "sandbox-network", "cdk.tf.json"))).toBe(true);
  });

  it("writes the local state path relative to the stack's folder, inside the repository", () => {
    const { repo, envDir } = tempEnvironment();
    synthesizeEnvironment(valid, envDir);
    const stackDir = path.join(envDir, "cdktf.out", "stacks", "sandbox-network");
    const json = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
    const statePath: string = json.terraform.backend.local.path;
    expect(statePath).toBe("../../../state/sandbox-network.tfstate");
    expect(path.resolve(stackDir, statePath)).toBe(path.join(repo, "environments", "sandbox", "state", "sandbox-network.tfstate"));
  });

  it("honours a backend path relative to the repository root", () => {
    const { repo, envDir } = tempEnvironment();
    synthesizeEnvironment({ ...valid, backend: { type: "local", path: "terraform-state/sandbox" } }, envDir);
    const stackDir = path.join(envDir, "cdktf.out", "stacks", "sandbox-network");
    const json = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
    expect(path.resolve(stackDir, json.terraform.backend.local.path)).toBe(path.join(repo, "terraform-state", "sandbox", "sandbox-network.tfstate"));
  });

  it("rejects invalid configuration with every problem, labelled by the environment's folder, and writes nothing", () => {
    const { envDir } = tempEnvironment();
    const bad = { ...valid, accountId: "12", network: { cidr: "10.0.0.0/33", natGateways: "single" } } as EnvironmentConfig;
    expect(() => synthesizeEnvironment(bad, envDir)).toThrow(ConfigError);
    try {
      synthesizeEnvironment(bad, envDir);
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.path)).toEqual(["sandbox.accountId", "sandbox.network.cidr"]);
    }
    expect(fs.readdirSync(envDir)).toEqual([]);
  });

  it("keeps the previous output when a new synthesis fails", () => {
    const { envDir } = tempEnvironment();
    synthesizeEnvironment(valid, envDir);
    const before = fs.readFileSync(path.join(envDir, "cdktf.out", "manifest.json"), "utf8");
    expect(() => synthesizeEnvironment({ ...valid, region: "mars" }, envDir)).toThrow(ConfigError);
    expect(fs.readFileSync(path.join(envDir, "cdktf.out", "manifest.json"), "utf8")).toBe(before);
    expect(fs.readdirSync(envDir)).toEqual(["cdktf.out"]);
  });
});

describe("runEnvironment (an environment's main.ts)", () => {
  function runMain(config: unknown): { status: number | null; stderr: string; envDir: string } {
    const { envDir } = tempEnvironment();
    const main = path.join(envDir, "main.ts");
    fs.writeFileSync(
      main,
      `import { runEnvironment } from ${JSON.stringify(path.join(REPO_ROOT, "stacks", "src"))};\n` +
        `runEnvironment(${JSON.stringify(config)} as never, __dirname);\n`,
    );
    const child = spawnSync(process.execPath, ["--import", "tsx", main], { cwd: REPO_ROOT, encoding: "utf8" });
    fs.rmSync(main);
    return { status: child.status, stderr: child.stderr, envDir };
  }

  it("prints every configuration problem with no stack trace, exits 1 and leaves no output", () => {
    const result = runMain({ ...valid, name: "Sandbox", network: { cidr: "10.0.0.0/16", natGateways: "sometimes" } });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'error: invalid configuration for environment "sandbox" (2 problems):\n' +
        '  sandbox.name: "Sandbox" is not an environment name (2-12 lower-case letters, digits and hyphens, starting with a letter)\n' +
        '  sandbox.network.natGateways: "sometimes" is not allowed (a NAT gateway mode: "none", "single", "perAz")\n',
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(fs.readdirSync(result.envDir)).toEqual([]);
  });

  it("synthesizes a valid environment and exits 0", () => {
    const result = runMain(valid);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(fs.existsSync(path.join(result.envDir, "cdktf.out", "manifest.json"))).toBe(true);
  });
});

describe("findRepoRoot", () => {
  it("finds the folder that holds nx.json", () => {
    expect(findRepoRoot(path.join(REPO_ROOT, "environments", "dev"))).toBe(REPO_ROOT);
  });
});
