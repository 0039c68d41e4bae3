/**
 * The Terraform functions blastwall evaluates: pure ones over values whose needed parts are known. A function
 * returns `NOPE` when it cannot tell the result (an argument is unknown, it is not implemented, it would fail
 * in Terraform); the caller then keeps the call as an unknown expression. Nothing here guesses.
 */
import { STRING, NUMBER, UNKNOWN, collectionOf, objectOf, sameType, tupleOf, type Ty } from "./ty";
import { fileset as globFiles, goBase, goClean, goDir, type ListDir } from "./fileset";
import { matchAll, matchAt, replaceAll, translateRe2, type Match, type Re2, type RegexBudget } from "./re2";
import { yamlDecode } from "./yaml";
import type { EvalBudget } from "./budget";
import { trimGoSpace } from "./go-space";
import { DOUBT, NIL, convertValue, setOrder, typed, typedEqual, unifyTypes, valueType } from "./unify";
import {
  AttrRef,
  ModRef,
  knownLength,
  tooLarge,
  Tmpl,
  Unk,
  assignKeys,
  byteOrder,
  concat,
  deepEqual,
  exactInteger,
  formatNumber,
  fromJson,
  hasKey,
  isKnown,
  isObj,
  isSet,
  isUnknown,
  jsonencode,
  markInexact,
  nonEmptyRef,
  setKey,
  toTemplatePart,
  type ObjValue,
  type Value,
} from "./values";

/** A call blastwall cannot tell the result of: the same outcome as a conversion it does not model (unify.ts). */
export const NOPE: typeof DOUBT = DOUBT;
/** Terraform raises an error for this call (`tomap({ a = [1], b = "x" })`): `try` moves on, `can` is false; as unify.ts's NIL. */
export const FAIL: typeof NIL = NIL;
export type Result = Value | typeof NOPE | typeof FAIL;

export interface FnCtx {
  /** File contents (path relative to the root directory), undefined when unreadable. */
  readFile(path: string): string | undefined | null;
  /** Evaluates template text with only `vars` in scope. */
  templateFile(text: string, vars: ObjValue): Result;
  /**
   * The type of a null argument where its expression shows it (a literal `null` is of the dynamic type, a typed
   * variable's null of that type), by argument position: `coalesce` unifies its arguments' types.
   */
  readonly nullTypes?: readonly (Ty | undefined)[];
  /** Entries of a directory (path relative to the root directory, as `readFile`), for `fileset`. */
  readonly listDir?: ListDir;
  /** The regular-expression time left for the configuration being read (re2.ts); without it, each match has its own limit only. */
  readonly regexBudget?: RegexBudget;
  /** The absolute root directory, where Terraform runs: what `abspath` resolves against. */
  readonly rootDir?: string;
  /** The evaluation work left for the configuration (budget.ts); without it, nothing is counted. */
  readonly evalBudget?: EvalBudget;
}

/** The result of a call that would make more than the evaluation budget allows: unknown (budget.ts). */

/** Charges a string of `length` characters about to be built; false when the budget refuses it. */
const mayBuild = (ctx: FnCtx | undefined, length: number): boolean => ctx?.evalBudget?.chars(length) ?? true;



type Fn = (args: Value[], ctx: FnCtx) => Result;

const isStr = (v: Value): v is string => typeof v === "string";
const isList = (v: Value): v is Value[] => Array.isArray(v);
/** A set (not narrowing: a set is a list here too). */
const setLike = (v: Value | undefined): boolean => v !== undefined && isSet(v);

/** A primitive converted to string as Terraform does, else undefined. */
function asString(v: Value): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number") return printable(v) ? formatNumber(v) : undefined;
  if (typeof v === "boolean") return v ? "true" : "false";
  return undefined;
}

/** A number JavaScript prints as Terraform does: not in exponent form (`1e+21`), which Terraform writes out in full. */
function printable(n: number): boolean {
  return Number.isFinite(n) && !/e/i.test(String(n));
}

