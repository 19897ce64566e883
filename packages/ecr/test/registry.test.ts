// What a Registry synthesizes: scanning, replication, the registry policy for replication
// sources, and pull-through cache rules.
import { TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AwsEnvironment, testStack } from "@platform/core";
import { PULL_THROUGH_UPSTREAMS, Registry, type PullThroughUpstream, type RegistryProps } from "../src";
import { ACCOUNT, OTHER_ACCOUNT, REGION, THIRD_ACCOUNT, count, policyOf, resources, single, synth } from "./support";

function synthRegistry(props: RegistryProps = {}) {
  const stack = testStack();
  new Registry(stack, "Registry", props);
  return synth(stack).out;
}

const SECRET = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:ecr-pullthroughcache/upstream-AbCdEf`;

describe("scanning", () => {
  test("default: BASIC, every repository scanned on push", () => {
    const out = synthRegistry();
    expect(single(out, "aws_ecr_registry_scanning_configuration").resource).toEqual({
      scan_type: "BASIC",
      rule: [{ scan_frequency: "SCAN_ON_PUSH", repository_filter: [{ filter: "*", filter_type: "WILDCARD" }] }],
    });
  });

  test("a default registry has nothing but the scanning configuration", () => {
    const out = synthRegistry();
    expect(Object.keys(out.resource ?? {})).toEqual(["aws_ecr_registry_scanning_configuration"]);
  });

  test("ENHANCED with continuous scanning of some repositories and scan on push of the others", () => {
    const out = synthRegistry({
      scanning: {
        scanType: "ENHANCED",
        rules: [
          { frequency: "CONTINUOUS_SCAN", repositoryFilters: ["prod/*", "base/*"] },
          { frequency: "SCAN_ON_PUSH", repositoryFilters: ["*"] },
        ],
      },
    });
    expect(single(out, "aws_ecr_registry_scanning_configuration").resource).toEqual({
      scan_type: "ENHANCED",
      rule: [
        {
          scan_frequency: "CONTINUOUS_SCAN",
          repository_filter: [
            { filter: "prod/*", filter_type: "WILDCARD" },
            { filter: "base/*", filter_type: "WILDCARD" },
          ],
        },
        { scan_frequency: "SCAN_ON_PUSH", repository_filter: [{ filter: "*", filter_type: "WILDCARD" }] },
      ],
    });
  });

  test("ENHANCED alone keeps the default rule", () => {
    const out = synthRegistry({ scanning: { scanType: "ENHANCED" } });
    expect(single(out, "aws_ecr_registry_scanning_configuration").resource).toEqual({
      scan_type: "ENHANCED",
      rule: [{ scan_frequency: "SCAN_ON_PUSH", repository_filter: [{ filter: "*", filter_type: "WILDCARD" }] }],
    });
  });

  test("BASIC with manual scanning", () => {
    const out = synthRegistry({ scanning: { rules: [{ frequency: "MANUAL", repositoryFilters: ["*"] }] } });
    expect(single(out, "aws_ecr_registry_scanning_configuration").resource.rule).toEqual([
      { scan_frequency: "MANUAL", repository_filter: [{ filter: "*", filter_type: "WILDCARD" }] },
    ]);
  });
});

describe("replication", () => {
  test("no replication configuration by default", () => {
    expect(count(synthRegistry(), "aws_ecr_replication_configuration")).toBe(0);
    expect(count(synthRegistry({ replication: [] }), "aws_ecr_replication_configuration")).toBe(0);
  });

  test("rules with destinations (registry defaulting to this account) and prefix filters", () => {
    const out = synthRegistry({
      replication: [
        { destinations: [{ region: "eu-central-1" }, { region: "us-east-1", accountId: OTHER_ACCOUNT }], repositoryPrefixes: ["prod", "base/"] },
        { destinations: [{ region: REGION, accountId: THIRD_ACCOUNT }] },
      ],
    });
    expect(single(out, "aws_ecr_replication_configuration").resource).toEqual({
      replication_configuration: {
        rule: [
          {
            destination: [
              { region: "eu-central-1", registry_id: ACCOUNT },
              { region: "us-east-1", registry_id: OTHER_ACCOUNT },
            ],
            repository_filter: [
              { filter: "prod", filter_type: "PREFIX_MATCH" },
              { filter: "base/", filter_type: "PREFIX_MATCH" },
            ],
          },
          { destination: [{ region: REGION, registry_id: THIRD_ACCOUNT }], repository_filter: [] },
        ],
      },
    });
  });

  test("10 rules and 25 destinations are the limits", () => {
    const accounts = Array.from({ length: 25 }, (_, i) => `2000000000${String(i).padStart(2, "0")}`);
    const replication = Array.from({ length: 10 }, (_, rule) => ({
      destinations: accounts.filter((_, i) => i % 10 === rule).map((accountId) => ({ region: "eu-central-1", accountId })),
    }));
    const out = synthRegistry({ replication });
    const rules = (single(out, "aws_ecr_replication_configuration").resource.replication_configuration as { rule: { destination: unknown[] }[] }).rule;
    expect(rules).toHaveLength(10);
    expect(rules.flatMap((r) => r.destination)).toHaveLength(25);
  });

  test("a destination named in several rules counts once towards the 25", () => {
    const accounts = Array.from({ length: 25 }, (_, i) => `2000000000${String(i).padStart(2, "0")}`);
    const destinations = accounts.map((accountId) => ({ region: "eu-central-1", accountId }));
    const out = synthRegistry({ replication: [{ destinations, repositoryPrefixes: ["prod"] }, { destinations, repositoryPrefixes: ["base"] }] });
    expect(count(out, "aws_ecr_replication_configuration")).toBe(1);
  });
});

describe("replication sources: the registry policy", () => {
  test("no registry policy by default", () => {
    expect(count(synthRegistry(), "aws_ecr_registry_policy")).toBe(0);
    expect(count(synthRegistry({ replicationSources: [] }), "aws_ecr_registry_policy")).toBe(0);
  });

  test("each source account may create repositories and replicate images into this registry", () => {
    const out = synthRegistry({ replicationSources: [{ accountId: OTHER_ACCOUNT }, { accountId: THIRD_ACCOUNT }] });
    expect(policyOf(single(out, "aws_ecr_registry_policy").resource)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: `ReplicationFrom${OTHER_ACCOUNT}`,
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` },
          Action: ["ecr:CreateRepository", "ecr:ReplicateImage"],
          Resource: [`arn:aws:ecr:${REGION}:${ACCOUNT}:repository/*`],
        },
        {
          Sid: `ReplicationFrom${THIRD_ACCOUNT}`,
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${THIRD_ACCOUNT}:root` },
          Action: ["ecr:CreateRepository", "ecr:ReplicateImage"],
          Resource: [`arn:aws:ecr:${REGION}:${ACCOUNT}:repository/*`],
        },
      ],
    });
  });

  test("ARNs follow the partition of the stack's region", () => {
    const stack = new TerraformStack(Testing.app(), "cn");
    AwsEnvironment.set(stack, { environment: "cn", accountId: ACCOUNT, region: "cn-north-1" });
    new AwsProvider(stack, "aws", { region: "cn-north-1" });
    new Registry(stack, "Registry", { replicationSources: [{ accountId: OTHER_ACCOUNT }] });
    const out = JSON.parse(Testing.synth(stack)) as Parameters<typeof single>[0];
    const [statement] = policyOf(single(out, "aws_ecr_registry_policy").resource).Statement;
    expect(statement.Principal).toEqual({ AWS: `arn:aws-cn:iam::${OTHER_ACCOUNT}:root` });
    expect(statement.Resource).toEqual([`arn:aws-cn:ecr:cn-north-1:${ACCOUNT}:repository/*`]);
  });
});

describe("pull-through cache", () => {
  const expectedUrls: Record<PullThroughUpstream, string> = {
    "ecr-public": "public.ecr.aws",
    quay: "quay.io",
    k8s: "registry.k8s.io",
    "docker-hub": "registry-1.docker.io",
    github: "ghcr.io",
    gitlab: "registry.gitlab.com",
  };
  const credentialed: PullThroughUpstream[] = ["docker-hub", "github", "gitlab"];

  test("the presets are exactly these upstreams", () => {
    expect(Object.keys(PULL_THROUGH_UPSTREAMS).sort()).toEqual(Object.keys(expectedUrls).sort());
  });

  test.each(Object.keys(expectedUrls) as PullThroughUpstream[])("%s: the upstream URL, and a credential where the upstream needs one", (upstream) => {
    const needsCredential = credentialed.includes(upstream);
    const out = synthRegistry({ pullThroughCache: { mirror: { upstream, ...(needsCredential ? { credentialArn: SECRET } : {}) } } });
    expect(single(out, "aws_ecr_pull_through_cache_rule").resource).toEqual({
      ecr_repository_prefix: "mirror",
      upstream_registry_url: expectedUrls[upstream],
      ...(needsCredential ? { credential_arn: SECRET } : {}),
    });
  });

  test("a rule per prefix", () => {
    const out = synthRegistry({
      pullThroughCache: {
        "docker-hub": { upstream: "docker-hub", credentialArn: SECRET },
        "ecr-public": { upstream: "ecr-public" },
        k8s: { upstream: "k8s" },
        "quay.io": { upstream: "quay" },
      },
    });
    const rules = Object.values(resources(out, "aws_ecr_pull_through_cache_rule"));
    expect(rules.map((r) => [r.ecr_repository_prefix, r.upstream_registry_url, r.credential_arn]).sort()).toEqual([
      ["docker-hub", "registry-1.docker.io", SECRET],
      ["ecr-public", "public.ecr.aws", undefined],
      ["k8s", "registry.k8s.io", undefined],
      ["quay.io", "quay.io", undefined],
    ]);
  });

  test("no rules by default", () => {
    expect(count(synthRegistry(), "aws_ecr_pull_through_cache_rule")).toBe(0);
    expect(count(synthRegistry({ pullThroughCache: {} }), "aws_ecr_pull_through_cache_rule")).toBe(0);
  });
});

describe("everything together", () => {
  test("one of each resource", () => {
    const out = synthRegistry({
      scanning: { scanType: "ENHANCED", rules: [{ frequency: "CONTINUOUS_SCAN", repositoryFilters: ["*"] }] },
      replication: [{ destinations: [{ region: "eu-central-1" }] }],
      replicationSources: [{ accountId: OTHER_ACCOUNT }],
      pullThroughCache: { "ecr-public": { upstream: "ecr-public" } },
    });
    expect(Object.fromEntries(Object.entries(out.resource ?? {}).map(([type, byName]) => [type, Object.keys(byName).length]))).toEqual({
      aws_ecr_registry_scanning_configuration: 1,
      aws_ecr_replication_configuration: 1,
      aws_ecr_registry_policy: 1,
      aws_ecr_pull_through_cache_rule: 1,
    });
  });
});
