// /approve-risk end to end over real HTTP on loopback: signed deliveries to the real app behind
// Probot's node middleware, the fake GitHub answering the permission lookups and storing the
// conversation, so approvals given on one event are rebuilt from GitHub on the next.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "../fake-github/app-server.js";
import { unifiedPatch } from "../fake-github/patch.js";
import {
  APP_SLUG,
  BOT_LOGIN,
  CHECK_RUN_ID,
  type ConversationComment,
  FakeGitHub,
  type FakeRepo,
  HEAD_SHA,
  OWNER,
  PULL_NUMBER,
  REPO,
  type RecordedRequest,
} from "../fake-github/server.js";
import { examplePayload, pullRequestPayload } from "../fake-github/webhooks.js";

const SERVICE = (type: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  type: ${type}\n  ports:\n    - port: 80\n`;

/** One blocking (high) risk: a Service that becomes a LoadBalancer. */
function riskyRepo(extra: Partial<FakeRepo> = {}): FakeRepo {
  const base = SERVICE("ClusterIP");
  const head = SERVICE("LoadBalancer");
  return {
    files: [{ filename: "k8s/svc.yaml", status: "modified", base, head, patch: unifiedPatch(base, head) }],
    roles: { wes: "write", rob: "read", Codertocat: "admin" },
    ...extra,
  };
}

type CheckRunUpdate = {
  status?: string;
  conclusion?: string;
  output: { title: string; summary: string };
  actions?: { identifier: string; label: string; description: string }[];
};

/** issue_comment.created (real example payload) for a comment of PR #2's conversation, as the fake lists it. */
function commentPayload(comment: ConversationComment): Record<string, unknown> {
  const payload = examplePayload("issue_comment", "created");
  payload.repository = pullRequestPayload().repository;
  const issue = payload.issue as Record<string, unknown>;
  issue.number = PULL_NUMBER;
  issue.pull_request = { url: `https://api.github.com/repos/${OWNER}/${REPO}/pulls/${PULL_NUMBER}` };
  payload.comment = { ...(payload.comment as object), ...comment };
  payload.sender = { ...(payload.sender as object), ...comment.user };
  return payload;
}

