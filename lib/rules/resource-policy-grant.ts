import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import type { Statement } from "../engine/iam/types";
import { loadCatalogue } from "../engine/catalogue";
import { effectiveRights } from "../engine/iam/evaluate";
import { principalAdmits } from "../engine/iam/trust";
import { actionUniverse } from "../engine/universe";
import { policyFromValue } from "../engine/terraform/policy-documents";
import { statementName, statementSummary } from "../engine/describe";
import { listActions } from "../report/summarize";
import { principalEvidence } from "./support";

/** Resources whose policy document grants rights to principals named in it, and the attribute holding it. */
const RESOURCE_POLICIES: readonly [type: string, attribute: string][] = [
  ["aws_s3_bucket_policy", "policy"],
  ["aws_s3_bucket", "policy"],
  ["aws_backup_vault_policy", "policy"],
  ["aws_kms_key", "policy"],
  ["aws_kms_key_policy", "policy"],
  ["aws_secretsmanager_secret_policy", "policy"],
  ["aws_secretsmanager_secret", "policy"],
  ["aws_dynamodb_resource_policy", "policy"],
  ["aws_glacier_vault", "access_policy"],
  ["aws_efs_file_system_policy", "policy"],
  ["aws_ecr_repository_policy", "policy"],
];

function isEveryone(s: Statement): boolean {
  return (s.principals ?? []).some((p) => p.identifiers.includes("*")) || s.notPrincipals !== undefined;
}

/**
 * Resource policies (E7): a bucket, vault, key or secret policy that grants a destroy right to an agent or to
 * everyone (`*`) hands the right over no matter what the agent's own policies say. A policy naming only an
 * account root delegates to that account's identity policies, which the agent rules already judge.
 */
export const rule: Rule = {
  meta: {
    id: "resource-policy-grant",
    title: "A resource policy grants a destroy right to an AI agent or to everyone",
    why:
      "Within an account a resource policy grants on its own: an S3 bucket policy, backup vault policy or KMS key policy that lets " +
      "an agent (or `*`) delete gives it that right even when its role has no such permission.",
    fix:
      "Grant destroy actions in resource policies to no one but a break-glass or deploy role by exact ARN, and add an explicit " +
      "Deny for the agents (AgentRole's path `/agents/`) on delete actions. OffsiteBackupVault's policy denies deletion to everyone.",
    severity: "error",
    category: "reach",
  },
  check({ stack, analysis }) {
    const cat = loadCatalogue();
    const out: FindingDraft[] = [];
    for (const [type, attribute] of RESOURCE_POLICIES) {
      for (const res of stack.byType.get(type) ?? []) {
        const value = res.values[attribute];
        if (value === undefined || value === null || value === "") continue;
        const doc = policyFromValue(stack, value, { address: res.address, constructPath: res.constructPath });
        const rights = effectiveRights({ principal: res.address, identity: doc.statements.filter((s) => s.effect === "Allow" || s.effect === "Deny"), universe: actionUniverse() });
        // statement -> destroy actions it grants
        const byStatement = new Map<Statement, string[]>();
        for (const gs of rights.grants.values()) {
          for (const g of gs) {
            const c = cat.categoryOf(g.action);
            if (c !== "direct" && c !== "protection") continue;
            const list = byStatement.get(g.statement) ?? [];
            if (!list.includes(g.action)) list.push(g.action);
            byStatement.set(g.statement, list);
          }
        }
        for (const [s, actions] of byStatement) {
          actions.sort((a, b) => cat.rank(a) - cat.rank(b));
          const where = `${res.address} ${statementName(s)}: ${statementSummary(s)}`;
          if (s.unknown || isEveryone(s)) {
            out.push({
              principal: res.address,
              resource: res.address,
              actions,
              message: `${res.address} grants ${listActions(actions)} to ${s.unknown ? "principals blastwall cannot read" : "everyone (*)"}, AI agents included.`,
              evidence: [{ step: "resource-policy", address: res.address, detail: where }],
            });
            continue;
          }
          for (const agent of analysis.agents) {
            const named = (s.principals ?? []).some((p) => p.type === "AWS" && p.identifiers.some((id) => !/:root$/.test(id) && !/^[0-9*?]{1,12}$/.test(id)));
            if (!named) continue;
            if (principalAdmits([s], { arnPattern: agent.arnPattern }, actions[0]).length === 0) continue;
            out.push({
              principal: agent.address,
              resource: res.address,
              actions,
              message: `${res.address} grants the AI agent ${agent.address} ${listActions(actions)} in its resource policy.`,
              evidence: [principalEvidence(agent), { step: "resource-policy", address: res.address, detail: where }],
            });
          }
        }
      }
    }
    return out;
  },
};
