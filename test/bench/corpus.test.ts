// The bench corpus is only worth its numbers if it is stable and realistic: same seed, same
// bytes; the requested size; a PR-sized head; and planted risks the engine actually catches.

import jsyaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { generateCorpus } from "../../bench/corpus.js";
import { review } from "../../src/engine/review.js";
import { loadPolicy } from "../../src/policy/load.js";
import { rulesOf } from "../../src/rules/catalog.js";

function resourceCount(files: Map<string, string>): number {
  let count = 0;
  for (const text of files.values()) count += jsyaml.loadAll(text).filter((doc) => doc !== null).length;
  return count;
}

function documentsPerFile(files: Map<string, string>): number[] {
  return [...files.values()].map((text) => jsyaml.loadAll(text).length);
}

describe("generateCorpus", () => {
  it("is deterministic: the same seed gives the same bytes, another seed others", () => {
    const a = generateCorpus(300, 7);
    const b = generateCorpus(300, 7);
    expect([...b.base]).toEqual([...a.base]);
    expect([...b.head]).toEqual([...a.head]);
    expect(b.bytes).toBe(a.bytes);
    expect([...generateCorpus(300, 8).base]).not.toEqual([...a.base]);
  });

  it.each([1, 50, 200, 1000])("has exactly %i resources in the base", (n) => {
    expect(resourceCount(generateCorpus(n).base)).toBe(n);
  });

  it("spreads documents over multi-document files in a directory tree", () => {
    const { base } = generateCorpus(1000);
    const sizes = documentsPerFile(base);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(20);
    expect(Math.max(...sizes)).toBeGreaterThan(5);
    const roots = new Set([...base.keys()].map((p) => p.split("/")[0]));
    expect([...roots].sort()).toEqual(["apps", "network", "rbac"]);
  });

  it("writes realistic YAML: flow lists, quoted strings, block scalars", () => {
    const text = [...generateCorpus(1000).base.values()].join("\n");
    expect(text).toMatch(/verbs: \["get", "list", "watch"\]/);
    expect(text).toMatch(/prometheus\.io\/scrape: "true"/);
    expect(text).toMatch(/application\.yaml: \|\n/);
  });

  it("changes a PR-sized share of the files and leaves the others byte-identical", () => {
    const { base, head, bytes } = generateCorpus(1000);
    const differing = [...head].filter(([path, text]) => base.get(path) !== text).length;
    const share = differing / base.size;
    expect(share).toBeGreaterThan(0.02);
    expect(share).toBeLessThan(0.3);
    expect([...head.keys()].filter((p) => !base.has(p)).length).toBeGreaterThan(0); // new workloads
    let total = 0;
    for (const side of [base, head]) for (const text of side.values()) total += Buffer.byteLength(text);
    expect(bytes).toBe(total);
  });
});

describe("the engine on a 200-resource corpus", () => {
  const { base, head, edits } = generateCorpus(200);
  const policy = loadPolicy();
  const result = review({ base, head, policy, rules: rulesOf(policy) });
  const rules = new Set(result.findings.map((f) => f.rule));

  it("reads every file", () => {
    expect(result.errors).toEqual([]);
    expect(result.stats.resourcesBase).toBe(200);
  });

  it("finds the planted risky changes", () => {
    expect(edits.loadBalancer).toBeGreaterThan(0);
    expect(rules).toContain("service-load-balancer");
    expect(rules).toContain("rbac-escalation");
    expect(rules).toContain("control-plane-toleration");
  });

  it("reports nothing in byte-identical files", () => {
    const identical = new Set(
      [...head].filter(([path, text]) => base.get(path) === text).map(([path]) => path),
    );
    expect(identical.size).toBeGreaterThan(0);
    expect(result.findings.filter((f) => identical.has(f.file))).toEqual([]);
  });
});
