// secret-in-env: a Secret newly read into a container's environment, one key (env[].valueFrom.
// secretKeyRef) or all of them (envFrom[].secretRef). Container names are unique across a pod's
// three container lists, so reads are compared by container name: reordering containers or
// variables, or moving the workload, is silent; a new container, variable, Secret or key is not.

import type { ResourceChange, Rule, RuleContext } from "../engine/rule.js";
import { isObject, type Json, type Path, type Resource, type RuleHit } from "../engine/types.js";
import { CONTAINER_WORD, type ContainerRef, containersOf } from "../k8s/containers.js";
import { describeResource, scalarText } from "../k8s/objects.js";
import { podSpecOf } from "../k8s/pods.js";

interface SecretRead {
  container: ContainerRef;
  /** The env or envFrom item. */
  path: Path;
  /** Container, Secret and key (or envFrom and Secret): the identity of the read. */
  key: string;
  /** `container|secret`: a whole-Secret read covers every key of that Secret in that container. */
  whole: string;
  variable?: string;
  secret: string;
  secretKey?: string;
}

/** A non-empty name, as the API server requires for a Secret reference; else undefined. */
function nameOf(value: Json | undefined): string | undefined {
  const text = scalarText(value)?.trim();
  return text ? text : undefined;
}

function readsOf(container: ContainerRef): SecretRead[] {
  const reads: SecretRead[] = [];
  const { env, envFrom } = container.container;
  const base = (secret: string) => ({ container, secret, whole: `${container.name}|${secret}` });
  if (Array.isArray(env)) {
    env.forEach((item, index) => {
      const valueFrom = isObject(item) ? item.valueFrom : undefined;
      const ref = isObject(valueFrom) ? valueFrom.secretKeyRef : undefined;
      const secret = isObject(ref) ? nameOf(ref.name) : undefined;
      const secretKey = isObject(ref) ? nameOf(ref.key) : undefined;
      if (!isObject(item) || !secret || !secretKey) return;
      const variable = nameOf(item.name) ?? `#${index}`;
      reads.push({
        ...base(secret),
        path: [...container.path, "env", index],
        // The variable's name is not part of the identity: renaming it exposes nothing new.
        key: ["env", container.name, secret, secretKey].join("|"),
        variable,
        secretKey,
      });
    });
  }
  if (Array.isArray(envFrom)) {
    envFrom.forEach((item, index) => {
      const ref = isObject(item) ? item.secretRef : undefined;
      const secret = isObject(ref) ? nameOf(ref.name) : undefined;
      if (!secret) return;
      reads.push({
        ...base(secret),
        path: [...container.path, "envFrom", index],
        key: ["envFrom", container.name, secret].join("|"),
      });
    });
  }
  return reads;
}

function secretReads(resource: Resource | undefined): SecretRead[] {
  const pod = podSpecOf(resource);
  return pod ? containersOf(pod.spec, pod.path).flatMap(readsOf) : [];
}

const WHY =
  "Environment variables leak easily: child processes inherit them, crash reports and debug endpoints dump " +
  "them, and anyone who can exec into the pod can read them. Mount the Secret as a file (a secret volume) instead, " +
  "or confirm the workload needs it.";

function hitOf(resource: Resource, read: SecretRead, fullState: boolean): RuleHit {
  // Full-state mode judges every resource as if it were new; "now" would mislead there.
  const now = fullState ? "" : "now ";
  const where = `${CONTAINER_WORD[read.container.list]} \`${read.container.name}\` of ${describeResource(resource)}`;
  const what =
    read.variable === undefined
      ? `${now}loads every key of Secret \`${read.secret}\` into its environment (envFrom)`
      : `${now}reads key \`${read.secretKey}\` of Secret \`${read.secret}\` into environment variable \`${read.variable}\``;
  return {
    path: read.path,
    key: read.key,
    message: `${where} ${what}. ${WHY}`,
  };
}

function check({ before, after }: ResourceChange, ctx: RuleContext): RuleHit[] {
  if (!after) return [];
  const old = secretReads(before);
  const known = new Set(old.map((read) => read.key));
  // A key already in the container's environment through envFrom is no new exposure.
  const wholes = new Set(old.filter((read) => read.variable === undefined).map((read) => read.whole));
  const hits: RuleHit[] = [];
  for (const read of secretReads(after)) {
    if (known.has(read.key) || (read.variable !== undefined && wholes.has(read.whole))) continue;
    known.add(read.key);
    hits.push(hitOf(after, read, ctx.fullState));
  }
  return hits;
}

export const secretInEnvRule: Rule = {
  id: "secret-in-env",
  title: "Secret read into an environment variable",
  defaultSeverity: "medium",
  description:
    "Flags a container that starts reading a Secret into its environment: a new env[].valueFrom.secretKeyRef or envFrom[].secretRef.",
  rationale:
    "Secrets in environment variables leak more easily than mounted files: every child process inherits them, " +
    "crash reporters, debug pages and log lines that print the environment expose them, and they cannot be " +
    "rotated without restarting the pod. A read is identified by container, Secret and key (envFrom: container " +
    "and Secret), so reordering or renaming the variable is silent, and a key the container already loaded through envFrom is " +
    "not new. The finding names the Secret and key, never a value.",
  remediation:
    "Mount the Secret as a volume and have the application read the file, or use a secrets-store CSI driver; if " +
    "an environment variable is unavoidable, read only the key the container needs instead of envFrom.",
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
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: db
                  key: password
`,
  },
  check,
};
