// What an EcsCluster synthesizes: the cluster with Container Insights and logged, encrypted ECS
// Exec sessions, the cluster's own KMS key and exec log group, and the capacity providers.
import type { SynthesizedStack } from "@platform/core";
import { Vpc } from "@platform/vpc";
import { EcsCluster, type EcsClusterProps } from "../src";
import {
  ACCOUNT,
  GENERAL_CAPACITY,
  REGION,
  addService,
  at,
  bodyAt,
  count,
  fixture,
  policyOf,
  ref,
  refAt,
  synth,
  vpcProps,
  type Resource,
} from "./support";

function synthCluster(props: EcsClusterProps = {}): SynthesizedStack {
  return synth(fixture({ cluster: props }).stack).out;
}

describe("defaults", () => {
  let out: SynthesizedStack;
  let cluster: Resource;
  beforeAll(() => {
    out = synthCluster();
    cluster = bodyAt(out, "aws_ecs_cluster", "Cluster");
  });

  test("one cluster named <environment>-<id in lower case>", () => {
    expect(count(out, "aws_ecs_cluster")).toBe(1);
    expect(cluster.name).toBe("test-cluster");
    expect(cluster.tags).toEqual({ Name: "test-cluster" });
  });

  test("Container Insights is enabled", () => {
    expect(cluster.setting).toEqual([{ name: "containerInsights", value: "enabled" }]);
  });

  test("ECS Exec sessions are encrypted with the cluster key and logged to the encrypted exec log group", () => {
    expect(cluster.configuration).toEqual({
      execute_command_configuration: {
        kms_key_id: refAt(out, "aws_kms_key", "Cluster/Key", "arn"),
        logging: "OVERRIDE",
        log_configuration: {
          cloud_watch_log_group_name: refAt(out, "aws_cloudwatch_log_group", "Cluster/ExecLogs", "name"),
          cloud_watch_encryption_enabled: true,
        },
      },
    });
  });

  test("the exec log group: /aws/ecs/<cluster>/exec, kept 365 days, encrypted with the cluster key", () => {
    expect(bodyAt(out, "aws_cloudwatch_log_group", "Cluster/ExecLogs")).toEqual({
      name: "/aws/ecs/test-cluster/exec",
      retention_in_days: 365,
      kms_key_id: refAt(out, "aws_kms_key", "Cluster/Key", "arn"),
      tags: { Name: "test-cluster-exec" },
    });
  });

  test("the cluster key rotates, waits 30 days before deletion and has an alias", () => {
    const key = bodyAt(out, "aws_kms_key", "Cluster/Key");
    expect(key.enable_key_rotation).toBe(true);
    expect(key.deletion_window_in_days).toBe(30);
    expect(key.description).toBe("ECS Exec sessions and the log groups of cluster test-cluster");
    expect(bodyAt(out, "aws_kms_alias", "Cluster/KeyAlias")).toEqual({
      name: "alias/test-cluster-ecs",
      target_key_id: refAt(out, "aws_kms_key", "Cluster/Key", "key_id"),
    });
  });

  test("the key policy: the account administers it; CloudWatch Logs of the region uses it only for log groups under /aws/ecs/<cluster>/", () => {
    const policy = policyOf(bodyAt(out, "aws_kms_key", "Cluster/Key"));
    expect(policy.Version).toBe("2012-10-17");
    expect(policy.Statement).toEqual([
      { Sid: "AccountAdministersTheKey", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" },
      {
        Sid: "CloudWatchLogsUsesTheKeyForClusterLogs",
        Effect: "Allow",
        Principal: { Service: `logs.${REGION}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/ecs/test-cluster/*` } },
      },
    ]);
  });

  test("FARGATE and FARGATE_SPOT are offered; the default strategy is one FARGATE task as a base, then all FARGATE", () => {
    const providers = bodyAt(out, "aws_ecs_cluster_capacity_providers", "Cluster/CapacityProviders");
    expect(providers.cluster_name).toBe(refAt(out, "aws_ecs_cluster", "Cluster", "name"));
    expect(providers.capacity_providers).toEqual(["FARGATE", "FARGATE_SPOT"]);
    expect(providers.default_capacity_provider_strategy).toEqual([{ capacity_provider: "FARGATE", base: 1, weight: 1 }]);
  });

  test("no EC2 capacity: no instances, no Auto Scaling group, no capacity provider of its own", () => {
    for (const type of ["aws_launch_template", "aws_autoscaling_group", "aws_ecs_capacity_provider", "aws_iam_instance_profile"]) {
      expect({ type, count: count(out, type) }).toEqual({ type, count: 0 });
    }
  });
});

