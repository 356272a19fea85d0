// One review of one pull request head: start the check run, read what changed, run the engine,
// post the review, complete the check run. Whatever breaks, the check run ends `failure` with a
// title that says what went wrong: a required check never goes green on an error.

import type { Context } from "probot";
import { utcDay } from "../engine/exceptions.js";
import type { ParseCache } from "../engine/parse-cache.js";
import { isManifestPath, review } from "../engine/review.js";
import type { ReviewResult } from "../engine/types.js";
import { PolicyError } from "../policy/load.js";
import type { Policy } from "../policy/types.js";
import { type CheckRunOutput, checkRunOutput, errorOutput, noManifestOutput } from "../report/check-run.js";
import { planReview } from "../report/review-comments.js";
import { type RuleCatalog, ruleCatalog } from "../rules/catalog.js";
import { acknowledgements, answerCommands, appliedApprovals, type CommandEvent } from "./approvals.js";
import { pullChartRoots } from "./chart-roots.js";
import { completeCheckRun, startCheckRun } from "./checks.js";
import {
  type BlobCache,
  type BlobLookup,
  BlobMismatchError,
  fetchBlobs,
  lookupKey,
  MissingFileError,
} from "./contents.js";
import { loadRepositoryPolicy } from "./policy.js";
import { GITHUB_MAX_LISTED_FILES, listPullFiles, type PullFile } from "./pull-files.js";
import { repositoryContext } from "./repository-context.js";
import { postedFindings, postReview, resolveFixedThreads } from "./reviews.js";
import { RequestTimeoutError, withRequestTimeout } from "./timeouts.js";
import type { Octokit, PullRequestRef } from "./types.js";

/** What outlives one event: caches (blobs by sha, parses by content) and the bot's identity. */
export interface AppState {
  blobs: BlobCache;
  parses: ParseCache;
  /** The login KubeDelta comments as (`<app-slug>[bot]`). */
  botLogin: () => Promise<string>;
}

/** What the check says when only the changed files could be read: the rules not run, and why. */
function partialContextNote(result: ReviewResult, why: string): string {
  const skipped = result.notRun ?? [];
  const notRun =
    skipped.length > 0 ? `Not run: ${skipped.join(", ")}, which need the whole repository. ` : "";
  return `${notRun}RBAC chains (bindings, roles, the pods of service accounts) follow the changed files only (${why}).`;
}

/** A problem the check run should name in its title. */
class ReviewStopped extends Error {}

function isManifestFile(file: PullFile, policy: Policy): boolean {
  return (
    isManifestPath(file.filename, policy) ||
    (!!file.previousFilename && isManifestPath(file.previousFilename, policy))
  );
}

/** Where the base versions live: the merge base, as GitHub's own diff of the PR uses. */
async function mergeBase(octokit: Octokit, pr: PullRequestRef): Promise<string> {
  const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
    owner: pr.owner,
    repo: pr.repo,
    basehead: `${pr.baseSha}...${pr.headSha}`,
    per_page: 1,
  });
  return data.merge_base_commit.sha;
}

/** The files one review reads: changed manifests on both sides, and the repository around them. */
interface Inputs {
  base: Map<string, Uint8Array | string>;
  head: Map<string, Uint8Array | string>;
  /** Each side's chart roots, whose templates are not manifests. */
  chartRoots: { base: Set<string>; head: Set<string> };
  /** Why the repository around the changed files could not be read, when it could not. */
  partialContext?: string;
}

/**
 * Base versions at the merge base (renamed files: from the old path), head versions at the head,
 * and the unchanged manifests of the head tree as context, all read in shared batches. `files`
 * are the changed manifests, `allFiles` every file the pull request changes.
 */
async function readInputs(
  octokit: Octokit,
  pr: PullRequestRef,
  files: PullFile[],
  allFiles: PullFile[],
  policy: Policy,
  blobs: BlobCache,
): Promise<Inputs> {
  const changed = new Set(files.flatMap((f) => [f.filename, f.previousFilename ?? f.filename]));
  const [baseSha, context] = await Promise.all([
    mergeBase(octokit, pr),
    repositoryContext(octokit, pr, changed, policy),
  ]);
  const baseLookups: BlobLookup[] = files
    .filter((f) => f.status !== "added" && f.status !== "copied")
    .map((f) => ({ sha: baseSha, path: f.previousFilename ?? f.filename }));
  const headLookups: BlobLookup[] = files
    .filter((f) => f.status !== "removed")
    .map((f) => ({ sha: pr.headSha, path: f.filename, oid: f.sha }));
  const contextLookups: BlobLookup[] = [...context.blobs].map(([path, oid]) => ({
    sha: pr.headSha,
    path,
    oid,
  }));
  const contents = await fetchBlobs(octokit, pr, [...baseLookups, ...headLookups, ...contextLookups], blobs);
  const read = (lookups: BlobLookup[]) =>
    new Map(
      lookups.map((l) => {
        const content = contents.get(lookupKey(l.sha, l.path));
        // fetchBlobs answers every lookup or throws; a gap must never read as an empty file.
        if (content === undefined) throw new MissingFileError(l.path, l.sha);
        return [l.path, content];
      }),
    );
  const inputs: Inputs = {
    base: read(baseLookups),
    head: read(headLookups),
    chartRoots: pullChartRoots(context.chartRoots, allFiles),
  };
  // Unchanged files are the same on both sides: the engine reads them as context only.
  for (const [path, content] of read(contextLookups)) {
    inputs.base.set(path, content);
    inputs.head.set(path, content);
  }
  if (context.kind === "partial") inputs.partialContext = context.reason;
  return inputs;
}

