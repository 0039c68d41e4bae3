/**
 * Red-team round 57 on the plan gate (code that apply runs): a DMS task started to drop its target's tables, SQL
 * run by an aws_redshiftdata_statement, commands in an EMR cluster's steps and bootstrap actions, and Lambda
 * functions invoked by a data source read during apply or by an ephemeral resource.
 */
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

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
