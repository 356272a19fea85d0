// Images from registries outside the allow-list, or images that move to another source (another
// registry, or another publisher on a shared registry such as Docker Hub or ghcr.io). A tag or
// digest bump inside the same repository is routine and pre-existing, so it stays quiet.

import { defineRule, type ResourceChange, type TypedRuleContext } from "../engine/rule.js";
import type { Resource, RuleHit } from "../engine/types.js";
import { CONTAINER_WORD, type ContainerPair, type ContainerRef, containerPairs } from "../k8s/containers.js";
import {
  formatImageRef,
  type ImageRef,
  imageLocation,
  imageSource,
  parseImageRef,
  registryAllowed,
} from "../k8s/images.js";
import { describeResource } from "../k8s/objects.js";

function imageOf(container: ContainerRef | undefined): ImageRef | undefined {
  const image = container?.container.image;
  return typeof image === "string" ? parseImageRef(image) : undefined;
}

function hit(container: ContainerRef, image: ImageRef, message: string): RuleHit {
  // The key leaves the tag and digest out: an approval survives the next tag bump, but not a
  // switch to another repository. The source folds the spellings of one image together
  // (`k8s.gcr.io/pause` is `registry.k8s.io/pause`).
  const { source, name } = imageSource(image);
  return {
    path: [...container.path, "image"],
    key: `${container.name}|${source}|${name}`,
    message,
  };
}

/** With an allow-list: a new or changed image from a registry the list does not admit. */
function checkAllowList(resource: Resource, pair: ContainerPair, allowed: readonly string[]): RuleHit[] {
  const container = pair.after;
  const image = imageOf(container);
  if (!container || !image || registryAllowed(image, allowed)) return [];
  const previous = imageOf(pair.before);
  if (previous && imageLocation(previous) === imageLocation(image)) return [];
  const message =
    `${CONTAINER_WORD[container.list]} \`${container.name}\` of ${describeResource(resource)} uses image ` +
    `${formatImageRef(image)} from ${image.registry}, which allowedRegistries does not admit: images from ` +
    `unvetted registries may be unscanned or tampered with. Use an image from ${allowed.join(", ")}.`;
  return [hit(container, image, message)];
}

/**
 * Without an allow-list: an existing container's image moves to a different source, another
 * registry or another publisher on a shared one (`ghcr.io/acme` to `ghcr.io/someone-else`).
 */
function checkMove(resource: Resource, pair: ContainerPair): RuleHit[] {
  const container = pair.after;
  const image = imageOf(container);
  const previous = imageOf(pair.before);
  if (!container || !image || !previous) return [];
  const from = imageSource(previous).source;
  const to = imageSource(image).source;
  if (from === to) return [];
  const message =
    `${CONTAINER_WORD[container.list]} \`${container.name}\` of ${describeResource(resource)} now pulls ` +
    `${formatImageRef(image)} from ${to} instead of ${from}: a new image source is a new supply-chain ` +
    `trust decision. Confirm that ${to} is trusted, or keep the image in ${from}.`;
  return [hit(container, image, message)];
}

function check(
  change: ResourceChange,
  ctx: TypedRuleContext<{ allowedRegistries: readonly string[] }>,
): RuleHit[] {
  const { after } = change;
  if (!after) return [];
  const allowed = ctx.params.allowedRegistries.filter((entry) => entry.trim() !== "");
  return containerPairs(change).flatMap((pair) =>
    allowed.length > 0 ? checkAllowList(after, pair, allowed) : checkMove(after, pair),
  );
}

export const imageRegistryRule = defineRule({
  id: "image-registry",
  title: "Image from an unapproved registry",
  defaultSeverity: "high",
  description:
    "A new or changed container image whose registry is not in allowedRegistries; without an allow-list, an image that moves to a different source (registry, or publisher on a shared registry such as docker.io, ghcr.io or quay.io).",
  rationale:
    "A registry is a supply-chain trust decision: whoever controls it controls the code that runs. Images " +
    "from unvetted registries may be unscanned, typo-squatted or replaced after review. On registries shared by " +
    "many publishers (docker.io, ghcr.io, quay.io, gcr.io, *.pkg.dev, public.ecr.aws, registry.gitlab.com) the " +
    "first path component names the publisher (the user, organisation, project, alias or group; docker.io/library " +
    "for official images), and a new publisher is as much a new trust decision as a new registry. The official " +
    "Kubernetes registry's old names (k8s.gcr.io, gcr.io/google-containers, gcr.io/k8s-artifacts-prod) count as " +
    "registry.k8s.io.",
  remediation:
    "Pull the image from an approved registry (mirror it there if needed), or add the registry to " +
    "allowedRegistries after reviewing it.",
  params: {
    allowedRegistries: {
      type: "string[]",
      default: [],
      description:
        "Registry hosts (gcr.io), host globs (*.gcr.io) or host/path prefixes (ghcr.io/my-org) images may come from. " +
        "Docker Hub is docker.io (official images: docker.io/library). Empty: any registry, but a move to another source " +
        "(another registry, or another publisher on a shared registry) is reported.",
    },
  },
  example: {
    before: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/shop/api:1.4.2
`,
    after: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: api
          image: quay.io/someone/api:1.4.3
`,
  },
  check,
});
