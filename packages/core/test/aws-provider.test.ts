import { TerraformStack, Testing } from "cdktf";
import {
  AMBIENT_CREDENTIALS_CONTEXT,
  AWS_EMULATOR_CONTEXT,
  AWS_EMULATOR_MAX_RETRIES,
  AWS_EMULATOR_SERVICES,
  OFFLINE_ACCESS_KEY,
  OFFLINE_SECRET_KEY,
  createAwsProvider,
  defaultTags,
  synthesizeStack,
  testEnvironmentConfig,
  testStack,
} from "../src";

type Json = Record<string, unknown>;

const TAGS = { owner: "platform-team", costCenter: "cc-1234", repository: "github.com/acme/platform" };
const DEFAULT_TAGS = {
  Environment: "test",
  Owner: "platform-team",
  CostCenter: "cc-1234",
  Repository: "github.com/acme/platform",
  ManagedBy: "cdktf",
};

/** The default `aws` provider block of a test stack. */
function providerBlock(overrides: Parameters<typeof testStack>[0] = {}): Json {
  const providers = synthesizeStack(testStack(overrides)).provider?.aws;
  expect(providers).toHaveLength(1);
  return providers![0];
}

describe("createAwsProvider", () => {
  test("pins the account, tags every resource and uses the environment's region", () => {
    expect(providerBlock()).toEqual({
      region: "eu-west-1",
      allowed_account_ids: ["123456789012"],
      default_tags: [{ tags: DEFAULT_TAGS }],
    });
  });

  test("adds the extra tags, without letting them replace the platform's own", () => {
    const provider = providerBlock({ tags: { ...TAGS, extra: { Team: "platform", Environment: "not-this", "data:class": "internal" } } });
    expect(provider.default_tags).toEqual([{ tags: { ...DEFAULT_TAGS, Team: "platform", "data:class": "internal" } }]);
  });

  test("assumes the environment's role, with the session named cdktf-<env> by default", () => {
    const provider = providerBlock({ aws: { assumeRole: { roleArn: "arn:aws:iam::123456789012:role/deploy" } } });
    expect(provider.assume_role).toEqual([{ role_arn: "arn:aws:iam::123456789012:role/deploy", session_name: "cdktf-test" }]);
    expect(provider.allowed_account_ids).toEqual(["123456789012"]);
  });

  test("with ambient credentials (a CI job's OIDC role) assumes nothing, and still pins the account", () => {
    const app = Testing.app({ context: { [AMBIENT_CREDENTIALS_CONTEXT]: true } });
    const provider = synthesizeStack(testStack({ aws: { assumeRole: { roleArn: "arn:aws:iam::123456789012:role/deploy" } } }, app)).provider!.aws[0];
    expect(provider.assume_role).toBeUndefined();
    expect(provider.allowed_account_ids).toEqual(["123456789012"]);
  });

  test("passes the external id and session name when configured", () => {
    const provider = providerBlock({
      aws: { assumeRole: { roleArn: "arn:aws:iam::123456789012:role/deploy", externalId: "ext-42", sessionName: "github-actions" } },
    });
    expect(provider.assume_role).toEqual([
      { role_arn: "arn:aws:iam::123456789012:role/deploy", external_id: "ext-42", session_name: "github-actions" },
    ]);
  });

  test("offline mode: placeholder keys, every look-up skipped, no account pinning, no endpoints", () => {
    expect(providerBlock({ aws: { offline: {} } })).toEqual({
      region: "eu-west-1",
      default_tags: [{ tags: DEFAULT_TAGS }],
      access_key: "offline-placeholder",
      secret_key: "offline-placeholder",
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: "true",
      skip_region_validation: true,
    });
    expect(OFFLINE_ACCESS_KEY).toBe("offline-placeholder");
    expect(OFFLINE_SECRET_KEY).toBe("offline-placeholder");
  });

  test("offline mode with endpoints: the endpoints block and path-style S3", () => {
    const provider = providerBlock({ aws: { offline: { endpoints: { s3: "http://localhost:4566", ec2: "http://localhost:4566" } } } });
    expect(provider.endpoints).toEqual([{ s3: "http://localhost:4566", ec2: "http://localhost:4566" }]);
    expect(provider.s3_use_path_style).toBe(true);
    expect(provider.allowed_account_ids).toBeUndefined();
    expect(provider.access_key).toBe(OFFLINE_ACCESS_KEY);
  });

  test("offline mode keeps an assumed role", () => {
    const provider = providerBlock({ aws: { offline: {}, assumeRole: { roleArn: "arn:aws:iam::123456789012:role/deploy" } } });
    expect(provider.assume_role).toEqual([{ role_arn: "arn:aws:iam::123456789012:role/deploy", session_name: "cdktf-test" }]);
  });

  test("an alias and a region for a second provider", () => {
    const stack = new TerraformStack(Testing.app(), "test-global");
    const config = testEnvironmentConfig();
    const main = createAwsProvider(stack, config);
    const global = createAwsProvider(stack, config, { alias: "us-east-1", region: "us-east-1" });
    expect(main.node.id).toBe("aws");
    expect(global.node.id).toBe("aws-us-east-1");
    const providers = JSON.parse(Testing.synth(stack)).provider.aws as Json[];
    expect(providers).toEqual([
      { region: "eu-west-1", allowed_account_ids: ["123456789012"], default_tags: [{ tags: DEFAULT_TAGS }] },
      { alias: "us-east-1", region: "us-east-1", allowed_account_ids: ["123456789012"], default_tags: [{ tags: DEFAULT_TAGS }] },
    ]);
  });
});

