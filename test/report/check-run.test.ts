import { describe, expect, it } from "vitest";
import type { Finding, ReviewResult, Severity } from "../../src/engine/types.js";
import {
  ANNOTATIONS_PER_REQUEST,
  type Annotation,
  CHECK_NAME,
  type CheckRunOptions,
  checkRunOutput,
  errorOutput,
  MAX_ANNOTATIONS,
  noManifestOutput,
} from "../../src/report/check-run.js";
import { GITHUB_SUMMARY_LIMIT } from "../../src/report/markdown.js";
import { docsUrl, finding, HOSTILE, lookup, result } from "./fixtures.js";
import { renderGfm } from "./gfm.js";

const FILE = "deploy/web.yaml";
const options: CheckRunOptions = { rules: lookup, docsUrl, headFiles: new Set([FILE]) };

const SEVERITIES: Severity[] = ["critical", "high", "medium", "low", "info"];

function many(count: number, message = "x".repeat(150)): Finding[] {
  return Array.from({ length: count }, (_, i) =>
    finding({ severity: SEVERITIES[i % 5], line: i + 1, message: `${i}: ${message}` }),
  );
}

function annotations(input: ReviewResult, opts: CheckRunOptions = options): Annotation[] {
  return checkRunOutput(input, opts).annotationBatches.flat();
}

// Characters that must never reach GitHub from a manifest: C0/C1 controls and DEL.
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

describe("checkRunOutput: conclusion and title", () => {
  it("is named KubeDelta", () => {
    expect(CHECK_NAME).toBe("KubeDelta");
  });

  it("succeeds with no findings", () => {
    const out = checkRunOutput(result(), options);
    expect(out.conclusion).toBe("success");
    expect(out.title).toBe("No risky changes");
    expect(out.annotationBatches).toEqual([]);
    expect(out.summary).toBe("## ✅ KubeDelta: No risky changes\n\nNo risky changes found.\n");
  });

  it("says when files were skipped, without failing", () => {
    const out = checkRunOutput(
      result({ skipped: [{ file: "chart/x.yaml", reason: "Helm template" }] }),
      options,
    );
    expect(out.conclusion).toBe("success");
    expect(out.title).toBe("No risky changes (1 file skipped)");
  });

  it("fails on blocking findings and counts them by severity", () => {
    const out = checkRunOutput(
      result({
        findings: [
          finding({ severity: "high" }),
          finding({ severity: "critical" }),
          finding({ severity: "low" }),
        ],
      }),
      options,
    );
    expect(out.conclusion).toBe("failure");
    expect(out.title).toBe("2 blocking risks (1 critical, 1 high)");
    // The summary's heading says what the title says.
    expect(out.summary.startsWith("## ❌ KubeDelta: 2 blocking risks (1 critical, 1 high)\n")).toBe(true);
  });

  it("uses the singular for one blocking risk", () => {
    const out = checkRunOutput(result({ findings: [finding({ severity: "critical" })] }), options);
    expect(out.title).toBe("1 blocking risk (1 critical)");
  });

  it("succeeds on findings below fail-on", () => {
    const findings = [
      finding({ severity: "medium" }),
      finding({ severity: "low" }),
      finding({ severity: "info" }),
    ];
    const out = checkRunOutput(result({ findings }), options);
    expect(out.conclusion).toBe("success");
    expect(out.title).toBe("No blocking risk (3 findings below high)");
  });

  it("follows the result's fail-on", () => {
    const out = checkRunOutput(
      result({ findings: [finding({ severity: "medium" })], failOn: "medium" }),
      options,
    );
    expect(out.conclusion).toBe("failure");
    expect(out.title).toBe("1 blocking risk (1 medium)");
  });

  it("fails on input errors even without findings, counting files", () => {
    const errors = [
      { file: FILE, line: 3, message: "invalid YAML" },
      { file: FILE, line: 9, message: "invalid YAML again" },
    ];
    const out = checkRunOutput(result({ errors }), options);
    expect(out.conclusion).toBe("failure");
    expect(out.title).toBe("Input errors in 1 file");
  });

  it("names both blocking risks and input errors", () => {
    const out = checkRunOutput(
      result({
        findings: [finding({ severity: "high" })],
        errors: [
          { file: "a.yaml", message: "invalid YAML" },
          { file: "b.yaml", message: "too large" },
        ],
      }),
      options,
    );
    expect(out.conclusion).toBe("failure");
    expect(out.title).toBe("1 blocking risk (1 high); input errors in 2 files");
  });

  it("keeps the title within 255 characters", () => {
    const errors = Array.from({ length: 500 }, (_, i) => ({ file: `f${i}.yaml`, message: "bad" }));
    const findings = many(1000);
    for (const out of [
      checkRunOutput(result({ findings, errors }), options),
      errorOutput("x".repeat(1000)),
    ]) {
      expect(out.title.length).toBeLessThanOrEqual(255);
    }
  });
});

