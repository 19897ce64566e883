import { PULL_THROUGH_UPSTREAM_NAMES, validateEnvironmentConfig, type EnvironmentConfig } from "../src";
import { problemLines, withChanges } from "./support";

// The `ecr` and `ci` sections of an environment's configuration: every message, exactly.

const ACCOUNT = "123456789012";
const OTHER_ACCOUNT = "111122223333";
const SECRET = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:ecr-pullthroughcache/docker-hub-AbCdEf`;

/** A valid, minimal configuration; every test changes only what it is about. */
function baseConfig(): EnvironmentConfig {
  return {
    name: "prod",
    production: false,
    accountId: ACCOUNT,
    region: "eu-west-1",
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
    backend: { type: "local" },
    tags: { owner: "platform-team", costCenter: "cc-1234", repository: "github.com/acme/platform" },
    network: { cidr: "10.0.0.0/16", natGateways: "single" },
  };
}

/** The base configuration with settings replaced (see `withChanges`). */
const configWith = (changes: Record<string, unknown>): unknown => withChanges(baseConfig(), changes);


const REPOSITORY_NAME = "an ECR repository name (2-256 lower-case letters and digits, separated by . _ - and /)";
const REPOSITORY_SETTINGS = "imageTagMutability, scanOnPush, kmsKeyArn, untaggedExpireAfterDays, keepLastPerTagPrefix, forceDelete, pullAccounts";
const ECR_SETTINGS = "repositories, scanning, replication, imageSource, replicationSources, pullThroughCache";
const CI_SETTINGS = "repository, defaultBranch, deployEnvironment, oidcProvider, imagePush";
const UPSTREAMS = '"ecr-public", "quay", "k8s", "docker-hub", "github", "gitlab"';
const TOO_BROAD_BRANCH = '"*" matches every branch or environment; name them (wildcards inside a name, such as release/*, are fine)';

/** One repository's settings, under `ecr.repositories.app`. */
const repo = (settings: unknown) => ({ ecr: { repositories: { app: settings } } });

describe("ecr and ci: valid configurations", () => {
  test("a configuration using every ecr and ci setting passes unchanged", () => {
    const input: EnvironmentConfig = {
      ...baseConfig(),
      production: true,
      backend: { type: "s3", bucket: "acme-terraform-state" },
      ecr: {
        repositories: {
          "orders-api": {
            imageTagMutability: "MUTABLE",
            scanOnPush: false,
            kmsKeyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
            untaggedExpireAfterDays: 3650,
            keepLastPerTagPrefix: { "release-": 50, "pr-": 10, v1_2: 10000 },
            forceDelete: false,
            pullAccounts: [OTHER_ACCOUNT, "444455556666"],
          },
          "team/web.frontend": {},
          "a__b--c/d_e": { untaggedExpireAfterDays: 1, keepLastPerTagPrefix: {} },
        },
        scanning: { type: "ENHANCED", frequency: "CONTINUOUS_SCAN" },
        replication: [
          { destinations: [{ region: "eu-central-1" }, { region: "eu-west-1", accountId: OTHER_ACCOUNT }], repositoryPrefixes: ["team/", "orders-api"] },
          { destinations: [{ region: "us-east-1", accountId: "444455556666" }] },
        ],
        imageSource: { accountId: OTHER_ACCOUNT, region: "eu-west-1" },
        replicationSources: [{ accountId: OTHER_ACCOUNT }, { accountId: "444455556666" }],
        pullThroughCache: {
          "docker-hub": { upstream: "docker-hub", credentialArn: SECRET },
          "ecr-public": { upstream: "ecr-public" },
          k8s: { upstream: "k8s" },
        },
      },
      ci: {
        repository: "acme/container-platform",
        defaultBranch: "trunk",
        deployEnvironment: "production",
        oidcProvider: "existing",
        imagePush: {
          "acme/orders-api": { repositories: ["orders-api"], branches: ["main", "release/*"], environments: ["build"] },
          "acme/web": { repositories: ["team/web.frontend", "orders-api"] },
          "acme/*": { repositories: ["orders-api"], branches: ["main"] },
        },
      },
    };
    expect(validateEnvironmentConfig(input, "prod")).toEqual(input);
  });

  test.each([
    ["an empty ecr section", { ecr: {} }],
    ["a repository with no settings", repo({})],
    ["BASIC scanning on push", { ecr: { scanning: { type: "BASIC", frequency: "SCAN_ON_PUSH" } } }],
    ["ENHANCED scanning on push", { ecr: { scanning: { type: "ENHANCED" } } }],
    ["replication to another region of this account", { ecr: { replication: [{ destinations: [{ region: "eu-central-1" }] }] } }],
    ["replication to another account in this region", { ecr: { replication: [{ destinations: [{ region: "eu-west-1", accountId: OTHER_ACCOUNT }] }] } }],
    ["a repository beside a pull-through prefix that only starts the same", { ecr: { repositories: { "docker-hubby": {}, "docker-hub-mirror/x": {} }, pullThroughCache: { "docker-hub": { upstream: "docker-hub", credentialArn: SECRET } } } }],
    ["every public upstream without a credential", { ecr: { pullThroughCache: { "ecr-public": { upstream: "ecr-public" }, quay: { upstream: "quay" }, k8s: { upstream: "k8s" } } } }],
    ["a minimal ci section", { ci: { repository: "acme/platform" } }],
    ["ci creating the OIDC provider explicitly", { ci: { repository: "acme/platform", oidcProvider: "create" } }],
    ["image push by environment only", { ecr: { repositories: { app: {} } }, ci: { repository: "acme/platform", imagePush: { "acme/app": { repositories: ["app"], branches: [], environments: ["build"] } } } }],
    ["image push for an organization on named environments", { ecr: { repositories: { app: {} } }, ci: { repository: "acme/platform", imagePush: { "acme/*": { repositories: ["app"], branches: [], environments: ["build"] } } } }],
  ])("%s passes", (_what, changes) => {
    expect(() => validateEnvironmentConfig(configWith(changes), "prod")).not.toThrow();
  });

  test.each(PULL_THROUGH_UPSTREAM_NAMES.filter((u) => ["docker-hub", "github", "gitlab"].includes(u)))("%s passes with a credential", (upstream) => {
    expect(() => validateEnvironmentConfig(configWith({ ecr: { pullThroughCache: { mirror: { upstream, credentialArn: SECRET } } } }), "prod")).not.toThrow();
  });
});

describe("ecr: one message per problem with a setting's shape", () => {
  test.each<[string, Record<string, unknown>, string[]]>([
    ["ecr not an object", { ecr: "registry" }, [`prod.ecr: "registry" is not an object (allowed settings: ${ECR_SETTINGS})`]],
    ["an unknown ecr setting", { "ecr.repos": {} }, [`prod.ecr.repos: is not a setting here (allowed: ${ECR_SETTINGS})`]],
    ["repositories not a map", { "ecr.repositories": ["app"] }, ['prod.ecr.repositories: ["app"] is not a map of repository name to repository settings']],
    [
      "repository names against ECR's pattern",
      { ecr: { repositories: { Bad: {}, a: {}, "-app": {}, "app/": {}, "team//app": {}, "app.": {}, [`a${"b".repeat(256)}`]: {} } } },
      [
        `prod.ecr.repositories.Bad: "Bad" is not ${REPOSITORY_NAME}`,
        `prod.ecr.repositories.a: "a" is not ${REPOSITORY_NAME}`,
        `prod.ecr.repositories.-app: "-app" is not ${REPOSITORY_NAME}`,
        `prod.ecr.repositories.app/: "app/" is not ${REPOSITORY_NAME}`,
        `prod.ecr.repositories.team//app: "team//app" is not ${REPOSITORY_NAME}`,
        `prod.ecr.repositories.app.: "app." is not ${REPOSITORY_NAME}`,
        `prod.ecr.repositories.a${"b".repeat(256)}: "a${"b".repeat(256)}" is not ${REPOSITORY_NAME}`,
      ],
    ],
    ["a repository's settings not an object", repo("immutable"), [`prod.ecr.repositories.app: "immutable" is not an object (allowed settings: ${REPOSITORY_SETTINGS})`]],
    ["an unknown repository setting", repo({ mutable: true }), [`prod.ecr.repositories.app.mutable: is not a setting here (allowed: ${REPOSITORY_SETTINGS})`]],
    [
      "imageTagMutability outside its enum",
      repo({ imageTagMutability: "mutable" }),
      ['prod.ecr.repositories.app.imageTagMutability: "mutable" is not allowed (a tag mutability: "IMMUTABLE", "MUTABLE")'],
    ],
    ["scanOnPush not a boolean", repo({ scanOnPush: "yes" }), ['prod.ecr.repositories.app.scanOnPush: "yes" is not true or false: scan images on push']],
    [
      "kmsKeyArn an alias or an id",
      { ecr: { repositories: { app: { kmsKeyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:alias/ecr` }, web: { kmsKeyArn: "1234abcd" } } } },
      [
        `prod.ecr.repositories.app.kmsKeyArn: "arn:aws:kms:eu-west-1:${ACCOUNT}:alias/ecr" is not a KMS key ARN`,
        'prod.ecr.repositories.web.kmsKeyArn: "1234abcd" is not a KMS key ARN',
      ],
    ],
    [
      "untaggedExpireAfterDays out of range, fractional or a string",
      { ecr: { repositories: { app: { untaggedExpireAfterDays: 0 }, web: { untaggedExpireAfterDays: 3651 }, api: { untaggedExpireAfterDays: 1.5 }, job: { untaggedExpireAfterDays: "14" } } } },
      [
        "prod.ecr.repositories.app.untaggedExpireAfterDays: 0 is not a number of days, a whole number from 1 to 3650",
        "prod.ecr.repositories.web.untaggedExpireAfterDays: 3651 is not a number of days, a whole number from 1 to 3650",
        "prod.ecr.repositories.api.untaggedExpireAfterDays: 1.5 is not a number of days, a whole number from 1 to 3650",
        'prod.ecr.repositories.job.untaggedExpireAfterDays: "14" is not a number of days, a whole number from 1 to 3650',
      ],
    ],
    [
      "keepLastPerTagPrefix keys and counts",
      repo({ keepLastPerTagPrefix: { "release ": 5, "v*": 5, "pr-": 0, "rc-": 10001, "dev-": 2.5, "nightly-": "7" } }),
      [
        'prod.ecr.repositories.app.keepLastPerTagPrefix.release : "release " is not a tag prefix (1-128 of A-Za-z0-9_.-)',
        'prod.ecr.repositories.app.keepLastPerTagPrefix.v*: "v*" is not a tag prefix (1-128 of A-Za-z0-9_.-)',
        "prod.ecr.repositories.app.keepLastPerTagPrefix.pr-: 0 is not an image count, a whole number from 1 to 10000",
        "prod.ecr.repositories.app.keepLastPerTagPrefix.rc-: 10001 is not an image count, a whole number from 1 to 10000",
        "prod.ecr.repositories.app.keepLastPerTagPrefix.dev-: 2.5 is not an image count, a whole number from 1 to 10000",
        'prod.ecr.repositories.app.keepLastPerTagPrefix.nightly-: "7" is not an image count, a whole number from 1 to 10000',
      ],
    ],
    ["keepLastPerTagPrefix not a map", repo({ keepLastPerTagPrefix: ["release-"] }), ['prod.ecr.repositories.app.keepLastPerTagPrefix: ["release-"] is not a map of tag prefix to image count']],
    ["forceDelete not a boolean", repo({ forceDelete: "no" }), ['prod.ecr.repositories.app.forceDelete: "no" is not true or false: delete the repository with its images']],
    [
      "pullAccounts entries",
      repo({ pullAccounts: ["1234", 111122223333, "11112222333a"] }),
      [
        'prod.ecr.repositories.app.pullAccounts[0]: "1234" is not a 12-digit AWS account id',
        "prod.ecr.repositories.app.pullAccounts[1]: 111122223333 is not a 12-digit AWS account id",
        'prod.ecr.repositories.app.pullAccounts[2]: "11112222333a" is not a 12-digit AWS account id',
      ],
    ],
    ["pullAccounts not a list", repo({ pullAccounts: OTHER_ACCOUNT }), [`prod.ecr.repositories.app.pullAccounts: "${OTHER_ACCOUNT}" is not a list of 12-digit AWS account ids`]],
    ["scanning not an object", { "ecr.scanning": "BASIC" }, ['prod.ecr.scanning: "BASIC" is not an object (allowed settings: type, frequency)']],
    [
      "scanning type and frequency outside their enums",
      { "ecr.scanning": { type: "INSPECTOR", frequency: "MANUAL" } },
      [
        'prod.ecr.scanning.type: "INSPECTOR" is not allowed (a scan type: "BASIC", "ENHANCED")',
        'prod.ecr.scanning.frequency: "MANUAL" is not allowed (a scan frequency: "SCAN_ON_PUSH", "CONTINUOUS_SCAN")',
      ],
    ],
    ["an unknown scanning setting", { "ecr.scanning": { rules: [] } }, ["prod.ecr.scanning.rules: is not a setting here (allowed: type, frequency)"]],
    ["replication not a list", { "ecr.replication": { destinations: [] } }, ['prod.ecr.replication: {"destinations":[]} is not a list of replication rules']],
    ["a replication rule not an object", { "ecr.replication": ["eu-central-1"] }, ['prod.ecr.replication[0]: "eu-central-1" is not an object (allowed settings: destinations, repositoryPrefixes)']],
    ["replication destinations missing", { "ecr.replication": [{}] }, ["prod.ecr.replication[0].destinations: is required (a list of destinations)"]],
    ["replication destinations empty", { "ecr.replication": [{ destinations: [] }] }, ["prod.ecr.replication[0].destinations: [] is not a list of at least one destination"]],
    ["replication destinations not a list", { "ecr.replication": [{ destinations: "eu-central-1" }] }, ['prod.ecr.replication[0].destinations: "eu-central-1" is not a list of destinations']],
    [
      "a replication destination's region and account",
      { "ecr.replication": [{ destinations: [{ region: "eu-central", accountId: "1234" }, { accountId: OTHER_ACCOUNT }, "eu-central-1"] }] },
      [
        'prod.ecr.replication[0].destinations[0].region: "eu-central" is not an AWS region such as eu-west-1',
        'prod.ecr.replication[0].destinations[0].accountId: "1234" is not a 12-digit AWS account id',
        "prod.ecr.replication[0].destinations[1].region: is required (an AWS region such as eu-west-1)",
        'prod.ecr.replication[0].destinations[2]: "eu-central-1" is not an object (allowed settings: region, accountId)',
      ],
    ],
    [
      "an unknown replication destination setting",
      { "ecr.replication": [{ destinations: [{ region: "eu-central-1", registryId: OTHER_ACCOUNT }] }] },
      ["prod.ecr.replication[0].destinations[0].registryId: is not a setting here (allowed: region, accountId)"],
    ],
    [
      "repositoryPrefixes entries",
      { "ecr.replication": [{ destinations: [{ region: "eu-central-1" }], repositoryPrefixes: ["Team/", "a", "/team"] }] },
      [
        'prod.ecr.replication[0].repositoryPrefixes[0]: "Team/" is not a repository name prefix (2-256 of a-z0-9._/-, starting with a letter or digit)',
        'prod.ecr.replication[0].repositoryPrefixes[1]: "a" is not a repository name prefix (2-256 of a-z0-9._/-, starting with a letter or digit)',
        'prod.ecr.replication[0].repositoryPrefixes[2]: "/team" is not a repository name prefix (2-256 of a-z0-9._/-, starting with a letter or digit)',
      ],
    ],
    [
      "repositoryPrefixes not a list",
      { "ecr.replication": [{ destinations: [{ region: "eu-central-1" }], repositoryPrefixes: "team/" }] },
      ['prod.ecr.replication[0].repositoryPrefixes: "team/" is not a list of repository name prefixes'],
    ],
    ["imageSource not an object", { "ecr.imageSource": OTHER_ACCOUNT }, [`prod.ecr.imageSource: "${OTHER_ACCOUNT}" is not an object (allowed settings: accountId, region)`]],
    [
      "imageSource missing both settings",
      { "ecr.imageSource": {} },
      ["prod.ecr.imageSource.accountId: is required (a 12-digit AWS account id)", "prod.ecr.imageSource.region: is required (an AWS region such as eu-west-1)"],
    ],
    [
      "imageSource's account and region",
      { "ecr.imageSource": { accountId: "dev", region: "EU-WEST-1" } },
      ['prod.ecr.imageSource.accountId: "dev" is not a 12-digit AWS account id', 'prod.ecr.imageSource.region: "EU-WEST-1" is not an AWS region such as eu-west-1'],
    ],
    ["replicationSources not a list", { "ecr.replicationSources": OTHER_ACCOUNT }, [`prod.ecr.replicationSources: "${OTHER_ACCOUNT}" is not a list of replication sources`]],
    [
      "replicationSources entries",
      { "ecr.replicationSources": [OTHER_ACCOUNT, {}, { accountId: "x" }, { accountId: OTHER_ACCOUNT, regions: ["eu-west-1"] }] },
      [
        `prod.ecr.replicationSources[0]: "${OTHER_ACCOUNT}" is not an object (allowed settings: accountId)`,
        "prod.ecr.replicationSources[1].accountId: is required (a 12-digit AWS account id)",
        'prod.ecr.replicationSources[2].accountId: "x" is not a 12-digit AWS account id',
        "prod.ecr.replicationSources[3].regions: is not a setting here (allowed: accountId)",
      ],
    ],
    ["pullThroughCache not a map", { "ecr.pullThroughCache": ["docker-hub"] }, ['prod.ecr.pullThroughCache: ["docker-hub"] is not a map of repository prefix to pull-through cache rule']],
    [
      "pullThroughCache prefixes",
      { ecr: { pullThroughCache: { Quay: { upstream: "quay" }, q: { upstream: "quay" }, "-k8s": { upstream: "k8s" }, [`k${"8".repeat(30)}`]: { upstream: "k8s" } } } },
      [
        'prod.ecr.pullThroughCache.Quay: "Quay" is not a repository prefix (2-30 of a-z0-9._-)',
        'prod.ecr.pullThroughCache.q: "q" is not a repository prefix (2-30 of a-z0-9._-)',
        'prod.ecr.pullThroughCache.-k8s: "-k8s" is not a repository prefix (2-30 of a-z0-9._-)',
        `prod.ecr.pullThroughCache.k${"8".repeat(30)}: "k${"8".repeat(30)}" is not a repository prefix (2-30 of a-z0-9._-)`,
      ],
    ],
    [
      "pullThroughCache upstream missing or unknown",
      { ecr: { pullThroughCache: { quay: {}, hub: { upstream: "dockerhub" } } } },
      [
        `prod.ecr.pullThroughCache.quay.upstream: is required (an upstream registry: ${UPSTREAMS})`,
        `prod.ecr.pullThroughCache.hub.upstream: "dockerhub" is not allowed (an upstream registry: ${UPSTREAMS})`,
      ],
    ],
    [
      "a pullThroughCache credentialArn not named ecr-pullthroughcache/",
      { ecr: { pullThroughCache: { hub: { upstream: "docker-hub", credentialArn: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:dockerhub` } } } },
      [`prod.ecr.pullThroughCache.hub.credentialArn: "arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:dockerhub" is not a Secrets Manager secret ARN named ecr-pullthroughcache/...`],
    ],
    ["a pullThroughCache rule not an object", { ecr: { pullThroughCache: { quay: "quay" } } }, ['prod.ecr.pullThroughCache.quay: "quay" is not an object (allowed settings: upstream, credentialArn)']],
    [
      "an unknown pullThroughCache setting",
      { ecr: { pullThroughCache: { quay: { upstream: "quay", url: "quay.io" } } } },
      ["prod.ecr.pullThroughCache.quay.url: is not a setting here (allowed: upstream, credentialArn)"],
    ],
  ])("%s", (_what, changes, lines) => {
    expect(problemLines(configWith(changes))).toEqual(lines);
  });
});

