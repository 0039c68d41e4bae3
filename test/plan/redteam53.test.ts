/**
 * Red-team round 53 on the plan gate: stack instances deleted by an in-place update, retain flags turned off, a state
 * machine's destroy call retargeted through the input its schedule or rule sends or run under a new role, EFS
 * replication written in a dynamic block or through Cloud Control, an OpenSearch Serverless decoy collection in another
 * region, Java-properties escapes in MSK broker settings, a for_each replication's new destination, and Cloud Control
 * command runners.
 */
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

type Obj = Record<string, unknown>;

const create = (address: string, after: Obj, extra: Obj = {}) => change(address, ["create"], null, after, extra);
const update = (address: string, before: Obj, after: Obj, extra: Obj = {}) => change(address, ["update"], before, after, extra);
const noop = (address: string, values: Obj, extra: Obj = {}) => change(address, ["no-op"], values, values, extra);

/** A change with values known only after apply (`after_unknown`). */
function withUnknown(c: Obj, unknown: Obj): Obj {
  return { ...c, change: { ...(c.change as Obj), after_unknown: unknown } };
}

/** One resource of the plan's configuration. */
interface Config {
  readonly address: string;
  readonly expressions?: Obj;
  readonly provider?: string;
  readonly forEach?: Obj;
  readonly count?: Obj;
}

function evaluate(changes: Obj[], configs: readonly Config[] = []) {
  const resources = configs.map((c) => {
    const [type, name] = c.address.split(".");
    return {
      address: c.address,
      mode: "managed",
      type,
      name,
      provider_config_key: c.provider ?? "aws",
      expressions: c.expressions ?? {},
      ...(c.forEach ? { for_each_expression: c.forEach } : {}),
      ...(c.count ? { count_expression: c.count } : {}),
    };
  });
  const plan = minimalPlan(changes, { configuration: { root_module: { resources } } });
  return evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(plan))), { config: {} }).judged.map((j) => j.finding);
}

function judged(changes: Obj[], configs: readonly Config[] = []): string[] {
  return evaluate(changes, configs).map((f) => `${f.ruleId} ${f.resource}`);
}

function messages(changes: Obj[], configs: readonly Config[] = []): string[] {
  return evaluate(changes, configs).map((f) => f.message);
}

describe("H1: aws_cloudformation_stack_instances updated to drop a region, account or OU", () => {
  const SI = "aws_cloudformation_stack_instances.data";
  const instances = (over: Obj = {}) => ({
    stack_set_name: "data",
    regions: ["us-east-1", "eu-west-1"],
    accounts: ["111122223333"],
    deployment_targets: [],
    retain_stacks: false,
    parameter_overrides: null,
    operation_preferences: [],
    call_as: "SELF",
    ...over,
  });
  const ous = (ids: string[], accounts: string[] | null = null) => [{ organizational_unit_ids: ids, accounts, account_filter_type: null, accounts_url: null }];
  const DELETED = [`plan-protected-delete ${SI}`];

  test("a region removed deletes the stacks there: blocked, and says which", () => {
    expect(messages([update(SI, instances(), instances({ regions: ["us-east-1"] }))])).toEqual([
      `The plan updates ${SI} to remove regions "eu-west-1": the provider deletes those stack instances, and CloudFormation every resource in their stacks (retain_stacks false). Protected because aws_cloudformation_stack_instances is a protected type.`,
    ]);
  });

  test("an account, a deployment-target account or an OU removed is blocked; so is a set known only after apply", () => {
    expect(judged([update(SI, instances({ accounts: ["111122223333", "444455556666"] }), instances())])).toEqual(DELETED);
    const byOu = (ids: string[], accounts: string[] | null = null) => instances({ accounts: null, deployment_targets: ous(ids, accounts) });
    expect(judged([update(SI, byOu(["ou-aaaa-11111111", "ou-aaaa-22222222"]), byOu(["ou-aaaa-11111111"]))])).toEqual(DELETED);
    expect(judged([update(SI, byOu(["ou-aaaa-11111111"], ["111122223333", "444455556666"]), byOu(["ou-aaaa-11111111"], ["111122223333"]))])).toEqual(DELETED);
    // The deployment_targets block removed takes every OU with it.
    expect(judged([update(SI, byOu(["ou-aaaa-11111111"]), instances({ accounts: null, deployment_targets: [] }))])).toEqual(DELETED);
    expect(judged([withUnknown(update(SI, instances(), instances({ regions: null })), { regions: true })])).toEqual(DELETED);
    // retain_stacks known only after apply may be false.
    expect(judged([withUnknown(update(SI, instances(), instances({ regions: ["us-east-1"], retain_stacks: null })), { retain_stacks: true })])).toEqual(DELETED);
  });

  test("adding a region, account or OU, retain_stacks true, or another setting passes", () => {
    expect(judged([update(SI, instances(), instances({ regions: ["us-east-1", "eu-west-1", "ap-south-1"] }))])).toEqual([]);
    expect(judged([update(SI, instances(), instances({ accounts: ["111122223333", "444455556666"] }))])).toEqual([]);
    const byOu = (ids: string[]) => instances({ accounts: null, deployment_targets: ous(ids) });
    expect(judged([update(SI, byOu(["ou-aaaa-11111111"]), byOu(["ou-aaaa-11111111", "ou-aaaa-22222222"]))])).toEqual([]);
    // The provider passes the planned retain_stacks to DeleteStackInstances: the stacks are kept.
    expect(judged([update(SI, instances({ retain_stacks: true }), instances({ retain_stacks: true, regions: ["us-east-1"] }))])).toEqual([]);
    expect(judged([update(SI, instances(), instances({ operation_preferences: [{ max_concurrent_count: 2 }] }))])).toEqual([]);
  });
});

