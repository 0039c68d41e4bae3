import { bodyStrings, isObject, stringsIn } from "../engine/json";
import type { PrincipalNode } from "../engine/analysis-types";
import type { TfStack } from "../engine/terraform/types";
import { parseTemplate, parseReference } from "../engine/terraform/tokens";
import { MODULE_PATH } from "../engine/reach/credential-references";

/** Principals by lower-case name (IAM names do not tell case apart), for `principalsNamedIn`. */
export function principalNameIndex(principals: readonly PrincipalNode[]): Map<string, string> {
  const byName = new Map<string, string>();
  for (const p of principals) if (typeof p.resource.values.name === "string") byName.set(p.resource.values.name.toLowerCase(), p.address);
  return byName;
}

const PRINCIPAL_TYPES = new Set(["aws_iam_role", "aws_iam_user", "aws_iam_group"]);
/** A principal named anywhere inside an expression, function arguments included: `replace(aws_iam_role.a.arn, ...)`. */
// A principal of a module is named with the module's path (`module.m.aws_iam_role.r`, red-team round 86).
const PRINCIPAL_IN_EXPRESSION = new RegExp(String.raw`(?<![A-Za-z0-9_.-])(${MODULE_PATH}(?:data\.)?aws_iam_(?:role|user|group)\.[A-Za-z0-9_-]+)`, "g");

/**
 * IAM principals of the stack that a value refers to (a module's inputs, the arguments of a resource blastwall does
 * not model): whatever holds the value may attach policies to them. A reference anywhere in an expression counts,
 * and so does a data source that looks a principal up, or a literal that is a principal's name or ARN.
 */
export function principalsNamedIn(stack: TfStack, byName: ReadonlyMap<string, string>, inputs: unknown): string[] {
  const found = new Set<string>();
  const note = (address: string) => {
    const r = stack.byAddress.get(address);
    if (!r) return;
    if (r.mode === "managed" && PRINCIPAL_TYPES.has(r.type)) found.add(r.address);
    // A data source looking up a principal by name: the principal of that name in the stack.
    if (r.mode === "data" && PRINCIPAL_TYPES.has(r.type)) {
      const hit = byName.get(String(r.values.name ?? r.values.user_name ?? r.values.group_name ?? "").toLowerCase());
      if (hit) found.add(hit);
    }
  };
  // An object is a resource or module body, whose own `"//"` is cdktf's metadata (construct path, unique id): not a
  // value the resource is given. A `"//"` deeper down is an ordinary key (red-team round 105).
  for (const s of isObject(inputs) ? bodyStrings(inputs) : stringsIn(inputs)) {
    if (!s.includes("${")) {
      // A literal name or ARN of a principal of the stack.
      const name = s.includes(":") ? s.slice(s.lastIndexOf("/") + 1) : s;
      const hit = byName.get(name.toLowerCase());
      if (hit) found.add(hit);
      continue;
    }
    for (const part of parseTemplate(s)) {
      if (part.kind === "literal") continue;
      const ref = parseReference(part.expr);
      if (ref && (ref.kind === "resource" || ref.kind === "data")) note(ref.address);
      for (const m of part.expr.matchAll(PRINCIPAL_IN_EXPRESSION)) note(m[1]);
    }
  }
  return [...found];
}
