import * as fs from "node:fs";
import * as path from "node:path";
import { Testing, type App } from "cdktf";
import { testEnvironmentConfig, type EnvironmentConfig, type SynthesizedStack } from "@platform/core";
import { KubernetesWorkload } from "@platform/eks";
import { EcsStack, buildEnvironment, type EnvironmentStacks } from "../src";
import {
  ACCOUNT,
  EKS,
  EKS_STATE,
  OTHER_ZONE,
  ZONE,
  environment,
  prepareAndSynth,
  resource,
  resourceKey,
  resources,
  statements,
  type EksInput,
  type Resource,
  type ServiceInput,
} from "./eks-support";

/** The hosted zone of external-dns, when a test has one. */
const DNS_ZONE = OTHER_ZONE;
const VPC_CIDR = "10.0.0.0/16";
const NGINX = "public.ecr.aws/nginx/nginx:1.27";
const REGISTRY_STATE = "data.terraform_remote_state.cross-stack-reference-input-test-registry";

const ECR: EnvironmentConfig["ecr"] = { repositories: { app: {}, "team/web": {} } };
const ON_EKS: ServiceInput = { runtime: "eks", image: { repository: "app", tag: "1.0.0" }, cpu: 256, memoryMiB: 512 };
const FARGATE: ServiceInput = { ...ON_EKS, runtime: "ecs-fargate" };
const PUBLIC = { port: 8080, exposure: "public", domain: { name: "api.example.com", hostedZoneId: ZONE } } as const;
const INTERNAL = { port: 80, exposure: "internal", domain: { name: "web.internal.example.com", hostedZoneId: ZONE } } as const;

/** Every stack of an environment with the registry, an eks section and these services, in one app. */
function servicesEnvironment(services: Record<string, ServiceInput>, eks: Partial<EksInput> = {}, overrides: Partial<EnvironmentConfig> = {}): { app: App; stacks: EnvironmentStacks } {
  return environment({ ...EKS, ...eks }, { ecr: ECR, services, ...overrides });
}

/** The synthesized `<env>-eks-workloads` stack of an environment with these services. */
function workloadsOut(services: Record<string, ServiceInput>, eks: Partial<EksInput> = {}, overrides: Partial<EnvironmentConfig> = {}): SynthesizedStack {
  const { app, stacks } = servicesEnvironment(services, eks, overrides);
  return prepareAndSynth(app, stacks.eksWorkloads!)[0];
}

/** Every resource as `type.name` → body, optionally only those under a construct path prefix. */
function addresses(out: SynthesizedStack, prefix = ""): Record<string, Resource> {
  const all: Record<string, Resource> = {};
  for (const [type, byName] of Object.entries(out.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) if (name.startsWith(prefix)) all[`${type}.${name}`] = body;
  }
  return all;
}

/** A Kubernetes object of a service's workload: `Namespace`, `Deployment`, `Ingress`, ... */
const k8s = (out: SynthesizedStack, type: string, service: string, id: string) => resource(out, `kubernetes_${type}`, `Services_${service}_Workload_${id}`);
const deployment = (out: SynthesizedStack, service: string) => k8s(out, "deployment_v1", service, "Deployment");
const podSpec = (out: SynthesizedStack, service: string) => ((deployment(out, service).spec as Resource).template as Resource).spec as Resource;
const container = (out: SynthesizedStack, service: string) => {
  const containers = podSpec(out, service).container as Resource[];
  expect(containers).toHaveLength(1);
  return containers[0];
};
const annotations = (out: SynthesizedStack, service: string) => (k8s(out, "ingress_v1", service, "Ingress").metadata as Resource).annotations as Record<string, string>;
const namespaceRef = (out: SynthesizedStack, service: string) => `\${kubernetes_namespace_v1.${resourceKey(out, "kubernetes_namespace_v1", `Services_${service}_Workload_Namespace`)}.metadata[0].name}`;
/** The services that have a Deployment in the stack. */
const deployed = (out: SynthesizedStack) => Object.values(resources(out, "kubernetes_deployment_v1")).map((d) => (d.metadata as Resource).name).sort();

/** The manifest of a synthesized app: stacks and their dependencies. */
function manifestOf(app: App): { stacks: Record<string, { dependencies: string[] }> } {
  app.synth();
  return JSON.parse(fs.readFileSync(path.join(app.outdir, "manifest.json"), "utf8")) as { stacks: Record<string, { dependencies: string[] }> };
}

