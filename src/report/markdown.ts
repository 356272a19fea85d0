// The check-run summary the GitHub App posts: verdict, counts, expired exceptions, a table of
// findings (most severe first), the excepted findings, then what could not be read. GitHub rejects a summary over 65,535 characters, so the
// output is fitted to `maxLength` by dropping rows from the end and saying how many were dropped.

import { clip } from "../engine/text.js";
import { blockingFindings, type Finding, type ReviewResult, reviewPassed } from "../engine/types.js";
import {
  bySeverity,
  expiredExceptionLine,
  locationLabel,
  plural,
  type RuleDocs,
  resourceLabel,
  skippedFiles,
  summaryLine,
  summaryParts,
} from "./common.js";
import { type Compared, comparedLine } from "./compared.js";
import { escapeMarkdown, inlineCode, safeUrl } from "./escape.js";

export interface MarkdownOptions extends RuleDocs {
  /** Maximum length of the result in UTF-16 code units (never fewer than characters). */
  maxLength?: number;
  /** The revisions `kubedelta review` compared: a line under the heading when given. */
  compared?: Compared;
}

/** GitHub's limit for a check run's summary and text. */
export const GITHUB_SUMMARY_LIMIT = 65_535;

// More errors or skipped files than this are counted, not listed: the findings matter more.
const LIST_CAP = 50;
// Skipped files are folded away when there are more than a few.
const SKIPPED_OPEN_MAX = 5;
// Untrusted text is clipped before escaping (escaping can multiply its length by six), so that one
// enormous value cannot crowd everything else out of the summary.
const CLIP = { message: 1000, resource: 300, path: 300 } as const;

const SEVERITY_ICONS = { critical: "🔴", high: "🟠", medium: "🟡", low: "🔵", info: "⚪" } as const;

export function toMarkdown(result: ReviewResult, options: MarkdownOptions): string {
  const maxLength = options.maxLength ?? GITHUB_SUMMARY_LIMIT;
  const head = header(result, options.compared);
  const sections = [
    findingsSection(result, options),
    exceptedSection(result, options),
    errorsSection(result),
    skippedSection(result),
  ].filter((section) => section.items.length > 0);
  return fitToLength(head, sections, maxLength);
}

function header(result: ReviewResult, compared: Compared | undefined): string {
  const heading = reviewPassed(result) ? "## ✅ KubeDelta: passed" : "## ❌ KubeDelta: failed";
  const lines = [heading, ""];
  if (compared) lines.push(escapeMarkdown(clip(comparedLine(compared), CLIP.message)), "");
  if (result.findings.length === 0 && result.excepted.length === 0) {
    // Say what could not be read too: "no risky changes" only covers the files that were read.
    const unread = summaryParts(result).slice(1);
    lines.push(["No risky changes found.", ...(unread.length > 0 ? [unread.join("; ")] : [])].join(" "));
  } else {
    lines.push(summaryLine(result));
  }
  // A pass must not look like a full review when files were left out (not manifests, excluded,
  // values no render uses): said above the fold, with the count.
  if (result.skipped.length > 0) {
    lines.push(
      "",
      `> ⚠️ **${plural(skippedFiles(result), "changed file")} not reviewed:** listed below, with why.`,
    );
  }
  // Expired exceptions come first of all: findings someone thought were accepted block again.
  for (const expired of result.expiredExceptions) {
    lines.push("", `> ⚠️ **Expired:** ${escapeMarkdown(clip(expiredExceptionLine(expired), CLIP.message))}`);
  }
  return lines.join("\n");
}

/** A list of rendered items that can be shown in part, with a note about the rest. */
interface Section {
  items: string[];
  /** How many items to show at most, before any fitting. */
  cap: number;
  render(shown: readonly string[], omitted: number): string;
}

function findingsSection(result: ReviewResult, options: MarkdownOptions): Section {
  const blocking = new Set(blockingFindings(result));
  const rows = [...result.findings].sort(bySeverity).map((f) => findingRow(f, blocking.has(f), options));
  return {
    items: rows,
    cap: rows.length,
    render(shown, omitted) {
      const parts = ["### Findings"];
      if (shown.length > 0) {
        const table = [
          "| Severity | Rule | Resource | Location | What changed |",
          "| --- | --- | --- | --- | --- |",
        ];
        parts.push([...table, ...shown].join("\n"));
      }
      if (omitted > 0) {
        const count = shown.length > 0 ? `… ${omitted} more` : `${omitted}`;
        parts.push(
          `${count} ${omitted === 1 ? "finding" : "findings"} not shown ` +
            "(the full list is in the check annotations / CLI JSON output)",
        );
      }
      return parts.join("\n\n");
    },
  };
}

