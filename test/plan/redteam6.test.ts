/**
 * Bypasses a red-team found in the plan gate (round 6): guardrails created over a setting AWS already holds,
 * aws_lambda_invocation running code during apply, in-place weakening of log, snapshot, detection and TTL settings,
 * Cloud Control (awscc) types destroyed unnoticed, and loose input (approval files with repeated keys, trusted key
 * files with several keys, a string `errored`).
 */
import { writeFileSync } from "fs";
import { join } from "path";
import type { Finding } from "../../lib/engine/findings";
import { runCli } from "../../lib/cli/main";
import { createApproval } from "../../lib/plan/approval";
import { evaluatePlan } from "../../lib/plan/evaluate";
import { gateFails, runGate } from "../../lib/plan/gate";
import { PROTECTED_TYPES } from "../../lib/plan/protected";
import { readPlan } from "../../lib/plan/read-plan";
import { PLAN_RULES } from "../../lib/plan/rules";
import { CREATE_JUDGED_TYPES } from "../../lib/plan/rules/guardrail-changed";
import { lambdaInvoked } from "../../lib/plan/rules/lambda-invoked";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";
import { ed25519 } from "./keys";

const NOW = new Date("2026-10-01T09:00:00.000Z");

function findings(changes: unknown[]): Finding[] {
  return evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes))))).judged.map((j) => j.finding);
}

/** `ruleId address` of every finding. */
function rules(changes: unknown[]): string[] {
  return findings(changes).map((f) => `${f.ruleId} ${f.resource}`);
}

function gateBlocks(changes: unknown[]): boolean {
  const dir = tempDir();
  writeFileSync(join(dir, "plan.json"), JSON.stringify(minimalPlan(changes)));
  return gateFails(runGate({ planFile: "plan.json", cwd: dir, now: NOW, trustedKeys: [] }));
}

const create = (address: string, after: Record<string, unknown>) => change(address, ["create"], null, after);
const update = (address: string, before: Record<string, unknown>, after: Record<string, unknown>) => change(address, ["update"], before, after);
const unknownAt = (rc: Record<string, unknown>, markers: unknown) => {
  (rc.change as Record<string, unknown>).after_unknown = markers;
  return rc;
};

