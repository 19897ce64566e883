import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { EcrRegistryScanningConfiguration } from "@cdktf/provider-aws/lib/ecr-registry-scanning-configuration";
import { EcrReplicationConfiguration } from "@cdktf/provider-aws/lib/ecr-replication-configuration";
import { EcrRegistryPolicy } from "@cdktf/provider-aws/lib/ecr-registry-policy";
import { EcrPullThroughCacheRule } from "@cdktf/provider-aws/lib/ecr-pull-through-cache-rule";
import { AwsEnvironment, REGION_PATTERN, ValidationError, policyDocument, showValue, type PolicyStatement } from "@platform/core";

/** `BASIC`: free, on push or manual. `ENHANCED`: Amazon Inspector, continuous and OS + language packages. */
export type ScanType = "BASIC" | "ENHANCED";
export type ScanFrequency = "SCAN_ON_PUSH" | "CONTINUOUS_SCAN" | "MANUAL";

export interface ScanningRule {
  readonly frequency: ScanFrequency;
  /** Repository name wildcards: `["*"]`, `["prod/*"]`. */
  readonly repositoryFilters: readonly string[];
}

export interface RegistryScanningOptions {
  /** @default "BASIC" */
  readonly scanType?: ScanType;
  /** @default - scan every repository on push */
  readonly rules?: readonly ScanningRule[];
}

export interface ReplicationDestination {
  readonly region: string;
  /** @default - this account (cross-region replication) */
  readonly accountId?: string;
}

export interface ReplicationRule {
  readonly destinations: readonly ReplicationDestination[];
  /** Replicate only repositories whose names start with one of these. @default - every repository */
  readonly repositoryPrefixes?: readonly string[];
}

/** An account allowed to replicate into this registry (from any of its regions). */
export interface ReplicationSource {
  readonly accountId: string;
}

/** Upstream registries that a pull-through cache can mirror. */
export const PULL_THROUGH_UPSTREAMS = {
  "ecr-public": { url: "public.ecr.aws", credential: false },
  quay: { url: "quay.io", credential: false },
  k8s: { url: "registry.k8s.io", credential: false },
  "docker-hub": { url: "registry-1.docker.io", credential: true },
  github: { url: "ghcr.io", credential: true },
  gitlab: { url: "registry.gitlab.com", credential: true },
} as const;
export type PullThroughUpstream = keyof typeof PULL_THROUGH_UPSTREAMS;

export interface PullThroughCacheRule {
  readonly upstream: PullThroughUpstream;
  /**
   * A Secrets Manager secret whose name starts with `ecr-pullthroughcache/`, holding
   * `{"username": ..., "accessToken": ...}`. Required by Docker Hub, GitHub and GitLab.
   */
  readonly credentialArn?: string;
}

export interface RegistryProps {
  /** @default - BASIC scanning of every repository on push */
  readonly scanning?: RegistryScanningOptions;
  /** @default - no replication */
  readonly replication?: readonly ReplicationRule[];
  /** Accounts that replicate into this registry (the registry policy they need). @default [] */
  readonly replicationSources?: readonly ReplicationSource[];
  /** Pull-through cache rules keyed by the repository prefix they serve: `{ "docker-hub": {...} }`. @default {} */
  readonly pullThroughCache?: Readonly<Record<string, PullThroughCacheRule>>;
}

/**
 * The account's private registry in one region: scanning, replication (and the policy that lets
 * other accounts replicate here), and pull-through cache rules. One per account and region: each
 * of these settings is a singleton in AWS, so two would overwrite each other.
 *
 * Construct ids (public API): `Scanning`, `Replication`, `Policy`, `PullThroughCache/<prefix>`.
 */
