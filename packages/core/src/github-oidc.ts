// GitHub Actions OIDC subjects (`sub` claims) for IAM trust policies. The subjects are built from
// intent (a repository and its branches, environments or pull requests), never typed by hand, and
// anything broader than one repository's named branches or environments is refused: a trust
// policy that matches `*`, or a whole organization on any ref, lets any workflow in it assume
// the role.

/** Which workflow runs may assume a role. */
export interface GithubTrust {
  /** `owner/name`. `owner/*` (a whole organization) only together with named branches or environments. */
  readonly repository: string;
  /** Pushes to these branches: `main`, `release/*`. A bare `*` is refused. @default [] */
  readonly branches?: readonly string[];
  /** Jobs that run in these GitHub environments (whose protection rules apply). @default [] */
  readonly environments?: readonly string[];
  /** Pull request runs. @default false */
  readonly pullRequests?: boolean;
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^(?:[A-Za-z0-9._-]{1,100}|\*)$/;
const REF = /^[A-Za-z0-9._/*-]{1,200}$/;

/** The `sub` claims a trust allows, or the reason it is too broad or malformed. */
export function githubSubjects(trust: GithubTrust): { subjects: string[] } | { problem: string } {
  const [owner, name, ...rest] = trust.repository.split("/");
  if (trust.repository === "*" || owner === "*") {
    return { problem: `repository ${JSON.stringify(trust.repository)} matches every owner on GitHub; name one owner/repository` };
  }
  if (rest.length > 0 || !owner || !name || !OWNER.test(owner) || !REPO.test(name)) {
    return { problem: `repository ${JSON.stringify(trust.repository)} is not owner/name` };
  }
  const branches = trust.branches ?? [];
  const environments = trust.environments ?? [];
  if (branches.length === 0 && environments.length === 0 && !trust.pullRequests) {
    return { problem: `repository ${JSON.stringify(trust.repository)} names no branch, environment or pull requests, so no run could assume the role` };
  }
  if (name === "*" && (branches.length === 0 && environments.length === 0)) {
    return { problem: `repository ${JSON.stringify(trust.repository)} is a whole organization; limit it to named branches or environments` };
  }
  if (name === "*" && trust.pullRequests) {
    return { problem: `repository ${JSON.stringify(trust.repository)} is a whole organization; pull requests of every repository in it cannot be trusted` };
  }
  for (const ref of [...branches, ...environments]) {
    if (ref === "*" || ref === "**") {
      return { problem: `${JSON.stringify(ref)} matches every branch or environment; name them (wildcards inside a name, such as release/*, are fine)` };
    }
    if (!REF.test(ref)) return { problem: `${JSON.stringify(ref)} is not a branch or environment name` };
  }
  const base = `repo:${owner}/${name}`;
  return {
    subjects: [
      ...branches.map((b) => `${base}:ref:refs/heads/${b}`),
      ...environments.map((e) => `${base}:environment:${e}`),
      ...(trust.pullRequests ? [`${base}:pull_request`] : []),
    ],
  };
}