describe("checkRunOutput: annotations", () => {
  it("puts a head-side finding on its line, with level, title, message and details", () => {
    const f = finding({ severity: "critical", line: 17, message: "type changed to LoadBalancer." });
    expect(annotations(result({ findings: [f] }))).toEqual([
      {
        path: FILE,
        start_line: 17,
        end_line: 17,
        annotation_level: "failure",
        title: "CRITICAL service-load-balancer",
        message: "Service shop/web: type changed to LoadBalancer.",
        raw_details: [
          "Rule: service-load-balancer (Title of service-load-balancer)",
          "Severity: critical, blocking (at or above the fail-on severity, high)",
          "Fix: How to fix service-load-balancer.",
          "Docs: https://kubedelta.example/rules/service-load-balancer",
          `Fingerprint: ${f.fingerprint}`,
        ].join("\n"),
      },
    ]);
  });

  it("maps severities to levels", () => {
    const findings = SEVERITIES.map((severity) => finding({ severity }));
    expect(annotations(result({ findings })).map((a) => a.annotation_level)).toEqual([
      "failure",
      "failure",
      "warning",
      "notice",
      "notice",
    ]);
  });

  it("describes findings of unknown rules without their metadata", () => {
    const [a] = annotations(result({ findings: [finding({ rule: "no-such-rule", severity: "low" })] }));
    expect(a.title).toBe("LOW no-such-rule");
    expect(a.raw_details).toContain(
      "Rule: no-such-rule\nSeverity: low, not blocking (below the fail-on severity, high)\nDocs:",
    );
  });

  it("puts a base-side finding on line 1 of the head file, naming the old line", () => {
    const f = finding({ side: "base", line: 42, message: "readinessProbe removed." });
    const [a] = annotations(result({ findings: [f] }));
    expect(a).toMatchObject({ path: FILE, start_line: 1, end_line: 1 });
    expect(a.message).toBe("Service shop/web in the base version, line 42: readinessProbe removed.");
  });

  it("leaves base-side findings out when the file is gone from the head, keeping them in the summary", () => {
    const f = finding({ side: "base", file: "deploy/removed.yaml", line: 42 });
    const out = checkRunOutput(result({ findings: [f] }), options);
    expect(out.annotationBatches).toEqual([]);
    expect(out.summary).toContain("- **Service shop/web** in ` deploy/removed.yaml ` (base)\n");
    expect(out.summary).toContain(" · line 42 · ");
  });

  it("never points at a path missing from the head commit", () => {
    const out = annotations(result({ findings: [finding({ file: "elsewhere.yaml" }), finding()] }));
    expect(out.map((a) => a.path)).toEqual([FILE]);
  });

  it("annotates input errors in head files as failures, at their line or line 1", () => {
    const errors = [
      { file: FILE, line: 7, message: "invalid YAML: bad indentation" },
      { file: FILE, message: "too many documents" },
      { file: "gone.yaml", message: "unreadable" },
    ];
    const out = annotations(result({ errors }));
    expect(out).toEqual([
      expect.objectContaining({
        path: FILE,
        start_line: 7,
        end_line: 7,
        annotation_level: "failure",
        message: "invalid YAML: bad indentation",
      }),
      expect.objectContaining({ path: FILE, start_line: 1, end_line: 1, message: "too many documents" }),
    ]);
  });

  it("orders annotations most severe first, input errors before findings", () => {
    const out = annotations(
      result({
        findings: [finding({ severity: "low", line: 1 }), finding({ severity: "critical", line: 90 })],
        errors: [{ file: FILE, line: 5, message: "bad" }],
      }),
    );
    expect(out.map((a) => a.start_line)).toEqual([5, 90, 1]);
  });

  it("strips control characters and breaks hidden markers, since annotations are plain text", () => {
    const f = finding({
      resource: { apiVersion: "v1", kind: "Service", namespace: "shop", name: "web\x1b[31m\u202e" },
      message: HOSTILE,
    });
    const [a] = annotations(result({ findings: [f] }));
    // raw_details is several lines on purpose; no other control character survives.
    for (const text of [a.title, a.message, ...(a.raw_details ?? "").split("\n")]) {
      expect(text).not.toMatch(CONTROL);
      expect(text).not.toContain("<!--");
    }
    expect(a.message).not.toContain("\u202e");
    // Plain text is otherwise left alone: no Markdown entities in an annotation.
    expect(a.message).toContain("<img src=x onerror=alert(1)>");
    expect(a.message).toContain("@octocat");
    const [e] = annotations(result({ errors: [{ file: FILE, message: "a\x00b\nc" }] }));
    expect(e.message).toBe("ab c");
  });

  it("keeps messages within 64 KB of UTF-8", () => {
    const [a] = annotations(result({ findings: [finding({ message: "é".repeat(100_000) })] }));
    expect(Buffer.byteLength(a.message, "utf8")).toBeLessThanOrEqual(64_000);
    expect(a.message.endsWith("…")).toBe(true);
  });

  it("sends at most 50 annotations per request: 120 findings make 50/50/20", () => {
    const out = checkRunOutput(result({ findings: many(120) }), options);
    expect(ANNOTATIONS_PER_REQUEST).toBe(50);
    expect(out.annotationBatches.map((batch) => batch.length)).toEqual([50, 50, 20]);
    // Most severe first across batches: all 24 criticals lead.
    const levels = out.annotationBatches.flat().map((a) => a.title.split(" ")[0]);
    expect(levels.slice(0, 24).every((s) => s === "CRITICAL")).toBe(true);
    expect(levels.slice(-24).every((s) => s === "INFO")).toBe(true);
  });

  it("caps annotations at 1,000, most severe kept, and says so in the summary", () => {
    const findings = many(1234, "short");
    const out = checkRunOutput(result({ findings }), options);
    const flat = out.annotationBatches.flat();
    expect(flat).toHaveLength(MAX_ANNOTATIONS);
    expect(out.annotationBatches).toHaveLength(20);
    expect(out.annotationBatches.every((batch) => batch.length === 50)).toBe(true);
    // 247 each of critical, high, medium and low fill 988 places; 12 of the 246 infos get the rest.
    expect(flat.filter((a) => a.title.startsWith("INFO"))).toHaveLength(12);
    expect(out.summary).toContain("Only the 1000 most severe of 1234 annotations are attached");
  });

  it("says nothing about a cap when there is none", () => {
    const out = checkRunOutput(result({ findings: many(MAX_ANNOTATIONS) }), options);
    expect(out.annotationBatches.flat()).toHaveLength(MAX_ANNOTATIONS);
    expect(out.summary).not.toContain("Only the");
  });
});

