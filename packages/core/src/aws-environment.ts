import { IConstruct } from "constructs";
import { ValidationError } from "./validation-error";

const CONTEXT_KEY = "@platform/core:aws-environment";

/** Where a stack deploys: what constructs need for names, ARNs and key policies without asking AWS. */
export interface AwsEnvironmentProps {
  /** The environment's name, the first part of physical names. */
  readonly environment: string;
  /** The 12-digit account id. */
  readonly accountId: string;
  /** The region, such as `eu-west-1`. */
  readonly region: string;
  /**
   * Production turns on deletion safety in constructs (no force delete, deletion protection).
   * @default false
   */
  readonly production?: boolean;
}

/**
 * The account, region and environment of a stack, known at synth time (the platform never looks
 * them up through a data source, so that plans work offline and ARNs are literals).
 *
 * `PlatformStack` sets it; constructs read it with `AwsEnvironment.of(this)`, the way aws-cdk-lib
 * constructs read `Stack.of(this).account`.
 */
export class AwsEnvironment implements AwsEnvironmentProps {
  /** Attaches the environment to a scope (normally a stack, before any child is added). */
  public static set(scope: IConstruct, props: AwsEnvironmentProps): AwsEnvironment {
    const env = new AwsEnvironment(props);
    scope.node.setContext(CONTEXT_KEY, env);
    return env;
  }

  /** The environment of the stack that holds `scope`. */
  public static of(scope: IConstruct): AwsEnvironment {
    const env = scope.node.tryGetContext(CONTEXT_KEY);
    if (!(env instanceof AwsEnvironment)) {
      throw new ValidationError(
        "no AWS environment is set for this construct; build it inside a PlatformStack, or call AwsEnvironment.set(stack, { environment, accountId, region }) first",
        scope,
      );
    }
    return env;
  }

  public readonly environment: string;
  public readonly accountId: string;
  public readonly region: string;
  public readonly production: boolean;
  /** `aws`, `aws-cn`, `aws-us-gov`, `aws-iso` or `aws-iso-b`, from the region. */
  public readonly partition: string;
  /** The DNS suffix of service endpoints: `amazonaws.com`, `amazonaws.com.cn`, `c2s.ic.gov`, `sc2s.sgov.gov`. */
  public readonly urlSuffix: string;

  private constructor(props: AwsEnvironmentProps) {
    this.environment = props.environment;
    this.accountId = props.accountId;
    this.region = props.region;
    this.production = props.production ?? false;
    this.partition = partitionOf(props.region);
    this.urlSuffix = URL_SUFFIXES[this.partition] ?? "amazonaws.com";
  }

  /** `arn:<partition>:iam::<account>:root`, the account principal of key and resource policies. */
  public get accountRootArn(): string {
    return `arn:${this.partition}:iam::${this.accountId}:root`;
  }

  /** An ARN in this account and region: `arn("logs", "log-group:/x")`. Pass `region: ""` for global services. */
  public arn(service: string, resource: string, options: { region?: string; accountId?: string } = {}): string {
    return `arn:${this.partition}:${service}:${options.region ?? this.region}:${options.accountId ?? this.accountId}:${resource}`;
  }

  /** The service principal `<service>.amazonaws.com`. */
  public servicePrincipal(service: string): string {
    return `${service}.amazonaws.com`;
  }
}

const URL_SUFFIXES: Record<string, string> = {
  "aws-cn": "amazonaws.com.cn",
  "aws-iso": "c2s.ic.gov",
  "aws-iso-b": "sc2s.sgov.gov",
};

function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (/^[a-z]{2}-isob-/.test(region)) return "aws-iso-b";
  if (/^[a-z]{2}-iso-/.test(region)) return "aws-iso";
  return "aws";
}
