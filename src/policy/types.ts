import type { Severity } from "../engine/types.js";
import type { ParamValues } from "../rules/types.js";

/** Bounds on what a hostile or broken file can make the engine do. */
export interface Limits {
  /** Bytes per file; a larger file is skipped with an error. */
  maxFileBytes: number;
  /** YAML documents per file. */
  maxDocuments: number;
  /** Nesting depth of mappings and sequences. */
  maxDepth: number;
  /** Alias (`*ref`) uses per document. */
  maxAliases: number;
  /** Values produced per document, counting alias expansion (stops billion-laughs). */
  maxNodes: number;
  /** Changed files per review. */
  maxFiles: number;
  /**
   * Unchanged manifests the GitHub App reads as context for repository-wide rules (NetworkPolicy
   * coverage); over it, those rules see the changed files only and the check says so.
   */
  maxContextFiles: number;
}

export interface RuleSettings {
  enabled: boolean;
  severity: Severity;
  params: ParamValues;
}

/** The effective policy: the default pack with the repository's config applied. Validated. */
export interface Policy {
  /** Findings at or above this severity fail the review. */
  failOn: Severity;
  /** Report pre-existing risk too, not only what the change introduces. */
  fullState: boolean;
  /** minimatch globs, relative to the repository root, that select manifest files. */
  manifests: { include: string[]; exclude: string[] };
  limits: Limits;
  rules: Record<string, RuleSettings>;
}
