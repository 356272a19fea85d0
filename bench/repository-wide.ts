// `npm run bench` (third part): the rules that judge a change against the whole repository
// (NetworkPolicy coverage, RBAC chains ServiceAccount → bindings → roles, aggregation) must stay
// linear in the number of resources: a change touching 5% of the namespaces of a repository ten
// times larger must cost ten times more, not a hundred. Parsing is taken out of the measure (a warm
// ParseCache), so what is timed is pairing and the rules themselves.
//
// BENCH_REPO_SIZES=1000,10000,50000 picks the sizes (resources per side).

import { ParseCache } from "../src/engine/parse-cache.js";
import { review } from "../src/engine/review.js";
import { loadPolicy } from "../src/policy/load.js";
import { RULES } from "../src/rules/index.js";

const REPOSITORY_WIDE = [
  "network-policy-missing",
  "service-account-changed",
  "service-account-added",
  "rbac-escalation",
  "rbac-binding",
  "rbac-aggregation",
  "automount-service-account-token",
];
/**
 * Linear, not flat: 50 times the repository may cost somewhat more per resource through memory
 * effects (larger maps, more garbage collection), while a cost quadratic in the repository would
 * show up here as about 50×.
 */
const TARGET_GROWTH = 2;
const WORKLOADS = 6;
const RESOURCES_PER_NAMESPACE = WORKLOADS * 3 + 3 + 2;
const CHANGED_EVERY = 20;
/** What each namespace's role-k reads. */
const RESOURCES = ["configmaps", "services", "endpoints"];

function deployment(ns: string, j: number, account: string, labels = `{ app: web-${j} }`): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: web-${j}, namespace: ${ns} }
spec:
  selector: { matchLabels: { app: web-${j} } }
  template:
    metadata: { labels: ${labels} }
    spec:
      serviceAccountName: ${account}
      containers:
        - { name: app, image: "ghcr.io/acme/web:1.${j}" }
`;
}

function role(ns: string, k: number, extra = ""): string {
  return `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: role-${k}, namespace: ${ns} }
rules:
  - { apiGroups: [""], resources: [${RESOURCES[k]}], verbs: [get, list] }${extra}
`;
}

function binding(ns: string, j: number, subjects: string[]): string {
  return `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: binding-${j}, namespace: ${ns} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: role-${j % 3} }
subjects:
${subjects.map((s) => `  - { kind: ServiceAccount, name: ${s} }`).join("\n")}
`;
}

function policy(ns: string, name: string, ingress: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: ${name}, namespace: ${ns} }
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress: ${ingress}
`;
}

/** One namespace's file; a changed one gains permissions, a subject, an account switch and an open policy. */
function namespaceFile(i: number, changed: boolean): string {
  const ns = `team-${i}`;
  const docs: string[] = [];
  for (let j = 0; j < WORKLOADS; j++) {
    const account = changed && j === 2 ? "sa-3" : `sa-${j}`;
    docs.push(deployment(ns, j, account, changed && j === 4 ? "{ app: web-4, tier: new }" : undefined));
    docs.push(`apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: sa-${j}, namespace: ${ns} }\n`);
    docs.push(binding(ns, j, changed && j === 1 ? ["sa-1", "sa-5"] : [`sa-${j}`]));
  }
  const secrets = '\n  - { apiGroups: [""], resources: [secrets], verbs: [get] }';
  for (let k = 0; k < 3; k++) docs.push(role(ns, k, changed && k === 0 ? secrets : ""));
  if (changed)
    docs.push(`apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: sa-new, namespace: ${ns} }\n`);
  docs.push(policy(ns, "default-deny", "[]"));
  docs.push(
    policy(
      ns,
      "allow-frontend",
      changed ? "[{}]" : "[{ from: [{ podSelector: { matchLabels: { app: web-0 } } }] }]",
    ),
  );
  return docs.join("---\n");
}

/** Cluster-wide roles: some aggregate into view, one aggregator, bindings across namespaces. */
function clusterFile(namespaces: number, changed: boolean): string {
  const docs: string[] = [];
  for (let c = 0; c < Math.max(1, namespaces / 10); c++) {
    const toView = c % 2 === 0 || (changed && c % CHANGED_EVERY === 1);
    const label = toView
      ? 'rbac.authorization.k8s.io/aggregate-to-view: "true"'
      : 'acme.io/aggregate: "true"';
    const verbs = changed && c % CHANGED_EVERY === 0 ? "[get, list, delete]" : "[get, list]";
    docs.push(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: crd-${c}, labels: { ${label} } }
rules:
  - { apiGroups: [acme.io], resources: [widgets-${c}], verbs: ${verbs} }
`);
    docs.push(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: crd-${c} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: crd-${c} }
subjects:
  - { kind: ServiceAccount, name: sa-0, namespace: team-${c} }
`);
  }
  docs.push(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: acme-aggregate }
