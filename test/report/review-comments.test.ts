import { describe, expect, it } from "vitest";
import { shortId } from "../../src/engine/ids.js";
import { compareStrings } from "../../src/engine/text.js";
import type { Finding, Severity } from "../../src/engine/types.js";
import {
  bodyWithoutComments,
  FINGERPRINT_MARKER,
  fingerprintMarker,
  markedFingerprints,
  type PullFile,
  planReview,
  type ReviewPlan,
} from "../../src/report/review-comments.js";
import { docsUrl, lookup, result } from "./fixtures.js";

const WJ = "\u2060";

/** A 16-hex-digit fingerprint, distinct per number, and so is its 8-digit short id. */
function fp(n: number): string {
  return n.toString(16).padStart(8, "0").repeat(2);
}

let counter = 0x1000;

function finding(overrides: Partial<Finding> = {}): Finding {
  counter++;
  return {
    rule: "service-load-balancer",
    severity: "high",
    file: "deploy/web.yaml",
    line: 12,
    side: "head",
    resource: { apiVersion: "v1", kind: "Service", namespace: "shop", name: "web" },
    message: "type changed from ClusterIP to LoadBalancer.",
    fingerprint: fp(counter),
    ...overrides,
  };
}

// Head lines 10–14 and base lines 10–13 are in the diff; base line 12 was deleted, head 12–13 added.
const WEB_PATCH = [
  "@@ -10,4 +10,5 @@ spec:",
  "   selector:",
  "     app: web",
  "-  type: ClusterIP",
  "+  type: LoadBalancer",
  "+  loadBalancerIP: 10.0.0.1",
  "   ports:",
].join("\n");

/** A new file of `count` lines: every head line is commentable. */
function newFilePatch(count: number): string {
  return [`@@ -0,0 +1,${count} @@`, ...Array.from({ length: count }, (_, i) => `+line ${i + 1}`)].join("\n");
}

const FILES: PullFile[] = [{ filename: "deploy/web.yaml", status: "modified", patch: WEB_PATCH }];

function plan(
  findings: Finding[],
  options: { files?: PullFile[]; alreadyCommented?: string[]; checkRunUrl?: string; maxInline?: number } = {},
): ReviewPlan | undefined {
  return planReview(result({ findings }), {
    files: options.files ?? FILES,
    alreadyCommented: new Set(options.alreadyCommented ?? []),
    rules: lookup,
    docsUrl,
    checkRunUrl: options.checkRunUrl,
    maxInline: options.maxInline,
  });
}

function planned(findings: Finding[], options: Parameters<typeof plan>[1] = {}): ReviewPlan {
  const review = plan(findings, options);
  if (!review) throw new Error("expected a review");
  return review;
}

describe("fingerprint markers", () => {
  it("round-trips through a comment body", () => {
    const body = `text ${fingerprintMarker(fp(1))}\nmore ${fingerprintMarker(fp(2))} ${fingerprintMarker(fp(1))}`;
    expect(fingerprintMarker(fp(1))).toBe("<!-- kubedelta:fp=0000000100000001 -->");
    expect(markedFingerprints(body)).toEqual([fp(1), fp(2)]);
    expect(markedFingerprints("no markers here")).toEqual([]);
  });

  it("is not thrown off by a caller that used the global regex", () => {
    const body = fingerprintMarker(fp(7));
    FINGERPRINT_MARKER.lastIndex = 0;
    FINGERPRINT_MARKER.exec(body);
    expect(markedFingerprints(body)).toEqual([fp(7)]);
    FINGERPRINT_MARKER.lastIndex = 0;
  });

  it("refuses to write a marker it could not read back", () => {
    for (const bad of ["", "abc", "0123456789ABCDEF", "0123456789abcdef0", "x --> <img>"]) {
      expect(() => fingerprintMarker(bad), bad).toThrow(/fingerprint/);
    }
  });

  it("marks every comment of a plan with its own fingerprint, and nothing else", () => {
    const a = finding({ line: 12 });
    const b = finding({ line: 13, rule: "missing-probe" });
    const review = planned([a, b]);
    for (const comment of review.comments) {
      expect(markedFingerprints(comment.body)).toEqual([comment.fingerprint]);
      expect(comment.body.endsWith(fingerprintMarker(comment.fingerprint))).toBe(true);
    }
  });
});

