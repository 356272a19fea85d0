// The contents of blobs, read in one `git cat-file --batch` however many there are.

import type { FileContent } from "../engine/files.js";
import { git } from "./command.js";

/**
 * The contents of `blobs`, in their order. An object the repository does not have (a shallow or
 * partial clone) is answered `<sha> missing`: that file is unreadable, which fails the review.
 */
export function readBlobs(repo: string, blobs: readonly string[]): FileContent[] {
  if (blobs.length === 0) return [];
  const out = git(repo, ["cat-file", "--batch"], `${blobs.join("\n")}\n`);
  let at = 0;
  return blobs.map((blob): FileContent => {
    const end = out.indexOf(10, at);
    if (end < 0) return { unreadable: `git cat-file gave no answer for object ${blob}` };
    const header = out.subarray(at, end).toString("utf8").split(" ");
    at = end + 1;
    if (header.length !== 3 || header[1] !== "blob") {
      const why = header.slice(1).join(" ") || "no object";
      return { unreadable: `git object ${blob} is ${why} in this repository (a shallow or partial clone?)` };
    }
    const size = Number(header[2]);
    const content = out.subarray(at, at + size);
    at += size + 1;
    return content;
  });
}
