import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, type EnvironmentConfig } from "@platform/core";
import { STATE_DIR_VARIABLE, findRepoRoot, synthesizeEnvironment } from "../src";

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

describe("synthesizeEnvironment: the deploy command's variables", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it("names PLATFORM_STATE_DIR", () => {
    expect(STATE_DIR_VARIABLE).toBe("PLATFORM_STATE_DIR");
  });

  it("PLATFORM_STATE_DIR with a backend that is not local: a configuration error, and nothing written", () => {
    const { repo, envDir } = tempEnvironment();
    process.env.PLATFORM_STATE_DIR = path.join(repo, "elsewhere");
    const config: EnvironmentConfig = { ...valid, backend: { type: "s3", bucket: "acme-terraform-state" } };
    expect(() => synthesizeEnvironment(config, envDir)).toThrow(ConfigError);
    expect(() => synthesizeEnvironment(config, envDir)).toThrow(
      'invalid configuration for environment "sandbox" (1 problem):\n' +
        '  PLATFORM_STATE_DIR is set, but environment "sandbox" keeps its state in a "s3" backend: it moves local state only',
    );
    try {
      synthesizeEnvironment({ ...valid, backend: { type: "cloud", organization: "acme" } }, envDir);
      throw new Error("expected a ConfigError");
    } catch (error) {
      expect((error as ConfigError).message).toBe(
        'invalid configuration for environment "sandbox" (1 problem):\n' +
          '  PLATFORM_STATE_DIR is set, but environment "sandbox" keeps its state in a "cloud" backend: it moves local state only',
      );
      expect((error as ConfigError).problems.map((p) => p.path)).toEqual(["PLATFORM_STATE_DIR"]);
    }
    expect(fs.readdirSync(envDir)).toEqual([]);
  });

  it("PLATFORM_STATE_DIR moves local state into that folder, written relative to the stack's folder", () => {
    const { repo, envDir } = tempEnvironment();
    const stateDir = path.join(repo, "e2e", "state");
    process.env.PLATFORM_STATE_DIR = stateDir;
    synthesizeEnvironment({ ...valid, backend: { type: "local", path: "terraform-state/sandbox" } }, envDir);
    const stackDir = path.join(envDir, "cdktf.out", "stacks", "sandbox-network");
    const json = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
    const statePath: string = json.terraform.backend.local.path;
    expect(statePath).toBe("../../../../../e2e/state/sandbox-network.tfstate");
    expect(path.isAbsolute(statePath)).toBe(false);
    expect(path.resolve(stackDir, statePath)).toBe(path.join(stateDir, "sandbox-network.tfstate"));
  });

  it("an empty PLATFORM_STATE_DIR changes nothing", () => {
    const { envDir } = tempEnvironment();
    process.env.PLATFORM_STATE_DIR = "";
    synthesizeEnvironment({ ...valid, backend: { type: "s3", bucket: "acme-terraform-state" } }, envDir);
    expect(fs.existsSync(path.join(envDir, "cdktf.out", "manifest.json"))).toBe(true);
  });

  it("PLATFORM_AWS_EMULATOR_URL: the provider targets the emulator and the gap report is written", () => {
    const { envDir } = tempEnvironment();
    process.env.PLATFORM_AWS_EMULATOR_URL = "http://127.0.0.1:5000";
    synthesizeEnvironment(valid, envDir);
    const out = path.join(envDir, "cdktf.out");
    const json = JSON.parse(fs.readFileSync(path.join(out, "stacks", "sandbox-network", "cdk.tf.json"), "utf8"));
    expect(json.provider.aws[0].endpoints[0].ec2).toBe("http://127.0.0.1:5000");
    expect(json.provider.aws[0].allowed_account_ids).toEqual(["123456789012"]);
    expect(JSON.parse(fs.readFileSync(path.join(out, "emulator-gaps.json"), "utf8"))).toEqual({ url: "http://127.0.0.1:5000", stacks: [], omitted: [], attributes: [] });
  });

  it("PLATFORM_AWS_EMULATOR_URL for an environment that is not offline: a configuration error", () => {
    const { envDir } = tempEnvironment();
    process.env.PLATFORM_AWS_EMULATOR_URL = "http://127.0.0.1:5000";
    expect(() => synthesizeEnvironment({ ...valid, aws: undefined }, envDir)).toThrow(
      'invalid configuration for environment "sandbox" (1 problem):\n' +
        '  PLATFORM_AWS_EMULATOR_URL is set, but environment "sandbox" is not in offline mode: only an environment with aws.offline deploys to an AWS emulator',
    );
    expect(fs.readdirSync(envDir)).toEqual([]);
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
