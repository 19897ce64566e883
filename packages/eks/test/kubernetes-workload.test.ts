// A KubernetesWorkload: its namespace, service account, Deployment, Service, Ingress,
// HorizontalPodAutoscaler, PodDisruptionBudget and NetworkPolicy, as synthesized Terraform.
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { countOfType as count, singleOfType, synthesizeWithOutputs, terraformRef, testStack, type SynthesizedStack } from "@platform/core";
import { KubernetesWorkload, type KubernetesWorkloadProps } from "../src/kubernetes-workload";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CERTIFICATE_ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789";
const ROLE_ARN = "arn:aws:iam::123456789012:role/test-api";
const MANAGED = { "app.kubernetes.io/name": "api", "app.kubernetes.io/managed-by": "platform" };
const SELECTOR = { "app.kubernetes.io/name": "api" };
const NAMESPACED = [
  "kubernetes_service_account_v1",
  "kubernetes_deployment_v1",
  "kubernetes_service_v1",
  "kubernetes_ingress_v1",
  "kubernetes_horizontal_pod_autoscaler_v2",
  "kubernetes_pod_disruption_budget_v1",
  "kubernetes_network_policy_v1",
];

interface Built {
  readonly workload: KubernetesWorkload;
  readonly out: SynthesizedStack;
  readonly outputs: Record<string, unknown>;
}

/** Workload `Api` (name `api`, port 8080, 256 CPU units, 512 MiB) with `overrides`, synthesized with outputs of its public fields. */
function build(overrides: Partial<KubernetesWorkloadProps> = {}): Built {
  const stack = testStack();
  new KubernetesProvider(stack, "kubernetes", {});
  const workload = new KubernetesWorkload(stack, "Api", { name: "api", image: "example.com/api:v1", port: 8080, cpu: 256, memoryMiB: 512, ...overrides });
  const { out, outputs } = synthesizeWithOutputs(stack, {
    namespaceName: workload.namespaceName,
    serviceAccountName: workload.serviceAccountName,
    deploymentName: workload.deployment.metadata.name,
    ...(workload.loadBalancerHostname !== undefined ? { loadBalancerHostname: workload.loadBalancerHostname } : {}),
  });
  return { workload, out, outputs };
}

/** The only resource of a type. */
function body(out: SynthesizedStack, type: string): Json {
  return singleOfType(out, type).resource as Json;
}

/** `${<type>.<name>.metadata[0].name}` of the only resource of a type. */
function nameRef(out: SynthesizedStack, type: string): string {
  return terraformRef(type, singleOfType(out, type).name, "metadata[0].name");
}

function podSpec(out: SynthesizedStack): Json {
  return body(out, "kubernetes_deployment_v1").spec.template.spec;
}

function container(out: SynthesizedStack): Json {
  const containers = podSpec(out).container as Json[];
  expect(containers).toHaveLength(1);
  return containers[0];
}

function annotations(out: SynthesizedStack): Record<string, string> {
  return body(out, "kubernetes_ingress_v1").metadata.annotations;
}

