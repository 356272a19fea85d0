import { describe, expect, it } from "vitest";
import {
  type ApprovalPolicy,
  approvalState,
  NO_LONGER_PRESENT,
  targetsOf,
} from "../../src/approvals/state.js";
import type { Acknowledgement } from "../../src/approvals/types.js";
import { shortId } from "../../src/engine/ids.js";
import type { Finding, ReviewResult } from "../../src/engine/types.js";
import { ack, finding, fp } from "./fixtures.js";

const ONE: ApprovalPolicy = { quorum: { severity: "critical", approvers: 1 } };
const TWO_FOR_CRITICAL: ApprovalPolicy = { quorum: { severity: "critical", approvers: 2 } };

const HIGH = finding(1);
const CRITICAL = finding(2, { severity: "critical", rule: "rbac-escalation" });
const LOW = finding(3, { severity: "low", rule: "readiness-probe-missing" });

function _result(findings: Finding[]): ReviewResult {
  return {
    findings,
    excepted: [],
    expiredExceptions: [],
    errors: [],
    skipped: [],
    failOn: "high",
    stats: {
      filesBase: 1,
      filesHead: 1,
      filesParsed: 2,
      parseCacheHits: 0,
      bytesParsed: 100,
      resourcesBase: 1,
      resourcesHead: 1,
      added: 0,
      removed: 0,
      changed: 1,
      unchanged: 0,
      moved: 0,
    },
  };
}