describe("guardrails created over a setting AWS already holds", () => {
  const lifecycle = (rule: Record<string, unknown>) => create("aws_s3_bucket_lifecycle_configuration.data", { bucket: "prod-data", rule: [{ id: "r", status: "Enabled", filter: [{ prefix: "" }], ...rule }] });

  test("a created lifecycle configuration that expires objects or versions is blocked, naming the rule", () => {
    const rc = lifecycle({ expiration: [{ days: 1 }], noncurrent_version_expiration: [{ noncurrent_days: 1 }] });
    const fs = findings([rc]);
    expect(fs.map((f) => f.ruleId)).toEqual(["plan-guardrail-changed"]);
    expect(fs[0].message).toBe(
      'The plan creates the guardrail aws_s3_bucket_lifecycle_configuration.data, overwriting the setting AWS holds now (not in the plan): rule "r".expiration (current setting, not in the plan) → [{"days":1}]; ' +
        'rule "r".noncurrent_version_expiration (current setting, not in the plan) → [{"noncurrent_days":1}]. ' +
        "Lifecycle rules delete objects and versions by themselves: an expiration rule empties a bucket without a delete in any plan.",
    );
    expect(fs[0].evidence.map((e) => e.step)).toEqual(["change", "guardrail", "create", "changed", "changed"]);
    expect(gateBlocks([rc])).toBe(true);
  });

  test("an expiration by date, or one unknown until apply, is blocked too", () => {
    expect(rules([lifecycle({ expiration: [{ date: "2026-10-02T00:00:00Z", days: null }] })])).toEqual(["plan-guardrail-changed aws_s3_bucket_lifecycle_configuration.data"]);
    expect(rules([unknownAt(lifecycle({ expiration: [{ days: null }] }), { rule: [{ expiration: [{ days: true }] }] })])).toHaveLength(1);
    expect(rules([unknownAt(create("aws_s3_bucket_lifecycle_configuration.data", { bucket: "b" }), { rule: true })])).toHaveLength(1);
  });

  test("harmless lifecycle creates pass: transitions, aborting uploads, expired delete markers, a disabled rule", () => {
    const harmless = [
      lifecycle({ transition: [{ days: 30, storage_class: "GLACIER" }], expiration: [], noncurrent_version_expiration: [] }),
      lifecycle({ abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] }),
      lifecycle({ expiration: [{ days: 0, date: null, expired_object_delete_marker: true }] }),
      lifecycle({ status: "Disabled", expiration: [{ days: 1 }] }),
    ];
    for (const rc of harmless) expect(rules([rc])).toEqual([]);
    expect(gateBlocks(harmless.slice(0, 1))).toBe(false);
  });

  test("a created bucket policy or key policy is blocked: it replaces the whole policy AWS holds", () => {
    const fs = findings([
      create("aws_s3_bucket_policy.p", { bucket: "prod-data", policy: "{}" }),
      create("aws_kms_key_policy.k", { key_id: "abcd", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:*", Resource: "*" }] }) }),
    ]);
    expect(fs.map((f) => f.ruleId)).toEqual(["plan-guardrail-changed", "plan-guardrail-changed"]);
    expect(fs[0].message).toContain("policy (current setting, not in the plan) → {}. A bucket policy can deny deleting objects and the bucket.");
    expect(fs[1].message).toContain('"Principal":{"AWS":"*"}');
    const unknown = unknownAt(create("aws_kms_key_policy.k", { key_id: "abcd", policy: null }), { policy: true });
    expect(findings([unknown])[0].message).toContain("policy (current setting, not in the plan) → (known after apply)");
  });

  test("a created ECR lifecycle policy that expires images is blocked; one with no rules passes", () => {
    const policy = (rules: unknown[]) => create("aws_ecr_lifecycle_policy.p", { repository: "app", policy: JSON.stringify({ rules }) });
    const expire = { rulePriority: 1, selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 1 }, action: { type: "expire" } };
    const [f] = findings([policy([expire])]);
    expect(f.ruleId).toBe("plan-guardrail-changed");
    expect(f.message).toContain('policy rule rulePriority 1 (current setting, not in the plan) → expire of {"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1}');
    expect(f.message).toContain("An ECR lifecycle policy expires (deletes) images by itself");
    expect(rules([policy([])])).toEqual([]);
    expect(rules([create("aws_ecr_lifecycle_policy.p", { repository: "app", policy: "not json" })])).toHaveLength(1);
    expect(rules([unknownAt(create("aws_ecr_lifecycle_policy.p", { repository: "app", policy: null }), { policy: true })])).toHaveLength(1);
  });

  test("a created versioning resource that is not Enabled is blocked; Enabled passes", () => {
    const versioning = (status: unknown) => create("aws_s3_bucket_versioning.v", { bucket: "prod-data", versioning_configuration: [{ status, mfa_delete: null }] });
    const [f] = findings([versioning("Suspended")]);
    expect(f.ruleId).toBe("plan-versioning-suspended");
    expect(f.message).toBe(
      'The plan creates aws_s3_bucket_versioning.v, which sets the bucket\'s versioning to something other than Enabled: versioning_configuration[0].status (the bucket\'s current status, not in the plan) → "Suspended".',
    );
    expect(gateBlocks([versioning("Suspended")])).toBe(true);
    expect(rules([unknownAt(versioning(null), { versioning_configuration: [{ status: true }] })])).toEqual(["plan-versioning-suspended aws_s3_bucket_versioning.v"]);
    expect(rules([versioning("Enabled")])).toEqual([]);
    expect(gateBlocks([versioning("Enabled")])).toBe(false);
  });

  test("creates of other guardrails are still not judged: a new SCP or backup plan adds protection", () => {
    expect(CREATE_JUDGED_TYPES).toEqual([
      "aws_backup_vault_policy",
      "aws_backup_vault_lock_configuration",
      "aws_backup_global_settings",
      "aws_backup_region_settings",
      "aws_s3_bucket_replication_configuration",
      "aws_s3_bucket_lifecycle_configuration",
      "aws_s3control_bucket_lifecycle_configuration",
      "aws_s3_bucket_object_lock_configuration",
      "aws_s3_bucket_policy",
      "aws_dynamodb_resource_policy",
      "aws_secretsmanager_secret_policy",
      "aws_ecr_repository_policy",
      "aws_efs_file_system_policy",
      "aws_s3tables_table_bucket_policy",
      "aws_s3tables_table_policy",
      "aws_s3vectors_vector_bucket_policy",
      "aws_kms_key_policy",
      "aws_ecr_lifecycle_policy",
      "aws_imagebuilder_lifecycle_policy",
      "aws_efs_backup_policy",
      "aws_config_configuration_recorder_status",
    ]);
    expect(rules([create("aws_organizations_policy.scp", { content: "{}" }), create("aws_backup_plan.p", { name: "p", rule: [] })])).toEqual([]);
  });
});

