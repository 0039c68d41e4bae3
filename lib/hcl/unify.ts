/**
 * Terraform's type unification (go-cty's `convert.UnifyUnsafe`): where values meet that must share one type (the
 * two results of `a ? b : c`, the elements of `tolist` / `toset` / `tomap` and of a `list(any)` / `map(any)`
 * variable, the arguments of `coalesce`), Terraform finds a common type and converts every value to it:
 * `tomap({ a = true, b = "x" })` is `{ a = "true", b = "x" }`, and `true ? 1 : "x"` is `"1"`. Where there is no
 * common type Terraform raises an error (`true ? 1 : true`, `true ? ["a"] : "b"`).
 *
 * Values carry no type of their own here: a value's type is read from its content (a JS array is a tuple, an object
 * an object) or from the exact type recorded when a conversion made it a list, set or map (`typed`). What blastwall
 * cannot tell (an unknown value, a null that may carry a type, a case of cty it does not model) is never guessed:
 * the outcome is `DOUBT`, and the caller makes the result unknown.
 */
import {
  ANY,
  BOOL,
  NUMBER,
  STRING,
  UNKNOWN,
  collectionOf,
  hasOpenParts,
  isPrimitive,
  objectOf,
  sameType,
  tupleOf,
  typeName,
  type Ty,
} from "./ty";
import {
  ModRef,
  Tmpl,
  Unk,
  assignKeys,
  byteOrder,
  deepEqual,
  exactInteger,
  formatNumber,
  isKnown,
  isObj,
  isUnknown,
  setKey,
  typeTag,
  withType,
  type ObjValue,
  type Value,
} from "./values";

/** No common type, or a conversion that fails: Terraform raises an error (which `try` and `can` catch). */
export const NIL: unique symbol = Symbol("no common type");
/** A case blastwall does not model exactly: the result is unknown. */
export const DOUBT: unique symbol = Symbol("not modelled");
export type Outcome<T> = T | typeof NIL | typeof DOUBT;

// ---------------------------------------------------------------------------------------------------------
// Doubts: a known result where Terraform may instead raise an error

let doubts = 0;

/**
 * Records that a known value was given where Terraform may raise an error instead (`true ? "a" : X` is "a" unless X
 * turns out to be a list). Outside `try` that is harmless (an error stops the plan, nothing is created); `try` and
 * `can` read the count to tell whether their argument is sure to succeed.
 */
export function doubt(): void {
  doubts++;
}

export function doubtCount(): number {
  return doubts;
}

// ---------------------------------------------------------------------------------------------------------
// The type of a value

const exactTypes = new WeakMap<object, Ty>();

/** Records `v`'s exact type (a list, set or map made by a conversion) and tags it for `==`, `toHcl` and sets. */
export function typed<T extends object>(v: T, ty: Ty): T {
  exactTypes.set(v, ty);
  return withType(v, typeName(ty));
}

/**
 * The type Terraform gives `v`, as far as blastwall knows it: `unknown` for an unknown value, for a null (which
 * may carry a type: `tostring(null)`, a typed variable's null) and for a collection typed elsewhere without its
 * exact type.
 */
export function valueType(v: Value): Ty {
  if (v === null) return UNKNOWN;
  if (typeof v === "string" || v instanceof Tmpl) return STRING;
  if (typeof v === "number") return NUMBER;
  if (typeof v === "boolean") return BOOL;
  if (v instanceof Unk || v instanceof ModRef) return UNKNOWN;
  const exact = exactTypes.get(v);
  if (exact) return exact;
  if (typeTag(v) !== undefined) return UNKNOWN;
  if (Array.isArray(v)) return tupleOf(v.map(valueType));
  const attrs = new Map<string, Ty>();
  for (const k of Object.keys(v)) attrs.set(k, valueType(v[k]));
  return objectOf(attrs);
}

// ---------------------------------------------------------------------------------------------------------
// Unification of types (cty's `unify`, unsafe mode, as Terraform's conditional, conversions and functions use it)

/** The type `tys` unify to; `any` for none (an empty collection's element type). */
export function unifyTypes(tys: readonly Ty[]): Outcome<Ty> {
  const known = tys.filter((t) => t.k !== "unknown");
  if (known.length < tys.length) return withUnknowns(known);
  if (known.length === 0) return ANY;
  if (known.every((t) => sameType(t, known[0]))) return known[0];
  return unifyKnown(known);
}

