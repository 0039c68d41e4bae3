/**
 * IAM glob patterns: `*` matches any run of characters (including `:` and `/`, the widest and so the
 * fail-closed reading for an Allow), `?` matches exactly one character, everything else is literal.
 *
 * One refinement, for ARN patterns only: in a pattern that starts with `arn:` and has all six ARN segments
 * (`arn:partition:service:region:account:resource`), the wildcards of partition, service, region and account
 * stay inside their segment (never match a `:`). Real partitions, services, regions and account ids contain
 * no colon, and without this every `arn:aws:ec2:*:*:volume/dev-*` would "meet" every
 * `arn:aws:ec2:*:*:volume/prod-*` through a string like `arn:aws:ec2:a:b:volume/dev-:c:volume/prod-1` (the
 * region `*` swallowing `a:b:volume/dev-`), which no volume ARN looks like. This is also how
 * @cloud-copilot/iam-simulate matches ARNs. The resource part (everything after the fifth colon) and patterns
 * with fewer segments (`arn:aws:ec2:*`, a common slip `arn:aws:ec2:*:volume/*`) keep the wide reading, which
 * for such short patterns follows the AWS documentation ("a `*` ending a segment can expand beyond colon
 * boundaries") and is the fail-closed side for an Allow.
 *
 * Three questions are asked of patterns:
 * - globMatch: does a concrete string match a pattern;
 * - globsIntersect: can one string match two patterns (a policy Resource and a target are both patterns in a
 *   stack whose ARNs are only partly known);
 * - globCovers: does every string matching `inner` also match `outer`. Used to decide that a Deny certainly
 *   covers an Allow, so it must never say yes wrongly; it may say no when unsure.
 *
 * Actions compare case-insensitively, resources case-sensitively; callers say which with `caseInsensitive`.
 */

export interface GlobOptions {
  readonly caseInsensitive?: boolean;
}

/** More entries than this and a cache starts over: stacks repeat patterns heavily, so this is rare. */
const CACHE_LIMIT = 20_000;

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

/**
 * Answers about pairs of patterns, keyed by the first and then the second: a joined key would build (and hash)
 * a new string on every call, hits included, and reach asks about the same pairs many thousands of times.
 */
class PairCache {
  private readonly byFirst = new Map<string, Map<string, boolean>>();
  private size = 0;

  get(a: string, b: string): boolean | undefined {
    return this.byFirst.get(a)?.get(b);
  }

  set(a: string, b: string, value: boolean): boolean {
    if (this.size >= CACHE_LIMIT) {
      this.byFirst.clear();
      this.size = 0;
    }
    let inner = this.byFirst.get(a);
    if (!inner) this.byFirst.set(a, (inner = new Map()));
    inner.set(b, value);
    this.size++;
    return value;
  }
}

export function hasWildcard(pattern: string): boolean {
  return pattern.includes("*") || pattern.includes("?");
}

/**
 * Internal tokens for wildcards that never match a colon (ARN segment wildcards). Private-use characters,
 * produced only by `tokens()` below.
 */
const SEG_STAR = "\uE000";
const SEG_ONE = "\uE001";

/**
 * A pattern as the matchers read it: runs of `*` collapsed (`**` matches what `*` matches) and, in a
 * six-segment ARN pattern, the wildcards of the four segments after `arn:` turned into segment wildcards.
 */
function tokens(pattern: string): string {
  const p = pattern.includes("**") ? pattern.replace(/\*{2,}/g, "*") : pattern;
  if (!p.startsWith("arn:") || !hasWildcard(p)) return p;
  let colons = 0;
  let end = -1;
  for (let i = 0; i < p.length; i++) {
    if (p[i] === ":" && ++colons === 5) {
      end = i;
      break;
    }
  }
  if (end < 0) return p; // a short ARN pattern: wide reading
  const head = p.slice(0, end);
  if (!hasWildcard(head)) return p;
  return head.replace(/\*/g, SEG_STAR).replace(/\?/g, SEG_ONE) + p.slice(end);
}

const isStar = (c: string) => c === "*" || c === SEG_STAR;
const isOne = (c: string) => c === "?" || c === SEG_ONE;
const isWild = (c: string) => isStar(c) || isOne(c);
/** Can wildcard token `w` produce character `c`? */
const wildTakes = (w: string, c: string) => c !== ":" || w === "*" || w === "?";

function sameChar(a: string, b: string, caseInsensitive: boolean): boolean {
  return a === b || (caseInsensitive && a.toLowerCase() === b.toLowerCase());
}

type Matcher = (text: string) => boolean;

const matcherCache: [Map<string, Matcher>, Map<string, Matcher>] = [new Map(), new Map()];

