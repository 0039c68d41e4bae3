/**
 * A Region-keyed Mappings table (`Fn::FindInMap [RegionMap, { Ref: AWS::Region }, Key]`) to which the plan adds
 * another region's entry: where the stack's region is known (its `region`, its provider configuration's literal
 * region, or the region in its ARN), only that region's entry is read, so the new entry passes. Where it is not
 * known (a stack set, whose instances are in many regions; no region anywhere; sources that disagree), every entry
 * counts, as before.
 */
import type { Finding } from "../../lib/engine/findings";
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";
import { judged, tpl, type Obj } from "./template-stacks";

const BLOCKED = ["plan-stack-template-drops-data aws_cloudformation_stack.app"];
const REGION = { Ref: "AWS::Region" };
const ARN = (region: string) => `arn:aws:cloudformation:${region}:111111111111:stack/app/0c1f7a40-0000-11ef-9a7b-0a1b2c3d4e5f`;
const US = { "us-east-1": { Days: 35, Orders: "yes", Table: "orders" } };
const EU = { "eu-west-1": { Days: 1, Orders: "no", Table: "orders-eu" } };

const db = (map: Obj) => tpl({ Db: { Type: "AWS::RDS::DBInstance", DeletionPolicy: "Snapshot", UpdateReplacePolicy: "Snapshot", Properties: { DBInstanceIdentifier: "orders", BackupRetentionPeriod: { "Fn::FindInMap": ["RegionMap", REGION, "Days"] } } } }, { Mappings: { RegionMap: map } });
const conditioned = (map: Obj) =>
  tpl({ Orders: { Type: "AWS::DynamoDB::Table", Condition: "KeepOrders", Properties: { TableName: "orders" } } }, { Mappings: { RegionMap: map }, Conditions: { KeepOrders: { "Fn::Equals": [{ "Fn::FindInMap": ["RegionMap", REGION, "Orders"] }, "yes"] } } });
const named = (map: Obj) => tpl({ Orders: { Type: "AWS::DynamoDB::Table", Properties: { TableName: { "Fn::FindInMap": ["RegionMap", REGION, "Table"] } } } }, { Mappings: { RegionMap: map } });

/** An update of aws_cloudformation_stack.app, with these attributes on both sides. */
const stack = (before: string, after: string, attrs: Obj = {}, type = "aws_cloudformation_stack") =>
  change(`${type}.app`, ["update"], { name: "app", template_body: before, parameters: {}, ...attrs }, { name: "app", template_body: after, parameters: {}, ...attrs });
/** Judged in a plan whose configuration gives the stack's provider this region expression. */
const withProvider = (c: Obj, region: Obj): string[] => {
  const configuration = {
    provider_config: { aws: { name: "aws", full_name: "registry.terraform.io/hashicorp/aws", expressions: { region } } },
    root_module: { resources: [{ address: "aws_cloudformation_stack.app", mode: "managed", type: "aws_cloudformation_stack", name: "app", provider_config_key: "aws", expressions: {} }] },
  };
  const found: Finding[] = evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan([c], { configuration })))), { config: {} }).judged.map((j) => j.finding);
  return found.map((f) => `${f.ruleId} ${f.resource}`);
};

describe("a Region-keyed Mappings table that gains another region's entry", () => {
  const shapes: [string, (map: Obj) => string][] = [
    ["a retention looked up in it (a guard)", db],
    ["a table's Condition computed from it", conditioned],
    ["a table's name (a replacing property) looked up in it", named],
  ];

  test.each(shapes)("the false alarm, %s: the stack's region known from its region argument, its ARN or its provider: passes", (_, t) => {
    expect(judged([stack(t(US), t({ ...US, ...EU }), { region: "us-east-1" })])).toEqual([]);
    expect(judged([stack(t(US), t({ ...US, ...EU }), { id: ARN("us-east-1") })])).toEqual([]);
    expect(withProvider(stack(t(US), t({ ...US, ...EU })), { constant_value: "us-east-1" })).toEqual([]);
  });

  test.each(shapes)("the control, %s: the stack's own region's entry changed still blocks", (_, t) => {
    const lowered = { "us-east-1": { Days: 1, Orders: "no", Table: "orders-v2" } };
    expect(judged([stack(t(US), t({ ...lowered, ...EU }), { region: "us-east-1" })])).toEqual(BLOCKED);
    // Its region is the new entry's: the entry it reads is gone (no such entry).
    expect(judged([stack(t({ ...US, ...EU }), t(US), { region: "eu-west-1" })])).toEqual(BLOCKED);
  });

  test.each(shapes)("the control, %s: the region not known, every entry counts: blocked", (_, t) => {
    // No region anywhere in the plan.
    expect(judged([stack(t(US), t({ ...US, ...EU }))])).toEqual(BLOCKED);
    // A provider region from a variable.
    expect(withProvider(stack(t(US), t({ ...US, ...EU })), { references: ["var.region"] })).toEqual(BLOCKED);
    // Sources that disagree (the ARN in one region, the region argument another), either way round.
    expect(judged([stack(t(US), t({ ...US, ...EU }), { id: ARN("us-east-1"), region: "eu-west-1" })])).toEqual(BLOCKED);
    expect(judged([stack(t(US), t({ ...US, ...EU }), { id: ARN("eu-west-1"), region: "us-east-1" })])).toEqual(BLOCKED);
    // A region known only after apply.
    const c = stack(t(US), t({ ...US, ...EU }), { region: "us-east-1" });
    ((c.change as Obj).after as Obj).region = null;
    (c.change as Obj).after_unknown = { region: true };
    expect(judged([c])).toEqual(BLOCKED);
  });

  test("a Cloud Control stack with its ARN as stack_id passes; a stack set (instances in many regions) still blocks", () => {
    const awscc = stack(db(US), db({ ...US, ...EU }), { stack_id: ARN("us-east-1") }, "awscc_cloudformation_stack");
    awscc.provider_name = "registry.terraform.io/hashicorp/awscc";
    expect(judged([awscc])).toEqual([]);
    const set = change("aws_cloudformation_stack_set.data", ["update"], { name: "data", template_body: db(US), parameters: {}, region: "us-east-1" }, { name: "data", template_body: db({ ...US, ...EU }), parameters: {}, region: "us-east-1" });
    expect(judged([set])).toEqual(["plan-stack-template-drops-data aws_cloudformation_stack_set.data"]);
  });
});
