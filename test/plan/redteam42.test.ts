/**
 * Red-team round 42 against the plan gate: protection switches, retention, guardrails and data types the gate did not
 * read, each with the change that weakens it and one that does not.
 */
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

type Obj = Record<string, unknown>;

function ruleIds(changes: unknown[]): string[] {
  const ev = evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes)))), { config: {} });
  return ev.judged.map((j) => `${j.finding.ruleId} ${j.finding.resource}`);
}

const update = (address: string, before: Obj, after: Obj, extra: Obj = {}) => change(address, ["update"], before, after, extra);
const create = (address: string, after: Obj) => change(address, ["create"], null, after);

describe("protection switches and final copies", () => {
  test.each([
    ["aws_cloudtrail_event_data_store.audit", { termination_protection_enabled: true }, { termination_protection_enabled: false }, "plan-deletion-protection-off"],
    ["aws_fsx_lustre_file_system.x", { skip_final_backup: false }, { skip_final_backup: true }, "plan-final-snapshot-skipped"],
    ["aws_fsx_ontap_volume.x", { skip_final_backup: false }, { skip_final_backup: true }, "plan-final-snapshot-skipped"],
    ["aws_ebs_volume.data", { final_snapshot: true }, { final_snapshot: false }, "plan-final-snapshot-skipped"],
    ["aws_memorydb_cluster.x", { final_snapshot_name: "last" }, { final_snapshot_name: null }, "plan-final-snapshot-skipped"],
    ["awscc_redshiftserverless_namespace.w", { namespace_name: "w", final_snapshot_name: "w-final" }, { namespace_name: "w", final_snapshot_name: null }, "plan-final-snapshot-skipped"],
    ["aws_lightsail_database.db", { skip_final_snapshot: false, final_snapshot_name: "db-final" }, { skip_final_snapshot: true, final_snapshot_name: null }, "plan-final-snapshot-skipped"],
    ["aws_fsx_openzfs_volume.x", { delete_volume_options: [] }, { delete_volume_options: ["DELETE_CHILD_VOLUMES_AND_SNAPSHOTS"] }, "plan-final-snapshot-skipped"],
    ["aws_secretsmanager_secret.db", { recovery_window_in_days: 30 }, { recovery_window_in_days: 0 }, "plan-recovery-window-shortened"],
    ["aws_secretsmanager_secret.db", {}, { recovery_window_in_days: 7 }, "plan-recovery-window-shortened"],
  ])("%s: %j → %j blocks (%s)", (address, before, after, rule) => {
    expect(ruleIds([update(address, before, after)])).toContain(`${rule} ${address}`);
  });

  test.each([
    ["aws_cloudtrail_event_data_store.audit", { termination_protection_enabled: false }, { termination_protection_enabled: true }],
    ["aws_fsx_lustre_file_system.x", { skip_final_backup: true }, { skip_final_backup: false }],
    ["aws_ebs_volume.data", { final_snapshot: false }, { final_snapshot: true }],
    ["aws_memorydb_cluster.x", { final_snapshot_name: "last" }, { final_snapshot_name: "final" }],
    ["awscc_redshiftserverless_namespace.w", { namespace_name: "w", final_snapshot_name: "w-final" }, { namespace_name: "w", final_snapshot_name: "w-last" }],
    ["awscc_redshiftserverless_namespace.w", { namespace_name: "w" }, { namespace_name: "w", final_snapshot_name: "w-final" }],
    ["aws_lightsail_database.db", { skip_final_snapshot: true }, { skip_final_snapshot: false, final_snapshot_name: "db-final" }],
    ["aws_fsx_openzfs_volume.x", { delete_volume_options: ["DELETE_CHILD_VOLUMES_AND_SNAPSHOTS"] }, { delete_volume_options: ["DELETE_CHILD_VOLUMES_AND_SNAPSHOTS"], size: 2 }],
    ["aws_secretsmanager_secret.db", { recovery_window_in_days: 7 }, { recovery_window_in_days: 30 }],
  ])("the controls: %s %j → %j passes", (address, before, after) => {
    expect(ruleIds([update(address, before, after)])).toEqual([]);
  });
});

describe("retention of data and backups", () => {
  test.each([
    ["aws_timestreamwrite_table.t", { retention_properties: [{ magnetic_store_retention_period_in_days: 3650 }] }, { retention_properties: [{ magnetic_store_retention_period_in_days: 1 }] }],
    ["aws_keyspaces_table.t", { point_in_time_recovery: [{ status: "ENABLED" }] }, { point_in_time_recovery: [{ status: "DISABLED" }] }],
    ["aws_lightsail_database.db", { backup_retention_enabled: true }, { backup_retention_enabled: false }],
    ["aws_redshift_cluster.dw", { manual_snapshot_retention_period: -1 }, { manual_snapshot_retention_period: 1 }],
    ["aws_redshift_cluster.dw", { manual_snapshot_retention_period: 30 }, { manual_snapshot_retention_period: 7 }],
  ])("%s: %j → %j blocks", (address, before, after) => {
    expect(ruleIds([update(address, before, after)])).toContain(`plan-backup-retention-lowered ${address}`);
  });

  test.each([
    ["aws_timestreamwrite_table.t", { retention_properties: [{ magnetic_store_retention_period_in_days: 1 }] }, { retention_properties: [{ magnetic_store_retention_period_in_days: 3650 }] }],
    ["aws_keyspaces_table.t", { point_in_time_recovery: [{ status: "DISABLED" }] }, { point_in_time_recovery: [{ status: "ENABLED" }] }],
    ["aws_redshift_cluster.dw", { manual_snapshot_retention_period: 7 }, { manual_snapshot_retention_period: -1 }],
  ])("the controls: %s %j → %j passes", (address, before, after) => {
    expect(ruleIds([update(address, before, after)])).toEqual([]);
  });
});