/** The order in which `cdktf destroy` can take the stacks down: a stack goes once no remaining stack depends on it. */
function destroyOrder(manifest: { stacks: Record<string, { dependencies: string[] }> }): string[] {
  const remaining = new Set(Object.keys(manifest.stacks));
  const order: string[] = [];
  while (remaining.size > 0) {
    const free = [...remaining].filter((name) => ![...remaining].some((other) => manifest.stacks[other].dependencies.includes(name))).sort();
    expect(free.length).toBeGreaterThan(0); // no cycle
    for (const name of free) {
      order.push(name);
      remaining.delete(name);
    }
  }
  return order;
}

describe("EksWorkloadsStack services", () => {
  test("one workload per service with runtime eks, at Services/<name>; ECS services are not in it", () => {
    const { app, stacks } = servicesEnvironment({ api: { ...ON_EKS, ...PUBLIC }, web: { ...ON_EKS, image: { reference: NGINX } }, billing: FARGATE, batch: { ...FARGATE, schedule: "rate(1 hour)" } });
    const workloads = stacks.eksWorkloads!;
    expect(Object.keys(workloads.workloads)).toEqual(["api", "web"]);
    for (const name of ["api", "web"]) {
      expect(workloads.workloads[name]).toBeInstanceOf(KubernetesWorkload);
      expect(workloads.workloads[name].node.path).toBe(`test-eks-workloads/Services/${name}/Workload`);
    }
    const [out] = prepareAndSynth(app, workloads);
    expect(deployed(out)).toEqual(["api", "web"]);
    expect(Object.keys(addresses(out)).filter((a) => /billing|batch/.test(a))).toEqual([]);
    expect(out.output?.namespaces).toEqual({
      value: { api: namespaceRef(out, "api"), web: namespaceRef(out, "web") },
      description: "Kubernetes namespaces by service",
    });
  });

  test("with no service on eks the stack is still there, with no workloads", () => {
    const out = workloadsOut({ billing: FARGATE });
    expect(resources(out, "kubernetes_deployment_v1")).toEqual({});
    expect(out.output?.namespaces).toEqual({ value: {}, description: "Kubernetes namespaces by service" });
  });

  test("a namespace of its own, named after the service, under the restricted Pod Security Standard", () => {
    const out = workloadsOut({ api: ON_EKS });
    expect(k8s(out, "namespace_v1", "api", "Namespace")).toEqual({
      metadata: {
        name: "api",
        labels: {
          "app.kubernetes.io/name": "api",
          "app.kubernetes.io/managed-by": "platform",
          "pod-security.kubernetes.io/enforce": "restricted",
          "pod-security.kubernetes.io/audit": "restricted",
          "pod-security.kubernetes.io/warn": "restricted",
          "pod-security.kubernetes.io/enforce-version": "latest",
        },
      },
    });
  });

  test("a service account in that namespace, and a Deployment that runs as it, with the restricted security context", () => {
    const out = workloadsOut({ api: { ...ON_EKS, cpu: 512, memoryMiB: 1024, environment: { LOG_LEVEL: "info", A_FIRST: "1" }, command: ["/app", "serve"], healthCheckPath: "/healthz", port: 8080 } });
    const serviceAccountKey = resourceKey(out, "kubernetes_service_account_v1", "Services_api_Workload_ServiceAccount");
    expect(k8s(out, "service_account_v1", "api", "ServiceAccount")).toEqual({
      metadata: { name: "api", namespace: namespaceRef(out, "api"), labels: { "app.kubernetes.io/name": "api", "app.kubernetes.io/managed-by": "platform" } },
      automount_service_account_token: true,
    });
    expect(deployment(out, "api")).toMatchObject({ metadata: { name: "api", namespace: namespaceRef(out, "api") }, wait_for_rollout: true });
    expect(podSpec(out, "api")).toMatchObject({
      service_account_name: `\${kubernetes_service_account_v1.${serviceAccountKey}.metadata[0].name}`,
      security_context: { run_as_non_root: true, run_as_user: "10001", run_as_group: "10001", fs_group: "10001", seccomp_profile: { type: "RuntimeDefault" } },
    });
    expect(container(out, "api")).toMatchObject({
      name: "app",
      command: ["/app", "serve"],
      env: [
        { name: "A_FIRST", value: "1" },
        { name: "LOG_LEVEL", value: "info" },
      ],
      port: [{ container_port: 8080, name: "http", protocol: "TCP" }],
      resources: { requests: { cpu: "500m", memory: "1024Mi" }, limits: { cpu: "500m", memory: "1024Mi" } },
      security_context: {
        allow_privilege_escalation: false,
        read_only_root_filesystem: true,
        run_as_non_root: true,
        privileged: false,
        capabilities: { drop: ["ALL"] },
        seccomp_profile: { type: "RuntimeDefault" },
      },
      readiness_probe: { http_get: { path: "/healthz", port: "http" } },
      liveness_probe: { http_get: { path: "/healthz", port: "http" } },
    });
    // A ClusterIP Service for a service with a port.
    expect(k8s(out, "service_v1", "api", "Service")).toMatchObject({ spec: { type: "ClusterIP", selector: { "app.kubernetes.io/name": "api" } } });
  });

  test("the image: a platform repository's URL from the registry stack with the tag, or a reference as given", () => {
    const { app, stacks } = servicesEnvironment({ api: ON_EKS, team: { ...ON_EKS, image: { repository: "team/web", tag: "2.1.0" } }, web: { ...ON_EKS, image: { reference: NGINX } } });
    const [out, registry] = prepareAndSynth(app, stacks.eksWorkloads!, stacks.registry!);
    for (const [service, repository, tag] of [["api", "app", "1.0.0"], ["team", "team--web", "2.1.0"]]) {
      const repositoryKey = resourceKey(registry, "aws_ecr_repository", `Repositories_${repository}`);
      const outputName = `cross-stack-output-aws_ecr_repository${repositoryKey}repository_url`;
      expect(container(out, service).image).toBe(`\${${REGISTRY_STATE}.outputs.${outputName}}:${tag}`);
      expect(registry.output?.[outputName]).toMatchObject({ value: `\${aws_ecr_repository.${repositoryKey}.repository_url}` });
    }
    expect(container(out, "web").image).toBe(NGINX);
  });

  test("with ecr.imageSource, a platform image comes from the source account's repository", () => {
    const out = workloadsOut({ api: ON_EKS }, {}, { ecr: { imageSource: { accountId: "111122223333", region: "eu-central-1" } } });
    expect(container(out, "api").image).toBe("111122223333.dkr.ecr.eu-central-1.amazonaws.com/app:1.0.0");
  });

  test("autoscaling: an HPA on CPU and memory from the service's targets; the Deployment starts at min and leaves the count to it", () => {
    const out = workloadsOut({ api: { ...ON_EKS, replicas: 5, autoscaling: { min: 2, max: 8, targetCpuPercent: 60, targetMemoryPercent: 70 } } });
    const deploymentKey = resourceKey(out, "kubernetes_deployment_v1", "Services_api_Workload_Deployment");
    expect(k8s(out, "horizontal_pod_autoscaler_v2", "api", "Autoscaler")).toMatchObject({
      metadata: { name: "api", namespace: namespaceRef(out, "api") },
      spec: {
        scale_target_ref: { api_version: "apps/v1", kind: "Deployment", name: `\${kubernetes_deployment_v1.${deploymentKey}.metadata[0].name}` },
        min_replicas: 2,
        max_replicas: 8,
        metric: [
          { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", average_utilization: 60 } } },
          { type: "Resource", resource: { name: "memory", target: { type: "Utilization", average_utilization: 70 } } },
        ],
      },
    });
    expect((deployment(out, "api").spec as Resource).replicas).toBe("2");
    expect(deployment(out, "api").lifecycle).toEqual({ ignore_changes: ["spec[0].replicas"] });
  });

  test("autoscaling min 0 (allowed for ECS) starts at, and keeps, one pod on EKS", () => {
    const out = workloadsOut({ api: { ...ON_EKS, autoscaling: { min: 0, max: 3, targetMemoryPercent: 80 } } });
    expect(k8s(out, "horizontal_pod_autoscaler_v2", "api", "Autoscaler")).toMatchObject({ spec: { min_replicas: 1, max_replicas: 3, metric: [expect.objectContaining({ resource: expect.objectContaining({ name: "memory" }) })] } });
    expect((deployment(out, "api").spec as Resource).replicas).toBe("1");
  });

  test("without autoscaling: replicas (default 2) pods, no HPA, and no replica count left to others", () => {
    const out = workloadsOut({ api: { ...ON_EKS, replicas: 3 }, web: ON_EKS });
    expect((deployment(out, "api").spec as Resource).replicas).toBe("3");
    expect((deployment(out, "web").spec as Resource).replicas).toBe("2");
    expect(deployment(out, "api").lifecycle).toBeUndefined();
    expect(resources(out, "kubernetes_horizontal_pod_autoscaler_v2")).toEqual({});
  });

  test("a disruption budget of one pod for services of two or more pods, none for a single pod", () => {
    const out = workloadsOut({ api: ON_EKS, single: { ...ON_EKS, replicas: 1 }, scaled: { ...ON_EKS, replicas: 1, autoscaling: { min: 1, max: 4, targetCpuPercent: 50 } } });
    expect(k8s(out, "pod_disruption_budget_v1", "api", "DisruptionBudget")).toMatchObject({
      metadata: { name: "api", namespace: namespaceRef(out, "api") },
      spec: { max_unavailable: "1", selector: { match_labels: { "app.kubernetes.io/name": "api" } } },
    });
    expect(k8s(out, "pod_disruption_budget_v1", "scaled", "DisruptionBudget")).toMatchObject({ spec: { max_unavailable: "1" } });
    expect(Object.keys(resources(out, "kubernetes_pod_disruption_budget_v1")).filter((k) => k.includes("single"))).toEqual([]);
  });
});

describe("EksWorkloadsStack network policies", () => {
  const policy = (out: SynthesizedStack, service: string) => k8s(out, "network_policy_v1", service, "NetworkPolicy").spec as Resource;

  test("default-deny, admitting on the service's port its callers on EKS and, when exposed, the VPC (the ALB sends to pod IPs)", () => {
    const out = workloadsOut({
      api: { ...ON_EKS, ...PUBLIC, callers: ["web", "worker"] },
      web: { ...ON_EKS, ...INTERNAL },
      worker: ON_EKS,
      quiet: { ...ON_EKS, port: 9000 },
    });
    expect(policy(out, "api")).toEqual({
      pod_selector: { match_labels: { "app.kubernetes.io/name": "api" } },
      policy_types: ["Ingress"],
      ingress: [
        {
          from: [{ namespace_selector: { match_expressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["web", "worker"] }] } }, { ip_block: { cidr: VPC_CIDR } }],
          ports: [{ port: "8080", protocol: "TCP" }],
        },
      ],
    });
    expect(policy(out, "web").ingress).toEqual([{ from: [{ ip_block: { cidr: VPC_CIDR } }], ports: [{ port: "80", protocol: "TCP" }] }]);
    // No callers and no exposure, or no port: nothing is admitted.
    expect(policy(out, "quiet")).toEqual({ pod_selector: { match_labels: { "app.kubernetes.io/name": "quiet" } }, policy_types: ["Ingress"] });
    expect(policy(out, "worker").ingress).toBeUndefined();
  });

  test("the VPC range admitted is the network's", () => {
    const out = workloadsOut({ web: { ...ON_EKS, ...INTERNAL } }, {}, { network: { cidr: "10.42.0.0/16", natGateways: "single" } });
    expect(policy(out, "web").ingress).toEqual([{ from: [{ ip_block: { cidr: "10.42.0.0/16" } }], ports: [{ port: "80", protocol: "TCP" }] }]);
    expect(annotations(out, "web")["alb.ingress.kubernetes.io/inbound-cidrs"]).toBe("10.42.0.0/16");
  });

  test("eks.networkPolicies false: no NetworkPolicy at all", () => {
    const out = workloadsOut({ api: { ...ON_EKS, ...PUBLIC, callers: ["web"] }, web: ON_EKS }, { networkPolicies: false });
    expect(resources(out, "kubernetes_network_policy_v1")).toEqual({});
    expect(deployed(out)).toEqual(["api", "web"]);
  });
});

