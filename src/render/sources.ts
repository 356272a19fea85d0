// The source files of render targets at both revisions, as the line placement reads them: their
// text, their YAML documents, and which of their lines the change touched.

import { structuredPatch } from "diff";
import { decodeFile, type FileContent } from "../engine/files.js";
import type { Side } from "../engine/types.js";
import { parseYamlStream } from "../engine/yaml/index.js";
import type { ParsedDocument, ParseLimits } from "../engine/yaml/types.js";

export interface SourceLimits extends ParseLimits {
  maxFileBytes: number;
}

export class SourceFiles {
  private readonly texts = new Map<string, string | undefined>();
  private readonly parsed = new Map<string, readonly ParsedDocument[]>();
  private readonly touched = new Map<string, ReadonlySet<number>>();
  private readonly derivedValues = new Map<string, unknown>();

  /**
   * `files`: the files read at each revision; of the `changed` paths, both revisions' versions
   * (where they exist) must be among them. A path not in `changed` has no changed line.
   */
  constructor(
    private readonly files: {
      base: ReadonlyMap<string, FileContent>;
      head: ReadonlyMap<string, FileContent>;
    },
    private readonly changed: ReadonlySet<string>,
    private readonly limits: SourceLimits,
  ) {}

  /** A file's text at one revision (as kubectl decodes it); undefined when absent or unreadable. */
  text(side: Side, path: string): string | undefined {
    const key = `${side}:${path}`;
    if (!this.texts.has(key)) {
      const content = this.files[side].get(path);
      const decoded = content === undefined ? undefined : decodeFile(content, this.limits.maxFileBytes);
      this.texts.set(key, decoded?.kind === "text" ? decoded.text : undefined);
    }
    return this.texts.get(key);
  }

  /** A file's YAML documents at one revision (the ones that read without error). */
  documents(side: Side, path: string): readonly ParsedDocument[] {
    const key = `${side}:${path}`;
    let documents = this.parsed.get(key);
    if (!documents) {
      const text = this.text(side, path);
      documents = text === undefined ? [] : parseYamlStream(text, this.limits).documents;
      this.parsed.set(key, documents);
    }
    return documents;
  }

  /**
   * A value computed from these files once per review (a chart's definitions, say), by `key`:
   * placing many findings of one target must not redo it for each.
   */
  derived<T>(key: string, make: () => T): T {
    if (!this.derivedValues.has(key)) this.derivedValues.set(key, make());
    return this.derivedValues.get(key) as T;
  }

  /**
   * The lines of a file at one revision that the change added or altered (head), or removed or
   * altered (base): the lines a pull request's diff shows on that side.
   */
  changedLines(side: Side, path: string): ReadonlySet<number> {
    const key = `${side}:${path}`;
    let lines = this.touched.get(key);
    if (!lines) {
      lines = !this.changed.has(path)
        ? new Set()
        : diffLines(this.text("base", path), this.text("head", path), side);
      this.touched.set(key, lines);
    }
    return lines;
  }
}

function diffLines(before: string | undefined, after: string | undefined, side: Side): Set<number> {
  const lines = new Set<number>();
  if (before === after) return lines;
  const patch = structuredPatch("a", "b", before ?? "", after ?? "", "", "", { context: 0 });
  for (const hunk of patch.hunks) {
    let line = side === "base" ? hunk.oldStart : hunk.newStart;
    const mark = side === "base" ? "-" : "+";
    for (const text of hunk.lines) {
      if (text.startsWith(mark)) lines.add(line++);
      else if (text.startsWith(" ")) line++;
    }
  }
  return lines;
}
