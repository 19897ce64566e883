import { EKS_LOG_TYPES, KUBERNETES_VERSIONS, validateEnvironmentConfig, type EnvironmentConfig } from "../src";
import { configError, problemLines, withChanges } from "./support";

// The `eks` section of an environment's configuration, the rules between it and the rest of the
// configuration, and the rules for services with runtime "eks". Every message, exactly.

const ACCOUNT = "123456789012";
const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ADMINS_ROLE = `arn:aws:iam::${ACCOUNT}:role/platform-admins`;
const SECRET_ARN = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:prod/api/db`;
const ZONE = "Z0123456789ABCDEF";
const DOMAIN = { name: "api.example.com", hostedZoneId: ZONE };
const NGINX = "public.ecr.aws/nginx/nginx:1.27";

const EKS_SETTINGS =
  "version, publicAccessCidrs, logTypes, logRetentionDays, secretsKmsKeyArn, access, nodeGroups, fargateProfiles, addonVersions, workloadIdentity, networkPolicies, addons";
const VERSIONS = '"1.31", "1.32", "1.33"';
const LOG_TYPES = '"api", "audit", "authenticator", "controllerManager", "scheduler"';
const RETENTIONS = "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653";
const ACCESS_LEVELS = '"cluster-admin", "admin", "edit", "view"';
const TAINT_EFFECTS = '"NoSchedule", "NoExecute", "PreferNoSchedule"';
const ADDONS = '"vpc-cni", "eks-pod-identity-agent", "coredns", "kube-proxy", "aws-ebs-csi-driver", "aws-efs-csi-driver"';
const NAMESPACE = "a namespace (a DNS label: 1-63 lower-case letters, digits and -, starting with a letter)";
const LABEL_KEY = "a Kubernetes label key (an optional DNS prefix and /, then 1-63 of A-Za-z0-9_.-)";
const LABEL_VALUE = "a Kubernetes label value (0-63 of A-Za-z0-9_.-, starting and ending alphanumeric)";
const NODE_GROUP_NAME = "a node group name (1-20 lower-case letters, digits and -)";
const NODE_COUNT_0 = "a node count, a whole number from 0 to 450";
const NODE_COUNT_1 = "a node count, a whole number from 1 to 450";
const SERVICE_NAME = "a service name (a DNS label of 2-28 lower-case letters, digits and -, starting with a letter and ending with a letter or digit)";
const KMS_KEY_ARN = "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>; not an alias)";
/** The message of the production rule on eks.publicAccessCidrs (it follows the range). */
const OPEN_IN_PRODUCTION =
  "is not allowed in production (it opens the API endpoint to a large part of the internet: prefix below /8); list the ranges that need it, or use the private endpoint only";
/** The message of the rule that an eks cluster needs two zones (it follows the zones). */
const ONE_ZONE = "lists 1 zone, and eks needs subnets in at least two (EKS refuses fewer); add a zone";

/** The smallest valid eks section: a version and one node group. */
const MINIMAL_EKS = { version: "1.32", nodeGroups: { general: { instanceTypes: ["m7g.large"], minSize: 1, maxSize: 3 } } };

/** A valid configuration with the minimal eks section and no services. */
function baseConfig(): EnvironmentConfig {
  return {
    name: "prod",
    production: false,
    accountId: ACCOUNT,
    region: "eu-west-1",
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
    backend: { type: "local" },
    tags: { owner: "platform-team", costCenter: "cc-1234", repository: "github.com/acme/platform" },
    network: { cidr: "10.0.0.0/16", natGateways: "single" },
    eks: structuredClone(MINIMAL_EKS) as EnvironmentConfig["eks"],
  };
}

/** The base configuration with settings replaced (see `withChanges`). */
const configWith = (changes: Record<string, unknown>): unknown => withChanges(baseConfig(), changes);

/** What production needs besides `production: true`: a shared state backend (flow logs are on by default). */
const PRODUCTION = { production: true, backend: { type: "s3", bucket: "acme-terraform-state" } };

/** A valid EKS service. */
const EKS_SERVICE = { runtime: "eks", image: { reference: NGINX }, cpu: 256, memoryMiB: 512 };

/** The EKS service with settings replaced; `undefined` removes one. */
function svc(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(EKS_SERVICE);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

/** The configuration change that makes `api` (an EKS service) the only service, with its settings replaced. */
const api = (changes: Record<string, unknown> = {}) => ({ services: { api: svc(changes) } });

/** The configuration change that makes `general` a node group with these settings over the minimal one. */
const general = (changes: Record<string, unknown>) => ({ "eks.nodeGroups.general": { ...MINIMAL_EKS.nodeGroups.general, ...changes } });

describe("eks: valid configurations", () => {
  test("a configuration using every eks setting, with EKS services, passes unchanged", () => {
    const input: EnvironmentConfig = {
      ...baseConfig(),
      ...(PRODUCTION as Pick<EnvironmentConfig, "production" | "backend">),
      availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
      eks: {
        version: "1.33",
        publicAccessCidrs: ["203.0.113.0/24", "198.51.100.7/32"],
        logTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
        logRetentionDays: 90,
        secretsKmsKeyArn: KEY_ARN,
        access: {
          admins: { principalArn: ADMINS_ROLE, level: "cluster-admin" },
          "team-a": { principalArn: `arn:aws:iam::${ACCOUNT}:role/team-a`, level: "admin", namespaces: ["team-a", "team-a-jobs"] },
          dev: { principalArn: `arn:aws:iam::${ACCOUNT}:user/dev.one@acme`, level: "edit", namespaces: ["sandbox"] },
          auditors: { principalArn: `arn:aws-us-gov:iam::${ACCOUNT}:role/path/auditors`, level: "view" },
        },
        nodeGroups: {
          general: {
            instanceTypes: ["m7g.large", "m7g.xlarge"],
            capacityType: "on-demand",
            minSize: 2,
            maxSize: 6,
            desiredSize: 3,
            diskSizeGiB: 100,
            maxUnavailable: 2,
            labels: { role: "general", "node.kubernetes.io/pool": "general", "example.com/empty": "" },
            taints: [],
          },
          "spot-batch-20-chars": {
            instanceTypes: ["c7i.2xlarge"],
            capacityType: "spot",
            minSize: 0,
            maxSize: 450,
            desiredSize: 0,
            diskSizeGiB: 20,
            maxUnavailable: 100,
            labels: {},
            taints: [
              { key: "dedicated", value: "batch", effect: "NoSchedule" },
              { key: "example.com/spot", effect: "PreferNoSchedule" },
              { key: "gpu", value: "", effect: "NoExecute" },
            ],
          },
        },
        fargateProfiles: {
          system: { selectors: [{ namespace: "kube-system", labels: { "k8s-app": "kube-dns" } }, { namespace: "karpenter" }] },
          jobs: { selectors: [{ namespace: "a" }, { namespace: "b" }, { namespace: "c" }, { namespace: "d" }, { namespace: "e" }] },
        },
        addonVersions: { "vpc-cni": "v1.19.5-eksbuild.1", coredns: "v1.11.4", "aws-efs-csi-driver": "v2.1.0-eksbuild.12" },
        workloadIdentity: "irsa",
        networkPolicies: false,
        addons: {
          autoscaler: "cluster-autoscaler",
          loadBalancerController: true,
          metricsServer: false,
          externalDns: { hostedZoneIds: [ZONE, "Z9"] },
          certManager: true,
          logging: "fluent-bit",
          efsCsiDriver: true,
        },
      },
      services: {
        "orders-api": {
          runtime: "eks",
          image: { reference: NGINX },
          cpu: 500,
          memoryMiB: 1000,
          port: 8080,
          replicas: 3,
          autoscaling: { min: 2, max: 10, targetCpuPercent: 60, targetMemoryPercent: 70 },
          healthCheckPath: "/healthz",
          environment: { LOG_LEVEL: "info" },
          secrets: {},
          exposure: "public",
          domain: DOMAIN,
          exec: true,
          callers: ["worker"],
          ciOwnsDeployments: false,
        },
        worker: { runtime: "eks", image: { reference: NGINX }, cpu: 128, memoryMiB: 128, exposure: "internal", port: 9000, domain: { name: "worker.internal.example.com", hostedZoneId: ZONE } },
      },
    };
    expect(validateEnvironmentConfig(input, "prod")).toEqual(input);
  });

  test("a minimal eks section (a version and one node group) passes unchanged", () => {
    const input = baseConfig();
    expect(validateEnvironmentConfig(input, "prod")).toEqual(input);
    expect(validateEnvironmentConfig(input, "prod").eks).toEqual(MINIMAL_EKS);
  });

  test("a minimal EKS service passes with an eks section", () => {
    expect(() => validateEnvironmentConfig(configWith(api()), "prod")).not.toThrow();
  });

  test.each(KUBERNETES_VERSIONS)("Kubernetes %s passes", (version) => {
    expect(() => validateEnvironmentConfig(configWith({ "eks.version": version }), "prod")).not.toThrow();
  });

  test.each<[string, Record<string, unknown>]>([
    ["every log type listed", { "eks.logTypes": [...EKS_LOG_TYPES] }],
    ["no log types", { "eks.logTypes": [] }],
    ["0.0.0.0/0 outside production", { "eks.publicAccessCidrs": ["0.0.0.0/0"] }],
    ["the public endpoint in production for listed ranges", { ...PRODUCTION, "eks.publicAccessCidrs": ["203.0.113.0/24"] }],
    ["a /8 range in production (the widest allowed there)", { ...PRODUCTION, "eks.publicAccessCidrs": ["11.0.0.0/8", "203.0.113.0/24"] }],
    ["the minimal eks section in production", PRODUCTION],
    ["a namespace-limited admin", { "eks.access": { team: { principalArn: ADMINS_ROLE, level: "admin", namespaces: ["team"] } } }],
    ["an empty access map, fargateProfiles map and addonVersions map", { "eks.access": {}, "eks.fargateProfiles": {}, "eks.addonVersions": {} }],
    ["a node group with minSize equal to maxSize and desiredSize", general({ minSize: 3, maxSize: 3, desiredSize: 3 })],
    ["a node group name of 20 characters", { "eks.nodeGroups": { ["a".repeat(20)]: MINIMAL_EKS.nodeGroups.general } }],
    ["a label value of 63 characters", general({ labels: { role: `a${"b".repeat(61)}c` } })],
    ["Fargate only, selecting kube-system and karpenter", { "eks.nodeGroups": undefined, "eks.fargateProfiles": { system: { selectors: [{ namespace: "kube-system" }, { namespace: "karpenter" }] } } }],
    [
      "Fargate only, with kube-system and karpenter in different profiles",
      { "eks.nodeGroups": {}, "eks.fargateProfiles": { dns: { selectors: [{ namespace: "kube-system" }] }, karpenter: { selectors: [{ namespace: "karpenter" }] } } },
    ],
    ["Fargate only, without a node autoscaler and so without karpenter", { "eks.nodeGroups": undefined, "eks.fargateProfiles": { system: { selectors: [{ namespace: "kube-system" }] } }, "eks.addons": { autoscaler: "none" } }],
    ["an exposed EKS service with the load balancer controller (default)", api({ exposure: "internal", port: 80, domain: DOMAIN })],
    ["an exposed EKS service with the load balancer controller stated", { "eks.addons": { loadBalancerController: true }, ...api({ exposure: "public", port: 80, domain: DOMAIN }) }],
    [
      "an exposed ECS service without the load balancer controller (ECS makes its own load balancer)",
      { "eks.addons": { loadBalancerController: false }, services: { api: svc({ runtime: "ecs-fargate", exposure: "public", port: 80, domain: DOMAIN }) } },
    ],
    ["an unexposed EKS service without the load balancer controller", { "eks.addons": { loadBalancerController: false }, ...api({ exposure: "none" }) }],
    ["an EKS service with an empty secrets map and ciOwnsDeployments false", api({ secrets: {}, ciOwnsDeployments: false })],
    ["an eks section without EKS services (the cluster is built ahead of them)", { services: { api: svc({ runtime: "ecs-fargate" }) } }],
  ])("%s passes", (_what, changes) => {
    expect(() => validateEnvironmentConfig(configWith(changes), "prod")).not.toThrow();
  });
});

describe("eks: one message per problem with a setting's shape", () => {
  test.each<[string, Record<string, unknown>, string[]]>([
    ["eks not an object", { eks: "1.32" }, [`prod.eks: "1.32" is not an object (allowed settings: ${EKS_SETTINGS})`]],
    [
      "eks without a version",
      { "eks.version": undefined },
      [`prod.eks.version: is required (a supported Kubernetes version: ${VERSIONS})`],
    ],
    [
      "an unsupported Kubernetes version",
      { "eks.version": "1.25" },
      [`prod.eks.version: "1.25" is not allowed (a supported Kubernetes version: ${VERSIONS})`],
    ],
    ["a version given as a number", { "eks.version": 1.32 }, [`prod.eks.version: 1.32 is not allowed (a supported Kubernetes version: ${VERSIONS})`]],
    ["an unknown setting inside eks", { "eks.clusterName": "prod" }, [`prod.eks.clusterName: is not a setting here (allowed: ${EKS_SETTINGS})`]],
    [
      "publicAccessCidrs an empty list",
      { "eks.publicAccessCidrs": [] },
      ["prod.eks.publicAccessCidrs: [] is not a list of at least one IPv4 CIDR (leave it out for no public endpoint)"],
    ],
    [
      "publicAccessCidrs with entries that are not CIDRs",
      { "eks.publicAccessCidrs": ["203.0.113.0/24", "203.0.113.7", "203.0.113.7/24", 10] },
      [
        'prod.eks.publicAccessCidrs[1]: "203.0.113.7" is not an IPv4 CIDR (a.b.c.d/n, with no host bits set)',
        'prod.eks.publicAccessCidrs[2]: "203.0.113.7/24" is not an IPv4 CIDR (a.b.c.d/n, with no host bits set)',
        "prod.eks.publicAccessCidrs[3]: 10 is not an IPv4 CIDR such as 10.0.0.0/16",
      ],
    ],
    ["publicAccessCidrs not a list", { "eks.publicAccessCidrs": "203.0.113.0/24" }, ['prod.eks.publicAccessCidrs: "203.0.113.0/24" is not a list of IPv4 CIDRs']],
    [
      "an unknown log type",
      { "eks.logTypes": ["api", "kubelet", "Audit"] },
      [
        `prod.eks.logTypes[1]: "kubelet" is not allowed (a control-plane log type: ${LOG_TYPES})`,
        `prod.eks.logTypes[2]: "Audit" is not allowed (a control-plane log type: ${LOG_TYPES})`,
      ],
    ],
    ["a retention CloudWatch does not offer", { "eks.logRetentionDays": 10 }, [`prod.eks.logRetentionDays: 10 is not a CloudWatch retention (${RETENTIONS})`]],
    ["a retention as a string", { "eks.logRetentionDays": "30" }, ['prod.eks.logRetentionDays: "30" is not a number of days']],
    [
      "a KMS alias or a key of another service as secretsKmsKeyArn",
      { "eks.secretsKmsKeyArn": `arn:aws:kms:eu-west-1:${ACCOUNT}:alias/eks` },
      [`prod.eks.secretsKmsKeyArn: "arn:aws:kms:eu-west-1:${ACCOUNT}:alias/eks" is not ${KMS_KEY_ARN}`],
    ],
    [
      "access names against the pattern",
      { "eks.access": { Admins: { principalArn: ADMINS_ROLE, level: "view" }, "-team": { principalArn: ADMINS_ROLE, level: "view" }, [`a${"b".repeat(64)}`]: { principalArn: ADMINS_ROLE, level: "view" } } },
      [
        'prod.eks.access.Admins: "Admins" is not an access name (1-64 of a-z0-9-)',
        'prod.eks.access.-team: "-team" is not an access name (1-64 of a-z0-9-)',
        `prod.eks.access.a${"b".repeat(64)}: "a${"b".repeat(64)}" is not an access name (1-64 of a-z0-9-)`,
      ],
    ],
    [
      "access entries with a bad principalArn",
      {
        "eks.access": {
          group: { principalArn: `arn:aws:iam::${ACCOUNT}:group/admins`, level: "view" },
          short: { principalArn: "arn:aws:iam::1234:role/admins", level: "view" },
          name: { principalArn: "platform-admins", level: "view" },
        },
      },
      [
        `prod.eks.access.group.principalArn: "arn:aws:iam::${ACCOUNT}:group/admins" is not an IAM role or user ARN`,
        'prod.eks.access.short.principalArn: "arn:aws:iam::1234:role/admins" is not an IAM role or user ARN',
        'prod.eks.access.name.principalArn: "platform-admins" is not an IAM role or user ARN',
      ],
    ],
    [
      "access entries with an unknown level, and none",
      { "eks.access": { owners: { principalArn: ADMINS_ROLE, level: "owner" }, readers: { principalArn: ADMINS_ROLE, level: "View" }, none: { principalArn: ADMINS_ROLE } } },
      [
        `prod.eks.access.owners.level: "owner" is not allowed (an access level: ${ACCESS_LEVELS})`,
        `prod.eks.access.readers.level: "View" is not allowed (an access level: ${ACCESS_LEVELS})`,
        `prod.eks.access.none.level: is required (an access level: ${ACCESS_LEVELS})`,
      ],
    ],
    [
      "access entries with bad namespaces",
      { "eks.access": { team: { principalArn: ADMINS_ROLE, level: "edit", namespaces: ["team-a", "Team_B", "-c", "1d"] }, empty: { principalArn: ADMINS_ROLE, level: "edit", namespaces: [] } } },
      [
        `prod.eks.access.team.namespaces[1]: "Team_B" is not ${NAMESPACE}`,
        `prod.eks.access.team.namespaces[2]: "-c" is not ${NAMESPACE}`,
        `prod.eks.access.team.namespaces[3]: "1d" is not ${NAMESPACE}`,
        "prod.eks.access.empty.namespaces: [] is not a list of at least one namespace",
      ],
    ],
    [
      "node group names in upper case, too long or with other characters",
      { "eks.nodeGroups": { General: MINIMAL_EKS.nodeGroups.general, [`a${"b".repeat(20)}`]: MINIMAL_EKS.nodeGroups.general, spot_batch: MINIMAL_EKS.nodeGroups.general, general: MINIMAL_EKS.nodeGroups.general } },
      [
        `prod.eks.nodeGroups.General: "General" is not ${NODE_GROUP_NAME}`,
        `prod.eks.nodeGroups.a${"b".repeat(20)}: "a${"b".repeat(20)}" is not ${NODE_GROUP_NAME}`,
        `prod.eks.nodeGroups.spot_batch: "spot_batch" is not ${NODE_GROUP_NAME}`,
      ],
    ],
    [
      "a node group with nothing set",
      { "eks.nodeGroups.general": {} },
      [
        "prod.eks.nodeGroups.general.instanceTypes: is required (a list of EC2 instance types)",
        `prod.eks.nodeGroups.general.minSize: is required (${NODE_COUNT_0})`,
        `prod.eks.nodeGroups.general.maxSize: is required (${NODE_COUNT_1})`,
      ],
    ],
    ["an empty instanceTypes list", general({ instanceTypes: [] }), ["prod.eks.nodeGroups.general.instanceTypes: [] is not a list of at least one EC2 instance type"]],
    [
      "instance types against the pattern",
      general({ instanceTypes: ["m7g.large", "large", "M7G.large", "m7g"] }),
      [
        'prod.eks.nodeGroups.general.instanceTypes[1]: "large" is not an EC2 instance type such as m7g.large',
        'prod.eks.nodeGroups.general.instanceTypes[2]: "M7G.large" is not an EC2 instance type such as m7g.large',
        'prod.eks.nodeGroups.general.instanceTypes[3]: "m7g" is not an EC2 instance type such as m7g.large',
      ],
    ],
    [
      "an unknown capacityType",
      general({ capacityType: "SPOT" }),
      ['prod.eks.nodeGroups.general.capacityType: "SPOT" is not allowed (a capacity type: "on-demand", "spot")'],
    ],
    [
      "minSize out of range",
      { "eks.nodeGroups": { a: { instanceTypes: ["m7g.large"], minSize: -1, maxSize: 3 }, b: { instanceTypes: ["m7g.large"], minSize: 1.5, maxSize: 3 }, c: { instanceTypes: ["m7g.large"], minSize: "1", maxSize: 3 } } },
      [
        `prod.eks.nodeGroups.a.minSize: -1 is not ${NODE_COUNT_0}`,
        `prod.eks.nodeGroups.b.minSize: 1.5 is not ${NODE_COUNT_0}`,
        `prod.eks.nodeGroups.c.minSize: "1" is not ${NODE_COUNT_0}`,
      ],
    ],
    [
      "maxSize out of range",
      { "eks.nodeGroups": { a: { instanceTypes: ["m7g.large"], minSize: 0, maxSize: 0 }, b: { instanceTypes: ["m7g.large"], minSize: 1, maxSize: 451 }, c: { instanceTypes: ["m7g.large"], minSize: 1, maxSize: 2.5 } } },
      [`prod.eks.nodeGroups.a.maxSize: 0 is not ${NODE_COUNT_1}`, `prod.eks.nodeGroups.b.maxSize: 451 is not ${NODE_COUNT_1}`, `prod.eks.nodeGroups.c.maxSize: 2.5 is not ${NODE_COUNT_1}`],
    ],
    [
      "desiredSize not a whole number",
      general({ desiredSize: 2.5 }),
      [`prod.eks.nodeGroups.general.desiredSize: 2.5 is not ${NODE_COUNT_0}`],
    ],
    [
      "diskSizeGiB too small, too large or fractional, and maxUnavailable 0",
      {
        "eks.nodeGroups": {
          a: { instanceTypes: ["m7g.large"], minSize: 1, maxSize: 3, diskSizeGiB: 10, maxUnavailable: 0 },
          b: { instanceTypes: ["m7g.large"], minSize: 1, maxSize: 3, diskSizeGiB: 16385 },
          c: { instanceTypes: ["m7g.large"], minSize: 1, maxSize: 3, diskSizeGiB: 50.5 },
        },
      },
      [
        "prod.eks.nodeGroups.a.diskSizeGiB: 10 is not a volume size in GiB, a whole number from 20 to 16384",
        "prod.eks.nodeGroups.a.maxUnavailable: 0 is not a node count, a whole number from 1 to 100",
        "prod.eks.nodeGroups.b.diskSizeGiB: 16385 is not a volume size in GiB, a whole number from 20 to 16384",
        "prod.eks.nodeGroups.c.diskSizeGiB: 50.5 is not a volume size in GiB, a whole number from 20 to 16384",
      ],
    ],
    [
      "labels with bad keys",
      general({ labels: { "-role": "general", "team name": "a", "Example.com/role": "a", [`a${"b".repeat(63)}`]: "a", ok: "a" } }),
      [
        `prod.eks.nodeGroups.general.labels.-role: "-role" is not ${LABEL_KEY}`,
        `prod.eks.nodeGroups.general.labels.team name: "team name" is not ${LABEL_KEY}`,
        `prod.eks.nodeGroups.general.labels.Example.com/role: "Example.com/role" is not ${LABEL_KEY}`,
        `prod.eks.nodeGroups.general.labels.a${"b".repeat(63)}: "a${"b".repeat(63)}" is not ${LABEL_KEY}`,
      ],
    ],
    [
      "labels with bad values",
      general({ labels: { a: "has space", b: "-dash", c: "x".repeat(64), d: 1, e: "ok" } }),
      [
        `prod.eks.nodeGroups.general.labels.a: "has space" is not ${LABEL_VALUE}`,
        `prod.eks.nodeGroups.general.labels.b: "-dash" is not ${LABEL_VALUE}`,
        `prod.eks.nodeGroups.general.labels.c: "${"x".repeat(64)}" is not ${LABEL_VALUE}`,
        "prod.eks.nodeGroups.general.labels.d: 1 is not a Kubernetes label value",
      ],
    ],
    [
      "taints with an invalid effect",
      general({ taints: [{ key: "dedicated", value: "batch", effect: "NoExecution" }, { key: "gpu", effect: "NO_SCHEDULE" }, { key: "spot" }] }),
      [
        `prod.eks.nodeGroups.general.taints[0].effect: "NoExecution" is not allowed (a taint effect: ${TAINT_EFFECTS})`,
        `prod.eks.nodeGroups.general.taints[1].effect: "NO_SCHEDULE" is not allowed (a taint effect: ${TAINT_EFFECTS})`,
        `prod.eks.nodeGroups.general.taints[2].effect: is required (a taint effect: ${TAINT_EFFECTS})`,
      ],
    ],
    [
      "taints with a bad key or value, or an unknown setting",
      general({ taints: [{ key: "dedicated!", effect: "NoSchedule" }, { key: "gpu", value: "a b", effect: "NoSchedule" }, { key: "gpu", effect: "NoSchedule", operator: "Exists" }] }),
      [
        `prod.eks.nodeGroups.general.taints[0].key: "dedicated!" is not ${LABEL_KEY}`,
        `prod.eks.nodeGroups.general.taints[1].value: "a b" is not ${LABEL_VALUE}`,
        "prod.eks.nodeGroups.general.taints[2].operator: is not a setting here (allowed: key, value, effect)",
      ],
    ],
    [
      "an unknown node group setting",
      general({ instanceType: "m7g.large" }),
      ["prod.eks.nodeGroups.general.instanceType: is not a setting here (allowed: instanceTypes, capacityType, minSize, maxSize, desiredSize, diskSizeGiB, maxUnavailable, labels, taints)"],
    ],
    [
      "Fargate profiles with no selectors, an empty list and six",
      {
        "eks.fargateProfiles": {
          none: {},
          empty: { selectors: [] },
          six: { selectors: ["a", "b", "c", "d", "e", "f"].map((namespace) => ({ namespace })) },
        },
      },
      [
        "prod.eks.fargateProfiles.none.selectors: is required (a list of selectors)",
        "prod.eks.fargateProfiles.empty.selectors: [] is not a list of 1 to 5 selectors",
        'prod.eks.fargateProfiles.six.selectors: [{"namespace":"a"},{"namespace":"b"},{"namespace":"c"},{"namespace":"d"},{"namespace":"e"},{"namespace":"f"}] is not a list of 1 to 5 selectors',
      ],
    ],
    [
      "Fargate selectors with a bad namespace or labels",
      { "eks.fargateProfiles": { apps: { selectors: [{ namespace: "Apps" }, { namespace: "apps", labels: { "-tier": "web", tier: "a b" } }, { labels: { tier: "web" } }] } } },
      [
        `prod.eks.fargateProfiles.apps.selectors[0].namespace: "Apps" is not ${NAMESPACE}`,
        `prod.eks.fargateProfiles.apps.selectors[1].labels.-tier: "-tier" is not ${LABEL_KEY}`,
        `prod.eks.fargateProfiles.apps.selectors[1].labels.tier: "a b" is not ${LABEL_VALUE}`,
        `prod.eks.fargateProfiles.apps.selectors[2].namespace: is required (${NAMESPACE})`,
      ],
    ],
    [
      "a Fargate profile name against the pattern",
      { "eks.fargateProfiles": { System: { selectors: [{ namespace: "kube-system" }] } } },
      ['prod.eks.fargateProfiles.System: "System" is not a Fargate profile name (1-20 lower-case letters, digits and -)'],
    ],
    [
      "addonVersions for an unknown add-on, and a bad version string",
      { "eks.addonVersions": { cni: "v1.19.5-eksbuild.1", "vpc-cni": "1.19.5", coredns: "v1.11", "kube-proxy": "v1.32.0-eksbuild" } },
      [
        'prod.eks.addonVersions.vpc-cni: "1.19.5" is not an add-on version such as v1.19.5-eksbuild.1',
        'prod.eks.addonVersions.coredns: "v1.11" is not an add-on version such as v1.19.5-eksbuild.1',
        'prod.eks.addonVersions.kube-proxy: "v1.32.0-eksbuild" is not an add-on version such as v1.19.5-eksbuild.1',
        `prod.eks.addonVersions.cni: is not allowed (an EKS managed add-on: ${ADDONS})`,
      ],
    ],
    ["addonVersions not a map", { "eks.addonVersions": ["vpc-cni"] }, ['prod.eks.addonVersions: ["vpc-cni"] is not a map of add-on to version']],
    [
      "an unknown workload identity mode",
      { "eks.workloadIdentity": "kiam" },
      ['prod.eks.workloadIdentity: "kiam" is not allowed (a workload identity mode: "pod-identity", "irsa")'],
    ],
    ["networkPolicies not a boolean", { "eks.networkPolicies": "on" }, ['prod.eks.networkPolicies: "on" is not true or false: default-deny network policies for services']],
    [
      "an unknown node autoscaler",
      { "eks.addons.autoscaler": "keda" },
      ['prod.eks.addons.autoscaler: "keda" is not allowed (a node autoscaler: "karpenter", "cluster-autoscaler", "none")'],
    ],
    ["externalDns with no hosted zones", { "eks.addons.externalDns": { hostedZoneIds: [] } }, ["prod.eks.addons.externalDns.hostedZoneIds: [] is not a list of at least one hosted zone id"]],
    [
      "externalDns with bad hosted zone ids",
      { "eks.addons": { externalDns: { hostedZoneIds: ["z123", "example.com"] } } },
      [
        'prod.eks.addons.externalDns.hostedZoneIds[0]: "z123" is not a Route 53 hosted zone id',
        'prod.eks.addons.externalDns.hostedZoneIds[1]: "example.com" is not a Route 53 hosted zone id',
      ],
    ],
    ["externalDns without hostedZoneIds", { "eks.addons.externalDns": {} }, ["prod.eks.addons.externalDns.hostedZoneIds: is required (a list of hosted zone ids)"]],
    [
      "an unknown logging add-on",
      { "eks.addons.logging": "loki" },
      ['prod.eks.addons.logging: "loki" is not allowed (a logging add-on: "fluent-bit", "none")'],
    ],
    [
      "add-on switches not booleans, and an unknown add-on",
      { "eks.addons": { loadBalancerController: "yes", metricsServer: 1, certManager: "true", efsCsiDriver: null, prometheus: true } },
      [
        'prod.eks.addons.loadBalancerController: "yes" is not true or false: install the AWS Load Balancer Controller',
        "prod.eks.addons.metricsServer: 1 is not true or false: install metrics-server",
        'prod.eks.addons.certManager: "true" is not true or false: install cert-manager',
        "prod.eks.addons.efsCsiDriver: null is not true or false: install the EFS CSI driver",
        "prod.eks.addons.prometheus: is not a setting here (allowed: autoscaler, loadBalancerController, metricsServer, externalDns, certManager, logging, efsCsiDriver)",
      ],
    ],
  ])("%s", (_what, changes, lines) => {
    expect(problemLines(configWith(changes))).toEqual(lines);
  });
});

describe("eks: rules between settings", () => {
  test.each<[string, Record<string, unknown>, string[]]>([
    [
      "a cluster in a single availability zone",
      { availabilityZones: ["eu-west-1a"] },
      [`prod.availabilityZones: ["eu-west-1a"] ${ONE_ZONE}`],
    ],
    [
      "a cluster in a network without private subnets",
      { "network.subnetTiers": ["public", "intra"], "network.natGateways": "none" },
      ['prod.network.subnetTiers: ["public","intra"] has no "private" tier, and eks runs its nodes and pods in private subnets; add "private"'],
    ],
    [
      "0.0.0.0/0 in publicAccessCidrs in production",
      { ...PRODUCTION, "eks.publicAccessCidrs": ["203.0.113.0/24", "0.0.0.0/0"] },
      [`prod.eks.publicAccessCidrs[1]: "0.0.0.0/0" ${OPEN_IN_PRODUCTION}`],
    ],
    [
      "the two halves of the internet (/1) in publicAccessCidrs in production",
      { ...PRODUCTION, "eks.publicAccessCidrs": ["0.0.0.0/1", "203.0.113.0/24", "128.0.0.0/1"] },
      [`prod.eks.publicAccessCidrs[0]: "0.0.0.0/1" ${OPEN_IN_PRODUCTION}`, `prod.eks.publicAccessCidrs[2]: "128.0.0.0/1" ${OPEN_IN_PRODUCTION}`],
    ],
    [
      "a /7 in publicAccessCidrs in production (one bit wider than /8)",
      { ...PRODUCTION, "eks.publicAccessCidrs": ["10.0.0.0/8", "8.0.0.0/7"] },
      [`prod.eks.publicAccessCidrs[1]: "8.0.0.0/7" ${OPEN_IN_PRODUCTION}`],
    ],
    [
      "cluster-admin limited to namespaces",
      { "eks.access": { admins: { principalArn: ADMINS_ROLE, level: "cluster-admin", namespaces: ["team-a"] }, team: { principalArn: ADMINS_ROLE, level: "admin", namespaces: ["team-a"] } } },
      ['prod.eks.access.admins.namespaces: ["team-a"] cannot limit "cluster-admin", which is cluster-wide; use "admin" for namespace administrators'],
    ],
    ["a node group with minSize above maxSize", general({ minSize: 5, maxSize: 3 }), ["prod.eks.nodeGroups.general.maxSize: 3 is below minSize (5)"]],
    [
      "node groups with desiredSize outside minSize..maxSize",
      {
        "eks.nodeGroups": {
          above: { instanceTypes: ["m7g.large"], minSize: 1, maxSize: 3, desiredSize: 4 },
          below: { instanceTypes: ["m7g.large"], minSize: 2, maxSize: 3, desiredSize: 1 },
          inside: { instanceTypes: ["m7g.large"], minSize: 2, maxSize: 3, desiredSize: 2 },
        },
      },
      ["prod.eks.nodeGroups.above.desiredSize: 4 is outside minSize..maxSize (1..3)", "prod.eks.nodeGroups.below.desiredSize: 1 is outside minSize..maxSize (2..3)"],
    ],
    ["no nodeGroups and no fargateProfiles", { "eks.nodeGroups": undefined }, ["prod.eks.nodeGroups: is required when there are no fargateProfiles (a cluster needs compute for CoreDNS and the add-ons)"]],
    [
      "empty nodeGroups and fargateProfiles maps",
      { "eks.nodeGroups": {}, "eks.fargateProfiles": {} },
      ["prod.eks.nodeGroups: {} is required when there are no fargateProfiles (a cluster needs compute for CoreDNS and the add-ons)"],
    ],
    [
      "Fargate only, without a kube-system selector",
      { "eks.nodeGroups": undefined, "eks.fargateProfiles": { apps: { selectors: [{ namespace: "apps" }, { namespace: "karpenter" }] } } },
      ['prod.eks.fargateProfiles: {"apps":{"selectors":[{"namespace":"apps"},{"namespace":"karpenter"}]}} must select namespace "kube-system" when there are no nodeGroups (CoreDNS runs there)'],
    ],
    [
      "Fargate only with Karpenter (the default autoscaler), without a karpenter selector",
      { "eks.nodeGroups": undefined, "eks.fargateProfiles": { system: { selectors: [{ namespace: "kube-system" }] } } },
      ['prod.eks.fargateProfiles: {"system":{"selectors":[{"namespace":"kube-system"}]}} must select namespace "karpenter" when there are no nodeGroups (the Karpenter controller runs there)'],
    ],
    [
      "Fargate only with Karpenter stated, selecting neither namespace",
      { "eks.nodeGroups": {}, "eks.addons": { autoscaler: "karpenter" }, "eks.fargateProfiles": { apps: { selectors: [{ namespace: "apps" }] } } },
      [
        'prod.eks.fargateProfiles: {"apps":{"selectors":[{"namespace":"apps"}]}} must select namespace "kube-system" when there are no nodeGroups (CoreDNS runs there)',
        'prod.eks.fargateProfiles: {"apps":{"selectors":[{"namespace":"apps"}]}} must select namespace "karpenter" when there are no nodeGroups (the Karpenter controller runs there)',
      ],
    ],
    [
      "Fargate only with cluster-autoscaler",
      { "eks.nodeGroups": undefined, "eks.addons": { autoscaler: "cluster-autoscaler" }, "eks.fargateProfiles": { system: { selectors: [{ namespace: "kube-system" }] } } },
      ['prod.eks.addons.autoscaler: "cluster-autoscaler" needs nodeGroups to scale, and eks.nodeGroups is empty; add nodeGroups, or use "karpenter" or "none"'],
    ],
    [
      "an EKS service without an eks section",
      { eks: undefined, ...api() },
      ['prod.services.api.runtime: "eks" needs the eks section (an EKS cluster to run on); add eks, or use "ecs-fargate"'],
    ],
    [
      "an EKS service with secrets",
      api({ secrets: { DB_PASSWORD: { secretsManagerArn: SECRET_ARN } } }),
      [`prod.services.api.secrets: {"DB_PASSWORD":{"secretsManagerArn":"${SECRET_ARN}"}} is an ECS option for now: on EKS, mount secrets with the Secrets Store CSI driver`],
    ],
    [
      "an EKS service scaling on requests per target",
      api({ exposure: "internal", port: 80, domain: DOMAIN, autoscaling: { min: 1, max: 4, requestsPerTarget: 100 } }),
      ["prod.services.api.autoscaling.requestsPerTarget: 100 is an ECS option: an EKS HorizontalPodAutoscaler scales on targetCpuPercent or targetMemoryPercent"],
    ],
    [
      "an EKS service with ciOwnsDeployments",
      api({ ciOwnsDeployments: true }),
      ["prod.services.api.ciOwnsDeployments: true is an ECS option for now: on EKS, Terraform owns the Deployment's image"],
    ],
    [
      "exposed EKS services without the AWS Load Balancer Controller",
      {
        "eks.addons": { loadBalancerController: false },
        services: { api: svc({ exposure: "public", port: 80, domain: DOMAIN }), web: svc({ exposure: "internal", port: 80, domain: { name: "web.example.com", hostedZoneId: ZONE } }), job: svc() },
      },
      [
        'prod.services.api.exposure: "public" needs the AWS Load Balancer Controller, and eks.addons.loadBalancerController is false',
        'prod.services.web.exposure: "internal" needs the AWS Load Balancer Controller, and eks.addons.loadBalancerController is false',
      ],
    ],
    [
      "service names that are not DNS labels",
      { services: { Orders_API: svc(), "-bad": svc(), "bad-": svc(), ok: svc() } },
      [`prod.services.Orders_API: "Orders_API" is not ${SERVICE_NAME}`, `prod.services.-bad: "-bad" is not ${SERVICE_NAME}`, `prod.services.bad-: "bad-" is not ${SERVICE_NAME}`],
    ],
  ])("%s", (_what, changes, lines) => {
    expect(problemLines(configWith(changes))).toEqual(lines);
  });

  test("the production rule on publicAccessCidrs applies only to production: true", () => {
    const open = { "eks.publicAccessCidrs": ["0.0.0.0/0"] };
    expect(() => validateEnvironmentConfig(configWith(open), "prod")).not.toThrow();
    expect(() => validateEnvironmentConfig(configWith({ "eks.publicAccessCidrs": ["0.0.0.0/1", "128.0.0.0/1"] }), "prod")).not.toThrow();
    expect(() => validateEnvironmentConfig(configWith({ ...PRODUCTION, "eks.publicAccessCidrs": ["203.0.113.0/24"] }), "prod")).not.toThrow();
    expect(problemLines(configWith({ ...PRODUCTION, ...open }))).toEqual([`prod.eks.publicAccessCidrs[0]: "0.0.0.0/0" ${OPEN_IN_PRODUCTION}`]);
  });

  test("the eks rules read the section under the label of the environment", () => {
    expect(problemLines(configWith({ availabilityZones: ["eu-west-1a"] }), "staging")).toEqual([`staging.availabilityZones: ["eu-west-1a"] ${ONE_ZONE}`]);
  });

  test("a problem is reported once: node group sizes the schema refuses are not also compared", () => {
    expect(
      problemLines(
        configWith({
          "eks.nodeGroups": {
            big: { instanceTypes: ["m7g.large"], minSize: 1, maxSize: 3, desiredSize: 451 },
            huge: { instanceTypes: ["m7g.large"], minSize: 500, maxSize: 3 },
          },
        }),
      ),
    ).toEqual([`prod.eks.nodeGroups.big.desiredSize: 451 is not ${NODE_COUNT_0}`, `prod.eks.nodeGroups.huge.minSize: 500 is not ${NODE_COUNT_0}`]);
  });

  test("an open range is refused in production even when another entry of the list is malformed", () => {
    const lines = problemLines(configWith({ ...PRODUCTION, "eks.publicAccessCidrs": ["0.0.0.0/0", 10] }));
    expect(lines).toContain(`prod.eks.publicAccessCidrs[0]: "0.0.0.0/0" ${OPEN_IN_PRODUCTION}`);
    expect(lines).toHaveLength(2);
  });

  test("a problem is reported once: a malformed nodeGroups is not also reported as missing compute", () => {
    expect(problemLines(configWith({ "eks.nodeGroups": ["x"] }))).toEqual(["prod.eks.nodeGroups: [\"x\"] is not a map of node group name to node group"]);
  });

  test("a problem is reported once: a malformed eks section does not also make its services miss it", () => {
    const lines = problemLines(configWith({ eks: "1.32", ...api({}) }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^prod\.eks: "1\.32" is not an object/);
  });

  test("a service on EKS may not take a namespace of Kubernetes or the add-ons", () => {
    const reserved = "default, kube-system, kube-public, kube-node-lease, karpenter, logging, cert-manager, external-dns";
    expect(problemLines(configWith({ services: { logging: svc(), karpenter: svc() } }))).toEqual([
      `prod.services.logging: "logging" is a namespace that Kubernetes or the platform's add-ons use (${reserved}); a service on EKS gets a namespace of its own name, so choose another`,
      `prod.services.karpenter: "karpenter" is a namespace that Kubernetes or the platform's add-ons use (${reserved}); a service on EKS gets a namespace of its own name, so choose another`,
    ]);
    expect(() => validateEnvironmentConfig(configWith({ services: { logging: svc({ runtime: "ecs-fargate" }) } }), "prod")).not.toThrow();
  });

  test("instance types the constructs accept are accepted here too, metal sizes included", () => {
    const group = (instanceType: string) => ({ instanceTypes: [instanceType], minSize: 1, maxSize: 3 });
    expect(() => validateEnvironmentConfig(configWith({ "eks.nodeGroups": { metal: group("c7i.metal-24xl"), big: group("u-6tb1.metal") } }), "prod")).not.toThrow();
    expect(() => validateEnvironmentConfig(configWith({ ecs: { ec2Capacity: { metal: { instanceType: "m7i.metal-48xl", maxSize: 2 } } } }), "prod")).not.toThrow();
    expect(problemLines(configWith({ "eks.nodeGroups": { bad: group("m7g.large-") } }))).toEqual(['prod.eks.nodeGroups.bad.instanceTypes[0]: "m7g.large-" is not an EC2 instance type such as m7g.large']);
  });

  test("desiredSize is compared only with two well-formed bounds", () => {
    expect(problemLines(configWith({ "eks.nodeGroups": { g: { instanceTypes: ["m7g.large"], minSize: 500, maxSize: 3, desiredSize: 4 } } }))).toEqual([
      `prod.eks.nodeGroups.g.minSize: 500 is not ${NODE_COUNT_0}`,
    ]);
  });

  test("a problem is reported once: an exposure the schema refuses is not also checked against the load balancer controller", () => {
    expect(problemLines(configWith({ "eks.addons": { loadBalancerController: false }, ...api({ exposure: "open", port: 80, domain: DOMAIN }) }))).toEqual([
      'prod.services.api.exposure: "open" is not allowed (an exposure: "public", "internal", "none")',
    ]);
  });
});

