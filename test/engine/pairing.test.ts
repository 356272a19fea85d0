import { describe, expect, it } from "vitest";
import { identityKey } from "../../src/engine/identity.js";
import { pairResources } from "../../src/engine/pairing.js";
import type { Resource, Side } from "../../src/engine/types.js";

function resource(name: string, file: string, side: Side): Resource {
  const identity = { apiVersion: "v1", group: "", kind: "ConfigMap", namespace: "default", name };
  return { identity, key: identityKey(identity), object: {}, file, side, line: 1, locate: () => 1 };
}

const describeChange = (c: { before?: Resource; after?: Resource }) =>
  `${c.before ? `${c.before.identity.name}@${c.before.file}` : "-"} -> ${c.after ? `${c.after.identity.name}@${c.after.file}` : "-"}`;

describe("pairResources", () => {
  it("pairs a resource moved to another file", () => {
    const changes = pairResources([resource("a", "x.yaml", "base")], [resource("a", "y.yaml", "head")]);
    expect(changes.map(describeChange)).toEqual(["a@x.yaml -> a@y.yaml"]);
  });

  it("reports additions and removals", () => {
    const changes = pairResources([resource("gone", "x.yaml", "base")], [resource("new", "x.yaml", "head")]);
    expect(changes.map(describeChange).sort()).toEqual(["- -> new@x.yaml", "gone@x.yaml -> -"]);
  });

  it("pairs duplicate identities (overlays) by file first", () => {
    const base = [resource("a", "prod/a.yaml", "base"), resource("a", "staging/a.yaml", "base")];
    const head = [resource("a", "staging/a.yaml", "head"), resource("a", "prod/a.yaml", "head")];
    expect(pairResources(base, head).map(describeChange).sort()).toEqual([
      "a@prod/a.yaml -> a@prod/a.yaml",
      "a@staging/a.yaml -> a@staging/a.yaml",
    ]);
  });

  it("judges extra copies of an existing object against its base version, not as new", () => {
    const base = [resource("a", "one.yaml", "base")];
    const head = [resource("a", "two.yaml", "head"), resource("a", "three.yaml", "head")];
    expect(pairResources(base, head).map(describeChange)).toEqual([
      "a@one.yaml -> a@two.yaml",
      "a@one.yaml -> a@three.yaml",
    ]);
    const kept = pairResources(base, [
      resource("a", "one.yaml", "head"),
      resource("a", "v2/one.yaml", "head"),
    ]);
    expect(kept.map(describeChange)).toEqual(["a@one.yaml -> a@one.yaml", "a@one.yaml -> a@v2/one.yaml"]);
  });

  it("keeps base copies beyond the head's count as removals", () => {
    const base = [
      resource("a", "x.yaml", "base"),
      resource("a", "y.yaml", "base"),
      resource("a", "z.yaml", "base"),
    ];
    const head = [resource("a", "w.yaml", "head")];
    expect(pairResources(base, head).map(describeChange)).toEqual([
      "a@x.yaml -> a@w.yaml",
      "a@y.yaml -> -",
      "a@z.yaml -> -",
    ]);
  });
});