describe("EksWorkloadsStack identity", () => {
  test("by default a role <env>-eks-<service>-<service> (namespace and service account, never a cluster role's name) trusted by EKS Pod Identity for this cluster, associated with the service account", () => {
    const { app, stacks } = servicesEnvironment({ api: ON_EKS });
    const [out, eks] = prepareAndSynth(app, stacks.eksWorkloads!, stacks.eks!);
    const clusterKey = resourceKey(eks, "aws_eks_cluster", "Cluster");
    const roleKey = resourceKey(out, "aws_iam_role", "Services_api_Role");
    const role = resource(out, "aws_iam_role", "Services_api_Role");
    expect(role).toMatchObject({ name: "test-eks-api-api", description: "Service api of test on EKS" });
    expect(statements(role.assume_role_policy)).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnEquals: { "aws:SourceArn": `\${${EKS_STATE}.outputs.cross-stack-output-aws_eks_cluster${clusterKey}arn}` } },
      },
    ]);
    expect(resource(out, "aws_eks_pod_identity_association", "Services_api_Role_Association")).toEqual({
      cluster_name: `\${${EKS_STATE}.outputs.cross-stack-output-aws_eks_cluster${clusterKey}name}`,
      namespace: "api",
      service_account: "api",
      role_arn: `\${aws_iam_role.${roleKey}.arn}`,
    });
    expect((k8s(out, "service_account_v1", "api", "ServiceAccount").metadata as Resource).annotations).toBeUndefined();
  });

  test('eks.workloadIdentity "irsa": a web-identity trust for system:serviceaccount:<service>:<service>, the role ARN annotation, and no association', () => {
    const { app, stacks } = servicesEnvironment({ api: ON_EKS }, { workloadIdentity: "irsa" });
    const [out, eks] = prepareAndSynth(app, stacks.eksWorkloads!, stacks.eks!);
    const clusterKey = resourceKey(eks, "aws_eks_cluster", "Cluster");
    const oidcKey = resourceKey(eks, "aws_iam_openid_connect_provider", "Cluster_OidcProvider");
    const roleKey = resourceKey(out, "aws_iam_role", "Services_api_Role");
    const issuer = `\${replace(${EKS_STATE}.outputs.cross-stack-output-aws_eks_cluster${clusterKey}identity0oidc0issuer, "https://", "")}`;
    // The condition keys are Terraform templates (the issuer without its scheme), whose quotes
    // Terraform evaluates away: read the document with the template as a placeholder.
    const trust = resource(out, "aws_iam_role", "Services_api_Role").assume_role_policy as string;
    expect(trust.split(issuer)).toHaveLength(3);
    expect(statements(trust.split(issuer).join("ISSUER"))).toEqual([
      {
        Effect: "Allow",
        Principal: { Federated: `\${${EKS_STATE}.outputs.cross-stack-output-aws_iam_openid_connect_provider${oidcKey}arn}` },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { "ISSUER:sub": "system:serviceaccount:api:api", "ISSUER:aud": "sts.amazonaws.com" } },
      },
    ]);
    expect((k8s(out, "service_account_v1", "api", "ServiceAccount").metadata as Resource).annotations).toEqual({ "eks.amazonaws.com/role-arn": `\${aws_iam_role.${roleKey}.arn}` });
    expect(resources(out, "aws_eks_pod_identity_association")).toEqual({});
  });
});

