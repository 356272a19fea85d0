// Shared vocabulary of approvals: the commands people write, the acknowledgements KubeDelta
// answers them with (the only record of approval state: GitHub is the database), and the state
// rebuilt from those acknowledgements. Plain data and pure helpers only.

import { clip } from "../engine/text.js";
import type { Severity } from "../engine/types.js";

/** One `/approve-risk` line of a comment, as written. */
export type ApprovalCommand =
  /** `/approve-risk [id…] [-- reason]`: no ids means every open blocking risk. */
  | { kind: "approve"; ids: string[]; reason?: string }
  /** `/approve-risk cancel [-- reason]`: withdraw every approval of the commenter. */
  | { kind: "cancel"; reason?: string }
  /** A line that is a command but cannot be obeyed; `problem` is what to reply (plain text). */
  | { kind: "invalid"; text: string; problem: string };

/**
 * What KubeDelta's reply to an accepted command records in its hidden marker. Approval state is
 * rebuilt from these alone, so they carry everything the state needs.
 */
export interface Acknowledgement {
  kind: "approve" | "cancel";
  /** GitHub login of whoever wrote the command. */
  approver: string;
  /** approve: the fingerprints approved (at least one). cancel: informational, may be empty. */
  fingerprints: string[];
  reason?: string;
  /** Id of the comment that carried the command; 0 when it came from the check run's button. */
  commandId: number;
  /** When the command was given (ISO 8601): the order in which commands take effect. */
  at: string;
  /** The head commit the command was given on, for policies that void approvals on push. */
  headSha?: string;
}

export interface ApprovalPolicy {
  /** Findings at or above `severity` need `approvers` distinct approvers; the others need one. */
  quorum: { severity: Severity; approvers: number };
}

export interface ApprovalRecord {
  approver: string;
  reason?: string;
  at: string;
}

export interface StaleApproval {
  approver: string;
  fingerprints: string[];
  at: string;
  why: string;
}

export interface ApprovalState {
  /** Current fingerprints whose approvals meet their quorum. */
  approved: Set<string>;
  /** Current fingerprints with some approvers, but fewer than their quorum → those approvers. */
  partial: Map<string, string[]>;
  /** Live approvals of current fingerprints, oldest first (keys: `approved` ∪ `partial`). */
  byFingerprint: Map<string, ApprovalRecord[]>;
  /** How many distinct approvers each current fingerprint needs. */
  needed: Map<string, number>;
  /** Approvals of fingerprints that are no longer among the findings. */
  stale: StaleApproval[];
}

/** What a new approve command would approve, or why it is refused (plain text). */
export type Targets = { fingerprints: string[] } | { refusal: string };

// ---------------------------------------------------------------------------------------------
// Shapes. They decide what can be written into and read back from a marker, so they are strict.

/** A commit id: SHA-1, or SHA-256 in repositories that use it. */
export const COMMIT_SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** An ISO 8601 timestamp with a time zone, as GitHub writes them. */
export const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** Longest reason kept (UTF-16 units): a reason is a sentence, not a document. */
export const MAX_REASON = 500;

/** Most ids in one command, and most fingerprints in one acknowledgement. */
export const MAX_IDS = 100;
export const MAX_FINGERPRINTS = 1000;

/**
 * A user-written token quoted for a plain-text message: in backticks (which our reply bodies
 * render as a code span) unless it contains one, then in double quotes.
 */
export function quoted(token: string, max = 60): string {
  const text = clip(token, max);
  return text.includes("`") ? `"${text}"` : `\`${text}\``;
}
