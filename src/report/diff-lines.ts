// Which lines of a pull-request file GitHub accepts an inline review comment on. One comment on
// a line outside the diff hunks makes GitHub reject the whole review (422), so the lines are
// read from the file's `patch` before anything is posted.
//
// The patch is what `GET /repos/{o}/{r}/pulls/{n}/files` returns: unified-diff hunks without
// file headers, which the `diff` package's parsePatch reads (a hunk list without `---`/`+++`
// is a patch of one file with no names). RIGHT comments go on added and context lines (head
// line numbers), LEFT comments on deleted and context lines (base line numbers).

import { parsePatch, type StructuredPatchHunk } from "diff";

export interface CommentableLines {
  /** Head-version line numbers: added and context lines. */
  right: Set<number>;
  /** Base-version line numbers: deleted and context lines. */
  left: Set<number>;
}

const HUNK_START = /^@@ /;

/**
 * Commentable lines of one file. No patch (binary file, or too large for GitHub): none.
 *
 * Each hunk is read on its own. parsePatch refuses a hunk whose lines do not match its header's
 * counts (or that holds a line that is no diff line at all): such a patch is not what we think it
 * is, and that hunk's lines are better left uncommentable than numbered wrongly (a wrong number is
 * a 422 or, worse, a comment on the wrong line). The other hunks still count.
 */
export function commentableLines(patch: string | undefined): CommentableLines {
  const lines: CommentableLines = { right: new Set(), left: new Set() };
  if (!patch) return lines;
  for (const text of hunkTexts(patch)) {
    for (const hunk of parsedHunks(text)) addHunk(hunk, lines);
  }
  return lines;
}

/**
 * The patch cut into hunks, each from its `@@` header to the next. Lines end in \n or \r\n (a lone
 * \r can be part of a line's content); a final line break ends the last line rather than starting
 * an (empty) one. Anything before the first hunk (a stray file header) belongs to none.
 */
function hunkTexts(patch: string): string[] {
  const hunks: string[][] = [];
  for (const line of patch.replace(/\r?\n$/, "").split(/\r?\n/)) {
    if (HUNK_START.test(line)) hunks.push([line]);
    else hunks.at(-1)?.push(line);
  }
  // Each hunk ends in a line break, so that an empty last line is a line of the hunk: some tools
  // strip the single space of an empty context line, and parsePatch reads "" as that line.
  return hunks.map((hunk) => `${hunk.join("\n")}\n`);
}

function parsedHunks(text: string): StructuredPatchHunk[] {
  try {
    return parsePatch(text).flatMap((file) => file.hunks);
  } catch {
    return [];
  }
}

function addHunk(hunk: StructuredPatchHunk, lines: CommentableLines): void {
  // parsePatch moves the start of an empty side one line on; an empty side has no lines to number.
  let oldLine = hunk.oldStart;
  let newLine = hunk.newStart;
  for (const line of hunk.lines) {
    // "" is an empty context line whose leading space was stripped.
    const marker = line === "" ? " " : line[0];
    if (marker === "+") lines.right.add(newLine++);
    else if (marker === "-") lines.left.add(oldLine++);
    else if (marker === " ") {
      lines.left.add(oldLine++);
      lines.right.add(newLine++);
    }
    // `\ No newline at end of file` belongs to the line before it and takes no number.
  }
}
