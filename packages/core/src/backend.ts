import * as path from "node:path";
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from "cdktf";
import type { BackendConfig } from "./environment-config";

export interface BackendOptions {
  /** The environment's name. */
  readonly environment: string;
  /** The environment's region, the S3 backend's default. */
  readonly region: string;
  /**
   * Absolute folder of the repository; a local backend's `path` is relative to it.
   * @default - the current working directory
   */
  readonly repoRoot?: string;
  /**
   * Absolute folder Terraform runs the stack in (`<env>/cdktf.out/stacks/<stack>`); the local
   * state path is written relative to it, so synthesized output never holds a machine's path.
   */
  readonly stackDir: string;
}

/**
 * Configures where a stack keeps its state. Cross-stack references read the producer's state
 * through `terraform_remote_state` with the same settings, on every backend type:
 * - `local`: `<path>/<stack>.tfstate`, written relative to the stack's folder;
 * - `s3`: `<keyPrefix>/<stack>.tfstate`, encrypted, with S3-native locking (`use_lockfile`);
 * - `cloud`: one named HCP Terraform workspace per stack.
 */
export function configureBackend(stack: TerraformStack, backend: BackendConfig, options: BackendOptions): void {
  const stackName = stack.node.id;
  switch (backend.type) {
    case "local": {
      const repoRoot = options.repoRoot ?? process.cwd();
      const folder = path.resolve(repoRoot, backend.path ?? path.join("environments", options.environment, "state"));
      const statePath = path.relative(options.stackDir, path.join(folder, `${stackName}.tfstate`));
      new LocalBackend(stack, { path: statePath.split(path.sep).join("/") });
      return;
    }
    case "s3": {
      new S3Backend(stack, {
        bucket: backend.bucket,
        key: `${backend.keyPrefix ?? options.environment}/${stackName}.tfstate`,
        region: backend.region ?? options.region,
        encrypt: true,
        kmsKeyId: backend.kmsKeyId,
        dynamodbTable: backend.dynamodbTable,
        assumeRole: backend.roleArn ? { roleArn: backend.roleArn } : undefined,
      });
      // cdktf 0.21 predates S3-native locking; the setting is Terraform's own (>= 1.10).
      stack.addOverride("terraform.backend.s3.use_lockfile", true);
      return;
    }
    case "cloud": {
      const cloud = new CloudBackend(stack, {
        hostname: backend.hostname ?? "app.terraform.io",
        organization: backend.organization,
        workspaces: new NamedCloudWorkspace(`${backend.workspacePrefix ?? ""}${stackName}`),
      });
      dropTerraformVersionCheck(cloud);
      return;
    }
  }
}

/**
 * cdktf's CloudBackend adds a validation that runs `terraform version` at every synthesis, to
 * check for Terraform >= 1.1. The platform needs Terraform >= 1.10 anyway (S3-native locking),
 * and the check costs a process spawn per stack (about 0.3 s) and makes synthesis fail on a
 * machine without Terraform. If cdktf's internals change, this does nothing and the check stays.
 */
function dropTerraformVersionCheck(backend: CloudBackend): void {
  const validations = (backend.node as unknown as { _validations?: unknown[] })._validations;
  if (!Array.isArray(validations)) return;
  for (let i = validations.length - 1; i >= 0; i--) {
    if ((validations[i] as { constructor?: { name?: string } }).constructor?.name === "ValidateTerraformVersion") validations.splice(i, 1);
  }
}
