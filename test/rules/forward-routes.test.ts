/**
 * Red-team round 155: writes a rule or pipe forwards for the writer (rules/forward-relays.ts). A rule whose target is
 * another event bus puts the writer's event there, where that bus's rules match it; a pipe whose target is a queue,
 * stream, topic or bus writes what its source gets on. Each is a right on the destination for whoever can write the
 * first, read by every route (into functions and other compute). A bus the stack does not hold is compute that may run
 * as any role; loops end.
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";
import { buildStack } from "../../lib/engine/terraform/stack";
import { analyzeStack } from "../../lib/engine/analyze";
import { heldWrites } from "../../lib/rules/held-writes";
import { isRelayed } from "../../lib/rules/invoke-relays";

const PINNED = { provider: { aws: [{ region: "eu-central-1", allowed_account_ids: ["111111111111"] }] } };
const trust = (service: string) => policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
const allow = (action: string | string[], resource: unknown, extra: Obj = {}) => ({ Effect: "Allow", Action: action, Resource: resource, ...extra });
const PUT_DEFAULT = allow("events:PutEvents", "arn:aws:events:eu-central-1:111111111111:event-bus/default");

const findings = (json: Obj, strict = false) =>
  check(json, {}, { strict })
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy" || f.ruleId === "agent-reach-unknown")
    .map((f) => ({ rule: f.ruleId, severity: f.severity, resource: f.resource, message: f.message, path: (f.evidence ?? []).map((e) => `${e.step}: ${e.address} ${e.detail}`).join("\n") }));
const graded = (json: Obj) => findings(json).map((f) => [f.rule, f.severity, f.resource]);
const ERROR = [["agent-transitive-destroy", "error", "aws_iam_role.sfn"]];

/** A state machine whose role can delete, started by a rule on the `ops` bus matching the agent's events. */
const OPS = (rights = DESTROY): Obj => ({
  "aws_cloudwatch_event_bus.ops": { name: "ops" },
  "aws_sfn_state_machine.sm": { name: "remediate", role_arn: "${aws_iam_role.sfn.arn}", definition: "{}" },
  ...role("sfn", trust("states.amazonaws.com"), rights),
  ...role("events", trust("events.amazonaws.com"), policy(allow(["states:StartExecution", "events:PutEvents"], "*"))),
  "aws_cloudwatch_event_rule.run": { name: "run", event_bus_name: "${aws_cloudwatch_event_bus.ops.name}", event_pattern: JSON.stringify({ source: ["myapp.jobs"] }) },
  "aws_cloudwatch_event_target.run": { rule: "${aws_cloudwatch_event_rule.run.name}", event_bus_name: "${aws_cloudwatch_event_bus.ops.name}", arn: "${aws_sfn_state_machine.sm.arn}", role_arn: "${aws_iam_role.events.arn}" },
});

/** A rule on the default bus forwarding the agent's events to `arn`. */
const FORWARD = (arn: string, target: Obj = {}, pattern: Obj = { source: ["myapp.jobs"] }): Obj => ({
  "aws_cloudwatch_event_rule.fwd": { name: "fwd", event_pattern: JSON.stringify(pattern) },
  "aws_cloudwatch_event_target.fwd": { rule: "${aws_cloudwatch_event_rule.fwd.name}", arn, role_arn: "${aws_iam_role.events.arn}", ...target },
});
const stack = (statements: Obj[], body: Obj): Obj => tf({ ...agentCan(...statements), ...body }, PINNED);

