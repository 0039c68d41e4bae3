import type { Rule } from "../engine/rule";
import type { PrincipalNode } from "../engine/analysis-types";
import { globsIntersect } from "../engine/iam/glob";
import { listActions } from "../report/summarize";
import { statementFindings } from "./category-findings";
import { isPermissionSetWrite, isPermissionWrite, selfTargets, writesOn } from "./self-targets";
import { effectiveRights } from "../engine/iam/evaluate";
import { actionUniverse } from "../engine/universe";
import { loadCatalogue } from "../engine/catalogue";
import { byCodeUnit, grantsByCategory } from "./support";
import type { RuleContext } from "../engine/rule";

/**
 * Removing a policy from the agent only matters for the Denies it holds: those actions do nothing else. A permission
 * set's are the sso: calls that take a policy off it (the boundary's removal lifts a cap, so it is not one of them).
 */
const REMOVALS = new Set([
  "iam:deleterolepolicy",
  "iam:detachrolepolicy",
  "iam:deleteuserpolicy",
  "iam:detachuserpolicy",
  "sso:deleteinlinepolicyfrompermissionset",
  "sso:detachmanagedpolicyfrompermissionset",
  "sso:detachcustomermanagedpolicyreferencefrompermissionset",
]);

/**
 * Destroy rights the agent's own Denies hold back: what it could delete once it removed the policies (inline or
 * attached to itself, not through a group) that hold them. Its boundary still applies.
 */
function heldBack(ctx: RuleContext, agent: PrincipalNode): string[] {
  const own = agent.identityPolicies.filter((a) => !a.via.includes(" via "));
  const denies = new Set(own.flatMap((a) => a.document.statements.filter((st) => st.effect === "Deny")));
  if (denies.size === 0) return [];
  const without = effectiveRights({
    principal: agent.address,
    identity: agent.identityPolicies.flatMap((a) => a.document.statements).filter((st) => !denies.has(st)),
    boundary: agent.boundary?.document.statements,
    universe: actionUniverse(),
  });
  const now = new Set((grantsByCategory(ctx.analysis.rightsOf(agent.address)).get("direct") ?? []).map((g) => g.action));
  const cat = loadCatalogue();
  return [...new Set((grantsByCategory(without).get("direct") ?? []).map((g) => g.action))]
    .filter((a) => !now.has(a))
    .sort((a, b) => cat.rank(a) - cat.rank(b) || byCodeUnit(a, b));
}

export const rule: Rule = {
  meta: {
    id: "agent-self-escalation",
    title: "An AI agent principal can rewrite its own permissions",
    why:
      "A principal that may put or attach a policy on itself, create a new version of a policy attached to it, or remove its own " +
      "permission boundary can grant itself every destroy right in one call: whatever else its policies say no longer matters.",
    fix:
      "Scope IAM write actions to resources that exclude the agent, its groups, its boundary and its attached policies " +
      "(better: give agents no IAM write actions at all), and deny them in the permission boundary (AgentRole does).",
    severity: "error",
    category: "agent-rights",
  },
  check(ctx) {
    const targets = new Map<string, string[]>();
    const targetsOf = (agent: PrincipalNode) => {
      let t = targets.get(agent.address);
      if (!t) targets.set(agent.address, (t = selfTargets(ctx.stack, ctx.analysis, agent)));
      return t;
    };
    const held = new Map<string, string[]>();
    const heldOf = (agent: PrincipalNode) => {
      let h = held.get(agent.address);
      if (!h) held.set(agent.address, (h = heldBack(ctx, agent)));
      return h;
    };
    const onlyRemovals = (g: { actions: readonly string[] }) => g.actions.every((a) => REMOVALS.has(a.toLowerCase()));
    // A permission set changes its rights through sso: calls on itself, which the catalogue files under protection.
    const permissionSets = ctx.analysis.agents.some((a) => a.kind === "permission-set");
    return statementFindings(ctx, {
      categories: permissionSets ? ["escalation", "protection"] : ["escalation"],
      keep: (agent) =>
        agent.kind === "permission-set"
          ? (g) => (isPermissionWrite(g.action) || isPermissionSetWrite(g.action)) && writesOn(g.action, g.resources, targetsOf(agent))
          : (g) => isPermissionWrite(g.action) && g.resources.some((r) => targetsOf(agent).some((t) => globsIntersect(r, t))),
      says: (agent, g) =>
        onlyRemovals(g) && heldOf(agent).length > 0
          ? `remove policies from itself (${listActions(g.actions)}) on ${[...g.resources].join(", ")}, and with them the Denies that now keep it ` +
            `from deleting data: ${listActions(heldOf(agent))}`
          : onlyRemovals(g)
            ? `remove policies from itself (${listActions(g.actions)}) on ${[...g.resources].join(", ")}; no Deny of its own holds back a ` +
              `destroy right today, but any Deny added to it later can be removed the same way`
            : `change its own permissions (${listActions(g.actions)}) on ${[...g.resources].join(", ")}, which covers itself, and so give itself any destroy right`,
      step: (agent) => ({ step: "self-escalation", detail: `the resources cover ${targetsOf(agent).join(", ")}` }),
      // Removing a policy is rated a warning: it is harmless unless a Deny in one holds back a destroy right.
      severity: (agent, g) => (onlyRemovals(g) && heldOf(agent).length > 0 ? "error" : undefined),
    });
  },
};
