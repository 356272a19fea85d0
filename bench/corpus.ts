// Deterministic corpus for the bench and its tests: a repository of N resources (base) and the
// same repository after a large PR (head). Seeded, so every run and machine sees the same bytes.
//
// The head edits ~5% of the resources the way real PRs do (image bumps, replicas, env, config),
// plants a few risky changes the rules must catch, moves resources between files, reformats a
// few files, and leaves every other file byte-identical (the parse cache must see through those).

import { type EmitStyle, emitFile, type YamlMap, type YamlValue } from "./emit.js";
import {
  type AppContext,
  CONTROL_PLANE_TOLERATION,
  configMap,
  ingress,
  list,
  map,
  networkPolicy,
  rolePair,
  service,
  serviceAccount,
  type WorkloadKind,
  workload,
} from "./manifests.js";
import { Rng } from "./prng.js";

export interface Corpus {
  base: Map<string, string>;
  head: Map<string, string>;
  /** UTF-8 bytes of all base and head files together. */
  bytes: number;
  /** How many edits of each sort the head carries (reports and tests read it). */
  edits: Record<string, number>;
}

interface FileModel {
  path: string;
  docs: YamlMap[];
  style: EmitStyle;
  comment?: string;
}

/** A (file, document index) position in the base. */
interface Ref {
  path: string;
  index: number;
}

const TEAMS = [
  "payments",
  "checkout",
  "search",
  "identity",
  "platform",
  "data",
  "ml",
  "growth",
  "infra",
  "billing",
  "notifications",
  "catalog",
  "shipping",
  "analytics",
  "security",
  "mobile",
];
const APP_WORDS = [
  "api",
  "worker",
  "gateway",
  "scheduler",
  "indexer",
  "cache",
  "frontend",
  "backend",
  "sync",
  "exporter",
  "consumer",
  "producer",
  "auth",
  "router",
  "ingest",
  "reporter",
  "proxy",
  "web",
  "admin",
  "batch",
];
const WORKLOAD_KINDS: readonly (readonly [WorkloadKind, number])[] = [
  ["Deployment", 65],
  ["StatefulSet", 12],
  ["DaemonSet", 5],
  ["CronJob", 18],
];
const SERVICE_TYPES = [
  ["ClusterIP", 93],
  ["NodePort", 5],
  ["LoadBalancer", 2],
] as const;
const POD_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "CronJob"];
const LONG_RUNNING = ["Deployment", "StatefulSet", "DaemonSet"];

function newContext(rng: Rng, team: string, app: string): AppContext {
  const namespace = rng.chance(0.8) ? team : `${team}-${rng.pick(["edge", "internal", "batch"])}`;
  return {
    rng,
    team,
    namespace,
    app,
    port: rng.pick([8080, 8000, 3000, 9000]),
    serviceAccount: rng.chance(0.8) ? app : undefined,
    configMap: rng.chance(0.7) ? `${app}-config` : undefined,
  };
}

/** The documents of one application's own file: account, config, workload, service, ingress. */
function appDocs(ctx: AppContext, kind: WorkloadKind): YamlMap[] {
  const { rng } = ctx;
  const docs: YamlMap[] = [];
  if (ctx.serviceAccount) docs.push(serviceAccount(ctx, ctx.serviceAccount));
  if (ctx.configMap) docs.push(configMap(ctx, ctx.configMap));
  docs.push(workload(ctx, kind));
  if (kind !== "CronJob" && (kind !== "DaemonSet" || rng.chance(0.5)))
    docs.push(service(ctx, rng.weighted(SERVICE_TYPES)));
  if (kind === "Deployment" && rng.chance(0.25)) docs.push(ingress(ctx));
  return docs;
}

function podSpecOf(doc: YamlMap): YamlMap {
  const spec = map(doc.spec);
  return doc.kind === "CronJob"
    ? map(map(map(map(spec.jobTemplate).spec).template).spec)
    : map(map(spec.template).spec);
}

