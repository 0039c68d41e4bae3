import type { PlanRule, Weakening } from "../rule";
import { changeFinding, describe, lowered, switchedOff, switchedOn, weakening, weakeningEvidence } from "../rule";
import { afterValue, getPath, isObject, isSensitive, isUpdateOrReplace, num, type AfterValue, type Path } from "../values";
import type { PlanJson, PlanResourceChange } from "../types";
import { configOf, expressionAt, hasConfiguration, namesCreated } from "../config-expressions";
import { withoutInstanceKeys } from "../../engine/agents";

/** Retention counts (days, or snapshots kept) whose lowering shortens how far back data can be restored. */
export const RETENTION: readonly string[] = [
  "backup_retention_period", // RDS, Aurora, DocumentDB, Neptune
  "automated_snapshot_retention_period", // Redshift
  "snapshot_retention_limit", // ElastiCache
  "automatic_backup_retention_days", // FSx
];

/** Retention whose meaning depends on the type (another type's attribute of the same name may count differently). */
const TYPED_RETENTION: ReadonlyMap<string, (rc: PlanResourceChange, plan?: PlanJson) => Weakening[]> = new Map<string, (rc: PlanResourceChange, plan?: PlanJson) => Weakening[]>([
  ["aws_cloudwatch_log_group", (rc: PlanResourceChange) => present(foreverLowered(rc, ["retention_in_days"], NEVER_EXPIRE))],
  // An EventBridge archive deletes the events older than its retention; 0 (or unset) keeps them forever.
  ["aws_cloudwatch_event_archive", (rc: PlanResourceChange) => present(foreverLowered(rc, ["retention_days"], NEVER_EXPIRE))],
  // AWS Config deletes the configuration history older than the period. One per region ("default"): unset, or created
  // over none, is the service default of seven years (2557 days), the most it keeps.
  ["aws_config_retention_configuration", (rc: PlanResourceChange) => present(configRetentionLowered(rc))],
  // A Glue table optimizer expires an Iceberg table's snapshots (and the files only they hold) or deletes its orphan
  // files: the Glue twin of an S3 table's snapshot management (red-team round 59).
  ["aws_glue_catalog_table_optimizer", (rc: PlanResourceChange, plan?: PlanJson) => glueOptimizerWeakened(rc, plan)],
  // Amazon Managed Service for Prometheus deletes the metrics older than a workspace's retention (unset: 150 days).
  ["aws_prometheus_workspace_configuration", (rc: PlanResourceChange, plan?: PlanJson) => present(metricsRetentionLowered(rc, plan))],
  // Security Lake writes the expiration as its bucket's S3 lifecycle: the normalized logs older than it are deleted.
  ["aws_securitylake_data_lake", (rc: PlanResourceChange) => securityLakeExpirationShortened(rc)],
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
  // Also the cross-region copies of its automated snapshots, written inline: Redshift deletes the copies older than a
  // lowered period at once, as for aws_redshift_snapshot_copy (red-team round 59).
  ["aws_redshift_cluster", (rc: PlanResourceChange) => [...present(foreverLowered(rc, ["manual_snapshot_retention_period"], KEEP_MANUAL_SNAPSHOT)), ...present(lowered(rc, ["snapshot_copy", 0, "retention_period"]))]],
  // A manual snapshot's own retention: the snapshot is deleted once it is older (at once, if it is already).
  ["aws_redshift_cluster_snapshot", (rc: PlanResourceChange) => present(foreverLowered(rc, ["manual_snapshot_retention_period"], KEEP_MANUAL_SNAPSHOT))],
  ["aws_redshiftserverless_snapshot", (rc: PlanResourceChange) => present(foreverLowered(rc, ["retention_period"], KEEP_MANUAL_SNAPSHOT))],
  // Cross-region copies of automated snapshots: Redshift deletes the copies older than a lowered period at once.
  ["aws_redshift_snapshot_copy", (rc: PlanResourceChange) => present(lowered(rc, ["retention_period"]))],
  // Video older than the new period is deleted; unset (0) keeps none.
  ["aws_kinesis_video_stream", (rc: PlanResourceChange) => present(lowered(rc, ["data_retention_in_hours"], 0))],
  // The automatic snapshot add-on takes a snapshot a day and keeps the last seven: off, none are taken. The provider
  // writes add_on for instances; AWS has the same add-on for disks, read here too should a provider version write it.
  ["aws_lightsail_instance", (rc: PlanResourceChange) => present(autoSnapshotOff(rc))],
  ["aws_lightsail_disk", (rc: PlanResourceChange) => present(autoSnapshotOff(rc))],
  // S3 Tables expire a table's snapshots (its time-travel history) and then delete the files no snapshot references.
  // Both run by default: snapshots older than 120 hours beyond the newest one; files unreferenced for 3 days, then
  // noncurrent for 10, are deleted for good.
  [
    "aws_s3tables_table",
    (rc: PlanResourceChange) =>
      maintenanceShortened(rc, ["maintenance_configuration", "iceberg_snapshot_management"], [["max_snapshot_age_hours", 120], ["min_snapshots_to_keep", 1]]),
  ],
  [
    "aws_s3tables_table_bucket",
    (rc: PlanResourceChange) =>
      maintenanceShortened(rc, ["maintenance_configuration", "iceberg_unreferenced_file_removal"], [["unreferenced_days", 3], ["non_current_days", 10]]),
  ],
  ["aws_msk_configuration", (rc: PlanResourceChange) => kafkaRetentionLowered(rc)],
  ["aws_msk_cluster", (rc: PlanResourceChange, plan?: PlanJson) => clusterConfigurationMoved(rc, plan)],
  ["aws_opensearchserverless_lifecycle_policy", (rc: PlanResourceChange, plan?: PlanJson) => indexRetentionShortened(rc, plan)],
]);

