import type { PlanRule } from "../rule";
import { changeFinding, tagDropped } from "../rule";
import { AGENT_TAG } from "../protected";
import { isUpdateOrReplace } from "../values";

export const agentTagRemoved: PlanRule = {
  meta: {
    id: "plan-agent-tag-removed",
    title: "Plan removes the blastwall:agent tag",
    why:
      "The tag is what makes blastwall treat a role or user as an AI agent and check its rights. Removing it takes the principal out of every agent check, " +
      "and is exactly the change an agent would make to free itself.",
    fix: "Keep the tag on agent principals. If the principal really is no longer used by an agent, have a human approve this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc) {
    if (!isUpdateOrReplace(rc.change.actions) || !tagDropped(rc, AGENT_TAG)) return [];
    return [
      changeFinding(rc, `The plan removes the ${AGENT_TAG} tag from ${rc.address}, taking it out of blastwall's agent checks.`, [
        { step: "weakened", address: rc.address, detail: `tag ${AGENT_TAG}: "true" → not "true"` },
      ]),
    ];
  },
};
