// Probot entry point: which events ask for a review, and the job each becomes. A handler only decodes
// its event and hands a job to the queue, so the webhook is answered at once; a worker (of any
// replica, with Redis) runs the job (queue/review-job.ts, github/review-pull-request.ts).

import type { Context, Probot } from "probot";
import { parseCommands } from "./approvals/commands.js";
import { ParseCache } from "./engine/parse-cache.js";
import { type CommandSource, commandEvent } from "./github/approvals.js";
import { recoverBottleneckFromLostRedisState } from "./github/bottleneck-recovery.js";
import { OpenRuns } from "./github/checks.js";
import { BlobCache } from "./github/contents.js";
import type { AppState } from "./github/review-pull-request.js";
import { withRequestTimeout } from "./github/timeouts.js";
import type { PublishLock, PullRequestRef } from "./github/types.js";
import { reviewJob } from "./queue/jobs.js";
import { MemoryLock } from "./queue/memory-lock.js";
import { MemoryQueue } from "./queue/memory-queue.js";
import { runReviewJob } from "./queue/review-job.js";
import { MAX_RESTARTS, queueConfig } from "./queue/settings.js";
import type { JobQueue, ReviewTarget, ReviewWork } from "./queue/types.js";
import { RenderCache } from "./render/render-cache.js";
import { type FoundTools, findTools } from "./render/tools.js";
import { APPROVE_ACTION, CHECK_NAME } from "./report/check-run.js";
import { docsBaseFromEnv } from "./rules/docs-url.js";

const PULL_REQUEST_EVENTS: (
  | "pull_request.opened"
  | "pull_request.synchronize"
  | "pull_request.reopened"
  | "pull_request.ready_for_review"
  | "pull_request.edited"
)[] = [
  "pull_request.opened",
  "pull_request.synchronize",
  "pull_request.reopened",
  "pull_request.ready_for_review",
  "pull_request.edited",
];

interface PullRequestPayload {
  number: number;
  base: { sha: string };
  head: { sha: string };
  user: { login: string } | null;
}

function refOf(context: Context, pull: PullRequestPayload): PullRequestRef {
  const { owner, repo } = context.repo();
  return {
    owner,
    repo,
    number: pull.number,
    baseSha: pull.base.sha,
    headSha: pull.head.sha,
    author: pull.user?.login ?? "",
  };
}

/** The PR a re-run is for: from the event, or (fork PRs arrive without it) from our external_id. */
function pullNumberOf(
  pullRequests: readonly { number: number }[],
  externalId: string | null | undefined,
): number | undefined {
  if (pullRequests.length > 0) return pullRequests[0].number;
  const number = Number(externalId);
  return Number.isInteger(number) && number > 0 ? number : undefined;
}

/**
 * kustomize and helm, looked for on the first render of the process and then known; a lookup that
 * misses a tool is made again on the next render (Helm's on-demand extraction may have failed once).
 */
function toolsFoundOnce(): () => Promise<FoundTools> {
  let found: Promise<FoundTools> | undefined;
  return () => {
    if (found === undefined) {
      const lookup = findTools();
      found = lookup;
      lookup.then((tools) => {
        if ((!tools.kustomize || !tools.helm) && found === lookup) found = undefined;
      });
    }
    return found;
  };
}

export function createState(app: Probot, lock: PublishLock = new MemoryLock()): AppState {
  let login: Promise<string> | undefined;
  return {
    blobs: new BlobCache(),
    parses: new ParseCache(),
    renders: new RenderCache({ tools: toolsFoundOnce() }),
    botLogin: () => {
      login ??= app
        .auth()
        // Under a deadline like every other call: a hung lookup must not hang the review.
        .then((octokit) => withRequestTimeout(octokit).rest.apps.getAuthenticated())
        .then(({ data }) => `${data?.slug}[bot]`);
      // A failed lookup is retried on the next event rather than cached.
      login.catch(() => {
        login = undefined;
      });
      return login;
    },
    lock,
    openRuns: new OpenRuns(),
    // A bad KUBEDELTA_DOCS_URL stops the app at startup rather than breaking every link.
    docsBase: docsBaseFromEnv(process.env),
  };
}

/** The PR an issue comment belongs to, or undefined for comments on plain issues. */
function commentedPullRequest(payload: {
  issue: { number: number; pull_request?: unknown };
}): number | undefined {
  return payload.issue.pull_request ? payload.issue.number : undefined;
}

/** The origin of a command, as its job's identity names it. */
function originOf(source: CommandSource, deliveryId: string, reviewId?: number): string {
  switch (source.kind) {
    case "issue-comment":
    case "review-comment":
      return `${source.kind}-${source.id}`;
    case "review":
      return `review-${reviewId}`;
    case "button":
      return `button-${deliveryId}`;
  }
}

