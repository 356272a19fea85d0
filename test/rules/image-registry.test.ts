// Pod spec line i is file line 10 + i (see pod-fixtures): `containers:` is line 11, the first
// `- name:` line 12 and its `image:` line 13.

import { describe, expect, it } from "vitest";
import { imageRegistryRule } from "../../src/rules/image-registry.js";
import { type Case, table, workload } from "./pod-fixtures.js";
import { runRule } from "./tester.js";

const container = (name: string, image: string, extra: string[] = []) => [
  `  - name: ${name}`,
  `    image: ${image}`,
  ...extra,
];
const deploy = (...containers: string[][]) => workload(["containers:", ...containers.flat()]);
const single = (image: string) => deploy(container("api", image));

const ALLOWED = { allowedRegistries: ["ghcr.io/shop", "*.gcr.io", "registry.corp.example:5000"] };

const allowListCases: Case[] = [
  {
    name: "new Deployment pulling from Docker Hub",
    head: single("nginx:1.27"),
    params: ALLOWED,
    expected: [{ line: 13, side: "head", severity: "high" }],
  },
  {
    name: "existing container moves to a registry outside the list",
    base: single("ghcr.io/shop/api:1.0"),
    head: single("quay.io/someone/api:1.0"),
    params: ALLOWED,
    expected: [{ line: 13, side: "head", severity: "high" }],
  },
  {
    name: "new sidecar from a registry outside the list",
    base: single("ghcr.io/shop/api:1.0"),
    head: deploy(
      container("api", "ghcr.io/shop/api:1.0"),
      container("proxy", "docker.io/envoyproxy/envoy:v1.30"),
    ),
    params: ALLOWED,
    expected: [{ line: 15, side: "head", severity: "high" }],
  },
  {
    name: "new init container from a registry outside the list",
    base: single("ghcr.io/shop/api:1.0"),
    head: workload([
      "initContainers:",
      ...container("migrate", "quay.io/someone/migrate:2"),
      "containers:",
      ...container("api", "ghcr.io/shop/api:1.0"),
    ]),
    params: ALLOWED,
    expected: [{ line: 13, side: "head", severity: "high" }],
  },
  {
    name: "new ephemeral container from a registry outside the list",
    base: single("ghcr.io/shop/api:1.0"),
    head: workload([
      "containers:",
      ...container("api", "ghcr.io/shop/api:1.0"),
      "ephemeralContainers:",
      ...container("debug", "busybox:1.36"),
    ]),
    params: ALLOWED,
    expected: [{ line: 16, side: "head", severity: "high" }],
  },
  {
    name: "another repository in the same disallowed registry",
    base: single("nginx:1.27"),
    head: single("bitnami/nginx:1.27"),
    params: ALLOWED,
    expected: [{ line: 13, side: "head", severity: "high" }],
  },
  {
    name: "a sibling of an allowed path prefix",
    head: single("ghcr.io/shopping/api:1.0"),
    params: ALLOWED,
    expected: [{ line: 13, side: "head", severity: "high" }],
  },
  {
    name: "the right host on the wrong port",
    head: single("registry.corp.example:5001/api:1.0"),
    params: ALLOWED,
    expected: [{ line: 13, side: "head", severity: "high" }],
  },
  {
    name: "full-state mode reports a pre-existing image outside the list",
    base: single("nginx:1.27"),
    head: single("nginx:1.27"),
    params: ALLOWED,
    fullState: true,
    expected: [{ line: 13, side: "head", severity: "high" }],
  },
  // Silent.
  {
    name: "new image from an allowed prefix",
    head: single("ghcr.io/shop/api:1.0"),
    params: ALLOWED,
    expected: [],
  },
  {
    name: "new image from an allowed host glob",
    head: single("eu.gcr.io/p/api:1"),
    params: ALLOWED,
    expected: [],
  },
  {
    name: "new image from an allowed host with port",
    head: single("registry.corp.example:5000/api@sha256:abcd"),
    params: ALLOWED,
    expected: [],
  },
  {
    name: "tag bump inside a disallowed registry is pre-existing",
    base: single("nginx:1.25"),
    head: single("nginx:1.27"),
    params: ALLOWED,
    expected: [],
  },
  {
    name: "digest bump inside a disallowed registry is pre-existing",
    base: single("quay.io/someone/api@sha256:aaaa"),
    head: single("quay.io/someone/api:2@sha256:bbbb"),
    params: ALLOWED,
    expected: [],
  },
  {
    name: "the same image spelled fully qualified",
    base: single("nginx:1.27"),
    head: single("index.docker.io/library/nginx:1.27"),
    params: ALLOWED,
    expected: [],
  },
  {
    name: "quoted instead of unquoted image",
    base: single("nginx:1.27"),
    head: single('"nginx:1.27"'),
    params: ALLOWED,
    expected: [],
  },
  {
    name: "unrelated edit on a container with a disallowed image",
    base: single("nginx:1.27"),
    head: deploy(container("api", "nginx:1.27", ["    env: [{ name: MODE, value: fast }]"])),
    params: ALLOWED,
    expected: [],
  },
  {
    name: "narrowing: a disallowed image moves into an allowed registry",
    base: single("nginx:1.27"),
    head: single("ghcr.io/shop/nginx:1.27"),
    params: ALLOWED,
    expected: [],
  },
  {
    name: "containers with disallowed images reordered",
    base: deploy(container("a", "nginx:1"), container("b", "redis:7")),
    head: deploy(container("b", "redis:7"), container("a", "nginx:1")),
    params: ALLOWED,
    expected: [],
  },
  {
    name: "workload moved to another file",
    base: { "a.yaml": single("nginx:1.27") },
    head: { "b.yaml": single("nginx:1.27") },
    params: ALLOWED,
    expected: [],
  },
  { name: "whole workload removed", base: single("nginx:1.27"), params: ALLOWED, expected: [] },
  { name: "an image that is no reference", head: single('"nginx:"'), params: ALLOWED, expected: [] },
];

