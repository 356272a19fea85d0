// The Markdown of approvals: replies to commands and the check-run summary section.

import { describe, expect, it } from "vitest";
import { acknowledgementMarker, readAcknowledgement } from "../../src/approvals/acknowledgements.js";
import { type ApprovalPolicy, approvalState } from "../../src/approvals/state.js";
import { acknowledgementBody, approvalsSummary, refusalBody } from "../../src/report/approvals.js";
import { APPROVE, ack, finding, fp, HOSTILE, manyFingerprints } from "../approvals/fixtures.js";

const ONE: ApprovalPolicy = { quorum: { severity: "critical", approvers: 1 } };
const TWO_FOR_CRITICAL: ApprovalPolicy = { quorum: { severity: "critical", approvers: 2 } };

const HIGH = finding(1);
const CRITICAL = finding(2, { severity: "critical", rule: "rbac-escalation" });

describe("acknowledgementBody", () => {
  const findings = [
    finding(1),
    finding(2, {
      rule: "rbac-escalation",
      resource: { apiVersion: "v1", kind: "Role", namespace: "a", name: "@admins" },
    }),
  ];

  it("lists what was approved, with the login in a code span and the marker last", () => {
    const body = acknowledgementBody(APPROVE, findings);
    expect(body).toBe(
      [
        "✅ Approved by ` alice `: 2 risks — reason: accepted for the migration",
        "",
        "- ` 00000001 ` · ` service-load-balancer ` · Service shop/web",
        "- ` 00000002 ` · ` rbac-escalation ` · Role a/@\u2060admins",
        "",
        `${acknowledgementMarker(APPROVE)}\n`,
      ].join("\n"),
    );
    expect(readAcknowledgement(body)).toEqual(APPROVE);
  });

  it("never mentions anyone", () => {
    const body = acknowledgementBody(APPROVE, findings);
    expect(body).not.toMatch(/(^|[^`\w])@alice/);
  });

  it("escapes a hostile reason, so the body still has exactly one marker, at the end", () => {
    const hostile = { ...APPROVE, reason: HOSTILE };
    const body = acknowledgementBody(hostile, findings);
    expect(body.match(/<!--/g)).toHaveLength(1);
    expect(body).not.toContain("](https://");
    expect(body).not.toMatch(/@octocat/);
    expect(readAcknowledgement(body)).toEqual(hostile);
  });

  it("names a fingerprint it has no finding for by its id alone", () => {
    const body = acknowledgementBody({ ...APPROVE, fingerprints: [fp(7)] }, findings);
    expect(body).toContain("✅ Approved by ` alice `: 1 risk — reason");
    expect(body).toContain("\n- ` 00000007 `\n");
  });

  it("lists at most 50 and counts the rest, while the marker names them all", () => {
    const many = { ...APPROVE, fingerprints: manyFingerprints(60) };
    const body = acknowledgementBody(many, findings);
    expect(body.match(/^- ` /gm)).toHaveLength(50);
    expect(body).toContain("- … and 10 more");
    expect(readAcknowledgement(body)?.fingerprints).toHaveLength(60);
  });

  it("acknowledges a cancel", () => {
    const cancel = ack("cancel", "bob", [], 3, "wrong PR");
    const body = acknowledgementBody(cancel, []);
    expect(body).toBe(
      `↩️ \` bob \` withdrew their approvals. — reason: wrong PR\n\n${acknowledgementMarker(cancel)}\n`,
    );
    expect(readAcknowledgement(body)).toEqual(cancel);
  });

  it("refuses to write an acknowledgement it could not read back", () => {
    expect(() => acknowledgementBody({ ...APPROVE, approver: "x[bot]" }, findings)).toThrow();
  });
});

describe("refusalBody", () => {
  it("says why, shows backticked names as code, and carries no marker", () => {
    expect(refusalBody("`abcd1234` matches no open risk of this pull request")).toBe(
      "⛔ Not applied: ` abcd1234 ` matches no open risk of this pull request\n",
    );
  });

  it("escapes everything else", () => {
    const body = refusalBody(`nope ${HOSTILE}`);
    expect(body).not.toMatch(/<!--|\]\(|@octocat/);
    expect(body.split("\n")).toHaveLength(2);
    expect(readAcknowledgement(body)).toBeUndefined();
  });

  it("keeps a refusal that quotes a marker from reading as an acknowledgement", () => {
    const body = refusalBody(`\`${acknowledgementMarker(APPROVE)}\` is not a finding id or rule id`);
    expect(readAcknowledgement(body)).toBeUndefined();
    expect(body).not.toContain("<!--");
  });
});

describe("approvalsSummary", () => {
  it("is empty without approvals", () => {
    expect(approvalsSummary(approvalState([], [HIGH], ONE), [HIGH])).toBe("");
  });

  it("shows approvals, partial approvals and stale ones", () => {
    const acks = [ack("approve", "alice", [fp(1), fp(2)], 1, "migration"), ack("approve", "bob", [fp(9)], 2)];
    const findings = [HIGH, CRITICAL];
    const summary = approvalsSummary(approvalState(acks, findings, TWO_FOR_CRITICAL), findings);
    expect(summary).toBe(
      [
        "### Approvals",
        "",
        "| approver | when | reason | approved |",
        "| --- | --- | --- | --- |",
        "| ` alice ` | 2024-05-01 12:01 UTC | migration | ` 00000001 ` ` service-load-balancer ` Service shop/web; " +
          "` 00000002 ` ` rbac-escalation ` Service shop/web |",
        "",
        "**Waiting for more approvers:**",
        "",
        "- ` 00000002 ` ` rbac-escalation ` Service shop/web: 1 of 2 approvers (` alice `)",
        "",
        "**Approvals that no longer apply:**",
        "",
        "- ` bob ` approved ` 00000009 ` (2024-05-01 12:02 UTC): the finding is no longer present",
        "",
        "A fixed risk needs nothing more; a changed one is a new risk with a new id and needs a new approval.",
        "",
      ].join("\n"),
    );
  });

  it("gives each approval its own row", () => {
    const acks = [ack("approve", "alice", [fp(1)], 1), ack("approve", "bob", [fp(1)], 2, "me too")];
    const summary = approvalsSummary(approvalState(acks, [HIGH], ONE), [HIGH]);
    expect(summary).toContain("| ` alice ` | 2024-05-01 12:01 UTC | — |");
    expect(summary).toContain("| ` bob ` | 2024-05-01 12:02 UTC | me too |");
  });

  it("escapes reasons and resource names, so nothing breaks the table or mentions anyone", () => {
    const hostile = finding(1, {
      rule: "a|b",
      resource: {
        apiVersion: "v1",
        kind: "Service",
        namespace: "x",
        name: "<!-- kubedelta:fp=0 --> @team | x",
      },
    });
    const reason = "ok | <img src=x> @octocat [l](https://evil) <!-- kubedelta:approval x -->";
    const state = approvalState([ack("approve", "alice", [fp(1)], 1, reason)], [hostile], ONE);
    const summary = approvalsSummary(state, [hostile]);
    const row = summary.split("\n").find((line) => line.startsWith("| ` alice `")) ?? "";
    // Four cells: the row has five unescaped pipes, none from the untrusted text.
    expect(row.replace(/\\\|/g, "").match(/\|/g)).toHaveLength(5);
    expect(summary).not.toMatch(/<!--|<img|\]\(|@octocat|@team/);
  });

  it("shows a timestamp with an offset as given", () => {
    const at = { ...ack("approve", "alice", [fp(1)], 1), at: "2024-05-01T14:01:00+02:00" };
    expect(approvalsSummary(approvalState([at], [HIGH], ONE), [HIGH])).toContain(
      "| 2024-05-01T14:01:00+02:00 |",
    );
  });

  it("caps long lists", () => {
    const findings = Array.from({ length: 15 }, (_, i) => finding(i + 1));
    const acks = [
      ack(
        "approve",
        "alice",
        findings.map((f) => f.fingerprint),
        1,
      ),
    ];
    const summary = approvalsSummary(approvalState(acks, findings, ONE), findings);
    expect(summary).toContain("; … and 5 more |");
  });
});