function mainContainer(doc: YamlMap): YamlMap {
  return map(list(podSpecOf(doc).containers)[0]);
}

function hasControlPlaneToleration(doc: YamlMap): boolean {
  const tolerations = (podSpecOf(doc).tolerations ?? []) as YamlValue[];
  return tolerations.some((t) => map(t).key === CONTROL_PLANE_TOLERATION.key);
}

/** Chunked files (NetworkPolicies, ClusterRoles): each holds 4–20 documents. */
interface Chunk {
  index: number;
  left: number;
}

interface TeamState {
  style: EmitStyle;
  apps: number;
  network: Chunk;
  clusterRoles: Chunk;
}

class BaseBuilder {
  readonly files = new Map<string, FileModel>();
  readonly names = new Set<string>();
  count = 0;
  private readonly teams = new Map<string, TeamState>();

  constructor(
    private readonly rng: Rng,
    private readonly limit: number,
  ) {}

  get full(): boolean {
    return this.count >= this.limit;
  }

  private add(path: string, doc: YamlMap, style: EmitStyle, comment?: string): void {
    if (this.full) return;
    let file = this.files.get(path);
    if (!file) {
      file = { path, docs: [], style, comment };
      this.files.set(path, file);
    }
    file.docs.push(doc);
    this.count++;
  }

  private team(name: string): TeamState {
    let state = this.teams.get(name);
    if (!state) {
      // Teams differ in how they indent sequences, as they do in real monorepos.
      const style = { indentSequences: this.rng.chance(0.7), sortKeys: false };
      state = { style, apps: 0, network: { index: 0, left: 0 }, clusterRoles: { index: 0, left: 0 } };
      this.teams.set(name, state);
    }
    return state;
  }

  private chunk(chunk: Chunk, documents: number): number {
    if (chunk.left <= 0) {
      chunk.index++;
      chunk.left = this.rng.int(4, 20);
    }
    chunk.left -= documents;
    return chunk.index;
  }

  addApp(): void {
    const { rng } = this;
    const team = rng.pick(TEAMS);
    const state = this.team(team);
    const app = uniqueName(this.names, `${team}-${rng.pick(APP_WORDS)}`);
    const ctx = newContext(rng, team, app);
    const comment = rng.chance(0.4) ? `${app}: owned by team ${team}, deployed by Argo CD` : undefined;
    for (const doc of appDocs(ctx, rng.weighted(WORKLOAD_KINDS)))
      this.add(`apps/${team}/${app}.yaml`, doc, state.style, comment);
    if (rng.chance(0.2)) {
      for (const doc of rolePair(ctx, false, `${app}-reader`))
        this.add(`rbac/${team}/${app}-role.yaml`, doc, state.style);
    }
    if (rng.chance(0.6)) {
      const path = `network/${team}/policies-${this.chunk(state.network, 1)}.yaml`;
      this.add(path, networkPolicy(ctx), state.style, `NetworkPolicies of team ${team}`);
    }
    if (++state.apps % 6 === 0) {
      const path = `rbac/${team}/cluster-roles-${this.chunk(state.clusterRoles, 2)}.yaml`;
      for (const doc of rolePair(ctx, true, `${app}-view`)) this.add(path, doc, state.style);
    }
  }
}

function uniqueName(names: Set<string>, stem: string): string {
  let name = stem;
  for (let i = 2; names.has(name); i++) name = `${stem}-${i}`;
  names.add(name);
  return name;
}

/** Applies the PR's edits to copies of the base files it touches; everything else stays shared. */
class HeadEditor {
  readonly touched = new Map<string, FileModel>();
  readonly added = new Map<string, FileModel>();
  readonly edits: Record<string, number> = {};
  private readonly used = new Set<string>();
  private readonly byKind = new Map<string, Ref[]>();
  private readonly byDir = new Map<string, string[]>();
  private readonly paths: string[];
  private readonly appPaths: string[];

