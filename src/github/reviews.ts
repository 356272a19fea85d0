// KubeDelta's one review per push: inline comments on the risky lines, never twice for the same
// finding (its fingerprint rides in a hidden marker of the comment we wrote).

import { bodyWithoutComments, markedFingerprints, type ReviewPlan } from "../report/review-comments.js";
import { httpStatus, type Octokit, type PullRequestRef } from "./types.js";

/** What KubeDelta already wrote on a pull request. */
export interface PostedFindings {
  /** Fingerprints in our inline comments and review bodies: never posted twice. */
  fingerprints: Set<string>;
  /** Our inline comments (thread starters and replies), by id, with the fingerprints they carry. */
  inline: { id: number; fingerprints: string[] }[];
  /** The commits our reviews were posted on: one review per head commit, whoever posted it first. */
  reviewedCommits: Set<string>;
}

/**
 * What KubeDelta already posted on this pull request: inline comments, and review bodies
 * (findings outside the diff are listed there), so neither is ever posted twice.
 */
export async function postedFindings(
  octokit: Octokit,
  pr: PullRequestRef,
  botLogin: string,
): Promise<PostedFindings> {
  const where = { owner: pr.owner, repo: pr.repo, pull_number: pr.number, per_page: 100 };
  const comments = await octokit.paginate(octokit.rest.pulls.listReviewComments, where);
  const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, where);
  const posted: PostedFindings = { fingerprints: new Set(), inline: [], reviewedCommits: new Set() };
  // Only our own text counts: anyone can type a marker into theirs.
  const ours = (user: { login: string } | null | undefined) => user?.login === botLogin;
  for (const comment of comments) {
    if (!ours(comment.user)) continue;
    const fingerprints = markedFingerprints(comment.body);
    posted.inline.push({ id: comment.id, fingerprints });
    for (const fingerprint of fingerprints) posted.fingerprints.add(fingerprint);
  }
  for (const review of reviews) {
    if (!ours(review.user)) continue;
    if (review.commit_id) posted.reviewedCommits.add(review.commit_id);
    if (!review.body) continue;
    for (const fingerprint of markedFingerprints(review.body)) posted.fingerprints.add(fingerprint);
  }
  return posted;
}

interface ThreadPage {
  repository: {
    pullRequest: {
      reviewThreads: {
        nodes: { id: string; isResolved: boolean; comments: { nodes: { databaseId: number | null }[] } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    } | null;
  } | null;
}

const THREADS_QUERY = `query($owner: String!, $name: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $name) { pullRequest(number: $number) {
    reviewThreads(first: 100, after: $after) {
      nodes { id isResolved comments(first: 1) { nodes { databaseId } } }
      pageInfo { hasNextPage endCursor }
    } } } }`;

/**
 * Resolves the open threads that KubeDelta started for findings the change has since fixed.
 * Threads are only resolved, never deleted, so human replies stay.
 */
export async function resolveFixedThreads(
  octokit: Octokit,
  pr: PullRequestRef,
  startedBy: ReadonlySet<number>,
): Promise<number> {
  const threads: string[] = [];
  let after: string | null = null;
  do {
    const page: ThreadPage = await octokit.graphql<ThreadPage>(THREADS_QUERY, {
      owner: pr.owner,
      name: pr.repo,
      number: pr.number,
      after,
    });
    const connection = page.repository?.pullRequest?.reviewThreads;
    if (!connection) break;
    for (const thread of connection.nodes) {
      const first = thread.comments.nodes[0]?.databaseId;
      if (!thread.isResolved && first && startedBy.has(first)) threads.push(thread.id);
    }
    after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
  } while (after);
  if (threads.length === 0) return 0;
  // One request resolves them all: aliased mutations, thread ids as variables.
  const declarations = threads.map((_, i) => `$t${i}: ID!`).join(", ");
  const fields = threads.map(
    (_, i) => `r${i}: resolveReviewThread(input: { threadId: $t${i} }) { thread { id } }`,
  );
  const variables = Object.fromEntries(threads.map((id, i) => [`t${i}`, id]));
  await octokit.graphql(`mutation(${declarations}) { ${fields.join(" ")} }`, variables);
  return threads.length;
}

/**
 * Posts the review. One line GitHub will not take fails the whole review with 422; then the
 * same findings go out once more, all in the body, so nothing is lost.
 */
export async function postReview(
  octokit: Octokit,
  pr: PullRequestRef,
  plan: ReviewPlan,
): Promise<"inline" | "body"> {
  const base = {
    owner: pr.owner,
    repo: pr.repo,
    pull_number: pr.number,
    commit_id: pr.headSha,
    event: "COMMENT" as const,
  };
  try {
    await octokit.rest.pulls.createReview({
      ...base,
      body: plan.body,
      comments: plan.comments.map(({ path, line, side, body }) => ({ path, line, side, body })),
    });
    return "inline";
  } catch (error) {
    if (httpStatus(error) !== 422 || plan.comments.length === 0) throw error;
    await octokit.rest.pulls.createReview({ ...base, body: bodyWithoutComments(plan) });
    return "body";
  }
}
