// The engine's entry point: base and head file texts and the rules to run in, findings out. Pure
// apart from the optional parse cache the caller hands in; no I/O, no clock, no network. It imports
// no other folder of src/: the rules (src/rules/) and the settings (src/policy/) are given to it.

import { jsonEqual } from "./equal.js";
import { applyExceptions } from "./exceptions.js";
import { compareFindings, dedupe, findingsOf } from "./findings.js";
import {
  changedManifestCount,
  collectResources,
  identicalPaths,
  type ParsedFile,
  parseSide,
  type ReadInput,
  readFile,
} from "./inputs.js";
import { kustomizePatches } from "./kustomize.js";
import { pairResources } from "./pairing.js";
import { ParseCache } from "./parse-cache.js";
import { resourceSet } from "./resource-set.js";
import { customScopesIn } from "./resources.js";
import type { ResourceChange, Rule, RuleContext } from "./rule.js";
import type { ReviewSettings } from "./settings.js";
import { testFixtures } from "./test-fixtures.js";
import type {
  BlockingRules,
  Finding,
  InputError,
  Resource,
  ReviewResult,
  ReviewStats,
  Skipped,
} from "./types.js";

export { type FileSet, type GeneratedFiles, isManifestPath } from "./inputs.js";

export interface ReviewInput extends ReadInput {
  /** Reused across reviews by long-lived callers; a fresh one per review otherwise. */
  cache?: ParseCache;
  /**
   * The rules to run (src/rules/: the built-in set and the policy's custom rules); of them, those
   * the settings enable run.
   */
  rules: readonly Rule[];
  /**
   * Today's date (UTC), `YYYY-MM-DD`, which decides whether the policy's exceptions have expired.
   * The engine has no clock: without it no exception applies (fail closed).
   */
  today?: string;
  /**
   * The sets hold the changed files only, not the whole repository (see RuleContext): the rules
   * that need the whole repository are not run, and the result names them (`notRun`).
   */
  partialContext?: boolean;
}

function emptyStats(input: ReviewInput): ReviewStats {
  return {
    filesBase: input.base.size,
    filesHead: input.head.size,
    filesParsed: 0,
    parseCacheHits: 0,
    bytesParsed: 0,
    resourcesBase: 0,
    resourcesHead: 0,
    added: 0,
    removed: 0,
    changed: 0,
    unchanged: 0,
    moved: 0,
  };
}

/** The files of one side that are not kustomize patches; changed patches get a skip note. */
function withoutPatches(
  files: ParsedFile[],
  skipped: Skipped[],
  report: (path: string) => boolean = () => false,
) {
  const patches = kustomizePatches(files);
  return files.filter((file) => {
    const user = patches.get(file.path);
    if (user === undefined) return true;
    if (report(file.path)) {
      skipped.push({
        file: file.path,
        reason: `kustomize patch (used by ${user}): a partial object; review the built output`,
      });
    }
    return false;
  });
}

function countChange(change: ResourceChange, stats: ReviewStats): boolean {
  const { before, after } = change;
  if (!before) {
    stats.added++;
    return true;
  }
  if (!after) {
    stats.removed++;
    return true;
  }
  if (before.file !== after.file) stats.moved++;
  if (jsonEqual(before.object, after.object)) {
    stats.unchanged++;
    return false;
  }
  stats.changed++;
  return true;
}

