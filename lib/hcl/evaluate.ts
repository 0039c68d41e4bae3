/**
 * Evaluates HCL values as far as they are literal: variables with a literal value, locals, `count.index`,
 * `each.key` / `each.value`, module outputs, string templates, operators, conditionals and `for`
 * expressions over known collections, and the pure functions in `functions.ts` (`jsonencode` first).
 * Everything else (a resource attribute, a data source, an unknown function) stays an `Unk` whose source has
 * every reference rewritten to the address it has in the loaded tree, so the engine can follow it.
 */
import { HclExprError, parseTemplate, type Expr, type ForExpr, type Op, type TmplPart } from "./expr";
import { callFunction, FAIL, NOPE } from "./functions";
import type { DirEntry } from "./fileset";
import type { EvalBudget } from "./budget";
import type { RegexBudget } from "./re2";
import { ANY, type Ty } from "./ty";
import { DOUBT, NIL, convertValue, doubt, doubtCount, typedEqual, unifyTypes, valueType } from "./unify";
import {
  AttrRef,
  ErrUnk,
  InexactNumber,
  InstanceRef,
  ModRef,
  knownLength,
  tooLarge,
  Tmpl,
  Unk,
  assignKeys,
  byteOrder,
  concat,
  errorCount,
  exactInteger,
  hasKey,
  isKnown,
  isObj,
  isSet,
  isUnknown,
  jsonEscaped,
  jsonNumber,
  nfc,
  setErrorCount,
  setKey,
  formatNumber,
  toHcl,
  toHclOperand,
  toTemplatePart,
  type ObjValue,
  type Value,
} from "./values";

export { ErrUnk };

/** What a module instance offers the expressions written in it. */
export interface Env {
  /** Address prefix of the module instance: `""` for the root, `module.a.`, `module.a["k"].module.b.`. */
  readonly prefix: string;
  /** `path.module`: the module directory relative to the root (`.` for the root). */
  readonly pathModule: string;
  /** Absolute root directory (`path.root`, `path.cwd`, relative paths of `file()`). */
  readonly rootDir: string;
  variable(name: string): Value;
  local(name: string): Value;
  /**
   * What `TYPE.NAME` / `data.TYPE.NAME` stands for; undefined when no such block exists in the module, null for one
   * that is not enabled (OpenTofu's `lifecycle { enabled = false }`).
   */
  resource(mode: "managed" | "data", type: string, name: string): Value | undefined;
  /** What `module.NAME` stands for; undefined when no such module block exists. */
  module(name: string): Value | undefined;
  /** Contents of a file (relative paths from the root directory), or undefined when unreadable. */
  /** A file's text; undefined when no file is there; null when something is there that Terraform would not read as text (a directory, bytes that are not UTF-8) or that blastwall cannot see. */
  readFile(path: string): string | undefined | null;
  /** Entries of a directory, read as `readFile` reads (for `fileset`); without it `fileset` is not known. */
  listDir?(path: string): readonly DirEntry[] | undefined | null;
  /** The regular-expression time left for the whole configuration (one budget for every module of it). */
  readonly regexBudget?: RegexBudget;
  /** The evaluation work left for the whole configuration (budget.ts); without it, nothing is counted. */
  readonly evalBudget?: EvalBudget;
  /**
   * The type a null value of variable `name` has (its declared type; the dynamic type when it has none and the
   * value is a literal), undefined when not known. Terraform converts by it: `true ? 1 : var.s` is "1" when
   * `var.s` is a null of type string.
   */
  nullType?(name: string): Ty | undefined;
}

export interface Scope {
  readonly env: Env;
  /** Iteration variables of `for` expressions, dynamic block iterators, `templatefile` variables. */
  readonly vars?: ReadonlyMap<string, Value>;
  /** `count.index` of the instance being evaluated. */
  readonly count?: Value;
  /** `each.key` / `each.value` of the instance being evaluated. */
  readonly each?: { readonly key: Value; readonly value: Value };
  /** `templatefile`: only `vars` exist. */
  readonly isolated?: boolean;
  /** Inside a `templatefile` template, where Terraform refuses another `templatefile` call. */
  readonly inTemplateFile?: boolean;
}

/** A value blastwall stopped evaluating: past a limit of the evaluation budget (budget.ts) or too large to write out. */
export { tooLarge };

export function withVars(scope: Scope, add: Record<string, Value>): Scope {
  const vars = new Map(scope.vars ?? []);
  for (const [k, v] of Object.entries(add)) vars.set(k, v);
  return { ...scope, vars };
}

// -----------------------------------------------------------------------------------------------------------
// Templates (every string of hcl2json output is one)

const templateCache = new Map<string, readonly TmplPart[] | HclExprError>();

/** Forgets parsed templates (called at the start of each load to bound memory). */
export function clearTemplateCache(): void {
  templateCache.clear();
}

function parsedTemplate(s: string): readonly TmplPart[] | HclExprError {
  let t = templateCache.get(s);
  if (t === undefined) {
    try {
      t = parseTemplate(s);
    } catch (e) {
      if (!(e instanceof HclExprError)) throw e;
      t = e;
    }
    templateCache.set(s, t);
  }
  return t;
}

/** An expression blastwall could not parse: kept whole, parenthesised so it never reads as a reference. */
function unparsed(s: string): Unk {
  return new Unk(`(${JSON.stringify(s)})`);
}

