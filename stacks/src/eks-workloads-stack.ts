import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { PlatformStack, type ServiceConfig, type ValidatedEnvironmentConfig } from "@platform/core";
import { dnsValidatedCertificate } from "@platform/ecs";
import { KubernetesWorkload, ServiceAccountRole } from "@platform/eks";
import type { EksAddonsStack } from "./eks-addons-stack";
import type { EksStack } from "./eks-stack";
import type { NetworkStack } from "./network-stack";
import type { RegistryStack } from "./registry-stack";
import { configureKubernetesProviders } from "./private/provider-access";
import { serviceImage } from "./private/service-image";

export interface EksWorkloadsStackProps {
  readonly network: NetworkStack;
  readonly eks: EksStack;
  readonly addons: EksAddonsStack;
  /** Where platform images come from. @default - repositories of this account, by name */
  readonly registry?: RegistryStack;
}

/**
 * `<env>-eks-workloads`: every service whose runtime is `eks`, as Kubernetes objects in a
 * namespace of its own (`Services/<name>/...`): its AWS role (Pod Identity, or IRSA with
 * `eks.workloadIdentity`), Deployment, Service, HPA, disruption budget and default-deny network
 * policy, and for exposed services an Ingress behind an ALB with its certificate and DNS record.
 *
 * It depends on `<env>-eks-addons`: applied after the load balancer controller and metrics-server
 * run, destroyed before them, so that the controller deletes the ALBs of the Ingresses and
 * nothing is left to block the VPC's deletion.
 */
export class EksWorkloadsStack extends PlatformStack {
  public readonly workloads: Readonly<Record<string, KubernetesWorkload>>;

  constructor(scope: Construct, config: ValidatedEnvironmentConfig, props: EksWorkloadsStackProps) {
    super(scope, "eks-workloads", { config });
    this.addDependency(props.addons);
    const eks = config.eks!;
    const cluster = props.eks.cluster;
    configureKubernetesProviders(this, cluster, { helm: false });
    const services = Object.entries(config.services ?? {}).filter(([, spec]) => spec.runtime === "eks");
    const onEks = new Set(services.map(([name]) => name));
    const externalDnsZones = eks.addons?.externalDns?.hostedZoneIds ?? [];

    const servicesScope = new Construct(this, "Services");
    const workloads: Record<string, KubernetesWorkload> = {};
    for (const [name, spec] of services) {
      const scopeForService = new Construct(servicesScope, name);
      const role = new ServiceAccountRole(scopeForService, "Role", {
        cluster,
        namespace: name,
        serviceAccount: name,
        mode: eks.workloadIdentity ?? "pod-identity",
        description: `Service ${name} of ${config.name} on EKS`,
      });
      const exposure = spec.exposure ?? "none";
      const ingress = exposure === "none" ? undefined : this.ingressOf(scopeForService, config, spec, props.network);
      const workload = new KubernetesWorkload(scopeForService, "Workload", {
        name,
        image: serviceImage(scopeForService, spec, props.registry).imageUri,
        command: spec.command,
        port: spec.port,
        cpu: spec.cpu,
        memoryMiB: spec.memoryMiB,
        replicas: spec.replicas,
        environment: spec.environment,
        healthCheckPath: spec.healthCheckPath,
        irsaRoleArn: role.mode === "irsa" ? role.roleArn : undefined,
        autoscaling: spec.autoscaling
          ? { min: Math.max(1, spec.autoscaling.min), max: spec.autoscaling.max, targetCpuPercent: spec.autoscaling.targetCpuPercent, targetMemoryPercent: spec.autoscaling.targetMemoryPercent }
          : undefined,
        ingress,
        dependsOn: role.readyForPods,
        networkPolicy:
          eks.networkPolicies ?? true
            ? {
                allowFromNamespaces: (spec.callers ?? []).filter((caller) => onEks.has(caller)),
                // The ALB sends traffic straight to pod IPs from inside the VPC.
                allowFromCidrs: ingress ? [props.network.vpc.vpcCidrBlock] : [],
              }
            : undefined,
      });
      if (ingress && !externalDnsZones.includes(spec.domain!.hostedZoneId)) {
        new Route53Record(scopeForService, "DnsRecord", {
          zoneId: spec.domain!.hostedZoneId,
          name: spec.domain!.name,
          type: "CNAME",
          ttl: 300,
          records: [workload.loadBalancerHostname!],
        });
      }
      workloads[name] = workload;
    }
    this.workloads = workloads;
    new TerraformOutput(this, "namespaces", {
      value: Object.fromEntries(Object.entries(workloads).map(([name, w]) => [name, w.namespaceName])),
      description: "Kubernetes namespaces by service",
    });
  }

  private ingressOf(scope: Construct, config: ValidatedEnvironmentConfig, spec: ServiceConfig, network: NetworkStack) {
    const internetFacing = spec.exposure === "public";
    return {
      internetFacing,
      host: spec.domain!.name,
      certificateArn: dnsValidatedCertificate(scope, { domainName: spec.domain!.name, hostedZoneId: spec.domain!.hostedZoneId }),
      // Services of one exposure share one ALB.
      groupName: `${config.name}-${internetFacing ? "public" : "internal"}`,
      inboundCidrs: internetFacing ? undefined : [network.vpc.vpcCidrBlock],
    };
  }
}
