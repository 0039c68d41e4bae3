/**
 * The stateful types added to the protected types (a pure delete blocks), and plan-guardrail-changed (an in-place
 * change of a guardrail's content blocks; routine updates pass).
 */
import { existsSync, readFileSync, writeFileSync } from "fs";
import { join, resolve } from "path";
import type { Finding } from "../../lib/engine/findings";
import { createApproval } from "../../lib/plan/approval";
import { evaluatePlan, type PlanEvaluation } from "../../lib/plan/evaluate";
import { gateFails, runGate } from "../../lib/plan/gate";
import { PROTECTED_TYPES, REMOVED_AWS_TYPES } from "../../lib/plan/protected";
import { readPlan } from "../../lib/plan/read-plan";
import { PLAN_RULES } from "../../lib/plan/rules";
import { RETENTION_TYPES } from "../../lib/plan/rules/backup-retention-lowered";
import { CREATE_JUDGED_TYPES, GUARDRAIL_TYPES, guardrailChanged } from "../../lib/plan/rules/guardrail-changed";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";
import { ed25519 } from "./keys";

const NOW = new Date("2026-10-01T09:00:00.000Z");

function judge(changes: unknown[]): PlanEvaluation {
  return evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes)))));
}

function findings(changes: unknown[]): Finding[] {
  return judge(changes).judged.map((j) => j.finding);
}

/** Rule id and message of every finding, for one readable assertion. */
function summary(changes: unknown[]): string[] {
  return findings(changes).map((f) => `${f.ruleId}: ${f.message}`);
}

/** runGate over the plan in a fresh directory: true when the gate fails (exit 1). */
function gateBlocks(changes: unknown[]): boolean {
  const dir = tempDir();
  writeFileSync(join(dir, "plan.json"), JSON.stringify(minimalPlan(changes)));
  return gateFails(runGate({ planFile: "plan.json", cwd: dir, now: NOW, trustedKeys: [] }));
}

const update = (address: string, before: Record<string, unknown>, after: Record<string, unknown>) => change(address, ["update"], before, after);

const NEWLY_PROTECTED = [
  "aws_docdbelastic_cluster",
  "aws_memorydb_cluster",
  "aws_redshiftserverless_namespace",
  "aws_dsql_cluster",
  "aws_qldb_ledger",
  "aws_keyspaces_keyspace",
  "aws_keyspaces_table",
  "aws_timestreamwrite_database",
  "aws_timestreamwrite_table",
  "aws_lightsail_database",
  "aws_opensearchserverless_collection",
  "aws_s3_directory_bucket",
  "aws_s3tables_table_bucket",
  "aws_s3tables_table",
  "aws_kinesis_stream",
  "aws_msk_cluster",
  "aws_sqs_queue",
  "aws_secretsmanager_secret",
  "aws_ssm_parameter",
  "aws_ecr_repository",
  "aws_codecommit_repository",
  "aws_cognito_user_pool",
  "aws_cloudwatch_log_group",
  "aws_acmpca_certificate_authority",
  "aws_efs_backup_policy",
  "aws_dlm_lifecycle_policy",
  "aws_db_instance_automated_backups_replication",
  "aws_fsx_backup",
  "aws_cloudformation_stack",
  "aws_route53_zone",
  "aws_guardduty_detector",
  "aws_config_configuration_recorder",
  "aws_s3_bucket_policy",
  "aws_kms_key_policy",
];