/** A Terraform JSON string value (template semantics). */
export function evalString(s: string, scope: Scope): Value {
  if (s.indexOf("{") < 0) return nfc(s);
  const t = parsedTemplate(s);
  if (t instanceof HclExprError) return unparsed(s);
  return evalTemplate(t, scope);
}

export function evalTemplate(parts: readonly TmplPart[], scope: Scope): Value {
  if (parts.length === 1 && typeof parts[0] !== "string" && parts[0].k === "interp") return evalExpr(parts[0].e, scope);
  const out: (string | Unk)[] = [];
  const budget = scope.env.evalBudget;
  if (!appendTemplate(parts, scope, out)) return budget?.spent ? tooLarge() : new Unk(templateSource(parts, scope));
  // Counted before the parts are joined: a template over a `for` directive, or over strings that double, can ask for
  // gigabytes in one step. Literal text alone is the source's own (and stays readable once the budget is spent).
  if (budget && parts.some((p) => typeof p !== "string") && !budget.chars(knownLength(out))) return tooLarge();
  // Terraform normalises the result (`"e${"\u0301"}"` is "é"); a partly known one is normalised part by part only.
  const r = concat(out);
  return typeof r === "string" ? nfc(r) : r;
}

/** Appends the evaluated parts; false when a directive cannot be decided (the template is then unknown). */
function appendTemplate(parts: readonly TmplPart[], scope: Scope, out: (string | Unk)[]): boolean {
  for (const p of parts) {
    if (typeof p === "string") {
      out.push(p);
    } else if (p.k === "interp") {
      const v = evalExpr(p.e, scope);
      const tp = toTemplatePart(v);
      out.push(...(tp ?? [new Unk(`tostring(${toHcl(v)})`)]));
    } else if (p.k === "if") {
      const c = truth(evalExpr(p.c, scope));
      if (c === undefined) return false;
      if (!appendTemplate(c ? p.then : p.else, scope, out)) return false;
    } else {
      const entries = entriesOf(evalExpr(p.coll, scope));
      if (!entries) return false;
      const budget = scope.env.evalBudget;
      for (const [k, v] of entries) {
        if (budget && !budget.values(1)) return false;
        const s2 = withVars(scope, p.keyVar ? { [p.keyVar]: k, [p.valVar]: v } : { [p.valVar]: v });
        if (!appendTemplate(p.body, s2, out)) return false;
      }
    }
  }
  return true;
}


/** The HCL source of a template that cannot be evaluated, references rewritten. */
function templateSource(parts: readonly TmplPart[], scope: Scope): string {
  const body = (ps: readonly TmplPart[], sc: Scope): string =>
    ps
      .map((p) => {
        if (typeof p === "string") return toHcl(p).slice(1, -1);
        if (p.k === "interp") return "${" + toHcl(evalExpr(p.e, sc)) + "}";
        if (p.k === "if") {
          const els = p.else.length > 0 ? `%{ else }${body(p.else, sc)}` : "";
          return `%{ if ${toHcl(evalExpr(p.c, sc))} }${body(p.then, sc)}${els}%{ endif }`;
        }
        const sc2 = withVars(sc, p.keyVar ? { [p.keyVar]: new Unk(p.keyVar), [p.valVar]: new Unk(p.valVar) } : { [p.valVar]: new Unk(p.valVar) });
        const vars = p.keyVar ? `${p.keyVar}, ${p.valVar}` : p.valVar;
        return `%{ for ${vars} in ${toHcl(evalExpr(p.coll, sc))} }${body(p.body, sc2)}%{ endfor }`;
      })
      .join("");
  return `"${body(parts, scope)}"`;
}

// -----------------------------------------------------------------------------------------------------------
// Values of hcl2json / Terraform JSON (objects, arrays, string templates)

/**
 * Evaluates a Terraform-JSON-shaped value: strings as templates, `dynamic` blocks expanded where possible.
 * `body`: `v` is a block body, where Terraform JSON ignores a `"//"` property as a comment. Inside a value (a
 * local's map, a `for_each` map) `"//"` is an ordinary key, and dropping it would drop what it holds.
 */
