// Reviews of changes to Kustomize overlays and Helm charts, rendered by the real kustomize and helm:
// each finding on the source line that causes it, silence on what renders the same, and errors
// (never a pass) where a target cannot be rendered.

import { describe, expect, it } from "vitest";
import { reviewPassed } from "../../src/engine/types.js";
import { RenderCache } from "../../src/render/render-cache.js";
import { type Files, lineOf, placed, reviewChange } from "./helpers/change.js";
import { useRealTools } from "./helpers/tools.js";

useRealTools();

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.25
          resources:
            requests: {cpu: 100m, memory: 64Mi}
            limits: {cpu: 200m, memory: 128Mi}
`;

const RBAC = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: secrets-reader
rules:
  - apiGroups: [""]
    resources: [secrets]
    verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: web-secrets
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: secrets-reader
subjects:
  - kind: ServiceAccount
    name: web
    namespace: prod
`;

/** A base, two overlays over it, an unused component and a shared RBAC base used by staging. */
const OVERLAYS: Files = {
  "base/deployment.yaml": DEPLOYMENT,
  "base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
  "rbac/rbac.yaml": RBAC,
  "rbac/kustomization.yaml": "resources:\n  - rbac.yaml\n",
  "overlays/prod/kustomization.yaml": "namespace: prod\nnamePrefix: prod-\nresources:\n  - ../../base\n",
  "overlays/staging/kustomization.yaml": "namespace: staging\nresources:\n  - ../../base\n  - ../../rbac\n",
  "components/host/kustomization.yaml":
    "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - path: hostpath.yaml\n",
  "components/host/hostpath.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      volumes:
        - name: docker
          hostPath:
            path: /var/run/docker.sock
`,
};

const CHART: Files = {
  "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
  "charts/web/values.yaml": `image:
  repository: nginx
  tag: "1.25"
hostNetwork: false
hostPort: null
securityContext: {}
tolerations: []
`,
  "charts/web/templates/_helpers.tpl": '{{- define "web.fullname" -}}{{ .Release.Name }}-web{{- end }}\n',
  "charts/web/templates/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "web.fullname" . }}
  labels: {app: web}
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      {{- if .Values.hostNetwork }}
      hostNetwork: true
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          {{- if .Values.hostPort }}
          ports:
            - containerPort: 8080
              hostPort: {{ .Values.hostPort }}
          {{- end }}
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
          resources:
            requests: {cpu: 100m, memory: 64Mi}
            limits: {cpu: 200m, memory: 128Mi}
`,
};

const with_ = (files: Files, changes: Files): Files => ({ ...files, ...changes });

