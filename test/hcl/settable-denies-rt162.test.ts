/**
 * Red-team round 162b, F3: an explicit Deny removes a right only when it certainly applies. In a folder of .tf files the
 * reader reads a root variable by its default or its terraform.tfvars / *.auto.tfvars value, which `-var` overrides; a
 * Deny whose existence, effect or document, or the name, path or region of the resource it is matched against, depends
 * on such a variable is not relied on (settable-providers.ts). Its controls: the same Deny with literals, or a local
 * that is a literal, still closes the chain; a `--var-file` value is the deploy's and fixes it too.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { analyzeStack } from "../../lib/engine/analyze";
import { loadHclStack } from "../../lib/hcl/load-hcl";
import { allRules } from "../../lib/rules";

const PROVIDER = `provider "aws" {\n  region              = "us-east-1"\n  allowed_account_ids = ["111111111111"]\n}\n`;
const AGENT_ROLE = `
resource "aws_iam_role" "agent" {
  name                 = "agent"
  path                 = "/agents/"
  assume_role_policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" }, Action = ["sts:AssumeRole", "sts:SetSourceIdentity"], Condition = { StringLike = { "sts:SourceIdentity" = "agent-*" } } }] })
  max_session_duration = 3600
}
`;
const FN_DELETE = (name: string, path = "") => `
resource "aws_iam_role" "fnrole" {
  name               = ${name}
  ${path}
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}
resource "aws_iam_role_policy" "fnrole" {
  name   = "f"
  role   = aws_iam_role.fnrole.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:DeleteObject"], Resource = "*" }] })
}
`;
const FUNCTION = (name: string, region = "") => `
resource "aws_lambda_function" "fn" {
  function_name = ${name}
  role          = aws_iam_role.fnrole.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "f.zip"
  ${region}
}
`;
const LITERAL_DENY = `{ Effect = "Deny", Action = "lambda:*", Resource = ["arn:aws:lambda:us-east-1:111111111111:function:worker", "arn:aws:lambda:us-east-1:111111111111:function:worker:*"] },`;
/** The agent updates the function's code (by reference), with `extra` statements. */
const UPDATE = (extra: string) => `
resource "aws_iam_role_policy" "agent" {
  name = "a"
  role = aws_iam_role.agent.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Action = ["lambda:UpdateFunctionCode"], Resource = aws_lambda_function.fn.arn },
    ${extra}
  ] })
}
`;
/** The agent passes the role (by reference) to a function it creates, and Denies passing it by its literal ARN. */
const PASS = `
resource "aws_iam_role_policy" "agent" {
  name = "a"
  role = aws_iam_role.agent.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Action = ["iam:PassRole"], Resource = aws_iam_role.fnrole.arn },
    { Effect = "Allow", Action = ["lambda:CreateFunction"], Resource = "*" },
    { Effect = "Deny", Action = "iam:PassRole", Resource = "arn:aws:iam::111111111111:role/fnrole" },
  ] })
}
`;
/** A Deny of the agent's own, by reference to the function, in a policy of its own with `meta` and `effect`. */
const GUARD = (meta: string, effect: string) => `
resource "aws_iam_role_policy" "guard" {
  ${meta}
  name = "guard"
  role = aws_iam_role.agent.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = ${effect}, Action = "lambda:*", Resource = [aws_lambda_function.fn.arn, "\${aws_lambda_function.fn.arn}:*"] }] })
}
`;
const STRING_VAR = (name: string, value: string) => `variable "${name}" {\n  type    = string\n  default = "${value}"\n}\n`;
const GUARD_VAR = `variable "guard" {\n  type    = bool\n  default = true\n}\n`;

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "bw-settable-deny-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function chains(files: Record<string, string>, varFile?: ReadonlyMap<string, unknown>): Promise<string[]> {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const stack = await loadHclStack(dir, varFile);
  return analyzeStack(stack, { config: { agents: { names: ["agent"] } }, rules: allRules })
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy")
    .map((f) => f.resource);
}

const CHAIN = ["aws_iam_role.fnrole"];

