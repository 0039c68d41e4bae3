/**
 * Red-team round 57 on the plan gate (retention): real plans (Terraform 1.11.4, AWS provider 5.100) that shorten how
 * long AWS keeps data, or create a setting that deletes it, and passed. Each is blocked now; raising retention,
 * keeping it, and what deletes nothing pass.
 */
import { join } from "path";
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, FIXTURES, minimalPlan, tempDir, writeTemp } from "./helpers";

type Obj = Record<string, unknown>;

const create = (address: string, after: Obj) => change(address, ["create"], null, after);
const update = (address: string, before: Obj, after: Obj) => change(address, ["update"], before, after);

/** A change with values known only after apply (`after_unknown`). */
function withUnknown(c: Obj, unknown: Obj): Obj {
  return { ...c, change: { ...(c.change as Obj), after_unknown: unknown } };
}

function evaluate(changes: Obj[], extra: Obj = {}) {
  return evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes, extra)))), { config: {} }).judged.map((j) => j.finding);
}

function judged(changes: Obj[], extra: Obj = {}): string[] {
  return evaluate(changes, extra).map((f) => `${f.ruleId} ${f.resource}`);
}

function messages(changes: Obj[]): string[] {
  return evaluate(changes).map((f) => f.message);
}

/** The findings of a red-team plan, as `terraform show -json` wrote it. */
function realPlan(name: string): string[] {
  return evaluatePlan(readPlan(join(FIXTURES, "rt57-retention", `${name}.json`)), { config: {} }).judged.map((j) => `${j.finding.ruleId}: ${j.finding.message}`);
}

describe("the red-team's plans are blocked", () => {
  test("01: AWS Config retention lowered 2557 → 30, in place and by a create", () => {
    expect(realPlan("01-config-retention")).toEqual([
      "plan-backup-retention-lowered: The plan lowers the retention of the AWS Config configuration history (the record of every resource change) set by aws_config_retention_configuration.this: retention_period_in_days 2557 → 30.",
    ]);
    expect(realPlan("01b-config-retention-create")).toEqual([
      "plan-backup-retention-lowered: The plan lowers the retention of the AWS Config configuration history (the record of every resource change) set by aws_config_retention_configuration.this: retention_period_in_days (current setting, not in the plan; unset is AWS Config's 2557, the most) → 30.",
    ]);
  });

  test("02: an EventBridge archive's retention 0 (forever) → 1", () => {
    expect(realPlan("02-event-archive-retention")).toEqual([
      "plan-backup-retention-lowered: The plan lowers retention of the records held by aws_cloudwatch_event_archive.orders: retention_days 0 (never expire) → 1.",
    ]);
  });

  test("03: Redshift and Redshift Serverless manual snapshots' retention -1 (kept until deleted) → 1", () => {
    expect(realPlan("03-redshift-snapshot-retention")).toEqual([
      "plan-backup-retention-lowered: The plan lowers backup retention on aws_redshift_cluster_snapshot.keep: manual_snapshot_retention_period -1 → 1.",
      "plan-backup-retention-lowered: The plan lowers backup retention on aws_redshiftserverless_snapshot.nightly_keep: retention_period -1 → 1.",
    ]);
  });

  test("07: Security Lake's expiration 2555 → 1 day", () => {
    expect(realPlan("07-securitylake-expiration")).toEqual([
      'plan-backup-retention-lowered: The plan lowers the retention of the security logs held by aws_securitylake_data_lake.this: configuration "us-east-1" lifecycle_configuration.expiration.days 2555 → 1.',
    ]);
  });
});

describe("AWS Config retention (one per region; unset is the 2557-day default, the most)", () => {
  const address = "aws_config_retention_configuration.this";
  const config = (days: unknown) => ({ retention_period_in_days: days, name: "default", id: "default" });
  const BLOCKED = [`plan-backup-retention-lowered ${address}`];

  test("lowered, created below 2557, or known only after apply blocks", () => {
    expect(judged([update(address, config(2557), config(2556))])).toEqual(BLOCKED);
    expect(judged([update(address, config(365), config(30))])).toEqual(BLOCKED);
    expect(judged([create(address, config(30))])).toEqual(BLOCKED);
    expect(judged([withUnknown(create(address, config(null)), { retention_period_in_days: true })])).toEqual(BLOCKED);
    expect(judged([withUnknown(update(address, config(400), config(null)), { retention_period_in_days: true })])).toEqual(BLOCKED);
  });

  test("raised, kept, created at the default, or destroyed (back to the default) passes", () => {
    expect(judged([update(address, config(30), config(2557))])).toEqual([]);
    expect(judged([update(address, config(400), config(400))])).toEqual([]);
    expect(judged([create(address, config(2557))])).toEqual([]);
    expect(judged([change(address, ["delete"], config(30), null)])).toEqual([]);
  });
});

