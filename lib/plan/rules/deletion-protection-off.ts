import type { PlanRule, Weakening } from "../rule";
import { changeFinding, describe, switchedOff, switchedOn, weakeningEvidence } from "../rule";
import type { PlanResourceChange } from "../types";
import { PROTECTED_TAG } from "../protected";
import { getPath, isUpdateOrReplace, tagValue, truthy } from "../values";

/** On: true, "true", "ACTIVE"/"ENABLED" (Cognito writes deletion_protection as a string). */
function on(v: unknown): boolean {
  return truthy(v) || (typeof v === "string" && /^(active|enabled)$/i.test(v.trim()));
}

/** Attributes that, while on, make AWS (or Terraform) refuse a delete. */
const SWITCHES: readonly string[] = [
  "deletion_protection", // RDS, Aurora, DocumentDB, Neptune, QLDB, Cognito, ...
  "deletion_protection_enabled", // DynamoDB
  "enable_deletion_protection", // load balancers
  "disable_api_termination", // EC2 instance termination protection
  "skip_destroy", // Organizations policies and others: destroy only drops the object from state
  "termination_protection_enabled", // CloudTrail event data stores
];

export const deletionProtectionOff: PlanRule = {
  meta: {
    id: "plan-deletion-protection-off",
    title: "Plan turns deletion protection off",
    why:
      "Deletion protection is what makes AWS refuse a delete from any caller, including a stale Terraform plan or an agent with a broad token. " +
      "Turning it off is the first step of every destroy, and is often split into a separate, harmless-looking change.",
    fix: "Keep deletion protection on. If the resource really must go, have a human approve this exact plan with `blastwall approve`.",
    severity: "error",
    category: "plan",
  },
  check(rc) {
    if (!isUpdateOrReplace(rc.change.actions)) return [];
    const ws = [...SWITCHES.map((s) => switchedOff(rc, [s], on)), ...instanceBypasses(rc)].filter((w): w is Weakening => !!w);
    if (ws.length === 0) return [];
    return [changeFinding(rc, `The plan turns deletion protection off on ${rc.address}: ${describe(ws)}.`, weakeningEvidence(rc, ws))];
  },
};

/**
 * An instance with termination protection (or tagged protected) still terminates when it shuts itself down with
 * `instance_initiated_shutdown_behavior = "terminate"`, which termination protection does not stop; and a root or
 * attached volume set to `delete_on_termination` goes with it.
 */
function instanceBypasses(rc: PlanResourceChange): (Weakening | undefined)[] {
  if (rc.type !== "aws_instance") return [];
  const guarded = (side: unknown) => on(getPath(side, ["disable_api_termination"])) || truthy(tagValue(side, PROTECTED_TAG, rc.type));
  if (!guarded(rc.change.before) && !guarded(rc.change.after)) return [];
  const terminate = (v: unknown) => typeof v === "string" && v.toLowerCase() === "terminate";
  const out: (Weakening | undefined)[] = [switchedOn(rc, ["instance_initiated_shutdown_behavior"], terminate)];
  for (const block of ["root_block_device", "ebs_block_device"]) {
    const devices = getPath(rc.change.after, [block]);
    if (Array.isArray(devices)) devices.forEach((_: unknown, i: number) => out.push(switchedOn(rc, [block, i, "delete_on_termination"])));
  }
  return out;
}
