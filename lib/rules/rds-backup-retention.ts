import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import { describe, isReadReplica, readNumber, resourceEvidence, resourceFinding, unknownText } from "./protection-support";

const TYPES = ["aws_db_instance", "aws_rds_cluster"];
const MIN_DAYS = 7;

/** Automated backups kept fewer than 7 days (or off: 0) leave no restore point for damage noticed after a weekend. */
export const rule: Rule = {
  meta: {
    id: "rds-backup-retention",
    title: "RDS automated backups are kept less than 7 days",
    why:
      "Damage done by an agent is often noticed days later. With `backup_retention_period` below 7 (0 turns automated backups off, " +
      "and AWS defaults to 1 day) the restore point from before the damage may already be gone.",
    fix: "Set `backup_retention_period` to 7-35 days (ProtectedDatabase uses 14).",
    severity: "error",
    category: "protection",
  },
  check({ stack }) {
    const out: FindingDraft[] = [];
    for (const r of TYPES.flatMap((t) => stack.byType.get(t) ?? [])) {
      if (r.mode !== "managed" || isReadReplica(r)) continue;
      const v = readNumber(stack, r.values["backup_retention_period"]);
      if (v.state === "set" && v.value >= MIN_DAYS) continue;
      const state =
        v.state === "unset" ? "does not set backup_retention_period (AWS then keeps automated backups 1 day)"
        : v.state === "set" ? `keeps automated backups ${v.value} day(s)${v.value === 0 ? " (0 turns them off)" : ""}`
        : `sets backup_retention_period to ${unknownText(v)}`;
      out.push(
        resourceFinding(r, `${describe(r)} ${state}: fewer than ${MIN_DAYS} days of restore points. Set backup_retention_period to at least ${MIN_DAYS}.`, [
          resourceEvidence(r, `${r.type}.backup_retention_period: ${v.state === "set" ? v.value : v.state === "unset" ? "not set" : v.raw}`),
        ]),
      );
    }
    return out;
  },
};