describe("guardrails", () => {
  test("disabling a KMS replica or external key blocks, as for aws_kms_key", () => {
    for (const address of ["aws_kms_replica_key.r", "aws_kms_external_key.e"]) {
      expect(ruleIds([update(address, { enabled: true }, { enabled: false })])).toEqual([`plan-guardrail-changed ${address}`]);
      expect(ruleIds([update(address, { enabled: true, tags: {} }, { enabled: true, tags: { team: "x" } })])).toEqual([]);
    }
  });

  test("a Config recorder status created stopped stops the recorder there is", () => {
    expect(ruleIds([create("aws_config_configuration_recorder_status.s", { name: "default", is_enabled: false })])).toEqual(["plan-guardrail-changed aws_config_configuration_recorder_status.s"]);
    expect(ruleIds([create("aws_config_configuration_recorder_status.s", { name: "default", is_enabled: true })])).toEqual([]);
  });

  test("a vault lock created for a vault the plan does not create may replace a stronger lock", () => {
    const lock = create("aws_backup_vault_lock_configuration.l", { backup_vault_name: "prod", min_retention_days: 1, max_retention_days: 1 });
    const ids = ruleIds([lock]);
    expect(ids).toEqual(["plan-guardrail-changed aws_backup_vault_lock_configuration.l"]);
    // The controls: the vault is new in this plan, so it has no lock yet; the configuration names it by reference (its
    // `.id` is unknown until apply: red-team round 43), or by name through the same provider configuration.
    const configured = (lockExpr: Obj, lockProvider = "aws", vaultProvider = "aws") => ({
      configuration: {
        root_module: {
          resources: [
            { address: "aws_backup_vault.v", mode: "managed", type: "aws_backup_vault", name: "v", provider_config_key: vaultProvider, expressions: { name: { constant_value: "prod" } } },
            { address: "aws_backup_vault_lock_configuration.l", mode: "managed", type: "aws_backup_vault_lock_configuration", name: "l", provider_config_key: lockProvider, expressions: { backup_vault_name: lockExpr } },
          ],
        },
      },
    });
    const ids2 = (extra: Obj, lockAfter: Obj = { backup_vault_name: "prod", min_retention_days: 1 }) =>
      evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan([create("aws_backup_vault.v", { name: "prod" }), create("aws_backup_vault_lock_configuration.l", lockAfter)], extra)))), { config: {} }).judged.map((j) => j.finding.ruleId);
    expect(ids2(configured({ references: ["aws_backup_vault.v.id", "aws_backup_vault.v"] }), { min_retention_days: 1 })).toEqual([]);
    // By name alone it counts: a vault of that name created beside it may be a decoy whose create fails on the existing
    // vault while the lock lands on it (red-team round 48).
    expect(ids2(configured({ constant_value: "prod" }))).toEqual(["plan-guardrail-changed"]);
    expect(ids2(configured({ constant_value: "prod" }, "aws", "aws.dr"))).toEqual(["plan-guardrail-changed"]);
    // Without a configuration to tell, the lock counts (fail closed).
    expect(ruleIds([create("aws_backup_vault.v", { name: "prod" }), lock])).toEqual(["plan-guardrail-changed aws_backup_vault_lock_configuration.l"]);
  });

  test("AWS Backup account and region settings: created or changed with something off blocks", () => {
    expect(ruleIds([create("aws_backup_global_settings.g", { global_settings: { isCrossAccountBackupEnabled: "false" } })])).toEqual(["plan-guardrail-changed aws_backup_global_settings.g"]);
    expect(ruleIds([create("aws_backup_global_settings.g", { global_settings: { isCrossAccountBackupEnabled: "true" } })])).toEqual([]);
    expect(ruleIds([update("aws_backup_global_settings.g", { global_settings: { isCrossAccountBackupEnabled: "true" } }, { global_settings: { isCrossAccountBackupEnabled: "false" } })])).toEqual(["plan-guardrail-changed aws_backup_global_settings.g"]);
    expect(ruleIds([create("aws_backup_region_settings.r", { resource_type_opt_in_preference: { RDS: false, EBS: true } })])).toEqual(["plan-guardrail-changed aws_backup_region_settings.r"]);
    expect(ruleIds([create("aws_backup_region_settings.r", { resource_type_opt_in_preference: { RDS: true, EBS: true } })])).toEqual([]);
  });

  test("a replication configuration created with a rule not enabled overwrites the bucket's replication", () => {
    const cfg = (status: string) => create("aws_s3_bucket_replication_configuration.r", { bucket: "data", role: "arn:aws:iam::111111111111:role/r", rule: [{ id: "all", status, destination: [{ bucket: "arn:aws:s3:::copy" }] }] });
    expect(ruleIds([cfg("Disabled")])).toEqual(["plan-guardrail-changed aws_s3_bucket_replication_configuration.r"]);
    expect(ruleIds([cfg("Enabled")])).toEqual([]);
  });
});