export class Registry extends Construct {
  constructor(scope: Construct, id: string, props: RegistryProps = {}) {
    super(scope, id);
    const env = AwsEnvironment.of(this);
    const fail = (message: string): never => {
      throw new ValidationError(message, this);
    };
    const others = TerraformStack.of(this)
      .node.findAll()
      .filter((c) => c instanceof Registry && c !== this);
    if (others.length > 0) {
      fail(`a stack may hold one Registry (there is one at ${others[0].node.path}); registry settings are one per account and region`);
    }

    const scanType = props.scanning?.scanType ?? "BASIC";
    if (scanType !== "BASIC" && scanType !== "ENHANCED") fail(`'scanning.scanType' must be "BASIC" or "ENHANCED", got ${showValue(scanType)}`);
    const rules = props.scanning?.rules ?? [{ frequency: "SCAN_ON_PUSH", repositoryFilters: ["*"] }];
    const allowed: ScanFrequency[] = scanType === "BASIC" ? ["SCAN_ON_PUSH", "MANUAL"] : ["SCAN_ON_PUSH", "CONTINUOUS_SCAN", "MANUAL"];
    rules.forEach((rule, i) => {
      if (!allowed.includes(rule.frequency)) {
        fail(`'scanning.rules[${i}].frequency' must be one of ${allowed.join(", ")} with ${scanType} scanning, got ${showValue(rule.frequency)}`);
      }
      if (rule.repositoryFilters.length === 0) fail(`'scanning.rules[${i}].repositoryFilters' must hold at least one filter, such as "*"`);
    });
    new EcrRegistryScanningConfiguration(this, "Scanning", {
      scanType,
      rule: rules.map((rule) => ({
        scanFrequency: rule.frequency,
        repositoryFilter: rule.repositoryFilters.map((filter) => ({ filter, filterType: "WILDCARD" })),
      })),
    });

    const replication = props.replication ?? [];
    if (replication.length > 10) fail(`'replication' may hold at most 10 rules, got ${replication.length}`);
    const seen = new Set<string>();
    replication.forEach((rule, i) => {
      if (rule.destinations.length === 0) fail(`'replication[${i}].destinations' must hold at least one destination`);
      rule.destinations.forEach((d, j) => {
        const account = d.accountId ?? env.accountId;
        if (!REGION_PATTERN.test(d.region)) fail(`'replication[${i}].destinations[${j}].region' must be an AWS region, got ${showValue(d.region)}`);
        if (!/^\d{12}$/.test(account)) fail(`'replication[${i}].destinations[${j}].accountId' must be a 12-digit AWS account id, got ${showValue(account)}`);
        if (d.region === env.region && account === env.accountId) {
          fail(`'replication[${i}].destinations[${j}]' is this registry itself (${account} in ${d.region}); replicate to another region or account`);
        }
        seen.add(`${account}/${d.region}`);
      });
      for (const prefix of rule.repositoryPrefixes ?? []) {
        if (!/^[a-z0-9][a-z0-9._/-]{1,255}$/.test(prefix)) {
          fail(`'replication[${i}].repositoryPrefixes' holds ${showValue(prefix)}; a prefix is 2-256 of a-z0-9._/- starting with a letter or digit`);
        }
      }
    });
    if (seen.size > 25) fail(`'replication' may name at most 25 destinations, got ${seen.size}`);
    if (replication.length > 0) {
      new EcrReplicationConfiguration(this, "Replication", {
        replicationConfiguration: {
          rule: replication.map((rule) => ({
            destination: rule.destinations.map((d) => ({ region: d.region, registryId: d.accountId ?? env.accountId })),
            repositoryFilter: (rule.repositoryPrefixes ?? []).map((filter) => ({ filter, filterType: "PREFIX_MATCH" })),
          })),
        },
      });
    }

    const sources = props.replicationSources ?? [];
    sources.forEach((source, i) => {
      if (!/^\d{12}$/.test(source.accountId)) fail(`'replicationSources[${i}].accountId' must be a 12-digit AWS account id, got ${showValue(source.accountId)}`);
      if (source.accountId === env.accountId) fail(`'replicationSources[${i}].accountId' is this registry's own account; only other accounts need the registry policy`);
      if (sources.findIndex((s) => s.accountId === source.accountId) !== i) fail(`'replicationSources[${i}].accountId' ${showValue(source.accountId)} is listed twice; list each account once`);
    });
    if (sources.length > 0) {
      const statements: PolicyStatement[] = sources.map((source) => ({
        Sid: `ReplicationFrom${source.accountId}`,
        Effect: "Allow",
        Principal: { AWS: `arn:${env.partition}:iam::${source.accountId}:root` },
        Action: ["ecr:CreateRepository", "ecr:ReplicateImage"],
        Resource: [env.arn("ecr", "repository/*")],
      }));
      new EcrRegistryPolicy(this, "Policy", { policy: policyDocument(statements) });
    }

    const cacheRules = Object.entries(props.pullThroughCache ?? {});
    if (cacheRules.length > 0) {
      const cacheScope = new Construct(this, "PullThroughCache");
      for (const [prefix, rule] of cacheRules) {
        const at = `'pullThroughCache.${prefix}'`;
        if (!/^[a-z0-9][a-z0-9._-]{1,29}$/.test(prefix)) {
          fail(`${at}: the repository prefix must be 2-30 of a-z0-9._- starting with a letter or digit, got ${showValue(prefix)}`);
        }
        const upstream = PULL_THROUGH_UPSTREAMS[rule.upstream];
        if (!upstream) {
          fail(`${at}.upstream must be one of ${Object.keys(PULL_THROUGH_UPSTREAMS).join(", ")}, got ${showValue(rule.upstream)}`);
        }
        if (upstream.credential && !rule.credentialArn) {
          fail(`${at}.credentialArn is required for ${rule.upstream} (a Secrets Manager secret named ecr-pullthroughcache/...)`);
        }
        if (!upstream.credential && rule.credentialArn) {
          fail(`${at}.credentialArn is not used by ${rule.upstream}, which is public; remove it`);
        }
        if (rule.credentialArn && !/^arn:aws(-cn|-us-gov)?:secretsmanager:[a-z0-9-]+:\d{12}:secret:ecr-pullthroughcache\/[\w/+=.@-]+$/.test(rule.credentialArn)) {
          fail(`${at}.credentialArn must be a Secrets Manager secret ARN whose name starts with ecr-pullthroughcache/, got ${showValue(rule.credentialArn)}`);
        }
        new EcrPullThroughCacheRule(cacheScope, prefix, {
          ecrRepositoryPrefix: prefix,
          upstreamRegistryUrl: upstream.url,
          credentialArn: rule.credentialArn,
        });
      }
    }
  }
}
