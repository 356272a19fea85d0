import type { PolicyException } from "../engine/exceptions.js";
import type { ReviewLimits, ReviewSettings, RuleSettings } from "../engine/settings.js";
import type { FailOn, Severity } from "../engine/types.js";
import type { CustomRuleSpec } from "../rules/custom/rule.js";

/** The engine's limits, and how many unchanged manifests the App reads around a change. */
export interface Limits extends ReviewLimits {
  /**
   * Unchanged manifests the GitHub App reads as context for repository-wide rules (NetworkPolicy
   * coverage); over it, those rules see the changed files only and the check says so.
   */
  maxContextFiles: number;
}

export type { RuleSettings };

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

/**
 * The effective policy: the default pack with the repository's config applied. Validated. It is
 * the engine's ReviewSettings (src/engine/settings.ts), and what only the shells read besides.
 */
export interface Policy extends ReviewSettings {
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