describe("L10: retain flags of stack set instances turned off (plan-deletion-protection-off)", () => {
  test("retain_stacks, retain_stack and retain_stacks_on_account_removal turned from true to false block", () => {
    expect(messages([update("aws_cloudformation_stack_instances.data", { stack_set_name: "data", regions: ["us-east-1"], retain_stacks: true }, { stack_set_name: "data", regions: ["us-east-1"], retain_stacks: false })])).toEqual([
      "The plan turns deletion protection off on aws_cloudformation_stack_instances.data: retain_stacks true → false.",
    ]);
    expect(judged([update("aws_cloudformation_stack_set_instance.eu", { account_id: "111122223333", region: "eu-west-1", retain_stack: true }, { account_id: "111122223333", region: "eu-west-1", retain_stack: false })])).toEqual([
      "plan-deletion-protection-off aws_cloudformation_stack_set_instance.eu",
    ]);
    const set = (retain: unknown, enabled: unknown = true) => ({ name: "data", permission_model: "SERVICE_MANAGED", auto_deployment: [{ enabled, retain_stacks_on_account_removal: retain }] });
    expect(judged([update("aws_cloudformation_stack_set.data", set(true), set(false))])).toEqual(["plan-deletion-protection-off aws_cloudformation_stack_set.data"]);
  });

  test("turning them on, keeping them, or switching automatic deployment off with them passes", () => {
    expect(judged([update("aws_cloudformation_stack_set_instance.eu", { region: "eu-west-1", retain_stack: false }, { region: "eu-west-1", retain_stack: true })])).toEqual([]);
    expect(judged([update("aws_cloudformation_stack_instances.data", { regions: ["us-east-1"], retain_stacks: true }, { regions: ["us-east-1"], retain_stacks: true, operation_preferences: [{ max_concurrent_count: 2 }] })])).toEqual([]);
    const set = (retain: unknown, enabled: unknown = true) => ({ name: "data", auto_deployment: [{ enabled, retain_stacks_on_account_removal: retain }] });
    expect(judged([update("aws_cloudformation_stack_set.data", set(false), set(true))])).toEqual([]);
    expect(judged([update("aws_cloudformation_stack_set.data", set(true), set(false, false))])).toEqual([]);
  });
});

