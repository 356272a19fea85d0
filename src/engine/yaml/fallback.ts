// The complete (slow) path: the `yaml` package builds the AST with exact ranges, and our own walker
// turns it into Json so that typing, merge keys, duplicate keys and the alias budget are ours.

import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseAllDocuments,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import type { Json, JsonObject, Path } from "../types.js";
import { plainScalarKind, resolvePlainScalar } from "./scalars.js";
import { setKey } from "./set-key.js";
import type { ParsedDocument, ParseLimits, ParseProblem } from "./types.js";

/** A problem that leaves the document out. */
export class ParseFailure extends Error {
  constructor(
    message: string,
    readonly line: number | undefined,
  ) {
    super(message);
  }
}

/** One document of a fallback parse: either parsed or failed. */
export interface FallbackEntry {
  document?: ParsedDocument;
  error?: ParseProblem;
}

const PARSE_OPTIONS = {
  version: "1.1",
  // Failsafe: the walker types scalars itself, so the package's resolvers would be wasted work.
  schema: "failsafe",
  resolveKnownTags: false,
  merge: false,
  uniqueKeys: false,
  keepSourceTokens: true,
  prettyErrors: false,
} as const;

// Warnings about tags the walker handles itself; any other warning makes the document invalid.
const HARMLESS_WARNINGS = new Set(["TAG_RESOLVE_FAILED", "BAD_COLLECTION_TYPE"]);

const TAG = "tag:yaml.org,2002:";

/**
 * Parses `source` (one document chunk, or a whole stream) with the `yaml` package.
 * `lineOffset` is added to the source's own 1-based lines; `firstLine`, when given, is the line
 * of the first document (the caller knows it from splitting).
 */
export function parseWithYaml(
  source: string,
  lineOffset: number,
  limits: ParseLimits,
  firstLine?: number,
): FallbackEntry[] {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(source, { ...PARSE_OPTIONS, lineCounter });
  const docs = Array.isArray(parsed) ? parsed : [];
  const lineOf = (offset: number): number => lineCounter.linePos(offset).line + lineOffset;
  const entries: FallbackEntry[] = [];
  for (let i = 0; i < docs.length; i++) {
    const doc = docs[i];
    const contents = doc.contents as Node | null;
    const docLine =
      i === 0 && firstLine !== undefined
        ? firstLine
        : lineOf(contents && !isEmptyScalar(contents) ? (contents.range?.[0] ?? 0) : (doc.range?.[0] ?? 0));
    entries.push(convertDocument(doc, docLine, lineOf, limits));
  }
  return entries;
}

function convertDocument(
  doc: Document.Parsed,
  docLine: number,
  lineOf: (offset: number) => number,
  limits: ParseLimits,
): FallbackEntry {
  const problem = doc.errors[0] ?? doc.warnings.find((w) => !HARMLESS_WARNINGS.has(w.code));
  if (problem) {
    const line = lineOf(problem.pos[0]);
    const detail = problem.message.split("\n")[0];
    return { error: { line, message: `invalid YAML at line ${line}: ${detail}` } };
  }
  const walker = new Walker(limits, lineOf);
  try {
    const contents = doc.contents as Node | null;
    const value = contents ? walker.value(contents, 0) : null;
    return { document: new FallbackDocument(value, docLine, contents, walker.aliasTargets, lineOf) };
  } catch (error) {
    if (error instanceof ParseFailure) return { error: { line: error.line, message: error.message } };
    throw error;
  }
}

function isEmptyScalar(node: Node): boolean {
  return isScalar(node) && node.source === "" && node.type === "PLAIN" && !node.tag;
}

interface Anchored {
  node: Node;
  value: Json;
  /** Values inside (the node included), for the node budget. */
  count: number;
  /** Collection nesting inside (0 for a scalar), for the depth limit through aliases. */
  height: number;
}

/** Converts one document's AST to Json within the limits. */
class Walker {
  private nodes = 0;
  private aliases = 0;
  private height = 0;
  private readonly anchors = new Map<string, Anchored>();
  readonly aliasTargets = new Map<Alias, Node>();

  constructor(
    private readonly limits: ParseLimits,
    private readonly lineOf: (offset: number) => number,
  ) {}

  /** `depth` is the number of collections around the node. */
  value(node: Node, depth: number): Json {
    if (isAlias(node)) return this.alias(node, depth);
    const before = this.nodes;
    this.nodes++;
    if (this.nodes > this.limits.maxNodes) this.limit(node, this.tooManyNodes());
    let value: Json;
    let height = 0;
    if (isScalar(node)) {
      value = this.scalar(node);
    } else if (isMap(node) || isSeq(node)) {
      if (depth + 1 > this.limits.maxDepth) {
        this.limit(node, this.tooDeep());
      }
      this.checkCollectionTag(node);
      value = isMap(node) ? this.map(node, depth + 1) : this.seq(node, depth + 1);
      height = this.height + 1;
    } else {
      this.fail(node, "unsupported YAML node");
    }
    this.height = height;
    if (node.anchor) {
      this.anchors.set(node.anchor, { node, value, count: this.nodes - before, height });
    }
    return value;
  }

