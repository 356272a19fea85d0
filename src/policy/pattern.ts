// Compiles the `matches` patterns of custom rules at load time. JavaScript regular expressions
// backtrack without a time limit, and they run on text from pull requests: a nested quantifier
// such as `(a+)+` can take exponential time on a crafted value, so it is refused up front
// (matched values are also cut to a bounded length, see MATCH_LIMIT).

export const MAX_PATTERN_LENGTH = 512;

/** A quantifier that repeats without a fixed count (`*`, `+`, `{2,}`, `{2,5}`) starts at `at`. */
function repeatsAt(pattern: string, at: number): boolean {
  const c = pattern[at];
  return c === "*" || c === "+" || (c === "{" && /^\{\d+,\d*\}/.test(pattern.slice(at)));
}

/** Whether a group that contains a repeat is itself repeated: the shape of catastrophic backtracking. */
export function hasNestedQuantifier(pattern: string): boolean {
  // For each open group: whether something inside it repeats.
  const open: boolean[] = [];
  const markRepeat = () => {
    if (open.length > 0) open[open.length - 1] = true;
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") i++;
    else if (c === "[") {
      // A character class is one atom; its own characters are no quantifiers.
      for (i++; i < pattern.length && pattern[i] !== "]"; i++) if (pattern[i] === "\\") i++;
    } else if (c === "(") open.push(false);
    else if (c === ")") {
      const inner = open.pop() ?? false;
      if (inner && repeatsAt(pattern, i + 1)) return true;
      if (inner) markRepeat();
    } else if (repeatsAt(pattern, i)) markRepeat();
  }
  return false;
}

/** The compiled pattern, or why it cannot be used. */
export function compilePattern(pattern: string): RegExp | string {
  if (pattern.length > MAX_PATTERN_LENGTH) return `longer than ${MAX_PATTERN_LENGTH} characters`;
  let regex: RegExp;
  try {
    regex = new RegExp(pattern);
  } catch (error) {
    // "Invalid regular expression: /(/: Unterminated group"
    return error instanceof Error ? error.message : String(error);
  }
  if (hasNestedQuantifier(pattern))
    return "a repeated group that itself repeats (like (a+)+) can take exponential time; rewrite it without the nesting";
  return regex;
}
