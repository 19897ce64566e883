// ServiceAccountRole: the AWS role of a Kubernetes service account, through EKS Pod Identity (a
// trust on pods.eks.amazonaws.com and an association) or IRSA (a web-identity trust on the
// cluster's OIDC provider and an annotation on the service account).
import { createHash } from "node:crypto";
import { Construct } from "constructs";
import { testStack, type PolicyStatement, type SynthesizedStack } from "@platform/core";
import { ServiceAccountRole, type IEksCluster, type ServiceAccountRoleProps } from "../src";
import {
  ACCOUNT,
  STACK_PATH,
  awsPolicy,
  bodyAt,
  count,
  existsAt,
  fixture,
  managedPoliciesOf,
  podIdentityAssociation,
  podIdentityTrust,
  refAt,
  roleStatements,
  synth,
  trustOf,
  unchecked,
  validationErrorOf,
  type Fixture,
} from "./support";

const BUCKET_READ: PolicyStatement = { Sid: "ReadReports", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::reports/*" };

function role(f: Fixture, props: Partial<Omit<ServiceAccountRoleProps, "cluster">> = {}, id = "Api"): ServiceAccountRole {
  return new ServiceAccountRole(f.stack, id, { cluster: f.cluster, namespace: "payments", serviceAccount: "api", ...props });
}

/** The first 8 hex digits of the SHA-256 of `text`, as physical names end in when shortened. */
function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 8);
}

/** The issuer host as the IRSA trust's condition keys start with it. */
function issuerHost(out: SynthesizedStack): string {
  return `\${replace(${refAt(out, "aws_eks_cluster", "Cluster", "identity[0].oidc[0].issuer").slice(2, -1)}, "https://", "")}`;
}

describe("pod-identity (the default)", () => {
  let f: Fixture;
  let sa: ServiceAccountRole;
  let out: SynthesizedStack;
  let outputs: Record<string, unknown>;
  beforeAll(() => {
    f = fixture();
    sa = role(f);
    ({ out, outputs } = synth(f.stack, { roleArn: sa.roleArn, roleName: sa.roleName, principalArn: sa.principalArn }));
  });

  test("the mode is pod-identity", () => {
    expect(sa.mode).toBe("pod-identity");
  });

  test("the role is trusted by EKS Pod Identity for this account and this cluster, with session tags", () => {
    expect(trustOf(out, "Api/Role").Statement).toEqual(podIdentityTrust(out));
  });

  test("the role: <environment>-eks-<namespace>-<service account>, described, no policies yet", () => {
    const body = bodyAt(out, "aws_iam_role", "Api/Role");
    expect(body.name).toBe("test-eks-payments-api");
    expect(body.description).toBe("Kubernetes service account payments/api (pod-identity)");
    expect(managedPoliciesOf(out, "Api/Role")).toEqual([]);
    expect(roleStatements(out, "Api/Role")).toEqual([]);
  });

  test("a Pod Identity association ties the service account to the role", () => {
    expect(bodyAt(out, "aws_eks_pod_identity_association", "Api/Association")).toEqual(podIdentityAssociation(out, "Api/Role", "payments", "api"));
  });

  test("the service account needs no annotation", () => {
    expect(sa.serviceAccountAnnotations).toEqual({});
  });

  test("roleArn, roleName and principalArn are the role's; principalAccountId the stack's account", () => {
    expect(outputs).toEqual({
      roleArn: refAt(out, "aws_iam_role", "Api/Role", "arn"),
      roleName: refAt(out, "aws_iam_role", "Api/Role", "name"),
      principalArn: refAt(out, "aws_iam_role", "Api/Role", "arn"),
    });
    expect(sa.principalAccountId).toBe(ACCOUNT);
  });
});

