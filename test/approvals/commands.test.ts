import { describe, expect, it } from "vitest";
import { type ApprovalCommand, parseCommands } from "../../src/approvals/commands.js";

const ALL: ApprovalCommand = { kind: "approve", ids: [] };

function approve(ids: string[], reason?: string): ApprovalCommand {
  return reason === undefined ? { kind: "approve", ids } : { kind: "approve", ids, reason };
}

describe("parseCommands: what is a command", () => {
  const cases: [string, string, ApprovalCommand[]][] = [
    ["bare command", "/approve-risk", [ALL]],
    ["case-insensitive", "/APPROVE-Risk", [ALL]],
    ["leading spaces", "   /approve-risk", [ALL]],
    ["trailing spaces", "/approve-risk   ", [ALL]],
    ["four spaces is indented code", "    /approve-risk", []],
    ["a tab is indented code", "\t/approve-risk", []],
    ["indented after a blank line", "text\n\n    /approve-risk", []],
    ["the word must end", "/approve-risks", []],
    ["punctuation glued to the word", "/approve-risk!", []],
    ["not at the start of the line", "please /approve-risk", []],
    ["in a list item", "- /approve-risk", []],
    ["in inline code", "`/approve-risk`", []],
    ["after prose on an earlier line", "Looks fine to me.\n/approve-risk", [ALL]],
    ["no command at all", "LGTM", []],
    ["empty body", "", []],
  ];
  it.each(cases)("%s", (_name, body, expected) => {
    expect(parseCommands(body)).toEqual(expected);
  });
});

describe("parseCommands: code blocks, quotes and comments", () => {
  const cases: [string, string, ApprovalCommand[]][] = [
    ["backtick fence", "```\n/approve-risk\n```", []],
    ["tilde fence", "~~~\n/approve-risk\n~~~", []],
    ["fence with an info string", "```markdown\n/approve-risk\n```", []],
    ["after a closed fence", "```\ncode\n```\n/approve-risk", [ALL]],
    [
      "longer fence is not closed by a shorter one",
      "````\n```\n/approve-risk\n````\n/approve-risk a1b2",
      [approve(["a1b2"])],
    ],
    ["closed by a longer fence", "```\nx\n`````\n/approve-risk", [ALL]],
    ["tilde fence not closed by backticks", "~~~\n```\n/approve-risk\n~~~", []],
    ["fence with trailing text does not close", "```\n``` not a close\n/approve-risk\n```", []],
    ["unclosed fence hides the rest", "```\n/approve-risk", []],
    ["inline backticks are not a fence", "```x```\n/approve-risk", [ALL]],
    ["fence in a list item", "- ```\n  /approve-risk\n  ```\n/approve-risk cancel", [{ kind: "cancel" }]],
    ["indented fence", "   ```\n/approve-risk\n   ```", []],
    ["quote", "> /approve-risk", []],
    ["nested quote", "> > /approve-risk", []],
    ["indented quote", "  >/approve-risk", []],
    ["lazy quote continuation", "> I think\n/approve-risk", []],
    ["after a quote and a blank line", "> you wrote\n\n/approve-risk", [ALL]],
    ["HTML comment on one line", "<!-- /approve-risk -->", []],
    ["HTML comment over lines", "<!--\n/approve-risk\n-->", []],
    ["line that closes a comment", "<!--\nx\n--> /approve-risk", []],
    ["after a closed comment", "<!--\n/approve-risk\n-->\n/approve-risk", [ALL]],
    ["unclosed comment hides the rest", "<!-- template\n/approve-risk", []],
    [
      "comment after the command is not part of it",
      "/approve-risk a1b2 <!-- c0ffee -->",
      [approve(["a1b2"])],
    ],
    [
      "comment opened after a command hides later lines",
      "/approve-risk a1b2 <!--\n/approve-risk cancel\n-->",
      [approve(["a1b2"])],
    ],
    ["our own marker", "<!-- kubedelta:approval eyJ9 -->", []],
    ["a fence inside a comment", "<!--\n```\n-->\n/approve-risk", [ALL]],
    ["a comment inside a fence", "```\n<!--\n```\n/approve-risk", [ALL]],
  ];
  it.each(cases)("%s", (_name, body, expected) => {
    expect(parseCommands(body)).toEqual(expected);
  });
});