describe("defaults: a web service", () => {
  let built: Built;
  let out: SynthesizedStack;
  beforeAll(() => {
    built = build();
    out = built.out;
  });

  test("the resources and their construct ids", () => {
    const names = Object.entries(out.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((n) => `${type}.${n.replace(/_[0-9A-F]{8}$/, "")}`));
    expect(names.sort()).toEqual([
      "kubernetes_deployment_v1.Api_Deployment",
      "kubernetes_namespace_v1.Api_Namespace",
      "kubernetes_pod_disruption_budget_v1.Api_DisruptionBudget",
      "kubernetes_service_account_v1.Api_ServiceAccount",
      "kubernetes_service_v1.Api_Service",
    ]);
  });

  test("a namespace named after the workload, under the restricted Pod Security Standard", () => {
    expect(body(out, "kubernetes_namespace_v1")).toEqual({
      metadata: {
        name: "api",
        labels: {
          ...MANAGED,
          "pod-security.kubernetes.io/enforce": "restricted",
          "pod-security.kubernetes.io/enforce-version": "latest",
          "pod-security.kubernetes.io/audit": "restricted",
          "pod-security.kubernetes.io/warn": "restricted",
        },
      },
    });
  });

  test("every other object is named api, in the namespace by reference, with the workload's labels", () => {
    const namespace = nameRef(out, "kubernetes_namespace_v1");
    for (const type of NAMESPACED.filter((t) => count(out, t) > 0)) {
      expect(body(out, type).metadata).toMatchObject({ name: "api", namespace, labels: MANAGED });
    }
    expect(built.outputs.namespaceName).toBe(namespace);
  });

  test("the service account: token mounted, no IRSA annotation", () => {
    const serviceAccount = body(out, "kubernetes_service_account_v1");
    expect(serviceAccount.automount_service_account_token).toBe(true);
    expect(serviceAccount.metadata.annotations).toBeUndefined();
    expect(built.outputs.serviceAccountName).toBe(nameRef(out, "kubernetes_service_account_v1"));
  });

  test("the deployment: 2 replicas, selected by name, zero-downtime rolling updates, waits for the rollout", () => {
    const deployment = body(out, "kubernetes_deployment_v1");
    expect(deployment.wait_for_rollout).toBe(true);
    expect(deployment.lifecycle).toBeUndefined();
    expect(deployment.spec).toMatchObject({
      replicas: "2",
      selector: { match_labels: SELECTOR },
      strategy: { type: "RollingUpdate", rolling_update: { max_unavailable: "0", max_surge: "25%" } },
      template: { metadata: { labels: MANAGED } },
    });
    expect(built.outputs.deploymentName).toBe(nameRef(out, "kubernetes_deployment_v1"));
  });

  test("the pod: the service account by reference, non-root 10001, RuntimeDefault seccomp, spread over zones", () => {
    const pod = podSpec(out);
    expect(pod.service_account_name).toBe(nameRef(out, "kubernetes_service_account_v1"));
    expect(pod.automount_service_account_token).toBe(true);
    expect(pod.termination_grace_period_seconds).toBe(30);
    expect(pod.security_context).toEqual({
      run_as_non_root: true,
      run_as_user: "10001",
      run_as_group: "10001",
      fs_group: "10001",
      seccomp_profile: { type: "RuntimeDefault" },
    });
    expect(pod.topology_spread_constraint).toEqual([
      { max_skew: 1, topology_key: "topology.kubernetes.io/zone", when_unsatisfiable: "ScheduleAnyway", label_selector: [{ match_labels: SELECTOR }] },
    ]);
  });

  test("one container, app: the image and its own command, the port named http, no environment", () => {
    const app = container(out);
    expect(app.name).toBe("app");
    expect(app.image).toBe("example.com/api:v1");
    expect(app.command).toBeUndefined();
    expect(app.env).toBeUndefined();
    expect(app.port).toEqual([{ container_port: 8080, name: "http", protocol: "TCP" }]);
  });

  test("requests equal limits: 256 CPU units are 250m, 512 MiB are 512Mi", () => {
    expect(container(out).resources).toEqual({ requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "250m", memory: "512Mi" } });
  });

  test("hardened container: no privilege escalation, read-only root filesystem, every capability dropped", () => {
    expect(container(out).security_context).toEqual({
      allow_privilege_escalation: false,
      read_only_root_filesystem: true,
      run_as_non_root: true,
      privileged: false,
      capabilities: { drop: ["ALL"] },
      seccomp_profile: { type: "RuntimeDefault" },
    });
  });

  test("/tmp is a writable emptyDir", () => {
    expect(container(out).volume_mount).toEqual([{ name: "tmp", mount_path: "/tmp" }]);
    expect(podSpec(out).volume).toEqual([{ name: "tmp", empty_dir: {} }]);
  });

  test("readiness and liveness probes: HTTP GET / on the http port", () => {
    const app = container(out);
    expect(app.readiness_probe).toEqual({ http_get: { path: "/", port: "http" }, initial_delay_seconds: 5, period_seconds: 10 });
    expect(app.liveness_probe).toEqual({ http_get: { path: "/", port: "http" }, initial_delay_seconds: 15, period_seconds: 20, failure_threshold: 3 });
  });

  test("a ClusterIP service: port 80 to the http port of the pods", () => {
    expect(body(out, "kubernetes_service_v1").spec).toEqual({
      type: "ClusterIP",
      selector: SELECTOR,
      port: [{ name: "http", port: 80, target_port: "http", protocol: "TCP" }],
    });
    expect(built.workload.service).toBeDefined();
  });

  test("a disruption budget of one pod at a time", () => {
    expect(body(out, "kubernetes_pod_disruption_budget_v1").spec).toEqual({ max_unavailable: "1", selector: { match_labels: SELECTOR } });
  });

  test("no ingress, no load balancer hostname", () => {
    expect(built.workload.ingress).toBeUndefined();
    expect(built.workload.loadBalancerHostname).toBeUndefined();
  });
});

