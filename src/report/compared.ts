// Which revisions a `kubedelta review` compared: said in every format, so that a report read later
// (or by someone else) names what it judged. `diff` compares paths, not revisions, and has none.

/** A commit by the name it was asked for and the commit it named then. */
export interface ComparedRevision {
  ref: string;
  sha: string;
}

export interface Compared {
  base: ComparedRevision;
  /** The head revision, or the working tree (uncommitted and untracked files included). */
  head: ComparedRevision | { workingTree: true };
}

const shortSha = (sha: string) => sha.slice(0, 7);

/** `base main (1a2b3c4) → head feature (5d6e7f8)`, or `→ head working tree`; not escaped. */
export function comparedLine(compared: Compared): string {
  const { base, head } = compared;
  const headLabel = "workingTree" in head ? "working tree" : `${head.ref} (${shortSha(head.sha)})`;
  return `base ${base.ref} (${shortSha(base.sha)}) → head ${headLabel}`;
}
