import type { PlanRule } from "../rule";
import { changeFinding, tagDropped } from "../rule";
import { PROTECTED_TAG } from "../protected";
import { isUpdateOrReplace } from "../values";

export const protectedTagRemoved: PlanRule = {
  meta: {
    id: "plan-protected-tag-removed",
    title: "Plan removes the blastwall:protected tag",
    why:
      "The tag is what makes the gate protect a resource outside the built-in types. Removing it in one change lets the next change destroy the resource without approval.",
    fix: "Keep the tag. If the resource really no longer needs protection, have a human approve this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc) {
    if (!isUpdateOrReplace(rc.change.actions) || !tagDropped(rc, PROTECTED_TAG)) return [];
    return [
      changeFinding(rc, `The plan removes the ${PROTECTED_TAG} tag from ${rc.address}, so later plans could destroy it without approval.`, [
        { step: "weakened", address: rc.address, detail: `tag ${PROTECTED_TAG}: "true" → not "true"` },
      ]),
    ];
  },
};