describe("eks: reporting", () => {
  test("shape and rule problems of the eks section and EKS services are reported together in one ConfigError, shape first", () => {
    const input = configWith({
      ...PRODUCTION,
      availabilityZones: ["eu-west-1a"],
      "eks.version": "1.25",
      "eks.publicAccessCidrs": ["0.0.0.0/0", "10.0.0.1/8"],
      "eks.logTypes": ["kubelet"],
      "eks.access": { admins: { principalArn: ADMINS_ROLE, level: "cluster-admin", namespaces: ["ops"] } },
      "eks.nodeGroups.general": { instanceTypes: [], minSize: 4, maxSize: 2, taints: [{ key: "gpu", effect: "NoExecution" }] },
      "eks.addons": { logging: "loki" },
      services: { api: svc({ ciOwnsDeployments: true }), Web_UI: svc() },
    });
    const error = configError(input);
    expect(error.problems.map((p) => p.path)).toEqual([
      "prod.eks.version",
      "prod.eks.publicAccessCidrs[1]",
      "prod.eks.logTypes[0]",
      "prod.eks.nodeGroups.general.instanceTypes",
      "prod.eks.nodeGroups.general.taints[0].effect",
      "prod.eks.addons.logging",
      "prod.services.Web_UI",
      "prod.availabilityZones",
      "prod.eks.publicAccessCidrs[0]",
      "prod.eks.access.admins.namespaces",
      "prod.eks.nodeGroups.general.maxSize",
      "prod.services.api.ciOwnsDeployments",
    ]);
    expect(problemLines(input)).toEqual([
      `prod.eks.version: "1.25" is not allowed (a supported Kubernetes version: ${VERSIONS})`,
      'prod.eks.publicAccessCidrs[1]: "10.0.0.1/8" is not an IPv4 CIDR (a.b.c.d/n, with no host bits set)',
      `prod.eks.logTypes[0]: "kubelet" is not allowed (a control-plane log type: ${LOG_TYPES})`,
      "prod.eks.nodeGroups.general.instanceTypes: [] is not a list of at least one EC2 instance type",
      `prod.eks.nodeGroups.general.taints[0].effect: "NoExecution" is not allowed (a taint effect: ${TAINT_EFFECTS})`,
      'prod.eks.addons.logging: "loki" is not allowed (a logging add-on: "fluent-bit", "none")',
      `prod.services.Web_UI: "Web_UI" is not ${SERVICE_NAME}`,
      `prod.availabilityZones: ["eu-west-1a"] ${ONE_ZONE}`,
      `prod.eks.publicAccessCidrs[0]: "0.0.0.0/0" ${OPEN_IN_PRODUCTION}`,
      'prod.eks.access.admins.namespaces: ["ops"] cannot limit "cluster-admin", which is cluster-wide; use "admin" for namespace administrators',
      "prod.eks.nodeGroups.general.maxSize: 2 is below minSize (4)",
      "prod.services.api.ciOwnsDeployments: true is an ECS option for now: on EKS, Terraform owns the Deployment's image",
    ]);
  });

  test("every rule of an EKS service is reported together", () => {
    expect(
      problemLines(
        configWith({
          eks: undefined,
          ...api({ secrets: { TOKEN: { secretsManagerArn: SECRET_ARN } }, ciOwnsDeployments: true, exposure: "internal", port: 80, domain: DOMAIN, autoscaling: { min: 1, max: 2, requestsPerTarget: 50 } }),
        }),
      ),
    ).toEqual([
      'prod.services.api.runtime: "eks" needs the eks section (an EKS cluster to run on); add eks, or use "ecs-fargate"',
      `prod.services.api.secrets: {"TOKEN":{"secretsManagerArn":"${SECRET_ARN}"}} is an ECS option for now: on EKS, mount secrets with the Secrets Store CSI driver`,
      "prod.services.api.autoscaling.requestsPerTarget: 50 is an ECS option: an EKS HorizontalPodAutoscaler scales on targetCpuPercent or targetMemoryPercent",
      "prod.services.api.ciOwnsDeployments: true is an ECS option for now: on EKS, Terraform owns the Deployment's image",
    ]);
  });
});
