/**
 * plan-stack-template-drops-data follows what a replacing property is computed from: another resource of the
 * template, a nested stack's parameters, and the parameter overrides of stack set instances.
 */
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

type Obj = Record<string, unknown>;

function run(changes: Obj[]) {
  return evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes)))), { config: {} }).judged.map((j) => j.finding);
}
const judged = (changes: Obj[]) => run(changes).map((f) => `${f.ruleId} ${f.resource}`);

const tpl = (resources: Obj, extra: Obj = {}) => JSON.stringify({ Resources: resources, ...extra });
const stack = (before: string, after: string, params: [Obj, Obj] = [{}, {}]) =>
  change("aws_cloudformation_stack.orders", ["update"], { name: "orders", template_body: before, parameters: params[0] }, { name: "orders", template_body: after, parameters: params[1] });
const BLOCKED = ["plan-stack-template-drops-data aws_cloudformation_stack.orders"];

describe("a replacing property taken from another resource of the template", () => {
  const ssm = (value: string, extra: Obj = {}) => ({ Type: "AWS::SSM::Parameter", Properties: { Type: "String", Value: value, ...extra } });
  const table = (name: unknown) => ({ Type: "AWS::DynamoDB::Table", Properties: { TableName: name } });

  test("Fn::GetAtt, Ref and Fn::Sub of a resource whose properties change", () => {
    for (const name of [{ "Fn::GetAtt": ["Name", "Value"] }, { "Fn::GetAtt": "Name.Value" }, { "Fn::Sub": "${Name.Value}-v1" }]) {
      const [f, ...rest] = run([stack(tpl({ Name: ssm("orders"), Orders: table(name) }), tpl({ Name: ssm("orders-v2"), Orders: table(name) }))]);
      expect(rest).toEqual([]);
      expect(f.message).toContain("Orders (AWS::DynamoDB::Table) changes TableName, which makes CloudFormation replace it");
    }
    // `Ref` gives the parameter's name, which its value does not change; a new name does.
    const byRef = (value: string, extra: Obj = {}) => tpl({ Name: ssm(value, extra), Orders: table({ Ref: "Name" }) });
    expect(judged([stack(byRef("orders"), byRef("orders-v2"))])).toEqual([]);
    expect(judged([stack(byRef("orders", { Name: "/a" }), byRef("orders", { Name: "/b" }))])).toEqual(BLOCKED);
    // Through a chain of two resources.
    const chained = (v: string) => tpl({ Base: ssm(v), Name: ssm("x", { Value: { "Fn::GetAtt": ["Base", "Value"] } }), Orders: table({ "Fn::GetAtt": ["Name", "Value"] }) });
    expect(judged([stack(chained("a"), chained("b"))])).toEqual(BLOCKED);
  });

  test("the control: the named resource unchanged, changed only in tags or description, or another resource changed", () => {
    const name = { "Fn::GetAtt": ["Name", "Value"] };
    const t = (value: string, other: string, extra: Obj = {}) => tpl({ Name: ssm(value, extra), Other: ssm(other), Orders: table(name) });
    expect(judged([stack(t("orders", "a"), t("orders", "b"))])).toEqual([]);
    expect(judged([stack(t("orders", "a", { Description: "one" }), t("orders", "a", { Description: "two", Tags: { team: "data" } }))])).toEqual([]);
    // A key's policy is no part of what a database that names the key is: editing it replaces nothing. (Since round
    // 60 the policy edit is itself a guardrail change of the key, judged as aws_kms_key's would be; the database is not named.)
    const db = (policy: string) =>
      tpl({ Key: { Type: "AWS::KMS::Key", Properties: { KeyPolicy: { Version: "2012-10-17", Statement: [{ Sid: policy }] } } }, Db: { Type: "AWS::RDS::DBCluster", Properties: { KmsKeyId: { Ref: "Key" } } } });
    const edited = run([stack(db("v1"), db("v2"))]);
    expect(edited.map((f) => f.message)).toEqual([expect.stringContaining("Key (AWS::KMS::Key) KeyPolicy")]);
    expect(edited[0].message).not.toContain("Db");
    const spec = (keySpec: string) => tpl({ Key: { Type: "AWS::KMS::Key", Properties: { KeySpec: keySpec } }, Db: { Type: "AWS::RDS::DBCluster", Properties: { KmsKeyId: { Ref: "Key" } } } });
    expect(judged([stack(spec("SYMMETRIC_DEFAULT"), spec("HMAC_256"))])).toEqual(BLOCKED);
  });

  test("a changed parameter that reaches a replacing property through another resource", () => {
    const params = { Parameters: { Env: { Type: "String" }, Version: { Type: "String" } } };
    const t = tpl({ Name: ssm("x", { Value: { "Fn::Sub": "${Env}-orders" } }), Orders: table({ "Fn::GetAtt": ["Name", "Value"] }) }, params);
    expect(judged([stack(t, t, [{ Env: "prod", Version: "1" }, { Env: "prod2", Version: "1" }])])).toEqual(BLOCKED);
    expect(judged([stack(t, t, [{ Env: "prod", Version: "1" }, { Env: "prod", Version: "2" }])])).toEqual([]);
  });
});

