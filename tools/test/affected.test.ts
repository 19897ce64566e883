import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { affectedEnvironments, changedFiles, projectOf, readProjectGraph, type ProjectGraph } from "../src/affected";
import { parseRefs } from "../src/affected-cli";
import { REPO_ROOT, UsageError } from "../src/workspace";

// The real project graph of this workspace, from Nx.
let graph: ProjectGraph;
beforeAll(() => {
  graph = readProjectGraph();
});

const ALL = ["dev", "local", "prod", "staging"];

describe("the project graph", () => {
  test("holds every package, the stacks, the tools and one project per environment, with their dependencies", () => {
    expect(graph.projects["@platform/env-dev"]).toEqual({ root: "environments/dev", dependsOn: expect.arrayContaining(["@platform/stacks"]) });
    expect(graph.projects["@platform/stacks"].dependsOn).toEqual(expect.arrayContaining(["@platform/ecr", "@platform/ecs", "@platform/eks", "@platform/vpc"]));
    expect(projectOf(graph, "packages/ecr/src/repository.ts")).toBe("@platform/ecr");
    expect(projectOf(graph, "environments/prod/config.ts")).toBe("@platform/env-prod");
    expect(projectOf(graph, "terraform/mirror.tfrc")).toBeUndefined();
  });
});

describe("affected environments", () => {
  test.each<[string, string[], string[]]>([
    ["a change to a package every environment uses (through the stacks)", ["packages/ecr/src/repository.ts"], ALL],
    ["a change to the EKS package", ["packages/eks/src/eks-cluster.ts"], ALL],
    ["a change to the stacks", ["stacks/src/network-stack.ts"], ALL],
    ["a change to one environment", ["environments/dev/config.ts"], ["dev"]],
    ["changes to two environments", ["environments/prod/config.ts", "environments/local/main.ts"], ["local", "prod"]],
    ["the lockfile (provider and library versions)", ["package-lock.json"], ALL],
    ["the shared TypeScript configuration", ["tsconfig.base.json"], ALL],
    ["documentation only", ["README.md", "packages/ecr/README.md", "environments/dev/README.md"], []],
    ["tests only", ["packages/ecr/test/repository.test.ts", "stacks/test/eks-stack.test.ts"], []],
    ["the workspace tools", ["tools/src/validate.ts"], []],
    ["workflows and Terraform CLI configuration", [".github/workflows/ci.yml", "terraform/mirror.tfrc"], []],
  ])("%s", (_what, files, expected) => {
    expect(affectedEnvironments(graph, files).environments).toEqual(expected);
  });

  test("says which changed files reach each environment", () => {
    const result = affectedEnvironments(graph, ["environments/dev/config.ts", "packages/vpc/src/vpc.ts", "README.md"]);
    expect(result.reasons).toEqual({
      dev: ["environments/dev/config.ts", "packages/vpc/src/vpc.ts"],
      local: ["packages/vpc/src/vpc.ts"],
      prod: ["packages/vpc/src/vpc.ts"],
      staging: ["packages/vpc/src/vpc.ts"],
    });
  });

  test("follows dependencies through any depth, on a graph of its own", () => {
    const small: ProjectGraph = {
      projects: {
        core: { root: "packages/core", dependsOn: [] },
        mid: { root: "packages/mid", dependsOn: ["core"] },
        "env-a": { root: "environments/a", dependsOn: ["mid"] },
        "env-b": { root: "environments/b", dependsOn: [] },
      },
    };
    expect(affectedEnvironments(small, ["packages/core/src/x.ts"]).environments).toEqual(["a"]);
    expect(affectedEnvironments(small, ["environments/b/config.ts"]).environments).toEqual(["b"]);
  });
});

describe("changed files between two refs", () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" }).trim();
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    fs.writeFileSync(path.join(repo, file), text);
  };

  beforeAll(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), "affected-git-"));
    git("init", "-q", "-b", "main");
    git("config", "user.email", "test@example.com");
    git("config", "user.name", "test");
    write("environments/dev/config.ts", "1");
    git("add", ".");
    git("commit", "-qm", "base");
    git("checkout", "-qb", "feature");
    write("packages/ecr/src/repository.ts", "2");
    git("add", ".");
    git("commit", "-qm", "feature");
    // main moves on after the branch: its changes are not the pull request's.
    git("checkout", "-q", "main");
    write("environments/prod/config.ts", "3");
    git("add", ".");
    git("commit", "-qm", "main moves on");
  });
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  test("are what the head changed since the merge base, not what the base changed since", () => {
    expect(changedFiles("main", "feature", repo)).toEqual(["packages/ecr/src/repository.ts"]);
  });

  test("an unknown ref is a usage error that says how to fix it", () => {
    expect(() => changedFiles("origin/nope", "feature", repo)).toThrow(
      new UsageError('git ref "origin/nope" is not a commit here (fetch it, e.g. actions/checkout with fetch-depth: 0)'),
    );
  });
});

describe("npm run affected", () => {
  test("arguments: --base is required, --head defaults to HEAD, unknown ones are refused", () => {
    expect(parseRefs(["--base", "origin/main"])).toEqual({ base: "origin/main", head: "HEAD", json: false });
    expect(parseRefs(["--base", "a", "--head", "b", "--json"])).toEqual({ base: "a", head: "b", json: true });
    expect(() => parseRefs([])).toThrow(new UsageError("--base <ref> is required: the ref the change is compared with, such as origin/main"));
    expect(() => parseRefs(["--base"])).toThrow(new UsageError("--base needs a git ref, such as origin/main"));
    expect(() => parseRefs(["--base", "a", "--env", "dev"])).toThrow(new UsageError('unknown argument "--env" (usage: --base <ref> [--head <ref>] [--json])'));
  });

  test("prints the affected environments of this repository's last commit and writes them to GITHUB_OUTPUT", () => {
    const output = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gh-out-")), "out");
    const run = spawnSync(process.execPath, ["--import", "tsx", "tools/src/affected-cli.ts", "--base", "HEAD", "--head", "HEAD"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: { ...process.env, GITHUB_OUTPUT: output },
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("");
    expect(fs.readFileSync(output, "utf8")).toBe("environments=[]\n");
  });

  test("a bad argument exits 2 with the message and no stack trace", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "tools/src/affected-cli.ts"], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("error: --base <ref> is required: the ref the change is compared with, such as origin/main\n");
  });
});