/**
 * Some of the types are not known. Only a string result holds whatever they are: every primitive converts to a
 * string (and a collection would be an error, hence the doubt). Any other result may change with them
 * (`true ? 1 : X` is "1" when X is a string), so it is unknown.
 */
function withUnknowns(known: readonly Ty[]): Outcome<Ty> {
  if (known.length === 0) return UNKNOWN;
  const r = unifyTypes(known);
  if (r === NIL || r === DOUBT) return DOUBT; // a dynamic-typed unknown could still settle it on the dynamic type
  if (r.k === "string") {
    doubt();
    return STRING;
  }
  return UNKNOWN;
}

function unifyKnown(tys: readonly Ty[]): Outcome<Ty> {
  const n = tys.length;
  const count = (k: Ty["k"]) => tys.filter((t) => t.k === k).length;
  const dynamic = count("any");
  const primitives = tys.filter(isPrimitive);
  if (primitives.length + dynamic === n) return unifyPrimitives(primitives.map((t) => t.k), dynamic > 0);
  // A primitive and a collection or structure convert to neither; with a dynamic null beside them cty settles on
  // the dynamic type and converts nothing, which blastwall does not model.
  if (primitives.length > 0 || dynamic > 0) return dynamic > 0 ? DOUBT : NIL;
  const [maps, lists, sets, objects, tuples] = (["map", "list", "set", "object", "tuple"] as const).map(count);
  if (maps === n || lists === n || sets === n) return unifyCollections(tys);
  if (objects === n) return unifyObjects(tys);
  if (tuples === n) return unifyTuples(tys);
  // Objects are often maps in disguise, tuples lists (cty's unifyObjectsAsMaps / unifyTuplesAsList).
  if (maps + objects === n) return collectionOfAll("map", tys);
  if (lists + tuples === n) return collectionOfAll("list", tys);
  if (objects > 0 && tuples > 0) return NIL;
  if (sets + tuples === n) return setWithTuples(tys);
  return DOUBT;
}

/** Primitives: one kind stays; with a string every other primitive becomes a string; number and bool never meet. */
function unifyPrimitives(kinds: readonly Ty["k"][], dynamic: boolean): Outcome<Ty> {
  if (kinds.length === 0) return ANY;
  if (kinds.every((k) => k === kinds[0])) return { k: kinds[0] } as Ty;
  if (kinds.includes("string")) return STRING;
  return dynamic ? DOUBT : NIL;
}

/** All lists, all sets or all maps: one of the same kind, of the unified element type. */
function unifyCollections(tys: readonly Ty[]): Outcome<Ty> {
  const kind = tys[0].k as "list" | "set" | "map";
  const el = unifyTypes(tys.map((t) => (t as { el: Ty }).el));
  return el === NIL || el === DOUBT ? el : collectionOf(kind, el);
}

function attrsOf(t: Ty): ReadonlyMap<string, Ty> {
  const out = new Map<string, Ty>();
  if (t.k === "object") for (const [k, a] of t.attrs) out.set(k, a.ty);
  return out;
}

/** Objects with the same attribute names unify attribute by attribute; others become a map of every attribute. */
function unifyObjects(tys: readonly Ty[]): Outcome<Ty> {
  const first = attrsOf(tys[0]);
  const same = tys.every((t) => {
    const a = attrsOf(t);
    return a.size === first.size && [...a.keys()].every((k) => first.has(k));
  });
  if (!same) return collectionOfAll("map", tys);
  const out = new Map<string, Ty>();
  for (const name of first.keys()) {
    const u = unifyTypes(tys.map((t) => attrsOf(t).get(name)!));
    if (u === NIL || u === DOUBT) return u;
    out.set(name, u);
  }
  return objectOf(out);
}

/** Tuples of one length unify element by element; others become a list of every element. */
function unifyTuples(tys: readonly Ty[]): Outcome<Ty> {
  const els = tys.map((t) => (t.k === "tuple" ? t.els : []));
  if (!els.every((e) => e.length === els[0].length)) return collectionOfAll("list", tys);
  const out: Ty[] = [];
  for (let i = 0; i < els[0].length; i++) {
    const u = unifyTypes(els.map((e) => e[i]));
    if (u === NIL || u === DOUBT) return u;
    out.push(u);
  }
  return tupleOf(out);
}

