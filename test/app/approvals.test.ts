// /approve-risk through the real app: the authorization matrix, each case asserting both the reply
// and the final check conclusion, and approvals rebuilt from the conversation on later events.

import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  approveButtonEvent,
  CHECK_RUN_ID,
  commentEvent,
  type FakeRepo,
  newProbot,
  pullRequestEvent,
  type Recorded,
  reviewCommentEvent,
  reviewEvent,
  serveRepository,
} from "./harness.js";

const SERVICE = (name: string, type: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  type: ${type}\n`;
const ROLE = (verbs: string) =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: ops\n  namespace: shop\nrules:\n  - apiGroups: [""]\n    resources: [pods]\n    verbs: ${verbs}\n`;

/** One blocking (high) risk: a Service that becomes a LoadBalancer. */
const RISKY: FakeRepo["files"] = [
  {
    filename: "svc.yaml",
    status: "modified",
    base: SERVICE("web", "ClusterIP"),
    head: SERVICE("web", "LoadBalancer"),
  },
];

function posted(recorded: Recorded[], suffix: string): Record<string, unknown>[] {
  return recorded
    .filter((r) => r.method === "POST" && r.path.endsWith(suffix))
    .map((r) => r.body as Record<string, unknown>);
}

function conclusion(recorded: Recorded[]): { conclusion?: string; title: string; summary: string } {
  const done = recorded.filter((r) => r.method === "PATCH" && r.path.endsWith(`/check-runs/${CHECK_RUN_ID}`));
  const body = done[0]?.body as { conclusion?: string; output: { title: string; summary: string } };
  return { conclusion: body?.conclusion, title: body?.output.title, summary: body?.output.summary };
}

async function comment(fake: FakeRepo, login: string, body: string, type = "User") {
  const recorded = serveRepository({
    ...fake,
    conversation: [...(fake.conversation ?? []), { user: login, body, type }],
  });
  const id = 101 + (fake.conversation?.length ?? 0);
  await newProbot().receive(commentEvent(login, body, id, type) as never);
  return recorded;
}

/** The acknowledgement KubeDelta wrote for a command: to replay it in later conversations. */
function acknowledgementOf(recorded: Recorded[]): string {
  const replies = posted(recorded, "/issues/2/comments").map((b) => String(b.body));
  const ack = replies.find((body) => body.includes("kubedelta:approval"));
  if (!ack) throw new Error(`no acknowledgement among ${JSON.stringify(replies)}`);
  return ack;
}

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
});

describe("who may approve", () => {
  const roles = {
    ada: "admin",
    max: "maintain",
    wes: "write",
    tia: "triage",
    rob: "read",
    tom: "read",
    Codertocat: "admin",
  };
  // [who, account type, config, approved?, what the refusal says]
  const matrix: [string, string, string, boolean, RegExp?][] = [
    ["ada", "User", "", true],
    ["max", "User", "", true],
    ["wes", "User", "", true],
    ["tia", "User", "", false, /tia may not approve risks here: approving needs at least write permission/],
    ["rob", "User", "", false, /rob may not approve/],
    ["tom", "User", "approvals:\n  teams: [acme/platform]\n", true],
    ["rob", "User", "approvals:\n  teams: [acme/platform]\n", false, /or membership of acme\/platform/],
    ["Codertocat", "User", "", false, /the author of a pull request cannot approve its own risks/],
    ["Codertocat", "User", "approvals:\n  allowAuthor: true\n", true],
    ["renovate[bot]", "Bot", "", false, /bots cannot approve risks/],
    ["outsider", "User", "", false, /outsider may not approve/],
  ];
  for (const [login, type, config, approved, why] of matrix) {
    const label = `${login} (${roles[login as keyof typeof roles] ?? "no role"}${config ? `, ${config.trim().split("\n").pop()?.trim()}` : ""})`;
    it(`${label}: ${approved ? "approves" : "is refused"}`, async () => {
      const recorded = await comment(
        { files: RISKY, roles, teams: { "acme/platform": ["tom"] }, config },
        login,
        "/approve-risk -- needed for the launch",
        type,
      );
      const replies = posted(recorded, "/issues/2/comments").map((b) => String(b.body));
      expect(replies).toHaveLength(1);
      const reactions = posted(recorded, "/reactions").map((b) => b.content);
      if (approved) {
        expect(replies[0]).toMatch(/kubedelta:approval/);
        expect(replies[0]).toMatch(/needed for the launch/);
        expect(reactions).toEqual(["+1"]);
        expect(conclusion(recorded)).toMatchObject({
          conclusion: "success",
          title: "The blocking risk approved",
        });
      } else {
        expect(replies[0]).not.toMatch(/kubedelta:approval/);
        expect(replies[0]).toMatch(why as RegExp);
        expect(reactions).toEqual(["confused"]);
        expect(conclusion(recorded).conclusion).toBe("failure");
      }
    });
  }
});

