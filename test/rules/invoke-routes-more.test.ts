/**
 * Red-team round 86: routes to a function whose role can delete data that passed with no finding. Log events to a
 * group a subscription filter sends to it, an IoT topic a rule sends to it, objects in a bucket whose events go to
 * EventBridge and a rule there, an asynchronous invoke of a function whose destination it is, a new event source
 * mapping, records on a delivery stream it processes, mail to an SES rule, sign-up to a user pool it is a trigger
 * of, and grants of a queue policy, a topic policy, a bucket policy or a Lambda permission. Same grade as the
 * other routes: a warning, an error under --strict.
 */
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";
import { dir } from "../hcl/helpers";
import { HCL_DELETING_FN_ROLE } from "../helpers/hcl-stacks";

const PINNED = { provider: { aws: [{ region: "eu-central-1", allowed_account_ids: ["111111111111"] }] } };
const LAMBDA = policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
const FN = "${aws_lambda_function.cleanup.arn}";
const AGENT_ARN = "arn:aws:iam::111111111111:role/agents/agent";

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
const NOTHING = allow("s3:GetObject", "*");
const found = (json: Obj, strict = false) =>
  check(json, {}, { strict })
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy")
    .map((f) => ({ severity: f.severity, resource: f.resource, message: f.message, fix: f.fix ?? "" }));
const graded = (json: Obj) => [...found(json).map((x) => [x.severity, x.resource]), ...found(json, true).map((x) => [x.severity, x.resource])];
const REPORTED = [
  ["warning", "aws_lambda_function.cleanup"],
  ["error", "aws_lambda_function.cleanup"],
];

