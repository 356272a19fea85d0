// The real KubeDelta app as it runs in production: Probot configured from the environment
// (GHE_HOST/GHE_PROTOCOL point it at the fake GitHub), behind Probot's node middleware, behind a
// node:http server on 127.0.0.1, with its review queue: in process, or on a real Redis shared by
// several of these (replicas). Only the transport is real; nothing of the app is stubbed.

import { generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, createProbot, type Probot, ProbotOctokit } from "probot";
import { receiveWebhooks, runWorkers } from "../../src/app.js";
import { MemoryQueue } from "../../src/queue/memory-queue.js";
import type { RedisQueueOptions } from "../../src/queue/redis-queue.js";
import { isRetryable } from "../../src/queue/retryable.js";
import { createQueue, queueConfig } from "../../src/queue/settings.js";
import type { JobQueue, QueueSettings } from "../../src/queue/types.js";
import { APP_ID } from "./server.js";
import { type DeliveryResult, deliver } from "./webhooks.js";

export const WEBHOOK_SECRET = "fake-webhook-secret";
export const WEBHOOK_PATH = "/api/github/webhooks";

let privateKey: string | undefined;

/** One RSA key per process: generating it takes tens of milliseconds. */
function appPrivateKey(): string {
  privateKey ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
  return privateKey;
}

// Probot layers its own throttle options over an object, so only a function switches throttling
// (1 s between writes) and retries off (TOOLCHAIN.md, gotcha 1).
const UnthrottledOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...(options.throttle as object), enabled: false },
}));

export interface AppOptions {
  /** host:port of the fake GitHub. */
  githubHost: string;
  /** Keep Probot's default throttling and retries (production behaviour). */
  throttle?: boolean;
  /** A replica on this Redis (BullMQ); the in-process queue without it. */
  redisUrl?: string;
  /** Queue settings over the test defaults (one attempt, 4 jobs at once), and Redis timings. */
  queue?: Partial<QueueSettings & RedisQueueOptions>;
}

export interface RunningApp {
  webhookUrl: string;
  /** Delivers an event signed with the app's secret (or `secret`; null: unsigned). */
  send(event: string, payload: Record<string, unknown>, secret?: string | null): Promise<DeliveryResult>;
  queue: JobQueue;
  /** Resolves once the queue has nothing waiting or running (with Redis: any replica's). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Tests default to one attempt: a failure shows at once, as it did before there was a queue. */
function testQueue(options: AppOptions): JobQueue {
  const settings = { concurrency: 4, attempts: 1, backoffMs: 10, retryable: isRetryable, ...options.queue };
  if (!options.redisUrl) return new MemoryQueue(settings);
  const config = { ...queueConfig({}), ...settings, redisUrl: options.redisUrl };
  return createQueue(config, { info() {}, warn() {}, error() {} }, options.queue);
}

export async function startApp(options: AppOptions): Promise<RunningApp> {
  const probot = createProbot({
    // Only these variables: nothing of the developer's environment (REDIS_URL, a real APP_ID) leaks in.
    env: {
      APP_ID: String(APP_ID),
      PRIVATE_KEY: appPrivateKey(),
      WEBHOOK_SECRET,
      GHE_HOST: options.githubHost,
      GHE_PROTOCOL: "http",
      LOG_LEVEL: "fatal",
    },
    overrides: options.throttle ? {} : { Octokit: UnthrottledOctokit },
  });
  const queue = testQueue(options);
  const middleware = await createNodeMiddleware(
    (app: Probot) => {
      receiveWebhooks(app, queue);
      runWorkers(app, queue);
    },
    { probot },
  );
  const server: Server = createServer((req, res) => {
    middleware(req, res, () => {
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${WEBHOOK_PATH}`;
  return {
    webhookUrl,
    send: (event, payload, secret = WEBHOOK_SECRET) => deliver(webhookUrl, { event, payload, secret }),
    queue,
    idle: () => queue.idle(),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue.close(0);
    },
  };
}