describe("size", () => {
  test.each([
    [128, "125m"],
    [256, "250m"],
    [1000, "977m"],
    [1024, "1000m"],
    [4096, "4000m"],
    [196608, "192000m"],
  ])("%d CPU units are %s", (cpu, millicores) => {
    const { resources } = container(build({ cpu }).out);
    expect(resources.requests.cpu).toBe(millicores);
    expect(resources.limits.cpu).toBe(millicores);
  });

  test.each([128, 3072, 983040])("%d MiB", (memoryMiB) => {
    const { resources } = container(build({ memoryMiB }).out);
    expect(resources.requests.memory).toBe(`${memoryMiB}Mi`);
    expect(resources.limits.memory).toBe(`${memoryMiB}Mi`);
  });
});

describe("a worker: no port", () => {
  let built: Built;
  beforeAll(() => {
    built = build({ port: undefined });
  });

  test("no service, no container port, no probes", () => {
    expect(count(built.out, "kubernetes_service_v1")).toBe(0);
    expect(built.workload.service).toBeUndefined();
    const app = container(built.out);
    expect(app.port).toBeUndefined();
    expect(app.readiness_probe).toBeUndefined();
    expect(app.liveness_probe).toBeUndefined();
  });

  test("still hardened, with /tmp and a disruption budget", () => {
    expect(container(built.out).security_context.read_only_root_filesystem).toBe(true);
    expect(podSpec(built.out).volume).toEqual([{ name: "tmp", empty_dir: {} }]);
    expect(count(built.out, "kubernetes_pod_disruption_budget_v1")).toBe(1);
  });
});

describe("replicas", () => {
  test.each([0, 1])("%d: no disruption budget", (replicas) => {
    const { out } = build({ replicas });
    expect(body(out, "kubernetes_deployment_v1").spec.replicas).toBe(String(replicas));
    expect(count(out, "kubernetes_pod_disruption_budget_v1")).toBe(0);
  });

  test.each([2, 3, 1000])("%d: a disruption budget", (replicas) => {
    const { out } = build({ replicas });
    expect(body(out, "kubernetes_deployment_v1").spec.replicas).toBe(String(replicas));
    expect(count(out, "kubernetes_pod_disruption_budget_v1")).toBe(1);
  });
});

describe("the container", () => {
  test("command", () => {
    expect(container(build({ command: ["node", "server.js"] }).out).command).toEqual(["node", "server.js"]);
  });

  test("environment, sorted by name", () => {
    const { env } = container(build({ environment: { PORT: "8080", LOG_LEVEL: "info", _DEBUG: "0", APP_ENV: "test" } }).out);
    expect(env).toEqual([
      { name: "APP_ENV", value: "test" },
      { name: "LOG_LEVEL", value: "info" },
      { name: "PORT", value: "8080" },
      { name: "_DEBUG", value: "0" },
    ]);
  });

  test("healthCheckPath: both probes and the ALB health check", () => {
    const { out } = build({ healthCheckPath: "/healthz", ingress: { internetFacing: true, host: "api.example.com", certificateArn: CERTIFICATE_ARN } });
    expect(container(out).readiness_probe.http_get).toEqual({ path: "/healthz", port: "http" });
    expect(container(out).liveness_probe.http_get).toEqual({ path: "/healthz", port: "http" });
    expect(annotations(out)["alb.ingress.kubernetes.io/healthcheck-path"]).toBe("/healthz");
  });
});

describe("an existing namespace", () => {
  let built: Built;
  beforeAll(() => {
    built = build({ namespace: "shared", autoscaling: { min: 2, max: 4, targetCpuPercent: 60 }, networkPolicy: { allowFromCidrs: ["10.0.0.0/16"] } });
  });

  test("is not created", () => {
    expect(count(built.out, "kubernetes_namespace_v1")).toBe(0);
  });

  test("every object is in it by name", () => {
    for (const type of NAMESPACED.filter((t) => count(built.out, t) > 0)) {
      expect(body(built.out, type).metadata.namespace).toBe("shared");
    }
    expect(count(built.out, "kubernetes_horizontal_pod_autoscaler_v2")).toBe(1);
    expect(built.outputs.namespaceName).toBe("shared");
  });
});

test("irsaRoleArn annotates the service account", () => {
  const serviceAccount = body(build({ irsaRoleArn: ROLE_ARN }).out, "kubernetes_service_account_v1");
  expect(serviceAccount.metadata.annotations).toEqual({ "eks.amazonaws.com/role-arn": ROLE_ARN });
  expect(serviceAccount.automount_service_account_token).toBe(true);
});

