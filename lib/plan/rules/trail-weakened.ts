import type { PlanRule, Weakening } from "../rule";
import { changeFinding, describe, switchedOff, weakeningEvidence } from "../rule";
import { isUpdateOrReplace } from "../values";

const SWITCHES: readonly string[] = [
  "enable_logging",
  "enable_log_file_validation",
  "is_multi_region_trail",
  "is_organization_trail",
  "include_global_service_events",
];

export const trailWeakened: PlanRule = {
  meta: {
    id: "plan-trail-weakened",
    title: "Plan weakens a CloudTrail trail",
    why:
      "The trail is the record of who deleted what. Logging off, log file validation off, or a narrower scope (single region, one account, no global events) " +
      "leaves destroys unrecorded or the record forgeable.",
    fix: "Keep logging, validation and the trail's scope. If intended, have a human approve this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc) {
    if (rc.type !== "aws_cloudtrail" || !isUpdateOrReplace(rc.change.actions)) return [];
    const ws = SWITCHES.map((s) => switchedOff(rc, [s])).filter((w): w is Weakening => !!w);
    if (ws.length === 0) return [];
    return [changeFinding(rc, `The plan weakens the trail ${rc.address}: ${describe(ws)}.`, weakeningEvidence(rc, ws))];
  },
};
