import type { Rule } from "../engine/rule";
import { boolSettingFindings } from "./protection-support";

const TYPES = ["aws_db_instance", "aws_rds_cluster"];

/** `delete_automated_backups` defaults to true: deleting the database then deletes its point-in-time backups with it. */
export const rule: Rule = {
  meta: {
    id: "rds-automated-backups-retained",
    title: "RDS automated backups are deleted together with the database",
    why:
      "Unless `delete_automated_backups = false`, deleting an RDS instance or cluster also deletes its automated backups, so the " +
      "one mistake that needs them most removes them. The provider default is true.",
    fix: "Set `delete_automated_backups = false` (ProtectedDatabase does).",
    severity: "error",
    category: "protection",
  },
  check: ({ stack }) =>
    boolSettingFindings(stack, {
      types: TYPES,
      attribute: "delete_automated_backups",
      safe: false,
      unsafeDefault: true,
      consequence: "deleting the database would delete its automated backups too",
      fix: "Set delete_automated_backups = false.",
    }),
};
