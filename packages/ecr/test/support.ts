// Shared helpers for the ECR tests (not a test file: jest only runs `*.test.ts`).
import {
  Role,
  testStack,
  type PlatformStack,
  type SynthesizedStack,
} from "@platform/core";

/** Generic synthesized-JSON helpers, shared by every package's tests. */
import { validationErrorOf, unchecked } from "@platform/core";
export { validationErrorOf, unchecked };
import { synthesizeWithOutputs as synth, resourcesOfType as resources, countOfType as count, singleOfType as single, terraformRef as ref } from "@platform/core";
export { synth, resources, count, single, ref };

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

/** Every resource address (`type.name`) in the stack, sorted. */
export function addresses(out: SynthesizedStack): string[] {
  return Object.entries(out.resource ?? {})
    .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
    .sort();
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

