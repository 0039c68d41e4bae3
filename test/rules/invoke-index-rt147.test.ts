/**
 * Red-team round 147, F2: the invoke routes asked every principal (every function's own role too) of every queue
 * policy statement and every route of the stack. They are now filed: relay statements by the rights that fire them,
 * routes by the rights that use them, a caller's grants by the resource they name, event targets by what they send to.
 * These pin what the filing must keep: which statement, route and target each finding names, the stack's order where a
 * finding names several, and principals other than the agent holding the rights.
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, role, type Obj } from "../helpers/sessions";

const ACCT = "111111111111";
const PINNED = { provider: { aws: [{ region: "eu-central-1", allowed_account_ids: [ACCT] }] } };
const LAMBDA = policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
const OWN = { StringEquals: { "aws:SourceAccount": ACCT } };
const allow = (action: string | string[], resource: unknown) => ({ Effect: "Allow", Action: action, Resource: resource });

/** A function `f<i>` running as its own deleting role `fr<i>`. */
const fn = (i: number): Obj => ({
  ...role(`fr${i}`, LAMBDA, DESTROY),
  [`aws_lambda_function.f${i}`]: { function_name: `f${i}`, role: `\${aws_iam_role.fr${i}.arn}`, handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
});

/** Queue `q<i>` mapped to `f<i>`, with a policy only SNS's delivery from the account meets. */
const queueOf = (i: number): Obj => ({
  [`aws_sqs_queue.q${i}`]: { name: `q${i}` },
  [`aws_lambda_event_source_mapping.m${i}`]: { event_source_arn: `\${aws_sqs_queue.q${i}.arn}`, function_name: `\${aws_lambda_function.f${i}.arn}` },
  [`aws_sqs_queue_policy.qp${i}`]: {
    queue_url: `\${aws_sqs_queue.q${i}.id}`,
    policy: policy({ Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: `\${aws_sqs_queue.q${i}.arn}`, Condition: OWN }),
  },
});

const stack = (statements: Obj[], extra: Obj): Obj => tf({ ...agentCan(...statements), ...extra }, PINNED);
const found = (json: Obj) =>
  check(json)
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy")
    .map((f) => ({ resource: f.resource, message: f.message }))
    .sort((a, b) => a.resource.localeCompare(b.resource));

/** Where each of `parts` is in `text`, in order: -1 for one missing. */
const positions = (text: string, ...parts: string[]) => parts.map((p) => text.indexOf(p));
const ascending = (xs: number[]) => xs.every((x, i) => x >= 0 && (i === 0 || x > xs[i - 1]));

/** The agent may assume role `relay`, which holds `rights`. */
const relayRole = (rights: Obj): Obj => ({
  ...role("relay", policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" }), policy(rights)),
});
const ASSUME = allow("sts:AssumeRole", "${aws_iam_role.relay.arn}");

describe("147 F2. invoke routes filed by the rights that use them: the same findings", () => {
  test("functions each with their own role, queue and service-only queue policy: each through its own queue's statement", () => {
    const json = stack([allow("sns:Publish", "*")], { ...fn(0), ...fn(1), ...fn(2), ...queueOf(0), ...queueOf(1), ...queueOf(2) });
    const fs = found(json);
    expect(fs.map((f) => f.resource)).toEqual(["aws_lambda_function.f0", "aws_lambda_function.f1", "aws_lambda_function.f2"]);
    for (const [i, f] of fs.entries()) {
      expect(f.message).toContain(`send messages to aws_sqs_queue.q${i} (sqs:SendMessage, through aws_sqs_queue_policy.qp${i} statement #0, whose condition StringEquals aws:SourceAccount ${ACCT}`);
      for (const j of [0, 1, 2].filter((j) => j !== i)) expect(f.message).not.toContain(`aws_sqs_queue_policy.qp${j}`);
    }
    // Controls: the functions' roles fire nothing, and neither does an agent holding no fire right.
    expect(found(stack([allow("s3:GetObject", "*")], { ...fn(0), ...fn(1), ...queueOf(0), ...queueOf(1) }))).toEqual([]);
  });

  test("a role the agent acts as holds the fire right: the chain finding, through the queue's statement", () => {
    const json = stack([ASSUME], { ...fn(0), ...fn(1), ...queueOf(0), ...queueOf(1), ...relayRole(allow("sns:Publish", "*")) });
    const fs = found(json);
    expect(fs.map((f) => f.resource)).toEqual(["aws_lambda_function.f0", "aws_lambda_function.f1"]);
    expect(fs[1].message).toContain("can act as aws_iam_role.relay, which can send messages to aws_sqs_queue.q1 (sqs:SendMessage, through aws_sqs_queue_policy.qp1 statement #0");
    expect(found(stack([ASSUME], { ...fn(0), ...queueOf(0), ...relayRole(allow("sns:ListTopics", "*")) }))).toEqual([]);
  });

  test("relay statements of one policy firing by different rights are named in the policy's order", () => {
    const events = { Service: "events.amazonaws.com" };
    const sns = { Service: "sns.amazonaws.com" };
    const send = (principal: Obj, condition: Obj) => ({ Effect: "Allow", Principal: principal, Action: "sqs:SendMessage", Resource: "${aws_sqs_queue.q0.arn}", Condition: condition });
    const rules = { ArnLike: { "aws:SourceArn": `arn:aws:events:eu-central-1:${ACCT}:rule/*` } };
    const q = { ...queueOf(0), "aws_sqs_queue_policy.qp0": { queue_url: "${aws_sqs_queue.q0.id}", policy: policy(send(events, OWN), send({ Service: "s3.amazonaws.com" }, OWN), send(sns, OWN), send(events, rules)) } };
    const [f] = found(stack([allow(["events:PutTargets", "sns:Publish"], "*")], { ...fn(0), ...q }));
    expect(f.message).toContain("through aws_sqs_queue_policy.qp0 statement #0, aws_sqs_queue_policy.qp0 statement #2, aws_sqs_queue_policy.qp0 statement #3,");
    // A bucket's delivery (statement #1) needs s3:PutObject, which it does not hold.
    expect(f.message).not.toContain("qp0 statement #1");
    expect(ascending(positions(f.message, "met by a delivery from an EventBridge rule", "met by a delivery from an SNS topic", `ArnLike aws:SourceArn arn:aws:events:eu-central-1:${ACCT}:rule/*`))).toBe(true);
    // Only the publisher's statement for a caller that can only publish.
    const [g] = found(stack([allow("sns:Publish", "*")], { ...fn(0), ...q }));
    expect(g.message).toContain("through aws_sqs_queue_policy.qp0 statement #2, whose condition");
    for (const n of [0, 1, 3]) expect(g.message).not.toContain(`qp0 statement #${n}`);
  });

  test("routes to one function using different rights are named in the stack's order", () => {
    const json = stack([allow(["sqs:SendMessage", "kinesis:PutRecord"], "*")], {
      ...fn(0),
      "aws_sqs_queue.a": { name: "a" },
      "aws_kinesis_stream.s": { name: "s", shard_count: 1 },
      "aws_sqs_queue.b": { name: "b" },
      "aws_lambda_event_source_mapping.ma": { event_source_arn: "${aws_sqs_queue.a.arn}", function_name: "${aws_lambda_function.f0.arn}" },
      "aws_lambda_event_source_mapping.ms": { event_source_arn: "${aws_kinesis_stream.s.arn}", function_name: "${aws_lambda_function.f0.arn}", starting_position: "LATEST" },
      "aws_lambda_event_source_mapping.mb": { event_source_arn: "${aws_sqs_queue.b.arn}", function_name: "${aws_lambda_function.f0.arn}" },
    });
    const [f] = found(json);
    expect(ascending(positions(f.message, "send messages to aws_sqs_queue.a", "; it can also put records on aws_kinesis_stream.s", "; it can also send messages to aws_sqs_queue.b"))).toBe(true);
  });

  test("a permission for a service blastwall does not model: a role the agent acts as holding a right of it (by Action or NotAction)", () => {
    const permission = { "aws_lambda_permission.p": { action: "lambda:InvokeFunction", function_name: "${aws_lambda_function.f0.function_name}", principal: "secretsmanager.amazonaws.com", source_account: ACCT } };
    // Only the function's finding: a role with NotAction rights can delete data itself.
    const by = (rights: Obj) => found(stack([ASSUME], { ...fn(0), ...permission, ...relayRole(rights) })).filter((f) => f.resource === "aws_lambda_function.f0");
    expect(by(allow("secretsmanager:RotateSecret", "*"))[0].message).toContain("can act as aws_iam_role.relay, which can set up any source of secretsmanager.amazonaws.com in account 111111111111 to invoke a function (secretsmanager:*");
    expect(by({ Effect: "Allow", NotAction: ["iam:*", "sts:*", "lambda:*"], Resource: "*" })).toHaveLength(1);
    // Controls: rights of other services only, and a NotAction that leaves the service out.
    expect(by(allow("s3:GetObject", "*"))).toEqual([]);
    expect(by({ Effect: "Allow", NotAction: ["iam:*", "secretsmanager:*", "sts:*", "lambda:*"], Resource: "*" })).toEqual([]);
  });

  test("a sender's grants, several on queues: by reference to the queue, by its literal ARN, in statement order; not another queue's", () => {
    const queues = { ...fn(0), ...queueOf(0), "aws_sqs_queue.other": { name: "other" } };
    const json = stack(
      [
        allow("sqs:SendMessage", "${aws_sqs_queue.other.arn}"),
        allow("sqs:SendMessage", `arn:aws:sqs:eu-central-1:${ACCT}:q0`),
        allow("sqs:SendMessage", "${aws_sqs_queue.q0.arn}"),
        allow("sqs:SendMessage", ["${aws_sqs_queue.other.arn}", `arn:aws:sqs:eu-central-1:${ACCT}:q*`]),
      ],
      queues,
    );
    const [f] = found(json);
    expect(f.message).toContain("send messages to aws_sqs_queue.q0 (sqs:SendMessage, through aws_iam_role_policy.agent statement #1, aws_iam_role_policy.agent statement #2, aws_iam_role_policy.agent statement #3)");
    // Controls: every grant on the other queue, by reference and by ARN.
    expect(found(stack([allow("sqs:SendMessage", "${aws_sqs_queue.other.arn}"), allow("sqs:SendMessage", `arn:aws:sqs:eu-central-1:${ACCT}:other`)], queues))).toEqual([]);
  });

  test("PutEvents: rules whose targets send to the topic by reference or by its ARN, in the stack's order; not another topic's, not a constant input", () => {
    const rule = (name: string, arn: string, extra: Obj = {}): Obj => ({
      [`aws_cloudwatch_event_rule.${name}`]: { name, event_pattern: JSON.stringify({ source: ["app"] }) },
      [`aws_cloudwatch_event_target.${name}`]: { rule: `\${aws_cloudwatch_event_rule.${name}.name}`, arn, ...extra },
    });
    const topics = {
      "aws_sns_topic.t": { name: "alerts" },
      "aws_sns_topic.other": { name: "other" },
      "aws_sns_topic_policy.tp": {
        arn: "${aws_sns_topic.t.arn}",
        policy: policy({ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "SNS:Publish", Resource: "${aws_sns_topic.t.arn}", Condition: { ArnLike: { "aws:SourceArn": `arn:aws:events:eu-central-1:${ACCT}:rule/*` } } }),
      },
      "aws_sns_topic_subscription.s": { topic_arn: "${aws_sns_topic.t.arn}", protocol: "lambda", endpoint: "${aws_lambda_function.f0.arn}" },
    };
    const json = stack([allow("events:PutEvents", "*")], {
      ...fn(0),
      ...topics,
      ...rule("byarn", `arn:aws:sns:eu-central-1:${ACCT}:alerts`),
      ...rule("otherref", "${aws_sns_topic.other.arn}"),
      ...rule("byref", "${aws_sns_topic.t.arn}"),
      ...rule("otherarn", `arn:aws:sns:eu-central-1:${ACCT}:other`),
      ...rule("constant", "${aws_sns_topic.t.arn}", { input: "{}" }),
    });
    const [f] = found(json);
    expect(ascending(positions(f.message, "through aws_cloudwatch_event_target.byarn to aws_sns_topic.t", "through aws_cloudwatch_event_target.byref to aws_sns_topic.t"))).toBe(true);
    for (const t of ["otherref", "otherarn", "constant"]) expect(f.message).not.toContain(`aws_cloudwatch_event_target.${t}`);
    // Controls: only targets of another topic, or a constant input.
    const none = stack([allow("events:PutEvents", "*")], { ...fn(0), ...topics, ...rule("otherref", "${aws_sns_topic.other.arn}"), ...rule("constant", "${aws_sns_topic.t.arn}", { input: "{}" }) });
    expect(found(none)).toEqual([]);
  });
});
