import type { PlanRule, Weakening } from "../rule";
import { changeFinding, describe, switchedOff, weakeningEvidence } from "../rule";
import { isUpdateOrReplace, truthy } from "../values";

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
    const ws = SWITCHES.map((s) => switchedOff(rc, [s], on)).filter((w): w is Weakening => !!w);
    if (ws.length === 0) return [];
    return [changeFinding(rc, `The plan turns deletion protection off on ${rc.address}: ${describe(ws)}.`, weakeningEvidence(rc, ws))];
  },
};