describe("Kustomize overlays, rendered at both revisions", () => {
  it("puts a component patch's hostPath on the patch line, for the overlay that takes the component", async () => {
    const head = with_(OVERLAYS, {
      "overlays/prod/kustomization.yaml":
        "namespace: prod\nnamePrefix: prod-\nresources:\n  - ../../base\ncomponents:\n  - ../../components/host\n",
    });
    const { result, rendering } = await reviewChange(OVERLAYS, head);
    const hostPath = result.findings.filter((f) => f.rule === "host-path");
    expect(hostPath).toHaveLength(1);
    expect(hostPath[0]).toMatchObject({
      file: "components/host/hostpath.yaml",
      line: lineOf(head, "components/host/hostpath.yaml", "path: /var/run/docker.sock"),
      resource: { kind: "Deployment", namespace: "prod", name: "prod-web" },
      rendered: { target: "overlays/prod", tool: "kustomize" },
    });
    expect(hostPath[0].message).toContain("(rendered by kustomize build of overlays/prod)");
    expect(reviewPassed(result)).toBe(false);
    // Only the overlay the change touches is rendered, once per side.
    expect(rendering?.affected).toEqual(["kustomize build of overlays/prod"]);
    expect(rendering?.renders).toBe(2);
  });

  it("puts the RBAC a base brings into an overlay on the overlay's resources line", async () => {
    const head = with_(OVERLAYS, {
      "overlays/prod/kustomization.yaml":
        "namespace: prod\nnamePrefix: prod-\nresources:\n  - ../../base\n  - ../../rbac\n",
    });
    const { result } = await reviewChange(OVERLAYS, head);
    const rbac = result.findings.filter((f) => f.rule.startsWith("rbac-"));
    expect(rbac.length).toBeGreaterThan(0);
    const line = lineOf(head, "overlays/prod/kustomization.yaml", "../../rbac");
    for (const finding of rbac) {
      expect(finding.file).toBe("overlays/prod/kustomization.yaml");
      expect(finding.line).toBe(line);
      expect(finding.message).toContain("the line that brings the resource into the target");
    }
    expect(rbac.map((f) => f.resource.name)).toContain("prod-web-secrets");
  });

  it("puts a registry moved by an images: entry on that entry's line", async () => {
    const head = with_(OVERLAYS, {
      "overlays/prod/kustomization.yaml":
        "namespace: prod\nnamePrefix: prod-\nresources:\n  - ../../base\nimages:\n  - name: nginx\n    newName: registry.evil.example/nginx\n",
    });
    const { result } = await reviewChange(OVERLAYS, head);
    expect(placed(result)).toEqual([
      `overlays/prod/kustomization.yaml:${lineOf(head, "overlays/prod/kustomization.yaml", "newName")} image-registry`,
    ]);
  });

  it("judges a change to a shared base in every overlay over it, on the base's line", async () => {
    const head = with_(OVERLAYS, {
      "base/deployment.yaml": DEPLOYMENT.replace(
        "          image: nginx:1.25\n",
        "          image: nginx:1.25\n          securityContext:\n            privileged: true\n",
      ),
    });
    const { result, rendering } = await reviewChange(OVERLAYS, head);
    const line = lineOf(head, "base/deployment.yaml", "privileged: true");
    expect(placed(result)).toEqual([
      `base/deployment.yaml:${line} privileged-container`,
      `base/deployment.yaml:${line} privileged-container`,
    ]);
    expect(result.findings.map((f) => `${f.resource.namespace}/${f.resource.name}`).sort()).toEqual([
      "prod/prod-web",
      "staging/web",
    ]);
    expect(rendering?.affected.sort()).toEqual([
      "kustomize build of overlays/prod",
      "kustomize build of overlays/staging",
    ]);
  });

  it("stays silent on a tag bump, labels and a refactor that renders the same", async () => {
    const head = with_(OVERLAYS, {
      // The same Deployment, split differently and with a comment: renders identically.
      "base/kustomization.yaml": "# the web app\nresources:\n- ./deployment.yaml\n",
      "base/deployment.yaml": DEPLOYMENT.replace("nginx:1.25", "nginx:1.26").replace(
        "  labels: {app: web}\nspec:",
        "  labels: {app: web, tier: frontend}\nspec:",
      ),
    });
    const { result } = await reviewChange(OVERLAYS, head);
    expect(result.findings).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(reviewPassed(result)).toBe(true);
  });

  it("fails closed on a remote base, naming the kustomization, without rendering", async () => {
    const head = with_(OVERLAYS, {
      "overlays/prod/kustomization.yaml":
        "namespace: prod\nresources:\n  - ../../base\n  - https://github.com/example/config//base?ref=v1\n",
    });
    const { result, rendering } = await reviewChange(OVERLAYS, head);
    expect(reviewPassed(result)).toBe(false);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].file).toBe("overlays/prod/kustomization.yaml");
    expect(result.errors[0].message).toMatch(/kustomize build of overlays\/prod at the head: .*remote/i);
    expect(rendering?.renders).toBe(0); // one side alone would make every resource look new
  });

  it("fails closed when the render fails, with kustomize's own message", async () => {
    const head = with_(OVERLAYS, {
      "overlays/prod/kustomization.yaml":
        "namespace: prod\nresources:\n  - ../../base\npatches:\n  - patch: 'not a patch'\n",
    });
    const { result } = await reviewChange(OVERLAYS, head);
    expect(reviewPassed(result)).toBe(false);
    expect(result.errors.map((e) => e.file)).toEqual(["overlays/prod/kustomization.yaml"]);
    expect(result.errors[0].message).toMatch(/^kustomize build of overlays\/prod at the head failed: /);
  });

  it("fails closed when the tool is missing, and renders nothing for a change no target reads", async () => {
    const head = with_(OVERLAYS, {
      "overlays/prod/kustomization.yaml": "namespace: prod\nnamePrefix: p-\nresources:\n  - ../../base\n",
    });
    const tools = { missing: { kustomize: "no kustomize or kubectl on PATH", helm: "no helm" } };
    const { result } = await reviewChange(OVERLAYS, head, { tools });
    expect(reviewPassed(result)).toBe(false);
    expect(result.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(
        /^kustomize build of overlays\/prod at the head failed: .*no kustomize or kubectl on PATH/,
      ),
    ]);
    const readme = await reviewChange(OVERLAYS, with_(OVERLAYS, { "README.md": "docs\n" }), { tools });
    expect(readme.result.errors).toEqual([]);
    expect(readme.rendering?.affected).toEqual([]);
  });

  it("renders nothing again for a re-review of the same change (the render cache)", async () => {
    const head = with_(OVERLAYS, {
      "overlays/prod/kustomization.yaml": "namespace: prod\nnamePrefix: p-\nresources:\n  - ../../base\n",
    });
    const cache = new RenderCache();
    const first = await reviewChange(OVERLAYS, head, { cache });
    const again = await reviewChange(OVERLAYS, head, { cache });
    expect(first.rendering?.renders).toBe(2);
    expect(again.rendering).toMatchObject({ renders: 0, cacheHits: 2 });
    expect(again.result.findings).toEqual(first.result.findings);
  });
});