describe("data types the gate protects", () => {
  test.each([
    "aws_docdb_cluster_snapshot.s",
    "aws_neptune_cluster_snapshot.s",
    "aws_db_snapshot_copy.s",
    "aws_ebs_snapshot_copy.s",
    "aws_ebs_snapshot_import.s",
    "aws_ami_copy.a",
    "aws_memorydb_snapshot.s",
    "aws_redshiftserverless_snapshot.s",
    "aws_redshift_cluster_snapshot.s",
    "aws_fsx_ontap_volume.v",
    "aws_fsx_openzfs_volume.v",
    "aws_fsx_openzfs_snapshot.s",
    "aws_lightsail_disk.d",
    "aws_timestreaminfluxdb_db_instance.i",
    "aws_cloudsearch_domain.d",
    "aws_mq_broker.b",
    "aws_ecrpublic_repository.r",
    "aws_codeartifact_repository.r",
    "aws_cloudwatch_log_stream.s",
    "aws_glacier_vault_lock.l",
    "aws_efs_replication_configuration.r",
    "aws_directory_service_directory.d",
  ])("destroying %s blocks", (address) => {
    expect(ruleIds([change(address, ["delete"], { id: "x" }, null)])).toEqual([`plan-protected-delete ${address}`]);
  });

  test("the control: what the configuration writes again (an object, an item) and instances are not protected by default", () => {
    for (const address of ["aws_s3_object.o", "aws_dynamodb_table_item.i", "aws_instance.web"]) expect(ruleIds([change(address, ["delete"], { id: "x" }, null)])).toEqual([]);
  });
});

describe("the blastwall:protected tag set by a tag resource", () => {
  const tag = (value: string) => ({ resource_id: "i-0abc", key: "blastwall:protected", value });
  test("destroying it, or changing its value, takes the protection away", () => {
    expect(ruleIds([change("aws_ec2_tag.p", ["delete"], tag("true"), null)])).toEqual(["plan-protected-tag-removed aws_ec2_tag.p"]);
    expect(ruleIds([update("aws_ec2_tag.p", tag("true"), tag("false"))])).toEqual(["plan-protected-tag-removed aws_ec2_tag.p"]);
    expect(ruleIds([create("aws_dynamodb_tag.p", tag("false"))])).toEqual(["plan-protected-tag-removed aws_dynamodb_tag.p"]);
  });
  test("the controls: another tag, or the protected tag set to true", () => {
    expect(ruleIds([change("aws_ec2_tag.p", ["delete"], { resource_id: "i-0abc", key: "team", value: "x" }, null)])).toEqual([]);
    expect(ruleIds([create("aws_ec2_tag.p", tag("true"))])).toEqual([]);
    expect(ruleIds([update("aws_ec2_tag.p", tag("true"), { ...tag("true"), resource_id: "i-0abc" })])).toEqual([]);
  });
});

describe("plan-command-scheduled: AWS runs commands or destructive API calls for the plan", () => {
  const schedule = (arn: string) =>
    create("aws_scheduler_schedule.s", { name: "s", schedule_expression: "rate(5 minutes)", target: [{ arn, role_arn: "arn:aws:iam::111111111111:role/sched", input: JSON.stringify({ DBInstanceIdentifier: "orders", SkipFinalSnapshot: true }) }] });

  test("a schedule whose universal target calls a destroy right blocks, naming the API and its input", () => {
    const ev = evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan([schedule("arn:aws:scheduler:::aws-sdk:rds:deleteDBInstance")])))), { config: {} });
    const [f] = ev.judged.map((j) => j.finding);
    expect(f.ruleId).toBe("plan-command-scheduled");
    expect(f.message).toContain("calls rds:DeleteDBInstance with the role \"arn:aws:iam::111111111111:role/sched\"");
    expect(f.evidence.map((e) => e.detail).join("\n")).toContain("SkipFinalSnapshot");
    expect(ruleIds([schedule("arn:aws:scheduler:::aws-sdk:rds:modifyDBInstance")])).toEqual(["plan-command-scheduled aws_scheduler_schedule.s"]);
    expect(ruleIds([schedule("arn:aws:scheduler:::aws-sdk:efs:deleteFileSystem")])).toEqual(["plan-command-scheduled aws_scheduler_schedule.s"]);
  });

  test("the controls: an API that destroys nothing, or a target that runs its own code (a Lambda, a queue)", () => {
    expect(ruleIds([schedule("arn:aws:scheduler:::aws-sdk:ec2:describeInstances")])).toEqual([]);
    expect(ruleIds([schedule("arn:aws:lambda:eu-west-1:111111111111:function:nightly")])).toEqual([]);
  });

  test("a target known only after apply blocks (fail closed)", () => {
    const rc = create("aws_scheduler_schedule.s", { name: "s", target: [{ role_arn: "r" }] });
    (rc.change as Obj).after_unknown = { target: [{ arn: true }] };
    expect(ruleIds([rc])).toEqual(["plan-command-scheduled aws_scheduler_schedule.s"]);
  });

  test("an SSM association runs its document when created: blocked unless it is a routine AWS document", () => {
    const assoc = (name: string) => create("aws_ssm_association.a", { name, parameters: { commands: "rm -rf /var/lib/postgresql" }, targets: [{ key: "tag:role", values: ["db"] }] });
    const ev = evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan([assoc("AWS-RunShellScript")])))), { config: {} });
    const [f] = ev.judged.map((j) => j.finding);
    expect(f).toMatchObject({ ruleId: "plan-command-scheduled", resource: "aws_ssm_association.a" });
    expect(f.evidence.map((e) => e.detail).join("\n")).toContain("rm -rf /var/lib/postgresql");
    expect(ruleIds([assoc("my-cleanup-runbook")])).toEqual(["plan-command-scheduled aws_ssm_association.a"]);
    expect(ruleIds([assoc("AWS-GatherSoftwareInventory")])).toEqual([]);
    expect(ruleIds([assoc("AWS-RunPatchBaseline")])).toEqual([]);
  });

  test("an EventBridge rule target that runs commands or a runbook blocks; one that invokes a function does not", () => {
    expect(ruleIds([create("aws_cloudwatch_event_target.t", { rule: "r", arn: "arn:aws:ssm:eu-west-1::document/AWS-RunShellScript", run_command_targets: [{ key: "tag:role", values: ["db"] }], input: "{}" })])).toEqual(["plan-command-scheduled aws_cloudwatch_event_target.t"]);
    expect(ruleIds([create("aws_cloudwatch_event_target.t", { rule: "r", arn: "arn:aws:ssm:eu-west-1:111111111111:automation-definition/DeleteOldSnapshots:$DEFAULT" })])).toEqual(["plan-command-scheduled aws_cloudwatch_event_target.t"]);
    expect(ruleIds([create("aws_cloudwatch_event_target.t", { rule: "r", arn: "arn:aws:lambda:eu-west-1:111111111111:function:f" })])).toEqual([]);
  });
});

