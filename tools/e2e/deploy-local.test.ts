// End to end, on a copy of the local environment, in an AWS emulator (moto) that this test starts
// and stops: `npm run deploy` applies every stack the emulator can host through the real cdktf
// CLI → each stack re-plans with no changes (a perpetual diff fails here) → the configuration
// changes the way a pull request would, and the plan review against the real state shows the
// update, the addition and the replacement → `npm run destroy` → the emulator's own API holds
// none of the environment's resources.
//
// The copy lives in a temporary folder (its own state and output), so the repository's
// environments/local is never touched while other tests read it.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { planDeployed } from "../src/deploy";
import { startMoto, stopEmulator, type Emulator } from "../src/emulator";
import { renderEnvironmentPlan } from "../src/plan-markdown";
import { countChanges } from "../src/plan-json";
import { providerSource, terraform, terraformEnv } from "../src/terraform";
import { ENVIRONMENTS_DIR, REPO_ROOT } from "../src/workspace";

jest.setTimeout(15 * 60_000);

const DEPLOYABLE = ["local-ci-access", "local-ecs", "local-eks", "local-network", "local-registry"];
const root = fs.mkdtempSync(path.join(os.tmpdir(), "deploy-e2e-"));
const envDir = path.join(root, "local");
const stateDir = path.join(root, "state");
const outDir = path.join(root, "out");
let emulator: Emulator;

/** Runs `npm run deploy|destroy` (the command itself, not its functions) on the copy. */
function run(command: "deploy" | "destroy"): Promise<{ code: number; output: string }> {
  const args = ["--import", "tsx", path.join(REPO_ROOT, "tools/src/deploy-cli.ts"), command, "local"];
  args.push("--env-dir", envDir, "--state-dir", stateDir, "--out", outDir, "--emulator-url", emulator.url);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => chunks.push(d));
    child.stderr.on("data", (d: Buffer) => chunks.push(d));
    child.on("close", (code) => resolve({ code: code ?? 1, output: Buffer.concat(chunks).toString("utf8") }));
  });
}

function editConfig(edit: (text: string) => string): void {
  const file = path.join(envDir, "config.ts");
  fs.writeFileSync(file, edit(fs.readFileSync(file, "utf8")));
}

