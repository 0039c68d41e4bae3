import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import { ReachGraph } from "../engine/reach/graph";
import { listActions } from "../report/summarize";
import { principalEvidence } from "./support";
import { capabilityEvidence, capabilityOf, chainText, pathEvidence, reachOf } from "./reach-support";

/**
 * The April 2026 lesson: the agent's own policy is not the whole story. Following every path by which it can
 * come to act as another principal (assume, pass, hijack, mint keys, read a stored credential), this reports
 * each principal it reaches that can destroy data or rewrite its own permissions, with the whole chain.
 */
export const rule: Rule = {
  meta: {
    id: "agent-transitive-destroy",
    title: "An AI agent can come to act as a principal that can delete data",
    why:
      "An agent that can assume a deploy role, pass an admin role to a Lambda, run commands on an instance or read a stored " +
      "token holds every right of that principal. In April 2026 an agent found a broad token and deleted a production volume and its backups.",
    fix:
      "Cut the weakest link of the chain shown: narrow the agent's sts:AssumeRole / iam:PassRole / secret reads to the exact " +
      "resources it needs, tighten the target's trust policy, or take the destroy rights off the target.",
    severity: "error",
    category: "reach",
  },
  check(ctx) {
    const graph = reachOf(ctx);
    const out: FindingDraft[] = [];
    for (const agent of ctx.analysis.agents) {
      const parent = graph.search(agent.address);
      for (const id of parent.keys()) {
        if (id === agent.address) continue;
        const target = ctx.analysis.byAddress.get(id);
        if (!target) continue;
        const cap = capabilityOf(ctx, target, agent);
        if (cap.destroy.length === 0 && cap.escalate.length === 0) continue;
        const path = ReachGraph.pathTo(parent, id);
        const actions = [...new Set([...cap.destroy, ...cap.escalate].flatMap((g) => g.actions))];
        const what = cap.destroy.length
          ? `can delete data or remove its protection (${listActions(actions)})`
          : cap.escalator === agent
            ? `the agent can rewrite (${listActions(actions)}), so it can grant it, and itself through it, any destroy right`
            : `can rewrite its own permissions (${listActions(actions)}) and so grant itself any destroy right`;
        out.push({
          principal: agent.address,
          resource: id,
          actions,
          message: `${agent.address} is an AI agent and can act as ${id}, which ${what}: ${chainText(agent.address, path)}.`,
          evidence: [
            principalEvidence(agent),
            ...pathEvidence(path),
            ...capabilityEvidence(target, cap),
            { step: "destroy-rights", address: id, detail: listActions(actions) },
          ],
        });
      }
    }
    return out;
  },
};
