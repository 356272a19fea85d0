// The App under test, built and started exactly as `npm start` runs it: the start script is read
// from the package.json of the tree under test when the replica starts (it changes with the App),
// run by `sh -c` with node_modules/.bin on the PATH, as npm does. The tree is the working copy, or
// a commit exported with `git archive` (so that others' unfinished edits are not measured), built
// with `npm run build` when its dist/ is older than its src/.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";

export interface AppUnderTest {
  dir: string;
  /** What is measured: "working tree" or "<ref> (<sha>)". */
  label: string;
}

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function build(dir: string): void {
  console.log(`  building the App in ${dir} (npm run build)`);
  const result = spawnSync("npm", ["run", "build"], { cwd: dir, encoding: "utf8" });
  // tsc still emits when another file of the tree does not typecheck; say so and go on.
  if (result.status !== 0)
    console.warn(
      `  npm run build exited ${result.status}:\n${(result.stdout + result.stderr).split("\n").slice(0, 12).join("\n")}`,
    );
}

/** The App at `ref` (exported into `workDir`), or the working tree `repo` when no ref is given. */
export function prepareApp(repo: string, workDir: string, ref?: string): AppUnderTest {
  if (ref === undefined) {
    if (newestMtime(join(repo, "src")) > newestMtime(join(repo, "dist"))) build(repo);
    return { dir: repo, label: "working tree" };
  }
  const sha = execFileSync("git", ["-C", repo, "rev-parse", "--verify", `${ref}^{commit}`], {
    encoding: "utf8",
  }).trim();
  const dir = join(workDir, `app-${sha.slice(0, 12)}`);
  if (!existsSync(join(dir, "package.json"))) {
    mkdirSync(dir, { recursive: true });
    execFileSync("sh", ["-c", `git -C "$1" archive "$2" | tar -x -C "$3"`, "export", repo, sha, dir]);
    symlinkSync(join(repo, "node_modules"), join(dir, "node_modules"));
    build(dir);
  }
  return { dir, label: `${ref} (${sha.slice(0, 7)})` };
}

/** The `start` script of the App's package.json, as it is now. */
export function startScript(app: AppUnderTest): string {
  const script = JSON.parse(readFileSync(join(app.dir, "package.json"), "utf8")).scripts?.start;
  if (typeof script !== "string" || script.trim() === "")
    throw new Error(`${app.dir}/package.json has no start script`);
  return script;
}