describe("approvalState", () => {
  const current = [HIGH, CRITICAL, LOW];
  const cases: {
    name: string;
    acks: Acknowledgement[];
    policy?: ApprovalPolicy;
    approved: string[];
    partial?: [string, string[]][];
  }[] = [
    { name: "nothing approved", acks: [], approved: [] },
    { name: "one approval", acks: [ack("approve", "alice", [fp(1)], 1)], approved: [fp(1)] },
    {
      name: "approvals accumulate",
      acks: [ack("approve", "alice", [fp(1)], 1), ack("approve", "alice", [fp(2)], 2)],
      approved: [fp(1), fp(2)],
    },
    {
      name: "a cancel withdraws all earlier approvals of its approver",
      acks: [
        ack("approve", "alice", [fp(1)], 1),
        ack("approve", "alice", [fp(2)], 2),
        ack("cancel", "alice", [], 3),
      ],
      approved: [],
    },
    {
      name: "a cancel leaves other approvers alone",
      acks: [
        ack("approve", "alice", [fp(1)], 1),
        ack("approve", "bob", [fp(2)], 2),
        ack("cancel", "alice", [], 3),
      ],
      approved: [fp(2)],
    },
    {
      name: "approving again after a cancel counts",
      acks: [
        ack("approve", "alice", [fp(1)], 1),
        ack("cancel", "alice", [], 2),
        ack("approve", "alice", [fp(2)], 3),
      ],
      approved: [fp(2)],
    },
    {
      name: "a cancel takes effect by command time, whatever order the replies came in",
      acks: [ack("cancel", "alice", [], 5), ack("approve", "alice", [fp(1)], 1)],
      approved: [],
    },
    {
      name: "a critical finding needs two distinct approvers",
      policy: TWO_FOR_CRITICAL,
      acks: [ack("approve", "alice", [fp(1), fp(2)], 1)],
      approved: [fp(1)],
      partial: [[fp(2), ["alice"]]],
    },
    {
      name: "one person counts once, however often and in whatever case",
      policy: TWO_FOR_CRITICAL,
      acks: [ack("approve", "alice", [fp(2)], 1), ack("approve", "Alice", [fp(2)], 2)],
      approved: [],
      partial: [[fp(2), ["Alice"]]],
    },
    {
      name: "two approvers meet the quorum",
      policy: TWO_FOR_CRITICAL,
      acks: [ack("approve", "alice", [fp(2)], 1), ack("approve", "bob", [fp(2)], 2)],
      approved: [fp(2)],
    },
    {
      name: "a cancel can drop a fingerprint below its quorum",
      policy: TWO_FOR_CRITICAL,
      acks: [
        ack("approve", "alice", [fp(2)], 1),
        ack("approve", "bob", [fp(2)], 2),
        ack("cancel", "bob", [], 3),
      ],
      approved: [],
      partial: [[fp(2), ["alice"]]],
    },
    {
      name: "a quorum below one still needs one approver",
      policy: { quorum: { severity: "info", approvers: 0 } },
      acks: [],
      approved: [],
    },
  ];
  it.each(cases)("$name", ({ acks, policy, approved, partial }) => {
    const state = approvalState(acks, current, policy ?? ONE);
    expect([...state.approved].sort()).toEqual([...approved].sort());
    expect([...state.partial]).toEqual(partial ?? []);
    expect(state.stale).toEqual([]);
  });

  it("records who approved what, when and why, refreshed by approving again", () => {
    const state = approvalState(
      [
        ack("approve", "alice", [fp(1)], 1, "first"),
        ack("approve", "bob", [fp(1)], 2),
        ack("approve", "alice", [fp(1)], 3, "again"),
      ],
      current,
      ONE,
    );
    expect(state.byFingerprint.get(fp(1))).toEqual([
      { approver: "bob", at: "2024-05-01T12:02:00Z" },
      { approver: "alice", reason: "again", at: "2024-05-01T12:03:00Z" },
    ]);
  });

  it("says how many approvers each current fingerprint needs", () => {
    const state = approvalState([], current, TWO_FOR_CRITICAL);
    expect(state.needed).toEqual(
      new Map([
        [fp(1), 1],
        [fp(2), 2],
        [fp(3), 1],
      ]),
    );
  });

  it("takes the most severe of findings that share a fingerprint", () => {
    const twin = { ...HIGH, severity: "critical" as const, file: "other.yaml" };
    const state = approvalState([ack("approve", "alice", [fp(1)], 1)], [HIGH, twin], TWO_FOR_CRITICAL);
    expect(state.approved.size).toBe(0);
    expect(state.partial.get(fp(1))).toEqual(["alice"]);
  });

  it("reports approvals of a fixed finding as stale", () => {
    const acks = [ack("approve", "alice", [fp(1), fp(9)], 1, "ok"), ack("approve", "bob", [fp(8)], 2)];
    const state = approvalState(acks, [HIGH], ONE);
    expect([...state.approved]).toEqual([fp(1)]);
    expect(state.byFingerprint.has(fp(9))).toBe(false);
    expect(state.stale).toEqual([
      { approver: "alice", fingerprints: [fp(9)], at: "2024-05-01T12:01:00Z", why: NO_LONGER_PRESENT },
      { approver: "bob", fingerprints: [fp(8)], at: "2024-05-01T12:02:00Z", why: NO_LONGER_PRESENT },
    ]);
  });

  it("needs a new approval when a finding changes (new fingerprint)", () => {
    const before = approvalState([ack("approve", "alice", [fp(1)], 1)], [HIGH], ONE);
    expect(before.approved.has(fp(1))).toBe(true);
    const changed = { ...HIGH, fingerprint: fp(0x51) };
    const after = approvalState([ack("approve", "alice", [fp(1)], 1)], [changed], ONE);
    expect(after.approved.size).toBe(0);
    expect(after.stale.map((s) => s.fingerprints)).toEqual([[fp(1)]]);
    expect(after.approved.has(changed.fingerprint)).toBe(false);
  });

  it("does not report withdrawn approvals as stale", () => {
    const state = approvalState(
      [ack("approve", "alice", [fp(9)], 1), ack("cancel", "alice", [], 2)],
      [HIGH],
      ONE,
    );
    expect(state.stale).toEqual([]);
  });
});

describe("what stays blocking (the check run keeps findings not in `approved`)", () => {
  it("approves exactly the named fingerprints", () => {
    const state = approvalState([ack("approve", "alice", [fp(1)], 1)], [HIGH, CRITICAL, LOW], ONE);
    expect([...state.approved]).toEqual([fp(1)]);
  });

  it("leaves a partially approved finding unapproved", () => {
    const state = approvalState([ack("approve", "alice", [fp(2)], 1)], [CRITICAL], TWO_FOR_CRITICAL);
    expect(state.approved.has(fp(2))).toBe(false);
    expect(state.partial.get(fp(2))).toEqual(["alice"]);
  });
});

