import type { PlanRule } from "../rule";
import { changeFinding, describe, lowered, weakeningEvidence } from "../rule";
import { isUpdateOrReplace } from "../values";

const KMS_TYPES = new Set(["aws_kms_key", "aws_kms_replica_key", "aws_kms_external_key"]);

export const kmsDeletionWindowShortened: PlanRule = {
  meta: {
    id: "plan-kms-deletion-window-shortened",
    title: "Plan shortens a KMS key's deletion window",
    why:
      "The deletion window is the time to notice and cancel a scheduled key deletion; once the key is gone, everything encrypted under it is unreadable. " +
      "A shorter window leaves less time to stop it.",
    fix: "Keep deletion_window_in_days at 30 (the maximum). If intended, have a human approve this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc) {
    if (!KMS_TYPES.has(rc.type) || !isUpdateOrReplace(rc.change.actions)) return [];
    const w = lowered(rc, ["deletion_window_in_days"], 30);
    if (!w) return [];
    return [changeFinding(rc, `The plan shortens the deletion window of ${rc.address}: ${describe([w])}.`, weakeningEvidence(rc, [w]))];
  },
};
