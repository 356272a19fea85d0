// Builders for realistic Kubernetes objects, shaped like what teams write by hand or with
// kustomize: labels, annotations, env, resources, probes, volumes, RBAC rules in flow style.

import type { YamlMap, YamlValue } from "./emit.js";
import type { Rng } from "./prng.js";

export const REGISTRY = "registry.example.com";
export const CONTROL_PLANE_TOLERATION: YamlMap = {
  key: "node-role.kubernetes.io/control-plane",
  operator: "Exists",
  effect: "NoSchedule",
};

/** Everything the builders of one application share. */
export interface AppContext {
  rng: Rng;
  team: string;
  namespace: string;
  app: string;
  serviceAccount?: string;
  configMap?: string;
  port: number;
}

export type WorkloadKind = "Deployment" | "StatefulSet" | "DaemonSet" | "CronJob";

const LOG_LEVELS = ["debug", "info", "warn", "error"];
const ENV_NAMES = [
  "LOG_LEVEL",
  "LOG_FORMAT",
  "HTTP_PORT",
  "DB_HOST",
  "DB_PORT",
  "DB_NAME",
  "DB_PASSWORD",
  "REDIS_URL",
  "KAFKA_BROKERS",
  "OTEL_EXPORTER_OTLP_ENDPOINT",
  "FEATURE_FLAGS",
  "REGION",
  "CACHE_TTL_SECONDS",
  "MAX_CONNECTIONS",
  "JAVA_OPTS",
  "GOMAXPROCS",
  "POD_NAME",
  "POD_NAMESPACE",
  "API_TOKEN",
];
const CONFIG_SECTIONS = [
  "server",
  "logging",
  "database",
  "cache",
  "metrics",
  "tracing",
  "features",
  "clients",
];
const CONFIG_KEYS = [
  "enabled",
  "timeout",
  "retries",
  "endpoint",
  "poolSize",
  "level",
  "format",
  "interval",
  "mode",
];

/** Casts a YAML value known (by construction) to be a mapping. */
export function map(value: YamlValue | undefined): YamlMap {
  return value as YamlMap;
}

export function list(value: YamlValue | undefined): YamlValue[] {
  return value as YamlValue[];
}

/** Fresh objects every time: structuredClone keeps shared references, and edits must not leak. */
export function labels(ctx: AppContext): YamlMap {
  return {
    "app.kubernetes.io/name": ctx.app,
    "app.kubernetes.io/part-of": ctx.team,
    "app.kubernetes.io/managed-by": "kustomize",
    team: ctx.team,
  };
}

function metadata(ctx: AppContext, name: string, annotations?: YamlMap): YamlMap {
  const meta: YamlMap = { name, namespace: ctx.namespace, labels: labels(ctx) };
  if (annotations) meta.annotations = annotations;
  return meta;
}

function envValue(ctx: AppContext, name: string): YamlValue {
  const { rng, namespace, app } = ctx;
  switch (name) {
    case "LOG_LEVEL":
      return rng.pick(LOG_LEVELS);
    case "LOG_FORMAT":
      return "json";
    case "HTTP_PORT":
      return String(ctx.port);
    case "DB_HOST":
      return `postgres.${namespace}.svc.cluster.local`;
    case "DB_PORT":
      return "5432";
    case "REDIS_URL":
      return `redis://redis-master.${namespace}.svc:6379/${rng.int(0, 15)}`;
    case "KAFKA_BROKERS":
      return "kafka-0.kafka:9092,kafka-1.kafka:9092,kafka-2.kafka:9092";
    case "OTEL_EXPORTER_OTLP_ENDPOINT":
      return "http://otel-collector.observability:4317";
    case "JAVA_OPTS":
      return `-Xms${rng.pick([256, 512])}m -Xmx${rng.pick([1024, 2048])}m -XX:+UseG1GC`;
    case "GOMAXPROCS":
      return String(rng.int(1, 4));
    default:
      return `${app}-${name.toLowerCase().replace(/_/g, "-")}`;
  }
}

