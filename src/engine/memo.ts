import type { ResourceSet } from "./rule.js";

// Answers computed once per review. A review's resource sets are fixed while its rules run, so a
// rule asking the same question for every changed resource (which policies are in a namespace,
// which bindings name an account) keys the answer on the set instead of recomputing it: that keeps
// rules linear in the number of resources.
const memos = new WeakMap<ResourceSet, Map<string, unknown>>();

export function memo<T>(set: ResourceSet, key: string, compute: () => T): T {
  let answers = memos.get(set);
  if (!answers) {
    answers = new Map();
    memos.set(set, answers);
  }
  if (answers.has(key)) return answers.get(key) as T;
  const answer = compute();
  answers.set(key, answer);
  return answer;
}
