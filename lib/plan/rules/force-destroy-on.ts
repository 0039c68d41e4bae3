import type { PlanRule, Weakening } from "../rule";
import { changeFinding, describe, switchedOn, weakening, weakeningEvidence } from "../rule";
import type { PlanResourceChange } from "../types";
import { afterValue, getPath, isObject, isUpdateOrReplace } from "../values";

/** Switches that make a later destroy take the contents (or the whole account) with it. */
const SWITCHES: readonly string[] = [
  "force_destroy", // S3 buckets (empties them), backup vaults (deletes recovery points), IAM users/roles, Route 53 zones
  "force_delete", // ECR repositories (deletes images)
  "close_on_deletion", // Organizations accounts: destroy closes the account
  "delete_data_in_filesystem", // FSx data repository associations: destroy deletes the association's files from the file system
  "bypass_snaplock_enterprise_retention", // FSx for ONTAP SnapLock Enterprise volumes: destroy deletes unexpired WORM files
];

/** Per type, a setting other than a switch that makes a later destroy delete what it holds. */
const TYPED: ReadonlyMap<string, (rc: PlanResourceChange) => Weakening | undefined> = new Map([
  // Unset is Retain: destroying the domain keeps the EFS file system of its users' home directories.
  ["aws_sagemaker_domain", (rc: PlanResourceChange) => switchedOn(rc, ["retention_policy", 0, "home_efs_file_system"], (v) => typeof v === "string" && v.trim().toLowerCase() === "delete")],
  // RETAIN keeps a knowledge base data source's vector embeddings when it is destroyed; DELETE deletes them (red-team
  // round 88). Unset is DELETE, so only RETAIN → anything else counts.
  ["aws_bedrockagent_data_source", (rc: PlanResourceChange) => switchedOn(rc, ["data_deletion_policy"], (v) => !retains(v))],
  ["awscc_bedrock_data_source", (rc: PlanResourceChange) => switchedOn(rc, ["data_deletion_policy"], (v) => !retains(v))],
  // DBDeletionPolicy Delete makes terminating the environment delete its coupled RDS database (unset is Snapshot).
  ["aws_elastic_beanstalk_environment", (rc: PlanResourceChange) => dbDeletionPolicyDelete(rc)],
]);

function retains(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === "string" && v.trim().toUpperCase() === "RETAIN");
}

/** The aws:rds:dbinstance DBDeletionPolicy of an environment's `setting` blocks (and, before, `all_settings`). */
function dbDeletionPolicy(blocks: unknown[]): unknown {
  const o = blocks.find((b) => isObject(b) && b.namespace === "aws:rds:dbinstance" && b.name === "DBDeletionPolicy");
  return isObject(o) ? o.value : undefined;
}

function dbDeletionPolicyDelete(rc: PlanResourceChange): Weakening | undefined {
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  const isDelete = (v: unknown) => typeof v === "string" && v.trim().toLowerCase() === "delete";
  const before = dbDeletionPolicy([...list(getPath(rc.change.before, ["setting"])), ...list(getPath(rc.change.before, ["all_settings"]))]);
  const after = afterValue(rc.change, ["setting"]);
  if (isDelete(before) || after.state !== "known") return undefined;
  const now = dbDeletionPolicy(list(after.value));
  if (!isDelete(now)) return undefined;
  return { ...weakening(rc, ["setting"], before, { state: "known", value: now }), label: "setting aws:rds:dbinstance DBDeletionPolicy" };
}

export const forceDestroyOn: PlanRule = {
  meta: {
    id: "plan-force-destroy-on",
    title: "Plan turns force_destroy on",
    why:
      "force_destroy lets a later destroy delete the contents first: every object and version of a bucket, every recovery point of a vault, every image of a repository. " +
      "The other switches this rule reads make a later removal delete data the same way (docs/rules.md lists them). " +
      "Turned on in one change, the next destroy is silent and total.",
    details:
      "close_on_deletion makes removing an Organizations account close it; delete_data_in_filesystem makes removing an FSx data " +
      "repository association delete its files; bypass_snaplock_enterprise_retention lets removing a SnapLock volume delete WORM files " +
      "still under retention; a SageMaker domain's home_efs_file_system = \"Delete\" makes removing the domain delete its users' home " +
      "directories; a knowledge base data source's data_deletion_policy moved off RETAIN makes removing it delete its vector embeddings; " +
      "an Elastic Beanstalk environment's DBDeletionPolicy set to Delete makes terminating it delete its coupled RDS database.",
    fix:
      "Keep force_destroy (force_delete, close_on_deletion, delete_data_in_filesystem, bypass_snaplock_enterprise_retention) off and a SageMaker domain's home file system " +
      "retained on anything holding data. If intended, have a human approve this exact plan.",
    severity: "error",
    category: "plan",
  },
  check(rc) {
    if (!isUpdateOrReplace(rc.change.actions)) return [];
    const ws = [...SWITCHES.map((s) => switchedOn(rc, [s])), TYPED.get(rc.type)?.(rc)].filter((w): w is Weakening => !!w);
    if (ws.length === 0) return [];
    return [changeFinding(rc, `The plan lets a destroy of ${rc.address} take its contents with it: ${describe(ws)}.`, weakeningEvidence(rc, ws))];
  },
};
