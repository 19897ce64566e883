import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { synthesizeStack, testStack, type EnvironmentConfig } from "@platform/core";
import { dependencyOrder, plansOffline, redirectLocalState, unavailableProviders } from "../src/validate";
import {
  DEFAULT_PROVIDER_MIRROR,
  mirrorHasProvider,
  providerAddress,
  providerSource,
  terraformEnv,
  type ProviderSource,
} from "../src/terraform";
import { REPO_ROOT } from "../src/workspace";

type StackJson = Parameters<typeof plansOffline>[0];
type Manifest = Parameters<typeof dependencyOrder>[0];

/** A synthesized `PlatformStack` (the real Terraform JSON), for the functions that read stack JSON. */
function stackJson(overrides: Partial<EnvironmentConfig> = {}): StackJson {
  return synthesizeStack(testStack(overrides)) as unknown as StackJson;
}

function manifest(deps: Record<string, string[]>): Manifest {
  return {
    stacks: Object.fromEntries(
      Object.entries(deps).map(([name, dependencies]) => [name, { synthesizedStackPath: `stacks/${name}/cdk.tf.json`, dependencies }]),
    ),
  };
}

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "validate-unit-"));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => tempDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe("dependencyOrder", () => {
  test("puts every stack after the stacks it depends on, otherwise in name order", () => {
    const order = dependencyOrder(
      manifest({ "a-apps": ["c-cluster", "b-network"], "b-network": [], "c-cluster": ["b-network"], "d-dns": [] }),
    );
    expect(order).toEqual(["b-network", "c-cluster", "a-apps", "d-dns"]);
  });

  test("lists each stack once, even when several stacks depend on it", () => {
    const order = dependencyOrder(manifest({ x: ["base"], y: ["base"], z: ["x", "y", "base"], base: [] }));
    expect(order).toEqual(["base", "x", "y", "z"]);
  });

  test("a cycle is an error that names a stack on it", () => {
    expect(() => dependencyOrder(manifest({ a: ["b"], b: ["c"], c: ["a"] }))).toThrow(
      "stacks depend on each other in a cycle through a",
    );
    expect(() => dependencyOrder(manifest({ solo: ["solo"] }))).toThrow("stacks depend on each other in a cycle through solo");
  });

  test("an empty manifest has no stacks", () => {
    expect(dependencyOrder(manifest({}))).toEqual([]);
  });
});

describe("plansOffline", () => {
  test("a local backend and an AWS provider in offline mode: the stack can be planned offline", () => {
    const json = stackJson({ aws: { offline: {} } });
    expect(Object.keys(json.terraform?.backend ?? {})).toEqual(["local"]);
    expect(plansOffline(json)).toBe(true);
  });

  test("an S3 backend needs the network, even with an offline provider", () => {
    const json = stackJson({ backend: { type: "s3", bucket: "acme-state" }, aws: { offline: {} } });
    expect(Object.keys(json.terraform?.backend ?? {})).toEqual(["s3"]);
    expect(plansOffline(json)).toBe(false);
  });

  test("an AWS provider without the skip flags needs credentials", () => {
    expect(plansOffline(stackJson())).toBe(false);
    const json = stackJson({ aws: { offline: {} } });
    const aws = json.provider!.aws[0];
    expect(plansOffline({ ...json, provider: { aws: [{ ...aws, skip_requesting_account_id: undefined }] } })).toBe(false);
    expect(plansOffline({ ...json, provider: { aws: [{ ...aws, skip_credentials_validation: false }] } })).toBe(false);
  });

  test("every AWS provider must be offline, aliases included", () => {
    const json = stackJson({ aws: { offline: {} } });
    const aws = json.provider!.aws[0];
    expect(plansOffline({ ...json, provider: { aws: [aws, { alias: "us", region: "us-east-1" }] } })).toBe(false);
    expect(plansOffline({ ...json, provider: { aws: [aws, { ...aws, alias: "us" }] } })).toBe(true);
  });

  test("any other provider (kubernetes) needs the network", () => {
    const json = stackJson({ aws: { offline: {} } });
    expect(plansOffline({ ...json, provider: { ...json.provider, kubernetes: [{ host: "https://example" }] } })).toBe(false);
  });

  test("no AWS provider at all is not a stack this harness plans", () => {
    expect(plansOffline({ terraform: { backend: { local: { path: "x.tfstate" } } } })).toBe(false);
  });
});

describe("providerAddress", () => {
  test("a bare name is a hashicorp provider on the public registry", () => {
    expect(providerAddress("aws")).toBe("registry.terraform.io/hashicorp/aws");
  });
  test("namespace/type is on the public registry", () => {
    expect(providerAddress("hashicorp/helm")).toBe("registry.terraform.io/hashicorp/helm");
    expect(providerAddress("integrations/github")).toBe("registry.terraform.io/integrations/github");
  });
  test("a full address is kept", () => {
    expect(providerAddress("example.com/acme/thing")).toBe("example.com/acme/thing");
  });
});

