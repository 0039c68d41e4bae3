/**
 * Red-team round 57 on the plan gate (code that apply runs): a DMS task started to drop its target's tables, SQL
 * run by an aws_redshiftdata_statement, commands in an EMR cluster's steps and bootstrap actions, and Lambda
 * functions invoked by a data source read during apply or by an ephemeral resource.
 */
import { writeFileSync } from "fs";
import { join } from "path";
import { createApproval } from "../../lib/plan/approval";
import { evaluatePlan } from "../../lib/plan/evaluate";
import { gateFails, runGate } from "../../lib/plan/gate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";
import { ed25519 } from "./keys";

type Obj = Record<string, unknown>;

const create = (address: string, after: Obj) => change(address, ["create"], null, after);
const update = (address: string, before: Obj, after: Obj) => change(address, ["update"], before, after);

/** A change with values known only after apply (`after_unknown`), or sensitive ones (`after_sensitive`). */
function withMarks(c: Obj, marks: { unknown?: Obj; sensitive?: Obj }): Obj {
  const ch = c.change as Obj;
  return { ...c, change: { ...ch, after_unknown: marks.unknown ?? ch.after_unknown, after_sensitive: marks.sensitive ?? ch.after_sensitive } };
}

function evaluate(changes: Obj[], extra: Obj = {}) {
  return evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes, extra)))), { config: {} }).judged.map((j) => j.finding);
}

function judged(changes: Obj[], extra: Obj = {}): string[] {
  return evaluate(changes, extra).map((f) => `${f.ruleId} ${f.resource}`);
}

function messages(changes: Obj[], extra: Obj = {}): string[] {
  return evaluate(changes, extra).map((f) => f.message);
}

describe("05: a DMS replication task started to drop or truncate its target's tables", () => {
  const task = (settings: unknown, more: Obj = {}) => ({
    migration_type: "full-load",
    replication_instance_arn: "arn:aws:dms:us-east-1:123456789012:rep:EXISTINGINSTANCE",
    replication_task_id: "orders-resync",
    replication_task_settings: settings === undefined ? null : typeof settings === "string" ? settings : JSON.stringify(settings),
    source_endpoint_arn: "arn:aws:dms:us-east-1:123456789012:endpoint:STAGINGSOURCE",
    target_endpoint_arn: "arn:aws:dms:us-east-1:123456789012:endpoint:PRODORDERSDB",
    start_replication_task: true,
    table_mappings: '{"rules":[{"rule-type":"selection","rule-id":"1","rule-name":"all","object-locator":{"schema-name":"%","table-name":"%"},"rule-action":"include"}]}',
    ...more,
  });
  const prep = (mode: string) => ({ FullLoadSettings: { TargetTablePrepMode: mode }, TargetMetadata: { TargetSchema: "" } });
  const TASK = ["plan-command-scheduled aws_dms_replication_task.resync"];

  test("created and started with DROP_AND_CREATE blocks, naming the target and the mode", () => {
    const [m] = messages([create("aws_dms_replication_task.resync", task(prep("DROP_AND_CREATE")))]);
    expect(m).toContain("The plan creates aws_dms_replication_task.resync, which starts a \"full-load\" replication from");
    expect(m).toContain('into the target endpoint "arn:aws:dms:us-east-1:123456789012:endpoint:PRODORDERSDB" during apply (start_replication_task = true)');
    expect(m).toContain("DROP_AND_CREATE drops every mapped table on the target");
  });

  test("TRUNCATE_BEFORE_LOAD, no settings, no prep mode, unreadable or unknown settings, or an unknown start count", () => {
    expect(judged([create("aws_dms_replication_task.resync", task(prep("TRUNCATE_BEFORE_LOAD")))])).toEqual(TASK);
    expect(messages([create("aws_dms_replication_task.resync", task(undefined))])[0]).toContain("relies on no default");
    expect(judged([create("aws_dms_replication_task.resync", task({ TargetMetadata: {} }))])).toEqual(TASK);
    expect(judged([create("aws_dms_replication_task.resync", task("{not json"))])).toEqual(TASK);
    expect(judged([withMarks(create("aws_dms_replication_task.resync", task(null)), { unknown: { replication_task_settings: true } })])).toEqual(TASK);
    expect(judged([withMarks(create("aws_dms_replication_task.resync", task(prep("DROP_AND_CREATE"), { start_replication_task: null })), { unknown: { start_replication_task: true } })])).toEqual(TASK);
    expect(judged([create("aws_dms_replication_task.resync", task(prep("DROP_AND_CREATE"), { migration_type: "full-load-and-cdc" }))])).toEqual(TASK);
  });

  test("DO_NOTHING, a task that is not started, or a CDC-only task passes", () => {
    expect(judged([create("aws_dms_replication_task.resync", task(prep("DO_NOTHING")))])).toEqual([]);
    expect(judged([create("aws_dms_replication_task.resync", task(prep("DROP_AND_CREATE"), { start_replication_task: false }))])).toEqual([]);
    expect(judged([create("aws_dms_replication_task.resync", task(prep("DROP_AND_CREATE"), { migration_type: "cdc" }))])).toEqual([]);
  });

  test("an update: started now, or its settings or target changed while started, counts; tags alone pass", () => {
    const stopped = task(prep("DROP_AND_CREATE"), { start_replication_task: false });
    expect(judged([update("aws_dms_replication_task.resync", stopped, task(prep("DROP_AND_CREATE")))])).toEqual(TASK);
    expect(judged([update("aws_dms_replication_task.resync", task(prep("DO_NOTHING")), task(prep("DROP_AND_CREATE")))])).toEqual(TASK);
    expect(judged([update("aws_dms_replication_task.resync", task(prep("DROP_AND_CREATE")), task(prep("DROP_AND_CREATE"), { target_endpoint_arn: "arn:aws:dms:us-east-1:123456789012:endpoint:OTHER" }))])).toEqual(TASK);
    expect(judged([update("aws_dms_replication_task.resync", task(prep("DROP_AND_CREATE")), task(prep("DROP_AND_CREATE"), { tags: { team: "data" } }))])).toEqual([]);
    expect(judged([update("aws_dms_replication_task.resync", task(prep("DROP_AND_CREATE")), stopped)])).toEqual([]);
  });

  test("a serverless replication config with start_replication is judged the same", () => {
    const config = (mode: string, start: boolean) => ({
      replication_config_identifier: "resync",
      replication_type: "full-load",
      replication_settings: JSON.stringify(prep(mode)),
      source_endpoint_arn: "arn:aws:dms:us-east-1:123456789012:endpoint:STAGINGSOURCE",
      target_endpoint_arn: "arn:aws:dms:us-east-1:123456789012:endpoint:PRODORDERSDB",
      start_replication: start,
    });
    expect(judged([create("aws_dms_replication_config.resync", config("TRUNCATE_BEFORE_LOAD", true))])).toEqual(["plan-command-scheduled aws_dms_replication_config.resync"]);
    expect(judged([create("aws_dms_replication_config.resync", config("TRUNCATE_BEFORE_LOAD", false))])).toEqual([]);
    expect(judged([create("aws_dms_replication_config.resync", config("DO_NOTHING", true))])).toEqual([]);
  });
});

