// Markdown as GitHub shows it: parsed by a GFM parser (marked), then read back as what a person
// sees: the text, the code spans, the links and any HTML element. Report tests assert on these
// rather than on the Markdown source, so that an escape that shows up as a literal character, or
// a name that turns into a link, fails them.

import { marked } from "marked";

export interface Rendered {
  /** The visible text, entities decoded, tags gone. */
  text: string;
  /** The text of each code span. */
  code: string[];
  /** Every link: its target and its visible text. */
  links: { href: string; text: string }[];
  /** Every element, as its tag name (`p`, `a`, `img`, …). */
  tags: string[];
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

export function decodeEntities(html: string): string {
  return html.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code = name[1].toLowerCase() === "x" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return String.fromCodePoint(code);
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

const visible = (html: string) => decodeEntities(html.replace(/<[^>]*>/g, ""));

export function renderGfm(markdown: string): Rendered {
  const html = marked.parse(markdown, { gfm: true, async: false });
  return {
    text: visible(html),
    code: [...html.matchAll(/<code>([\s\S]*?)<\/code>/g)].map((m) => decodeEntities(m[1])),
    links: [...html.matchAll(/<a href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g)].map((m) => ({
      href: decodeEntities(m[1]),
      text: visible(m[2]),
    })),
    tags: [...html.matchAll(/<([a-z][a-z0-9]*)\b/gi)].map((m) => m[1].toLowerCase()),
  };
}

/** The visible text outside code spans: where our own formatting must never show. */
export function textOutsideCode(markdown: string): string {
  const html = marked.parse(markdown, { gfm: true, async: false });
  return visible(html.replace(/<code>[\s\S]*?<\/code>/g, " "));
}
