/**
 * Red-team round 73: an `aws_lambda_permission` is a resource policy on the function. One that lets the agent (or
 * everyone) call lambda:UpdateFunctionCode or UpdateFunctionConfiguration lets it run its own code as the function's
 * role, with no identity Allow at all; the chain must name the permission, so a reviewer can cut it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

function stack(permission: Obj, boundary: string | string[] = "s3:GetObject"): Obj {
  return tf({
    "aws_iam_policy.boundary": { name: "agent-boundary", policy: policy({ Effect: "Allow", Action: boundary, Resource: "*" }) },
    "aws_iam_role.agent": agentRole({ permissions_boundary: "${aws_iam_policy.boundary.arn}" }),
    "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) },
    "aws_iam_role.fnrole": {
      name: "fnrole",
      assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }),
    },
    "aws_iam_role_policy.fnrole": {
      role: "${aws_iam_role.fnrole.name}",
      policy: policy({ Effect: "Allow", Action: ["rds:DeleteDBInstance", "s3:DeleteObject"], Resource: "*" }),
    },
    "aws_lambda_function.fn": { function_name: "fn", role: "${aws_iam_role.fnrole.arn}", handler: "index.handler", runtime: "nodejs20.x", filename: "f.zip" },
    "aws_lambda_permission.p": { function_name: "${aws_lambda_function.fn.function_name}", statement_id: "x", ...permission },
  });
}

const transitive = (json: Obj) => errors(check(json), "agent-transitive-destroy");

function expectHijack(json: Obj) {
  const found = transitive(json);
  expect(found).toHaveLength(1);
  const [f] = found;
  expect(f).toMatchObject({ principal: "aws_iam_role.agent", resource: "aws_iam_role.fnrole" });
  const hijack = f.evidence.find((e) => e.step === "hijack");
  expect(hijack?.address).toBe("aws_iam_role.fnrole");
  // The granting statement: the permission's address and its statement id.
  expect(hijack?.detail).toMatch(/aws_lambda_permission\.p/);
  expect(hijack?.detail).toMatch(/\bx\b/);
  expect(hijack?.detail).toMatch(/aws_lambda_function\.fn/);
  return f;
}

describe("a Lambda permission lets the agent run its own code as the function's role", () => {
  test("lambda:* to everyone", () => {
    expectHijack(stack({ action: "lambda:*", principal: "*" }));
  });

  test("lambda:UpdateFunctionConfiguration to everyone", () => {
    expectHijack(stack({ action: "lambda:UpdateFunctionConfiguration", principal: "*" }));
  });

  test("lambda:UpdateFunctionCode to everyone", () => {
    expectHijack(stack({ action: "lambda:UpdateFunctionCode", principal: "*" }));
  });

  test("lambda:AddPermission to everyone: the agent adds a permission granting itself the function's code", () => {
    const f = expectHijack(stack({ action: "lambda:AddPermission", principal: "*" }));
    expect(f.evidence.find((e) => e.step === "hijack")?.detail).toMatch(/^lambda:AddPermission: .*add a permission granting itself lambda:UpdateFunctionCode/);
  });

  test("lambda:* to the agent's ARN, when its boundary allows lambda:*", () => {
    expectHijack(stack({ action: "lambda:*", principal: "${aws_iam_role.agent.arn}" }, ["s3:GetObject", "lambda:*"]));
  });

  test("lambda:* to the agent's session ARN, which the boundary does not cap", () => {
    expectHijack(stack({ action: "lambda:*", principal: "arn:aws:sts::111111111111:assumed-role/agent/run" }));
  });

  test("a conditional permission still counts", () => {
    expectHijack(stack({ action: "lambda:*", principal: "*", principal_org_id: "o-abc123" }));
    expectHijack(stack({ action: "lambda:*", principal: "*", source_account: "111111111111" }));
  });

  test("what cannot be read exactly is read wide", () => {
    expectHijack(stack({ action: "${var.action}", principal: "*" }));
    expectHijack(stack({ action: "lambda:*", principal: "${var.who}" }));
  });
});

describe("lambda:AddPermission through a permission lets the agent grant itself more", () => {
  test("lambda:AddPermission to everyone is reported as a resource policy rewrite", () => {
    const r = check(stack({ action: "lambda:AddPermission", principal: "*" }));
    const found = r.findings.filter((f) => f.ruleId === "agent-resource-policy-rewrite");
    expect(found.map((f) => [f.principal, f.resource])).toEqual([["aws_iam_role.agent", "aws_lambda_permission.p"]]);
    expect(found[0].actions).toEqual(["lambda:AddPermission"]);
  });
});

/**
 * The catalogue lists no Lambda destroy action yet (lambda:DeleteFunction is not in it): the rule is run against one
 * that does, loaded in a module registry of its own, to show a permission granting it is reported once it is listed.
 */
function withDeleteFunction<T>(run: (h: typeof import("../helpers/tf")) => T): T {
  let out: T | undefined;
  jest.isolateModules(() => {
    jest.doMock("../../lib/engine/catalogue", () => {
      const real = jest.requireActual("../../lib/engine/catalogue");
      const json = JSON.parse(readFileSync(join(real.policiesDir(), "destroy-rights.json"), "utf8"));
      json.direct.push({ action: "lambda:DeleteFunction", why: "Deletes the function (test entry)." });
      const cat = real.parseCatalogue(json);
      return { ...real, loadCatalogue: () => cat, categoryOf: (a: string) => cat.categoryOf(a) };
    });
    out = run(require("../helpers/tf"));
  });
  return out as T;
}

