// Red-team round 98 (r3, item 5): blastwall.json `protected` was read only by the plan gate; `blastwall check`
// judged the fixed list of data-bearing types, so a protected DocumentDB cluster was never checked.
import { tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule as preventDestroy } from "../../lib/rules/stateful-prevent-destroy";
import { rule as backupCoverage } from "../../lib/rules/stateful-backup-coverage";
import { rule as deletionProtection } from "../../lib/rules/rds-deletion-protection";
import { rule as finalSnapshot } from "../../lib/rules/rds-final-snapshot";
import { rule as backupRetention } from "../../lib/rules/rds-backup-retention";
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import type { BlastwallConfig } from "../../lib/engine/config-types";
import { mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runIn } from "../helpers/cli";
import { change, minimalPlan, tempDir, writeTemp } from "../plan/helpers";
import { STATEFUL_TYPES } from "../../lib/rules/protection-support";
import { PROTECTED_TYPES } from "../../lib/plan/protected";
import { PROTECTED_TWINS } from "../../lib/plan/cfn-tables";
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";

const LOCKED = { lifecycle: { prevent_destroy: true } };
const sel = (extra: Record<string, unknown>) => ({ name: "s", plan_id: "${aws_backup_plan.p.id}", iam_role_arn: "arn:aws:iam::111111111111:role/backup", ...extra });

// Red-team round 141 (F7): DocumentDB, Neptune and Redshift clusters, and since the FSx file systems, are built-in, as
// in the plan gate; a type only the config knows (an EC2 instance, which AWS Backup backs up) stands in for them here.
const instance = (extra: Record<string, unknown> = {}) => ({ ami: "ami-12345678", instance_type: "t3.micro", ...extra });
const byInstance: BlastwallConfig = { protected: { types: ["aws_instance"] } };

describe("config protected in the check-time protection rules", () => {
  it("stateful-prevent-destroy judges a type protected.types names, and says the config is why", () => {
    const [f, ...rest] = run(preventDestroy, tf({ "aws_instance.main": instance() }), byInstance);
    expect(rest).toEqual([]);
    expect(f.resource).toBe("aws_instance.main");
    expect(f.message).toContain("aws_instance.main has no lifecycle.prevent_destroy");
    expect(f.evidence).toContainEqual({ step: "protected", address: "aws_instance.main", detail: 'config protected.types lists "aws_instance"' });
  });

  it("stateful-prevent-destroy passes the same resource with prevent_destroy, and without the config", () => {
    expect(run(preventDestroy, tf({ "aws_instance.main": instance(LOCKED) }), byInstance)).toEqual([]);
    expect(run(preventDestroy, tf({ "aws_instance.main": instance() }))).toEqual([]);
  });

  it("matches addresses as the gate does: globs, type globs, and an instance entry covers its block", () => {
    const json = tf({ "aws_sns_topic.alerts": {}, "aws_sns_topic.other": {}, "aws_sqs_queue.q": {}, "aws_ecr_repository.s": {} });
    const found = (addresses: string[]) => run(preventDestroy, json, { protected: { addresses } }).map((f) => f.resource).sort();
    expect(found(["aws_sns_topic.alerts"])).toEqual(["aws_sns_topic.alerts"]);
    expect(found(["aws_sns_topic.*"])).toEqual(["aws_sns_topic.alerts", "aws_sns_topic.other"]);
    expect(found(['aws_sqs_queue.q["a"]', "aws_ecr_repository.s[0]"])).toEqual(["aws_ecr_repository.s", "aws_sqs_queue.q"]);
    // Terraform addresses are case-sensitive: a different case names nothing.
    expect(found(["aws_sns_topic.Alerts"])).toEqual([]);
    // A type glob.
    expect(run(preventDestroy, json, { protected: { types: ["aws_sns_*"] } }).map((f) => f.resource).sort()).toEqual(["aws_sns_topic.alerts", "aws_sns_topic.other"]);
  });

  it("stateful-backup-coverage judges a protected type AWS Backup covers, and passes it when a selection references it", () => {
    const [f] = run(backupCoverage, tf({ "aws_instance.main": instance(LOCKED) }), byInstance);
    expect(f.message).toContain("aws_instance.main is not covered by any AWS Backup selection");
    expect(f.evidence.map((e) => e.step)).toContain("protected");
    expect(run(backupCoverage, tf({ "aws_instance.main": instance(LOCKED), "aws_backup_selection.s": sel({ resources: ["${aws_instance.main.arn}"] }) }), byInstance)).toEqual([]);
  });

  it("stateful-backup-coverage fails closed on a type whose AWS Backup support it does not know, and skips one AWS Backup cannot back up", () => {
    const json = tf({ "aws_prometheus_workspace.g": LOCKED, "aws_elasticache_replication_group.cache": LOCKED, "aws_backup_selection.s": sel({ resources: ["*"] }) });
    const found = run(backupCoverage, json, { protected: { types: ["aws_prometheus_workspace", "aws_elasticache_replication_group"] } });
    expect(found.map((f) => f.resource)).toEqual(["aws_prometheus_workspace.g"]);
    expect(found[0].message).toContain('protected by the config (config protected.types lists "aws_prometheus_workspace"), and blastwall does not know whether AWS Backup can back up aws_prometheus_workspace');
    expect(found[0].message).toContain("acknowledge this finding");
  });

  it("blastwall check reports the protected type and address (the red-team input)", () => {
    const stack = buildStack(tf({ "aws_instance.main": instance(), "aws_sns_topic.alerts": {} }), "main.tf.json");
    const report = checkStacks([stack], { config: { protected: { types: ["aws_instance"], addresses: ["aws_sns_topic.alerts"] } } });
    const of = (address: string) => report.findings.filter((f) => f.resource === address).map((f) => f.ruleId).sort();
    expect(of("aws_instance.main")).toEqual(["stateful-backup-coverage", "stateful-prevent-destroy"]);
    expect(of("aws_sns_topic.alerts")).toEqual(["stateful-prevent-destroy"]);
  });
});

