// CodeDeploy blue/green deployments (`deployment: { type: "blue-green" }`): a second target
// group, a test listener, the CodeDeploy application, role and deployment group, and a service
// whose task definition and load balancer CodeDeploy owns.
import type { SynthesizedStack } from "@platform/core";
import type { DeploymentOptions, EcsServiceProps } from "../src";
import { CERTIFICATE_ARN, addService, bodyAt, count, fixture, policyOf, refAt, ruleShape, rulesOf, synth } from "./support";

function synthBlueGreen(deployment: Partial<Extract<DeploymentOptions, { type: "blue-green" }>> = {}, overrides: Partial<EcsServiceProps> = {}): SynthesizedStack {
  const f = fixture();
  addService(f, "Api", { deployment: { type: "blue-green", ...deployment }, loadBalancing: { create: { certificate: { certificateArn: CERTIFICATE_ARN } } }, ...overrides });
  return synth(f.stack).out;
}

describe("defaults", () => {
  let out: SynthesizedStack;
  beforeAll(() => {
    out = synthBlueGreen({}, { rollbackAlarmNames: ["payments-5xx"] });
  });

  test("the service: the CODE_DEPLOY controller, no circuit breaker or alarms of its own, task definition and load balancer left to CodeDeploy", () => {
    const service = bodyAt(out, "aws_ecs_service", "Api");
    expect(service.deployment_controller).toEqual({ type: "CODE_DEPLOY" });
    expect(service.deployment_circuit_breaker).toBeUndefined();
    expect(service.alarms).toBeUndefined();
    expect(service.lifecycle).toEqual({ ignore_changes: ["task_definition", "load_balancer"] });
    expect(service.load_balancer).toEqual([{ target_group_arn: refAt(out, "aws_lb_target_group", "Api/TargetGroup", "arn"), container_name: "app", container_port: 8080 }]);
  });

  test("a green target group like the blue one", () => {
    const { tags: blueTags, ...blue } = bodyAt(out, "aws_lb_target_group", "Api/TargetGroup");
    const { tags: greenTags, ...green } = bodyAt(out, "aws_lb_target_group", "Api/TargetGroupGreen");
    expect(green).toEqual(blue);
    expect(greenTags).toEqual(blueTags);
  });

  test("the production rule's action is CodeDeploy's to swap", () => {
    expect(bodyAt(out, "aws_lb_listener_rule", "Api/ListenerRule").lifecycle).toEqual({ ignore_changes: ["action"] });
  });

  test("a test listener on 9443 with the production certificate and policy, forwarding to green", () => {
    expect(bodyAt(out, "aws_lb_listener", "Api/BlueGreen/TestListener")).toEqual({
      load_balancer_arn: refAt(out, "aws_lb", "Api/LoadBalancer", "arn"),
      port: 9443,
      protocol: "HTTPS",
      ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificate_arn: CERTIFICATE_ARN,
      default_action: [{ type: "forward", target_group_arn: refAt(out, "aws_lb_target_group", "Api/TargetGroupGreen", "arn") }],
      tags: { Name: "test-api" },
      lifecycle: { ignore_changes: ["default_action"] },
    });
  });

  test("the load balancer admits test traffic on 9443 from the VPC's range", () => {
    expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", "Api/LoadBalancer/SecurityGroup").map(ruleShape)).toContainEqual({
      ip_protocol: "tcp",
      from_port: 9443,
      to_port: 9443,
      cidr_ipv4: "10.0.0.0/16",
    });
  });

  test("the CodeDeploy application and its role", () => {
    expect(bodyAt(out, "aws_codedeploy_app", "Api/BlueGreen/Application")).toEqual({ name: "test-api", compute_platform: "ECS", tags: { Name: "test-api" } });
    const role = bodyAt(out, "aws_iam_role", "Api/BlueGreen/Role");
    expect(role.name).toBe("test-api-codedeploy");
    expect(policyOf(role, "assume_role_policy").Statement).toEqual([{ Effect: "Allow", Principal: { Service: "codedeploy.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    expect(bodyAt(out, "aws_iam_role_policy_attachment", "Api/BlueGreen/Role/ManagedPolicy0").policy_arn).toBe("arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS");
  });

  test("the deployment group: all at once, both target groups, production and test listeners, rollback on failure and alarms", () => {
    expect(bodyAt(out, "aws_codedeploy_deployment_group", "Api/BlueGreen/DeploymentGroup")).toEqual({
      app_name: refAt(out, "aws_codedeploy_app", "Api/BlueGreen/Application", "name"),
      deployment_group_name: "test-api",
      service_role_arn: refAt(out, "aws_iam_role", "Api/BlueGreen/Role", "arn"),
      deployment_config_name: "CodeDeployDefault.ECSAllAtOnce",
      deployment_style: { deployment_option: "WITH_TRAFFIC_CONTROL", deployment_type: "BLUE_GREEN" },
      blue_green_deployment_config: {
        deployment_ready_option: { action_on_timeout: "CONTINUE_DEPLOYMENT" },
        terminate_blue_instances_on_deployment_success: { action: "TERMINATE", termination_wait_time_in_minutes: 5 },
      },
      ecs_service: { cluster_name: refAt(out, "aws_ecs_cluster_capacity_providers", "Cluster/CapacityProviders", "cluster_name"), service_name: refAt(out, "aws_ecs_service", "Api", "name") },
      load_balancer_info: {
        target_group_pair_info: {
          prod_traffic_route: { listener_arns: [refAt(out, "aws_lb_listener", "Api/LoadBalancer/Https", "arn")] },
          test_traffic_route: { listener_arns: [refAt(out, "aws_lb_listener", "Api/BlueGreen/TestListener", "arn")] },
          target_group: [{ name: refAt(out, "aws_lb_target_group", "Api/TargetGroup", "name") }, { name: refAt(out, "aws_lb_target_group", "Api/TargetGroupGreen", "name") }],
        },
      },
      auto_rollback_configuration: { enabled: true, events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"] },
      alarm_configuration: { enabled: true, alarms: ["payments-5xx"] },
      tags: { Name: "test-api" },
    });
  });
});

describe("options", () => {
  test.each([
    ["all-at-once", "CodeDeployDefault.ECSAllAtOnce"],
    ["canary-10-5", "CodeDeployDefault.ECSCanary10Percent5Minutes"],
    ["canary-10-15", "CodeDeployDefault.ECSCanary10Percent15Minutes"],
    ["linear-10-1", "CodeDeployDefault.ECSLinear10PercentEvery1Minutes"],
    ["linear-10-3", "CodeDeployDefault.ECSLinear10PercentEvery3Minutes"],
  ] as const)("trafficShift %s", (trafficShift, config) => {
    expect(bodyAt(synthBlueGreen({ trafficShift }), "aws_codedeploy_deployment_group", "Api/BlueGreen/DeploymentGroup").deployment_config_name).toBe(config);
  });

  test("testListenerPort and terminationWaitMinutes", () => {
    const out = synthBlueGreen({ testListenerPort: 8443, terminationWaitMinutes: 60 });
    expect(bodyAt(out, "aws_lb_listener", "Api/BlueGreen/TestListener").port).toBe(8443);
    expect(
      (bodyAt(out, "aws_codedeploy_deployment_group", "Api/BlueGreen/DeploymentGroup").blue_green_deployment_config as Record<string, unknown>).terminate_blue_instances_on_deployment_success,
    ).toEqual({ action: "TERMINATE", termination_wait_time_in_minutes: 60 });
    expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", "Api/LoadBalancer/SecurityGroup").map((r) => r.from_port)).toEqual([443, 80, 8443]);
  });

  test("without rollback alarms the deployment group has no alarm configuration", () => {
    expect(bodyAt(synthBlueGreen(), "aws_codedeploy_deployment_group", "Api/BlueGreen/DeploymentGroup").alarm_configuration).toBeUndefined();
  });

  test("ciOwnsTaskDefinition: true is allowed (CodeDeploy owns it anyway)", () => {
    expect(bodyAt(synthBlueGreen({}, { ciOwnsTaskDefinition: true }), "aws_ecs_service", "Api").lifecycle).toEqual({ ignore_changes: ["task_definition", "load_balancer"] });
  });

  test("blueGreen: the application, deployment group and test listener", () => {
    const f = fixture();
    const service = addService(f, "Api", { deployment: { type: "blue-green" }, loadBalancing: { create: { certificate: { certificateArn: CERTIFICATE_ARN } } } });
    const { out, outputs } = synth(f.stack, {
      app: service.blueGreen!.applicationName,
      group: service.blueGreen!.deploymentGroupName,
      listener: service.blueGreen!.testListenerArn,
    });
    expect(outputs).toEqual({
      app: refAt(out, "aws_codedeploy_app", "Api/BlueGreen/Application", "name"),
      group: refAt(out, "aws_codedeploy_deployment_group", "Api/BlueGreen/DeploymentGroup", "deployment_group_name"),
      listener: refAt(out, "aws_lb_listener", "Api/BlueGreen/TestListener", "arn"),
    });
  });

  test("rolling (the default) creates none of it", () => {
    const f = fixture();
    addService(f, "Api", { deployment: { type: "rolling" }, loadBalancing: { create: { certificate: { certificateArn: CERTIFICATE_ARN } } } });
    const out = synth(f.stack).out;
    expect(count(out, "aws_codedeploy_app")).toBe(0);
    expect(count(out, "aws_codedeploy_deployment_group")).toBe(0);
    expect(count(out, "aws_lb_target_group")).toBe(1);
    expect(bodyAt(out, "aws_ecs_service", "Api").deployment_controller).toEqual({ type: "ECS" });
  });
});
