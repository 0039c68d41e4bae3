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

/** Retention whose meaning depends on the type (another type's attribute of the same name may count differently). */
const TYPED_RETENTION: ReadonlyMap<string, (rc: PlanResourceChange) => Weakening[]> = new Map([
  ["aws_cloudwatch_log_group", (rc: PlanResourceChange) => present(logRetentionLowered(rc))],
  // Unset means the service default of seven years (2557 days).
  ["aws_cloudtrail_event_data_store", (rc: PlanResourceChange) => present(lowered(rc, ["retention_period"], 2557))],
  ["aws_dlm_lifecycle_policy", dlmWeakenings],
  // Records older than the new period are deleted at once; unset is the service default (24 hours, 4 days).
  ["aws_kinesis_stream", (rc: PlanResourceChange) => present(lowered(rc, ["retention_period"], 24))],
  ["aws_sqs_queue", (rc: PlanResourceChange) => present(lowered(rc, ["message_retention_seconds"], 345600))],
  // Time series older than the magnetic store's retention are deleted.
  ["aws_timestreamwrite_table", (rc: PlanResourceChange) => present(lowered(rc, ["retention_properties", 0, "magnetic_store_retention_period_in_days"]))],
  ["aws_keyspaces_table", (rc: PlanResourceChange) => present(switchedOff(rc, ["point_in_time_recovery", 0, "status"], enabled))],
  ["aws_lightsail_database", (rc: PlanResourceChange) => present(switchedOff(rc, ["backup_retention_enabled"]))],
  ["aws_redshift_cluster", (rc: PlanResourceChange) => present(manualSnapshotRetentionLowered(rc))],
]);

/** `ENABLED` (Keyspaces writes point-in-time recovery as a status). */
function enabled(v: unknown): boolean {
  return typeof v === "string" && v.trim().toUpperCase() === "ENABLED";
}

/** Days manual snapshots are kept by default; -1 (the default) keeps them until someone deletes them. */
function manualSnapshotRetentionLowered(rc: PlanResourceChange): Weakening | undefined {
  const path = ["manual_snapshot_retention_period"];
  const days = (v: unknown) => {
    const n = num(v);
    return n === -1 ? Infinity : n;
  };
  const before = days(getPath(rc.change.before, path)) ?? Infinity;
  const after = afterValue(rc.change, path);
  if (after.state === "known") {
    const a = after.value === null || after.value === undefined ? Infinity : days(after.value);
    if (a === undefined || a >= before) return undefined;
  }
  return weakening(rc, path, getPath(rc.change.before, path) ?? -1, after);
}

/** Types whose retention is of the data itself (logs, stream records, messages), not of backups. */
const RECORD_TYPES: ReadonlySet<string> = new Set(["aws_cloudwatch_log_group", "aws_cloudtrail_event_data_store", "aws_kinesis_stream", "aws_sqs_queue", "aws_timestreamwrite_table"]);

