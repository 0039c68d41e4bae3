import type { Rule } from "../engine/rule";
import { boolSettingFindings, isReadReplica } from "./protection-support";

/** DocumentDB, Neptune and Redshift clusters have the same `skip_final_snapshot` (false by default, as for RDS). */
const TYPES = ["aws_db_instance", "aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster", "aws_redshift_cluster"];

/** With `skip_final_snapshot = true` a destroy leaves no snapshot behind. Read replicas cannot take one and are skipped. */
export const rule: Rule = {
  meta: {
    id: "rds-final-snapshot",
    title: "RDS, DocumentDB, Neptune or Redshift database is deleted without a final snapshot",
    why:
      "`skip_final_snapshot = true` lets a destroy delete the database without taking a last snapshot, so nothing written since " +
      "the previous backup survives it. DocumentDB, Neptune and Redshift clusters are judged the same way.",
    fix: "Remove `skip_final_snapshot` or set it to false, and set `final_snapshot_identifier` (ProtectedDatabase does).",
    severity: "error",
    category: "protection",
  },
  check: ({ stack, config }) =>
    boolSettingFindings(
      stack,
      {
        types: TYPES,
        attribute: "skip_final_snapshot",
        safe: false,
        consequence: "a destroy would leave no final snapshot",
        fix: "Set skip_final_snapshot = false and a final_snapshot_identifier.",
        skip: isReadReplica,
      },
      [],
      config,
    ),
};