describe("Helm charts, rendered at both revisions", () => {
  it("puts values that add a control-plane toleration, a hostPort and a privileged container on the values lines", async () => {
    const values = `image:
  repository: nginx
  tag: "1.25"
hostNetwork: false
hostPort: 8080
securityContext:
  privileged: true
tolerations:
  - key: node-role.kubernetes.io/control-plane
    operator: Exists
    effect: NoSchedule
`;
    const head = with_(CHART, { "charts/web/values.yaml": values });
    const { result } = await reviewChange(CHART, head);
    const at = (text: string) => lineOf(head, "charts/web/values.yaml", text);
    expect(placed(result).sort()).toEqual(
      [
        `charts/web/values.yaml:${at("hostPort: 8080")} host-port`,
        `charts/web/values.yaml:${at("privileged: true")} privileged-container`,
        `charts/web/values.yaml:${at("- key: node-role")} control-plane-toleration`,
      ].sort(),
    );
    expect(result.findings[0].rendered).toEqual({ target: "charts/web", tool: "helm" });
    expect(result.findings[0].message).toContain(
      "(rendered by helm template of charts/web with values.yaml)",
    );
    expect(result.findings[0].resource).toMatchObject({ namespace: "default", name: "web-web" });
  });

  it("puts a template change that adds hostNetwork on the template line", async () => {
    const template = CHART["charts/web/templates/deployment.yaml"].replace(
      "      {{- if .Values.hostNetwork }}\n      hostNetwork: true\n      {{- end }}\n",
      "      hostNetwork: true\n",
    );
    const head = with_(CHART, { "charts/web/templates/deployment.yaml": template });
    const { result } = await reviewChange(CHART, head);
    expect(placed(result)).toEqual([
      `charts/web/templates/deployment.yaml:${lineOf(head, "charts/web/templates/deployment.yaml", "hostNetwork: true")} host-namespace`,
    ]);
  });

  it("stays silent on a tag bump and a helper refactor that renders the same", async () => {
    const head = with_(CHART, {
      "charts/web/values.yaml": CHART["charts/web/values.yaml"].replace('"1.25"', '"1.26"'),
      "charts/web/templates/_helpers.tpl":
        '{{- define "web.fullname" -}}\n{{- printf "%s-web" .Release.Name -}}\n{{- end }}\n',
    });
    const { result } = await reviewChange(CHART, head);
    expect(result.findings).toEqual([]);
    expect(result.errors).toEqual([]);
  });

  it("fails closed on a dependency that is not vendored", async () => {
    const head = with_(CHART, {
      "charts/web/Chart.yaml":
        "apiVersion: v2\nname: web\nversion: 0.1.0\ndependencies:\n  - name: redis\n    version: 17.3.2\n    repository: https://charts.bitnami.com/bitnami\n",
    });
    const { result } = await reviewChange(CHART, head);
    expect(reviewPassed(result)).toBe(false);
    expect(result.errors[0]).toMatchObject({ file: "charts/web/Chart.yaml" });
    expect(result.errors[0].message).toMatch(/redis/);
  });

  it("renders with declared values files and options, and judges what they set", async () => {
    const head = with_(CHART, { "charts/web/values-prod.yaml": "hostNetwork: true\n" });
    const config = {
      render: { targets: [{ path: "charts/web", valuesFiles: ["values-prod.yaml"], namespace: "web" }] },
    };
    const { result } = await reviewChange(CHART, head, { config });
    expect(placed(result)).toEqual(["charts/web/values-prod.yaml:1 host-namespace"]);
    expect(result.findings[0].resource.namespace).toBe("web");
    expect(result.findings[0].message).toContain("values.yaml, values-prod.yaml");
  });
});

