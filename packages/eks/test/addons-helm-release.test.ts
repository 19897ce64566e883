// HelmChartRelease: one Helm release of a chart of HELM_CHARTS at its pinned version, installed
// atomically (a failed install or upgrade rolls back and cleans up), with its values rendered as
// one JSON document in which tokens become Terraform references and literal `${` and `%{` are
// escaped (`$${`, `%%{`) so that they reach the chart as they are.
import { Release } from "@cdktf/provider-helm/lib/release";
import { resourcesOfType, synthesizeStack, type SynthesizedStack } from "@platform/core";
import { HELM_CHARTS, HelmChartRelease, type HelmChart } from "../src";
import { at, base, refAt, releaseValues, withHelm } from "./support";

describe("a release with values that hold a token", () => {
  let out: SynthesizedStack;
  let chart: HelmChartRelease;
  const values = { replicas: 2, args: ["--kubelet-insecure-tls"], nested: { enabled: true, list: [1, { deep: null }] } };
  beforeAll(() => {
    const { stack, vpc } = withHelm(base());
    chart = new HelmChartRelease(stack, "MetricsServer", {
      chart: HELM_CHARTS.metricsServer,
      name: "metrics-server",
      namespace: "kube-system",
      values: { ...values, vpc: vpc.vpcId },
    });
    out = synthesizeStack(stack);
  });

  test("one helm_release (MetricsServer/Release): the pinned chart, atomic, cleaned up on failure, waited for, 10 minutes, 10 revisions", () => {
    expect(Object.keys(resourcesOfType(out, "helm_release"))).toHaveLength(1);
    const { resource } = at(out, "helm_release", "MetricsServer/Release");
    expect(resource).toEqual({
      name: "metrics-server",
      namespace: "kube-system",
      create_namespace: true,
      repository: "https://kubernetes-sigs.github.io/metrics-server",
      chart: "metrics-server",
      version: "3.12.2",
      values: [expect.any(String)],
      atomic: true,
      cleanup_on_fail: true,
      wait: true,
      timeout: 600,
      max_history: 10,
    });
  });

  test("the values are one JSON document, the token a Terraform reference", () => {
    expect(releaseValues(at(out, "helm_release", "MetricsServer/Release").resource)).toEqual({ ...values, vpc: refAt(out, "aws_vpc", "Vpc") });
  });

  test("no depends_on when none is given", () => {
    expect(at(out, "helm_release", "MetricsServer/Release").resource).not.toHaveProperty("depends_on");
  });

  test("release and values are exposed", () => {
    expect(chart.release).toBeInstanceOf(Release);
    expect(chart.values).toMatchObject(values);
  });
});

describe("dependsOn", () => {
  test("becomes the release's depends_on", () => {
    const { stack, vpc } = withHelm(base());
    new HelmChartRelease(stack, "Raw", { chart: HELM_CHARTS.raw, name: "raw", namespace: "default", values: {}, dependsOn: [vpc.resource] });
    const out = synthesizeStack(stack);
    const { resource } = at(out, "helm_release", "Raw/Release");
    expect(resource.depends_on).toEqual([`aws_vpc.${at(out, "aws_vpc", "Vpc").name}`]);
    expect(resource.values).toEqual(["{}"]);
  });
});

describe("values that YAML or Terraform could misread", () => {
  test("quotes, newlines, backslashes, colons, Go templates and YAML booleans survive as strings", () => {
    const { stack } = withHelm(base());
    const tricky = { config: 'line 1\nsay "hi"\\n', url: "http://a:b@c", template: "{{ .Values.x }}", yes: "yes", on: "on", number: "0123" };
    new HelmChartRelease(stack, "Tricky", { chart: HELM_CHARTS.raw, name: "tricky", namespace: "default", values: tricky });
    expect(releaseValues(at(synthesizeStack(stack), "helm_release", "Tricky/Release").resource)).toEqual(tricky);
  });
});

