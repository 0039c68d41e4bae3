/**
 * Red-team round 153, F2: a pipe (or a rule target) into a state machine was a route only for a principal holding the
 * write right on its source itself. A service delivering for it is as good: an event put on a bus whose rule targets
 * the pipe's queue, a publish to a topic the queue subscribes to, an object written to a bucket that notifies it, each
 * admitted by the queue's policy. The same chains into a function were already found (invoke-relays.ts); the compute
 * edges now read the write right the same way, queue policies naming the principal among it.
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";

const PINNED = { provider: { aws: [{ region: "eu-central-1", allowed_account_ids: ["111111111111"] }] } };
const trust = (service: string) => policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
const allow = (action: string | string[], resource: unknown, extra: Obj = {}) => ({ Effect: "Allow", Action: action, Resource: resource, ...extra });

const findings = (json: Obj, strict = false) =>
  check(json, {}, { strict })
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy" || f.ruleId === "agent-reach-unknown")
    .map((f) => ({ rule: f.ruleId, severity: f.severity, resource: f.resource, message: f.message, path: (f.evidence ?? []).map((e) => `${e.step}: ${e.address} ${e.detail}`).join("\n") }));
const graded = (json: Obj) => findings(json).map((f) => [f.rule, f.severity, f.resource]);
const ERROR = [["agent-transitive-destroy", "error", "aws_iam_role.sfn"]];

/** The queue `jobs`, read by a pipe into a state machine whose role can delete; its policy admits `statement`. */
const piped = (statement: Obj | undefined, extra: Obj = {}, rights = DESTROY): Obj => ({
  "aws_sqs_queue.q": { name: "jobs" },
  ...(statement ? { "aws_sqs_queue_policy.q": { queue_url: "${aws_sqs_queue.q.id}", policy: policy({ Effect: "Allow", Action: "sqs:SendMessage", Resource: "${aws_sqs_queue.q.arn}", ...statement }) } } : {}),
  "aws_sfn_state_machine.sm": { name: "remediate", role_arn: "${aws_iam_role.sfn.arn}", definition: "{}" },
  ...role("sfn", trust("states.amazonaws.com"), rights),
  ...role("pipe", trust("pipes.amazonaws.com"), policy({ Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "states:StartExecution"], Resource: "*" })),
  "aws_pipes_pipe.p": { name: "jobs", role_arn: "${aws_iam_role.pipe.arn}", source: "${aws_sqs_queue.q.arn}", target: "${aws_sfn_state_machine.sm.arn}" },
  ...extra,
});
const stack = (statements: Obj[], body: Obj): Obj => tf({ ...agentCan(...statements), ...body }, PINNED);

const fromService = (service: string, sourceArn: string) => ({ Principal: { Service: service }, Condition: { ArnEquals: { "aws:SourceArn": sourceArn } } });

/** b17: a rule matching the agent's events sends them to the queue, whose policy admits that rule. */
const RULE_TO_QUEUE = (target: Obj = {}, pattern: Obj = { source: ["myapp.jobs"] }) => ({
  "aws_cloudwatch_event_rule.r": { name: "app-jobs", event_pattern: JSON.stringify(pattern) },
  "aws_cloudwatch_event_target.t": { rule: "${aws_cloudwatch_event_rule.r.name}", arn: "${aws_sqs_queue.q.arn}", ...target },
});
const BY_RULE = fromService("events.amazonaws.com", "${aws_cloudwatch_event_rule.r.arn}");
const PUT = allow("events:PutEvents", "arn:aws:events:eu-central-1:111111111111:event-bus/default");

/** b18: a topic the queue subscribes to, whose deliveries the queue's policy admits. */
const TOPIC = {
  "aws_sns_topic.t": { name: "jobs" },
  "aws_sns_topic.other": { name: "other" },
  "aws_sns_topic_subscription.s": { topic_arn: "${aws_sns_topic.t.arn}", protocol: "sqs", endpoint: "${aws_sqs_queue.q.arn}", raw_message_delivery: true },
};
const BY_TOPIC = fromService("sns.amazonaws.com", "${aws_sns_topic.t.arn}");

