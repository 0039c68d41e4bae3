import { loadCatalogue, type CatalogueEntry } from "./catalogue";
import { identityPoolActions, rolesAnywhereActions } from "./reach/rare-actions";

/**
 * Why a catalogue action may not be left out of an agent's permission boundary (AgentRole's `boundaryExemptions`), or
 * undefined when it may: only a warning of the direct or protection lists, not an IAM or STS action (the agent's own
 * guardrails stay out of reach), not marked `notExemptable` by the catalogue, and no way into another principal (a
 * user-pool login into an identity pool's role is escalation in effect, whatever its grade). The constructs refuse
 * the exemption by it; the gate's advice offers an exemption only where the constructs would take it.
 */
export type ExemptionBlock = "escalation" | "iam-sts" | "error" | "catalogue" | "reach";

export function exemptionBlock(entry: CatalogueEntry): ExemptionBlock | undefined {
  if (entry.category === "escalation") return "escalation";
  if (/^(iam|sts):/i.test(entry.action)) return "iam-sts";
  if (entry.severity !== "warning") return "error";
  if (entry.notExemptable !== undefined) return "catalogue";
  if (reachActions().has(entry.action.toLowerCase())) return "reach";
  return undefined;
}

let reachSet: ReadonlySet<string> | undefined;

/** Actions the engine follows as a way into another principal: the catalogue's reach list and the login paths. */
function reachActions(): ReadonlySet<string> {
  reachSet ??= new Set([...loadCatalogue().reachActions.map((e) => e.action), ...identityPoolActions(), ...rolesAnywhereActions()].map((a) => a.toLowerCase()));
  return reachSet;
}
