// Escaping of untrusted text: everything read from a manifest (names, annotations, values,
// messages built from them, file paths) passes through here before it is shown anywhere.

/**
 * U+2060 WORD JOINER: invisible, and not a word character, so it breaks the patterns GitHub
 * links after rendering (@mentions, #123 references, bare URLs, e-mail addresses). Entities
 * alone would not do for those: GitHub matches them on the rendered text, where `&#64;` is `@`.
 */
const WJ = "\u2060";

// Bidirectional overrides and isolates reorder what is displayed ("Trojan Source"), so a name
// could look like something else; they are never needed in a resource name or message.
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

// Line breaks of every kind, so that untrusted text always stays on the line it was put on.
const LINE_BREAKS = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/g;

// Terminal escape sequences: CSI (colours, cursor moves), OSC (titles, hyperlinks),
// DCS/SOS/PM/APC strings, and the remaining two-character ESC sequences. The 8-bit C1 forms
// (\x9b for CSI and so on) are included. Whatever is left unterminated loses its ESC below.
const ANSI_SEQUENCES = new RegExp(
  [
    "(?:\\x1b\\[|\\x9b)[\\x30-\\x3f]*[\\x20-\\x2f]*[\\x40-\\x7e]",
    "(?:\\x1b\\]|\\x9d)[^\\x07\\x1b\\x9c]*(?:\\x07|\\x1b\\\\|\\x9c)",
    "(?:\\x1b[PX^_]|[\\x90\\x98\\x9e\\x9f])[^\\x1b\\x9c]*(?:\\x1b\\\\|\\x9c)",
    "\\x1b[\\x20-\\x2f]*[\\x30-\\x7e]",
  ].join("|"),
  "g",
);

// C0 and C1 control characters and DEL (tab included: it is turned into a space first).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROLS = /[\x00-\x1f\x7f-\x9f]/g;

/**
 * One line of plain text: terminal escape sequences disappear whole (not just their ESC, which
 * would leave `[31m` behind), line breaks and tabs become spaces, other controls disappear.
 */
function oneLine(text: string): string {
  return text
    .replace(ANSI_SEQUENCES, "")
    .replace(LINE_BREAKS, " ")
    .replace(/\t/g, " ")
    .replace(CONTROLS, "")
    .replace(BIDI_CONTROLS, "");
}

/**
 * `<!` with a word joiner inside: a code span or plain text shows `<!--` as text, but whoever scans
 * the raw text for our hidden `<!-- kubedelta:… -->` markers would still find one.
 */
export function breakMarkers(text: string): string {
  return text.replace(/<!/g, `<${WJ}!`);
}

/**
 * Text safe to show in a terminal: no escape sequence can move the cursor, recolour the
 * screen, set the title or print a hyperlink, and no control character survives.
 */
export function escapeTerminal(text: string): string {
  return oneLine(text);
}

// Characters with a meaning in GitHub-flavoured Markdown, as numeric entities. Entities are
// decoded only after block structure and inline syntax are recognised, so an encoded `<`, `[`,
// `|` or `*` is displayed as itself and never opens a tag, comment, link, table cell or emphasis.
const MARKDOWN_ENTITIES: Record<string, string> = {
  "&": "&amp;", // first of all, so that entities in the input are shown, not decoded
  "<": "&lt;", // HTML tags and comments (our hidden markers), <autolinks>
  ">": "&gt;", // blockquotes
  '"': "&quot;", // link titles and HTML attributes
  "[": "&#91;", // links, images, footnotes, task-list boxes
  "]": "&#93;",
  "|": "&#124;", // table cells
  "\\": "&#92;", // a trailing backslash would escape whatever the caller writes next
  "`": "&#96;", // code spans
  "*": "&#42;", // emphasis, list markers
  _: "&#95;",
  "~": "&#126;", // strikethrough, fenced code
  $: "&#36;", // GitHub math ($x$, $$)
  "#": "&#35;", // headings
};

