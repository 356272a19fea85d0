// What a scenario came to, from the fake GitHub's records, the deliveries and the replicas' logs:
// every head commit judged against its known verdict, reviews and comments per commit, latency
// from delivery to completed check, requests and writes (where the time goes), faults and how the
// App took them.

import { readFileSync } from "node:fs";
import type { Cluster } from "./cluster/cluster.js";
import { repoKey } from "./fake/world.js";
import { type Judgement, judge, latestRun, runsOf } from "./judge.js";
import type { Plan } from "./plan.js";

export interface Outcome {
  pullRequests: number;
  headCommits: number;
  supersededCommits: number;
  judged: Record<Judgement, number>;
  /** Head commits whose check is completed (right or wrong). */
  completed: number;
  /** Check runs of any commit still in progress at the end. */
  runsInProgress: number;
  /** Head commits: seconds from their first delivery to their completed check. */
  latency: { p50: number; p95: number; max: number; count: number };
  reviews: {
    total: number;
    maxPerCommit: number;
    commitsWithDuplicates: number;
    missing: number;
    expected: number;
    withoutInline: number;
  };
  duplicateComments: number;
  requests: {
    total: number;
    perPullRequest: number;
    byRoute: Record<string, number>;
    unknown: Record<string, number>;
    notFound: number;
    unauthorized: number;
  };
  writes: {
    total: number;
    maxPerMinute: number;
    maxPointsPerMinute: number;
    maxInFlight: number;
    medianSpacingMs: Record<string, number>;
    longestGapS: number;
    perReplica: number[];
  };
  secondary: { refused: number; retried: number; retriedEarly: number };
  webhooks: {
    sent: number;
    ok: number;
    failed: number;
    timeouts: number;
    p95AnswerMs: number;
    redelivered: number;
  };
  phases: { toCheckCreatedS: number; checkOpenS: number };
  problems: { commit: string; judgement: Judgement; why?: string }[];
  logs: { warnings: number; errors: number; top: { message: string; count: number }[] };
  /** Replicas that exited on their own (crashed), with exit codes. */
  crashes: (number | null)[];
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function median(values: number[]): number {
  return percentile(values, 50);
}

const EXPECTED_NOT_FOUND = new Set(["contents", "permission", "membership"]);

function logSummary(files: string[]): Outcome["logs"] {
  const counts = new Map<string, number>();
  let warnings = 0;
  let errors = 0;
  for (const file of files) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n")) {
      if (!line.startsWith("{")) continue;
      let entry: { level?: number; msg?: string; err?: { message?: string } };
      try {
        entry = JSON.parse(line);
      } catch {
        continue;
      }
      if ((entry.level ?? 0) < 40) continue;
      if ((entry.level ?? 0) >= 50) errors++;
      else warnings++;
      const message = `${entry.msg ?? ""}${entry.err?.message ? `: ${entry.err.message}` : ""}`
        .replace(/[0-9a-f]{40}/g, "<sha>")
        .replace(/\d+/g, "N")
        .slice(0, 160);
      counts.set(message, (counts.get(message) ?? 0) + 1);
    }
  }
  const top = [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([message, count]) => ({ message, count }));
  return { warnings, errors, top };
}

