// The GitHub App end to end: `node --import tsx bench/app.ts`. The real app runs behind Probot's node
// middleware on 127.0.0.1 and talks to the fake GitHub of test/fake-github (also on loopback); signed
// pull_request.opened deliveries of 1, 10, 100 and 1,000 changed manifests measure how many requests
// a review costs GitHub (against the budget the design allows) and how long it takes from delivery
// to the completed check run. Every PR is new content, so every review starts with cold blob caches.

import { type RunningApp, startApp } from "../test/fake-github/app-server.js";
import { unifiedPatch } from "../test/fake-github/patch.js";
import {
  type FakeFile,
  FakeGitHub,
  type FakeRepo,
  type RecordedRequest,
  type Route,
} from "../test/fake-github/server.js";
import { pullRequestPayload } from "../test/fake-github/webhooks.js";

const SIZES = [1, 10, 100, 1000];
const LATENCY_FILES = 10;
const LATENCY_TARGET_MS = 300;
const LATENCY_RUNS = 5;
const NAMESPACES = ["shop", "payments", "search", "identity", "media", "ledger", "ops", "edge"];
const CONTROL_PLANE = "node-role.kubernetes.io/control-plane";

// ---------------------------------------------------------------------------------------------
// Realistic small manifests. `tag` makes every PR's content unique, so no review hits the cache.

interface DeploymentShape {
  name: string;
  namespace: string;
  image: string;
  replicas: number;
  serviceAccount: string;
  tolerateControlPlane?: boolean;
}

function deployment(d: DeploymentShape): string {
  const toleration = d.tolerateControlPlane
    ? `      tolerations:\n        - key: ${CONTROL_PLANE}\n          operator: Exists\n          effect: NoSchedule\n`
    : "";
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${d.name}
  namespace: ${d.namespace}
  labels:
    app.kubernetes.io/name: ${d.name}
    app.kubernetes.io/part-of: ${d.namespace}
spec:
  replicas: ${d.replicas}
  selector:
    matchLabels:
      app.kubernetes.io/name: ${d.name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${d.name}
    spec:
      serviceAccountName: ${d.serviceAccount}
${toleration}      containers:
        - name: app
          image: ${d.image}
          ports:
            - containerPort: 8080
          env:
            - name: LOG_LEVEL
              value: info
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: 500m, memory: 256Mi}
          readinessProbe:
            httpGet: {path: /healthz, port: 8080}
          livenessProbe:
            httpGet: {path: /healthz, port: 8080}
`;
}

function service(name: string, namespace: string, type: string, targetPort: number): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  type: ${type}
  selector:
    app.kubernetes.io/name: ${name}
  ports:
    - name: http
      port: 80
      targetPort: ${targetPort}
`;
}