function envVar(ctx: AppContext, name: string): YamlMap {
  if (name === "POD_NAME" || name === "POD_NAMESPACE") {
    const field = name === "POD_NAME" ? "metadata.name" : "metadata.namespace";
    return { name, valueFrom: { fieldRef: { fieldPath: field } } };
  }
  if (name === "DB_PASSWORD" || name === "API_TOKEN") {
    return { name, valueFrom: { secretKeyRef: { name: `${ctx.app}-secrets`, key: name.toLowerCase() } } };
  }
  if (ctx.configMap && ctx.rng.chance(0.2)) {
    return { name, valueFrom: { configMapKeyRef: { name: ctx.configMap, key: name } } };
  }
  return { name, value: envValue(ctx, name) };
}

function envVars(ctx: AppContext): YamlMap[] {
  const count = ctx.rng.int(3, 8);
  const start = ctx.rng.int(0, ENV_NAMES.length - 1);
  const names = Array.from({ length: count }, (_, i) => ENV_NAMES[(start + i * 3) % ENV_NAMES.length]);
  return [...new Set(names)].map((name) => envVar(ctx, name));
}

function resources(rng: Rng): YamlMap {
  const cpu = rng.pick([50, 100, 200, 250, 500]);
  const memory = rng.pick([64, 128, 256, 512, 1024]);
  return {
    requests: { cpu: `${cpu}m`, memory: `${memory}Mi` },
    limits: { cpu: `${cpu * rng.pick([2, 4])}m`, memory: `${memory * 2}Mi` },
  };
}

function probe(ctx: AppContext, path: string): YamlMap {
  const { rng } = ctx;
  const action: YamlMap = rng.chance(0.8)
    ? { httpGet: { path, port: "http" } }
    : { exec: { command: ["/bin/grpc_health_probe", `-addr=:${ctx.port}`] } };
  return {
    ...action,
    initialDelaySeconds: rng.int(0, 15),
    periodSeconds: rng.pick([5, 10, 15]),
    timeoutSeconds: rng.int(1, 3),
    failureThreshold: 3,
  };
}

function container(ctx: AppContext, probes: boolean): YamlMap {
  const { rng } = ctx;
  const result: YamlMap = {
    name: rng.chance(0.5) ? "app" : ctx.app,
    image: `${REGISTRY}/${ctx.team}/${ctx.app}:${rng.int(0, 4)}.${rng.int(0, 30)}.${rng.int(0, 60)}`,
    imagePullPolicy: "IfNotPresent",
  };
  if (rng.chance(0.6)) result.args = [`--port=${ctx.port}`, `--log-level=${rng.pick(LOG_LEVELS)}`];
  result.ports = [{ name: "http", containerPort: ctx.port, protocol: "TCP" }];
  if (rng.chance(0.5)) list(result.ports).push({ name: "metrics", containerPort: 9090, protocol: "TCP" });
  result.env = envVars(ctx);
  if (rng.chance(0.9)) result.resources = resources(rng);
  if (probes && rng.chance(0.85)) result.readinessProbe = probe(ctx, "/readyz");
  if (probes && rng.chance(0.75)) result.livenessProbe = probe(ctx, "/healthz");
  result.securityContext = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
  };
  result.volumeMounts = [{ name: "tmp", mountPath: "/tmp" }];
  if (ctx.configMap)
    list(result.volumeMounts).push({ name: "config", mountPath: "/etc/app", readOnly: true });
  return result;
}

function sidecar(ctx: AppContext): YamlMap {
  return {
    name: "log-shipper",
    image: `${REGISTRY}/platform/fluent-bit:3.${ctx.rng.int(0, 2)}.${ctx.rng.int(0, 9)}`,
    args: ["--config=/fluent-bit/etc/fluent-bit.conf"],
    resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
    volumeMounts: [{ name: "tmp", mountPath: "/var/log/app", readOnly: true }],
  };
}

