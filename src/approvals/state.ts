// Approval state, rebuilt from KubeDelta's acknowledgements on every event (GitHub is the
// database), and what a new `/approve-risk` command would approve.
//
// An approval covers exactly the fingerprints its acknowledgement names. A fingerprint leaves
// out line numbers, so an approval survives rebases and unrelated pushes; a new or changed risk
// has a new fingerprint, and so needs a new approval.

import { type Finding, severityRank } from "../engine/types.js";
import { resourceLabel } from "../report/common.js";
import { escapeMarkdown, inlineCode } from "../report/escape.js";
import {
  type Acknowledgement,
  type ApprovalPolicy,
  type ApprovalRecord,
  type ApprovalState,
  clip,
  quoted,
  SHORT_ID,
  type StaleApproval,
  sameLogin,
  shortId,
  type Targets,
} from "./types.js";

export type { ApprovalPolicy, ApprovalRecord, ApprovalState, StaleApproval, Targets } from "./types.js";
export { shortId } from "./types.js";

export const NO_LONGER_PRESENT = "the finding is no longer present";

/**
 * The approval state of the current findings. `acks` are valid acknowledgements (read from the
 * bot's own replies); they take effect in the order of their commands' times, whatever order
 * the replies were posted in, so that a cancel always beats the approvals written before it.
 */
export function approvalState(
  acks: readonly Acknowledgement[],
  current: readonly Finding[],
  policy: ApprovalPolicy,
): ApprovalState {
  const needed = neededApprovers(current, policy);
  const live = liveApprovals(acks);
  const byFingerprint = new Map<string, ApprovalRecord[]>();
  for (const { fp, record } of live.filter(({ fp }) => needed.has(fp))) {
    byFingerprint.set(fp, [...(byFingerprint.get(fp) ?? []), record]);
  }

  const approved = new Set<string>();
  const partial = new Map<string, string[]>();
  for (const [fp, records] of byFingerprint) {
    const approvers = records.map((r) => r.approver);
    if (approvers.length >= (needed.get(fp) ?? 1)) approved.add(fp);
    else partial.set(fp, approvers);
  }
  const stale = staleApprovals(live.filter(({ fp }) => !needed.has(fp)));
  return { approved, partial, byFingerprint, needed, stale };
}