describe("newly protected types: a pure delete is blocked", () => {
  test.each(NEWLY_PROTECTED)("%s [delete] is blocked by plan-protected-delete, and the gate fails", (type) => {
    const rc = change(`${type}.x`, ["delete"], { id: "x" }, null, { action_reason: "delete_because_no_resource_config" });
    const fs = findings([rc]);
    expect(fs.map((f) => f.ruleId)).toEqual(["plan-protected-delete"]);
    expect(fs[0].message).toBe(`The plan destroys ${type}.x: its resource block was removed, which bypasses prevent_destroy. Protected because ${type} is a protected type.`);
    expect(fs[0].evidence.find((e) => e.step === "protected")?.detail).toBe(`${type} is a protected type: ${PROTECTED_TYPES.get(type)}`);
    expect(gateBlocks([rc])).toBe(true);
  });

  test("a plan that only creates them passes (but for the guardrails whose create overwrites a setting AWS holds)", () => {
    const plain = NEWLY_PROTECTED.filter((t) => !CREATE_JUDGED_TYPES.includes(t));
    // aws_s3_bucket_policy, aws_kms_key_policy and aws_efs_backup_policy (a create with no status is not ENABLED).
    expect(plain.length).toBe(NEWLY_PROTECTED.length - 3);
    // A CloudFormation stack is created with a template (one with no resource that runs calls); one blastwall cannot read is judged.
    const template = JSON.stringify({ Resources: { B: { Type: "AWS::S3::Bucket" } } });
    expect(gateBlocks(plain.map((t) => change(`${t}.x`, ["create"], null, t === "aws_cloudformation_stack" ? { name: "x", template_body: template } : { name: "x" })))).toBe(false);
  });

  // A typo in a type name protects nothing and fails silently: check every name against the AWS provider's schema.
  const providerLib = resolve(__dirname, "../../node_modules/@cdktf/provider-aws/lib");
  (existsSync(providerLib) ? test : test.skip)("every protected, guardrail and retention type is a real aws provider resource type", () => {
    // awscc_* types (the Cloud Control provider) are checked in redteam6.test.ts.
    // A type the provider has removed (REMOVED_AWS_TYPES) is protected for the plans older providers still make.
    const unknown = [...PROTECTED_TYPES.keys(), ...GUARDRAIL_TYPES, ...RETENTION_TYPES].filter((t) => !t.startsWith("awscc_") && REMOVED_AWS_TYPES[t] === undefined).filter((t) => {
      const file = join(providerLib, t.replace(/^aws_/, "").replace(/_/g, "-"), "index.js");
      return !existsSync(file) || !readFileSync(file, "utf8").includes(`tfResourceType = "${t}"`);
    });
    expect(unknown).toEqual([]);
  });
});