describe("plan-lambda-invoked: aws_lambda_invocation runs code during apply", () => {
  const inv = { function_name: "cleanup", qualifier: "$LATEST", input: JSON.stringify({ db: "prod", skip_final_snapshot: true }), lifecycle_scope: "CREATE_ONLY" };

  test("a create is blocked, naming the function and its input", () => {
    const rc = create("aws_lambda_invocation.run", inv);
    const fs = findings([rc]);
    expect(fs.map((f) => f.ruleId)).toEqual(["plan-lambda-invoked"]);
    expect(fs[0].message).toBe(
      'The plan creates aws_lambda_invocation.run, which invokes the Lambda function "cleanup" during apply with input {"db":"prod","skip_final_snapshot":true}; what the code does is not in the plan.',
    );
    expect(fs[0].evidence.map((e) => e.step)).toEqual(["change", "invocation", "input"]);
    expect(gateBlocks([rc])).toBe(true);
  });

  test("an update and a replace invoke it again and are blocked", () => {
    const again = { ...inv, input: "{}", qualifier: "prod" };
    const fs = findings([update("aws_lambda_invocation.a", inv, again), change("aws_lambda_invocation.b", ["delete", "create"], inv, again)]);
    expect(fs.map((f) => f.message.split(",")[0])).toEqual([
      'The plan updates aws_lambda_invocation.a',
      'The plan replaces aws_lambda_invocation.b',
    ]);
    expect(fs[0].message).toContain('"cleanup" (qualifier "prod") during apply with input {}');
  });

  test("a destroy invokes it only under lifecycle_scope CRUD", () => {
    expect(rules([change("aws_lambda_invocation.a", ["delete"], inv, null)])).toEqual([]);
    const fs = findings([change("aws_lambda_invocation.b", ["delete"], { ...inv, lifecycle_scope: "CRUD" }, null)]);
    expect(fs.map((f) => f.ruleId)).toEqual(["plan-lambda-invoked"]);
    expect(fs[0].message).toMatch(/^The plan destroys aws_lambda_invocation\.b, which invokes the Lambda function "cleanup"/);
    expect(fs[0].evidence.find((e) => e.step === "lifecycle-scope")).toBeDefined();
  });

  test("sensitive and unknown input is never printed", () => {
    const rc = create("aws_lambda_invocation.run", { ...inv, input: JSON.stringify({ password: "hunter2" }) });
    (rc.change as Record<string, unknown>).after_sensitive = { input: true };
    expect(JSON.stringify(findings([rc]))).not.toContain("hunter2");
    expect(findings([unknownAt(create("aws_lambda_invocation.run", { ...inv, input: null }), { input: true })])[0].message).toContain("with input (known after apply)");
  });

  test("is a listed plan rule with what, why and fix", () => {
    expect(PLAN_RULES).toContain(lambdaInvoked);
    expect(lambdaInvoked.meta).toMatchObject({ id: "plan-lambda-invoked", severity: "error", category: "plan" });
    expect(lambdaInvoked.meta.why).toMatch(/local-exec/);
    expect(lambdaInvoked.meta.fix).toMatch(/blastwall approve/);
  });
});