// Red-team round 141 (F7): the plan gate protects DocumentDB, Neptune and Redshift clusters by default, and check
// asked nothing of them unless the config named them.
describe("DocumentDB, Neptune and Redshift clusters are judged without any config, as the gate protects them", () => {
  const bare = tf({
    "aws_docdb_cluster.main": { cluster_identifier: "main", master_username: "u" },
    "aws_neptune_cluster.g": { cluster_identifier: "g" },
    "aws_redshift_cluster.w": { cluster_identifier: "w", node_type: "ra3.xlplus" },
  });
  const rulesOf = (json: Record<string, unknown>) => {
    const report = checkStacks([buildStack(json, "main.tf.json")], { config: {} });
    return report.findings.map((f) => `${f.resource} ${f.ruleId}`).sort();
  };

  it("bare clusters: prevent_destroy, backup coverage, retention, and deletion protection where AWS has it (not Redshift)", () => {
    expect(rulesOf(bare)).toEqual([
      "aws_docdb_cluster.main rds-backup-retention",
      "aws_docdb_cluster.main rds-deletion-protection",
      "aws_docdb_cluster.main stateful-backup-coverage",
      "aws_docdb_cluster.main stateful-prevent-destroy",
      "aws_neptune_cluster.g rds-backup-retention",
      "aws_neptune_cluster.g rds-deletion-protection",
      "aws_neptune_cluster.g stateful-backup-coverage",
      "aws_neptune_cluster.g stateful-prevent-destroy",
      "aws_redshift_cluster.w rds-backup-retention",
      "aws_redshift_cluster.w stateful-backup-coverage",
      "aws_redshift_cluster.w stateful-prevent-destroy",
    ]);
  });

  it("each rule names the argument of the type: Redshift's automated_snapshot_retention_period, skip_final_snapshot on all three", () => {
    const json = tf({
      "aws_neptune_cluster.g": { skip_final_snapshot: true, backup_retention_period: 3, deletion_protection: false },
      "aws_redshift_cluster.w": { skip_final_snapshot: true, automated_snapshot_retention_period: 0 },
    });
    const retention = run(backupRetention, json);
    expect(retention.map((f) => f.message)).toEqual([
      expect.stringContaining("aws_neptune_cluster.g keeps automated backups 3 day(s): fewer than 7 days of restore points. Set backup_retention_period to at least 7."),
      expect.stringContaining("aws_redshift_cluster.w keeps automated backups 0 day(s) (0 turns them off): fewer than 7 days of restore points. Set automated_snapshot_retention_period to at least 7."),
    ]);
    expect(run(finalSnapshot, json).map((f) => f.resource)).toEqual(["aws_neptune_cluster.g", "aws_redshift_cluster.w"]);
    expect(run(deletionProtection, json).map((f) => f.resource)).toEqual(["aws_neptune_cluster.g"]);
  });

  it("control: clusters with every protection, selected by reference in a backup plan, have no finding", () => {
    const safe = { skip_final_snapshot: false, final_snapshot_identifier: "final", ...LOCKED };
    const json = tf({
      "aws_docdb_cluster.main": { ...safe, deletion_protection: true, backup_retention_period: 14 },
      "aws_neptune_cluster.g": { ...safe, deletion_protection: true, backup_retention_period: 7 },
      "aws_redshift_cluster.w": { ...safe, automated_snapshot_retention_period: 14 },
      "aws_backup_selection.s": sel({ resources: ["${aws_docdb_cluster.main.arn}", "${aws_neptune_cluster.g.arn}", "${aws_redshift_cluster.w.arn}"] }),
    });
    for (const rule of [preventDestroy, backupCoverage, deletionProtection, finalSnapshot, backupRetention]) expect(run(rule, json)).toEqual([]);
  });

  it("a Neptune read replica (replication_source_identifier) is not asked for its own retention or final snapshot", () => {
    const json = tf({ "aws_neptune_cluster.r": { replication_source_identifier: "arn:aws:rds:eu-central-1:111111111111:cluster:g", skip_final_snapshot: true } });
    expect(run(backupRetention, json)).toEqual([]);
    expect(run(finalSnapshot, json)).toEqual([]);
  });
});

