import { Construct } from "constructs";
import { Token, type ITerraformDependable } from "cdktf";
import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { HorizontalPodAutoscalerV2 } from "@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2";
import { IngressV1 } from "@cdktf/provider-kubernetes/lib/ingress-v1";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { PodDisruptionBudgetV1 } from "@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import { ValidationError, parseIpv4Cidr, showValue } from "@platform/core";

/** Scaling of a workload by a HorizontalPodAutoscaler (autoscaling/v2) on CPU and/or memory. */
export interface WorkloadAutoscaling {
  /** 1-1000: the Deployment starts with this many pods. */
  readonly min: number;
  /** 1-1000, at least `min`. */
  readonly max: number;
  /** Average CPU utilization to keep, in percent of the requests (1-100). @default - CPU not followed */
  readonly targetCpuPercent?: number;
  /** Average memory utilization to keep, in percent of the requests (1-100). @default - memory not followed */
  readonly targetMemoryPercent?: number;
}

/** An Ingress through the AWS Load Balancer Controller: an HTTPS-only ALB in front of the Service. */
export interface WorkloadIngress {
  readonly internetFacing: boolean;
  /** The DNS name the ALB routes to the workload. */
  readonly host: string;
  /** The ACM certificate of the HTTPS listener. */
  readonly certificateArn: string;
  /** ALB group (`alb.ingress.kubernetes.io/group.name`), so that services share one ALB: callers pass `<environment>-public` style names. @default - the scheme: "internet-facing" or "internal" */
  readonly groupName?: string;
  /** CIDRs the ALB admits (`alb.ingress.kubernetes.io/inbound-cidrs`). @default - 0.0.0.0/0 when internet-facing; required (non-empty) when internal */
  readonly inboundCidrs?: readonly string[];
}

/**
 * Default-deny ingress to the pods, except from the listed namespaces' pods and CIDRs on `port`.
 * Enforced only where the cluster enforces NetworkPolicies (VPC CNI network policy). With an
 * `ingress`, list the VPC's CIDR: the ALB sends traffic to the pod IPs.
 */
export interface WorkloadNetworkPolicy {
  /** @default [] */
  readonly allowFromNamespaces?: readonly string[];
  /** @default [] */
  readonly allowFromCidrs?: readonly string[];
}

export interface KubernetesWorkloadProps {
  /** The workload's name: a DNS label (1-63 of a-z0-9-, starting with a letter, ending alphanumeric). Names every object. */
  readonly name: string;
  /** An existing namespace (a DNS label), not created here. @default - a namespace of the workload's own, named after it, created here */
  readonly namespace?: string;
  /** Container image reference. */
  readonly image: string;
  /** @default - the image's entrypoint and command */
  readonly command?: readonly string[];
  /** The container port (1-65535). @default - none: a worker (no Service, no HTTP probes, no ingress allowed) */
  readonly port?: number;
  /** CPU units, 1024 = 1 vCPU (the same unit as ECS), 128-196608: requests and limits. */
  readonly cpu: number;
  /** Memory in MiB, 128-983040: requests and limits. */
  readonly memoryMiB: number;
  /** Pods, 0-1000. Ignored with `autoscaling`: the Deployment then starts at `autoscaling.min`. @default 2 */
  readonly replicas?: number;
  /** @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** HTTP path for liveness and readiness probes and the ALB health check (when `port` is given). @default "/" */
  readonly healthCheckPath?: string;
  /** The service account's AWS role (IRSA annotation eks.amazonaws.com/role-arn). @default - no annotation (EKS Pod Identity associates the role by namespace and service account, or none) */
  readonly irsaRoleArn?: string;
  /** @default - a fixed number of `replicas` */
  readonly autoscaling?: WorkloadAutoscaling;
  /** Needs `port`. @default - reachable inside the cluster only (or not at all, without `port`) */
  readonly ingress?: WorkloadIngress;
  /** @default - no NetworkPolicy */
  readonly networkPolicy?: WorkloadNetworkPolicy;
  /** Extra labels on every object; app.kubernetes.io/name, app.kubernetes.io/managed-by and pod-security.kubernetes.io/* are the workload's. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * What the pods need before the first one starts, such as the Pod Identity association of the
   * service account's role (EKS injects credentials only into pods created after it exists).
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
}

const DNS_LABEL = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DNS_LABEL_RULE = "a DNS label: 1-63 lower-case letters, digits and -, starting with a letter and ending with a letter or digit";
const DNS_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const GROUP_NAME = /^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const RESERVED_LABELS = /^(app\.kubernetes\.io\/(name|managed-by)|pod-security\.kubernetes\.io\/.*)$/;
const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/** The user and group of the containers: any non-root id works; a fixed one keeps volume ownership (fsGroup) predictable. */
const RUN_AS = "10001";

/**
 * One service of the platform's shared workload spec on EKS: a namespace of its own under the
 * `restricted` Pod Security Standard, a service account (IRSA or Pod Identity), a hardened
 * Deployment (non-root, read-only root filesystem, no capabilities, RuntimeDefault seccomp,
 * requests equal to limits, spread over zones, zero-downtime rolling updates), a ClusterIP
 * Service, an HTTPS-only ALB Ingress, a HorizontalPodAutoscaler, a PodDisruptionBudget and a
 * default-deny NetworkPolicy.
 *
 * Construct ids (public API): `Namespace`, `ServiceAccount`, `Deployment`, `Service`, `Ingress`,
 * `Autoscaler`, `DisruptionBudget`, `NetworkPolicy`.
 */
export class KubernetesWorkload extends Construct {
  /** The namespace's name: a reference to the namespace when created here, so that objects wait for it. */
  public readonly namespaceName: string;
  public readonly serviceAccountName: string;
  public readonly deployment: DeploymentV1;
  /** The ClusterIP Service, when the workload has a port. */
  public readonly service?: ServiceV1;
  public readonly ingress?: IngressV1;
  /** The ALB's DNS name, known once the Ingress is applied (`status[0].load_balancer[0].ingress[0].hostname`). */
  public readonly loadBalancerHostname?: string;

