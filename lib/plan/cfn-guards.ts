/**
 * Protection written in a CloudFormation template, and how to tell when an update of the stack weakens it in place:
 * CloudFormation applies such a change as an update the plan shows only as a new template or new parameters
 * (red-team rounds 59 and 60). Each setting is read as CloudFormation will read it, with the stack's parameters,
 * the template's Defaults, Conditions and Mappings of each side (see cfn-evaluate.ts); a setting that depends on
 * what changed and cannot be evaluated counts.
 */
import { evaluate as evaluateValue, fingerprint, hasDeploy, hasUnknown, NO_VALUE, type Scope, Unknown } from "./cfn-evaluate";
import { kafkaPropertiesLowered } from "./rules/backup-retention-lowered";
import { DELEGATION_POLICY_EFFECT, delegatedAdministratorEffect, delegationWidened } from "./rules/org-guardrails-delegated";
import { isObject } from "./values";

/**
 * A template value as CloudFormation reads it. One that comes out `AWS::NoValue` (a whole property written
 * `Fn::If [C, x, Ref AWS::NoValue]`) is left out: undefined, judged as a property not written, which takes the
 * resource's default (red-team round 66: the NoValue symbol, taken as a value, crashed the gate and approve).
 */
function evaluate(v: unknown, scope: Scope): unknown {
  return absent(evaluateValue(v, scope));
}

/** `AWS::NoValue` as a property left out. */
function absent(v: unknown): unknown {
  return v === NO_VALUE ? undefined : v;
}

/**
 * How a template property keeps data:
 * - `off`: a switch that protects while on (`isOn`; `unset` is the service default, "unknown" when it is not known:
 *   then a switch set before counts when it goes, and one set after counts as set);
 * - `on`: a switch that deletes data while on;
 * - `lowered`: a count whose lowering deletes what is older (`unset`: the service default, Infinity for forever,
 *   "unknown" when not known; `forever`: the value that keeps data forever);
 * - `expiry`: lifecycle rules that expire objects (any new or changed rule that expires counts);
 * - `changed`: guardrail content (a policy, a lock, a plan): any change counts, since whether it is weaker cannot be
 *   told (a policy written as JSON text is compared as JSON);
 * - `removed`: an item of a keyed list (a global table's replica) that goes;
 * - `custom`: `lowered(before, after)` decides, for a setting with a shape of its own.
 */
export type GuardKind = "off" | "on" | "lowered" | "expiry" | "changed" | "removed" | "custom";

export interface TemplateGuard {
  readonly type: string;
  /**
   * The property, by path: `A.B` walks objects (a list on the way is walked item by item), `A[Key]` a list whose items
   * are told apart by their `Key` (a global table's Replicas by Region), `A[Key=value]` the item whose Key is value.
   */
  readonly path: string;
  readonly kind: GuardKind;
  readonly unset?: boolean | number | "unknown";
  readonly forever?: number;
  readonly isOn?: (v: unknown) => boolean;
  /** How the change is named in the message, when not by its kind ("switched off" for a status). */
  readonly verb?: string;
  /** `custom`: whether the value after keeps less than the one before; a string says how, for the message. */
  readonly lowered?: (before: unknown, after: unknown) => boolean | string | undefined;
  /**
   * `custom`: `lowered` is given values that hold what blastwall cannot evaluate (each compared by its text), and
   * judges them itself, instead of any such value counting (a backup rule's vault written `Ref`). One read anew at
   * deploy time (SSM) still counts.
   */
  readonly judgesComputed?: boolean;
  /** Counted only when this holds of the resource's properties after the update (as evaluated). */
  readonly when?: (properties: Record<string, unknown>) => boolean;
  /**
   * Judged only where the setting beside it (the path's last name replaced by `sibling`, so a replica's own) is on
   * both before and after the update, as `isOn` tells (true or "true" by default; a value not known counts as on): a
   * recovery window matters only while point-in-time recovery stays on, a TTL attribute while TTL stays on. Turned on
   * with the setting, it keeps more than before, not less (red-team round 61).
   */
  readonly onlyWhile?: { readonly sibling: string; readonly isOn?: (v: unknown) => boolean };
  /**
   * A new resource of the type, in an updated or a new template, writes this setting over one AWS already holds for
   * another resource (a bucket's policy): it counts, unless `parent` names a resource of `parentTypes` that the
   * template itself creates (new in it), which holds nothing yet. Without a parent, a new one always counts (when
   * `when` holds): it acts on data that exists already.
   */
  readonly created?: {
    readonly parent?: readonly string[];
    readonly parentTypes?: readonly string[];
    readonly when?: (properties: Record<string, unknown>) => boolean;
    /**
     * `custom`: the new resource is judged as a change from nothing, `lowered(undefined, value)`, whose sentence says
     * what it does (a delegation policy's grants); a value blastwall cannot evaluate counts.
     */
    readonly fromNothing?: boolean;
    /** What the new resource does, for the message, when not "it writes PATH over what AWS holds now". */
    readonly verb?: string;
  };
  /**
   * Judged at every update of the resource, not only when this setting changes: CloudFormation sends it with each
   * update (a provisioned product's StackSetOperationType, planted at create and fired by a tag change later).
   */
  readonly onAnyUpdate?: boolean;
  /** What the weakening does, for the message. */
  readonly effect: string;
  /** The entries of the Terraform rules this setting stands for (`rule-id entry`); see TWIN_EXEMPTIONS. */
  readonly twins: readonly string[];
}

/** Whom a move takes out from under which policies, for the messages of the Organizations guards. */
const FROM_OLD_PARENT = "every SCP and RCP attached to the old parent, and to the OUs above it that are not above the new one";

/** FeatureSet ALL (its default) before, and anything else after: how, for the message. */
function featureSetLowered(before: unknown, after: unknown): string | undefined {
  const all = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim().toUpperCase() === "ALL");
  if (!all(before) || all(after)) return undefined;
  return `${JSON.stringify(before ?? "ALL")} → ${JSON.stringify(after)}: the organization is taken off all features`;
}

/**
 * What CloudFormation takes away when it deletes a resource of an Organizations type (dropped from the template, its
 * Condition turned false, or its type changed) while no DeletionPolicy keeps it: the accounts it leaves outside their
 * policies, for the sentence plan-stack-template-drops-data writes (red-team round 140's template side).
 */
export const ORGANIZATIONS_DELETED: Readonly<Record<string, string>> = {
  "AWS::Organizations::Account":
    "the account is removed from the organization (or closed), so no SCP or RCP applies to it any more, not even the root's",
  "AWS::Organizations::OrganizationalUnit":
    "DeleteOrganizationalUnit deletes every policy attachment to the OU (AWS refuses it while an account or OU is still in it): the accounts and OUs moved out of it leave every SCP and RCP attached to it, and one placed in a new OU of its name starts with none of them",
  "AWS::Organizations::Organization":
    "DeleteOrganization deletes every SCP, RCP and other policy of the organization with it (AWS refuses it while a member account is left), and no policy applies to any account any more",
};

/** The sentence's tail for a deleted Organizations resource (": ..."), or "" for any other type. */
export function organizationsDeleted(type: unknown): string {
  const effect = typeof type === "string" ? ORGANIZATIONS_DELETED[type] : undefined;
  return effect === undefined ? "" : `: ${effect}`;
}

/** A cross-region copy's destination region, set before, removed or moved to another: how, for the message. */
function regionLeft(before: unknown, after: unknown): string | undefined {
  const on = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";
  if (!on(before) || (on(after) && after.trim() === before.trim())) return undefined;
  return on(after) ? `${JSON.stringify(before)} → ${JSON.stringify(after)}: the copy to ${before} stops, and one to ${after} starts anew` : `${JSON.stringify(before)} → ${JSON.stringify(after ?? null)}: removed`;
}

const ENABLED = (v: unknown) => typeof v === "string" && v.trim().toLowerCase() === "enabled";
/** A state that protects unless it says DISABLED (EFS replication overwrite protection). */
const NOT_DISABLED = (v: unknown) => !(typeof v === "string" && /^\s*disabled\s*$/i.test(v));
const DP = "plan-deletion-protection-off";
/** The Terraform rule that judges accounts taken out from under their Organizations policies. */
const OG = "plan-org-guardrails-lifted";
const BR = "plan-backup-retention-lowered";
const GC = "plan-guardrail-changed";
/** The Terraform rule that judges a member account handed the organization's guardrails. */
const OD = "plan-org-guardrails-delegated";
/** A Terraform type protected from destroy (plan-protected-delete) that a template writes as a property of another type. */
const PD = "plan-protected-delete";

/** Status unset or not DISABLED (S3 Tables maintenance runs by default). */
const runs = (v: unknown) => !(typeof v === "string" && /^\s*disabled\s*$/i.test(v));

/** The properties after, at a path (for `when`). */
const at = (props: Record<string, unknown>, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), props);

