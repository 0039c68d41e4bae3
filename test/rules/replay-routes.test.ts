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