/** check_run.requested_action (real example payload): `login` pressed "Approve risks" on our run. */
function approveButtonPayload(login: string): Record<string, unknown> {
  const payload = examplePayload("check_run", "requested_action");
  payload.repository = pullRequestPayload().repository;
  const run = payload.check_run as Record<string, unknown>;
  run.id = CHECK_RUN_ID;
  run.name = "KubeDelta";
  run.head_sha = HEAD_SHA;
  run.external_id = String(PULL_NUMBER);
  run.pull_requests = [
    {
      number: PULL_NUMBER,
      head: { ref: "feature", sha: HEAD_SHA, repo: { name: REPO } },
      base: { ref: "main", sha: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e", repo: { name: REPO } },
    },
  ];
  payload.requested_action = { identifier: "approve-risks" };
  payload.sender = { ...(payload.sender as object), login, type: "User" };
  return payload;
}

let github: FakeGitHub;
let app: RunningApp;

/** Delivers one event and returns the requests the app made for it. */
async function deliver(event: string, payload: Record<string, unknown>): Promise<RecordedRequest[]> {
  const from = github.requests.length;
  const response = await app.send(event, payload);
  expect(response.status).toBe(200);
  // The webhook is answered once the job is queued; its review is done when the queue is idle.
  await app.idle();
  return github.requests.slice(from);
}

const bodies = <T = Record<string, unknown>>(requests: RecordedRequest[], route: string) =>
  requests.filter((r) => r.route === route).map((r) => r.body as T);

/** The one completing update of the one check run this event started. */
function completion(requests: RecordedRequest[]): CheckRunUpdate {
  expect(bodies(requests, "createCheckRun")).toEqual([
    { name: "KubeDelta", head_sha: HEAD_SHA, status: "in_progress", external_id: String(PULL_NUMBER) },
  ]);
  const completing = bodies<CheckRunUpdate>(requests, "updateCheckRun").filter(
    (b) => b.status === "completed",
  );
  expect(completing).toHaveLength(1);
  return completing[0];
}

beforeAll(async () => {
  github = new FakeGitHub();
  await github.start();
  app = await startApp({ githubHost: github.host });
});

afterAll(async () => {
  await app?.stop();
  await github?.stop();
});

describe("/approve-risk over HTTP", () => {
  // One pull request's life: the steps share the fake's state, in order.
  let command: ConversationComment;

  it("the fake's app slug gives the login the fake writes the app's comments as", async () => {
    github.serve(riskyRepo());
    const response = await fetch(`${github.url}/api/v3/app`);
    expect(((await response.json()) as { slug: string }).slug).toBe(APP_SLUG);
    expect(BOT_LOGIN).toBe(`${APP_SLUG}[bot]`);
  });

  it("1. pull_request.opened: the risk blocks, and the check offers the Approve risks button", async () => {
    github.serve(riskyRepo());
    const requests = await deliver("pull_request", pullRequestPayload("opened"));
    const done = completion(requests);
    expect(done).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(done.output.title).toMatch(/1 blocking/);
    expect(done.actions).toEqual([expect.objectContaining({ identifier: "approve-risks" })]);
    expect(github.count("createReview")).toBe(1);
    expect(github.count("unknown")).toBe(0);
  });

  it("2. a signed /approve-risk from a writer: acknowledged, +1, and a new run for the head succeeds", async () => {
    command = github.comment("wes", "/approve-risk -- launch");
    const requests = await deliver("issue_comment", commentPayload(command));

    // Asked GitHub who wes is; the default policy needs write.
    expect(requests.filter((r) => r.route === "permission").map((r) => r.path)).toEqual([
      `/api/v3/repos/${OWNER}/${REPO}/collaborators/wes/permission`,
    ]);
    const replies = bodies<{ body: string }>(requests, "createComment").map((b) => b.body);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/kubedelta:approval/);
    expect(replies[0]).toMatch(/launch/);
    const reactions = requests.filter((r) => r.route === "reaction");
    expect(reactions.map((r) => (r.body as { content: string }).content)).toEqual(["+1"]);
    expect(reactions[0].path).toBe(`/api/v3/repos/${OWNER}/${REPO}/issues/comments/${command.id}/reactions`);

    const done = completion(requests);
    expect(done).toMatchObject({ conclusion: "success", output: { title: "The blocking risk approved" } });
    expect(done.actions ?? []).toEqual([]);
    // An approval re-judges the check; it does not comment on the diff again.
    expect(bodies(requests, "createReview")).toEqual([]);
    expect(github.checkRun(CHECK_RUN_ID + 1)).toMatchObject({ status: "completed", conclusion: "success" });
    expect(github.count("unknown")).toBe(0);

    // GitHub keeps the acknowledgement, written by the app's bot user, after the command.
    const conversation = github.conversation();
    expect(conversation.map((c) => [c.id, c.user.login])).toEqual([
      [command.id, "wes"],
      [expect.any(Number), BOT_LOGIN],
    ]);
    expect(conversation[1].body).toBe(replies[0]);
  });

  it("3. pull_request.synchronize on the same head: the approval is rebuilt from the conversation", async () => {
    const requests = await deliver("pull_request", pullRequestPayload("synchronize"));
    expect(requests.some((r) => r.route === "conversation")).toBe(true);
    // No command in this event: nobody is asked about, nothing is replied or reacted to.
    expect(requests.filter((r) => ["permission", "createComment", "reaction"].includes(r.route))).toEqual([]);
    const done = completion(requests);
    expect(done).toMatchObject({ conclusion: "success", output: { title: "The blocking risk approved" } });
    expect(done.output.summary).toMatch(/wes/);
    // The review of step 1 is listed back: not posted twice.
    expect(github.count("createReview")).toBe(1);
  });

  it("4. the Approve risks button pressed by a reader: refused in a reply, no reaction, still failing", async () => {
    github.serve(riskyRepo());
    const requests = await deliver("check_run", approveButtonPayload("rob"));
    expect(requests.filter((r) => r.route === "permission").map((r) => r.path)).toEqual([
      `/api/v3/repos/${OWNER}/${REPO}/collaborators/rob/permission`,
    ]);
    const replies = bodies<{ body: string }>(requests, "createComment").map((b) => b.body);
    expect(replies).toHaveLength(1);
    expect(replies[0]).not.toMatch(/kubedelta:approval/);
    expect(replies[0]).toMatch(/rob may not approve risks here: approving needs at least write permission/);
    // The button has no comment to react to.
    expect(github.count("reaction")).toBe(0);

    const done = completion(requests);
    expect(done.conclusion).toBe("failure");
    expect(done.output.title).toMatch(/1 blocking/);
    expect(done.actions).toEqual([expect.objectContaining({ identifier: "approve-risks" })]);
    expect(github.count("unknown")).toBe(0);
  });
});
