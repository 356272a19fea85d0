// Where a field of a resource `helm template` rendered is written in the chart: the template line
// that writes its key, and the values-file line whose value reaches it through `.Values.…` (or
// through `toYaml .` inside `with .Values.…`). A template is not YAML until rendered, so it is
// read here as lines: keys by indentation, template actions by a few patterns. What cannot be
// followed falls back to the nearest key the template writes.

import { posix } from "node:path";
import { isObject, type Json, type JsonObject, type Path, type Side } from "../engine/types.js";
import type { Candidate } from "./candidates.js";
import { fieldLine, valueAt } from "./field-lines.js";
import type { SourceFiles } from "./sources.js";

interface TemplateLine {
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

function templateLines(text: string): TemplateLine[] {
  return text.split("\n").map((text, i) => {
    const match = KEY.exec(text);
    if (!match || text.trimStart().startsWith("{{")) return { number: i + 1, indent: -1, item: false, text };
    const indent = match[1].length + match[2].length;
    return { number: i + 1, indent, key: match[3] ?? match[4] ?? match[5], item: match[2] !== "", text };
  });
}

/**
 * The lines after `at` that belong to the key at `at`: up to the next key indented no more than
 * `indent`. Template actions (`{{- if … }}`, `{{- end }}`) are written at any indent and never
 * end a block; blank lines neither.
 */
function blockEnd(lines: readonly TemplateLine[], at: number, indent: number): number {
  let end = at + 1;
  while (end < lines.length && !(lines[end].indent >= 0 && lines[end].indent <= indent)) end++;
  return end;
}

/** Leading blanks of a line. */
const leading = (text: string) => text.length - text.trimStart().length;

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
function findKey(lines: readonly TemplateLine[], rendered: Json, path: Path): TemplateMatch | undefined {
  let from = 0;
  let to = lines.length;
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
const DOT = /(?:toYaml|toJson|tpl)\s+\.\s|\{\{-?\s*\.\s*-?\}\}/;

/** A values path a template line reads; `field`: the rendered field is the value there (or inside it). */
interface ValuesRead {
  path: string[];
  field: boolean;
}

const ACTION = /\{\{-?\s*(if|with|range|define|block|end)\b([^}]*)\}\}/g;
const valuesPaths = (text: string) =>
  [...text.matchAll(VALUES_REFERENCE)].map((m) => m[1].slice(1).split("."));

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
    text.split("\n").forEach((line, i) => {
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
  const stack: { kind: string; values: string[][] }[] = [];
  for (let i = 0; i < at; i++) {
    for (const [, kind, rest] of lines[i].text.matchAll(ACTION)) {
      if (kind === "end") stack.pop();
      else stack.push({ kind, values: valuesPaths(rest) });
    }
  }
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

/** Values files of the chart that holds `template`, lowest precedence first, with the prefix they use for it. */
function valuesFilesOf(
  template: string,
  chartDir: string,
  extra: readonly string[],
): { file: string; prefix: string[] }[] {
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
  const files = [{ file: posix.join(dir, "values.yaml"), prefix: [] as string[] }];
  for (let level = subcharts.length - 1; level >= 0; level--) {
    const parent = posix.join(chartDir, ...subcharts.slice(0, level).flatMap((s) => ["charts", s]));
    files.push({ file: posix.join(parent, "values.yaml"), prefix: subcharts.slice(level) });
  }
  for (const file of extra) files.push({ file, prefix: subcharts });
  return files;
}

export interface HelmChart {
  dir: string;
  /** Repository-relative values files given with -f, in order. */
  valuesFiles: readonly string[];
  /** The chart's template files (helpers included), where `define`s are looked up. */
  templates: readonly string[];
}

/** Where a field of a resource rendered from `template` of `chart` is written. */
/** Lines of one file of the chart, `first` being the 1-based number of the first of them. */
interface Source {
  file: string;
  first: number;
  lines: readonly TemplateLine[];
}

/**
 * The deepest key of `path` written in the template, following `include "name"` into the
 * chart's definition when the template stops short of it (a pod spec built in _helpers.tpl).
 */
function deepestKey(
  template: Source,
  defined: ReadonlyMap<string, Definition>,
  resource: JsonObject,
  path: Path,
): { source: Source; at: number; depth: number } | undefined {
  const match = findKey(template.lines, resource, path);
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

export function helmCandidates(
  lookup: { sources: SourceFiles; side: Side },
  template: string,
  chart: HelmChart,
  resource: JsonObject,
  path: Path,
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
  const match = deepestKey({ file: template, first: 1, lines: templateLines(text) }, defined, resource, path);
  if (!match) return [{ file: template, line: 1, exact: false }];
  const { source, at } = match;
  const found: Candidate[] = [];
  const rest = path.slice(match.depth);
  const complete = match.depth === path.length;
  const files = valuesFilesOf(template, chart.dir, chart.valuesFiles).reverse();
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

function keyExists(value: Json, path: readonly string[]): boolean {
  let at: Json | undefined = value;
  for (const key of path) {
    if (!isObject(at) || !(key in at)) return false;
    at = at[key];
  }
  return true;
}
