// `/approve-risk` commands in a comment body.
//
// A command is a line of prose that starts with `/approve-risk`. Text that GitHub shows as code,
// as a quote or not at all (HTML comments: templates, our own hidden markers) never counts: an
// approval nobody meant to give is worse than one that has to be written again. So wherever the
// Markdown is ambiguous, the line is read as not a command.

import { RULE_ID, SHORT_ID } from "../engine/ids.js";
import { clip } from "../engine/text.js";
import { type ApprovalCommand, MAX_IDS, MAX_REASON, quoted } from "./types.js";

export type { ApprovalCommand } from "./types.js";

/** Most commands read from one comment. */
export const MAX_COMMANDS = 10;

/**
 * Every command in a comment body, in order; at most MAX_COMMANDS, then one invalid command that
 * says the rest were not read. Each command gets a reply, and anyone can comment, so a comment
 * of a thousand commands must not become a thousand replies.
 */
export function parseCommands(body: string): ApprovalCommand[] {
  const commands: ApprovalCommand[] = [];
  const scanner = new ProseScanner();
  for (const line of body.split(/\r\n|\r|\n/)) {
    const prose = scanner.next(line);
    if (prose === undefined) continue;
    const match = COMMAND.exec(prose);
    if (!match) continue;
    if (commands.length === MAX_COMMANDS) {
      commands.push(
        invalid(prose.trim(), `a comment can carry at most ${MAX_COMMANDS} commands; the rest were not read`),
      );
      break;
    }
    commands.push(parseCommand(prose.trim(), match[1]));
  }
  return commands;
}

// Up to three spaces of indentation (four make indented code), the word, then a word boundary
// that Markdown agrees with: `/approve-risks` and `/approve-risk!` are not commands.
const COMMAND = /^ {0,3}\/approve-risk(?=\s|$)(.*)$/i;

// ---------------------------------------------------------------------------------------------
// Which lines are prose

interface Fence {
  char: "`" | "~";
  length: number;
}

// Container prefixes a fence may sit behind: quote markers and list item markers. A fence inside
// a list item or a quote still hides its lines, so it is recognised behind them.
const CONTAINERS = /^(?:[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t])))*[ \t]*/;
const FENCE_OPEN = /^(`{3,}|~{3,})(.*)$/;
const BLANK = /^[ \t]*$/;
const QUOTE = /^[ \t]*>/;
// Four columns of indentation: indented code (or a paragraph continuation, which cannot start
// a command either).
const INDENTED = /^(?: {4}| {0,3}\t)/;

/**
 * Walks a body line by line and hands back the part of each line that is prose starting the
 * line, or undefined for lines inside fences, HTML comments, quotes and indented code.
 */
class ProseScanner {
  private fence: Fence | undefined;
  private inComment = false;
  // A quote swallows the lines that follow it up to a blank line (CommonMark's lazy
  // continuation): `> text` then `/approve-risk` renders inside the quote.
  private inQuote = false;

  next(line: string): string | undefined {
    if (this.fence) {
      if (closesFence(line, this.fence)) this.fence = undefined;
      return undefined;
    }
    if (this.inComment) {
      this.scanComments(line);
      return undefined;
    }
    // A fence's info string is code too: `<!--` there opens no comment.
    const fence = openingFence(line);
    if (fence) {
      this.fence = fence;
      this.inQuote = false;
      return undefined;
    }
    const commentStart = this.scanComments(line);
    if (BLANK.test(line)) {
      this.inQuote = false;
      return undefined;
    }
    if (QUOTE.test(line)) this.inQuote = true;
    if (this.inQuote || INDENTED.test(line)) return undefined;
    return commentStart === undefined ? line : line.slice(0, commentStart);
  }

  /**
   * Follows `<!--` and `-->` through the line and returns where the first comment opened on it
   * starts, if one does. An unclosed comment hides everything after it: GitHub shows nothing
   * of an HTML block that never ends.
   */
  private scanComments(line: string): number | undefined {
    let first: number | undefined;
    let at = 0;
    for (;;) {
      if (this.inComment) {
        const end = line.indexOf("-->", at);
        if (end < 0) return first;
        this.inComment = false;
        at = end + 3;
      } else {
        const start = line.indexOf("<!--", at);
        if (start < 0) return first;
        first ??= start;
        this.inComment = true;
        at = start + 4;
      }
    }
  }
}

function openingFence(line: string): Fence | undefined {
  const match = FENCE_OPEN.exec(line.replace(CONTAINERS, ""));
  if (!match) return undefined;
  const char = match[1][0] as Fence["char"];
  // "```x```" is inline code, not a fence: a backtick fence's info string has no backtick.
  if (char === "`" && match[2].includes("`")) return undefined;
  return { char, length: match[1].length };
}

function closesFence(line: string, fence: Fence): boolean {
  const rest = line.replace(/^[ \t>]*/, "");
  let run = 0;
  while (rest[run] === fence.char) run++;
  return run >= fence.length && BLANK.test(rest.slice(run));
}

// ---------------------------------------------------------------------------------------------
// One command

// The reason starts at the first `--` that begins a word (`-- why`, `--why`); an em dash counts
// too, because phones turn `--` into one.
const REASON = /(?:^|\s)(?:--|\u2014)(.*)$/;

function parseCommand(text: string, rest: string): ApprovalCommand {
  const split = REASON.exec(rest);
  const args = split ? rest.slice(0, split.index) : rest;
  const reason = cleanReason(split?.[1]);
  const tokens = args.split(/[\s,]+/).filter((t) => t !== "");

  if (tokens.length > 0 && tokens[0].toLowerCase() === "cancel") {
    if (tokens.length > 1) return invalid(text, "`/approve-risk cancel` takes no ids");
    return withReason({ kind: "cancel" }, reason);
  }
  if (tokens.length > MAX_IDS) return invalid(text, `a command can name at most ${MAX_IDS} ids`);

  const ids: string[] = [];
  const bad: string[] = [];
  for (const token of tokens) {
    const id = token.toLowerCase();
    if (SHORT_ID.test(id) || RULE_ID.test(id)) {
      if (!ids.includes(id)) ids.push(id);
    } else if (!bad.includes(token)) {
      bad.push(token);
    }
  }
  if (bad.length > 0) return invalid(text, badIdsProblem(bad));
  return withReason({ kind: "approve", ids }, reason);
}

function cleanReason(raw: string | undefined): string | undefined {
  const reason = raw?.trim();
  return reason ? clip(reason, MAX_REASON) : undefined;
}

function withReason<T extends ApprovalCommand>(command: T, reason: string | undefined): T {
  return reason === undefined ? command : { ...command, reason };
}

function invalid(text: string, problem: string): ApprovalCommand {
  return { kind: "invalid", text: clip(text, 300), problem };
}

/** `` `foo!` is not a finding id or rule id ``, naming at most three of the bad tokens. */
function badIdsProblem(bad: string[]): string {
  const named = bad.slice(0, 3).map((token) => quoted(token));
  const more = bad.length > 3 ? ` and ${bad.length - 3} more` : "";
  const verb = bad.length === 1 ? "is not a finding id or rule id" : "are not finding ids or rule ids";
  return (
    `${named.join(", ")}${more} ${verb} ` +
    "(a finding id is the 8-character id KubeDelta shows, a rule id looks like `service-load-balancer`)"
  );
}
