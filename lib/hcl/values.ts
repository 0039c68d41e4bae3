/**
 * Values of the HCL evaluator. Plain JSON values are known; `Unk` is an expression blastwall cannot evaluate
 * (a resource attribute, a data source, a function it does not run), kept as HCL source with every
 * reference rewritten to its address in the loaded tree; `Tmpl` is a string of which some parts are unknown.
 *
 * Rendering to Terraform JSON follows Terraform's JSON syntax, which is what the engine reads: every string
 * is a template, so a known string escapes `${` / `%{` as `$${` / `%%{`, an unknown value becomes `"${SRC}"`
 * and a partly known string becomes `"literal${SRC}literal"`.
 */
import { EVAL_LIMITS } from "./budget";

export class Unk {
  /**
   * @param src HCL source of the expression, references rewritten (`aws_iam_role.r[0].arn`, `module.m.aws_s3_bucket.b.arn`).
   * @param atomic false for operator expressions, which need parentheses when used as an operand or traversed.
   * @param rep a representative of a resource (or module) whose `count`/`for_each` is unknown: an index on it
   *   is dropped (every instance is configured alike), so `aws_iam_role.r[0].arn` stays `aws_iam_role.r.arn`.
   */
  constructor(
    readonly src: string,
    readonly atomic = true,
    readonly rep = false,
  ) {}
}

/**
 * Errors made so far: every `ErrUnk` counts one. Terraform evaluates every operand of an operator, every element of
 * a tuple or object and every argument of a call before using any, so an error anywhere inside an argument of `try`
 * or `can` makes it fail, even where the result does not use the failed part (red-team round 54). `try` / `can`
 * read the count; they and the untaken result of a conditional (whose errors Terraform ignores) set it back.
 */
let errors = 0;

export function errorCount(): number {
  return errors;
}

export function setErrorCount(n: number): void {
  errors = n;
}

/** Marks a step that fails on a known value (a Terraform error: a failed lookup, types that do not unify): `try()` skips it. */
export class ErrUnk extends Unk {
  constructor(src: string, atomic = true, rep = false) {
    super(src, atomic, rep);
    errors++;
  }
}

/**
 * A resource or data source instance that certainly exists in the module instance: no `count` / `for_each`, or a
 * known one with this index or key. Reading one of its attributes never fails in Terraform: an attribute the
 * provider's schema lacks is refused by `terraform validate`, even inside `try` (checked with Terraform 1.11), and an
 * attribute not known until apply is no error either (`try` waits for it). So `try(aws_iam_policy.this[0].arn, "")`
 * is the ARN, as the public IAM modules mean it.
 */
export class InstanceRef extends Unk {
  constructor(
    src: string,
    /** The resource type (`aws_iam_policy`). */
    readonly type: string,
  ) {
    super(src);
  }
}

/** A top-level attribute of an `InstanceRef` (`aws_iam_policy.this[0].arn`): unknown, but evaluated without error. */
export class AttrRef extends Unk {
  constructor(
    src: string,
    readonly type: string,
    readonly attr: string,
  ) {
    super(src);
  }
}

/**
 * Attributes of the AWS provider's resources and data sources that are never null nor "" once the object exists:
 * `arn` and `id` identify an object AWS made or found (a data source that finds nothing fails instead), `json` and
 * `minified_json` are a policy document rendered as JSON (at least `{"Version":...}`). So `compact` keeps them,
 * `coalesce` stops at them and `flatten` passes them (they are strings, never lists). Other attributes may be empty
 * (an optional argument left unset): not claimed.
 */
const NON_EMPTY_ATTRS: ReadonlySet<string> = new Set(["arn", "id", "json", "minified_json"]);

/** True when `v` is an attribute reference that is a string, never null nor "" (see NON_EMPTY_ATTRS). */
export function nonEmptyRef(v: Value): v is AttrRef {
  return v instanceof AttrRef && v.type.startsWith("aws_") && NON_EMPTY_ATTRS.has(v.attr);
}

/**
 * Terraform (cty) normalises every string to Unicode NFC: `"e\u0301" == "\u00e9"` is true there. Strings entering
 * the evaluator (literals, template text, JSON and tfvars values, object keys) are normalised here.
 */