describe("literal ${ and %{ in values: for the chart, not for Terraform", () => {
  let out: SynthesizedStack;
  let raw: string;
  let chart: HelmChartRelease;
  const given = {
    hostname: "${HOSTNAME}",
    directive: "%{x}",
    config: "[OUTPUT]\n    Name cloudwatch_logs\n    log_stream_prefix ${HOSTNAME}-\n    tag %{if x}a%{endif}",
    nested: { list: ["${A}", { deep: "%{B} and ${C}" }], plain: "no template here", dollar: "$5 and 100%", number: 3, flag: true, nothing: null },
  };
  beforeAll(() => {
    const { stack, vpc } = withHelm(base());
    chart = new HelmChartRelease(stack, "FluentBit", { chart: HELM_CHARTS.fluentBit, name: "fluent-bit", namespace: "logging", values: { ...given, vpc: vpc.vpcId } });
    out = synthesizeStack(stack);
    raw = (at(out, "helm_release", "FluentBit/Release").resource.values as string[])[0];
  });

  test("a literal ${HOSTNAME} is synthesized as $${HOSTNAME} inside the values JSON", () => {
    expect(raw).toContain('"hostname":"$${HOSTNAME}"');
    expect(releaseValues(at(out, "helm_release", "FluentBit/Release").resource).hostname).toBe("$${HOSTNAME}");
  });

  test("a literal %{x} is synthesized as %%{x}", () => {
    expect(raw).toContain('"directive":"%%{x}"');
    expect(releaseValues(at(out, "helm_release", "FluentBit/Release").resource).directive).toBe("%%{x}");
  });

  test("every occurrence is escaped, in multi-line strings, arrays and nested objects; other values are untouched", () => {
    expect(releaseValues(at(out, "helm_release", "FluentBit/Release").resource)).toEqual({
      hostname: "$${HOSTNAME}",
      directive: "%%{x}",
      config: "[OUTPUT]\n    Name cloudwatch_logs\n    log_stream_prefix $${HOSTNAME}-\n    tag %%{if x}a%%{endif}",
      nested: { list: ["$${A}", { deep: "%%{B} and $${C}" }], plain: "no template here", dollar: "$5 and 100%", number: 3, flag: true, nothing: null },
      vpc: refAt(out, "aws_vpc", "Vpc"),
    });
  });

  test("a value that holds a token (the VPC's id) is left a ${aws_vpc...} reference", () => {
    const vpc = releaseValues(at(out, "helm_release", "FluentBit/Release").resource).vpc as string;
    expect(vpc).toBe(refAt(out, "aws_vpc", "Vpc"));
    expect(vpc).toMatch(/^\$\{aws_vpc\.Vpc_[0-9A-F]{8}\.id\}$/);
    expect(raw).not.toContain("$${aws_vpc");
  });

  test("a values document without any token is escaped the same way", () => {
    const { stack } = withHelm(base());
    new HelmChartRelease(stack, "Raw", { chart: HELM_CHARTS.raw, name: "raw", namespace: "default", values: { a: "${HOSTNAME}", b: "%{x}" } });
    expect(at(synthesizeStack(stack), "helm_release", "Raw/Release").resource.values).toEqual(['{"a":"$${HOSTNAME}","b":"%%{x}"}']);
  });

  test("the exposed values are the ones given, unescaped", () => {
    expect(chart.values).toMatchObject(given);
  });
});

describe("HELM_CHARTS", () => {
  const charts = Object.entries(HELM_CHARTS) as [string, HelmChart][];

  test("every chart is pinned to an exact version from an https:// or oci:// repository", () => {
    for (const [key, chart] of charts) {
      expect({ key, version: /^v?\d+\.\d+\.\d+$/.test(chart.version) }).toEqual({ key, version: true });
      expect({ key, repository: /^(https|oci):\/\/[^\s]+[^/]$/.test(chart.repository) }).toEqual({ key, repository: true });
    }
  });

  test.each(charts)("%s: a release installs exactly the pinned repository, chart and version", (_key, chart) => {
    const { stack } = withHelm(base());
    new HelmChartRelease(stack, "Chart", { chart, name: "release", namespace: "default", values: {} });
    const { resource } = at(synthesizeStack(stack), "helm_release", "Chart/Release");
    expect({ repository: resource.repository, chart: resource.chart, version: resource.version }).toEqual({ ...chart });
  });

  test("the add-ons' charts", () => {
    expect(HELM_CHARTS.awsLoadBalancerController).toEqual({ repository: "https://aws.github.io/eks-charts", chart: "aws-load-balancer-controller", version: "1.13.3" });
    expect(HELM_CHARTS.karpenter).toEqual({ repository: "oci://public.ecr.aws/karpenter", chart: "karpenter", version: "1.5.0" });
    expect(HELM_CHARTS.clusterAutoscaler).toEqual({ repository: "https://kubernetes.github.io/autoscaler", chart: "cluster-autoscaler", version: "9.46.6" });
    expect(HELM_CHARTS.externalDns).toEqual({ repository: "https://kubernetes-sigs.github.io/external-dns", chart: "external-dns", version: "1.16.1" });
    expect(HELM_CHARTS.fluentBit).toEqual({ repository: "https://aws.github.io/eks-charts", chart: "aws-for-fluent-bit", version: "0.1.35" });
    expect(HELM_CHARTS.raw).toEqual({ repository: "https://bedag.github.io/helm-charts", chart: "raw", version: "2.0.0" });
  });
});
