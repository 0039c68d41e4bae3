import type { PlanRule } from "../rule";
import { changeFinding, tagDropped } from "../rule";
import { AGENT_TAG } from "../protected";
import { isDelete, isUpdateOrReplace } from "../values";
import { launchMarks } from "../../engine/agent-marks";
import { changeSideStack } from "../plan-to-stack";
import type { PlanResourceChange } from "../types";

/** Resources that only put a tag on another: deleting one removes the tag. */
const TAG_RESOURCES: ReadonlySet<string> = new Set(["aws_autoscaling_group_tag", "aws_ec2_tag"]);

/**
 * The mark EC2 puts on instances (a template's or fleet's tag_specifications, aws_autoscaling_group_tag, aws_ec2_tag),
 * read as the engine reads it (agent-marks.ts), there before the change and not known to be there after it.
 */
function launchMarkDropped(rc: PlanResourceChange): string | undefined {
  const before = changeSideStack(rc, "before", "");
  const mark = before && launchMarks(before).get(rc.address);
  if (mark === undefined) return undefined;
  const after = changeSideStack(rc, "after", "");
  return after && launchMarks(after).has(rc.address) ? undefined : mark.reason;
}

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
    const changed = isUpdateOrReplace(rc.change.actions);
    if (changed || (isDelete(rc.change.actions) && TAG_RESOURCES.has(rc.type))) {
      const reason = launchMarkDropped(rc);
      if (reason !== undefined && !(changed && tagDropped(rc, AGENT_TAG))) {
        return [
          changeFinding(
            rc,
            `The plan removes the ${AGENT_TAG} mark ${rc.address} puts on instances (${reason}): instances launched from now on no longer carry it, so the role they run as drops out of blastwall's agent checks, while instances already launched with it keep running the agent.`,
            [{ step: "weakened", address: rc.address, detail: `${reason} → not set` }],
          ),
        ];
      }
    }
    if (!changed || !tagDropped(rc, AGENT_TAG)) return [];
    return [
      changeFinding(rc, `The plan removes the ${AGENT_TAG} tag from ${rc.address}, taking it out of blastwall's agent checks.`, [
        { step: "weakened", address: rc.address, detail: `tag ${AGENT_TAG}: "true" → not "true"` },
      ]),
    ];
  },
};
