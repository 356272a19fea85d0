// Terminal output for people: findings grouped by file in reading order, then expired and applied
// exceptions, then what could not be read, then the counts and the verdict. Every untrusted
// string goes through escapeTerminal.

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

// Wide enough for CRITICAL, so that rule ids line up.
const SEVERITY_WIDTH = 8;

export function toText(result: ReviewResult, options: TextOptions): string {
  const paint = (style: keyof typeof STYLES, text: string): string =>
    options.color ? `${STYLES[style]}${text}${RESET}` : text;
  // Refs are the user's own words, but a branch name can hold escape sequences all the same.
  const lines: string[] = options.compared ? [escapeTerminal(comparedLine(options.compared)), ""] : [];

  const findings = [...result.findings].sort(compareFindings);
  const lineWidth = Math.max(0, ...findings.map((f) => String(f.line).length));
  let currentFile: string | undefined;
  for (const f of findings) {
    if (f.file !== currentFile) {
      if (currentFile !== undefined) lines.push("");
      currentFile = f.file;
      lines.push(paint("bold", escapeTerminal(f.file)));
    }
    // Pad before painting: escape codes would otherwise count towards the width.
    const severity = paint(f.severity, f.severity.toUpperCase().padEnd(SEVERITY_WIDTH));
    const where = String(f.line).padStart(lineWidth);
    // A base-side line numbers the old version of the file (something the change removed).
    const side = f.side === "base" ? " (line of the base version)" : "";
    const resource = escapeTerminal(resourceLabel(f.resource));
    lines.push(`  ${where} ${severity} ${escapeTerminal(f.rule)}  ${resource}${side}`);
    lines.push(`  ${" ".repeat(lineWidth)} ${escapeTerminal(f.message)}`);
  }

  if (result.expiredExceptions.length > 0) {
    if (lines.length > 0) lines.push("");
    lines.push(paint("failed", "Expired exceptions"));
    for (const expired of result.expiredExceptions)
      lines.push(`  ${escapeTerminal(expiredExceptionLine(expired))}`);
  }

  if (result.excepted.length > 0) {
    if (lines.length > 0) lines.push("");
    lines.push(paint("bold", "Excepted"));
    const excepted = [...result.excepted].sort((a, b) => compareFindings(a.finding, b.finding));
    for (const { finding: f, exception } of excepted) {
      const where = escapeTerminal(locationLabel(f.file, f.line));
      lines.push(`  ${where}  ${escapeTerminal(f.rule)}  ${escapeTerminal(resourceLabel(f.resource))}`);
      lines.push(`    until ${exception.expires}: ${escapeTerminal(exception.reason)}`);
    }
  }

  if (result.errors.length > 0) {
    if (lines.length > 0) lines.push("");
    lines.push(paint("bold", "Errors"));
    for (const e of result.errors) {
      lines.push(`  ${escapeTerminal(locationLabel(e.file, e.line))}  ${escapeTerminal(e.message)}`);
    }
  }

  if (result.skipped.length > 0) {
    if (lines.length > 0) lines.push("");
    lines.push(paint("bold", "Skipped"));
    for (const s of result.skipped) {
      lines.push(`  ${escapeTerminal(s.file)}  ${escapeTerminal(s.reason)}`);
    }
  }

  if (lines.length > 0) lines.push("");
  lines.push(summaryLine(result));
  lines.push(reviewPassed(result) ? paint("passed", "PASSED") : paint("failed", "FAILED"));
  return `${lines.join("\n")}\n`;
}
