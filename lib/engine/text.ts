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

/**
 * Levenshtein distance, case-insensitive, when it is at most `cap`; otherwise `cap + 1`. Only the cells within `cap`
 * of the diagonal are worked out (any other is further than `cap` already), and it stops at a row whose every cell
 * is past `cap`, since the rows below never come back under it.
 */
function distance(a: string, b: string, cap: number): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const over = cap + 1;
  const n = b.length;
  if (Math.abs(a.length - n) > cap) return over;
  let prev: number[] = Array.from({ length: n + 1 }, (_, j) => Math.min(j, over));
  let cur: number[] = new Array<number>(n + 1);
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - cap);
    const to = Math.min(n, i + cap);
    cur[0] = Math.min(i, over);
    cur[from - 1] = from === 1 ? cur[0] : over;
    let low = cur[from - 1];
    for (let j = from; j <= to; j++) {
      const d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1), over);
      cur[j] = d;
      if (d < low) low = d;
    }
    if (to < n) cur[to + 1] = over;
    if (low > cap) return over;
    [prev, cur] = [cur, prev];
  }
  return prev[n];
}

/** How far a word may be from a candidate and still be a slip: a third of its length, at least 1. */
function slipLimit(word: string): number {
  return Math.max(1, Math.floor(word.length / 3));
}

const MAX_SHOWN = 3;

/**
 * The closest candidates seen so far: the best distance and, of those at it, the first three in text order. Kept as
 * it goes, not scored into a list and spread into Math.min: a spread of more than about 125,000 numbers overflows
 * the stack (red-team round 147, F1).
 */
class Closest {
  best = Infinity;
  private readonly picks: string[] = [];

  constructor(private readonly limit: number) {}

  /** The largest distance still worth working out: the limit, or the best so far when closer. */
  get cap(): number {
    return Math.min(this.limit, this.best);
  }

  offer(d: number, c: string): void {
    if (d > this.cap) return;
    if (d < this.best) {
      this.best = d;
      this.picks.length = 0;
    }
    let at = this.picks.length;
    while (at > 0 && compareText(c, this.picks[at - 1]) < 0) at--;
    if (at < MAX_SHOWN) this.picks.splice(at, 0, c);
    if (this.picks.length > MAX_SHOWN) this.picks.pop();
  }

  get result(): string[] {
    return [...this.picks];
  }
}

/** The candidates closest to `word` (at most 3, all as close), when close enough to be a slip: a third of its length, at least 1. */
export function nearest(word: string, candidates: Iterable<string>): string[] {
  // Only the closest: a second name further off is noise beside a one-letter slip.
  const closest = new Closest(slipLimit(word));
  for (const c of candidates) {
    if (Math.abs(c.length - word.length) > closest.cap) continue;
    closest.offer(distance(word, c, closest.cap), c);
  }
  return closest.result;
}

/** Steps outward (up to two distances each) per candidate length, and distances in all, for one question to a NearIndex. */
const MAX_COMPARED_PER_LENGTH = 32;
const MAX_COMPARED = 256;

/** Strings of one length, in text order and in the order of their reversed text. */
interface Bucket {
  readonly forward: readonly string[];
  readonly backward: readonly string[];
}

// Case-folded, as `distance` compares.
const forwardKey = (s: string): string => s.toLowerCase();
const backwardKey = (s: string): string => [...s.toLowerCase()].reverse().join("");

/** The first index of `sorted` whose key is not below `key`. */
function lowerBound(sorted: readonly string[], key: string, keyOf: (s: string) => string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareText(keyOf(sorted[mid]), key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Indices of a sorted list outward from `at`: at - 1, at, at - 2, at + 1, ... */
function* outward(length: number, at: number): Generator<number> {
  for (let step = 0; at - 1 - step >= 0 || at + step < length; step++) {
    if (at - 1 - step >= 0) yield at - 1 - step;
    if (at + step < length) yield at + step;
  }
}

/**
 * `nearest` over one large set asked many times (every unmatched protected entry against a stack's names), at a cost
 * that does not grow with the set: only candidates of a length within the slip limit (a length apart is at least
 * that many edits), nearest lengths first, and of each length the ones that share the longest start or end with the
 * word first (a slip of a few letters leaves one of them whole), at most MAX_COMPARED_PER_LENGTH steps out of a
 * length (two candidates a step) and MAX_COMPARED distances in all. Past those caps a closer candidate may go unseen: the answer is a hint, and 20,000 names of
 * one type and length had cost 0.3 s per question (red-team round 147, F1).
 */
export class NearIndex {
  private readonly byLength = new Map<number, Bucket>();

  constructor(candidates: Iterable<string>) {
    const groups = new Map<number, string[]>();
    for (const c of new Set(candidates)) {
      const g = groups.get(c.length);
      if (g) g.push(c);
      else groups.set(c.length, [c]);
    }
    for (const [length, g] of groups) {
      const forward = g.map((c) => [forwardKey(c), c] as const).sort((x, y) => compareText(x[0], y[0]) || compareText(x[1], y[1])).map(([, c]) => c);
      const backward = g.map((c) => [backwardKey(c), c] as const).sort((x, y) => compareText(x[0], y[0]) || compareText(x[1], y[1])).map(([, c]) => c);
      this.byLength.set(length, { forward, backward });
    }
  }

  nearest(word: string): string[] {
    const closest = new Closest(slipLimit(word));
    let compared = 0;
    for (let delta = 0; delta <= closest.cap && compared < MAX_COMPARED; delta++) {
      for (const length of delta === 0 ? [word.length] : [word.length - delta, word.length + delta]) {
        const bucket = this.byLength.get(length);
        if (!bucket) continue;
        const seen = new Set<string>();
        const ahead = outward(bucket.forward.length, lowerBound(bucket.forward, word.toLowerCase(), forwardKey));
        const behind = outward(bucket.backward.length, lowerBound(bucket.backward, backwardKey(word), backwardKey));
        for (let step = 0; step < MAX_COMPARED_PER_LENGTH && compared < MAX_COMPARED && delta <= closest.cap; step++) {
          const a = ahead.next();
          const b = behind.next();
          if (a.done && b.done) break;
          for (const c of [a.done ? undefined : bucket.forward[a.value], b.done ? undefined : bucket.backward[b.value]]) {
            if (c === undefined || seen.has(c)) continue;
            seen.add(c);
            compared++;
            closest.offer(distance(word, c, closest.cap), c);
          }
        }
      }
    }
    return closest.result;
  }
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
