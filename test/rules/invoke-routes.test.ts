/**
 * Red-team round 85: invoking a deleting function by name was a warning (round 84), but every other way to make it
 * run with the agent's payload passed: a queue, stream or table stream mapped to it, a topic it subscribes to, a
 * bucket that notifies it, an EventBridge permission with no source, an API it backs, InvokeAsync, a function URL
 * with no auth, and any of these held by a role the agent can act as. Same grade: a warning, an error under --strict.
 */
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";
import { dir } from "../hcl/helpers";
import { HCL_AGENT, HCL_DELETING_FN_ROLE } from "../helpers/hcl-stacks";

const PINNED = { provider: { aws: [{ region: "eu-central-1", allowed_account_ids: ["111111111111"] }] } };
const LAMBDA = policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });

const stack = (statements: Obj[], extra: Obj = {}, rights = DESTROY): Obj =>
  tf(
    {
      ...agentCan(...statements),
      ...role("fn", LAMBDA, rights),
      "aws_lambda_function.cleanup": { function_name: "db-cleanup", role: "${aws_iam_role.fn.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
      ...extra,
    },
    PINNED,
  );
const allow = (action: string | string[], resource: unknown) => ({ Effect: "Allow", Action: action, Resource: resource });
const found = (json: Obj, strict = false) =>
  check(json, {}, { strict })
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy")
    .map((f) => ({ severity: f.severity, resource: f.resource, actions: [...f.actions], message: f.message, fix: f.fix ?? "" }));
const graded = (json: Obj) => [...found(json).map((x) => [x.severity, x.resource]), ...found(json, true).map((x) => [x.severity, x.resource])];
const REPORTED = [
  ["warning", "aws_lambda_function.cleanup"],
  ["error", "aws_lambda_function.cleanup"],
];

const QUEUE = {
  "aws_sqs_queue.q": { name: "jobs" },
  "aws_sqs_queue.other": { name: "other" },
  "aws_lambda_event_source_mapping.m": { event_source_arn: "${aws_sqs_queue.q.arn}", function_name: "${aws_lambda_function.cleanup.arn}" },
};

describe("85. routes to a function whose role can delete data", () => {
  test("a message to a queue a mapping feeds to the function: named with the queue, the mapping, the role and a fix", () => {
    const json = stack([allow("sqs:SendMessage", "${aws_sqs_queue.q.arn}")], QUEUE);
    expect(graded(json)).toEqual(REPORTED);
    const f = found(json)[0];
    expect(f.message).toContain("send messages to aws_sqs_queue.q (sqs:SendMessage, through aws_iam_role_policy.agent statement");
    expect(f.message).toContain("which aws_lambda_event_source_mapping.m feeds to aws_lambda_function.cleanup, which runs as aws_iam_role.fn");
    expect(f.message).toContain("aws_iam_role.agent --sqs:SendMessage--> aws_sqs_queue.q --aws_lambda_event_source_mapping.m--> aws_lambda_function.cleanup --runs as--> aws_iam_role.fn");
    expect(f.actions).toEqual(["sqs:SendMessage", "s3:DeleteObject", "dynamodb:DeleteTable"]);
    expect(f.fix).toMatch(/^Take the destroy rights off aws_iam_role\.fn.*take sqs:SendMessage on aws_sqs_queue\.q away from the agent/);
  });

  test("queue controls: another queue, a harmless role, no send right", () => {
    expect(found(stack([allow("sqs:SendMessage", "${aws_sqs_queue.other.arn}")], QUEUE))).toEqual([]);
    expect(found(stack([allow("sqs:SendMessage", "arn:aws:sqs:eu-central-1:111111111111:other")], QUEUE))).toEqual([]);
    expect(found(stack([allow("sqs:SendMessage", "${aws_sqs_queue.q.arn}")], QUEUE, HARMLESS))).toEqual([]);
    expect(found(stack([allow("sqs:ReceiveMessage", "${aws_sqs_queue.q.arn}")], QUEUE))).toEqual([]);
  });

  test("a mapping whose function cannot be resolved names every function of the stack; one whose source cannot, any queue", () => {
    const unresolvedFn = { ...QUEUE, "aws_lambda_event_source_mapping.m": { event_source_arn: "${aws_sqs_queue.q.arn}", function_name: "${var.fn}" } };
    expect(found(stack([allow("sqs:SendMessage", "${aws_sqs_queue.q.arn}")], unresolvedFn)).map((x) => x.resource)).toEqual(["aws_lambda_function.cleanup"]);
    const unresolvedSrc = { ...QUEUE, "aws_lambda_event_source_mapping.m": { event_source_arn: "${var.src}", function_name: "${aws_lambda_function.cleanup.arn}" } };
    expect(found(stack([allow("sqs:SendMessage", "${aws_sqs_queue.other.arn}")], unresolvedSrc)).map((x) => x.resource)).toEqual(["aws_lambda_function.cleanup"]);
  });

  test("records on a mapped Kinesis stream, items in a table whose stream is mapped", () => {
    const kinesis = {
      "aws_kinesis_stream.s": { name: "events" },
      "aws_lambda_event_source_mapping.m": { event_source_arn: "${aws_kinesis_stream.s.arn}", function_name: "${aws_lambda_function.cleanup.function_name}", starting_position: "LATEST" },
    };
    expect(graded(stack([allow("kinesis:PutRecords", "${aws_kinesis_stream.s.arn}")], kinesis))).toEqual(REPORTED);
    expect(found(stack([allow("kinesis:GetRecords", "${aws_kinesis_stream.s.arn}")], kinesis))).toEqual([]);
    const table = {
      "aws_dynamodb_table.t": { name: "orders", hash_key: "id", stream_enabled: true, stream_view_type: "NEW_IMAGE" },
      "aws_lambda_event_source_mapping.m": { event_source_arn: "${aws_dynamodb_table.t.stream_arn}", function_name: "${aws_lambda_function.cleanup.arn}", starting_position: "LATEST" },
    };
    expect(graded(stack([allow("dynamodb:PutItem", "${aws_dynamodb_table.t.arn}")], table))).toEqual(REPORTED);
    expect(found(stack([allow("dynamodb:GetItem", "${aws_dynamodb_table.t.arn}")], table))).toEqual([]);
  });

  test("a publish to a topic with a Lambda subscription; an object written to a bucket that notifies the function", () => {
    const topic = {
      "aws_sns_topic.t": { name: "alerts" },
      "aws_sns_topic_subscription.s": { topic_arn: "${aws_sns_topic.t.arn}", protocol: "lambda", endpoint: "${aws_lambda_function.cleanup.arn}" },
      "aws_lambda_permission.sns": { action: "lambda:InvokeFunction", function_name: "${aws_lambda_function.cleanup.function_name}", principal: "sns.amazonaws.com", source_arn: "${aws_sns_topic.t.arn}" },
    };
    expect(graded(stack([allow("sns:Publish", "${aws_sns_topic.t.arn}")], topic))).toEqual(REPORTED);
    const email = { ...topic, "aws_sns_topic_subscription.s": { topic_arn: "${aws_sns_topic.t.arn}", protocol: "email", endpoint: "ops@example.com" } };
    expect(found(stack([allow("sns:Publish", "${aws_sns_topic.t.arn}")], email))).toEqual([]);
    const bucket = {
      "aws_s3_bucket.b": { bucket: "uploads-x" },
      "aws_s3_bucket_versioning.v": { bucket: "${aws_s3_bucket.b.id}", versioning_configuration: [{ status: "Enabled" }] },
      "aws_s3_bucket_notification.n": { bucket: "${aws_s3_bucket.b.id}", lambda_function: [{ lambda_function_arn: "${aws_lambda_function.cleanup.arn}", events: ["s3:ObjectCreated:*"], filter_prefix: "in/" }] },
    };
    expect(graded(stack([allow("s3:PutObject", "${aws_s3_bucket.b.arn}/*")], bucket))).toEqual(REPORTED);
    expect(found(stack([allow("s3:PutObject", "${aws_s3_bucket.b.arn}/out/*")], bucket))).toEqual([]);
    expect(found(stack([allow("s3:GetObject", "${aws_s3_bucket.b.arn}/*")], bucket))).toEqual([]);
  });

  test("EventBridge: a permission with no source_arn lets the agent's own rule invoke the function; one bound to a rule it cannot target does not", () => {
    // source_account keeps rules of other accounts out (with neither, anyone's rule may invoke: invoke-routes-more.test.ts).
    const open = { "aws_lambda_permission.ev": { action: "lambda:InvokeFunction", function_name: "${aws_lambda_function.cleanup.function_name}", principal: "events.amazonaws.com", source_account: "111111111111" } };
    const rules = allow(["events:PutRule", "events:PutTargets"], "arn:aws:events:eu-central-1:111111111111:rule/agent-*");
    expect(graded(stack([rules], open))).toEqual(REPORTED);
    expect(found(stack([rules], open))[0].message).toContain("add targets with an input of its choosing to any EventBridge rule (events:PutTargets");
    const bound = {
      "aws_cloudwatch_event_rule.nightly": { name: "nightly", schedule_expression: "rate(1 day)" },
      "aws_lambda_permission.ev": { ...open["aws_lambda_permission.ev"], source_arn: "${aws_cloudwatch_event_rule.nightly.arn}" },
    };
    expect(found(stack([rules], bound))).toEqual([]);
    expect(graded(stack([allow("events:PutTargets", "${aws_cloudwatch_event_rule.nightly.arn}")], bound))).toEqual(REPORTED);
    expect(found(stack([allow("events:PutRule", "*")], open))).toEqual([]);
  });

  test("EventBridge: a source_arn pattern the agent's rules can match", () => {
    const pattern = { "aws_lambda_permission.ev": { action: "lambda:InvokeFunction", function_name: "${aws_lambda_function.cleanup.function_name}", principal: "events.amazonaws.com", source_arn: "arn:aws:events:eu-central-1:111111111111:rule/ops-*" } };
    expect(graded(stack([allow("events:PutTargets", "arn:aws:events:eu-central-1:111111111111:rule/ops-agent")], pattern))).toEqual(REPORTED);
    expect(found(stack([allow("events:PutTargets", "arn:aws:events:eu-central-1:111111111111:rule/agent-*")], pattern))).toEqual([]);
  });

  test("an event put on a bus whose rule sends it to the function; not a constant input, not a pattern only AWS services match", () => {
    const bus = (pattern: Obj, target: Obj = {}) => ({
      "aws_cloudwatch_event_bus.b": { name: "orders" },
      "aws_cloudwatch_event_rule.r": { name: "order-placed", event_bus_name: "${aws_cloudwatch_event_bus.b.name}", event_pattern: JSON.stringify(pattern) },
      "aws_cloudwatch_event_target.t": { rule: "${aws_cloudwatch_event_rule.r.name}", event_bus_name: "${aws_cloudwatch_event_bus.b.name}", arn: "${aws_lambda_function.cleanup.arn}", ...target },
    });
    const put = allow("events:PutEvents", "${aws_cloudwatch_event_bus.b.arn}");
    expect(graded(stack([put], bus({ source: ["shop.orders"] })))).toEqual(REPORTED);
    expect(found(stack([put], bus({ source: ["shop.orders"] })))[0].message).toContain("put events on aws_cloudwatch_event_bus.b (events:PutEvents");
    expect(found(stack([put], bus({ source: ["shop.orders"] }, { input: "{}" })))).toEqual([]);
    expect(found(stack([put], bus({ source: ["aws.s3"] })))).toEqual([]);
    expect(found(stack([allow("events:PutEvents", "arn:aws:events:eu-central-1:111111111111:event-bus/default")], bus({ source: ["shop.orders"] })))).toEqual([]);
  });

  test("an API whose AWS_PROXY integration is the function; REST and HTTP APIs", () => {
    const rest = {
      "aws_api_gateway_rest_api.api": { name: "api" },
      "aws_api_gateway_rest_api.other": { name: "other" },
      "aws_api_gateway_integration.i": { rest_api_id: "${aws_api_gateway_rest_api.api.id}", resource_id: "x", http_method: "POST", type: "AWS_PROXY", integration_http_method: "POST", uri: "${aws_lambda_function.cleanup.invoke_arn}" },
      "aws_api_gateway_method.m": { rest_api_id: "${aws_api_gateway_rest_api.api.id}", resource_id: "x", http_method: "POST", authorization: "AWS_IAM" },
    };
    expect(graded(stack([allow("execute-api:Invoke", "${aws_api_gateway_rest_api.api.execution_arn}/*")], rest))).toEqual(REPORTED);
    expect(found(stack([allow("execute-api:Invoke", "${aws_api_gateway_rest_api.other.execution_arn}/*")], rest))).toEqual([]);
    const mock = { ...rest, "aws_api_gateway_integration.i": { ...rest["aws_api_gateway_integration.i"], type: "MOCK", uri: undefined } };
    expect(found(stack([allow("execute-api:Invoke", "*")], mock))).toEqual([]);
    const http = {
      "aws_apigatewayv2_api.h": { name: "h", protocol_type: "HTTP" },
      "aws_apigatewayv2_integration.i": { api_id: "${aws_apigatewayv2_api.h.id}", integration_type: "AWS_PROXY", integration_uri: "${aws_lambda_function.cleanup.arn}" },
      "aws_apigatewayv2_route.r": { api_id: "${aws_apigatewayv2_api.h.id}", route_key: "POST /x", target: "integrations/${aws_apigatewayv2_integration.i.id}", authorization_type: "AWS_IAM" },
    };
    expect(graded(stack([allow("execute-api:Invoke", "${aws_apigatewayv2_api.h.execution_arn}/*/*")], http))).toEqual(REPORTED);
  });

  test("lambda:InvokeAsync is an invoke", () => {
    expect(graded(stack([allow("lambda:InvokeAsync", "${aws_lambda_function.cleanup.arn}")]))).toEqual(REPORTED);
  });

  test("a function URL with authorization_type NONE is reported for every agent, with no right at all; AWS_IAM is not", () => {
    const url = (auth: string) => ({ "aws_lambda_function_url.u": { function_name: "${aws_lambda_function.cleanup.function_name}", authorization_type: auth } });
    const json = stack([allow("s3:GetObject", "*")], url("NONE"));
    expect(graded(json)).toEqual(REPORTED);
    const f = found(json)[0];
    expect(f.message).toContain("with no IAM right at all through aws_lambda_function_url.u");
    expect(f.fix).toContain('require IAM auth on aws_lambda_function_url.u (authorization_type = "AWS_IAM")');
    expect(found(stack([allow("s3:GetObject", "*")], url("AWS_IAM")))).toEqual([]);
    expect(found(stack([allow("s3:GetObject", "*")], url("NONE"), HARMLESS))).toEqual([]);
  });

  test("a role the agent can assume that can invoke the function, or send to its queue: the chain is shown, same grade", () => {
    const trust = policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" });
    const mid = (rights: Obj) => role("mid", trust, policy(rights));
    const assume = allow("sts:AssumeRole", "${aws_iam_role.mid.arn}");
    const direct = stack([assume], mid(allow("lambda:InvokeFunction", "${aws_lambda_function.cleanup.arn}")));
    expect(graded(direct)).toEqual(REPORTED);
    const f = found(direct)[0];
    expect(f.message).toContain("can act as aws_iam_role.mid, which can invoke aws_lambda_function.cleanup");
    expect(f.message).toContain("aws_iam_role.agent --sts:AssumeRole--> aws_iam_role.mid --lambda:InvokeFunction--> aws_lambda_function.cleanup --runs as--> aws_iam_role.fn");
    expect(f.fix).toContain("away from aws_iam_role.mid (or cut the chain from aws_iam_role.agent to it)");
    expect(graded(stack([assume], { ...QUEUE, ...mid(allow("sqs:SendMessage", "${aws_sqs_queue.q.arn}")) }))).toEqual(REPORTED);
    // Controls: a role whose trust does not admit the agent, a role that cannot invoke.
    const closed = role("mid", policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/other" }, Action: "sts:AssumeRole" }), policy(allow("lambda:InvokeFunction", "${aws_lambda_function.cleanup.arn}")));
    expect(found(stack([assume], closed))).toEqual([]);
    expect(found(stack([assume], mid(allow("lambda:GetFunction", "${aws_lambda_function.cleanup.arn}"))))).toEqual([]);
  });
});

test("85. through HCL: a queue mapped to the function, and a scheduler role the agent can pass that invokes it", async () => {
  const d = dir({
    "main.tf": `
${HCL_AGENT}${HCL_DELETING_FN_ROLE}resource "aws_lambda_function" "cleanup" {
  function_name = "db-cleanup"
  role          = aws_iam_role.fn.arn
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "cleanup.zip"
}
resource "aws_lambda_function" "nightly" {
  function_name = "nightly"
  role          = aws_iam_role.fn.arn
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "nightly.zip"
}
resource "aws_sqs_queue" "jobs" { name = "jobs" }
resource "aws_lambda_event_source_mapping" "jobs" {
  event_source_arn = aws_sqs_queue.jobs.arn
  function_name    = aws_lambda_function.cleanup.arn
}
resource "aws_iam_role" "sched" {
  name               = "sched"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "scheduler.amazonaws.com" } }] })
}
resource "aws_iam_role_policy" "sched" {
  role   = aws_iam_role.sched.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["lambda:InvokeFunction"], Resource = aws_lambda_function.nightly.arn }] })
}
resource "aws_iam_role_policy" "agent" {
  role   = aws_iam_role.agent.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Action = ["sqs:SendMessage"], Resource = aws_sqs_queue.jobs.arn },
    { Effect = "Allow", Action = ["scheduler:CreateSchedule"], Resource = "*" },
    { Effect = "Allow", Action = ["iam:PassRole"], Resource = aws_iam_role.sched.arn },
  ] })
}
`,
  });
  const r = await checkPaths([d], { config: {}, rules: agentRules });
  const f = r.findings.filter((x) => x.ruleId === "agent-transitive-destroy");
  expect(f.map((x) => [x.severity, x.resource]).sort()).toEqual([
    ["warning", "aws_lambda_function.cleanup"],
    ["warning", "aws_lambda_function.nightly"],
  ]);
  expect(f.find((x) => x.resource === "aws_lambda_function.cleanup")!.message).toContain("send messages to aws_sqs_queue.jobs (sqs:SendMessage");
  expect(f.find((x) => x.resource === "aws_lambda_function.nightly")!.message).toContain("--iam:PassRole + scheduler:CreateSchedule--> aws_iam_role.sched --lambda:InvokeFunction--> aws_lambda_function.nightly");
  const strict = await checkPaths([d], { config: {}, rules: agentRules, strict: true });
  expect(strict.findings.filter((x) => x.ruleId === "agent-transitive-destroy").map((x) => x.severity)).toEqual(["error", "error"]);
});
