import * as path from "node:path";
import { Construct } from "constructs";
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AwsEnvironment } from "./aws-environment";
import { createAwsProvider } from "./aws-provider";
import { configureBackend } from "./backend";
import type { ValidatedEnvironmentConfig } from "./environment-config";

/** App context key of the repository root, set by the environment runner. */
export const REPO_ROOT_CONTEXT = "@platform/core:repo-root";

export interface PlatformStackProps {
  /** The environment's validated configuration. */
  readonly config: ValidatedEnvironmentConfig;
}

/**
 * A stack of one environment, named `<env>-<component>`, with what every stack of the platform
 * needs set up before its first resource: the AWS environment (account, region, environment name)
 * for constructs, the AWS provider, and the state backend.
 */
export class PlatformStack extends TerraformStack {
  /** The environment's configuration. */
  public readonly config: ValidatedEnvironmentConfig;
  /** The default AWS provider of the stack. */
  public readonly awsProvider: AwsProvider;
  /** The stack's account, region and environment. */
  public readonly awsEnvironment: AwsEnvironment;

  /**
   * @param component the stack's part of its name: `network` gives the stack `<env>-network`.
   *   Renaming it moves the stack to new state: treat it as public API.
   */
  constructor(scope: Construct, component: string, props: PlatformStackProps) {
    const { config } = props;
    super(scope, `${config.name}-${component}`);
    this.config = config;
    this.awsEnvironment = AwsEnvironment.set(this, {
      environment: config.name,
      accountId: config.accountId,
      region: config.region,
      production: config.production,
    });
    this.awsProvider = createAwsProvider(this, config);
    const app = App.of(this);
    const repoRoot = this.node.tryGetContext(REPO_ROOT_CONTEXT) as string | undefined;
    configureBackend(this, config.backend, {
      environment: config.name,
      region: config.region,
      repoRoot,
      stackDir: path.resolve(app.outdir, "stacks", this.node.id),
    });
  }
}
