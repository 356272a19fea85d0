// The field paths of custom rules: `spec.template.spec.containers[*].securityContext.runAsUser`,
// `metadata.annotations["iam.amazonaws.com/role"]`, `spec.ports[0].nodePort`. Parsed once, when
// the policy is loaded, so a typo is reported with its position instead of never matching.

/** One step of a declared path: a mapping key, a list index, or every item (`[*]`). */
export type FieldStep = { key: string } | { index: number } | { each: true };

export class FieldPathError extends Error {}

// A bare key: anything but the characters that delimit steps, and no spaces.
const BARE_KEY = /^[^.[\]"\s]+/;

/** Parses a declared path; throws FieldPathError naming the (1-based) position of the problem. */
export function parseFieldPath(text: string): FieldStep[] {
  const steps: FieldStep[] = [];
  let at = 0;
  const fail = (what: string): never => {
    throw new FieldPathError(`${what} at position ${at + 1}`);
  };
  if (text.length === 0) fail("empty path");
  while (at < text.length) {
    if (text[at] === "[") {
      at = bracketStep(text, at, steps, fail);
    } else {
      if (steps.length > 0) {
        if (text[at] !== ".") fail(`expected "." or "[" but found ${JSON.stringify(text[at])}`);
        at++;
      }
      const key = BARE_KEY.exec(text.slice(at))?.[0];
      if (!key) fail(at >= text.length ? "expected a key after the dot" : "expected a key");
      steps.push({ key: key as string });
      at += (key as string).length;
    }
  }
  return steps;
}

/** `[*]`, `[3]` or `["a.key/with-dots"]` starting at `at`; returns the position after it. */
function bracketStep(text: string, start: number, steps: FieldStep[], fail: (what: string) => never): number {
  const rest = text.slice(start);
  const simple = /^\[(\*|\d+)\]/.exec(rest);
  if (simple) {
    if (simple[1] === "*") steps.push({ each: true });
    else {
      const index = Number(simple[1]);
      if (!Number.isSafeInteger(index)) fail("index too large");
      steps.push({ index });
    }
    return start + simple[0].length;
  }
  const quoted = /^\["((?:[^"\\]|\\.)*)"\]/.exec(rest);
  if (quoted) {
    steps.push({ key: quoted[1].replace(/\\(.)/g, "$1") });
    return start + quoted[0].length;
  }
  return fail(`expected [*], [N] or ["key"]`);
}

const PLAIN_KEY = /^[^.[\]"\s\\]+$/;

/** A mapping key as it would be written in a path: bare when it can be, quoted otherwise. */
export function keyText(key: string): string {
  return PLAIN_KEY.test(key) ? key : `["${key.replace(/["\\]/g, "\\$&")}"]`;
}

/** Joins written steps: keys with dots, bracketed steps directly. */
export function joinSteps(parts: readonly string[]): string {
  return parts.map((part, i) => (i === 0 || part.startsWith("[") ? part : `.${part}`)).join("");
}
