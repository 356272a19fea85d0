// Where a field of a resource `helm template` rendered is written in the chart: the template line
// that writes its key, and the values-file line whose value reaches it through `.Values.…` (or
// through `toYaml .` inside `with .Values.…`). The template is read as lines (helm-template.ts);
// what cannot be followed falls back to the nearest key the template writes. A template that
// writes several `---`-separated documents is first narrowed to the one that rendered the
// resource (helm-documents.ts), so a field is never looked up in a sibling document.

import { posix } from "node:path";
import { isObject, type Json, type JsonObject, type Path, type Side } from "../engine/types.js";
import type { Candidate } from "./candidates.js";
import { fieldLine, valueAt } from "./field-lines.js";
import { renderingDocuments, templateDocuments } from "./helm-documents.js";
import {
  ACTION,
  blockEnd,
  blockStacks,
  findKey,
  type TemplateLine,
  templateLines,
  valuesPaths,
  withoutComments,
} from "./helm-template.js";
import type { SourceFiles } from "./sources.js";

/** Leading blanks of a line. */
const leading = (text: string) => text.length - text.trimStart().length;

const DOT = /(?:toYaml|toJson|tpl)\s+\.\s|\{\{-?\s*\.\s*-?\}\}/;

/** A values path a template line reads; `field`: the rendered field is the value there (or inside it). */
interface ValuesRead {
  path: string[];
  field: boolean;
}

const INCLUDE = /\b(?:include|template)\s+"([^"]+)"/g;

/** A `{{ define "name" }}` of the chart: where its body is, and the body. */
interface Definition {
  file: string;
  /** 1-based line of the body's first line in `file`. */
  first: number;
  lines: TemplateLine[];
}

/** The chart's definitions by name: the lines between `{{ define "name" }}` and its `{{ end }}`. */
function definitions(files: readonly { file: string; text: string }[]): Map<string, Definition> {
  const found = new Map<string, Definition>();
  for (const { file, text } of files) {
    let name: string | undefined;
    let depth = 0;
    let first = 0;
    let body: string[] = [];
    withoutComments(text)
      .split("\n")
      .forEach((line, i) => {
        for (const [, kind, rest] of line.matchAll(ACTION)) {
          if (kind === "define" && depth === 0) {
            name = /"([^"]+)"/.exec(rest)?.[1];
            body = [];
            first = i + 2;
          }
          if (kind === "end") depth--;
          else depth++;
          if (depth === 0 && name !== undefined) {
            found.set(name, { file, first, lines: templateLines(body.join("\n")) });
            name = undefined;
          }
        }
        if (name !== undefined && i + 1 >= first) body.push(line);
      });
  }
  return found;
}

/** The `.Values` paths a text reads, following `include "…"` into the chart's definitions. */
function valuesThrough(
  text: string,
  defined: ReadonlyMap<string, Definition>,
  seen = new Set<string>(),
): string[][] {
  const paths = valuesPaths(text);
  for (const [, name] of text.matchAll(INCLUDE)) {
    const definition = defined.get(name);
    if (!definition || seen.has(name)) continue;
    seen.add(name);
    paths.push(...valuesThrough(definition.lines.map((l) => l.text).join("\n"), defined, seen));
  }
  return paths;
}

/**
 * The `.Values` paths that decide the key at `at`: those its line and the deeper lines of its
 * block read (through `include` of the chart's definitions too, and `.` inside `with`/`range`
 * over a values path), then the values the enclosing `if` and `with` blocks test, innermost
 * first: a field written literally under `{{ if .Values.x }}` is there because of x.
 */