export function nfc(s: string): string {
  // A lone surrogate (`"\ud800"` in JSON) is U+FFFD in Terraform's strings, as it is made well-formed first.
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD").normalize("NFC");
}

export class Tmpl {
  /** Adjacent string parts are merged; at least one part is `Unk`. */
  constructor(readonly parts: readonly (string | Unk)[]) {}
}

/**
 * A module instance referred to by `module.NAME` (or `module.NAME[KEY]`): `.OUTPUT` on it evaluates the output.
 * `rep` as for `Unk`: the module call's `count`/`for_each` is unknown and this instance stands for all of them.
 */
export class ModRef {
  constructor(
    readonly address: string,
    readonly output: (name: string) => Value,
    readonly rep = false,
  ) {}
}

export type Value = null | boolean | number | string | Unk | Tmpl | ModRef | Value[] | { [k: string]: Value };
export type ObjValue = { [k: string]: Value };

// ---------------------------------------------------------------------------------------------------------
// Keys chosen by the configuration

/**
 * Stores `v` under `k` as an own, enumerable property. `o[k] = v` (and `Object.assign`) with `k === "__proto__"`
 * sets the object's prototype instead, so a map key, an instance key or an attribute of that name would vanish
 * (red-team round 52); in Terraform `"__proto__"` is a key like any other.
 */
export function setKey<T>(o: Record<string, T>, k: string, v: T): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** True when `o` has its own key `k` (`k in o` is true for `"__proto__"`, `"constructor"`, ... on any object). */
export function hasKey(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** Copies every own key of `from` into `to`, `"__proto__"` included (unlike `Object.assign`). */
export function assignKeys<T>(to: Record<string, T>, from: Record<string, T>): Record<string, T> {
  for (const k of Object.keys(from)) setKey(to, k, from[k]);
  return to;
}

/**
 * Terraform orders strings (set elements, map keys, file names) by the bytes of their UTF-8 form (Go's string
 * order); JavaScript's default sort compares UTF-16 code units, which differs beyond the BMP (`"😀"` sorts before
 * `"！"` there, after it here).
 */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

// ---------------------------------------------------------------------------------------------------------
// Numbers

/**
 * The whole number a decimal literal (`42`, `4.2e1`, `42.0`) stands for, when it is one within a double's exact range
 * (±(2^53 - 1)); else undefined. Terraform reads number literals as arbitrary-precision decimals, so a literal such
 * as `9007199254740993` or `1.00000000000000001` is not the double JavaScript rounds it to, and any other number is
 * not claimed.
 */
export function exactInteger(text: string): number | undefined {
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/.exec(text);
  if (!m) return undefined;
  let digits = (m[2] + (m[3] ?? "")).replace(/^0+/, "");
  let exp = Number(m[4] ?? 0) - (m[3]?.length ?? 0);
  if (digits === "") return m[1] ? -0 : 0; // "-0" is negative zero (Terraform keeps it)
  while (exp < 0 && digits.endsWith("0")) {
    digits = digits.slice(0, -1);
    exp++;
  }
  if (exp < 0 || digits.length + exp > 16) return undefined;
  const n = Number(digits + "0".repeat(exp));
  if (!Number.isSafeInteger(n)) return undefined;
  return m[1] ? -n : n;
}

/**
 * A number of JSON (hcl2json's output, a `.tf.json` or `.tfvars.json` file, `jsondecode`) whose text was no whole
 * number a double holds: JSON rounded it (`1.00000000000000001` → 1, `9007199254740993` → 2^53). `markInexact` puts
 * it where the number was, with its text; the evaluator reads it as unknown.
 */
export class InexactNumber {
  constructor(readonly text: string) {}
}

/** Number tokens of `text` that are no exact whole number, by the double JSON rounds them to (either sign). */
function inexactTokens(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const m of text.matchAll(/[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/g)) {
    const t = m[0];
    if (exactInteger(t) !== undefined) continue;
    const d = Number(t);
    if (out.has(d)) continue;
    out.set(d, t);
    out.set(-d, `-${t}`);
  }
  return out;
}

/**
 * `parsed` (the JSON form of `text`) with every number that may stand for an inexact token of `text` replaced by an
 * `InexactNumber`. Which JSON number came from which token is not known, so every number equal to a rounded token is
 * replaced: a file holding `1.00000000000000001` somewhere has no known 1 anywhere. (Numbers that are no safe whole
 * number are unknown anyway; marking them keeps the text they were written with.)
 */
export function markInexact<T>(parsed: T, text: string): T {
  const tokens = inexactTokens(text);
  if (tokens.size === 0) return parsed;
  const walk = (v: unknown): unknown => {
    if (typeof v === "number") return tokens.has(v) ? new InexactNumber(tokens.get(v)!) : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object" && !(v instanceof InexactNumber)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v)) setKey(out, k, walk((v as Record<string, unknown>)[k]));
      return out;
    }
    return v;
  };
  return walk(parsed) as T;
}

