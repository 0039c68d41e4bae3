import type { PlanRule, Weakening } from "../rule";
import { changeFinding, describe, switchedOff, weakening, weakeningEvidence } from "../rule";
import type { PlanResourceChange } from "../types";
import { afterValue, isUpdateOrReplace, truthy } from "../values";

function enabled(v: unknown): boolean {
  return truthy(v) || (typeof v === "string" && v.trim().toLowerCase() === "enabled");
}

export const versioningSuspended: PlanRule = {
  meta: {
    id: "plan-versioning-suspended",
    title: "Plan suspends S3 versioning or MFA delete",
    why:
      "Versioning keeps every overwritten and deleted object recoverable; MFA delete keeps versions from being deleted without a second factor. " +
      "Suspended, the next delete or overwrite is final. A Cloud Control awscc_s3_bucket's versioning_configuration.status counts the same. Creating an aws_s3_bucket_versioning for a bucket that already exists sets its versioning " +
      "whatever it was before (the plan does not show that), so a create with any status but Enabled counts too.",
    fix: "Keep versioning (and MFA delete) enabled on buckets that hold data. If intended, have a human approve this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc) {
    if (rc.type === "aws_s3_bucket_versioning" && rc.change.actions.length === 1 && rc.change.actions[0] === "create") return createdNotEnabled(rc);
    if (!isUpdateOrReplace(rc.change.actions)) return [];
    const ws: (Weakening | undefined)[] = [];
    if (rc.type === "aws_s3_bucket_versioning") {
      ws.push(switchedOff(rc, ["versioning_configuration", 0, "status"], enabled));
      ws.push(switchedOff(rc, ["versioning_configuration", 0, "mfa_delete"], enabled));
    } else if (rc.type === "aws_s3_bucket") {
      ws.push(switchedOff(rc, ["versioning", 0, "enabled"], enabled));
      ws.push(switchedOff(rc, ["versioning", 0, "mfa_delete"], enabled));
    } else if (rc.type === "awscc_s3_bucket") {
      // CloudFormation's VersioningConfiguration.Status, an object in the Cloud Control provider (it has no MFA delete).
      ws.push(switchedOff(rc, ["versioning_configuration", "status"], enabled));
    }
    const found = ws.filter((w): w is Weakening => !!w);
    if (found.length === 0) return [];
    return [changeFinding(rc, `The plan suspends versioning protection on ${rc.address}: ${describe(found)}.`, weakeningEvidence(rc, found))];
  },
};

/**
 * A created versioning resource writes its status over the bucket's current one, which the plan does not show: a
 * versioned bucket suspended this way looks like a harmless create. Only Enabled is known to keep versions.
 */
function createdNotEnabled(rc: PlanResourceChange) {
  const path = ["versioning_configuration", 0, "status"];
  const status = afterValue(rc.change, path);
  if (status.state === "known" && enabled(status.value)) return [];
  const w = { ...weakening(rc, path, undefined, status), from: "(the bucket's current status, not in the plan)" };
  return [
    changeFinding(rc, `The plan creates ${rc.address}, which sets the bucket's versioning to something other than Enabled: ${describe([w])}.`, [
      { step: "create", address: rc.address, detail: "a created aws_s3_bucket_versioning overwrites the versioning status the bucket holds now, which the plan does not show" },
      ...weakeningEvidence(rc, [w]),
    ]),
  ];
}
