// Red-team round 98 (r3, item 5): blastwall.json `protected` was read only by the plan gate; `blastwall check`
// judged the fixed list of data-bearing types, so a protected DocumentDB cluster was never checked.
import { tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule as preventDestroy } from "../../lib/rules/stateful-prevent-destroy";
import { rule as backupCoverage } from "../../lib/rules/stateful-backup-coverage";
import { rule as deletionProtection } from "../../lib/rules/rds-deletion-protection";
import { rule as finalSnapshot } from "../../lib/rules/rds-final-snapshot";
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import type { BlastwallConfig } from "../../lib/engine/config-types";

const LOCKED = { lifecycle: { prevent_destroy: true } };
const docdb = (extra: Record<string, unknown> = {}) => ({ cluster_identifier: "main", master_username: "u", skip_final_snapshot: true, deletion_protection: false, ...extra });
const sel = (extra: Record<string, unknown>) => ({ name: "s", plan_id: "${aws_backup_plan.p.id}", iam_role_arn: "arn:aws:iam::111111111111:role/backup", ...extra });
const byType: BlastwallConfig = { protected: { types: ["aws_docdb_cluster"] } };

describe("config protected in the check-time protection rules", () => {
  it("stateful-prevent-destroy judges a type protected.types names, and says the config is why", () => {
    const [f, ...rest] = run(preventDestroy, tf({ "aws_docdb_cluster.main": docdb() }), byType);
    expect(rest).toEqual([]);
    expect(f.resource).toBe("aws_docdb_cluster.main");
    expect(f.message).toContain("aws_docdb_cluster.main has no lifecycle.prevent_destroy");
    expect(f.evidence).toContainEqual({ step: "protected", address: "aws_docdb_cluster.main", detail: 'config protected.types lists "aws_docdb_cluster"' });
  });

  it("stateful-prevent-destroy passes the same resource with prevent_destroy, and without the config", () => {
    expect(run(preventDestroy, tf({ "aws_docdb_cluster.main": docdb(LOCKED) }), byType)).toEqual([]);
    expect(run(preventDestroy, tf({ "aws_docdb_cluster.main": docdb() }))).toEqual([]);
  });

  it("matches addresses as the gate does: globs, type globs, and an instance entry covers its block", () => {
    const json = tf({ "aws_sns_topic.alerts": {}, "aws_sns_topic.other": {}, "aws_sqs_queue.q": {}, "aws_kinesis_stream.s": {} });
    const found = (addresses: string[]) => run(preventDestroy, json, { protected: { addresses } }).map((f) => f.resource).sort();
    expect(found(["aws_sns_topic.alerts"])).toEqual(["aws_sns_topic.alerts"]);
    expect(found(["aws_sns_topic.*"])).toEqual(["aws_sns_topic.alerts", "aws_sns_topic.other"]);
    expect(found(['aws_sqs_queue.q["a"]', "aws_kinesis_stream.s[0]"])).toEqual(["aws_kinesis_stream.s", "aws_sqs_queue.q"]);
    // Terraform addresses are case-sensitive: a different case names nothing.
    expect(found(["aws_sns_topic.Alerts"])).toEqual([]);
    // A type glob.
    expect(run(preventDestroy, json, { protected: { types: ["aws_sns_*"] } }).map((f) => f.resource).sort()).toEqual(["aws_sns_topic.alerts", "aws_sns_topic.other"]);
  });

  it("stateful-backup-coverage judges a protected type AWS Backup covers, and passes it when a selection references it", () => {
    const [f] = run(backupCoverage, tf({ "aws_docdb_cluster.main": docdb(LOCKED) }), byType);
    expect(f.message).toContain("aws_docdb_cluster.main is not covered by any AWS Backup selection");
    expect(f.evidence.map((e) => e.step)).toContain("protected");
    // No ARN form known for the type: an ARN pattern is not taken as covering it, and the evidence says why.
    const byPattern = run(backupCoverage, tf({ "aws_docdb_cluster.main": docdb(LOCKED), "aws_backup_selection.s": sel({ resources: ["arn:aws:rds:*:*:cluster:*"] }) }), byType);
    expect(byPattern).toHaveLength(1);
    expect(byPattern[0].evidence.map((e) => e.detail).join("\n")).toContain("blastwall does not know the ARN form of aws_docdb_cluster");
    expect(run(backupCoverage, tf({ "aws_docdb_cluster.main": docdb(LOCKED), "aws_backup_selection.s": sel({ resources: ["${aws_docdb_cluster.main.arn}"] }) }), byType)).toEqual([]);
  });

  it("stateful-backup-coverage fails closed on a type whose AWS Backup support it does not know, and skips one AWS Backup cannot back up", () => {
    const json = tf({ "aws_neptunegraph_graph.g": LOCKED, "aws_elasticache_replication_group.cache": LOCKED, "aws_backup_selection.s": sel({ resources: ["*"] }) });
    const found = run(backupCoverage, json, { protected: { types: ["aws_neptunegraph_graph", "aws_elasticache_replication_group"] } });
    expect(found.map((f) => f.resource)).toEqual(["aws_neptunegraph_graph.g"]);
    expect(found[0].message).toContain('protected by the config (config protected.types lists "aws_neptunegraph_graph"), and blastwall does not know whether AWS Backup can back up aws_neptunegraph_graph');
    expect(found[0].message).toContain("acknowledge this finding");
  });

  it("rds-deletion-protection and rds-final-snapshot judge protected DocumentDB, Neptune (and for snapshots Redshift) clusters only", () => {
    const json = tf({
      "aws_docdb_cluster.main": docdb(),
      "aws_neptune_cluster.n": { skip_final_snapshot: true },
      "aws_redshift_cluster.w": { skip_final_snapshot: true },
      "aws_elasticache_replication_group.c": {},
    });
    const all: BlastwallConfig = { protected: { types: ["aws_docdb_cluster", "aws_neptune_cluster", "aws_redshift_cluster", "aws_elasticache_replication_group"] } };
    expect(run(deletionProtection, json, all).map((f) => f.resource).sort()).toEqual(["aws_docdb_cluster.main", "aws_neptune_cluster.n"]);
    expect(run(finalSnapshot, json, all).map((f) => f.resource).sort()).toEqual(["aws_docdb_cluster.main", "aws_neptune_cluster.n", "aws_redshift_cluster.w"]);
    expect(run(deletionProtection, json)).toEqual([]);
    expect(run(finalSnapshot, json)).toEqual([]);
    const safe = tf({ "aws_docdb_cluster.main": docdb({ skip_final_snapshot: false, deletion_protection: true }) });
    expect(run(deletionProtection, safe, all)).toEqual([]);
    expect(run(finalSnapshot, safe, all)).toEqual([]);
  });

  it("blastwall check reports the protected type (the red-team input)", () => {
    const stack = buildStack(tf({ "aws_docdb_cluster.main": docdb(), "aws_ebs_volume.data": { availability_zone: "us-east-1a", size: 10 } }), "main.tf.json");
    const report = checkStacks([stack], { config: { protected: { types: ["aws_docdb_cluster"], addresses: ["aws_ebs_volume.data"] } } });
    const docdbRules = report.findings.filter((f) => f.resource === "aws_docdb_cluster.main").map((f) => f.ruleId).sort();
    expect(docdbRules).toEqual(["rds-deletion-protection", "rds-final-snapshot", "stateful-backup-coverage", "stateful-prevent-destroy"]);
  });
});
