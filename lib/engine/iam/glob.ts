/**
 * IAM glob patterns: `*` matches any run of characters (including `:` and `/`, which is the widest and so the
 * fail-closed reading for an Allow), `?` matches exactly one character, everything else is literal.
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

/** More compiled patterns than this and a cache starts over: stacks repeat patterns heavily, so this is rare. */
const CACHE_LIMIT = 20_000;

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

export function hasWildcard(pattern: string): boolean {
  return pattern.includes("*") || pattern.includes("?");
}

/** `**` matches exactly what `*` matches; collapsing keeps regexes and DP tables small. */
function collapseStars(pattern: string): string {
  return pattern.includes("**") ? pattern.replace(/\*{2,}/g, "*") : pattern;
}

type Matcher = (text: string) => boolean;

const matcherCache: [Map<string, Matcher>, Map<string, Matcher>] = [new Map(), new Map()];

/**
 * Regexes with many stars can backtrack exponentially on adversarial text; above this many stars the
 * (quadratic worst case, never exponential) two-pointer matcher is used instead.
 */
const MAX_REGEX_STARS = 4;

function compile(pattern: string, caseInsensitive: boolean): Matcher {
  const p = collapseStars(pattern);
  if (p === "*") return () => true;
  if (!hasWildcard(p)) {
    if (!caseInsensitive) return (t) => t === p;
    const lower = p.toLowerCase();
    return (t) => t.length === lower.length && t.toLowerCase() === lower;
  }
  let stars = 0;
  for (let i = 0; i < p.length; i++) if (p.charCodeAt(i) === 42) stars++;
  if (stars > MAX_REGEX_STARS) {
    const pp = caseInsensitive ? p.toLowerCase() : p;
    return (t) => twoPointerMatch(pp, caseInsensitive ? t.toLowerCase() : t);
  }
  let source = "^";
  for (const ch of p) {
    if (ch === "*") source += "[\\s\\S]*";
    else if (ch === "?") source += "[\\s\\S]";
    else source += ch.replace(/[.+^${}()|[\]\\/-]/g, "\\$&");
  }
  source += "$";
  const re = new RegExp(source, caseInsensitive ? "i" : "");
  return (t) => re.test(t);
}

/** Classic wildcard matching that only ever backtracks to the most recent `*`: O(|p|·|t|) worst case. */
function twoPointerMatch(p: string, t: string): boolean {
  let pi = 0;
  let ti = 0;
  let starP = -1;
  let starT = 0;
  while (ti < t.length) {
    const c = p[pi];
    if (pi < p.length && (c === "?" || c === t[ti])) {
      pi++;
      ti++;
    } else if (pi < p.length && c === "*") {
      starP = pi++;
      starT = ti;
    } else if (starP >= 0) {
      pi = starP + 1;
      ti = ++starT;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === "*") pi++;
  return pi === p.length;
}

function matcher(pattern: string, caseInsensitive: boolean): Matcher {
  const cache = matcherCache[caseInsensitive ? 1 : 0];
  return cache.get(pattern) ?? remember(cache, pattern, compile(pattern, caseInsensitive));
}

/** Does `text` (a concrete string; its `*`/`?` are literal characters here) match `pattern`? */
export function globMatch(pattern: string, text: string, opts?: GlobOptions): boolean {
  return matcher(pattern, opts?.caseInsensitive === true)(text);
}

function sameChar(a: string, b: string, caseInsensitive: boolean): boolean {
  return a === b || (caseInsensitive && a.toLowerCase() === b.toLowerCase());
}

const intersectCache: [Map<string, boolean>, Map<string, boolean>] = [new Map(), new Map()];

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
  if (!aw) return globMatch(b, a, opts);
  if (!bw) return globMatch(a, b, opts);
  const cache = intersectCache[ci ? 1 : 0];
  const key = a + "\u0000" + b;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  return remember(cache, key, intersectDp(collapseStars(a), collapseStars(b), ci, false));
}

/**
 * Internal wildcard tokens that never match a colon. Only `patternMeetsTarget` produces them, and only the
 * DP called from there reads them.
 */
const NC_STAR = "\uE000";
const NC_ONE = "\uE001";

const targetCache: [Map<string, boolean>, Map<string, boolean>] = [new Map(), new Map()];

/**
 * Could a policy pattern (Resource, principal ARN) match a real resource described by `target`, an ARN
 * pattern from the stack such as `arn:aws:ec2:*:*:volume/prod-1` whose region and account are unknown?
 *
 * Plain `globsIntersect` answers yes far too often there: a `*` standing for the unknown account may run on
 * through `:` into the resource part, so `arn:aws:ec2:*:*:volume/dev-*` "meets" `arn:aws:ec2:*:*:volume/prod-1`
 * through the string `arn:aws:ec2:a:b:volume/dev-:c:volume/prod-1`, which is no real ARN. Real partitions,
 * services, regions and accounts contain no colon, so here the wildcards of those segments of the target
 * (those followed by a `:` in it) never match one. The policy pattern keeps full IAM reading (its `*` may cross
 * colons, as AWS documents for a `*` ending a segment); the target's resource part keeps its full reading too.
 * A target that is not an ARN is compared with `globsIntersect`.
 */