describe("an EventBridge archive's retention (0 or unset: kept forever)", () => {
  const address = "aws_cloudwatch_event_archive.orders";
  const archive = (days: unknown) => ({ name: "orders", event_source_arn: "arn:aws:events:us-east-1:123456789012:event-bus/orders", retention_days: days });
  const BLOCKED = [`plan-backup-retention-lowered ${address}`];

  test("forever → any number, or a number lowered, or unknown after apply, blocks", () => {
    expect(judged([update(address, archive(0), archive(3650))])).toEqual(BLOCKED);
    expect(messages([update(address, archive(null), archive(7))])).toEqual([`The plan lowers retention of the records held by ${address}: retention_days not set (never expire) → 7.`]);
    expect(judged([update(address, archive(30), archive(7))])).toEqual(BLOCKED);
    expect(judged([withUnknown(update(address, archive(0), archive(null)), { retention_days: true })])).toEqual(BLOCKED);
  });

  test("raised, to forever, or kept passes; a new archive holds nothing yet", () => {
    expect(judged([update(address, archive(7), archive(30))])).toEqual([]);
    expect(judged([update(address, archive(7), archive(0))])).toEqual([]);
    expect(judged([update(address, archive(7), archive(null))])).toEqual([]);
    expect(judged([update(address, archive(0), { ...archive(0), description: "orders" })])).toEqual([]);
    expect(judged([create(address, archive(1))])).toEqual([]);
  });
});

describe("Redshift snapshot retention (-1 keeps a manual snapshot until deleted)", () => {
  const cases: [string, string][] = [
    ["aws_redshift_cluster_snapshot.keep", "manual_snapshot_retention_period"],
    ["aws_redshiftserverless_snapshot.keep", "retention_period"],
    ["aws_redshift_cluster.warehouse", "manual_snapshot_retention_period"],
  ];

  test.each(cases)("%s: -1 → N, N lowered, or unknown after apply blocks", (address, attribute) => {
    const snap = (days: unknown) => ({ snapshot_identifier: "s", [attribute]: days });
    const BLOCKED = [`plan-backup-retention-lowered ${address}`];
    expect(judged([update(address, snap(-1), snap(3653))])).toEqual(BLOCKED);
    expect(judged([update(address, snap(30), snap(1))])).toEqual(BLOCKED);
    expect(judged([withUnknown(update(address, snap(-1), snap(null)), { [attribute]: true })])).toEqual(BLOCKED);
  });

  test.each(cases)("%s: raised, to -1, or kept passes; a create (a new snapshot) passes", (address, attribute) => {
    const snap = (days: unknown) => ({ snapshot_identifier: "s", [attribute]: days });
    expect(judged([update(address, snap(1), snap(30))])).toEqual([]);
    expect(judged([update(address, snap(30), snap(-1))])).toEqual([]);
    expect(judged([update(address, snap(-1), snap(-1))])).toEqual([]);
    expect(judged([create(address, snap(1))]).filter((j) => j.startsWith("plan-backup-retention-lowered"))).toEqual([]);
  });

  test("the cross-region copy of automated snapshots (aws_redshift_snapshot_copy): retention_period lowered blocks", () => {
    const address = "aws_redshift_snapshot_copy.dr";
    const copy = (days: unknown) => ({ cluster_identifier: "warehouse", destination_region: "us-west-2", retention_period: days, manual_snapshot_retention_period: -1 });
    expect(messages([update(address, copy(35), copy(1))])).toEqual([`The plan lowers backup retention on ${address}: retention_period 35 → 1.`]);
    expect(judged([withUnknown(update(address, copy(7), copy(null)), { retention_period: true })])).toEqual([`plan-backup-retention-lowered ${address}`]);
    expect(judged([update(address, copy(7), copy(35))])).toEqual([]);
    expect(judged([create(address, copy(1))])).toEqual([]);
  });
});

