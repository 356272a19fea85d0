// Pairs base and head resources by identity across all files, so a move between files, a
// reformat or a reorder is a change of nothing rather than a removal plus an addition.

import type { ResourceChange } from "./rule.js";
import type { Resource } from "./types.js";

function groupByKey(resources: readonly Resource[]): Map<string, Resource[]> {
  const groups = new Map<string, Resource[]>();
  for (const resource of resources) {
    const group = groups.get(resource.key);
    if (group) group.push(resource);
    else groups.set(resource.key, [resource]);
  }
  return groups;
}

/**
 * The same identity can legitimately appear several times on one side (kustomize overlays for
 * different clusters, versioned copies of an install manifest). Those pair by file first, then in
 * order of appearance. A copy beyond the base's count is not new: the object already exists, so
 * the copy is judged against the base version (the first one) and only what it widens is reported.
 */
function pairGroup(before: Resource[], after: Resource[]): ResourceChange[] {
  if (before.length === 1 && after.length === 1) return [{ before: before[0], after: after[0] }];
  const changes: ResourceChange[] = [];
  const unpairedBefore: Resource[] = [];
  const remainingAfter = [...after];
  for (const b of before) {
    const index = remainingAfter.findIndex((a) => a.file === b.file);
    if (index >= 0) changes.push({ before: b, after: remainingAfter.splice(index, 1)[0] });
    else unpairedBefore.push(b);
  }
  remainingAfter.forEach((a, i) => {
    changes.push({ before: unpairedBefore[i] ?? before[0], after: a });
  });
  for (const b of unpairedBefore.slice(remainingAfter.length)) changes.push({ before: b });
  return changes;
}

export function pairResources(base: readonly Resource[], head: readonly Resource[]): ResourceChange[] {
  const baseGroups = groupByKey(base);
  const headGroups = groupByKey(head);
  const changes: ResourceChange[] = [];
  for (const [key, after] of headGroups) changes.push(...pairGroup(baseGroups.get(key) ?? [], after));
  for (const [key, before] of baseGroups) {
    if (!headGroups.has(key)) for (const b of before) changes.push({ before: b });
  }
  return changes;
}
