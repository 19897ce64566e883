import { Construct } from "constructs";
import type { ServiceConfig } from "@platform/core";
import { Repository, type IRepository } from "@platform/ecr";
import { ContainerImage } from "@platform/ecs";
import type { RegistryStack } from "../registry-stack";

/** A service's image: a reference as given, or a platform repository (this environment's, or the image source's) with a tag. */
export function serviceImage(scope: Construct, spec: ServiceConfig, registry: RegistryStack | undefined): ContainerImage {
  if (spec.image.reference) return ContainerImage.fromRegistry(spec.image.reference);
  const name = spec.image.repository!;
  const repository: IRepository = registry ? registry.imageRepository(scope, name) : Repository.fromRepositoryName(scope, `Image-${name}`, name);
  return ContainerImage.fromRepository(repository, spec.image.tag!);
}
