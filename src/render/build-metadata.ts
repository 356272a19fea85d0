// Kustomize says where each resource came from only when the kustomization asks it to
// (`buildMetadata: [originAnnotations, transformerAnnotations]`). The temporary copy of the target
// gets that request added to its root kustomization; output.ts removes the annotations again,
// except those the repository asked for itself, which the cluster would get.

import { decodeFile, type FileContent } from "../engine/files.js";
import { isObject } from "../engine/types.js";
import { parseYamlStream } from "../engine/yaml/index.js";
import type { ParseLimits } from "../engine/yaml/types.js";

const WANTED = ["originAnnotations", "transformerAnnotations"];

export type WithBuildMetadata =
  | { ok: true; content: string; own: { origin: boolean; transformations: boolean } }
  | { ok: false; message: string };

/**
 * The root kustomization rewritten with our build metadata. It is written back as JSON (which
 * kustomize reads as YAML): the values are the ones read as kustomize reads them, so nothing in
 * them changes meaning on the way.
 */
export function withBuildMetadata(
  path: string,
  content: FileContent,
  limits: ParseLimits & { maxFileBytes: number },
): WithBuildMetadata {
  const decoded = decodeFile(content, limits.maxFileBytes);
  if (decoded.kind === "error") return { ok: false, message: `${path}: ${decoded.message}` };
  const { documents, errors } = parseYamlStream(decoded.text, limits);
  if (decoded.stop) errors.push(decoded.stop);
  if (errors.length > 0)
    return { ok: false, message: `${path}:${errors[0].line ?? "?"}: ${errors[0].message}` };
  const values = documents.filter((d) => d.value !== null);
  const kustomization = values[0]?.value ?? {};
  if (values.length > 1 || !isObject(kustomization))
    return { ok: false, message: `${path}: a kustomization is one mapping` };
  const asked = Array.isArray(kustomization.buildMetadata) ? kustomization.buildMetadata : [];
  const own = {
    origin: asked.includes("originAnnotations"),
    transformations: asked.includes("transformerAnnotations"),
  };
  const buildMetadata = [...asked, ...WANTED.filter((option) => !asked.includes(option))];
  return { ok: true, content: `${JSON.stringify({ ...kustomization, buildMetadata }, null, 1)}\n`, own };
}
