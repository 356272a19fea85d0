// A small fake of GitHub's REST and GraphQL APIs over real HTTP on 127.0.0.1, serving ONE repository
// whose pull request #2 changes the given files. It answers exactly the requests KubeDelta makes
// (as Probot sends them to a GitHub Enterprise host: REST under /api/v3, GraphQL at /api/graphql),
// records every request, and enforces the GitHub rules the app must respect (comments only on diff
// lines, 50 annotations per request, field sizes), so end-to-end tests and the app bench see the
// app's real traffic without nock.

import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { commentable, fullPatch } from "./patch.js";

export const OWNER = "Codertocat";
export const REPO = "Hello-World";
export const PULL_NUMBER = 2;
export const INSTALLATION = 4242;
export const APP_ID = 123;
export const APP_SLUG = "kubedelta";
export const BOT_LOGIN = `${APP_SLUG}[bot]`;
export const TOKEN = "ghs_fakeInstallationToken0000000000000000";
export const BASE_SHA = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
export const HEAD_SHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
export const MERGE_BASE = "1111111111111111111111111111111111111111";
export const CHECK_RUN_ID = 777;
export const CONFIG_PATH = ".github/kubedelta.yml";

/** Ids of the served conversation's comments, and of comments written while serving. */
const FIRST_SERVED_COMMENT_ID = 3000;
const FIRST_POSTED_COMMENT_ID = 6000;
const REACTIONS = new Set(["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"]);

/** GitHub's pull-request file list stops here, however many files changed. */
const MAX_LISTED_FILES = 3000;
const ANNOTATIONS_PER_REQUEST = 50;
const OUTPUT_FIELD_MAX = 65_535;
const TITLE_MAX = 255;

export type Route =
  | "token"
  | "app"
  | "config"
  | "orgConfig"
  | "pull"
  | "files"
  | "compare"
  | "tree"
  | "graphql"
  | "blob"
  | "createCheckRun"
  | "updateCheckRun"
  | "suiteCheckRuns"
  | "refCheckRuns"
  | "comments"
  | "reviews"
  | "createReview"
  | "conversation"
  | "createComment"
  | "reaction"
  | "permission"
  | "membership"
  | "unknown";

export interface FakeFile {
  filename: string;
  status: "added" | "removed" | "modified" | "renamed";
  previousFilename?: string;
  base?: string;
  head?: string;
  /** Defaults to a patch that replaces every line; "" serves the file without a patch (too large). */
  patch?: string;
  /** GraphQL gives no text for it (too large): it must be read raw through REST. */
  truncated?: boolean;
}

/** An answer forced on a route instead of the normal one. */
export interface Failure {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many requests fail before the route answers normally again; all of them if absent. */
  times?: number;
}

export interface FakeRepo {
  files: FakeFile[];
  /** Unchanged files of the head tree (context for repository-wide rules). */
  unchanged?: Record<string, string>;
  /** .github/kubedelta.yml of the repository's default branch; absent: 404. */
  config?: string;
  /** .github/kubedelta.yml of the owner's `.github` repository; absent: 404. */
  orgConfig?: string;
  existingComments?: { user: string; body: string }[];
  existingReviews?: { user: string; body: string }[];
  /** The pull request's conversation (commands, acknowledgements), ids from 3000. */
  conversation?: ConversationEntry[];
  /** Repository roles by login ("admin", "maintain", "write", "triage", "read"); absent: 404. */
  roles?: Record<string, string>;
  /** "org/team-slug" → its active members; anyone else: 404. */
  teams?: Record<string, string[]>;
  /** HTTP status for the first createReview (422 to test the fallback), as in harness.ts. */
  reviewStatus?: number;
  failures?: Partial<Record<Route, Failure>>;
  /** Routes that accept the request and never answer. */
  hang?: Route[];
  /** Routes whose first N requests are accepted and never answered; later ones are answered. */
  hangFirst?: Partial<Record<Route, number>>;
  /** Routes that answer only after this many milliseconds (to let concurrent workers overlap). */
  slow?: Partial<Record<Route, number>>;
}

export interface ConversationEntry {
  user: string;
  body: string;
  /** GitHub's account type; "Bot" for a login ending in [bot], "User" otherwise. */
  type?: string;
  /** Edited after it was written: its updated_at differs from its created_at. */
  edited?: boolean;
}

