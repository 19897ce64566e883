// Service auto scaling: the scalable target, target tracking on CPU, memory and requests per
// target, step scaling with its alarm, and scheduled capacity.
import type { SynthesizedStack } from "@platform/core";
import { ServiceLoadBalancer, type AutoScalingOptions, type EcsServiceProps } from "../src";
import { CERTIFICATE_ARN, addService, at, bodyAt, count, fixture, refAt, synth, type Resource } from "./support";

function synthScaled(autoScaling: AutoScalingOptions, overrides: Partial<EcsServiceProps> = {}): SynthesizedStack {
  const f = fixture();
  addService(f, "Api", { autoScaling, ...overrides });
  return synth(f.stack).out;
}

const WITH_LB: Partial<EcsServiceProps> = { loadBalancing: { create: { certificate: { certificateArn: CERTIFICATE_ARN } } } };

/** The references that identify the scalable target in a policy or scheduled action. */
function targetRefs(out: SynthesizedStack): Resource {
  const target = (attribute: string) => refAt(out, "aws_appautoscaling_target", "Api/AutoScaling/Target", attribute);
  return { service_namespace: target("service_namespace"), scalable_dimension: target("scalable_dimension"), resource_id: target("resource_id") };
}

/** `${aws_ecs_service.Api_xxx.name}`. */
function serviceNameRef(out: SynthesizedStack): string {
  return refAt(out, "aws_ecs_service", "Api", "name");
}

describe("everything at once", () => {
  let out: SynthesizedStack;
  beforeAll(() => {
    out = synthScaled(
      {
        minCapacity: 2,
        maxCapacity: 20,
        targetCpuPercent: 60,
        targetMemoryPercent: 75,
        requestsPerTarget: 500,
        step: { metric: "CPUUtilization", scaleOutAbove: 85 },
        schedules: {
          "office-hours": { schedule: "cron(0 7 ? * MON-FRI *)", timezone: "Europe/Amsterdam", minCapacity: 6 },
          night: { schedule: "cron(0 20 * * ? *)", minCapacity: 2, maxCapacity: 10 },
        },
      },
      WITH_LB,
    );
  });

  test("the scalable target: the service's desired count between min and max", () => {
    const clusterName = refAt(out, "aws_ecs_cluster_capacity_providers", "Cluster/CapacityProviders", "cluster_name");
    expect(bodyAt(out, "aws_appautoscaling_target", "Api/AutoScaling/Target")).toEqual({
      service_namespace: "ecs",
      scalable_dimension: "ecs:service:DesiredCount",
      resource_id: `service/${clusterName}/${serviceNameRef(out)}`,
      min_capacity: 2,
      max_capacity: 20,
    });
  });

  test("the target names the service by reference, so Terraform registers it after the service exists", () => {
    expect(bodyAt(out, "aws_appautoscaling_target", "Api/AutoScaling/Target").resource_id).toContain(serviceNameRef(out));
  });

  test("target tracking on CPU", () => {
    expect(bodyAt(out, "aws_appautoscaling_policy", "Api/AutoScaling/Cpu")).toEqual({
      name: `${serviceNameRef(out)}-cpu`,
      policy_type: "TargetTrackingScaling",
      ...targetRefs(out),
      target_tracking_scaling_policy_configuration: {
        target_value: 60,
        scale_in_cooldown: 300,
        scale_out_cooldown: 60,
        predefined_metric_specification: { predefined_metric_type: "ECSServiceAverageCPUUtilization" },
      },
    });
  });

  test("target tracking on memory", () => {
    const policy = bodyAt(out, "aws_appautoscaling_policy", "Api/AutoScaling/Memory");
    expect(policy.name).toBe(`${serviceNameRef(out)}-memory`);
    expect(policy.target_tracking_scaling_policy_configuration).toEqual({
      target_value: 75,
      scale_in_cooldown: 300,
      scale_out_cooldown: 60,
      predefined_metric_specification: { predefined_metric_type: "ECSServiceAverageMemoryUtilization" },
    });
  });

  test("target tracking on requests per target: the resource label is <load balancer ARN suffix>/<target group ARN suffix>", () => {
    const policy = bodyAt(out, "aws_appautoscaling_policy", "Api/AutoScaling/Requests");
    expect(policy.name).toBe(`${serviceNameRef(out)}-requests`);
    expect(policy.target_tracking_scaling_policy_configuration).toEqual({
      target_value: 500,
      scale_in_cooldown: 300,
      scale_out_cooldown: 60,
      predefined_metric_specification: {
        predefined_metric_type: "ALBRequestCountPerTarget",
        resource_label: `${refAt(out, "aws_lb", "Api/LoadBalancer", "arn_suffix")}/${refAt(out, "aws_lb_target_group", "Api/TargetGroup", "arn_suffix")}`,
      },
    });
  });

  test("step scaling: add 2 tasks whenever the alarm fires", () => {
    expect(bodyAt(out, "aws_appautoscaling_policy", "Api/AutoScaling/Step")).toEqual({
      name: `${serviceNameRef(out)}-step`,
      policy_type: "StepScaling",
      ...targetRefs(out),
      step_scaling_policy_configuration: {
        adjustment_type: "ChangeInCapacity",
        cooldown: 60,
        metric_aggregation_type: "Average",
        step_adjustment: [{ metric_interval_lower_bound: "0", scaling_adjustment: 2 }],
      },
    });
  });

  test("the step alarm: the service's average metric above the threshold for two minutes", () => {
    expect(bodyAt(out, "aws_cloudwatch_metric_alarm", "Api/AutoScaling/StepAlarm")).toEqual({
      alarm_name: `${serviceNameRef(out)}-cpuutilization-high`,
      namespace: "AWS/ECS",
      metric_name: "CPUUtilization",
      dimensions: { ClusterName: refAt(out, "aws_ecs_cluster_capacity_providers", "Cluster/CapacityProviders", "cluster_name"), ServiceName: serviceNameRef(out) },
      statistic: "Average",
      period: 60,
      evaluation_periods: 2,
      threshold: 85,
      comparison_operator: "GreaterThanThreshold",
      alarm_actions: [refAt(out, "aws_appautoscaling_policy", "Api/AutoScaling/Step", "arn")],
    });
  });

  test("scheduled capacity: capacities as strings, the timezone given or UTC", () => {
    expect(bodyAt(out, "aws_appautoscaling_scheduled_action", "Api/AutoScaling/Schedule-office-hours")).toEqual({
      name: `${serviceNameRef(out)}-office-hours`,
      ...targetRefs(out),
      schedule: "cron(0 7 ? * MON-FRI *)",
      timezone: "Europe/Amsterdam",
      scalable_target_action: { min_capacity: "6" },
    });
    expect(bodyAt(out, "aws_appautoscaling_scheduled_action", "Api/AutoScaling/Schedule-night")).toMatchObject({
      schedule: "cron(0 20 * * ? *)",
      timezone: "UTC",
      scalable_target_action: { min_capacity: "2", max_capacity: "10" },
    });
  });

  test("the service's desired count is Terraform's only at creation", () => {
    expect(bodyAt(out, "aws_ecs_service", "Api").lifecycle).toEqual({ ignore_changes: ["desired_count"] });
  });
});

