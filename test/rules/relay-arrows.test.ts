/**
 * A finding's arrows name the right the agent holds, not the one a service's delivery relays for it
 * (invoke-relays.ts `heldRight`): an agent holding sqs:SendMessage on a queue a pipe forwards to a bus is shown
 * `--sqs:SendMessage on aws_sqs_queue.in-->`, not `--events:PutEvents-->`, which its policy never shows. Replays keep
 * their events:StartReplay label (replay-routes.test.ts); a grant of the agent's own keeps its bare action.
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, role, type Obj } from "../helpers/sessions";

const PINNED = { provider: { aws: [{ region: "eu-central-1", allowed_account_ids: ["111111111111"] }] } };
const trust = (service: string) => policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
const allow = (action: string | string[], resource: unknown, extra: Obj = {}) => ({ Effect: "Allow", Action: action, Resource: resource, ...extra });
const stack = (statements: Obj[], body: Obj): Obj => tf({ ...agentCan(...statements), ...body }, PINNED);
const messages = (json: Obj) =>
  check(json, {}, {})
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy")
    .map((f) => f.message);

const QUEUES = { "aws_sqs_queue.in": { name: "in" }, "aws_sqs_queue.out": { name: "out" } };
const PIPE_ROLE = role("pipe", trust("pipes.amazonaws.com"), policy(allow(["sqs:*", "sns:Publish", "events:PutEvents", "states:StartExecution"], "*")));
const pipe = (name: string, source: string, target: string) => ({ [`aws_pipes_pipe.${name}`]: { name, role_arn: "${aws_iam_role.pipe.arn}", source, target } });
const SM = {
  "aws_sfn_state_machine.sm": { name: "remediate", role_arn: "${aws_iam_role.sfn.arn}", definition: "{}" },
  ...role("sfn", trust("states.amazonaws.com"), DESTROY),
};
/** The `ops` bus, whose rule starts the state machine on the agent's events. */
const OPS = {
  "aws_cloudwatch_event_bus.ops": { name: "ops" },
  ...role("events", trust("events.amazonaws.com"), policy(allow("states:StartExecution", "*"))),
  "aws_cloudwatch_event_rule.run": { name: "run", event_bus_name: "${aws_cloudwatch_event_bus.ops.name}", event_pattern: JSON.stringify({ source: ["myapp.jobs"] }) },
  "aws_cloudwatch_event_target.run": { rule: "${aws_cloudwatch_event_rule.run.name}", event_bus_name: "${aws_cloudwatch_event_bus.ops.name}", arn: "${aws_sfn_state_machine.sm.arn}", role_arn: "${aws_iam_role.events.arn}" },
};
/** A function that can delete, subscribed to the topic `t`. */
const TOPIC_FN = {
  "aws_sns_topic.t": { name: "jobs" },
  ...role("fn", trust("lambda.amazonaws.com"), DESTROY),
  "aws_lambda_function.f": { function_name: "cleanup", role: "${aws_iam_role.fn.arn}", handler: "x", runtime: "python3.12", filename: "x.zip" },
  "aws_sns_topic_subscription.s": { topic_arn: "${aws_sns_topic.t.arn}", protocol: "lambda", endpoint: "${aws_lambda_function.f.arn}" },
};
const SEND_IN = allow("sqs:SendMessage", "${aws_sqs_queue.in.arn}");

