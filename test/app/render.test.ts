// The App reviews what deploys: pull requests that change Kustomize overlays and Helm charts are
// rendered at both revisions by the real kustomize and helm, from the files the App reads over the
// (fake) GitHub API, and the findings land on the source lines of the pull request. Rendering costs
// no request when nothing can be rendered, and fails the check, naming the target, when it cannot be
// done.

import nock from "nock";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { RenderCache } from "../../src/render/render-cache.js";
import { useRealTools } from "../render/helpers/tools.js";
import {
  CHECK_RUN_ID,
  type FakeRepo,
  HEAD_SHA,
  MERGE_BASE,
  newProbot,
  pullRequestChange,
  pullRequestEvent,
  type Recorded,
  serveRepository,
  traffic,
} from "./harness.js";

useRealTools();

type Files = Record<string, string>;

const REPO = "/repos/Codertocat/Hello-World";

const CHART: Files = {
  "charts/api/Chart.yaml": "apiVersion: v2\nname: api\nversion: 1.0.0\n",
  "charts/api/values.yaml": "tag: 1\nhostNetwork: false\nport: 8080\n",
  "charts/api/templates/_helpers.tpl":
    '{{- define "api.labels" -}}\napp: api\n{{- end }}\n{{- define "api.image" -}}\nregistry.example.com/api:{{ .Values.tag }}\n{{- end }}\n',
  "charts/api/templates/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels:
    {{- include "api.labels" . | nindent 4 }}
spec:
  selector:
    matchLabels:
      {{- include "api.labels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "api.labels" . | nindent 8 }}
    spec:
      {{- if .Values.hostNetwork }}
      hostNetwork: true
      {{- end }}
      containers:
        - name: api
          image: {{ include "api.image" . }}
          ports:
            - containerPort: {{ .Values.port }}
          readinessProbe: {httpGet: {path: /ready, port: {{ .Values.port }}}}
          livenessProbe: {httpGet: {path: /live, port: {{ .Values.port }}}}
          resources: {requests: {cpu: 50m, memory: 32Mi}, limits: {cpu: 100m, memory: 64Mi}}
`,
};

const WORKER = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  selector:
    matchLabels: {app: worker}
  template:
    metadata:
      labels: {app: worker}
    spec:
      containers:
        - name: worker
          image: registry.example.com/worker:3
          readinessProbe: {exec: {command: [true]}}
          livenessProbe: {exec: {command: [true]}}
          resources: {requests: {cpu: 50m, memory: 32Mi}, limits: {cpu: 100m, memory: 64Mi}}
`;

/** A base shared by two overlays. */
const OVERLAYS: Files = {
  "deploy/base/kustomization.yaml": "resources:\n  - worker.yaml\n",
  "deploy/base/worker.yaml": WORKER,
  "deploy/prod/kustomization.yaml": "namespace: prod\nresources:\n  - ../base\n",
  "deploy/staging/kustomization.yaml": "namespace: staging\nnamePrefix: staging-\nresources:\n  - ../base\n",
};

const SERVICE = (type: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  type: ${type}\n  ports:\n    - port: 80\n`;

const changed = (files: Files, changes: Files): Files => ({ ...files, ...changes });

const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

interface Completed {
  conclusion: string;
  output: {
    title: string;
    summary: string;
    annotations: { path: string; start_line: number; message: string; annotation_level: string }[];
  };
}

const completion = (recorded: Recorded[]): Completed =>
  recorded.find((r) => r.method === "PATCH" && r.path.endsWith(`/check-runs/${CHECK_RUN_ID}`))
    ?.body as Completed;

interface PostedReview {
  body: string;
  comments?: { path: string; line: number; side: string; body: string }[];
}

const reviews = (recorded: Recorded[]) =>
  recorded
    .filter((r) => r.method === "POST" && r.path.endsWith("/pulls/2/reviews"))
    .map((r) => r.body as PostedReview);

/** The GraphQL blob batches of a review, each as its "sha:path" expressions. */
const blobBatches = (recorded: Recorded[]) =>
  recorded
    .filter((r) => r.method === "POST" && r.path === "/graphql")
    .map((r) =>
      Object.values((r.body as { variables: Record<string, string> }).variables).filter((v) =>
        v.includes(":"),
      ),
    );

/** A review's requests, the ones made at the same time (merge base and tree listing) in a fixed order. */
function requests(recorded: Recorded[]): string[] {
  const all = traffic(recorded);
  const at = all.findIndex((t) => t.includes("/compare/") || t.includes("/git/trees/"));
  if (at < 0 || !/\/compare\/|\/git\/trees\//.test(all[at + 1] ?? "")) return all;
  return [...all.slice(0, at), ...all.slice(at, at + 2).sort(), ...all.slice(at + 2)];
}

const START = [
  `POST ${REPO}/check-runs`,
  `GET ${REPO}/contents/.github/kubedelta.yml`,
  "GET /repos/Codertocat/.github/contents/.github/kubedelta.yml",
  `GET ${REPO}/pulls/2/files`,
  // The head the files were listed at is the one under review (github/pull-files.ts).
  `GET ${REPO}/pulls/2`,
];
const MERGE_BASE_AND_TREE = [
  `GET ${REPO}/compare/f95f852bd8fca8fcc58a9a2d6c842781e32a215e...${HEAD_SHA}`,
  `GET ${REPO}/git/trees/${HEAD_SHA}`,
];
const PUBLISH = [
  `GET ${REPO}/issues/2/comments`,
  `GET ${REPO}/pulls/2/comments`,
  `GET ${REPO}/pulls/2/reviews`,
  `POST ${REPO}/pulls/2/reviews`,
];
const COMPLETE = `PATCH ${REPO}/check-runs/${CHECK_RUN_ID}`;
const GRAPHQL = "POST /graphql";

async function reviewOf(base: Files, head: Files, more: Partial<FakeRepo> = {}) {
  const recorded = serveRepository({ ...pullRequestChange(base, head), ...more });
  await newProbot().receive(pullRequestEvent() as never);
  return recorded;
}

let renders: MockInstance<RenderCache["render"]>;

beforeEach(() => {
  nock.disableNetConnect();
  // A spy that calls through: it counts the renders asked of the App's cache, the tools run for real.
  renders = vi.spyOn(RenderCache.prototype, "render");
});

afterEach(() => {
  nock.cleanAll();
  vi.restoreAllMocks();
});

describe("Helm charts", () => {
  it("comments inline on the values.yaml line that turns on hostNetwork, naming the helm target", async () => {
    const values = CHART["charts/api/values.yaml"].replace("hostNetwork: false", "hostNetwork: true");
    const recorded = await reviewOf(CHART, changed(CHART, { "charts/api/values.yaml": values }));

    expect(requests(recorded)).toEqual([
      ...START,
      ...MERGE_BASE_AND_TREE,
      GRAPHQL,
      GRAPHQL,
      ...PUBLISH,
      COMPLETE,
    ]);
    // The changed values file at both sides and the manifests of the tree in one batch; the
    // chart's other files (its helpers) in a second one, which the blob cache answers next time.
    expect(blobBatches(recorded)).toEqual([
      [
        `${MERGE_BASE}:charts/api/values.yaml`,
        `${HEAD_SHA}:charts/api/values.yaml`,
        `${HEAD_SHA}:charts/api/Chart.yaml`,
        `${HEAD_SHA}:charts/api/templates/deployment.yaml`,
      ],
      [`${HEAD_SHA}:charts/api/templates/_helpers.tpl`],
    ]);
    expect(renders).toHaveBeenCalledTimes(2);

    const [review] = reviews(recorded);
    const comments = review.comments ?? [];
    expect(comments.map(({ path, line, side }) => ({ path, line, side }))).toEqual([
      { path: "charts/api/values.yaml", line: lineOf(values, "hostNetwork: true"), side: "RIGHT" },
    ]);
    expect(comments[0].body).toContain("host-namespace");
    expect(comments[0].body).toContain("rendered by helm template of charts/api with values.yaml");

    const done = completion(recorded);
    expect(done.conclusion).toBe("failure");
    expect(done.output.title).toMatch(/^1 blocking risk/);
    expect(done.output.annotations).toEqual([
      expect.objectContaining({
        path: "charts/api/values.yaml",
        start_line: lineOf(values, "hostNetwork: true"),
      }),
    ]);
  });

  it("reviews a change to _helpers.tpl alone, which no manifest glob matches", async () => {
    const helpers = CHART["charts/api/templates/_helpers.tpl"].replace(
      "registry.example.com/api",
      "registry.evil.example/api",
    );
    const head = changed(CHART, { "charts/api/templates/_helpers.tpl": helpers });
    const recorded = await reviewOf(CHART, head);

    // No manifest changed: the tree is listed first, and the merge base asked for once it shows
    // that a chart reads the changed file. Everything rendering reads goes in one batch.
    expect(traffic(recorded)).toEqual([
      ...START,
      `GET ${REPO}/git/trees/${HEAD_SHA}`,
      `GET ${REPO}/compare/f95f852bd8fca8fcc58a9a2d6c842781e32a215e...${HEAD_SHA}`,
      GRAPHQL,
      ...PUBLISH,
      COMPLETE,
    ]);
    expect(blobBatches(recorded)[0].sort()).toEqual(
      [
        `${HEAD_SHA}:charts/api/Chart.yaml`,
        `${HEAD_SHA}:charts/api/values.yaml`,
        `${HEAD_SHA}:charts/api/templates/deployment.yaml`,
        `${MERGE_BASE}:charts/api/templates/_helpers.tpl`,
        `${HEAD_SHA}:charts/api/templates/_helpers.tpl`,
      ].sort(),
    );
    expect(renders).toHaveBeenCalledTimes(2);
    const done = completion(recorded);
    expect(done.conclusion).toBe("failure");
    expect(done.output.title).toMatch(/^1 blocking risk/);
    // The registry is written by no line the pull request changes (the render layer places it on
    // the chart's line that brings the image in): an annotation there, and the review's body.
    expect(done.output.annotations).toEqual([
      expect.objectContaining({
        path: expect.stringMatching(/^charts\/api\/(values\.yaml|templates\/deployment\.yaml)$/),
        message: expect.stringContaining("registry.evil.example"),
      }),
    ]);
    const [review] = reviews(recorded);
    expect(review.comments ?? []).toEqual([]);
    expect(review.body).toContain("image-registry");
  });

  it("comments on a declared values file the pull request adds", async () => {
    const recorded = await reviewOf(
      CHART,
      changed(CHART, { "charts/api/values-prod.yaml": "hostNetwork: true\n" }),
      {
        config: "render:\n  targets:\n    - path: charts/api\n      valuesFiles: [values-prod.yaml]\n",
      },
    );
    const [review] = reviews(recorded);
    expect(review.comments?.map((c) => [c.path, c.line])).toEqual([["charts/api/values-prod.yaml", 1]]);
    expect(review.comments?.[0].body).toContain(
      "helm template of charts/api with values.yaml, values-prod.yaml",
    );
    expect(completion(recorded).conclusion).toBe("failure");
  });

  it("renders nothing again, and reads only the changed files' base versions, on a re-review", async () => {
    const values = CHART["charts/api/values.yaml"].replace("hostNetwork: false", "hostNetwork: true");
    const recorded = serveRepository(
      pullRequestChange(CHART, changed(CHART, { "charts/api/values.yaml": values })),
    );
    const probot = newProbot();
    await probot.receive(pullRequestEvent() as never);
    const first = recorded.length;
    await probot.receive(pullRequestEvent("synchronize") as never);
    // Base versions are read by path at the merge base (no blob sha to look up in the cache).
    expect(blobBatches(recorded.slice(first))).toEqual([[`${MERGE_BASE}:charts/api/values.yaml`]]);
    const cache = renders.mock.contexts[0] as RenderCache;
    expect(renders.mock.contexts.every((c: unknown) => c === cache)).toBe(true);
    expect({ renders: cache.renders, hits: cache.hits }).toEqual({ renders: 2, hits: 2 });
  });

  const OVER_LIMIT = "render:\n  limits:\n    maxInputBytes: 300\n";
  const TOO_LARGE =
    /^Input errors in 1 file: helm template of charts\/api with values\.yaml at the (base|head): its input files are \d+ bytes, over render\.limits\.maxInputBytes \(300\): not rendered( \(and 1 more\))?$/;

  it("fails the check, naming the chart, when its files are over render.limits.maxInputBytes, and renders nothing", async () => {
    const values = CHART["charts/api/values.yaml"].replace("hostNetwork: false", "hostNetwork: true");
    const recorded = await reviewOf(CHART, changed(CHART, { "charts/api/values.yaml": values }), {
      config: OVER_LIMIT,
    });
    const done = completion(recorded);
    expect(done.conclusion).toBe("failure");
    expect(done.output.title).toMatch(TOO_LARGE);
    expect(done.output.summary).toContain("render.limits.maxInputBytes (300)");
    expect(done.output.annotations.length).toBeGreaterThan(0);
    for (const annotation of done.output.annotations)
      expect(annotation).toMatchObject({ path: "charts/api/Chart.yaml", annotation_level: "failure" });
    // Sizes come from the tree listing: the chart's helpers were never read, nothing rendered.
    expect(blobBatches(recorded)).toHaveLength(1);
    expect(renders).not.toHaveBeenCalled();
  });

  it("fails, never passes, when the only file changed is in a chart over the limit", async () => {
    const helpers = CHART["charts/api/templates/_helpers.tpl"].replace("app: api", "app: api-v2");
    const head = changed(CHART, { "charts/api/templates/_helpers.tpl": helpers });
    const done = completion(await reviewOf(CHART, head, { config: OVER_LIMIT }));
    expect(done.conclusion).toBe("failure");
    expect(done.output.title).toMatch(TOO_LARGE);
    expect(renders).not.toHaveBeenCalled();
  });
});

describe("Kustomize overlays", () => {
  it("comments on the line of a base that every overlay over it deploys", async () => {
    const worker = WORKER.replace(
      "          image: registry.example.com/worker:3\n",
      "          image: registry.example.com/worker:3\n          securityContext: {privileged: true}\n",
    );
    const recorded = await reviewOf(OVERLAYS, changed(OVERLAYS, { "deploy/base/worker.yaml": worker }));

    // The kustomizations are manifests of the tree: read with the change, in one batch.
    expect(requests(recorded)).toEqual([...START, ...MERGE_BASE_AND_TREE, GRAPHQL, ...PUBLISH, COMPLETE]);
    expect(renders).toHaveBeenCalledTimes(4);
    const line = lineOf(worker, "privileged: true");
    const [review] = reviews(recorded);
    // One comment on the line, naming both deployed copies, with both ids to approve.
    expect(review.comments?.map((c) => [c.path, c.line, c.side])).toEqual([
      ["deploy/base/worker.yaml", line, "RIGHT"],
    ]);
    const body = review.comments?.[0].body ?? "";
    expect(body).toMatch(/rendered by kustomize build of deploy\/(prod|staging)/);
    expect(body).toMatch(
      /The same line does the same to 1 other resource: 🔴 \*\*CRITICAL\*\* Deployment staging\/staging-worker\./,
    );
    expect(body).toMatch(/` ?\/approve-risk [0-9a-f]{8} [0-9a-f]{8} ?`/);
    expect(body.match(/<!-- kubedelta:fp=[0-9a-f]{16} -->/g)).toHaveLength(2);
    expect(completion(recorded).conclusion).toBe("failure");
  });

  it("puts a finding outside the diff's hunks in the annotations and the review body", async () => {
    // A patch file the pull request does not change, taken in by a changed kustomization: the
    // risky line is the patch's, outside every hunk.
    const patch = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  template:
    spec:
      hostIPC: true
`;
    const base = { ...OVERLAYS, "deploy/prod/host-ipc.yaml": patch };
    const kustomization = "namespace: prod\nresources:\n  - ../base\npatches:\n  - path: host-ipc.yaml\n";
    const recorded = await reviewOf(base, changed(base, { "deploy/prod/kustomization.yaml": kustomization }));
    const done = completion(recorded);
    expect(done.conclusion).toBe("failure");
    expect(done.output.annotations.map((a) => [a.path, a.start_line])).toEqual([
      ["deploy/prod/host-ipc.yaml", lineOf(patch, "hostIPC: true")],
    ]);
    const [review] = reviews(recorded);
    expect(review.comments ?? []).toEqual([]);
    expect(review.body).toContain("host-namespace");
  });

  it("fails the check with kustomize's message, naming the overlay, when the render fails", async () => {
    const broken = "namespace: prod\nresources:\n  - ../base\npatches:\n  - patch: 'not a patch'\n";
    const recorded = await reviewOf(
      OVERLAYS,
      changed(OVERLAYS, { "deploy/prod/kustomization.yaml": broken }),
    );
    const done = completion(recorded);
    expect(done.conclusion).toBe("failure");
    expect(done.output.title).toMatch(
      /^Input errors in 1 file: kustomize build of deploy\/prod at the head failed: /,
    );
    expect(done.output.summary).toContain("kustomize build of deploy/prod at the head failed");
  });
});

