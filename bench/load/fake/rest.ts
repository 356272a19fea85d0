// The REST routes KubeDelta calls, for any repository, pull request and commit of the World, with
// GitHub's validation where the App could get it wrong: check runs only on commits of the
// repository and with a conclusion when completed, review comments only on lines of the diff of
// the commit they are for, pagination with Link headers.

import { commentable } from "../../../test/fake-github/patch.js";
import { BOT, type CheckRun, type Records } from "./records.js";
import type { Installation, Pull, World } from "./world.js";

export const APP_ID = 4711;
export const APP_SLUG = "kubedelta";

const APP = { id: APP_ID, slug: APP_SLUG, name: "KubeDelta", owner: { login: "kubedelta" } };

export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Call {
  method: string;
  /** Path under /api/v3. */
  path: string;
  url: URL;
  params: Record<string, string>;
  body: unknown;
  installation?: Installation;
  replica: number;
  now: number;
  baseUrl: string;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return { status, body, headers };
}

export function notFound(message = "Not Found"): Answer {
  return json(404, { message, documentation_url: "https://docs.github.com/rest", status: "404" });
}

function unprocessable(message: string): Answer {
  return json(422, { message, documentation_url: "https://docs.github.com/rest", status: "422" });
}

/** GitHub's pagination: per_page (default 30, at most 100), page, a Link header to the next and last. */
function page(call: Call, items: unknown[]): Answer {
  const perPage = Math.min(100, Math.max(1, Number(call.url.searchParams.get("per_page")) || 30));
  const current = Math.max(1, Number(call.url.searchParams.get("page")) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const headers: Record<string, string> = {};
  if (current < last) {
    const link = (n: number) => {
      const next = new URL(call.url);
      next.searchParams.set("per_page", String(perPage));
      next.searchParams.set("page", String(n));
      return `${call.baseUrl}${next.pathname}${next.search}`;
    };
    headers.link = `<${link(current + 1)}>; rel="next", <${link(last)}>; rel="last"`;
  }
  return json(200, items.slice((current - 1) * perPage, current * perPage), headers);
}

type Handler = (call: Call, world: World, records: Records) => Answer;

function withPull(handler: (call: Call, pull: Pull, world: World, records: Records) => Answer): Handler {
  return (call, world, records) => {
    const pull = world.pull(call.params.owner, call.params.repo, Number(call.params.number));
    return pull ? handler(call, pull, world, records) : notFound();
  };
}

const repoOf = (call: Call) => `${call.params.owner}/${call.params.repo}`;

function pullJson(pull: Pull) {
  const repo = {
    name: pull.installation.repo,
    full_name: `${pull.installation.owner}/${pull.installation.repo}`,
    owner: { login: pull.installation.owner },
  };
  return {
    number: pull.number,
    state: "open",
    draft: false,
    user: { login: pull.author, type: "User" },
    base: { sha: pull.base, ref: "main", repo },
    head: { sha: pull.head, ref: `change-${pull.number}`, repo },
  };
}

function createCheckRun(call: Call, world: World, records: Records): Answer {
  const body = (call.body ?? {}) as Record<string, unknown>;
  const sha = String(body.head_sha ?? "");
  if (!world.commitIn(call.params.owner, call.params.repo, sha))
    return unprocessable(`No commit found for SHA: ${sha}`);
  if (typeof body.name !== "string" || body.name === "") return unprocessable("name wasn't supplied.");
  const problem = checkProblem(body);
  if (problem) return unprocessable(problem);
  const id = records.id();
  const completed = body.status === "completed";
  const run: CheckRun = {
    id,
    repo: repoOf(call),
    head_sha: sha,
    name: body.name,
    status: String(body.status ?? "queued"),
    conclusion: body.conclusion as string | undefined,
    external_id: body.external_id as string | undefined,
    output: body.output as CheckRun["output"],
    actions: body.actions,
    check_suite: { id: suiteId(sha) },
    started_at: new Date().toISOString(),
    ...(completed ? { completed_at: new Date().toISOString(), completedAt: call.now } : {}),
    createdAt: call.now,
    replica: call.replica,
    updates: 0,
  };
  records.checkRuns.set(id, run);
  return json(201, view(run));
}

/** What GitHub refuses in a check run's body: a completed run without conclusion, too many annotations. */
function checkProblem(body: Record<string, unknown>): string | undefined {
  if (body.status === "completed" && typeof body.conclusion !== "string")
    return "conclusion is required when status is completed";
  const output = body.output as { title?: unknown; summary?: unknown; annotations?: unknown[] } | undefined;
  if (output === undefined) return undefined;
  if (typeof output.title !== "string" || typeof output.summary !== "string")
    return "output needs a title and a summary";
  if (output.title.length > 255) return "output.title is too long (maximum is 255 characters)";
  if (output.summary.length > 65_535) return "output.summary is too long (maximum is 65535 characters)";
  if ((output.annotations?.length ?? 0) > 50) return "Only 50 annotations are allowed per request";
  return undefined;
}

function suiteId(sha: string): number {
  return Number.parseInt(sha.slice(0, 8), 16);
}

/** A check run as GitHub shows it: with the app that owns it (every run here is the App's). */
function view(run: CheckRun) {
  const { createdAt: _c, completedAt: _d, replica: _r, updates: _u, repo: _p, ...shown } = run;
  return { ...shown, app: APP };
}

function updateCheckRun(call: Call, _world: World, records: Records): Answer {
  const run = records.checkRuns.get(Number(call.params.id));
  if (!run || run.repo !== repoOf(call)) return notFound();
  const body = (call.body ?? {}) as Record<string, unknown>;
  const problem = checkProblem({ ...body, conclusion: body.conclusion ?? run.conclusion });
  if (problem) return unprocessable(problem);
  run.updates++;
  if (body.status !== undefined) run.status = String(body.status);
  if (body.conclusion !== undefined) {
    run.conclusion = String(body.conclusion);
    run.status = "completed";
  }
  if (body.output !== undefined) run.output = body.output as CheckRun["output"];
  if (body.actions !== undefined) run.actions = body.actions;
  if (run.status === "completed" && run.completedAt === undefined) {
    run.completedAt = call.now;
    run.completed_at = new Date().toISOString();
  }
  return json(200, view(run));
}

function listRuns(call: Call, runs: CheckRun[]): Answer {
  const name = call.url.searchParams.get("check_name");
  const status = call.url.searchParams.get("status");
  let listed = runs.filter((r) => (!name || r.name === name) && (!status || r.status === status));
  if ((call.url.searchParams.get("filter") ?? "latest") === "latest") {
    const latest = new Map<string, CheckRun>();
    for (const run of listed) if ((latest.get(run.name)?.id ?? 0) < run.id) latest.set(run.name, run);
    listed = [...latest.values()];
  }
  listed.sort((a, b) => b.id - a.id);
  const perPage = Math.min(100, Number(call.url.searchParams.get("per_page")) || 30);
  const current = Math.max(1, Number(call.url.searchParams.get("page")) || 1);
  return json(200, {
    total_count: listed.length,
    check_runs: listed.slice((current - 1) * perPage, current * perPage).map(view),
  });
}

function createReview(call: Call, pull: Pull, world: World, records: Records): Answer {
  const body = (call.body ?? {}) as Record<string, unknown>;
  const commit = String(body.commit_id ?? pull.head);
  if (!pull.heads.includes(commit))
    return unprocessable("Unprocessable Entity: commit_id is not part of the pull request");
  const comments = (body.comments ?? []) as { path: string; line: number; side?: string; body: string }[];
  const files = world.files(pull, commit);
  for (const comment of comments) {
    const file = files.find((f) => f.filename === comment.path);
    const side = comment.side === "LEFT" ? "LEFT" : "RIGHT";
    if (!file) return unprocessable(`Unprocessable Entity: path ${comment.path} is not part of the diff`);
    if (!commentable(file.patch)[side].has(comment.line))
      return unprocessable(
        `Unprocessable Entity: line ${comment.line} of ${comment.path} is not part of the diff`,
      );
  }
  const id = records.id();
  const repo = repoOf(call);
  records.reviews.push({
    id,
    repo,
    number: pull.number,
    commit_id: commit,
    body: String(body.body ?? ""),
    user: BOT,
    state:
      body.event === "APPROVE"
        ? "APPROVED"
        : body.event === "REQUEST_CHANGES"
          ? "CHANGES_REQUESTED"
          : "COMMENTED",
    comments: comments.length,
    at: call.now,
    replica: call.replica,
  });
  for (const c of comments) {
    records.reviewComments.push({
      id: records.id(),
      repo,
      number: pull.number,
      pull_request_review_id: id,
      commit_id: commit,
      path: c.path,
      line: c.line,
      side: c.side === "LEFT" ? "LEFT" : "RIGHT",
      body: c.body,
      user: BOT,
      resolved: false,
    });
  }
  return json(200, { id, user: BOT, body: body.body, state: "COMMENTED", commit_id: commit });
}

function createComment(call: Call, pull: Pull, _world: World, records: Records): Answer {
  const text = (call.body as { body?: unknown } | undefined)?.body;
  if (typeof text !== "string" || text === "") return unprocessable("Body cannot be blank");
  const at = new Date().toISOString();
  const comment = {
    id: records.id(),
    repo: repoOf(call),
    number: pull.number,
    body: text,
    user: BOT,
    created_at: at,
    updated_at: at,
  };
  records.issueComments.push(comment);
  return json(201, comment);
}

const REACTIONS = new Set(["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"]);

function reaction(call: Call): Answer {
  const content = (call.body as { content?: string } | undefined)?.content ?? "";
  if (!REACTIONS.has(content)) return unprocessable(`${content} is not a valid reaction`);
  return json(201, { id: 1, content, user: BOT });
}

function tree(call: Call, world: World): Answer {
  const commit = world.commitIn(call.params.owner, call.params.repo, call.params.sha);
  if (!commit) return notFound();
  const entries = [...commit.tree].map(([path, sha]) => ({
    path,
    mode: "100644",
    type: "blob",
    sha,
    size: Buffer.byteLength(world.blobs.get(sha) ?? ""),
  }));
  return json(200, { sha: call.params.sha, truncated: false, tree: entries });
}

function blob(call: Call, world: World, accept: string): Answer {
  const text = world.blobs.get(call.params.sha);
  if (text === undefined || !world.installationOf(call.params.owner, call.params.repo)) return notFound();
  if (accept.includes("raw"))
    return { status: 200, body: text, headers: { "content-type": "application/vnd.github.raw" } };
  return json(200, {
    sha: call.params.sha,
    encoding: "base64",
    content: Buffer.from(text).toString("base64"),
  });
}

/**
 * base...head: the merge base (every commit here branches from the repository's base) and, on the
 * first page only, every file changed from the merge base to the head, as GitHub compares.
 */
function compare(call: Call, world: World): Answer {
  const [base, head] = call.params.basehead.split("...");
  const { owner, repo } = call.params;
  if (!world.commitIn(owner, repo, base) || !world.commitIn(owner, repo, head)) return notFound();
  const mergeBase = world.baseOf(owner, repo) ?? base;
  const first = (Number(call.url.searchParams.get("page")) || 1) === 1;
  const ahead = head === mergeBase ? 0 : 1;
  return json(200, {
    status: ahead ? "ahead" : "identical",
    ahead_by: ahead,
    behind_by: 0,
    total_commits: ahead,
    base_commit: { sha: base },
    merge_base_commit: { sha: mergeBase },
    commits: ahead && first ? [{ sha: head }] : [],
    files: first ? world.diff(mergeBase, head) : [],
  });
}

export interface Route {
  method: string;
  name: string;
  pattern: RegExp;
  /** Needs the installation token of the repository named in the path. */
  repo: boolean;
  handle: (call: Call, world: World, records: Records, accept: string) => Answer;
}

function route(method: string, template: string, name: string, handle: Route["handle"]): Route {
  const source = template.replace(/:(\w+)\+/g, "(?<$1>.+)").replace(/:(\w+)/g, "(?<$1>[^/]+)");
  return {
    method,
    name,
    pattern: new RegExp(`^${source}$`),
    repo: template.startsWith("/repos/:owner/:repo"),
    handle,
  };
}

const R = "/repos/:owner/:repo";
const P = `${R}/pulls/:number`;

/** Every REST route the fake serves (paths under /api/v3). */
export const ROUTES: Route[] = [
  route("POST", "/app/installations/:id/access_tokens", "token", () => json(201, {})),
  route("GET", "/app", "app", () => json(200, APP)),
  route("GET", "/rate_limit", "rateLimit", () => json(200, {})),
  route("GET", `${R}/installation`, "repoInstallation", (c, w) => {
    const installation = w.installationOf(c.params.owner, c.params.repo);
    return installation ? json(200, { id: installation.id, app_id: APP_ID }) : notFound();
  }),
  // Configuration: none is served, so the default policy judges (a 404 here is GitHub's answer).
  route("GET", `${R}/contents/:path+`, "contents", () => notFound()),
  route(
    "GET",
    P,
    "pull",
    withPull((_c, pull) => json(200, pullJson(pull))),
  ),
  route(
    "GET",
    `${P}/files`,
    "files",
    withPull((c, pull, w) => page(c, w.files(pull))),
  ),
  route(
    "GET",
    `${P}/commits`,
    "pullCommits",
    withPull((c, pull) =>
      page(
        c,
        pull.heads.map((sha) => ({ sha })),
      ),
    ),
  ),
  route(
    "GET",
    `${P}/comments`,
    "reviewComments",
    withPull((c, pull, _w, r) => page(c, r.commentsOf(repoOf(c), pull.number))),
  ),
  route("GET", `${R}/pulls/comments/:id`, "reviewComment", (c, _w, r) => {
    const comment = r.reviewComments.find((x) => x.id === Number(c.params.id) && x.repo === repoOf(c));
    return comment ? json(200, comment) : notFound();
  }),
  route(
    "GET",
    `${P}/reviews`,
    "reviews",
    withPull((c, pull, _w, r) =>
      page(
        c,
        r.reviewsOf(repoOf(c), pull.number).map(({ at: _a, replica: _r, ...x }) => x),
      ),
    ),
  ),
  route("POST", `${P}/reviews`, "createReview", withPull(createReview)),
  route(
    "GET",
    `${R}/issues/:number/comments`,
    "conversation",
    withPull((c, pull, _w, r) => page(c, r.conversationOf(repoOf(c), pull.number))),
  ),
  route("POST", `${R}/issues/:number/comments`, "createComment", withPull(createComment)),
  route("POST", `${R}/issues/comments/:id/reactions`, "reaction", reaction),
  route("POST", `${R}/pulls/comments/:id/reactions`, "reaction", reaction),
  // Nobody is a collaborator or a team member: GitHub answers 404.
  route("GET", `${R}/collaborators/:login/permission`, "permission", () => notFound()),
  route("GET", "/orgs/:org/teams/:slug/memberships/:login", "membership", () => notFound()),
  route("GET", `${R}/compare/:basehead+`, "compare", compare),
  route("GET", `${R}/git/trees/:sha`, "tree", tree),
  route("GET", `${R}/git/blobs/:sha`, "blob", (c, w, _r, accept) => blob(c, w, accept)),
  route("POST", `${R}/check-runs`, "createCheckRun", createCheckRun),
  route("PATCH", `${R}/check-runs/:id`, "updateCheckRun", updateCheckRun),
  route("GET", `${R}/check-runs/:id`, "checkRun", (c, _w, r) => {
    const run = r.checkRuns.get(Number(c.params.id));
    return run && run.repo === repoOf(c) ? json(200, view(run)) : notFound();
  }),
  route("GET", `${R}/commits/:ref/check-runs`, "checkRunsForRef", (c, _w, r) =>
    listRuns(c, r.runsFor(repoOf(c), c.params.ref)),
  ),
  route("GET", `${R}/check-suites/:id/check-runs`, "checkRunsForSuite", (c, _w, r) =>
    listRuns(
      c,
      [...r.checkRuns.values()].filter(
        (run) => run.repo === repoOf(c) && run.check_suite.id === Number(c.params.id),
      ),
    ),
  ),
];

export function findRoute(
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  for (const candidate of ROUTES) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(path);
    if (match) return { route: candidate, params: { ...match.groups } };
  }
  return undefined;
}
