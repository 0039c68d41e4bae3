/**
 * Red-team round 47 on the plan gate: settings created for a resource the same plan creates overwrite nothing.
 */
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

type Obj = Record<string, unknown>;

const create = (address: string, after: Obj) => change(address, ["create"], null, after);

/** A change with values known only after apply (`after_unknown`). */
function withUnknown(c: Obj, unknown: Obj): Obj {
  return { ...c, change: { ...(c.change as Obj), after_unknown: unknown } };
}

/** The rule ids of a plan of `changes` whose configuration gives each resource's expressions. */
function judged(changes: Obj[], expressions: Record<string, Obj> = {}): string[] {
  const resources = Object.entries(expressions).map(([address, exprs]) => {
    const [type, name] = address.split(".");
    return { address, mode: "managed", type, name, provider_config_key: "aws", expressions: exprs };
  });
  const extra = resources.length > 0 ? { configuration: { root_module: { resources } } } : {};
  return evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes, extra)))), { config: {} }).judged.map((j) => `${j.finding.ruleId} ${j.finding.resource}`);
}

const ref = (address: string, attribute: string) => ({ references: [`${address}.${attribute}`, address] });
const expiring = { bucket: "logs-1", rule: [{ id: "tmp", status: "Enabled", expiration: [{ days: 7 }] }] };
const denyHttp = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "TLS", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }] });
const expireUntagged = JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 }, action: { type: "expire" } }] });

describe("a setting created for a resource the same plan creates", () => {
  test.each([
    ["a bucket's lifecycle rules", "aws_s3_bucket_lifecycle_configuration.r", expiring, "aws_s3_bucket.b", { bucket: "logs-1" }, "bucket", "id"],
    ["a bucket policy", "aws_s3_bucket_policy.p", { bucket: "logs-1", policy: denyHttp }, "aws_s3_bucket.b", { bucket: "logs-1" }, "bucket", "id"],
    ["a repository's lifecycle policy", "aws_ecr_lifecycle_policy.l", { repository: "web", policy: expireUntagged }, "aws_ecr_repository.r", { name: "web" }, "repository", "name"],
    ["a key policy", "aws_kms_key_policy.k", { key_id: "1234abcd-12ab-34cd-56ef-1234567890ab", policy: denyHttp }, "aws_kms_key.k", { key_id: "1234abcd-12ab-34cd-56ef-1234567890ab" }, "key_id", "id"],
  ])("%s passes when named by reference, and counts for a resource the plan does not create", (_what, address, after, parentAddress, parentAfter, attribute, parentAttribute) => {
    const expressions = { [address]: { [attribute]: ref(parentAddress, parentAttribute) } };
    expect(judged([create(parentAddress, parentAfter), create(address, after)], expressions)).toEqual([]);
    // The same setting for a resource that already exists overwrites what AWS holds now.
    expect(judged([create(address, after)], { [address]: { [attribute]: { constant_value: (after as Obj)[attribute] } } })).toEqual([`plan-guardrail-changed ${address}`]);
    // A reference to another resource than the one created is no such resource.
    const other = `${parentAddress.split(".")[0]}.other`;
    expect(judged([create(parentAddress, parentAfter), create(address, after)], { [address]: { [attribute]: ref(other, parentAttribute) } })).toEqual([`plan-guardrail-changed ${address}`]);
  });

  test("named by a literal, or by a reference that may be an instance the plan keeps, it counts (red-team round 48)", () => {
    const lifecycle = create("aws_s3_bucket_lifecycle_configuration.r", expiring);
    // A decoy: a bucket of the existing bucket's name whose create fails, while the lifecycle lands on the existing one.
    expect(judged([create("aws_s3_bucket.b", { bucket: "logs-1" }), lifecycle], { "aws_s3_bucket_lifecycle_configuration.r": { bucket: { constant_value: "logs-1" } } })).toEqual([
      "plan-guardrail-changed aws_s3_bucket_lifecycle_configuration.r",
    ]);
    // `b[0]` kept and `b[1]` created: the reference (read as `b`) may be the kept one.
    const kept = change("aws_s3_bucket.b[0]", ["no-op"], { bucket: "logs-1" }, { bucket: "logs-1" });
    const made = create("aws_s3_bucket.b[1]", { bucket: "logs-2" });
    const byIndex = { "aws_s3_bucket_lifecycle_configuration.r": { bucket: { references: ["aws_s3_bucket.b[0].id", "aws_s3_bucket.b[0]", "aws_s3_bucket.b"] } } };
    expect(judged([kept, made, lifecycle], byIndex)).toEqual(["plan-guardrail-changed aws_s3_bucket_lifecycle_configuration.r"]);
    // Both instances new: it is one of them.
    expect(judged([create("aws_s3_bucket.b[0]", { bucket: "logs-1" }), made, lifecycle], byIndex)).toEqual([]);
    // for_each and count, as modules of many buckets write them (red-team round 49): every instance new passes.
    const each = (address: string, name: string) => create(address, { bucket: name });
    const policyOf = (address: string, name: string) => create(address, { bucket: name, policy: denyHttp });
    const plan = (refs: string[], forEach?: string[]) => {
      const resources = [
        { address: "aws_s3_bucket.b", mode: "managed", type: "aws_s3_bucket", name: "b", provider_config_key: "aws", expressions: {} },
        { address: "aws_s3_bucket_policy.p", mode: "managed", type: "aws_s3_bucket_policy", name: "p", provider_config_key: "aws", expressions: { bucket: { references: refs } }, ...(forEach ? { for_each_expression: { references: forEach } } : {}) },
      ];
      const changes = [each('aws_s3_bucket.b["a"]', "logs-a"), each('aws_s3_bucket.b["b"]', "logs-b"), policyOf('aws_s3_bucket_policy.p["a"]', "logs-a")];
      return evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes, { configuration: { root_module: { resources } } })))), { config: {} }).judged.length;
    };
    expect(plan(["aws_s3_bucket.b", "each.key"])).toBe(0);
    expect(plan(["each.value.id", "each.value"], ["aws_s3_bucket.b"])).toBe(0);
    expect(plan(["each.value.id", "each.value"], ["local.names"])).toBe(1);
    // A value that is one of the new bucket's attributes but not its name (`bucket_prefix`) names another bucket (round 50).
    const prefixed = create("aws_s3_bucket_lifecycle_configuration.r", { ...expiring, bucket: "prod-data" });
    expect(judged([create("aws_s3_bucket.b", { bucket_prefix: "prod-data" }), prefixed], { "aws_s3_bucket_lifecycle_configuration.r": { bucket: { references: ["aws_s3_bucket.b.bucket_prefix", "aws_s3_bucket.b"] } } })).toEqual([
      "plan-guardrail-changed aws_s3_bucket_lifecycle_configuration.r",
    ]);
    // A reference whose planned value is no created bucket's: the configuration names another one.
    const literal = create("aws_s3_bucket_lifecycle_configuration.r", { ...expiring, bucket: "prod-data" });
    expect(judged([create("aws_s3_bucket.b", { bucket: "logs-1" }), literal], { "aws_s3_bucket_lifecycle_configuration.r": { bucket: { references: ["aws_s3_bucket.b.bucket", "aws_s3_bucket.b"] } } })).toEqual([
      "plan-guardrail-changed aws_s3_bucket_lifecycle_configuration.r",
    ]);
    // Without a configuration to tell, it counts (fail closed).
    expect(judged([create("aws_s3_bucket.b", { bucket: "logs-1" }), lifecycle])).toEqual(["plan-guardrail-changed aws_s3_bucket_lifecycle_configuration.r"]);
  });

});