describe("nested stacks", () => {
  const nested = (params: Obj, url = "https://b.s3.amazonaws.com/db.json") => ({ Type: "AWS::CloudFormation::Stack", Properties: { TemplateURL: url, Parameters: params } });

  test("other parameters for a nested stack count: its template is not in the plan", () => {
    const [f] = run([stack(tpl({ Db: nested({ Name: "orders" }) }), tpl({ Db: nested({ Name: "orders-v2" }) }))]);
    expect(f.message).toContain('the nested stack Db gets other parameters (now {"Name":"orders-v2"}), and blastwall cannot read its template');
    const p = { Parameters: { Env: { Type: "String" } } };
    const t = tpl({ Db: nested({ Name: { "Fn::Sub": "${Env}-orders" } }) }, p);
    expect(judged([stack(t, t, [{ Env: "a" }, { Env: "b" }])])).toEqual(BLOCKED);
  });

  test("the control: the same parameters and template pass; an UpdateReplacePolicy keeps nothing here (red-team round 54)", () => {
    // The URL pins an object version: an unpinned one is read anew at every update of the parent (red-team round 61).
    const pinned = "https://b.s3.amazonaws.com/db.json?versionId=3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY";
    const same = tpl({ Db: nested({ Name: "orders" }, pinned), Topic: { Type: "AWS::SNS::Topic" } });
    expect(judged([stack(tpl({ Db: nested({ Name: "orders" }, pinned) }), same)])).toEqual([]);
    // Other parameters update the nested stack in place: the policy, which applies to a replacement, does not apply.
    const kept = (name: string) => tpl({ Db: { ...nested({ Name: name }), UpdateReplacePolicy: "Retain" } });
    expect(judged([stack(kept("a"), kept("b"))])).toEqual(BLOCKED);
  });
});

describe("stack set instances' parameter overrides", () => {
  const template = tpl({ Orders: { Type: "AWS::DynamoDB::Table", Properties: { TableName: { "Fn::Sub": "${Env}-orders" } } } }, { Parameters: { Env: { Type: "String" }, Size: { Type: "String" } } });
  const set = (body: string) => change("aws_cloudformation_stack_set.data", ["no-op"], { name: "data", template_body: body }, { name: "data", template_body: body });
  const instance = (before: Obj, after: Obj, type = "aws_cloudformation_stack_set_instance") =>
    change(`${type}.eu`, ["update"], { stack_set_name: "data", parameter_overrides: before }, { stack_set_name: "data", parameter_overrides: after });

  test("an override of a parameter a replacing property takes blocks, with the stack set's template as evidence", () => {
    const [f, ...rest] = run([set(template), instance({ Env: "prod" }, { Env: "prod2" })]);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ ruleId: "plan-stack-template-drops-data", resource: "aws_cloudformation_stack_set_instance.eu" });
    expect(f.message).toContain("takes TableName from them");
    expect(f.evidence).toContainEqual(expect.objectContaining({ step: "template", address: "aws_cloudformation_stack_set.data" }));
    expect(judged([set(template), instance({}, { Env: "prod2" }, "aws_cloudformation_stack_instances")])).toEqual(["plan-stack-template-drops-data aws_cloudformation_stack_instances.eu"]);
  });

  test("the control: another parameter, unchanged overrides; a stack set not in the plan counts", () => {
    expect(judged([set(template), instance({ Size: "1" }, { Size: "2" })])).toEqual([]);
    expect(judged([set(template), instance({ Env: "prod" }, { Env: "prod" })])).toEqual([]);
    const [f] = run([instance({ Env: "prod" }, { Env: "prod2" })]);
    expect(f.message).toContain('blastwall cannot read the template of the stack set "data", which is not in this plan');
  });
});
