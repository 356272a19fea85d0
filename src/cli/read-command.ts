// `kubedelta read PATH...`: what Kubernetes reads from files, directories or standard input, through
// the very reader the reviews use. Directories are read like `kubedelta diff` reads them: the files
// the manifest globs select, recursively. Files named explicitly are read whatever their name.

import { posix } from "node:path";
import type { FileContent } from "../engine/files.js";
import { isManifestPath } from "../engine/inputs.js";
import { appliedDocuments, readManifest } from "../engine/reading.js";
import type { Policy } from "../policy/types.js";
import type { FileReading } from "../report/readings.js";
import { kindOf, readContent, walk } from "./read-dir.js";

export const STDIN_NAME = "<stdin>";

/** Every file a path stands for, with its name as shown: a directory gives the files under it. */
function filesOf(path: string, policy: Policy, stdin: () => FileContent): [string, FileContent][] {
  if (path === "-") return [[STDIN_NAME, stdin()]];
  // kindOf throws a UsageError for a path that does not exist (exit 2).
  if (kindOf(path) !== "directory") return [[path, readContent(path)]];
  const { files } = walk(path, (relative) => isManifestPath(relative, policy));
  return [...files].map(([relative, content]) => [posix.join(path, relative), content]);
}

/** What Kubernetes reads from each file the paths stand for, in the order given. */
export function readPaths(paths: readonly string[], policy: Policy, stdin: () => FileContent): FileReading[] {
  // Every path is checked before anything is read: a typo is a usage error, not half an answer.
  for (const path of paths) if (path !== "-") kindOf(path);
  return paths.flatMap((path) =>
    filesOf(path, policy, stdin).map(([file, content]) => {
      const outcome = readManifest(file, content, policy.limits);
      return { file, documents: appliedDocuments(outcome), errors: outcome.errors };
    }),
  );
}
