/**
 * Red-team round 84: lambda:InvokeFunction on a function whose execution role can delete data gave no finding, while
 * states:StartExecution on a fixed state machine is an error. The function's code is not in the stack and the agent
 * chooses the payload: a warning of agent-transitive-destroy (an error under --strict).
 */
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";
import { dir } from "../hcl/helpers";
import { HCL_AGENT } from "../helpers/hcl-stacks";

const PINNED = { provider: { aws: [{ region: "eu-central-1", allowed_account_ids: ["111111111111"] }] } };
const LAMBDA = policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
const MANY = policy({ Effect: "Allow", Action: ["rds:DeleteDBInstance", "rds:DeleteDBSnapshot", "rds:DeleteDBCluster", "s3:DeleteBucket", "dynamodb:DeleteTable", "ec2:DeleteVolume", "ec2:DeleteSnapshot"], Resource: "*" });

const stack = (statements: Obj[], rights = DESTROY, extra: Obj = {}): Obj =>
  tf(
    {
      ...agentCan(...statements),
      ...role("fn", LAMBDA, rights),
      ...role("safe", LAMBDA, HARMLESS),
      "aws_lambda_function.cleanup": { function_name: "db-cleanup", role: "${aws_iam_role.fn.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
      "aws_lambda_function.report": { function_name: "report", role: "${aws_iam_role.safe.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
      ...extra,
    },
    PINNED,
  );
const invoke = (resource: unknown, action = "lambda:InvokeFunction") => ({ Effect: "Allow", Action: action, Resource: resource });
const found = (json: Obj, strict = false) =>
  check(json, {}, { strict })
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy")
    .map((f) => ({ severity: f.severity, resource: f.resource, actions: [...f.actions], message: f.message, fix: f.fix }));

describe("84. invoking a function whose role can delete data", () => {
  test("a warning naming the function, its role, the role's destroy rights and the statement; an error under --strict", () => {
    const f = found(stack([invoke("${aws_lambda_function.cleanup.arn}")]));
    expect(f.map((x) => [x.severity, x.resource])).toEqual([["warning", "aws_lambda_function.cleanup"]]);
    expect(f[0].message).toContain("invoke aws_lambda_function.cleanup (lambda:InvokeFunction, through aws_iam_role_policy.agent statement");
    expect(f[0].message).toContain("runs as aws_iam_role.fn, a role that can delete data or remove its protection (s3:DeleteObject, dynamodb:DeleteTable)");
    expect(f[0].message).toContain("aws_iam_role.agent --lambda:InvokeFunction--> aws_lambda_function.cleanup --runs as--> aws_iam_role.fn");
    expect(f[0].actions).toEqual(["lambda:InvokeFunction", "s3:DeleteObject", "dynamodb:DeleteTable"]);
    expect(f[0].fix).toMatch(/^Take the destroy rights off aws_iam_role\.fn/);
    expect(found(stack([invoke("${aws_lambda_function.cleanup.arn}")]), true).map((x) => x.severity)).toEqual(["error"]);
  });

  test("a role that only reads a database's master password is said to read it, and the fix scopes that read (round 113, F7)", () => {
    const reads = policy({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" });
    const db = { "aws_db_instance.orders": { identifier: "orders", manage_master_user_password: true, deletion_protection: true } };
    const [f] = found(stack([invoke("${aws_lambda_function.cleanup.arn}")], reads, db));
    expect(f.message).toContain("runs as aws_iam_role.fn, a role that can read the master password of aws_db_instance.orders");
    expect(f.message).toContain("and so drop the database");
    expect(f.message).not.toContain("can delete data or remove its protection");
    expect(f.fix).toMatch(/^Scope aws_iam_role\.fn's reads so that it cannot read the master password of aws_db_instance\.orders/);
    expect(f.fix).not.toContain("Take the destroy rights off");
  });

  test("every database whose password the role reads is named, and an overwrite beside it too (round 115, F7)", () => {
    const reads = policy({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" });
    const dbs = {
      "aws_db_instance.orders": { identifier: "orders", manage_master_user_password: true, deletion_protection: true },
      "aws_db_instance.billing": { identifier: "billing", manage_master_user_password: true, deletion_protection: true },
    };
    const [two] = found(stack([invoke("${aws_lambda_function.cleanup.arn}")], reads, dbs));
    expect(two.message).toMatch(/can read the master password of aws_db_instance\.(orders|billing) \(stored in [^)]*\) and of aws_db_instance\.(orders|billing) \(stored in [^)]*\) and so drop those databases/);
    expect(two.fix).toContain("aws_db_instance.orders");
    expect(two.fix).toContain("aws_db_instance.billing");
    const readsAndWrites = policy({ Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "dynamodb:PutItem"], Resource: "*" });
    const ledger = { "aws_dynamodb_table.ledger": { name: "ledger", hash_key: "id", attribute: [{ name: "id", type: "S" }] } };
    const [both] = found(stack([invoke("${aws_lambda_function.cleanup.arn}")], readsAndWrites, { ...dbs, ...ledger }));
    expect(both.message).toContain("and so drop those databases, and can overwrite");
    expect(both.fix).toContain("take its writes off, or keep earlier versions");
  });

  test("a long list of destroy rights is cut to the first few and a count", () => {
    expect(found(stack([invoke("${aws_lambda_function.cleanup.arn}")], MANY))[0].message).toMatch(/a role that can delete data or remove its protection \((\w+:\w+, ){4}\w+:\w+ and 2 more \(7 in all\)\)/);
  });

  test("a function URL, an alias or version, and a pattern reach the function too", () => {
    expect(found(stack([invoke("${aws_lambda_function.cleanup.arn}", "lambda:InvokeFunctionUrl")])).map((x) => x.resource)).toEqual(["aws_lambda_function.cleanup"]);
    expect(found(stack([invoke("${aws_lambda_function.cleanup.arn}:prod")])).map((x) => x.resource)).toEqual(["aws_lambda_function.cleanup"]);
    expect(found(stack([invoke("arn:aws:lambda:eu-central-1:111111111111:function:db-*")])).map((x) => x.resource)).toEqual(["aws_lambda_function.cleanup"]);
  });

  test("invoke on `*` reports each function whose role can delete data, and only those", () => {
    const json = stack([invoke("*")], DESTROY, {
      "aws_lambda_function.purge": { function_name: "purge", role: "${aws_iam_role.fn.arn}", handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
    });
    expect(found(json).map((x) => [x.severity, x.resource]).sort()).toEqual([["warning", "aws_lambda_function.cleanup"], ["warning", "aws_lambda_function.purge"]]);
  });

  test("a function a data source reads runs as a role blastwall cannot see: a warning", () => {
    const json = stack([invoke("${data.aws_lambda_function.ext.arn}")], DESTROY, { "data.aws_lambda_function.ext": { function_name: "billing-cleanup" } });
    const f = found(json);
    expect(f.map((x) => [x.severity, x.resource])).toEqual([["warning", "data.aws_lambda_function.ext"]]);
    expect(f[0].message).toMatch(/a function this stack reads but does not make/);
  });

  test("the controls: a harmless role, a harmless function beside a dangerous one, no invoke right", () => {
    expect(found(stack([invoke("${aws_lambda_function.cleanup.arn}")], HARMLESS))).toEqual([]);
    expect(found(stack([invoke("${aws_lambda_function.report.arn}")]))).toEqual([]);
    expect(found(stack([{ Effect: "Allow", Action: "lambda:GetFunctionConfiguration", Resource: "${aws_lambda_function.cleanup.arn}" }]))).toEqual([]);
  });

  test("a function the agent can also update stays the existing error, reported once", () => {
    const f = found(stack([invoke("${aws_lambda_function.cleanup.arn}"), { Effect: "Allow", Action: "lambda:UpdateFunctionCode", Resource: "${aws_lambda_function.cleanup.arn}" }]));
    expect(f.map((x) => [x.severity, x.resource])).toEqual([["error", "aws_iam_role.fn"]]);
  });
});

test("84. through HCL: the red team's function", async () => {
  const d = dir({
    "main.tf": `
${HCL_AGENT}resource "aws_iam_role" "fn" {
  name               = "cleanup-fn"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }] })
}
resource "aws_iam_role_policy" "fn" {
  role   = aws_iam_role.fn.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["rds:DeleteDBInstance", "rds:DeleteDBSnapshot"], Resource = "*" }] })
}
resource "aws_lambda_function" "cleanup" {
  function_name = "db-cleanup"
  role          = aws_iam_role.fn.arn
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "cleanup.zip"
}
resource "aws_iam_role_policy" "agent" {
  role   = aws_iam_role.agent.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["lambda:InvokeFunction"], Resource = aws_lambda_function.cleanup.arn }] })
}
`,
  });
  const r = await checkPaths([d], { config: {}, rules: agentRules });
  const f = r.findings.filter((x) => x.ruleId === "agent-transitive-destroy");
  expect(f.map((x) => [x.severity, x.resource])).toEqual([["warning", "aws_lambda_function.cleanup"]]);
  expect(f[0].message).toContain("runs as aws_iam_role.fn, a role that can delete data or remove its protection (rds:DeleteDBInstance, rds:DeleteDBSnapshot)");
  const strict = await checkPaths([d], { config: {}, rules: agentRules, strict: true });
  expect(strict.findings.filter((x) => x.ruleId === "agent-transitive-destroy").map((x) => x.severity)).toEqual(["error"]);
});
