// A quoted scalar that goes on over several lines must, by the YAML spec, indent its continuation
// lines deeper than its key; the `yaml` package holds to that. Kubernetes' reader (go-yaml, like
// libyaml and PyYAML) does not, and real manifests rely on it:
//
//   description: 'a long text
//   that wraps'
//
// The engine reads such a document again with the continuation lines indented past their key.
// That changes no value (a quoted scalar folds away the leading blanks of its continuation lines)
// and no line number (only spaces are added at line starts). It is a retry, used only when the
// document failed to parse as written.

const SINGLE = "'";
const DOUBLE = '"';

function indentOf(line: string): number {
  let i = 0;
  while (line[i] === " ") i++;
  return i;
}

/** Column where the line's own content starts, past any "- " sequence markers. */
function contentColumn(line: string): number {
  let i = indentOf(line);
  while (line[i] === "-" && (line[i + 1] === " " || i + 1 === line.length)) {
    i++;
    while (line[i] === " ") i++;
  }
  return i;
}

/** Index of a quote that opens a value (the line's content, or what follows `key: `), or -1. */
function openingQuote(line: string, from: number): number {
  const first = line[from];
  if (first === SINGLE || first === DOUBLE) return from;
  if (first === "#") return -1;
  const colon = line.indexOf(": ", from);
  if (colon < 0 || line.slice(from, colon).includes(" #")) return -1;
  let i = colon + 2;
  while (line[i] === " ") i++;
  return line[i] === SINGLE || line[i] === DOUBLE ? i : -1;
}

/** Index of the quote that closes a scalar opened with `quote`, searching from `from`, or -1. */
function closingQuote(line: string, from: number, quote: string): number {
  for (let i = from; i < line.length; i++) {
    const c = line[i];
    if (quote === DOUBLE && c === "\\") i++;
    else if (c === quote) {
      if (quote === SINGLE && line[i + 1] === SINGLE) i++;
      else return i;
    }
  }
  return -1;
}

/** A value that starts a block scalar (`key: |`, `- >-`): its content lines are text, not YAML. */
const BLOCK_SCALAR = /(?:^|:\s|-\s)\s*[|>][-+0-9]*\s*(?:#.*)?$/;

/**
 * The chunk with the continuation lines of multi-line quoted scalars indented past their key, or
 * undefined when no line needed it.
 */
export function indentQuotedContinuations(text: string): string | undefined {
  const lines = text.split("\n");
  let changed = false;
  let open: { quote: string; minIndent: number } | undefined;
  let blockParent: number | undefined;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    if (open) {
      const indent = indentOf(line);
      if (line.trim() !== "" && indent < open.minIndent) {
        lines[n] = " ".repeat(open.minIndent - indent) + line;
        changed = true;
      }
      if (closingQuote(line, indent, open.quote) >= 0) open = undefined;
      continue;
    }
    if (blockParent !== undefined) {
      if (line.trim() === "" || indentOf(line) > blockParent) continue;
      blockParent = undefined;
    }
    const column = contentColumn(line);
    if (BLOCK_SCALAR.test(line)) {
      blockParent = indentOf(line);
      continue;
    }
    const start = openingQuote(line, column);
    if (start < 0 || closingQuote(line, start + 1, line[start]) >= 0) continue;
    open = { quote: line[start], minIndent: column + 1 };
  }
  return changed ? lines.join("\n") : undefined;
}
