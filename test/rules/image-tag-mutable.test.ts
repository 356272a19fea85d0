// Pod spec line i is file line 10 + i (see pod-fixtures): `containers:` is line 11, the first
// `- name:` line 12 and its `image:` line 13.

import { describe, expect, it } from "vitest";
import { resourceSet } from "../../src/engine/resource-set.js";
import type { JsonObject } from "../../src/engine/types.js";
import { parseImageRef } from "../../src/k8s/images.js";
import { imageTagMutableRule, isFloating } from "../../src/rules/image-tag-mutable.js";
import { type Case, fakeResource, table, workload } from "./pod-fixtures.js";
import { runRule } from "./tester.js";

const rule = imageTagMutableRule;

const container = (name: string, image: string, extra: string[] = []) => [
  `  - name: ${name}`,
  `    image: ${image}`,
  ...extra,
];
const deploy = (...containers: string[][]) => workload(["containers:", ...containers.flat()]);
const single = (image: string) => deploy(container("api", image));

const DIGEST = "sha256:9b7f2a6c1d0e4b3a8f5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a";

const cases: Case[] = [
  {
    name: "a fixed tag becomes latest",
    base: single("ghcr.io/shop/api:1.4.2"),
    head: single("ghcr.io/shop/api:latest"),
    expected: [{ line: 13, side: "head", severity: "medium" }],
  },
  {
    name: "a fixed tag is dropped (untagged pulls latest)",
    base: single("nginx:1.27"),
    head: single("nginx"),
    expected: [{ line: 13, side: "head", severity: "medium" }],
  },
  {
    name: "a digest pin is dropped, the fixed tag kept",
    base: single(`ghcr.io/shop/api:1.4.2@${DIGEST}`),
    head: single("ghcr.io/shop/api:1.4.2"),
    expected: [{ line: 13, side: "head", severity: "medium" }],
  },
  {
    name: "a digest-only image becomes untagged",
    base: single(`nginx@${DIGEST}`),
    head: single("nginx"),
    expected: [{ line: 13, side: "head", severity: "medium" }],
  },
  {
    name: "a pinned latest loses its digest",
    base: single(`nginx:latest@${DIGEST}`),
    head: single("nginx:latest"),
    expected: [{ line: 13, side: "head", severity: "medium" }],
  },
  {
    name: "a new workload with a latest image",
    head: single("nginx:latest"),
    expected: [{ line: 13, side: "head", severity: "medium" }],
  },
  {
    name: "a new sidecar without a tag, beside a pinned container",
    base: single("ghcr.io/shop/api:1.4.2"),
    head: deploy(container("api", "ghcr.io/shop/api:1.4.2"), container("proxy", "envoyproxy/envoy")),
    expected: [{ line: 15, side: "head", severity: "medium" }],
  },
  {
    name: "a new init container with latest",
    base: single("ghcr.io/shop/api:1.4.2"),
    head: workload([
      "initContainers:",
      ...container("migrate", "ghcr.io/shop/migrate:latest"),
      "containers:",
      ...container("api", "ghcr.io/shop/api:1.4.2"),
    ]),
    expected: [{ line: 13, side: "head", severity: "medium" }],
  },
  {
    name: "a new ephemeral container without a tag",
    base: single("ghcr.io/shop/api:1.4.2"),
    head: workload([
      "containers:",
      ...container("api", "ghcr.io/shop/api:1.4.2"),
      "ephemeralContainers:",
      ...container("debug", "busybox"),
    ]),
    expected: [{ line: 16, side: "head", severity: "medium" }],
  },
  {
    name: "a registry port is no tag",
    base: single("registry.corp.example:5000/api:1.0"),
    head: single("registry.corp.example:5000/api"),
    expected: [{ line: 13, side: "head", severity: "medium" }],
  },
  {
    name: "an unreadable old image is no baseline",
    base: single('"api:"'),
    head: single("api:latest"),
    expected: [{ line: 13, side: "head", severity: "medium" }],
  },
  {
    name: "only the container that turns floating is reported",
    base: deploy(container("api", "ghcr.io/shop/api:1"), container("proxy", "envoy:1.30")),
    head: deploy(container("api", "ghcr.io/shop/api:2"), container("proxy", "envoy:latest")),
    expected: [{ line: 15, side: "head", severity: "medium" }],
  },
  {
    name: "a CronJob's container becomes latest",
    base: `apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly, namespace: shop }
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: job
              image: ghcr.io/shop/job:3
`,
    head: `apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly, namespace: shop }
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: job
              image: ghcr.io/shop/job:latest
`,
    expected: [{ line: 12, side: "head", severity: "medium" }],
  },
  {
    name: "full-state mode reports a pre-existing latest",
    base: single("nginx:latest"),
    head: single("nginx:latest"),
    fullState: true,
    expected: [{ line: 13, side: "head", severity: "medium" }],
  },
  // Silent.
  { name: "a bump between fixed tags", base: single("nginx:1.25"), head: single("nginx:1.27"), expected: [] },
  {
    name: "a digest is added",
    base: single("nginx:1.27"),
    head: single(`nginx:1.27@${DIGEST}`),
    expected: [],
  },
  {
    name: "latest gains a digest",
    base: single("nginx:latest"),
    head: single(`nginx:latest@${DIGEST}`),
    expected: [],
  },
  {
    name: "a digest bump, tag dropped",
    base: single(`nginx:1.27@${DIGEST}`),
    head: single(`nginx@${DIGEST.replace("9b7f", "0000")}`),
    expected: [],
  },
  { name: "a new workload with a fixed tag", head: single("nginx:1.27"), expected: [] },
  { name: "a new workload pinned by digest", head: single(`nginx@${DIGEST}`), expected: [] },
  {
    name: "an untagged image that becomes latest is pre-existing",
    base: single("nginx"),
    head: single("nginx:latest"),
    expected: [],
  },
  {
    name: "latest that becomes untagged is pre-existing",
    base: single("nginx:latest"),
    head: single("docker.io/library/nginx"),
    expected: [],
  },
  {
    name: "an unrelated edit on a container with latest",
    base: single("nginx:latest"),
    head: deploy(container("api", "nginx:latest", ["    env: [{ name: MODE, value: fast }]"])),
    expected: [],
  },
  {
    name: "latest narrowed to a fixed tag",
    base: single("nginx:latest"),
    head: single("nginx:1.27"),
    expected: [],
  },
  {
    name: "a tag called Latest is a fixed tag (tags are case-sensitive)",
    base: single("nginx:1.27"),
    head: single("nginx:Latest"),
    expected: [],
  },
  {
    name: "containers with latest images reordered",
    base: deploy(container("a", "nginx"), container("b", "redis:latest")),
    head: deploy(container("b", "redis:latest"), container("a", "nginx")),
    expected: [],
  },
  {
    name: "a workload with latest moved to another file",
    base: { "a.yaml": single("nginx:latest") },
    head: { "apps/b.yaml": single("nginx:latest") },
    expected: [],
  },
  { name: "a workload with latest removed", base: single("nginx:latest"), expected: [] },
  {
    name: "a container with latest removed",
    base: deploy(container("api", "ghcr.io/shop/api:1"), container("debug", "busybox")),
    head: single("ghcr.io/shop/api:1"),
    expected: [],
  },
  { name: "an image that is no reference", head: single('"nginx:"'), expected: [] },
  { name: "an image that is not text", head: single("[nginx, latest]"), expected: [] },
  {
    name: "a custom resource called Deployment",
    head: single("nginx:latest").replace("apps/v1", "example.com/v1"),
    expected: [],
  },
];

