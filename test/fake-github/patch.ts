// Unified-diff hunks as GitHub's pull-request file list returns them (no file headers), and the
// lines GitHub accepts inline review comments on. Written independently of src/github/diff-lines.ts
// on purpose: the fake judges the app's review comments, so it must not share the app's parser.

/** A patch in which every base line is removed and every head line added (harness.ts's default). */
export function fullPatch(base = "", head = ""): string {
  const before = splitLines(base);
  const after = splitLines(head);
  const header = `@@ -${before.length ? 1 : 0},${before.length} +${after.length ? 1 : 0},${after.length} @@`;
  return [header, ...before.map((l) => `-${l}`), ...after.map((l) => `+${l}`)].join("\n");
}

function splitLines(text: string): string[] {
  return text === "" ? [] : text.replace(/\n$/, "").split("\n");
}

type Op = { kind: " " | "-" | "+"; text: string };

/** Line operations of a longest-common-subsequence diff (manifests are small: O(n·m) is fine). */
function diffOps(before: string[], after: string[]): Op[] {
  const n = before.length;
  const m = after.length;
  // lcs[i][j]: LCS length of before[i..] and after[j..].
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = before[i] === after[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      ops.push({ kind: " ", text: before[i++] });
      j++;
    } else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) {
      ops.push({ kind: "+", text: after[j++] });
    } else {
      ops.push({ kind: "-", text: before[i++] });
    }
  }
  return ops;
}

/** Index ranges [start, end) of `ops` that form hunks: changes plus `context` lines around them. */
function hunkRanges(ops: Op[], context: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (const [index, op] of ops.entries()) {
    if (op.kind === " ") continue;
    const start = Math.max(0, index - context);
    const end = Math.min(ops.length, index + context + 1);
    const last = ranges[ranges.length - 1];
    // Hunks whose context touches or overlaps merge into one, as git does.
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else ranges.push([start, end]);
  }
  return ranges;
}

/** A real unified diff with `context` lines around each change, like `git diff` produces. */
export function unifiedPatch(base = "", head = "", context = 3): string {
  const ops = diffOps(splitLines(base), splitLines(head));
  // Line numbers (1-based) of the next base and head line before each op.
  const oldAt: number[] = [];
  const newAt: number[] = [];
  let oldLine = 1;
  let newLine = 1;
  for (const op of ops) {
    oldAt.push(oldLine);
    newAt.push(newLine);
    if (op.kind !== "+") oldLine++;
    if (op.kind !== "-") newLine++;
  }
  const out: string[] = [];
  for (const [start, end] of hunkRanges(ops, context)) {
    const slice = ops.slice(start, end);
    const oldCount = slice.filter((op) => op.kind !== "+").length;
    const newCount = slice.filter((op) => op.kind !== "-").length;
    // An empty side names the line before the hunk (0 at the top of the file), as diff does.
    const oldStart = oldCount === 0 ? oldAt[start] - 1 : oldAt[start];
    const newStart = newCount === 0 ? newAt[start] - 1 : newAt[start];
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const op of slice) out.push(`${op.kind}${op.text}`);
  }
  return out.join("\n");
}

export interface Commentable {
  RIGHT: Set<number>;
  LEFT: Set<number>;
}

/** Lines GitHub takes a review comment on: RIGHT on added/context lines, LEFT on removed/context. */
export function commentable(patch: string | undefined): Commentable {
  const lines: Commentable = { RIGHT: new Set(), LEFT: new Set() };
  let oldLine = 0;
  let newLine = 0;
  for (const line of (patch ?? "").split("\n")) {
    const header = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (header) {
      oldLine = Number(header[1]);
      newLine = Number(header[2]);
    } else if (line.startsWith("+")) {
      lines.RIGHT.add(newLine++);
    } else if (line.startsWith("-")) {
      lines.LEFT.add(oldLine++);
    } else if (line.startsWith(" ")) {
      lines.LEFT.add(oldLine++);
      lines.RIGHT.add(newLine++);
    }
  }
  return lines;
}
