import { describe, expect, it } from "vitest";
import {
  canonicalLocation,
  entryAllows,
  formatImageRef,
  type ImageRef,
  type ImageSource,
  imageLocation,
  imageSource,
  parseImageRef,
  registryAllowed,
} from "../../src/k8s/images.js";

describe("parseImageRef", () => {
  const cases: { ref: string; expected: ImageRef }[] = [
    { ref: "nginx", expected: { registry: "docker.io", repository: "library/nginx" } },
    { ref: "nginx:1.27", expected: { registry: "docker.io", repository: "library/nginx", tag: "1.27" } },
    { ref: "foo/bar", expected: { registry: "docker.io", repository: "foo/bar" } },
    { ref: "foo/bar/baz:v1", expected: { registry: "docker.io", repository: "foo/bar/baz", tag: "v1" } },
    { ref: "docker.io/nginx", expected: { registry: "docker.io", repository: "library/nginx" } },
    {
      ref: "index.docker.io/library/nginx",
      expected: { registry: "docker.io", repository: "library/nginx" },
    },
    {
      ref: "registry-1.docker.io/foo/bar:2",
      expected: { registry: "docker.io", repository: "foo/bar", tag: "2" },
    },
    { ref: "gcr.io/proj/app:1.0", expected: { registry: "gcr.io", repository: "proj/app", tag: "1.0" } },
    { ref: "GHCR.IO/org/app", expected: { registry: "ghcr.io", repository: "org/app" } },
    { ref: "localhost/app", expected: { registry: "localhost", repository: "app" } },
    {
      ref: "localhost:5000/app:dev",
      expected: { registry: "localhost:5000", repository: "app", tag: "dev" },
    },
    { ref: "registry:5000/team/app", expected: { registry: "registry:5000", repository: "team/app" } },
    // Upper case cannot be a repository name, so Docker reads it as a host.
    { ref: "MyRegistry/app", expected: { registry: "myregistry", repository: "app" } },
    {
      ref: "nginx@sha256:0123abcd",
      expected: { registry: "docker.io", repository: "library/nginx", digest: "sha256:0123abcd" },
    },
    {
      ref: "quay.io/org/app:1.2@sha256:0123abcd",
      expected: { registry: "quay.io", repository: "org/app", tag: "1.2", digest: "sha256:0123abcd" },
    },
    { ref: "  nginx:1  ", expected: { registry: "docker.io", repository: "library/nginx", tag: "1" } },
    // A bare host with a port and no path is Docker Hub's `localhost` image with tag 5000.
    {
      ref: "localhost:5000",
      expected: { registry: "docker.io", repository: "library/localhost", tag: "5000" },
    },
  ];
  it.each(cases)("reads $ref", ({ ref, expected }) => {
    expect(parseImageRef(ref)).toEqual(expected);
  });

  it.each(["", "   ", "nginx:", "nginx@", "@sha256:abc", "a b", "gcr.io/", "gcr.io//app", "/app", ":tag"])(
    "rejects %j",
    (ref) => {
      expect(parseImageRef(ref)).toBeUndefined();
    },
  );

  it("formats the fully qualified form and the location without tag or digest", () => {
    const ref = parseImageRef("nginx:1.27@sha256:ab") as ImageRef;
    expect(formatImageRef(ref)).toBe("docker.io/library/nginx:1.27@sha256:ab");
    expect(imageLocation(ref)).toBe("docker.io/library/nginx");
    expect(formatImageRef(parseImageRef("gcr.io/p/a") as ImageRef)).toBe("gcr.io/p/a");
  });
});

describe("registryAllowed", () => {
  const cases: { entry: string; ref: string; allowed: boolean }[] = [
    { entry: "gcr.io", ref: "gcr.io/p/app", allowed: true },
    { entry: "gcr.io", ref: "eu.gcr.io/p/app", allowed: false },
    { entry: "GCR.io", ref: "gcr.io/p/app", allowed: true },
    { entry: "*.gcr.io", ref: "eu.gcr.io/p/app", allowed: true },
    { entry: "*.gcr.io", ref: "gcr.io/p/app", allowed: false },
    { entry: "*.gcr.io", ref: "evil.io/gcr.io/app", allowed: false },
    { entry: "docker.io", ref: "nginx", allowed: true },
    { entry: "index.docker.io", ref: "nginx", allowed: true },
    { entry: "docker.io", ref: "registry-1.docker.io/foo/bar", allowed: true },
    { entry: "docker.io/library", ref: "nginx:1", allowed: true },
    { entry: "docker.io/library", ref: "someone/nginx", allowed: false },
    { entry: "ghcr.io/myorg", ref: "ghcr.io/myorg/app:1", allowed: true },
    { entry: "ghcr.io/myorg/", ref: "ghcr.io/myorg/team/app", allowed: true },
    { entry: "ghcr.io/myorg", ref: "ghcr.io/myorg-evil/app", allowed: false },
    { entry: "ghcr.io/myorg", ref: "ghcr.io/other/app", allowed: false },
    { entry: "ghcr.io/myorg", ref: "quay.io/myorg/app", allowed: false },
    { entry: "ghcr.io/team-*", ref: "ghcr.io/team-a/app", allowed: true },
    { entry: "localhost:5000", ref: "localhost:5000/app", allowed: true },
    { entry: "localhost:5000", ref: "localhost:5001/app", allowed: false },
    { entry: "", ref: "nginx", allowed: false },
    { entry: "  ", ref: "nginx", allowed: false },
  ];
  it.each(cases)("$entry admits $ref: $allowed", ({ entry, ref, allowed }) => {
    const image = parseImageRef(ref) as ImageRef;
    expect(entryAllows(entry, image)).toBe(allowed);
  });

  it("admits an image when any entry does", () => {
    const image = parseImageRef("quay.io/org/app") as ImageRef;
    expect(registryAllowed(image, ["gcr.io", "quay.io"])).toBe(true);
    expect(registryAllowed(image, ["gcr.io"])).toBe(false);
    expect(registryAllowed(image, [])).toBe(false);
  });
});

