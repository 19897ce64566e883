import { TerraformOutput } from "cdktf";
import { NameRules, Role, ValidationError, physicalName, policyDocument, resourcesOfType, synthesizeStack, testStack, type PlatformStack, type PolicyStatement } from "../src";

const ECS_TRUST: PolicyStatement = { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" };
const READ_BUCKET: PolicyStatement = { Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::acme-assets/*"] };
const READ_QUEUE: PolicyStatement = { Sid: "Queue", Effect: "Allow", Action: "sqs:ReceiveMessage", Resource: "arn:aws:sqs:eu-west-1:123456789012:jobs" };

/** `testStack()` deploys environment "test" to this account (its path is `test-unit`). */
const ACCOUNT = "123456789012";
const OTHER_ACCOUNT = "111122223333";

type Resource = Record<string, unknown>;

function synth(stack: PlatformStack): { roles: Resource[]; policies: Resource[]; attachments: Resource[] } {
  const out = synthesizeStack(stack);
  return {
    roles: Object.values(resourcesOfType(out, "aws_iam_role")),
    policies: Object.values(resourcesOfType(out, "aws_iam_role_policy")),
    attachments: Object.values(resourcesOfType(out, "aws_iam_role_policy_attachment")),
  };
}

/** The statements of a rendered policy document. */
function statementsOf(json: unknown): unknown[] {
  expect(typeof json).toBe("string");
  const document = JSON.parse(json as string) as { Version: string; Statement: unknown[] };
  expect(document.Version).toBe("2012-10-17");
  return document.Statement;
}

/** The error thrown by `fn`, checked to be a ValidationError. */
function validationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error("expected a ValidationError");
}

describe("policyDocument", () => {
  test("renders the statements as a 2012-10-17 policy document", () => {
    expect(policyDocument([READ_BUCKET])).toBe(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::acme-assets/*"]}]}',
    );
    expect(JSON.parse(policyDocument([]))).toEqual({ Version: "2012-10-17", Statement: [] });
  });
});

describe("Role", () => {
  test("renders an aws_iam_role named <environment>-<construct id>, trusting the assume statements, for an hour", () => {
    const stack = testStack();
    new Role(stack, "App", { assumeRoleStatements: [ECS_TRUST] });
    const { roles, policies, attachments } = synth(stack);
    expect(roles).toHaveLength(1);
    expect(roles[0]).toEqual({
      name: "test-App",
      assume_role_policy: policyDocument([ECS_TRUST]),
      max_session_duration: 3600,
    });
    expect(statementsOf(roles[0].assume_role_policy)).toEqual([
      { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    expect(policies).toEqual([]);
    expect(attachments).toEqual([]);
  });

  test("the default name follows the IAM role name rules: other characters become -, a long name is cut and hashed to 64", () => {
    const stack = testStack();
    new Role(stack, "Orders API (v2)", { assumeRoleStatements: [ECS_TRUST] });
    const longId = "a-very-long-construct-id-that-goes-on-and-on-well-past-what-iam-allows";
    new Role(stack, longId, { assumeRoleStatements: [ECS_TRUST] });
    const names = synth(stack).roles.map((r) => r.name as string);
    expect(names[0]).toBe("test-Orders-API-v2");
    expect(names[1].length).toBeLessThanOrEqual(64);
    expect(names[1]).toMatch(/^test-a-very-long-construct-id-that-goes-on-and-on-well-[0-9a-f]{8}$/);
    expect(names[1]).toBe(physicalName(["test", longId], NameRules.iamRole));
  });

  test("roleName, description, session duration, permissions boundary and tags are passed through", () => {
    const stack = testStack();
    const boundary = `arn:aws:iam::${ACCOUNT}:policy/platform-boundary`;
    new Role(stack, "App", {
      assumeRoleStatements: [ECS_TRUST],
      roleName: "orders-api-task",
      description: "the orders API's task role",
      maxSessionDurationSeconds: 43200,
      permissionsBoundaryArn: boundary,
      tags: { Service: "orders-api" },
    });
    expect(synth(stack).roles[0]).toEqual({
      name: "orders-api-task",
      description: "the orders API's task role",
      assume_role_policy: policyDocument([ECS_TRUST]),
      max_session_duration: 43200,
      permissions_boundary: boundary,
      tags: { Service: "orders-api" },
    });
  });

  test("every assume statement is in the trust policy, in order", () => {
    const stack = testStack();
    const federated: PolicyStatement = {
      Effect: "Allow",
      Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } },
    };
    new Role(stack, "App", { assumeRoleStatements: [ECS_TRUST, federated] });
    expect(statementsOf(synth(stack).roles[0].assume_role_policy)).toEqual([ECS_TRUST, federated]);
  });

  test("attaches each managed policy by ARN, as ManagedPolicy0, ManagedPolicy1, ...", () => {
    const stack = testStack();
    const role = new Role(stack, "App", {
      assumeRoleStatements: [ECS_TRUST],
      managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", `arn:aws:iam::${ACCOUNT}:policy/test-extra`],
    });
    expect(role.node.tryFindChild("ManagedPolicy0")).toBeDefined();
    expect(role.node.tryFindChild("ManagedPolicy1")).toBeDefined();
    const out = synthesizeStack(stack);
    const attachments = resourcesOfType(out, "aws_iam_role_policy_attachment");
    const roleKey = Object.keys(resourcesOfType(out, "aws_iam_role"))[0];
    expect(Object.keys(attachments)).toHaveLength(2);
    expect(Object.keys(attachments).map((k) => k.replace(/_[0-9A-F]{8}$/, "")).sort()).toEqual(["App_ManagedPolicy0", "App_ManagedPolicy1"]);
    expect(Object.values(attachments)).toEqual([
      { role: `\${aws_iam_role.${roleKey}.name}`, policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" },
      { role: `\${aws_iam_role.${roleKey}.name}`, policy_arn: `arn:aws:iam::${ACCOUNT}:policy/test-extra` },
    ]);
  });

  test("exposes its name and ARN as references, and is a principal of the stack's account", () => {
    const stack = testStack();
    const role = new Role(stack, "App", { assumeRoleStatements: [ECS_TRUST] });
    expect(role.principalAccountId).toBe(ACCOUNT);
    new TerraformOutput(stack, "role_arn", { value: role.roleArn });
    new TerraformOutput(stack, "principal_arn", { value: role.principalArn });
    new TerraformOutput(stack, "role_name", { value: role.roleName });
    const out = synthesizeStack(stack);
    const roleKey = Object.keys(resourcesOfType(out, "aws_iam_role"))[0];
    expect(out.output?.role_arn.value).toBe(`\${aws_iam_role.${roleKey}.arn}`);
    expect(out.output?.principal_arn.value).toBe(`\${aws_iam_role.${roleKey}.arn}`);
    expect(out.output?.role_name.value).toBe(`\${aws_iam_role.${roleKey}.name}`);
  });

  test("has no inline policy until a grant adds a statement, then one aws_iam_role_policy named platform-grants", () => {
    const stack = testStack();
    const role = new Role(stack, "App", { assumeRoleStatements: [ECS_TRUST] });
    expect(role.node.tryFindChild("Policy")).toBeUndefined();
    role.addToPrincipalPolicy(READ_BUCKET);
    role.addToPrincipalPolicy(READ_QUEUE);
    const out = synthesizeStack(stack);
    const roleKey = Object.keys(resourcesOfType(out, "aws_iam_role"))[0];
    const policies = Object.values(resourcesOfType(out, "aws_iam_role_policy"));
    expect(policies).toHaveLength(1);
    expect(policies[0].name).toBe("platform-grants");
    expect(policies[0].role).toBe(`\${aws_iam_role.${roleKey}.id}`);
    expect(statementsOf(policies[0].policy)).toEqual([READ_BUCKET, READ_QUEUE]);
  });

  test("statements added after the policy exists are rendered too (the document is built at synth)", () => {
    const stack = testStack();
    const role = new Role(stack, "App", { assumeRoleStatements: [ECS_TRUST] });
    role.addToPrincipalPolicy(READ_BUCKET);
    const policy = role.node.findChild("Policy");
    role.addToPrincipalPolicy(READ_QUEUE);
    expect(role.node.findChild("Policy")).toBe(policy);
    expect(statementsOf(synth(stack).policies[0].policy)).toEqual([READ_BUCKET, READ_QUEUE]);
  });

  test("identical statements are rendered once; statements that differ in anything are kept", () => {
    const stack = testStack();
    const role = new Role(stack, "App", { assumeRoleStatements: [ECS_TRUST] });
    role.addToPrincipalPolicy(READ_BUCKET);
    role.addToPrincipalPolicy({ ...READ_BUCKET, Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::acme-assets/*"] });
    role.addToPrincipalPolicy(READ_QUEUE);
    role.addToPrincipalPolicy(READ_BUCKET);
    role.addToPrincipalPolicy({ ...READ_BUCKET, Sid: "Assets" });
    expect(statementsOf(synth(stack).policies[0].policy)).toEqual([READ_BUCKET, READ_QUEUE, { ...READ_BUCKET, Sid: "Assets" }]);
  });

  describe("errors", () => {
    test.each([
      [3599, "3599"],
      [43201, "43201"],
      [0, "0"],
      [-3600, "-3600"],
      [3600.5, "3600.5"],
      [Number.NaN, "NaN"],
    ])("maxSessionDurationSeconds %p is refused", (seconds, shown) => {
      const stack = testStack();
      const error = validationError(() => new Role(stack, "App", { assumeRoleStatements: [ECS_TRUST], maxSessionDurationSeconds: seconds }));
      expect(error.message).toBe(`test-unit/App: 'maxSessionDurationSeconds' must be a whole number from 3600 to 43200, got ${shown}`);
      expect(error.constructPath).toBe("test-unit/App");
    });

    test.each([3600, 7200, 43200])("maxSessionDurationSeconds %p is accepted", (seconds) => {
      const stack = testStack();
      new Role(stack, "App", { assumeRoleStatements: [ECS_TRUST], maxSessionDurationSeconds: seconds });
      expect(synth(stack).roles[0].max_session_duration).toBe(seconds);
    });

    test("a role with no assume statements is refused", () => {
      const stack = testStack();
      const error = validationError(() => new Role(stack, "App", { assumeRoleStatements: [] }));
      expect(error.message).toBe("test-unit/App: 'assumeRoleStatements' must hold at least one statement: a role nobody can assume is dead weight");
    });
  });
});

describe("Role.fromRoleArn", () => {
  test("reads the account and the name from the ARN, also of a role with a path", () => {
    const stack = testStack();
    const plain = Role.fromRoleArn(stack, "Plain", `arn:aws:iam::${ACCOUNT}:role/deploy`);
    expect(plain).toMatchObject({ roleArn: `arn:aws:iam::${ACCOUNT}:role/deploy`, principalArn: `arn:aws:iam::${ACCOUNT}:role/deploy`, roleName: "deploy", principalAccountId: ACCOUNT });
    const withPath = Role.fromRoleArn(stack, "WithPath", `arn:aws:iam::${ACCOUNT}:role/path/x`);
    expect(withPath).toMatchObject({ roleName: "x", principalAccountId: ACCOUNT });
    const deepPath = Role.fromRoleArn(stack, "DeepPath", `arn:aws-us-gov:iam::${OTHER_ACCOUNT}:role/service-role/team/app.runner@2`);
    expect(deepPath).toMatchObject({ roleName: "app.runner@2", principalAccountId: OTHER_ACCOUNT });
  });

  test("creates nothing until a grant adds a statement", () => {
    const stack = testStack();
    Role.fromRoleArn(stack, "Imported", `arn:aws:iam::${ACCOUNT}:role/deploy`);
    const { roles, policies } = synth(stack);
    expect(roles).toEqual([]);
    expect(policies).toEqual([]);
  });

  test("same account: grants add one inline policy to the role by the name in the ARN", () => {
    const stack = testStack();
    const role = Role.fromRoleArn(stack, "Imported", `arn:aws:iam::${ACCOUNT}:role/deploy`);
    role.addToPrincipalPolicy(READ_BUCKET);
    role.addToPrincipalPolicy(READ_QUEUE);
    role.addToPrincipalPolicy(READ_BUCKET);
    const { roles, policies } = synth(stack);
    expect(roles).toEqual([]);
    expect(policies).toHaveLength(1);
    expect(policies[0]).toMatchObject({ name: "platform-grants-Imported", role: "deploy" });
    expect(statementsOf(policies[0].policy)).toEqual([READ_BUCKET, READ_QUEUE]);
  });

  test("same account, a role with a path: the policy is on the role's name, without the path", () => {
    const stack = testStack();
    const role = Role.fromRoleArn(stack, "PathRole", `arn:aws:iam::${ACCOUNT}:role/path/x`);
    role.addToPrincipalPolicy(READ_BUCKET);
    const { policies } = synth(stack);
    expect(policies).toHaveLength(1);
    expect(policies[0]).toMatchObject({ name: "platform-grants-PathRole", role: "x" });
    expect(statementsOf(policies[0].policy)).toEqual([READ_BUCKET]);
  });

  test("two imported roles get policies of their own names", () => {
    const stack = testStack();
    Role.fromRoleArn(stack, "One", `arn:aws:iam::${ACCOUNT}:role/one`).addToPrincipalPolicy(READ_BUCKET);
    Role.fromRoleArn(stack, "Two", `arn:aws:iam::${ACCOUNT}:role/two`).addToPrincipalPolicy(READ_QUEUE);
    const { policies } = synth(stack);
    expect(policies.map((p) => [p.name, p.role])).toEqual([
      ["platform-grants-One", "one"],
      ["platform-grants-Two", "two"],
    ]);
  });

  test("another account: adding permissions is refused, pointing to resource policies", () => {
    const stack = testStack();
    const arn = `arn:aws:iam::${OTHER_ACCOUNT}:role/deploy`;
    const role = Role.fromRoleArn(stack, "Imported", arn);
    expect(role.principalAccountId).toBe(OTHER_ACCOUNT);
    const error = validationError(() => role.addToPrincipalPolicy(READ_BUCKET));
    expect(error.message).toBe(
      `test-unit/Imported: cannot add permissions to ${arn}: it is in account ${OTHER_ACCOUNT}, and this stack deploys to ${ACCOUNT}; grant it through a resource policy instead`,
    );
    expect(synth(stack).policies).toEqual([]);
  });

  test.each([
    ["an account that is too short", "arn:aws:iam::1234:role/deploy"],
    ["a user, not a role", `arn:aws:iam::${ACCOUNT}:user/deploy`],
    ["a name with a space", `arn:aws:iam::${ACCOUNT}:role/my role`],
    ["no name", `arn:aws:iam::${ACCOUNT}:role/`],
    ["a role name", "deploy"],
    ["an S3 ARN", "arn:aws:s3:::bucket"],
    ["an empty string", ""],
  ])("a bad ARN is refused: %s", (_what, arn) => {
    const stack = testStack();
    const error = validationError(() => Role.fromRoleArn(stack, "Imported", arn));
    expect(error.message).toBe(`test-unit: 'roleArn' must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), got ${JSON.stringify(arn)}`);
  });
});
