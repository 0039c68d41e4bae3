import type { PlanRule } from "../rule";
import { changeFinding, weakening, weakeningEvidence } from "../rule";
import { afterValue, getPath, isUpdateOrReplace } from "../values";

const TYPES = new Set(["aws_iam_role", "aws_iam_user"]);

export const permissionsBoundaryRemoved: PlanRule = {
  meta: {
    id: "plan-permissions-boundary-removed",
    title: "Plan removes or replaces a permissions boundary",
    why:
      "A permissions boundary caps everything a role or user can do, whatever policies are attached later. Removing it (or swapping it for another) " +
      "uncaps the principal: one policy attachment away from destroy rights.",
    fix: "Keep the boundary. If the change is intended, have a human approve this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc) {
    if (!TYPES.has(rc.type) || !isUpdateOrReplace(rc.change.actions)) return [];
    const before = getPath(rc.change.before, ["permissions_boundary"]);
    if (typeof before !== "string" || before === "") return [];
    const after = afterValue(rc.change, ["permissions_boundary"]);
    if (after.state === "known" && after.value === before) return [];
    const w = weakening(rc, ["permissions_boundary"], before, after);
    const removed = after.state === "known" && (after.value === null || after.value === undefined || after.value === "");
    const how = removed ? "removes the permissions boundary of" : after.state === "unknown" ? "sets an unknown permissions boundary on" : "replaces the permissions boundary of";
    return [changeFinding(rc, `The plan ${how} ${rc.address}: ${w.from} → ${w.to}.`, weakeningEvidence(rc, [w]))];
  },
};