describe("86. more routes to a function whose role can delete data", () => {
  test("log events written to a group whose subscription filter sends them to the function", () => {
    const logs = (destination = FN) => ({
      "aws_cloudwatch_log_group.g": { name: "app" },
      "aws_cloudwatch_log_group.other": { name: "other" },
      "aws_kinesis_stream.s": { name: "logs" },
      "aws_cloudwatch_log_subscription_filter.s": { name: "s", log_group_name: "${aws_cloudwatch_log_group.g.name}", filter_pattern: "ERROR", destination_arn: destination },
    });
    const put = allow("logs:PutLogEvents", "${aws_cloudwatch_log_group.g.arn}:*");
    expect(graded(stack([put], logs()))).toEqual(REPORTED);
    expect(found(stack([put], logs()))[0].message).toContain("write log events to aws_cloudwatch_log_group.g (logs:PutLogEvents, through aws_iam_role_policy.agent statement #0), whose subscription filter aws_cloudwatch_log_subscription_filter.s sends them to aws_lambda_function.cleanup");
    expect(found(stack([allow("logs:PutLogEvents", "${aws_cloudwatch_log_group.other.arn}:*")], logs()))).toEqual([]);
    expect(found(stack([put], logs("${aws_kinesis_stream.s.arn}")))).toEqual([]);
    expect(found(stack([allow("logs:GetLogEvents", "*")], logs()))).toEqual([]);
  });

  test("a publish to an IoT topic an enabled topic rule with a Lambda action reads", () => {
    const rule = (extra: Obj = {}) => ({ "aws_iot_topic_rule.r": { name: "r", enabled: true, sql: "SELECT * FROM 'cmd/#'", sql_version: "2016-03-23", lambda: [{ function_arn: FN }], ...extra } });
    expect(graded(stack([allow("iot:Publish", "arn:aws:iot:eu-central-1:111111111111:topic/cmd/reboot")], rule()))).toEqual(REPORTED);
    expect(found(stack([allow("iot:Publish", "*")], rule()))[0].message).toContain("publish to IoT topic cmd/# (iot:Publish");
    expect(found(stack([allow("iot:Publish", "arn:aws:iot:eu-central-1:111111111111:topic/telemetry/*")], rule()))).toEqual([]);
    expect(found(stack([allow("iot:Publish", "*")], rule({ enabled: false })))).toEqual([]);
    expect(found(stack([allow("iot:Subscribe", "*")], rule()))).toEqual([]);
  });

  test("objects written to a bucket that sends its events to EventBridge, where a rule sends them to the function", () => {
    const eb = (pattern: Obj, eventbridge: unknown = true) => ({
      "aws_s3_bucket.in": { bucket: "inbox" },
      "aws_s3_bucket_versioning.v": { bucket: "${aws_s3_bucket.in.id}", versioning_configuration: [{ status: "Enabled" }] },
      "aws_s3_bucket_notification.n": { bucket: "${aws_s3_bucket.in.id}", eventbridge },
      "aws_cloudwatch_event_rule.r": { name: "r", event_pattern: JSON.stringify(pattern) },
      "aws_cloudwatch_event_target.t": { rule: "${aws_cloudwatch_event_rule.r.name}", arn: FN },
    });
    const put = allow("s3:PutObject", "${aws_s3_bucket.in.arn}/*");
    expect(graded(stack([put], eb({ source: ["aws.s3"] })))).toEqual(REPORTED);
    expect(found(stack([put], eb({ source: ["aws.s3"], detail: { bucket: { name: ["inbox"] } } })))[0].message).toContain("whose events aws_s3_bucket_notification.n sends to EventBridge, where aws_cloudwatch_event_rule.r sends them through aws_cloudwatch_event_target.t to aws_lambda_function.cleanup");
    expect(found(stack([put], eb({ source: ["aws.s3"] }, false)))).toEqual([]);
    expect(found(stack([put], eb({ source: ["aws.ec2"] })))).toEqual([]);
    expect(found(stack([put], eb({ source: ["aws.s3"], detail: { bucket: { name: ["other"] } } })))).toEqual([]);
    expect(found(stack([allow("s3:GetObject", "*")], eb({ source: ["aws.s3"] })))).toEqual([]);
  });

  test("many buckets sending their events to one rule: one finding, a few of the ways named, not every one", () => {
    const many: Obj = { "aws_cloudwatch_event_rule.r": { name: "r", event_pattern: JSON.stringify({ source: ["aws.s3"] }) }, "aws_cloudwatch_event_target.t": { rule: "${aws_cloudwatch_event_rule.r.name}", arn: FN } };
    for (let i = 0; i < 12; i++) {
      many[`aws_s3_bucket.b${i}`] = { bucket: `in-${i}` };
      many[`aws_s3_bucket_versioning.v${i}`] = { bucket: `\${aws_s3_bucket.b${i}.id}`, versioning_configuration: [{ status: "Enabled" }] };
      many[`aws_s3_bucket_notification.n${i}`] = { bucket: `\${aws_s3_bucket.b${i}.id}`, eventbridge: true };
    }
    const f = found(stack([allow("s3:PutObject", "*")], many));
    expect(f.map((x) => x.resource)).toEqual(["aws_lambda_function.cleanup"]);
    expect(f[0].message.split("; it can also ").length).toBe(4);
  });

  test("an asynchronous invoke of a function whose destination is the deleting one (the record carries the payload)", () => {
    const dest = (destination = FN) => ({
      ...role("fn2", LAMBDA, HARMLESS),
      "aws_sqs_queue.dlq": { name: "dlq" },
      "aws_lambda_function.front": { function_name: "front", role: "${aws_iam_role.fn2.arn}", handler: "i.h", runtime: "python3.12", filename: "f.zip" },
      "aws_lambda_function_event_invoke_config.c": { function_name: "${aws_lambda_function.front.function_name}", destination_config: [{ on_failure: [{ destination }] }] },
    });
    const invokeFront = allow("lambda:InvokeFunction", "arn:aws:lambda:*:*:function:front");
    expect(graded(stack([invokeFront], dest()))).toEqual(REPORTED);
    expect(found(stack([invokeFront], dest()))[0].message).toContain("invoke aws_lambda_function.front asynchronously (lambda:InvokeFunction");
    expect(found(stack([invokeFront], dest("${aws_sqs_queue.dlq.arn}")))).toEqual([]);
    expect(found(stack([allow("lambda:InvokeFunction", "arn:aws:lambda:*:*:function:other")], dest()))).toEqual([]);
  });

  test("creating (or repointing) an event source mapping: every function can be the target", () => {
    expect(graded(stack([allow("lambda:CreateEventSourceMapping", "*")]))).toEqual(REPORTED);
    expect(graded(stack([allow("lambda:UpdateEventSourceMapping", "arn:aws:lambda:*:*:event-source-mapping:*")]))).toEqual(REPORTED);
    expect(found(stack([allow("lambda:CreateEventSourceMapping", "*")]))[0].message).toContain("map a source it writes to (a queue, a stream, Kafka brokers of its own) to a function (lambda:CreateEventSourceMapping");
    expect(found(stack([allow("lambda:GetEventSourceMapping", "*")]))).toEqual([]);
    expect(found(stack([allow("lambda:CreateEventSourceMapping", "*"), { Effect: "Deny", Action: "lambda:*EventSourceMapping", Resource: "*" }]))).toEqual([]);
  });

  test("records put on a delivery stream whose Lambda processor is the function; a Kinesis-fed stream's writers", () => {
    const processing = (enabled: unknown) => [{ enabled, processors: [{ type: "Lambda", parameters: [{ parameter_name: "LambdaArn", parameter_value: `${FN}:$LATEST` }] }] }];
    const firehose = (enabled: unknown = true, extra: Obj = {}) => ({
      "aws_kinesis_stream.src": { name: "src" },
      "aws_kinesis_firehose_delivery_stream.d": { name: "d", destination: "extended_s3", extended_s3_configuration: [{ role_arn: "x", bucket_arn: "arn:aws:s3:::x", processing_configuration: processing(enabled) }], ...extra },
    });
    expect(graded(stack([allow("firehose:PutRecordBatch", "${aws_kinesis_firehose_delivery_stream.d.arn}")], firehose()))).toEqual(REPORTED);
    expect(found(stack([allow("firehose:PutRecord", "*")], firehose()))[0].message).toContain("put records on aws_kinesis_firehose_delivery_stream.d (firehose:PutRecord");
    expect(found(stack([allow("firehose:PutRecord", "*")], firehose(false)))).toEqual([]);
    expect(found(stack([allow("firehose:PutRecord", "arn:aws:firehose:*:*:deliverystream/other")], firehose()))).toEqual([]);
    const fed = firehose(true, { kinesis_source_configuration: [{ kinesis_stream_arn: "${aws_kinesis_stream.src.arn}", role_arn: "x" }] });
    expect(graded(stack([allow("kinesis:PutRecord", "${aws_kinesis_stream.src.arn}")], fed))).toEqual(REPORTED);
    expect(found(stack([allow("firehose:PutRecord", "*")], fed))).toEqual([]);
  });

  test("an enabled SES receipt rule with a Lambda action: anyone can send mail, unless the stack activates another rule set", () => {
    const ses = (enabled: unknown, active?: string) => ({
      "aws_ses_receipt_rule_set.s": { rule_set_name: "inbound" },
      "aws_ses_receipt_rule.r": { name: "r", rule_set_name: "${aws_ses_receipt_rule_set.s.rule_set_name}", enabled, lambda_action: [{ function_arn: FN, position: 1 }] },
      ...(active ? { "aws_ses_active_receipt_rule_set.a": { rule_set_name: active } } : {}),
    });
    expect(graded(stack([NOTHING], ses(true)))).toEqual(REPORTED);
    const f = found(stack([NOTHING], ses(true)))[0];
    expect(f.message).toContain("with no IAM right at all by sending mail to an address aws_ses_receipt_rule.r receives for");
    expect(f.fix).toContain("take the lambda_action off aws_ses_receipt_rule.r");
    expect(graded(stack([NOTHING], ses(true, "inbound")))).toEqual(REPORTED);
    expect(found(stack([NOTHING], ses(true, "other")))).toEqual([]);
    expect(found(stack([NOTHING], ses(undefined)))).toEqual([]);
    expect(found(stack([NOTHING], ses(true), HARMLESS))).toEqual([]);
  });

  test("a user pool trigger: any trigger when anyone may sign up; only user migration when admins alone create users", () => {
    const pool = (config: Obj, adminOnly?: boolean) => ({
      "aws_cognito_user_pool.p": { name: "p", lambda_config: [config], ...(adminOnly === undefined ? {} : { admin_create_user_config: [{ allow_admin_create_user_only: adminOnly }] }) },
    });
    expect(graded(stack([NOTHING], pool({ pre_sign_up: FN })))).toEqual(REPORTED);
    const f = found(stack([NOTHING], pool({ pre_sign_up: FN })))[0];
    expect(f.message).toContain("through the pre_sign_up trigger of aws_cognito_user_pool.p, a user pool that lets anyone sign up");
    expect(f.fix).toContain("allow_admin_create_user_only = true");
    expect(graded(stack([NOTHING], pool({ custom_email_sender: [{ lambda_arn: FN, lambda_version: "V1_0" }] }, false)))).toEqual(REPORTED);
    expect(found(stack([NOTHING], pool({ pre_sign_up: FN }, true)))).toEqual([]);
    expect(graded(stack([NOTHING], pool({ user_migration: FN }, true)))).toEqual(REPORTED);
  });

  test("resource policies: a queue policy, a topic policy, a bucket policy or a Lambda permission naming the agent", () => {
    const queue = (principal: unknown, condition?: Obj) => ({
      "aws_sqs_queue.q": { name: "jobs" },
      "aws_sqs_queue_policy.qp": { queue_url: "${aws_sqs_queue.q.id}", policy: policy({ Effect: "Allow", Principal: principal, Action: "sqs:SendMessage", Resource: "${aws_sqs_queue.q.arn}", ...(condition ? { Condition: condition } : {}) }) },
      "aws_lambda_event_source_mapping.m": { event_source_arn: "${aws_sqs_queue.q.arn}", function_name: FN },
    });
    expect(graded(stack([NOTHING], queue({ AWS: AGENT_ARN })))).toEqual(REPORTED);
    expect(found(stack([NOTHING], queue({ AWS: AGENT_ARN })))[0].message).toContain("send messages to aws_sqs_queue.q (sqs:SendMessage, through aws_sqs_queue_policy.qp statement #0)");
    expect(graded(stack([NOTHING], queue("*")))).toEqual(REPORTED);
    expect(found(stack([NOTHING], queue({ AWS: "arn:aws:iam::111111111111:role/other" })))).toEqual([]);
    expect(found(stack([NOTHING], queue({ AWS: "arn:aws:iam::111111111111:root" })))).toEqual([]);
    expect(found(stack([NOTHING], queue("*", { ArnEquals: { "aws:SourceArn": "arn:aws:sns:eu-central-1:111111111111:t" } })))).toEqual([]);
    expect(found(stack([NOTHING], queue({ Service: "sns.amazonaws.com" })))).toEqual([]);

    const topic = (principal: unknown) => ({
      "aws_sns_topic.t": { name: "alerts", policy: policy({ Effect: "Allow", Principal: principal, Action: "SNS:Publish", Resource: "${aws_sns_topic.t.arn}" }) },
      "aws_sns_topic_subscription.s": { topic_arn: "${aws_sns_topic.t.arn}", protocol: "lambda", endpoint: FN },
    });
    expect(graded(stack([NOTHING], topic({ AWS: AGENT_ARN })))).toEqual(REPORTED);
    expect(found(stack([NOTHING], topic({ AWS: "arn:aws:iam::111111111111:role/other" })))).toEqual([]);

    const permission = (principal: string) => ({ "aws_lambda_permission.p": { statement_id: "agent", action: "lambda:InvokeFunction", function_name: "${aws_lambda_function.cleanup.function_name}", principal } });
    expect(graded(stack([NOTHING], permission(AGENT_ARN)))).toEqual(REPORTED);
    expect(found(stack([NOTHING], permission("arn:aws:iam::111111111111:role/other")))).toEqual([]);

    const bucket = (principal: unknown) => ({
      "aws_s3_bucket.b": { bucket: "uploads-x" },
      "aws_s3_bucket_versioning.v": { bucket: "${aws_s3_bucket.b.id}", versioning_configuration: [{ status: "Enabled" }] },
      "aws_s3_bucket_policy.bp": { bucket: "${aws_s3_bucket.b.id}", policy: policy({ Effect: "Allow", Principal: principal, Action: "s3:PutObject", Resource: "${aws_s3_bucket.b.arn}/*" }) },
      "aws_s3_bucket_notification.n": { bucket: "${aws_s3_bucket.b.id}", lambda_function: [{ lambda_function_arn: FN, events: ["s3:ObjectCreated:*"] }] },
    });
    expect(graded(stack([NOTHING], bucket({ AWS: AGENT_ARN })))).toEqual(REPORTED);
    expect(found(stack([NOTHING], bucket({ AWS: "arn:aws:iam::111111111111:role/other" })))).toEqual([]);
  });
});