describe("08: an aws_redshiftdata_statement runs its SQL at create", () => {
  const statement = (sql: string | null, more: Obj = {}) => ({ cluster_identifier: "warehouse", database: "prod", db_user: "admin", parameters: [], secret_arn: null, sql, statement_name: null, with_event: null, workgroup_name: null, ...more });
  const STMT = ["plan-command-scheduled aws_redshiftdata_statement.cleanup"];

  test("DROP TABLE blocks, with the SQL, the cluster and the user shown", () => {
    expect(messages([create("aws_redshiftdata_statement.cleanup", statement("DROP TABLE orders CASCADE"))])).toEqual([
      'The plan creates aws_redshiftdata_statement.cleanup, which runs SQL in the Redshift cluster "warehouse", database "prod", as the database user "admin" during apply, ' +
        "which may delete data: DROP TABLE orders CASCADE (it is no SELECT, SHOW or DESCRIBE (DROP)); what that does to data is not in the plan.",
    ]);
  });

  test("a write hidden in a read, SQL known only after apply, or sensitive SQL counts; a replace counts", () => {
    expect(judged([create("aws_redshiftdata_statement.cleanup", statement("SELECT 1; DELETE FROM orders"))])).toEqual(STMT);
    expect(judged([withMarks(create("aws_redshiftdata_statement.cleanup", statement(null)), { unknown: { sql: true } })])).toEqual(STMT);
    const hidden = messages([withMarks(create("aws_redshiftdata_statement.cleanup", statement("SELECT count(*) FROM orders")), { sensitive: { sql: true } })]);
    expect(hidden).toHaveLength(1);
    expect(hidden[0]).not.toContain("count(*)");
    const replace = change("aws_redshiftdata_statement.cleanup", ["delete", "create"], statement("SELECT 1"), statement("TRUNCATE orders"));
    expect(judged([replace])).toEqual(STMT);
  });

  test("a plain read passes", () => {
    expect(judged([create("aws_redshiftdata_statement.cleanup", statement("SELECT count(*) FROM orders"))])).toEqual([]);
    expect(judged([create("aws_redshiftdata_statement.cleanup", statement("select * from orders where id = 'a;b'", { workgroup_name: "wg" }))])).toEqual([]);
  });
});

