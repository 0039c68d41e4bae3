/**
 * Red-team round 157 F3: the ALB front doors (rules/front-doors.ts `albRoutes`) read every listener's and rule's
 * forwards once for all target groups, not group by group. The routes are those a reading group by group gave, in its
 * order: groups in the stack's order, for each the listeners forwarding to it first, then those a rule of theirs makes
 * forward there, then rules on a listener the stack does not make; a listener's most open gate for the group.
 */
import { buildStack } from "../../lib/engine/terraform/stack";
import { frontDoorRoutes } from "../../lib/rules/front-doors";

const fwd = (g: string) => ({ type: "forward", target_group_arn: `\${aws_lb_target_group.${g}.arn}` });
const oidc = (issuer: string, order: number) => ({ type: "authenticate-oidc", order, authenticate_oidc: [{ issuer, client_id: "c", authorization_endpoint: "https://x/a", token_endpoint: "https://x/t", user_info_endpoint: "https://x/u", client_secret: "s" }] });
// l1 gates g2 and g1 behind a public issuer, but its rule r2 forwards to g1 with none; l3 is internal; r0 is on a
// listener the stack does not make; l4 forwards to g2 both after the issuer and before it (order 0); g3 has no function.
const ALBS = {
  resource: {
    aws_iam_role: { fn: { name: "fn", assume_role_policy: "{}" } },
    aws_lambda_function: { a: { function_name: "a", role: "${aws_iam_role.fn.arn}" }, b: { function_name: "b", role: "${aws_iam_role.fn.arn}" } },
    aws_lb: { pub: { name: "pub" }, priv: { name: "priv", internal: true } },
    aws_lb_target_group: { g1: { name: "g1", target_type: "lambda" }, g2: { name: "g2", target_type: "lambda" }, g3: { name: "g3", target_type: "lambda" } },
    aws_lb_target_group_attachment: {
      b1: { target_group_arn: "${aws_lb_target_group.g1.arn}", target_id: "${aws_lambda_function.b.arn}" },
      a1: { target_group_arn: "${aws_lb_target_group.g1.arn}", target_id: "${aws_lambda_function.a.arn}" },
      a2: { target_group_arn: "${aws_lb_target_group.g2.arn}", target_id: "${aws_lambda_function.a.arn}" },
    },
    aws_lb_listener: {
      l2: { load_balancer_arn: "${aws_lb.pub.arn}", default_action: [{ type: "fixed-response" }] },
      l1: { load_balancer_arn: "${aws_lb.pub.arn}", default_action: [oidc("https://accounts.google.com", 1), { ...fwd("g2"), order: 2 }, { ...fwd("g1"), order: 3 }] },
      l3: { load_balancer_arn: "${aws_lb.priv.arn}", default_action: [fwd("g1")] },
      l4: { load_balancer_arn: "${aws_lb.pub.arn}", default_action: [oidc("https://accounts.google.com", 1), { ...fwd("g2"), order: 2 }, { ...fwd("g2"), order: 0 }] },
    },
    aws_lb_listener_rule: {
      r1: { listener_arn: "${aws_lb_listener.l2.arn}", action: [fwd("g1")] },
      r0: { listener_arn: "${var.listener}", action: [fwd("g2"), fwd("g1")] },
      r2: { listener_arn: "${aws_lb_listener.l1.arn}", action: [fwd("g1")] },
    },
  },
};

test("157 F3: ALB routes in the order and with the gates a group-by-group reading gave", () => {
  const routes = frontDoorRoutes(buildStack(ALBS, "test.tf.json")).map((r) => [r.via.address, r.functions.map((f) => f.address).join(" "), /forwards to (\S+),/.exec(r.how)?.[1], r.open?.label ?? "anyone"]);
  expect(routes).toEqual([
    ["aws_lb_listener.l1", "aws_lambda_function.b aws_lambda_function.a", "aws_lb_target_group.g1", "anyone"],
    ["aws_lb_listener.l2", "aws_lambda_function.b aws_lambda_function.a", "aws_lb_target_group.g1", "anyone"],
    ["aws_lb_listener_rule.r0", "aws_lambda_function.b aws_lambda_function.a", "aws_lb_target_group.g1", "anyone"],
    ["aws_lb_listener.l1", "aws_lambda_function.a", "aws_lb_target_group.g2", "an authorizer anyone passes"],
    ["aws_lb_listener.l4", "aws_lambda_function.a", "aws_lb_target_group.g2", "anyone"],
    ["aws_lb_listener_rule.r0", "aws_lambda_function.a", "aws_lb_target_group.g2", "anyone"],
  ]);
});