const DELETE_DB = "arn:aws:states:::aws-sdk:rds:deleteDBInstance";
const MACHINE_ARN = "arn:aws:states:us-east-1:111122223333:stateMachine:db-cleanup";
const definition = (states: Obj, start = Object.keys(states)[0]) => JSON.stringify({ StartAt: start, States: states });
const pointedDelete = definition({ Delete: { Type: "Task", Resource: DELETE_DB, Parameters: { "DbInstanceIdentifier.$": "$.db", SkipFinalSnapshot: true }, End: true } });
const literalDelete = definition({ Delete: { Type: "Task", Resource: DELETE_DB, Parameters: { DbInstanceIdentifier: "ci-db", SkipFinalSnapshot: true }, End: true } });
const machine = (def: string, role = "arn:aws:iam::111122223333:role/sfn") => ({ name: "db-cleanup", arn: MACHINE_ARN, role_arn: role, definition: def, tags: {} });

describe("H4: a state machine's destroy call retargeted through the input its schedule or rule sends", () => {
  const schedule = (input: string, arn = MACHINE_ARN) => ({ name: "nightly", schedule_expression: "cron(0 3 * * ? *)", state: "ENABLED", target: [{ arn, role_arn: "arn:aws:iam::111122223333:role/scheduler", input }] });
  const rule = (input: string | null, extra: Obj = {}) => ({ rule: "nightly", target_id: "cleanup", arn: MACHINE_ARN, role_arn: "arn:aws:iam::111122223333:role/events", input, input_path: null, input_transformer: [], run_command_targets: [], ecs_target: [], redshift_target: [], ...extra });
  const SCHED = ["plan-command-scheduled aws_scheduler_schedule.nightly"];
  const TARGET = ["plan-command-scheduled aws_cloudwatch_event_target.nightly"];

  test("a schedule's input changed for a machine of the plan whose destroy call reads it blocks, and says which", () => {
    expect(messages([noop("aws_sfn_state_machine.cleanup", machine(pointedDelete)), update("aws_scheduler_schedule.nightly", schedule('{"db":"ci-db"}'), schedule('{"db":"orders-prod"}'))])).toEqual([
      'The plan updates aws_scheduler_schedule.nightly, which starts the state machine aws_sfn_state_machine.cleanup, whose destroy calls take what they delete from the input it sends (rds:DeleteDBInstance (state "Delete": its target or role comes from the input)); what that does to data is not in the plan.',
    ]);
    // A new schedule, and one naming the machine by an alias ARN, count too.
    expect(judged([noop("aws_sfn_state_machine.cleanup", machine(pointedDelete)), create("aws_scheduler_schedule.nightly", schedule('{"db":"orders-prod"}', `${MACHINE_ARN}:live`))])).toEqual(SCHED);
  });

  test("an event target's input, input_path or input_transformer changed blocks the same way", () => {
    const m = noop("aws_sfn_state_machine.cleanup", machine(pointedDelete));
    expect(judged([m, update("aws_cloudwatch_event_target.nightly", rule('{"db":"ci-db"}'), rule('{"db":"orders-prod"}'))])).toEqual(TARGET);
    expect(judged([m, update("aws_cloudwatch_event_target.nightly", rule(null), rule(null, { input_path: "$.detail" }))])).toEqual(TARGET);
    const transformer = (template: string) => rule(null, { input_transformer: [{ input_paths: { id: "$.detail.id" }, input_template: template }] });
    expect(judged([m, update("aws_cloudwatch_event_target.nightly", transformer('{"db":"ci-<id>"}'), transformer('{"db":"<id>"}'))])).toEqual(TARGET);
  });

  test("a machine named by reference (ARN known only after apply) is found in the configuration", () => {
    const configs: Config[] = [{ address: "aws_scheduler_schedule.nightly", expressions: { target: [{ arn: { references: ["aws_sfn_state_machine.cleanup.arn", "aws_sfn_state_machine.cleanup"] } }] } }];
    const sched = withUnknown(create("aws_scheduler_schedule.nightly", { ...schedule('{"db":"orders-prod"}'), target: [{ role_arn: "r", input: '{"db":"orders-prod"}' }] }), { target: [{ arn: true }] });
    expect(judged([noop("aws_sfn_state_machine.cleanup", machine(pointedDelete)), sched], configs)).toEqual(SCHED);
  });

  test("a literal destroy call behind a Choice counts: the input may pick its branch", () => {
    const guarded = definition({
      Gate: { Type: "Choice", Choices: [{ Variable: "$.mode", StringEquals: "decommission", Next: "Delete" }], Default: "Done" },
      Delete: { Type: "Task", Resource: DELETE_DB, Parameters: { DbInstanceIdentifier: "orders-prod", SkipFinalSnapshot: true }, End: true },
      Done: { Type: "Succeed" },
    });
    expect(judged([noop("aws_sfn_state_machine.cleanup", machine(guarded)), update("aws_scheduler_schedule.nightly", schedule('{"mode":"nightly"}'), schedule('{"mode":"decommission"}'))])).toEqual(SCHED);
  });

  test("a machine not in the plan, one whose destroy calls are literal, or one that destroys nothing passes", () => {
    const input = [update("aws_scheduler_schedule.nightly", schedule('{"db":"ci-db"}'), schedule('{"db":"orders-prod"}'))];
    expect(judged(input)).toEqual([]);
    expect(judged([noop("aws_sfn_state_machine.cleanup", machine(literalDelete)), ...input])).toEqual([]);
    const harmless = definition({ Invoke: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { "FunctionName.$": "$.fn" }, End: true } });
    expect(judged([noop("aws_sfn_state_machine.cleanup", machine(harmless)), ...input])).toEqual([]);
    // Another machine of the plan, not the one the schedule starts.
    expect(judged([noop("aws_sfn_state_machine.other", { ...machine(pointedDelete), name: "other", arn: MACHINE_ARN.replace("db-cleanup", "other") }), ...input])).toEqual([]);
    // An update of what the schedule does not start with (its expression) is no new start.
    expect(judged([noop("aws_sfn_state_machine.cleanup", machine(pointedDelete)), update("aws_scheduler_schedule.nightly", schedule('{"db":"x"}'), { ...schedule('{"db":"x"}'), schedule_expression: "cron(0 4 * * ? *)" })])).toEqual([]);
  });
});

