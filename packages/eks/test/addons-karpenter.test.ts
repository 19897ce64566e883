// Karpenter: the controller's chart (namespace karpenter, Pod Identity role), its interruption
// queue and the four EventBridge rules that feed it, a node role of its own with an EC2_LINUX
// access entry, and a second release with the default EC2NodeClass and NodePool that depends on
// the controller's (so that on destroy the node pools go while the controller still runs).
// Its AWS names follow the cluster: the role <cluster>-karpenter, the queue (SQS: 80 characters)
// and the rules (EventBridge: 64 characters) <cluster>-karpenter[-<event>].
import { resourcesOfType, synthesizeStack, type PlatformStack, type SynthesizedStack } from "@platform/core";
import { HELM_CHARTS, Karpenter, type KarpenterProps } from "../src";
import {
  RELEASE_SETTINGS,
  addonFixture,
  addressAt,
  asList,
  at,
  bodyAt,
  count,
  messageOf,
  podIdentityAssociation,
  podIdentityRoleAddresses,
  podIdentityTrust,
  refAt,
  releaseValues,
  statementsOf,
  unchecked,
  validationErrorOf,
  type Fixture,
  type PolicyStatementJson,
} from "./support";

/** The EC2NodeClass and the NodePool of the NodePools release. */
function nodePoolResources(out: SynthesizedStack): { nodeClass: Record<string, unknown>; nodePool: { spec: Record<string, unknown> } } {
  const { resources } = releaseValues(bodyAt(out, "helm_release", "Karpenter/NodePools/Release")) as { resources: Record<string, unknown>[] };
  expect(resources.map((r) => r.kind)).toEqual(["EC2NodeClass", "NodePool"]);
  return { nodeClass: resources[0], nodePool: resources[1] as { spec: Record<string, unknown> } };
}

const EVENTS = [
  ["spot-interruption", "aws.ec2", "EC2 Spot Instance Interruption Warning"],
  ["rebalance", "aws.ec2", "EC2 Instance Rebalance Recommendation"],
  ["instance-state-change", "aws.ec2", "EC2 Instance State-change Notification"],
  ["scheduled-change", "aws.health", "AWS Health Event"],
] as const;