describe("commands", () => {
  it("ignores a command in a quote or a code block: no reply, no re-evaluation", async () => {
    for (const body of ["> /approve-risk", "```\n/approve-risk\n```", "see `/approve-risk` below"]) {
      const recorded = await comment({ files: RISKY, roles: { ada: "admin" } }, "ada", body);
      expect(recorded).toEqual([]);
      nock.cleanAll();
    }
  });

  it("refuses an id that matches no open risk, and a non-blocking one", async () => {
    const recorded = await comment(
      { files: RISKY, roles: { ada: "admin" } },
      "ada",
      "/approve-risk deadbeef",
    );
    const [reply] = posted(recorded, "/issues/2/comments").map((b) => String(b.body));
    expect(reply).toMatch(/deadbeef/);
    expect(reply).toMatch(/matches no open risk/);
    expect(conclusion(recorded).conclusion).toBe("failure");
  });

  it("approves by rule id only the findings of that rule", async () => {
    const files: FakeRepo["files"] = [
      ...RISKY,
      { filename: "role.yaml", status: "modified", base: ROLE('["get"]'), head: ROLE('["*"]') },
    ];
    const recorded = await comment(
      { files, roles: { ada: "admin" } },
      "ada",
      "/approve-risk service-load-balancer",
    );
    expect(acknowledgementOf(recorded)).toMatch(/service-load-balancer/);
    expect(conclusion(recorded)).toMatchObject({
      conclusion: "failure",
      title: expect.stringMatching(/1 blocking risk \(1 critical\); 1 approved/),
    });
  });

  it("cancel withdraws the commenter's approvals", async () => {
    const fake: FakeRepo = { files: RISKY, roles: { ada: "admin" } };
    const approved = await comment(fake, "ada", "/approve-risk");
    const ack = acknowledgementOf(approved);
    nock.cleanAll();
    const conversation = [
      { user: "ada", body: "/approve-risk" },
      { user: "kubedelta[bot]", body: ack },
    ];
    const cancelled = await comment({ ...fake, conversation }, "ada", "/approve-risk cancel");
    expect(posted(cancelled, "/issues/2/comments").map((b) => String(b.body))[0]).toMatch(/withdrew/);
    // The new acknowledgement (cancel) is in this run; the check fails again.
    expect(conclusion(cancelled).conclusion).toBe("failure");
  });
});

describe("approvals rebuilt from the conversation", () => {
  async function approvedConversation(files: FakeRepo["files"]) {
    const recorded = await comment({ files, roles: { ada: "admin" } }, "ada", "/approve-risk");
    const ack = acknowledgementOf(recorded);
    nock.cleanAll();
    return [
      { user: "ada", body: "/approve-risk" },
      { user: "kubedelta[bot]", body: ack },
    ];
  }

  it("survive a rebase or an unrelated push: the check stays green", async () => {
    const conversation = await approvedConversation(RISKY);
    const recorded = serveRepository({ files: RISKY, conversation });
    await newProbot().receive(pullRequestEvent("synchronize") as never);
    expect(conclusion(recorded)).toMatchObject({ conclusion: "success" });
    expect(conclusion(recorded).summary).toMatch(/ada/);
  });

  it("do not cover a new risk: the check fails and lists only the new one as blocking", async () => {
    const conversation = await approvedConversation(RISKY);
    const files: FakeRepo["files"] = [
      ...RISKY,
      { filename: "svc2.yaml", status: "added", head: SERVICE("api", "LoadBalancer") },
    ];
    const recorded = serveRepository({ files, conversation });
    await newProbot().receive(pullRequestEvent("synchronize") as never);
    expect(conclusion(recorded)).toMatchObject({
      conclusion: "failure",
      title: "1 blocking risk (1 high); 1 approved",
    });
  });

  it("an edited command does not count", async () => {
    const [command, ack] = await approvedConversation(RISKY);
    const recorded = serveRepository({ files: RISKY, conversation: [{ ...command, edited: true }, ack] });
    await newProbot().receive(pullRequestEvent("synchronize") as never);
    expect(conclusion(recorded).conclusion).toBe("failure");
  });

  it("an edited acknowledgement is void", async () => {
    const [command, ack] = await approvedConversation(RISKY);
    const recorded = serveRepository({ files: RISKY, conversation: [command, { ...ack, edited: true }] });
    await newProbot().receive(pullRequestEvent("synchronize") as never);
    expect(conclusion(recorded).conclusion).toBe("failure");
  });

  it("an acknowledgement written by anyone but KubeDelta is ignored", async () => {
    const [command, ack] = await approvedConversation(RISKY);
    const recorded = serveRepository({ files: RISKY, conversation: [command, { ...ack, user: "mallory" }] });
    await newProbot().receive(pullRequestEvent("synchronize") as never);
    expect(conclusion(recorded).conclusion).toBe("failure");
  });

  it("a critical risk can need two distinct approvers", async () => {
    const files: FakeRepo["files"] = [
      { filename: "role.yaml", status: "modified", base: ROLE('["get"]'), head: ROLE('["*"]') },
    ];
    const config = "approvals:\n  quorum: {severity: critical, approvers: 2}\n";
    const roles = { ada: "admin", wes: "write" };
    const first = await comment({ files, roles, config }, "ada", "/approve-risk");
    expect(conclusion(first).conclusion).toBe("failure");
    expect(conclusion(first).summary).toMatch(/1 of 2/);
    const ack = acknowledgementOf(first);
    nock.cleanAll();
    const conversation = [
      { user: "ada", body: "/approve-risk" },
      { user: "kubedelta[bot]", body: ack },
    ];
    // The same person again does not count twice.
    const again = await comment({ files, roles, config, conversation }, "ada", "/approve-risk");
    expect(conclusion(again).conclusion).toBe("failure");
    nock.cleanAll();
    const second = await comment({ files, roles, config, conversation }, "wes", "/approve-risk");
    expect(conclusion(second).conclusion).toBe("success");
  });
});