/** A comment in the pull request's conversation, as GitHub lists it. */
export interface ConversationComment {
  id: number;
  user: { login: string; type: string };
  body: string;
  created_at: string;
  updated_at: string;
}

export interface RecordedRequest {
  route: Route;
  method: string;
  /** Decoded path as received, e.g. /api/v3/repos/Codertocat/Hello-World/pulls/2/files. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  authorization?: string;
  accept?: string;
  /** performance.now() when the request was complete. */
  at: number;
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Thread {
  id: number;
  user: { login: string; type: string };
  body: string;
  path?: string;
  line?: number;
  side?: string;
  /** Reviews: the commit they were posted on. */
  commit_id?: string;
}

interface Waiter {
  predicate: (request: RecordedRequest) => boolean;
  resolve: (request: RecordedRequest) => void;
}

/** Git's blob id: sha1 of "blob <length>\0<content>", so equal contents share an id, as on GitHub. */
export function gitBlobSha(content: string): string {
  const bytes = Buffer.from(content);
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/** The repository's contents, indexed the way the routes read them. */
class RepoIndex {
  readonly blobs = new Map<string, string>();
  /** "<commit>:<path>" → blob id. */
  readonly paths = new Map<string, string>();
  readonly tree: { path: string; mode: string; type: string; sha: string; size: number }[] = [];
  readonly truncated = new Set<string>();

  constructor(readonly repo: FakeRepo) {
    for (const file of repo.files) {
      if (file.base !== undefined) this.add(MERGE_BASE, file.previousFilename ?? file.filename, file.base);
      if (file.head !== undefined) this.addToHead(file.filename, file.head);
      if (file.truncated) this.truncated.add(file.filename);
    }
    for (const [path, text] of Object.entries(repo.unchanged ?? {})) {
      this.add(MERGE_BASE, path, text);
      this.addToHead(path, text);
    }
  }

  private add(commit: string, path: string, text: string): string {
    const oid = gitBlobSha(text);
    this.blobs.set(oid, text);
    this.paths.set(`${commit}:${path}`, oid);
    return oid;
  }

  private addToHead(path: string, text: string): void {
    const sha = this.add(HEAD_SHA, path, text);
    this.tree.push({ path, mode: "100644", type: "blob", sha, size: Buffer.byteLength(text) });
  }

  headSha(path: string): string {
    return this.paths.get(`${HEAD_SHA}:${path}`) ?? "";
  }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return { status, body, headers };
}

const NOT_FOUND = json(404, {
  message: "Not Found",
  documentation_url: "https://docs.github.com/rest",
  status: "404",
});

function unprocessable(message: string): Answer {
  return json(422, { message, documentation_url: "https://docs.github.com/rest", status: "422" });
}

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  private server?: Server;
  private index: RepoIndex;
  private baseUrl = "";
  private failed = new Map<Route, number>();
  private hungCounts = new Map<Route, number>();
  private hung = new Set<ServerResponse>();
  private waiters: Waiter[] = [];
  private postedComments: Thread[] = [];
  private conversationComments: ConversationComment[] = [];
  private nextCommentId = FIRST_POSTED_COMMENT_ID;
  private postedReviews: Thread[] = [];
  private checkRuns = new Map<number, Record<string, unknown>>();
  private nextCheckRunId = CHECK_RUN_ID;
  private reviewsCreated = 0;

  constructor(repo: FakeRepo = { files: [] }) {
    this.index = new RepoIndex(repo);
  }

  /** http://127.0.0.1:PORT (GHE_HOST is 127.0.0.1:PORT; REST is under /api/v3). */
  get url(): string {
    if (!this.baseUrl) throw new Error("FakeGitHub is not started");
    return this.baseUrl;
  }

  get host(): string {
    return this.url.replace(/^http:\/\//, "");
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.hung.clear();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Forgets recorded requests, injected-failure counts and everything the app posted. */
  reset(): void {
    this.requests.length = 0;
    this.failed.clear();
    this.hungCounts.clear();
    this.postedComments = [];
    this.conversationComments = [];
    this.nextCommentId = FIRST_POSTED_COMMENT_ID;
    this.postedReviews = [];
    this.checkRuns.clear();
    this.nextCheckRunId = CHECK_RUN_ID;
    this.reviewsCreated = 0;
  }

  /** Serves another repository (and resets). */
  serve(repo: FakeRepo): void {
    this.index = new RepoIndex(repo);
    this.reset();
  }

  /**
   * A person writes a comment in the pull request's conversation (GitHub stores it before it
   * delivers issue_comment.created): listed back from now on, under the returned id.
   */
  comment(user: string, body: string, type?: string): ConversationComment {
    return this.addComment(user, body, type);
  }

  /** The conversation as GitHub would list it now: the served one, then every comment written since. */
  conversation(): ConversationComment[] {
    return [...this.existingConversation(), ...this.conversationComments];
  }

  count(route?: Route): number {
    return route === undefined ? this.requests.length : this.requests.filter((r) => r.route === route).length;
  }

  counts(): Partial<Record<Route, number>> {
    const counts: Partial<Record<Route, number>> = {};
    for (const { route } of this.requests) counts[route] = (counts[route] ?? 0) + 1;
    return counts;
  }

  /** Bodies of the requests to `route`, in order. */
  bodies<T = Record<string, unknown>>(route: Route): T[] {
    return this.requests.filter((r) => r.route === route).map((r) => r.body as T);
  }

  /** The state of a check run after every update so far (as GitHub would show it). */
  checkRun(id = CHECK_RUN_ID): Record<string, unknown> | undefined {
    return this.checkRuns.get(id);
  }

  /** Resolves with the first recorded request (past or future) that matches. */
  waitFor(predicate: (request: RecordedRequest) => boolean, timeoutMs = 10_000): Promise<RecordedRequest> {
    const seen = this.requests.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve: (request) => {
          clearTimeout(timer);
          resolve(request);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`FakeGitHub: no matching request within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? "/", this.baseUrl);
    const method = req.method ?? "GET";
    const path = decodeURIComponent(url.pathname);
    const route = routeOf(method, path);
    const request: RecordedRequest = {
      route,
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      body: parseBody(raw, req.headers["content-type"]),
      authorization: req.headers.authorization,
      accept: req.headers.accept,
      at: performance.now(),
    };
    this.record(request);
    if (this.index.repo.hang?.includes(route) || this.hangsNow(route)) {
      // Never answered; stop() tears it down, and a client that gives up closes it.
      this.hung.add(res);
      res.on("close", () => this.hung.delete(res));
      return;
    }
    const delay = this.index.repo.slow?.[route];
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    const answer = this.injected(route) ?? this.answer(request, url);
    send(res, answer);
  }

  private hangsNow(route: Route): boolean {
    const limit = this.index.repo.hangFirst?.[route] ?? 0;
    const hung = this.hungCounts.get(route) ?? 0;
    if (hung >= limit) return false;
    this.hungCounts.set(route, hung + 1);
    return true;
  }

  private record(request: RecordedRequest): void {
    this.requests.push(request);
    const matched = this.waiters.filter((w) => w.predicate(request));
    if (matched.length === 0) return;
    this.waiters = this.waiters.filter((w) => !matched.includes(w));
    for (const waiter of matched) waiter.resolve(request);
  }

  private injected(route: Route): Answer | undefined {
    const failure = this.index.repo.failures?.[route];
    if (!failure) return undefined;
    const used = this.failed.get(route) ?? 0;
    if (failure.times !== undefined && used >= failure.times) return undefined;
    this.failed.set(route, used + 1);
    return json(failure.status, failure.body ?? { message: `injected ${failure.status}` }, failure.headers);
  }

  private answer(request: RecordedRequest, url: URL): Answer {
    const path = request.path.replace(/^\/api\/v3/, "");
    switch (request.route) {
      case "token":
        return this.token(path);
      case "app":
        return json(200, { id: APP_ID, slug: APP_SLUG, name: "KubeDelta", owner: { login: OWNER } });
      case "config":
        return this.configFile(path, this.index.repo.config);
      case "orgConfig":
        return this.configFile(path, this.index.repo.orgConfig);
      case "pull":
        return json(200, this.pullRequest());
      case "files":
        return this.page(url, this.pullFiles());
      case "compare":
        return this.compare(path);
      case "tree":
        return this.tree(path);
      case "graphql":
        return this.graphql(request.body);
      case "blob":
        return this.blob(path, request.accept);
      case "createCheckRun":
        return this.createCheckRun(request.body as Record<string, unknown>);
      case "updateCheckRun":
        return this.updateCheckRun(path, request.body as Record<string, unknown>);
      case "suiteCheckRuns":
        return this.suiteCheckRuns();
      case "refCheckRuns":
        return this.refCheckRuns(path, url);
      case "comments":
        return this.page(url, [...this.existing("existingComments"), ...this.postedComments]);
      case "reviews":
        return this.page(url, [...this.existing("existingReviews"), ...this.postedReviews]);
      case "createReview":
        return this.createReview(request.body as Record<string, unknown>);
      case "conversation":
        return this.page(url, this.conversation());
      case "createComment":
        return this.createComment(request.body as Record<string, unknown>);
      case "reaction":
        return this.reaction(path, request.body as { content?: string });
      case "permission":
        return this.permission(path);
      case "membership":
        return this.membership(path);
      default:
        return NOT_FOUND;
    }
  }

  private token(path: string): Answer {
    if (path !== `/app/installations/${INSTALLATION}/access_tokens`) return NOT_FOUND;
    const expires = new Date(Date.now() + 3600_000).toISOString();
    return json(201, {
      token: TOKEN,
      expires_at: expires,
      permissions: { checks: "write", contents: "read", pull_requests: "write", metadata: "read" },
      repository_selection: "all",
    });
  }

  private configFile(path: string, text: string | undefined): Answer {
    if (!path.endsWith(`/contents/${CONFIG_PATH}`) || text === undefined) return NOT_FOUND;
    // Probot asks for the raw media type; GitHub then serves the bytes, not JSON.
    return {
      status: 200,
      body: text,
      headers: { "content-type": "application/vnd.github.raw; charset=utf-8" },
    };
  }

  private pullRequest() {
    return {
      number: PULL_NUMBER,
      state: "open",
      user: { login: OWNER, type: "User" },
      base: { sha: BASE_SHA, ref: "main", repo: { name: REPO, owner: { login: OWNER } } },
      head: { sha: HEAD_SHA, ref: "feature", repo: { name: REPO, owner: { login: OWNER } } },
    };
  }

  private pullFiles() {
    return this.index.repo.files.slice(0, MAX_LISTED_FILES).map((file) => {
      const patch = file.patch ?? fullPatch(file.base, file.head);
      return {
        sha: this.index.headSha(file.filename),
        filename: file.filename,
        status: file.status,
        ...(file.previousFilename ? { previous_filename: file.previousFilename } : {}),
        ...(patch ? { patch } : {}),
      };
    });
  }

  private compare(path: string): Answer {
    if (!path.endsWith(`/compare/${BASE_SHA}...${HEAD_SHA}`)) return NOT_FOUND;
    return json(200, {
      status: "ahead",
      base_commit: { sha: BASE_SHA },
      merge_base_commit: { sha: MERGE_BASE },
      commits: [],
      files: [],
    });
  }

  private tree(path: string): Answer {
    if (!path.endsWith(`/git/trees/${HEAD_SHA}`)) return NOT_FOUND;
    return json(200, { sha: HEAD_SHA, truncated: false, tree: this.index.tree });
  }

  private blob(path: string, accept: string | undefined): Answer {
    const oid = path.split("/").pop() ?? "";
    const text = this.index.blobs.get(oid);
    if (text === undefined) return NOT_FOUND;
    if (accept?.includes("raw")) {
      return { status: 200, body: text, headers: { "content-type": "application/vnd.github.raw" } };
    }
    return json(200, { sha: oid, encoding: "base64", content: Buffer.from(text).toString("base64") });
  }

  /** Aliased `object(expression: $eN)` lookups; expressions are "<commit>:<path>". */
  private graphql(body: unknown): Answer {
    const { query, variables = {} } = (body ?? {}) as { query?: string; variables?: Record<string, string> };
    if (typeof query !== "string") return json(400, { message: "Problems parsing JSON" });
    if (variables.owner !== OWNER || variables.name !== REPO) {
      return json(200, {
        data: { repository: null },
        errors: [{ type: "NOT_FOUND", message: "Could not resolve to a Repository" }],
      });
    }
    const repository: Record<string, unknown> = {};
    for (const [name, expression] of Object.entries(variables)) {
      if (!/^e\d+$/.test(name)) continue;
      const oid = this.index.paths.get(expression);
      const path = expression.slice(expression.indexOf(":") + 1);
      const cut = this.index.truncated.has(path);
      repository[`f${name.slice(1)}`] =
        oid === undefined
          ? null
          : { oid, isBinary: false, isTruncated: cut, text: cut ? null : this.index.blobs.get(oid) };
    }
    return json(200, { data: { repository } });
  }

  private createCheckRun(body: Record<string, unknown>): Answer {
    if (body.head_sha !== HEAD_SHA) return unprocessable("No commit found for SHA");
    const problem = outputProblem(body.output);
    if (problem) return unprocessable(problem);
    return json(201, this.addCheckRun(body, { slug: APP_SLUG, id: APP_ID }));
  }

  private addCheckRun(
    body: Record<string, unknown>,
    app: { slug: string; id: number },
  ): Record<string, unknown> {
    const id = this.nextCheckRunId++;
    const run = { id, app, ...body, output: { ...(body.output as object), annotations_count: 0 } };
    this.checkRuns.set(id, run);
    return run;
  }

  /**
   * A check run someone else created on the head commit, without a request of the app: a run left
   * in progress by a worker that died, or another app's run of the same name (`app`).
   */
  seedCheckRun(
    fields: Record<string, unknown> = {},
    app: { slug: string; id: number } = { slug: APP_SLUG, id: APP_ID },
  ): number {
    const body = {
      name: "KubeDelta",
      head_sha: HEAD_SHA,
      status: "in_progress",
      external_id: "2",
      ...fields,
    };
    return this.addCheckRun(body, app).id as number;
  }

  /** Every check run on the head commit, as GitHub would show them now. */
  checkRunList(): Record<string, unknown>[] {
    return [...this.checkRuns.values()];
  }

  private updateCheckRun(path: string, body: Record<string, unknown>): Answer {
    const id = Number(path.split("/").pop());
    const run = this.checkRuns.get(id);
    if (!run) return NOT_FOUND;
    const problem = outputProblem(body.output);
    if (problem) return unprocessable(problem);
    const output = (body.output ?? {}) as { annotations?: unknown[] };
    const before = (run.output ?? {}) as { annotations_count?: number };
    const annotations = (before.annotations_count ?? 0) + (output.annotations?.length ?? 0);
    const updated = { ...run, ...body, output: { ...before, ...output, annotations_count: annotations } };
    this.checkRuns.set(id, updated);
    return json(200, updated);
  }

  /** GET /commits/{ref}/check-runs: check_name, status, and filter=latest (default) or all. */
  private refCheckRuns(path: string, url: URL): Answer {
    const ref = path.split("/").at(-2);
    const name = url.searchParams.get("check_name");
    const status = url.searchParams.get("status");
    let runs = [...this.checkRuns.values()].filter(
      (run) => run.head_sha === ref && (!name || run.name === name) && (!status || run.status === status),
    );
    if (url.searchParams.get("filter") !== "all") {
      // The latest run of each name (and app), as GitHub's default filter.
      const latest = new Map<string, Record<string, unknown>>();
      for (const run of runs) latest.set(`${run.name}:${(run.app as { id: number }).id}`, run);
      runs = [...latest.values()];
    }
    const listed = this.page(url, runs);
    return { ...listed, body: { total_count: runs.length, check_runs: listed.body } };
  }

  private suiteCheckRuns(): Answer {
    const runs = [...this.checkRuns.values()];
    const listed = runs.length > 0 ? runs : [{ id: CHECK_RUN_ID, name: "KubeDelta", external_id: "2" }];
    return json(200, { total_count: listed.length, check_runs: listed });
  }

  /** Like GitHub: one comment outside the diff, or on another commit, rejects the whole review. */
  private createReview(body: Record<string, unknown>): Answer {
    this.reviewsCreated++;
    const status = this.index.repo.reviewStatus;
    if (this.reviewsCreated === 1 && status) return json(status, { message: "Unprocessable Entity" });
    if (body.commit_id !== undefined && body.commit_id !== HEAD_SHA) return unprocessable("Commit not found");
    const comments = (body.comments ?? []) as { path: string; line: number; side?: string; body: string }[];
    for (const comment of comments) {
      const problem = this.commentProblem(comment);
      if (problem) return unprocessable(`Unprocessable Entity: ${problem}`);
    }
    const id = this.postedReviews.length + 1000;
    const user = { login: BOT_LOGIN, type: "Bot" };
    this.postedReviews.push({ id, user, body: String(body.body ?? ""), commit_id: HEAD_SHA });
    for (const comment of comments) {
      this.postedComments.push({ id: 5000 + this.postedComments.length, user, ...comment });
    }
    return json(200, { id, user, body: body.body, state: "COMMENTED", commit_id: HEAD_SHA });
  }

  private commentProblem(comment: { path: string; line: number; side?: string }): string | undefined {
    const file = this.index.repo.files.find((f) => f.filename === comment.path);
    if (!file) return `path ${comment.path} is not part of the pull request`;
    const patch = file.patch ?? fullPatch(file.base, file.head);
    const side = comment.side === "LEFT" ? "LEFT" : "RIGHT";
    if (!commentable(patch)[side].has(comment.line))
      return `line ${comment.line} (${side}) of ${comment.path} is not part of the diff`;
    return undefined;
  }

  private existingConversation(): ConversationComment[] {
    const at = "2026-11-20T10:00:00Z";
    return (this.index.repo.conversation ?? []).map((c, i) => ({
      id: FIRST_SERVED_COMMENT_ID + i,
      user: { login: c.user, type: c.type ?? accountType(c.user) },
      body: c.body,
      created_at: at,
      updated_at: c.edited ? "2026-11-20T11:00:00Z" : at,
    }));
  }

  private addComment(user: string, body: string, type = accountType(user)): ConversationComment {
    const at = new Date().toISOString();
    const comment = {
      id: this.nextCommentId++,
      user: { login: user, type },
      body,
      created_at: at,
      updated_at: at,
    };
    this.conversationComments.push(comment);
    return comment;
  }

  /** A reply in the conversation, written as the app's bot; GitHub lists it back on the next read. */
  private createComment(body: Record<string, unknown>): Answer {
    if (typeof body.body !== "string" || body.body === "") return unprocessable("Body cannot be blank");
    return json(201, this.addComment(BOT_LOGIN, body.body, "Bot"));
  }

  /** Only a comment of this pull request's conversation can be reacted to. */
  private reaction(path: string, body: { content?: string }): Answer {
    const id = Number(path.split("/").at(-2));
    if (!this.conversation().some((c) => c.id === id)) return NOT_FOUND;
    if (!REACTIONS.has(body.content ?? "")) return unprocessable(`${body.content} is not a valid reaction`);
    return json(201, { id: 1, content: body.content, user: { login: BOT_LOGIN, type: "Bot" } });
  }

  /** GET /repos/{owner}/{repo}/collaborators/{login}/permission: 404 for a non-collaborator. */
  private permission(path: string): Answer {
    const login = path.split("/").at(-2) ?? "";
    const role = this.index.repo.roles?.[login];
    if (!role) return NOT_FOUND;
    // `permission` is the older, coarser field: maintain reads as write, triage as read.
    const permission = role === "maintain" ? "write" : role === "triage" ? "read" : role;
    return json(200, { permission, role_name: role, user: { login, type: accountType(login) } });
  }

  /** GET /orgs/{org}/teams/{slug}/memberships/{login}: 404 for anyone not in the team. */
  private membership(path: string): Answer {
    const [, , org, , slug, , login] = path.split("/");
    const members = this.index.repo.teams?.[`${org}/${slug}`] ?? [];
    if (!members.includes(login)) return NOT_FOUND;
    return json(200, { state: "active", role: "member", url: `${this.baseUrl}/api/v3${path}` });
  }

  private existing(key: "existingComments" | "existingReviews"): Thread[] {
    return (this.index.repo[key] ?? []).map((c, i) => ({
      id: i + 1,
      user: { login: c.user, type: c.user.endsWith("[bot]") ? "Bot" : "User" },
      body: c.body,
    }));
  }

  /** GitHub's pagination: per_page (default 30, at most 100), page, and a Link header to the next. */
  private page(url: URL, items: unknown[]): Answer {
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get("per_page")) || 30));
    const page = Math.max(1, Number(url.searchParams.get("page")) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const headers: Record<string, string> = {};
    if (page < last) {
      const link = (n: number) => {
        const next = new URL(url);
        next.searchParams.set("per_page", String(perPage));
        next.searchParams.set("page", String(n));
        return `${this.baseUrl}${next.pathname}${next.search}`;
      };
      headers.link = `<${link(page + 1)}>; rel="next", <${link(last)}>; rel="last"`;
    }
    return json(200, items.slice((page - 1) * perPage, page * perPage), headers);
  }
}

/** The route a request is for, as GitHub would dispatch it. */
export function routeOf(method: string, path: string): Route {
  if (method === "POST" && path === "/api/graphql") return "graphql";
  const rest = path.startsWith("/api/v3/") ? path.slice("/api/v3".length) : undefined;
  if (rest === undefined) return "unknown";
  if (method === "POST" && /^\/app\/installations\/\d+\/access_tokens$/.test(rest)) return "token";
  if (method === "GET" && rest === "/app") return "app";
  if (method === "GET" && /^\/orgs\/[^/]+\/teams\/[^/]+\/memberships\/[^/]+$/.test(rest)) return "membership";
  const repo = `/repos/${OWNER}/${REPO}`;
  if (method === "GET" && rest.startsWith(`/repos/${OWNER}/.github/contents/`)) return "orgConfig";
  if (!rest.startsWith(`${repo}/`)) return "unknown";
  const tail = rest.slice(repo.length);
  const pull = `/pulls/${PULL_NUMBER}`;
  const table: [string, RegExp, Route][] = [
    ["GET", /^\/contents\/.+$/, "config"],
    ["GET", new RegExp(`^${pull}$`), "pull"],
    ["GET", new RegExp(`^${pull}/files$`), "files"],
    ["GET", new RegExp(`^${pull}/comments$`), "comments"],
    ["GET", new RegExp(`^${pull}/reviews$`), "reviews"],
    ["POST", new RegExp(`^${pull}/reviews$`), "createReview"],
    ["GET", new RegExp(`^/issues/${PULL_NUMBER}/comments$`), "conversation"],
    ["POST", new RegExp(`^/issues/${PULL_NUMBER}/comments$`), "createComment"],
    ["POST", /^\/issues\/comments\/\d+\/reactions$/, "reaction"],
    ["GET", /^\/collaborators\/[^/]+\/permission$/, "permission"],
    ["GET", /^\/compare\/.+$/, "compare"],
    ["GET", /^\/git\/trees\/[0-9a-f]+$/, "tree"],
    ["GET", /^\/git\/blobs\/[0-9a-f]+$/, "blob"],
    ["POST", /^\/check-runs$/, "createCheckRun"],
    ["PATCH", /^\/check-runs\/\d+$/, "updateCheckRun"],
    ["GET", /^\/check-suites\/\d+\/check-runs$/, "suiteCheckRuns"],
    ["GET", /^\/commits\/[0-9a-f]+\/check-runs$/, "refCheckRuns"],
  ];
  return table.find(([m, pattern]) => m === method && pattern.test(tail))?.[2] ?? "unknown";
}

function accountType(login: string): string {
  return login.endsWith("[bot]") ? "Bot" : "User";
}

/** GitHub's limits on a check run's output: what it answers 422 for. */
function outputProblem(output: unknown): string | undefined {
  if (output === undefined) return undefined;
  const { title, summary, text, annotations } = output as Record<string, unknown>;
  if (typeof title !== "string" || typeof summary !== "string") return "output needs a title and a summary";
  if (title.length > TITLE_MAX) return `output.title is longer than ${TITLE_MAX} characters`;
  for (const [name, field] of [
    ["summary", summary],
    ["text", text],
  ] as const) {
    if (typeof field === "string" && field.length > OUTPUT_FIELD_MAX)
      return `output.${name} is longer than ${OUTPUT_FIELD_MAX} characters`;
  }
  if (Array.isArray(annotations) && annotations.length > ANNOTATIONS_PER_REQUEST)
    return `Only ${ANNOTATIONS_PER_REQUEST} annotations are allowed per request`;
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === "") return undefined;
  if (!contentType?.includes("json")) return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function send(res: ServerResponse, answer: Answer): void {
  const headers = { "content-type": "application/json; charset=utf-8", ...answer.headers };
  const payload =
    answer.body === undefined
      ? ""
      : typeof answer.body === "string"
        ? answer.body
        : JSON.stringify(answer.body);
  res.writeHead(answer.status, headers).end(payload);
}