describe("ci: one message per problem with a setting's shape", () => {
  const ci = (settings: Record<string, unknown>) => ({ ecr: { repositories: { app: {} } }, ci: { repository: "acme/platform", ...settings } });
  const push = (settings: unknown) => ci({ imagePush: { "acme/app": settings } });
  const BRANCH = "a branch name (1-200 of A-Za-z0-9._/-, with * as a wildcard)";
  const ENVIRONMENT = "a GitHub environment name (1-200 of A-Za-z0-9._/-, with * as a wildcard)";

  test.each<[string, Record<string, unknown>, string[]]>([
    ["ci not an object", { ci: "acme/platform" }, [`prod.ci: "acme/platform" is not an object (allowed settings: ${CI_SETTINGS})`]],
    ["ci without a repository", { ci: {} }, ["prod.ci.repository: is required (a GitHub repository (owner/name))"]],
    ["an unknown ci setting", ci({ roles: [] }), [`prod.ci.roles: is not a setting here (allowed: ${CI_SETTINGS})`]],
    [
      "ci.repository not owner/name",
      { ci: { repository: "acme" } },
      ['prod.ci.repository: "acme" is not a GitHub repository (owner/name)'],
    ],
    ["ci.repository with three parts", { ci: { repository: "acme/platform/x" } }, ['prod.ci.repository: "acme/platform/x" is not a GitHub repository (owner/name)']],
    ["ci.repository with a space", { ci: { repository: "acme/my platform" } }, ['prod.ci.repository: "acme/my platform" is not a GitHub repository (owner/name)']],
    ["ci.repository not a string", { ci: { repository: 42 } }, ["prod.ci.repository: 42 is not a GitHub repository (owner/name)"]],
    [
      "ci.repository with characters GitHub does not allow in an owner",
      { ci: { repository: "acme_corp/platform" } },
      ['prod.ci.repository: "acme_corp/platform" is too broad or malformed: repository "acme_corp/platform" is not owner/name'],
    ],
    ["defaultBranch with a space", ci({ defaultBranch: "main branch" }), ['prod.ci.defaultBranch: "main branch" is not a branch name (1-200 of A-Za-z0-9._/-)']],
    ["defaultBranch a wildcard", ci({ defaultBranch: "release/*" }), ['prod.ci.defaultBranch: "release/*" is not a branch name (1-200 of A-Za-z0-9._/-)']],
    ["defaultBranch with a colon", ci({ defaultBranch: "main:x" }), ['prod.ci.defaultBranch: "main:x" is not a branch name (1-200 of A-Za-z0-9._/-)']],
    ["defaultBranch empty", ci({ defaultBranch: "" }), ['prod.ci.defaultBranch: "" is not a branch name (1-200 of A-Za-z0-9._/-)']],
    ["deployEnvironment a wildcard", ci({ deployEnvironment: "*" }), ['prod.ci.deployEnvironment: "*" is not a GitHub environment name (1-200 of A-Za-z0-9._/-)']],
    ["deployEnvironment with parentheses", ci({ deployEnvironment: "prod (eu)" }), ['prod.ci.deployEnvironment: "prod (eu)" is not a GitHub environment name (1-200 of A-Za-z0-9._/-)']],
    ["deployEnvironment too long", ci({ deployEnvironment: "e".repeat(201) }), [`prod.ci.deployEnvironment: "${"e".repeat(201)}" is not a GitHub environment name (1-200 of A-Za-z0-9._/-)`]],
    ["deployEnvironment not a string", ci({ deployEnvironment: true }), ["prod.ci.deployEnvironment: true is not a GitHub environment name (1-200 of A-Za-z0-9._/-)"]],
    ["oidcProvider outside its enum", ci({ oidcProvider: "import" }), ['prod.ci.oidcProvider: "import" is not allowed (an OIDC provider mode: "create", "existing")']],
    ["imagePush not a map", ci({ imagePush: ["acme/app"] }), ['prod.ci.imagePush: ["acme/app"] is not a map of GitHub repository to image push settings']],
    [
      "imagePush keys that are not owner/name",
      ci({ imagePush: { app: { repositories: ["app"] }, "acme/app/x": { repositories: ["app"] }, "acme/my app": { repositories: ["app"] } } }),
      [
        'prod.ci.imagePush.app: "app" is not a GitHub repository (owner/name)',
        'prod.ci.imagePush.acme/app/x: "acme/app/x" is not a GitHub repository (owner/name)',
        'prod.ci.imagePush.acme/my app: "acme/my app" is not a GitHub repository (owner/name)',
      ],
    ],
    [
      "an imagePush key with characters GitHub does not allow",
      ci({ imagePush: { "acme/app!": { repositories: ["app"] } } }),
      ['prod.ci.imagePush.acme/app!: "acme/app!" is too broad or malformed: repository "acme/app!" is not owner/name'],
    ],
    ["imagePush settings not an object", push(["app"]), ['prod.ci.imagePush.acme/app: ["app"] is not an object (allowed settings: repositories, branches, environments)']],
    ["imagePush without repositories", push({ branches: ["main"] }), ["prod.ci.imagePush.acme/app.repositories: is required (a list of ECR repository names)"]],
    ["imagePush with no repositories", push({ repositories: [] }), ["prod.ci.imagePush.acme/app.repositories: [] is not a list of at least one ECR repository name"]],
    ["imagePush repositories not a list", push({ repositories: "app" }), ['prod.ci.imagePush.acme/app.repositories: "app" is not a list of ECR repository names']],
    ["imagePush repositories that are not ECR names", push({ repositories: ["App"] }), [`prod.ci.imagePush.acme/app.repositories[0]: "App" is not ${REPOSITORY_NAME}`]],
    [
      "imagePush branches and environments with bad characters",
      push({ repositories: ["app"], branches: ["main", "feature x"], environments: ["build", "prod?", 7] }),
      [
        `prod.ci.imagePush.acme/app.branches[1]: "feature x" is not ${BRANCH}`,
        `prod.ci.imagePush.acme/app.environments[1]: "prod?" is not ${ENVIRONMENT}`,
        `prod.ci.imagePush.acme/app.environments[2]: 7 is not ${ENVIRONMENT}`,
      ],
    ],
    [
      "imagePush branches and environments not lists",
      push({ repositories: ["app"], branches: "main", environments: "build" }),
      ['prod.ci.imagePush.acme/app.branches: "main" is not a list of branch names', 'prod.ci.imagePush.acme/app.environments: "build" is not a list of GitHub environment names'],
    ],
    ["an unknown imagePush setting", push({ repositories: ["app"], pullRequests: true }), ["prod.ci.imagePush.acme/app.pullRequests: is not a setting here (allowed: repositories, branches, environments)"]],
  ])("%s", (_what, changes, lines) => {
    expect(problemLines(configWith(changes))).toEqual(lines);
  });
});