  constructor(scope: Construct, id: string, props: KubernetesWorkloadProps) {
    super(scope, id);
    const fail = (message: string): never => {
      throw new ValidationError(message, this);
    };
    const literal = (value: string) => !Token.isUnresolved(value);
    const wholeIn = (key: string, value: number, min: number, max: number, what = "a whole number") => {
      if (!Number.isInteger(value) || value < min || value > max) fail(`'${key}' must be ${what} from ${min} to ${max}, got ${showValue(value)}`);
    };
    const cidrs = (key: string, values: readonly string[]) =>
      values.forEach((cidr, i) => {
        if (literal(cidr) && !parseIpv4Cidr(cidr)) fail(`'${key}[${i}]' must be an IPv4 CIDR such as 10.0.0.0/16, got ${showValue(cidr)}`);
      });

    const { name, port, autoscaling, ingress, networkPolicy } = props;
    if (literal(name) && !DNS_LABEL.test(name)) fail(`'name' must be ${DNS_LABEL_RULE}, got ${showValue(name)}`);
    if (props.namespace !== undefined && literal(props.namespace) && !DNS_LABEL.test(props.namespace)) {
      fail(`'namespace' must be ${DNS_LABEL_RULE}, got ${showValue(props.namespace)}`);
    }
    if (literal(props.image) && !/^\S+$/.test(props.image)) fail(`'image' must be a container image reference without spaces, got ${showValue(props.image)}`);
    if (port !== undefined) wholeIn("port", port, 1, 65535);
    wholeIn("cpu", props.cpu, 128, 196608, "a whole number of CPU units (1024 = 1 vCPU)");
    wholeIn("memoryMiB", props.memoryMiB, 128, 983040);
    const replicas = props.replicas ?? 2;
    wholeIn("replicas", replicas, 0, 1000);
    for (const key of Object.keys(props.environment ?? {})) {
      if (!ENV_NAME.test(key)) fail(`'environment' names must be letters, digits and _, not starting with a digit, got ${showValue(key)}`);
    }
    const healthCheckPath = props.healthCheckPath ?? "/";
    if (literal(healthCheckPath) && !healthCheckPath.startsWith("/")) fail(`'healthCheckPath' must start with "/", got ${showValue(healthCheckPath)}`);
    if (props.irsaRoleArn !== undefined && literal(props.irsaRoleArn) && !ROLE_ARN.test(props.irsaRoleArn)) {
      fail(`'irsaRoleArn' must be an IAM role ARN such as arn:aws:iam::123456789012:role/api, got ${showValue(props.irsaRoleArn)}`);
    }
    for (const key of Object.keys(props.labels ?? {})) {
      if (RESERVED_LABELS.test(key)) fail(`'labels.${key}' is set by the workload; remove it`);
    }
    if (autoscaling) {
      wholeIn("autoscaling.min", autoscaling.min, 1, 1000);
      wholeIn("autoscaling.max", autoscaling.max, 1, 1000);
      if (autoscaling.min > autoscaling.max) fail(`'autoscaling.min' must be at most 'autoscaling.max' (${autoscaling.max}), got ${autoscaling.min}`);
      if (autoscaling.targetCpuPercent === undefined && autoscaling.targetMemoryPercent === undefined) {
        fail("'autoscaling' needs 'targetCpuPercent' or 'targetMemoryPercent': the utilization the autoscaler keeps");
      }
      if (autoscaling.targetCpuPercent !== undefined) wholeIn("autoscaling.targetCpuPercent", autoscaling.targetCpuPercent, 1, 100);
      if (autoscaling.targetMemoryPercent !== undefined) wholeIn("autoscaling.targetMemoryPercent", autoscaling.targetMemoryPercent, 1, 100);
    }
    if (ingress) {
      if (port === undefined) fail("'ingress' needs 'port': the port the load balancer sends traffic to");
      if (literal(ingress.host) && (!DNS_NAME.test(ingress.host) || ingress.host.length > 253)) {
        fail(`'ingress.host' must be a DNS name such as api.example.com, got ${showValue(ingress.host)}`);
      }
      if (ingress.groupName !== undefined && literal(ingress.groupName) && !GROUP_NAME.test(ingress.groupName)) {
        fail(`'ingress.groupName' must be 1-63 lower-case letters, digits, - and ., starting and ending with a letter or digit, got ${showValue(ingress.groupName)}`);
      }
      if ((!ingress.internetFacing && ingress.inboundCidrs === undefined) || ingress.inboundCidrs?.length === 0) {
        fail(`'ingress.inboundCidrs' must list at least one IPv4 CIDR (it is required for an internal ingress), got ${showValue(ingress.inboundCidrs)}`);
      }
      cidrs("ingress.inboundCidrs", ingress.inboundCidrs ?? []);
    }
    if (networkPolicy) {
      (networkPolicy.allowFromNamespaces ?? []).forEach((ns, i) => {
        if (literal(ns) && !DNS_LABEL.test(ns)) fail(`'networkPolicy.allowFromNamespaces[${i}]' must be ${DNS_LABEL_RULE}, got ${showValue(ns)}`);
      });
      cidrs("networkPolicy.allowFromCidrs", networkPolicy.allowFromCidrs ?? []);
    }

    const selector = { "app.kubernetes.io/name": name };
    const labels = { ...props.labels, ...selector, "app.kubernetes.io/managed-by": "platform" };
    if (props.namespace === undefined) {
      const psa = Object.fromEntries(["enforce", "audit", "warn"].map((mode) => [`pod-security.kubernetes.io/${mode}`, "restricted"]));
      const namespace = new NamespaceV1(this, "Namespace", {
        metadata: { name, labels: { ...labels, ...psa, "pod-security.kubernetes.io/enforce-version": "latest" } },
      });
      this.namespaceName = namespace.metadata.name;
    } else {
      this.namespaceName = props.namespace;
    }
    const metadata = { name, namespace: this.namespaceName, labels };

    // The token the pods mount is what IRSA exchanges for the role (and what the Pod Identity
    // agent checks), so pods never need the node's instance metadata: the nodes' IMDS hop limit
    // of 1 may keep them out of it.
    const serviceAccount = new ServiceAccountV1(this, "ServiceAccount", {
      metadata: { ...metadata, annotations: props.irsaRoleArn !== undefined ? { "eks.amazonaws.com/role-arn": props.irsaRoleArn } : undefined },
      automountServiceAccountToken: true,
    });
    this.serviceAccountName = serviceAccount.metadata.name;

    const env = Object.entries(props.environment ?? {})
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([envName, value]) => ({ name: envName, value }));
    const cpu = `${Math.ceil((props.cpu * 1000) / 1024)}m`;
    const memory = `${props.memoryMiB}Mi`;
    const probe = { httpGet: { path: healthCheckPath, port: "http" } };
    const seccompProfile = { type: "RuntimeDefault" };
    this.deployment = new DeploymentV1(this, "Deployment", {
      metadata,
      dependsOn: props.dependsOn,
      waitForRollout: true,
      spec: {
        // With an autoscaler, Terraform sets the first count only; the autoscaler owns it afterwards.
        replicas: String(autoscaling ? autoscaling.min : replicas),
        selector: { matchLabels: selector },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "0", maxSurge: "25%" } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: this.serviceAccountName,
            automountServiceAccountToken: true,
            terminationGracePeriodSeconds: 30,
            securityContext: { runAsNonRoot: true, runAsUser: RUN_AS, runAsGroup: RUN_AS, fsGroup: RUN_AS, seccompProfile },
            container: [
              {
                name: "app",
                image: props.image,
                command: props.command ? [...props.command] : undefined,
                env: env.length > 0 ? env : undefined,
                port: port !== undefined ? [{ containerPort: port, name: "http", protocol: "TCP" }] : undefined,
                resources: { requests: { cpu, memory }, limits: { cpu, memory } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  privileged: false,
                  capabilities: { drop: ["ALL"] },
                  seccompProfile,
                },
                // The root filesystem is read-only; most runtimes and libraries still need a
                // writable temporary directory.
                volumeMount: [{ name: "tmp", mountPath: "/tmp" }],
                readinessProbe: port !== undefined ? { ...probe, initialDelaySeconds: 5, periodSeconds: 10 } : undefined,
                livenessProbe: port !== undefined ? { ...probe, initialDelaySeconds: 15, periodSeconds: 20, failureThreshold: 3 } : undefined,
              },
            ],
            volume: [{ name: "tmp", emptyDir: {} }],
            topologySpreadConstraint: [
              { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: [{ matchLabels: selector }] },
            ],
          },
        },
      },
      lifecycle: autoscaling ? { ignoreChanges: ["spec[0].replicas"] } : undefined,
    });

    if (port !== undefined) {
      this.service = new ServiceV1(this, "Service", {
        metadata,
        spec: { type: "ClusterIP", selector, port: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }] },
      });
    }

    if (ingress && this.service) {
      const scheme = ingress.internetFacing ? "internet-facing" : "internal";
      const ingressResource = new IngressV1(this, "Ingress", {
        metadata: {
          ...metadata,
          annotations: {
            "alb.ingress.kubernetes.io/scheme": scheme,
            "alb.ingress.kubernetes.io/target-type": "ip",
            "alb.ingress.kubernetes.io/listen-ports": JSON.stringify([{ HTTPS: 443 }]),
            "alb.ingress.kubernetes.io/certificate-arn": ingress.certificateArn,
            "alb.ingress.kubernetes.io/ssl-policy": TLS_POLICY,
            "alb.ingress.kubernetes.io/group.name": ingress.groupName ?? scheme,
            "alb.ingress.kubernetes.io/healthcheck-path": healthCheckPath,
            "alb.ingress.kubernetes.io/inbound-cidrs": (ingress.inboundCidrs ?? ["0.0.0.0/0"]).join(","),
            "alb.ingress.kubernetes.io/load-balancer-attributes": "deletion_protection.enabled=false,routing.http.drop_invalid_header_fields.enabled=true",
          },
        },
        waitForLoadBalancer: true,
        spec: {
          ingressClassName: "alb",
          rule: [
            {
              host: ingress.host,
              http: { path: [{ path: "/", pathType: "Prefix", backend: { service: { name: this.service.metadata.name, port: { number: 80 } } } }] },
            },
          ],
          tls: [{ hosts: [ingress.host] }],
        },
      });
      this.ingress = ingressResource;
      this.loadBalancerHostname = ingressResource.status.get(0).loadBalancer.get(0).ingress.get(0).hostname;
    }

    if (autoscaling) {
      const target = (resource: string, percent: number | undefined) =>
        percent === undefined ? [] : [{ type: "Resource", resource: { name: resource, target: { type: "Utilization", averageUtilization: percent } } }];
      new HorizontalPodAutoscalerV2(this, "Autoscaler", {
        metadata,
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: this.deployment.metadata.name },
          minReplicas: autoscaling.min,
          maxReplicas: autoscaling.max,
          metric: [...target("cpu", autoscaling.targetCpuPercent), ...target("memory", autoscaling.targetMemoryPercent)],
        },
      });
    }

    // No budget below two pods: there is no availability to keep (maxUnavailable 1 would allow
    // every eviction anyway), and a stricter budget would block node drains.
    if ((autoscaling ? autoscaling.max : replicas) >= 2) {
      new PodDisruptionBudgetV1(this, "DisruptionBudget", {
        metadata,
        spec: { maxUnavailable: "1", selector: { matchLabels: selector } },
      });
    }

    if (networkPolicy) {
      const from = [
        ...(networkPolicy.allowFromNamespaces?.length
          ? [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...networkPolicy.allowFromNamespaces] }] } }]
          : []),
        ...(networkPolicy.allowFromCidrs ?? []).map((cidr) => ({ ipBlock: { cidr } })),
      ];
      new NetworkPolicyV1(this, "NetworkPolicy", {
        metadata,
        spec: {
          podSelector: { matchLabels: selector },
          policyTypes: ["Ingress"],
          // A rule with no sources would admit everyone: without a port or sources, no rule (deny all).
          ingress: port !== undefined && from.length > 0 ? [{ from, ports: [{ port: String(port), protocol: "TCP" }] }] : undefined,
        },
      });
    }
  }
}
