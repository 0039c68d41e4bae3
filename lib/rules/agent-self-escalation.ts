import type { Rule } from "../engine/rule";
import type { PrincipalNode } from "../engine/analysis-types";
import { globsIntersect } from "../engine/iam/glob";
import { listActions } from "../report/summarize";
import { statementFindings } from "./category-findings";
import { isPermissionWrite, selfTargets } from "./self-targets";

export const rule: Rule = {
  meta: {
    id: "agent-self-escalation",
    title: "An AI agent principal can rewrite its own permissions",
    why:
      "A principal that may put or attach a policy on itself, create a new version of a policy attached to it, or remove its own " +
      "permission boundary can grant itself every destroy right in one call: whatever else its policies say no longer matters.",
    fix:
      "Scope IAM write actions to resources that exclude the agent, its groups, its boundary and its attached policies " +
      "(better: give agents no IAM write actions at all), and deny them in the permission boundary (AgentRole does).",
    severity: "error",
    category: "agent-rights",
  },
  check(ctx) {
    const targets = new Map<string, string[]>();
    const targetsOf = (agent: PrincipalNode) => {
      let t = targets.get(agent.address);
      if (!t) targets.set(agent.address, (t = selfTargets(ctx.stack, ctx.analysis, agent)));
      return t;
    };
    return statementFindings(ctx, {
      categories: ["escalation"],
      keep: (agent) => (g) => isPermissionWrite(g.action) && g.resources.some((r) => targetsOf(agent).some((t) => globsIntersect(r, t))),
      says: (_a, g) =>
        `change its own permissions (${listActions(g.actions)}) on ${[...g.resources].join(", ")}, which covers itself, and so give itself any destroy right`,
      step: (agent) => ({ step: "self-escalation", detail: `the resources cover ${targetsOf(agent).join(", ")}` }),
    });
  },
};
