import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { PlatformStack, Role, ValidationError, githubSubjects, physicalName, NameRules, type GithubTrust, type ValidatedEnvironmentConfig } from "@platform/core";
import type { RegistryStack } from "./registry-stack";
import { GITHUB_OIDC_HOST, deployPolicy, githubTrust, planDenials, stateAccess } from "./private/ci-policies";

export interface CiAccessStackProps {
  /** The registry whose repositories image-push roles push to. */
  readonly registry?: RegistryStack;
}

/**
 * `<env>-ci-access`: keyless identities for GitHub Actions, no long-lived access keys anywhere.
 * - the account's GitHub OIDC provider (or the existing one);
 * - `plan`: read-only (ReadOnlyAccess, without secret values or object data) plus state read and
 *   lock, for pull requests and the default branch of the platform repository;
 * - `deploy`: what `cdktf deploy` of this environment needs, for jobs in the environment's GitHub
 *   environment (whose protection rules approve each deploy);
 * - `image-push` per application repository (`<env>-ci-push-<owner>-<repo>`): push to its own
 *   ECR repositories, nothing else.
 *
 * Apply this stack with administrator credentials: the deploy role may not change it.
 * Construct ids (public API): `GithubOidc`, `PlanRole`, `DeployRole`, `ImagePush/<owner>--<repo>`.
 */
/** An environment's CI plan or deploy role: `<env>-ci-plan`, `<env>-ci-deploy`. */
export function ciRoleName(config: ValidatedEnvironmentConfig, kind: "plan" | "deploy"): string {
  return `${config.name}-ci-${kind}`;
}

/**
 * The ARN of an environment's CI plan or deploy role, known before the stack exists: for access
 * entries and for the workflows (`npm run ci-config`).
 */
export function ciRoleArn(config: ValidatedEnvironmentConfig, partition: string, kind: "plan" | "deploy"): string {
  return `arn:${partition}:iam::${config.accountId}:role/${ciRoleName(config, kind)}`;
}

export class CiAccessStack extends PlatformStack {
  public readonly planRole: Role;
  public readonly deployRole: Role;
  public readonly imagePushRoles: Readonly<Record<string, Role>>;

  constructor(scope: Construct, config: ValidatedEnvironmentConfig, props: CiAccessStackProps = {}) {
    super(scope, "ci-access", { config });
    const ci = config.ci;
    if (!ci) throw new ValidationError("the environment has no 'ci' configuration", this);
    const env = this.awsEnvironment;
    const rolePrefix = `${config.name}-ci-`;
    const subjects = (trust: GithubTrust, setting: string): string[] => {
      const result = githubSubjects(trust);
      if ("problem" in result) throw new ValidationError(`'${setting}' is too broad or malformed: ${result.problem}`, this);
      return result.subjects;
    };

    const providerArn =
      (ci.oidcProvider ?? "create") === "create"
        ? new IamOpenidConnectProvider(this, "GithubOidc", {
            url: `https://${GITHUB_OIDC_HOST}`,
            clientIdList: ["sts.amazonaws.com"],
          }).arn
        : `arn:${env.partition}:iam::${env.accountId}:oidc-provider/${GITHUB_OIDC_HOST}`;

    const defaultBranch = ci.defaultBranch ?? "main";
    this.planRole = new Role(this, "PlanRole", {
      roleName: ciRoleName(config, "plan"),
      description: `terraform plan of ${config.name} from ${ci.repository}: read-only, state read`,
      assumeRoleStatements: [githubTrust(providerArn, subjects({ repository: ci.repository, branches: [defaultBranch], pullRequests: true }, "ci.repository"))],
      managedPolicyArns: [`arn:${env.partition}:iam::aws:policy/ReadOnlyAccess`],
    });
    [...stateAccess(config, env, false), ...planDenials(config, env)].forEach((s) => this.planRole.addToPrincipalPolicy(s));

    const deployEnvironment = ci.deployEnvironment ?? config.name;
    this.deployRole = new Role(this, "DeployRole", {
      roleName: ciRoleName(config, "deploy"),
      description: `cdktf deploy of ${config.name} from ${ci.repository} in GitHub environment ${deployEnvironment}`,
      assumeRoleStatements: [githubTrust(providerArn, subjects({ repository: ci.repository, environments: [deployEnvironment] }, "ci.deployEnvironment"))],
    });
    [...stateAccess(config, env, true), ...deployPolicy(config, env, rolePrefix)].forEach((s) => this.deployRole.addToPrincipalPolicy(s));

    const pushScope = new Construct(this, "ImagePush");
    const imagePushRoles: Record<string, Role> = {};
    for (const [repository, push] of Object.entries(ci.imagePush ?? {})) {
      const role = new Role(pushScope, repository, {
        roleName: physicalName([`${rolePrefix}push`, ...repository.split("/")], NameRules.iamRole),
        description: `image push from ${repository} to ${push.repositories.join(", ")}`,
        assumeRoleStatements: [
          githubTrust(providerArn, subjects({ repository, branches: push.branches ?? ["main"], environments: push.environments }, `ci.imagePush.${repository}`)),
        ],
      });
      for (const name of push.repositories) {
        const target = props.registry?.repositories[name];
        if (!target) {
          throw new ValidationError(`'ci.imagePush.${repository}.repositories' names ${JSON.stringify(name)}, which is not a repository of this environment's registry`, this);
        }
        target.grantPush(role);
      }
      imagePushRoles[repository] = role;
    }
    this.imagePushRoles = imagePushRoles;

    new TerraformOutput(this, "plan_role_arn", { value: this.planRole.roleArn, description: "For the plan workflow's aws-actions/configure-aws-credentials role-to-assume" });
    new TerraformOutput(this, "deploy_role_arn", { value: this.deployRole.roleArn, description: "For the deploy workflow's role-to-assume" });
    new TerraformOutput(this, "image_push_role_arns", {
      value: Object.fromEntries(Object.entries(imagePushRoles).map(([repo, role]) => [repo, role.roleArn])),
      description: "Image push roles by application repository",
    });
  }
}