describe("parseCommands: ids, cancel and reasons", () => {
  const cases: [string, string, ApprovalCommand[]][] = [
    ["one short id", "/approve-risk abcd1234", [approve(["abcd1234"])]],
    ["short ids are lower-cased", "/approve-risk ABCD1234", [approve(["abcd1234"])]],
    ["full fingerprint", "/approve-risk 0123456789abcdef", [approve(["0123456789abcdef"])]],
    ["rule id", "/approve-risk service-load-balancer", [approve(["service-load-balancer"])]],
    [
      "spaces and commas",
      "/approve-risk abcd1234, ef567890,rbac-escalation",
      [approve(["abcd1234", "ef567890", "rbac-escalation"])],
    ],
    ["duplicates once", "/approve-risk abcd1234 ABCD1234", [approve(["abcd1234"])]],
    [
      "reason after --",
      "/approve-risk abcd1234 -- accepted for the migration",
      [approve(["abcd1234"], "accepted for the migration")],
    ],
    ["reason without ids", "/approve-risk -- all reviewed", [approve([], "all reviewed")]],
    ["reason glued to --", "/approve-risk abcd1234 --needed", [approve(["abcd1234"], "needed")]],
    ["reason after an em dash", "/approve-risk abcd1234 \u2014 needed", [approve(["abcd1234"], "needed")]],
    ["empty reason", "/approve-risk abcd1234 --   ", [approve(["abcd1234"])]],
    ["reason keeps later dashes", "/approve-risk -- a -- b", [approve([], "a -- b")]],
    ["cancel", "/approve-risk cancel", [{ kind: "cancel" }]],
    ["cancel is case-insensitive", "/approve-risk CANCEL", [{ kind: "cancel" }]],
    ["cancel with a reason", "/approve-risk cancel -- wrong PR", [{ kind: "cancel", reason: "wrong PR" }]],
    [
      "CRLF",
      "hi\r\n/approve-risk abcd1234 -- ok\r\n/approve-risk cancel\r\n",
      [approve(["abcd1234"], "ok"), { kind: "cancel" }],
    ],
    [
      "several commands, in order",
      "/approve-risk a1b2\ntext\n/approve-risk rbac-escalation -- why",
      [approve(["a1b2"]), approve(["rbac-escalation"], "why")],
    ],
  ];
  it.each(cases)("%s", (_name, body, expected) => {
    expect(parseCommands(body)).toEqual(expected);
  });

  it("clips a huge reason", () => {
    const [command] = parseCommands(`/approve-risk -- ${"x".repeat(5000)}`);
    expect(command.kind).toBe("approve");
    expect(command.kind === "approve" && command.reason?.length).toBe(500);
  });
});

describe("parseCommands: invalid commands", () => {
  const cases: [string, string, string][] = [
    ["punctuation", "/approve-risk foo!", "`foo!` is not a finding id or rule id"],
    ["a path", "/approve-risk a/b", "`a/b` is not"],
    ["double hyphen", "/approve-risk abc--def", "`abc--def` is not"],
    ["underscore", "/approve-risk my_rule", "`my_rule` is not"],
    ["markup", "/approve-risk <b>", "`<b>` is not"],
    ["backtick in the token", "/approve-risk a`b", '"a`b" is not'],
    [
      "several bad",
      "/approve-risk a! b? c# d$",
      "`a!`, `b?`, `c#` and 1 more are not finding ids or rule ids",
    ],
    ["cancel with ids", "/approve-risk cancel abcd1234", "`/approve-risk cancel` takes no ids"],
  ];
  it.each(cases)("%s", (_name, body, problem) => {
    const commands = parseCommands(body);
    expect(commands).toHaveLength(1);
    const [command] = commands;
    expect(command.kind).toBe("invalid");
    if (command.kind !== "invalid") return;
    expect(command.problem).toContain(problem);
    expect(command.text).toBe(body.trim());
  });

  it("refuses too many ids", () => {
    const ids = Array.from({ length: 101 }, (_, i) => `rule-${i}`).join(" ");
    expect(parseCommands(`/approve-risk ${ids}`)).toEqual([
      expect.objectContaining({ kind: "invalid", problem: "a command can name at most 100 ids" }),
    ]);
  });

  it("reads at most 10 commands of one comment, then says the rest were not read", () => {
    const commands = parseCommands("/approve-risk a1b2\n".repeat(1000));
    expect(commands).toHaveLength(11);
    expect(commands.slice(0, 10)).toEqual(Array(10).fill({ kind: "approve", ids: ["a1b2"] }));
    expect(commands[10]).toEqual({
      kind: "invalid",
      text: "/approve-risk a1b2",
      problem: "a comment can carry at most 10 commands; the rest were not read",
    });
  });

  it("keeps valid and invalid commands of one comment in order", () => {
    expect(parseCommands("/approve-risk x!\n/approve-risk a1b2").map((c) => c.kind)).toEqual([
      "invalid",
      "approve",
    ]);
  });

  it("clips a huge bad token in the problem", () => {
    const [command] = parseCommands(`/approve-risk ${"!".repeat(10_000)}`);
    expect(command.kind === "invalid" && command.problem.length).toBeLessThan(300);
  });
});
