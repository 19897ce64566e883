// Shared helpers for the VPC tests (not a test file: jest only runs `*.test.ts`).
import { TerraformOutput } from "cdktf";
import {
  synthesizeStack,
  testStack,
  type PlatformStack,
  type SubnetTier,
  type SynthesizedStack,
} from "@platform/core";
import { Vpc, type VpcProps } from "../src";

/** Generic synthesized-JSON helpers, shared by every package's tests. */
import { validationErrorOf } from "@platform/core";
export { validationErrorOf };
import { resourcesOfType as resources, countOfType as count, singleOfType as single, terraformRef as ref } from "@platform/core";
export { resources, count, single, ref };

/** The path of `testStack()`: `<environment>-<component>`, i.e. `test-unit`. */
export const STACK_PATH = "test-unit";
export const REGION = "eu-west-1";
export const ACCOUNT = "123456789012";
export const AZ_A = "eu-west-1a";
export const AZ_B = "eu-west-1b";
export const AZ_C = "eu-west-1c";

export type Resource = Record<string, unknown>;
type Tags = Record<string, string>;

/** The props every test starts from: a /16 in two zones, everything else at its default. */
export function baseProps(overrides: Partial<VpcProps> = {}): VpcProps {
  return { cidrBlock: "10.0.0.0/16", availabilityZones: [AZ_A, AZ_B], ...overrides };
}

export interface SynthesizedVpc {
  readonly stack: PlatformStack;
  readonly vpc: Vpc;
  readonly out: SynthesizedStack;
  /** The synthesized values of `outputs` (references come out as `${type.name.attr}`). */
  readonly outputs: Record<string, unknown>;
}

/**
 * Builds a `Vpc` with id `Vpc` in a fresh `testStack()`, adds a Terraform output for each entry
 * of `outputs(vpc)` (so that token-valued attributes can be read back resolved), and synthesizes.
 */
export function synthVpc(
  overrides: Partial<VpcProps> = {},
  outputs?: (vpc: Vpc) => Record<string, unknown>,
): SynthesizedVpc {
  const stack = testStack();
  const vpc = new Vpc(stack, "Vpc", baseProps(overrides));
  const wanted = outputs?.(vpc) ?? {};
  for (const [key, value] of Object.entries(wanted)) {
    new TerraformOutput(stack, key, { value: value ?? null });
  }
  const out = synthesizeStack(stack);
  const resolved: Record<string, unknown> = {};
  for (const key of Object.keys(wanted)) resolved[key] = out.output?.[key]?.value;
  return { stack, vpc, out, outputs: resolved };
}

/** Every resource address (`type.name`) in the stack, sorted. */
export function addresses(out: SynthesizedStack): string[] {
  return Object.entries(out.resource ?? {})
    .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
    .sort();
}

export function tagsOf(resource: Resource): Tags {
  return (resource.tags ?? {}) as Tags;
}

/** The one resource of a type that matches, by name and body; fails unless exactly one matches. */
export function findOne(
  out: SynthesizedStack,
  type: string,
  match: (resource: Resource, name: string) => boolean,
): { name: string; resource: Resource } {
  const found = Object.entries(resources(out, type)).filter(([name, resource]) => match(resource, name));
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${type} to match, found ${found.length}: ${found.map(([n]) => n).join(", ")}`);
  }
  return { name: found[0][0], resource: found[0][1] };
}

/** The subnet of a tier in a zone, found by its properties (zone and `Tier` tag). */
export function subnetOf(out: SynthesizedStack, tier: SubnetTier, zone: string): { name: string; resource: Resource } {
  return findOne(out, "aws_subnet", (s) => s.availability_zone === zone && tagsOf(s).Tier === tier);
}

/** The route table associated with the subnet of a tier in a zone (through its association). */
export function routeTableOf(out: SynthesizedStack, tier: SubnetTier, zone: string): { name: string; resource: Resource } {
  const subnet = subnetOf(out, tier, zone);
  const association = findOne(out, "aws_route_table_association", (a) => a.subnet_id === ref("aws_subnet", subnet.name));
  return findOne(out, "aws_route_table", (_, name) => association.resource.route_table_id === ref("aws_route_table", name));
}

/** The routes of the route table of a tier in a zone. */
export function routesOf(out: SynthesizedStack, tier: SubnetTier, zone: string): Resource[] {
  const table = routeTableOf(out, tier, zone);
  return Object.values(resources(out, "aws_route")).filter((r) => r.route_table_id === ref("aws_route_table", table.name));
}

/** The subnets of a tier, keyed by zone. */
export function subnetsOfTier(out: SynthesizedStack, tier: SubnetTier): Record<string, Resource> {
  const byZone: Record<string, Resource> = {};
  for (const subnet of Object.values(resources(out, "aws_subnet"))) {
    if (tagsOf(subnet).Tier === tier) byZone[subnet.availability_zone as string] = subnet;
  }
  return byZone;
}

/** A JSON policy document of a resource, parsed. */
export function policyOf(resource: Resource, attribute: string): PolicyDocument {
  return JSON.parse(resource[attribute] as string) as PolicyDocument;
}

export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Principal?: { AWS?: string; Service?: string };
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

