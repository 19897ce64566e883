import { Testing, TerraformStack, type App } from "cdktf";
import { ValidationError, testEnvironmentConfig, type EnvironmentConfig, type SynthesizedStack, type ValidatedEnvironmentConfig } from "@platform/core";
import { CiAccessStack, RegistryStack, buildEnvironment } from "../src";

const ACCOUNT = "123456789012";
const OIDC_HOST = "token.actions.githubusercontent.com";
const EXISTING_PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${OIDC_HOST}`;
const CREATED_PROVIDER = "${aws_iam_openid_connect_provider.GithubOidc.arn}";
const PUSH_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"];
const S3_BACKEND = { type: "s3" as const, bucket: "acme-terraform-state" };
const STATE_KEY = `arn:aws:kms:eu-central-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

type Resource = Record<string, unknown>;
type Statement = Record<string, unknown>;

/** Every stack of the environment in one app, prepared as `app.synth()` does (cross-stack references resolved). */
function environment(overrides: Partial<EnvironmentConfig>): { app: App; ci: CiAccessStack; registry?: RegistryStack; out: SynthesizedStack } {
  const app = Testing.app();
  const stacks = buildEnvironment(app, testEnvironmentConfig({ ci: { repository: "acme/platform" }, ...overrides }));
  return { app, ci: stacks.ciAccess!, registry: stacks.registry, out: prepareAndSynth(app, stacks.ciAccess!) };
}

function prepareAndSynth(app: App, stack: TerraformStack): SynthesizedStack {
  app.node.findAll().filter(TerraformStack.isStack).forEach((s) => s.prepareStack());
  return JSON.parse(Testing.synth(stack, true)) as SynthesizedStack;
}

function resources(out: SynthesizedStack, type: string): Record<string, Resource> {
  return out.resource?.[type] ?? {};
}

/** The one resource of a type whose Terraform name starts with the construct path `prefix` (`_`-joined). */
function resource(out: SynthesizedStack, type: string, prefix: string): Resource {
  const matches = Object.entries(resources(out, type)).filter(([name]) => name.startsWith(`${prefix}_`));
  expect(matches.map(([name]) => name)).toHaveLength(1);
  return matches[0][1];
}

function statements(json: unknown): Statement[] {
  const document = JSON.parse(json as string) as { Version: string; Statement: Statement[] };
  expect(document.Version).toBe("2012-10-17");
  return document.Statement;
}

/** The trust policy of a role, by construct path (`PlanRole`, `ImagePush_acme--app`). */
const trustOf = (out: SynthesizedStack, role: string) => statements(resource(out, "aws_iam_role", role).assume_role_policy);
/** The inline policy of a role, by construct path. */
const policyOf = (out: SynthesizedStack, role: string) => statements(resource(out, "aws_iam_role_policy", `${role}_Policy`).policy);
const bySid = (list: Statement[], sid: string) => list.find((s) => s.Sid === sid);

function githubTrust(provider: string, subjects: string[]): Statement {
  return {
    Effect: "Allow",
    Principal: { Federated: provider },
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition: {
      StringEquals: { [`${OIDC_HOST}:aud`]: "sts.amazonaws.com" },
      StringLike: { [`${OIDC_HOST}:sub`]: subjects },
    },
  };
}

const PLAN_DENIALS_WITHOUT_STATE: Statement[] = [
  { Sid: "NoSecretValues", Effect: "Deny", Action: ["secretsmanager:GetSecretValue", "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"], Resource: ["*"] },
  { Sid: "NoDecryptButState", Effect: "Deny", Action: ["kms:Decrypt"], Resource: ["*"] },
  { Sid: "NoObjectDataButState", Effect: "Deny", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: ["*"] },
];

