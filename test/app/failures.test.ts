// What happens when GitHub misbehaves or the input is extreme: the check run always completes,
// and never with success it did not compute.

import { createHash } from "node:crypto";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  API,
  CHECK_RUN_ID,
  examplePayload,
  HEAD_SHA,
  newProbot,
  pullRequestEvent,
  type Recorded,
  rerunEvent,
  serveRepository,
  traffic,
} from "./harness.js";

const REPO = "/repos/Codertocat/Hello-World";
const SERVICE = (type: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: ${type}\n`;
const RISKY = [
  {
    filename: "svc.yaml",
    status: "modified" as const,
    base: SERVICE("ClusterIP"),
    head: SERVICE("LoadBalancer"),
  },
];

function completions(
  recorded: Recorded[],
): { conclusion?: string; output: { title: string; summary: string } }[] {
  return recorded
    .filter((r) => r.method === "PATCH" && r.path.endsWith(`/check-runs/${CHECK_RUN_ID}`))
    .map((r) => r.body as { conclusion?: string; output: { title: string; summary: string } });
}

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
});

describe("failures fail closed", () => {
  it("a 5xx from GitHub ends the check in failure, naming the status", async () => {
    nock(API)
      .get(new RegExp(`^${REPO}/pulls/2/files`))
      .reply(502, { message: "Bad Gateway" });
    const recorded = serveRepository({ files: RISKY });
    await newProbot().receive(pullRequestEvent() as never);
    const [done] = completions(recorded);
    expect(done.conclusion).toBe("failure");
    expect(done.output.title).toMatch(/could not complete the review: GitHub answered 502/);
  });

  it("a review that cannot be posted fails the check, which keeps the verdict and says so", async () => {
    nock(API).post(`${REPO}/pulls/2/reviews`).reply(
      403,
      {
        message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      },
      // Longer than any budget of waiting: the review cannot be posted at all.
      { "retry-after": "3600" },
    );
    const recorded = serveRepository({ files: RISKY });
    await newProbot().receive(pullRequestEvent() as never);
    const [done] = completions(recorded);
    expect(done.conclusion).toBe("failure");
    expect(done.output.title).toMatch(/^1 blocking .*; the review could not be posted$/);
    expect(done.output.summary).toMatch(/inline review could not be posted/);
  });

  it("if completing the check with the verdict fails, it is completed again as a failure", async () => {
    nock(API).patch(`${REPO}/check-runs/${CHECK_RUN_ID}`).reply(500, { message: "oops" });
    const recorded = serveRepository({
      files: [
        { filename: "svc.yaml", status: "modified", base: SERVICE("ClusterIP"), head: SERVICE("ClusterIP") },
      ],
    });
    await newProbot().receive(pullRequestEvent() as never);
    const [retried] = completions(recorded);
    expect(retried.conclusion).toBe("failure");
    expect(retried.output.title).toMatch(/GitHub answered 500/);
  });

  it("a pull request with 3,000 files cannot be reviewed whole and fails", async () => {
    const files = Array.from({ length: 3000 }, (_, i) => ({
      filename: `f${i}.txt`,
      status: "added" as const,
      head: "x\n",
    }));
    const recorded = serveRepository({ files });
    await newProbot().receive(pullRequestEvent() as never);
    const [done] = completions(recorded);
    expect(done.conclusion).toBe("failure");
    expect(done.output.title).toMatch(/3000 files or more/);
  });
});

describe("inputs at the edges", () => {
  it("reads a file too large for GraphQL through the raw blob endpoint", async () => {
    const recorded = serveRepository({
      files: [
        {
          filename: "svc.yaml",
          status: "modified",
          base: SERVICE("ClusterIP"),
          head: SERVICE("LoadBalancer"),
          truncated: true,
        },
      ],
    });
    await newProbot().receive(pullRequestEvent() as never);
    expect(traffic(recorded).filter((t) => t.includes("/git/blobs/"))).toHaveLength(2);
    expect(completions(recorded)[0]).toMatchObject({
      conclusion: "failure",
      output: { title: expect.stringMatching(/1 blocking/) },
    });
  });

  it("reads the raw blob when GraphQL's text is not the blob (GitHub replaced invalid UTF-8)", async () => {
    // One byte that is not UTF-8, in a comment: kubectl reads the file (as U+FFFD), so must we.
    const head = Buffer.concat([
      Buffer.from("# caf"),
      Buffer.from([0xe9]),
      Buffer.from(`\n${SERVICE("LoadBalancer")}`),
    ]);
    const recorded = serveRepository({
      files: [{ filename: "svc.yaml", status: "modified", base: SERVICE("ClusterIP"), head }],
    });
    await newProbot().receive(pullRequestEvent() as never);
    const headOid = createHash("sha1").update(`blob ${head.length}\0`).update(head).digest("hex");
    expect(traffic(recorded).filter((t) => t.includes("/git/blobs/"))).toEqual([
      `GET ${REPO}/git/blobs/${headOid}`,
    ]);
    expect(completions(recorded)[0]).toMatchObject({
      conclusion: "failure",
      output: { title: expect.stringMatching(/1 blocking/) },
    });
  });

  it("a raw blob that is not the blob (a download cut short) fails the check, naming the file", async () => {
    const recorded = serveRepository({
      files: [
        {
          filename: "svc.yaml",
          status: "modified",
          base: SERVICE("ClusterIP"),
          head: SERVICE("LoadBalancer"),
          truncated: true,
          cutRaw: true,
        },
      ],
    });
    await newProbot().receive(pullRequestEvent() as never);
    const [done] = completions(recorded);
    expect(done.conclusion).toBe("failure");
    expect(done.output.title).toMatch(
      /^KubeDelta could not complete the review: svc\.yaml could not be read: GitHub served \d+ bytes that are not its blob [0-9a-f]{7} \(truncated or altered\)$/,
    );
  });

  it("a GraphQL answer with errors instead of the files fails the check, saying so", async () => {
    nock(API)
      .post("/graphql")
      .reply(200, { data: null, errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded" }] });
    const recorded = serveRepository({ files: RISKY });
    await newProbot().receive(pullRequestEvent() as never);
    const [done] = completions(recorded);
    expect(done.conclusion).toBe("failure");
    expect(done.output.title).toBe(
      "KubeDelta could not complete the review: GitHub's GraphQL API answered with errors: API rate limit exceeded",
    );
  });

  it("a raw blob GitHub will not serve fails the check", async () => {
    nock(API)
      .get(new RegExp(`^${REPO}/git/blobs/`))
      .reply(502, { message: "Bad Gateway" });
    const recorded = serveRepository({ files: [{ ...RISKY[0], truncated: true }] });
    await newProbot().receive(pullRequestEvent() as never);
    const [done] = completions(recorded);
    expect(done.conclusion).toBe("failure");
    expect(done.output.title).toMatch(/GitHub answered 502/);
  });

  it("with rendering off, skips a chart's template, which Helm renders, when the chart's Chart.yaml is elsewhere in the tree", async () => {
    const template =
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  type: {{ .Values.type }}\n";
    const recorded = serveRepository({
      files: [
        { filename: "charts/web/templates/svc.yaml", status: "modified", base: "# old\n", head: template },
      ],
      unchanged: { "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n" },
      config: "render:\n  enabled: false\n",
    });
    await newProbot().receive(pullRequestEvent() as never);
    const [done] = completions(recorded);
    expect(done.conclusion).toBe("success");
    expect(done.output.summary).toMatch(/Helm chart template/);
  });

  it("a deleted manifest is read from the base only and passes", async () => {
    const recorded = serveRepository({
      files: [{ filename: "svc.yaml", status: "removed", base: SERVICE("LoadBalancer") }],
    });
    await newProbot().receive(pullRequestEvent() as never);
    const graphql = recorded.filter((r) => r.path === "/graphql");
    expect(graphql).toHaveLength(1);
    expect(completions(recorded)[0]).toMatchObject({ conclusion: "success" });
  });

  it("an edit that does not move the base branch is ignored", async () => {
    const recorded = serveRepository({ files: RISKY });
    const event = pullRequestEvent("edited");
    event.payload.changes = { title: { from: "old" } };
    await newProbot().receive(event as never);
    expect(recorded).toEqual([]);
  });
});

describe("reading the repository", () => {
  it("a changed file GitHub cannot show at the commit fails the check, naming it", async () => {
    // Listed as modified, but no head version is served: GraphQL answers null for it.
    const recorded = serveRepository({
      files: [{ filename: "svc.yaml", status: "modified", base: SERVICE("ClusterIP") }],
    });
    await newProbot().receive(pullRequestEvent() as never);
    const [done] = completions(recorded);
    expect(done.conclusion).toBe("failure");
    expect(done.output.title).toBe(
      "KubeDelta could not complete the review: svc.yaml is not a file at ec26c3e",
    );
  });

  it("a tree too large to list whole: repository-wide rules are not run, and the check says why", async () => {
    const recorded = serveRepository({ files: RISKY, treeTruncated: true });
    await newProbot().receive(pullRequestEvent() as never);
    const [done] = completions(recorded);
    expect(done.output.summary).toMatch(/Not run: network-policy-missing/);
    expect(done.output.summary).toMatch(/too large for GitHub to list whole/);
    expect(recorded.filter((r) => r.path === "/graphql")).toHaveLength(1);
  });
});

describe("re-runs", () => {
  it("re-reviews a fork PR from the check run's external_id (pull_requests is empty)", async () => {
    const recorded = serveRepository({ files: RISKY });
    await newProbot().receive(rerunEvent() as never);
    expect(traffic(recorded).slice(0, 2)).toEqual([`GET ${REPO}/pulls/2`, `POST ${REPO}/check-runs`]);
    expect(recorded[1].body).toMatchObject({ head_sha: HEAD_SHA, external_id: "2" });
    expect(completions(recorded)[0].conclusion).toBe("failure");
  });

  it("ignores re-runs of other apps' checks", async () => {
    const recorded = serveRepository({ files: RISKY });
    const payload = examplePayload("check_run", "rerequested");
    (payload.check_run as Record<string, unknown>).name = "some-other-check";
    await newProbot().receive({ id: "d3", name: "check_run", payload } as never);
    expect(recorded).toEqual([]);
  });

  it("re-reviews a fork PR's check suite through our previous run in it", async () => {
    const payload = examplePayload("check_suite", "rerequested");
    const suite = payload.check_suite as Record<string, unknown>;
    suite.pull_requests = [];
    nock(API)
      .get(new RegExp(`^${REPO}/check-suites/${suite.id}/check-runs`))
      .reply(200, { total_count: 1, check_runs: [{ id: 1, name: "KubeDelta", external_id: "2" }] });
    const recorded = serveRepository({ files: RISKY });
    await newProbot().receive({ id: "d4", name: "check_suite", payload } as never);
    expect(traffic(recorded).slice(0, 2)).toEqual([`GET ${REPO}/pulls/2`, `POST ${REPO}/check-runs`]);
  });
});
