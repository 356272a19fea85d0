// Which lines of a pull-request file GitHub accepts an inline review comment on. One comment on
// a line outside the diff hunks makes GitHub reject the whole review (422), so the lines are
// read from the file's `patch` before anything is posted.
//
// The patch is what `GET /repos/{o}/{r}/pulls/{n}/files` returns: unified-diff hunks without
// file headers. RIGHT comments go on added and context lines (head line numbers), LEFT comments
// on deleted and context lines (base line numbers).

export interface CommentableLines {
  /** Head-version line numbers: added and context lines. */
  right: Set<number>;
  /** Base-version line numbers: deleted and context lines. */
  left: Set<number>;
}

// `@@ -a[,b] +c[,d] @@ optional section heading`; an omitted count means 1.
const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Where the reader is inside the current hunk: the next line numbers and how many remain. */
interface HunkCursor {
  oldLine: number;
  newLine: number;
  oldLeft: number;
  newLeft: number;
}

/** Commentable lines of one file. No patch (binary file, or too large for GitHub): none. */
export function commentableLines(patch: string | undefined): CommentableLines {
  const lines: CommentableLines = { right: new Set(), left: new Set() };
  if (!patch) return lines;
  let hunk: HunkCursor | undefined;
  // Lines end in \n or \r\n; a lone \r can be part of a line's content, so it does not split. A
  // final line break ends the last line rather than starting an (empty) one.
  for (const line of patch.replace(/\r?\n$/, "").split(/\r?\n/)) {
    const header = HUNK_HEADER.exec(line);
    if (header) {
      hunk = cursorAt(header);
      continue;
    }
    // Before the first hunk (a stray file header) or after a hunk's counts ran out (the empty
    // string after a final newline, trailing garbage): not part of any hunk.
    if (!hunk || (hunk.oldLeft === 0 && hunk.newLeft === 0)) continue;
    if (!readLine(line, hunk, lines)) hunk = undefined;
  }
  return lines;
}

function cursorAt(header: RegExpExecArray): HunkCursor {
  const [, oldStart, oldCount, newStart, newCount] = header;
  return {
    oldLine: Number(oldStart),
    newLine: Number(newStart),
    oldLeft: oldCount === undefined ? 1 : Number(oldCount),
    newLeft: newCount === undefined ? 1 : Number(newCount),
  };
}

/**
 * Records one hunk line. Returns false when the line does not fit the hunk's counts: the patch
 * is then not what we think it is, and its remaining lines are better left uncommentable than
 * numbered wrongly (a wrong number is a 422 or, worse, a comment on the wrong line).
 */
function readLine(line: string, hunk: HunkCursor, lines: CommentableLines): boolean {
  // `\ No newline at end of file` belongs to the line before it and takes no number.
  if (line.startsWith("\\")) return true;
  // Some tools strip the single space of an empty context line; read "" as that line.
  const marker = line === "" ? " " : line[0];
  if (marker === "+") {
    if (hunk.newLeft === 0) return false;
    lines.right.add(hunk.newLine++);
    hunk.newLeft--;
    return true;
  }
  if (marker === "-") {
    if (hunk.oldLeft === 0) return false;
    lines.left.add(hunk.oldLine++);
    hunk.oldLeft--;
    return true;
  }
  if (marker === " ") {
    if (hunk.oldLeft === 0 || hunk.newLeft === 0) return false;
    lines.left.add(hunk.oldLine++);
    lines.right.add(hunk.newLine++);
    hunk.oldLeft--;
    hunk.newLeft--;
    return true;
  }
  return false;
}