describe("changes that loosen nothing", () => {
  const update = (address: string, before: Obj, after: Obj, unknown: Obj = {}) => withUnknown(change(address, ["update"], before, after), unknown);
  const key = { description: "data", enable_key_rotation: false, policy: denyHttp, deletion_window_in_days: 30, is_enabled: true };

  test("turning a KMS key's rotation on passes; its policy changed with it still counts", () => {
    expect(judged([update("aws_kms_key.data", key, { ...key, enable_key_rotation: true }, { rotation_period_in_days: true })])).toEqual([]);
    expect(judged([update("aws_kms_key.data", key, { ...key, enable_key_rotation: true, is_enabled: false })])).toEqual(["plan-guardrail-changed aws_kms_key.data"]);
  });

  test("a rule added to a backup plan passes (AWS's own version of the plan changes with it); a rule changed still counts", () => {
    const daily = { rule_name: "daily", target_vault_name: "prod", schedule: "cron(0 3 * * ? *)", lifecycle: [{ delete_after: 35 }] };
    const monthly = { ...daily, rule_name: "monthly", schedule: "cron(0 3 1 * ? *)" };
    const plan = { name: "prod", version: "v1", rule: [daily] };
    expect(judged([update("aws_backup_plan.prod", plan, { name: "prod", rule: [daily, monthly] }, { version: true })])).toEqual([]);
    expect(judged([update("aws_backup_plan.prod", plan, { name: "prod", rule: [{ ...daily, target_vault_name: "scratch" }] }, { version: true })])).toEqual(["plan-guardrail-changed aws_backup_plan.prod"]);
  });
});

describe("schedules (plan-command-scheduled)", () => {
  const sched = (arn: string, input?: Obj) =>
    create("aws_scheduler_schedule.s", { name: "s", schedule_expression: "rate(1 day)", target: [{ arn: `arn:aws:scheduler:::aws-sdk:${arn}`, role_arn: "arn:aws:iam::111111111111:role/sched", ...(input ? { input: JSON.stringify(input) } : {}) }] });
  const BLOCKED = ["plan-command-scheduled aws_scheduler_schedule.s"];

  test("a schedule that creates a schedule or a rule target takes a second step the plan does not show", () => {
    expect(judged([sched("scheduler:createSchedule", { Name: "x", Target: { Arn: "arn:aws:scheduler:::aws-sdk:rds:deleteDBInstance" } })])).toEqual(BLOCKED);
    expect(judged([sched("eventbridge:putTargets", { Rule: "r", Targets: [] })])).toEqual(BLOCKED);
    expect(judged([sched("ssm:startChangeRequestExecution", { DocumentName: "x" })])).toEqual(BLOCKED);
  });

  test("SQL run on a schedule: a statement that may delete blocks, and names it; SELECTs pass", () => {
    const cases: [string, Obj, Obj][] = [
      ["athena:startQueryExecution", { QueryString: "DROP TABLE sales" }, { QueryString: "SELECT count(*) FROM sales" }],
      ["dynamodb:executeStatement", { Statement: "DELETE FROM orders WHERE pk = 'x'" }, { Statement: "SELECT * FROM orders" }],
      ["dynamodb:batchExecuteStatement", { Statements: [{ Statement: "SELECT * FROM a" }, { Statement: "DELETE FROM a WHERE pk = 1" }] }, { Statements: [{ Statement: "SELECT * FROM a" }] }],
      ["redshiftdata:executeStatement", { Sql: "TRUNCATE sales", ClusterIdentifier: "dwh" }, { Sql: "select 1", ClusterIdentifier: "dwh" }],
      ["rdsdata:executeStatement", { Sql: "-- report\nDELETE FROM t", ResourceArn: "x" }, { Sql: "-- report\nSELECT 1;", ResourceArn: "x" }],
    ];
    for (const [api, harmful, harmless] of cases) {
      expect(judged([sched(api, harmful)])).toEqual(BLOCKED);
      expect(judged([sched(api, harmless)])).toEqual([]);
    }
    // Two statements, a WITH that may end in a DELETE, and input blastwall cannot read all count.
    expect(judged([sched("athena:startQueryExecution", { QueryString: "SELECT 1; DROP TABLE x" })])).toEqual(BLOCKED);
    expect(judged([sched("athena:startQueryExecution", { QueryString: "WITH x AS (SELECT 1) DELETE FROM t" })])).toEqual(BLOCKED);
    expect(judged([sched("athena:startQueryExecution")])).toEqual(BLOCKED);
    const [f] = evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan([sched("athena:startQueryExecution", { QueryString: "DROP TABLE sales" })])))), { config: {} }).judged;
    expect(f.finding.message).toContain("runs SQL through athena:startQueryExecution with the role \"arn:aws:iam::111111111111:role/sched\" on its schedule, which may delete data: DROP TABLE sales");
  });

  test("an EventBridge target that runs SQL in Redshift", () => {
    const target = (sql: string) => create("aws_cloudwatch_event_target.t", { rule: "nightly", arn: "arn:aws:redshift:eu-west-1:111111111111:cluster:dwh", role_arn: "r", redshift_target: [{ database: "dev", sql }] });
    expect(judged([target("DROP SCHEMA sales CASCADE")])).toEqual(["plan-command-scheduled aws_cloudwatch_event_target.t"]);
    expect(judged([target("SELECT 1")])).toEqual([]);
  });

  test("setting an Auto Scaling group's size on a schedule is routine", () => {
    expect(judged([sched("autoscaling:setDesiredCapacity", { AutoScalingGroupName: "web", DesiredCapacity: 0 })])).toEqual([]);
  });
});