function podSpec(ctx: AppContext, kind: WorkloadKind): YamlMap {
  const { rng } = ctx;
  const spec: YamlMap = {};
  if (ctx.serviceAccount) spec.serviceAccountName = ctx.serviceAccount;
  if (kind === "CronJob") spec.restartPolicy = "OnFailure";
  spec.securityContext = {
    runAsNonRoot: true,
    runAsUser: 10001,
    fsGroup: 10001,
    seccompProfile: { type: "RuntimeDefault" },
  };
  spec.containers = [container(ctx, kind !== "CronJob")];
  if (rng.chance(0.3)) list(spec.containers).push(sidecar(ctx));
  spec.volumes = [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }];
  if (ctx.configMap) list(spec.volumes).push({ name: "config", configMap: { name: ctx.configMap } });
  if (rng.chance(0.2))
    spec.nodeSelector = {
      "kubernetes.io/os": "linux",
      "node.example.com/pool": rng.pick(["general", "memory"]),
    };
  if (kind === "DaemonSet") {
    spec.tolerations = [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" }];
    // Node agents often run on the control plane already: pre-existing, so never a finding.
    if (rng.chance(0.25)) list(spec.tolerations).push({ ...CONTROL_PLANE_TOLERATION });
  }
  if (kind !== "DaemonSet" && rng.chance(0.15)) {
    const term = {
      labelSelector: { matchLabels: { "app.kubernetes.io/name": ctx.app } },
      topologyKey: "kubernetes.io/hostname",
    };
    spec.affinity = {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }],
      },
    };
  }
  if (rng.chance(0.5)) spec.terminationGracePeriodSeconds = rng.pick([30, 60]);
  return spec;
}

function podTemplate(ctx: AppContext, kind: WorkloadKind): YamlMap {
  const annotations: YamlMap = { "prometheus.io/scrape": "true", "prometheus.io/port": "9090" };
  if (ctx.configMap) annotations["checksum/config"] = ctx.rng.hex(64);
  return { metadata: { labels: labels(ctx), annotations }, spec: podSpec(ctx, kind) };
}

function selector(ctx: AppContext): YamlMap {
  return { matchLabels: { "app.kubernetes.io/name": ctx.app } };
}

export function workload(ctx: AppContext, kind: WorkloadKind): YamlMap {
  const { rng } = ctx;
  const annotations = rng.chance(0.5)
    ? {
        "kubedelta.io/owner": `${ctx.team}@example.com`,
        "deployment.kubernetes.io/revision": String(rng.int(1, 40)),
      }
    : undefined;
  const meta = metadata(ctx, ctx.app, annotations);
  const apiVersion = kind === "CronJob" ? "batch/v1" : "apps/v1";
  if (kind === "CronJob") {
    const schedule = rng.pick(["*/15 * * * *", "0 * * * *", "30 2 * * *", "0 6 * * 1"]);
    const jobSpec = { backoffLimit: 2, activeDeadlineSeconds: 3600, template: podTemplate(ctx, kind) };
    const spec = {
      schedule,
      concurrencyPolicy: "Forbid",
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    };
    return { apiVersion, kind, metadata: meta, spec: { ...spec, jobTemplate: { spec: jobSpec } } };
  }
  const spec: YamlMap = {};
  if (kind === "Deployment") {
    spec.replicas = rng.pick([1, 2, 3, 4, 6]);
    spec.revisionHistoryLimit = 5;
    spec.strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } };
  } else if (kind === "StatefulSet") {
    spec.replicas = rng.int(1, 5);
    spec.serviceName = ctx.app;
    spec.podManagementPolicy = rng.pick(["OrderedReady", "Parallel"]);
  } else {
    spec.updateStrategy = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } };
  }
  spec.selector = selector(ctx);
  spec.template = podTemplate(ctx, kind);
  if (kind === "StatefulSet") {
    const claim = {
      accessModes: ["ReadWriteOnce"],
      storageClassName: "gp3",
      resources: { requests: { storage: `${rng.pick([10, 20, 50])}Gi` } },
    };
    spec.volumeClaimTemplates = [{ metadata: { name: "data" }, spec: claim }];
  }
  return { apiVersion, kind, metadata: meta, spec };
}

export function serviceAccount(ctx: AppContext, name: string): YamlMap {
  const annotations = ctx.rng.chance(0.4)
    ? { "eks.amazonaws.com/role-arn": `arn:aws:iam::123456789012:role/${ctx.team}-${ctx.app}` }
    : undefined;
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: metadata(ctx, name, annotations),
    automountServiceAccountToken: false,
  };
}

/** A config file embedded as a block scalar: the long ConfigMap values real repositories carry. */
function configFile(rng: Rng, lines: number): string {
  const out: string[] = [];
  while (out.length < lines) {
    out.push(`${rng.pick(CONFIG_SECTIONS)}:`);
    const entries = rng.int(2, 8);
    for (let i = 0; i < entries; i++) {
      const value = rng.pick([
        String(rng.int(1, 5000)),
        "true",
        "false",
        `"${rng.hex(12)}"`,
        `http://svc-${rng.int(1, 99)}:8080`,
      ]);
      out.push(`  ${rng.pick(CONFIG_KEYS)}${i}: ${value}`);
    }
  }
  return `${out.join("\n")}\n`;
}

