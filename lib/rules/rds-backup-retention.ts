import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { blocks, boolSettingFindings, describe, isLustreScratch, isReadReplica, readNumber, readString, resourceEvidence, resourceFinding, unknownText } from "./protection-support";

/**
 * The argument that keeps each type's automated backups, and what AWS keeps when it is not set: a number of days, or
 * undefined when the provider documents no default of 7 days or more (FSx for Lustre, OpenZFS and ONTAP: the FSx API's
 * defaults differ by file system and call, and an unset OpenZFS one has been seen to keep none), which counts as too
 * few. DocumentDB and Neptune clusters run on the RDS API (AWS default 1 day), and DocumentDB elastic clusters have
 * their own of the same name; a Redshift cluster keeps automated snapshots `automated_snapshot_retention_period` days
 * (default 1, 0 turns them off); a MemoryDB cluster `snapshot_retention_limit` days (default 0: none); an FSx file
 * system `automatic_backup_retention_days` (Windows: default 7).
 */
const RETENTION: Readonly<Record<string, { readonly attribute: string; readonly unsetDays?: number }>> = {
  aws_db_instance: { attribute: "backup_retention_period", unsetDays: 1 },
  aws_rds_cluster: { attribute: "backup_retention_period", unsetDays: 1 },
  aws_docdb_cluster: { attribute: "backup_retention_period", unsetDays: 1 },
  aws_neptune_cluster: { attribute: "backup_retention_period", unsetDays: 1 },
  aws_redshift_cluster: { attribute: "automated_snapshot_retention_period", unsetDays: 1 },
  // Elastic clusters keep their automatic snapshots backup_retention_period days (1 to 35, default 1).
  aws_docdbelastic_cluster: { attribute: "backup_retention_period", unsetDays: 1 },
  aws_memorydb_cluster: { attribute: "snapshot_retention_limit", unsetDays: 0 },
  aws_fsx_windows_file_system: { attribute: "automatic_backup_retention_days", unsetDays: 7 },
  aws_fsx_lustre_file_system: { attribute: "automatic_backup_retention_days" },
  aws_fsx_openzfs_file_system: { attribute: "automatic_backup_retention_days" },
  aws_fsx_ontap_file_system: { attribute: "automatic_backup_retention_days" },
};
const MIN_DAYS = 7;

