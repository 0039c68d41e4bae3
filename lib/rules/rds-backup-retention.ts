import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import { describe, isReadReplica, readNumber, resourceEvidence, resourceFinding, unknownText } from "./protection-support";

/**
 * The argument that keeps each type's automated backups: DocumentDB and Neptune clusters run on the RDS API (AWS
 * default 1 day), and DocumentDB elastic clusters have their own of the same name; a Redshift cluster keeps automated snapshots `automated_snapshot_retention_period` days (default 1,
 * 0 turns them off).
 */
const RETENTION: Readonly<Record<string, string>> = {
  aws_db_instance: "backup_retention_period",
  aws_rds_cluster: "backup_retention_period",
  aws_docdb_cluster: "backup_retention_period",
  aws_neptune_cluster: "backup_retention_period",
  aws_redshift_cluster: "automated_snapshot_retention_period",
  // Elastic clusters keep their automatic snapshots backup_retention_period days (1 to 35, default 1).
  aws_docdbelastic_cluster: "backup_retention_period",
};
const MIN_DAYS = 7;

/** Automated backups kept fewer than 7 days (or off: 0) leave no restore point for damage noticed after a weekend. */
export const rule: Rule = {
  meta: {
    id: "rds-backup-retention",
    title: "RDS, DocumentDB, Neptune or Redshift automated backups are kept less than 7 days",
    why:
      "Damage done by an agent is often noticed days later. With `backup_retention_period` below 7 (0 turns automated backups off, " +
      "and AWS defaults to 1 day) the restore point from before the damage may already be gone. DocumentDB and Neptune clusters are judged the same way, " +
      "and Redshift clusters by `automated_snapshot_retention_period`; so are DocumentDB elastic clusters (`backup_retention_period`, the days their automatic snapshots are kept).",
    fix: "Set `backup_retention_period` (Redshift: `automated_snapshot_retention_period`) to 7-35 days (ProtectedDatabase uses 14).",
    severity: "error",
    category: "protection",
  },
  check({ stack }) {
    const out: FindingDraft[] = [];
    for (const [type, attribute] of Object.entries(RETENTION)) for (const r of stack.byType.get(type) ?? []) {
      if (r.mode !== "managed" || isReadReplica(r)) continue;
      const v = readNumber(stack, r.values[attribute]);
      if (v.state === "set" && v.value >= MIN_DAYS) continue;
      const state =
        v.state === "unset" ? `does not set ${attribute} (AWS then keeps automated backups 1 day)`
        : v.state === "set" ? `keeps automated backups ${v.value} day(s)${v.value === 0 ? " (0 turns them off)" : ""}`
        : `sets ${attribute} to ${unknownText(v)}`;
      out.push(
        resourceFinding(r, `${describe(r)} ${state}: fewer than ${MIN_DAYS} days of restore points. Set ${attribute} to at least ${MIN_DAYS}.`, [
          resourceEvidence(r, `${r.type}.${attribute}: ${v.state === "set" ? v.value : v.state === "unset" ? "not set" : v.raw}`),
        ]),
      );
    }
    return out;
  },
};
