// Several replicas of the App on one real Redis, against the fake GitHub over HTTP: what an operator
// running more than one gets. A delivery that arrives at two replicas is one review; two workers
// racing on the same commit post one review between them; a replica killed in the middle of a review
// (the real App process, SIGKILL) has its job taken over by another, which completes the run the
// dead one left in progress.

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "../fake-github/app-server.js";
import { unifiedPatch } from "../fake-github/patch.js";
import { CHECK_RUN_ID, FakeGitHub, type FakeRepo } from "../fake-github/server.js";
import { examplePayload, pullRequestPayload } from "../fake-github/webhooks.js";
import { RedisServer, SKIP_REDIS } from "../queue/redis-server.js";
import { freshPrefix, TEST_TIMINGS } from "../queue/redis-timings.js";
import { startServer } from "./server-process.js";

const SERVICE = (type: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  type: ${type}\n  ports:\n    - port: 80\n`;

function riskyRepo(extra: Partial<FakeRepo> = {}): FakeRepo {
  const [base, head] = [SERVICE("ClusterIP"), SERVICE("LoadBalancer")];
  return {
    files: [{ filename: "k8s/svc.yaml", status: "modified", base, head, patch: unifiedPatch(base, head) }],
    ...extra,
  };
}

/** "Re-run" on the KubeDelta check run of PR #2 (a fork PR's: the number in external_id). */
function rerunPayload(): Record<string, unknown> {
  const payload = examplePayload("check_run", "rerequested");
  payload.repository = pullRequestPayload().repository;
  Object.assign(payload.check_run as Record<string, unknown>, {
    name: "KubeDelta",
    pull_requests: [],
    external_id: "2",
  });
  return payload;
}

describe.skipIf(SKIP_REDIS)("replicas on one Redis", () => {
  let redis: RedisServer;
  let github: FakeGitHub;
  const apps: RunningApp[] = [];
  /** A replica with the test timings, on the queue `prefix` (replicas of one cluster share it). */
  const replica = async (prefix: string) => {
    const app = await startApp({
      githubHost: github.host,
      redisUrl: redis.url,
      queue: { ...TEST_TIMINGS, attempts: 2, prefix },
    });
    apps.push(app);
    return app;
  };
  const allRunsCompleted = () => github.checkRunList().every((run) => run.status === "completed");

  beforeAll(async () => {
    redis = await RedisServer.start();
    github = new FakeGitHub();
    await github.start();
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop()));
  });

  afterAll(async () => {
    await github?.stop();
    await redis?.stop();
  });

  it("a delivery that arrives at two replicas at once is one review and one check run", async () => {
    github.serve(riskyRepo({ slow: { createCheckRun: 100 } }));
    const prefix = freshPrefix();
    const [a, b] = [await replica(prefix), await replica(prefix)];
    const payload = pullRequestPayload("opened");
    const answers = await Promise.all([a.send("pull_request", payload), b.send("pull_request", payload)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    await a.idle();
    expect(github.count("createCheckRun")).toBe(1);
    expect(github.count("createReview")).toBe(1);
    expect(github.checkRun(CHECK_RUN_ID)).toMatchObject({ status: "completed", conclusion: "failure" });
  });

  it("two workers reviewing the same commit at once post one review between them", async () => {
    // A push review and a Re-run are different jobs; GitHub is slow to list and to take reviews, so
    // both workers reach the publishing step together.
    github.serve(riskyRepo({ slow: { reviews: 150, createReview: 150 } }));
    const prefix = freshPrefix();
    const [a, b] = [await replica(prefix), await replica(prefix)];
    await Promise.all([
      a.send("pull_request", pullRequestPayload("opened")),
      b.send("check_run", rerunPayload()),
    ]);
    await a.idle();
    expect(github.count("createCheckRun")).toBe(2);
    expect(github.count("createReview")).toBe(1);
    expect(allRunsCompleted()).toBe(true);
  });

  it("a replica killed midway: another takes the job over and completes the run it left in progress", async () => {
    // The first listing of the files never answers: the App process is inside a review when killed.
    github.serve(riskyRepo({ hangFirst: { files: 1 } }));
    const server = await startServer(github.host, {
      REDIS_URL: redis.url,
      KUBEDELTA_LOCK_DURATION_MS: String(TEST_TIMINGS.lockDurationMs),
      KUBEDELTA_STALLED_INTERVAL_MS: String(TEST_TIMINGS.stalledIntervalMs),
    });
    try {
      expect((await (await fetch(`${server.url}/healthz`)).json()) as object).toEqual({
        status: "ok",
        queue: "redis",
      });
      expect((await server.send("pull_request", pullRequestPayload("opened"))).status).toBe(200);
      await github.waitFor((r) => r.route === "files", 10_000);
      expect(github.checkRun(CHECK_RUN_ID)).toMatchObject({ status: "in_progress" });
      server.child.kill("SIGKILL");
      await server.exited;
    } finally {
      server.child.kill("SIGKILL");
    }
    // The survivor uses BullMQ's default prefix, as the App process does.
    const survivor = await replica("bull");
    await github.waitFor(
      (r) => r.route === "updateCheckRun" && r.path.endsWith(`/${CHECK_RUN_ID + 1}`),
      10_000,
    );
    await survivor.idle();
    expect(github.checkRun(CHECK_RUN_ID)).toMatchObject({ status: "completed", conclusion: "cancelled" });
    expect(github.checkRun(CHECK_RUN_ID + 1)).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(allRunsCompleted()).toBe(true);
    expect(github.count("createReview")).toBe(1);
  }, 40_000);
});