describe("unavailableProviders", () => {
  const mirror: ProviderSource = { kind: "mirror", mirror: DEFAULT_PROVIDER_MIRROR, cliConfigFile: "/dev/null" };
  const registry: ProviderSource = { kind: "registry", cliConfigFile: "/dev/null" };
  const json = (requiredProviders: Record<string, { source?: string; version?: string }>): StackJson => ({
    terraform: { required_providers: requiredProviders },
  });

  test("the synthesized stacks' aws provider (5.100.0) is in the offline mirror", () => {
    const stack = stackJson({ aws: { offline: {} } });
    expect(stack.terraform?.required_providers?.aws).toEqual({ source: "aws", version: "5.100.0" });
    expect(mirrorHasProvider(mirror, "registry.terraform.io/hashicorp/aws", "5.100.0")).toBe(true);
    expect(unavailableProviders(stack, mirror)).toEqual([]);
  });

  test("in mirror mode, providers the mirror lacks are named with their versions", () => {
    const needs = json({
      aws: { source: "aws", version: "5.100.0" },
      kubernetes: { source: "hashicorp/kubernetes", version: "2.36.0" },
      helm: { source: "hashicorp/helm" },
    });
    expect(unavailableProviders(needs, mirror)).toEqual(["kubernetes 2.36.0", "helm"]);
  });

  test("another version of aws than the mirror's is not available", () => {
    expect(unavailableProviders(json({ aws: { source: "hashicorp/aws", version: "5.99.0" } }), mirror)).toEqual(["aws 5.99.0"]);
  });

  test("in registry mode every provider can be had", () => {
    const needs = json({ aws: { source: "aws", version: "5.100.0" }, kubernetes: { source: "hashicorp/kubernetes", version: "2.36.0" } });
    expect(unavailableProviders(needs, registry)).toEqual([]);
    expect(mirrorHasProvider(registry, "registry.terraform.io/hashicorp/aws", "5.100.0")).toBe(false);
  });
});

describe("redirectLocalState", () => {
  const input = {
    terraform: { backend: { local: { path: "../../../../environments/fixture/state/fixture-consumer.tfstate" } } },
    data: {
      terraform_remote_state: {
        "cross-stack-reference-input-fixture-producer": {
          backend: "local",
          config: { path: "../../../../environments/fixture/state/fixture-producer.tfstate" },
        },
        shared: { backend: "s3", config: { bucket: "acme-state", key: "shared/terraform.tfstate", region: "eu-west-1" } },
      },
    },
    resource: { aws_vpc: { vpc: { cidr_block: "10.0.0.0/16" } } },
  } as unknown as StackJson;

  test("points the local backend at ../../state/<stack>.tfstate", () => {
    const out = redirectLocalState(input, "fixture-consumer");
    expect(out.terraform?.backend?.local?.path).toBe("../../state/fixture-consumer.tfstate");
  });

  test("points local remote-state reads at ../../state/, keeping the file name", () => {
    const out = redirectLocalState(input, "fixture-consumer");
    expect(out.data?.terraform_remote_state?.["cross-stack-reference-input-fixture-producer"]).toEqual({
      backend: "local",
      config: { path: "../../state/fixture-producer.tfstate" },
    });
  });

  test("leaves S3 remote state and everything else alone", () => {
    const out = redirectLocalState(input, "fixture-consumer") as unknown as typeof input & Record<string, unknown>;
    expect(out.data?.terraform_remote_state?.shared).toEqual({
      backend: "s3",
      config: { bucket: "acme-state", key: "shared/terraform.tfstate", region: "eu-west-1" },
    });
    expect(out.resource).toEqual({ aws_vpc: { vpc: { cidr_block: "10.0.0.0/16" } } });
  });

  test("does not change its input", () => {
    const before = JSON.stringify(input);
    const out = redirectLocalState(input, "fixture-consumer");
    expect(JSON.stringify(input)).toBe(before);
    expect(out).not.toBe(input);
  });

  test("a stack with an S3 backend keeps it", () => {
    const s3 = { terraform: { backend: { s3: { bucket: "acme-state", key: "x.tfstate" } } } } as unknown as StackJson;
    expect(redirectLocalState(s3, "x")).toEqual(s3);
  });

  test("works on a real synthesized stack: the state path no longer leaves the scratch copy", () => {
    const out = redirectLocalState(stackJson({ aws: { offline: {} } }), "test-unit");
    expect(out.terraform?.backend?.local?.path).toBe("../../state/test-unit.tfstate");
  });
});