describe("139 F2. a queue or topic policy only a service's delivery meets is a route for whoever can make the service send", () => {
  const ACCT = "111111111111";
  const queue = (principal: unknown, condition?: Obj, extra: Obj = {}) => ({
    "aws_sqs_queue.q": { name: "jobs" },
    "aws_sqs_queue_policy.qp": { queue_url: "${aws_sqs_queue.q.id}", policy: policy({ Effect: "Allow", Principal: principal, Action: "sqs:SendMessage", Resource: "${aws_sqs_queue.q.arn}", ...(condition ? { Condition: condition } : {}) }) },
    "aws_lambda_event_source_mapping.m": { event_source_arn: "${aws_sqs_queue.q.arn}", function_name: FN },
    ...extra,
  });
  const PUBLISH = allow(["sns:CreateTopic", "sns:Subscribe", "sns:Publish"], "*");
  const OWN = { StringEquals: { "aws:SourceAccount": ACCT } };

  test("aws:SourceAccount of the agent's own account: it publishes through a topic of its own", () => {
    expect(graded(stack([PUBLISH], queue("*", OWN)))).toEqual(REPORTED);
    const f = found(stack([PUBLISH], queue("*", OWN)))[0];
    expect(f.message).toContain(
      `send messages to aws_sqs_queue.q (sqs:SendMessage, through aws_sqs_queue_policy.qp statement #0, whose condition StringEquals aws:SourceAccount ${ACCT} is met by a delivery from an SNS topic of account ${ACCT}: it publishes to such a topic (sns:Publish on *, through aws_iam_role_policy.agent statement #0)`,
    );
    expect(f.message).toContain("SNS delivers the message as sns.amazonaws.com");
    expect(f.fix).toContain("take sns:Publish on * away from the agent, or pin aws_sqs_queue_policy.qp statement #0 with aws:SourceArn to the exact ARN of the source meant to send");
    expect(f.fix).not.toContain("take sqs:SendMessage");
  });

  test("aws:SourceOwner, a wildcard aws:SourceArn over the account, aws:SourceOrgID, a service principal with no condition", () => {
    expect(graded(stack([PUBLISH], queue("*", { StringEquals: { "aws:SourceOwner": ACCT } })))).toEqual(REPORTED);
    expect(graded(stack([PUBLISH], queue({ AWS: "*" }, { ArnLike: { "aws:SourceArn": `arn:aws:sns:*:${ACCT}:*` } })))).toEqual(REPORTED);
    expect(graded(stack([PUBLISH], queue("*", { StringEquals: { "aws:SourceOrgID": "o-abc123" } })))).toEqual(REPORTED);
    expect(graded(stack([PUBLISH], queue({ Service: "sns.amazonaws.com" })))).toEqual(REPORTED);
    expect(found(stack([PUBLISH], queue({ Service: "sns.amazonaws.com" })))[0].message).toContain("whose service principal, with no condition on the source, admits a delivery from an SNS topic");
  });

  test("an EventBridge rule or a bucket of the account sends for it too", () => {
    const targets = allow("events:PutTargets", "*");
    expect(graded(stack([targets], queue("*", OWN)))).toEqual(REPORTED);
    expect(found(stack([targets], queue("*", OWN)))[0].message).toContain("it adds aws_sqs_queue.q as a target with a constant input of its choosing to such a rule (events:PutTargets on *");
    expect(graded(stack([targets], queue({ Service: "events.amazonaws.com" }, { ArnLike: { "aws:SourceArn": `arn:aws:events:eu-central-1:${ACCT}:rule/*` } })))).toEqual(REPORTED);
    const write = allow("s3:PutObject", "arn:aws:s3:::drop/*");
    expect(graded(stack([write], queue("*", { ArnLike: { "aws:SourceArn": "arn:aws:s3:::drop" } })))).toEqual(REPORTED);
    expect(found(stack([write], queue("*", { ArnLike: { "aws:SourceArn": "arn:aws:s3:::other" } })))).toEqual([]);
    // Only the service the principal names delivers: an events-only statement is no route for a publisher.
    expect(found(stack([PUBLISH], queue({ Service: "events.amazonaws.com" }, OWN)))).toEqual([]);
  });

  test("an exact aws:SourceArn of a topic of the stack: a route only for whoever can publish to that topic", () => {
    const topic = { "aws_sns_topic.t": { name: "orders" }, "aws_sns_topic.other": { name: "other" } };
    const pinned = { ArnEquals: { "aws:SourceArn": "${aws_sns_topic.t.arn}" } };
    expect(found(stack([allow("sns:Publish", "${aws_sns_topic.other.arn}")], queue({ Service: "sns.amazonaws.com" }, pinned, topic)))).toEqual([]);
    expect(found(stack([allow("sns:Publish", "${aws_sns_topic.other.arn}")], queue("*", pinned, topic)))).toEqual([]);
    expect(graded(stack([allow("sns:Publish", "${aws_sns_topic.t.arn}")], queue("*", pinned, topic)))).toEqual(REPORTED);
    // A topic is no rule: a right to add rule targets does not fire it.
    expect(found(stack([allow("events:PutTargets", "*")], queue("*", pinned, topic)))).toEqual([]);
  });

  test("controls: another account, no right to fire a source, a Deny of its own send that does not stop the service", () => {
    expect(found(stack([PUBLISH], queue("*", { StringEquals: { "aws:SourceAccount": "222222222222" } })))).toEqual([]);
    expect(found(stack([PUBLISH], queue("*", { ArnLike: { "aws:SourceArn": "arn:aws:sns:*:222222222222:*" } })))).toEqual([]);
    expect(found(stack([NOTHING], queue("*", OWN)))).toEqual([]);
    const denyPublish = { Effect: "Deny", Action: "sns:Publish", Resource: "*" };
    expect(found(stack([PUBLISH, denyPublish], queue("*", OWN)))).toEqual([]);
    // Its own Deny of sqs:SendMessage does not refuse SNS's delivery.
    const denySend = { Effect: "Deny", Action: "sqs:SendMessage", Resource: "*" };
    expect(graded(stack([PUBLISH, denySend], queue("*", OWN)))).toEqual(REPORTED);
    expect(found(stack([NOTHING, denySend], queue("*")))).toEqual([]);
  });

  test("a negated source condition is met by the caller's own call, which carries no such key", () => {
    expect(graded(stack([NOTHING], queue("*", { StringNotEquals: { "aws:SourceAccount": "222222222222" } })))).toEqual(REPORTED);
  });

  test("a topic policy: an EventBridge rule of the account publishes for it", () => {
    const topic = (condition: Obj) => ({
      "aws_sns_topic.t": { name: "alerts", policy: policy({ Effect: "Allow", Principal: "*", Action: "SNS:Publish", Resource: "${aws_sns_topic.t.arn}", Condition: condition }) },
      "aws_sns_topic_subscription.s": { topic_arn: "${aws_sns_topic.t.arn}", protocol: "lambda", endpoint: FN },
    });
    expect(graded(stack([allow("events:PutTargets", "*")], topic(OWN)))).toEqual(REPORTED);
    expect(found(stack([allow("events:PutTargets", "*")], topic(OWN)))[0].message).toContain("publish to aws_sns_topic.t (sns:Publish, through aws_sns_topic.t statement #0, whose condition StringEquals aws:SourceAccount");
    expect(found(stack([NOTHING], topic(OWN)))).toEqual([]);
    expect(found(stack([allow("events:PutTargets", "*")], topic({ StringEquals: { "aws:SourceAccount": "222222222222" } })))).toEqual([]);
  });
});

