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
