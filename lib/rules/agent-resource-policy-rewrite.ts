import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import { loadCatalogue } from "../engine/catalogue";
import { listActions } from "../report/summarize";
import { boundaryEvidence, groupByStatement, principalEvidence, severityOf, statementEvidence, where } from "./support";

/**
 * E7: the right to rewrite a resource policy (bucket, key, vault, secret, table) is the right to grant oneself
 * anything on that resource, deletion included, whatever the agent's own policies say.
 */
export const rule: Rule = {
  meta: {
    id: "agent-resource-policy-rewrite",
    title: "An AI agent can rewrite a resource policy and grant itself deletion",
    why:
      "A bucket policy, KMS key policy, backup vault access policy or secret policy grants on its own. An agent that may put " +
      "one can give itself s3:DeleteObject, kms:ScheduleKeyDeletion or backup:DeleteRecoveryPoint, or drop the Deny that protects the data.",
    fix:
      "Remove the policy-writing actions (s3:PutBucketPolicy, kms:PutKeyPolicy, kms:CreateGrant, backup:PutBackupVaultAccessPolicy, ...) " +
      "from the agent, or deny them in its permission boundary (AgentRole does). Resource policies change through a reviewed deploy.",
    severity: "error",
    category: "reach",
  },
  check({ analysis }) {
    const cat = loadCatalogue();
    const out: FindingDraft[] = [];
    for (const agent of analysis.agents) {
      const groups = groupByStatement(
        analysis.rightsOf(agent.address),
        (g) => !g.statement.unknown && cat.entryOf(g.action)?.target === "resource-policy",
        (a) => cat.rank(a),
      );
      for (const g of groups) {
        out.push({
          principal: agent.address,
          resource: g.statement.source.address,
          actions: g.actions,
          severity: severityOf(g.actions),
          message:
            `${agent.address} is an AI agent and can rewrite resource policies (${listActions(g.actions)}) on ${[...g.resources].join(", ")}, ` +
            `so it can grant itself deletion there; granted by ${where(g.statement)}.`,
          evidence: [principalEvidence(agent), ...statementEvidence(agent, g.statement), ...boundaryEvidence(agent), { step: "resource-policy-rewrite", address: agent.address, detail: listActions(g.actions) }],
        });
      }
    }
    return out;
  },
};
