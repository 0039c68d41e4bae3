/**
 * An event bus's resource policy (aws_cloudwatch_event_bus_policy, aws_cloudwatch_event_permission) naming the
 * agent, or everyone, lets it put events on the bus with no identity Allow of its own; a rule there hands them to a
 * function (the Lambda routes) or a state machine (the compute routes). Both read the grant through
 * invoke-policies.ts `policyGrants` (bus-policies.ts); the agent's own Deny on the bus closes it.
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, role, type Obj } from "../helpers/sessions";

const PINNED = { provider: { aws: [{ region: "eu-central-1", allowed_account_ids: ["111111111111"] }] } };
const trust = (service: string) => policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
const AGENT_ARN = "arn:aws:iam::111111111111:role/agents/agent";
const NOTHING = { Effect: "Allow", Action: "s3:GetObject", Resource: "*" };
const BUS = "${aws_cloudwatch_event_bus.b.name}";

/** A rule on the `jobs` bus (or the default bus) matching the agent's events, its target `arn` run with the event. */
const rule = (arn: string, bus: string | null = BUS, extra: Obj = {}): Obj => ({
  "aws_cloudwatch_event_bus.b": { name: "jobs" },
  "aws_cloudwatch_event_rule.r": { name: "jobs", event_pattern: JSON.stringify({ source: ["myapp.jobs"] }), ...(bus ? { event_bus_name: bus } : {}) },
  "aws_cloudwatch_event_target.t": { rule: "${aws_cloudwatch_event_rule.r.name}", arn, ...(bus ? { event_bus_name: bus } : {}), ...extra },
});
const busPolicy = (principal: unknown, condition?: Obj, body?: string): Obj => ({
  "aws_cloudwatch_event_bus_policy.bp": {
    event_bus_name: BUS,
    policy: body ?? policy({ Effect: "Allow", Principal: principal, Action: "events:PutEvents", Resource: "${aws_cloudwatch_event_bus.b.arn}", ...(condition ? { Condition: condition } : {}) }),
  },
});
const ORG = { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } };
const DENY = { Effect: "Deny", Action: "events:PutEvents", Resource: "${aws_cloudwatch_event_bus.b.arn}" };