describe("irsa", () => {
  let f: Fixture;
  let sa: ServiceAccountRole;
  let out: SynthesizedStack;
  let outputs: Record<string, unknown>;
  beforeAll(() => {
    f = fixture();
    sa = role(f, { mode: "irsa" });
    ({ out, outputs } = synth(f.stack, { annotation: sa.serviceAccountAnnotations["eks.amazonaws.com/role-arn"] }));
  });

  test("the role trusts the cluster's OIDC provider for system:serviceaccount:<namespace>:<service account>, audience STS", () => {
    const host = issuerHost(out);
    expect(trustOf(out, "Api/Role").Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Federated: refAt(out, "aws_iam_openid_connect_provider", "Cluster/OidcProvider", "arn") },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { [`${host}:sub`]: "system:serviceaccount:payments:api", [`${host}:aud`]: "sts.amazonaws.com" } },
      },
    ]);
  });

  test("no Pod Identity association", () => {
    expect(existsAt(out, "aws_eks_pod_identity_association", "Api/Association")).toBe(false);
  });

  test("the service account's annotation names the role", () => {
    expect(Object.keys(sa.serviceAccountAnnotations)).toEqual(["eks.amazonaws.com/role-arn"]);
    expect(outputs.annotation).toBe(refAt(out, "aws_iam_role", "Api/Role", "arn"));
  });

  test("the description says irsa", () => {
    expect(bodyAt(out, "aws_iam_role", "Api/Role").description).toBe("Kubernetes service account payments/api (irsa)");
    expect(sa.mode).toBe("irsa");
  });

  test("associate: true changes nothing for IRSA", () => {
    const g = fixture();
    role(g, { mode: "irsa", associate: true });
    expect(count(synth(g.stack).out, "aws_eks_pod_identity_association")).toBe(0);
  });
});

describe("settings", () => {
  test("associate: false leaves the association out (for add-ons that take their role themselves)", () => {
    const f = fixture();
    role(f, { associate: false });
    const { out } = synth(f.stack);
    expect(count(out, "aws_eks_pod_identity_association")).toBe(0);
    expect(trustOf(out, "Api/Role").Statement[0].Principal).toEqual({ Service: "pods.eks.amazonaws.com" });
  });

  test("roleName, description and managedPolicyArns", () => {
    const f = fixture();
    role(f, { roleName: "payments-api", description: "The payments API", managedPolicyArns: [awsPolicy("AmazonS3ReadOnlyAccess"), awsPolicy("AmazonSQSReadOnlyAccess")] });
    const { out } = synth(f.stack);
    expect(bodyAt(out, "aws_iam_role", "Api/Role")).toMatchObject({ name: "payments-api", description: "The payments API" });
    expect(managedPoliciesOf(out, "Api/Role")).toEqual([awsPolicy("AmazonS3ReadOnlyAccess"), awsPolicy("AmazonSQSReadOnlyAccess")]);
  });

  test("a long default name keeps its start and ends in a hash of the whole: 64 characters", () => {
    const namespace = `team-${"n".repeat(41)}`;
    const serviceAccount = `worker-${"s".repeat(40)}`;
    const f = fixture();
    role(f, { namespace, serviceAccount });
    const name = bodyAt(synth(f.stack).out, "aws_iam_role", "Api/Role").name as string;
    const whole = `test-eks-${namespace}-${serviceAccount}`;
    expect(name).toBe(`${whole.slice(0, 55)}-${sha256(whole)}`);
    expect(name).toHaveLength(64);
  });

  test("a start that ends in - loses it before the hash (63 characters)", () => {
    const namespace = `team-${"n".repeat(40)}`;
    const serviceAccount = `worker-${"s".repeat(40)}`;
    const f = fixture();
    role(f, { namespace, serviceAccount });
    const name = bodyAt(synth(f.stack).out, "aws_iam_role", "Api/Role").name as string;
    const whole = `test-eks-${namespace}-${serviceAccount}`;
    expect(whole[54]).toBe("-");
    expect(name).toBe(`${whole.slice(0, 54)}-${sha256(whole)}`);
    expect(name).toHaveLength(63);
  });

  test("two long names that differ only at the end stay apart", () => {
    const f = fixture();
    const namespace = `team-${"n".repeat(41)}`;
    role(f, { namespace, serviceAccount: `worker-${"s".repeat(40)}-a` }, "A");
    role(f, { namespace, serviceAccount: `worker-${"s".repeat(40)}-b` }, "B");
    const out = synth(f.stack).out;
    expect(bodyAt(out, "aws_iam_role", "A/Role").name).not.toBe(bodyAt(out, "aws_iam_role", "B/Role").name);
  });

  test("a name of exactly 64 characters is kept as it is", () => {
    const serviceAccount = "s".repeat(64 - "test-eks-payments-".length);
    const f = fixture();
    role(f, { serviceAccount });
    expect(bodyAt(synth(f.stack).out, "aws_iam_role", "Api/Role").name).toBe(`test-eks-payments-${serviceAccount}`);
  });

  test("the same namespace and service account in two environments get two names", () => {
    const prodStack = testStack({ name: "staging" });
    const cluster: IEksCluster = importedCluster();
    new ServiceAccountRole(prodStack, "Api", { cluster, namespace: "payments", serviceAccount: "api" });
    expect(bodyAt(synth(prodStack).out, "aws_iam_role", "Api/Role").name).toBe("staging-eks-payments-api");
  });

  test("a service account name with dots", () => {
    const f = fixture();
    role(f, { serviceAccount: "api.v2" });
    const { out } = synth(f.stack);
    expect(bodyAt(out, "aws_eks_pod_identity_association", "Api/Association").service_account).toBe("api.v2");
    expect(bodyAt(out, "aws_iam_role", "Api/Role").name).toBe("test-eks-payments-api.v2");
  });
});

