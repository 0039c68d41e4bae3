import type { PlanRule, Weakening } from "../rule";
import { changeFinding, describe, switchedOff, switchedOn, weakening, weakeningEvidence } from "../rule";
import type { PlanResourceChange } from "../types";
import { PROTECTED_TAG } from "../protected";
import { afterValue, getPath, isUpdateOrReplace, tagValue, truthy, type Path } from "../values";

/** On: true, "true", "ACTIVE"/"ENABLED" (Cognito writes deletion_protection as a string). */
function on(v: unknown): boolean {
  return truthy(v) || (typeof v === "string" && /^(active|enabled)$/i.test(v.trim()));
}

/** Attributes that, while on, make AWS (or Terraform) refuse a delete. */
export const SWITCHES: readonly string[] = [
  "deletion_protection", // RDS, Aurora, DocumentDB, Neptune, QLDB, Cognito, ...
  "deletion_protection_enabled", // DynamoDB
  "enable_deletion_protection", // load balancers
  "disable_api_termination", // EC2 instance termination protection
  "skip_destroy", // Organizations policies and others: destroy only drops the object from state
  "termination_protection_enabled", // CloudTrail event data stores
  // EMR cluster termination protection: while on, EMR refuses to terminate the cluster, and the data on its HDFS
  // volumes with it (red-team round 88).
  "termination_protection",
  "retain_stack", // CloudFormation stack set instances: destroy keeps the stack and what it holds
  "retain_stacks", // CloudFormation stack instances: destroy, or removing a region, account or OU, keeps the stacks
  // CloudFormation stack termination protection (awscc_cloudformation_stack; the aws provider's stack has no such
  // argument): while on, CloudFormation refuses DeleteStack, which deletes every resource of the stack.
  "enable_termination_protection",
];

/** Per type, a protection whose value is a state rather than a switch (the unset default counts as on). */
const TYPED: ReadonlyMap<string, (rc: PlanResourceChange) => Weakening | undefined> = new Map([
  // Replication overwrite protection keeps the file system from becoming a replication destination, which makes EFS
  // replace its files with the source's; DISABLED alone already makes it read-only. Unset is ENABLED. REPLICATING is a destination already (read-only, its files
  // the source's): a configuration that asks for DISABLED shows REPLICATING → DISABLED on every plan, and it loses nothing.
  ["aws_efs_file_system", (rc: PlanResourceChange) => stateLeft(rc, ["protection", 0, "replication_overwrite"], (v) => !isValue(v, "DISABLED") && !isValue(v, "REPLICATING"), "ENABLED")],
  // The same, through the Cloud Control provider.
  ["awscc_efs_file_system", (rc: PlanResourceChange) => stateLeft(rc, ["file_system_protection", "replication_overwrite_protection"], (v) => !isValue(v, "DISABLED") && !isValue(v, "REPLICATING"), "ENABLED")],
  // SnapLock Enterprise: with privileged delete ENABLED, a SnapLock administrator deletes WORM files before their
  // retention ends. Unset is DISABLED.
  ["aws_fsx_ontap_volume", (rc: PlanResourceChange) => stateLeft(rc, ["snaplock_configuration", 0, "privileged_delete"], (v) => !isValue(v, "ENABLED"), "DISABLED")],
  // A service-managed stack set deploying automatically keeps an account's stacks when the account leaves the target
  // OU only with retain_stacks_on_account_removal; off, the account's leaving deletes them (no plan shows it).
  ["aws_cloudformation_stack_set", (rc: PlanResourceChange) => retainOnRemovalOff(rc)],
  // The same through the Cloud Control provider, whose auto_deployment is an object rather than a block list.
  ["awscc_cloudformation_stack_set", (rc: PlanResourceChange) => retainOnRemovalOff(rc, ["auto_deployment"])],
]);

/** The types whose own protection this rule reads (beside SWITCHES, which any type may have). */
export const PROTECTION_TYPES: readonly string[] = [...TYPED.keys()];

