// The Helm chart that deploys KubeDelta itself (deploy/helm/kubedelta), rendered by the real Helm:
// `helm lint` passes and its schema refuses bad values, the rendered App and Redis carry the
// safeguards the chart promises, and KubeDelta reviews its own deployment: the whole chart as a
// new change blocks nothing, and a change that opens it up is caught on the line that does it.

import { execFile } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { blockingFindings, reviewPassed } from "../../src/engine/types.js";
import { sandboxEnv } from "../../src/render/sandbox-env.js";
import { type Files, lineOf, reviewChange } from "../render/helpers/change.js";
import { realTools, useRealTools } from "../render/helpers/tools.js";
import { envOf, instructionsOf, lastOf, stagesOf } from "./dockerfile.js";

useRealTools();

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CHART = "deploy/helm/kubedelta";
const DEPLOYMENT = `${CHART}/templates/deployment.yaml`;

/** The chart's files, by repository path, as a pull request adding them would bring them. */
function chartFiles(): Files {
  const dir = join(ROOT, CHART);
  const files: Files = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    if (statSync(join(dir, name)).isFile())
      files[posix.join(CHART, name)] = readFileSync(join(dir, name), "utf8");
  }
  return files;
}

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "kubedelta-chart-test-"));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

/** Runs the real helm on the chart in the repository; never throws, the exit code tells. */
async function helm(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const tools = await realTools();
  const env = sandboxEnv({ home, plugins: join(home, "plugins"), tmp: home }, process.env);
  return new Promise((done) => {
    execFile(
      tools.helm.command,
      [...args],
      { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

interface K8sObject {
  kind: string;
  metadata: { name: string };
  // biome-ignore lint/suspicious/noExplicitAny: rendered manifests are read field by field below
  spec: any;
  [key: string]: unknown;
}

async function template(...set: string[]): Promise<K8sObject[]> {
  const out = await helm(["template", "kd", CHART, ...set.flatMap((s) => ["--set", s])]);
  if (out.code !== 0) throw new Error(`helm template failed: ${out.stderr}`);
  return parseAllDocuments(out.stdout)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

const one = (objects: readonly K8sObject[], kind: string, name: string) => {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  expect(found, `${kind} ${name}`).toHaveLength(1);
  return found[0];
};

describe("helm lint", () => {
  it("passes with --strict", async () => {
    const out = await helm(["lint", "--strict", CHART]);
    expect(out.stderr + out.stdout).toContain("0 chart(s) failed");
    expect(out.code).toBe(0);
  });

  it("fails on values the schema refuses", async () => {
    for (const bad of ["replicaCount=0", "service.type=ExternalName", "github.existingSecret="]) {
      const out = await helm(["lint", "--strict", CHART, "--set", bad]);
      expect(out.code, bad).not.toBe(0);
    }
  });
});

describe("the rendered App", () => {
  const dockerfile = stagesOf(instructionsOf(readFileSync(join(ROOT, "Dockerfile"), "utf8"))).at(-1);
  if (!dockerfile) throw new Error("the Dockerfile has no stage");

  it("runs two hardened replicas with liveness and readiness probes, resources and no service-account token", async () => {
    const objects = await template();
    const deployment = one(objects, "Deployment", "kd-kubedelta");
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    const pod = deployment.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    const [container] = pod.containers;
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(Object.keys(container.resources.requests).sort()).toEqual(["cpu", "memory"]);
    expect(Object.keys(container.resources.limits).sort()).toEqual(["cpu", "memory"]);
    // Probot's /ping: whether the process serves. Not /healthz, which fails on every replica at
    // once while Redis is down, when the App still takes webhooks (reviews run in process).
    for (const probe of [container.livenessProbe, container.readinessProbe]) {
      expect(probe.httpGet).toEqual({ path: "/ping", port: "http" });
    }
    // A read-only root: renders write their copies to /tmp, an emptyDir.
    expect(container.volumeMounts).toContainEqual({ name: "tmp", mountPath: "/tmp" });
    expect(pod.volumes.find((v: { name: string }) => v.name === "tmp").emptyDir).toBeDefined();
    expect(pod.serviceAccountName).toBeUndefined();
    expect(one(objects, "Service", "kd-kubedelta").spec.type).toBe("ClusterIP");
  });

  it("matches the image: its user, and the port the App listens on", async () => {
    const [deployment] = (await template()).filter((o) => o.kind === "Deployment");
    const pod = deployment.spec.template.spec;
    const [uid, gid] = (lastOf(dockerfile, "USER")?.args ?? "").split(":").map(Number);
    expect(pod.securityContext).toMatchObject({ runAsUser: uid, runAsGroup: gid });
    const port = Number(envOf(dockerfile).PORT);
    const [container] = pod.containers;
    expect(container.ports).toContainEqual({ name: "http", containerPort: port, protocol: "TCP" });
    expect(container.env).toContainEqual({ name: "PORT", value: String(port) });
  });

  it("takes every credential from a Secret it does not create, the private key as a file", async () => {
    const objects = await template();
    expect(objects.filter((o) => o.kind === "Secret")).toEqual([]);
    const pod = one(objects, "Deployment", "kd-kubedelta").spec.template.spec;
    const env = new Map(pod.containers[0].env.map((e: { name: string }) => [e.name, e]));
    for (const name of ["APP_ID", "WEBHOOK_SECRET"]) {
      expect(env.get(name), name).toEqual({
        name,
        valueFrom: { secretKeyRef: { name: "kubedelta-github", key: expect.any(String) } },
      });
    }
    expect(env.has("PRIVATE_KEY")).toBe(false);
    const keyPath = (env.get("PRIVATE_KEY_PATH") as { value: string }).value;
    const mount = pod.containers[0].volumeMounts.find((m: { mountPath: string }) =>
      keyPath.startsWith(`${m.mountPath}/`),
    );
    const volume = pod.volumes.find((v: { name: string }) => v.name === mount.name);
    expect(volume.secret).toMatchObject({
      secretName: "kubedelta-github",
      items: [{ key: "private-key", path: posix.basename(keyPath) }],
    });
  });

  it("runs Redis hardened, reachable only from the App, and points the App at it", async () => {
    const objects = await template();
    const redis = one(objects, "StatefulSet", "kd-kubedelta-redis");
    const pod = redis.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.containers[0].securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(pod.containers[0].command).toEqual(expect.arrayContaining(["--maxmemory-policy", "noeviction"]));
    const service = one(objects, "Service", "kd-kubedelta-redis");
    expect(service.spec.selector).toEqual(redis.spec.selector.matchLabels);
    const app = one(objects, "Deployment", "kd-kubedelta").spec.template.spec.containers[0];
    expect(app.env).toContainEqual({ name: "REDIS_URL", value: "redis://kd-kubedelta-redis:6379" });
    const policy = one(objects, "NetworkPolicy", "kd-kubedelta-redis");
    expect(policy.spec.podSelector.matchLabels).toEqual(redis.spec.selector.matchLabels);
    expect(policy.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(policy.spec.egress).toBeUndefined();
    expect(policy.spec.ingress).toEqual([
      {
        ports: [{ port: "redis", protocol: "TCP" }],
        from: [
          {
            podSelector: {
              matchLabels: one(objects, "Deployment", "kd-kubedelta").spec.selector.matchLabels,
            },
          },
        ],
      },
    ]);
    const appPolicy = one(objects, "NetworkPolicy", "kd-kubedelta");
    expect(appPolicy.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(appPolicy.spec.egress).toContainEqual({
      ports: [{ port: 6379, protocol: "TCP" }],
      to: [{ podSelector: { matchLabels: redis.spec.selector.matchLabels } }],
    });
  });

  it("uses an external Redis from a Secret instead, and refuses several replicas with no Redis at all", async () => {
    const objects = await template("redis.enabled=false", "externalRedis.existingSecret=queue");
    expect(objects.filter((o) => o.kind === "StatefulSet")).toEqual([]);
    const app = one(objects, "Deployment", "kd-kubedelta").spec.template.spec.containers[0];
    expect(app.env).toContainEqual({
      name: "REDIS_URL",
      valueFrom: { secretKeyRef: { name: "queue", key: "redis-url" } },
    });
    const out = await helm(["template", "kd", CHART, "--set", "redis.enabled=false"]);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain("replicaCount > 1 needs Redis");
    expect(await template("redis.enabled=false", "replicaCount=1")).toContainEqual(
      expect.objectContaining({ kind: "Deployment" }),
    );
  });
});

describe("KubeDelta reviewing its own deployment", () => {
  const files = chartFiles();

  it("finds nothing blocking in the whole chart added as a new change", async () => {
    const { result, rendering } = await reviewChange({}, files);
    // It did render the chart and judge what it deploys: no silent pass on nothing.
    expect(rendering?.affected).toEqual([`helm template of ${CHART} with values.yaml`]);
    expect(result.stats.resourcesHead).toBe(7);
    expect(result.errors).toEqual([]);
    expect(blockingFindings(result)).toEqual([]);
    expect(reviewPassed(result)).toBe(true);
    // What it does say, and why the chart keeps it: Probot reads APP_ID and WEBHOOK_SECRET from the
    // environment only (the private key is a file).
    expect(result.findings.map((f) => `${f.file}:${f.line} ${f.rule} ${f.severity}`)).toEqual([
      `${DEPLOYMENT}:${lineOf(files, DEPLOYMENT, "name: APP_ID")} secret-in-env medium`,
      `${DEPLOYMENT}:${lineOf(files, DEPLOYMENT, "name: WEBHOOK_SECRET")} secret-in-env medium`,
    ]);
  });

  it("catches a values change that puts the App behind a LoadBalancer, on the values line", async () => {
    const path = `${CHART}/values.yaml`;
    const head = { ...files, [path]: files[path].replace("  type: ClusterIP", "  type: LoadBalancer") };
    expect(head[path]).not.toBe(files[path]);
    const { result } = await reviewChange(files, head);
    const blocking = blockingFindings(result);
    expect(blocking.map((f) => `${f.file}:${f.line} ${f.rule}`)).toEqual([
      `${path}:${lineOf(head, path, "type: LoadBalancer")} service-load-balancer`,
    ]);
    expect(reviewPassed(result)).toBe(false);
  });

  it("catches a privileged container, on the line of the shared definition that makes it", async () => {
    const path = `${CHART}/templates/_helpers.tpl`;
    const head = { ...files, [path]: files[path].replace("privileged: false", "privileged: true") };
    expect(head[path]).not.toBe(files[path]);
    const { result } = await reviewChange(files, head);
    const privileged = result.findings.filter((f) => f.rule === "privileged-container");
    // Both workloads include the definition: the App's container and Redis's.
    expect(privileged.map((f) => `${f.file}:${f.line}`)).toEqual([
      `${path}:${lineOf(head, path, "privileged: true")}`,
      `${path}:${lineOf(head, path, "privileged: true")}`,
    ]);
    expect(privileged.every((f) => blockingFindings(result).includes(f))).toBe(true);
  });
});
