import type { PrincipalNode } from "./analysis-types";
import type { Statement } from "./iam/types";

const ownCache = new WeakMap<PrincipalNode, readonly Statement[]>();

/**
 * The Deny statements of the principal's own identity policies and permission boundary: an explicit Deny in any of them
 * wins over every Allow, a resource policy's or a trust policy's included. None for a principal outside the stack (its
 * policies are not here). Whether one certainly applies is the reader's question (`denyCertainlyCovers`, `effectiveRights`).
 */
export function ownDenies(p: PrincipalNode): readonly Statement[] {
  let out = ownCache.get(p);
  if (!out) {
    out = p.external ? [] : [...p.identityPolicies.flatMap((a) => a.document.statements), ...(p.boundary?.document.statements ?? [])].filter((s) => s.effect === "Deny" && s.unknown === undefined);
    ownCache.set(p, out);
  }
  return out;
}