export const deletionProtectionOff: PlanRule = {
  meta: {
    id: "plan-deletion-protection-off",
    title: "Plan turns deletion protection off",
    why:
      "With deletion protection on, AWS refuses to delete the resource whoever asks, a stale Terraform plan or an agent with " +
        "a broad token included; once it is off, the next delete goes through. Turning it off is the first step of every " +
        "destroy, and often comes alone, in a change that looks harmless.",
    details:
      "Deletion protection is what makes AWS refuse a delete from any caller, including a stale Terraform plan or an agent " +
      "with a broad token. Turning it off is the first step of every destroy, and is often split into a separate, " +
      "harmless-looking change. " +
      "The same holds for an EFS file system's replication overwrite protection (DISABLED lets a replication configuration replace its " +
      "files with another file system's) and an FSx for ONTAP SnapLock volume's privileged delete (ENABLED lets an administrator delete " +
      "WORM files before their retention ends), and the retain flags of CloudFormation stack set instances (retain_stack, retain_stacks, " +
      "and a stack set's auto_deployment retain_stacks_on_account_removal): turned off, the next removal of an instance, region, account " +
      "or OU member deletes its stacks and every resource in them. So does an EMR cluster's termination_protection (off, the cluster and " +
      "the data on its HDFS volumes can be terminated), and a CloudFormation stack's termination protection " +
      "(enable_termination_protection of a Cloud Control stack): off, DeleteStack deletes the stack and every resource it made.",
    fix: "Keep deletion protection on. If the resource really must go, have a human approve this exact plan with `blastwall approve`.",
    severity: "error",
    category: "plan",
  },
  check(rc) {
    if (!isUpdateOrReplace(rc.change.actions)) return [];
    const ws = [...SWITCHES.map((s) => switchedOff(rc, [s], on)), TYPED.get(rc.type)?.(rc), ...instanceBypasses(rc)].filter((w): w is Weakening => !!w);
    if (ws.length === 0) return [];
    return [changeFinding(rc, `The plan turns deletion protection off on ${rc.address}: ${describe(ws)}.`, weakeningEvidence(rc, ws))];
  },
};

/**
 * An instance with termination protection (or tagged protected) still terminates when it shuts itself down with
 * `instance_initiated_shutdown_behavior = "terminate"`, which termination protection does not stop; and a root or
 * attached volume set to `delete_on_termination` goes with it.
 */
function instanceBypasses(rc: PlanResourceChange): (Weakening | undefined)[] {
  if (rc.type !== "aws_instance") return [];
  const guarded = (side: unknown) => on(getPath(side, ["disable_api_termination"])) || truthy(tagValue(side, PROTECTED_TAG, rc.type));
  if (!guarded(rc.change.before) && !guarded(rc.change.after)) return [];
  const terminate = (v: unknown) => typeof v === "string" && v.toLowerCase() === "terminate";
  const out: (Weakening | undefined)[] = [switchedOn(rc, ["instance_initiated_shutdown_behavior"], terminate)];
  for (const block of ["root_block_device", "ebs_block_device"]) {
    const devices = getPath(rc.change.after, [block]);
    if (Array.isArray(devices)) devices.forEach((_: unknown, i: number) => out.push(switchedOn(rc, [block, i, "delete_on_termination"])));
  }
  return out;
}

/**
 * `auto_deployment[0].retain_stacks_on_account_removal` turned from true to false (or unknown) while automatic
 * deployment stays on (or is unknown): automatic deployment switched off at the same time removes nothing.
 */
function retainOnRemovalOff(rc: PlanResourceChange, block: Path = ["auto_deployment", 0]): Weakening | undefined {
  const enabled = afterValue(rc.change, [...block, "enabled"]);
  if (enabled.state === "known" && !truthy(enabled.value)) return undefined;
  return switchedOff(rc, [...block, "retain_stacks_on_account_removal"], on);
}

function isValue(v: unknown, value: string): boolean {
  return typeof v === "string" && v.trim().toUpperCase() === value;
}

/**
 * A protecting state left: `protects` holds of the value before (an unset one is the service default `unset`), not
 * of the value after, or the value after is unknown until apply. An unset value after is the provider keeping what
 * AWS holds (the setting is optional and computed), so it leaves nothing.
 */
function stateLeft(rc: PlanResourceChange, path: Path, protects: (v: unknown) => boolean, unset: string): Weakening | undefined {
  const isUnset = (v: unknown) => v === null || v === undefined || v === "";
  const before = getPath(rc.change.before, path);
  if (!protects(isUnset(before) ? unset : before)) return undefined;
  const after = afterValue(rc.change, path);
  if (after.state === "known" && (isUnset(after.value) || protects(after.value))) return undefined;
  const w = weakening(rc, path, before, after);
  return isUnset(before) ? { ...w, from: `(not set: ${unset})` } : w;
}
