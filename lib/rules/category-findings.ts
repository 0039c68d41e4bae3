import type { FindingDraft } from "../engine/findings";
import type { RuleContext } from "../engine/rule";
import { loadCatalogue } from "../engine/catalogue";
import { listActions } from "../report/summarize";
import { boundaryEvidence, groupByStatement, principalEvidence, severityOf, statementEvidence, where } from "./support";

/**
 * Findings for every agent statement that grants actions of one catalogue category: one finding per statement,
 * naming the first few actions and a count. Statements the engine could not read are left to `unanalysable-policy`.
 */
export function categoryFindings(ctx: RuleContext, category: string, canWhat: string): FindingDraft[] {
  const cat = loadCatalogue();
  const out: FindingDraft[] = [];
  for (const agent of ctx.analysis.agents) {
    const groups = groupByStatement(
      ctx.analysis.rightsOf(agent.address),
      (g) => !g.statement.unknown && cat.categoryOf(g.action) === category,
      (a) => cat.rank(a),
    );
    for (const g of groups) {
      out.push({
        principal: agent.address,
        resource: g.statement.source.address,
        actions: g.actions,
        severity: severityOf(g.actions),
        message:
          `${agent.address} is an AI agent and can ${canWhat}: ${listActions(g.actions)}` +
          `${g.conditional ? " (the Allow has conditions, which still count as a right)" : ""}, granted by ${where(g.statement)}.`,
        evidence: [
          principalEvidence(agent),
          ...statementEvidence(agent, g.statement),
          ...boundaryEvidence(agent),
          { step: `${category}-rights`, address: agent.address, detail: listActions(g.actions) },
        ],
      });
    }
  }
  return out;
}
