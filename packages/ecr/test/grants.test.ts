// Grants by intent: principals of this account get identity policies, other accounts, roles and
// organizations get repository policy statements; a "*" principal is always conditioned.
import { Role, testStack, type PlatformStack } from "@platform/core";
import { Repository, type IRepository } from "../src";
import {
  ACCOUNT,
  OTHER_ACCOUNT,
  REGION,
  STACK_PATH,
  THIRD_ACCOUNT,
  appRole,
  count,
  policyOf,
  ref,
  resources,
  single,
  statementsOf,
  synth,
  unchecked,
  validationErrorOf,
  type PolicyStatementJson,
} from "./support";

const PULL = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];
const PUSH = ["ecr:BatchCheckLayerAvailability", "ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"];
const PULL_PUSH = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:BatchGetImage",
  "ecr:GetDownloadUrlForLayer",
  "ecr:CompleteLayerUpload",
  "ecr:InitiateLayerUpload",
  "ecr:PutImage",
  "ecr:UploadLayerPart",
];
const AUTH_TOKEN = { Sid: "EcrAuthorizationToken", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] };
const ORG = "o-a1b2c3d4e5";

function setup(): { stack: PlatformStack; repository: Repository } {
  const stack = testStack();
  return { stack, repository: new Repository(stack, "api") };
}

/** The reference to the ARN of the repository named `api` in the synthesized stack. */
function arnOf(out: ReturnType<typeof synth>["out"], name = "api"): string {
  const found = Object.entries(resources(out, "aws_ecr_repository")).find(([, r]) => r.name === name);
  if (!found) throw new Error(`no repository ${name}`);
  return ref("aws_ecr_repository", found[0], "arn");
}

/** The statements of the identity policy of the role with construct id `id`. */
function rolePolicyOf(out: ReturnType<typeof synth>["out"], id = "App"): PolicyStatementJson[] {
  const policies = Object.entries(resources(out, "aws_iam_role_policy")).filter(([name]) => name.startsWith(`${id}_`));
  if (policies.length !== 1) throw new Error(`expected one policy of role ${id}, found ${policies.length}`);
  return policyOf(policies[0][1]).Statement;
}

/** Every principal value of a statement: `"*"` for `Principal: "*"`. */
function principalsOf(statement: PolicyStatementJson): string[] {
  if (statement.Principal === undefined) return [];
  if (statement.Principal === "*") return ["*"];
  return Object.values(statement.Principal).flat();
}

describe("principals of this account: the identity policy", () => {
  test("grantPull: the pull actions on the repository, and the authorization token", () => {
    const { stack, repository } = setup();
    const role = appRole(stack);
    repository.grantPull(role);
    const { out } = synth(stack);
    const policy = single(out, "aws_iam_role_policy");
    expect(policy.resource.role).toBe(ref("aws_iam_role", single(out, "aws_iam_role").name, "id"));
    expect(policyOf(policy.resource)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: PULL, Resource: [arnOf(out)] }, AUTH_TOKEN],
    });
    expect(count(out, "aws_ecr_repository_policy")).toBe(0);
  });

  test("grantPush: the push actions, no pull", () => {
    const { stack, repository } = setup();
    repository.grantPush(appRole(stack));
    const { out } = synth(stack);
    expect(rolePolicyOf(out)).toEqual([{ Effect: "Allow", Action: PUSH, Resource: [arnOf(out)] }, AUTH_TOKEN]);
    expect(rolePolicyOf(out)[0].Action).not.toContain("ecr:BatchGetImage");
    expect(count(out, "aws_ecr_repository_policy")).toBe(0);
  });

  test("grantPullPush: both, each action once", () => {
    const { stack, repository } = setup();
    repository.grantPullPush(appRole(stack));
    const { out } = synth(stack);
    expect(rolePolicyOf(out)).toEqual([{ Effect: "Allow", Action: PULL_PUSH, Resource: [arnOf(out)] }, AUTH_TOKEN]);
    expect(count(out, "aws_ecr_repository_policy")).toBe(0);
  });

  test("one authorization token statement across several grants and repositories", () => {
    const stack = testStack();
    const api = new Repository(stack, "api");
    const web = new Repository(stack, "web");
    const role = appRole(stack);
    api.grantPull(role);
    api.grantPull(role);
    web.grantPush(role);
    api.grantPullPush(role);
    const { out } = synth(stack);
    const statements = rolePolicyOf(out);
    expect(statements).toEqual([
      { Effect: "Allow", Action: PULL, Resource: [arnOf(out, "api")] },
      AUTH_TOKEN,
      { Effect: "Allow", Action: PUSH, Resource: [arnOf(out, "web")] },
      { Effect: "Allow", Action: PULL_PUSH, Resource: [arnOf(out, "api")] },
    ]);
    expect(statements.filter((s) => JSON.stringify(s.Action).includes("ecr:GetAuthorizationToken"))).toHaveLength(1);
    expect(count(out, "aws_ecr_repository_policy")).toBe(0);
  });

  test("each role gets its own policy", () => {
    const { stack, repository } = setup();
    repository.grantPull(appRole(stack, "App"));
    repository.grantPush(appRole(stack, "Ci"));
    const { out } = synth(stack);
    expect(rolePolicyOf(out, "App")[0].Action).toEqual(PULL);
    expect(rolePolicyOf(out, "Ci")[0].Action).toEqual(PUSH);
    expect(count(out, "aws_ecr_repository_policy")).toBe(0);
  });

  test("an imported role of this account gets an inline policy", () => {
    const { stack, repository } = setup();
    repository.grantPull(Role.fromRoleArn(stack, "Existing", `arn:aws:iam::${ACCOUNT}:role/existing-service`));
    const { out } = synth(stack);
    const policy = single(out, "aws_iam_role_policy").resource;
    expect(policy.role).toBe("existing-service");
    expect(policyOf(policy).Statement).toEqual([{ Effect: "Allow", Action: PULL, Resource: [arnOf(out)] }, AUTH_TOKEN]);
    expect(count(out, "aws_ecr_repository_policy")).toBe(0);
  });
});

