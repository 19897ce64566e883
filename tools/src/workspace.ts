import * as fs from "node:fs";
import * as path from "node:path";

/** The repository root: the folder that holds nx.json, above this file. */
export const REPO_ROOT = findUp(__dirname, "nx.json");

/** `environments/`, one folder per environment. */
export const ENVIRONMENTS_DIR = path.join(REPO_ROOT, "environments");

/** The environments: folders of `environments/` that hold a `cdktf.json`, sorted by name. */
export function listEnvironments(): string[] {
  return fs
    .readdirSync(ENVIRONMENTS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(ENVIRONMENTS_DIR, d.name, "cdktf.json")))
    .map((d) => d.name)
    .sort();
}

/**
 * The environments named on the command line, or all of them. An unknown name is an error that
 * lists the known ones.
 */
export function selectEnvironments(names: readonly string[]): string[] {
  const known = listEnvironments();
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown environment ${unknown.map((n) => JSON.stringify(n)).join(", ")} (environments: ${known.join(", ")})`,
    );
  }
  return names.length > 0 ? [...new Set(names)] : known;
}

/** A command-line mistake: printed without a stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Runs a command's main function and sets the exit code it returns. A `UsageError` is printed
 * without a stack trace and exits 2; anything else is a bug and keeps its stack trace.
 */
export function runCli(main: () => number | Promise<number>): void {
  Promise.resolve()
    .then(main)
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        if (!(error instanceof UsageError)) throw error;
        process.stderr.write(`error: ${error.message}\n`);
        process.exitCode = 2;
      },
    );
}

function findUp(start: string, marker: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, marker))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no ${marker} above ${start}`);
    dir = parent;
  }
  return dir;
}