describe("153 F2. a pipe into a state machine, its queue fed by a service the agent makes deliver", () => {
  test("b17: PutEvents → rule → queue → pipe: an error, the path naming the rule, the queue policy and the agent's PutEvents", () => {
    const json = stack([PUT], piped(BY_RULE, RULE_TO_QUEUE()));
    expect(graded(json)).toEqual(ERROR);
    const f = findings(json)[0];
    // The arrow names the right the agent holds (its PutEvents on the bus), not the SendMessage the rule delivers with.
    expect(f.message).toContain("aws_iam_role.agent --events:PutEvents on arn:aws:events:eu-central-1:111111111111:event-bus/default--> aws_iam_role.sfn");
    expect(f.path).toContain("aws_sqs_queue_policy.q statement #0");
    expect(f.path).toContain("is met by a delivery from aws_cloudwatch_event_rule.r: it puts an event with a source aws_cloudwatch_event_rule.r matches (myapp.jobs) on the default bus");
    expect(f.path).toContain("aws_iam_role_policy.agent statement #0");
    expect(f.path).toContain("that way it can send messages to aws_sqs_queue.q, which aws_pipes_pipe.p reads and hands to aws_sfn_state_machine.sm, as its execution input");
  });

  test("b17 controls: a constant input on the rule's target, a rule matching only aws.* events, no PutEvents, a harmless role", () => {
    expect(graded(stack([PUT], piped(BY_RULE, RULE_TO_QUEUE({ input: '{"job":"nightly"}' }))))).toEqual([]);
    expect(graded(stack([PUT], piped(BY_RULE, RULE_TO_QUEUE({}, { source: ["aws.ec2"] }))))).toEqual([]);
    expect(graded(stack([allow("events:DescribeRule", "*")], piped(BY_RULE, RULE_TO_QUEUE())))).toEqual([]);
    expect(graded(stack([PUT], piped(BY_RULE, RULE_TO_QUEUE(), HARMLESS)))).toEqual([]);
  });

  test("red-team round 162, F3: no queue policy in the stack counts the rule's delivery as admitted (one may be set outside it)", () => {
    const json = stack([PUT], piped(undefined, RULE_TO_QUEUE()));
    expect(graded(json)).toEqual(ERROR);
    const f = findings(json)[0];
    expect(f.path).toContain(
      "aws_cloudwatch_event_rule.r sends it through aws_cloudwatch_event_target.t to aws_sqs_queue.q, as a message (EventBridge delivers there only where the queue's policy admits events.amazonaws.com, and no policy of the stack is on aws_sqs_queue.q: one set outside the stack may admit the rule, so blastwall counts the delivery as admitted)",
    );
    // The queue's own `policy` attribute, or a queue policy of the stack, is read instead: one admitting only SNS refuses the rule.
    const snsOnly = fromService("sns.amazonaws.com", "arn:aws:sns:eu-central-1:111111111111:jobs");
    expect(graded(stack([PUT], piped(snsOnly, RULE_TO_QUEUE())))).toEqual([]);
    const inline = piped(undefined, RULE_TO_QUEUE());
    inline["aws_sqs_queue.q"] = { name: "jobs", policy: policy({ Effect: "Allow", Action: "sqs:SendMessage", Resource: "*", ...snsOnly }) };
    expect(graded(stack([PUT], inline))).toEqual([]);
    // Still no route: a rule of aws.* events only, a constant input, no PutEvents.
    expect(graded(stack([PUT], piped(undefined, RULE_TO_QUEUE({}, { source: ["aws.ec2"] }))))).toEqual([]);
    expect(graded(stack([PUT], piped(undefined, RULE_TO_QUEUE({ input: "{}" }))))).toEqual([]);
    expect(graded(stack([allow("events:DescribeRule", "*")], piped(undefined, RULE_TO_QUEUE())))).toEqual([]);
  });

  test("a rule target naming the queue by its literal ARN, no queue policy in the stack: admitted, as a reference is", () => {
    const literal = RULE_TO_QUEUE({ arn: "arn:aws:sqs:eu-central-1:111111111111:jobs" });
    const json = stack([PUT], piped(undefined, literal));
    expect(graded(json)).toEqual(ERROR);
    expect(findings(json)[0].path).toContain("no policy of the stack is on aws_sqs_queue.q: one set outside the stack may admit the rule, so blastwall counts the delivery as admitted");
    // A queue outside the stack, which a pipe of the stack reads by the same ARN: its policy is not in the stack either.
    const outside = piped(undefined, RULE_TO_QUEUE({ arn: "arn:aws:sqs:eu-central-1:111111111111:shared-jobs" }));
    outside["aws_pipes_pipe.p"] = { ...(outside["aws_pipes_pipe.p"] as Obj), source: "arn:aws:sqs:eu-central-1:111111111111:shared-jobs" };
    const f = findings(stack([PUT], outside));
    expect(f.map((x) => [x.rule, x.severity, x.resource])).toEqual(ERROR);
    expect(f[0].path).toContain("arn:aws:sqs:eu-central-1:111111111111:shared-jobs is no queue of the stack, so its policy is not in it: one set outside the stack may admit the rule");
  });

  test("controls: the literal ARN of a queue whose policy in the stack admits only SNS; of another queue; a constant input", () => {
    const snsOnly = fromService("sns.amazonaws.com", "arn:aws:sns:eu-central-1:111111111111:jobs");
    expect(graded(stack([PUT], piped(snsOnly, RULE_TO_QUEUE({ arn: "arn:aws:sqs:eu-central-1:111111111111:jobs" }))))).toEqual([]);
    expect(graded(stack([PUT], piped(undefined, RULE_TO_QUEUE({ arn: "arn:aws:sqs:eu-central-1:111111111111:audit" }))))).toEqual([]);
    expect(graded(stack([PUT], piped(undefined, RULE_TO_QUEUE({ arn: "arn:aws:sqs:eu-central-1:111111111111:jobs", input: "{}" }))))).toEqual([]);
    // The policy admitting the rule: read as it is for a reference.
    expect(graded(stack([PUT], piped(BY_RULE, RULE_TO_QUEUE({ arn: "arn:aws:sqs:eu-central-1:111111111111:jobs" }))))).toEqual(ERROR);
  });

  test("b18: sns:Publish → topic → queue → pipe: an error naming the topic's delivery", () => {
    const json = stack([allow("sns:Publish", "${aws_sns_topic.t.arn}")], piped(BY_TOPIC, TOPIC));
    expect(graded(json)).toEqual(ERROR);
    expect(findings(json)[0].path).toContain("it publishes to such a topic (sns:Publish on ");
  });

  test("b18 controls: the queue admits only a topic the agent cannot publish to; the agent publishes elsewhere", () => {
    expect(graded(stack([allow("sns:Publish", "${aws_sns_topic.other.arn}")], piped(BY_TOPIC, TOPIC)))).toEqual([]);
    expect(graded(stack([allow("sns:ListTopics", "*")], piped(BY_TOPIC, TOPIC)))).toEqual([]);
  });

  test("an S3 notification to the queue: writing objects to a bucket its policy admits", () => {
    const bucket = {
      "aws_s3_bucket.b": { bucket: "uploads" },
      "aws_s3_bucket_notification.n": { bucket: "${aws_s3_bucket.b.id}", queue: [{ queue_arn: "${aws_sqs_queue.q.arn}", events: ["s3:ObjectCreated:*"] }] },
    };
    const by = fromService("s3.amazonaws.com", "${aws_s3_bucket.b.arn}");
    expect(graded(stack([allow("s3:PutObject", "${aws_s3_bucket.b.arn}/*")], piped(by, bucket)))).toEqual(ERROR);
    expect(graded(stack([allow("s3:GetObject", "${aws_s3_bucket.b.arn}/*")], piped(by, bucket)))).toEqual([]);
  });

  test("a service blastwall does not model, admitted by the queue's policy: any right of it counts (fail closed)", () => {
    const by = { Principal: { Service: "codestar-notifications.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } } };
    expect(graded(stack([allow("codestar-notifications:CreateNotificationRule", "*")], piped(by)))).toEqual(ERROR);
    expect(graded(stack([allow("s3:GetObject", "*")], piped(by)))).toEqual([]);
  });

  test("a queue policy naming the agent grants the send itself; a Deny of the agent's own on it closes that, not a service's delivery", () => {
    const named = { Principal: { AWS: "${aws_iam_role.agent.arn}" } };
    expect(graded(stack([allow("s3:GetObject", "*")], piped(named)))).toEqual(ERROR);
    const deny = { Effect: "Deny", Action: "sqs:SendMessage", Resource: "${aws_sqs_queue.q.arn}" };
    expect(graded(stack([allow("s3:GetObject", "*"), deny], piped(named)))).toEqual([]);
    // EventBridge sends as events.amazonaws.com: the agent's Deny on the send does not refuse that (as for a function).
    expect(graded(stack([PUT, deny], piped(BY_RULE, RULE_TO_QUEUE())))).toEqual(ERROR);
  });

  test("two hops: PutEvents → rule → topic → queue → pipe, each policy admitting the one before", () => {
    const chain = {
      ...TOPIC,
      "aws_sns_topic_policy.t": { arn: "${aws_sns_topic.t.arn}", policy: policy({ Effect: "Allow", Action: "sns:Publish", Resource: "${aws_sns_topic.t.arn}", ...BY_RULE }) },
      ...RULE_TO_QUEUE({ arn: "${aws_sns_topic.t.arn}" }),
    };
    expect(graded(stack([PUT], piped(BY_TOPIC, chain)))).toEqual(ERROR);
    expect(graded(stack([PUT], piped(BY_TOPIC, { ...chain, "aws_cloudwatch_event_target.t": { rule: "${aws_cloudwatch_event_rule.r.name}", arn: "${aws_sns_topic.t.arn}", input: "{}" } })))).toEqual([]);
  });
});

describe("153 F2. a bucket policy naming the agent: its objects' events reach a rule into a state machine", () => {
  test("s3:PutObject granted by the bucket's policy alone is a route; a bucket policy naming another role is not", () => {
    const body = (principal: string): Obj => ({
      "aws_s3_bucket.b": { bucket: "uploads" },
      "aws_s3_bucket_policy.b": { bucket: "${aws_s3_bucket.b.id}", policy: policy({ Effect: "Allow", Principal: { AWS: principal }, Action: "s3:PutObject", Resource: "${aws_s3_bucket.b.arn}/*" }) },
      "aws_s3_bucket_notification.n": { bucket: "${aws_s3_bucket.b.id}", eventbridge: true },
      "aws_cloudwatch_event_rule.r": { name: "uploads", event_pattern: JSON.stringify({ source: ["aws.s3"], "detail-type": ["Object Created"] }) },
      "aws_cloudwatch_event_target.t": { rule: "${aws_cloudwatch_event_rule.r.name}", arn: "${aws_sfn_state_machine.sm.arn}", role_arn: "${aws_iam_role.pipe.arn}" },
    });
    expect(graded(stack([allow("s3:GetObject", "*")], piped(undefined, body("${aws_iam_role.agent.arn}"))))).toEqual(ERROR);
    expect(graded(stack([allow("s3:GetObject", "*")], piped(undefined, body("${aws_iam_role.pipe.arn}"))))).toEqual([]);
  });
});
