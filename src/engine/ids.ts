// The shapes of the ids people and reports use: finding fingerprints and the short ids shown for
// them, rule ids and GitHub logins. One definition each, low enough for every layer to share:
// approvals reads and writes them in its markers, policy checks custom rule ids against them,
// reports show them.

/** A full finding fingerprint, as the engine makes it (fingerprint.ts): 16 lowercase hex digits. */
export const FINGERPRINT = /^[0-9a-f]{16}$/;

/** What `/approve-risk` accepts as a finding id: a prefix of a fingerprint. */
export const SHORT_ID = /^[0-9a-f]{4,16}$/;

/** A rule id (the public contract of src/rules): lowercase words joined by single hyphens. */
export const RULE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * A GitHub login. New logins are alphanumeric with single inner hyphens, but some old ones have
 * other hyphen placements, and an approver whose login we refused could never approve. What
 * matters is that no markup character and no bot (`name[bot]`) gets through.
 */
export const LOGIN = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/;

/** What `/approve-risk` and our reports show for a fingerprint: its first 8 hex digits. */
export function shortId(fingerprint: string): string {
  return fingerprint.slice(0, 8);
}

/** GitHub logins are case-insensitive: `Alice` and `alice` are one person. */
export function sameLogin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
