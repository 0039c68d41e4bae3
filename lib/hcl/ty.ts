/**
 * Terraform types, as written in a variable's type constraint (`list(string)`, `object({ a = optional(number) })`)
 * and as the type of a value (`tuple([string, number])`). `any` is Terraform's dynamic pseudo-type: in a
 * constraint "whatever the value is", as a value's type the type of a literal `null`. `unknown` is blastwall's own:
 * a value whose type it cannot tell (an unknown value, a null that may carry a type), which is never claimed.
 */
import type { Expr } from "./expr";
import { byteOrder } from "./values";

export type Ty =
  | { readonly k: "any" }
  | { readonly k: "unknown" }
  | { readonly k: "string" | "number" | "bool" }
  | { readonly k: "list" | "set" | "map"; readonly el: Ty }
  | { readonly k: "tuple"; readonly els: readonly Ty[] }
  | { readonly k: "object"; readonly attrs: ReadonlyMap<string, Attr> };

export interface Attr {
  readonly ty: Ty;
  readonly optional: boolean;
  readonly def?: Expr;
}

export type Primitive = { readonly k: "string" | "number" | "bool" };

export const ANY: Ty = { k: "any" };
export const UNKNOWN: Ty = { k: "unknown" };
export const STRING: Ty = { k: "string" };
export const NUMBER: Ty = { k: "number" };
export const BOOL: Ty = { k: "bool" };

export function collectionOf(k: "list" | "set" | "map", el: Ty): Ty {
  return { k, el };
}

export function tupleOf(els: readonly Ty[]): Ty {
  return { k: "tuple", els };
}

export function objectOf(attrs: ReadonlyMap<string, Ty>): Ty {
  const out = new Map<string, Attr>();
  for (const [k, ty] of attrs) out.set(k, { ty, optional: false });
  return { k: "object", attrs: out };
}

export function isPrimitive(t: Ty): t is Primitive {
  return t.k === "string" || t.k === "number" || t.k === "bool";
}

/** True when a type whose kind `hit` accepts occurs anywhere in `t`. */
function occurs(t: Ty, hit: (k: Ty["k"]) => boolean): boolean {
  if (hit(t.k)) return true;
  switch (t.k) {
    case "list":
    case "set":
    case "map":
      return occurs(t.el, hit);
    case "tuple":
      return t.els.some((e) => occurs(e, hit));
    case "object":
      return [...t.attrs.values()].some((a) => occurs(a.ty, hit));
    default:
      return false;
  }
}

/** True when `any` or `unknown` occurs in `t`. */
export function hasOpenParts(t: Ty): boolean {
  return occurs(t, (k) => k === "any" || k === "unknown");
}

/** True when `any` occurs in `t` (a constraint whose element types Terraform unifies). */
export function hasAny(t: Ty): boolean {
  return occurs(t, (k) => k === "any");
}

/** Attribute name as written in a type name: bare when an identifier, else quoted. */
function attrKey(k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : JSON.stringify(k);
}

/** The type as Terraform writes it; two types are the same exactly when their names are (attributes sorted). */
export function typeName(t: Ty): string {
  switch (t.k) {
    case "any":
    case "string":
    case "number":
    case "bool":
      return t.k;
    case "unknown":
      return "?";
    case "list":
    case "set":
    case "map":
      return `${t.k}(${typeName(t.el)})`;
    case "tuple":
      return `tuple([${t.els.map(typeName).join(", ")}])`;
    case "object": {
      const names = [...t.attrs.keys()].sort(byteOrder);
      return `object({${names.map((k) => `${attrKey(k)}=${typeName(t.attrs.get(k)!.ty)}`).join(", ")}})`;
    }
  }
}

export function sameType(a: Ty, b: Ty): boolean {
  return a === b || typeName(a) === typeName(b);
}
