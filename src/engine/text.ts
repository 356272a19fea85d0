// Plain-text helpers every layer shares. Nothing here depends on the host: no locale, no clock.

/**
 * Plain string order by UTF-16 code unit, independent of the host's locale (`localeCompare`
 * orders `é` and `B` differently from one machine to the next), so that every list we sort
 * comes out the same everywhere.
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** At most `max` UTF-16 units, ending in `…` when clipped, never splitting a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return "";
  let cut = text.slice(0, max - 1);
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}
