// One review of one pull request head: start the check run, read what changed, run the engine,
// post the review, complete the check run. Whatever breaks, the check run ends `failure` with a
// title that says what went wrong: a required check never goes green on an error. It needs no
// webhook: a queue's worker runs it with a client of the installation (GitHubSession).

import { utcDay } from "../engine/exceptions.js";
import type { ParseCache } from "../engine/parse-cache.js";
import { type ReviewInput, review } from "../engine/review.js";
import { clip } from "../engine/text.js";
import type { ReviewResult } from "../engine/types.js";
import { PolicyError } from "../policy/load.js";
import type { Policy } from "../policy/types.js";
import type { RenderCache } from "../render/render-cache.js";
import { type RenderSummary, reviewWithRendering } from "../render/review-change.js";
import { approversOf } from "../report/approvals.js";
import { type CheckRunOutput, checkRunOutput, errorOutput, noManifestOutput } from "../report/check-run.js";
import { planReview } from "../report/review-comments.js";
import { type RuleCatalog, ruleCatalog } from "../rules/catalog.js";
import { acknowledgements, answerCommands, appliedApprovals, type CommandEvent } from "./approvals.js";
import { completeCheckRun, type OpenRuns, runsInProgress, startCheckRun, supersedeRuns } from "./checks.js";
import { type BlobCache, BlobMismatchError, MissingFileError } from "./contents.js";
import { pullRequestLineUrls } from "./links.js";
import { loadRepositoryPolicy } from "./policy.js";
import { GITHUB_MAX_LISTED_FILES, listPullFiles, type PullFile } from "./pull-files.js";
import { renderProblemTitle } from "./render-title.js";
import { type Inputs, isManifestFile, readInputs } from "./review-inputs.js";
import { postedFindings, postReview, resolveFixedThreads } from "./reviews.js";
import { RequestTimeoutError, withRequestTimeout } from "./timeouts.js";
import type { GitHubSession, PublishLock, PullRequestRef, RepoRef } from "./types.js";

/**
 * What outlives one event: caches (blobs by sha, parses by content, renders), the bot's identity, the
 * lock that lets one worker at a time publish on a pull request, and the runs not yet completed.
 */
export interface AppState {
  blobs: BlobCache;
  parses: ParseCache;
  /** One per process: a render is never run twice for the same inputs, and the tools are found once. */
  renders: RenderCache;
  /** The login KubeDelta comments as (`<app-slug>[bot]`). */
  botLogin: () => Promise<string>;
  /** Shared by every worker that may review the same pull request (Redis with several replicas). */
  lock: PublishLock;
  /** The check runs this process started and has not completed: what a forced shutdown completes. */
  openRuns: OpenRuns;
  /** Where rule links point (KUBEDELTA_DOCS_URL, checked at startup; rules/docs-url.ts). */
  docsBase: string;
}

/** The app's slug: the check runs GitHub lists as ours carry it. */
const slugOf = (login: string) => login.replace(/\[bot\]$/, "");

/** The lock a pull request's reviews are published under. */
export const publishLockKey = (pr: RepoRef & { number: number }) =>
  `review:${pr.owner}/${pr.repo}#${pr.number}`;

/** What the check says when only the changed files could be read: the rules not run, and why. */
function partialContextNote(result: ReviewResult, why: string): string {
  const skipped = result.notRun ?? [];
  const notRun =
    skipped.length > 0 ? `Not run: ${skipped.join(", ")}, which need the whole repository. ` : "";
  return `${notRun}RBAC chains (bindings, roles, the pods of service accounts) follow the changed files only (${why}).`;
}

/** A problem the check run should name in its title. */
class ReviewStopped extends Error {}

/**
 * Posts the review of this head commit unless one is there already. Called under the pull request's
 * lock, so two workers that reviewed the same commit (a duplicate delivery, a retry racing a stalled
 * attempt) cannot both find none and both post.
 */
async function publishReview(
  session: GitHubSession,
  pr: PullRequestRef,
  files: PullFile[],
  result: ReviewResult,
  state: AppState,
  catalog: RuleCatalog,
) {
  const { octokit } = session;
  const posted = await postedFindings(octokit, pr, await state.botLogin());
  if (posted.reviewedCommits.has(pr.headSha)) return;
  const plan = planReview(result, {
    files,
    alreadyCommented: posted.fingerprints,
    rules: catalog.byId,
    docsUrl: catalog.docsUrl,
  });
  if (plan) await postReview(octokit, pr, plan);
  // A finding that is gone from a review that read every file was fixed: close its thread. (After
  // an input error, a finding may be gone only because its file could not be read.)
  if (result.errors.length > 0) return;
  // An excepted finding is accepted for a while, not fixed: its thread stays open.
  const current = new Set(
    [...result.findings, ...result.excepted.map((e) => e.finding)].map((f) => f.fingerprint),
  );
  const fixed = posted.inline.filter(
    (c) => c.fingerprints.length > 0 && c.fingerprints.every((fp) => !current.has(fp)),
  );
  if (fixed.length === 0) return;
  try {
    await resolveFixedThreads(octokit, pr, new Set(fixed.map((c) => c.id)));
  } catch (error) {
    // Tidying up must not turn a computed verdict into an error.
    session.log.warn({ err: error }, "resolving fixed threads failed");
  }
}

