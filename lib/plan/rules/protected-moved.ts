import type { PlanRule } from "../rule";
import { changeFinding } from "../rule";
import { addressMatch } from "../protected";

/**
 * A `moved` block that takes a resource away from an address the config protects: the move itself destroys
 * nothing, but the next plan could delete it at its new address without approval.
 */
export const protectedMoved: PlanRule = {
  meta: {
    id: "plan-protected-moved",
    title: "Plan moves a resource out of an address the config protects",
    why:
      "protected.addresses names resources by address. A moved block gives the resource a new address the config does not name, " +
      "so a later plan can destroy it without approval: the same two-step bypass as dropping the protected tag.",
    fix: "Add the new address to protected.addresses in the same change (or protect the type), or have a human approve this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc, ctx) {
    const from = rc.previous_address;
    if (!from || from === rc.address) return [];
    const patterns = ctx.config.protected?.addresses ?? [];
    const was = patterns.find((p) => addressMatch(p, from));
    if (!was || patterns.some((p) => addressMatch(p, rc.address))) return [];
    return [
      changeFinding(rc, `The plan moves ${from} to ${rc.address}, out of config protected.addresses (${JSON.stringify(was)}), so later plans could destroy it without approval.`, [
        { step: "weakened", address: rc.address, detail: `moved from ${from}, which protected.addresses lists as ${JSON.stringify(was)}; ${rc.address} is not listed` },
      ]),
    ];
  },
};