describe("a Lambda permission for a service principal is a route for whoever can make that service invoke the function", () => {
  const ACCT = "111111111111";
  const permission = (principal: string, extra: Obj = {}, more: Obj = {}) => ({
    "aws_lambda_permission.p": { action: "lambda:InvokeFunction", function_name: "${aws_lambda_function.cleanup.function_name}", principal, ...extra },
    ...more,
  });
  const SNS = allow(["sns:Subscribe", "sns:Publish"], "*");

  test("SNS with no source_arn: a topic the agent subscribes the function to and publishes to", () => {
    // source_account alone: a topic of that account (with neither, any account's: the 146 L1 tests below).
    const own = permission("sns.amazonaws.com", { source_account: ACCT });
    expect(graded(stack([SNS], own))).toEqual(REPORTED);
    const f = found(stack([SNS], own))[0];
    expect(f.message).toContain(
      "set up any SNS topic of account 111111111111 to invoke a function (sns:Subscribe, sns:Publish, through aws_iam_role_policy.agent statement #0): it subscribes the function to such a topic (protocol lambda, which asks no confirmation in the function's own account) and publishes to it, and SNS invokes the function with its message; aws_lambda_permission.p lets sns.amazonaws.com invoke aws_lambda_function.cleanup",
    );
    expect(f.fix).toContain("take sns:Subscribe and sns:Publish on any SNS topic of account 111111111111 away from the agent, or set source_arn on aws_lambda_permission.p to the exact ARN of the one source meant to invoke it");
    // Both rights are needed: a publish alone reaches no subscription, a subscription alone sends nothing.
    expect(found(stack([allow("sns:Publish", "*")], own))).toEqual([]);
    expect(found(stack([allow("sns:Subscribe", "*")], own))).toEqual([]);
    expect(found(stack([SNS], permission("sns.amazonaws.com", { action: "lambda:GetFunction" })))).toEqual([]);
  });

  test("only source_account, or a wildcard source_arn: a topic of that account; another account stays closed", () => {
    expect(graded(stack([SNS], permission("sns.amazonaws.com", { source_account: ACCT })))).toEqual(REPORTED);
    expect(found(stack([SNS], permission("sns.amazonaws.com", { source_account: ACCT })))[0].message).toContain("set up any SNS topic of account 111111111111 to invoke a function");
    expect(graded(stack([SNS], permission("sns.amazonaws.com", { source_arn: `arn:aws:sns:eu-central-1:${ACCT}:*` })))).toEqual(REPORTED);
    expect(graded(stack([allow(["sns:Subscribe", "sns:Publish"], `arn:aws:sns:eu-central-1:${ACCT}:agent-*`)], permission("sns.amazonaws.com", { source_arn: "arn:aws:sns:*:*:agent-*" })))).toEqual(REPORTED);
    expect(found(stack([SNS], permission("sns.amazonaws.com", { source_account: "222222222222" })))).toEqual([]);
    expect(found(stack([SNS], permission("sns.amazonaws.com", { source_arn: "arn:aws:sns:eu-central-1:222222222222:*" })))).toEqual([]);
  });

  // A source_arn that leaves the account open admits a topic of anyone's account, whatever rights the agent holds here;
  // so does an S3 source_arn with a wildcard in the bucket's name (bucket ARNs name no account).
  test("a literal source_arn open to any account, and no source_account: open to anyone, saying which source_arn", () => {
    const [f] = found(stack([allow(["sns:Subscribe", "sns:Publish"], `arn:aws:sns:eu-central-1:${ACCT}:agent-*`)], permission("sns.amazonaws.com", { source_arn: "arn:aws:sns:*:*:ops-*" })));
    expect(f.message).toContain("a permission for sns.amazonaws.com with a source_arn that admits sources of any account (arn:aws:sns:*:*:ops-*) and no source_account");
    expect(found(stack([], permission("s3.amazonaws.com", { source_arn: "arn:aws:s3:::ops-*" })))).toHaveLength(1);
    // Controls: the account pinned in source_arn or by source_account, and an S3 bucket named exactly.
    expect(found(stack([], permission("sns.amazonaws.com", { source_arn: "arn:aws:sns:*:222222222222:ops-*" })))).toEqual([]);
    expect(found(stack([], permission("sns.amazonaws.com", { source_arn: "arn:aws:sns:*:*:ops-*", source_account: "222222222222" })))).toEqual([]);
    // A bucket named exactly that this stack holds is this account's: closed.
    expect(found(stack([], permission("s3.amazonaws.com", { source_arn: "arn:aws:s3:::ops-exports" }, { "aws_s3_bucket.exports": { bucket: "ops-exports" } })))).toEqual([]);
  });

  // AWS's own advice for S3 sources: a bucket may be deleted and its name taken by another account, whose bucket's
  // notifications then invoke the function, unless source_account pins the account.
  test("an S3 bucket named exactly that the stack does not hold, and no source_account: open to whoever owns that name", () => {
    const [f] = found(stack([], permission("s3.amazonaws.com", { source_arn: "arn:aws:s3:::ops-exports" })));
    expect(f.message).toContain("a permission for s3.amazonaws.com with a source_arn naming bucket ops-exports, which this stack does not hold, and no source_account: S3 bucket ARNs carry no account");
    expect(found(stack([], permission("s3.amazonaws.com", { source_arn: "arn:aws:s3:::ops-exports", source_account: ACCT })))).toEqual([]);
  });

  test("an exact source_arn of a topic of the stack: closed unless the agent can subscribe to and publish to that topic", () => {
    const topics = { "aws_sns_topic.t": { name: "orders" }, "aws_sns_topic.mine": { name: "agent-scratch" } };
    const pinned = permission("sns.amazonaws.com", { source_arn: "${aws_sns_topic.t.arn}" }, topics);
    expect(found(stack([allow(["sns:Subscribe", "sns:Publish"], "${aws_sns_topic.mine.arn}")], pinned))).toEqual([]);
    expect(found(stack([allow(["sns:Subscribe", "sns:Publish"], "arn:aws:sns:eu-central-1:111111111111:agent-*")], pinned))).toEqual([]);
    expect(graded(stack([allow(["sns:Subscribe", "sns:Publish"], "${aws_sns_topic.t.arn}")], pinned))).toEqual(REPORTED);
    const f = found(stack([allow(["sns:Subscribe", "sns:Publish"], "${aws_sns_topic.t.arn}")], pinned))[0];
    expect(f.message).toContain("set up aws_sns_topic.t to invoke a function");
    expect(f.fix).toContain("take sns:Subscribe and sns:Publish on aws_sns_topic.t away from the agent, or point source_arn on aws_lambda_permission.p at a source the caller cannot set up");
    // Its own Deny of the subscription closes it: SNS cannot be pointed at the function.
    expect(found(stack([allow(["sns:Subscribe", "sns:Publish"], "${aws_sns_topic.t.arn}"), { Effect: "Deny", Action: "sns:Subscribe", Resource: "*" }], pinned))).toEqual([]);
  });

  test("S3: a bucket the agent points at the function and writes to", () => {
    const s3 = permission("s3.amazonaws.com", { source_account: ACCT });
    const own = allow(["s3:PutBucketNotification", "s3:PutObject"], ["arn:aws:s3:::agent-*", "arn:aws:s3:::agent-*/*"]);
    expect(graded(stack([own], s3))).toEqual(REPORTED);
    expect(found(stack([own], s3))[0].message).toContain("(s3:PutBucketNotification, s3:PutObject, through aws_iam_role_policy.agent statement #0): it points such a bucket's event notification at the function");
    expect(found(stack([allow("s3:PutObject", "*")], s3))).toEqual([]);
    expect(found(stack([own], permission("s3.amazonaws.com", { source_account: "222222222222" })))).toEqual([]);
    expect(found(stack([own], permission("s3.amazonaws.com", { source_arn: "arn:aws:s3:::uploads", source_account: ACCT })))).toEqual([]);
    expect(graded(stack([own], permission("s3.amazonaws.com", { source_arn: "arn:aws:s3:::agent-drop" })))).toEqual(REPORTED);
  });

  test("CloudWatch Logs (a regional principal), IoT, SES, Cognito, API Gateway, CloudWatch alarms", () => {
    const groups = { "aws_cloudwatch_log_group.g": { name: "app" }, "aws_cloudwatch_log_group.other": { name: "other" } };
    const logs = permission("logs.eu-central-1.amazonaws.com", { source_arn: "${aws_cloudwatch_log_group.g.arn}:*" }, groups);
    expect(graded(stack([allow(["logs:PutSubscriptionFilter", "logs:PutLogEvents"], "${aws_cloudwatch_log_group.g.arn}:*")], logs))).toEqual(REPORTED);
    expect(found(stack([allow(["logs:PutSubscriptionFilter", "logs:PutLogEvents"], "${aws_cloudwatch_log_group.other.arn}:*")], logs))).toEqual([]);
    expect(found(stack([allow("logs:PutLogEvents", "*")], logs))).toEqual([]);
    const own = { source_account: ACCT };
    expect(graded(stack([allow(["iot:CreateTopicRule", "iot:Publish"], "*")], permission("iot.amazonaws.com", own)))).toEqual(REPORTED);
    expect(found(stack([allow("iot:CreateTopicRule", "*")], permission("iot.amazonaws.com", own)))).toEqual([]);
    expect(graded(stack([allow("ses:CreateReceiptRule", "*")], permission("ses.amazonaws.com", own)))).toEqual(REPORTED);
    expect(graded(stack([allow("cognito-idp:UpdateUserPool", "*")], permission("cognito-idp.amazonaws.com", own)))).toEqual(REPORTED);
    expect(graded(stack([allow("apigateway:POST", "arn:aws:apigateway:eu-central-1::/restapis*")], permission("apigateway.amazonaws.com", own)))).toEqual(REPORTED);
    expect(graded(stack([allow("cloudwatch:PutMetricAlarm", "*")], permission("lambda.alarms.cloudwatch.amazonaws.com", own)))).toEqual(REPORTED);
    // Rights of another service make none of these invoke.
    for (const principal of ["iot.amazonaws.com", "ses.amazonaws.com", "cognito-idp.amazonaws.com", "apigateway.amazonaws.com", "lambda.alarms.cloudwatch.amazonaws.com", "logs.amazonaws.com"])
      expect(found(stack([SNS], permission(principal, own)))).toEqual([]);
    // CloudWatch Logs sends to a function of the filter's own account only: with neither source_arn nor source_account,
    // still a route for whoever can subscribe a group of this account, not open to every account.
    expect(found(stack([SNS], permission("logs.amazonaws.com")))).toEqual([]);
  });
});

