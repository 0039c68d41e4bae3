import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import type { Statement } from "../engine/iam/types";
import { loadCatalogue } from "../engine/catalogue";
import { statementName, statementRef, statementSummary } from "../engine/describe";
import { listActions } from "../report/summarize";
import { statementFindings } from "./category-findings";
import { agentsGranted, resourcePolicyGrants } from "../engine/resource-policies";
import { agentCan, principalEvidence, severityOf } from "./support";
import { certainlyOtherAccount, notOwnDenied } from "./resource-policy-denies";

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
    const out = statementFindings(ctx, {
      categories: ["escalation"],
      keep: () => (g) => cat.entryOf(g.action)?.target === "resource-policy",
      says: (_a, g) =>
        grantsOnly(g.actions)
          ? `create KMS grants (${listActions(g.actions)}) on ${[...g.resources].join(", ")}, and so ${GRANT_USE}`
          : `rewrite resource policies (${listActions(g.actions)}) on ${[...g.resources].join(", ")}, and so grant itself deletion there`,
      step: (_a, g) => ({ step: "resource-policy-rewrite", detail: listActions(g.actions) }),
    });
    out.push(...grantedByResourcePolicies(ctx));
    return out;
  },
};

/**
 * The same right handed over by a resource policy in the stack (a key policy allowing the agent kms:PutKeyPolicy):
 * within an account, a policy naming the agent's ARN, or everyone, grants it with no identity policy involved.
 * Statements blastwall cannot read are left to resource-policy-grant, which reports them as granting everything. As
 * there, a certain Deny of the agent's own policies or boundary wins, and an agent certainly in another account gets
 * nothing from the policy alone (resource-policy-denies.ts).
 */
function grantedByResourcePolicies(ctx: Parameters<Rule["check"]>[0]): FindingDraft[] {
  const { stack, analysis } = ctx;
  const out: FindingDraft[] = [];
  for (const g of resourcePolicyGrants(stack, "rewrite")) {
    const { resource: res, statement: s } = g;
    if (s.unknown !== undefined) continue;
    for (const granted of agentsGranted(g, analysis.agents, "rewrite")) {
      const { agent } = granted;
      if (certainlyOtherAccount(stack, agent, res)) continue;
      const held = notOwnDenied(ctx, agent, res, granted.held);
      if (held.length === 0) continue;
      const conditional = s.conditions.length > 0 ? " (the Allow has conditions, which still count as a right)" : "";
      out.push({
        principal: agent.address,
        resource: res.address,
        actions: held,
        severity: severityOf(held),
        message: grantsOnly(held)
          ? `${agentCan(agent)} create grants on ${res.address} (${listActions(held)}), and so ${GRANT_USE}${conditional}; the key policy grants this itself, to ${whom(s)}, in ${statementName(s)}.`
          : `${agentCan(agent)} rewrite the resource policy in ${res.address} (${listActions(held)}), and so grant itself ` +
            `deletion on that resource${conditional}; the policy grants this itself, to ${whom(s)}, in ${statementName(s)}.`,
        fix: grantsOnly(held)
          ? `Condition ${statementName(s)} of ${res.address} on kms:GrantIsForAWSResource = true or on kms:ViaService (grants AWS services make for their own use), ` +
            `or take kms:CreateGrant out of it.`
          : `Take ${listActions(held)} out of ${statementName(s)} of ${res.address}, or name only a reviewed deploy role there instead of ` +
            `the agent; resource policies change through a reviewed deploy.`,
        evidence: [
          principalEvidence(agent),
          { step: "resource-policy", address: res.address, detail: `${statementName(s)}: ${statementSummary(s)}, to ${whom(s)}`, statements: [statementRef(s)] },
          { step: "resource-policy-rewrite", address: agent.address, detail: listActions(held) },
        ],
      });
    }
  }
  return out;
}

/**
 * A KMS grant hands out use of a key (Decrypt, Encrypt, ReEncrypt, GenerateDataKey, more grants), never deletion,
 * disabling or a policy change: the catalogue makes it a warning, and its findings say what it does give.
 */
function grantsOnly(actions: readonly string[]): boolean {
  return actions.length > 0 && actions.every((a) => a.toLowerCase() === "kms:creategrant");
}

const GRANT_USE =
  "hand itself or anyone use of the key (Decrypt, ReEncrypt, GenerateDataKey): it can read what the key protects, though no grant can allow " +
  "deleting, disabling or re-policying a key";

/** The principal element as a reviewer would search for it. */
function whom(s: Statement): string {
  if (s.notPrincipals) return `everyone except ${s.notPrincipals.flatMap((p) => p.identifiers).join(", ")}`;
  const ids = (s.principals ?? []).flatMap((p) => p.identifiers);
  return ids.includes("*") ? "everyone (*)" : ids.join(", ");
}