const GLUE_RETENTION = ["configuration", 0, "retention_configuration", 0, "iceberg_configuration", 0];
const GLUE_ORPHANS = ["configuration", 0, "orphan_file_deletion_configuration", 0, "iceberg_configuration", 0];

/**
 * A Glue table optimizer of type `retention` or `orphan_file_deletion`: its periods or counts lowered (unset: AWS's
 * 5 days and 1 snapshot, 3 days for orphans), expired files' cleanup or the optimizer switched on; created enabled on a
 * table the plan does not create, it starts deleting what the table kept.
 */
function glueOptimizerWeakened(rc: PlanResourceChange, plan?: PlanJson): Weakening[] {
  const type = afterValue(rc.change, ["type"]);
  const kind = type.state === "known" ? String(type.value) : "unknown";
  if (kind === "compaction") return [];
  const enabled = afterValue(rc.change, ["configuration", 0, "enabled"]);
  const on = enabled.state === "unknown" || enabled.value !== false;
  if (rc.change.before === null || rc.change.before === undefined) {
    if (!on || namesCreated(rc, plan, ["table_name"], ["aws_glue_catalog_table"])) return [];
    return [{ path: ["configuration", 0, "enabled"], label: `a new ${kind} optimizer on table ${JSON.stringify(getPath(rc.change.after, ["table_name"]) ?? "(known after apply)")}`, from: "(none: snapshots and files kept)", to: enabled.state === "unknown" ? "(known after apply)" : "enabled" }];
  }
  return [
    switchedOn(rc, ["configuration", 0, "enabled"]),
    lowered(rc, [...GLUE_RETENTION, "snapshot_retention_period_in_days"], 5),
    lowered(rc, [...GLUE_RETENTION, "number_of_snapshots_to_retain"], 1),
    switchedOn(rc, [...GLUE_RETENTION, "clean_expired_files"]),
    lowered(rc, [...GLUE_ORPHANS, "orphan_file_retention_period_in_days"], 3),
  ].filter((w): w is Weakening => w !== undefined);
}

/** The types whose own retention this rule reads (beside the attributes of RETENTION, which any type may have). */
export const RETENTION_TYPES: readonly string[] = ["aws_dynamodb_table", "awscc_dynamodb_table", "aws_backup_plan", ...TYPED_RETENTION.keys()];

/** `ENABLED` (Keyspaces writes point-in-time recovery as a status). */
function enabled(v: unknown): boolean {
  return typeof v === "string" && v.trim().toUpperCase() === "ENABLED";
}

/**
 * A retention where one value keeps data forever, and so does unset: any number after forever is a lowering, forever
 * after a number a raise. `unsetShown` stands for an unset value before (Redshift writes -1); `note` follows a
 * forever value before (`0 (never expire)`).
 */
interface Forever {
  readonly value: number;
  readonly unsetShown?: number;
  readonly note?: string;
}

/** CloudWatch Logs and EventBridge archives: 0 or unset keeps logs and events forever. */
const NEVER_EXPIRE: Forever = { value: 0, note: "never expire" };

/** Redshift manual snapshots: -1 (the provider's default) keeps them until someone deletes them. */
const KEEP_MANUAL_SNAPSHOT: Forever = { value: -1, unsetShown: -1 };

function foreverLowered(rc: PlanResourceChange, path: Path, forever: Forever): Weakening | undefined {
  const amount = (v: unknown): number | undefined => (v === null || v === undefined || num(v) === forever.value ? Infinity : num(v));
  const raw = getPath(rc.change.before, path);
  const before = amount(raw);
  if (before === undefined) return undefined;
  const after = afterValue(rc.change, path);
  if (after.state === "known") {
    const a = amount(after.value);
    if (a === undefined || a >= before) return undefined;
  }
  const unset = raw === null || raw === undefined;
  const w = weakening(rc, path, unset ? forever.unsetShown : raw, after);
  if (before !== Infinity || forever.note === undefined) return w;
  return { ...w, from: `${unset ? "not set" : w.from} (${forever.note})` };
}

/** Created, it replaces the region's current retention, which the plan does not show: at most the 2557-day default. */
function configRetentionLowered(rc: PlanResourceChange): Weakening | undefined {
  const w = lowered(rc, ["retention_period_in_days"], 2557);
  if (w === undefined || rc.change.before !== null) return w;
  return { ...w, from: "(current setting, not in the plan; unset is AWS Config's 2557, the most)" };
}

