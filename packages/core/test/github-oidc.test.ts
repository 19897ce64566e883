import { githubSubjects, type GithubTrust } from "../src";

/** The subjects of a trust; fails the test when the trust is refused. */
function subjects(trust: GithubTrust): string[] {
  const result = githubSubjects(trust);
  if ("problem" in result) throw new Error(`expected subjects, got the problem: ${result.problem}`);
  return result.subjects;
}

/** The reason a trust is refused; fails the test when it is accepted. */
function problem(trust: GithubTrust): string {
  const result = githubSubjects(trust);
  if ("subjects" in result) throw new Error(`expected a problem, got the subjects: ${JSON.stringify(result.subjects)}`);
  return result.problem;
}

describe("githubSubjects: the sub claims of a trust", () => {
  test("branches are pushes to refs/heads/<branch>", () => {
    expect(subjects({ repository: "acme/app", branches: ["main", "release/*"] })).toEqual([
      "repo:acme/app:ref:refs/heads/main",
      "repo:acme/app:ref:refs/heads/release/*",
    ]);
  });

  test("environments are jobs in those GitHub environments", () => {
    expect(subjects({ repository: "acme/app", environments: ["production", "staging-eu"] })).toEqual([
      "repo:acme/app:environment:production",
      "repo:acme/app:environment:staging-eu",
    ]);
  });

  test("pull requests are one pull_request subject", () => {
    expect(subjects({ repository: "acme/app", pullRequests: true })).toEqual(["repo:acme/app:pull_request"]);
  });

  test("combined: branches, then environments, then pull requests", () => {
    expect(subjects({ repository: "acme/platform", branches: ["main"], environments: ["prod"], pullRequests: true })).toEqual([
      "repo:acme/platform:ref:refs/heads/main",
      "repo:acme/platform:environment:prod",
      "repo:acme/platform:pull_request",
    ]);
  });

  test("pullRequests: false and empty lists add nothing", () => {
    expect(subjects({ repository: "acme/app", branches: ["main"], environments: [], pullRequests: false })).toEqual(["repo:acme/app:ref:refs/heads/main"]);
  });

  test("a whole organization (owner/*) is allowed with named branches or environments", () => {
    expect(subjects({ repository: "acme/*", branches: ["main"] })).toEqual(["repo:acme/*:ref:refs/heads/main"]);
    expect(subjects({ repository: "acme/*", environments: ["build"] })).toEqual(["repo:acme/*:environment:build"]);
  });

  test.each([
    ["dots, underscores and hyphens in the name", "acme/my_app.v2-x", "repo:acme/my_app.v2-x:ref:refs/heads/main"],
    ["hyphens and digits in the owner", "acme-corp2/app", "repo:acme-corp2/app:ref:refs/heads/main"],
    ["a one-letter owner", "a/b", "repo:a/b:ref:refs/heads/main"],
    ["an owner of 39 characters", `${"o".repeat(39)}/app`, `repo:${"o".repeat(39)}/app:ref:refs/heads/main`],
  ])("accepts %s", (_what, repository, subject) => {
    expect(subjects({ repository, branches: ["main"] })).toEqual([subject]);
  });

  test("accepts wildcards inside branch and environment names, and every character GitHub refs use here", () => {
    expect(subjects({ repository: "acme/app", branches: ["release/v1.*", "feat/**", "hot_fix-2"], environments: ["pr-*"] })).toEqual([
      "repo:acme/app:ref:refs/heads/release/v1.*",
      "repo:acme/app:ref:refs/heads/feat/**",
      "repo:acme/app:ref:refs/heads/hot_fix-2",
      "repo:acme/app:environment:pr-*",
    ]);
  });
});

