// What the engine is told about a review: the settings it reads, declared here so that the engine
// needs nothing from the folders above it. The policy (src/policy/) is one way to fill them in: its
// `Policy` type extends these, adding what only the shells use (approvals, custom rule specs,
// the App's context limit).

import type { PolicyException } from "./exceptions.js";
import type { ParamValues } from "./rule.js";
import type { FailOn, Severity } from "./types.js";
import type { ParseLimits } from "./yaml/types.js";

/** Bounds on what a hostile or broken file can make the engine do. */
export interface ReviewLimits extends ParseLimits {
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
}

/** How one rule runs: whether, at which severity, whether its findings block, with what parameters. */
export interface RuleSettings {
  enabled: boolean;
  severity: Severity;
  /** true: every finding blocks until approved; false: findings never block; absent: by severity. */
  block?: boolean;
  params: ParamValues;
}

/** Which files of a side are manifests. */
export interface ManifestSettings {
  /**
   * minimatch globs, relative to the repository root, that select manifest files; and whether the
   * test fixtures of kuttl and chainsaw among them are left out (test-fixtures.ts).
   */
  include: readonly string[];
  exclude: readonly string[];
  skipTestFixtures: boolean;
}

/** The settings review() reads. */
export interface ReviewSettings {
  /** Findings at or above this severity fail the review; "none" reports only. */
  failOn: FailOn;
  /** Report pre-existing risk too, not only what the change introduces. */
  fullState: boolean;
  manifests: ManifestSettings;
  limits: ReviewLimits;
  /** By rule id; a rule without an entry does not run. */
  rules: Readonly<Record<string, RuleSettings>>;
  /** Accepted risks with an expiry (see exceptions.ts). */
  exceptions: readonly PolicyException[];
}
