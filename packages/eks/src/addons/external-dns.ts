import { Construct } from "constructs";
import { type ITerraformDependable } from "cdktf";
import { AwsEnvironment, ValidationError, showValue, NameRules, physicalName } from "@platform/core";
import type { IEksCluster } from "../eks-cluster";
import { ServiceAccountRole } from "../service-account-role";
import { HELM_CHARTS } from "../versions";
import { HelmChartRelease } from "./helm-chart-release";

export interface ExternalDnsProps {
  readonly cluster: IEksCluster;
  readonly clusterName: string;
  /** The only Route 53 zones it may change. */
  readonly hostedZoneIds: readonly string[];
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * external-dns (namespace `external-dns`): records for Ingresses and Services in the given zones
 * only, in `upsert-only` mode (it never deletes a record it did not create, and ownership TXT
 * records name this cluster).
 *
 * Construct ids (public API): `Role`, `Chart`.
 */
export class ExternalDns extends Construct {
  public readonly role: ServiceAccountRole;
  public readonly chart: HelmChartRelease;

  constructor(scope: Construct, id: string, props: ExternalDnsProps) {
    super(scope, id);
    const env = AwsEnvironment.of(this);
    if (props.hostedZoneIds.length === 0) throw new ValidationError("'hostedZoneIds' must list at least one Route 53 hosted zone id", this);
    props.hostedZoneIds.forEach((zone, i) => {
      if (!/^Z[A-Z0-9]{1,31}$/.test(zone)) throw new ValidationError(`'hostedZoneIds[${i}]' must be a Route 53 hosted zone id such as Z0123456789ABC, got ${showValue(zone)}`, this);
    });
    this.role = new ServiceAccountRole(this, "Role", {
      cluster: props.cluster,
      namespace: "external-dns",
      serviceAccount: "external-dns",
      roleName: physicalName([props.clusterName, "external-dns"], NameRules.iamRole),
      description: `external-dns of ${props.clusterName}`,
    });
    this.role.addToPrincipalPolicy({
      Sid: "ChangeGivenZones",
      Effect: "Allow",
      Action: "route53:ChangeResourceRecordSets",
      Resource: props.hostedZoneIds.map((zone) => `arn:${env.partition}:route53:::hostedzone/${zone}`),
    });
    this.role.addToPrincipalPolicy({
      Sid: "ListZonesAndRecords",
      Effect: "Allow",
      Action: ["route53:ListHostedZones", "route53:ListResourceRecordSets", "route53:ListTagsForResource"],
      Resource: "*",
    });
    this.chart = new HelmChartRelease(this, "Chart", {
      chart: HELM_CHARTS.externalDns,
      name: "external-dns",
      namespace: "external-dns",
      values: {
        provider: { name: "aws" },
        env: [{ name: "AWS_DEFAULT_REGION", value: env.region }],
        serviceAccount: { create: true, name: "external-dns" },
        policy: "upsert-only",
        txtOwnerId: props.clusterName,
        extraArgs: props.hostedZoneIds.map((zone) => `--zone-id-filter=${zone}`),
        sources: ["service", "ingress"],
      },
      dependsOn: [...(props.dependsOn ?? []), ...this.role.readyForPods],
    });
  }
}
