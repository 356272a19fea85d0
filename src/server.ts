// The App's process (`npm start`, `node dist/server.js`): Probot configured from the environment as
// `probot run` reads it (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, WEBHOOK_PATH,
// GHE_HOST/GHE_PROTOCOL, HOST, which here defaults to every interface, PORT, LOG_LEVEL, REDIS_URL),
// the review queue's workers (BullMQ on REDIS_URL, in process without it), Probot's GET /ping and
// GET /healthz (whether the queue can take jobs), and a graceful stop on SIGTERM: no new job, the
// running ones get KUBEDELTA_SHUTDOWN_GRACE_MS, and a run still open then is completed as failed
// rather than left in progress.

import type { IncomingMessage, ServerResponse } from "node:http";
import { type Probot, run } from "probot";
import { receiveWebhooks, runWorkers } from "./app.js";
import { recoverBottleneckFromLostRedisState } from "./github/bottleneck-recovery.js";
import { LimitedOctokit } from "./github/octokit.js";
import type { AppState } from "./github/review-pull-request.js";
import { createQueue, QueueConfigError, queueConfig } from "./queue/settings.js";
import type { JobQueue } from "./queue/types.js";
import { errorOutput } from "./report/check-run.js";

export const HEALTH_PATH = "/healthz";

/** GET /healthz: 200 while the queue can take jobs (Redis answers), 503 otherwise or when stopping. */
function healthHandler(queue: JobQueue, stopping: () => boolean) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== "GET" || req.url?.split("?")[0] !== HEALTH_PATH) return false;
    const ok = !stopping() && (await queue.healthy());
    const body = { status: ok ? "ok" : stopping() ? "stopping" : "unavailable", queue: queue.backend };
    res.writeHead(ok ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(body));
    return true;
  };
}

/** What a run still open at the end of the grace period says. */
const STOPPED =
  "the KubeDelta process was stopped (SIGTERM) before this review finished; with Redis another " +
  "replica reviews the commit again, otherwise push again or use Re-run";

/** Beyond the grace period: time to complete open runs and close connections. */
const STOP_MARGIN_MS = 5_000;

async function main(): Promise<void> {
  let config: ReturnType<typeof queueConfig>;
  try {
    config = queueConfig();
  } catch (error) {
    if (!(error instanceof QueueConfigError)) throw error;
    console.error(`kubedelta: ${error.message}`);
    process.exit(1);
  }
  // `probot run` listens on localhost unless HOST says otherwise; the App's server is reached from
  // outside (a container, a load balancer), so it listens on every interface unless told.
  process.env.HOST ??= "0.0.0.0";
  // The throttle shared through Redis must survive Redis losing its keys (bottleneck-recovery.ts).
  recoverBottleneckFromLostRedisState();
  let queue: JobQueue | undefined;
  let state: AppState | undefined;
  let log: Probot["log"] | undefined;
  let stopping = false;
  const server = await run(
    (app, { addHandler }) => {
      log = app.log;
      queue = createQueue(config, app.log);
      receiveWebhooks(app, queue);
      state = runWorkers(app, queue);
      addHandler(healthHandler(queue, () => stopping));
      app.log.info(`review queue: ${queue.backend === "redis" ? "Redis (BullMQ)" : "in process"}`);
    },
    // Every client Probot makes has the request deadline on the wire and the rate-limit retries.
    { Octokit: LimitedOctokit },
  );

  process.once("SIGTERM", async () => {
    stopping = true;
    // Whatever hangs (a Redis that does not answer the goodbyes), the process ends.
    setTimeout(() => {
      log?.error("stopping took too long: exiting");
      process.exit(1);
    }, config.shutdownGraceMs + STOP_MARGIN_MS).unref();
    log?.info(`stopping: no new reviews; the running ones get ${config.shutdownGraceMs} ms`);
    const unfinished = (await queue?.close(config.shutdownGraceMs)) ?? 0;
    const completed = (await state?.openRuns.completeAll(errorOutput(STOPPED))) ?? 0;
    if (unfinished > 0) log?.warn({ unfinished, completed }, "reviews still running at the deadline");
    await Promise.race([server.stop(), new Promise((resolve) => setTimeout(resolve, 1_000))]);
    process.exit(0);
  });
}

await main();
