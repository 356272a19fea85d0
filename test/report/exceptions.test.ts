// How every report shows excepted findings and expired exceptions.

import { describe, expect, it } from "vitest";
import type { PolicyException } from "../../src/engine/exceptions.js";
import { checkRunOutput } from "../../src/report/check-run.js";
import { exceptionSelector } from "../../src/report/common.js";
import { toJson } from "../../src/report/json.js";
import { toMarkdown } from "../../src/report/markdown.js";
import { planReview } from "../../src/report/review-comments.js";
import { toSarif } from "../../src/report/sarif.js";
import { toText } from "../../src/report/text.js";
import { docsUrl, finding, HOSTILE, lookup, RULES, result } from "./fixtures.js";
import { renderGfm } from "./gfm.js";

const EXCEPTION: PolicyException = {
  rule: "privileged-container",
  kind: "Deployment",
  namespace: "ops",
  name: "*",
  reason: "GPU drivers need it; OPS-12",
  expires: "2026-12-31",
  source: ".github/kubedelta.yml",
  index: 1,
};
const EXPIRED: PolicyException = { ...EXCEPTION, reason: "old", expires: "2026-01-31", index: 0 };

const deployment = { apiVersion: "apps/v1", kind: "Deployment", namespace: "ops", name: "agent" };
const EXCEPTED = finding({
  rule: "privileged-container",
  severity: "critical",
  file: "ops/agent.yaml",
  line: 20,
  resource: deployment,
  container: "app",
  fingerprint: "aaaaaaaaaaaaaaaa",
  message: "Container `app` becomes privileged.",
});
const COUNTS_AGAIN = [
  finding({
    rule: "privileged-container",
    severity: "critical",
    resource: deployment,
    fingerprint: "bbbbbbbbbbbbbbbb",
  }),
  finding({
    rule: "privileged-container",
    severity: "critical",
    resource: deployment,
    fingerprint: "cccccccccccccccc",
  }),
];

/** One excepted finding and nothing else. */
const ONLY_EXCEPTED = result({ excepted: [{ finding: EXCEPTED, exception: EXCEPTION }] });
/** One excepted finding, and an expired exception whose two findings count again. */
const WITH_EXPIRED = result({
  findings: COUNTS_AGAIN,
  excepted: [{ finding: EXCEPTED, exception: EXCEPTION }],
  expiredExceptions: [{ exception: EXPIRED, fingerprints: COUNTS_AGAIN.map((f) => f.fingerprint) }],
});
const EXPIRED_LINE =
  "exception for privileged-container on Deployment ops/* expired on 2026-01-31; 2 findings count again";

const checkOptions = { rules: lookup, docsUrl, headFiles: new Set(["ops/agent.yaml", "deploy/web.yaml"]) };

describe("exception selectors", () => {
  it("read as the config wrote them", () => {
    expect(exceptionSelector(EXCEPTION)).toBe("Deployment ops/*");
    expect(
      exceptionSelector({ ...EXCEPTION, kind: undefined, namespace: undefined, container: "side*" }),
    ).toBe("* */*, container side*");
    expect(exceptionSelector({ ...EXCEPTION, kind: "ClusterRole", namespace: "", name: "admin" })).toBe(
      "ClusterRole admin (cluster-scoped)",
    );
  });
});

describe("text", () => {
  it("lists expired exceptions, then the excepted findings with reason and expiry, and counts both", () => {
    const text = toText(WITH_EXPIRED, { color: false, width: 200 });
    expect(text).toContain(`\nExpired exceptions\n  ${EXPIRED_LINE}\n`);
    expect(text).toContain(
      "\nExcepted\n  ops/agent.yaml:20  privileged-container  Deployment ops/agent\n    until 2026-12-31: GPU drivers need it; OPS-12\n",
    );
    expect(text).toContain(
      "2 findings (2 critical), 2 blocking at fail-on high; 1 finding excepted; 1 exception expired\nFAILED\n",
    );
  });

  it("passes when the only finding is excepted", () => {
    expect(
      toText(ONLY_EXCEPTED, { color: false }).endsWith("No findings; 1 finding excepted\nPASSED\n"),
    ).toBe(true);
  });

  it("escapes the reason", () => {
    const hostile = result({
      excepted: [{ finding: EXCEPTED, exception: { ...EXCEPTION, reason: HOSTILE } }],
    });
    const text = toText(hostile, { color: false });
    expect(text).not.toContain("\x1b");
    expect(text).toContain("until 2026-12-31: <img src=x onerror=alert(1)>");
  });
});

