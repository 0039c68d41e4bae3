/**
 * Type constraints of variables (`type = object({ tags = optional(map(string), {...}) })`) and the conversion
 * Terraform applies to a variable's value before any expression sees it: primitives converted, optional object
 * attributes filled with their defaults, extra object attributes dropped, set elements made unique and ordered, the
 * elements of a collection of `any` unified to one type. Converted collections carry their exact type (`typed`),
 * which `==`, unification and set iteration read.
 */
import { evalExpr, type Scope } from "./evaluate";
import { HclExprError, parseExpression, type Expr } from "./expr";
import { UNKNOWN, collectionOf, hasAny, hasOpenParts, objectOf, tupleOf, type Attr, type Ty } from "./ty";
import { DOUBT, NIL, convertValue, setOrder, typed, unifyValues, valueType } from "./unify";
import { isObj, isUnknown, setKey, type ObjValue, type Value } from "./values";

export { typeName, type Ty } from "./ty";

/** Not a type blastwall understands; the variable's value is then unknown. */
export const BAD_TYPE = Symbol("bad type");

/**
 * The type constraint of a variable block: `${list(string)}` as hcl2json writes it, or `list(string)` as a
 * `.tf.json` file does. `any` when absent.
 */
export function parseType(raw: unknown): Ty | typeof BAD_TYPE {
  if (raw === undefined || raw === null) return { k: "any" };
  if (typeof raw !== "string") return BAD_TYPE;
  const m = /^\$\{([\s\S]*)\}$/.exec(raw.trim());
  let e: Expr;
  try {
    e = parseExpression(m ? m[1].trim() : raw.trim());
  } catch (err) {
    if (err instanceof HclExprError) return BAD_TYPE;
    throw err;
  }
  return typeOf(e) ?? BAD_TYPE;
}

function typeOf(e: Expr): Ty | undefined {
  if (e.k === "trav" && typeof e.root === "string" && e.ops.length === 0) {
    switch (e.root) {
      case "any":
      case "string":
      case "number":
      case "bool":
        return { k: e.root } as Ty;
      // Terraform's legacy bare `list` / `map` (and `set`) stand for a collection of `any`.
      case "list":
      case "set":
      case "map":
        return { k: e.root, el: { k: "any" } };
    }
    return undefined;
  }
  if (e.k !== "call" || e.expand) return undefined;
  const a = e.args[0];
  switch (e.name) {
    case "list":
    case "set":
    case "map": {
      if (e.args.length !== 1) return undefined;
      const el = typeOf(a);
      return el && { k: e.name, el };
    }
    case "tuple": {
      if (e.args.length !== 1 || a.k !== "tuple") return undefined;
      const els: Ty[] = [];
      for (const x of a.items) {
        const t = typeOf(x);
        if (!t) return undefined;
        els.push(t);
      }
      return { k: "tuple", els };
    }
    case "object": {
      if (e.args.length !== 1 || a.k !== "object") return undefined;
      const attrs = new Map<string, Attr>();
      for (const it of a.items) {
        const name = attrName(it.key);
        if (name === undefined) return undefined;
        const v = it.value;
        if (v.k === "call" && v.name === "optional") {
          if (v.expand || v.args.length < 1 || v.args.length > 2) return undefined;
          const ty = typeOf(v.args[0]);
          if (!ty) return undefined;
          attrs.set(name, { ty, optional: true, def: v.args[1] });
        } else {
          const ty = typeOf(v);
          if (!ty) return undefined;
          attrs.set(name, { ty, optional: false });
        }
      }
      return { k: "object", attrs };
    }
  }
  return undefined;
}

function attrName(e: Expr): string | undefined {
  if (e.k === "lit" && typeof e.v === "string") return e.v;
  if (e.k === "trav" && typeof e.root === "string" && e.ops.length === 0) return e.root;
  if (e.k === "tmpl" && e.parts.length === 1 && typeof e.parts[0] === "string") return e.parts[0];
  if (e.k === "tmpl" && e.parts.length === 0) return "";
  return undefined;
}

/** The value does not conform to the type: Terraform would reject it. */
export const MISMATCH = Symbol("mismatch");
/** A conversion blastwall does not model exactly (see `unify.ts`): the variable is then unknown. */
export { DOUBT };

type Converted = Value | typeof MISMATCH | typeof DOUBT;

/**
 * `v` converted to `t` as Terraform converts a variable's value. Unknown parts stay as they are (the conversion
 * of what cannot be seen cannot be told). `scope` evaluates `optional(..., DEFAULT)` defaults, which are constants.
 */
