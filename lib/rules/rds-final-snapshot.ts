import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import type { TfStack } from "../engine/terraform/types";
import { boolSettingFindings, describe, isLustreScratch, isReadReplica, readString, resourceEvidence, resourceFinding, unknownText, type BoolSetting } from "./protection-support";

/**
 * What keeps a last copy when a destroy deletes the resource, as the AWS provider names it. DocumentDB, Neptune and
 * Redshift clusters have the same `skip_final_snapshot` as RDS (false by default). FSx file systems and ONTAP volumes
 * have `skip_final_backup`: false by default for Windows, OpenZFS and ONTAP volumes, but true for Lustre (its API's
 * default), so a Lustre file system must set it to false; a Lustre scratch file system gets no final backup whatever
 * it says and is skipped. A MemoryDB cluster takes one only when `final_snapshot_name` names it (see memoryDbFindings).
 * A Lightsail database has `skip_final_snapshot` too (false by default), with its snapshot named by
 * `final_snapshot_name`: without a name the provider refuses the delete, which keeps the data, so only skipping counts.
 *
 * Not judged: a Redshift Serverless namespace. DeleteNamespace takes a final snapshot only when given a name, and the
 * AWS provider's aws_redshiftserverless_namespace has no argument for one (CloudFormation's FinalSnapshotName and the
 * awscc provider's final_snapshot_name have): its destroy never leaves a final snapshot, which no setting of the
 * resource can change. prevent_destroy and an AWS Backup selection (both asked of it) are what keep its data.
 */
const SETTINGS: readonly Omit<BoolSetting, "safe">[] = [
  {
    types: ["aws_db_instance", "aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster", "aws_redshift_cluster"],
    attribute: "skip_final_snapshot",
    consequence: "a destroy would leave no final snapshot",
    fix: "Set skip_final_snapshot = false and a final_snapshot_identifier.",
    skip: isReadReplica,
  },
  {
    types: ["aws_lightsail_database"],
    attribute: "skip_final_snapshot",
    consequence: "a destroy would delete the database and leave no final snapshot",
    fix: "Set skip_final_snapshot = false and a final_snapshot_name.",
  },
  {
    types: ["aws_fsx_windows_file_system", "aws_fsx_openzfs_file_system", "aws_fsx_ontap_volume"],
    attribute: "skip_final_backup",
    consequence: "a destroy would leave no final backup",
    fix: "Set skip_final_backup = false.",
  },
  {
    types: ["aws_fsx_lustre_file_system"],
    attribute: "skip_final_backup",
    unsafeDefault: true,
    consequence: "a destroy would leave no final backup",
    fix: "Set skip_final_backup = false.",
  },
];

/** With no final snapshot or backup, a destroy leaves nothing behind. Read replicas and Lustre scratch file systems cannot take one and are skipped. */
export const rule: Rule = {
  meta: {
    id: "rds-final-snapshot",
    title: "A database or file system is deleted without a final snapshot or backup",
    why:
      "`skip_final_snapshot = true` lets a destroy delete the database without taking a last snapshot, so nothing written since " +
      "the previous backup survives it. DocumentDB, Neptune and Redshift clusters and Lightsail databases are judged the same way; FSx file systems and ONTAP " +
      "volumes by `skip_final_backup` (Lustre's default is true, so it must be set to false), and MemoryDB clusters by `final_snapshot_name`, " +
      "without which they take no final snapshot. (A Redshift Serverless namespace is not judged: the AWS provider has no argument that makes its destroy take a final snapshot.)",
    fix:
      "Remove `skip_final_snapshot` or set it to false, and set `final_snapshot_identifier` (ProtectedDatabase does; Lightsail: `final_snapshot_name`); for FSx set " +
      "`skip_final_backup = false`; for MemoryDB set `final_snapshot_name`.",
    severity: "error",
    category: "protection",
  },
  check: ({ stack, config }) => [
    ...SETTINGS.flatMap((s) => boolSettingFindings(stack, { ...s, safe: false, skip: (r) => (s.skip?.(r) ?? false) || isLustreScratch(stack, r) }, [], config)),
    ...memoryDbFindings(stack),
  ],
};

/** A MemoryDB cluster takes a final snapshot on delete only when `final_snapshot_name` names one. */
function memoryDbFindings(stack: TfStack): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const r of stack.byType.get("aws_memorydb_cluster") ?? []) {
    if (r.mode !== "managed") continue;
    const v = readString(stack, r.values["final_snapshot_name"]);
    if (v.state === "set" && v.value.trim() !== "") continue;
    const state =
      v.state === "unset" ? "does not set final_snapshot_name"
      : v.state === "set" ? "sets final_snapshot_name to an empty name"
      : `sets final_snapshot_name to ${unknownText(v)}`;
    out.push(
      resourceFinding(r, `${describe(r)} ${state}: a destroy would delete the cluster without a final snapshot. Set final_snapshot_name to the name of the snapshot to keep.`, [
        resourceEvidence(r, `aws_memorydb_cluster.final_snapshot_name: ${v.state === "set" ? JSON.stringify(v.value) : v.state === "unset" ? "not set" : v.raw}`),
      ]),
    );
  }
  return out;
}
