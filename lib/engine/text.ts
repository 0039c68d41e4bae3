// Letters, numbers, punctuation and symbols put ink on the page; blanks, controls, format characters and marks on
// their own do not (a reason of ten spaces, soft hyphens or variation selectors says nothing).
const INK = /[\p{L}\p{N}\p{P}\p{S}]/u;
// Letters and symbols that fonts draw empty, so they would pass the count unseen: the Hangul fillers (U+115F,
// U+1160, U+3164, U+FFA0) are letters and the blank Braille pattern (U+2800) a symbol.
const BLANK = new Set([0x115f, 0x1160, 0x2800, 0x3164, 0xffa0]);

/** Characters a reader sees: only those that show ink count, one per code point. */
export function visibleLength(s: string): number {
  let n = 0;
  for (const c of s) if (INK.test(c) && !BLANK.has(c.codePointAt(0) ?? 0)) n++;
  return n;
}

/** The fewest visible characters an acknowledgement's reason must have. */
export const MIN_REASON = 10;

/**
 * Orders two strings by UTF-16 code unit, as `sort()` with no comparator does. Not `localeCompare`: that follows ICU's
 * default locale, taken from LANG / LC_ALL, so the same input gave other bytes on a Danish laptop than in CI (Danish
 * sorts "aa" as "å", after "z": red-team round 121).
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Levenshtein distance, case-insensitive. */
function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** The candidates closest to `word` (at most 3, all as close), when close enough to be a slip: a third of its length, at least 1. */
export function nearest(word: string, candidates: Iterable<string>): string[] {
  const limit = Math.max(1, Math.floor(word.length / 3));
  const scored: [number, string][] = [];
  for (const c of candidates) {
    if (Math.abs(c.length - word.length) > limit) continue;
    const d = distance(word, c);
    if (d <= limit) scored.push([d, c]);
  }
  // Only the closest: a second name further off is noise beside a one-letter slip.
  const best = Math.min(...scored.map(([d]) => d));
  return scored.filter(([d]) => d === best).sort((x, y) => compareText(x[1], y[1])).slice(0, 3).map(([, c]) => c);
}

/**
 * The known key an unknown one was most likely meant as: a slip of a few letters or of case (`expiry`, `Strict`), or
 * failing that the one it shares the longest start of at least four letters with, nearest in length (`configFile`
 * for `configPath`). A key with no such neighbour gets none: the caller lists the known keys instead.
 */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  const [close] = nearest(key, known);
  if (close !== undefined) return close;
  const shared = (k: string) => {
    let n = 0;
    while (n < key.length && n < k.length && key[n].toLowerCase() === k[n].toLowerCase()) n++;
    return n;
  };
  const best = Math.max(0, ...known.map(shared));
  if (best < 4) return undefined;
  // Of those sharing as much, the one as long: `configPath` is a path like `configFile`, not `config` itself.
  return known.filter((k) => shared(k) === best).sort((a, b) => Math.abs(a.length - key.length) - Math.abs(b.length - key.length))[0];
}