describe("settings", () => {
  test("fargateSpot: false drops FARGATE_SPOT", () => {
    const out = synthCluster({ fargateSpot: false });
    expect(bodyAt(out, "aws_ecs_cluster_capacity_providers", "Cluster/CapacityProviders").capacity_providers).toEqual(["FARGATE"]);
  });

  test.each(["enhanced", "disabled"] as const)("containerInsights %s", (insights) => {
    const out = synthCluster({ containerInsights: insights });
    expect(bodyAt(out, "aws_ecs_cluster", "Cluster").setting).toEqual([{ name: "containerInsights", value: insights }]);
  });

  test("clusterName names the cluster, its exec log group, the key policy's log groups and the alias", () => {
    const out = synthCluster({ clusterName: "payments" });
    expect(bodyAt(out, "aws_ecs_cluster", "Cluster").name).toBe("payments");
    expect(bodyAt(out, "aws_cloudwatch_log_group", "Cluster/ExecLogs").name).toBe("/aws/ecs/payments/exec");
    expect(bodyAt(out, "aws_kms_alias", "Cluster/KeyAlias").name).toBe("alias/payments-ecs");
    const condition = policyOf(bodyAt(out, "aws_kms_key", "Cluster/Key")).Statement[1].Condition;
    expect(condition).toEqual({ ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/ecs/payments/*` } });
  });

  test("the default name lower-cases the construct id", () => {
    const f = fixture();
    new EcsCluster(f.stack, "Payments");
    const { out } = synth(f.stack);
    expect(bodyAt(out, "aws_ecs_cluster", "Payments").name).toBe("test-payments");
  });

  test("execLogRetentionDays", () => {
    const out = synthCluster({ execLogRetentionDays: 30 });
    expect(bodyAt(out, "aws_cloudwatch_log_group", "Cluster/ExecLogs").retention_in_days).toBe(30);
  });

  test("tags go on every resource of the cluster, with Name", () => {
    const out = synthCluster({ tags: { team: "payments" }, ec2Capacity: GENERAL_CAPACITY });
    expect(bodyAt(out, "aws_ecs_cluster", "Cluster").tags).toEqual({ team: "payments", Name: "test-cluster" });
    expect(bodyAt(out, "aws_kms_key", "Cluster/Key").tags).toEqual({ team: "payments", Name: "test-cluster-exec" });
    expect(bodyAt(out, "aws_cloudwatch_log_group", "Cluster/ExecLogs").tags).toEqual({ team: "payments", Name: "test-cluster-exec" });
    expect(bodyAt(out, "aws_ecs_capacity_provider", "Cluster/Ec2Capacity/general").tags).toEqual({ team: "payments", Name: "test-cluster-general" });
    expect(bodyAt(out, "aws_launch_template", "Cluster/Ec2Capacity/general/LaunchTemplate").tags).toEqual({ team: "payments", Name: "test-cluster-general" });
  });

  test("a default strategy over FARGATE and FARGATE_SPOT, base and weight defaulting to 0 and 1", () => {
    const out = synthCluster({
      defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE", base: 2 }, { capacityProvider: "FARGATE_SPOT", weight: 3 }],
    });
    expect(bodyAt(out, "aws_ecs_cluster_capacity_providers", "Cluster/CapacityProviders").default_capacity_provider_strategy).toEqual([
      { capacity_provider: "FARGATE", base: 2, weight: 1 },
      { capacity_provider: "FARGATE_SPOT", base: 0, weight: 3 },
    ]);
  });

  test("a default strategy names EC2 capacity by key; the association gets its provider name", () => {
    const out = synthCluster({ ec2Capacity: GENERAL_CAPACITY, defaultCapacityProviderStrategy: [{ capacityProvider: "general", base: 1, weight: 1 }] });
    const providers = bodyAt(out, "aws_ecs_cluster_capacity_providers", "Cluster/CapacityProviders");
    expect(providers.capacity_providers).toEqual(["FARGATE", "FARGATE_SPOT", "test-cluster-general"]);
    expect(providers.default_capacity_provider_strategy).toEqual([{ capacity_provider: "test-cluster-general", base: 1, weight: 1 }]);
  });

  test("the vpc is optional without EC2 capacity", () => {
    const f = fixture();
    new EcsCluster(f.stack, "Bare", {});
    expect(bodyAt(synth(f.stack).out, "aws_ecs_cluster", "Bare").name).toBe("test-bare");
  });
});

describe("attributes", () => {
  test("clusterArn, keyArn and capacityProviderNames", () => {
    const f = fixture({ cluster: { ec2Capacity: GENERAL_CAPACITY } });
    const { out, outputs } = synth(f.stack, { arn: f.cluster.clusterArn, key: f.cluster.keyArn });
    expect(outputs.arn).toBe(refAt(out, "aws_ecs_cluster", "Cluster", "arn"));
    expect(outputs.key).toBe(refAt(out, "aws_kms_key", "Cluster/Key", "arn"));
    expect(f.cluster.capacityProviderNames).toEqual(["FARGATE", "FARGATE_SPOT", "test-cluster-general"]);
  });

  test("clusterName is the capacity provider association's, so whatever names the cluster waits for its capacity providers", () => {
    const f = fixture();
    const { out, outputs } = synth(f.stack, { name: f.cluster.clusterName });
    expect(outputs.name).toBe(refAt(out, "aws_ecs_cluster_capacity_providers", "Cluster/CapacityProviders", "cluster_name"));
  });

  test("a service's log group, and through it the task definition and the service, depend on the association", () => {
    const f = fixture();
    addService(f);
    const { out } = synth(f.stack);
    const association = at(out, "aws_ecs_cluster_capacity_providers", "Cluster/CapacityProviders").name;
    expect(bodyAt(out, "aws_cloudwatch_log_group", "Api/Logs").name).toBe(`/aws/ecs/${ref("aws_ecs_cluster_capacity_providers", association, "cluster_name")}/test-api`);
  });

  test("capacityProvider() maps FARGATE, FARGATE_SPOT, EC2 keys and provider names; anything else is undefined", () => {
    const { cluster } = fixture({ cluster: { ec2Capacity: GENERAL_CAPACITY } });
    expect(cluster.capacityProvider("FARGATE")).toBe("FARGATE");
    expect(cluster.capacityProvider("FARGATE_SPOT")).toBe("FARGATE_SPOT");
    expect(cluster.capacityProvider("general")).toBe("test-cluster-general");
    expect(cluster.capacityProvider("test-cluster-general")).toBe("test-cluster-general");
    expect(cluster.capacityProvider("other")).toBeUndefined();
    expect(cluster.capacityProvider("EC2")).toBeUndefined();
  });

  test("capacityProvider('FARGATE_SPOT') is undefined when fargateSpot is off", () => {
    const { cluster } = fixture({ cluster: { fargateSpot: false } });
    expect(cluster.capacityProvider("FARGATE_SPOT")).toBeUndefined();
    expect(cluster.capacityProviderNames).toEqual(["FARGATE"]);
  });

  test("instanceConnections() is the instances' security group of an EC2 capacity, by key only", () => {
    const f = fixture({ cluster: { ec2Capacity: GENERAL_CAPACITY } });
    const connections = f.cluster.instanceConnections("general");
    expect(connections).toBeDefined();
    expect(f.cluster.instanceConnections("FARGATE")).toBeUndefined();
    expect(f.cluster.instanceConnections("test-cluster-general")).toBeUndefined();
    expect(f.cluster.instanceConnections("other")).toBeUndefined();
    const { out, outputs } = synth(f.stack, { group: connections!.securityGroupId });
    expect(outputs.group).toBe(refAt(out, "aws_security_group", "Cluster/Ec2Capacity/general/SecurityGroup"));
  });

  test("two clusters in one stack keep apart", () => {
    const f = fixture();
    const vpc = new Vpc(f.stack, "Other", vpcProps({ cidrBlock: "10.1.0.0/16" }));
    new EcsCluster(f.stack, "Batch", { vpc, ec2Capacity: GENERAL_CAPACITY });
    const { out } = synth(f.stack);
    expect(count(out, "aws_ecs_cluster")).toBe(2);
    expect(bodyAt(out, "aws_ecs_cluster", "Batch").name).toBe("test-batch");
    expect(bodyAt(out, "aws_ecs_capacity_provider", "Batch/Ec2Capacity/general").name).toBe("test-batch-general");
    expect(bodyAt(out, "aws_cloudwatch_log_group", "Batch/ExecLogs").name).toBe("/aws/ecs/test-batch/exec");
  });
});
