/**
 * Red-team round 69, a literal region other than the stack's resource's:
 * - `arn:aws:lambda:us-east-1:111111111111:function:etl` (the stack pinned to eu-west-1, its function `etl` there),
 *   the same built around `${aws_lambda_function.f.function_name}`, and `states:StartExecution` on a state machine
 *   ARN in another region were read as the stack's resource (a bypass): a name is one resource per region and account.
 * - A region read from `data.aws_arn` parsing an ARN with `*` in it is a wildcard written by hand, not one apply-time
 *   value.
 */
import { check, errors, policy, safeAgentStack, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const PINNED = { provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] } };
const LAMBDA_TRUST = policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
const STATES_TRUST = policy({ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" });
const READ = policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" });

/** The agent may `action` on `resources`; the stack's function and state machine `etl` (harmless roles). */
function withAgent(action: string, resources: string[], fnExtra: Obj = {}, data: Record<string, Obj> = {}, provider: Obj = PINNED): Obj {
  const doc = safeAgentStack([{ Effect: "Allow", Action: action, Resource: resources }], ["ec2:Delete*"]) as { resource: Record<string, Record<string, Obj>> } & Obj;
  const more = tf({
    "aws_iam_role.fn": { name: "fn", assume_role_policy: LAMBDA_TRUST },
    "aws_iam_role_policy.fn": { role: "${aws_iam_role.fn.name}", policy: READ },
    "aws_iam_role.h": { name: "h", assume_role_policy: STATES_TRUST },
    "aws_iam_role_policy.h": { role: "${aws_iam_role.h.name}", policy: READ },
    "aws_lambda_function.f": { function_name: "etl", role: "${aws_iam_role.fn.arn}", runtime: "python3.12", handler: "i.h", filename: "f.zip", ...fnExtra },
    "aws_sfn_state_machine.s": { name: "etl", role_arn: "${aws_iam_role.h.arn}", definition: "{}" },
    "data.aws_region.r": {},
    "data.aws_caller_identity.c": {},
    ...data,
  }) as { resource: Record<string, Record<string, Obj>>; data: Obj };
  for (const [type, byName] of Object.entries(more.resource)) doc.resource[type] = { ...doc.resource[type], ...byName };
  return { ...doc, data: more.data, ...provider };
}

const unknown = (doc: Obj) => errors(check(doc), "agent-reach-unknown").length > 0;

describe("69. a literal region other than the resource's names a resource elsewhere", () => {
  test("a Lambda ARN in another region, literal or built around the reference (the red team's bypass)", () => {
    for (const r of ["arn:aws:lambda:us-east-1:111111111111:function:etl", "arn:aws:lambda:us-east-1:111111111111:function:${aws_lambda_function.f.function_name}"]) {
      expect([r, unknown(withAgent("lambda:UpdateFunctionCode", [r]))]).toEqual([r, true]);
    }
  });

  test("a state machine ARN in another region", () => {
    const r = "arn:aws:states:us-east-1:111111111111:stateMachine:etl";
    expect(unknown(withAgent("states:StartExecution", [r]))).toBe(true);
  });

  test("the resource's own `region` argument counts over its provider's", () => {
    const r = "arn:aws:lambda:eu-west-1:111111111111:function:etl";
    expect(unknown(withAgent("lambda:UpdateFunctionCode", [r], { region: "us-east-1" }))).toBe(true);
    expect(errors(check(withAgent("lambda:UpdateFunctionCode", ["arn:aws:lambda:us-east-1:111111111111:function:etl"], { region: "us-east-1" })))).toEqual([]);
  });

  test("a region parsed by data.aws_arn from an ARN with `*` in it is a written wildcard", () => {
    const r = "arn:aws:lambda:${data.aws_arn.x.region}:111111111111:function:${aws_lambda_function.f.function_name}";
    expect(unknown(withAgent("lambda:UpdateFunctionCode", [r], {}, { "data.aws_arn.x": { arn: "arn:aws:lambda:*:*:function:template" } }))).toBe(true);
  });

  test("controls: the same region, an unknown region on either side, or a data.aws_arn with a literal region are no alarm", () => {
    for (const r of [
      "arn:aws:lambda:eu-west-1:111111111111:function:etl",
      "arn:aws:lambda:eu-west-1:111111111111:function:${aws_lambda_function.f.function_name}",
      "arn:aws:lambda:${data.aws_region.r.name}:111111111111:function:${aws_lambda_function.f.function_name}",
      "${aws_lambda_function.f.arn}",
    ]) {
      expect([r, errors(check(withAgent("lambda:UpdateFunctionCode", [r])))]).toEqual([r, []]);
    }
    expect(errors(check(withAgent("states:StartExecution", ["arn:aws:states:eu-west-1:111111111111:stateMachine:etl"])))).toEqual([]);
    // The provider's region unknown (a variable with no default): one value, maybe us-east-1.
    const open = { provider: { aws: [{ region: "${var.region}", allowed_account_ids: ["111111111111"] }] }, variable: { region: { type: "string" } } };
    expect(errors(check(withAgent("lambda:UpdateFunctionCode", ["arn:aws:lambda:us-east-1:111111111111:function:${aws_lambda_function.f.function_name}"], {}, {}, open)))).toEqual([]);
    const r = "arn:aws:lambda:${data.aws_arn.x.region}:111111111111:function:${aws_lambda_function.f.function_name}";
    expect(errors(check(withAgent("lambda:UpdateFunctionCode", [r], {}, { "data.aws_arn.x": { arn: "arn:aws:lambda:eu-west-1:*:function:template" } })))).toEqual([]);
  });
});
