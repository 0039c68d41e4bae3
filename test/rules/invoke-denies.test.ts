/**
 * Red-team round 86: "Allow lambda:InvokeFunction on *, Deny it on the function that deletes" still warned, as the
 * grant stays `*`. Each function and each route's resource is asked whether a certain Deny of the principal's own
 * (identity policies, boundary) covers it; a conditional Deny, or one covering part of it, removes nothing.
 */
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, role, type Obj } from "../helpers/sessions";
import { dir } from "../hcl/helpers";
import { HCL_DELETING_FN_ROLE } from "../helpers/hcl-stacks";

const PINNED = { provider: { aws: [{ region: "eu-central-1", allowed_account_ids: ["111111111111"] }] } };
const LAMBDA = policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
const stack = (statements: Obj[], extra: Obj = {}): Obj =>
  tf(
    {
      ...agentCan(...statements),
      ...role("fn", LAMBDA, DESTROY),
      "aws_lambda_function.cleanup": { function_name: "db-cleanup", role: "${aws_iam_role.fn.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
      "aws_lambda_function.other": { function_name: "other", role: "${aws_iam_role.fn.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
      ...extra,
    },
    PINNED,
  );
const allow = (action: string | string[], resource: unknown) => ({ Effect: "Allow", Action: action, Resource: resource });
const deny = (action: string | string[], resource: unknown, extra: Obj = {}) => ({ Effect: "Deny", Action: action, Resource: resource, ...extra });
const reported = (json: Obj) =>
  check(json, {}, { strict: true })
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy")
    .map((f) => f.resource)
    .sort();
const BOTH = ["aws_lambda_function.cleanup", "aws_lambda_function.other"];
const OTHER = ["aws_lambda_function.other"];
const FN = "${aws_lambda_function.cleanup.arn}";
const INVOKE = allow("lambda:InvokeFunction", "*");

describe("86. the caller's own Deny of a route", () => {
  test("a Deny of invoking the function and its versions, by reference or by a literal pattern, takes it out", () => {
    expect(reported(stack([INVOKE]))).toEqual(BOTH);
    expect(reported(stack([INVOKE, deny("lambda:InvokeFunction", [FN, `${FN}:*`])]))).toEqual(OTHER);
    expect(reported(stack([INVOKE, deny("lambda:Invoke*", "arn:aws:lambda:*:*:function:db-cleanup*")]))).toEqual(OTHER);
    expect(reported(stack([INVOKE, deny("lambda:*", `${FN}*`)]))).toEqual(OTHER);
  });

  test("controls: a conditional Deny, a Deny of the function but not its versions, a Deny of another action or function", () => {
    expect(reported(stack([INVOKE, deny("lambda:InvokeFunction", [FN, `${FN}:*`], { Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } } })]))).toEqual(BOTH);
    expect(reported(stack([INVOKE, deny("lambda:InvokeFunction", FN)]))).toEqual(BOTH);
    expect(reported(stack([INVOKE, deny("lambda:InvokeFunction", "arn:aws:lambda:*:*:function:db-cleanup")]))).toEqual(BOTH);
    expect(reported(stack([INVOKE, deny("lambda:GetFunction", [FN, `${FN}:*`])]))).toEqual(BOTH);
    expect(reported(stack([INVOKE, deny("lambda:InvokeFunction", "${aws_lambda_function.other.arn}*")]))).toEqual(["aws_lambda_function.cleanup"]);
    // InvokeAsync is another way in: denying only InvokeFunction leaves it.
    expect(reported(stack([allow(["lambda:InvokeFunction", "lambda:InvokeAsync"], "*"), deny("lambda:InvokeFunction", `${FN}*`)]))).toEqual(BOTH);
  });

  test("159 F2: a Deny on the function's full literal ARN, in the region and account the provider pins, takes it out", () => {
    const lit = (region: string, account: string, name = "db-cleanup") => [`arn:aws:lambda:${region}:${account}:function:${name}`, `arn:aws:lambda:${region}:${account}:function:${name}:*`];
    expect(reported(stack([INVOKE, deny("lambda:InvokeFunction", lit("eu-central-1", "111111111111"))]))).toEqual(OTHER);
    // Controls: another account or region, another case of the name, a provider that pins no account.
    expect(reported(stack([INVOKE, deny("lambda:InvokeFunction", lit("eu-central-1", "222222222222"))]))).toEqual(BOTH);
    expect(reported(stack([INVOKE, deny("lambda:InvokeFunction", lit("eu-west-1", "111111111111"))]))).toEqual(BOTH);
    expect(reported(stack([INVOKE, deny("lambda:InvokeFunction", lit("eu-central-1", "111111111111", "DB-Cleanup"))]))).toEqual(BOTH);
    const unpinned = { ...stack([INVOKE, deny("lambda:InvokeFunction", lit("eu-central-1", "111111111111"))]), provider: { aws: [{ region: "eu-central-1" }] } };
    expect(reported(unpinned)).toEqual(BOTH);
  });

  test("a route's action denied on its resource: a queue the mapping feeds, by reference or pattern", () => {
    const queue = {
      "aws_sqs_queue.q": { name: "jobs" },
      "aws_lambda_event_source_mapping.m": { event_source_arn: "${aws_sqs_queue.q.arn}", function_name: FN },
    };
    const send = allow("sqs:SendMessage", "*");
    expect(reported(stack([send], queue))).toEqual(["aws_lambda_function.cleanup"]);
    expect(reported(stack([send, deny("sqs:SendMessage", "${aws_sqs_queue.q.arn}")], queue))).toEqual([]);
    expect(reported(stack([send, deny("sqs:*", "arn:aws:sqs:*:*:jobs")], queue))).toEqual([]);
    expect(reported(stack([send, deny("sqs:SendMessage", "arn:aws:sqs:*:*:other")], queue))).toEqual(["aws_lambda_function.cleanup"]);
    expect(reported(stack([send, deny("sqs:SendMessage", "${aws_sqs_queue.q.arn}", { Condition: { Bool: { "aws:SecureTransport": "false" } } })], queue))).toEqual(["aws_lambda_function.cleanup"]);
  });

  test("a bucket notification: the Deny must cover the objects that notify", () => {
    const bucket = {
      "aws_s3_bucket.b": { bucket: "uploads-x" },
      "aws_s3_bucket_versioning.v": { bucket: "${aws_s3_bucket.b.id}", versioning_configuration: [{ status: "Enabled" }] },
      "aws_s3_bucket_notification.n": { bucket: "${aws_s3_bucket.b.id}", lambda_function: [{ lambda_function_arn: FN, events: ["s3:ObjectCreated:*"], filter_prefix: "in/" }] },
    };
    const put = allow("s3:PutObject", "*");
    expect(reported(stack([put], bucket))).toEqual(["aws_lambda_function.cleanup"]);
    expect(reported(stack([put, deny("s3:PutObject", "${aws_s3_bucket.b.arn}/*")], bucket))).toEqual([]);
    expect(reported(stack([put, deny("s3:PutObject", "${aws_s3_bucket.b.arn}/in/*")], bucket))).toEqual([]);
    expect(reported(stack([put, deny("s3:PutObject", "${aws_s3_bucket.b.arn}")], bucket))).toEqual(["aws_lambda_function.cleanup"]);
    expect(reported(stack([put, deny("s3:PutObject", "${aws_s3_bucket.b.arn}/out/*")], bucket))).toEqual(["aws_lambda_function.cleanup"]);
  });

  const HERE = "eu-central-1:111111111111";
  const routeCases: [string, Obj, Obj, (at: string) => string][] = [
    [
      "queue",
      { "aws_sqs_queue.q": { name: "jobs" }, "aws_lambda_event_source_mapping.m": { event_source_arn: "${aws_sqs_queue.q.arn}", function_name: FN } },
      allow("sqs:SendMessage", "*"),
      (at) => `arn:aws:sqs:${at}:jobs`,
    ],
    [
      "bus",
      {
        "aws_cloudwatch_event_bus.b": { name: "orders" },
        "aws_cloudwatch_event_rule.r": { name: "order-placed", event_bus_name: "${aws_cloudwatch_event_bus.b.name}", event_pattern: JSON.stringify({ source: ["shop.orders"] }) },
        "aws_cloudwatch_event_target.t": { rule: "${aws_cloudwatch_event_rule.r.name}", event_bus_name: "${aws_cloudwatch_event_bus.b.name}", arn: FN },
      },
      allow("events:PutEvents", "*"),
      (at) => `arn:aws:events:${at}:event-bus/orders`,
    ],
    [
      "REST API",
      {
        "aws_api_gateway_rest_api.api": { name: "api" },
        "aws_api_gateway_integration.i": { rest_api_id: "${aws_api_gateway_rest_api.api.id}", resource_id: "x", http_method: "POST", type: "AWS_PROXY", integration_http_method: "POST", uri: "${aws_lambda_function.cleanup.invoke_arn}" },
        "aws_api_gateway_method.m": { rest_api_id: "${aws_api_gateway_rest_api.api.id}", resource_id: "x", http_method: "POST", authorization: "AWS_IAM" },
      },
      allow("execute-api:Invoke", "*"),
      (at) => `arn:aws:execute-api:${at}:*`,
    ],
    [
      "HTTP API",
      {
        "aws_apigatewayv2_api.h": { name: "h", protocol_type: "HTTP" },
        "aws_apigatewayv2_integration.i": { api_id: "${aws_apigatewayv2_api.h.id}", integration_type: "AWS_PROXY", integration_uri: FN },
        "aws_apigatewayv2_route.r": { api_id: "${aws_apigatewayv2_api.h.id}", route_key: "POST /x", target: "integrations/${aws_apigatewayv2_integration.i.id}", authorization_type: "AWS_IAM" },
      },
      allow("execute-api:Invoke", "*"),
      (at) => `arn:aws:execute-api:${at}:*`,
    ],
  ];
  test.each(routeCases)("a route's %s: a Deny naming the region and account the provider pins takes it out (was read with * for both)", (_, extra, grant, arn) => {
    const action = grant.Action as string;
    const denied = (at: string) => reported(stack([grant, deny(action, arn(at))], extra));
    expect(reported(stack([grant], extra))).toEqual(["aws_lambda_function.cleanup"]);
    expect(denied(HERE)).toEqual([]);
    // Controls: another region or account; a provider that pins no account.
    expect(denied("eu-west-1:111111111111")).toEqual(["aws_lambda_function.cleanup"]);
    expect(denied("eu-central-1:222222222222")).toEqual(["aws_lambda_function.cleanup"]);
    const unpinned = { ...stack([grant, deny(action, arn(HERE))], extra), provider: { aws: [{ region: "eu-central-1" }] } };
    expect(reported(unpinned)).toEqual(["aws_lambda_function.cleanup"]);
  });

  test("a rule's targets: a Deny of events:PutTargets on the rule's literal ARN in the pinned region and account takes it out", () => {
    const rule = {
      "aws_cloudwatch_event_rule.r": { name: "nightly", schedule_expression: "rate(1 day)" },
      "aws_lambda_permission.ev": { action: "lambda:InvokeFunction", function_name: "${aws_lambda_function.cleanup.function_name}", principal: "events.amazonaws.com", source_arn: "${aws_cloudwatch_event_rule.r.arn}" },
    };
    const put = allow("events:PutTargets", "*");
    expect(reported(stack([put], rule))).toEqual(["aws_lambda_function.cleanup"]);
    expect(reported(stack([put, deny("events:PutTargets", "arn:aws:events:eu-central-1:111111111111:rule/nightly")], rule))).toEqual([]);
    expect(reported(stack([put, deny("events:PutTargets", "arn:aws:events:eu-west-1:111111111111:rule/nightly")], rule))).toEqual(["aws_lambda_function.cleanup"]);
  });

  test("a chain: the role the agent acts as is judged by its own Deny", () => {
    const trust = policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" });
    const assume = allow("sts:AssumeRole", "${aws_iam_role.mid.arn}");
    expect(reported(stack([assume], role("mid", trust, policy(INVOKE))))).toEqual(BOTH);
    expect(reported(stack([assume], role("mid", trust, policy(INVOKE, deny("lambda:InvokeFunction", `${FN}*`)))))).toEqual(OTHER);
  });
});

