// The summary a person reads first (the check run's, and `--format markdown`): the verdict and
// counts, how to approve, then one line per finding, grouped by resource: open blocking risks,
// approved ones, the ones that do not block; then exceptions, errors, what was not reviewed,
// approvals, and the whole message of each finding folded away. A line says severity, rule, where
// (linked to the line when the caller can), the short id and what changed; why it matters and how
// to fix it are in the inline comment, the rule reference and the folded details.
//
// GitHub rejects a summary over 65,535 characters, so the output is fitted to `maxLength`: the
// least important lists give up lines first, and each says how many it left out.

import { shortId } from "../engine/ids.js";
import { clip } from "../engine/text.js";
import { blockingFindings, type Finding, type ReviewResult } from "../engine/types.js";
import {
  bySeverity,
  expiredExceptionLine,
  headline,
  locationLabel,
  plural,
  type RuleDocs,
  resourceLabel,
  resultTitle,
  skippedFiles,
  summaryLine,
  summaryParts,
} from "./common.js";
import { type Compared, comparedLine } from "./compared.js";
import { escapeMarkdown, inlineCode, markdownWithCode, safeUrl } from "./escape.js";

/** A finding's place, for a link to it. */
export interface LineLocation {
  file: string;
  line: number;
  /** "base": the line is in the base version of the file (something the change removed). */
  side: "base" | "head";
}

export interface MarkdownOptions extends RuleDocs {
  /** Maximum length of the result in UTF-16 code units (never fewer than characters). */
  maxLength?: number;
  /** The revisions `kubedelta review` compared: a line under the heading when given. */
  compared?: Compared;
  /** A link to a finding's line (the App: that line of the pull request's commit); none: no link. */
  lineUrl?: (location: LineLocation) => string | undefined;
  /**
   * Who may approve and the quorum, as Markdown built safely (report/approvals.ts approversOf):
   * with it, a failing summary says who may approve and the exact command.
   */
  approvers?: { who: string; quorum?: string };
  /** Risks accepted with /approve-risk: they stop blocking; `markdown` is their section. */
  approvals?: { approved: ReadonlySet<string>; markdown: string };
}

/** GitHub's limit for a check run's summary and text. */
export const GITHUB_SUMMARY_LIMIT = 65_535;

// More errors or skipped files than this are counted, not listed: the findings matter more.
const LIST_CAP = 50;
// Skipped files are folded away when there are more than a few.
const SKIPPED_OPEN_MAX = 5;
// One approve command names at most this many ids (src/approvals); past it, the bare command.
const COMMAND_IDS_MAX = 100;
// Untrusted text is clipped before escaping (escaping can multiply its length by six), so that one
// enormous value cannot crowd everything else out of the summary.
const CLIP = { message: 1000, resource: 300, path: 300 } as const;
// What changed, in a line that fits beside the rest on a check run's page.
const HEADLINE_MAX = 72;

export const SEVERITY_ICONS = { critical: "🔴", high: "🟠", medium: "🟡", low: "🔵", info: "⚪" } as const;

export function toMarkdown(result: ReviewResult, options: MarkdownOptions): string {
  const maxLength = options.maxLength ?? GITHUB_SUMMARY_LIMIT;
  const approved = options.approvals?.approved ?? new Set<string>();
  const blocking = new Set(blockingFindings(result));
  const open = [...blocking].filter((f) => !approved.has(f.fingerprint));
  const accepted = [...blocking].filter((f) => approved.has(f.fingerprint));
  const others = result.findings.filter((f) => !blocking.has(f));

  const head = header(result, open, options);
  // Display order; `priority` says which list keeps its lines longest when space runs out.
  const sections: Section[] = [
    findingsSection(`❌ Blocking (${open.length})`, open, options, 6, approveLine(open, options.approvers)),
    findingsSection(`✅ Approved (${accepted.length})`, accepted, options, 5),
    findingsSection(`Not blocking (${others.length})`, others, options, 2),
    exceptedSection(result, options),
    errorsSection(result),
    skippedSection(result),
    fixedSection(options.approvals?.markdown.trim() ?? ""),
    detailsSection(result, options),
  ].filter((section) => section.items.length > 0);
  return fitToLength(head, sections, maxLength);
}