describe("other ways to approve", () => {
  it("a bare /approve-risk replying in a KubeDelta thread approves that thread's finding", async () => {
    const first = serveRepository({ files: RISKY });
    await newProbot().receive(pullRequestEvent() as never);
    const inline = (posted(first, "/pulls/2/reviews")[0].comments as { body: string }[])[0].body;
    nock.cleanAll();
    const recorded = serveRepository({
      files: RISKY,
      roles: { ada: "admin" },
      reviewComments: { 42: { user: "kubedelta[bot]", body: inline } },
    });
    await newProbot().receive(reviewCommentEvent("ada", "/approve-risk -- ok for staging", 42) as never);
    expect(acknowledgementOf(recorded)).toMatch(/ok for staging/);
    expect(posted(recorded, "/pulls/comments/555/reactions").map((b) => b.content)).toEqual(["+1"]);
    expect(conclusion(recorded).conclusion).toBe("success");
  });

  it("a command in a review body counts", async () => {
    const recorded = serveRepository({ files: RISKY, roles: { ada: "admin" } });
    await newProbot().receive(reviewEvent("ada", "Looks fine.\n\n/approve-risk") as never);
    expect(acknowledgementOf(recorded)).toMatch(/kubedelta:approval/);
    expect(conclusion(recorded).conclusion).toBe("success");
  });

  it("the check run's Approve risks button approves for the person who pressed it, under the same rules", async () => {
    const allowed = serveRepository({ files: RISKY, roles: { ada: "admin" } });
    await newProbot().receive(approveButtonEvent("ada") as never);
    expect(acknowledgementOf(allowed)).toMatch(/kubedelta:approval/);
    expect(conclusion(allowed).conclusion).toBe("success");
    nock.cleanAll();
    const refused = serveRepository({ files: RISKY, roles: { rob: "read" } });
    await newProbot().receive(approveButtonEvent("rob") as never);
    expect(posted(refused, "/issues/2/comments").map((b) => String(b.body))[0]).toMatch(
      /rob may not approve/,
    );
    expect(conclusion(refused).conclusion).toBe("failure");
  });

  it("editing or deleting a command re-judges the check", async () => {
    const recorded = serveRepository({
      files: RISKY,
      conversation: [{ user: "ada", body: "/approve-risk", edited: true }],
    });
    const event = commentEvent("ada", "/approve-risk", 101);
    event.payload.action = "edited";
    event.payload.changes = { body: { from: "/approve-risk" } };
    await newProbot().receive(event as never);
    expect(posted(recorded, "/issues/2/comments")).toEqual([]);
    expect(conclusion(recorded).conclusion).toBe("failure");
  });

  it("with resetOnPush, a new commit voids earlier approvals", async () => {
    const first = await comment({ files: RISKY, roles: { ada: "admin" } }, "ada", "/approve-risk");
    const ack = acknowledgementOf(first);
    nock.cleanAll();
    const conversation = [
      { user: "ada", body: "/approve-risk" },
      { user: "kubedelta[bot]", body: ack },
    ];
    const same = serveRepository({ files: RISKY, conversation, config: "approvals:\n  resetOnPush: true\n" });
    await newProbot().receive(pullRequestEvent("synchronize") as never);
    expect(conclusion(same).conclusion).toBe("success");
    nock.cleanAll();
    const pushed = serveRepository({
      files: RISKY,
      conversation,
      config: "approvals:\n  resetOnPush: true\n",
      headSha: "2".repeat(40),
    });
    const event = pullRequestEvent("synchronize");
    (event.payload.pull_request as { head: { sha: string } }).head.sha = "2".repeat(40);
    await newProbot().receive(event as never);
    expect(conclusion(pushed)).toMatchObject({ conclusion: "failure", title: "1 blocking risk (1 high)" });
  });
});
