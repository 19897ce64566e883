// The command-line tools run as `npm run synth|validate` runs them: a child Node process with tsx,
// from the repository root.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ENVIRONMENTS_DIR, REPO_ROOT, listEnvironments } from "../src/workspace";

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(script: string, args: readonly string[]): Run {
  const child = spawnSync(process.execPath, ["--import", "tsx", path.join("tools", "src", script), ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, PLATFORM_USAGE_FILE: "" },
  });
  if (child.error) throw child.error;
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

const KNOWN = "environments: dev, local, prod, staging";

test("the repository's environments are dev, local, prod and staging", () => {
  expect(listEnvironments()).toEqual(["dev", "local", "prod", "staging"]);
});

describe.each(["synth-cli.ts", "validate-cli.ts"])("%s", (script) => {
  test("an unknown environment is a usage error: one line on stderr, exit 2, no stack trace", () => {
    const run = cli(script, ["nope"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`error: unknown environment "nope" (${KNOWN})\n`);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout).toBe("");
  });

  test("every unknown name is listed, known ones are not", () => {
    const run = cli(script, ["local", "nope", "nah"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`error: unknown environment "nope", "nah" (${KNOWN})\n`);
    expect(run.stdout).toBe("");
  });
});

test("validate-cli.ts rejects an unknown option as a usage error", () => {
  const run = cli("validate-cli.ts", ["--bogus", "local"]);
  expect(run.status).toBe(2);
  expect(run.stderr).toBe('error: unknown option "--bogus" (options: --list, to list every planned change)\n');
  expect(run.stdout).toBe("");
});

test("synth-cli.ts local synthesizes environments/local/cdktf.out with the local-network stack", () => {
  const outdir = path.join(ENVIRONMENTS_DIR, "local", "cdktf.out");
  const run = cli("synth-cli.ts", ["local"]);
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/^synthesized local -> environments\/local\/cdktf\.out \(\d+ ms\)\n$/);
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  expect(Object.keys(manifest.stacks)).toContain("local-network");
  const stack = JSON.parse(fs.readFileSync(path.join(outdir, manifest.stacks["local-network"].synthesizedStackPath), "utf8"));
  expect(Object.keys(stack.terraform.backend)).toEqual(["local"]);
  // No staging folder is left next to the output.
  expect(fs.readdirSync(path.join(ENVIRONMENTS_DIR, "local")).filter((f) => f.startsWith("cdktf.out.tmp-"))).toEqual([]);
});

describe("npm run synth (tools/bin/synth.js: synth-cli.ts as one esbuild bundle)", () => {
  const launcher = (args: readonly string[]) => spawnSync(process.execPath, [path.join("tools", "bin", "synth.js"), ...args], { cwd: REPO_ROOT, encoding: "utf8" });
  const snapshot = (env: string) => {
    const outdir = path.join(ENVIRONMENTS_DIR, env, "cdktf.out");
    const files: Record<string, string> = {};
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else files[path.relative(outdir, full)] = fs.readFileSync(full, "utf8");
      }
    };
    walk(outdir);
    return files;
  };

  test("writes exactly what the TypeScript sources write, for every environment", () => {
    for (const env of listEnvironments()) {
      expect(cli("synth-cli.ts", [env]).status).toBe(0);
      const fromSources = snapshot(env);
      const run = launcher([env]);
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      expect(snapshot(env)).toEqual(fromSources);
    }
  });

  test("keeps one bundle, named after a hash of the sources, and reuses it", () => {
    const cache = path.join(REPO_ROOT, "node_modules", ".cache", "platform-synth");
    expect(launcher(["local"]).status).toBe(0);
    const first = fs.readdirSync(cache);
    expect(first).toEqual([expect.stringMatching(/^synth-[0-9a-f]{16}\.js$/)]);
    const built = fs.statSync(path.join(cache, first[0])).mtimeMs;
    expect(launcher(["local"]).status).toBe(0);
    expect(fs.readdirSync(cache)).toEqual(first);
    expect(fs.statSync(path.join(cache, first[0])).mtimeMs).toBe(built);
  });

  test("reports bad input as the sources do: one line, exit 2", () => {
    const run = launcher(["nope"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`error: unknown environment "nope" (${KNOWN})\n`);
  });
});

test("synths of one environment at the same time all succeed and leave one complete output (a test run beside a plan review)", async () => {
  const { spawn } = await import("node:child_process");
  const once = () =>
    new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [path.join("tools", "bin", "synth.js"), "local"], { cwd: REPO_ROOT, stdio: "ignore" });
      child.on("exit", resolve);
    });
  expect(await Promise.all([once(), once(), once()])).toEqual([0, 0, 0]);
  const outdir = path.join(ENVIRONMENTS_DIR, "local", "cdktf.out");
  expect(fs.existsSync(path.join(outdir, "manifest.json"))).toBe(true);
  expect(fs.readdirSync(path.join(ENVIRONMENTS_DIR, "local")).filter((f) => f.includes(".tmp-"))).toEqual([]);
});

test("every local state path in the synthesized output (backends and remote-state reads, every stack) is relative and stays in the environment's state folder", () => {
  expect(spawnSync(process.execPath, [path.join("tools", "bin", "synth.js")], { cwd: REPO_ROOT, encoding: "utf8" }).status).toBe(0);
  let checked = 0;
  for (const env of listEnvironments()) {
    const outdir = path.join(ENVIRONMENTS_DIR, env, "cdktf.out");
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
    for (const entry of Object.values(manifest.stacks)) {
      const file = path.join(outdir, entry.synthesizedStackPath);
      const json = JSON.parse(fs.readFileSync(file, "utf8"));
      const paths: string[] = [
        ...(json.terraform?.backend?.local ? [json.terraform.backend.local.path] : []),
        ...Object.values((json.data?.terraform_remote_state ?? {}) as Record<string, { backend: string; config: { path?: string } }>)
          .filter((r) => r.backend === "local")
          .map((r) => r.config.path!),
      ];
      for (const statePath of paths) {
        expect(path.isAbsolute(statePath)).toBe(false);
        expect(path.relative(path.join(ENVIRONMENTS_DIR, env, "state"), path.resolve(path.dirname(file), statePath)).startsWith("..")).toBe(false);
        checked++;
      }
    }
  }
  // local's 7 stacks each have a backend, and they read each other's state 8 times.
  expect(checked).toBe(15);
});
