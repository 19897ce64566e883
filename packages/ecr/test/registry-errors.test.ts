// One test per error message a Registry throws, compared whole with the construct path prefix
// (`test-unit/Registry: ...` for a Registry with id `Registry` in `testStack()`).
import { Construct } from "constructs";
import { TerraformStack, Testing } from "cdktf";
import { testStack } from "@platform/core";
import { Registry, type RegistryProps } from "../src";
import { ACCOUNT, OTHER_ACCOUNT, REGION, STACK_PATH, unchecked, validationErrorOf } from "./support";

const REGISTRY = `${STACK_PATH}/Registry`;
const SECRET = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:ecr-pullthroughcache/docker-hub-AbCdEf`;

function errorOf(props: RegistryProps): string {
  return validationErrorOf(() => new Registry(testStack(), "Registry", props)).message;
}

describe("one Registry per stack", () => {
  test("a second Registry is refused", () => {
    const stack = testStack();
    new Registry(stack, "Registry");
    expect(validationErrorOf(() => new Registry(stack, "Second")).message).toBe(
      `${STACK_PATH}/Second: a stack may hold one Registry (there is one at ${REGISTRY}); registry settings are one per account and region`,
    );
  });

  test("also when it is nested elsewhere in the stack", () => {
    const stack = testStack();
    new Registry(new Construct(stack, "Shared"), "Registry");
    expect(validationErrorOf(() => new Registry(new Construct(stack, "Team"), "Registry")).message).toBe(
      `${STACK_PATH}/Team/Registry: a stack may hold one Registry (there is one at ${STACK_PATH}/Shared/Registry); registry settings are one per account and region`,
    );
  });

  test("Registries of two stacks are fine", () => {
    const app = Testing.app();
    new Registry(testStack({}, app), "Registry");
    expect(() => new Registry(testStack({ name: "other", region: "eu-central-1", availabilityZones: ["eu-central-1a"] }, app), "Registry")).not.toThrow();
  });

  test("a stack without an AWS environment", () => {
    const stack = new TerraformStack(Testing.app(), "bare");
    expect(validationErrorOf(() => new Registry(stack, "Registry")).message).toBe(
      "bare/Registry: no AWS environment is set for this construct; build it inside a PlatformStack, or call AwsEnvironment.set(stack, { environment, accountId, region }) first",
    );
  });
});

describe("scanning", () => {
  test("a bad scanType", () => {
    expect(errorOf({ scanning: { scanType: unchecked("INSPECTOR") } })).toBe(`${REGISTRY}: 'scanning.scanType' must be "BASIC" or "ENHANCED", got "INSPECTOR"`);
  });

  test("continuous scanning needs ENHANCED", () => {
    expect(errorOf({ scanning: { rules: [{ frequency: "SCAN_ON_PUSH", repositoryFilters: ["*"] }, { frequency: "CONTINUOUS_SCAN", repositoryFilters: ["prod/*"] }] } })).toBe(
      `${REGISTRY}: 'scanning.rules[1].frequency' must be one of SCAN_ON_PUSH, MANUAL with BASIC scanning, got "CONTINUOUS_SCAN"`,
    );
  });

  test("an unknown frequency with ENHANCED", () => {
    expect(errorOf({ scanning: { scanType: "ENHANCED", rules: [{ frequency: unchecked("DAILY"), repositoryFilters: ["*"] }] } })).toBe(
      `${REGISTRY}: 'scanning.rules[0].frequency' must be one of SCAN_ON_PUSH, CONTINUOUS_SCAN, MANUAL with ENHANCED scanning, got "DAILY"`,
    );
  });

  test("a rule without repository filters", () => {
    expect(errorOf({ scanning: { rules: [{ frequency: "SCAN_ON_PUSH", repositoryFilters: [] }] } })).toBe(
      `${REGISTRY}: 'scanning.rules[0].repositoryFilters' must hold at least one filter, such as "*"`,
    );
  });
});

describe("replication", () => {
  const elsewhere = { destinations: [{ region: "eu-central-1" }] };

  test("more than 10 rules", () => {
    expect(errorOf({ replication: Array.from({ length: 11 }, () => elsewhere) })).toBe(`${REGISTRY}: 'replication' may hold at most 10 rules, got 11`);
  });

  test("a rule without destinations", () => {
    expect(errorOf({ replication: [elsewhere, { destinations: [] }] })).toBe(`${REGISTRY}: 'replication[1].destinations' must hold at least one destination`);
  });

  test.each(["eu-west", "EU-WEST-1", "eu-west-1a", ""])("a destination region that is not one: %j", (region) => {
    expect(errorOf({ replication: [{ destinations: [{ region: "eu-central-1" }, { region }] }] })).toBe(
      `${REGISTRY}: 'replication[0].destinations[1].region' must be an AWS region, got ${JSON.stringify(region)}`,
    );
  });

  test.each(["12345", "arn:aws:iam::111122223333:root", "1111222233334"])("a destination account that is not one: %j", (accountId) => {
    expect(errorOf({ replication: [{ destinations: [{ region: "us-east-1", accountId }] }] })).toBe(
      `${REGISTRY}: 'replication[0].destinations[0].accountId' must be a 12-digit AWS account id, got ${JSON.stringify(accountId)}`,
    );
  });

  test("a destination that is this registry itself", () => {
    expect(errorOf({ replication: [{ destinations: [{ region: REGION }] }] })).toBe(
      `${REGISTRY}: 'replication[0].destinations[0]' is this registry itself (${ACCOUNT} in ${REGION}); replicate to another region or account`,
    );
    expect(errorOf({ replication: [elsewhere, { destinations: [{ region: REGION, accountId: ACCOUNT }] }] })).toBe(
      `${REGISTRY}: 'replication[1].destinations[0]' is this registry itself (${ACCOUNT} in ${REGION}); replicate to another region or account`,
    );
  });

  test.each(["-api", "a", "Prod", "prod*", "_base"])("a repository prefix that is not one: %j", (prefix) => {
    expect(errorOf({ replication: [{ ...elsewhere, repositoryPrefixes: ["prod", prefix] }] })).toBe(
      `${REGISTRY}: 'replication[0].repositoryPrefixes' holds ${JSON.stringify(prefix)}; a prefix is 2-256 of a-z0-9._/- starting with a letter or digit`,
    );
  });

  test("more than 25 destinations", () => {
    const accounts = Array.from({ length: 26 }, (_, i) => `2000000000${String(i).padStart(2, "0")}`);
    const replication = [0, 1].map((half) => ({
      destinations: accounts.slice(half * 13, half * 13 + 13).map((accountId) => ({ region: "us-east-1", accountId })),
    }));
    expect(errorOf({ replication })).toBe(`${REGISTRY}: 'replication' may name at most 25 destinations, got 26`);
  });
});

describe("replication sources", () => {
  test.each(["1234", "", "arn:aws:iam::111122223333:root"])("an account id that is not one: %j", (accountId) => {
    expect(errorOf({ replicationSources: [{ accountId: OTHER_ACCOUNT }, { accountId }] })).toBe(
      `${REGISTRY}: 'replicationSources[1].accountId' must be a 12-digit AWS account id, got ${JSON.stringify(accountId)}`,
    );
  });

  test("this registry's own account", () => {
    expect(errorOf({ replicationSources: [{ accountId: ACCOUNT }] })).toBe(
      `${REGISTRY}: 'replicationSources[0].accountId' is this registry's own account; only other accounts need the registry policy`,
    );
  });

  test("each account once", () => {
    expect(errorOf({ replicationSources: [{ accountId: OTHER_ACCOUNT }, { accountId: OTHER_ACCOUNT }] })).toBe(
      `${REGISTRY}: 'replicationSources[1].accountId' "${OTHER_ACCOUNT}" is listed twice; list each account once`,
    );
  });
});