describe("plans Terraform never writes are refused, not read as no change", () => {
  const refused = (doc: Obj) => () => readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(doc)));
  const db = { identifier: "orders" };

  test.each([
    ["a managed resource's delete marked as a data source's", [{ ...change("aws_db_instance.orders", ["delete"], db, null), mode: "data" }], /has mode "data", but its address names a managed resource/],
    ["a data source created", [{ ...change("data.aws_db_instance.orders", ["create"], null, db), mode: "data", type: "aws_db_instance", name: "orders" }], /is a data source with actions create/],
    ["a managed resource read", [change("aws_db_instance.orders", ["read"], db, db)], /is a managed resource with the action read/],
    ["a type that is not the address's", [{ ...change("aws_db_instance.orders", ["delete"], db, null), type: "aws_route" }], /has type "aws_route", but its address names a aws_db_instance/],
    ["an update without its after object", [change("aws_db_instance.orders", ["update"], db, null)], /has actions update but no change.after/],
    ["a no-op without its after object", [change("aws_db_instance.orders", ["no-op"], db, null)], /has actions no-op but no change.after/],
    ["an update without its before object", [change("aws_db_instance.orders", ["update"], null, db)], /has actions update but no change.before/],
    ["a create without its after object", [change("aws_db_instance.orders", ["create"], null, null)], /has actions create but no change.after/],
    ["replace_paths that are no paths", [change("aws_db_instance.orders", ["delete", "create"], db, db, {})].map((c) => ({ ...c, change: { ...(c.change as Obj), replace_paths: "x" } })), /replace_paths that is not a list of attribute paths/],
    ["replace_paths holding null", [change("aws_db_instance.orders", ["delete", "create"], db, db, {})].map((c) => ({ ...c, change: { ...(c.change as Obj), replace_paths: [null] } })), /replace_paths that is not a list of attribute paths/],
    ["a mode that is neither", [{ ...change("aws_db_instance.orders", ["delete"], db, null), mode: "other" }], /has mode "other"/],
  ])("%s", (_what, changes, message) => {
    expect(refused(minimalPlan(changes as unknown[]))).toThrow(message);
  });

  test("resource_changes null, or absent while a resource of the prior state is gone from the planned values", () => {
    expect(refused(minimalPlan([], { resource_changes: null }))).toThrow(/resource_changes is not an array/);
    const prior = { values: { root_module: { resources: [{ address: "aws_db_instance.orders", mode: "managed", type: "aws_db_instance", name: "orders", values: db }] } } };
    const gone = minimalPlan([], { prior_state: prior, planned_values: { root_module: {} } });
    delete gone.resource_changes;
    expect(refused(gone)).not.toThrow(); // no resource planned at all: a refresh-only plan (red-team round 43)
    const other = { address: "aws_s3_bucket.logs", mode: "managed", type: "aws_s3_bucket", name: "logs", values: { bucket: "logs" } };
    const goneWithOthers = minimalPlan([], { prior_state: { values: { root_module: { resources: [...prior.values.root_module.resources, other] } } }, planned_values: { root_module: { resources: [other] } } });
    delete goneWithOthers.resource_changes;
    expect(refused(goneWithOthers)).toThrow(/lists no resource changes, but aws_db_instance.orders of the prior state is missing from planned_values/);
    // The control: nothing changes, and the resource is still planned.
    const kept = minimalPlan([], { prior_state: prior, planned_values: prior.values });
    delete kept.resource_changes;
    expect(refused(kept)).not.toThrow();
  });

  test("without a mode, a module called data holds managed resources (its delete is judged)", () => {
    const rc = change("module.data.aws_db_instance.orders", ["delete"], db, null);
    delete (rc as Obj).mode;
    expect(ruleIds([rc])).toEqual(["plan-protected-delete module.data.aws_db_instance.orders"]);
  });
});