describe("a cluster's inline snapshot_copy (red-team round 59)", () => {
  const address = "aws_redshift_cluster.warehouse";
  const cluster = (days: unknown) => ({ cluster_identifier: "warehouse", manual_snapshot_retention_period: -1, snapshot_copy: [{ destination_region: "us-west-2", retention_period: days, grant_name: null }] });

  test("retention_period lowered blocks, as on aws_redshift_snapshot_copy", () => {
    expect(messages([update(address, cluster(35), cluster(1))])).toEqual([`The plan lowers backup retention on ${address}: snapshot_copy[0].retention_period 35 → 1.`]);
  });

  test("the control: raised passes", () => {
    expect(judged([update(address, cluster(7), cluster(35))])).toEqual([]);
  });
});

describe("a Glue table optimizer's Iceberg retention (red-team round 59)", () => {
  const address = "aws_glue_catalog_table_optimizer.ret";
  const optimizer = (type: string, days: number, keep: number, enabled = true) => ({
    catalog_id: "123456789012",
    database_name: "lake",
    table_name: "orders",
    type,
    configuration: [{ enabled, role_arn: "arn:aws:iam::123456789012:role/glue-optimizer", orphan_file_deletion_configuration: [], retention_configuration: [{ iceberg_configuration: [{ clean_expired_files: true, number_of_snapshots_to_retain: keep, snapshot_retention_period_in_days: days }] }] }],
  });
  const BLOCKED = [`plan-backup-retention-lowered ${address}`];

  test("snapshots kept for less time or in smaller number block; a new optimizer on an existing table blocks", () => {
    expect(judged([update(address, optimizer("retention", 30, 10), optimizer("retention", 1, 1))])).toEqual(BLOCKED);
    expect(judged([create(address, optimizer("retention", 1, 1))])).toEqual(BLOCKED);
    expect(judged([update(address, optimizer("retention", 30, 10, false), optimizer("retention", 30, 10, true))])).toEqual(BLOCKED);
  });

  test("the controls: raised, a compaction optimizer, a disabled new one pass", () => {
    expect(judged([update(address, optimizer("retention", 7, 1), optimizer("retention", 30, 10))])).toEqual([]);
    expect(judged([create(address, optimizer("compaction", 1, 1))])).toEqual([]);
    expect(judged([create(address, optimizer("retention", 1, 1, false))])).toEqual([]);
  });
});

describe("Security Lake expiration (no expiration: kept forever)", () => {
  const address = "aws_securitylake_data_lake.this";
  const lake = (days: unknown, region = "us-east-1", transition: Obj[] = []) => ({
    meta_store_manager_role_arn: "arn:aws:iam::123456789012:role/AmazonSecurityLakeMetaStoreManager",
    configuration: [{ region, lifecycle_configuration: [{ expiration: days === undefined ? [] : [{ days }], transition }], replication_configuration: [] }],
  });
  const BLOCKED = [`plan-backup-retention-lowered ${address}`];

  test("lowered, added where there was none, or unknown after apply blocks", () => {
    expect(judged([update(address, lake(365), lake(30))])).toEqual(BLOCKED);
    expect(messages([update(address, lake(undefined), lake(3650))])).toEqual([
      `The plan lowers the retention of the security logs held by ${address}: configuration "us-east-1" lifecycle_configuration.expiration.days not set (kept forever) → 3650.`,
    ]);
    expect(judged([withUnknown(update(address, lake(365), lake(null)), { configuration: [{ lifecycle_configuration: [{ expiration: [{ days: true }] }] }] })])).toEqual(BLOCKED);
    expect(judged([withUnknown(update(address, lake(365), lake(null)), { configuration: true })])).toEqual(BLOCKED);
  });

  test("raised, removed (kept forever), kept with new transitions, or a new data lake passes", () => {
    expect(judged([update(address, lake(30), lake(365))])).toEqual([]);
    expect(judged([update(address, lake(30), lake(undefined))])).toEqual([]);
    expect(judged([update(address, lake(365), lake(365, "us-east-1", [{ days: 30, storage_class: "STANDARD_IA" }]))])).toEqual([]);
    expect(judged([create(address, lake(1))])).toEqual([]);
  });
});

