import type { Rule } from "../engine/rule";
import { boolSettingFindings, type BoolSetting } from "./protection-support";

/**
 * Each database type's deletion protection, as the AWS provider names it. DocumentDB and Neptune clusters run on the
 * RDS API, with the same `deletion_protection`, off by default. A Neptune Analytics graph has `deletion_protection`
 * on by default, so only `false` is a finding. An Aurora DSQL cluster has `deletion_protection_enabled`, which the
 * provider requires: unset it is not known to be on. Redshift, MemoryDB, Timestream and FSx have no deletion
 * protection: rds-final-snapshot and rds-backup-retention judge what they have.
 */
const SETTINGS: readonly Omit<BoolSetting, "fix" | "safe">[] = [
  {
    types: ["aws_db_instance", "aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster"],
    attribute: "deletion_protection",
    unsafeDefault: false,
    consequence: "one DeleteDB call or destroy removes the database",
  },
  {
    types: ["aws_neptunegraph_graph"],
    attribute: "deletion_protection",
    consequence: "one DeleteGraph call or destroy removes the graph and its data",
  },
  {
    types: ["aws_dsql_cluster"],
    attribute: "deletion_protection_enabled",
    unsetWhy: "the provider requires it, so its value is not known to be true",
    consequence: "one DeleteCluster call or destroy removes the database",
  },
];

/** The database refuses its delete call while deletion protection is on, whoever calls it and however. */
export const rule: Rule = {
  meta: {
    id: "rds-deletion-protection",
    title: "RDS, DocumentDB, Neptune, Neptune Analytics or Aurora DSQL database without deletion protection",
    why:
      "With deletion protection on, RDS refuses to delete the database, for an agent's API call and for a `terraform destroy` alike; " +
      "turning it off is a separate, visible change. The provider default is off. DocumentDB and Neptune clusters (the RDS API underneath) are judged the same way, " +
      "and so are Neptune Analytics graphs (`deletion_protection`, on unless set to false) and Aurora DSQL clusters (`deletion_protection_enabled`).",
    fix: "Set `deletion_protection = true` (Aurora DSQL: `deletion_protection_enabled = true`; ProtectedDatabase does for RDS).",
    severity: "error",
    category: "protection",
  },
  check: ({ stack, config }) =>
    SETTINGS.flatMap((s) => boolSettingFindings(stack, { ...s, safe: true, fix: `Set ${s.attribute} = true.` }, [], config)),
};
