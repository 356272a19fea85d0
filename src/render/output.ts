// What a render produced, read as the cluster reads it: every document of the tool's output, with
// where it came from. Kustomize tells the origin in annotations we ask it to add (buildMetadata)
// and which are removed here, since the cluster never sees them; Helm in a `# Source:` comment.

import { posix } from "node:path";
import { apiGroupOf, canonicalGroup, isClusterScoped } from "../engine/identity.js";
import { isObject, type JsonObject } from "../engine/types.js";
import { parseYamlStream } from "../engine/yaml/index.js";
import type { ParseLimits } from "../engine/yaml/types.js";

export const ORIGIN_ANNOTATION = "config.kubernetes.io/origin";
export const TRANSFORMATIONS_ANNOTATION = "alpha.config.kubernetes.io/transformations";

/** A transformation kustomize applied to a resource: which kustomization configured it, and its kind. */
export interface Transformation {
  /** Repository-relative path of the kustomization file. */
  kustomization: string;
  /** The builtin transformer (PatchTransformer, ImageTagTransformer, NamespaceTransformer, …). */
  kind: string;
}

export type Origin =
  | {
      tool: "kustomize";
      /** Repository-relative path of the file the resource was read from; absent for generated ones. */
      file?: string;
      /** The kustomization whose generator made it (configMapGenerator, …), when generated. */
      generatedBy?: string;
      transformations: Transformation[];
    }
  | {
      tool: "helm";
      /** Repository-relative path of the template that produced the document. */
      template?: string;
    };

export interface RenderedDocument {
  /** The object as the cluster receives it. */
  value: JsonObject;
  origin: Origin;
}

export interface RenderOutput {
  documents: RenderedDocument[];
  /** Problems reading the output (a tool never should produce them: they fail the target). */
  errors: string[];
}

/** A path written relative to `dir` (a repository-relative directory), made repository-relative. */
function fromDir(dir: string, path: string): string {
  return posix.normalize(posix.join(dir, path));
}

/** The text of a string annotation read as YAML (kustomize writes them as YAML documents). */
function annotationValue(text: string, limits: ParseLimits): unknown {
  const { documents, errors } = parseYamlStream(text, limits);
  return errors.length === 0 ? documents[0]?.value : undefined;
}

function kustomizeOrigin(
  value: JsonObject,
  targetDir: string,
  limits: ParseLimits,
  keep: { origin: boolean; transformations: boolean },
): Origin {
  const origin: Origin = { tool: "kustomize", transformations: [] };
  const metadata = value.metadata;
  if (!isObject(metadata) || !isObject(metadata.annotations)) return origin;
  const annotations = metadata.annotations;
  const originText = annotations[ORIGIN_ANNOTATION];
  if (typeof originText === "string") {
    const read = annotationValue(originText, limits);
    if (isObject(read)) {
      if (typeof read.path === "string" && !read.repo) origin.file = fromDir(targetDir, read.path);
      if (typeof read.configuredIn === "string") origin.generatedBy = fromDir(targetDir, read.configuredIn);
    }
  }
  const transformations = annotations[TRANSFORMATIONS_ANNOTATION];
  if (typeof transformations === "string") {
    const read = annotationValue(transformations, limits);
    for (const entry of Array.isArray(read) ? read : []) {
      if (!isObject(entry) || typeof entry.configuredIn !== "string") continue;
      const by = isObject(entry.configuredBy) ? entry.configuredBy : {};
      origin.transformations.push({
        kustomization: fromDir(targetDir, entry.configuredIn),
        kind: typeof by.kind === "string" ? by.kind : "",
      });
    }
  }
  // What we asked for goes; what the repository's own buildMetadata asked for stays, as deployed.
  if (!keep.origin) delete annotations[ORIGIN_ANNOTATION];
  if (!keep.transformations) delete annotations[TRANSFORMATIONS_ANNOTATION];
  if (Object.keys(annotations).length === 0) delete metadata.annotations;
  return origin;
}

/**
 * The documents of `kustomize build` output made with origin and transformer annotations.
 * `own` says which of them the repository's kustomization asked for itself (they stay).
 */
export function readKustomizeOutput(
  output: string,
  targetDir: string,
  limits: ParseLimits,
  own: { origin: boolean; transformations: boolean } = { origin: false, transformations: false },
): RenderOutput {
  const { documents, errors } = parseYamlStream(output, limits);
  const rendered: RenderedDocument[] = [];
  for (const document of documents) {
    if (!isObject(document.value)) continue;
    const origin = kustomizeOrigin(document.value, targetDir, limits, own);
    rendered.push({ value: document.value, origin });
  }
  return { documents: rendered, errors: errors.map((e) => `line ${e.line ?? "?"}: ${e.message}`) };
}

/**
 * Helm installs what a template leaves without a namespace into the release's namespace (for the
 * kinds that have one): the object the cluster gets is in that namespace.
 */
function inNamespace(value: JsonObject, namespace: string) {
  const { apiVersion, kind, metadata } = value;
  if (typeof apiVersion !== "string" || typeof kind !== "string" || !isObject(metadata)) return;
  if (isClusterScoped(canonicalGroup(apiGroupOf(apiVersion), kind), kind)) return;
  if (typeof metadata.namespace !== "string" || metadata.namespace === "") metadata.namespace = namespace;
}

const SOURCE_COMMENT = /^# Source: (.+)$/;

/**
 * The documents of `helm template` output. Helm writes `# Source: CHART/templates/FILE` above
 * each document, CHART being the chart's name (charts/SUB/… for subcharts); `chartDir` is where
 * that chart sits in the repository.
 */
export function readHelmOutput(
  output: string,
  chartDir: string,
  namespace: string,
  limits: ParseLimits,
): RenderOutput {
  const { documents, errors } = parseYamlStream(output, limits);
  const lines = output.split("\n");
  const rendered: RenderedDocument[] = [];
  for (const document of documents) {
    if (!isObject(document.value)) continue;
    let template: string | undefined;
    // The comment sits between the document's separator and its first line.
    for (let i = document.line - 2; i >= 0 && !lines[i].startsWith("---"); i--) {
      const source = SOURCE_COMMENT.exec(lines[i].trimEnd());
      if (source) {
        const inChart = source[1].slice(source[1].indexOf("/") + 1);
        template = fromDir(chartDir, inChart);
        break;
      }
    }
    inNamespace(document.value, namespace);
    rendered.push({ value: document.value, origin: { tool: "helm", ...(template ? { template } : {}) } });
  }
  return { documents: rendered, errors: errors.map((e) => `line ${e.line ?? "?"}: ${e.message}`) };
}