describe("06: an S3 on Outposts lifecycle configuration is judged as a bucket's", () => {
  const address = "aws_s3control_bucket_lifecycle_configuration.outposts";
  const BUCKET = "arn:aws:s3-outposts:us-east-1:123456789012:outpost/op-01ac5d28a6a232904/bucket/prod-data";
  const lifecycle = (rule: Obj) => ({ bucket: BUCKET, rule: [{ id: "r", status: "Enabled", filter: [], abort_incomplete_multipart_upload: [], expiration: [], ...rule }] });
  const BLOCKED = [`plan-guardrail-changed ${address}`];

  test("the red-team's plan: a create that expires objects overwrites the bucket's lifecycle", () => {
    expect(realPlan("06-s3control-lifecycle-expire")).toEqual([
      `plan-guardrail-changed: The plan creates the guardrail ${address}, overwriting the setting AWS holds now (not in the plan): rule "expire-all".expiration (current setting, not in the plan) → [{"date":"","days":1,"expired_object_delete_marker":false}]. Lifecycle rules delete objects by themselves: an expiration rule empties an S3 on Outposts bucket without a delete in any plan.`,
    ]);
  });

  test("created with an expiration by days or date, or known only after apply, blocks; any update of its rules blocks", () => {
    expect(judged([create(address, lifecycle({ expiration: [{ days: 30, date: "", expired_object_delete_marker: false }] }))])).toEqual(BLOCKED);
    expect(judged([create(address, lifecycle({ expiration: [{ days: 0, date: "2030-01-01", expired_object_delete_marker: false }] }))])).toEqual(BLOCKED);
    expect(judged([withUnknown(create(address, lifecycle({ expiration: [{}] })), { rule: [{ expiration: [{ days: true }] }] })])).toEqual(BLOCKED);
    expect(judged([withUnknown(create(address, { bucket: BUCKET, rule: null }), { rule: true })])).toEqual(BLOCKED);
    expect(judged([update(address, lifecycle({ expiration: [{ days: 365 }] }), lifecycle({ expiration: [{ days: 1 }] }))])).toEqual(BLOCKED);
  });

  test("created without expiration (aborting uploads, removing delete markers), disabled, or for a bucket the plan creates, passes", () => {
    expect(judged([create(address, lifecycle({ abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] }))])).toEqual([]);
    expect(judged([create(address, lifecycle({ expiration: [{ days: 0, date: "", expired_object_delete_marker: true }] }))])).toEqual([]);
    expect(judged([create(address, lifecycle({ status: "Disabled", expiration: [{ days: 1 }] }))])).toEqual([]);
    const bucket = create("aws_s3control_bucket.prod", { bucket: "prod-data", outpost_id: "op-01ac5d28a6a232904" });
    const onNew = withUnknown(create(address, { ...lifecycle({ expiration: [{ days: 1 }] }), bucket: null }), { bucket: true });
    const configuration = (expression: Obj) => ({
      configuration: { root_module: { resources: [{ address, mode: "managed", type: "aws_s3control_bucket_lifecycle_configuration", name: "outposts", provider_config_key: "aws", expressions: { bucket: expression } }] } },
    });
    expect(judged([bucket, onNew], configuration({ references: ["aws_s3control_bucket.prod.arn", "aws_s3control_bucket.prod"] }))).toEqual([]);
    // A bucket named by a variable may be any bucket.
    expect(judged([bucket, onNew], configuration({ references: ["var.bucket"] }))).toEqual(BLOCKED);
  });
});