export function evalJson(v: unknown, scope: Scope, body = false): Value {
  if (typeof v === "string") return evalString(v, scope);
  if (v === null || v === undefined) return null;
  // A number hcl2json (or a JSON file) wrote: JSON rounds it to a double, which may not be the number Terraform reads.
  if (typeof v === "number" || v instanceof InexactNumber) return jsonNumber(v);
  if (typeof v === "boolean") return v;
  if (Array.isArray(v)) return v.map((x) => evalJson(x, scope));
  if (typeof v !== "object") return null;
  const o = v as Record<string, unknown>;
  const out: ObjValue = {};
  const unknownKeys: [Value, Value][] = [];
  const collided = new Map<string, Value[]>();
  const put = (k: string, value: Value) => {
    if (hasKey(out, k)) collided.set(k, [...(collided.get(k) ?? [out[k]]), value]);
    setKey(out, k, value);
  };
  for (const key of Object.keys(o)) {
    if (key === "//" && body) continue;
    if (key === "dynamic" && isDynamicSpec(o[key])) continue;
    const value = evalJson(o[key], scope);
    if (key.indexOf("{") < 0) {
      put(nfc(key), value);
      continue;
    }
    const k = evalString(key, scope);
    const ks = typeof k === "number" || typeof k === "boolean" ? String(k) : k;
    if (typeof ks === "string") put(ks, value);
    else unknownKeys.push([ks, value]);
  }
  // Two JSON keys that are one key once evaluated (`"k"` and `"${(local.k)}"`): Terraform keeps the value written
  // last in the .tf source (JSON syntax refuses the object), but hcl2json prints an object's keys sorted, so which
  // one that is cannot be told here (red-team round 105). Unknown, unless every value is the same.
  for (const [k, values] of collided) {
    if (values.every((x) => x === values[0] && (x === null || typeof x !== "object"))) continue;
    // Primitives with one string form (`false` and `"false"`, `1` and `"1"`, red-team round 106 B2) are one value
    // whichever is kept: Terraform converts between a string and a bool or number losslessly, so a map(string)
    // (tags) holds that string, and a bool or number argument converts either spelling to the same value. The
    // string is kept, as a map(string) holds it.
    const text = values.map((x) => (typeof x === "string" ? x : typeof x === "boolean" || typeof x === "number" ? String(x) : undefined));
    if (text[0] !== undefined && text.every((t) => t === text[0])) {
      setKey(out, k, text[0]);
      continue;
    }
    setKey(out, k, new Unk(`${DUPLICATE_KEY}(${values.map(toHcl).join(", ")})`));
  }
  if (hasKey(o, "dynamic") && isDynamicSpec(o["dynamic"])) {
    const dyn = o["dynamic"];
    expandDynamic(Array.isArray(dyn) ? dyn.reduce((all: Record<string, unknown>, d: Record<string, unknown>) => mergeLabels(all, d), {}) : (dyn as Record<string, unknown>), scope, out);
  }
  if (unknownKeys.length > 0) {
    const items = [
      ...Object.keys(out).map((k) => `${toHcl(k)} = ${toHcl(out[k])}`),
      ...unknownKeys.map(([k, x]) => `(${toHcl(k)}) = ${toHcl(x)}`),
    ];
    return new Unk(`{ ${items.join(", ")} }`);
  }
  return out;
}

/**
 * The function name (Terraform has none of that name) of the unknown value blastwall gives a key an object writes
 * twice in an order it cannot see: its arguments are the values written, in no particular order.
 */
export const DUPLICATE_KEY = "duplicate_key_order_unknown";

function asList(v: unknown): Record<string, unknown>[] {
  if (Array.isArray(v)) return v.filter((x): x is Record<string, unknown> => x !== null && typeof x === "object" && !Array.isArray(x));
  if (v !== null && typeof v === "object") return [v as Record<string, unknown>];
  return [];
}

/** `dynamic` as hcl2json and Terraform JSON write it: `{ LABEL: [{ for_each, iterator?, content }] }`. */
function isDynamicSpec(v: unknown): boolean {
  // Terraform JSON writes `dynamic` as an object of labels or a list of such objects (red-team round 91).
  if (Array.isArray(v)) return v.length > 0 && v.every(isDynamicSpec);
  if (v === null || typeof v !== "object") return false;
  const labels = Object.values(v as Record<string, unknown>);
  return labels.length > 0 && labels.every((specs) => {
    const list = asList(specs);
    return list.length > 0 && list.every((s) => "content" in s || "for_each" in s);
  });
}

/** The labels of two `dynamic` objects in one (a label in both: its blocks in order). */
function mergeLabels(all: Record<string, unknown>, d: Record<string, unknown>): Record<string, unknown> {
  const out = { ...all };
  for (const [label, specs] of Object.entries(d)) out[label] = label in out ? [...asList(out[label]), ...asList(specs)] : specs;
  return out;
}

function iteratorName(v: unknown, fallback: string): string {
  if (typeof v !== "string") return fallback;
  const m = /^\$\{\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\}$/.exec(v) ?? /^([A-Za-z_][A-Za-z0-9_-]*)$/.exec(v);
  return m ? m[1] : fallback;
}

/**
 * Expands `dynamic "LABEL"` blocks whose `for_each` is known into `LABEL` blocks (after the static ones); the
 * others stay under `dynamic` with their content evaluated symbolically, which the engine reads as unknown.
 */
function expandDynamic(dyn: Record<string, unknown>, scope: Scope, out: ObjValue): void {
  const kept: ObjValue = {};
  for (const label of Object.keys(dyn)) {
    if (label === "//") continue;
    for (const spec of asList(dyn[label])) {
      const iter = iteratorName(spec["iterator"], label);
      const content = asList(spec["content"]);
      const body = content.length === 1 ? content[0] : content.reduce((all, c) => assignKeys(all, c), {});
      const forEach = evalJson(spec["for_each"], scope);
      const entries = entriesOf(forEach);
      if (entries && scope.env.evalBudget && !scope.env.evalBudget.values(entries.length)) {
        setKey(out, label, tooLarge());
      } else if (entries) {
        const blocks = entries.map(([k, v]) => evalJson(body, withVars(scope, { [iter]: { key: k, value: v } }), true));
        const prev = hasKey(out, label) ? out[label] : undefined;
        setKey(out, label, [...(Array.isArray(prev) ? prev : prev === undefined ? [] : [prev]), ...blocks]);
      } else {
        const symbolic = evalJson(body, withVars(scope, { [iter]: new Unk(iter) }), true);
        const item: ObjValue = { for_each: forEach, content: [symbolic] };
        if (spec["iterator"] !== undefined) item["iterator"] = iter;
        const list = hasKey(kept, label) ? kept[label] : undefined;
        setKey(kept, label, [...(Array.isArray(list) ? list : []), item]);
      }
    }
  }
  if (Object.keys(kept).length > 0) out["dynamic"] = kept;
}

