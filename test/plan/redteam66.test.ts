/**
 * plan-stack-template-drops-data, red-team round 66 (report B): content moved inside a template by parameters alone,
 * awscc's notification_ar_ns, AWS::Include and macro transforms read anew at every update, a stack set's new
 * parameter, and a resource Condition added that is true on every side.
 */
import { change } from "./helpers";
import { BLOCKED, details, judged, stack, tpl, type Obj } from "./template-stacks";

const TABLE = { Type: "AWS::DynamoDB::Table", Properties: { TableName: "orders" } };

describe("RT66-2: awscc_cloudformation_stack names its notification topics notification_ar_ns", () => {
  const TOPIC = "arn:aws:sns:us-east-1:111111111111:ops";
  const notify = { Notify: { "Fn::Not": [{ "Fn::Equals": [{ "Fn::Join": ["", { Ref: "AWS::NotificationARNs" }] }, ""] }] } };
  const guarded = tpl({ T: { ...TABLE, Condition: "Notify" } }, { Conditions: notify });
  const awscc = (before: Obj, after: Obj, t = guarded) =>
    change("awscc_cloudformation_stack.app", ["update"], { stack_name: "app", template_body: t, parameters: null, ...before }, { stack_name: "app", template_body: t, parameters: null, ...after }, { provider_name: "registry.terraform.io/hashicorp/awscc" });

  test("case 01: notification_ar_ns emptied under a Condition that reads AWS::NotificationARNs: blocked, naming the attribute", () => {
    const c = awscc({ notification_ar_ns: [TOPIC] }, { notification_ar_ns: [] });
    expect(judged([c])).toEqual(["plan-stack-template-drops-data awscc_cloudformation_stack.app"]);
    expect(details([c]).some((d) => d.includes(`notification_ar_ns change (["${TOPIC}"] → [])`))).toBe(true);
  });

  test("the controls: the aws provider's notification_arns still counts; the same list, or a template that does not read it, passes", () => {
    expect(judged([stack(guarded, guarded, [{}, {}], [{ notification_arns: [TOPIC] }, { notification_arns: [] }])])).toEqual(BLOCKED);
    expect(judged([awscc({ notification_ar_ns: [TOPIC] }, { notification_ar_ns: [TOPIC] })])).toEqual([]);
    const plain = tpl({ T: TABLE });
    expect(judged([awscc({ notification_ar_ns: [TOPIC] }, { notification_ar_ns: [] }, plain)])).toEqual([]);
  });
});
