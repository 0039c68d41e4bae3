import type { PlanRule } from "../rule";
import { changeFinding, describe, lowered, weakeningEvidence } from "../rule";
import { isUpdateOrReplace } from "../values";

export const recoveryWindowShortened: PlanRule = {
  meta: {
    id: "plan-recovery-window-shortened",
    title: "Plan shortens a secret's recovery window",
    why:
      "Destroying a Secrets Manager secret only schedules its deletion: for the recovery window (30 days unless set) it can be restored. " +
      "A shorter window leaves less time to notice, and 0 makes the next destroy delete the secret and the credentials in it at once, for good.",
    fix: "Keep recovery_window_in_days at 30 (or leave it unset). If intended, have a human approve this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc) {
    if (rc.type !== "aws_secretsmanager_secret" || !isUpdateOrReplace(rc.change.actions)) return [];
    const w = lowered(rc, ["recovery_window_in_days"], 30);
    if (!w) return [];
    return [changeFinding(rc, `The plan shortens the recovery window of ${rc.address}: ${describe([w])}.`, weakeningEvidence(rc, [w]))];
  },
};
