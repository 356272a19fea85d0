// `npm run bench` (fourth part): rendering. A repository with 20 Kustomize overlays over 4 shared
// bases and 5 Helm charts; a one-file change to one base. Only the overlays over that base may be
// rendered, each side once, and a re-review of the same change (same render cache) renders nothing.

import { loadPolicy } from "../src/policy/load.js";
import { RenderCache } from "../src/render/render-cache.js";
import { reviewWithRendering } from "../src/render/review-change.js";
import { revisionOf } from "../src/render/revision.js";
import { rulesOf } from "../src/rules/catalog.js";

type Files = Record<string, string>;

const BASES = 4;
const OVERLAYS = 20;
const CHARTS = 5;

function deployment(name: string, image: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
        - name: ${name}
          image: ${image}
`;
}

function repository(): Files {
  const files: Files = {};
  for (let b = 0; b < BASES; b++) {
    files[`bases/app-${b}/deployment.yaml`] = deployment(`app-${b}`, `ghcr.io/acme/app-${b}:1.0.0`);
    files[`bases/app-${b}/service.yaml`] =
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: app-${b}\nspec:\n  selector: {app: app-${b}}\n  ports: [{port: 80}]\n`;
    files[`bases/app-${b}/kustomization.yaml`] = "resources:\n  - deployment.yaml\n  - service.yaml\n";
  }
  for (let o = 0; o < OVERLAYS; o++) {
    const base = o % BASES;
    files[`overlays/env-${o}/kustomization.yaml`] =
      `namespace: env-${o}\nresources:\n  - ../../bases/app-${base}\nimages:\n  - name: ghcr.io/acme/app-${base}\n    newTag: "1.${o}"\n`;
  }
  for (let c = 0; c < CHARTS; c++) {
    const dir = `charts/chart-${c}`;
    files[`${dir}/Chart.yaml`] = `apiVersion: v2\nname: chart-${c}\nversion: 0.1.${c}\n`;
    files[`${dir}/values.yaml`] = `image: ghcr.io/acme/chart-${c}:2.0.0\nreplicas: 2\n`;
    files[`${dir}/templates/deployment.yaml`] = deployment(
      `{{ .Release.Name }}`,
      "{{ .Values.image }}",
    ).replace("spec:\n  selector", "spec:\n  replicas: {{ .Values.replicas }}\n  selector");
  }
  return files;
}

async function main() {
  const base = repository();
  const head = {
    ...base,
    "bases/app-1/deployment.yaml": base["bases/app-1/deployment.yaml"].replace(
      "          image:",
      "          securityContext: {privileged: true}\n          image:",
    ),
  };
  const changed = new Set(["bases/app-1/deployment.yaml"]);
  const policy = loadPolicy();
  const cache = new RenderCache();
  const once = async () => {
    const started = performance.now();
    const { result, rendering } = await reviewWithRendering({
      review: {
        base: new Map(Object.entries(base)),
        head: new Map(Object.entries(head)),
        policy,
        rules: rulesOf(policy),
      },
      base: revisionOf(new Map(Object.entries(base))),
      head: revisionOf(new Map(Object.entries(head))),
      changed,
      settings: policy.render,
      cache,
    });
    return { result, rendering, seconds: (performance.now() - started) / 1000 };
  };
  const first = await once();
  const again = await once();
  const over = Array.from({ length: OVERLAYS }, (_, o) => o).filter((o) => o % BASES === 1);
  const expected = over.map((o) => `kustomize build of overlays/env-${o}`).sort();
  const affected = [...(first.rendering?.affected ?? [])].sort();
  const checks = [
    [
      "only the overlays over the changed base are rendered",
      JSON.stringify(affected) === JSON.stringify(expected),
    ],
    ["each side rendered once", first.rendering?.renders === 2 * expected.length],
    // Every other overlay and chart deploys to a namespace of its own: none is needed as context.
    ["no context rendered for targets in other namespaces", first.rendering?.context.length === 0],
    ["a cached re-review renders nothing", again.rendering?.renders === 0],
    [
      "the change is found in every overlay over the base",
      first.result.findings.filter((f) => f.rule === "privileged-container").length === expected.length,
    ],
    ["no errors", first.result.errors.length === 0],
  ] as const;
  console.log(
    `\nRendering: ${OVERLAYS} overlays over ${BASES} bases and ${CHARTS} charts (${first.rendering?.targets} targets); one-file change to a base`,
  );
  console.log("  review        targets rendered  as context  renders  cache hits  findings  seconds");
  for (const [name, run] of [
    ["first", first],
    ["re-review", again],
  ] as const) {
    console.log(
      `  ${name.padEnd(12)}  ${String(run.rendering?.affected.length).padStart(16)}  ${String(run.rendering?.context.length).padStart(10)}  ${String(run.rendering?.renders).padStart(7)}  ${String(run.rendering?.cacheHits).padStart(10)}  ${String(run.result.findings.length).padStart(8)}  ${run.seconds.toFixed(2).padStart(7)}`,
    );
  }
  for (const [name, ok] of checks) console.log(`  ${ok ? "PASS" : "FAIL"}  ${name}`);
  if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
}

await main();