function compile(pattern: string, caseInsensitive: boolean): Matcher {
  const p = tokens(pattern);
  if (p === "*") return () => true;
  if (!hasWildcard(p) && !p.includes(SEG_STAR) && !p.includes(SEG_ONE)) {
    if (!caseInsensitive) return (t) => t === p;
    const lower = p.toLowerCase();
    return (t) => t.length === lower.length && t.toLowerCase() === lower;
  }
  // No RegExp: a backtracking engine takes O(|t|^k) on a pattern with k stars (`*a*a*a*b?` against a 256-character tag
  // value took seconds, 512 characters most of a minute: red-team round 98). The scan below is O(|p|·|t|) at worst.
  if (!p.includes(SEG_STAR) && !p.includes(SEG_ONE)) {
    // The most common shape by far (`ec2:Delete*`, `arn:aws:s3:::b/*`): a literal prefix, then one star.
    const last = p.length - 1;
    if (p.charCodeAt(last) === STAR && p.indexOf("*") === last && !p.includes("?")) {
      return (t) => {
        if (t.length < last) return false;
        for (let k = 0; k < last; k++) if (!sameCode(p.charCodeAt(k), t.charCodeAt(k), caseInsensitive)) return false;
        return true;
      };
    }
    return (t) => wildScan(p, 0, p.length, t, 0, t.length, caseInsensitive, true);
  }
  const cuts = segmentCuts(p);
  if (!cuts) return (t) => dpMatch(p, t, caseInsensitive);
  return (t) => {
    const at = segmentCuts(t);
    if (!at) return false;
    for (let s = 0; s <= at.length; s++) {
      const ps = s === 0 ? 0 : cuts[s - 1] + 1;
      const pe = s < cuts.length ? cuts[s] : p.length;
      const ts = s === 0 ? 0 : at[s - 1] + 1;
      const te = s < at.length ? at[s] : t.length;
      if (!wildScan(p, ps, pe, t, ts, te, caseInsensitive, true)) return false;
    }
    return true;
  };
}

/**
 * Where the first five colons of `s` are, or undefined when it has fewer. In a pattern from `tokens()` that holds segment
 * wildcards, no token before the fifth colon can produce a colon, so a matching text has its first five colons exactly
 * where the pattern has them and the six segments match one by one; inside a head segment the text has no colon, so
 * a segment wildcard there is an ordinary one. Undefined for a pattern whose segment wildcards are not all in the
 * head (private-use characters written in the input itself): the caller then uses `dpMatch`, which knows them anywhere.
 */
function segmentCuts(s: string): number[] | undefined {
  const cuts: number[] = [];
  for (let i = 0; i < s.length && cuts.length < 5; i++) if (s.charCodeAt(i) === COLON) cuts.push(i);
  if (cuts.length < 5) return undefined;
  for (let i = cuts[4] + 1; i < s.length; i++) if (s.charCodeAt(i) === SEG_STAR_CODE || s.charCodeAt(i) === SEG_ONE_CODE) return undefined;
  return cuts;
}

/**
 * Does pattern `p[ps, pe)` match text `t[ts, te)`, where a star matches any run and a one-wildcard any single character?
 * `iam`: `?` and the segment tokens are wildcards too (IAM patterns); otherwise only `*` is and the rest is literal.
 * Callers give the segment tokens only text without a colon (where they are plain wildcards).
 *
 * Greedy, remembering the last star: on a mismatch that star takes one more character and the scan resumes after it.
 * Going back to the last star only is enough, since any way an earlier star could take more text, the last one can
 * take it instead. Each backtrack moves the resume point on by one, so O(|p|·|t|) at worst and linear for most texts.
 */
function wildScan(p: string, ps: number, pe: number, t: string, ts: number, te: number, ci: boolean, iam: boolean): boolean {
  let i = ps;
  let j = ts;
  let star = -1;
  let resume = ts;
  while (j < te) {
    if (i < pe) {
      const c = p.charCodeAt(i);
      if (c === STAR || (iam && c === SEG_STAR_CODE)) {
        star = i++;
        resume = j;
        continue;
      }
      if ((iam && (c === ONE || c === SEG_ONE_CODE)) || sameCode(c, t.charCodeAt(j), ci)) {
        i++;
        j++;
        continue;
      }
    }
    if (star < 0) return false;
    i = star + 1;
    j = ++resume;
  }
  while (i < pe && (p.charCodeAt(i) === STAR || (iam && p.charCodeAt(i) === SEG_STAR_CODE))) i++;
  return i === pe;
}

/**
 * `*` matches any run of characters, everything else (`?` included) only itself, case-sensitively: the globs of
 * blastwall.json's `protected` entries over Terraform addresses and types. Linear like `globMatch`.
 */
export function starMatch(pattern: string, text: string): boolean {
  return wildScan(pattern, 0, pattern.length, text, 0, text.length, false, false);
}

