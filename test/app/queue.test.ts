// The app on its queue (in process here; test/e2e/replicas.test.ts runs it on Redis): webhooks become
// jobs that collapse by identity, a review is published once per head commit, failures worth it are
// retried with a check that says so, and no run KubeDelta started is left in progress.

import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createState } from "../../src/app.js";
import { MemoryQueue } from "../../src/queue/memory-queue.js";
import { isRetryable } from "../../src/queue/retryable.js";
import { runReviewJob } from "../../src/queue/review-job.js";
import {
  API,
  CHECK_RUN_ID,
  commentEvent,
  HEAD_SHA,
  INSTALLATION,
  newProbot,
  OWNER,
  pullRequestEvent,
  REPO,
  type Recorded,
  rerunEvent,
  serveRepository,
  traffic,
} from "./harness.js";

const PATH = `/repos/${OWNER}/${REPO}`;
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

type Update = { status?: string; conclusion?: string; output: { title: string; summary: string } };

/** Every check-run update, with the run it went to. */
function updates(recorded: Recorded[]): (Update & { run: number })[] {
  return recorded
    .filter((r) => r.method === "PATCH" && /\/check-runs\/\d+$/.test(r.path))
    .map((r) => ({ ...(r.body as Update), run: Number(r.path.split("/").pop()) }));
}

const count = (recorded: Recorded[], line: string) => traffic(recorded).filter((t) => t === line).length;

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
});

describe("jobs collapse by identity", () => {
  it("a delivery that arrives twice at once is one review: one check run, one review", async () => {
    const recorded = serveRepository({ files: RISKY });
    const app = newProbot();
    await Promise.all([app.receive(pullRequestEvent() as never), app.receive(pullRequestEvent() as never)]);
    expect(count(recorded, `POST ${PATH}/check-runs`)).toBe(1);
    expect(count(recorded, `POST ${PATH}/pulls/2/reviews`)).toBe(1);
  });

  it("`opened` and `synchronize` for the same head at once are one review", async () => {
    const recorded = serveRepository({ files: RISKY });
    const app = newProbot();
    await Promise.all([
      app.receive(pullRequestEvent("opened") as never),
      app.receive(pullRequestEvent("synchronize") as never),
    ]);
    expect(count(recorded, `POST ${PATH}/check-runs`)).toBe(1);
  });

  it("two /approve-risk comments are two jobs: each is answered", async () => {
    const recorded = serveRepository({ files: RISKY, roles: { ada: "write", bob: "write" } });
    const app = newProbot();
    await Promise.all([
      app.receive(commentEvent("ada", "/approve-risk", 101) as never),
      app.receive(commentEvent("bob", "/approve-risk", 102) as never),
    ]);
    expect(count(recorded, `POST ${PATH}/issues/2/comments`)).toBe(2);
  });
});

describe("one review per head commit", () => {
  it("posts none when KubeDelta's review of this commit is on the pull request already", async () => {
    const recorded = serveRepository({
      files: RISKY,
      existingReviews: [{ user: "kubedelta[bot]", body: "KubeDelta found 1 risk", commit_id: HEAD_SHA }],
    });
    await newProbot().receive(pullRequestEvent() as never);
    expect(count(recorded, `POST ${PATH}/pulls/2/reviews`)).toBe(0);
    // The check is judged all the same.
    expect(updates(recorded).at(-1)).toMatchObject({ conclusion: "failure", status: "completed" });
  });

  it("posts one when the reviews there are someone else's, or KubeDelta's of another commit", async () => {
    const recorded = serveRepository({
      files: RISKY,
      existingReviews: [
        { user: "mallory", body: "looks fine", commit_id: HEAD_SHA },
        { user: "kubedelta[bot]", body: "earlier", commit_id: "0".repeat(40) },
      ],
    });
    await newProbot().receive(pullRequestEvent() as never);
    expect(count(recorded, `POST ${PATH}/pulls/2/reviews`)).toBe(1);
  });
});