/** One entry per approval given (approver and time), naming all of its fingerprints that are gone. */
function staleApprovals(gone: { fp: string; record: ApprovalRecord }[]): StaleApproval[] {
  const groups = new Map<string, StaleApproval>();
  for (const { fp, record } of gone) {
    const key = `${record.approver.toLowerCase()}\n${record.at}`;
    const group = groups.get(key) ?? {
      approver: record.approver,
      fingerprints: [],
      at: record.at,
      why: NO_LONGER_PRESENT,
    };
    group.fingerprints.push(fp);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** How many distinct approvers each current fingerprint needs (the most severe finding decides). */
function neededApprovers(current: readonly Finding[], policy: ApprovalPolicy): Map<string, number> {
  const quorum = Math.max(1, Math.floor(policy.quorum.approvers) || 1);
  const needed = new Map<string, number>();
  for (const finding of current) {
    const count = severityRank(finding.severity) >= severityRank(policy.quorum.severity) ? quorum : 1;
    needed.set(finding.fingerprint, Math.max(count, needed.get(finding.fingerprint) ?? 1));
  }
  return needed;
}

/**
 * The approvals still in force, oldest first: one per approver and fingerprint. Approvals
 * accumulate; approving again refreshes the reason and time; a cancel drops everything the
 * approver approved before it.
 */
function liveApprovals(acks: readonly Acknowledgement[]): { fp: string; record: ApprovalRecord }[] {
  // approver (lower case) → fingerprint → record with the sequence number of its approval
  const live = new Map<string, Map<string, { record: ApprovalRecord; seq: number }>>();
  let seq = 0;
  for (const ack of inCommandOrder(acks)) {
    const approver = ack.approver.toLowerCase();
    if (ack.kind === "cancel") {
      live.delete(approver);
      continue;
    }
    const mine = live.get(approver) ?? new Map();
    live.set(approver, mine);
    const record: ApprovalRecord = {
      approver: ack.approver,
      ...(ack.reason === undefined ? {} : { reason: ack.reason }),
      at: ack.at,
    };
    for (const fp of ack.fingerprints) {
      mine.delete(fp); // re-inserted, so that it sorts by its latest approval
      mine.set(fp, { record, seq: seq++ });
    }
  }
  return [...live.values()]
    .flatMap((mine) => [...mine].map(([fp, { record, seq }]) => ({ fp, record, seq })))
    .sort((a, b) => a.seq - b.seq)
    .map(({ fp, record }) => ({ fp, record }));
}

/** By command time, then command id (comment ids grow), then as given. Array.sort is stable. */
function inCommandOrder(acks: readonly Acknowledgement[]): Acknowledgement[] {
  const time = (ack: Acknowledgement) => Date.parse(ack.at) || 0;
  return [...acks].sort((a, b) => time(a) - time(b) || a.commandId - b.commandId);
}

// ---------------------------------------------------------------------------------------------
// Targets of a new command

/**
 * The fingerprints an approve command by `approver` would approve, or why it is refused (plain
 * text; names in backticks). A command is taken whole or not at all: one bad id refuses it.
 *
 * `findings` are all current findings (default: just the blocking ones); they only serve to say
 * that an id names a risk that does not block, rather than nothing at all.
 */
export function targetsOf(
  command: { kind: "approve"; ids: string[] },
  blocking: readonly Finding[],
  state: ApprovalState,
  approver: string,
  findings: readonly Finding[] = blocking,
): Targets {
  const open = unique(blocking.map((f) => f.fingerprint));
  const mine = (fp: string) =>
    (state.byFingerprint.get(fp) ?? []).some((r) => sameLogin(r.approver, approver));

  if (command.ids.length === 0) {
    if (open.length === 0) return { refusal: "there is no open risk to approve" };
    const todo = open.filter((fp) => !mine(fp));
    return todo.length > 0
      ? { fingerprints: todo }
      : { refusal: "you have already approved every open risk" };
  }

  const chosen: string[] = [];
  const problems: string[] = [];
  for (const id of command.ids) {
    const resolved = resolveId(id, blocking, findings);
    if ("problem" in resolved) problems.push(resolved.problem);
    else chosen.push(...resolved.fingerprints);
  }
  if (problems.length > 0) return { refusal: problems.join("; ") };

  const todo = unique(chosen).filter((fp) => !mine(fp));
  if (todo.length > 0) return { fingerprints: todo };
  const named = unique(chosen);
  return {
    refusal:
      named.length === 1
        ? `you have already approved \`${shortId(named[0])}\``
        : "you have already approved all of these risks",
  };
}

/** A short id names the blocking finding whose fingerprint starts with it; a rule id, all of the rule's. */
function resolveId(
  id: string,
  blocking: readonly Finding[],
  findings: readonly Finding[],
): { fingerprints: string[] } | { problem: string } {
  const matches = (f: Finding) => (SHORT_ID.test(id) ? f.fingerprint.startsWith(id) : f.rule === id);
  const hits = unique(blocking.filter(matches).map((f) => f.fingerprint));
  if (SHORT_ID.test(id) && hits.length > 1)
    return {
      problem: `${quoted(id)} is ambiguous: it matches ${hits.length} open risks; use more of its digits`,
    };
  if (hits.length > 0) return { fingerprints: hits };
  if (findings.some(matches))
    return { problem: `${quoted(id)} does not block merging: only blocking risks need an approval` };
  return { problem: `${quoted(id)} matches no open risk of this pull request` };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

// ---------------------------------------------------------------------------------------------
// Check-run summary section. Logins, reasons and resource names are untrusted: code spans or
// escaped, and never a mention.

const MAX_ROWS = 50;
const MAX_PER_CELL = 10;

/** `### Approvals` for the check-run summary, or "" when there is none, live or stale. */
export function approvalsSummary(state: ApprovalState, findings: readonly Finding[]): string {
  const rows = approvalRows(state);
  if (rows.length === 0 && state.stale.length === 0) return "";
  const describe = describer(findings);
  const parts = ["### Approvals"];
  if (rows.length > 0) parts.push(approvalsTable(rows, describe));
  if (state.partial.size > 0) parts.push(partialList(state, describe));
  if (state.stale.length > 0) parts.push(staleList(state.stale));
  return `${parts.join("\n\n")}\n`;
}

interface Row {
  record: ApprovalRecord;
  fingerprints: string[];
}

/** One row per approval given: approver, time and reason, with every current fingerprint it covers. */
function approvalRows(state: ApprovalState): Row[] {
  const rows = new Map<string, Row>();
  for (const [fp, records] of state.byFingerprint) {
    for (const record of records) {
      const key = JSON.stringify([record.approver.toLowerCase(), record.at, record.reason ?? null]);
      const row = rows.get(key) ?? { record, fingerprints: [] };
      row.fingerprints.push(fp);
      rows.set(key, row);
    }
  }
  const time = (row: Row) => Date.parse(row.record.at) || 0;
  return [...rows.values()].sort((a, b) => time(a) - time(b));
}

type Describe = (fp: string, options?: { table?: boolean }) => string;

/** `` `abcd1234` `rule-id` Service shop/web ``, or just the short id for an unknown fingerprint. */
function describer(findings: readonly Finding[]): Describe {
  const byFp = new Map<string, Finding>();
  for (const finding of findings) if (!byFp.has(finding.fingerprint)) byFp.set(finding.fingerprint, finding);
  return (fp, options = {}) => {
    const id = inlineCode(shortId(fp), options);
    const finding = byFp.get(fp);
    if (!finding) return id;
    const resource = escapeMarkdown(clip(resourceLabel(finding.resource), 120));
    return `${id} ${inlineCode(finding.rule, options)} ${resource}`;
  };
}

function approvalsTable(rows: Row[], describe: Describe): string {
  const lines = ["| approver | when | reason | approved |", "| --- | --- | --- | --- |"];
  for (const { record, fingerprints } of rows.slice(0, MAX_ROWS)) {
    const listed = fingerprints.slice(0, MAX_PER_CELL).map((fp) => describe(fp, { table: true }));
    if (fingerprints.length > MAX_PER_CELL) listed.push(`… and ${fingerprints.length - MAX_PER_CELL} more`);
    const reason = record.reason === undefined ? "—" : escapeMarkdown(clip(record.reason, 300));
    lines.push(`| ${login(record.approver, true)} | ${when(record.at)} | ${reason} | ${listed.join("; ")} |`);
  }
  if (rows.length > MAX_ROWS) lines.push("", `… and ${rows.length - MAX_ROWS} more approvals.`);
  return lines.join("\n");
}

function partialList(state: ApprovalState, describe: Describe): string {
  const items = [...state.partial].slice(0, MAX_ROWS).map(([fp, approvers]) => {
    const needed = state.needed.get(fp) ?? 1;
    const who = approvers.map((a) => login(a, false)).join(", ");
    return `- ${describe(fp, { table: false })}: ${approvers.length} of ${needed} approvers (${who})`;
  });
  if (state.partial.size > MAX_ROWS) items.push(`- … and ${state.partial.size - MAX_ROWS} more`);
  return ["**Waiting for more approvers:**", "", ...items].join("\n");
}

function staleList(stale: readonly StaleApproval[]): string {
  const items = stale.slice(0, MAX_ROWS).map((entry) => {
    const ids = entry.fingerprints
      .slice(0, MAX_PER_CELL)
      .map((fp) => inlineCode(shortId(fp), { table: false }));
    if (entry.fingerprints.length > MAX_PER_CELL)
      ids.push(`… and ${entry.fingerprints.length - MAX_PER_CELL} more`);
    return `- ${login(entry.approver, false)} approved ${ids.join(", ")} (${when(entry.at)}): ${escapeMarkdown(entry.why)}`;
  });
  if (stale.length > MAX_ROWS) items.push(`- … and ${stale.length - MAX_ROWS} more`);
  return [
    "**Approvals that no longer apply:**",
    "",
    ...items,
    "",
    "A fixed risk needs nothing more; a changed one is a new risk with a new id and needs a new approval.",
  ].join("\n");
}

function login(name: string, table: boolean): string {
  return inlineCode(name, { table });
}

/** `2024-05-01 12:00 UTC` for a UTC timestamp; anything else as given, escaped. */
function when(at: string): string {
  const utc = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?Z$/.exec(at);
  return utc ? `${utc[1]} ${utc[2]} UTC` : escapeMarkdown(at);
}