describe("a bus policy naming the agent: PutEvents → rule → function", () => {
  const FN = "${aws_lambda_function.cleanup.arn}";
  const stack = (statements: Obj[], extra: Obj): Obj =>
    tf(
      {
        ...agentCan(...statements),
        ...role("fn", trust("lambda.amazonaws.com"), DESTROY),
        "aws_lambda_function.cleanup": { function_name: "db-cleanup", role: "${aws_iam_role.fn.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
        ...extra,
      },
      PINNED,
    );
  const found = (json: Obj) =>
    check(json, {}, { strict: true })
      .findings.filter((f) => f.ruleId === "agent-transitive-destroy")
      .map((f) => ({ resource: f.resource, message: f.message }));
  const hit = (json: Obj) => found(json).map((f) => f.resource);
  const REPORTED = ["aws_lambda_function.cleanup"];

  test("the agent's ARN, `*` under an organization condition, a policy blastwall cannot read: a route", () => {
    expect(hit(stack([NOTHING], { ...rule(FN), ...busPolicy({ AWS: AGENT_ARN }) }))).toEqual(REPORTED);
    expect(found(stack([NOTHING], { ...rule(FN), ...busPolicy({ AWS: AGENT_ARN }) }))[0].message).toContain("(events:PutEvents, through aws_cloudwatch_event_bus_policy.bp statement #0)");
    expect(hit(stack([NOTHING], { ...rule(FN), ...busPolicy({ AWS: "${aws_iam_role.agent.arn}" }) }))).toEqual(REPORTED);
    expect(hit(stack([NOTHING], { ...rule(FN), ...busPolicy("*", ORG) }))).toEqual(REPORTED);
    expect(hit(stack([NOTHING], { ...rule(FN), ...busPolicy(undefined, undefined, '${file("bus-policy.json")}') }))).toEqual(REPORTED);
  });

  test("an event permission: `*` under an organization condition, on the jobs bus or (no bus named) the default bus", () => {
    const permission = (principal: string, bus?: string): Obj => ({
      "aws_cloudwatch_event_permission.p": { statement_id: "org", principal, ...(bus ? { event_bus_name: bus } : {}), condition: [{ type: "StringEquals", key: "aws:PrincipalOrgID", value: "o-abc123" }] },
    });
    expect(hit(stack([NOTHING], { ...rule(FN), ...permission("*", BUS) }))).toEqual(REPORTED);
    expect(found(stack([NOTHING], { ...rule(FN), ...permission("*", BUS) }))[0].message).toContain("through aws_cloudwatch_event_permission.p");
    expect(hit(stack([NOTHING], { ...rule(FN, null), ...permission("*") }))).toEqual(REPORTED);
    // Controls: an account id delegates to that account's identity policies; a permission on another bus.
    expect(hit(stack([NOTHING], { ...rule(FN), ...permission("111111111111", BUS) }))).toEqual([]);
    expect(hit(stack([NOTHING], { ...rule(FN), ...permission("*", "other") }))).toEqual([]);
  });

  test("controls: another principal, the account root alone, a statement bound to a source, the agent's own Deny", () => {
    expect(hit(stack([NOTHING], { ...rule(FN), ...busPolicy({ AWS: "arn:aws:iam::111111111111:role/other" }) }))).toEqual([]);
    // Naming the account only lets the account's identity policies grant (IAM); the agent's own Allow then does.
    expect(hit(stack([NOTHING], { ...rule(FN), ...busPolicy({ AWS: "arn:aws:iam::111111111111:root" }) }))).toEqual([]);
    expect(hit(stack([{ Effect: "Allow", Action: "events:PutEvents", Resource: "*" }], { ...rule(FN), ...busPolicy({ AWS: "arn:aws:iam::111111111111:root" }) }))).toEqual(REPORTED);
    expect(hit(stack([NOTHING], { ...rule(FN), ...busPolicy("*", { ArnEquals: { "aws:SourceArn": "arn:aws:events:eu-central-1:222222222222:rule/fwd" } }) }))).toEqual([]);
    expect(hit(stack([NOTHING, DENY], { ...rule(FN), ...busPolicy({ AWS: AGENT_ARN }) }))).toEqual([]);
    expect(hit(stack([NOTHING, DENY], { ...rule(FN), ...busPolicy("*", ORG) }))).toEqual([]);
    // A constant input: the agent's event never reaches the function.
    expect(hit(stack([NOTHING], { ...rule(FN, BUS, { input: "{}" }), ...busPolicy({ AWS: AGENT_ARN }) }))).toEqual([]);
  });

  test("a bus policy's PutEvents fires a rule into a queue whose policy admits that rule; the agent's own Deny on the bus closes that too", () => {
    const queue: Obj = {
      ...rule("${aws_sqs_queue.q.arn}"),
      "aws_sqs_queue.q": { name: "jobs" },
      "aws_sqs_queue_policy.qp": {
        queue_url: "${aws_sqs_queue.q.id}",
        policy: policy({ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: "${aws_sqs_queue.q.arn}", Condition: { ArnEquals: { "aws:SourceArn": "${aws_cloudwatch_event_rule.r.arn}" } } }),
      },
      "aws_lambda_event_source_mapping.m": { event_source_arn: "${aws_sqs_queue.q.arn}", function_name: FN },
    };
    expect(hit(stack([NOTHING], { ...queue, ...busPolicy({ AWS: AGENT_ARN }) }))).toEqual(REPORTED);
    expect(hit(stack([NOTHING, DENY], { ...queue, ...busPolicy({ AWS: AGENT_ARN }) }))).toEqual([]);
    expect(hit(stack([NOTHING], { ...queue, ...busPolicy({ AWS: "arn:aws:iam::111111111111:role/other" }) }))).toEqual([]);
    // The agent's own PutEvents on `*`, denied on this bus: the Deny closes the relay as well.
    const PUT_ALL = { Effect: "Allow", Action: "events:PutEvents", Resource: "*" };
    expect(hit(stack([PUT_ALL], queue))).toEqual(REPORTED);
    expect(hit(stack([PUT_ALL, DENY], queue))).toEqual([]);
  });
});

describe("a bus policy naming the agent: PutEvents → rule → state machine", () => {
  const stack = (statements: Obj[], extra: Obj): Obj =>
    tf(
      {
        ...agentCan(...statements),
        "aws_sfn_state_machine.sm": { name: "remediate", role_arn: "${aws_iam_role.sfn.arn}", definition: "{}" },
        ...role("sfn", trust("states.amazonaws.com"), DESTROY),
        ...role("events", trust("events.amazonaws.com"), policy({ Effect: "Allow", Action: "states:StartExecution", Resource: "*" })),
        ...extra,
      },
      PINNED,
    );
  const graded = (json: Obj) =>
    check(json, {}, {})
      .findings.filter((f) => f.ruleId === "agent-transitive-destroy" || f.ruleId === "agent-reach-unknown")
      .map((f) => [f.ruleId, f.severity, f.resource]);
  const ERROR = [["agent-transitive-destroy", "error", "aws_iam_role.sfn"]];
  const SM = rule("${aws_sfn_state_machine.sm.arn}", BUS, { role_arn: "${aws_iam_role.events.arn}" });

  test("the agent's ARN, `*` under an organization condition: an error", () => {
    expect(graded(stack([NOTHING], { ...SM, ...busPolicy({ AWS: AGENT_ARN }) }))).toEqual(ERROR);
    expect(graded(stack([NOTHING], { ...SM, ...busPolicy("*", ORG) }))).toEqual(ERROR);
  });

  test("controls: another principal, the account root alone, the agent's own Deny", () => {
    expect(graded(stack([NOTHING], { ...SM, ...busPolicy({ AWS: "arn:aws:iam::111111111111:role/other" }) }))).toEqual([]);
    expect(graded(stack([NOTHING], { ...SM, ...busPolicy({ AWS: "arn:aws:iam::111111111111:root" }) }))).toEqual([]);
    expect(graded(stack([NOTHING, DENY], { ...SM, ...busPolicy({ AWS: AGENT_ARN }) }))).toEqual([]);
  });
});

/**
 * A rule whose target is a Kinesis stream writes the agent's events there; an event source mapping or a pipe reading
 * the stream hands them on (invoke-relays.ts `streamRelays`, asked for kinesis:PutRecord by `policyGrants`).
 */
describe("PutEvents → rule → Kinesis stream → event source mapping or pipe", () => {
  const PUT = { Effect: "Allow", Action: "events:PutEvents", Resource: "*" };
  const streamed = (extra: Obj = {}, pattern: Obj = { source: ["myapp.jobs"] }): Obj => ({
    "aws_kinesis_stream.s": { name: "jobs", shard_count: 1 },
    "aws_cloudwatch_event_rule.r": { name: "jobs", event_pattern: JSON.stringify(pattern) },
    "aws_cloudwatch_event_target.t": { rule: "${aws_cloudwatch_event_rule.r.name}", arn: "${aws_kinesis_stream.s.arn}", role_arn: "${aws_iam_role.events.arn}", ...extra },
    ...role("events", trust("events.amazonaws.com"), policy({ Effect: "Allow", Action: "kinesis:PutRecord", Resource: "*" })),
  });

  test("into a function: a route naming the rule and the agent's PutEvents; controls", () => {
    const stack = (statements: Obj[], extra: Obj): Obj =>
      tf(
        {
          ...agentCan(...statements),
          ...role("fn", trust("lambda.amazonaws.com"), DESTROY),
          "aws_lambda_function.cleanup": { function_name: "db-cleanup", role: "${aws_iam_role.fn.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
          "aws_lambda_event_source_mapping.m": { event_source_arn: "${aws_kinesis_stream.s.arn}", function_name: "${aws_lambda_function.cleanup.arn}", starting_position: "LATEST" },
          ...extra,
        },
        PINNED,
      );
    const found = (json: Obj) => check(json, {}, { strict: true }).findings.filter((f) => f.ruleId === "agent-transitive-destroy");
    const json = stack([PUT], streamed());
    expect(found(json).map((f) => f.resource)).toEqual(["aws_lambda_function.cleanup"]);
    expect(found(json)[0].message).toContain("put records on aws_kinesis_stream.s (kinesis:PutRecord, kinesis:PutRecords, through aws_iam_role_policy.agent statement #0: it puts an event with a source aws_cloudwatch_event_rule.r matches (myapp.jobs) on the default bus");
    expect(found(json)[0].message).toContain("sends it through aws_cloudwatch_event_target.t to aws_kinesis_stream.s");
    // A bus policy naming the agent fires the rule as its own PutEvents does.
    expect(found(stack([NOTHING], { ...streamed(), "aws_cloudwatch_event_bus_policy.bp": { policy: policy({ Effect: "Allow", Principal: { AWS: AGENT_ARN }, Action: "events:PutEvents", Resource: "*" }) } })).length).toBe(1);
    // Controls: a constant input, a rule matching only AWS events, no PutEvents, PutEvents on another bus only.
    expect(found(stack([PUT], streamed({ input: "{}" })))).toEqual([]);
    expect(found(stack([PUT, { Effect: "Deny", Action: "events:PutEvents", Resource: "arn:aws:events:*:*:event-bus/default" }], streamed()))).toEqual([]);
    expect(found(stack([PUT], streamed({}, { source: ["aws.ec2"] })))).toEqual([]);
    expect(found(stack([NOTHING], streamed()))).toEqual([]);
    expect(found(stack([{ Effect: "Allow", Action: "events:PutEvents", Resource: "arn:aws:events:eu-central-1:111111111111:event-bus/other" }], streamed()))).toEqual([]);
  });

  test("into a state machine through a pipe: an error; a pipe reading another stream is not", () => {
    const stack = (statements: Obj[], source = "${aws_kinesis_stream.s.arn}"): Obj =>
      tf(
        {
          ...agentCan(...statements),
          ...streamed(),
          "aws_kinesis_stream.other": { name: "other", shard_count: 1 },
          "aws_sfn_state_machine.sm": { name: "remediate", role_arn: "${aws_iam_role.sfn.arn}", definition: "{}" },
          ...role("sfn", trust("states.amazonaws.com"), DESTROY),
          ...role("pipe", trust("pipes.amazonaws.com"), policy({ Effect: "Allow", Action: ["kinesis:*", "states:StartExecution"], Resource: "*" })),
          "aws_pipes_pipe.p": { name: "jobs", role_arn: "${aws_iam_role.pipe.arn}", source, target: "${aws_sfn_state_machine.sm.arn}", source_parameters: [{ kinesis_stream_parameters: [{ starting_position: "LATEST" }] }] },
        },
        PINNED,
      );
    const graded = (json: Obj) =>
      check(json, {}, {})
        .findings.filter((f) => f.ruleId === "agent-transitive-destroy" || f.ruleId === "agent-reach-unknown")
        .map((f) => [f.ruleId, f.severity, f.resource]);
    expect(graded(stack([PUT]))).toEqual([["agent-transitive-destroy", "error", "aws_iam_role.sfn"]]);
    expect(graded(stack([PUT], "${aws_kinesis_stream.other.arn}"))).toEqual([]);
    expect(graded(stack([NOTHING]))).toEqual([]);
  });
});