describe("plain manifests next to rendered targets", () => {
  it("reviews plain manifests as before, and never the render inputs as plain manifests", async () => {
    const base = {
      ...OVERLAYS,
      ...CHART,
      "plain/service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: ClusterIP\n",
    };
    const head = with_(base, {
      "plain/service.yaml": base["plain/service.yaml"].replace("ClusterIP", "LoadBalancer"),
      // A patch file alone would read as a Deployment without probes or resources.
      "overlays/prod/replicas.yaml":
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n",
      "overlays/prod/kustomization.yaml":
        "namespace: prod\nnamePrefix: prod-\nresources:\n  - ../../base\npatches:\n  - path: replicas.yaml\n",
    });
    const { result } = await reviewChange(base, head);
    expect(placed(result)).toEqual(["plain/service.yaml:6 service-load-balancer"]);
    expect(result.skipped).toEqual([]);
  });

  it("with rendering off, keeps the old notes: templates and patches are skipped", async () => {
    const head = with_(CHART, { "charts/web/values.yaml": "hostNetwork: true\n" });
    const { result, rendering } = await reviewChange(CHART, head, { config: { render: { enabled: false } } });
    expect(rendering).toBeUndefined();
    expect(result.findings).toEqual([]);
    expect(result.skipped.map((s) => s.file)).toEqual(["charts/web/values.yaml"]);
  });
});

describe("placing findings from less common sources", () => {
  const overlay = (patches: string) =>
    with_(OVERLAYS, {
      "overlays/prod/kustomization.yaml": `namespace: prod\nnamePrefix: prod-\nresources:\n  - ../../base\n${patches}`,
    });

  it("a JSON 6902 patch file: the operation's value line", async () => {
    const head = {
      ...overlay("patches:\n  - path: json.yaml\n    target:\n      kind: Deployment\n      name: web\n"),
      "overlays/prod/json.yaml":
        "- op: add\n  path: /spec/template/spec/containers/0/securityContext\n  value:\n    privileged: true\n",
    };
    const { result } = await reviewChange(OVERLAYS, head);
    expect(placed(result)).toEqual(["overlays/prod/json.yaml:4 privileged-container"]);
  });

  it("an inline strategic-merge patch: its line inside the kustomization", async () => {
    const head = overlay(
      "patches:\n  - patch: |-\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata:\n        name: web\n      spec:\n        template:\n          spec:\n            hostIPC: true\n",
    );
    const { result } = await reviewChange(OVERLAYS, head);
    const line = lineOf(head, "overlays/prod/kustomization.yaml", "hostIPC: true");
    expect(placed(result)).toEqual([`overlays/prod/kustomization.yaml:${line} host-namespace`]);
  });

  it("a patch on the second of two containers, matched by name", async () => {
    const two = DEPLOYMENT.replace(
      "      containers:\n",
      "      containers:\n        - name: sidecar\n          image: nginx:1.25\n          resources:\n            requests: {cpu: 10m, memory: 16Mi}\n            limits: {cpu: 20m, memory: 32Mi}\n",
    );
    const base = { ...OVERLAYS, "base/deployment.yaml": two };
    const head = {
      ...base,
      "overlays/prod/kustomization.yaml":
        "namespace: prod\nnamePrefix: prod-\nresources:\n  - ../../base\npatches:\n  - path: web.yaml\n",
      "overlays/prod/web.yaml":
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          securityContext:\n            privileged: true\n",
    };
    const { result } = await reviewChange(base, head);
    const line = lineOf(head, "overlays/prod/web.yaml", "privileged: true");
    expect(placed(result)).toEqual([`overlays/prod/web.yaml:${line} privileged-container`]);
    expect(result.findings[0].container).toBe("web");
  });

  it("a subchart's value set by the parent chart: the parent's values line", async () => {
    const chart: Files = {
      "charts/shop/Chart.yaml":
        "apiVersion: v2\nname: shop\nversion: 1.0.0\ndependencies:\n  - name: agent\n    version: 0.1.0\n",
      "charts/shop/values.yaml": "agent:\n  hostPID: false\n",
      "charts/shop/charts/agent/Chart.yaml": "apiVersion: v2\nname: agent\nversion: 0.1.0\n",
      "charts/shop/charts/agent/values.yaml": "hostPID: false\n",
      "charts/shop/charts/agent/templates/daemonset.yaml":
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  selector:\n    matchLabels: {app: agent}\n  template:\n    metadata:\n      labels: {app: agent}\n    spec:\n      hostPID: {{ .Values.hostPID }}\n      containers:\n        - name: agent\n          image: nginx:1.25\n",
    };
    const head = { ...chart, "charts/shop/values.yaml": "agent:\n  hostPID: true\n" };
    const { result } = await reviewChange(chart, head);
    expect(placed(result)).toEqual(["charts/shop/values.yaml:2 host-namespace"]);
  });
});

