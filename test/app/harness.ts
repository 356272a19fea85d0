// Runs the real app (Probot, handlers, engine) against a fake repository served by nock at the
// HTTP level. Every request GitHub would receive is recorded, so tests assert exact traffic.

import { createHash, generateKeyPairSync } from "node:crypto";
import { createRequire } from "node:module";
import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import { receiveWebhooks, runWorkers } from "../../src/app.js";
import { MemoryQueue } from "../../src/queue/memory-queue.js";
import { isRetryable } from "../../src/queue/retryable.js";
import type { QueueSettings } from "../../src/queue/types.js";
import { fullPatch, unifiedPatch } from "../fake-github/patch.js";

const require = createRequire(import.meta.url);
type Example = Record<string, unknown>;
const examples: { name: string; examples: Example[] }[] = require("@octokit/webhooks-examples");

export const API = "https://api.github.com";
export const OWNER = "Codertocat";
export const REPO = "Hello-World";
export const INSTALLATION = 4242;
export const BASE_SHA = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
export const HEAD_SHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
export const MERGE_BASE = "1111111111111111111111111111111111111111";
export const CHECK_RUN_ID = 777;

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

/** A real payload from @octokit/webhooks-examples, with the installation the app needs. */
export function examplePayload(event: string, action: string, index = 0): Example {
  const found = examples.find((e) => e.name === event)?.examples.filter((e) => e.action === action)[index];
  if (!found) throw new Error(`no ${event}.${action} example`);
  return { ...structuredClone(found), installation: { id: INSTALLATION } };
}

/** The messages of failed jobs, one error as Probot reports a failed handler (an AggregateError). */
function jobFailures(errors: unknown[]): AggregateError {
  const messages = errors.map((e) => (e instanceof Error ? e.message : String(e)));
  return new AggregateError(errors, messages.join("; "));
}

/**
 * The app as it runs with one replica: handlers queue review jobs on the in-process queue, whose
 * worker runs them. `receive` resolves once the queue is idle, and rejects with the jobs that failed
 * (as a handler's error would), so a test sees the whole review. No retries unless asked for.
 */
export function newProbot(queue: Partial<QueueSettings> = {}): Probot {
  const probot = new Probot({
    appId: 123,
    privateKey,
    logLevel: "fatal",
    // Throttling and retries off (a function, so Probot's own defaults do not win).
    Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({
      ...options,
      retry: { enabled: false },
      throttle: { ...(options.throttle as object), enabled: false },
    })),
  });
  const jobs = new MemoryQueue({
    concurrency: 4,
    attempts: 1,
    backoffMs: 10,
    retryable: isRetryable,
    ...queue,
  });
  const failed: unknown[] = [];
  jobs.on("failed", (_data, error) => failed.push(error));
  probot.load((app: Probot) => {
    receiveWebhooks(app, jobs);
    runWorkers(app, jobs);
  });
  const receive = probot.receive.bind(probot);
  probot.receive = async (event) => {
    await receive(event);
    await jobs.idle();
    if (failed.length > 0) throw jobFailures(failed.splice(0));
  };
  return probot;
}

export interface Recorded {
  method: string;
  path: string;
  body: unknown;
}

export interface FakeFile {
  filename: string;
  status: "added" | "removed" | "modified" | "renamed";
  previousFilename?: string;
  /** Text, or bytes (GraphQL then serves GitHub's lossy decoding of them as the text). */
  base?: string | Uint8Array;
  head?: string | Uint8Array;
  /** Defaults to a patch that replaces every line (every head line commentable). */
  patch?: string;
  /** GraphQL gives no text for it (too large): it must be read raw through REST. */
  truncated?: boolean;
  /** The raw blob endpoint serves only the first half of its bytes (a download cut short). */
  cutRaw?: boolean;
}

