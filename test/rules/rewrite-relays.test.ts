/**
 * Red-team round 155, F1 (second half): events:PutRule on a rule whose target is a queue, topic, stream or another
 * event bus. PutRule replaces the rule's pattern and keeps the target, so with events:PutEvents on the rule's bus an
 * `aws.*`-only or scheduled rule forwards the caller's events into what reads the queue, topic, stream or bus
 * (rules/rewrite-relays.ts, asked by invoke-relays.ts and forward-relays.ts).
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";

const PINNED = { provider: { aws: [{ region: "eu-central-1", allowed_account_ids: ["111111111111"] }] } };
const trust = (service: string) => policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
const allow = (action: string | string[], resource: unknown, extra: Obj = {}) => ({ Effect: "Allow", Action: action, Resource: resource, ...extra });
const deny = (action: string, resource: unknown) => ({ Effect: "Deny", Action: action, Resource: resource });

const PUT_EVENTS = allow("events:PutEvents", "arn:aws:events:eu-central-1:111111111111:event-bus/default");
const PUT_RULE = allow("events:PutRule", "${aws_cloudwatch_event_rule.r.arn}");
const PUT_RULE_OTHER = allow("events:PutRule", "arn:aws:events:eu-central-1:111111111111:rule/other");
const BOTH = [PUT_RULE, PUT_EVENTS];

const findings = (json: Obj, strict = false) =>
  check(json, {}, { strict })
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy" || f.ruleId === "agent-reach-unknown")
    .map((f) => ({ rule: f.ruleId, severity: f.severity, resource: f.resource, message: f.message, fix: f.fix ?? "", path: (f.evidence ?? []).map((e) => `${e.step}: ${e.address} ${e.detail}`).join("\n") }));
const graded = (json: Obj) => findings(json).map((f) => [f.rule, f.severity, f.resource]);
const ERROR = [["agent-transitive-destroy", "error", "aws_iam_role.sfn"]];
const stack = (statements: Obj[], body: Obj): Obj => tf({ ...agentCan(...statements), ...body }, PINNED);

/** A rule on the default bus matching only failed EBS snapshot copies (AWS's events), sending them to `arn`. */
const AWS_ONLY = { source: ["aws.ec2"], "detail-type": ["EBS Snapshot Notification"], detail: { result: ["failed"] } };
const RULE = (arn: string, target: Obj = {}, rule: Obj = {}): Obj => ({
  "aws_cloudwatch_event_rule.r": { name: "snapshot-failures", event_pattern: JSON.stringify(AWS_ONLY), ...rule },
  "aws_cloudwatch_event_target.t": { rule: "${aws_cloudwatch_event_rule.r.name}", arn, ...target },
});

/** A state machine whose role can delete (or not), started by `start`. */
const SFN = (rights = DESTROY): Obj => ({
  "aws_sfn_state_machine.sm": { name: "remediate", role_arn: "${aws_iam_role.sfn.arn}", definition: "{}" },
  ...role("sfn", trust("states.amazonaws.com"), rights),
});

/** The queue `jobs`, its policy admitting the rule's deliveries, read by a pipe into the state machine. */
const QUEUE = (target: Obj = {}, rule: Obj = {}, rights = DESTROY): Obj => ({
  ...SFN(rights),
  "aws_sqs_queue.q": { name: "jobs" },
  "aws_sqs_queue_policy.q": {
    queue_url: "${aws_sqs_queue.q.id}",
    policy: policy({ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: "${aws_sqs_queue.q.arn}", Condition: { ArnEquals: { "aws:SourceArn": "${aws_cloudwatch_event_rule.r.arn}" } } }),
  },
  ...role("pipe", trust("pipes.amazonaws.com"), policy(allow(["sqs:ReceiveMessage", "sqs:DeleteMessage", "states:StartExecution"], "*"))),
  "aws_pipes_pipe.p": { name: "jobs", role_arn: "${aws_iam_role.pipe.arn}", source: "${aws_sqs_queue.q.arn}", target: "${aws_sfn_state_machine.sm.arn}" },
  ...RULE("${aws_sqs_queue.q.arn}", target, rule),
});

