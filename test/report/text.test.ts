import { describe, expect, it } from "vitest";
import { toText, wrap } from "../../src/report/text.js";
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
  it("sorts findings by file, then line, each with a greppable first line: file:line SEVERITY rule resource", () => {
    const text = toText(sample, { color: false });
    const message = "type changed from ClusterIP to LoadBalancer.";
    expect(text.split("\n").slice(0, 9)).toEqual([
      "a.yaml:9 HIGH rule-a9 Service shop/web",
      `    ${message}`,
      "a.yaml:100 MEDIUM rule-a100 Service shop/web",
      `    ${message}`,
      "",
      "b.yaml:4 CRITICAL rule-b4 Service shop/web",
      `    ${message}`,
      "b.yaml:30 HIGH rule-b30 Service shop/web",
      `    ${message}`,
    ]);
  });

  it("wraps messages to the width at spaces, never splitting a word", () => {
    const long = finding({ message: `${"word ".repeat(40)}${"x".repeat(70)} end` });
    const lines = toText(result({ findings: [long] }), { color: false, width: 60 }).split("\n");
    const body = lines.slice(1, lines.indexOf(""));
    expect(body.length).toBeGreaterThan(3);
    expect(body.filter((line) => !line.includes("xxx")).every((line) => line.length <= 60)).toBe(true);
    expect(body).toContain(`    ${"x".repeat(70)}`);
    expect(body.join(" ").replace(/ +/g, " ").trim()).toBe(long.message.trim());
    // The default, for files and pipes, is 100 columns; a silly width still leaves room for words.
    expect(wrap("a ".repeat(200), 100).every((line) => line.length <= 100)).toBe(true);
    expect(wrap("aaaa bbbb", 1)).toEqual(["    aaaa bbbb"]);
  });

  it("lists errors and skipped files, then the summary and the verdict", () => {
    const lines = toText(sample, { color: false }).trimEnd().split("\n");
    expect(lines.join("\n")).toContain("  broken.yaml:2\n    invalid YAML");
    expect(lines.join("\n")).toContain("  logo.png\n    binary file");
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
    expect(text).toContain("  big.yaml\n    too large\n");
  });

  it("colours only when asked", () => {
    expect(toText(sample, { color: false })).not.toContain("\x1b");
    const coloured = toText(sample, { color: true });
    expect(coloured).toContain("\x1b[1;31mCRITICAL\x1b[0m");
    expect(coloured).toContain("\x1b[31mHIGH\x1b[0m");
    expect(coloured).toContain("\x1b[33mMEDIUM\x1b[0m");
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
    // Every line is one we wrote: no line break from the manifest made another.
    expect(plain.split("\n").filter((line) => line === "PASSED")).toEqual([]);
    expect(plain.startsWith("evil.yaml:12 HIGH rule-x ")).toBe(true);

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
      "a.yaml:9 HIGH rule-a9 Service shop/web",
    ]);
    const working = toText(result(), { color: false, compared: { base, head: { workingTree: true } } });
    expect(working.split("\n")[0]).toBe("base main (1a2b3c4) → head working tree");
    expect(toText(sample, { color: false }).split("\n")[0]).toBe("a.yaml:9 HIGH rule-a9 Service shop/web");
    // A branch name is the user's, but it reaches the terminal escaped all the same.
    const hostile = toText(result(), {
      color: false,
      compared: { base: { ...base, ref: "x\u001b[2Jy" }, head },
    });
    expect(hostile).not.toContain("\u001b");
  });
});