const moveCases: Case[] = [
  {
    name: "no allow-list: image moves to a different registry",
    base: single("ghcr.io/shop/api:1.0"),
    head: single("quay.io/shop/api:1.0"),
    expected: [{ line: 13, side: "head", severity: "high" }],
  },
  {
    name: "no allow-list: Docker Hub image moves to a mirror",
    base: single("nginx:1.27"),
    head: single("mirror.gcr.io/library/nginx:1.27"),
    expected: [{ line: 13, side: "head", severity: "high" }],
  },
  {
    name: "no allow-list: init container image moves registry",
    base: workload([
      "initContainers:",
      ...container("init", "ghcr.io/shop/init:1"),
      "containers:",
      ...container("api", "x"),
    ]),
    head: workload([
      "initContainers:",
      ...container("init", "evil.example/init:1"),
      "containers:",
      ...container("api", "x"),
    ]),
    expected: [{ line: 13, side: "head", severity: "high" }],
  },
  {
    // microservices-demo 9a4616e77f: another Google Cloud project in the same Artifact Registry host.
    name: "no allow-list: Artifact Registry image moves to another project",
    base: single("us-central1-docker.pkg.dev/google-samples/microservices-demo/cartservice:v0.10.0"),
    head: single("us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/cartservice:v0.10.0"),
    expected: [{ line: 13, side: "head", severity: "high" }],
  },
  {
    name: "no allow-list: ghcr.io image moves to another owner",
    base: single("ghcr.io/acme/web:1.0"),
    head: single("ghcr.io/someone-else/web:1.0"),
    expected: [{ line: 13, side: "head", severity: "high" }],
  },
  {
    name: "no allow-list: official Docker Hub image replaced by a user's image",
    base: single("nginx:1.27"),
    head: single("bitnami/nginx:1.27"),
    expected: [{ line: 13, side: "head", severity: "high" }],
  },
  {
    name: "no allow-list: Docker Hub image moves to another organisation",
    base: single("docker.io/grafana/grafana:11.0.0"),
    head: single("grafana-fork/grafana:11.0.0"),
    expected: [{ line: 13, side: "head", severity: "high" }],
  },
  {
    name: "no allow-list: quay.io image moves to another owner",
    base: single("quay.io/prometheus/node-exporter:v1.8.0"),
    head: single("quay.io/prometheus-mirror/node-exporter:v1.8.0"),
    expected: [{ line: 13, side: "head", severity: "high" }],
  },
  {
    name: "no allow-list: gcr.io image moves to another project",
    base: single("gcr.io/project-a/api:1"),
    head: single("gcr.io/project-b/api:1"),
    expected: [{ line: 13, side: "head", severity: "high" }],
  },
  {
    name: "no allow-list: regional gcr.io image moves to another project",
    base: single("eu.gcr.io/project-a/api:1"),
    head: single("eu.gcr.io/project-b/api:1"),
    expected: [{ line: 13, side: "head", severity: "high" }],
  },
  {
    name: "no allow-list: ECR Public image moves to another alias",
    base: single("public.ecr.aws/eks-distro/kubernetes/pause:3.9"),
    head: single("public.ecr.aws/someone/kubernetes/pause:3.9"),
    expected: [{ line: 13, side: "head", severity: "high" }],
  },
  {
    name: "no allow-list: GitLab registry image moves to another group",
    base: single("registry.gitlab.com/acme/platform/api:1"),
    head: single("registry.gitlab.com/acme-fork/platform/api:1"),
    expected: [{ line: 13, side: "head", severity: "high" }],
  },
  {
    name: "no allow-list: official Kubernetes image replaced by a gcr.io project's copy",
    base: single("k8s.gcr.io/pause:3.9"),
    head: single("gcr.io/someone/pause:3.9"),
    expected: [{ line: 13, side: "head", severity: "high" }],
  },
  {
    name: "no allow-list: only the container that moves is reported",
    base: deploy(container("api", "ghcr.io/acme/api:1"), container("proxy", "ghcr.io/acme/proxy:1")),
    head: deploy(container("api", "ghcr.io/acme/api:2"), container("proxy", "ghcr.io/other/proxy:1")),
    expected: [{ line: 15, side: "head", severity: "high" }],
  },
  // Silent.
  { name: "no allow-list: new image from anywhere", head: single("quay.io/someone/api:1"), expected: [] },
  {
    name: "no allow-list: new container from anywhere",
    base: single("ghcr.io/shop/api:1.0"),
    head: deploy(container("api", "ghcr.io/shop/api:1.0"), container("proxy", "quay.io/envoy:1")),
    expected: [],
  },
  {
    name: "no allow-list: tag bump",
    base: single("ghcr.io/shop/api:1.0"),
    head: single("ghcr.io/shop/api:1.1"),
    expected: [],
  },
  {
    name: "no allow-list: digest pin",
    base: single("ghcr.io/acme/web:1.0"),
    head: single("ghcr.io/acme/web:1.0@sha256:0123abcd"),
    expected: [],
  },
  {
    name: "no allow-list: another repository of the same owner on ghcr.io",
    base: single("ghcr.io/acme/web:1.0"),
    head: single("ghcr.io/acme/api:1.0"),
    expected: [],
  },
  {
    name: "no allow-list: deeper repository of the same Artifact Registry project",
    base: single("us-docker.pkg.dev/my-project/images/api:1"),
    head: single("us-docker.pkg.dev/my-project/release/api:1"),
    expected: [],
  },
  {
    name: "no allow-list: another repository in a private registry",
    base: single("registry.corp.example:5000/team-a/api:1"),
    head: single("registry.corp.example:5000/team-b/api:1"),
    expected: [],
  },
  {
    name: "no allow-list: another repository on mcr.microsoft.com (one publisher)",
    base: single("mcr.microsoft.com/dotnet/aspnet:8.0"),
    head: single("mcr.microsoft.com/azure-cli:2.60.0"),
    expected: [],
  },
  {
    // ingress-nginx 96b6228a6b.
    name: "no allow-list: k8s.gcr.io to registry.k8s.io",
    base: single("k8s.gcr.io/ingress-nginx/controller:v1.1.1@sha256:0bc88eb1"),
    head: single("registry.k8s.io/ingress-nginx/controller:v1.1.1@sha256:0bc88eb1"),
    expected: [],
  },
  {
    name: "no allow-list: gcr.io/google-containers to registry.k8s.io",
    base: single("gcr.io/google-containers/pause:3.2"),
    head: single("registry.k8s.io/pause:3.9"),
    expected: [],
  },
  {
    name: "no allow-list: legacy gcr.io/google_containers to k8s.gcr.io",
    base: single("gcr.io/google_containers/pause-amd64:3.1"),
    head: single("k8s.gcr.io/pause-amd64:3.1"),
    expected: [],
  },
  {
    name: "no allow-list: gcr.io/k8s-artifacts-prod to registry.k8s.io",
    base: single("gcr.io/k8s-artifacts-prod/kube-state-metrics/kube-state-metrics:v2.10.0"),
    head: single("registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.10.0"),
    expected: [],
  },
  {
    name: "no allow-list: official Docker Hub image spelled with docker.io",
    base: single("nginx:1.27"),
    head: single("docker.io/library/nginx:1.27"),
    expected: [],
  },
  {
    name: "no allow-list: official Docker Hub image spelled with index.docker.io",
    base: single("docker.io/library/nginx:1.27"),
    head: single("index.docker.io/library/nginx:1.27"),
    expected: [],
  },
  {
    name: "no allow-list: Docker Hub spelled another way",
    base: single("nginx:1.27"),
    head: single("registry-1.docker.io/library/nginx:1.27"),
    expected: [],
  },
  {
    name: "no allow-list: renamed container is new, not moved",
    base: single("ghcr.io/shop/api:1.0"),
    head: deploy(container("server", "quay.io/shop/api:1.0")),
    expected: [],
  },
];