export function outcomeOf(plan: Plan, cluster: Cluster, endedAt: number): Outcome {
  const { records, requests, limits } = cluster.fake;
  const judged = {
    correct: 0,
    "false green": 0,
    error: 0,
    wrong: 0,
    "in progress": 0,
    "no check": 0,
    superseded: 0,
  } as Record<Judgement, number>;
  const problems: Outcome["problems"] = [];
  const latencies: number[] = [];
  const toCreated: number[] = [];
  const open: number[] = [];
  let completed = 0;
  let headCommits = 0;
  const reviewCount = {
    maxPerCommit: 0,
    commitsWithDuplicates: 0,
    missing: 0,
    expected: 0,
    withoutInline: 0,
  };
  let duplicateComments = 0;
  for (const planned of plan.pulls) {
    const repo = repoKey(planned.pull.installation.owner, planned.pull.installation.repo);
    const reviews = records.reviewsOf(repo, planned.pull.number);
    for (const commit of planned.commits) {
      const run = latestRun(records, planned, commit);
      const { judgement, why } = judge(run, commit);
      judged[judgement]++;
      if (judgement !== "correct" && judgement !== "superseded")
        problems.push({
          commit: `${repo}#${planned.pull.number}@${commit.sha.slice(0, 7)} (${commit.changes.join("+")})`,
          judgement,
          why,
        });
      const onCommit = reviews.filter((r) => r.commit_id === commit.sha);
      reviewCount.maxPerCommit = Math.max(reviewCount.maxPerCommit, onCommit.length);
      if (onCommit.length > 1) reviewCount.commitsWithDuplicates++;
      if (commit.superseded) continue;
      headCommits++;
      if (commit.expect.findings) {
        reviewCount.expected++;
        if (onCommit.length === 0) reviewCount.missing++;
        else if (onCommit.every((r) => r.comments === 0)) reviewCount.withoutInline++;
      }
      const sent = cluster.deliveries.filter((d) => d.sha === commit.sha).map((d) => d.sentAt);
      const first = Math.min(...sent);
      const runs = runsOf(records, planned, commit);
      if (runs.length > 0) toCreated.push((runs[0].createdAt - first) / 1000);
      if (run?.completedAt !== undefined) {
        completed++;
        latencies.push((run.completedAt - first) / 1000);
        open.push((run.completedAt - run.createdAt) / 1000);
      }
    }
    const seen = new Set<string>();
    for (const c of records.commentsOf(repo, planned.pull.number)) {
      const key = `${c.path}\n${c.line}\n${c.side}\n${c.body}`;
      if (seen.has(key)) duplicateComments++;
      seen.add(key);
    }
  }

  const byRoute: Record<string, number> = {};
  for (const r of requests) byRoute[r.route] = (byRoute[r.route] ?? 0) + 1;
  const writes = requests.filter((r) => r.write && r.status < 400);
  const writeTimes = writes.map((w) => w.at).sort((a, b) => a - b);
  const spacing: Record<string, number> = {};
  for (const [i] of cluster.replicas.entries()) {
    const times = writes
      .filter((w) => w.replica === i)
      .map((w) => w.at)
      .sort((a, b) => a - b);
    const gaps = times
      .slice(1)
      .map((t, k) => t - times[k])
      .filter((g) => g < 10_000);
    if (gaps.length > 0) spacing[`replica ${i}`] = Math.round(median(gaps));
  }
  const firstSent = Math.min(...cluster.deliveries.map((d) => d.sentAt));
  const edges = [firstSent, ...writeTimes.filter((t) => t >= firstSent), endedAt];
  const longestGap = Math.max(0, ...edges.slice(1).map((t, k) => t - edges[k]));
  const installs = limits.summary();

  const refusals = limits.refusals;
  let retried = 0;
  let retriedEarly = 0;
  for (const refusal of refusals) {
    const again = requests.find((r) => r.at > refusal.at && r.identity === refusal.identity);
    if (!again) continue;
    retried++;
    if (again.at - refusal.at < refusal.retryAfter * 1000) retriedEarly++;
  }

  const deliveries = cluster.deliveries;
  const ok = deliveries.filter((d) => typeof d.outcome === "number" && d.outcome < 300).length;
  return {
    pullRequests: plan.pulls.length,
    headCommits,
    supersededCommits: plan.pulls.reduce((n, p) => n + p.commits.filter((c) => c.superseded).length, 0),
    judged,
    completed,
    runsInProgress: [...records.checkRuns.values()].filter((r) => r.status !== "completed").length,
    latency: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      max: Math.max(Number.NaN, ...latencies),
      count: latencies.length,
    },
    reviews: { total: records.reviews.length, ...reviewCount },
    duplicateComments,
    requests: {
      total: requests.length,
      perPullRequest: requests.length / plan.pulls.length,
      byRoute,
      unknown: Object.fromEntries(cluster.fake.unknown),
      notFound: requests.filter((r) => r.status === 404 && !EXPECTED_NOT_FOUND.has(r.route)).length,
      unauthorized: requests.filter((r) => r.status === 401).length,
    },
    writes: {
      total: writes.length,
      maxPerMinute: Math.max(0, ...installs.map((i) => i.maxWritesPerMinute)),
      maxPointsPerMinute: Math.max(0, ...installs.map((i) => i.maxPointsPerMinute)),
      maxInFlight: Math.max(0, ...installs.map((i) => i.maxInFlight)),
      medianSpacingMs: spacing,
      longestGapS: longestGap / 1000,
      perReplica: cluster.replicas.map((_, i) => writes.filter((w) => w.replica === i).length),
    },
    secondary: { refused: refusals.length, retried, retriedEarly },
    webhooks: {
      sent: deliveries.length,
      ok,
      failed:
        deliveries.filter((d) => typeof d.outcome === "number" && d.outcome >= 300).length +
        deliveries.filter((d) => d.outcome === "error").length,
      timeouts: deliveries.filter((d) => d.outcome === "timeout").length,
      p95AnswerMs: percentile(
        deliveries.map((d) => d.ms),
        95,
      ),
      redelivered: deliveries.filter((d) => d.redelivery).length,
    },
    phases: { toCheckCreatedS: median(toCreated), checkOpenS: median(open) },
    problems,
    logs: logSummary(cluster.replicas.map((r) => r.log)),
    crashes: cluster.replicas.flatMap((r) => r.crashes),
  };
}
