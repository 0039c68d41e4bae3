import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import { ReachGraph } from "../engine/reach/graph";
import { UNKNOWN_PREFIX } from "../engine/reach/types";
import { principalEvidence } from "./support";
import { chainText, pathEvidence, reachOf } from "./reach-support";

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
    fix:
      "Name the exact roles the agent may assume or pass (their ARNs, not `*`), keep credentials out of stores the agent can " +
      "read, and keep the Terraform state out of its reach. If the target is known to be harmless, acknowledge with a reason.",
    severity: "error",
    category: "reach",
  },
  check(ctx) {
    const graph = reachOf(ctx);
    const out: FindingDraft[] = [];
    for (const agent of ctx.analysis.agents) {
      const parent = graph.search(agent.address);
      for (const id of parent.keys()) {
        if (!id.startsWith(UNKNOWN_PREFIX)) continue;
        const path = ReachGraph.pathTo(parent, id);
        const detail = graph.unknownDetail.get(id) ?? id;
        out.push({
          principal: agent.address,
          resource: path[path.length - 1]?.evidence[0]?.address ?? id,
          actions: ["*"],
          message: `${agent.address} is an AI agent and can come to act as ${detail}; blastwall counts that as every right: ${chainText(agent.address, path)}.`,
          evidence: [principalEvidence(agent), ...pathEvidence(path), { step: "unknown", address: id, detail: `${detail}: possibly every action` }],
        });
      }
    }
    return out;
  },
};