/** An Image Builder lifecycle policy that is not DISABLED and has a DELETE action (or one not known). */
const deletesImages = (props: Record<string, unknown>) =>
  !(typeof props.Status === "string" && /^\s*disabled\s*$/i.test(props.Status)) &&
  (!Array.isArray(props.PolicyDetails) || props.PolicyDetails.some((d) => !isObject(d) || !isObject(d.Action) || !(typeof d.Action.Type === "string") || d.Action.Type.trim().toUpperCase() === "DELETE"));

/** A Glue table optimizer that deletes (retention, orphan file deletion), not one that compacts. */
const optimizerDeletes = (props: Record<string, unknown>) => !(typeof props.Type === "string" && props.Type.trim().toLowerCase() === "compaction");

/** An OpenSearch Serverless lifecycle policy of type retention (or one not known). */
const retentionPolicy = (props: Record<string, unknown>) => !(typeof props.Type === "string" && props.Type.trim().toLowerCase() !== "retention");

const DAYS_PER_UNIT: Readonly<Record<string, number>> = { DAYS: 1, WEEKS: 7, MONTHS: 28, YEARS: 365 };

/** A DLM retain rule's count of snapshots, or age in days; undefined when it keeps nothing readable. */
function retained(rule: unknown): { count?: number; days?: number } | undefined {
  if (!isObject(rule)) return undefined;
  const n = (v: unknown) => (typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v.trim()) ? Number(v) : undefined);
  const count = n(rule.Count);
  if (count !== undefined && count > 0) return { count };
  const interval = n(rule.Interval);
  const unit = typeof rule.IntervalUnit === "string" ? DAYS_PER_UNIT[rule.IntervalUnit.toUpperCase()] : undefined;
  return interval !== undefined && interval > 0 && unit !== undefined ? { days: interval * unit } : undefined;
}

/** A DLM retain rule that keeps fewer snapshots, or keeps them for less time (a count and an age cannot be compared). */
function retainLowered(before: unknown, after: unknown): boolean {
  const b = retained(before);
  if (b === undefined) return false;
  const a = retained(after);
  if (a?.count !== undefined && b.count !== undefined) return a.count < b.count;
  if (a?.days !== undefined && b.days !== undefined) return a.days < b.days;
  return true;
}

/**
 * How an update of a backup plan (its `BackupPlan`, evaluated) weakens it, as the Terraform rules judge aws_backup_plan:
 * rules are told apart by RuleName; one removed counts; one added makes recovery points of its own and counts only
 * with EnableContinuousBackup (it then sets the automated-backup retention of the RDS databases it covers to its
 * DeleteAfterDays); a rule's Lifecycle.DeleteAfterDays counts only when lowered (unset keeps recovery points
 * forever); any other change of a rule, or of the plan's other settings, counts. Values blastwall cannot evaluate are
 * compared by their text, and one that differs counts. Undefined when it does not weaken.
 */
function backupPlanWeakened(before: unknown, after: unknown): string | undefined {
  if (!isObject(before) || !isObject(after)) return `${shown(before)} → ${shown(after)}: the backup plan is changed, and whether it is weaker cannot be told`;
  const out: string[] = [];
  const others = (p: Record<string, unknown>) => Object.fromEntries(Object.entries(p).filter(([k]) => k !== "BackupPlanRule"));
  const changedKeys = (a: Record<string, unknown>, b: Record<string, unknown>) => [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => fingerprint(a[k]) !== fingerprint(b[k]));
  const settings = changedKeys(others(before), others(after));
  if (settings.length > 0) out.push(`${settings.join(", ")} changed`);
  // Rules told apart by RuleName only where each name is one rule's: with a name repeated, which rule became which is
  // not known, so any change of the list counts (red-team round 63).
  const named = (v: unknown) =>
    Array.isArray(v) && v.every((r) => isObject(r) && typeof r.RuleName === "string") && new Set(v.map((r) => (r as Record<string, unknown>).RuleName)).size === v.length
      ? (v as Record<string, unknown>[])
      : undefined;
  const was = named(before.BackupPlanRule);
  const now = named(after.BackupPlanRule);
  if (was === undefined || now === undefined) {
    if (fingerprint(before.BackupPlanRule) !== fingerprint(after.BackupPlanRule)) out.push(`BackupPlanRule ${shown(before.BackupPlanRule)} → ${shown(after.BackupPlanRule)}: rules blastwall cannot tell apart by RuleName, changed`);
    return out.length > 0 ? out.join("; ") : undefined;
  }
  const days = (r: Record<string, unknown>): unknown => (isObject(r.Lifecycle) ? r.Lifecycle.DeleteAfterDays : r.Lifecycle);
  // A Lifecycle that holds only DeleteAfterDays is judged by it alone; one computed whole is compared whole.
  const withoutDays = (r: Record<string, unknown>) => {
    if (!isObject(r.Lifecycle)) return r;
    const { Lifecycle: _, ...rest } = r;
    const lifecycle = Object.fromEntries(Object.entries(r.Lifecycle).filter(([k]) => k !== "DeleteAfterDays"));
    return Object.keys(lifecycle).length > 0 ? { ...rest, Lifecycle: lifecycle } : rest;
  };
  const amount = (v: unknown) => (v === undefined || v === null ? Infinity : typeof v === "number" ? v : typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN);
  for (const b of was) {
    const name = String(b.RuleName);
    const a = now.find((r) => r.RuleName === b.RuleName);
    if (a === undefined) {
      out.push(`rule "${name}" is removed (no more recovery points from it)`);
      continue;
    }
    const changed = changedKeys(withoutDays(b), withoutDays(a));
    if (changed.length > 0) out.push(`rule "${name}" ${changed.join(", ")} changed`);
    const [x, y] = [days(b), days(a)];
    const whole = (r: Record<string, unknown>) => r.Lifecycle !== undefined && !isObject(r.Lifecycle);
    if (fingerprint(x) === fingerprint(y) || whole(b) || whole(a)) continue;
    const [n, m] = [amount(x), amount(y)];
    if (Number.isNaN(n) || Number.isNaN(m) || m < n) out.push(`rule "${name}" Lifecycle.DeleteAfterDays ${shown(x)} → ${shown(y)}: lowered`);
  }
  for (const a of now) {
    if (was.some((r) => r.RuleName === a.RuleName)) continue;
    const continuous = a.EnableContinuousBackup;
    if (continuous === true || hasUnknown(continuous) || (typeof continuous === "string" && /^\s*true\s*$/i.test(continuous))) {
      out.push(`rule "${String(a.RuleName)}" is added with continuous backup (it sets the automated-backup retention of the RDS databases it covers to its DeleteAfterDays, ${shown(days(a))})`);
    }
  }
  return out.length > 0 ? out.join("; ") : undefined;
}

/**
 * The settings, per CloudFormation type, that keep a data store or guard it: the template twins of the Terraform
 * rules plan-deletion-protection-off, plan-backup-retention-lowered and plan-guardrail-changed (a test keeps every
 * entry of those rules twinned here, or in TWIN_EXEMPTIONS with the reason it has none).
 */
