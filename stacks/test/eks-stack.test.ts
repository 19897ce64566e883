import { Testing, TerraformStack, type App } from "cdktf";
import { ConfigError, testEnvironmentConfig, type EnvironmentConfig, type SynthesizedStack } from "@platform/core";
import { MANAGED_ADDON_VERSIONS } from "@platform/eks";
import { EksAddonsStack, EksStack, EksWorkloadsStack, buildEnvironment } from "../src";
import { ACCOUNT, EKS, NETWORK_STATE, environment, prepareAndSynth, resource, resourceKey, resources, type EksInput, type Resource, type ServiceInput } from "./eks-support";

const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const CI: EnvironmentConfig["ci"] = { repository: "acme/platform" };

/** The synthesized `<env>-eks` stack of an environment. */
function eksOut(eks: EksInput = EKS, overrides: Partial<EnvironmentConfig> = {}): SynthesizedStack {
  const { app, stacks } = environment(eks, overrides);
  return prepareAndSynth(app, stacks.eks!)[0];
}

const cluster = (out: SynthesizedStack) => resource(out, "aws_eks_cluster", "Cluster");
const stackIds = (app: App) => app.node.findAll().filter(TerraformStack.isStack).map((s) => s.node.id);

describe("buildEnvironment and the EKS stacks", () => {
  test("an eks section adds <env>-eks, <env>-eks-addons and <env>-eks-workloads, after the network", () => {
    const app = Testing.app();
    const stacks = buildEnvironment(app, testEnvironmentConfig({ name: "qa", eks: EKS }));
    expect(stacks.eks).toBeInstanceOf(EksStack);
    expect(stacks.eksAddons).toBeInstanceOf(EksAddonsStack);
    expect(stacks.eksWorkloads).toBeInstanceOf(EksWorkloadsStack);
    expect([stacks.eks!.node.id, stacks.eksAddons!.node.id, stacks.eksWorkloads!.node.id]).toEqual(["qa-eks", "qa-eks-addons", "qa-eks-workloads"]);
    expect(stackIds(app)).toEqual(["qa-network", "qa-eks", "qa-eks-addons", "qa-eks-workloads"]);
  });

  test("no eks section: no EKS stacks, even with ECS services and every other section", () => {
    const app = Testing.app();
    const api: ServiceInput = { runtime: "ecs-fargate", image: { repository: "app", tag: "1.0.0" }, cpu: 256, memoryMiB: 512 };
    const stacks = buildEnvironment(app, testEnvironmentConfig({ ecr: { repositories: { app: {} } }, ci: CI, ecs: {}, services: { api } }));
    expect(stacks.eks).toBeUndefined();
    expect(stacks.eksAddons).toBeUndefined();
    expect(stacks.eksWorkloads).toBeUndefined();
    expect(stackIds(app)).toEqual(["test-network", "test-registry", "test-ci-access", "test-ecs"]);
    expect(stackIds(app).filter((id) => id.includes("eks"))).toEqual([]);
  });

  test("a service on eks without an eks section is a configuration error, not a silently dropped service", () => {
    const web: ServiceInput = { runtime: "eks", image: { reference: "public.ecr.aws/nginx/nginx:1.27" }, cpu: 256, memoryMiB: 512 };
    expect(() => testEnvironmentConfig({ services: { web } })).toThrow(ConfigError);
    expect(() => testEnvironmentConfig({ services: { web } })).toThrow(/services\.web\.runtime: "eks" needs the eks section/);
  });
});

