// Every GitHub call of a review, failing in turn: the check run still completes, and never with a
// success it did not compute. Plus annotations over GitHub's 50-per-request limit.

import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { API, CHECK_RUN_ID, newProbot, pullRequestEvent, type Recorded, serveRepository } from "./harness.js";

const REPO = "/repos/Codertocat/Hello-World";
const SERVICE = (name: string, type: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  type: ${type}\n`;

function completions(recorded: Recorded[]) {
  return recorded
    .filter((r) => r.method === "PATCH" && r.path.endsWith(`/check-runs/${CHECK_RUN_ID}`))
    .map(
      (r) =>
        r.body as { conclusion?: string; output: { title: string; summary: string; annotations: unknown[] } },
    );
}

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
});

// [call, how nock matches it, what the check must say]
const calls: [string, (scope: nock.Scope) => nock.Interceptor, RegExp | "verdict"][] = [
  [
    "config",
    (s) => s.get(`${REPO}/contents/${encodeURIComponent(".github/kubedelta.yml")}`),
    /cannot read \.github\/kubedelta\.yml/,
  ],
  ["file list", (s) => s.get(new RegExp(`^${REPO}/pulls/2/files`)), /GitHub answered 500/],
  ["merge base", (s) => s.get(new RegExp(`^${REPO}/compare/`)), /GitHub answered 500/],
  ["contents", (s) => s.post("/graphql"), /GitHub answered 500/],
  ["repository tree", (s) => s.get(new RegExp(`^${REPO}/git/trees/`)), /GitHub answered 500/],
  // After the verdict is computed, failing to comment keeps the verdict and says so.
  ["existing comments", (s) => s.get(new RegExp(`^${REPO}/pulls/2/comments`)), "verdict"],
  ["existing reviews", (s) => s.get(new RegExp(`^${REPO}/pulls/2/reviews`)), "verdict"],
  ["the review", (s) => s.post(`${REPO}/pulls/2/reviews`), "verdict"],
];

describe("a 500 on each call", () => {
  for (const [name, match, expected] of calls) {
    it(`${name}: the check still completes, in failure`, async () => {
      match(nock(API)).reply(500, { message: "Internal Server Error" });
      const recorded = serveRepository({
        files: [
          {
            filename: "svc.yaml",
            status: "modified",
            base: SERVICE("web", "ClusterIP"),
            head: SERVICE("web", "LoadBalancer"),
          },
        ],
      });
      await newProbot().receive(pullRequestEvent() as never);
      const [done] = completions(recorded);
      expect(done.conclusion).toBe("failure");
      if (expected === "verdict") {
        expect(done.output.title).toMatch(/1 blocking/);
        expect(done.output.summary).toMatch(/inline review could not be posted/);
      } else {
        expect(done.output.title).toMatch(expected);
      }
    });
  }

  it("creating the check run: nothing else is attempted", async () => {
    nock(API).post(`${REPO}/check-runs`).reply(500, { message: "Internal Server Error" });
    const recorded = serveRepository({
      files: [{ filename: "svc.yaml", status: "added", head: SERVICE("web", "LoadBalancer") }],
    });
    await newProbot()
      .receive(pullRequestEvent() as never)
      .catch(() => undefined);
    expect(recorded).toEqual([]);
  });
});

describe("annotations", () => {
  it("go out 50 per request, most severe first, after the completing update", async () => {
    const many = Array.from({ length: 60 }, (_, i) => SERVICE(`web-${i}`, "LoadBalancer")).join("---\n");
    const recorded = serveRepository({ files: [{ filename: "svcs.yaml", status: "added", head: many }] });
    await newProbot().receive(pullRequestEvent() as never);
    const updates = completions(recorded);
    expect(updates.map((u) => u.output.annotations.length)).toEqual([50, 10]);
    expect(updates[0].conclusion).toBe("failure");
    expect(updates[1].conclusion).toBeUndefined();
    expect(updates[1].output.title).toBe(updates[0].output.title);
  });
});
