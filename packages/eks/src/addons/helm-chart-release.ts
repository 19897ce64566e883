import { Construct } from "constructs";
import { Token, type ITerraformDependable } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import type { HelmChart } from "../versions";

export interface HelmChartReleaseProps {
  /** A chart of `HELM_CHARTS`, at its pinned version. */
  readonly chart: HelmChart;
  /** The release name. */
  readonly name: string;
  readonly namespace: string;
  /** Chart values, rendered as one JSON (hence YAML) document; tokens become Terraform references. */
  readonly values: Record<string, unknown>;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A Helm release of a pinned chart, installed atomically: a failed install or upgrade rolls
 * back and cleans up, instead of leaving a half-installed release that the next apply trips on.
 */
export class HelmChartRelease extends Construct {
  public readonly release: Release;
  /** The values as given (the release holds them with literal `${` escaped for Terraform). */
  public readonly values: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: HelmChartReleaseProps) {
    super(scope, id);
    this.values = props.values;
    this.release = new Release(this, "Release", {
      name: props.name,
      namespace: props.namespace,
      createNamespace: true,
      repository: props.chart.repository,
      chart: props.chart.chart,
      version: props.chart.version,
      values: [JSON.stringify(escapeTemplates(props.values))],
      atomic: true,
      cleanupOnFail: true,
      wait: true,
      timeout: 600,
      maxHistory: 10,
      dependsOn: props.dependsOn,
    });
  }
}

/**
 * Literal `${...}` and `%{...}` in chart values (Fluent Bit's `${HOSTNAME}`, say) are for the
 * chart, not Terraform: escaped as `$${` and `%%{`. Strings that hold references are left alone.
 */
function escapeTemplates(value: unknown): unknown {
  if (typeof value === "string") return Token.isUnresolved(value) ? value : value.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
  if (Array.isArray(value)) return value.map(escapeTemplates);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeTemplates(v)]));
  return value;
}
