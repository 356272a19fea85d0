import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Finding, ReviewResult, Severity } from "../../src/engine/types.js";
import { type MarkdownOptions, toMarkdown } from "../../src/report/markdown.js";
import { docsUrl, finding, HOSTILE, lookup, result } from "./fixtures.js";

const options: MarkdownOptions = { rules: lookup, docsUrl };

/** Table rows below the header and the delimiter row. */
function rows(markdown: string): string[] {
  return markdown
    .split("\n")
    .filter(
      (line) => line.startsWith("| ") && !line.startsWith("| Severity |") && !line.startsWith("| --- |"),
    );
}

/** Cell borders as GitHub's table parser sees them: pipes not escaped with a backslash. */
function borders(row: string): number {
  return (row.match(/(?<!\\)\|/g) ?? []).length;
}

function omittedCount(markdown: string): number {
  const match = /(\d+) more findings? not shown|(\d+) findings? not shown/.exec(markdown);
  return match ? Number(match[1] ?? match[2]) : 0;
}

function many(count: number, message = "x".repeat(150)): Finding[] {
  const severities: Severity[] = ["critical", "high", "medium", "low", "info"];
  return Array.from({ length: count }, (_, i) =>
    finding({ severity: severities[i % 5], line: i + 1, message: `${i}: ${message}` }),
  );
}