describe("EksWorkloadsStack exposure", () => {
  test("internal: an internal ALB in the <env>-internal group, admitting the VPC range only, HTTPS with the service's validated certificate", () => {
    const out = workloadsOut({ web: { ...ON_EKS, ...INTERNAL, healthCheckPath: "/ready" } });
    const validationKey = resourceKey(out, "aws_acm_certificate_validation", "Services_web_CertificateValidation");
    expect(annotations(out, "web")).toEqual({
      "alb.ingress.kubernetes.io/scheme": "internal",
      "alb.ingress.kubernetes.io/target-type": "ip",
      "alb.ingress.kubernetes.io/listen-ports": '[{"HTTPS":443}]',
      "alb.ingress.kubernetes.io/certificate-arn": `\${aws_acm_certificate_validation.${validationKey}.certificate_arn}`,
      "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
      "alb.ingress.kubernetes.io/group.name": "test-internal",
      "alb.ingress.kubernetes.io/healthcheck-path": "/ready",
      "alb.ingress.kubernetes.io/inbound-cidrs": VPC_CIDR,
      "alb.ingress.kubernetes.io/load-balancer-attributes": "deletion_protection.enabled=false,routing.http.drop_invalid_header_fields.enabled=true",
    });
    const serviceKey = resourceKey(out, "kubernetes_service_v1", "Services_web_Workload_Service");
    expect(k8s(out, "ingress_v1", "web", "Ingress")).toMatchObject({
      wait_for_load_balancer: true,
      spec: {
        ingress_class_name: "alb",
        rule: [{ host: "web.internal.example.com", http: { path: [{ path: "/", path_type: "Prefix", backend: { service: { name: `\${kubernetes_service_v1.${serviceKey}.metadata[0].name}`, port: { number: 80 } } } }] } }],
        tls: [{ hosts: ["web.internal.example.com"] }],
      },
    });
  });

  test("public: an internet-facing ALB in the <env>-public group, open to all", () => {
    const out = workloadsOut({ api: { ...ON_EKS, ...PUBLIC } }, {}, { name: "qa" });
    expect(annotations(out, "api")).toMatchObject({
      "alb.ingress.kubernetes.io/scheme": "internet-facing",
      "alb.ingress.kubernetes.io/group.name": "qa-public",
      "alb.ingress.kubernetes.io/inbound-cidrs": "0.0.0.0/0",
      "alb.ingress.kubernetes.io/healthcheck-path": "/",
    });
  });

  test("services of one exposure share one ALB group; the two exposures use two", () => {
    const out = workloadsOut({
      api: { ...ON_EKS, ...PUBLIC },
      shop: { ...ON_EKS, ...PUBLIC, domain: { name: "shop.example.com", hostedZoneId: ZONE } },
      web: { ...ON_EKS, ...INTERNAL },
    });
    expect(["api", "shop", "web"].map((s) => annotations(out, s)["alb.ingress.kubernetes.io/group.name"])).toEqual(["test-public", "test-public", "test-internal"]);
  });

  test("an ACM certificate for the service's name, validated through a record in its zone", () => {
    const out = workloadsOut({ api: { ...ON_EKS, ...PUBLIC } });
    const certKey = resourceKey(out, "aws_acm_certificate", "Services_api_Certificate");
    const option = (attribute: string) => `\${tolist(aws_acm_certificate.${certKey}.domain_validation_options).0.${attribute}}`;
    expect(resource(out, "aws_acm_certificate", "Services_api_Certificate")).toEqual({
      domain_name: "api.example.com",
      validation_method: "DNS",
      key_algorithm: "EC_prime256v1",
      lifecycle: { create_before_destroy: true },
    });
    expect(resource(out, "aws_route53_record", "Services_api_CertificateRecord")).toEqual({
      zone_id: ZONE,
      name: option("resource_record_name"),
      type: option("resource_record_type"),
      records: [option("resource_record_value")],
      ttl: 300,
      allow_overwrite: true,
    });
    expect(resource(out, "aws_acm_certificate_validation", "Services_api_CertificateValidation")).toEqual({
      certificate_arn: `\${aws_acm_certificate.${certKey}.arn}`,
      validation_record_fqdns: [`\${aws_route53_record.${resourceKey(out, "aws_route53_record", "Services_api_CertificateRecord")}.fqdn}`],
    });
  });

  test("a Route 53 CNAME from the service's name to the Ingress's load balancer", () => {
    const out = workloadsOut({ api: { ...ON_EKS, ...PUBLIC } });
    const ingressKey = resourceKey(out, "kubernetes_ingress_v1", "Services_api_Workload_Ingress");
    expect(resource(out, "aws_route53_record", "Services_api_DnsRecord")).toEqual({
      zone_id: ZONE,
      name: "api.example.com",
      type: "CNAME",
      ttl: 300,
      records: [`\${kubernetes_ingress_v1.${ingressKey}.status[0].load_balancer[0].ingress[0].hostname}`],
    });
  });

  test("no CNAME for a service whose zone external-dns manages; the certificate is still validated in it", () => {
    const out = workloadsOut(
      { api: { ...ON_EKS, ...PUBLIC, domain: { name: "api.example.com", hostedZoneId: DNS_ZONE } }, web: { ...ON_EKS, ...INTERNAL } },
      { addons: { externalDns: { hostedZoneIds: [DNS_ZONE] } } },
    );
    expect(Object.keys(resources(out, "aws_route53_record")).filter((k) => k.includes("DnsRecord"))).toEqual([expect.stringMatching(/^Services_web_DnsRecord_[0-9A-F]{8}$/)]);
    expect(resource(out, "aws_route53_record", "Services_api_CertificateRecord")).toMatchObject({ zone_id: DNS_ZONE });
    expect(k8s(out, "ingress_v1", "api", "Ingress")).toBeDefined();
  });

  test.each<[string, ServiceInput]>([
    ["by default", { ...ON_EKS, port: 8080 }],
    ["stated", { ...ON_EKS, port: 8080, exposure: "none" }],
  ])("exposure none %s: no Ingress, certificate or record", (_what, api) => {
    const out = workloadsOut({ api });
    for (const type of ["kubernetes_ingress_v1", "aws_acm_certificate", "aws_acm_certificate_validation", "aws_route53_record"]) expect(resources(out, type)).toEqual({});
    expect(k8s(out, "service_v1", "api", "Service")).toBeDefined();
  });
});