describe("155: a rule whose target is another event bus", () => {
  test("default bus → ops bus → a rule into a state machine: an error naming both rules", () => {
    const json = stack([PUT_DEFAULT], { ...OPS(), ...FORWARD("${aws_cloudwatch_event_bus.ops.arn}") });
    expect(graded(json)).toEqual(ERROR);
    const path = findings(json)[0].path;
    expect(path).toContain("it can put an event with a source aws_cloudwatch_event_rule.fwd matches (myapp.jobs) on the default event bus");
    expect(path).toContain("aws_cloudwatch_event_rule.fwd forwards it through aws_cloudwatch_event_target.fwd to aws_cloudwatch_event_bus.ops");
    expect(path).toContain("that way it can put events on aws_cloudwatch_event_bus.ops, which aws_cloudwatch_event_rule.run sends through aws_cloudwatch_event_target.run to aws_sfn_state_machine.sm");
  });

  test("the bus written as an ARN of the stack's account and region, or built from the caller identity, is that bus", () => {
    expect(graded(stack([PUT_DEFAULT], { ...OPS(), ...FORWARD("arn:aws:events:eu-central-1:111111111111:event-bus/ops") }))).toEqual(ERROR);
    const built = { ...OPS(), "data.aws_caller_identity.me": {}, ...FORWARD("arn:aws:events:eu-central-1:${data.aws_caller_identity.me.account_id}:event-bus/ops") };
    expect(graded(stack([PUT_DEFAULT], built))).toEqual(ERROR);
  });

  test("controls: a constant input, a rule for AWS events only, PutEvents on the ops bus's other side only, a harmless role, the agent's Deny on the default bus", () => {
    expect(graded(stack([PUT_DEFAULT], { ...OPS(), ...FORWARD("${aws_cloudwatch_event_bus.ops.arn}", { input: "{}" }) }))).toEqual([]);
    expect(graded(stack([PUT_DEFAULT], { ...OPS(), ...FORWARD("${aws_cloudwatch_event_bus.ops.arn}", {}, { source: ["aws.ec2"] }) }))).toEqual([]);
    expect(graded(stack([allow("events:PutEvents", "arn:aws:events:eu-central-1:111111111111:event-bus/other")], { ...OPS(), ...FORWARD("${aws_cloudwatch_event_bus.ops.arn}") }))).toEqual([]);
    expect(graded(stack([PUT_DEFAULT], { ...OPS(HARMLESS), ...FORWARD("${aws_cloudwatch_event_bus.ops.arn}") }))).toEqual([]);
    const deny = { Effect: "Deny", Action: "events:PutEvents", Resource: "arn:aws:events:*:*:event-bus/default" };
    // A Deny of the agent's own on the ops bus does not refuse EventBridge forwarding there.
    const denyOps = { Effect: "Deny", Action: "events:PutEvents", Resource: "${aws_cloudwatch_event_bus.ops.arn}" };
    expect(graded(stack([PUT_DEFAULT, deny], { ...OPS(), ...FORWARD("${aws_cloudwatch_event_bus.ops.arn}") }))).toEqual([]);
    expect(graded(stack([PUT_DEFAULT, denyOps], { ...OPS(), ...FORWARD("${aws_cloudwatch_event_bus.ops.arn}") }))).toEqual(ERROR);
  });

  test("an events:source condition the forwarding rule does not match closes it; one it matches does not", () => {
    const only = (source: string) => allow("events:PutEvents", "arn:aws:events:eu-central-1:111111111111:event-bus/default", { Condition: { StringEquals: { "events:source": source } } });
    expect(graded(stack([only("other.app")], { ...OPS(), ...FORWARD("${aws_cloudwatch_event_bus.ops.arn}") }))).toEqual([]);
    expect(graded(stack([only("myapp.jobs")], { ...OPS(), ...FORWARD("${aws_cloudwatch_event_bus.ops.arn}") }))).toEqual(ERROR);
  });

  test("two hops and a loop: default → mid → ops, and ops → default; the loop ends", () => {
    const body = {
      ...OPS(),
      "aws_cloudwatch_event_bus.mid": { name: "mid" },
      ...FORWARD("${aws_cloudwatch_event_bus.mid.arn}"),
      "aws_cloudwatch_event_rule.hop": { name: "hop", event_bus_name: "${aws_cloudwatch_event_bus.mid.name}", event_pattern: JSON.stringify({ source: ["myapp.jobs"] }) },
      "aws_cloudwatch_event_target.hop": { rule: "${aws_cloudwatch_event_rule.hop.name}", event_bus_name: "${aws_cloudwatch_event_bus.mid.name}", arn: "${aws_cloudwatch_event_bus.ops.arn}" },
      "aws_cloudwatch_event_rule.back": { name: "back", event_bus_name: "${aws_cloudwatch_event_bus.ops.name}", event_pattern: JSON.stringify({ source: ["myapp.jobs"] }) },
      "aws_cloudwatch_event_target.back": { rule: "${aws_cloudwatch_event_rule.back.name}", event_bus_name: "${aws_cloudwatch_event_bus.ops.name}", arn: "arn:aws:events:eu-central-1:111111111111:event-bus/default" },
    };
    const json = stack([PUT_DEFAULT], body);
    expect(graded(json)).toEqual(ERROR);
    expect(findings(json)[0].path).toContain("; and aws_cloudwatch_event_rule.hop forwards it through aws_cloudwatch_event_target.hop to aws_cloudwatch_event_bus.ops");
    // Entering the loop at ops reaches the state machine too (directly), and nothing loops forever.
    expect(graded(stack([allow("events:PutEvents", "${aws_cloudwatch_event_bus.ops.arn}")], body))).toEqual(ERROR);
  });

  test("into a function on the other bus: the warning of the Lambda routes", () => {
    const body = {
      "aws_cloudwatch_event_bus.ops": { name: "ops" },
      ...role("fn", trust("lambda.amazonaws.com"), DESTROY),
      ...role("events", trust("events.amazonaws.com"), HARMLESS),
      "aws_lambda_function.f": { function_name: "cleanup", role: "${aws_iam_role.fn.arn}", handler: "x", runtime: "python3.12", filename: "x.zip" },
      "aws_cloudwatch_event_rule.run": { name: "run", event_bus_name: "ops", event_pattern: JSON.stringify({ source: ["myapp.jobs"] }) },
      "aws_cloudwatch_event_target.run": { rule: "${aws_cloudwatch_event_rule.run.name}", event_bus_name: "ops", arn: "${aws_lambda_function.f.arn}" },
      ...FORWARD("${aws_cloudwatch_event_bus.ops.arn}"),
    };
    const json = stack([PUT_DEFAULT], body);
    expect(graded(json)).toEqual([["agent-transitive-destroy", "warning", "aws_lambda_function.f"]]);
    expect(findings(json)[0].message).toContain("aws_cloudwatch_event_rule.fwd forwards it through aws_cloudwatch_event_target.fwd to aws_cloudwatch_event_bus.ops");
    expect(graded(stack([PUT_DEFAULT], { ...body, ...FORWARD("${aws_cloudwatch_event_bus.ops.arn}", { input: "{}" }) }))).toEqual([]);
  });

  test("fail closed: a bus of another account, another region, a name no bus of the stack has, or one the stack only reads, may run anything", () => {
    const outside = (arn: string, extra: Obj = {}) => graded(stack([PUT_DEFAULT], { ...role("events", trust("events.amazonaws.com"), HARMLESS), ...extra, ...FORWARD(arn) }));
    const UNKNOWN = [["agent-reach-unknown", "error", "aws_iam_role.agent"]];
    expect(outside("arn:aws:events:eu-central-1:222222222222:event-bus/ops").map((x) => x[0])).toEqual(["agent-reach-unknown"]);
    expect(outside("arn:aws:events:us-east-1:111111111111:event-bus/ops", { "aws_cloudwatch_event_bus.ops": { name: "ops" } }).map((x) => x[0])).toEqual(["agent-reach-unknown"]);
    expect(outside("arn:aws:events:eu-central-1:111111111111:event-bus/elsewhere").map((x) => x[0])).toEqual(["agent-reach-unknown"]);
    expect(outside("${data.aws_cloudwatch_event_bus.shared.arn}", { "data.aws_cloudwatch_event_bus.shared": { name: "shared" } }).map((x) => x[0])).toEqual(["agent-reach-unknown"]);
    const f = findings(stack([PUT_DEFAULT], { ...role("events", trust("events.amazonaws.com"), HARMLESS), ...FORWARD("arn:aws:events:eu-central-1:222222222222:event-bus/ops") }));
    expect(f[0].path).toContain("an event bus of account 222222222222, whose rules this stack does not hold");
    void UNKNOWN;
    // Controls: the same bus of the stack, and no PutEvents on the forwarding rule's bus.
    expect(outside("arn:aws:events:eu-central-1:111111111111:event-bus/ops", { "aws_cloudwatch_event_bus.ops": { name: "ops" } })).toEqual([]);
    expect(graded(stack([allow("events:DescribeRule", "*")], { ...role("events", trust("events.amazonaws.com"), HARMLESS), ...FORWARD("arn:aws:events:eu-central-1:222222222222:event-bus/ops") }))).toEqual([]);
  });
});