describe("what rendering costs, and when it cannot be done", () => {
  it("costs no request for a change to documentation only", async () => {
    const recorded = await reviewOf(CHART, changed(CHART, { "charts/api/README.md": "# api\n" }));
    expect(requests(recorded)).toEqual([...START, COMPLETE]);
    expect(completion(recorded).output.title).toBe("No Kubernetes manifest changed");
  });

  it("costs one tree listing for a code change in a repository without render targets", async () => {
    const recorded = await reviewOf(
      { "k8s/svc.yaml": SERVICE("ClusterIP") },
      {
        "k8s/svc.yaml": SERVICE("ClusterIP"),
        "src/main.go": "package main\n",
      },
    );
    expect(requests(recorded)).toEqual([...START, `GET ${REPO}/git/trees/${HEAD_SHA}`, COMPLETE]);
    expect(completion(recorded).output.title).toBe("No Kubernetes manifest changed");
  });

  it("costs one tree listing for a code change no render target reads", async () => {
    const recorded = await reviewOf(CHART, changed(CHART, { "cmd/api/main.go": "package main\n" }));
    expect(requests(recorded)).toEqual([...START, `GET ${REPO}/git/trees/${HEAD_SHA}`, COMPLETE]);
    expect(completion(recorded).output.title).toBe("No Kubernetes manifest changed");
    expect(renders).not.toHaveBeenCalled();
  });

  it("reviews a plain manifest next to render targets with the requests it took before, rendering nothing", async () => {
    const base = { ...OVERLAYS, "k8s/svc.yaml": SERVICE("ClusterIP") };
    const recorded = await reviewOf(base, changed(base, { "k8s/svc.yaml": SERVICE("LoadBalancer") }));
    expect(requests(recorded)).toEqual([...START, ...MERGE_BASE_AND_TREE, GRAPHQL, ...PUBLISH, COMPLETE]);
    expect(blobBatches(recorded)).toHaveLength(1);
    expect(renders).not.toHaveBeenCalled();
    const [review] = reviews(recorded);
    expect(review.comments?.map((c) => [c.path, c.line])).toEqual([["k8s/svc.yaml", 7]]);
  });

  it("fails closed when the tree is too large to list whole and a kustomization changed", async () => {
    const kustomization = "namespace: prod\nnamePrefix: p-\nresources:\n  - ../base\n";
    const recorded = await reviewOf(
      OVERLAYS,
      changed(OVERLAYS, { "deploy/prod/kustomization.yaml": kustomization }),
      {
        treeTruncated: true,
      },
    );
    const done = completion(recorded);
    expect(done.conclusion).toBe("failure");
    expect(done.output.title).toMatch(
      /^KubeDelta could not complete the review: the repository tree is too large for GitHub to list whole: the Kustomize and Helm targets reading deploy\/prod\/kustomization\.yaml cannot be found \(set render\.enabled: false to review plain manifests only\)$/,
    );
    expect(blobBatches(recorded)).toEqual([]);
    expect(renders).not.toHaveBeenCalled();
  });

  it("reviews plain manifests of a tree too large to list whole, and says nothing was rendered", async () => {
    const base = { ...OVERLAYS, "k8s/svc.yaml": SERVICE("ClusterIP") };
    const recorded = await reviewOf(base, changed(base, { "k8s/svc.yaml": SERVICE("LoadBalancer") }), {
      treeTruncated: true,
    });
    const done = completion(recorded);
    expect(done.conclusion).toBe("failure");
    expect(done.output.title).toMatch(/^1 blocking risk/);
    expect(done.output.summary).toContain("Nothing was rendered: the repository tree is too large");
  });

  it("reads a symbolic link of the tree as a link: a render refuses one leaving its files", async () => {
    const recorded = await reviewOf(
      CHART,
      changed(CHART, { "charts/api/values.yaml": CHART["charts/api/values.yaml"].replace("8080", "9090") }),
      { links: { "charts/api/templates/extra.yaml": "../../../k8s/extra.yaml" } },
    );
    const done = completion(recorded);
    expect(done.conclusion).toBe("failure");
    expect(done.output.summary).toContain("charts/api/templates/extra.yaml");
    expect(done.output.summary).toMatch(/symlink/);
  });
});