export const TEMPLATE_GUARDS: readonly TemplateGuard[] = [
  // Deletion protection.
  ...["AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::DocDB::DBCluster", "AWS::Neptune::DBCluster", "AWS::RDS::GlobalCluster", "AWS::DocDB::GlobalCluster", "AWS::Neptune::GlobalCluster"].map(
    (type): TemplateGuard => ({ type, path: "DeletionProtection", kind: "off", unset: false, effect: "a delete of the database is no longer refused", twins: [`${DP} deletion_protection`] }),
  ),
  // QLDB turns a ledger's deletion protection on unless told otherwise.
  { type: "AWS::QLDB::Ledger", path: "DeletionProtection", kind: "off", unset: true, effect: "a delete of the ledger, and its journal, is no longer refused", twins: [`${DP} deletion_protection`] },
  { type: "AWS::Cognito::UserPool", path: "DeletionProtection", kind: "off", unset: false, isOn: (v) => typeof v === "string" && v.trim().toUpperCase() === "ACTIVE", effect: "a delete of the user pool, and its users, is no longer refused", twins: [`${DP} deletion_protection`] },
  { type: "AWS::NeptuneGraph::Graph", path: "DeletionProtection", kind: "off", unset: "unknown", effect: "a delete of the graph is no longer refused", twins: [`${DP} deletion_protection`] },
  { type: "AWS::DSQL::Cluster", path: "DeletionProtectionEnabled", kind: "off", unset: "unknown", effect: "a delete of the cluster is no longer refused", twins: [`${DP} deletion_protection_enabled`] },
  { type: "AWS::EMR::Cluster", path: "Instances.TerminationProtected", kind: "off", unset: false, effect: "a termination of the cluster, and of the data on its HDFS volumes, is no longer refused", twins: [`${DP} termination_protection`] },
  { type: "AWS::DynamoDB::Table", path: "DeletionProtectionEnabled", kind: "off", unset: false, effect: "a delete of the table is no longer refused", twins: [`${DP} deletion_protection_enabled`] },
  { type: "AWS::DynamoDB::GlobalTable", path: "Replicas[Region].DeletionProtectionEnabled", kind: "off", unset: false, effect: "a delete of that replica table is no longer refused", twins: [`${DP} deletion_protection_enabled`] },
  { type: "AWS::EC2::Instance", path: "DisableApiTermination", kind: "off", unset: false, effect: "a termination of the instance is no longer refused", twins: [`${DP} disable_api_termination`] },
  {
    type: "AWS::ElasticLoadBalancingV2::LoadBalancer",
    path: "LoadBalancerAttributes[Key=deletion_protection.enabled].Value",
    kind: "off",
    unset: false,
    effect: "a delete of the load balancer is no longer refused",
    twins: [`${DP} enable_deletion_protection`],
  },
  { type: "AWS::CloudTrail::EventDataStore", path: "TerminationProtectionEnabled", kind: "off", unset: true, effect: "a delete of the event data store, the audit record, is no longer refused", twins: [`${DP} termination_protection_enabled`] },
  {
    type: "AWS::EFS::FileSystem",
    path: "FileSystemProtection.ReplicationOverwriteProtection",
    kind: "off",
    unset: true,
    isOn: NOT_DISABLED,
    effect: "a replication configuration may make the file system its destination, replacing its files with another file system's",
    twins: [`${DP} aws_efs_file_system`, `${DP} awscc_efs_file_system`],
  },
  {
    type: "AWS::FSx::Volume",
    path: "OntapConfiguration.SnaplockConfiguration.PrivilegedDelete",
    kind: "on",
    unset: false,
    isOn: ENABLED,
    effect: "a SnapLock administrator may delete WORM files before their retention ends",
    twins: [`${DP} aws_fsx_ontap_volume`],
  },
  {
    type: "AWS::CloudFormation::StackSet",
    path: "AutoDeployment.RetainStacksOnAccountRemoval",
    kind: "off",
    unset: false,
    // Automatic deployment switched off at the same time removes nothing.
    when: (p) => !/^\s*false\s*$/i.test(String(at(p, "AutoDeployment", "Enabled") ?? "")),
    effect: "an account that leaves the target OU has its stacks, and every resource in them, deleted",
    twins: [`${DP} aws_cloudformation_stack_set`, `${DP} awscc_cloudformation_stack_set`],
  },
  // Backups and retention.
  ...["AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::DocDB::DBCluster", "AWS::Neptune::DBCluster", "AWS::DocDBElastic::Cluster"].map(
    (type): TemplateGuard => ({
      type,
      path: "BackupRetentionPeriod",
      kind: "lowered",
      unset: 1,
      effect: "the automated backups older than the new period are deleted at once, and 0 turns automated backups off",
      twins: [`${BR} backup_retention_period`],
    }),
  ),
  { type: "AWS::Redshift::Cluster", path: "AutomatedSnapshotRetentionPeriod", kind: "lowered", unset: 1, effect: "Redshift deletes the automated snapshots older than the new period at once, and 0 turns them off", twins: [`${BR} automated_snapshot_retention_period`] },
  { type: "AWS::Redshift::Cluster", path: "ManualSnapshotRetentionPeriod", kind: "lowered", unset: Infinity, forever: -1, effect: "manual snapshots are kept for less time (-1 keeps them until deleted)", twins: [`${BR} aws_redshift_cluster`] },
  // Judged while cross-region copy (DestinationRegion) is configured before and after: first configured, it keeps more.
  {
    type: "AWS::Redshift::Cluster",
    path: "SnapshotCopyRetentionPeriod",
    kind: "lowered",
    unset: 7,
    onlyWhile: { sibling: "DestinationRegion", isOn: (v) => typeof v === "string" && v.trim() !== "" },
    effect: "Redshift deletes the cross-region snapshot copies older than the new period at once",
    twins: [`${BR} aws_redshift_cluster`, `${BR} aws_redshift_snapshot_copy`],
  },
  // Cross-region copies, protected in Terraform as resources of their own (their destroy stops the copy): a template
  // writes them as a property of the source (red-team round 63).
  // Moved to another region, a copy is stopped as surely as when removed: Redshift must DisableSnapshotCopy before
  // EnableSnapshotCopy names a new destination, and RDS has no call that changes a backup replication, only stop and
  // start (red-team round 64). First configured, a copy keeps more: it does not count.
  {
    type: "AWS::Redshift::Cluster",
    path: "DestinationRegion",
    kind: "custom",
    lowered: regionLeft,
    effect: "Redshift stops copying the cluster's snapshots to the other region (DisableSnapshotCopy)",
    twins: [`${PD} aws_redshift_snapshot_copy`],
  },
  {
    type: "AWS::RDS::DBInstance",
    path: "AutomaticBackupReplicationRegion",
    kind: "custom",
    lowered: regionLeft,
    effect: "RDS stops replicating the instance's automated backups to the other region",
    twins: [`${PD} aws_db_instance_automated_backups_replication`],
  },
  // Judged while the replication is configured before and after. Left out, it is the instance's BackupRetentionPeriod
  // (so not known here).
  {
    type: "AWS::RDS::DBInstance",
    path: "AutomaticBackupReplicationRetentionPeriod",
    // Left out, it is the instance's BackupRetentionPeriod, which the guard does not read: set or removed, it may be
    // lower than before (red-team round 65: unset → 1 passed under a 35-day BackupRetentionPeriod).
    kind: "custom",
    lowered: (before, after) => {
      const days = (v: unknown) => (typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v.trim()) ? Number(v) : undefined);
      const [b, a] = [days(before), days(after)];
      if (before === undefined && a !== undefined) return `(none) → ${a}: set where it took the instance's BackupRetentionPeriod, which may be longer`;
      if (b !== undefined && after === undefined) return `${b} → (none): it now takes the instance's BackupRetentionPeriod, which may be shorter`;
      return a !== undefined && b !== undefined && a < b ? `${b} → ${a}: lowered` : undefined;
    },
    onlyWhile: { sibling: "AutomaticBackupReplicationRegion", isOn: (v) => typeof v === "string" && v.trim() !== "" },
    effect: "RDS keeps the replicated automated backups in the other region for less time, and deletes the older ones",
    twins: [`${PD} aws_db_instance_automated_backups_replication`],
  },
  {
    type: "AWS::EFS::FileSystem",
    path: "ReplicationConfiguration",
    kind: "changed",
    effect: "EFS deletes the replication configuration, or makes another, and stops copying the file system to its destination (a new destination is overwritten)",
    twins: [`${PD} aws_efs_replication_configuration`],
  },
  { type: "AWS::Redshift::Snapshot", path: "ManualSnapshotRetentionPeriod", kind: "lowered", unset: Infinity, forever: -1, effect: "the snapshot is deleted once it is older (at once, if it is already)", twins: [`${BR} aws_redshift_cluster_snapshot`] },
  { type: "AWS::RedshiftServerless::Snapshot", path: "RetentionPeriod", kind: "lowered", unset: Infinity, forever: -1, effect: "the snapshot is deleted once it is older (at once, if it is already)", twins: [`${BR} aws_redshiftserverless_snapshot`] },
  ...["AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::CacheCluster"].map(
    (type): TemplateGuard => ({ type, path: "SnapshotRetentionLimit", kind: "lowered", unset: 0, effect: "the automatic snapshots older than the new limit are deleted, and 0 turns them off", twins: [`${BR} snapshot_retention_limit`] }),
  ),
  ...["AWS::ElastiCache::ServerlessCache", "AWS::MemoryDB::Cluster"].map(
    (type): TemplateGuard => ({ type, path: "SnapshotRetentionLimit", kind: "lowered", unset: "unknown", effect: "the automatic snapshots older than the new limit are deleted, and 0 turns them off", twins: [`${BR} snapshot_retention_limit`] }),
  ),
  ...["WindowsConfiguration", "LustreConfiguration", "OntapConfiguration", "OpenZFSConfiguration"].map(
    (c): TemplateGuard => ({
      type: "AWS::FSx::FileSystem",
      path: `${c}.AutomaticBackupRetentionDays`,
      kind: "lowered",
      unset: "unknown",
      effect: "FSx deletes the automatic backups older than the new period, and 0 turns automatic backups off",
      twins: [`${BR} automatic_backup_retention_days`],
    }),
  ),
  { type: "AWS::DynamoDB::Table", path: "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled", kind: "off", unset: false, effect: "the table can no longer be restored to a point in time", twins: [`${BR} aws_dynamodb_table`, `${BR} awscc_dynamodb_table`] },
  {
    type: "AWS::DynamoDB::Table",
    path: "PointInTimeRecoverySpecification.RecoveryPeriodInDays",
    kind: "lowered",
    unset: 35,
    onlyWhile: { sibling: "PointInTimeRecoveryEnabled" },
    effect: "the table can be restored less far back",
    twins: [`${GC} aws_dynamodb_table point_in_time_recovery.recovery_period_in_days`],
  },
  { type: "AWS::DynamoDB::Table", path: "TimeToLiveSpecification.Enabled", kind: "on", unset: false, effect: "DynamoDB deletes every item whose TTL attribute holds a past time, by itself", twins: [`${GC} aws_dynamodb_table ttl.enabled`] },
  {
    type: "AWS::DynamoDB::Table",
    path: "TimeToLiveSpecification.AttributeName",
    kind: "changed",
    onlyWhile: { sibling: "Enabled" },
    verb: "TTL is pointed at another attribute while it stays on",
    effect: "DynamoDB deletes, by itself and with no backup, every item whose new TTL attribute holds a time in the past",
    twins: [`${GC} aws_dynamodb_table ttl.attribute_name`],
  },
  { type: "AWS::DynamoDB::GlobalTable", path: "Replicas[Region].PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled", kind: "off", unset: false, effect: "that replica can no longer be restored to a point in time", twins: [`${BR} aws_dynamodb_table`] },
  {
    type: "AWS::DynamoDB::GlobalTable",
    path: "Replicas[Region].PointInTimeRecoverySpecification.RecoveryPeriodInDays",
    kind: "lowered",
    unset: 35,
    onlyWhile: { sibling: "PointInTimeRecoveryEnabled" },
    effect: "that replica can be restored less far back",
    twins: [`${GC} aws_dynamodb_table point_in_time_recovery.recovery_period_in_days`],
  },
  { type: "AWS::DynamoDB::GlobalTable", path: "TimeToLiveSpecification.Enabled", kind: "on", unset: false, effect: "DynamoDB deletes every item whose TTL attribute holds a past time, in every replica, by itself", twins: [`${GC} aws_dynamodb_table ttl.enabled`] },
  {
    type: "AWS::DynamoDB::GlobalTable",
    path: "TimeToLiveSpecification.AttributeName",
    kind: "changed",
    onlyWhile: { sibling: "Enabled" },
    verb: "TTL is pointed at another attribute while it stays on",
    effect: "DynamoDB deletes, by itself and with no backup, every item whose new TTL attribute holds a time in the past, in every replica",
    twins: [`${GC} aws_dynamodb_table ttl.attribute_name`],
  },
  { type: "AWS::DynamoDB::GlobalTable", path: "Replicas[Region]", kind: "removed", effect: "DynamoDB deletes the table's copy in that region", twins: [`${GC} aws_dynamodb_table replica`] },
  { type: "AWS::Cassandra::Table", path: "PointInTimeRecoveryEnabled", kind: "off", unset: false, effect: "the table can no longer be restored to a point in time", twins: [`${BR} aws_keyspaces_table`] },
  { type: "AWS::Lightsail::Database", path: "BackupRetention", kind: "off", unset: "unknown", effect: "Lightsail no longer keeps automated backups of the database", twins: [`${BR} aws_lightsail_database`] },
  ...["AWS::Lightsail::Instance", "AWS::Lightsail::Disk"].map(
    (type): TemplateGuard => ({
      type,
      path: "AddOns[AddOnType=AutoSnapshot].Status",
      kind: "off",
      unset: false,
      isOn: ENABLED,
      effect: "Lightsail no longer takes the daily automatic snapshots",
      twins: [`${BR} ${type === "AWS::Lightsail::Instance" ? "aws_lightsail_instance" : "aws_lightsail_disk"}`],
    }),
  ),
  { type: "AWS::Logs::LogGroup", path: "RetentionInDays", kind: "lowered", unset: Infinity, effect: "CloudWatch Logs deletes the log events older than the new retention", twins: [`${BR} aws_cloudwatch_log_group`] },
  { type: "AWS::Events::Archive", path: "RetentionDays", kind: "lowered", unset: Infinity, forever: 0, effect: "EventBridge deletes the archived events older than the new retention (0 keeps them forever)", twins: [`${BR} aws_cloudwatch_event_archive`] },
  { type: "AWS::CloudTrail::EventDataStore", path: "RetentionPeriod", kind: "lowered", unset: 2557, effect: "CloudTrail deletes the events older than the new period, often the audit record", twins: [`${BR} aws_cloudtrail_event_data_store`] },
  { type: "AWS::Kinesis::Stream", path: "RetentionPeriodHours", kind: "lowered", unset: 24, effect: "Kinesis deletes the records older than the new period at once", twins: [`${BR} aws_kinesis_stream`] },
  { type: "AWS::SQS::Queue", path: "MessageRetentionPeriod", kind: "lowered", unset: 345600, effect: "SQS deletes the messages older than the new period", twins: [`${BR} aws_sqs_queue`] },
  { type: "AWS::KinesisVideo::Stream", path: "DataRetentionInHours", kind: "lowered", unset: 0, effect: "the video older than the new period is deleted", twins: [`${BR} aws_kinesis_video_stream`] },
  { type: "AWS::Timestream::Table", path: "RetentionProperties.MagneticStoreRetentionPeriodInDays", kind: "lowered", unset: "unknown", effect: "Timestream deletes the time series older than the new retention", twins: [`${BR} aws_timestreamwrite_table`] },
  { type: "AWS::APS::Workspace", path: "WorkspaceConfiguration.RetentionPeriodInDays", kind: "lowered", unset: 150, effect: "Prometheus deletes the metrics older than the new retention", twins: [`${BR} aws_prometheus_workspace_configuration`] },
  { type: "AWS::SecurityLake::DataLake", path: "LifecycleConfiguration.Expiration.Days", kind: "lowered", unset: Infinity, effect: "Security Lake deletes the normalized logs older than the new expiration", twins: [`${BR} aws_securitylake_data_lake`] },
  { type: "AWS::S3Tables::Table", path: "SnapshotManagement.Status", kind: "on", unset: true, isOn: runs, effect: "S3 Tables expires the table's snapshots and deletes the files only they hold", twins: [`${BR} aws_s3tables_table`] },
  ...[
    ["MaxSnapshotAgeHours", 120],
    ["MinSnapshotsToKeep", 1],
  ].map(
    ([k, unset]): TemplateGuard => ({
      type: "AWS::S3Tables::Table",
      path: `SnapshotManagement.${k}`,
      kind: "lowered",
      unset: unset as number,
      when: (p) => runs(at(p, "SnapshotManagement", "Status")),
      effect: "S3 Tables expires more of the table's snapshots, and deletes the files only they hold",
      twins: [`${BR} aws_s3tables_table`],
    }),
  ),
  { type: "AWS::S3Tables::TableBucket", path: "UnreferencedFileRemoval.Status", kind: "on", unset: true, isOn: runs, effect: "S3 Tables deletes the files no snapshot references", twins: [`${BR} aws_s3tables_table_bucket`] },
  ...[
    ["UnreferencedDays", 3],
    ["NoncurrentDays", 10],
  ].map(
    ([k, unset]): TemplateGuard => ({
      type: "AWS::S3Tables::TableBucket",
      path: `UnreferencedFileRemoval.${k}`,
      kind: "lowered",
      unset: unset as number,
      when: (p) => runs(at(p, "UnreferencedFileRemoval", "Status")),
      effect: "S3 Tables deletes unreferenced files sooner",
      twins: [`${BR} aws_s3tables_table_bucket`],
    }),
  ),
  { type: "AWS::MSK::Configuration", path: "ServerProperties", kind: "custom", lowered: kafkaPropertiesLowered, effect: "the brokers delete the messages older or larger than the new retention, in every topic without its own", twins: [`${BR} aws_msk_configuration`] },
  { type: "AWS::MSK::Cluster", path: "ConfigurationInfo", kind: "changed", effect: "the brokers take another configuration, whose retention may delete messages", twins: [`${BR} aws_msk_cluster`] },
  {
    type: "AWS::OpenSearchServerless::LifecyclePolicy",
    path: "Policy",
    kind: "changed",
    when: retentionPolicy,
    created: {},
    effect: "OpenSearch Serverless deletes the documents of the indexes it covers once they are older than its retention",
    twins: [`${BR} aws_opensearchserverless_lifecycle_policy`],
  },
  { type: "AWS::DLM::LifecyclePolicy", path: "State", kind: "off", unset: true, isOn: (v) => typeof v === "string" && v.trim().toUpperCase() === "ENABLED", effect: "Data Lifecycle Manager makes no more snapshots or AMIs", twins: [`${BR} aws_dlm_lifecycle_policy`] },
  { type: "AWS::DLM::LifecyclePolicy", path: "PolicyDetails.Schedules[Name]", kind: "removed", effect: "Data Lifecycle Manager makes no more snapshots from that schedule", twins: [`${BR} aws_dlm_lifecycle_policy`] },
  { type: "AWS::DLM::LifecyclePolicy", path: "PolicyDetails.Schedules[Name].RetainRule", kind: "custom", lowered: retainLowered, effect: "Data Lifecycle Manager keeps fewer snapshots, or keeps them for less time, and deletes the rest", twins: [`${BR} aws_dlm_lifecycle_policy`] },
  { type: "AWS::DLM::LifecyclePolicy", path: "RetainInterval", kind: "lowered", unset: 7, effect: "the default policy keeps snapshots for less time, and deletes the rest", twins: [`${BR} aws_dlm_lifecycle_policy`] },
  ...[
    ["TableOptimizerConfiguration.Enabled", "on", false],
    ["TableOptimizerConfiguration.RetentionConfiguration.IcebergConfiguration.SnapshotRetentionPeriodInDays", "lowered", 5],
    ["TableOptimizerConfiguration.RetentionConfiguration.IcebergConfiguration.NumberOfSnapshotsToRetain", "lowered", 1],
    ["TableOptimizerConfiguration.RetentionConfiguration.IcebergConfiguration.CleanExpiredFiles", "on", false],
    ["TableOptimizerConfiguration.OrphanFileDeletionConfiguration.IcebergConfiguration.OrphanFileRetentionPeriodInDays", "lowered", 3],
  ].map(
    ([path, kind, unset]): TemplateGuard => ({
      type: "AWS::Glue::TableOptimizer",
      path: path as string,
      kind: kind as GuardKind,
      unset: unset as boolean | number,
      when: optimizerDeletes,
      // Created enabled on a table the template does not create, it starts deleting what the table kept.
      ...(path === "TableOptimizerConfiguration.Enabled" && { created: { parent: ["TableName"], parentTypes: ["AWS::Glue::Table"], when: (p: Record<string, unknown>) => at(p, "TableOptimizerConfiguration", "Enabled") !== false } }),
      effect: "Glue expires more of the Iceberg table's snapshots, or deletes its files sooner",
      twins: [`${BR} aws_glue_catalog_table_optimizer`],
    }),
  ),

  // Guardrails: content whose change cannot be judged weaker or not.
  // As plan-guardrail-changed and plan-backup-retention-lowered judge aws_backup_plan (backupPlanRules,
  // backupPlanWeakenings): an added rule routine, a longer retention too (red-team round 61).
  {
    type: "AWS::Backup::BackupPlan",
    path: "BackupPlan",
    kind: "custom",
    lowered: backupPlanWeakened,
    judgesComputed: true,
    effect: "the plan decides when recovery points are made, where they go and how long they are kept",
    twins: [`${GC} aws_backup_plan`, `${BR} aws_backup_plan`],
  },
  { type: "AWS::Backup::BackupSelection", path: "BackupSelection", kind: "changed", effect: "the selection decides which resources are backed up", twins: [`${GC} aws_backup_selection`] },
  { type: "AWS::Backup::BackupVault", path: "AccessPolicy", kind: "changed", effect: "the vault access policy can deny deleting recovery points", twins: [`${GC} aws_backup_vault_policy`] },
  { type: "AWS::Backup::LogicallyAirGappedBackupVault", path: "AccessPolicy", kind: "changed", effect: "the vault access policy can deny deleting recovery points", twins: [`${GC} aws_backup_vault_policy`] },
  {
    type: "AWS::Backup::BackupVault",
    path: "LockConfiguration",
    kind: "changed",
    effect: "the vault lock keeps recovery points from being deleted early (removed, or shortened, in governance mode or a compliance lock's grace time)",
    twins: [`${GC} aws_backup_vault_lock_configuration`],
  },
  { type: "AWS::Organizations::Policy", path: "Content", kind: "changed", effect: "an Organizations policy is a guardrail over whole accounts: its content is what it denies", twins: [`${GC} aws_organizations_policy`] },
  { type: "AWS::Organizations::Policy", path: "TargetIds", kind: "changed", effect: "the targets decide which accounts the policy guards", twins: [`${GC} aws_organizations_policy_attachment`] },
  // Organizations policies reach an account only through the root and the OUs above it: moving an account or an OU
  // takes it out from under every policy attached above its old place, with no policy changing (plan-org-guardrails-lifted).
  {
    type: "AWS::Organizations::Account",
    path: "ParentIds",
    kind: "changed",
    verb: "the account is moved to another parent, in place (MoveAccount)",
    effect: `${FROM_OLD_PARENT}, stops applying to the account`,
    twins: [`${OG} aws_organizations_account parent_id`, `${OG} awscc_organizations_account parent_ids`],
  },
  {
    type: "AWS::Organizations::OrganizationalUnit",
    path: "ParentId",
    kind: "changed",
    verb: "the OU is put under another parent, which AWS cannot do in place: CloudFormation replaces it with a new OU that has none of the old one's policy attachments",
    effect: `the accounts and OUs placed in it leave ${FROM_OLD_PARENT}, and those attached to the old OU itself until they are attached again`,
    twins: [`${OG} aws_organizations_organizational_unit parent_id`, `${OG} awscc_organizations_organizational_unit parent_id`],
  },
  {
    type: "AWS::Organizations::Organization",
    path: "FeatureSet",
    kind: "custom",
    lowered: featureSetLowered,
    effect: "an organization with consolidated billing only has no SCPs, RCPs or other policies: every one of them stops applying to every account",
    twins: [`${OG} aws_organizations_organization feature_set`, `${OG} awscc_organizations_organization feature_set`],
  },
  // Who may change the guardrails is a guardrail (plan-org-guardrails-delegated): a delegation policy that newly grants
  // policy management, new or changed, and a per-service delegated administrator of a service that protects the
  // member accounts, new or pointed at another account (AdminAccountId, AccountId: CloudFormation replaces it).
  {
    type: "AWS::Organizations::ResourcePolicy",
    path: "Content",
    kind: "custom",
    lowered: delegationWidened,
    created: { fromNothing: true },
    effect: `${DELEGATION_POLICY_EFFECT}; the policy's conditions are shown, not relied on`,
    twins: [`${OD} aws_organizations_resource_policy content`, `${OD} awscc_organizations_resource_policy content`],
  },
  ...(
    [
      ["AWS::SecurityHub::DelegatedAdmin", "AdminAccountId", "securityhub.amazonaws.com", ["aws_securityhub_organization_admin_account", "awscc_securityhub_delegated_admin"]],
      ["AWS::Detective::OrganizationAdmin", "AccountId", "detective.amazonaws.com", ["aws_detective_organization_admin_account", "awscc_detective_organization_admin"]],
    ] as const
  ).map(
    ([type, path, service, tf]): TemplateGuard => ({
      type,
      path,
      kind: "changed",
      verb: `the organization's ${service} delegated administrator is pointed at another account (CloudFormation replaces the resource)`,
      created: { verb: `it makes the account in ${path} the organization's delegated administrator of ${service}` },
      effect: `${delegatedAdministratorEffect(service) ?? service}; it needs only IAM rights in its own account to use this`,
      twins: tf.map((t) => `${OD} ${t}`),
    }),
  ),
  ...["RetentionPeriod", "ResourceTags", "ExcludeResourceTags", "Status", "LockConfiguration"].map(
    (path): TemplateGuard => ({ type: "AWS::Rbin::Rule", path, kind: "changed", effect: "a Recycle Bin rule keeps deleted snapshots and AMIs recoverable for its retention period", twins: [`${GC} aws_rbin_rule`] }),
  ),
  { type: "AWS::S3::Bucket", path: "VersioningConfiguration.Status", kind: "off", unset: false, isOn: ENABLED, verb: "switched off", effect: "overwritten and deleted objects are no longer kept", twins: [] },
  { type: "AWS::S3::Bucket", path: "LifecycleConfiguration", kind: "expiry", effect: "S3 deletes the objects or versions it expires, by itself", twins: [`${GC} aws_s3_bucket_lifecycle_configuration`, `${GC} aws_s3_bucket`] },
  { type: "AWS::S3::Bucket", path: "ReplicationConfiguration", kind: "changed", effect: "replication keeps a copy of the bucket's objects in another bucket", twins: [`${GC} aws_s3_bucket_replication_configuration`, `${GC} aws_s3_bucket`] },
  { type: "AWS::S3::Bucket", path: "ObjectLockConfiguration", kind: "changed", effect: "object lock keeps objects from being deleted or overwritten for its retention period", twins: [`${GC} aws_s3_bucket_object_lock_configuration`, `${GC} aws_s3_bucket`] },
  { type: "AWS::S3Outposts::Bucket", path: "LifecycleConfiguration", kind: "expiry", effect: "S3 on Outposts deletes the objects it expires, by itself", twins: [`${GC} aws_s3control_bucket_lifecycle_configuration`] },
  ...(
    [
      ["AWS::S3::BucketPolicy", "PolicyDocument", "Bucket", ["AWS::S3::Bucket"], "aws_s3_bucket_policy", "a bucket policy can deny deleting objects and the bucket"],
      ["AWS::S3Express::BucketPolicy", "PolicyDocument", "Bucket", ["AWS::S3Express::DirectoryBucket"], "aws_s3_bucket_policy", "a directory bucket policy can deny deleting objects and the bucket"],
      ["AWS::SecretsManager::ResourcePolicy", "ResourcePolicy", "SecretId", ["AWS::SecretsManager::Secret"], "aws_secretsmanager_secret_policy", "a secret's resource policy can deny deleting the secret"],
      ["AWS::S3Tables::TableBucketPolicy", "ResourcePolicy", "TableBucketARN", ["AWS::S3Tables::TableBucket"], "aws_s3tables_table_bucket_policy", "a table bucket policy can deny deleting its tables and their data"],
      ["AWS::S3Tables::TablePolicy", "ResourcePolicy", "TableARN", ["AWS::S3Tables::Table"], "aws_s3tables_table_policy", "a table policy can deny deleting the table and its data"],
      ["AWS::S3Vectors::VectorBucketPolicy", "Policy", "VectorBucketArn VectorBucketName", ["AWS::S3Vectors::VectorBucket"], "aws_s3vectors_vector_bucket_policy", "a vector bucket policy can deny deleting its indexes and vectors"],
    ] as const
  ).map(
    ([type, path, parent, parentTypes, tf, effect]): TemplateGuard => ({
      type,
      path,
      kind: "changed",
      created: { parent: parent.split(" "), parentTypes },
      effect,
      twins: [`${GC} ${tf}`],
    }),
  ),
  { type: "AWS::DynamoDB::Table", path: "ResourcePolicy", kind: "changed", effect: "a table's resource policy can deny deleting the table and its items", twins: [`${GC} aws_dynamodb_resource_policy`] },
  { type: "AWS::DynamoDB::GlobalTable", path: "Replicas[Region].ResourcePolicy", kind: "changed", effect: "a replica's resource policy can deny deleting it and its items", twins: [`${GC} aws_dynamodb_resource_policy`] },
  { type: "AWS::ECR::Repository", path: "RepositoryPolicyText", kind: "changed", effect: "a repository policy can deny deleting images", twins: [`${GC} aws_ecr_repository_policy`] },
  { type: "AWS::ECR::Repository", path: "LifecyclePolicy", kind: "changed", effect: "an ECR lifecycle policy expires (deletes) images by itself, including images still deployed", twins: [`${GC} aws_ecr_lifecycle_policy`] },
  { type: "AWS::EFS::FileSystem", path: "FileSystemPolicy", kind: "changed", effect: "a file system policy can deny deleting the file system and writing to it", twins: [`${GC} aws_efs_file_system_policy`] },
  { type: "AWS::EFS::FileSystem", path: "BackupPolicy.Status", kind: "off", unset: false, isOn: ENABLED, verb: "switched off", effect: "AWS Backup no longer backs up the file system", twins: [`${GC} aws_efs_backup_policy`] },
  ...["AWS::KMS::Key", "AWS::KMS::ReplicaKey"].flatMap((type): TemplateGuard[] => [
    {
      type,
      path: "KeyPolicy",
      kind: "changed",
      effect: "the key policy decides who can use, disable or schedule deletion of the key",
      twins: type === "AWS::KMS::Key" ? [`${GC} aws_kms_key`, `${GC} aws_kms_key_policy`, `${GC} aws_kms_external_key`] : [`${GC} aws_kms_replica_key`],
    },
    {
      type,
      path: "Enabled",
      kind: "off",
      unset: true,
      effect: "everything encrypted under the key is unreadable while it is disabled",
      twins: type === "AWS::KMS::Key" ? [`${GC} aws_kms_key`, `${GC} awscc_kms_key`] : [`${GC} aws_kms_replica_key`, `${GC} awscc_kms_replica_key`],
    },
    { type, path: "PendingWindowInDays", kind: "lowered", unset: 30, effect: "a scheduled deletion of the key, after which all it encrypted is unreadable, comes sooner", twins: [] },
  ]),
  // CreateKey enables a Payment Cryptography key unless told otherwise.
  { type: "AWS::PaymentCryptography::Key", path: "Enabled", kind: "off", unset: true, effect: "what the key encrypts cannot be decrypted or verified while it is disabled", twins: [`${GC} aws_paymentcryptography_key`] },
  ...["EventSelectors", "AdvancedEventSelectors", "S3BucketName", "S3KeyPrefix"].map(
    (path): TemplateGuard => ({ type: "AWS::CloudTrail::Trail", path, kind: "changed", effect: "the trail's event selectors and destination decide which actions are recorded, and where", twins: [`${GC} aws_cloudtrail`] }),
  ),
  ...["PolicyDetails", "ResourceSelection", "Status"].map(
    (path): TemplateGuard => ({
      type: "AWS::ImageBuilder::LifecyclePolicy",
      path,
      kind: "changed",
      when: deletesImages,
      ...(path === "PolicyDetails" && { created: {} }),
      effect: "an Image Builder lifecycle policy with a DELETE action deregisters the AMIs it selects and deletes their snapshots and container images, by itself",
      twins: [`${GC} aws_imagebuilder_lifecycle_policy`],
    }),
  ),
  { type: "AWS::GuardDuty::Detector", path: "Enable", kind: "off", unset: true, effect: "GuardDuty reports nothing, destroys included", twins: [`${GC} aws_guardduty_detector`] },
  // The Terraform twin (awscc_servicecatalog_cloudformation_provisioned_product) is plan-stack-template-drops-data's own.
  {
    type: "AWS::ServiceCatalog::CloudFormationProvisionedProduct",
    path: "ProvisioningPreferences",
    kind: "custom",
    lowered: (_, after) => deletesInstances(after),
    verb: "the update's StackSetOperationType is DELETE",
    // A product made with DELETE in its preferences deletes its stack instances at its next update, whatever changes
    // then (red-team round 62): judged at every update, and when it is created.
    onAnyUpdate: true,
    created: { when: (p) => deletesInstances(p.ProvisioningPreferences) },
    effect:
      "Service Catalog deletes the product's stack set instances in the StackSetAccounts and StackSetRegions given (all of its STACKSET constraint's when left out), and each instance's stack deletes every resource it made that is not retained",
    twins: [],
  },
];

