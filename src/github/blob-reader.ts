// The file reads of one review, in as few requests as the reads allow: reads asked for together
// (in the same turn of the event loop, such as both revisions' reads that rendering starts at once)
// go out as one fetchBlobs call, batched by GitHub's GraphQL, and no file version is asked for
// twice in a review. Across reviews, the BlobCache answers every read whose blob sha is known.

import { type BlobCache, type BlobLookup, fetchBlobs, lookupKey, MissingFileError } from "./contents.js";
import type { Octokit, RepoRef } from "./types.js";

type Content = Uint8Array | string;

interface Batch {
  lookups: BlobLookup[];
  sent: Promise<Map<string, Content>>;
}

export class BlobReader {
  private readonly reads = new Map<string, Promise<Content>>();
  private waiting: Batch | undefined;

  constructor(
    private readonly octokit: Octokit,
    private readonly repo: RepoRef,
    private readonly cache: BlobCache,
  ) {}

  /** The contents of `lookups`, by lookupKey(sha, path); a version that cannot be read throws. */
  async read(lookups: readonly BlobLookup[]): Promise<Map<string, Content>> {
    const keys = lookups.map((lookup) => {
      const key = lookupKey(lookup.sha, lookup.path);
      if (!this.reads.has(key)) this.reads.set(key, this.enqueue(lookup, key));
      return key;
    });
    const contents = await Promise.all(keys.map((key) => this.reads.get(key) as Promise<Content>));
    return new Map(keys.map((key, i) => [key, contents[i]]));
  }

  /** Joins the batch that leaves at the end of this turn, starting one when none is waiting. */
  private enqueue(lookup: BlobLookup, key: string): Promise<Content> {
    if (this.waiting === undefined) {
      const lookups: BlobLookup[] = [];
      const sent = Promise.resolve().then(() => {
        this.waiting = undefined;
        return fetchBlobs(this.octokit, this.repo, lookups, this.cache);
      });
      this.waiting = { lookups, sent };
    }
    this.waiting.lookups.push(lookup);
    return this.waiting.sent.then((files) => {
      const content = files.get(key);
      // fetchBlobs answers every lookup or throws; a gap must never read as an empty file.
      if (content === undefined) throw new MissingFileError(lookup.path, lookup.sha);
      return content;
    });
  }
}