describe("their serverless and elastic kin the gate protects: a Redshift Serverless namespace, a DocumentDB elastic cluster", () => {
  const rulesOf = (json: Record<string, unknown>) => checkStacks([buildStack(json, "main.tf.json")], { config: {} }).findings.map((f) => `${f.resource} ${f.ruleId}`).sort();
  const bare = tf({
    "aws_redshiftserverless_namespace.w": { namespace_name: "w" },
    "aws_docdbelastic_cluster.e": { name: "e", admin_user_name: "u", auth_type: "SECRET_ARN", shard_capacity: 2, shard_count: 1 },
  });

  it("bare: prevent_destroy for both; AWS Backup coverage for the namespace only; the elastic cluster's snapshot retention", () => {
    expect(rulesOf(bare)).toEqual([
      "aws_docdbelastic_cluster.e rds-backup-retention",
      "aws_docdbelastic_cluster.e stateful-prevent-destroy",
      "aws_redshiftserverless_namespace.w stateful-backup-coverage",
      "aws_redshiftserverless_namespace.w stateful-prevent-destroy",
    ]);
    expect(run(backupRetention, bare)[0].message).toContain("aws_docdbelastic_cluster.e does not set backup_retention_period (AWS then keeps automated backups 1 day)");
  });

  it("no deletion protection or final snapshot is asked of either: neither type has one", () => {
    expect(run(deletionProtection, bare)).toEqual([]);
    expect(run(finalSnapshot, bare)).toEqual([]);
  });

  it("control: prevent_destroy, the namespace selected by reference, the elastic cluster keeping 14 days: no finding", () => {
    const json = tf({
      "aws_redshiftserverless_namespace.w": { namespace_name: "w", ...LOCKED },
      "aws_docdbelastic_cluster.e": { name: "e", admin_user_name: "u", auth_type: "SECRET_ARN", shard_capacity: 2, shard_count: 1, backup_retention_period: 14, ...LOCKED },
      "aws_backup_selection.s": sel({ resources: ["${aws_redshiftserverless_namespace.w.arn}"] }),
    });
    expect(rulesOf(json)).toEqual([]);
  });
});

