import { type App } from "cdktf";
import { type EnvironmentConfig, type SynthesizedStack } from "@platform/core";
import { HELM_CHARTS, MANAGED_ADDON_VERSIONS } from "@platform/eks";
import { type EksAddonsStack, type EnvironmentStacks } from "../src";
import {
  ACCOUNT,
  EKS,
  EKS_STATE,
  NETWORK_STATE,
  OTHER_ZONE,
  ZONE,
  environment,
  prepareAndSynth,
  resource,
  resourceKey,
  resources,
  statements,
  type EksInput,
  type Resource,
} from "./eks-support";

type AddonsInput = NonNullable<EksInput["addons"]>;

/** Every stack of an environment with this eks.addons section in one app. */
function addonsEnvironment(addons?: AddonsInput, eks: Partial<EksInput> = {}, overrides: Partial<EnvironmentConfig> = {}): { app: App; stacks: EnvironmentStacks; addonsStack: EksAddonsStack } {
  const { app, stacks } = environment({ ...EKS, ...eks, addons }, overrides);
  return { app, stacks, addonsStack: stacks.eksAddons! };
}

/** The synthesized `<env>-eks-addons` stack. */
function addonsOut(addons?: AddonsInput, eks: Partial<EksInput> = {}): SynthesizedStack {
  const { app, addonsStack } = addonsEnvironment(addons, eks);
  return prepareAndSynth(app, addonsStack)[0];
}

/** Helm releases by release name. */
function releases(out: SynthesizedStack): Record<string, Resource> {
  return Object.fromEntries(Object.values(resources(out, "helm_release")).map((r) => [r.name as string, r]));
}

/** The values of a release, parsed (one JSON document). */
function valuesOf(release: Resource): Record<string, unknown> {
  const values = release.values as string[];
  expect(values).toHaveLength(1);
  return JSON.parse(values[0]) as Record<string, unknown>;
}

/** A value of the EKS stack, read through its remote state. */
const eksOutput = (name: string) => `\${${EKS_STATE}.outputs.${name}}`;

describe("EksAddonsStack providers", () => {
  test("kubernetes and helm connect to the cluster: endpoint and CA from <env>-eks's state, a token from aws_eks_cluster_auth", () => {
    const { app, stacks, addonsStack } = addonsEnvironment();
    const [out, eks] = prepareAndSynth(app, addonsStack, stacks.eks!);
    const clusterKey = resourceKey(eks, "aws_eks_cluster", "Cluster");
    const endpoint = `cross-stack-output-aws_eks_cluster${clusterKey}endpoint`;
    const ca = `cross-stack-output-aws_eks_cluster${clusterKey}certificate_authority0data`;
    const name = `cross-stack-output-aws_eks_cluster${clusterKey}name`;
    // The EKS stack exports exactly those attributes of its cluster under those names.
    expect(eks.output?.[endpoint]).toMatchObject({ value: `\${aws_eks_cluster.${clusterKey}.endpoint}` });
    expect(eks.output?.[ca]).toMatchObject({ value: `\${aws_eks_cluster.${clusterKey}.certificate_authority[0].data}` });
    expect(eks.output?.[name]).toMatchObject({ value: `\${aws_eks_cluster.${clusterKey}.name}` });

    const connection = {
      host: eksOutput(endpoint),
      cluster_ca_certificate: `\${base64decode(${EKS_STATE}.outputs.${ca})}`,
      token: "${data.aws_eks_cluster_auth.ClusterAuth.token}",
    };
    expect(out.provider?.kubernetes).toEqual([connection]);
    expect(out.provider?.helm).toEqual([{ kubernetes: connection }]);
    expect(out.data?.aws_eks_cluster_auth).toEqual({ ClusterAuth: { name: eksOutput(name) } });
    expect(out.data?.terraform_remote_state).toMatchObject({
      "cross-stack-reference-input-test-eks": { backend: "local", config: { path: expect.stringMatching(/test-eks\.tfstate$/) } },
    });
    expect(Object.keys((out.terraform?.required_providers as object) ?? {}).sort()).toEqual(["aws", "helm", "kubernetes"]);
  });
});