describe("planReview placement", () => {
  it("comments inline on a head line inside a hunk and lists the others in the body", () => {
    const inDiff = finding({ line: 12 });
    const outsideHunk = finding({ line: 30, message: "far away" });
    const otherFile = finding({ file: "deploy/other.yaml", line: 3, message: "not in this PR" });
    const review = planned([inDiff, outsideHunk, otherFile]);

    expect(
      review.comments.map(({ path, line, side, fingerprint }) => ({ path, line, side, fingerprint })),
    ).toEqual([{ path: "deploy/web.yaml", line: 12, side: "RIGHT", fingerprint: inDiff.fingerprint }]);
    expect(review.elsewhere).toEqual([otherFile, outsideHunk]);
    expect(review.body).toContain("### KubeDelta found 3 new risky changes");
    expect(review.body).toContain("1 is commented inline below.");
    expect(review.body).toContain("Not commented inline (2 outside the changed lines):");
    expect(review.body).toContain("` deploy/web.yaml:30 `");
    expect(markedFingerprints(review.body)).toEqual([otherFile.fingerprint, outsideHunk.fingerprint]);
  });

  it("puts a base-side finding on the LEFT at a deleted line", () => {
    const removed = finding({ side: "base", line: 12, message: "type: ClusterIP removed" });
    const notInBaseHunk = finding({ side: "base", line: 14 });
    const review = planned([removed, notInBaseHunk]);
    expect(review.comments).toHaveLength(1);
    expect(review.comments[0]).toMatchObject({ path: "deploy/web.yaml", line: 12, side: "LEFT" });
    expect(review.elsewhere).toEqual([notInBaseHunk]);
    expect(review.body).toContain("` deploy/web.yaml:14 ` (base)");
  });

  it("uses the head path for LEFT comments on a renamed file", () => {
    const files: PullFile[] = [
      { filename: "apps/web.yaml", previousFilename: "deploy/web.yaml", status: "renamed", patch: WEB_PATCH },
    ];
    const base = finding({ side: "base", file: "deploy/web.yaml", line: 12 });
    const head = finding({ side: "head", file: "apps/web.yaml", line: 13 });
    const headUnderOldName = finding({ side: "head", file: "deploy/web.yaml", line: 12 });
    const review = planned([base, head, headUnderOldName], { files });
    expect(
      review.comments.map(({ path, line, side, fingerprint }) => ({ path, line, side, fingerprint })),
    ).toEqual([
      { path: "apps/web.yaml", line: 13, side: "RIGHT", fingerprint: head.fingerprint },
      { path: "apps/web.yaml", line: 12, side: "LEFT", fingerprint: base.fingerprint },
    ]);
    expect(review.elsewhere).toEqual([headUnderOldName]);
  });

  it("finds the base of a path that was renamed away and then added again", () => {
    const files: PullFile[] = [
      { filename: "web.yaml", status: "added", patch: newFilePatch(3) },
      { filename: "web-v1.yaml", previousFilename: "web.yaml", status: "renamed", patch: WEB_PATCH },
    ];
    const review = planned([finding({ side: "base", file: "web.yaml", line: 12 })], { files });
    expect(review.comments[0]).toMatchObject({ path: "web-v1.yaml", line: 12, side: "LEFT" });
  });

  it("comments on the LEFT of a removed file, never on its RIGHT", () => {
    const files: PullFile[] = [
      { filename: "old.yaml", status: "removed", patch: "@@ -1,2 +0,0 @@\n-a: 1\n-b: 2" },
    ];
    const base = finding({ side: "base", file: "old.yaml", line: 2 });
    const head = finding({ side: "head", file: "old.yaml", line: 1 });
    const review = planned([base, head], { files });
    expect(review.comments.map(({ path, line, side }) => ({ path, line, side }))).toEqual([
      { path: "old.yaml", line: 2, side: "LEFT" },
    ]);
    expect(review.elsewhere).toEqual([head]);
  });

  it("lists findings in files without a patch (binary or too large)", () => {
    const files: PullFile[] = [{ filename: "deploy/web.yaml", status: "modified" }];
    const review = planned([finding({ line: 12 })], { files });
    expect(review.comments).toEqual([]);
    expect(review.elsewhere).toHaveLength(1);
  });

  it("posts at most maxInline comments, most severe first, ties by file and line", () => {
    const files: PullFile[] = [
      { filename: "a.yaml", status: "added", patch: newFilePatch(40) },
      { filename: "b.yaml", status: "added", patch: newFilePatch(40) },
    ];
    const severities: Severity[] = ["low", "medium", "high", "critical"];
    const findings = Array.from({ length: 30 }, (_, i) =>
      finding({ file: i % 2 === 0 ? "b.yaml" : "a.yaml", line: 40 - i, severity: severities[i % 4] }),
    );
    const review = planned(findings, { files });
    expect(review.comments).toHaveLength(25);
    expect(review.elsewhere).toHaveLength(5);

    const expectedOrder = [...findings].sort(
      (x, y) =>
        severities.indexOf(y.severity) - severities.indexOf(x.severity) ||
        compareStrings(x.file, y.file) ||
        x.line - y.line,
    );
    expect(review.comments.map((c) => c.fingerprint)).toEqual(
      expectedOrder.slice(0, 25).map((f) => f.fingerprint),
    );
    expect(review.elsewhere).toEqual(expectedOrder.slice(25));
    // Everything left out is less severe than everything commented.
    expect(review.elsewhere.every((f) => f.severity === "low")).toBe(true);
    expect(review.body).toContain("Not commented inline (5 over the limit of 25 inline comments):");

    const three = planned(findings, { files, maxInline: 3 });
    expect(three.comments).toHaveLength(3);
    expect(three.elsewhere).toHaveLength(27);
  });

  it("posts one comment per fingerprint, preferring a duplicate that is inside the diff", () => {
    const outside = finding({ line: 30, severity: "critical" });
    const inside = finding({ line: 12, severity: "critical", fingerprint: outside.fingerprint });
    const again = finding({ line: 12, fingerprint: outside.fingerprint });
    const review = planned([outside, inside, again]);
    expect(review.comments).toHaveLength(1);
    expect(review.comments[0]).toMatchObject({ line: 12, fingerprint: outside.fingerprint });
    expect(review.elsewhere).toEqual([]);
    expect(review.body).toContain("KubeDelta found 1 new risky change\n");
  });
});

