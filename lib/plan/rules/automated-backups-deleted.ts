import type { PlanRule } from "../rule";
import { changeFinding, describe, switchedOn, weakeningEvidence } from "../rule";
import { isUpdateOrReplace } from "../values";

export const automatedBackupsDeleted: PlanRule = {
  meta: {
    id: "plan-automated-backups-deleted",
    title: "Plan deletes automated backups with the instance",
    why:
      "With delete_automated_backups on, deleting the DB instance also deletes its automated backups, so one destroy removes the database and the means to restore it.",
    fix: "Set delete_automated_backups = false on protected databases. If intended, have a human approve this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc) {
    if (!isUpdateOrReplace(rc.change.actions)) return [];
    const w = switchedOn(rc, ["delete_automated_backups"]);
    if (!w) return [];
    return [changeFinding(rc, `The plan makes ${rc.address} delete its automated backups along with it: ${describe([w])}.`, weakeningEvidence(rc, [w]))];
  },
};
