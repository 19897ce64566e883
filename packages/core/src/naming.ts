import { createHash } from "node:crypto";

/** The length and character rules of one kind of AWS name. */
export interface NameRule {
  /** What the rule is for, used in error messages. */
  readonly kind: string;
  /** The longest name AWS accepts. */
  readonly maxLength: number;
  /** One character that AWS accepts in this name (a single-character class). */
  readonly allowed: RegExp;
  /** AWS accepts lower case only. */
  readonly lowerCase: boolean;
}

/** Rules for the AWS names that the platform creates. Add one when a new kind of name appears. */
export const NameRules = {
  /** Tag values and names with no stricter rule of their own. */
  generic: { kind: "name", maxLength: 255, allowed: /[a-zA-Z0-9-]/, lowerCase: false },
  /** IAM roles and policies: 64 characters of `[\w+=,.@-]`. */
  iamRole: { kind: "IAM role name", maxLength: 64, allowed: /[\w+=,.@-]/, lowerCase: false },
  /** CloudWatch log groups: 512 characters of `[.\-_/#A-Za-z0-9]`. */
  logGroup: { kind: "log group name", maxLength: 512, allowed: /[.\-_/#A-Za-z0-9]/, lowerCase: false },
  /** Security groups: 255 characters. */
  securityGroup: { kind: "security group name", maxLength: 255, allowed: /[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]/, lowerCase: false },
  /** S3 buckets: 3 to 63 lower-case letters, digits, dots and hyphens. */
  s3Bucket: { kind: "S3 bucket name", maxLength: 63, allowed: /[a-z0-9.-]/, lowerCase: true },
  /** Load balancers and target groups: 32 letters, digits and hyphens. */
  loadBalancer: { kind: "load balancer name", maxLength: 32, allowed: /[a-zA-Z0-9-]/, lowerCase: false },
  /** KMS alias names, without the `alias/` prefix. */
  kmsAlias: { kind: "KMS alias", maxLength: 250, allowed: /[a-zA-Z0-9/_-]/, lowerCase: false },
  /** ECR repositories: lower case letters, digits and `._/-`. */
  ecrRepository: { kind: "ECR repository name", maxLength: 256, allowed: /[a-z0-9._/-]/, lowerCase: true },
  /** SQS queues: 80 letters, digits, `_` and `-`. */
  sqsQueue: { kind: "SQS queue name", maxLength: 80, allowed: /[a-zA-Z0-9_-]/, lowerCase: false },
  /** EventBridge rules: 64 letters, digits and `._-`. */
  eventRule: { kind: "EventBridge rule name", maxLength: 64, allowed: /[a-zA-Z0-9._-]/, lowerCase: false },
  /** ECS clusters and services, EKS clusters and node groups: letters, digits, `_` and `-`. */
  cluster: { kind: "cluster name", maxLength: 100, allowed: /[a-zA-Z0-9_-]/, lowerCase: false },
} as const satisfies Record<string, NameRule>;

const HASH_LENGTH = 8;

/**
 * Builds a physical name from its parts (`["prod", "network", "flow-logs"]` → `prod-network-flow-logs`),
 * within a kind of name's rules: characters that are not allowed become `-`, and a name that
 * is too long keeps its start and ends in a hash of the whole, so that two long names that differ
 * only at the end still differ, and the same parts always give the same name.
 */
export function physicalName(parts: readonly string[], rule: NameRule = NameRules.generic): string {
  const joined = parts.filter((p) => p.length > 0).join("-");
  const cased = rule.lowerCase ? joined.toLowerCase() : joined;
  const cleaned = [...cased]
    .map((c) => (rule.allowed.test(c) ? c : "-"))
    .join("")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
  if (cleaned.length === 0) {
    throw new Error(`cannot build a ${rule.kind} from ${JSON.stringify(parts)}: no allowed characters`);
  }
  if (cleaned.length <= rule.maxLength) return cleaned;
  const hash = createHash("sha256").update(cleaned).digest("hex").slice(0, HASH_LENGTH);
  const head = cleaned.slice(0, rule.maxLength - HASH_LENGTH - 1).replace(/[-.]+$/, "");
  return `${head}-${hash}`;
}
