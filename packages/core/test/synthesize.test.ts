import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Construct } from "constructs";
import { App, Lazy, TerraformStack, Tokenization } from "cdktf";
import {
  AwsEnvironment,
  ConfigError,
  PlatformStack,
  REPO_ROOT_CONTEXT,
  ValidationError,
  synthesizeApp,
  testEnvironmentConfig,
  userErrorMessage,
  validateEnvironmentConfig,
} from "../src";

let tmp: string;
const savedEnv = { CDKTF_OUTDIR: process.env.CDKTF_OUTDIR, CDKTF_CONTEXT_JSON: process.env.CDKTF_CONTEXT_JSON };

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "core-synth-"));
  delete process.env.CDKTF_OUTDIR;
  delete process.env.CDKTF_CONTEXT_JSON;
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

/** Adds the test environment's `unit` stack to the app. */
function buildUnit(app: App): PlatformStack {
  return new PlatformStack(app, "unit", { config: testEnvironmentConfig() });
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

/** Every file under a folder, relative to it, sorted. */
function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)))
    .sort();
}

/** A previous synthesis in `<tmp>/out`, to check that a failure leaves it as it was. */
function previousOutput(): string {
  const outdir = path.join(tmp, "out");
  fs.mkdirSync(path.join(outdir, "stacks", "test-old"), { recursive: true });
  fs.writeFileSync(path.join(outdir, "manifest.json"), '{"previous":true}');
  fs.writeFileSync(path.join(outdir, "stacks", "test-old", "cdk.tf.json"), '{"old":true}');
  return outdir;
}

