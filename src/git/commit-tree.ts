// A commit's whole tree: listed once by `git ls-tree`, its files read on demand through one
// `git cat-file --batch` per read; and the paths two commits' trees differ in.

import type { TreeContent } from "../render/revision.js";
import { readBlobs } from "./blobs.js";
import { gitList } from "./command.js";
import type { ListedTree } from "./listed-tree.js";

/** A commit's tree: every regular file and symbolic link, with its blob id. */
export interface CommitTree extends ListedTree {
  blobIds: ReadonlyMap<string, string>;
}

interface Entry {
  blob: string;
  size: number;
  link: boolean;
}

// Regular files (plain and executable) and symbolic links; submodules (160000) hold nothing to read.
const FILE_MODES = new Set(["100644", "100755"]);
const LINK_MODE = "120000";

function listTree(repo: string, commit: string): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  for (const line of gitList(repo, ["ls-tree", "-r", "-z", "-l", "--full-tree", commit])) {
    const tab = line.indexOf("\t");
    if (tab < 0) continue;
    const [mode, type, blob, size] = line.slice(0, tab).split(/ +/);
    if (type === "blob" && (FILE_MODES.has(mode) || mode === LINK_MODE))
      entries.set(line.slice(tab + 1), { blob, size: Number(size), link: mode === LINK_MODE });
  }
  return entries;
}

export function commitTree(repo: string, commit: string): CommitTree {
  const entries = listTree(repo, commit);
  return {
    paths: [...entries.keys()],
    blobIds: new Map([...entries].map(([path, entry]) => [path, entry.blob])),
    links: new Set([...entries].filter(([, entry]) => entry.link).map(([path]) => path)),
    size: (path) => entries.get(path)?.size,
    async read(paths) {
      // A path the tree lacks asks for the null object, which git answers `missing`: unreadable.
      const contents = readBlobs(
        repo,
        paths.map((path) => entries.get(path)?.blob ?? "0".repeat(40)),
      );
      return new Map(
        paths.map((path, i): [string, TreeContent] => {
          const content = contents[i];
          const link = entries.get(path)?.link && content instanceof Uint8Array;
          return [path, link ? { symlink: Buffer.from(content).toString("utf8") } : content];
        }),
      );
    },
  };
}

/** The paths whose blob differs between two commits' trees, or that one of them lacks. */
export function changedBetweenCommits(base: CommitTree, head: CommitTree): Set<string> {
  const paths = new Set([...base.blobIds.keys(), ...head.blobIds.keys()]);
  return new Set([...paths].filter((path) => base.blobIds.get(path) !== head.blobIds.get(path)));
}
