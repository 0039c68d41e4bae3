/**
 * Terraform's regular expressions are Go's (RE2). JavaScript's differ in places: `.` stops at `\r` and U+2028 too,
 * `\s` takes Unicode spaces and `\v`, a quantified group forgets its captures on each pass, and RE2 has syntax
 * JavaScript reads otherwise (`(?P<n>`, `(?i)`, `\pL`, `[[:alpha:]]`, `\Q...\E`, a `{` that is no repetition). Only
 * a subset whose matches are the same in both is translated; anything else is refused, and the call stays unknown.
 * JavaScript backtracks where RE2 does not, so a pattern the configuration writes could take exponential time: each
 * match runs under a time limit, and one that hits it leaves the call unknown.
 */
import { createContext, runInContext } from "vm";

export interface Re2 {
  /** The translation, with the `u` and `g` flags. */
  readonly re: RegExp;
  /** Per capture group in order: its name, or undefined when unnamed. */
  readonly groups: readonly (string | undefined)[];
}

/** RE2 refuses a repetition count above this (`a{1001}` is an error there). */
const MAX_REPEAT = 1000;

const CLASS_S = "\\t\\n\\f\\r ";
/** Characters escaped with `\` in RE2 that JavaScript's `u` mode also accepts escaped, outside a class. */
const ESCAPABLE = new Set([..."\\^$.|?*+()[]{}/"]);
/** The same inside a class: `-` too. */
const CLASS_ESCAPABLE = new Set([..."\\^$.|?*+()[]{}/-"]);

interface Group {
  readonly capturing: boolean;
  /** A capture group anywhere inside. */
  captures: boolean;
}

/** The JavaScript RegExp for an RE2 pattern, or undefined where the two may not agree. */
export function translateRe2(pattern: string): Re2 | undefined {
  const chars = [...pattern];
  let out = "";
  const groups: (string | undefined)[] = [];
  const stack: Group[] = [];
  // What a quantifier would apply to: none (start, `(`, `|`, an anchor), an atom, a group (and whether it captures).
  let prev: "none" | "atom" | "group" | "quantified" = "none";
  let prevCaptures = false;
  let i = 0;
  const peek = (k = 0) => chars[i + k];
  while (i < chars.length) {
    const c = chars[i];
    if (c === "\\") {
      const e = peek(1);
      if (e === undefined) return undefined;
      i += 2;
      if ("dDwW".includes(e)) out += `\\${e}`;
      else if (e === "s") out += `[${CLASS_S}]`;
      else if (e === "S") out += `[^${CLASS_S}]`;
      else if ("ntrfv".includes(e)) out += `\\${e}`;
      else if (e === "b" || e === "B") {
        out += `\\${e}`;
        prev = "none";
        continue;
      } else if (ESCAPABLE.has(e)) out += `\\${e}`;
      else if (e === "-") out += "-";
      else return undefined;
      prev = "atom";
      continue;
    }
    if (c === ".") {
      out += "[^\\n]";
      i++;
      prev = "atom";
      continue;
    }
    if (c === "^" || c === "$") {
      out += c;
      i++;
      prev = "none";
      continue;
    }
    if (c === "|") {
      out += c;
      i++;
      prev = "none";
      continue;
    }
    if (c === "(") {
      if (peek(1) === "?") {
        if (peek(2) === ":") {
          out += "(?:";
          i += 3;
          stack.push({ capturing: false, captures: false });
        } else if (peek(2) === "P" && peek(3) === "<") {
          let j = i + 4;
          let name = "";
          while (j < chars.length && chars[j] !== ">") name += chars[j++];
          if (chars[j] !== ">" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || groups.includes(name)) return undefined;
          out += `(?<${name}>`;
          groups.push(name);
          i = j + 1;
          stack.push({ capturing: true, captures: false });
        } else {
          // Flags (`(?i)`), lookarounds (not RE2), `(?<name>` (only newer Go): not translated.
          return undefined;
        }
      } else {
        out += "(";
        groups.push(undefined);
        i++;
        stack.push({ capturing: true, captures: false });
      }
      prev = "none";
      continue;
    }
    if (c === ")") {
      const g = stack.pop();
      if (!g) return undefined;
      out += ")";
      i++;
      prev = "group";
      prevCaptures = g.capturing || g.captures;
      if (prevCaptures && stack.length > 0) stack[stack.length - 1].captures = true;
      continue;
    }
    if (c === "[") {
      const cls = translateClass(chars, i);
      if (!cls) return undefined;
      out += cls.text;
      i = cls.end;
      prev = "atom";
      continue;
    }
    if (c === "*" || c === "+" || c === "?" || c === "{") {
      let q = c;
      let j = i + 1;
      if (c === "{") {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(chars.slice(i, i + 16).join(""));
        if (!m) return undefined; // RE2 reads it as a literal `{`, JavaScript's `u` mode refuses it
        const lo = Number(m[1]);
        const hi = m[3] === undefined || m[3] === "" ? undefined : Number(m[3]);
        if (lo > MAX_REPEAT || (hi !== undefined && (hi > MAX_REPEAT || hi < lo))) return undefined;
        q = m[0];
        j = i + m[0].length;
      }
      // A quantifier needs an atom. A group with captures repeated more than once: JavaScript clears the captures at
      // each pass, RE2 keeps what an earlier pass took (`(?:(a)|b)+` on "ab"); only `?` repeats nothing.
      if (prev === "none" || prev === "quantified" || (prev === "group" && prevCaptures && c !== "?")) return undefined;
      if (chars[j] === "?") {
        q += "?";
        j++;
      }
      out += q;
      i = j;
      prev = "quantified";
      continue;
    }
    if (c === "]" || c === "}") return undefined;
    out += c;
    i++;
    prev = "atom";
  }
  if (stack.length > 0) return undefined;
  try {
    return { re: new RegExp(out, "gu"), groups };
  } catch {
    return undefined;
  }
}

