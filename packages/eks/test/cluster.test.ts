// What an EksCluster synthesizes around the cluster itself: its KMS key and control-plane log
// group (created first), the cluster role, the cluster (private endpoint, encrypted secrets, API
// authentication), the OIDC provider, access entries and Fargate profiles. Node groups, add-ons
// and service account roles have test files of their own.
import { Construct } from "constructs";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KUBERNETES_VERSIONS, NameRules, Role, physicalName, type SynthesizedStack } from "@platform/core";
import { EksCluster, type EksClusterProps } from "../src";
import {
  ACCOUNT,
  ADMIN_ROLE_ARN,
  AUDITOR_USER_ARN,
  DEVELOPER_ROLE_ARN,
  GENERAL,
  PRODUCTION,
  REGION,
  SECRETS_KEY_ARN,
  addressAt,
  at,
  awsPolicy,
  base,
  bodyAt,
  clusterProps,
  count,
  dependsOn,
  existsAt,
  fixture,
  managedPoliciesOf,
  policyOf,
  privateSubnetRefs,
  refAt,
  resources,
  roleStatements,
  synth,
  synthCluster,
  trustOf,
  type Resource,
} from "./support";

const ALL_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

function cluster(out: SynthesizedStack, path = "Cluster"): Resource {
  return bodyAt(out, "aws_eks_cluster", path);
}

