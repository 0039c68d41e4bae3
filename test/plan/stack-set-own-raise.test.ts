/**
 * A stack set that raises its own parameter value: instances outside the plan that override the parameter keep their
 * override (the set's change does not touch it), instances that inherit it get the raise. Neither weakens anything,
 * so the raise passes; a lowering, and an instance that overrides one parameter and inherits another, still count.
 */
import { change } from "./helpers";
import { judged, tpl, type Obj } from "./template-stacks";

const P = { Parameters: { Env: { Type: "String", Default: "dev" }, Retention: { Type: "Number", Default: "7" } }, Conditions: { IsProd: { "Fn::Equals": [{ Ref: "Env" }, "production"] } } };
const db = (retention: unknown) => tpl({ Db: { Type: "AWS::RDS::DBInstance", DeletionPolicy: "Snapshot", UpdateReplacePolicy: "Snapshot", Properties: { DBInstanceIdentifier: "orders", BackupRetentionPeriod: retention } } }, P);
const aws = (t: string, before: Obj, after: Obj) => change("aws_cloudformation_stack_set.data", ["update"], { name: "data", template_body: t, parameters: before }, { name: "data", template_body: t, parameters: after });
const list = (p: Obj) => Object.entries(p).map(([k, v]) => ({ parameter_key: k, parameter_value: v }));
const awscc = (t: string, before: Obj, after: Obj) =>
  change(
    "awscc_cloudformation_stack_set.data",
    ["update"],
    { stack_set_name: "data", template_body: t, parameters: list(before), stack_instances_group: [] },
    { stack_set_name: "data", template_body: t, parameters: list(after), stack_instances_group: [] },
    { provider_name: "registry.terraform.io/hashicorp/awscc" },
  );
const SETS: [string, typeof aws][] = [
  ["aws_cloudformation_stack_set", aws],
  ["awscc_cloudformation_stack_set", awscc],
];

describe.each(SETS)("%s raising its own parameter", (type, set) => {
  const BLOCKED = [`plan-stack-template-drops-data ${type}.data`];

  test("the false alarm: the backup retention parameter raised 7 → 35 (the guard reads it) passes", () => {
    expect(judged([set(db({ Ref: "Retention" }), { Retention: "7" }, { Retention: "35" })])).toEqual([]);
    // Another parameter changed with it, which the guard does not read: an instance may override either, or both.
    expect(judged([set(db({ Ref: "Retention" }), { Env: "dev", Retention: "7" }, { Env: "production", Retention: "35" })])).toEqual([]);
  });

  test("the control: lowering it (35 → 7) still blocks", () => {
    expect(judged([set(db({ Ref: "Retention" }), { Retention: "35" }, { Retention: "7" })])).toEqual(BLOCKED);
  });

  test("the control: an instance that overrides Env and inherits Retention sees a lowering the set's own values hide: blocked", () => {
    // With the set's values: Env dev → 35, then production → 35. An instance outside the plan overriding Env (not
    // production) and inheriting Retention goes from 35 to the set's new Retention, 7.
    const t = db({ "Fn::If": ["IsProd", 35, { Ref: "Retention" }] });
    expect(judged([set(t, { Env: "dev", Retention: "35" }, { Env: "production", Retention: "7" })])).toEqual(BLOCKED);
  });

  test("the control: with more changed parameters than are read each way, every one reads as not known: the mix still blocks", () => {
    const more = JSON.stringify({ ...JSON.parse(db({ "Fn::If": ["IsProd", 35, { Ref: "Retention" }] })), Parameters: { ...P.Parameters, A: { Type: "String" }, B: { Type: "String" }, C: { Type: "String" } } });
    expect(judged([set(more, { Env: "dev", Retention: "35", A: "1", B: "1", C: "1" }, { Env: "production", Retention: "7", A: "2", B: "2", C: "2" })])).toEqual(BLOCKED);
  });
});