/** The webhook side: every event that asks for a review becomes a job on `queue`. */
export function receiveWebhooks(app: Probot, queue: JobQueue): void {
  async function enqueue(context: Context, target: ReviewTarget, work: ReviewWork): Promise<void> {
    const installationId = (context.payload as { installation?: { id: number } }).installation?.id;
    // Without an installation there is no client to review with: nothing GitHub could show.
    if (installationId === undefined) return;
    const { owner, repo } = context.repo();
    const job = reviewJob({ installationId, owner, repo, target, work, deliveryId: context.id });
    const taken = await queue.add(job);
    context.log.debug({ job: job.key, taken }, "review job");
  }

  app.on("issue_comment.created", async (context) => {
    const number = commentedPullRequest(context.payload);
    const { comment } = context.payload;
    if (number === undefined || !comment.user) return;
    const commands = parseCommands(comment.body ?? "");
    if (commands.length === 0) return;
    const source = { kind: "issue-comment", id: comment.id } as const;
    const command = commandEvent(source, comment.user, commands, comment.created_at);
    await enqueue(
      context,
      { kind: "number", number },
      { kind: "command", command, origin: originOf(source, context.id) },
    );
  });

  app.on("pull_request_review.submitted", async (context) => {
    const { review, pull_request: pull } = context.payload;
    if (!review.user) return;
    const commands = parseCommands(review.body ?? "");
    if (commands.length === 0) return;
    const at = review.submitted_at ?? new Date().toISOString();
    const source = { kind: "review" } as const;
    const command = commandEvent(source, review.user, commands, at);
    const origin = originOf(source, context.id, review.id);
    await enqueue(context, { kind: "head", pr: refOf(context, pull) }, { kind: "command", command, origin });
  });

  // A reply in one of KubeDelta's threads: a bare /approve-risk approves that thread's finding.
  app.on("pull_request_review_comment.created", async (context) => {
    const { comment, pull_request: pull } = context.payload;
    if (!comment.user) return;
    const commands = parseCommands(comment.body ?? "");
    if (commands.length === 0) return;
    const source = { kind: "review-comment", id: comment.id } as const;
    const command = commandEvent(source, comment.user, commands, comment.created_at);
    const work: ReviewWork = {
      kind: "command",
      command,
      origin: originOf(source, context.id),
      ...(comment.in_reply_to_id ? { threadRoot: comment.in_reply_to_id } : {}),
    };
    await enqueue(context, { kind: "head", pr: refOf(context, pull) }, work);
  });

  // An edited or deleted command, or a tampered acknowledgement, changes which approvals count.
  app.on(["issue_comment.edited", "issue_comment.deleted"], async (context) => {
    const number = commentedPullRequest(context.payload);
    if (number === undefined) return;
    const { comment } = context.payload;
    const before = "changes" in context.payload ? (context.payload.changes?.body?.from ?? "") : "";
    const commands = parseCommands(comment.body ?? "").length > 0 || parseCommands(before).length > 0;
    // Without commands, only KubeDelta's own comment (an acknowledgement) matters: a bot's.
    if (!commands && comment.user?.type !== "Bot") return;
    const work: ReviewWork = commands
      ? { kind: "rejudge" }
      : { kind: "rejudge", ifOurs: comment.user?.login ?? "" };
    await enqueue(context, { kind: "number", number }, work);
  });

  app.on("check_run.requested_action", async (context) => {
    const { check_run: run, requested_action: action, sender } = context.payload;
    if (run.name !== CHECK_NAME || action?.identifier !== APPROVE_ACTION.identifier) return;
    const number = pullNumberOf(run.pull_requests, run.external_id);
    if (number === undefined) return;
    // The button does what a bare `/approve-risk` does, for whoever pressed it.
    const source = { kind: "button" } as const;
    const command = commandEvent(source, sender, [{ kind: "approve", ids: [] }], new Date().toISOString());
    await enqueue(
      context,
      { kind: "number", number },
      { kind: "command", command, origin: originOf(source, context.id) },
    );
  });

  app.on(PULL_REQUEST_EVENTS, async (context) => {
    const { payload } = context;
    // An edit matters only when it moves the base branch: the change under review is then another.
    if (
      payload.action === "edited" &&
      !("changes" in payload && payload.changes && "base" in payload.changes)
    )
      return;
    await enqueue(context, { kind: "head", pr: refOf(context, payload.pull_request) }, { kind: "review" });
  });

  app.on("check_run.rerequested", async (context) => {
    const run = context.payload.check_run;
    if (run.name !== CHECK_NAME) return;
    const number = pullNumberOf(run.pull_requests, run.external_id);
    if (number === undefined) return;
    await enqueue(context, { kind: "number", number }, { kind: "review", rerun: true });
  });

  app.on("check_suite.rerequested", async (context) => {
    const suite = context.payload.check_suite;
    const number = pullNumberOf(suite.pull_requests, undefined);
    const target: ReviewTarget =
      number === undefined ? { kind: "suite", suiteId: suite.id } : { kind: "number", number };
    await enqueue(context, target, { kind: "review", rerun: true });
  });
}

/** How often runs this process could not complete are tried again. */
const OWED_RUNS_INTERVAL_MS = 30_000;

/** The worker side: this process runs the jobs of `queue` (any replica's, with Redis). */
export function runWorkers(
  app: Probot,
  queue: JobQueue,
  state: AppState = createState(app, queue.lock),
): AppState {
  const { settings } = queue;
  queue.process((data, attempt) =>
    runReviewJob(data, attempt, {
      octokitFor: (installationId) => app.auth(installationId),
      log: app.log.child({ delivery: data.deliveryId, attempt: attempt.number }),
      state,
      settings,
      maxRestarts: MAX_RESTARTS,
    }),
  );
  queue.on("failed", (data, error) =>
    app.log.error({ err: error, delivery: data.deliveryId }, "review job failed"),
  );
  // Runs that could not be completed (GitHub unreachable) are completed as soon as it answers again.
  setInterval(() => {
    if (state.openRuns.owed > 0) state.openRuns.completeOwed().catch(() => {});
  }, OWED_RUNS_INTERVAL_MS).unref();
  return state;
}

/**
 * Webhooks and workers in one process on the in-process queue: what `probot run ./dist/app.js` and
 * Probot's middleware load. The App's own process (server.ts) chooses Redis when REDIS_URL is set.
 */
export default function kubedelta(app: Probot): void {
  // With REDIS_URL, Probot's throttle lives in Redis: it must survive Redis losing its keys.
  recoverBottleneckFromLostRedisState();
  const queue = new MemoryQueue(queueConfig());
  receiveWebhooks(app, queue);
  runWorkers(app, queue);
}
