// Tokens to a node tree, the way go-yaml v2's parser does it (libyaml's grammar, then one node per
// event). Only the first document of the text is read: that is all Kubernetes takes from a chunk.

import { type Scanner, type Token, type TokenType, YamlSyntaxError } from "./scanner.js";

export interface ScalarNode {
  kind: "scalar";
  start: number;
  value: string;
  /** Resolved tag: "" when none, "!" for the non-specific tag, else the full tag. */
  tag: string;
  /** go-yaml's `implicit`: a plain scalar without a tag, or one tagged just `!`. */
  implicit: boolean;
}

export interface SequenceNode {
  kind: "sequence";
  start: number;
  items: YamlNode[];
  /** Offset of each item's `-` (block) or first character (flow). */
  itemStarts: number[];
}

export interface MappingNode {
  kind: "mapping";
  start: number;
  keys: YamlNode[];
  values: YamlNode[];
  /** Offset of each entry's key (or `?`). */
  keyStarts: number[];
}

export interface AliasNode {
  kind: "alias";
  start: number;
  name: string;
  target: YamlNode;
}

export type YamlNode = ScalarNode | SequenceNode | MappingNode | AliasNode;

const CORE_TAG = "tag:yaml.org,2002:";

export class Parser {
  private readonly anchors = new Map<string, YamlNode>();
  private readonly handles = new Map<string, string>([
    ["!", "!"],
    ["!!", CORE_TAG],
  ]);

  constructor(
    private readonly scanner: Scanner,
    private readonly maxDepth: number,
  ) {}

  /** The first document's root node, or null when the text holds no document or an empty one. */
  document(): YamlNode | null {
    const s = this.scanner;
    s.next(); // stream-start
    let token = s.peek();
    if (token.type === "stream-end") return null;
    let root: YamlNode;
    if (token.type === "version-directive" || token.type === "tag-directive") {
      this.directives();
      token = s.peek();
      if (token.type !== "document-start") this.fail("did not find expected <document start>", token);
    }
    if (token.type === "document-start") {
      s.next();
      token = s.peek();
      const empty =
        token.type === "document-start" || token.type === "document-end" || token.type === "stream-end";
      root = empty ? this.empty(token.start) : this.node(true, false, 0);
    } else {
      root = this.node(true, false, 0);
    }
    // go-yaml looks at one more token to end the document, then stops reading.
    s.peek();
    return root;
  }

  /** %YAML (only 1.1) and %TAG directives before the document. */
  private directives(): void {
    const s = this.scanner;
    let version = false;
    const declared = new Set<string>();
    for (;;) {
      const token = s.peek();
      if (token.type === "version-directive") {
        if (version) this.fail("found duplicate %YAML directive", token);
        const [major, minor] = token.version ?? [0, 0];
        if (major !== 1 || minor !== 1) this.fail("found incompatible YAML document", token);
        version = true;
      } else if (token.type === "tag-directive") {
        const handle = token.handle ?? "";
        if (declared.has(handle)) this.fail("found duplicate %TAG directive", token);
        declared.add(handle);
        this.handles.set(handle, token.suffix ?? "");
      } else {
        return;
      }
      s.next();
    }
  }

  private fail(message: string, token: Token): never {
    throw new YamlSyntaxError(message, token.start);
  }

  private empty(start: number): ScalarNode {
    return { kind: "scalar", start, value: "", tag: "", implicit: true };
  }

  private is(type: TokenType, ...types: TokenType[]): boolean {
    const next = this.scanner.peek().type;
    return next === type || types.includes(next);
  }

