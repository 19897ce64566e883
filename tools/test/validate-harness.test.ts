// Integration tests of the validate harness: small cdktf apps built from PlatformStacks,
// synthesized into a temporary folder and checked with the real Terraform CLI (offline mirror).
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { PlatformStack, REPO_ROOT_CONTEXT, testEnvironmentConfig, type EnvironmentConfig } from "@platform/core";
import { validateApp, type StackReport } from "../src/validate";
import { providerSource, terraform, terraformEnv } from "../src/terraform";

const source = providerSource();
const env = terraformEnv(source);

/** An offline environment (local state, placeholder credentials): its stacks are planned. */
const offline = (overrides: Partial<EnvironmentConfig> = {}) =>
  testEnvironmentConfig({ name: "fixture", backend: { type: "local" }, aws: { offline: {} }, ...overrides });

interface Fixture {
  /** The temporary "repository root" of the app: holds `cdktf.out` and the harness's `work` folder. */
  readonly root: string;
  readonly outdir: string;
  readonly workDir: string;
}

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

/** Builds and synthesizes an app into a fresh temporary folder. */
function synthFixture(build: (app: App) => void): Fixture {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "validate-harness-"));
  roots.push(root);
  const outdir = path.join(root, "cdktf.out");
  const app = new App({ outdir, context: { [REPO_ROOT_CONTEXT]: root }, stackTraces: false });
  build(app);
  app.synth();
  return { root, outdir, workDir: path.join(root, "work") };
}

/** A producer stack with a VPC, and a consumer stack that stores the VPC's id in an SSM parameter. */
function producerAndConsumer(app: App, config = offline()): void {
  const producer = new PlatformStack(app, "producer", { config });
  const vpc = new Vpc(producer, "vpc", { cidrBlock: "10.0.0.0/16" });
  const consumer = new PlatformStack(app, "consumer", { config });
  new SsmParameter(consumer, "vpc-id", { name: "/fixture/vpc-id", type: "String", value: vpc.id });
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function stackFile(fixture: Fixture, stack: string): string {
  return path.join(fixture.outdir, "stacks", stack, "cdk.tf.json");
}
function readJson(file: string): Json {
  return JSON.parse(fs.readFileSync(file, "utf8")) as Json;
}
function editStack(fixture: Fixture, stack: string, edit: (json: Json) => void): void {
  const json = readJson(stackFile(fixture, stack));
  edit(json);
  fs.writeFileSync(stackFile(fixture, stack), JSON.stringify(json, null, 2));
}

/** Every file under `dir` (except `skip`) with a hash of its content, and every folder. */
function snapshot(dir: string, skip?: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (full === skip) continue;
      const rel = path.relative(dir, full);
      if (e.isDirectory()) {
        entries[`${rel}/`] = "dir";
        walk(full);
      } else {
        entries[rel] = crypto.createHash("sha256").update(fs.readFileSync(full)).digest("hex");
      }
    }
  };
  walk(dir);
  return entries;
}

function report(reports: readonly StackReport[], stack: string): StackReport {
  const r = reports.find((x) => x.stack === stack);
  if (!r) throw new Error(`no report for ${stack} in ${reports.map((x) => x.stack).join(", ")}`);
  return r;
}

function resourceCount(json: Json): number {
  return Object.values((json.resource ?? {}) as Record<string, Record<string, unknown>>).reduce(
    (n, byName) => n + Object.keys(byName).length,
    0,
  );
}

test("the harness runs in mirror mode on this machine (the offline aws provider)", () => {
  expect(source.kind).toBe("mirror");
});