describe("EksWorkloadsStack providers", () => {
  test("kubernetes only (no helm), connected through <env>-eks's remote state and a cluster auth token", () => {
    const { app, stacks } = servicesEnvironment({ api: ON_EKS });
    const [out, eks] = prepareAndSynth(app, stacks.eksWorkloads!, stacks.eks!);
    const clusterKey = resourceKey(eks, "aws_eks_cluster", "Cluster");
    const output = (attribute: string) => `${EKS_STATE}.outputs.cross-stack-output-aws_eks_cluster${clusterKey}${attribute}`;
    expect(out.provider?.kubernetes).toEqual([
      { host: `\${${output("endpoint")}}`, cluster_ca_certificate: `\${base64decode(${output("certificate_authority0data")})}`, token: "${data.aws_eks_cluster_auth.ClusterAuth.token}" },
    ]);
    expect(out.provider?.helm).toBeUndefined();
    expect(out.data?.aws_eks_cluster_auth).toEqual({ ClusterAuth: { name: `\${${output("name")}}` } });
    expect(Object.keys((out.terraform?.required_providers as object) ?? {}).sort()).toEqual(["aws", "kubernetes"]);
  });
});

describe("EKS stack dependencies and destroy order (manifest.json)", () => {
  test("<env>-eks-workloads depends on <env>-eks-addons, which depends on <env>-eks, which depends on <env>-network", () => {
    const { app } = servicesEnvironment({ api: { ...ON_EKS, ...PUBLIC } });
    const { stacks } = manifestOf(app);
    expect(Object.keys(stacks).sort()).toEqual(["test-eks", "test-eks-addons", "test-eks-workloads", "test-network", "test-registry"]);
    expect(stacks["test-eks"].dependencies).toEqual(["test-network"]);
    expect(stacks["test-eks-addons"].dependencies).toContain("test-eks");
    expect(stacks["test-eks-workloads"].dependencies).toContain("test-eks-addons");
    expect(stacks["test-eks-workloads"].dependencies).toContain("test-eks");
    expect(stacks["test-network"].dependencies).toEqual([]);
  });

  test("the add-ons dependency holds even when no workload references the add-ons stack", () => {
    const app = Testing.app();
    buildEnvironment(app, testEnvironmentConfig({ name: "qa", eks: { ...EKS, addons: { autoscaler: "none", loadBalancerController: false, metricsServer: false } } }));
    const { stacks } = manifestOf(app);
    expect(stacks["qa-eks-workloads"].dependencies).toContain("qa-eks-addons");
    expect(stacks["qa-eks-addons"].dependencies).toContain("qa-eks");
  });

  test("with CI access, <env>-eks depends on <env>-ci-access: its access entries name the CI roles", () => {
    const { app } = servicesEnvironment({ api: ON_EKS }, {}, { ci: { repository: "acme/platform" } });
    expect(manifestOf(app).stacks["test-eks"].dependencies.sort()).toEqual(["test-ci-access", "test-network"]);
  });

  test("so cdktf destroys the workloads first, then the add-ons, then the cluster, then the network", () => {
    const { app } = servicesEnvironment({ api: { ...ON_EKS, ...PUBLIC }, billing: FARGATE }, {}, { ci: { repository: "acme/platform" } });
    const order = destroyOrder(manifestOf(app));
    const at = (name: string) => order.indexOf(name);
    expect(at("test-eks-workloads")).toBeGreaterThanOrEqual(0);
    expect(at("test-eks-workloads")).toBeLessThan(at("test-eks-addons"));
    expect(at("test-eks-addons")).toBeLessThan(at("test-eks"));
    expect(at("test-eks")).toBeLessThan(at("test-network"));
    expect(at("test-ecs")).toBeLessThan(at("test-network"));
  });
});

