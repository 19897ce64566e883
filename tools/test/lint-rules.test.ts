// The repository's lint rules that carry weight (eslint.config.mjs), proven on small sources
// linted as if they were files of the projects they name.
//
// ESLint loads the flat config (eslint.config.mjs) with a dynamic import(), which Jest's module
// sandbox refuses without --experimental-vm-modules; so the ESLint Node API runs in a child Node
// process, which lints every case of this file in one go.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** The repository root: the folder above this one that holds nx.json. */
function findRepoRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, "nx.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no nx.json above ${start}`);
    dir = parent;
  }
  return dir;
}

const repoRoot = findRepoRoot(__dirname);

interface LintMessage {
  readonly ruleId: string | null;
  readonly severity: number;
  readonly message: string;
  readonly line: number;
}

/** `@cdktf/provider-<name>`, spelled so that searches for root imports in the code base skip these fixtures. */
const provider = (name: string) => ["@cdktf", `provider-${name}`].join("/");

/** Source and (repository-relative) file path of each case; the files need not exist. */
const cases = {
  awsRoot: {
    file: "stacks/src/lint-fixture.ts",
    code: `import { vpc } from "${provider("aws")}";\nexport const Vpc = vpc.Vpc;\n`,
  },
  awsLibIndex: {
    file: "stacks/src/lint-fixture.ts",
    code: 'export { vpc } from "@cdktf/provider-aws/lib";\n',
  },
  kubernetesAndHelmRoots: {
    file: "stacks/src/lint-fixture.ts",
    code: `import * as k8s from "${provider("kubernetes")}";\nimport * as helm from "${provider("helm")}";\nexport const all = [k8s, helm];\n`,
  },
  awsPerResource: {
    file: "stacks/src/lint-fixture.ts",
    code: 'import { Vpc } from "@cdktf/provider-aws/lib/vpc";\nexport const VpcClass = Vpc;\n',
  },
  deepImport: {
    file: "stacks/src/lint-fixture.ts",
    code: 'import { x } from "@platform/core/src/x";\nexport const y = x;\n',
  },
  constructImportsStacks: {
    file: "packages/vpc/src/lint-fixture.ts",
    code: 'import { NetworkStack } from "@platform/stacks";\nexport const S = NetworkStack;\n',
  },
  environmentImportsConstruct: {
    file: "environments/local/lint-fixture.ts",
    code: 'import { Vpc } from "@platform/vpc";\nexport const V = Vpc;\n',
  },
  environmentImportsStacks: {
    file: "environments/local/lint-fixture.ts",
    code: 'import { NetworkStack } from "@platform/stacks";\nexport const S = NetworkStack;\n',
  },
  constructImportsCore: {
    file: "packages/vpc/src/lint-fixture.ts",
    code: 'import { PlatformStack } from "@platform/core";\nexport const S = PlatformStack;\n',
  },
} as const;
type Case = keyof typeof cases;

// Reads the cases as JSON on stdin, lints each with ESLint's Node API, writes the messages as JSON.
const runner = `
import { ESLint } from "eslint";
import * as path from "node:path";
let input = "";
for await (const chunk of process.stdin) input += chunk;
const eslint = new ESLint({ cwd: process.cwd() });
const out = {};
for (const [name, { file, code }] of Object.entries(JSON.parse(input))) {
  const [result] = await eslint.lintText(code, { filePath: path.join(process.cwd(), file) });
  out[name] = result.messages;
}
process.stdout.write("\\nRESULTS " + JSON.stringify(out) + "\\n");
`;

let results: Record<Case, LintMessage[]>;

beforeAll(() => {
  const child = spawnSync(process.execPath, ["--input-type=module", "--eval", runner], {
    cwd: repoRoot,
    input: JSON.stringify(cases),
    encoding: "utf8",
  });
  if (child.status !== 0) throw new Error(`eslint runner failed (${child.status}):\n${child.stderr}`);
  // The Nx plugin may print a warning on stdout (no cached project graph yet): read the results line only.
  const line = child.stdout.split("\n").find((l) => l.startsWith("RESULTS "));
  if (!line) throw new Error(`eslint runner printed no results:\n${child.stdout}`);
  results = JSON.parse(line.slice("RESULTS ".length)) as Record<Case, LintMessage[]>;
});

const errorsOf = (name: Case, rule: string) => results[name].filter((m) => m.ruleId === rule && m.severity === 2);

describe("provider classes come from their per-resource module", () => {
  test("importing @cdktf/provider-aws from the package root (in stacks/src) is a no-restricted-imports error that says why", () => {
    const errors = errorsOf("awsRoot", "no-restricted-imports");
    expect(errors).toHaveLength(1);
    expect(errors[0].line).toBe(1);
    expect(errors[0].message).toBe(
      "'@cdktf/provider-aws' import is restricted from being used. import the resource from '@cdktf/provider-aws/lib/<resource>': the package root loads every resource class (about 8x slower synth, 10x memory)",
    );
    expect(results.awsRoot).toHaveLength(1);
  });

  test("@cdktf/provider-aws/lib (the index of every resource) is an error too", () => {
    const errors = errorsOf("awsLibIndex", "no-restricted-imports");
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toContain("import the resource from '@cdktf/provider-aws/lib/<resource>'");
  });

  test("the kubernetes and helm providers have the same rule", () => {
    const errors = errorsOf("kubernetesAndHelmRoots", "no-restricted-imports");
    expect(errors.map((e) => e.line)).toEqual([1, 2]);
    expect(errors[0].message).toContain("'@cdktf/provider-kubernetes/lib/<resource>': the package root loads every resource class");
    expect(errors[1].message).toContain("'@cdktf/provider-helm/lib/<resource>': the package root loads every resource class");
  });

  test("a per-resource import (@cdktf/provider-aws/lib/vpc) is fine", () => {
    expect(results.awsPerResource).toEqual([]);
  });
});

describe("module boundaries", () => {
  test("a deep import into another project (@platform/core/src/x) is an error", () => {
    const errors = errorsOf("deepImport", "no-restricted-imports");
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toContain("import other projects through their public entry point only");
  });

  test("a construct package (packages/vpc/src) importing @platform/stacks is an @nx/enforce-module-boundaries error", () => {
    const errors = errorsOf("constructImportsStacks", "@nx/enforce-module-boundaries");
    expect(errors).toHaveLength(1);
    expect(errors[0].line).toBe(1);
    // stacks depends on vpc, so the import would close a cycle: nx reports that first.
    expect(errors[0].message).toMatch(/Circular dependency between "@platform\/vpc" and "@platform\/stacks"/);
  });

  test("an environment importing a construct package directly breaks the tag constraints", () => {
    const errors = errorsOf("environmentImportsConstruct", "@nx/enforce-module-boundaries");
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toBe('A project tagged with "scope:environment" can only depend on libs tagged with "scope:core", "scope:stacks"');
  });

  test("imports along the allowed direction are fine", () => {
    expect(results.environmentImportsStacks).toEqual([]);
    expect(results.constructImportsCore).toEqual([]);
  });
});