describe("09: an EMR cluster's steps and bootstrap actions run commands as it starts", () => {
  const step = (jar: string, args: string[], name = "compact") => ({ action_on_failure: "TERMINATE_CLUSTER", hadoop_jar_step: [{ args, jar, main_class: null, properties: null }], name });
  const cluster = (steps: unknown[], boot: unknown[] = []) => ({
    name: "adhoc-compaction",
    release_label: "emr-7.1.0",
    applications: ["Hadoop"],
    ec2_attributes: [{ instance_profile: "arn:aws:iam::123456789012:instance-profile/EMR_EC2_DefaultRole", subnet_id: "subnet-0123456789abcdef0" }],
    service_role: "arn:aws:iam::123456789012:role/EMR_DefaultRole",
    step: steps,
    bootstrap_action: boot,
  });
  const rm = step("command-runner.jar", ["bash", "-c", "aws s3 rm --recursive s3://prod-customer-data/ && aws dynamodb delete-table --table-name orders"]);
  const EMR = ["plan-command-scheduled aws_emr_cluster.adhoc"];

  test("a command-runner.jar step blocks, with the command and the instance profile shown", () => {
    const [m] = messages([create("aws_emr_cluster.adhoc", cluster([rm]))]);
    expect(m).toContain("The plan creates aws_emr_cluster.adhoc, which runs a command on the cluster as it starts, with the rights of the instance profile");
    expect(m).toContain('step "compact": command-runner.jar runs the command ["bash","-c","aws s3 rm --recursive s3://prod-customer-data/');
  });

  test("script-runner.jar, an opaque jar, a bootstrap action, or steps known only after apply count", () => {
    expect(judged([create("aws_emr_cluster.adhoc", cluster([step("s3://us-east-1.elasticmapreduce/libs/script-runner/script-runner.jar", ["s3://ops/purge.sh"])]))])).toEqual(EMR);
    expect(judged([create("aws_emr_cluster.adhoc", cluster([step("s3://ops/jobs/compact.jar", [])]))])).toEqual(EMR);
    const boot = messages([create("aws_emr_cluster.adhoc", cluster([], [{ name: "setup", path: "s3://ops/bootstrap.sh", args: ["--purge"] }]))]);
    expect(boot[0]).toContain('bootstrap action "setup" on every node: the script "s3://ops/bootstrap.sh"');
    expect(judged([withMarks(create("aws_emr_cluster.adhoc", { ...cluster([]), step: null }), { unknown: { step: true } })])).toEqual(EMR);
  });

  test("steps the provider computes because the configuration writes none pass; steps written there count (red-team round 59)", () => {
    const computed = withMarks(create("aws_emr_cluster.adhoc", { ...cluster([]), step: null }), { unknown: { step: true } });
    const block = (expressions: Obj) => ({ configuration: { root_module: { resources: [{ address: "aws_emr_cluster.adhoc", mode: "managed", type: "aws_emr_cluster", name: "adhoc", expressions }] } } });
    expect(judged([computed], block({ name: { constant_value: "adhoc-compaction" } }))).toEqual([]);
    expect(judged([computed], block({ name: { constant_value: "adhoc-compaction" }, step: { references: ["var.steps"] } }))).toEqual(EMR);
  });

  test("a cluster with no steps or bootstrap actions, or only EMR's debugging step, passes", () => {
    expect(judged([create("aws_emr_cluster.adhoc", cluster([]))])).toEqual([]);
    expect(judged([create("aws_emr_cluster.adhoc", cluster([step("command-runner.jar", ["state-pusher-script"], "Setup hadoop debugging")]))])).toEqual([]);
  });

  test("an update counts only for the steps it adds; other updates pass", () => {
    const debug = step("command-runner.jar", ["state-pusher-script"], "debug");
    const other = step("s3://ops/jobs/compact.jar", [], "old");
    expect(judged([update("aws_emr_cluster.adhoc", cluster([other]), cluster([other, rm]))])).toEqual(EMR);
    expect(messages([update("aws_emr_cluster.adhoc", cluster([other]), cluster([other, rm]))])[0]).not.toContain('"old"');
    expect(judged([update("aws_emr_cluster.adhoc", cluster([other, rm]), { ...cluster([other, rm]), visible_to_all_users: false })])).toEqual([]);
    expect(judged([update("aws_emr_cluster.adhoc", cluster([other]), cluster([other, debug]))])).toEqual([]);
  });
});

