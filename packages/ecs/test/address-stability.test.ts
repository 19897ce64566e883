// Terraform addresses (`<type>.<name>`) come from construct ids: renaming an id makes Terraform
// destroy and re-create the resource (a cluster with every service in it, a service with its
// tasks). These tests pin the addresses of a cluster and a service, and check that growing the
// stack around them (another service, EC2 capacity, scaling, CI owning the task definition) keeps
// every existing resource at its address.
import type { SynthesizedStack } from "@platform/core";
import { ContainerImage, type EcsClusterProps, type EcsServiceProps } from "../src";
import { CERTIFICATE_ARN, GENERAL_CAPACITY, addService, addresses, fixture, resources, synth, type Resource } from "./support";

interface Build {
  readonly cluster?: EcsClusterProps;
  readonly api?: Partial<EcsServiceProps>;
  readonly worker?: boolean;
}

function build(options: Build = {}): SynthesizedStack {
  const f = fixture({ cluster: options.cluster });
  addService(f, "Api", options.api);
  if (options.worker) addService(f, "Worker", { container: { image: ContainerImage.fromRepository(f.repository, "v1") } });
  return synth(f.stack).out;
}

function body(out: SynthesizedStack, address: string): Resource {
  const [type, name] = address.split(".");
  return resources(out, type)[name];
}

/** Every resource of `before` is in `after` at the same address, with the same body unless listed in `changed`. */
function expectKept(before: SynthesizedStack, after: SynthesizedStack, changed: string[] = []): void {
  const now = new Set(addresses(after));
  expect(addresses(before).filter((a) => !now.has(a))).toEqual([]);
  for (const address of addresses(before)) {
    if (changed.includes(address)) continue;
    expect({ address, body: body(after, address) }).toEqual({ address, body: body(before, address) });
  }
}

function added(before: SynthesizedStack, after: SynthesizedStack): string[] {
  const old = new Set(addresses(before));
  return addresses(after).filter((a) => !old.has(a));
}

const CLUSTER_ADDRESSES = [
  "aws_cloudwatch_log_group.Cluster_ExecLogs_4A367234",
  "aws_ecs_cluster.Cluster_EB0386A7",
  "aws_ecs_cluster_capacity_providers.Cluster_CapacityProviders_BF47955F",
  "aws_kms_alias.Cluster_KeyAlias_2ADFD52E",
  "aws_kms_key.Cluster_Key_E3BAC84A",
];

const SERVICE_ADDRESSES = [
  "aws_cloudwatch_log_group.Api_Logs_C558403C",
  "aws_ecs_service.Api_F70053CD",
  "aws_ecs_task_definition.Api_TaskDefinition_09A15F65",
  "aws_iam_role.Api_ExecutionRole_BA11F517",
  "aws_iam_role.Api_TaskRole_F3CEB421",
  "aws_iam_role_policy.Api_ExecutionRole_Policy_4002B7AF",
  "aws_security_group.Api_SecurityGroup_BE88D96F",
  "aws_vpc_security_group_egress_rule.Api_SecurityGroup_To-0-0-0-0-0-443-443_5C5DD8DA",
];

const ASSOCIATION = "aws_ecs_cluster_capacity_providers.Cluster_CapacityProviders_BF47955F";