describe("EksAddonsStack default add-ons", () => {
  test("without eks.addons: the AWS Load Balancer Controller, metrics-server and Karpenter, at their pinned charts, and nothing else", () => {
    const { app, addonsStack } = addonsEnvironment();
    const [out] = prepareAndSynth(app, addonsStack);
    const all = releases(out);
    expect(Object.keys(all).sort()).toEqual(["aws-load-balancer-controller", "karpenter", "karpenter-node-pools", "metrics-server"]);
    const chartOf = (r: Resource) => ({ repository: r.repository, chart: r.chart, version: r.version });
    expect(chartOf(all["aws-load-balancer-controller"])).toEqual(HELM_CHARTS.awsLoadBalancerController);
    expect(chartOf(all["metrics-server"])).toEqual(HELM_CHARTS.metricsServer);
    expect(chartOf(all.karpenter)).toEqual(HELM_CHARTS.karpenter);
    expect(chartOf(all["karpenter-node-pools"])).toEqual(HELM_CHARTS.raw);
    for (const release of Object.values(all)) expect(release).toMatchObject({ atomic: true, cleanup_on_fail: true, wait: true, create_namespace: true });
    expect(resources(out, "aws_eks_addon")).toEqual({});
    expect(resources(out, "aws_cloudwatch_log_group")).toEqual({});
    expect(addonsStack.loadBalancerController).toBeDefined();
    expect(addonsStack.karpenter).toBeDefined();
    // What workloads wait for: the controller and metrics-server.
    expect(addonsStack.workloadPrerequisites).toEqual([addonsStack.loadBalancerController!.chart.release, expect.anything()]);
    expect(addonsStack.workloadPrerequisites).toHaveLength(2);
  });

  test("the load balancer controller: in kube-system, for the cluster <env>-eks in the network stack's VPC, with a Pod Identity role limited to its own load balancers", () => {
    const { app, stacks, addonsStack } = addonsEnvironment();
    const [out, eks, network] = prepareAndSynth(app, addonsStack, stacks.eks!, stacks.network);
    const controller = releases(out)["aws-load-balancer-controller"];
    expect(controller.namespace).toBe("kube-system");
    const vpcKey = resourceKey(network, "aws_vpc", "Vpc");
    expect(valuesOf(controller)).toMatchObject({
      clusterName: "test-eks",
      region: "eu-west-1",
      vpcId: `\${${NETWORK_STATE}.outputs.cross-stack-output-aws_vpc${vpcKey}id}`,
      serviceAccount: { create: true, name: "aws-load-balancer-controller" },
    });
    const clusterKey = resourceKey(eks, "aws_eks_cluster", "Cluster");
    const roleKey = resourceKey(out, "aws_iam_role", "LoadBalancerController_Role");
    expect(resource(out, "aws_eks_pod_identity_association", "LoadBalancerController_Role_Association")).toEqual({
      cluster_name: eksOutput(`cross-stack-output-aws_eks_cluster${clusterKey}name`),
      namespace: "kube-system",
      service_account: "aws-load-balancer-controller",
      role_arn: `\${aws_iam_role.${roleKey}.arn}`,
    });
    expect(statements(resource(out, "aws_iam_role", "LoadBalancerController_Role").assume_role_policy)).toEqual([
      expect.objectContaining({ Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }),
    ]);
    const policy = statements(resource(out, "aws_iam_role_policy", "LoadBalancerController_Role_Policy").policy);
    expect(policy.find((s) => s.Sid === "ManageOwnLoadBalancers")).toMatchObject({ Condition: { StringEquals: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "test-eks" } } });
    // The chart waits for the role's permissions.
    expect(controller.depends_on).toEqual(expect.arrayContaining([`aws_iam_role.${roleKey}`, `aws_iam_role_policy.${resourceKey(out, "aws_iam_role_policy", "LoadBalancerController_Role_Policy")}`]));
  });

  test("metrics-server in kube-system, two replicas with a disruption budget", () => {
    const server = releases(addonsOut())["metrics-server"];
    expect(server.namespace).toBe("kube-system");
    expect(valuesOf(server)).toEqual({ replicas: 2, podDisruptionBudget: { enabled: true, maxUnavailable: 1 } });
  });

  test("Karpenter: controller in its namespace, interruption queue, node role allowed to join, and a NodePool release after the controller", () => {
    const { app, stacks, addonsStack } = addonsEnvironment();
    const [out, eks, network] = prepareAndSynth(app, addonsStack, stacks.eks!, stacks.network);
    const all = releases(out);
    const clusterKey = resourceKey(eks, "aws_eks_cluster", "Cluster");
    const queueKey = resourceKey(out, "aws_sqs_queue", "Karpenter_InterruptionQueue");
    expect(all.karpenter.namespace).toBe("karpenter");
    expect(valuesOf(all.karpenter)).toMatchObject({
      settings: { clusterName: "test-eks", clusterEndpoint: eksOutput(`cross-stack-output-aws_eks_cluster${clusterKey}endpoint`), interruptionQueue: `\${aws_sqs_queue.${queueKey}.name}` },
    });
    expect(all["karpenter-node-pools"].depends_on).toEqual([`helm_release.${resourceKey(out, "helm_release", "Karpenter_Chart_Release")}`]);
    const [nodeClass, nodePool] = (valuesOf(all["karpenter-node-pools"]).resources as Record<string, Record<string, unknown>>[]);
    expect(nodeClass.kind).toBe("EC2NodeClass");
    expect(nodePool.kind).toBe("NodePool");
    // Nodes go in the network stack's private subnets.
    const subnetIds = (nodeClass.spec as { subnetSelectorTerms: { id: string }[] }).subnetSelectorTerms.map((t) => t.id);
    expect(subnetIds).toEqual(
      ["eu-west-1a", "eu-west-1b"].map((az) => `\${${NETWORK_STATE}.outputs.cross-stack-output-aws_subnet${resourceKey(network, "aws_subnet", `Vpc_Subnets_private-${az}_Subnet`)}id}`),
    );
    expect(resource(out, "aws_eks_access_entry", "Karpenter_NodeAccess_Entry")).toMatchObject({
      cluster_name: eksOutput(`cross-stack-output-aws_eks_cluster${clusterKey}name`),
      type: "EC2_LINUX",
      principal_arn: `\${aws_iam_role.${resourceKey(out, "aws_iam_role", "Karpenter_NodeRole")}.arn}`,
    });
    expect(resource(out, "aws_eks_pod_identity_association", "Karpenter_Role_Association")).toMatchObject({ namespace: "karpenter", service_account: "karpenter" });
    expect(Object.keys(resources(out, "aws_cloudwatch_event_rule"))).toHaveLength(4);
  });
});

