import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, TerraformOutput, TerraformStack, Testing } from "cdktf";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import {
  PlatformStack,
  REPO_ROOT_CONTEXT,
  configureBackend,
  synthesizeStack,
  testEnvironmentConfig,
  testStack,
  type BackendConfig,
  type EnvironmentConfig,
} from "../src";

type Json = Record<string, unknown>;

const tmpDirs: string[] = [];
function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "core-backend-"));
  tmpDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** The `terraform` block of a stack configured with `configureBackend` alone. */
function terraformBlock(backend: BackendConfig, options: { repoRoot?: string; stackDir: string }, stackName = "dev-network"): Json {
  const stack = new TerraformStack(Testing.app(), stackName);
  configureBackend(stack, backend, { environment: "dev", region: "eu-central-1", ...options });
  return JSON.parse(Testing.synth(stack)).terraform as Json;
}

/** A repository-like layout: `<repo>/environments/test/cdktf.out` as the app's output folder. */
function repoLayout(): { repoRoot: string; outdir: string } {
  const repoRoot = path.join(tmpDir(), "repo");
  fs.mkdirSync(path.join(repoRoot, "environments", "test"), { recursive: true });
  return { repoRoot, outdir: path.join(repoRoot, "environments", "test", "cdktf.out") };
}

describe("configureBackend: local", () => {
  const repoRoot = "/work/repo";
  const stackDir = "/work/repo/environments/dev/cdktf.out/stacks/dev-network";

  test("the state file is <repo>/environments/<env>/state/<stack>.tfstate, written relative to the stack's folder", () => {
    expect(terraformBlock({ type: "local" }, { repoRoot, stackDir }).backend).toEqual({
      local: { path: "../../../state/dev-network.tfstate" },
    });
  });

  test("honours path, relative to the repository root", () => {
    expect(terraformBlock({ type: "local", path: "state/shared" }, { repoRoot, stackDir }).backend).toEqual({
      local: { path: "../../../../../state/shared/dev-network.tfstate" },
    });
  });

  test("the path is relative even when the stack folder is far from the repository", () => {
    const far = "/tmp/elsewhere/cdktf.out/stacks/dev-network";
    const statePath = (terraformBlock({ type: "local" }, { repoRoot, stackDir: far }).backend as Json & { local: { path: string } }).local.path;
    expect(statePath).toBe("../../../../../work/repo/environments/dev/state/dev-network.tfstate");
    expect(statePath.startsWith("/")).toBe(false);
    expect(path.resolve(far, statePath)).toBe("/work/repo/environments/dev/state/dev-network.tfstate");
  });

  test("the repository root defaults to the current working directory", () => {
    const dir = path.join(process.cwd(), "cdktf.out", "stacks", "dev-network");
    expect(terraformBlock({ type: "local" }, { stackDir: dir }).backend).toEqual({
      local: { path: "../../../environments/dev/state/dev-network.tfstate" },
    });
  });

  test("a PlatformStack writes the path relative to <outdir>/stacks/<stack>", () => {
    const { repoRoot: root, outdir } = repoLayout();
    const app = Testing.app({ outdir, context: { [REPO_ROOT_CONTEXT]: root } });
    const stack = testStack({}, app);
    const backend = synthesizeStack(stack).terraform?.backend as { local: { path: string } };
    expect(backend).toEqual({ local: { path: "../../../state/test-unit.tfstate" } });
    expect(path.resolve(outdir, "stacks", "test-unit", backend.local.path)).toBe(
      path.join(root, "environments", "test", "state", "test-unit.tfstate"),
    );
  });

  test("a PlatformStack never writes an absolute path, whatever the output folder", () => {
    const stack = testStack();
    const backend = synthesizeStack(stack).terraform?.backend as { local: { path: string } };
    expect(backend.local.path.startsWith("/")).toBe(false);
    expect(backend.local.path).toMatch(/\/environments\/test\/state\/test-unit\.tfstate$/);
    expect(path.resolve(App.of(stack).outdir, "stacks", "test-unit", backend.local.path)).toBe(
      path.join(process.cwd(), "environments", "test", "state", "test-unit.tfstate"),
    );
  });
});

