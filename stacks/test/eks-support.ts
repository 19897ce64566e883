// Shared helpers for the tests of the EKS stacks (<env>-eks, <env>-eks-addons, <env>-eks-workloads).
// Not a test file: jest only runs `*.test.ts`.
import { Testing, TerraformStack, type App } from "cdktf";
import { resourcesOfType, testEnvironmentConfig, type EnvironmentConfig, type SynthesizedStack } from "@platform/core";
import { EksAddonsStack, EksStack, EksWorkloadsStack, buildEnvironment, type EnvironmentStacks } from "../src";

/** The account of `testEnvironmentConfig()`. */
export const ACCOUNT = "123456789012";
/** Two Route 53 hosted zone ids. */
export const ZONE = "Z0123456789ABCDEF";
export const OTHER_ZONE = "Z0FEDCBA987654321";
/** The remote states through which the other stacks of `test` read the network's and the cluster's outputs. */
export const NETWORK_STATE = "data.terraform_remote_state.cross-stack-reference-input-test-network";
export const EKS_STATE = "data.terraform_remote_state.cross-stack-reference-input-test-eks";

export type Resource = Record<string, unknown>;
export type Statement = Record<string, unknown>;
export type EksInput = NonNullable<EnvironmentConfig["eks"]>;
export type ServiceInput = NonNullable<EnvironmentConfig["services"]>[string];

/** The eks section of every test: Kubernetes 1.33, one node group `general` (m7g.large, 2 to 5 nodes). */
export const EKS: EksInput = { version: "1.33", nodeGroups: { general: { instanceTypes: ["m7g.large"], minSize: 2, maxSize: 5 } } };

/** Every stack of an environment with this eks section and `overrides`, in one app; an eks section adds the three EKS stacks. */
export function environment(eks: EksInput = EKS, overrides: Partial<EnvironmentConfig> = {}): { app: App; stacks: EnvironmentStacks } {
  const app = Testing.app();
  const stacks = buildEnvironment(app, testEnvironmentConfig({ eks, ...overrides }));
  expect(stacks.eks).toBeInstanceOf(EksStack);
  expect(stacks.eksAddons).toBeInstanceOf(EksAddonsStack);
  expect(stacks.eksWorkloads).toBeInstanceOf(EksWorkloadsStack);
  return { app, stacks };
}

/** Prepares every stack of the app as `app.synth()` does (cross-stack references resolved), then synthesizes the given ones. */
export function prepareAndSynth(app: App, ...stacks: TerraformStack[]): SynthesizedStack[] {
  app.node.findAll().filter(TerraformStack.isStack).forEach((s) => s.prepareStack());
  return stacks.map((stack) => JSON.parse(Testing.synth(stack, true)) as SynthesizedStack);
}

/** The resources of one type, keyed by their Terraform name (`resourcesOfType` of @platform/core). */
export const resources = resourcesOfType;

const underPrefix = (name: string, prefix: string) => name === prefix || name.startsWith(`${prefix}_`);

/** The one resource of a type whose Terraform name is the construct path `prefix` (`_`-joined), with or without a hash. */
export function resource(out: SynthesizedStack, type: string, prefix: string): Resource {
  const matches = Object.entries(resources(out, type)).filter(([name]) => underPrefix(name, prefix));
  expect(matches.map(([name]) => name)).toHaveLength(1);
  return matches[0][1];
}

/** The Terraform name of the one resource of a type under a construct path prefix. */
export function resourceKey(out: SynthesizedStack, type: string, prefix: string): string {
  const matches = Object.keys(resources(out, type)).filter((name) => underPrefix(name, prefix));
  expect(matches).toHaveLength(1);
  return matches[0];
}

/** The statements of a policy document (JSON text), parsed. */
export function statements(json: unknown): Statement[] {
  return (JSON.parse(json as string) as { Statement: Statement[] }).Statement;
}