describe("red-team round 43: the plan gate's fixes checked again", () => {
  const run = (changes: unknown[], extra: Obj = {}) =>
    evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes, extra)))), { config: {} }).judged.map((j) => `${j.finding.ruleId} ${j.finding.resource}`);
  const configOf = (address: string, expressions: Obj) => ({ configuration: { root_module: { resources: [{ address, mode: "managed", type: address.split(".")[0], name: address.split(".")[1], expressions }] } } });

  test("a target created with the rule, known only after apply, is that resource's own code when the configuration says which", () => {
    const unknownArn = (address: string, path: Obj) => {
      const rc = create(address, { rule: "r" });
      (rc.change as Obj).after_unknown = path;
      return rc;
    };
    const lambda = create("aws_lambda_function.f", { function_name: "f" });
    const target = unknownArn("aws_cloudwatch_event_target.t", { arn: true });
    expect(run([lambda, target], configOf("aws_cloudwatch_event_target.t", { arn: { references: ["aws_lambda_function.f.arn", "aws_lambda_function.f"] } }))).toEqual([]);
    const schedule = unknownArn("aws_scheduler_schedule.s", { target: [{ arn: true }] });
    expect(run([lambda, schedule], configOf("aws_scheduler_schedule.s", { target: [{ arn: { references: ["aws_lambda_function.f.arn", "aws_lambda_function.f"] } }] }))).toEqual([]);
    // The controls: a reference to an SSM document, or no configuration to tell, counts.
    expect(run([target], configOf("aws_cloudwatch_event_target.t", { arn: { references: ["aws_ssm_document.cleanup.arn", "aws_ssm_document.cleanup"] } }))).toEqual(["plan-command-scheduled aws_cloudwatch_event_target.t"]);
    expect(run([target])).toEqual(["plan-command-scheduled aws_cloudwatch_event_target.t"]);
  });

  test("universal targets: SDK names that differ from IAM prefixes and actions, invocations, and destructive names the catalogue lacks", () => {
    const sched = (arn: string) => create("aws_scheduler_schedule.s", { target: [{ arn, role_arn: "r" }] });
    for (const arn of ["docdb:deleteDBCluster", "neptune:deleteDBCluster", "redshiftserverless:deleteNamespace", "keyspaces:deleteKeyspace", "emr:terminateJobFlows", "s3:putBucketLifecycleConfiguration", "s3:deleteObjects", "lambda:invoke", "someservice:deleteEverything"]) {
      expect(run([sched(`arn:aws:scheduler:::aws-sdk:${arn}`)])).toEqual(["plan-command-scheduled aws_scheduler_schedule.s"]);
    }
    expect(run([sched("arn:aws:scheduler:::aws-sdk:sqs:sendMessage")])).toEqual([]);
    // Stopping instances at night, the usual schedule, destroys nothing: a service the catalogue knows is judged by it.
    expect(run([sched("arn:aws:scheduler:::aws-sdk:ec2:stopInstances")])).toEqual([]);
    expect(run([sched("arn:aws:scheduler:::aws-sdk:rds:stopDBInstance")])).toEqual([]);
  });

  test("updates that leave what runs as it was pass: tags, a schedule switched off", () => {
    const assoc = { name: "my-runbook", parameters: { x: "1" }, targets: [{ key: "tag:r", values: ["db"] }] };
    expect(run([update("aws_ssm_association.a", { ...assoc, tags: {} }, { ...assoc, tags: { team: "x" } })])).toEqual([]);
    expect(run([update("aws_ssm_association.a", assoc, { ...assoc, parameters: { x: "2" } })])).toEqual(["plan-command-scheduled aws_ssm_association.a"]);
    const target = [{ arn: "arn:aws:scheduler:::aws-sdk:rds:deleteDBInstance", role_arn: "r" }];
    expect(run([update("aws_scheduler_schedule.s", { target, state: "ENABLED" }, { target, state: "DISABLED" })])).toEqual([]);
    expect(run([update("aws_scheduler_schedule.s", { target, state: "DISABLED" }, { target, state: "ENABLED" })])).toEqual(["plan-command-scheduled aws_scheduler_schedule.s"]);
    // A routine AWS document named by its ARN is that document.
    expect(run([create("aws_ssm_association.a", { name: "arn:aws:ssm:eu-west-1::document/AWS-GatherSoftwareInventory" })])).toEqual([]);
  });

  test("maintenance window tasks, automatic Config remediation and alarms that terminate run for the plan", () => {
    expect(run([create("aws_ssm_maintenance_window_task.t", { task_type: "RUN_COMMAND", task_arn: "AWS-RunShellScript", task_invocation_parameters: [{ run_command_parameters: [{ parameter: [{ name: "commands", values: ["rm -rf /data"] }] }] }] })])).toEqual(["plan-command-scheduled aws_ssm_maintenance_window_task.t"]);
    expect(run([create("aws_config_remediation_configuration.r", { config_rule_name: "x", target_type: "SSM_DOCUMENT", target_id: "AWS-DeleteUnusedEBSVolume", automatic: true })])).toEqual(["plan-command-scheduled aws_config_remediation_configuration.r"]);
    expect(run([create("aws_config_remediation_configuration.r", { config_rule_name: "x", target_type: "SSM_DOCUMENT", target_id: "AWS-DeleteUnusedEBSVolume", automatic: false })])).toEqual([]);
    expect(run([create("aws_cloudwatch_metric_alarm.a", { alarm_name: "a", alarm_actions: ["arn:aws:automate:eu-west-1:ec2:terminate"] })])).toEqual(["plan-command-scheduled aws_cloudwatch_metric_alarm.a"]);
    expect(run([create("aws_cloudwatch_metric_alarm.a", { alarm_name: "a", alarm_actions: ["arn:aws:sns:eu-west-1:111111111111:alerts"] })])).toEqual([]);
  });

  test("backup settings: an optional setting left unset is no change; the account's settings other than cross-account backup are not guardrails", () => {
    const region = create("aws_backup_region_settings.r", { resource_type_opt_in_preference: { RDS: true } });
    (region.change as Obj).after_unknown = { resource_type_management_preference: true };
    expect(run([region], configOf("aws_backup_region_settings.r", { resource_type_opt_in_preference: { constant_value: { RDS: true } } }))).toEqual([]);
    expect(run([create("aws_backup_global_settings.g", { global_settings: { isCrossAccountBackupEnabled: "true", isMpaEnabled: "false" } })])).toEqual([]);
  });

  test("tags of Auto Scaling groups, in the tag resource's block and the group's own blocks", () => {
    const tag = (value: string) => ({ autoscaling_group_name: "web", tag: [{ key: "blastwall:protected", value, propagate_at_launch: true }] });
    expect(run([change("aws_autoscaling_group_tag.p", ["delete"], tag("true"), null)])).toEqual(["plan-protected-tag-removed aws_autoscaling_group_tag.p"]);
    expect(run([update("aws_autoscaling_group_tag.p", tag("true"), tag("false"))])).toEqual(["plan-protected-tag-removed aws_autoscaling_group_tag.p"]);
    const group = (tags: Obj[]) => ({ name: "web", tag: tags });
    expect(run([update("aws_autoscaling_group.web", group([{ key: "blastwall:protected", value: "true" }]), group([]))])).toEqual(["plan-protected-tag-removed aws_autoscaling_group.web"]);
  });

  test("more data types, the OpenZFS file system's delete options, and a skip switch the state did not hold", () => {
    for (const address of ["aws_ami_from_instance.a", "aws_timestreaminfluxdb_db_cluster.c", "aws_neptunegraph_graph.g", "aws_lightsail_instance.i", "aws_workspaces_workspace.w", "aws_docdb_global_cluster.g", "aws_neptune_global_cluster.g", "aws_emr_cluster.c", "aws_redshift_snapshot_copy.c"]) {
      expect(run([change(address, ["delete"], { id: "x" }, null)])).toEqual([`plan-protected-delete ${address}`]);
    }
    expect(run([update("aws_fsx_openzfs_file_system.f", { delete_options: [] }, { delete_options: ["DELETE_CHILD_VOLUMES_AND_SNAPSHOTS"] })])).toEqual(["plan-final-snapshot-skipped aws_fsx_openzfs_file_system.f"]);
    // A provider upgrade that records skip_final_backup for the first time, with its default: not turned on by this plan.
    expect(run([update("aws_fsx_lustre_file_system.x", { tags: {} }, { tags: { a: "b" }, skip_final_backup: true })])).toEqual([]);
  });

  test("the reader: module keys holding `]` and `.`, and a destroy plan of Terraform 0.12 that lists a data source's removal", () => {
    expect(run([{ ...change('module.svc["a]b.c"].aws_sqs_queue.q', ["update"], { name: "q" }, { name: "q", delay_seconds: 1 }), type: "aws_sqs_queue", name: "q" }])).toEqual([]);
    expect(run([{ ...change("data.aws_caller_identity.me", ["delete"], null, null), mode: "data", type: "aws_caller_identity", name: "me" }])).toEqual([]);
    expect(run([{ ...change("data.aws_ami.ubuntu", ["delete"], { id: "ami-1" }, null), mode: "data", type: "aws_ami", name: "ubuntu" }])).toEqual([]);
  });
});