// The plan gate protects these data types by default too (lib/plan/protected.ts); check asked nothing of them unless
// the config named them. Each is asked for prevent_destroy, an AWS Backup selection where AWS Backup can back it up,
// and the deletion protection, final snapshot or backup, and retention its provider arguments give.
describe("the gate's other data types: DSQL, MemoryDB, Neptune Analytics, Keyspaces, Timestream, FSx, OpenSearch, streams, vector indexes", () => {
  const rulesOf = (json: Record<string, unknown>) => checkStacks([buildStack(json, "main.tf.json")], { config: {} }).findings.map((f) => `${f.resource} ${f.ruleId}`).sort();
  const persistent = { deployment_type: "PERSISTENT_2", storage_capacity: 1200, subnet_ids: ["subnet-1"] };
  const bare = tf({
    "aws_dsql_cluster.d": {},
    "aws_memorydb_cluster.m": { acl_name: "a", engine: "valkey", engine_version: "7.2", node_type: "db.t4g.small" },
    "aws_neptunegraph_graph.g": { provisioned_memory: 16 },
    "aws_keyspaces_table.k": { keyspace_name: "ks", table_name: "t" },
    "aws_timestreamwrite_table.t": { database_name: "db", table_name: "t" },
    "aws_timestreaminfluxdb_db_instance.i": { name: "i" },
    "aws_fsx_lustre_file_system.scratch": { storage_capacity: 1200, subnet_ids: ["subnet-1"] },
    "aws_fsx_lustre_file_system.p": persistent,
    "aws_fsx_windows_file_system.w": { storage_capacity: 32, subnet_ids: ["subnet-1"], throughput_capacity: 8 },
    "aws_fsx_openzfs_file_system.z": { deployment_type: "SINGLE_AZ_1", subnet_ids: ["subnet-1"], throughput_capacity: 64 },
    "aws_fsx_ontap_file_system.o": { deployment_type: "SINGLE_AZ_1", subnet_ids: ["subnet-1"], throughput_capacity: 128 },
    "aws_fsx_ontap_volume.v": { name: "v", storage_virtual_machine_id: "svm-1" },
    "aws_opensearch_domain.search": { domain_name: "search" },
    "aws_opensearchserverless_collection.vectors": { name: "vectors", type: "VECTORSEARCH" },
    "aws_s3vectors_index.idx": { index_name: "idx", vector_bucket_name: "b", data_type: "float32", dimension: 128, distance_metric: "cosine" },
    "aws_kinesis_stream.events": { name: "events", retention_period: 168 },
    "aws_msk_cluster.kafka": { cluster_name: "kafka", kafka_version: "3.6.0", number_of_broker_nodes: 3 },
  });

  it("bare: prevent_destroy for all; a backup selection only where AWS Backup backs the type up; each type's own protections", () => {
    expect(rulesOf(bare)).toEqual([
      "aws_dsql_cluster.d rds-deletion-protection",
      "aws_dsql_cluster.d stateful-backup-coverage",
      "aws_dsql_cluster.d stateful-prevent-destroy",
      "aws_fsx_lustre_file_system.p rds-backup-retention",
      "aws_fsx_lustre_file_system.p rds-final-snapshot",
      "aws_fsx_lustre_file_system.p stateful-backup-coverage",
      "aws_fsx_lustre_file_system.p stateful-prevent-destroy",
      // A scratch file system (the provider's default deployment type) has no backups to ask for.
      "aws_fsx_lustre_file_system.scratch stateful-prevent-destroy",
      "aws_fsx_ontap_file_system.o rds-backup-retention",
      "aws_fsx_ontap_file_system.o stateful-prevent-destroy",
      "aws_fsx_ontap_volume.v stateful-backup-coverage",
      "aws_fsx_ontap_volume.v stateful-prevent-destroy",
      "aws_fsx_openzfs_file_system.z rds-backup-retention",
      "aws_fsx_openzfs_file_system.z stateful-backup-coverage",
      "aws_fsx_openzfs_file_system.z stateful-prevent-destroy",
      // Windows: automatic backups kept 7 days and a final backup by default.
      "aws_fsx_windows_file_system.w stateful-backup-coverage",
      "aws_fsx_windows_file_system.w stateful-prevent-destroy",
      "aws_keyspaces_table.k rds-backup-retention",
      "aws_keyspaces_table.k stateful-prevent-destroy",
      "aws_kinesis_stream.events stateful-prevent-destroy",
      "aws_memorydb_cluster.m rds-backup-retention",
      "aws_memorydb_cluster.m rds-final-snapshot",
      "aws_memorydb_cluster.m stateful-prevent-destroy",
      "aws_msk_cluster.kafka stateful-prevent-destroy",
      // Deletion protection is on unless set to false.
      "aws_neptunegraph_graph.g stateful-prevent-destroy",
      "aws_opensearch_domain.search stateful-prevent-destroy",
      "aws_opensearchserverless_collection.vectors stateful-prevent-destroy",
      "aws_s3vectors_index.idx stateful-prevent-destroy",
      "aws_timestreaminfluxdb_db_instance.i stateful-prevent-destroy",
      "aws_timestreamwrite_table.t stateful-backup-coverage",
      "aws_timestreamwrite_table.t stateful-prevent-destroy",
    ]);
  });

  it("each message names the type's own argument and what an unset one means", () => {
    const text = (rule: typeof preventDestroy) => run(rule, bare).map((f) => f.message);
    expect(text(deletionProtection)).toEqual([expect.stringContaining("aws_dsql_cluster.d does not set deletion_protection_enabled (the provider requires it, so its value is not known to be true): one DeleteCluster call or destroy removes the database. Set deletion_protection_enabled = true.")]);
    expect(text(finalSnapshot)).toEqual([
      expect.stringContaining("aws_fsx_lustre_file_system.p does not set skip_final_backup (the provider default is true): a destroy would leave no final backup. Set skip_final_backup = false."),
      expect.stringContaining("aws_memorydb_cluster.m does not set final_snapshot_name: a destroy would delete the cluster without a final snapshot. Set final_snapshot_name"),
    ]);
    expect(text(backupRetention).sort()).toEqual([
      expect.stringContaining("aws_fsx_lustre_file_system.p does not set automatic_backup_retention_days (the provider documents no default, and an unset one may keep none)"),
      expect.stringContaining("aws_fsx_ontap_file_system.o does not set automatic_backup_retention_days"),
      expect.stringContaining("aws_fsx_openzfs_file_system.z does not set automatic_backup_retention_days"),
      expect.stringContaining('aws_keyspaces_table.k has no point_in_time_recovery block (Keyspaces\' default is DISABLED): Keyspaces keeps no restore point of the table. Set point_in_time_recovery { status = "ENABLED" }.'),
      expect.stringContaining("aws_memorydb_cluster.m does not set snapshot_retention_limit (AWS then keeps automated backups 0 days: none): fewer than 7 days of restore points. Set snapshot_retention_limit to at least 7."),
    ]);
  });

  it("a setting turned the unsafe way is a finding where its default is safe: a graph without deletion protection, a Windows file system skipping its final backup or keeping 3 days", () => {
    const json = tf({
      "aws_neptunegraph_graph.g": { provisioned_memory: 16, deletion_protection: false },
      "aws_fsx_windows_file_system.w": { storage_capacity: 32, subnet_ids: ["subnet-1"], throughput_capacity: 8, skip_final_backup: true, automatic_backup_retention_days: 3 },
      "aws_fsx_ontap_volume.v": { name: "v", storage_virtual_machine_id: "svm-1", skip_final_backup: true },
      "aws_keyspaces_table.k": { keyspace_name: "ks", table_name: "t", point_in_time_recovery: [{ status: "${var.pitr}" }] },
      "aws_memorydb_cluster.m": { final_snapshot_name: "${var.final}", snapshot_retention_limit: 14 },
    });
    expect(run(deletionProtection, json).map((f) => f.message)).toEqual([expect.stringContaining("aws_neptunegraph_graph.g sets deletion_protection = false: one DeleteGraph call or destroy removes the graph and its data")]);
    expect(run(finalSnapshot, json).map((f) => f.resource)).toEqual(["aws_fsx_windows_file_system.w", "aws_fsx_ontap_volume.v", "aws_memorydb_cluster.m"]);
    expect(run(finalSnapshot, json)[2].message).toContain("sets final_snapshot_name to `${var.final}`, a variable (no default)");
    const retention = run(backupRetention, json).map((f) => f.message);
    expect(retention).toEqual([
      expect.stringContaining("aws_fsx_windows_file_system.w keeps automated backups 3 day(s)"),
      expect.stringContaining("aws_keyspaces_table.k sets point_in_time_recovery.status to `${var.pitr}`, a variable (no default)"),
    ]);
  });

  it("control: every protection set and the backed-up types selected by reference: no finding", () => {
    const json = tf({
      "aws_dsql_cluster.d": { deletion_protection_enabled: true, ...LOCKED },
      "aws_memorydb_cluster.m": { acl_name: "a", engine: "valkey", engine_version: "7.2", node_type: "db.t4g.small", snapshot_retention_limit: 14, final_snapshot_name: "m-final", ...LOCKED },
      "aws_neptunegraph_graph.g": { provisioned_memory: 16, deletion_protection: true, ...LOCKED },
      "aws_keyspaces_table.k": { keyspace_name: "ks", table_name: "t", point_in_time_recovery: [{ status: "ENABLED" }], ...LOCKED },
      "aws_timestreamwrite_table.t": { database_name: "db", table_name: "t", ...LOCKED },
      "aws_fsx_lustre_file_system.scratch": { storage_capacity: 1200, subnet_ids: ["subnet-1"], deployment_type: "SCRATCH_2", ...LOCKED },
      "aws_fsx_lustre_file_system.p": { ...persistent, automatic_backup_retention_days: 14, skip_final_backup: false, ...LOCKED },
      "aws_fsx_windows_file_system.w": { storage_capacity: 32, subnet_ids: ["subnet-1"], throughput_capacity: 8, ...LOCKED },
      "aws_fsx_ontap_file_system.o": { deployment_type: "SINGLE_AZ_1", subnet_ids: ["subnet-1"], throughput_capacity: 128, automatic_backup_retention_days: 30, ...LOCKED },
      "aws_fsx_ontap_volume.v": { name: "v", storage_virtual_machine_id: "svm-1", skip_final_backup: false, ...LOCKED },
      "aws_kinesis_stream.events": { name: "events", retention_period: 168, ...LOCKED },
      "aws_s3vectors_index.idx": { index_name: "idx", vector_bucket_name: "b", data_type: "float32", dimension: 128, distance_metric: "cosine", ...LOCKED },
      "aws_backup_selection.s": sel({
        resources: ["${aws_dsql_cluster.d.arn}", "${aws_timestreamwrite_table.t.arn}", "${aws_fsx_lustre_file_system.p.arn}", "${aws_fsx_windows_file_system.w.arn}", "${aws_fsx_ontap_volume.v.arn}"],
      }),
    });
    expect(rulesOf(json)).toEqual([]);
  });

  it("a Lustre file system whose deployment_type blastwall cannot read counts as persistent", () => {
    const json = tf({ "aws_fsx_lustre_file_system.p": { storage_capacity: 1200, subnet_ids: ["subnet-1"], deployment_type: "${var.kind}", ...LOCKED } });
    expect(rulesOf(json)).toEqual(["aws_fsx_lustre_file_system.p rds-backup-retention", "aws_fsx_lustre_file_system.p rds-final-snapshot", "aws_fsx_lustre_file_system.p stateful-backup-coverage"]);
  });
});