describe("EksStack cluster", () => {
  test("is the cluster <env>-eks, at the pinned version, private endpoint only, all log types kept 365 days, secrets encrypted with a key of its own", () => {
    const { app, stacks } = environment(EKS, { name: "qa" });
    expect(stacks.eks!.clusterName).toBe("qa-eks");
    const [out] = prepareAndSynth(app, stacks.eks!);
    const keyKey = resourceKey(out, "aws_kms_key", "Cluster_Key");
    const logsKey = resourceKey(out, "aws_cloudwatch_log_group", "Cluster_ControlPlaneLogs");
    expect(cluster(out)).toMatchObject({
      name: "qa-eks",
      version: "1.33",
      access_config: { authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: false },
      bootstrap_self_managed_addons: false,
      enabled_cluster_log_types: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
      encryption_config: { resources: ["secrets"], provider: { key_arn: `\${aws_kms_key.${keyKey}.arn}` } },
    });
    expect(cluster(out).depends_on).toContain(`aws_cloudwatch_log_group.${logsKey}`);
    const vpc = cluster(out).vpc_config as Resource;
    expect(vpc).toMatchObject({ endpoint_private_access: true, endpoint_public_access: false });
    expect(vpc.public_access_cidrs).toBeUndefined();
    expect(resource(out, "aws_cloudwatch_log_group", "Cluster_ControlPlaneLogs")).toMatchObject({
      name: "/aws/eks/qa-eks/cluster",
      retention_in_days: 365,
      kms_key_id: `\${aws_kms_key.${keyKey}.arn}`,
    });
    expect(resource(out, "aws_kms_key", "Cluster_Key")).toMatchObject({ enable_key_rotation: true });
    expect(cluster(out).lifecycle).toBeUndefined();
  });

  test("takes version, public CIDRs, log types and retention from the eks section", () => {
    const out = eksOut({ ...EKS, version: "1.31", publicAccessCidrs: ["203.0.113.0/24", "198.51.100.0/24"], logTypes: ["api", "audit"], logRetentionDays: 90 });
    expect(cluster(out)).toMatchObject({
      version: "1.31",
      enabled_cluster_log_types: ["api", "audit"],
      vpc_config: { endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ["203.0.113.0/24", "198.51.100.0/24"] },
    });
    expect(resource(out, "aws_cloudwatch_log_group", "Cluster_ControlPlaneLogs")).toMatchObject({ name: "/aws/eks/test-eks/cluster", retention_in_days: 90 });
    // Node groups run the cluster's version.
    expect(resource(out, "aws_eks_node_group", "Cluster_NodeGroups_general")).toMatchObject({ version: "1.31" });
  });

  test("a secretsKmsKeyArn replaces the cluster's own key; the control-plane logs then use CloudWatch's encryption", () => {
    const out = eksOut({ ...EKS, secretsKmsKeyArn: KEY_ARN });
    expect(resources(out, "aws_kms_key")).toEqual({});
    expect(resources(out, "aws_kms_alias")).toEqual({});
    expect(cluster(out).encryption_config).toEqual({ resources: ["secrets"], provider: { key_arn: KEY_ARN } });
    expect(resource(out, "aws_cloudwatch_log_group", "Cluster_ControlPlaneLogs").kms_key_id).toBeUndefined();
  });

  test("in production the cluster cannot be destroyed by Terraform", () => {
    const out = eksOut(EKS, { production: true, backend: { type: "s3", bucket: "acme-terraform-state" } });
    expect(cluster(out).lifecycle).toEqual({ prevent_destroy: true });
  });

  test("runs in the network stack's private subnets, read through the network stack's remote state", () => {
    const { app, stacks } = environment();
    const [out, network] = prepareAndSynth(app, stacks.eks!, stacks.network);
    const subnetIds = (cluster(out).vpc_config as Resource).subnet_ids as string[];
    expect(subnetIds).toHaveLength(2);
    ["eu-west-1a", "eu-west-1b"].forEach((az, i) => {
      const subnetKey = resourceKey(network, "aws_subnet", `Vpc_Subnets_private-${az}_Subnet`);
      const outputName = `cross-stack-output-aws_subnet${subnetKey}id`;
      expect(subnetIds[i]).toBe(`\${${NETWORK_STATE}.outputs.${outputName}}`);
      // The network stack exports exactly that subnet under that name.
      expect(network.output?.[outputName]).toMatchObject({ value: `\${aws_subnet.${subnetKey}.id}` });
    });
    expect(subnetIds.join()).not.toContain("public");
    expect(out.data?.terraform_remote_state).toEqual({
      "cross-stack-reference-input-test-network": expect.objectContaining({ backend: "local", config: { path: expect.stringMatching(/test-network\.tfstate$/) } }),
    });
    // Node groups and Fargate profiles use the same subnets.
    expect(resource(out, "aws_eks_node_group", "Cluster_NodeGroups_general").subnet_ids).toEqual(subnetIds);
  });
});

