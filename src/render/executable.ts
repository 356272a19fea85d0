// Whether a path is a file this process may execute (what a tool lookup accepts).

import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";

export async function isExecutableFile(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
