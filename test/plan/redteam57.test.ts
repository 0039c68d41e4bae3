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
