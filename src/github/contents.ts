// File contents at commits, fetched in batches: one GraphQL request reads up to 100 files (base and
// head versions alike) through aliased `object(expression: "<sha>:<path>")` lookups. Few requests
// matter twice: for the API budget, and because GitHub's guidance (Probot's throttling) spaces
// GraphQL requests a second apart. Blobs are cached by their git sha across events, so a push
// re-reads only what changed. GraphQL gives no text for binary or very large blobs, and its text
// is GitHub's decoding of the bytes, which may not be them (invalid UTF-8 comes back replaced):
// every content is checked against its blob id, and read raw through the REST blob endpoint when
// the text is not the blob. Bytes that are not the blob either fail the review.

import { createHash } from "node:crypto";
import { LruCache } from "../engine/lru.js";
import type { Octokit, RepoRef } from "./types.js";

export const FILES_PER_REQUEST = 100;

/** Git blob sha → content; bounded by total bytes, least recently used evicted first. */
export class BlobCache {
  private readonly blobs: LruCache<string, Uint8Array | string>;

  constructor(maxBytes = 256 * 1024 * 1024) {
    this.blobs = new LruCache({ maxSize: maxBytes }, sizeOf);
  }

  get(oid: string): Uint8Array | string | undefined {
    return this.blobs.get(oid);
  }

  set(oid: string, blob: Uint8Array | string): void {
    this.blobs.set(oid, blob);
  }
}

/** What a blob takes in memory: a string's UTF-16 units, or the bytes. */
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

/** GitHub's raw bytes of a changed file are not its blob (a truncated download, say). */
export class BlobMismatchError extends Error {
  constructor(
    readonly path: string,
    readonly oid: string,
    readonly byteLength: number,
  ) {
    super(
      `${path} could not be read: GitHub served ${byteLength} bytes that are not its blob ${oid.slice(0, 7)} (truncated or altered)`,
    );
  }
}

/** Git's id of a blob: sha1 of "blob <byte length>\0" followed by the bytes. */
export function gitBlobId(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.byteLength}\0`).update(bytes).digest("hex");
}

/** One file version to read: a path at a commit, and its blob sha when the caller knows it. */
export interface BlobLookup {
  sha: string;
  path: string;
  oid?: string;
}

/** One request for up to FILES_PER_REQUEST lookups; expressions travel as variables, never as query text. */
async function fetchBatch(octokit: Octokit, repo: RepoRef, lookups: BlobLookup[]): Promise<BlobNode[]> {
  const variables: Record<string, string> = { owner: repo.owner, name: repo.repo };
  const declarations = ["$owner: String!", "$name: String!"];
  const fields = lookups.map(({ sha, path }, i) => {
    variables[`e${i}`] = `${sha}:${path}`;
    declarations.push(`$e${i}: String!`);
    return `f${i}: object(expression: $e${i}) { ... on Blob { oid isBinary isTruncated text } }`;
  });
  const query = `query(${declarations.join(", ")}) { repository(owner: $owner, name: $name) { ${fields.join(" ")} } }`;
  const response = await octokit.graphql<BatchResponse>(query, variables);
  return lookups.map(({ sha, path }, i) => {
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
  // A body already decoded as text may not be the bytes any more: the blob id check catches that.
  if (typeof data === "string") return new TextEncoder().encode(data);
  // Probot's fetch-based Octokit hands back a stream when the body is not parsed.
  return new Uint8Array(await new Response(data as ReadableStream).arrayBuffer());
}

/**
 * The exact content of a blob: GraphQL's text when it is the blob byte for byte (kept as text,
 * the common case), else the raw bytes, which must be the blob.
 */
async function verifiedContent(
  octokit: Octokit,
  repo: RepoRef,
  node: BlobNode,
  path: string,
): Promise<Uint8Array | string> {
  if (node.text !== null && !node.isBinary && !node.isTruncated) {
    if (gitBlobId(Buffer.from(node.text, "utf8")) === node.oid) return node.text;
  }
  const raw = await fetchRaw(octokit, repo, node.oid);
  if (gitBlobId(raw) !== node.oid) throw new BlobMismatchError(path, node.oid, raw.byteLength);
  return raw;
}

export function lookupKey(sha: string, path: string): string {
  return `${sha}:${path}`;
}

/**
 * The contents of every lookup, by lookupKey(sha, path). Lookups whose blob sha is known and
 * cached cost no request at all.
 */
export async function fetchBlobs(
  octokit: Octokit,
  repo: RepoRef,
  lookups: readonly BlobLookup[],
  cache: BlobCache,
): Promise<Map<string, Uint8Array | string>> {
  const files = new Map<string, Uint8Array | string>();
  const wanted: BlobLookup[] = [];
  for (const lookup of lookups) {
    const cached = lookup.oid ? cache.get(lookup.oid) : undefined;
    if (cached !== undefined) files.set(lookupKey(lookup.sha, lookup.path), cached);
    else wanted.push(lookup);
  }
  for (let start = 0; start < wanted.length; start += FILES_PER_REQUEST) {
    const batch = wanted.slice(start, start + FILES_PER_REQUEST);
    const nodes = await fetchBatch(octokit, repo, batch);
    for (const [i, node] of nodes.entries()) {
      const content = cache.get(node.oid) ?? (await verifiedContent(octokit, repo, node, batch[i].path));
      cache.set(node.oid, content);
      files.set(lookupKey(batch[i].sha, batch[i].path), content);
    }
  }
  return files;
}
