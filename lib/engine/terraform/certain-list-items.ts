/**
 * The items a Terraform JSON list argument written as one expression certainly holds, whatever `-var` sets (red-team
 * round 165, F6): `"${concat(["guard"], var.extra)}"` always lists "guard", and a variable can only add to it. An
 * exclusive list (`aws_iam_role_policies_exclusive.policy_names`) written so keeps the guard for certain.
 *
 * Read exactly or not at all: only `concat(...)` (and a bare tuple `[...]`), and of its arguments only tuples; of
 * their items only plain string literals and attribute references (`aws_iam_role_policy.guard.name`, returned as
 * `${...}` as Terraform JSON writes them). Anything else the expression holds may add items, never remove these.
 */
import { parseExpression, traversalText, type Expr } from "../../hcl/expr";
import { parseTemplate } from "./tokens";

export function certainListItems(value: unknown): string[] | undefined {
  if (typeof value !== "string") return undefined;
  const parts = parseTemplate(value);
  if (parts.length !== 1 || parts[0].kind !== "interpolation" || parts[0].directive) return undefined;
  let e: Expr;
  try {
    e = parseExpression(parts[0].expr);
  } catch {
    return undefined;
  }
  while (e.k === "paren") e = e.x;
  const lists = e.k === "tuple" ? [e] : e.k === "call" && e.name === "concat" && !e.expand ? e.args : [];
  const out: string[] = [];
  for (const list of lists) {
    if (list.k !== "tuple") continue;
    for (const item of list.items) {
      const text = itemText(item);
      if (text !== undefined) out.push(text);
    }
  }
  return out.length === 0 ? undefined : out;
}

function itemText(x: Expr): string | undefined {
  if (x.k === "lit") return typeof x.v === "string" ? escaped(x.v) : undefined;
  if (x.k === "tmpl") return x.parts.length === 1 && typeof x.parts[0] === "string" ? escaped(x.parts[0]) : x.parts.length === 0 ? "" : undefined;
  // A managed resource's attribute only (`aws_iam_role_policy.guard.name`): the reference stays that resource whatever
  // `-var` sets. Not `var.`, `local.`, `data.`, `module.`, `each.`, `count.`: their values may follow a variable.
  const t = traversalText(x);
  return t !== undefined && x.k === "trav" && typeof x.root === "string" && RESOURCE_TYPE.test(x.root) ? `\${${t}}` : undefined;
}

const RESOURCE_TYPE = /^[a-z][a-z0-9]*_[a-z0-9_]+$/;

/** A literal string as Terraform JSON writes it (a template): `${` and `%{` escaped. */
function escaped(s: string): string {
  return s.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}