describe("grants", () => {
  test("addToPrincipalPolicy adds to the role's inline policy, once per statement", () => {
    const f = fixture();
    const sa = role(f);
    sa.addToPrincipalPolicy(BUCKET_READ);
    sa.addToPrincipalPolicy({ ...BUCKET_READ });
    sa.addToPrincipalPolicy({ Effect: "Allow", Action: "sqs:ReceiveMessage", Resource: `arn:aws:sqs:eu-west-1:${ACCOUNT}:jobs` });
    const { out } = synth(f.stack);
    expect(roleStatements(out, "Api/Role")).toEqual([BUCKET_READ, { Effect: "Allow", Action: "sqs:ReceiveMessage", Resource: `arn:aws:sqs:eu-west-1:${ACCOUNT}:jobs` }]);
    expect(bodyAt(out, "aws_iam_role_policy", "Api/Role/Policy")).toMatchObject({ name: "platform-grants", role: refAt(out, "aws_iam_role", "Api/Role", "id") });
  });

  test("grants go to the role in IRSA mode too", () => {
    const f = fixture();
    role(f, { mode: "irsa" }).addToPrincipalPolicy(BUCKET_READ);
    expect(roleStatements(synth(f.stack).out, "Api/Role")).toEqual([BUCKET_READ]);
  });
});

describe("cluster.serviceAccountRole()", () => {
  test("builds the same role and association as the constructor, in the scope given", () => {
    const f = fixture();
    const team = new Construct(f.stack, "Team");
    const sa = f.cluster.serviceAccountRole(team, "Api", { namespace: "payments", serviceAccount: "api" });
    expect(sa).toBeInstanceOf(ServiceAccountRole);
    expect(sa.node.path).toBe(`${STACK_PATH}/Team/Api`);
    const { out } = synth(f.stack);
    expect(bodyAt(out, "aws_iam_role", "Team/Api/Role").name).toBe("test-eks-payments-api");
    expect(bodyAt(out, "aws_eks_pod_identity_association", "Team/Api/Association")).toEqual(podIdentityAssociation(out, "Team/Api/Role", "payments", "api"));
  });

  test("passes the mode on", () => {
    const f = fixture();
    const sa = f.cluster.serviceAccountRole(f.stack, "Api", { namespace: "payments", serviceAccount: "api", mode: "irsa" });
    expect(sa.mode).toBe("irsa");
    expect(count(synth(f.stack).out, "aws_eks_pod_identity_association")).toBe(0);
  });
});

