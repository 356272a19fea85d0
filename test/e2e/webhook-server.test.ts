// End to end over real HTTP on loopback: GitHub (a fake) delivers signed webhooks to the real app
// behind Probot's node middleware, and the app talks back to that fake GitHub. No nock here: it
// would intercept these loopback connections (TOOLCHAIN.md, gotcha 4).

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "../fake-github/app-server.js";
import { unifiedPatch } from "../fake-github/patch.js";
import {
  CHECK_RUN_ID,
  FakeGitHub,
  type FakeRepo,
  HEAD_SHA,
  type RecordedRequest,
  TOKEN,
} from "../fake-github/server.js";
import { pullRequestPayload, sign } from "../fake-github/webhooks.js";

const SERVICE = (type: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  type: ${type}\n  ports:\n    - port: 80\n`;
const BEFORE = SERVICE("ClusterIP");
const AFTER = SERVICE("LoadBalancer");
/** 1-based line of the risky change in the head version. */
const RISKY_LINE = AFTER.split("\n").indexOf("  type: LoadBalancer") + 1;

function riskyRepo(extra: Partial<FakeRepo> = {}): FakeRepo {
  return {
    files: [
      // A real git-style patch: only the changed line and its context are commentable.
      {
        filename: "k8s/svc.yaml",
        status: "modified",
        base: BEFORE,
        head: AFTER,
        patch: unifiedPatch(BEFORE, AFTER),
      },
    ],
    ...extra,
  };
}

type CheckRunUpdate = {
  status?: string;
  conclusion?: string;
  output: { title: string; summary: string; annotations?: { path: string; start_line: number }[] };
};

const completing = (r: RecordedRequest) =>
  r.route === "updateCheckRun" && (r.body as CheckRunUpdate).status === "completed";

let github: FakeGitHub;
let app: RunningApp;

beforeAll(async () => {
  github = new FakeGitHub();
  await github.start();
  app = await startApp({ githubHost: github.host });
});

afterAll(async () => {
  await app?.stop();
  await github?.stop();
});

afterEach(() => {
  delete process.env.KUBEDELTA_REQUEST_TIMEOUT_MS;
});

describe("signed pull_request.opened over HTTP", () => {
  it("answers 200 after a check run, one review on the risky line, and a failing completion", async () => {
    expect(RISKY_LINE).toBe(7);
    github.serve(riskyRepo());
    const response = await app.send("pull_request", pullRequestPayload("opened"));
    expect(response.status).toBe(200);

    // The webhook is answered once the review is queued; it is done when the queue is idle.
    await app.idle();
    const repoRoutes = github.requests.filter((r) => r.route !== "token" && r.route !== "app");
    // The merge base and the tree listing are asked for at the same time: in either order.
    const routes = repoRoutes.map((r) => r.route);
    expect([...routes.slice(0, 5), ...routes.slice(5, 7).sort(), ...routes.slice(7)]).toEqual([
      "createCheckRun",
      "config",
      "orgConfig",
      "files",
      "pull",
      "compare",
      "tree",
      "graphql",
      "conversation",
      "comments",
      "reviews",
      "createReview",
      "updateCheckRun",
    ]);
    expect(github.count("unknown")).toBe(0);
    // Every repository request is made with the installation token, never the app's JWT.
    expect(new Set(repoRoutes.map((r) => r.authorization))).toEqual(new Set([`token ${TOKEN}`]));

    expect(github.bodies("createCheckRun")).toEqual([
      { name: "KubeDelta", head_sha: HEAD_SHA, status: "in_progress", external_id: "2" },
    ]);

    const [review] = github.bodies<{ commit_id: string; event: string; comments: Record<string, unknown>[] }>(
      "createReview",
    );
    expect(review).toMatchObject({ commit_id: HEAD_SHA, event: "COMMENT" });
    expect(review.comments).toEqual([
      expect.objectContaining({ path: "k8s/svc.yaml", line: RISKY_LINE, side: "RIGHT" }),
    ]);
    expect(review.comments[0].body).toMatch(/service-load-balancer/);

    const [completed] = github.bodies<CheckRunUpdate>("updateCheckRun");
    expect(completed).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(completed.output.title).toMatch(/1 blocking/);
    expect(completed.output.annotations).toEqual([
      expect.objectContaining({ path: "k8s/svc.yaml", start_line: RISKY_LINE }),
    ]);
    expect(github.checkRun(CHECK_RUN_ID)).toMatchObject({ status: "completed", conclusion: "failure" });
  });

  it("does not comment twice on a redelivery: the review it posted is listed back by GitHub", async () => {
    github.serve(riskyRepo());
    expect((await app.send("pull_request", pullRequestPayload("opened"))).status).toBe(200);
    await app.idle();
    expect((await app.send("pull_request", pullRequestPayload("synchronize"))).status).toBe(200);
    await app.idle();
    expect(github.count("createReview")).toBe(1);
    expect(github.count("createCheckRun")).toBe(2);
    expect(github.bodies<CheckRunUpdate>("updateCheckRun").map((b) => b.conclusion)).toEqual([
      "failure",
      "failure",
    ]);
  });
});

describe("signatures", () => {
  it("answers 400 to a delivery signed with another secret, and calls nothing", async () => {
    github.serve(riskyRepo());
    const response = await app.send("pull_request", pullRequestPayload("opened"), "not-the-secret");
    expect(response.status).toBe(400);
    expect(github.requests).toEqual([]);
  });

  it("answers 400 to a delivery whose body was changed after signing, and calls nothing", async () => {
    github.serve(riskyRepo());
    const payload = pullRequestPayload("opened");
    const signature = sign("fake-webhook-secret", JSON.stringify(payload));
    const response = await fetch(app.webhookUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "pull_request",
        "x-github-delivery": "tampered-1",
        "x-hub-signature-256": signature,
      },
      body: JSON.stringify({ ...payload, number: 3 }),
    });
    expect(response.status).toBe(400);
    expect(github.requests).toEqual([]);
  });

  it("answers 400 to a delivery without a signature, and calls nothing", async () => {
    github.serve(riskyRepo());
    const response = await app.send("pull_request", pullRequestPayload("opened"), null);
    expect(response.status).toBe(400);
    expect(github.requests).toEqual([]);
  });
});

describe("GitHub misbehaving over the wire", () => {
  it("a request GitHub never answers fails the check run, naming the timeout", async () => {
    process.env.KUBEDELTA_REQUEST_TIMEOUT_MS = "300";
    github.serve(riskyRepo({ hang: ["files"] }));
    const started = performance.now();
    const response = await app.send("pull_request", pullRequestPayload("opened"));
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(5_000);

    const done = await github.waitFor(completing, 2_000);
    const body = done.body as CheckRunUpdate;
    expect(body.conclusion).toBe("failure");
    // paginate() sends the expanded URL, so the title names the route either way it was written.
    expect(body.output.title).toMatch(/GET \S*\/pulls\/(\{pull_number\}|2)\/files/);
    expect(body.output.title).toMatch(/did not answer within 300 ms/);
    expect(github.count("createReview")).toBe(0);
  });

  it("a 502 from GitHub fails the check run, naming the status", async () => {
    github.serve(riskyRepo({ failures: { compare: { status: 502, body: { message: "Bad Gateway" } } } }));
    expect((await app.send("pull_request", pullRequestPayload("opened"))).status).toBe(200);
    await app.idle();
    const [done] = github.bodies<CheckRunUpdate>("updateCheckRun");
    expect(done.conclusion).toBe("failure");
    expect(done.output.title).toMatch(/GitHub answered 502/);
  });

  it("a review GitHub refuses (422) is posted again with every finding in its body", async () => {
    github.serve(riskyRepo({ reviewStatus: 422 }));
    expect((await app.send("pull_request", pullRequestPayload("opened"))).status).toBe(200);
    await app.idle();
    const reviews = github.bodies<{ comments?: unknown[]; body: string }>("createReview");
    expect(reviews).toHaveLength(2);
    expect(reviews[1].comments).toBeUndefined();
    expect(reviews[1].body).toMatch(/service-load-balancer/);
  });
});