describe("in-place weakening of log, snapshot, detection and TTL settings", () => {
  const logGroup = (before: unknown, after: unknown) => update("aws_cloudwatch_log_group.audit", { name: "audit", retention_in_days: before }, { name: "audit", retention_in_days: after });

  test("log group retention lowered is blocked; 0 (never expire) counts as the longest", () => {
    const [f] = findings([logGroup(3653, 1)]);
    expect(f.ruleId).toBe("plan-backup-retention-lowered");
    expect(f.message).toBe("The plan lowers retention of the records held by aws_cloudwatch_log_group.audit: retention_in_days 3653 → 1.");
    expect(findings([logGroup(0, 30)])[0].message).toContain("retention_in_days 0 (never expire) → 30");
    expect(findings([logGroup(null, 7)])[0].message).toContain("retention_in_days not set (never expire) → 7");
    expect(rules([unknownAt(logGroup(30, null), { retention_in_days: true })])).toHaveLength(1);
    expect(gateBlocks([logGroup(0, 30)])).toBe(true);
  });

  test("log group retention raised, or set to never expire, passes", () => {
    expect(rules([logGroup(30, 90), logGroup(30, 0), logGroup(0, 0), logGroup(7, null)])).toEqual([]);
  });

  test("CloudTrail event data store retention lowered is blocked (unset is 2557 days); raised passes", () => {
    const eds = (before: unknown, after: unknown) => update("aws_cloudtrail_event_data_store.s", { name: "s", retention_period: before }, { name: "s", retention_period: after });
    expect(findings([eds(2557, 7)])[0].message).toBe("The plan lowers retention of the records held by aws_cloudtrail_event_data_store.s: retention_period 2557 → 7.");
    expect(findings([eds(null, 90)])[0].message).toContain("retention_period 2557 → 90");
    expect(rules([eds(7, 365), eds(2557, null)])).toEqual([]);
  });

  const dlm = (state: string, retain: Record<string, unknown>, schedule = "daily") => ({
    state,
    policy_details: [{ resource_types: ["VOLUME"], schedule: [{ name: schedule, retain_rule: [{ count: null, interval: null, interval_unit: null, ...retain }] }] }],
  });

  test("DLM: fewer snapshots kept, a shorter interval, the policy disabled or a schedule removed are blocked", () => {
    const fs = findings([
      update("aws_dlm_lifecycle_policy.a", dlm("ENABLED", { count: 30 }), dlm("ENABLED", { count: 1 })),
      update("aws_dlm_lifecycle_policy.b", dlm("ENABLED", { interval: 4, interval_unit: "WEEKS" }), dlm("ENABLED", { interval: 7, interval_unit: "DAYS" })),
      update("aws_dlm_lifecycle_policy.c", dlm("ENABLED", { count: 30 }), dlm("DISABLED", { count: 30 })),
      update("aws_dlm_lifecycle_policy.d", dlm("ENABLED", { count: 30 }), dlm("ENABLED", { count: 30 }, "weekly")),
    ]);
    expect(fs.map((f) => `${f.ruleId}: ${f.message}`)).toEqual([
      'plan-backup-retention-lowered: The plan lowers backup retention on aws_dlm_lifecycle_policy.a: schedule "daily" retain_rule count 30 → count 1.',
      'plan-backup-retention-lowered: The plan lowers backup retention on aws_dlm_lifecycle_policy.b: schedule "daily" retain_rule interval 4 WEEKS → interval 7 DAYS.',
      'plan-backup-retention-lowered: The plan lowers backup retention on aws_dlm_lifecycle_policy.c: state "ENABLED" → "DISABLED".',
      'plan-backup-retention-lowered: The plan lowers backup retention on aws_dlm_lifecycle_policy.d: schedule "daily" present → removed (no more snapshots from it).',
    ]);
  });

  test("DLM: a count swapped for an age, or a retain rule unknown until apply, is left to a human", () => {
    const swapped = update("aws_dlm_lifecycle_policy.a", dlm("ENABLED", { count: 30 }), dlm("ENABLED", { interval: 1, interval_unit: "YEARS" }));
    expect(findings([swapped])[0].message).toContain('schedule "daily" retain_rule count 30 → interval 1 YEARS');
    const unknown = unknownAt(update("aws_dlm_lifecycle_policy.b", dlm("ENABLED", { count: 30 }), dlm("ENABLED", { count: null })), {
      policy_details: [{ schedule: [{ retain_rule: [{ count: true }] }] }],
    });
    expect(findings([unknown]).map((f) => f.message)).toEqual(['The plan lowers backup retention on aws_dlm_lifecycle_policy.b: schedule "daily" retain_rule count 30 → (known after apply).']);
  });

  test("DLM: more snapshots kept, a longer interval, or the policy enabled pass", () => {
    expect(
      rules([
        update("aws_dlm_lifecycle_policy.a", dlm("ENABLED", { count: 7 }), dlm("ENABLED", { count: 30 })),
        update("aws_dlm_lifecycle_policy.b", dlm("ENABLED", { interval: 7, interval_unit: "DAYS" }), dlm("ENABLED", { interval: 1, interval_unit: "YEARS" })),
        update("aws_dlm_lifecycle_policy.c", dlm("DISABLED", { count: 7 }), dlm("ENABLED", { count: 7 })),
      ]),
    ).toEqual([]);
  });

  test("GuardDuty detector and Config recorder status switched off are blocked; switched on passes", () => {
    expect(
      rules([
        update("aws_guardduty_detector.d", { enable: true }, { enable: false }),
        update("aws_config_configuration_recorder_status.r", { name: "default", is_enabled: true }, { name: "default", is_enabled: false }),
      ]),
    ).toEqual(["plan-guardrail-changed aws_guardduty_detector.d", "plan-guardrail-changed aws_config_configuration_recorder_status.r"]);
    expect(
      rules([
        update("aws_guardduty_detector.d", { enable: false, finding_publishing_frequency: "SIX_HOURS" }, { enable: true, finding_publishing_frequency: "ONE_HOUR" }),
        update("aws_config_configuration_recorder_status.r", { name: "default", is_enabled: false }, { name: "default", is_enabled: true }),
      ]),
    ).toEqual([]);
  });

  test("DynamoDB TTL turned on, or pointed at another attribute, is blocked; off or unchanged passes", () => {
    const table = (enabled: boolean, attribute: string) => ({ name: "orders", ttl: [{ enabled, attribute_name: attribute }] });
    const fs = findings([
      update("aws_dynamodb_table.a", table(false, ""), table(true, "created_at")),
      update("aws_dynamodb_table.b", table(true, "expires_at"), table(true, "created_at")),
    ]);
    expect(fs.map((f) => f.ruleId)).toEqual(["plan-guardrail-changed", "plan-guardrail-changed"]);
    expect(fs[0].message).toContain("in place: ttl[0].enabled false → true.");
    expect(fs[1].message).toContain('in place: ttl[0].attribute_name "expires_at" → "created_at".');
    expect(fs[0].message).toContain("DynamoDB deletes every item whose TTL attribute holds a past time");
    expect(
      rules([
        update("aws_dynamodb_table.c", table(true, "expires_at"), table(false, "")),
        update("aws_dynamodb_table.d", { ...table(true, "expires_at"), billing_mode: "PROVISIONED" }, { ...table(true, "expires_at"), billing_mode: "PAY_PER_REQUEST" }),
      ]),
    ).toEqual([]);
  });

  test("deleting a Config recorder status, an S3 replication configuration or a DynamoDB table replica is blocked", () => {
    const deletes = [
      change("aws_config_configuration_recorder_status.r", ["delete"], { name: "default", is_enabled: true }, null),
      change("aws_s3_bucket_replication_configuration.r", ["delete"], { bucket: "prod-data", role: "x", rule: [{ status: "Enabled" }] }, null),
      change("aws_dynamodb_table_replica.r", ["delete"], { global_table_arn: "arn" }, null),
    ];
    expect(rules(deletes)).toEqual([
      "plan-protected-delete aws_config_configuration_recorder_status.r",
      "plan-protected-delete aws_s3_bucket_replication_configuration.r",
      "plan-protected-delete aws_dynamodb_table_replica.r",
    ]);
  });
});

