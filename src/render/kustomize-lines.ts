// Where a field of a resource rendered by `kustomize build` is written in the sources: the patches
// that set it (last applied first), the kustomization lines that rewrite it (`images:`,
// `namespace:`), the resource as written in its file, and the `resources:` entries through which
// the target includes that file. The order is the order of preference.

import { posix } from "node:path";
import { isObject, type Json, type JsonObject, type Path, type Side } from "../engine/types.js";
import { parseYamlStream } from "../engine/yaml/index.js";
import type { ParsedDocument } from "../engine/yaml/types.js";
import { type Candidate, candidate } from "./candidates.js";
import { fieldLine, valueAt } from "./field-lines.js";
import { KUSTOMIZATION_FILE_NAMES } from "./kustomization.js";
import type { Origin, Transformation } from "./output.js";
import type { SourceFiles, SourceLimits } from "./sources.js";

type KustomizeOrigin = Extract<Origin, { tool: "kustomize" }>;

interface Lookup {
  sources: SourceFiles;
  side: Side;
  limits: SourceLimits;
}

/** A document of a patch, and how its lines map to lines of the file that holds it. */
interface PatchDocument {
  file: string;
  document: ParsedDocument;
  /** Added to the document's own lines (inline patches are text inside a kustomization). */
  offset: number;
  /** The entry's `target:` selector, when it has one. */
  target?: JsonObject;
}

function kustomization(lookup: Lookup, file: string): JsonObject | undefined {
  const value = lookup.sources.documents(lookup.side, file)[0]?.value;
  return isObject(value) ? value : undefined;
}

