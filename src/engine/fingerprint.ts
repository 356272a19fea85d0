import { createHash } from "node:crypto";

/**
 * A finding's identity: rule, resource and the rule's own key for the risk (field and value).
 * No line, file or formatting enters it, so a rebase, a reformat or a move keeps it.
 */
export function fingerprint(ruleId: string, resourceKey: string, riskKey: string): string {
  return createHash("sha256")
    .update(`${ruleId}\u0000${resourceKey}\u0000${riskKey}`)
    .digest("hex")
    .slice(0, 16);
}
