// The App's process (src/server.ts) as `npm start` runs it: configured from the environment, it serves
// Probot's /ping and its own /healthz, answers webhooks at once, reviews without Redis, keeps taking
// webhooks while Redis is down (running them itself), and on SIGTERM completes what it cannot finish.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unifiedPatch } from "../fake-github/patch.js";
import { CHECK_RUN_ID, FakeGitHub, type FakeRepo } from "../fake-github/server.js";
import { pullRequestPayload } from "../fake-github/webhooks.js";
import { freePort, RedisServer, SKIP_REDIS } from "../queue/redis-server.js";
import { type ServerProcess, startServer } from "./server-process.js";

const SERVICE = (type: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: ${type}\n`;

function riskyRepo(extra: Partial<FakeRepo> = {}): FakeRepo {
  const [base, head] = [SERVICE("ClusterIP"), SERVICE("LoadBalancer")];
  return {
    files: [{ filename: "svc.yaml", status: "modified", base, head, patch: unifiedPatch(base, head) }],
    ...extra,
  };
}

const health = async (server: ServerProcess) => {
  const response = await fetch(`${server.url}/healthz`);
  return { status: response.status, body: await response.json() };
};

describe("the App's process", () => {
  const [inProcess, outage] = [new FakeGitHub(), new FakeGitHub()];
  let local: ServerProcess;
  let cutOff: ServerProcess;
  let redisPort: number;
  let redis: RedisServer | undefined;

  beforeAll(async () => {
    await Promise.all([inProcess.start(), outage.start()]);
    // Nothing listens there yet: a Redis that is down from the start.
    redisPort = await freePort();
    [local, cutOff] = await Promise.all([
      startServer(inProcess.host, { KUBEDELTA_SHUTDOWN_GRACE_MS: "300" }),
      startServer(outage.host, { REDIS_URL: `redis://127.0.0.1:${redisPort}` }),
    ]);
  }, 60_000);

  afterAll(async () => {
    local?.child.kill("SIGKILL");
    cutOff?.child.kill("SIGKILL");
    await redis?.stop();
    await Promise.all([inProcess.stop(), outage.stop()]);
  });

  it("serves Probot's /ping, and /healthz naming its queue", async () => {
    expect(await (await fetch(`${local.url}/ping`)).text()).toBe("PONG");
    expect(await health(local)).toEqual({ status: 200, body: { status: "ok", queue: "memory" } });
  });

  it("answers a webhook before the review, which then completes its check", async () => {
    inProcess.serve(riskyRepo({ slow: { files: 500 } }));
    const response = await local.send("pull_request", pullRequestPayload("opened"));
    expect(response.status).toBe(200);
    // Answered while the review still waits on GitHub's file listing.
    expect(inProcess.count("updateCheckRun")).toBe(0);
    await inProcess.waitFor((r) => r.route === "updateCheckRun", 20_000);
    expect(inProcess.checkRun(CHECK_RUN_ID)).toMatchObject({ status: "completed", conclusion: "failure" });
  }, 30_000);

  it.skipIf(SKIP_REDIS)(
    "with Redis down: /healthz says 503, a webhook is still taken, and reviewed once Redis is back",
    async () => {
      expect(await health(cutOff)).toEqual({ status: 503, body: { status: "unavailable", queue: "redis" } });
      outage.serve(riskyRepo());
      expect((await cutOff.send("pull_request", pullRequestPayload("opened"))).status).toBe(200);
      // Probot's throttle schedules GitHub requests through Redis: nothing is asked of GitHub yet.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(outage.count("createCheckRun")).toBe(0);
      redis = await RedisServer.start({ port: redisPort });
      await outage.waitFor((r) => r.route === "updateCheckRun", 20_000);
      expect(outage.checkRunList()).toEqual([
        expect.objectContaining({ status: "completed", conclusion: "failure" }),
      ]);
      await expect.poll(async () => (await health(cutOff)).status, { timeout: 5_000 }).toBe(200);
    },
    30_000,
  );

  it("on SIGTERM, completes the run of a review it could not finish within the grace, and exits 0", async () => {
    // The review hangs on its file listing: it cannot finish in 300 ms.
    inProcess.serve(riskyRepo({ hang: ["files"] }));
    expect((await local.send("pull_request", pullRequestPayload("opened"))).status).toBe(200);
    await inProcess.waitFor((r) => r.route === "files", 10_000);
    local.child.kill("SIGTERM");
    expect(await local.exited).toBe(0);
    const run = inProcess.checkRun(CHECK_RUN_ID) as {
      status: string;
      conclusion: string;
      output: { title: string };
    };
    expect(run).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(run.output.title).toMatch(/stopped \(SIGTERM\) before this review finished/);
  }, 30_000);
});
