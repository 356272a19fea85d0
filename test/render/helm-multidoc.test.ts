// Findings on objects that one Helm template renders as several `---`-separated documents, rendered
// by the real helm: each lands in its own document of the template (the n-th that renders
// something), past a document an `if` leaves out, through a `range` that renders several, and
// says so where the template cannot tell which document it was.

import { describe, expect, it } from "vitest";
import { type Files, lineOf, placed, reviewChange } from "./helpers/change.js";
import { useRealTools } from "./helpers/tools.js";

useRealTools();

const ALL = "charts/shop/templates/all.yaml";
const VALUES = "charts/shop/values.yaml";

const POD = (name: string) => `  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:`;

/**
 * One template: a migration Job only when asked for (off by default), a Service, a Deployment whose
 * account comes from the values, one that writes its account literally, and a Job per entry of
 * `jobs`. A `---` in a comment, a block scalar or a definition separates nothing.
 */
const TEMPLATE = `{{- if .Values.migrations }}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-migrate
spec:
  template:
    spec:
      serviceAccountName: migrations
      restartPolicy: Never
      containers:
        - name: migrate
          image: nginx:1.25
{{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
{{/*
---
The account is the release's.
*/}}
spec:
${POD("web")}
      serviceAccountName: {{ .Values.serviceAccount }}
      containers:
        - name: web
          image: nginx:1.25
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: worker-script
data:
  run.sh: |
    ---
    echo "a separator only at column 0"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
{{- define "shop.unused" }}
---
apiVersion: batch/v1
kind: Job
{{- end }}
spec:
${POD("worker")}
      serviceAccountName: worker
      containers:
        - name: worker
          image: nginx:1.25
{{- range .Values.jobs }}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .name }}
spec:
  template:
    spec:
      serviceAccountName: {{ .serviceAccount }}
      restartPolicy: Never
      containers:
        - name: job
          image: nginx:1.25
{{- end }}
`;

const CHART: Files = {
  "charts/shop/Chart.yaml": "apiVersion: v2\nname: shop\nversion: 0.1.0\n",
  [VALUES]: `serviceAccount: web
migrations: false
jobs:
  - name: nightly
    serviceAccount: batch
  - name: weekly
    serviceAccount: batch
`,
  [ALL]: TEMPLATE,
};

const with_ = (files: Files, changes: Files): Files => ({ ...files, ...changes });
/** The notes of a placement that is not sure: the nearest line, or a guess between documents. */
const UNSURE = /no source line writes this field|several documents that could render it/;
const sure = (result: { findings: { message: string }[] }) =>
  expect(result.findings.filter((f) => UNSURE.test(f.message))).toEqual([]);

describe("a Helm template that writes several documents", () => {
  it("puts a value read by the third document on the values line, past a first one the if leaves out", async () => {
    const head = with_(CHART, {
      [VALUES]: CHART[VALUES].replace("serviceAccount: web", "serviceAccount: admin"),
    });
    const { result } = await reviewChange(CHART, head);
    expect(placed(result)).toEqual([`${VALUES}:1 service-account-changed`]);
    expect(result.findings[0].resource).toMatchObject({ kind: "Deployment", name: "web" });
    sure(result);
  });

  it("puts fields the second and fifth documents write literally on their own lines, not on a sibling's", async () => {
    const template = TEMPLATE.replace("serviceAccountName: worker", "serviceAccountName: admin").replace(
      "  name: web\nspec:\n  ports:",
      "  name: web\nspec:\n  type: LoadBalancer\n  ports:",
    );
    const head = with_(CHART, { [ALL]: template });
    const { result } = await reviewChange(CHART, head);
    expect(placed(result).sort()).toEqual(
      [
        `${ALL}:${lineOf(head, ALL, "type: LoadBalancer")} service-load-balancer`,
        `${ALL}:${lineOf(head, ALL, "serviceAccountName: admin")} service-account-changed`,
      ].sort(),
    );
    expect(result.findings.map((f) => `${f.resource.kind}/${f.resource.name}`).sort()).toEqual([
      "Deployment/worker",
      "Service/web",
    ]);
    sure(result);
  });

  it("puts a field the template writes once for each item of a range on the line inside the range", async () => {
    const template = TEMPLATE.replace(
      "      restartPolicy: Never\n      containers:\n        - name: job",
      "      hostNetwork: true\n      restartPolicy: Never\n      containers:\n        - name: job",
    );
    const head = with_(CHART, { [ALL]: template });
    const { result } = await reviewChange(CHART, head);
    const line = lineOf(head, ALL, "hostNetwork: true");
    expect(line).toBeGreaterThan(lineOf(head, ALL, "range .Values.jobs"));
    expect(placed(result)).toEqual([`${ALL}:${line} host-namespace`, `${ALL}:${line} host-namespace`]);
    expect(result.findings.map((f) => f.resource.name).sort()).toEqual(["nightly", "weekly"]);
    sure(result);
  });

  it("puts a value an item of the range holds on the template line inside the range: the item is not followed", async () => {
    const values = CHART[VALUES].replace(
      "name: weekly\n    serviceAccount: batch",
      "name: weekly\n    serviceAccount: admin",
    );
    const head = with_(CHART, { [VALUES]: values });
    const { result } = await reviewChange(CHART, head);
    expect(placed(result)).toEqual([
      `${ALL}:${lineOf(head, ALL, "serviceAccountName: {{ .serviceAccount }}")} service-account-changed`,
    ]);
    expect(result.findings[0].resource).toMatchObject({ kind: "Job", name: "weekly" });
    sure(result);
  });

  it("counts the conditional document when it renders: its own Job and the range's keep their lines", async () => {
    const on = with_(CHART, { [VALUES]: CHART[VALUES].replace("migrations: false", "migrations: true") });
    const template = TEMPLATE.replace("serviceAccountName: migrations", "serviceAccountName: admin").replace(
      "{{- range .Values.jobs }}\n---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .name }}\nspec:\n  template:\n    spec:\n",
      "{{- range .Values.jobs }}\n---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .name }}\nspec:\n  template:\n    spec:\n      hostPID: true\n",
    );
    const head = with_(on, { [ALL]: template });
    const { result } = await reviewChange(on, head);
    expect(placed(result).sort()).toEqual(
      [
        `${ALL}:${lineOf(head, ALL, "serviceAccountName: admin")} service-account-changed`,
        `${ALL}:${lineOf(head, ALL, "hostPID: true")} host-namespace`,
        `${ALL}:${lineOf(head, ALL, "hostPID: true")} host-namespace`,
      ].sort(),
    );
    const migrate = result.findings.find((f) => f.rule === "service-account-changed");
    expect(migrate?.resource).toMatchObject({ kind: "Job", name: "shop-migrate" });
    sure(result);
  });
});