describe("other accounts: the repository policy", () => {
  test("{ accountId }: the account's root as principal, with the pull actions", () => {
    const { stack, repository } = setup();
    repository.grantPull({ accountId: OTHER_ACCOUNT });
    const { out } = synth(stack);
    const policy = single(out, "aws_ecr_repository_policy");
    expect(policy.resource.repository).toBe(ref("aws_ecr_repository", single(out, "aws_ecr_repository").name, "name"));
    expect(policyOf(policy.resource)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Sid: `Pull${OTHER_ACCOUNT}`, Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Action: PULL }],
    });
    expect(count(out, "aws_iam_role_policy")).toBe(0);
  });

  test("{ roleArn }: the role as principal", () => {
    const { stack, repository } = setup();
    repository.grantPush({ roleArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/ci/image-builder` });
    const { out } = synth(stack);
    expect(statementsOf(out, "aws_ecr_repository_policy")).toEqual([
      {
        Sid: `Push${OTHER_ACCOUNT}ciimagebuilder`,
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:role/ci/image-builder` },
        Action: PUSH,
      },
    ]);
  });

  test("{ organizationId }: any principal of the organization, conditioned on aws:PrincipalOrgID", () => {
    const { stack, repository } = setup();
    repository.grantPullPush({ organizationId: ORG });
    const { out } = synth(stack);
    expect(statementsOf(out, "aws_ecr_repository_policy")).toEqual([
      {
        Sid: "PullPushoa1b2c3d4e5",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: PULL_PUSH,
        Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } },
      },
    ]);
  });

  test("a role of another account (Role.fromRoleArn): the role as principal, its own policies untouched", () => {
    const { stack, repository } = setup();
    repository.grantPull(Role.fromRoleArn(stack, "Deployer", `arn:aws:iam::${THIRD_ACCOUNT}:role/deployer`));
    const { out } = synth(stack);
    expect(statementsOf(out, "aws_ecr_repository_policy")).toEqual([
      { Sid: `Pull${THIRD_ACCOUNT}deployer`, Effect: "Allow", Principal: { AWS: `arn:aws:iam::${THIRD_ACCOUNT}:role/deployer` }, Action: PULL },
    ]);
    expect(count(out, "aws_iam_role_policy")).toBe(0);
  });

  test("one policy with a statement per grant, each principal and kind once", () => {
    const { stack, repository } = setup();
    repository.grantPull({ accountId: OTHER_ACCOUNT });
    repository.grantPull({ accountId: THIRD_ACCOUNT });
    repository.grantPull({ accountId: OTHER_ACCOUNT });
    repository.grantPullPush({ accountId: OTHER_ACCOUNT });
    const { out } = synth(stack);
    const statements = statementsOf(out, "aws_ecr_repository_policy");
    expect(statements.map((s) => s.Sid)).toEqual([`Pull${OTHER_ACCOUNT}`, `Pull${THIRD_ACCOUNT}`, `PullPush${OTHER_ACCOUNT}`]);
    expect(new Set(statements.map((s) => s.Sid)).size).toBe(statements.length);
  });

  test("the repository policy never holds an unconditioned '*' principal, whatever is granted", () => {
    const { stack, repository } = setup();
    repository.grantPull(appRole(stack));
    repository.grantPull({ accountId: OTHER_ACCOUNT });
    repository.grantPush({ roleArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/builder` });
    repository.grantPullPush({ organizationId: ORG });
    repository.grantPull({ organizationId: "o-zzzzzzzzzz" });
    repository.grantPull(Role.fromRoleArn(stack, "Deployer", `arn:aws:iam::${THIRD_ACCOUNT}:role/deployer`));
    repository.addToResourcePolicy({
      Sid: "OrgPull",
      Effect: "Allow",
      Principal: "*",
      Action: PULL,
      Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } },
    });
    const { out } = synth(stack);
    const statements = statementsOf(out, "aws_ecr_repository_policy");
    expect(statements).toHaveLength(6);
    const unconditioned = statements.filter((s) => principalsOf(s).includes("*") && Object.keys(s.Condition ?? {}).length === 0);
    expect(unconditioned).toEqual([]);
    expect(statements.filter((s) => principalsOf(s).length === 0)).toEqual([]);
    expect(statements.filter((s) => principalsOf(s).includes("*")).map((s) => s.Sid)).toEqual(["PullPushoa1b2c3d4e5", "Pullozzzzzzzzzz", "OrgPull"]);
  });
});

describe("addToResourcePolicy", () => {
  test("adds the statement as given", () => {
    const { stack, repository } = setup();
    const statement = { Sid: "LambdaPull", Effect: "Allow" as const, Principal: { Service: "lambda.amazonaws.com" }, Action: PULL };
    repository.addToResourcePolicy(statement);
    const { out } = synth(stack);
    expect(statementsOf(out, "aws_ecr_repository_policy")).toEqual([statement]);
  });

  test('refuses Principal "*" without a condition', () => {
    const { repository } = setup();
    expect(validationErrorOf(() => repository.addToResourcePolicy({ Sid: "Public", Effect: "Allow", Principal: "*", Action: PULL })).message).toBe(
      `${STACK_PATH}/api: a repository policy statement may not allow the "*" principal without a condition ("Public"); name accounts or roles, or condition it on aws:PrincipalOrgID`,
    );
  });

  test('refuses { AWS: "*" } without a condition (the actions name a statement without Sid)', () => {
    const { repository } = setup();
    expect(validationErrorOf(() => repository.addToResourcePolicy({ Effect: "Allow", Principal: { AWS: "*" }, Action: ["ecr:BatchGetImage"] })).message).toBe(
      `${STACK_PATH}/api: a repository policy statement may not allow the "*" principal without a condition (["ecr:BatchGetImage"]); name accounts or roles, or condition it on aws:PrincipalOrgID`,
    );
  });

  test('refuses "*" among other principals', () => {
    const { repository } = setup();
    expect(
      validationErrorOf(() => repository.addToResourcePolicy({ Sid: "Mixed", Effect: "Allow", Principal: { AWS: [`arn:aws:iam::${OTHER_ACCOUNT}:root`, "*"] }, Action: PULL }))
        .message,
    ).toBe(
      `${STACK_PATH}/api: a repository policy statement may not allow the "*" principal without a condition ("Mixed"); name accounts or roles, or condition it on aws:PrincipalOrgID`,
    );
  });

  test("a refused statement leaves no policy behind", () => {
    const { stack, repository } = setup();
    expect(() => repository.addToResourcePolicy({ Sid: "Public", Effect: "Allow", Principal: "*", Action: PULL })).toThrow();
    const { out } = synth(stack);
    expect(count(out, "aws_ecr_repository_policy")).toBe(0);
  });

  test('accepts a conditioned "*"', () => {
    const { stack, repository } = setup();
    const statement = {
      Sid: "OrgPull",
      Effect: "Allow" as const,
      Principal: { AWS: "*" },
      Action: PULL,
      Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } },
    };
    repository.addToResourcePolicy(statement);
    const { out } = synth(stack);
    expect(statementsOf(out, "aws_ecr_repository_policy")).toEqual([statement]);
  });
});

describe("grant errors", () => {
  test("a bad accountId", () => {
    const { repository } = setup();
    expect(validationErrorOf(() => repository.grantPull({ accountId: "1234" })).message).toBe(
      `${STACK_PATH}/api: grantPull: 'accountId' must be a 12-digit AWS account id, got "1234"`,
    );
    expect(validationErrorOf(() => repository.grantPush({ accountId: "arn:aws:iam::111122223333:root" })).message).toBe(
      `${STACK_PATH}/api: grantPush: 'accountId' must be a 12-digit AWS account id, got "arn:aws:iam::111122223333:root"`,
    );
  });

  test("a bad roleArn", () => {
    const { repository } = setup();
    expect(validationErrorOf(() => repository.grantPush({ roleArn: `arn:aws:iam::${OTHER_ACCOUNT}:user/bob` })).message).toBe(
      `${STACK_PATH}/api: grantPush: 'roleArn' must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), got "arn:aws:iam::${OTHER_ACCOUNT}:user/bob"`,
    );
    expect(validationErrorOf(() => repository.grantPullPush({ roleArn: "deployer" })).message).toBe(
      `${STACK_PATH}/api: grantPullPush: 'roleArn' must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), got "deployer"`,
    );
  });

  test("a bad organizationId", () => {
    const { repository } = setup();
    expect(validationErrorOf(() => repository.grantPullPush({ organizationId: "o-ABC123DEF4" })).message).toBe(
      `${STACK_PATH}/api: grantPullPush: 'organizationId' must be an AWS Organizations id (o- and 10-32 lower-case letters or digits), got "o-ABC123DEF4"`,
    );
    expect(validationErrorOf(() => repository.grantPull({ organizationId: unchecked("*") })).message).toBe(
      `${STACK_PATH}/api: grantPull: 'organizationId' must be an AWS Organizations id (o- and 10-32 lower-case letters or digits), got "*"`,
    );
  });

  test("a refused grant changes nothing", () => {
    const { stack, repository } = setup();
    expect(() => repository.grantPull({ accountId: "1234" })).toThrow();
    const { out } = synth(stack);
    expect(count(out, "aws_ecr_repository_policy")).toBe(0);
  });
});

describe("imported repositories", () => {
  test("fromRepositoryName: ARN and URL from the stack's account and region", () => {
    const stack = testStack();
    const shared: IRepository = Repository.fromRepositoryName(stack, "Shared", "base/node");
    expect(shared.repositoryName).toBe("base/node");
    expect(shared.registryId).toBe(ACCOUNT);
    expect(shared.repositoryArn).toBe(`arn:aws:ecr:${REGION}:${ACCOUNT}:repository/base/node`);
    expect(shared.repositoryUrl).toBe(`${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/base/node`);
  });

  test("fromRepositoryName: grants to a role of this account work, and add no resources of the repository", () => {
    const stack = testStack();
    const shared = Repository.fromRepositoryName(stack, "Shared", "base/node");
    shared.grantPull(appRole(stack));
    const { out } = synth(stack);
    expect(rolePolicyOf(out)).toEqual([{ Effect: "Allow", Action: PULL, Resource: [`arn:aws:ecr:${REGION}:${ACCOUNT}:repository/base/node`] }, AUTH_TOKEN]);
    expect(count(out, "aws_ecr_repository")).toBe(0);
    expect(count(out, "aws_ecr_repository_policy")).toBe(0);
  });

  test("fromRepositoryName: a cross-account grant needs the repository policy, which this code does not own", () => {
    const stack = testStack();
    const shared = Repository.fromRepositoryName(stack, "Shared", "base/node");
    expect(validationErrorOf(() => shared.grantPull({ accountId: OTHER_ACCOUNT })).message).toBe(
      `${STACK_PATH}/Shared: cannot change the policy of arn:aws:ecr:${REGION}:${ACCOUNT}:repository/base/node: this code does not own it ("Pull${OTHER_ACCOUNT}"); grant the access in the stack that owns the repository`,
    );
    expect(validationErrorOf(() => shared.grantPullPush({ organizationId: ORG })).message).toBe(
      `${STACK_PATH}/Shared: cannot change the policy of arn:aws:ecr:${REGION}:${ACCOUNT}:repository/base/node: this code does not own it ("PullPushoa1b2c3d4e5"); grant the access in the stack that owns the repository`,
    );
  });

  test("fromRepositoryArn: a repository of another account and region", () => {
    const stack = testStack();
    const arn = `arn:aws:ecr:us-east-1:${THIRD_ACCOUNT}:repository/platform/api`;
    const shared = Repository.fromRepositoryArn(stack, "Shared", arn);
    expect(shared.repositoryArn).toBe(arn);
    expect(shared.repositoryName).toBe("platform/api");
    expect(shared.registryId).toBe(THIRD_ACCOUNT);
    expect(shared.repositoryUrl).toBe(`${THIRD_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/platform/api`);
  });

  test("fromRepositoryArn: a role of this account may pull from another account's repository (identity side)", () => {
    const stack = testStack();
    const arn = `arn:aws:ecr:${REGION}:${THIRD_ACCOUNT}:repository/api`;
    Repository.fromRepositoryArn(stack, "Shared", arn).grantPull(appRole(stack));
    const { out } = synth(stack);
    expect(rolePolicyOf(out)).toEqual([{ Effect: "Allow", Action: PULL, Resource: [arn] }, AUTH_TOKEN]);
    expect(out.resource?.aws_ecr_repository_policy).toBeUndefined();
  });

  test("fromRepositoryArn: a repository of this account takes grants to its roles", () => {
    const stack = testStack();
    const arn = `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/api`;
    Repository.fromRepositoryArn(stack, "Shared", arn).grantPush(appRole(stack));
    const { out } = synth(stack);
    expect(rolePolicyOf(out)).toEqual([{ Effect: "Allow", Action: PUSH, Resource: [arn] }, AUTH_TOKEN]);
  });
});