  constructor(
    private readonly base: ReadonlyMap<string, FileModel>,
    private readonly names: Set<string>,
    private readonly rng: Rng,
  ) {
    this.paths = [...base.keys()];
    this.appPaths = this.paths.filter((p) => p.startsWith("apps/"));
    for (const [path, file] of base) {
      const dir = path.slice(0, path.lastIndexOf("/"));
      this.byDir.set(dir, [...(this.byDir.get(dir) ?? []), path]);
      file.docs.forEach((doc, index) => {
        const kind = String(doc.kind);
        this.byKind.set(kind, [...(this.byKind.get(kind) ?? []), { path, index }]);
      });
    }
  }

  private count(edit: string, n = 1): void {
    this.edits[edit] = (this.edits[edit] ?? 0) + n;
  }

  /** The head copy of a file, made on first touch. */
  private file(path: string): FileModel {
    let file = this.touched.get(path);
    if (!file) {
      const original = this.base.get(path) as FileModel;
      file = {
        ...original,
        style: { ...original.style },
        docs: original.docs.map((d) => structuredClone(d)),
      };
      this.touched.set(path, file);
    }
    return file;
  }

  /** Head copy of a document; indices hold until the structural edits, which run last. */
  private doc(ref: Ref): YamlMap {
    return this.file(ref.path).docs[ref.index];
  }

  private baseDoc(ref: Ref): YamlMap {
    return (this.base.get(ref.path) as FileModel).docs[ref.index];
  }

  /** A resource no other edit has touched, of one of `kinds`, that `accept` likes. */
  private find(kinds: readonly string[], accept: (doc: YamlMap, ref: Ref) => boolean): Ref | undefined {
    const candidates = kinds.flatMap((kind) => this.byKind.get(kind) ?? []);
    if (candidates.length === 0) return undefined;
    for (let attempt = 0; attempt < 200; attempt++) {
      const ref = this.rng.pick(candidates);
      const key = `${ref.path}#${ref.index}`;
      if (this.used.has(key) || !accept(this.baseDoc(ref), ref)) continue;
      this.used.add(key);
      return ref;
    }
    return undefined;
  }

  // Risky changes: each must produce a finding.

  toLoadBalancer(): void {
    const ref = this.find(["Service"], (doc) => map(doc.spec).type === "ClusterIP");
    if (!ref) return;
    const svc = this.doc(ref);
    map(svc.spec).type = "LoadBalancer";
    map(svc.metadata).annotations = {
      "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
    };
    this.count("loadBalancer");
  }

  roleWildcard(): void {
    const ref = this.find(["Role", "ClusterRole"], () => true);
    if (!ref) return;
    map(list(this.doc(ref).rules)[0]).verbs = ["*"];
    this.count("rbacWildcard");
  }

  controlPlaneToleration(): void {
    const ref = this.find(LONG_RUNNING, (doc) => !hasControlPlaneToleration(doc));
    if (!ref) return;
    const spec = podSpecOf(this.doc(ref));
    spec.tolerations = [...((spec.tolerations ?? []) as YamlValue[]), { ...CONTROL_PLANE_TOLERATION }];
    this.count("controlPlaneToleration");
  }

  removeReadiness(): void {
    const ref = this.find(LONG_RUNNING, (doc) => mainContainer(doc).readinessProbe !== undefined);
    if (!ref) return;
    delete mainContainer(this.doc(ref)).readinessProbe;
    this.count("readinessRemoved");
  }

  newWorkload(): void {
    const team = this.rng.pick(TEAMS);
    const app = uniqueName(this.names, `${team}-${this.rng.pick(APP_WORDS)}`);
    const docs = appDocs(newContext(this.rng, team, app), "Deployment");
    const path = `apps/${team}/${app}.yaml`;
    this.added.set(path, { path, docs, style: { indentSequences: true, sortKeys: false } });
    this.count("newWorkloads");
    this.count("newResources", docs.length);
  }

