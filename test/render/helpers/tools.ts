// The real tools, found once per test file; a test that renders fails (never skips) without them.

import { beforeAll, vi } from "vitest";
import { type FoundTools, findTools, type Tool } from "../../../src/render/tools.js";

let found: Promise<FoundTools> | undefined;

export async function realTools(): Promise<FoundTools & { kustomize: Tool; helm: Tool }> {
  found ??= findTools();
  const tools = await found;
  if (!tools.kustomize || !tools.helm) {
    throw new Error(`rendering tests need kustomize and helm: ${Object.values(tools.missing).join("; ")}`);
  }
  return tools as FoundTools & { kustomize: Tool; helm: Tool };
}

/**
 * For a test file that runs the real tools on a machine that may be busy with the whole suite:
 * generous time per test, and the tools (with Helm's first extraction) found before any test starts.
 */
export function useRealTools(): void {
  vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 });
  beforeAll(() => realTools());
}