describe("imageSource", () => {
  const cases: { ref: string; expected: ImageSource }[] = [
    // Shared registries: the first path component is the publisher.
    { ref: "nginx:1.27", expected: { source: "docker.io/library", name: "nginx" } },
    { ref: "docker.io/library/nginx", expected: { source: "docker.io/library", name: "nginx" } },
    { ref: "index.docker.io/library/nginx", expected: { source: "docker.io/library", name: "nginx" } },
    { ref: "bitnami/nginx", expected: { source: "docker.io/bitnami", name: "nginx" } },
    { ref: "ghcr.io/acme/web:1.0", expected: { source: "ghcr.io/acme", name: "web" } },
    { ref: "ghcr.io/acme/team/web", expected: { source: "ghcr.io/acme", name: "team/web" } },
    {
      ref: "quay.io/prometheus/node-exporter",
      expected: { source: "quay.io/prometheus", name: "node-exporter" },
    },
    { ref: "gcr.io/my-project/api", expected: { source: "gcr.io/my-project", name: "api" } },
    { ref: "eu.gcr.io/my-project/api", expected: { source: "eu.gcr.io/my-project", name: "api" } },
    { ref: "mirror.gcr.io/library/nginx", expected: { source: "mirror.gcr.io/library", name: "nginx" } },
    {
      ref: "us-central1-docker.pkg.dev/google-samples/microservices-demo/x:v1",
      expected: { source: "us-central1-docker.pkg.dev/google-samples", name: "microservices-demo/x" },
    },
    { ref: "public.ecr.aws/eks/coredns", expected: { source: "public.ecr.aws/eks", name: "coredns" } },
    {
      ref: "registry.gitlab.com/group/project/image",
      expected: { source: "registry.gitlab.com/group", name: "project/image" },
    },
    // Registries with one publisher: the host.
    {
      ref: "mcr.microsoft.com/dotnet/aspnet:8.0",
      expected: { source: "mcr.microsoft.com", name: "dotnet/aspnet" },
    },
    { ref: "registry.k8s.io/pause", expected: { source: "registry.k8s.io", name: "pause" } },
    {
      ref: "registry.corp.example:5000/team/api",
      expected: { source: "registry.corp.example:5000", name: "team/api" },
    },
    { ref: "localhost/app", expected: { source: "localhost", name: "app" } },
    // A shared host that its own rules would not accept (no owner): the host.
    { ref: "ghcr.io/app", expected: { source: "ghcr.io", name: "app" } },
    // The official Kubernetes registry under its earlier names.
    { ref: "k8s.gcr.io/pause:3.9", expected: { source: "registry.k8s.io", name: "pause" } },
    {
      ref: "k8s.gcr.io/ingress-nginx/controller",
      expected: { source: "registry.k8s.io", name: "ingress-nginx/controller" },
    },
    { ref: "gcr.io/google-containers/pause", expected: { source: "registry.k8s.io", name: "pause" } },
    {
      ref: "gcr.io/google_containers/pause-amd64",
      expected: { source: "registry.k8s.io", name: "pause-amd64" },
    },
    {
      ref: "gcr.io/k8s-artifacts-prod/kube-state-metrics/kube-state-metrics",
      expected: { source: "registry.k8s.io", name: "kube-state-metrics/kube-state-metrics" },
    },
    { ref: "eu.gcr.io/k8s-artifacts-prod/pause", expected: { source: "registry.k8s.io", name: "pause" } },
    // Not the Kubernetes project: other hosts, other projects.
    {
      ref: "quay.io/google-containers/pause",
      expected: { source: "quay.io/google-containers", name: "pause" },
    },
    { ref: "gcr.io/google-samples/app", expected: { source: "gcr.io/google-samples", name: "app" } },
  ];
  it.each(cases)("reads $ref", ({ ref, expected }) => {
    expect(imageSource(parseImageRef(ref) as ImageRef)).toEqual(expected);
  });

  it("folds the Kubernetes registry's old names into registry.k8s.io and leaves others alone", () => {
    expect(canonicalLocation(parseImageRef("k8s.gcr.io/pause:3.9") as ImageRef)).toEqual({
      registry: "registry.k8s.io",
      repository: "pause",
    });
    expect(canonicalLocation(parseImageRef("gcr.io/google-containers") as ImageRef)).toEqual({
      registry: "gcr.io",
      repository: "google-containers",
    });
    expect(canonicalLocation(parseImageRef("nginx") as ImageRef)).toEqual({
      registry: "docker.io",
      repository: "library/nginx",
    });
  });
});