describe("createAwsProvider against an AWS emulator (AWS_EMULATOR_CONTEXT)", () => {
  const EMULATOR = "http://127.0.0.1:5000";

  /** The provider block of a test stack in an app that targets the emulator. */
  function emulatorProvider(overrides: Parameters<typeof testStack>[0]): Json {
    const app = Testing.app({ context: { [AWS_EMULATOR_CONTEXT]: { url: EMULATOR } } });
    const providers = synthesizeStack(testStack(overrides, app)).provider?.aws;
    expect(providers).toHaveLength(1);
    return providers![0];
  }

  test("an offline environment: every service's endpoint is the emulator, the account is asked for and pinned, few retries", () => {
    expect(emulatorProvider({ aws: { offline: {} } })).toEqual({
      region: "eu-west-1",
      allowed_account_ids: ["123456789012"],
      default_tags: [{ tags: DEFAULT_TAGS }],
      access_key: "offline-placeholder",
      secret_key: "offline-placeholder",
      skip_credentials_validation: true,
      skip_requesting_account_id: false,
      max_retries: 2,
      skip_metadata_api_check: "true",
      skip_region_validation: true,
      s3_use_path_style: true,
      endpoints: [Object.fromEntries(AWS_EMULATOR_SERVICES.map((service) => [service, EMULATOR]))],
    });
    expect(AWS_EMULATOR_MAX_RETRIES).toBe(2);
  });

  test("every service of the list reaches the synthesized endpoints block (none is an unknown key the provider drops)", () => {
    const endpoints = (emulatorProvider({ aws: { offline: {} } }).endpoints as Json[])[0];
    expect(Object.keys(endpoints).sort()).toEqual([...AWS_EMULATOR_SERVICES].sort());
    expect(Object.keys(endpoints)).toHaveLength(23);
  });

  test("the environment's own offline endpoints win over the emulator's", () => {
    const provider = emulatorProvider({ aws: { offline: { endpoints: { s3: "http://localhost:4566", ec2: "http://localhost:9999" } } } });
    const endpoints = (provider.endpoints as Json[])[0];
    expect(endpoints.s3).toBe("http://localhost:4566");
    expect(endpoints.ec2).toBe("http://localhost:9999");
    expect(endpoints.sts).toBe(EMULATOR);
    expect(endpoints.iam).toBe(EMULATOR);
    expect(Object.keys(endpoints)).toHaveLength(AWS_EMULATOR_SERVICES.length);
    expect(provider.allowed_account_ids).toEqual(["123456789012"]);
    expect(provider.max_retries).toBe(2);
  });

  test("an environment that is not offline: the context changes nothing", () => {
    expect(emulatorProvider({})).toEqual(providerBlock());
    expect(emulatorProvider({})).toEqual({ region: "eu-west-1", allowed_account_ids: ["123456789012"], default_tags: [{ tags: DEFAULT_TAGS }] });
    const assumed = { aws: { assumeRole: { roleArn: "arn:aws:iam::123456789012:role/deploy" } } };
    expect(emulatorProvider(assumed)).toEqual(providerBlock(assumed));
  });

  test("an alias provider of an offline environment gets the same endpoints", () => {
    const app = Testing.app({ context: { [AWS_EMULATOR_CONTEXT]: { url: EMULATOR } } });
    const stack = new TerraformStack(app, "test-global");
    const config = testEnvironmentConfig({ aws: { offline: {} } });
    createAwsProvider(stack, config);
    createAwsProvider(stack, config, { alias: "us-east-1", region: "us-east-1" });
    const providers = JSON.parse(Testing.synth(stack)).provider.aws as Json[];
    expect(providers.map((p) => [p.alias, p.region, (p.endpoints as Json[])[0].acm, p.max_retries])).toEqual([
      [undefined, "eu-west-1", EMULATOR, 2],
      ["us-east-1", "us-east-1", EMULATOR, 2],
    ]);
  });
});

describe("defaultTags", () => {
  test("ownership and provenance tags, with extra tags underneath", () => {
    const config = testEnvironmentConfig({ name: "dev", tags: { ...TAGS, extra: { Owner: "someone-else", Product: "shop" } } });
    expect(defaultTags(config)).toEqual({
      Product: "shop",
      Environment: "dev",
      Owner: "platform-team",
      CostCenter: "cc-1234",
      Repository: "github.com/acme/platform",
      ManagedBy: "cdktf",
    });
  });
});
