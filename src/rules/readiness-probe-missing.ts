// readiness-probe-missing: a container that arrives without a readinessProbe, or loses it. Without
// one, traffic reaches a pod before it is ready and while it is unhealthy.

import { probeMissingRule } from "./shared/probe-missing.js";

export const readinessProbeMissingRule = probeMissingRule(
  {
    field: "readinessProbe",
    missing: "traffic reaches it before it is ready",
    removed: "traffic will reach it before it is ready and while it is unhealthy",
  },
  {
    id: "readiness-probe-missing",
    title: "Container without a readiness probe",
    defaultSeverity: "low",
    description:
      "A container that arrives without a readinessProbe (new workload or new container), or whose readinessProbe is removed.",
    rationale:
      "Without a readiness probe a pod receives Service traffic as soon as its process starts, before it can " +
      "serve, and keeps receiving it while it is unhealthy; rolling updates then drop requests.",
    remediation:
      "Add a readinessProbe (httpGet, tcpSocket, grpc or exec) that succeeds only when the container can serve.",
    example: {
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