describe("AWS Cloud Control (awscc) data types are protected", () => {
  // Checked against the hashicorp/awscc provider's documented resources.
  const REQUIRED = [
    "awscc_rds_db_cluster",
    "awscc_rds_db_instance",
    "awscc_s3_bucket",
    "awscc_dynamodb_table",
    "awscc_dynamodb_global_table",
    "awscc_kms_key",
    "awscc_backup_backup_vault",
    "awscc_logs_log_group",
    "awscc_ec2_volume",
    "awscc_efs_file_system",
  ];
  const awscc = (rc: Record<string, unknown>) => ({ ...rc, provider_name: "registry.terraform.io/hashicorp/awscc" });

  test.each(REQUIRED)("%s: a delete and a replace are blocked", (type) => {
    const del = awscc(change(`${type}.x`, ["delete"], { id: "x" }, null));
    const replace = awscc(change(`${type}.y`, ["delete", "create"], { id: "y" }, { id: "y2" }));
    const fs = findings([del, replace]);
    expect(fs.map((f) => `${f.ruleId} ${f.resource}`)).toEqual([`plan-protected-delete ${type}.x`, `plan-protected-delete ${type}.y`]);
    expect(fs[0].message).toBe(`The plan destroys ${type}.x. Protected because ${type} is a protected type.`);
    expect(gateBlocks([del])).toBe(true);
  });

  test("every awscc type says why, borrowed from a protected aws type or in words of its own", () => {
    // Types with no aws-provider twin, or whose CloudFormation type several aws types share (red-team round 169b).
    const OWN_WORDS = [
      "awscc_fsx_file_system",
      "awscc_fsx_volume",
      "awscc_storagegateway_volume",
      "awscc_cloudformation_stack_set",
      "awscc_healthlake_fhir_datastore",
      "awscc_omics_sequence_store",
      "awscc_omics_reference_store",
      "awscc_omics_variant_store",
      "awscc_omics_annotation_store",
      "awscc_ses_mail_manager_archive",
      "awscc_iotsitewise_asset",
    ];
    const cc = [...PROTECTED_TYPES].filter(([t]) => t.startsWith("awscc_") && !OWN_WORDS.includes(t));
    expect(cc.map(([t]) => t)).toEqual(expect.arrayContaining(REQUIRED));
    expect(OWN_WORDS.filter((t) => !/^an? |^destroying /.test(PROTECTED_TYPES.get(t) ?? ""))).toEqual([]);
    for (const [type, why] of cc) {
      const aws = / \(the Cloud Control equivalent of (aws_[a-z0-9_]+)\)$/.exec(why)?.[1];
      expect([type, aws && why.startsWith(PROTECTED_TYPES.get(aws) ?? "-")]).toEqual([type, true]);
    }
    // AWS::EC2::Snapshot is no Cloud Control type, so there is no awscc_ec2_snapshot to protect.
    expect(PROTECTED_TYPES.has("awscc_ec2_snapshot")).toBe(false);
    expect([...PROTECTED_TYPES.keys()].filter((t) => !t.startsWith("aws_") && !t.startsWith("awscc_"))).toEqual([]);
  });

  test("creating awscc data types passes", () => {
    expect(gateBlocks(REQUIRED.map((t) => awscc(create(`${t}.x`, { id: "x" }))))).toBe(false);
  });
});