  // Routine changes: what most of a large PR is.

  routine(count: number): void {
    const { rng } = this;
    let done = 0;
    // Edits cluster in files, as in real PRs: 1–3 resources of each touched file.
    for (let attempt = 0; done < count && attempt < count * 20; attempt++) {
      const path = rng.pick(rng.chance(0.85) ? this.appPaths : this.paths);
      const docs = (this.base.get(path) as FileModel).docs;
      for (let k = rng.int(1, Math.min(3, docs.length)); k > 0 && done < count; k--) {
        // Most edits land on workloads: a PR is mostly image bumps, replicas and env.
        const workload = docs.findIndex(
          (d, i) => POD_KINDS.includes(String(d.kind)) && !this.used.has(`${path}#${i}`),
        );
        const ref = {
          path,
          index: workload >= 0 && rng.chance(0.8) ? workload : rng.int(0, docs.length - 1),
        };
        const key = `${path}#${ref.index}`;
        if (this.used.has(key)) continue;
        this.used.add(key);
        this.count(this.routineEdit(this.doc(ref)));
        done++;
      }
    }
  }

  private routineEdit(doc: YamlMap): string {
    const { rng } = this;
    if (POD_KINDS.includes(String(doc.kind))) {
      const scalable = doc.kind === "Deployment" || doc.kind === "StatefulSet";
      const edit = rng.weighted([
        ["imageBump", 4],
        ["replicas", scalable ? 2 : 0],
        ["envAdded", 2],
        ["resources", 1],
        ["metadata", 1],
      ] as const);
      if (edit === "imageBump") bumpImage(mainContainer(doc));
      else if (edit === "replicas")
        map(doc.spec).replicas = nextReplicas(Number(map(doc.spec).replicas), rng);
      else if (edit === "envAdded") addEnv(mainContainer(doc), rng);
      else if (edit === "resources") growMemory(mainContainer(doc));
      else touchMetadata(doc, rng);
      return edit;
    }
    if (doc.kind === "ConfigMap" && rng.chance(0.75)) {
      editConfig(map(doc.data), rng);
      return "configData";
    }
    touchMetadata(doc, rng);
    return "metadata";
  }

  // Structural changes: moves and removals pick head objects first, then splice by identity.

  structural(moves: number, removals: number): void {
    const operations: { doc: YamlMap; from: string; to?: string }[] = [];
    const movable = ["ConfigMap", "Service", "NetworkPolicy", "ServiceAccount", "Ingress"];
    const siblings = (path: string) => this.byDir.get(path.slice(0, path.lastIndexOf("/"))) ?? [];
    const accept = (_doc: YamlMap, ref: Ref) =>
      (this.base.get(ref.path) as FileModel).docs.length >= 2 && siblings(ref.path).length >= 2;
    for (let i = 0; i < moves; i++) {
      const ref = this.find(movable, accept);
      if (!ref) continue;
      const others = siblings(ref.path).filter((p) => p !== ref.path);
      operations.push({ doc: this.doc(ref), from: ref.path, to: this.rng.pick(others) });
    }
    for (let i = 0; i < removals; i++) {
      const ref = this.find(["Ingress", "CronJob"], accept);
      if (ref) operations.push({ doc: this.doc(ref), from: ref.path });
    }
    for (const { doc, from, to } of operations) {
      const docs = this.file(from).docs;
      if (docs.length < 2) continue; // never empty a file: that would be a deletion, not a move
      docs.splice(docs.indexOf(doc), 1);
      if (to) this.file(to).docs.push(doc);
      this.count(to ? "moved" : "removed");
    }
  }

