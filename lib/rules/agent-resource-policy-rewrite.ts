import type { Rule } from "../engine/rule";
import { loadCatalogue } from "../engine/catalogue";
import { listActions } from "../report/summarize";
import { statementFindings } from "./category-findings";

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
  check(ctx) {
    const cat = loadCatalogue();
    return statementFindings(ctx, {
      categories: ["escalation"],
      keep: () => (g) => cat.entryOf(g.action)?.target === "resource-policy",
      says: (_a, g) => `rewrite resource policies (${listActions(g.actions)}) on ${[...g.resources].join(", ")}, and so grant itself deletion there`,
      step: (_a, g) => ({ step: "resource-policy-rewrite", detail: listActions(g.actions) }),
    });
  },
};
