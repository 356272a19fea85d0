import type { PolicyException } from "../engine/exceptions.js";
import type { ParamValues } from "../engine/rule.js";
import type { FailOn, Severity } from "../engine/types.js";
import type { CustomRuleSpec } from "../rules/custom/rule.js";

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
  /** true: every finding blocks until approved; false: findings never block; absent: by severity. */
  block?: boolean;
  params: ParamValues;
}

/** Repository roles, weakest first, as GitHub's collaborator-permission endpoint names them. */
export const PERMISSIONS = ["none", "read", "triage", "write", "maintain", "admin"] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Who may accept a risk with /approve-risk, and how many must. */
export interface ApprovalSettings {
  /** A collaborator with at least this role may approve; "none": the role alone never suffices. */
  minPermission: Permission;
  /** "org/team-slug": active members may approve. */
  teams: string[];
  /** Logins that may approve. */
  users: string[];
  /** Whether the pull request's author may approve its own risks. */
  allowAuthor: boolean;
  /** Findings at or above `severity` need `approvers` distinct approvers (others need one). */
  quorum: { severity: Severity; approvers: number };
  /** Whether any new commit voids the approvals given before it. */
  resetOnPush: boolean;
}

/** The effective policy: the default pack with the repository's config applied. Validated. */
export interface Policy {
  /** Findings at or above this severity fail the review; "none" reports only. */
  failOn: FailOn;
  /** Report pre-existing risk too, not only what the change introduces. */
  fullState: boolean;
  /**
   * minimatch globs, relative to the repository root, that select manifest files; and whether the
   * test fixtures of kuttl and chainsaw among them are left out (engine/test-fixtures.ts).
   */
  manifests: { include: string[]; exclude: string[]; skipTestFixtures: boolean };
  limits: Limits;
  rules: Record<string, RuleSettings>;
  /** Rules declared in the policy itself (`customRules:`); each also has its entry in `rules`. */
  customRules: CustomRuleSpec[];
  approvals: ApprovalSettings;
  /** Accepted risks with an expiry (see engine/exceptions.ts); a layer's list replaces the earlier one. */
  exceptions: PolicyException[];
}
