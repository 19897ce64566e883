// EC2 capacity of an EcsCluster: ECS-optimized Amazon Linux 2023 instances in an Auto Scaling
// group of the private subnets, IMDSv2 only, encrypted root volumes, no inbound traffic, and a
// capacity provider with managed scaling, termination protection and draining.
import type { SynthesizedStack } from "@platform/core";
import type { Ec2CapacityOptions } from "../src";
import {
  AZ_A,
  AZ_B,
  at,
  bodyAt,
  count,
  fixture,
  policyOf,
  refAt,
  ruleShape,
  rulesOf,
  synth,
  type Resource,
} from "./support";

const BASE = "Cluster/Ec2Capacity/general";

function synthCapacity(options: Partial<Ec2CapacityOptions> = {}): SynthesizedStack {
  return synth(fixture({ cluster: { ec2Capacity: { general: { instanceType: "m7g.large", maxSize: 4, ...options } } } }).stack).out;
}

const AMI = (architecture: string) => `resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/${architecture}recommended/image_id`;

describe("defaults (m7g.large, up to 4 instances)", () => {
  let out: SynthesizedStack;
  let template: Resource;
  let group: Resource;
  beforeAll(() => {
    out = synthCapacity();
    template = bodyAt(out, "aws_launch_template", `${BASE}/LaunchTemplate`);
    group = bodyAt(out, "aws_autoscaling_group", `${BASE}/AutoScalingGroup`);
  });

  test("the image is resolved at launch from the public SSM parameter of ECS-optimized AL2023 (arm64 for Graviton)", () => {
    expect(template.image_id).toBe(AMI("arm64/"));
    expect(template.instance_type).toBe("m7g.large");
    expect(count(out, "aws_ami")).toBe(0);
    expect(out.data).toBeUndefined();
  });

  test("IMDSv2 only, with a hop limit of 1 (containers cannot reach the instance's credentials)", () => {
    expect(template.metadata_options).toEqual({ http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 1, instance_metadata_tags: "disabled" });
  });

  test("an encrypted gp3 root volume of 30 GiB, deleted with the instance", () => {
    expect(template.block_device_mappings).toEqual([
      { device_name: "/dev/xvda", ebs: { volume_size: 30, volume_type: "gp3", encrypted: "true", delete_on_termination: "true" } },
    ]);
  });

  test("user data joins the cluster and blocks IMDS for awsvpc tasks", () => {
    const userData = template.user_data as string;
    expect(userData.startsWith("${base64encode(")).toBe(true);
    expect(userData).toContain("echo ECS_CLUSTER=test-cluster >> /etc/ecs/ecs.config");
    expect(userData).toContain("echo ECS_AWSVPC_BLOCK_IMDS=true >> /etc/ecs/ecs.config");
    expect(userData).toContain("echo ECS_ENABLE_SPOT_INSTANCE_DRAINING=true >> /etc/ecs/ecs.config");
    expect(userData).toContain("#!/bin/bash");
  });

  test("the template: instance profile, the instances' security group, detailed monitoring, tagged instances and volumes, on-demand", () => {
    expect(template.iam_instance_profile).toEqual({ arn: refAt(out, "aws_iam_instance_profile", `${BASE}/InstanceProfile`, "arn") });
    expect(template.vpc_security_group_ids).toEqual([refAt(out, "aws_security_group", `${BASE}/SecurityGroup`)]);
    expect(template.monitoring).toEqual({ enabled: true });
    expect(template.name_prefix).toBe("test-cluster-general-");
    expect(template.update_default_version).toBe(true);
    expect(template.tag_specifications).toEqual([
      { resource_type: "instance", tags: { Name: "test-cluster-general" } },
      { resource_type: "volume", tags: { Name: "test-cluster-general" } },
    ]);
    expect(template.instance_market_options).toBeUndefined();
  });

  test("the instance role: EC2 may assume it; the ECS container instance and SSM managed policies are attached", () => {
    const role = bodyAt(out, "aws_iam_role", `${BASE}/InstanceRole`);
    expect(role.name).toBe("test-cluster-general-instance");
    expect(policyOf(role, "assume_role_policy").Statement).toEqual([{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    const attached = [0, 1].map((i) => bodyAt(out, "aws_iam_role_policy_attachment", `${BASE}/InstanceRole/ManagedPolicy${i}`));
    expect(attached.map((a) => a.policy_arn)).toEqual([
      "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
      "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    ]);
    for (const a of attached) expect(a.role).toBe(refAt(out, "aws_iam_role", `${BASE}/InstanceRole`, "name"));
    expect(bodyAt(out, "aws_iam_instance_profile", `${BASE}/InstanceProfile`)).toMatchObject({
      name: "test-cluster-general-instance",
      role: refAt(out, "aws_iam_role", `${BASE}/InstanceRole`, "name"),
    });
  });

  test("the Auto Scaling group: private subnets, protected from scale-in, the ECS-managed tag, desired capacity left to ECS", () => {
    expect(group.vpc_zone_identifier).toEqual([
      refAt(out, "aws_subnet", `Vpc/Subnets/private-${AZ_A}/Subnet`),
      refAt(out, "aws_subnet", `Vpc/Subnets/private-${AZ_B}/Subnet`),
    ]);
    expect(group.min_size).toBe(0);
    expect(group.max_size).toBe(4);
    expect(group.protect_from_scale_in).toBe(true);
    expect(group.capacity_rebalance).toBe(false);
    expect(group.launch_template).toEqual({ id: refAt(out, "aws_launch_template", `${BASE}/LaunchTemplate`), version: "$Latest" });
    expect(group.tag).toEqual([
      { key: "AmazonECSManaged", value: "true", propagate_at_launch: true },
      { key: "Name", value: "test-cluster-general", propagate_at_launch: true },
    ]);
    expect(group.lifecycle).toEqual({ ignore_changes: ["desired_capacity"] });
    expect(group.desired_capacity).toBeUndefined();
    expect(group.name_prefix).toBe("test-cluster-general-");
  });

  test("the capacity provider <cluster>-<key>: managed termination protection, draining and scaling to 100%", () => {
    expect(bodyAt(out, "aws_ecs_capacity_provider", BASE)).toEqual({
      name: "test-cluster-general",
      auto_scaling_group_provider: {
        auto_scaling_group_arn: refAt(out, "aws_autoscaling_group", `${BASE}/AutoScalingGroup`, "arn"),
        managed_termination_protection: "ENABLED",
        managed_draining: "ENABLED",
        managed_scaling: { status: "ENABLED", target_capacity: 100, minimum_scaling_step_size: 1, maximum_scaling_step_size: 10 },
      },
      tags: { Name: "test-cluster-general" },
    });
  });

  test("the cluster's association offers it and waits for it", () => {
    const providers = bodyAt(out, "aws_ecs_cluster_capacity_providers", "Cluster/CapacityProviders");
    expect(providers.capacity_providers).toEqual(["FARGATE", "FARGATE_SPOT", "test-cluster-general"]);
    expect(providers.depends_on).toEqual([`aws_ecs_capacity_provider.${at(out, "aws_ecs_capacity_provider", BASE).name}`]);
    expect(providers.default_capacity_provider_strategy).toEqual([{ capacity_provider: "FARGATE", base: 1, weight: 1 }]);
  });

  test("the instances' security group admits nothing and reaches HTTPS only", () => {
    const sg = bodyAt(out, "aws_security_group", `${BASE}/SecurityGroup`);
    expect(sg).toMatchObject({ name: "test-cluster-general-instances", vpc_id: refAt(out, "aws_vpc", "Vpc"), lifecycle: { create_before_destroy: true } });
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
    expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", `${BASE}/SecurityGroup`)).toEqual([]);
    expect(rulesOf(out, "aws_vpc_security_group_egress_rule", `${BASE}/SecurityGroup`).map(ruleShape)).toEqual([
      { ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0" },
    ]);
  });
});

describe("architecture", () => {
  test.each([
    ["m7g.large", "arm64/"],
    ["c7gn.xlarge", "arm64/"],
    ["t4g.small", "arm64/"],
    ["r8g.2xlarge", "arm64/"],
    ["m7i.large", ""],
    ["c6a.xlarge", ""],
    ["g5.xlarge", ""],
    ["m7i-flex.large", ""],
    ["c7i.metal-24xl", ""],
  ])("%s resolves the %s image", (instanceType, path) => {
    const out = synthCapacity({ instanceType });
    expect(bodyAt(out, "aws_launch_template", `${BASE}/LaunchTemplate`).image_id).toBe(AMI(path));
  });

  test("an explicit architecture wins over the instance type", () => {
    expect(bodyAt(synthCapacity({ instanceType: "m7g.large", architecture: "x86_64" }), "aws_launch_template", `${BASE}/LaunchTemplate`).image_id).toBe(AMI(""));
    expect(bodyAt(synthCapacity({ instanceType: "a1.large", architecture: "arm64" }), "aws_launch_template", `${BASE}/LaunchTemplate`).image_id).toBe(AMI("arm64/"));
  });
});

describe("options", () => {
  test("spot: spot market options and capacity rebalancing", () => {
    const out = synthCapacity({ spot: true });
    expect(bodyAt(out, "aws_launch_template", `${BASE}/LaunchTemplate`).instance_market_options).toEqual({ market_type: "spot" });
    expect(bodyAt(out, "aws_autoscaling_group", `${BASE}/AutoScalingGroup`).capacity_rebalance).toBe(true);
  });

  test("minSize, maxSize, rootVolumeSizeGiB and targetCapacityPercent", () => {
    const out = synthCapacity({ minSize: 1, maxSize: 10, rootVolumeSizeGiB: 100, targetCapacityPercent: 80 });
    const group = bodyAt(out, "aws_autoscaling_group", `${BASE}/AutoScalingGroup`);
    expect([group.min_size, group.max_size]).toEqual([1, 10]);
    const ebs = (bodyAt(out, "aws_launch_template", `${BASE}/LaunchTemplate`).block_device_mappings as { ebs: Resource }[])[0].ebs;
    expect(ebs).toEqual({ volume_size: 100, volume_type: "gp3", encrypted: "true", delete_on_termination: "true" });
    const scaling = (bodyAt(out, "aws_ecs_capacity_provider", BASE).auto_scaling_group_provider as Resource).managed_scaling;
    expect(scaling).toEqual({ status: "ENABLED", target_capacity: 80, minimum_scaling_step_size: 1, maximum_scaling_step_size: 10 });
  });

  test("two capacities: one of each resource per key, both offered by the cluster", () => {
    const f = fixture({
      cluster: { ec2Capacity: { general: { instanceType: "m7g.large", maxSize: 4 }, "spot-x86": { instanceType: "c7i.large", maxSize: 8, spot: true } } },
    });
    const { out } = synth(f.stack);
    for (const type of ["aws_launch_template", "aws_autoscaling_group", "aws_ecs_capacity_provider", "aws_iam_instance_profile"]) {
      expect({ type, count: count(out, type) }).toEqual({ type, count: 2 });
    }
    expect(bodyAt(out, "aws_ecs_capacity_provider", "Cluster/Ec2Capacity/spot-x86").name).toBe("test-cluster-spot-x86");
    expect(bodyAt(out, "aws_launch_template", "Cluster/Ec2Capacity/spot-x86/LaunchTemplate").image_id).toBe(AMI(""));
    expect(bodyAt(out, "aws_ecs_cluster_capacity_providers", "Cluster/CapacityProviders").capacity_providers).toEqual([
      "FARGATE",
      "FARGATE_SPOT",
      "test-cluster-general",
      "test-cluster-spot-x86",
    ]);
    expect(f.cluster.capacityProvider("spot-x86")).toBe("test-cluster-spot-x86");
    expect(f.cluster.ec2Capacity["spot-x86"].providerName).toBe("test-cluster-spot-x86");
  });

  test("a named cluster names its capacity providers and the instances' cluster", () => {
    const out = synth(fixture({ cluster: { clusterName: "batch", ec2Capacity: { general: { instanceType: "m7g.large", maxSize: 2 } } } }).stack).out;
    expect(bodyAt(out, "aws_ecs_capacity_provider", BASE).name).toBe("batch-general");
    expect(bodyAt(out, "aws_launch_template", `${BASE}/LaunchTemplate`).user_data).toContain("ECS_CLUSTER=batch >>");
  });
});
