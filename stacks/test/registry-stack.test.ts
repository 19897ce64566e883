import { Testing, type App } from "cdktf";
import { PlatformStack, testEnvironmentConfig, type EnvironmentConfig, type SynthesizedStack } from "@platform/core";
import { Repository } from "@platform/ecr";
import { RegistryStack } from "../src";

const ACCOUNT = "123456789012";
const OTHER_ACCOUNT = "111122223333";
const THIRD_ACCOUNT = "444455556666";
const SECRET = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:ecr-pullthroughcache/docker-hub-AbCdEf`;
const PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];

type Resource = Record<string, unknown>;

function registryStack(ecr: EnvironmentConfig["ecr"], overrides: Partial<EnvironmentConfig> = {}, app: App = Testing.app()): RegistryStack {
  return new RegistryStack(app, testEnvironmentConfig({ ecr, ...overrides }));
}

function synth(stack: RegistryStack): SynthesizedStack {
  return JSON.parse(Testing.synth(stack, true)) as SynthesizedStack;
}

function resources(out: SynthesizedStack, type: string): Record<string, Resource> {
  return out.resource?.[type] ?? {};
}

/** The one resource of a type whose Terraform name starts with `prefix` (the construct path, `_`-joined). */
function resource(out: SynthesizedStack, type: string, prefix: string): Resource {
  const matches = Object.entries(resources(out, type)).filter(([name]) => name.startsWith(`${prefix}_`));
  expect(matches.map(([name]) => name)).toHaveLength(1);
  return matches[0][1];
}

/** The Terraform name of the one resource of a type under a construct path prefix. */
function resourceKey(out: SynthesizedStack, type: string, prefix: string): string {
  const matches = Object.keys(resources(out, type)).filter((name) => name.startsWith(`${prefix}_`));
  expect(matches).toHaveLength(1);
  return matches[0];
}

const untagged = (days: number, priority = 1) => ({
  rulePriority: priority,
  description: `expire untagged images after ${days} days`,
  selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: days },
  action: { type: "expire" },
});
const keepLast = (count: number, prefix: string, priority: number) => ({
  rulePriority: priority,
  description: `keep the last ${count} images tagged ${prefix}*`,
  selection: { tagStatus: "tagged", tagPrefixList: [prefix], countType: "imageCountMoreThan", countNumber: count },
  action: { type: "expire" },
});

describe("RegistryStack", () => {
  test("is named <env>-registry: the stack name is its state key and workspace, so it is public API", () => {
    expect(registryStack({}, { name: "qa" }).node.id).toBe("qa-registry");
    expect(registryStack({}).node.id).toBe("test-registry");
  });

  test("creates one repository per configured name, at Repositories/<name> with / written --", () => {
    const stack = registryStack({ repositories: { "orders-api": {}, "team/web": {}, "team/jobs/nightly": {} } });
    expect(Object.keys(stack.repositories)).toEqual(["orders-api", "team/web", "team/jobs/nightly"]);
    expect(stack.repositories["orders-api"].node.path).toBe("test-registry/Repositories/orders-api");
    expect(stack.repositories["team/web"].node.path).toBe("test-registry/Repositories/team--web");
    expect(stack.repositories["team/jobs/nightly"].node.path).toBe("test-registry/Repositories/team--jobs--nightly");
    for (const repository of Object.values(stack.repositories)) expect(repository).toBeInstanceOf(Repository);

    const out = synth(stack);
    expect(Object.keys(resources(out, "aws_ecr_repository"))).toHaveLength(3);
    expect(resource(out, "aws_ecr_repository", "Repositories_orders-api").name).toBe("orders-api");
    expect(resource(out, "aws_ecr_repository", "Repositories_team--web").name).toBe("team/web");
    expect(resource(out, "aws_ecr_repository", "Repositories_team--jobs--nightly").name).toBe("team/jobs/nightly");
  });

  test("repositories are safe by default: immutable tags, scan on push, KMS, no force delete", () => {
    const out = synth(registryStack({ repositories: { app: {} } }));
    expect(resource(out, "aws_ecr_repository", "Repositories_app")).toEqual({
      name: "app",
      image_tag_mutability: "IMMUTABLE",
      image_scanning_configuration: { scan_on_push: true },
      encryption_configuration: [{ encryption_type: "KMS" }],
      force_delete: false,
    });
  });

  test("passes each repository's settings through", () => {
    const kmsKeyArn = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const out = synth(registryStack({ repositories: { app: { imageTagMutability: "MUTABLE", scanOnPush: false, kmsKeyArn, forceDelete: true } } }));
    expect(resource(out, "aws_ecr_repository", "Repositories_app")).toEqual({
      name: "app",
      image_tag_mutability: "MUTABLE",
      image_scanning_configuration: { scan_on_push: false },
      encryption_configuration: [{ encryption_type: "KMS", kms_key: kmsKeyArn }],
      force_delete: true,
    });
  });

  test("the lifecycle policy expires untagged images after 14 days by default", () => {
    const out = synth(registryStack({ repositories: { app: {} } }));
    const policy = resource(out, "aws_ecr_lifecycle_policy", "Repositories_app_LifecyclePolicy");
    expect(policy.repository).toBe(`\${aws_ecr_repository.${resourceKey(out, "aws_ecr_repository", "Repositories_app")}.name}`);
    expect(JSON.parse(policy.policy as string)).toEqual({ rules: [untagged(14)] });
  });

  test("the lifecycle policy honours untaggedExpireAfterDays and keeps the last N images per tag prefix, in order", () => {
    const out = synth(registryStack({ repositories: { app: { untaggedExpireAfterDays: 30, keepLastPerTagPrefix: { "release-": 50, "pr-": 10 } }, web: { keepLastPerTagPrefix: { v: 5 } } } }));
    expect(JSON.parse(resource(out, "aws_ecr_lifecycle_policy", "Repositories_app_LifecyclePolicy").policy as string)).toEqual({
      rules: [untagged(30), keepLast(50, "release-", 2), keepLast(10, "pr-", 3)],
    });
    expect(JSON.parse(resource(out, "aws_ecr_lifecycle_policy", "Repositories_web_LifecyclePolicy").policy as string)).toEqual({
      rules: [untagged(14), keepLast(5, "v", 2)],
    });
  });

  test("pullAccounts give each account's root principal pull access through the repository policy", () => {
    const out = synth(registryStack({ repositories: { app: { pullAccounts: [OTHER_ACCOUNT, THIRD_ACCOUNT] }, web: {} } }));
    const policies = resources(out, "aws_ecr_repository_policy");
    expect(Object.keys(policies)).toHaveLength(1);
    const policy = resource(out, "aws_ecr_repository_policy", "Repositories_app_Policy");
    expect(policy.repository).toBe(`\${aws_ecr_repository.${resourceKey(out, "aws_ecr_repository", "Repositories_app")}.name}`);
    expect(JSON.parse(policy.policy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: `Pull${OTHER_ACCOUNT}`, Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Action: PULL_ACTIONS },
        { Sid: `Pull${THIRD_ACCOUNT}`, Effect: "Allow", Principal: { AWS: `arn:aws:iam::${THIRD_ACCOUNT}:root` }, Action: PULL_ACTIONS },
      ],
    });
  });

  test("without an ecr section it holds only the registry's default scanning, and empty outputs", () => {
    const stack = new RegistryStack(Testing.app(), testEnvironmentConfig());
    expect(stack.repositories).toEqual({});
    const out = synth(stack);
    expect(Object.keys(out.resource ?? {})).toEqual(["aws_ecr_registry_scanning_configuration"]);
    expect(out.output?.repository_urls.value).toEqual({});
    expect(out.output?.repository_arns.value).toEqual({});
  });

  test("registry scanning is BASIC on push for every repository by default", () => {
    const out = synth(registryStack({}));
    expect(Object.values(resources(out, "aws_ecr_registry_scanning_configuration"))).toEqual([
      { scan_type: "BASIC", rule: [{ scan_frequency: "SCAN_ON_PUSH", repository_filter: [{ filter: "*", filter_type: "WILDCARD" }] }] },
    ]);
  });

  test("passes the registry's scanning, replication, replication sources and pull-through cache through", () => {
    const stack = registryStack({
      scanning: { type: "ENHANCED", frequency: "CONTINUOUS_SCAN" },
      replication: [
        { destinations: [{ region: "eu-central-1" }, { region: "eu-west-1", accountId: OTHER_ACCOUNT }], repositoryPrefixes: ["team/"] },
        { destinations: [{ region: "us-east-1", accountId: THIRD_ACCOUNT }] },
      ],
      replicationSources: [{ accountId: OTHER_ACCOUNT }, { accountId: THIRD_ACCOUNT }],
      pullThroughCache: { "docker-hub": { upstream: "docker-hub", credentialArn: SECRET }, "ecr-public": { upstream: "ecr-public" } },
    });
    expect(stack.registry.node.path).toBe("test-registry/Registry");
    const out = synth(stack);

    expect(Object.values(resources(out, "aws_ecr_registry_scanning_configuration"))).toEqual([
      { scan_type: "ENHANCED", rule: [{ scan_frequency: "CONTINUOUS_SCAN", repository_filter: [{ filter: "*", filter_type: "WILDCARD" }] }] },
    ]);

    expect(Object.values(resources(out, "aws_ecr_replication_configuration"))).toEqual([
      {
        replication_configuration: {
          rule: [
            {
              destination: [
                { region: "eu-central-1", registry_id: ACCOUNT },
                { region: "eu-west-1", registry_id: OTHER_ACCOUNT },
              ],
              repository_filter: [{ filter: "team/", filter_type: "PREFIX_MATCH" }],
            },
            { destination: [{ region: "us-east-1", registry_id: THIRD_ACCOUNT }], repository_filter: [] },
          ],
        },
      },
    ]);

    const registryPolicies = Object.values(resources(out, "aws_ecr_registry_policy"));
    expect(registryPolicies).toHaveLength(1);
    expect(JSON.parse(registryPolicies[0].policy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: `ReplicationFrom${OTHER_ACCOUNT}`,
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` },
          Action: ["ecr:CreateRepository", "ecr:ReplicateImage"],
          Resource: [`arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/*`],
        },
        {
          Sid: `ReplicationFrom${THIRD_ACCOUNT}`,
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${THIRD_ACCOUNT}:root` },
          Action: ["ecr:CreateRepository", "ecr:ReplicateImage"],
          Resource: [`arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/*`],
        },
      ],
    });

    expect(resource(out, "aws_ecr_pull_through_cache_rule", "Registry_PullThroughCache_docker-hub")).toEqual({
      ecr_repository_prefix: "docker-hub",
      upstream_registry_url: "registry-1.docker.io",
      credential_arn: SECRET,
    });
    expect(resource(out, "aws_ecr_pull_through_cache_rule", "Registry_PullThroughCache_ecr-public")).toEqual({
      ecr_repository_prefix: "ecr-public",
      upstream_registry_url: "public.ecr.aws",
    });
  });

  test("no replication, registry policy or pull-through cache unless configured", () => {
    const out = synth(registryStack({ repositories: { app: {} } }));
    expect(resources(out, "aws_ecr_replication_configuration")).toEqual({});
    expect(resources(out, "aws_ecr_registry_policy")).toEqual({});
    expect(resources(out, "aws_ecr_pull_through_cache_rule")).toEqual({});
    expect(resources(out, "aws_ecr_repository_policy")).toEqual({});
  });

  test("outputs each repository's URL and ARN, keyed by repository name", () => {
    const out = synth(registryStack({ repositories: { app: {}, "team/web": {} } }));
    const app = resourceKey(out, "aws_ecr_repository", "Repositories_app");
    const web = resourceKey(out, "aws_ecr_repository", "Repositories_team--web");
    expect(out.output?.repository_urls).toEqual({
      value: { app: `\${aws_ecr_repository.${app}.repository_url}`, "team/web": `\${aws_ecr_repository.${web}.repository_url}` },
      description: "Image repository URLs by repository name",
    });
    expect(out.output?.repository_arns).toEqual({
      value: { app: `\${aws_ecr_repository.${app}.arn}`, "team/web": `\${aws_ecr_repository.${web}.arn}` },
      description: "Repository ARNs by repository name",
    });
  });
});

describe("RegistryStack.imageRepository", () => {
  /** A registry and a stack of the same environment that consumes its images. */
  function withConsumer(ecr: EnvironmentConfig["ecr"]): { registry: RegistryStack; consumer: PlatformStack } {
    const app = Testing.app();
    const config = testEnvironmentConfig({ ecr });
    return { registry: new RegistryStack(app, config), consumer: new PlatformStack(app, "service", { config }) };
  }

  test("is the environment's own repository when it has one", () => {
    const { registry, consumer } = withConsumer({ repositories: { app: {} } });
    expect(registry.imageRepository(consumer, "app")).toBe(registry.repositories.app);
    expect(consumer.node.tryFindChild("Image-app")).toBeUndefined();
  });

  test("is a repository of this account and region, by name, when the environment does not own it", () => {
    const { registry, consumer } = withConsumer({ repositories: { app: {} } });
    const image = registry.imageRepository(consumer, "team/shared");
    expect(image).not.toBeInstanceOf(Repository);
    expect(image).toMatchObject({
      repositoryName: "team/shared",
      registryId: ACCOUNT,
      repositoryArn: `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/team/shared`,
      repositoryUrl: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/team/shared`,
    });
    expect((image as unknown as PlatformStack).node.path).toBe("test-service/Image-team--shared");
  });

  test("is the repository in ecr.imageSource's account and region when images are built elsewhere, even one of the same name here", () => {
    const { registry, consumer } = withConsumer({ repositories: { app: {} }, imageSource: { accountId: OTHER_ACCOUNT, region: "eu-central-1" } });
    for (const name of ["app", "web"]) {
      const image = registry.imageRepository(consumer, name);
      expect(image).not.toBe(registry.repositories[name]);
      expect(image).toMatchObject({
        repositoryName: name,
        registryId: OTHER_ACCOUNT,
        repositoryArn: `arn:aws:ecr:eu-central-1:${OTHER_ACCOUNT}:repository/${name}`,
        repositoryUrl: `${OTHER_ACCOUNT}.dkr.ecr.eu-central-1.amazonaws.com/${name}`,
      });
    }
  });
});
