import { App, TerraformOutput, Testing } from "cdktf";
import { PlatformStack } from "./platform-stack";
import { ValidationError } from "./validation-error";
import { validateEnvironmentConfig, type EnvironmentConfig, type ValidatedEnvironmentConfig } from "./environment-config";

/** A small, valid environment for tests; override what a test is about. */
export function testEnvironmentConfig(overrides: Partial<EnvironmentConfig> = {}): ValidatedEnvironmentConfig {
  const base: EnvironmentConfig = {
    name: "test",
    production: false,
    accountId: "123456789012",
    region: "eu-west-1",
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
    backend: { type: "local" },
    tags: { owner: "platform-team", costCenter: "cc-1234", repository: "github.com/acme/platform" },
    network: { cidr: "10.0.0.0/16", natGateways: "single" },
  };
  return validateEnvironmentConfig({ ...base, ...overrides }, "test");
}

/** A `PlatformStack` in a fresh test app, for construct tests. */
export function testStack(overrides: Partial<EnvironmentConfig> = {}, app: App = Testing.app()): PlatformStack {
  return new PlatformStack(app, "unit", { config: testEnvironmentConfig(overrides) });
}

/** A synthesized stack as Terraform JSON, with validations run. */
export interface SynthesizedStack {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, { value: unknown; description?: string; sensitive?: boolean }>;
  readonly provider?: Record<string, Record<string, unknown>[]>;
  readonly terraform?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/** Synthesizes a stack (running its validations) and parses the Terraform JSON. */
export function synthesizeStack(stack: PlatformStack): SynthesizedStack {
  return JSON.parse(Testing.synth(stack, true)) as SynthesizedStack;
}

/** The resources of one type in a synthesized stack, keyed by their Terraform name. */
export function resourcesOfType(synthesized: SynthesizedStack, type: string): Record<string, Record<string, unknown>> {
  return synthesized.resource?.[type] ?? {};
}

/**
 * Synthesizes a stack with a Terraform output for each entry of `outputs`, so that token-valued
 * attributes can be read back resolved (`${type.name.attr}`).
 */
export function synthesizeWithOutputs(
  stack: PlatformStack,
  outputs: Record<string, unknown> = {},
): { out: SynthesizedStack; outputs: Record<string, unknown> } {
  for (const [key, value] of Object.entries(outputs)) new TerraformOutput(stack, key, { value: value ?? null });
  const out = synthesizeStack(stack);
  const resolved: Record<string, unknown> = {};
  for (const key of Object.keys(outputs)) resolved[key] = out.output?.[key]?.value;
  return { out, outputs: resolved };
}

/** How many resources of one type a synthesized stack has. */
export function countOfType(synthesized: SynthesizedStack, type: string): number {
  return Object.keys(resourcesOfType(synthesized, type)).length;
}

/** The only resource of a type, with its Terraform name; throws unless there is exactly one. */
export function singleOfType(synthesized: SynthesizedStack, type: string): { name: string; resource: Record<string, unknown> } {
  const found = Object.entries(resourcesOfType(synthesized, type));
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}: ${found.map(([n]) => n).join(", ")}`);
  return { name: found[0][0], resource: found[0][1] };
}

/** A Terraform reference to a resource's attribute, as synthesized: `${type.name.attr}`. */
export function terraformRef(type: string, name: string, attribute = "id"): string {
  return `\${${type}.${name}.${attribute}}`;
}

/**
 * Runs `build` and returns the `ValidationError` it throws; throws when it throws nothing or
 * something else. Tests then compare the whole message, construct path included.
 */
export function validationErrorOf(build: () => unknown): ValidationError {
  let thrown: unknown;
  try {
    build();
  } catch (error) {
    thrown = error;
  }
  if (thrown === undefined) throw new Error("expected a ValidationError, but nothing was thrown");
  if (!(thrown instanceof ValidationError)) throw new Error(`expected a ValidationError, got ${String(thrown)}`);
  return thrown;
}

/** Bypasses prop types, to feed values that a JavaScript or JSON caller could pass. */
export function unchecked<T>(value: unknown): T {
  return value as T;
}