export function configMap(ctx: AppContext, name: string): YamlMap {
  const { rng } = ctx;
  const data: YamlMap = {
    LOG_LEVEL: rng.pick(LOG_LEVELS),
    FEATURE_FLAGS: "checkout-v2,fast-search,dark-mode",
    CACHE_TTL_SECONDS: String(rng.pick([30, 60, 300])),
  };
  if (rng.chance(0.3)) data["application.yaml"] = configFile(rng, rng.int(20, 80));
  return { apiVersion: "v1", kind: "ConfigMap", metadata: metadata(ctx, name), data };
}

export function service(ctx: AppContext, type: "ClusterIP" | "NodePort" | "LoadBalancer"): YamlMap {
  const port: YamlMap = { name: "http", port: 80, targetPort: "http", protocol: "TCP" };
  if (type === "NodePort") port.nodePort = 30000 + ctx.rng.int(0, 2767);
  const annotations =
    type === "LoadBalancer" ? { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" } : undefined;
  const spec: YamlMap = { type, selector: { "app.kubernetes.io/name": ctx.app }, ports: [port] };
  if (type === "LoadBalancer") spec.externalTrafficPolicy = "Local";
  return { apiVersion: "v1", kind: "Service", metadata: metadata(ctx, ctx.app, annotations), spec };
}

export function ingress(ctx: AppContext): YamlMap {
  const host = `${ctx.app}.${ctx.team}.example.com`;
  const annotations = {
    "cert-manager.io/cluster-issuer": "letsencrypt",
    "nginx.ingress.kubernetes.io/proxy-body-size": "8m",
  };
  const backend = { service: { name: ctx.app, port: { name: "http" } } };
  const spec = {
    ingressClassName: "nginx",
    tls: [{ hosts: [host], secretName: `${ctx.app}-tls` }],
    rules: [{ host, http: { paths: [{ path: "/", pathType: "Prefix", backend }] } }],
  };
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: metadata(ctx, ctx.app, annotations),
    spec,
  };
}

function rbacRules(rng: Rng, cluster: boolean): YamlMap[] {
  const rules: YamlMap[] = [
    { apiGroups: [""], resources: ["configmaps", "endpoints"], verbs: ["get", "list", "watch"] },
  ];
  if (rng.chance(0.5))
    rules.push({
      apiGroups: ["coordination.k8s.io"],
      resources: ["leases"],
      verbs: ["get", "create", "update"],
    });
  if (cluster)
    rules.push({
      apiGroups: [""],
      resources: ["nodes", "namespaces", "pods"],
      verbs: ["get", "list", "watch"],
    });
  return rules;
}

/** A Role and its RoleBinding, or a ClusterRole and its ClusterRoleBinding. */
export function rolePair(ctx: AppContext, cluster: boolean, name: string): YamlMap[] {
  const kind = cluster ? "ClusterRole" : "Role";
  const meta = cluster ? { name, labels: labels(ctx) } : metadata(ctx, name);
  const bindingMeta = cluster ? { name, labels: labels(ctx) } : metadata(ctx, name);
  const role = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind,
    metadata: meta,
    rules: rbacRules(ctx.rng, cluster),
  };
  const subject = { kind: "ServiceAccount", name: ctx.serviceAccount ?? "default", namespace: ctx.namespace };
  const binding = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: `${kind}Binding`,
    metadata: bindingMeta,
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind, name },
    subjects: [subject],
  };
  return [role, binding];
}

export function networkPolicy(ctx: AppContext): YamlMap {
  const from: YamlMap[] = [
    { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } },
    { podSelector: { matchLabels: { "app.kubernetes.io/part-of": ctx.team } } },
  ];
  const dns = [
    { protocol: "UDP", port: 53 },
    { protocol: "TCP", port: 53 },
  ];
  const spec = {
    podSelector: selector(ctx),
    policyTypes: ["Ingress", "Egress"],
    ingress: [{ from, ports: [{ protocol: "TCP", port: ctx.port }] }],
    egress: [{ to: [{ namespaceSelector: {} }], ports: dns }],
  };
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: metadata(ctx, `${ctx.app}-allow`),
    spec,
  };
}