describe("with the defaults", () => {
  let out: SynthesizedStack;
  let stack: PlatformStack;
  let karpenter: Karpenter;
  let statements: PolicyStatementJson[];
  beforeAll(() => {
    const f = addonFixture();
    stack = f.stack;
    const cluster = f.cluster;
    karpenter = new Karpenter(stack, "Karpenter", { cluster, clusterName: "test-eks" });
    out = synthesizeStack(stack);
    statements = statementsOf(bodyAt(out, "aws_iam_role_policy", "Karpenter/Role/Policy"));
  });

  describe("the controller's release", () => {
    test("karpenter in karpenter, of the pinned OCI chart, atomic and waited for", () => {
      expect(bodyAt(out, "helm_release", "Karpenter/Chart/Release")).toEqual({
        name: "karpenter",
        namespace: "karpenter",
        create_namespace: true,
        repository: "oci://public.ecr.aws/karpenter",
        chart: "karpenter",
        version: HELM_CHARTS.karpenter.version,
        values: [expect.any(String)],
        ...RELEASE_SETTINGS,
        depends_on: expect.any(Array),
      });
    });

    test("settings: the cluster's name, a reference to its endpoint, and the interruption queue's name", () => {
      expect(releaseValues(bodyAt(out, "helm_release", "Karpenter/Chart/Release")).settings).toEqual({
        clusterName: "test-eks",
        clusterEndpoint: refAt(out, "aws_eks_cluster", "Cluster", "endpoint"),
        interruptionQueue: refAt(out, "aws_sqs_queue", "Karpenter/InterruptionQueue", "name"),
      });
    });

    test("the rest of the values: the controller's region and resources, the service account, two replicas, a budget, and an affinity that keeps it off Karpenter's own nodes", () => {
      const values = releaseValues(bodyAt(out, "helm_release", "Karpenter/Chart/Release"));
      expect(Object.keys(values)).toEqual(["settings", "controller", "serviceAccount", "replicas", "podDisruptionBudget", "affinity"]);
      delete values.settings;
      expect(values).toEqual({
        controller: {
          env: [{ name: "AWS_REGION", value: "eu-west-1" }],
          resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
        },
        serviceAccount: { create: true, name: "karpenter" },
        replicas: 2,
        podDisruptionBudget: { name: "karpenter", maxUnavailable: 1 },
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: "karpenter.sh/nodepool", operator: "DoesNotExist" }] }],
            },
          },
        },
      });
    });

    test("it waits for the node role's access entry, its role, the role's inline policy and the Pod Identity association", () => {
      expect([...(bodyAt(out, "helm_release", "Karpenter/Chart/Release").depends_on as string[])].sort()).toEqual(
        [
          addressAt(out, "aws_eks_access_entry", "Karpenter/NodeAccess/Entry"),
          ...podIdentityRoleAddresses(out, "Karpenter/Role"),
        ].sort(),
      );
    });
  });

  describe("the NodePools release", () => {
    test("karpenter-node-pools in karpenter, of the pinned raw chart, that depends on the controller's release alone", () => {
      expect(count(out, "helm_release")).toBe(2);
      expect(bodyAt(out, "helm_release", "Karpenter/NodePools/Release")).toEqual({
        name: "karpenter-node-pools",
        namespace: "karpenter",
        create_namespace: true,
        repository: HELM_CHARTS.raw.repository,
        chart: "raw",
        version: HELM_CHARTS.raw.version,
        values: [expect.any(String)],
        ...RELEASE_SETTINGS,
        depends_on: [addressAt(out, "helm_release", "Karpenter/Chart/Release")],
      });
    });

    test("the EC2NodeClass default: Karpenter's node role, the private subnets, the cluster security group, IMDSv2 with hop limit 1, an encrypted gp3 volume", () => {
      expect(nodePoolResources(out).nodeClass).toEqual({
        apiVersion: "karpenter.k8s.aws/v1",
        kind: "EC2NodeClass",
        metadata: { name: "default" },
        spec: {
          role: refAt(out, "aws_iam_role", "Karpenter/NodeRole", "name"),
          amiSelectorTerms: [{ alias: "al2023@latest" }],
          subnetSelectorTerms: [
            { id: refAt(out, "aws_subnet", "Vpc/Subnets/private-eu-west-1a/Subnet") },
            { id: refAt(out, "aws_subnet", "Vpc/Subnets/private-eu-west-1b/Subnet") },
          ],
          securityGroupSelectorTerms: [{ id: refAt(out, "aws_eks_cluster", "Cluster", "vpc_config[0].cluster_security_group_id") }],
          metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
          blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: "50Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true } }],
          tags: { "kubernetes.io/cluster/test-eks": "owned" },
        },
      });
    });

    test("the node class uses neither a public subnet nor the managed node groups' role", () => {
      const spec = nodePoolResources(out).nodeClass.spec as { role: string; subnetSelectorTerms: { id: string }[] };
      expect(spec.role).not.toBe(refAt(out, "aws_iam_role", "Cluster/NodeRole", "name"));
      const publicSubnets = ["eu-west-1a", "eu-west-1b"].map((zone) => refAt(out, "aws_subnet", `Vpc/Subnets/public-${zone}/Subnet`));
      for (const term of spec.subnetSelectorTerms) expect(publicSubnets).not.toContain(term.id);
    });

    test("the NodePool default: on-demand only, c/m/r of generation 6 and later on both architectures, 100 vCPUs at most, consolidated after a minute", () => {
      expect(nodePoolResources(out).nodePool).toEqual({
        apiVersion: "karpenter.sh/v1",
        kind: "NodePool",
        metadata: { name: "default" },
        spec: {
          template: {
            spec: {
              nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" },
              requirements: [
                { key: "kubernetes.io/arch", operator: "In", values: ["amd64", "arm64"] },
                { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
                { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m", "r"] },
                { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["5"] },
              ],
              expireAfter: "720h",
            },
          },
          limits: { cpu: "100" },
          disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "1m" },
        },
      });
    });
  });

  describe("the interruption queue", () => {
    test("<cluster>-karpenter: SQS-managed encryption, messages kept 5 minutes", () => {
      expect(count(out, "aws_sqs_queue")).toBe(1);
      expect(bodyAt(out, "aws_sqs_queue", "Karpenter/InterruptionQueue")).toEqual({
        name: "test-eks-karpenter",
        message_retention_seconds: 300,
        sqs_managed_sse_enabled: true,
      });
    });

    test("its policy lets EventBridge (and SQS) send to it, and denies any request that is not over TLS", () => {
      const queueArn = refAt(out, "aws_sqs_queue", "Karpenter/InterruptionQueue", "arn");
      const policy = bodyAt(out, "aws_sqs_queue_policy", "Karpenter/InterruptionQueuePolicy");
      expect(policy.queue_url).toBe(refAt(out, "aws_sqs_queue", "Karpenter/InterruptionQueue", "url"));
      expect(statementsOf(policy)).toEqual([
        {
          Sid: "EventBridgeSendsInterruptions",
          Effect: "Allow",
          Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] },
          Action: "sqs:SendMessage",
          Resource: queueArn,
        },
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "sqs:*",
          Resource: queueArn,
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ]);
    });
  });

  describe("the EventBridge rules", () => {
    test("four rules, each with one target", () => {
      expect(count(out, "aws_cloudwatch_event_rule")).toBe(4);
      expect(count(out, "aws_cloudwatch_event_target")).toBe(4);
    });

    test.each(EVENTS)("Rules/%s matches %s events of type %s", (event, source, detailType) => {
      const rule = bodyAt(out, "aws_cloudwatch_event_rule", `Karpenter/Rules/${event}/Rule`);
      expect(JSON.parse(rule.event_pattern as string)).toEqual({ source: [source], "detail-type": [detailType] });
      expect(rule.description).toBe(`Karpenter of test-eks: ${detailType}`);
    });

    test.each(EVENTS)("Rules/%s sends to the interruption queue", (event) => {
      expect(bodyAt(out, "aws_cloudwatch_event_target", `Karpenter/Rules/${event}/Target`)).toEqual({
        rule: refAt(out, "aws_cloudwatch_event_rule", `Karpenter/Rules/${event}/Rule`, "name"),
        arn: refAt(out, "aws_sqs_queue", "Karpenter/InterruptionQueue", "arn"),
        target_id: "karpenter-interruption-queue",
      });
    });

    test("rule names: <cluster>-karpenter-<event>, in full (EventBridge allows 64 characters, so nothing is hashed)", () => {
      const names = EVENTS.map(([event]) => bodyAt(out, "aws_cloudwatch_event_rule", `Karpenter/Rules/${event}/Rule`).name as string);
      expect(names).toEqual([
        "test-eks-karpenter-spot-interruption",
        "test-eks-karpenter-rebalance",
        "test-eks-karpenter-instance-state-change",
        "test-eks-karpenter-scheduled-change",
      ]);
    });
  });

  describe("the node role and its access", () => {
    test("a role of Karpenter's own, <cluster>-karpenter-node, that EC2 assumes", () => {
      const role = bodyAt(out, "aws_iam_role", "Karpenter/NodeRole");
      expect(role).toMatchObject({ name: "test-eks-karpenter-node", description: "Nodes that Karpenter launches for test-eks" });
      expect(statementsOf(role, "assume_role_policy")).toEqual([{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    });

    test("with the node policies, and no inline policy", () => {
      const roleName = refAt(out, "aws_iam_role", "Karpenter/NodeRole", "name");
      const attached = Object.values(resourcesOfType(out, "aws_iam_role_policy_attachment"))
        .filter((a) => a.role === roleName)
        .map((a) => a.policy_arn);
      expect(attached).toEqual([
        "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
      ]);
      const prefix = `${at(out, "aws_iam_role", "Karpenter/NodeRole").name.replace(/_[0-9A-F]{8}$/, "")}_Policy_`;
      expect(Object.keys(resourcesOfType(out, "aws_iam_role_policy")).filter((n) => n.startsWith(prefix))).toEqual([]);
    });

    test("an EC2_LINUX access entry for that role (not the managed node groups' role)", () => {
      expect(count(out, "aws_eks_access_entry")).toBe(1);
      expect(bodyAt(out, "aws_eks_access_entry", "Karpenter/NodeAccess/Entry")).toEqual({
        cluster_name: refAt(out, "aws_eks_cluster", "Cluster", "name"),
        principal_arn: refAt(out, "aws_iam_role", "Karpenter/NodeRole", "arn"),
        type: "EC2_LINUX",
      });
    });

    test("and no access policy association: EC2_LINUX entries carry their permissions implicitly", () => {
      expect(count(out, "aws_eks_access_policy_association")).toBe(0);
    });
  });

  describe("the controller's role", () => {
    test("<cluster>-karpenter, trusted by EKS Pod Identity for this cluster", () => {
      const role = bodyAt(out, "aws_iam_role", "Karpenter/Role");
      expect(role).toMatchObject({ name: "test-eks-karpenter", description: "Karpenter controller of test-eks" });
      expect(statementsOf(role, "assume_role_policy")).toEqual(podIdentityTrust(out));
    });

    test("a Pod Identity association for karpenter/karpenter", () => {
      expect(bodyAt(out, "aws_eks_pod_identity_association", "Karpenter/Role/Association")).toEqual(
        podIdentityAssociation(out, "Karpenter/Role", "karpenter", "karpenter"),
      );
    });

    test("its statements, in order", () => {
      expect(statements.map((s) => s.Sid)).toEqual([
        "LaunchNodes",
        "LaunchTaggedNodes",
        "UseOwnLaunchTemplates",
        "TagOnLaunch",
        "ManageOwnNodes",
        "Discover",
        "ReadImageParameters",
        "PassNodeRole",
        "ManageOwnInstanceProfiles",
        "ReadInterruptions",
        "DescribeCluster",
      ]);
      expect(statements.every((s) => s.Effect === "Allow")).toBe(true);
    });

    test("iam:PassRole only for its node role, and only to EC2", () => {
      const passing = statements.filter((s) => asList(s.Action).some((a) => a === "iam:PassRole" || a === "iam:*" || a === "*"));
      expect(passing).toEqual([
        {
          Sid: "PassNodeRole",
          Effect: "Allow",
          Action: "iam:PassRole",
          Resource: refAt(out, "aws_iam_role", "Karpenter/NodeRole", "arn"),
          Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
        },
      ]);
    });

    test("it launches from images, snapshots, security groups, subnets and capacity reservations of its region", () => {
      expect(statements[0]).toEqual({
        Sid: "LaunchNodes",
        Effect: "Allow",
        Action: ["ec2:RunInstances", "ec2:CreateFleet"],
        Resource: [
          "arn:aws:ec2:eu-west-1::image/*",
          "arn:aws:ec2:eu-west-1::snapshot/*",
          "arn:aws:ec2:eu-west-1:123456789012:security-group/*",
          "arn:aws:ec2:eu-west-1:123456789012:subnet/*",
          "arn:aws:ec2:eu-west-1:123456789012:capacity-reservation/*",
        ],
      });
    });

    test("what it creates must carry kubernetes.io/cluster/test-eks=owned; what it terminates or deletes must already", () => {
      const requestTagged = { "aws:RequestTag/kubernetes.io/cluster/test-eks": "owned" };
      const resourceTagged = { StringEquals: { "aws:ResourceTag/kubernetes.io/cluster/test-eks": "owned" } };
      const bySid = (sid: string) => statements.find((s) => s.Sid === sid);
      expect(bySid("LaunchTaggedNodes")).toEqual({
        Sid: "LaunchTaggedNodes",
        Effect: "Allow",
        Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
        Resource: "*",
        Condition: { StringEquals: requestTagged },
      });
      expect(bySid("UseOwnLaunchTemplates")).toEqual({
        Sid: "UseOwnLaunchTemplates",
        Effect: "Allow",
        Action: ["ec2:RunInstances", "ec2:CreateFleet"],
        Resource: "arn:aws:ec2:eu-west-1:123456789012:launch-template/*",
        Condition: resourceTagged,
      });
      expect(bySid("TagOnLaunch")).toEqual({
        Sid: "TagOnLaunch",
        Effect: "Allow",
        Action: "ec2:CreateTags",
        Resource: "*",
        Condition: { StringEquals: { ...requestTagged, "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"] } },
      });
      expect(bySid("ManageOwnNodes")).toEqual({
        Sid: "ManageOwnNodes",
        Effect: "Allow",
        Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate", "ec2:CreateTags"],
        Resource: "*",
        Condition: resourceTagged,
      });
      const terminating = statements.filter((s) => asList(s.Action).some((a) => a === "ec2:TerminateInstances" || a === "ec2:DeleteLaunchTemplate"));
      expect(terminating.map((s) => s.Sid)).toEqual(["ManageOwnNodes"]);
    });

    test("it reads its interruption queue only, describes its cluster only, and reads the public image parameters", () => {
      const bySid = (sid: string) => statements.find((s) => s.Sid === sid);
      expect(bySid("ReadInterruptions")).toEqual({
        Sid: "ReadInterruptions",
        Effect: "Allow",
        Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
        Resource: refAt(out, "aws_sqs_queue", "Karpenter/InterruptionQueue", "arn"),
      });
      expect(bySid("DescribeCluster")).toEqual({
        Sid: "DescribeCluster",
        Effect: "Allow",
        Action: "eks:DescribeCluster",
        Resource: refAt(out, "aws_eks_cluster", "Cluster", "arn"),
      });
      expect(bySid("ReadImageParameters")).toEqual({
        Sid: "ReadImageParameters",
        Effect: "Allow",
        Action: "ssm:GetParameter",
        Resource: "arn:aws:ssm:eu-west-1::parameter/aws/service/*",
      });
      expect(bySid("ManageOwnInstanceProfiles")?.Resource).toBe("arn:aws:iam::123456789012:instance-profile/*");
    });

    test("the statements on * are the tag-conditioned ones and read-only discovery", () => {
      const onEverything = statements.filter((s) => s.Resource === "*");
      expect(onEverything.filter((s) => s.Condition === undefined).map((s) => s.Sid)).toEqual(["Discover"]);
      const discover = onEverything.find((s) => s.Sid === "Discover")!;
      for (const action of asList(discover.Action)) expect(action).toMatch(/^(ec2:Describe|pricing:Get)/);
    });
  });

  test("queue, role, chart and nodePools are exposed", () => {
    expect(stack.getLogicalId(karpenter.queue)).toBe(at(out, "aws_sqs_queue", "Karpenter/InterruptionQueue").name);
    expect(stack.getLogicalId(karpenter.chart.release)).toBe(at(out, "helm_release", "Karpenter/Chart/Release").name);
    expect(stack.getLogicalId(karpenter.nodePools.release)).toBe(at(out, "helm_release", "Karpenter/NodePools/Release").name);
    expect(stack.getLogicalId(karpenter.role.role.resource)).toBe(at(out, "aws_iam_role", "Karpenter/Role").name);
    expect(karpenter.role.mode).toBe("pod-identity");
  });
});

