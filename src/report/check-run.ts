// The one check run KubeDelta posts per head commit: conclusion, title, summary and annotations.
// Branch protection requires this check, so it must always report and never pass by accident:
// input errors fail it like blocking findings do, and errorOutput() fails it when the review broke.
// Pure: the GitHub shell sends the batches, one request per batch.

import { clip } from "../engine/text.js";
import {
  blockingFindings,
  blockingReason,
  type Finding,
  findingBlocks,
  type InputError,
  type ReviewResult,
  type Severity,
} from "../engine/types.js";
import { bySeverity, type RuleDocs, resourceLabel, resultTitle } from "./common.js";
import { breakMarkers, escapeMarkdown, escapeTerminal } from "./escape.js";
import { GITHUB_SUMMARY_LIMIT, type MarkdownOptions, toMarkdown } from "./markdown.js";

export const CHECK_NAME = "KubeDelta";

export type Conclusion = "success" | "failure" | "neutral";

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "failure" | "warning" | "notice";
  title: string;
  message: string;
  raw_details?: string;
}

export interface CheckRunOutput {
  conclusion: Conclusion;
  title: string;
  summary: string;
  text?: string;
  /** Annotations in requests of at most ANNOTATIONS_PER_REQUEST, most severe first. */
  annotationBatches: Annotation[][];
  /** Buttons on the check run (GitHub allows three). */
  actions?: CheckRunAction[];
}

export interface CheckRunAction {
  label: string;
  description: string;
  identifier: string;
}

/** The button that does what `/approve-risk` does, for the person who presses it. */
export const APPROVE_ACTION: CheckRunAction = {
  label: "Approve risks",
  description: "Accept the blocking risks (if allowed)",
  identifier: "approve-risks",
};

export interface CheckRunOptions extends RuleDocs {
  /** Paths that exist in the head commit: an annotation can only point at one of them. */
  headFiles: ReadonlySet<string>;
  /** An extra line for the top of the summary; plain text, escaped like everything else. */
  note?: string;
  /** Risks accepted with /approve-risk: they stop blocking, and the summary says who approved. */
  approvals?: MarkdownOptions["approvals"];
  /** Links from the summary to the findings' lines (see MarkdownOptions). */
  lineUrl?: MarkdownOptions["lineUrl"];
  /** Who may approve (see MarkdownOptions). */
  approvers?: MarkdownOptions["approvers"];
}

/** GitHub accepts at most this many annotations per create/update request. */
export const ANNOTATIONS_PER_REQUEST = 50;
/** Our own cap: 20 requests per check run is plenty, and keeps a huge PR from eating the rate limit. */
export const MAX_ANNOTATIONS = 1000;

// GitHub's limits on the fields of a check run and of an annotation.
const TITLE_MAX = 255;
const FIELD_MAX_BYTES = 64 * 1000; // "64 KB": the smaller reading, so that either one holds
// Untrusted text is clipped before escaping, as in markdown.ts, so it cannot crowd out the rest.
const NOTE_CLIP = 1000;
const WHAT_CLIP = 2000;

export function checkRunOutput(result: ReviewResult, options: CheckRunOptions): CheckRunOutput {
  const annotations = [
    ...result.errors.flatMap((e) => errorAnnotation(e, options.headFiles)),
    ...[...result.findings].sort(bySeverity).flatMap((f) => findingAnnotation(f, result, options)),
  ];
  const shown = annotations.slice(0, MAX_ANNOTATIONS);

  const notes: string[] = [];
  if (options.note !== undefined && options.note.trim() !== "") {
    notes.push(`> ${escapeMarkdown(clip(options.note, NOTE_CLIP))}`);
  }
  if (annotations.length > shown.length) {
    notes.push(
      `> Only the ${shown.length} most severe of ${annotations.length} annotations are attached to the ` +
        "files; the summary below lists every finding.",
    );
  }
  const prefix = notes.map((line) => `${line}\n\n`).join("");
  const markdown = toMarkdown(result, {
    rules: options.rules,
    docsUrl: options.docsUrl,
    lineUrl: options.lineUrl,
    approvers: options.approvers,
    approvals: options.approvals,
    maxLength: Math.max(0, GITHUB_SUMMARY_LIMIT - prefix.length),
  });

  const approved = options.approvals?.approved ?? new Set<string>();
  const open = blockingFindings(result).filter((f) => !approved.has(f.fingerprint));
  return {
    conclusion: result.errors.length === 0 && open.length === 0 ? "success" : "failure",
    ...(open.length > 0 ? { actions: [APPROVE_ACTION] } : {}),
    title: clip(resultTitle(result, approved), TITLE_MAX),
    summary: clip(prefix + markdown, GITHUB_SUMMARY_LIMIT),
    annotationBatches: chunk(shown, ANNOTATIONS_PER_REQUEST),
  };
}

// A PR without manifest changes still gets a green check: a required check that never reports
// blocks merging forever.
export function noManifestOutput(): CheckRunOutput {
  return {
    conclusion: "success",
    title: "No Kubernetes manifest changed",
    summary:
      "## ✅ KubeDelta: No Kubernetes manifest changed\n\n" +
      "No Kubernetes manifest changed in this pull request, so there was nothing to review.\n",
    annotationBatches: [],
  };
}