describe("a template whose first document is a hook", () => {
  const JOB = (name: string, account: string, hook: string) => `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Values.${name} }}${hook}
spec:
  template:
    spec:
      serviceAccountName: ${account}
      restartPolicy: Never
      containers:
        - name: job
          image: nginx:1.25`;
  const HOOKS = "charts/hooks/templates/jobs.yaml";
  const CHART: Files = {
    "charts/hooks/Chart.yaml": "apiVersion: v2\nname: hooks\nversion: 0.1.0\n",
    "charts/hooks/values.yaml": "setup: setup\ncleanup: cleanup\n",
    [HOOKS]: `${JOB("setup", "setup", '\n  annotations:\n    "helm.sh/hook": pre-install')}\n---\n${JOB("cleanup", "cleanup", "")}\n`,
  };

  it("finds the hook, which Helm prints after the other Job, in the first document", async () => {
    const head = with_(CHART, {
      [HOOKS]: CHART[HOOKS].replace("serviceAccountName: setup", "serviceAccountName: admin"),
    });
    const { result } = await reviewChange(CHART, head);
    expect(placed(result)).toEqual([
      `${HOOKS}:${lineOf(head, HOOKS, "serviceAccountName: admin")} service-account-changed`,
    ]);
    expect(result.findings[0].resource).toMatchObject({ kind: "Job", name: "setup" });
    sure(result);
  });
});

describe("when the template cannot tell which document rendered an object", () => {
  const ROLE = (resource: string, verbs: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {{ .Release.Name }}
rules:
  - apiGroups: [""]
    resources: [${resource}]
    verbs: [${verbs}]`;
  const PICK = "charts/pick/templates/role.yaml";
  const CHOICE: Files = {
    "charts/pick/Chart.yaml": "apiVersion: v2\nname: pick\nversion: 0.1.0\n",
    "charts/pick/values.yaml": "blue: false\ngreen: true\n",
    [PICK]: `{{- if .Values.blue }}\n${ROLE("configmaps", "get")}\n{{- end }}\n---\n{{- if .Values.green }}\n${ROLE("secrets", "get")}\n{{- end }}\n`,
  };

  it("offers every document that could be it, prefers the line the change touched, and says it is a guess", async () => {
    const head = with_(CHOICE, {
      [PICK]: CHOICE[PICK].replace("[secrets]\n    verbs: [get]", "[secrets]\n    verbs: [get, list]"),
    });
    const { result } = await reviewChange(CHOICE, head);
    expect(placed(result)).toEqual([`${PICK}:${lineOf(head, PICK, "verbs: [get, list]")} rbac-escalation`]);
    expect(result.findings[0].message).toContain(
      "the template has several documents that could render it; the likeliest is shown",
    );
  });
});
