// Where a field of a resource `helm template` rendered is written in the chart: the template line
// that writes its key, and the values-file line whose value reaches it through `.Values.…` (or
// through `toYaml .` inside `with .Values.…`). A template is not YAML until rendered, so it is
// read here as lines: keys by indentation, template actions by a few patterns. What cannot be
// followed falls back to the nearest key the template writes. A template that writes several
// `---`-separated documents is first narrowed to the one that rendered the resource (see
// `renderingDocuments`), so a field is never looked up in a sibling document.

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

// A template comment `{{/* … */}}` renders nothing: it is blanked, keeping its line breaks, so
// neither a `---` nor a `.Values` inside it is read.
const COMMENT = /\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g;
const withoutComments = (text: string) => text.replace(COMMENT, (c) => c.replace(/[^\n]/g, " "));

function templateLines(text: string): TemplateLine[] {
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
function findKey(
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

/** A block a template action opens (`if`, `with`, `range`, `define`, `block`), with the values it reads. */
interface Block {
  kind: string;
  values: string[][];
}

/** The blocks open where each line starts, outermost first, for the lines up to `until`. */
function blockStacks(lines: readonly TemplateLine[], until = lines.length): Block[][] {
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

/**
 * One `---`-separated document of a template, and what it can render. Helm renders the whole
 * template, splits the text at every line that starts with `---` and drops the pieces that hold
 * nothing: a document inside `{{ if }}` may render nothing, one inside `{{ range }}` any number of
 * objects, and one where an action prints at column 0 (`{{ include "…" . }}`) anything at all.
 */
interface TemplateDocument {
  /** Its lines: indexes into the template's lines, `from` included, `to` not. */
  from: number;
  to: number;
  /** The kinds it writes literally; undefined when an action may print the kind (or more documents). */
  kinds?: readonly string[];
  /** Renders one object whatever the values: a single literal kind outside any if, with or range. */
  always: boolean;
  /** May render several objects: its kind is written inside a range. */
  repeated: boolean;
  /** The values path of the one range its kind is written in, when it ranges over `.Values.…`. */
  range?: string[];
  /** Writes a `helm.sh/hook` annotation: Helm prints hooks after every other object. */
  hook: boolean;
  /** Its metadata.name as written, an action in it matching anything. */
  name?: RegExp;
}

const ACTIONS = /\{\{-?\s*([\s\S]*?)\s*-?\}\}/g;
// Actions that print nothing: control flow and variables. The rest print (include, toYaml, .Values.x).
const SILENT = /^(?:if|else|with|range|define|end|break|continue)\b|^\$[A-Za-z0-9_]*\s*:?=|^$/;
// What a pipe indents (`| nindent 4`) stays inside a mapping of the document.
const INDENTED = /\bn?indent\s+[1-9]/;
const CONDITIONAL = new Set(["if", "with", "range"]);

/** An action at column 0 that prints: it may write any YAML, a kind, `---` and more documents. */
const printsAtTopLevel = (text: string) =>
  text.startsWith("{{") &&
  [...text.matchAll(ACTIONS)].some(([, body]) => !SILENT.test(body) && !INDENTED.test(body));

/** The scalar written after a key on its line: unquoted, without a comment. */
const scalarOf = (text: string) =>
  text
    .slice(text.indexOf(":") + 1)
    .replace(/\s+#.*$/, "")
    .trim()
    .replace(/^(["'])(.*)\1$/, "$2");

/** A written name as a pattern of the names it renders: an action is any text. */
function namePattern(written: string): RegExp | undefined {
  if (written === "") return undefined;
  const literal = written
    .split(/\{\{[\s\S]*?\}\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${literal.join(".*")}$`);
}

/** What the template's lines `from`…`to` can render; undefined when they print nothing. */
function templateDocument(
  lines: readonly TemplateLine[],
  stacks: readonly Block[][],
  from: number,
  to: number,
): TemplateDocument | undefined {
  let content = false;
  let open = false;
  let conditional = false;
  let hook = false;
  let ranges: Block[] = [];
  const kinds: string[] = [];
  for (let i = from; i < to; i++) {
    // A definition's body prints where it is included, not here.
    if (inDefinition(stacks[i])) continue;
    const line = lines[i];
    const bare = line.text.replace(ACTIONS, "").trim();
    content ||= bare !== "" && !bare.startsWith("#");
    open ||= printsAtTopLevel(line.text);
    hook ||= line.key === "helm.sh/hook";
    if (line.key !== "kind" || line.indent !== 0 || line.item) continue;
    const kind = scalarOf(line.text);
    if (kind === "" || kind.includes("{{")) open = true;
    else kinds.push(kind);
    conditional ||= stacks[i].some((block) => CONDITIONAL.has(block.kind));
    ranges = [...ranges, ...stacks[i].filter((block) => block.kind === "range")];
  }
  if (!content && !open) return undefined;
  const name = findKey(lines, null, ["metadata", "name"], { from, to });
  return {
    from,
    to,
    // No kind read (a template written as JSON, say): any kind, rather than none.
    kinds: open || kinds.length === 0 ? undefined : kinds,
    always: !open && kinds.length === 1 && !conditional,
    repeated: ranges.length > 0,
    range: ranges.length === 1 && ranges[0].values.length === 1 ? ranges[0].values[0] : undefined,
    hook,
    name: name?.depth === 2 ? namePattern(scalarOf(lines[name.at].text)) : undefined,
  };
}

const inDefinition = (stack: readonly Block[]) => stack.some((block) => block.kind === "define");

/**
 * The documents of a template that print something, split where Helm splits what it renders: at
 * every line that starts with `---` (Helm's own pattern, whatever follows it), except in a
 * definition's body or a comment. A `---` inside a block scalar is indented, so never splits.
 */
function templateDocuments(lines: readonly TemplateLine[]): TemplateDocument[] {
  const stacks = blockStacks(lines);
  const separators = lines.flatMap((line, i) =>
    line.text.startsWith("---") && !inDefinition(stacks[i]) ? [i] : [],
  );
  const ends = [...separators, lines.length];
  return ends.flatMap((to, k) => templateDocument(lines, stacks, k === 0 ? 0 : ends[k - 1] + 1, to) ?? []);
}

/** How many items a range walks, when known: see `rangeSize`. */
type RangeSize = (document: TemplateDocument) => number | undefined;

/** How many objects of `kind` a document can render: at least, at most. */
function renders(
  document: TemplateDocument,
  kind: unknown,
  hook: boolean,
  size: RangeSize,
): { min: number; max: number } {
  if (!document.kinds) return { min: 0, max: Number.POSITIVE_INFINITY };
  if (typeof kind !== "string" || !document.kinds.includes(kind) || document.hook !== hook)
    return { min: 0, max: 0 };
  if (!document.repeated) return { min: document.always ? 1 : 0, max: 1 };
  return { min: 0, max: size(document) ?? Number.POSITIVE_INFINITY };
}

/**
 * Whether the `index`-th of `count` objects of a kind can come from document `i`: the documents
 * before it rendering the objects before, it this one (and maybe more), those after the rest.
 */
function canRender(
  bounds: readonly { min: number; max: number }[],
  i: number,
  index: number,
  count: number,
): boolean {
  const total = (part: readonly { min: number; max: number }[]) =>
    part.reduce((sum, b) => ({ min: sum.min + b.min, max: sum.max + b.max }), { min: 0, max: 0 });
  const before = total(bounds.slice(0, i));
  const after = total(bounds.slice(i + 1));
  for (let rendered = before.min; rendered <= Math.min(index, before.max); rendered++) {
    // This document renders objects `rendered` … `rendered + n - 1`, with `low` ≤ n ≤ `high`.
    const low = Math.max(bounds[i].min, index - rendered + 1);
    const high = Math.min(bounds[i].max, count - rendered);
    if (low <= high && count - rendered - high <= after.max && count - rendered - low >= after.min)
      return true;
  }
  return false;
}

const isHook = (value: JsonObject) =>
  isObject(value.metadata) &&
  isObject(value.metadata.annotations) &&
  value.metadata.annotations["helm.sh/hook"] !== undefined;

/**
 * The documents of the template that may have rendered `resource`; `siblings` are all the objects
 * the template rendered, in Helm's output order. Helm sorts objects by kind, stably, and prints
 * hooks last: among the objects of one kind (hooks or not) the output keeps the template's order,
 * so the n-th of them comes from a document that can render an n-th, given what the documents
 * before and after it must and may render. Where that leaves several, the written name decides;
 * where it still cannot, `sure` is false.
 */
function renderingDocuments(
  documents: readonly TemplateDocument[],
  resource: JsonObject,
  siblings: readonly JsonObject[],
  size: RangeSize,
): { documents: readonly TemplateDocument[]; sure: boolean } {
  if (documents.length <= 1) return { documents, sure: true };
  const hook = isHook(resource);
  const same = siblings.filter((s) => s.kind === resource.kind && isHook(s) === hook);
  const index = same.indexOf(resource);
  const bounds = documents.map((document) => renders(document, resource.kind, hook, size));
  const possible = documents.filter(
    (_, i) => bounds[i].max > 0 && (index < 0 || canRender(bounds, i, index, same.length)),
  );
  const rendered = isObject(resource.metadata) ? resource.metadata.name : undefined;
  const named = possible.filter((d) => !d.name || typeof rendered !== "string" || d.name.test(rendered));
  if (named.length === 1) return { documents: named, sure: true };
  // Several fit, or none does (a kind or a hook an action prints): any that fits, else any at all.
  return { documents: named.length > 0 ? named : possible.length > 0 ? possible : documents, sure: false };
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
