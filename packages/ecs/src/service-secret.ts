/**
 * A secret a container reads at start as an environment variable. The task execution role gets
 * read access to exactly the secrets given, and decrypt on their key when one is named.
 */
export type ServiceSecret =
  | { readonly secretsManagerArn: string; readonly jsonKey?: string; readonly kmsKeyArn?: string }
  | { readonly ssmParameterArn: string; readonly kmsKeyArn?: string };

const SECRET_ARN = /^arn:aws(-cn|-us-gov)?:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/;
const PARAMETER_ARN = /^arn:aws(-cn|-us-gov)?:ssm:[a-z0-9-]+:\d{12}:parameter\/[\w/.-]+$/;

/** What is wrong with a secret reference, or `undefined`. */
export function secretProblem(secret: ServiceSecret): string | undefined {
  if ("secretsManagerArn" in secret) {
    if (!SECRET_ARN.test(secret.secretsManagerArn)) return `is not a Secrets Manager secret ARN: ${JSON.stringify(secret.secretsManagerArn)}`;
    if (secret.jsonKey !== undefined && !/^[\w.-]{1,128}$/.test(secret.jsonKey)) return `has jsonKey ${JSON.stringify(secret.jsonKey)}; a key is 1-128 of A-Za-z0-9_.-`;
  } else if (!PARAMETER_ARN.test(secret.ssmParameterArn)) {
    return `is not an SSM parameter ARN: ${JSON.stringify(secret.ssmParameterArn)}`;
  }
  return undefined;
}

/** The container definition's `valueFrom`. */
export function secretValueFrom(secret: ServiceSecret): string {
  if ("secretsManagerArn" in secret) return secret.jsonKey ? `${secret.secretsManagerArn}:${secret.jsonKey}::` : secret.secretsManagerArn;
  return secret.ssmParameterArn;
}