describe("destroys the gate did not protect", () => {
  const destroy = (address: string, before: Obj) => change(address, ["delete"], before, null);
  test.each([
    ["aws_dynamodb_resource_policy.p", { resource_arn: "arn:aws:dynamodb:eu-west-1:111111111111:table/orders", policy: "{}" }],
    ["aws_secretsmanager_secret_policy.p", { secret_arn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:db", policy: "{}" }],
    ["aws_ecr_repository_policy.p", { repository: "web", policy: "{}" }],
    ["aws_efs_file_system_policy.p", { file_system_id: "fs-1", policy: "{}" }],
    ["aws_rds_cluster_snapshot_copy.c", { source_db_cluster_snapshot_identifier: "a", target_db_cluster_snapshot_identifier: "b" }],
    ["aws_prometheus_workspace.w", { alias: "metrics" }],
    ["aws_sagemaker_notebook_instance.n", { name: "research" }],
    ["aws_servicecatalog_provisioned_product.p", { name: "db" }],
    ["aws_cloudformation_stack_set_instance.i", { stack_set_name: "s", retain_stack: false }],
  ])("destroying %s blocks", (address, before) => {
    expect(judged([destroy(address, before)])).toEqual([`plan-protected-delete ${address}`]);
  });
  test("a stack set instance kept on destroy (retain_stack) passes", () => {
    expect(judged([destroy("aws_cloudformation_stack_set_instance.i", { stack_set_name: "s", retain_stack: true })])).toEqual([]);
  });
});

describe("plan-stack-template-drops-data", () => {
  const stack = (before: unknown, after: unknown, extra: Obj = {}) =>
    change("aws_cloudformation_stack.orders", ["update"], { name: "orders", template_body: typeof before === "string" ? before : JSON.stringify(before), ...extra }, { name: "orders", template_body: typeof after === "string" ? after : JSON.stringify(after), ...extra });
  const tpl = (resources: Obj) => ({ AWSTemplateFormatVersion: "2010-09-09", Resources: resources });
  const table = { Type: "AWS::DynamoDB::Table", Properties: { TableName: "orders" } };
  const fn = { Type: "AWS::Lambda::Function", Properties: {} };
  const BLOCKED = ["plan-stack-template-drops-data aws_cloudformation_stack.orders"];

  test("a table dropped from the template blocks, and the message says why", () => {
    const ev = evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan([stack(tpl({ Orders: table, Fn: fn }), tpl({ Fn: fn }))])))), { config: {} });
    expect(ev.judged.map((j) => j.finding.message)).toEqual([
      'The plan changes the template of aws_cloudformation_stack.orders, and CloudFormation will delete data: Orders (AWS::DynamoDB::Table) is dropped with DeletionPolicy "Delete", so CloudFormation deletes it.',
    ]);
  });

  test("what keeps the data, or drops nothing that holds it, passes", () => {
    expect(judged([stack(tpl({ Orders: table, Fn: fn }), tpl({ Orders: table }))])).toEqual([]);
    expect(judged([stack(tpl({ Orders: { ...table, DeletionPolicy: "Retain" } }), tpl({}))])).toEqual([]);
    expect(judged([stack(tpl({ Db: { Type: "AWS::RDS::DBCluster", Properties: {} } }), tpl({}))])).toEqual([]);
    expect(judged([stack(tpl({ Orders: table }), tpl({ Orders: { ...table, Properties: { TableName: "orders", BillingMode: "PAY_PER_REQUEST" } } }))])).toEqual([]);
    const yaml = "Resources:\n  Orders:\n    Type: AWS::DynamoDB::Table\n";
    expect(judged([stack(yaml, yaml)])).toEqual([]);
  });

  test("a keeping policy taken away, a type changed, and templates it cannot read count", () => {
    expect(judged([stack(tpl({ Orders: { ...table, DeletionPolicy: "Retain" } }), tpl({ Orders: table }))])).toEqual(BLOCKED);
    expect(judged([stack(tpl({ Db: { Type: "AWS::RDS::DBInstance", Properties: {} } }), tpl({ Db: { Type: "AWS::RDS::DBInstance", Properties: {}, DeletionPolicy: "Delete" } }))])).toEqual(BLOCKED);
    expect(judged([stack(tpl({ Data: { Type: "AWS::S3::Bucket" } }), tpl({ Data: { Type: "AWS::S3::AccessPoint" } }))])).toEqual(BLOCKED);
    expect(judged([stack("Resources:\n  Orders:\n    Type: AWS::DynamoDB::Table\n", "Resources: {}\n")])).toEqual(BLOCKED);
    expect(judged([stack(tpl({ Orders: table }), "Resources: {}\n")])).toEqual(BLOCKED);
    expect(judged([change("aws_cloudformation_stack.orders", ["update"], { name: "orders", template_url: "https://b.s3.amazonaws.com/v1.json" }, { name: "orders", template_url: "https://b.s3.amazonaws.com/v2.json" })])).toEqual(BLOCKED);
    const unknown = withUnknown(change("aws_cloudformation_stack.orders", ["update"], { name: "orders", template_body: JSON.stringify(tpl({ Orders: table })) }, { name: "orders" }), { template_body: true });
    const [f] = evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan([unknown])))), { config: {} }).judged;
    expect(f.finding.message).toContain("the new template is known only after apply");
  });
});

describe("state machines whose definition calls a destroy API", () => {
  const machine = (states: Obj, before?: Obj) =>
    change("aws_sfn_state_machine.m", before ? ["update"] : ["create"], before ? { name: "m", role_arn: "arn:aws:iam::111111111111:role/sfn", definition: JSON.stringify({ StartAt: "A", States: before }) } : null, { name: "m", role_arn: "arn:aws:iam::111111111111:role/sfn", definition: JSON.stringify({ StartAt: "A", States: states }) });
  const task = (resource: string) => ({ Type: "Task", Resource: resource, End: true });
  const BLOCKED = ["plan-command-scheduled aws_sfn_state_machine.m"];

  test("an SDK or optimised integration that deletes, nested in a branch too, blocks and names the state", () => {
    expect(judged([machine({ A: task("arn:aws:states:::aws-sdk:rds:deleteDBInstance") })])).toEqual(BLOCKED);
    expect(judged([machine({ A: task("arn:aws:states:::dynamodb:deleteItem") })])).toEqual(BLOCKED);
    const nested = { A: { Type: "Parallel", Branches: [{ StartAt: "Wipe", States: { Wipe: task("arn:aws:states:::aws-sdk:ec2:deleteVolume") } }], End: true } };
    const [f] = evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan([machine(nested)])))), { config: {} }).judged;
    expect(f.finding.message).toContain("calls ec2:DeleteVolume with the role \"arn:aws:iam::111111111111:role/sfn\" whenever it is started");
    expect(f.finding.evidence.map((e) => e.detail).join("\n")).toContain('state "Wipe"');
  });

  test("what runs code judged elsewhere, writes, reads and a call it made before pass", () => {
    // A task without parameters takes its whole input as the request, a command override included (round 51).
    expect(judged([machine({ A: task("arn:aws:states:::ecs:runTask.sync") })])).toEqual(BLOCKED);
    expect(judged([machine({ A: { ...task("arn:aws:states:::ecs:runTask.sync"), Parameters: { Cluster: "c", TaskDefinition: "t" } } })])).toEqual([]);
    for (const r of ["arn:aws:states:::lambda:invoke", "arn:aws:states:::glue:startJobRun.sync", "arn:aws:states:::sns:publish", "arn:aws:states:::dynamodb:putItem", "arn:aws:states:::aws-sdk:ec2:describeVolumes", "arn:aws:states:::aws-sdk:rds:createDBSnapshot"]) {
      expect(judged([machine({ A: task(r) })])).toEqual([]);
    }
    const wipe = { A: { ...task("arn:aws:states:::aws-sdk:ec2:deleteSnapshot"), Parameters: { SnapshotId: "snap-0123" } } };
    expect(judged([machine({ ...wipe, B: task("arn:aws:states:::sns:publish") }, wipe)])).toEqual([]);
    // Without parameters the call takes its target from its input, which the rest of the definition may set: it is
    // the same call only in the same definition.
    const fromInput = { A: task("arn:aws:states:::aws-sdk:ec2:deleteSnapshot") };
    expect(judged([machine(fromInput, fromInput)])).toEqual([]);
    expect(judged([machine({ ...fromInput, B: task("arn:aws:states:::sns:publish") }, fromInput)])).toEqual(BLOCKED);
  });

  test("a definition known only after apply, or not JSON, counts", () => {
    const unknown = withUnknown(change("aws_sfn_state_machine.m", ["create"], null, { name: "m" }), { definition: true });
    expect(judged([unknown])).toEqual(BLOCKED);
    expect(judged([change("aws_sfn_state_machine.m", ["create"], null, { name: "m", definition: "StartAt: A" })])).toEqual(BLOCKED);
  });
});

