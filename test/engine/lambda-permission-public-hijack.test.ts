/**
 * A Lambda permission granting everyone (`*`) a change of the function's code or configuration hands the function's
 * role to anyone in the world, agents of any account included, whatever this stack's agents are denied
 * (rules/public-hijacks.ts, reported by resource-policy-grant). The stack's agent denies itself lambda:* for certain,
 * so the agent chain (agent-transitive-destroy) is closed and any error is the world's.
 */
import { agentRole, check, errors, policy, SAFE_TRUST, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

function stack(permission: Obj, roleActions: string[] = ["rds:DeleteDBInstance", "s3:DeleteObject"], extra: Record<string, Obj> = {}): Obj {
  return tf({
    "aws_iam_policy.boundary": { name: "agent-boundary", policy: policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }, { Effect: "Deny", Action: "lambda:*", Resource: "*" }) },
    "aws_iam_role.agent": agentRole({ assume_role_policy: SAFE_TRUST, permissions_boundary: "${aws_iam_policy.boundary.arn}", max_session_duration: 3600 }),
    "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) },
    "aws_iam_role.fnrole": { name: "fnrole", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }) },
    "aws_iam_role_policy.fnrole": { role: "${aws_iam_role.fnrole.name}", policy: policy({ Effect: "Allow", Action: roleActions, Resource: "*" }) },
    "aws_lambda_function.fn": { function_name: "fn", role: "${aws_iam_role.fnrole.arn}", handler: "index.handler", runtime: "nodejs20.x", filename: "f.zip" },
    "aws_lambda_permission.p": { function_name: "${aws_lambda_function.fn.function_name}", statement_id: "ci", ...permission },
    ...extra,
  });
}

const found = (json: Obj) => errors(check(json), "resource-policy-grant");

describe("a permission letting everyone change a function whose role can destroy data is an error", () => {
  test.each(["lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:AddPermission"])("%s to *", (action) => {
    const [f, ...more] = found(stack({ action, principal: "*" }));
    expect(more).toEqual([]);
    expect(f).toMatchObject({ principal: "aws_lambda_permission.p", resource: "aws_lambda_function.fn" });
    expect(f.actions).toEqual(expect.arrayContaining([action, "rds:DeleteDBInstance", "s3:DeleteObject"]));
    expect(f.message).toMatch(/^aws_lambda_permission\.p grants .* on aws_lambda_function\.fn to everyone \(\*\): anyone, AI agents of any account included, .* aws_iam_role\.fnrole, which can delete data/);
    expect(f.fix).toMatch(/one principal that needs .* source_arn or source_account .* never grant code or configuration updates .* to \*/);
    expect(f.evidence.map((e) => e.address)).toEqual(expect.arrayContaining(["aws_lambda_permission.p", "aws_iam_role.fnrole", "aws_iam_role_policy.fnrole"]));
  });

  test("lambda:* to * grants all three", () => {
    const [f, ...more] = found(stack({ action: "lambda:*", principal: "*" }));
    expect(more).toEqual([]);
    expect(f.actions.slice(0, 3)).toEqual(["lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:AddPermission"]);
  });

  test("the agent's own certain Deny of lambda:* leaves the world's door open: the agent chain closes, this does not", () => {
    const r = check(stack({ action: "lambda:UpdateFunctionCode", principal: "*" }));
    expect(errors(r, "agent-transitive-destroy")).toEqual([]);
    expect(errors(r, "resource-policy-grant")).toHaveLength(1);
  });

  test("a principal or action blastwall cannot read is read as everyone and every action (fail closed)", () => {
    expect(found(stack({ action: "lambda:*", principal: "${var.who}" }))[0]?.message).toMatch(/a principal blastwall cannot read \(read as everyone, \*\)/);
    expect(found(stack({ action: "${var.action}", principal: "*" }))).toHaveLength(1);
  });

  test("a function whose role blastwall cannot see is an error too (fail closed)", () => {
    const outside = found(stack({ function_name: "billing-cleanup", action: "lambda:UpdateFunctionCode", principal: "*" }));
    expect(outside.map((f) => [f.resource, f.actions])).toEqual([["billing-cleanup", ["lambda:UpdateFunctionCode", "*"]]]);
    expect(outside[0].message).toMatch(/a function outside this stack, whose role blastwall cannot see/);
    const unread = found(stack({ function_name: "${var.fn}", action: "lambda:UpdateFunctionCode", principal: "*" }));
    expect(unread[0]?.message).toMatch(/a function blastwall cannot read/);
    const read = found(stack({ function_name: "${data.aws_lambda_function.other.function_name}", action: "lambda:UpdateFunctionCode", principal: "*" }, undefined, { "data.aws_lambda_function.other": { function_name: "other" } }));
    expect(read.map((f) => f.resource)).toEqual(["data.aws_lambda_function.other"]);
  });
});

describe("controls", () => {
  test("a principal of the stack's own account, with source_account", () => {
    expect(found(stack({ action: "lambda:UpdateFunctionCode", principal: "111111111111", source_account: "111111111111" }))).toEqual([]);
  });

  test.each([
    ["source_account", "111111111111"],
    ["source_arn", "arn:aws:events:us-east-1:111111111111:rule/deploy"],
    ["principal_org_id", "o-abc123"],
  ])("everyone narrowed by %s", (key, value) => {
    expect(found(stack({ action: "lambda:*", principal: "*", [key]: value }))).toEqual([]);
  });

  test("InvokeFunction to * (invoking is judged elsewhere)", () => {
    expect(found(stack({ action: "lambda:InvokeFunction", principal: "*" }))).toEqual([]);
    expect(found(stack({ action: "lambda:InvokeFunctionUrl", principal: "*", function_url_auth_type: "NONE" }))).toEqual([]);
  });

  test("a role that can destroy nothing", () => {
    expect(found(stack({ action: "lambda:*", principal: "*" }, ["s3:GetObject", "logs:PutLogEvents"]))).toEqual([]);
  });

  test("a service principal", () => {
    expect(found(stack({ action: "lambda:*", principal: "events.amazonaws.com" }))).toEqual([]);
  });
});