  private node(block: boolean, indentless: boolean, depth: number): YamlNode {
    const s = this.scanner;
    let token = s.peek();
    if (token.type === "alias") {
      s.next();
      const target = this.anchors.get(token.value ?? "");
      if (!target) this.fail(`unknown anchor '${token.value}' referenced`, token);
      return { kind: "alias", start: token.start, name: token.value ?? "", target };
    }
    const start = token.start;
    let anchor: string | undefined;
    let tagToken: Token | undefined;
    if (token.type === "anchor") {
      anchor = s.next().value;
      if (s.peek().type === "tag") tagToken = s.next();
    } else if (token.type === "tag") {
      tagToken = s.next();
      if (s.peek().type === "anchor") anchor = s.next().value;
    }
    const tag = tagToken ? this.resolveTag(tagToken) : "";
    token = s.peek();
    let node: YamlNode;
    if (indentless && token.type === "block-entry") {
      node = this.register(anchor, this.newSequence(start, depth));
      this.indentlessSequence(node, depth);
    } else if (token.type === "scalar") {
      s.next();
      const implicit = (tag === "" && token.style === "plain") || tag === "!";
      node = this.register(anchor, { kind: "scalar", start, value: token.value ?? "", tag, implicit });
    } else if (token.type === "flow-sequence-start") {
      s.next();
      node = this.register(anchor, this.newSequence(start, depth));
      this.flowSequence(node, depth);
    } else if (token.type === "flow-mapping-start") {
      s.next();
      node = this.register(anchor, this.newMapping(start, depth));
      this.flowMapping(node, depth);
    } else if (block && token.type === "block-sequence-start") {
      s.next();
      node = this.register(anchor, this.newSequence(start, depth));
      this.blockSequence(node, depth);
    } else if (block && token.type === "block-mapping-start") {
      s.next();
      node = this.register(anchor, this.newMapping(start, depth));
      this.blockMapping(node, depth);
    } else if (anchor !== undefined || tagToken) {
      node = this.register(anchor, { kind: "scalar", start, value: "", tag, implicit: tag === "" });
    } else {
      this.fail(
        `while parsing a ${block ? "block" : "flow"} node: did not find expected node content`,
        token,
      );
    }
    return node;
  }

  private register<T extends YamlNode>(anchor: string | undefined, node: T): T {
    // Registered before the children are read, as go-yaml does: an alias inside its own anchor
    // refers to the node itself (and the decoder rejects that).
    if (anchor !== undefined) this.anchors.set(anchor, node);
    return node;
  }

  private resolveTag(token: Token): string {
    const handle = token.handle ?? "";
    const suffix = token.suffix ?? "";
    if (handle === "") return suffix;
    const prefix = this.handles.get(handle);
    if (prefix === undefined) this.fail(`while parsing a node: found undefined tag handle ${handle}`, token);
    return prefix + suffix;
  }

  private newSequence(start: number, depth: number): SequenceNode {
    this.checkDepth(depth, start);
    return { kind: "sequence", start, items: [], itemStarts: [] };
  }

  private newMapping(start: number, depth: number): MappingNode {
    this.checkDepth(depth, start);
    return { kind: "mapping", start, keys: [], values: [], keyStarts: [] };
  }

  private checkDepth(depth: number, start: number): void {
    // Deeper text would only be refused later; stopping here also keeps recursion bounded.
    if (depth + 1 > this.maxDepth) throw new DepthExceeded(start);
  }

  private blockSequence(node: SequenceNode, depth: number): void {
    const s = this.scanner;
    for (;;) {
      const token = s.peek();
      if (token.type === "block-end") {
        s.next();
        return;
      }
      if (token.type !== "block-entry") {
        this.fail("while parsing a block collection: did not find expected '-' indicator", token);
      }
      s.next();
      node.itemStarts.push(token.start);
      const next = s.peek();
      node.items.push(
        this.is("block-entry", "block-end") ? this.empty(next.start) : this.node(true, false, depth + 1),
      );
    }
  }

  private indentlessSequence(node: SequenceNode, depth: number): void {
    const s = this.scanner;
    while (s.peek().type === "block-entry") {
      const token = s.next();
      node.itemStarts.push(token.start);
      const next = s.peek();
      const empty = this.is("block-entry", "key", "value", "block-end");
      node.items.push(empty ? this.empty(next.start) : this.node(true, false, depth + 1));
    }
  }

