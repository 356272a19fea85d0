// A node tree to the JSON Kubernetes gets: go-yaml v2's decoding into interface{} (aliases,
// merge keys applied in order, explicit tags) followed by sigs.k8s.io/yaml's conversion to JSON
// (keys written by kind, values JSON cannot hold refused). Every collection also records where
// its entries start, for findings' lines.

import type { Json, JsonObject } from "../../types.js";
import { setKey } from "../set-key.js";
import type { ParseLimits } from "../types.js";
import type { AliasNode, MappingNode, ScalarNode, YamlNode } from "./parser.js";
import { jsonKey, type Resolved, ResolveError, resolveScalar } from "./resolve.js";

/** Offsets where each entry starts: by key for mappings, by index for sequences. */
export type OffsetPositions = Map<object, Map<string, number> | number[]>;

/** A problem in the document's content (`limit`: a configured bound rather than invalid YAML). */
export class DecodeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly limit = false,
  ) {
    super(message);
  }
}

const MERGE_TAG = "tag:yaml.org,2002:merge";

export class Decoder {
  readonly positions: OffsetPositions = new Map();
  private nodes = 0;
  private aliases = 0;
  private readonly expanding = new Set<AliasNode>();

  constructor(private readonly limits: ParseLimits) {}

  /** `depth` is the number of collections around the node. */
  value(node: YamlNode, depth: number): Json {
    if (++this.nodes > this.limits.maxNodes) {
      this.limit(node.start, `more than ${this.limits.maxNodes} values once aliases are expanded`);
    }
    switch (node.kind) {
      case "scalar":
        return this.scalar(node);
      case "alias":
        return this.throughAlias(node, (target) => this.value(target, depth));
      case "sequence": {
        this.checkDepth(node.start, depth);
        const out = node.items.map((item) => this.value(item, depth + 1));
        this.positions.set(out, node.itemStarts);
        return out;
      }
      case "mapping": {
        this.checkDepth(node.start, depth);
        const out: JsonObject = {};
        this.positions.set(out, new Map());
        this.mapInto(out, node, depth + 1, new Map());
        return out;
      }
    }
  }

  private scalar(node: ScalarNode): Json {
    const resolved = this.resolve(node);
    if (typeof resolved.value === "number" && !Number.isFinite(resolved.value)) {
      // sigs.k8s.io/yaml marshals to JSON, which has no NaN or infinities.
      this.fail(node.start, `${node.value} is not a number JSON can hold: Kubernetes rejects it`);
    }
    return resolved.value;
  }

  private resolve(node: ScalarNode): Resolved {
    try {
      return resolveScalar(node.value, node.tag, node.implicit);
    } catch (error) {
      if (error instanceof ResolveError) this.fail(node.start, error.message);
      throw error;
    }
  }

  private throughAlias<T>(node: AliasNode, read: (target: YamlNode) => T): T {
    if (this.expanding.has(node)) this.fail(node.start, `anchor '${node.name}' value contains itself`);
    if (++this.aliases > this.limits.maxAliases) {
      this.limit(node.start, `more than ${this.limits.maxAliases} alias references`);
    }
    this.expanding.add(node);
    try {
      return read(node.target);
    } finally {
      this.expanding.delete(node);
    }
  }

  /**
   * Sets `node`'s entries into `out` in order, as go-yaml does: a merge key (`<<`) sets the keys of
   * the mapping(s) it names, and whatever comes later wins. `kinds` remembers, per JSON key, the
   * typed key that set it (1 and "1" are different keys to go-yaml but the same JSON key).
   */
  private mapInto(out: JsonObject, node: MappingNode, depth: number, kinds: Map<string, string>): void {
    const lines = this.positions.get(out) as Map<string, number>;
    const own = new Set<string>();
    for (let i = 0; i < node.keys.length; i++) {
      const keyNode = node.keys[i];
      if (isMergeKey(keyNode)) {
        this.merge(out, node.values[i], depth, kinds);
        continue;
      }
      const { key, identity } = this.key(keyNode);
      const earlier = kinds.get(key);
      if (earlier !== undefined && earlier !== identity) {
        this.fail(
          node.keyStarts[i],
          `two different keys both become "${key}" in JSON; Kubernetes would keep one of them at random`,
        );
      }
      if (own.has(key)) {
        this.fail(
          node.keyStarts[i],
          `duplicate key "${key}": Kubernetes silently keeps the last one; remove the duplicate`,
        );
      }
      own.add(key);
      kinds.set(key, identity);
      setKey(out, key, this.value(node.values[i], depth));
      lines.set(key, node.keyStarts[i]);
    }
  }

  private merge(out: JsonObject, source: YamlNode, depth: number, kinds: Map<string, string>): void {
    const wantMap = () => this.fail(source.start, "map merge requires map or sequence of maps as the value");
    const mergeOne = (item: YamlNode) => {
      if (item.kind === "mapping") return this.mapInto(out, item, depth, kinds);
      if (item.kind !== "alias" || item.target.kind !== "mapping") return wantMap();
      const target = item.target;
      this.throughAlias(item, () => this.mapInto(out, target, depth, kinds));
    };
    if (source.kind === "sequence") {
      // Earlier mappings take precedence: go-yaml applies them last to first.
      for (const item of source.items) if (item.kind !== "mapping" && item.kind !== "alias") wantMap();
      for (let i = source.items.length - 1; i >= 0; i--) mergeOne(source.items[i]);
    } else {
      mergeOne(source);
    }
  }

  private key(node: YamlNode): { key: string; identity: string } {
    const scalar = node.kind === "alias" ? this.throughAlias(node, (target) => target) : node;
    if (scalar.kind !== "scalar") this.fail(node.start, "a mapping or sequence cannot be a map key");
    const resolved = this.resolve(scalar);
    const key = jsonKey(resolved);
    if (key === undefined) {
      const what = resolved.kind === "null" ? "a null key" : `the key ${scalar.value} (past the int64 range)`;
      this.fail(node.start, `${what} cannot become a JSON key: Kubernetes rejects it`);
    }
    const identity =
      resolved.kind === "int" ? `int:${resolved.text}` : `${resolved.kind}:${String(resolved.value)}`;
    return { key, identity };
  }

  private checkDepth(offset: number, depth: number): void {
    if (depth + 1 > this.limits.maxDepth)
      this.limit(offset, `nesting deeper than ${this.limits.maxDepth} levels`);
  }

  private fail(offset: number, message: string): never {
    throw new DecodeError(message, offset);
  }

  private limit(offset: number, message: string): never {
    throw new DecodeError(message, offset, true);
  }
}

function isMergeKey(node: YamlNode): boolean {
  return node.kind === "scalar" && node.value === "<<" && (node.implicit || node.tag === MERGE_TAG);
}
