/**
 * Type constraints of variables (`type = object({ tags = optional(map(string), {...}) })`) and the conversion
 * Terraform applies to a variable's value before any expression sees it: primitives converted, optional object
 * attributes filled with their defaults, extra object attributes dropped, set elements made unique. Converted
 * collections carry their type (`withType`), which `==` and set iteration read.
 */
import { evalExpr, type Scope } from "./evaluate";
import { HclExprError, parseExpression, type Expr } from "./expr";
import { formatNumber, isKnown, isObj, isUnknown, deepEqual, withType, type ObjValue, type Value } from "./values";

export type Ty =
  | { readonly k: "any" }
  | { readonly k: "string" | "number" | "bool" }
  | { readonly k: "list" | "set" | "map"; readonly el: Ty }
  | { readonly k: "tuple"; readonly els: readonly Ty[] }
  | { readonly k: "object"; readonly attrs: ReadonlyMap<string, Attr> };

interface Attr {
  readonly ty: Ty;
  readonly optional: boolean;
  readonly def?: Expr;
}

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

export function typeName(t: Ty): string {
  switch (t.k) {
    case "any":
    case "string":
    case "number":
    case "bool":
      return t.k;
    case "list":
    case "set":
    case "map":
      return `${t.k}(${typeName(t.el)})`;
    case "tuple":
      return `tuple([${t.els.map(typeName).join(", ")}])`;
    case "object":
      return `object({${[...t.attrs].map(([k, a]) => `${k}=${typeName(a.ty)}`).join(", ")}})`;
  }
}

/** The value does not conform to the type: Terraform would reject it. */
export const MISMATCH = Symbol("mismatch");

/**
 * `v` converted to `t` as Terraform converts a variable's value. Unknown parts stay as they are (the conversion
 * of what cannot be seen cannot be told). `scope` evaluates `optional(..., DEFAULT)` defaults, which are constants.
 */
export function convert(v: Value, t: Ty, scope: Scope): Value | typeof MISMATCH {
  if (v === null || isUnknown(v)) return v;
  switch (t.k) {
    case "any":
      return v;
    case "string":
      if (typeof v === "string") return v;
      if (typeof v === "number") return formatNumber(v);
      if (typeof v === "boolean") return v ? "true" : "false";
      return MISMATCH;
    case "number":
      if (typeof v === "number") return v;
      if (typeof v === "string" && /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$/.test(v)) return Number(v);
      return MISMATCH;
    case "bool":
      if (typeof v === "boolean") return v;
      if (v === "true") return true;
      if (v === "false") return false;
      return MISMATCH;
    case "list":
    case "set": {
      if (!Array.isArray(v)) return MISMATCH;
      const out: Value[] = [];
      for (const x of v) {
        const c = convert(x, t.el, scope);
        if (c === MISMATCH) return MISMATCH;
        if (t.k === "set" && isKnown(c) && out.some((y) => isKnown(y) && deepEqual(y, c))) continue;
        out.push(c);
      }
      if (t.k === "set" && out.every((x) => typeof x === "string")) (out as string[]).sort();
      else if (t.k === "set" && out.every((x) => typeof x === "number")) (out as number[]).sort((x, y) => x - y);
      return withType(out, typeName(t));
    }
    case "tuple": {
      if (!Array.isArray(v) || v.length !== t.els.length) return MISMATCH;
      const out: Value[] = [];
      for (let i = 0; i < v.length; i++) {
        const c = convert(v[i], t.els[i], scope);
        if (c === MISMATCH) return MISMATCH;
        out.push(c);
      }
      return withType(out, typeName(t));
    }
    case "map": {
      if (!isObj(v)) return MISMATCH;
      const out: ObjValue = {};
      for (const k of Object.keys(v)) {
        const c = convert(v[k], t.el, scope);
        if (c === MISMATCH) return MISMATCH;
        out[k] = c;
      }
      return withType(out, typeName(t));
    }
    case "object": {
      if (!isObj(v)) return MISMATCH;
      const out: ObjValue = {};
      for (const [name, a] of t.attrs) {
        const has = Object.prototype.hasOwnProperty.call(v, name);
        const given = has ? v[name] : null;
        if (!has && !a.optional) return MISMATCH;
        if (given === null && a.optional && a.def !== undefined) {
          const d = convert(evalExpr(a.def, scope), a.ty, scope);
          if (d === MISMATCH) return MISMATCH;
          out[name] = d;
          continue;
        }
        const c = convert(given, a.ty, scope);
        if (c === MISMATCH) return MISMATCH;
        out[name] = c;
      }
      return withType(out, typeName(t));
    }
  }
}