describe("configureBackend: s3", () => {
  test("bucket, key <env>/<stack>.tfstate, the environment's region, encryption and S3-native locking", () => {
    expect(terraformBlock({ type: "s3", bucket: "acme-state" }, { stackDir: "/x" }).backend).toEqual({
      s3: {
        bucket: "acme-state",
        key: "dev/dev-network.tfstate",
        region: "eu-central-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
  });

  test("keyPrefix, region, KMS key, lock table and role when configured", () => {
    const backend: BackendConfig = {
      type: "s3",
      bucket: "acme-state",
      keyPrefix: "platform/dev",
      region: "us-east-1",
      kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      dynamodbTable: "terraform-locks",
      roleArn: "arn:aws:iam::123456789012:role/terraform-state",
    };
    expect(terraformBlock(backend, { stackDir: "/x" }).backend).toEqual({
      s3: {
        bucket: "acme-state",
        key: "platform/dev/dev-network.tfstate",
        region: "us-east-1",
        encrypt: true,
        use_lockfile: true,
        kms_key_id: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        dynamodb_table: "terraform-locks",
        assume_role: { role_arn: "arn:aws:iam::123456789012:role/terraform-state" },
      },
    });
  });

  test("a PlatformStack uses its environment's name and region", () => {
    const stack = testStack({ backend: { type: "s3", bucket: "acme-state" }, region: "eu-north-1", availabilityZones: ["eu-north-1a"] });
    expect(synthesizeStack(stack).terraform?.backend).toEqual({
      s3: { bucket: "acme-state", key: "test/test-unit.tfstate", region: "eu-north-1", encrypt: true, use_lockfile: true },
    });
  });
});

describe("configureBackend: cloud", () => {
  test("organization, the default host name and a workspace named after the stack", () => {
    const terraform = terraformBlock({ type: "cloud", organization: "acme" }, { stackDir: "/x" });
    expect(terraform.cloud).toEqual({ hostname: "app.terraform.io", organization: "acme", workspaces: { name: "dev-network" } });
    expect(terraform.backend).toBeUndefined();
  });

  test("host name and workspace prefix when configured", () => {
    const terraform = terraformBlock({ type: "cloud", organization: "acme", hostname: "tfe.acme.io", workspacePrefix: "platform-" }, { stackDir: "/x" });
    expect(terraform.cloud).toEqual({ hostname: "tfe.acme.io", organization: "acme", workspaces: { name: "platform-dev-network" } });
  });
});

describe("cross-stack references on every backend", () => {
  interface Synthesized {
    outdir: string;
    producer: Json & { terraform: Json; output: Record<string, Json> };
    consumer: Json & { terraform: Json; data: { terraform_remote_state: Record<string, Json> }; resource: Record<string, Record<string, Json>>; output: Record<string, Json> };
  }

  /** A `network` stack with a VPC and a `consumer` stack that stores the VPC's id in SSM and outputs it. */
  function synthesizeTwoStacks(backend: EnvironmentConfig["backend"], repoRoot: string): Synthesized {
    const outdir = path.join(tmpDir(), "cdktf.out");
    const app = new App({ outdir, context: { [REPO_ROOT_CONTEXT]: repoRoot }, stackTraces: false });
    const config = testEnvironmentConfig({ backend });
    const network = new PlatformStack(app, "network", { config });
    const vpc = new Vpc(network, "vpc", { cidrBlock: "10.0.0.0/16" });
    const consumer = new PlatformStack(app, "consumer", { config });
    new SsmParameter(consumer, "vpc-id", { name: "/test/network/vpc-id", type: "String", value: vpc.id });
    new TerraformOutput(consumer, "vpc_id", { value: vpc.id });
    app.synth();
    const read = (stack: string) => JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
    return { outdir, producer: read("test-network"), consumer: read("test-consumer") };
  }

  const REMOTE_STATE = "cross-stack-reference-input-test-network";
  const REFERENCE = "${data.terraform_remote_state.cross-stack-reference-input-test-network.outputs.cross-stack-output-aws_vpcvpcid}";

  function expectReference(synthesized: Synthesized): void {
    expect(synthesized.producer.output["cross-stack-output-aws_vpcvpcid"]).toEqual({ value: "${aws_vpc.vpc.id}", sensitive: true });
    expect(synthesized.consumer.resource.aws_ssm_parameter["vpc-id"].value).toBe(REFERENCE);
    expect(synthesized.consumer.output.vpc_id.value).toBe(REFERENCE);
    expect(Object.keys(synthesized.consumer.data.terraform_remote_state)).toEqual([REMOTE_STATE]);
  }

  test("local: the consumer reads the producer's state file by the same relative path", () => {
    const repoRoot = path.join(tmpDir(), "repo");
    const synthesized = synthesizeTwoStacks({ type: "local" }, repoRoot);
    expectReference(synthesized);
    const producerPath = (synthesized.producer.terraform.backend as { local: { path: string } }).local.path;
    expect(producerPath.startsWith("/")).toBe(false);
    expect(synthesized.consumer.data.terraform_remote_state[REMOTE_STATE]).toEqual({
      backend: "local",
      config: { path: producerPath },
      workspace: "${terraform.workspace}",
    });
    // Terraform runs the consumer in its own folder; the path must lead to the producer's state.
    expect(path.resolve(synthesized.outdir, "stacks", "test-consumer", producerPath)).toBe(
      path.join(repoRoot, "environments", "test", "state", "test-network.tfstate"),
    );
  });

  test("s3: the consumer reads the producer's key in the same bucket", () => {
    const backend = {
      type: "s3" as const,
      bucket: "acme-state",
      keyPrefix: "platform/test",
      dynamodbTable: "terraform-locks",
      roleArn: "arn:aws:iam::123456789012:role/terraform-state",
    };
    const synthesized = synthesizeTwoStacks(backend, tmpDir());
    expectReference(synthesized);
    expect((synthesized.producer.terraform.backend as { s3: Json }).s3.key).toBe("platform/test/test-network.tfstate");
    expect((synthesized.consumer.terraform.backend as { s3: Json }).s3.key).toBe("platform/test/test-consumer.tfstate");
    expect(synthesized.consumer.data.terraform_remote_state[REMOTE_STATE]).toEqual({
      backend: "s3",
      config: {
        bucket: "acme-state",
        key: "platform/test/test-network.tfstate",
        region: "eu-west-1",
        encrypt: true,
        dynamodb_table: "terraform-locks",
        assume_role: { role_arn: "arn:aws:iam::123456789012:role/terraform-state" },
      },
      workspace: "${terraform.workspace}",
    });
  });

  test("cloud: the consumer reads the producer's workspace through the remote backend", () => {
    const synthesized = synthesizeTwoStacks({ type: "cloud", organization: "acme", workspacePrefix: "platform-" }, tmpDir());
    expectReference(synthesized);
    expect(synthesized.producer.terraform.cloud).toEqual({
      hostname: "app.terraform.io",
      organization: "acme",
      workspaces: { name: "platform-test-network" },
    });
    expect(synthesized.consumer.data.terraform_remote_state[REMOTE_STATE]).toEqual({
      backend: "remote",
      config: { hostname: "app.terraform.io", organization: "acme", workspaces: { name: "platform-test-network" } },
    });
  });
});

describe("cloud backend without a terraform binary check", () => {
  test("synthesis of a cloud-backed stack runs no `terraform version` (cdktf's check is dropped)", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const childProcess = require("node:child_process");
    const execSync = jest.spyOn(childProcess, "execSync");
    try {
      const stack = testStack({ backend: { type: "cloud", organization: "acme" } });
      Testing.synth(stack, true);
      expect(execSync.mock.calls.map((c) => String(c[0]))).toEqual([]);
    } finally {
      execSync.mockRestore();
    }
  });
});
