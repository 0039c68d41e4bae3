/**
 * Red-team round 68, false alarms on grants naming the stack's own compute:
 * - `${aws_ecs_task_definition.t.arn_without_revision}:*` (every revision of the task definition) and a Step
 *   Functions ARN built around a state machine's partly computed name read as compute outside the stack: blastwall
 *   had no ARN pattern for `arn_without_revision` or for state machines.
 * - `ssm:SendCommand` on the instance and `document/AWS-RunShellScript`: SendCommand is authorised on both the
 *   instance and the document, and a document is no compute; only instances (and managed instances) run commands.
 */
import { check, errors, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";

const PINNED = { provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] } };
const trust = (service: string) => policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
const reached = (json: Obj) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource).sort();
const unknown = (json: Obj) => errors(check(json), "agent-reach-unknown").length;

const ecs = (resource: string, rights = HARMLESS): Obj =>
  tf(
    {
      ...agentCan({ Effect: "Allow", Action: "ecs:RunTask", Resource: resource }),
      ...role("h", trust("ecs-tasks.amazonaws.com"), rights),
      ...role("nk", trust("ecs-tasks.amazonaws.com"), DESTROY),
      "aws_ecs_task_definition.t": { family: "etl", task_role_arn: "${aws_iam_role.h.arn}", container_definitions: "[]" },
      "aws_ecs_task_definition.n": { family: "etl-admin", task_role_arn: "${aws_iam_role.nk.arn}", container_definitions: "[]" },
    },
    PINNED,
  );

const sfn = (resource: string, rights = HARMLESS): Obj =>
  tf(
    {
      ...agentCan({ Effect: "Allow", Action: "states:StartExecution", Resource: resource }),
      ...role("h", trust("states.amazonaws.com"), rights),
      "aws_sfn_state_machine.s": { name: "etl-${var.env}", role_arn: "${aws_iam_role.h.arn}", definition: "{}" },
      "data.aws_region.r": {},
      "data.aws_caller_identity.c": {},
    },
    { ...PINNED, variable: { env: { type: "string" } } },
  );
const SFN_BUILT = "arn:aws:states:${data.aws_region.r.name}:${data.aws_caller_identity.c.account_id}:stateMachine:${aws_sfn_state_machine.s.name}";

const ssm = (resources: string[], rights = HARMLESS): Obj =>
  tf(
    {
      ...agentCan({ Effect: "Allow", Action: "ssm:SendCommand", Resource: resources }),
      ...role("inst", trust("ec2.amazonaws.com"), rights),
      "aws_iam_instance_profile.ip": { name: "ip", role: "${aws_iam_role.inst.name}" },
      "aws_instance.i": { ami: "ami-1", instance_type: "t3.micro", iam_instance_profile: "${aws_iam_instance_profile.ip.name}" },
    },
    PINNED,
  );
const DOC = "arn:aws:ssm:eu-west-1::document/AWS-RunShellScript";

describe("68. an ECS task definition's arn_without_revision with its revisions", () => {
  test("names that task definition: no alarm for a harmless role, a path for a destroying one (the red team's false alarm)", () => {
    expect(errors(check(ecs("${aws_ecs_task_definition.t.arn_without_revision}:*")))).toEqual([]);
    expect(reached(ecs("${aws_ecs_task_definition.t.arn_without_revision}:*", DESTROY))).toEqual(["aws_iam_role.h"]);
  });

  test("under a permissions boundary naming the region and account, still that task definition", () => {
    const doc = ecs("${aws_ecs_task_definition.t.arn_without_revision}:*") as { resource: Record<string, Record<string, Obj>> };
    const boundary = policy({ Effect: "Allow", Action: "ecs:RunTask", Resource: "arn:aws:ecs:eu-west-1:111111111111:task-definition/${aws_ecs_task_definition.t.family}:*" });
    doc.resource.aws_iam_policy = { boundary: { name: "agent-boundary", policy: boundary } };
    doc.resource.aws_iam_role.agent = { ...doc.resource.aws_iam_role.agent, permissions_boundary: "${aws_iam_policy.boundary.arn}" };
    expect(errors(check(doc as Obj), "agent-reach-unknown")).toEqual([]);
  });

  test("control: a wildcard after it names other families too", () => {
    expect(reached(ecs("${aws_ecs_task_definition.t.arn_without_revision}*"))).toEqual(["aws_iam_role.nk"]);
  });
});

describe("68. a Step Functions ARN built around a partly computed name", () => {
  test("names the state machine (the red team's false alarm), and reaches its role when it can destroy", () => {
    expect(errors(check(sfn(SFN_BUILT)))).toEqual([]);
    expect(reached(sfn(SFN_BUILT, DESTROY))).toEqual(["aws_iam_role.h"]);
  });

  test("control: the same name written by hand may name state machines outside the stack", () => {
    expect(unknown(sfn("arn:aws:states:eu-west-1:111111111111:stateMachine:etl-*"))).toBeGreaterThan(0);
  });
});

describe("68. ssm:SendCommand's document is no compute", () => {
  test("the instance and an AWS document: no alarm for a harmless role (the red team's false alarm), a path for a destroying one", () => {
    expect(errors(check(ssm(["${aws_instance.i.arn}", DOC])))).toEqual([]);
    expect(reached(ssm(["${aws_instance.i.arn}", DOC], DESTROY))).toEqual(["aws_iam_role.inst"]);
  });

  test("controls: instances or managed instances outside the stack still count", () => {
    expect(unknown(ssm(["arn:aws:ec2:eu-west-1:111111111111:instance/*", DOC]))).toBeGreaterThan(0);
    expect(unknown(ssm(["arn:aws:ssm:eu-west-1:111111111111:managed-instance/*", DOC]))).toBeGreaterThan(0);
    expect(unknown(ssm(["*"]))).toBeGreaterThan(0);
  });
});
