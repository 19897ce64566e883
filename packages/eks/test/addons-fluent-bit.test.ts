// FluentBit: AWS for Fluent Bit in the logging namespace, shipping container logs into one log
// group created here (retention, KMS key) so that Fluent Bit never creates a group itself, with a
// Pod Identity role that may write to that group only.
import { LOG_RETENTION_DAYS, resourcesOfType, synthesizeStack, type PlatformStack, type SynthesizedStack } from "@platform/core";
import { FluentBit, HELM_CHARTS, type FluentBitProps } from "../src";
import {
  RELEASE_SETTINGS,
  SECRETS_KEY_ARN,
  addonFixture,
  addressAt,
  asList,
  at,
  bodyAt,
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

const FLUENT_BIT = "FluentBit";
const RETENTIONS = "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653";

describe("with the cluster's key and the default retention", () => {
  let out: SynthesizedStack;
  let stack: PlatformStack;
  let fluentBit: FluentBit;
  let statements: PolicyStatementJson[];
  beforeAll(() => {
    const f = addonFixture();
    stack = f.stack;
    fluentBit = new FluentBit(stack, FLUENT_BIT, { cluster: f.cluster, clusterName: "test-eks", kmsKeyArn: f.cluster.keyArn });
    out = synthesizeStack(stack);
    statements = statementsOf(bodyAt(out, "aws_iam_role_policy", `${FLUENT_BIT}/Role/Policy`));
  });

  test("the log group /aws/eks/<cluster>/containers: a year's retention, encrypted with the cluster's key", () => {
    expect(bodyAt(out, "aws_cloudwatch_log_group", `${FLUENT_BIT}/LogGroup`)).toEqual({
      name: "/aws/eks/test-eks/containers",
      retention_in_days: 365,
      kms_key_id: refAt(out, "aws_kms_key", "Cluster/Key", "arn"),
    });
  });

  test("the cluster's key lets CloudWatch Logs use it for that group", () => {
    const keyStatements = statementsOf(bodyAt(out, "aws_kms_key", "Cluster/Key"));
    const forLogs = keyStatements.find((s) => s.Sid === "CloudWatchLogsUsesTheKeyForTheClusterLogs");
    const pattern = (forLogs?.Condition?.ArnLike as Record<string, string>)["kms:EncryptionContext:aws:logs:arn"];
    expect(pattern).toBe("arn:aws:logs:eu-west-1:123456789012:log-group:/aws/eks/test-eks/*");
    const glob = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
    expect(glob.test("arn:aws:logs:eu-west-1:123456789012:log-group:/aws/eks/test-eks/containers")).toBe(true);
  });

  test("one release, aws-for-fluent-bit in logging (created), of the pinned chart, atomic and waited for", () => {
    expect(Object.keys(resourcesOfType(out, "helm_release"))).toHaveLength(1);
    expect(bodyAt(out, "helm_release", `${FLUENT_BIT}/Chart/Release`)).toEqual({
      name: "aws-for-fluent-bit",
      namespace: "logging",
      create_namespace: true,
      repository: "https://aws.github.io/eks-charts",
      chart: "aws-for-fluent-bit",
      version: HELM_CHARTS.fluentBit.version,
      values: [expect.any(String)],
      ...RELEASE_SETTINGS,
      depends_on: expect.any(Array),
    });
  });

  test("values: CloudWatch Logs into a reference to the group's name, never creating a group; every other output off", () => {
    expect(releaseValues(bodyAt(out, "helm_release", `${FLUENT_BIT}/Chart/Release`))).toEqual({
      serviceAccount: { create: true, name: "fluent-bit" },
      cloudWatchLogs: {
        enabled: true,
        region: "eu-west-1",
        logGroupName: refAt(out, "aws_cloudwatch_log_group", `${FLUENT_BIT}/LogGroup`, "name"),
        autoCreateGroup: false,
        logRetentionDays: 365,
      },
      firehose: { enabled: false },
      kinesis: { enabled: false },
      elasticsearch: { enabled: false },
    });
  });

  test("the chart waits for its role, the role's inline policy and the Pod Identity association (and, through the reference, the log group)", () => {
    expect([...(bodyAt(out, "helm_release", `${FLUENT_BIT}/Chart/Release`).depends_on as string[])].sort()).toEqual([...podIdentityRoleAddresses(out, `${FLUENT_BIT}/Role`)].sort());
  });

  test("the role: <cluster>-fluent-bit, trusted by EKS Pod Identity for this cluster", () => {
    const role = bodyAt(out, "aws_iam_role", `${FLUENT_BIT}/Role`);
    expect(role).toMatchObject({ name: "test-eks-fluent-bit", description: "Fluent Bit of test-eks" });
    expect(statementsOf(role, "assume_role_policy")).toEqual(podIdentityTrust(out));
  });

  test("a Pod Identity association for logging/fluent-bit", () => {
    expect(bodyAt(out, "aws_eks_pod_identity_association", `${FLUENT_BIT}/Role/Association`)).toEqual(
      podIdentityAssociation(out, `${FLUENT_BIT}/Role`, "logging", "fluent-bit"),
    );
  });

  test("the inline policy: streams and events of its log group only, no group creation", () => {
    const groupArn = refAt(out, "aws_cloudwatch_log_group", `${FLUENT_BIT}/LogGroup`, "arn");
    expect(bodyAt(out, "aws_iam_role_policy", `${FLUENT_BIT}/Role/Policy`)).toMatchObject({ name: "platform-grants", role: refAt(out, "aws_iam_role", `${FLUENT_BIT}/Role`) });
    expect(statements).toEqual([
      {
        Sid: "WriteContainerLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: [groupArn, `${groupArn}:*`],
      },
    ]);
    expect(statements.flatMap((s) => asList(s.Action))).not.toContain("logs:CreateLogGroup");
  });

  test("logGroup, role and chart are exposed", () => {
    expect(stack.getLogicalId(fluentBit.logGroup)).toBe(at(out, "aws_cloudwatch_log_group", `${FLUENT_BIT}/LogGroup`).name);
    expect(stack.getLogicalId(fluentBit.chart.release)).toBe(at(out, "helm_release", `${FLUENT_BIT}/Chart/Release`).name);
    expect(stack.getLogicalId(fluentBit.role.role.resource)).toBe(at(out, "aws_iam_role", `${FLUENT_BIT}/Role`).name);
  });
});

describe("retentionDays, a key ARN, and dependsOn", () => {
  test("the retention goes to the log group and the values; the key ARN to the log group", () => {
    const { stack, cluster } = addonFixture();
    new FluentBit(stack, FLUENT_BIT, { cluster, clusterName: "test-eks", kmsKeyArn: SECRETS_KEY_ARN, retentionDays: 30, dependsOn: [cluster.addons["coredns"]] });
    const out = synthesizeStack(stack);
    expect(bodyAt(out, "aws_cloudwatch_log_group", `${FLUENT_BIT}/LogGroup`)).toEqual({ name: "/aws/eks/test-eks/containers", retention_in_days: 30, kms_key_id: SECRETS_KEY_ARN });
    const release = bodyAt(out, "helm_release", `${FLUENT_BIT}/Chart/Release`);
    expect((releaseValues(release).cloudWatchLogs as Record<string, unknown>).logRetentionDays).toBe(30);
    expect(release.depends_on).toEqual([
      addressAt(out, "aws_eks_addon", "Cluster/Addons/coredns"),
      ...podIdentityRoleAddresses(out, `${FLUENT_BIT}/Role`),
    ]);
  });

  test("clusterName names the log group and the role", () => {
    const { stack, cluster } = addonFixture();
    new FluentBit(stack, FLUENT_BIT, { cluster, clusterName: "blue", kmsKeyArn: SECRETS_KEY_ARN });
    const out = synthesizeStack(stack);
    expect(bodyAt(out, "aws_cloudwatch_log_group", `${FLUENT_BIT}/LogGroup`).name).toBe("/aws/eks/blue/containers");
    expect(bodyAt(out, "aws_iam_role", `${FLUENT_BIT}/Role`)).toMatchObject({ name: "blue-fluent-bit", description: "Fluent Bit of blue" });
  });
});

describe("ValidationError", () => {
  let f: Fixture;
  beforeAll(() => {
    f = addonFixture();
  });

  function build(props: Partial<FluentBitProps>): FluentBit {
    return new FluentBit(f.stack, FLUENT_BIT, { cluster: f.cluster, clusterName: "test-eks", kmsKeyArn: SECRETS_KEY_ARN, ...props });
  }

  /** The message of building `FluentBit` with `props`; the construct is removed afterwards. */
  function errorOf(props: Partial<FluentBitProps>): string {
    return messageOf(f, () => build(props), [FLUENT_BIT]);
  }

  test("the retentions in the message are CloudWatch's", () => {
    expect(LOG_RETENTION_DAYS.join(", ")).toBe(RETENTIONS);
  });

  test.each([0, 2, 42, 364, 366, 3654, -1, 30.5])("retentionDays %p", (retentionDays) => {
    expect(errorOf({ retentionDays })).toBe(`test-unit/FluentBit: 'retentionDays' must be one of ${RETENTIONS}, got ${retentionDays}`);
  });

  test("retentionDays as a string", () => {
    expect(errorOf({ retentionDays: unchecked("30") })).toBe(`test-unit/FluentBit: 'retentionDays' must be one of ${RETENTIONS}, got "30"`);
  });

  test("nothing is created before the error", () => {
    const error = validationErrorOf(() => build({ retentionDays: 42 }));
    try {
      expect(error.constructPath).toBe("test-unit/FluentBit");
      expect(f.stack.node.findChild(FLUENT_BIT).node.children).toEqual([]);
    } finally {
      f.stack.node.tryRemoveChild(FLUENT_BIT);
    }
  });

  test.each([...LOG_RETENTION_DAYS])("retentionDays %p is accepted", (retentionDays) => {
    try {
      expect(() => build({ retentionDays })).not.toThrow();
    } finally {
      f.stack.node.tryRemoveChild(FLUENT_BIT);
    }
  });
});