describe("red-team round 44: what plan-command-scheduled lets through", () => {
  const run = (changes: unknown[], extra: Obj = {}) =>
    evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes, extra)))), { config: {} }).judged.map((j) => `${j.finding.ruleId} ${j.finding.resource}`);

  test("a target from a module's output, or a state machine created with the rule, is that resource's own code", () => {
    const target = create("aws_cloudwatch_event_target.t", { rule: "r" });
    (target.change as Obj).after_unknown = { arn: true };
    const config = (arn: Obj, outputs: Obj) => ({
      configuration: {
        root_module: {
          resources: [{ address: "aws_cloudwatch_event_target.t", mode: "managed", type: "aws_cloudwatch_event_target", name: "t", expressions: { arn } }],
          module_calls: { fn: { module: { outputs, resources: [] } } },
        },
      },
    });
    expect(run([target], config({ references: ["module.fn.arn", "module.fn"] }, { arn: { expression: { references: ["aws_lambda_function.this.arn", "aws_lambda_function.this"] } } }))).toEqual([]);
    expect(run([target], config({ references: ["aws_sfn_state_machine.s.arn", "aws_sfn_state_machine.s"] }, {}))).toEqual([]);
    // The controls: an output that comes from a variable, or an output the configuration does not show.
    expect(run([target], config({ references: ["module.fn.arn", "module.fn"] }, { arn: { expression: { references: ["var.arn"] } } }))).toEqual(["plan-command-scheduled aws_cloudwatch_event_target.t"]);
    expect(run([target], config({ references: ["module.fn.other", "module.fn"] }, {}))).toEqual(["plan-command-scheduled aws_cloudwatch_event_target.t"]);
  });

  test("patching documents, protective remediations, Lambda tasks, scaling policies and a retry policy change pass", () => {
    for (const name of ["AWS-RunPatchBaselineWithHooks", "AWS-InstallWindowsUpdates"]) expect(run([create("aws_ssm_maintenance_window_task.t", { task_type: "RUN_COMMAND", task_arn: name })])).toEqual([]);
    expect(run([create("aws_ssm_maintenance_window_task.t", { task_type: "LAMBDA", task_arn: "arn:aws:lambda:eu-west-1:111111111111:function:f" })])).toEqual([]);
    expect(run([create("aws_config_remediation_configuration.r", { target_type: "SSM_DOCUMENT", target_id: "AWS-EnableS3BucketEncryption", automatic: true })])).toEqual([]);
    expect(run([create("aws_config_remediation_configuration.r", { target_type: "SSM_DOCUMENT", target_id: "AWS-RunShellScript", automatic: true })])).toEqual(["plan-command-scheduled aws_config_remediation_configuration.r"]);
    expect(run([create("aws_config_remediation_configuration.r", { target_type: "SSM_DOCUMENT", target_id: "my-own-fix", automatic: true })])).toEqual(["plan-command-scheduled aws_config_remediation_configuration.r"]);
    const sched = (arn: string) => create("aws_scheduler_schedule.s", { target: [{ arn, role_arn: "r" }] });
    expect(run([sched("arn:aws:scheduler:::aws-sdk:applicationautoscaling:putScalingPolicy")])).toEqual([]);
    const target = (retry: number) => [{ arn: "arn:aws:scheduler:::aws-sdk:rds:deleteDBInstance", role_arn: "r", input: "{}", retry_policy: [{ maximum_retry_attempts: retry }] }];
    expect(run([update("aws_scheduler_schedule.s", { target: target(1), state: "ENABLED" }, { target: target(3), state: "ENABLED" })])).toEqual([]);
  });

  test("an alarm: the older SWF terminate action counts; one already there before the plan does not count again", () => {
    const swf = "arn:aws:swf:eu-west-1:111111111111:action/actions/AWS_EC2.InstanceId.Terminate/1.0";
    expect(run([create("aws_cloudwatch_metric_alarm.a", { alarm_actions: [swf] })])).toEqual(["plan-command-scheduled aws_cloudwatch_metric_alarm.a"]);
    const terminate = "arn:aws:automate:eu-west-1:ec2:terminate";
    expect(run([update("aws_cloudwatch_metric_alarm.a", { alarm_actions: [terminate] }, { alarm_actions: [terminate, "arn:aws:sns:eu-west-1:111111111111:t"] })])).toEqual([]);
  });
});

