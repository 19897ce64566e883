import { Construct } from "constructs";
import { Lazy } from "cdktf";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcrRepositoryPolicy } from "@cdktf/provider-aws/lib/ecr-repository-policy";
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { AwsEnvironment, ValidationError, policyDocument, showValue, type IGrantable, type PolicyStatement } from "@platform/core";
import { DEFAULT_LIFECYCLE_RULES, renderLifecyclePolicy, type LifecycleRule } from "./lifecycle-rule";
import { repositoryNameProblem } from "./private/names";

/**
 * Who a grant is for:
 * - a role or other grantable of this account: its identity policy gets the permissions;
 * - `{ accountId }`: every principal of another account that its own IAM policies allow
 *   (the repository policy names the account);
 * - `{ roleArn }`: one role, usually of another account (the repository policy names the role);
 * - `{ organizationId }`: every account of an AWS Organization (a `*` principal, always
 *   conditioned on `aws:PrincipalOrgID`).
 *
 * Cross-account principals also need `ecr:GetAuthorizationToken` and the same ECR actions in
 * their own account's IAM policies: a repository policy cannot grant those.
 */
export type RepositoryPrincipal = IGrantable | { readonly accountId: string } | { readonly roleArn: string } | { readonly organizationId: string };

/** An ECR repository that other constructs pull from or push to. */
export interface IRepository {
  readonly repositoryName: string;
  readonly repositoryArn: string;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<name>`, what `docker pull` takes (add `:<tag>`). */
  readonly repositoryUrl: string;
  /** The account that holds the repository. */
  readonly registryId: string;
  grantPull(principal: RepositoryPrincipal): void;
  grantPush(principal: RepositoryPrincipal): void;
  grantPullPush(principal: RepositoryPrincipal): void;
}

export interface RepositoryProps {
  /**
   * ECR's rules: 2-256 lower-case letters, digits and `._-` separators, namespaces with `/`.
   * The same name in every environment, so that images replicate and references stay the same.
   * @default the construct id
   */
  readonly repositoryName?: string;
  /** Tags cannot be overwritten once pushed, so a tag always means the same image. @default "IMMUTABLE" */
  readonly imageTagMutability?: "IMMUTABLE" | "MUTABLE";
  /** Scan each image for vulnerabilities when it is pushed. @default true */
  readonly scanOnPush?: boolean;
  /** A customer-managed KMS key for the images. @default - KMS encryption with the AWS-managed key `aws/ecr` */
  readonly kmsKeyArn?: string;
  /** @default - untagged images expire after 14 days; tagged images are kept */
  readonly lifecycleRules?: readonly LifecycleRule[];
  /** Delete the repository even when it holds images. Refused in production environments. @default false */
  readonly forceDelete?: boolean;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

const PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];
const PUSH_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"];
const AUTH_TOKEN: PolicyStatement = { Sid: "EcrAuthorizationToken", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] };

abstract class RepositoryBase extends Construct implements IRepository {
  public abstract readonly repositoryName: string;
  public abstract readonly repositoryArn: string;
  public abstract readonly repositoryUrl: string;
  public abstract readonly registryId: string;

  /** Pull images: the layer and image reads, and `ecr:GetAuthorizationToken` for principals of this account. */
  public grantPull(principal: RepositoryPrincipal): void {
    this.grant(principal, PULL_ACTIONS, "Pull");
  }

  /** Push images (not pull: build caches that read back need `grantPullPush`). */
  public grantPush(principal: RepositoryPrincipal): void {
    this.grant(principal, PUSH_ACTIONS, "Push");
  }

  public grantPullPush(principal: RepositoryPrincipal): void {
    this.grant(principal, [...new Set([...PULL_ACTIONS, ...PUSH_ACTIONS])], "PullPush");
  }

  /** Adds a statement to the repository policy. A `*` principal needs a condition. */
  public abstract addToResourcePolicy(statement: PolicyStatement): void;

  private grant(principal: RepositoryPrincipal, actions: string[], kind: string): void {
    const fail = (message: string): never => {
      throw new ValidationError(message, this);
    };
    // A principal of this stack's account gets the permissions in its identity policy. When the
    // repository is in another account, that account's repository policy must also allow this
    // one (for platform repositories: `pullAccounts` in the source environment's configuration).
    if ("addToPrincipalPolicy" in principal && principal.principalAccountId === AwsEnvironment.of(this).accountId) {
      principal.addToPrincipalPolicy({ Effect: "Allow", Action: actions, Resource: [this.repositoryArn] });
      principal.addToPrincipalPolicy(AUTH_TOKEN);
      return;
    }
    let awsPrincipal: string;
    let condition: PolicyStatement["Condition"];
    if ("addToPrincipalPolicy" in principal) {
      awsPrincipal = principal.principalArn;
    } else if ("accountId" in principal) {
      if (!/^\d{12}$/.test(principal.accountId)) fail(`grant${kind}: 'accountId' must be a 12-digit AWS account id, got ${showValue(principal.accountId)}`);
      awsPrincipal = `arn:${AwsEnvironment.of(this).partition}:iam::${principal.accountId}:root`;
    } else if ("roleArn" in principal) {
      if (!/^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(principal.roleArn)) {
        fail(`grant${kind}: 'roleArn' must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), got ${showValue(principal.roleArn)}`);
      }
      awsPrincipal = principal.roleArn;
    } else {
      if (!/^o-[a-z0-9]{10,32}$/.test(principal.organizationId)) {
        fail(`grant${kind}: 'organizationId' must be an AWS Organizations id (o- and 10-32 lower-case letters or digits), got ${showValue(principal.organizationId)}`);
      }
      awsPrincipal = "*";
      condition = { StringEquals: { "aws:PrincipalOrgID": principal.organizationId } };
    }
    this.addToResourcePolicy({
      Sid: `${kind}${statementSuffix(awsPrincipal === "*" ? (principal as { organizationId: string }).organizationId : awsPrincipal)}`,
      Effect: "Allow",
      Principal: { AWS: awsPrincipal },
      Action: actions,
      ...(condition ? { Condition: condition } : {}),
    });
  }
}

/**
 * An ECR repository, safe by default: immutable tags, scan on push, KMS encryption, a lifecycle
 * policy that expires untagged images, no force delete in production, and access given by intent
 * (`grantPull`, `grantPush`, `grantPullPush`) rather than policy text.
 *
 * Construct ids (public API): `Resource`, `LifecyclePolicy`, `Policy`.
 */
export class Repository extends RepositoryBase {
  /** A repository of this account and region that this code does not own. */
  public static fromRepositoryName(scope: Construct, id: string, repositoryName: string): IRepository {
    const env = AwsEnvironment.of(scope);
    return new ImportedRepository(scope, id, repositoryName, env.accountId, env.region);
  }

  /** A repository that this code does not own, in any account and region. */
  public static fromRepositoryArn(scope: Construct, id: string, repositoryArn: string): IRepository {
    const match = /^arn:aws(?:-cn|-us-gov)?:ecr:([a-z0-9-]+):(\d{12}):repository\/(.+)$/.exec(repositoryArn);
    if (!match) {
      throw new ValidationError(`'repositoryArn' must be an ECR repository ARN (arn:aws:ecr:<region>:<account>:repository/<name>), got ${showValue(repositoryArn)}`, scope);
    }
    return new ImportedRepository(scope, id, match[3], match[2], match[1]);
  }

  public readonly resource: EcrRepository;
  public readonly repositoryName: string;
  public readonly repositoryArn: string;
  public readonly repositoryUrl: string;
  public readonly registryId: string;
  private readonly statements: PolicyStatement[] = [];
  private policy?: EcrRepositoryPolicy;

  constructor(scope: Construct, id: string, props: RepositoryProps = {}) {
    super(scope, id);
    const env = AwsEnvironment.of(this);
    const fail = (message: string): never => {
      throw new ValidationError(message, this);
    };
    const name = props.repositoryName ?? id;
    const nameProblem = repositoryNameProblem(name);
    if (nameProblem) fail(`'repositoryName' ${nameProblem}, got ${showValue(name)}`);
    const mutability = props.imageTagMutability ?? "IMMUTABLE";
    if (mutability !== "IMMUTABLE" && mutability !== "MUTABLE") {
      fail(`'imageTagMutability' must be "IMMUTABLE" or "MUTABLE", got ${showValue(mutability)}`);
    }
    if (props.forceDelete && env.production) {
      fail(`'forceDelete' is refused in production (environment ${showValue(env.environment)}): deleting a repository with its images breaks every deployment that references them`);
    }
    if (props.kmsKeyArn !== undefined && !/^arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/.test(props.kmsKeyArn)) {
      fail(`'kmsKeyArn' must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), got ${showValue(props.kmsKeyArn)}`);
    }
    const lifecycle = renderLifecyclePolicy(props.lifecycleRules ?? DEFAULT_LIFECYCLE_RULES);
    if ("problem" in lifecycle) fail(lifecycle.problem);

    this.resource = new EcrRepository(this, "Resource", {
      name,
      imageTagMutability: mutability,
      imageScanningConfiguration: { scanOnPush: props.scanOnPush ?? true },
      encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: props.kmsKeyArn }],
      forceDelete: props.forceDelete ?? false,
      tags: props.tags ? { ...props.tags } : undefined,
    });
    if ((props.lifecycleRules ?? DEFAULT_LIFECYCLE_RULES).length > 0) {
      new EcrLifecyclePolicy(this, "LifecyclePolicy", {
        repository: this.resource.name,
        policy: (lifecycle as { policy: string }).policy,
      });
    }
    this.repositoryName = this.resource.name;
    this.repositoryArn = this.resource.arn;
    this.repositoryUrl = this.resource.repositoryUrl;
    this.registryId = env.accountId;
  }

  public addToResourcePolicy(statement: PolicyStatement): void {
    assertConditionedWildcard(statement, this);
    if (this.statements.some((s) => JSON.stringify(s) === JSON.stringify(statement))) return;
    this.statements.push(statement);
    this.policy ??= new EcrRepositoryPolicy(this, "Policy", {
      repository: this.resource.name,
      policy: Lazy.stringValue({ produce: () => policyDocument(this.statements) }),
    });
  }
}

class ImportedRepository extends RepositoryBase {
  public readonly repositoryArn: string;
  public readonly repositoryUrl: string;

  constructor(
    scope: Construct,
    id: string,
    public readonly repositoryName: string,
    public readonly registryId: string,
    region: string,
  ) {
    super(scope, id);
    const nameProblem = repositoryNameProblem(repositoryName);
    if (nameProblem) throw new ValidationError(`'repositoryName' ${nameProblem}, got ${showValue(repositoryName)}`, this);
    const env = AwsEnvironment.of(this);
    this.repositoryArn = `arn:${env.partition}:ecr:${region}:${registryId}:repository/${repositoryName}`;
    this.repositoryUrl = `${registryId}.dkr.ecr.${region}.${env.urlSuffix}/${repositoryName}`;
  }

  public addToResourcePolicy(statement: PolicyStatement): void {
    throw new ValidationError(
      `cannot change the policy of ${this.repositoryArn}: this code does not own it (${showValue(statement.Sid ?? statement.Action)}); grant the access in the stack that owns the repository`,
      this,
    );
  }
}

function assertConditionedWildcard(statement: PolicyStatement, scope: Construct): void {
  const principal = statement.Principal;
  const values = principal === "*" ? ["*"] : Object.values(principal ?? {}).flat();
  if (values.includes("*") && !statement.Condition) {
    throw new ValidationError(
      `a repository policy statement may not allow the "*" principal without a condition (${showValue(statement.Sid ?? statement.Action)}); name accounts or roles, or condition it on aws:PrincipalOrgID`,
      scope,
    );
  }
}

/** A Sid-safe suffix: `Pull123456789012`, `PullDeployRole`. */
function statementSuffix(principal: string): string {
  const tail = principal.replace(/^arn:[^:]+:iam::(\d{12}):(root|role\/(.*))$/, (_m, account: string, _k, role?: string) => (role ? `${account}${role}` : account));
  return tail.replace(/[^A-Za-z0-9]/g, "").slice(0, 60);
}
