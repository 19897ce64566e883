// Services on the cluster's EC2 capacity: bridge networking with dynamic host ports, host
// networking, and awsvpc; the capacity provider strategy names EC2 capacity by key.
import type { SynthesizedStack } from "@platform/core";
import { ContainerImage, ServiceLoadBalancer, type EcsService, type EcsServiceProps } from "../src";
import {
  CERTIFICATE_ARN,
  GENERAL_CAPACITY,
  addService,
  at,
  bodyAt,
  containersOf,
  fixture,
  refAt,
  ruleShape,
  rulesOf,
  synth,
  type Fixture,
} from "./support";

const INSTANCES = "Cluster/Ec2Capacity/general/SecurityGroup";

function ec2Props(f: Fixture, overrides: Partial<EcsServiceProps> = {}): Partial<EcsServiceProps> {
  return {
    launch: "ec2",
    networkMode: "bridge",
    capacityProviderStrategy: [{ capacityProvider: "general" }],
    container: { image: ContainerImage.fromRepository(f.repository, "v1"), port: 8080 },
    loadBalancing: { create: { certificate: { certificateArn: CERTIFICATE_ARN } } },
    ...overrides,
  };
}

describe("bridge networking", () => {
  let out: SynthesizedStack;
  let service: EcsService;
  beforeAll(() => {
    const f = fixture({ cluster: { ec2Capacity: GENERAL_CAPACITY } });
    service = addService(f, "Api", ec2Props(f));
    out = synth(f.stack).out;
  });

  test("the task definition: EC2, bridge, the architecture of its capacity (m7g: ARM64) by default", () => {
    expect(bodyAt(out, "aws_ecs_task_definition", "Api/TaskDefinition")).toMatchObject({
      requires_compatibilities: ["EC2"],
      network_mode: "bridge",
      cpu: "512",
      memory: "1024",
      runtime_platform: { operating_system_family: "LINUX", cpu_architecture: "ARM64" },
    });
  });

  test("a dynamic host port (0)", () => {
    expect(containersOf(out, "Api")[0].portMappings).toEqual([{ containerPort: 8080, hostPort: 0, protocol: "tcp" }]);
  });

  test("the service: the EC2 capacity provider by name, no awsvpc network configuration", () => {
    const service = bodyAt(out, "aws_ecs_service", "Api");
    expect(service.capacity_provider_strategy).toEqual([{ capacity_provider: "test-cluster-general", base: 0, weight: 1 }]);
    expect(service.network_configuration).toBeUndefined();
    expect(service.load_balancer).toEqual([{ target_group_arn: refAt(out, "aws_lb_target_group", "Api/TargetGroup", "arn"), container_name: "app", container_port: 8080 }]);
  });

  test("the target group registers instances", () => {
    expect(bodyAt(out, "aws_lb_target_group", "Api/TargetGroup")).toMatchObject({ target_type: "instance", port: 8080, protocol: "HTTP" });
  });

  test("no security group of the service's own: the tasks use their instances'", () => {
    expect(() => at(out, "aws_security_group", "Api/SecurityGroup")).toThrow(/found 0/);
  });

  test("the instances admit the load balancer on the ephemeral ports 32768-65535, and the load balancer may reach them there", () => {
    const lbGroup = refAt(out, "aws_security_group", "Api/LoadBalancer/SecurityGroup");
    const instancesGroup = refAt(out, "aws_security_group", INSTANCES);
    expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", INSTANCES).map(ruleShape)).toEqual([
      { ip_protocol: "tcp", from_port: 32768, to_port: 65535, referenced_security_group_id: lbGroup },
    ]);
    expect(rulesOf(out, "aws_vpc_security_group_egress_rule", "Api/LoadBalancer/SecurityGroup").map(ruleShape)).toEqual([
      { ip_protocol: "tcp", from_port: 32768, to_port: 65535, referenced_security_group_id: instancesGroup },
    ]);
    expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", INSTANCES)[0].description).toBe("dynamic host ports of test-api");
  });

  test("the service has no connections of its own", () => {
    expect(service.connections).toBeUndefined();
  });
});

describe("host networking", () => {
  let out: SynthesizedStack;
  beforeAll(() => {
    const f = fixture({ cluster: { ec2Capacity: GENERAL_CAPACITY } });
    addService(f, "Api", ec2Props(f, { networkMode: "host" }));
    out = synth(f.stack).out;
  });

  test("host network mode with the container port on the host", () => {
    expect(bodyAt(out, "aws_ecs_task_definition", "Api/TaskDefinition").network_mode).toBe("host");
    expect(containersOf(out, "Api")[0].portMappings).toEqual([{ containerPort: 8080, hostPort: 8080, protocol: "tcp" }]);
    expect(bodyAt(out, "aws_lb_target_group", "Api/TargetGroup").target_type).toBe("instance");
  });

  test("the instances admit the load balancer on the container port only", () => {
    expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", INSTANCES).map(ruleShape)).toEqual([
      { ip_protocol: "tcp", from_port: 8080, to_port: 8080, referenced_security_group_id: refAt(out, "aws_security_group", "Api/LoadBalancer/SecurityGroup") },
    ]);
    expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", INSTANCES)[0].description).toBe("host port of test-api");
  });
});