describe("resource-policy-grant reports a Lambda permission handing out a destroy right", () => {
  const grants = (json: Obj) => withDeleteFunction((h) => h.errors(h.check(json), "resource-policy-grant"));

  test("lambda:* to everyone grants lambda:DeleteFunction", () => {
    // The finding on the function itself is the world's hijack of it (lambda-permission-public-hijack.test.ts).
    const [f, ...more] = grants(stack({ action: "lambda:*", principal: "*" })).filter((x) => x.resource === "aws_lambda_permission.p");
    expect(more).toEqual([]);
    expect(f).toMatchObject({ resource: "aws_lambda_permission.p", actions: ["lambda:DeleteFunction"] });
    expect(f.message).toMatch(/everyone/);
    expect(f.evidence.map((e) => e.detail).join("\n")).toMatch(/aws_lambda_permission\.p statement Sid "x"/);
  });

  test("lambda:DeleteFunction to the agent's ARN, under a boundary that allows it", () => {
    const found = grants(stack({ action: "lambda:DeleteFunction", principal: "arn:aws:iam::111111111111:role/agents/agent" }, ["s3:GetObject", "lambda:*"]));
    expect(found.map((f) => [f.principal, f.resource, f.actions])).toEqual([["aws_iam_role.agent", "aws_lambda_permission.p", ["lambda:DeleteFunction"]]]);
  });

  test("the boundary caps a grant to the agent's role ARN", () => {
    expect(grants(stack({ action: "lambda:DeleteFunction", principal: "arn:aws:iam::111111111111:role/agents/agent" }))).toEqual([]);
  });

  test("invoking only, a service, another account: no grant", () => {
    expect(grants(stack({ action: "lambda:InvokeFunction", principal: "*" }))).toEqual([]);
    expect(grants(stack({ action: "lambda:*", principal: "events.amazonaws.com", source_arn: "arn:aws:events:us-east-1:111111111111:rule/x" }))).toEqual([]);
    expect(grants(stack({ action: "lambda:*", principal: "arn:aws:iam::222222222222:root" }))).toEqual([]);
  });

  test("with the catalogue as it is, lambda:* to everyone is no destroy grant (no Lambda destroy action is listed), only the world's hijack of the function", () => {
    expect(errors(check(stack({ action: "lambda:*", principal: "*" })), "resource-policy-grant").map((f) => f.resource)).toEqual(["aws_lambda_function.fn"]);
  });
});

describe("controls: no hijack", () => {
  test("a permission to a service principal with source_arn", () => {
    expect(transitive(stack({ action: "lambda:*", principal: "events.amazonaws.com", source_arn: "arn:aws:events:us-east-1:111111111111:rule/x" }))).toEqual([]);
  });

  test("a permission for lambda:InvokeFunction only", () => {
    expect(transitive(stack({ action: "lambda:InvokeFunction", principal: "*" }))).toEqual([]);
    expect(transitive(stack({ action: "lambda:InvokeFunction", principal: "${aws_iam_role.agent.arn}" }, ["s3:GetObject", "lambda:*"]))).toEqual([]);
  });

  test("a permission naming another account's root", () => {
    expect(transitive(stack({ action: "lambda:*", principal: "arn:aws:iam::222222222222:root" }))).toEqual([]);
    expect(transitive(stack({ action: "lambda:*", principal: "222222222222" }))).toEqual([]);
  });

  test("a grant to the agent's role ARN is capped by its boundary", () => {
    expect(transitive(stack({ action: "lambda:*", principal: "${aws_iam_role.agent.arn}" }))).toEqual([]);
  });

  test("a permission on another function", () => {
    expect(transitive(stack({ action: "lambda:*", principal: "*", function_name: "other" }))).toEqual([]);
  });

  test("the agent's own lambda:AddPermission on the function reaches fnrole as well", () => {
    const json = stack({ action: "lambda:InvokeFunction", principal: "*" }, ["s3:GetObject", "lambda:*"]);
    (json.resource as Record<string, Record<string, Obj>>).aws_iam_role_policy.agent.policy = policy({ Effect: "Allow", Action: ["s3:GetObject", "lambda:AddPermission"], Resource: "${aws_lambda_function.fn.arn}" });
    expect(transitive(json).map((f) => f.resource)).toEqual(["aws_iam_role.fnrole"]);
  });

  test("the agent's own UpdateFunctionCode still reaches fnrole (the red-team's control)", () => {
    const json = stack({ action: "lambda:InvokeFunction", principal: "*" }, ["s3:GetObject", "lambda:*"]);
    (json.resource as Record<string, Record<string, Obj>>).aws_iam_role_policy.agent.policy = policy({ Effect: "Allow", Action: ["s3:GetObject", "lambda:UpdateFunctionCode"], Resource: "*" });
    expect(transitive(json).map((f) => f.resource)).toEqual(["aws_iam_role.fnrole"]);
  });
});