describe("11: a Lambda function invoked by the data source or the ephemeral resource aws_lambda_invocation", () => {
  const RULE = "plan-lambda-invoked";
  const run = create("terraform_data.run", { input: "cleanup", triggers_replace: null });
  /** `data.aws_lambda_invocation.purge` read during apply, as Terraform 1.11 writes it (input known only then). */
  const dataRead = (address = "data.aws_lambda_invocation.purge") => ({
    ...change(address, ["read"], null, { function_name: "ops-maintenance", qualifier: null }),
    mode: "data",
    type: address.replace(/^(module\.[^.]+\.)*data\./, "").split(".")[0],
    name: address.split(".").pop(),
    change: { actions: ["read"], before: null, after: { function_name: "ops-maintenance", qualifier: null }, after_unknown: { id: true, input: true, result: true }, before_sensitive: false, after_sensitive: {} },
    action_reason: "read_because_config_unknown",
  });
  const dataBlock = (address = "data.aws_lambda_invocation.purge") => ({
    address,
    mode: "data",
    type: "aws_lambda_invocation",
    name: "purge",
    provider_config_key: "aws",
    expressions: { function_name: { constant_value: "ops-maintenance" }, input: { references: ["terraform_data.run.id", "terraform_data.run"] } },
  });
  const runBlock = { address: "terraform_data.run", mode: "managed", type: "terraform_data", name: "run", provider_config_key: "terraform", expressions: { input: { constant_value: "cleanup" } } };
  /** A resource whose write-only argument takes the ephemeral resource's result: the only trace the plan JSON keeps of it. */
  const secret = create("aws_secretsmanager_secret_version.token", { secret_id: "arn:aws:secretsmanager:us-east-1:123456789012:secret:ops-token", secret_string_wo_version: 1 });
  const secretBlock = (refs: string[]) => ({
    address: "aws_secretsmanager_secret_version.token",
    mode: "managed",
    type: "aws_secretsmanager_secret_version",
    name: "token",
    provider_config_key: "aws",
    expressions: { secret_id: { constant_value: "arn:aws:secretsmanager:us-east-1:123456789012:secret:ops-token" }, secret_string_wo: { references: refs }, secret_string_wo_version: { constant_value: 1 } },
  });
  const EPHEMERAL_REFS = ["ephemeral.aws_lambda_invocation.purge.result", "ephemeral.aws_lambda_invocation.purge"];

  test("a data source read during apply blocks as the resource does, on its read", () => {
    const fs = evaluate([dataRead(), run], { configuration: { root_module: { resources: [runBlock, dataBlock()] } } });
    expect(fs.map((f) => `${f.ruleId} ${f.resource} ${f.severity}`)).toEqual([`${RULE} data.aws_lambda_invocation.purge error`]);
    expect(fs[0].message).toBe(
      'The plan reads data.aws_lambda_invocation.purge during apply (read_because_config_unknown: its configuration is known only after apply), which invokes the Lambda function "ops-maintenance" with input (known after apply); what the code does is not in the plan.',
    );
    expect(fs[0].actions).toEqual(["read"]);
    expect(judged([dataRead("module.ops.data.aws_lambda_invocation.purge")])).toEqual([`${RULE} module.ops.data.aws_lambda_invocation.purge`]);
  });

  test("an ephemeral resource that a configuration expression references blocks, in a module or through a local too", () => {
    const root = evaluate([secret, run], { configuration: { root_module: { resources: [secretBlock(EPHEMERAL_REFS), runBlock] } } });
    expect(root.map((f) => `${f.ruleId} ${f.resource} ${f.severity}`)).toEqual([`${RULE} ephemeral.aws_lambda_invocation.purge error`]);
    expect(root[0].message).toContain("an ephemeral resource that invokes a Lambda function whenever Terraform opens it: during this apply");
    expect(root[0].evidence.map((e) => e.detail).join(" ")).toContain("aws_secretsmanager_secret_version.token (secret_string_wo)");
    const inModule = { module_calls: { ops: { source: "./ops", expressions: {}, module: { resources: [secretBlock(EPHEMERAL_REFS)] } } } };
    expect(judged([{ ...secret, address: "module.ops.aws_secretsmanager_secret_version.token" }], { configuration: { root_module: inModule } })).toEqual([
      `${RULE} module.ops.ephemeral.aws_lambda_invocation.purge`,
    ]);
    // Through a local the expression names only `local.tok`; relevant_attributes still names the ephemeral resource.
    const viaLocal = { configuration: { root_module: { resources: [secretBlock(["local.tok"])] } }, relevant_attributes: [{ resource: "ephemeral.aws_lambda_invocation.purge", attribute: ["result"] }] };
    expect(judged([secret], viaLocal)).toEqual([`${RULE} ephemeral.aws_lambda_invocation.purge`]);
    // One per ephemeral resource, however often and wherever it is referenced (instance keys ignored).
    const twice = { configuration: { root_module: { resources: [secretBlock(["ephemeral.aws_lambda_invocation.purge[0].result"])], outputs: { x: { expression: { references: EPHEMERAL_REFS } } } } } };
    expect(judged([secret], { ...twice, relevant_attributes: [{ resource: "ephemeral.aws_lambda_invocation.purge[0]", attribute: ["result"] }] })).toEqual([`${RULE} ephemeral.aws_lambda_invocation.purge`]);
  });

  test("a data source read during terraform plan is a warning that does not block: the call was already made", () => {
    const prior = { format_version: "1.0", values: { root_module: { resources: [{ address: "data.aws_lambda_invocation.purge", mode: "data", type: "aws_lambda_invocation", name: "purge", values: { function_name: "ops-maintenance", input: '{"action":"purge"}', qualifier: "$LATEST", result: "{}" }, sensitive_values: {} }] } } };
    const fs = evaluate([run], { prior_state: prior, configuration: { root_module: { resources: [runBlock, { ...dataBlock(), expressions: { function_name: { constant_value: "ops-maintenance" } } }] } } });
    expect(fs.map((f) => `${f.ruleId} ${f.resource} ${f.severity}`)).toEqual([`${RULE} data.aws_lambda_invocation.purge warning`]);
    expect(fs[0].message).toBe(
      'data.aws_lambda_invocation.purge was read while terraform plan ran, which invoked the Lambda function "ops-maintenance" with input {"action":"purge"} before the gate could judge it; the gate cannot undo that call.',
    );
    expect(fs[0].fix).toContain("deny lambda:InvokeFunction");
  });

  test("references to other ephemeral or data sources, and strings that only look like one, pass", () => {
    const other = { configuration: { root_module: { resources: [secretBlock(["ephemeral.aws_secretsmanager_secret_version.db.secret_string", "data.aws_lambda_invocation_x.y"]), { ...runBlock, expressions: { input: { constant_value: "ephemeral.aws_lambda_invocation.purge" } } }] } } };
    expect(judged([secret, run], other)).toEqual([]);
    expect(judged([dataRead("data.aws_lambda_function.fn"), run])).toEqual([]);
  });

  test("the gate blocks both, and an approval that lists the read and the ephemeral resource passes them", () => {
    const alice = ed25519();
    const dir = tempDir();
    const plan = minimalPlan([dataRead(), secret, run], { configuration: { root_module: { resources: [runBlock, dataBlock(), secretBlock(EPHEMERAL_REFS)] } } });
    writeFileSync(join(dir, "plan.json"), JSON.stringify(plan));
    writeFileSync(join(dir, "alice.pub.pem"), alice.publicKeyPem);
    const gate = (approvals: string[] = []) => runGate({ planFile: "plan.json", cwd: dir, now: new Date("2026-10-01T09:00:00Z"), trustedKeys: ["alice.pub.pem"], approvals });
    expect(gateFails(gate())).toBe(true);
    const approval = createApproval("plan.json", { privateKeyPem: alice.privateKeyPem, by: "alice", expiresIn: "1h", now: new Date("2026-10-01T09:00:00Z"), cwd: dir });
    expect(approval.approved).toEqual([
      { address: "data.aws_lambda_invocation.purge", actions: ["read"] },
      { address: "ephemeral.aws_lambda_invocation.purge", actions: ["open"] },
    ]);
    writeFileSync(join(dir, "approval.json"), JSON.stringify(approval));
    expect(gateFails(gate(["approval.json"]))).toBe(false);
    const partial = createApproval("plan.json", { privateKeyPem: alice.privateKeyPem, by: "alice", expiresIn: "1h", now: new Date("2026-10-01T09:00:00Z"), cwd: dir, addresses: ["data.aws_lambda_invocation.purge"] });
    expect(partial.approved).toEqual([{ address: "data.aws_lambda_invocation.purge", actions: ["read"] }]);
    writeFileSync(join(dir, "partial.json"), JSON.stringify(partial));
    expect(gateFails(gate(["partial.json"]))).toBe(true);
  });
});