test("labels go on every object and the pods, and leave the selectors alone", () => {
  const labels = { team: "payments", "example.com/tier": "backend" };
  const { out } = build({
    labels,
    autoscaling: { min: 2, max: 4, targetCpuPercent: 60 },
    ingress: { internetFacing: true, host: "api.example.com", certificateArn: CERTIFICATE_ARN },
    networkPolicy: {},
  });
  for (const type of ["kubernetes_namespace_v1", ...NAMESPACED]) {
    expect(body(out, type).metadata.labels).toMatchObject({ ...labels, ...MANAGED });
  }
  const deployment = body(out, "kubernetes_deployment_v1");
  expect(deployment.spec.template.metadata.labels).toEqual({ ...labels, ...MANAGED });
  expect(deployment.spec.selector).toEqual({ match_labels: SELECTOR });
  expect(body(out, "kubernetes_service_v1").spec.selector).toEqual(SELECTOR);
  expect(body(out, "kubernetes_pod_disruption_budget_v1").spec.selector).toEqual({ match_labels: SELECTOR });
  expect(body(out, "kubernetes_network_policy_v1").spec.pod_selector).toEqual({ match_labels: SELECTOR });
});

describe("autoscaling", () => {
  test("an autoscaler of the deployment by reference, on CPU", () => {
    const { out } = build({ autoscaling: { min: 2, max: 10, targetCpuPercent: 70 } });
    expect(body(out, "kubernetes_horizontal_pod_autoscaler_v2").spec).toEqual({
      scale_target_ref: { api_version: "apps/v1", kind: "Deployment", name: nameRef(out, "kubernetes_deployment_v1") },
      min_replicas: 2,
      max_replicas: 10,
      metric: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", average_utilization: 70 } } }],
    });
  });

  test("on memory, and on both", () => {
    const memory = build({ autoscaling: { min: 1, max: 3, targetMemoryPercent: 80 } }).out;
    expect(body(memory, "kubernetes_horizontal_pod_autoscaler_v2").spec.metric).toEqual([
      { type: "Resource", resource: { name: "memory", target: { type: "Utilization", average_utilization: 80 } } },
    ]);
    const both = build({ autoscaling: { min: 1, max: 3, targetCpuPercent: 60, targetMemoryPercent: 80 } }).out;
    expect(body(both, "kubernetes_horizontal_pod_autoscaler_v2").spec.metric.map((m: Json) => [m.resource.name, m.resource.target.average_utilization])).toEqual([
      ["cpu", 60],
      ["memory", 80],
    ]);
  });

  test("the deployment starts at min, whatever replicas says, and Terraform leaves the count to the autoscaler", () => {
    const deployment = body(build({ replicas: 7, autoscaling: { min: 3, max: 10, targetCpuPercent: 70 } }).out, "kubernetes_deployment_v1");
    expect(deployment.spec.replicas).toBe("3");
    expect(deployment.lifecycle).toEqual({ ignore_changes: ["spec[0].replicas"] });
  });

  test.each([
    [1, 1, 0],
    [1, 2, 1],
    [1, 5, 1],
  ])("min %d, max %d: %d disruption budgets (by the most replicas), whatever replicas says", (min, max, budgets) => {
    const { out } = build({ replicas: 1, autoscaling: { min, max, targetCpuPercent: 70 } });
    expect(count(out, "kubernetes_pod_disruption_budget_v1")).toBe(budgets);
  });
});