export function review(input: ReviewInput): ReviewResult {
  const { policy } = input;
  const enabled = input.rules.filter((rule) => policy.rules[rule.id]?.enabled);
  // A rule that needs the whole repository would assert things it cannot see: skip it, and say so.
  const partial = input.partialContext ?? false;
  const notRun = partial ? enabled.filter((rule) => rule.needsWholeRepository).map((rule) => rule.id) : [];
  const rules = enabled.filter((rule) => !notRun.includes(rule.id));
  // How the result is to be judged, the same on every return.
  const verdict = {
    failOn: policy.failOn,
    blockingRules: blockingRulesOf(policy),
    ...(partial ? { notRun } : {}),
  };
  const cache = input.cache ?? new ParseCache();
  const errors: InputError[] = [];
  const skipped: Skipped[] = [];
  const stats = emptyStats(input);
  const report = { errors, skipped, stats };

  const identical = identicalPaths(input);
  const changedCount = changedManifestCount(input, identical);
  if (changedCount > policy.limits.maxFiles) {
    errors.push({
      file: "",
      message: `${changedCount} changed manifest files, over the limit of ${policy.limits.maxFiles} (limits.maxFiles): not reviewed`,
    });
    return {
      findings: [],
      excepted: [],
      expiredExceptions: [],
      errors,
      skipped,
      stats,
      ...verdict,
    };
  }

  // Test definitions are read first: they say which files are test fixtures, on either side.
  const tests = testFixtures(input, identical, (content) => readFile(content, input, cache, stats));
  const base = parseSide("base", input, cache, report, identical, tests.read.base, tests.fixtureOf.base);
  const reuse = new Map([...tests.read.head, ...[...base.read].filter(([path]) => identical.has(path))]);
  const head = parseSide("head", input, cache, report, identical, reuse, tests.fixtureOf.head);
  const customScopes = customScopesIn([...base.parsed, ...head.parsed].map((f) => f.documents));
  const baseParsed = withoutPatches(base.parsed, []);
  const headParsed = withoutPatches(head.parsed, skipped, (path) => !identical.has(path));
  const baseResources = collectResources(baseParsed, customScopes, [], () => false);
  const headResources = collectResources(headParsed, customScopes, skipped, (path) => !identical.has(path));
  stats.resourcesBase = baseResources.length;
  stats.resourcesHead = headResources.length;

  // Resources of byte-identical files cannot have changed: they are context for the rules, but
  // pairing and judging them would only cost time (a one-file push would cost a whole review).
  const judged = (r: Resource) => policy.fullState || !identical.has(r.file);
  const headJudged = headResources.filter(judged);
  stats.unchanged += headResources.length - headJudged.length;
  const baseSet = resourceSet(baseResources);
  const headSet = resourceSet(headResources);
  // A head object with no partner among the changed files may still exist in an untouched one (a
  // new copy of an existing object): it is judged against that version, not as new.
  const changes = pairResources(baseResources.filter(judged), headJudged).map((change) =>
    change.before || !change.after
      ? change
      : { before: baseSet.byKey(change.after.key)[0], after: change.after },
  );

  let findings: Finding[] = [];
  for (const paired of changes) {
    const changed = countChange(paired, stats);
    if (!changed && !policy.fullState) continue;
    // Full-state reporting judges every head resource as if it were new.
    const change = policy.fullState ? { after: paired.after } : paired;
    if (!change.after && !change.before) continue;
    for (const rule of rules) {
      const context: RuleContext = {
        params: policy.rules[rule.id].params,
        base: baseSet,
        head: headSet,
        fullState: policy.fullState,
        partialContext: partial,
      };
      try {
        findings.push(...findingsOf(rule, change, context, policy, input.generated));
      } catch (error) {
        // A rule that breaks must fail the review, not pass it.
        const resource = (change.after ?? change.before) as Resource;
        errors.push({
          file: resource.file,
          line: resource.line,
          message: `rule ${rule.id} failed on ${resource.identity.kind} ${resource.identity.name}: ${String(error)}`,
        });
      }
    }
  }
  findings = dedupe(findings).sort(compareFindings);
  const outcome = applyExceptions(findings, policy.exceptions, input.today);
  return {
    ...outcome,
    errors,
    skipped,
    stats,
    ...verdict,
  };
}

/** The rules the policy makes block whatever their severity, or never. */
function blockingRulesOf(policy: ReviewSettings): BlockingRules {
  const ids = Object.keys(policy.rules);
  return {
    always: ids.filter((id) => policy.rules[id].block === true),
    never: ids.filter((id) => policy.rules[id].block === false),
  };
}