describe("EksStack compute", () => {
  test("one managed node group per eks.nodeGroups entry, with its instance types, capacity, sizes, labels, taints and disk", () => {
    const out = eksOut({
      ...EKS,
      nodeGroups: {
        general: { instanceTypes: ["m7g.large", "m7g.xlarge"], minSize: 2, maxSize: 5 },
        batch: {
          instanceTypes: ["c6i.large"],
          capacityType: "spot",
          minSize: 0,
          maxSize: 10,
          desiredSize: 3,
          diskSizeGiB: 100,
          maxUnavailable: 2,
          labels: { "platform.acme.io/pool": "batch" },
          taints: [{ key: "batch", value: "true", effect: "NoSchedule" }],
        },
      },
    });
    expect(Object.keys(resources(out, "aws_eks_node_group")).sort()).toEqual([
      expect.stringMatching(/^Cluster_NodeGroups_batch_[0-9A-F]{8}$/),
      expect.stringMatching(/^Cluster_NodeGroups_general_[0-9A-F]{8}$/),
    ]);
    const clusterKey = resourceKey(out, "aws_eks_cluster", "Cluster");
    expect(resource(out, "aws_eks_node_group", "Cluster_NodeGroups_general")).toMatchObject({
      cluster_name: `\${aws_eks_cluster.${clusterKey}.name}`,
      node_group_name_prefix: "test-eks-general-",
      instance_types: ["m7g.large", "m7g.xlarge"],
      ami_type: "AL2023_ARM_64_STANDARD",
      capacity_type: "ON_DEMAND",
      scaling_config: { min_size: 2, max_size: 5, desired_size: 2 },
      update_config: { max_unavailable: 1 },
      version: "1.33",
      lifecycle: { create_before_destroy: true, ignore_changes: ["scaling_config[0].desired_size"] },
    });
    expect(resource(out, "aws_eks_node_group", "Cluster_NodeGroups_batch")).toMatchObject({
      instance_types: ["c6i.large"],
      ami_type: "AL2023_x86_64_STANDARD",
      capacity_type: "SPOT",
      scaling_config: { min_size: 0, max_size: 10, desired_size: 3 },
      update_config: { max_unavailable: 2 },
      labels: { "platform.acme.io/pool": "batch" },
      taint: [{ key: "batch", value: "true", effect: "NO_SCHEDULE" }],
    });
    expect(resource(out, "aws_launch_template", "Cluster_NodeGroups_batch_LaunchTemplate")).toMatchObject({
      block_device_mappings: [{ device_name: "/dev/xvda", ebs: expect.objectContaining({ volume_size: 100, volume_type: "gp3" }) }],
      metadata_options: expect.objectContaining({ http_tokens: "required", http_put_response_hop_limit: 1 }),
    });
    expect(resources(out, "aws_eks_fargate_profile")).toEqual({});
    // EBS volumes need EC2 nodes: the EBS CSI driver comes with node groups.
    expect(resource(out, "aws_eks_addon", "Cluster_Addons_aws-ebs-csi-driver")).toMatchObject({ addon_name: "aws-ebs-csi-driver" });
  });

  test("one Fargate profile per eks.fargateProfiles entry, with its selectors; a Fargate-only cluster runs CoreDNS on Fargate and has no EBS driver", () => {
    const out = eksOut({
      version: "1.33",
      fargateProfiles: {
        system: { selectors: [{ namespace: "kube-system" }, { namespace: "karpenter" }] },
        batch: { selectors: [{ namespace: "batch-jobs", labels: { "platform.acme.io/fargate": "true" } }] },
      },
    });
    const clusterKey = resourceKey(out, "aws_eks_cluster", "Cluster");
    const podRoleKey = resourceKey(out, "aws_iam_role", "Cluster_FargatePodRole");
    expect(resource(out, "aws_eks_fargate_profile", "Cluster_FargateProfiles_system")).toMatchObject({
      cluster_name: `\${aws_eks_cluster.${clusterKey}.name}`,
      fargate_profile_name: "system",
      pod_execution_role_arn: `\${aws_iam_role.${podRoleKey}.arn}`,
      selector: [{ namespace: "kube-system" }, { namespace: "karpenter" }],
    });
    expect(resource(out, "aws_eks_fargate_profile", "Cluster_FargateProfiles_batch")).toMatchObject({
      fargate_profile_name: "batch",
      selector: [{ namespace: "batch-jobs", labels: { "platform.acme.io/fargate": "true" } }],
    });
    expect(resources(out, "aws_eks_node_group")).toEqual({});
    expect(JSON.parse(resource(out, "aws_eks_addon", "Cluster_Addons_coredns").configuration_values as string)).toEqual({ computeType: "Fargate" });
    expect(Object.keys(resources(out, "aws_eks_addon")).filter((k) => k.includes("ebs"))).toEqual([]);
  });
});

