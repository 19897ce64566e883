import { App, Testing } from "cdktf";
import { PlatformStack } from "./platform-stack";
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