// The last of the plan gate's data types check asked nothing of: Lightsail databases and disks, S3 Tables, Glacier
// vaults, Kinesis video streams and Cognito user pools. None of them is an AWS Backup resource type (its
// GetSupportedResourceTypes list), so none is asked for a backup selection; each is asked for prevent_destroy and for
// the deletion protection, final snapshot and backups its provider arguments give.
describe("Lightsail, S3 Tables, Glacier, Kinesis Video and Cognito user pools are judged as the gate protects them", () => {
  const rulesOf = (json: Record<string, unknown>) => checkStacks([buildStack(json, "main.tf.json")], { config: {} }).findings.map((f) => `${f.resource} ${f.ruleId}`).sort();
  const db = { relational_database_name: "app", blueprint_id: "postgres_16", bundle_id: "micro_2_0", master_database_name: "app", master_username: "app", master_password: "${var.pw}" };
  const others = {
    "aws_lightsail_disk.d": { name: "d", availability_zone: "eu-central-1a", size_in_gb: 32 },
    "aws_s3tables_table_bucket.tb": { name: "tb" },
    "aws_s3tables_table.t": { name: "t", namespace: "ns", format: "ICEBERG", table_bucket_arn: "${aws_s3tables_table_bucket.tb.arn}" },
    "aws_glacier_vault.v": { name: "v" },
    "aws_kinesis_video_stream.cam": { name: "cam", data_retention_in_hours: 24 },
  };
  const bare = tf({ "aws_lightsail_database.db": db, "aws_cognito_user_pool.users": { name: "users" }, ...others });

  it("bare: prevent_destroy for all, a user pool's deletion protection, and no backup selection for any", () => {
    expect(rulesOf(bare)).toEqual([
      // Deletion protection is INACTIVE unless set; a Lightsail database's final snapshot and backups are on by default.
      "aws_cognito_user_pool.users rds-deletion-protection",
      "aws_cognito_user_pool.users stateful-prevent-destroy",
      "aws_glacier_vault.v stateful-prevent-destroy",
      "aws_kinesis_video_stream.cam stateful-prevent-destroy",
      "aws_lightsail_database.db stateful-prevent-destroy",
      "aws_lightsail_disk.d stateful-prevent-destroy",
      "aws_s3tables_table.t stateful-prevent-destroy",
      "aws_s3tables_table_bucket.tb stateful-prevent-destroy",
    ]);
    expect(run(preventDestroy, bare).find((f) => f.resource === "aws_glacier_vault.v")?.message).toContain(
      "aws_glacier_vault.v has no lifecycle.prevent_destroy: a destroy or a replacement would delete its data. Add lifecycle { prevent_destroy = true }.",
    );
  });

  it("a user pool's message names its string argument and value", () => {
    const json = tf({
      "aws_cognito_user_pool.unset": { name: "a" },
      "aws_cognito_user_pool.off": { name: "b", deletion_protection: "INACTIVE" },
      "aws_cognito_user_pool.var": { name: "c", deletion_protection: "${var.protect}" },
      "aws_cognito_user_pool.on": { name: "d", deletion_protection: "ACTIVE" },
    });
    expect(run(deletionProtection, json).map((f) => f.message)).toEqual([
      'aws_cognito_user_pool.unset does not set deletion_protection (the provider default is "INACTIVE"): one DeleteUserPool call or destroy removes the pool and every user in it, and users and their passwords cannot be exported to restore it. Set deletion_protection = "ACTIVE".',
      expect.stringContaining('aws_cognito_user_pool.off sets deletion_protection = "INACTIVE": one DeleteUserPool call'),
      expect.stringContaining('aws_cognito_user_pool.var sets deletion_protection to `${var.protect}`, a variable (no default) that -var or a tfvars file can set to anything at apply time, so it counts as not set (the safe value is "ACTIVE")'),
    ]);
  });

  it("a Lightsail database that skips its final snapshot or turns its backups off is a finding naming the argument", () => {
    const json = tf({
      "aws_lightsail_database.skip": { ...db, skip_final_snapshot: true, backup_retention_enabled: false },
      "aws_lightsail_database.var": { ...db, relational_database_name: "b", skip_final_snapshot: "${var.skip}", backup_retention_enabled: "${var.keep}" },
    });
    expect(run(finalSnapshot, json).map((f) => f.message)).toEqual([
      expect.stringContaining("aws_lightsail_database.skip sets skip_final_snapshot = true: a destroy would delete the database and leave no final snapshot. Set skip_final_snapshot = false and a final_snapshot_name."),
      expect.stringContaining("aws_lightsail_database.var sets skip_final_snapshot to `${var.skip}`, a variable (no default)"),
    ]);
    expect(run(backupRetention, json).map((f) => f.message)).toEqual([
      expect.stringContaining("aws_lightsail_database.skip sets backup_retention_enabled = false: Lightsail deletes the database's automated backups and keeps none"),
      expect.stringContaining("aws_lightsail_database.var sets backup_retention_enabled to `${var.keep}`, a variable (no default)"),
    ]);
    expect(run(backupRetention, json)[0].message).toContain("Set backup_retention_enabled = true");
  });

  it("control: prevent_destroy, an ACTIVE pool and a Lightsail database keeping its snapshot and backups: no finding, with no backup selection", () => {
    const json = tf({
      "aws_lightsail_database.db": { ...db, skip_final_snapshot: false, final_snapshot_name: "app-final", backup_retention_enabled: true, ...LOCKED },
      "aws_cognito_user_pool.users": { name: "users", deletion_protection: "ACTIVE", ...LOCKED },
      ...Object.fromEntries(Object.entries(others).map(([k, v]) => [k, { ...v, ...LOCKED }])),
    });
    expect(rulesOf(json)).toEqual([]);
  });

  it("the plan gate protects every type check judges by default, with a CloudFormation twin or the reason it has none", () => {
    for (const type of STATEFUL_TYPES) {
      expect([type, PROTECTED_TYPES.has(type)]).toEqual([type, true]);
      expect([type, PROTECTED_TWINS[type] !== undefined]).toEqual([type, true]);
    }
    const added = ["aws_lightsail_database", "aws_lightsail_disk", "aws_s3tables_table_bucket", "aws_s3tables_table", "aws_glacier_vault", "aws_kinesis_video_stream", "aws_cognito_user_pool"];
    const plan = readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(added.map((t) => change(`${t}.x`, ["delete"], { id: "x" }, null))))));
    expect(evaluatePlan(plan).judged.map((j) => `${j.finding.resource} ${j.finding.ruleId}`).sort()).toEqual(added.map((t) => `${t}.x plan-protected-delete`).sort());
  });
});

