// docs/deploy.md documents every setting the App reads from its environment: a knob added to the
// code without a line in the table fails here, naming the variable.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DOC = readFileSync(join(ROOT, "docs/deploy.md"), "utf8");

/** The KUBEDELTA_* names written in src/, by the files that write them. */
function variablesInCode(): Map<string, string> {
  const found = new Map<string, string>();
  const src = join(ROOT, "src");
  for (const file of (readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts"))) {
    for (const [name] of readFileSync(join(src, file), "utf8").matchAll(
      /\bKUBEDELTA_[A-Z0-9_]*[A-Z0-9]\b/g,
    )) {
      if (!found.has(name)) found.set(name, `src/${file}`);
    }
  }
  return found;
}

/** The variables of the table in docs/deploy.md: rows that start with a name in a code span. */
function documented(): Set<string> {
  return new Set([...DOC.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]));
}

describe("docs/deploy.md", () => {
  it("lists every KUBEDELTA_* variable the code reads", () => {
    const variables = variablesInCode();
    expect(variables.size).toBeGreaterThan(5);
    const table = documented();
    const missing = [...variables]
      .filter(([name]) => !table.has(name))
      .map(([name, file]) => `${name} (${file})`);
    expect(missing).toEqual([]);
  });

  it("lists Probot's credentials and the variables of several replicas", () => {
    const table = documented();
    for (const name of [
      "APP_ID",
      "PRIVATE_KEY",
      "PRIVATE_KEY_PATH",
      "WEBHOOK_SECRET",
      "GHE_HOST",
      "REDIS_URL",
      "PORT",
      "LOG_LEVEL",
    ]) {
      expect(table.has(name), name).toBe(true);
    }
  });
});
