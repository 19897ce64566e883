import { Construct } from "constructs";
import { Lazy, type ITerraformDependable } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { AwsEnvironment } from "./aws-environment";
import { NameRules, physicalName } from "./naming";
import { ValidationError } from "./validation-error";

// Core holds no AWS resources of its own but this one: every construct package needs IAM roles
// that grants can add permissions to (repository.grantPull(role), service roles, node roles),
// and a package of its own for one construct would be a dependency for all of them anyway.

/** One statement of an IAM policy document, in AWS's own JSON shape. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: Record<string, string | string[]> | "*";
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

/** Renders statements as a policy document. */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** Something that grants can give permissions to through its identity policy. */
export interface IGrantable {
  /** Adds a statement to the identity policy. */
  addToPrincipalPolicy(statement: PolicyStatement): void;
  /** The principal's ARN, for resource policies. */
  readonly principalArn: string;
  /** The account the principal lives in. */
  readonly principalAccountId: string;
}

/** An IAM role. */
export interface IRole extends IGrantable {
  readonly roleName: string;
  readonly roleArn: string;
}

export interface RoleProps {
  /** The trust policy's statements: who may assume the role. */
  readonly assumeRoleStatements: readonly PolicyStatement[];
  /** @default `<environment>-<construct id>` */
  readonly roleName?: string;
  readonly description?: string;
  /** AWS-managed or customer-managed policies to attach, by ARN. @default [] */
  readonly managedPolicyArns?: readonly string[];
  /** @default 3600 */
  readonly maxSessionDurationSeconds?: number;
  /** A permissions boundary. @default - none */
  readonly permissionsBoundaryArn?: string;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * An IAM role whose identity policy collects what grants add to it, rendered as one inline
 * policy (`Policy`) when there is anything to render.
 */
export class Role extends Construct implements IRole {
  /** A role that this code does not own; grants add an inline policy to it from `scope`. */
  public static fromRoleArn(scope: Construct, id: string, roleArn: string): IRole {
    const match = /^arn:[a-z-]+:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(roleArn);
    if (!match) {
      throw new ValidationError(`'roleArn' must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), got ${JSON.stringify(roleArn)}`, scope);
    }
    return new ImportedRole(scope, id, roleArn, match[2], match[1]);
  }

  public readonly resource: IamRole;
  public readonly roleName: string;
  public readonly roleArn: string;
  public readonly principalArn: string;
  public readonly principalAccountId: string;
  private readonly statements: PolicyStatement[] = [];
  private readonly attachments: IamRolePolicyAttachment[] = [];
  private policy?: IamRolePolicy;

  constructor(scope: Construct, id: string, props: RoleProps) {
    super(scope, id);
    const env = AwsEnvironment.of(this);
    const duration = props.maxSessionDurationSeconds ?? 3600;
    if (!Number.isInteger(duration) || duration < 3600 || duration > 43200) {
      throw new ValidationError(`'maxSessionDurationSeconds' must be a whole number from 3600 to 43200, got ${duration}`, this);
    }
    if (props.assumeRoleStatements.length === 0) {
      throw new ValidationError("'assumeRoleStatements' must hold at least one statement: a role nobody can assume is dead weight", this);
    }
    this.resource = new IamRole(this, "Resource", {
      name: props.roleName ?? physicalName([env.environment, id], NameRules.iamRole),
      description: props.description,
      assumeRolePolicy: policyDocument(props.assumeRoleStatements),
      maxSessionDuration: duration,
      permissionsBoundary: props.permissionsBoundaryArn,
      tags: props.tags ? { ...props.tags } : undefined,
    });
    (props.managedPolicyArns ?? []).forEach((arn, i) => {
      this.attachments.push(new IamRolePolicyAttachment(this, `ManagedPolicy${i}`, { role: this.resource.name, policyArn: arn }));
    });
    this.roleName = this.resource.name;
    this.roleArn = this.resource.arn;
    this.principalArn = this.resource.arn;
    this.principalAccountId = env.accountId;
  }

  /**
   * The role with its permissions so far (managed policies and grants), for `dependsOn` of what
   * must not run without them, such as an EKS cluster or node group (and, on destroy, must go
   * before the permissions do).
   */
  public get withPermissions(): ITerraformDependable[] {
    return [this.resource, ...this.attachments, ...(this.policy ? [this.policy] : [])];
  }

  public addToPrincipalPolicy(statement: PolicyStatement): void {
    if (this.statements.some((s) => JSON.stringify(s) === JSON.stringify(statement))) return;
    this.statements.push(statement);
    this.policy ??= new IamRolePolicy(this, "Policy", {
      name: "platform-grants",
      role: this.resource.id,
      policy: Lazy.stringValue({ produce: () => policyDocument(this.statements) }),
    });
  }
}

class ImportedRole extends Construct implements IRole {
  public readonly principalArn: string;
  private readonly statements: PolicyStatement[] = [];
  private policy?: IamRolePolicy;

  constructor(
    scope: Construct,
    id: string,
    public readonly roleArn: string,
    public readonly roleName: string,
    public readonly principalAccountId: string,
  ) {
    super(scope, id);
    this.principalArn = roleArn;
  }

  public addToPrincipalPolicy(statement: PolicyStatement): void {
    if (this.principalAccountId !== AwsEnvironment.of(this).accountId) {
      throw new ValidationError(
        `cannot add permissions to ${this.roleArn}: it is in account ${this.principalAccountId}, and this stack deploys to ${AwsEnvironment.of(this).accountId}; grant it through a resource policy instead`,
        this,
      );
    }
    if (this.statements.some((s) => JSON.stringify(s) === JSON.stringify(statement))) return;
    this.statements.push(statement);
    this.policy ??= new IamRolePolicy(this, "Policy", {
      name: physicalName(["platform-grants", this.node.id], NameRules.iamRole),
      role: this.roleName,
      policy: Lazy.stringValue({ produce: () => policyDocument(this.statements) }),
    });
  }
}
