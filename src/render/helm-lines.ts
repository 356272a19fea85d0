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

/** How far a line is indented: its key's column, else its leading blanks; blank lines never end a block. */
function depthOf(line: TemplateLine): number {
  if (line.indent >= 0) return line.indent;
  return line.text.trim() === "" ? Number.POSITIVE_INFINITY : line.text.length - line.text.trimStart().length;
}

/**
 * The lines after `at` that belong to the key at `at`: up to the next line (a key, or a template
 * action such as `{{- with … }}`) indented no more than `indent`.
 */
function blockEnd(lines: readonly TemplateLine[], at: number, indent: number): number {
  let end = at + 1;
  while (end < lines.length && depthOf(lines[end]) > indent) end++;
  return end;
}

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

/**
 * The `.Values` paths that decide the key at `at`: those its line and block read (and `.` inside
 * `with`/`range` over a values path), then the values that the enclosing `if` and `with` blocks
 * test, innermost first: a field written literally under `{{ if .Values.x }}` is there because of x.
 */
function valuesRead(lines: readonly TemplateLine[], at: number): ValuesRead[] {
  const stack: { kind: string; values: string[][] }[] = [];
  for (let i = 0; i < at; i++) {
    for (const [, kind, rest] of lines[i].text.matchAll(ACTION)) {
      if (kind === "end") stack.pop();
      else stack.push({ kind, values: valuesPaths(rest) });
    }
  }
  const context = [...stack].reverse().find((block) => block.kind === "with" || block.kind === "range");
  const end = blockEnd(lines, at, lines[at].indent);
  const read: ValuesRead[] = [];
  for (let i = at; i < end; i++) {
    for (const path of valuesPaths(lines[i].text)) read.push({ path, field: true });
    if (context?.values[0] && DOT.test(`${lines[i].text} `))
      read.push({ path: context.values[0], field: true });
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
}

/** Where a field of a resource rendered from `template` of `chart` is written. */
export function helmCandidates(
  lookup: { sources: SourceFiles; side: Side },
  template: string,
  chart: HelmChart,
  resource: JsonObject,
  path: Path,
): Candidate[] {
  const text = lookup.sources.text(lookup.side, template);
  if (text === undefined) return [];
  const lines = templateLines(text);
  const match = findKey(lines, resource, path);
  if (!match) return [{ file: template, line: 1, exact: false }];
  const found: Candidate[] = [];
  const rest = path.slice(match.depth);
  const files = valuesFilesOf(template, chart.dir, chart.valuesFiles).reverse();
  const written = valueAt(resource, path.slice(0, match.depth));
  for (const read of valuesRead(lines, match.at)) {
    // The last values file that sets the path wins, as Helm merges them.
    for (const { file, prefix } of files) {
      const document = lookup.sources.documents(lookup.side, file)[0];
      const base = [...prefix, ...read.path];
      if (!document || !keyExists(document.value, base)) continue;
      const at = read.field ? fieldLine(written, document, rest, base) : fieldLine(null, document, [], base);
      found.push({ file, line: at.line, exact: read.field ? at.exact : true });
      break;
    }
  }
  found.push({ file: template, line: lines[match.at].number, exact: match.depth === path.length });
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