function header(result: ReviewResult, open: readonly Finding[], options: MarkdownOptions): string {
  const approved = options.approvals?.approved ?? new Set<string>();
  const failed = open.length > 0 || result.errors.length > 0;
  const unreviewed = skippedFiles(result);
  // A pass that left files out must not look like a full review.
  const icon = failed ? "❌" : unreviewed > 0 ? "⚠️" : "✅";
  const lines = [`## ${icon} KubeDelta: ${resultTitle(result, approved)}`, ""];
  if (options.compared) lines.push(escapeMarkdown(clip(comparedLine(options.compared), CLIP.message)), "");
  if (result.findings.length === 0 && result.excepted.length === 0) {
    // Say what could not be read too: "no risky changes" only covers the files that were read.
    const unread = summaryParts(result).slice(1);
    lines.push(["No risky changes found.", ...(unread.length > 0 ? [unread.join("; ")] : [])].join(" "));
  } else {
    lines.push(summaryLine(result));
  }
  if (unreviewed > 0) {
    lines.push("", `> ⚠️ **${plural(unreviewed, "changed file")} not reviewed:** listed below, with why.`);
  }
  // Findings someone thought were accepted block again: said before any list.
  for (const expired of result.expiredExceptions) {
    lines.push("", `> ⚠️ **Expired:** ${escapeMarkdown(clip(expiredExceptionLine(expired), CLIP.message))}`);
  }
  return lines.join("\n");
}

/**
 * `**To approve**, <who> can comment `/approve-risk 3f9c2a1b 77d0e412 -- reason`.`, under the
 * blocking list (nothing when the caller did not say who may approve).
 */
function approveLine(open: readonly Finding[], approvers: MarkdownOptions["approvers"]): string {
  if (open.length === 0 || approvers === undefined) return "";
  const ids = [...new Set([...open].sort(bySeverity).map((f) => shortId(f.fingerprint)))];
  const command =
    ids.length > COMMAND_IDS_MAX ? "/approve-risk -- reason" : `/approve-risk ${ids.join(" ")} -- reason`;
  const all = ids.length > COMMAND_IDS_MAX ? " (every blocking risk)" : "";
  const quorum = approvers.quorum ? ` ${approvers.quorum}` : "";
  return `**To approve**, ${approvers.who} can comment ${inlineCode(command, { table: false })}${all}.${quorum}`;
}

/** A list of rendered items that can be shown in part, with a note about the rest. */
interface Section {
  items: string[];
  /** How many items to show at most, before any fitting. */
  cap: number;
  /** Higher keeps its items longer when the summary must shrink. */
  priority: number;
  render(shown: readonly string[], omitted: number): string;
}

const notShown = (omitted: number, shown: number, what = "") =>
  `${shown > 0 ? "… " : ""}${omitted}${shown > 0 ? " more" : ""}${what} not shown`;

/**
 * Findings grouped by resource (groups in the order of their most severe finding), one line each.
 * An item is its group's heading line and its own line, joined by a newline: render() writes each
 * heading once.
 */