function thrownBy(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("synthesizeApp", () => {
  test("writes manifest.json and stacks/<stack>/cdk.tf.json into outdir, and nothing next to it", () => {
    const outdir = path.join(tmp, "out");
    synthesizeApp({ outdir, build: buildUnit });
    expect(fs.readdirSync(tmp)).toEqual(["out"]);
    expect(filesUnder(outdir)).toEqual(["manifest.json", path.join("stacks", "test-unit", "cdk.tf.json")]);
    const manifest = readJson(path.join(outdir, "manifest.json")) as { stacks: Record<string, Record<string, unknown>> };
    expect(Object.keys(manifest.stacks)).toEqual(["test-unit"]);
    expect(manifest.stacks["test-unit"].synthesizedStackPath).toBe("stacks/test-unit/cdk.tf.json");
    expect(manifest.stacks["test-unit"].workingDirectory).toBe("stacks/test-unit");
    const stack = readJson(path.join(outdir, "stacks", "test-unit", "cdk.tf.json")) as { provider: { aws: unknown[] } };
    expect(stack.provider.aws).toHaveLength(1);
  });

  test("passes the context to the app, and the local state path is right from the final folder", () => {
    const repoRoot = path.join(tmp, "repo");
    const outdir = path.join(repoRoot, "environments", "test", "cdktf.out");
    fs.mkdirSync(path.dirname(outdir), { recursive: true });
    synthesizeApp({ outdir, context: { [REPO_ROOT_CONTEXT]: repoRoot }, build: buildUnit });
    const stack = readJson(path.join(outdir, "stacks", "test-unit", "cdk.tf.json")) as { terraform: { backend: { local: { path: string } } } };
    // Synthesized into a sibling staging folder and renamed: the relative path must not change.
    expect(stack.terraform.backend.local.path).toBe("../../../state/test-unit.tfstate");
    expect(fs.readdirSync(path.dirname(outdir)).sort()).toEqual(["cdktf.out"]);
  });

  test("replaces what a previous synthesis left in outdir", () => {
    const outdir = previousOutput();
    synthesizeApp({ outdir, build: buildUnit });
    expect(filesUnder(outdir)).toEqual(["manifest.json", path.join("stacks", "test-unit", "cdk.tf.json")]);
    expect(readJson(path.join(outdir, "manifest.json"))).not.toHaveProperty("previous");
  });

  test("a staging folder left by an earlier crash is cleared first", () => {
    const outdir = path.join(tmp, "out");
    const staging = `${outdir}.tmp-${process.pid}`;
    fs.mkdirSync(path.join(staging, "stacks", "stale"), { recursive: true });
    fs.writeFileSync(path.join(staging, "stacks", "stale", "cdk.tf.json"), "{}");
    synthesizeApp({ outdir, build: buildUnit });
    expect(fs.readdirSync(tmp)).toEqual(["out"]);
    expect(fs.readdirSync(path.join(outdir, "stacks"))).toEqual(["test-unit"]);
  });

  test("when build throws, the error propagates and nothing is left behind", () => {
    const outdir = path.join(tmp, "out");
    const failure = new Error("build failed");
    const error = thrownBy(() =>
      synthesizeApp({
        outdir,
        build: (app) => {
          buildUnit(app);
          throw failure;
        },
      }),
    );
    expect(error).toBe(failure);
    expect(fs.existsSync(outdir)).toBe(false);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  test("when build throws, the previous outdir is left untouched", () => {
    const outdir = previousOutput();
    const before = filesUnder(outdir);
    expect(() =>
      synthesizeApp({
        outdir,
        build: () => {
          throw new ConfigError("test", [{ path: "test.region", message: "test.region: bad" }]);
        },
      }),
    ).toThrow(ConfigError);
    expect(fs.readdirSync(tmp)).toEqual(["out"]);
    expect(filesUnder(outdir)).toEqual(before);
    expect(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")).toBe('{"previous":true}');
    expect(fs.readFileSync(path.join(outdir, "stacks", "test-old", "cdk.tf.json"), "utf8")).toBe('{"old":true}');
  });

  test("when a validation fails during synthesis, the previous outdir is left untouched", () => {
    const outdir = previousOutput();
    const error = thrownBy(() =>
      synthesizeApp({
        outdir,
        build: (app) => {
          const stack = buildUnit(app);
          new Construct(stack, "Vpc").node.addValidation({ validate: () => ["the VPC has no subnets"] });
        },
      }),
    );
    expect(userErrorMessage(error)).toBe("Validation failed with the following errors:\n  [test-unit/Vpc] the VPC has no subnets");
    expect(fs.readdirSync(tmp)).toEqual(["out"]);
    expect(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")).toBe('{"previous":true}');
  });

  test("under the cdktf CLI (CDKTF_OUTDIR set), writes to the CLI's folder instead", () => {
    const cliOutdir = path.join(tmp, "cli-out");
    const outdir = path.join(tmp, "out");
    process.env.CDKTF_OUTDIR = cliOutdir;
    synthesizeApp({ outdir, build: buildUnit });
    expect(fs.existsSync(outdir)).toBe(false);
    expect(fs.readdirSync(tmp)).toEqual(["cli-out"]);
    expect(filesUnder(cliOutdir)).toEqual(["manifest.json", path.join("stacks", "test-unit", "cdk.tf.json")]);
  });

  test("under the cdktf CLI, the context still reaches the app", () => {
    const cliOutdir = path.join(tmp, "cli-out");
    process.env.CDKTF_OUTDIR = cliOutdir;
    let seen: unknown;
    synthesizeApp({
      outdir: path.join(tmp, "out"),
      context: { [REPO_ROOT_CONTEXT]: "/repo" },
      build: (app) => {
        seen = app.node.tryGetContext(REPO_ROOT_CONTEXT);
        expect(app.outdir).toBe(cliOutdir);
      },
    });
    expect(seen).toBe("/repo");
  });
});

describe("userErrorMessage", () => {
  test("a ConfigError: its message", () => {
    const error = thrownBy(() => validateEnvironmentConfig({ ...testEnvironmentConfig(), accountId: "1" }, "dev"));
    expect(error).toBeInstanceOf(ConfigError);
    expect(userErrorMessage(error)).toBe('invalid configuration for environment "dev" (1 problem):\n  dev.accountId: "1" is not a 12-digit AWS account id');
  });

  test("a ValidationError: its message, with the construct's path", () => {
    const stack = new TerraformStack(new App({ outdir: tmp }), "dev-network");
    const error = thrownBy(() => AwsEnvironment.of(new Construct(stack, "Vpc")));
    expect(error).toBeInstanceOf(ValidationError);
    expect(userErrorMessage(error)).toMatch(/^dev-network\/Vpc: no AWS environment is set for this construct; /);
  });

  test("cdktf's validation failure, without the hint on how to skip validations", () => {
    const error = new Error(
      "Validation failed with the following errors:\n  [prod-network/Vpc] first\n  [prod-network/Eks] second\n\n" +
        "If you wish to ignore these validations, pass 'skipValidation: true' to your App configuration.\n",
    );
    expect(userErrorMessage(error)).toBe("Validation failed with the following errors:\n  [prod-network/Vpc] first\n  [prod-network/Eks] second");
  });

  test("undefined for anything else, which is a bug", () => {
    expect(userErrorMessage(new Error("Cannot read properties of undefined (reading 'id')"))).toBeUndefined();
    expect(userErrorMessage(new TypeError("x is not a function"))).toBeUndefined();
    expect(userErrorMessage(new Error("Something. Validation failed with the following errors:"))).toBeUndefined();
    expect(userErrorMessage("Validation failed with the following errors:")).toBeUndefined();
    expect(userErrorMessage(undefined)).toBeUndefined();
  });
});

describe("token creation traces", () => {
  test("tokens made while synthesizing record no stack trace (formatting them was a quarter of synthesis time)", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-traces-"));
    let stack: unknown;
    synthesizeApp({
      outdir: path.join(outdir, "out"),
      build: () => {
        const token = Lazy.stringValue({ produce: () => "x" });
        stack = (Tokenization.reverseString(token).tokens[0] as unknown as { creationStack: string[] }).creationStack;
      },
    });
    expect(stack).toEqual([]);
    fs.rmSync(outdir, { recursive: true, force: true });
  });
});
