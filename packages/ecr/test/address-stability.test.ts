// Terraform addresses (`<type>.<name>`) come from construct ids, which are public API: renaming
// an id makes Terraform destroy the repository, with every image in it, and create an empty one.
// These tests pin the addresses and check that adding repositories or cache rules only adds.
import { Construct } from "constructs";
import { Role, testStack, type SynthesizedStack } from "@platform/core";
import { Registry, Repository, type RegistryProps } from "../src";
import { ACCOUNT, OTHER_ACCOUNT, REGION, addresses, appRole, resources, synth, type Resource } from "./support";

function body(out: SynthesizedStack, address: string): Resource {
  const [type, name] = address.split(".");
  return resources(out, type)[name];
}

/** Every resource of `before` is in `after` at the same address with the same body. */
function expectKept(before: SynthesizedStack, after: SynthesizedStack): void {
  const afterAddresses = new Set(addresses(after));
  expect(addresses(before).filter((a) => !afterAddresses.has(a))).toEqual([]);
  for (const address of addresses(before)) {
    expect({ address, body: body(after, address) }).toEqual({ address, body: body(before, address) });
  }
}

function added(before: SynthesizedStack, after: SynthesizedStack): string[] {
  const old = new Set(addresses(before));
  return addresses(after).filter((a) => !old.has(a));
}

const SECRET = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:ecr-pullthroughcache/docker-hub-AbCdEf`;

describe("pinned Terraform addresses", () => {
  test("a Repository: Resource, LifecyclePolicy, Policy", () => {
    const stack = testStack();
    const repository = new Repository(stack, "api");
    repository.grantPull({ accountId: OTHER_ACCOUNT });
    expect(addresses(synth(stack).out)).toEqual([
      "aws_ecr_lifecycle_policy.api_LifecyclePolicy_49E57BE2",
      "aws_ecr_repository.api_C8550315",
      "aws_ecr_repository_policy.api_Policy_E3B6BF19",
    ]);
  });

  test("the README's example: a Repository with id payments-api", () => {
    const stack = testStack();
    new Repository(stack, "payments-api", { repositoryName: "payments/api" }).grantPull({ accountId: OTHER_ACCOUNT });
    expect(addresses(synth(stack).out)).toEqual([
      "aws_ecr_lifecycle_policy.payments-api_LifecyclePolicy_34380CDF",
      "aws_ecr_repository.payments-api_D2208F95",
      "aws_ecr_repository_policy.payments-api_Policy_1C6DB200",
    ]);
  });

  test("a Repository below another construct", () => {
    const stack = testStack();
    new Repository(new Construct(stack, "Repositories"), "team--api", { repositoryName: "team/api" });
    expect(addresses(synth(stack).out)).toEqual([
      "aws_ecr_lifecycle_policy.Repositories_team--api_LifecyclePolicy_E2677378",
      "aws_ecr_repository.Repositories_team--api_98AE23C7",
    ]);
  });

  test("a Registry: Scanning, Replication, Policy, PullThroughCache/<prefix>", () => {
    const stack = testStack();
    new Registry(stack, "Registry", {
      replication: [{ destinations: [{ region: "eu-central-1" }] }],
      replicationSources: [{ accountId: OTHER_ACCOUNT }],
      pullThroughCache: { k8s: { upstream: "k8s" }, "docker-hub": { upstream: "docker-hub", credentialArn: SECRET } },
    });
    expect(addresses(synth(stack).out)).toEqual([
      "aws_ecr_pull_through_cache_rule.Registry_PullThroughCache_docker-hub_5FC825D3",
      "aws_ecr_pull_through_cache_rule.Registry_PullThroughCache_k8s_255EE799",
      "aws_ecr_registry_policy.Registry_Policy_A22C660A",
      "aws_ecr_registry_scanning_configuration.Registry_Scanning_6CEAD07B",
      "aws_ecr_replication_configuration.Registry_Replication_D9FDE45D",
    ]);
  });

  test("a grant to a role adds the role's Policy, nothing under the repository", () => {
    const stack = testStack();
    new Repository(stack, "api").grantPull(appRole(stack));
    expect(addresses(synth(stack).out)).toEqual([
      "aws_ecr_lifecycle_policy.api_LifecyclePolicy_49E57BE2",
      "aws_ecr_repository.api_C8550315",
      "aws_iam_role.App_F1B96344",
      "aws_iam_role_policy.App_Policy_9B86470C",
    ]);
  });
});

describe("growing only adds", () => {
  function repositories(names: string[], grants = false): SynthesizedStack {
    const stack = testStack();
    const scope = new Construct(stack, "Repositories");
    const role = grants ? appRole(stack) : undefined;
    for (const name of names) {
      const repository = new Repository(scope, name);
      repository.grantPull({ accountId: OTHER_ACCOUNT });
      if (role) repository.grantPull(role);
    }
    return synth(stack).out;
  }

  test("adding a repository leaves the first one's resources as they are", () => {
    const before = repositories(["api"]);
    const after = repositories(["api", "web"]);
    expectKept(before, after);
    expect(added(before, after)).toEqual([
      "aws_ecr_lifecycle_policy.Repositories_web_LifecyclePolicy_667F6236",
      "aws_ecr_repository.Repositories_web_AFD22CEF",
      "aws_ecr_repository_policy.Repositories_web_Policy_D94E8312",
    ]);
  });

  test("adding a repository before the first one in code changes nothing either", () => {
    expectKept(repositories(["web"]), repositories(["api", "web"]));
  });

  test("adding a repository that a role pulls from adds a statement to the role's policy, in place", () => {
    const before = repositories(["api"], true);
    const after = repositories(["api", "web"], true);
    expect(addresses(after)).toEqual(expect.arrayContaining(addresses(before)));
    const [policyName] = Object.keys(resources(after, "aws_iam_role_policy"));
    expect(Object.keys(resources(before, "aws_iam_role_policy"))).toEqual([policyName]);
  });

  function registry(pullThroughCache: RegistryProps["pullThroughCache"]): SynthesizedStack {
    const stack = testStack();
    new Registry(stack, "Registry", { pullThroughCache });
    return synth(stack).out;
  }

  test("adding a pull-through cache rule leaves the others as they are", () => {
    const before = registry({ k8s: { upstream: "k8s" } });
    const after = registry({ "docker-hub": { upstream: "docker-hub", credentialArn: SECRET }, k8s: { upstream: "k8s" } });
    expectKept(before, after);
    expect(added(before, after)).toEqual(["aws_ecr_pull_through_cache_rule.Registry_PullThroughCache_docker-hub_5FC825D3"]);
  });

  test("turning on replication and sources adds their resources and keeps scanning", () => {
    const stack = testStack();
    new Registry(stack, "Registry", { replication: [{ destinations: [{ region: "eu-central-1" }] }], replicationSources: [{ accountId: OTHER_ACCOUNT }] });
    const after = synth(stack).out;
    const before = registry(undefined);
    expectKept(before, after);
  });

  test("a repository keeps its address next to a Registry and roles", () => {
    const stack = testStack();
    new Registry(stack, "Registry");
    Role.fromRoleArn(stack, "Existing", `arn:aws:iam::${ACCOUNT}:role/existing`);
    new Repository(stack, "api");
    expect(addresses(synth(stack).out)).toContain("aws_ecr_repository.api_C8550315");
  });
});