describe("moving a service between ECS and EKS", () => {
  // A service with nothing ECS-only: it runs the same on either runtime.
  const api: ServiceInput = { ...FARGATE, ...PUBLIC, autoscaling: { min: 2, max: 6, targetCpuPercent: 60 }, environment: { LOG_LEVEL: "info" }, healthCheckPath: "/health" };
  const other: ServiceInput = { ...FARGATE, image: { reference: NGINX } };
  const config = (runtime: ServiceInput["runtime"]): Partial<EnvironmentConfig> => ({ ecr: ECR, eks: EKS, services: { api: { ...api, runtime }, other } });

  function build(overrides: Partial<EnvironmentConfig>): { ecs: SynthesizedStack; workloads: SynthesizedStack } {
    const app = Testing.app();
    const stacks = buildEnvironment(app, testEnvironmentConfig(overrides));
    expect(stacks.ecs).toBeInstanceOf(EcsStack);
    const [ecs, workloads] = prepareAndSynth(app, stacks.ecs!, stacks.eksWorkloads!);
    return { ecs, workloads };
  }
  const ecsServices = (out: SynthesizedStack) => Object.values(resources(out, "aws_ecs_service")).map((s) => s.name).sort();

  test('runtime "ecs-fargate": an ECS service in <env>-ecs, and nothing in <env>-eks-workloads', () => {
    const { ecs, workloads } = build(config("ecs-fargate"));
    expect(ecsServices(ecs)).toEqual(["test-api", "test-other"]);
    expect(deployed(workloads)).toEqual([]);
    expect(Object.keys(addresses(workloads, "Services_api_"))).toEqual([]);
  });

  test('flipping runtime to "eks" (one line) takes it out of <env>-ecs and puts its Deployment, exposed the same way, in <env>-eks-workloads', () => {
    const before = config("ecs-fargate");
    const after = config("eks");
    // Only the runtime differs.
    expect({ ...after, services: { ...after.services, api: { ...after.services!.api, runtime: "ecs-fargate" } } }).toEqual(before);

    const onEcs = build(before);
    const onEks = build(after);
    expect(ecsServices(onEks.ecs)).toEqual(["test-other"]);
    expect(Object.keys(addresses(onEks.ecs, "Services_api_"))).toEqual([]);
    // The other service keeps its resources and settings in <env>-ecs.
    expect(addresses(onEks.ecs, "Services_other_")).toEqual(addresses(onEcs.ecs, "Services_other_"));
    expect(Object.keys(addresses(onEcs.ecs, "Services_other_")).length).toBeGreaterThan(0);

    expect(deployed(onEks.workloads)).toEqual(["api"]);
    expect(container(onEks.workloads, "api")).toMatchObject({ env: [{ name: "LOG_LEVEL", value: "info" }], port: [expect.objectContaining({ container_port: 8080 })] });
    expect(container(onEks.workloads, "api").image).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-test-registry\.outputs\.cross-stack-output-aws_ecr_repositoryRepositories_app_[0-9A-F]{8}repository_url\}:1\.0\.0$/);
    expect(k8s(onEks.workloads, "horizontal_pod_autoscaler_v2", "api", "Autoscaler")).toMatchObject({ spec: { min_replicas: 2, max_replicas: 6 } });
    expect(annotations(onEks.workloads, "api")).toMatchObject({ "alb.ingress.kubernetes.io/scheme": "internet-facing", "alb.ingress.kubernetes.io/healthcheck-path": "/health" });
    expect(resource(onEks.workloads, "aws_route53_record", "Services_api_DnsRecord")).toMatchObject({ name: "api.example.com", zone_id: ZONE });
    expect(resource(onEks.workloads, "aws_acm_certificate", "Services_api_Certificate")).toMatchObject({ domain_name: "api.example.com" });
  });

  test("moving the only ECS service to eks removes <env>-ecs altogether", () => {
    const app = Testing.app();
    const stacks = buildEnvironment(app, testEnvironmentConfig({ ecr: ECR, eks: EKS, services: { api: { ...api, runtime: "eks" } } }));
    expect(stacks.ecs).toBeUndefined();
    expect(Object.keys(stacks.eksWorkloads!.workloads)).toEqual(["api"]);
  });
});

describe("EksWorkloadsStack ordering", () => {
  test("pods wait for their role's Pod Identity association and policies: the Deployment depends on them", () => {
    const { app, stacks } = servicesEnvironment({ api: ON_EKS });
    const [out] = prepareAndSynth(app, stacks.eksWorkloads!, stacks.eks!);
    const deployment = Object.values(out.resource?.kubernetes_deployment_v1 ?? {})[0] as Resource;
    const dependsOn = deployment.depends_on as string[];
    expect(dependsOn).toContain(`aws_eks_pod_identity_association.${resourceKey(out, "aws_eks_pod_identity_association", "Services_api_Role_Association")}`);
    expect(dependsOn).toContain(`aws_iam_role.${resourceKey(out, "aws_iam_role", "Services_api_Role")}`);
  });
});
