// One test per error message a Repository throws. Each compares the whole message, including the
// construct path prefix: the path of `testStack()` is `test-unit`, so a repository with id `repo`
// reports `test-unit/repo: ...`.
import { Construct } from "constructs";
import { TerraformStack, Testing } from "cdktf";
import { ValidationError, testStack } from "@platform/core";
import { Repository, type RepositoryProps } from "../src";
import { STACK_PATH, unchecked, validationErrorOf } from "./support";

const REPO = `${STACK_PATH}/repo`;
const NAME_RULES =
  "must be lower-case letters and digits, separated by . _ - inside a part and / between parts, starting and ending with a letter or digit";

function errorOf(props: RepositoryProps, id = "repo"): string {
  return validationErrorOf(() => new Repository(testStack(), id, props)).message;
}

describe("ValidationError", () => {
  test("carries the construct path, which prefixes the message", () => {
    const error = validationErrorOf(() => new Repository(testStack(), "repo", { repositoryName: "x" }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.name).toBe("ValidationError");
    expect(error.constructPath).toBe(REPO);
    expect(error.message.startsWith(`${REPO}: `)).toBe(true);
  });

  test("the prefix is the full path of the repository, wherever it is", () => {
    const stack = testStack();
    const group = new Construct(stack, "Repositories");
    expect(validationErrorOf(() => new Repository(group, "Api", {})).message).toBe(`${STACK_PATH}/Repositories/Api: 'repositoryName' ${NAME_RULES}, got "Api"`);
  });

  test("a stack without an AWS environment", () => {
    const stack = new TerraformStack(Testing.app(), "bare");
    expect(validationErrorOf(() => new Repository(stack, "Repo")).message).toBe(
      "bare/Repo: no AWS environment is set for this construct; build it inside a PlatformStack, or call AwsEnvironment.set(stack, { environment, accountId, region }) first",
    );
  });
});

describe("repositoryName", () => {
  test("too short", () => {
    expect(errorOf({ repositoryName: "a" })).toBe(`${REPO}: 'repositoryName' must be 2-256 characters, got "a"`);
    expect(errorOf({ repositoryName: "" })).toBe(`${REPO}: 'repositoryName' must be 2-256 characters, got ""`);
  });

  test("too long", () => {
    const name = "a".repeat(257);
    expect(errorOf({ repositoryName: name })).toBe(`${REPO}: 'repositoryName' must be 2-256 characters, got "${name}"`);
  });

  test("not a string", () => {
    expect(errorOf({ repositoryName: unchecked(42) })).toBe(`${REPO}: 'repositoryName' must be 2-256 characters, got 42`);
  });

  test("upper case", () => {
    expect(errorOf({ repositoryName: "Payments" })).toBe(`${REPO}: 'repositoryName' ${NAME_RULES}, got "Payments"`);
  });

  test("the default name (the construct id) follows the same rules", () => {
    expect(errorOf({}, "PaymentsApi")).toBe(`${STACK_PATH}/PaymentsApi: 'repositoryName' ${NAME_RULES}, got "PaymentsApi"`);
  });

  test.each(["-api", "api-", ".api", "api.", "a..b", "a._b", "a___b", "a/", "/a", "a//b", "team/-api", "my repo", "api:latest", "api@x"])(
    "bad separators or characters: %s",
    (name) => {
      expect(errorOf({ repositoryName: name })).toBe(`${REPO}: 'repositoryName' ${NAME_RULES}, got ${JSON.stringify(name)}`);
    },
  );
});

describe("imageTagMutability", () => {
  test("IMMUTABLE or MUTABLE", () => {
    expect(errorOf({ imageTagMutability: unchecked("immutable") })).toBe(`${REPO}: 'imageTagMutability' must be "IMMUTABLE" or "MUTABLE", got "immutable"`);
    expect(errorOf({ imageTagMutability: unchecked("IMMUTABLE_WITH_EXCLUSION") })).toBe(
      `${REPO}: 'imageTagMutability' must be "IMMUTABLE" or "MUTABLE", got "IMMUTABLE_WITH_EXCLUSION"`,
    );
  });
});

describe("kmsKeyArn", () => {
  test.each([
    "1234abcd-12ab-34cd-56ef-1234567890ab",
    "arn:aws:kms:eu-west-1:123456789012:alias/ecr",
    "arn:aws:kms:eu-west-1:1234:key/1234abcd",
    "arn:aws:s3:::bucket",
  ])("a KMS key ARN: %s", (arn) => {
    expect(errorOf({ kmsKeyArn: arn })).toBe(`${REPO}: 'kmsKeyArn' must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), got ${JSON.stringify(arn)}`);
  });
});

describe("lifecycleRules", () => {
  test("a problem with the rules surfaces with the repository's path", () => {
    expect(errorOf({ lifecycleRules: [{ tagStatus: "untagged" }] })).toBe(
      `${REPO}: 'lifecycleRules[0]' must set exactly one of maxImageCount and maxImageAgeDays, got neither`,
    );
  });

  test("conflicting rules", () => {
    expect(errorOf({ lifecycleRules: [{ tagStatus: "untagged", maxImageAgeDays: 7 }, { tagStatus: "untagged", maxImageCount: 5 }] })).toBe(
      `${REPO}: 'lifecycleRules[1]' selects the same images as 'lifecycleRules[0]'; the two rules conflict, merge them into one`,
    );
  });
});

describe("forceDelete", () => {
  test("refused in production", () => {
    const stack = testStack({ name: "prod", production: true, backend: { type: "s3", bucket: "b-tfstate" } });
    expect(validationErrorOf(() => new Repository(stack, "repo", { forceDelete: true })).message).toBe(
      `prod-unit/repo: 'forceDelete' is refused in production (environment "prod"): deleting a repository with its images breaks every deployment that references them`,
    );
  });
});

describe("imported repositories", () => {
  test("fromRepositoryName checks the name", () => {
    expect(validationErrorOf(() => Repository.fromRepositoryName(testStack(), "Shared", "Shared_Repo")).message).toBe(
      `${STACK_PATH}/Shared: 'repositoryName' ${NAME_RULES}, got "Shared_Repo"`,
    );
    expect(validationErrorOf(() => Repository.fromRepositoryName(testStack(), "Shared", "x")).message).toBe(
      `${STACK_PATH}/Shared: 'repositoryName' must be 2-256 characters, got "x"`,
    );
  });

  test.each([
    "api",
    "arn:aws:ecr:eu-west-1:123456789012:api",
    "arn:aws:ecr:eu-west-1:1234:repository/api",
    "arn:aws:ecr-public::123456789012:repository/api",
    "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api",
  ])("fromRepositoryArn needs an ECR repository ARN: %s", (arn) => {
    // The scope is the one passed in (no construct is created for an ARN that is not one).
    expect(validationErrorOf(() => Repository.fromRepositoryArn(testStack(), "Shared", arn)).message).toBe(
      `${STACK_PATH}: 'repositoryArn' must be an ECR repository ARN (arn:aws:ecr:<region>:<account>:repository/<name>), got ${JSON.stringify(arn)}`,
    );
  });

  test("fromRepositoryArn checks the name in the ARN", () => {
    expect(validationErrorOf(() => Repository.fromRepositoryArn(testStack(), "Shared", "arn:aws:ecr:eu-west-1:111122223333:repository/Api")).message).toBe(
      `${STACK_PATH}/Shared: 'repositoryName' ${NAME_RULES}, got "Api"`,
    );
  });
});
