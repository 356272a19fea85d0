import { describe, expect, it } from "vitest";
import {
  type Acknowledgement,
  acknowledgementMarker,
  readAcknowledgement,
} from "../../src/approvals/acknowledgements.js";
import { APPROVE, ack, fp, HOSTILE, manyFingerprints } from "./fixtures.js";

/** A marker around any payload, encoded the way ours are. */
function markerOf(payload: unknown): string {
  return `<!-- kubedelta:approval ${Buffer.from(JSON.stringify(payload)).toString("base64url")} -->`;
}

function payloadOf(a: Acknowledgement): Record<string, unknown> {
  return { v: 1, ...a };
}

describe("acknowledgementMarker / readAcknowledgement", () => {
  const roundTrips: [string, Acknowledgement][] = [
    ["approve with a reason", APPROVE],
    ["approve without a reason", { ...APPROVE, reason: undefined }],
    ["cancel", ack("cancel", "bob", [], 5)],
    ["cancel listing what it withdrew", ack("cancel", "bob", [fp(3)], 5, "wrong PR")],
    ["hostile reason", { ...APPROVE, reason: HOSTILE }],
    ["unicode reason", { ...APPROVE, reason: "ok 👍 — ünïcode\u2028next" }],
    ["button command (id 0)", { ...APPROVE, commandId: 0 }],
    ["with a head commit", { ...APPROVE, headSha: "a".repeat(40) }],
    ["timestamp with offset and millis", { ...APPROVE, at: "2024-05-01T14:00:00.123+02:00" }],
    ["old-style login", { ...APPROVE, approver: "Old--Login-" }],
  ];
  it.each(roundTrips)("round trip: %s", (_name, original) => {
    const marker = acknowledgementMarker(original);
    expect(marker).toMatch(/^<!-- kubedelta:approval [A-Za-z0-9_-]+ -->$/);
    const expected = { ...original };
    if (expected.reason === undefined) delete expected.reason;
    expect(readAcknowledgement(`✅ Approved.\n\n${marker}\n`)).toEqual(expected);
  });

  it("reads a marker followed by trailing whitespace only", () => {
    expect(readAcknowledgement(`text\n${acknowledgementMarker(APPROVE)}  \n\n`)).toEqual(APPROVE);
  });

  const malformed: [string, Acknowledgement][] = [
    ["approve of nothing", { ...APPROVE, fingerprints: [] }],
    ["short fingerprint", { ...APPROVE, fingerprints: ["abcd1234"] }],
    ["upper-case fingerprint", { ...APPROVE, fingerprints: [fp(0xabcdef).toUpperCase()] }],
    ["duplicate fingerprints", { ...APPROVE, fingerprints: [fp(1), fp(1)] }],
    ["bot login", { ...APPROVE, approver: "kubedelta[bot]" }],
    ["login with markup", { ...APPROVE, approver: "<b>x</b>" }],
    ["empty reason", { ...APPROVE, reason: "" }],
    ["huge reason", { ...APPROVE, reason: "x".repeat(501) }],
    ["negative command id", { ...APPROVE, commandId: -1 }],
    ["fractional command id", { ...APPROVE, commandId: 1.5 }],
    ["not a timestamp", { ...APPROVE, at: "yesterday" }],
    ["timestamp without a zone", { ...APPROVE, at: "2024-05-01T12:00:00" }],
    ["bad head commit", { ...APPROVE, headSha: "main" }],
  ];
  it.each(malformed)("refuses to write: %s", (_name, bad) => {
    expect(() => acknowledgementMarker(bad)).toThrow(/Not a valid approval acknowledgement/);
  });

  const tampered: [string, string][] = [
    ["no marker", "✅ Approved by alice"],
    [
      "plain JSON instead of base64url",
      `x <!-- kubedelta:approval ${JSON.stringify(payloadOf(APPROVE))} -->`,
    ],
    ["two markers", `${acknowledgementMarker(APPROVE)}\n${acknowledgementMarker(APPROVE)}`],
    ["a hand-spelled second marker", `<!--kubedelta:approval x-->\n${acknowledgementMarker(APPROVE)}`],
    ["marker not at the end", `${acknowledgementMarker(APPROVE)}\n\nmore text`],
    ["text after it on the same line", `${acknowledgementMarker(APPROVE)} ok`],
    ["marker with different spacing", acknowledgementMarker(APPROVE).replace("<!-- ", "<!--  ")],
    ["non-canonical base64url", acknowledgementMarker(APPROVE).replace(" -->", "A -->")],
    ["base64 with padding", acknowledgementMarker(APPROVE).replace(" -->", "== -->")],
    ["edited payload bytes", acknowledgementMarker(APPROVE).replace(/approval (.)/, "approval A")],
    ["not JSON", `<!-- kubedelta:approval ${Buffer.from("{kind:").toString("base64url")} -->`],
    ["invalid UTF-8", `<!-- kubedelta:approval ${Buffer.from([0x7b, 0xff, 0x7d]).toString("base64url")} -->`],
    ["JSON array", markerOf([payloadOf(APPROVE)])],
    ["JSON null", markerOf(null)],
    ["missing version", markerOf({ ...APPROVE })],
    ["other version", markerOf({ ...payloadOf(APPROVE), v: 2 })],
    ["unknown key", markerOf({ ...payloadOf(APPROVE), admin: true })],
    ["unknown kind", markerOf({ ...payloadOf(APPROVE), kind: "merge" })],
    ["fingerprints not an array", markerOf({ ...payloadOf(APPROVE), fingerprints: fp(1) })],
    ["fingerprint not a string", markerOf({ ...payloadOf(APPROVE), fingerprints: [1] })],
    ["short fingerprint", markerOf({ ...payloadOf(APPROVE), fingerprints: ["abcd"] })],
    ["approve of nothing", markerOf({ ...payloadOf(APPROVE), fingerprints: [] })],
    ["too many fingerprints", markerOf({ ...payloadOf(APPROVE), fingerprints: manyFingerprints(1001) })],
    ["bot approver", markerOf({ ...payloadOf(APPROVE), approver: "x[bot]" })],
    ["approver too long", markerOf({ ...payloadOf(APPROVE), approver: "a".repeat(40) })],
    ["approver not a string", markerOf({ ...payloadOf(APPROVE), approver: ["alice"] })],
    ["reason not a string", markerOf({ ...payloadOf(APPROVE), reason: 1 })],
    ["reason null", markerOf({ ...payloadOf(APPROVE), reason: null })],
    ["huge reason", markerOf({ ...payloadOf(APPROVE), reason: "x".repeat(100_000) })],
    ["command id as a string", markerOf({ ...payloadOf(APPROVE), commandId: "42" })],
    ["huge command id", markerOf({ ...payloadOf(APPROVE), commandId: 2 ** 60 })],
    ["missing command id", markerOf({ ...payloadOf(APPROVE), commandId: undefined })],
    ["impossible date", markerOf({ ...payloadOf(APPROVE), at: "2024-13-45T99:99:99Z" })],
  ];
  it.each(tampered)("reads nothing from: %s", (_name, body) => {
    expect(readAcknowledgement(body)).toBeUndefined();
  });

  it("accepts the most fingerprints it writes", () => {
    const big = { ...APPROVE, fingerprints: manyFingerprints(1000), reason: "é".repeat(500) };
    expect(readAcknowledgement(acknowledgementMarker(big))).toEqual(big);
  });

  it("returns a copy: changing it does not change a later read", () => {
    const body = acknowledgementMarker(APPROVE);
    const first = readAcknowledgement(body);
    first?.fingerprints.push(fp(9));
    expect(readAcknowledgement(body)?.fingerprints).toEqual(APPROVE.fingerprints);
  });
});