function valuesRead(
  lines: readonly TemplateLine[],
  at: number,
  defined: ReadonlyMap<string, Definition>,
): ValuesRead[] {
  const stack = blockStacks(lines, at)[at];
  const context = [...stack].reverse().find((block) => block.kind === "with" || block.kind === "range");
  const key = lines[at];
  const end = blockEnd(lines, at, key.indent);
  const read: ValuesRead[] = [];
  for (let i = at; i < end; i++) {
    const text = lines[i].text;
    // The key's own line, and what is written deeper than the key: not a sibling's `{{ if }}`.
    if (i > at && leading(text) <= key.indent) continue;
    for (const path of valuesThrough(text, defined)) read.push({ path, field: true });
    if (context?.values[0] && DOT.test(`${text} `)) read.push({ path: context.values[0], field: true });
  }
  for (const block of [...stack].reverse()) {
    if (block.kind === "if" || block.kind === "with")
      for (const path of block.values) read.push({ path, field: false });
  }
  return read;
}

/** A values file of the chart, with the prefix under which it holds the template's values. */
interface ValuesFile {
  file: string;
  prefix: string[];
}

/** Values files of the chart that holds `template`, lowest precedence first. */
function valuesFilesOf(template: string, chartDir: string, extra: readonly string[]): ValuesFile[] {
  // A subchart's template (CHART/charts/SUB/templates/…) reads its own values.yaml, and what the
  // parent's values set under SUB.
  const inChart = posix.relative(chartDir, template).split("/");
  const subcharts: string[] = [];
  let dir = chartDir;
  while (inChart[0] === "charts" && inChart.length > 2) {
    subcharts.push(inChart[1]);
    dir = posix.join(dir, "charts", inChart[1]);
    inChart.splice(0, 2);
  }
  const files: ValuesFile[] = [{ file: posix.join(dir, "values.yaml"), prefix: [] }];
  for (let level = subcharts.length - 1; level >= 0; level--) {
    const parent = posix.join(chartDir, ...subcharts.slice(0, level).flatMap((s) => ["charts", s]));
    files.push({ file: posix.join(parent, "values.yaml"), prefix: subcharts.slice(level) });
  }
  for (const file of extra) files.push({ file, prefix: subcharts });
  return files;
}

const GUESSED = "the template has several documents that could render it; the likeliest is shown";

export interface HelmChart {
  dir: string;
  /** Repository-relative values files given with -f, in order. */
  valuesFiles: readonly string[];
  /** The chart's template files (helpers included), where `define`s are looked up. */
  templates: readonly string[];
}

/** Lines of one file of the chart, `first` being the 1-based number of the first of them. */
interface Source {
  file: string;
  first: number;
  lines: readonly TemplateLine[];
}

/**
 * The deepest key of `path` written in the template's lines `within`, following `include "name"`
 * into the chart's definition when the template stops short of it (a pod spec built in _helpers.tpl).
 */
function deepestKey(
  template: Source,
  within: { from: number; to: number },
  defined: ReadonlyMap<string, Definition>,
  resource: JsonObject,
  path: Path,
): { source: Source; at: number; depth: number } | undefined {
  const match = findKey(template.lines, resource, path, within);
  if (!match) return undefined;
  let found = { source: template, at: match.at, depth: match.depth };
  for (let hop = 0; hop < 4 && found.depth < path.length; hop++) {
    const { lines } = found.source;
    const block = lines.slice(found.at, blockEnd(lines, found.at, lines[found.at].indent));
    const name = block.map((line) => INCLUDE_ONE.exec(line.text)?.[1]).find((n) => n !== undefined);
    const definition = name ? defined.get(name) : undefined;
    if (!definition) break;
    const inner = findKey(
      definition.lines,
      valueAt(resource, path.slice(0, found.depth)),
      path.slice(found.depth),
    );
    if (!inner) break;
    found = { source: definition, at: inner.at, depth: found.depth + inner.depth };
  }
  return found;
}

const INCLUDE_ONE = /\b(?:include|template)\s+"([^"]+)"/;

/**
 * Where a field of a resource rendered from `template` of `chart` is written; `siblings`: every
 * object Helm rendered from that template, in its output order (the resource among them).
 */