describe("pull-through cache", () => {
  test.each(["Docker", "d", "-hub", "docker/hub", "a".repeat(31)])("a repository prefix that is not one: %j", (prefix) => {
    expect(errorOf({ pullThroughCache: { [prefix]: { upstream: "quay" } } })).toBe(
      `${REGISTRY}: 'pullThroughCache.${prefix}': the repository prefix must be 2-30 of a-z0-9._- starting with a letter or digit, got ${JSON.stringify(prefix)}`,
    );
  });

  test("an unknown upstream", () => {
    expect(errorOf({ pullThroughCache: { hub: { upstream: unchecked("dockerhub") } } })).toBe(
      `${REGISTRY}: 'pullThroughCache.hub'.upstream must be one of ecr-public, quay, k8s, docker-hub, github, gitlab, got "dockerhub"`,
    );
  });

  test.each(["docker-hub", "github", "gitlab"] as const)("%s needs a credential", (upstream) => {
    expect(errorOf({ pullThroughCache: { mirror: { upstream } } })).toBe(
      `${REGISTRY}: 'pullThroughCache.mirror'.credentialArn is required for ${upstream} (a Secrets Manager secret named ecr-pullthroughcache/...)`,
    );
  });

  test.each(["ecr-public", "quay", "k8s"] as const)("%s is public and takes no credential", (upstream) => {
    expect(errorOf({ pullThroughCache: { mirror: { upstream, credentialArn: SECRET } } })).toBe(
      `${REGISTRY}: 'pullThroughCache.mirror'.credentialArn is not used by ${upstream}, which is public; remove it`,
    );
  });

  test.each([
    `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:docker-hub-token`,
    "ecr-pullthroughcache/docker-hub",
    `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/ecr-pullthroughcache/docker-hub`,
  ])("a credential that is not an ecr-pullthroughcache/ secret ARN: %s", (credentialArn) => {
    expect(errorOf({ pullThroughCache: { "docker-hub": { upstream: "docker-hub", credentialArn } } })).toBe(
      `${REGISTRY}: 'pullThroughCache.docker-hub'.credentialArn must be a Secrets Manager secret ARN whose name starts with ecr-pullthroughcache/, got ${JSON.stringify(credentialArn)}`,
    );
  });
});
