/**
 * Terraform's `fileset(path, pattern)` and the path functions, as Terraform computes them on Linux: `fileset` globs
 * with the doublestar library (v1) and keeps regular files, relative to `path`, `/`-separated; `basename`, `dirname`
 * and `abspath` are Go's `filepath.Base`, `Dir` and `Abs`. Where blastwall's reading could differ from Terraform's
 * (escapes, nested braces, symbolic links, a directory that is not there or cannot be read) the result is not known.
 */

/** One directory entry, as `lstat` types it. */
export interface DirEntry {
  readonly name: string;
  readonly kind: "file" | "dir" | "link" | "other";
}

/** Entries of a directory; undefined when nothing is there; null when it cannot be listed. */
export type ListDir = (path: string) => readonly DirEntry[] | undefined | null;

/** Go's `path.Clean`. */
export function goClean(p: string): string {
  if (p === "") return ".";
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(part);
  }
  const s = out.join("/");
  return rooted ? `/${s}` : s === "" ? "." : s;
}

/** Go's `filepath.Base` on Linux. */
export function goBase(p: string): string {
  if (p === "") return ".";
  const trimmed = p.replace(/\/+$/, "");
  if (trimmed === "") return "/";
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** Go's `filepath.Dir` on Linux. */
export function goDir(p: string): string {
  return goClean(p.slice(0, p.lastIndexOf("/") + 1));
}

const META = /[*?[\]{}\\]/;
/** Beyond these the glob is not worth finishing: a `**` over a large tree. */
const MAX_VISITS = 20_000;
const MAX_ALTERNATIVES = 64;

/** Sorted paths relative to `path`, or undefined when blastwall cannot tell what Terraform would list. */
export function fileset(path: string, pattern: string, list: ListDir): string[] | undefined {
  // Terraform globs `path` joined to the pattern: metacharacters in the path are pattern too.
  if (META.test(path) || pattern.includes("\\")) return undefined;
  const base = goClean(path);
  const alternatives = expandBraces(pattern);
  if (!alternatives) return undefined;
  const found = new Set<string>();
  let visits = 0;
  for (const alt of alternatives) {
    // `filepath.Join` cleans the joined pattern: `.` parts go, `..` climbs, which is left unknown here.
    if (alt.split("/").includes("..")) return undefined;
    const comps = goClean(`/${alt}`).slice(1).split("/");
    if (comps.length === 1 && comps[0] === "") return undefined;
    const matchers = comps.map((c) => (c === "**" ? "**" : componentMatcher(c)));
    if (matchers.some((m) => m === undefined)) return undefined;
    const walk = (rel: string, kind: DirEntry["kind"], i: number): boolean => {
      if (++visits > MAX_VISITS) return false;
      if (i === matchers.length) {
        if (kind === "file") found.add(rel);
        return true;
      }
      const m = matchers[i];
      // `**` stands for no part at all, or for one more (and then still for the rest).
      if (m === "**" && !walk(rel, kind, i + 1)) return false;
      if (kind !== "dir") return true;
      const entries = list(rel === "" ? base : `${base}/${rel}`);
      if (entries === undefined || entries === null) return false;
      for (const e of entries) {
        const hit = m === "**" || (m as (name: string) => boolean)(e.name);
        if (!hit) continue;
        // Whether doublestar follows a link, and into what, is not modelled.
        if (e.kind === "link") return false;
        const next = rel === "" ? e.name : `${rel}/${e.name}`;
        if (!walk(next, e.kind, m === "**" ? i : i + 1)) return false;
      }
      return true;
    };
    // A base directory that is not there gives Terraform an empty set; the files may be made before the plan runs.
    const top = list(base);
    if (top === undefined || top === null) return undefined;
    if (!walk("", "dir", 0)) return undefined;
  }
  return [...found];
}

/** `{a,b}` alternatives, one level, none holding `/` or `**`; undefined for anything else. */
function expandBraces(pattern: string): string[] | undefined {
  let outs = [""];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "}") return undefined;
    if (c !== "{") {
      outs = outs.map((o) => o + c);
      i++;
      continue;
    }
    const close = pattern.indexOf("}", i);
    if (close < 0) return undefined;
    const body = pattern.slice(i + 1, close);
    if (body.includes("{") || body.includes("/") || body.includes("**") || body.includes("[")) return undefined;
    const alts = body.split(",");
    outs = outs.flatMap((o) => alts.map((a) => o + a));
    if (outs.length > MAX_ALTERNATIVES) return undefined;
    i = close + 1;
  }
  return outs;
}

/** One token of a path component pattern: any run, any one character, a character class, or a literal. */
type ComponentToken = { readonly kind: "star" } | { readonly kind: "one" } | { readonly kind: "class"; readonly chars: ReadonlySet<string>; readonly ranges: readonly (readonly [number, number])[]; readonly negate: boolean } | { readonly kind: "literal"; readonly ch: string };

/**
 * A path component pattern (`*`, `?`, `[...]`, `[^...]`) as a matcher of one file name; undefined for what is not
 * modelled. Matched by a table over pattern and name (time in the product of their lengths), not a RegExp: a
 * component with many stars against a long name backtracked for hours (red-team round 98).
 */
function componentMatcher(c: string): ((name: string) => boolean) | undefined {
  const tokens: ComponentToken[] = [];
  const cps = [...c];
  for (let i = 0; i < cps.length; i++) {
    const ch = cps[i];
    if (ch === "*") tokens.push({ kind: "star" });
    else if (ch === "?") tokens.push({ kind: "one" });
    else if (ch === "[") {
      const close = cps.indexOf("]", i + 1);
      if (close < 0) return undefined;
      let body = cps.slice(i + 1, close);
      let negate = false;
      if (body[0] === "^") {
        negate = true;
        body = body.slice(1);
      }
      // `[!...]`, an empty class, or a class holding `[` are read differently by different globs.
      if (body.length === 0 || body[0] === "!" || body.includes("[")) return undefined;
      const chars = new Set<string>();
      const ranges: [number, number][] = [];
      for (let k = 0; k < body.length; k++) {
        // `a-z` is a range, as in the RegExp class this replaces; a `-` first or last is itself.
        if (body[k + 1] === "-" && k + 2 < body.length) {
          const lo = body[k].codePointAt(0)!;
          const hi = body[k + 2].codePointAt(0)!;
          if (lo > hi) return undefined;
          ranges.push([lo, hi]);
          k += 2;
        } else chars.add(body[k]);
      }
      tokens.push({ kind: "class", chars, ranges, negate });
      i = close;
    } else tokens.push({ kind: "literal", ch });
  }
  const takes = (t: ComponentToken, ch: string): boolean => {
    if (ch === "/") return false;
    if (t.kind === "star" || t.kind === "one") return true;
    if (t.kind === "literal") return t.ch === ch;
    const cp = ch.codePointAt(0)!;
    const inClass = t.chars.has(ch) || t.ranges.some(([lo, hi]) => cp >= lo && cp <= hi);
    return inClass !== t.negate;
  };
  return (name) => {
    const text = [...name];
    let row = new Uint8Array(text.length + 1);
    row[0] = 1;
    for (const t of tokens) {
      const next = new Uint8Array(text.length + 1);
      if (t.kind === "star") {
        next[0] = row[0];
        for (let j = 1; j <= text.length; j++) next[j] = row[j] || (next[j - 1] && takes(t, text[j - 1])) ? 1 : 0;
      } else {
        for (let j = 1; j <= text.length; j++) if (row[j - 1] && takes(t, text[j - 1])) next[j] = 1;
      }
      row = next;
    }
    return row[text.length] === 1;
  };
}