describe("red-team round 45: plan-command-scheduled, checked again", () => {
  const run = (changes: unknown[], extra: Obj = {}) =>
    evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes, extra)))), { config: {} }).judged.map((j) => `${j.finding.ruleId} ${j.finding.resource}`);

  test("universal targets that hand rights or new code count; starting and stopping instances do not", () => {
    const sched = (arn: string) => create("aws_scheduler_schedule.s", { target: [{ arn: `arn:aws:scheduler:::aws-sdk:${arn}`, role_arn: "r" }] });
    for (const arn of ["iam:attachRolePolicy", "iam:putRolePolicy", "iam:updateAssumeRolePolicy", "iam:createAccessKey", "lambda:updateFunctionCode", "cloudformation:updateStack", "sfn:startSyncExecution", "batch:submitJob", "ecs:startTask"]) {
      expect(run([sched(arn)])).toEqual(["plan-command-scheduled aws_scheduler_schedule.s"]);
    }
    for (const arn of ["ec2:stopInstances", "ec2:startInstances", "rds:stopDBCluster"]) expect(run([sched(arn)])).toEqual([]);
  });

  test("an AWS remediation passes only when its name turns a protection on", () => {
    const rem = (id: string) => create("aws_config_remediation_configuration.r", { target_type: "SSM_DOCUMENT", target_id: id, automatic: true });
    for (const id of ["AWS-ConfigureS3BucketVersioning", "AWS-UpdateCloudFormationStack", "AWSConfigRemediation-DeleteUnusedEBSVolume"]) expect(run([rem(id)])).toEqual(["plan-command-scheduled aws_config_remediation_configuration.r"]);
    for (const id of ["AWS-EnableS3BucketEncryption", "AWS-ConfigureS3BucketPublicAccessBlock", "AWSConfigRemediation-EnableCloudTrailEncryption", "AWS-DisablePublicAccessForSecurityGroup"]) expect(run([rem(id)])).toEqual([]);
  });

  test("a bare module reference beside a function's may be any of the module's outputs", () => {
    const target = create("aws_cloudwatch_event_target.t", { rule: "r" });
    (target.change as Obj).after_unknown = { arn: true };
    const config = { configuration: { root_module: { resources: [{ address: "aws_cloudwatch_event_target.t", mode: "managed", type: "aws_cloudwatch_event_target", name: "t", expressions: { arn: { references: ["module.runbook", "aws_lambda_function.f.arn", "aws_lambda_function.f"] } } }] } } };
    expect(run([target], config)).toEqual(["plan-command-scheduled aws_cloudwatch_event_target.t"]);
  });
});

describe("red-team round 46: harmless schedules and remediations pass", () => {
  const run = (changes: unknown[]) =>
    evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes)))), { config: {} }).judged.map((j) => `${j.finding.ruleId} ${j.finding.resource}`);
  const sched = (arn: string, input = "{}") => create("aws_scheduler_schedule.s", { target: [{ arn: `arn:aws:scheduler:::aws-sdk:${arn}`, role_arn: "r", input }] });

  test("reads, a routine runbook named in the input, and model invocations pass; the controls still count", () => {
    for (const arn of ["ssm:getParameter", "secretsmanager:getSecretValue", "sts:assumeRole", "bedrockruntime:invokeModel"]) expect(run([sched(arn)])).toEqual([]);
    // Sessions handed back to the schedule, which throws them away (catalogue compute entries since red-team round 61).
    for (const arn of ["emr:getClusterSessionCredentials", "gamelift:getComputeAccess", "gamelift:getInstanceAccess"]) expect(run([sched(arn)])).toEqual([]);
    expect(run([sched("ssm:sendCommand", JSON.stringify({ DocumentName: "AWS-RunPatchBaseline" }))])).toEqual([]);
    expect(run([sched("ssm:sendCommand", JSON.stringify({ DocumentName: "AWS-RunShellScript" }))])).toEqual(["plan-command-scheduled aws_scheduler_schedule.s"]);
    expect(run([sched("lambda:invoke")])).toEqual(["plan-command-scheduled aws_scheduler_schedule.s"]);
  });

  test("remediations that log, trace, notify or turn versioning on pass", () => {
    const rem = (id: string, parameter: Obj[] = []) => create("aws_config_remediation_configuration.r", { target_type: "SSM_DOCUMENT", target_id: id, automatic: true, parameter });
    for (const id of ["AWS-PublishSNSNotification", "AWS-ConfigureS3BucketLogging", "AWSConfigRemediation-ConfigureLambdaFunctionXRayTracing", "AWSConfigRemediation-CreateCloudTrailMultiRegionTrail", "AWS-DisableS3BucketPublicReadWrite"]) {
      expect(run([rem(id)])).toEqual([]);
    }
    expect(run([rem("AWS-ConfigureS3BucketVersioning", [{ name: "VersioningState", static_value: "Enabled" }])])).toEqual([]);
    expect(run([rem("AWS-ConfigureS3BucketVersioning", [{ name: "VersioningState", static_value: "Suspended" }])])).toEqual(["plan-command-scheduled aws_config_remediation_configuration.r"]);
  });
});