/** A map (list) whose element type unifies every attribute (element) type of the objects (tuples) and maps (lists). */
function collectionOfAll(kind: "map" | "list", tys: readonly Ty[]): Outcome<Ty> {
  const parts: Ty[] = [];
  for (const t of tys) {
    if (t.k === "object") parts.push(...attrsOf(t).values());
    else if (t.k === "tuple") parts.push(...t.els);
    else if (t.k === kind) parts.push(t.el);
  }
  const el = unifyTypes(parts);
  return el === NIL || el === DOUBT ? el : collectionOf(kind, el);
}

/**
 * One set type and tuples: cty prefers the set (`true ? [1] : toset(["x"])` is `toset(["1"])`, checked with
 * Terraform 1.11), when every tuple element converts to its element type. The rest is not modelled.
 */
function setWithTuples(tys: readonly Ty[]): Outcome<Ty> {
  const sets = tys.filter((t) => t.k === "set");
  if (!sets.every((s) => sameType(s, sets[0]))) return DOUBT;
  const el = (sets[0] as { el: Ty }).el;
  const fits = tys.every((t) => t.k !== "tuple" || t.els.every((e) => primitiveConverts(e, el)));
  return fits ? sets[0] : DOUBT;
}

/** A primitive type converts to `to` for sure (a string to a number may fail on its content: not for sure). */
function primitiveConverts(from: Ty, to: Ty): boolean {
  if (to.k === "any") return true;
  if (!isPrimitive(from) || !isPrimitive(to)) return false;
  return from.k === to.k || to.k === "string";
}

// ---------------------------------------------------------------------------------------------------------
// Conversion of a value to a type unification chose

/** `v` converted to `ty` as cty converts it (unsafe mode). */
export function convertValue(v: Value, ty: Ty): Outcome<Value> {
  if (ty.k === "any" || v === null || isUnknown(v)) return v; // a null stays null, an unknown stays unknown
  if (ty.k === "unknown") return keptWhateverType(v);
  const vt = valueType(v);
  if (!hasOpenParts(vt) && sameType(vt, ty)) return v;
  switch (ty.k) {
    case "string":
    case "number":
    case "bool":
      return convertPrimitive(v, ty.k);
    case "list":
    case "set":
      return convertSequence(v, ty.k, ty.el);
    case "map":
      return convertMap(v, ty.el);
    case "tuple":
      return convertTuple(v, ty.els);
    case "object":
      return convertObject(v, ty);
  }
}

/**
 * `v` converted to a type blastwall does not know. An object whose every leaf is a string (a tag map) keeps its
 * content under any unification that succeeds: strings stay strings, an object may only become a map (and anything
 * else is an error, hence the doubt). Its type may change, so it is no longer known; a map's stays.
 */
function keptWhateverType(v: Value): Outcome<Value> {
  if (!isObj(v) || !stringLeaves(v)) return DOUBT;
  doubt();
  return valueType(v).k === "map" ? v : typed(assignKeys({}, v), UNKNOWN);
}

function stringLeaves(v: Value): boolean {
  if (v === null || typeof v === "string" || isUnknown(v)) return true;
  return isObj(v) && Object.keys(v).every((k) => stringLeaves(v[k]));
}

function convertPrimitive(v: Value, k: "string" | "number" | "bool"): Outcome<Value> {
  if (typeof v === (k === "bool" ? "boolean" : k)) return v;
  if (typeof v === "object") return NIL; // a collection or structure is no primitive
  if (k === "string") {
    if (typeof v === "boolean") return v ? "true" : "false";
    // JavaScript writes 1e21 as "1e+21", Terraform in full.
    return typeof v === "number" && Number.isFinite(v) && !/e/i.test(String(v)) ? formatNumber(v) : DOUBT;
  }
  if (typeof v !== "string") return NIL; // number and bool never convert into each other
  if (k === "bool") return v === "true" ? true : v === "false" ? false : DOUBT;
  const n = exactInteger(v);
  // "-0" is negative zero, which blastwall does not claim (Terraform prints it "-0").
  return n === undefined || Object.is(n, -0) ? DOUBT : n;
}