describe("options", () => {
  let out: SynthesizedStack;
  beforeAll(() => {
    const { stack, cluster } = addonFixture();
    new Karpenter(stack, "Karpenter", {
      cluster,
      clusterName: "test-eks",
      capacityTypes: ["spot", "on-demand"],
      cpuLimit: 2000,
      amiAlias: "al2023@v20250505",
      dependsOn: [cluster.addons["coredns"]],
    });
    out = synthesizeStack(stack);
  });

  test("capacityTypes become the NodePool's capacity-type requirement, in order", () => {
    const spec = nodePoolResources(out).nodePool.spec as { template: { spec: { requirements: { key: string; values: string[] }[] } } };
    expect(spec.template.spec.requirements.find((r) => r.key === "karpenter.sh/capacity-type")).toEqual({
      key: "karpenter.sh/capacity-type",
      operator: "In",
      values: ["spot", "on-demand"],
    });
  });

  test("cpuLimit becomes the NodePool's cpu limit, as a string", () => {
    expect(nodePoolResources(out).nodePool.spec.limits).toEqual({ cpu: "2000" });
  });

  test("amiAlias becomes the EC2NodeClass's AMI selector", () => {
    expect((nodePoolResources(out).nodeClass.spec as Record<string, unknown>).amiSelectorTerms).toEqual([{ alias: "al2023@v20250505" }]);
  });

  test("dependsOn comes first in the controller's depends_on; the NodePools release still waits for the controller alone", () => {
    expect(bodyAt(out, "helm_release", "Karpenter/Chart/Release").depends_on).toEqual([
      addressAt(out, "aws_eks_addon", "Cluster/Addons/coredns"),
      addressAt(out, "aws_eks_access_entry", "Karpenter/NodeAccess/Entry"),
      ...podIdentityRoleAddresses(out, "Karpenter/Role"),
    ]);
    expect(bodyAt(out, "helm_release", "Karpenter/NodePools/Release").depends_on).toEqual([addressAt(out, "helm_release", "Karpenter/Chart/Release")]);
  });

  test("spot only is allowed", () => {
    const f = addonFixture();
    new Karpenter(f.stack, "Karpenter", { cluster: f.cluster, clusterName: "test-eks", capacityTypes: ["spot"] });
    const requirements = (nodePoolResources(synthesizeStack(f.stack)).nodePool.spec as { template: { spec: { requirements: { key: string; values: string[] }[] } } })
      .template.spec.requirements;
    expect(requirements.find((r) => r.key === "karpenter.sh/capacity-type")?.values).toEqual(["spot"]);
  });
});

