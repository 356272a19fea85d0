// Where the pod lives in each workload kind: its template, spec, labels and service account.
// Manifests are untrusted text: every reader here takes a wrong shape for an absent value and
// never throws.

import { valueAt } from "../engine/json.js";
import { isObject, type JsonObject, type Path, type Resource } from "../engine/types.js";
import { scalarText } from "./objects.js";

/** Where each kind keeps its pod template (metadata + spec), and the API group it must come from. */
const TEMPLATES: Record<string, { group: string; template: Path }> = {
  Pod: { group: "", template: [] },
  PodTemplate: { group: "", template: ["template"] },
  ReplicationController: { group: "", template: ["spec", "template"] },
  Deployment: { group: "apps", template: ["spec", "template"] },
  StatefulSet: { group: "apps", template: ["spec", "template"] },
  DaemonSet: { group: "apps", template: ["spec", "template"] },
  ReplicaSet: { group: "apps", template: ["spec", "template"] },
  Job: { group: "batch", template: ["spec", "template"] },
  CronJob: { group: "batch", template: ["spec", "jobTemplate", "spec", "template"] },
};

/** Kinds that carry a pod spec (PodTemplate included: it runs nothing itself). */
export const POD_KINDS: readonly string[] = Object.keys(TEMPLATES);

/** Path of the pod template (the object holding `metadata` and `spec`), when the kind has one. */
export function templatePathOf(resource: Resource | undefined): Path | undefined {
  if (!resource) return undefined;
  const entry = Object.hasOwn(TEMPLATES, resource.identity.kind)
    ? TEMPLATES[resource.identity.kind]
    : undefined;
  // A custom resource that happens to be called Job or Deployment is not a workload.
  return entry && entry.group === resource.identity.group ? entry.template : undefined;
}

export interface PodSpecRef {
  spec: JsonObject;
  path: Path;
}

export function podSpecOf(resource: Resource | undefined): PodSpecRef | undefined {
  const template = templatePathOf(resource);
  if (!resource || !template) return undefined;
  const path = [...template, "spec"];
  const spec = valueAt(resource.object, path);
  return isObject(spec) ? { spec, path } : undefined;
}

export interface ServiceAccountRef {
  name: string;
  /** The field that sets it; undefined when nothing does and "default" applies. */
  path?: Path;
}

/**
 * The service account a workload's pods run as: serviceAccountName, else the deprecated
 * serviceAccount, else "default". Undefined for a resource without a pod spec.
 */
export function serviceAccountOf(resource: Resource | undefined): ServiceAccountRef | undefined {
  const pod = podSpecOf(resource);
  if (!pod) return undefined;
  for (const field of ["serviceAccountName", "serviceAccount"]) {
    const value = pod.spec[field];
    if (typeof value === "string" && value !== "") return { name: value, path: [...pod.path, field] };
  }
  return { name: "default" };
}

export interface PodLabels {
  labels: Record<string, string>;
  /** Where the labels are (or would be): the template's `metadata.labels`. */
  path: Path;
}

/** The labels the pods get: the template's labels, a Pod's own. Non-scalar values are dropped. */
export function podLabelsOf(resource: Resource | undefined): PodLabels | undefined {
  const template = templatePathOf(resource);
  if (!resource || !template) return undefined;
  const path = [...template, "metadata", "labels"];
  const raw = valueAt(resource.object, path);
  const labels: Record<string, string> = {};
  if (isObject(raw)) {
    for (const [key, value] of Object.entries(raw)) {
      const text = scalarText(value);
      if (text !== undefined) labels[key] = text;
    }
  }
  return { labels, path };
}
