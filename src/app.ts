// Probot entry point: which events start a review, and how each finds its pull request. The
// handlers hold no logic of their own (see github/review-pull-request.ts).

import type { Context, Probot } from "probot";
import { parseCommands } from "./approvals/commands.js";
import { shortId } from "./approvals/state.js";
import { ParseCache } from "./engine/parse-cache.js";
import { BlobCache } from "./github/contents.js";
import { type AppState, reviewPullRequest } from "./github/review-pull-request.js";
import { withRequestTimeout } from "./github/timeouts.js";
import type { Octokit, PullRequestRef } from "./github/types.js";
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

export function createState(app: Probot): AppState {
  let login: Promise<string> | undefined;
  return {
    blobs: new BlobCache(),
    parses: new ParseCache(),
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

export default function kubedelta(app: Probot): void {
  const state = createState(app);

  app.on("issue_comment.created", async (context) => {
    const number = commentedPullRequest(context.payload);
    const { comment } = context.payload;
    if (number === undefined || !comment.user || comment.user.login === (await state.botLogin())) return;
    const commands = parseCommands(comment.body ?? "");
    if (commands.length === 0) return;
    const pr = await pullRequestRef(context, context.octokit, number);
    const approver = { login: comment.user.login, type: comment.user.type ?? "User" };
    const reactTo = { kind: "issue" as const, id: comment.id };
    const command = { commentId: comment.id, reactTo, approver, commands, at: comment.created_at };
    await reviewPullRequest(context, pr, state, { command, publish: false });
  });

  app.on("pull_request_review.submitted", async (context) => {
    const { review, pull_request: pull } = context.payload;
    if (!review.user || review.user.login === (await state.botLogin())) return;
    const commands = parseCommands(review.body ?? "");
    if (commands.length === 0) return;
    const approver = { login: review.user.login, type: review.user.type ?? "User" };
    const command = { commentId: 0, approver, commands, at: review.submitted_at ?? new Date().toISOString() };
    await reviewPullRequest(context, refOf(context, pull), state, { command, publish: false });
  });

  // A reply in one of KubeDelta's threads: a bare /approve-risk approves that thread's finding.
  app.on("pull_request_review_comment.created", async (context) => {
    const { comment, pull_request: pull } = context.payload;
    if (!comment.user || comment.user.login === (await state.botLogin())) return;
    let commands = parseCommands(comment.body ?? "");
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
    const approver = { login: comment.user.login, type: comment.user.type ?? "User" };
    const reactTo = { kind: "review" as const, id: comment.id };
    const command = { commentId: 0, reactTo, approver, commands, at: comment.created_at };
    await reviewPullRequest(context, refOf(context, pull), state, { command, publish: false });
  });

  // An edited or deleted command, or a tampered acknowledgement, changes which approvals count.
  app.on(["issue_comment.edited", "issue_comment.deleted"], async (context) => {
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
  });

  app.on("check_run.requested_action", async (context) => {
    const { check_run: run, requested_action: action, sender } = context.payload;
    if (run.name !== CHECK_NAME || action?.identifier !== APPROVE_ACTION.identifier) return;
    const number = pullNumberOf(run.pull_requests, run.external_id);
    if (number === undefined) return;
    const pr = await pullRequestRef(context, context.octokit, number);
    const approver = { login: sender.login, type: sender.type ?? "User" };
    const command = {
      commentId: 0,
      approver,
      commands: [{ kind: "approve" as const, ids: [] }],
      at: new Date().toISOString(),
    };
    await reviewPullRequest(context, pr, state, { command, publish: false });
  });

  app.on(PULL_REQUEST_EVENTS, async (context) => {
    const { payload } = context;
    // An edit matters only when it moves the base branch: the change under review is then another.
    if (
      payload.action === "edited" &&
      !("changes" in payload && payload.changes && "base" in payload.changes)
    )
      return;
    await reviewPullRequest(context, refOf(context, payload.pull_request), state);
  });

  app.on("check_run.rerequested", async (context) => {
    const run = context.payload.check_run;
    if (run.name !== CHECK_NAME) return;
    const number = pullNumberOf(run.pull_requests, run.external_id);
    if (number === undefined) return;
    await reviewPullRequest(context, await pullRequestRef(context, context.octokit, number), state);
  });

  app.on("check_suite.rerequested", async (context) => {
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
  });
}