const scp = (statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const DENY_BACKUP_DELETE = { Sid: "NoBackupDelete", Effect: "Deny", Action: ["backup:DeleteRecoveryPoint", "backup:DeleteBackupVault"], Resource: "*" };
const bucketPolicy = (statements: unknown[]) => scp(statements);
const DENY_OBJECT_DELETE = { Sid: "NoDelete", Effect: "Deny", Principal: "*", Action: "s3:DeleteObject*", Resource: "arn:aws:s3:::invoices/*" };
const KEY_ADMIN = { Sid: "Admin", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:role/key-admin" }, Action: "kms:*", Resource: "*" };

describe("plan-guardrail-changed: an in-place change of a guardrail's content is blocked, naming what changed", () => {
  const denyDelete = (action: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "NoDelete", Effect: "Deny", Principal: "*", Action: action, Resource: "*" }] });
  const allowAll = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "NoDelete", Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] });
  const cases: [string, Record<string, unknown>, Record<string, unknown>, string][] = [
    ...(
      [
        ["aws_dynamodb_resource_policy.p", "resource_arn", "dynamodb:DeleteTable"],
        ["aws_secretsmanager_secret_policy.p", "secret_arn", "secretsmanager:DeleteSecret"],
        ["aws_ecr_repository_policy.p", "repository", "ecr:BatchDeleteImage"],
        ["aws_efs_file_system_policy.p", "file_system_id", "elasticfilesystem:DeleteFileSystem"],
      ] as const
    ).map(([address, target, action]): [string, Record<string, unknown>, Record<string, unknown>, string] => [
      address,
      { [target]: "x", policy: denyDelete(action) },
      { [target]: "x", policy: allowAll },
      `policy.Statement[0].Effect "Deny" → "Allow"; policy.Statement[0].Action "${action}" → "*"`,
    ]),
    [
      "aws_organizations_policy.deny_backup_delete",
      { name: "deny", type: "SERVICE_CONTROL_POLICY", content: scp([DENY_BACKUP_DELETE]), skip_destroy: false, tags: {} },
      { name: "deny", type: "SERVICE_CONTROL_POLICY", content: scp([{ ...DENY_BACKUP_DELETE, Effect: "Allow", Action: "*" }]), skip_destroy: false, tags: {} },
      'content.Statement[0].Effect "Deny" → "Allow"; content.Statement[0].Action ["backup:DeleteRecoveryPoint","backup:DeleteBackupVault"] → "*"',
    ],
    [
      "aws_organizations_policy.emptied",
      { name: "deny", content: scp([DENY_BACKUP_DELETE]) },
      { name: "deny", content: scp([]) },
      // long values are shortened to 120 characters
      'content.Statement [{"Sid":"NoBackupDelete","Effect":"Deny","Action":["backup:DeleteRecoveryPoint","backup:DeleteBackupVault"],"Resource... → []',
    ],
    [
      "aws_organizations_policy_attachment.prod",
      { policy_id: "p-1", target_id: "ou-prod", skip_destroy: false },
      { policy_id: "p-1", target_id: "ou-sandbox", skip_destroy: false },
      'target_id "ou-prod" → "ou-sandbox"',
    ],
    [
      "aws_backup_vault_policy.main",
      { backup_vault_name: "main", policy: bucketPolicy([{ Effect: "Deny", Principal: "*", Action: "backup:DeleteRecoveryPoint", Resource: "*" }]) },
      { backup_vault_name: "main", policy: bucketPolicy([{ Effect: "Deny", Principal: "*", Action: "backup:GetRecoveryPointRestoreMetadata", Resource: "*" }]) },
      'policy.Statement[0].Action "backup:DeleteRecoveryPoint" → "backup:GetRecoveryPointRestoreMetadata"',
    ],
    [
      "aws_backup_selection.prod",
      { name: "prod", plan_id: "plan-1", iam_role_arn: "arn:aws:iam::111122223333:role/backup", resources: ["arn:aws:rds:eu-west-1:111122223333:db:orders"] },
      { name: "prod", plan_id: "plan-1", iam_role_arn: "arn:aws:iam::111122223333:role/backup", resources: [] },
      'resources ["arn:aws:rds:eu-west-1:111122223333:db:orders"] → []',
    ],
    [
      "aws_backup_plan.daily",
      { name: "daily", rule: [{ rule_name: "daily", target_vault_name: "main", schedule: "cron(0 3 * * ? *)", lifecycle: [{ delete_after: 35 }] }] },
      { name: "daily", rule: [{ rule_name: "daily", target_vault_name: "scratch", schedule: "cron(0 3 1 1 ? *)", lifecycle: [{ delete_after: 35 }] }] },
      'rule "daily".target_vault_name "main" → "scratch"; rule "daily".schedule "cron(0 3 * * ? *)" → "cron(0 3 1 1 ? *)"',
    ],
    [
      "aws_backup_vault_lock_configuration.main",
      { backup_vault_name: "main", min_retention_days: 7, max_retention_days: 365, changeable_for_days: 3 },
      { backup_vault_name: "other", min_retention_days: 7, max_retention_days: 365, changeable_for_days: 3 },
      'backup_vault_name "main" → "other"',
    ],
    [
      "aws_s3_bucket_lifecycle_configuration.invoices",
      { bucket: "invoices", rule: [{ id: "archive", status: "Enabled", filter: [{ prefix: "tmp/" }], expiration: [] }] },
      { bucket: "invoices", rule: [{ id: "archive", status: "Enabled", filter: [{ prefix: "" }], expiration: [{ days: 1 }] }] },
      'rule[0].filter[0].prefix "tmp/" → ""; rule[0].expiration [] → [{"days":1}]',
    ],
    [
      "aws_s3_bucket_object_lock_configuration.invoices",
      { bucket: "invoices", rule: [{ default_retention: [{ mode: "COMPLIANCE", days: 365 }] }] },
      { bucket: "invoices", rule: [{ default_retention: [{ mode: "GOVERNANCE", days: 1 }] }] },
      'rule[0].default_retention[0].mode "COMPLIANCE" → "GOVERNANCE"; rule[0].default_retention[0].days 365 → 1',
    ],
    [
      "aws_s3_bucket_policy.invoices",
      { bucket: "invoices", policy: bucketPolicy([DENY_OBJECT_DELETE]) },
      { bucket: "invoices", policy: bucketPolicy([{ ...DENY_OBJECT_DELETE, Principal: { AWS: "arn:aws:iam::111122223333:role/nobody" } }]) },
      'policy.Statement[0].Principal "*" → {"AWS":"arn:aws:iam::111122223333:role/nobody"}',
    ],
    [
      "aws_rbin_rule.snapshots",
      { resource_type: "EBS_SNAPSHOT", retention_period: [{ retention_period_value: 365, retention_period_unit: "DAYS" }], description: "keep" },
      { resource_type: "EBS_SNAPSHOT", retention_period: [{ retention_period_value: 1, retention_period_unit: "DAYS" }], description: "keep" },
      "retention_period[0].retention_period_value 365 → 1",
    ],
    [
      "aws_kms_key.data",
      { description: "data", is_enabled: true, deletion_window_in_days: 30, policy: scp([KEY_ADMIN]) },
      { description: "data", is_enabled: false, deletion_window_in_days: 30, policy: scp([{ ...KEY_ADMIN, Principal: "*" }]) },
      'is_enabled true → false; policy.Statement[0].Principal {"AWS":"arn:aws:iam::111122223333:role/key-admin"} → "*"',
    ],
    [
      "aws_kms_key_policy.data",
      { key_id: "k-1", policy: scp([KEY_ADMIN]), bypass_policy_lockout_safety_check: false },
      { key_id: "k-1", policy: scp([{ ...KEY_ADMIN, Action: "kms:Decrypt" }]), bypass_policy_lockout_safety_check: true },
      'policy.Statement[0].Action "kms:*" → "kms:Decrypt"; bypass_policy_lockout_safety_check false → true',
    ],
    [
      "aws_cloudtrail.org",
      { name: "org", s3_bucket_name: "trail-logs", enable_logging: true, event_selector: [{ read_write_type: "All", include_management_events: true }] },
      { name: "org", s3_bucket_name: "scratch-logs", enable_logging: true, event_selector: [{ read_write_type: "ReadOnly", include_management_events: true }] },
      'event_selector[0].read_write_type "All" → "ReadOnly"; s3_bucket_name "trail-logs" → "scratch-logs"',
    ],
    [
      "aws_efs_backup_policy.shared",
      { file_system_id: "fs-1", backup_policy: [{ status: "ENABLED" }] },
      { file_system_id: "fs-1", backup_policy: [{ status: "DISABLED" }] },
      'backup_policy[0].status "ENABLED" → "DISABLED"',
    ],
    [
      "aws_dynamodb_table.orders",
      { name: "orders", replica: [{ region_name: "eu-central-1", arn: "a1" }, { region_name: "us-east-1", arn: "a2" }] },
      { name: "orders", replica: [{ region_name: "us-east-1", arn: "a2" }] },
      'replica "eu-central-1" present → removed (the copy in that region is deleted)',
    ],
    [
      "aws_s3control_bucket_lifecycle_configuration.outposts",
      { bucket: "arn:aws:s3-outposts:us-east-1:123456789012:outpost/op-1/bucket/prod", rule: [{ id: "tmp", status: "Enabled", filter: [{ prefix: "tmp/" }], expiration: [{ days: 7 }] }] },
      { bucket: "arn:aws:s3-outposts:us-east-1:123456789012:outpost/op-1/bucket/prod", rule: [{ id: "tmp", status: "Enabled", filter: [{ prefix: "" }], expiration: [{ days: 7 }] }] },
      'rule[0].filter[0].prefix "tmp/" → ""',
    ],
    [
      "aws_imagebuilder_lifecycle_policy.cleanup",
      { name: "cleanup", resource_type: "AMI_IMAGE", status: "ENABLED", policy_detail: [{ action: [{ type: "DELETE" }], filter: [{ type: "COUNT", value: 10 }] }] },
      { name: "cleanup", resource_type: "AMI_IMAGE", status: "ENABLED", policy_detail: [{ action: [{ type: "DELETE" }], filter: [{ type: "COUNT", value: 1 }] }] },
      "policy_detail[0].filter[0].value 10 → 1",
    ],
    [
      "aws_ecr_lifecycle_policy.app",
      { repository: "app", policy: JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 }, action: { type: "expire" } }] }) },
      { repository: "app", policy: JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: "any", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 }, action: { type: "expire" } }] }) },
      'policy.rules[0].selection.tagStatus "untagged" → "any"',
    ],
    [
      "aws_s3_bucket.data",
      { bucket: "data", lifecycle_rule: [{ enabled: true, id: "old", transition: [{ days: 30, storage_class: "GLACIER" }] }] },
      { bucket: "data", lifecycle_rule: [{ enabled: true, id: "old", transition: [{ days: 30, storage_class: "GLACIER" }], expiration: [{ days: 1 }] }] },
      'lifecycle_rule[0].expiration (not set) → [{"days":1}]',
    ],
    [
      "aws_guardduty_detector.main",
      { enable: true, finding_publishing_frequency: "SIX_HOURS" },
      { enable: false, finding_publishing_frequency: "SIX_HOURS" },
      "enable true → false",
    ],
    [
      "aws_config_configuration_recorder_status.main",
      { name: "default", is_enabled: true },
      { name: "default", is_enabled: false },
      "is_enabled true → false",
    ],
    [
      "aws_dynamodb_table.ledger",
      { name: "ledger", point_in_time_recovery: [{ enabled: true, recovery_period_in_days: 35 }] },
      { name: "ledger", point_in_time_recovery: [{ enabled: true, recovery_period_in_days: 1 }] },
      "point_in_time_recovery[0].recovery_period_in_days 35 → 1",
    ],
    ["aws_kms_replica_key.eu", { enabled: true, policy: "{}" }, { enabled: false, policy: "{}" }, "enabled true → false"],
    ["aws_kms_external_key.imported", { enabled: true, policy: "{}" }, { enabled: false, policy: "{}" }, "enabled true → false"],
    ["awscc_kms_key.cc", { enabled: true, key_policy: "{}" }, { enabled: false, key_policy: "{}" }, "enabled true → false"],
    ["awscc_kms_replica_key.cc", { enabled: true, key_policy: "{}" }, { enabled: false, key_policy: "{}" }, "enabled true → false"],
    ["aws_paymentcryptography_key.pin", { enabled: true, exportable: true }, { enabled: false, exportable: true }, "enabled true → false"],
    ["aws_backup_global_settings.account", { global_settings: { isCrossAccountBackupEnabled: "true" } }, { global_settings: { isCrossAccountBackupEnabled: "false" } }, 'global_settings.isCrossAccountBackupEnabled "true" → "false"'],
    ["aws_backup_region_settings.eu", { resource_type_opt_in_preference: { RDS: true, EBS: true } }, { resource_type_opt_in_preference: { RDS: false, EBS: true } }, "resource_type_opt_in_preference.RDS true → false"],
    [
      "aws_s3_bucket_replication_configuration.data",
      { bucket: "data", rule: [{ id: "all", status: "Enabled" }] },
      { bucket: "data", rule: [{ id: "all", status: "Disabled" }] },
      'rule[0].status "Enabled" → "Disabled"',
    ],
    // Red-team round 52: the S3 Tables and S3 Vectors resource policies, and a Glacier vault's inline access policy.
    [
      "aws_s3tables_table_bucket_policy.lake",
      { table_bucket_arn: "arn:aws:s3tables:eu-west-1:111122223333:bucket/lake", resource_policy: denyDelete("s3tables:DeleteTable") },
      { table_bucket_arn: "arn:aws:s3tables:eu-west-1:111122223333:bucket/lake", resource_policy: allowAll },
      'resource_policy.Statement[0].Effect "Deny" → "Allow"; resource_policy.Statement[0].Action "s3tables:DeleteTable" → "*"',
    ],
    [
      "aws_s3tables_table_policy.orders",
      { table_bucket_arn: "arn:aws:s3tables:eu-west-1:111122223333:bucket/lake", namespace: "sales", name: "orders", resource_policy: denyDelete("s3tables:DeleteTable") },
      { table_bucket_arn: "arn:aws:s3tables:eu-west-1:111122223333:bucket/lake", namespace: "sales", name: "orders", resource_policy: allowAll },
      'resource_policy.Statement[0].Effect "Deny" → "Allow"; resource_policy.Statement[0].Action "s3tables:DeleteTable" → "*"',
    ],
    [
      "aws_s3vectors_vector_bucket_policy.embeddings",
      { vector_bucket_arn: "arn:aws:s3vectors:eu-west-1:111122223333:bucket/embeddings", policy: denyDelete("s3vectors:DeleteIndex") },
      { vector_bucket_arn: "arn:aws:s3vectors:eu-west-1:111122223333:bucket/embeddings", policy: allowAll },
      'policy.Statement[0].Effect "Deny" → "Allow"; policy.Statement[0].Action "s3vectors:DeleteIndex" → "*"',
    ],
    [
      "aws_glacier_vault.archive",
      { name: "archive", access_policy: denyDelete("glacier:DeleteArchive"), notification: [] },
      { name: "archive", access_policy: "", notification: [] },
      `access_policy ${JSON.stringify(JSON.parse(denyDelete("glacier:DeleteArchive"))).slice(0, 117)}... → ""`,
    ],
  ];

  test.each(cases)("%s", (address, before, after, changed) => {
    const rc = update(address, before, after);
    const fs = findings([rc]);
    expect(fs.map((f) => f.ruleId)).toEqual(["plan-guardrail-changed"]);
    expect(fs[0]).toMatchObject({ severity: "error", principal: address, resource: address, actions: ["update"] });
    expect(fs[0].message.startsWith(`The plan changes the guardrail ${address} in place: `)).toBe(true);
    expect(fs[0].message).toContain(`: ${changed}. `);
    expect(fs[0].evidence.find((e) => e.step === "guardrail")?.detail.length).toBeGreaterThan(20);
    expect(fs[0].evidence.filter((e) => e.step === "changed").map((e) => e.detail.replace(": ", " ")).join("; ")).toBe(changed);
    expect(gateBlocks([rc])).toBe(true);
  });

  test("every guardrail type has a case", () => {
    const covered = new Set(cases.map(([a]) => a.split(".")[0]));
    expect(GUARDRAIL_TYPES.filter((t) => !covered.has(t))).toEqual([]);
  });

  test("a value unknown until apply counts as changed", () => {
    const rc = update("aws_s3_bucket_policy.p", { bucket: "b", policy: bucketPolicy([DENY_OBJECT_DELETE]) }, { bucket: "b", policy: null });
    (rc.change as Record<string, unknown>).after_unknown = { policy: true };
    const [f] = findings([rc]);
    expect(f.evidence.find((e) => e.step === "changed")?.detail).toMatch(/^policy: "\{.+ → \(known after apply\)$/);
  });

  test("a sensitive value is compared but never printed", () => {
    const rc = update("aws_kms_key_policy.k", { key_id: "k", policy: scp([KEY_ADMIN]) }, { key_id: "k", policy: scp([{ ...KEY_ADMIN, Principal: "*" }]) });
    (rc.change as Record<string, unknown>).after_sensitive = { policy: true };
    const [f] = findings([rc]);
    expect(f.evidence.filter((e) => e.step === "changed").map((e) => e.detail)).toEqual(["policy: (sensitive) → (sensitive)"]);
    expect(JSON.stringify(f)).not.toContain("key-admin");
  });

  test("a replace says so (and the destroy of the protected policy is blocked as well)", () => {
    const rc = change("aws_s3_bucket_policy.p", ["delete", "create"], { bucket: "a", policy: bucketPolicy([DENY_OBJECT_DELETE]) }, { bucket: "b", policy: bucketPolicy([DENY_OBJECT_DELETE]) });
    const fs = findings([rc]);
    expect(fs.map((f) => f.ruleId)).toEqual(["plan-protected-delete", "plan-guardrail-changed"]);
    expect(fs[1].message).toMatch(/^The plan replaces the guardrail aws_s3_bucket_policy\.p: bucket "a" → "b"\./);
  });

  test("many changes: the message names six and counts the rest, the evidence lists all", () => {
    const before = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`a${i}`, i]));
    const after = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`a${i}`, i + 1]));
    const [f] = findings([update("aws_s3_bucket_policy.p", before, after)]);
    expect(f.message).toContain("a5 5 → 6; and 2 more.");
    expect(f.message).not.toContain("a6 6 → 7");
    expect(f.evidence.filter((e) => e.step === "changed")).toHaveLength(8);
  });

  test("a blocked guardrail change is covered by a signed approval of this exact plan", () => {
    const dir = tempDir();
    const alice = ed25519();
    const rc = update("aws_organizations_policy.deny", { content: scp([DENY_BACKUP_DELETE]) }, { content: scp([]) });
    writeFileSync(join(dir, "plan.json"), JSON.stringify(minimalPlan([rc])));
    writeFileSync(join(dir, "alice.pub.pem"), alice.publicKeyPem);
    const gate = (approvals: string[]) => runGate({ planFile: "plan.json", cwd: dir, now: NOW, trustedKeys: ["alice.pub.pem"], approvals });
    expect(gateFails(gate([]))).toBe(true);
    const approval = createApproval("plan.json", { privateKeyPem: alice.privateKeyPem, by: "alice", expiresIn: "1h", now: NOW, cwd: dir });
    expect(approval.approved).toEqual([{ address: "aws_organizations_policy.deny", actions: ["update"] }]);
    writeFileSync(join(dir, "approval.json"), JSON.stringify(approval));
    const report = gate(["approval.json"]);
    expect(gateFails(report)).toBe(false);
    expect(report.findings.map((f) => [f.ruleId, f.acknowledged?.source])).toEqual([["plan-guardrail-changed", "approval.json"]]);
  });
});

