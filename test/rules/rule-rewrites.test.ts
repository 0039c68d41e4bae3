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
