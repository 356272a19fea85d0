import { describe, expect, it } from "vitest";
import { RenderCache, renderKey } from "../../src/render/render-cache.js";
import { DEFAULT_RENDER_LIMITS, type HelmRequest, type KustomizeRequest } from "../../src/render/run.js";
import { findTools } from "../../src/render/tools.js";
import { HELM_CHART, HELM_DEFAULTS, inputFiles, KUSTOMIZE_APP } from "./helpers/fixtures.js";
import { realTools, useRealTools } from "./helpers/tools.js";

useRealTools();

const overlay = (files = KUSTOMIZE_APP): KustomizeRequest => ({
  tool: "kustomize",
  files: inputFiles(files),
  target: "overlays/prod",
});
const chart = (helm: Partial<HelmRequest["helm"]> = {}): HelmRequest => ({
  tool: "helm",
  files: inputFiles(HELM_CHART),
  target: "charts/web",
  helm: { ...HELM_DEFAULTS, ...helm },
});
const newCache = (maxBytes?: number) => new RenderCache({ maxBytes, tools: realTools });

describe.concurrent("RenderCache", () => {
  it("renders identical input once: the second answer is the first", async () => {
    const cache = newCache();
    const first = await cache.render(overlay());
    const second = await cache.render(overlay());
    expect(first.ok).toBe(true);
    expect(second).toBe(first);
    expect({ renders: cache.renders, hits: cache.hits }).toEqual({ renders: 1, hits: 1 });
  });

  it("renders again when one byte of one file changes, or a file is added", async () => {
    const cache = newCache();
    await cache.render(overlay());
    const patched = String(KUSTOMIZE_APP["overlays/prod/replicas.yaml"]).replace(
      "replicas: 3",
      "replicas: 4",
    );
    const changed = await cache.render(overlay({ ...KUSTOMIZE_APP, "overlays/prod/replicas.yaml": patched }));
    await cache.render(overlay({ ...KUSTOMIZE_APP, "README.md": "# app\n" }));
    expect(changed.ok && changed.output).toContain("replicas: 4");
    expect({ renders: cache.renders, hits: cache.hits }).toEqual({ renders: 3, hits: 0 });
  });

  it("renders again when an option changes, not when the same options come in another key order", async () => {
    const cache = newCache();
    await cache.render(chart());
    await cache.render(chart({ namespace: "payments" }));
    await cache.render(chart({ set: { "image.tag": "2.0.0" } }));
    await cache.render(chart({ set: { "image.tag": "2.0.1" } }));
    const reordered: HelmRequest = {
      helm: {
        set: {},
        valuesFiles: [],
        apiVersions: [],
        kubeVersion: "1.32",
        namespace: "default",
        releaseName: "shop",
      },
      target: "charts/web",
      files: inputFiles(HELM_CHART),
      tool: "helm",
    };
    await cache.render(reordered);
    expect({ renders: cache.renders, hits: cache.hits }).toEqual({ renders: 4, hits: 1 });
  });

  it("keys by the tool's version", async () => {
    const { kustomize } = await realTools();
    const request = overlay();
    expect(renderKey(kustomize, request)).toBe(renderKey({ ...kustomize }, overlay()));
    expect(renderKey({ ...kustomize, version: "v5.6.0" }, request)).not.toBe(renderKey(kustomize, request));
  });

  it("runs the tool once for two identical renders at the same time", async () => {
    const cache = newCache();
    const [a, b] = await Promise.all([cache.render(chart()), cache.render(chart())]);
    expect(a.ok).toBe(true);
    expect(b).toBe(a);
    expect({ renders: cache.renders, hits: cache.hits }).toEqual({ renders: 1, hits: 1 });
  });

  it("keeps a failure the tool reported, but not a limit that was hit", async () => {
    const cache = newCache();
    const broken = overlay({ "overlays/prod/kustomization.yaml": "resources: [missing.yaml]\n" });
    await cache.render(broken);
    const again = await cache.render(broken);
    expect(again).toMatchObject({ ok: false, failure: "failed" });
    const tight = { ...DEFAULT_RENDER_LIMITS, outputBytes: 16 };
    await cache.render(overlay(), tight);
    const retried = await cache.render(overlay(), tight);
    expect(retried).toMatchObject({ ok: false, failure: "output-limit" });
    expect({ renders: cache.renders, hits: cache.hits }).toEqual({ renders: 3, hits: 1 });
  });

  it("evicts the least recently used output over its byte budget", async () => {
    const small = newCache(1);
    await small.render(overlay());
    await small.render(overlay());
    expect({ renders: small.renders, entries: small.size.entries }).toEqual({ renders: 2, entries: 0 });

    // Three renders whose outputs differ only in the replica count: all of one size.
    const withReplicas = (n: number) => chart({ set: { replicaCount: String(n) } });
    const one = await newCache().render(withReplicas(1));
    const cache = newCache(2 * Buffer.byteLength(one.ok ? one.output : ""));
    await cache.render(withReplicas(1));
    await cache.render(withReplicas(2));
    await cache.render(withReplicas(1)); // a hit, and now the most recently used
    await cache.render(withReplicas(3)); // over the budget: 2, the least recently used, goes
    await cache.render(withReplicas(1)); // a hit
    await cache.render(withReplicas(2)); // rendered again
    expect({ renders: cache.renders, hits: cache.hits }).toEqual({ renders: 4, hits: 2 });
  });

  it("does not count a missing tool as a render", async () => {
    const cache = new RenderCache({
      tools: () => findTools({ PATH: "", KUBEDELTA_KUSTOMIZE: "/nonexistent" }),
    });
    expect(await cache.render(overlay())).toMatchObject({ ok: false, failure: "tool-missing" });
    expect({ renders: cache.renders, hits: cache.hits }).toEqual({ renders: 0, hits: 0 });
  });
});
