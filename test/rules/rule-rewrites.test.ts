/**
 * Red-team round 155, F1: events:PutRule on an existing rule replaces its pattern or schedule and keeps its targets,
 * with no iam:PassRole. A rule matching only aws.* sources, or running on a schedule, was read as no route even for an
 * agent that may rewrite it. With events:PutEvents on the rule's bus too, it is the route a matching pattern gives (same
 * grade); with PutRule alone, the agent picks when the targets run (AWS events, a timer): a warning.
 */
import { check, policy, tf } from "../helpers/tf";
import {
  agentCan,
  DESTROY,
  HARMLESS,
  role,
  type Obj,
} from "../helpers/sessions";

const PINNED = {
  provider: {
    aws: [{ region: "eu-central-1", allowed_account_ids: ["111111111111"] }],
  },
};
const trust = (service: string) =>
  policy({
    Effect: "Allow",
    Principal: { Service: service },
    Action: "sts:AssumeRole",
  });
const allow = (action: string | string[], resource: unknown) => ({
  Effect: "Allow",
  Action: action,
  Resource: resource,
});
const deny = (action: string | string[], resource: unknown) => ({
  Effect: "Deny",
  Action: action,
  Resource: resource,
});
const PUT_RULE = allow("events:PutRule", "*");
const PUT_EVENTS = allow("events:PutEvents", "*");
const BOTH = allow(["events:PutRule", "events:PutEvents"], "*");

const found = (json: Obj, strict = false) =>
  check(json, {}, { strict })
    .findings.filter(
      (f) =>
        f.ruleId === "agent-transitive-destroy" ||
        f.ruleId === "agent-reach-unknown",
    )
    .map((f) => ({
      rule: f.ruleId,
      severity: f.severity,
      resource: f.resource,
      message: f.message,
      fix: f.fix ?? "",
      path: (f.evidence ?? [])
        .map((e) => `${e.step}: ${e.address} ${e.detail}`)
        .join("\n"),
    }));
const graded = (json: Obj, strict = false) =>
  found(json, strict).map((f) => [f.rule, f.severity, f.resource]);

/** A rule matching only AWS services' events (EBS snapshot copies that failed), and its target. */
const AWS_ONLY = {
  source: ["aws.ec2"],
  "detail-type": ["EBS Snapshot Notification"],
  detail: { event: ["copySnapshot"], result: ["failed"] },
};
const RULE = (target: Obj, rule: Obj = {}) => ({
  "aws_cloudwatch_event_rule.r": {
    name: "snapshot-cleanup",
    event_pattern: JSON.stringify(AWS_ONLY),
    ...rule,
  },
  "aws_cloudwatch_event_target.t": {
    rule: "${aws_cloudwatch_event_rule.r.name}",
    role_arn: "${aws_iam_role.events.arn}",
    ...target,
  },
});
const TAKES_SNAPSHOT = {
  input_transformer: {
    input_paths: { snap: "$.detail.snapshot_id" },
    input_template: '{"SnapshotId":[<snap>]}',
  },
};
const SSM = (target: Obj = {}, rule?: Obj) => ({
  ...role("events", trust("events.amazonaws.com"), HARMLESS),
  ...RULE(
    {
      arn: "arn:aws:ssm:eu-central-1:111111111111:automation-definition/AWS-DeleteSnapshot:$DEFAULT",
      ...TAKES_SNAPSHOT,
      ...target,
    },
    rule,
  ),
});
const SFN = (rule?: Obj) => ({
  "aws_sfn_state_machine.sm": {
    name: "cleanup",
    role_arn: "${aws_iam_role.sfn.arn}",
    definition: "{}",
  },
  ...role("events", trust("events.amazonaws.com"), HARMLESS),
  ...RULE({ arn: "${aws_sfn_state_machine.sm.arn}" }, rule),
});
const FN = (target: Obj = {}, rule?: Obj) => ({
  "aws_lambda_function.fn": {
    function_name: "snapshot-cleanup",
    role: "${aws_iam_role.fn.arn}",
    handler: "app.handler",
    runtime: "python3.12",
    filename: "fn.zip",
  },
  ...role("events", trust("events.amazonaws.com"), HARMLESS),
  ...RULE(
    { arn: "${aws_lambda_function.fn.arn}", role_arn: null, ...target },
    rule,
  ),
});
const stack = (
  statements: Obj[],
  extra: Obj,
  rights = DESTROY,
  roleName = "sfn",
  service = "states.amazonaws.com",
): Obj =>
  tf(
    {
      ...agentCan(...statements),
      ...role(roleName, trust(service), rights),
      ...extra,
    },
    PINNED,
  );
