/**
 * plan-stack-template-drops-data and the template guards, red-team round 64: conditions an Fn::ForEach makes or
 * names, stack set instances outside the plan, cross-region copies moved, and AWS::NotificationARNs.
 */
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

type Obj = Record<string, unknown>;

const run = (changes: Obj[]) => evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes)))), { config: {} }).judged.map((j) => j.finding);
const judged = (changes: Obj[]) => run(changes).map((f) => `${f.ruleId} ${f.resource}`);
const details = (changes: Obj[]) => run(changes).flatMap((f) => f.evidence.map((e) => e.detail));
const tpl = (resources: Obj, extra: Obj = {}) => JSON.stringify({ Resources: resources, ...extra });
const stack = (before: string, after: string, params: [Obj, Obj] = [{}, {}], extra: [Obj, Obj] = [{}, {}], type = "aws_cloudformation_stack") =>
  change(`${type}.app`, ["update"], { name: "app", template_body: before, parameters: params[0], ...extra[0] }, { name: "app", template_body: after, parameters: params[1], ...extra[1] });
const BLOCKED = ["plan-stack-template-drops-data aws_cloudformation_stack.app"];
const TABLE = { Type: "AWS::DynamoDB::Table", Properties: { TableName: "orders" } };
const ENV: [Obj, Obj] = [{ Env: "Prod" }, { Env: "Dev" }];
const LANG = { Transform: "AWS::LanguageExtensions", Parameters: { Env: { Type: "String" } } };

