import type { Rule } from "../engine/rule";
import { boolSettingFindings, configProtectedOfTypes } from "./protection-support";

const TYPES = ["aws_db_instance", "aws_rds_cluster"];
/** Judged when blastwall.json `protected` names them: DocumentDB and Neptune clusters (the RDS API underneath, the same `deletion_protection`, off by default). */
const PROTECTED_TYPES = ["aws_docdb_cluster", "aws_neptune_cluster"];

/** RDS refuses DeleteDBInstance/DeleteDBCluster while deletion protection is on, whoever calls it and however. */
export const rule: Rule = {
  meta: {
    id: "rds-deletion-protection",
    title: "RDS instance or cluster without deletion protection",
    why:
      "With deletion protection on, RDS refuses to delete the database, for an agent's API call and for a `terraform destroy` alike; " +
      "turning it off is a separate, visible change. The provider default is off. DocumentDB and Neptune clusters that blastwall.json `protected` names are judged the same way.",
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
      configProtectedOfTypes(stack, config, PROTECTED_TYPES),
      config,
    ),
};