describe("M8a: a state machine's role changed under an existing destroy call", () => {
  test("role_arn changed while the definition keeps a destroy call blocks", () => {
    expect(messages([update("aws_sfn_state_machine.teardown", machine(literalDelete, "arn:aws:iam::111122223333:role/readonly"), machine(literalDelete, "arn:aws:iam::111122223333:role/admin"))])).toEqual([
      'The plan updates aws_sfn_state_machine.teardown, which calls rds:DeleteDBInstance with the role "arn:aws:iam::111122223333:role/admin" (the machine\'s role changes from "arn:aws:iam::111122223333:role/readonly") whenever it is started (a schedule, a rule, or anyone allowed to); what that does to data is not in the plan.',
    ]);
    expect(judged([withUnknown(update("aws_sfn_state_machine.teardown", machine(literalDelete), { ...machine(literalDelete), role_arn: null }), { role_arn: true })])).toEqual(["plan-command-scheduled aws_sfn_state_machine.teardown"]);
  });

  test("the same role, or a new role for a machine that destroys nothing, passes", () => {
    expect(judged([update("aws_sfn_state_machine.teardown", machine(literalDelete), { ...machine(literalDelete), tags: { team: "db" } })])).toEqual([]);
    const harmless = definition({ Wait: { Type: "Wait", Seconds: 1, End: true } });
    expect(judged([update("aws_sfn_state_machine.teardown", machine(harmless, "a"), machine(harmless, "b"))])).toEqual([]);
  });
});