describe("defaults", () => {
  let out: SynthesizedStack;
  let body: Resource;
  beforeAll(() => {
    out = synthCluster();
    body = cluster(out);
  });

  test("one cluster named <environment>-<id in lower case>, at the pinned version, tagged with its name", () => {
    expect(count(out, "aws_eks_cluster")).toBe(1);
    expect(body.name).toBe("test-cluster");
    expect(body.version).toBe("1.33");
    expect(body.tags).toEqual({ Name: "test-cluster" });
  });

  test("the private endpoint only, in the VPC's private subnets", () => {
    expect(body.vpc_config).toEqual({
      endpoint_private_access: true,
      endpoint_public_access: false,
      subnet_ids: privateSubnetRefs(out),
    });
  });

  test("API authentication with access entries, no implicit admin for the creator, no self-managed add-ons", () => {
    expect(body.access_config).toEqual({ authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: false });
    expect(body.bootstrap_self_managed_addons).toBe(false);
  });

  test("secrets are encrypted with the cluster's own key", () => {
    expect(body.encryption_config).toEqual({ resources: ["secrets"], provider: { key_arn: refAt(out, "aws_kms_key", "Cluster/Key", "arn") } });
  });

  test("all five control-plane log types", () => {
    expect(body.enabled_cluster_log_types).toEqual(ALL_LOG_TYPES);
  });

  test("the cluster runs as the cluster role", () => {
    expect(body.role_arn).toBe(refAt(out, "aws_iam_role", "Cluster/ClusterRole", "arn"));
  });

  test("the cluster waits for its log group and its role's policies (and on destroy goes before them)", () => {
    expect(dependsOn(body)).toEqual([
      addressAt(out, "aws_cloudwatch_log_group", "Cluster/ControlPlaneLogs"),
      addressAt(out, "aws_iam_role", "Cluster/ClusterRole"),
      addressAt(out, "aws_iam_role_policy_attachment", "Cluster/ClusterRole/ManagedPolicy0"),
      addressAt(out, "aws_iam_role_policy", "Cluster/ClusterRole/Policy"),
    ]);
  });

  test("outside production Terraform may destroy the cluster", () => {
    expect(body.lifecycle).toBeUndefined();
  });

  test("the log group: /aws/eks/<name>/cluster, kept 365 days, encrypted with the cluster key", () => {
    expect(bodyAt(out, "aws_cloudwatch_log_group", "Cluster/ControlPlaneLogs")).toEqual({
      name: "/aws/eks/test-cluster/cluster",
      retention_in_days: 365,
      kms_key_id: refAt(out, "aws_kms_key", "Cluster/Key", "arn"),
      tags: { Name: "test-cluster-control-plane" },
    });
  });

  test("the key rotates, waits 30 days before deletion and has an alias", () => {
    const key = bodyAt(out, "aws_kms_key", "Cluster/Key");
    expect(key.enable_key_rotation).toBe(true);
    expect(key.deletion_window_in_days).toBe(30);
    expect(key.description).toBe("Secrets and control-plane logs of EKS cluster test-cluster");
    expect(key.tags).toEqual({ Name: "test-cluster" });
    expect(bodyAt(out, "aws_kms_alias", "Cluster/KeyAlias")).toEqual({
      name: "alias/test-cluster-eks",
      target_key_id: refAt(out, "aws_kms_key", "Cluster/Key", "key_id"),
    });
  });

  test("the key policy: the account administers it; CloudWatch Logs of the region uses it for the cluster's log groups only (/aws/eks/<name>/*)", () => {
    const policy = policyOf(bodyAt(out, "aws_kms_key", "Cluster/Key"));
    expect(policy.Version).toBe("2012-10-17");
    expect(policy.Statement).toEqual([
      { Sid: "AccountAdministersTheKey", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" },
      {
        Sid: "CloudWatchLogsUsesTheKeyForTheClusterLogs",
        Effect: "Allow",
        Principal: { Service: `logs.${REGION}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/eks/test-cluster/*` } },
      },
    ]);
  });

  test("the cluster role: trusted by EKS, AmazonEKSClusterPolicy, and envelope encryption with the key", () => {
    const role = bodyAt(out, "aws_iam_role", "Cluster/ClusterRole");
    expect(role.name).toBe("test-cluster-cluster");
    expect(role.description).toBe("EKS control plane of test-cluster");
    expect(role.tags).toEqual({ Name: "test-cluster-cluster" });
    expect(trustOf(out, "Cluster/ClusterRole").Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] },
    ]);
    expect(managedPoliciesOf(out, "Cluster/ClusterRole")).toEqual([awsPolicy("AmazonEKSClusterPolicy")]);
    expect(roleStatements(out, "Cluster/ClusterRole")).toEqual([
      {
        Sid: "EnvelopeEncryptionOfSecrets",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
        Resource: refAt(out, "aws_kms_key", "Cluster/Key", "arn"),
      },
    ]);
  });

  test("the OIDC provider: the cluster's issuer, for STS", () => {
    expect(bodyAt(out, "aws_iam_openid_connect_provider", "Cluster/OidcProvider")).toEqual({
      url: refAt(out, "aws_eks_cluster", "Cluster", "identity[0].oidc[0].issuer"),
      client_id_list: ["sts.amazonaws.com"],
      tags: { Name: "test-cluster-oidc" },
    });
  });

  test("no access entries and no Fargate profiles unless asked for", () => {
    for (const type of ["aws_eks_access_entry", "aws_eks_access_policy_association", "aws_eks_fargate_profile"]) {
      expect({ type, count: count(out, type) }).toEqual({ type, count: 0 });
    }
    expect(existsAt(out, "aws_iam_role", "Cluster/FargatePodRole")).toBe(false);
  });
});

describe("public endpoint", () => {
  test("publicAccessCidrs turns the public endpoint on for exactly those ranges; the private one stays on", () => {
    const out = synthCluster({ cluster: { publicAccessCidrs: ["203.0.113.0/24", "198.51.100.7/32"] } });
    expect(cluster(out).vpc_config).toEqual({
      endpoint_private_access: true,
      endpoint_public_access: true,
      public_access_cidrs: ["203.0.113.0/24", "198.51.100.7/32"],
      subnet_ids: privateSubnetRefs(out),
    });
  });

  test("0.0.0.0/0 is allowed outside production", () => {
    const out = synthCluster({ cluster: { publicAccessCidrs: ["0.0.0.0/0"] } });
    expect(cluster(out).vpc_config).toMatchObject({ endpoint_public_access: true, public_access_cidrs: ["0.0.0.0/0"] });
  });

  test("0.0.0.0/0 is refused in production; other ranges are fine there", () => {
    const b = base(PRODUCTION);
    expect(() => new EksCluster(b.stack, "Open", clusterProps(b.vpc, { publicAccessCidrs: ["0.0.0.0/0"] }))).toThrow(
      `prod-unit/Open: 'publicAccessCidrs[0]' "0.0.0.0/0" opens the API endpoint to the whole internet, which is refused in production (environment "prod")`,
    );
    new EksCluster(b.stack, "Office", clusterProps(b.vpc, { publicAccessCidrs: ["203.0.113.0/24"] }));
    expect(cluster(synth(b.stack).out, "Office").vpc_config).toMatchObject({ endpoint_public_access: true, public_access_cidrs: ["203.0.113.0/24"] });
  });
});