/** A cluster built elsewhere, known by its attributes. */
function importedCluster(): IEksCluster {
  return unchecked<IEksCluster>({
    clusterName: "shared",
    clusterArn: `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/shared`,
    oidcIssuerUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789",
    oidcProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789`,
  });
}

describe("a cluster known by its attributes", () => {
  test("pod-identity: the trust and the association name it", () => {
    const stack = testStack();
    new ServiceAccountRole(stack, "Api", { cluster: importedCluster(), namespace: "payments", serviceAccount: "api" });
    const { out } = synth(stack);
    expect(trustOf(out, "Api/Role").Statement[0].Condition).toEqual({
      StringEquals: { "aws:SourceAccount": ACCOUNT },
      ArnEquals: { "aws:SourceArn": `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/shared` },
    });
    expect(bodyAt(out, "aws_eks_pod_identity_association", "Api/Association").cluster_name).toBe("shared");
  });

  test("irsa: the condition keys are the issuer without https:// once Terraform evaluates them", () => {
    const stack = testStack();
    new ServiceAccountRole(stack, "Api", { cluster: importedCluster(), namespace: "payments", serviceAccount: "api", mode: "irsa" });
    const statement = trustOf(synth(stack).out, "Api/Role").Statement[0];
    expect(statement.Principal).toEqual({ Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789` });
    const host = '${replace("https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789", "https://", "")}';
    expect(statement.Condition).toEqual({ StringEquals: { [`${host}:sub`]: "system:serviceaccount:payments:api", [`${host}:aud`]: "sts.amazonaws.com" } });
  });
});

describe("errors", () => {
  const API = `${STACK_PATH}/Api`;

  function errorOf(props: Partial<Omit<ServiceAccountRoleProps, "cluster">>): string {
    const stack = testStack();
    return validationErrorOf(() => new ServiceAccountRole(stack, "Api", { cluster: importedCluster(), namespace: "payments", serviceAccount: "api", ...props })).message;
  }

  test.each(["podIdentity", "IRSA", ""])("mode %j", (mode) => {
    expect(errorOf({ mode: unchecked(mode) })).toBe(`${API}: 'mode' must be "pod-identity" or "irsa", got ${JSON.stringify(mode)}`);
  });

  test.each([
    ["upper case", "Payments"],
    ["an underscore", "payments_api"],
    ["a leading -", "-payments"],
    ["a trailing -", "payments-"],
    ["a leading digit", "1payments"],
    ["empty", ""],
    ["64 characters", "a".repeat(64)],
  ])("namespace with %s", (_, namespace) => {
    expect(errorOf({ namespace })).toBe(
      `${API}: 'namespace' must be a DNS label (1-63 lower-case letters, digits and -, starting with a letter and ending with a letter or digit), got ${JSON.stringify(namespace)}`,
    );
  });

  test("a namespace of 63 characters is fine", () => {
    const stack = testStack();
    expect(() => new ServiceAccountRole(stack, "Api", { cluster: importedCluster(), namespace: `n${"a".repeat(62)}`, serviceAccount: "api" })).not.toThrow();
  });

  test.each([
    ["upper case", "Api"],
    ["an underscore", "api_worker"],
    ["a leading -", "-api"],
    ["a trailing -", "api-"],
    ["a leading dot", ".api"],
    ["empty", ""],
    ["254 characters", "a".repeat(254)],
  ])("serviceAccount with %s", (_, serviceAccount) => {
    expect(errorOf({ serviceAccount })).toBe(`${API}: 'serviceAccount' must be a DNS subdomain (lower-case letters, digits, . and -), got ${JSON.stringify(serviceAccount)}`);
  });
});
