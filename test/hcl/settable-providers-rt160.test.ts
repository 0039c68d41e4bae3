/**
 * Red-team round 160, F1: the HCL reader reads a variable by its default, so a provider whose region and account come
 * from variables read as pinned to the defaults, and a Deny written with those literal values closed the chain into a
 * function that `-var` or a tfvars file can place in another region or account, where the Deny covers nothing. Such a
 * provider pins nothing now (settable-providers.ts); one written with literals still does.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { analyzeStack } from "../../lib/engine/analyze";
import { loadHclStack } from "../../lib/hcl/load-hcl";
import { allRules } from "../../lib/rules";

const AGENT = `
resource "aws_iam_role" "agent" {
  name                 = "agent"
  path                 = "/agents/"
  assume_role_policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" }, Action = ["sts:AssumeRole", "sts:SetSourceIdentity"], Condition = { StringLike = { "sts:SourceIdentity" = "agent-*" } } }] })
  max_session_duration = 3600
}
resource "aws_iam_role_policy" "agent" {
  name = "a"
  role = aws_iam_role.agent.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Action = ["lambda:UpdateFunctionCode"], Resource = aws_lambda_function.fn.arn },
    { Effect = "Deny", Action = "lambda:*", Resource = ["arn:aws:lambda:us-east-1:111111111111:function:worker", "arn:aws:lambda:us-east-1:111111111111:function:worker:*"] },
  ] })
}
resource "aws_iam_role" "fnrole" {
  name               = "fnrole"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}
resource "aws_iam_role_policy" "fnrole" {
  name   = "f"
  role   = aws_iam_role.fnrole.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:DeleteObject"], Resource = "*" }] })
}
resource "aws_lambda_function" "fn" {
  function_name = "worker"
  role          = aws_iam_role.fnrole.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "f.zip"
}
`;

const VARIABLES = `
variable "region" {
  type    = string
  default = "us-east-1"
}
variable "account_id" {
  type    = string
  default = "111111111111"
}
`;

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "bw-settable-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function chains(files: Record<string, string>): Promise<string[]> {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const stack = await loadHclStack(dir);
  return analyzeStack(stack, { config: { agents: { names: ["agent"] } }, rules: allRules })
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy")
    .map((f) => f.resource);
}

describe("160 F1: a provider placed by variables pins nothing for a literal Deny", () => {
  test("region and account from variables: the chain stays, whatever the defaults say", async () => {
    const provider = `provider "aws" {\n  region              = var.region\n  allowed_account_ids = [var.account_id]\n}\n`;
    expect(await chains({ "main.tf": VARIABLES + provider + AGENT })).toEqual(["aws_iam_role.fnrole"]);
  });

  test("the account inside assume_role from a variable: the chain stays", async () => {
    const provider = `provider "aws" {\n  region = "us-east-1"\n  assume_role {\n    role_arn = "arn:aws:iam::\${var.account_id}:role/deploy"\n  }\n}\n`;
    expect(await chains({ "main.tf": VARIABLES + provider + AGENT })).toEqual(["aws_iam_role.fnrole"]);
  });

  test("control: region and account written as literals: the literal Deny closes the chain", async () => {
    const provider = `provider "aws" {\n  region              = "us-east-1"\n  allowed_account_ids = ["111111111111"]\n}\n`;
    expect(await chains({ "main.tf": provider + AGENT })).toEqual([]);
  });
});
