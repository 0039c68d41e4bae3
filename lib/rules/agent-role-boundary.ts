import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import { principalEvidence } from "./support";
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
    for (const agent of analysis.agents) {
      if (agent.kind !== "role" || agent.boundary) continue;
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
