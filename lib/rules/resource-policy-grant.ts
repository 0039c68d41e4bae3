import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import type { Statement } from "../engine/iam/types";
import { principalAdmits } from "../engine/iam/trust";
import { namesPrincipals, resourcePolicyGrants } from "./resource-policies";
import { statementName, statementSummary } from "../engine/describe";
import { listActions } from "../report/summarize";
import { principalEvidence } from "./support";

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
    const out: FindingDraft[] = [];
    for (const { resource: res, statement: s, actions } of resourcePolicyGrants(stack)) {
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
      if (!namesPrincipals(s)) continue;
      for (const agent of analysis.agents) {
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
    return out;
  },
};
