// The arguments of `npm run deploy|destroy -- <environment> [options]`.
import { appliedCounts } from "../src/deploy";
import { parseDeployArgs } from "../src/deploy-cli";
import { UsageError } from "../src/workspace";

const USAGE = "usage: npm run deploy|destroy -- <environment> [--emulator-url <url>] [--state-dir <dir>] [--out <dir>] [--env-dir <dir>]";

/** The UsageError `parseDeployArgs` throws for `args`. */
function usageError(args: readonly string[], variables: NodeJS.ProcessEnv = {}): UsageError {
  try {
    parseDeployArgs(args, variables);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error(`expected a UsageError for ${JSON.stringify(args)}`);
}

describe("parseDeployArgs", () => {
  test("one environment, no options: defaults everywhere", () => {
    expect(parseDeployArgs(["local"], {})).toEqual({ env: "local", emulatorUrl: undefined, stateDir: undefined, outDir: undefined, envDir: undefined });
  });

  test("every option", () => {
    expect(
      parseDeployArgs(["--emulator-url", "http://127.0.0.1:5000", "local", "--state-dir", "/tmp/state", "--out", "/tmp/out"], {}),
    ).toEqual({ env: "local", emulatorUrl: "http://127.0.0.1:5000", stateDir: "/tmp/state", outDir: "/tmp/out", envDir: undefined });
  });

  test("AWS_EMULATOR_URL names the emulator when --emulator-url does not; the option wins; empty is unset", () => {
    expect(parseDeployArgs(["local"], { AWS_EMULATOR_URL: "http://localhost:4566" }).emulatorUrl).toBe("http://localhost:4566");
    expect(parseDeployArgs(["local", "--emulator-url", "http://127.0.0.1:5000"], { AWS_EMULATOR_URL: "http://localhost:4566" }).emulatorUrl).toBe(
      "http://127.0.0.1:5000",
    );
    expect(parseDeployArgs(["local"], { AWS_EMULATOR_URL: "" }).emulatorUrl).toBeUndefined();
  });

  test("reads process.env by default", () => {
    const saved = process.env.AWS_EMULATOR_URL;
    process.env.AWS_EMULATOR_URL = "http://127.0.0.1:4999";
    try {
      expect(parseDeployArgs(["local"]).emulatorUrl).toBe("http://127.0.0.1:4999");
    } finally {
      if (saved === undefined) delete process.env.AWS_EMULATOR_URL;
      else process.env.AWS_EMULATOR_URL = saved;
    }
  });

  test("--env-dir: an environment folder outside environments/, whose name is not looked up", () => {
    expect(parseDeployArgs(["copy-of-local", "--env-dir", "/tmp/envs/copy", "--state-dir", "/tmp/state"], {})).toEqual({
      env: "copy-of-local",
      emulatorUrl: undefined,
      stateDir: "/tmp/state",
      outDir: undefined,
      envDir: "/tmp/envs/copy",
    });
  });

  test("no environment", () => {
    expect(usageError([]).message).toBe(`no environment given (${USAGE})`);
    expect(usageError(["--out", "/tmp/out"]).message).toBe(`no environment given (${USAGE})`);
  });

  test("two environments", () => {
    expect(usageError(["local", "dev"]).message).toBe("one environment at a time, got local, dev");
    expect(usageError(["local", "nope", "dev"]).message).toBe("one environment at a time, got local, nope, dev");
  });

  test("an unknown option", () => {
    expect(usageError(["local", "--force"]).message).toBe(`unknown option "--force" (${USAGE})`);
    expect(usageError(["-y", "local"]).message).toBe(`unknown option "-y" (${USAGE})`);
    expect(usageError(["local", "--out=/tmp/out"]).message).toBe(`unknown option "--out=/tmp/out" (${USAGE})`);
  });

  test.each(["--emulator-url", "--state-dir", "--out", "--env-dir"])("%s without a value", (option) => {
    expect(usageError(["local", option]).message).toBe(`${option} needs a value (${USAGE})`);
    expect(usageError([option, "--out", "/tmp/out", "local"]).message).toBe(`${option} needs a value (${USAGE})`);
    expect(usageError(["local", option, ""]).message).toBe(`${option} needs a value (${USAGE})`);
  });

  test("an unknown environment lists the known ones", () => {
    expect(usageError(["nope"]).message).toBe('unknown environment "nope" (environments: dev, local, prod, staging)');
  });
});

describe("appliedCounts", () => {
  test("reads each stack's counts, also from lines where cdktf leaves the stack's name out", () => {
    const output = [
      "local-network  Plan: 40 to add, 0 to change, 0 to destroy.",
      "local-registry  Plan: 5 to add, 0 to change, 0 to destroy.",
      "",
      "1 Stack deploying     2 Stacks done     0 Stacks waiting",
      "                Apply complete! Resources: 5 added, 0 changed, 0 destroyed.",
      "local-network  Apply complete! Resources: 40 added, 1 changed, 2 destroyed.",
      "local-eks  No changes. Your infrastructure matches the configuration.",
      "local-eks  Apply complete! Resources: 0 added, 0 changed, 0 destroyed.",
    ].join("\n");
    expect(Object.fromEntries(appliedCounts(output, ["local-network", "local-registry", "local-eks"]))).toEqual({
      "local-registry": { added: 5, changed: 0, destroyed: 0 },
      "local-network": { added: 40, changed: 1, destroyed: 2 },
      "local-eks": { added: 0, changed: 0, destroyed: 0 },
    });
  });
});
