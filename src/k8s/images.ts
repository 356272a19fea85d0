// Container image references read the way Docker and containerd read them, so that `nginx`,
// `docker.io/library/nginx` and `index.docker.io/library/nginx:1.27` are one image in one registry,
// and the source each image comes from: the registry, or its publisher on a shared registry.

import { minimatch } from "minimatch";

export const DOCKER_HUB = "docker.io";

// Hostnames that all mean Docker Hub.
const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

export interface ImageRef {
  /** Registry host (with port), lower-cased; Docker Hub is always `docker.io`. */
  registry: string;
  /** Path inside the registry; Docker Hub's official images get their implicit `library/`. */
  repository: string;
  tag?: string;
  /** `sha256:…` */
  digest?: string;
}

/** Lower-cased host with Docker Hub's aliases folded into `docker.io`. */
export function canonicalRegistry(host: string): string {
  const lower = host.toLowerCase();
  return DOCKER_HUB_ALIASES.has(lower) ? DOCKER_HUB : lower;
}

/**
 * Docker's rule: the first path component is a registry only if it contains `.` or `:`, is
 * `localhost`, or has upper-case letters (repository names cannot); otherwise it is Docker Hub.
 */
function isRegistryComponent(component: string): boolean {
  return /[.:]/.test(component) || component === "localhost" || component !== component.toLowerCase();
}

function validRepository(repository: string): boolean {
  return repository !== "" && !repository.split("/").includes("");
}

/** Parses an image reference; undefined for text that is no reference (empty, spaces, dangling `:`/`@`). */
export function parseImageRef(text: string): ImageRef | undefined {
  const reference = text.trim();
  if (reference === "" || /\s/.test(reference)) return undefined;
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (digest === "") return undefined;
  }
  let registry = DOCKER_HUB;
  const slash = rest.indexOf("/");
  if (slash >= 0 && isRegistryComponent(rest.slice(0, slash))) {
    registry = rest.slice(0, slash);
    rest = rest.slice(slash + 1);
  }
  // A tag is a `:` in the last component; an earlier `:` would be a registry port.
  let tag: string | undefined;
  const colon = rest.indexOf(":", rest.lastIndexOf("/") + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (tag === "") return undefined;
  }
  if (registry === "" || !validRepository(rest)) return undefined;
  registry = canonicalRegistry(registry);
  const repository = registry === DOCKER_HUB && !rest.includes("/") ? `library/${rest}` : rest;
  return {
    registry,
    repository,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
}

/** The fully qualified form: `docker.io/library/nginx:1.27@sha256:…`. */
export function formatImageRef(ref: ImageRef): string {
  const tag = ref.tag === undefined ? "" : `:${ref.tag}`;
  const digest = ref.digest === undefined ? "" : `@${ref.digest}`;
  return `${ref.registry}/${ref.repository}${tag}${digest}`;
}

/** Where the image lives, without tag or digest: two refs with the same location are one image. */
export function imageLocation(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}`;
}

/** The official Kubernetes registry. */
export const KUBERNETES_REGISTRY = "registry.k8s.io";

// Earlier homes of the official Kubernetes images, all served from registry.k8s.io today: the
// k8s.gcr.io vanity host, and the GCR projects behind it (google_containers is the legacy
// spelling of google-containers; k8s-artifacts-prod also had regional copies).
const KUBERNETES_HOSTS = new Set(["k8s.gcr.io"]);
const KUBERNETES_GCR_HOSTS = new Set(["gcr.io", "us.gcr.io", "eu.gcr.io", "asia.gcr.io"]);
const KUBERNETES_GCR_PROJECTS = new Set(["google-containers", "google_containers", "k8s-artifacts-prod"]);

/**
 * The image's registry and repository with the official Kubernetes registry's old names folded
 * into registry.k8s.io: `k8s.gcr.io/pause` and `gcr.io/google-containers/pause` are
 * `registry.k8s.io/pause`. Any other image is returned as parsed.
 */
export function canonicalLocation(ref: ImageRef): { registry: string; repository: string } {
  if (KUBERNETES_HOSTS.has(ref.registry))
    return { registry: KUBERNETES_REGISTRY, repository: ref.repository };
  const slash = ref.repository.indexOf("/");
  if (
    slash >= 0 &&
    KUBERNETES_GCR_HOSTS.has(ref.registry) &&
    KUBERNETES_GCR_PROJECTS.has(ref.repository.slice(0, slash))
  ) {
    return { registry: KUBERNETES_REGISTRY, repository: ref.repository.slice(slash + 1) };
  }
  return { registry: ref.registry, repository: ref.repository };
}

/**
 * Registries shared by many publishers, where the first path component names the publisher: the
 * Docker Hub user or organisation (`library` for official images), the GitHub or Quay owner, the
 * Google Cloud project, the ECR Public alias, the GitLab group.
 */
function isSharedRegistry(registry: string): boolean {
  return (
    registry === DOCKER_HUB ||
    registry === "ghcr.io" ||
    registry === "quay.io" ||
    registry === "gcr.io" ||
    registry.endsWith(".gcr.io") ||
    registry.endsWith(".pkg.dev") ||
    registry === "public.ecr.aws" ||
    registry === "registry.gitlab.com"
  );
}

/** Where an image comes from, as a trust decision. */
export interface ImageSource {
  /**
   * Who publishes it: the registry host for a registry with one publisher (a private registry,
   * mcr.microsoft.com, registry.k8s.io), the host and first path component on a shared registry
   * (`ghcr.io/acme`, `docker.io/library`, `us-docker.pkg.dev/my-project`).
   */
  source: string;
  /** The repository inside the source: `web` for `ghcr.io/acme/web`. */
  name: string;
}

export function imageSource(ref: ImageRef): ImageSource {
  const { registry, repository } = canonicalLocation(ref);
  const slash = repository.indexOf("/");
  if (!isSharedRegistry(registry) || slash < 0) return { source: registry, name: repository };
  return { source: `${registry}/${repository.slice(0, slash)}`, name: repository.slice(slash + 1) };
}

/**
 * Whether one allow-list entry admits the image. An entry is a registry host (`gcr.io`), a host
 * glob (`*.gcr.io`), or a host followed by a path prefix (`ghcr.io/my-org`, globs allowed), which
 * admits that path and everything below it, never a sibling (`ghcr.io/my-org-evil`).
 */
export function entryAllows(entry: string, ref: ImageRef): boolean {
  const trimmed = entry.trim().replace(/\/+$/, "");
  if (trimmed === "") return false;
  const slash = trimmed.indexOf("/");
  const host = canonicalRegistry(slash < 0 ? trimmed : trimmed.slice(0, slash));
  if (host !== ref.registry && !minimatch(ref.registry, host)) return false;
  if (slash < 0) return true;
  const prefix = trimmed.slice(slash + 1);
  return minimatch(ref.repository, prefix) || minimatch(ref.repository, `${prefix}/**`);
}

export function registryAllowed(ref: ImageRef, allowed: readonly string[]): boolean {
  return allowed.some((entry) => entryAllows(entry, ref));
}