describe("image-tag-mutable", () => {
  table(rule, cases);

  it("says what changed, why it matters and how to fix it", () => {
    const [latest] = runRule(rule, single("ghcr.io/shop/api:1.4.2"), single("ghcr.io/shop/api:latest"));
    expect(latest.message).toBe(
      "Container `api` of Deployment shop/web now uses image `ghcr.io/shop/api:latest`, whose `latest` tag " +
        "moves with every push: every pull may run code nobody reviewed, nodes can run different versions " +
        "side by side, and a rollback cannot bring the old image back. Pin a version tag, and better a digest " +
        "(`image: name:tag@sha256:…`).",
    );
    const [fresh] = runRule(rule, undefined, single("nginx"));
    expect(fresh.message).toMatch(
      /^New container `api` of Deployment shop\/web uses image `nginx` without a tag or digest/,
    );
    const [unpinned] = runRule(rule, single(`nginx:1.27@${DIGEST}`), single("nginx:1.27"));
    expect(unpinned.message).toContain(
      `Container \`api\` of Deployment shop/web drops the digest pin of its image: \`nginx:1.27@${DIGEST}\` becomes \`nginx:1.27\``,
    );
    const [unreadable] = runRule(rule, single('"api:"'), single("api:latest"));
    expect(unreadable.message).toMatch(
      /^Container `api` of Deployment shop\/web now uses image `api:latest`/,
    );
    const [full] = runRule(rule, single("nginx"), single("nginx"), { fullState: true });
    expect(full.message).toMatch(/^Container `api` of Deployment shop\/web uses image `nginx` without/);
  });

  it("keeps one fingerprint for untagged and latest, across spellings and moves", () => {
    const run = (image: string, file = "manifest.yaml") =>
      runRule(rule, undefined, { [file]: single(image) })[0].fingerprint;
    expect(run("nginx")).toBe(run("docker.io/library/nginx:latest"));
    expect(run("nginx", "x/y.yaml")).toBe(run("nginx"));
    expect(run("redis")).not.toBe(run("nginx"));
    const unpinned = (tag: string) =>
      runRule(rule, single(`nginx:${tag}@${DIGEST}`), single(`nginx:${tag}`))[0].fingerprint;
    expect(unpinned("1.27")).not.toBe(run("nginx"));
  });

  it("has an example that fires", () => {
    const { before, after } = rule.example ?? { after: "" };
    expect(runRule(rule, before, after)).toHaveLength(1);
  });

  it("never throws on malformed workloads", () => {
    const garbage = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    spec:
      containers: "oops"
      initContainers: [null, 5, { name: 7, image: [x] }, { image: "" }, { name: a, image: "  " }]
      ephemeralContainers: { name: debug }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: shop }
spec: null
`;
    for (const [base, head] of [
      [undefined, garbage],
      [single("nginx"), garbage],
      [garbage, single("nginx:1")],
      [garbage, undefined],
    ]) {
      expect(runRule(rule, base, head)).toEqual([]);
      expect(() => runRule(rule, base, head, { fullState: true })).not.toThrow();
    }
    const objects: JsonObject[] = [{ spec: null }, { spec: { template: { spec: { containers: [5] } } } }];
    for (const object of objects) {
      const context = { params: {}, base: resourceSet([]), head: resourceSet([]), fullState: false };
      expect(rule.check({ after: fakeResource(object) }, context)).toEqual([]);
    }
  });
});

describe("isFloating", () => {
  it.each([
    ["nginx", true],
    ["nginx:latest", true],
    ["ghcr.io/a/b:latest", true],
    ["localhost:5000/b", true],
    ["nginx:1.27", false],
    [`nginx@${DIGEST}`, false],
    [`nginx:latest@${DIGEST}`, false],
    ["nginx:LATEST", false],
  ])("%s: %s", (image, floating) => {
    const ref = parseImageRef(image);
    expect(ref && isFloating(ref)).toBe(floating);
  });
});
