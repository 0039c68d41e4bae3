/**
 * Terraform `${...}` interpolations (what cdktf tokens synthesize to) and their resolution into IAM glob
 * patterns.
 *
 * - `parseTemplate` splits a string into literal text and interpolations, honouring nested braces, quoted
 *   strings (with their own nested `${...}`), the `$${` / `%%{` escapes and `%{...}` directives.
 * - `parseReference` / `classifyExpression` tell references (`aws_iam_role.x.arn`, `data.T.N.json`,
 *   `var.x`, `local.y`, `module.m.out`) from other expressions (function calls, conditionals, ...).
 * - `resolveToPattern` turns a string into a glob pattern: literals where the value is known, a computed
 *   pattern for well-known attributes (`aws_iam_role.x.arn` → `arn:aws:iam::*:role/NAME`), else `*` (the
 *   fail-closed reading for an Allow) with the expression listed in `unresolved`. `exact` says whether the
 *   pattern is the value itself (up to the account id) or only covers it, which matters wherever a wider
 *   pattern would take rights away (a Deny's Resource, an Allow's NotResource).
 */
import type { RemoteState, TfResource, TfStack } from "./types";
import { providerElsewhere, providerKeyOf, regionPartition, resourceAccount, resourceRegion } from "./providers";

export type TemplatePart =
  | { readonly kind: "literal"; readonly text: string }
  | {
      readonly kind: "interpolation";
      /** As written, including `${` and `}` (or `%{` and `}` for a directive). */
      readonly raw: string;
      /** The expression inside, trimmed, strip markers (`~`) removed. */
      readonly expr: string;
      /** `%{ if ... }`, `%{ for ... }`, `%{ endif }`... */
      readonly directive: boolean;
    };

/** True when `s` contains an interpolation or directive (after escapes). Cheap; use before `parseTemplate`. */
export function hasInterpolation(s: string): boolean {
  if (s.indexOf("${") < 0 && s.indexOf("%{") < 0) return false;
  // Same left-to-right reading as `parseTemplate`.
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== "$" && c !== "%") continue;
    if (s[i + 1] === "{") return true;
    if (s[i + 1] === c && s[i + 2] === "{") i += 2;
  }
  return false;
}

/** Splits a Terraform template string into literal text and interpolations. Never throws. */
export function parseTemplate(s: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let lit = "";
  let from = 0; // start of literal text not yet copied into `lit`
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s[i];
    if (c !== "$" && c !== "%") {
      i++;
      continue;
    }
    if (s[i + 1] === "{") {
      lit += s.slice(from, i);
      if (lit) parts.push({ kind: "literal", text: lit });
      lit = "";
      const close = scanExpressionEnd(s, i + 2);
      const end = close < 0 ? n : close;
      const raw = s.slice(i, end);
      const inner = s.slice(i + 2, close < 0 ? n : end - 1);
      parts.push({ kind: "interpolation", raw, expr: cleanExpr(inner), directive: c === "%" });
      i = from = end;
      continue;
    }
    if (s[i + 1] === c && s[i + 2] === "{") {
      lit += s.slice(from, i) + c + "{";
      i = from = i + 3;
      continue;
    }
    i++;
  }
  lit += s.slice(from);
  if (lit) parts.push({ kind: "literal", text: lit });
  return parts;
}

function cleanExpr(inner: string): string {
  let e = inner.trim();
  if (e.startsWith("~")) e = e.slice(1);
  if (e.endsWith("~")) e = e.slice(0, -1);
  return e.trim();
}

/**
 * Index just past the `}` closing an interpolation whose expression starts at `start`; -1 when it is
 * never closed. Braces nest; quoted strings are skipped, including their own interpolations.
 */
function scanExpressionEnd(s: string, start: number): number {
  return scanNested(s, start, EXPRESSION);
}

/**
 * On the scanner's stack: a quoted template string, or an expression as its brace depth (0 or more). A quoted string
 * in an expression is skipped, including its own interpolations.
 */
const QUOTED = -1;
const EXPRESSION = 0;

/**
 * The scan behind both: expressions and the quoted strings inside them nest to any depth, kept on a stack rather than
 * the call stack (10,000 nested `${"${"...` made the recursive scan overflow it: an internal error instead of a
 * reading). Unclosed input ends an expression scan with -1 and a quoted one with the end of the text.
 */
function scanNested(s: string, start: number, first: number): number {
  const n = s.length;
  const stack: number[] = [first];
  let i = start;
  while (i < n) {
    const c = s[i];
    const top = stack.length - 1;
    if (stack[top] !== QUOTED) {
      if (c === '"') stack.push(QUOTED);
      else if (c === "{") stack[top]++;
      else if (c === "}") {
        if (stack[top] === 0) {
          stack.pop();
          if (stack.length === 0) return i + 1;
        } else stack[top]--;
      }
      i++;
      continue;
    }
    if (c === "\\") {
      i += 2;
      continue;
    }
    if (c === '"') {
      stack.pop();
      if (stack.length === 0) return i + 1;
      i++;
      continue;
    }
    if ((c === "$" || c === "%") && s[i + 1] === "{") {
      stack.push(EXPRESSION);
      i += 2;
      continue;
    }
    if ((c === "$" || c === "%") && s[i + 1] === c && s[i + 2] === "{") {
      i += 3;
      continue;
    }
    i++;
  }
  return first === QUOTED ? n : -1;
}

export type ReferenceKind = "resource" | "data" | "var" | "local" | "module" | "other";

export interface Reference {
  readonly kind: ReferenceKind;
  /**
   * What is referred to: `aws_iam_role.x`, `data.aws_iam_policy_document.d`, `var.x`, `local.y`, `module.m`;
   * for `other` the root (`path`, `terraform`, `count`, `each`, `self`, ...).
   */
  readonly address: string;
  /** First attribute after the address (`arn`, `json`, the module output); for var/local, the first key after the name. */
  readonly attribute?: string;
  /** Further traversal steps after `attribute` (`tags.Name` → `["Name"]`; index steps as `[0]`, `["k"]`). */
  readonly path: readonly string[];
  /** Instance key of a `count`/`for_each` resource (`0`, `"k"`), when given. */
  readonly index?: string;
  /** `aws_iam_role.r[*].arn` / `aws_iam_role.r.*.arn`: a list over every instance. */
  readonly splat?: boolean;
}

const IDENT = "[A-Za-z_][A-Za-z0-9_-]*";
const STEP = `(?:\\.${IDENT}|\\.[0-9]+|\\.\\*|\\[\\s*(?:[0-9]+|"(?:[^"\\\\$%]|\\\\.)*"|\\*)\\s*\\])`;
const TRAVERSAL_RE = new RegExp(`^${IDENT}${STEP}*$`);
const STEP_RE = new RegExp(STEP, "g");

/** `[0]`, `["k"]` or `.0` as the bracketed instance key of an address. */
function keyOf(step: string): string {
  if (step.startsWith("[")) return `[${step.slice(1, -1).trim()}]`;
  return `[${step.slice(1)}]`;
}

/** Parses a bare traversal (`aws_iam_role.x.arn`, `var.x`, `data.t.n[0].json`); undefined for other expressions. */
export function parseReference(expr: string): Reference | undefined {
  // The same references recur across thousands of policies and attachments; References are immutable.
  const hit = referenceCache.get(expr);
  if (hit !== undefined) return hit === null ? undefined : hit;
  const ref = readReference(expr);
  if (referenceCache.size >= REF_CACHE_LIMIT) referenceCache.clear();
  referenceCache.set(expr, ref ?? null);
  return ref;
}

const REF_CACHE_LIMIT = 100_000;
const referenceCache = new Map<string, Reference | null>();

