// ExternalDns: external-dns in its own namespace, upsert-only (it never deletes a record it did not
// create), ownership TXT records naming the cluster, filtered to the given hosted zones, and a Pod
// Identity role that may change records in those zones only.
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import {
  resourcesOfType,
  synthesizeStack,
  terraformRef,
  testStack,
  unchecked,
  validationErrorOf,
  type PlatformStack,
  type SynthesizedStack,
} from "@platform/core";
import { Vpc } from "@platform/vpc";
import { EksCluster, ExternalDns, HELM_CHARTS, type ExternalDnsProps } from "../src";

type Resource = Record<string, unknown>;
interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** A stack with the VPC `Vpc`, the cluster `Cluster` (test-eks, 1.32) and a Helm provider. */
function setup(): { stack: PlatformStack; vpc: Vpc; cluster: EksCluster } {
  const stack = testStack();
  const vpc = new Vpc(stack, "Vpc", { cidrBlock: "10.0.0.0/16", availabilityZones: ["eu-west-1a", "eu-west-1b"], natGateways: "single" });
  const cluster = new EksCluster(stack, "Cluster", {
    vpc,
    version: "1.32",
    clusterName: "test-eks",
    nodeGroups: { system: { instanceTypes: ["t4g.large"], minSize: 1, maxSize: 3 } },
  });
  new HelmProvider(stack, "helm", {});
  return { stack, vpc, cluster };
}

/** The resource of `type` whose construct path below the stack is `path` (a trailing `Resource` id, and a repeated id, left out). */
function at(out: SynthesizedStack, type: string, path: string): { name: string; resource: Resource } {
  const pattern = new RegExp(`^${path.replace(/\//g, "_").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}_[0-9A-F]{8}$`);
  const found = Object.entries(resourcesOfType(out, type)).filter(([name]) => pattern.test(name));
  if (found.length !== 1) throw new Error(`expected exactly one ${type} at ${path}, found ${found.length}`);
  return { name: found[0][0], resource: found[0][1] };
}

const bodyAt = (out: SynthesizedStack, type: string, path: string) => at(out, type, path).resource;
const addressAt = (out: SynthesizedStack, type: string, path: string) => `${type}.${at(out, type, path).name}`;
const refTo = (out: SynthesizedStack, type: string, path: string, attribute = "id") => terraformRef(type, at(out, type, path).name, attribute);
const valuesOf = (release: Resource) => JSON.parse((release.values as string[])[0]) as Record<string, unknown>;
const statementsOf = (resource: Resource, attribute = "policy") => (JSON.parse(resource[attribute] as string) as { Statement: Statement[] }).Statement;
const asList = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

const DNS = "ExternalDns";
const ZONES = ["Z0123456789ABC", "Z2FDTNDATAQYW2"];