describe("a producer and a consumer stack, planned offline", () => {
  let fixture: Fixture;
  let before: Record<string, string>;
  let reports: StackReport[];

  beforeAll(async () => {
    fixture = synthFixture((app) => producerAndConsumer(app));
    before = snapshot(fixture.root, path.join(fixture.root, "work"));
    reports = await validateApp({ outdir: fixture.outdir, workDir: fixture.workDir, source, env });
  });

  test("cdktf turned the reference into a cross-stack output and a terraform_remote_state read", () => {
    const manifest = readJson(path.join(fixture.outdir, "manifest.json"));
    expect(manifest.stacks["fixture-consumer"].dependencies).toEqual(["fixture-producer"]);
    const consumer = readJson(stackFile(fixture, "fixture-consumer"));
    const remote = Object.values(consumer.data.terraform_remote_state) as Json[];
    expect(remote).toHaveLength(1);
    expect(remote[0].backend).toBe("local");
    expect(Object.keys(readJson(stackFile(fixture, "fixture-producer")).output)).toHaveLength(1);
  });

  test("both stacks are planned and pass, the producer first", () => {
    expect(reports.map((r) => [r.stack, r.mode, r.status])).toEqual([
      ["fixture-producer", "plan", "ok"],
      ["fixture-consumer", "plan", "ok"],
    ]);
  });

  test("each plan adds every resource of its stack and changes nothing else", () => {
    for (const stack of ["fixture-producer", "fixture-consumer"]) {
      const r = report(reports, stack);
      const resources = resourceCount(readJson(stackFile(fixture, stack)));
      expect(resources).toBe(1);
      expect(r.counts).toEqual({ add: resources, change: 0, destroy: 0, replace: 0 });
      expect(r.detail).toBe(`plan: ${resources} to add, 0 to change, 0 to destroy, 0 to replace`);
    }
    expect(report(reports, "fixture-producer").changes).toEqual(["+ aws_vpc.vpc"]);
    expect(report(reports, "fixture-consumer").changes).toEqual(["+ aws_ssm_parameter.vpc-id"]);
  });

  test("the producer's planned outputs are written as an outputs-only state, with placeholders", () => {
    const state = readJson(path.join(fixture.workDir, "state", "fixture-producer.tfstate"));
    expect(state.version).toBe(4);
    expect(state.resources).toEqual([]);
    const outputs = Object.values(state.outputs) as { value: unknown; type: unknown }[];
    expect(outputs).toHaveLength(1);
    expect(outputs[0].type).toBe("string");
    expect(outputs[0].value).toMatch(/^placeholder-/);
  });

  test("the consumer read the producer's placeholder through terraform_remote_state", async () => {
    const dir = path.join(fixture.workDir, "stacks", "fixture-consumer");
    const scratch = readJson(path.join(dir, "cdk.tf.json"));
    const remote = Object.values(scratch.data.terraform_remote_state) as Json[];
    expect(remote[0].config.path).toBe("../../state/fixture-producer.tfstate");
    expect(fs.existsSync(path.resolve(dir, remote[0].config.path))).toBe(true);

    const placeholder = (Object.values(readJson(path.join(fixture.workDir, "state", "fixture-producer.tfstate")).outputs)[0] as Json).value;
    const show = await terraform(["show", "-json", "plan.tfplan"], dir, env);
    expect(show.code).toBe(0);
    const plan = JSON.parse(show.stdout) as Json;
    const param = (plan.resource_changes as Json[]).find((rc) => rc.address === "aws_ssm_parameter.vpc-id");
    expect(param?.change.actions).toEqual(["create"]);
    expect(param?.change.after.value).toBe(placeholder);
  });

  test("the consumer was planned after the producer's state was written", () => {
    const producerState = fs.statSync(path.join(fixture.workDir, "state", "fixture-producer.tfstate")).mtimeMs;
    const consumerPlan = fs.statSync(path.join(fixture.workDir, "stacks", "fixture-consumer", "plan.tfplan")).mtimeMs;
    expect(consumerPlan).toBeGreaterThanOrEqual(producerState);
  });

  test("nothing outside the work folder is written: the synthesized app is unchanged and holds no state", () => {
    expect(snapshot(fixture.root, path.join(fixture.root, "work"))).toEqual(before);
    const files = Object.keys(before);
    expect(files.filter((f) => f.endsWith(".tfstate") || f.includes(".terraform") || f.endsWith(".tfplan"))).toEqual([]);
    // The state folder that the synthesized local backend points at was never created.
    expect(fs.existsSync(path.join(fixture.root, "environments"))).toBe(false);
  });
});

