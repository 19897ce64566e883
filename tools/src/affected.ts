// Which environments a change between two git refs touches, through the Nx project graph: a
// change to a package plans every environment that (transitively) depends on it, a change to
// `environments/dev` plans dev alone, and a change to root configuration that every project
// builds with plans them all.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT, UsageError } from "./workspace";

/** Projects by name, with their folder and the projects they depend on. */
export interface ProjectGraph {
  readonly projects: Readonly<Record<string, { readonly root: string; readonly dependsOn: readonly string[] }>>;
}

/** Root files that every project builds or synthesizes with: a change to one affects every environment. */
export const GLOBAL_FILES = ["package.json", "package-lock.json", "tsconfig.base.json", "tsconfig.json", "nx.json"];

/** Files inside a project that never change what it synthesizes: tests, documentation, lint and test configuration. */
const NOT_SYNTHESIZED = [/(^|\/)test\//, /\.test\.ts$/, /\.md$/, /(^|\/)jest\.config\.js$/, /(^|\/)\.eslintrc/, /(^|\/)cdktf\.out\//];

export interface AffectedEnvironments {
  /** Environment names (the folders of `environments/`), sorted. */
  readonly environments: readonly string[];
  /** Why each environment is affected: the changed files that reach it. */
  readonly reasons: Readonly<Record<string, readonly string[]>>;
}

/** The environments that the changed files (paths relative to the repository root) affect. */
export function affectedEnvironments(graph: ProjectGraph, changedFiles: readonly string[]): AffectedEnvironments {
  const environments = Object.entries(graph.projects)
    .filter(([, p]) => /^environments\/[^/]+$/.test(p.root))
    .map(([name, p]) => ({ name, env: p.root.slice("environments/".length) }));
  const reasons: Record<string, string[]> = {};
  const add = (env: string, file: string) => (reasons[env] ??= []).includes(file) || reasons[env].push(file);

  for (const file of changedFiles) {
    if (GLOBAL_FILES.includes(file)) {
      environments.forEach(({ env }) => add(env, file));
      continue;
    }
    if (NOT_SYNTHESIZED.some((pattern) => pattern.test(file))) continue;
    const owner = projectOf(graph, file);
    if (!owner) continue;
    for (const { name, env } of environments) {
      if (dependsOn(graph, name, owner)) add(env, file);
    }
  }
  const sorted = Object.keys(reasons).sort();
  return { environments: sorted, reasons: Object.fromEntries(sorted.map((env) => [env, reasons[env]])) };
}

/** The project whose folder holds the file (the deepest one), if any. */
export function projectOf(graph: ProjectGraph, file: string): string | undefined {
  let best: { name: string; depth: number } | undefined;
  for (const [name, project] of Object.entries(graph.projects)) {
    const root = project.root.replace(/\/$/, "");
    if (root !== "." && root !== "" && (file === root || file.startsWith(`${root}/`)) && (!best || root.length > best.depth)) {
      best = { name, depth: root.length };
    }
  }
  return best?.name;
}

/** Whether `project` is `target` or depends on it, directly or through other projects. */
function dependsOn(graph: ProjectGraph, project: string, target: string, seen = new Set<string>()): boolean {
  if (project === target) return true;
  if (seen.has(project)) return false;
  seen.add(project);
  return (graph.projects[project]?.dependsOn ?? []).some((dep) => dependsOn(graph, dep, target, seen));
}

/** The workspace's project graph, from `nx graph --file`. */
export function readProjectGraph(repoRoot = REPO_ROOT): ProjectGraph {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "nx-graph-")), "graph.json");
  try {
    execFileSync(process.execPath, [require.resolve("nx/bin/nx.js"), "graph", `--file=${file}`], {
      cwd: repoRoot,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, NX_DAEMON: "false", NX_NO_CLOUD: "true" },
    });
    const raw = JSON.parse(fs.readFileSync(file, "utf8")) as {
      graph: { nodes: Record<string, { data: { root: string } }>; dependencies: Record<string, { target: string }[]> };
    };
    const projects = Object.fromEntries(
      Object.entries(raw.graph.nodes).map(([name, node]) => [
        name,
        { root: node.data.root, dependsOn: (raw.graph.dependencies[name] ?? []).map((d) => d.target).filter((t) => t in raw.graph.nodes) },
      ]),
    );
    return { projects };
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

/** A usage error unless `ref` names a commit of the repository. */
export function verifyRef(ref: string, repoRoot = REPO_ROOT): void {
  try {
    execFileSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd: repoRoot, stdio: "ignore" });
  } catch {
    throw new UsageError(`git ref ${JSON.stringify(ref)} is not a commit here (fetch it, e.g. actions/checkout with fetch-depth: 0)`);
  }
}

/** Files changed between the merge base of two refs and `head` (what a pull request changes). */
export function changedFiles(base: string, head: string, repoRoot = REPO_ROOT): string[] {
  verifyRef(base, repoRoot);
  verifyRef(head, repoRoot);
  return execFileSync("git", ["diff", "--name-only", "--no-renames", `${base}...${head}`], { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
    .split("\n")
    .filter((line) => line.length > 0);
}