function deployStatements(env: string, region = "eu-west-1"): Statement[] {
  const iam = (resource: string) => `arn:aws:iam::${ACCOUNT}:${resource}`;
  return [
    {
      Sid: "PlatformServicesInRegion",
      Effect: "Allow",
      Action: [
        "acm:*",
        "application-autoscaling:*",
        "autoscaling:*",
        "cloudwatch:*",
        "codedeploy:*",
        "ec2:*",
        "ecr:*",
        "ecs:*",
        "eks:*",
        "elasticloadbalancing:*",
        "events:*",
        "kms:*",
        "logs:*",
        "servicediscovery:*",
        "sqs:*",
        "ssm:GetParameter",
        "ssm:GetParameters",
        "secretsmanager:DescribeSecret",
      ],
      Resource: ["*"],
      Condition: { StringEquals: { "aws:RequestedRegion": region } },
    },
    {
      Sid: "EnvironmentIamRoles",
      Effect: "Allow",
      Action: ["iam:*"],
      Resource: [iam(`role/${env}-*`), iam(`policy/${env}-*`), iam(`instance-profile/${env}-*`), iam("oidc-provider/*")],
    },
    { Sid: "ServiceLinkedRoles", Effect: "Allow", Action: ["iam:CreateServiceLinkedRole"], Resource: [iam("role/aws-service-role/*")] },
    { Sid: "ReadIam", Effect: "Allow", Action: ["iam:Get*", "iam:List*", "sts:GetCallerIdentity"], Resource: ["*"] },
    { Sid: "NeverTheCiIdentities", Effect: "Deny", NotAction: ["iam:Get*", "iam:List*"], Resource: [iam(`role/${env}-ci-*`), iam(`oidc-provider/${OIDC_HOST}`)] },
    {
      Sid: "NoLongLivedCredentials",
      Effect: "Deny",
      Action: ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile", "organizations:*", "account:*"],
      Resource: ["*"],
    },
  ];
}

