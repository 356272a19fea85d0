// When a scenario is over: every head commit has a completed check, no check run is left in
// progress, and the App has been quiet for a few seconds (a review may follow its check). Or the
// scenario's time bound is reached, or the App has gone silent with work unfinished.

import { setTimeout as sleep } from "node:timers/promises";
import type { Cluster } from "./cluster/cluster.js";
import { latestRun } from "./judge.js";
import type { Plan } from "./plan.js";

const QUIET_MS = 4000;

export type Ending = "settled" | "time bound" | "idle";

function finished(cluster: Cluster, plan: Plan): boolean {
  const { records } = cluster.fake;
  const headsDone = plan.pulls.every((p) =>
    p.commits.every((c) => c.superseded || latestRun(records, p, c)?.status === "completed"),
  );
  return headsDone && [...records.checkRuns.values()].every((r) => r.status === "completed");
}

export async function settle(
  cluster: Cluster,
  plan: Plan,
  boundMs: number,
  idleMs: number,
  driven: number,
): Promise<Ending> {
  for (;;) {
    const now = performance.now();
    const lastActivity = Math.max(cluster.fake.lastRequestAt, driven);
    if (now - lastActivity >= QUIET_MS && finished(cluster, plan)) return "settled";
    if (now - cluster.startedAt >= boundMs) return "time bound";
    if (now - lastActivity >= idleMs) return "idle";
    await sleep(500);
  }
}