describe("targets whose input replaces what a task or build runs", () => {
  const overrides = { containerOverrides: [{ name: "cli", command: ["rds", "delete-db-instance", "--db-instance-identifier", "orders"] }] };
  const rule = (input?: Obj) => create("aws_cloudwatch_event_target.t", { rule: "nightly", arn: "arn:aws:ecs:eu-west-1:111111111111:cluster/prod", role_arn: "r", ecs_target: [{ task_definition_arn: "arn:aws:ecs:eu-west-1:111111111111:task-definition/cli:3" }], ...(input ? { input: JSON.stringify(input) } : {}) });
  const sched = (arn: string, input?: Obj) => create("aws_scheduler_schedule.s", { name: "s", target: [{ arn, role_arn: "r", ...(input ? { input: JSON.stringify(input) } : {}) }] });

  test("a command or buildspec of the target's own blocks, and is named", () => {
    const [f] = evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan([rule(overrides)])))), { config: {} }).judged;
    expect(f.finding.message).toContain('runs the command ["rds","delete-db-instance","--db-instance-identifier","orders"] (an override of the task\'s own)');
    expect(judged([sched("arn:aws:ecs:eu-west-1:111111111111:cluster/prod", overrides)])).toEqual(["plan-command-scheduled aws_scheduler_schedule.s"]);
    expect(judged([sched("arn:aws:codebuild:eu-west-1:111111111111:project/ops", { buildspecOverride: "version: 0.2" })])).toEqual(["plan-command-scheduled aws_scheduler_schedule.s"]);
    expect(judged([rule({ containerOverrides: [{ name: "cli", entryPoint: ["sh", "-c"] }] })])).toEqual(["plan-command-scheduled aws_cloudwatch_event_target.t"]);
  });

  test("a task run as its definition says, or with other overrides, passes", () => {
    expect(judged([rule()])).toEqual([]);
    expect(judged([rule({ containerOverrides: [{ name: "cli", environment: [{ name: "DAY", value: "1" }] }] })])).toEqual([]);
    expect(judged([sched("arn:aws:ecs:eu-west-1:111111111111:cluster/prod")])).toEqual([]);
  });
});

describe("an instance's termination protection bypassed", () => {
  const inst = (extra: Obj) => ({ ami: "ami-1", instance_type: "t3.micro", instance_initiated_shutdown_behavior: "stop", root_block_device: [{ delete_on_termination: false }], ...extra });
  const upd = (before: Obj, after: Obj) => change("aws_instance.db", ["update"], before, after);
  test("shutting itself down to terminate, or its root volume going with it, blocks when it is protected", () => {
    const guarded = { disable_api_termination: true };
    expect(judged([upd(inst(guarded), inst({ ...guarded, instance_initiated_shutdown_behavior: "terminate" }))])).toEqual(["plan-deletion-protection-off aws_instance.db"]);
    expect(judged([upd(inst(guarded), inst({ ...guarded, root_block_device: [{ delete_on_termination: true }] }))])).toEqual(["plan-deletion-protection-off aws_instance.db"]);
    const tagged = { tags: { "blastwall:protected": "true" } };
    expect(judged([upd(inst(tagged), inst({ ...tagged, instance_initiated_shutdown_behavior: "terminate" }))])).toEqual(["plan-deletion-protection-off aws_instance.db"]);
  });
  test("the same on an instance nothing protects passes", () => {
    expect(judged([upd(inst({}), inst({ instance_initiated_shutdown_behavior: "terminate", root_block_device: [{ delete_on_termination: true }] }))])).toEqual([]);
  });
});

describe("plan-stack-template-drops-data, red-team round 48", () => {
  const table = { Type: "AWS::DynamoDB::Table", Properties: { TableName: "orders", BillingMode: "PAY_PER_REQUEST" } };
  const tpl = (resources: Obj, extra: Obj = {}) => JSON.stringify({ Resources: resources, ...extra });
  const stack = (before: string, after: string, params: [Obj, Obj] = [{}, {}]) =>
    change("aws_cloudformation_stack.orders", ["update"], { name: "orders", template_body: before, parameters: params[0] }, { name: "orders", template_body: after, parameters: params[1] });
  const BLOCKED = ["plan-stack-template-drops-data aws_cloudformation_stack.orders"];

  test("a property that forces replacement deletes the old resource unless UpdateReplacePolicy keeps it", () => {
    const renamed = { ...table, Properties: { ...table.Properties, TableName: "orders-v2" } };
    expect(judged([stack(tpl({ Orders: table }), tpl({ Orders: renamed }))])).toEqual(BLOCKED);
    expect(judged([stack(tpl({ Orders: { ...table, UpdateReplacePolicy: "Retain" } }), tpl({ Orders: { ...renamed, UpdateReplacePolicy: "Retain" } }))])).toEqual([]);
    const db = (id: string) => ({ Type: "AWS::RDS::DBInstance", Properties: { DBInstanceIdentifier: id } });
    expect(judged([stack(tpl({ Db: db("orders") }), tpl({ Db: db("orders-2") }))])).toEqual(BLOCKED);
  });

  test("a Condition that may turn false, and parameters the conditions or policies depend on", () => {
    const conditional = { ...table, Condition: "KeepTable" };
    const conditions = { Conditions: { KeepTable: { "Fn::Equals": [{ Ref: "Env" }, "prod"] } }, Parameters: { Env: { Type: "String" } } };
    expect(judged([stack(tpl({ Orders: table }), tpl({ Orders: conditional }, conditions))])).toEqual(BLOCKED);
    const same = tpl({ Orders: conditional }, conditions);
    expect(judged([stack(same, same, [{ Env: "prod" }, { Env: "dev" }])])).toEqual(BLOCKED);
    const byParam = tpl({ Orders: { ...table, DeletionPolicy: { Ref: "Policy" } } }, { Transform: "AWS::LanguageExtensions", Parameters: { Policy: { Type: "String" } } });
    expect(judged([stack(byParam, byParam, [{ Policy: "Retain" }, { Policy: "Delete" }])])).toEqual(BLOCKED);
    // Parameters that decide no resource's existence or keeping pass.
    const plain = tpl({ Orders: table }, { Parameters: { Size: { Type: "String" } } });
    expect(judged([stack(plain, plain, [{ Size: "1" }, { Size: "2" }])])).toEqual([]);
  });

  test("a nested stack dropped or given another template; an Aurora member instance dropped passes; a transform counts", () => {
    const nested = (url: string) => ({ Type: "AWS::CloudFormation::Stack", Properties: { TemplateURL: url } });
    expect(judged([stack(tpl({ Data: nested("https://b/v1.json") }), tpl({}))])).toEqual(BLOCKED);
    expect(judged([stack(tpl({ Data: nested("https://b/v1.json") }), tpl({ Data: nested("https://b/v2.json") }))])).toEqual(BLOCKED);
    const member = { Type: "AWS::RDS::DBInstance", Properties: { DBClusterIdentifier: { Ref: "Cluster" }, DBInstanceClass: "db.r6g.large" } };
    expect(judged([stack(tpl({ Reader: member }), tpl({}))])).toEqual([]);
    expect(judged([stack(tpl({ Orders: table }), tpl({ "Fn::ForEach::Tables": ["T", ["orders"], { "${T}": table }] }, { Transform: "AWS::LanguageExtensions" }))])).toEqual(BLOCKED);
    // A SAM template: the transform makes resources blastwall does not see.
    const sam = (extra: Obj) => tpl({ Orders: table, ...extra }, { Transform: "AWS::Serverless-2016-10-31" });
    expect(judged([stack(sam({}), sam({ Api: { Type: "AWS::Serverless::Function", Properties: {} } }))])).toEqual(BLOCKED);
  });
});