test("86. through HCL: Allow invoke on *, Deny it on the deleting function and its versions; a boundary's Deny too", async () => {
  const main = (agentExtra: string) => `
resource "aws_iam_role" "agent" {
  name                 = "ai-ops-agent"
  assume_role_policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111111111111:role/agent-runner" } }] })
  tags                 = { "blastwall:agent" = "true" }
  ${agentExtra}
}
resource "aws_iam_policy" "bound" {
  name   = "bound"
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Action = "*", Resource = "*" },
    { Effect = "Deny", Action = "lambda:InvokeFunction", Resource = [aws_lambda_function.cleanup.arn, "\${aws_lambda_function.cleanup.arn}:*"] },
  ] })
}
${HCL_DELETING_FN_ROLE}resource "aws_lambda_function" "cleanup" {
  function_name = "db-cleanup"
  role          = aws_iam_role.fn.arn
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "cleanup.zip"
}
resource "aws_iam_role_policy" "agent" {
  role   = aws_iam_role.agent.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["lambda:InvokeFunction"], Resource = "*" }] })
}
`;
  const found = async (text: string) => (await checkPaths([dir({ "main.tf": text })], { config: {}, rules: agentRules, strict: true })).findings.filter((x) => x.ruleId === "agent-transitive-destroy").map((x) => x.resource);
  expect(await found(main(""))).toEqual(["aws_lambda_function.cleanup"]);
  expect(await found(main("permissions_boundary = aws_iam_policy.bound.arn"))).toEqual([]);
  const ownDeny = `
resource "aws_iam_role_policy" "agentdeny" {
  role   = aws_iam_role.agent.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = "lambda:Invoke*", Resource = "arn:aws:lambda:*:*:function:db-cleanup*" }] })
}`;
  // Written for arn:aws:, the Deny holds where the region puts the function in that partition; in China, or where the
  // region is not known, it names nothing certain (red-team round 87).
  expect(await found(main("") + ownDeny + `\nprovider "aws" {\n  region = "eu-central-1"\n}\n`)).toEqual([]);
  expect(await found(main("") + ownDeny + `\nprovider "aws" {\n  region = "cn-north-1"\n}\n`)).toEqual(["aws_lambda_function.cleanup"]);
  expect(await found(main("") + ownDeny)).toEqual(["aws_lambda_function.cleanup"]);
  expect(await found(main("") + ownDeny.replace("arn:aws:lambda", "arn:*:lambda"))).toEqual([]);
});