const fnStack = (statements: Obj[], extra: Obj, rights = DESTROY) =>
  stack(statements, extra, rights, "fn", "lambda.amazonaws.com");

describe("155 F1. events:PutRule rewrites a rule's pattern; its targets stay", () => {
  test("with PutEvents: an SSM Automation target behind an aws.* rule is the unknown-compute route (an error), naming the rewrite", () => {
    const f = found(stack([BOTH], SSM()));
    expect(f.map((x) => [x.rule, x.severity])).toEqual([
      ["agent-reach-unknown", "error"],
    ]);
    expect(f[0].message).toContain("in 1 way(s) (events:PutRule)");
    expect(f[0].path).toContain(
      "Allow events:PutRule, events:PutEvents on *) lets it rewrite the event pattern of aws_cloudwatch_event_rule.r (in the stack it matches only AWS services' events, which PutEvents cannot send, but PutRule replaces the pattern and keeps the rule's targets) to match events it puts on the default event bus, which aws_cloudwatch_event_target.t then sends to arn:aws:ssm:",
    );
    // The same grade as a rule matching events the agent puts.
    expect(
      graded(
        stack(
          [PUT_EVENTS],
          SSM(
            {},
            { event_pattern: JSON.stringify({ source: ["com.acme.cleanup"] }) },
          ),
        ),
      ).map((x) => x[0]),
    ).toEqual(["agent-reach-unknown"]);
  });

  test("with PutEvents: a state machine on a schedule, the rule named by reference, is an error, as states:StartExecution is", () => {
    const json = stack(
      [
        allow("events:PutRule", "${aws_cloudwatch_event_rule.r.arn}"),
        PUT_EVENTS,
      ],
      SFN({ event_pattern: null, schedule_expression: "rate(1 day)" }),
    );
    expect(graded(json)).toEqual([
      ["agent-transitive-destroy", "error", "aws_iam_role.sfn"],
    ]);
    expect(found(json)[0].path).toContain("in the stack it runs on a schedule");
    expect(found(json)[0].message).toContain(
      "aws_iam_role.agent --events:PutRule--> aws_iam_role.sfn",
    );
  });

  test("with PutEvents: a function is a warning (an error under --strict), the fix naming both rights", () => {
    const json = fnStack([BOTH], FN());
    expect([...graded(json), ...graded(json, true)]).toEqual([
      ["agent-transitive-destroy", "warning", "aws_lambda_function.fn"],
      ["agent-transitive-destroy", "error", "aws_lambda_function.fn"],
    ]);
    const f = found(json)[0];
    expect(f.message).toContain(
      "aws_iam_role.agent --events:PutRule--> aws_cloudwatch_event_rule.r --aws_cloudwatch_event_target.t--> aws_lambda_function.fn --runs as--> aws_iam_role.fn",
    );
    expect(f.message).toContain("the agent chooses the payload");
    expect(f.fix).toContain(
      "take events:PutRule on aws_cloudwatch_event_rule.r (or events:PutEvents on the default event bus) away from the agent",
    );
    expect(f.fix).toContain(
      "scope events:PutRule to rules with no targets that run code (not arn:*:events:*:*:rule/snapshot-cleanup)",
    );
  });

  test("a rule on a custom bus: PutRule on rule/BUS/NAME reaches it, rule/NAME (the default bus's) does not", () => {
    const bus = {
      "aws_cloudwatch_event_bus.b": { name: "ops" },
      ...SFN({ event_bus_name: "${aws_cloudwatch_event_bus.b.name}" }),
    };
    const on = (arn: string) =>
      stack(
        [
          allow("events:PutRule", arn),
          allow("events:PutEvents", "${aws_cloudwatch_event_bus.b.arn}"),
        ],
        bus,
      );
    expect(
      graded(
        on("arn:aws:events:eu-central-1:111111111111:rule/ops/snapshot-*"),
      ),
    ).toEqual([["agent-transitive-destroy", "error", "aws_iam_role.sfn"]]);
    expect(
      graded(
        on("arn:aws:events:eu-central-1:111111111111:rule/snapshot-cleanup"),
      ),
    ).toEqual([]);
    // PutEvents on the default bus only: the rewritten rule listens on ops, where the agent puts nothing.
    expect(
      graded(
        stack(
          [
            PUT_RULE,
            allow(
              "events:PutEvents",
              "arn:aws:events:eu-central-1:111111111111:event-bus/default",
            ),
          ],
          bus,
        ),
      ).map((x) => x[1]),
    ).toEqual(["warning"]);
  });

  test("PutRule alone: it picks when the target runs, on AWS events' fields: a warning (an error under --strict) that says so", () => {
    const ssm = found(stack([PUT_RULE], SSM()));
    expect(ssm.map((x) => [x.rule, x.severity, x.resource])).toEqual([
      ["agent-transitive-destroy", "warning", "aws_cloudwatch_event_target.t"],
    ]);
    expect(ssm[0].message).toContain(
      "can rewrite the event pattern or schedule of aws_cloudwatch_event_rule.r (events:PutRule",
    );
    expect(ssm[0].message).toContain(
      "with the fields its input transformer takes from each",
    );
    expect(ssm[0].message).toContain(
      "It cannot put events of its own on the default event bus (no events:PutEvents there), so the fields are AWS's",
    );
    expect(ssm[0].message).toContain(
      "a target blastwall cannot read as compute it models, which may run as any role",
    );
    expect(ssm[0].fix).toContain(
      "Take events:PutRule on aws_cloudwatch_event_rule.r away from the agent, or scope it to rules with no targets that run code",
    );
    expect(graded(stack([PUT_RULE], SSM()), true).map((x) => x[1])).toEqual([
      "error",
    ]);
    const fn = found(fnStack([PUT_RULE], FN()));
    expect(fn.map((x) => [x.severity, x.resource])).toEqual([
      ["warning", "aws_lambda_function.fn"],
    ]);
    expect(fn[0].message).toContain(
      "which runs as aws_iam_role.fn, a role that can delete data",
    );
    expect(fn[0].fix).toMatch(
      /^Take the destroy rights off aws_iam_role\.fn.*take events:PutRule on aws_cloudwatch_event_rule\.r away from the agent/,
    );
    expect(graded(stack([PUT_RULE], SFN())).map((x) => [x[1], x[2]])).toEqual([
      ["warning", "aws_sfn_state_machine.sm"],
    ]);
  });

  test("through a role the agent can act as, shown with the chain", () => {
    const ops = role(
      "ops",
      policy({
        Effect: "Allow",
        Principal: { AWS: "${aws_iam_role.agent.arn}" },
        Action: "sts:AssumeRole",
      }),
      policy(PUT_RULE),
    );
    const f = found(
      stack([allow("sts:AssumeRole", "${aws_iam_role.ops.arn}")], {
        ...SSM(),
        ...ops,
      }),
    );
    expect(f.map((x) => [x.rule, x.severity])).toEqual([
      ["agent-transitive-destroy", "warning"],
    ]);
    expect(f[0].message).toContain(
      "can act as aws_iam_role.ops, which can rewrite the event pattern or schedule of aws_cloudwatch_event_rule.r",
    );
  });

  test("controls: PutRule on another rule, a constant input, a harmless target, a Deny of PutRule, PutEvents alone, no rule at all", () => {
    expect(
      graded(
        stack(
          [
            allow(
              "events:PutRule",
              "arn:aws:events:eu-central-1:111111111111:rule/other",
            ),
            PUT_EVENTS,
          ],
          SSM(),
        ),
      ),
    ).toEqual([]);
    expect(
      graded(
        stack(
          [
            allow(
              "events:PutRule",
              "arn:aws:events:eu-central-1:111111111111:rule/other",
            ),
          ],
          SSM(),
        ),
      ),
    ).toEqual([]);
    expect(
      graded(
        stack(
          [BOTH],
          SSM({
            input_transformer: null,
            input: '{"SnapshotId":["snap-0123"]}',
          }),
        ),
      ),
    ).toEqual([]);
    expect(
      graded(
        stack(
          [PUT_RULE],
          SSM({
            input_transformer: {
              input_template: '{"SnapshotId":["snap-0123"]}',
            },
          }),
        ),
      ),
    ).toEqual([]);
    expect(graded(stack([BOTH], SFN(), HARMLESS))).toEqual([]);
    expect(graded(stack([PUT_RULE], SFN(), HARMLESS))).toEqual([]);
    expect(graded(fnStack([PUT_RULE], FN(), HARMLESS))).toEqual([]);
    expect(graded(stack([BOTH, deny("events:PutRule", "*")], SSM()))).toEqual(
      [],
    );
    expect(graded(stack([PUT_EVENTS], SSM()))).toEqual([]);
    expect(
      graded(
        stack([BOTH], {
          ...role("events", trust("events.amazonaws.com"), HARMLESS),
        }),
      ),
    ).toEqual([]);
    // A rule the agent already reaches with PutEvents is reported once, as that route.
    const forgeable = found(
      fnStack(
        [BOTH],
        FN(
          {},
          { event_pattern: JSON.stringify({ source: ["com.acme.cleanup"] }) },
        ),
      ),
    );
    expect(forgeable.map((x) => x.severity)).toEqual(["warning"]);
    expect(forgeable[0].message).toContain(
      "--events:PutEvents--> the default event bus",
    );
  });
});