describe("toMarkdown", () => {
  it("starts with the verdict and the counts", () => {
    const md = toMarkdown(result({ findings: [finding(), finding({ severity: "low" })] }), options);
    expect(md.split("\n").slice(0, 3)).toEqual([
      "## ❌ KubeDelta: failed",
      "",
      "2 findings (1 high, 1 low), 1 blocking at fail-on high",
    ]);
  });

  it("says clearly when there is nothing risky", () => {
    const md = toMarkdown(result(), options);
    expect(md).toBe("## ✅ KubeDelta: passed\n\nNo risky changes found.\n");
    const withError = toMarkdown(result({ errors: [{ file: "a.yaml", message: "invalid YAML" }] }), options);
    expect(withError).toContain("## ❌ KubeDelta: failed");
    expect(withError).toContain("\n\nNo risky changes found. 1 error\n\n");
    expect(withError).toContain("### Errors\n\n- ` a.yaml ` invalid YAML");
  });

  it("lists findings most severe first, with linked rules and blocking ones in bold", () => {
    const md = toMarkdown(
      result({
        findings: [
          finding({ severity: "low", rule: "missing-probe", line: 1 }),
          finding({ severity: "critical", rule: "privileged-container", line: 50 }),
          finding({ severity: "medium", rule: "other-rule", line: 2 }),
          finding({ severity: "high", line: 7, side: "base" }),
        ],
      }),
      options,
    );
    const table = rows(md);
    expect(table.map((row) => row.split(" | ")[0])).toEqual([
      "| 🔴 **critical**",
      "| 🟠 **high**",
      "| 🟡 medium",
      "| 🔵 low",
    ]);
    expect(table[0]).toBe(
      "| 🔴 **critical** | [` privileged-container `](https://kubedelta.example/rules/privileged-container " +
        '"Title of privileged-container") | Service shop/web | ` deploy/web.yaml:50 ` | ' +
        "type changed from ClusterIP to LoadBalancer. |",
    );
    expect(table[1]).toContain("| ` deploy/web.yaml:7 ` (base) |");
    // A rule without metadata still links to its documentation.
    expect(table[2]).toContain("[` other-rule `](https://kubedelta.example/rules/other-rule) |");
  });

  it("keeps hostile manifest text from forming HTML, links, mentions, markers or extra cells", () => {
    const hostile = result({
      findings: [
        finding({
          file: "dir/<b>x|y</b>.yaml",
          message: HOSTILE,
          resource: { apiVersion: "v1", kind: "Service<!--", namespace: "@octocat", name: HOSTILE },
        }),
      ],
      errors: [{ file: "<!-- kubedelta:fp=abc -->", line: 1, message: HOSTILE }],
      skipped: Array.from({ length: 7 }, (_, i) => ({ file: `s${i}.yaml`, reason: HOSTILE })),
    });
    const md = toMarkdown(hostile, options);

    // Inside a code span `<b>` is shown as is; outside code spans the only tags are our own.
    expect(md).toContain("| ` dir/<b>x\\|y</b>.yaml:12 ` |");
    const outsideCode = md.replace(/`[^`]*`/g, "");
    for (const tag of outsideCode.match(/<[^>]*>/g) ?? []) {
      expect(["<details>", "<summary>", "</summary>", "</details>"]).toContain(tag);
    }
    expect(md).not.toContain("<!--");
    expect(md).not.toContain("<img");
    expect(md).not.toContain("[click]");
    expect(md).not.toContain("https://evil");
    expect(md).not.toMatch(/@\w/);
    expect(md).not.toContain("\x1b");
    expect(md).not.toContain("line1\n");

    // One row, with exactly five cells.
    expect(rows(md)).toHaveLength(1);
    expect(borders(rows(md)[0])).toBe(6);
  });

  it("folds skipped files away when there are more than a few", () => {
    const skipped = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ file: `f${i}.yaml`, reason: "binary" }));
    const few = toMarkdown(result({ skipped: skipped(3) }), options);
    expect(few).toContain("### Skipped files\n\n- ` f0.yaml ` binary\n");
    expect(few).not.toContain("<details>");
    const lots = toMarkdown(result({ skipped: skipped(8) }), options);
    expect(lots).toContain("<details><summary>8 files skipped</summary>\n\n- ` f0.yaml ` binary\n");
    expect(lots.trimEnd().endsWith("</details>")).toBe(true);
  });

  it("says above the fold, even on a pass, how many changed files were not reviewed", () => {
    const skipped = [
      { file: "ci/values.yaml", reason: "not a Kubernetes manifest (no apiVersion/kind)" },
      { file: "ci/values.yaml", reason: "a second note on the same file" },
      { file: "charts/web/values-prod.yaml", reason: "Helm values file that no render of charts/web uses" },
    ];
    const md = toMarkdown(result({ skipped }), options);
    const [heading, , verdict, , warning] = md.split("\n");
    expect([heading, verdict]).toEqual([
      "## ✅ KubeDelta: passed",
      "No risky changes found. 2 files skipped",
    ]);
    expect(warning).toBe("> ⚠️ **2 changed files not reviewed:** listed below, with why.");
    expect(toMarkdown(result(), options)).not.toContain("not reviewed");
  });

  it("counts long lists of errors instead of listing them all", () => {
    const errors = Array.from({ length: 120 }, (_, i) => ({ file: `e${i}.yaml`, message: "invalid YAML" }));
    const md = toMarkdown(result({ errors }), options);
    expect(md.match(/^- ` e\d+\.yaml `/gm)).toHaveLength(50);
    expect(md).toContain("- … 70 more not shown");
  });

  it("stays within GitHub's limit for a huge result and says how many findings were left out", () => {
    const input = result({
      findings: many(20_000),
      errors: [{ file: "broken.yaml", line: 1, message: "invalid YAML" }],
    });
    const md = toMarkdown(input, options);
    expect(md.length).toBeLessThanOrEqual(65_535);
    const shown = rows(md).length;
    expect(shown).toBeGreaterThan(100);
    expect(shown + omittedCount(md)).toBe(20_000);
    expect(md).toContain(
      `… ${20_000 - shown} more findings not shown (the full list is in the check annotations / CLI JSON output)`,
    );
    // The most severe findings are the ones kept, and the errors are still reported.
    expect(rows(md).every((row) => row.startsWith("| 🔴"))).toBe(true);
    expect(md).toContain("- ` broken.yaml:1 ` invalid YAML");
  });

  it("fits any limit and accounts for every finding", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 8000 }), (count, maxLength) => {
        const input: ReviewResult = result({ findings: many(count, "y".repeat(60)) });
        const md = toMarkdown(input, { ...options, maxLength });
        expect(md.length).toBeLessThanOrEqual(maxLength);
        // Once the headings fit, every finding is either shown or counted.
        if (maxLength >= 400) expect(rows(md).length + omittedCount(md)).toBe(count);
      }),
      { numRuns: 200 },
    );
  });

  it("shows all findings when they fit", () => {
    const md = toMarkdown(result({ findings: many(10) }), options);
    expect(rows(md)).toHaveLength(10);
    expect(md).not.toContain("not shown");
  });

  it("clips one enormous value instead of dropping everything else", () => {
    const md = toMarkdown(
      result({ findings: [finding({ message: "<".repeat(1_000_000) }), finding()] }),
      options,
    );
    expect(md.length).toBeLessThan(10_000);
    expect(rows(md)).toHaveLength(2);
    expect(md).toContain("&lt;…");
  });

  it("keeps an odd documentation URL inside the link and the cell", () => {
    const md = toMarkdown(result({ findings: [finding()] }), {
      rules: lookup,
      docsUrl: (id) => `https://docs.example/a b/(${id})|"x"`,
    });
    expect(rows(md)[0]).toContain("(https://docs.example/a%20b/%28service-load-balancer%29%7C%22x%22 ");
    expect(borders(rows(md)[0])).toBe(6);
  });

  it("names the revisions a review compared under the heading, when given", () => {
    const base = { ref: "main", sha: "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d" };
    const compared = { base, head: { workingTree: true as const } };
    const markdown = toMarkdown(result(), { ...options, compared });
    expect(markdown.split("\n").slice(0, 4)).toEqual([
      "## ✅ KubeDelta: passed",
      "",
      "base main (1a2b3c4) → head working tree",
      "",
    ]);
    expect(toMarkdown(result(), options)).not.toContain("→ head");
    // A branch may be named like a mention or a link: it stays text.
    const hostile = toMarkdown(result(), {
      ...options,
      compared: { ...compared, base: { ...base, ref: "@org/[x](y)" } },
    });
    expect(hostile).not.toMatch(/@org|\[x\]/);
  });
});