function convertSequence(v: Value, kind: "list" | "set", el: Ty): Outcome<Value> {
  if (!Array.isArray(v)) return NIL;
  const out: Value[] = [];
  for (const x of v) {
    const c = convertValue(x, el);
    if (c === NIL || c === DOUBT) return c;
    out.push(c);
  }
  if (kind === "list") return typed(out, collectionOf("list", el));
  const ordered = setOrder(out, el);
  return Array.isArray(ordered) ? typed(ordered, collectionOf("set", el)) : ordered;
}

function convertMap(v: Value, el: Ty): Outcome<Value> {
  if (!isObj(v)) return NIL;
  const out: ObjValue = {};
  for (const k of Object.keys(v)) {
    const c = convertValue(v[k], el);
    if (c === NIL || c === DOUBT) return c;
    setKey(out, k, c);
  }
  return typed(out, collectionOf("map", el));
}

function convertTuple(v: Value, els: readonly Ty[]): Outcome<Value> {
  // A tuple type is chosen only among tuples; a list's conversion to one is not modelled.
  if (!Array.isArray(v) || valueType(v).k !== "tuple") return DOUBT;
  if (v.length !== els.length) return NIL;
  const out: Value[] = [];
  for (let i = 0; i < v.length; i++) {
    const c = convertValue(v[i], els[i]);
    if (c === NIL || c === DOUBT) return c;
    out.push(c);
  }
  return out;
}

function convertObject(v: Value, ty: Ty & { k: "object" }): Outcome<Value> {
  if (!isObj(v) || valueType(v).k !== "object") return DOUBT;
  const names = Object.keys(v);
  if (names.length !== ty.attrs.size || !names.every((k) => ty.attrs.has(k))) return DOUBT;
  const out: ObjValue = {};
  for (const k of names) {
    const c = convertValue(v[k], ty.attrs.get(k)!.ty);
    if (c === NIL || c === DOUBT) return c;
    setKey(out, k, c);
  }
  return out;
}

/**
 * A set's elements, unique and in cty's order: strings by their UTF-8 bytes, numbers by value, false before true.
 * Other elements are ordered by a hash blastwall does not compute, and an unknown element's place is not known.
 */
export function setOrder(els: readonly Value[], el: Ty): Outcome<Value[]> {
  if (!els.every(isKnown)) return DOUBT;
  const out: Value[] = [];
  for (const x of els) if (!out.some((y) => deepEqual(x, y))) out.push(x);
  if (out.length <= 1) return out;
  if (out.some((x) => x === null)) return DOUBT;
  switch (el.k) {
    case "string":
      return (out as string[]).sort(byteOrder);
    case "number":
      return (out as number[]).sort((a, b) => a - b);
    case "bool":
      return (out as boolean[]).sort((a, b) => Number(a) - Number(b));
    default:
      return DOUBT;
  }
}

/**
 * The values converted to the type Terraform unifies them to. `hints` gives the type of a null where the expression
 * shows it (a literal `null` is of the dynamic type, a typed variable's null of its type).
 */
export function unifyValues(vals: readonly Value[], hints?: readonly (Ty | undefined)[]): Outcome<{ ty: Ty; values: Value[] }> {
  const ty = unifyTypes(vals.map((v, i) => (v === null ? hints?.[i] : undefined) ?? valueType(v)));
  if (ty === NIL || ty === DOUBT) return ty;
  const values: Value[] = [];
  for (const v of vals) {
    const c = convertValue(v, ty);
    if (c === NIL || c === DOUBT) return c;
    values.push(c);
  }
  return { ty, values };
}

// ---------------------------------------------------------------------------------------------------------
// ==

/**
 * Terraform's `==` over two known values: values of different types are never equal (`tolist([]) == []`,
 * `1 == "1"` and `tomap({ a = 1 }) == { a = 1 }` are false). Undefined where a type is not known exactly.
 */
export function typedEqual(a: Value, b: Value): boolean | undefined {
  if (a === null || b === null) return a === b;
  const ta = valueType(a);
  const tb = valueType(b);
  if (hasOpenParts(ta) || hasOpenParts(tb)) return undefined;
  if (!sameType(ta, tb)) return false;
  return deepEqual(a, b);
}