/**
 * Key/value pairs of a collection whose shape is known (list: index → element; set: element → element; object:
 * keys in Terraform's order, by their UTF-8 bytes).
 */
export function entriesOf(v: Value): [Value, Value][] | undefined {
  if (isSet(v)) return v.map((x) => [x, x]);
  if (Array.isArray(v)) return v.map((x, i) => [i, x]);
  if (isObj(v)) return Object.keys(v).sort(byteOrder).map((k) => [k, v[k]]);
  return undefined;
}

/** A condition's truth value, or undefined when not known. Terraform converts "true" / "false". */
export function truth(v: Value): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (v === "true") return true;
  if (v === "false") return false;
  return undefined;
}

// -----------------------------------------------------------------------------------------------------------
// Expressions

export function evalExpr(e: Expr, scope: Scope): Value {
  switch (e.k) {
    case "lit":
      // Terraform reads number literals as arbitrary-precision decimals; a double holds exactly only whole numbers up
      // to 2^53 (`0.30000000000000001 == 0.3` is false there, true here). Any other number is not claimed.
      if (e.inexact !== undefined) return new Unk(e.inexact, false);
      // Negative zero (`-0`) is not claimed: Terraform keeps it apart from 0 (it prints "-0").
      if (typeof e.v === "number" && (!Number.isSafeInteger(e.v) || Object.is(e.v, -0))) return new Unk(formatNumber(e.v), false);
      return typeof e.v === "string" ? nfc(e.v) : e.v;
    case "tmpl":
      return evalTemplate(e.parts, scope);
    case "tuple": {
      // Terraform evaluates every element: an error in one is the tuple's (`["a", {}.x][0]` fails).
      const items = e.items.map((x) => evalExpr(x, scope));
      return items.some((x) => x instanceof ErrUnk) ? new ErrUnk(`[${items.map(toHcl).join(", ")}]`) : items;
    }
    case "object":
      return evalObject(e.items, scope);
    case "paren":
      return evalExpr(e.x, scope);
    case "trav":
      return evalTraversal(e.root, e.ops, scope);
    case "call":
      return evalCall(e.name, e.args, e.expand, scope);
    case "unop": {
      const x = evalExpr(e.x, scope);
      return x instanceof ErrUnk ? x : evalUnary(e.op, x);
    }
    case "binop":
      return evalBinary(e.op, e.a, e.b, scope);
    case "cond":
      return evalCond(e, scope);
    case "for":
      return evalFor(e, scope);
  }
}

/**
 * `c ? t : f`. Terraform evaluates both results and converts the one taken to the type both unify to
 * (`true ? true : "x"` is "true"); where they have none it raises an error, whichever is taken (checked with
 * Terraform 1.11: "Inconsistent conditional result types" for `false ? ["a"] : "x"`). A result that fails itself has
 * no type and converts nothing (`true ? "a" : {a = 1}.b` is "a").
 */
function evalCond(e: Extract<Expr, { k: "cond" }>, scope: Scope): Value {
  const c = evalExpr(e.c, scope);
  const t = truth(c);
  const e0 = errorCount();
  const tv = evalExpr(e.t, scope);
  const e1 = errorCount();
  const fv = evalExpr(e.f, scope);
  const e2 = errorCount();
  // Terraform ignores the errors of the result not taken (and reports the taken one's).
  if (t !== undefined) setErrorCount(e0 + (t ? e1 - e0 : e2 - e1));
  const source = () => `${toHclOperand(c)} ? ${toHclOperand(tv)} : ${toHclOperand(fv)}`;
  if (c instanceof ErrUnk) return new ErrUnk(source(), false);
  if (t === undefined) return new Unk(source(), false);
  const [taken, other] = t ? [tv, fv] : [fv, tv];
  const [takenExpr, otherExpr] = t ? [e.t, e.f] : [e.f, e.t];
  if (taken instanceof ErrUnk || other instanceof ErrUnk) return taken;
  // A literal null (the dynamic type) takes the other result's type: nothing to convert (HCL's special case).
  const takenNull = taken === null ? nullType(takenExpr, scope) : undefined;
  const otherNull = other === null ? nullType(otherExpr, scope) : undefined;
  if (takenNull?.k === "any" || otherNull?.k === "any") return taken;
  const ty = unifyTypes([takenNull ?? valueType(taken), otherNull ?? valueType(other)]);
  if (ty === NIL) return new ErrUnk(source(), false);
  const r = ty === DOUBT ? DOUBT : convertValue(taken, ty);
  if (r === NIL) return new ErrUnk(source(), false);
  return r === DOUBT ? new Unk(source(), false) : r;
}

/** The type of a null `e` evaluates to, where the expression shows it: a literal `null`, a variable's. */
function nullType(e: Expr, scope: Scope): Ty | undefined {
  while (e.k === "paren") e = e.x;
  if (e.k === "lit") return e.v === null ? ANY : undefined;
  if (e.k !== "trav" || e.root !== "var" || e.ops.length !== 1 || e.ops[0].k !== "attr") return undefined;
  if (scope.isolated || scope.vars?.has("var")) return undefined;
  return scope.env.nullType?.(e.ops[0].name);
}