describe("clusterName", () => {
  test("names the queue, the rules, the node role, the controller's role and the tag conditions", () => {
    const { stack, cluster } = addonFixture();
    new Karpenter(stack, "Karpenter", { cluster, clusterName: "blue" });
    const out = synthesizeStack(stack);
    expect(bodyAt(out, "aws_sqs_queue", "Karpenter/InterruptionQueue").name).toBe("blue-karpenter");
    expect(EVENTS.map(([event]) => bodyAt(out, "aws_cloudwatch_event_rule", `Karpenter/Rules/${event}/Rule`).name)).toEqual([
      "blue-karpenter-spot-interruption",
      "blue-karpenter-rebalance",
      "blue-karpenter-instance-state-change",
      "blue-karpenter-scheduled-change",
    ]);
    expect(bodyAt(out, "aws_iam_role", "Karpenter/NodeRole").name).toBe("blue-karpenter-node");
    expect(bodyAt(out, "aws_iam_role", "Karpenter/Role").name).toBe("blue-karpenter");
    const policy = bodyAt(out, "aws_iam_role_policy", "Karpenter/Role/Policy").policy as string;
    expect(policy).toContain('"aws:ResourceTag/kubernetes.io/cluster/blue":"owned"');
    expect(policy).not.toContain("test-eks");
    expect(releaseValues(bodyAt(out, "helm_release", "Karpenter/Chart/Release")).settings).toMatchObject({ clusterName: "blue" });
  });
});