/**
 * A workspace's retention lowered (unset: 150 days). Created, the configuration replaces the retention of a workspace
 * that may hold metrics, which the plan does not show (up to 1095 days), unless the workspace is one this plan creates
 * (named by reference) or the configuration leaves the retention unset (the provider then sends none).
 */
function metricsRetentionLowered(rc: PlanResourceChange, plan?: PlanJson): Weakening | undefined {
  const path = ["retention_period_in_days"];
  if (rc.change.before !== null && rc.change.before !== undefined) return lowered(rc, path, 150);
  if (namesCreated(rc, plan, ["workspace_id"], ["aws_prometheus_workspace"])) return undefined;
  const after = afterValue(rc.change, path);
  if (after.state === "unknown" && plan !== undefined && hasConfiguration(plan) && expressionAt(configOf(plan, rc.address), path) === undefined) return undefined;
  const w = lowered(rc, path, 1095);
  return w && { ...w, from: "(the workspace's current retention, not in the plan; up to 1095)" };
}

function shownDays(raw: unknown): string {
  return raw === null || raw === undefined ? "not set (kept forever)" : JSON.stringify(raw);
}

/**
 * Security Lake: each region's `lifecycle_configuration.expiration.days` lowered, matched by region. No expiration
 * keeps the logs forever; transitions only move them to other storage classes.
 */
function securityLakeExpirationShortened(rc: PlanResourceChange): Weakening[] {
  const region = (c: Record<string, unknown>) => String(c.region ?? "");
  const configsAfter = afterValue(rc.change, ["configuration"]);
  const out: Weakening[] = [];
  asList(getPath(rc.change.before, ["configuration"])).forEach((b, i) => {
    const days = (v: unknown) => (v === null || v === undefined ? Infinity : num(v));
    const beforePath = ["configuration", i, "lifecycle_configuration", 0, "expiration", 0, "days"];
    const raw = getPath(rc.change.before, beforePath);
    const before = days(raw);
    if (before === undefined) return;
    const label = `configuration "${region(b)}" lifecycle_configuration.expiration.days`;
    if (configsAfter.state === "unknown") {
      out.push({ path: ["configuration"], label, from: shownDays(raw), to: "(known after apply)" });
      return;
    }
    const j = asList(configsAfter.value).findIndex((a) => region(a) === region(b));
    if (j < 0) return; // the data lake's region changed: Terraform replaces it, which plan-protected-delete judges
    const afterPath = ["configuration", j, "lifecycle_configuration", 0, "expiration", 0, "days"];
    const after = afterValue(rc.change, afterPath);
    if (after.state === "known") {
      const a = days(after.value);
      if (a === undefined || a >= before) return;
    }
    const w = weakening(rc, afterPath, raw, after);
    out.push({ ...w, label, from: raw === null || raw === undefined ? shownDays(raw) : w.from });
  });
  return out;
}

/** Types whose retention is of the data itself (logs, stream records, messages), not of backups. */
const RECORD_TYPES: ReadonlySet<string> = new Set(["aws_cloudwatch_log_group", "aws_cloudtrail_event_data_store", "aws_kinesis_stream", "aws_sqs_queue", "aws_timestreamwrite_table", "aws_kinesis_video_stream", "aws_cloudwatch_event_archive"]);

/** What a type's retention keeps, where "backup retention on" or "retention of the records held by" would mislead. */
const WHAT: Readonly<Record<string, string>> = {
  aws_msk_configuration: "the retention of the messages in every topic (without its own retention) of the clusters that use",
  aws_msk_cluster: "the retention of the messages held by",
  aws_opensearchserverless_lifecycle_policy: "the retention of the indexes covered by",
  aws_s3tables_table_bucket: "how long unreferenced files are kept in",
  aws_config_retention_configuration: "the retention of the AWS Config configuration history (the record of every resource change) set by",
  aws_securitylake_data_lake: "the retention of the security logs held by",
  aws_prometheus_workspace_configuration: "the retention of the metrics in the workspace of",
};

/**
 * Types whose create writes a retention over data that exists already: the index patterns of a lifecycle policy, the
 * region's one AWS Config retention configuration (PutRetentionConfiguration replaces "default"), a Prometheus
 * workspace's configuration, and a Glue table optimizer on an existing table.
 */
const CREATE_JUDGED: ReadonlySet<string> = new Set(["aws_opensearchserverless_lifecycle_policy", "aws_config_retention_configuration", "aws_prometheus_workspace_configuration", "aws_glue_catalog_table_optimizer"]);

