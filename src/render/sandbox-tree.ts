// The temporary copy a render reads: exactly the target's input files, at their repository paths,
// under a fresh folder. Nothing may point out of it: a path is repository-relative without `..`,
// and a symlink is recreated only when what it resolves to stays inside the copy; otherwise the
// render is refused with a message that names the file.

import { mkdir, realpath, symlink, writeFile } from "node:fs/promises";
import { dirname, join, sep } from "node:path";

/** A file's bytes, or a symlink with its target as written in the repository. */
export type InputFile = Uint8Array | { symlink: string };
export type InputFiles = ReadonlyMap<string, InputFile>;

export type TreeOutcome = { ok: true } | { ok: false; message: string };

const isSymlink = (file: InputFile): file is { symlink: string } => !(file instanceof Uint8Array);

/**
 * Why `path` is not a plain repository-relative path (forward slashes, no empty, `.` or `..`
 * segment, not absolute), or undefined when it is. `what` names it in the message.
 */
export function repoPathProblem(path: string, what: string): string | undefined {
  const shown = JSON.stringify(path);
  if (path === "") return `${what} is empty`;
  if (path.includes("\0")) return `${what} ${shown} contains a NUL character`;
  if (path.startsWith("/")) return `${what} ${shown} is absolute; repository paths are relative`;
  for (const segment of path.split("/")) {
    if (segment === "..") return `${what} ${shown} leaves the repository through ".."`;
    if (segment === "" || segment === ".") return `${what} ${shown} is not a normalised path`;
  }
  return undefined;
}

/** The repository path a symlink at `link` resolves to, read by its text alone; undefined above the root. */
function lexicalTarget(link: string, target: string): string | undefined {
  const parts = link.split("/").slice(0, -1);
  for (const segment of target.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(segment);
  }
  return parts.join("/");
}

function symlinkProblem(path: string, target: string): string | undefined {
  const shown = `symlink ${JSON.stringify(path)} -> ${JSON.stringify(target)}`;
  if (target === "" || target.includes("\0")) return `${shown} has no usable target`;
  if (target.startsWith("/")) return `${shown} points to an absolute path, outside the files of the render`;
  if (lexicalTarget(path, target) === undefined) return `${shown} points outside the repository`;
  return undefined;
}

/** A path that is also the folder of another path: the tree has it as a file (or symlink), not a folder. */
function nestingProblem(files: InputFiles): string | undefined {
  for (const path of files.keys()) {
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const ancestor = parts.slice(0, i).join("/");
      if (files.has(ancestor))
        return `${JSON.stringify(path)} is inside ${JSON.stringify(ancestor)}, which is a file`;
    }
  }
  return undefined;
}

function validate(files: InputFiles): string | undefined {
  for (const [path, file] of files) {
    const problem =
      repoPathProblem(path, "file") ?? (isSymlink(file) ? symlinkProblem(path, file.symlink) : undefined);
    if (problem) return problem;
  }
  return nestingProblem(files);
}

/**
 * A symlink's text can stay inside while what it resolves to does not (it goes through another
 * symlink that climbs), so once all are in place each is resolved for real. One that does not
 * resolve (dangling, a loop) reads nothing outside: the tool reports it if it needs it.
 */
async function escapingSymlink(root: string, files: InputFiles): Promise<string | undefined> {
  const realRoot = await realpath(root);
  for (const [path, file] of files) {
    if (!isSymlink(file)) continue;
    let resolved: string;
    try {
      resolved = await realpath(join(root, path));
    } catch {
      continue;
    }
    if (resolved !== realRoot && !resolved.startsWith(realRoot + sep)) {
      return `symlink ${JSON.stringify(path)} -> ${JSON.stringify(file.symlink)} resolves outside the files of the render`;
    }
  }
  return undefined;
}

/** Writes `files` under `root` (an empty folder): regular files first, then symlinks. */
export async function writeTree(root: string, files: InputFiles): Promise<TreeOutcome> {
  const problem = validate(files);
  if (problem) return { ok: false, message: `refused to render: ${problem}` };
  const made = new Set<string>();
  const parentOf = async (path: string): Promise<void> => {
    const dir = dirname(join(root, path));
    if (made.has(dir)) return;
    await mkdir(dir, { recursive: true });
    made.add(dir);
  };
  // No symlink exists while files are written, so no write can go through one.
  for (const [path, file] of files) {
    if (isSymlink(file)) continue;
    await parentOf(path);
    await writeFile(join(root, path), file, { flag: "wx", mode: 0o644 });
  }
  for (const [path, file] of files) {
    if (!isSymlink(file)) continue;
    await parentOf(path);
    await symlink(file.symlink, join(root, path));
  }
  const escaping = await escapingSymlink(root, files);
  if (escaping) return { ok: false, message: `refused to render: ${escaping}` };
  return { ok: true };
}
