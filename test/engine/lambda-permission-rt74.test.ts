/**
 * Red-team round 74, after Lambda permissions came to count for hijack edges (round 73): one bypass (a permission on
 * a function outside the stack), three false alarms (an AddPermission pinned to service principals; AddPermission
 * when the agent is explicitly denied every change it could grant itself; a permission to the agent's session when
 * the agent is explicitly denied lambda:*) and a fail-open (a Multi-Region Access Point policy in a dynamic block).
 * Round 75 turned the last two false alarms back into reported paths (see below): the agent's own Denies do not
 * certainly hold against a permission it can add for another principal, remove, or qualify.
 *
 * The agent is a clean one throughout: a boundary, a source-identity trust, a session limit, and only s3:GetObject
 * of its own, so any error is the case's.
 */
import { agentRole, check, errors, policy, ruleIds, SAFE_TRUST, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const SESSION = "arn:aws:sts::111111111111:assumed-role/agent/run";

interface Opts {
  /** The agent's identity statements (s3:GetObject alone by default). */
  identity?: Obj[];
  /** What the boundary allows, and what it denies. */
  boundary?: string[];
  boundaryDeny?: string[];
  /** A permission (on the stack's function unless it names another). */
  permission?: Obj;
  /** Leave the function and its role out. */
  noFunction?: boolean;
  extra?: Record<string, Obj>;
}

function stack(o: Opts = {}): Obj {
  const boundary: Obj[] = [{ Effect: "Allow", Action: o.boundary ?? ["s3:GetObject"], Resource: "*" }];
  if (o.boundaryDeny) boundary.push({ Effect: "Deny", Action: o.boundaryDeny, Resource: "*" });
  return tf({
    "aws_iam_policy.boundary": { name: "agent-boundary", policy: policy(...boundary) },
    "aws_iam_role.agent": agentRole({ assume_role_policy: SAFE_TRUST, permissions_boundary: "${aws_iam_policy.boundary.arn}", max_session_duration: 3600 }),
    "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy(...(o.identity ?? [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }])) },
    ...(o.noFunction
      ? {}
      : {
          "aws_iam_role.fnrole": {
            name: "fnrole",
            assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }),
          },
          "aws_iam_role_policy.fnrole": { role: "${aws_iam_role.fnrole.name}", policy: policy({ Effect: "Allow", Action: ["s3:DeleteObject"], Resource: "*" }) },
          "aws_lambda_function.fn": { function_name: "fn", role: "${aws_iam_role.fnrole.arn}", handler: "index.handler", runtime: "nodejs20.x", filename: "f.zip" },
        }),
    ...(o.permission ? { "aws_lambda_permission.p": { function_name: "${aws_lambda_function.fn.function_name}", statement_id: "ci", ...o.permission } } : {}),
    ...(o.extra ?? {}),
  });
}

const addPermission = (extra: Obj = {}): Obj => ({ Effect: "Allow", Action: "lambda:AddPermission", Resource: "${aws_lambda_function.fn.arn}", ...extra });
const onPrincipal = (operator: string, values: string | string[]) => ({ Condition: { [operator]: { "lambda:Principal": values } } });

describe("the base stack is clean", () => {
  test("no errors", () => {
    expect(ruleIds(check(stack()))).toEqual([]);
    expect(ruleIds(check(stack({ noFunction: true })))).toEqual([]);
  });
});

describe("B1: a permission on a function outside the stack hands over a function blastwall cannot see", () => {
  // To everyone, the world's hijack of a function whose role blastwall cannot see is reported too (resource-policy-grant).
  for (const [name, principal, also] of [
    ["the agent's session", SESSION, []],
    ["everyone", "*", ["resource-policy-grant"]],
  ] as const) {
    test(`UpdateFunctionCode to ${name}, function named by a literal`, () => {
      const r = check(stack({ noFunction: true, permission: { function_name: "billing-cleanup", action: "lambda:UpdateFunctionCode", principal } }));
      expect(ruleIds(r)).toEqual(["agent-reach-unknown", ...also]);
      expect(JSON.stringify(errors(r, "agent-reach-unknown"))).toMatch(/aws_lambda_permission\.p/);
    });
    test(`UpdateFunctionCode to ${name}, function named by a full ARN`, () => {
      const r = check(stack({ noFunction: true, permission: { function_name: "arn:aws:lambda:us-east-1:111111111111:function:other", action: "lambda:UpdateFunctionCode", principal } }));
      expect(ruleIds(r)).toEqual(["agent-reach-unknown", ...also]);
    });
  }

  test("as the agent's own right does (control)", () => {
    const r = check(stack({ noFunction: true, identity: [{ Effect: "Allow", Action: "lambda:UpdateFunctionCode", Resource: "arn:aws:lambda:*:*:function:billing-cleanup" }], boundary: ["s3:GetObject", "lambda:UpdateFunctionCode"] }));
    expect(ruleIds(r)).toEqual(["agent-reach-unknown"]);
  });

  test("a permission outside the stack to InvokeFunction, or to another role, stays clean (control)", () => {
    expect(ruleIds(check(stack({ noFunction: true, permission: { function_name: "billing-cleanup", action: "lambda:InvokeFunction", principal: SESSION } })))).toEqual([]);
    expect(ruleIds(check(stack({ noFunction: true, permission: { function_name: "billing-cleanup", action: "lambda:UpdateFunctionCode", principal: "arn:aws:iam::111111111111:role/deployer" } })))).toEqual([]);
  });

  test("a permission on the stack's own function reaches that function alone, not same-named ones elsewhere", () => {
    for (const function_name of ["${aws_lambda_function.fn.function_name}", "${aws_lambda_function.fn.arn}"]) {
      expect(ruleIds(check(stack({ permission: { function_name, action: "lambda:UpdateFunctionCode", principal: SESSION } })))).toEqual(["agent-transitive-destroy"]);
    }
  });

  test("a permission on a data-source function stays agent-reach-unknown (control)", () => {
    const r = check(
      stack({
        noFunction: true,
        extra: {
          "data.aws_lambda_function.billing": { function_name: "billing-cleanup" },
          "aws_lambda_permission.p": { function_name: "${data.aws_lambda_function.billing.function_name}", statement_id: "ci", action: "lambda:UpdateFunctionCode", principal: SESSION },
        },
      }),
    );
    expect(ruleIds(r)).toEqual(["agent-reach-unknown"]);
  });
});

