// The rule contract: what a rule declares about itself, what it is given (one resource across the
// change, both sides' resources, its parameters) and what it returns. The engine runs rules through
// it alone; rules (src/rules/) and the Kubernetes model (src/k8s/) build on it.

import type { Resource, RuleHit, Severity } from "./types.js";

/** A rule parameter, declared by the rule so that policies can be validated against it. */
export type ParamSpec =
  | { type: "boolean"; default: boolean; description: string }
  | { type: "number"; default: number; description: string; min?: number }
  | { type: "string"; default: string; description: string; enum?: readonly string[] }
  | { type: "string[]"; default: readonly string[]; description: string };

export type ParamValues = Record<string, boolean | number | string | readonly string[]>;

/** Self-description of a rule: enough to document it, configure it and explain a finding. */
export interface RuleMeta {
  /** Public contract: users name it in config and approvals. */
  id: string;
  title: string;
  defaultSeverity: Severity;
  /** What the rule flags, one sentence. */
  description: string;
  /** Why it matters. */
  rationale: string;
  /** How to fix it. */
  remediation: string;
  params?: Record<string, ParamSpec>;
  /**
   * The rule judges a resource against the rest of the repository (NetworkPolicy coverage): it
   * cannot be run honestly on the changed files alone, so review() does not run it when its input
   * says the context is partial (the app could not read the repository around them), and names it.
   */
  needsWholeRepository?: boolean;
  /** Where the rule is documented, when not in the built-in rule reference (custom rules). */
  docsUrl?: string;
  /** A small before/after pair that fires, for the rule reference. */
  example?: { before?: string; after: string };
}

/** All resources of one side, indexed for rules that look beyond the changed resource. */
export interface ResourceSet {
  readonly all: readonly Resource[];
  byKind(kind: string): readonly Resource[];
  byKey(key: string): readonly Resource[];
  /** Resources of a namespace ("" for cluster-scoped ones). */
  byNamespace(namespace: string): readonly Resource[];
  byKindIn(kind: string, namespace: string): readonly Resource[];
}

export interface RuleContext {
  params: ParamValues;
  base: ResourceSet;
  head: ResourceSet;
  /** Report pre-existing risk too (a policy setting); the engine then passes no `before`. */
  fullState: boolean;
  /**
   * Only the changed files were read (the app over limits.maxContextFiles): the sets miss the
   * repository's other resources, so a rule must not claim that something is absent from it.
   */
  partialContext?: boolean;
}

/** One resource across the change: either side may be absent (added or removed). */
export interface ResourceChange {
  before?: Resource;
  after?: Resource;
}

export interface Rule extends RuleMeta {
  check(change: ResourceChange, ctx: RuleContext): RuleHit[];
}

/** The value type a parameter declaration stands for. */
type ParamValue<S extends ParamSpec> = S extends { type: "boolean" }
  ? boolean
  : S extends { type: "number" }
    ? number
    : S extends { type: "string" }
      ? string
      : readonly string[];

/** The typed parameters of a rule, from its declarations. */
export type ParamsOf<S extends Record<string, ParamSpec>> = { readonly [K in keyof S]: ParamValue<S[K]> };

/** A rule context whose parameters are typed by the rule's own declarations. */
export type TypedRuleContext<P> = Omit<RuleContext, "params"> & { params: P };

/**
 * Declares a rule with typed parameters: its check reads `ctx.params.name` with the declared type,
 * and a parameter the caller left out or gave with the wrong type (a test, a shell building its own
 * context; the policy loader validates the rest) is the declaration's default, never a local guess.
 */
export function defineRule<S extends Record<string, ParamSpec>>(
  rule: RuleMeta & {
    params: S;
    check(change: ResourceChange, ctx: TypedRuleContext<ParamsOf<S>>): RuleHit[];
  },
): Rule {
  const specs = rule.params;
  return {
    ...rule,
    check: (change, ctx) => rule.check(change, { ...ctx, params: typedParams(specs, ctx.params) }),
  };
}

function typedParams<S extends Record<string, ParamSpec>>(specs: S, given: ParamValues): ParamsOf<S> {
  const out: Record<string, ParamValues[string]> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = given[name];
    const fits =
      spec.type === "string[]"
        ? Array.isArray(value) && value.every((item) => typeof item === "string")
        : typeof value === spec.type;
    out[name] = fits ? (value as ParamValues[string]) : spec.default;
  }
  return out as ParamsOf<S>;
}