  /** Same objects, different bytes: key order and sequence indentation change. */
  reformat(files: number): void {
    const untouched = this.paths.filter(
      (p) => !this.touched.has(p) && (this.base.get(p) as FileModel).docs.length > 1,
    );
    for (let i = 0; i < files && untouched.length > 0; i++) {
      const path = untouched.splice(this.rng.int(0, untouched.length - 1), 1)[0];
      const file = this.file(path);
      file.style = { indentSequences: !file.style.indentSequences, sortKeys: true };
      this.count("reformattedFiles");
    }
  }
}

function bumpImage(container: YamlMap): void {
  const image = String(container.image);
  const colon = image.lastIndexOf(":");
  const [major, minor, patch] = image
    .slice(colon + 1)
    .split(".")
    .map(Number);
  container.image = `${image.slice(0, colon)}:${major}.${minor}.${patch + 1}`;
}

function nextReplicas(current: number, rng: Rng): number {
  const next = current + rng.pick([-1, 1, 2]);
  return next >= 1 && next !== current ? next : current + 1;
}

function addEnv(container: YamlMap, rng: Rng): void {
  const env = (container.env ?? []) as YamlValue[];
  container.env = [...env, { name: `FEATURE_${rng.hex(6).toUpperCase()}_ENABLED`, value: "true" }];
}

function growMemory(container: YamlMap): void {
  const limits = container.resources ? map(map(container.resources).limits) : undefined;
  if (limits) limits.memory = `${Number.parseInt(String(limits.memory), 10) * 2}Mi`;
  else
    container.resources = {
      requests: { cpu: "100m", memory: "256Mi" },
      limits: { cpu: "500m", memory: "512Mi" },
    };
}

function editConfig(data: YamlMap, rng: Rng): void {
  const file = data["application.yaml"];
  if (typeof file === "string") data["application.yaml"] = `${file}features:\n  rollout${rng.hex(4)}: true\n`;
  else data.LOG_LEVEL = data.LOG_LEVEL === "debug" ? "info" : "debug";
}

function touchMetadata(doc: YamlMap, rng: Rng): void {
  const meta = map(doc.metadata);
  meta.annotations = {
    ...((meta.annotations ?? {}) as YamlMap),
    "kubedelta.io/change-ticket": `CHG-${rng.int(1000, 99999)}`,
  };
}

function emitModel(file: FileModel): string {
  return emitFile(file.docs, file.style, file.comment);
}

export function generateCorpus(resourceCount: number, seed = 1): Corpus {
  const builder = new BaseBuilder(new Rng(seed), resourceCount);
  while (!builder.full) builder.addApp();
  const base = new Map<string, string>();
  for (const [path, file] of builder.files) base.set(path, emitModel(file));

  // A separate stream, so the base does not depend on what the head does.
  const editor = new HeadEditor(builder.files, builder.names, new Rng((seed * 7919 + 17) >>> 0));
  const planted = Math.max(1, Math.round(resourceCount / 1000));
  for (let i = 0; i < planted; i++) {
    editor.toLoadBalancer();
    editor.roleWildcard();
    editor.controlPlaneToleration();
    editor.removeReadiness();
    editor.newWorkload();
  }
  const special = 4 * planted + (editor.edits.newResources ?? 0) + 3 * planted;
  editor.routine(Math.max(3, Math.round(resourceCount * 0.05) - special));
  editor.structural(2 * planted, planted);
  editor.reformat(Math.max(1, Math.round(builder.files.size * 0.005)));

  const head = new Map<string, string>();
  for (const [path, text] of base) {
    const edited = editor.touched.get(path);
    if (!edited) head.set(path, text);
    else if (edited.docs.length > 0) head.set(path, emitModel(edited));
  }
  for (const [path, file] of editor.added) head.set(path, emitModel(file));

  let bytes = 0;
  for (const text of base.values()) bytes += Buffer.byteLength(text);
  for (const text of head.values()) bytes += Buffer.byteLength(text);
  return { base, head, bytes, edits: editor.edits };
}