describe("failures", () => {
  let fixture: Fixture;
  let reports: StackReport[];

  beforeAll(async () => {
    fixture = synthFixture((app) => {
      producerAndConsumer(app);
      const addons = new PlatformStack(app, "addons", { config: offline() });
      new SsmParameter(addons, "p", { name: "/fixture/addons", type: "String", value: "x" });
    });
    // The producer references a resource it does not declare.
    editStack(fixture, "fixture-producer", (json) => {
      json.output.broken = { value: "${aws_vpc.missing.id}" };
    });
    // The add-ons stack needs the kubernetes provider, which the offline mirror does not have.
    editStack(fixture, "fixture-addons", (json) => {
      json.terraform.required_providers.kubernetes = { source: "hashicorp/kubernetes", version: "2.36.0" };
    });
    reports = await validateApp({ outdir: fixture.outdir, workDir: fixture.workDir, source, env });
  });

  test("every stack is reported, each after its upstream stacks", () => {
    expect(reports.map((r) => r.stack)).toEqual(["fixture-addons", "fixture-producer", "fixture-consumer"]);
  });

  test("a stack that references an undeclared resource fails terraform validate", () => {
    const r = report(reports, "fixture-producer");
    expect(r.status).toBe("failed");
    expect(r.mode).toBe("plan");
    expect(r.detail.startsWith("terraform validate failed:\n")).toBe(true);
    expect(r.detail).toContain("Reference to undeclared resource");
    expect(r.detail).toContain("aws_vpc.missing");
    expect(r.counts).toBeUndefined();
    expect(fs.existsSync(path.join(fixture.workDir, "state", "fixture-producer.tfstate"))).toBe(false);
  });

  test("a stack downstream of a failed stack fails without running terraform", () => {
    const r = report(reports, "fixture-consumer");
    expect(r.status).toBe("failed");
    expect(r.detail).toBe(
      "upstream stack fixture-producer was not planned, so this stack's remote state cannot be supplied",
    );
    expect(fs.existsSync(path.join(fixture.workDir, "stacks", "fixture-consumer"))).toBe(false);
  });

  test("a stack that needs a provider the mirror lacks is not validated, and the provider is named", () => {
    const r = report(reports, "fixture-addons");
    expect(r.status).toBe("not-validated");
    expect(r.detail).toBe("providers not available offline: kubernetes 2.36.0");
    expect(fs.existsSync(path.join(fixture.workDir, "stacks", "fixture-addons"))).toBe(false);
  });
});

describe("a stack that cannot be planned offline (S3 backend, real credentials)", () => {
  let reports: StackReport[];

  beforeAll(async () => {
    const fixture = synthFixture((app) => {
      const stack = new PlatformStack(app, "remote", {
        config: testEnvironmentConfig({ name: "fixture", backend: { type: "s3", bucket: "acme-fixture-state" } }),
      });
      new Vpc(stack, "vpc", { cidrBlock: "10.1.0.0/16" });
    });
    reports = await validateApp({ outdir: fixture.outdir, workDir: fixture.workDir, source, env });
  });

  test("is initialized without its backend and validated, and passes", () => {
    expect(reports).toHaveLength(1);
    const [r] = reports;
    expect(r).toMatchObject({ stack: "fixture-remote", mode: "validate", status: "ok", detail: "init and validate passed" });
    expect(r.counts).toBeUndefined();
    expect(r.changes).toBeUndefined();
  });
});

describe("an app that was not synthesized", () => {
  test("is an error that says to synthesize first, and the work folder is left alone", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "validate-harness-"));
    roots.push(root);
    const workDir = path.join(root, "work");
    fs.mkdirSync(workDir);
    fs.writeFileSync(path.join(workDir, "keep"), "x");
    const outdir = path.join(root, "cdktf.out");
    await expect(validateApp({ outdir, workDir, source, env })).rejects.toThrow(
      `${path.join(outdir, "manifest.json")} not found; synthesize first (npm run synth)`,
    );
    expect(fs.readdirSync(workDir)).toEqual(["keep"]);
  });
});
