import { Construct } from "constructs";
import { Fn, type ITerraformDependable } from "cdktf";
import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association";
import {
  AwsEnvironment,
  DNS_LABEL,
  NameRules,
  Role,
  ValidationError,
  physicalName,
  showValue,
  type IRole,
  type PolicyStatement,
  type WorkloadIdentityMode,
} from "@platform/core";
import type { IEksCluster } from "./eks-cluster";

export interface ServiceAccountRoleProps {
  readonly cluster: IEksCluster;
  readonly namespace: string;
  readonly serviceAccount: string;
  /**
   * `pod-identity`: an EKS Pod Identity association (needs the eks-pod-identity-agent add-on);
   * `irsa`: a web-identity trust on the cluster's OIDC provider, and the service account needs
   * the `eks.amazonaws.com/role-arn` annotation.
   * @default "pod-identity"
   */
  readonly mode?: WorkloadIdentityMode;
  /**
   * Create the Pod Identity association here. EKS add-ons that take their role through their own
   * `pod_identity_association` pass false.
   * @default true
   */
  readonly associate?: boolean;
  /** @default `<environment>-eks-<namespace>-<service account>`, shortened with a hash to 64 characters */
  readonly roleName?: string;
  readonly description?: string;
  /** @default [] */
  readonly managedPolicyArns?: readonly string[];
}

/**
 * The AWS role of a Kubernetes service account: one call gives a workload its AWS identity.
 * Grants (`repository.grantPull(role)`, `addToPrincipalPolicy`) add to its inline policy.
 *
 * Construct ids (public API): `Role`, `Association` (Pod Identity only).
 */
export class ServiceAccountRole extends Construct implements IRole {
  public readonly role: Role;
  public readonly roleArn: string;
  public readonly roleName: string;
  public readonly principalArn: string;
  public readonly principalAccountId: string;
  public readonly mode: WorkloadIdentityMode;
  /**
   * The role, its permissions so far and (Pod Identity) its association: what pods of the
   * service account need before they start, for `dependsOn`.
   */
  public get readyForPods(): ITerraformDependable[] {
    return [...this.role.withPermissions, ...(this.association ? [this.association] : [])];
  }
  /** The Pod Identity association, when created here. */
  public readonly association?: EksPodIdentityAssociation;
  /** The annotations the service account needs: the role ARN for IRSA, none for Pod Identity. */
  public readonly serviceAccountAnnotations: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: ServiceAccountRoleProps) {
    super(scope, id);
    const env = AwsEnvironment.of(this);
    const fail = (message: string): never => {
      throw new ValidationError(message, this);
    };
    const mode = props.mode ?? "pod-identity";
    if (mode !== "pod-identity" && mode !== "irsa") fail(`'mode' must be "pod-identity" or "irsa", got ${showValue(mode)}`);
    if (!DNS_LABEL.test(props.namespace)) fail(`'namespace' must be a DNS label (1-63 lower-case letters, digits and -, starting with a letter and ending with a letter or digit), got ${showValue(props.namespace)}`);
    if (!/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/.test(props.serviceAccount)) {
      fail(`'serviceAccount' must be a DNS subdomain (lower-case letters, digits, . and -), got ${showValue(props.serviceAccount)}`);
    }
    this.mode = mode;
    const trust: PolicyStatement =
      mode === "pod-identity"
        ? {
            Effect: "Allow",
            Principal: { Service: "pods.eks.amazonaws.com" },
            Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: { StringEquals: { "aws:SourceAccount": env.accountId }, ArnEquals: { "aws:SourceArn": props.cluster.clusterArn } },
          }
        : {
            Effect: "Allow",
            Principal: { Federated: props.cluster.oidcProviderArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: {
                [`${Fn.replace(props.cluster.oidcIssuerUrl, "https://", "")}:sub`]: `system:serviceaccount:${props.namespace}:${props.serviceAccount}`,
                [`${Fn.replace(props.cluster.oidcIssuerUrl, "https://", "")}:aud`]: "sts.amazonaws.com",
              },
            },
          };
    this.role = new Role(this, "Role", {
      roleName: props.roleName ?? physicalName([env.environment, "eks", props.namespace, props.serviceAccount], NameRules.iamRole),
      description: props.description ?? `Kubernetes service account ${props.namespace}/${props.serviceAccount} (${mode})`,
      assumeRoleStatements: [trust],
      managedPolicyArns: props.managedPolicyArns,
    });
    if (mode === "pod-identity" && (props.associate ?? true)) {
      this.association = new EksPodIdentityAssociation(this, "Association", {
        clusterName: props.cluster.clusterName,
        namespace: props.namespace,
        serviceAccount: props.serviceAccount,
        roleArn: this.role.roleArn,
      });
    }
    this.roleArn = this.role.roleArn;
    this.roleName = this.role.roleName;
    this.principalArn = this.role.principalArn;
    this.principalAccountId = this.role.principalAccountId;
    this.serviceAccountAnnotations = mode === "irsa" ? { "eks.amazonaws.com/role-arn": this.role.roleArn } : {};
  }

  public addToPrincipalPolicy(statement: PolicyStatement): void {
    this.role.addToPrincipalPolicy(statement);
  }
}