/** What started the review, beyond a push: an /approve-risk command, and whether to comment. */
export interface ReviewOptions {
  command?: CommandEvent;
  /** Post the inline review (default). Approval events only re-judge the check. */
  publish?: boolean;
  /**
   * First complete KubeDelta's runs on this head that are still in progress (superseded): set on a
   * re-run and on a retry, whose earlier attempt may have died with its run open.
   */
  supersede?: boolean;
  /**
   * Whether this error will be retried, and if so what the failed run should say about it (the run
   * is completed either way, and the error rethrown for the caller to retry).
   */
  retrying?: (error: unknown) => string | undefined;
}

/** The engine's verdict on the inputs, rendering the targets the change touches when it renders. */
async function judge(
  inputs: Inputs,
  policy: Policy,
  catalog: RuleCatalog,
  state: AppState,
): Promise<{ result: ReviewResult; rendering?: RenderSummary }> {
  const input: ReviewInput = {
    base: inputs.base,
    head: inputs.head,
    chartRoots: inputs.chartRoots,
    policy,
    rules: catalog.rules,
    cache: state.parses,
    // Today in UTC decides which exceptions have expired (the engine itself has no clock).
    today: utcDay(new Date()),
    // With partial context the engine does not run the rules that need the whole repository.
    partialContext: inputs.partialContext !== undefined,
  };
  if (!inputs.render) return { result: review(input) };
  return reviewWithRendering({
    review: input,
    ...inputs.render,
    settings: policy.render,
    cache: state.renders,
  });
}

/** The check's title names the first target that could not be rendered, and why. */
function withRenderProblem(output: CheckRunOutput, result: ReviewResult, rendered: boolean): CheckRunOutput {
  const title = rendered ? renderProblemTitle(output.title, result.errors) : undefined;
  return title === undefined ? output : { ...output, title };
}

/** The check says the review could not be posted: it fails, whatever the verdict was. */
function unpublished(output: CheckRunOutput): CheckRunOutput {
  return {
    ...output,
    conclusion: "failure",
    title: clip(`${output.title}; the review could not be posted`, 255),
  };
}

/** Acknowledged already: a retry, or a redelivery, of a command whose reply is in the conversation. */
function answered(known: readonly { commandId: number }[], command: CommandEvent): boolean {
  return command.commentId > 0 && known.some((ack) => ack.commandId === command.commentId);
}