/**
 * Entries of the Terraform rules with no template twin, and why: a test holds every entry to a twin or a reason.
 */
export const TWIN_EXEMPTIONS: Readonly<Record<string, string>> = {
  [`${DP} skip_destroy`]: "Terraform's own setting: CloudFormation's is DeletionPolicy, which plan-stack-template-drops-data judges when it is lost",
  [`${DP} retain_stack`]: "a template's stack set has no retain flag per instance: an instance it drops is judged as deleted (instancesOf)",
  [`${DP} retain_stacks`]: "a template's stack set has no retain flag per instance: an instance it drops is judged as deleted (instancesOf)",
  [`${DP} enable_termination_protection`]: "a stack nested in a template takes its root stack's termination protection; AWS::CloudFormation::Stack has no such property",
  [`${BR} aws_config_retention_configuration`]: "CloudFormation has no type for AWS Config's retention configuration",
  [`${GC} aws_backup_global_settings`]: "CloudFormation has no type for AWS Backup's account settings",
  [`${GC} aws_backup_region_settings`]: "CloudFormation has no type for AWS Backup's region settings",
  [`${GC} aws_glacier_vault`]: "CloudFormation has no Amazon Glacier type",
  [`${OG} aws_organizations_account_parent`]:
    "CloudFormation has no type that moves an account it did not create; a template's own account moves through its ParentIds, which is guarded",
  [`${OG} aws_organizations_organization enabled_policy_types`]:
    "AWS::Organizations::Organization has no EnabledPolicyTypes property (only FeatureSet): a template cannot disable a policy type",
  [`${OG} awscc_organizations_organization enabled_policy_types`]:
    "AWS::Organizations::Organization has no EnabledPolicyTypes property (only FeatureSet): a template cannot disable a policy type",
  [`${OD} aws_organizations_delegated_administrator`]: "CloudFormation has no type for an Organizations delegated administrator (AWS::Organizations has Account, Organization, OrganizationalUnit, Policy and ResourcePolicy only)",
  ...Object.fromEntries(
    (
      [
        ["aws_cloudtrail_organization_delegated_admin_account", "CloudTrail"],
        ["aws_guardduty_organization_admin_account", "GuardDuty"],
        ["aws_fms_admin_account", "Firewall Manager"],
        ["aws_macie2_organization_admin_account", "Macie"],
        ["aws_inspector2_delegated_admin_account", "Inspector"],
        ["aws_auditmanager_organization_admin_account_registration", "Audit Manager"],
        ["aws_vpc_ipam_organization_admin_account", "VPC IPAM"],
      ] as const
    ).map(([tf, name]) => [`${OD} ${tf}`, `CloudFormation has no type that makes an account the ${name} administrator of the organization`]),
  ),
  [`${GC} aws_config_configuration_recorder_status`]: "CloudFormation has no type for the recorder's status: a template's recorder is started on create (StartedOnCreate), and dropping it is judged as deleting it",
};