  private alias(node: Alias, depth: number): Json {
    this.aliases++;
    if (this.aliases > this.limits.maxAliases) {
      this.limit(node, `more than ${this.limits.maxAliases} alias references`);
    }
    const target = this.anchors.get(node.source);
    if (!target) this.fail(node, `unknown alias *${node.source}`);
    this.nodes += target.count;
    if (this.nodes > this.limits.maxNodes) this.limit(node, this.tooManyNodes());
    if (depth + target.height > this.limits.maxDepth) {
      this.limit(node, this.tooDeep());
    }
    this.aliasTargets.set(node, target.node);
    this.height = target.height;
    return cloneJson(target.value);
  }

  private map(node: YAMLMap, depth: number): JsonObject {
    const out: JsonObject = {};
    const merges: Node[] = [];
    let height = 0;
    for (const pair of node.items as Pair<Node | null, Node | null>[]) {
      const keyNode = pair.key;
      if (keyNode && isMergeKey(keyNode)) {
        if (pair.value) merges.push(pair.value);
        continue;
      }
      const key = this.key(keyNode, pair.value);
      if (Object.hasOwn(out, key)) this.fail(keyNode ?? node, `duplicate key "${key}"`);
      setKey(out, key, this.child(pair.value, depth));
      height = Math.max(height, this.height);
    }
    for (const source of merges) height = Math.max(height, this.merge(out, source, depth));
    this.height = height;
    return out;
  }

  /** Adds the keys of a `<<` value that `out` does not have yet; explicit keys win. */
  private merge(out: JsonObject, source: Node, depth: number): number {
    const value = this.value(source, depth);
    const height = Math.max(0, this.height - 1);
    const maps = isSeq(source) ? (value as Json[]) : [value];
    for (const item of maps) {
      if (item === null || typeof item !== "object" || Array.isArray(item)) {
        this.fail(source, "a merge key (<<) needs a mapping or a list of mappings");
      }
      for (const key of Object.keys(item)) {
        if (!Object.hasOwn(out, key)) setKey(out, key, item[key]);
      }
    }
    return height;
  }

  private seq(node: YAMLSeq, depth: number): Json[] {
    const out: Json[] = [];
    let height = 0;
    for (const item of node.items as (Node | Pair<Node | null, Node | null> | null)[]) {
      if (item !== null && isPair(item)) {
        // `[a: b]`: a single-pair mapping inside a flow sequence.
        this.nodes++;
        if (depth + 1 > this.limits.maxDepth) {
          this.limit(node, this.tooDeep());
        }
        const pairMap: JsonObject = {};
        setKey(pairMap, this.key(item.key, item.value), this.child(item.value, depth + 1));
        height = Math.max(height, this.height + 1);
        out.push(pairMap);
        continue;
      }
      out.push(this.child(item, depth));
      height = Math.max(height, this.height);
    }
    this.height = height;
    return out;
  }

  private child(node: Node | null, depth: number): Json {
    if (node) return this.value(node, depth);
    this.nodes++;
    if (this.nodes > this.limits.maxNodes) this.limit(null, this.tooManyNodes());
    this.height = 0;
    return null;
  }

  private key(node: Node | null, value: Node | null): string {
    if (!node) return "";
    if (isScalar(node)) return scalarSource(node);
    this.fail(node ?? value, "unsupported mapping key: keys must be plain or quoted scalars");
  }

  private scalar(node: Scalar): Json {
    const text = scalarSource(node);
    const tag = node.tag;
    if (!tag) return node.type === "PLAIN" ? resolvePlainScalar(text) : text;
    if (!tag.startsWith(TAG)) return text; // `!` or a local tag: the text as it is
    const name = tag.slice(TAG.length);
    switch (name) {
      case "str":
        return text;
      case "null":
        return null;
      case "bool":
      case "int":
      case "float": {
        const kind = plainScalarKind(text);
        const fits = kind === name || (name === "float" && kind === "int");
        if (!fits) this.fail(node, `cannot read "${text}" as !!${name}`);
        return resolvePlainScalar(text);
      }
      case "map":
      case "seq":
        return this.fail(node, `a scalar is tagged !!${name}`);
      default:
        return text;
    }
  }