describe("pinned Terraform addresses", () => {
  test("the cluster and a Fargate service", () => {
    const all = addresses(build());
    expect(all.filter((a) => /\.Cluster_/.test(a))).toEqual(CLUSTER_ADDRESSES);
    expect(all.filter((a) => /\.Api_/.test(a))).toEqual(SERVICE_ADDRESSES);
  });

  test("EC2 capacity, keyed by its key", () => {
    const all = addresses(build({ cluster: { ec2Capacity: GENERAL_CAPACITY } }));
    expect(all.filter((a) => /\.Cluster_Ec2Capacity_/.test(a))).toEqual([
      "aws_autoscaling_group.Cluster_Ec2Capacity_general_AutoScalingGroup_B225E7FA",
      "aws_ecs_capacity_provider.Cluster_Ec2Capacity_general_D04F075D",
      "aws_iam_instance_profile.Cluster_Ec2Capacity_general_InstanceProfile_9F274170",
      "aws_iam_role.Cluster_Ec2Capacity_general_InstanceRole_8536F7E0",
      "aws_iam_role_policy_attachment.Cluster_Ec2Capacity_general_InstanceRole_ManagedPolicy0_D2FC14AE",
      "aws_iam_role_policy_attachment.Cluster_Ec2Capacity_general_InstanceRole_ManagedPolicy1_DC7A13C8",
      "aws_launch_template.Cluster_Ec2Capacity_general_LaunchTemplate_415A91D2",
      "aws_security_group.Cluster_Ec2Capacity_general_SecurityGroup_8EFDADFB",
      "aws_vpc_security_group_egress_rule.Cluster_Ec2Capacity_general_SecurityGroup_HttpsOut_6778420F",
    ]);
  });

  test("a service's own load balancer and its auto scaling", () => {
    const all = addresses(build({ api: { loadBalancing: { create: { certificate: { certificateArn: CERTIFICATE_ARN } } }, autoScaling: { minCapacity: 2, maxCapacity: 4, targetCpuPercent: 60 } } }));
    expect(all.filter((a) => /\.Api_(LoadBalancer|TargetGroup|ListenerRule|AutoScaling)/.test(a))).toEqual([
      "aws_appautoscaling_policy.Api_AutoScaling_Cpu_755F410C",
      "aws_appautoscaling_target.Api_AutoScaling_Target_BC6FF3C3",
      "aws_lb.Api_LoadBalancer_9F78B8A1",
      "aws_lb_listener.Api_LoadBalancer_HttpRedirect_F38D855C",
      "aws_lb_listener.Api_LoadBalancer_Https_8EF6B4DA",
      "aws_lb_listener_rule.Api_ListenerRule_B66C4FE5",
      "aws_lb_target_group.Api_TargetGroup_7E411432",
      "aws_security_group.Api_LoadBalancer_SecurityGroup_FE253D6C",
      "aws_vpc_security_group_egress_rule.Api_LoadBalancer_SecurityGroup_To-test-unit-Api-SecurityGroup-8080-8080_62E58754",
      "aws_vpc_security_group_ingress_rule.Api_LoadBalancer_SecurityGroup_From-10-0-0-0-16-443-443_D8447294",
      "aws_vpc_security_group_ingress_rule.Api_LoadBalancer_SecurityGroup_From-10-0-0-0-16-80-80_227C5837",
    ]);
  });
});

describe("growing the stack keeps what is there", () => {
  const before = () => build();

  test("a second service only adds its own resources", () => {
    const after = build({ worker: true });
    expectKept(before(), after);
    expect(added(before(), after).every((a) => /\.Worker_/.test(a))).toBe(true);
    expect(added(before(), after)).toContain("aws_ecs_service.Worker_11F36D0F");
  });

  test("EC2 capacity only adds its resources; the association lists it in place", () => {
    const after = build({ cluster: { ec2Capacity: GENERAL_CAPACITY } });
    expectKept(before(), after, [ASSOCIATION]);
    expect(added(before(), after).every((a) => /\.Cluster_Ec2Capacity_general_/.test(a))).toBe(true);
    expect(body(after, ASSOCIATION).capacity_providers).toEqual(["FARGATE", "FARGATE_SPOT", "test-cluster-general"]);
  });

  test("a second EC2 capacity leaves the first where it is", () => {
    const one = build({ cluster: { ec2Capacity: GENERAL_CAPACITY } });
    const two = build({ cluster: { ec2Capacity: { gpu: { instanceType: "g5.xlarge", maxSize: 2 }, ...GENERAL_CAPACITY } } });
    expectKept(one, two, [ASSOCIATION]);
    expect(added(one, two).every((a) => /\.Cluster_Ec2Capacity_gpu_/.test(a))).toBe(true);
  });

  test("auto scaling and a load balancer only add resources (and change the service in place)", () => {
    const after = build({ api: { loadBalancing: { create: { certificate: { certificateArn: CERTIFICATE_ARN } } }, autoScaling: { minCapacity: 2, maxCapacity: 4, targetCpuPercent: 60 } } });
    expectKept(before(), after, ["aws_ecs_service.Api_F70053CD"]);
  });

  test("toggling ciOwnsTaskDefinition changes no address, only the service's lifecycle", () => {
    const owned = build({ api: { ciOwnsTaskDefinition: true } });
    expect(addresses(owned)).toEqual(addresses(before()));
    expectKept(before(), owned, ["aws_ecs_service.Api_F70053CD"]);
    const { lifecycle: ownedLifecycle, ...ownedRest } = body(owned, "aws_ecs_service.Api_F70053CD");
    const { lifecycle: plainLifecycle, ...plainRest } = body(before(), "aws_ecs_service.Api_F70053CD");
    expect(ownedRest).toEqual(plainRest);
    expect(ownedLifecycle).toEqual({ ignore_changes: ["task_definition"] });
    expect(plainLifecycle).toBeUndefined();
  });

  test("enabling ECS Exec changes no address of the service's core resources", () => {
    const after = build({ api: { enableExecuteCommand: true } });
    expectKept(before(), after, ["aws_ecs_service.Api_F70053CD", "aws_ecs_task_definition.Api_TaskDefinition_09A15F65"]);
    expect(added(before(), after).map((a) => a.replace(/_[0-9A-F]{8}$/, ""))).toEqual(["aws_iam_role_policy.Api_TaskRole_Policy"]);
  });
});