async function evaluate(
  session: GitHubSession,
  pr: PullRequestRef,
  state: AppState,
  options: ReviewOptions,
): Promise<CheckRunOutput> {
  const { octokit } = session;
  let policy: Policy;
  try {
    policy = await loadRepositoryPolicy(session.readConfig);
  } catch (error) {
    if (error instanceof PolicyError)
      throw new ReviewStopped(`invalid configuration: ${error.problems.join("; ")}`);
    throw new ReviewStopped(
      `cannot read .github/kubedelta.yml: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const files = await listPullFiles(octokit, pr);
  if (files.length >= GITHUB_MAX_LISTED_FILES) {
    throw new ReviewStopped(
      `the pull request changes ${GITHUB_MAX_LISTED_FILES} files or more: GitHub lists no more, so it cannot be reviewed whole`,
    );
  }
  const manifests = files.filter((file) => isManifestFile(file, policy));
  if (manifests.length > policy.limits.maxFiles) {
    throw new ReviewStopped(
      `${manifests.length} changed manifest files, over limits.maxFiles (${policy.limits.maxFiles})`,
    );
  }

  const inputs = await readInputs(octokit, pr, manifests, files, policy, state.blobs);
  if (inputs.kind === "nothing") return noManifestOutput();
  if (inputs.kind === "stopped") throw new ReviewStopped(inputs.reason);
  const catalog = ruleCatalog(policy, state.docsBase);
  const { result, rendering } = await judge(inputs, policy, catalog, state);
  // Rendering found that no target reads what changed, and no manifest changed either. (A target
  // that reads it but cannot be rendered is an error: never a pass.)
  if (manifests.length === 0 && rendering?.affected.length === 0 && result.errors.length === 0)
    return noManifestOutput();
  const { partialContext } = inputs;
  let note = [inputs.note, partialContext && partialContextNote(result, partialContext)]
    .filter(Boolean)
    .join(" ");
  // Approvals live in the conversation; reading them is part of the verdict, so failing to read
  // them fails the check (closed) like any other read.
  const known = await acknowledgements(octokit, pr, await state.botLogin());
  const fresh =
    options.command && !answered(known, options.command)
      ? await answerCommands(octokit, pr, result, policy, known, options.command)
      : [];
  const approvals = appliedApprovals(result, policy, [...known, ...fresh], pr.headSha);
  const output = {
    rules: catalog.byId,
    docsUrl: catalog.docsUrl,
    headFiles: new Set([...inputs.head.keys(), ...inputs.headPaths]),
    approvals,
    // The summary links each finding to its line in the commit it was read from, and says who may
    // approve, from the same settings that decide it.
    lineUrl: pullRequestLineUrls(octokit, pr, { base: inputs.mergeBase, head: pr.headSha }),
    approvers: approversOf(policy.approvals),
  };
  const outcome = () =>
    withRenderProblem(checkRunOutput(result, { ...output, note }), result, rendering !== undefined);
  if (options.publish === false) return outcome();
  try {
    // Findings on rendered resources sit on any changed file: templates, values, patches.
    await state.lock.withLock(publishLockKey(pr), () =>
      publishReview(session, pr, files, result, state, catalog),
    );
  } catch (error) {
    // Retried whole, if it will be: the next attempt finds no review on this commit and posts it.
    if (options.retrying?.(error) !== undefined) throw error;
    // Not retried: the check fails and says why, and its summary lists every finding.
    session.log.warn({ err: error }, "posting the review failed");
    const why = error instanceof Error ? error.message : String(error);
    note = [note, `The inline review could not be posted (${why}); every finding is listed below.`]
      .filter(Boolean)
      .join(" ");
    return unpublished(outcome());
  }
  return outcome();
}

function describe(error: unknown): string {
  // Problems we know how to name are named; anything else is a bug and says so.
  if (
    error instanceof ReviewStopped ||
    error instanceof RequestTimeoutError ||
    error instanceof MissingFileError ||
    error instanceof BlobMismatchError
  ) {
    return error.message;
  }
  // @octokit/graphql's GraphqlResponseError: GitHub answered 200 with errors instead of the data.
  const graphqlErrors = (error as { name?: string; errors?: { message?: string }[] }).errors;
  if ((error as { name?: string }).name === "GraphqlResponseError" && Array.isArray(graphqlErrors)) {
    return `GitHub's GraphQL API answered with errors: ${graphqlErrors.map((e) => e.message).join("; ")}`;
  }
  const status = (error as { status?: number }).status;
  const message = error instanceof Error ? error.message : String(error);
  return status ? `GitHub answered ${status}: ${message}` : `internal error: ${message}`;
}

export async function reviewPullRequest(
  session: GitHubSession,
  pr: PullRequestRef,
  state: AppState,
  options: ReviewOptions = {},
): Promise<void> {
  // Every GitHub call of this review gets a deadline.
  const octokit = withRequestTimeout(session.octokit);
  const { log } = session;
  const checkRunId = await startCheckRun(octokit, pr);
  const run = state.openRuns.open(octokit, pr, checkRunId);
  try {
    let output: CheckRunOutput;
    let retried: unknown;
    try {
      if (options.supersede) {
        const stale = await runsInProgress(octokit, pr, slugOf(await state.botLogin()));
        await supersedeRuns(
          octokit,
          pr,
          stale.filter((id) => id !== checkRunId),
          checkRunId,
        );
      }
      output = await evaluate({ ...session, octokit }, pr, state, options);
    } catch (error) {
      if (!(error instanceof ReviewStopped)) log.error({ err: error }, "review failed");
      const retry = options.retrying?.(error);
      if (retry !== undefined) retried = error;
      output = errorOutput(retry === undefined ? describe(error) : `${describe(error)} (${retry})`);
    }
    try {
      await completeCheckRun(octokit, pr, checkRunId, output);
    } catch (error) {
      // Completing with the verdict failed (an annotation batch, say): the run must not stay
      // in progress, nor keep a success it could not finish reporting.
      log.error({ err: error }, "completing the check run failed");
      const failed = errorOutput(describe(error));
      await completeCheckRun(octokit, pr, checkRunId, failed).catch((again: unknown) => {
        // GitHub cannot be reached at all. A retry completes the run (superseding it); without
        // one, this process owes it the failure and completes it once GitHub answers again.
        if (options.retrying?.(again) === undefined) run.owe(failed);
        throw again;
      });
    }
    if (retried !== undefined) throw retried;
  } finally {
    run.done();
  }
}

/**
 * Gives up on a head commit whose reviews keep stopping midway (a worker killed each time): its
 * runs still in progress fail with `why`, or one failing run is published when none was started,
 * so the commit never waits on a check that will not come.
 */
export async function abandonReview(
  session: GitHubSession,
  pr: PullRequestRef,
  state: AppState,
  why: string,
): Promise<void> {
  const octokit = withRequestTimeout(session.octokit);
  const output = errorOutput(why);
  const stale = await runsInProgress(octokit, pr, slugOf(await state.botLogin()));
  if (stale.length === 0) stale.push(await startCheckRun(octokit, pr));
  for (const id of stale) await completeCheckRun(octokit, pr, id, output);
}