/** The guards of each type. */
const BY_TYPE: ReadonlyMap<string, readonly TemplateGuard[]> = TEMPLATE_GUARDS.reduce((m, g) => m.set(g.type, [...(m.get(g.type) ?? []), g]), new Map<string, TemplateGuard[]>());

/** The top-level properties the guards read, for a template blastwall cannot read. */
export const GUARDED_PROPERTIES: readonly string[] = [...new Set(TEMPLATE_GUARDS.map((g) => g.path.split(/[.[]/)[0]))];

/** One weakened setting: the sentence for the finding, and what to do to restore it (an imperative, for its fix). */
export interface Weakened {
  readonly sentence: string;
  readonly restore: string;
}

interface Resource {
  readonly Type?: unknown;
  readonly Properties?: unknown;
}

/**
 * The protection the resources of both templates (same logical id, same type) keep before and not after, each side
 * read with its own scope.
 */
export function guardsWeakened(old: Readonly<Record<string, Resource>>, now: Readonly<Record<string, Resource>>, before: Scope, after: Scope): Weakened[] {
  const out: Weakened[] = [];
  for (const [id, r] of Object.entries(old)) {
    const next = now[id];
    if (next === undefined || typeof r.Type !== "string" || next.Type !== r.Type) continue;
    for (const g of BY_TYPE.get(r.Type) ?? []) out.push(...weakenedBy(g, id, r, next, before, after));
  }
  return out;
}

/**
 * New resources of the template (not in `old`, or of another type there) that write a guardrail over the one AWS
 * holds for a resource the template does not create (a bucket policy for an existing bucket), or that delete data
 * already there by themselves (an Image Builder lifecycle policy): judged as the Terraform side judges their create.
 */
export function guardsCreated(old: Readonly<Record<string, Resource>>, now: Readonly<Record<string, Resource>>, after: Scope): Weakened[] {
  const fresh = new Set(Object.entries(now).filter(([id, r]) => old[id] === undefined || old[id].Type !== r.Type).map(([id]) => id));
  const out: Weakened[] = [];
  for (const id of fresh) {
    const r = now[id];
    for (const g of typeof r.Type === "string" ? (BY_TYPE.get(r.Type) ?? []) : []) {
      if (!g.created) continue;
      const props = isObject(r.Properties) ? r.Properties : {};
      const evaluated = known(evaluate(props, after));
      if ((g.when && !g.when(evaluated)) || (g.created.when && !g.created.when(evaluated))) continue;
      // The resource it writes to, by reference to one the template creates: nothing there yet to weaken.
      const parents = (g.created.parent ?? []).map((k) => props[k]).filter((v) => v !== undefined);
      if (parents.length > 0 && parents.every((v) => namesFresh(v, now, fresh, g.created?.parentTypes ?? []))) continue;
      const top = g.path.split(/[.[]/)[0];
      const value = evaluate(props[top], after);
      if (g.created.fromNothing) {
        const v = normal(value);
        const how = hasUnknown(v) ? `its ${top} ${shown(v)} is computed in the template from values blastwall cannot evaluate, so it counts` : g.lowered?.(undefined, v);
        if (!how) continue;
        out.push({ sentence: `${id} (${g.type}) is new: ${typeof how === "string" ? how : `its ${top} ${shown(v)}`} (${g.effect})`, restore: `drop the new ${id}` });
        break;
      }
      const target = parents.length > 0 ? ` for ${shown(evaluate(parents[0], after))}, which this template does not create,` : "";
      const does = g.created.verb ?? `it writes ${top}${target} over what AWS holds now (not in the plan)`;
      out.push({
        sentence: `${id} (${g.type}) is new: ${does}, so ${g.effect} (now ${shown(normal(value))})`,
        restore: `drop the new ${id}${parents.length > 0 ? `, or have it name a ${(g.created.parentTypes ?? []).join(" or ")} this template creates` : ""}`,
      });
      break;
    }
  }
  return out;
}

/** A value that names (Ref, Fn::GetAtt, `${Id}` in Fn::Sub) only resources of the given types new in the template. */
function namesFresh(v: unknown, now: Readonly<Record<string, Resource>>, fresh: ReadonlySet<string>, types: readonly string[]): boolean {
  const ids: string[] = [];
  let other = false;
  const walk = (x: unknown): void => {
    if (typeof x === "string") {
      for (const m of x.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[^}]*)?\}/g)) ids.push(m[1]);
      if (!/\$\{/.test(x)) other = true;
    } else if (Array.isArray(x)) x.forEach(walk);
    else if (isObject(x)) {
      const [[k, a]] = Object.entries(x).length === 1 ? Object.entries(x) : [["", x]];
      if (k === "Ref" && typeof a === "string") ids.push(a);
      else if (k === "Fn::GetAtt") ids.push(String(Array.isArray(a) ? a[0] : String(a).split(".")[0]));
      else if (k === "Fn::Sub") walk(Array.isArray(a) ? a[0] : a);
      else other = true;
    } else other = true;
  };
  walk(v);
  return !other && ids.length > 0 && ids.every((id) => fresh.has(id) && types.includes(String(now[id]?.Type)));
}

