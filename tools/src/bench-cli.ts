// npm run bench [-- --runs N]: wall time and peak memory of synthesizing the environments,
// measured on the same command as `npm run synth`, median of several runs, printed as a table.
// A benchmark, not a test: nothing here fails on a slow machine.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT, listEnvironments } from "./workspace";

interface Sample {
  readonly seconds: number;
  readonly peakMiB: number;
}

function run(args: string[]): Sample {
  const usageFile = path.join(os.tmpdir(), `platform-bench-${process.pid}.json`);
  const started = performance.now();
  const child = spawnSync(process.execPath, ["tools/bin/synth.js", ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, PLATFORM_USAGE_FILE: usageFile },
    encoding: "utf8",
  });
  const seconds = (performance.now() - started) / 1000;
  if (child.status !== 0) throw new Error(`synth failed:\n${child.stderr}`);
  const usage = JSON.parse(fs.readFileSync(usageFile, "utf8")) as { maxRssKiB: number };
  fs.rmSync(usageFile, { force: true });
  return { seconds, peakMiB: usage.maxRssKiB / 1024 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function main(argv: string[]): void {
  const runsFlag = argv.indexOf("--runs");
  const runs = runsFlag >= 0 ? Number(argv[runsFlag + 1]) : 7;
  if (!Number.isInteger(runs) || runs < 1 || runs > 100) {
    process.stderr.write(`error: --runs must be a whole number from 1 to 100, got ${JSON.stringify(argv[runsFlag + 1])}\n`);
    process.exitCode = 2;
    return;
  }
  const environments = listEnvironments();
  const cases: [string, string[]][] = [[`all (${environments.join(", ")})`, []], ...environments.map((e): [string, string[]] => [e, [e]])];
  run([]); // warm the file system cache; not counted
  const rows = cases.map(([label, args]) => {
    const samples = Array.from({ length: runs }, () => run(args));
    return {
      label,
      wall: median(samples.map((s) => s.seconds)),
      wallMin: Math.min(...samples.map((s) => s.seconds)),
      wallMax: Math.max(...samples.map((s) => s.seconds)),
      peak: median(samples.map((s) => s.peakMiB)),
      peakMax: Math.max(...samples.map((s) => s.peakMiB)),
    };
  });
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  process.stdout.write(`synth benchmark: ${runs} runs each, node ${process.version}, ${os.cpus().length} x ${cpu}\n\n`);
  process.stdout.write("| synthesized | wall median (s) | wall min-max (s) | peak RSS median (MiB) | peak RSS max (MiB) |\n");
  process.stdout.write("|---|---:|---:|---:|---:|\n");
  for (const r of rows) {
    process.stdout.write(
      `| ${r.label} | ${r.wall.toFixed(2)} | ${r.wallMin.toFixed(2)}-${r.wallMax.toFixed(2)} | ${r.peak.toFixed(0)} | ${r.peakMax.toFixed(0)} |\n`,
    );
  }
}

main(process.argv.slice(2));