function translateClass(chars: readonly string[], start: number): { text: string; end: number } | undefined {
  let i = start + 1;
  let text = "[";
  if (chars[i] === "^") {
    text += "^";
    i++;
  }
  // `[]a]` and `[^]a]` hold a `]` in RE2; JavaScript reads an empty class.
  if (chars[i] === "]") return undefined;
  for (; i < chars.length; i++) {
    const c = chars[i];
    if (c === "]") return { text: text + "]", end: i + 1 };
    // POSIX classes (`[[:alpha:]]`) and nested brackets.
    if (c === "[") return undefined;
    if (c === "\\") {
      const e = chars[i + 1];
      if (e === undefined) return undefined;
      i++;
      if ("dDwW".includes(e) || "ntrfv".includes(e) || CLASS_ESCAPABLE.has(e)) text += `\\${e}`;
      else if (e === "s") text += CLASS_S;
      else return undefined;
      continue;
    }
    text += c;
  }
  return undefined;
}

/** One match: where it starts and ends (UTF-16 units) and the text of each group, null where a group took no part. */
export interface Match {
  readonly start: number;
  readonly end: number;
  /** Index 0 the whole match. */
  readonly texts: readonly (string | null)[];
}

const LIMIT_MS = 100;
let sandbox: object | undefined;

/**
 * The time left for all the matching of one configuration's reading. Each match has its own limit, but a
 * configuration may ask for thousands of them (`for` over a `range`), and whoever writes the repository could then
 * hold the gate until CI kills it (red-team round 85): once the budget is spent, every match is unknown.
 */
export interface RegexBudget {
  remainingMs: number;
}

/** The budget of one reading of a configuration: generous for any real use, which takes microseconds a match. */
export function regexBudget(): RegexBudget {
  return { remainingMs: 1000 };
}

/** The first match at or after `pos`; undefined when none; "timeout" when the match ran out of time or budget. */
export function matchAt(r: Re2, s: string, pos: number, budget?: RegexBudget): Match | undefined | "timeout" {
  if (budget !== undefined && budget.remainingMs <= 0) return "timeout";
  const limit = budget === undefined ? LIMIT_MS : Math.max(1, Math.min(LIMIT_MS, Math.ceil(budget.remainingMs)));
  sandbox ??= createContext(Object.create(null));
  const box = sandbox as { re?: RegExp; s?: string };
  r.re.lastIndex = pos;
  box.re = r.re;
  box.s = s;
  let m: RegExpExecArray | null;
  const started = performance.now();
  try {
    m = runInContext("re.exec(s)", sandbox, { timeout: limit }) as RegExpExecArray | null;
  } catch {
    return "timeout";
  } finally {
    box.re = undefined;
    box.s = undefined;
    if (budget !== undefined) budget.remainingMs -= performance.now() - started;
  }
  if (m === null) return undefined;
  return { start: m.index, end: m.index + m[0].length, texts: [...m].map((x) => (x === undefined ? null : x)) };
}