describe("F1: AddPermission pinned by lambda:Principal to service principals adds no grant to the agent", () => {
  const boundary = ["s3:GetObject", "lambda:AddPermission"];
  test.each([
    ["StringEquals", "apigateway.amazonaws.com"],
    ["StringEquals", ["apigateway.amazonaws.com", "events.amazonaws.com"]],
    ["StringEqualsIgnoreCase", "S3.AmazonAWS.com"],
    ["StringLike", "events.amazonaws.com"],
    ["StringEquals", "apigateway.amazonaws.com.cn"],
  ])("%s %j", (operator, values) => {
    expect(ruleIds(check(stack({ boundary, identity: [addPermission(onPrincipal(operator, values))] })))).toEqual([]);
  });

  test.each([
    ["StringLike", "*.amazonaws.com"],
    ["StringLike", "*"],
    ["StringEquals", "*"],
    ["StringEquals", ["apigateway.amazonaws.com", SESSION]],
    ["StringEquals", "111111111111"],
    ["StringNotEquals", "apigateway.amazonaws.com"],
    ["StringEqualsIfExists", "apigateway.amazonaws.com"],
    ["ForAnyValue:StringEquals", "apigateway.amazonaws.com"],
    ["ForAllValues:StringEquals", "apigateway.amazonaws.com"],
    ["StringEquals", "amazonaws.com.evil.example"],
  ])("still a path under %s %j (fail closed)", (operator, values) => {
    expect(errors(check(stack({ boundary, identity: [addPermission(onPrincipal(operator, values))] })), "agent-transitive-destroy")).toHaveLength(1);
  });

  test("a condition on another key does not pin the principal", () => {
    expect(errors(check(stack({ boundary, identity: [addPermission({ Condition: { StringEquals: { "aws:RequestedRegion": "us-east-1" } } })] })), "agent-transitive-destroy")).toHaveLength(1);
  });

  test("a pinned Allow beside an unpinned one still leaves the path", () => {
    const identity = [addPermission(onPrincipal("StringEquals", "apigateway.amazonaws.com")), addPermission()];
    expect(errors(check(stack({ boundary, identity })), "agent-transitive-destroy")).toHaveLength(1);
  });

  test("control: AddPermission with only the implicit deny is still an error (tp_implicit)", () => {
    const found = errors(check(stack({ boundary, identity: [addPermission()] })), "agent-transitive-destroy");
    expect(found).toHaveLength(1);
    expect(found[0].evidence.find((e) => e.step === "hijack")?.detail).toMatch(/lambda:AddPermission/);
  });

  test("the Deny form (Allow, and Deny under StringNotLike lambda:Principal [services]) is still over-reported", () => {
    const identity = [addPermission(), { Effect: "Deny", Action: "lambda:AddPermission", Resource: "*", ...onPrincipal("StringNotLike", ["s3.amazonaws.com", "apigateway.amazonaws.com"]) }];
    expect(errors(check(stack({ boundary, identity })), "agent-transitive-destroy")).toHaveLength(1);
  });
});