describe("155: a pipe whose target is a queue, stream, topic or bus that feeds compute", () => {
  const QUEUES = { "aws_sqs_queue.in": { name: "in" }, "aws_sqs_queue.out": { name: "out" }, "aws_sqs_queue.other": { name: "other" } };
  const PIPE = (target: string, values: Obj = {}) => ({
    ...role("pipe", trust("pipes.amazonaws.com"), policy(allow(["sqs:*", "kinesis:*", "sns:Publish", "events:PutEvents", "states:StartExecution"], "*"))),
    "aws_pipes_pipe.fwd": { name: "fwd", role_arn: "${aws_iam_role.pipe.arn}", source: "${aws_sqs_queue.in.arn}", target, ...values },
  });
  const SM = {
    "aws_sfn_state_machine.sm": { name: "remediate", role_arn: "${aws_iam_role.sfn.arn}", definition: "{}" },
    ...role("sfn", trust("states.amazonaws.com"), DESTROY),
  };
  const SEND_IN = allow("sqs:SendMessage", "${aws_sqs_queue.in.arn}");

  test("queue → pipe → queue → pipe → state machine: an error naming both pipes; controls", () => {
    const body = { ...QUEUES, ...SM, ...PIPE("${aws_sqs_queue.out.arn}"), "aws_pipes_pipe.run": { name: "run", role_arn: "${aws_iam_role.pipe.arn}", source: "${aws_sqs_queue.out.arn}", target: "${aws_sfn_state_machine.sm.arn}" } };
    const json = stack([SEND_IN], body);
    expect(graded(json)).toEqual(ERROR);
    expect(findings(json)[0].path).toContain("it can send messages to aws_sqs_queue.in (sqs:SendMessage on ");
    expect(findings(json)[0].path).toContain("aws_pipes_pipe.fwd reads it and sends it as a message to aws_sqs_queue.out, under the pipe's role; that way it can send messages to aws_sqs_queue.out, which aws_pipes_pipe.run reads and hands to aws_sfn_state_machine.sm");
    expect(graded(stack([allow("sqs:SendMessage", "${aws_sqs_queue.other.arn}")], body))).toEqual([]);
    expect(graded(stack([SEND_IN], { ...body, ...PIPE("${aws_sqs_queue.out.arn}", { target_parameters: { input_template: '{"job":"nightly"}' } }) }))).toEqual([]);
    expect(graded(stack([SEND_IN], { ...body, ...PIPE("${aws_sqs_queue.out.arn}", { desired_state: "STOPPED" }) }))).toEqual([]);
    expect(graded(stack([SEND_IN, { Effect: "Deny", Action: "sqs:SendMessage", Resource: "${aws_sqs_queue.in.arn}" }], body))).toEqual([]);
  });

  test("queue → pipe → Kinesis stream → event source mapping of a function", () => {
    const body = {
      ...QUEUES,
      "aws_kinesis_stream.s": { name: "jobs", shard_count: 1 },
      ...role("fn", trust("lambda.amazonaws.com"), DESTROY),
      "aws_lambda_function.f": { function_name: "cleanup", role: "${aws_iam_role.fn.arn}", handler: "x", runtime: "python3.12", filename: "x.zip" },
      "aws_lambda_event_source_mapping.m": { event_source_arn: "${aws_kinesis_stream.s.arn}", function_name: "${aws_lambda_function.f.arn}", starting_position: "LATEST" },
      ...PIPE("${aws_kinesis_stream.s.arn}"),
    };
    const json = stack([SEND_IN], body);
    expect(graded(json)).toEqual([["agent-transitive-destroy", "warning", "aws_lambda_function.f"]]);
    expect(findings(json)[0].message).toContain("aws_pipes_pipe.fwd reads it and puts it as a record on aws_kinesis_stream.s");
    expect(graded(stack([allow("sqs:SendMessage", "${aws_sqs_queue.other.arn}")], body))).toEqual([]);
  });

  test("queue → pipe → SNS topic → a subscribed function; queue → pipe → bus → a rule into a state machine", () => {
    const topic = {
      ...QUEUES,
      "aws_sns_topic.t": { name: "jobs" },
      ...role("fn", trust("lambda.amazonaws.com"), DESTROY),
      "aws_lambda_function.f": { function_name: "cleanup", role: "${aws_iam_role.fn.arn}", handler: "x", runtime: "python3.12", filename: "x.zip" },
      "aws_sns_topic_subscription.s": { topic_arn: "${aws_sns_topic.t.arn}", protocol: "lambda", endpoint: "${aws_lambda_function.f.arn}" },
      ...PIPE("${aws_sns_topic.t.arn}"),
    };
    expect(graded(stack([SEND_IN], topic))).toEqual([["agent-transitive-destroy", "warning", "aws_lambda_function.f"]]);
    const bus = { ...QUEUES, ...OPS(), ...PIPE("${aws_cloudwatch_event_bus.ops.arn}") };
    expect(graded(stack([SEND_IN], bus))).toEqual(ERROR);
    expect(graded(stack([allow("sqs:SendMessage", "${aws_sqs_queue.other.arn}")], bus))).toEqual([]);
    // A bus the stack does not hold: compute that may run as any role.
    const away = { ...QUEUES, ...PIPE("arn:aws:events:eu-central-1:222222222222:event-bus/ops") };
    expect(graded(stack([SEND_IN], away)).map((x) => x[0])).toEqual(["agent-reach-unknown"]);
  });

  test("a loop of pipes (in → out → in) ends", () => {
    const body = { ...QUEUES, ...SM, ...PIPE("${aws_sqs_queue.out.arn}"), "aws_pipes_pipe.back": { name: "back", role_arn: "${aws_iam_role.pipe.arn}", source: "${aws_sqs_queue.out.arn}", target: "${aws_sqs_queue.in.arn}" }, "aws_pipes_pipe.run": { name: "run", role_arn: "${aws_iam_role.pipe.arn}", source: "${aws_sqs_queue.in.arn}", target: "${aws_sfn_state_machine.sm.arn}" } };
    expect(graded(stack([allow("sqs:SendMessage", "${aws_sqs_queue.out.arn}")], body))).toEqual(ERROR);
  });
});

