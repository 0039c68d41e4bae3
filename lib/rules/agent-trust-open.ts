import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import type { Statement } from "../engine/iam/types";
import { statementName } from "../engine/describe";
import { globMatch, globsIntersect } from "../engine/iam/glob";
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

const WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity";
const OIDC_PROVIDERS = "arn:*:iam::*:oidc-provider/*";

/** `*`, or a kind with nothing but wildcards after it (`project_path:*`, `repo:*`): any subject of the issuer. */
function anySubject(value: string): boolean {
  const colon = value.indexOf(":");
  return /^[*?]*$/.test(value) || (colon >= 0 && /^[*?]+$/.test(value.slice(colon + 1))) || (colon >= 0 && /^[*?]+$/.test(value.slice(0, colon)));
}

/**
 * The OIDC providers (`Federated`) a statement admits with no condition that pins the token's `sub`: every token of
 * the issuer may start a session, and for a public one (gitlab.com, GitHub's) that is anyone's CI job. Only a
 * positive string operator pins; an IfExists form holds without the key (a key of another issuer is never present).
 */
function unpinnedProviders(s: Statement): string[] {
  if (s.effect !== "Allow" || s.unknown !== undefined) return [];
  const ci = { caseInsensitive: true };
  const acts = s.actions ? s.actions.some((a) => globMatch(a, WEB_IDENTITY, ci)) : (s.notActions ?? []).every((a) => !globMatch(a, WEB_IDENTITY, ci));
  if (!acts) return [];
  const providers = (s.principals ?? []).filter((p) => p.type === "Federated").flatMap((p) => p.identifiers).filter((id) => globsIntersect(id, OIDC_PROVIDERS, ci));
  if (providers.length === 0) return [];
  const pinned = s.conditions.some(
    (c) =>
      c.key.toLowerCase().endsWith(":sub") &&
      /^(?:For(?:Any|All)Values:)?String(?:Equals|Like|EqualsIgnoreCase)$/i.test(c.operator) &&
      c.values.length > 0 &&
      !c.values.some(anySubject),
  );
  return pinned ? [] : providers;
}

/**
 * An agent role any AWS account can assume: its rights, and the agent's audit trail, are then anyone's. A source
 * identity condition does not help, since the caller chooses its source identity.
 */
export const rule: Rule = {
  meta: {
    id: "agent-trust-open",
    title: "AI agent role assumable by any AWS principal or any token of an OIDC issuer",
    why:
      "A trust policy that admits `*` lets a principal in any AWS account assume the agent role; the caller sets its own source " +
      "identity, so an `agent-*` condition is no barrier. An OIDC provider admitted without a condition on its `sub` claim lets " +
      "every token of the issuer in: for gitlab.com or GitHub's issuer, any project's CI job. Whatever the agent may do, strangers may do.",
    fix:
      "Name the principals that run the agent (the CI role, the OIDC provider with a StringEquals condition on its exact `sub`), " +
      "or add a condition on aws:PrincipalAccount / aws:PrincipalOrgID that pins them to your organisation.",
    severity: "error",
    category: "protection",
  },
  check({ analysis }) {
    const out: FindingDraft[] = [];
    for (const agent of ownAgentRoles(analysis.agents)) {
      for (const s of agent.trustPolicy?.statements ?? []) {
        for (const provider of unpinnedProviders(s)) {
          out.push({
            principal: agent.address,
            resource: s.source.address,
            actions: [],
            message:
              `${describe(agent.resource)} is an AI agent role whose trust policy (${statementName(s)}) admits every token of the OIDC provider ${provider}: no condition pins its sub claim to one subject, ` +
              "so every job or workload the issuer gives a token to may start a session (for gitlab.com or GitHub's issuer: any project or repository of anyone). " +
              "Add StringEquals <issuer>:sub = the exact subject (AgentPrincipal.gitlabCi and githubActions write it).",
            evidence: [principalEvidence(agent), { step: "trust", address: s.source.address, detail: `${statementName(s)}: Federated ${provider}, ${s.conditions.length ? s.conditions.map((c) => `${c.operator} ${c.key}`).join(", ") : "no conditions"}` }],
            ...(agent.resource.constructPath ? { constructPath: agent.resource.constructPath } : {}),
          });
        }
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