describe("retries", () => {
  it("a 502 is retried: the failed attempt's run says so, the next attempt completes the verdict", async () => {
    nock(API)
      .get(new RegExp(`^${PATH}/pulls/2/files`))
      .reply(502, { message: "Bad Gateway" });
    const recorded = serveRepository({ files: RISKY });
    await newProbot({ attempts: 2, backoffMs: 10 }).receive(pullRequestEvent() as never);
    const done = updates(recorded).filter((u) => u.status === "completed");
    expect(done.map((u) => u.conclusion)).toEqual(["failure", "failure"]);
    expect(done[0].output.title).toMatch(/GitHub answered 502/);
    expect(done[0].output.title).toMatch(/tries again in 0 s, attempt 2 of 2/);
    expect(done[1].output.title).toMatch(/1 blocking/);
    // The retry looked for runs an earlier attempt left in progress.
    expect(count(recorded, `GET ${PATH}/commits/${HEAD_SHA}/check-runs`)).toBe(1);
    expect(count(recorded, `POST ${PATH}/pulls/2/reviews`)).toBe(1);
  });

  it("the last attempt's failure is final and does not promise another", async () => {
    nock(API)
      .get(new RegExp(`^${PATH}/pulls/2/files`))
      .times(2)
      .reply(502, { message: "Bad Gateway" });
    const recorded = serveRepository({ files: RISKY });
    await newProbot({ attempts: 2, backoffMs: 10 }).receive(pullRequestEvent() as never);
    const done = updates(recorded).filter((u) => u.status === "completed");
    expect(done).toHaveLength(2);
    expect(done[1].output.title).toMatch(/GitHub answered 502/);
    expect(done[1].output.title).not.toMatch(/tries again/);
  });

  it("an error that would fail again (a 404) is not retried", async () => {
    nock(API)
      .get(new RegExp(`^${PATH}/pulls/2/files`))
      .reply(404, { message: "Not Found" });
    const recorded = serveRepository({ files: RISKY });
    await newProbot({ attempts: 3, backoffMs: 10 }).receive(pullRequestEvent() as never);
    expect(count(recorded, `POST ${PATH}/check-runs`)).toBe(1);
  });

  it("a review GitHub fails to take (502) is retried whole, and posted once by the next attempt", async () => {
    nock(API).post(`${PATH}/pulls/2/reviews`).reply(502, { message: "Bad Gateway" });
    const recorded = serveRepository({ files: RISKY });
    await newProbot({ attempts: 2, backoffMs: 10 }).receive(pullRequestEvent() as never);
    const done = updates(recorded).filter((u) => u.status === "completed");
    expect(done[0].output.title).toMatch(/GitHub answered 502.*tries again/);
    expect(done[1].output.title).toMatch(/^1 blocking/);
    // The served repository records the post that went through (the 502 came from the test's own).
    expect(count(recorded, `POST ${PATH}/pulls/2/reviews`)).toBe(1);
  });
});

describe("no check run left in progress", () => {
  it("Re-run completes KubeDelta's runs still in progress on the commit, and only KubeDelta's", async () => {
    const recorded = serveRepository({
      files: RISKY,
      runsInProgress: [
        { id: 555, app: "kubedelta" },
        { id: 556, app: "another-app" },
      ],
    });
    await newProbot().receive(rerunEvent() as never);
    const listing = recorded.find((r) => r.path.includes("/commits/"));
    expect(listing?.path).toMatch(/check_name=KubeDelta/);
    expect(listing?.path).toMatch(/status=in_progress/);
    expect(listing?.path).toMatch(/filter=all/);
    const stale = updates(recorded).filter((u) => u.run !== CHECK_RUN_ID);
    expect(stale).toEqual([
      expect.objectContaining({ run: 555, status: "completed", conclusion: "cancelled" }),
    ]);
    expect(stale[0].output.summary).toMatch(new RegExp(`Run ${CHECK_RUN_ID} reviews this commit again`));
    expect(updates(recorded).at(-1)).toMatchObject({ run: CHECK_RUN_ID, conclusion: "failure" });
  });

  it("a push review on its first attempt does not look for stale runs (no extra request)", async () => {
    const recorded = serveRepository({ files: RISKY, runsInProgress: [{ id: 555, app: "kubedelta" }] });
    await newProbot().receive(pullRequestEvent() as never);
    expect(traffic(recorded).some((t) => t.includes("/commits/"))).toBe(false);
  });
});

/** The worker alone, as a replica runs a job it took over. */
function worker() {
  const probot = new Probot({
    appId: 123,
    privateKey: "unused",
    logLevel: "fatal",
    Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({
      ...options,
      retry: { enabled: false },
      throttle: { ...(options.throttle as object), enabled: false },
    })),
  });
  const queue = new MemoryQueue({ concurrency: 1, attempts: 3, backoffMs: 10, retryable: isRetryable });
  const Unthrottled = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
    ...options,
    retry: { enabled: false },
    throttle: { ...(options.throttle as object), enabled: false },
  }));
  const octokitFor = async () => new Unthrottled({ auth: { token: "installation-token" } }) as never;
  return {
    octokitFor,
    log: { info() {}, warn() {}, error() {} },
    state: createState(probot, queue.lock),
    settings: queue.settings,
    maxRestarts: 2,
  };
}

const pushJob = {
  installationId: INSTALLATION,
  owner: OWNER,
  repo: REPO,
  target: {
    kind: "head" as const,
    pr: {
      owner: OWNER,
      repo: REPO,
      number: 2,
      baseSha: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
      headSha: HEAD_SHA,
      author: "Codertocat",
    },
  },
  work: { kind: "review" as const },
  deliveryId: "delivery-1",
};