export function helmCandidates(
  lookup: { sources: SourceFiles; side: Side },
  template: string,
  chart: HelmChart,
  resource: JsonObject,
  path: Path,
  siblings: readonly JsonObject[] = [resource],
): Candidate[] {
  const text = lookup.sources.text(lookup.side, template);
  if (text === undefined) return [];
  const defined = lookup.sources.derived(`helm definitions:${lookup.side}:${chart.dir}`, () =>
    definitions(
      chart.templates.flatMap((file) => {
        const helper = lookup.sources.text(lookup.side, file);
        return helper === undefined ? [] : [{ file, text: helper }];
      }),
    ),
  );
  const { lines, split } = lookup.sources.derived(`helm template:${lookup.side}:${template}`, () => {
    const lines = templateLines(text);
    return { lines, split: templateDocuments(lines) };
  });
  const source = { file: template, first: 1, lines };
  const files = valuesFilesOf(template, chart.dir, chart.valuesFiles).reverse();
  const { documents, sure } =
    split.length > 0
      ? renderingDocuments(split, resource, siblings, (d) => d.range && rangeSize(lookup, files, d.range))
      : { documents: [{ from: 0, to: source.lines.length }], sure: true };
  // Of the documents that may be it, those that write most of the path first.
  const matches = documents
    .map((document) => deepestKey(source, document, defined, resource, path))
    .filter((match) => match !== undefined)
    .sort((a, b) => b.depth - a.depth);
  const found = (sure ? matches.slice(0, 1) : matches).flatMap((match) =>
    candidatesAt(lookup, files, defined, match, resource, path),
  );
  if (matches.length === 0)
    found.push({ file: template, line: source.lines[documents[0]?.from ?? 0]?.number ?? 1, exact: false });
  return sure ? found : found.map((c) => ({ ...c, exact: false, note: GUESSED }));
}

/** The values lines that reach the key `match` found, then the key's own line. */
function candidatesAt(
  lookup: { sources: SourceFiles; side: Side },
  files: readonly ValuesFile[],
  defined: ReadonlyMap<string, Definition>,
  match: { source: Source; at: number; depth: number },
  resource: JsonObject,
  path: Path,
): Candidate[] {
  const { source, at } = match;
  const found: Candidate[] = [];
  const rest = path.slice(match.depth);
  const complete = match.depth === path.length;
  const written = valueAt(resource, path.slice(0, match.depth));
  for (const read of valuesRead(source.lines, at, defined)) {
    // A condition decides a field the template writes itself; a value must hold the whole rest
    // of the path (else it is some other value of the block: the image beside a securityContext).
    if (!read.field && !complete) continue;
    // The last values file that sets the path wins, as Helm merges them.
    for (const { file, prefix } of files) {
      const document = lookup.sources.documents(lookup.side, file)[0];
      const base = [...prefix, ...read.path];
      if (!document || !keyExists(document.value, base)) continue;
      const at = read.field ? fieldLine(written, document, rest, base) : fieldLine(null, document, [], base);
      if (read.field && !at.exact) break;
      found.push({ file, line: at.line, exact: true });
      break;
    }
  }
  found.push({ file: source.file, line: source.first + source.lines[at].number - 1, exact: complete });
  return found;
}

/**
 * How many items a range over `.Values.<path>` walks: the length of the list the values file of
 * highest precedence that sets it holds (Helm replaces lists, never merges them); undefined for
 * anything else (a map, say). Values given with --set are not known here: a list they replace is
 * counted as the files hold it.
 */
function rangeSize(
  lookup: { sources: SourceFiles; side: Side },
  files: readonly ValuesFile[],
  path: readonly string[],
): number | undefined {
  for (const { file, prefix } of files) {
    const document = lookup.sources.documents(lookup.side, file)[0];
    const base = [...prefix, ...path];
    if (!document || !keyExists(document.value, base)) continue;
    const value = valueAt(document.value, base);
    return Array.isArray(value) ? value.length : undefined;
  }
  return undefined;
}

function keyExists(value: Json, path: readonly string[]): boolean {
  let at: Json | undefined = value;
  for (const key of path) {
    if (!isObject(at) || !(key in at)) return false;
    at = at[key];
  }
  return true;
}