describe("input hygiene", () => {
  const plan = () => minimalPlan([change("aws_db_instance.main", ["delete"], { identifier: "main" }, null)]);

  test("an approval file with a repeated key is refused, though its last values carry a valid signature", () => {
    const dir = tempDir();
    const alice = ed25519();
    writeFileSync(join(dir, "plan.json"), JSON.stringify(plan()));
    writeFileSync(join(dir, "alice.pub.pem"), alice.publicKeyPem);
    const approval = createApproval("plan.json", { privateKeyPem: alice.privateKeyPem, by: "alice", expiresIn: "1h", now: NOW, cwd: dir });
    const gate = () => runGate({ planFile: "plan.json", cwd: dir, now: NOW, trustedKeys: ["alice.pub.pem"], approvals: ["approval.json"] });
    writeFileSync(join(dir, "approval.json"), JSON.stringify(approval));
    expect(gateFails(gate())).toBe(false);
    // A reader sees "mallory" first; JSON.parse keeps the signed "alice" that follows.
    writeFileSync(join(dir, "approval.json"), JSON.stringify(approval).replace("{", '{"by":"mallory",'));
    // Never an approval the gate accepts. Round 67 changed this from bad input (exit 2, which let one such file stop
    // every deploy and hide the report) to a refusal in the report, beside the other approvals.
    const report = gate();
    expect(gateFails(report)).toBe(true);
    expect(report.approvals).toEqual([expect.objectContaining({ file: "approval.json", accepted: false, reason: expect.stringMatching(/line 1, column \d+: key "by" appears twice/) })]);
  });

  test("a trusted key file with more than one PEM block is bad input (exit 2), in one line naming the file", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "plan.json"), JSON.stringify(plan()));
    writeFileSync(join(dir, "keys.pem"), ed25519().publicKeyPem + ed25519().publicKeyPem);
    expect(() => runGate({ planFile: "plan.json", cwd: dir, now: NOW, trustedKeys: ["keys.pem"] })).toThrow(
      /^keys\.pem: holds 2 PEM blocks; a trusted key file must hold exactly one Ed25519 public key/,
    );
    let err = "";
    const code = await runCli(["gate", "--trust", "keys.pem", "plan.json"], { stdout: () => undefined, stderr: (t) => (err += t), cwd: dir, env: {}, now: () => NOW });
    expect(code).toBe(2);
    expect(err.trim().split("\n")).toEqual([expect.stringMatching(/^blastwall: keys\.pem: holds 2 PEM blocks/)]);
  });

  test.each([
    ["errored", "true"],
    ["errored", null],
    ["complete", "false"],
  ])("a plan whose %s is %j is bad input (exit 2)", async (key, value) => {
    const dir = tempDir();
    writeFileSync(join(dir, "plan.json"), JSON.stringify({ ...plan(), [key]: value }));
    expect(() => readPlan(join(dir, "plan.json"))).toThrow(new RegExp(`malformed plan: ${key} is ${JSON.stringify(JSON.stringify(value)).slice(1, -1)}, not true or false`));
    const code = await runCli(["gate", "plan.json"], { stdout: () => undefined, stderr: () => undefined, cwd: dir, env: {}, now: () => NOW });
    expect(code).toBe(2);
  });
});