export function convert(v: Value, t: Ty, scope: Scope): Converted {
  if (v === null || isUnknown(v)) return v;
  switch (t.k) {
    case "any":
      return v;
    case "unknown":
      return DOUBT;
    case "string":
    case "number":
    case "bool": {
      const c = convertValue(v, t);
      return c === NIL ? MISMATCH : c;
    }
    case "list":
    case "set":
      return convertSequence(v, t.k, t.el, scope);
    case "map":
      return convertMap(v, t.el, scope);
    case "tuple":
      return convertTuple(v, t.els, scope);
    case "object":
      return convertObject(v, t.attrs, scope);
  }
}

/**
 * Elements converted one by one to a type with `any` in it may still differ (`list(any)` of `[1, "a"]`): Terraform
 * then unifies them, `["1", "a"]` (checked with Terraform 1.11: `map(any)` of `{ read_only = true, team = "ops" }`
 * is `tomap({ read_only = "true", team = "ops" })`, `map(list(any))` of `{ a = [1], b = ["x"] }` is
 * `map(list(string))`).
 */
function unifyElements(els: Value[], el: Ty): { ty: Ty; values: Value[] } | typeof MISMATCH | typeof DOUBT {
  if (!hasAny(el)) return { ty: el, values: els };
  if (els.length === 0) return { ty: el, values: els };
  const u = unifyValues(els);
  if (u === NIL) return MISMATCH;
  return u;
}

function convertSequence(v: Value, kind: "list" | "set", el: Ty, scope: Scope): Converted {
  if (!Array.isArray(v)) return MISMATCH;
  const out: Value[] = [];
  for (const x of v) {
    const c = convert(x, el, scope);
    if (c === MISMATCH || c === DOUBT) return c;
    out.push(c);
  }
  const u = unifyElements(out, el);
  if (u === MISMATCH || u === DOUBT) return u;
  if (kind === "list") return typed(u.values, collectionOf("list", u.ty));
  const ordered = setOrder(u.values, u.ty);
  return ordered === NIL || ordered === DOUBT ? DOUBT : typed(ordered, collectionOf("set", u.ty));
}

function convertMap(v: Value, el: Ty, scope: Scope): Converted {
  if (!isObj(v)) return MISMATCH;
  const keys = Object.keys(v);
  const out: Value[] = [];
  for (const k of keys) {
    const c = convert(v[k], el, scope);
    if (c === MISMATCH || c === DOUBT) return c;
    out.push(c);
  }
  const u = unifyElements(out, el);
  if (u === MISMATCH || u === DOUBT) return u;
  const map: ObjValue = {};
  keys.forEach((k, i) => setKey(map, k, u.values[i]));
  return typed(map, collectionOf("map", u.ty));
}

/**
 * The exact type of a converted tuple or object: the declared one where it says everything, else what the values
 * show (an `any` part has the type of its value, which may not be known: a null).
 */
function structureType(declared: Ty, value: Value): Ty {
  return hasOpenParts(declared) ? valueType(value) : declared;
}

function convertTuple(v: Value, els: readonly Ty[], scope: Scope): Converted {
  if (!Array.isArray(v) || v.length !== els.length) return MISMATCH;
  const out: Value[] = [];
  const tys: Ty[] = [];
  for (let i = 0; i < v.length; i++) {
    const c = convert(v[i], els[i], scope);
    if (c === MISMATCH || c === DOUBT) return c;
    out.push(c);
    tys.push(structureType(els[i], c));
  }
  return typed(out, tupleOf(tys));
}

function convertObject(v: Value, attrs: ReadonlyMap<string, Attr>, scope: Scope): Converted {
  if (!isObj(v)) return MISMATCH;
  const out: ObjValue = {};
  const tys = new Map<string, Ty>();
  for (const [name, a] of attrs) {
    const has = Object.prototype.hasOwnProperty.call(v, name);
    const given = has ? v[name] : null;
    if (!has && !a.optional) return MISMATCH;
    let c: Converted;
    if (given === null && a.optional && a.def !== undefined) c = convert(evalExpr(a.def, scope), a.ty, scope);
    else c = convert(given, a.ty, scope);
    if (c === MISMATCH || c === DOUBT) return c;
    setKey(out, name, c);
    // A null of a declared type has that type; of `any`, none blastwall knows.
    tys.set(name, c === null ? (hasOpenParts(a.ty) ? UNKNOWN : a.ty) : structureType(a.ty, c));
  }
  return typed(out, objectOf(tys));
}