  private blockMapping(node: MappingNode, depth: number): void {
    const s = this.scanner;
    for (;;) {
      let token = s.peek();
      let key: YamlNode;
      if (token.type === "key") {
        s.next();
        node.keyStarts.push(token.start);
        const next = s.peek();
        key = this.is("key", "value", "block-end")
          ? this.empty(next.start)
          : this.node(true, true, depth + 1);
      } else if (token.type === "value") {
        node.keyStarts.push(token.start);
        key = this.empty(token.start);
      } else if (token.type === "block-end") {
        s.next();
        return;
      } else {
        this.fail("while parsing a block mapping: did not find expected key", token);
      }
      token = s.peek();
      let value: YamlNode;
      if (token.type === "value") {
        s.next();
        const next = s.peek();
        value = this.is("key", "value", "block-end")
          ? this.empty(next.start)
          : this.node(true, true, depth + 1);
      } else {
        value = this.empty(token.start);
      }
      node.keys.push(key);
      node.values.push(value);
    }
  }

  private flowSequence(node: SequenceNode, depth: number): void {
    const s = this.scanner;
    let first = true;
    for (;;) {
      let token = s.peek();
      if (token.type !== "flow-sequence-end") {
        if (!first) {
          if (token.type !== "flow-entry") {
            this.fail("while parsing a flow sequence: did not find expected ',' or ']'", token);
          }
          s.next();
          token = s.peek();
        }
        if (token.type === "key") {
          s.next();
          node.itemStarts.push(token.start);
          node.items.push(this.flowSequencePair(token.start, depth + 1));
        } else if (token.type !== "flow-sequence-end") {
          node.itemStarts.push(token.start);
          node.items.push(this.node(false, false, depth + 1));
        }
      }
      if (s.peek().type === "flow-sequence-end") {
        s.next();
        return;
      }
      first = false;
    }
  }

  /** `[a: b]` or `[? a : b]`: a single-pair mapping inside a flow sequence. */
  private flowSequencePair(start: number, depth: number): MappingNode {
    const s = this.scanner;
    const pair = this.newMapping(start, depth);
    let key: YamlNode;
    let token = s.peek();
    if (this.is("value", "flow-entry", "flow-sequence-end")) {
      // go-yaml consumes the token that follows here (libyaml 0.1 does too), `:` included.
      s.next();
      key = this.empty(token.start);
    } else {
      key = this.node(false, false, depth + 1);
    }
    token = s.peek();
    let value: YamlNode | undefined;
    if (token.type === "value") {
      s.next();
      if (!this.is("flow-entry", "flow-sequence-end")) value = this.node(false, false, depth + 1);
    }
    pair.keys.push(key);
    pair.values.push(value ?? this.empty(s.peek().start));
    pair.keyStarts.push(start);
    return pair;
  }

  private flowMapping(node: MappingNode, depth: number): void {
    const s = this.scanner;
    let first = true;
    for (;;) {
      let token = s.peek();
      if (token.type !== "flow-mapping-end") {
        if (!first) {
          if (token.type !== "flow-entry") {
            this.fail("while parsing a flow mapping: did not find expected ',' or '}'", token);
          }
          s.next();
          token = s.peek();
        }
        if (token.type === "key") {
          s.next();
          node.keyStarts.push(token.start);
          const next = s.peek();
          const key = this.is("value", "flow-entry", "flow-mapping-end")
            ? this.empty(next.start)
            : this.node(false, false, depth + 1);
          node.keys.push(key);
          node.values.push(this.flowMappingValue(depth));
        } else if (token.type !== "flow-mapping-end") {
          node.keyStarts.push(token.start);
          node.keys.push(this.node(false, false, depth + 1));
          node.values.push(this.empty(s.peek().start));
        }
      }
      if (s.peek().type === "flow-mapping-end") {
        s.next();
        return;
      }
      first = false;
    }
  }

  private flowMappingValue(depth: number): YamlNode {
    const s = this.scanner;
    if (s.peek().type === "value") {
      s.next();
      if (!this.is("flow-entry", "flow-mapping-end")) return this.node(false, false, depth + 1);
    }
    return this.empty(s.peek().start);
  }
}

/** Nesting over the configured depth (a limit, not a syntax error). */
export class DepthExceeded extends Error {
  constructor(readonly offset: number) {
    super("nesting too deep");
  }
}