/** `sameChar` on UTF-16 code units, without building strings for the common (ASCII) case. */
function sameCode(a: number, b: number, ci: boolean): boolean {
  if (a === b) return true;
  if (!ci) return false;
  if (a < 128 && b < 128) return asciiLower(a) === asciiLower(b);
  return sameChar(String.fromCharCode(a), String.fromCharCode(b), true);
}

/** Pattern tokens `p` against literal text `t`, one row at a time. */
function dpMatch(p: string, t: string, ci: boolean): boolean {
  const m = t.length;
  let row = new Uint8Array(m + 1);
  row[0] = 1;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    const next = new Uint8Array(m + 1);
    if (isStar(c)) {
      next[0] = row[0];
      for (let j = 1; j <= m; j++) next[j] = row[j] || (next[j - 1] && wildTakes(c, t[j - 1])) ? 1 : 0;
    } else {
      for (let j = 1; j <= m; j++) {
        if (!row[j - 1]) continue;
        const tc = t[j - 1];
        if (isOne(c) ? wildTakes(c, tc) : sameChar(c, tc, ci)) next[j] = 1;
      }
    }
    row = next;
  }
  return row[m] === 1;
}

function matcher(pattern: string, caseInsensitive: boolean): Matcher {
  const cache = matcherCache[caseInsensitive ? 1 : 0];
  return cache.get(pattern) ?? remember(cache, pattern, compile(pattern, caseInsensitive));
}

/** Does `text` (a concrete string; its `*`/`?` are literal characters here) match `pattern`? */
export function globMatch(pattern: string, text: string, opts?: GlobOptions): boolean {
  return matcher(pattern, opts?.caseInsensitive === true)(text);
}

const intersectCache: [PairCache, PairCache] = [new PairCache(), new PairCache()];

/**
 * Is there a string matching both patterns? Exact (both are regular languages).
 *
 * Product automaton of the two patterns, where pattern position k is "the first k tokens are used up": a `*`
 * at position k may be left without consuming (k+1) or consume a character and stay (k); `?` and literals
 * consume one character and advance. Every move keeps or increases both positions, so one row-major pass over
 * the (|a|+1)·(|b|+1) table decides reachability of the end state.
 */
export function globsIntersect(a: string, b: string, opts?: GlobOptions): boolean {
  const ci = opts?.caseInsensitive === true;
  if (a === b || a === "*" || b === "*") return true;
  const aw = hasWildcard(a);
  const bw = hasWildcard(b);
  if (!aw && !bw) return ci && a.toLowerCase() === b.toLowerCase();
  if (endApart(a, b, ci)) return false;
  if (!aw) return globMatch(b, a, opts);
  if (!bw) return globMatch(a, b, opts);
  const cache = intersectCache[ci ? 1 : 0];
  const hit = cache.get(a, b);
  if (hit !== undefined) return hit;
  return cache.set(a, b, tokensIntersect(tokens(a), tokens(b), ci));
}

/**
 * Whether the literal text the two patterns end with differs: no string then ends as both do. Most pairs reach asks
 * about (one role's ARN against another's) differ there, which this tells for less than a cache lookup costs. False
 * when unsure: at the first wildcard of either, or a character outside ASCII compared without case.
 */
function endApart(a: string, b: string, ci: boolean): boolean {
  for (let i = a.length - 1, j = b.length - 1; i >= 0 && j >= 0; i--, j--) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isWildCode(ca) || isWildCode(cb)) return false;
    if (ca === cb) continue;
    if (!ci) return true;
    if (ca >= 128 || cb >= 128) return false;
    if (asciiLower(ca) !== asciiLower(cb)) return true;
  }
  return false;
}

const STAR = 42;
const ONE = 63;
const COLON = 58;
const SEG_STAR_CODE = 0xe000;
const SEG_ONE_CODE = 0xe001;
const isWildCode = (c: number) => c === STAR || c === ONE || c === SEG_STAR_CODE || c === SEG_ONE_CODE;
const asciiLower = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);

/**
 * ARN patterns: after `tokens()` the first five segments hold no wildcard that can eat a colon, so the k-th
 * colon of one pattern meets the k-th colon of the other and the segments can be intersected one by one. Most
 * pairs differ in a literal prefix of some segment, which rejects them without the quadratic table.
 */
function tokensIntersect(a: string, b: string, ci: boolean): boolean {
  const sa = arnSegments(a);
  const sb = sa && arnSegments(b);
  if (!sa || !sb) return quickIntersect(a, b, ci);
  for (let i = 0; i < sa.length; i++) if (!quickIntersect(sa[i], sb[i], ci)) return false;
  return true;
}