describe("M6: EFS replication in a dynamic block, and through Cloud Control", () => {
  const R = "aws_efs_replication_configuration.r";
  const replication = () =>
    withUnknown(create(R, { source_file_system_id: "fs-src", destination: [{ region: "us-east-1", availability_zone_name: null, kms_key_id: null }] }), { destination: [{ file_system_id: true, status: true }] });

  test("a destination unknown until apply with no destination block in the configuration (dynamic) blocks", () => {
    expect(messages([replication()], [{ address: R, expressions: { source_file_system_id: { constant_value: "fs-src" } } }])).toEqual([
      `The plan creates ${R}, which replicates "fs-src" onto the existing file system (known after apply; the configuration writes destination in a dynamic block, which the plan does not show): EFS replaces the destination's files with the source's.`,
    ]);
  });

  test("a static destination block without file_system_id passes (EFS creates the destination)", () => {
    expect(judged([replication()], [{ address: R, expressions: { source_file_system_id: { constant_value: "fs-src" }, destination: [{ region: { constant_value: "us-east-1" } }] } }])).toEqual([]);
  });

  const CC = "awscc_efs_file_system.prod";
  test("awscc_efs_file_system replication overwrite protection turned off blocks; kept, or from REPLICATING, passes", () => {
    const fs = (p: unknown) => ({ file_system_id: "fs-prod", file_system_protection: p === undefined ? null : { replication_overwrite_protection: p }, replication_configuration: null });
    expect(judged([update(CC, fs("ENABLED"), fs("DISABLED"))])).toEqual([`plan-deletion-protection-off ${CC}`]);
    expect(judged([update(CC, fs(undefined), fs("DISABLED"))])).toEqual([`plan-deletion-protection-off ${CC}`]);
    expect(judged([update(CC, fs("ENABLED"), fs("ENABLED"))])).toEqual([]);
    expect(judged([update(CC, fs("REPLICATING"), fs("DISABLED"))])).toEqual([]);
  });

  test("awscc_efs_file_system replicating onto an existing file system blocks; an unchanged or new destination passes", () => {
    const fs = (destinations: Obj[] | null) => ({ file_system_id: "fs-staging", replication_configuration: destinations === null ? null : { destinations } });
    expect(judged([update("awscc_efs_file_system.staging", fs(null), fs([{ file_system_id: "fs-prod", region: "us-east-1" }]))])).toEqual(["plan-replication-overwrites awscc_efs_file_system.staging"]);
    expect(judged([create("awscc_efs_file_system.staging", fs([{ file_system_id: "fs-prod", region: "us-east-1" }]))])).toEqual(["plan-replication-overwrites awscc_efs_file_system.staging"]);
    // Unknown, from an expression that is not a constant: counts.
    const unknownDest = withUnknown(update("awscc_efs_file_system.staging", fs(null), fs([{ region: "us-east-1" }])), { replication_configuration: { destinations: [{ file_system_id: true }] } });
    expect(judged([unknownDest], [{ address: "awscc_efs_file_system.staging", expressions: { replication_configuration: { references: ["data.aws_efs_file_system.prod.id"] } } }])).toEqual([
      "plan-replication-overwrites awscc_efs_file_system.staging",
    ]);
    // Controls: the same destination as before, and a destination EFS creates (no file_system_id written).
    expect(judged([update("awscc_efs_file_system.staging", fs([{ file_system_id: "fs-replica", region: "us-east-1" }]), { ...fs([{ file_system_id: "fs-replica", region: "us-east-1" }]), throughput_mode: "elastic" })])).toEqual([]);
    expect(
      judged([unknownDest], [{ address: "awscc_efs_file_system.staging", expressions: { replication_configuration: { constant_value: { destinations: [{ region: "us-east-1" }] } } } }]),
    ).toEqual([]);
  });
});

