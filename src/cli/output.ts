// Where a report goes: standard output, or the --output file. A path that cannot be written is a
// usage error with the reason, found before the review runs so that no work is wasted on it.

import { accessSync, constants, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { UsageError } from "./args.js";

/** Why the operating system refused, in words: "ENOENT: no such file…, open 'x'" becomes "no such file…". */
function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    ENOENT: "no such directory",
    ENOTDIR: "a part of the path is not a directory",
    EISDIR: "it is a directory",
    EACCES: "permission denied",
    EPERM: "permission denied",
    EROFS: "read-only file system",
    ENOSPC: "no space left on the device",
  };
  if (code && words[code]) return words[code];
  return error instanceof Error ? error.message : String(error);
}

function cannotWrite(path: string, why: string): UsageError {
  return new UsageError(`--output ${path}: cannot write: ${why}`);
}

/** Throws a UsageError when `path` could not be written: its folder is missing, it is a folder, no permission. */
export function checkWritable(path: string): void {
  let existing: ReturnType<typeof statSync> | undefined;
  try {
    existing = statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw cannotWrite(path, reason(error));
  }
  if (existing?.isDirectory()) throw cannotWrite(path, "it is a directory");
  try {
    if (existing) accessSync(path, constants.W_OK);
    else {
      const folder = dirname(path);
      if (!statSync(folder).isDirectory()) throw cannotWrite(path, `${folder} is not a directory`);
      accessSync(folder, constants.W_OK);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw cannotWrite(path, reason(error));
  }
}

/** Writes the report to `output`, or to standard output without one. */
export function emit(text: string, options: { output?: string }, stdout: (text: string) => void): void {
  if (!options.output) {
    stdout(text);
    return;
  }
  try {
    writeFileSync(options.output, text);
  } catch (error) {
    // Checked before the review, but the file system may have changed since.
    throw cannotWrite(options.output, reason(error));
  }
}