/**
 * Text safe to embed in GitHub-flavoured Markdown, inline or in a table cell: it can never form
 * HTML (tags or comments, so never our `<!-- kubedelta:… -->` markers), links, images,
 * autolinks, table cells, @mentions, #references, emphasis, code, headings or list items.
 * Ordinary text still renders as itself.
 */
export function escapeMarkdown(text: string): string {
  const line = oneLine(text)
    // Links that GitHub would make on the rendered text: mentions, e-mail addresses, issue
    // references (owner/repo#1 too), and bare URLs (`https://…`, `www.…`).
    .replace(/[@#]/g, (c) => c + WJ)
    .replace(/([a-z][a-z0-9+.-]*):\/\//gi, `$1:${WJ}//`)
    .replace(/www\./gi, (m) => `${m.slice(0, 3)}${WJ}.`);
  let out = line.replace(/[&<>"[\]|\\`*_~$#]/g, (c) => MARKDOWN_ENTITIES[c]);
  // Block syntax that only matters at the start of a line, in case the caller puts us there:
  // list items (`-`, `+`, `1.`, `1)`), setext underlines (`=`) and indented code (spaces).
  out = out.replace(/^( *)([-+=])/, (_m, spaces: string, c: string) => `${spaces}&#${c.charCodeAt(0)};`);
  out = out.replace(/^( *\d+)([.)])/, (_m, num: string, c: string) => `${num}&#${c.charCodeAt(0)};`);
  return out.replace(/^ +/, (spaces) => "&#32;".repeat(spaces.length));
}

/**
 * A Markdown code span that the text cannot break out of: the fence is one backtick longer than
 * the longest run of backticks inside, and padded with a space on each side (CommonMark strips
 * exactly one, so text that starts or ends with a backtick still works).
 *
 * Inside a code span nothing is decoded, neither entities nor backslash escapes, so `|` cannot
 * be written as `&#124;` there. GitHub's table parser, however, splits cells before inline
 * parsing and accepts `\|` as a literal pipe even inside a code span (GFM spec, "Tables"). With
 * `table: true` (the default, because a broken table is worse than a stray backslash) every `|`
 * becomes `\|`; pass `table: false` for code spans outside tables.
 *
 * Nothing else needs escaping: GitHub makes no HTML, links, mentions or references in code.
 */
export function inlineCode(text: string, options: { table?: boolean } = {}): string {
  let content = breakMarkers(oneLine(text));
  if (options.table ?? true) content = content.replace(/\|/g, "\\|");
  const longestRun = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  return `${fence} ${content} ${fence}`;
}

/**
 * A message in Markdown: what it quotes in backticks (names and values, the way rules write them)
 * becomes a code span built by inlineCode, and everything else is escaped, so a name shows as code
 * rather than with literal backticks, and nothing in it can become a link, HTML or a marker. A
 * backtick without a partner is shown as itself. Not for the start of a line (list markers are
 * not escaped mid-line), nor for a table cell (a `|` in a code span would end it).
 */
export function markdownWithCode(text: string): string {
  const line = oneLine(text);
  let out = "";
  let last = 0;
  for (const match of line.matchAll(/`([^`]+)`/g)) {
    out += midLine(line.slice(last, match.index)) + inlineCode(match[1], { table: false });
    last = match.index + match[0].length;
  }
  return out + midLine(line.slice(last));
}

/** Escaped text that follows something on its line: its leading spaces are just spaces. */
function midLine(text: string): string {
  const spaces = /^ */.exec(text)?.[0] ?? "";
  return spaces + escapeMarkdown(text.slice(spaces.length));
}

/** A link destination that cannot end the link or the table cell early, or smuggle in Markdown. */
export function safeUrl(url: string): string {
  return url.replace(/[\s<>()|"'`[\]\\]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x80 ? `%${code.toString(16).toUpperCase().padStart(2, "0")}` : encodeURIComponent(c);
  });
}