describe("162b F3: a literal Deny matched against a name or path read from a variable", () => {
  test("function_name = var.fn_name (f-name-var): the chain stays", async () => {
    const tf = STRING_VAR("fn_name", "worker") + PROVIDER + AGENT_ROLE + UPDATE(LITERAL_DENY) + FN_DELETE(`"fnrole"`) + FUNCTION("var.fn_name");
    expect(await chains({ "main.tf": tf })).toEqual(CHAIN);
  });

  test("control: function_name written literally: the literal Deny closes the chain", async () => {
    const tf = PROVIDER + AGENT_ROLE + UPDATE(LITERAL_DENY) + FN_DELETE(`"fnrole"`) + FUNCTION(`"worker"`);
    expect(await chains({ "main.tf": tf })).toEqual([]);
  });

  test("control: function_name from a variable, the Deny by pattern on every function: it closes the chain", async () => {
    const any = `{ Effect = "Deny", Action = "lambda:*", Resource = "arn:aws:lambda:us-east-1:111111111111:function:*" },`;
    const tf = STRING_VAR("fn_name", "worker") + PROVIDER + AGENT_ROLE + UPDATE(any) + FN_DELETE(`"fnrole"`) + FUNCTION("var.fn_name");
    expect(await chains({ "main.tf": tf })).toEqual([]);
  });

  test("the passed role's name = var.rn (p2-namevar): the chain stays", async () => {
    expect(await chains({ "main.tf": STRING_VAR("rn", "fnrole") + PROVIDER + AGENT_ROLE + PASS + FN_DELETE("var.rn") })).toEqual(CHAIN);
  });

  test("the passed role's name from a local built from a variable (p2-namelocal): the chain stays", async () => {
    const local = `locals {\n  rn = "\${var.rn}"\n}\n`;
    expect(await chains({ "main.tf": STRING_VAR("rn", "fnrole") + local + PROVIDER + AGENT_ROLE + PASS + FN_DELETE("local.rn") })).toEqual(CHAIN);
  });

  test("control: the passed role's name from a local that is a literal: the Deny closes the chain", async () => {
    const local = `locals {\n  rn = "fnrole"\n}\n`;
    expect(await chains({ "main.tf": local + PROVIDER + AGENT_ROLE + PASS + FN_DELETE("local.rn") })).toEqual([]);
  });

  test("the passed role's path = var.p (p2-pathvar): the chain stays", async () => {
    expect(await chains({ "main.tf": STRING_VAR("p", "/") + PROVIDER + AGENT_ROLE + PASS + FN_DELETE(`"fnrole"`, "path = var.p") })).toEqual(CHAIN);
  });

  test("control: the passed role written literally: the Deny closes the chain", async () => {
    expect(await chains({ "main.tf": PROVIDER + AGENT_ROLE + PASS + FN_DELETE(`"fnrole"`, `path = "/"`) })).toEqual([]);
  });
});

describe("162b F3: a Deny whose existence or effect depends on a variable", () => {
  const BASE = PROVIDER + AGENT_ROLE + UPDATE("") + FN_DELETE(`"fnrole"`) + FUNCTION(`"worker"`);

  test("count = var.guard ? 1 : 0 (d-count-var): the chain stays", async () => {
    expect(await chains({ "main.tf": BASE + GUARD_VAR + GUARD("count = var.guard ? 1 : 0", `"Deny"`) })).toEqual(CHAIN);
  });

  test("Effect = var.guard ? \"Deny\" : \"Allow\" (d-effect-var): the chain stays", async () => {
    expect(await chains({ "main.tf": BASE + GUARD_VAR + GUARD("", `var.guard ? "Deny" : "Allow"`) })).toEqual(CHAIN);
  });

  test("control: count = 1 and Effect = \"Deny\" written literally: the Deny closes the chain", async () => {
    expect(await chains({ "main.tf": BASE + GUARD("count = 1", `"Deny"`) })).toEqual([]);
  });

  test("control: count and Effect from a local that is a literal: the Deny closes the chain", async () => {
    const local = `locals {\n  guard = true\n}\n`;
    expect(await chains({ "main.tf": BASE + local + GUARD("count = local.guard ? 1 : 0", `local.guard ? "Deny" : "Allow"`) })).toEqual([]);
  });

  test("the Deny's statement from a policy document data source whose effect is a variable: the chain stays", async () => {
    const doc = `
data "aws_iam_policy_document" "guard" {
  statement {
    effect    = var.guard ? "Deny" : "Allow"
    actions   = ["lambda:*"]
    resources = [aws_lambda_function.fn.arn, "\${aws_lambda_function.fn.arn}:*"]
  }
}
resource "aws_iam_role_policy" "guard" {
  name   = "guard"
  role   = aws_iam_role.agent.name
  policy = data.aws_iam_policy_document.guard.json
}
`;
    expect(await chains({ "main.tf": BASE + GUARD_VAR + doc })).toEqual(CHAIN);
    expect(await chains({ "main.tf": BASE + doc.replace('var.guard ? "Deny" : "Allow"', '"Deny"') })).toEqual([]);
  });
});

describe("162b F3: a region from terraform.tfvars or *.auto.tfvars, which -var overrides", () => {
  const REGION_VAR = `variable "region" {\n  type = string\n}\n`;
  const body = (region: string, own: string) =>
    REGION_VAR + `provider "aws" {\n  region              = ${region}\n  allowed_account_ids = ["111111111111"]\n}\n` + AGENT_ROLE + UPDATE(LITERAL_DENY) + FN_DELETE(`"fnrole"`) + FUNCTION(`"worker"`, own);

  test("the provider's region from terraform.tfvars (t-tfvars-provider): the chain stays", async () => {
    expect(await chains({ "main.tf": body("var.region", ""), "terraform.tfvars": 'region = "us-east-1"\n' })).toEqual(CHAIN);
  });

  test("the function's own region from prod.auto.tfvars (t-autotfvars-own): the chain stays", async () => {
    expect(await chains({ "main.tf": body(`"us-east-1"`, "region = var.region"), "prod.auto.tfvars": 'region = "us-east-1"\n' })).toEqual(CHAIN);
  });

  test("control: the region given with --var-file, the deploy's own values: the literal Deny closes the chain", async () => {
    expect(await chains({ "main.tf": body("var.region", "") }, new Map([["region", "us-east-1"]]))).toEqual([]);
  });
});
