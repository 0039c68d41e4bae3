import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import { loadCatalogue } from "../engine/catalogue";
import { globsIntersect } from "../engine/iam/glob";
import { isPermissionWrite, selfTargets } from "./self-targets";
import { listActions } from "../report/summarize";
import { boundaryEvidence, groupByStatement, principalEvidence, severityOf, statementEvidence, where } from "./support";

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
  check({ stack, analysis }) {
    const cat = loadCatalogue();
    const out: FindingDraft[] = [];
    for (const agent of analysis.agents) {
      const targets = selfTargets(stack, analysis, agent);
      const groups = groupByStatement(
        analysis.rightsOf(agent.address),
        (g) =>
          !g.statement.unknown &&
          isPermissionWrite(g.action) &&
          g.resources.some((r) => targets.some((t) => globsIntersect(r, t))),
        (a) => cat.rank(a),
      );
      for (const g of groups) {
        out.push({
          principal: agent.address,
          resource: g.statement.source.address,
          actions: g.actions,
          severity: severityOf(g.actions),
          message:
            `${agent.address} is an AI agent and can change its own permissions (${listActions(g.actions)}) on ` +
            `${[...g.resources].join(", ")}, which covers itself; granted by ${where(g.statement)}. It can give itself any destroy right.`,
          evidence: [
            principalEvidence(agent),
            ...statementEvidence(agent, g.statement),
            ...boundaryEvidence(agent),
            { step: "self-escalation", address: agent.address, detail: `the resources cover ${targets.join(", ")}` },
          ],
        });
      }
    }
    return out;
  },
};