/**
 * Go's `FindAll`: every match left to right, where an empty match right after the previous match is skipped (Go's
 * rule, which JavaScript's global matching does not have). Undefined when a match ran out of time.
 */
export function matchAll(r: Re2, s: string, budget?: RegexBudget): Match[] | undefined {
  const out: Match[] = [];
  let pos = 0;
  let prevEnd = -1;
  while (pos <= s.length) {
    const m = matchAt(r, s, pos, budget);
    if (m === "timeout") return undefined;
    if (m === undefined) break;
    let accept = true;
    if (m.end === pos) {
      if (m.start === prevEnd) accept = false;
      pos = pos < s.length ? pos + width(s, pos) : s.length + 1;
    } else {
      pos = m.end;
    }
    prevEnd = m.end;
    if (accept) out.push(m);
    if (out.length > 100_000) return undefined;
  }
  return out;
}

/** UTF-16 units of the code point at `i`. */
function width(s: string, i: number): number {
  const c = s.codePointAt(i);
  return c !== undefined && c > 0xffff ? 2 : 1;
}

/**
 * Go's `ReplaceAllString`: `$1`, `${1}`, `$name`, `${name}` expanded (a name is the longest run of letters, digits
 * and `_`, so `$1x` is the group named `1x`, which gives ""), `$$` a `$`. Undefined when a match ran out of time or
 * the template has a `$` before a character other than ASCII (Go's letters are Unicode ones). "too long" when the result
 * would pass `maxLength` characters (each match may add a long replacement: it is stopped as it grows).
 */
export function replaceAll(r: Re2, s: string, template: string, budget?: RegexBudget, maxLength = Infinity): string | undefined | "too long" {
  if (/\$\{?[^\x00-\x7f]/.test(template)) return undefined;
  let buf = "";
  let lastEnd = 0;
  let pos = 0;
  while (pos <= s.length) {
    const m = matchAt(r, s, pos, budget);
    if (m === "timeout") return undefined;
    if (m === undefined) break;
    buf += s.slice(lastEnd, m.start);
    if (m.end > lastEnd || m.start === 0) buf += expand(r, m.texts, template, maxLength);
    if (buf.length > maxLength) return "too long";
    lastEnd = m.end;
    const w = pos < s.length ? width(s, pos) : 0;
    if (pos + w > m.end) pos += w;
    else if (pos + 1 > m.end) pos++;
    else pos = m.end;
  }
  const out = buf + s.slice(lastEnd);
  return out.length > maxLength ? "too long" : out;
}

/** The template with the groups put in; cut short once longer than `maxLength` (the caller then gives up). */
function expand(r: Re2, groupTexts: readonly (string | null)[], template: string, maxLength: number): string {
  let out = "";
  let t = template;
  for (;;) {
    if (out.length > maxLength) return out;
    const at = t.indexOf("$");
    if (at < 0) break;
    out += t.slice(0, at);
    t = t.slice(at + 1);
    if (t.startsWith("$")) {
      out += "$";
      t = t.slice(1);
      continue;
    }
    const m = /^(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/.exec(t);
    if (!m) {
      out += "$";
      continue;
    }
    t = t.slice(m[0].length);
    const name = m[1] ?? m[2];
    const num = /^[0-9]+$/.test(name) && !(name.length > 1 && name.startsWith("0")) && name.length < 9 ? Number(name) : -1;
    if (num >= 0) out += groupTexts[num] ?? "";
    else {
      const g = r.groups.indexOf(name);
      out += g >= 0 ? (groupTexts[g + 1] ?? "") : "";
    }
  }
  return out + t;
}
