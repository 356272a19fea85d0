// The check's title when a render target could not be rendered: the report's title ("Input errors
// in 1 file") followed by the first such error, which names the target and what went wrong
// ("helm template of charts/web with values.yaml at the head: its input files are … bytes, over
// render.limits.maxInputBytes …"), so the reason shows in the pull request's checks list.

import { clip } from "../engine/text.js";
import type { InputError } from "../engine/types.js";
import { breakMarkers, escapeTerminal } from "../report/escape.js";

// GitHub's limit on a check run's title.
const TITLE_MAX = 255;

// How the render layer starts the message of an error about a target at one revision: the target
// as its findings name it ("kustomize build of overlays/prod", "helm template of charts/web with
// values.yaml") and the revision.
const ABOUT_A_TARGET = /^(kustomize build|helm template) of .+? at the (base|head)\b/;

/** The title naming the first error about a render target, or undefined when no error is about one. */
export function renderProblemTitle(title: string, errors: readonly InputError[]): string | undefined {
  const about = errors.filter((e) => ABOUT_A_TARGET.test(e.message));
  if (about.length === 0) return undefined;
  // Tool messages span lines and may hold anything: one line of plain text.
  const first = breakMarkers(escapeTerminal(about[0].message)).replace(/\s+/g, " ").trim();
  const more = about.length > 1 ? ` (and ${about.length - 1} more)` : "";
  return clip(`${title}: ${clip(first, TITLE_MAX - title.length - more.length - 2)}${more}`, TITLE_MAX);
}