// Red-team round 99 (N2): `protected.addresses: ["module.db"]` made check ask every resource of the module (subnet,
// security and parameter groups) for prevent_destroy and an AWS Backup selection: 9 errors where the database had 3.
describe("config protected: a module prefix or a glob judges only the types that hold data", () => {
  const LOCKED_DB = { identifier: "main", engine: "postgres", instance_class: "db.t3.micro", allocated_storage: 20, deletion_protection: true, skip_final_snapshot: false, final_snapshot_identifier: "final", backup_retention_period: 7, delete_automated_backups: false, lifecycle: { prevent_destroy: true } };
  /** The red-team input: a local module with a database and its supporting resources; `db` overrides the instance. */
  function project(config: BlastwallConfig, db: Record<string, unknown> = LOCKED_DB, more: Record<string, Record<string, unknown>> = {}): string {
    const root = mkdtempSync(join(tmpdir(), "blastwall-protected-"));
    const module = tf({
      "aws_db_subnet_group.this": { name: "db", subnet_ids: ["subnet-1", "subnet-2"] },
      "aws_security_group.db": { name: "db" },
      "aws_db_parameter_group.pg": { name: "pg", family: "postgres16" },
      "aws_db_instance.main": db,
      ...more,
    });
    mkdirSync(join(root, "modules", "db"), { recursive: true });
    writeFileSync(join(root, "modules", "db", "main.tf.json"), JSON.stringify(module));
    writeFileSync(join(root, "main.tf.json"), JSON.stringify({ provider: { aws: [{ region: "us-east-1" }] }, module: { db: { source: "./modules/db" } } }));
    writeFileSync(join(root, "blastwall.json"), JSON.stringify(config));
    return root;
  }
  const PROTECTION = ["stateful-prevent-destroy", "stateful-backup-coverage", "rds-deletion-protection", "rds-final-snapshot"];
  /** `resource ruleId` of each protection finding of `check .`, sorted. */
  async function judged(root: string): Promise<string[]> {
    const r = await runIn(["check", "--format", "json", "."], root);
    const report = JSON.parse(r.stdout) as { findings: { ruleId: string; resource: string; message: string }[] };
    return report.findings.filter((f) => PROTECTION.includes(f.ruleId)).map((f) => `${f.resource} ${f.ruleId}`).sort();
  }

  it("module.db: the subnet, security and parameter groups are not judged; the database is, as without the config", async () => {
    const root = project({ protected: { addresses: ["module.db"] } });
    expect(await judged(root)).toEqual(["module.db.aws_db_instance.main stateful-backup-coverage"]);
  });

  it("module.db still judges what holds data in it: a database without prevent_destroy, a DocumentDB cluster only the config knows", async () => {
    const { lifecycle: _, ...unlocked } = LOCKED_DB;
    const root = project({ protected: { addresses: ["module.db"] } }, unlocked, {
      "aws_docdb_cluster.docs": { cluster_identifier: "docs", master_username: "u", skip_final_snapshot: false, deletion_protection: true, lifecycle: { prevent_destroy: true } },
    });
    expect(await judged(root)).toEqual([
      "module.db.aws_db_instance.main stateful-backup-coverage",
      "module.db.aws_db_instance.main stateful-prevent-destroy",
      "module.db.aws_docdb_cluster.docs stateful-backup-coverage",
    ]);
  });

  it("globs are broad too: module.db.* and protected.types aws_* judge no security group", async () => {
    expect(await judged(project({ protected: { addresses: ["module.db.*"] } }))).toEqual(["module.db.aws_db_instance.main stateful-backup-coverage"]);
    expect(await judged(project({ protected: { types: ["aws_*"] } }))).toEqual(["module.db.aws_db_instance.main stateful-backup-coverage"]);
  });

  it("an entry naming the security group exactly, by address or type, still judges it, with the unknown-backup finding", async () => {
    const expected = ["module.db.aws_db_instance.main stateful-backup-coverage", "module.db.aws_security_group.db stateful-backup-coverage", "module.db.aws_security_group.db stateful-prevent-destroy"];
    expect(await judged(project({ protected: { addresses: ["module.db.aws_security_group.db"] } }))).toEqual(expected);
    expect(await judged(project({ protected: { types: ["aws_security_group"] } }))).toEqual(expected);
    // An entry naming one instance names its block, as everywhere in check.
    expect(await judged(project({ protected: { addresses: ['module.db.aws_security_group.db["a"]'] } }))).toEqual(expected);
  });

  it("an exact entry wins over a broad one listed first: the finding names the exact entry", async () => {
    const r = await runIn(["check", "--format", "json", "."], project({ protected: { addresses: ["module.db", "module.db.aws_security_group.db"] } }));
    const f = (JSON.parse(r.stdout) as { findings: { ruleId: string; resource: string; message: string }[] }).findings.find(
      (x) => x.ruleId === "stateful-backup-coverage" && x.resource === "module.db.aws_security_group.db",
    );
    expect(f?.message).toContain('(config protected.addresses lists "module.db.aws_security_group.db"), and blastwall does not know whether AWS Backup can back up aws_security_group');
  });

  it("the plan gate is unchanged: module.db still blocks the delete of its security group", async () => {
    const root = project({ protected: { addresses: ["module.db"] } });
    writeFileSync(join(root, "plan.json"), JSON.stringify(minimalPlan([change("module.db.aws_security_group.db", ["delete"], { id: "sg-1" }, null)])));
    const r = await runIn(["gate", "--format", "json", "plan.json"], root);
    expect(r.code).toBe(1);
    expect(JSON.stringify(JSON.parse(r.stdout).findings)).toContain('config protected.addresses lists \\"module.db\\"');
  });
});