describe("ecr and ci: rules between settings", () => {
  const production = { production: true, backend: { type: "s3", bucket: "acme-terraform-state" } };

  test.each<[string, Record<string, unknown>, string[]]>([
    [
      "pullAccounts naming the environment's own account",
      repo({ pullAccounts: [OTHER_ACCOUNT, ACCOUNT] }),
      [`prod.ecr.repositories.app.pullAccounts[1]: "${ACCOUNT}" is this environment's own account (its principals get pull access through grants)`],
    ],
    [
      "an account listed twice in pullAccounts",
      repo({ pullAccounts: [OTHER_ACCOUNT, "444455556666", OTHER_ACCOUNT] }),
      [`prod.ecr.repositories.app.pullAccounts[2]: "${OTHER_ACCOUNT}" is listed twice (each account once)`],
    ],
    [
      "forceDelete in production",
      { ...production, ...repo({ forceDelete: true }) },
      ["prod.ecr.repositories.app.forceDelete: true is not allowed in production (deleting a repository with its images breaks every deployment that uses them)"],
    ],
    [
      "repositories under a pull-through cache prefix, or named like it",
      {
        ecr: {
          repositories: { "docker-hub/library/nginx": { scanOnPush: false }, quay: {}, app: {} },
          pullThroughCache: { "docker-hub": { upstream: "docker-hub", credentialArn: SECRET }, quay: { upstream: "quay" } },
        },
      },
      [
        'prod.ecr.repositories.docker-hub/library/nginx: "docker-hub/library/nginx" is under the pull-through cache prefix "docker-hub", whose repositories ECR creates itself; rename it or the prefix',
        'prod.ecr.repositories.quay: "quay" is under the pull-through cache prefix "quay", whose repositories ECR creates itself; rename it or the prefix',
      ],
    ],
    [
      "a credential missing for an upstream that needs one",
      { ecr: { pullThroughCache: { hub: { upstream: "docker-hub" }, ghcr: { upstream: "github" }, gitlab: { upstream: "gitlab" } } } },
      [
        "prod.ecr.pullThroughCache.hub.credentialArn: is required for docker-hub (a Secrets Manager secret named ecr-pullthroughcache/...)",
        "prod.ecr.pullThroughCache.ghcr.credentialArn: is required for github (a Secrets Manager secret named ecr-pullthroughcache/...)",
        "prod.ecr.pullThroughCache.gitlab.credentialArn: is required for gitlab (a Secrets Manager secret named ecr-pullthroughcache/...)",
      ],
    ],
    [
      "a credential for a public upstream",
      { ecr: { pullThroughCache: { quay: { upstream: "quay", credentialArn: SECRET }, "ecr-public": { upstream: "ecr-public", credentialArn: SECRET } } } },
      [
        `prod.ecr.pullThroughCache.quay.credentialArn: "${SECRET}" is not used by quay, which is public`,
        `prod.ecr.pullThroughCache.ecr-public.credentialArn: "${SECRET}" is not used by ecr-public, which is public`,
      ],
    ],
    [
      "replication to the environment's own registry, with or without the account named",
      { "ecr.replication": [{ destinations: [{ region: "eu-central-1" }, { region: "eu-west-1" }] }, { destinations: [{ region: "eu-west-1", accountId: ACCOUNT }] }] },
      [
        'prod.ecr.replication[0].destinations[1]: {"region":"eu-west-1"} is this environment\'s own registry (same region and account); replicate to another region or account',
        `prod.ecr.replication[1].destinations[0]: {"region":"eu-west-1","accountId":"${ACCOUNT}"} is this environment's own registry (same region and account); replicate to another region or account`,
      ],
    ],
    [
      "CONTINUOUS_SCAN with BASIC scanning stated",
      { "ecr.scanning": { type: "BASIC", frequency: "CONTINUOUS_SCAN" } },
      ['prod.ecr.scanning.frequency: "CONTINUOUS_SCAN" needs ENHANCED scanning (set ecr.scanning.type to "ENHANCED", or use "SCAN_ON_PUSH")'],
    ],
    [
      "CONTINUOUS_SCAN with the default scan type",
      { "ecr.scanning": { frequency: "CONTINUOUS_SCAN" } },
      ['prod.ecr.scanning.frequency: "CONTINUOUS_SCAN" needs ENHANCED scanning (set ecr.scanning.type to "ENHANCED", or use "SCAN_ON_PUSH")'],
    ],
    [
      "replicationSources naming the environment's own account",
      { "ecr.replicationSources": [{ accountId: OTHER_ACCOUNT }, { accountId: ACCOUNT }] },
      [`prod.ecr.replicationSources[1].accountId: "${ACCOUNT}" is this environment's own account; only other accounts need to be allowed`],
    ],
    [
      "ci.repository a whole organization (its pull requests would plan)",
      { ci: { repository: "acme/*" } },
      ['prod.ci.repository: "acme/*" is too broad or malformed: repository "acme/*" is a whole organization; pull requests of every repository in it cannot be trusted'],
    ],
    [
      "ci.repository any owner",
      { ci: { repository: "*/platform" } },
      ['prod.ci.repository: "*/platform" is too broad or malformed: repository "*/platform" matches every owner on GitHub; name one owner/repository'],
    ],
    [
      "an imagePush key too broad: an organization on any branch",
      { ecr: { repositories: { app: {} } }, ci: { repository: "acme/platform", imagePush: { "acme/*": { repositories: ["app"], branches: ["*"] } } } },
      [`prod.ci.imagePush.acme/*: "acme/*" is too broad or malformed: ${TOO_BROAD_BRANCH}`],
    ],
    [
      "an imagePush key too broad: any environment, any owner",
      {
        ecr: { repositories: { app: {} } },
        ci: { repository: "acme/platform", imagePush: { "acme/app": { repositories: ["app"], environments: ["**"] }, "*/app": { repositories: ["app"] } } },
      },
      [
        'prod.ci.imagePush.acme/app: "acme/app" is too broad or malformed: "**" matches every branch or environment; name them (wildcards inside a name, such as release/*, are fine)',
        'prod.ci.imagePush.*/app: "*/app" is too broad or malformed: repository "*/app" matches every owner on GitHub; name one owner/repository',
      ],
    ],
    [
      "an organization with no branch or environment",
      { ecr: { repositories: { app: {} } }, ci: { repository: "acme/platform", imagePush: { "acme/*": { repositories: ["app"], branches: [] } } } },
      ['prod.ci.imagePush.acme/*: "acme/*" is too broad or malformed: repository "acme/*" names no branch, environment or pull requests, so no run could assume the role'],
    ],
    [
      "imagePush naming repositories that ecr.repositories does not have",
      { ecr: { repositories: { app: {}, web: {} } }, ci: { repository: "acme/platform", imagePush: { "acme/app": { repositories: ["app", "api", "team/app"] } } } },
      [
        'prod.ci.imagePush.acme/app.repositories[1]: "api" is not one of ecr.repositories (app, web)',
        'prod.ci.imagePush.acme/app.repositories[2]: "team/app" is not one of ecr.repositories (app, web)',
      ],
    ],
    [
      "imagePush without any ecr section",
      { ci: { repository: "acme/platform", imagePush: { "acme/app": { repositories: ["app"] } } } },
      ['prod.ci.imagePush.acme/app.repositories[0]: "app" is not one of ecr.repositories (none)'],
    ],
  ])("%s", (_what, changes, lines) => {
    expect(problemLines(configWith(changes))).toEqual(lines);
  });

  test("forceDelete outside production passes", () => {
    expect(() => validateEnvironmentConfig(configWith(repo({ forceDelete: true })), "prod")).not.toThrow();
  });

  test("a problem is reported once: malformed names are not also reported as too broad or missing", () => {
    expect(
      problemLines(
        configWith({
          ecr: { repositories: { app: {} } },
          ci: { repository: "*", imagePush: { bad: { repositories: ["app"] }, "acme/app": { repositories: ["App"], branches: ["a b", "*"] } } },
        }),
      ),
    ).toEqual([
      'prod.ci.repository: "*" is not a GitHub repository (owner/name)',
      'prod.ci.imagePush.bad: "bad" is not a GitHub repository (owner/name)',
      `prod.ci.imagePush.acme/app.repositories[0]: "App" is not ${REPOSITORY_NAME}`,
      'prod.ci.imagePush.acme/app.branches[0]: "a b" is not a branch name (1-200 of A-Za-z0-9._/-, with * as a wildcard)',
    ]);
  });

  test("shape and rule problems of both sections are reported together, shape first", () => {
    expect(
      problemLines(
        configWith({
          ...production,
          ecr: {
            repositories: { app: { forceDelete: true, untaggedExpireAfterDays: 0 } },
            scanning: { frequency: "CONTINUOUS_SCAN" },
          },
          ci: { repository: "acme/*", oidcProvider: "maybe", imagePush: { "acme/web": { repositories: ["web"] } } },
        }),
      ),
    ).toEqual([
      "prod.ecr.repositories.app.untaggedExpireAfterDays: 0 is not a number of days, a whole number from 1 to 3650",
      'prod.ci.oidcProvider: "maybe" is not allowed (an OIDC provider mode: "create", "existing")',
      "prod.ecr.repositories.app.forceDelete: true is not allowed in production (deleting a repository with its images breaks every deployment that uses them)",
      'prod.ecr.scanning.frequency: "CONTINUOUS_SCAN" needs ENHANCED scanning (set ecr.scanning.type to "ENHANCED", or use "SCAN_ON_PUSH")',
      'prod.ci.repository: "acme/*" is too broad or malformed: repository "acme/*" is a whole organization; pull requests of every repository in it cannot be trusted',
      'prod.ci.imagePush.acme/web.repositories[0]: "web" is not one of ecr.repositories (app)',
    ]);
  });
});