function arnSegments(t: string): string[] | undefined {
  if (!t.startsWith("arn:")) return undefined;
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < t.length && out.length < 5; i++) {
    const c = t[i];
    if (c === "*" || c === "?") return undefined; // a full wildcard in the head may span segments
    if (c === ":") {
      out.push(t.slice(start, i));
      start = i + 1;
    }
  }
  if (out.length < 5) return undefined;
  out.push(t.slice(start));
  return out;
}

/** Literal prefixes and suffixes must agree before the table is worth building. */
function quickIntersect(a: string, b: string, ci: boolean): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a[i];
    const cb = b[i];
    if (isWild(ca) || isWild(cb)) break;
    if (!sameChar(ca, cb, ci)) return false;
  }
  for (let i = 1; i <= n; i++) {
    const ca = a[a.length - i];
    const cb = b[b.length - i];
    if (isWild(ca) || isWild(cb)) break;
    if (!sameChar(ca, cb, ci)) return false;
  }
  return intersectDp(a, b, ci);
}

/** Can one character be consumed by both tokens? */
function compatible(ca: string, cb: string, ci: boolean): boolean {
  const aw = isWild(ca);
  const bw = isWild(cb);
  if (aw && bw) return true; // some character other than ":" suits both
  if (aw) return wildTakes(ca, cb);
  if (bw) return wildTakes(cb, ca);
  return sameChar(ca, cb, ci);
}

function intersectDp(a: string, b: string, ci: boolean): boolean {
  const n = a.length;
  const m = b.length;
  const w = m + 1;
  const reach = new Uint8Array((n + 1) * w);
  reach[0] = 1;
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= m; j++) {
      if (!reach[i * w + j]) continue;
      const ca = i < n ? a[i] : "";
      const cb = j < m ? b[j] : "";
      const sa = isStar(ca);
      const sb = isStar(cb);
      if (sa) reach[(i + 1) * w + j] = 1; // the star of a ends here
      if (sb) reach[i * w + j + 1] = 1;
      if (i === n || j === m || (sa && sb)) continue; // two stars eating together go nowhere new
      if (!compatible(ca, cb, ci)) continue;
      reach[(sa ? i : i + 1) * w + (sb ? j : j + 1)] = 1;
    }
  }
  return reach[n * w + m] === 1;
}

const coversCache: [PairCache, PairCache] = [new PairCache(), new PairCache()];

/**
 * Does every string matching `inner` also match `outer`? Conservative: `true` is always right, `false` may be
 * a "don't know" (exact inclusion between glob patterns is expensive in general).
 *
 * Check: can `outer` be laid over `inner` token by token so that every inner token lies under an outer token
 * that accepts everything it can produce: an inner `*` only inside an outer `*`, an inner `?` under an outer
 * `?` or inside an outer `*`, an inner literal under the same literal, an outer `?` or inside an outer `*`
 * (segment wildcards accept no colon)? If so, any expansion of inner is also an expansion of outer. Patterns
 * equal as languages but written differently (`*?` vs `?*`) may get `false`, which is the safe answer.
 */
export function globCovers(outer: string, inner: string, opts?: GlobOptions): boolean {
  const ci = opts?.caseInsensitive === true;
  if (outer === inner || outer === "*") return true;
  if (!hasWildcard(inner)) return globMatch(outer, inner, opts);
  if (!hasWildcard(outer)) return false;
  const cache = coversCache[ci ? 1 : 0];
  const hit = cache.get(outer, inner);
  if (hit !== undefined) return hit;
  return cache.set(outer, inner, coversDp(tokens(outer), tokens(inner), ci));
}

/** Can outer token `o` absorb everything inner token `t` produces? */
function absorbs(o: string, t: string, ci: boolean): boolean {
  if (o === "*") return true;
  if (o === SEG_STAR) return t === SEG_STAR || t === SEG_ONE || (!isWild(t) && t !== ":");
  if (isStar(t)) return false; // only an outer star can stand for an inner star
  if (o === "?") return true;
  if (o === SEG_ONE) return t === SEG_ONE || (!isWild(t) && t !== ":");
  return !isWild(t) && sameChar(o, t, ci);
}

function coversDp(o: string, t: string, ci: boolean): boolean {
  const n = o.length;
  const m = t.length;
  const w = m + 1;
  const reach = new Uint8Array((n + 1) * w);
  reach[0] = 1;
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= m; j++) {
      if (!reach[i * w + j] || i === n) continue;
      const co = o[i];
      if (isStar(co)) {
        reach[(i + 1) * w + j] = 1; // the outer star ends here
        if (j < m && absorbs(co, t[j], ci)) reach[i * w + j + 1] = 1; // ...or swallows inner token j
        continue;
      }
      if (j < m && absorbs(co, t[j], ci)) reach[(i + 1) * w + j + 1] = 1;
    }
  }
  return reach[n * w + m] === 1;
}
