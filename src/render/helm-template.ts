// A Helm template read as lines: it is not YAML until rendered, so keys are told by indentation
// and template actions by a few patterns. Both the document split (helm-documents.ts) and the
// field lookup (helm-lines.ts) read a template through this.

import { isObject, type Json, type Path } from "../engine/types.js";

/** A line of a template, with the key it writes, if any. */
export interface TemplateLine {
  /** 1-based. */
  number: number;
  /** Column of the key (after any `- ` markers); -1 for a line without a key. */
  indent: number;
  key?: string;
  /** The line starts a list item (`- `). */
  item: boolean;
  text: string;
}

const KEY = /^(\s*)((?:-\s+)*)(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_./-]+))\s*:(?:\s|$)/;

// A template comment `{{/* … */}}` renders nothing: it is blanked, keeping its line breaks, so
// neither a `---` nor a `.Values` inside it is read.
const COMMENT = /\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g;
export const withoutComments = (text: string) => text.replace(COMMENT, (c) => c.replace(/[^\n]/g, " "));

/** The template's lines, its comments blanked. */
export function templateLines(text: string): TemplateLine[] {
  return withoutComments(text)
    .split("\n")
    .map((text, i) => {
      const match = KEY.exec(text);
      if (!match || text.trimStart().startsWith("{{"))
        return { number: i + 1, indent: -1, item: false, text };
      const indent = match[1].length + match[2].length;
      return { number: i + 1, indent, key: match[3] ?? match[4] ?? match[5], item: match[2] !== "", text };
    });
}

/**
 * The lines after `at` that belong to the key at `at`: up to the next key indented no more than
 * `indent`. Template actions (`{{- if … }}`, `{{- end }}`) are written at any indent and never
 * end a block; blank lines neither.
 */
export function blockEnd(lines: readonly TemplateLine[], at: number, indent: number): number {
  let end = at + 1;
  while (end < lines.length && !(lines[end].indent >= 0 && lines[end].indent <= indent)) end++;
  return end;
}

const SCALAR_ITEM = /^\s*-\s+([^\s#{][^#]*?)\s*(?:#.*)?$/;

const isScalar = (value: Json | undefined): value is string | number | boolean =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean";

interface TemplateMatch {
  /** Index in the template's lines of the deepest key found. */
  at: number;
  /** How many segments of the path it covers. */
  depth: number;
}

/**
 * The deepest key of `path` the template writes, following the path's keys down by indentation.
 * A list index is followed through the item whose `name:` is the rendered item's name, when the
 * template writes that name; otherwise the search goes on in the whole list.
 */
export function findKey(
  lines: readonly TemplateLine[],
  rendered: Json,
  path: Path,
  within: { from: number; to: number } = { from: 0, to: lines.length },
): TemplateMatch | undefined {
  let { from, to } = within;
  let parentIndent = -1;
  let best: TemplateMatch | undefined;
  let value: Json | undefined = rendered;
  for (let depth = 0; depth < path.length; depth++) {
    const segment = path[depth];
    if (typeof segment === "number") {
      value = Array.isArray(value) ? value[segment] : undefined;
      const name = isObject(value) && typeof value.name === "string" ? value.name : undefined;
      const item = name
        ? lines.findIndex(
            (l, i) => i >= from && i < to && l.key === "name" && l.item && l.text.includes(name),
          )
        : -1;
      if (item >= 0) {
        from = item;
        to = blockEnd(lines, item, lines[item].indent - 1);
        parentIndent = lines[item].indent - 1;
        best = { at: item, depth: depth + 1 };
      } else if (depth === path.length - 1 && isScalar(value)) {
        // A scalar item written as it renders (`- patch` in a list of verbs): its own line.
        const written = String(value);
        const scalar = lines.findIndex(
          (l, i) =>
            i >= from && i < to && SCALAR_ITEM.exec(l.text)?.[1]?.replace(/^["']|["']$/g, "") === written,
        );
        if (scalar >= 0) return { at: scalar, depth: path.length };
      }
      continue;
    }
    value = isObject(value) ? value[segment] : undefined;
    const found = lines.findIndex(
      (l, i) => i >= from && i < to && l.key === segment && l.indent > parentIndent,
    );
    if (found < 0) break;
    best = { at: found, depth: depth + 1 };
    parentIndent = lines[found].indent;
    from = found + 1;
    to = blockEnd(lines, found, parentIndent);
  }
  return best;
}

const VALUES_REFERENCE = /\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g;

/** The `.Values` paths a text reads, each as its keys. */
export const valuesPaths = (text: string) =>
  [...text.matchAll(VALUES_REFERENCE)].map((m) => m[1].slice(1).split("."));

/** An action that opens or closes a block: its kind and the rest of it. */
export const ACTION = /\{\{-?\s*(if|with|range|define|block|end)\b([^}]*)\}\}/g;

/** A block a template action opens (`if`, `with`, `range`, `define`, `block`), with the values it reads. */
export interface Block {
  kind: string;
  values: string[][];
}

/** The blocks open where each line starts, outermost first, for the lines up to `until`. */
export function blockStacks(lines: readonly TemplateLine[], until = lines.length): Block[][] {
  const stacks: Block[][] = [[]];
  for (let i = 0; i < Math.min(until, lines.length); i++) {
    const stack = [...stacks[i]];
    for (const [, kind, rest] of lines[i].text.matchAll(ACTION)) {
      if (kind === "end") stack.pop();
      else stack.push({ kind, values: valuesPaths(rest) });
    }
    stacks.push(stack);
  }
  return stacks;
}
