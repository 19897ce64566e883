// ExternalDns: external-dns in its own namespace, upsert-only (it never deletes a record it did not
// create), ownership TXT records naming the cluster, filtered to the given hosted zones, and a Pod
// Identity role that may change records in those zones only.
import { resourcesOfType, synthesizeStack, type PlatformStack, type SynthesizedStack } from "@platform/core";
import { ExternalDns, HELM_CHARTS, type ExternalDnsProps } from "../src";
import {
  RELEASE_SETTINGS,
  addonFixture,
  addressAt,
  asList,
  at,
  bodyAt,
  messageOf,
  podIdentityAssociation,
  podIdentityRoleAddresses,
  podIdentityTrust,
  refAt,
  releaseValues,
  statementsOf,
  unchecked,
  validationErrorOf,
  type Fixture,
  type PolicyStatementJson,
} from "./support";

const DNS = "ExternalDns";
const ZONES = ["Z0123456789ABC", "Z2FDTNDATAQYW2"];

describe("with two hosted zones", () => {
  let out: SynthesizedStack;
  let stack: PlatformStack;
  let dns: ExternalDns;
  let statements: PolicyStatementJson[];
  beforeAll(() => {
    const f = addonFixture();
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
      ...RELEASE_SETTINGS,
      depends_on: expect.any(Array),
    });
  });

  test("values: the aws provider in the stack's region, upsert-only, the cluster as TXT owner, one zone filter per zone, Services and Ingresses", () => {
    expect(releaseValues(bodyAt(out, "helm_release", `${DNS}/Chart/Release`))).toEqual({
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
    expect([...(bodyAt(out, "helm_release", `${DNS}/Chart/Release`).depends_on as string[])].sort()).toEqual([...podIdentityRoleAddresses(out, `${DNS}/Role`)].sort());
  });

  test("the role: <cluster>-external-dns, trusted by EKS Pod Identity for this cluster", () => {
    const role = bodyAt(out, "aws_iam_role", `${DNS}/Role`);
    expect(role).toMatchObject({ name: "test-eks-external-dns", description: "external-dns of test-eks" });
    expect(statementsOf(role, "assume_role_policy")).toEqual(podIdentityTrust(out));
  });

  test("a Pod Identity association for external-dns/external-dns", () => {
    expect(bodyAt(out, "aws_eks_pod_identity_association", `${DNS}/Role/Association`)).toEqual(
      podIdentityAssociation(out, `${DNS}/Role`, "external-dns", "external-dns"),
    );
  });

  test("the inline policy: record changes in the given zones only, listing everywhere", () => {
    expect(bodyAt(out, "aws_iam_role_policy", `${DNS}/Role/Policy`)).toMatchObject({ name: "platform-grants", role: refAt(out, "aws_iam_role", `${DNS}/Role`) });
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
    const { stack, cluster } = addonFixture();
    new ExternalDns(stack, DNS, { cluster, clusterName: "test-eks", hostedZoneIds: ["Z1"], dependsOn: [cluster.addons["coredns"]] });
    const out = synthesizeStack(stack);
    const release = bodyAt(out, "helm_release", `${DNS}/Chart/Release`);
    expect(releaseValues(release).extraArgs).toEqual(["--zone-id-filter=Z1"]);
    expect(statementsOf(bodyAt(out, "aws_iam_role_policy", `${DNS}/Role/Policy`))[0].Resource).toEqual(["arn:aws:route53:::hostedzone/Z1"]);
    expect(release.depends_on).toEqual([
      addressAt(out, "aws_eks_addon", "Cluster/Addons/coredns"),
      ...podIdentityRoleAddresses(out, `${DNS}/Role`),
    ]);
  });
});

describe("clusterName", () => {
  test("is the literal the ownership TXT records and the role's name use", () => {
    const { stack, cluster } = addonFixture();
    new ExternalDns(stack, DNS, { cluster, clusterName: "blue", hostedZoneIds: ["Z1"] });
    const out = synthesizeStack(stack);
    expect(releaseValues(bodyAt(out, "helm_release", `${DNS}/Chart/Release`)).txtOwnerId).toBe("blue");
    expect(bodyAt(out, "aws_iam_role", `${DNS}/Role`)).toMatchObject({ name: "blue-external-dns", description: "external-dns of blue" });
  });
});

describe("ValidationError", () => {
  let f: Fixture;
  beforeAll(() => {
    f = addonFixture();
  });

  /** The message of building `ExternalDns` with `hostedZoneIds`; the construct is removed afterwards. */
  function errorOf(hostedZoneIds: ExternalDnsProps["hostedZoneIds"]): string {
    return messageOf(f, ({ stack, cluster }) => new ExternalDns(stack, DNS, { cluster, clusterName: "test-eks", hostedZoneIds }), [DNS]);
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