describe("155: a Kinesis stream's resource policy grants PutRecord", () => {
  const body = (principal: unknown, resourceArn = "${aws_kinesis_stream.s.arn}"): Obj => ({
    "aws_kinesis_stream.s": { name: "jobs", shard_count: 1 },
    "aws_kinesis_stream_consumer.c": { name: "reader", stream_arn: "${aws_kinesis_stream.s.arn}" },
    "aws_kinesis_resource_policy.s": { resource_arn: resourceArn, policy: policy({ Effect: "Allow", Principal: principal, Action: ["kinesis:PutRecord", "kinesis:PutRecords"], Resource: "${aws_kinesis_stream.s.arn}" }) },
    "aws_sfn_state_machine.sm": { name: "remediate", role_arn: "${aws_iam_role.sfn.arn}", definition: "{}" },
    ...role("sfn", trust("states.amazonaws.com"), DESTROY),
    ...role("pipe", trust("pipes.amazonaws.com"), HARMLESS),
    "aws_pipes_pipe.p": { name: "jobs", role_arn: "${aws_iam_role.pipe.arn}", source: "${aws_kinesis_stream.s.arn}", target: "${aws_sfn_state_machine.sm.arn}" },
  });
  const NOTHING = allow("s3:GetObject", "*");

  test("naming the agent (by reference or ARN), or the stream by ARN: an error naming the policy", () => {
    const json = stack([NOTHING], body({ AWS: "${aws_iam_role.agent.arn}" }));
    expect(graded(json)).toEqual(ERROR);
    expect(findings(json)[0].path).toContain("aws_kinesis_resource_policy.s statement #0");
    expect(graded(stack([NOTHING], body({ AWS: "arn:aws:iam::111111111111:role/agents/agent" }, "arn:aws:kinesis:eu-central-1:111111111111:stream/jobs")))).toEqual(ERROR);
    expect(graded(stack([NOTHING], body({ AWS: "${aws_iam_role.agent.arn}" }, "${var.stream_arn}")))).toEqual(ERROR);
  });

  test("controls: another principal, the account root, a consumer's policy, the agent's own Deny", () => {
    expect(graded(stack([NOTHING], body({ AWS: "arn:aws:iam::111111111111:role/other" })))).toEqual([]);
    expect(graded(stack([NOTHING], body({ AWS: "arn:aws:iam::111111111111:root" })))).toEqual([]);
    expect(graded(stack([NOTHING], body({ AWS: "${aws_iam_role.agent.arn}" }, "${aws_kinesis_stream_consumer.c.arn}")))).toEqual([]);
    expect(graded(stack([NOTHING, { Effect: "Deny", Action: "kinesis:PutRecord*", Resource: "*" }], body({ AWS: "${aws_iam_role.agent.arn}" })))).toEqual([]);
  });
});

