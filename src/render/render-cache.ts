// Renders by the hash of everything that decides their output: the tool and its version, the
// request's options, and every input file's path and content. An unchanged side or an unchanged
// target of a pull request is never rendered twice, and a re-review of the same pull request
// renders nothing.
//
// Kept: successes, and failures where the tool ran and reported an error (the same input fails the
// same way with the same tool). Not kept: limits hit (a timeout on a busy machine may pass on the
// next try, and the limits are not part of the key), a binary that would not start, a refused
// request or a missing tool (no render happened). Identical requests in flight share one render.

import { createHash } from "node:crypto";
import { LruCache } from "../engine/lru.js";
import {
  DEFAULT_RENDER_LIMITS,
  type RenderLimits,
  type RenderRequest,
  type RenderResult,
  render,
} from "./run.js";
import { type FoundTools, findTools, type Tool } from "./tools.js";

/** Default budget: this many bytes of rendered output (and failure messages). */
export const DEFAULT_RENDER_CACHE_BYTES = 128 * 1024 * 1024;

export interface RenderCacheOptions {
  maxBytes?: number;
  /** Where the tools come from (default: findTools() on this process's environment). */
  tools?: () => Promise<FoundTools>;
}

const sha256 = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("hex");

/** JSON with object keys sorted at every level, so equal options give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The cache key of rendering `request` with `tool`. */
export function renderKey(tool: Tool, request: RenderRequest): string {
  const options =
    request.tool === "helm" ? { target: request.target, helm: request.helm } : { target: request.target };
  const files = [...request.files]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, file]) =>
      file instanceof Uint8Array ? [path, "file", sha256(file)] : [path, "symlink", sha256(file.symlink)],
    );
  return sha256(canonicalJson([tool.name, tool.version, request.tool, options, files]));
}

const cacheable = (result: RenderResult): boolean => result.ok || result.failure === "failed";

const sizeOf = (result: RenderResult): number =>
  Buffer.byteLength(result.ok ? result.output : result.message);

export class RenderCache {
  private readonly results: LruCache<string, RenderResult>;
  private readonly inFlight = new Map<string, Promise<RenderResult>>();
  private readonly tools: () => Promise<FoundTools>;
  /** Tool runs started. */
  renders = 0;
  /** Requests answered without a run of their own: from the cache or by joining one in flight. */
  hits = 0;

  constructor(options: RenderCacheOptions = {}) {
    this.results = new LruCache({ maxSize: options.maxBytes ?? DEFAULT_RENDER_CACHE_BYTES }, sizeOf);
    this.tools = options.tools ?? (() => findTools());
  }

  /** How many results, of how many bytes, the cache holds. */
  get size(): { entries: number; bytes: number } {
    return this.results.size;
  }

  async render(request: RenderRequest, limits: RenderLimits = DEFAULT_RENDER_LIMITS): Promise<RenderResult> {
    const tools = await this.tools();
    const tool = tools[request.tool];
    if (tool === undefined) return render(request, limits, tools);
    const key = renderKey(tool, request);
    const cached = this.results.get(key) ?? this.inFlight.get(key);
    if (cached !== undefined) {
      this.hits++;
      return cached;
    }
    this.renders++;
    const running = render(request, limits, tools).then((result) => {
      if (cacheable(result)) this.results.set(key, result);
      return result;
    });
    this.inFlight.set(key, running);
    try {
      return await running;
    } finally {
      this.inFlight.delete(key);
    }
  }
}

let shared: RenderCache | undefined;

/** The process-wide cache (the App's replicas each keep one). */
export function sharedRenderCache(): RenderCache {
  shared ??= new RenderCache();
  return shared;
}