/** Automated backups kept fewer than 7 days (or off: 0) leave no restore point for damage noticed after a weekend. */
export const rule: Rule = {
  meta: {
    id: "rds-backup-retention",
    title: "A database's or file system's automated backups are kept less than 7 days",
    why:
      "Damage done by an agent is often noticed days later: with automated backups kept fewer than 7 days (0 turns them off; " +
        "RDS defaults to 1 day), the restore point from before the damage may already be deleted when you need it.",
    details:
      "Damage done by an agent is often noticed days later. With `backup_retention_period` below 7 (0 turns automated backups " +
        "off, and AWS defaults to 1 day) the restore point from before the damage may already be gone. " +
        "DocumentDB and Neptune clusters are judged the same way, and Redshift clusters by `automated_snapshot_retention_period`; so " +
        "are DocumentDB elastic clusters (`backup_retention_period`, the days their automatic snapshots are kept), MemoryDB clusters " +
        "(`snapshot_retention_limit`, default 0: none) and FSx file systems (`automatic_backup_retention_days`; unset counts as too " +
        "few except for Windows, whose default is 7; Lustre scratch file systems have no backups and are skipped). A Keyspaces table " +
        "needs point-in-time recovery on, the only restore point Keyspaces keeps of it (off by default), and a Lightsail database must " +
        "not set `backup_retention_enabled = false`, which deletes its automated backups.",
    fix:
      "Set `backup_retention_period` (Redshift: `automated_snapshot_retention_period`; MemoryDB: `snapshot_retention_limit`; FSx: " +
      "`automatic_backup_retention_days`) to 7-35 days (ProtectedDatabase uses 14); on a Keyspaces table set `point_in_time_recovery { status = \"ENABLED\" }`; " +
      "on a Lightsail database leave `backup_retention_enabled` unset or true.",
    severity: "error",
    category: "protection",
  },
  check({ stack }) {
    const out: FindingDraft[] = [];
    for (const [type, { attribute, unsetDays }] of Object.entries(RETENTION)) for (const r of stack.byType.get(type) ?? []) {
      if (r.mode !== "managed" || isReadReplica(r) || isLustreScratch(stack, r)) continue;
      const v = readNumber(stack, r.values[attribute]);
      if (v.state === "set" && v.value >= MIN_DAYS) continue;
      if (v.state === "unset" && unsetDays !== undefined && unsetDays >= MIN_DAYS) continue;
      const state =
        v.state === "unset"
          ? unsetDays === undefined
            ? `does not set ${attribute} (the provider documents no default, and an unset one may keep none)`
            : `does not set ${attribute} (AWS then keeps automated backups ${unsetDays} day${unsetDays === 1 ? "" : "s"}${unsetDays === 0 ? ": none" : ""})`
        : v.state === "set" ? `keeps automated backups ${v.value} day(s)${v.value === 0 ? " (0 turns them off)" : ""}`
        : `sets ${attribute} to ${unknownText(v)}`;
      out.push(
        resourceFinding(r, `${describe(r)} ${state}: fewer than ${MIN_DAYS} days of restore points. Set ${attribute} to at least ${MIN_DAYS}.`, [
          resourceEvidence(r, `${r.type}.${attribute}: ${v.state === "set" ? v.value : v.state === "unset" ? "not set" : v.raw}`),
        ]),
      );
    }
    for (const r of stack.byType.get("aws_keyspaces_table") ?? []) if (r.mode === "managed") out.push(...keyspacesRecovery(stack, r));
    out.push(...boolSettingFindings(stack, LIGHTSAIL_BACKUPS));
    return out;
  },
};

/**
 * A Lightsail database has no retention period to set: `backup_retention_enabled` (true unless set) keeps its automated
 * backups, and turning it off deletes them all. Lightsail disks have no backup setting of their own in the AWS provider.
 */
const LIGHTSAIL_BACKUPS = {
  types: ["aws_lightsail_database"],
  attribute: "backup_retention_enabled",
  safe: true,
  consequence: "Lightsail deletes the database's automated backups and keeps none, so there is no restore point from before any damage",
  fix: "Set backup_retention_enabled = true (or leave it unset: the provider's default is true).",
} as const;

/**
 * A Keyspaces table has no retention to set: point-in-time recovery (`point_in_time_recovery { status = "ENABLED" }`,
 * DISABLED by default) keeps its restore points, and without it Keyspaces keeps none.
 */
function keyspacesRecovery(stack: TfStack, r: TfResource): FindingDraft[] {
  const raw = r.values["point_in_time_recovery"];
  const block = blocks(raw)[0];
  // A block written as an expression (a variable, a dynamic block's value) is read as its status would be.
  const v = typeof raw === "string" ? readString(stack, raw) : block === undefined ? ({ state: "unset" } as const) : readString(stack, block["status"]);
  if (v.state === "set" && v.value === "ENABLED") return [];
  const state =
    block === undefined && v.state === "unset" ? "has no point_in_time_recovery block (Keyspaces' default is DISABLED)"
    : v.state === "unset" ? "does not set point_in_time_recovery.status (Keyspaces' default is DISABLED)"
    : v.state === "set" ? `sets point_in_time_recovery.status = ${JSON.stringify(v.value)}`
    : `sets point_in_time_recovery.status to ${unknownText(v)}`;
  return [
    resourceFinding(r, `${describe(r)} ${state}: Keyspaces keeps no restore point of the table. Set point_in_time_recovery { status = "ENABLED" }.`, [
      resourceEvidence(r, `aws_keyspaces_table.point_in_time_recovery.status: ${v.state === "set" ? v.value : v.state === "unset" ? "not set" : v.raw}`),
    ]),
  ];
}
