// KubeDelta's one review per push: inline comments on the risky lines, never twice for the same
// finding (its fingerprint rides in a hidden marker of the comment we wrote).

import { bodyWithoutComments, markedFingerprints, type ReviewPlan } from "../report/review-comments.js";
import type { Octokit, PullRequestRef } from "./types.js";

/**
 * Fingerprints KubeDelta already posted on this pull request: in inline comments, and in review
 * bodies (findings outside the diff are listed there), so neither is ever posted twice.
 */
export async function commentedFingerprints(
  octokit: Octokit,
  pr: PullRequestRef,
  botLogin: string,
): Promise<Set<string>> {
  const where = { owner: pr.owner, repo: pr.repo, pull_number: pr.number, per_page: 100 };
  const comments = await octokit.paginate(octokit.rest.pulls.listReviewComments, where);
  const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, where);
  const fingerprints = new Set<string>();
  for (const written of [...comments, ...reviews]) {
    // Only our own text counts: anyone can type a marker into theirs.
    if (written.user?.login !== botLogin || !written.body) continue;
    for (const fingerprint of markedFingerprints(written.body)) fingerprints.add(fingerprint);
  }
  return fingerprints;
}

function isUnprocessable(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { status?: number }).status === 422;
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
    if (!isUnprocessable(error) || plan.comments.length === 0) throw error;
    await octokit.rest.pulls.createReview({ ...base, body: bodyWithoutComments(plan) });
    return "body";
  }
}
