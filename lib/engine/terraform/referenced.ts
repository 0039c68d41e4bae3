/** What a written value refers to among the stack's resources and data sources. */
import type { TfResource, TfStack } from "./types";
import { parseReference, parseTemplate } from "./tokens";

/** The resources and data sources of the stack a value references (any attribute), each once, in order. */
export function referencedIn(stack: TfStack, v: unknown): TfResource[] {
  if (typeof v !== "string") return [];
  const out: TfResource[] = [];
  for (const p of parseTemplate(v)) {
    if (p.kind !== "interpolation") continue;
    const ref = parseReference(p.expr);
    const res = ref && (ref.kind === "resource" || ref.kind === "data") ? stack.byAddress.get(ref.address) : undefined;
    if (res && !out.includes(res)) out.push(res);
  }
  return out;
}

/** The one resource of `types` a value references; none when it references no such resource, or several. */
export function oneReferenced(stack: TfStack, v: unknown, types: readonly string[]): TfResource | undefined {
  const hits = referencedIn(stack, v).filter((r) => types.includes(r.type));
  return hits.length === 1 ? hits[0] : undefined;
}

/** A resource or data source an expression mentions, and the attribute it reads there (none for a bare `aws_x.y`). */
export interface Mention {
  readonly resource: TfResource;
  readonly attribute?: string;
}

/**
 * Every resource and data source of the stack an HCL expression mentions anywhere in it, function arguments too
 * (`urlencode(aws_x.y.arn)`, `replace(aws_x.y.url, "https://", "")`), in order. Unlike `referencedIn`, which takes an
 * interpolation only when it is one whole reference, this reads what an expression blastwall does not evaluate may be
 * built from. An index names its instance (`instancesOf`).
 */
export function mentionedIn(stack: TfStack, expr: string): Mention[] {
  const out: Mention[] = [];
  for (const m of expr.matchAll(/(?<![\w.])((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*)(\[[^\]]*\])?(?:\.([A-Za-z_][\w-]*))?/g)) {
    for (const resource of instancesOf(stack, m[1], m[2])) out.push({ resource, ...(m[3] === undefined ? {} : { attribute: m[3] }) });
  }
  return out;
}

/**
 * The resources `base` (`aws_x.y`, `data.aws_x.y`) with the index `key` as written (`[0]`, `["a"]`, `[count.index]`,
 * none) may be (red-team round 169a, F5). A folder's HCL reader makes an instance of a resource with `count` or
 * `for_each` (`aws_x.y[0]`), where a single JSON file keeps the resource (`aws_x.y`); a literal key finds either (the
 * stack's AddressMap falls back to the resource). A key blastwall cannot read, or none, may be any instance: all of them.
 */
export function instancesOf(stack: TfStack, base: string, key?: string): TfResource[] {
  const literal = key === undefined ? undefined : /^\[\s*([0-9]+|"(?:[^"\\]|\\.)*")\s*\]$/.exec(key)?.[1];
  if (literal !== undefined) {
    const r = stack.byAddress.get(`${base}[${literal}]`);
    return r ? [r] : [];
  }
  const whole = stack.byAddress.get(base);
  if (whole) return [whole];
  const type = base.replace(/^data\./, "").split(".")[0];
  const out: TfResource[] = [];
  for (const r of stack.byType.get(type) ?? []) if (r.address.startsWith(`${base}[`) && r.address.endsWith("]")) out.push(r);
  return out;
}
