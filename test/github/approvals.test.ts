import { describe, expect, it } from "vitest";
import type { ApprovalCommand } from "../../src/approvals/commands.js";
import { commandEvent } from "../../src/github/approvals.js";

const APPROVE: ApprovalCommand[] = [{ kind: "approve", ids: [] }];
const AT = "2026-11-20T10:00:00Z";

describe("commandEvent", () => {
  it("ties a conversation comment's commands to it, and reacts on it", () => {
    expect(
      commandEvent({ kind: "issue-comment", id: 101 }, { login: "ada", type: "User" }, APPROVE, AT),
    ).toEqual({
      commentId: 101,
      reactTo: { kind: "issue", id: 101 },
      approver: { login: "ada", type: "User" },
      commands: APPROVE,
      at: AT,
    });
  });

  it("reacts on a thread reply, which no edit ties to its commands", () => {
    expect(commandEvent({ kind: "review-comment", id: 555 }, { login: "ada" }, APPROVE, AT)).toEqual({
      commentId: 0,
      reactTo: { kind: "review", id: 555 },
      approver: { login: "ada", type: "User" },
      commands: APPROVE,
      at: AT,
    });
  });

  it("has nothing to react on for a review body or the button", () => {
    for (const source of [{ kind: "review" }, { kind: "button" }] as const) {
      const event = commandEvent(source, { login: "bot[bot]", type: "Bot" }, APPROVE, AT);
      expect(event).toEqual({
        commentId: 0,
        approver: { login: "bot[bot]", type: "Bot" },
        commands: APPROVE,
        at: AT,
      });
      expect("reactTo" in event).toBe(false);
    }
  });
});
