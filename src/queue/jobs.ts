// A job's identity: which jobs are the same work, so that only one of them runs.

import type { Collapse, ReviewJob, ReviewJobData } from "./types.js";

function job(key: string, collapse: Collapse, data: ReviewJobData): ReviewJob {
  return { key, collapse, data };
}

function numberOf(data: ReviewJobData): string {
  const { target } = data;
  return target.kind === "head"
    ? String(target.pr.number)
    : target.kind === "number"
      ? String(target.number)
      : `suite-${target.suiteId}`;
}

/**
 * - A push review: the repository, pull request, head and base (an edit that moves the base is other
 *   work); duplicate deliveries and concurrent events for the same commits are one job.
 * - A re-run: its delivery (each press is asked for on purpose; a redelivery of it is the same job).
 * - A command: what carried it (the comment, review or button press), so each is answered once.
 * - A re-judge after an edited or deleted command: the pull request; one waits while one runs, with
 *   the latest state.
 */
export function reviewJob(data: ReviewJobData): ReviewJob {
  const where = `${data.owner}/${data.repo}`;
  const { target, work } = data;
  switch (work.kind) {
    case "review":
      if (target.kind === "head" && !work.rerun) {
        const { pr } = target;
        return job(`review:${where}#${pr.number}@${pr.headSha}^${pr.baseSha}`, "pending", data);
      }
      return job(`rerun:${where}:${data.deliveryId}`, "pending", data);
    case "rejudge":
      // A comment without commands counts only if it is ours: which it is, the worker knows.
      if (work.ifOurs !== undefined)
        return job(`rejudge-if-ours:${where}:${data.deliveryId}`, "pending", data);
      return job(`rejudge:${where}#${numberOf(data)}`, "latest", data);
    case "command":
      return job(`command:${where}:${work.origin}`, "pending", data);
  }
}
