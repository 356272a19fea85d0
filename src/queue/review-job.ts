// What a worker does with a review job: rebuild the installation's client from the job (any replica
// can run it), find the pull request the event named, and review it. A job that keeps stopping midway
// gives up with a failing check, and a retry first completes the runs an earlier attempt left open.

import { shortId } from "../engine/ids.js";
import type { CommandEvent } from "../github/approvals.js";
import { probotConfigReader } from "../github/policy.js";
import {
  type AppState,
  abandonReview,
  type ReviewOptions,
  reviewPullRequest,
} from "../github/review-pull-request.js";
import { withRequestTimeout } from "../github/timeouts.js";
import type { GitHubSession, Log, Octokit, PullRequestRef, RepoRef } from "../github/types.js";
import { CHECK_NAME } from "../report/check-run.js";
import { markedFingerprints } from "../report/review-comments.js";
import {
  type Attempt,
  backoffDelay,
  isFinal,
  type QueueSettings,
  type ReviewJobData,
  type ReviewTarget,
} from "./types.js";

export interface ReviewWorker {
  /** An installation's client (Probot's `app.auth(installationId)`). */
  octokitFor: (installationId: number) => Promise<Octokit>;
  log: Log;
  state: AppState;
  settings: Pick<QueueSettings, "backoffMs" | "retryable">;
  /** Runs that may stop midway before the next run gives up (see settings.ts). */
  maxRestarts: number;
}

async function pullRequest(octokit: Octokit, repo: RepoRef, number: number): Promise<PullRequestRef> {
  const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: number });
  return {
    ...repo,
    number,
    baseSha: data.base.sha,
    headSha: data.head.sha,
    author: data.user?.login ?? "",
  };
}

/** The pull request and head to review; undefined when the event names none we can find. */
async function resolve(
  octokit: Octokit,
  repo: RepoRef,
  target: ReviewTarget,
): Promise<PullRequestRef | undefined> {
  if (target.kind === "head") return target.pr;
  if (target.kind === "number") return pullRequest(octokit, repo, target.number);
  // A fork PR's suite names no PR: our previous run in it carries the number.
  const { data } = await octokit.rest.checks.listForSuite({
    ...repo,
    check_suite_id: target.suiteId,
    check_name: CHECK_NAME,
  });
  const number = Number(data.check_runs[0]?.external_id);
  return Number.isInteger(number) && number > 0 ? pullRequest(octokit, repo, number) : undefined;
}

/** A bare `/approve-risk` replying in one of our threads approves that thread's finding. */
async function inThread(
  octokit: Octokit,
  repo: RepoRef,
  root: number,
  botLogin: string,
  command: CommandEvent,
) {
  const { data } = await octokit.rest.pulls.getReviewComment({ ...repo, comment_id: root });
  const [fingerprint] = data.user?.login === botLogin ? markedFingerprints(data.body) : [];
  if (!fingerprint) return command;
  const commands = command.commands.map((c) =>
    c.kind === "approve" && c.ids.length === 0 ? { ...c, ids: [shortId(fingerprint)] } : c,
  );
  return { ...command, commands };
}

/** What the job asks of the review; undefined when there is nothing to do (our own comment). */
async function optionsOf(
  data: ReviewJobData,
  octokit: Octokit,
  botLogin: string,
): Promise<ReviewOptions | undefined> {
  const { work } = data;
  const repo = { owner: data.owner, repo: data.repo };
  switch (work.kind) {
    case "review":
      return { supersede: work.rerun === true };
    case "rejudge":
      return work.ifOurs === undefined || work.ifOurs === botLogin ? { publish: false } : undefined;
    case "command": {
      // KubeDelta's own replies quote commands; they are not commands.
      if (work.command.approver.login === botLogin) return undefined;
      const command =
        work.threadRoot === undefined
          ? work.command
          : await inThread(octokit, repo, work.threadRoot, botLogin, work.command);
      return { command, publish: false };
    }
  }
}

export async function runReviewJob(
  data: ReviewJobData,
  attempt: Attempt,
  worker: ReviewWorker,
): Promise<void> {
  const { state, settings } = worker;
  const repo = { owner: data.owner, repo: data.repo };
  // Under the request deadline from the first call on, so that no lookup can hang the job.
  const octokit = withRequestTimeout(await worker.octokitFor(data.installationId));
  const options = await optionsOf(data, octokit, await state.botLogin());
  if (!options) return;
  const pr = await resolve(octokit, repo, data.target);
  if (!pr) return;
  const session: GitHubSession = {
    octokit,
    log: worker.log,
    readConfig: probotConfigReader(octokit, repo, worker.log, data.deliveryId),
  };
  if (attempt.restarts >= worker.maxRestarts) {
    const why =
      `the review of this commit stopped ${attempt.restarts} times before it finished (the worker ` +
      "running it was stopped or lost Redis each time)";
    await abandonReview(session, pr, state, why);
    return;
  }
  const final = isFinal(attempt);
  const next = attempt.number + 1;
  const retrying = (error: unknown) =>
    !final && settings.retryable(error)
      ? `KubeDelta tries again in ${Math.round(backoffDelay(settings, next) / 1000)} s, attempt ${next} of ${attempt.of}`
      : undefined;
  // An earlier attempt may have died with its run in progress: complete it along the way.
  const supersede = options.supersede || attempt.number > 1 || attempt.restarts > 0;
  await reviewPullRequest(session, pr, state, { ...options, supersede, retrying });
}