export const backupRetentionLowered: PlanRule = {
  meta: {
    id: "plan-backup-retention-lowered",
    title: "Plan lowers backup retention",
    why:
      "Lower retention deletes existing restore points at once and shortens how far back data can be recovered; 0 turns automated backups off. " +
      "Turning point-in-time recovery off, or keeping logs, messages, records or snapshots for less time, loses data the same way " +
      "(docs/rules.md lists every setting this rule reads).",
    details:
      "Point-in-time recovery off (an awscc_dynamodb_table's point_in_time_recovery_specification too), a backup plan or Data Lifecycle " +
      "Manager policy that keeps recovery points or snapshots for less time (or no longer makes them) do the same, and a log group (0: " +
      "never expire) or CloudTrail event data store with shorter retention deletes the older logs, often the audit record, at once; a " +
      "Kinesis stream, SQS queue or Timestream table with shorter retention drops the records, messages and time series older than the new " +
      "period.\n\n" +
      "Keyspaces point-in-time recovery off, Lightsail database backups off, and a shorter default retention of a Redshift cluster's " +
      "manual snapshots (-1 keeps them) count too; so do:\n\n" +
      "- a Kinesis video stream's shorter retention;\n" +
      "- a Lightsail instance's automatic snapshots turned off;\n" +
      "- an S3 table's snapshot expiry or a table bucket's unreferenced file removal made sooner (or turned on);\n" +
      "- a Kafka broker retention (log.retention.ms, .minutes, .hours, .bytes) lowered in an MSK configuration or by moving a cluster to " +
      "another configuration revision;\n" +
      "- an OpenSearch Serverless lifecycle policy that keeps indexes for less time (created, it shortens retention from unlimited);\n" +
      "- an EventBridge archive's retention (0: forever);\n" +
      "- AWS Config's retention of the configuration history (created too: it replaces the region's setting, at most the 2557-day default);\n" +
      "- a Security Lake data lake's expiration (none: forever);\n" +
      "- a Redshift or Redshift Serverless manual snapshot's retention (-1 keeps it);\n" +
      "- the retention of a Redshift cluster's cross-region automated snapshot copies;\n" +
      "- a Prometheus workspace's metrics retention (unset: 150 days; created for a workspace the plan does not create, it replaces one " +
      "the plan does not show);\n" +
      "- and a Glue table optimizer's Iceberg snapshot or orphan file retention (lowered, cleanup switched on, or created enabled on a " +
      "table the plan does not create).",
    fix: "Keep retention at or above its current value (a log group at 0 keeps logs forever). If intended, have a human approve this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc, ctx) {
    const created = rc.change.actions.length === 1 && rc.change.actions[0] === "create";
    if (!isUpdateOrReplace(rc.change.actions) && !(created && CREATE_JUDGED.has(rc.type))) return [];
    const ws: Weakening[] = [];
    for (const attr of RETENTION) {
      const w = lowered(rc, [attr]);
      if (w) ws.push(w);
    }
    if (rc.type === "aws_dynamodb_table") {
      const w = switchedOff(rc, ["point_in_time_recovery", 0, "enabled"]);
      if (w) ws.push(w);
    }
    if (rc.type === "awscc_dynamodb_table") {
      // CloudFormation's PointInTimeRecoverySpecification, an object in the Cloud Control provider (red-team round 88).
      const w = switchedOff(rc, ["point_in_time_recovery_specification", "point_in_time_recovery_enabled"]);
      if (w) ws.push(w);
    }
    if (rc.type === "aws_backup_plan") ws.push(...backupPlanWeakenings(rc));
    ws.push(...(TYPED_RETENTION.get(rc.type)?.(rc, ctx?.plan) ?? []));
    if (ws.length === 0) return [];
    const what = WHAT[rc.type] ?? (RECORD_TYPES.has(rc.type) ? "retention of the records held by" : "backup retention on");
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

/** The Lightsail AutoSnapshot add-on Enabled before; after Disabled, removed, or unknown until apply. */
function autoSnapshotOff(rc: PlanResourceChange): Weakening | undefined {
  const isAuto = (a: unknown) => isObject(a) && typeof a.type === "string" && a.type.trim().toLowerCase() === "autosnapshot";
  const enabled = (a: unknown) => isObject(a) && typeof a.status === "string" && a.status.trim().toLowerCase() === "enabled";
  const before = asList(getPath(rc.change.before, ["add_on"])).find(isAuto);
  if (!enabled(before)) return undefined;
  const label = 'add_on "AutoSnapshot".status';
  const after = afterValue(rc.change, ["add_on"]);
  if (after.state === "unknown") return { path: ["add_on"], label, from: '"Enabled"', to: "(known after apply)" };
  const list: unknown[] = Array.isArray(after.value) ? after.value : [];
  const j = list.findIndex(isAuto);
  if (j < 0) return { path: ["add_on"], label, from: '"Enabled"', to: "removed (no more automatic snapshots)" };
  const status = afterValue(rc.change, ["add_on", j, "status"]);
  if (status.state === "known" && enabled(list[j])) return undefined;
  return { ...weakening(rc, ["add_on", j, "status"], before?.status, status), label };
}

/**
 * An S3 Tables maintenance job that deletes (snapshot expiry, unreferenced file removal): turned on from disabled, or
 * a setting that decides how long data is kept lowered. Unset status is enabled (the default); an unset status after
 * is the provider keeping what AWS holds. Disabled after deletes nothing.
 */
function maintenanceShortened(rc: PlanResourceChange, block: Path, settings: readonly (readonly [string, number])[]): Weakening[] {
  const statusPath = [...block, "status"];
  const on = (v: unknown) => typeof v !== "string" || v.trim().toLowerCase() === "enabled";
  const rawBefore = getPath(rc.change.before, statusPath);
  const beforeOn = on(rawBefore);
  const status = afterValue(rc.change, statusPath);
  const unsetAfter = status.state === "known" && (status.value === null || status.value === undefined);
  if (status.state === "known" && !(unsetAfter ? beforeOn : on(status.value))) return [];
  if (!beforeOn) return [weakening(rc, statusPath, rawBefore, status)];
  return settings.map(([k, unset]) => lowered(rc, [...block, "settings", k], unset)).filter((w): w is Weakening => !!w);
}

/** Kafka's broker defaults: messages kept 168 hours, with no size limit. */
const KAFKA_DEFAULT: KafkaRetention = { ms: 168 * 3_600_000, bytes: Infinity, time: "(not set: 168 hours)", size: "(not set: no limit)", compacts: false, cleanup: "(not set: delete)" };

/** What the broker properties keep: milliseconds and bytes per partition (Infinity: no limit; NaN: a value blastwall cannot read). */
interface KafkaRetention {
  readonly ms: number;
  readonly bytes: number;
  /** The property deciding it, as written (`log.retention.hours=168`), or the default. */
  readonly time: string;
  readonly size: string;
  /** `log.cleanup.policy` includes `compact`: the brokers delete every record of a key but its latest. */
  readonly compacts: boolean;
  readonly cleanup: string;
}

/** Time retention goes by log.retention.ms, else .minutes, else .hours (Kafka's order); -1 keeps messages forever. */
const TIME_KEYS: readonly (readonly [string, number])[] = [
  ["log.retention.ms", 1],
  ["log.retention.minutes", 60_000],
  ["log.retention.hours", 3_600_000],
];

/** The retention a server.properties text sets, read as `java.util.Properties.load` reads it (see `javaProperties`). */
function kafkaRetention(text: unknown): KafkaRetention {
  if (typeof text !== "string") return KAFKA_DEFAULT;
  const props = javaProperties(text);
  // Text Java refuses to load (a malformed `\\uXXXX`): what the broker keeps is not known.
  if (props === undefined) return { ms: NaN, bytes: NaN, time: "(server_properties blastwall cannot read)", size: "(server_properties blastwall cannot read)", compacts: true, cleanup: "(server_properties blastwall cannot read)" };
  const amount = (v: string, unit: number) => {
    // Kafka reads these as a Java long: an explicit `+` sign is allowed, as are surrounding blanks (red-team round 54).
    const n = num(v.trim().replace(/^\+(?=\d)/, ""));
    return n === undefined ? NaN : n < 0 ? Infinity : n * unit;
  };
  const timeKey = TIME_KEYS.find(([k]) => props.has(k));
  const bytes = props.get("log.retention.bytes");
  const cleanup = props.get("log.cleanup.policy");
  return {
    compacts: cleanup !== undefined && cleanup.split(",").some((p) => p.trim().toLowerCase() === "compact"),
    cleanup: cleanup === undefined ? KAFKA_DEFAULT.cleanup : `log.cleanup.policy=${cleanup}`,
    ms: timeKey ? amount(props.get(timeKey[0]) ?? "", timeKey[1]) : KAFKA_DEFAULT.ms,
    bytes: bytes === undefined ? Infinity : amount(bytes, 1),
    time: timeKey ? `${timeKey[0]}=${props.get(timeKey[0])}` : KAFKA_DEFAULT.time,
    size: bytes === undefined ? KAFKA_DEFAULT.size : `log.retention.bytes=${bytes}`,
  };
}

/** Java's whitespace in a properties file: space, tab, form feed. */
const JAVA_SPACE = new Set([" ", "\t", "\f"]);

/**
 * The key/value pairs of a Java properties text, as `java.util.Properties.load(Reader)` reads them (Kafka brokers load
 * server.properties with it): natural lines end at `\n`, `\r` or `\r\n`; a line whose first non-blank character is
 * `#` or `!` is a comment; a line ending in an odd number of backslashes continues on the next, whose leading blanks
 * are dropped; the key ends at the first unescaped `=`, `:` or blank, then blanks and one `=` or `:` separate it from
 * the value; `\\uXXXX`, `\\t`, `\\n`, `\\r`, `\\f` are escapes and a backslash before any other character stands for that
 * character. The last value of a key wins. Undefined for a malformed `\\u` escape, which Java refuses.
 */
function javaProperties(text: string): Map<string, string> | undefined {
  const lines = text.split(/\r\n|\r|\n/);
  const out = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    let line = dropLeading(lines[i]);
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue;
    // Logical line: join continuations (an odd run of trailing backslashes).
    while (trailingBackslashes(line) % 2 === 1) {
      line = line.slice(0, -1);
      if (++i >= lines.length) break;
      line += dropLeading(lines[i]);
    }
    let k = 0;
    let escaped = false;
    for (; k < line.length; k++) {
      const c = line[k];
      if (escaped) escaped = false;
      else if (c === "\\") escaped = true;
      else if (c === "=" || c === ":" || JAVA_SPACE.has(c)) break;
    }
    let v = k;
    while (v < line.length && JAVA_SPACE.has(line[v])) v++;
    if (v < line.length && (line[v] === "=" || line[v] === ":")) v++;
    while (v < line.length && JAVA_SPACE.has(line[v])) v++;
    const key = unescapeJava(line.slice(0, k));
    const value = unescapeJava(line.slice(v));
    if (key === undefined || value === undefined) return undefined;
    out.set(key, value);
  }
  return out;
}

function dropLeading(s: string): string {
  let i = 0;
  while (i < s.length && JAVA_SPACE.has(s[i])) i++;
  return s.slice(i);
}

function trailingBackslashes(s: string): number {
  let n = 0;
  while (n < s.length && s[s.length - 1 - n] === "\\") n++;
  return n;
}

function unescapeJava(s: string): string | undefined {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = s[++i];
    if (e === undefined) break; // a lone backslash at the very end is dropped
    if (e === "u") {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return undefined;
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else out += e === "t" ? "\t" : e === "n" ? "\n" : e === "r" ? "\r" : e === "f" ? "\f" : e;
  }
  return out;
}

/**
 * Broker properties (an MSK configuration's server_properties, a template's ServerProperties) that keep less than
 * the ones before: a shorter time or size, compaction turned on, or a text blastwall cannot read.
 */
export function kafkaPropertiesLowered(before: unknown, after: unknown): boolean {
  return kafkaLowered(kafkaRetention(before), kafkaRetention(after), "", []).length > 0;
}

/** Less kept after than before (a value blastwall cannot read counts as less after, and as unlimited before). */
function kafkaLowered(before: KafkaRetention, after: KafkaRetention, label: string, path: Path): Weakening[] {
  const less = (a: number, b: number) => Number.isNaN(a) || a < (Number.isNaN(b) ? Infinity : b);
  const out: Weakening[] = [];
  if (less(after.ms, before.ms)) out.push({ path, label: `${label} retention time`, from: before.time, to: after.time });
  if (less(after.bytes, before.bytes)) out.push({ path, label: `${label} retention size`, from: before.size, to: after.size });
  // Compaction keeps only each key's latest record: turned on, it deletes the history of every topic without its own policy.
  if (after.compacts && !before.compacts) out.push({ path, label: `${label} cleanup policy`, from: before.cleanup, to: after.cleanup });
  return out;
}

/**
 * An MSK configuration's new revision: the broker retention of every topic without its own is what it sets. A
 * cluster that follows `latest_revision` moves to it in the same apply (and is judged too); one pinned to a revision
 * moves later, by a plan that then shows the move. A create sets nothing for any cluster until one moves to it.
 */
function kafkaRetentionLowered(rc: PlanResourceChange): Weakening[] {
  const after = afterValue(rc.change, ["server_properties"]);
  const before = kafkaRetention(getPath(rc.change.before, ["server_properties"]));
  if (after.state === "unknown") return [{ path: ["server_properties"], label: "server_properties", from: `${before.time}, ${before.size}`, to: "(known after apply)" }];
  return kafkaLowered(before, kafkaRetention(after.value), "server_properties", ["server_properties"]);
}

/**
 * A cluster moved to another configuration, or another revision of it: its brokers take that revision's retention.
 * The revision moved to must be one the plan shows (a configuration of this plan, named by ARN or by reference, at
 * its latest revision before or after the plan); otherwise what it keeps cannot be told, and the move counts. The
 * revision moved from is compared when the plan shows it, else Kafka's default (what MSK's default configuration
 * keeps): a move between revisions the plan does not show would otherwise count on every routine rollout.
 */
function clusterConfigurationMoved(rc: PlanResourceChange, plan?: PlanJson): Weakening[] {
  const arnPath = ["configuration_info", 0, "arn"];
  const revPath = ["configuration_info", 0, "revision"];
  const arnBefore = getPath(rc.change.before, arnPath);
  const revBefore = num(getPath(rc.change.before, revPath));
  const arnAfter = afterValue(rc.change, arnPath);
  const revAfter = afterValue(rc.change, revPath);
  if (arnAfter.state === "known" && revAfter.state === "known" && arnAfter.value === arnBefore && num(revAfter.value) === revBefore) return [];
  const named = (arn: unknown, rev: unknown) => (typeof arn === "string" ? `${arn} revision ${rev === undefined || rev === null ? "(not set)" : String(rev)}` : "MSK's default configuration");
  const fromName = named(arnBefore, revBefore);
  const from = typeof arnBefore === "string" ? revisionBefore(plan, arnBefore, revBefore) : KAFKA_DEFAULT;
  const noArn = arnAfter.state === "known" && typeof arnAfter.value !== "string";
  const to = noArn ? { retention: KAFKA_DEFAULT, name: named(undefined, undefined) } : movedTo(rc, plan, arnAfter, revAfter);
  if (to.retention === undefined) return [{ path: ["configuration_info"], label: "configuration_info", from: fromName, to: `${to.name}, whose server properties the plan does not show` }];
  const base = from ?? { ...KAFKA_DEFAULT, time: `168 hours (Kafka's default, taken for ${fromName}, which the plan does not show)` };
  return kafkaLowered(base, to.retention, `configuration_info (${fromName} → ${to.name})`, ["configuration_info"]);
}

/** The server properties of revision `rev` of the configuration whose ARN is `arn`, when the plan shows that revision. */
function revisionBefore(plan: PlanJson | undefined, arn: string, rev: number | undefined): KafkaRetention | undefined {
  const c = (plan?.resource_changes ?? []).find((x) => x.type === "aws_msk_configuration" && getPath(x.change.before, ["arn"]) === arn);
  return c === undefined || rev === undefined ? undefined : atRevision(c, rev);
}

/** A configuration's content at a revision: its latest before the plan, or (known) after it. */
function atRevision(c: PlanResourceChange, rev: number): KafkaRetention | undefined {
  if (num(getPath(c.change.before, ["latest_revision"])) === rev) return kafkaRetention(getPath(c.change.before, ["server_properties"]));
  const latest = afterValue(c.change, ["latest_revision"]);
  const props = afterValue(c.change, ["server_properties"]);
  if (latest.state === "known" && num(latest.value) === rev && props.state === "known") return kafkaRetention(props.value);
  return undefined;
}

/**
 * What the cluster moves to, and its name for the message: found by ARN, or by the configuration's reference; a
 * revision unknown until apply must be that configuration's latest.
 */
function movedTo(rc: PlanResourceChange, plan: PlanJson | undefined, arn: AfterValue, rev: AfterValue): { readonly retention?: KafkaRetention; readonly name: string } {
  const config = configOf(plan, rc.address);
  const refersTo = (path: Path) => {
    const e = expressionAt(config, path);
    const refs = isObject(e) && Array.isArray(e.references) ? e.references.filter((r): r is string => typeof r === "string") : [];
    const m = refs.map((r) => /^(aws_msk_configuration\.[A-Za-z_][A-Za-z0-9_-]*)(?:\.|$)/.exec(r)).filter((x): x is RegExpExecArray => x !== null);
    const addresses = [...new Set(m.map((x) => x[1]))];
    return addresses.length === 1 && refs.length === m.length ? `${config?.prefix ?? ""}${addresses[0]}` : undefined;
  };
  const revision = rev.state === "known" ? (rev.value === null || rev.value === undefined ? "(not set)" : String(rev.value)) : "(known after apply)";
  const changes = plan?.resource_changes ?? [];
  let c: PlanResourceChange | undefined;
  let name: string;
  if (arn.state === "known" && typeof arn.value === "string") {
    const byArn = arn.value;
    c = changes.find((x) => x.type === "aws_msk_configuration" && (getPath(x.change.before, ["arn"]) === byArn || getPath(x.change.after, ["arn"]) === byArn));
    name = `${byArn} revision ${revision}`;
  } else {
    const address = refersTo(["configuration_info", 0, "arn"]);
    const instances = changes.filter((x) => withoutInstanceKeys(x.address) === address);
    c = address !== undefined && instances.length === 1 && instances[0].address === address && instances[0].type === "aws_msk_configuration" ? instances[0] : undefined;
    name = `${address ?? "a configuration known after apply"} revision ${revision}`;
  }
  if (c === undefined) return { name };
  const n = rev.state === "known" ? num(rev.value) : undefined;
  if (rev.state === "known") return { retention: n === undefined ? undefined : atRevision(c, n), name };
  // Known after apply: the configuration's latest revision, when the configuration says so.
  if (refersTo(["configuration_info", 0, "revision"]) !== withoutInstanceKeys(c.address)) return { name };
  const props = afterValue(c.change, ["server_properties"]);
  return { retention: props.state === "known" ? kafkaRetention(props.value) : undefined, name: `${withoutInstanceKeys(c.address)} at its latest revision (known after apply)` };
}

/** A retention in hours (Infinity: kept until deleted; NaN: a value blastwall cannot read), and how the policy writes it. */
interface IndexRetention {
  readonly hours: number;
  readonly text: string;
}

const KEPT: IndexRetention = { hours: Infinity, text: "(no rule: kept until deleted)" };

/**
 * OpenSearch Serverless deletes the documents of the indexes a retention rule covers once they are older than its
 * MinIndexRetention. Each index pattern is compared with the rule for the same pattern before (none: kept until
 * deleted, so a created policy counts for every pattern), unless the pattern is in a collection this plan creates,
 * which holds no index yet.
 */
function indexRetentionShortened(rc: PlanResourceChange, plan?: PlanJson): Weakening[] {
  const type = afterValue(rc.change, ["type"]);
  if (type.state === "known" && typeof type.value === "string" && type.value.trim().toLowerCase() !== "retention") return [];
  const before = indexRetentions(getPath(rc.change.before, ["policy"])) ?? new Map<string, IndexRetention>();
  const policy = afterValue(rc.change, ["policy"]);
  const shownBefore = rc.change.before === null || rc.change.before === undefined ? "(no policy)" : before.size === 0 ? KEPT.text : [...before].map(([r, v]) => `${r} ${v.text}`).join(", ");
  if (policy.state === "unknown" || isSensitive(rc.change, ["policy"])) return [{ path: ["policy"], label: "policy", from: shownBefore, to: policy.state === "unknown" ? "(known after apply)" : "(sensitive)" }];
  const after = indexRetentions(policy.value);
  if (after === undefined) return [{ path: ["policy"], label: "policy", from: shownBefore, to: "(not a lifecycle policy blastwall can read)" }];
  const fresh = newCollections(rc, plan);
  const out: Weakening[] = [];
  for (const [resource, now] of after) {
    const was = before.get(resource);
    if (was === undefined && fresh.has(collectionOf(resource) ?? "")) continue;
    const then = was ?? KEPT;
    if (!Number.isNaN(now.hours) && now.hours >= then.hours) continue;
    out.push({ path: ["policy"], label: `policy rule for ${JSON.stringify(resource)}`, from: then.text, to: now.text });
  }
  return out;
}

/** The retention of each index pattern of a lifecycle policy's text; undefined when it is not JSON with a list of rules. */
function indexRetentions(text: unknown): Map<string, IndexRetention> | undefined {
  if (typeof text !== "string") return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(doc) || !Array.isArray(doc.Rules)) return undefined;
  const out = new Map<string, IndexRetention>();
  for (const rule of doc.Rules) {
    if (!isObject(rule) || (typeof rule.ResourceType === "string" && rule.ResourceType.toLowerCase() !== "index")) continue;
    const r = retentionOf(rule) ?? retentionOf(doc) ?? KEPT;
    for (const resource of Array.isArray(rule.Resource) ? rule.Resource : [rule.Resource]) {
      if (typeof resource !== "string") continue;
      const had = out.get(resource);
      if (had === undefined || r.hours < had.hours || Number.isNaN(r.hours)) out.set(resource, r);
    }
  }
  return out;
}