describe("markdown", () => {
  it("puts expired exceptions right under the verdict and lists excepted findings with reason and expiry", () => {
    const md = toMarkdown(WITH_EXPIRED, { rules: lookup, docsUrl });
    expect(
      md.startsWith(
        "## ❌ KubeDelta: 2 blocking risks (2 critical); 1 exception expired\n\n" +
          "2 findings (2 critical), 2 blocking at fail-on high; 1 finding excepted; 1 exception expired\n\n" +
          `> ⚠️ **Expired:** ${EXPIRED_LINE.replace("*", "&#42;")}\n\n### ❌ Blocking (2)`,
      ),
    ).toBe(true);
    expect(md).toContain(
      "### Excepted (1)\n\nAccepted by an exception in the repository's configuration until its expiry day: they do not block.\n\n" +
        '- 🔴 critical · [` privileged-container `](https://kubedelta.example/rules/privileged-container "Title of privileged-container") · ' +
        "Deployment ops/agent · ` ops/agent.yaml:20 ` — until 2026-12-31: GPU drivers need it; OPS-12",
    );
  });

  it("a review with only excepted findings passes and does not claim there was nothing", () => {
    const md = toMarkdown(ONLY_EXCEPTED, { rules: lookup, docsUrl });
    expect(
      md.startsWith(
        "## ✅ KubeDelta: No blocking risk (1 finding excepted)\n\nNo findings; 1 finding excepted\n\n### Excepted (1)",
      ),
    ).toBe(true);
    expect(md).not.toContain("No risky changes found");
  });

  it("keeps a hostile reason inert", () => {
    const hostile = result({
      excepted: [{ finding: EXCEPTED, exception: { ...EXCEPTION, reason: HOSTILE } }],
    });
    const md = toMarkdown(hostile, { rules: lookup, docsUrl });
    expect(md).not.toContain("<img");
    expect(md).not.toContain("<!-- kubedelta");
    const rendered = renderGfm(md);
    expect(rendered.tags).not.toContain("img");
    expect(rendered.links.map((l) => l.href)).toEqual([
      "https://kubedelta.example/rules/privileged-container",
    ]);
    expect(rendered.text).toContain("until 2026-12-31: <img src=x onerror=alert(1)>");
  });
});

describe("json", () => {
  it("has the excepted findings with their exception and the expired exceptions with their fingerprints", () => {
    const parsed = JSON.parse(toJson(WITH_EXPIRED));
    expect(parsed.excepted).toEqual([
      {
        rule: "privileged-container",
        severity: "critical",
        file: "ops/agent.yaml",
        line: 20,
        side: "head",
        resource: deployment,
        container: "app",
        message: "Container `app` becomes privileged.",
        fingerprint: "aaaaaaaaaaaaaaaa",
        // Exactly the exception's fields; the JSON shape names each one (json.ts).
        exception: EXCEPTION,
      },
    ]);
    expect(parsed.expiredExceptions).toEqual([
      { ...EXPIRED, fingerprints: ["bbbbbbbbbbbbbbbb", "cccccccccccccccc"] },
    ]);
    expect(parsed.passed).toBe(false);
    expect(JSON.parse(toJson(ONLY_EXCEPTED)).passed).toBe(true);
  });
});

describe("sarif", () => {
  const sarif = (input: typeof WITH_EXPIRED) =>
    JSON.parse(toSarif(input, { rules: RULES, docsUrl, toolVersion: "1.0.0" })).runs[0];

  it("reports excepted findings as results with an external, accepted suppression", () => {
    const run = sarif(WITH_EXPIRED);
    expect(run.results).toHaveLength(3);
    const suppressed = run.results.filter((r: { suppressions?: unknown }) => r.suppressions);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0].partialFingerprints).toEqual({ "kubedelta/v1": "aaaaaaaaaaaaaaaa" });
    expect(suppressed[0].suppressions).toEqual([
      {
        kind: "external",
        status: "accepted",
        justification:
          "GPU drivers need it; OPS-12 (exception until 2026-12-31, .github/kubedelta.yml, exceptions[1])",
      },
    ]);
  });

  it("warns about each expired exception", () => {
    expect(sarif(WITH_EXPIRED).invocations[0].toolExecutionNotifications).toEqual([
      { level: "warning", message: { text: `E${EXPIRED_LINE.slice(1)}` } },
    ]);
    expect(sarif(ONLY_EXCEPTED).invocations[0].toolExecutionNotifications).toBeUndefined();
  });
});

describe("check run", () => {
  it("succeeds when the blocking finding is excepted, and says so in the title and summary", () => {
    const out = checkRunOutput(ONLY_EXCEPTED, checkOptions);
    expect(out.conclusion).toBe("success");
    expect(out.title).toBe("No blocking risk (1 finding excepted)");
    expect(out.summary).toContain("— until 2026-12-31: GPU drivers need it; OPS-12");
    // No annotation for an excepted finding, and no approve button.
    expect(out.annotationBatches).toEqual([]);
    expect(out.actions).toBeUndefined();
  });

  it("names expired exceptions in the title and at the top of the summary", () => {
    const out = checkRunOutput(WITH_EXPIRED, checkOptions);
    expect(out.conclusion).toBe("failure");
    expect(out.title).toBe("2 blocking risks (2 critical); 1 exception expired");
    expect(out.summary).toContain(`> ⚠️ **Expired:** ${EXPIRED_LINE.replace("*", "&#42;")}`);
    const below = result({
      findings: [finding({ severity: "low" })],
      expiredExceptions: [{ exception: EXPIRED, fingerprints: ["dddddddddddddddd"] }],
    });
    expect(checkRunOutput(below, checkOptions).title).toBe(
      "No blocking risk (1 finding below high); 1 exception expired",
    );
  });
});

describe("review comments", () => {
  it("are never planned for excepted findings", () => {
    const files = [{ filename: "ops/agent.yaml", status: "added", patch: "@@ -0,0 +1,30 @@\n" }];
    const options = { files, alreadyCommented: new Set<string>(), rules: lookup, docsUrl };
    expect(planReview(ONLY_EXCEPTED, options)).toBeUndefined();
  });
});