describe("production", () => {
  test("the cluster cannot be destroyed by Terraform", () => {
    const out = synthCluster({ environment: PRODUCTION });
    const body = cluster(out);
    expect(body.name).toBe("prod-cluster");
    expect(body.lifecycle).toEqual({ prevent_destroy: true });
  });
});

describe("secrets key", () => {
  test("a key passed in: no key or alias of the cluster's own; secrets use it; the logs use CloudWatch's own encryption", () => {
    const f = fixture({ cluster: { secretsKmsKeyArn: SECRETS_KEY_ARN } });
    const { out, outputs } = synth(f.stack, { key: f.cluster.keyArn });
    expect(count(out, "aws_kms_alias")).toBe(1); // the VPC flow logs' own
    expect(existsAt(out, "aws_kms_key", "Cluster/Key")).toBe(false);
    expect(existsAt(out, "aws_kms_alias", "Cluster/KeyAlias")).toBe(false);
    expect(cluster(out).encryption_config).toEqual({ resources: ["secrets"], provider: { key_arn: SECRETS_KEY_ARN } });
    expect(bodyAt(out, "aws_cloudwatch_log_group", "Cluster/ControlPlaneLogs")).toEqual({
      name: "/aws/eks/test-cluster/cluster",
      retention_in_days: 365,
      tags: { Name: "test-cluster-control-plane" },
    });
    expect(outputs.key).toBe(SECRETS_KEY_ARN);
  });

  test("the cluster role may use the key passed in", () => {
    const out = synthCluster({ cluster: { secretsKmsKeyArn: SECRETS_KEY_ARN } });
    expect(roleStatements(out, "Cluster/ClusterRole")).toEqual([
      { Sid: "EnvelopeEncryptionOfSecrets", Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], Resource: SECRETS_KEY_ARN },
    ]);
  });

  test("a key that is a reference (a key of the same stack) is accepted and used like an ARN", () => {
    const b = base();
    const key = new KmsKey(new Construct(b.stack, "Shared"), "Secrets", { description: "EKS secrets", enableKeyRotation: true });
    const c = new EksCluster(b.stack, "Cluster", clusterProps(b.vpc, { secretsKmsKeyArn: key.arn }));
    const { out, outputs } = synth(b.stack, { key: c.keyArn });
    const keyRef = refAt(out, "aws_kms_key", "Shared/Secrets", "arn");
    expect(existsAt(out, "aws_kms_key", "Cluster/Key")).toBe(false);
    expect(existsAt(out, "aws_kms_alias", "Cluster/KeyAlias")).toBe(false);
    expect(cluster(out).encryption_config).toEqual({ resources: ["secrets"], provider: { key_arn: keyRef } });
    expect(bodyAt(out, "aws_cloudwatch_log_group", "Cluster/ControlPlaneLogs").kms_key_id).toBeUndefined();
    expect(roleStatements(out, "Cluster/ClusterRole")).toEqual([
      { Sid: "EnvelopeEncryptionOfSecrets", Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], Resource: keyRef },
    ]);
    expect(outputs.key).toBe(keyRef);
  });

  test("keyArn is the cluster's own key by default", () => {
    const f = fixture();
    const { out, outputs } = synth(f.stack, { key: f.cluster.keyArn });
    expect(outputs.key).toBe(refAt(out, "aws_kms_key", "Cluster/Key", "arn"));
  });
});

describe("logs", () => {
  test("logRetentionDays", () => {
    const out = synthCluster({ cluster: { logRetentionDays: 30 } });
    expect(bodyAt(out, "aws_cloudwatch_log_group", "Cluster/ControlPlaneLogs").retention_in_days).toBe(30);
  });

  test("logTypes chooses the log types, in the order given", () => {
    const out = synthCluster({ cluster: { logTypes: ["audit", "api"] } });
    expect(cluster(out).enabled_cluster_log_types).toEqual(["audit", "api"]);
  });

  test("logTypes [] turns control-plane logging off (the log group stays)", () => {
    const out = synthCluster({ cluster: { logTypes: [] } });
    expect(cluster(out).enabled_cluster_log_types).toEqual([]);
    expect(existsAt(out, "aws_cloudwatch_log_group", "Cluster/ControlPlaneLogs")).toBe(true);
  });
});