describe("a bucket's inline settings and record retention", () => {
  const bucket = { bucket: "data", tags: { team: "a" }, lifecycle_rule: [], policy: '{"Statement":[]}', replication_configuration: [{ role: "r", rules: [{ id: "copy", status: "Enabled" }] }] };

  test.each([
    ["an inline lifecycle expiration", { lifecycle_rule: [{ enabled: true, id: "x", expiration: [{ days: 1 }] }] }],
    ["the inline policy emptied", { policy: "" }],
    ["inline replication removed", { replication_configuration: [] }],
  ])("%s on aws_s3_bucket blocks", (_what, after) => {
    expect(rules([update("aws_s3_bucket.data", bucket, { ...bucket, ...after })])).toContain("plan-guardrail-changed aws_s3_bucket.data");
  });

  test("a bucket's tags are routine", () => {
    expect(rules([update("aws_s3_bucket.data", bucket, { ...bucket, tags: { team: "b" } })])).toEqual([]);
  });

  test.each([
    ["aws_kinesis_stream.k", "retention_period", 168, 24],
    ["aws_kinesis_stream.k", "retention_period", undefined, 12],
    ["aws_sqs_queue.q", "message_retention_seconds", 1209600, 60],
  ])("%s %s lowered blocks; raised passes", (address, attr, from, to) => {
    const before = from === undefined ? { name: "x" } : { name: "x", [attr]: from };
    expect(rules([update(address, before, { name: "x", [attr]: to })])).toContain(`plan-backup-retention-lowered ${address}`);
    expect(rules([update(address, { name: "x", [attr]: to }, { name: "x", [attr]: 1209600 })])).toEqual([]);
  });
});

