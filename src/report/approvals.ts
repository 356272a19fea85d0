// The Markdown of approvals: KubeDelta's replies to `/approve-risk` commands (acknowledgements,
// which end in the hidden marker that records them, and refusals) and the Approvals section of
// the check-run summary. What is approved is decided in src/approvals; this only shows it.
//
// Logins, reasons and resource names are untrusted: code spans or escaped, and never a mention,
// so a reply never notifies anyone.

import { type Acknowledgement, acknowledgementMarker } from "../approvals/acknowledgements.js";
import type { ApprovalRecord, ApprovalState, StaleApproval } from "../approvals/state.js";
import { shortId } from "../engine/ids.js";
import { clip } from "../engine/text.js";
import type { Finding } from "../engine/types.js";
import type { ApprovalSettings } from "../policy/types.js";
import { resourceLabel } from "./common.js";
import { escapeMarkdown, inlineCode, markdownWithCode } from "./escape.js";

// ---------------------------------------------------------------------------------------------
// Replies to commands

// Approved findings listed one per line, up to this many; the marker still names them all.
const LIST_CAP = 50;

/**
 * The reply to an accepted command: what was approved (or withdrawn), the reason, the marker last.
 * `findings` describe the approved fingerprints (any others are listed by short id alone).
 */
export function acknowledgementBody(ack: Acknowledgement, findings: readonly Finding[]): string {
  const marker = acknowledgementMarker(ack);
  const who = inlineCode(ack.approver, { table: false });
  const reason = ack.reason === undefined ? "" : ` — reason: ${escapeMarkdown(ack.reason)}`;
  if (ack.kind === "cancel") return `↩️ ${who} withdrew their approvals.${reason}\n\n${marker}\n`;

  const items = ack.fingerprints.slice(0, LIST_CAP).map((fp) => approvedItem(fp, findings));
  const omitted = ack.fingerprints.length - items.length;
  if (omitted > 0) items.push(`- … and ${omitted} more`);
  const count = ack.fingerprints.length === 1 ? "1 risk" : `${ack.fingerprints.length} risks`;
  return `✅ Approved by ${who}: ${count}${reason}\n\n${items.join("\n")}\n\n${marker}\n`;
}

/** `` - `abcd1234` · `service-load-balancer` · Service shop/web `` */
function approvedItem(fp: string, findings: readonly Finding[]): string {
  const id = inlineCode(shortId(fp), { table: false });
  const finding = findings.find((f) => f.fingerprint === fp);
  if (!finding) return `- ${id}`;
  const rule = inlineCode(finding.rule, { table: false });
  return `- ${id} · ${rule} · ${escapeMarkdown(clip(resourceLabel(finding.resource), 200))}`;
}

/**
 * The reply to a refused command: `⛔ Not applied: <reason>`, without a marker. The reason is
 * plain text; what it puts in backticks is shown as code, everything else is escaped.
 */
export function refusalBody(reason: string): string {
  return `⛔ Not applied: ${markdownWithCode(clip(reason, 2000))}\n`;
}

// ---------------------------------------------------------------------------------------------
// Check-run summary section

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

// ---------------------------------------------------------------------------------------------
// Who may approve, for the summary's approve line

const ROLES: Record<ApprovalSettings["minPermission"], string | undefined> = {
  none: undefined,
  read: "anyone with read access or more",
  triage: "anyone with triage access or more",
  write: "anyone with write access or more",
  maintain: "maintainers and admins",
  admin: "admins",
};

/**
 * Who may approve, from the repository's `approvals` settings, for MarkdownOptions.approvers:
 * `anyone with write access or more, members of `org/sec` or `alice` (except the pull request's author)`, and the
 * quorum when one applies. Team names and logins are shown as code: never a mention.
 */
export function approversOf(settings: ApprovalSettings): { who: string; quorum?: string } {
  const who = [
    ...(ROLES[settings.minPermission] ? [ROLES[settings.minPermission] as string] : []),
    ...settings.teams.map((team) => `members of ${inlineCode(team, { table: false })}`),
    ...settings.users.map((user) => inlineCode(user, { table: false })),
  ];
  const listed =
    who.length === 0
      ? "nobody (the repository's approvals settings name no one)"
      : who.length === 1
        ? who[0]
        : `${who.slice(0, -1).join(", ")} or ${who[who.length - 1]}`;
  const author = who.length > 0 && !settings.allowAuthor ? " (except the pull request's author)" : "";
  const { severity, approvers } = settings.quorum;
  const quorum =
    approvers > 1 ? `Findings at ${severity} or above need ${approvers} different approvers.` : undefined;
  return { who: `${listed}${author}`, ...(quorum ? { quorum } : {}) };
}
