// What a Repository synthesizes: the secure defaults, every prop, the lifecycle policy, the
// attributes, and force delete outside and inside production.
import { Construct } from "constructs";
import { testStack } from "@platform/core";
import { LifecycleRules, Repository, type RepositoryProps } from "../src";
import { ACCOUNT, STACK_PATH, count, productionStack, ref, resources, single, synth, validationErrorOf } from "./support";

function synthRepository(props: RepositoryProps = {}, id = "api") {
  const stack = testStack();
  const repository = new Repository(stack, id, props);
  return { repository, ...synth(stack) };
}

function lifecycleRulesOf(out: ReturnType<typeof synthRepository>["out"]): Record<string, unknown>[] {
  return (JSON.parse(single(out, "aws_ecr_lifecycle_policy").resource.policy as string) as { rules: Record<string, unknown>[] }).rules;
}

describe("secure defaults", () => {
  test("immutable tags, scan on push, KMS encryption with the AWS-managed key, no force delete", () => {
    const { out } = synthRepository();
    const { resource } = single(out, "aws_ecr_repository");
    expect(resource).toEqual({
      name: "api",
      image_tag_mutability: "IMMUTABLE",
      image_scanning_configuration: { scan_on_push: true },
      encryption_configuration: [{ encryption_type: "KMS" }],
      force_delete: false,
    });
  });

  test("the name defaults to the construct id", () => {
    const { out } = synthRepository({}, "payments-worker");
    expect(single(out, "aws_ecr_repository").resource.name).toBe("payments-worker");
  });

  test("a lifecycle policy that expires untagged images after 14 days and keeps tagged ones", () => {
    const { out } = synthRepository();
    const policy = single(out, "aws_ecr_lifecycle_policy");
    expect(policy.resource.repository).toBe(ref("aws_ecr_repository", single(out, "aws_ecr_repository").name, "name"));
    expect(lifecycleRulesOf(out)).toEqual([
      {
        rulePriority: 1,
        description: "expire untagged images after 14 days",
        selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 },
        action: { type: "expire" },
      },
    ]);
  });

  test("no repository policy until something is granted through one", () => {
    const { out } = synthRepository();
    expect(count(out, "aws_ecr_repository_policy")).toBe(0);
  });

  test("no tags of its own (the provider's default tags apply)", () => {
    const { out } = synthRepository();
    expect(single(out, "aws_ecr_repository").resource).not.toHaveProperty("tags");
  });
});

describe("props", () => {
  test("repositoryName, with namespaces", () => {
    const { out } = synthRepository({ repositoryName: "team-a/payments/api" });
    expect(single(out, "aws_ecr_repository").resource.name).toBe("team-a/payments/api");
  });

  test.each([
    "ab",
    "a1",
    "my.repo",
    "my_repo",
    "my__repo",
    "my-repo",
    "my--repo",
    "a/b",
    "base/node-20.11_alpine",
  ])("accepts the name %s", (name) => {
    const { out } = synthRepository({ repositoryName: name });
    expect(single(out, "aws_ecr_repository").resource.name).toBe(name);
  });

  test("accepts a name of 256 characters", () => {
    const name = `${"a".repeat(128)}/${"b".repeat(127)}`;
    const { out } = synthRepository({ repositoryName: name });
    expect(single(out, "aws_ecr_repository").resource.name).toBe(name);
  });

  test("a long name that is nearly valid is refused at once (no catastrophic regex backtracking)", () => {
    const started = Date.now();
    const error = validationErrorOf(() => new Repository(testStack(), "Repo", { repositoryName: `${"a".repeat(200)}A` }));
    expect(error.message).toContain("'repositoryName' must be lower-case letters and digits");
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test("imageTagMutability MUTABLE", () => {
    const { out } = synthRepository({ imageTagMutability: "MUTABLE" });
    expect(single(out, "aws_ecr_repository").resource.image_tag_mutability).toBe("MUTABLE");
  });

  test("scanOnPush false", () => {
    const { out } = synthRepository({ scanOnPush: false });
    expect(single(out, "aws_ecr_repository").resource.image_scanning_configuration).toEqual({ scan_on_push: false });
  });

  test("kmsKeyArn: a customer-managed key", () => {
    const key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const { out } = synthRepository({ kmsKeyArn: key });
    expect(single(out, "aws_ecr_repository").resource.encryption_configuration).toEqual([{ encryption_type: "KMS", kms_key: key }]);
  });

  test("tags", () => {
    const { out } = synthRepository({ tags: { team: "payments", DataClassification: "internal" } });
    expect(single(out, "aws_ecr_repository").resource.tags).toEqual({ team: "payments", DataClassification: "internal" });
  });

  test("lifecycleRules replace the default", () => {
    const { out } = synthRepository({ lifecycleRules: [LifecycleRules.expireUntagged(7), LifecycleRules.keepLast(30, "release-")] });
    expect(lifecycleRulesOf(out)).toEqual([
      {
        rulePriority: 1,
        description: "expire untagged images after 7 days",
        selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: "keep the last 30 images tagged release-*",
        selection: { tagStatus: "tagged", tagPrefixList: ["release-"], countType: "imageCountMoreThan", countNumber: 30 },
        action: { type: "expire" },
      },
    ]);
  });

  test("lifecycleRules: [] gives no lifecycle policy at all", () => {
    const { out } = synthRepository({ lifecycleRules: [] });
    expect(count(out, "aws_ecr_lifecycle_policy")).toBe(0);
    expect(count(out, "aws_ecr_repository")).toBe(1);
  });
});

describe("forceDelete", () => {
  test("accepted outside production", () => {
    const { out } = synthRepository({ forceDelete: true });
    expect(single(out, "aws_ecr_repository").resource.force_delete).toBe(true);
  });

  test("false is accepted in production", () => {
    const stack = productionStack();
    new Repository(stack, "api", { forceDelete: false });
    const { out } = synth(stack);
    expect(single(out, "aws_ecr_repository").resource.force_delete).toBe(false);
  });

  test("refused in production", () => {
    const error = validationErrorOf(() => new Repository(productionStack(), "api", { forceDelete: true }));
    expect(error.message).toBe(
      `${STACK_PATH}/api: 'forceDelete' is refused in production (environment "test"): deleting a repository with its images breaks every deployment that references them`,
    );
  });
});

describe("attributes", () => {
  test("repositoryName, repositoryArn and repositoryUrl reference the repository; registryId is the stack's account", () => {
    const stack = testStack();
    const repository = new Repository(stack, "api", { repositoryName: "team/api" });
    const { out, outputs } = synth(stack, {
      name: repository.repositoryName,
      arn: repository.repositoryArn,
      url: repository.repositoryUrl,
      registry: repository.registryId,
    });
    const name = single(out, "aws_ecr_repository").name;
    expect(outputs).toEqual({
      name: ref("aws_ecr_repository", name, "name"),
      arn: ref("aws_ecr_repository", name, "arn"),
      url: ref("aws_ecr_repository", name, "repository_url"),
      registry: ACCOUNT,
    });
    expect(repository.resource.node.path).toBe(`${STACK_PATH}/api/Resource`);
  });

  test("several repositories, each with its own resources", () => {
    const stack = testStack();
    const group = new Construct(stack, "Repositories");
    new Repository(group, "api");
    new Repository(group, "web", { lifecycleRules: [] });
    const { out } = synth(stack);
    expect(Object.values(resources(out, "aws_ecr_repository")).map((r) => r.name).sort()).toEqual(["api", "web"]);
    expect(count(out, "aws_ecr_lifecycle_policy")).toBe(1);
  });
});
