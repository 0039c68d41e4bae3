import type { PlanRule } from "../rule";
import { changeFinding, describe, switchedOn, weakeningEvidence } from "../rule";
import { isUpdateOrReplace } from "../values";

export const finalSnapshotSkipped: PlanRule = {
  meta: {
    id: "plan-final-snapshot-skipped",
    title: "Plan skips the final snapshot",
    why: "With skip_final_snapshot on, destroying the database leaves no snapshot behind: the data is gone the moment the delete runs.",
    fix: "Keep skip_final_snapshot = false (and set final_snapshot_identifier). If intended, have a human approve this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc) {
    if (!isUpdateOrReplace(rc.change.actions)) return [];
    const w = switchedOn(rc, ["skip_final_snapshot"]);
    if (!w) return [];
    return [changeFinding(rc, `The plan makes ${rc.address} skip its final snapshot: ${describe([w])}.`, weakeningEvidence(rc, [w]))];
  },
};