/** A number JSON gave: known only when it is a whole number a double holds exactly (see `exactInteger`). */
export function jsonNumber(v: number | InexactNumber): Value {
  if (v instanceof InexactNumber) return new Unk(v.text, false);
  // Negative zero is not claimed: Terraform keeps it apart from 0 in places blastwall does not model.
  return Number.isSafeInteger(v) && !Object.is(v, -0) ? v : new Unk(formatNumber(v), false);
}

/**
 * Lists and objects that stand for the instances of a resource (`aws_iam_role.r` with `count`): the source
 * to show when such a collection ends up inside an unknown expression.
 */
const origins = new WeakMap<object, string>();

export function withOrigin<T extends object>(v: T, src: string): T {
  origins.set(v, src);
  return v;
}

/**
 * The declared type of a list, set, map, object or tuple value that went through a type constraint (a typed
 * variable) or a set function (`toset`): `list(string)`, `set`, `object`. Terraform compares collections by type
 * as well as content (`var.typed_list == []` is false), and a set's keys are its values.
 */
const typeTags = new WeakMap<object, string>();

export function withType<T extends object>(v: T, type: string): T {
  typeTags.set(v, type);
  return v;
}

export function typeTag(v: Value): string | undefined {
  return v !== null && typeof v === "object" ? typeTags.get(v) : undefined;
}

export function isSet(v: Value): v is Value[] {
  return Array.isArray(v) && (typeTag(v)?.startsWith("set") ?? false);
}

export function isObj(v: Value | undefined): v is ObjValue {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Unk) && !(v instanceof Tmpl) && !(v instanceof ModRef);
}

/** True when `v` is a string-like value whose content is not fully known. */
export function isUnknown(v: Value | undefined): v is Unk | Tmpl | ModRef {
  return v instanceof Unk || v instanceof Tmpl || v instanceof ModRef;
}

/** True when nothing inside `v` is unknown. */
export function isKnown(v: Value): boolean {
  if (v === null || typeof v !== "object") return true;
  if (isUnknown(v)) return false;
  // Each shared part once: `[local.l1, local.l1]` chains are DAGs of a few nodes and trees of 2^N (red-team round 98).
  const seen = new Set<object>();
  const known = (x: Value): boolean => {
    if (x === null || typeof x !== "object") return true;
    if (isUnknown(x)) return false;
    if (seen.has(x)) return true;
    seen.add(x);
    if (Array.isArray(x)) return x.every(known);
    for (const k in x) if (!known(x[k])) return false;
    return true;
  };
  return known(v);
}

export function modRefUnk(m: ModRef): Unk {
  return new Unk(m.address, true, m.rep);
}

/** Concatenates template parts; a plain string when all are known. */
export function concat(parts: readonly (string | Unk)[]): string | Tmpl {
  const out: (string | Unk)[] = [];
  for (const p of parts) {
    if (typeof p === "string") {
      if (p === "") continue;
      const last = out[out.length - 1];
      if (typeof last === "string") out[out.length - 1] = last + p;
      else out.push(p);
    } else {
      out.push(p);
    }
  }
  if (out.every((p) => typeof p === "string")) return out.join("");
  return new Tmpl(out);
}