aggregationRule:
  clusterRoleSelectors:
    - matchLabels: { acme.io/aggregate: "true" }
rules: []
`);
  return docs.join("---\n");
}

function corpus(resources: number) {
  const namespaces = Math.max(1, Math.round(resources / RESOURCES_PER_NAMESPACE));
  const base = new Map<string, string>();
  const head = new Map<string, string>();
  for (let i = 0; i < namespaces; i++) {
    base.set(`teams/team-${i}.yaml`, namespaceFile(i, false));
    head.set(`teams/team-${i}.yaml`, namespaceFile(i, i % CHANGED_EVERY === 0));
  }
  base.set("cluster/roles.yaml", clusterFile(namespaces, false));
  head.set("cluster/roles.yaml", clusterFile(namespaces, true));
  return { base, head };
}

/** Best times of reviews without and with the rules, alternated so that both see the same JIT. */
function bestPair(runs: number, without: () => void, withRules: () => void): [number, number] {
  const best = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  for (let i = 0; i < runs; i++) {
    [without, withRules].forEach((run, k) => {
      const start = performance.now();
      run();
      best[k] = Math.min(best[k], performance.now() - start);
    });
  }
  return [best[0], best[1]];
}

interface SizeTiming {
  size: number;
  resources: number;
  /** Findings per rule: every rule measured must be doing its work. */
  findings: Record<string, number>;
  rulesMs: number;
}

function measure(size: number): SizeTiming {
  const { base, head } = corpus(size);
  const policy = loadPolicy();
  policy.limits.maxFiles = Number.MAX_SAFE_INTEGER;
  const rules = RULES.filter((rule) => REPOSITORY_WIDE.includes(rule.id));
  const cache = new ParseCache({
    maxEntries: 2 * (base.size + head.size) + 10,
    maxBytes: Number.POSITIVE_INFINITY,
  });
  const input = { base, head, policy, cache };
  const warm = review({ ...input, rules });
  if (warm.errors.length > 0) throw new Error(`input errors: ${JSON.stringify(warm.errors.slice(0, 3))}`);
  // Small sizes are quick and noisy: more runs.
  const runs = size > 10_000 ? 3 : 10;
  const [without, withRules] = bestPair(
    runs,
    () => review({ ...input, rules: [] }),
    () => review({ ...input, rules }),
  );
  return {
    size,
    resources: warm.stats.resourcesHead,
    findings: Object.fromEntries(
      REPOSITORY_WIDE.map((id) => [id, warm.findings.filter((f) => f.rule === id).length]),
    ),
    rulesMs: Math.max(0, withRules - without),
  };
}

function sizes(): number[] {
  const raw = process.env.BENCH_REPO_SIZES;
  return raw ? raw.split(",").map((s) => Number(s.trim())) : [1_000, 10_000, 50_000];
}

function main(): void {
  // A first, discarded pass warms the JIT, so the smallest size is not measured cold.
  measure(sizes()[0]);
  const timings = sizes().map(measure);
  const perResource = (t: SizeTiming) => (t.rulesMs * 1000) / t.resources;
  const lines = [
    "",
    `Repository-wide rules, warm parse cache, 1 namespace in ${CHANGED_EVERY} changed; findings per rule:`,
    `  ${REPOSITORY_WIDE.join("/")}`,
    ...timings.map(
      (t) =>
        `  ${String(t.resources).padStart(6)} resources: rules ${t.rulesMs.toFixed(1)} ms, ` +
        `${perResource(t).toFixed(2)} µs per resource; findings ${Object.values(t.findings).join("/")}`,
    ),
  ];
  const first = timings[0];
  const last = timings[timings.length - 1];
  if (first && last && first !== last) {
    const growth = perResource(last) / perResource(first);
    const verdict = growth <= TARGET_GROWTH ? "PASS" : "FAIL";
    lines.push(
      `  ${verdict}  per-resource rule time ${last.resources} ≤ ${TARGET_GROWTH}× ${first.resources}: ${growth.toFixed(2)}×`,
    );
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

main();
