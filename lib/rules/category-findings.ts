import type { FindingDraft } from "../engine/findings";
import type { Grant, PrincipalNode } from "../engine/analysis-types";
import type { RuleContext } from "../engine/rule";
import { loadCatalogue } from "../engine/catalogue";
import { listActions } from "../report/summarize";
import { isRecoverableDelete } from "./agent-overwrite-unprotected";
import { settableBoundaryClause, settableFormDenyEvidence } from "./settable-form-evidence";
import { UNKNOWN_ACTIONS_FIX, unknownActionsClause, unknownActionsOf } from "./unknown-actions";
import { agentCan, boundaryEvidence, grantingBlock, groupByStatement, managedPolicyFix, principalEvidence, severityOf, statementEvidence, unreliedDenyEvidence, where, type StatementGrants } from "./support";

/** What one rule over an agent's own grants decides: which grants count, how to say it, and the closing step. */
export interface StatementRule {
  /** Per agent, which of its grants count (statements blastwall could not read are left to `unanalysable-policy`). */
  keep(agent: PrincipalNode): (g: Grant) => boolean;
  /** The sentence after "is an AI agent and can ...". */
  says(agent: PrincipalNode, g: StatementGrants): string;
  /** The last evidence step: its name and detail. */
  step(agent: PrincipalNode, g: StatementGrants): { step: string; detail: string };
  /** The catalogue categories the kept grants belong to (skips the rest without looking). */
  readonly categories: readonly string[];
  /** A severity that depends on more than the actions (undefined: the catalogue's, by `severityOf`). */
  severity?(agent: PrincipalNode, g: StatementGrants): "error" | "warning" | undefined;
  /** A fix that depends on the grants (undefined: the rule's). */
  fix?(agent: PrincipalNode, g: StatementGrants): string | undefined;
}

/** The other way out for grants of an AWS managed policy, as the rules' own fixes offer it. */
const MANAGED_DENY = "Or deny these actions unconditionally in the agent's permission boundary (AgentRole does this by default).";

/** `agentCan` for rights blastwall only counts because it cannot read what the policy grants. */
function agentMay(agent: PrincipalNode): string {
  return agentCan(agent).replace(/ can$/, " may be able to");
}

/**
 * One finding per agent statement whose grants the rule keeps, naming the first few actions and a count, the
 * statement (resource address and Sid or index), what attaches it, and the boundary: the fix is one edit.
 */
export function statementFindings(ctx: RuleContext, rule: StatementRule): FindingDraft[] {
  const cat = loadCatalogue();
  const out: FindingDraft[] = [];
  for (const agent of ctx.analysis.agents) {
    const keep = rule.keep(agent);
    for (const g of groupByStatement(ctx.analysis.rightsOf(agent.address), (x) => !x.statement.unknown && keep(x), (a) => cat.rank(a), rule.categories)) {
      const last = rule.step(agent, g);
      const conditions = g.conditional ? " (the Allow has conditions, which still count as a right)" : "";
      // Rights read from an Action blastwall could not evaluate are possible, not seen: the finding says which
      // expression and why, and its fix asks for actions it can read (removing "the destroy actions" cannot be done
      // to a policy that may not name them).
      const unknown = unknownActionsOf(g.statement, ctx.stack);
      // An AWS managed policy cannot be edited: the fix detaches it, whatever the rule would change in a statement.
      const managed = managedPolicyFix(agent, g.statement);
      out.push({
        principal: agent.address,
        resource: grantingBlock(g.statement),
        actions: g.actions,
        severity: rule.severity?.(agent, g) ?? severityOf(g.actions),
        message: unknown
          ? `${agentMay(agent)} ${rule.says(agent, g)}${conditions}, because ${unknownActionsClause(unknown, where(g.statement))}; ` +
            `blastwall counts actions it cannot read as every action.`
          : `${agentCan(agent)} ${rule.says(agent, g)}${conditions}; granted by ${where(g.statement)}.`,
        evidence: [principalEvidence(agent), ...statementEvidence(agent, g.statement), ...boundaryEvidence(agent, agent.boundary ? settableBoundaryClause(ctx.stack, agent.boundary.document.statements, g.actions) : ""), ...unreliedDenyEvidence(agent, g.actions), ...settableFormDenyEvidence(ctx.stack, agent, g.statement, g.actions), { step: last.step, address: agent.address, detail: last.detail }],
        ...(unknown ? { fix: UNKNOWN_ACTIONS_FIX } : managed ? { fix: `${managed} ${MANAGED_DENY}` } : rule.fix ? { fix: rule.fix(agent, g) } : {}),
      });
    }
  }
  return out;
}

/** Grants of one catalogue category (direct deletion, protection removal). */
export function categoryFindings(ctx: RuleContext, category: string, canWhat: string): FindingDraft[] {
  return statementFindings(ctx, categoryRule(ctx, category, canWhat));
}

/** The rule `categoryFindings` applies, for a rule that says more about some of its grants. */
export function categoryRule(ctx: RuleContext, category: string, canWhat: string): StatementRule {
  return {
    // groupByStatement reads only this category's grants; a delete that a versioned bucket keeps recoverable is no loss.
    keep: () => (g) => !isRecoverableDelete(ctx, g),
    says: (_a, g) => `${canWhat}: ${listActions(g.actions)}`,
    // A warning's actions are each graded so for a reason of their own: the step says it.
    step: (_a, g) => ({ step: `${category}-rights`, detail: `${listActions(g.actions)}${severityOf(g.actions) === "warning" ? catalogueReasons(g.actions) : ""}` }),
    categories: [category],
  };
}

/**
 * Why the catalogue lists the first actions of a warning finding (up to three), after the list: the rule's own why
 * speaks of volumes and databases, and an action the catalogue grades a warning (a log subscription, an S3 Tables
 * replication) needs its own reason for a reviewer to judge it.
 */
export function catalogueReasons(actions: readonly string[]): string {
  const cat = loadCatalogue();
  const reasons = actions
    .slice(0, 3)
    .map((a) => ({ a, why: cat.byAction.get(a.toLowerCase())?.why }))
    .filter((x): x is { a: string; why: string } => typeof x.why === "string" && x.why !== "");
  return reasons.length === 0 ? "" : `. Why: ${reasons.map((x) => `${x.a}: ${x.why.replace(/\.$/, "")}`).join("; ")}.`;
}