function findingsSection(
  title: string,
  findings: readonly Finding[],
  options: MarkdownOptions,
  priority: number,
  footer = "",
): Section {
  const groups = new Map<string, Finding[]>();
  for (const f of [...findings].sort(bySeverity)) {
    const key = resourceLabel(f.resource);
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const items = [...groups.values()].flatMap((group) => {
    // A resource's findings usually sit in one file: then the heading names it, and each line
    // only its line number.
    const files = new Set(group.map((f) => `${f.side}:${f.file}`));
    const file = files.size === 1 ? group[0].file : undefined;
    const resource = escapeMarkdown(clip(resourceLabel(group[0].resource), CLIP.resource));
    const where = file === undefined ? "" : ` in ${inlineCode(clip(file, CLIP.path), { table: false })}`;
    const heading = `- **${resource}**${where}${group[0].side === "base" && file ? " (base)" : ""}`;
    return group.map((f) => `${heading}\n  - ${findingLine(f, options, file !== undefined)}`);
  });
  return {
    items,
    cap: items.length,
    priority,
    render(shown, omitted) {
      const lines: string[] = [];
      let lastHeading: string | undefined;
      for (const item of shown) {
        const [heading, line] = item.split("\n");
        if (heading !== lastHeading) lines.push(heading);
        lastHeading = heading;
        lines.push(line);
      }
      const rest =
        omitted > 0
          ? [
              `${notShown(omitted, shown.length)} (every finding is in the check's annotations and the CLI's JSON output)`,
            ]
          : [];
      const end = footer === "" ? [] : [footer];
      return [`### ${title}`, ...(lines.length > 0 ? [lines.join("\n")] : []), ...rest, ...end].join("\n\n");
    },
  };
}

/**
 * `🔴 critical · [`rule`](docs) · [`file:line`](link) · `3f9c2a1b` — what changed`, with
 * `[line 34](link)` when the heading names the file.
 */
function findingLine(f: Finding, options: MarkdownOptions, fileInHeading: boolean): string {
  const severity = `${SEVERITY_ICONS[f.severity]} ${f.severity}`;
  const what = markdownWithCode(headline(clip(f.message, CLIP.message), f.resource, HEADLINE_MAX));
  const where = fileInHeading ? lineLink(f, options) : location(f, options);
  return `${[severity, ruleLink(f.rule, options, { table: false }), where, id(f)].join(" · ")} — ${what}`;
}

/** `line 34`, linked to it when the caller can. */
function lineLink(f: Finding, options: MarkdownOptions): string {
  if (!(f.line > 0)) return "line unknown";
  const url = options.lineUrl?.({ file: f.file, line: f.line, side: f.side });
  return url === undefined ? `line ${f.line}` : `[line ${f.line}](${safeUrl(url)})`;
}

function id(f: Finding): string {
  return inlineCode(shortId(f.fingerprint), { table: false });
}

/** `file:line` as code, linked to the line when the caller can; `(base)` for a removed line. */
function location(f: Finding, options: MarkdownOptions): string {
  const label = inlineCode(clip(locationLabel(f.file, f.line), CLIP.path), { table: false });
  const url = f.line > 0 ? options.lineUrl?.({ file: f.file, line: f.line, side: f.side }) : undefined;
  const linked = url === undefined ? label : `[${label}](${safeUrl(url)})`;
  return f.side === "base" ? `${linked} (base)` : linked;
}

/**
 * The rule id as a code span linked to its documentation, with the rule's title as the link's
 * title. `table` as for inlineCode: in a table cell (the default), `|` is escaped.
 */
export function ruleLink(ruleId: string, docs: RuleDocs, options: { table?: boolean } = {}): string {
  const title = docs.rules(ruleId)?.title;
  const titleAttr = title ? ` "${escapeMarkdown(title)}"` : "";
  return `[${inlineCode(ruleId, options)}](${safeUrl(docs.docsUrl(ruleId))}${titleAttr})`;
}

function exceptedSection(result: ReviewResult, options: MarkdownOptions): Section {
  const items = [...result.excepted]
    .sort((a, b) => bySeverity(a.finding, b.finding))
    .map(({ finding: f, exception }) => {
      const resource = escapeMarkdown(clip(resourceLabel(f.resource), CLIP.resource));
      const reason = markdownWithCode(clip(exception.reason, CLIP.message));
      const where = [
        `${SEVERITY_ICONS[f.severity]} ${f.severity}`,
        ruleLink(f.rule, options, { table: false }),
        resource,
        location(f, options),
      ].join(" · ");
      return `- ${where} — until ${exception.expires}: ${reason}`;
    });
  return {
    items,
    cap: LIST_CAP,
    priority: 3,
    render: (shown, omitted) =>
      [
        `### Excepted (${items.length})`,
        "Accepted by an exception in the repository's configuration until its expiry day: they do not block.",
        [...shown, ...(omitted > 0 ? [`- ${notShown(omitted, shown.length)}`] : [])].join("\n"),
      ].join("\n\n"),
  };
}

function errorsSection(result: ReviewResult): Section {
  const items = result.errors.map((e) => {
    const where = inlineCode(clip(locationLabel(e.file, e.line), CLIP.path), { table: false });
    return `- ${where} ${markdownWithCode(clip(e.message, CLIP.message))}`;
  });
  return {
    items,
    cap: LIST_CAP,
    priority: 4,
    render: (shown, omitted) =>
      [
        `### Errors (${items.length})`,
        [...shown, ...(omitted > 0 ? [`- ${notShown(omitted, shown.length)}`] : [])].join("\n"),
      ].join("\n\n"),
  };
}

function skippedSection(result: ReviewResult): Section {
  const items = result.skipped.map((s) => {
    const file = inlineCode(clip(s.file, CLIP.path), { table: false });
    return `- ${file} ${markdownWithCode(clip(s.reason, CLIP.message))}`;
  });
  const title = `Not reviewed (${plural(skippedFiles(result), "file")})`;
  return {
    items,
    cap: LIST_CAP,
    priority: 4,
    render(shown, omitted) {
      const list = [...shown, ...(omitted > 0 ? [`- ${notShown(omitted, shown.length)}`] : [])].join("\n");
      // The blank lines inside <details> let GitHub render the list as Markdown.
      return items.length > SKIPPED_OPEN_MAX
        ? `### ${title}\n\n<details><summary>Which files, and why</summary>\n\n${list}\n\n</details>`
        : `### ${title}\n\n${list}`;
    },
  };
}

/** Markdown someone else rendered (the approvals): shown whole, or not at all. */
function fixedSection(markdown: string): Section {
  return {
    items: markdown === "" ? [] : [markdown],
    cap: 1,
    priority: 5,
    render: (shown) =>
      shown.length > 0 ? shown.join("") : "_Approvals not shown: the summary is at its size limit._",
  };
}

/** Every finding's whole message (why it matters, how to fix it), folded away. */
function detailsSection(result: ReviewResult, options: MarkdownOptions): Section {
  const items = [...result.findings].sort(bySeverity).map((f) => {
    const resource = escapeMarkdown(clip(resourceLabel(f.resource), CLIP.resource));
    const message = markdownWithCode(clip(f.message, CLIP.message));
    return `- ${id(f)} ${ruleLink(f.rule, options, { table: false })} **${resource}**: ${message}`;
  });
  return {
    items,
    cap: items.length,
    priority: 0,
    render(shown, omitted) {
      const list = [...shown, ...(omitted > 0 ? [`- ${notShown(omitted, shown.length, " messages")}`] : [])];
      return `<details><summary>Why each finding matters, and how to fix it</summary>\n\n${list.join("\n")}\n\n</details>`;
    },
  };
}

/**
 * Shows as much as fits in `maxLength`: the most important section gets as many items as fit with
 * the others empty, then the next fills what room is left, and so on; each says what it left out.
 */
function fitToLength(head: string, sections: readonly Section[], maxLength: number): string {
  // Never more items than could fit on their own, their last line alone (a finding's heading is
  // shared): saves rendering a huge list just to measure it.
  const most = sections.map((s) =>
    Math.min(
      s.items.length,
      s.cap,
      countFitting(
        s.items.map((item) => item.slice(item.lastIndexOf("\n") + 1)),
        maxLength,
      ),
    ),
  );
  const shown = sections.map(() => 0);
  const compose = (): string =>
    `${[head, ...sections.map((s, i) => s.render(s.items.slice(0, shown[i]), s.items.length - shown[i]))].join("\n\n")}\n`;

  const byPriority = sections.map((_, i) => i).sort((a, b) => sections[b].priority - sections[a].priority);
  for (const i of byPriority) {
    shown[i] = most[i];
    if (compose().length <= maxLength) continue;
    // Largest count below that one that fits. Below the full list a note is always present, so
    // the length only grows with the count and a binary search applies.
    let low = 0;
    let high = most[i] - 1;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      shown[i] = mid;
      if (compose().length <= maxLength) low = mid;
      else high = mid - 1;
    }
    shown[i] = low;
  }

  const text = compose();
  // Last resort for a limit too small even for the headings. By now every list is empty, so
  // only our own text is cut, never an escape or a code span around untrusted text.
  return text.length <= maxLength ? text : `${clip(text, Math.max(0, maxLength - 1))}\n`.slice(0, maxLength);
}

/** How many items, one per line, fit in `maxLength` with nothing else around them. */
function countFitting(items: readonly string[], maxLength: number): number {
  let length = 0;
  for (let k = 0; k < items.length; k++) {
    length += items[k].length + 1;
    if (length > maxLength) return k;
  }
  return items.length;
}