describe("CiAccessStack", () => {
  test("is named <env>-ci-access, and buildEnvironment adds it only with a ci configuration", () => {
    expect(environment({ name: "qa" }).ci.node.id).toBe("qa-ci-access");
    expect(buildEnvironment(Testing.app(), testEnvironmentConfig()).ciAccess).toBeUndefined();
  });

  describe("the GitHub OIDC provider", () => {
    test.each([
      ["by default", {}],
      ["with oidcProvider create", { oidcProvider: "create" as const }],
    ])("is created %s, and the roles trust it", (_what, ci) => {
      const { out } = environment({ ci: { repository: "acme/platform", ...ci } });
      expect(resources(out, "aws_iam_openid_connect_provider")).toEqual({
        GithubOidc: { url: "https://token.actions.githubusercontent.com", client_id_list: ["sts.amazonaws.com"] },
      });
      expect(trustOf(out, "PlanRole")[0].Principal).toEqual({ Federated: CREATED_PROVIDER });
      expect(trustOf(out, "DeployRole")[0].Principal).toEqual({ Federated: CREATED_PROVIDER });
    });

    test('is the account\'s existing one with oidcProvider "existing": no provider resource, the roles trust its ARN', () => {
      const { out } = environment({
        ecr: { repositories: { app: {} } },
        ci: { repository: "acme/platform", oidcProvider: "existing", imagePush: { "acme/app": { repositories: ["app"] } } },
      });
      expect(resources(out, "aws_iam_openid_connect_provider")).toEqual({});
      for (const role of ["PlanRole", "DeployRole", "ImagePush_acme--app"]) {
        expect(trustOf(out, role)[0].Principal).toEqual({ Federated: EXISTING_PROVIDER });
      }
    });
  });

  describe("the plan role", () => {
    test("is <env>-ci-plan, trusted by pull requests and the default branch of the platform repository, with ReadOnlyAccess", () => {
      const { out } = environment({ ci: { repository: "acme/platform" } });
      expect(resource(out, "aws_iam_role", "PlanRole")).toMatchObject({
        name: "test-ci-plan",
        description: "terraform plan of test from acme/platform: read-only, state read",
        max_session_duration: 3600,
      });
      expect(trustOf(out, "PlanRole")).toEqual([githubTrust(CREATED_PROVIDER, ["repo:acme/platform:ref:refs/heads/main", "repo:acme/platform:pull_request"])]);
      const attachments = Object.values(resources(out, "aws_iam_role_policy_attachment"));
      expect(attachments).toEqual([{ role: expect.stringMatching(/^\$\{aws_iam_role\.PlanRole_[0-9A-F]{8}\.name\}$/), policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }]);
    });

    test("honours ci.defaultBranch", () => {
      const { out } = environment({ ci: { repository: "acme/platform", defaultBranch: "trunk", oidcProvider: "existing" } });
      expect(trustOf(out, "PlanRole")).toEqual([githubTrust(EXISTING_PROVIDER, ["repo:acme/platform:ref:refs/heads/trunk", "repo:acme/platform:pull_request"])]);
    });

    test("with an s3 backend: reads the state and writes only the lock file, and is denied secrets and other data", () => {
      const { out } = environment({ backend: S3_BACKEND });
      expect(policyOf(out, "PlanRole")).toEqual([
        { Sid: "StateList", Effect: "Allow", Action: ["s3:ListBucket"], Resource: ["arn:aws:s3:::acme-terraform-state"], Condition: { StringLike: { "s3:prefix": ["test/*"] } } },
        { Sid: "StateRead", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::acme-terraform-state/test/*"] },
        { Sid: "StateLock", Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject"], Resource: ["arn:aws:s3:::acme-terraform-state/test/*.tflock"] },
        { Sid: "NoSecretValues", Effect: "Deny", Action: ["secretsmanager:GetSecretValue", "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"], Resource: ["*"] },
        { Sid: "NoDecryptButState", Effect: "Deny", Action: ["kms:Decrypt"], Resource: ["*"] },
        { Sid: "NoObjectDataButState", Effect: "Deny", Action: ["s3:GetObject", "s3:GetObjectVersion"], NotResource: ["arn:aws:s3:::acme-terraform-state/*"] },
      ]);
    });

    test("with an s3 backend's key prefix, KMS key and DynamoDB lock table", () => {
      const { out } = environment({
        backend: { ...S3_BACKEND, region: "eu-central-1", keyPrefix: "platform/test", kmsKeyId: STATE_KEY, dynamodbTable: "terraform-locks" },
      });
      const policy = policyOf(out, "PlanRole");
      expect(policy.map((s) => s.Sid)).toEqual(["StateList", "StateRead", "StateLock", "StateKey", "StateLockTable", "NoSecretValues", "NoDecryptButState", "NoObjectDataButState"]);
      expect(bySid(policy, "StateList")).toMatchObject({ Condition: { StringLike: { "s3:prefix": ["platform/test/*"] } } });
      expect(bySid(policy, "StateRead")).toMatchObject({ Resource: ["arn:aws:s3:::acme-terraform-state/platform/test/*"] });
      expect(bySid(policy, "StateLock")).toMatchObject({ Resource: ["arn:aws:s3:::acme-terraform-state/platform/test/*.tflock"] });
      expect(bySid(policy, "StateKey")).toEqual({ Sid: "StateKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [STATE_KEY] });
      expect(bySid(policy, "StateLockTable")).toEqual({
        Sid: "StateLockTable",
        Effect: "Allow",
        Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:DescribeTable"],
        Resource: [`arn:aws:dynamodb:eu-central-1:${ACCOUNT}:table/terraform-locks`],
      });
      expect(bySid(policy, "NoDecryptButState")).toEqual({ Sid: "NoDecryptButState", Effect: "Deny", Action: ["kms:Decrypt"], NotResource: [STATE_KEY] });
    });

    test("the DynamoDB lock table is in the environment's region when the backend names none", () => {
      const { out } = environment({ backend: { ...S3_BACKEND, dynamodbTable: "terraform-locks" } });
      expect(bySid(policyOf(out, "PlanRole"), "StateLockTable")).toMatchObject({ Resource: [`arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/terraform-locks`] });
    });

    test.each([
      ["local", { type: "local" as const }],
      ["cloud", { type: "cloud" as const, organization: "acme" }],
    ])("with a %s backend: no state statements, only the denials, on every resource", (_type, backend) => {
      const { out } = environment({ backend });
      expect(policyOf(out, "PlanRole")).toEqual(PLAN_DENIALS_WITHOUT_STATE);
    });
  });

  describe("the deploy role", () => {
    test("is <env>-ci-deploy, trusted by jobs in the GitHub environment named after the environment", () => {
      const { out } = environment({ ci: { repository: "acme/platform" } });
      expect(resource(out, "aws_iam_role", "DeployRole")).toMatchObject({
        name: "test-ci-deploy",
        description: "cdktf deploy of test from acme/platform in GitHub environment test",
      });
      expect(trustOf(out, "DeployRole")).toEqual([githubTrust(CREATED_PROVIDER, ["repo:acme/platform:environment:test"])]);
    });

    test("honours ci.deployEnvironment", () => {
      const { out } = environment({ ci: { repository: "acme/platform", deployEnvironment: "production" } });
      expect(trustOf(out, "DeployRole")).toEqual([githubTrust(CREATED_PROVIDER, ["repo:acme/platform:environment:production"])]);
      expect(resource(out, "aws_iam_role", "DeployRole").description).toBe("cdktf deploy of test from acme/platform in GitHub environment production");
    });

    test("may manage the platform's services in the region and the environment's IAM, never the CI identities or long-lived credentials", () => {
      const { out } = environment({ name: "qa", region: "eu-central-1", availabilityZones: ["eu-central-1a"] });
      expect(policyOf(out, "DeployRole")).toEqual(deployStatements("qa", "eu-central-1"));
      const attachments = Object.keys(resources(out, "aws_iam_role_policy_attachment"));
      expect(attachments.filter((k) => k.startsWith("DeployRole_"))).toEqual([]);
    });

    test("with an s3 backend: reads and writes the state, and uses the state key to encrypt", () => {
      const { out } = environment({ backend: { ...S3_BACKEND, kmsKeyId: STATE_KEY } });
      expect(policyOf(out, "DeployRole")).toEqual([
        { Sid: "StateList", Effect: "Allow", Action: ["s3:ListBucket"], Resource: ["arn:aws:s3:::acme-terraform-state"], Condition: { StringLike: { "s3:prefix": ["test/*"] } } },
        { Sid: "StateRead", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::acme-terraform-state/test/*"] },
        { Sid: "StateWrite", Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject"], Resource: ["arn:aws:s3:::acme-terraform-state/test/*"] },
        { Sid: "StateKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], Resource: [STATE_KEY] },
        ...deployStatements("test"),
      ]);
    });
  });

  describe("image push roles", () => {
    const ecr = { repositories: { app: {}, "team/web": {}, other: {} } };

    test("one per application repository, <env>-ci-push-<owner>-<repo>, trusted by its main branch by default", () => {
      const { ci, out } = environment({ ecr, ci: { repository: "acme/platform", imagePush: { "acme/app": { repositories: ["app"] }, "acme/web": { repositories: ["team/web"] } } } });
      expect(Object.keys(ci.imagePushRoles)).toEqual(["acme/app", "acme/web"]);
      expect(ci.imagePushRoles["acme/app"].node.path).toBe("test-ci-access/ImagePush/acme--app");
      expect(resource(out, "aws_iam_role", "ImagePush_acme--app")).toMatchObject({ name: "test-ci-push-acme-app", description: "image push from acme/app to app" });
      expect(resource(out, "aws_iam_role", "ImagePush_acme--web")).toMatchObject({ name: "test-ci-push-acme-web", description: "image push from acme/web to team/web" });
      expect(trustOf(out, "ImagePush_acme--app")).toEqual([githubTrust(CREATED_PROVIDER, ["repo:acme/app:ref:refs/heads/main"])]);
    });

    test("trusted by the configured branches and environments", () => {
      const { out } = environment({
        ecr,
        ci: { repository: "acme/platform", imagePush: { "acme/app": { repositories: ["app"], branches: ["main", "release/*"], environments: ["build"] } } },
      });
      expect(trustOf(out, "ImagePush_acme--app")).toEqual([
        githubTrust(CREATED_PROVIDER, ["repo:acme/app:ref:refs/heads/main", "repo:acme/app:ref:refs/heads/release/*", "repo:acme/app:environment:build"]),
      ]);
    });

    test("may push to exactly its repositories, referenced from the registry stack through remote state, and get an ECR token", () => {
      const { out, registry, app } = environment({ ecr, ci: { repository: "acme/platform", imagePush: { "acme/app": { repositories: ["app", "team/web"] } } } });
      const remote = "data.terraform_remote_state.cross-stack-reference-input-test-registry";
      expect(out.data?.terraform_remote_state).toEqual({
        "cross-stack-reference-input-test-registry": expect.objectContaining({ backend: "local" }),
      });
      const arnOf = (path: string) => expect.stringMatching(new RegExp(`^\\$\\{${remote.replace(/\./g, "\\.")}\\.outputs\\.cross-stack-output-aws_ecr_repository${path}_[0-9A-F]{8}arn\\}$`));
      expect(policyOf(out, "ImagePush_acme--app")).toEqual([
        { Effect: "Allow", Action: PUSH_ACTIONS, Resource: [arnOf("Repositories_app")] },
        { Sid: "EcrAuthorizationToken", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
        { Effect: "Allow", Action: PUSH_ACTIONS, Resource: [arnOf("Repositories_team--web")] },
      ]);
      const policyText = resource(out, "aws_iam_role_policy", "ImagePush_acme--app_Policy").policy as string;
      expect(policyText).not.toContain("Repositories_other");
      expect(policyText).not.toMatch(/ecr:BatchGetImage|ecr:\*/);

      // The registry stack exports exactly the ARNs the push role uses.
      const registryOut = prepareAndSynth(app, registry!);
      const crossStackOutputs = Object.keys(registryOut.output ?? {}).filter((k) => k.startsWith("cross-stack-output-"));
      expect(crossStackOutputs.map((k) => k.replace(/_[0-9A-F]{8}arn$/, ""))).toEqual([
        "cross-stack-output-aws_ecr_repositoryRepositories_app",
        "cross-stack-output-aws_ecr_repositoryRepositories_team--web",
      ]);
    });

    test("without imagePush there are no push roles and no reference to the registry", () => {
      const { ci, out } = environment({ ecr, ci: { repository: "acme/platform" } });
      expect(ci.imagePushRoles).toEqual({});
      expect(Object.keys(resources(out, "aws_iam_role")).map((k) => k.replace(/_[0-9A-F]{8}$/, ""))).toEqual(["DeployRole", "PlanRole"]);
      expect(out.data).toBeUndefined();
    });
  });

  test("outputs the plan, deploy and image push role ARNs", () => {
    const { out } = environment({ ecr: { repositories: { app: {} } }, ci: { repository: "acme/platform", imagePush: { "acme/app": { repositories: ["app"] } } } });
    const roleKey = (prefix: string) => Object.keys(resources(out, "aws_iam_role")).find((k) => k.startsWith(`${prefix}_`));
    expect(out.output).toEqual({
      plan_role_arn: { value: `\${aws_iam_role.${roleKey("PlanRole")}.arn}`, description: "For the plan workflow's aws-actions/configure-aws-credentials role-to-assume" },
      deploy_role_arn: { value: `\${aws_iam_role.${roleKey("DeployRole")}.arn}`, description: "For the deploy workflow's role-to-assume" },
      image_push_role_arns: { value: { "acme/app": `\${aws_iam_role.${roleKey("ImagePush_acme--app")}.arn}` }, description: "Image push roles by application repository" },
    });
  });

  describe("errors", () => {
    /** Builds the stack, expecting a ValidationError, and returns its message. */
    function error(fn: () => unknown): string {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as Error).message;
      }
      throw new Error("expected a ValidationError");
    }

    test("an environment without a ci configuration", () => {
      expect(error(() => new CiAccessStack(Testing.app(), testEnvironmentConfig()))).toBe("test-ci-access: the environment has no 'ci' configuration");
    });

    test("imagePush naming a repository that the registry does not have (configuration validation bypassed)", () => {
      const config = testEnvironmentConfig({ ecr: { repositories: { app: {} } }, ci: { repository: "acme/platform", imagePush: { "acme/app": { repositories: ["app"] } } } });
      const app = Testing.app();
      const registry = new RegistryStack(app, { ...config, ecr: { repositories: { web: {} } } });
      expect(error(() => new CiAccessStack(app, config, { registry }))).toBe(
        `test-ci-access: 'ci.imagePush.acme/app.repositories' names "app", which is not a repository of this environment's registry`,
      );
    });

    test("imagePush without a registry at all", () => {
      const config = testEnvironmentConfig({ ecr: { repositories: { app: {} } }, ci: { repository: "acme/platform", imagePush: { "acme/app": { repositories: ["app"] } } } });
      expect(error(() => new CiAccessStack(Testing.app(), config))).toBe(
        `test-ci-access: 'ci.imagePush.acme/app.repositories' names "app", which is not a repository of this environment's registry`,
      );
    });

    test.each<[string, Partial<NonNullable<ValidatedEnvironmentConfig["ci"]>>, string]>([
      [
        "a whole organization as the platform repository",
        { repository: "acme/*" },
        `'ci.repository' is too broad or malformed: repository "acme/*" is a whole organization; pull requests of every repository in it cannot be trusted`,
      ],
      ["a deploy environment that is a bare wildcard", { deployEnvironment: "*" }, `'ci.deployEnvironment' is too broad or malformed: "*" matches every branch or environment; name them (wildcards inside a name, such as release/*, are fine)`],
      [
        "an image push repository on any branch",
        { imagePush: { "acme/app": { repositories: ["app"], branches: ["*"] } } },
        `'ci.imagePush.acme/app' is too broad or malformed: "*" matches every branch or environment; name them (wildcards inside a name, such as release/*, are fine)`,
      ],
    ])("a trust that configuration validation would refuse (bypassed): %s", (_what, ci, message) => {
      const base = testEnvironmentConfig({ ecr: { repositories: { app: {} } } });
      const config: ValidatedEnvironmentConfig = { ...base, ci: { repository: "acme/platform", ...ci } };
      const app = Testing.app();
      const registry = new RegistryStack(app, config);
      expect(error(() => new CiAccessStack(app, config, { registry }))).toBe(`test-ci-access: ${message}`);
    });
  });
});
