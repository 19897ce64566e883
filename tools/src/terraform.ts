import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "./workspace";

/** Where these machines keep the offline mirror of hashicorp/aws; `TF_PROVIDER_MIRROR` overrides it. */
export const DEFAULT_PROVIDER_MIRROR = "/opt/tf-plugins";

/** How Terraform gets its providers on this machine. */
export interface ProviderSource {
  /** `mirror`: from a filesystem mirror (no network needed); `registry`: from the public registry. */
  readonly kind: "mirror" | "registry";
  /** The mirror folder, in `mirror` mode. */
  readonly mirror?: string;
  /** The Terraform CLI configuration file to use. */
  readonly cliConfigFile: string;
}

/**
 * The repository's Terraform CLI configuration: `terraform/mirror.tfrc` when the offline mirror is
 * present, `terraform/registry.tfrc` otherwise. A mirror somewhere else (`TF_PROVIDER_MIRROR`)
 * gets a generated copy of mirror.tfrc under `.terraform-cache/`.
 */
export function providerSource(env: NodeJS.ProcessEnv = process.env): ProviderSource {
  const mirror = env.TF_PROVIDER_MIRROR || DEFAULT_PROVIDER_MIRROR;
  if (!fs.existsSync(path.join(mirror, "registry.terraform.io"))) {
    return { kind: "registry", cliConfigFile: path.join(REPO_ROOT, "terraform", "registry.tfrc") };
  }
  const shipped = path.join(REPO_ROOT, "terraform", "mirror.tfrc");
  if (path.resolve(mirror) === DEFAULT_PROVIDER_MIRROR) return { kind: "mirror", mirror, cliConfigFile: shipped };
  const generated = path.join(REPO_ROOT, ".terraform-cache", "mirror.tfrc");
  fs.mkdirSync(path.dirname(generated), { recursive: true });
  fs.writeFileSync(generated, fs.readFileSync(shipped, "utf8").replace(`"${DEFAULT_PROVIDER_MIRROR}"`, JSON.stringify(path.resolve(mirror))));
  return { kind: "mirror", mirror: path.resolve(mirror), cliConfigFile: generated };
}

/**
 * The environment Terraform runs in: the CLI configuration, no prompts, and a plugin cache when
 * providers come from the registry. Terraform's plugin cache is not safe for concurrent
 * installs (two inits side by side fail with "file exists"), so runs that go side by side each
 * take a cache of their own (`cacheName`). With the offline mirror there is no cache at all:
 * `init` links the provider straight from the unpacked mirror, and neither Terraform nor cdktf
 * (`CDKTF_DISABLE_PLUGIN_CACHE_ENV`) shares a cache between inits that cdktf runs in parallel.
 */
export function terraformEnv(source: ProviderSource, base: NodeJS.ProcessEnv = process.env, cacheName = "shared"): NodeJS.ProcessEnv {
  const common = { TF_CLI_CONFIG_FILE: source.cliConfigFile, TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1" };
  if (source.kind === "mirror") {
    const rest = { ...base };
    delete rest.TF_PLUGIN_CACHE_DIR;
    return { ...rest, ...common, CDKTF_DISABLE_PLUGIN_CACHE_ENV: "true" };
  }
  const cache = path.join(REPO_ROOT, ".terraform-cache", "plugins", cacheName);
  fs.mkdirSync(cache, { recursive: true });
  return { ...base, ...common, TF_PLUGIN_CACHE_DIR: cache };
}

/** Whether a provider (`registry.terraform.io/hashicorp/aws`, version `5.100.0`) is in the mirror. */
export function mirrorHasProvider(source: ProviderSource, address: string, version: string): boolean {
  if (source.kind !== "mirror" || !source.mirror) return false;
  return fs.existsSync(path.join(source.mirror, address, version));
}

/** `aws` → `registry.terraform.io/hashicorp/aws`; `hashicorp/helm` → `registry.terraform.io/hashicorp/helm`. */
export function providerAddress(source: string): string {
  const parts = source.split("/");
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `registry.terraform.io/${parts[0]}/${parts[1]}`;
  return source;
}

export interface TerraformRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `terraform <args>` in `cwd` and collects its output. */
export function terraform(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<TerraformRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("terraform", args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", (e) =>
      reject(new Error(`cannot run terraform (${e.message}); install the Terraform CLI and put it on the PATH`)),
    );
    child.on("close", (code) =>
      resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }),
    );
  });
}
