/**
 * Red-team round 67: an ARN built around a reference to a function whose name is partly computed
 * (`arn:aws:lambda:${data.aws_region.r.name}:${data.aws_caller_identity.c.account_id}:function:${aws_lambda_function.f.function_name}`
 * with `function_name = "etl-${var.env}"`), and `${aws_lambda_function.f.arn}:*` or `.qualified_arn` (the function's
 * versions and aliases), read as grants on functions outside the stack: the built ARN was looked up by exact text, and
 * its resolved account was not the `*` of the function's ARN pattern. The reference inside decides which resource a
 * built ARN names; its resource part must be that resource's (or its versions'), its other parts compatible with it.
 */
import { check, errors, policy, safeAgentStack, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const PINNED = { provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] } };

function withAgent(resources: string[], name: string, rights?: string, locals?: Obj): Obj {
  const doc = safeAgentStack([{ Effect: "Allow", Action: "lambda:UpdateFunctionCode", Resource: resources }], ["ec2:Delete*"]) as { resource: Record<string, Record<string, Obj>> } & Obj;
  const more = tf({
    "aws_iam_role.fn": { name: "fn", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }) },
    ...(rights ? { "aws_iam_role_policy.fn": { role: "${aws_iam_role.fn.name}", policy: rights } } : {}),
    "aws_lambda_function.f": { function_name: name, role: "${aws_iam_role.fn.arn}", runtime: "python3.12", handler: "i.h", filename: "f.zip" },
    "data.aws_region.r": {},
    "data.aws_caller_identity.c": {},
    "data.aws_partition.p": {},
  }) as { resource: Record<string, Record<string, Obj>>; data: Obj };
  for (const [type, byName] of Object.entries(more.resource)) doc.resource[type] = { ...doc.resource[type], ...byName };
  return { ...doc, data: more.data, ...PINNED, ...(locals ? { locals } : {}), variable: { env: { type: "string" } } };
}

const DESTROY = policy({ Effect: "Allow", Action: ["s3:DeleteObject", "dynamodb:DeleteTable"], Resource: "*" });
const unknown = (doc: Obj) => errors(check(doc), "agent-reach-unknown").length;
const reached = (doc: Obj) => errors(check(doc), "agent-transitive-destroy").map((f) => f.resource);

const BUILT = [
  "arn:aws:lambda:${data.aws_region.r.name}:${data.aws_caller_identity.c.account_id}:function:${aws_lambda_function.f.function_name}",
  "arn:aws:lambda:eu-west-1:111111111111:function:${aws_lambda_function.f.function_name}",
  "arn:${data.aws_partition.p.partition}:lambda:${data.aws_region.r.name}:${data.aws_caller_identity.c.account_id}:function:${aws_lambda_function.f.function_name}",
];
const VERSIONS: string[][] = [["${aws_lambda_function.f.arn}", "${aws_lambda_function.f.arn}:*"], ["${aws_lambda_function.f.qualified_arn}"], [`${BUILT[0]}:*`]];

describe("67. ARNs built around a reference, and a function's versions, name that function", () => {
  test("a built ARN around a partly computed name, with the account resolved, is the stack's function (the red team's false alarm)", () => {
    for (const name of ["etl-${var.env}", "etl"]) for (const r of BUILT) expect([name, r, errors(check(withAgent([r], name)))]).toEqual([name, r, []]);
  });

  test("`${arn}:*` and `qualified_arn` are the function's versions and aliases: that function", () => {
    for (const name of ["etl-${var.env}", "etl"]) for (const rs of VERSIONS) expect([name, rs, errors(check(withAgent(rs, name)))]).toEqual([name, rs, []]);
  });

  test("each still reaches the function's role when it can destroy", () => {
    for (const rs of [...BUILT.map((r) => [r]), ...VERSIONS]) expect([rs, reached(withAgent(rs, "etl-${var.env}", DESTROY))]).toEqual([rs, ["aws_iam_role.fn"]]);
  });

  test("controls: a wildcard written by hand (in a local too), or a name other than the function's, may be outside the stack", () => {
    const locals = { any: "*" };
    const cases = [
      "arn:aws:lambda:${local.any}:${local.any}:function:${aws_lambda_function.f.function_name}",
      "${aws_lambda_function.f.arn}${local.any}",
      "arn:aws:lambda:eu-west-1:111111111111:function:${aws_lambda_function.f.function_name}2",
      "arn:aws:lambda:eu-west-1:111111111111:function:${aws_lambda_function.f.function_name}*",
      "arn:aws:lambda:*:*:function:${aws_lambda_function.f.function_name}",
      "arn:aws:lambda:eu-west-1:111111111111:function:etl-*",
    ];
    for (const r of cases) expect([r, unknown(withAgent([r], "etl-${var.env}", undefined, locals)) > 0]).toEqual([r, true]);
  });
});