describe("names and versions", () => {
  test("clusterName names the cluster, its log group, the key policy's log group, the alias and the roles", () => {
    const out = synthCluster({ cluster: { clusterName: "payments" } });
    expect(cluster(out).name).toBe("payments");
    expect(bodyAt(out, "aws_cloudwatch_log_group", "Cluster/ControlPlaneLogs").name).toBe("/aws/eks/payments/cluster");
    expect(bodyAt(out, "aws_kms_alias", "Cluster/KeyAlias").name).toBe("alias/payments-eks");
    expect(policyOf(bodyAt(out, "aws_kms_key", "Cluster/Key")).Statement[1].Condition).toEqual({
      ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/eks/payments/*` },
    });
    expect(bodyAt(out, "aws_iam_role", "Cluster/ClusterRole").name).toBe("payments-cluster");
    expect(bodyAt(out, "aws_iam_role", "Cluster/NodeRole").name).toBe("payments-node");
    expect(bodyAt(out, "aws_iam_role", "Cluster/Addons/vpc-cni-role/Role").name).toBe("payments-vpc-cni");
    expect(bodyAt(out, "aws_iam_role", "Cluster/Addons/aws-ebs-csi-driver-role/Role").name).toBe("payments-ebs-csi");
  });

  test("the default name lower-cases the construct id", () => {
    const b = base();
    new EksCluster(b.stack, "Payments", clusterProps(b.vpc));
    expect(cluster(synth(b.stack).out, "Payments").name).toBe("test-payments");
  });

  test("a 100-character cluster name keeps its role names within IAM's 64 characters", () => {
    const name = `c${"x".repeat(99)}`;
    const out = synthCluster({ cluster: { clusterName: name, fargateProfiles: { system: { selectors: [{ namespace: "kube-system" }] } } } });
    expect(cluster(out).name).toBe(name);
    for (const [path, suffix] of [
      ["Cluster/ClusterRole", "cluster"],
      ["Cluster/NodeRole", "node"],
      ["Cluster/FargatePodRole", "fargate-pod"],
      ["Cluster/Addons/vpc-cni-role/Role", "vpc-cni"],
      ["Cluster/Addons/aws-ebs-csi-driver-role/Role", "ebs-csi"],
    ]) {
      const roleName = bodyAt(out, "aws_iam_role", path).name as string;
      expect({ path, roleName }).toEqual({ path, roleName: physicalName([name, suffix], NameRules.iamRole) });
      expect(roleName).toHaveLength(64);
      expect(roleName).toMatch(/^cx+-[0-9a-f]{8}$/);
    }
  });

  test.each(KUBERNETES_VERSIONS)("version %s is pinned on the cluster and the node groups", (version) => {
    const out = synthCluster({ cluster: { version } });
    expect(cluster(out).version).toBe(version);
    expect(bodyAt(out, "aws_eks_node_group", "Cluster/NodeGroups/general").version).toBe(version);
  });
});

describe("tags", () => {
  test("tags go on every resource of the cluster, with Name", () => {
    const out = synthCluster({ cluster: { tags: { team: "platform" }, fargateProfiles: { system: { selectors: [{ namespace: "kube-system" }] } } } });
    expect(cluster(out).tags).toEqual({ team: "platform", Name: "test-cluster" });
    expect(bodyAt(out, "aws_kms_key", "Cluster/Key").tags).toEqual({ team: "platform", Name: "test-cluster" });
    expect(bodyAt(out, "aws_cloudwatch_log_group", "Cluster/ControlPlaneLogs").tags).toEqual({ team: "platform", Name: "test-cluster-control-plane" });
    expect(bodyAt(out, "aws_iam_role", "Cluster/ClusterRole").tags).toEqual({ team: "platform", Name: "test-cluster-cluster" });
    expect(bodyAt(out, "aws_iam_role", "Cluster/NodeRole").tags).toEqual({ team: "platform", Name: "test-cluster-node" });
    expect(bodyAt(out, "aws_iam_role", "Cluster/FargatePodRole").tags).toEqual({ team: "platform", Name: "test-cluster-fargate-pod" });
    expect(bodyAt(out, "aws_iam_openid_connect_provider", "Cluster/OidcProvider").tags).toEqual({ team: "platform", Name: "test-cluster-oidc" });
    expect(bodyAt(out, "aws_eks_fargate_profile", "Cluster/FargateProfiles/system").tags).toEqual({ team: "platform", Name: "test-cluster-system" });
    expect(bodyAt(out, "aws_eks_node_group", "Cluster/NodeGroups/general").tags).toEqual({ team: "platform", Name: "test-cluster-general" });
    expect(bodyAt(out, "aws_launch_template", "Cluster/NodeGroups/general/LaunchTemplate").tags).toEqual({ team: "platform", Name: "test-cluster-general" });
  });
});

describe("access entries", () => {
  const POLICIES = [
    ["cluster-admin", "AmazonEKSClusterAdminPolicy"],
    ["admin", "AmazonEKSAdminPolicy"],
    ["edit", "AmazonEKSEditPolicy"],
    ["view", "AmazonEKSViewPolicy"],
  ] as const;

  test.each(POLICIES)("%s: a STANDARD entry and %s cluster-wide", (level, policy) => {
    const out = synthCluster({ cluster: { access: { ops: { principalArn: ADMIN_ROLE_ARN, level } } } });
    const nameRef = refAt(out, "aws_eks_cluster", "Cluster", "name");
    expect(bodyAt(out, "aws_eks_access_entry", "Cluster/Access/ops/Entry")).toEqual({ cluster_name: nameRef, principal_arn: ADMIN_ROLE_ARN, type: "STANDARD" });
    expect(bodyAt(out, "aws_eks_access_policy_association", "Cluster/Access/ops/Policy")).toEqual({
      cluster_name: nameRef,
      principal_arn: refAt(out, "aws_eks_access_entry", "Cluster/Access/ops/Entry", "principal_arn"),
      policy_arn: `arn:aws:eks::aws:cluster-access-policy/${policy}`,
      access_scope: { type: "cluster" },
    });
  });

  test.each(POLICIES.filter(([level]) => level !== "cluster-admin"))("%s limited to namespaces: %s in those namespaces", (level, policy) => {
    const out = synthCluster({ cluster: { access: { payments: { principalArn: DEVELOPER_ROLE_ARN, level, namespaces: ["payments", "payments-jobs"] } } } });
    expect(bodyAt(out, "aws_eks_access_policy_association", "Cluster/Access/payments/Policy")).toMatchObject({
      policy_arn: `arn:aws:eks::aws:cluster-access-policy/${policy}`,
      access_scope: { type: "namespace", namespaces: ["payments", "payments-jobs"] },
    });
  });

  test("one entry and one association per key; IAM users and roles with paths are principals too", () => {
    const out = synthCluster({
      cluster: {
        access: {
          admins: { principalArn: ADMIN_ROLE_ARN, level: "cluster-admin" },
          developers: { principalArn: DEVELOPER_ROLE_ARN, level: "edit", namespaces: ["payments"] },
          auditor: { principalArn: AUDITOR_USER_ARN, level: "view" },
        },
      },
    });
    expect(count(out, "aws_eks_access_entry")).toBe(3);
    expect(count(out, "aws_eks_access_policy_association")).toBe(3);
    expect(bodyAt(out, "aws_eks_access_entry", "Cluster/Access/admins/Entry").principal_arn).toBe(ADMIN_ROLE_ARN);
    expect(bodyAt(out, "aws_eks_access_entry", "Cluster/Access/developers/Entry").principal_arn).toBe(DEVELOPER_ROLE_ARN);
    expect(bodyAt(out, "aws_eks_access_entry", "Cluster/Access/auditor/Entry").principal_arn).toBe(AUDITOR_USER_ARN);
    expect(bodyAt(out, "aws_eks_access_policy_association", "Cluster/Access/developers/Policy").access_scope).toEqual({ type: "namespace", namespaces: ["payments"] });
  });

  test("a principal ARN that is a reference (a role of the same stack) is accepted", () => {
    const b = base();
    const role = new Role(b.stack, "Deployer", { assumeRoleStatements: [{ Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole" }] });
    new EksCluster(b.stack, "Cluster", clusterProps(b.vpc, { access: { deployer: { principalArn: role.roleArn, level: "admin" } } }));
    const { out } = synth(b.stack);
    expect(bodyAt(out, "aws_eks_access_entry", "Cluster/Access/deployer/Entry").principal_arn).toBe(refAt(out, "aws_iam_role", "Deployer", "arn"));
  });

  test("addAccess() adds an entry later; an EC2_LINUX entry has no access policy", () => {
    const f = fixture();
    const scope = new Construct(f.stack, "Extra");
    f.cluster.addAccess(scope, "ci", { principalArn: ADMIN_ROLE_ARN, level: "edit" });
    f.cluster.addAccess(scope, "karpenter-nodes", { principalArn: `arn:aws:iam::${ACCOUNT}:role/karpenter-node`, level: "view" }, "EC2_LINUX");
    const { out } = synth(f.stack);
    expect(bodyAt(out, "aws_eks_access_entry", "Extra/ci/Entry").type).toBe("STANDARD");
    expect(bodyAt(out, "aws_eks_access_policy_association", "Extra/ci/Policy").policy_arn).toBe("arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy");
    expect(bodyAt(out, "aws_eks_access_entry", "Extra/karpenter-nodes/Entry")).toEqual({
      cluster_name: refAt(out, "aws_eks_cluster", "Cluster", "name"),
      principal_arn: `arn:aws:iam::${ACCOUNT}:role/karpenter-node`,
      type: "EC2_LINUX",
    });
    expect(count(out, "aws_eks_access_policy_association")).toBe(1);
  });
});

describe("Fargate profiles", () => {
  const profiles: EksClusterProps["fargateProfiles"] = {
    system: { selectors: [{ namespace: "kube-system", labels: { "k8s-app": "kube-dns" } }] },
    batch: { selectors: [{ namespace: "batch" }, { namespace: "reports", labels: { tier: "jobs", "app.kubernetes.io/part-of": "reports" } }] },
  };
  let out: SynthesizedStack;
  beforeAll(() => {
    out = synthCluster({ cluster: { fargateProfiles: profiles } });
  });

  test("one profile per key, named by its key, in the private subnets, with its selectors", () => {
    expect(count(out, "aws_eks_fargate_profile")).toBe(2);
    expect(bodyAt(out, "aws_eks_fargate_profile", "Cluster/FargateProfiles/system")).toMatchObject({
      cluster_name: refAt(out, "aws_eks_cluster", "Cluster", "name"),
      fargate_profile_name: "system",
      pod_execution_role_arn: refAt(out, "aws_iam_role", "Cluster/FargatePodRole", "arn"),
      subnet_ids: privateSubnetRefs(out),
      selector: [{ namespace: "kube-system", labels: { "k8s-app": "kube-dns" } }],
      tags: { Name: "test-cluster-system" },
    });
    expect(bodyAt(out, "aws_eks_fargate_profile", "Cluster/FargateProfiles/batch")).toMatchObject({
      fargate_profile_name: "batch",
      selector: [{ namespace: "batch" }, { namespace: "reports", labels: { tier: "jobs", "app.kubernetes.io/part-of": "reports" } }],
    });
  });

  test("the pod execution role: one for every profile, trusted by Fargate for this cluster's profiles only", () => {
    expect(Object.keys(resources(out, "aws_iam_role")).filter((n) => n.startsWith("Cluster_FargatePodRole"))).toHaveLength(1);
    const role = bodyAt(out, "aws_iam_role", "Cluster/FargatePodRole");
    expect(role.name).toBe("test-cluster-fargate-pod");
    expect(role.description).toBe("Pods of EKS cluster test-cluster on Fargate");
    expect(trustOf(out, "Cluster/FargatePodRole").Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "eks-fargate-pods.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { ArnLike: { "aws:SourceArn": `arn:aws:eks:${REGION}:${ACCOUNT}:fargateprofile/test-cluster/*` } },
      },
    ]);
    expect(managedPoliciesOf(out, "Cluster/FargatePodRole")).toEqual([awsPolicy("AmazonEKSFargatePodExecutionRolePolicy")]);
  });

  test("fargateProfiles exposes the profiles by key", () => {
    const f = fixture({ cluster: { fargateProfiles: profiles } });
    expect(Object.keys(f.cluster.fargateProfiles)).toEqual(["system", "batch"]);
    const { out: o, outputs } = synth(f.stack, { arn: f.cluster.fargateProfiles.system.arn });
    expect(outputs.arn).toBe(refAt(o, "aws_eks_fargate_profile", "Cluster/FargateProfiles/system", "arn"));
  });

  test("a Fargate-only cluster still has its node role (Karpenter's nodes use it) but no node group", () => {
    const o = synthCluster({ cluster: { nodeGroups: undefined, fargateProfiles: profiles } });
    expect(count(o, "aws_eks_node_group")).toBe(0);
    expect(count(o, "aws_launch_template")).toBe(0);
    expect(existsAt(o, "aws_iam_role", "Cluster/NodeRole")).toBe(true);
  });
});

describe("attributes", () => {
  test("every attribute is a reference to what it names", () => {
    const f = fixture();
    const c = f.cluster;
    const { out, outputs } = synth(f.stack, {
      clusterName: c.clusterName,
      clusterArn: c.clusterArn,
      endpoint: c.endpoint,
      certificateAuthorityData: c.certificateAuthorityData,
      oidcIssuerUrl: c.oidcIssuerUrl,
      oidcProviderArn: c.oidcProviderArn,
      clusterSecurityGroupId: c.clusterSecurityGroupId,
      nodeRoleArn: c.nodeRoleArn,
      nodeRoleName: c.nodeRoleName,
    });
    const attr = (name: string) => refAt(out, "aws_eks_cluster", "Cluster", name);
    expect(outputs).toEqual({
      clusterName: attr("name"),
      clusterArn: attr("arn"),
      endpoint: attr("endpoint"),
      certificateAuthorityData: attr("certificate_authority[0].data"),
      oidcIssuerUrl: attr("identity[0].oidc[0].issuer"),
      oidcProviderArn: refAt(out, "aws_iam_openid_connect_provider", "Cluster/OidcProvider", "arn"),
      clusterSecurityGroupId: attr("vpc_config[0].cluster_security_group_id"),
      nodeRoleArn: refAt(out, "aws_iam_role", "Cluster/NodeRole", "arn"),
      nodeRoleName: refAt(out, "aws_iam_role", "Cluster/NodeRole", "name"),
    });
    expect(c.kubernetesVersion).toBe("1.33");
    expect(c.vpc).toBe(f.vpc);
    expect(c.resource.node.path).toBe("test-unit/Cluster/Resource");
  });

  test("nodeGroups and addons by key", () => {
    const f = fixture({ cluster: { nodeGroups: { general: GENERAL, gpu: { instanceTypes: ["g5.xlarge"], minSize: 0, maxSize: 2 } } } });
    expect(Object.keys(f.cluster.nodeGroups)).toEqual(["general", "gpu"]);
    expect(Object.keys(f.cluster.addons)).toEqual(["vpc-cni", "eks-pod-identity-agent", "coredns", "kube-proxy", "aws-ebs-csi-driver"]);
    const { out } = synth(f.stack);
    expect(at(out, "aws_eks_node_group", "Cluster/NodeGroups/gpu").resource.ami_type).toBe("AL2023_x86_64_STANDARD");
  });

  test("two clusters in one stack keep apart", () => {
    const b = base();
    new EksCluster(b.stack, "Blue", clusterProps(b.vpc));
    new EksCluster(b.stack, "Green", clusterProps(b.vpc));
    const { out } = synth(b.stack);
    expect(count(out, "aws_eks_cluster")).toBe(2);
    expect(cluster(out, "Blue").name).toBe("test-blue");
    expect(cluster(out, "Green").name).toBe("test-green");
    expect(bodyAt(out, "aws_iam_role", "Green/NodeRole").name).toBe("test-green-node");
    expect(bodyAt(out, "aws_cloudwatch_log_group", "Green/ControlPlaneLogs").name).toBe("/aws/eks/test-green/cluster");
  });
});
