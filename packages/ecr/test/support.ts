// Shared helpers for the ECR tests (not a test file: jest only runs `*.test.ts`).
import { TerraformOutput } from "cdktf";
import {
  Role,
  ValidationError,
  resourcesOfType,
  synthesizeStack,
  testStack,
  type PlatformStack,
  type SynthesizedStack,
} from "@platform/core";

/** The path of `testStack()`: `<environment>-<component>`, i.e. `test-unit`. */
export const STACK_PATH = "test-unit";
/** The account and region of `testStack()`. */
export const ACCOUNT = "123456789012";
export const REGION = "eu-west-1";
/** Accounts of other environments. */
export const OTHER_ACCOUNT = "111122223333";
export const THIRD_ACCOUNT = "444455556666";

export type Resource = Record<string, unknown>;

/** A stack of a production environment (production refuses the local backend). */
export function productionStack(): PlatformStack {
  return testStack({ production: true, backend: { type: "s3", bucket: "b-tfstate" } });
}

/** A role of the stack's own account, as a service would have. */
export function appRole(stack: PlatformStack, id = "App"): Role {
  return new Role(stack, id, {
    assumeRoleStatements: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
  });
}

/** Synthesizes a stack, with a Terraform output for each entry of `outputs` (to read tokens back resolved). */
export function synth(stack: PlatformStack, outputs: Record<string, unknown> = {}): { out: SynthesizedStack; outputs: Record<string, unknown> } {
  for (const [key, value] of Object.entries(outputs)) new TerraformOutput(stack, key, { value });
  const out = synthesizeStack(stack);
  const resolved: Record<string, unknown> = {};
  for (const key of Object.keys(outputs)) resolved[key] = out.output?.[key]?.value;
  return { out, outputs: resolved };
}

/** Resources of one type, keyed by Terraform name. */
export function resources(out: SynthesizedStack, type: string): Record<string, Resource> {
  return resourcesOfType(out, type);
}

/** How many resources of one type there are. */
export function count(out: SynthesizedStack, type: string): number {
  return Object.keys(resources(out, type)).length;
}

/** The only resource of a type; fails if there is not exactly one. */
export function single(out: SynthesizedStack, type: string): { name: string; resource: Resource } {
  const found = Object.entries(resources(out, type));
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}: ${found.map(([n]) => n).join(", ")}`);
  return { name: found[0][0], resource: found[0][1] };
}

/** Every resource address (`type.name`) in the stack, sorted. */
export function addresses(out: SynthesizedStack): string[] {
  return Object.entries(out.resource ?? {})
    .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
    .sort();
}

/** A Terraform reference to an attribute of a resource: `${type.name.attr}`. */
export function ref(type: string, name: string, attribute: string): string {
  return `\${${type}.${name}.${attribute}}`;
}

export interface PolicyStatementJson {
  Sid?: string;
  Effect: string;
  Principal?: "*" | Record<string, string | string[]>;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatementJson[];
}

/** The `policy` JSON of a resource, parsed. */
export function policyOf(resource: Resource): PolicyDocument {
  return JSON.parse(resource.policy as string) as PolicyDocument;
}

/** The statements of the only resource of a type with a `policy`. */
export function statementsOf(out: SynthesizedStack, type: string): PolicyStatementJson[] {
  return policyOf(single(out, type).resource).Statement;
}

/**
 * Runs `build` and returns the `ValidationError` it throws; fails when it throws nothing or
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

/** Bypasses the prop types, to feed values a JavaScript or JSON caller could pass. */
export function unchecked<T>(value: unknown): T {
  return value as T;
}
