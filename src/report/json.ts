// Machine-readable output for the CLI (`--format json`). The shape is a public contract, so it
// is built field by field: a new property on an engine type does not leak into it unnoticed.

import type { PolicyException } from "../engine/exceptions.js";
import { type Finding, findingBlocks, type ReviewResult, reviewPassed } from "../engine/types.js";
import type { Compared } from "./compared.js";

export interface JsonOptions {
  /** The revisions `kubedelta review` compared: the first key when given. */
  compared?: Compared;
}

export function toJson(result: ReviewResult, options: JsonOptions = {}): string {
  const s = result.stats;
  const output = {
    ...(options.compared ? { compared: comparedJson(options.compared) } : {}),
    // Whether each finding blocks: by the policy's failOn and its rules' `block` settings.
    findings: result.findings.map((f) => ({ ...findingJson(f), blocking: findingBlocks(result, f) })),
    excepted: result.excepted.map(({ finding, exception }) => ({
      ...findingJson(finding),
      exception: exceptionJson(exception),
    })),
    expiredExceptions: result.expiredExceptions.map(({ exception, fingerprints }) => ({
      ...exceptionJson(exception),
      fingerprints: [...fingerprints],
    })),
    // `line: undefined` is dropped by JSON.stringify: unknown lines are omitted, not null.
    errors: result.errors.map((e) => ({ file: e.file, line: e.line, message: e.message })),
    skipped: result.skipped.map((k) => ({ file: k.file, reason: k.reason })),
    stats: {
      filesBase: s.filesBase,
      filesHead: s.filesHead,
      filesParsed: s.filesParsed,
      parseCacheHits: s.parseCacheHits,
      bytesParsed: s.bytesParsed,
      resourcesBase: s.resourcesBase,
      resourcesHead: s.resourcesHead,
      added: s.added,
      removed: s.removed,
      changed: s.changed,
      unchanged: s.unchanged,
      moved: s.moved,
    },
    failOn: result.failOn,
    passed: reviewPassed(result),
  };
  return `${JSON.stringify(output, null, 2)}\n`;
}

// Absent optional fields (`container`, selector globs) are undefined and so left out.
function findingJson(f: Finding) {
  return {
    rule: f.rule,
    severity: f.severity,
    file: f.file,
    line: f.line,
    side: f.side,
    resource: {
      apiVersion: f.resource.apiVersion,
      kind: f.resource.kind,
      namespace: f.resource.namespace,
      name: f.resource.name,
    },
    container: f.container,
    message: f.message,
    fingerprint: f.fingerprint,
    // A rendered resource: the Kustomize or Helm target that rendered it, and the tool.
    rendered: f.rendered ? { target: f.rendered.target, tool: f.rendered.tool } : undefined,
  };
}

function exceptionJson(e: PolicyException) {
  return {
    rule: e.rule,
    kind: e.kind,
    namespace: e.namespace,
    name: e.name,
    container: e.container,
    reason: e.reason,
    expires: e.expires,
    source: e.source,
    index: e.index,
  };
}

function comparedJson({ base, head }: Compared) {
  return {
    base: { ref: base.ref, sha: base.sha },
    head: "workingTree" in head ? { workingTree: true } : { ref: head.ref, sha: head.sha },
  };
}