test("86. through HCL: a log subscription filter and a queue policy naming the agent", async () => {
  const d = dir({
    "main.tf": `
resource "aws_iam_role" "agent" {
  name               = "agent"
  path               = "/agents/"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111111111111:role/agent-runner" } }] })
  tags               = { "blastwall:agent" = "true" }
}
resource "aws_iam_role_policy" "agent" {
  role   = aws_iam_role.agent.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["logs:PutLogEvents", "logs:CreateLogStream"], Resource = "\${aws_cloudwatch_log_group.app.arn}:*" }] })
}
${HCL_DELETING_FN_ROLE}resource "aws_lambda_function" "logs" {
  function_name = "log-shipper"
  role          = aws_iam_role.fn.arn
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "logs.zip"
}
resource "aws_lambda_function" "jobs" {
  function_name = "jobs"
  role          = aws_iam_role.fn.arn
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "jobs.zip"
}
resource "aws_cloudwatch_log_group" "app" { name = "app" }
resource "aws_cloudwatch_log_subscription_filter" "ship" {
  name            = "ship"
  log_group_name  = aws_cloudwatch_log_group.app.name
  filter_pattern  = ""
  destination_arn = aws_lambda_function.logs.arn
}
resource "aws_sqs_queue" "jobs" { name = "jobs" }
resource "aws_sqs_queue_policy" "jobs" {
  queue_url = aws_sqs_queue.jobs.id
  policy    = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = aws_iam_role.agent.arn }, Action = "sqs:SendMessage", Resource = aws_sqs_queue.jobs.arn }] })
}
resource "aws_lambda_event_source_mapping" "jobs" {
  event_source_arn = aws_sqs_queue.jobs.arn
  function_name    = aws_lambda_function.jobs.arn
}
`,
  });
  const r = await checkPaths([d], { config: {}, rules: agentRules, strict: true });
  const f = r.findings.filter((x) => x.ruleId === "agent-transitive-destroy");
  expect(f.map((x) => [x.severity, x.resource]).sort()).toEqual([
    ["error", "aws_lambda_function.jobs"],
    ["error", "aws_lambda_function.logs"],
  ]);
  expect(f.find((x) => x.resource === "aws_lambda_function.jobs")!.message).toContain("through aws_sqs_queue_policy.jobs statement #0");
});