describe("L11c: a for_each replication onto the new instance of its destination", () => {
  const fsCreated = (key: string) => withUnknown(create(`aws_efs_file_system.dst["${key}"]`, { creation_token: key }, { index: key }), { id: true, arn: true });
  const fsKept = (key: string, id: string) => noop(`aws_efs_file_system.dst["${key}"]`, { id, creation_token: key }, { index: key });
  const replication = (key: string) =>
    withUnknown(create(`aws_efs_replication_configuration.r["${key}"]`, { source_file_system_id: "fs-src", destination: [{ region: key }] }, { index: key }), { destination: [{ file_system_id: true }] });
  const configs: Config[] = [
    { address: "aws_efs_file_system.dst", expressions: { creation_token: { references: ["each.key"] } }, forEach: { references: ["var.regions"] } },
    {
      address: "aws_efs_replication_configuration.r",
      expressions: { source_file_system_id: { constant_value: "fs-src" }, destination: [{ file_system_id: { references: ["aws_efs_file_system.dst", "each.key"] }, region: { references: ["each.key"] } }] },
      forEach: { references: ["var.regions"] },
    },
  ];

  test("the same key's destination created in this plan passes while another instance exists", () => {
    expect(judged([fsKept("eu-west-1", "fs-0eu"), fsCreated("ap-south-1"), replication("ap-south-1")], configs)).toEqual([]);
  });

  test("the same key's destination existing blocks; so does a known destination ID", () => {
    expect(judged([fsKept("ap-south-1", "fs-0ap"), fsCreated("eu-west-1"), replication("ap-south-1")], configs)).toEqual(['plan-replication-overwrites aws_efs_replication_configuration.r["ap-south-1"]']);
    const known = create('aws_efs_replication_configuration.r["ap-south-1"]', { source_file_system_id: "fs-src", destination: [{ region: "ap-south-1", file_system_id: "fs-0eu" }] }, { index: "ap-south-1" });
    expect(judged([fsKept("eu-west-1", "fs-0eu"), fsCreated("ap-south-1"), known], configs)).toEqual(['plan-replication-overwrites aws_efs_replication_configuration.r["ap-south-1"]']);
  });

  test("count.index picks the same index", () => {
    const countConfigs: Config[] = [
      { address: "aws_efs_file_system.dst", count: { constant_value: 2 } },
      { address: "aws_efs_replication_configuration.r", count: { constant_value: 2 }, expressions: { destination: [{ file_system_id: { references: ["aws_efs_file_system.dst", "count.index"] } }] } },
    ];
    const fs = (i: number, created: boolean) =>
      created ? withUnknown(create(`aws_efs_file_system.dst[${i}]`, {}, { index: i }), { id: true }) : noop(`aws_efs_file_system.dst[${i}]`, { id: `fs-${i}` }, { index: i });
    const r = (i: number) => withUnknown(create(`aws_efs_replication_configuration.r[${i}]`, { source_file_system_id: "fs-src", destination: [{}] }, { index: i }), { destination: [{ file_system_id: true }] });
    expect(judged([fs(0, false), fs(1, true), r(1)], countConfigs)).toEqual([]);
    expect(judged([fs(0, true), fs(1, false), r(1)], countConfigs)).toEqual(["plan-replication-overwrites aws_efs_replication_configuration.r[1]"]);
  });
});

describe("M7: an OpenSearch Serverless lifecycle policy exempted only by a collection in its own region", () => {
  const P = "aws_opensearchserverless_lifecycle_policy.retention";
  const policy = JSON.stringify({ Rules: [{ ResourceType: "index", Resource: ["index/prod-logs/*"], MinIndexRetention: "24h" }] });
  const collection = (extra: Obj = {}) => withUnknown(create("aws_opensearchserverless_collection.logs", { name: "prod-logs", type: "TIMESERIES", ...extra }), { arn: true, id: true });
  const lp = (extra: Obj = {}) => create(P, { name: "logs-retention", type: "retention", policy, ...extra });
  const byRef = (collectionProvider: string, policyProvider = "aws"): Config[] => [
    { address: "aws_opensearchserverless_collection.logs", provider: collectionProvider, expressions: { name: { constant_value: "prod-logs" } } },
    { address: P, provider: policyProvider, expressions: { policy: { references: ["aws_opensearchserverless_collection.logs.name", "aws_opensearchserverless_collection.logs"] } } },
  ];
  const BLOCKED = [`plan-backup-retention-lowered ${P}`];

  test("a collection of the same name created through another provider configuration does not exempt", () => {
    expect(judged([collection(), lp()], byRef("aws.west"))).toEqual(BLOCKED);
  });

  test("a collection created in another region (the resource's region argument) does not exempt", () => {
    expect(judged([collection({ region: "us-west-2" }), lp({ region: "us-east-1" })], byRef("aws"))).toEqual(BLOCKED);
    expect(judged([withUnknown(collection({ region: null }), { region: true }), lp()], byRef("aws"))).toEqual(BLOCKED);
  });

  test("the collection created through the same provider configuration and region exempts", () => {
    expect(judged([collection(), lp()], byRef("aws"))).toEqual([]);
    expect(judged([collection({ region: "eu-west-1" }), lp({ region: "eu-west-1" })], byRef("aws.west", "aws.west"))).toEqual([]);
  });
});