function networkPolicy(namespace: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: ${namespace}
spec:
  podSelector: {}
  policyTypes: [Ingress]
`;
}

/**
 * File i of a PR: mostly image bumps and port changes; every tenth Service becomes a LoadBalancer,
 * every tenth Deployment starts tolerating the control-plane taint, and every twentieth file is a
 * new, well-formed Deployment.
 */
function changedFile(i: number, tag: string): FakeFile {
  const namespace = NAMESPACES[i % NAMESPACES.length];
  const name = `${tag}-app-${i}`;
  const filename = `deploy/${namespace}/${name}/${i % 2 === 0 ? "deployment" : "service"}.yaml`;
  const shape = {
    name,
    namespace,
    image: `registry.example.com/${namespace}/${name}:1.${i}.0`,
    replicas: 2,
    serviceAccount: name,
  };
  if (i % 20 === 19) return withPatch({ filename, status: "added", head: deployment(shape) });
  if (i % 2 === 0) {
    const head = { ...shape, image: shape.image.replace(/\.0$/, ".1"), tolerateControlPlane: i % 10 === 4 };
    return withPatch({ filename, status: "modified", base: deployment(shape), head: deployment(head) });
  }
  const type = i % 10 === 5 ? "LoadBalancer" : "ClusterIP";
  const base = service(name, namespace, "ClusterIP", 8080);
  return withPatch({ filename, status: "modified", base, head: service(name, namespace, type, 8081) });
}

function withPatch(file: FakeFile): FakeFile {
  return { ...file, patch: unifiedPatch(file.base, file.head) };
}

/** The rest of the repository: a default-deny policy per namespace and untouched workloads. */
function unchangedFiles(n: number, tag: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const namespace of NAMESPACES)
    files[`deploy/${namespace}/network-policy.yaml`] = networkPolicy(namespace);
  for (let i = 0; i < Math.max(4, Math.floor(n / 4)); i++) {
    const namespace = NAMESPACES[i % NAMESPACES.length];
    const name = `${tag}-steady-${i}`;
    const image = `registry.example.com/${namespace}/${name}:2.0.0`;
    files[`deploy/${namespace}/${name}/deployment.yaml`] = deployment({
      name,
      namespace,
      image,
      replicas: 3,
      serviceAccount: name,
    });
  }
  return files;
}

function pullRequest(n: number, tag: string): FakeRepo {
  return {
    files: Array.from({ length: n }, (_, i) => changedFile(i, tag)),
    unchanged: unchangedFiles(n, tag),
  };
}

// ---------------------------------------------------------------------------------------------
// One measured review.

interface Review {
  files: number;
  requests: number;
  byRoute: Partial<Record<Route, number>>;
  budget: number;
  annotations: number;
  inlineComments: number;
  conclusion: string;
  completedMs: number;
  respondedMs: number;
  /** Until the app's last request (annotation batches follow the completion). */
  lastMs: number;
  status: number;
}

type CheckRunBody = { status?: string; conclusion?: string; output?: { annotations?: unknown[] } };

const AUTH_ROUTES: Route[] = ["token", "app"];

const isCompletion = (r: RecordedRequest) =>
  r.route === "updateCheckRun" && (r.body as CheckRunBody).status === "completed";

/**
 * What the design allows one review to cost: file-list pages, content batches per side, config
 * (repository and organisation), merge base, tree, context batches, check run create + complete,
 * extra annotation batches, the approvals in the conversation, the two listings of existing
 * threads, and one review.
 */
function budgetFor(repo: FakeRepo, annotations: number): number {
  const n = repo.files.length;
  const contextFiles = Object.keys(repo.unchanged ?? {}).length;
  const pages = Math.max(1, Math.ceil(n / 100));
  const fetches = 2 * Math.ceil(n / 50);
  const annotationBatches = Math.max(0, Math.ceil(annotations / 50) - 1);
  return pages + fetches + 2 + 1 + 1 + Math.ceil(contextFiles / 50) + 2 + annotationBatches + 1 + 2 + 1;
}

/** Longer than the throttle's spacing of writes (1 s; 3 s for notifying ones). */
const QUIET_MS = 3_500;

/** Resolves once the fake has seen no request for `ms`. */
async function quiet(github: FakeGitHub, ms: number): Promise<void> {
  for (;;) {
    const seen = github.requests.length;
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (github.requests.length === seen) return;
  }
}

async function measure(github: FakeGitHub, app: RunningApp, repo: FakeRepo): Promise<Review> {
  github.serve(repo);
  const started = performance.now();
  const completion = github.waitFor(isCompletion, 60_000);
  const response = await app.send("pull_request", pullRequestPayload("opened"));
  const completed = await completion;
  // 202: the middleware stopped waiting for the handler (~9 s), which is still sending requests.
  if (response.status === 202) await quiet(github, QUIET_MS);
  const updates = github.bodies<CheckRunBody>("updateCheckRun");
  const annotations = updates.reduce((sum, u) => sum + (u.output?.annotations?.length ?? 0), 0);
  const reviews = github.bodies<{ comments?: unknown[] }>("createReview");
  const byRoute = github.counts();
  for (const route of AUTH_ROUTES) delete byRoute[route];
  return {
    files: repo.files.length,
    requests: Object.values(byRoute).reduce((sum, c) => sum + (c ?? 0), 0),
    byRoute,
    budget: budgetFor(repo, annotations),
    annotations,
    inlineComments: reviews.reduce((sum, r) => sum + (r.comments?.length ?? 0), 0),
    conclusion: (completed.body as CheckRunBody).conclusion ?? "?",
    completedMs: completed.at - started,
    respondedMs: response.ms,
    lastMs: github.requests[github.requests.length - 1].at - started,
    status: response.status,
  };
}

// ---------------------------------------------------------------------------------------------
// Report.

const ROUTE_ORDER: Route[] = [
  "createCheckRun",
  "config",
  "orgConfig",
  "files",
  "compare",
  "graphql",
  "blob",
  "tree",
  "comments",
  "reviews",
  "createReview",
  "updateCheckRun",
  "unknown",
];

function row(cells: (string | number)[], widths: number[]): string {
  return cells.map((c, i) => String(c).padStart(widths[i])).join("  ");
}

function printTable(reviews: Review[]): boolean {
  const widths = [8, 9, 8, 11, 8, 8, 6, 13, 11, 6];
  const head = [
    "PR files",
    "findings",
    "comments",
    "conclusion",
    "requests",
    "target ≤",
    "",
    "→ completed",
    "→ 200 OK",
    "HTTP",
  ];
  console.log(row(head, widths));
  let ok = true;
  for (const r of reviews) {
    const pass = r.requests <= r.budget && r.status === 200 && (r.byRoute.createReview ?? 0) <= 1;
    ok &&= pass;
    const cells = [
      r.files,
      r.annotations,
      r.inlineComments,
      r.conclusion,
      r.requests,
      r.budget,
      pass ? "PASS" : "FAIL",
      `${r.completedMs.toFixed(1)} ms`,
      `${r.respondedMs.toFixed(1)} ms`,
      r.status,
    ];
    console.log(row(cells, widths));
  }
  console.log("\nrequests by route (token and GET /app excluded: once per process, see warm-up):");
  for (const r of reviews) {
    const routes = ROUTE_ORDER.filter((route) => r.byRoute[route]).map(
      (route) => `${route} ${r.byRoute[route]}`,
    );
    console.log(`  ${String(r.files).padStart(5)} files: ${routes.join(", ")}`);
  }
  return ok;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function latency(github: FakeGitHub, app: RunningApp, label: string): Promise<number[]> {
  const runs: number[] = [];
  for (let run = 0; run < LATENCY_RUNS; run++) {
    runs.push((await measure(github, app, pullRequest(LATENCY_FILES, `${label}${run}`))).completedMs);
  }
  return runs;
}

/** BENCH_APP_THROTTLED=10,100 picks the throttled reference sizes (about 1 s per batch each). */
function throttledSizes(): number[] {
  const raw = process.env.BENCH_APP_THROTTLED ?? String(LATENCY_FILES);
  const sizes = raw.split(",").map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`BENCH_APP_THROTTLED: ${raw}`);
  return sizes;
}

async function main(): Promise<void> {
  const github = new FakeGitHub();
  await github.start();
  const app = await startApp({ githubHost: github.host });
  const throttled = await startApp({ githubHost: github.host, throttle: true });
  try {
    // The installation token and the bot's login are fetched once per process, not per PR.
    const warm = await measure(github, app, pullRequest(1, "warm"));
    const auth = github.requests.filter((r) => AUTH_ROUTES.includes(r.route)).map((r) => r.route);
    console.log("KubeDelta app bench: real app behind Probot's node middleware; fake GitHub on 127.0.0.1");
    console.log(`warm-up (1 file, ${warm.completedMs.toFixed(1)} ms): auth requests ${auth.join(", ")}\n`);

    const reviews: Review[] = [];
    for (const size of SIZES) reviews.push(await measure(github, app, pullRequest(size, `pr${size}`)));
    const budgetsMet = printTable(reviews);

    const runs = await latency(github, app, "lat");
    const p50 = median(runs);
    const fast = p50 < LATENCY_TARGET_MS;
    console.log(
      `\n${LATENCY_FILES}-file PR completes in under ${LATENCY_TARGET_MS} ms on loopback: ` +
        `${fast ? "PASS" : "FAIL"} (median ${p50.toFixed(1)} ms, max ${Math.max(...runs).toFixed(1)} ms ` +
        `over ${LATENCY_RUNS} cold reviews: ${runs.map((ms) => ms.toFixed(0)).join(", ")} ms)`,
    );
    console.log(`request budgets: ${budgetsMet ? "PASS" : "FAIL"} (and at most one review per PR)`);

    // Production keeps Probot's throttling: writes, and GraphQL queries too, go out a second apart.
    await measure(github, throttled, pullRequest(1, "warm-throttled"));
    for (const size of throttledSizes()) {
      const slow = await measure(github, throttled, pullRequest(size, `throttled${size}`));
      console.log(
        `for reference, with Probot's default throttling (production): ${size}-file PR ` +
          `${slow.completedMs.toFixed(0)} ms to the completed check run, ${slow.lastMs.toFixed(0)} ms to its ` +
          `last request (${slow.requests} requests, webhook answered ${slow.status})`,
      );
    }
    process.exitCode = budgetsMet && fast ? 0 : 1;
  } finally {
    await app.stop();
    await throttled.stop();
    await github.stop();
  }
}

await main();
