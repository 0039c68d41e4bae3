import type { PlanRule, Weakening } from "../rule";
import { changeFinding, describe, switchedOff, switchedOn, weakening, weakeningEvidence } from "../rule";
import type { PlanResourceChange } from "../types";
import { afterValue, getPath, isObject, isUpdateOrReplace, type Path } from "../values";

/** Switches that, when on, make a destroy leave no final snapshot or backup (RDS and its kin, Lightsail, FSx). */
const SKIP_SWITCHES: readonly string[] = ["skip_final_snapshot", "skip_final_backup"];

/** Per type, how a destroy comes to leave no final copy other than by a skip switch. */
const TYPED: ReadonlyMap<string, (rc: PlanResourceChange) => Weakening | undefined> = new Map([
  // EBS takes a snapshot before deleting the volume only while final_snapshot is on.
  ["aws_ebs_volume", (rc: PlanResourceChange) => switchedOff(rc, ["final_snapshot"])],
  // MemoryDB takes a final snapshot only when it is given a name for it.
  ["aws_memorydb_cluster", (rc: PlanResourceChange) => cleared(rc, ["final_snapshot_name"])],
  // So does a Redshift Serverless namespace (DeleteNamespace's finalSnapshotName). Only the Cloud Control provider
  // has the argument; the aws provider's namespace has none, and its destroy never takes one (so nothing to clear).
  ["awscc_redshiftserverless_namespace", (rc: PlanResourceChange) => cleared(rc, ["final_snapshot_name"])],
  // ElastiCache (Redis OSS, Valkey) takes a final snapshot only when it is given a name for it. The caches are not
  // protected types (a destroy passes), but their backups count like any other's (see snapshot_retention_limit):
  // removing the name makes the destroy that passes leave no copy behind.
  ["aws_elasticache_replication_group", (rc: PlanResourceChange) => cleared(rc, ["final_snapshot_identifier"])],
  ["aws_elasticache_cluster", (rc: PlanResourceChange) => cleared(rc, ["final_snapshot_identifier"])],
  // With this option, deleting the volume deletes its child volumes and its snapshots with it.
  ["aws_fsx_openzfs_volume", (rc: PlanResourceChange) => gained(rc, ["delete_volume_options"], "DELETE_CHILD_VOLUMES_AND_SNAPSHOTS")],
  ["aws_fsx_openzfs_file_system", (rc: PlanResourceChange) => gained(rc, ["delete_options"], "DELETE_CHILD_VOLUMES_AND_SNAPSHOTS")],
]);

export const finalSnapshotSkipped: PlanRule = {
  meta: {
    id: "plan-final-snapshot-skipped",
    title: "Plan skips the final snapshot or backup",
    why:
      "With skip_final_snapshot (or FSx's skip_final_backup) on, an EBS volume's final_snapshot off, a MemoryDB cluster's or Redshift Serverless namespace's (awscc) final snapshot name or an ElastiCache " +
      "replication group's or cluster's final_snapshot_identifier removed, " +
      "or an OpenZFS volume set to delete its snapshots with it, destroying the resource leaves no copy behind: the data is gone the moment the delete runs.",
    fix:
      "Keep the final snapshot or backup (skip_final_snapshot = false with final_snapshot_identifier, skip_final_backup = false, final_snapshot = true, " +
      "a final_snapshot_name or final_snapshot_identifier). If intended, have a human approve this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc) {
    if (!isUpdateOrReplace(rc.change.actions)) return [];
    // A switch absent before is one the provider did not record then (added by a provider upgrade, with its default):
    // only a switch the state holds off is turned on.
    const held = SKIP_SWITCHES.filter((s) => isObject(rc.change.before) && s in rc.change.before);
    const ws = [...held.map((s) => switchedOn(rc, [s])), TYPED.get(rc.type)?.(rc)].filter((w): w is Weakening => !!w);
    if (ws.length === 0) return [];
    return [changeFinding(rc, `The plan makes ${rc.address} skip its final snapshot or backup: ${describe(ws)}.`, weakeningEvidence(rc, ws))];
  },
};

/** A non-empty string before, empty or unset (or unknown until apply) after. */
function cleared(rc: PlanResourceChange, path: Path): Weakening | undefined {
  const before = getPath(rc.change.before, path);
  if (typeof before !== "string" || before === "") return undefined;
  const after = afterValue(rc.change, path);
  if (after.state === "known" && typeof after.value === "string" && after.value !== "") return undefined;
  return weakening(rc, path, before, after);
}

/** A list that gains `value` (or is unknown until apply) while it did not hold it before. */
function gained(rc: PlanResourceChange, path: Path, value: string): Weakening | undefined {
  const holds = (v: unknown) => Array.isArray(v) && v.some((x) => typeof x === "string" && x.toUpperCase() === value);
  const before = getPath(rc.change.before, path);
  if (holds(before)) return undefined;
  const after = afterValue(rc.change, path);
  if (after.state === "known" && !holds(after.value)) return undefined;
  return weakening(rc, path, before, after);
}
