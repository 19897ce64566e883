import { ACCOUNT, REGION, count, policyOf, ref, single, synthVpc, tagsOf, type PolicyStatement } from "./support";

const LOG_GROUP_NAME = "/aws/vpc-flow-logs/test-vpc";
const LOG_GROUP_ARN = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${LOG_GROUP_NAME}`;
const FLOW_LOG_RESOURCE_TYPES = ["aws_flow_log", "aws_cloudwatch_log_group", "aws_kms_key", "aws_kms_alias", "aws_iam_role", "aws_iam_role_policy"];

const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

describe("flow logs to CloudWatch (the default)", () => {
  const { out } = synthVpc();
  const flowLog = single(out, "aws_flow_log");
  const group = single(out, "aws_cloudwatch_log_group");
  const key = single(out, "aws_kms_key");
  const role = single(out, "aws_iam_role");
  const rolePolicy = single(out, "aws_iam_role_policy");

  test("the flow log records ALL traffic of the VPC into the log group, every 600 s", () => {
    expect(flowLog.resource).toEqual(
      expect.objectContaining({
        vpc_id: ref("aws_vpc", single(out, "aws_vpc").name),
        traffic_type: "ALL",
        log_destination_type: "cloud-watch-logs",
        log_destination: ref("aws_cloudwatch_log_group", group.name, "arn"),
        iam_role_arn: ref("aws_iam_role", role.name, "arn"),
        max_aggregation_interval: 600,
      }),
    );
    expect(flowLog.resource.destination_options).toBeUndefined();
    expect(tagsOf(flowLog.resource).Name).toBe("test-vpc-flow-logs");
  });

  test("the log group keeps logs 365 days, encrypted with the created key", () => {
    expect(group.resource.name).toBe(LOG_GROUP_NAME);
    expect(group.resource.retention_in_days).toBe(365);
    expect(group.resource.kms_key_id).toBe(ref("aws_kms_key", key.name, "arn"));
  });

  test("the key rotates, and has an alias", () => {
    expect(key.resource.enable_key_rotation).toBe(true);
    expect(key.resource.deletion_window_in_days).toBe(30);
    const alias = single(out, "aws_kms_alias");
    expect(alias.resource.name).toBe("alias/test-vpc-flow-logs");
    expect(alias.resource.target_key_id).toBe(ref("aws_kms_key", key.name, "key_id"));
  });

  test("the key policy: the account root administers the key", () => {
    const policy = policyOf(key.resource, "policy");
    expect(policy.Version).toBe("2012-10-17");
    const admin = policy.Statement.find((s) => s.Principal?.AWS !== undefined) as PolicyStatement;
    expect(admin).toEqual(
      expect.objectContaining({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }),
    );
    expect(admin.Condition).toBeUndefined();
  });

  test("the key policy: CloudWatch Logs of the region may use the key for this log group only", () => {
    const policy = policyOf(key.resource, "policy");
    expect(policy.Statement).toHaveLength(2);
    const logs = policy.Statement.find((s) => s.Principal?.Service !== undefined) as PolicyStatement;
    expect(logs.Effect).toBe("Allow");
    expect(logs.Principal).toEqual({ Service: `logs.${REGION}.amazonaws.com` });
    expect(asList(logs.Action)).toEqual(expect.arrayContaining(["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"]));
    expect(asList(logs.Action)).not.toContain("kms:*");
    expect(logs.Condition).toEqual({ ArnEquals: { "kms:EncryptionContext:aws:logs:arn": LOG_GROUP_ARN } });
    // The condition names the log group that the construct creates.
    expect(LOG_GROUP_ARN.endsWith(`:log-group:${group.resource.name as string}`)).toBe(true);
  });

  test("the role can be assumed by VPC flow logs of this account only", () => {
    const trust = policyOf(role.resource, "assume_role_policy");
    expect(trust.Statement).toHaveLength(1);
    const [statement] = trust.Statement;
    expect(statement.Effect).toBe("Allow");
    expect(statement.Principal).toEqual({ Service: "vpc-flow-logs.amazonaws.com" });
    expect(statement.Action).toBe("sts:AssumeRole");
    expect(statement.Condition).toEqual({
      StringEquals: { "aws:SourceAccount": ACCOUNT },
      ArnLike: { "aws:SourceArn": `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc-flow-log/*` },
    });
    expect(role.resource.name).toBe("test-vpc-flow-logs");
  });

  test("the role's policy writes to the log group only (no '*' resource)", () => {
    expect(rolePolicy.resource.role).toBe(ref("aws_iam_role", role.name));
    const policy = policyOf(rolePolicy.resource, "policy");
    expect(policy.Statement).toHaveLength(1);
    const [statement] = policy.Statement;
    expect(statement.Effect).toBe("Allow");
    expect(asList(statement.Action)).toEqual(expect.arrayContaining(["logs:CreateLogStream", "logs:PutLogEvents"]));
    const resources = asList(statement.Resource);
    expect(resources).toEqual([LOG_GROUP_ARN, `${LOG_GROUP_ARN}:*`]);
    expect(resources).not.toContain("*");
    for (const resource of resources) expect(resource.startsWith(LOG_GROUP_ARN)).toBe(true);
  });
});

describe("flowLogs options", () => {
  test("destination s3: Parquet, hourly partitions, to the bucket, with no role, log group or key", () => {
    const bucket = "arn:aws:s3:::acme-flow-logs/vpc";
    const { out } = synthVpc({ flowLogs: { destination: "s3", s3BucketArn: bucket } });
    const { resource } = single(out, "aws_flow_log");
    expect(resource).toEqual(
      expect.objectContaining({
        log_destination_type: "s3",
        log_destination: bucket,
        traffic_type: "ALL",
        max_aggregation_interval: 600,
        destination_options: { file_format: "parquet", per_hour_partition: true, hive_compatible_partitions: true },
      }),
    );
    expect(resource.iam_role_arn).toBeUndefined();
    for (const type of ["aws_cloudwatch_log_group", "aws_kms_key", "aws_kms_alias", "aws_iam_role", "aws_iam_role_policy"]) {
      expect(count(out, type)).toBe(0);
    }
  });

  test("destination s3 takes trafficType and maxAggregationIntervalSeconds", () => {
    const { out } = synthVpc({
      flowLogs: { destination: "s3", s3BucketArn: "arn:aws:s3:::acme-flow-logs", trafficType: "REJECT", maxAggregationIntervalSeconds: 60 },
    });
    expect(single(out, "aws_flow_log").resource).toEqual(expect.objectContaining({ traffic_type: "REJECT", max_aggregation_interval: 60 }));
  });

  test("destination none: no flow log resources at all", () => {
    const { out } = synthVpc({ flowLogs: { destination: "none" } });
    for (const type of FLOW_LOG_RESOURCE_TYPES) expect(count(out, type)).toBe(0);
  });

  test("destination cloudwatch given explicitly is the default", () => {
    const explicit = synthVpc({ flowLogs: { destination: "cloudwatch" } }).out;
    const defaults = synthVpc().out;
    for (const type of FLOW_LOG_RESOURCE_TYPES) expect(explicit.resource?.[type]).toEqual(defaults.resource?.[type]);
  });

  test("kmsKeyArn: the log group uses the given key, and no key or alias is created", () => {
    const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const { out } = synthVpc({ flowLogs: { kmsKeyArn: keyArn } });
    expect(count(out, "aws_kms_key")).toBe(0);
    expect(count(out, "aws_kms_alias")).toBe(0);
    expect(single(out, "aws_cloudwatch_log_group").resource.kms_key_id).toBe(keyArn);
    expect(count(out, "aws_flow_log")).toBe(1);
    expect(count(out, "aws_iam_role")).toBe(1);
  });

  test.each(["ALL", "ACCEPT", "REJECT"] as const)("trafficType %s", (trafficType) => {
    const { out } = synthVpc({ flowLogs: { trafficType } });
    expect(single(out, "aws_flow_log").resource.traffic_type).toBe(trafficType);
  });

  test("retentionDays", () => {
    const { out } = synthVpc({ flowLogs: { retentionDays: 90 } });
    expect(single(out, "aws_cloudwatch_log_group").resource.retention_in_days).toBe(90);
  });

  test.each([60, 600] as const)("maxAggregationIntervalSeconds %d", (seconds) => {
    const { out } = synthVpc({ flowLogs: { maxAggregationIntervalSeconds: seconds } });
    expect(single(out, "aws_flow_log").resource.max_aggregation_interval).toBe(seconds);
  });

  test("every option at once", () => {
    const { out } = synthVpc({
      name: "edge",
      flowLogs: { destination: "cloudwatch", trafficType: "ACCEPT", retentionDays: 731, maxAggregationIntervalSeconds: 60 },
    });
    expect(single(out, "aws_flow_log").resource).toEqual(
      expect.objectContaining({ traffic_type: "ACCEPT", max_aggregation_interval: 60, log_destination_type: "cloud-watch-logs" }),
    );
    expect(single(out, "aws_cloudwatch_log_group").resource).toEqual(
      expect.objectContaining({ name: "/aws/vpc-flow-logs/edge", retention_in_days: 731 }),
    );
    const key = policyOf(single(out, "aws_kms_key").resource, "policy");
    const logs = key.Statement.find((s) => s.Principal?.Service !== undefined) as PolicyStatement;
    expect(logs.Condition).toEqual({
      ArnEquals: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/vpc-flow-logs/edge` },
    });
  });
});
