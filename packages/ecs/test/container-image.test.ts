// ContainerImage references and ServiceSecret checks.
import { ContainerImage, secretProblem, secretValueFrom } from "../src";
import { OTHER_SECRET_ARN, PARAMETER_ARN, SECRET_ARN, fixture, refAt, synth } from "./support";

const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;

describe("ContainerImage.fromRegistry", () => {
  test.each([
    ["public.ecr.aws/nginx/nginx:1.27", "1.27"],
    ["nginx:1.27-alpine", "1.27-alpine"],
    ["nginx", ""],
    ["ghcr.io/acme/app", ""],
    [`ghcr.io/acme/app@${DIGEST}`, DIGEST],
    [`ghcr.io/acme/app:1.0@${DIGEST}`, DIGEST],
    ["registry.example.com:5000/team/app", ""],
    ["registry.example.com:5000/team/app:2.1", "2.1"],
    ["localhost:5000/app:dev", "dev"],
  ])("%s: tag %j", (reference, tag) => {
    const image = ContainerImage.fromRegistry(reference);
    expect(image.imageUri).toBe(reference);
    expect(image.tag).toBe(tag);
    expect(image.repository).toBeUndefined();
  });
});

describe("ContainerImage.fromRepository", () => {
  test("the repository URL with the tag; the repository is kept for the pull grant", () => {
    const f = fixture();
    const image = ContainerImage.fromRepository(f.repository, "2024.06.1");
    expect(image.tag).toBe("2024.06.1");
    expect(image.repository).toBe(f.repository);
    const { out, outputs } = synth(f.stack, { uri: image.imageUri });
    expect(outputs.uri).toBe(`${refAt(out, "aws_ecr_repository", "Repo", "repository_url")}:2024.06.1`);
  });
});

describe("ServiceSecret", () => {
  test.each([
    { secretsManagerArn: SECRET_ARN },
    { secretsManagerArn: OTHER_SECRET_ARN, jsonKey: "api.token_v2-x" },
    { secretsManagerArn: "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:db-AbCdEf" },
    { ssmParameterArn: PARAMETER_ARN },
    { ssmParameterArn: "arn:aws:ssm:eu-west-1:123456789012:parameter/flat" },
  ])("%j is fine", (secret) => {
    expect(secretProblem(secret)).toBeUndefined();
  });

  test.each([
    ["arn:aws:secretsmanager:eu-west-1:123456789012:db", "no secret: part"],
    ["arn:aws:secretsmanager:eu-west-1:12345:secret:db", "a short account"],
    ["db-password", "a name"],
    [PARAMETER_ARN, "a parameter"],
  ])("%j (%s) is not a Secrets Manager ARN", (arn) => {
    expect(secretProblem({ secretsManagerArn: arn })).toBe(`is not a Secrets Manager secret ARN: ${JSON.stringify(arn)}`);
  });

  test("a jsonKey out of its rules", () => {
    expect(secretProblem({ secretsManagerArn: SECRET_ARN, jsonKey: "a/b" })).toBe('has jsonKey "a/b"; a key is 1-128 of A-Za-z0-9_.-');
  });

  test.each(["/test/api/flags", "arn:aws:ssm:eu-west-1:123456789012:document/x", SECRET_ARN])("%j is not an SSM parameter ARN", (arn) => {
    expect(secretProblem({ ssmParameterArn: arn })).toBe(`is not an SSM parameter ARN: ${JSON.stringify(arn)}`);
  });

  test("valueFrom: the ARN, or <arn>:<jsonKey>:: (latest version)", () => {
    expect(secretValueFrom({ secretsManagerArn: SECRET_ARN })).toBe(SECRET_ARN);
    expect(secretValueFrom({ secretsManagerArn: SECRET_ARN, jsonKey: "password" })).toBe(`${SECRET_ARN}:password::`);
    expect(secretValueFrom({ ssmParameterArn: PARAMETER_ARN, kmsKeyArn: "x" })).toBe(PARAMETER_ARN);
  });
});