describe("EksStack managed add-ons", () => {
  const addonVersions = (out: SynthesizedStack) =>
    Object.fromEntries(Object.values(resources(out, "aws_eks_addon")).map((a) => [a.addon_name as string, a.addon_version as string]));

  test.each(["1.31", "1.32", "1.33"] as const)("Kubernetes %s: every add-on at the version pinned for it", (version) => {
    const out = eksOut({ ...EKS, version });
    // The EFS CSI driver is the add-ons stack's (eks.addons.efsCsiDriver).
    const installed = Object.fromEntries(Object.entries(MANAGED_ADDON_VERSIONS[version]).filter(([name]) => name !== "aws-efs-csi-driver"));
    expect(addonVersions(out)).toEqual(installed);
    for (const addon of Object.values(resources(out, "aws_eks_addon"))) {
      expect(addon).toMatchObject({ resolve_conflicts_on_create: "OVERWRITE", resolve_conflicts_on_update: "OVERWRITE" });
    }
  });

  test("eks.addonVersions overrides the pinned version of the add-ons it names, and only those", () => {
    const out = eksOut({ ...EKS, version: "1.32", addonVersions: { "vpc-cni": "v1.20.0-eksbuild.1", coredns: "v1.11.4-eksbuild.20" } });
    expect(addonVersions(out)).toEqual({
      ...Object.fromEntries(Object.entries(MANAGED_ADDON_VERSIONS["1.32"]).filter(([name]) => name !== "aws-efs-csi-driver")),
      "vpc-cni": "v1.20.0-eksbuild.1",
      coredns: "v1.11.4-eksbuild.20",
    });
  });

  test("the VPC CNI enforces network policies unless eks.networkPolicies is false", () => {
    const cni = (out: SynthesizedStack) => resource(out, "aws_eks_addon", "Cluster_Addons_vpc-cni");
    expect(JSON.parse(cni(eksOut()).configuration_values as string)).toEqual({ enableNetworkPolicy: "true" });
    expect(JSON.parse(cni(eksOut({ ...EKS, networkPolicies: true })).configuration_values as string)).toEqual({ enableNetworkPolicy: "true" });
    expect(cni(eksOut({ ...EKS, networkPolicies: false })).configuration_values).toBeUndefined();
  });
});

