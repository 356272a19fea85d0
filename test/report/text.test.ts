import { describe, expect, it } from "vitest";
import { toText } from "../../src/report/text.js";
import { finding, HOSTILE, result } from "./fixtures.js";

const sample = result({
  findings: [
    finding({ file: "b.yaml", line: 30, severity: "high", rule: "rule-b30" }),
    finding({ file: "a.yaml", line: 100, severity: "medium", rule: "rule-a100" }),
    finding({ file: "b.yaml", line: 4, severity: "critical", rule: "rule-b4" }),
    finding({ file: "a.yaml", line: 9, severity: "high", rule: "rule-a9" }),
  ],
  errors: [{ file: "broken.yaml", line: 2, message: "invalid YAML" }],
  skipped: [
    { file: "chart/templates/x.yaml", reason: "Helm template" },
    { file: "logo.png", reason: "binary file" },
  ],
});

describe("toText", () => {
  it("groups findings by file and sorts them by file, then line", () => {
    const text = toText(sample, { color: false });
    const order = ["a.yaml", "rule-a9", "rule-a100", "b.yaml", "rule-b4", "rule-b30"].map((s) =>
      text.indexOf(s),
    );
    expect(order.every((pos) => pos >= 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    const message = "type changed from ClusterIP to LoadBalancer.";
    expect(text.split("\n").slice(0, 11)).toEqual([
      "a.yaml",
      "    9 HIGH     rule-a9  Service shop/web",
      `      ${message}`,
      "  100 MEDIUM   rule-a100  Service shop/web",
      `      ${message}`,
      "",
      "b.yaml",
      "    4 CRITICAL rule-b4  Service shop/web",
      `      ${message}`,
      "   30 HIGH     rule-b30  Service shop/web",
      `      ${message}`,
    ]);
  });

  it("lists errors and skipped files, then the summary and the verdict", () => {
    const lines = toText(sample, { color: false }).trimEnd().split("\n");
    expect(lines).toContain("  broken.yaml:2  invalid YAML");
    expect(lines).toContain("  logo.png  binary file");
    expect(lines.at(-2)).toBe(
      "4 findings (1 critical, 2 high, 1 medium), 3 blocking at fail-on high; 1 error; 2 files skipped",
    );
    expect(lines.at(-1)).toBe("FAILED");
  });

  it("says PASSED when nothing blocks and everything was read", () => {
    const text = toText(result({ findings: [finding({ severity: "low" })] }), { color: false });
    expect(text.endsWith("1 finding (1 low), 0 blocking at fail-on high\nPASSED\n")).toBe(true);
    expect(toText(result(), { color: false })).toBe("No findings\nPASSED\n");
  });

  it("omits an unknown error line", () => {
    const text = toText(result({ errors: [{ file: "big.yaml", message: "too large" }] }), { color: false });
    expect(text).toContain("  big.yaml  too large\n");
  });

  it("colours only when asked", () => {
    expect(toText(sample, { color: false })).not.toContain("\x1b");
    const coloured = toText(sample, { color: true });
    expect(coloured).toContain("\x1b[1;31mCRITICAL\x1b[0m");
    expect(coloured).toContain("\x1b[31mHIGH    \x1b[0m");
    expect(coloured).toContain("\x1b[33mMEDIUM  \x1b[0m");
    expect(coloured.trimEnd().split("\n").at(-1)).toBe("\x1b[1;31mFAILED\x1b[0m");
  });

  it("never passes escape sequences or line breaks from a manifest to the terminal", () => {
    const hostile = result({
      findings: [
        finding({
          rule: "rule-x",
          file: "evil\x1b[2J.yaml",
          message: HOSTILE,
          resource: { apiVersion: "v1", kind: "Service", namespace: "ns\n\x1b]0;pwned\x07", name: HOSTILE },
        }),
      ],
      errors: [{ file: "e\x1b[1A.yaml", message: "bad\r\x1b[Kfaked PASSED" }],
      skipped: [{ file: "s.yaml", reason: "x\nPASSED" }],
    });
    const plain = toText(hostile, { color: false });
    expect(plain).not.toContain("\x1b");
    expect(plain).not.toContain("\r");
    // Header, one finding (two lines), blank, "Errors", one error, blank, "Skipped", one file, blank,
    // summary, verdict.
    expect(plain.trimEnd().split("\n")).toHaveLength(12);
    expect(plain).toContain("evil.yaml\n");

    const coloured = toText(hostile, { color: true });
    const findingLine = coloured.split("\n").find((line) => line.includes("rule-x"))!;
    expect(findingLine.slice(findingLine.indexOf("rule-x"))).not.toContain("\x1b");
  });

  it("starts with the revisions a review compared, when given", () => {
    const base = { ref: "main", sha: "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d" };
    const head = { ref: "feature", sha: "5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80" };
    const text = toText(sample, { color: false, compared: { base, head } });
    expect(text.split("\n").slice(0, 3)).toEqual([
      "base main (1a2b3c4) → head feature (5d6e7f8)",
      "",
      "a.yaml",
    ]);
    const working = toText(result(), { color: false, compared: { base, head: { workingTree: true } } });
    expect(working.split("\n")[0]).toBe("base main (1a2b3c4) → head working tree");
    expect(toText(sample, { color: false }).split("\n")[0]).toBe("a.yaml");
    // A branch name is the user's, but it reaches the terminal escaped all the same.
    const hostile = toText(result(), {
      color: false,
      compared: { base: { ...base, ref: "x\u001b[2Jy" }, head },
    });
    expect(hostile).not.toContain("\u001b");
  });
});
