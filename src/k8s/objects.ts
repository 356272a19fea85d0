// Any Kubernetes object: scalars read as Kubernetes compares them, its annotations, and how
// messages name it. Manifests are untrusted text: a wrong shape reads as absent and never throws.

import { isObject, type Json, type JsonObject, type Resource } from "../engine/types.js";

/**
 * A scalar as the string Kubernetes would compare: `version: 2` and `version: "2"` are the same
 * label to a reviewer, so numbers and booleans read as their text. Anything else is not a string.
 */
export function scalarText(value: Json | undefined): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** `metadata.annotations`, or no annotations when it is absent or of the wrong shape. */
export function annotationsOf(object: JsonObject): JsonObject {
  const metadata = object.metadata;
  const annotations = isObject(metadata) ? metadata.annotations : undefined;
  return isObject(annotations) ? annotations : {};
}

/** "Deployment shop/web", or "ClusterRole admin" for cluster-scoped kinds. */
export function describeResource(resource: Resource): string {
  const { kind, namespace, name } = resource.identity;
  return namespace ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;
}
