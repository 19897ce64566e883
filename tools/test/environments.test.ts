// The four environments: their configuration is valid, has the shapes the platform promises, and
// synthesizes to what operators expect. Terraform's own checks of the same output run in
// `npm run validate`, the last step of `npm test`.
import * as path from "node:path";
import { Testing } from "cdktf";
import { parseIpv4Cidr, ipv4CidrsOverlap, validateEnvironmentConfig, type ValidatedEnvironmentConfig, type SynthesizedStack } from "@platform/core";
import { buildEnvironment } from "@platform/stacks";
import { ENVIRONMENTS_DIR, listEnvironments } from "../src/workspace";

function load(env: string): ValidatedEnvironmentConfig {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { config } = require(path.join(ENVIRONMENTS_DIR, env, "config.ts"));
  return validateEnvironmentConfig(config, env);
}

function network(env: string): SynthesizedStack {
  const stacks = buildEnvironment(Testing.app(), load(env));
  return JSON.parse(Testing.synth(stacks.network, true)) as SynthesizedStack;
}

describe("environments", () => {
  it("include local, dev, staging and prod", () => {
    expect(listEnvironments()).toEqual(expect.arrayContaining(["dev", "local", "prod", "staging"]));
  });

  it.each(listEnvironments())("%s: configuration is valid and named after its folder", (env) => {
    expect(load(env).name).toBe(env);
  });

  it("use every state backend: local, s3 and cloud", () => {
    const types = listEnvironments().map((e) => load(e).backend.type);
    expect(new Set(types)).toEqual(new Set(["local", "s3", "cloud"]));
  });

  it("have VPC ranges that do not overlap, so that they can be peered later", () => {
    const ranges = listEnvironments().map((e) => ({ env: e, block: parseIpv4Cidr(load(e).network.cidr)! }));
    for (const a of ranges) {
      for (const b of ranges) {
        if (a.env < b.env) expect([a.env, b.env, ipv4CidrsOverlap(a.block, b.block)]).toEqual([a.env, b.env, false]);
      }
    }
  });

  it("give each environment its own account", () => {
    const accounts = listEnvironments().map((e) => load(e).accountId);
    expect(new Set(accounts).size).toBe(accounts.length);
  });

  it("prod: production, 3 zones, a NAT gateway per zone, flow logs, remote state, its own account only", () => {
    const config = load("prod");
    expect(config.production).toBe(true);
    expect(config.availabilityZones).toHaveLength(3);
    const out = network("prod");
    expect(Object.keys(out.resource!.aws_nat_gateway)).toHaveLength(3);
    expect(Object.keys(out.resource!.aws_flow_log)).toHaveLength(1);
    expect(out.terraform!.backend).toHaveProperty("s3");
    const provider = out.provider!.aws[0];
    expect(provider.allowed_account_ids).toEqual(["333333333333"]);
    expect(provider.assume_role).toEqual([{ role_arn: "arn:aws:iam::333333333333:role/platform-deploy", session_name: "cdktf-prod" }]);
    expect(provider.access_key).toBeUndefined();
  });

  it("dev: a single NAT gateway", () => {
    const out = network("dev");
    expect(Object.keys(out.resource!.aws_nat_gateway)).toHaveLength(1);
  });

  it("staging: one HCP Terraform workspace per stack", () => {
    const out = network("staging");
    expect(out.terraform!.cloud).toEqual({ hostname: "app.terraform.io", organization: "acme-platform", workspaces: { name: "staging-network" } });
  });

  it("local: offline provider and relative local state", () => {
    const out = network("local");
    const provider = out.provider!.aws[0];
    expect(provider).toMatchObject({
      access_key: "offline-placeholder",
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: "true",
      skip_region_validation: true,
    });
    const backend = (out.terraform!.backend as { local: { path: string } }).local;
    expect(backend.path.startsWith("/")).toBe(false);
  });

  it.each(listEnvironments())("%s: no data source calls AWS at plan time", (env) => {
    const data = network(env).data ?? {};
    expect(Object.keys(data).filter((type) => type !== "terraform_remote_state")).toEqual([]);
  });

  it.each(listEnvironments())("%s: every resource carries the ownership tags through default_tags", (env) => {
    const tags = (network(env).provider!.aws[0].default_tags as { tags: Record<string, string> }[])[0].tags;
    expect(Object.keys(tags).sort()).toEqual(["CostCenter", "Environment", "ManagedBy", "Owner", "Repository"]);
    expect(tags.Environment).toBe(env);
  });

  describe("images across environments", () => {
    const configs = listEnvironments().map(load);
    const byAccount = new Map(configs.map((c) => [c.accountId, c]));

    it("every replication into another environment's account is allowed by that environment's registry policy", () => {
      for (const source of configs) {
        for (const rule of source.ecr?.replication ?? []) {
          for (const destination of rule.destinations) {
            const target = byAccount.get(destination.accountId ?? source.accountId);
            if (!target || target === source) continue;
            const allowed = (target.ecr?.replicationSources ?? []).map((s) => s.accountId);
            expect([source.name, "->", target.name, allowed.includes(source.accountId)]).toEqual([source.name, "->", target.name, true]);
          }
        }
      }
    });

    it("an environment that pulls images cross-account is granted pull on every repository of its source", () => {
      for (const consumer of configs) {
        const source = consumer.ecr?.imageSource;
        if (!source) continue;
        const producer = byAccount.get(source.accountId);
        expect(producer).toBeDefined();
        for (const [name, repo] of Object.entries(producer!.ecr?.repositories ?? {})) {
          expect([consumer.name, name, (repo.pullAccounts ?? []).includes(consumer.accountId)]).toEqual([consumer.name, name, true]);
        }
      }
    });

    it("a replicated environment manages the same repositories as its source, so replicated images land in configured repositories", () => {
      for (const source of configs) {
        for (const rule of source.ecr?.replication ?? []) {
          for (const destination of rule.destinations) {
            const target = byAccount.get(destination.accountId ?? source.accountId);
            if (!target || target === source) continue;
            expect(Object.keys(target.ecr?.repositories ?? {}).sort()).toEqual(Object.keys(source.ecr?.repositories ?? {}).sort());
          }
        }
      }
    });

    it.each(listEnvironments())("%s: the CI access stack gives no role a long-lived key and the deploy role cannot touch CI identities", (env) => {
      const stacks = buildEnvironment(Testing.app(), load(env));
      if (!stacks.ciAccess) return;
      const out = JSON.parse(Testing.synth(stacks.ciAccess, true)) as SynthesizedStack;
      expect(Object.keys(out.resource ?? {}).filter((t) => t === "aws_iam_access_key" || t === "aws_iam_user")).toEqual([]);
      const deploy = Object.values(out.resource!.aws_iam_role_policy).find((p) => String(p.policy).includes("NeverTheCiIdentities"));
      expect(deploy).toBeDefined();
    });
  });
});

