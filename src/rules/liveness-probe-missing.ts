// liveness-probe-missing: a container that arrives without a livenessProbe, or loses it. Without
// one, a hung process is never restarted.

import { probeMissingRule } from "./shared/probe-missing.js";

export const livenessProbeMissingRule = probeMissingRule(
  {
    field: "livenessProbe",
    missing: "a hung process is never restarted",
    removed: "a hung process will no longer be restarted",
  },
  {
    id: "liveness-probe-missing",
    title: "Container without a liveness probe",
    defaultSeverity: "low",
    description:
      "A container that arrives without a livenessProbe (new workload or new container), or whose livenessProbe is removed.",
    rationale:
      "Without a liveness probe the kubelet restarts a container only when its process exits; a deadlocked " +
      "or hung process keeps its pod up and useless until someone notices.",
    remediation:
      "Add a livenessProbe that fails only when the container cannot recover by itself, with a generous " +
      "initialDelaySeconds or a startupProbe so slow starts are not killed.",
    example: {
      before: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/shop/api:1.4.2
          livenessProbe:
            httpGet: { path: /healthz, port: 8080 }
`,
      after: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/shop/api:1.4.2
`,
    },
  },
);
