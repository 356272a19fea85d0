// Lists in messages: a few names, then a count of the rest, so that a finding stays one readable
// sentence however many objects it concerns.

/** "a, b, c" or "a, b, c and 4 more". */
export function listed(items: readonly string[], shown = 3): string {
  if (items.length <= shown) return items.join(", ");
  return `${items.slice(0, shown).join(", ")} and ${items.length - shown} more`;
}