describe("M9: MSK server_properties read as Java properties", () => {
  const C = "aws_msk_configuration.c";
  const cfg = (props: string) => ({ name: "c", kafka_versions: ["3.6.0"], server_properties: props, latest_revision: 1 });
  const lowered = (props: string) => judged([update(C, cfg("auto.create.topics.enable=false\n"), cfg(props))]);
  const BLOCKED = [`plan-backup-retention-lowered ${C}`];

  test("a continuation, a \\u escape or an escaped character in the key does not hide a lowered retention", () => {
    expect(lowered("log.retention.\\\n    ms=3600000\n")).toEqual(BLOCKED);
    expect(lowered("log.retention.m\\u0073=3600000\n")).toEqual(BLOCKED);
    expect(lowered("log.retention.m\\s=3600000\n")).toEqual(BLOCKED);
    expect(lowered("  log.retention.hours : 1\n")).toEqual(BLOCKED);
    // The value continued too, and \r line ends.
    expect(lowered("log.retention.hours=\\\r  1\r")).toEqual(BLOCKED);
    // A malformed \u escape anywhere: Java refuses the text, so what the broker keeps is unknown.
    expect(lowered("log.retention.hours=\\u00zz\n")).toEqual(BLOCKED);
    expect(lowered("log.retention.hours=200\nother=\\uzzzz\n")).toEqual(BLOCKED);
    // A comment ending in a backslash does not swallow the next line.
    expect(lowered("# note \\\nlog.retention.hours=1\n")).toEqual(BLOCKED);
  });

  test("compaction turned on deletes every record of a key but the latest (red-team round 54)", () => {
    expect(lowered("log.cleanup.policy=compact\n")).toEqual(BLOCKED);
    expect(lowered("log.cleanup.policy = delete, compact\n")).toEqual(BLOCKED);
    expect(lowered("log.cleanup.policy=delete\n")).toEqual([]);
  });

  test("a sign or blanks around the number are read as Kafka reads a long (red-team round 54)", () => {
    expect(lowered("log.retention.hours=+168\n")).toEqual([]);
    expect(lowered("log.retention.hours= 200 \n")).toEqual([]);
    expect(lowered("log.retention.hours=+1\n")).toEqual(BLOCKED);
  });

  test("escapes that raise or keep the retention pass; a comment line does not continue", () => {
    expect(lowered("log.retention.\\\n    hours=200\n")).toEqual([]);
    expect(lowered("log.retention.h\\u006furs=168\n")).toEqual([]);
    // A comment ends at its line even with a trailing backslash: the next line is a setting of its own.
    expect(lowered("# lowered? \\\nlog.retention.hours=200\n")).toEqual([]);
    // An even run of backslashes is an escaped backslash, not a continuation: the key is `a\`.
    expect(lowered("a\\\\\nlog.retention.hours=200\n")).toEqual([]);
    // An odd run is an escaped backslash and a continuation: the next line is part of `a`'s value.
    expect(lowered("a=\\\\\\\nlog.retention.hours=1\n")).toEqual([]);
    // An escaped blank is part of the key: `log.retention.hours ` is not a setting Kafka knows.
    expect(lowered("log.retention.hours\\ =1\n")).toEqual([]);
  });
});