  private checkCollectionTag(node: YAMLMap | YAMLSeq): void {
    const tag = node.tag;
    if (!tag?.startsWith(TAG)) return;
    const name = tag.slice(TAG.length);
    const expected = isMap(node) ? "map" : "seq";
    const scalarTags = ["str", "null", "bool", "int", "float"];
    if ((name === "map" || name === "seq") && name !== expected) {
      this.fail(node, `a ${isMap(node) ? "mapping" : "sequence"} is tagged !!${name}`);
    }
    if (scalarTags.includes(name)) {
      this.fail(node, `a ${isMap(node) ? "mapping" : "sequence"} is tagged !!${name}`);
    }
  }

  private tooManyNodes(): string {
    return `more than ${this.limits.maxNodes} values once aliases are expanded`;
  }

  private tooDeep(): string {
    return `nesting deeper than ${this.limits.maxDepth} levels`;
  }

  /** An error in the document's content. */
  private fail(node: Node | null, message: string): never {
    this.throwAt(node, "invalid YAML", message);
  }

  /** A configured limit the document goes over. */
  private limit(node: Node | null, message: string): never {
    this.throwAt(node, "YAML limit exceeded", message);
  }

  private throwAt(node: Node | null, kind: string, message: string): never {
    const offset = node?.range?.[0];
    const line = offset === undefined ? undefined : this.lineOf(offset);
    throw new ParseFailure(
      line === undefined ? `${kind}: ${message}` : `${kind} at line ${line}: ${message}`,
      line,
    );
  }
}

function scalarSource(node: Scalar): string {
  const source = node.source;
  return typeof source === "string" ? source : String(node.value ?? "");
}

function isMergeKey(node: Node): boolean {
  return isScalar(node) && node.type === "PLAIN" && !node.tag && node.source === "<<";
}

function cloneJson(value: Json): Json {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(cloneJson);
  const out: JsonObject = {};
  for (const key of Object.keys(value)) setKey(out, key, cloneJson(value[key]));
  return out;
}

/** A fallback document: positions come from the AST, looked up on demand. */
class FallbackDocument implements ParsedDocument {
  constructor(
    readonly value: Json,
    readonly line: number,
    private readonly root: Node | null,
    private readonly aliasTargets: ReadonlyMap<Alias, Node>,
    private readonly lineOf: (offset: number) => number,
  ) {}

  locate(path: Path): number {
    let node = this.root;
    let line = this.line;
    for (const segment of path) {
      node = node && isAlias(node) ? (this.aliasTargets.get(node) ?? null) : node;
      if (!node) break;
      if (typeof segment === "string" && isMap(node)) {
        const pair = this.findPair(node, segment, 0);
        if (!pair) break;
        line = this.lineOf(pair.key?.range?.[0] ?? pair.value?.range?.[0] ?? 0);
        node = pair.value;
      } else if (typeof segment === "number" && isSeq(node)) {
        const item = node.items[segment] as Node | Pair<Node | null, Node | null> | null | undefined;
        if (item === undefined) break;
        line = this.lineOf(seqItemOffset(node, segment, item));
        node = item !== null && isPair(item) ? null : item;
      } else {
        break;
      }
    }
    return line;
  }

  /** The pair for `key`, looking through merge keys (explicit keys first, as the walker does). */
  private findPair(node: YAMLMap, key: string, hops: number): Pair<Node | null, Node | null> | undefined {
    const pairs = node.items as Pair<Node | null, Node | null>[];
    for (const pair of pairs) {
      if (pair.key && isScalar(pair.key) && !isMergeKey(pair.key) && scalarSource(pair.key) === key)
        return pair;
    }
    if (hops > 64) return undefined;
    for (const pair of pairs) {
      if (!pair.key || !isMergeKey(pair.key) || !pair.value) continue;
      const source = this.deref(pair.value);
      const maps = source && isSeq(source) ? (source.items as Node[]) : [source];
      for (const candidate of maps) {
        const map = this.deref(candidate);
        const found = map && isMap(map) ? this.findPair(map, key, hops + 1) : undefined;
        if (found) return found;
      }
    }
    return undefined;
  }

  private deref(node: Node | null): Node | null {
    return node && isAlias(node) ? (this.aliasTargets.get(node) ?? null) : node;
  }
}

interface SourceTokenLike {
  type: string;
  offset: number;
}

/** Offset of a sequence item's `-` in a block sequence, else of the item itself. */
function seqItemOffset(
  seq: YAMLSeq,
  index: number,
  item: Node | Pair<Node | null, Node | null> | null,
): number {
  const token = seq.srcToken as { type?: string; items?: { start: SourceTokenLike[] }[] } | undefined;
  if (token?.type === "block-seq") {
    const dash = token.items?.[index]?.start.find((t) => t.type === "seq-item-ind");
    if (dash) return dash.offset;
  }
  if (item === null) return seq.range?.[0] ?? 0;
  if (isPair(item)) return (item.key as Node | null)?.range?.[0] ?? seq.range?.[0] ?? 0;
  return item.range?.[0] ?? 0;
}
