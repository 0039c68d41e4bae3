import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import type { TfStack } from "../engine/terraform/types";
import { boolSettingFindings, describe, readString, resourceEvidence, resourceFinding, unknownText, type BoolSetting } from "./protection-support";

/**
 * Each database type's deletion protection, as the AWS provider names it. DocumentDB and Neptune clusters run on the
 * RDS API, with the same `deletion_protection`, off by default. A Neptune Analytics graph has `deletion_protection`
 * on by default, so only `false` is a finding. An Aurora DSQL cluster has `deletion_protection_enabled`, which the
 * provider requires: unset it is not known to be on. A Cognito user pool's is a string (see userPoolFindings).
 * Redshift (Serverless too), MemoryDB, Timestream, FSx, Lightsail, S3 Tables, Glacier and Kinesis Video have no
 * deletion protection: prevent_destroy, and rds-final-snapshot and rds-backup-retention where they apply, judge them.
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
    title: "RDS, DocumentDB, Neptune, Neptune Analytics or Aurora DSQL database, or Cognito user pool, without deletion protection",
    why:
      "With deletion protection on, RDS refuses to delete the database, for an agent's API call and for a `terraform destroy` alike; " +
      "turning it off is a separate, visible change. The provider default is off. DocumentDB and Neptune clusters (the RDS API underneath) are judged the same way, " +
      "and so are Neptune Analytics graphs (`deletion_protection`, on unless set to false) and Aurora DSQL clusters (`deletion_protection_enabled`). " +
      "A Cognito user pool is judged by `deletion_protection = \"ACTIVE\"` (INACTIVE by default): its users and their passwords cannot be exported, so a deleted pool cannot be restored.",
    fix:
      "Set `deletion_protection = true` (Aurora DSQL: `deletion_protection_enabled = true`; a Cognito user pool: `deletion_protection = \"ACTIVE\"`; " +
      "ProtectedDatabase does for RDS).",
    severity: "error",
    category: "protection",
  },
  check: ({ stack, config }) => [
    ...SETTINGS.flatMap((s) => boolSettingFindings(stack, { ...s, safe: true, fix: `Set ${s.attribute} = true.` }, [], config)),
    ...userPoolFindings(stack),
  ],
};

/**
 * A Cognito user pool refuses DeleteUserPool while `deletion_protection` is "ACTIVE"; the provider's default is
 * "INACTIVE". Anything but the literal "ACTIVE" (the provider accepts only the two values) counts as off.
 */
function userPoolFindings(stack: TfStack): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const r of stack.byType.get("aws_cognito_user_pool") ?? []) {
    if (r.mode !== "managed") continue;
    const v = readString(stack, r.values["deletion_protection"]);
    if (v.state === "set" && v.value === "ACTIVE") continue;
    const state =
      v.state === "unset" ? 'does not set deletion_protection (the provider default is "INACTIVE")'
      : v.state === "set" ? `sets deletion_protection = ${JSON.stringify(v.value)}`
      : `sets deletion_protection to ${unknownText(v)} (the safe value is "ACTIVE")`;
    out.push(
      resourceFinding(
        r,
        `${describe(r)} ${state}: one DeleteUserPool call or destroy removes the pool and every user in it, and users and their passwords cannot be exported to restore it. Set deletion_protection = "ACTIVE".`,
        [resourceEvidence(r, `aws_cognito_user_pool.deletion_protection: ${v.state === "set" ? JSON.stringify(v.value) : v.state === "unset" ? "not set" : v.raw}`)],
      ),
    );
  }
  return out;
}