describe("04: an Image Builder lifecycle policy that deletes images (blocked, as an ECR lifecycle policy that expires images is)", () => {
  const address = "aws_imagebuilder_lifecycle_policy.cleanup";
  const policy = (type: unknown, extra: Obj = {}) => ({
    name: "ami-cleanup",
    execution_role: "arn:aws:iam::123456789012:role/imagebuilder-lifecycle",
    resource_type: "AMI_IMAGE",
    status: "ENABLED",
    policy_detail: [{ action: [{ type, include_resources: [{ amis: true, snapshots: true }] }], exclusion_rules: [], filter: [{ type: "COUNT", value: 1 }] }],
    resource_selection: [{ recipe: [], tag_map: { team: "payments" } }],
    ...extra,
  });
  const BLOCKED = [`plan-guardrail-changed ${address}`];

  test("the red-team's plan: a created policy with a DELETE action", () => {
    expect(realPlan("04-imagebuilder-lifecycle-delete")).toEqual([
      `plan-guardrail-changed: The plan creates ${address}, which deletes existing data by itself: policy_detail[0].action (none) → DELETE of [{"amis":true,"snapshots":true}], filter [{"retain_at_least":null,"type":"COUNT","unit":null,"value":1}]. An Image Builder lifecycle policy with a DELETE action deregisters the AMIs it selects (all but those its filter keeps) and deletes their snapshots and container images, by itself, on its own schedule.`,
    ]);
  });

  test("created with DELETE (status unset or ENABLED), or an action or policy known only after apply, blocks", () => {
    expect(judged([create(address, policy("DELETE"))])).toEqual(BLOCKED);
    expect(judged([withUnknown(create(address, policy("DELETE", { status: null })), { status: true })])).toEqual(BLOCKED);
    expect(judged([withUnknown(create(address, policy(null)), { policy_detail: [{ action: [{ type: true }] }] })])).toEqual(BLOCKED);
    expect(judged([withUnknown(create(address, policy(null, { policy_detail: null })), { policy_detail: true })])).toEqual(BLOCKED);
  });

  test("an update of a policy that deletes counts for any content change: what it selects, keeps, or its status", () => {
    expect(judged([update(address, policy("DELETE"), policy("DELETE", { resource_selection: [{ recipe: [], tag_map: { team: "all" } }] }))])).toEqual(BLOCKED);
    expect(judged([update(address, policy("DELETE", { status: "DISABLED" }), policy("DELETE"))])).toEqual(BLOCKED);
    expect(judged([update(address, policy("DEPRECATE"), policy("DELETE"))])).toEqual(BLOCKED);
  });

  test("DEPRECATE or DISABLE (nothing deleted), a DISABLED policy, a policy that stops deleting, and tags only, pass", () => {
    expect(judged([create(address, policy("DEPRECATE"))])).toEqual([]);
    expect(judged([create(address, policy("DISABLE"))])).toEqual([]);
    expect(judged([create(address, policy("DELETE", { status: "DISABLED" }))])).toEqual([]);
    expect(judged([update(address, policy("DELETE"), policy("DEPRECATE"))])).toEqual([]);
    expect(judged([update(address, policy("DELETE"), policy("DELETE", { status: "DISABLED" }))])).toEqual([]);
    expect(judged([update(address, policy("DELETE"), policy("DELETE", { tags: { team: "payments" }, description: "cleanup" }))])).toEqual([]);
  });
});

describe("review: a Prometheus workspace's metrics retention (unset: 150 days)", () => {
  const address = "aws_prometheus_workspace_configuration.this";
  const config = (days: unknown, workspace: unknown = "ws-prod") => ({ workspace_id: workspace, retention_period_in_days: days, limits_per_label_set: [] });
  const BLOCKED = [`plan-backup-retention-lowered ${address}`];
  const expressions = (exprs: Obj) => ({
    configuration: { root_module: { resources: [{ address, mode: "managed", type: "aws_prometheus_workspace_configuration", name: "this", provider_config_key: "aws", expressions: exprs }] } },
  });

  test("lowered, or unknown after apply, blocks; raised or kept passes", () => {
    expect(messages([update(address, config(400), config(30))])).toEqual([`The plan lowers the retention of the metrics in the workspace of ${address}: retention_period_in_days 400 → 30.`]);
    expect(judged([update(address, config(null), config(30))])).toEqual(BLOCKED);
    expect(judged([withUnknown(update(address, config(400), config(null)), { retention_period_in_days: true })])).toEqual(BLOCKED);
    expect(judged([update(address, config(150), config(1095))])).toEqual([]);
    expect(judged([update(address, config(null), config(150))])).toEqual([]);
  });

  test("created for an existing workspace below the 1095-day most blocks: it replaces a retention the plan does not show", () => {
    expect(messages([create(address, config(30))])).toEqual([
      `The plan lowers the retention of the metrics in the workspace of ${address}: retention_period_in_days (the workspace's current retention, not in the plan; up to 1095) → 30.`,
    ]);
    expect(judged([withUnknown(create(address, config(null)), { retention_period_in_days: true })], expressions({ retention_period_in_days: { references: ["var.days"] } }))).toEqual(BLOCKED);
    expect(judged([create(address, config(1095))])).toEqual([]);
  });

  test("created with no retention (the provider sends none), or for a workspace this plan creates, passes", () => {
    expect(judged([withUnknown(create(address, config(null)), { retention_period_in_days: true })], expressions({ workspace_id: { constant_value: "ws-prod" } }))).toEqual([]);
    const workspace = create("aws_prometheus_workspace.new", { alias: "new" });
    const onNew = withUnknown(create(address, config(30, null)), { workspace_id: true });
    expect(judged([workspace, onNew], expressions({ workspace_id: { references: ["aws_prometheus_workspace.new.id", "aws_prometheus_workspace.new"] } }))).toEqual([]);
    expect(judged([workspace, onNew], expressions({ workspace_id: { references: ["var.workspace"] } }))).toEqual(BLOCKED);
  });
});