describe("155: pipes from Amazon MQ and Kafka", () => {
  const SM = {
    "aws_sfn_state_machine.sm": { name: "remediate", role_arn: "${aws_iam_role.sfn.arn}", definition: "{}" },
    ...role("sfn", trust("states.amazonaws.com"), DESTROY),
    ...role("pipe", trust("pipes.amazonaws.com"), HARMLESS),
  };
  const pipe = (source: string, params: Obj = {}, values: Obj = {}): Obj => ({
    ...SM,
    "aws_pipes_pipe.p": { name: "jobs", role_arn: "${aws_iam_role.pipe.arn}", source, target: "${aws_sfn_state_machine.sm.arn}", source_parameters: [params], ...values },
  });
  const NOTHING = allow("s3:GetObject", "*");
  const MSK = (auth?: Obj): Obj => ({ "aws_msk_cluster.k": { cluster_name: "events", kafka_version: "3.6.0", number_of_broker_nodes: 3, ...(auth ? { client_authentication: [auth] } : {}) } });
  const TOPIC = { managed_streaming_kafka_parameters: [{ topic_name: "jobs" }] };

  test("an MQ broker: every principal, with no IAM right, the message saying why; a stopped pipe is none", () => {
    const body: Obj = { "aws_mq_broker.b": { broker_name: "jobs", engine_type: "ActiveMQ", engine_version: "5.18", host_instance_type: "mq.t3.micro", user: [{ username: "app", password: "${var.pw}" }] }, ...pipe("${aws_mq_broker.b.arn}", { activemq_broker_parameters: [{ queue_name: "jobs", credentials: [{ basic_auth: "${var.secret}" }] }] }) };
    const json = stack([NOTHING], body);
    expect(graded(json)).toEqual(ERROR);
    expect(findings(json)[0].path).toContain("no IAM auth on aws_pipes_pipe.p: anyone can use it, with no IAM right: by writing to aws_mq_broker.b, whose users (ActiveMQ or RabbitMQ) sign in to the broker, not to IAM: blastwall cannot see who holds such a user");
    expect(graded(stack([NOTHING], { ...body, "aws_pipes_pipe.p": { ...(body["aws_pipes_pipe.p"] as Obj), desired_state: "STOPPED" } }))).toEqual([]);
    expect(graded(stack([NOTHING], { ...body, ...role("sfn", trust("states.amazonaws.com"), HARMLESS) }))).toEqual([]);
  });

  test("self-managed Kafka: every principal", () => {
    expect(graded(stack([NOTHING], pipe("smk://broker-1.example.com:9092", { self_managed_kafka_parameters: [{ topic_name: "jobs" }] })))).toEqual(ERROR);
  });

  test("MSK with IAM only: kafka-cluster:WriteData on the topic; other authentication (or none) is every principal's", () => {
    const iam = { ...MSK({ sasl: [{ iam: true }] }), ...pipe("${aws_msk_cluster.k.arn}", TOPIC) };
    expect(graded(stack([allow("kafka-cluster:WriteData", "arn:aws:kafka:eu-central-1:111111111111:topic/events/*/jobs")], iam))).toEqual(ERROR);
    expect(graded(stack([allow("kafka-cluster:WriteData", "arn:aws:kafka:eu-central-1:111111111111:topic/events/*/other")], iam))).toEqual([]);
    expect(graded(stack([NOTHING], iam))).toEqual([]);
    const serverless = { "aws_msk_serverless_cluster.k": { cluster_name: "events", client_authentication: [{ sasl: [{ iam: [{ enabled: true }] }] }] }, ...pipe("${aws_msk_serverless_cluster.k.arn}", TOPIC) };
    expect(graded(stack([NOTHING], serverless))).toEqual([]);
    expect(graded(stack([allow("kafka-cluster:WriteData", "*")], serverless))).toEqual(ERROR);
    for (const auth of [undefined, { unauthenticated: true, sasl: [{ iam: true }] }, { sasl: [{ scram: true }] }, { tls: [{ certificate_authority_arns: ["arn:aws:acm-pca:eu-central-1:111111111111:certificate-authority/x"] }] }]) {
      expect(graded(stack([NOTHING], { ...MSK(auth), ...pipe("${aws_msk_cluster.k.arn}", TOPIC) }))).toEqual(ERROR);
    }
    // A cluster the stack does not make: its authentication cannot be read.
    expect(graded(stack([NOTHING], pipe("arn:aws:kafka:eu-central-1:111111111111:cluster/events/abc", TOPIC)))).toEqual(ERROR);
  });

  test("an MQ broker into a function: the Lambda routes' open route; into a queue: what the queue feeds may be any compute", () => {
    const fn = {
      ...role("fn", trust("lambda.amazonaws.com"), DESTROY),
      ...role("pipe", trust("pipes.amazonaws.com"), HARMLESS),
      "aws_lambda_function.f": { function_name: "cleanup", role: "${aws_iam_role.fn.arn}", handler: "x", runtime: "python3.12", filename: "x.zip" },
      "aws_mq_broker.b": { broker_name: "jobs", engine_type: "RabbitMQ" },
      "aws_pipes_pipe.p": { name: "jobs", role_arn: "${aws_iam_role.pipe.arn}", source: "${aws_mq_broker.b.arn}", target: "${aws_lambda_function.f.arn}" },
    };
    const json = stack([NOTHING], fn);
    expect(graded(json)).toEqual([["agent-transitive-destroy", "warning", "aws_lambda_function.f"]]);
    expect(findings(json)[0].message).toContain("with no IAM right at all by writing to aws_mq_broker.b");
    const queue = { "aws_sqs_queue.q": { name: "q" }, "aws_mq_broker.b": { broker_name: "jobs", engine_type: "RabbitMQ" }, ...role("pipe", trust("pipes.amazonaws.com"), HARMLESS), "aws_pipes_pipe.p": { name: "jobs", role_arn: "${aws_iam_role.pipe.arn}", source: "${aws_mq_broker.b.arn}", target: "${aws_sqs_queue.q.arn}" } };
    expect(graded(stack([NOTHING], queue)).map((x) => x[0])).toEqual(["agent-reach-unknown"]);
  });
});

