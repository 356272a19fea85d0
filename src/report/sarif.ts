// SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning and other SARIF viewers).
// Excepted findings are reported with an external suppression; expired exceptions are warnings.

import type { Location, Log, Notification, ReportingDescriptor, Result } from "sarif";
import type { PolicyException } from "../engine/exceptions.js";
import { compareFindings } from "../engine/findings.js";
import type { RuleMeta } from "../engine/rule.js";
import type { Finding, ReviewResult, Severity } from "../engine/types.js";
import { expiredExceptionLine, resourceLabel } from "./common.js";
import { escapeTerminal } from "./escape.js";

export interface SarifOptions {
  /** Descriptors of the rules; findings of other rules get a minimal descriptor appended. */
  rules: readonly RuleMeta[];
  docsUrl: (ruleId: string) => string;
  toolVersion: string;
  /** Home page of the tool, shown by viewers; omitted when not given. */
  informationUri?: string;
}

/** The SARIF levels KubeDelta uses (never "none"). */
type SarifLevel = Exclude<Result.level, "none">;

const LEVELS: Record<Severity, SarifLevel> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
  info: "note",
};

// GitHub code scanning labels security alerts by this score (critical ≥ 9, high ≥ 7, medium ≥ 4).
const SECURITY_SEVERITY: Record<Severity, string | undefined> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "3.0",
  info: undefined,
};

export function toSarif(result: ReviewResult, options: SarifOptions): string {
  const rules: ReportingDescriptor[] = options.rules.map((rule) => ruleDescriptor(rule, options));
  const ruleIndex = new Map(options.rules.map((rule, i) => [rule.id, i]));
  // Excepted findings are results too, marked suppressed: SARIF viewers show them as accepted.
  const justification = new Map(result.excepted.map((e) => [e.finding, exceptionJustification(e.exception)]));
  const findings = [...result.findings, ...justification.keys()].sort(compareFindings);
  // Every result gets a valid ruleIndex, even for a rule the caller did not describe.
  for (const f of findings) {
    if (!ruleIndex.has(f.rule)) {
      ruleIndex.set(f.rule, rules.length);
      rules.push({ id: f.rule, name: ruleName(f.rule), helpUri: options.docsUrl(f.rule) });
    }
  }

  const notifications = [
    ...result.expiredExceptions.map((e) => notification("warning", capitalise(expiredExceptionLine(e)))),
    ...result.errors.map((e) => notification("error", e.message, e.file, e.line)),
    ...result.skipped.map((s) => notification("note", `Skipped: ${s.reason}`, s.file)),
  ];

  const log: Log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "KubeDelta",
            ...(options.informationUri ? { informationUri: options.informationUri } : {}),
            version: options.toolVersion,
            rules,
          },
        },
        invocations: [
          {
            // Input errors mean the review is incomplete: it must not look like a clean run.
            executionSuccessful: result.errors.length === 0,
            ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        results: findings.map((f) => sarifResult(f, ruleIndex.get(f.rule) ?? 0, justification.get(f))),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function ruleDescriptor(rule: RuleMeta, options: SarifOptions): ReportingDescriptor {
  const securitySeverity = SECURITY_SEVERITY[rule.defaultSeverity];
  return {
    id: rule.id,
    name: ruleName(rule.id),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description },
    help: { text: `${rule.rationale}\n\nRemediation: ${rule.remediation}` },
    helpUri: options.docsUrl(rule.id),
    defaultConfiguration: { level: LEVELS[rule.defaultSeverity] },
    properties: {
      tags: ["kubernetes", "security"],
      ...(securitySeverity ? { "security-severity": securitySeverity } : {}),
    },
  };
}

function sarifResult(f: Finding, ruleIndex: number, exceptedBecause?: string): Result {
  // A finding on the base side (something removed) points into the old version of the file;
  // the file's current lines would be the wrong place, so only the file is given.
  const onHead = f.side === "head";
  const where = onHead ? "" : ` (in the base version, line ${f.line})`;
  return {
    ruleId: f.rule,
    ruleIndex,
    level: LEVELS[f.severity],
    message: { text: messageText(`${resourceLabel(f.resource)}: ${f.message}${where}`) },
    locations: [location(f.file, onHead ? f.line : undefined)],
    partialFingerprints: { "kubedelta/v1": f.fingerprint },
    properties: { severity: f.severity, side: f.side },
    ...(exceptedBecause !== undefined
      ? { suppressions: [{ kind: "external", status: "accepted", justification: exceptedBecause }] }
      : {}),
  };
}

/** Why a finding is suppressed: the exception's reason, expiry and where it is declared. */
function exceptionJustification(exception: PolicyException): string {
  const where = `${exception.source}, exceptions[${exception.index}]`;
  return escapeTerminal(`${exception.reason} (exception until ${exception.expires}, ${where})`);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function notification(level: SarifLevel, message: string, file?: string, line?: number): Notification {
  const locations = file !== undefined ? { locations: [location(file, line)] } : {};
  return { level, message: { text: messageText(message) }, ...locations };
}

function location(file: string, line?: number): Location {
  return {
    physicalLocation: {
      artifactLocation: { uri: fileUri(file), uriBaseId: "%SRCROOT%" },
      ...(line !== undefined && line >= 1 ? { region: { startLine: line } } : {}),
    },
  };
}

/**
 * Plain-text SARIF message from untrusted text: one line without control characters, and with
 * `[`, `]` and `\` backslash-escaped, because SARIF viewers turn `[text](target)` into links
 * (SARIF 2.1.0 §3.11.6, embedded links).
 */
function messageText(text: string): string {
  return escapeTerminal(text).replace(/[\\[\]]/g, (c) => `\\${c}`);
}

/** A relative URI reference for a repository path: each segment percent-encoded. */
export function fileUri(path: string): string {
  return path
    .replace(/\\/g, "/")
    .replace(/^(?:\.?\/)+/, "")
    .split("/")
    .map(encodeURIComponent)
    .join("/");
}

/** `service-load-balancer` → `ServiceLoadBalancer`: SARIF's conventional rule name. */
function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
}
