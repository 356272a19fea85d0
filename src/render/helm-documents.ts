// Which `---`-separated document of a Helm template rendered an object. Helm renders the whole
// template and splits its output into documents, so an object's source document is told from what
// each document can render and where the object stands among the template's rendered objects.

import { isObject, type JsonObject } from "../engine/types.js";
import { type Block, blockStacks, findKey, type TemplateLine } from "./helm-template.js";

/**
 * One `---`-separated document of a template, and what it can render. Helm renders the whole
 * template, splits the text at every line that starts with `---` and drops the pieces that hold
 * nothing: a document inside `{{ if }}` may render nothing, one inside `{{ range }}` any number of
 * objects, and one where an action prints at column 0 (`{{ include "…" . }}`) anything at all.
 */
export interface TemplateDocument {
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
export function templateDocuments(lines: readonly TemplateLine[]): TemplateDocument[] {
  const stacks = blockStacks(lines);
  const separators = lines.flatMap((line, i) =>
    line.text.startsWith("---") && !inDefinition(stacks[i]) ? [i] : [],
  );
  const ends = [...separators, lines.length];
  return ends.flatMap((to, k) => templateDocument(lines, stacks, k === 0 ? 0 : ends[k - 1] + 1, to) ?? []);
}

/** How many items a document's range walks, when the values tell (helm-lines.ts reads them). */
export type RangeSize = (document: TemplateDocument) => number | undefined;

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
export function renderingDocuments(
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