async function publishReview(
  context: Context,
  pr: PullRequestRef,
  files: PullFile[],
  result: ReviewResult,
  state: AppState,
  catalog: RuleCatalog,
) {
  const octokit = context.octokit;
  const posted = await postedFindings(octokit, pr, await state.botLogin());
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
    context.log.warn({ err: error }, "resolving fixed threads failed");
  }
}

/** What started the review, beyond a push: an /approve-risk command, and whether to comment. */
export interface ReviewOptions {
  command?: CommandEvent;
  /** Post the inline review (default). Approval events only re-judge the check. */
  publish?: boolean;
}

async function evaluate(
  context: Context,
  pr: PullRequestRef,
  state: AppState,
  options: ReviewOptions,
): Promise<CheckRunOutput> {
  const octokit = context.octokit;
  let policy: Policy;
  try {
    policy = await loadRepositoryPolicy(context);
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
  if (manifests.length === 0) return noManifestOutput();
  if (manifests.length > policy.limits.maxFiles) {
    throw new ReviewStopped(
      `${manifests.length} changed manifest files, over limits.maxFiles (${policy.limits.maxFiles})`,
    );
  }

  const { base, head, chartRoots, partialContext } = await readInputs(
    octokit,
    pr,
    manifests,
    files,
    policy,
    state.blobs,
  );
  const catalog = ruleCatalog(policy);
  // Today in UTC decides which exceptions have expired (the engine itself has no clock).
  const today = utcDay(new Date());
  // With partial context the engine does not run the rules that need the whole repository.
  const result = review({
    base,
    head,
    chartRoots,
    policy,
    rules: catalog.rules,
    cache: state.parses,
    today,
    partialContext: partialContext !== undefined,
  });
  let note = partialContext === undefined ? undefined : partialContextNote(result, partialContext);
  // Approvals live in the conversation; reading them is part of the verdict, so failing to read
  // them fails the check (closed) like any other read.
  const known = await acknowledgements(octokit, pr, await state.botLogin());
  const fresh = options.command
    ? await answerCommands(octokit, pr, result, policy, known, options.command)
    : [];
  const approvals = appliedApprovals(result, policy, [...known, ...fresh], pr.headSha);
  const output = {
    rules: catalog.byId,
    docsUrl: catalog.docsUrl,
    headFiles: new Set(head.keys()),
    approvals,
  };
  if (options.publish === false) return checkRunOutput(result, { ...output, note });
  try {
    await publishReview(context, pr, manifests, result, state, catalog);
  } catch (error) {
    // The verdict stands on its own; the summary says the inline comments are missing.
    context.log.warn({ err: error }, "posting the review failed");
    const why = error instanceof Error ? error.message : String(error);
    note = [note, `The inline review could not be posted (${why}); every finding is listed below.`]
      .filter(Boolean)
      .join(" ");
  }
  return checkRunOutput(result, { ...output, note });
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
  context: Context,
  pr: PullRequestRef,
  state: AppState,
  options: ReviewOptions = {},
): Promise<void> {
  // Every GitHub call of this review gets a deadline (the evaluation uses context.octokit too).
  const octokit = withRequestTimeout(context.octokit);
  const checkRunId = await startCheckRun(octokit, pr);
  let output: CheckRunOutput;
  try {
    output = await evaluate(context, pr, state, options);
  } catch (error) {
    if (!(error instanceof ReviewStopped)) context.log.error({ err: error }, "review failed");
    output = errorOutput(describe(error));
  }
  try {
    await completeCheckRun(octokit, pr, checkRunId, output);
  } catch (error) {
    // Completing with the verdict failed (an annotation batch, say): the run must not stay
    // in progress, nor keep a success it could not finish reporting.
    context.log.error({ err: error }, "completing the check run failed");
    await completeCheckRun(octokit, pr, checkRunId, errorOutput(describe(error)));
  }
}
