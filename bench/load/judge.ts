// Whether a commit's check says what it must. The latest KubeDelta run on the commit is its check
// (what branch protection reads). It is right when it is completed with the expected conclusion,
// is a verdict and not an error, names every blocking rule, and says "no Kubernetes manifest
// changed" exactly when none did. Nothing is rounded in the App's favour: an error that happens to
// fail a risky commit is an error, not a right answer.

import type { CheckRun, Records } from "./fake/records.js";
import { repoKey } from "./fake/world.js";
import type { PlannedCommit, PlannedPull } from "./plan.js";

export type Judgement =
  | "correct"
  /** A commit with blocking risks whose check passes. */
  | "false green"
  | "error"
  | "wrong"
  | "in progress"
  | "no check"
  /** A superseded commit left unjudged, or cancelled: nothing reads it. */
  | "superseded";

/** Conclusions that branch protection reads as passing. */
const PASSING = new Set(["success", "neutral", "skipped"]);
const NOT_JUDGED = new Set(["cancelled", "stale"]);
const ERROR = /could not complete the review/i;
const NO_MANIFEST = /no kubernetes manifest changed/i;

export function runsOf(records: Records, planned: PlannedPull, commit: PlannedCommit): CheckRun[] {
  const { owner, repo } = planned.pull.installation;
  return records.runsFor(repoKey(owner, repo), commit.sha).sort((a, b) => a.id - b.id);
}

export function latestRun(
  records: Records,
  planned: PlannedPull,
  commit: PlannedCommit,
): CheckRun | undefined {
  return runsOf(records, planned, commit).at(-1);
}

/** Why a completed verdict is not the expected one, or undefined when it is. */
function mismatch(run: CheckRun, commit: PlannedCommit): string | undefined {
  const { expect } = commit;
  const text = `${run.output?.title ?? ""}\n${run.output?.summary ?? ""}`;
  if (run.conclusion !== expect.conclusion)
    return `concluded ${run.conclusion}, expected ${expect.conclusion}`;
  const missing = expect.blockingRules.filter((rule) => !text.includes(rule));
  if (missing.length > 0) return `does not name ${missing.join(", ")}`;
  if (NO_MANIFEST.test(run.output?.title ?? "") === expect.manifestChanged)
    return expect.manifestChanged ? "says no manifest changed" : "reviewed manifests although none changed";
  return undefined;
}

export function judge(
  run: CheckRun | undefined,
  commit: PlannedCommit,
): { judgement: Judgement; why?: string } {
  if (!run) return { judgement: commit.superseded ? "superseded" : "no check" };
  if (run.status !== "completed") return { judgement: "in progress" };
  const conclusion = run.conclusion ?? "";
  if (PASSING.has(conclusion) && commit.expect.conclusion === "failure")
    return { judgement: "false green", why: run.output?.title };
  if (commit.superseded && NOT_JUDGED.has(conclusion)) return { judgement: "superseded" };
  if (ERROR.test(`${run.output?.title}\n${run.output?.summary}`))
    return { judgement: "error", why: run.output?.title };
  const why = mismatch(run, commit);
  return why ? { judgement: "wrong", why } : { judgement: "correct" };
}
