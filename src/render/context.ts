// The targets a change does not touch, as context for the rules that look across the repository
// (NetworkPolicy coverage, RBAC chains): the NetworkPolicy that covers a changed Deployment, or the
// RoleBinding that grants its ServiceAccount, may come from another overlay. Such a target is
// rendered at the head only (its inputs are the same at both revisions) and given to both sides,
// so it is never judged, only seen. Only the targets that may share a namespace with the change are
// rendered: a kustomization's `namespace:` or a release's namespace tells, without rendering,
// which namespace a target deploys to; a target that does not say is always rendered.

import type { FileContent } from "../engine/files.js";
import { type ReadLimits, readManifest } from "../engine/reading.js";
import { isObject, type Json } from "../engine/types.js";
import type { TargetRevisions } from "./affected.js";
import type { PlannedTarget } from "./change.js";
import { goField } from "./go-fields.js";
import type { RenderedTarget } from "./place.js";
import { definitionFile } from "./plan.js";
import type { ReadFile } from "./repository.js";

/** The namespace of an object, "" for none written. */
function namespaceOf(value: Json): string {
  const metadata = isObject(value) ? value.metadata : undefined;
  return isObject(metadata) && typeof metadata.namespace === "string" ? metadata.namespace : "";
}

/**
 * The namespaces the change deploys to: those of the rendered targets it touches, at both
 * revisions, and those its changed plain manifests name ("default" for an object that names none).
 */
export function namespacesOfChange(
  rendered: readonly RenderedTarget[],
  plain: Iterable<[string, FileContent]>,
  limits: ReadLimits,
): Set<string> {
  const namespaces = new Set<string>();
  for (const target of rendered) {
    for (const side of [target.output.base, target.output.head]) {
      for (const document of side?.documents ?? []) namespaces.add(namespaceOf(document.value) || "default");
    }
  }
  for (const [path, content] of plain) {
    for (const document of readManifest(path, content, limits).documents)
      namespaces.add(namespaceOf(document.value) || "default");
  }
  return namespaces;
}

/** The namespace a target deploys to, when it says so without being rendered. */
function declaredNamespace(
  pair: TargetRevisions,
  definition: string,
  readHead: ReadFile,
  limits: ReadLimits,
) {
  const target = pair.head?.target;
  if (target?.tool === "helm") return target.options.namespace;
  const content = readHead(definition);
  if (content === undefined) return undefined;
  const namespace = goField(readManifest(definition, content, limits).documents[0]?.value, "namespace");
  return typeof namespace === "string" && namespace !== "" ? namespace : undefined;
}

/**
 * The untouched targets to render as context: those present at the head whose declared namespace
 * is one the change deploys to, or that declare none (they may deploy anywhere).
 */
export function contextTargets(
  untouched: readonly TargetRevisions[],
  namespaces: ReadonlySet<string>,
  readHead: ReadFile,
  limits: ReadLimits,
  plan: (pair: TargetRevisions) => PlannedTarget | undefined,
): PlannedTarget[] {
  return untouched.flatMap((pair) => {
    const head = pair.head;
    if (!head) return [];
    const namespace = declaredNamespace(pair, definitionFile(head.target, pair), readHead, limits);
    if (namespace !== undefined && !namespaces.has(namespace)) return [];
    // A target that cannot be planned (its closure has errors) is reported by `plan`.
    return plan({ key: pair.key, head }) ?? [];
  });
}