function readReference(expr: string): Reference | undefined {
  const e = expr.trim();
  if (!TRAVERSAL_RE.test(e)) return undefined;
  const rootMatch = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(e)!;
  const root = rootMatch[0];
  const steps: string[] = [];
  STEP_RE.lastIndex = root.length;
  for (let m = STEP_RE.exec(e); m; m = STEP_RE.exec(e)) steps.push(m[0]);
  const name = (st: string | undefined) => (st !== undefined && /^\.[A-Za-z_]/.test(st) ? st.slice(1) : undefined);
  const isIndex = (st: string | undefined) => st !== undefined && (st.startsWith("[") || /^\.[0-9*]/.test(st));
  const indexValue = (st: string) => {
    const v = st.startsWith("[") ? st.slice(1, -1).trim() : st.slice(1);
    return v;
  };
  const asPath = (rest: string[]) => rest.map((st) => (st.startsWith(".") ? st.slice(1) : st.replace(/\s+/g, "")));

  if (root === "var" || root === "local") {
    const n = name(steps[0]);
    if (n === undefined) return { kind: "other", address: root, path: asPath(steps) };
    const rest = steps.slice(1);
    return {
      kind: root,
      address: `${root}.${n}`,
      attribute: rest.length > 0 ? asPath(rest.slice(0, 1))[0] : undefined,
      path: asPath(rest.slice(1)),
    };
  }
  if (root === "module") {
    // `module.a["k"].module.b.aws_iam_role.x[0].arn`: a resource inside (nested) modules, addressed as Terraform
    // (and the HCL reader) address it; otherwise `module.a.output`.
    const n = name(steps[0]);
    if (n === undefined) return { kind: "other", address: root, path: asPath(steps) };
    let k = 1;
    let index: string | undefined;
    let prefix = `module.${n}`;
    if (isIndex(steps[k])) {
      index = indexValue(steps[k]);
      prefix += keyOf(steps[k++]);
    }
    while (name(steps[k]) === "module" && name(steps[k + 1]) !== undefined) {
      prefix += `.module.${name(steps[k + 1])}`;
      k += 2;
      if (isIndex(steps[k])) prefix += keyOf(steps[k++]);
    }
    const first = name(steps[k]);
    const isData = first === "data" && name(steps[k + 1]) !== undefined && name(steps[k + 2]) !== undefined;
    const isResource = !isData && first !== undefined && first.includes("_") && name(steps[k + 1]) !== undefined;
    if (isData || isResource) {
      const type = isData ? name(steps[k + 1])! : first!;
      const rn = isData ? name(steps[k + 2])! : name(steps[k + 1])!;
      k += isData ? 3 : 2;
      let rindex: string | undefined;
      let key = "";
      if (isIndex(steps[k])) {
        rindex = indexValue(steps[k]);
        key = rindex === "*" ? "" : keyOf(steps[k]);
        k++;
      }
      const attribute = name(steps[k]);
      return {
        kind: isData ? "data" : "resource",
        address: `${prefix}.${isData ? "data." : ""}${type}.${rn}${key}`,
        attribute,
        path: asPath(steps.slice(attribute === undefined ? k : k + 1)),
        ...(rindex !== undefined && rindex !== "*" ? { index: rindex } : {}),
        ...(rindex === "*" ? { splat: true } : {}),
      };
    }
    return {
      kind: "module",
      address: prefix.includes(".module.") ? prefix : `module.${n}`,
      attribute: name(steps[k]),
      path: asPath(steps.slice(k + 1)),
      ...(index !== undefined ? { index } : {}),
    };
  }
  let kind: ReferenceKind = "resource";
  let type = root;
  let k = 0;
  if (root === "data") {
    const t = name(steps[0]);
    if (t === undefined) return { kind: "other", address: root, path: asPath(steps) };
    kind = "data";
    type = t;
    k = 1;
  } else if (["path", "terraform", "count", "each", "self"].includes(root)) {
    return { kind: "other", address: root, attribute: name(steps[0]), path: asPath(steps.slice(1)) };
  }
  const rname = name(steps[k]);
  if (rname === undefined) return { kind: "other", address: root, path: asPath(steps) };
  k++;
  let index: string | undefined;
  let splat = false;
  if (isIndex(steps[k])) {
    index = indexValue(steps[k++]);
    if (index === "*") {
      splat = true;
      index = undefined;
    }
  }
  const attribute = name(steps[k]);
  // The instance key is part of the address (`aws_iam_role.r[0]`), as in plans and expanded HCL; lookups fall back
  // to the unexpanded resource (AddressMap) when the configuration does not expand it.
  const key = index !== undefined ? `[${/^[0-9]+$/.test(index) ? index : index.startsWith('"') ? index : JSON.stringify(index)}]` : "";
  const address = kind === "data" ? `data.${type}.${rname}${key}` : `${type}.${rname}${key}`;
  return {
    kind,
    address,
    attribute,
    path: asPath(steps.slice(attribute === undefined ? k : k + 1)),
    ...(index !== undefined ? { index } : {}),
    ...(splat ? { splat } : {}),
  };
}

export type ExpressionClass =
  | { readonly kind: "reference"; readonly ref: Reference }
  /** `function` is set for a call (`jsonencode`, `file`, `provider::aws::arn_parse`). */
  | { readonly kind: "expression"; readonly function?: string };

/** Reference or other expression; for a function call, which function. */
export function classifyExpression(expr: string): ExpressionClass {
  const ref = parseReference(expr);
  if (ref) return { kind: "reference", ref };
  const call = /^\s*([A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*)\s*\(/.exec(expr);
  return call ? { kind: "expression", function: call[1] } : { kind: "expression" };
}

/** The single interpolation `s` consists of (no literal text around it), else undefined. */
export function soleInterpolation(s: string): { raw: string; expr: string } | undefined {
  if (!s.startsWith("${") || !s.endsWith("}")) return undefined;
  const parts = parseTemplate(s);
  if (parts.length !== 1) return undefined;
  const p = parts[0];
  return p.kind === "interpolation" && !p.directive ? { raw: p.raw, expr: p.expr } : undefined;
}

/**
 * When `s` is exactly one reference (`${aws_iam_role.x.name}`, `${data.aws_iam_policy_document.d.json}`,
 * `${var.x}`), what it refers to. References to `path.*`, `count.*` and the like give undefined.
 */
export function refTarget(s: unknown): (Reference & { readonly address: string; readonly attribute?: string }) | undefined {
  if (typeof s !== "string" || !s.startsWith("${")) return undefined;
  // Every attachment, policy and rule asks about the same few thousand strings; References are immutable.
  const hit = refCache.get(s);
  if (hit !== undefined) return hit === null ? undefined : hit;
  const one = soleInterpolation(s);
  const parsed = one ? parseReference(one.expr) : undefined;
  const ref = parsed && parsed.kind !== "other" ? parsed : undefined;
  if (refCache.size >= REF_CACHE_LIMIT) refCache.clear();
  refCache.set(s, ref ?? null);
  return ref;
}

const refCache = new Map<string, Reference | null>();

export interface ResolvedPattern {
  /** Glob pattern (`*`, `?`) covering every value the string can take. */
  readonly pattern: string;
  /** The interpolations that became `*`, as written (`${var.x}`, `${jsonencode(...)}`). */
  readonly unresolved: readonly string[];
  /**
   * True when the pattern is the value itself (literals, variable defaults, locals, names written in the
   * configuration; account ids excepted, which are always `*`); false when it only covers the value
   * (`*`, `prefix*`, a computed id). A Deny must not be widened by an inexact pattern.
   */
  readonly exact: boolean;
}

/** How deep references may chain (local → var → resource attribute → ...) before giving up. */
const MAX_DEPTH = 12;

interface Ctx {
  readonly stack: TfStack;
  readonly unresolved: string[];
  exact: boolean;
  /** References being resolved (cycle guard); made on the first reference, which most names and ARNs never reach. */
  active: Set<string> | undefined;
  depth: number;
}

/** A value as the exact literal it resolves to (a string with every reference resolved), or undefined. */
export function exactPattern(stack: TfStack, v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const p = resolveToPattern(stack, v);
  return p.exact ? p.pattern : undefined;
}

/** Resolves every interpolation in `s` into a glob pattern (see `ResolvedPattern`). */
export function resolveToPattern(stack: TfStack, s: string): ResolvedPattern {
  if (!hasInterpolation(s)) {
    // `$${` / `%%{` escapes still need unescaping.
    if (s.indexOf("{") < 0) return { pattern: s, unresolved: NONE, exact: true };
  }
  // The same references recur in thousands of policies (`${aws_iam_role.x.arn}`): resolve each string once per stack.
  let cache = patternCache.get(stack);
  if (!cache) patternCache.set(stack, (cache = new Map()));
  const hit = cache.get(s);
  if (hit) return hit; // shared: results are read-only
  const ctx: Ctx = { stack, unresolved: [], exact: true, active: undefined, depth: 0 };
  const pattern = collapseStars(resolveString(ctx, s));
  const out: ResolvedPattern = { pattern, unresolved: ctx.unresolved, exact: ctx.exact };
  cache.set(s, out);
  return out;
}

const patternCache = new WeakMap<TfStack, Map<string, ResolvedPattern>>();
const NONE: readonly string[] = [];

function collapseStars(p: string): string {
  return p.indexOf("**") < 0 ? p : p.replace(/\*{2,}/g, "*");
}

function resolveString(ctx: Ctx, s: string): string {
  if (s.indexOf("{") < 0) return s;
  const parts = parseTemplate(s);
  // A directive decides which text between its tags is printed (or repeats it): everything from the first directive
  // to the end of the last is one unknown, not the text between kept as certain (red-team round 165).
  let first = -1;
  let last = -1;
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k];
    if (part.kind === "interpolation" && part.directive) {
      if (first < 0) first = k;
      last = k;
    }
  }
  let out = "";
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k];
    if (first >= 0 && k >= first && k <= last) {
      if (k === first && part.kind === "interpolation") out += unknown(ctx, part.raw);
    } else if (part.kind === "literal") out += part.text;
    else out += resolveInterpolation(ctx, part.raw, part.expr, part.directive);
  }
  return out;
}