/** `"MinIndexRetention": "24h"` or `"15d"`, or `"NoMinIndexRetention": true`; undefined when neither is given. */
function retentionOf(o: Record<string, unknown>): IndexRetention | undefined {
  if (o.NoMinIndexRetention === true) return { hours: Infinity, text: "NoMinIndexRetention" };
  const v = o.MinIndexRetention;
  if (v === undefined || v === null) return undefined;
  const m = typeof v === "string" ? /^\s*(\d+)\s*([hd])\s*$/i.exec(v) : null;
  const hours = m ? Number(m[1]) * (m[2].toLowerCase() === "d" ? 24 : 1) : NaN;
  return { hours, text: `MinIndexRetention ${JSON.stringify(v)}${m ? "" : " (not a retention blastwall can read)"}` };
}

/** The collection an index pattern names (`index/logs/*` → `logs`), when it names one without a wildcard. */
function collectionOf(resource: string): string | undefined {
  const m = /^index\/([^/*?]+)\//i.exec(resource);
  return m ? m[1] : undefined;
}

/**
 * Names of the collections the policy's configuration refers to whose every instance this plan creates: they hold no
 * index yet, and the reference makes Terraform create the policy only once they exist (a collection whose create
 * fails, because one of its name exists, leaves the policy uncreated).
 */
function newCollections(rc: PlanResourceChange, plan?: PlanJson): Set<string> {
  const out = new Set<string>();
  const config = configOf(plan, rc.address);
  const e = expressionAt(config, ["policy"]);
  if (!config || !plan || !hasConfiguration(plan) || !isObject(e) || !Array.isArray(e.references)) return out;
  for (const ref of e.references) {
    const m = typeof ref === "string" ? /^(aws_opensearchserverless_collection\.[A-Za-z_][A-Za-z0-9_-]*)(?:\.|\[|$)/.exec(ref) : null;
    if (!m) continue;
    const instances = plan.resource_changes.filter((c) => withoutInstanceKeys(c.address) === `${config.prefix}${m[1]}`);
    const created = instances.length > 0 && instances.every((c) => c.type === "aws_opensearchserverless_collection" && c.change.actions.length === 1 && c.change.actions[0] === "create");
    if (!created) continue;
    // Collection names are unique per account and region only: a collection created through another provider
    // configuration (another region or account), or in another `region`, leaves the policy on an existing one.
    const theirs = configOf(plan, `${config.prefix}${m[1]}`);
    if (config.providerKey === undefined || theirs?.providerKey !== config.providerKey) continue;
    if (!instances.every((c) => sameRegion(rc, c))) continue;
    for (const c of instances) {
      const name = afterValue(c.change, ["name"]);
      if (name.state === "known" && typeof name.value === "string") out.add(name.value);
    }
  }
  return out;
}

/**
 * Both changes are in the same region as far as their own `region` argument says (AWS provider 6 lets a resource
 * name one): both unset, or both known and equal. A region known only after apply is not the same.
 */
function sameRegion(a: PlanResourceChange, b: PlanResourceChange): boolean {
  const region = (c: PlanResourceChange) => {
    const v = afterValue(c.change, ["region"]);
    return v.state === "unknown" ? { unknown: true } : { value: typeof v.value === "string" && v.value !== "" ? v.value : undefined };
  };
  const [x, y] = [region(a), region(b)];
  return !("unknown" in x) && !("unknown" in y) && x.value === y.value;
}
