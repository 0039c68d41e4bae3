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
        const hit = m === "**" || (m as RegExp).test(e.name);
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

/** A path component as a RegExp: `*`, `?`, `[...]`, `[^...]`; undefined for what is not modelled. */
function componentMatcher(c: string): RegExp | undefined {
  let re = "";
  for (let i = 0; i < c.length; i++) {
    const ch = c[i];
    if (ch === "*") re += "[^/]*";
    else if (ch === "?") re += "[^/]";
    else if (ch === "[") {
      const close = c.indexOf("]", i + 1);
      if (close < 0) return undefined;
      let body = c.slice(i + 1, close);
      let negate = false;
      if (body.startsWith("^")) {
        negate = true;
        body = body.slice(1);
      }
      // `[!...]`, an empty class, or a class holding `[` are read differently by different globs.
      if (body === "" || body.startsWith("!") || body.includes("[")) return undefined;
      re += `[${negate ? "^" : ""}${body.replace(/[\\\]^]/g, "\\$&")}]`;
      i = close;
    } else re += ch.replace(/[.+^${}()|\\/\]]/g, "\\$&");
  }
  try {
    return new RegExp(`^${re}$`, "u");
  } catch {
    return undefined;
  }
}
