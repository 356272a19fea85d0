// Approval state, rebuilt from KubeDelta's acknowledgements on every event (GitHub is the
// database), and what a new `/approve-risk` command would approve.
//
// An approval covers exactly the fingerprints its acknowledgement names. A fingerprint leaves
// out line numbers, so an approval survives rebases and unrelated pushes; a new or changed risk
// has a new fingerprint, and so needs a new approval.

import { SHORT_ID, sameLogin, shortId } from "../engine/ids.js";
import { type Finding, severityRank } from "../engine/types.js";
import {
  type Acknowledgement,
  type ApprovalPolicy,
  type ApprovalRecord,
  type ApprovalState,
  quoted,
  type StaleApproval,
  type Targets,
} from "./types.js";

export type { ApprovalPolicy, ApprovalRecord, ApprovalState, StaleApproval, Targets } from "./types.js";

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
