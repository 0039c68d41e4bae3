import type { Evidence } from "./findings";
import type { TfStack } from "./terraform/types";
import { unknownOwnRegion } from "./terraform/providers";
import { AFTER_APPLY } from "./terraform/policy-documents";

/**
 * Evidence naming a resource whose own `region` (AWS provider 6) blastwall cannot read says so, once per resource:
 * blastwall counts such a resource as in any region, so a grant naming one region reaches it and may reach a resource
 * of the same name elsewhere (red-team round 127). A reader who knows the region learns why the finding stands.
 */
export function withRegionNotes(stack: TfStack, evidence: readonly Evidence[]): readonly Evidence[] {
  const noted = new Set<string>();
  let changed = false;
  const out = evidence.map((e) => {
    const res = stack.byAddress.get(e.address);
    const expr = res && !noted.has(e.address) ? unknownOwnRegion(res) : undefined;
    if (expr === undefined) return e;
    noted.add(e.address);
    changed = true;
    return { ...e, detail: `${e.detail}${regionNote(expr)}` };
  });
  return changed ? out : evidence;
}

/** The note itself: the expression as written, or that the plan knows it only after apply. */
export function regionNote(expr: string): string {
  const what = expr === AFTER_APPLY.slice(2, -1) ? "its region is known only after apply" : `its region, ${expr}, is not known before apply`;
  return ` (${what}, so blastwall counts it as in any region; a literal region argument has it judged in that region only)`;
}