describe("planReview: only what is new", () => {
  it("never posts an already-commented fingerprint again, inline or in the body", () => {
    const old1 = finding({ line: 12 });
    const old2 = finding({ line: 30 });
    const fresh = finding({ line: 13 });
    const review = planned([old1, old2, fresh], { alreadyCommented: [old1.fingerprint, old2.fingerprint] });
    expect(review.comments.map((c) => c.fingerprint)).toEqual([fresh.fingerprint]);
    expect(review.elsewhere).toEqual([]);
    expect(review.body).toContain("KubeDelta found 1 new risky change");
    for (const text of [review.body, bodyWithoutComments(review)]) {
      expect(text).not.toContain(old1.fingerprint);
      expect(text).not.toContain(old2.fingerprint);
      expect(text).not.toContain(":30`");
    }
  });

  it("returns undefined when nothing is new", () => {
    const a = finding({ line: 12 });
    const b = finding({ line: 30 });
    expect(plan([a, b], { alreadyCommented: [a.fingerprint, b.fingerprint] })).toBeUndefined();
    expect(plan([])).toBeUndefined();
  });
});

describe("comment bodies", () => {
  it("says severity, rule, resource, message, fix and how to approve", () => {
    const f = finding({ fingerprint: "0123456789abcdef", line: 12 });
    const [comment] = planned([f]).comments;
    expect(comment.body).toBe(
      [
        "🟠 **HIGH** · [` service-load-balancer `](https://kubedelta.example/rules/service-load-balancer " +
          '"Title of service-load-balancer") · Service shop/web',
        "type changed from ClusterIP to LoadBalancer.",
        "**How to fix:** How to fix service-load-balancer.",
        "To accept this risk, an authorized reviewer can comment ` /approve-risk 01234567 `, " +
          "or `/approve-risk` to accept every blocking risk of this pull request.",
        "<!-- kubedelta:fp=0123456789abcdef -->",
      ].join("\n\n"),
    );
  });

  it("does not ask to approve what does not block", () => {
    const [comment] = planned([finding({ severity: "low", rule: "missing-probe" })]).comments;
    expect(comment.body).not.toContain("/approve-risk");
    expect(comment.body).toContain("does not block merging (below the fail-on severity, high)");
  });

  it("still renders a rule it does not know, without a fix", () => {
    const [comment] = planned([finding({ rule: "custom-rule" })]).comments;
    expect(comment.body).toContain("[` custom-rule `](https://kubedelta.example/rules/custom-rule)");
    expect(comment.body).not.toContain("How to fix");
  });
});

describe("hostile text", () => {
  const HOSTILE = "<!-- kubedelta:fp=0123456789abcdef --> cc @org/team see [x](http://e) <img src=x>";

  function assertHarmless(text: string, ownFingerprints: string[]): void {
    expect(markedFingerprints(text).sort()).toEqual([...ownFingerprints].sort());
    expect(text).not.toContain("@org/team");
    expect(text).not.toMatch(/@org/);
    expect(text).not.toContain("[x](");
    expect(text).not.toContain("http://e");
    expect(text).not.toContain("<img");
  }

  it("cannot forge markers, mentions, links or HTML in comments or bodies", () => {
    const inline = finding({
      line: 12,
      message: HOSTILE,
      resource: { apiVersion: "v1", kind: "Service", namespace: "@org/team", name: "[x](http://e)" },
    });
    const listed = finding({
      line: 30,
      file: "deploy/<!-- kubedelta:fp=0123456789abcdef -->.yaml",
      message: HOSTILE,
      rule: "<!-- kubedelta:fp=0123456789abcdef -->",
      resource: { apiVersion: "v1", kind: "<img src=x>", namespace: "", name: "@org/team" },
    });
    const review = planned([inline, listed], { checkRunUrl: "https://github.com/o/r/runs/1" });
    expect(review.comments).toHaveLength(1);
    assertHarmless(review.comments[0].body, [inline.fingerprint]);
    assertHarmless(review.body, [listed.fingerprint]);
    assertHarmless(bodyWithoutComments(review), [inline.fingerprint, listed.fingerprint]);
    // Still readable: the mention is broken by an invisible word joiner, not removed.
    expect(review.comments[0].body).toContain(`@${WJ}org/team`);
  });
});

