/**
 * Red-team round 68: a literal role ARN (or name) a compute resource runs as was read as the stack's only role whose
 * name is computed (unnamed, or `name_prefix`), because that role's pattern (`role/*`, `role/etl-*`) was the one
 * pattern it matched. The literal may as well name a role outside the stack, whose rights blastwall cannot see: it
 * names a stack role only when that role's name is certainly the name written.
 */
import { check, errors, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, type Obj } from "../helpers/sessions";

const reached = (json: Obj) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource).sort();
const unknown = (json: Obj) => errors(check(json), "agent-reach-unknown").length;
const trust = (service: string) => policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
const OUTSIDE = "arn:aws:iam::111111111111:role/etl-admin";
const PINNED = { provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] } };

/** A stack role `h` with these naming arguments and rights, trusted by `service`. */
const stackRole = (naming: Obj, service: string, rights: string): Record<string, Obj> => ({
  "aws_iam_role.h": { assume_role_policy: trust(service), ...naming },
  "aws_iam_role_policy.h": { role: "${aws_iam_role.h.name}", policy: rights },
});

const lambda = (roleValue: string, naming: Obj, rights = HARMLESS) =>
  tf(
    {
      ...agentCan({ Effect: "Allow", Action: "lambda:UpdateFunctionCode", Resource: "${aws_lambda_function.f.arn}" }),
      ...stackRole(naming, "lambda.amazonaws.com", rights),
      "aws_lambda_function.f": { function_name: "f", role: roleValue, runtime: "python3.12", handler: "i.h", filename: "f.zip" },
    },
    PINNED,
  );

const ecsTask = (roleValue: string, naming: Obj, rights = HARMLESS) =>
  tf(
    {
      ...agentCan({ Effect: "Allow", Action: "ecs:RunTask", Resource: "${aws_ecs_task_definition.t.arn}" }),
      ...stackRole(naming, "ecs-tasks.amazonaws.com", rights),
      "aws_ecs_task_definition.t": { family: "t", task_role_arn: roleValue, container_definitions: "[]" },
    },
    PINNED,
  );

describe("68. a literal role ARN beside a stack role whose name is computed", () => {
  test("a Lambda's literal role ARN is not the stack's unnamed or name_prefix role: unknown (the red team's bypass)", () => {
    for (const naming of [{}, { name_prefix: "etl-" }]) expect(unknown(lambda(OUTSIDE, naming))).toBeGreaterThan(0);
  });

  test("nor a bare role name, nor an ECS task role", () => {
    expect(unknown(lambda("etl-admin", { name_prefix: "etl-" }))).toBeGreaterThan(0);
    for (const naming of [{}, { name_prefix: "etl-" }]) expect(unknown(ecsTask(OUTSIDE, naming))).toBeGreaterThan(0);
  });

  test("control: a literal ARN of a stack role with that very name is that role (no alarm when harmless, a path when not)", () => {
    expect(errors(check(lambda(OUTSIDE, { name: "etl-admin" })))).toEqual([]);
    expect(reached(lambda(OUTSIDE, { name: "etl-admin" }, DESTROY))).toEqual(["aws_iam_role.h"]);
    expect(errors(check(ecsTask("etl-admin", { name: "etl-admin" })))).toEqual([]);
  });

  test("control: a literal ARN naming another fixed-name role is unknown, as before", () => {
    expect(unknown(lambda(OUTSIDE, { name: "etl-reader" }))).toBeGreaterThan(0);
  });

  test("a role named exactly beside an unnamed one: the named one (names are unique within an account)", () => {
    const json = lambda(OUTSIDE, { name: "etl-admin" }, DESTROY);
    (json.resource as Record<string, Record<string, Obj>>).aws_iam_role.other = { assume_role_policy: trust("lambda.amazonaws.com") };
    expect(reached(json)).toEqual(["aws_iam_role.h"]);
    expect(unknown(json)).toBe(0);
  });
});