describe("with two hosted zones", () => {
  let out: SynthesizedStack;
  let stack: PlatformStack;
  let dns: ExternalDns;
  let statements: Statement[];
  beforeAll(() => {
    const f = setup();
    stack = f.stack;
    dns = new ExternalDns(stack, DNS, { cluster: f.cluster, clusterName: "test-eks", hostedZoneIds: ZONES });
    out = synthesizeStack(stack);
    statements = statementsOf(bodyAt(out, "aws_iam_role_policy", `${DNS}/Role/Policy`));
  });

  test("one release, external-dns in its own namespace (created), of the pinned chart, atomic and waited for", () => {
    expect(Object.keys(resourcesOfType(out, "helm_release"))).toHaveLength(1);
    expect(bodyAt(out, "helm_release", `${DNS}/Chart/Release`)).toEqual({
      name: "external-dns",
      namespace: "external-dns",
      create_namespace: true,
      repository: "https://kubernetes-sigs.github.io/external-dns",
      chart: "external-dns",
      version: HELM_CHARTS.externalDns.version,
      values: [expect.any(String)],
      atomic: true,
      cleanup_on_fail: true,
      wait: true,
      timeout: 600,
      max_history: 10,
      depends_on: expect.any(Array),
    });
  });

  test("values: the aws provider in the stack's region, upsert-only, the cluster as TXT owner, one zone filter per zone, Services and Ingresses", () => {
    expect(valuesOf(bodyAt(out, "helm_release", `${DNS}/Chart/Release`))).toEqual({
      provider: { name: "aws" },
      env: [{ name: "AWS_DEFAULT_REGION", value: "eu-west-1" }],
      serviceAccount: { create: true, name: "external-dns" },
      policy: "upsert-only",
      txtOwnerId: "test-eks",
      extraArgs: ["--zone-id-filter=Z0123456789ABC", "--zone-id-filter=Z2FDTNDATAQYW2"],
      sources: ["service", "ingress"],
    });
  });

  test("the chart waits for its role, the role's inline policy and the Pod Identity association", () => {
    expect([...(bodyAt(out, "helm_release", `${DNS}/Chart/Release`).depends_on as string[])].sort()).toEqual(
      [
        addressAt(out, "aws_iam_role", `${DNS}/Role`),
        addressAt(out, "aws_iam_role_policy", `${DNS}/Role/Policy`),
        addressAt(out, "aws_eks_pod_identity_association", `${DNS}/Role/Association`),
      ].sort(),
    );
  });

  test("the role: <cluster>-external-dns, trusted by EKS Pod Identity for this cluster", () => {
    const role = bodyAt(out, "aws_iam_role", `${DNS}/Role`);
    expect(role).toMatchObject({ name: "test-eks-external-dns", description: "external-dns of test-eks" });
    expect(statementsOf(role, "assume_role_policy")).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" }, ArnEquals: { "aws:SourceArn": refTo(out, "aws_eks_cluster", "Cluster", "arn") } },
      },
    ]);
  });

  test("a Pod Identity association for external-dns/external-dns", () => {
    expect(bodyAt(out, "aws_eks_pod_identity_association", `${DNS}/Role/Association`)).toEqual({
      cluster_name: refTo(out, "aws_eks_cluster", "Cluster", "name"),
      namespace: "external-dns",
      service_account: "external-dns",
      role_arn: refTo(out, "aws_iam_role", `${DNS}/Role`, "arn"),
    });
  });

  test("the inline policy: record changes in the given zones only, listing everywhere", () => {
    expect(bodyAt(out, "aws_iam_role_policy", `${DNS}/Role/Policy`)).toMatchObject({ name: "platform-grants", role: refTo(out, "aws_iam_role", `${DNS}/Role`) });
    expect(statements).toEqual([
      {
        Sid: "ChangeGivenZones",
        Effect: "Allow",
        Action: "route53:ChangeResourceRecordSets",
        Resource: ["arn:aws:route53:::hostedzone/Z0123456789ABC", "arn:aws:route53:::hostedzone/Z2FDTNDATAQYW2"],
      },
      {
        Sid: "ListZonesAndRecords",
        Effect: "Allow",
        Action: ["route53:ListHostedZones", "route53:ListResourceRecordSets", "route53:ListTagsForResource"],
        Resource: "*",
      },
    ]);
  });

  test("no statement changes records anywhere else, and every action on * is a List", () => {
    const changing = statements.filter((s) => asList(s.Action).some((a) => a === "route53:ChangeResourceRecordSets" || a === "route53:*" || a === "*"));
    expect(changing.map((s) => asList(s.Resource))).toEqual([ZONES.map((zone) => `arn:aws:route53:::hostedzone/${zone}`)]);
    for (const s of statements.filter((s) => s.Resource === "*")) for (const action of asList(s.Action)) expect(action).toMatch(/^route53:List/);
  });

  test("role and chart are exposed", () => {
    expect(stack.getLogicalId(dns.chart.release)).toBe(at(out, "helm_release", `${DNS}/Chart/Release`).name);
    expect(stack.getLogicalId(dns.role.role.resource)).toBe(at(out, "aws_iam_role", `${DNS}/Role`).name);
  });
});

