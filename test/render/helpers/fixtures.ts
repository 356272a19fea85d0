// Small render targets modelled on real repositories: a Kustomize base with a production overlay
// (namespace, name prefix, image override, a strategic-merge patch, a generated ConfigMap), and a
// Helm chart with helpers, a production values file, a CRD and a vendored subchart.

import type { InputFile } from "../../../src/render/run.js";

export type FixtureFiles = Record<string, string | { symlink: string }>;

/** Repository files as a render request takes them. */
export function inputFiles(files: FixtureFiles): Map<string, InputFile> {
  return new Map(
    Object.entries(files).map(([path, content]) => [
      path,
      typeof content === "string" ? new TextEncoder().encode(content) : content,
    ]),
  );
}

export const KUSTOMIZE_APP: FixtureFiles = {
  "base/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
labels:
  - pairs:
      app.kubernetes.io/name: web
    includeSelectors: true
resources:
  - deployment.yaml
  - service.yaml
`,
  "base/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: web
          image: nginx:1.25
          ports:
            - containerPort: 8080
          envFrom:
            - configMapRef:
                name: web-settings
`,
  "base/service.yaml": `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 80
      targetPort: 8080
`,
  "overlays/prod/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: prod
namePrefix: prod-
resources:
  - ../../base
images:
  - name: nginx
    newName: registry.example.com/web
    newTag: 1.2.3
patches:
  - path: replicas.yaml
configMapGenerator:
  - name: web-settings
    literals:
      - LOG_LEVEL=info
`,
  "overlays/prod/replicas.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
`,
};

export const HELM_CHART: FixtureFiles = {
  "charts/web/Chart.yaml": `apiVersion: v2
name: web
description: A web server
type: application
version: 0.1.0
appVersion: "1.25"
dependencies:
  - name: cache
    version: 0.2.0
`,
  "charts/web/values.yaml": `replicaCount: 1
image:
  repository: nginx
  tag: ""
hostNetwork: false
podAnnotations: {}
service:
  type: ClusterIP
  port: 80
`,
  "charts/web/values-prod.yaml": `replicaCount: 3
service:
  type: LoadBalancer
`,
  "charts/web/templates/_helpers.tpl": `{{- define "web.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "web.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
`,
  "charts/web/templates/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "web.fullname" . }}
  labels:
    {{- include "web.labels" . | nindent 4 }}
  annotations:
    kubedelta.test/kube-version: {{ .Capabilities.KubeVersion.Version | quote }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      {{- include "web.labels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "web.labels" . | nindent 8 }}
      {{- with .Values.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      {{- if .Values.hostNetwork }}
      hostNetwork: true
      {{- end }}
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
`,
  "charts/web/templates/service.yaml": `apiVersion: v1
kind: Service
metadata:
  name: {{ include "web.fullname" . }}
spec:
  type: {{ .Values.service.type }}
  ports:
    - port: {{ .Values.service.port }}
  selector:
    {{- include "web.labels" . | nindent 4 }}
`,
  "charts/web/templates/servicemonitor.yaml": `{{- if .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "web.fullname" . }}
spec:
  endpoints:
    - port: http
{{- end }}
`,
  "charts/web/crds/backup.yaml": `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: backups.example.com
spec:
  group: example.com
  names:
    kind: Backup
    plural: backups
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
`,
  "charts/web/charts/cache/Chart.yaml": `apiVersion: v2
name: cache
version: 0.2.0
`,
  "charts/web/charts/cache/templates/statefulset.yaml": `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ .Release.Name }}-cache
spec:
  serviceName: {{ .Release.Name }}-cache
  selector:
    matchLabels:
      app: cache
  template:
    metadata:
      labels:
        app: cache
    spec:
      containers:
        - name: cache
          image: redis:7
`,
};

export const HELM_DEFAULTS = {
  releaseName: "shop",
  namespace: "default",
  kubeVersion: "1.32",
  apiVersions: [] as string[],
  valuesFiles: [] as string[],
  set: {} as Record<string, string>,
};
