import type { Rule } from "../engine/rule";
import { REACH_UNKNOWN_FIX, reachFindings } from "./reach-support";
import { remediationUnknownFindings } from "./remediation-rewrites";

/**
 * Fail closed on reach: a wildcard `sts:AssumeRole` / `iam:PassRole`, a token-shaped stored credential, the role of
 * compute blastwall cannot resolve, or the state the deploy role applies, leads to rights the stack does not show.
 */
export const rule: Rule = {
  meta: {
    id: "agent-reach-unknown",
    title: "An AI agent can come to act as a principal whose rights blastwall cannot see",
    why:
      "A path that leaves the stack (roles matched by a wildcard, a token stored in a secret, a deploy role behind a writable " +
      "state file) may end in administrator rights. A gate that passes what it cannot see is worse than none.",
    fix: REACH_UNKNOWN_FIX,
    severity: "error",
    category: "reach",
  },
  check: (ctx) => [...reachFindings(ctx).unknown, ...remediationUnknownFindings(ctx)],
};