describe("more creates that overwrite a setting AWS holds (round 8)", () => {
  test("a created backup vault policy blocks", () => {
    expect(rules([create("aws_backup_vault_policy.v", { backup_vault_name: "v", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "backup:DeleteRecoveryPoint", Resource: "*" }] }) })])).toContain(
      "plan-guardrail-changed aws_backup_vault_policy.v",
    );
  });

  test("a created object lock configuration blocks", () => {
    expect(rules([create("aws_s3_bucket_object_lock_configuration.l", { bucket: "data", rule: [{ default_retention: [{ mode: "GOVERNANCE", days: 1 }] }] })])).toContain(
      "plan-guardrail-changed aws_s3_bucket_object_lock_configuration.l",
    );
  });

  test("a created EFS backup policy blocks unless ENABLED", () => {
    expect(rules([create("aws_efs_backup_policy.b", { file_system_id: "fs-1", backup_policy: [{ status: "DISABLED" }] })])).toContain("plan-guardrail-changed aws_efs_backup_policy.b");
    expect(rules([create("aws_efs_backup_policy.b", { file_system_id: "fs-1", backup_policy: [{ status: "ENABLED" }] })])).toEqual([]);
  });
});

describe("malformed plan sections are bad input, never skipped (round 10)", () => {
  const refused = (extra: Record<string, unknown>, changes: unknown[] = []) => () => readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes, extra))));
  test.each([
    ["configuration resources not a list", { configuration: { root_module: { resources: "oops" } } }, /configuration\.root_module\.resources is not an array/],
    ["a configuration resource that is not an object", { configuration: { root_module: { resources: [null] } } }, /configuration\.root_module\.resources\[0\] is not an object/],
    ["provisioners that are not a list", { configuration: { root_module: { resources: [{ address: "terraform_data.run", provisioners: "x" }] } } }, /provisioners is not a list/],
    ["planned resources not a list", { planned_values: { root_module: { resources: "x" } } }, /planned_values\.root_module\.resources is not an array/],
    ["a planned resource without an address", { planned_values: { root_module: { child_modules: [{ resources: [5] }] } } }, /child_modules\[0\]\.resources\[0\] is not a resource object/],
  ])("%s", (_what, extra, message) => {
    expect(refused(extra)).toThrow(message);
  });

  test("a change whose before or after is not an object", () => {
    expect(refused({}, [change("aws_db_instance.d", ["update"], "x", 7)])).toThrow(/change\.before that is not an object/);
  });

  test("the shapes Terraform writes pass", () => {
    expect(refused({ configuration: { root_module: { resources: [{ address: "terraform_data.run", provisioners: [{ type: "local-exec" }] }], module_calls: { m: { module: { resources: [] } } } } } })).not.toThrow();
  });
});