export interface FakeRepo {
  files: FakeFile[];
  /** Unchanged files of the head tree (context for repository-wide rules). */
  unchanged?: Record<string, string>;
  /** Unchanged symbolic links of the head tree: path → the path they point to. */
  links?: Record<string, string>;
  config?: string;
  existingComments?: { user: string; body: string }[];
  /** Reviews on the pull request; `commit_id` is the commit one was posted on. */
  existingReviews?: { user: string; body: string; commit_id?: string }[];
  /** Repository roles by login (absent: not a collaborator, 404). */
  roles?: Record<string, string>;
  /** GitHub lists the tree only in part (too large). */
  treeTruncated?: boolean;
  /** Review comments by id (the roots of threads that replies point at). */
  reviewComments?: Record<number, { user: string; body: string }>;
  /** "org/team" → active members. */
  teams?: Record<string, string[]>;
  /** Comments in the pull request's conversation (commands, acknowledgements), ids from 101. */
  conversation?: { user: string; body: string; edited?: boolean; type?: string }[];
  /** Review threads, each started by the existing comment with that (1-based) id. */
  threads?: { id: string; isResolved: boolean; firstCommentId: number }[];
  /** HTTP status for the first createReview (422 to test the fallback). */
  reviewStatus?: number;
  /** The pull request's head as GitHub reports it now (default HEAD_SHA): a push moves it. */
  headSha?: string;
  /** Check runs in progress on the head commit (left by a worker that died), besides ours being made. */
  runsInProgress?: { id: number; app: string }[];
}