export const backupRetentionLowered: PlanRule = {
  meta: {
    id: "plan-backup-retention-lowered",
    title: "Plan lowers backup retention",
    why:
      "Lower retention deletes existing restore points at once and shortens how far back data can be recovered; 0 turns automated backups off. " +
      "Point-in-time recovery off, a backup plan or Data Lifecycle Manager policy that keeps recovery points or snapshots for less time (or no longer makes them) do the same, " +
      "and a log group (0: never expire) or CloudTrail event data store with shorter retention deletes the older logs, often the audit record, at once; " +
      "a Kinesis stream, SQS queue or Timestream table with shorter retention drops the records, messages and time series older than the new period. " +
      "Keyspaces point-in-time recovery off, Lightsail database backups off, and a shorter default retention of a Redshift cluster's manual snapshots (-1 keeps them) count too.",
    fix: "Keep retention at or above its current value (a log group at 0 keeps logs forever). If intended, have a human approve this exact plan.",
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
    ws.push(...(TYPED_RETENTION.get(rc.type)?.(rc) ?? []));
    if (ws.length === 0) return [];
    const what = RECORD_TYPES.has(rc.type) ? "retention of the records held by" : "backup retention on";
    return [changeFinding(rc, `The plan lowers ${what} ${rc.address}: ${describe(ws)}.`, weakeningEvidence(rc, ws))];
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

/** CloudWatch Logs: 0 or unset keeps logs forever, so 0 → 30 is a lowering and 30 → 0 a raise. */
function logRetentionLowered(rc: PlanResourceChange): Weakening | undefined {
  const path = ["retention_in_days"];
  const days = (v: unknown): number | undefined => (v === null || v === undefined || num(v) === 0 ? Infinity : num(v));
  const raw = getPath(rc.change.before, path);
  const before = days(raw);
  if (before === undefined) return undefined;
  const after = afterValue(rc.change, path);
  if (after.state === "known") {
    const a = days(after.value);
    if (a === undefined || a >= before) return undefined;
  }
  const w = weakening(rc, path, raw, after);
  return before === Infinity ? { ...w, from: `${raw === null || raw === undefined ? "not set" : w.from} (never expire)` } : w;
}

const DAYS_PER_UNIT: Readonly<Record<string, number>> = { DAYS: 1, WEEKS: 7, MONTHS: 28, YEARS: 365 };

/**
 * Data Lifecycle Manager: the policy switched off, a schedule removed, or a schedule's retain rule keeping fewer
 * snapshots (count) or keeping them for less time (interval). Schedules are matched by name.
 */
function dlmWeakenings(rc: PlanResourceChange): Weakening[] {
  const out: Weakening[] = [];
  const off = switchedOff(rc, ["state"], (v) => typeof v === "string" && v.toUpperCase() === "ENABLED");
  if (off) out.push(off);
  asList(getPath(rc.change.before, ["policy_details"])).forEach((details, d) => {
    const schedulesAfter = afterValue(rc.change, ["policy_details", d, "schedule"]);
    asList(details.schedule).forEach((b, s) => {
      const name = String(b.name ?? "");
      const label = `schedule "${name}"`;
      if (schedulesAfter.state === "unknown") {
        out.push({ path: ["policy_details", d, "schedule"], label, from: "present", to: "(known after apply)" });
        return;
      }
      const j = asList(schedulesAfter.value).findIndex((a) => String(a.name ?? "") === name);
      if (j < 0) {
        out.push({ path: ["policy_details", d, "schedule", s], label, from: "present", to: "removed (no more snapshots from it)" });
        return;
      }
      const w = retainLowered(rc, getPath(b, ["retain_rule", 0]), ["policy_details", d, "schedule", j, "retain_rule", 0]);
      if (w) out.push({ ...w, label: `${label} retain_rule` });
    });
  });
  return out;
}

/** How much a DLM retain rule keeps: a count of snapshots, or an age in days; undefined when it keeps nothing readable. */
function retention(rule: unknown): { count?: number; days?: number } | undefined {
  if (!isObject(rule)) return undefined;
  const count = num(rule.count);
  if (count !== undefined && count > 0) return { count };
  const interval = num(rule.interval);
  const unit = typeof rule.interval_unit === "string" ? DAYS_PER_UNIT[rule.interval_unit.toUpperCase()] : undefined;
  if (interval !== undefined && interval > 0 && unit !== undefined) return { days: interval * unit };
  return undefined;
}

function retainLowered(rc: PlanResourceChange, beforeRule: unknown, afterPath: (string | number)[]): Weakening | undefined {
  const b = retention(beforeRule);
  if (!b) return undefined;
  const known = afterValue(rc.change, afterPath);
  const after = known.state === "known" && anyMarked(getPath(rc.change.after_unknown, afterPath)) ? ({ state: "unknown" } as const) : known;
  const a = after.state === "known" ? retention(after.value) : undefined;
  // A count and an age cannot be compared: switching between them is left to a human.
  if (a && b.count !== undefined && a.count !== undefined && a.count >= b.count) return undefined;
  if (a && b.days !== undefined && a.days !== undefined && a.days >= b.days) return undefined;
  const to = after.state === "unknown" ? "(known after apply)" : a ? retainText(after.value) : "(keeps nothing blastwall can read)";
  return { path: afterPath, label: "retain_rule", from: retainText(beforeRule), to };
}

/** True when a marker tree (`after_unknown` below a path) holds `true` anywhere. */
function anyMarked(m: unknown): boolean {
  if (m === true) return true;
  if (Array.isArray(m)) return m.some(anyMarked);
  return isObject(m) && Object.values(m).some(anyMarked);
}

/** `count 30`, `interval 4 WEEKS`. */
function retainText(rule: unknown): string {
  const r = isObject(rule) ? rule : {};
  const count = num(r.count);
  if (count !== undefined && count > 0) return `count ${count}`;
  return `interval ${String(r.interval)} ${String(r.interval_unit)}`;
}

function present(w: Weakening | undefined): Weakening[] {
  return w ? [w] : [];
}

function asList(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}
