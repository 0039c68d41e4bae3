import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import type { PrincipalNode, StackAnalysis } from "../engine/analysis-types";
import type { TfStack } from "../engine/terraform/types";
import { loadCatalogue } from "../engine/catalogue";
import { globsIntersect } from "../engine/iam/glob";
import { resolveToPattern } from "../engine/terraform/tokens";
import { listActions } from "../report/summarize";
import { boundaryEvidence, groupByStatement, principalEvidence, statementEvidence, where } from "./support";

/**
 * ARN patterns of everything whose change changes this principal's own rights: itself, its groups, and the
 * customer managed policies attached to it. An IAM write on any of these lets it grant itself anything.
 */
export function selfTargets(stack: TfStack, analysis: StackAnalysis, p: PrincipalNode): string[] {
  const out = new Set<string>([p.arnPattern]);
  for (const g of p.groups) {
    const group = analysis.byAddress.get(g);
    if (group) out.add(group.arnPattern);
  }
  const policies = [...p.identityPolicies, ...(p.boundary ? [p.boundary] : [])];
  for (const a of policies) {
    if (a.document.address.startsWith("aws_iam_policy.")) {
      out.add(resolveToPattern(stack, "${" + a.document.address + ".arn}").pattern);
    }
  }
  return [...out];
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
  check({ stack, analysis }) {
    const cat = loadCatalogue();
    const out: FindingDraft[] = [];
    for (const agent of analysis.agents) {
      const targets = selfTargets(stack, analysis, agent);
      const groups = groupByStatement(
        analysis.rightsOf(agent.address),
        (g) =>
          !g.statement.unknown &&
          cat.categoryOf(g.action) === "escalation" &&
          g.action.toLowerCase().startsWith("iam:") &&
          g.resources.some((r) => targets.some((t) => globsIntersect(r, t))),
        (a) => cat.rank(a),
      );
      for (const g of groups) {
        out.push({
          principal: agent.address,
          resource: g.statement.source.address,
          actions: g.actions,
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