describe("more of round 48", () => {
  test("a backup rule added with continuous backup counts: it sets the RDS automated-backup retention", () => {
    const daily = { rule_name: "daily", target_vault_name: "prod", schedule: "cron(0 3 * * ? *)", lifecycle: [{ delete_after: 35 }] };
    const pitr = { ...daily, rule_name: "pitr", enable_continuous_backup: true, lifecycle: [{ delete_after: 1 }] };
    const upd = change("aws_backup_plan.prod", ["update"], { name: "prod", version: "v1", rule: [daily] }, { name: "prod", rule: [daily, pitr] });
    expect(judged([withUnknown(upd, { version: true })])).toEqual(["plan-guardrail-changed aws_backup_plan.prod"]);
  });
  test("stack instances destroyed take their stacks with them unless retained", () => {
    const destroy = (retain: boolean) => change("aws_cloudformation_stack_instances.all", ["delete"], { stack_set_name: "s", retain_stacks: retain }, null);
    expect(judged([destroy(false)])).toEqual(["plan-protected-delete aws_cloudformation_stack_instances.all"]);
    expect(judged([destroy(true)])).toEqual([]);
  });
});

describe("state machines, red-team round 48", () => {
  const machine = (states: Obj, before?: Obj) =>
    change("aws_sfn_state_machine.m", before ? ["update"] : ["create"], before ? { name: "m", role_arn: "r", definition: JSON.stringify({ StartAt: "A", States: before }) } : null, { name: "m", role_arn: "r", definition: JSON.stringify({ StartAt: "A", States: states }) });
  const task = (resource: string, parameters?: Obj) => ({ A: { Type: "Task", Resource: resource, ...(parameters ? { Parameters: parameters } : {}), End: true } });
  const BLOCKED = ["plan-command-scheduled aws_sfn_state_machine.m"];

  test("commands of the definition's own, calls that run commands or make schedules, and SQL block", () => {
    const cases: [string, Obj][] = [
      ["arn:aws:states:::aws-sdk:ssm:sendCommand", { DocumentName: "AWS-RunShellScript", Parameters: { commands: ["rm -rf /var/lib/postgresql"] } }],
      ["arn:aws:states:::aws-sdk:scheduler:createSchedule", { Name: "x", Target: { Arn: "arn:aws:scheduler:::aws-sdk:rds:deleteDBInstance" } }],
      ["arn:aws:states:::ecs:runTask.sync", { Cluster: "c", TaskDefinition: "t", Overrides: { ContainerOverrides: [{ Name: "cli", Command: ["rds", "delete-db-instance"] }] } }],
      ["arn:aws:states:::codebuild:startBuild.sync", { ProjectName: "p", BuildspecOverride: "version: 0.2" }],
      ["arn:aws:states:::batch:submitJob.sync", { JobName: "j", JobQueue: "q", JobDefinition: "d", ContainerOverrides: { "Command.$": "$.cmd" } }],
      ["arn:aws:states:::elasticmapreduce:addStep.sync", { ClusterId: "j-1", Step: { Name: "rm", HadoopJarStep: { Jar: "command-runner.jar", Args: ["aws", "s3", "rm", "--recursive", "s3://data"] } } }],
      ["arn:aws:states:::eks:call", { ClusterName: "c", Method: "DELETE", Path: "/api/v1/namespaces/prod/persistentvolumeclaims/data" }],
      ["arn:aws:states:::athena:startQueryExecution.sync", { QueryString: "DROP TABLE sales" }],
      ["arn:aws:states:::aws-sdk:dynamodb:executeStatement", { "Statement.$": "$.sql" }],
    ];
    for (const [resource, params] of cases) expect([resource, judged([machine(task(resource, params))])]).toEqual([resource, BLOCKED]);
  });

  test("their harmless forms pass: a routine document, a task as defined, a GET, a SELECT", () => {
    const cases: [string, Obj][] = [
      ["arn:aws:states:::aws-sdk:ssm:sendCommand", { DocumentName: "AWS-RunPatchBaseline" }],
      ["arn:aws:states:::ecs:runTask.sync", { Cluster: "c", TaskDefinition: "t", Overrides: { ContainerOverrides: [{ Name: "cli", Environment: [{ Name: "DAY", Value: "1" }] }] } }],
      ["arn:aws:states:::eks:call", { ClusterName: "c", Method: "GET", Path: "/api/v1/pods" }],
      ["arn:aws:states:::aws-sdk:redshiftdata:executeStatement", { Sql: "SELECT count(*) FROM sales", ClusterIdentifier: "dwh" }],
    ];
    for (const [resource, params] of cases) expect([resource, judged([machine(task(resource, params))])]).toEqual([resource, []]);
  });

  test("a call it made before, pointed at another database, counts", () => {
    const del = (id: string) => task("arn:aws:states:::aws-sdk:rds:deleteDBInstance", { DbInstanceIdentifier: id, SkipFinalSnapshot: true });
    expect(judged([machine(del("orders-prod"), del("ci-ephemeral"))])).toEqual(BLOCKED);
    expect(judged([machine(del("ci-ephemeral"), del("ci-ephemeral"))])).toEqual([]);
  });

  test("a call it made before, pointed elsewhere by another state or by its role, counts", () => {
    const del = (params: Obj | undefined, extra: Obj = {}) => ({ Type: "Task", Resource: "arn:aws:states:::aws-sdk:rds:deleteDBInstance", ...(params ? { Parameters: params } : {}), End: true, ...extra });
    // JSONPath: a Pass state's result feeds the path; JSONata: a variable feeds the expression.
    const viaPass = (id: string) => ({ A: { Type: "Pass", Result: { id }, Next: "B" }, B: del({ "DbInstanceIdentifier.$": "$.id", SkipFinalSnapshot: true }) });
    expect(judged([machine(viaPass("orders-prod"), viaPass("ci-ephemeral"))])).toEqual(BLOCKED);
    expect(judged([machine(viaPass("ci-ephemeral"), viaPass("ci-ephemeral"))])).toEqual([]);
    const viaAssign = (id: string) => ({ A: { Type: "Pass", Assign: { id }, Next: "B" }, B: del({ DbInstanceIdentifier: "{% $id %}", SkipFinalSnapshot: true }) });
    expect(judged([machine(viaAssign("orders-prod"), viaAssign("ci-ephemeral"))])).toEqual(BLOCKED);
    expect(judged([machine(viaAssign("ci-ephemeral"), viaAssign("ci-ephemeral"))])).toEqual([]);
    // The whole input as the request, narrowed by an input path set elsewhere.
    const whole = (path: string) => ({ A: { Type: "Pass", Result: { target: { DbInstanceIdentifier: path } }, Next: "B" }, B: del(undefined, { InputPath: "$.target" }) });
    expect(judged([machine(whole("orders-prod"), whole("ci-ephemeral"))])).toEqual(BLOCKED);
    // The same literal call made with another role: another account's database, maybe.
    const as = (role: string) => ({ A: del({ DbInstanceIdentifier: "ci-ephemeral", SkipFinalSnapshot: true }, { Credentials: { RoleArn: role } }) });
    expect(judged([machine(as("arn:aws:iam::222222222222:role/prod-admin"), as("arn:aws:iam::111111111111:role/ci"))])).toEqual(BLOCKED);
    expect(judged([machine(as("arn:aws:iam::111111111111:role/ci"), as("arn:aws:iam::111111111111:role/ci"))])).toEqual([]);
    // A literal call stays the same call whatever else the definition changes.
    const literal = (note: string) => ({ A: { Type: "Pass", Result: { note }, Next: "B" }, B: del({ DbInstanceIdentifier: "ci-ephemeral", SkipFinalSnapshot: true }) });
    expect(judged([machine(literal("v2"), literal("v1"))])).toEqual([]);
  });

  test("an input transformer that builds a command override", () => {
    const target = create("aws_cloudwatch_event_target.t", {
      rule: "nightly",
      arn: "arn:aws:ecs:eu-west-1:111111111111:cluster/prod",
      role_arn: "r",
      ecs_target: [{ task_definition_arn: "arn:aws:ecs:eu-west-1:111111111111:task-definition/cli:3" }],
      input_transformer: [{ input_paths: { id: "$.detail.id" }, input_template: '{"containerOverrides":[{"name":"cli","command":["rds","delete-db-instance","--db-instance-identifier",<id>]}]}' }],
    });
    expect(judged([target])).toEqual(["plan-command-scheduled aws_cloudwatch_event_target.t"]);
  });

  test("SQL: a SELECT that calls a function that writes, and quotes that hide a ; or a comment", () => {
    const sched = (sql: string) => create("aws_scheduler_schedule.s", { name: "s", target: [{ arn: "arn:aws:scheduler:::aws-sdk:rdsdata:executeStatement", role_arn: "r", input: JSON.stringify({ Sql: sql, ResourceArn: "x" }) }] });
    expect(judged([sched("SELECT dblink_exec('host=db', 'DROP TABLE orders')")])).toEqual(["plan-command-scheduled aws_scheduler_schedule.s"]);
    expect(judged([sched("SELECT '--'; DROP TABLE orders")])).toEqual(["plan-command-scheduled aws_scheduler_schedule.s"]);
    expect(judged([sched("SELECT split_part(tags, ';', 1) FROM t")])).toEqual([]);
  });
});