describe("one hosted zone, and dependsOn", () => {
  test("one zone filter, one zone ARN; dependsOn first in the chart's depends_on", () => {
    const { stack, cluster } = setup();
    new ExternalDns(stack, DNS, { cluster, clusterName: "test-eks", hostedZoneIds: ["Z1"], dependsOn: [cluster.addons["coredns"]] });
    const out = synthesizeStack(stack);
    const release = bodyAt(out, "helm_release", `${DNS}/Chart/Release`);
    expect(valuesOf(release).extraArgs).toEqual(["--zone-id-filter=Z1"]);
    expect(statementsOf(bodyAt(out, "aws_iam_role_policy", `${DNS}/Role/Policy`))[0].Resource).toEqual(["arn:aws:route53:::hostedzone/Z1"]);
    expect(release.depends_on).toEqual([
      addressAt(out, "aws_eks_addon", "Cluster/Addons/coredns"),
      addressAt(out, "aws_iam_role", `${DNS}/Role`),
      addressAt(out, "aws_iam_role_policy", `${DNS}/Role/Policy`),
      addressAt(out, "aws_eks_pod_identity_association", `${DNS}/Role/Association`),
    ]);
  });
});

describe("clusterName", () => {
  test("is the literal the ownership TXT records and the role's name use", () => {
    const { stack, cluster } = setup();
    new ExternalDns(stack, DNS, { cluster, clusterName: "blue", hostedZoneIds: ["Z1"] });
    const out = synthesizeStack(stack);
    expect(valuesOf(bodyAt(out, "helm_release", `${DNS}/Chart/Release`)).txtOwnerId).toBe("blue");
    expect(bodyAt(out, "aws_iam_role", `${DNS}/Role`)).toMatchObject({ name: "blue-external-dns", description: "external-dns of blue" });
  });
});

describe("ValidationError", () => {
  let f: ReturnType<typeof setup>;
  beforeAll(() => {
    f = setup();
  });

  /** The message of building `ExternalDns` with `hostedZoneIds`; the construct is removed afterwards. */
  function errorOf(hostedZoneIds: ExternalDnsProps["hostedZoneIds"]): string {
    try {
      return validationErrorOf(() => new ExternalDns(f.stack, DNS, { cluster: f.cluster, clusterName: "test-eks", hostedZoneIds })).message;
    } finally {
      f.stack.node.tryRemoveChild(DNS);
    }
  }

  const malformed = (index: number, shown: string) =>
    `test-unit/ExternalDns: 'hostedZoneIds[${index}]' must be a Route 53 hosted zone id such as Z0123456789ABC, got ${shown}`;

  test("hostedZoneIds empty", () => {
    expect(errorOf([])).toBe("test-unit/ExternalDns: 'hostedZoneIds' must list at least one Route 53 hosted zone id");
  });

  test.each([
    ["/hostedzone/Z0123456789ABC", '"/hostedzone/Z0123456789ABC"'],
    ["z0123456789abc", '"z0123456789abc"'],
    ["example.com", '"example.com"'],
    ["Z", '"Z"'],
    ["", '""'],
    [" Z0123456789ABC", '" Z0123456789ABC"'],
    [`Z${"1".repeat(32)}`, `"Z${"1".repeat(32)}"`],
    ["arn:aws:route53:::hostedzone/Z0123456789ABC", '"arn:aws:route53:::hostedzone/Z0123456789ABC"'],
  ])("hostedZoneIds[0] %p", (zone, shown) => {
    expect(errorOf([zone])).toBe(malformed(0, shown));
  });

  test("the index of the first malformed zone", () => {
    expect(errorOf(["Z0123456789ABC", "Z2FDTNDATAQYW2", "zone-3", "zone-4"])).toBe(malformed(2, '"zone-3"'));
  });

  test("a zone that is not a string", () => {
    expect(errorOf(unchecked([12345]))).toBe(malformed(0, "12345"));
  });

  test("nothing is created before the error", () => {
    const error = validationErrorOf(() => new ExternalDns(f.stack, DNS, { cluster: f.cluster, clusterName: "test-eks", hostedZoneIds: ["bad"] }));
    try {
      expect(error.constructPath).toBe("test-unit/ExternalDns");
      expect(f.stack.node.findChild(DNS).node.children).toEqual([]);
    } finally {
      f.stack.node.tryRemoveChild(DNS);
    }
  });

  test.each([["Z1"], [`Z${"A".repeat(31)}`], ["Z0123456789ABC"]])("%p is accepted", (zone) => {
    try {
      expect(() => new ExternalDns(f.stack, DNS, { cluster: f.cluster, clusterName: "test-eks", hostedZoneIds: [zone] })).not.toThrow();
    } finally {
      f.stack.node.tryRemoveChild(DNS);
    }
  });
});