describe("what trying it on real repositories taught", () => {
  it("--render-target leaves the other targets' files to the plain review: a risky base change still fails", async () => {
    const head = with_(OVERLAYS, {
      "base/deployment.yaml": DEPLOYMENT.replace(
        "      containers:\n",
        "      hostPID: true\n      containers:\n",
      ),
    });
    const { result } = await reviewChange(
      { ...OVERLAYS, ...CHART },
      { ...head, ...CHART },
      { only: ["charts/web"] },
    );
    expect(placed(result)).toEqual([
      `base/deployment.yaml:${lineOf(head, "base/deployment.yaml", "hostPID")} host-namespace`,
    ]);
    expect(reviewPassed(result)).toBe(false);
  });

  it("says so when a changed values file is used by no render (a values-production.yaml of Argo CD)", async () => {
    const head = with_(CHART, { "charts/web/values-production.yaml": "hostNetwork: true\n" });
    const { result } = await reviewChange(CHART, head);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([
      {
        file: "charts/web/values-production.yaml",
        reason: expect.stringContaining("Helm values file that no render of charts/web uses"),
      },
    ]);
  });

  it("pairs a plain folder that becomes a kustomization with its plain version: only the patch is new", async () => {
    const base = { "app/deployment.yaml": DEPLOYMENT };
    const head = {
      ...base,
      "app/kustomization.yaml":
        "resources:\n- deployment.yaml\npatches:\n- patch: |-\n    - op: add\n      path: /spec/template/spec/hostPID\n      value: true\n  target:\n    kind: Deployment\n",
    };
    const { result } = await reviewChange(base, head);
    expect(placed(result)).toEqual([
      `app/kustomization.yaml:${lineOf(head, "app/kustomization.yaml", "value: true")} host-namespace`,
    ]);
  });

  it("judges the head whole when the base cannot render, with a note, and fails when the head cannot", async () => {
    const broken = with_(CHART, {
      "charts/web/templates/deployment.yaml": CHART["charts/web/templates/deployment.yaml"].replace(
        "  labels: {app: web}\nspec:",
        "  labels: {team: {{ .Values.team.name }}}\nspec:",
      ),
    });
    const fixed = with_(broken, {
      "charts/web/values.yaml": `${CHART["charts/web/values.yaml"]}team:\n  name: shop\n`,
    });
    const repaired = await reviewChange(broken, fixed);
    expect(repaired.result.errors).toEqual([]);
    expect(repaired.result.skipped).toEqual([
      {
        file: "charts/web/Chart.yaml",
        reason: expect.stringMatching(/at the base failed: .*nil pointer.*judged as if new$/s),
      },
    ]);
    expect(repaired.result.findings.length).toBeGreaterThan(0); // the whole head, as new
    const breaking = await reviewChange(fixed, broken);
    expect(breaking.result.findings).toEqual([]);
    expect(breaking.result.errors).toEqual([
      {
        file: "charts/web/Chart.yaml",
        message: expect.stringMatching(/^helm template of charts\/web with values.yaml at the head failed: /),
      },
    ]);
  });

  const HELM_CASES: Files = {
    "charts/svc/Chart.yaml": "apiVersion: v2\nname: svc\nversion: 0.1.0\n",
    "charts/svc/values.yaml":
      'service:\n  enabled: true\n  type: ClusterIP\n  externalTrafficPolicy: ""\nimage:\n  registry: quay.io\n  repository: prometheus/node-exporter\n  tag: v1.8.0\nverbs: [get]\n',
    "charts/svc/templates/_helpers.tpl":
      '{{- define "svc.image" -}}\n{{ .Values.image.registry }}/{{ .Values.image.repository }}:{{ .Values.image.tag }}\n{{- end }}\n',
    "charts/svc/templates/service.yaml":
      "{{- if .Values.service.enabled }}\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n{{- if .Values.service.externalTrafficPolicy }}\n  externalTrafficPolicy: {{ .Values.service.externalTrafficPolicy }}\n{{- end }}\n  type: {{ .Values.service.type }}\n  ports:\n  - port: 80\n{{- end }}\n",
    "charts/svc/templates/daemonset.yaml":
      'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: exporter\nspec:\n  selector:\n    matchLabels: {app: exporter}\n  template:\n    metadata:\n      labels: {app: exporter}\n    spec:\n      containers:\n      - name: exporter\n        image: {{ include "svc.image" . }}\n',
    "charts/svc/templates/role.yaml":
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\nrules:\n- apiGroups: [""]\n  resources: [pods]\n  verbs:\n  - get\n',
  };

  it("finds the values line past template actions at column 0, and through an include of _helpers.tpl", async () => {
    const values = HELM_CASES["charts/svc/values.yaml"];
    const head = with_(HELM_CASES, {
      "charts/svc/values.yaml": values
        .replace("ClusterIP", "LoadBalancer")
        .replace("registry: quay.io", "registry: docker.io"),
    });
    const { result } = await reviewChange(HELM_CASES, head);
    const at = (text: string) => lineOf(head, "charts/svc/values.yaml", text);
    expect(placed(result).sort()).toEqual(
      [
        `charts/svc/values.yaml:${at("LoadBalancer")} service-load-balancer`,
        `charts/svc/values.yaml:${at("registry: docker.io")} image-registry`,
      ].sort(),
    );
  });

  it("follows a pod spec built in _helpers.tpl to the line of the definition, or the values line it reads", async () => {
    const chart: Files = {
      "charts/agent/Chart.yaml": "apiVersion: v2\nname: agent\nversion: 0.1.0\n",
      "charts/agent/values.yaml": "securityContext: {}\n",
      "charts/agent/templates/_pod.tpl":
        '{{- define "agent.pod" -}}\ncontainers:\n  - name: agent\n    image: nginx:1.25\n    securityContext:\n      {{- toYaml .Values.securityContext | nindent 6 }}\n{{- end }}\n',
      "charts/agent/templates/daemonset.yaml":
        'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  selector:\n    matchLabels: {app: agent}\n  template:\n    metadata:\n      labels: {app: agent}\n    spec:\n      {{- include "agent.pod" . | nindent 6 }}\n',
    };
    const values = with_(chart, { "charts/agent/values.yaml": "securityContext:\n  privileged: true\n" });
    expect(placed((await reviewChange(chart, values)).result)).toEqual([
      "charts/agent/values.yaml:2 privileged-container",
    ]);
    const helper = with_(chart, {
      "charts/agent/templates/_pod.tpl": chart["charts/agent/templates/_pod.tpl"].replace(
        "containers:\n",
        "hostPID: true\ncontainers:\n",
      ),
    });
    expect(placed((await reviewChange(chart, helper)).result)).toEqual([
      `charts/agent/templates/_pod.tpl:${lineOf(helper, "charts/agent/templates/_pod.tpl", "hostPID")} host-namespace`,
    ]);
  });

  it("puts a verb added to a template's list on its own line", async () => {
    const role = HELM_CASES["charts/svc/templates/role.yaml"];
    const head = with_(HELM_CASES, { "charts/svc/templates/role.yaml": `${role}  - delete\n` });
    const { result } = await reviewChange(HELM_CASES, head);
    expect(placed(result)).toEqual([
      `charts/svc/templates/role.yaml:${lineOf(head, "charts/svc/templates/role.yaml", "- delete")} rbac-escalation`,
    ]);
  });
});