describe("EksStack access entries", () => {
  const entries = (out: SynthesizedStack) =>
    Object.fromEntries(
      Object.entries(resources(out, "aws_eks_access_entry")).map(([key, entry]) => {
        const name = /^Cluster_Access_(.+)_Entry_[0-9A-F]{8}$/.exec(key)![1];
        return [name, entry];
      }),
    );
  const policy = (out: SynthesizedStack, name: string) => resource(out, "aws_eks_access_policy_association", `Cluster_Access_${name}_Policy`);
  const policyArn = (name: string) => `arn:aws:eks::aws:cluster-access-policy/${name}`;

  test("with ci: the CI deploy role <env>-ci-deploy is a cluster admin and the plan role <env>-ci-plan may view", () => {
    const out = eksOut(EKS, { name: "qa", ci: CI });
    const clusterKey = resourceKey(out, "aws_eks_cluster", "Cluster");
    expect(entries(out)).toEqual({
      "ci-deploy": { cluster_name: `\${aws_eks_cluster.${clusterKey}.name}`, principal_arn: `arn:aws:iam::${ACCOUNT}:role/qa-ci-deploy`, type: "STANDARD" },
      "ci-plan": { cluster_name: `\${aws_eks_cluster.${clusterKey}.name}`, principal_arn: `arn:aws:iam::${ACCOUNT}:role/qa-ci-plan`, type: "STANDARD" },
    });
    expect(policy(out, "ci-deploy")).toEqual({
      cluster_name: `\${aws_eks_cluster.${clusterKey}.name}`,
      principal_arn: `\${aws_eks_access_entry.${resourceKey(out, "aws_eks_access_entry", "Cluster_Access_ci-deploy_Entry")}.principal_arn}`,
      policy_arn: policyArn("AmazonEKSClusterAdminPolicy"),
      access_scope: { type: "cluster" },
    });
    expect(policy(out, "ci-plan")).toMatchObject({ policy_arn: policyArn("AmazonEKSViewPolicy"), access_scope: { type: "cluster" } });
  });

  test("the CI principals are the roles that <env>-ci-access creates", () => {
    const { app, stacks } = environment(EKS, { name: "qa", ci: CI });
    const [out, ci] = prepareAndSynth(app, stacks.eks!, stacks.ciAccess!);
    const roleNames = Object.values(resources(ci, "aws_iam_role")).map((r) => r.name);
    for (const entry of Object.values(resources(out, "aws_eks_access_entry"))) {
      const name = (entry.principal_arn as string).replace(`arn:aws:iam::${ACCOUNT}:role/`, "");
      expect(roleNames).toContain(name);
    }
    expect(roleNames).toEqual(expect.arrayContaining(["qa-ci-deploy", "qa-ci-plan"]));
  });

  test("without ci (and no eks.access) the cluster has no access entries", () => {
    const out = eksOut();
    expect(resources(out, "aws_eks_access_entry")).toEqual({});
    expect(resources(out, "aws_eks_access_policy_association")).toEqual({});
  });

  test("eks.access entries: cluster-wide or limited to namespaces, at their level's access policy, beside the CI ones", () => {
    const admins = `arn:aws:iam::${ACCOUNT}:role/platform-admins`;
    const team = `arn:aws:iam::${ACCOUNT}:user/team-lead`;
    const auditors = `arn:aws:iam::${ACCOUNT}:role/auditors`;
    const access: EksInput["access"] = {
      admins: { principalArn: admins, level: "cluster-admin" },
      team: { principalArn: team, level: "edit", namespaces: ["api", "web"] },
      auditors: { principalArn: auditors, level: "view" },
      "ns-admin": { principalArn: `arn:aws:iam::${ACCOUNT}:role/ns-admin`, level: "admin", namespaces: ["api"] },
    };
    const out = eksOut({ ...EKS, access }, { ci: CI });
    expect(Object.fromEntries(Object.entries(entries(out)).map(([name, e]) => [name, e.principal_arn]))).toEqual({
      admins,
      team,
      auditors,
      "ns-admin": `arn:aws:iam::${ACCOUNT}:role/ns-admin`,
      "ci-deploy": `arn:aws:iam::${ACCOUNT}:role/test-ci-deploy`,
      "ci-plan": `arn:aws:iam::${ACCOUNT}:role/test-ci-plan`,
    });
    expect(policy(out, "admins")).toMatchObject({ policy_arn: policyArn("AmazonEKSClusterAdminPolicy"), access_scope: { type: "cluster" } });
    expect(policy(out, "team")).toMatchObject({ policy_arn: policyArn("AmazonEKSEditPolicy"), access_scope: { type: "namespace", namespaces: ["api", "web"] } });
    expect(policy(out, "auditors")).toMatchObject({ policy_arn: policyArn("AmazonEKSViewPolicy"), access_scope: { type: "cluster" } });
    expect(policy(out, "ns-admin")).toMatchObject({ policy_arn: policyArn("AmazonEKSAdminPolicy"), access_scope: { type: "namespace", namespaces: ["api"] } });
  });

  test("eks.access without ci: only the configured entries", () => {
    const out = eksOut({ ...EKS, access: { admins: { principalArn: `arn:aws:iam::${ACCOUNT}:role/platform-admins`, level: "cluster-admin" } } });
    expect(Object.keys(entries(out))).toEqual(["admins"]);
  });

  test("an eks.access entry named ci-deploy or ci-plan takes the place of the CI default", () => {
    const custom = `arn:aws:iam::${ACCOUNT}:role/custom-plan`;
    const out = eksOut({ ...EKS, access: { "ci-plan": { principalArn: custom, level: "edit", namespaces: ["api"] } } }, { ci: CI });
    expect(entries(out)["ci-plan"].principal_arn).toBe(custom);
    expect(policy(out, "ci-plan")).toMatchObject({ policy_arn: policyArn("AmazonEKSEditPolicy"), access_scope: { type: "namespace", namespaces: ["api"] } });
    expect(entries(out)["ci-deploy"].principal_arn).toBe(`arn:aws:iam::${ACCOUNT}:role/test-ci-deploy`);
  });
});

describe("EksStack outputs", () => {
  test("cluster_name, cluster_endpoint and oidc_provider_arn, from the cluster and its OIDC provider", () => {
    const out = eksOut();
    const clusterKey = resourceKey(out, "aws_eks_cluster", "Cluster");
    const oidcKey = resourceKey(out, "aws_iam_openid_connect_provider", "Cluster_OidcProvider");
    expect(out.output?.cluster_name).toEqual({ value: `\${aws_eks_cluster.${clusterKey}.name}`, description: "The EKS cluster" });
    expect(out.output?.cluster_endpoint).toEqual({ value: `\${aws_eks_cluster.${clusterKey}.endpoint}`, description: "The API server's URL (private unless eks.publicAccessCidrs)" });
    expect(out.output?.oidc_provider_arn).toEqual({ value: `\${aws_iam_openid_connect_provider.${oidcKey}.arn}`, description: "The IAM OIDC provider of IRSA roles" });
    expect(resource(out, "aws_iam_openid_connect_provider", "Cluster_OidcProvider")).toMatchObject({
      url: `\${aws_eks_cluster.${clusterKey}.identity[0].oidc[0].issuer}`,
      client_id_list: ["sts.amazonaws.com"],
    });
    const named = Object.keys(out.output ?? {}).filter((name) => !name.startsWith("cross-stack-output-"));
    expect(named.sort()).toEqual(["cluster_endpoint", "cluster_name", "oidc_provider_arn"]);
  });
});
