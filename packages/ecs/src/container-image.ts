import type { IRepository } from "@platform/ecr";

/** The image of a service's container: from a platform ECR repository, or any registry. */
export class ContainerImage {
  /** An image of an ECR repository; the service's execution role gets pull access to it. */
  public static fromRepository(repository: IRepository, tag: string): ContainerImage {
    return new ContainerImage(`${repository.repositoryUrl}:${tag}`, tag, repository);
  }

  /** An image by reference (`public.ecr.aws/nginx/nginx:1.27`, `ghcr.io/acme/app@sha256:...`). */
  public static fromRegistry(reference: string): ContainerImage {
    // A colon before the last / is a registry port (`registry:5000/app`), not a tag.
    const last = reference.slice(reference.lastIndexOf("/") + 1);
    const tag = /@sha256:[a-f0-9]{64}$/.test(reference) ? reference.split("@")[1] : last.includes(":") ? last.slice(last.lastIndexOf(":") + 1) : "";
    return new ContainerImage(reference, tag);
  }

  private constructor(
    /** What the task definition's `image` holds. */
    public readonly imageUri: string,
    /** The tag or digest. */
    public readonly tag: string,
    /** The platform repository, when the image is in one. */
    public readonly repository?: IRepository,
  ) {}
}