describe("SQL reading, red-team round 49", () => {
  const sched = (sql: string) => create("aws_scheduler_schedule.s", { name: "s", target: [{ arn: "arn:aws:scheduler:::aws-sdk:athena:startQueryExecution", role_arn: "r", input: JSON.stringify({ QueryString: sql }) }] });
  const BLOCKED = ["plan-command-scheduled aws_scheduler_schedule.s"];
  test.each([
    'SELECT "dblink_exec"(\'dbname=prod\', \'DROP TABLE orders\')',
    "SELECT cron.\"schedule\"('x', '0 * * * *', 'TRUNCATE orders')",
    "SELECT E'\\'', dblink_exec($$x$$, $$DROP TABLE t$$) -- '",
    "UNLOAD (SELECT * FROM t) TO 's3://b/x' WITH (format = 'PARQUET')",
  ])("blocks %s", (sql) => {
    expect(judged([sched(sql)])).toEqual(BLOCKED);
  });
  test.each([
    "SELECT * FROM orders WHERE a = 1 AND (b = 2 OR c = 3)",
    "SELECT count(*) FROM (SELECT DISTINCT id FROM t) x",
    "SELECT date_format(ts, '%Y-%m'), cardinality(items), element_at(m, 'k') FROM t",
    "SELECT o.id, i.sku FROM orders o CROSS JOIN UNNEST(o.items) AS t(i)",
    "SELECT count(*) FILTER (WHERE x > 1), approx_percentile(v, 0.9) FROM t",
    'SELECT "Order Id" FROM "sales"',
  ])("passes %s", (sql) => {
    expect(judged([sched(sql)])).toEqual([]);
  });
  test("the message says why a statement is not a plain read", () => {
    const [f] = evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan([sched("SELECT purge_all()")])))), { config: {} }).judged;
    expect(f.finding.message).toContain("SELECT purge_all() (it calls purge_all, which blastwall does not know to only read)");
  });
});