export function patternMeetsTarget(policyPattern: string, target: string, opts?: GlobOptions): boolean {
  if (!target.startsWith("arn:") || !hasWildcard(target)) return globsIntersect(policyPattern, target, opts);
  if (policyPattern === "*" || policyPattern === target) return true;
  const ci = opts?.caseInsensitive === true;
  const cache = targetCache[ci ? 1 : 0];
  const key = policyPattern + "\u0000" + target;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const segments = collapseStars(target).split(":");
  const head = Math.min(5, segments.length - 1); // segments followed by a colon, at most the first five
  const encoded = segments
    .map((seg, i) => (i < head ? seg.replace(/\*/g, NC_STAR).replace(/\?/g, NC_ONE) : seg))
    .join(":");
  return remember(cache, key, intersectDp(collapseStars(policyPattern), encoded, ci, true));
}

const isStar = (c: string, nc: boolean) => c === "*" || (nc && c === NC_STAR);
const isAnyOne = (c: string, nc: boolean) => c === "?" || (nc && c === NC_ONE);
const isColonFree = (c: string, nc: boolean) => nc && (c === NC_STAR || c === NC_ONE);

/** Can one character be consumed by both tokens (neither an epsilon move)? */
function compatible(ca: string, cb: string, ci: boolean, nc: boolean): boolean {
  const aWild = isStar(ca, nc) || isAnyOne(ca, nc);
  const bWild = isStar(cb, nc) || isAnyOne(cb, nc);
  if (aWild && bWild) return true; // pick any non-colon character
  if (aWild) return !(isColonFree(ca, nc) && cb === ":");
  if (bWild) return !(isColonFree(cb, nc) && ca === ":");
  return sameChar(ca, cb, ci);
}

function intersectDp(a: string, b: string, ci: boolean, nc: boolean): boolean {
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
      const sa = isStar(ca, nc);
      const sb = isStar(cb, nc);
      if (sa) reach[(i + 1) * w + j] = 1;
      if (sb) reach[i * w + j + 1] = 1;
      if (i === n || j === m || (sa && sb)) continue;
      if (!compatible(ca, cb, ci, nc)) continue;
      reach[(sa ? i : i + 1) * w + (sb ? j : j + 1)] = 1;
    }
  }
  return reach[n * w + m] === 1;
}

const coversCache: [Map<string, boolean>, Map<string, boolean>] = [new Map(), new Map()];

/**
 * Does every string matching `inner` also match `outer`? Conservative: `true` is always right, `false` may be
 * a "don't know" (exact inclusion between glob patterns is expensive in general).
 *
 * Check: can `outer` be laid over `inner` token by token so that each inner `*` lies inside an outer `*`, each
 * inner `?` under an outer `?` or inside an outer `*`, and each inner literal under the same literal, an outer
 * `?` or inside an outer `*`? If so, any string matching inner is produced by expanding inner's wildcards, and
 * the same expansion fits outer. Patterns that are equal as languages but written differently (`*?` vs `?*`)
 * may get `false`, which is the safe answer.
 */
export function globCovers(outer: string, inner: string, opts?: GlobOptions): boolean {
  const ci = opts?.caseInsensitive === true;
  if (outer === inner) return true;
  const o = collapseStars(outer);
  if (o === "*") return true;
  if (!hasWildcard(inner)) return globMatch(o, inner, opts);
  if (!hasWildcard(o)) return false;
  const cache = coversCache[ci ? 1 : 0];
  const key = outer + "\u0000" + inner;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  return remember(cache, key, coversDp(o, collapseStars(inner), ci));
}

function coversDp(o: string, t: string, ci: boolean): boolean {
  const n = o.length;
  const m = t.length;
  const w = m + 1;
  const reach = new Uint8Array((n + 1) * w);
  reach[0] = 1;
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= m; j++) {
      if (!reach[i * w + j]) continue;
      if (i === n) continue;
      const co = o[i];
      if (co === "*") {
        reach[(i + 1) * w + j] = 1; // the outer star ends here
        if (j < m) reach[i * w + j + 1] = 1; // the outer star swallows inner token j, whatever it is
        continue;
      }
      if (j === m) continue;
      const ct = t[j];
      if (ct === "*") continue; // only an outer star can stand for an inner star
      if (co === "?" || (ct !== "?" && sameChar(co, ct, ci))) reach[(i + 1) * w + j + 1] = 1;
    }
  }
  return reach[n * w + m] === 1;
}
