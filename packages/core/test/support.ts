// Helpers shared by the configuration tests.
import { ConfigError, validateEnvironmentConfig } from "../src";

/**
 * `base` with settings replaced: keys are dotted paths (`network.cidr`), and `undefined` removes
 * the setting. Values are deliberately untyped: most are invalid.
 */
export function withChanges(base: object, changes: Record<string, unknown>): unknown {
  const config = structuredClone(base) as Record<string, unknown>;
  for (const [dotted, value] of Object.entries(changes)) {
    const parts = dotted.split(".");
    let target = config;
    for (const part of parts.slice(0, -1)) {
      if (typeof target[part] !== "object" || target[part] === null) target[part] = {};
      target = target[part] as Record<string, unknown>;
    }
    const last = parts[parts.length - 1];
    if (value === undefined) delete target[last];
    else target[last] = value;
  }
  return config;
}

/** Validates and returns the ConfigError; fails the test when the configuration is accepted. */
export function configError(input: unknown, label = "prod"): ConfigError {
  try {
    validateEnvironmentConfig(input, label);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected the configuration to be rejected");
}

/** The problem lines of an invalid configuration, checked against the error's whole message and paths. */
export function problemLines(input: unknown, label = "prod"): string[] {
  const error = configError(input, label);
  const lines = error.problems.map((p) => p.message);
  const count = lines.length === 1 ? "1 problem" : `${lines.length} problems`;
  expect(error.message).toBe([`invalid configuration for environment ${JSON.stringify(label)} (${count}):`, ...lines.map((l) => `  ${l}`)].join("\n"));
  error.problems.forEach((p) => expect(p.message.startsWith(`${p.path}: `)).toBe(true));
  return lines;
}