describe("plan-stack-template-drops-data, red-team round 49", () => {
  const tpl = (resources: Obj, extra: Obj = {}) => JSON.stringify({ Resources: resources, ...extra });
  const stack = (before: string, after: string, params: [Obj, Obj] = [{}, {}]) =>
    change("aws_cloudformation_stack.orders", ["update"], { name: "orders", template_body: before, parameters: params[0] }, { name: "orders", template_body: after, parameters: params[1] });
  const BLOCKED = ["plan-stack-template-drops-data aws_cloudformation_stack.orders"];
  const params = { Parameters: { Env: { Type: "String" }, Version: { Type: "String" } } };
  const named = { Type: "AWS::DynamoDB::Table", Properties: { TableName: { "Fn::Sub": "${Env}-orders" } } };

  test("a parameter a replacing property takes blocks when it changes; another parameter passes", () => {
    const t = tpl({ Orders: named }, params);
    expect(judged([stack(t, t, [{ Env: "prod", Version: "1" }, { Env: "prod2", Version: "1" }])])).toEqual(BLOCKED);
    expect(judged([stack(t, t, [{ Env: "prod", Version: "1" }, { Env: "prod", Version: "2" }])])).toEqual([]);
    const kept = tpl({ Orders: { ...named, UpdateReplacePolicy: "Retain" } }, params);
    expect(judged([stack(kept, kept, [{ Env: "prod" }, { Env: "prod2" }])])).toEqual([]);
  });

  test("a condition: only the parameters it reads, through other conditions too; a retained resource passes", () => {
    const conditions = { Conditions: { IsProd: { "Fn::Equals": [{ Ref: "Env" }, "prod"] }, Keep: { "Fn::And": [{ Condition: "IsProd" }, { "Fn::Equals": ["a", "a"] }] } } };
    const table = { Type: "AWS::DynamoDB::Table", Condition: "Keep", Properties: { TableName: "orders" } };
    const t = tpl({ Orders: table }, { ...params, ...conditions });
    expect(judged([stack(t, t, [{ Env: "prod", Version: "1" }, { Env: "dev", Version: "1" }])])).toEqual(BLOCKED);
    expect(judged([stack(t, t, [{ Env: "prod", Version: "1" }, { Env: "prod", Version: "2" }])])).toEqual([]);
    const retained = tpl({ Orders: { ...table, DeletionPolicy: "Retain" } }, { ...params, ...conditions });
    expect(judged([stack(retained, retained, [{ Env: "prod" }, { Env: "dev" }])])).toEqual([]);
    // The condition redefined under the same name, or a default the stack leaves its parameter to changed.
    const redefined = tpl({ Orders: table }, { ...params, Conditions: { ...conditions.Conditions, IsProd: { "Fn::Equals": ["x", "y"] } } });
    expect(judged([stack(t, redefined)])).toEqual(BLOCKED);
    const withDefault = (d: string) => tpl({ Orders: table }, { Parameters: { Env: { Type: "String", Default: d } }, ...conditions });
    expect(judged([stack(withDefault("prod"), withDefault("dev"))])).toEqual(BLOCKED);
  });

  test("more replacing properties, and an included snippet (Fn::Transform) counts as unreadable", () => {
    const docdb = (id: string) => ({ Type: "AWS::DocDB::DBCluster", Properties: { DBClusterIdentifier: id } });
    expect(judged([stack(tpl({ Db: docdb("a") }), tpl({ Db: docdb("b") }))])).toEqual(BLOCKED);
    const pool = (p: Obj) => ({ Type: "AWS::Cognito::UserPool", Properties: p });
    expect(judged([stack(tpl({ Users: pool({ AliasAttributes: ["email"] }) }), tpl({ Users: pool({ UsernameAttributes: ["email"] }) }))])).toEqual(BLOCKED);
    const included = (loc: string) => tpl({ Orders: { Type: "AWS::DynamoDB::Table", Properties: { "Fn::Transform": { Name: "AWS::Include", Parameters: { Location: loc } } } } });
    expect(judged([stack(included("s3://b/v1.json"), included("s3://b/v2.json"))])).toEqual(BLOCKED);
  });
});

describe("state machines, red-team round 49", () => {
  const machine = (resource: string, parameters: Obj) =>
    change("aws_sfn_state_machine.m", ["create"], null, { name: "m", role_arn: "r", definition: JSON.stringify({ StartAt: "A", States: { A: { Type: "Task", Resource: resource, Parameters: parameters, End: true } } }) });
  const BLOCKED = ["plan-command-scheduled aws_sfn_state_machine.m"];
  test.each([
    ["arn:aws:states:::aws-sdk:cloudformation:updateStack", { StackName: "prod", TemplateBody: "{}" }],
    ["arn:aws:states:::aws-sdk:sfn:updateStateMachine", { StateMachineArn: "x", Definition: "{}" }],
    ["arn:aws:states:::aws-sdk:ecs:registerTaskDefinition", { Family: "wipe", ContainerDefinitions: [] }],
    ["arn:aws:states:::ecs:runTask.sync", { Cluster: "c", TaskDefinition: "t", Overrides: "{% $states.input.overrides %}" }],
    ["arn:aws:states:::ecs:runTask.sync", { Cluster: "c", TaskDefinition: "t", "Overrides.$": "$.overrides" }],
    ["arn:aws:states:::batch:submitJob.sync", { JobName: "j", JobQueue: "q", JobDefinition: "d", EcsPropertiesOverride: { TaskProperties: [{ Containers: [{ Command: ["rm", "-rf", "/data"] }] }] } }],
    ["arn:aws:states:::elasticmapreduce:createCluster.sync", { Name: "c", Steps: [{ Name: "rm" }] }],
    ["arn:aws:states:::aws-sdk:athena:startCalculationExecution", { SessionId: "s", CodeBlock: "spark.sql('DROP TABLE t')" }],
    ["arn:aws:states:::aws-sdk:neptunedata:executeOpenCypherQuery", { OpenCypherQuery: "MATCH (n) DETACH DELETE n" }],
    ["arn:aws:states:::aws-sdk:glue:updateJob", { JobName: "etl", JobUpdate: { Command: { ScriptLocation: "s3://x/wipe.py" } } }],
  ])("%s with code of its own blocks", (resource, params) => {
    expect(judged([machine(resource, params)])).toEqual(BLOCKED);
  });
  test("starting code defined elsewhere still passes", () => {
    expect(judged([machine("arn:aws:states:::ecs:runTask.sync", { Cluster: "c", TaskDefinition: "t" })])).toEqual([]);
    expect(judged([machine("arn:aws:states:::elasticmapreduce:createCluster.sync", { Name: "c", Instances: {} })])).toEqual([]);
    expect(judged([machine("arn:aws:states:::lambda:invoke", { FunctionName: "f" })])).toEqual([]);
  });
});

describe("SQL reading, red-team round 50", () => {
  const sched = (sql: string) => create("aws_scheduler_schedule.s", { name: "s", target: [{ arn: "arn:aws:scheduler:::aws-sdk:rdsdata:executeStatement", role_arn: "r", input: JSON.stringify({ Sql: sql, ResourceArn: "x" }) }] });
  const BLOCKED = ["plan-command-scheduled aws_scheduler_schedule.s"];
  test.each([
    "SELECT $a$'$a$, dblink_exec($b$x$b$, $b$DROP TABLE orders$b$) -- '",
    "SELECT 1 /* /* */ ' */, dblink_exec(chr(68)) -- '",
    "SELECT 1 /*!, purge_orders() */",
    "SELECT 1, # '\npurge_orders() -- '",
    "SELECT 'x\\'', purge_orders(), '\\''",
    'SELECT "evil".count(1)',
    "SELECT evil . count(1)",
    "WITH gone AS (DELETE FROM orders RETURNING *) SELECT count(*) FROM gone",
    "SELECT * INTO backup_orders FROM orders",
  ])("blocks %s", (sql) => {
    expect(judged([sched(sql)])).toEqual(BLOCKED);
  });
  test.each([
    "WITH daily AS (SELECT day, count(*) c FROM events GROUP BY day) SELECT * FROM daily",
    "SELECT sum(amount)::numeric(12,2) FROM payments",
    "SELECT getdate(), convert_timezone('UTC', 'CET', ts) FROM t",
    "SELECT * FROM generate_series(1, 10)",
  ])("passes %s", (sql) => {
    expect(judged([sched(sql)])).toEqual([]);
  });
});

