import type { PlanRule } from "../rule";
import { changeFinding } from "../rule";
import { addressMatch, globMatch, protectionOf, PROTECTED_TYPES } from "../protected";
import { typeFromAddress } from "../read-plan";
import type { PlanGateConfig } from "../types";

/**
 * A `moved` block that takes a resource away from what protects it: an address the config protects, or a protected
 * type (a cross-type move, which a provider may allow: `aws_db_instance` to `aws_rds_cluster_instance`). The move
 * itself destroys nothing, but the next plan could delete it at its new address or type without approval.
 */
export const protectedMoved: PlanRule = {
  meta: {
    id: "plan-protected-moved",
    title: "Plan moves a resource out of an address or type the gate protects",
    why:
      "protected.addresses names resources by address, and a protected type protects a resource by its type. A moved block gives the resource a new address the config does not name, " +
      "or a new type that is not protected, so a later plan can destroy it without approval: the same two-step bypass as dropping the protected tag.",
    fix:
      "Add the new address to protected.addresses (or the new type to protected.types, or tag the resource blastwall:protected) in the same change, " +
      "or have a human approve this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc, ctx) {
    const from = rc.previous_address;
    if (!from || from === rc.address) return [];
    const patterns = ctx.config.protected?.addresses ?? [];
    const was = patterns.find((p) => addressMatch(p, from));
    if (was && !patterns.some((p) => addressMatch(p, rc.address))) {
      return [
        changeFinding(rc, `The plan moves ${from} to ${rc.address}, out of config protected.addresses (${JSON.stringify(was)}), so later plans could destroy it without approval.`, [
          { step: "weakened", address: rc.address, detail: `moved from ${from}, which protected.addresses lists as ${JSON.stringify(was)}; ${rc.address} is not listed` },
        ]),
      ];
    }
    // Red-team round 89: a move to another type left a protected type's resource under one nothing protects.
    const fromType = typeFromAddress(from);
    if (fromType === undefined || fromType === rc.type) return [];
    const wasType = typeProtection(fromType, ctx.config);
    if (wasType === undefined || typeProtection(rc.type, ctx.config) !== undefined) return [];
    // Still protected at its new place (its tag, or its new address in the config): nothing is lost.
    if (protectionOf({ ...rc, previous_address: undefined }, ctx.config) !== undefined) return [];
    return [
      changeFinding(
        rc,
        `The plan moves ${from} (${wasType}) to ${rc.address}, of type ${rc.type}, which is not protected, so later plans could destroy it without approval.`,
        [{ step: "weakened", address: rc.address, detail: `moved from ${from} (${wasType}); ${rc.type} is no protected type, and neither the config nor the blastwall:protected tag protects ${rc.address}` }],
      ),
    ];
  },
};

/** Why a type is protected (built in, or config protected.types), or undefined. */
function typeProtection(type: string, config: PlanGateConfig): string | undefined {
  if (PROTECTED_TYPES.has(type)) return `${type}, a protected type`;
  const glob = (config.protected?.types ?? []).find((t) => globMatch(t, type));
  return glob !== undefined ? `${type}, which config protected.types lists as ${JSON.stringify(glob)}` : undefined;
}