function asInt(v: Value): number | undefined {
  const n = typeof v === "number" ? v : typeof v === "string" && /^-?[0-9]+$/.test(v) ? Number(v) : undefined;
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

/** A list of known strings (numbers and bools converted), else undefined. */
function stringList(v: Value): string[] | undefined {
  if (!isList(v)) return undefined;
  const out: string[] = [];
  for (const x of v) {
    const s = asString(x);
    if (s === undefined) return undefined;
    out.push(s);
  }
  return out;
}

function strFn(f: (s: string, ...rest: Value[]) => Result): Fn {
  return (args) => {
    const s = args[0];
    if (!isStr(s)) return NOPE;
    return f(s, ...args.slice(1));
  };
}

function identity1(args: Value[]): Result {
  return args.length === 1 ? args[0] : NOPE;
}

/** Go-style `%` verbs of Terraform's `format`: `%s`, `%d`, `%v`, `%%`; others make the call unknown. */
function format(args: Value[], ctx?: FnCtx): Result {
  const f = args[0];
  if (!isStr(f)) return NOPE;
  const parts: (string | Unk)[] = [];
  let ai = 1;
  let i = 0;
  while (i < f.length) {
    const c = f[i];
    if (c !== "%") {
      parts.push(c);
      i++;
      continue;
    }
    const verb = f[i + 1];
    i += 2;
    if (verb === "%") {
      parts.push("%");
      continue;
    }
    if (verb !== "s" && verb !== "d" && verb !== "v") return NOPE;
    if (ai >= args.length) return NOPE;
    const a = args[ai++];
    if (verb === "d" && typeof a !== "number" && !(a instanceof Unk)) return NOPE;
    // `%d` takes whole numbers only; `%v` prints a number as Go's `%g` does (1e+06, 1.23456789012e+11), which equals
    // the plain form only for a whole number under a million (red-team round 89).
    if (typeof a === "number" && (verb === "d" ? !Number.isInteger(a) : verb === "v" && !plainUnderG(a))) return NOPE;
    const tp = toTemplatePart(a);
    if (!tp) return NOPE;
    parts.push(...tp);
  }
  if (ai !== args.length) return NOPE;
  return mayBuild(ctx, knownLength(parts)) ? concat(parts) : tooLarge();
}

/** Whether Go's `%g` (shortest) prints `n` as its plain decimal form: a whole number of at most six digits. */
export function plainUnderG(n: number): boolean {
  return Number.isInteger(n) && Math.abs(n) < 1e6 && !Object.is(n, -0);
}

/**
 * Terraform's `formatlist`: `format` once per index of the list (or tuple) arguments, which must all have one
 * length; other arguments repeat. Without a list argument the result has one element.
 */
function formatlist(args: Value[], ctx: FnCtx): Result {
  const [spec, ...rest] = args;
  if (!isStr(spec)) return NOPE;
  let n: number | undefined;
  for (const a of rest) {
    if (isUnknown(a) || setLike(a)) return NOPE;
    if (!Array.isArray(a)) continue;
    if (n !== undefined && a.length !== n) return FAIL;
    n = a.length;
  }
  const out: Value[] = [];
  for (let i = 0; i < (n ?? 1); i++) {
    if (ctx.evalBudget && !ctx.evalBudget.values(1, i + 1)) return tooLarge();
    const r = format([spec, ...rest.map((a) => (Array.isArray(a) ? a[i] : a))], ctx);
    if (r === NOPE || r === FAIL) return r;
    out.push(r);
  }
  return typed(out, collectionOf("list", STRING));
}

function join(args: Value[], ctx: FnCtx): Result {
  const [sep, ...lists] = args;
  if (!isStr(sep) || lists.length === 0) return NOPE;
  const parts: (string | Unk)[] = [];
  let first = true;
  // Counted as it grows: a list of a few long strings shared many times would join to gigabytes.
  let length = 0;
  const cap = ctx.evalBudget?.limits.string ?? Infinity;
  for (const l of lists) {
    if (!isList(l)) return NOPE;
    for (const x of l) {
      const tp = toTemplatePart(x);
      if (!tp) return NOPE;
      if (!first) parts.push(sep);
      parts.push(...tp);
      length += knownLength(tp) + (first ? 0 : sep.length);
      if (length > cap) {
        mayBuild(ctx, length); // records why
        return tooLarge();
      }
      first = false;
    }
  }
  return mayBuild(ctx, length) ? concat(parts) : tooLarge();
}

/**
 * `tolist`, `toset`, `tomap`: the elements converted to the one type they unify to, as Terraform does
 * (`tolist(["a", true])` is `["a", "true"]`; `tomap({ a = ["x"], b = "y" })` is an error).
 */
function toCollection(v: Value, kind: "list" | "set" | "map"): Result {
  const t = valueType(v);
  if (t.k === kind) return v;
  if (t.k === "unknown") return NOPE;
  const from = kind === "map" ? ["object", "map"] : ["tuple", "list", "set"];
  if (!from.includes(t.k)) return FAIL;
  const els = t.k === "tuple" ? t.els : t.k === "object" ? [...t.attrs.values()].map((a) => a.ty) : [(t as { el: Ty }).el];
  const el = unifyTypes(els);
  if (el === NIL || el === DOUBT) return el;
  return convertValue(v, collectionOf(kind, el));
}

function toset(args: Value[]): Result {
  const l = args[0];
  if (args.length !== 1 || l === null || isUnknown(l)) return NOPE;
  return toCollection(l, "set");
}

/**
 * Terraform's `merge`: the arguments' own type when they all share it (maps of one type give that map), else an
 * object. A null argument may be of a map's type or of none, which decides between the two: not known then.
 */
function merge(args: Value[]): Result {
  const out: ObjValue = {};
  const types: Ty[] = [];
  let nulls = false;
  for (const a of args) {
    if (a === null) {
      nulls = true;
      continue;
    }
    if (!isObj(a)) return NOPE;
    assignKeys(out, a);
    types.push(valueType(a));
  }
  if (types.some((t) => t.k === "unknown") || (nulls && types.some((t) => t.k === "map"))) return typed(out, UNKNOWN);
  const first = types[0];
  if (first?.k === "map" && types.every((t) => sameType(t, first))) return typed(out, first);
  return out;
}

/** Lists give a list of their unified element type; a tuple among them gives a tuple (Terraform 1.11). */
function concatLists(args: Value[], ctx: FnCtx): Result {
  const out: Value[] = [];
  for (const a of args) {
    if (!isList(a)) return NOPE;
    if (setLike(a)) return FAIL;
    if (ctx.evalBudget && !ctx.evalBudget.values(a.length, out.length + a.length)) return tooLarge();
    out.push(...a);
  }
  // `concat()` is an error in Terraform ("at least one argument is required").
  if (args.length === 0) return FAIL;
  const types = args.map(valueType);
  if (types.some((t) => t.k === "unknown")) return typed(out, UNKNOWN);
  if (!types.every((t) => t.k === "list")) return out;
  const el = unifyTypes(types.map((t) => (t as { el: Ty }).el));
  // Lists whose element types do not unify make a tuple (`concat(tolist([1]), tolist([true]))` is `[1, true]`).
  if (el === NIL) return out;
  if (el === DOUBT) return NOPE;
  return convertValue(out, collectionOf("list", el));
}

function flatten(args: Value[], ctx: FnCtx): Result {
  const l = args[0];
  if (args.length !== 1 || !isList(l)) return NOPE;
  const out: Value[] = [];
  const budget = ctx.evalBudget;
  let over = false;
  // Counted per element as it goes: lists that share their parts (`l2 = [local.l1, local.l1]`) flatten to 2^N.
  const walk = (xs: Value[]): boolean => {
    for (const x of xs) {
      if (budget && !budget.values(1, out.length + 1)) {
        over = true;
        return false;
      }
      if (isList(x)) {
        if (!walk(x)) return false;
      } else if (x instanceof Unk && !nonEmptyRef(x)) {
        // Could itself be a list, which flatten would splice in (an ARN, id or JSON document is a string).
        return false;
      } else {
        out.push(x);
      }
    }
    return true;
  };
  if (walk(l)) return out;
  return over ? tooLarge() : NOPE;
}

/** A map's default is converted to its element type (`lookup(tomap({ a = "x" }), "b", 1)` is "1"). */
function lookup(args: Value[]): Result {
  const [m, k, d] = args;
  const key = asString(k ?? null);
  if (!isObj(m) || key === undefined) return NOPE;
  const t = valueType(m);
  let def: Result = args.length >= 3 ? d : NOPE;
  if (t.k === "map" && args.length >= 3) def = convertValue(d, t.el);
  else if (t.k !== "object") def = NOPE;
  if (def === FAIL) return FAIL;
  return hasKey(m, key) ? m[key] : def;
}

function element(args: Value[]): Result {
  const [l, i] = args;
  const n = asInt(i ?? null);
  if (setLike(l)) return FAIL; // a set has no indexes
  if (!isList(l) || n === undefined || l.length === 0 || n < 0) return NOPE;
  return l[n % l.length];
}

/**
 * Terraform counts and cases strings by Unicode grapheme clusters and Go's case tables, JavaScript by code points and
 * its own (`length("👍🏽")` is 1 there, 2 here; `upper("ß")` stays `ß` there). Outside ASCII the result is not known.
 */
const ASCII = /^[\x00-\x7f]*$/;

/** ASCII, and no CR LF (one grapheme cluster in Terraform, two characters here). */
function countable(s: string): boolean {
  return ASCII.test(s) && !s.includes("\r\n");
}

function length(args: Value[]): Result {
  const v = args[0];
  if (isList(v)) return v.length;
  if (isObj(v)) return Object.keys(v).length;
  if (isStr(v)) return countable(v) ? v.length : NOPE;
  return NOPE;
}

/** A map's keys or values make a list, an object's a tuple; in key order (UTF-8 bytes, as Go sorts). */
function keysOrValues(which: "keys" | "values"): Fn {
  return (args) => {
    const v = args[0];
    if (!isObj(v)) return NOPE;
    const ks = Object.keys(v).sort(byteOrder);
    const out: Value[] = which === "keys" ? ks : ks.map((k) => v[k]);
    const t = valueType(v);
    if (t.k === "map") return typed(out, collectionOf("list", which === "keys" ? STRING : t.el));
    return t.k === "object" ? out : typed(out, UNKNOWN);
  };
}

/**
 * Terraform's `coalesce`: the arguments converted to their unified type (`coalesce(1, "x")` is "1"), then the first
 * that is not null (nor "", when that type is string).
 */
function coalesce(args: Value[], ctx: FnCtx): Result {
  if (args.some(nonEmptyRef)) return coalesceStrings(args, ctx);
  const ty = unifyTypes(args.map((a, i) => (a === null ? ctx.nullTypes?.[i] : undefined) ?? valueType(a)));
  if (ty === NIL || ty === DOUBT) return ty;
  for (const a of args) {
    const c = convertValue(a, ty);
    if (c === NIL || c === DOUBT) return c;
    if (isUnknown(c)) return NOPE;
    if (c === null || (ty.k === "string" && c === "")) continue;
    return c;
  }
  return FAIL;
}

/**
 * `coalesce` with an attribute that is never null nor "" among its arguments (an ARN, an id, a policy JSON: strings):
 * the first argument that is one, or a known non-empty string before it. Only strings and nulls besides, which
 * unify to string without changing any value; anything else is not claimed.
 */
function coalesceStrings(args: Value[], ctx: FnCtx): Result {
  // A null of a variable typed list or map does not unify with a string: Terraform fails, which is not claimed here.
  const stringy = (a: Value, i: number) => (a === null ? [undefined, "any", "string"].includes(ctx.nullTypes?.[i]?.k) : typeof a === "string" || nonEmptyRef(a));
  if (!args.every(stringy)) return NOPE;
  for (const a of args) if (a !== null && a !== "") return a;
  return NOPE;
}

function coalescelist(args: Value[]): Result {
  for (const a of args) {
    if (!isList(a)) return NOPE;
    // "coalescelist arguments must be lists or tuples": a set is neither.
    if (setLike(a)) return FAIL;
    if (a.length > 0) return a;
  }
  return NOPE;
}

function contains(args: Value[]): Result {
  const [l, v] = args;
  if (!isList(l) || !isKnown(l) || !isKnown(v ?? null)) return NOPE;
  // cty's `Equals`: a tuple is no list, an object no map (`contains([["a"]], tolist(["a"]))` is false).
  let found = false;
  for (const x of l) {
    const eq = typedEqual(x, v as Value);
    if (eq === undefined) return NOPE;
    if (eq) found = true;
  }
  return found;
}

/** `distinct` takes a list: a tuple's elements are unified first (`distinct([1, "1"])` is `["1"]`). */
function distinct(args: Value[]): Result {
  const l = args[0];
  // The same reference written again is the same value: `distinct([aws_s3_bucket.b.arn, aws_s3_bucket.b.arn])` is
  // one element. Two different references (or a reference and a string) may or may not be equal once applied.
  if (isList(l) && l.length > 0 && l.every((x) => x instanceof AttrRef && x.src === (l[0] as AttrRef).src)) {
    return nonEmptyRef(l[0]) ? typed([l[0]], collectionOf("list", STRING)) : typed([l[0]], UNKNOWN);
  }
  if (!isList(l) || !isKnown(l)) return NOPE;
  const list = toCollection(l, "list");
  if (!Array.isArray(list)) return list === FAIL ? FAIL : NOPE;
  return typed(withoutRepeats(list), valueType(list));
}

/** A primitive's identity for a Set (deepEqual compares primitives by ===); undefined for a collection. */
function primitiveKey(x: Value): string | undefined {
  if (x === null) return "null";
  if (typeof x === "string") return `s${x}`;
  if (typeof x === "number") return `n${x}`;
  if (typeof x === "boolean") return `b${x}`;
  return undefined;
}

/**
 * Membership in `l` by `deepEqual`: a Set for primitives (compared pairwise, a list of 100,000 would take 10^10 steps),
 * pairwise for collections.
 */
function memberOf(l: readonly Value[]): (x: Value) => boolean {
  const keys = new Set<string>();
  const others: Value[] = [];
  for (const y of l) {
    const k = primitiveKey(y);
    if (k === undefined) others.push(y);
    else keys.add(k);
  }
  return (x) => {
    const k = primitiveKey(x);
    return k !== undefined ? keys.has(k) : others.some((y) => deepEqual(x, y));
  };
}

/** The elements of `l`, each once (by `deepEqual`), in order. */
function withoutRepeats(l: readonly Value[]): Value[] {
  const keys = new Set<string>();
  const out: Value[] = [];
  const others: Value[] = [];
  for (const x of l) {
    const k = primitiveKey(x);
    if (k !== undefined) {
      if (keys.has(k)) continue;
      keys.add(k);
    } else {
      if (others.some((y) => deepEqual(x, y))) continue;
      others.push(x);
    }
    out.push(x);
  }
  return out;
}

/** `compact` takes a list of strings: numbers and bools become strings (`compact([1, ""])` is `["1"]`). */
function compact(args: Value[]): Result {
  const l = args[0];
  // An ARN, id or policy JSON is kept (never null nor "" once applied); any other unknown element may be dropped.
  if (!isList(l) || !l.every((x) => isKnown(x) || nonEmptyRef(x))) return NOPE;
  const c = convertValue(l, collectionOf("list", STRING));
  if (!Array.isArray(c)) return c as typeof NIL | typeof DOUBT;
  return typed(
    c.filter((x) => x !== null && x !== ""),
    collectionOf("list", STRING),
  );
}

/** Values in a list make a map, in a tuple an object; a later duplicate key wins (Terraform 1.11). */
function zipmap(args: Value[]): Result {
  const [ks, vs] = args;
  const k = stringList(ks ?? null);
  if (!k || !isList(vs) || setLike(vs) || k.length !== vs.length) return NOPE;
  const out: ObjValue = {};
  k.forEach((key, i) => setKey(out, key, vs[i]));
  const t = valueType(vs);
  if (t.k === "list") return typed(out, collectionOf("map", t.el));
  return t.k === "tuple" ? out : typed(out, UNKNOWN);
}

function range(args: Value[]): Result {
  const ns = args.map((a) => (typeof a === "number" ? a : undefined));
  if (ns.some((n) => n === undefined) || ns.length === 0 || ns.length > 3) return NOPE;
  let [start, end, step] = ns as number[];
  if (ns.length === 1) {
    end = start;
    start = 0;
  }
  step = step ?? (start <= end ? 1 : -1);
  if (step === 0) return NOPE;
  // Terraform: "end must be less than start when step is negative" (and the reverse).
  if ((step < 0 && start < end) || (step > 0 && start > end)) return FAIL;
  const out: number[] = [];
  for (let x = start; step > 0 ? x < end : x > end; x += step) {
    out.push(x);
    if (out.length > 1024) return NOPE;
  }
  return typed(out, collectionOf("list", NUMBER));
}

/** A list, a tuple or a set (`reverse`) in, the same kind out; `valueType` says which. */
function sameKind(from: Value, out: Value[]): Value[] {
  const t = valueType(from);
  if (t.k === "tuple") return out;
  if (t.k === "list" || t.k === "set") return typed(out, collectionOf("list", t.el));
  return typed(out, UNKNOWN);
}

function slice(args: Value[]): Result {
  const [l, a, b] = args;
  const s = asInt(a ?? null);
  const e = asInt(b ?? null);
  if (setLike(l)) return FAIL; // a set has no indexes
  if (!isList(l) || s === undefined || e === undefined || s < 0 || e > l.length || s > e) return NOPE;
  return sameKind(l, l.slice(s, e));
}

function one(args: Value[]): Result {
  const l = args[0];
  if (!isList(l) || l.length > 1) return NOPE;
  return l.length === 0 ? null : l[0];
}

function replace(args: Value[], ctx: FnCtx): Result {
  const [s, a, b] = args;
  if (!isStr(s) || !isStr(a) || !isStr(b)) return NOPE;
  if (a.length >= 2 && a.startsWith("/") && a.endsWith("/")) {
    const re = translateRe2(a.slice(1, -1));
    const cap = ctx.evalBudget?.limits.string;
    const r = re ? replaceAll(re, s, b, ctx.regexBudget, cap) : undefined;
    if (r === "too long") return mayBuild(ctx, (cap ?? 0) + 1) ? NOPE : tooLarge();
    if (r === undefined) return NOPE;
    return mayBuild(ctx, r.length) ? r : tooLarge();
  }
  if (a === "") return NOPE;
  const pieces = s.split(a);
  // `replace(s, "a", <a long string>)` multiplies: counted before it is built.
  return mayBuild(ctx, s.length + (pieces.length - 1) * (b.length - a.length)) ? pieces.join(b) : tooLarge();
}

function split(args: Value[], ctx: FnCtx): Result {
  const [sep, s] = args;
  if (!isStr(sep) || !isStr(s)) return NOPE;
  // Split into characters, Terraform's are grapheme clusters.
  if (sep === "" && !countable(s)) return NOPE;
  // Its elements are charged as any function's list is (callFunction).
  return typed(s.split(sep), collectionOf("list", STRING));
}

function jsondecode(args: Value[], ctx: FnCtx): Result {
  const s = args[0];
  if (!isStr(s)) return NOPE;
  // Decoding reads every character and makes up to one value per two: both counted, each time (a huge string decoded
  // in a `for` costs what it makes every time it is made).
  if (!mayBuild(ctx, s.length)) return tooLarge();
  let parsed: unknown;
  try {
    parsed = JSON.parse(s);
  } catch {
    return NOPE;
  }
  if (!chargeDocument(ctx, parsed)) return tooLarge();
  return fromJson(markInexact(parsed, s));
}

function yamldecode(args: Value[], ctx: FnCtx): Result {
  const s = args[0];
  if (args.length !== 1 || !isStr(s)) return NOPE;
  if (!mayBuild(ctx, s.length)) return tooLarge();
  const v = yamlDecode(s);
  if (v === undefined) return NOPE;
  if (!chargeDocument(ctx, v)) return tooLarge();
  return v;
}

/**
 * Charges the values of a decoded document (it shares no parts: JSON and the YAML blastwall reads have no aliases),
 * its largest collection against the cap on one collection (round 177, F2: the whole document's count was compared
 * with it, and a file of 26,000 entries in one list was refused as a collection of more than 100,000).
 */
function chargeDocument(ctx: FnCtx, v: unknown): boolean {
  if (!ctx.evalBudget) return true;
  let n = 0;
  let largest = 0;
  const stack: unknown[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    n++;
    if (Array.isArray(x)) {
      largest = Math.max(largest, x.length);
      for (const y of x) stack.push(y);
    } else if (x !== null && typeof x === "object") {
      const ys = Object.values(x);
      largest = Math.max(largest, ys.length);
      for (const y of ys) stack.push(y);
    }
  }
  return ctx.evalBudget.values(n, largest);
}

function jsonencodeFn(args: Value[]): Result {
  const v = args[0];
  if (args.length !== 1 || v instanceof Unk || v === undefined) return NOPE;
  if (isObj(v) || isList(v) || v instanceof Tmpl || v === null || typeof v !== "object") return jsonencode(v);
  return NOPE;
}

function tostring(args: Value[]): Result {
  const v = args[0];
  if (v instanceof Unk || v instanceof Tmpl) return v;
  const s = asString(v ?? null);
  return s ?? (v === null ? null : NOPE);
}

function tonumber(args: Value[]): Result {
  const v = args[0];
  if (typeof v === "number") return v;
  // Only whole numbers a double holds exactly (see `exactInteger`).
  const n = typeof v === "string" ? exactInteger(v) : undefined;
  if (n !== undefined) return n;
  return v === null ? null : NOPE;
}

function tobool(args: Value[]): Result {
  const v = args[0];
  if (typeof v === "boolean") return v;
  if (v === "true") return true;
  if (v === "false") return false;
  return v === null ? null : NOPE;
}

function tolist(args: Value[]): Result {
  const v = args[0];
  // A list made of a set is a list: its keys are indexes again. It is a list, no tuple: never equal to a literal
  // (`tolist([]) == []` is false in Terraform).
  if (args.length !== 1 || v === null || isUnknown(v)) return NOPE;
  return toCollection(v, "list");
}

function tomap(args: Value[]): Result {
  const v = args[0];
  if (args.length !== 1 || v === null || isUnknown(v)) return NOPE;
  return toCollection(v, "map");
}

function file(args: Value[], ctx: FnCtx): Result {
  const p = args[0];
  if (!isStr(p)) return NOPE;
  const text = ctx.readFile(p);
  return typeof text === "string" ? text : NOPE;
}

function templatefile(args: Value[], ctx: FnCtx): Result {
  const [p, vars] = args;
  if (!isStr(p) || !isObj(vars ?? null)) return NOPE;
  const text = ctx.readFile(p);
  if (typeof text !== "string") return NOPE;
  return ctx.templateFile(text, vars as ObjValue);
}

function fileexists(args: Value[], ctx: FnCtx): Result {
  const p = args[0];
  if (!isStr(p)) return NOPE;
  // Terraform raises an error for a path that is there but no file (a directory): unknown here, never `false`.
  const text = ctx.readFile(p);
  return text === null ? NOPE : text !== undefined;
}

/**
 * `fileset`: the glob read like `file()` reads (relative to the root directory); a set of strings. Unknown where
 * blastwall's listing could differ from Terraform's (see fileset.ts).
 */
function filesetFn(args: Value[], ctx: FnCtx): Result {
  const [p, pattern] = args;
  if (args.length !== 2 || !isStr(p) || !isStr(pattern) || !ctx.listDir) return NOPE;
  const found = globFiles(p, pattern, ctx.listDir);
  if (!found) return NOPE;
  return typed(found.sort(byteOrder), collectionOf("set", STRING));
}

function abspath(args: Value[], ctx: FnCtx): Result {
  const p = args[0];
  if (args.length !== 1 || !isStr(p) || ctx.rootDir === undefined || !ctx.rootDir.startsWith("/")) return NOPE;
  return goClean(p.startsWith("/") ? p : `${ctx.rootDir}/${p}`);
}

/**
 * What `regex` gives for one match, by the pattern's groups: the match without groups, a tuple of the groups without
 * names, an object of the named ones (both kinds at once is an error); a group that took no part is null.
 */
function regexShape(re: Re2): { ty: Ty; of: (m: Match) => Value } | typeof FAIL {
  const named = re.groups.filter((g) => g !== undefined) as string[];
  const unnamed = re.groups.length - named.length;
  if (named.length > 0 && unnamed > 0) return FAIL;
  if (re.groups.length === 0) return { ty: STRING, of: (m) => m.texts[0] ?? "" };
  if (unnamed > 0) {
    const ty = tupleOf(re.groups.map(() => STRING));
    return { ty, of: (m) => typed(m.texts.slice(1), ty) };
  }
  const ty = objectOf(new Map(named.map((n) => [n, STRING])));
  return {
    ty,
    of: (m) => {
      const o: ObjValue = {};
      named.forEach((n, i) => setKey(o, n, m.texts[i + 1] ?? null));
      return typed(o, ty);
    },
  };
}

/** The pattern and string of `regex(pattern, string)` / `regexall`, translated, with the shape of a match; else why not. */
function regexArgs(args: Value[]): { re: Re2; s: string; shape: Exclude<ReturnType<typeof regexShape>, typeof FAIL> } | typeof NOPE | typeof FAIL {
  const [p, s] = args;
  if (args.length !== 2 || !isStr(p) || !isStr(s)) return NOPE;
  const re = translateRe2(p);
  if (!re) return NOPE;
  const shape = regexShape(re);
  return shape === FAIL ? FAIL : { re, s, shape };
}

function regex(args: Value[], ctx: FnCtx): Result {
  const a = regexArgs(args);
  if (a === NOPE || a === FAIL) return a;
  const m = matchAt(a.re, a.s, 0, ctx.regexBudget);
  if (m === "timeout") return NOPE;
  // "pattern did not match any part of the given string": an error, which `can` turns into false.
  return m === undefined ? FAIL : a.shape.of(m);
}

function regexall(args: Value[], ctx: FnCtx): Result {
  const a = regexArgs(args);
  if (a === NOPE || a === FAIL) return a;
  const all = matchAll(a.re, a.s, ctx.regexBudget);
  if (!all) return NOPE;
  return typed(all.map(a.shape.of), collectionOf("list", a.shape.ty));
}

function minmax(pick: (a: number, b: number) => number): Fn {
  return (args) => {
    const ns = args.map((a) => (typeof a === "number" && Number.isSafeInteger(a) ? a : undefined));
    if (ns.length === 0 || ns.some((n) => n === undefined)) return NOPE;
    // Not `reduce(pick)`: reduce passes the index and the array too, and `Math.max(a, b, 1, [a, b])` is NaN.
    return (ns as number[]).reduce((a, b) => pick(a, b));
  };
}

function boolList(pick: "all" | "any"): Fn {
  return (args) => {
    const l = args[0];
    if (!isList(l)) return NOPE;
    const bs = l.map((x) => (typeof x === "boolean" ? x : x === "true" ? true : x === "false" ? false : undefined));
    if (bs.some((b) => b === undefined)) return NOPE;
    return pick === "all" ? bs.every(Boolean) : bs.some(Boolean);
  };
}

/**
 * `setunion` and friends: each argument made a set, the sets' element types unified (`setunion(["b"], [1])` is
 * `toset(["1", "b"])`), the result in set order.
 */
function setOp(kind: "union" | "intersection" | "subtract"): Fn {
  return (args) => {
    if (args.length === 0 || !args.every((a) => isList(a) && isKnown(a))) return NOPE;
    const sets: Value[] = [];
    for (const a of args) {
      const s = toCollection(a, "set");
      if (s === NOPE || s === FAIL) return s;
      sets.push(s);
    }
    const el = unifyTypes(sets.map((s) => (valueType(s) as { el: Ty }).el));
    if (el === NIL || el === DOUBT) return el;
    const lists: Value[][] = [];
    for (const s of sets) {
      const c = convertValue(s, collectionOf("set", el));
      if (!Array.isArray(c)) return c as typeof NIL | typeof DOUBT;
      lists.push(c);
    }
    let out: Value[] = [];
    if (kind === "union") out = withoutRepeats(lists.flat());
    if (kind === "intersection") {
      const inAll = lists.map(memberOf);
      out = lists[0].filter((x) => inAll.every((has) => has(x)));
    }
    if (kind === "subtract") {
      const has = memberOf(lists[1] ?? []);
      out = lists[0].filter((x) => !has(x));
    }
    const ordered = setOrder(out, el);
    return Array.isArray(ordered) ? typed(ordered, collectionOf("set", el)) : ordered;
  };
}

/** Terraform's `chomp`: every `\r\n`, `\r` and `\n` at the end goes (a lone `\r` too). */
function chomp(s: string): string {
  let b = s.length;
  while (b > 0 && (s[b - 1] === "\n" || s[b - 1] === "\r")) b--;
  return s.slice(0, b);
}

const FUNCTIONS: Record<string, Fn> = {
  jsonencode: jsonencodeFn,
  jsondecode,
  yamldecode,
  tostring,
  tonumber,
  tobool,
  tolist,
  toset,
  tomap,
  concat: concatLists,
  merge,
  flatten,
  lookup,
  element,
  length,
  keys: keysOrValues("keys"),
  values: keysOrValues("values"),
  coalesce,
  coalescelist,
  contains,
  distinct,
  compact,
  zipmap,
  range,
  slice,
  one,
  format,
  formatlist,
  join,
  split,
  replace,
  lower: strFn((s) => (ASCII.test(s) ? s.toLowerCase() : NOPE)),
  upper: strFn((s) => (ASCII.test(s) ? s.toUpperCase() : NOPE)),
  trimspace: strFn(trimGoSpace),
  chomp: strFn(chomp),
  trimprefix: strFn((s, p) => (isStr(p) ? (s.startsWith(p) ? s.slice(p.length) : s) : NOPE)),
  trimsuffix: strFn((s, p) => (isStr(p) ? (s.endsWith(p) ? s.slice(0, s.length - p.length) : s) : NOPE)),
  startswith: strFn((s, p) => (isStr(p) ? s.startsWith(p) : NOPE)),
  endswith: strFn((s, p) => (isStr(p) ? s.endsWith(p) : NOPE)),
  strcontains: strFn((s, p) => (isStr(p) ? s.includes(p) : NOPE)),
  substr: strFn((s, o, l) => {
    const off = asInt(o ?? null);
    const len = asInt(l ?? null);
    if (off === undefined || len === undefined || off < 0 || !countable(s)) return NOPE;
    const chars = [...s];
    return chars.slice(off, len < 0 ? undefined : off + len).join("");
  }),
  reverse: (args) => (isList(args[0]) ? sameKind(args[0], [...args[0]].reverse()) : NOPE),
  sort: (args) => {
    const l = stringList(args[0] ?? null);
    // Go orders by UTF-8 bytes, JavaScript by UTF-16 units: they differ outside the Basic Multilingual Plane.
    return l ? typed(l.sort(byteOrder), collectionOf("list", STRING)) : NOPE;
  },
  min: minmax(Math.min),
  max: minmax(Math.max),
  abs: (args) => (typeof args[0] === "number" && Number.isSafeInteger(args[0]) ? Math.abs(args[0]) : NOPE),
  ceil: (args) => (typeof args[0] === "number" && Number.isSafeInteger(args[0]) ? args[0] : NOPE),
  floor: (args) => (typeof args[0] === "number" && Number.isSafeInteger(args[0]) ? args[0] : NOPE),
  alltrue: boolList("all"),
  anytrue: boolList("any"),
  setunion: setOp("union"),
  setintersection: setOp("intersection"),
  setsubtract: setOp("subtract"),
  sensitive: identity1,
  nonsensitive: identity1,
  file,
  templatefile,
  fileexists,
  fileset: filesetFn,
  basename: strFn((s) => goBase(s)),
  dirname: strFn((s) => goDir(s)),
  abspath,
  regex,
  regexall,
};

/**
 * True when `v` is a value Terraform could give: no number that is not finite (NaN, ±Infinity) or negative zero
 * (which Terraform keeps apart from 0, and blastwall does not), no string or key that is not in Unicode NFC (cty
 * normalises every string it makes, blastwall does not redo each function's work on normalised text).
 */
function claimable(v: Value): boolean {
  if (typeof v === "number") return Number.isFinite(v) && !Object.is(v, -0);
  if (typeof v === "string") return v.normalize("NFC") === v;
  if (v === null || typeof v !== "object" || v instanceof Unk || v instanceof ModRef) return true;
  if (v instanceof Tmpl) return v.parts.every((p) => typeof p !== "string" || claimable(p));
  if (Array.isArray(v)) return v.every(claimable);
  return Object.keys(v).every((k) => claimable(k) && claimable(v[k]));
}

/** Functions whose string result is text they built (the others return a string they were given, or a short one). */
const BUILDS_TEXT: ReadonlySet<string> = new Set(["jsonencode", "lower", "upper", "trimspace", "chomp", "substr", "trimprefix", "trimsuffix"]);

/** Functions that charge what they make as they make it: the generic charge below would count it twice. */
const CHARGES_ITSELF: ReadonlySet<string> = new Set(["concat", "flatten", "formatlist", "jsondecode", "yamldecode"]);

export function callFunction(name: string, args: Value[], ctx: FnCtx): Result {
  const f = Object.prototype.hasOwnProperty.call(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!f) return NOPE;
  const r = f(args, ctx);
  if (r === NOPE || r === FAIL) return r;
  // Every collection a function makes counts its elements (`keys`, `sort`, `concat` of large lists in a `for`).
  const budget = ctx.evalBudget;
  if (budget && !CHARGES_ITSELF.has(name) && Array.isArray(r) && !budget.values(r.length)) return tooLarge();
  if (budget && !CHARGES_ITSELF.has(name) && isObj(r) && !budget.values(Object.keys(r).length)) return tooLarge();
  if (budget && typeof r === "string" && BUILDS_TEXT.has(name) && !budget.chars(r.length)) return tooLarge();
  return claimable(r) ? r : NOPE;
}