/** The default bus forwarding to b1 → b2 → … → b`n`, and a rule on b`n` starting the deleting state machine (`last`: its pattern). */
const chain = (n: number, last: Obj = { source: ["myapp.jobs"] }): Obj => {
  const body: Obj = {
    "aws_sfn_state_machine.sm": { name: "remediate", role_arn: "${aws_iam_role.sfn.arn}", definition: "{}" },
    ...role("sfn", trust("states.amazonaws.com"), DESTROY),
    ...role("events", trust("events.amazonaws.com"), policy(allow(["states:StartExecution", "events:PutEvents"], "*"))),
  };
  for (let i = 1; i <= n; i++) {
    const from = i === 1 ? {} : { event_bus_name: `\${aws_cloudwatch_event_bus.b${i - 1}.name}` };
    body[`aws_cloudwatch_event_bus.b${i}`] = { name: `b${i}` };
    body[`aws_cloudwatch_event_rule.f${i}`] = { name: `f${i}`, ...from, event_pattern: JSON.stringify({ source: ["myapp.jobs"] }) };
    body[`aws_cloudwatch_event_target.f${i}`] = { rule: `\${aws_cloudwatch_event_rule.f${i}.name}`, ...from, arn: `\${aws_cloudwatch_event_bus.b${i}.arn}`, role_arn: "${aws_iam_role.events.arn}" };
  }
  body["aws_cloudwatch_event_rule.run"] = { name: "run", event_bus_name: `\${aws_cloudwatch_event_bus.b${n}.name}`, event_pattern: JSON.stringify(last) };
  body["aws_cloudwatch_event_target.run"] = { rule: "${aws_cloudwatch_event_rule.run.name}", event_bus_name: `\${aws_cloudwatch_event_bus.b${n}.name}`, arn: "${aws_sfn_state_machine.sm.arn}", role_arn: "${aws_iam_role.events.arn}" };
  return stack([PUT_DEFAULT], body);
};

