// The policy that judges a pull request: the pack, plus the repository's .github/kubedelta.yml read
// from the DEFAULT branch (Probot's context.config; `_extends` and the organisation's .github
// repository work), never from the PR head: a PR cannot switch off the checks that judge it.

import type { Context } from "probot";
import { buildPolicy, defaultPackLayer } from "../policy/load.js";
import type { Policy } from "../policy/types.js";

export const CONFIG_FILE = "kubedelta.yml";

export async function loadRepositoryPolicy(context: Context): Promise<Policy> {
  const data = await context.config<Record<string, unknown>>(CONFIG_FILE);
  return buildPolicy([defaultPackLayer(), { source: `.github/${CONFIG_FILE}`, data }]);
}