function evalObject(items: readonly { key: Expr; value: Expr }[], scope: Scope): Value {
  const out: ObjValue = {};
  const pairs: [Value, Value][] = [];
  let unknown = false;
  for (const it of items) {
    const k = it.key.k === "lit" ? it.key.v : evalExpr(it.key, scope);
    const v = evalExpr(it.value, scope);
    const ks = typeof k === "number" || typeof k === "boolean" ? String(k) : k;
    pairs.push([ks, v]);
    if (typeof ks === "string") setKey(out, ks, v);
    else unknown = true;
  }
  const failed = pairs.some(([k, v]) => k instanceof ErrUnk || v instanceof ErrUnk);
  if (!unknown && !failed) return out;
  const rendered = pairs.map(([k, v]) => (typeof k === "string" ? `${toHcl(k)} = ${toHcl(v)}` : `(${toHcl(k)}) = ${toHcl(v)}`));
  // Terraform evaluates every key and value: an error in one is the object's (`{ a = "x", b = {}.x }.a` fails).
  return failed ? new ErrUnk(`{ ${rendered.join(", ")} }`) : new Unk(`{ ${rendered.join(", ")} }`);
}

function renderOps(ops: readonly Op[], from: number, scope: Scope): string {
  let s = "";
  for (let j = from; j < ops.length; j++) {
    const op = ops[j];
    if (op.k === "attr") s += `.${op.name}`;
    else if (op.k === "splat") s += op.full ? "[*]" : ".*";
    else s += `[${toHcl(evalExpr(op.key, scope))}]`;
  }
  return s;
}

function attrAt(ops: readonly Op[], j: number): string | undefined {
  const op = ops[j];
  return op !== undefined && op.k === "attr" ? op.name : undefined;
}

function evalTraversal(root: string | Expr, ops: readonly Op[], scope: Scope): Value {
  if (typeof root !== "string") return applyOps(evalExpr(root, scope), ops, 0, scope);
  const vars = scope.vars;
  if (vars !== undefined && vars.has(root)) return applyOps(vars.get(root)!, ops, 0, scope);
  if (scope.isolated) return new Unk(root + renderOps(ops, 0, scope));
  const env = scope.env;
  const whole = () => new Unk(env.prefix + root + renderOps(ops, 0, scope));
  const a0 = attrAt(ops, 0);
  switch (root) {
    case "var":
      return a0 === undefined ? whole() : applyOps(env.variable(a0), ops, 1, scope);
    case "local":
      return a0 === undefined ? whole() : applyOps(env.local(a0), ops, 1, scope);
    case "count":
      if (a0 === "index" && scope.count !== undefined) return applyOps(scope.count, ops, 1, scope);
      return new Unk("count" + renderOps(ops, 0, scope));
    case "each":
      if (a0 === "key" && scope.each !== undefined) return applyOps(scope.each.key, ops, 1, scope);
      if (a0 === "value" && scope.each !== undefined) return applyOps(scope.each.value, ops, 1, scope);
      return new Unk("each" + renderOps(ops, 0, scope));
    case "path":
      if (a0 === "module") return applyOps(env.pathModule, ops, 1, scope);
      if (a0 === "root") return applyOps(".", ops, 1, scope);
      if (a0 === "cwd") return applyOps(env.rootDir, ops, 1, scope);
      return new Unk("path" + renderOps(ops, 0, scope));
    case "terraform":
    case "self":
      return new Unk(root + renderOps(ops, 0, scope));
    case "module": {
      if (a0 === undefined) return whole();
      const m = env.module(a0);
      if (m === undefined) return whole();
      return applyOps(m, ops, 1, scope);
    }
    case "data": {
      const type = a0;
      const name = attrAt(ops, 1);
      if (type === undefined || name === undefined) return whole();
      const found = env.resource("data", type, name);
      if (found === null) return notEnabled(`${env.prefix}data.${type}.${name}`, ops, 2, scope);
      return applyOps(found ?? new Unk(`${env.prefix}data.${type}.${name}`), ops, 2, scope);
    }
    default: {
      if (a0 === undefined) return new Unk(root + renderOps(ops, 0, scope));
      const found = env.resource("managed", root, a0);
      if (found === null) return notEnabled(`${env.prefix}${root}.${a0}`, ops, 1, scope);
      return applyOps(found ?? new Unk(`${env.prefix}${root}.${a0}`), ops, 1, scope);
    }
  }
}

/**
 * A reference to a resource that is not enabled (OpenTofu's `lifecycle { enabled = false }`): null. Reading an
 * attribute or an index of null is an error (`try` and `can` catch it); the error keeps the reference as written, so
 * a finding names the resource rather than `null.arn`. A splat of null is an empty list, as in Terraform.
 */
function notEnabled(src: string, ops: readonly Op[], from: number, scope: Scope): Value {
  const next = ops[from];
  if (next === undefined || next.k === "splat") return applyOps(null, ops, from, scope);
  return new ErrUnk(src + renderOps(ops, from, scope));
}

function failed(base: Value, suffix: string): Unk {
  return new ErrUnk(`${toHclOperand(base)}${suffix}`);
}