describe("157 F4: a long chain of forwarding buses", () => {
  test("65 and 100 hops are followed to the end: an error, as for a short chain", () => {
    expect(graded(chain(65))).toEqual(ERROR);
    expect(graded(chain(100))).toEqual(ERROR);
    expect(findings(chain(65))[0].path).toContain("aws_cloudwatch_event_rule.f65 forwards it through aws_cloudwatch_event_target.f65 to aws_cloudwatch_event_bus.b65");
  });

  test("control: the last rule matches AWS events only, so nothing of the agent's reaches the state machine", () => {
    expect(graded(chain(65, { source: ["aws.ec2"] }))).toEqual([]);
  });

  test("a chain the guard stops while its writes still reach further fails closed: every write counts on `*`, saying so", () => {
    const st = buildStack(chain(10) as never, "test.tf.json");
    const { analysis } = analyzeStack(st, { config: {}, rules: [] });
    const agent = analysis.byAddress.get("aws_iam_role.agent")!;
    const own = (a: string) => analysis.rightsOf(agent.address).grants.get(a.toLowerCase()) ?? [];
    const stopped = heldWrites(st, agent, own, 3)("sqs:SendMessage");
    const wide = stopped.extra.filter((g) => g.resources.includes("*"));
    expect(wide).toHaveLength(1);
    expect(isRelayed(wide[0]) && wide[0].relay.text).toContain("the chain is too long to follow, so sqs:SendMessage counts as reaching every queue, topic, stream and bus");
    expect(isRelayed(wide[0]) && wide[0].relay.fix("aws_iam_role.agent")).toContain("shorten the chain of forwarding rules, pipes and subscriptions that aws_iam_role.agent's writes go through");
    // Followed to the end (the default guard), the same chain gains no such grant.
    expect(heldWrites(st, agent, own)("sqs:SendMessage").extra.filter((g) => g.resources.includes("*"))).toEqual([]);
    expect(heldWrites(st, agent, own)("events:PutEvents").extra).toHaveLength(10);
  });
});