describe("142 F2/F3. events:PutEvents through a rule that targets the topic; deliveries of CloudWatch alarms, SES, Config and unmodelled services", () => {
  const ACCT = "111111111111";
  const OWN = { StringEquals: { "aws:SourceAccount": ACCT } };
  const topic = (principal: unknown, condition?: Obj, extra: Obj = {}) => ({
    "aws_sns_topic.t": { name: "alerts" },
    "aws_sns_topic_policy.tp": { arn: "${aws_sns_topic.t.arn}", policy: policy({ Effect: "Allow", Principal: principal, Action: "SNS:Publish", Resource: "${aws_sns_topic.t.arn}", ...(condition ? { Condition: condition } : {}) }) },
    "aws_sns_topic_subscription.s": { topic_arn: "${aws_sns_topic.t.arn}", protocol: "lambda", endpoint: FN },
    ...extra,
  });
  const rule = (pattern: unknown, target: Obj = {}) => ({
    "aws_cloudwatch_event_rule.r": { name: "r", ...(pattern === undefined ? { schedule_expression: "rate(1 hour)" } : { event_pattern: JSON.stringify(pattern) }) },
    "aws_cloudwatch_event_target.t": { rule: "${aws_cloudwatch_event_rule.r.name}", arn: "${aws_sns_topic.t.arn}", ...target },
  });
  const PINNED = { ArnEquals: { "aws:SourceArn": "${aws_cloudwatch_event_rule.r.arn}" } };
  const put = (condition?: Obj) => ({ ...allow("events:PutEvents", "*"), ...(condition ? { Condition: condition } : {}) });

  test("F2: PutEvents with a source the rule matches fires a rule pinned by aws:SourceArn", () => {
    const json = stack([put()], topic({ Service: "events.amazonaws.com" }, PINNED, rule({ source: ["app"] })));
    expect(graded(json)).toEqual(REPORTED);
    const f = found(json)[0];
    expect(f.message).toContain("whose condition ArnEquals aws:SourceArn ${aws_cloudwatch_event_rule.r.arn} is met by a delivery from aws_cloudwatch_event_rule.r: it puts an event with a source aws_cloudwatch_event_rule.r matches (app) on the default bus (events:PutEvents on *");
    expect(f.fix).toContain("take events:PutEvents on * away from the agent (or limit it with an events:source condition");
    // No source in the pattern, or one of account scope: matched too.
    expect(graded(stack([put()], topic({ Service: "events.amazonaws.com" }, PINNED, rule({ "detail-type": ["x"] }))))).toEqual(REPORTED);
    expect(graded(stack([put()], topic("*", OWN, rule({ source: ["app"] }))))).toEqual(REPORTED);
    expect(graded(stack([put({ StringEquals: { "events:source": "app" } })], topic({ Service: "events.amazonaws.com" }, PINNED, rule({ source: ["app"] }))))).toEqual(REPORTED);
  });

  test("F2 controls: aws.* sources, a schedule, a constant input, another source by condition, another bus, no PutEvents", () => {
    const events = { Service: "events.amazonaws.com" };
    expect(found(stack([put()], topic(events, PINNED, rule({ source: ["aws.ec2"] }))))).toEqual([]);
    // Red-team round 154: matched by prefix, every source it matches starts with aws. too; a prefix that does not is open.
    expect(found(stack([put()], topic(events, PINNED, rule({ source: [{ prefix: "aws." }] }))))).toEqual([]);
    expect(graded(stack([put()], topic(events, PINNED, rule({ source: [{ prefix: "aws" }] }))))).toEqual(REPORTED);
    expect(found(stack([put()], topic(events, PINNED, rule(undefined))))).toEqual([]);
    expect(found(stack([put()], topic(events, PINNED, rule({ source: ["app"] }, { input: "{}" }))))).toEqual([]);
    expect(found(stack([put({ StringEquals: { "events:source": "other" } })], topic(events, PINNED, rule({ source: ["app"] }))))).toEqual([]);
    expect(found(stack([allow("events:PutEvents", "arn:aws:events:eu-central-1:111111111111:event-bus/other")], topic(events, PINNED, rule({ source: ["app"] }))))).toEqual([]);
    expect(found(stack([NOTHING], topic(events, PINNED, rule({ source: ["app"] }))))).toEqual([]);
    // Pinned to another rule: this one's delivery does not meet it.
    const other = { "aws_cloudwatch_event_rule.o": { name: "o", event_pattern: JSON.stringify({ source: ["aws.ec2"] }) } };
    expect(found(stack([put()], topic(events, { ArnEquals: { "aws:SourceArn": "${aws_cloudwatch_event_rule.o.arn}" } }, { ...rule({ source: ["app"] }), ...other })))).toEqual([]);
  });

  test("F3: CloudWatch alarms, SES receipt rules and identities, AWS Config publish for whoever can set them up", () => {
    const alarm = allow(["cloudwatch:PutMetricAlarm", "cloudwatch:PutMetricData"], "*");
    expect(graded(stack([alarm], topic({ Service: "cloudwatch.amazonaws.com" }, { ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:eu-central-1:${ACCT}:alarm:*` } })))).toEqual(REPORTED);
    expect(found(stack([alarm], topic("*", OWN)))[0].message).toContain("it makes such an alarm (or changes one) with aws_sns_topic.t as an alarm action");
    expect(graded(stack([allow("ses:CreateReceiptRule", "*")], topic({ Service: "ses.amazonaws.com" }, OWN)))).toEqual(REPORTED);
    expect(graded(stack([allow("ses:SetIdentityNotificationTopic", "*")], topic({ Service: "ses.amazonaws.com" }, OWN)))).toEqual(REPORTED);
    expect(graded(stack([allow("config:PutDeliveryChannel", "*")], topic({ Service: "config.amazonaws.com" }, OWN)))).toEqual(REPORTED);
    // Controls: another account, a pinned alarm the agent cannot change, rights of another service.
    expect(found(stack([alarm], topic({ Service: "cloudwatch.amazonaws.com" }, { StringEquals: { "aws:SourceAccount": "222222222222" } })))).toEqual([]);
    const mine = { "aws_cloudwatch_metric_alarm.a": { alarm_name: "cpu" } };
    expect(found(stack([allow("cloudwatch:PutMetricAlarm", "arn:aws:cloudwatch:eu-central-1:111111111111:alarm:agent-*")], topic({ Service: "cloudwatch.amazonaws.com" }, { ArnEquals: { "aws:SourceArn": "arn:aws:cloudwatch:eu-central-1:111111111111:alarm:cpu" } }, mine)))).toEqual([]);
    expect(found(stack([allow("cloudwatch:PutMetricData", "*")], topic({ Service: "cloudwatch.amazonaws.com" }, OWN)))).toEqual([]);
    expect(found(stack([alarm], topic({ Service: "ses.amazonaws.com" }, OWN)))).toEqual([]);
    expect(found(stack([allow("ses:SendEmail", "*")], topic({ Service: "config.amazonaws.com" }, OWN)))).toEqual([]);
  });

  test("F3: a service blastwall does not model is a route for whoever holds rights of that service, and the message says so", () => {
    const codestar = allow(["codestar-notifications:CreateNotificationRule", "codecommit:CreateRepository"], "*");
    const json = stack([codestar], topic({ Service: "codestar-notifications.amazonaws.com" }, OWN));
    expect(graded(json)).toEqual(REPORTED);
    const f = found(json)[0];
    expect(f.message).toContain("blastwall does not model how codestar-notifications.amazonaws.com delivers, so it counts any right of that service on a source the statement admits, and the caller holds rights of codestar-notifications (aws_iam_role_policy.agent statement #0)");
    expect(f.fix).toContain("take the codestar-notifications rights (aws_iam_role_policy.agent statement #0) away from the agent, or pin aws_sns_topic_policy.tp statement #0 with aws:SourceArn");
    expect(graded(stack([allow("backup:*", "*")], topic({ Service: "backup.amazonaws.com" })))).toEqual(REPORTED);
    // Controls: no right of the service, another account, an exact source it holds no right on.
    expect(found(stack([allow("codecommit:CreateRepository", "*")], topic({ Service: "codestar-notifications.amazonaws.com" }, OWN)))).toEqual([]);
    expect(found(stack([codestar], topic({ Service: "codestar-notifications.amazonaws.com" }, { StringEquals: { "aws:SourceAccount": "222222222222" } })))).toEqual([]);
    const pin = { ArnEquals: { "aws:SourceArn": `arn:aws:backup:eu-central-1:${ACCT}:backup-vault:prod` } };
    expect(found(stack([allow("backup:*", `arn:aws:backup:eu-central-1:${ACCT}:backup-vault:agent-*`)], topic({ Service: "backup.amazonaws.com" }, pin)))).toEqual([]);
    expect(graded(stack([allow("backup:*", `arn:aws:backup:eu-central-1:${ACCT}:backup-vault:*`)], topic({ Service: "backup.amazonaws.com" }, pin)))).toEqual(REPORTED);
  });
});

describe("a Lambda permission for a service blastwall does not model; an EventBridge permission's source_account and regional principal", () => {
  const ACCT = "111111111111";
  const permission = (principal: string, extra: Obj = {}, more: Obj = {}) => ({
    "aws_lambda_permission.p": { action: "lambda:InvokeFunction", function_name: "${aws_lambda_function.cleanup.function_name}", principal, ...extra },
    ...more,
  });

  test("an unmodelled service with no source_arn: a route for whoever holds rights of that service, and the message says why", () => {
    const rotate = allow(["secretsmanager:RotateSecret", "secretsmanager:CreateSecret"], "*");
    // Its own account only (source_account): the rights-based reading. With neither field it is open (below).
    expect(graded(stack([rotate], permission("secretsmanager.amazonaws.com", { source_account: ACCT })))).toEqual(REPORTED);
    const f = found(stack([rotate], permission("secretsmanager.amazonaws.com", { source_account: ACCT })))[0];
    expect(f.message).toContain("set up any source of secretsmanager.amazonaws.com in account 111111111111 to invoke a function (secretsmanager:*, through aws_iam_role_policy.agent statement #0): blastwall does not model how secretsmanager.amazonaws.com invokes functions, so any right of secretsmanager on a source aws_lambda_permission.p admits counts");
    expect(f.fix).toContain("set source_arn on aws_lambda_permission.p to the exact ARN of the one source meant to invoke it (with source_account), one the caller holds no secretsmanager right on");
    expect(graded(stack([allow("elasticloadbalancing:*", "*")], permission("elasticloadbalancing.amazonaws.com", { source_account: ACCT })))).toEqual(REPORTED);
    // Controls: no right of that service, another account.
    expect(found(stack([allow("sns:Publish", "*")], permission("secretsmanager.amazonaws.com", { source_account: ACCT })))).toEqual([]);
    expect(found(stack([rotate], permission("secretsmanager.amazonaws.com", { source_account: "222222222222" })))).toEqual([]);
  });

  test("an exact source_arn: closed unless the agent holds a right of the service on that source", () => {
    const secrets = { "aws_secretsmanager_secret.db": { name: "db" } };
    const pinned = permission("secretsmanager.amazonaws.com", { source_arn: `arn:aws:secretsmanager:eu-central-1:${ACCT}:secret:db-AbCdEf` }, secrets);
    expect(found(stack([allow("secretsmanager:*", `arn:aws:secretsmanager:eu-central-1:${ACCT}:secret:agent-*`)], pinned))).toEqual([]);
    expect(graded(stack([allow("secretsmanager:RotateSecret", `arn:aws:secretsmanager:eu-central-1:${ACCT}:secret:db-*`)], pinned))).toEqual(REPORTED);
  });

  test("an Alexa skill permission with no event_source_token: open to any skill; with one, closed", () => {
    expect(graded(stack([NOTHING], permission("alexa-appkit.amazon.com")))).toEqual(REPORTED);
    expect(found(stack([NOTHING], permission("alexa-appkit.amazon.com")))[0].fix).toContain("set event_source_token on aws_lambda_permission.p to the ID of the one skill meant to invoke it");
    expect(found(stack([NOTHING], permission("alexa-appkit.amazon.com", { event_source_token: "amzn1.ask.skill.1234" })))).toEqual([]);
  });

  test("158 F6: Lex V2's principal (lexv2.amazonaws.com) is the lex namespace: lex:RecognizeText runs the bot alias's code hook", () => {
    const alias = "arn:aws:lex:eu-central-1:111111111111:bot-alias/BOTID12345/ALIASID123";
    const json = stack([allow("lex:RecognizeText", "*")], permission("lexv2.amazonaws.com", { source_arn: alias }));
    expect(graded(json)).toEqual(REPORTED);
    expect(found(json)[0].message).toContain("set up lexv2.amazonaws.com source arn:aws:lex:eu-central-1:111111111111:bot-alias/BOTID12345/ALIASID123 to invoke a function (lex:*");
    // Controls: no lex right (a lexv2: right names no IAM action), a right on another bot's alias, Lex V1 as before.
    expect(found(stack([allow("lexv2:RecognizeText", "*")], permission("lexv2.amazonaws.com", { source_arn: alias })))).toEqual([]);
    expect(found(stack([allow("lex:RecognizeText", "arn:aws:lex:eu-central-1:111111111111:bot-alias/OTHERBOT00/*")], permission("lexv2.amazonaws.com", { source_arn: alias })))).toEqual([]);
    expect(graded(stack([allow("lex:RecognizeText", "*")], permission("lex.amazonaws.com", { source_arn: alias })))).toEqual(REPORTED);
  });

  test("EventBridge: a regional principal is EventBridge; source_account of another account closes the route", () => {
    const targets = allow("events:PutTargets", "*");
    expect(graded(stack([targets], permission("events.eu-central-1.amazonaws.com", { source_account: ACCT })))).toEqual(REPORTED);
    expect(graded(stack([targets], permission("events.amazonaws.com", { source_account: ACCT })))).toEqual(REPORTED);
    expect(found(stack([targets], permission("events.amazonaws.com", { source_account: "222222222222" })))).toEqual([]);
    expect(found(stack([targets], permission("events.amazonaws.com", { source_arn: "arn:aws:events:eu-central-1:222222222222:rule/*" })))).toEqual([]);
    // Not an unmodelled service either: the EventBridge route alone judges it.
    expect(found(stack([allow("events:DescribeRule", "*")], permission("events.eu-central-1.amazonaws.com", { source_account: ACCT })))).toEqual([]);
  });
});

describe("145 F3-F5. a permission pinned to one source of the stack: an alarm by name, one API, one user pool", () => {
  const ACCT = "111111111111";
  const permission = (principal: string, extra: Obj = {}, more: Obj = {}) => ({
    "aws_lambda_permission.p": { action: "lambda:InvokeFunction", function_name: "${aws_lambda_function.cleanup.function_name}", principal, ...extra },
    ...more,
  });

  test("F3: source_arn by reference to an alarm is that alarm's ARN (by alarm_name): the agent's own agent-* alarms do not use it", () => {
    const alarm = { "aws_cloudwatch_metric_alarm.disk": { alarm_name: "prod-disk-full", alarm_actions: [FN] } };
    const pinned = permission("lambda.alarms.cloudwatch.amazonaws.com", { source_arn: "${aws_cloudwatch_metric_alarm.disk.arn}" }, alarm);
    expect(found(stack([allow("cloudwatch:PutMetricAlarm", `arn:aws:cloudwatch:eu-central-1:${ACCT}:alarm:agent-*`)], pinned))).toEqual([]);
    // Controls: a right that covers that alarm, by pattern or by reference, still uses it; the fix names that right.
    expect(graded(stack([allow("cloudwatch:PutMetricAlarm", `arn:aws:cloudwatch:eu-central-1:${ACCT}:alarm:prod-*`)], pinned))).toEqual(REPORTED);
    const f = found(stack([allow("cloudwatch:PutMetricAlarm", `arn:aws:cloudwatch:eu-central-1:${ACCT}:alarm:prod-*`)], pinned))[0];
    expect(f.message).toContain("set up aws_cloudwatch_metric_alarm.disk to invoke a function (cloudwatch:PutMetricAlarm, through aws_iam_role_policy.agent statement #0)");
    expect(f.fix).toContain("take cloudwatch:PutMetricAlarm on aws_cloudwatch_metric_alarm.disk away from the agent");
    expect(graded(stack([allow("cloudwatch:PutMetricAlarm", "${aws_cloudwatch_metric_alarm.disk.arn}")], pinned))).toEqual(REPORTED);
  });

  test("F4: source_arn on one API's execution ARN: only a change of that API uses it", () => {
    const apis = { "aws_apigatewayv2_api.api": { name: "prod-api", protocol_type: "HTTP" }, "aws_apigatewayv2_api.mine": { name: "agent-api", protocol_type: "HTTP" } };
    const v2 = permission("apigateway.amazonaws.com", { source_arn: "${aws_apigatewayv2_api.api.execution_arn}/*/*" }, apis);
    const api = (resource: string) => allow(["apigateway:GET", "apigateway:POST", "apigateway:PATCH", "apigateway:PUT"], resource);
    // Another API of the stack, REST APIs only, or making new APIs: none of them is that API.
    expect(found(stack([api("arn:aws:apigateway:eu-central-1::/apis/${aws_apigatewayv2_api.mine.id}/*")], v2))).toEqual([]);
    expect(found(stack([api("arn:aws:apigateway:eu-central-1::/restapis/*")], v2))).toEqual([]);
    expect(found(stack([api("arn:aws:apigateway:eu-central-1::/apis")], v2))).toEqual([]);
    // Controls: that API by reference, any HTTP API, or one by a literal ID (AWS chose the stack API's: it may be it).
    expect(graded(stack([api("arn:aws:apigateway:eu-central-1::/apis/${aws_apigatewayv2_api.api.id}/*")], v2))).toEqual(REPORTED);
    expect(graded(stack([api("arn:aws:apigateway:eu-central-1::/apis/*")], v2))).toEqual(REPORTED);
    const literal = found(stack([api("arn:aws:apigateway:eu-central-1::/apis/a1b2c3d4e5/*")], v2))[0];
    expect(literal.message).toContain("(aws_apigatewayv2_api.api gets its ID from AWS, which blastwall cannot read, so a right on an API Gateway API named by a literal ID counts as one on it)");
    expect(literal.fix).toContain("or write the caller's rights with a reference to the API Gateway API they are meant for (${aws_apigatewayv2_api.NAME.id}) so blastwall can tell it from aws_apigatewayv2_api.api");
    // A REST API is changed under /restapis/ID.
    const rest = permission("apigateway.amazonaws.com", { source_arn: "${aws_api_gateway_rest_api.r.execution_arn}/*/*" }, { "aws_api_gateway_rest_api.r": { name: "prod" } });
    expect(found(stack([api("arn:aws:apigateway:eu-central-1::/apis/*")], rest))).toEqual([]);
    expect(graded(stack([api("arn:aws:apigateway:eu-central-1::/restapis/*")], rest))).toEqual(REPORTED);
    // An exact execution ARN names its API by ID; a wildcard ID or source_account alone admits a new API of the caller's.
    const exact = permission("apigateway.amazonaws.com", { source_arn: `arn:aws:execute-api:eu-central-1:${ACCT}:abc123defg/*/*` });
    expect(found(stack([api("arn:aws:apigateway:eu-central-1::/restapis/zzz9998887/*")], exact))).toEqual([]);
    expect(graded(stack([api("arn:aws:apigateway:eu-central-1::/restapis/abc123defg/*")], exact))).toEqual(REPORTED);
    expect(graded(stack([api("arn:aws:apigateway:eu-central-1::/apis")], permission("apigateway.amazonaws.com", { source_account: ACCT })))).toEqual(REPORTED);
  });

  test("F5: source_arn naming an existing user pool: CreateUserPool makes another pool, only UpdateUserPool on that one counts", () => {
    const pools = { "aws_cognito_user_pool.pool": { name: "prod-users" }, "aws_cognito_user_pool.test": { name: "agent-test" } };
    const pinned = permission("cognito-idp.amazonaws.com", { source_arn: "${aws_cognito_user_pool.pool.arn}" }, pools);
    const create = allow(["cognito-idp:CreateUserPool", "cognito-idp:DescribeUserPool"], "*");
    expect(found(stack([create], pinned))).toEqual([]);
    expect(found(stack([create], permission("cognito-idp.amazonaws.com", { source_arn: `arn:aws:cognito-idp:eu-central-1:${ACCT}:userpool/eu-central-1_AbCdEf123` })))).toEqual([]);
    expect(found(stack([allow("cognito-idp:UpdateUserPool", "${aws_cognito_user_pool.test.arn}")], pinned))).toEqual([]);
    // Controls: UpdateUserPool on that pool (or on every pool); CreateUserPool where any pool of the account is admitted.
    expect(graded(stack([allow("cognito-idp:UpdateUserPool", "${aws_cognito_user_pool.pool.arn}")], pinned))).toEqual(REPORTED);
    const f = found(stack([allow("cognito-idp:UpdateUserPool", "*")], pinned))[0];
    expect(f.message).toContain("set up aws_cognito_user_pool.pool to invoke a function (cognito-idp:UpdateUserPool, through aws_iam_role_policy.agent statement #0)");
    expect(f.fix).toContain("take cognito-idp:UpdateUserPool on aws_cognito_user_pool.pool away from the agent");
    expect(graded(stack([create], permission("cognito-idp.amazonaws.com", { source_account: ACCT })))).toEqual(REPORTED);
    expect(graded(stack([create], permission("cognito-idp.amazonaws.com", { source_arn: `arn:aws:cognito-idp:eu-central-1:${ACCT}:userpool/*` })))).toEqual(REPORTED);
  });
});

describe("146 L1. a service permission with neither source_arn nor source_account admits sources of every AWS account", () => {
  const ACCT = "111111111111";
  const permission = (principal: string, extra: Obj = {}) => ({
    "aws_lambda_permission.p": { action: "lambda:InvokeFunction", function_name: "${aws_lambda_function.cleanup.function_name}", principal, ...extra },
  });
  // Services whose sources in another account can invoke a function (their guides say so); SES and Cognito are not
  // documented either way and are read as able to.
  const CROSS = ["sns.amazonaws.com", "s3.amazonaws.com", "iot.amazonaws.com", "lambda.alarms.cloudwatch.amazonaws.com", "apigateway.amazonaws.com", "events.amazonaws.com", "ses.amazonaws.com", "cognito-idp.amazonaws.com"];

  test("open to anyone with an AWS account: no right of the agent's is needed, and the message says so", () => {
    for (const principal of CROSS) expect([principal, graded(stack([NOTHING], permission(principal)))]).toEqual([principal, REPORTED]);
    const f = found(stack([NOTHING], permission("sns.amazonaws.com")))[0];
    expect(f.message).toContain(
      "invoke aws_lambda_function.cleanup with no IAM right at all through aws_lambda_permission.p, a permission for sns.amazonaws.com with neither source_arn nor source_account: an SNS topic in any AWS account may invoke the function, so anyone with an AWS account can set one up in their own to invoke it with content of their choosing, with no right in this one",
    );
    expect(f.fix).toContain("set source_account on aws_lambda_permission.p to the account the source is in and source_arn to the exact ARN of the one source meant to invoke it");
    // A regional principal is the same service.
    expect(graded(stack([NOTHING], permission("sns.eu-central-1.amazonaws.com")))).toEqual(REPORTED);
  });

  test("controls: source_account or source_arn set, CloudWatch Logs (same account only), a service blastwall does not model", () => {
    for (const principal of CROSS) {
      expect([principal, found(stack([NOTHING], permission(principal, { source_account: ACCT })))]).toEqual([principal, []]);
      expect([principal, found(stack([NOTHING], permission(principal, { source_arn: "arn:aws:sns:eu-central-1:111111111111:orders" })))]).toEqual([principal, []]);
    }
    expect(found(stack([NOTHING], permission("logs.amazonaws.com")))).toEqual([]);
    // An unmodelled service with its own account only keeps its own reading: a route for a holder of its rights.
    expect(found(stack([NOTHING], permission("secretsmanager.amazonaws.com", { source_account: ACCT })))).toEqual([]);
    // With neither field it counts as open to every account: blastwall does not model whether it invokes across
    // accounts (red-team round 148, F1).
    expect(found(stack([NOTHING], permission("secretsmanager.amazonaws.com")))[0].message).toContain(
      "a permission for secretsmanager.amazonaws.com with neither source_arn nor source_account: a source of secretsmanager.amazonaws.com (blastwall does not model whether it invokes functions across accounts, so it counts as able to) in any AWS account may invoke the function",
    );
    expect(found(stack([NOTHING], permission("sns.amazonaws.com", { action: "lambda:GetFunction" })))).toEqual([]);
  });
});
