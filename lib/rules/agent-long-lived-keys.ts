import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import type { PrincipalNode } from "../engine/analysis-types";
import type { TfStack } from "../engine/terraform/types";
import { hasInterpolation, refTarget, resolveToPattern } from "../engine/terraform/tokens";
import { USER_CREDENTIALS } from "../engine/user-credentials";
import { principalEvidence } from "./support";
import { describe, resourceEvidence } from "./protection-support";

/**
 * Agents get temporary credentials only. An IAM user is a principal whose only credentials are long-lived, so
 * an agent user is itself the finding, and each key or password created for it is another one.
 */
export const rule: Rule = {
  meta: {
    id: "agent-long-lived-keys",
    title: "AI agent with long-lived credentials (IAM user or access key)",
    why:
      "An access key never expires on its own: once it is in an agent's context it ends up in a repository, a log or a prompt " +
      "(the April 2026 incident began with a broad token found in a file). Agents should only ever hold role sessions that " +
      "expire within the hour.",
    fix: "Replace the agent IAM user with an AgentRole (sessions of at most one hour) or a ScopedToken, and delete its access keys.",
    severity: "error",
    category: "protection",
  },
  check({ stack, analysis }) {
    const out: FindingDraft[] = [];
    // A user another stack's agent can act as is no agent's credential: that path is reported as a path.
    const users = analysis.agents.filter((a) => a.kind === "user" && a.peer?.reached !== true);
    const byAddress = new Map(users.map((u) => [u.address, u]));
    const byName = new Map(users.filter((u) => !u.name.includes("*")).map((u) => [u.name, u]));
    for (const user of users) {
      // A user outside the stack is not this stack's doing; the keys this stack creates for it are (below).
      if (user.external) continue;
      const r = user.resource;
      out.push({
        principal: user.address,
        resource: user.address,
        actions: [],
        message:
          `${describe(r)} is an AI agent IAM user: a user's credentials are long-lived, so whoever copies them keeps the agent's access. ` +
          "Use an AgentRole or a ScopedToken (temporary credentials) instead.",
        evidence: [principalEvidence(user), resourceEvidence(r, "aws_iam_user: long-lived credentials only")],
        ...(r.constructPath ? { constructPath: r.constructPath } : {}),
      });
    }
    for (const [type, { what, user: argument }] of Object.entries(USER_CREDENTIALS)) {
      for (const cred of stack.byType.get(type) ?? []) {
        const target = cred.values[argument];
        let user: PrincipalNode | undefined;
        const ref = refTarget(target);
        if (ref) user = byAddress.get(ref.address);
        // A literal name, or a reference that resolves to one (another checked stack's output, a variable).
        if (!user && typeof target === "string") user = byName.get(literalName(stack, target) ?? "");
        if (!user) continue;
        out.push({
          principal: user.address,
          resource: cred.address,
          actions: [],
          message:
            `${describe(cred)} gives AI agent user ${user.address} ${what}, which does not expire: a copy in a log or a prompt keeps working. ` +
            "Delete it and give the agent temporary credentials (AgentRole, ScopedToken).",
          evidence: [principalEvidence(user), resourceEvidence(cred, `${type} for ${user.address}`)],
          // The finding is the user's (its principal): the key's own path is the resourceConstructPath the runner adds.
          ...(user.resource.constructPath ? { constructPath: user.resource.constructPath } : {}),
        });
      }
    }
    return out;
  },
};

/** The user name a value gives: itself when literal, else what it certainly resolves to (the name part of an ARN). */
function literalName(stack: TfStack, value: string): string | undefined {
  if (!hasInterpolation(value)) return value;
  const r = resolveToPattern(stack, value);
  return r.exact ? r.pattern.slice(r.pattern.lastIndexOf("/") + 1) : undefined;
}
