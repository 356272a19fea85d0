// File contents at a commit, fetched in batches: one GraphQL request reads up to 50 files through
// aliased `object(expression: "<sha>:<path>")` lookups. Blobs are cached by their git sha across
// events, so a push re-reads only what changed. GraphQL gives no text for binary or very large
// blobs; those are read raw through the REST blob endpoint (the engine then decides what they are).

import type { Octokit, RepoRef } from "./types.js";

export const FILES_PER_REQUEST = 50;

/** Git blob sha → content; bounded by total bytes, least recently used evicted first. */
export class BlobCache {
  private readonly blobs = new Map<string, Uint8Array | string>();
  private bytes = 0;

  constructor(private readonly maxBytes = 256 * 1024 * 1024) {}

  get(oid: string): Uint8Array | string | undefined {
    const blob = this.blobs.get(oid);
    if (blob !== undefined) {
      this.blobs.delete(oid);
      this.blobs.set(oid, blob);
    }
    return blob;
  }

  set(oid: string, blob: Uint8Array | string): void {
    if (this.blobs.has(oid)) return;
    this.blobs.set(oid, blob);
    this.bytes += sizeOf(blob);
    for (const [key, value] of this.blobs) {
      if (this.bytes <= this.maxBytes) break;
      this.blobs.delete(key);
      this.bytes -= sizeOf(value);
    }
  }
}

function sizeOf(blob: Uint8Array | string): number {
  return typeof blob === "string" ? blob.length * 2 : blob.byteLength;
}

interface BlobNode {
  oid: string;
  isBinary: boolean | null;
  isTruncated: boolean;
  text: string | null;
}

type BatchResponse = { repository: Record<string, BlobNode | null> | null };

export class MissingFileError extends Error {
  constructor(
    readonly path: string,
    readonly sha: string,
  ) {
    super(`${path} is not a file at ${sha.slice(0, 7)}`);
  }
}

/** One request for up to FILES_PER_REQUEST paths; expressions travel as variables, never as query text. */
async function fetchBatch(
  octokit: Octokit,
  repo: RepoRef,
  sha: string,
  paths: string[],
): Promise<BlobNode[]> {
  const variables: Record<string, string> = { owner: repo.owner, name: repo.repo };
  const declarations = ["$owner: String!", "$name: String!"];
  const fields = paths.map((path, i) => {
    variables[`e${i}`] = `${sha}:${path}`;
    declarations.push(`$e${i}: String!`);
    return `f${i}: object(expression: $e${i}) { ... on Blob { oid isBinary isTruncated text } }`;
  });
  const query = `query(${declarations.join(", ")}) { repository(owner: $owner, name: $name) { ${fields.join(" ")} } }`;
  const response = await octokit.graphql<BatchResponse>(query, variables);
  return paths.map((path, i) => {
    const node = response.repository?.[`f${i}`];
    if (!node?.oid) throw new MissingFileError(path, sha);
    return node;
  });
}

async function fetchRaw(octokit: Octokit, repo: RepoRef, oid: string): Promise<Uint8Array> {
  const response = await octokit.request("GET /repos/{owner}/{repo}/git/blobs/{file_sha}", {
    ...repo,
    file_sha: oid,
    mediaType: { format: "raw" },
    request: { parseSuccessResponseBody: false },
  });
  const data = response.data as unknown;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (typeof data === "string") return new TextEncoder().encode(data);
  // Probot's fetch-based Octokit hands back a stream when the body is not parsed.
  return new Uint8Array(await new Response(data as ReadableStream).arrayBuffer());
}

/**
 * Contents of `paths` at commit `sha`. `known` maps paths to blob shas already known from the file
 * list: those found in the cache cost no request at all.
 */
export async function fetchFiles(
  octokit: Octokit,
  repo: RepoRef,
  sha: string,
  paths: readonly string[],
  cache: BlobCache,
  known: ReadonlyMap<string, string> = new Map(),
): Promise<Map<string, Uint8Array | string>> {
  const files = new Map<string, Uint8Array | string>();
  const wanted: string[] = [];
  for (const path of paths) {
    const oid = known.get(path);
    const cached = oid ? cache.get(oid) : undefined;
    if (cached !== undefined) files.set(path, cached);
    else wanted.push(path);
  }
  for (let start = 0; start < wanted.length; start += FILES_PER_REQUEST) {
    const batch = wanted.slice(start, start + FILES_PER_REQUEST);
    const nodes = await fetchBatch(octokit, repo, sha, batch);
    for (const [i, node] of nodes.entries()) {
      const content =
        cache.get(node.oid) ??
        (node.text !== null && !node.isBinary && !node.isTruncated
          ? node.text
          : await fetchRaw(octokit, repo, node.oid));
      cache.set(node.oid, content);
      files.set(batch[i], content);
    }
  }
  return files;
}