describe("a long cluster name", () => {
  test("names within SQS's 80 and EventBridge's 64 characters are kept in full, not hashed", () => {
    const { stack, cluster } = addonFixture();
    new Karpenter(stack, "Karpenter", { cluster, clusterName: "payments-production-eu-west-1" });
    const out = synthesizeStack(stack);
    expect(bodyAt(out, "aws_sqs_queue", "Karpenter/InterruptionQueue").name).toBe("payments-production-eu-west-1-karpenter");
    expect(EVENTS.map(([event]) => bodyAt(out, "aws_cloudwatch_event_rule", `Karpenter/Rules/${event}/Rule`).name)).toEqual([
      "payments-production-eu-west-1-karpenter-spot-interruption",
      "payments-production-eu-west-1-karpenter-rebalance",
      "payments-production-eu-west-1-karpenter-instance-state-change",
      "payments-production-eu-west-1-karpenter-scheduled-change",
    ]);
  });

  test("past those limits, the names keep their start and end in a hash: 80 and 64 characters, all distinct", () => {
    const { stack, cluster } = addonFixture();
    const clusterName = `c${"a".repeat(79)}`;
    new Karpenter(stack, "Karpenter", { cluster, clusterName });
    const out = synthesizeStack(stack);
    const queue = bodyAt(out, "aws_sqs_queue", "Karpenter/InterruptionQueue").name as string;
    expect(queue).toMatch(new RegExp(`^${clusterName.slice(0, 71)}-[0-9a-f]{8}$`));
    const rules = EVENTS.map(([event]) => bodyAt(out, "aws_cloudwatch_event_rule", `Karpenter/Rules/${event}/Rule`).name as string);
    for (const rule of rules) expect(rule).toMatch(new RegExp(`^${clusterName.slice(0, 55)}-[0-9a-f]{8}$`));
    expect(new Set(rules).size).toBe(4);
  });
});

