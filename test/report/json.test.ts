import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/engine/types.js";
import { toJson } from "../../src/report/json.js";
import { finding, result } from "./fixtures.js";

describe("toJson", () => {
  it("has exactly the documented shape, in order", () => {
    const input = result({
      findings: [finding({ fingerprint: "abc" })],
      errors: [
        { file: "bad.yaml", line: 3, message: "invalid YAML" },
        { file: "big.yaml", message: "file too large" },
      ],
      skipped: [{ file: "chart/templates/x.yaml", reason: "Helm template" }],
    });
    const parsed = JSON.parse(toJson(input));

    expect(Object.keys(parsed)).toEqual([
      "findings",
      "excepted",
      "expiredExceptions",
      "errors",
      "skipped",
      "stats",
      "failOn",
      "passed",
    ]);
    expect(parsed.findings).toEqual([
      {
        rule: "service-load-balancer",
        severity: "high",
        file: "deploy/web.yaml",
        line: 12,
        side: "head",
        resource: { apiVersion: "v1", kind: "Service", namespace: "shop", name: "web" },
        message: "type changed from ClusterIP to LoadBalancer.",
        fingerprint: "abc",
        blocking: true,
      },
    ]);
    expect(Object.keys(parsed.findings[0])).toEqual([
      "rule",
      "severity",
      "file",
      "line",
      "side",
      "resource",
      "message",
      "fingerprint",
      "blocking",
    ]);
    expect(Object.keys(parsed.findings[0].resource)).toEqual(["apiVersion", "kind", "namespace", "name"]);
    expect(parsed.errors).toEqual([
      { file: "bad.yaml", line: 3, message: "invalid YAML" },
      { file: "big.yaml", message: "file too large" },
    ]);
    expect("line" in parsed.errors[1]).toBe(false);
    expect(parsed.skipped).toEqual([{ file: "chart/templates/x.yaml", reason: "Helm template" }]);
    expect(parsed.stats).toEqual(input.stats);
    expect(parsed.failOn).toBe("high");
    expect(parsed.passed).toBe(false);
  });

  it("is pretty-printed with two spaces and ends with a newline", () => {
    const text = toJson(result());
    expect(
      text.startsWith('{\n  "findings": [],\n  "excepted": [],\n  "expiredExceptions": [],\n  "errors": [],'),
    ).toBe(true);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.endsWith("\n\n")).toBe(false);
  });

  it("does not leak properties that are not part of the contract", () => {
    const extra = { ...finding(), internal: "secret", resource: { ...finding().resource, group: "" } };
    const parsed = JSON.parse(toJson(result({ findings: [extra as Finding] })));
    expect(parsed.findings[0].internal).toBeUndefined();
    expect(parsed.findings[0].resource.group).toBeUndefined();
  });

  it("passes only without blocking findings and without errors", () => {
    const low = finding({ severity: "low" });
    expect(JSON.parse(toJson(result({ findings: [low] }))).passed).toBe(true);
    expect(JSON.parse(toJson(result({ findings: [low], failOn: "low" }))).passed).toBe(false);
    expect(JSON.parse(toJson(result({ errors: [{ file: "a.yaml", message: "bad" }] }))).passed).toBe(false);
    expect(JSON.parse(toJson(result({ skipped: [{ file: "a.yaml", reason: "binary" }] }))).passed).toBe(true);
  });

  it("keeps hostile text intact and valid JSON", () => {
    const hostile = 'a"b\\c\nd\x1b[31m</script>';
    const parsed = JSON.parse(toJson(result({ findings: [finding({ message: hostile })] })));
    expect(parsed.findings[0].message).toBe(hostile);
  });

  it("names the revisions a review compared, first, and only when given", () => {
    const base = { ref: "main", sha: "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d" };
    const head = { ref: "feature", sha: "5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80" };
    const parsed = JSON.parse(toJson(result(), { compared: { base, head } }));
    expect(Object.keys(parsed)[0]).toBe("compared");
    expect(parsed.compared).toEqual({ base, head });
    const working = JSON.parse(toJson(result(), { compared: { base, head: { workingTree: true } } }));
    expect(working.compared).toEqual({ base, head: { workingTree: true } });
    expect(Object.keys(JSON.parse(toJson(result())))).not.toContain("compared");
  });
});
