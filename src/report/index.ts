// Pure report renderers: a ReviewResult in, a string out. No I/O, no clock.

export { escapeMarkdown, escapeTerminal, inlineCode } from "./escape.js";
export { toJson } from "./json.js";
export { GITHUB_SUMMARY_LIMIT, type MarkdownOptions, toMarkdown } from "./markdown.js";
export { fileUri, type SarifOptions, toSarif } from "./sarif.js";
export { DEFAULT_TEXT_WIDTH, type TextOptions, toText } from "./text.js";

export type OutputFormat = "text" | "json" | "markdown" | "sarif";