function findingRow(f: Finding, blocking: boolean, options: MarkdownOptions): string {
  // Blocking severities in bold: they are what turns the check red.
  const severity = `${SEVERITY_ICONS[f.severity]} ${blocking ? `**${f.severity}**` : f.severity}`;
  const message = escapeMarkdown(clip(f.message, CLIP.message));
  return `| ${severity} | ${findingCells(f, options)} | ${message} |`;
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

/** The rule, resource and location cells of a finding's row. */
function findingCells(f: Finding, options: MarkdownOptions): string {
  const rule = ruleLink(f.rule, options);
  const resource = escapeMarkdown(clip(resourceLabel(f.resource), CLIP.resource));
  // A removed resource is located in the base version of the file.
  const side = f.side === "base" ? " (base)" : "";
  const location = inlineCode(clip(locationLabel(f.file, f.line), CLIP.path)) + side;
  return `${rule} | ${resource} | ${location}`;
}

function exceptedSection(result: ReviewResult, options: MarkdownOptions): Section {
  const rows = [...result.excepted]
    .sort((a, b) => bySeverity(a.finding, b.finding))
    .map(({ finding: f, exception }) => {
      const reason = escapeMarkdown(clip(exception.reason, CLIP.message));
      return `| ${SEVERITY_ICONS[f.severity]} ${f.severity} | ${findingCells(f, options)} | ${reason} | ${exception.expires} |`;
    });
  return {
    items: rows,
    cap: LIST_CAP,
    render(shown, omitted) {
      const parts = [
        "### Excepted findings",
        "Accepted by an exception in the repository's configuration until its expiry day: they do not block.",
      ];
      if (shown.length > 0) {
        const table = [
          "| Severity | Rule | Resource | Location | Reason | Expires |",
          "| --- | --- | --- | --- | --- | --- |",
        ];
        parts.push([...table, ...shown].join("\n"));
      }
      if (omitted > 0) parts.push(`${shown.length > 0 ? "… " : ""}${omitted} more not shown`);
      return parts.join("\n\n");
    },
  };
}

function errorsSection(result: ReviewResult): Section {
  const items = result.errors.map((e) => {
    const where = inlineCode(clip(locationLabel(e.file, e.line), CLIP.path), { table: false });
    return `- ${where} ${escapeMarkdown(clip(e.message, CLIP.message))}`;
  });
  return {
    items,
    cap: LIST_CAP,
    render: (shown, omitted) =>
      ["### Errors", [...shown, ...(omitted > 0 ? [`- … ${omitted} more not shown`] : [])].join("\n")].join(
        "\n\n",
      ),
  };
}

function skippedSection(result: ReviewResult): Section {
  const items = result.skipped.map((s) => {
    const file = inlineCode(clip(s.file, CLIP.path), { table: false });
    return `- ${file} ${escapeMarkdown(clip(s.reason, CLIP.message))}`;
  });
  const title = `${plural(items.length, "file")} skipped`;
  return {
    items,
    cap: LIST_CAP,
    render(shown, omitted) {
      const list = [...shown, ...(omitted > 0 ? [`- … ${omitted} more not shown`] : [])].join("\n");
      // The blank lines inside <details> let GitHub render the list as Markdown.
      return items.length > SKIPPED_OPEN_MAX
        ? `<details><summary>${title}</summary>\n\n${list}\n\n</details>`
        : `### Skipped files\n\n${list}`;
    },
  };
}

/**
 * Shows as much as fits in `maxLength`: sections start at their cap, then the findings table
 * gives up rows from the end, then the other lists, each shrunk as little as possible.
 */
function fitToLength(head: string, sections: readonly Section[], maxLength: number): string {
  // Never more items than could fit on their own: saves rendering a huge list just to measure it.
  const shown = sections.map((s) => Math.min(s.items.length, s.cap, countFitting(s.items, maxLength)));
  const compose = (): string =>
    `${[head, ...sections.map((s, i) => s.render(s.items.slice(0, shown[i]), s.items.length - shown[i]))].join("\n\n")}\n`;

  for (let i = 0; i < sections.length; i++) {
    if (compose().length <= maxLength) break;
    // Largest count below the current one that fits. Below the full list a note is always
    // present, so the length only grows with the count and a binary search applies.
    let low = 0;
    let high = shown[i] - 1;
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