describe("state machines, red-team round 50", () => {
  const machine = (resource: string, parameters: unknown, key = "Parameters") =>
    change("aws_sfn_state_machine.m", ["create"], null, { name: "m", role_arn: "r", definition: JSON.stringify({ StartAt: "A", States: { A: { Type: "Task", Resource: resource, [key]: parameters, End: true } } }) });
  const BLOCKED = ["plan-command-scheduled aws_sfn_state_machine.m"];
  const runTask = "arn:aws:states:::ecs:runTask.sync";
  test.each([
    [runTask, { Cluster: "c", TaskDefinition: "t", Overrides: { "ContainerOverrides.$": "$.containerOverrides" } }, "Parameters"],
    [runTask, { Cluster: "c", TaskDefinition: "t", Overrides: { ContainerOverrides: "{% [{'Name': 'cli', 'Command': ['rds', 'delete-db-instance']}] %}" } }, "Arguments"],
    [runTask, "{% $states.input.task %}", "Arguments"],
    [runTask, { Cluster: "c", TaskDefinition: "t", "Overrides.$": "States.JsonMerge($.defaults, $.sizing, false)" }, "Parameters"],
    ["arn:aws:states:::sagemaker:createProcessingJob.sync", { ProcessingJobName: "p", AppSpecification: { ImageUri: "amazon/aws-cli", ContainerEntrypoint: ["sh", "-c", "aws rds delete-db-instance"] } }, "Parameters"],
    ["arn:aws:states:::codebuild:startBuild.sync", { ProjectName: "deploy", SourceTypeOverride: "S3", SourceLocationOverride: "scratch/purge.zip" }, "Parameters"],
    ["arn:aws:states:::aws-sdk:glue:createJob", { Name: "j", Role: "r", Command: { ScriptLocation: "s3://x/y.py" } }, "Parameters"],
  ])("%s with code given at run time or of its own blocks", (resource, params, key) => {
    expect(judged([machine(resource, params, key)])).toEqual(BLOCKED);
  });
  test("overrides that cannot carry code pass", () => {
    expect(judged([machine("arn:aws:states:::codebuild:startBuild.sync", { ProjectName: "p", "EnvironmentVariablesOverride.$": "$.vars" })])).toEqual([]);
    expect(judged([machine(runTask, { Cluster: "c", TaskDefinition: "t", Overrides: { ContainerOverrides: [{ Name: "cli", "Environment.$": "$.env" }] } })])).toEqual([]);
  });
});

describe("SQL reading, red-team round 51: one pass, left to right", () => {
  const sched = (sql: string, api = "rdsdata:executeStatement", key = "Sql") => create("aws_scheduler_schedule.s", { name: "s", target: [{ arn: `arn:aws:scheduler:::aws-sdk:${api}`, role_arn: "r", input: JSON.stringify({ [key]: sql, ResourceArn: "x" }) }] });
  const BLOCKED = ["plan-command-scheduled aws_scheduler_schedule.s"];
  test.each([
    "SELECT 1 AS \"'\" /* '*/, dblink_exec('dbname=prod', 'DR' || 'OP TABLE orders') -- '",
    "SELECT \"'\", 1 # '\n, lambda_sync('arn', '{}') -- '",
    "SELECT 1--lambda_sync('arn','{}')",
    "SELECT U&\"dblink_exec\" UESCAPE '!'('dbname=prod','DROP TABLE orders')",
    "SELECT 'a\\' , purge() , '",
    "SELECT x UESCAPE '!'('dbname=prod')",
  ])("blocks %s", (sql) => {
    expect(judged([sched(sql)])).toEqual(BLOCKED);
  });
  test("what every engine reads alike passes: names and comments holding $ or #, Athena's backslashes", () => {
    expect(judged([sched('SELECT "$path", count(*) FROM "analytics"."orders$snapshots"', "athena:startQueryExecution", "QueryString")])).toEqual([]);
    expect(judged([sched("-- see OPS-#412\nSELECT count(*) FROM t")])).toEqual([]);
    expect(judged([sched("SELECT count(*) FROM t WHERE regexp_like(key, '\\.parquet$')", "athena:startQueryExecution", "QueryString")])).toEqual([]);
    // The same backslash elsewhere: MySQL reads it as an escape.
    expect(judged([sched("SELECT count(*) FROM t WHERE regexp_like(key, '\\.parquet$')")])).toEqual(BLOCKED);
  });
});

describe("state machines, red-team round 51", () => {
  const machine = (resource: string, parameters?: unknown) =>
    change("aws_sfn_state_machine.m", ["create"], null, { name: "m", role_arn: "r", definition: JSON.stringify({ StartAt: "A", States: { A: { Type: "Task", Resource: resource, ...(parameters !== undefined ? { Parameters: parameters } : {}), End: true } } }) });
  const BLOCKED = ["plan-command-scheduled aws_sfn_state_machine.m"];
  test.each([
    ["arn:aws:states:::aws-sdk:ec2:runInstances", { ImageId: "ami-1", IamInstanceProfile: { Name: "admin" }, UserData: "IyEvYmluL3No" }],
    ["arn:aws:states:::aws-sdk:sagemaker:createNotebookInstanceLifecycleConfig", { NotebookInstanceLifecycleConfigName: "x", OnStart: [{ Content: "IyE=" }] }],
    ["arn:aws:states:::aws-sdk:codebuild:createProject", { Name: "p", Source: { Type: "NO_SOURCE", Buildspec: "version: 0.2" } }],
    ["arn:aws:states:::ecs:runTask.sync", { Cluster: "c", TaskDefinition: "t", Overrides: { ContainerOverrides: [{ Name: "cli", Environment: [{ Name: "BASH_ENV", Value: "$(aws rds delete-db-instance)" }] }] } }],
  ])("%s blocks", (resource, params) => {
    expect(judged([machine(resource, params)])).toEqual(BLOCKED);
  });
  test.each([
    ["arn:aws:states:::codebuild:startBuild.sync", { ProjectName: "p", "SourceVersion.$": "$.detail.commitId" }],
    ["arn:aws:states:::codebuild:startBuild.sync", { ProjectName: "p", ImageOverride: "aws/codebuild/standard:7.0" }],
    ["arn:aws:states:::ecs:runTask.sync", { Cluster: "c", TaskDefinition: "t", Overrides: { "EphemeralStorage.$": "$.size", ContainerOverrides: [{ Name: "a", "EnvironmentFiles.$": "$.files" }] } }],
    ["arn:aws:states:::sagemaker:createProcessingJob.sync", { ProcessingJobName: "p", AppSpecification: { ImageUri: "x", ContainerArguments: ["--date", "2024-01-01"] } }],
    ["arn:aws:states:::aws-sdk:sqs:sendMessage", "{% $states.input.message %}"],
  ])("%s passes", (resource, params) => {
    expect(judged([machine(resource, params)])).toEqual([]);
  });
});