describe("targetsOf", () => {
  const SIBLING = finding(0x100000, { fingerprint: `${fp(1).slice(0, 8)}ffffffff` }); // same short id as HIGH
  const ROLE = finding(4, { rule: "rbac-escalation" });
  const all = [HIGH, CRITICAL, LOW, ROLE];
  const blocking = [HIGH, CRITICAL, ROLE];
  const none = approvalState([], all, ONE);
  const aliceApprovedHigh = approvalState([ack("approve", "alice", [fp(1)], 1)], all, ONE);

  const cases: {
    name: string;
    ids: string[];
    blocking?: Finding[];
    state?: ReturnType<typeof approvalState>;
    approver?: string;
    expected: { fingerprints: string[] } | { refusal: string };
  }[] = [
    { name: "no ids: every blocking finding", ids: [], expected: { fingerprints: [fp(1), fp(2), fp(4)] } },
    {
      name: "no ids: not what the approver already approved",
      ids: [],
      state: aliceApprovedHigh,
      expected: { fingerprints: [fp(2), fp(4)] },
    },
    {
      name: "no ids: what others approved is still open to this approver",
      ids: [],
      state: aliceApprovedHigh,
      approver: "bob",
      expected: { fingerprints: [fp(1), fp(2), fp(4)] },
    },
    {
      name: "no ids: nothing blocks",
      ids: [],
      blocking: [],
      expected: { refusal: "there is no open risk to approve" },
    },
    {
      name: "no ids: all approved already",
      ids: [],
      blocking: [HIGH],
      state: aliceApprovedHigh,
      expected: { refusal: "you have already approved every open risk" },
    },
    { name: "a short id", ids: [shortId(fp(2))], expected: { fingerprints: [fp(2)] } },
    { name: "a shorter prefix", ids: ["0000"], blocking: [CRITICAL], expected: { fingerprints: [fp(2)] } },
    { name: "a full fingerprint", ids: [fp(4)], expected: { fingerprints: [fp(4)] } },
    {
      name: "a rule id: every blocking finding of it",
      ids: ["rbac-escalation"],
      expected: { fingerprints: [fp(2), fp(4)] },
    },
    {
      name: "ids in the order given, each once",
      ids: [shortId(fp(4)), "rbac-escalation", shortId(fp(1))],
      expected: { fingerprints: [fp(4), fp(2), fp(1)] },
    },
    {
      name: "an ambiguous short id",
      ids: [shortId(fp(1))],
      blocking: [HIGH, SIBLING],
      expected: { refusal: "`00000001` is ambiguous: it matches 2 open risks; use more of its digits" },
    },
    {
      name: "a longer prefix resolves the ambiguity",
      ids: [fp(1).slice(0, 9)],
      blocking: [HIGH, SIBLING],
      expected: { fingerprints: [fp(1)] },
    },
    {
      name: "an id that matches nothing",
      ids: ["abcd1234"],
      expected: { refusal: "`abcd1234` matches no open risk of this pull request" },
    },
    {
      name: "a rule with no finding",
      ids: ["service-node-port"],
      expected: { refusal: "`service-node-port` matches no open risk of this pull request" },
    },
    {
      name: "a finding that does not block",
      ids: [shortId(fp(3))],
      expected: { refusal: "`00000003` does not block merging: only blocking risks need an approval" },
    },
    {
      name: "a rule whose findings do not block",
      ids: ["readiness-probe-missing"],
      expected: {
        refusal: "`readiness-probe-missing` does not block merging: only blocking risks need an approval",
      },
    },
    {
      name: "one bad id refuses the whole command",
      ids: [shortId(fp(1)), "abcd1234", "nope"],
      expected: {
        refusal:
          "`abcd1234` matches no open risk of this pull request; `nope` matches no open risk of this pull request",
      },
    },
    {
      name: "an id already approved by this approver",
      ids: [shortId(fp(1))],
      state: aliceApprovedHigh,
      expected: { refusal: "you have already approved `00000001`" },
    },
    {
      name: "the login compares case-insensitively",
      ids: [shortId(fp(1))],
      state: aliceApprovedHigh,
      approver: "ALICE",
      expected: { refusal: "you have already approved `00000001`" },
    },
    {
      name: "only the ones not yet approved",
      ids: [shortId(fp(1)), shortId(fp(2))],
      state: aliceApprovedHigh,
      expected: { fingerprints: [fp(2)] },
    },
  ];
  it.each(cases)("$name", ({ ids, blocking: open, state, approver, expected }) => {
    expect(
      targetsOf({ kind: "approve", ids }, open ?? blocking, state ?? none, approver ?? "alice", all),
    ).toEqual(expected);
  });

  it("without all findings, says a non-blocking id matches nothing", () => {
    expect(targetsOf({ kind: "approve", ids: [shortId(fp(3))] }, blocking, none, "alice")).toEqual({
      refusal: "`00000003` matches no open risk of this pull request",
    });
  });
});
