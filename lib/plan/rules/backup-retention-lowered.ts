import type { PlanRule, Weakening } from "../rule";
import { changeFinding, describe, lowered, switchedOff, weakening, weakeningEvidence } from "../rule";
import { afterValue, getPath, isObject, isUpdateOrReplace, num } from "../values";
import type { PlanResourceChange } from "../types";

/** Retention counts (days, or snapshots kept) whose lowering shortens how far back data can be restored. */
const RETENTION: readonly string[] = [
  "backup_retention_period", // RDS, Aurora, DocumentDB, Neptune
  "automated_snapshot_retention_period", // Redshift
  "snapshot_retention_limit", // ElastiCache
  "automatic_backup_retention_days", // FSx
];

export const backupRetentionLowered: PlanRule = {
  meta: {
    id: "plan-backup-retention-lowered",
    title: "Plan lowers backup retention",
    why:
      "Lower retention deletes existing restore points at once and shortens how far back data can be recovered; 0 turns automated backups off. " +
      "Point-in-time recovery off and a backup plan that keeps recovery points for less time, or no longer makes them, do the same.",
    fix: "Keep retention at or above its current value. If intended, have a human approve this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc) {
    if (!isUpdateOrReplace(rc.change.actions)) return [];
    const ws: Weakening[] = [];
    for (const attr of RETENTION) {
      const w = lowered(rc, [attr]);
      if (w) ws.push(w);
    }
    if (rc.type === "aws_dynamodb_table") {
      const w = switchedOff(rc, ["point_in_time_recovery", 0, "enabled"]);
      if (w) ws.push(w);
    }
    if (rc.type === "aws_backup_plan") ws.push(...backupPlanWeakenings(rc));
    if (ws.length === 0) return [];
    return [changeFinding(rc, `The plan lowers backup retention on ${rc.address}: ${describe(ws)}.`, weakeningEvidence(rc, ws))];
  },
};

/** Backup plan rules matched by `rule_name`: a rule removed, or its lifecycle `delete_after` lowered. */
function backupPlanWeakenings(rc: PlanResourceChange): Weakening[] {
  const out: Weakening[] = [];
  const after = afterValue(rc.change, ["rule"]);
  const beforeRules = asList(getPath(rc.change.before, ["rule"]));
  if (after.state === "unknown") {
    if (beforeRules.length > 0) out.push(weakening(rc, ["rule"], `${beforeRules.length} rule(s)`, after));
    return out;
  }
  const afterRules = asList(after.value);
  beforeRules.forEach((b, i) => {
    const name = String(b.rule_name ?? "");
    const j = afterRules.findIndex((a) => String(a.rule_name ?? "") === name);
    if (j < 0) {
      out.push({ path: ["rule", i], label: `rule "${name}"`, from: "present", to: "removed (no more recovery points from it)" });
      return;
    }
    const bDays = num(getPath(b, ["lifecycle", 0, "delete_after"]));
    if (bDays === undefined) return;
    const aPath = ["rule", j, "lifecycle", 0, "delete_after"];
    const aVal = afterValue(rc.change, aPath);
    if (aVal.state === "known") {
      const aDays = num(aVal.value);
      if (aDays === undefined || aDays >= bDays) return; // unset delete_after keeps recovery points forever
    }
    out.push({ ...weakening(rc, aPath, bDays, aVal), label: `rule "${name}" lifecycle.delete_after` });
  });
  return out;
}

function asList(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}