describe("image-registry", () => {
  table(imageRegistryRule, [...allowListCases, ...moveCases]);

  it("keeps the fingerprint across tag bumps and spellings but not across sources or repositories", () => {
    const params = { allowedRegistries: ["registry.corp.example:5000"] };
    const run = (image: string) => runRule(imageRegistryRule, undefined, single(image), { params })[0];
    expect(run("quay.io/someone/api:2").fingerprint).toBe(run("quay.io/someone/api:1").fingerprint);
    expect(run("quay.io/someone/api@sha256:ab").fingerprint).toBe(run("quay.io/someone/api:1").fingerprint);
    expect(run("registry.k8s.io/pause:3.9").fingerprint).toBe(run("k8s.gcr.io/pause:3.2").fingerprint);
    expect(run("index.docker.io/library/nginx").fingerprint).toBe(run("nginx:1").fingerprint);
    expect(run("docker.io/someone/api:1").fingerprint).not.toBe(run("quay.io/someone/api:1").fingerprint);
    expect(run("quay.io/other/api:1").fingerprint).not.toBe(run("quay.io/someone/api:1").fingerprint);
    expect(run("quay.io/someone/web:1").fingerprint).not.toBe(run("quay.io/someone/api:1").fingerprint);
  });

  it("names the container, the image, the registry and the way out", () => {
    const [denied] = runRule(imageRegistryRule, undefined, single("nginx:1.27"), { params: ALLOWED });
    expect(denied.message).toBe(
      "Container `api` of Deployment shop/web uses image docker.io/library/nginx:1.27 from docker.io, which " +
        "allowedRegistries does not admit: images from unvetted registries may be unscanned or tampered with. " +
        "Use an image from ghcr.io/shop, *.gcr.io, registry.corp.example:5000.",
    );
    const [moved] = runRule(imageRegistryRule, single("ghcr.io/shop/api:1"), single("quay.io/shop/api:1"));
    expect(moved.message).toBe(
      "Container `api` of Deployment shop/web now pulls quay.io/shop/api:1 from quay.io/shop instead of " +
        "ghcr.io/shop: a new image source is a new supply-chain trust decision. Confirm that quay.io/shop is " +
        "trusted, or keep the image in ghcr.io/shop.",
    );
  });

  it("names the old and the new source of a move", () => {
    const moves: [string, string, string][] = [
      [
        "ghcr.io/acme/web:1.0",
        "ghcr.io/someone-else/web:1.0",
        "now pulls ghcr.io/someone-else/web:1.0 from ghcr.io/someone-else instead of ghcr.io/acme: ",
      ],
      [
        "us-central1-docker.pkg.dev/google-samples/microservices-demo/adservice:v0.10.0",
        "us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/adservice:v0.10.0",
        "now pulls us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/adservice:v0.10.0 from " +
          "us-central1-docker.pkg.dev/online-boutique-ci instead of us-central1-docker.pkg.dev/google-samples: ",
      ],
      [
        "nginx:1.27",
        "mirror.example/nginx:1.27",
        "now pulls mirror.example/nginx:1.27 from mirror.example instead of docker.io/library: ",
      ],
      [
        "k8s.gcr.io/pause:3.9",
        "docker.io/someone/pause:3.9",
        "now pulls docker.io/someone/pause:3.9 from docker.io/someone instead of registry.k8s.io: ",
      ],
    ];
    for (const [base, head, text] of moves) {
      const findings = runRule(imageRegistryRule, single(base), single(head));
      expect(findings.map((f) => f.message)).toEqual([expect.stringContaining(text)]);
    }
  });
});
