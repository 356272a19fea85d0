{{/* The release's name for the App's objects, at most 63 characters (a DNS label). */}}
{{- define "kubedelta.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Redis's objects: the App's name with -redis, within 63 characters. */}}
{{- define "kubedelta.redisName" -}}
{{- printf "%s-redis" (include "kubedelta.fullname" . | trunc 57 | trimSuffix "-") -}}
{{- end -}}

{{/* Labels that select one component's pods: pass (dict "root" $ "component" "app"). */}}
{{- define "kubedelta.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Every object's labels. */}}
{{- define "kubedelta.labels" -}}
{{ include "kubedelta.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* The App's image. */}}
{{- define "kubedelta.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* The container hardening both workloads share. */}}
{{- define "kubedelta.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: [ALL]
{{- end -}}
