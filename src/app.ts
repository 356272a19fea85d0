// Probot entry point: which events start a review, and how each finds its pull request. The
// handlers hold no logic of their own (see github/review-pull-request.ts).

import type { Context, Probot } from "probot";
import { type ApprovalCommand, parseCommands } from "./approvals/commands.js";
import { shortId } from "./engine/ids.js";
import { ParseCache } from "./engine/parse-cache.js";
import { commandEvent } from "./github/approvals.js";
import { BlobCache } from "./github/contents.js";
import { type AppState, reviewPullRequest } from "./github/review-pull-request.js";
import { withRequestTimeout } from "./github/timeouts.js";
import type { Octokit, PullRequestRef } from "./github/types.js";
import { RenderCache } from "./render/render-cache.js";
import { type FoundTools, findTools } from "./render/tools.js";
import { APPROVE_ACTION, CHECK_NAME } from "./report/check-run.js";
import { markedFingerprints } from "./report/review-comments.js";

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

async function pullRequestRef(context: Context, octokit: Octokit, number: number): Promise<PullRequestRef> {
  const { data } = await octokit.rest.pulls.get({ ...context.repo(), pull_number: number });
  return refOf(context, data);
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

export function createState(app: Probot): AppState {
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
  };
}

/** The PR an issue comment belongs to, or undefined for comments on plain issues. */
function commentedPullRequest(payload: {
  issue: { number: number; pull_request?: unknown };
}): number | undefined {
  return payload.issue.pull_request ? payload.issue.number : undefined;
}

/**
 * A handler whose GitHub calls all run under the request deadline: it is installed before the
 * handler's first call (looking up the pull request, a review comment or a check suite), not only
 * once the review starts, so that a request GitHub never answers cannot hang any event.
 */
function withDeadline<C extends { octokit: Octokit }>(
  handler: (context: C) => Promise<void>,
): (context: C) => Promise<void> {
  return async (context) => {
    withRequestTimeout(context.octokit);
    await handler(context);
  };
}

export default function kubedelta(app: Probot): void {
  const state = createState(app);

  /** The commands `user` wrote in a body; none when the user is KubeDelta itself. */
  async function commandsOf(
    user: { login: string },
    body: string | null | undefined,
  ): Promise<ApprovalCommand[]> {
    if (user.login === (await state.botLogin())) return [];
    return parseCommands(body ?? "");
  }

  app.on(
    "issue_comment.created",
    withDeadline(async (context) => {
      const number = commentedPullRequest(context.payload);
      const { comment } = context.payload;
      if (number === undefined || !comment.user) return;
      const commands = await commandsOf(comment.user, comment.body);
      if (commands.length === 0) return;
      const pr = await pullRequestRef(context, context.octokit, number);
      const source = { kind: "issue-comment", id: comment.id } as const;
      const command = commandEvent(source, comment.user, commands, comment.created_at);
      await reviewPullRequest(context, pr, state, { command, publish: false });
    }),
  );

  app.on(
    "pull_request_review.submitted",
    withDeadline(async (context) => {
      const { review, pull_request: pull } = context.payload;
      if (!review.user) return;
      const commands = await commandsOf(review.user, review.body);
      if (commands.length === 0) return;
      const at = review.submitted_at ?? new Date().toISOString();
      const command = commandEvent({ kind: "review" }, review.user, commands, at);
      await reviewPullRequest(context, refOf(context, pull), state, { command, publish: false });
    }),
  );

  // A reply in one of KubeDelta's threads: a bare /approve-risk approves that thread's finding.
  app.on(
    "pull_request_review_comment.created",
    withDeadline(async (context) => {
      const { comment, pull_request: pull } = context.payload;
      if (!comment.user) return;
      let commands = await commandsOf(comment.user, comment.body);
      if (commands.length === 0) return;
      if (comment.in_reply_to_id) {
        const { data: root } = await context.octokit.rest.pulls.getReviewComment({
          ...context.repo(),
          comment_id: comment.in_reply_to_id,
        });
        const [fingerprint] =
          root.user?.login === (await state.botLogin()) ? markedFingerprints(root.body) : [];
        if (fingerprint) {
          commands = commands.map((c) =>
            c.kind === "approve" && c.ids.length === 0 ? { ...c, ids: [shortId(fingerprint)] } : c,
          );
        }
      }
      const source = { kind: "review-comment", id: comment.id } as const;
      const command = commandEvent(source, comment.user, commands, comment.created_at);
      await reviewPullRequest(context, refOf(context, pull), state, { command, publish: false });
    }),
  );

  // An edited or deleted command, or a tampered acknowledgement, changes which approvals count.
  app.on(
    ["issue_comment.edited", "issue_comment.deleted"],
    withDeadline(async (context) => {
      const number = commentedPullRequest(context.payload);
      if (number === undefined) return;
      const { comment } = context.payload;
      const before = "changes" in context.payload ? (context.payload.changes?.body?.from ?? "") : "";
      const relevant =
        comment.user?.login === (await state.botLogin()) ||
        parseCommands(comment.body ?? "").length > 0 ||
        parseCommands(before).length > 0;
      if (!relevant) return;
      await reviewPullRequest(context, await pullRequestRef(context, context.octokit, number), state, {
        publish: false,
      });
    }),
  );

  app.on(
    "check_run.requested_action",
    withDeadline(async (context) => {
      const { check_run: run, requested_action: action, sender } = context.payload;
      if (run.name !== CHECK_NAME || action?.identifier !== APPROVE_ACTION.identifier) return;
      const number = pullNumberOf(run.pull_requests, run.external_id);
      if (number === undefined) return;
      const pr = await pullRequestRef(context, context.octokit, number);
      // The button does what a bare `/approve-risk` does, for whoever pressed it.
      const commands: ApprovalCommand[] = [{ kind: "approve", ids: [] }];
      const command = commandEvent({ kind: "button" }, sender, commands, new Date().toISOString());
      await reviewPullRequest(context, pr, state, { command, publish: false });
    }),
  );

  app.on(
    PULL_REQUEST_EVENTS,
    withDeadline(async (context) => {
      const { payload } = context;
      // An edit matters only when it moves the base branch: the change under review is then another.
      if (
        payload.action === "edited" &&
        !("changes" in payload && payload.changes && "base" in payload.changes)
      )
        return;
      await reviewPullRequest(context, refOf(context, payload.pull_request), state);
    }),
  );

  app.on(
    "check_run.rerequested",
    withDeadline(async (context) => {
      const run = context.payload.check_run;
      if (run.name !== CHECK_NAME) return;
      const number = pullNumberOf(run.pull_requests, run.external_id);
      if (number === undefined) return;
      await reviewPullRequest(context, await pullRequestRef(context, context.octokit, number), state);
    }),
  );

  app.on(
    "check_suite.rerequested",
    withDeadline(async (context) => {
      const suite = context.payload.check_suite;
      let number = pullNumberOf(suite.pull_requests, undefined);
      if (number === undefined) {
        // A fork PR's suite names no PR: find our previous run in it, which carries the number.
        const { data } = await context.octokit.rest.checks.listForSuite({
          ...context.repo(),
          check_suite_id: suite.id,
          check_name: CHECK_NAME,
        });
        number = pullNumberOf([], data.check_runs[0]?.external_id);
      }
      if (number === undefined) return;
      await reviewPullRequest(context, await pullRequestRef(context, context.octokit, number), state);
    }),
  );
}