describe("red-team round 158, F2: a remediation whose name enables backups sets the retention it is given", () => {
  const judged = (changes: unknown[]) => evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes)))), { config: {} }).judged.map((j) => j.finding);
  const run = (changes: unknown[]) => judged(changes).map((f) => `${f.ruleId} ${f.resource}`);
  const HIT = ["plan-command-scheduled aws_config_remediation_configuration.r"];
  const params = (days: Obj | undefined, name = "BackupRetentionPeriod") => [{ name: "DbiResourceId", resource_value: "RESOURCE_ID" }, ...(days ? [{ name, ...days }] : [])];
  const body = (id: string, parameter: unknown, automatic: unknown = true) => ({ config_rule_name: "db-instance-backup-enabled", target_type: "SSM_DOCUMENT", target_id: id, automatic, parameter });
  const rem = (id: string, parameter: unknown) => create("aws_config_remediation_configuration.r", body(id, parameter));
  const RDS = "AWSConfigRemediation-EnableRDSInstanceBackup";

  test("a retention below 7 days, not fixed (resource_value, unknown), or not given blocks, and the message says why", () => {
    expect(run([rem(RDS, params({ static_value: "1" }))])).toEqual(HIT);
    const f = judged([rem(RDS, params({ static_value: "1" }))])[0];
    expect(f.message).toContain("its name says it turns a protection on, but it sets BackupRetentionPeriod to 1, below 7 days, on whatever it runs on");
    expect(f.message).toContain("a shorter retention deletes the backups older than it");
    expect(run([rem("arn:aws:ssm:us-east-1::document/AWS-EnableDocDbClusterBackupRetentionPeriod", params({ static_value: "3" }))])).toEqual(HIT);
    expect(run([rem(RDS, params({ resource_value: "RESOURCE_ID" }))])).toEqual(HIT);
    expect(run([rem(RDS, params({ static_value: null }))])).toEqual(HIT);
    expect(run([rem(RDS, params(undefined))])).toEqual(HIT);
    expect(judged([rem(RDS, params(undefined))])[0].message).toContain("no parameter of the remediation fixes that value");
    // A protective name with a retention-like parameter of its own is read the same way.
    expect(run([rem("AWSConfigRemediation-EnablePerformanceInsightsOnRDSInstance", params({ static_value: "1" }, "PerformanceInsightsRetentionPeriod"))])).toEqual(HIT);
  });

  test("a parameter list known only after apply may set any retention: it blocks as a retention known only after apply does", () => {
    const PI = "AWSConfigRemediation-EnablePerformanceInsightsOnRDSInstance";
    const unknownList = (id: string) => {
      const c = create("aws_config_remediation_configuration.r", { config_rule_name: "x", target_type: "SSM_DOCUMENT", target_id: id, automatic: true });
      (c.change as Obj).after_unknown = { parameter: true };
      return c;
    };
    // A protective name that says nothing of a retention (and so was read as having no parameter at all).
    expect(run([unknownList(PI)])).toEqual(HIT);
    expect(judged([unknownList(PI)])[0].message).toContain("its parameter list is known only after apply, so blastwall cannot tell what it is given, and it may set a retention it is given to less than what is kept now");
    expect(run([unknownList("AWS-EnableS3BucketEncryption")])).toEqual(HIT);
    // Controls: one parameter's value known only after apply that sets no retention (the role), and a known list, pass.
    const roleUnknown = create("aws_config_remediation_configuration.r", body("AWS-EnableS3BucketEncryption", [{ name: "BucketName", resource_value: "RESOURCE_ID" }, { name: "AutomationAssumeRole" }]));
    (roleUnknown.change as Obj).after_unknown = { parameter: [{}, { static_value: true }] };
    expect(run([roleUnknown])).toEqual([]);
    expect(run([rem(PI, params({ static_value: "731" }, "PerformanceInsightsRetentionPeriod"))])).toEqual([]);
  });

  test("controls: 7 days or more, a list of such values, and an update that does not lower what ran before pass", () => {
    expect(run([rem(RDS, params({ static_value: "7" }))])).toEqual([]);
    expect(run([rem("AWS-EnableDocDbClusterBackupRetentionPeriod", params({ static_values: ["35"] }))])).toEqual([]);
    expect(run([rem("AWSConfigRemediation-EnablePerformanceInsightsOnRDSInstance", params({ static_value: "731" }, "PerformanceInsightsRetentionPeriod"))])).toEqual([]);
    const was = (days: string, automatic: unknown = true) => body(RDS, params({ static_value: days }), automatic);
    const changed = (before: Obj, days: string) => change("aws_config_remediation_configuration.r", ["update"], before, { ...body(RDS, params({ static_value: days })), maximum_automatic_attempts: 2 });
    expect(run([changed(was("3"), "3")])).toEqual([]);
    expect(run([changed(was("1"), "3")])).toEqual([]);
    // Lowered, or newly automatic, or a different document before: judged as created.
    expect(run([changed(was("5"), "3")])).toEqual(HIT);
    expect(run([changed(was("3", false), "3")])).toEqual(HIT);
    expect(run([changed(body("AWS-EnableDocDbClusterBackupRetentionPeriod", params({ static_value: "3" })), "3")])).toEqual(HIT);
  });
});
