import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import type { Statement } from "../engine/iam/types";
import { statementName } from "../engine/describe";
import { principalEvidence, ownAgentRoles } from "./support";
import { describe } from "./protection-support";

/** Condition keys that pin the caller to known accounts or principals: with one, `*` is no longer everyone. */
const PINNING_KEYS = new Set(["aws:principalaccount", "aws:principalorgid", "aws:principalarn", "aws:principalorgpaths", "aws:sourceaccount", "aws:sourceorgid"]);

/** The statement admits every AWS principal (`*`, `AWS: *`, or NotPrincipal) with nothing that pins the caller. */
function admitsAnyone(s: Statement): boolean {
  if (s.effect !== "Allow" || s.unknown !== undefined) return false;
  const everyone = s.notPrincipals !== undefined || (s.principals ?? []).some((p) => (p.type === "*" || p.type === "AWS") && p.identifiers.includes("*"));
  if (!everyone) return false;
  // Only a condition that must hold counts: an IfExists operator holds when the key is absent.
  return !s.conditions.some((c) => PINNING_KEYS.has(c.key.toLowerCase()) && !/IfExists$/i.test(c.operator) && !/^Null$/i.test(c.operator));
}

/**
 * An agent role any AWS account can assume: its rights, and the agent's audit trail, are then anyone's. A source
 * identity condition does not help, since the caller chooses its source identity.
 */
export const rule: Rule = {
  meta: {
    id: "agent-trust-open",
    title: "AI agent role assumable by any AWS principal",
    why:
      "A trust policy that admits `*` lets a principal in any AWS account assume the agent role; the caller sets its own source " +
      "identity, so an `agent-*` condition is no barrier. Whatever the agent may do, strangers may do.",
    fix:
      "Name the principals that run the agent (the CI role, the OIDC provider with a subject condition), or add a condition on " +
      "aws:PrincipalAccount / aws:PrincipalOrgID that pins them to your organisation.",
    severity: "error",
    category: "protection",
  },
  check({ analysis }) {
    const out: FindingDraft[] = [];
    for (const agent of ownAgentRoles(analysis.agents)) {
      for (const s of agent.trustPolicy?.statements ?? []) {
        if (!admitsAnyone(s)) continue;
        out.push({
          principal: agent.address,
          resource: s.source.address,
          actions: [],
          message: `${describe(agent.resource)} is an AI agent role whose trust policy (${statementName(s)}) admits any AWS principal, in any account, with no condition that pins the caller.`,
          evidence: [principalEvidence(agent), { step: "trust", address: s.source.address, detail: `${statementName(s)}: Principal * with no aws:PrincipalAccount / aws:PrincipalOrgID condition` }],
          ...(agent.resource.constructPath ? { constructPath: agent.resource.constructPath } : {}),
        });
      }
    }
    return out;
  },
};