/** The documents of an inline patch, whose text starts on the line after `line` for a block scalar. */
function inlinePatch(lookup: Lookup, file: string, text: string, line: number): PatchDocument[] {
  const written = lookup.sources.text(lookup.side, file)?.split("\n")[line - 1] ?? "";
  const block = /[|>][0-9+-]*\s*(#.*)?$/.test(written);
  const { documents } = parseYamlStream(text, lookup.limits);
  // A block scalar keeps the patch's lines: its line n is the file's line + n. Any other scalar
  // is one line of the file: every field of it is on that line.
  return documents.map((document) => ({
    file,
    document: block ? document : { ...document, locate: () => 0 },
    offset: line,
  }));
}

/** Every patch document a kustomization applies, in the order it lists them. */
function patchesOf(lookup: Lookup, file: string): PatchDocument[] {
  const k = kustomization(lookup, file);
  const own = lookup.sources.documents(lookup.side, file)[0];
  if (!k || !own) return [];
  const dir = posix.dirname(file);
  const found: PatchDocument[] = [];
  const fromFile = (path: string, target?: JsonObject) => {
    const resolved = posix.normalize(posix.join(dir, path));
    for (const document of lookup.sources.documents(lookup.side, resolved))
      found.push({ file: resolved, document, offset: 0, target });
  };
  for (const field of ["patches", "patchesJson6902", "patchesStrategicMerge"]) {
    const list = k[field];
    if (!Array.isArray(list)) continue;
    list.forEach((entry, i) => {
      if (typeof entry === "string") {
        if (entry.includes("\n") || entry.trimStart().startsWith("{") || entry.trimStart().startsWith("["))
          found.push(...inlinePatch(lookup, file, entry, own.locate([field, i])));
        else fromFile(entry);
        return;
      }
      if (!isObject(entry)) return;
      const target = isObject(entry.target) ? entry.target : undefined;
      if (typeof entry.path === "string") fromFile(entry.path, target);
      else if (typeof entry.patch === "string")
        for (const p of inlinePatch(lookup, file, entry.patch, own.locate([field, i, "patch"])))
          found.push({ ...p, target });
    });
  }
  return found;
}

function nameOf(value: Json | undefined): string | undefined {
  return isObject(value) && isObject(value.metadata) && typeof value.metadata.name === "string"
    ? value.metadata.name
    : undefined;
}

/** The namespace a resource is written in, "" for none. */
function namespaceOf(value: Json | undefined): string {
  return isObject(value) && isObject(value.metadata) && typeof value.metadata.namespace === "string"
    ? value.metadata.namespace
    : "";
}

/** Whether a selector field (a regular expression, as kustomize reads `target:`) selects one of `values`. */
function selects(pattern: Json | undefined, values: ReadonlySet<string>): boolean {
  if (typeof pattern !== "string" || pattern === "") return true;
  try {
    const anchored = new RegExp(`^(?:${pattern})$`);
    return [...values].some((value) => anchored.test(value));
  } catch {
    return values.has(pattern);
  }
}

/**
 * Whether a patch (by its entry's `target:`, else its own kind, name and namespace) can be about
 * `resource`, which was written as `written`: a file may hold the same Role for two namespaces.
 */
function patchApplies(patch: PatchDocument, resource: JsonObject, written: Json | undefined): boolean {
  const names = new Set([nameOf(resource), nameOf(written)].filter((n) => n !== undefined));
  // The namespace as written, or as a namespace: transformer set it before the patch ran.
  const namespaces = new Set([namespaceOf(resource), namespaceOf(written)]);
  if (patch.target) {
    const { kind, name, namespace } = patch.target;
    if (typeof kind === "string" && kind !== resource.kind) return false;
    return selects(name, names) && selects(namespace, namespaces);
  }
  const value = patch.document.value;
  return (
    isObject(value) &&
    value.kind === resource.kind &&
    names.has(nameOf(value) ?? "") &&
    selects(namespaceOf(value), namespaces)
  );
}

/** JSON pointer → path segments (numbers for digits, as the rendered path has them). */
function pointerPath(pointer: string): (string | number)[] {
  return pointer
    .split("/")
    .slice(1)
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((part) => (/^(0|[1-9][0-9]*)$/.test(part) ? Number(part) : part));
}

/** Lines of JSON 6902 operations that set `path` or a parent of it. */
function operationLines(patch: PatchDocument, resource: JsonObject, path: Path): Candidate[] {
  const ops = patch.document.value;
  if (!Array.isArray(ops)) return [];
  const found: Candidate[] = [];
  ops.forEach((op, i) => {
    if (
      !isObject(op) ||
      typeof op.path !== "string" ||
      !["add", "replace", "copy", "move"].includes(String(op.op))
    )
      return;
    const target = pointerPath(op.path);
    const prefix = target.every(
      (segment, j) => segment === path[j] || (segment === "-" && typeof path[j] === "number"),
    );
    if (!prefix || target.length > path.length) return;
    const rest = path.slice(target.length);
    const set = valueAt(resource, path.slice(0, target.length));
    const at = op.value !== undefined ? fieldLine(set, patch.document, rest, [i, "value"]) : undefined;
    const line = (at?.line ?? patch.document.locate([i, "path"])) + patch.offset;
    found.push({ file: patch.file, line, exact: true });
  });
  return found;
}

/**
 * The document of the origin file that the rendered resource was read from: of those of its kind
 * whose name the rendered name contains (namePrefix and nameSuffix make it longer), the longest
 * name, then the same namespace (one file may write a Role per namespace), then the same apiVersion.
 */
function writtenDocument(lookup: Lookup, file: string, resource: JsonObject): ParsedDocument | undefined {
  const rendered = nameOf(resource) ?? "";
  let best: { document: ParsedDocument; rank: number[] } | undefined;
  for (const document of lookup.sources.documents(lookup.side, file)) {
    const value = document.value;
    if (!isObject(value) || value.kind !== resource.kind) continue;
    const name = nameOf(value) ?? "";
    if (!rendered.includes(name)) continue;
    const rank = [
      name.length,
      Number(namespaceOf(value) === namespaceOf(resource)),
      Number(value.apiVersion === resource.apiVersion),
    ];
    if (!best || ranksAbove(rank, best.rank)) best = { document, rank };
  }
  return best?.document;
}

/** `a` comes before `b`, comparing their numbers in order. */
function ranksAbove(a: readonly number[], b: readonly number[]): boolean {
  const differs = a.findIndex((value, i) => value !== b[i]);
  return differs >= 0 && a[differs] > b[differs];
}

function imageLines(lookup: Lookup, file: string, resource: JsonObject, path: Path): Candidate[] {
  if (path[path.length - 1] !== "image") return [];
  const k = kustomization(lookup, file);
  const own = lookup.sources.documents(lookup.side, file)[0];
  if (!k || !own || !Array.isArray(k.images)) return [];
  const image = valueAt(resource, path);
  if (typeof image !== "string") return [];
  const found: Candidate[] = [];
  k.images.forEach((entry, i) => {
    if (!isObject(entry)) return;
    const repository = typeof entry.newName === "string" ? entry.newName : entry.name;
    if (typeof repository !== "string") return;
    if (image !== repository && !image.startsWith(`${repository}:`) && !image.startsWith(`${repository}@`))
      return;
    const key = ["newName", "newTag", "digest"].find((k) => entry[k] !== undefined) ?? "name";
    found.push({ file, line: own.locate(["images", i, key]), exact: true });
  });
  return found;
}

function namespaceLine(lookup: Lookup, file: string, path: Path): Candidate[] {
  if (path[path.length - 1] !== "namespace") return [];
  const own = lookup.sources.documents(lookup.side, file)[0];
  const k = kustomization(lookup, file);
  return own && k && typeof k.namespace === "string"
    ? [{ file, line: own.locate(["namespace"]), exact: true }]
    : [];
}

const INCLUDES = ["resources", "bases", "components"];
const INCLUDED = "the line that brings the resource into the target";

/** The kustomization file of a directory at this revision. */
export function kustomizationIn(lookup: Pick<Lookup, "sources" | "side">, dir: string): string | undefined {
  return KUSTOMIZATION_FILE_NAMES.map((name) => (dir === "" || dir === "." ? name : `${dir}/${name}`)).find(
    (path) => lookup.sources.text(lookup.side, path) !== undefined,
  );
}

/** The `resources:` (or components, bases) entries leading from `from` to `file`, outermost first. */
function includeChain(
  lookup: Lookup,
  from: string,
  file: string,
  seen = new Set<string>(),
): Candidate[] | undefined {
  if (seen.has(from)) return undefined;
  seen.add(from);
  const k = kustomization(lookup, from);
  const own = lookup.sources.documents(lookup.side, from)[0];
  if (!k || !own) return undefined;
  const dir = posix.dirname(from);
  for (const field of INCLUDES) {
    const list = k[field];
    if (!Array.isArray(list)) continue;
    for (const [i, entry] of list.entries()) {
      if (typeof entry !== "string") continue;
      const resolved = posix.normalize(posix.join(dir, entry));
      const here: Candidate = { file: from, line: own.locate([field, i]), exact: false, note: INCLUDED };
      if (resolved === file) return [here];
      const inner = kustomizationIn(lookup, resolved);
      const rest = inner ? includeChain(lookup, inner, file, seen) : undefined;
      if (rest) return [here, ...rest];
    }
  }
  return undefined;
}

/** Where a field of a resource `kustomize build` rendered for the target at `targetDir` is written. */
export function kustomizeCandidates(
  lookup: Lookup,
  origin: KustomizeOrigin,
  targetDir: string,
  resource: JsonObject,
  path: Path,
): Candidate[] {
  const written = origin.file ? writtenDocument(lookup, origin.file, resource) : undefined;
  const found: Candidate[] = [];
  const byKustomization = (kind: (t: Transformation) => boolean) => [
    ...new Set(
      origin.transformations
        .filter(kind)
        .map((t) => t.kustomization)
        .reverse(),
    ),
  ];
  for (const file of byKustomization((t) => t.kind.includes("Patch"))) {
    for (const patch of patchesOf(lookup, file).reverse()) {
      if (!patchApplies(patch, resource, written?.value)) continue;
      if (Array.isArray(patch.document.value)) found.push(...operationLines(patch, resource, path));
      else {
        const at = fieldLine(resource, patch.document, path);
        if (at.exact) found.push({ file: patch.file, line: at.line + patch.offset, exact: true });
      }
    }
  }
  for (const file of byKustomization((t) => t.kind === "ImageTagTransformer"))
    found.push(...imageLines(lookup, file, resource, path));
  for (const file of byKustomization((t) => t.kind === "NamespaceTransformer"))
    found.push(...namespaceLine(lookup, file, path));
  if (origin.file && written) found.push(candidate(origin.file, fieldLine(resource, written, path)));
  const root = kustomizationIn(lookup, targetDir);
  if (root && origin.file) found.push(...(includeChain(lookup, root, origin.file) ?? []));
  if (origin.generatedBy) {
    const own = lookup.sources.documents(lookup.side, origin.generatedBy)[0];
    if (own)
      found.push({
        file: origin.generatedBy,
        line: own.line,
        exact: false,
        note: "generated by this kustomization",
      });
  }
  return found;
}
