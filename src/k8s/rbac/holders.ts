// Who really holds what is bound to a subject, and what they held before the change. A user or a
// group holds its own permissions. A service account that pods run as is held by those pods: they
// are who gains when a binding hands the account more, and what they held before is what their
// account granted in the base, which is another account's when the change moves a workload onto
// this one. So a workload moved from a broad account to a new, narrower one gains nothing, however
// new the narrower account's bindings are.

import type { ResourceSet, RuleContext } from "../../engine/rule.js";
import type { Resource } from "../../engine/types.js";
import { workloadAccount } from "./accounts.js";
import { type Holding, holdingsOf, priorSet, type Subject, subjectKey, workloadsOf } from "./bindings.js";

export interface Holder {
  /** The workload whose pods hold the subject's permissions; undefined: the subject itself. */
  workload?: Resource;
  /**
   * What the holder held in the base. A workload the change adds joins its account: it is judged by
   * what the account held, as the account's binding is (what its pods get is service-account-changed's).
   */
  prior: Holding[];
  /** The accounts the workload's pods ran as in the base, where that was another account. */
  formerAccounts: Subject[];
}

/** The accounts a workload's base versions ran as (one, unless copies of it disagree). */
function baseAccounts(workload: Resource, prior: ResourceSet): Subject[] {
  const accounts = new Map<string, Subject>();
  for (const was of prior.byKey(workload.key)) {
    const account = workloadAccount(prior, was);
    if (account) accounts.set(subjectKey(account), account);
  }
  return [...accounts.values()];
}

/**
 * The holders of a subject in the head: the workloads whose pods run as it (a service account that
 * pods use), or else the subject itself, each with what it held in the base.
 */
export function holdersOf(subject: Subject, ctx: RuleContext): Holder[] {
  const prior = priorSet(ctx);
  const workloads = workloadsOf(ctx.head, subject);
  if (workloads.length === 0) return [{ prior: holdingsOf(prior, subject), formerAccounts: [] }];
  return workloads.map((workload) => {
    const found = baseAccounts(workload, prior);
    const accounts = found.length > 0 ? found : [subject];
    return {
      workload,
      prior: accounts.flatMap((account) => holdingsOf(prior, account)),
      formerAccounts: accounts.filter((account) => subjectKey(account) !== subjectKey(subject)),
    };
  });
}

/** The workloads among holders, for naming only those in a message; undefined for the subject itself. */
export function holderWorkloads(holders: readonly Holder[]): Resource[] | undefined {
  const workloads = holders.flatMap((holder) => (holder.workload ? [holder.workload] : []));
  return workloads.length > 0 ? workloads : undefined;
}