/** Terraform's string conversion for template interpolation; undefined when not convertible (lists, objects, null). */
export function toTemplatePart(v: Value): (string | Unk)[] | undefined {
  if (typeof v === "string") return [v];
  if (typeof v === "number") return Number.isFinite(v) && !/e/i.test(String(v)) ? [formatNumber(v)] : undefined;
  if (typeof v === "boolean") return [v ? "true" : "false"];
  if (v instanceof Unk) return [v];
  if (v instanceof ModRef) return [modRefUnk(v)];
  if (v instanceof Tmpl) return [...v.parts];
  return undefined;
}

/** A number as Terraform prints it in a string (`3`, `1.5`, and `-0` for negative zero, which Terraform keeps). */
export function formatNumber(n: number): string {
  return Object.is(n, -0) ? "-0" : String(n);
}

// ---------------------------------------------------------------------------------------------------------
// Rendering as HCL source (inside an unknown expression)

/** HCL string literal content: escapes for quotes, backslashes, control characters and template openers. */
function hclStringContent(s: string): string {
  return JSON.stringify(s)
    .slice(1, -1)
    .replace(/\$\{/g, "$${")
    .replace(/%\{/g, "%%{");
}

export function hclString(s: string): string {
  return `"${hclStringContent(s)}"`;
}

/** Object key as HCL: a bare identifier when it is one, else a quoted string. */
function hclKey(k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : hclString(k);
}

/**
 * The HCL source of a value; `too_large_to_evaluate()` past `RENDER_BUDGET` values or a source longer than a string
 * may be (budget.ts): an unknown expression built around a value that shares its parts would otherwise write out 2^N.
 */
export function toHcl(v: Value): string {
  const budget = { left: RENDER_BUDGET, chars: EVAL_LIMITS.string };
  try {
    return hclOf(v, budget);
  } catch (e) {
    if (!(e instanceof TooLarge)) throw e;
    return TOO_LARGE;
  }
}

function hclOf(v: Value, budget: { left: number; chars: number }): string {
  if (--budget.left < 0) throw new TooLarge();
  if (typeof v === "string" || v instanceof Unk) {
    budget.chars -= typeof v === "string" ? v.length : v.src.length;
    if (budget.chars < 0) throw new TooLarge();
  }
  const toHcl = (x: Value) => hclOf(x, budget);
  if (v === null) return "null";
  if (typeof v === "string") return hclString(v);
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v instanceof Unk) return v.src;
  if (v instanceof ModRef) return v.address;
  if (v instanceof Tmpl) {
    return `"${v.parts.map((p) => (typeof p === "string" ? hclStringContent(p) : "${" + p.src + "}")).join("")}"`;
  }
  const origin = origins.get(v);
  if (origin !== undefined) return origin;
  // A typed collection keeps its type in the source shown (`tolist([])` is not the tuple `[]`).
  const kind = typeTag(v)?.replace(/\(.*$/, "");
  const wrap = (src: string) => (kind === "list" || kind === "set" || kind === "map" ? `to${kind}(${src})` : src);
  if (Array.isArray(v)) return wrap(`[${v.map(toHcl).join(", ")}]`);
  const items = Object.keys(v).map((k) => `${hclKey(k)} = ${toHcl(v[k])}`);
  return wrap(items.length === 0 ? "{}" : `{ ${items.join(", ")} }`);
}

/** HCL source of `v` where it is an operand: parenthesised unless atomic. */
export function toHclOperand(v: Value): string {
  if (v instanceof Unk && !v.atomic) return `(${v.src})`;
  return toHcl(v);
}

// ---------------------------------------------------------------------------------------------------------
// Rendering as Terraform JSON

/** A literal string as a Terraform JSON template: `${` → `$${`, `%{` → `%%{`. */
export function escapeTemplate(s: string): string {
  if (s.indexOf("{") < 0) return s;
  return s.replace(/([$%])\{/g, "$1$1{");
}

export interface RenderSink {
  /** Called for each unknown expression rendered. */
  unknown?(src: string): void;
}

/**
 * At most this many values (elements, attributes, leaves) are written out for one value. Values share their parts
 * (`l2 = [local.l1, local.l1]`), so a few lines of locals can stand for a tree of 2^N leaves: written out it took
 * gigabytes and then the process (red-team round 98), where Terraform keeps the shared parts shared. Past the budget
 * the value is unknown to the engine, which reads it as any value, and the source shown says why.
 */
export const RENDER_BUDGET = 100_000;
/** What a value past `RENDER_BUDGET` is shown as: a call of no Terraform function, so every reader counts it unknown. */
export const TOO_LARGE = "too_large_to_evaluate()";

/** A value past the evaluation budget (budget.ts): unknown, which fails closed wherever it is used. */
export function tooLarge(): Unk {
  return new Unk(TOO_LARGE);
}

/** Characters of the known parts of a template, as the budget counts what building it makes. */
export function knownLength(parts: readonly (string | Unk)[]): number {
  let n = 0;
  for (const p of parts) if (typeof p === "string") n += p.length;
  return n;
}

class TooLarge extends Error {}


/** The Terraform JSON form of a value; `${too_large_to_evaluate()}` past `RENDER_BUDGET` values. */
export function toTfJson(v: Value, sink?: RenderSink): unknown {
  let left = RENDER_BUDGET;
  const render = (v: Value): unknown => {
    if (--left < 0) throw new TooLarge();
    if (v === null || typeof v === "number" || typeof v === "boolean") return v;
    if (typeof v === "string") return escapeTemplate(v);
    if (v instanceof Unk) {
      sink?.unknown?.(v.src);
      return "${" + v.src + "}";
    }
    if (v instanceof ModRef) {
      sink?.unknown?.(v.address);
      return "${" + v.address + "}";
    }
    if (v instanceof Tmpl) {
      let out = "";
      for (const p of v.parts) {
        if (typeof p === "string") out += escapeTemplate(p);
        else {
          sink?.unknown?.(p.src);
          out += "${" + p.src + "}";
        }
      }
      return out;
    }
    if (Array.isArray(v)) return v.map(render);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) setKey(out, k, render(v[k]));
    return out;
  };
  try {
    return render(v);
  } catch (e) {
    if (!(e instanceof TooLarge)) throw e;
    sink?.unknown?.(TOO_LARGE);
    return "${" + TOO_LARGE + "}";
  }
}

// ---------------------------------------------------------------------------------------------------------
// jsonencode

/** Go's JSON encoder writes object keys in byte order. */
function sortedKeys(o: ObjValue): string[] {
  return Object.keys(o).sort(byteOrder);
}

/**
 * Terraform's `jsonencode`: compact JSON, object keys sorted. Unknown parts stay `${SRC}` inside the JSON text
 * (quoted where a JSON value stands), which is how the engine reads policy JSON: as a template whose
 * interpolations it resolves after parsing.
 */
/** Go's JSON encoder (Terraform's) writes `<`, `>`, `&` and the line and paragraph separators as `\u` escapes. */
function goEscapes(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Unknown parts whose value Terraform writes JSON-escaped: inside a string `jsonencode` wrote, or a whole
 * `jsonencode(...)` call it cannot evaluate. Whatever value they take stays one JSON value. Every other unknown part of
 * a text (a heredoc's or a template's `${var.x}`) is written verbatim, and a value with a quote in it can write JSON
 * into the text (red-team round 174, F1/F2): `rawTextUnknowns` tells them apart. Copies, never the shared instance: the
 * same variable's unknown is raw in a heredoc beside it.
 */
const ESCAPED = new WeakSet<Unk>();

export function jsonEscaped(u: Unk): Unk {
  if (ESCAPED.has(u)) return u;
  const c = new Unk(u.src, u.atomic, u.rep);
  ESCAPED.add(c);
  return c;
}

/**
 * Calls `found` with the path (keys and indexes from `v`) of each string of `v` that is text with an unknown part
 * written into it verbatim, or wholly unknown, and those parts' sources. Parts `jsonEscaped` are left out.
 */
export function rawTextUnknowns(v: Value, found: (path: readonly (string | number)[], srcs: readonly string[]) => void): void {
  let left = RENDER_BUDGET;
  const walk = (x: Value, path: (string | number)[]): void => {
    if (--left < 0) return;
    if (x instanceof Unk) {
      if (!ESCAPED.has(x)) found(path, [x.src]);
    } else if (x instanceof Tmpl) {
      const raw = x.parts.filter((p): p is Unk => typeof p !== "string" && !ESCAPED.has(p)).map((p) => p.src);
      if (raw.length > 0) found(path, raw);
    } else if (Array.isArray(x)) x.forEach((e, i) => walk(e, [...path, i]));
    else if (isObj(x)) for (const k of Object.keys(x)) walk(x[k], [...path, k]);
  };
  walk(v, []);
}

export function jsonencode(v: Value): string | Tmpl {
  try {
    return encodeWithin(v);
  } catch (e) {
    if (!(e instanceof TooLarge)) throw e;
    return new Tmpl([new Unk(TOO_LARGE)]);
  }
}

/** `jsonencode`, throwing `TooLarge` past `RENDER_BUDGET` values (the text would be as large as the tree). */
function encodeWithin(v: Value): string | Tmpl {
  if (isKnown(v)) return goEscapes(JSON.stringify(canonical(v, { left: RENDER_BUDGET, chars: EVAL_LIMITS.string })));
  let left = RENDER_BUDGET;
  // The text is as long as its strings together at least: a few long strings shared many times would be gigabytes.
  let chars = EVAL_LIMITS.string;
  const parts: (string | Unk)[] = [];
  const enc = (x: Value): void => {
    if (--left < 0) throw new TooLarge();
    if (typeof x === "string" && (chars -= x.length) < 0) throw new TooLarge();
    if (x === null || typeof x === "number" || typeof x === "boolean" || typeof x === "string") {
      parts.push(goEscapes(JSON.stringify(x)));
    } else if (x instanceof Unk || x instanceof ModRef) {
      parts.push('"', jsonEscaped(x instanceof ModRef ? modRefUnk(x) : x), '"');
    } else if (x instanceof Tmpl) {
      parts.push('"');
      for (const p of x.parts) parts.push(typeof p === "string" ? goEscapes(JSON.stringify(p).slice(1, -1)) : jsonEscaped(p));
      parts.push('"');
    } else if (Array.isArray(x)) {
      parts.push("[");
      x.forEach((e, i) => {
        if (i > 0) parts.push(",");
        enc(e);
      });
      parts.push("]");
    } else {
      parts.push("{");
      sortedKeys(x).forEach((k, i) => {
        if (i > 0) parts.push(",");
        parts.push(JSON.stringify(k) + ":");
        enc(x[k]);
      });
      parts.push("}");
    }
  };
  enc(v);
  return concat(parts);
}

function canonical(v: Value, budget: { left: number; chars: number }): unknown {
  if (--budget.left < 0) throw new TooLarge();
  if (typeof v === "string" && (budget.chars -= v.length) < 0) throw new TooLarge();
  if (Array.isArray(v)) return v.map((x) => canonical(x, budget));
  if (isObj(v)) {
    const out: Record<string, unknown> = {};
    for (const k of sortedKeys(v)) setKey(out, k, canonical(v[k], budget));
    return out;
  }
  return v;
}

/** Plain JSON (from `jsondecode`, a `.tf.json` default, a tfvars file) as a value: known but for inexact numbers. */
export function fromJson(v: unknown): Value {
  if (typeof v === "string") return nfc(v);
  if (v === null || typeof v === "boolean") return v;
  if (typeof v === "number" || v instanceof InexactNumber) return jsonNumber(v);
  if (Array.isArray(v)) return v.map(fromJson);
  if (typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>);
    // Keys that are one string after normalisation: which value Terraform keeps is not modelled.
    if (new Set(entries.map(([k]) => nfc(k))).size !== entries.length) return new Unk("jsondecode(...)");
    const out: ObjValue = {};
    for (const [k, x] of entries) setKey(out, nfc(k), fromJson(x));
    return out;
  }
  return null;
}

/** Structural equality of two known values. */
export function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => hasKey(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}