export function applyOps(base: Value, ops: readonly Op[], from: number, scope: Scope): Value {
  let v = base;
  for (let j = from; j < ops.length; j++) {
    const op = ops[j];
    if (op.k === "splat") {
      let end = j + 1;
      if (op.full) end = ops.length;
      else while (end < ops.length && ops[end].k === "attr") end++;
      const sub = ops.slice(j + 1, end);
      v = splat(v, sub, scope, op.full);
      j = end - 1;
      continue;
    }
    v = applyOne(v, op, scope);
  }
  return v;
}

function splat(v: Value, sub: readonly Op[], scope: Scope, full: boolean): Value {
  if (v === null) return [];
  if (Array.isArray(v) && scope.env.evalBudget && !scope.env.evalBudget.values(v.length)) return tooLarge();
  if (Array.isArray(v)) return v.map((x) => applyOps(x, sub, 0, scope));
  if (v instanceof Unk && v.rep) return [applyOps(new Unk(v.src), sub, 0, scope)];
  if (v instanceof ModRef && v.rep) return [applyOps(new ModRef(v.address, v.output), sub, 0, scope)];
  if (v instanceof Unk || v instanceof ModRef || v instanceof Tmpl) {
    const src = v instanceof ModRef ? v.address : toHclOperand(v);
    return new Unk(`${src}${full ? "[*]" : ".*"}${renderOps(sub, 0, scope)}`);
  }
  return [applyOps(v, sub, 0, scope)];
}

function applyOne(v: Value, op: Exclude<Op, { k: "splat" }>, scope: Scope): Value {
  const key: Value = op.k === "attr" ? op.name : evalExpr(op.key, scope);
  const suffix = op.k === "attr" ? `.${op.name}` : `[${toHcl(key)}]`;
  if (v instanceof ErrUnk) return v;
  if (key instanceof ErrUnk) return new ErrUnk(`${toHclOperand(v)}${suffix}`);
  if (v instanceof ModRef) {
    if (op.k === "attr") return v.output(op.name);
    if (v.rep) return new ModRef(v.address, v.output);
    return new Unk(v.address + suffix);
  }
  if (v instanceof Unk) {
    if (op.k === "index" && v.rep) return new Unk(v.src);
    if (op.k === "attr" && v instanceof InstanceRef) return new AttrRef(`${toHclOperand(v)}${suffix}`, v.type, op.name);
    return new Unk(`${toHclOperand(v)}${suffix}`);
  }
  if (v instanceof Tmpl) return new Unk(`${toHcl(v)}${suffix}`);
  if (isSet(v)) return failed(v, suffix); // a set has no index
  if (Array.isArray(v)) {
    // A string index converts to a number as Terraform converts it (`"1.0"`, `"+1"`, `"1e0"` and `"-0"` are 1, 1, 1, 0);
    // a number text blastwall does not read exactly is not claimed either way.
    const n = typeof key === "number" ? key : typeof key === "string" ? exactInteger(key.replace(/^\+(?=[0-9.])/, "")) : undefined;
    if (op.k === "index" && n === undefined && typeof key === "string" && /^[+-]?[0-9.]/.test(key)) return new Unk(`${toHcl(v)}${suffix}`);
    if (op.k === "index" && n !== undefined) return n >= 0 && n < v.length && Number.isInteger(n) ? v[Math.abs(n)] : failed(v, suffix);
    if (op.k === "index" && !isKnown(key)) return new Unk(`${toHcl(v)}${suffix}`);
    return failed(v, suffix);
  }
  if (isObj(v)) {
    const k = typeof key === "number" || typeof key === "boolean" ? String(key) : key;
    if (typeof k === "string") return Object.prototype.hasOwnProperty.call(v, k) ? v[k] : failed(v, suffix);
    return new Unk(`${toHcl(v)}${suffix}`);
  }
  return failed(v, suffix);
}

/**
 * An argument of `try` / `can`, evaluated: whether Terraform raises an error for it is known (`fails`), or not
 * (`unsure`: an unknown value, or a known one where Terraform may raise an error blastwall does not model).
 */
function attempt(e: Expr, scope: Scope): { v: Value; outcome: "ok" | "fails" | "unsure" } {
  const before = doubtCount();
  const errs = errorCount();
  const v = evalExpr(e, scope);
  if (v instanceof ErrUnk) return { v, outcome: "fails" };
  // An error made inside that did not reach the result: Terraform fails there too where it evaluates that part
  // (every operand, element and argument), but where blastwall drops it is not checked case by case: not known.
  if (errorCount() !== errs) return { v, outcome: "unsure" };
  return { v, outcome: certain(v) && doubtCount() === before ? "ok" : "unsure" };
}

/**
 * True when evaluating `v` cannot fail: every part known, or an attribute of an instance that exists (unknown
 * until apply, which is no error: Terraform's `try` waits for it and then returns it). A template around such an
 * attribute may still fail (a null interpolated), and an attribute of an instance that may not exist may too.
 */
function certain(v: Value, seen = new Set<object>()): boolean {
  if (v === null || typeof v !== "object") return true;
  if (v instanceof AttrRef) return true;
  if (isUnknown(v)) return false;
  if (seen.has(v)) return true;
  seen.add(v);
  if (Array.isArray(v)) return v.every((x) => certain(x, seen));
  return Object.keys(v).every((k) => certain(v[k], seen));
}

