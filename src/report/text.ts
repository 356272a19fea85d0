// Terminal output for people: findings in reading order, a blank line between files, each with a
// first line made for grep (`file:line SEVERITY rule resource`) and its message wrapped to the
// width below it; then expired and applied exceptions, then what could not be read, then the
// counts and the verdict. Every untrusted string goes through escapeTerminal.

import { compareFindings } from "../engine/findings.js";
import { type ReviewResult, reviewPassed } from "../engine/types.js";
import { expiredExceptionLine, locationLabel, resourceLabel, summaryLine } from "./common.js";
import { type Compared, comparedLine } from "./compared.js";
import { escapeTerminal } from "./escape.js";

export interface TextOptions {
  /** Colour severities and the verdict with ANSI escapes (the caller knows if stdout is a TTY). */
  color: boolean;
  /** The revisions `kubedelta review` compared: the first line when given. */
  compared?: Compared;
  /** Columns to wrap messages to (the terminal's width); default DEFAULT_TEXT_WIDTH. */
  width?: number;
}

/** Where text is wrapped when there is no terminal to measure. */
export const DEFAULT_TEXT_WIDTH = 100;
// Narrower than this, wrapping would make a column of single words.
const MIN_WIDTH = 40;
const INDENT = "    ";

/**
 * `text` in lines of at most `width` columns after `indent`, broken at spaces; a word longer than
 * a line keeps its own line whole (a path or an image reference stays greppable).
 */
export function wrap(text: string, width: number, indent = INDENT): string[] {
  const room = Math.max(MIN_WIDTH, width) - indent.length;
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ").filter(Boolean)) {
    if (line !== "" && line.length + 1 + word.length > room) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(indent + line);
  return lines;
}

const RESET = "\x1b[0m";
const STYLES = {
  critical: "\x1b[1;31m", // bold red
  high: "\x1b[31m", // red
  medium: "\x1b[33m", // yellow
  low: "\x1b[36m", // cyan
  info: "\x1b[2m", // dim
  bold: "\x1b[1m",
  failed: "\x1b[1;31m",
  passed: "\x1b[1;32m",
} as const;

export function toText(result: ReviewResult, options: TextOptions): string {
  const paint = (style: keyof typeof STYLES, text: string): string =>
    options.color ? `${STYLES[style]}${text}${RESET}` : text;
  // Refs are the user's own words, but a branch name can hold escape sequences all the same.
  const lines: string[] = options.compared ? [escapeTerminal(comparedLine(options.compared)), ""] : [];

  const width = options.width ?? DEFAULT_TEXT_WIDTH;
  const findings = [...result.findings].sort(compareFindings);
  let currentFile: string | undefined;
  for (const f of findings) {
    if (currentFile !== undefined && f.file !== currentFile) lines.push("");
    currentFile = f.file;
    const where = paint("bold", escapeTerminal(locationLabel(f.file, f.line)));
    const severity = paint(f.severity, f.severity.toUpperCase());
    // A base-side line numbers the old version of the file (something the change removed).
    const side = f.side === "base" ? " (line of the base version)" : "";
    const resource = escapeTerminal(resourceLabel(f.resource));
    lines.push(`${where} ${severity} ${escapeTerminal(f.rule)} ${resource}${side}`);
    lines.push(...wrap(escapeTerminal(f.message), width));
  }

  if (result.expiredExceptions.length > 0) {
    if (lines.length > 0) lines.push("");
    lines.push(paint("failed", "Expired exceptions"));
    for (const expired of result.expiredExceptions)
      lines.push(...wrap(escapeTerminal(expiredExceptionLine(expired)), width, "  "));
  }

  if (result.excepted.length > 0) {
    if (lines.length > 0) lines.push("");
    lines.push(paint("bold", "Excepted"));
    const excepted = [...result.excepted].sort((a, b) => compareFindings(a.finding, b.finding));
    for (const { finding: f, exception } of excepted) {
      const where = escapeTerminal(locationLabel(f.file, f.line));
      lines.push(`  ${where}  ${escapeTerminal(f.rule)}  ${escapeTerminal(resourceLabel(f.resource))}`);
      lines.push(...wrap(`until ${exception.expires}: ${escapeTerminal(exception.reason)}`, width));
    }
  }

  if (result.errors.length > 0) {
    if (lines.length > 0) lines.push("");
    lines.push(paint("bold", "Errors"));
    for (const e of result.errors) {
      lines.push(
        `  ${escapeTerminal(locationLabel(e.file, e.line))}`,
        ...wrap(escapeTerminal(e.message), width),
      );
    }
  }

  if (result.skipped.length > 0) {
    if (lines.length > 0) lines.push("");
    lines.push(paint("bold", "Skipped"));
    for (const s of result.skipped) {
      lines.push(`  ${escapeTerminal(s.file)}`, ...wrap(escapeTerminal(s.reason), width));
    }
  }

  if (lines.length > 0) lines.push("");
  lines.push(summaryLine(result));
  lines.push(reviewPassed(result) ? paint("passed", "PASSED") : paint("failed", "FAILED"));
  return `${lines.join("\n")}\n`;
}