describe("ValidationError", () => {
  let f: Fixture;
  beforeAll(() => {
    f = addonFixture();
  });

  /** The message of building `Karpenter` with `props` over the defaults; the construct is removed afterwards. */
  function errorOf(props: Partial<KarpenterProps>): string {
    return messageOf(f, ({ stack, cluster }) => new Karpenter(stack, "Karpenter", { cluster, clusterName: "test-eks", ...props }), ["Karpenter"]);
  }

  test("capacityTypes empty", () => {
    expect(errorOf({ capacityTypes: [] })).toBe(`test-unit/Karpenter: 'capacityTypes' must list "on-demand" and/or "spot", got []`);
  });

  test("capacityTypes with an unknown type", () => {
    expect(errorOf({ capacityTypes: unchecked(["reserved"]) })).toBe(`test-unit/Karpenter: 'capacityTypes' must list "on-demand" and/or "spot", got ["reserved"]`);
    expect(errorOf({ capacityTypes: unchecked(["spot", "On-Demand"]) })).toBe(
      `test-unit/Karpenter: 'capacityTypes' must list "on-demand" and/or "spot", got ["spot","On-Demand"]`,
    );
  });

  test.each([0, -1, 100001, 2.5])("cpuLimit %p", (cpuLimit) => {
    expect(errorOf({ cpuLimit })).toBe(`test-unit/Karpenter: 'cpuLimit' must be a whole number of vCPUs from 1 to 100000, got ${cpuLimit}`);
  });

  test("cpuLimit NaN", () => {
    expect(errorOf({ cpuLimit: NaN })).toBe("test-unit/Karpenter: 'cpuLimit' must be a whole number of vCPUs from 1 to 100000, got NaN");
  });

  test("cpuLimit as a string", () => {
    expect(errorOf({ cpuLimit: unchecked("100") })).toBe(`test-unit/Karpenter: 'cpuLimit' must be a whole number of vCPUs from 1 to 100000, got "100"`);
  });

  test("capacityTypes is checked before cpuLimit", () => {
    expect(errorOf({ capacityTypes: [], cpuLimit: 0 })).toBe(`test-unit/Karpenter: 'capacityTypes' must list "on-demand" and/or "spot", got []`);
  });

  test("nothing is created before the error", () => {
    const error = validationErrorOf(() => new Karpenter(f.stack, "Karpenter", { cluster: f.cluster, clusterName: "test-eks", cpuLimit: 0 }));
    try {
      expect(error.constructPath).toBe("test-unit/Karpenter");
      expect(f.stack.node.findChild("Karpenter").node.children).toEqual([]);
      expect(f.cluster.node.findAll().some((c) => c.node.path.includes("Karpenter"))).toBe(false);
    } finally {
      f.stack.node.tryRemoveChild("Karpenter");
    }
  });

  test.each([1, 100000])("cpuLimit %p is accepted", (cpuLimit) => {
    try {
      expect(() => new Karpenter(f.stack, "Karpenter", { cluster: f.cluster, clusterName: "test-eks", cpuLimit })).not.toThrow();
    } finally {
      f.stack.node.tryRemoveChild("Karpenter");
    }
  });
});