/** `try`: the first argument that evaluates without error; one that may or may not fail stops there. */
function evalTry(argExprs: readonly Expr[], scope: Scope): Value {
  const errs = errorCount();
  try {
    return tryArgs(argExprs, scope);
  } finally {
    // Errors inside are the try's to catch; one it cannot tell about is a doubt (see below).
    setErrorCount(errs);
  }
}

function tryArgs(argExprs: readonly Expr[], scope: Scope): Value {
  const vals: Value[] = [];
  let i = 0;
  for (; i < argExprs.length; i++) {
    const a = attempt(argExprs[i], scope);
    vals.push(a.v);
    if (a.outcome === "ok") return a.v;
    if (a.outcome === "unsure") break;
  }
  for (i++; i < argExprs.length; i++) vals.push(evalExpr(argExprs[i], scope));
  doubt(); // an enclosing `try` cannot tell either
  return new Unk(`try(${vals.map(toHcl).join(", ")})`);
}

/** `can`: false where the argument fails, true where it surely succeeds. */
function evalCan(argExprs: readonly Expr[], scope: Scope): Value {
  const errs = errorCount();
  try {
    return canArg(argExprs, scope);
  } finally {
    setErrorCount(errs); // `can` never fails itself
  }
}

function canArg(argExprs: readonly Expr[], scope: Scope): Value {
  if (argExprs.length !== 1) return new Unk(`can(${argExprs.map((a) => toHcl(evalExpr(a, scope))).join(", ")})`);
  const a = attempt(argExprs[0], scope);
  if (a.outcome === "fails") return false;
  if (a.outcome === "ok") return true;
  return new Unk(`can(${toHcl(a.v)})`);
}

function evalCall(name: string, argExprs: readonly Expr[], expand: boolean, scope: Scope): Value {
  if (name === "try") return evalTry(argExprs, scope);
  if (name === "can") return evalCan(argExprs, scope);
  let args = argExprs.map((a) => evalExpr(a, scope));
  // Terraform evaluates every argument before calling: an error in one is the call's (`element([x, {}.y], 0)`).
  if (args.some((a) => a instanceof ErrUnk)) return new ErrUnk(`${name}(${args.map(toHcl).join(", ")}${expand ? "..." : ""})`);
  const nullTypes = expand ? undefined : argExprs.map((a, i) => (args[i] === null ? nullType(a, scope) : undefined));
  const render = () => new Unk(`${name}(${args.map(toHcl).join(", ")}${expand ? "..." : ""})`);
  if (expand) {
    const last = args[args.length - 1];
    if (!Array.isArray(last)) return render();
    args = [...args.slice(0, -1), ...last];
    expand = false;
  }
  const r = callFunction(name, args, {
    nullTypes,
    readFile: (p) => scope.env.readFile(p),
    listDir: scope.env.listDir ? (p) => scope.env.listDir!(p) : undefined,
    rootDir: scope.env.rootDir,
    regexBudget: scope.env.regexBudget,
    evalBudget: scope.env.evalBudget,
    templateFile: (text, vars) => {
      // Terraform: "cannot recursively call templatefile from inside templatefile call". Read on, a template that
      // includes itself would recurse until the stack ran out, and two that include each other twice grow as 2^depth.
      if (scope.inTemplateFile) return FAIL;
      let parts: TmplPart[];
      try {
        parts = parseTemplate(text);
      } catch (e) {
        if (e instanceof HclExprError) return NOPE;
        throw e;
      }
      // Terraform refuses a template that refers to a name its vars do not set, before rendering it, and names it.
      const missing = [...templateNames(parts)].filter((n) => !Object.prototype.hasOwnProperty.call(vars, n));
      if (missing.length > 0) return new ErrUnk(`${MISSING_TEMPLATE_VARS} ${missing.map((n) => JSON.stringify(n)).join(", ")}`);
      return evalTemplate(parts, { env: scope.env, vars: new Map(Object.entries(vars)), isolated: true, inTemplateFile: true });
    },
  });
  if (r === FAIL) return new ErrUnk(render().src);
  // jsonencode's text is escaped JSON whatever the value it cannot know (values.ts `jsonEscaped`).
  if (r === NOPE) return name === "jsonencode" ? jsonEscaped(render()) : render();
  return r;
}

/** How an ErrUnk from `templatefile` begins when its vars lack names its template uses (Terraform's words). */
export const MISSING_TEMPLATE_VARS = "vars map does not contain key";

/**
 * The names a template refers to that its own `for` directives and expressions do not bind (what Terraform's
 * templatefile requires its vars to set).
 */
function templateNames(node: unknown, bound: ReadonlySet<string> = new Set(), out = new Set<string>()): Set<string> {
  if (node === null || typeof node !== "object") return out;
  if (Array.isArray(node)) {
    for (const x of node) templateNames(x, bound, out);
    return out;
  }
  const n = node as Record<string, unknown>;
  if (n["k"] === "trav" && typeof n["root"] === "string") {
    if (!bound.has(n["root"])) out.add(n["root"]);
    return templateNames(n["ops"], bound, out);
  }
  if (n["k"] === "for" && typeof n["valVar"] === "string") {
    templateNames(n["coll"], bound, out);
    const inner = new Set([...bound, n["valVar"], ...(typeof n["keyVar"] === "string" ? [n["keyVar"]] : [])]);
    for (const [key, v] of Object.entries(n)) if (key !== "coll") templateNames(v, inner, out);
    return out;
  }
  for (const v of Object.values(n)) templateNames(v, bound, out);
  return out;
}

