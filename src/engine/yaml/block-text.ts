// The value of a `|` or `>` block scalar from its content lines (indentation removed, "" for
// empty lines), following the YAML 1.2 folding and chomping rules.

/** -1 strip (`-`), 0 clip (default), 1 keep (`+`). */
export type Chomping = -1 | 0 | 1;

/** `contentLines` counts the lines up to the last non-empty one; the rest are trailing empty lines. */
export function blockScalarValue(
  lines: string[],
  contentLines: number,
  folded: boolean,
  chomp: Chomping,
): string {
  if (contentLines === 0) return chomp === 1 ? "\n".repeat(lines.length) : "";
  let body: string;
  if (folded) body = foldLines(lines, contentLines);
  else body = contentLines === lines.length ? lines.join("\n") : lines.slice(0, contentLines).join("\n");
  if (chomp < 0) return body;
  if (chomp === 0) return `${body}\n`;
  return `${body}\n${"\n".repeat(lines.length - contentLines)}`;
}

/**
 * YAML folding of `>` content (lines[0, count) after indentation, "" for empty lines): a break
 * between two ordinary lines becomes a space, or is dropped when empty lines follow it; breaks
 * next to more-indented lines stay.
 */
function foldLines(lines: string[], count: number): string {
  let out = "";
  let previous = 0; // 0 none yet, 1 ordinary text, 2 more-indented ("spaced") text
  let empty = 0;
  for (let k = 0; k < count; k++) {
    const line = lines[k];
    if (line === "") {
      empty++;
      continue;
    }
    const first = line.charCodeAt(0);
    const kind = first === 32 || first === 9 ? 2 : 1;
    if (previous === 0) out += "\n".repeat(empty);
    else if (previous === 1 && kind === 1) out += empty > 0 ? "\n".repeat(empty) : " ";
    else out += "\n".repeat(empty + 1);
    out += line;
    previous = kind;
    empty = 0;
  }
  return out;
}