describe("the targets a change does not touch, as context", () => {
  const policy = (namespace: string) =>
    `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: apps\n  namespace: ${namespace}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n`;
  const REPO: Files = {
    ...OVERLAYS,
    "policies/prod/kustomization.yaml": "namespace: prod\nresources:\n  - policy.yaml\n",
    "policies/prod/policy.yaml": policy("prod"),
    "policies/dev/kustomization.yaml": "namespace: dev\nresources:\n  - policy.yaml\n",
    "policies/dev/policy.yaml": policy("dev"),
  };
  const worker = DEPLOYMENT.replaceAll("web", "worker");

  it("lets a NetworkPolicy of another overlay in the same namespace cover a new workload", async () => {
    const head = with_(REPO, {
      "base/worker.yaml": worker,
      "base/kustomization.yaml": "resources:\n  - deployment.yaml\n  - worker.yaml\n",
    });
    const { result, rendering } = await reviewChange(REPO, head);
    expect(
      result.findings.filter((f) => f.rule === "network-policy-missing").map((f) => f.resource.namespace),
    ).toEqual(["staging"]);
    // Rendered as context: the policies of namespaces the change deploys to, at the head only.
    expect(rendering?.context).toEqual(["kustomize build of policies/prod"]);
    expect(rendering?.renders).toBe(2 * 2 + 1);
    expect(result.errors).toEqual([]);
  });

  it("judges nothing in the context: a risk already there stays silent", async () => {
    const risky = with_(REPO, {
      "policies/prod/extra.yaml":
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: open\nspec:\n  type: LoadBalancer\n",
      "policies/prod/kustomization.yaml": "namespace: prod\nresources:\n  - policy.yaml\n  - extra.yaml\n",
    });
    const head = with_(risky, { "base/deployment.yaml": DEPLOYMENT.replace("nginx:1.25", "nginx:1.26") });
    const { result, rendering } = await reviewChange(risky, head);
    expect(rendering?.context).toContain("kustomize build of policies/prod");
    expect(result.findings).toEqual([]);
  });
});