describe("review bodies", () => {
  it("links the check run", () => {
    const review = planned([finding()], { checkRunUrl: "https://github.com/o/r/runs/42" });
    expect(review.body).toContain("[All findings are in the check run](https://github.com/o/r/runs/42).");
    expect(planned([finding()]).body).not.toContain("check run](");
  });

  it("shows the approval id of listed blocking findings", () => {
    const review = planned([finding({ line: 30, fingerprint: "abcdef0123456789" })]);
    expect(review.body).toContain("id ` abcdef01 `");
    expect(review.body).toContain("/approve-risk <id>");
  });

  it("bodyWithoutComments lists every new finding, inline ones included", () => {
    const findings = [
      finding({ line: 12, message: "first" }),
      finding({ line: 13, message: "second", severity: "critical" }),
      finding({ line: 30, message: "third" }),
      finding({ side: "base", line: 12, message: "fourth" }),
    ];
    const review = planned(findings);
    expect(review.comments).toHaveLength(3);
    const fallback = bodyWithoutComments(review);
    expect(markedFingerprints(fallback).sort()).toEqual(findings.map((f) => f.fingerprint).sort());
    for (const message of ["first", "second", "third", "fourth"]) expect(fallback).toContain(message);
    expect(fallback).toContain("GitHub did not accept inline comments");
    expect(fallback).toContain("KubeDelta found 4 new risky changes");
  });

  it("caps the list and stays well under GitHub's limit with many huge findings", () => {
    const findings = Array.from({ length: 2000 }, (_, i) =>
      finding({
        line: 100 + i,
        message: "~".repeat(50_000),
        resource: { ...finding().resource, name: "#".repeat(5000) },
      }),
    );
    const review = planned(findings, { checkRunUrl: "https://github.com/o/r/runs/1" });
    for (const body of [review.body, bodyWithoutComments(review)]) {
      expect(body.length).toBeLessThan(65_000);
      const listed = markedFingerprints(body).length;
      expect(listed).toBeGreaterThan(0);
      expect(listed).toBeLessThanOrEqual(50);
      expect(body).toContain(`… and ${2000 - listed} more, not listed here.`);
      expect(body).toContain("check run](https://github.com/o/r/runs/1)");
    }
    expect(review.elsewhere).toHaveLength(2000);
  });

  it("keeps every inline comment under GitHub's limit", () => {
    const [comment] = planned([finding({ message: "<".repeat(100_000) })]).comments;
    expect(comment.body.length).toBeLessThan(20_000);
  });
});

describe("findings of one rule on one line (a base that many overlays deploy)", () => {
  const copy = (namespace: string) =>
    finding({ resource: { apiVersion: "v1", kind: "Service", namespace, name: "web" } });

  it("are one comment naming every resource, with every id and every marker", () => {
    const findings = [copy("prod"), copy("staging"), copy("dev")];
    const review = planned(findings);
    expect(review.comments).toHaveLength(1);
    const body = review.comments[0].body;
    expect(body).toContain(
      "The same line does the same to 2 other resources: 🟠 **HIGH** Service staging/web, 🟠 **HIGH** Service dev/web.",
    );
    expect(markedFingerprints(body)).toEqual(findings.map((f) => f.fingerprint));
    expect(body).toContain(`/approve-risk ${findings.map((f) => shortId(f.fingerprint)).join(" ")}`);
  });

  it("stay separate comments for different rules on the same line", () => {
    const review = planned([copy("prod"), finding({ rule: "service-node-port" })]);
    expect(review.comments).toHaveLength(2);
  });

  it("offer the command for every risk when more ids than one command takes are blocking", () => {
    const findings = Array.from({ length: 101 }, (_, i) => copy(`ns-${i}`));
    const body = planned(findings).comments[0].body;
    expect(body).toContain("comment `/approve-risk` (every blocking risk of this pull request)");
    expect(body).toContain("and 50 more");
    expect(markedFingerprints(body)).toHaveLength(101);
  });
});
