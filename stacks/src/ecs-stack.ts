import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { PlatformStack, type ServiceConfig, type ValidatedEnvironmentConfig } from "@platform/core";
import { EcsCluster, EcsScheduledTask, EcsService, type ServiceSecret } from "@platform/ecs";
import type { NetworkStack } from "./network-stack";
import type { RegistryStack } from "./registry-stack";
import { serviceImage } from "./private/service-image";

export interface EcsStackProps {
  readonly network: NetworkStack;
  /** Where platform images come from. @default - repositories of this account, by name */
  readonly registry?: RegistryStack;
}

/**
 * `<env>-ecs`: the environment's ECS cluster and every service whose runtime is `ecs-fargate` or
 * `ecs-ec2`, in the network stack's VPC; a service with a `schedule` becomes a scheduled task. Services are keyed by name (`Services/<name>`), so adding
 * one never touches another, and moving one to `eks` removes it here and adds it there.
 */
export class EcsStack extends PlatformStack {
  public readonly cluster: EcsCluster;
  public readonly services: Readonly<Record<string, EcsService>>;
  /** Services with a `schedule`: tasks that EventBridge Scheduler runs to completion. */
  public readonly scheduledTasks: Readonly<Record<string, EcsScheduledTask>>;

  constructor(scope: Construct, config: ValidatedEnvironmentConfig, props: EcsStackProps) {
    super(scope, "ecs", { config });
    const ecs = config.ecs ?? {};
    const vpc = props.network.vpc;
    this.cluster = new EcsCluster(this, "Cluster", {
      vpc,
      containerInsights: ecs.containerInsights,
      fargateSpot: ecs.fargateSpot,
      ec2Capacity: ecs.ec2Capacity,
      execLogRetentionDays: ecs.execLogRetentionDays,
      serviceConnectNamespace: ecs.serviceConnectNamespace,
    });

    const servicesScope = new Construct(this, "Services");
    const services: Record<string, EcsService> = {};
    const scheduledTasks: Record<string, EcsScheduledTask> = {};
    for (const [name, spec] of Object.entries(config.services ?? {})) {
      if (spec.runtime !== "ecs-fargate" && spec.runtime !== "ecs-ec2") continue;
      const scopeForService = new Construct(servicesScope, name);
      if (spec.schedule) {
        scheduledTasks[name] = new EcsScheduledTask(scopeForService, "ScheduledTask", {
          cluster: this.cluster,
          vpc,
          taskName: `${config.name}-${name}`,
          schedule: spec.schedule,
          timezone: spec.timezone,
          cpu: spec.cpu,
          memoryMiB: spec.memoryMiB,
          container: { image: serviceImage(scopeForService, spec, props.registry), command: spec.command, environment: spec.environment, secrets: secretsOf(spec) },
        });
        continue;
      }
      const exposed = (spec.exposure ?? "none") !== "none";
      services[name] = new EcsService(scopeForService, "Service", {
        cluster: this.cluster,
        vpc,
        serviceName: `${config.name}-${name}`,
        launch: spec.runtime === "ecs-ec2" ? "ec2" : "fargate",
        networkMode: spec.networkMode,
        capacityProviderStrategy: spec.runtime === "ecs-ec2" ? [{ capacityProvider: spec.ec2Capacity! }] : undefined,
        cpu: spec.cpu,
        memoryMiB: spec.memoryMiB,
        desiredCount: spec.replicas,
        container: {
          image: serviceImage(scopeForService, spec, props.registry),
          command: spec.command,
          port: spec.port,
          environment: spec.environment,
          secrets: secretsOf(spec),
        },
        loadBalancing: exposed
          ? {
              create: {
                internetFacing: spec.exposure === "public",
                certificate: { domainName: spec.domain!.name, hostedZoneId: spec.domain!.hostedZoneId },
                dns: { hostedZoneId: spec.domain!.hostedZoneId, recordName: spec.domain!.name },
              },
              healthCheckPath: spec.healthCheckPath,
            }
          : undefined,
        autoScaling: spec.autoscaling
          ? {
              minCapacity: spec.autoscaling.min,
              maxCapacity: spec.autoscaling.max,
              targetCpuPercent: spec.autoscaling.targetCpuPercent,
              targetMemoryPercent: spec.autoscaling.targetMemoryPercent,
              requestsPerTarget: spec.autoscaling.requestsPerTarget,
              queueMessagesPerTask: spec.autoscaling.queueMessagesPerTask,
            }
          : undefined,
        queue: spec.queue,
        serviceConnect: spec.serviceConnect ? {} : undefined,
        deployment: spec.deployment === "blue-green" ? { type: "blue-green" } : undefined,
        enableExecuteCommand: spec.exec,
        ciOwnsTaskDefinition: spec.ciOwnsDeployments,
      });
    }
    this.services = services;
    this.scheduledTasks = scheduledTasks;
    // Callers reach a service on its port: its security group admits theirs, keyed by caller.
    for (const [name, spec] of Object.entries(config.services ?? {})) {
      const callee = services[name];
      if (!callee?.connections || spec.port === undefined) continue;
      for (const caller of new Set(spec.callers ?? [])) {
        const from = (services[caller] ?? scheduledTasks[caller])?.connections;
        if (from) callee.connections.allowFrom({ connections: from }, spec.port, `${config.name}-${caller} calls ${config.name}-${name}`);
      }
    }

    new TerraformOutput(this, "cluster_name", { value: this.cluster.clusterName, description: "The ECS cluster" });
    new TerraformOutput(this, "service_names", {
      value: Object.fromEntries(Object.entries(services).map(([name, s]) => [name, s.serviceName])),
      description: "ECS service names by service",
    });
  }

}

function secretsOf(spec: ServiceConfig): Record<string, ServiceSecret> {
  return Object.fromEntries(
    Object.entries(spec.secrets ?? {}).map(([variable, s]): [string, ServiceSecret] => [
      variable,
      s.secretsManagerArn
        ? { secretsManagerArn: s.secretsManagerArn, jsonKey: s.jsonKey, kmsKeyArn: s.kmsKeyArn }
        : { ssmParameterArn: s.ssmParameterArn!, kmsKeyArn: s.kmsKeyArn },
    ]),
  );
}
