// The results as a table: one column per scenario, one row per figure.

import { CONTENT_PER_MINUTE, POINTS_PER_MINUTE } from "./fake/limits.js";
import type { ScenarioResult } from "./run.js";

type Row = [label: string, cell: (r: ScenarioResult, solo?: ScenarioResult) => string];

const s = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "–");
const of = (a: number, b: number) => `${a}/${b}`;

const ROWS: Row[] = [
  ["replicas", (r) => `${r.replicas}${r.redis ? " + Redis" : ""}`],
  [
    "pull requests",
    (r) =>
      `${r.outcome.pullRequests}${r.outcome.supersededCommits ? ` (+${r.outcome.supersededCommits} older heads)` : ""}`,
  ],
  ["head checks completed", (r) => of(r.outcome.completed, r.outcome.headCommits)],
  [
    "correct verdict (all commits)",
    (r) => of(r.outcome.judged.correct, r.outcome.headCommits + r.outcome.supersededCommits),
  ],
  ["  false green", (r) => String(r.outcome.judged["false green"])],
  ["  error instead of verdict", (r) => String(r.outcome.judged.error)],
  ["  wrong verdict", (r) => String(r.outcome.judged.wrong)],
  ["  left in_progress", (r) => String(r.outcome.judged["in progress"])],
  ["  no check", (r) => String(r.outcome.judged["no check"])],
  [
    "  older head not judged",
    (r) => (r.outcome.supersededCommits ? String(r.outcome.judged.superseded) : "–"),
  ],
  ["runs in_progress (any)", (r) => String(r.outcome.runsInProgress)],
  ["p50 / p95 s to check", (r) => `${s(r.outcome.latency.p50)} / ${s(r.outcome.latency.p95)}`],
  [
    "p50 × solo",
    (r, solo) => (solo && r !== solo ? s(r.outcome.latency.p50 / solo.outcome.latency.p50) : "–"),
  ],
  ["reviews missing", (r) => of(r.outcome.reviews.missing, r.outcome.reviews.expected)],
  ["reviews without inline", (r) => String(r.outcome.reviews.withoutInline)],
  [
    "reviews/commit max (dup)",
    (r) => `${r.outcome.reviews.maxPerCommit} (${r.outcome.reviews.commitsWithDuplicates})`,
  ],
  ["duplicate inline comments", (r) => String(r.outcome.duplicateComments)],
  ["requests per PR", (r) => s(r.outcome.requests.perPullRequest)],
  ["writes per PR", (r) => s(r.outcome.writes.total / r.outcome.pullRequests)],
  [`writes/min max (GitHub: ${CONTENT_PER_MINUTE})`, (r) => String(r.outcome.writes.maxPerMinute)],
  [`REST points/min max (${POINTS_PER_MINUTE})`, (r) => String(r.outcome.writes.maxPointsPerMinute)],
  ["write spacing ms (median)", (r) => Object.values(r.outcome.writes.medianSpacingMs).join(" ") || "–"],
  ["longest write gap s", (r) => s(r.outcome.writes.longestGapS)],
  [
    "403 refused/retried (early)",
    (r) =>
      `${r.outcome.secondary.refused}/${r.outcome.secondary.retried} (${r.outcome.secondary.retriedEarly})`,
  ],
  [
    "unknown routes (404)",
    (r) => String(Object.values(r.outcome.requests.unknown).reduce((a, b) => a + b, 0)),
  ],
  ["other 404s", (r) => String(r.outcome.requests.notFound)],
  ["webhooks 2xx/sent", (r) => of(r.outcome.webhooks.ok, r.outcome.webhooks.sent)],
  ["  timeouts (10 s)", (r) => String(r.outcome.webhooks.timeouts)],
  ["  answer p95 ms", (r) => s(r.outcome.webhooks.p95AnswerMs, 0)],
  ["ended", (r) => `${r.ending} ${s(r.durationS, 0)} s`],
  ["replica crashes", (r) => String(r.outcome.crashes.length)],
  ["log errors/warnings", (r) => `${r.outcome.logs.errors}/${r.outcome.logs.warnings}`],
];

export function table(results: ScenarioResult[]): string {
  const solo = results.find((r) => r.name === "solo");
  const columns = [
    ["", ...ROWS.map(([label]) => label)],
    ...results.map((r) => [r.name, ...ROWS.map(([, cell]) => cell(r, solo))]),
  ];
  const widths = columns.map((column) => Math.max(...column.map((c) => c.length)));
  const lines = columns[0].map((_, row) =>
    columns
      .map((column, i) => (i === 0 ? column[row].padEnd(widths[i]) : column[row].padStart(widths[i])))
      .join("  "),
  );
  lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  return lines.join("\n");
}

/** What went wrong, scenario by scenario: wrong commits, unknown routes, the replicas' top log lines. */
export function details(results: ScenarioResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    const o = r.outcome;
    const lines = [
      ...r.notes.map((n) => `  note: ${n}`),
      ...o.problems.slice(0, 6).map((p) => `  ${p.judgement}: ${p.commit}${p.why ? ` – ${p.why}` : ""}`),
      ...(o.problems.length > 6 ? [`  … and ${o.problems.length - 6} more`] : []),
      ...Object.entries(o.requests.unknown).map(([route, n]) => `  unknown route ×${n}: ${route}`),
      ...o.logs.top.map((t) => `  log ×${t.count}: ${t.message}`),
      `  phases (median s): delivery → check created ${s(o.phases.toCheckCreatedS)}, check created → completed ${s(o.phases.checkOpenS)}; writes per replica ${o.writes.perReplica.join(" ")}; most in flight ${o.writes.maxInFlight}`,
    ];
    out.push(`${r.name}: ${r.what}`, ...lines);
  }
  return out.join("\n");
}
