import { Construct } from "constructs";
import { Lazy } from "cdktf";
import { EcsService as AwsEcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { AwsEnvironment, NameRules, Role, ValidationError, physicalName, showValue } from "@platform/core";
import { Connections, type IVpc } from "@platform/vpc";
import type { CapacityProviderStrategyItem, IEcsCluster } from "./ecs-cluster";
import { ServiceLoadBalancer, type IHttpsListener, type ServiceLoadBalancerProps } from "./service-load-balancer";
import { ServiceAutoScaling, type AutoScalingOptions } from "./private/service-auto-scaling";
import { BlueGreenDeployment } from "./private/blue-green";
import { ServiceQueue, type QueueOptions } from "./private/service-queue";
import { createTask, type ContainerOptions } from "./private/task";

export type { AutoScalingOptions, ScheduledCapacity, StepScalingOptions } from "./private/service-auto-scaling";
export type { QueueOptions } from "./private/service-queue";
export type { ContainerHealthCheck, ContainerOptions } from "./private/task";

/** Where the service receives traffic from. */
export type ServiceLoadBalancing =
  /** A load balancer of the service's own. */
  | { readonly create: Omit<ServiceLoadBalancerProps, "vpc">; readonly healthCheckPath?: string }
  /** A shared load balancer's HTTPS listener, with host and path rules. */
  | {
      readonly listener: IHttpsListener;
      /** @default [] */
      readonly hostHeaders?: readonly string[];
      /** @default ["/*"] */
      readonly pathPatterns?: readonly string[];
      /** 1-50000, unique on the listener. */
      readonly priority: number;
      readonly healthCheckPath?: string;
    };

export interface EcsServiceProps {
  readonly cluster: IEcsCluster;
  readonly vpc: IVpc;
  /** @default `<environment>-<construct id>`, lower case */
  readonly serviceName?: string;
  /** `fargate`: Fargate (and FARGATE_SPOT through a strategy); `ec2`: the cluster's EC2 capacity. @default "fargate" */
  readonly launch?: "fargate" | "ec2";
  /** On EC2 only: `bridge` with dynamic host ports, or `host`. @default "awsvpc" */
  readonly networkMode?: "awsvpc" | "bridge" | "host";
  /** CPU units (1024 = one vCPU); on Fargate one of its sizes. */
  readonly cpu: number;
  /** On Fargate a size valid with `cpu`. */
  readonly memoryMiB: number;
  /** @default "ARM64" on Fargate (cheaper per vCPU); on EC2 the architecture of the first capacity in the strategy */
  readonly cpuArchitecture?: "ARM64" | "X86_64";
  readonly container: ContainerOptions;
  /** Tasks before autoscaling takes over (then Terraform leaves the count alone). @default 2 */
  readonly desiredCount?: number;
  /** @default - the cluster's default strategy */
  readonly capacityProviderStrategy?: readonly CapacityProviderStrategyItem[];
  /** @default - no load balancer */
  readonly loadBalancing?: ServiceLoadBalancing;
  /** @default - fixed `desiredCount` */
  readonly autoScaling?: AutoScalingOptions;
  /** @default 100 */
  readonly minHealthyPercent?: number;
  /** @default 200 */
  readonly maxPercent?: number;
  /** @default { type: "rolling" } */
  readonly deployment?: DeploymentOptions;
  /**
   * Make the service a queue worker: a work queue and its dead-letter queue, `QUEUE_URL` in the
   * container's environment, and the task role allowed to consume (and only that). Scale it on
   * the backlog with `autoScaling.queueMessagesPerTask`.
   * @default - no queue
   */
  readonly queue?: QueueOptions;
  /**
   * Register the service in the cluster's Service Connect namespace, so that other services reach
   * it at `http://<discoveryName>:<port>`. Callers still need `connections.allowFrom`.
   * @default - not registered
   */
  readonly serviceConnect?: { readonly discoveryName?: string };
  /** CloudWatch alarms that roll a deployment back. @default [] */
  readonly rollbackAlarmNames?: readonly string[];
  /** ECS Exec (`aws ecs execute-command`), with the init process on. @default false */
  readonly enableExecuteCommand?: boolean;
  /**
   * Let CI own the task definition (image deploys that register new revisions): Terraform then
   * ignores the service's `task_definition`. Toggling it changes no resource.
   * @default false
   */
  readonly ciOwnsTaskDefinition?: boolean;
  /** @default 365 */
  readonly logRetentionDays?: number;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

const EPHEMERAL_PORTS = { from: 32768, to: 65535 };

/** CodeDeploy's traffic shifting for blue/green deployments. */
export const TRAFFIC_SHIFTS = {
  "all-at-once": "CodeDeployDefault.ECSAllAtOnce",
  "canary-10-5": "CodeDeployDefault.ECSCanary10Percent5Minutes",
  "canary-10-15": "CodeDeployDefault.ECSCanary10Percent15Minutes",
  "linear-10-1": "CodeDeployDefault.ECSLinear10PercentEvery1Minutes",
  "linear-10-3": "CodeDeployDefault.ECSLinear10PercentEvery3Minutes",
} as const;

/** How new task definitions roll out. */
export type DeploymentOptions =
  /** ECS rolling updates, with the circuit breaker and rollback. */
  | { readonly type: "rolling" }
  /**
   * CodeDeploy blue/green: a second target group, a test listener on the service's own load
   * balancer, traffic shifted by `trafficShift`, automatic rollback on failure and on alarms.
   */
  | {
      readonly type: "blue-green";
      /** @default "all-at-once" */
      readonly trafficShift?: keyof typeof TRAFFIC_SHIFTS;
      /** The test listener's port (HTTPS, reachable from inside the VPC). @default 9443 */
      readonly testListenerPort?: number;
      /** How long the old tasks stay after a successful deployment. @default 5 */
      readonly terminationWaitMinutes?: number;
    };
/** Instance-group rules already written, per instance group: `<load balancer group>-<ports>`. Services behind one listener share them. */
const INSTANCE_RULES = new WeakMap<Connections, Set<string>>();

/**
 * An ECS service on Fargate or EC2: a task definition with one typed container (read-only root
 * filesystem and a non-root user by default, logs to a KMS-encrypted group, secrets read by an
 * execution role that may read exactly those), separate execution and task roles, private
 * subnets without public IPs, a security group that admits only its load balancer, rolling
 * deployments with the circuit breaker and rollback (or CodeDeploy blue/green), and target-tracking, step and scheduled
 * scaling.
 *
 * Construct ids (public API): `Resource`, `TaskDefinition`, `ExecutionRole`, `TaskRole`,
 * `Logs`, `SecurityGroup`, `TargetGroup`, `TargetGroupGreen`, `ListenerRule`, `LoadBalancer`,
 * `BlueGreen`, `Queue`, `AutoScaling`.
 */
export class EcsService extends Construct {
  public readonly resource: AwsEcsService;
  public readonly serviceName: string;
  /** The role the containers run as: grant it what the application needs. */
  public readonly taskRole: Role;
  /** The role ECS uses to start the task: image pull, logs, secrets. */
  public readonly executionRole: Role;
  /** The service's security group, for `allowFrom`/`allowToCidr`; on bridge and host networking the tasks use their instances' group instead. */
  public readonly connections?: Connections;
  public readonly taskDefinitionArn: string;
  public readonly logGroupName: string;
  /** The load balancer the service created, when it created one. */
  public readonly loadBalancer?: ServiceLoadBalancer;
  /** CodeDeploy's application, deployment group and test listener, for blue/green deployments. */
  public readonly blueGreen?: BlueGreenDeployment;
  /** The work queue, for a queue worker. */
  public readonly queue?: ServiceQueue;

  constructor(scope: Construct, id: string, props: EcsServiceProps) {
    super(scope, id);
    const env = AwsEnvironment.of(this);
    const fail = (message: string): never => {
      throw new ValidationError(message, this);
    };
    const launch = props.launch ?? "fargate";
    const networkMode = props.networkMode ?? "awsvpc";
    const name = props.serviceName ?? physicalName([env.environment, id.toLowerCase()], NameRules.cluster);
    const container = props.container;
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(name)) fail(`'serviceName' must be 1-255 letters, digits, _ and -, got ${showValue(name)}`);
    if (launch !== "fargate" && launch !== "ec2") fail(`'launch' must be "fargate" or "ec2", got ${showValue(launch)}`);
    if (!["awsvpc", "bridge", "host"].includes(networkMode)) fail(`'networkMode' must be "awsvpc", "bridge" or "host", got ${showValue(networkMode)}`);
    if (launch === "fargate" && networkMode !== "awsvpc") fail(`'networkMode' ${showValue(networkMode)} needs launch "ec2"; Fargate tasks use awsvpc`);
    const port = container.port;
    if (props.loadBalancing && port === undefined) fail("'loadBalancing' needs 'container.port': the port the load balancer sends traffic to");
    const desired = props.desiredCount ?? 2;
    if (!Number.isInteger(desired) || desired < 0) fail(`'desiredCount' must be a whole number of at least 0, got ${showValue(desired)}`);
    const minHealthy = props.minHealthyPercent ?? 100;
    const maxPercent = props.maxPercent ?? 200;
    if (!Number.isInteger(minHealthy) || minHealthy < 0 || minHealthy > 100) fail(`'minHealthyPercent' must be a whole number from 0 to 100, got ${showValue(minHealthy)}`);
    if (!Number.isInteger(maxPercent) || maxPercent < 100 || maxPercent > 400) fail(`'maxPercent' must be a whole number from 100 to 400, got ${showValue(maxPercent)}`);
    if (minHealthy === 0 && maxPercent === 100) fail("'minHealthyPercent' 0 with 'maxPercent' 100 lets a deployment stop every task; raise one of them");
    const deployment = props.deployment ?? { type: "rolling" };
    const blueGreen = deployment.type === "blue-green" ? deployment : undefined;
    if (deployment.type !== "rolling" && deployment.type !== "blue-green") fail(`'deployment.type' must be "rolling" or "blue-green", got ${showValue((deployment as { type: unknown }).type)}`);
    if (blueGreen) {
      if (!props.loadBalancing || !("create" in props.loadBalancing)) {
        fail("'deployment' \"blue-green\" needs a load balancer of the service's own ('loadBalancing.create'): its test listener takes a port there");
      }
      if (!Object.hasOwn(TRAFFIC_SHIFTS, blueGreen.trafficShift ?? "all-at-once")) {
        fail(`'deployment.trafficShift' must be one of ${Object.keys(TRAFFIC_SHIFTS).join(", ")}, got ${showValue(blueGreen.trafficShift)}`);
      }
      const testPort = blueGreen.testListenerPort ?? 9443;
      if (!Number.isInteger(testPort) || testPort < 1 || testPort > 65535 || testPort === 443 || testPort === 80) {
        fail(`'deployment.testListenerPort' must be a whole number from 1 to 65535 other than 80 and 443, got ${showValue(testPort)}`);
      }
      const wait = blueGreen.terminationWaitMinutes ?? 5;
      if (!Number.isInteger(wait) || wait < 0 || wait > 2880) fail(`'deployment.terminationWaitMinutes' must be a whole number from 0 to 2880, got ${showValue(wait)}`);
      if (props.ciOwnsTaskDefinition === false) fail("'ciOwnsTaskDefinition' cannot be false with blue-green deployments: CodeDeploy owns the task definition");
    }
    if (props.serviceConnect) {
      if (!props.cluster.serviceConnectNamespaceArn) fail("'serviceConnect' needs a cluster with a Service Connect namespace ('serviceConnectNamespace')");
      if (port === undefined) fail("'serviceConnect' needs 'container.port': the port other services call");
      if (networkMode !== "awsvpc") fail(`'serviceConnect' needs awsvpc networking, got ${showValue(networkMode)}`);
      const discovery = props.serviceConnect.discoveryName ?? name;
      if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(discovery)) {
        fail(`'serviceConnect.discoveryName' must be a DNS label of at most 63 lower-case letters, digits and - (it defaults to the service name), got ${showValue(discovery)}`);
      }
    }
    if (props.queue && "QUEUE_URL" in (container.environment ?? {})) fail("'container.environment.QUEUE_URL' is set by 'queue'; remove it");
    if (props.queue && "QUEUE_URL" in (container.secrets ?? {})) fail("'container.secrets.QUEUE_URL' is set by 'queue'; remove it");
    if (props.queue && name.length > 76) fail(`'serviceName' must be at most 76 characters with 'queue' (SQS names its dead-letter queue <name>-dlq, at most 80), got ${name.length}`);
    if (props.autoScaling?.queueMessagesPerTask !== undefined && props.cluster.containerInsights === "disabled") {
      fail("'autoScaling.queueMessagesPerTask' needs Container Insights on the cluster (its running-task count); the cluster has it disabled");
    }
    const tags = { ...props.tags, Name: name };

    if (props.queue) this.queue = new ServiceQueue(this, "Queue", { ...props.queue, serviceName: name, tags });
    const task = createTask(this, {
      name,
      cluster: props.cluster,
      launch,
      networkMode,
      cpu: props.cpu,
      memoryMiB: props.memoryMiB,
      cpuArchitecture:
        props.cpuArchitecture ??
        (launch === "fargate" ? "ARM64" : (props.cluster.instanceArchitecture(props.capacityProviderStrategy?.[0]?.capacityProvider ?? "") ?? "X86_64")),
      container,
      addedEnvironment: this.queue ? { QUEUE_URL: this.queue.queueUrl } : undefined,
      portName: props.serviceConnect ? "app" : undefined,
      enableExecuteCommand: props.enableExecuteCommand ?? false,
      logRetentionDays: props.logRetentionDays ?? 365,
      roleDescriptions: { execution: `ECS starts the tasks of ${name}: image pull, logs, secrets`, task: `The containers of ${name}` },
      tags,
    });
    this.executionRole = task.executionRole;
    this.taskRole = task.taskRole;
    this.logGroupName = task.logGroupName;
    this.taskDefinitionArn = task.taskDefinition.arn;
    const containerName = task.containerName;
    const taskDefinition = task.taskDefinition;
    if (this.queue) {
      this.taskRole.addToPrincipalPolicy({
        Sid: "ConsumeWorkQueue",
        Effect: "Allow",
        Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
        Resource: [this.queue.queueArn],
      });
    }

    let securityGroups: string[] | undefined;
    if (networkMode === "awsvpc") {
      const securityGroup = new SecurityGroup(this, "SecurityGroup", {
        name: `${name}-service`,
        description: `Tasks of ${name}: inbound only from what the service allows`,
        vpcId: props.vpc.vpcId,
        tags,
        lifecycle: { createBeforeDestroy: true },
      });
      this.connections = new Connections(securityGroup, securityGroup.id);
      this.connections.allowToCidr("0.0.0.0/0", 443, "HTTPS to AWS APIs and dependencies");
      securityGroups = [securityGroup.id];
    }
    const strategy = props.capacityProviderStrategy ?? [];
    strategy.forEach((item, i) => {
      if (!props.cluster.capacityProvider(item.capacityProvider)) {
        fail(`'capacityProviderStrategy[${i}].capacityProvider' must be one of the cluster's (${props.cluster.capacityProviderNames.join(", ")}), got ${showValue(item.capacityProvider)}`);
      }
      const fargate = item.capacityProvider.startsWith("FARGATE");
      if (fargate !== (launch === "fargate")) fail(`'capacityProviderStrategy[${i}].capacityProvider' ${showValue(item.capacityProvider)} does not run launch ${showValue(launch)} tasks`);
    });
    if (launch === "ec2" && strategy.length === 0) fail("'capacityProviderStrategy' must name the cluster's EC2 capacity for launch \"ec2\"");

    let listener: IHttpsListener | undefined;
    let rule: { hostHeaders: readonly string[]; pathPatterns: readonly string[]; priority: number } | undefined;
    if (props.loadBalancing) {
      if ("create" in props.loadBalancing) {
        this.loadBalancer = new ServiceLoadBalancer(this, "LoadBalancer", { ...props.loadBalancing.create, vpc: props.vpc, name: props.loadBalancing.create.name ?? physicalName([name], NameRules.loadBalancer) });
        listener = this.loadBalancer;
        rule = { hostHeaders: [], pathPatterns: ["/*"], priority: 1 };
      } else {
        listener = props.loadBalancing.listener;
        rule = { hostHeaders: props.loadBalancing.hostHeaders ?? [], pathPatterns: props.loadBalancing.pathPatterns ?? ["/*"], priority: props.loadBalancing.priority };
        if (!Number.isInteger(rule.priority) || rule.priority < 1 || rule.priority > 50000) fail(`'loadBalancing.priority' must be a whole number from 1 to 50000, got ${showValue(rule.priority)}`);
        if (rule.hostHeaders.length + rule.pathPatterns.length > 5) fail("'loadBalancing' may combine at most 5 host headers and path patterns in one rule");
      }
    }

    let targetGroup: LbTargetGroup | undefined;
    if (listener && rule && port !== undefined) {
      const healthCheckPath = props.loadBalancing!.healthCheckPath ?? "/";
      if (!healthCheckPath.startsWith("/")) fail(`'loadBalancing.healthCheckPath' must start with /, got ${showValue(healthCheckPath)}`);
      const newTargetGroup = (id: string) =>
        new LbTargetGroup(this, id, {
          namePrefix: "svc-",
          port,
          protocol: "HTTP",
          targetType: networkMode === "awsvpc" ? "ip" : "instance",
          vpcId: props.vpc.vpcId,
          deregistrationDelay: "30",
          healthCheck: { enabled: true, path: healthCheckPath, matcher: "200-399", interval: 15, healthyThreshold: 2, unhealthyThreshold: 3, timeout: 5 },
          tags,
          lifecycle: { createBeforeDestroy: true },
        });
      targetGroup = newTargetGroup("TargetGroup");
      new LbListenerRule(this, "ListenerRule", {
        listenerArn: listener.listenerArn,
        priority: rule.priority,
        action: [{ type: "forward", targetGroupArn: targetGroup.arn }],
        condition: [
          ...(rule.hostHeaders.length > 0 ? [{ hostHeader: { values: [...rule.hostHeaders] } }] : []),
          { pathPattern: { values: [...rule.pathPatterns] } },
        ],
        tags,
        // CodeDeploy swaps the target groups behind the rule at every blue/green deployment.
        lifecycle: blueGreen ? { ignoreChanges: ["action"] } : undefined,
      });
      if (blueGreen) {
        const green = newTargetGroup("TargetGroupGreen");
        const testPort = blueGreen.testListenerPort ?? 9443;
        listener.connections.allowFromCidr(props.vpc.vpcCidrBlock, testPort, `test traffic of ${name}'s blue/green deployments, from inside the VPC`);
        this.blueGreen = new BlueGreenDeployment(this, "BlueGreen", {
          serviceName: name,
          serviceNameReference: Lazy.stringValue({ produce: () => this.resource.name }),
          clusterName: props.cluster.clusterName,
          loadBalancerArn: listener.loadBalancerArn,
          productionListenerArn: listener.listenerArn,
          certificateArn: listener.certificateArn,
          sslPolicy: listener.sslPolicy,
          testListenerPort: testPort,
          blueTargetGroupName: targetGroup.name,
          greenTargetGroupName: green.name,
          greenTargetGroupArn: green.arn,
          deploymentConfigName: TRAFFIC_SHIFTS[blueGreen.trafficShift ?? "all-at-once"],
          terminationWaitMinutes: blueGreen.terminationWaitMinutes ?? 5,
          alarmNames: props.rollbackAlarmNames ?? [],
          tags,
        });
      }
      if (this.connections) {
        this.connections.allowFrom(listener, port, `HTTP from load balancer to ${name}`);
      } else {
        for (const item of strategy) {
          const instances = props.cluster.instanceConnections(item.capacityProvider);
          if (!instances) fail(`the load balancer cannot reach the instances of ${showValue(item.capacityProvider)}; name an EC2 capacity of this cluster`);
          const ports = networkMode === "bridge" ? EPHEMERAL_PORTS : port;
          const written = INSTANCE_RULES.get(instances!) ?? new Set<string>();
          INSTANCE_RULES.set(instances!, written);
          const ruleKey = `${listener.connections.securityGroupId}-${JSON.stringify(ports)}`;
          if (written.has(ruleKey)) continue;
          written.add(ruleKey);
          instances!.allowFrom(listener, ports, `${networkMode === "bridge" ? "dynamic host ports" : "host port"} of ${name}`);
        }
      }
    }

    const scaled = props.autoScaling !== undefined;
    const ignore = [
      ...(scaled ? ["desired_count"] : []),
      ...(props.ciOwnsTaskDefinition || blueGreen ? ["task_definition"] : []),
      ...(blueGreen ? ["load_balancer"] : []),
    ];
    this.resource = new AwsEcsService(this, "Resource", {
      name,
      cluster: props.cluster.clusterArn,
      taskDefinition: taskDefinition.arn,
      desiredCount: scaled ? Math.min(Math.max(desired, props.autoScaling!.minCapacity), props.autoScaling!.maxCapacity) : desired,
      capacityProviderStrategy: strategy.length > 0 ? strategy.map((s) => ({ capacityProvider: props.cluster.capacityProvider(s.capacityProvider)!, base: s.base ?? 0, weight: s.weight ?? 1 })) : undefined,
      networkConfiguration: networkMode === "awsvpc" ? { subnets: props.vpc.privateSubnetIds, securityGroups, assignPublicIp: false } : undefined,
      deploymentCircuitBreaker: blueGreen ? undefined : { enable: true, rollback: true },
      deploymentController: { type: blueGreen ? "CODE_DEPLOY" : "ECS" },
      deploymentMinimumHealthyPercent: minHealthy,
      deploymentMaximumPercent: maxPercent,
      alarms: props.rollbackAlarmNames?.length && !blueGreen ? { alarmNames: [...props.rollbackAlarmNames], enable: true, rollback: true } : undefined,
      serviceConnectConfiguration: props.serviceConnect
        ? {
            enabled: true,
            namespace: props.cluster.serviceConnectNamespaceArn,
            service: [
              {
                portName: containerName,
                discoveryName: props.serviceConnect.discoveryName ?? name,
                clientAlias: { port: port!, dnsName: props.serviceConnect.discoveryName ?? name },
              },
            ],
            logConfiguration: {
              logDriver: "awslogs",
              options: { "awslogs-group": this.logGroupName, "awslogs-region": env.region, "awslogs-stream-prefix": "service-connect" },
            },
          }
        : undefined,
      enableExecuteCommand: props.enableExecuteCommand ?? false,
      enableEcsManagedTags: true,
      propagateTags: "SERVICE",
      healthCheckGracePeriodSeconds: targetGroup ? 60 : undefined,
      loadBalancer: targetGroup ? [{ targetGroupArn: targetGroup.arn, containerName, containerPort: port! }] : undefined,
      waitForSteadyState: false,
      tags,
      lifecycle: ignore.length > 0 ? { ignoreChanges: ignore } : undefined,
      dependsOn: targetGroup ? [targetGroup] : undefined,
    });
    this.serviceName = this.resource.name;

    if (props.autoScaling) {
      new ServiceAutoScaling(this, "AutoScaling", {
        ...props.autoScaling,
        clusterName: props.cluster.clusterName,
        // The service's attribute, not the literal: the scalable target must wait for the service.
        serviceName: this.serviceName,
        requestCountResourceLabel: listener && targetGroup ? `${listener.loadBalancerArnSuffix}/${targetGroup.arnSuffix}` : undefined,
        queueName: this.queue?.queueName,
      });
    }
  }
}
