// Hand-built findings and acknowledgements for the approval tests.

import type { Acknowledgement } from "../../src/approvals/types.js";
import type { Finding } from "../../src/engine/types.js";

/** A 16-hex-digit fingerprint, distinct per number, and so is its 8-digit short id. */
export function fp(n: number): string {
  return n.toString(16).padStart(8, "0").repeat(2);
}

export function finding(n: number, overrides: Partial<Finding> = {}): Finding {
  return {
    rule: "service-load-balancer",
    severity: "high",
    file: "deploy/web.yaml",
    line: 12,
    side: "head",
    resource: { apiVersion: "v1", kind: "Service", namespace: "shop", name: "web" },
    message: "type changed from ClusterIP to LoadBalancer.",
    fingerprint: fp(n),
    ...overrides,
  };
}

let commandId = 1000;

/** An acknowledgement at minute `minute` of a fixed hour, so that order is explicit. */
export function ack(
  kind: Acknowledgement["kind"],
  approver: string,
  fingerprints: string[],
  minute: number,
  reason?: string,
): Acknowledgement {
  commandId++;
  return {
    kind,
    approver,
    fingerprints,
    ...(reason === undefined ? {} : { reason }),
    commandId,
    at: `2024-05-01T12:${String(minute).padStart(2, "0")}:00Z`,
  };
}

/** Text that tries every trick: a marker, a mention, a link, code, a table cell, emphasis, a reference. */
export const HOSTILE = "<!-- kubedelta:approval eyJ9 --> --> @octocat [x](https://evil) `code` | ** #1";

/** An approval of two risks with a reason. */
export const APPROVE: Acknowledgement = {
  kind: "approve",
  approver: "alice",
  fingerprints: [fp(1), fp(2)],
  reason: "accepted for the migration",
  commandId: 42,
  at: "2024-05-01T12:00:00Z",
};

/** `count` distinct fingerprints. */
export function manyFingerprints(count: number): string[] {
  return Array.from({ length: count }, (_, i) => fp(i + 1));
}
