// The one check run per head commit that branch protection can require. It starts in progress and
// always ends completed: the caller completes it with a result, or with an error (fail closed). A run
// whose worker died before completing it is completed by the next review of the same commit.

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

/** KubeDelta's runs on the pull request's head commit that are still in progress. */
export async function runsInProgress(
  octokit: Octokit,
  pr: PullRequestRef,
  appSlug: string,
): Promise<number[]> {
  const runs = await octokit.paginate(octokit.rest.checks.listForRef, {
    owner: pr.owner,
    repo: pr.repo,
    ref: pr.headSha,
    check_name: CHECK_NAME,
    status: "in_progress",
    // Every run of that name, not only the latest: a stale run may sit under a newer one.
    filter: "all",
    per_page: 100,
  });
  // Another app may publish a check of the same name; only our own runs are ours to complete.
  return runs.filter((run) => run.app?.slug === appSlug).map((run) => run.id);
}

/**
 * Branch protection reads `success`, `neutral` and `skipped` as passing; `cancelled` it does not, and
 * it says what happened: the run was given up, its commit is judged by another.
 */
const SUPERSEDED = "cancelled" as const;

/** Completes the runs a stopped review left in progress, pointing at the run that replaces them. */
export async function supersedeRuns(
  octokit: Octokit,
  repo: RepoRef,
  stale: readonly number[],
  replacement: number | undefined,
): Promise<void> {
  const by = replacement === undefined ? "" : ` Run ${replacement} reviews this commit again.`;
  for (const id of stale) {
    await octokit.rest.checks.update({
      ...repo,
      check_run_id: id,
      status: "completed",
      conclusion: SUPERSEDED,
      output: {
        title: "Superseded: this review stopped before it finished",
        summary:
          "The KubeDelta worker running this review stopped before completing it (a restart, a crash " +
          `or a lost connection), so it was given up.${by}`,
      },
    });
  }
}

/** A run of this process: what completes it, and the output it is owed once it could not be given. */
interface OpenRun {
  octokit: Octokit;
  repo: RepoRef;
  /** Set when completing it failed for good: it is owed this output, and is completed again later. */
  owed?: CheckRunOutput;
}

/**
 * The runs this process has started and not yet completed. A run whose completion failed (GitHub or
 * Probot's Redis-backed throttle unreachable) stays owed its output and is completed again later
 * (`completeOwed`); a process that must stop before its reviews finish completes what is left (fail
 * closed) rather than leave it in progress for nobody.
 */
export class OpenRuns {
  private readonly runs = new Map<number, OpenRun>();

  /**
   * Records a started run. `done()` forgets it once completed; `owe(output)` keeps it, owed that
   * output, when it could not be completed.
   */
  open(octokit: Octokit, repo: RepoRef, checkRunId: number) {
    const run: OpenRun = { octokit, repo: { owner: repo.owner, repo: repo.repo } };
    this.runs.set(checkRunId, run);
    return {
      done: () => {
        if (run.owed === undefined) this.runs.delete(checkRunId);
      },
      owe: (output: CheckRunOutput) => {
        run.owed = output;
      },
    };
  }

  get size(): number {
    return this.runs.size;
  }

  /** How many runs wait to be completed again. */
  get owed(): number {
    return [...this.runs.values()].filter((run) => run.owed !== undefined).length;
  }

  /** Tries again to complete the runs that are owed their output; returns how many it completed. */
  async completeOwed(): Promise<number> {
    const owed = [...this.runs].filter(([, run]) => run.owed !== undefined);
    return this.complete(owed, (run) => run.owed as CheckRunOutput);
  }

  /**
   * Completes every open run: an owed one with its output, one still under review with `output`;
   * one that cannot be completed does not stop the others.
   */
  async completeAll(output: CheckRunOutput): Promise<number> {
    return this.complete([...this.runs], (run) => run.owed ?? output);
  }

  private async complete(runs: [number, OpenRun][], outputOf: (run: OpenRun) => CheckRunOutput) {
    const results = await Promise.allSettled(
      runs.map(async ([id, run]) => {
        await completeCheckRun(run.octokit, run.repo, id, outputOf(run));
        this.runs.delete(id);
      }),
    );
    return results.filter((result) => result.status === "fulfilled").length;
  }
}