describe("a job that keeps stopping midway", () => {
  it("after the restarts allowed, fails the runs it left in progress instead of reviewing again", async () => {
    const recorded = serveRepository({ files: RISKY, runsInProgress: [{ id: 555, app: "kubedelta" }] });
    const w = worker();
    w.state.botLogin = async () => "kubedelta[bot]";
    await runReviewJob(pushJob, { number: 1, of: 3, restarts: 2 }, w);
    expect(traffic(recorded)).toEqual([
      `GET ${PATH}/commits/${HEAD_SHA}/check-runs`,
      `PATCH ${PATH}/check-runs/555`,
    ]);
    const [failed] = updates(recorded);
    expect(failed).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(failed.output.title).toMatch(/stopped 2 times before it finished/);
  });

  it("publishes one failing run when none was left to complete", async () => {
    const recorded = serveRepository({ files: RISKY });
    const w = worker();
    w.state.botLogin = async () => "kubedelta[bot]";
    await runReviewJob(pushJob, { number: 1, of: 3, restarts: 2 }, w);
    expect(traffic(recorded)).toEqual([
      `GET ${PATH}/commits/${HEAD_SHA}/check-runs`,
      `POST ${PATH}/check-runs`,
      `PATCH ${PATH}/check-runs/${CHECK_RUN_ID}`,
    ]);
    expect(updates(recorded)[0]).toMatchObject({ conclusion: "failure" });
  });

  it("after one restart, reviews again and completes the run the stopped attempt left", async () => {
    const recorded = serveRepository({ files: RISKY, runsInProgress: [{ id: 555, app: "kubedelta" }] });
    const w = worker();
    w.state.botLogin = async () => "kubedelta[bot]";
    await runReviewJob(pushJob, { number: 1, of: 3, restarts: 1 }, w);
    expect(updates(recorded).map((u) => [u.run, u.conclusion])).toEqual([
      [555, "cancelled"],
      [CHECK_RUN_ID, "failure"],
    ]);
  });
});

describe("a run GitHub would not let KubeDelta complete", () => {
  it("is owed its failure, and completed once GitHub answers again", async () => {
    nock(API).patch(`${PATH}/check-runs/${CHECK_RUN_ID}`).times(2).reply(500, { message: "down" });
    const recorded = serveRepository({ files: RISKY });
    const w = worker();
    w.state.botLogin = async () => "kubedelta[bot]";
    // The last attempt: nothing will retry it.
    await expect(runReviewJob(pushJob, { number: 3, of: 3, restarts: 0 }, w)).rejects.toThrow(/down/);
    expect(w.state.openRuns.owed).toBe(1);
    expect(await w.state.openRuns.completeOwed()).toBe(1);
    expect(w.state.openRuns.size).toBe(0);
    expect(updates(recorded)).toEqual([
      expect.objectContaining({ run: CHECK_RUN_ID, status: "completed", conclusion: "failure" }),
    ]);
    expect(updates(recorded)[0].output.title).toMatch(/GitHub answered 500/);
  });

  it("is left to the retry when there is one, which supersedes it", async () => {
    nock(API).patch(`${PATH}/check-runs/${CHECK_RUN_ID}`).times(2).reply(502, { message: "down" });
    serveRepository({ files: RISKY });
    const w = worker();
    w.state.botLogin = async () => "kubedelta[bot]";
    await expect(runReviewJob(pushJob, { number: 1, of: 3, restarts: 0 }, w)).rejects.toThrow(/down/);
    expect(w.state.openRuns.size).toBe(0);
  });
});

describe("commands are answered once", () => {
  it("a command already acknowledged (a retry, a redelivery) gets no second reply, and still counts", async () => {
    const first = serveRepository({ files: RISKY, roles: { ada: "write" } });
    await newProbot().receive(commentEvent("ada", "/approve-risk", 101) as never);
    const replies = first.filter((r) => r.method === "POST" && r.path.endsWith("/issues/2/comments"));
    expect(replies).toHaveLength(1);
    const ack = String((replies[0].body as { body: string }).body);
    nock.cleanAll();
    const again = serveRepository({
      files: RISKY,
      roles: { ada: "write" },
      // The command is comment 101, and KubeDelta's acknowledgement of it follows.
      conversation: [
        { user: "ada", body: "/approve-risk" },
        { user: "kubedelta[bot]", body: ack },
      ],
    });
    await newProbot().receive(commentEvent("ada", "/approve-risk", 101) as never);
    expect(traffic(again).filter((t) => t.startsWith("POST") && /comments|reactions/.test(t))).toEqual([]);
    expect(updates(again).at(-1)).toMatchObject({ conclusion: "success" });
  });
});
