import type { PlanRule } from "../rule";
import { changeFinding, tagDropped } from "../rule";
import { PROTECTED_TAG } from "../protected";
import type { PlanResourceChange } from "../types";
import { afterValue, getPath, isUpdateOrReplace, truthy, type Path } from "../values";

/** Resources that manage one tag of another resource (`key`, `value`, and the resource they tag). */
const TAG_RESOURCES: ReadonlySet<string> = new Set(["aws_ec2_tag", "aws_dynamodb_tag", "aws_ecs_tag", "aws_autoscaling_group_tag"]);

export const protectedTagRemoved: PlanRule = {
  meta: {
    id: "plan-protected-tag-removed",
    title: "Plan removes the blastwall:protected tag",
    why:
      "The tag is what makes the gate protect a resource outside the built-in types. Removing it in one change lets the next change destroy the resource without approval. " +
      "A tag resource (`aws_ec2_tag` and its kin) that sets the tag on another resource counts the same: destroyed, or created or changed to another value, it takes the tag away.",
    fix: "Keep the tag. If the resource really no longer needs protection, have a human approve this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc) {
    if (TAG_RESOURCES.has(rc.type)) return tagResourceFindings(rc);
    if (!isUpdateOrReplace(rc.change.actions) || !tagDropped(rc, PROTECTED_TAG)) return [];
    return [
      changeFinding(rc, `The plan removes the ${PROTECTED_TAG} tag from ${rc.address}, so later plans could destroy it without approval.`, [
        { step: "weakened", address: rc.address, detail: `tag ${PROTECTED_TAG}: "true" → not "true"` },
      ]),
    ];
  },
};

/**
 * A tag resource's `key` and `value`: one that holds the protected tag and is destroyed (or forgotten), or ends up
 * with another key or value; or one created (or changed) to write another value of the protected tag over the one the
 * tagged resource carries.
 */
function tagResourceFindings(rc: PlanResourceChange): ReturnType<PlanRule["check"]> {
  const actions = rc.change.actions;
  const target = tagged(rc);
  // `aws_autoscaling_group_tag` holds its key and value in a `tag` block.
  const at: Path = rc.type === "aws_autoscaling_group_tag" ? ["tag", 0] : [];
  const heldBefore = getPath(rc.change.before, [...at, "key"]) === PROTECTED_TAG && truthy(getPath(rc.change.before, [...at, "value"]));
  const key = afterValue(rc.change, [...at, "key"]);
  const value = afterValue(rc.change, [...at, "value"]);
  // A forget leaves the tag on the resource in AWS, but no longer in what the configuration or a later plan shows; a
  // replace that forgets writes the tag again through the new object, so what it writes after decides.
  const forgets = actions.includes("forget") && !actions.includes("create");
  const removes = actions.includes("delete") || forgets;
  const keptAfter = !removes && key.state === "known" && key.value === PROTECTED_TAG && value.state === "known" && truthy(value.value);
  const writesProtected = key.state === "unknown" || (key.state === "known" && key.value === PROTECTED_TAG);
  if (heldBefore && !keptAfter) {
    return [
      changeFinding(rc, `The plan takes the ${PROTECTED_TAG} tag off ${target} by ${forgets ? "forgetting" : removes ? "destroying" : "changing"} ${rc.address}, so later plans could destroy it without approval.`, [
        { step: "weakened", address: rc.address, detail: `tag ${PROTECTED_TAG} on ${target}: "true" → ${removes ? "removed" : "not \"true\""}` },
      ]),
    ];
  }
  if (!heldBefore && !removes && (actions.includes("create") || actions.includes("update")) && writesProtected && !(value.state === "known" && truthy(value.value))) {
    return [
      changeFinding(rc, `The plan writes the ${PROTECTED_TAG} tag of ${target} through ${rc.address} with a value other than "true" (or one known only after apply), taking away the protection the tag gives it.`, [
        { step: "weakened", address: rc.address, detail: `tag ${PROTECTED_TAG} on ${target}: → ${value.state === "unknown" ? "(known after apply)" : JSON.stringify(value.value)}` },
      ]),
    ];
  }
  return [];
}

/** What the tag resource tags, as the plan shows it. */
function tagged(rc: PlanResourceChange): string {
  for (const side of [rc.change.after, rc.change.before]) {
    for (const k of ["resource_id", "resource_arn", "autoscaling_group_name"]) {
      const v = getPath(side, [k]);
      if (typeof v === "string" && v !== "") return `the resource ${v}`;
    }
  }
  return "the resource it tags";
}