describe("M5 (Terraform part): Cloud Control command runners", () => {
  test("an awscc_scheduler_schedule calling a destroy API blocks; a routine call passes", () => {
    const s = (arn: string) => withUnknown(create("awscc_scheduler_schedule.nightly", { name: "nightly", schedule_expression: "rate(1 day)", state: "ENABLED", flexible_time_window: { mode: "OFF" }, target: { arn, role_arn: "arn:aws:iam::111122223333:role/s", input: '{"DbInstanceIdentifier":"orders-prod","SkipFinalSnapshot":true}' } }), { arn: true, id: true });
    expect(judged([s("arn:aws:scheduler:::aws-sdk:rds:deleteDBInstance")])).toEqual(["plan-command-scheduled awscc_scheduler_schedule.nightly"]);
    expect(judged([s("arn:aws:scheduler:::aws-sdk:rds:stopDBInstance")])).toEqual([]);
    // A target known only after apply counts.
    expect(judged([withUnknown(create("awscc_scheduler_schedule.nightly", { name: "n", target: { role_arn: "r" } }), { target: true })])).toEqual(["plan-command-scheduled awscc_scheduler_schedule.nightly"]);
  });

  test("an awscc_stepfunctions_state_machine with a destroy call blocks, through definition_substitutions and S3 too", () => {
    const M = "awscc_stepfunctions_state_machine.t";
    const sm = (after: Obj) => withUnknown(create(M, { state_machine_name: "t", role_arn: "arn:aws:iam::111122223333:role/sfn", ...after }), { arn: true, id: true });
    expect(judged([sm({ definition_string: literalDelete })])).toEqual([`plan-command-scheduled ${M}`]);
    const templated = definition({ D: { Type: "Task", Resource: "${Api}", Parameters: { DbInstanceIdentifier: "orders-prod" }, End: true } });
    expect(judged([sm({ definition_string: templated, definition_substitutions: { Api: DELETE_DB } })])).toEqual([`plan-command-scheduled ${M}`]);
    expect(judged([sm({ definition_s3_location: { bucket: "b", key: "k", version: null } })])).toEqual([`plan-command-scheduled ${M}`]);
    // Controls: a function call, substituted; an update of tags alone.
    expect(judged([sm({ definition_string: templated.replace("orders-prod", "x"), definition_substitutions: { Api: "arn:aws:states:::lambda:invoke" } })])).toEqual([]);
    const values = { state_machine_name: "t", role_arn: "r", definition_string: literalDelete, tags: [] };
    expect(judged([update(M, values, { ...values, tags: [{ key: "a", value: "b" }] })])).toEqual([]);
    // Its role changed (M8a) counts, as for aws_sfn_state_machine.
    expect(judged([update(M, values, { ...values, role_arn: "admin" })])).toEqual([`plan-command-scheduled ${M}`]);
  });

  test("a schedule starting an awscc state machine of the plan whose destroy call reads the input blocks", () => {
    const sm = noop("awscc_stepfunctions_state_machine.cleanup", { state_machine_name: "db-cleanup", arn: MACHINE_ARN, role_arn: "r", definition_string: pointedDelete });
    const s = (input: string) => ({ name: "n", target: { arn: MACHINE_ARN, role_arn: "r", input } });
    expect(judged([sm, update("awscc_scheduler_schedule.nightly", s('{"db":"ci"}'), s('{"db":"orders-prod"}'))])).toEqual(["plan-command-scheduled awscc_scheduler_schedule.nightly"]);
    expect(judged([update("awscc_scheduler_schedule.nightly", s('{"db":"ci"}'), s('{"db":"orders-prod"}'))])).toEqual([]);
  });

  test("an awscc_ssm_association running commands blocks; a routine document passes", () => {
    const a = (name: string) => withUnknown(create("awscc_ssm_association.a", { name, parameters: { commands: ["aws rds delete-db-instance --db-instance-identifier orders-prod"] }, targets: [{ key: "tag:Role", values: ["bastion"] }] }), { association_id: true, id: true });
    expect(judged([a("AWS-RunShellScript")])).toEqual(["plan-command-scheduled awscc_ssm_association.a"]);
    expect(judged([a("AWS-GatherSoftwareInventory")])).toEqual([]);
  });

  test("an awscc_datasync_task on a schedule that removes files blocks; no schedule, a disabled one, or preserve+never passes", () => {
    const t = (extra: Obj) => withUnknown(create("awscc_datasync_task.t", { source_location_arn: "arn:src", destination_location_arn: "arn:dst", ...extra }), { task_arn: true, id: true });
    const schedule = { schedule_expression: "rate(1 hour)" };
    expect(judged([t({ options: { preserve_deleted_files: "REMOVE", overwrite_mode: "ALWAYS" }, schedule })])).toEqual(["plan-command-scheduled awscc_datasync_task.t"]);
    // overwrite_mode unset is ALWAYS.
    expect(judged([t({ options: null, schedule })])).toEqual(["plan-command-scheduled awscc_datasync_task.t"]);
    expect(judged([t({ options: { preserve_deleted_files: "REMOVE" }, schedule: null })])).toEqual([]);
    expect(judged([t({ options: { preserve_deleted_files: "REMOVE" }, schedule: { ...schedule, status: "DISABLED" } })])).toEqual([]);
    expect(judged([t({ options: { preserve_deleted_files: "PRESERVE", overwrite_mode: "NEVER" }, schedule })])).toEqual([]);
  });
});