describe("providerSource", () => {
  // A mirror elsewhere gets a generated configuration in the repository's (ignored) cache folder:
  // put back whatever was there, so that the tests leave no trace.
  const generated = path.join(REPO_ROOT, ".terraform-cache", "mirror.tfrc");
  let previous: string | undefined;
  beforeAll(() => {
    previous = fs.existsSync(generated) ? fs.readFileSync(generated, "utf8") : undefined;
  });
  afterAll(() => {
    if (previous === undefined) fs.rmSync(generated, { force: true });
    else fs.writeFileSync(generated, previous);
  });

  test("uses terraform/mirror.tfrc when the offline mirror is at /opt/tf-plugins", () => {
    expect(fs.existsSync(path.join(DEFAULT_PROVIDER_MIRROR, "registry.terraform.io"))).toBe(true);
    expect(providerSource({})).toEqual({
      kind: "mirror",
      mirror: DEFAULT_PROVIDER_MIRROR,
      cliConfigFile: path.join(REPO_ROOT, "terraform", "mirror.tfrc"),
    });
    expect(providerSource({ TF_PROVIDER_MIRROR: "" }).cliConfigFile).toBe(path.join(REPO_ROOT, "terraform", "mirror.tfrc"));
  });

  test("uses terraform/registry.tfrc when TF_PROVIDER_MIRROR is a folder without a mirror", () => {
    const empty = tempDir();
    expect(providerSource({ TF_PROVIDER_MIRROR: empty })).toEqual({
      kind: "registry",
      cliConfigFile: path.join(REPO_ROOT, "terraform", "registry.tfrc"),
    });
    expect(providerSource({ TF_PROVIDER_MIRROR: path.join(empty, "does-not-exist") }).kind).toBe("registry");
  });

  test("generates a CLI configuration for a mirror elsewhere, whose path is that folder", () => {
    const mirror = tempDir();
    fs.mkdirSync(path.join(mirror, "registry.terraform.io"));
    const source = providerSource({ TF_PROVIDER_MIRROR: mirror });
    expect(source.kind).toBe("mirror");
    expect(source.mirror).toBe(mirror);
    expect(source.cliConfigFile).toBe(generated);
    const config = fs.readFileSync(source.cliConfigFile, "utf8");
    const paths = [...config.matchAll(/^\s*path\s*=\s*(".*")\s*$/gm)].map((m) => JSON.parse(m[1]));
    expect(paths).toEqual([mirror]);
    // The rest is the shipped configuration: aws from the mirror, everything else direct.
    expect(config).toContain('include = ["registry.terraform.io/hashicorp/aws"]');
    expect(config).toContain('exclude = ["registry.terraform.io/hashicorp/aws"]');
  });

  test("a relative TF_PROVIDER_MIRROR is resolved to an absolute folder", () => {
    const mirror = tempDir();
    fs.mkdirSync(path.join(mirror, "registry.terraform.io"));
    const source = providerSource({ TF_PROVIDER_MIRROR: path.relative(process.cwd(), mirror) });
    expect(source.mirror).toBe(mirror);
    expect(fs.readFileSync(source.cliConfigFile, "utf8")).toContain(JSON.stringify(mirror));
  });
});

describe("terraformEnv", () => {
  test("from the registry: adds the CLI configuration, the shared plugin cache and no prompts to the given environment", () => {
    const source: ProviderSource = { kind: "registry", cliConfigFile: "/x/registry.tfrc" };
    const env = terraformEnv(source, { PATH: "/bin", TF_INPUT: "1" });
    expect(env).toEqual({
      PATH: "/bin",
      TF_CLI_CONFIG_FILE: "/x/registry.tfrc",
      TF_PLUGIN_CACHE_DIR: path.join(REPO_ROOT, ".terraform-cache", "plugins", "shared"),
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
    });
    expect(fs.statSync(env.TF_PLUGIN_CACHE_DIR!).isDirectory()).toBe(true);
  });

  test("runs that go side by side take caches of their own", () => {
    const source: ProviderSource = { kind: "registry", cliConfigFile: "/x/registry.tfrc" };
    const dev = terraformEnv(source, {}, "dev").TF_PLUGIN_CACHE_DIR;
    const prod = terraformEnv(source, {}, "prod").TF_PLUGIN_CACHE_DIR;
    expect(dev).toBe(path.join(REPO_ROOT, ".terraform-cache", "plugins", "dev"));
    expect(prod).not.toBe(dev);
  });

  test("with the offline mirror: no plugin cache (init links the mirror; a shared cache races), for cdktf neither", () => {
    const source: ProviderSource = { kind: "mirror", mirror: "/opt/tf-plugins", cliConfigFile: "/x/mirror.tfrc" };
    expect(terraformEnv(source, { PATH: "/bin", TF_PLUGIN_CACHE_DIR: "/elsewhere" })).toEqual({
      PATH: "/bin",
      TF_CLI_CONFIG_FILE: "/x/mirror.tfrc",
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
      CDKTF_DISABLE_PLUGIN_CACHE_ENV: "true",
    });
  });
});
