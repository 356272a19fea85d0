// The one check run per head commit that branch protection can require. It starts in progress and
// always ends completed: the caller completes it with a result, or with an error (fail closed).

import { CHECK_NAME, type CheckRunOutput } from "../report/check-run.js";
import type { Octokit, PullRequestRef, RepoRef } from "./types.js";

export async function startCheckRun(octokit: Octokit, pr: PullRequestRef): Promise<number> {
  const { data } = await octokit.rest.checks.create({
    owner: pr.owner,
    repo: pr.repo,
    name: CHECK_NAME,
    head_sha: pr.headSha,
    status: "in_progress",
    // Check events of fork PRs arrive without `pull_requests`: the PR number travels here.
    external_id: String(pr.number),
  });
  return data.id;
}

/** Completes the run; annotations beyond the first 50 follow in further updates (GitHub's limit). */
export async function completeCheckRun(
  octokit: Octokit,
  repo: RepoRef,
  checkRunId: number,
  output: CheckRunOutput,
) {
  const [first = [], ...rest] = output.annotationBatches;
  const text = output.text === undefined ? {} : { text: output.text };
  await octokit.rest.checks.update({
    ...repo,
    check_run_id: checkRunId,
    status: "completed",
    conclusion: output.conclusion,
    output: { title: output.title, summary: output.summary, ...text, annotations: first },
    ...(output.actions ? { actions: output.actions } : {}),
  });
  for (const annotations of rest) {
    await octokit.rest.checks.update({
      ...repo,
      check_run_id: checkRunId,
      output: { title: output.title, summary: output.summary, ...text, annotations },
    });
  }
}
