// The repositories the load test serves and the verdict each commit must get. Every pull request
// owns one team folder (apps/team-N: a Deployment, its Service, its NetworkPolicy, a README), so
// its content is its own and no review is served from another's cache. A commit applies a set of
// changes to the base tree; what the right check says follows from the changes alone, and
// `verifyFixtures` holds that claim to the KubeDelta CLI before anything is measured.

export type Change = "lb" | "multi" | "advice" | "quiet" | "docs";

/** What KubeDelta must conclude on a commit. */
export interface Expectation {
  conclusion: "success" | "failure";
  /** Rule ids the check must name (its blocking findings). */
  blockingRules: string[];
  /** false: the check must say that no Kubernetes manifest changed. */
  manifestChanged: boolean;
  /** The review must carry inline comments (findings sit on changed lines). */
  findings: boolean;
}

const EXPECTED: Record<Change, Expectation> = {
  // Service ClusterIP → LoadBalancer: one blocking finding.
  lb: {
    conclusion: "failure",
    blockingRules: ["service-load-balancer"],
    manifestChanged: true,
    findings: true,
  },
  // NodePort, a new service account and a control-plane toleration: three blocking findings.
  multi: {
    conclusion: "failure",
    blockingRules: ["service-node-port", "service-account-changed", "control-plane-toleration"],
    manifestChanged: true,
    findings: true,
  },
  // A sidecar without probes or resources: advice only, the check passes with comments.
  advice: { conclusion: "success", blockingRules: [], manifestChanged: true, findings: true },
  // More replicas: nothing to say.
  quiet: { conclusion: "success", blockingRules: [], manifestChanged: true, findings: false },
  // Only the README: no manifest changed.
  docs: { conclusion: "success", blockingRules: [], manifestChanged: false, findings: false },
};

/** The verdict of a commit that makes all of `changes`. */
export function expectationOf(changes: readonly Change[]): Expectation {
  const parts = changes.map((c) => EXPECTED[c]);
  return {
    conclusion: parts.some((p) => p.conclusion === "failure") ? "failure" : "success",
    blockingRules: [...new Set(parts.flatMap((p) => p.blockingRules))],
    manifestChanged: parts.some((p) => p.manifestChanged),
    findings: parts.some((p) => p.findings),
  };
}

const CONTROL_PLANE = "node-role.kubernetes.io/control-plane";

function deployment(
  team: string,
  opts: { replicas: number; account: string; tolerate: boolean; sidecar: boolean },
) {
  const toleration = opts.tolerate
    ? `      tolerations:\n        - key: ${CONTROL_PLANE}\n          operator: Exists\n          effect: NoSchedule\n`
    : "";
  const sidecar = opts.sidecar
    ? `        - name: sidecar\n          image: registry.example.com/${team}/proxy:2.3.1\n`
    : "";
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${team}
  labels:
    app.kubernetes.io/name: web
spec:
  replicas: ${opts.replicas}
  selector:
    matchLabels:
      app.kubernetes.io/name: web
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
    spec:
      serviceAccountName: ${opts.account}
${toleration}      containers:
        - name: app
          image: registry.example.com/${team}/web:1.0.1
          ports:
            - containerPort: 8080
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: 500m, memory: 256Mi}
          readinessProbe:
            httpGet: {path: /healthz, port: 8080}
          livenessProbe:
            httpGet: {path: /healthz, port: 8080}
${sidecar}`;
}

function service(team: string, type: string) {
  return `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${team}
spec:
  type: ${type}
  selector:
    app.kubernetes.io/name: web
  ports:
    - port: 80
      targetPort: 8080
`;
}

function networkPolicy(team: string) {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: ${team}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: web
  policyTypes: [Ingress]
  ingress:
    - ports:
        - port: 8080
`;
}

/** The files of one team folder, at the base or with `changes` applied. */
export function teamFiles(team: string, changes: readonly Change[] = []): Map<string, string> {
  const has = (c: Change) => changes.includes(c);
  const dir = `apps/${team}`;
  return new Map([
    [
      `${dir}/deployment.yaml`,
      deployment(team, {
        replicas: has("quiet") || has("multi") ? 3 : 2,
        account: has("multi") ? "admin" : "web",
        tolerate: has("multi"),
        sidecar: has("advice"),
      }),
    ],
    [
      `${dir}/service.yaml`,
      service(team, has("multi") ? "NodePort" : has("lb") ? "LoadBalancer" : "ClusterIP"),
    ],
    [`${dir}/networkpolicy.yaml`, networkPolicy(team)],
    [
      `${dir}/README.md`,
      `# ${team}\n\nThe web service of ${team}.\n${has("docs") ? "\nOn call: #web-oncall.\n" : ""}`,
    ],
  ]);
}

export function teamName(pull: number): string {
  return `team-${pull}`;
}