// Round 74 first read the agent's own certain Denies against these grants (F2: AddPermission when both updates are
// denied; F3: a permission or store policy granting what the agent's identity or boundary denies). Round 75 showed
// each removal a bypass: the permission the agent adds may name another principal it can act as (a role it can
// assume, whose session no Deny of the agent's binds); a Deny the agent can delete or detach protects nothing; a
// permission with a qualifier is checked against the qualified ARN, which a Deny on the function's ARN does not
// match. They are read as before: the path counts (fail closed).
describe("round 75: the agent's own Denies do not cancel a Lambda permission path, unless certain (round 158)", () => {
  const boundary = ["s3:GetObject", "lambda:AddPermission"];
  const updates = ["lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration"];

  test("AddPermission with both updates denied in the boundary or the identity policy is still a path", () => {
    expect(errors(check(stack({ boundary, boundaryDeny: updates, identity: [addPermission()] })), "agent-transitive-destroy")).toHaveLength(1);
    expect(errors(check(stack({ boundary, identity: [addPermission(), { Effect: "Deny", Action: updates, Resource: "*" }] })), "agent-transitive-destroy")).toHaveLength(1);
  });

  test("AddPermission naming a role the agent can assume, with the agent's own updates denied, is still a path", () => {
    const helper = {
      "aws_iam_role.helper": { name: "helper", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" }) },
      "aws_iam_role_policy.helper": { role: "${aws_iam_role.helper.name}", policy: policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) },
    };
    const identity = [addPermission(), { Effect: "Deny", Action: updates, Resource: "*" }, { Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.helper.arn}" }];
    expect(errors(check(stack({ boundary: [...boundary, "sts:AssumeRole"], identity, extra: helper })), "agent-transitive-destroy").map((f) => f.resource)).toContain("aws_iam_role.fnrole");
  });

  for (const [name, principal] of [
    ["the agent's session", SESSION],
    ["everyone", "*"],
  ]) {
    // Round 158 (F5) made certain Denies of the agent's own close chains into compute, as they close the routes into
    // functions: a Deny of lambda:* on `*` in the boundary or the identity policy refuses UpdateFunctionCode whatever a
    // permission grants (an explicit Deny in any policy that applies wins). Round 75's bypasses still hold where they
    // apply: a Deny on the function's ARN alone does not cover a qualified ARN (`fn:prod`), which a permission may be.
    test(`a permission granting UpdateFunctionCode to ${name}: closed by a certain Deny of lambda:* on *, not by one on the function's ARN alone`, () => {
      expect(errors(check(stack({ boundaryDeny: ["lambda:*"], permission: { action: "lambda:UpdateFunctionCode", principal } })), "agent-transitive-destroy")).toHaveLength(0);
      // The agent's Deny binds the agent alone: to everyone, the world still hijacks the function.
      expect(errors(check(stack({ boundaryDeny: ["lambda:*"], permission: { action: "lambda:UpdateFunctionCode", principal } })), "resource-policy-grant")).toHaveLength(principal === "*" ? 1 : 0);
      const identity = (resource: string) => [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }, { Effect: "Deny", Action: "lambda:*", Resource: resource }];
      expect(errors(check(stack({ identity: identity("*"), permission: { action: "lambda:UpdateFunctionCode", principal } })), "agent-transitive-destroy")).toHaveLength(0);
      expect(errors(check(stack({ identity: identity("${aws_lambda_function.fn.arn}"), permission: { action: "lambda:UpdateFunctionCode", principal } })), "agent-transitive-destroy")).toHaveLength(1);
    });
  }

  test("control: a permission to the agent's session with no Deny is an error", () => {
    expect(errors(check(stack({ permission: { action: "lambda:UpdateFunctionCode", principal: SESSION } })), "agent-transitive-destroy")).toHaveLength(1);
  });
});

describe("B2: a Multi-Region Access Point policy in a dynamic details block is read", () => {
  const open = policy({ Effect: "Allow", Principal: "*", Action: "s3:DeleteObject", Resource: "*" });
  const mrap = (body: Obj) => tf({ "aws_s3control_multi_region_access_point_policy.p": body });
  const failing = (body: Obj) => errors(check(mrap(body))).length;

  test("control: the static form errors", () => {
    expect(failing({ details: { name: "m", policy: open } })).toBeGreaterThan(0);
  });

  test("dynamic details, one spec or a list of them", () => {
    expect(failing({ dynamic: { details: { for_each: "${var.x}", content: { name: "m", policy: open } } } })).toBeGreaterThan(0);
    expect(failing({ dynamic: { details: [{ for_each: "${var.x}", content: { name: "m", policy: open } }] } })).toBeGreaterThan(0);
  });

  test("dynamic content that cannot be read fails closed", () => {
    expect(failing({ dynamic: { details: { for_each: "${var.x}", content: "${var.c}" } } })).toBeGreaterThan(0);
    expect(failing({ dynamic: { details: { for_each: "${var.x}", content: { name: "m", policy: "${details.value.policy}" } } } })).toBeGreaterThan(0);
  });

  test("control: a dynamic details granting nothing destructive stays clean", () => {
    const read = policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/reader" }, Action: "s3:GetObject", Resource: "*" });
    expect(failing({ dynamic: { details: { for_each: "${var.x}", content: { name: "m", policy: read } } } })).toBe(0);
  });
});
