import { describe, expect, it } from "vitest";
import { commentableLines } from "../../src/report/diff-lines.js";

/** Numbers from..to, inclusive. */
function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function sorted(lines: Set<number>): number[] {
  return [...lines].sort((a, b) => a - b);
}

// A Service turned into a LoadBalancer, as GitHub returns it in `patch` (no final newline).
const SERVICE_PATCH = [
  "@@ -1,9 +1,10 @@",
  " apiVersion: v1",
  " kind: Service",
  " metadata:",
  "   name: web",
  "   namespace: shop",
  " spec:",
  "-  type: ClusterIP",
  "+  type: LoadBalancer",
  "+  loadBalancerIP: 10.0.0.1",
  "   ports:",
  "     - port: 80",
].join("\n");

describe("commentableLines", () => {
  it("puts added and context lines on the right, deleted and context lines on the left", () => {
    const { right, left } = commentableLines(SERVICE_PATCH);
    expect(sorted(right)).toEqual(range(1, 10));
    expect(sorted(left)).toEqual(range(1, 9));
  });

  it("numbers each side on its own across several hunks with section headings", () => {
    const patch = [
      "@@ -10,5 +10,6 @@ spec:",
      "       containers:",
      "         - name: web",
      "-          image: registry.example.com/web:1.0",
      "+          image: docker.io/web:1.1",
      "+          imagePullPolicy: Always",
      "           ports:",
      "             - containerPort: 8080",
      "@@ -40,7 +41,5 @@ spec:",
      "   name: web",
      " spec:",
      "-  type: NodePort",
      "-  externalTrafficPolicy: Local",
      "-  sessionAffinity: None",
      "+  type: ClusterIP",
      "   selector:",
      "     app: web",
    ].join("\n");
    const { right, left } = commentableLines(patch);
    expect(sorted(right)).toEqual([...range(10, 15), ...range(41, 45)]);
    expect(sorted(left)).toEqual([...range(10, 14), ...range(40, 46)]);
    // Lines between the hunks are not in the diff view: GitHub would reject a comment there.
    expect(right.has(20)).toBe(false);
    expect(left.has(20)).toBe(false);
  });

  it("reads hunk headers whose counts are omitted (a count of one)", () => {
    const { right, left } = commentableLines("@@ -3 +3 @@\n-replicas: 1\n+replicas: 3");
    expect(sorted(right)).toEqual([3]);
    expect(sorted(left)).toEqual([3]);
  });

  it("handles new files, deleted files and zero-context insertions", () => {
    const added = commentableLines(
      "@@ -0,0 +1,3 @@\n+apiVersion: v1\n+kind: Namespace\n+metadata: {name: shop}",
    );
    expect(sorted(added.right)).toEqual([1, 2, 3]);
    expect(sorted(added.left)).toEqual([]);

    const removed = commentableLines("@@ -1,2 +0,0 @@\n-apiVersion: v1\n-kind: Namespace");
    expect(sorted(removed.right)).toEqual([]);
    expect(sorted(removed.left)).toEqual([1, 2]);

    const inserted = commentableLines("@@ -5,0 +6,2 @@ metadata:\n+  labels:\n+    team: shop");
    expect(sorted(inserted.right)).toEqual([6, 7]);
    expect(sorted(inserted.left)).toEqual([]);
  });

  it("skips `\\ No newline at end of file` markers", () => {
    const patch = [
      "@@ -1,2 +1,3 @@",
      " kind: ConfigMap",
      "-data: {}",
      "\\ No newline at end of file",
      "+data:",
      "+  key: value",
      "\\ No newline at end of file",
    ].join("\n");
    const { right, left } = commentableLines(patch);
    expect(sorted(right)).toEqual([1, 2, 3]);
    expect(sorted(left)).toEqual([1, 2]);
  });

  it("reads CRLF patches like LF ones", () => {
    const crlf = commentableLines(SERVICE_PATCH.replace(/\n/g, "\r\n"));
    const lf = commentableLines(SERVICE_PATCH);
    expect(sorted(crlf.right)).toEqual(sorted(lf.right));
    expect(sorted(crlf.left)).toEqual(sorted(lf.left));
  });

  it("counts an empty context line whose leading space was stripped", () => {
    const { right, left } = commentableLines("@@ -1,3 +1,3 @@\n a: 1\n\n-b: 2\n+b: 3");
    expect(sorted(right)).toEqual([1, 2, 3]);
    expect(sorted(left)).toEqual([1, 2, 3]);
  });

  it("ignores a final newline", () => {
    expect(sorted(commentableLines(`${SERVICE_PATCH}\n`).right)).toEqual(range(1, 10));
  });

  // A hunk whose lines do not match its counts is not what we think it is: none of its lines is
  // trusted (a wrong number is a rejected review or a comment on the wrong line), the others are.
  it("trusts no line of a hunk with more lines than its counts", () => {
    const overlong = commentableLines("@@ -1 +1 @@\n-a\n+b\n+c\n d\n@@ -9 +10 @@\n-x\n+y");
    expect(sorted(overlong.right)).toEqual([10]);
    expect(sorted(overlong.left)).toEqual([9]);
  });

  it("trusts no line of a hunk with fewer lines than its counts", () => {
    const short = commentableLines("@@ -1,3 +1,3 @@\n a\n-b\n+c\n@@ -9 +9 @@\n-x\n+y");
    expect(sorted(short.right)).toEqual([9]);
    expect(sorted(short.left)).toEqual([9]);
  });

  it("trusts no line of a hunk with a line that does not belong in it", () => {
    const { right, left } = commentableLines("@@ -1,3 +1,3 @@\n a\n?garbage\n b\n c\n@@ -9 +9 @@\n-x\n+y");
    expect(sorted(right)).toEqual([9]);
    expect(sorted(left)).toEqual([9]);
  });

  it("has nothing commentable without a patch (binary or too large) or before the first hunk", () => {
    for (const patch of [undefined, "", "Binary files differ", "diff --git a/x b/x\n+++ b/x"]) {
      const { right, left } = commentableLines(patch);
      expect(right.size + left.size, String(patch)).toBe(0);
    }
  });

  it("skips file headers before the first hunk", () => {
    const { right } = commentableLines(`--- a/svc.yaml\n+++ b/svc.yaml\n${SERVICE_PATCH}`);
    expect(sorted(right)).toEqual(range(1, 10));
  });
});