/**
 * The check run when the review itself failed (GitHub unreachable, a limit we could not handle, a
 * bug). It fails closed: a required check never turns green because something broke.
 */
export function errorOutput(what: string): CheckRunOutput {
  // A message can have lines of its own (a configuration error shows the line and a caret under
  // the column): the first is the title, and all of them are kept, as code, in the summary.
  const lines = clip(what, WHAT_CLIP)
    .split(/\r\n|\n|\r/)
    .map((line) => escapeTerminal(line).trimEnd())
    .filter((line) => line.trim() !== "");
  const reason = lines[0]?.trim() || "unknown error";
  const prefix = "KubeDelta could not complete the review: ";
  const summary = [
    "## ❌ KubeDelta: could not complete the review",
    `**What went wrong:** ${escapeMarkdown(reason)}`,
    ...(lines.length > 1 ? [codeBlock(lines.slice(1))] : []),
    "This check fails closed: when the review cannot be completed, the check fails rather than " +
      "letting unreviewed changes merge. Nothing about the pull request itself was judged.",
    "To try again, use **Re-run** on this check in the Checks tab, or push a new commit. If it keeps " +
      "failing, ask the KubeDelta administrators to look at the app's logs.",
  ].join("\n\n");
  return {
    conclusion: "failure",
    title: clip(prefix + plain(lines.join(" ") || reason), TITLE_MAX),
    summary: `${clip(summary, GITHUB_SUMMARY_LIMIT - 1)}\n`,
    annotationBatches: [],
  };
}

/** Lines shown as they are: a fence longer than any run of backticks or tildes inside. */
function codeBlock(lines: readonly string[]): string {
  const longest = Math.max(2, ...lines.flatMap((line) => (line.match(/`+/g) ?? []).map((run) => run.length)));
  const fence = "`".repeat(longest + 1);
  return [`${fence}text`, ...lines.map(breakMarkers), fence].join("\n");
}

const LEVELS: Record<Severity, Annotation["annotation_level"]> = {
  critical: "failure",
  high: "failure",
  medium: "warning",
  low: "notice",
  info: "notice",
};

/**
 * An annotation on the head commit. A removed field lives on an old line that GitHub cannot show,
 * so a base-side finding goes to line 1 of the same path when the head commit still has it, and
 * is left to the summary otherwise. Paths missing from the head commit are left out for any
 * finding: an annotation there would point at nothing.
 */
function findingAnnotation(f: Finding, result: ReviewResult, options: CheckRunOptions): Annotation[] {
  if (!options.headFiles.has(f.file)) return [];
  const line = f.side === "base" ? 1 : validLine(f.line);
  const where = f.side === "base" ? ` in the base version, line ${f.line}` : "";
  const meta = options.rules(f.rule);
  const blocking = findingBlocks(result, f);
  const details = [
    `Rule: ${f.rule}${meta ? ` (${meta.title})` : ""}`,
    `Severity: ${f.severity}, ${blocking ? "blocking" : "not blocking"} (${blockingReason(result, f)})`,
    ...(meta ? [`Fix: ${meta.remediation}`] : []),
    `Docs: ${options.docsUrl(f.rule)}`,
    `Fingerprint: ${f.fingerprint}`,
  ];
  return [
    {
      path: f.file,
      start_line: line,
      end_line: line,
      annotation_level: LEVELS[f.severity],
      title: clip(plain(`${f.severity.toUpperCase()} ${f.rule}`), TITLE_MAX),
      message: clipBytes(plain(`${resourceLabel(f.resource)}${where}: ${f.message}`), FIELD_MAX_BYTES),
      raw_details: clipBytes(details.map(plain).join("\n"), FIELD_MAX_BYTES),
    },
  ];
}

/** An input error fails the check, so it is annotated as a failure where the file exists. */
function errorAnnotation(e: InputError, headFiles: ReadonlySet<string>): Annotation[] {
  if (!headFiles.has(e.file)) return [];
  const line = validLine(e.line ?? 1);
  return [
    {
      path: e.file,
      start_line: line,
      end_line: line,
      annotation_level: "failure",
      title: "Input error: KubeDelta could not read this file",
      message: clipBytes(plain(e.message), FIELD_MAX_BYTES) || "Input error",
    },
  ];
}

/** GitHub rejects annotations on line 0 or on fractional lines. */
function validLine(line: number): number {
  return Number.isInteger(line) && line >= 1 ? line : 1;
}

/**
 * Annotations are plain text, so no Markdown escaping: only controls, escape sequences and bidi
 * overrides go (escapeTerminal), lone surrogates become U+FFFD (invalid in the JSON GitHub parses),
 * and `<!` gets a word joiner so that nothing scanning for our hidden markers can match one.
 */
function plain(text: string): string {
  return breakMarkers(
    escapeTerminal(text).replace(
      /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      "\ufffd",
    ),
  );
}

/** At most `maxBytes` bytes of UTF-8 (GitHub limits annotations in bytes), ending in `…` when clipped. */
function clipBytes(text: string, maxBytes: number): string {
  // A UTF-16 unit never takes more than 3 bytes (a pair of them takes 4), so short text is fine as is.
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) return text;
  const budget = maxBytes - Buffer.byteLength("…");
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    bytes += Buffer.byteLength(char);
    if (bytes > budget) break;
    end += char.length;
  }
  return `${text.slice(0, end)}…`;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