/** The topic `jobs`, its policy admitting EventBridge, with a function whose role can delete subscribed to it. */
const TOPIC = (target: Obj = {}, rights = DESTROY): Obj => ({
  ...role("fn", trust("lambda.amazonaws.com"), rights),
  "aws_lambda_function.f": { function_name: "cleanup", role: "${aws_iam_role.fn.arn}", handler: "x", runtime: "python3.12", filename: "x.zip" },
  "aws_sns_topic.t": { name: "jobs" },
  "aws_sns_topic_policy.t": { arn: "${aws_sns_topic.t.arn}", policy: policy({ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish", Resource: "${aws_sns_topic.t.arn}" }) },
  "aws_sns_topic_subscription.s": { topic_arn: "${aws_sns_topic.t.arn}", protocol: "lambda", endpoint: "${aws_lambda_function.f.arn}" },
  "aws_lambda_permission.sns": { function_name: "${aws_lambda_function.f.function_name}", action: "lambda:InvokeFunction", principal: "sns.amazonaws.com", source_arn: "${aws_sns_topic.t.arn}" },
  ...RULE("${aws_sns_topic.t.arn}", target),
});

/** The stream `jobs`, written by the rule under its role, read by an event source mapping of a function that can delete. */
const STREAM = (target: Obj = {}, rule: Obj = {}): Obj => ({
  ...role("fn", trust("lambda.amazonaws.com"), DESTROY),
  ...role("events", trust("events.amazonaws.com"), policy(allow("kinesis:PutRecord", "*"))),
  "aws_lambda_function.f": { function_name: "cleanup", role: "${aws_iam_role.fn.arn}", handler: "x", runtime: "python3.12", filename: "x.zip" },
  "aws_kinesis_stream.s": { name: "jobs", shard_count: 1 },
  "aws_lambda_event_source_mapping.m": { event_source_arn: "${aws_kinesis_stream.s.arn}", function_name: "${aws_lambda_function.f.arn}", starting_position: "LATEST" },
  ...RULE("${aws_kinesis_stream.s.arn}", { role_arn: "${aws_iam_role.events.arn}", ...target }, rule),
});

/** The `ops` bus, whose rule starts the state machine on the agent's kind of event; the rule forwards to it. */
const BUS = (target: Obj = {}, rule: Obj = {}, rights = DESTROY): Obj => ({
  ...SFN(rights),
  "aws_cloudwatch_event_bus.ops": { name: "ops" },
  ...role("events", trust("events.amazonaws.com"), policy(allow(["states:StartExecution", "events:PutEvents"], "*"))),
  "aws_cloudwatch_event_rule.run": { name: "run", event_bus_name: "${aws_cloudwatch_event_bus.ops.name}", event_pattern: JSON.stringify({ source: ["myapp.jobs"] }) },
  "aws_cloudwatch_event_target.run": { rule: "${aws_cloudwatch_event_rule.run.name}", event_bus_name: "${aws_cloudwatch_event_bus.ops.name}", arn: "${aws_sfn_state_machine.sm.arn}", role_arn: "${aws_iam_role.events.arn}" },
  ...RULE("${aws_cloudwatch_event_bus.ops.arn}", { role_arn: "${aws_iam_role.events.arn}", ...target }, rule),
});

describe("155 F1. events:PutRule on a rule that writes on to a queue, topic, stream or bus", () => {
  test("an aws.*-only rule into a queue read by a pipe into a state machine: an error naming the rewrite and both rights", () => {
    const json = stack(BOTH, QUEUE());
    expect(graded(json)).toEqual(ERROR);
    const f = findings(json)[0];
    expect(f.path).toContain(
      "is met by a delivery from aws_cloudwatch_event_rule.r: it can rewrite the event pattern of aws_cloudwatch_event_rule.r (in the stack it matches only AWS services' events, which PutEvents cannot send, but PutRule replaces the pattern and keeps the rule's targets) to match events it puts on the default bus (events:PutRule on *, through aws_iam_role_policy.agent statement #0; events:PutEvents on arn:aws:events:eu-central-1:111111111111:event-bus/default, through aws_iam_role_policy.agent statement #1), and aws_cloudwatch_event_rule.r sends them through aws_cloudwatch_event_target.t to aws_sqs_queue.q",
    );
    expect(f.path).toContain("(PutRule keeps the rule's ARN)");
    // On a schedule, the same.
    expect(graded(stack(BOTH, QUEUE({}, { event_pattern: null, schedule_expression: "rate(1 hour)" })))).toEqual(ERROR);
    expect(findings(stack(BOTH, QUEUE({}, { event_pattern: null, schedule_expression: "rate(1 hour)" })))[0].path).toContain("(in the stack it runs on a schedule, but PutRule");
  });

  test("queue controls: PutEvents alone, PutRule alone, PutRule on another rule, a constant input, a Deny of PutRule, a harmless role", () => {
    expect(graded(stack([PUT_EVENTS], QUEUE()))).toEqual([]);
    // PutRule alone picks when AWS's events reach the queue: rule-retimes.ts's warning, not the payload route's error (red-team round 157).
    expect(graded(stack([PUT_RULE], QUEUE()))).toEqual([["agent-transitive-destroy", "warning", "aws_sfn_state_machine.sm"]]);
    expect(graded(stack([PUT_RULE_OTHER, PUT_EVENTS], QUEUE()))).toEqual([]);
    expect(graded(stack(BOTH, QUEUE({ input: '{"job":"nightly"}' })))).toEqual([]);
    expect(graded(stack([...BOTH, deny("events:PutRule", "*")], QUEUE()))).toEqual([]);
    expect(graded(stack(BOTH, QUEUE({}, {}, HARMLESS)))).toEqual([]);
    // PutEvents on another bus only: the rewritten rule still listens on the default one, so it only picks when (as above).
    expect(graded(stack([PUT_RULE, allow("events:PutEvents", "arn:aws:events:eu-central-1:111111111111:event-bus/other")], QUEUE()))).toEqual([["agent-transitive-destroy", "warning", "aws_sfn_state_machine.sm"]]);
  });

  test("a rule matching custom sources the agent's events:source condition leaves out: PutRule makes it match the agent's own", () => {
    const only = allow("events:PutEvents", "arn:aws:events:eu-central-1:111111111111:event-bus/default", { Condition: { StringEquals: { "events:source": "other.app" } } });
    const custom = { event_pattern: JSON.stringify({ source: ["myapp.jobs"] }) };
    expect(graded(stack([only], QUEUE({}, custom)))).toEqual([]);
    const json = stack([PUT_RULE, only], QUEUE({}, custom));
    expect(graded(json)).toEqual(ERROR);
    expect(findings(json)[0].path).toContain("(in the stack it matches only sources (myapp.jobs) its events:PutEvents grants' events:source condition leaves out, but PutRule replaces the pattern");
  });

  test("an aws.*-only rule into a topic a function subscribes to: the Lambda routes' warning (an error under --strict)", () => {
    const json = stack(BOTH, TOPIC());
    expect(graded(json)).toEqual([["agent-transitive-destroy", "warning", "aws_lambda_function.f"]]);
    expect(findings(json, true).map((f) => f.severity)).toEqual(["error"]);
    expect(findings(json)[0].message).toContain("it can rewrite the event pattern of aws_cloudwatch_event_rule.r");
    expect(findings(json)[0].fix).toContain(
      "take events:PutRule on aws_cloudwatch_event_rule.r away from the agent (or scope it to rules whose targets write nothing on: not arn:*:events:*:*:rule/snapshot-failures), or take events:PutEvents on arn:aws:events:eu-central-1:111111111111:event-bus/default away from the agent",
    );
    expect(graded(stack([PUT_EVENTS], TOPIC()))).toEqual([]);
    expect(graded(stack([PUT_RULE_OTHER, PUT_EVENTS], TOPIC()))).toEqual([]);
    expect(graded(stack(BOTH, TOPIC({ input: "{}" })))).toEqual([]);
    expect(graded(stack(BOTH, TOPIC({}, HARMLESS)))).toEqual([]);
  });

  test("a scheduled rule into a Kinesis stream read by a function: a warning naming the rewrite; controls", () => {
    const sched = { event_pattern: null, schedule_expression: "rate(5 minutes)" };
    const json = stack(BOTH, STREAM({}, sched));
    expect(graded(json)).toEqual([["agent-transitive-destroy", "warning", "aws_lambda_function.f"]]);
    expect(findings(json)[0].message).toContain(
      "it can rewrite the event pattern of aws_cloudwatch_event_rule.r (in the stack it runs on a schedule, but PutRule replaces the pattern and keeps the rule's targets) to match events it puts on the default bus",
    );
    expect(findings(json)[0].message).toContain("and aws_cloudwatch_event_rule.r sends them through aws_cloudwatch_event_target.t to aws_kinesis_stream.s");
    expect(findings(json)[0].fix).toContain("or give aws_cloudwatch_event_target.t a constant input");
    expect(graded(stack(BOTH, STREAM()))).toEqual([["agent-transitive-destroy", "warning", "aws_lambda_function.f"]]);
    expect(graded(stack([PUT_EVENTS], STREAM({}, sched)))).toEqual([]);
    expect(graded(stack([PUT_RULE_OTHER, PUT_EVENTS], STREAM()))).toEqual([]);
    expect(graded(stack(BOTH, STREAM({ input: "{}" })))).toEqual([]);
    expect(graded(stack([...BOTH, deny("events:PutRule", "${aws_cloudwatch_event_rule.r.arn}")], STREAM()))).toEqual([]);
  });

  test("an aws.*-only rule forwarding to another bus, whose rule starts a state machine: an error; controls", () => {
    const json = stack(BOTH, BUS());
    expect(graded(json)).toEqual(ERROR);
    const f = findings(json)[0];
    expect(f.path).toContain("it can rewrite the event pattern of aws_cloudwatch_event_rule.r (in the stack it matches only AWS services' events");
    expect(f.path).toContain("to match events it puts on the default event bus (events:PutRule on *, through aws_iam_role_policy.agent statement #0; events:PutEvents on arn:aws:events:eu-central-1:111111111111:event-bus/default");
    expect(f.path).toContain("and aws_cloudwatch_event_rule.r forwards it through aws_cloudwatch_event_target.t to aws_cloudwatch_event_bus.ops");
    // Into a function on the ops bus, the fix names the rewrite and the target.
    const fn = {
      ...BUS(),
      ...role("fn", trust("lambda.amazonaws.com"), DESTROY),
      "aws_lambda_function.f": { function_name: "cleanup", role: "${aws_iam_role.fn.arn}", handler: "x", runtime: "python3.12", filename: "x.zip" },
      "aws_cloudwatch_event_target.run": { rule: "${aws_cloudwatch_event_rule.run.name}", event_bus_name: "${aws_cloudwatch_event_bus.ops.name}", arn: "${aws_lambda_function.f.arn}" },
    };
    const viaFn = findings(stack(BOTH, fn));
    expect(viaFn.map((x) => [x.severity, x.resource])).toEqual([["warning", "aws_lambda_function.f"]]);
    expect(viaFn[0].fix).toContain("take events:PutRule on aws_cloudwatch_event_rule.r away from the agent (or scope it to rules whose targets write nothing on: not arn:*:events:*:*:rule/snapshot-failures)");
    expect(viaFn[0].fix).toContain("or take aws_cloudwatch_event_target.t off aws_cloudwatch_event_rule.r");
    expect(graded(stack([PUT_EVENTS], BUS()))).toEqual([]);
    // PutRule alone picks when AWS's events reach the other bus: rule-retimes.ts's warning (red-team round 157).
    expect(graded(stack([PUT_RULE], BUS()))).toEqual([["agent-transitive-destroy", "warning", "aws_sfn_state_machine.sm"]]);
    expect(graded(stack([PUT_RULE_OTHER, PUT_EVENTS], BUS()))).toEqual([]);
    expect(graded(stack(BOTH, BUS({ input: "{}" })))).toEqual([]);
    expect(graded(stack([...BOTH, deny("events:PutRule", "arn:aws:events:*:*:rule/snapshot-*")], BUS()))).toEqual([]);
    expect(graded(stack(BOTH, BUS({}, {}, HARMLESS)))).toEqual([]);
    // PutRule on a pattern that covers the rule counts as the rule's ARN does.
    expect(graded(stack([allow("events:PutRule", "arn:aws:events:eu-central-1:111111111111:rule/snapshot-*"), PUT_EVENTS], BUS()))).toEqual(ERROR);
  });
});

describe("PutRule and PutEvents on a rule into a queue or topic whose policy in the stack does not admit the rule", () => {
  // The relay of a rule into a queue is read from a policy statement admitting it; with none, PutEvents gave no route,
  // and PutEvents beside PutRule made the PutRule-alone warning disappear (rule-retimes.ts): now it stays.
  const noPolicy = (): Obj => {
    const q = QUEUE();
    delete q["aws_sqs_queue_policy.q"];
    return q;
  };
  const snsOnly = (): Obj => ({
    ...QUEUE(),
    "aws_sqs_queue_policy.q": { queue_url: "${aws_sqs_queue.q.id}", policy: policy({ Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: "${aws_sqs_queue.q.arn}" }) },
  });

  test("a queue with no policy, or one admitting only SNS: reported with both rights, an error for a state machine at the end", () => {
    for (const body of [noPolicy(), snsOnly()]) {
      // PutRule alone: the warning it always was.
      expect(graded(stack([PUT_RULE], body))).toEqual([["agent-transitive-destroy", "warning", "aws_sfn_state_machine.sm"]]);
    }
    // With no policy in the stack, PutEvents alone counts the delivery as admitted (red-team round 162, F3): the route's error.
    expect(graded(stack(BOTH, noPolicy()))).toEqual([["agent-transitive-destroy", "error", "aws_iam_role.sfn"]]);
    expect(findings(stack(BOTH, noPolicy()))[0].path).toContain("so blastwall counts the delivery as admitted");
    expect(graded(stack(BOTH, snsOnly()))).toEqual([["agent-transitive-destroy", "error", "aws_sfn_state_machine.sm"]]);
    const f = findings(stack(BOTH, snsOnly()))[0];
    expect(f.message).toContain("It may put events of its own on the default event bus too (events:PutEvents), so it chooses their fields as well");
    expect(f.message).not.toContain("no events:PutEvents there");
  });

  test("the message says what is true of a policy in the stack that admits other senders only: the delivery is refused as the stack stands", () => {
    const f = findings(stack(BOTH, snsOnly()))[0];
    expect(f.message).toContain(
      "The policy the stack sets on aws_sqs_queue.q (aws_sqs_queue_policy.q) admits no delivery from aws_cloudwatch_event_rule.r as blastwall reads it, so as the stack stands EventBridge's delivery there is refused",
    );
    expect(f.message).not.toContain("a policy may be set outside the stack");
    expect(f.message).not.toContain("set outside the stack may admit");
    // The queue's own policy attribute is named as such.
    const inline = snsOnly();
    delete inline["aws_sqs_queue_policy.q"];
    inline["aws_sqs_queue.q"] = { ...(inline["aws_sqs_queue.q"] as Obj), policy: policy({ Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: "*" }) };
    expect(findings(stack(BOTH, inline))[0].message).toContain("The policy the stack sets on aws_sqs_queue.q (the policy attribute of aws_sqs_queue.q) admits no delivery");
    // Control: PutRule alone says nothing of the delivery's policy.
    expect(findings(stack([PUT_RULE], snsOnly()))[0].message).not.toContain("admits no delivery");
  });

  test("a topic with no policy: the function at the end is a warning (an error under --strict), as the Lambda routes grade it", () => {
    const t = TOPIC();
    delete t["aws_sns_topic_policy.t"];
    expect(graded(stack(BOTH, t))).toEqual([["agent-transitive-destroy", "warning", "aws_lambda_function.f"]]);
    expect(findings(stack(BOTH, t), true).map((f) => f.severity)).toEqual(["error"]);
  });

  test("controls: the policy admitting the rule gives the relay's finding alone; PutEvents alone, a harmless role: none", () => {
    const relayed = findings(stack(BOTH, QUEUE()));
    expect(relayed.map((f) => [f.rule, f.severity, f.resource])).toEqual(ERROR);
    expect(relayed[0].message).not.toContain("No route of blastwall's reads");
    expect(graded(stack([PUT_EVENTS], noPolicy()))).toEqual([]);
    const harmless = QUEUE({}, {}, HARMLESS);
    delete harmless["aws_sqs_queue_policy.q"];
    expect(graded(stack(BOTH, harmless))).toEqual([]);
  });
});