/** Git's blob id, as GitHub serves it: the app checks every content it reads against it. */
function blobSha(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.byteLength}\0`).update(bytes).digest("hex");
}

const textOf = (content?: string | Uint8Array) =>
  content === undefined || typeof content === "string" ? content : new TextDecoder().decode(content);

/**
 * A pull request from the files of `base` to those of `head` (path → text): the changed files with
 * real unified diffs (only the lines near a change are commentable, as on GitHub), and the rest as
 * the unchanged files of the head tree.
 */
export function pullRequestChange(
  base: Record<string, string>,
  head: Record<string, string>,
): Pick<FakeRepo, "files" | "unchanged"> {
  const files: FakeFile[] = [];
  const unchanged: Record<string, string> = {};
  for (const path of [...new Set([...Object.keys(base), ...Object.keys(head)])].sort()) {
    const [before, after] = [base[path], head[path]];
    if (before === after) unchanged[path] = after;
    else {
      const status = before === undefined ? "added" : after === undefined ? "removed" : "modified";
      files.push({ filename: path, status, base: before, head: after, patch: unifiedPatch(before, after) });
    }
  }
  return { files, unchanged };
}

/** Serves the fake repository; returns the list every request is recorded into. */
export function serveRepository(fake: FakeRepo): Recorded[] {
  const recorded: Recorded[] = [];
  const record = (method: string) =>
    function (this: { req: { path: string } }, _uri: string, body: unknown) {
      recorded.push({ method, path: decodeURIComponent(this.req.path), body });
    };
  const repoPath = `/repos/${OWNER}/${REPO}`;
  const blobs = new Map<string, Buffer>();
  const at = new Map<string, { oid: string; text: string }>();
  const addBlob = (sha: string, path: string, content: string | Uint8Array) => {
    const bytes = Buffer.from(content);
    const oid = blobSha(bytes);
    blobs.set(oid, bytes);
    // GraphQL's Blob.text is GitHub's decoding of the bytes: invalid UTF-8 comes back replaced.
    at.set(`${sha}:${path}`, { oid, text: new TextDecoder().decode(bytes) });
    return oid;
  };
  for (const f of fake.files) {
    if (f.base !== undefined) addBlob(MERGE_BASE, f.previousFilename ?? f.filename, f.base);
  }
  const truncated = new Set(fake.files.filter((f) => f.truncated).map((f) => f.filename));
  const cutRaw = new Set(fake.files.filter((f) => f.cutRaw).map((f) => f.filename));
  const headShas = new Map<string, string>();
  for (const f of fake.files)
    if (f.head !== undefined) headShas.set(f.filename, addBlob(HEAD_SHA, f.filename, f.head));
  const cutOids = new Set([...cutRaw].map((path) => headShas.get(path)));
  const entry = (path: string, mode: string, oid: string) => ({
    path,
    mode,
    type: "blob",
    sha: oid,
    size: blobs.get(oid)?.byteLength,
  });
  const tree = Object.entries(fake.unchanged ?? {}).map(([path, text]) =>
    entry(path, "100644", addBlob(HEAD_SHA, path, text)),
  );
  for (const [path, target] of Object.entries(fake.links ?? {}))
    tree.push(entry(path, "120000", addBlob(HEAD_SHA, path, target)));
  for (const [path, oid] of headShas) tree.push(entry(path, "100644", oid));

  const api = nock(API);
  api
    .post(`/app/installations/${INSTALLATION}/access_tokens`)
    .reply(201, { token: "installation-token", permissions: {} })
    .persist();
  api.get("/app").reply(200, { id: 123, slug: "kubedelta" }).persist();
  api
    .get(`${repoPath}/contents/${encodeURIComponent(".github/kubedelta.yml")}`)
    .reply(function (uri, body) {
      record("GET").call(this, uri, body);
      return fake.config === undefined
        ? [404, { message: "Not Found" }]
        : [200, fake.config, { "content-type": "text/plain; charset=utf-8" }]; // raw, as GitHub serves it
    })
    .persist();
  api
    .get(`/repos/${OWNER}/.github/contents/${encodeURIComponent(".github/kubedelta.yml")}`)
    .reply(function (uri, body) {
      record("GET").call(this, uri, body);
      return [404, { message: "Not Found" }];
    })
    .persist();
  api
    .get(new RegExp(`^${repoPath}/pulls/2/files`))
    .reply(function (uri, body) {
      record("GET").call(this, uri, body);
      return [
        200,
        fake.files.map((f) => ({
          filename: f.filename,
          previous_filename: f.previousFilename,
          status: f.status,
          sha: headShas.get(f.filename) ?? "",
          patch: f.patch ?? fullPatch(textOf(f.base), textOf(f.head)),
        })),
      ];
    })
    .persist();
  api
    .get(new RegExp(`^${repoPath}/compare/`))
    .reply(function (uri, body) {
      record("GET").call(this, uri, body);
      return [200, { merge_base_commit: { sha: MERGE_BASE }, files: [] }];
    })
    .persist();
  api
    .get(new RegExp(`^${repoPath}/git/trees/[0-9a-f]{40}`))
    .reply(function (uri, body) {
      record("GET").call(this, uri, body);
      return [200, { sha: HEAD_SHA, truncated: fake.treeTruncated ?? false, tree }];
    })
    .persist();
  api
    .post("/graphql")
    .reply(function (uri, body) {
      record("POST").call(this, uri, body);
      const { query, variables } = body as { query: string; variables: Record<string, string> };
      if (query.startsWith("mutation")) return [200, { data: {} }];
      if (query.includes("reviewThreads")) {
        const nodes = (fake.threads ?? []).map((t) => ({
          id: t.id,
          isResolved: t.isResolved,
          comments: { nodes: [{ databaseId: t.firstCommentId }] },
        }));
        const pageInfo = { hasNextPage: false, endCursor: null };
        return [200, { data: { repository: { pullRequest: { reviewThreads: { nodes, pageInfo } } } } }];
      }
      const repository: Record<string, unknown> = {};
      for (const [name, expression] of Object.entries(variables)) {
        if (!name.startsWith("e")) continue;
        // Any head commit of the test serves the head files (a push moves the head sha).
        const path = expression.slice(expression.indexOf(":") + 1);
        const blob = at.get(expression.startsWith(`${MERGE_BASE}:`) ? expression : `${HEAD_SHA}:${path}`);
        const cut = truncated.has(expression.slice(expression.indexOf(":") + 1));
        repository[`f${name.slice(1)}`] = blob
          ? { oid: blob.oid, isBinary: false, isTruncated: cut, text: cut ? null : blob.text }
          : null;
      }
      return [200, { data: { repository } }];
    })
    .persist();
  api
    .get(new RegExp(`^${repoPath}/git/blobs/`))
    .reply(function (uri, body) {
      record("GET").call(this, uri, body);
      const oid = uri.split("/").pop()?.replace(/\?.*$/, "") ?? "";
      const bytes = blobs.get(oid);
      if (bytes === undefined) return [404, { message: "Not Found" }];
      const served = cutOids.has(oid) ? bytes.subarray(0, bytes.length >> 1) : bytes;
      return [200, served, { "content-type": "application/vnd.github.raw" }];
    })
    .persist();
  api
    .get(`${repoPath}/pulls/2`)
    .reply(function (uri, body) {
      record("GET").call(this, uri, body);
      return [
        200,
        {
          number: 2,
          base: { sha: BASE_SHA },
          head: { sha: fake.headSha ?? HEAD_SHA },
          user: { login: "Codertocat" },
        },
      ];
    })
    .persist();
  api
    .post(`${repoPath}/check-runs`)
    .reply(function (uri, body) {
      record("POST").call(this, uri, body);
      return [201, { id: CHECK_RUN_ID }];
    })
    .persist();
  api
    .patch(`${repoPath}/check-runs/${CHECK_RUN_ID}`)
    .reply(function (uri, body) {
      record("PATCH").call(this, uri, body);
      return [200, { id: CHECK_RUN_ID }];
    })
    .persist();
  // Other runs than the one the review makes: those a stopped worker left in progress.
  api
    .patch(new RegExp(`^${repoPath}/check-runs/\\d+$`))
    .reply(function (uri, body) {
      record("PATCH").call(this, uri, body);
      return [200, { id: Number(uri.split("/").pop()) }];
    })
    .persist();
  api
    .get(new RegExp(`^${repoPath}/commits/[0-9a-f]{40}/check-runs`))
    .reply(function (uri, body) {
      record("GET").call(this, uri, body);
      const check_runs = (fake.runsInProgress ?? []).map((run) => ({
        id: run.id,
        name: "KubeDelta",
        status: "in_progress",
        app: { slug: run.app },
      }));
      return [200, { total_count: check_runs.length, check_runs }];
    })
    .persist();
  api
    .get(new RegExp(`^${repoPath}/pulls/2/comments`))
    .reply(function (uri, body) {
      record("GET").call(this, uri, body);
      const comments = (fake.existingComments ?? []).map((c, i) => ({
        id: i + 1,
        user: { login: c.user },
        body: c.body,
      }));
      return [200, comments];
    })
    .persist();
  api
    .get(new RegExp(`^${repoPath}/pulls/2/reviews`))
    .reply(function (uri, body) {
      record("GET").call(this, uri, body);
      return [
        200,
        (fake.existingReviews ?? []).map((r, i) => ({
          id: i + 1,
          user: { login: r.user },
          body: r.body,
          commit_id: r.commit_id,
        })),
      ];
    })
    .persist();
  const conversation = (fake.conversation ?? []).map((c, i) => ({
    id: 101 + i,
    user: { login: c.user, type: c.type ?? (c.user.endsWith("[bot]") ? "Bot" : "User") },
    body: c.body,
    created_at: "2026-11-20T10:00:00Z",
    updated_at: c.edited ? "2026-11-20T11:00:00Z" : "2026-11-20T10:00:00Z",
  }));
  api
    .get(new RegExp(`^${repoPath}/issues/2/comments`))
    .reply(function (uri, body) {
      record("GET").call(this, uri, body);
      return [200, conversation];
    })
    .persist();
  api
    .post(`${repoPath}/issues/2/comments`)
    .reply(function (uri, body) {
      record("POST").call(this, uri, body);
      return [201, { id: 900 }];
    })
    .persist();
  api
    .post(new RegExp(`^${repoPath}/issues/comments/\\d+/reactions`))
    .reply(function (uri, body) {
      record("POST").call(this, uri, body);
      return [201, { id: 1 }];
    })
    .persist();
  api
    .get(new RegExp(`^${repoPath}/collaborators/[^/]+/permission`))
    .reply(function (uri, body) {
      record("GET").call(this, uri, body);
      const login = decodeURIComponent(uri.split("/")[5]);
      const role = fake.roles?.[login];
      if (!role) return [404, { message: "Not Found" }];
      const legacy = role === "maintain" ? "write" : role === "triage" ? "read" : role;
      return [200, { permission: legacy, role_name: role, user: { login } }];
    })
    .persist();
  api
    .get(/^\/orgs\/[^/]+\/teams\/[^/]+\/memberships\/[^/]+/)
    .reply(function (uri, body) {
      record("GET").call(this, uri, body);
      const [, , org, , team, , login] = uri.split("/");
      const members = fake.teams?.[`${org}/${team}`] ?? [];
      return members.includes(decodeURIComponent(login))
        ? [200, { state: "active", role: "member" }]
        : [404, { message: "Not Found" }];
    })
    .persist();
  api
    .get(new RegExp(`^${repoPath}/pulls/comments/\\d+$`))
    .reply(function (uri, body) {
      record("GET").call(this, uri, body);
      const id = Number(uri.split("/").pop());
      const found = fake.reviewComments?.[id];
      return found
        ? [200, { id, user: { login: found.user }, body: found.body }]
        : [404, { message: "Not Found" }];
    })
    .persist();
  api
    .post(new RegExp(`^${repoPath}/pulls/comments/\\d+/reactions`))
    .reply(function (uri, body) {
      record("POST").call(this, uri, body);
      return [201, { id: 2 }];
    })
    .persist();
  let reviews = 0;
  api
    .post(`${repoPath}/pulls/2/reviews`)
    .reply(function (uri, body) {
      record("POST").call(this, uri, body);
      reviews++;
      if (reviews === 1 && fake.reviewStatus) return [fake.reviewStatus, { message: "Unprocessable Entity" }];
      return [200, { id: reviews }];
    })
    .persist();
  return recorded;
}

/** Requests other than the token and app lookups, as "METHOD path" lines. */
export function traffic(recorded: Recorded[]): string[] {
  return recorded.map((r) => `${r.method} ${r.path.replace(/\?.*$/, "")}`);
}

export function pullRequestEvent(action = "opened"): { id: string; name: "pull_request"; payload: Example } {
  // Every action's payload has the same shape; the opened example carries a full pull request.
  const payload: Example = { ...examplePayload("pull_request", "opened"), action };
  const pull = payload.pull_request as { number: number; base: { sha: string }; head: { sha: string } };
  payload.number = 2;
  pull.number = 2;
  pull.base.sha = BASE_SHA;
  pull.head.sha = HEAD_SHA;
  return { id: "delivery-1", name: "pull_request", payload };
}

/** A real issue_comment.created payload, on pull request #2 of the served repository. */
export function commentEvent(
  login: string,
  body: string,
  id = 101,
  type = "User",
): { id: string; name: "issue_comment"; payload: Example } {
  const payload = examplePayload("issue_comment", "created");
  payload.repository = examplePayload("pull_request", "opened").repository;
  const issue = payload.issue as Record<string, unknown>;
  issue.number = 2;
  issue.pull_request = { url: `${API}/repos/${OWNER}/${REPO}/pulls/2` };
  const comment = payload.comment as Record<string, unknown>;
  comment.id = id;
  comment.body = body;
  comment.user = { login, type };
  comment.created_at = "2026-11-20T10:00:00Z";
  comment.updated_at = "2026-11-20T10:00:00Z";
  return { id: `delivery-comment-${id}`, name: "issue_comment", payload };
}

/** The pull request part of a real payload, pointed at PR #2 of the served repository. */
function onPullRequest(payload: Example): Example {
  payload.repository = examplePayload("pull_request", "opened").repository;
  payload.pull_request = pullRequestEvent().payload.pull_request;
  return payload;
}

/** A real pull_request_review_comment.created payload: a reply to comment `replyTo`. */
export function reviewCommentEvent(
  login: string,
  body: string,
  replyTo?: number,
): { id: string; name: string; payload: Example } {
  const payload = onPullRequest(examplePayload("pull_request_review_comment", "created"));
  const comment = payload.comment as Record<string, unknown>;
  Object.assign(comment, {
    id: 555,
    body,
    user: { login, type: "User" },
    in_reply_to_id: replyTo,
    created_at: "2026-11-20T12:00:00Z",
  });
  return { id: "delivery-review-comment", name: "pull_request_review_comment", payload };
}

/** A real pull_request_review.submitted payload with this body. */
export function reviewEvent(login: string, body: string): { id: string; name: string; payload: Example } {
  const payload = onPullRequest(examplePayload("pull_request_review", "submitted"));
  const review = payload.review as Record<string, unknown>;
  Object.assign(review, {
    id: 666,
    body,
    user: { login, type: "User" },
    submitted_at: "2026-11-20T12:00:00Z",
  });
  return { id: "delivery-review", name: "pull_request_review", payload };
}

/** The "Approve risks" button on the KubeDelta check run, pressed by `login`. */
export function approveButtonEvent(login: string): { id: string; name: string; payload: Example } {
  const payload = examplePayload("check_run", "requested_action");
  payload.repository = examplePayload("pull_request", "opened").repository;
  Object.assign(payload.check_run as Record<string, unknown>, {
    name: "KubeDelta",
    pull_requests: [],
    external_id: "2",
  });
  payload.requested_action = { identifier: "approve-risks" };
  payload.sender = { login, type: "User" };
  return { id: "delivery-button", name: "check_run", payload };
}

/** "Re-run" on the KubeDelta check run of a fork PR: no `pull_requests`, the number in external_id. */
export function rerunEvent(): { id: string; name: string; payload: Example } {
  const payload = examplePayload("check_run", "rerequested");
  payload.repository = examplePayload("pull_request", "opened").repository;
  Object.assign(payload.check_run as Record<string, unknown>, {
    name: "KubeDelta",
    pull_requests: [],
    external_id: "2",
  });
  return { id: "delivery-rerun", name: "check_run", payload };
}