/**
 * Red-team round 157, task 3: PutRule alone on a rule whose target is a queue, topic, stream or another bus. The rule
 * fires when the agent picks, on AWS's events, and what reads there runs on them: the same warning as a target that
 * runs code itself, the chain named.
 */
describe("157 task 3. PutRule alone: what reads a retimed rule's queue, topic, stream or bus", () => {
  const FUNCTION = {
    "aws_lambda_function.fn": {
      function_name: "snapshot-cleanup",
      role: "${aws_iam_role.fn.arn}",
      handler: "app.handler",
      runtime: "python3.12",
      filename: "fn.zip",
    },
  };
  const INTO = (arn: string, target: Obj = {}, rule?: Obj) => ({
    ...FUNCTION,
    ...role("events", trust("events.amazonaws.com"), HARMLESS),
    ...RULE({ arn, role_arn: null, ...target }, rule),
  });
  const QUEUE = (target: Obj = {}, rule?: Obj) => ({
    "aws_sqs_queue.q": { name: "cleanup" },
    "aws_lambda_event_source_mapping.m": {
      event_source_arn: "${aws_sqs_queue.q.arn}",
      function_name: "${aws_lambda_function.fn.arn}",
    },
    ...INTO("${aws_sqs_queue.q.arn}", target, rule),
  });
  const ON_RULE = allow(
    "events:PutRule",
    "arn:aws:events:eu-central-1:111111111111:rule/snapshot-cleanup",
  );
  const OPS_BUS = {
    "aws_cloudwatch_event_bus.ops": { name: "ops" },
    "aws_cloudwatch_event_rule.ops": {
      name: "ops-cleanup",
      event_bus_name: "${aws_cloudwatch_event_bus.ops.name}",
      event_pattern: JSON.stringify(AWS_ONLY),
    },
  };

  test("a queue an event source mapping feeds to a function: a warning (an error under --strict) naming rule -> queue -> mapping -> function", () => {
    const json = fnStack([ON_RULE], QUEUE(TAKES_SNAPSHOT));
    expect([...graded(json), ...graded(json, true)]).toEqual([
      ["agent-transitive-destroy", "warning", "aws_lambda_function.fn"],
      ["agent-transitive-destroy", "error", "aws_lambda_function.fn"],
    ]);
    const f = found(json)[0];
    expect(f.message).toContain(
      "aws_iam_role.agent --events:PutRule--> aws_cloudwatch_event_rule.r --aws_cloudwatch_event_target.t--> aws_sqs_queue.q --aws_lambda_event_source_mapping.m--> aws_lambda_function.fn --runs as--> aws_iam_role.fn",
    );
    expect(f.message).toContain(
      "whose target aws_cloudwatch_event_target.t sends what it matches to aws_sqs_queue.q, and aws_lambda_function.fn runs on what arrives there (aws_sqs_queue.q, which aws_lambda_event_source_mapping.m feeds to aws_lambda_function.fn)",
    );
    expect(f.message).toContain(
      "with the fields its input transformer takes from each",
    );
    expect(f.message).toContain("so the fields are AWS's, not its own");
    expect(f.fix).toContain(
      "take events:PutRule on aws_cloudwatch_event_rule.r away from the agent, or scope it to rules whose targets feed no code",
    );
    expect(f.fix).toContain(
      "or give aws_cloudwatch_event_target.t a constant input",
    );
    expect(f.path).toContain(
      "relay: aws_lambda_event_source_mapping.m aws_sqs_queue.q, which aws_lambda_event_source_mapping.m feeds to aws_lambda_function.fn",
    );
  });

  test("a topic: a Lambda subscription, and an SQS subscription into a queue a mapping reads", () => {
    const topic = (extra: Obj) => ({
      "aws_sns_topic.tp": { name: "cleanup" },
      ...INTO("${aws_sns_topic.tp.arn}"),
      ...extra,
    });
    const lambda = found(
      fnStack(
        [ON_RULE],
        topic({
          "aws_sns_topic_subscription.s": {
            topic_arn: "${aws_sns_topic.tp.arn}",
            protocol: "lambda",
            endpoint: "${aws_lambda_function.fn.arn}",
          },
        }),
      ),
    );
    expect(lambda.map((x) => [x.severity, x.resource])).toEqual([
      ["warning", "aws_lambda_function.fn"],
    ]);
    expect(lambda[0].message).toContain(
      "--aws_cloudwatch_event_target.t--> aws_sns_topic.tp --aws_sns_topic_subscription.s--> aws_lambda_function.fn --runs as--> aws_iam_role.fn",
    );
    const viaQueue = found(
      fnStack(
        [ON_RULE],
        topic({
          "aws_sqs_queue.q": { name: "cleanup" },
          "aws_sns_topic_subscription.s": {
            topic_arn: "${aws_sns_topic.tp.arn}",
            protocol: "sqs",
            endpoint: "${aws_sqs_queue.q.arn}",
          },
          "aws_lambda_event_source_mapping.m": {
            event_source_arn: "${aws_sqs_queue.q.arn}",
            function_name: "${aws_lambda_function.fn.arn}",
          },
        }),
      ),
    );
    expect(viaQueue.map((x) => [x.severity, x.resource])).toEqual([
      ["warning", "aws_lambda_function.fn"],
    ]);
    expect(viaQueue[0].message).toContain(
      "--aws_cloudwatch_event_target.t--> aws_sns_topic.tp --aws_sns_topic_subscription.s--> aws_sqs_queue.q --aws_lambda_event_source_mapping.m--> aws_lambda_function.fn",
    );
  });

  test("a Kinesis stream a mapping reads, and a queue a pipe hands to a state machine", () => {
    const stream = found(
      fnStack([ON_RULE], {
        "aws_kinesis_stream.s": { name: "cleanup", shard_count: 1 },
        "aws_lambda_event_source_mapping.m": {
          event_source_arn: "${aws_kinesis_stream.s.arn}",
          function_name: "${aws_lambda_function.fn.arn}",
          starting_position: "LATEST",
        },
        ...INTO("${aws_kinesis_stream.s.arn}"),
      }),
    );
    expect(stream.map((x) => [x.severity, x.resource])).toEqual([
      ["warning", "aws_lambda_function.fn"],
    ]);
    expect(stream[0].message).toContain(
      "aws_kinesis_stream.s --aws_lambda_event_source_mapping.m--> aws_lambda_function.fn",
    );
    const pipe = found(
      stack([ON_RULE], {
        "aws_sqs_queue.q": { name: "cleanup" },
        "aws_sfn_state_machine.sm": {
          name: "cleanup",
          role_arn: "${aws_iam_role.sfn.arn}",
          definition: "{}",
        },
        "aws_pipes_pipe.p": {
          name: "run",
          role_arn: "${aws_iam_role.events.arn}",
          source: "${aws_sqs_queue.q.arn}",
          target: "${aws_sfn_state_machine.sm.arn}",
        },
        ...role("events", trust("events.amazonaws.com"), HARMLESS),
        ...RULE({ arn: "${aws_sqs_queue.q.arn}", role_arn: null }),
      }),
    );
    expect(pipe.map((x) => [x.severity, x.resource])).toEqual([
      ["warning", "aws_sfn_state_machine.sm"],
    ]);
    expect(pipe[0].message).toContain(
      "aws_sqs_queue.q --aws_pipes_pipe.p--> aws_sfn_state_machine.sm --runs as--> aws_iam_role.sfn",
    );
  });

  test("another bus: its rules' targets (an aws.* pattern too), through a pipe into the bus as well, and a loop back ends", () => {
    const onOps = {
      ...OPS_BUS,
      "aws_cloudwatch_event_target.ops": {
        rule: "${aws_cloudwatch_event_rule.ops.name}",
        event_bus_name: "${aws_cloudwatch_event_bus.ops.name}",
        arn: "${aws_lambda_function.fn.arn}",
      },
      // Back to the default bus, where the retimed rule listens: read once.
      "aws_cloudwatch_event_target.back": {
        rule: "${aws_cloudwatch_event_rule.ops.name}",
        event_bus_name: "${aws_cloudwatch_event_bus.ops.name}",
        arn: "arn:aws:events:eu-central-1:111111111111:event-bus/default",
      },
    };
    const bus = found(
      fnStack([ON_RULE], {
        ...onOps,
        ...INTO("${aws_cloudwatch_event_bus.ops.arn}"),
      }),
    );
    expect(bus.map((x) => [x.severity, x.resource])).toEqual([
      ["warning", "aws_lambda_function.fn"],
    ]);
    expect(bus[0].message).toContain(
      "--aws_cloudwatch_event_target.t--> aws_cloudwatch_event_bus.ops --aws_cloudwatch_event_target.ops--> aws_lambda_function.fn --runs as--> aws_iam_role.fn",
    );
    expect(bus[0].message).toContain(
      "aws_cloudwatch_event_rule.ops on aws_cloudwatch_event_bus.ops sends them through aws_cloudwatch_event_target.ops to aws_lambda_function.fn",
    );
    const piped = found(
      fnStack([ON_RULE], {
        ...onOps,
        "aws_sqs_queue.q": { name: "cleanup" },
        "aws_pipes_pipe.p": {
          name: "fwd",
          role_arn: "${aws_iam_role.events.arn}",
          source: "${aws_sqs_queue.q.arn}",
          target: "${aws_cloudwatch_event_bus.ops.arn}",
        },
        ...INTO("${aws_sqs_queue.q.arn}"),
      }),
    );
    expect(piped.map((x) => [x.severity, x.resource])).toEqual([
      ["warning", "aws_lambda_function.fn"],
    ]);
    expect(piped[0].message).toContain(
      "aws_sqs_queue.q --aws_pipes_pipe.p--> aws_cloudwatch_event_bus.ops --aws_cloudwatch_event_target.ops--> aws_lambda_function.fn",
    );
    // Two buses forwarding to each other, and no reader: nothing, and the reading ends.
    expect(
      graded(
        fnStack([ON_RULE], {
          ...OPS_BUS,
          "aws_cloudwatch_event_target.back": {
            rule: "${aws_cloudwatch_event_rule.ops.name}",
            event_bus_name: "${aws_cloudwatch_event_bus.ops.name}",
            arn: "arn:aws:events:eu-central-1:111111111111:event-bus/default",
          },
          ...INTO("${aws_cloudwatch_event_bus.ops.arn}"),
        }),
      ),
    ).toEqual([]);
  });

  test("the agent's own write to the queue, refused by its certain Deny by reference where the queue's ARN is inexact (name_prefix), is no write: the retimed rule is reported", () => {
    const prefixed = { ...QUEUE(TAKES_SNAPSHOT), "aws_sqs_queue.q": { name_prefix: "cleanup-" } };
    const sends = allow("sqs:SendMessage", "*");
    const json = fnStack([ON_RULE, sends, deny("sqs:SendMessage", "${aws_sqs_queue.q.arn}")], prefixed);
    expect(graded(json)).toEqual([["agent-transitive-destroy", "warning", "aws_lambda_function.fn"]]);
    expect(found(json)[0].message).toContain("so the fields are AWS's, not its own");
  });

  test("so is its own put on the retimed rule's bus, whose name a deploy sets, refused by its Deny of PutEvents on the bus by reference", () => {
    const bus = {
      ...FUNCTION,
      ...role("events", trust("events.amazonaws.com"), HARMLESS),
      variable: { bus: { type: "string" } },
      "aws_cloudwatch_event_bus.ops": { name: "${var.bus}" },
      ...RULE({ arn: "${aws_lambda_function.fn.arn}", role_arn: null, event_bus_name: "${aws_cloudwatch_event_bus.ops.name}", ...TAKES_SNAPSHOT }, { event_bus_name: "${aws_cloudwatch_event_bus.ops.name}" }),
    };
    const anyRule = allow("events:PutRule", "*");
    const onBus = found(fnStack([anyRule, PUT_EVENTS, deny("events:PutEvents", "${aws_cloudwatch_event_bus.ops.arn}")], bus));
    expect(onBus.map((x) => [x.severity, x.resource])).toEqual([["warning", "aws_lambda_function.fn"]]);
    expect(onBus[0].message).toContain("so the fields are AWS's, not its own");
  });

  test("controls of the Deny: none, or one on another queue, leaves the agent's write (the queue's route reports it); a queue outside the stack is asked by its ARN", () => {
    const prefixed = { ...QUEUE(TAKES_SNAPSHOT), "aws_sqs_queue.q": { name_prefix: "cleanup-" }, "aws_sqs_queue.other": { name: "other" } };
    const sends = allow("sqs:SendMessage", "*");
    const once = (json: Obj) => found(json).map((x) => [x.severity, x.resource, x.message.includes("the fields are AWS's")]);
    expect(once(fnStack([ON_RULE, sends], prefixed))).toEqual([["warning", "aws_lambda_function.fn", false]]);
    expect(once(fnStack([ON_RULE, sends, deny("sqs:SendMessage", "${aws_sqs_queue.other.arn}")], prefixed))).toEqual([["warning", "aws_lambda_function.fn", false]]);
    // Written as a literal ARN, read by a mapping by that ARN: no reference to follow, the Deny's ARN decides (in any
    // partition: the ARN of a queue the stack does not make is asked in every one, invoke-denies.ts).
    const arn = "arn:aws:sqs:eu-central-1:111111111111:cleanup";
    const outside = {
      ...INTO(arn, TAKES_SNAPSHOT),
      "aws_lambda_event_source_mapping.m": { event_source_arn: arn, function_name: "${aws_lambda_function.fn.arn}" },
    };
    expect(once(fnStack([ON_RULE, sends], outside))).toEqual([["warning", "aws_lambda_function.fn", false]]);
    expect(once(fnStack([ON_RULE, sends, deny("sqs:SendMessage", "arn:*:sqs:*:*:cleanup")], outside))).toEqual([["warning", "aws_lambda_function.fn", true]]);
    expect(once(fnStack([ON_RULE, sends, deny("sqs:SendMessage", "arn:*:sqs:*:*:other")], outside))).toEqual([["warning", "aws_lambda_function.fn", false]]);
  });

  test("controls: a harmless reader, PutRule on another rule, a constant input, a Deny of PutRule, and PutEvents too (the relay's route)", () => {
    expect(graded(fnStack([ON_RULE], QUEUE(), HARMLESS))).toEqual([]);
    expect(
      graded(
        fnStack(
          [
            allow(
              "events:PutRule",
              "arn:aws:events:eu-central-1:111111111111:rule/other",
            ),
          ],
          QUEUE(),
        ),
      ),
    ).toEqual([]);
    expect(
      graded(fnStack([ON_RULE], QUEUE({ input: '{"SnapshotId":["snap-0123"]}' }))),
    ).toEqual([]);
    expect(
      graded(
        fnStack(
          [ON_RULE],
          QUEUE({
            input_transformer: {
              input_template: '{"SnapshotId":["snap-0123"]}',
            },
          }),
        ),
      ),
    ).toEqual([]);
    expect(
      graded(fnStack([ON_RULE, deny("events:PutRule", "*")], QUEUE())),
    ).toEqual([]);
    // With PutEvents on the bus the agent picks the payload: the relays report the queue's reader, not this reading.
    const admitted = {
      ...QUEUE(),
      "aws_sqs_queue_policy.q": {
        queue_url: "${aws_sqs_queue.q.id}",
        policy: policy({
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: "${aws_sqs_queue.q.arn}",
          Condition: {
            ArnEquals: { "aws:SourceArn": "${aws_cloudwatch_event_rule.r.arn}" },
          },
        }),
      },
    };
    expect(graded(fnStack([ON_RULE], admitted))).toEqual([
      ["agent-transitive-destroy", "warning", "aws_lambda_function.fn"],
    ]);
    const both = found(fnStack([ON_RULE, PUT_EVENTS], admitted));
    expect(both.map((x) => [x.severity, x.resource])).toEqual([
      ["warning", "aws_lambda_function.fn"],
    ]);
    expect(both[0].message).not.toContain("the fields are AWS's");
    expect(both[0].message).toContain("it can rewrite the event pattern of aws_cloudwatch_event_rule.r");
    // Sending to the queue itself: reported once, as the queue's route.
    const sends = found(
      fnStack([ON_RULE, allow("sqs:SendMessage", "*")], QUEUE()),
    );
    expect(sends.map((x) => [x.severity, x.resource])).toEqual([
      ["warning", "aws_lambda_function.fn"],
    ]);
    expect(sends[0].message).not.toContain("the fields are AWS's");
    // A queue nothing reads, a bus whose only rule runs on a schedule.
    expect(
      graded(
        fnStack([ON_RULE], {
          "aws_sqs_queue.q": { name: "cleanup" },
          ...INTO("${aws_sqs_queue.q.arn}"),
        }),
      ),
    ).toEqual([]);
  });
});
