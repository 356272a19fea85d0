import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Finding, ReviewResult, Severity } from "../../src/engine/types.js";
import { type MarkdownOptions, toMarkdown } from "../../src/report/markdown.js";
import { docsUrl, finding, HOSTILE, lookup, result } from "./fixtures.js";
import { renderGfm, textOutsideCode } from "./gfm.js";

const options: MarkdownOptions = { rules: lookup, docsUrl };

/** The finding lines of the summary (list items under a resource), in order. */
function findingLines(markdown: string): string[] {
  return markdown.split("\n").filter((line) => line.startsWith("  - "));
}

function omittedCount(markdown: string): number {
  return [...markdown.matchAll(/(?:… )?(\d+)(?: more)? not shown \(every finding/g)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
}

function many(count: number, message = "x".repeat(150)): Finding[] {
  const severities: Severity[] = ["critical", "high", "medium", "low", "info"];
  return Array.from({ length: count }, (_, i) =>
    finding({
      severity: severities[i % 5],
      line: i + 1,
      message: `${i}: ${message}`,
      fingerprint: i.toString(16).padStart(16, "0"),
      resource: { apiVersion: "v1", kind: "Service", namespace: "shop", name: `web-${i % 7}` },
    }),
  );
}

const lineUrl: MarkdownOptions["lineUrl"] = ({ file, line, side }) =>
  `https://github.example/o/r/blob/${side === "base" ? "b0" : "h1"}/${file}#L${line}`;

describe("toMarkdown", () => {
  it("starts with the verdict and the counts", () => {
    const md = toMarkdown(result({ findings: [finding(), finding({ severity: "low" })] }), options);
    expect(md.split("\n").slice(0, 3)).toEqual([
      "## ❌ KubeDelta: 1 blocking risk (1 high)",
      "",
      "2 findings (1 high, 1 low), 1 blocking at fail-on high",
    ]);
  });

  it("says clearly when there is nothing risky", () => {
    const md = toMarkdown(result(), options);
    expect(md).toBe("## ✅ KubeDelta: No risky changes\n\nNo risky changes found.\n");
    const withError = toMarkdown(result({ errors: [{ file: "a.yaml", message: "invalid YAML" }] }), options);
    expect(withError).toContain("## ❌ KubeDelta: Input errors in 1 file");
    expect(withError).toContain("\n\nNo risky changes found. 1 error\n\n");
    expect(withError).toContain("### Errors (1)\n\n- ` a.yaml ` invalid YAML");
  });

  it("lists blocking findings first, grouped by resource, one line each with rule, line, id and what changed", () => {
    const web = { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web" };
    const md = toMarkdown(
      result({
        findings: [
          finding({ severity: "low", rule: "missing-probe", line: 1, fingerprint: "1111111111111111" }),
          finding({
            severity: "critical",
            rule: "privileged-container",
            file: "apps/web.yaml",
            line: 50,
            resource: web,
            message:
              "Container `app` of Deployment shop/web runs privileged: it gets every capability. Fix it.",
            fingerprint: "abcdef0123456789",
          }),
          finding({ severity: "medium", rule: "other-rule", line: 2, fingerprint: "2222222222222222" }),
          finding({ severity: "high", line: 7, side: "base", fingerprint: "3333333333333333" }),
        ],
      }),
      { ...options, lineUrl },
    );
    const sections = md.split("\n### ").map((s) => s.split("\n")[0]);
    expect(sections.slice(1, 3)).toEqual(["❌ Blocking (2)", "Not blocking (2)"]);
    const blocking = md.slice(md.indexOf("### ❌ Blocking"), md.indexOf("### Not blocking"));
    expect(blocking).toContain("- **Deployment shop/web** in ` apps/web.yaml `\n  - 🔴 critical · ");
    // The heading names the resource and its file; the line says the rest in one sentence.
    const rendered = renderGfm(blocking).text;
    expect(rendered).toContain(
      "🔴 critical · privileged-container · line 50 · abcdef01 — Container app runs privileged",
    );
    expect(rendered).not.toContain("every capability");
    // The line number links to that line of the head commit; a removed line to the base's.
    const links = renderGfm(md).links.map((l) => `${l.text} → ${l.href}`);
    expect(links).toContain("line 50 → https://github.example/o/r/blob/h1/apps/web.yaml#L50");
    expect(links).toContain("line 7 → https://github.example/o/r/blob/b0/deploy/web.yaml#L7");
    // A rule without metadata still links to its documentation.
    expect(links).toContain("other-rule → https://kubedelta.example/rules/other-rule");
    // The whole message, why and how to fix included, is folded away below.
    expect(md).toMatch(/<details><summary>Why each finding matters, and how to fix it<\/summary>/);
    expect(renderGfm(md).text).toContain("runs privileged: it gets every capability. Fix it.");
  });

  it("puts the file beside each line when a resource's findings sit in several files", () => {
    const md = toMarkdown(
      result({ findings: [finding({ file: "a.yaml", line: 3 }), finding({ file: "b.yaml", line: 4 })] }),
      options,
    );
    expect(md).toContain("- **Service shop/web**\n");
    expect(findingLines(md).map((l) => renderGfm(l).text)).toEqual([
      expect.stringContaining("· a.yaml:3 ·"),
      expect.stringContaining("· b.yaml:4 ·"),
    ]);
  });

  it("shows names the rules quote as code, without literal backticks or entities", () => {
    const md = toMarkdown(
      result({
        findings: [
          finding({
            message: "Container `exporter` uses image `quay.io/x:latest` with NET_ADMIN & *: it is bad.",
          }),
        ],
      }),
      options,
    );
    const rendered = renderGfm(md);
    expect(rendered.code).toEqual(expect.arrayContaining(["exporter", "quay.io/x:latest"]));
    const text = textOutsideCode(md);
    expect(text).not.toContain("`");
    expect(text).not.toMatch(/&#?\w+;/);
    expect(text).toContain("with NET_ADMIN & *");
  });

  it("keeps hostile manifest text inert: no HTML, link, mention, marker, or broken code span", () => {
    const hostile = result({
      findings: [
        finding({
          file: "dir/<b>x|y</b>.yaml",
          message: `${HOSTILE} and \`a\`\`b\` and \`\`\`\` and \`[x](https://evil2)\``,
          resource: { apiVersion: "v1", kind: "Service<!--", namespace: "@octocat", name: HOSTILE },
        }),
      ],
      errors: [{ file: "<!-- kubedelta:fp=abc -->", line: 1, message: HOSTILE }],
      skipped: Array.from({ length: 7 }, (_, i) => ({ file: `s${i}.yaml`, reason: HOSTILE })),
    });
    const md = toMarkdown(hostile, options);
    const rendered = renderGfm(md);
    const allowed = new Set([
      "h2",
      "h3",
      "p",
      "ul",
      "li",
      "strong",
      "code",
      "a",
      "blockquote",
      "details",
      "summary",
    ]);
    expect(rendered.tags.filter((tag) => !allowed.has(tag))).toEqual([]);
    // The only links are the rule's documentation.
    expect(
      rendered.links.map((l) => l.href).every((href) => href.startsWith("https://kubedelta.example/")),
    ).toBe(true);
    expect(md).not.toContain("<!--");
    expect(rendered.text).not.toMatch(/@\w/);
    expect(md).not.toContain("\x1b");
    // The file name is shown as code, exactly.
    expect(rendered.code).toContain("dir/<b>x|y</b>.yaml");
  });

  it("folds skipped files away when there are more than a few", () => {
    const skipped = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ file: `f${i}.yaml`, reason: "binary" }));
    const few = toMarkdown(result({ skipped: skipped(3) }), options);
    expect(few).toContain("### Not reviewed (3 files)\n\n- ` f0.yaml ` binary\n");
    expect(few).not.toContain("<details>");
    const lots = toMarkdown(result({ skipped: skipped(8) }), options);
    expect(lots).toContain(
      "### Not reviewed (8 files)\n\n<details><summary>Which files, and why</summary>\n\n- ` f0.yaml ` binary\n",
    );
  });

  it("says above the fold, even on a pass, how many changed files were not reviewed, and does not show ✅", () => {
    const skipped = [
      { file: "ci/values.yaml", reason: "not a Kubernetes manifest (no apiVersion/kind)" },
      { file: "ci/values.yaml", reason: "a second note on the same file" },
      { file: "charts/web/values-prod.yaml", reason: "Helm values file that no render of charts/web uses" },
    ];
    const md = toMarkdown(result({ skipped }), options);
    const [heading, , verdict, , warning] = md.split("\n");
    expect([heading, verdict]).toEqual([
      "## ⚠️ KubeDelta: No risky changes (2 files skipped)",
      "No risky changes found. 2 files skipped",
    ]);
    expect(warning).toBe("> ⚠️ **2 changed files not reviewed:** listed below, with why.");
    expect(toMarkdown(result(), options)).not.toContain("not reviewed");
    expect(toMarkdown(result(), options)).toContain("✅");
  });

  it("says who may approve and the exact command with the blocking ids, most severe first", () => {
    const findings = [
      finding({ severity: "high", fingerprint: "aaaaaaaa00000000" }),
      finding({ severity: "critical", fingerprint: "bbbbbbbb00000000", line: 40 }),
      finding({ severity: "low", fingerprint: "cccccccc00000000" }),
    ];
    const approvers = { who: "anyone with write access or more", quorum: "Critical needs 2." };
    const md = toMarkdown(result({ findings }), { ...options, approvers });
    expect(renderGfm(md).text).toContain(
      "To approve, anyone with write access or more can comment /approve-risk bbbbbbbb aaaaaaaa -- reason. Critical needs 2.",
    );
    // Not when nothing blocks, nor when the caller cannot say who may approve (the CLI).
    expect(toMarkdown(result({ findings: [findings[2]] }), { ...options, approvers })).not.toContain(
      "To approve",
    );
    expect(toMarkdown(result({ findings }), options)).not.toContain("To approve");
    // Approved risks stop blocking: the heading says so and they have a list of their own.
    const approved = toMarkdown(result({ findings }), {
      ...options,
      approvers,
      approvals: {
        approved: new Set(["aaaaaaaa00000000", "bbbbbbbb00000000"]),
        markdown: "### Approvals\n\nby x",
      },
    });
    expect(approved.split("\n")[0]).toBe("## ✅ KubeDelta: All 2 blocking risks approved");
    expect(approved).toContain("### ✅ Approved (2)");
    expect(approved).not.toContain("To approve");
    expect(approved).toContain("### Approvals\n\nby x");
  });

  it("gives the bare command past the 100 ids one command may name", () => {
    const approvers = { who: "anyone with write access or more" };
    const command = (count: number) => {
      // Distinct short ids: the first 8 hex digits differ.
      const findings = Array.from({ length: count }, (_, i) =>
        finding({ fingerprint: `${i.toString(16).padStart(8, "0")}00000000`, line: i + 1 }),
      );
      const line = toMarkdown(result({ findings }), { ...options, approvers })
        .split("\n")
        .find((l) => l.startsWith("**To approve**"));
      return renderGfm(line ?? "").code[0];
    };
    expect(command(100).split(" ")).toHaveLength(103);
    expect(command(101)).toBe("/approve-risk -- reason");
  });

  it("counts long lists of errors instead of listing them all", () => {
    const errors = Array.from({ length: 120 }, (_, i) => ({ file: `e${i}.yaml`, message: "invalid YAML" }));
    const md = toMarkdown(result({ errors }), options);
    expect(md.match(/^- ` e\d+\.yaml `/gm)).toHaveLength(50);
    expect(md).toContain("- … 70 more not shown");
  });

  it("stays within GitHub's limit for a huge result, keeps the most severe lines and counts the rest", () => {
    const input = result({
      findings: many(20_000),
      errors: [{ file: "broken.yaml", line: 1, message: "invalid YAML" }],
    });
    const md = toMarkdown(input, options);
    expect(md.length).toBeLessThanOrEqual(65_535);
    const shown = findingLines(md).length;
    expect(shown).toBeGreaterThan(100);
    expect(shown + omittedCount(md)).toBe(20_000);
    // The blocking findings are the ones kept, and the errors are still reported.
    expect(findingLines(md).every((line) => /^ {2}- (🔴|🟠)/.test(line))).toBe(true);
    expect(md).toContain("- ` broken.yaml:1 ` invalid YAML");
  });

  it("fits any limit and accounts for every finding", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 8000 }), (count, maxLength) => {
        const input: ReviewResult = result({ findings: many(count, "y".repeat(60)) });
        const md = toMarkdown(input, { ...options, maxLength });
        expect(md.length).toBeLessThanOrEqual(maxLength);
        // Once the headings fit, every finding is either shown or counted.
        if (maxLength >= 600) expect(findingLines(md).length + omittedCount(md)).toBe(count);
      }),
      { numRuns: Number(process.env.KUBEDELTA_PROPERTY_RUNS ?? 200) },
    );
  });

  it("shows all findings when they fit", () => {
    const md = toMarkdown(result({ findings: many(10) }), options);
    expect(findingLines(md)).toHaveLength(10);
    expect(md).not.toContain("not shown");
  });

  it("clips one enormous value instead of dropping everything else", () => {
    const md = toMarkdown(
      result({ findings: [finding({ message: "<".repeat(1_000_000) }), finding()] }),
      options,
    );
    expect(md.length).toBeLessThan(20_000);
    expect(findingLines(md)).toHaveLength(2);
    expect(md).toContain("&lt;…");
  });

  it("keeps an odd documentation URL inside the link", () => {
    const md = toMarkdown(result({ findings: [finding()] }), {
      rules: lookup,
      docsUrl: (id) => `https://docs.example/a b/(${id})|"x"`,
    });
    expect(renderGfm(md).links[0].href).toBe(
      "https://docs.example/a%20b/%28service-load-balancer%29%7C%22x%22",
    );
  });

  it("names the revisions a review compared under the heading, when given", () => {
    const base = { ref: "main", sha: "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d" };
    const compared = { base, head: { workingTree: true as const } };
    const markdown = toMarkdown(result(), { ...options, compared });
    expect(markdown.split("\n").slice(0, 4)).toEqual([
      "## ✅ KubeDelta: No risky changes",
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
    expect(renderGfm(hostile).links).toEqual([]);
    expect(renderGfm(hostile).text).not.toMatch(/@org/);
  });
});