describe("relayed arrows name the right the agent holds", () => {
  test("queue → pipe → bus → rule → state machine: the agent's sqs:SendMessage on the queue, not the pipe's events:PutEvents", () => {
    const [m] = messages(stack([SEND_IN], { ...QUEUES, ...SM, ...OPS, ...PIPE_ROLE, ...pipe("fwd", "${aws_sqs_queue.in.arn}", "${aws_cloudwatch_event_bus.ops.arn}") }));
    expect(m).toContain("aws_iam_role.agent --sqs:SendMessage on aws_sqs_queue.in--> aws_iam_role.sfn");
    expect(m).not.toContain("--events:PutEvents");
  });

  test("two pipes (in → out → state machine): the queue the agent writes, not the one the first pipe writes", () => {
    const body = { ...QUEUES, ...SM, ...PIPE_ROLE, ...pipe("fwd", "${aws_sqs_queue.in.arn}", "${aws_sqs_queue.out.arn}"), ...pipe("run", "${aws_sqs_queue.out.arn}", "${aws_sfn_state_machine.sm.arn}") };
    expect(messages(stack([SEND_IN], body))[0]).toContain("aws_iam_role.agent --sqs:SendMessage on aws_sqs_queue.in--> aws_iam_role.sfn");
  });

  test("a chain of two relays (in → pipe → out → pipe → bus → rule → state machine): walked to the agent's own grant", () => {
    const body = { ...QUEUES, ...SM, ...OPS, ...PIPE_ROLE, ...pipe("fwd", "${aws_sqs_queue.in.arn}", "${aws_sqs_queue.out.arn}"), ...pipe("bus", "${aws_sqs_queue.out.arn}", "${aws_cloudwatch_event_bus.ops.arn}") };
    expect(messages(stack([SEND_IN], body))[0]).toContain("aws_iam_role.agent --sqs:SendMessage on aws_sqs_queue.in--> aws_iam_role.sfn");
  });

  test("into a function (the Lambda routes' arrows): queue → pipe → topic → subscribed function names sqs:SendMessage on the queue", () => {
    const json = stack([SEND_IN], { ...QUEUES, ...TOPIC_FN, ...PIPE_ROLE, ...pipe("fwd", "${aws_sqs_queue.in.arn}", "${aws_sns_topic.t.arn}") });
    expect(messages(json)[0]).toContain("aws_iam_role.agent --sqs:SendMessage on aws_sqs_queue.in--> aws_sns_topic.t --aws_sns_topic_subscription.s--> aws_lambda_function.f");
  });

  test("a topic whose deliveries a queue policy admits (aws:SourceArn): the agent's sns:Publish on the topic, not sqs:SendMessage", () => {
    const body = {
      "aws_sqs_queue.q": { name: "jobs" },
      "aws_sns_topic.t": { name: "jobs" },
      "aws_sns_topic_subscription.s": { topic_arn: "${aws_sns_topic.t.arn}", protocol: "sqs", endpoint: "${aws_sqs_queue.q.arn}", raw_message_delivery: true },
      "aws_sqs_queue_policy.q": {
        queue_url: "${aws_sqs_queue.q.id}",
        policy: policy({ Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: "${aws_sqs_queue.q.arn}", Condition: { ArnEquals: { "aws:SourceArn": "${aws_sns_topic.t.arn}" } } }),
      },
      ...SM,
      ...PIPE_ROLE,
      ...pipe("run", "${aws_sqs_queue.q.arn}", "${aws_sfn_state_machine.sm.arn}"),
    };
    expect(messages(stack([allow("sns:Publish", "${aws_sns_topic.t.arn}")], body))[0]).toContain("aws_iam_role.agent --sns:Publish on aws_sns_topic.t--> aws_iam_role.sfn");
    // A grant on every resource is named as its policy writes it.
    expect(messages(stack([allow("sns:Publish", "*")], body))[0]).toContain("aws_iam_role.agent --sns:Publish on *--> aws_iam_role.sfn");
  });

  test("a literal ARN is named as written", () => {
    const put = allow("events:PutEvents", "arn:aws:events:eu-central-1:111111111111:event-bus/ops");
    const body = { ...QUEUES, ...SM, ...PIPE_ROLE, ...pipe("run", "${aws_sqs_queue.in.arn}", "${aws_sfn_state_machine.sm.arn}") };
    const ruleToQueue = {
      ...body,
      "aws_cloudwatch_event_bus.ops": { name: "ops" },
      "aws_cloudwatch_event_rule.r": { name: "r", event_bus_name: "${aws_cloudwatch_event_bus.ops.name}", event_pattern: JSON.stringify({ source: ["myapp.jobs"] }) },
      "aws_cloudwatch_event_target.t": { rule: "${aws_cloudwatch_event_rule.r.name}", event_bus_name: "${aws_cloudwatch_event_bus.ops.name}", arn: "${aws_sqs_queue.in.arn}" },
    };
    expect(messages(stack([put], ruleToQueue))[0]).toContain("aws_iam_role.agent --events:PutEvents on arn:aws:events:eu-central-1:111111111111:event-bus/ops--> aws_iam_role.sfn");
  });

  test("controls: the agent's own grants, and a queue policy naming it, keep their bare action", () => {
    const twoPipes = { ...QUEUES, ...SM, ...PIPE_ROLE, ...pipe("fwd", "${aws_sqs_queue.in.arn}", "${aws_sqs_queue.out.arn}"), ...pipe("run", "${aws_sqs_queue.out.arn}", "${aws_sfn_state_machine.sm.arn}") };
    expect(messages(stack([allow("sqs:SendMessage", "${aws_sqs_queue.out.arn}")], twoPipes))[0]).toContain("aws_iam_role.agent --sqs:SendMessage--> aws_iam_role.sfn");
    const own = stack([allow("sns:Publish", "${aws_sns_topic.t.arn}")], { ...QUEUES, ...TOPIC_FN });
    expect(messages(own)[0]).toContain("aws_iam_role.agent --sns:Publish--> aws_sns_topic.t --aws_sns_topic_subscription.s--> aws_lambda_function.f");
    const named = {
      ...QUEUES,
      ...SM,
      ...PIPE_ROLE,
      ...pipe("run", "${aws_sqs_queue.in.arn}", "${aws_sfn_state_machine.sm.arn}"),
      "aws_sqs_queue_policy.in": { queue_url: "${aws_sqs_queue.in.id}", policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sqs:SendMessage", Resource: "${aws_sqs_queue.in.arn}" }) },
    };
    expect(messages(stack([allow("s3:GetObject", "*")], named))[0]).toContain("aws_iam_role.agent --sqs:SendMessage--> aws_iam_role.sfn");
  });
});