describe("EksAddonsStack configured add-ons", () => {
  test('autoscaler "cluster-autoscaler": Cluster Autoscaler in kube-system, discovering the cluster\'s node groups, and no Karpenter', () => {
    const { app, addonsStack } = addonsEnvironment({ autoscaler: "cluster-autoscaler" });
    const [out] = prepareAndSynth(app, addonsStack);
    const all = releases(out);
    expect(Object.keys(all).sort()).toEqual(["aws-load-balancer-controller", "cluster-autoscaler", "metrics-server"]);
    expect(all["cluster-autoscaler"]).toMatchObject({ namespace: "kube-system", chart: HELM_CHARTS.clusterAutoscaler.chart, version: HELM_CHARTS.clusterAutoscaler.version });
    expect(valuesOf(all["cluster-autoscaler"])).toMatchObject({ autoDiscovery: { clusterName: "test-eks" }, awsRegion: "eu-west-1" });
    const policy = statements(resource(out, "aws_iam_role_policy", "ClusterAutoscaler_Role_Policy").policy);
    expect(policy.find((s) => s.Sid === "ResizeOwnNodeGroups")).toMatchObject({ Condition: { StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/test-eks": "owned" } } });
    expect(resources(out, "aws_sqs_queue")).toEqual({});
    expect(resources(out, "aws_eks_access_entry")).toEqual({});
    expect(addonsStack.karpenter).toBeUndefined();
  });

  test('autoscaler "none": neither Karpenter nor Cluster Autoscaler', () => {
    const { app, addonsStack } = addonsEnvironment({ autoscaler: "none" });
    const [out] = prepareAndSynth(app, addonsStack);
    expect(Object.keys(releases(out)).sort()).toEqual(["aws-load-balancer-controller", "metrics-server"]);
    expect(Object.keys(resources(out, "aws_iam_role")).filter((k) => /Karpenter|ClusterAutoscaler/.test(k))).toEqual([]);
    expect(resources(out, "aws_sqs_queue")).toEqual({});
    expect(addonsStack.karpenter).toBeUndefined();
  });

  test("loadBalancerController false and metricsServer false: neither release, nor the controller's role; nothing for workloads to wait for", () => {
    const { app, addonsStack } = addonsEnvironment({ loadBalancerController: false, metricsServer: false, autoscaler: "none" });
    const [out] = prepareAndSynth(app, addonsStack);
    expect(resources(out, "helm_release")).toEqual({});
    expect(resources(out, "aws_iam_role")).toEqual({});
    expect(resources(out, "aws_eks_pod_identity_association")).toEqual({});
    expect(addonsStack.loadBalancerController).toBeUndefined();
    expect(addonsStack.workloadPrerequisites).toEqual([]);
    // The stack still connects to the cluster.
    expect(out.provider?.kubernetes).toHaveLength(1);
    expect(out.provider?.helm).toHaveLength(1);
  });

  test("externalDns: external-dns in its namespace, upsert-only, filtered to the given zones, with a role that may change only those zones", () => {
    const out = addonsOut({ externalDns: { hostedZoneIds: [ZONE, OTHER_ZONE] } });
    const release = releases(out)["external-dns"];
    expect(release).toMatchObject({ namespace: "external-dns", chart: HELM_CHARTS.externalDns.chart, version: HELM_CHARTS.externalDns.version });
    expect(valuesOf(release)).toMatchObject({
      policy: "upsert-only",
      txtOwnerId: "test-eks",
      extraArgs: [`--zone-id-filter=${ZONE}`, `--zone-id-filter=${OTHER_ZONE}`],
      serviceAccount: { create: true, name: "external-dns" },
    });
    const policy = statements(resource(out, "aws_iam_role_policy", "ExternalDns_Role_Policy").policy);
    expect(policy.find((s) => s.Sid === "ChangeGivenZones")).toEqual({
      Sid: "ChangeGivenZones",
      Effect: "Allow",
      Action: "route53:ChangeResourceRecordSets",
      Resource: [`arn:aws:route53:::hostedzone/${ZONE}`, `arn:aws:route53:::hostedzone/${OTHER_ZONE}`],
    });
    expect(resource(out, "aws_eks_pod_identity_association", "ExternalDns_Role_Association")).toMatchObject({ namespace: "external-dns", service_account: "external-dns" });
  });

  test("certManager: cert-manager with its CRDs (kept on uninstall) in its own namespace", () => {
    const release = releases(addonsOut({ certManager: true }))["cert-manager"];
    expect(release).toMatchObject({ namespace: "cert-manager", repository: HELM_CHARTS.certManager.repository, chart: "cert-manager", version: HELM_CHARTS.certManager.version });
    expect(valuesOf(release)).toMatchObject({ crds: { enabled: true, keep: true } });
  });

  test('logging "fluent-bit": container logs into /aws/eks/<cluster>/containers, encrypted with the cluster\'s key from <env>-eks', () => {
    const { app, stacks, addonsStack } = addonsEnvironment({ logging: "fluent-bit" });
    const [out, eks] = prepareAndSynth(app, addonsStack, stacks.eks!);
    const keyKey = resourceKey(eks, "aws_kms_key", "Cluster_Key");
    expect(eks.output?.[`cross-stack-output-aws_kms_key${keyKey}arn`]).toMatchObject({ value: `\${aws_kms_key.${keyKey}.arn}` });
    const logGroupKey = resourceKey(out, "aws_cloudwatch_log_group", "FluentBit_LogGroup");
    expect(resource(out, "aws_cloudwatch_log_group", "FluentBit_LogGroup")).toMatchObject({
      name: "/aws/eks/test-eks/containers",
      retention_in_days: 365,
      kms_key_id: eksOutput(`cross-stack-output-aws_kms_key${keyKey}arn`),
    });
    const release = releases(out)["aws-for-fluent-bit"];
    expect(release).toMatchObject({ namespace: "logging", chart: HELM_CHARTS.fluentBit.chart, version: HELM_CHARTS.fluentBit.version });
    expect(valuesOf(release)).toMatchObject({ cloudWatchLogs: { enabled: true, logGroupName: `\${aws_cloudwatch_log_group.${logGroupKey}.name}`, autoCreateGroup: false } });
    const policy = statements(resource(out, "aws_iam_role_policy", "FluentBit_Role_Policy").policy);
    expect(policy.find((s) => s.Sid === "WriteContainerLogs")).toMatchObject({
      Resource: [`\${aws_cloudwatch_log_group.${logGroupKey}.arn}`, `\${aws_cloudwatch_log_group.${logGroupKey}.arn}:*`],
    });
  });

  test('logging "none" is the default: no Fluent Bit', () => {
    for (const addons of [undefined, { logging: "none" as const }]) {
      const out = addonsOut(addons);
      expect(releases(out)["aws-for-fluent-bit"]).toBeUndefined();
      expect(resources(out, "aws_cloudwatch_log_group")).toEqual({});
    }
  });

  test("efsCsiDriver: the EKS managed add-on at the version pinned for the cluster's Kubernetes version, with its role through a Pod Identity association", () => {
    const { app, stacks, addonsStack } = addonsEnvironment({ efsCsiDriver: true });
    const [out, eks] = prepareAndSynth(app, addonsStack, stacks.eks!);
    const clusterKey = resourceKey(eks, "aws_eks_cluster", "Cluster");
    const roleKey = resourceKey(out, "aws_iam_role", "EfsCsiDriverRole");
    expect(resource(out, "aws_eks_addon", "EfsCsiDriver")).toEqual({
      cluster_name: eksOutput(`cross-stack-output-aws_eks_cluster${clusterKey}name`),
      addon_name: "aws-efs-csi-driver",
      addon_version: MANAGED_ADDON_VERSIONS["1.33"]["aws-efs-csi-driver"],
      resolve_conflicts_on_create: "OVERWRITE",
      resolve_conflicts_on_update: "OVERWRITE",
      pod_identity_association: [{ role_arn: `\${aws_iam_role.${roleKey}.arn}`, service_account: "efs-csi-controller-sa" }],
      depends_on: [`aws_iam_role.${roleKey}`, `aws_iam_role_policy_attachment.${resourceKey(out, "aws_iam_role_policy_attachment", "EfsCsiDriverRole_ManagedPolicy0")}`],
    });
    expect(resource(out, "aws_iam_role_policy_attachment", "EfsCsiDriverRole_ManagedPolicy0")).toMatchObject({
      policy_arn: "arn:aws:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy",
    });
    expect(statements(resource(out, "aws_iam_role", "EfsCsiDriverRole").assume_role_policy)).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnEquals: { "aws:SourceArn": eksOutput(`cross-stack-output-aws_eks_cluster${clusterKey}arn`) } },
      },
    ]);
    // The add-on carries the association itself: no separate one for its service account.
    expect(Object.values(resources(out, "aws_eks_pod_identity_association")).map((a) => a.service_account)).not.toContain("efs-csi-controller-sa");
  });

  test("efsCsiDriver: eks.addonVersions pins its version", () => {
    const out = addonsOut({ efsCsiDriver: true }, { version: "1.31", addonVersions: { "aws-efs-csi-driver": "v2.1.9-eksbuild.1" } });
    expect(resource(out, "aws_eks_addon", "EfsCsiDriver")).toMatchObject({ addon_version: "v2.1.9-eksbuild.1" });
  });

  test("everything at once: each add-on once", () => {
    const out = addonsOut({
      autoscaler: "cluster-autoscaler",
      externalDns: { hostedZoneIds: [ZONE] },
      certManager: true,
      logging: "fluent-bit",
      efsCsiDriver: true,
    });
    expect(Object.keys(releases(out)).sort()).toEqual(["aws-for-fluent-bit", "aws-load-balancer-controller", "cert-manager", "cluster-autoscaler", "external-dns", "metrics-server"]);
    expect(Object.values(resources(out, "aws_eks_addon")).map((a) => a.addon_name)).toEqual(["aws-efs-csi-driver"]);
  });
});
