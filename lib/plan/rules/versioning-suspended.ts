import type { PlanRule, Weakening } from "../rule";
import { changeFinding, describe, switchedOff, weakeningEvidence } from "../rule";
import { isUpdateOrReplace, truthy } from "../values";

function enabled(v: unknown): boolean {
  return truthy(v) || (typeof v === "string" && v.trim().toLowerCase() === "enabled");
}

export const versioningSuspended: PlanRule = {
  meta: {
    id: "plan-versioning-suspended",
    title: "Plan suspends S3 versioning or MFA delete",
    why:
      "Versioning keeps every overwritten and deleted object recoverable; MFA delete keeps versions from being deleted without a second factor. " +
      "Suspended, the next delete or overwrite is final.",
    fix: "Keep versioning (and MFA delete) enabled on buckets that hold data. If intended, have a human approve this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc) {
    if (!isUpdateOrReplace(rc.change.actions)) return [];
    const ws: (Weakening | undefined)[] = [];
    if (rc.type === "aws_s3_bucket_versioning") {
      ws.push(switchedOff(rc, ["versioning_configuration", 0, "status"], enabled));
      ws.push(switchedOff(rc, ["versioning_configuration", 0, "mfa_delete"], enabled));
    } else if (rc.type === "aws_s3_bucket") {
      ws.push(switchedOff(rc, ["versioning", 0, "enabled"], enabled));
      ws.push(switchedOff(rc, ["versioning", 0, "mfa_delete"], enabled));
    }
    const found = ws.filter((w): w is Weakening => !!w);
    if (found.length === 0) return [];
    return [changeFinding(rc, `The plan suspends versioning protection on ${rc.address}: ${describe(found)}.`, weakeningEvidence(rc, found))];
  },
};