describe("checkRunOutput: summary", () => {
  it("is the Markdown report", () => {
    const input = result({ findings: [finding()] });
    const out = checkRunOutput(input, options);
    expect(out.summary).toContain("### ❌ Blocking (1)");
    expect(out.summary).toContain(
      "[` service-load-balancer `](https://kubedelta.example/rules/service-load-balancer",
    );
  });

  it("starts with the note, escaped", () => {
    const note = "Reviewed changed files only: the repository is over the context limit";
    const out = checkRunOutput(result(), { ...options, note });
    expect(out.summary.startsWith(`> ${note}\n\n## ✅ KubeDelta: No risky changes`)).toBe(true);
    const hostile = checkRunOutput(result(), { ...options, note: "<!-- kubedelta:fp=x --> @team" });
    expect(hostile.summary).not.toContain("<!--");
    expect(hostile.summary).not.toContain("@team");
  });

  it("stays within 65,535 characters with a note and a cap note", () => {
    const note = "n".repeat(100_000);
    const out = checkRunOutput(result({ findings: many(1100, "y".repeat(300)) }), { ...options, note });
    expect(out.summary.length).toBeLessThanOrEqual(GITHUB_SUMMARY_LIMIT);
    expect(out.summary.startsWith("> nnn")).toBe(true);
    expect(out.summary).toContain("Only the 1000 most severe of 1100 annotations");
    expect(out.summary).toContain("## ❌ KubeDelta: 440 blocking risks (220 critical, 220 high)");
    expect(out.summary).toMatch(/more not shown \(every finding is in the check's annotations/);
    // Fitted, not just cut: it still ends with the note about the rows left out.
    expect(out.summary.length).toBeGreaterThan(GITHUB_SUMMARY_LIMIT - 2000);
  });
});

describe("noManifestOutput", () => {
  it("passes, so that a required check does not block PRs without manifests", () => {
    const out = noManifestOutput();
    expect(out.conclusion).toBe("success");
    expect(out.title).toBe("No Kubernetes manifest changed");
    expect(out.summary).toContain("No Kubernetes manifest changed");
    expect(out.annotationBatches).toEqual([]);
  });
});

describe("errorOutput", () => {
  it("fails closed and says how to re-run", () => {
    const out = errorOutput("GitHub API returned 502");
    expect(out.conclusion).toBe("failure");
    expect(out.title).toBe("KubeDelta could not complete the review: GitHub API returned 502");
    expect(out.summary).toContain("fails closed");
    expect(out.summary).toContain("Re-run");
    expect(out.annotationBatches).toEqual([]);
  });

  it("escapes a hostile message in the summary and strips controls from the title", () => {
    const what = "boom <!-- kubedelta:fp=abc123 --> @team [x](https://evil) \x1b[31mred\nnext";
    const out = errorOutput(what);
    expect(out.summary).not.toContain("<!--");
    expect(out.summary).not.toContain("@team");
    expect(out.summary).not.toContain("](https://evil)");
    expect(out.summary).not.toContain("\x1b");
    expect(out.summary).toContain("&lt;!-- kubedelta:fp=abc123 --&gt;");
    expect(out.title).not.toMatch(CONTROL);
    expect(out.title).not.toContain("<!--");
    expect(out.title.startsWith("KubeDelta could not complete the review: boom ")).toBe(true);
  });

  it("keeps the lines of a multi-line message, such as a configuration error's caret, as code", () => {
    const what = [
      "invalid configuration: .github/kubedelta.yml:3:14: not valid YAML",
      "  3 | host-path: [off ```",
      "    |              ^",
    ].join("\n");
    const out = errorOutput(what);
    expect(out.title).toBe(
      "KubeDelta could not complete the review: invalid configuration: .github/kubedelta.yml:3:14: not valid YAML   3 | host-path: [off ```     |              ^",
    );
    const rendered = renderGfm(out.summary);
    expect(rendered.text).toContain(
      "What went wrong: invalid configuration: .github/kubedelta.yml:3:14: not valid YAML",
    );
    // The frame keeps its lines and its columns, inside one code block.
    expect(out.summary).toContain("````text\n  3 | host-path: [off ```\n    |              ^\n````");
    expect(rendered.tags).toContain("pre");
  });

  it("keeps the title within 255 characters and explains an empty message", () => {
    expect(errorOutput("é".repeat(5000)).title).toHaveLength(255);
    expect(errorOutput("").title).toBe("KubeDelta could not complete the review: unknown error");
    expect(errorOutput("x".repeat(1_000_000)).summary.length).toBeLessThanOrEqual(GITHUB_SUMMARY_LIMIT);
  });
});

describe("approved risks", () => {
  it("stop blocking, and the title and summary say so", async () => {
    const { checkRunOutput } = await import("../../src/report/check-run.js");
    const { result, finding } = await import("./fixtures.js");
    const high = finding({ severity: "high", fingerprint: "aaaaaaaaaaaaaaaa" });
    const critical = finding({ severity: "critical", fingerprint: "bbbbbbbbbbbbbbbb" });
    const base = {
      rules: () => undefined,
      docsUrl: (id: string) => `https://docs/${id}`,
      headFiles: new Set([high.file]),
    };
    const review = result({ findings: [high, critical] });

    const partly = checkRunOutput(review, {
      ...base,
      approvals: { approved: new Set([high.fingerprint]), markdown: "### Approvals\n\none" },
    });
    expect(partly.conclusion).toBe("failure");
    expect(partly.title).toBe("1 blocking risk (1 critical); 1 approved");
    // Approvals come after the findings, before the folded details.
    expect(partly.summary).toMatch(/\n### Approvals\n\none\n\n<details>/);

    const all = checkRunOutput(review, {
      ...base,
      approvals: { approved: new Set([high.fingerprint, critical.fingerprint]), markdown: "" },
    });
    expect(all.conclusion).toBe("success");
    expect(all.title).toBe("All 2 blocking risks approved");

    const broken = checkRunOutput(
      result({ findings: [high], errors: [{ file: "x.yaml", message: "bad" }] }),
      {
        ...base,
        approvals: { approved: new Set([high.fingerprint]), markdown: "" },
      },
    );
    expect(broken.conclusion).toBe("failure");
  });
});