describe("RT64-1: a condition an Fn::ForEach makes, or names through its identifier, may read any changed parameter", () => {
  const loopConditions = { "Fn::ForEach::Envs": ["E", ["Prod", "Dev"], { "Is${E}": { "Fn::Equals": [{ Ref: "Env" }, "${E}"] } }] };

  test("the red team's g1a: a Condition made by Fn::ForEach in Conditions, the parameter changed: blocked", () => {
    const t = tpl({ Orders: { ...TABLE, Condition: "IsProd" } }, { ...LANG, Conditions: loopConditions });
    expect(judged([stack(t, t, ENV)])).toEqual(BLOCKED);
    expect(details([stack(t, t, ENV)]).some((d) => d.includes('Orders (AWS::DynamoDB::Table) exists only under the condition "IsProd"'))).toBe(true);
  });

  test("the red team's g1b: a resource Condition written Fn::Sub of the loop identifier, the parameter changed: blocked", () => {
    const t = tpl(
      { "Fn::ForEach::Tables": ["T", ["Orders"], { "${T}": { ...TABLE, Condition: { "Fn::Sub": "Keep${T}" } } }] },
      { ...LANG, Conditions: { KeepOrders: { "Fn::Equals": [{ Ref: "Env" }, "Prod"] } } },
    );
    expect(judged([stack(t, t, ENV)])).toEqual(BLOCKED);
  });

  test("the controls: the same tables retained, or the parameters unchanged, pass; an IAM Condition block (in a custom resource's properties a table name is read from) is no condition name", () => {
    const kept = tpl({ Orders: { ...TABLE, Condition: "IsProd", DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" } }, { ...LANG, Conditions: loopConditions });
    expect(judged([stack(kept, kept, ENV)])).toEqual([]);
    const t = tpl({ Orders: { ...TABLE, Condition: "IsProd" } }, { ...LANG, Conditions: loopConditions });
    expect(judged([stack(t, t, [{ Env: "Prod" }, { Env: "Prod" }], [{ tags: { a: "1" } }, { tags: { a: "2" } }])])).toEqual([]);
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-1" } } }] };
    const queue = tpl({ Q: { Type: "Custom::Lookup", DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain", Properties: { ServiceToken: "arn:aws:lambda:us-east-1:111111111111:function:lookup", Policy: policy } }, Orders: { ...TABLE, Properties: { TableName: { "Fn::GetAtt": ["Q", "Name"] } } } }, { Parameters: { Env: { Type: "String" } } });
    expect(judged([stack(queue, queue, ENV)])).toEqual([]);
  });
});

describe("RT64-2: a stack set's instances outside the plan may override any parameter", () => {
  const set = (before: string, after: string, tags: [Obj, Obj] = [{}, {}]) =>
    change("aws_cloudformation_stack_set.data", ["update"], { name: "data", template_body: before, parameters: { Env: "production" }, ...tags[0] }, { name: "data", template_body: after, parameters: { Env: "production" }, ...tags[1] });
  const T = (pitr: unknown) =>
    tpl(
      { Orders: { ...TABLE, DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain", Properties: { TableName: "orders", PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: pitr } } } },
      { Parameters: { Env: { Type: "String" } }, Conditions: { IsProd: { "Fn::Equals": [{ Ref: "Env" }, "production"] } } },
    );

  test("the red team's g3a: PITR made to read a parameter, no instance in the plan: blocked", () => {
    const c = set(T(true), T({ "Fn::If": ["IsProd", true, false] }));
    expect(judged([c])).toEqual(["plan-stack-template-drops-data aws_cloudformation_stack_set.data"]);
    expect(details([c]).some((d) => d.includes("which a stack instance outside this plan may override"))).toBe(true);
  });

  test("the controls: a tag change with the same parameter-read guard, or a template that reads no parameter, passes", () => {
    const guarded = T({ "Fn::If": ["IsProd", true, false] });
    expect(judged([set(guarded, guarded, [{ tags: { a: "1" } }, { tags: { a: "2" } }])])).toEqual([]);
    expect(judged([set(T(true), T(true), [{ tags: { a: "1" } }, { tags: { a: "2" } }])])).toEqual([]);
    const plain = tpl({ Orders: { ...TABLE, DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain", Properties: { TableName: "orders", PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } } } });
    const other = tpl({ Orders: { ...TABLE, DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain", Properties: { TableName: "orders", PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } } }, Log: { Type: "AWS::SNS::Topic" } });
    expect(judged([set(plain, other)])).toEqual([]);
  });
});

describe("RT64-3: a cross-region copy moved to another region, or its replicated backups kept for less time, counts", () => {
  const t = (type: string, p: Obj) => tpl({ R: { Type: type, DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain", Properties: p } });
  const RS = "AWS::Redshift::Cluster";
  const DB = "AWS::RDS::DBInstance";

  test("the red team's g4a/g4b: the destination region moved blocks, naming both regions", () => {
    for (const [type, k, id] of [[RS, "DestinationRegion", { ClusterIdentifier: "dw" }], [DB, "AutomaticBackupReplicationRegion", { DBInstanceIdentifier: "db" }]] as const) {
      const c = stack(t(type, { ...id, [k]: "us-west-2" }), t(type, { ...id, [k]: "eu-west-1" }));
      expect(judged([c])).toEqual(BLOCKED);
      expect(details([c]).some((d) => d.includes(`R (${type}) ${k}: "us-west-2" → "eu-west-1": the copy to us-west-2 stops`))).toBe(true);
    }
  });

  test("the red team's g4c: the replicated backups' retention lowered while replicating blocks", () => {
    const p = (days?: number, region = "us-west-2") => ({ DBInstanceIdentifier: "db", AutomaticBackupReplicationRegion: region, ...(days !== undefined && { AutomaticBackupReplicationRetentionPeriod: days }) });
    expect(judged([stack(t(DB, p(35)), t(DB, p(1)))])).toEqual(BLOCKED);
    // Left out, it is the instance's BackupRetentionPeriod: not known here, so it counts.
    expect(judged([stack(t(DB, p(35)), t(DB, p()))])).toEqual(BLOCKED);
  });

  test("the controls: a region first set, the same region, a retention raised, or set with the replication first configured, pass", () => {
    expect(judged([stack(t(RS, { ClusterIdentifier: "dw" }), t(RS, { ClusterIdentifier: "dw", DestinationRegion: "eu-west-1" }))])).toEqual([]);
    expect(judged([stack(t(DB, { DBInstanceIdentifier: "db", AutomaticBackupReplicationRegion: "us-west-2" }), t(DB, { DBInstanceIdentifier: "db", AutomaticBackupReplicationRegion: "us-west-2", AllocatedStorage: "50" }))])).toEqual([]);
    const p = (days: number) => ({ DBInstanceIdentifier: "db", AutomaticBackupReplicationRegion: "us-west-2", AutomaticBackupReplicationRetentionPeriod: days });
    expect(judged([stack(t(DB, p(1)), t(DB, p(35)))])).toEqual([]);
    expect(judged([stack(t(DB, { DBInstanceIdentifier: "db" }), t(DB, p(1)))])).toEqual([]);
    expect(judged([stack(t(DB, { DBInstanceIdentifier: "db", AutomaticBackupReplicationRetentionPeriod: 35 }), t(DB, p(1)))])).toEqual([]);
  });
});

describe("RT64-4/5: AWS::NotificationARNs is read as a parameter that changes with notification_arns, in the parsed template", () => {
  const TOPIC = "arn:aws:sns:us-east-1:111111111111:ops";
  const LISTS: [Obj, Obj] = [{ notification_arns: [TOPIC] }, { notification_arns: [] }];
  const alerting = (name: string) => ({ Alerting: { "Fn::Not": [{ "Fn::Equals": [{ "Fn::Join": ["", { Ref: name }] }, ""] }] } });

  test("the red team's g2a: the Ref written with a JSON escape (\\u0041), the list emptied: blocked", () => {
    const t = tpl({ Orders: { ...TABLE, Condition: "Alerting" } }, { Conditions: alerting("AWS::NotificationARNs") }).replace("NotificationARNs", "Notification\\u0041RNs");
    expect(t).toContain("Notification\\u0041RNs");
    expect(judged([stack(t, t, [{}, {}], LISTS)])).toEqual(BLOCKED);
    expect(details([stack(t, t, [{}, {}], LISTS)])).toContain(`notification_arns change (["${TOPIC}"] → []), which the template reads as AWS::NotificationARNs, and Orders (AWS::DynamoDB::Table) exists only under the condition "Alerting"`);
  });

  test("a guard computed from it (PITR on only while there are topics) counts as weakened in place", () => {
    const t = tpl(
      { Orders: { ...TABLE, DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain", Properties: { TableName: "orders", PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: { "Fn::If": ["Alerting", true, false] } } } } },
      { Conditions: alerting("AWS::NotificationARNs") },
    );
    expect(judged([stack(t, t, [{}, {}], LISTS)])).toEqual(BLOCKED);
    expect(details([stack(t, t, [{}, {}], LISTS)]).some((d) => d.includes("PointInTimeRecoveryEnabled") && d.includes("AWS::NotificationARNs, the stack's not"))).toBe(true);
  });

  test("the red team's g5a (a false alarm before): a topic added, read only by an alarm's AlarmActions, passes", () => {
    const t = tpl({
      Orders: { ...TABLE, DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain", Properties: { TableName: "orders", PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } } },
      Alarm: { Type: "AWS::CloudWatch::Alarm", Properties: { AlarmActions: { Ref: "AWS::NotificationARNs" }, MetricName: "x", Namespace: "y", Statistic: "Sum", Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: "GreaterThanThreshold" } },
    });
    expect(judged([stack(t, t, [{}, {}], [{ notification_arns: [TOPIC] }, { notification_arns: [TOPIC, `${TOPIC}-oncall`] }])])).toEqual([]);
  });

  test("a template blastwall cannot read still counts when the list changes", () => {
    const t = "Resources: [unclosed";
    expect(details([stack(t, t, [{}, {}], LISTS)]).some((d) => d.includes("the new template, which blastwall cannot read, may read AWS::NotificationARNs"))).toBe(true);
  });
});