/** A number operand; a string converts as Terraform converts it, claimed only when exact (see `exactInteger`). */
function num(v: Value): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string") return exactInteger(v);
  return undefined;
}

function evalUnary(op: "-" | "!", x: Value): Value {
  if (op === "-") {
    const n = num(x);
    // `-0` is negative zero in Terraform, which blastwall does not claim.
    if (n !== undefined && n !== 0) return -n;
  } else {
    const b = truth(x);
    if (b !== undefined) return !b;
  }
  return new Unk(`${op}${toHclOperand(x)}`, false);
}

function evalBinary(op: string, ae: Expr, be: Expr, scope: Scope): Value {
  // HCL evaluates both operands (no short circuit): `true || {}.x` is an error, which `try` catches.
  const a = evalExpr(ae, scope);
  const b = evalExpr(be, scope);
  const unknown = () => new Unk(`${toHclOperand(a)} ${op} ${toHclOperand(b)}`, false);
  if (a instanceof ErrUnk || b instanceof ErrUnk) return new ErrUnk(`${toHclOperand(a)} ${op} ${toHclOperand(b)}`, false);
  switch (op) {
    case "&&":
    case "||": {
      const ta = truth(a);
      const tb = truth(b);
      if (op === "&&" && (ta === false || tb === false)) return false;
      if (op === "||" && (ta === true || tb === true)) return true;
      if (ta === undefined || tb === undefined) return unknown();
      return op === "&&" ? ta && tb : ta || tb;
    }
    case "==":
    case "!=": {
      if (!isKnown(a) || !isKnown(b)) return unknown();
      const eq = typedEqual(a, b);
      if (eq === undefined) return unknown();
      return op === "==" ? eq : !eq;
    }
    default: {
      const x = num(a);
      const y = num(b);
      if (x === undefined || y === undefined) return unknown();
      // Terraform computes with arbitrary-precision decimals, JavaScript with doubles: `0.1 + 0.2` is 0.3 in one and
      // 0.30000000000000004 in the other. Only whole results within a double's exact range are known.
      // Negative zero (`0 * -1`) is not claimed: Terraform prints it "-0".
      const exact = (r: number) => (Number.isSafeInteger(x) && Number.isSafeInteger(y) && Number.isSafeInteger(r) && !Object.is(r, -0) ? r : unknown());
      switch (op) {
        case "+":
          return exact(x + y);
        case "-":
          return exact(x - y);
        case "*":
          return exact(x * y);
        case "/":
          return y === 0 ? unknown() : exact(x / y);
        case "%":
          return y === 0 ? unknown() : exact(x % y);
        case "<":
          return x < y;
        case "<=":
          return x <= y;
        case ">":
          return x > y;
        case ">=":
          return x >= y;
        default:
          return unknown();
      }
    }
  }
}

function evalFor(e: ForExpr, scope: Scope): Value {
  const coll = evalExpr(e.coll, scope);
  const entries = entriesOf(coll);
  const bind = (k: Value, v: Value) => withVars(scope, e.keyVar ? { [e.keyVar]: k, [e.valVar]: v } : { [e.valVar]: v });
  const unknown = (): Value => {
    const sc = bind(new Unk(e.keyVar ?? "_"), new Unk(e.valVar));
    const vars = e.keyVar ? `${e.keyVar}, ${e.valVar}` : e.valVar;
    const cond = e.cond ? ` if ${toHcl(evalExpr(e.cond, sc))}` : "";
    if (e.isObject) {
      return new Unk(`{ for ${vars} in ${toHcl(coll)} : ${toHcl(evalExpr(e.keyExpr!, sc))} => ${toHcl(evalExpr(e.valExpr, sc))}${e.group ? "..." : ""}${cond} }`);
    }
    return new Unk(`[for ${vars} in ${toHcl(coll)} : ${toHcl(evalExpr(e.valExpr, sc))}${cond}]`);
  };
  if (!entries) return unknown();
  const list: Value[] = [];
  const obj: ObjValue = {};
  const groups = new Map<string, Value[]>();
  const budget = scope.env.evalBudget;
  let made = 0;
  for (const [k, v] of entries) {
    // Each iteration counts, kept or filtered out: nested `for` expressions multiply (red-team round 176, F1).
    if (budget && !budget.values(1, ++made)) return tooLarge();
    const sc = bind(k, v);
    if (e.cond) {
      const c = truth(evalExpr(e.cond, sc));
      if (c === undefined) return unknown();
      if (!c) continue;
    }
    if (!e.isObject) {
      list.push(evalExpr(e.valExpr, sc));
      continue;
    }
    const kv = evalExpr(e.keyExpr!, sc);
    const ks = typeof kv === "number" || typeof kv === "boolean" ? String(kv) : kv;
    if (typeof ks !== "string") return unknown();
    const val = evalExpr(e.valExpr, sc);
    if (e.group) {
      const g = groups.get(ks);
      if (g) g.push(val);
      else groups.set(ks, [val]);
    } else {
      if (hasKey(obj, ks)) return unknown();
      setKey(obj, ks, val);
    }
  }
  if (!e.isObject) return list;
  if (e.group) for (const [k, g] of groups) setKey(obj, k, g);
  return obj;
}