describe("ingress", () => {
  test("internet-facing: the ALB controller's annotations, HTTPS only, from anywhere", () => {
    const { out } = build({ ingress: { internetFacing: true, host: "api.example.com", certificateArn: CERTIFICATE_ARN } });
    expect(annotations(out)).toEqual({
      "alb.ingress.kubernetes.io/scheme": "internet-facing",
      "alb.ingress.kubernetes.io/target-type": "ip",
      "alb.ingress.kubernetes.io/listen-ports": '[{"HTTPS":443}]',
      "alb.ingress.kubernetes.io/certificate-arn": CERTIFICATE_ARN,
      "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
      "alb.ingress.kubernetes.io/group.name": "internet-facing",
      "alb.ingress.kubernetes.io/healthcheck-path": "/",
      "alb.ingress.kubernetes.io/inbound-cidrs": "0.0.0.0/0",
      "alb.ingress.kubernetes.io/load-balancer-attributes": "deletion_protection.enabled=false,routing.http.drop_invalid_header_fields.enabled=true",
    });
  });

  test("the alb class, the host to the service's port 80, TLS for the host, waits for the load balancer", () => {
    const { out, workload } = build({ ingress: { internetFacing: true, host: "api.example.com", certificateArn: CERTIFICATE_ARN } });
    const ingress = body(out, "kubernetes_ingress_v1");
    expect(ingress.wait_for_load_balancer).toBe(true);
    expect(ingress.spec).toEqual({
      ingress_class_name: "alb",
      rule: [
        {
          host: "api.example.com",
          http: { path: [{ path: "/", path_type: "Prefix", backend: { service: { name: nameRef(out, "kubernetes_service_v1"), port: { number: 80 } } } }] },
        },
      ],
      tls: [{ hosts: ["api.example.com"] }],
    });
    expect(workload.ingress).toBeDefined();
  });

  test("loadBalancerHostname: the ingress status's hostname", () => {
    const { out, outputs } = build({ ingress: { internetFacing: true, host: "api.example.com", certificateArn: CERTIFICATE_ARN } });
    const ingress = singleOfType(out, "kubernetes_ingress_v1").name;
    expect(outputs.loadBalancerHostname).toBe(terraformRef("kubernetes_ingress_v1", ingress, "status[0].load_balancer[0].ingress[0].hostname"));
  });

  test("internal: the scheme, its group, the CIDRs it admits", () => {
    const { out } = build({ ingress: { internetFacing: false, host: "api.internal.example.com", certificateArn: CERTIFICATE_ARN, inboundCidrs: ["10.0.0.0/16", "192.168.0.0/24"] } });
    expect(annotations(out)).toMatchObject({
      "alb.ingress.kubernetes.io/scheme": "internal",
      "alb.ingress.kubernetes.io/group.name": "internal",
      "alb.ingress.kubernetes.io/inbound-cidrs": "10.0.0.0/16,192.168.0.0/24",
    });
  });

  test("groupName and inboundCidrs of an internet-facing ingress", () => {
    const { out } = build({ ingress: { internetFacing: true, host: "*.example.com", certificateArn: CERTIFICATE_ARN, groupName: "test-public", inboundCidrs: ["203.0.113.0/24"] } });
    expect(annotations(out)).toMatchObject({
      "alb.ingress.kubernetes.io/group.name": "test-public",
      "alb.ingress.kubernetes.io/inbound-cidrs": "203.0.113.0/24",
    });
    expect(body(out, "kubernetes_ingress_v1").spec.tls).toEqual([{ hosts: ["*.example.com"] }]);
  });
});

describe("network policy", () => {
  test("pods of the listed namespaces and the CIDRs, on the container port only", () => {
    const { out } = build({ networkPolicy: { allowFromNamespaces: ["web", "jobs"], allowFromCidrs: ["10.0.0.0/16", "10.1.0.0/16"] } });
    expect(body(out, "kubernetes_network_policy_v1").spec).toEqual({
      pod_selector: { match_labels: SELECTOR },
      policy_types: ["Ingress"],
      ingress: [
        {
          from: [
            { namespace_selector: { match_expressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["web", "jobs"] }] } },
            { ip_block: { cidr: "10.0.0.0/16" } },
            { ip_block: { cidr: "10.1.0.0/16" } },
          ],
          ports: [{ port: "8080", protocol: "TCP" }],
        },
      ],
    });
  });

  test("CIDRs only", () => {
    const { out } = build({ networkPolicy: { allowFromCidrs: ["10.0.0.0/16"] } });
    expect(body(out, "kubernetes_network_policy_v1").spec.ingress).toEqual([{ from: [{ ip_block: { cidr: "10.0.0.0/16" } }], ports: [{ port: "8080", protocol: "TCP" }] }]);
  });

  test.each([{}, { allowFromNamespaces: [], allowFromCidrs: [] }])("no sources (%j): no rule, so nothing gets in", (networkPolicy) => {
    const spec = body(build({ networkPolicy }).out, "kubernetes_network_policy_v1").spec;
    expect(spec.policy_types).toEqual(["Ingress"]);
    expect(spec.ingress).toBeUndefined();
  });

  test("a worker: no rule, whatever the sources", () => {
    const spec = body(build({ port: undefined, networkPolicy: { allowFromNamespaces: ["web"], allowFromCidrs: ["10.0.0.0/16"] } }).out, "kubernetes_network_policy_v1").spec;
    expect(spec.pod_selector).toEqual({ match_labels: SELECTOR });
    expect(spec.ingress).toBeUndefined();
  });
});