describe("awsvpc on EC2", () => {
  let out: SynthesizedStack;
  beforeAll(() => {
    const f = fixture({ cluster: { ec2Capacity: GENERAL_CAPACITY } });
    addService(f, "Api", ec2Props(f, { networkMode: undefined, cpuArchitecture: "ARM64" }));
    out = synth(f.stack).out;
  });

  test("EC2 with awsvpc: the service's own security group in the private subnets, IP targets", () => {
    expect(bodyAt(out, "aws_ecs_task_definition", "Api/TaskDefinition")).toMatchObject({
      requires_compatibilities: ["EC2"],
      network_mode: "awsvpc",
      runtime_platform: { operating_system_family: "LINUX", cpu_architecture: "ARM64" },
    });
    expect((bodyAt(out, "aws_ecs_service", "Api").network_configuration as { security_groups: string[] }).security_groups).toEqual([
      refAt(out, "aws_security_group", "Api/SecurityGroup"),
    ]);
    expect(bodyAt(out, "aws_lb_target_group", "Api/TargetGroup").target_type).toBe("ip");
    expect(containersOf(out, "Api")[0].portMappings).toEqual([{ containerPort: 8080, hostPort: 8080, protocol: "tcp" }]);
  });

  test("the instances' group stays closed", () => {
    expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", INSTANCES)).toEqual([]);
  });
});

describe("strategies", () => {
  test("EC2 capacity by key or by provider name, with base and weight", () => {
    const f = fixture({ cluster: { ec2Capacity: { general: { instanceType: "m7g.large", maxSize: 4 }, spot: { instanceType: "m7g.large", maxSize: 8, spot: true } } } });
    addService(f, "Api", ec2Props(f, { capacityProviderStrategy: [{ capacityProvider: "general", base: 2 }, { capacityProvider: "test-cluster-spot", weight: 4 }], loadBalancing: undefined }));
    expect(bodyAt(synth(f.stack).out, "aws_ecs_service", "Api").capacity_provider_strategy).toEqual([
      { capacity_provider: "test-cluster-general", base: 2, weight: 1 },
      { capacity_provider: "test-cluster-spot", base: 0, weight: 4 },
    ]);
  });

  test("bridge without a load balancer opens nothing", () => {
    const f = fixture({ cluster: { ec2Capacity: GENERAL_CAPACITY } });
    addService(f, "Worker", ec2Props(f, { loadBalancing: undefined, container: { image: ContainerImage.fromRepository(f.repository, "v1") } }));
    expect(rulesOf(synth(f.stack).out, "aws_vpc_security_group_ingress_rule", INSTANCES)).toEqual([]);
  });

  test("two bridge services behind one shared listener share the instances' rule", () => {
    const f = fixture({ cluster: { ec2Capacity: GENERAL_CAPACITY } });
    const shared = new ServiceLoadBalancer(f.stack, "Shared", { vpc: f.vpc, certificate: { certificateArn: CERTIFICATE_ARN } });
    addService(f, "Api", ec2Props(f, { loadBalancing: { listener: shared, priority: 10, pathPatterns: ["/api/*"] } }));
    addService(f, "Web", ec2Props(f, { loadBalancing: { listener: shared, priority: 20 } }));
    const out = synth(f.stack).out;
    expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", INSTANCES).map(ruleShape)).toEqual([
      { ip_protocol: "tcp", from_port: 32768, to_port: 65535, referenced_security_group_id: refAt(out, "aws_security_group", "Shared/SecurityGroup") },
    ]);
    expect(rulesOf(out, "aws_vpc_security_group_egress_rule", "Shared/SecurityGroup")).toHaveLength(1);
    expect(bodyAt(out, "aws_lb_target_group", "Api/TargetGroup").target_type).toBe("instance");
    expect(bodyAt(out, "aws_lb_target_group", "Web/TargetGroup").target_type).toBe("instance");
  });

  test("bridge services behind two load balancers get a rule each", () => {
    const f = fixture({ cluster: { ec2Capacity: GENERAL_CAPACITY } });
    addService(f, "Api", ec2Props(f));
    addService(f, "Web", ec2Props(f));
    const out = synth(f.stack).out;
    expect(rulesOf(out, "aws_vpc_security_group_ingress_rule", INSTANCES).map((r) => r.referenced_security_group_id)).toEqual([
      refAt(out, "aws_security_group", "Api/LoadBalancer/SecurityGroup"),
      refAt(out, "aws_security_group", "Web/LoadBalancer/SecurityGroup"),
    ]);
  });
});