function unknown(ctx: Ctx, raw: string): string {
  if (!ctx.unresolved.includes(raw)) ctx.unresolved.push(raw);
  ctx.exact = false;
  return "*";
}

function resolveInterpolation(ctx: Ctx, raw: string, expr: string, directive: boolean): string {
  if (directive) return unknown(ctx, raw);
  const ref = parseReference(expr);
  if (!ref) return (FORMAT_CALL.test(expr) ? resolveFormat(ctx, expr) : undefined) ?? unknown(ctx, raw);
  const v = resolveReference(ctx, ref);
  return v === undefined ? unknown(ctx, raw) : v;
}

const FORMAT_CALL = /^\s*(?:format|tostring)\s*\(/;

/**
 * Whether `format`'s verb prints the value as the text it stands for. A reference's text does not say whether it is a
 * string or a number, and Terraform prints numbers its own way (red-team round 89): `%d` converts a string to a number
 * first (`"0123"` prints `123`), so only a plain whole number, or a value not known at all (`*`), prints as written;
 * `%v` prints a number as Go's `%g` (`1.23456789012e+11`), so text that may be a number prints as written only as a
 * plain whole number under a million.
 */
function formatsAsWritten(verb: string, text: string): boolean {
  if (verb === "d") return text === "*" || /^-?(?:0|[1-9][0-9]{0,14})$/.test(text) && text !== "-0";
  if (verb === "v" && /^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/.test(text)) {
    return /^-?(?:0|[1-9][0-9]{0,5})$/.test(text) && text !== "-0";
  }
  return true;
}

/**
 * `format("...%s...", X, ...)` and `tostring(X)`: what cdktf's Fn.format and Fn.tostring write into Terraform JSON
 * (the HCL reader evaluates them itself). A trust principal or a resource built as `Fn.format("arn:aws:iam::%s:role/ci",
 * [account])` is that ARN with the account a wildcard, not `*`. Each argument is a literal or a reference, resolved
 * as a reference anywhere is (an unknown one is `*`); the format takes Terraform's plain verbs `%s`, `%d`, `%v` and
 * `%%`. Anything else (a flag, a width, an indexed verb, an argument that is itself a call or a template, a count
 * that does not match) leaves the whole call unknown, undefined here.
 */
function resolveFormat(ctx: Ctx, expr: string): string | undefined {
  // Loaded only for such a call: most stacks never hold one.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { parseExpression, traversalText } = require("../../hcl/expr") as typeof import("../../hcl/expr");
  /* eslint-enable @typescript-eslint/no-require-imports */
  let e: ReturnType<typeof parseExpression>;
  try {
    e = parseExpression(expr);
  } catch {
    return undefined;
  }
  if (e.k !== "call" || e.expand) return undefined;
  const value = (x: (typeof e.args)[number]): string | undefined => {
    // A number as Terraform turns it into text: exactly so for a whole number a double holds (not -0, which stays "-0").
    if (x.k === "lit") return typeof x.v === "string" ? x.v : typeof x.v === "number" && Number.isSafeInteger(x.v) && !Object.is(x.v, -0) ? String(x.v) : undefined;
    if (x.k === "tmpl") return x.parts.every((p) => typeof p === "string") ? x.parts.join("") : undefined;
    const t = traversalText(x);
    const ref = t === undefined ? undefined : parseReference(t);
    if (!ref) return undefined;
    return resolveReference(ctx, ref) ?? unknown(ctx, `\${${t}}`);
  };
  if (e.name === "tostring") return e.args.length === 1 ? value(e.args[0]) : undefined;
  const [f, ...rest] = e.args;
  // The format itself must be known text: a wildcard there could stand for verbs.
  const text = f === undefined || f.k === "trav" ? undefined : value(f);
  if (text === undefined) return undefined;
  const args = rest.map(value);
  if (args.some((a) => a === undefined)) return undefined;
  let i = 0;
  let bad = false;
  const out = text.replace(/%(.)?/g, (_, verb: string | undefined) => {
    if (verb === "%") return "%";
    const arg = args[i++];
    if ((verb !== "s" && verb !== "d" && verb !== "v") || arg === undefined || !formatsAsWritten(verb, arg)) {
      bad = true;
      return "";
    }
    return arg;
  });
  return bad || i !== args.length ? undefined : out;
}

/** A value of a reference as a pattern, or undefined when it cannot be known. */
function resolveReference(ctx: Ctx, ref: Reference): string | undefined {
  if (ctx.depth >= MAX_DEPTH) return undefined;
  const key = `${ref.address}.${ref.attribute ?? ""}.${ref.path.join(".")}`;
  const active = (ctx.active ??= new Set());
  if (active.has(key)) return undefined;
  active.add(key);
  ctx.depth++;
  try {
    switch (ref.kind) {
      case "var":
      case "local": {
        const map = ref.kind === "var" ? ctx.stack.variables : ctx.stack.locals;
        const name = ref.address.slice(ref.kind === "var" ? 4 : 6);
        if (!map.has(name)) return undefined;
        const steps = ref.attribute === undefined ? ref.path : [ref.attribute, ...ref.path];
        return valueToPattern(ctx, walk(map.get(name), steps));
      }
      case "resource":
      case "data": {
        if (ref.splat || ref.attribute === undefined) return undefined;
        if (ref.attribute === "outputs" && ctx.stack.remoteOutputs) {
          const remote = remoteStateAt(ctx.stack, ref.address);
          if (remote) return remoteOutput(ctx, remote, ref);
        }
        const r = ctx.stack.byAddress.get(ref.address);
        if (!r) return undefined;
        return attributeOf(ctx, r, ref.attribute, ref.path);
      }
      default:
        return undefined;
    }
  } finally {
    ctx.depth--;
    active.delete(key);
  }
}

/**
 * Whether an interpolation's value may hold a wildcard written by hand (red-team round 68): a `*` or `?` in the text
 * of a template it resolves through (a local, a variable's default, a resource argument, `${var.sfx}*` as well as
 * `*`), or an expression blastwall cannot follow (a function call, a conditional, a module output), which may give
 * any text. A value Terraform computes (an id, a data source's region) or a variable with no default is one value at
 * apply time, and no wildcard.
 */
export function mayHoldWrittenWildcard(stack: TfStack, expr: string, opaque = true): boolean {
  return wildExpression(stack, expr, new Set(), 0, opaque);
}

/** `opaque`: what an expression blastwall cannot follow gives (with `false`, only text written with `*` counts). */
function wildExpression(stack: TfStack, expr: string, active: Set<string>, depth: number, opaque: boolean): boolean {
  const ref = parseReference(expr);
  if (!ref || depth >= MAX_DEPTH) return opaque;
  const key = `${ref.address}.${ref.attribute ?? ""}.${ref.path.join(".")}`;
  if (active.has(key)) return opaque;
  active.add(key);
  try {
    switch (ref.kind) {
      case "var":
      case "local": {
        const map = ref.kind === "var" ? stack.variables : stack.locals;
        const name = ref.address.slice(ref.kind === "var" ? 4 : 6);
        // A variable with no default is given at apply time; a local that is not there is not readable.
        if (!map.has(name)) return ref.kind === "local" && opaque;
        const steps = ref.attribute === undefined ? ref.path : [ref.attribute, ...ref.path];
        return wildValue(stack, walk(map.get(name), steps), active, depth + 1, opaque);
      }
      case "resource":
      case "data": {
        if (ref.splat || ref.attribute === undefined || ref.attribute === "outputs") return opaque;
        // A resource blastwall does not hold (in a module it does not read): a value computed at apply time.
        const r = stack.byAddress.get(ref.address);
        if (!r) return false;
        // A data source that parses its `arn` argument gives that text's parts (red-team round 69: a region read from
        // `data.aws_arn` over `arn:aws:lambda:*:...` is the `*` written there, not one apply-time value).
        const part = r.mode === "data" && r.type === "aws_arn" ? ARN_PARTS.indexOf(ref.attribute) : -1;
        if (part >= 0) return wildArnPart(stack, r.values["arn"], part, active, depth + 1, opaque);
        const v = ref.path.length === 0 ? r.values[ref.attribute] : walk(r.values[ref.attribute], ref.path);
        // Not written: a value Terraform computes for it.
        return v === undefined || v === null ? opaque && ref.path.length > 0 && r.values[ref.attribute] !== undefined : wildValue(stack, v, active, depth + 1, opaque);
      }
      default:
        return opaque;
    }
  } finally {
    active.delete(key);
  }
}

/** The attributes `data.aws_arn` parses out of its `arn`, by the place they take in it (the resource is the rest). */
const ARN_PARTS = ["", "partition", "service", "region", "account", "resource"];

/**
 * Whether part `part` of an ARN written as `v` may hold a wildcard written by hand: an interpolation that may counts as
 * `*` where it stands, one that may not as plain text (an interpolation holding colons is one place still:
 * with too few parts left, a wildcard anywhere in it counts).
 */
function wildArnPart(stack: TfStack, v: unknown, part: number, active: Set<string>, depth: number, opaque: boolean): boolean {
  if (typeof v !== "string") return opaque;
  const marked = parseTemplate(v)
    .map((p) => (p.kind === "literal" ? p.text : (p.directive ? opaque : wildExpression(stack, p.expr, active, depth, opaque)) ? "*" : "X"))
    .join("");
  const parts = marked.split(":");
  if (parts.length < 6) return /[*?]/.test(marked) || opaque;
  const text = part === 5 ? parts.slice(5).join(":") : parts[part];
  return /[*?]/.test(text);
}

function wildValue(stack: TfStack, v: unknown, active: Set<string>, depth: number, opaque: boolean): boolean {
  if (typeof v === "number" || typeof v === "boolean") return false;
  if (typeof v !== "string") return opaque;
  return parseTemplate(v).some((p) => (p.kind === "literal" ? /[*?]/.test(p.text) : p.directive ? opaque : wildExpression(stack, p.expr, active, depth, opaque)));
}

/** The other stack a `data.terraform_remote_state` address reads (`[0]` of a counted one reads the same state). */
export function remoteStateAt(stack: TfStack, address: string): RemoteState | undefined {
  const states = stack.remoteOutputs;
  if (!states) return undefined;
  return states.get(address) ?? (address.endsWith("]") ? states.get(address.slice(0, address.lastIndexOf("["))) : undefined);
}

/**
 * An output of another stack checked in the same run, read through `data.terraform_remote_state`: the value that
 * stack gives it (a step into a list or map output follows it there). Undefined when it is no string blastwall knows.
 */
function remoteOutput(ctx: Ctx, remote: RemoteState, ref: Reference): string | undefined {
  const path = ref.path;
  if (path.length === 0) return undefined;
  const name = stepKey(path[0]);
  if (name !== undefined && !remote.has(name)) {
    // An output the other stack does not have: Terraform takes the source's `defaults`, written in this stack.
    const source = ctx.stack.byAddress.get(ref.address);
    const fallback = source ? walk(source.values["defaults"], path) : undefined;
    return fallback === undefined ? undefined : valueToPattern(ctx, fallback);
  }
  const out = remote.output(path);
  if (!out) return undefined;
  if (!out.exact) ctx.exact = false;
  if (/^arn:[^:]*:iam::[^:]*:(role|user)\//.test(out.pattern)) {
    const states = ctx.stack.remoteOutputs!;
    let seen = foreign.get(states);
    if (!seen) foreign.set(states, (seen = new Set()));
    seen.add(out.pattern.toLowerCase());
  }
  return out.pattern;
}

/** Per stack (its map of remote states, which every reading of it shares): principal ARNs read from other stacks. */
const foreign = new WeakMap<ReadonlyMap<string, RemoteState>, Set<string>>();

/**
 * The ARNs of roles and users this stack has read from other stacks' outputs so far (lower case): a reference names
 * the other stack's principal, never one of this stack of the same name.
 */
export function foreignPrincipalArns(stack: TfStack): ReadonlySet<string> | undefined {
  return stack.remoteOutputs ? foreign.get(stack.remoteOutputs) : undefined;
}

/** The key a traversal step names: `name` for `.name` (as parsed), `["name"]` or `[0]`; undefined when unreadable. */
export function stepKey(step: string): string | undefined {
  if (!step.startsWith("[")) return step;
  const key = step.slice(1, -1).trim();
  if (!key.startsWith('"')) return key;
  try {
    const k = JSON.parse(key) as unknown;
    return typeof k === "string" ? k : undefined;
  } catch {
    return undefined;
  }
}

/** Follows `tags.Name`, `[0]`, `["k"]` through plain JSON values. */
export function walk(v: unknown, steps: readonly string[]): unknown {
  let cur = v;
  for (const st of steps) {
    if (cur === undefined || cur === null) return undefined;
    const key = stepKey(st);
    if (key === undefined) return undefined;
    if (Array.isArray(cur)) {
      if (!/^[0-9]+$/.test(key)) return undefined;
      cur = cur[Number(key)];
    } else if (typeof cur === "object") {
      cur = (cur as Record<string, unknown>)[key];
    } else {
      return undefined;
    }
  }
  return cur;
}

function valueToPattern(ctx: Ctx, v: unknown): string | undefined {
  if (typeof v === "string") return resolveString(ctx, v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

/** Literal argument value of `r` (resolved), or undefined when absent or not a scalar. */
function literalArg(ctx: Ctx, r: TfResource, arg: string): string | undefined {
  const v = r.values[arg];
  return v === undefined || v === null ? undefined : valueToPattern(ctx, v);
}

/**
 * A name from `name` / `name_prefix` style arguments: the name, `prefix*`, or, with neither written, the name the
 * provider makes when it `generates` one (see unwrittenName) or `*` where blastwall does not know how the provider
 * names it. Marks the result inexact unless the name itself was written.
 */
function nameFrom(ctx: Ctx, r: TfResource, nameArg: string, prefixArg?: string, generates = false): string {
  const n = literalArg(ctx, r, nameArg);
  // An empty name is no name to the provider (create.Name falls back to the prefix or a generated one).
  if (n !== undefined && (n !== "" || !generates)) return n;
  ctx.exact = false;
  if (prefixArg) {
    const p = literalArg(ctx, r, prefixArg);
    if (p !== undefined && p !== "") return `${p}*`;
  }
  return generates ? unwrittenName(ctx.stack, r) : "*";
}

/**
 * What the AWS provider names a resource that writes neither its name nor its prefix argument: `terraform-` and a
 * 26-character unique suffix (a timestamp and a counter), for the types that pass `generates` below (their create
 * calls do so), and for inline policies. A fresh unique name is no other object's, so such a resource does not stand
 * for every role or bucket (red-team round 136).
 */
const GENERATED_NAME = "terraform-*";

/**
 * The name pattern of `r`, of a type whose provider generates a name, when it writes neither name nor prefix:
 * GENERATED_NAME, or any name (`*`) when an `import` or `moved` block brings an existing object to it, which keeps the
 * name it has. Every reader of such a name asks here (the agent selector, the policies a permission set names, inline
 * policy names), so that none of them takes an adopted object for a new `terraform-...` one.
 */
export function unwrittenName(stack: TfStack, r: TfResource): string {
  return imported(stack, r) ? "*" : GENERATED_NAME;
}

/**
 * Whether an `import` block of the stack imports into `r`, or a `moved` block moves an object to it (any instance of
 * it): its name is the existing object's (red-team round 138: a bucket moved onto a resource with no `bucket` read as
 * generated). A local module's blocks arrive in root terms (load-hcl.ts). Instance keys are not compared: a block
 * naming one instance counts for all of them (fail closed).
 */
function imported(stack: TfStack, r: TfResource): boolean {
  const imports = stack.imports ?? [];
  const moved = stack.movedTo ?? [];
  if (imports.length === 0 && moved.length === 0) return false;
  const bare = (a: string) => a.replace(/\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]/g, "");
  const own = bare(r.address);
  // A moved module (`to = module.b`) moves every object in it.
  return imports.some((i) => bare(i.to) === own) || moved.some((to) => bare(to) === own || own.startsWith(`${bare(to)}.`));
}

function iamPath(ctx: Ctx, r: TfResource): string {
  const p = literalArg(ctx, r, "path");
  if (p === undefined || p === "") return "/";
  return p;
}

type AttrFn = (ctx: Ctx, r: TfResource) => string | undefined;

function inexact(ctx: Ctx, v: string): string {
  ctx.exact = false;
  return v;
}

/** IAM principals named by `name`, `name_prefix` (`prefixArg`), or neither (then the provider's name, when it `generates` one). */
const iamNamed = (kind: string, prefixArg?: string, generates = false): Record<string, AttrFn> => {
  const name: AttrFn = (ctx, r) => nameFrom(ctx, r, "name", prefixArg, generates);
  return {
    name,
    id: name,
    arn: (ctx, r) => `arn:aws:iam::*:${kind}${iamPath(ctx, r)}${nameFrom(ctx, r, "name", prefixArg, generates)}`,
  };
};

const policyName: AttrFn = (ctx, r) => nameFrom(ctx, r, "name", "name_prefix", true);
const policyArn: AttrFn = (ctx, r) => `arn:aws:iam::*:policy${iamPath(ctx, r)}${policyName(ctx, r)}`;

/** A bucket's name: a managed bucket's `bucket`, `bucket_prefix` or generated name; a data source's `bucket`. */
const bucketName = (ctx: Ctx, r: TfResource): string =>
  r.mode === "data" ? nameFrom(ctx, r, "bucket") : nameFrom(ctx, r, "bucket", "bucket_prefix", true);

/** A bucket's host names: `NAME.s3.amazonaws.com`, and `NAME.s3.REGION.amazonaws.com` (the region left open). */
const BUCKET_DOMAINS: Record<string, AttrFn> = {
  bucket_domain_name: (ctx, r) => `${bucketName(ctx, r)}.s3.amazonaws.com`,
  bucket_regional_domain_name: (ctx, r) => `${bucketName(ctx, r)}.s3${inexact(ctx, "*")}.amazonaws.com`,
};

/**
 * Bedrock Agents (red-team round 156): every ID is AWS's (ten characters), so each ARN is the type's wildcard, and a
 * grant names one resource only by a reference to it (`referencedResource`). An alias's ARN sits under its agent's ID
 * (`agent-alias/AGENT_ID/ALIAS_ID`), an agent alias's and a data source's `id` is `OWN_ID,PARENT_ID`. A data source has
 * no ARN: its actions are authorised on its knowledge base.
 */
const assigned: AttrFn = (ctx) => inexact(ctx, "*");
const bedrockArn = (tail: AttrFn): AttrFn => (ctx, r) => inexact(ctx, `arn:aws:bedrock:*:*:${tail(ctx, r)}`);
const agentArn = bedrockArn(() => "agent/*");
const aliasArn = bedrockArn((ctx, r) => `agent-alias/${nameFrom(ctx, r, "agent_id")}/*`);
const BEDROCK_AGENTS: Record<string, Record<string, AttrFn>> = {
  aws_bedrockagent_agent: { arn: agentArn, agent_arn: agentArn, agent_id: assigned, id: assigned },
  aws_bedrockagent_agent_alias: { arn: aliasArn, agent_alias_arn: aliasArn, agent_alias_id: assigned, id: (ctx, r) => inexact(ctx, `*,${nameFrom(ctx, r, "agent_id")}`) },
  aws_bedrockagent_flow: { arn: bedrockArn(() => "flow/*"), id: assigned },
  aws_bedrockagent_knowledge_base: { arn: bedrockArn(() => "knowledge-base/*"), id: assigned },
  aws_bedrockagent_data_source: { data_source_id: assigned, id: (ctx, r) => inexact(ctx, `*,${nameFrom(ctx, r, "knowledge_base_id")}`) },
};

/** Attributes whose value Terraform computes, as patterns, by resource type. */
const KMS_KEY: Record<string, AttrFn> = {
  arn: (ctx) => inexact(ctx, "arn:aws:kms:*:*:key/*"),
  id: (ctx) => inexact(ctx, "*"),
  key_id: (ctx) => inexact(ctx, "*"),
};

/**
 * An IAM identity provider's ARN (its id too), which holds its issuer URL without the scheme (OIDC) or its name
 * (SAML). Inexact: IAM may fold the URL's case or trailing slash, and a Deny must not count on the spelling. A
 * `Federated` trust naming the provider by reference is then that provider, never `*`, which would admit the
 * built-in ones (`cognito-identity.amazonaws.com`, `accounts.google.com`) too (red-team round 77).
 */
const oidcProviderArn: AttrFn = (ctx, r) => inexact(ctx, `arn:aws:iam::*:oidc-provider/${nameFrom(ctx, r, "url").replace(/^https:\/\//i, "").replace(/\/+$/, "") || "*"}`);
const samlProviderArn: AttrFn = (ctx, r) => inexact(ctx, `arn:aws:iam::*:saml-provider/${nameFrom(ctx, r, "name")}`);
const IDENTITY_PROVIDERS: Record<string, Record<string, AttrFn>> = {
  aws_iam_openid_connect_provider: { arn: oidcProviderArn, id: oidcProviderArn },
  aws_iam_saml_provider: { arn: samlProviderArn, id: samlProviderArn },
};

const COMPUTED: Record<string, Record<string, AttrFn>> = {
  ...IDENTITY_PROVIDERS,
  aws_iam_role: iamNamed("role", "name_prefix", true),
  aws_iam_user: iamNamed("user"),
  aws_iam_group: iamNamed("group"),
  // The same principals written for Cloud Control: a trust naming `awscc_iam_role.ci.arn` names that role, as one naming
  // `aws_iam_role.ci.arn` does, not anyone (red-team round 109). With no name given, Cloud Control generates one: any.
  awscc_iam_role: { role_name: (ctx, r) => nameFrom(ctx, r, "role_name"), arn: (ctx, r) => `arn:aws:iam::*:role${iamPath(ctx, r)}${nameFrom(ctx, r, "role_name")}` },
  awscc_iam_user: { user_name: (ctx, r) => nameFrom(ctx, r, "user_name"), arn: (ctx, r) => `arn:aws:iam::*:user${iamPath(ctx, r)}${nameFrom(ctx, r, "user_name")}` },
  aws_iam_instance_profile: iamNamed("instance-profile", "name_prefix", true),
  aws_iam_policy: {
    name: policyName,
    arn: policyArn,
    id: policyArn,
  },
  // An access point's ARN stands for its bucket (see s3-access-points.ts): a grant written around it must name it.
  aws_s3_access_point: { arn: (ctx, r) => inexact(ctx, `arn:aws:s3:*:*:accesspoint/${nameFrom(ctx, r, "name")}`) },
  aws_s3_bucket: {
    bucket: bucketName,
    id: bucketName,
    arn: (ctx, r) => `arn:aws:s3:::${bucketName(ctx, r)}`,
    ...BUCKET_DOMAINS,
  },
  // Key ids are AWS's to choose; keys with imported material and replicas are keys all the same.
  aws_kms_key: KMS_KEY,
  aws_kms_external_key: KMS_KEY,
  aws_kms_replica_key: KMS_KEY,
  aws_kms_replica_external_key: KMS_KEY,
  aws_kms_alias: {
    name: (ctx, r) => nameFrom(ctx, r, "name", "name_prefix"),
    id: (ctx, r) => nameFrom(ctx, r, "name", "name_prefix"),
    arn: (ctx, r) => inexact(ctx, `arn:aws:kms:*:*:${nameFrom(ctx, r, "name", "name_prefix")}`),
  },
  aws_secretsmanager_secret: {
    name: (ctx, r) => nameFrom(ctx, r, "name", "name_prefix"),
    // Secrets Manager appends `-` and six random characters to the name in the ARN.
    arn: (ctx, r) => inexact(ctx, `arn:aws:secretsmanager:*:*:secret:${nameFrom(ctx, r, "name", "name_prefix")}-*`),
    id: (ctx, r) => inexact(ctx, `arn:aws:secretsmanager:*:*:secret:${nameFrom(ctx, r, "name", "name_prefix")}-*`),
  },
  // Ids Terraform gets from AWS at apply time: the ARN's shape is known, its id is not.
  aws_cognito_user_pool: { arn: (ctx) => inexact(ctx, "arn:aws:cognito-idp:*:*:userpool/*") },
  aws_cognito_identity_pool: { arn: (ctx) => inexact(ctx, "arn:aws:cognito-identity:*:*:identitypool/*") },
  aws_rolesanywhere_trust_anchor: { arn: (ctx) => inexact(ctx, "arn:aws:rolesanywhere:*:*:trust-anchor/*") },
  aws_rolesanywhere_profile: { arn: (ctx) => inexact(ctx, "arn:aws:rolesanywhere:*:*:profile/*") },
  aws_acmpca_certificate_authority: { arn: (ctx) => inexact(ctx, "arn:aws:acm-pca:*:*:certificate-authority/*") },
  aws_db_instance: {
    identifier: (ctx, r) => nameFrom(ctx, r, "identifier", "identifier_prefix"),
    arn: (ctx, r) => inexact(ctx, `arn:aws:rds:*:*:db:${nameFrom(ctx, r, "identifier", "identifier_prefix")}`),
  },
  aws_rds_cluster: {
    cluster_identifier: (ctx, r) => nameFrom(ctx, r, "cluster_identifier", "cluster_identifier_prefix"),
    id: (ctx, r) => nameFrom(ctx, r, "cluster_identifier", "cluster_identifier_prefix"),
    arn: (ctx, r) =>
      inexact(ctx, `arn:aws:rds:*:*:cluster:${nameFrom(ctx, r, "cluster_identifier", "cluster_identifier_prefix")}`),
  },
  aws_ebs_volume: {
    id: (ctx) => inexact(ctx, "vol-*"),
    arn: (ctx) => inexact(ctx, "arn:aws:ec2:*:*:volume/vol-*"),
  },
  aws_ebs_snapshot: {
    id: (ctx) => inexact(ctx, "snap-*"),
    arn: (ctx) => inexact(ctx, "arn:aws:ec2:*::snapshot/snap-*"),
  },
  aws_dynamodb_table: {
    name: (ctx, r) => nameFrom(ctx, r, "name"),
    id: (ctx, r) => nameFrom(ctx, r, "name"),
    arn: (ctx, r) => inexact(ctx, `arn:aws:dynamodb:*:*:table/${nameFrom(ctx, r, "name")}`),
  },
  aws_backup_vault: {
    name: (ctx, r) => nameFrom(ctx, r, "name"),
    id: (ctx, r) => nameFrom(ctx, r, "name"),
    arn: (ctx, r) => inexact(ctx, `arn:aws:backup:*:*:backup-vault:${nameFrom(ctx, r, "name")}`),
  },
  aws_efs_file_system: {
    id: (ctx) => inexact(ctx, "fs-*"),
    arn: (ctx) => inexact(ctx, "arn:aws:elasticfilesystem:*:*:file-system/fs-*"),
  },
  aws_lambda_function: {
    function_name: (ctx, r) => nameFrom(ctx, r, "function_name"),
    id: (ctx, r) => nameFrom(ctx, r, "function_name"),
    arn: (ctx, r) => inexact(ctx, `arn:aws:lambda:*:*:function:${nameFrom(ctx, r, "function_name")}`),
    // The ARN with the version published last (red-team round 67): a version of this function.
    qualified_arn: (ctx, r) => inexact(ctx, `arn:aws:lambda:*:*:function:${nameFrom(ctx, r, "function_name")}:*`),
  },
  aws_cloudwatch_log_group: {
    name: (ctx, r) => nameFrom(ctx, r, "name", "name_prefix"),
    id: (ctx, r) => nameFrom(ctx, r, "name", "name_prefix"),
    arn: (ctx, r) => inexact(ctx, `arn:aws:logs:*:*:log-group:${nameFrom(ctx, r, "name", "name_prefix")}`),
  },
  aws_ecr_repository: {
    name: (ctx, r) => nameFrom(ctx, r, "name"),
    id: (ctx, r) => nameFrom(ctx, r, "name"),
    arn: (ctx, r) => inexact(ctx, `arn:aws:ecr:*:*:repository/${nameFrom(ctx, r, "name")}`),
  },
  // Every revision of a job definition: `arn_prefix` is the ARN without the revision (red-team round 66).
  aws_batch_job_definition: {
    name: (ctx, r) => nameFrom(ctx, r, "name"),
    arn_prefix: (ctx, r) => inexact(ctx, `arn:aws:batch:*:*:job-definition/${nameFrom(ctx, r, "name")}`),
    arn: (ctx, r) => inexact(ctx, `arn:aws:batch:*:*:job-definition/${nameFrom(ctx, r, "name")}:*`),
  },
  aws_emr_cluster: { arn: (ctx) => inexact(ctx, "arn:aws:elasticmapreduce:*:*:cluster/*") },
  aws_ecs_task_definition: {
    family: (ctx, r) => nameFrom(ctx, r, "family"),
    arn: (ctx, r) => inexact(ctx, `arn:aws:ecs:*:*:task-definition/${nameFrom(ctx, r, "family")}:*`),
    // The family's ARN, before `:revision` (red-team round 68: `${...arn_without_revision}:*` read as outside compute).
    arn_without_revision: (ctx, r) => inexact(ctx, `arn:aws:ecs:*:*:task-definition/${nameFrom(ctx, r, "family")}`),
  },
  // A state machine's ARN (its id too); versions and aliases add `:version` or `:alias` (red-team round 68).
  aws_sfn_state_machine: {
    name: (ctx, r) => nameFrom(ctx, r, "name", "name_prefix"),
    arn: (ctx, r) => inexact(ctx, `arn:aws:states:*:*:stateMachine:${nameFrom(ctx, r, "name", "name_prefix")}`),
    id: (ctx, r) => inexact(ctx, `arn:aws:states:*:*:stateMachine:${nameFrom(ctx, r, "name", "name_prefix")}`),
  },
  aws_kinesisanalyticsv2_application: {
    name: (ctx, r) => nameFrom(ctx, r, "name"),
    arn: (ctx, r) => inexact(ctx, `arn:aws:kinesisanalytics:*:*:application/${nameFrom(ctx, r, "name")}`),
  },
  aws_eks_cluster: {
    name: (ctx, r) => nameFrom(ctx, r, "name"),
    id: (ctx, r) => nameFrom(ctx, r, "name"),
    arn: (ctx, r) => inexact(ctx, `arn:aws:eks:*:*:cluster/${nameFrom(ctx, r, "name")}`),
  },
  aws_codebuild_project: {
    name: (ctx, r) => nameFrom(ctx, r, "name"),
    arn: (ctx, r) => inexact(ctx, `arn:aws:codebuild:*:*:project/${nameFrom(ctx, r, "name")}`),
  },
  aws_instance: {
    id: (ctx) => inexact(ctx, "i-*"),
    arn: (ctx) => inexact(ctx, "arn:aws:ec2:*:*:instance/i-*"),
  },
  aws_launch_template: {
    id: (ctx) => inexact(ctx, "lt-*"),
    arn: (ctx) => inexact(ctx, "arn:aws:ec2:*:*:launch-template/lt-*"),
  },
  aws_s3_object: {
    arn: (ctx, r) => `arn:aws:s3:::${nameFrom(ctx, r, "bucket")}/${nameFrom(ctx, r, "key")}`,
  },
  aws_codecommit_repository: {
    repository_name: (ctx, r) => nameFrom(ctx, r, "repository_name"),
    arn: (ctx, r) => inexact(ctx, `arn:aws:codecommit:*:*:${nameFrom(ctx, r, "repository_name")}`),
  },
  aws_sagemaker_user_profile: {
    arn: (ctx, r) => inexact(ctx, `arn:aws:sagemaker:*:*:user-profile/${nameFrom(ctx, r, "domain_id")}/${nameFrom(ctx, r, "user_profile_name")}`),
  },
  // AgentCore ids are the name and a suffix AWS picks (`opsagent-AbCdEf1234`); none of these has an `arn` attribute
  // (`agent_runtime_arn`, `code_interpreter_arn`...: ARN_ATTRIBUTES), `arn` is the index's name for it. A custom code
  // interpreter's or browser's ARN is documented both as `code-interpreter/` and `code-interpreter-custom/`: either.
  ...agentcore("aws_bedrockagentcore_agent_runtime", "agent_runtime", (ctx, r) => `runtime/${nameFrom(ctx, r, "agent_runtime_name")}-*`),
  ...agentcore("aws_bedrockagentcore_agent_runtime_endpoint", "agent_runtime_endpoint", (ctx, r) => `runtime/*/runtime-endpoint/${nameFrom(ctx, r, "name")}`),
  ...agentcore("aws_bedrockagentcore_code_interpreter", "code_interpreter", (ctx, r) => `code-interpreter*/${nameFrom(ctx, r, "name")}-*`),
  ...agentcore("aws_bedrockagentcore_browser", "browser", (ctx, r) => `browser*/${nameFrom(ctx, r, "name")}-*`),
  ...agentcore("aws_bedrockagentcore_gateway", "gateway", () => "gateway/*"),
  ...BEDROCK_AGENTS,
  aws_ssm_parameter: {
    name: (ctx, r) => nameFrom(ctx, r, "name"),
    id: (ctx, r) => nameFrom(ctx, r, "name"),
    // A name with a leading slash (`/prod/db`) is a path: its ARN is `parameter/prod/db`, not `parameter//prod/db`.
    arn: (ctx, r) => {
      const name = nameFrom(ctx, r, "name");
      return inexact(ctx, `arn:aws:ssm:*:*:parameter${name.startsWith("/") ? "" : "/"}${name}`);
    },
  },
};

/**
 * The ARN and id attributes of resource types that name them otherwise than `arn` and `id` (an AgentCore runtime's
 * `agent_runtime_arn`, `agent_runtime_id`): a grant written with one names the resource as `${x.arn}` does.
 */
const ARN_ATTRIBUTES: Readonly<Record<string, { readonly arn: string; readonly id?: string }>> = {
  aws_bedrockagentcore_agent_runtime: { arn: "agent_runtime_arn", id: "agent_runtime_id" },
  aws_bedrockagentcore_agent_runtime_endpoint: { arn: "agent_runtime_endpoint_arn" },
  aws_bedrockagentcore_code_interpreter: { arn: "code_interpreter_arn", id: "code_interpreter_id" },
  aws_bedrockagentcore_browser: { arn: "browser_arn", id: "browser_id" },
  aws_bedrockagentcore_gateway: { arn: "gateway_arn", id: "gateway_id" },
  aws_bedrockagent_agent: { arn: "agent_arn", id: "agent_id" },
  aws_bedrockagent_agent_alias: { arn: "agent_alias_arn", id: "agent_alias_id" },
};

/** The attribute that holds a resource type's own ARN: `arn`, or its own name for it (`gateway_arn`). */
export function arnAttributeOf(type: string): string {
  return ARN_ATTRIBUTES[type]?.arn ?? "arn";
}

/**
 * Arguments that hold a parent resource's ID (a Bedrock data source's knowledge base, an agent alias's agent): an ARN
 * ending in `/` and one of them names the parent as `/${parent.id}` would.
 */
const PARENT_IDS: Readonly<Record<string, readonly string[]>> = {
  aws_bedrockagent_data_source: ["knowledge_base_id"],
  aws_bedrockagent_agent_alias: ["agent_id"],
};

/** An AgentCore type's ARN (`PREFIX_arn`, and `arn` for the index) from the part after `:bedrock-agentcore:REGION:ACCOUNT:`. */
function agentcore(type: string, prefix: string, tail: AttrFn): Record<string, Record<string, AttrFn>> {
  const arn: AttrFn = (ctx, r) => inexact(ctx, `arn:aws:bedrock-agentcore:*:*:${tail(ctx, r)}`);
  return { [type]: { arn, [`${prefix}_arn`]: arn } };
}

/** An existing IAM principal looked up by name: its path is unknown. */
const iamLookup = (kind: string): Record<string, AttrFn> => ({
  name: (ctx, r) => literalArg(ctx, r, "name"),
  id: (ctx, r) => literalArg(ctx, r, "name"),
  arn: (ctx, r) => {
    const name = literalArg(ctx, r, "name") ?? (ctx.exact = false, "*");
    return inexact(ctx, `arn:aws:iam::*:${kind}/*${name}`);
  },
});

/**
 * An existing managed policy looked up by `name` (`arn`, when written, is read as written): a policy of that name
 * under some path. It may be an AWS managed policy (the lookup lists those too), whose account is `aws`: the account
 * is written `?*`, any, so that pinning the stack's own account (peer-removals.ts `withAccount`) does not rule it out.
 */
const policyLookup: AttrFn = (ctx, r) => {
  const name = literalArg(ctx, r, "name");
  return inexact(ctx, name === undefined ? "*" : `arn:aws:iam::?*:policy/*${name}`);
};

/** Data sources whose attributes are known in shape without reading the account. */
const COMPUTED_DATA: Record<string, Record<string, AttrFn>> = {
  aws_iam_role: iamLookup("role"),
  aws_iam_policy: { arn: policyLookup, id: policyLookup },
  aws_iam_user: iamLookup("user"),
  aws_iam_group: iamLookup("group"),
  // Looked up by `arn` (an argument, read as written) or by `url`.
  ...IDENTITY_PROVIDERS,
  // Account ids are `*` everywhere in a stack; that is not counted as inexact (see `ResolvedPattern.exact`). Its
  // provider pinned to one account (`allowed_account_ids`), the caller's account is that one.
  aws_caller_identity: { account_id: (ctx, r) => callerAccount(ctx, r), id: (ctx, r) => callerAccount(ctx, r) },
  aws_region: { name: (ctx) => inexact(ctx, "*"), id: (ctx) => inexact(ctx, "*"), region: (ctx) => inexact(ctx, "*") },
  // The partition of the data source's provider region; any partition, inexact, when the region is not known: a Deny
  // or aws:PrincipalArn condition written with it must not be read as `arn:aws:` in GovCloud (red-team round 90).
  aws_partition: { partition: (ctx, r) => dataPartition(ctx, r), id: (ctx, r) => dataPartition(ctx, r), dns_suffix: () => "amazonaws.com" },
  aws_s3_bucket: {
    id: bucketName,
    arn: (ctx, r) => `arn:aws:s3:::${bucketName(ctx, r)}`,
    ...BUCKET_DOMAINS,
  },
};

/** The partition `aws_partition` reports: its provider region's, or `*` (inexact) when that region is not known. */
function dataPartition(ctx: Ctx, r: TfResource): string {
  const partition = regionPartition(resourceRegion(ctx.stack, r));
  return partition === "*" ? inexact(ctx, "*") : partition;
}

/**
 * The account `aws_caller_identity` reports: the one its provider is pinned to; else that of the stack's plain default
 * provider, as `*` like every account of the stack; else (an alias, a role or profile it cannot read) an account
 * blastwall does not know, which no Deny may count on (red-team round 51).
 */
function callerAccount(ctx: Ctx, r: TfResource): string {
  const pinned = resourceAccount(ctx.stack, r);
  if (pinned !== undefined) return pinned;
  return providerElsewhere(ctx.stack, providerKeyOf(r)) ? inexact(ctx, "*") : "*";
}

function attributeOf(ctx: Ctx, r: TfResource, attribute: string, path: readonly string[]): string | undefined {
  if (path.length === 0) {
    // Arguments are their own attributes (`name`, `bucket`, `policy`...), except computed ones nobody writes.
    const v = r.values[attribute];
    if (v !== undefined && v !== null && attribute !== "//") {
      const p = valueToPattern(ctx, v);
      if (p !== undefined) return p;
    }
    const table = r.mode === "data" ? COMPUTED_DATA[r.type] : COMPUTED[r.type];
    const fn = table?.[attribute];
    return fn ? fn(ctx, r) : undefined;
  }
  return valueToPattern(ctx, walk(r.values[attribute], path));
}

/**
 * The name and ARN patterns of an IAM principal resource (`aws_iam_role`, `aws_iam_user`, `aws_iam_group`,
 * also `aws_iam_policy`, `aws_iam_instance_profile`), per the rules of `resolveToPattern`. `nameExact` is
 * true when the name is known exactly (written, or from defaults and locals).
 */
export function principalPatterns(stack: TfStack, r: TfResource): { name: string; arn: string; nameExact: boolean; exact: boolean } {
  const table = COMPUTED[r.type];
  if (!table || !table["name"] || !table["arn"]) return { name: "*", arn: "*", nameExact: false, exact: false };
  const nctx: Ctx = { stack, unresolved: [], exact: true, active: undefined, depth: 0 };
  const name = collapseStars(table["name"](nctx, r) ?? "*");
  const actx: Ctx = { stack, unresolved: [], exact: true, active: undefined, depth: 0 };
  const arn = collapseStars(table["arn"](actx, r) ?? "*");
  return { name, arn, nameExact: nctx.exact, exact: nctx.exact && actx.exact };
}

/** The value of one attribute of `r` as a pattern (literal argument, or computed), like `${r.attribute}` would resolve. */
export function attributePattern(stack: TfStack, r: TfResource, attribute: string): ResolvedPattern {
  const ctx: Ctx = { stack, unresolved: [], exact: true, active: undefined, depth: 0 };
  const v = attributeOf(ctx, r, attribute, []);
  if (v === undefined) return { pattern: "*", unresolved: [`\${${r.address}.${attribute}}`], exact: false };
  return { pattern: collapseStars(v), unresolved: ctx.unresolved, exact: ctx.exact };
}

/**
 * The one resource of `types` an ARN written with a Terraform reference names: `${aws_x.y.arn}`, or literal text
 * ending in `/` followed by `${aws_x.y.id}` (`arn:...:userpool/${aws_cognito_user_pool.p.id}`). The id a provider
 * assigns is that resource's own, so such a value names it alone even where the ARN pattern of every resource of the
 * type is the same wildcard. An instance written with a literal key (`${aws_x.y[0].arn}`, `${aws_x.y["k"].arn}`) of a
 * resource whose `count` or `for_each` is left unexpanded names that resource, which stands for all its instances (the
 * engine models blocks, not instances): never narrower than the block. Anything else (another attribute, more text
 * after the reference, a key on a resource without count or for_each, a splat, a variable): undefined.
 */
export function referencedResource(stack: TfStack, written: string, types: readonly string[], depth = 0): TfResource | undefined {
  const parts = parseTemplate(written);
  const last = parts[parts.length - 1];
  if (!last || last.kind !== "interpolation" || last.directive) return undefined;
  if (parts.length > 2 || (parts.length === 2 && (parts[0].kind !== "literal" || !parts[0].text.endsWith("/")))) return undefined;
  const ref = parseReference(last.expr);
  if (!ref || (ref.kind !== "resource" && ref.kind !== "data") || ref.splat || ref.path.length > 0) return undefined;
  const res = stack.byAddress.get(ref.address);
  if (res && parts.length === 2 && ref.index === undefined && PARENT_IDS[res.type]?.includes(ref.attribute ?? "")) {
    // The parent's ID as the child holds it (`knowledge-base/${aws_bedrockagent_data_source.d.knowledge_base_id}`):
    // the child's argument as written, when it is a lone reference, names what it references.
    // A cycle of such arguments (which Terraform refuses) is cut after a few steps.
    const held = res.values[ref.attribute!];
    const lone = typeof held === "string" && depth < 4 && parseTemplate(held).length === 1 && parseTemplate(held)[0].kind === "interpolation";
    return lone ? referencedResource(stack, `${parts[0].kind === "literal" ? parts[0].text : ""}${held}`, types, depth + 1) : undefined;
  }
  if (!res || !types.includes(res.type)) return undefined;
  // `qualified_arn` (a Lambda function's) is the ARN of a version of the resource: the resource too.
  const own = ARN_ATTRIBUTES[res.type];
  const arnAttribute = ref.attribute === "arn" || ref.attribute === "qualified_arn" || (own !== undefined && ref.attribute === own.arn);
  if (parts.length === 1 ? !arnAttribute : ref.attribute !== "id" && (own?.id === undefined || ref.attribute !== own.id)) return undefined;
  // An instance key: the instance itself where the stack holds it (an expanded plan), else the counted block.
  if (ref.index !== undefined && res.address !== ref.address && res.values["count"] === undefined && res.values["for_each"] === undefined) return undefined;
  return res;
}
