import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import type { Statement } from "../engine/iam/types";
import { effectiveRights, statementEffectKey } from "../engine/iam/evaluate";
import { actionUniverse } from "../engine/universe";
import type { ActionSet } from "../engine/iam/actions";
import { grantIsHarmless, loadCatalogue } from "../engine/catalogue";
import { listActions } from "../report/summarize";
import { grantsByCategory, principalEvidence, ownAgentRoles } from "./support";
import { describe, resourceEvidence } from "./protection-support";

/**
 * A permission boundary is the one cap on an agent role that a policy attached later cannot lift. Without one
 * (or with one blastwall cannot read, which caps nothing), the next AdministratorAccess attachment is all it takes.
 */
export const rule: Rule = {
  meta: {
    id: "agent-role-boundary",
    title: "AI agent role without a permission boundary",
    why:
      "Identity policies change over time and are edited by many people; a permission boundary that denies every destroy and " +
      "escalation action keeps holding when someone later attaches a broad policy to the agent. Without one, the agent is " +
      "exactly as safe as the broadest policy anyone ever attaches.",
    fix:
      "Set `permissions_boundary` to a managed policy that denies the destroy-rights catalogue and changes to itself " +
      "(AgentRole creates one), and keep it readable by blastwall (a policy in the stack or a known AWS managed policy).",
    severity: "error",
    category: "protection",
  },
  check({ analysis }) {
    const out: FindingDraft[] = [];
    const seen = new Map<string, Allowed>();
    for (const agent of ownAgentRoles(analysis.agents)) {
      if (agent.boundary) {
        // A boundary that allows destroy actions caps nothing that matters: AdministratorAccess, `Allow *`, or `Allow *`
        // with a Deny of something else (red-team round 42). What it allows, less what a certain Deny of the role's own
        // policies takes away (AgentRole's guard policies hold the Denies that do not fit in a boundary), is what a
        // policy attached later can hand the agent.
        const statements = agent.boundary.document.statements;
        const identityDenies = agent.identityPolicies.flatMap((a) => a.document.statements).filter((st) => st.effect === "Deny");
        // What the agent holds already is reported (and acknowledged) by the rules on its rights; this one is about the
        // rest, which only a policy attached later would hand it.
        // (Held under a condition the catalogue knows to be harmless, such as ReadOnly sessions, is not held.)
        const grants = analysis.rightsOf(agent.address).grants;
        const allows = boundaryAllows([...statements, ...identityDenies], seen);
        const allowed: string[] = [];
        for (let i = 0; i < allows.actions.length; i++) {
          const gs = grants.get(allows.lower[i]);
          if (!gs || !gs.some((g) => !(g.conditional && grantIsHarmless(g.action, g.statement.conditions)))) allowed.push(allows.actions[i]);
        }
        if (allowed.length === 0) continue;
        const r = agent.resource;
        out.push({
          principal: agent.address,
          resource: agent.boundary.via,
          actions: allowed,
          message:
            `${describe(r)} is an AI agent role whose permission boundary ${agent.boundary.document.address} allows destroy actions ` +
            `that neither it nor a Deny of the role's own policies takes away (${listActions(allowed)}): a policy attached to the role ` +
            `later can hand it those. A boundary must leave them out: deny them (here or in a policy of the role), or allow only what the agent needs.`,
          evidence: [principalEvidence(agent), { step: "boundary", address: agent.boundary.via, detail: `${agent.boundary.document.address} allows ${listActions(allowed)}` }],
          ...(r.constructPath ? { constructPath: r.constructPath } : {}),
        });
        continue;
      }
      const note = agent.notes.find((n) => n.startsWith("boundary "));
      const r = agent.resource;
      const state = note ? `has a permission boundary blastwall cannot rely on (${note})` : "has no permission boundary";
      out.push({
        principal: agent.address,
        resource: agent.address,
        actions: [],
        message:
          `${describe(r)} is an AI agent role and ${state}: any policy attached to it later can hand it destroy rights. ` +
          "Set permissions_boundary to a policy that denies the destroy-rights catalogue (AgentRole does).",
        evidence: [principalEvidence(agent), resourceEvidence(r, note ?? "permissions_boundary: not set")],
        ...(r.constructPath ? { constructPath: r.constructPath } : {}),
      });
    }
    return out;
  },
};

/** Destroy actions a boundary allows, in catalogue order, and the same lower case (the keys of effective rights). */
interface Allowed {
  readonly actions: readonly string[];
  readonly lower: readonly string[];
}

const NONE: Allowed = { actions: [], lower: [] };

/**
 * Destroy actions the statements allow (their Denies applied), in catalogue order. Agents share boundaries (one
 * policy for a team's agents, each agent holding its own parsed copy), and the answer depends only on what the
 * statements do: `seen` keeps it per `statementEffectKey` for one stack.
 */
function boundaryAllows(statements: readonly Statement[], seen: Map<string, Allowed>): Allowed {
  if (statements.length === 0) return NONE;
  const key = statementEffectKey(statements, actionUniverse());
  let hit = seen.get(key);
  if (!hit) {
    const actions = computeBoundaryAllows(statements);
    seen.set(key, (hit = { actions, lower: actions.map((a) => a.toLowerCase()) }));
  }
  return hit;
}

let directActions: ActionSet | undefined;

function computeBoundaryAllows(statements: readonly Statement[]): string[] {
  const universe = actionUniverse();
  const cat = loadCatalogue();
  // Only the direct destroy actions are asked about: an `Allow *` boundary would otherwise yield the whole universe per agent.
  directActions ??= universe.actionSet(cat.direct.map((e) => e.action));
  const rights = effectiveRights({ principal: "boundary", identity: statements, universe, only: directActions });
  // A conditional Allow the catalogue knows to be harmless (ReadOnlyAccess's s3express:CreateSession limited to
  // ReadOnly sessions) allows no destruction: the same reading as the agent rules'.
  const direct = [...new Set((grantsByCategory(rights).get("direct") ?? []).filter((g) => !(g.conditional && grantIsHarmless(g.action, g.statement.conditions))).map((g) => g.action))];
  return direct.sort((a, b) => cat.rank(a) - cat.rank(b) || a.localeCompare(b));
}