describe("one policy at a time", () => {
  test("CPU only: one target, one policy, nothing else", () => {
    const out = synthScaled({ minCapacity: 1, maxCapacity: 4, targetCpuPercent: 50 });
    expect(count(out, "aws_appautoscaling_target")).toBe(1);
    expect(count(out, "aws_appautoscaling_policy")).toBe(1);
    expect(count(out, "aws_cloudwatch_metric_alarm")).toBe(0);
    expect(count(out, "aws_appautoscaling_scheduled_action")).toBe(0);
  });

  test("step on memory, adding 3 tasks", () => {
    const out = synthScaled({ minCapacity: 1, maxCapacity: 4, step: { metric: "MemoryUtilization", scaleOutAbove: 70, scaleOutBy: 3 } });
    const policy = bodyAt(out, "aws_appautoscaling_policy", "Api/AutoScaling/Step");
    expect((policy.step_scaling_policy_configuration as Resource).step_adjustment).toEqual([{ metric_interval_lower_bound: "0", scaling_adjustment: 3 }]);
    expect(bodyAt(out, "aws_cloudwatch_metric_alarm", "Api/AutoScaling/StepAlarm")).toMatchObject({
      alarm_name: `${serviceNameRef(out)}-memoryutilization-high`,
      metric_name: "MemoryUtilization",
      threshold: 70,
    });
  });

  test("schedules only, with a maxCapacity alone", () => {
    const out = synthScaled({ minCapacity: 0, maxCapacity: 4, schedules: { weekend: { schedule: "cron(0 0 ? * SAT *)", maxCapacity: 0 } } });
    expect(count(out, "aws_appautoscaling_policy")).toBe(0);
    expect(bodyAt(out, "aws_appautoscaling_scheduled_action", "Api/AutoScaling/Schedule-weekend").scalable_target_action).toEqual({ max_capacity: "0" });
  });

  test("requests per target behind a shared listener use the shared load balancer's ARN suffix", () => {
    const f = fixture();
    const shared = new ServiceLoadBalancer(f.stack, "Shared", { vpc: f.vpc, certificate: { certificateArn: CERTIFICATE_ARN } });
    addService(f, "Api", { loadBalancing: { listener: shared, priority: 5 }, autoScaling: { minCapacity: 2, maxCapacity: 8, requestsPerTarget: 200 } });
    const out = synth(f.stack).out;
    const spec = (bodyAt(out, "aws_appautoscaling_policy", "Api/AutoScaling/Requests").target_tracking_scaling_policy_configuration as Resource)
      .predefined_metric_specification as Resource;
    expect(spec.resource_label).toBe(`${refAt(out, "aws_lb", "Shared", "arn_suffix")}/${refAt(out, "aws_lb_target_group", "Api/TargetGroup", "arn_suffix")}`);
  });

  test("no autoScaling: nothing of it", () => {
    const f = fixture();
    addService(f);
    const out = synth(f.stack).out;
    for (const type of ["aws_appautoscaling_target", "aws_appautoscaling_policy", "aws_appautoscaling_scheduled_action", "aws_cloudwatch_metric_alarm"]) {
      expect({ type, count: count(out, type) }).toEqual({ type, count: 0 });
    }
    expect(() => at(out, "aws_appautoscaling_target", "Api/AutoScaling/Target")).toThrow(/found 0/);
  });
});
