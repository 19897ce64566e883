import { Testing, TerraformStack, type App } from "cdktf";
import { testEnvironmentConfig, type EnvironmentConfig, type SynthesizedStack } from "@platform/core";
import { EcsService } from "@platform/ecs";
import { EcsStack, buildEnvironment, type EnvironmentStacks } from "../src";

const ACCOUNT = "123456789012";
const OTHER_ACCOUNT = "111122223333";
const ZONE = "Z0123456789ABCDEF";
const SECRET_ARN = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:test/api/db-AbCdEf`;
const PARAMETER_ARN = `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/test/api/token`;
const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const NGINX = "public.ecr.aws/nginx/nginx:1.27";
const PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];
const AUTH_TOKEN = { Sid: "EcrAuthorizationToken", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] };
const NETWORK_STATE = "data.terraform_remote_state.cross-stack-reference-input-test-network";
const REGISTRY_STATE = "data.terraform_remote_state.cross-stack-reference-input-test-registry";

type ServiceInput = NonNullable<EnvironmentConfig["services"]>[string];
type Resource = Record<string, unknown>;
type Statement = Record<string, unknown>;

const ECR: EnvironmentConfig["ecr"] = { repositories: { app: {}, "team/web": {} } };
const EC2_CAPACITY: EnvironmentConfig["ecs"] = { ec2Capacity: { general: { instanceType: "m7g.large", maxSize: 4 } } };
const FARGATE: ServiceInput = { runtime: "ecs-fargate", image: { repository: "app", tag: "1.0.0" }, cpu: 256, memoryMiB: 512 };
const EC2: ServiceInput = { runtime: "ecs-ec2", ec2Capacity: "general", image: { reference: NGINX }, cpu: 256, memoryMiB: 512 };
const EKS: ServiceInput = { runtime: "eks", image: { repository: "app", tag: "1.0.0" }, cpu: 256, memoryMiB: 512 };
/** A cluster for the EKS services beside the ECS ones. */
const EKS_CLUSTER: EnvironmentConfig["eks"] = { version: "1.32", nodeGroups: { system: { instanceTypes: ["t4g.large"], minSize: 1, maxSize: 3 } } };
const PUBLIC = { port: 8080, exposure: "public", domain: { name: "api.example.com", hostedZoneId: ZONE } } as const;

/** Every stack of an environment (with the registry and EC2 capacity) in one app. */
function environment(services: Record<string, ServiceInput>, overrides: Partial<EnvironmentConfig> = {}): { app: App; stacks: EnvironmentStacks; ecs: EcsStack } {
  const app = Testing.app();
  const stacks = buildEnvironment(app, testEnvironmentConfig({ ecr: ECR, ecs: EC2_CAPACITY, eks: EKS_CLUSTER, services, ...overrides }));
  expect(stacks.ecs).toBeInstanceOf(EcsStack);
  return { app, stacks, ecs: stacks.ecs! };
}

/** Prepares every stack of the app as `app.synth()` does (cross-stack references resolved), then synthesizes one. */
function prepareAndSynth(app: App, stack: TerraformStack): SynthesizedStack {
  app.node.findAll().filter(TerraformStack.isStack).forEach((s) => s.prepareStack());
  return JSON.parse(Testing.synth(stack, true)) as SynthesizedStack;
}

/** The synthesized ECS stack of an environment with these services. */
function ecsOut(services: Record<string, ServiceInput>, overrides: Partial<EnvironmentConfig> = {}): SynthesizedStack {
  const { app, ecs } = environment(services, overrides);
  return prepareAndSynth(app, ecs);
}

function resources(out: SynthesizedStack, type: string): Record<string, Resource> {
  return out.resource?.[type] ?? {};
}

/** The one resource of a type whose Terraform name starts with the construct path `prefix` (`_`-joined). */
function resource(out: SynthesizedStack, type: string, prefix: string): Resource {
  const matches = Object.entries(resources(out, type)).filter(([name]) => name.startsWith(`${prefix}_`));
  expect(matches.map(([name]) => name)).toHaveLength(1);
  return matches[0][1];
}

/** The Terraform name of the one resource of a type under a construct path prefix. */
function resourceKey(out: SynthesizedStack, type: string, prefix: string): string {
  const matches = Object.keys(resources(out, type)).filter((name) => name.startsWith(`${prefix}_`));
  expect(matches).toHaveLength(1);
  return matches[0];
}

/** Every resource of the stack as `type.name` → body, optionally only those under a construct path prefix. */
function addresses(out: SynthesizedStack, prefix = ""): Record<string, Resource> {
  const all: Record<string, Resource> = {};
  for (const [type, byName] of Object.entries(out.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) if (name.startsWith(prefix)) all[`${type}.${name}`] = body;
  }
  return all;
}

const service = (out: SynthesizedStack, name: string) => resource(out, "aws_ecs_service", `Services_${name}_Service`);
const taskDefinition = (out: SynthesizedStack, name: string) => resource(out, "aws_ecs_task_definition", `Services_${name}_Service_TaskDefinition`);
/** The one container of a service's task definition. */
function container(out: SynthesizedStack, name: string): Record<string, unknown> {
  const definitions = JSON.parse(taskDefinition(out, name).container_definitions as string) as Record<string, unknown>[];
  expect(definitions).toHaveLength(1);
  return definitions[0];
}
/** The statements of a role's inline policy (`ExecutionRole`, `TaskRole`) of a service. */
function policyOf(out: SynthesizedStack, name: string, role: string): Statement[] {
  const document = JSON.parse(resource(out, "aws_iam_role_policy", `Services_${name}_Service_${role}_Policy`).policy as string) as { Version: string; Statement: Statement[] };
  expect(document.Version).toBe("2012-10-17");
  return document.Statement;
}
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A reference to an output of the registry stack: an attribute of one of its repositories. */
const registryOutput = (repositoryPath: string, attribute: string) =>
  new RegExp(`^\\$\\{${escape(REGISTRY_STATE)}\\.outputs\\.cross-stack-output-aws_ecr_repository${escape(repositoryPath)}_[0-9A-F]{8}${attribute}\\}`);

describe("buildEnvironment and the ECS stack", () => {
  test("adds no <env>-ecs stack without ECS services or an ecs section", () => {
    const app = Testing.app();
    expect(buildEnvironment(app, testEnvironmentConfig()).ecs).toBeUndefined();
    const withEks = Testing.app();
    expect(buildEnvironment(withEks, testEnvironmentConfig({ ecr: ECR, eks: EKS_CLUSTER, services: { api: EKS, web: EKS } })).ecs).toBeUndefined();
    expect(withEks.node.findAll().filter(TerraformStack.isStack).map((s) => s.node.id)).toEqual(["test-network", "test-registry", "test-eks", "test-eks-addons", "test-eks-workloads"]);
  });

  test.each<[string, Partial<EnvironmentConfig>]>([
    ["a Fargate service", { ecr: ECR, services: { api: FARGATE } }],
    ["an EC2 service", { ecs: EC2_CAPACITY, services: { web: EC2 } }],
    ["an ECS service beside an EKS service", { ecr: ECR, eks: EKS_CLUSTER, services: { api: FARGATE, kube: EKS } }],
    ["an ecs section and no services", { ecs: {} }],
  ])("adds <env>-ecs for %s", (_what, overrides) => {
    const app = Testing.app();
    const stacks = buildEnvironment(app, testEnvironmentConfig({ name: "qa", ...overrides }));
    expect(stacks.ecs).toBeInstanceOf(EcsStack);
    expect(stacks.ecs!.node.id).toBe("qa-ecs");
    expect(app.node.findAll().filter(TerraformStack.isStack).map((s) => s.node.id)).toContain("qa-ecs");
  });

  test("with an ecs section and no services it holds the cluster only, and an empty service_names output", () => {
    const app = Testing.app();
    const { ecs } = buildEnvironment(app, testEnvironmentConfig({ ecs: { containerInsights: "enhanced" } }));
    expect(ecs!.services).toEqual({});
    const out = prepareAndSynth(app, ecs!);
    expect(resources(out, "aws_ecs_service")).toEqual({});
    expect(Object.values(resources(out, "aws_ecs_cluster"))).toEqual([expect.objectContaining({ name: "test-cluster", setting: [{ name: "containerInsights", value: "enhanced" }] })]);
    expect(out.output?.service_names).toEqual({ value: {}, description: "ECS service names by service" });
  });

  test("passes the ecs section to the cluster: Fargate Spot, EC2 capacity and exec log retention", () => {
    const out = ecsOut({}, { ecs: { fargateSpot: false, execLogRetentionDays: 30, ec2Capacity: { general: { instanceType: "m7g.large", minSize: 1, maxSize: 4 } } } });
    expect(Object.values(resources(out, "aws_ecs_cluster_capacity_providers"))).toEqual([expect.objectContaining({ capacity_providers: ["FARGATE", "test-cluster-general"] })]);
    expect(resource(out, "aws_ecs_capacity_provider", "Cluster_Ec2Capacity_general")).toMatchObject({ name: "test-cluster-general" });
    expect(resource(out, "aws_autoscaling_group", "Cluster_Ec2Capacity_general_AutoScalingGroup")).toMatchObject({ min_size: 1, max_size: 4 });
    expect(resource(out, "aws_cloudwatch_log_group", "Cluster_ExecLogs")).toMatchObject({ name: "/aws/ecs/test-cluster/exec", retention_in_days: 30 });
  });
});

describe("EcsStack services", () => {
  test("one EcsService per ecs-fargate or ecs-ec2 service, at Services/<name>/Service, named <env>-<name>; an eks service creates nothing here", () => {
    const { app, ecs } = environment({ api: FARGATE, web: EC2, kube: EKS });
    expect(Object.keys(ecs.services)).toEqual(["api", "web"]);
    for (const name of ["api", "web"]) {
      expect(ecs.services[name]).toBeInstanceOf(EcsService);
      expect(ecs.services[name].node.path).toBe(`test-ecs/Services/${name}/Service`);
    }
    expect(ecs.node.findChild("Services").node.tryFindChild("kube")).toBeUndefined();

    const out = prepareAndSynth(app, ecs);
    expect(Object.values(resources(out, "aws_ecs_service")).map((s) => s.name)).toEqual(["test-api", "test-web"]);
    expect(service(out, "api").name).toBe("test-api");
    expect(service(out, "web").name).toBe("test-web");
    expect(taskDefinition(out, "api").family).toBe("test-api");
    expect(Object.keys(addresses(out)).filter((address) => /kube/i.test(address))).toEqual([]);
  });

  test("service names carry the environment's name", () => {
    const { app, ecs } = environment({ "orders-api": FARGATE }, { name: "qa" });
    expect(ecs.node.id).toBe("qa-ecs");
    const out = prepareAndSynth(app, ecs);
    expect(service(out, "orders-api").name).toBe("qa-orders-api");
  });

  test("Fargate: a FARGATE task in awsvpc on ARM64, private subnets of the network stack without public IPs, the cluster's default strategy", () => {
    const out = ecsOut({ api: FARGATE });
    expect(taskDefinition(out, "api")).toMatchObject({
      family: "test-api",
      requires_compatibilities: ["FARGATE"],
      network_mode: "awsvpc",
      cpu: "256",
      memory: "512",
      runtime_platform: { operating_system_family: "LINUX", cpu_architecture: "ARM64" },
    });
    const api = service(out, "api");
    expect(api.capacity_provider_strategy).toBeUndefined();
    expect(api.cluster).toBe(`\${aws_ecs_cluster.${resourceKey(out, "aws_ecs_cluster", "Cluster")}.arn}`);
    expect(api.network_configuration).toEqual({
      assign_public_ip: false,
      security_groups: [`\${aws_security_group.${resourceKey(out, "aws_security_group", "Services_api_Service_SecurityGroup")}.id}`],
      subnets: [
        expect.stringMatching(new RegExp(`^\\$\\{${escape(NETWORK_STATE)}\\.outputs\\.cross-stack-output-aws_subnetVpc_Subnets_private-eu-west-1a_Subnet_[0-9A-F]{8}id\\}$`)),
        expect.stringMatching(new RegExp(`^\\$\\{${escape(NETWORK_STATE)}\\.outputs\\.cross-stack-output-aws_subnetVpc_Subnets_private-eu-west-1b_Subnet_[0-9A-F]{8}id\\}$`)),
      ],
    });
  });

  test("EC2: the capacity provider <cluster>-<key> as the strategy, an EC2 task on its capacity's architecture (m7g: ARM64), and the bridge network mode passed through", () => {
    const { app, ecs } = environment({ web: { ...EC2, networkMode: "bridge", port: 80 } }, { name: "qa" });
    const out = prepareAndSynth(app, ecs);
    const web = service(out, "web");
    expect(web.capacity_provider_strategy).toEqual([{ capacity_provider: "qa-cluster-general", base: 0, weight: 1 }]);
    expect(web.network_configuration).toBeUndefined();
    expect(taskDefinition(out, "web")).toMatchObject({ requires_compatibilities: ["EC2"], network_mode: "bridge", runtime_platform: { operating_system_family: "LINUX", cpu_architecture: "ARM64" } });
    expect(container(out, "web").portMappings).toEqual([{ containerPort: 80, hostPort: 0, protocol: "tcp" }]);
    // Bridge tasks use their instances' security group: the service has none of its own.
    expect(Object.keys(resources(out, "aws_security_group")).filter((name) => name.startsWith("Services_web_Service_SecurityGroup_"))).toEqual([]);
  });

  test("EC2 without a network mode runs in awsvpc, with its own security group", () => {
    const out = ecsOut({ web: EC2 });
    expect(taskDefinition(out, "web").network_mode).toBe("awsvpc");
    expect(service(out, "web").capacity_provider_strategy).toEqual([{ capacity_provider: "test-cluster-general", base: 0, weight: 1 }]);
    expect(service(out, "web").network_configuration).toMatchObject({ assign_public_ip: false });
    expect(resourceKey(out, "aws_security_group", "Services_web_Service_SecurityGroup")).toMatch(/^Services_web_Service_SecurityGroup_[0-9A-F]{8}$/);
  });
});

describe("EcsStack images", () => {
  test("an image of the registry stack's repository: its URL with the tag, and pull on its ARN, both through terraform_remote_state", () => {
    const out = ecsOut({ api: FARGATE, web: { ...FARGATE, image: { repository: "team/web", tag: "2.0.0" } } });
    expect(Object.keys(out.data?.terraform_remote_state ?? {}).sort()).toEqual(["cross-stack-reference-input-test-network", "cross-stack-reference-input-test-registry"]);
    expect(out.data?.terraform_remote_state?.["cross-stack-reference-input-test-registry"]).toMatchObject({ backend: "local" });

    expect(container(out, "api").image).toEqual(expect.stringMatching(new RegExp(`${registryOutput("Repositories_app", "repository_url").source}:1\\.0\\.0$`)));
    expect(container(out, "web").image).toEqual(expect.stringMatching(new RegExp(`${registryOutput("Repositories_team--web", "repository_url").source}:2\\.0\\.0$`)));
    const pull = (repositoryPath: string) => ({ Effect: "Allow", Action: PULL_ACTIONS, Resource: [expect.stringMatching(new RegExp(`${registryOutput(repositoryPath, "arn").source}$`))] });
    expect(policyOf(out, "api", "ExecutionRole")).toEqual([
      { Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`\${aws_cloudwatch_log_group.${resourceKey(out, "aws_cloudwatch_log_group", "Services_api_Service_Logs")}.arn}:*`] },
      pull("Repositories_app"),
      AUTH_TOKEN,
    ]);
    expect(policyOf(out, "web", "ExecutionRole")).toEqual([expect.objectContaining({ Sid: "WriteLogs" }), pull("Repositories_team--web"), AUTH_TOKEN]);
  });

  test("an image by reference is used as given, with no pull grant and nothing read from the registry stack", () => {
    const digest = `ghcr.io/acme/app@sha256:${"a".repeat(64)}`;
    const out = ecsOut({ api: { ...FARGATE, image: { reference: NGINX } }, web: { ...FARGATE, image: { reference: digest } } });
    expect(container(out, "api").image).toBe(NGINX);
    expect(container(out, "web").image).toBe(digest);
    expect(policyOf(out, "api", "ExecutionRole").map((s) => s.Sid)).toEqual(["WriteLogs"]);
    expect(Object.keys(out.data?.terraform_remote_state ?? {})).toEqual(["cross-stack-reference-input-test-network"]);
  });

  test.each<[string, EnvironmentConfig["ecr"]]>([
    ["with no repositories here", { imageSource: { accountId: OTHER_ACCOUNT, region: "eu-central-1" } }],
    ["even with a repository of the same name here", { repositories: { app: {} }, imageSource: { accountId: OTHER_ACCOUNT, region: "eu-central-1" } }],
  ])("ecr.imageSource %s: the image is in the source account and region, and the execution role may pull that ARN", (_what, ecr) => {
    const { app, ecs } = environment({ api: FARGATE, web: { ...FARGATE, image: { repository: "team/web", tag: "2.0.0" } } }, { ecr });
    expect(ecs.node.findChild("Services").node.findChild("api").node.tryFindChild("Image-app")).toBeDefined();
    const out = prepareAndSynth(app, ecs);
    expect(container(out, "api").image).toBe(`${OTHER_ACCOUNT}.dkr.ecr.eu-central-1.amazonaws.com/app:1.0.0`);
    expect(container(out, "web").image).toBe(`${OTHER_ACCOUNT}.dkr.ecr.eu-central-1.amazonaws.com/team/web:2.0.0`);
    expect(policyOf(out, "api", "ExecutionRole").slice(1)).toEqual([{ Effect: "Allow", Action: PULL_ACTIONS, Resource: [`arn:aws:ecr:eu-central-1:${OTHER_ACCOUNT}:repository/app`] }, AUTH_TOKEN]);
    expect(policyOf(out, "web", "ExecutionRole").slice(1)).toEqual([{ Effect: "Allow", Action: PULL_ACTIONS, Resource: [`arn:aws:ecr:eu-central-1:${OTHER_ACCOUNT}:repository/team/web`] }, AUTH_TOKEN]);
    expect(Object.keys(out.data?.terraform_remote_state ?? {})).toEqual(["cross-stack-reference-input-test-network"]);
  });
});

describe("EcsStack load balancing", () => {
  test("exposure public: an internet-facing load balancer in public subnets, an ACM certificate for domain.name validated in domain.hostedZoneId, and an alias", () => {
    const out = ecsOut({ api: { ...FARGATE, ...PUBLIC, healthCheckPath: "/health" } });
    const lbKey = resourceKey(out, "aws_lb", "Services_api_Service_LoadBalancer");
    const lb = resource(out, "aws_lb", "Services_api_Service_LoadBalancer");
    expect(lb).toMatchObject({ internal: false, load_balancer_type: "application", name: "test-api" });
    expect(lb.subnets).toEqual([expect.stringContaining("Subnets_public-eu-west-1a_Subnet"), expect.stringContaining("Subnets_public-eu-west-1b_Subnet")]);

    const certKey = resourceKey(out, "aws_acm_certificate", "Services_api_Service_LoadBalancer_Certificate");
    expect(resource(out, "aws_acm_certificate", "Services_api_Service_LoadBalancer_Certificate")).toMatchObject({ domain_name: "api.example.com", validation_method: "DNS" });
    const validationRecord = resource(out, "aws_route53_record", "Services_api_Service_LoadBalancer_CertificateRecord");
    expect(validationRecord).toMatchObject({
      zone_id: ZONE,
      name: `\${tolist(aws_acm_certificate.${certKey}.domain_validation_options).0.resource_record_name}`,
      records: [`\${tolist(aws_acm_certificate.${certKey}.domain_validation_options).0.resource_record_value}`],
    });
    expect(resource(out, "aws_acm_certificate_validation", "Services_api_Service_LoadBalancer_CertificateValidation")).toEqual({
      certificate_arn: `\${aws_acm_certificate.${certKey}.arn}`,
      validation_record_fqdns: [`\${aws_route53_record.${resourceKey(out, "aws_route53_record", "Services_api_Service_LoadBalancer_CertificateRecord")}.fqdn}`],
    });
    expect(resource(out, "aws_route53_record", "Services_api_Service_LoadBalancer_Alias")).toEqual({
      zone_id: ZONE,
      name: "api.example.com",
      type: "A",
      alias: { name: `\${aws_lb.${lbKey}.dns_name}`, zone_id: `\${aws_lb.${lbKey}.zone_id}`, evaluate_target_health: true },
    });

    const targetGroup = resource(out, "aws_lb_target_group", "Services_api_Service_TargetGroup");
    expect(targetGroup).toMatchObject({ port: 8080, protocol: "HTTP", target_type: "ip", health_check: expect.objectContaining({ path: "/health" }) });
    expect(service(out, "api").load_balancer).toEqual([
      { container_name: "app", container_port: 8080, target_group_arn: `\${aws_lb_target_group.${resourceKey(out, "aws_lb_target_group", "Services_api_Service_TargetGroup")}.arn}` },
    ]);
  });

  test("exposure internal: an internal load balancer in private subnets, with the same certificate and alias", () => {
    const out = ecsOut({ api: { ...FARGATE, ...PUBLIC, exposure: "internal" } });
    const lb = resource(out, "aws_lb", "Services_api_Service_LoadBalancer");
    expect(lb).toMatchObject({ internal: true });
    expect(lb.subnets).toEqual([expect.stringContaining("Subnets_private-eu-west-1a_Subnet"), expect.stringContaining("Subnets_private-eu-west-1b_Subnet")]);
    expect(resource(out, "aws_acm_certificate", "Services_api_Service_LoadBalancer_Certificate")).toMatchObject({ domain_name: "api.example.com" });
    expect(resource(out, "aws_route53_record", "Services_api_Service_LoadBalancer_Alias")).toMatchObject({ zone_id: ZONE, name: "api.example.com", type: "A" });
    expect(resource(out, "aws_lb_target_group", "Services_api_Service_TargetGroup").health_check).toMatchObject({ path: "/" });
  });

  test.each<[string, ServiceInput]>([
    ["by default", { ...FARGATE, port: 8080 }],
    ["stated", { ...FARGATE, port: 8080, exposure: "none" }],
  ])("exposure none %s: no load balancer, listener, target group, certificate or record", (_what, api) => {
    const out = ecsOut({ api });
    for (const type of ["aws_lb", "aws_lb_listener", "aws_lb_listener_rule", "aws_lb_target_group", "aws_acm_certificate", "aws_acm_certificate_validation", "aws_route53_record"]) {
      expect(resources(out, type)).toEqual({});
    }
    expect(service(out, "api").load_balancer).toBeUndefined();
    expect(container(out, "api").portMappings).toEqual([{ containerPort: 8080, hostPort: 8080, protocol: "tcp" }]);
  });
});

describe("EcsStack service settings", () => {
  test("autoscaling: min and max, CPU, memory and requests-per-target tracking; Terraform leaves the task count to it", () => {
    const out = ecsOut({ api: { ...FARGATE, ...PUBLIC, replicas: 1, autoscaling: { min: 2, max: 8, targetCpuPercent: 60, targetMemoryPercent: 70, requestsPerTarget: 500 } } });
    const serviceKey = resourceKey(out, "aws_ecs_service", "Services_api_Service");
    expect(resource(out, "aws_appautoscaling_target", "Services_api_Service_AutoScaling_Target")).toMatchObject({
      min_capacity: 2,
      max_capacity: 8,
      scalable_dimension: "ecs:service:DesiredCount",
      service_namespace: "ecs",
      resource_id: expect.stringMatching(new RegExp(`^service/.+/\\$\\{aws_ecs_service\\.${serviceKey}\\.name\\}$`)),
    });
    const tracking = (id: string) => resource(out, "aws_appautoscaling_policy", `Services_api_Service_AutoScaling_${id}`).target_tracking_scaling_policy_configuration as Record<string, unknown>;
    expect(tracking("Cpu")).toMatchObject({ target_value: 60, predefined_metric_specification: { predefined_metric_type: "ECSServiceAverageCPUUtilization" } });
    expect(tracking("Memory")).toMatchObject({ target_value: 70, predefined_metric_specification: { predefined_metric_type: "ECSServiceAverageMemoryUtilization" } });
    const lbKey = resourceKey(out, "aws_lb", "Services_api_Service_LoadBalancer");
    const tgKey = resourceKey(out, "aws_lb_target_group", "Services_api_Service_TargetGroup");
    expect(tracking("Requests")).toMatchObject({
      target_value: 500,
      predefined_metric_specification: { predefined_metric_type: "ALBRequestCountPerTarget", resource_label: `\${aws_lb.${lbKey}.arn_suffix}/\${aws_lb_target_group.${tgKey}.arn_suffix}` },
    });
    const api = service(out, "api");
    expect(api.desired_count).toBe(2);
    expect(api.lifecycle).toEqual({ ignore_changes: ["desired_count"] });
  });

  test("autoscaling with the CPU target only creates only that policy", () => {
    const out = ecsOut({ api: { ...FARGATE, autoscaling: { min: 1, max: 3, targetCpuPercent: 50 } } });
    expect(Object.keys(resources(out, "aws_appautoscaling_policy"))).toEqual([expect.stringMatching(/^Services_api_Service_AutoScaling_Cpu_[0-9A-F]{8}$/)]);
  });

  test("without autoscaling: replicas is the task count, and no scaling resources", () => {
    const out = ecsOut({ api: { ...FARGATE, replicas: 3 }, web: FARGATE });
    expect(service(out, "api").desired_count).toBe(3);
    expect(service(out, "web").desired_count).toBe(2);
    expect(service(out, "api").lifecycle).toBeUndefined();
    expect(resources(out, "aws_appautoscaling_target")).toEqual({});
    expect(resources(out, "aws_appautoscaling_policy")).toEqual({});
  });

  test("environment and secrets: values as given, secrets by valueFrom (a JSON key appended), and the execution role reads exactly those", () => {
    const out = ecsOut({
      api: {
        ...FARGATE,
        environment: { LOG_LEVEL: "info", REGION: "eu-west-1" },
        secrets: {
          DB_PASSWORD: { secretsManagerArn: SECRET_ARN, jsonKey: "password", kmsKeyArn: KEY_ARN },
          DB_URL: { secretsManagerArn: SECRET_ARN },
          API_TOKEN: { ssmParameterArn: PARAMETER_ARN },
        },
      },
    });
    expect(container(out, "api").environment).toEqual([
      { name: "LOG_LEVEL", value: "info" },
      { name: "REGION", value: "eu-west-1" },
    ]);
    expect(container(out, "api").secrets).toEqual([
      { name: "DB_PASSWORD", valueFrom: `${SECRET_ARN}:password::` },
      { name: "DB_URL", valueFrom: SECRET_ARN },
      { name: "API_TOKEN", valueFrom: PARAMETER_ARN },
    ]);
    const policy = policyOf(out, "api", "ExecutionRole");
    expect(policy.filter((s) => ["ReadSecrets", "ReadParameters", "DecryptSecrets"].includes(s.Sid as string))).toEqual([
      { Sid: "ReadSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [SECRET_ARN] },
      { Sid: "ReadParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [PARAMETER_ARN] },
      { Sid: "DecryptSecrets", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [KEY_ARN] },
    ]);
  });

  test("no environment or secrets: empty lists, and no secret access", () => {
    const out = ecsOut({ api: FARGATE });
    expect(container(out, "api")).toMatchObject({ environment: [], secrets: [] });
    expect(policyOf(out, "api", "ExecutionRole").map((s) => s.Sid)).toEqual(["WriteLogs", undefined, "EcrAuthorizationToken"]);
  });

  test("exec: ECS Exec on the service, the init process in the container, and the task role's session permissions; off by default", () => {
    const out = ecsOut({ api: { ...FARGATE, exec: true }, web: FARGATE });
    expect(service(out, "api").enable_execute_command).toBe(true);
    expect(container(out, "api").linuxParameters).toMatchObject({ initProcessEnabled: true });
    expect(policyOf(out, "api", "TaskRole").map((s) => s.Sid)).toEqual(["EcsExec", "EcsExecKey", "EcsExecLogs", "EcsExecLogGroups"]);
    expect(service(out, "web").enable_execute_command).toBe(false);
    expect(container(out, "web").linuxParameters).toMatchObject({ initProcessEnabled: false });
    expect(Object.keys(resources(out, "aws_iam_role_policy")).filter((k) => k.startsWith("Services_web_Service_TaskRole"))).toEqual([]);
  });

  test("ciOwnsDeployments: Terraform ignores the service's task definition; not by default", () => {
    const out = ecsOut({ api: { ...FARGATE, ciOwnsDeployments: true }, web: { ...FARGATE, ciOwnsDeployments: false }, job: { ...FARGATE, ciOwnsDeployments: true, autoscaling: { min: 1, max: 2, targetCpuPercent: 50 } } });
    expect(service(out, "api").lifecycle).toEqual({ ignore_changes: ["task_definition"] });
    expect(service(out, "web").lifecycle).toBeUndefined();
    expect(service(out, "job").lifecycle).toEqual({ ignore_changes: ["desired_count", "task_definition"] });
  });

  test("outputs the cluster name and each ECS service's name, keyed by service", () => {
    const out = ecsOut({ api: FARGATE, web: EC2, kube: EKS });
    expect(out.output?.cluster_name).toEqual({
      value: expect.stringMatching(/^\$\{aws_ecs_cluster(_capacity_providers)?\.Cluster_(CapacityProviders_)?[0-9A-F]{8}\.(cluster_)?name\}$/),
      description: "The ECS cluster",
    });
    expect(out.output?.service_names).toEqual({
      value: {
        api: `\${aws_ecs_service.${resourceKey(out, "aws_ecs_service", "Services_api_Service")}.name}`,
        web: `\${aws_ecs_service.${resourceKey(out, "aws_ecs_service", "Services_web_Service")}.name}`,
      },
      description: "ECS service names by service",
    });
  });
});

describe("EcsStack addresses", () => {
  const api: ServiceInput = { ...FARGATE, ...PUBLIC, autoscaling: { min: 1, max: 4, targetCpuPercent: 60 }, secrets: { DB_PASSWORD: { secretsManagerArn: SECRET_ARN } } };
  const web: ServiceInput = { ...EC2, networkMode: "bridge", port: 80, exposure: "internal", domain: { name: "web.example.com", hostedZoneId: ZONE } };

  test("adding a service leaves the Terraform addresses and settings of the others unchanged", () => {
    const before = ecsOut({ api });
    const after = ecsOut({ api, web, worker: { ...FARGATE, cpu: 512, memoryMiB: 1024 } });
    const apiBefore = addresses(before, "Services_api_");
    expect(Object.keys(apiBefore).length).toBeGreaterThan(10);
    expect(addresses(after, "Services_api_")).toEqual(apiBefore);
    // Nothing that existed changes; what is added belongs to the new services (for web, also the
    // rule that lets its load balancer reach the EC2 capacity's dynamic host ports).
    const all = addresses(after);
    for (const [address, body] of Object.entries(addresses(before))) expect([address, all[address]]).toEqual([address, body]);
    const added = Object.keys(all).filter((address) => !(address in addresses(before)));
    expect(added.filter((address) => address.includes("Services_worker_")).length).toBeGreaterThan(0);
    expect(added.filter((address) => address.includes("Services_web_")).length).toBeGreaterThan(0);
    expect(added.filter((address) => !/\.Services_(web|worker)_/.test(address))).toEqual([
      expect.stringMatching(/^aws_vpc_security_group_ingress_rule\.Cluster_Ec2Capacity_general_SecurityGroup_From-test-ecs-Services-web-Service-LoadBalancer-SecurityGroup-32768-65535_[0-9A-F]{8}$/),
    ]);
  });

  test("moving a service from ecs-fargate to eks removes exactly its resources from the ECS stack", () => {
    const onEcs = ecsOut({ api, worker: FARGATE });
    const moved = ecsOut({ api, worker: { ...FARGATE, runtime: "eks" } });
    const workerAddresses = Object.keys(addresses(onEcs, "Services_worker_"));
    expect(workerAddresses.length).toBeGreaterThan(0);
    const remaining = Object.fromEntries(Object.entries(addresses(onEcs)).filter(([address]) => !workerAddresses.includes(address)));
    expect(addresses(moved)).toEqual(remaining);
    expect(Object.keys(moved.output?.service_names.value as object)).toEqual(["api"]);
  });

  test("moving the only ECS service to eks removes the ECS stack, unless an ecs section keeps the cluster", () => {
    const moved = Testing.app();
    expect(buildEnvironment(moved, testEnvironmentConfig({ ecr: ECR, eks: EKS_CLUSTER, services: { api: { ...FARGATE, runtime: "eks" } } })).ecs).toBeUndefined();
    const kept = ecsOut({ api: { ...FARGATE, runtime: "eks" } });
    expect(resources(kept, "aws_ecs_service")).toEqual({});
    expect(Object.keys(addresses(kept, "Cluster_")).length).toBeGreaterThan(0);
  });
});