describe("plan-guardrail-changed: what passes", () => {
  const policy = { bucket: "invoices", policy: bucketPolicy([DENY_OBJECT_DELETE]), tags: { team: "a" } };

  test.each(GUARDRAIL_TYPES)("%s: a no-op, and an update that only changes tags or the description, pass", (type) => {
    const before = { name: "x", description: "one", tags: { team: "a" }, tags_all: { team: "a" } };
    const after = { name: "x", description: "two", tags: { team: "b" }, tags_all: { team: "b" } };
    expect(summary([change(`${type}.x`, ["no-op"], before, before), update(`${type}.y`, before, after)])).toEqual([]);
    expect(gateBlocks([update(`${type}.y`, before, after)])).toBe(false);
  });

  test("a policy document reformatted (whitespace, key order) is no change", () => {
    const reformatted = JSON.stringify({ Statement: [{ Resource: "arn:aws:s3:::invoices/*", Action: "s3:DeleteObject*", Principal: "*", Effect: "Deny", Sid: "NoDelete" }], Version: "2012-10-17" }, null, 2);
    expect(summary([update("aws_s3_bucket_policy.invoices", policy, { ...policy, policy: reformatted, tags: { team: "b" } })])).toEqual([]);
  });

  test("routine DynamoDB updates pass: billing mode, capacity, a GSI, replica ARNs recomputed", () => {
    const table = {
      name: "orders",
      billing_mode: "PROVISIONED",
      read_capacity: 5,
      write_capacity: 5,
      global_secondary_index: [],
      point_in_time_recovery: [{ enabled: true, recovery_period_in_days: 35 }],
      replica: [{ region_name: "us-east-1", arn: "arn-1", stream_arn: "s-1" }],
    };
    const routine = {
      ...table,
      billing_mode: "PAY_PER_REQUEST",
      read_capacity: 0,
      write_capacity: 0,
      global_secondary_index: [{ name: "by-customer", hash_key: "customer" }],
      replica: [{ region_name: "us-east-1", arn: "arn-2", stream_arn: "s-2" }],
    };
    const rc = update("aws_dynamodb_table.orders", table, routine);
    expect(summary([rc])).toEqual([]);
    expect(gateBlocks([rc])).toBe(false);
  });

  test("CloudTrail: tags, SNS topic and CloudWatch Logs changes are routine", () => {
    const trail = { name: "org", s3_bucket_name: "trail-logs", enable_logging: true, sns_topic_name: null, cloud_watch_logs_group_arn: null };
    expect(summary([update("aws_cloudtrail.org", trail, { ...trail, sns_topic_name: "alerts", cloud_watch_logs_group_arn: "arn:aws:logs:x" })])).toEqual([]);
  });

  test("strengthening what another rule judges by direction passes, and weakening it is reported once, by that rule", () => {
    const lock = { backup_vault_name: "main", min_retention_days: 7, max_retention_days: 365, changeable_for_days: 3 };
    const plan = { name: "p", rule: [{ rule_name: "daily", schedule: "cron(0 3 * * ? *)", lifecycle: [{ delete_after: 35 }] }] };
    const planWith = (days: number) => ({ ...plan, rule: [{ ...plan.rule[0], lifecycle: [{ delete_after: days }] }] });
    const pitr = (enabled: boolean, days: number) => ({ name: "t", point_in_time_recovery: [{ enabled, recovery_period_in_days: days }] });
    const key = { description: "k", deletion_window_in_days: 7, is_enabled: true };
    const stronger = [
      update("aws_backup_vault_lock_configuration.a", lock, { ...lock, min_retention_days: 30 }),
      update("aws_backup_plan.a", plan, planWith(90)),
      update("aws_dynamodb_table.a", pitr(true, 7), pitr(true, 35)),
      update("aws_dynamodb_table.b", pitr(false, 35), pitr(true, 35)),
      update("aws_kms_key.a", key, { ...key, deletion_window_in_days: 30 }),
      update("aws_organizations_policy.a", { content: scp([]), skip_destroy: false }, { content: scp([]), skip_destroy: true }),
    ];
    expect(summary(stronger)).toEqual([]);
    const weaker = [
      update("aws_backup_vault_lock_configuration.b", lock, { ...lock, min_retention_days: 1 }),
      update("aws_backup_plan.b", plan, planWith(7)),
      update("aws_backup_plan.c", plan, { ...plan, rule: [] }),
      update("aws_dynamodb_table.c", pitr(true, 35), pitr(false, 35)),
      update("aws_kms_key.b", { ...key, deletion_window_in_days: 30 }, key),
      update("aws_organizations_policy.b", { content: scp([]), skip_destroy: true }, { content: scp([]), skip_destroy: false }),
    ];
    expect(findings(weaker).map((f) => `${f.ruleId} ${f.resource}`)).toEqual([
      "plan-deletion-protection-off aws_organizations_policy.b",
      "plan-backup-retention-lowered aws_backup_plan.b",
      "plan-backup-retention-lowered aws_backup_plan.c",
      "plan-backup-retention-lowered aws_dynamodb_table.c",
      "plan-vault-lock-weakened aws_backup_vault_lock_configuration.b",
      "plan-kms-deletion-window-shortened aws_kms_key.b",
    ]);
  });

  // Red-team round 161, F1: a retention below the vault lock's minimum makes every job fail. The plan gate blocks any
  // lowering of a rule's delete_after, and any change of a copy action (its lifecycle included), before the lock is read.
  test("a backup plan's delete_after or a copy_action's lifecycle shortened below the lock's minimum is blocked", () => {
    const dr = "arn:aws:backup:eu-central-1:111111111111:backup-vault:production-dr";
    const planOf = (own: number, copy: number) => ({
      name: "production",
      rule: [{ rule_name: "daily-offsite", target_vault_name: "production-local", schedule: "cron(0 3 * * ? *)", lifecycle: [{ delete_after: own }], copy_action: [{ destination_vault_arn: dr, lifecycle: [{ delete_after: copy }] }] }],
    });
    const own = findings([update("aws_backup_plan.p", planOf(35, 35), planOf(1, 35))]);
    expect(own.map((f) => f.ruleId)).toEqual(["plan-backup-retention-lowered"]);
    expect(own[0].message).toContain('rule "daily-offsite" lifecycle.delete_after 35 → 1');
    const copy = findings([update("aws_backup_plan.p", planOf(35, 35), planOf(35, 7))]);
    expect(copy.map((f) => f.ruleId)).toEqual(["plan-guardrail-changed"]);
    expect(copy[0].message).toContain('rule "daily-offsite".copy_action');
  });

  test("types that are not guardrails are not judged by this rule", () => {
    expect(guardrailChanged.check(update("aws_instance.web", { policy: "a" }, { policy: "b" }) as never, {} as never)).toEqual([]);
  });
});

describe("plan-guardrail-changed metadata", () => {
  test("is a listed plan rule with id, title, why and fix", () => {
    expect(PLAN_RULES).toContain(guardrailChanged);
    expect(guardrailChanged.meta).toMatchObject({ id: "plan-guardrail-changed", severity: "error", category: "plan" });
    expect(guardrailChanged.meta.why).toMatch(/as bad as deleting it/);
    expect(guardrailChanged.meta.fix).toMatch(/blastwall approve/);
  });
});
