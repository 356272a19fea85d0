import { afterEach, describe, expect, it, vi } from "vitest";
import { compareFindings } from "../../src/engine/findings.js";
import { compareStrings } from "../../src/engine/text.js";
import type { Finding } from "../../src/engine/types.js";

function finding(overrides: Partial<Finding>): Finding {
  return {
    rule: "service-load-balancer",
    severity: "high",
    file: "a.yaml",
    line: 1,
    side: "head",
    resource: { apiVersion: "v1", kind: "Service", namespace: "shop", name: "web" },
    message: "m",
    fingerprint: "0123456789abcdef",
    ...overrides,
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("compareFindings", () => {
  const files = ["é.yaml", "a.yaml", "Z.yaml", "B.yaml"];
  // UTF-16 code-unit order: upper case before lower case, accented letters after both.
  const byCodeUnit = ["B.yaml", "Z.yaml", "a.yaml", "é.yaml"];

  it("orders files by code unit, not by the host's collation", () => {
    const sorted = files.map((file) => finding({ file })).sort(compareFindings);
    expect(sorted.map((f) => f.file)).toEqual(byCodeUnit);
  });

  it("gives the same order whatever the locale says", () => {
    // A host whose collation is the reverse of everyone else's: a locale-aware sort would follow it.
    const original = String.prototype.localeCompare;
    vi.spyOn(String.prototype, "localeCompare").mockImplementation(function (this: string, that: string) {
      return -original.call(this, that);
    });
    const findings = files.flatMap((file) =>
      ["Rule-b", "rule-a"].map((rule, i) => finding({ file, rule, fingerprint: `${i}123456789abcdef` })),
    );
    const sorted = [...findings].sort(compareFindings);
    expect(sorted.map((f) => `${f.file} ${f.rule}`)).toEqual(
      byCodeUnit.flatMap((file) => [`${file} Rule-b`, `${file} rule-a`]),
    );
  });

  it("orders by file, then line, then most severe first, then rule, then fingerprint", () => {
    const a = finding({ line: 2, severity: "low" });
    const b = finding({ line: 2, severity: "critical", rule: "z" });
    const c = finding({ line: 2, severity: "critical", rule: "b", fingerprint: "1111111111111111" });
    const d = finding({ line: 2, severity: "critical", rule: "b", fingerprint: "0000000000000000" });
    const e = finding({ line: 1, severity: "info" });
    expect([a, b, c, d, e].sort(compareFindings)).toEqual([e, d, c, b, a]);
  });
});

describe("compareStrings", () => {
  it("compares by UTF-16 code unit", () => {
    expect(["b", "é", "B", "a", "", "ab"].sort(compareStrings)).toEqual(["", "B", "a", "ab", "b", "é"]);
    expect(compareStrings("x", "x")).toBe(0);
  });
});
