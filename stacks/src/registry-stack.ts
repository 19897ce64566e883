import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { PlatformStack, type ValidatedEnvironmentConfig } from "@platform/core";
import { LifecycleRules, Registry, Repository, type IRepository, type LifecycleRule } from "@platform/ecr";

/**
 * `<env>-registry`: the environment's ECR registry settings and repositories, from its `ecr`
 * configuration. Repositories are keyed by name (`Repositories/<name>`, with `/` written `--`),
 * so adding one never touches another.
 */
export class RegistryStack extends PlatformStack {
  public readonly registry: Registry;
  /** Repositories of this environment, by name. */
  public readonly repositories: Readonly<Record<string, Repository>>;

  constructor(scope: Construct, config: ValidatedEnvironmentConfig) {
    super(scope, "registry", { config });
    const ecr = config.ecr ?? {};
    this.registry = new Registry(this, "Registry", {
      scanning: {
        scanType: ecr.scanning?.type ?? "BASIC",
        rules: [{ frequency: ecr.scanning?.frequency ?? "SCAN_ON_PUSH", repositoryFilters: ["*"] }],
      },
      replication: ecr.replication,
      replicationSources: ecr.replicationSources,
      pullThroughCache: ecr.pullThroughCache,
    });

    const repositoriesScope = new Construct(this, "Repositories");
    const repositories: Record<string, Repository> = {};
    for (const [name, settings] of Object.entries(ecr.repositories ?? {})) {
      const lifecycleRules: LifecycleRule[] = [
        LifecycleRules.expireUntagged(settings.untaggedExpireAfterDays ?? 14),
        ...Object.entries(settings.keepLastPerTagPrefix ?? {}).map(([prefix, count]) => LifecycleRules.keepLast(count, prefix)),
      ];
      const repository = new Repository(repositoriesScope, name, {
        repositoryName: name,
        imageTagMutability: settings.imageTagMutability,
        scanOnPush: settings.scanOnPush,
        kmsKeyArn: settings.kmsKeyArn,
        forceDelete: settings.forceDelete,
        lifecycleRules,
      });
      for (const accountId of settings.pullAccounts ?? []) repository.grantPull({ accountId });
      repositories[name] = repository;
    }
    this.repositories = repositories;

    new TerraformOutput(this, "repository_urls", {
      value: Object.fromEntries(Object.entries(repositories).map(([name, r]) => [name, r.repositoryUrl])),
      description: "Image repository URLs by repository name",
    });
    new TerraformOutput(this, "repository_arns", {
      value: Object.fromEntries(Object.entries(repositories).map(([name, r]) => [name, r.repositoryArn])),
      description: "Repository ARNs by repository name",
    });
  }

  /**
   * The repository that this environment's services pull `name` from: its own, or the one in
   * `ecr.imageSource` (another environment's account) when images are built elsewhere.
   */
  public imageRepository(scope: Construct, name: string): IRepository {
    const source = this.config.ecr?.imageSource;
    if (!source) {
      const own = this.repositories[name];
      if (own) return own;
      return Repository.fromRepositoryName(scope, `Image-${name}`, name);
    }
    return Repository.fromRepositoryArn(scope, `Image-${name}`, `arn:${this.awsEnvironment.partition}:ecr:${source.region}:${source.accountId}:repository/${name}`);
  }
}