/** The known part of an evaluated value (Unknowns left out), for a `when`. */
function known(v: unknown): Record<string, unknown> {
  const strip = (x: unknown): unknown => (x instanceof Unknown ? undefined : Array.isArray(x) ? x.map(strip) : isObject(x) ? Object.fromEntries(Object.entries(x).map(([k, y]) => [k, strip(y)])) : x);
  const out = strip(v);
  return isObject(out) ? out : {};
}

/** A policy or other document written as JSON text, read as JSON (so a reformatting is no change); nested too. */
function normal(v: unknown): unknown {
  if (v instanceof Unknown) return v;
  if (typeof v === "string") {
    const t = v.trim();
    if (t.startsWith("{") || t.startsWith("[")) {
      try {
        return normal(JSON.parse(t));
      } catch {
        return v;
      }
    }
    return v;
  }
  if (Array.isArray(v)) return v.map(normal);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normal(x)]));
  return v;
}

/** Service Catalog's StackSetOperationType DELETE (`ProvisioningPreferences`). */
function deletesInstances(preferences: unknown): boolean {
  return isObject(preferences) && typeof preferences.StackSetOperationType === "string" && preferences.StackSetOperationType.trim().toUpperCase() === "DELETE";
}

function weakenedBy(g: TemplateGuard, id: string, r: Resource, next: Resource, before: Scope, after: Scope): Weakened[] {
  const top = g.path.split(/[.[]/)[0];
  const raw = (x: Resource) => (isObject(x.Properties) ? x.Properties[top] : undefined);
  const a = normal(evaluate(raw(r), before));
  const b = normal(evaluate(raw(next), after));
  const same = (x: unknown, y: unknown) => fingerprint(x) === fingerprint(y) && !hasDeploy(x) && !hasDeploy(y);
  // A guard judged at every update still needs an update: some property of the resource must change.
  const updated = g.onAnyUpdate === true && !same(normal(evaluate(r.Properties, before)), normal(evaluate(next.Properties, after)));
  if (same(a, b) && !updated) return [];
  if (g.when && !g.when(known(evaluate(next.Properties, after)))) return [];
  const where = `${id} (${g.type})`;
  // Written with a parameter, a condition or a mapping, the values shown are as CloudFormation will read them.
  const computed = [raw(r), raw(next)].some((x) => /"(Ref|Fn::[A-Za-z]+)"/.test(JSON.stringify(x ?? null))) ? " (as computed from the stack's parameters, conditions and mappings)" : "";
  if (g.kind === "expiry") return expiring(g, where, id, a, b);
  // Of a removed item, only whether it is there counts.
  const presence = (m: Map<string, unknown>) => (g.kind === "removed" ? new Map([...m].map(([k, v]) => [k, v instanceof Unknown || v === undefined ? v : true])) : m);
  const was = presence(leaves(a, g.path));
  const now = presence(leaves(b, g.path));
  const whileOn = onBothSides(g, r, next, before, after);
  const out: Weakened[] = [];
  for (const label of new Set([...was.keys(), ...now.keys()])) {
    const x = valueAt(was, label);
    const y = valueAt(now, label);
    if (same(x, y) && !updated) continue;
    if (!whileOn(label)) continue;
    if ((hasUnknown(x) || hasUnknown(y)) && !(g.judgesComputed && !hasDeploy(x) && !hasDeploy(y))) {
      const why = hasDeploy(x) || hasDeploy(y) ? "a value CloudFormation reads anew at this update (SSM Parameter Store, a dynamic reference), which may have changed" : "parameters, conditions or other values that changed, which blastwall cannot evaluate";
      out.push({
        sentence: `${where} ${label} ${shown(x)} → ${shown(y)}: computed in the template from ${why}, so it may be weakened (${g.effect})`,
        restore: `set ${id}.${label}, and the parameters, Defaults or conditions it is computed from, back to what they were`,
      });
      // One computed sentence per setting: the rest of its values come from the same inputs.
      break;
    }
    const how = g.kind === "custom" ? (g.lowered === undefined ? true : g.lowered(x, y)) : weakens(g, x, y);
    if (!how) continue;
    if (typeof how === "string") out.push({ sentence: `${where} ${label}${computed}: ${how} (${g.effect})`, restore: `set ${id}.${label} back to ${shown(x)}` });
    else if (g.kind === "removed") out.push({ sentence: `${where} ${label} is removed: ${g.effect}`, restore: `keep ${id}.${label}` });
    else out.push({ sentence: `${where} ${label} ${shown(x)} → ${shown(y)}${computed}: ${g.verb ?? VERB[g.kind]} (${g.effect})`, restore: `set ${id}.${label} back to ${shown(x)}` });
  }
  return out;
}

/**
 * For a guard with `onlyWhile`: whether the setting beside a value (by the value's label) is on before and after. A
 * label that does not end in the guard's last name (a list computed whole) is judged.
 */
function onBothSides(g: TemplateGuard, r: Resource, next: Resource, before: Scope, after: Scope): (label: string) => boolean {
  const w = g.onlyWhile;
  if (w === undefined) return () => true;
  const last = /[^.]+$/.exec(g.path)?.[0] ?? g.path;
  const path = `${g.path.slice(0, g.path.length - last.length)}${w.sibling}`;
  const top = path.split(/[.[]/)[0];
  const sides = ([[r, before], [next, after]] as const).map(([x, scope]) => leaves(normal(evaluate(isObject(x.Properties) ? x.Properties[top] : undefined, scope)), path));
  const on = w.isOn ?? ((v: unknown) => v === true || (typeof v === "string" && /^\s*true\s*$/i.test(v)));
  return (label) => {
    if (label !== last && !label.endsWith(`.${last}`)) return true;
    const beside = `${label.slice(0, label.length - last.length)}${w.sibling}`;
    return sides.every((m) => {
      const v = valueAt(m, beside);
      return hasUnknown(v) || on(v);
    });
  };
}

const VERB: Readonly<Record<GuardKind, string>> = {
  off: "the protection is switched off",
  on: "it now deletes data on its own",
  lowered: "lowered",
  expiry: "a new or changed rule expires objects or versions",
  changed: "the guardrail is changed, and whether it is weaker cannot be told",
  removed: "removed",
  custom: "lowered",
};

function weakens(g: TemplateGuard, x: unknown, y: unknown): boolean {
  const unset = g.unset;
  if (g.kind === "changed") return true;
  if (g.kind === "removed") return x !== undefined && y === undefined;
  if (g.kind === "off" || g.kind === "on") {
    const on = g.isOn ?? ((v: unknown) => v === true || (typeof v === "string" && /^\s*(true|enabled|active)\s*$/i.test(v)));
    // An unknown default: a switch that protects counts as on before and off after; one that deletes, the reverse.
    const before = x === undefined ? (unset === "unknown" ? g.kind === "off" : unset === true) : on(x);
    const after = y === undefined ? (unset === "unknown" ? g.kind === "on" : unset === true) : on(y);
    return g.kind === "off" ? before && !after : !before && after;
  }
  // lowered
  const amount = (v: unknown, side: "before" | "after"): number => {
    if (v === undefined) return unset === "unknown" || unset === undefined ? (side === "before" ? NaN : -Infinity) : Number(unset);
    const n = typeof v === "number" ? v : typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
    return g.forever !== undefined && n === g.forever ? Infinity : n;
  };
  const was = amount(x, "before");
  const now = amount(y, "after");
  // Unset before with no known default: nothing known to lower.
  if (x === undefined && Number.isNaN(was)) return false;
  return Number.isNaN(was) || Number.isNaN(now) || now < was;
}

/** A lifecycle configuration's rules that are new or changed and expire objects or versions (a rule not Disabled). */
function expiring(g: TemplateGuard, where: string, id: string, a: unknown, b: unknown): Weakened[] {
  const rules = (lc: unknown) => {
    if (lc === undefined || lc === null) return [];
    const list = isObject(lc) && Array.isArray(lc.Rules) ? lc.Rules : [lc];
    return list.map((x) => ({ text: fingerprint(x), deploy: hasDeploy(x), value: x }));
  };
  const old = new Set(rules(a).map((x) => x.text));
  const out: Weakened[] = [];
  for (const rule of rules(b)) {
    if (old.has(rule.text) && !rule.deploy) continue;
    const v = rule.value;
    const disabled = isObject(v) && typeof v.Status === "string" && v.Status.trim().toLowerCase() === "disabled";
    if (disabled || !(hasUnknown(v) || /Expiration/.test(rule.text))) continue;
    const text = rule.text.length > 160 ? `${rule.text.slice(0, 160)}…` : rule.text;
    out.push({
      sentence: `${where} ${g.path}: ${VERB.expiry} (${text})${hasUnknown(v) ? ", or may: it is computed in the template" : ""}, and ${g.effect}`,
      restore: `remove the new expiration rule from ${id}.${g.path}, or restore the rule it replaced`,
    });
  }
  return out;
}

/** A path's values in an evaluated property, by label (`Replicas[Region=eu-west-1].DeletionProtectionEnabled`). */
function leaves(v: unknown, path: string): Map<string, unknown> {
  const segments = [...path.matchAll(/([^.[\]]+)(?:\[([^=\]]+)(?:=([^\]]*))?\])?/g)].map((m) => ({ name: m[1], key: m[2] as string | undefined, equals: m[3] as string | undefined }));
  const join = (...parts: string[]) => parts.filter((p) => p !== "").join(".");
  const rest = (i: number) => join(...segments.slice(i).map((s) => `${s.name}${s.key ? `[${s.key}${s.equals !== undefined ? `=${s.equals}` : ""}]` : ""}`));
  const walk = (out: Map<string, unknown>, x: unknown, i: number, prefix: string): void => {
    if (x instanceof Unknown || i === segments.length) {
      out.set(prefix, absent(x));
      return;
    }
    // A list on the way, with no key to tell its items apart: item by item.
    if (Array.isArray(x)) {
      x.forEach((item, n) => walk(out, item, i, `${prefix}[${n}]`));
      return;
    }
    const s = segments[i];
    const here = join(prefix, s.name);
    const value = isObject(x) ? absent(x[s.name]) : undefined;
    // An Fn::If whose condition is not known: each branch walked; where both give the same, that is the value.
    if (value instanceof Unknown && value.choice !== undefined) {
      const { condition, branches } = value.choice;
      const [a, b] = branches.map((branch) => {
        const m = new Map<string, unknown>();
        walk(m, { [s.name]: branch }, i, prefix);
        return m;
      });
      for (const label of new Set([...a.keys(), ...b.keys()])) {
        const [va, vb] = [valueAt(a, label), valueAt(b, label)];
        out.set(label, fingerprint(va) === fingerprint(vb) ? va : new Unknown(`If ${condition} then ${fingerprint(va)} else ${fingerprint(vb)}`, value.deploy, { condition, branches: [va, vb] }));
      }
      return;
    }
    if (value instanceof Unknown) {
      out.set(here, value);
      return;
    }
    if (s.key === undefined) {
      if (value === undefined || value === null) out.set(join(here, rest(i + 1)), undefined);
      else walk(out, value, i + 1, here);
      return;
    }
    const key = s.key;
    const items = Array.isArray(value) ? value : [];
    // An item, or its key, computed: the list is compared whole.
    if (items.some((e) => e instanceof Unknown || (isObject(e) && e[key] instanceof Unknown))) {
      out.set(here, new Unknown(`${here} ${fingerprint(items)}`, hasDeploy(items)));
      return;
    }
    if (s.equals !== undefined) {
      const at = `${here}[${key}=${s.equals}]`;
      const item = items.find((e) => isObject(e) && String(e[key]) === s.equals);
      if (item === undefined) out.set(join(at, rest(i + 1)), undefined);
      else walk(out, item, i + 1, at);
      return;
    }
    items.forEach((item, n) => {
      const k = isObject(item) ? item[key] : undefined;
      walk(out, item, i + 1, typeof k === "string" || typeof k === "number" ? `${here}[${key}=${k}]` : `${here}[${n}]`);
    });
  };
  const out = new Map<string, unknown>();
  walk(out, { [segments[0].name]: v }, 0, "");
  return out;
}

/** The value at a label, or the Unknown of a part of its path when only that is known (a list computed whole). */
function valueAt(values: ReadonlyMap<string, unknown>, label: string): unknown {
  if (values.has(label)) return values.get(label);
  for (const [k, v] of values) if (v instanceof Unknown && (label.startsWith(`${k}.`) || label.startsWith(`${k}[`))) return v;
  return undefined;
}

/**
 * A value as a finding shows it. One it cannot show (a symbol, a function, a cycle: none comes from JSON) is shown as
 * such rather than thrown on: the finding it is in still stops the plan, and an approval can clear it.
 */
export function shown(v: unknown): string {
  if (v === undefined || v === null) return "(none)";
  if (v instanceof Unknown) return `(computed: ${v.text.length > 100 ? `${v.text.slice(0, 100)}…` : v.text})`;
  let s: string | undefined;
  try {
    s = hasUnknown(v) ? fingerprint(v) : JSON.stringify(v);
  } catch {
    s = undefined;
  }
  if (typeof s !== "string") return `(a value blastwall cannot show: ${typeof v})`;
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
