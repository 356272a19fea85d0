// KubeDelta's replies to approval commands. GitHub is the database: approval state is rebuilt on
// every event from these replies alone (the shell keeps only those written by the app's bot
// user), so each accepted command's reply ends in a hidden marker that records it exactly.
//
// The marker's payload is base64url-encoded JSON: whatever the reason says, it cannot end the
// HTML comment early, forge a second marker or break the JSON. Refusals carry no marker. The
// Markdown around the marker is the report's (src/report/approvals.ts).

import { FINGERPRINT, LOGIN } from "../engine/ids.js";
import { type Acknowledgement, COMMIT_SHA, MAX_FINGERPRINTS, MAX_REASON, TIMESTAMP } from "./types.js";

export type { Acknowledgement } from "./types.js";

const VERSION = 1;

// Opening of the marker, also as it could be spelled by hand, to count markers in a body.
const MARKER_OPENING = /<!--\s*kubedelta:approval/gi;
// The marker, last in the body. The payload bound is generous for MAX_FINGERPRINTS fingerprints
// and a MAX_REASON reason, and keeps a huge body from being decoded at all.
const MARKER_AT_END = /<!-- kubedelta:approval ([A-Za-z0-9_-]{1,65536}) -->$/;

/** `<!-- kubedelta:approval <base64url JSON> -->`. Throws for an acknowledgement we could not read back. */
export function acknowledgementMarker(ack: Acknowledgement): string {
  const problem = shapeProblem(ack);
  if (problem) throw new Error(`Not a valid approval acknowledgement: ${problem}`);
  const payload: Record<string, unknown> = {
    v: VERSION,
    kind: ack.kind,
    approver: ack.approver,
    fingerprints: ack.fingerprints,
    ...(ack.reason === undefined ? {} : { reason: ack.reason }),
    commandId: ack.commandId,
    at: ack.at,
    ...(ack.headSha === undefined ? {} : { headSha: ack.headSha }),
  };
  return `<!-- kubedelta:approval ${Buffer.from(JSON.stringify(payload), "utf8").toString("base64url")} -->`;
}

/**
 * The acknowledgement recorded in a reply body, or undefined unless the body ends with exactly one
 * well-formed marker (trailing whitespace aside) and nothing else in it looks like one.
 */
export function readAcknowledgement(body: string): Acknowledgement | undefined {
  if ((body.match(MARKER_OPENING) ?? []).length !== 1) return undefined;
  const match = MARKER_AT_END.exec(body.trimEnd());
  if (!match) return undefined;
  const value = decodePayload(match[1]);
  return value === undefined ? undefined : fromPayload(value);
}

function decodePayload(encoded: string): unknown {
  const bytes = Buffer.from(encoded, "base64url");
  // Node's decoder skips what it does not understand; only the canonical spelling is ours.
  if (bytes.toString("base64url") !== encoded) return undefined;
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

const PAYLOAD_KEYS = new Set([
  "v",
  "kind",
  "approver",
  "fingerprints",
  "reason",
  "commandId",
  "at",
  "headSha",
]);

function fromPayload(value: unknown): Acknowledgement | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (record.v !== VERSION || Object.keys(record).some((key) => !PAYLOAD_KEYS.has(key))) return undefined;
  const ack = {
    kind: record.kind,
    approver: record.approver,
    fingerprints: record.fingerprints,
    ...(record.reason === undefined ? {} : { reason: record.reason }),
    commandId: record.commandId,
    at: record.at,
    ...(record.headSha === undefined ? {} : { headSha: record.headSha }),
  } as Acknowledgement;
  return shapeProblem(ack) === undefined ? { ...ack, fingerprints: [...ack.fingerprints] } : undefined;
}

/**
 * What is wrong with an acknowledgement's shape, if anything. The same check guards writing and
 * reading, so everything written can be read back. Typed loosely: a payload is untrusted JSON.
 */
function shapeProblem(ack: Acknowledgement): string | undefined {
  const { kind, approver, fingerprints, reason, commandId, at, headSha } = ack as unknown as Record<
    string,
    unknown
  >;
  if (kind !== "approve" && kind !== "cancel") return "kind";
  if (typeof approver !== "string" || !LOGIN.test(approver)) return "approver";
  if (!Array.isArray(fingerprints) || fingerprints.length > MAX_FINGERPRINTS) return "fingerprints";
  if (!fingerprints.every((fp) => typeof fp === "string" && FINGERPRINT.test(fp))) return "fingerprints";
  if (new Set(fingerprints).size !== fingerprints.length) return "duplicate fingerprints";
  // An approval of nothing means nothing; a cancel may list what it withdrew, or not.
  if (kind === "approve" && fingerprints.length === 0) return "no fingerprints";
  if (reason !== undefined && (typeof reason !== "string" || reason === "" || reason.length > MAX_REASON))
    return "reason";
  if (typeof commandId !== "number" || !Number.isSafeInteger(commandId) || commandId < 0) return "commandId";
  if (typeof at !== "string" || !TIMESTAMP.test(at) || Number.isNaN(Date.parse(at))) return "at";
  if (headSha !== undefined && (typeof headSha !== "string" || !COMMIT_SHA.test(headSha))) return "headSha";
  return undefined;
}