describe("bounds and on-demand reads", () => {
  const head = with_(OVERLAYS, { "base/deployment.yaml": DEPLOYMENT.replace("nginx:1.25", "nginx:1.26") });
  const config = { render: { limits: { maxInputBytes: 200 } } };

  it.each([
    ["known from the tree listing, before any read", true],
    ["unknown until the files are read", false],
  ])("refuses a target over render.limits.maxInputBytes, sizes %s", async (_, sizes) => {
    const { result, rendering } = await reviewChange(OVERLAYS, head, { config, sizes });
    expect(reviewPassed(result)).toBe(false);
    expect(result.errors.map((e) => e.message)).toContainEqual(
      expect.stringMatching(
        /^kustomize build of overlays\/prod at the head: its input files are \d+ bytes, over render.limits.maxInputBytes \(200\): not rendered$/,
      ),
    );
    expect(rendering?.renders).toBe(0);
  });

  it("reads what a kustomization names on demand (a builtin transformer's config file)", async () => {
    const files = with_(OVERLAYS, {
      "overlays/prod/kustomization.yaml":
        "namespace: prod\nresources:\n  - ../../base\ntransformers:\n  - labels.yaml\n",
      "overlays/prod/labels.yaml":
        "apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: team\nlabels:\n  team: shop\nfieldSpecs:\n  - path: metadata/labels\n    create: true\n",
    });
    const changed = with_(files, {
      "base/deployment.yaml": DEPLOYMENT.replace(
        "      containers:\n",
        "      hostIPC: true\n      containers:\n",
      ),
    });
    const { result } = await reviewChange(files, changed);
    expect(result.errors).toEqual([]);
    expect(result.findings.map((f) => `${f.resource.namespace} ${f.rule}`).sort()).toEqual([
      "prod host-namespace",
      "staging host-namespace",
    ]);
  });

  it("notes, without failing, a context target that cannot be rendered", async () => {
    const files = {
      ...OVERLAYS,
      "policies/prod/kustomization.yaml": "namespace: prod\nresources:\n  - missing.yaml\n",
    };
    const changed = with_(files, { "base/deployment.yaml": DEPLOYMENT.replace("nginx:1.25", "nginx:1.26") });
    const { result } = await reviewChange(files, changed);
    expect(result.errors).toEqual([]);
    expect(result.skipped).toEqual([
      {
        file: "policies/prod/kustomization.yaml",
        reason: expect.stringMatching(
          /^kustomize build of policies\/prod: .*missing\.yaml.*\(as context: the rules that look across the repository did not see it\)$/,
        ),
      },
    ]);
  });
});