function inventory(): Record<string, string[]> {
  const result = spawnSync("python3", [path.join(__dirname, "emulator-inventory.py"), emulator.url, "us-east-1", "local"], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`emulator inventory failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, string[]>;
}

beforeAll(async () => {
  fs.mkdirSync(envDir);
  for (const f of ["config.ts", "main.ts", "cdktf.json"]) fs.copyFileSync(path.join(ENVIRONMENTS_DIR, "local", f), path.join(envDir, f));
  fs.writeFileSync(path.join(envDir, "tsconfig.json"), JSON.stringify({ extends: path.join(REPO_ROOT, "tsconfig.base.json"), include: ["*.ts"] }));
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(root, "node_modules"));
  emulator = await startMoto({ accountId: "000000000000", logFile: path.join(root, "moto.log") });
});

afterAll(() => {
  if (emulator) stopEmulator(emulator);
  fs.rmSync(root, { recursive: true, force: true });
});

let deployed: { code: number; output: string };

test("npm run deploy applies every stack the emulator can host, and names what it leaves out", async () => {
  deployed = await run("deploy");
  expect(deployed.output).toContain("Deployed local to the AWS emulator");
  expect(deployed.code).toBe(0);
  // Each stack's row: its resources in state (the changes column comes from cdktf's output).
  for (const stack of DEPLOYABLE) expect(deployed.output).toMatch(new RegExp(`^  ${stack} +[1-9]\\d* +(\\d+ added|no changes)`, "m"));
  expect(deployed.output).toMatch(/stack local-eks-addons: .*Kubernetes API/);
  expect(deployed.output).toMatch(/stack local-eks-workloads: .*Kubernetes API/);
  // Services behind their load balancers, with certificates and DNS records, queues, the scheduled task, the EC2 capacity.
  const ecs = JSON.parse(fs.readFileSync(path.join(stateDir, "local-ecs.tfstate"), "utf8")) as { resources: { type: string; name: string }[] };
  const types = new Set(ecs.resources.map((r) => r.type));
  for (const type of ["aws_lb", "aws_lb_listener", "aws_acm_certificate_validation", "aws_route53_record", "aws_ecs_service", "aws_sqs_queue", "aws_scheduler_schedule", "aws_autoscaling_group", "aws_ecs_capacity_provider"]) {
    expect([type, types.has(type)]).toEqual([type, true]);
  }
  expect(deployed.output).toMatch(/Load balancers:\n  local-orders-api  \S+elb\.amazonaws\.com/);
  expect(deployed.output).toContain("000000000000.dkr.ecr.us-east-1.amazonaws.com/orders-api");
});

test("every deployed stack plans no changes against its real state (no perpetual diff)", async () => {
  expect(deployed.code).toBe(0);
  const env = terraformEnv(providerSource());
  const plans = await Promise.all(
    DEPLOYABLE.map(async (stack) => {
      const result = await terraform(["plan", "-detailed-exitcode", "-lock=false", "-no-color", "-input=false"], path.join(outDir, "stacks", stack), env);
      const changes = result.stdout.split("\n").filter((l) => /^\s+# .* (will be|must be)/.test(l));
      return { stack, code: result.code, changes, error: result.code === 1 ? result.stderr : "" };
    }),
  );
  expect(plans).toEqual(DEPLOYABLE.map((stack) => ({ stack, code: 0, changes: [], error: "" })));
});

test("a pull request's change, planned against the real state: an update, an addition and a replacement", async () => {
  expect(deployed.code).toBe(0);
  editConfig((text) =>
    text
      // An image tag: the task definition gets a new revision and the service updates in place.
      .replace(/("orders-api": \{\n\s+runtime: "ecs-fargate",\n\s+image: \{ repository: "orders-api", tag: )"1\.4\.2"/, '$1"1.5.0"')
      // A new port: the target group must be replaced.
      .replace(/port: 8080,/, "port: 8081,")
      // A new service.
      .replace(/services: \{\n/, 'services: {\n    "orders-audit": { runtime: "ecs-fargate", image: { repository: "orders-api", tag: "1.4.2" }, cpu: 256, memoryMiB: 512 },\n'),
  );
  const plan = await planDeployed({ env: "local", envDir, stateDir, outDir, emulatorUrl: emulator.url });
  expect(plan).toBeDefined();
  const ecs = plan!.stacks.find((s) => s.stack === "local-ecs")!;
  expect(ecs.error).toBeUndefined();
  const counts = countChanges(ecs.plan!);
  expect(counts.add).toBeGreaterThan(0);
  expect(counts.change).toBeGreaterThan(0);
  expect(counts.replace).toBeGreaterThan(0);
  for (const stack of ["local-network", "local-registry", "local-ci-access", "local-eks"]) {
    const other = countChanges(plan!.stacks.find((s) => s.stack === stack)!.plan!);
    expect([stack, other.add + other.change + other.destroy + other.replace]).toEqual([stack, 0]);
  }
  expect(plan!.stacks.find((s) => s.stack === "local-eks-addons")!.skipped).toMatch(/not deployed to the AWS emulator/);

  const comment = renderEnvironmentPlan(plan!)!;
  expect(comment).toMatch(/- `aws_lb_target_group\.Services_orders-api_\S+` in `local-ecs`: \*\*replaced\*\* because `port` changed/);
  expect(comment).toMatch(/- `aws_ecs_task_definition\.Services_orders-api_\S+` in `local-ecs`: \*\*replaced\*\* because `container_definitions` changed/);
  expect(comment).toContain("aws_ecs_service.Services_orders-audit_Service_");
  expect(comment).toMatch(/^~ +aws_ecs_service\.Services_orders-api_Service_\w+$/m);
  expect(comment).toMatch(/^\+ +aws_ecs_service\.Services_orders-audit_Service_\w+$/m);
});

test("npm run destroy removes every stack, and the emulator holds none of the environment's resources", async () => {
  expect(deployed.code).toBe(0);
  expect(Object.keys(inventory()).length).toBeGreaterThan(10);
  const destroyed = await run("destroy");
  expect(destroyed.output).toContain("Destroyed 5 stack(s) of local");
  expect(destroyed.code).toBe(0);
  expect(inventory()).toEqual({});
  expect(fs.readdirSync(stateDir).filter((f) => f.endsWith(".tfstate"))).toEqual([]);
});
