import type { Rule } from "../engine/rule";
import { boolSettingFindings } from "./protection-support";

/**
 * DocumentDB and Neptune clusters run on the RDS API, with the same `deletion_protection`, off by default. Redshift has
 * no deletion protection: rds-final-snapshot and rds-backup-retention judge what it has.
 */
const TYPES = ["aws_db_instance", "aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster"];

/** RDS refuses DeleteDBInstance/DeleteDBCluster while deletion protection is on, whoever calls it and however. */
export const rule: Rule = {
  meta: {
    id: "rds-deletion-protection",
    title: "RDS, DocumentDB or Neptune database without deletion protection",
    why:
      "With deletion protection on, RDS refuses to delete the database, for an agent's API call and for a `terraform destroy` alike; " +
      "turning it off is a separate, visible change. The provider default is off. DocumentDB and Neptune clusters (the RDS API underneath) are judged the same way.",
    fix: "Set `deletion_protection = true` (ProtectedDatabase does).",
    severity: "error",
    category: "protection",
  },
  check: ({ stack, config }) =>
    boolSettingFindings(
      stack,
      {
        types: TYPES,
        attribute: "deletion_protection",
        safe: true,
        unsafeDefault: false,
        consequence: "one DeleteDB call or destroy removes the database",
        fix: "Set deletion_protection = true.",
      },
      [],
      config,
    ),
};