describe("githubSubjects: every problem", () => {
  test.each([["*"], ["*/x"], ["*/*"]])("repository %p matches every owner", (repository) => {
    expect(problem({ repository, branches: ["main"] })).toBe(
      `repository ${JSON.stringify(repository)} matches every owner on GitHub; name one owner/repository`,
    );
  });

  test.each([
    ["three parts", "a/b/c"],
    ["no name", "acme"],
    ["an empty name", "acme/"],
    ["an empty owner", "/app"],
    ["an empty string", ""],
    ["a space in the owner", "ac me/app"],
    ["a space in the name", "acme/my app"],
    ["an underscore in the owner", "acme_corp/app"],
    ["an owner starting with a hyphen", "-acme/app"],
    ["an owner of 40 characters", `${"o".repeat(40)}/app`],
    ["a name of 101 characters", `acme/${"n".repeat(101)}`],
    ["a wildcard inside the name", "acme/app-*"],
    ["a URL", "https://github.com/acme/app"],
  ])("repository with %s is not owner/name", (_what, repository) => {
    expect(problem({ repository, branches: ["main"] })).toBe(`repository ${JSON.stringify(repository)} is not owner/name`);
  });

  test.each([
    ["nothing", {}],
    ["empty lists and no pull requests", { branches: [], environments: [], pullRequests: false }],
  ])("a trust naming %s could never be assumed", (_what, rest) => {
    expect(problem({ repository: "acme/app", ...rest })).toBe(
      'repository "acme/app" names no branch, environment or pull requests, so no run could assume the role',
    );
  });

  test("a whole organization without branches or environments is refused", () => {
    expect(problem({ repository: "acme/*", pullRequests: true })).toBe(
      'repository "acme/*" is a whole organization; limit it to named branches or environments',
    );
    expect(problem({ repository: "acme/*", branches: [], environments: [], pullRequests: true })).toBe(
      'repository "acme/*" is a whole organization; limit it to named branches or environments',
    );
  });

  test("a whole organization with pull requests is refused, even with named branches", () => {
    expect(problem({ repository: "acme/*", branches: ["main"], pullRequests: true })).toBe(
      'repository "acme/*" is a whole organization; pull requests of every repository in it cannot be trusted',
    );
    expect(problem({ repository: "acme/*", environments: ["build"], pullRequests: true })).toBe(
      'repository "acme/*" is a whole organization; pull requests of every repository in it cannot be trusted',
    );
  });

  test.each([
    ["a branch", { branches: ["main", "*"] }, "*"],
    ["a branch", { branches: ["**"] }, "**"],
    ["an environment", { environments: ["*"] }, "*"],
    ["an environment", { environments: ["prod", "**"] }, "**"],
  ])("a bare wildcard as %s matches everything", (_what, refs, ref) => {
    expect(problem({ repository: "acme/app", ...refs })).toBe(
      `${JSON.stringify(ref)} matches every branch or environment; name them (wildcards inside a name, such as release/*, are fine)`,
    );
  });

  test("a bare wildcard is refused for an organization too", () => {
    expect(problem({ repository: "acme/*", branches: ["*"] })).toBe(
      '"*" matches every branch or environment; name them (wildcards inside a name, such as release/*, are fine)',
    );
  });

  test.each([
    ["a space in a branch", { branches: ["feature x"] }, "feature x"],
    ["a colon in a branch (it would end the ref in the sub claim)", { branches: ["main:environment:prod"] }, "main:environment:prod"],
    ["an empty branch", { branches: [""] }, ""],
    ["a branch of 201 characters", { branches: ["b".repeat(201)] }, "b".repeat(201)],
    ["a space in an environment", { environments: ["prod eu"] }, "prod eu"],
    ["a question mark in an environment", { environments: ["prod?"] }, "prod?"],
  ])("bad ref characters: %s", (_what, refs, ref) => {
    expect(problem({ repository: "acme/app", ...refs })).toBe(`${JSON.stringify(ref)} is not a branch or environment name`);
  });

  test("the first bad name is reported, branches before environments", () => {
    expect(problem({ repository: "acme/app", branches: ["ok", "bad one"], environments: ["*"] })).toBe('"bad one" is not a branch or environment name');
  });
});
