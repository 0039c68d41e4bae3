/**
 * plan-stack-template-drops-data, red-team round 67 (report B, finding 8): a Condition added to a data resource that
 * reads AWS::StackName or AWS::AccountId, which the plan shows (the stack's name; the account in its ARN or its
 * provider's one allowed_account_ids), stopped the plan: only AWS::Region had a value. The pseudo parameters the plan
 * shows now have their values on both sides, where certain; unknown stays unknown, and a stack set's account and
 * region (each instance's own) stay unknown.
 */
import type { Finding } from "../../lib/engine/findings";
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";
import { BLOCKED, judged, stack, type Obj } from "./template-stacks";

const TABLE = { Type: "AWS::DynamoDB::Table", Properties: { TableName: "orders", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], BillingMode: "PAY_PER_REQUEST" } };
const ARN = "arn:aws-cn:cloudformation:cn-north-1:111111111111:stack/app/x";
const plain = JSON.stringify({ Resources: { T: TABLE } });
const guarded = (pseudo: string, value: string) => JSON.stringify({ Conditions: { C: { "Fn::Equals": [{ Ref: pseudo }, value] } }, Resources: { T: { ...TABLE, Condition: "C" } } });
const withId = (extra: Obj = {}): [Obj, Obj] => [{ id: ARN, ...extra }, { id: ARN, ...extra }];

/** Judged in a plan whose configuration gives the stack's provider these expressions. */
function withProvider(c: Obj, expressions: Obj): string[] {
  const configuration = {
    provider_config: { aws: { name: "aws", full_name: "registry.terraform.io/hashicorp/aws", expressions } },
    root_module: { resources: [{ address: "aws_cloudformation_stack.app", mode: "managed", type: "aws_cloudformation_stack", name: "app", provider_config_key: "aws", expressions: {} }] },
  };
  const found: Finding[] = evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan([c], { configuration })))), { config: {} }).judged.map((j) => j.finding);
  return found.map((f) => `${f.ruleId} ${f.resource}`);
}

describe("RT67-B8: pseudo parameters the plan shows", () => {
  test("case P3: a Condition added on AWS::StackName equal to the stack's name: passes; another name: blocked", () => {
    expect(judged([stack(plain, guarded("AWS::StackName", "app"), [{}, {}], withId())])).toEqual([]);
    expect(judged([stack(plain, guarded("AWS::StackName", "app"))])).toEqual([]);
    expect(judged([stack(plain, guarded("AWS::StackName", "other"), [{}, {}], withId())])).toEqual(BLOCKED);
  });

  test("case P4: a Condition added on AWS::AccountId equal to the account in the stack's ARN: passes; another account: blocked", () => {
    expect(judged([stack(plain, guarded("AWS::AccountId", "111111111111"), [{}, {}], withId())])).toEqual([]);
    expect(judged([stack(plain, guarded("AWS::AccountId", "222222222222"), [{}, {}], withId())])).toEqual(BLOCKED);
    // And AWS::Partition from the ARN (aws-cn here).
    expect(judged([stack(plain, guarded("AWS::Partition", "aws-cn"), [{}, {}], withId())])).toEqual([]);
    expect(judged([stack(plain, guarded("AWS::Partition", "aws"), [{}, {}], withId())])).toEqual(BLOCKED);
  });

  test("the account from the provider's one allowed_account_ids, where the stack has no ARN yet", () => {
    const c = stack(plain, guarded("AWS::AccountId", "111111111111"));
    expect(withProvider(c, { allowed_account_ids: { constant_value: ["111111111111"] } })).toEqual([]);
    expect(withProvider(stack(plain, guarded("AWS::AccountId", "222222222222")), { allowed_account_ids: { constant_value: ["111111111111"] } })).toEqual(BLOCKED);
  });

  test("controls, unknown stays unknown: no ARN and no pinned account, two allowed accounts, an ARN and a pin that disagree, a renamed stack: blocked", () => {
    expect(judged([stack(plain, guarded("AWS::AccountId", "111111111111"))])).toEqual(BLOCKED);
    expect(withProvider(stack(plain, guarded("AWS::AccountId", "111111111111")), { allowed_account_ids: { constant_value: ["111111111111", "333333333333"] } })).toEqual(BLOCKED);
    expect(withProvider(stack(plain, guarded("AWS::AccountId", "111111111111"), [{}, {}], withId()), { allowed_account_ids: { constant_value: ["333333333333"] } })).toEqual(BLOCKED);
    expect(withProvider(stack(plain, guarded("AWS::AccountId", "111111111111")), { allowed_account_ids: { references: ["var.accounts"] } })).toEqual(BLOCKED);
    const renamed = change("aws_cloudformation_stack.app", ["update"], { name: "app", template_body: plain, parameters: {} }, { name: "app2", template_body: guarded("AWS::StackName", "app2"), parameters: {} });
    expect(judged([renamed])).toEqual(BLOCKED);
    const unknownName = change("aws_cloudformation_stack.app", ["update"], { name: "app", template_body: plain, parameters: {} }, { template_body: guarded("AWS::StackName", "app"), parameters: {} });
    (unknownName.change as Obj).after_unknown = { name: true };
    expect(judged([unknownName])).toEqual(BLOCKED);
  });

  test("controls: a stack set's account stays unknown (each instance has its own)", () => {
    const set = change("aws_cloudformation_stack_set.data", ["update"], { name: "data", template_body: plain, parameters: {}, id: "data" }, { name: "data", template_body: guarded("AWS::AccountId", "111111111111"), parameters: {}, id: "data" });
    expect(judged([set])).toEqual(["plan-stack-template-drops-data aws_cloudformation_stack_set.data"]);
  });
});
