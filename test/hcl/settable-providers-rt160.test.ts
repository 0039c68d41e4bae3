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

/**
 * The same for a resource's own `region` (AWS provider 6): read from a root variable, directly or through a local, a
 * module input or the key of a `for_each` over one, it is no pin either; a literal one, or one a module is given
 * literally, still is.
 */
describe("160 F1: a resource's own region read from a variable pins nothing for a literal Deny", () => {
  const PROVIDER = `provider "aws" {\n  region              = "us-east-1"\n  allowed_account_ids = ["111111111111"]\n}\n`;
  const withRegion = (region: string, meta = "") => PROVIDER + AGENT.replace(`filename      = "f.zip"\n`, `filename      = "f.zip"\n  region        = ${region}\n${meta}`);

  test("region = var.region: the chain stays", async () => {
    expect(await chains({ "main.tf": VARIABLES + withRegion("var.region") })).toEqual(["aws_iam_role.fnrole"]);
  });

  test("region = local.region, the local read from a variable: the chain stays", async () => {
    expect(await chains({ "main.tf": VARIABLES + `locals {\n  region = lower(var.region)\n}\n` + withRegion("local.region") })).toEqual(["aws_iam_role.fnrole"]);
  });

  test("region = each.key of a for_each over a variable: the chain stays", async () => {
    const vars = `variable "regions" {\n  type    = set(string)\n  default = ["us-east-1"]\n}\n`;
    const main = (vars + withRegion("each.key", `  for_each      = var.regions\n`)).replace("aws_lambda_function.fn.arn", `aws_lambda_function.fn["us-east-1"].arn`);
    expect(await chains({ "main.tf": main })).toEqual(["aws_iam_role.fnrole"]);
  });

  test("control: region = each.key of a literal for_each: the literal Deny closes the chain", async () => {
    const main = withRegion("each.key", `  for_each      = toset(["us-east-1"])\n`).replace("aws_lambda_function.fn.arn", `aws_lambda_function.fn["us-east-1"].arn`);
    expect(await chains({ "main.tf": main })).toEqual([]);
  });

  test("control: a literal own region: the literal Deny closes the chain", async () => {
    expect(await chains({ "main.tf": VARIABLES + withRegion(`"us-east-1"`) })).toEqual([]);
  });

  const FUNCTION_MODULE = `
variable "region" {
  type = string
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
  region        = var.region
}
output "arn" {
  value = aws_lambda_function.fn.arn
}
`;
  const rootWithModule = (input: string) =>
    PROVIDER +
    AGENT.slice(0, AGENT.indexOf(`resource "aws_iam_role" "fnrole"`)).replace("aws_lambda_function.fn.arn", "module.fn.arn") +
    `module "fn" {\n  source = "./fn"\n  region = ${input}\n}\n`;

  test("a module's function given a root variable as its region: the chain stays", async () => {
    expect(await chains({ "main.tf": VARIABLES + rootWithModule("var.region"), "fn/main.tf": FUNCTION_MODULE })).toEqual(["module.fn.aws_iam_role.fnrole"]);
  });

  test("control: a module's function given a literal region: the literal Deny closes the chain", async () => {
    expect(await chains({ "main.tf": rootWithModule(`"us-east-1"`), "fn/main.tf": FUNCTION_MODULE })).toEqual([]);
  });
});

/** The pass-role edges fill in a role's account the same way: a provider's account from a variable pins nothing. */
describe("160 F1: a pass-role Deny naming the account of a provider placed by a variable", () => {
  const passing = AGENT.replace(
    `{ Effect = "Allow", Action = ["lambda:UpdateFunctionCode"], Resource = aws_lambda_function.fn.arn },
    { Effect = "Deny", Action = "lambda:*", Resource = ["arn:aws:lambda:us-east-1:111111111111:function:worker", "arn:aws:lambda:us-east-1:111111111111:function:worker:*"] },`,
    `{ Effect = "Allow", Action = ["iam:PassRole"], Resource = aws_iam_role.fnrole.arn },
    { Effect = "Allow", Action = ["lambda:CreateFunction"], Resource = "*" },
    { Effect = "Deny", Action = "iam:PassRole", Resource = "arn:aws:iam::111111111111:role/fnrole" },`,
  );

  test("allowed_account_ids from a variable: the chain stays", async () => {
    const provider = `provider "aws" {\n  region              = "us-east-1"\n  allowed_account_ids = [var.account_id]\n}\n`;
    expect(passing).not.toEqual(AGENT);
    expect(await chains({ "main.tf": VARIABLES + provider + passing })).toEqual(["aws_iam_role.fnrole"]);
  });

  test("control: a literal allowed_account_ids: the Deny closes it", async () => {
    const provider = `provider "aws" {\n  region              = "us-east-1"\n  allowed_account_ids = ["111111111111"]\n}\n`;
    expect(await chains({ "main.tf": VARIABLES + provider + passing })).toEqual([]);
  });
});

/**
 * The account a provider is pinned to, read from a variable, pins nothing anywhere (providers.ts `providerAccount`): a
 * trust naming the agent admits it with no right of its own only within one account, and a role whose provider's
 * `allowed_account_ids` comes from a variable may be made in the agent's account (`-var`), whatever the default says.
 */
describe("160 F1: a provider account read from a variable is no account for the trust edges", () => {
  const stack = (prodAccounts: string) => `
variable "prod_account" {
  type    = string
  default = "111111111111"
}
provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["222222222222"]
}
provider "aws" {
  alias               = "prod"
  region              = "us-east-1"
  allowed_account_ids = ${prodAccounts}
}
resource "aws_iam_role" "agent" {
  name                 = "agent"
  path                 = "/agents/"
  assume_role_policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::222222222222:role/runner" }, Action = ["sts:AssumeRole", "sts:SetSourceIdentity"], Condition = { StringLike = { "sts:SourceIdentity" = "agent-*" } } }] })
  max_session_duration = 3600
}
resource "aws_iam_role_policy" "agent" {
  name   = "a"
  role   = aws_iam_role.agent.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "*" }] })
}
resource "aws_iam_role" "prod" {
  provider           = aws.prod
  name               = "prod"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::222222222222:role/agents/agent" }, Action = "sts:AssumeRole" }] })
}
resource "aws_iam_role_policy" "prod" {
  provider = aws.prod
  name     = "f"
  role     = aws_iam_role.prod.name
  policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:DeleteObject"], Resource = "*" }] })
}
`;

  test("the role's account from a variable defaulting to another account: its trust alone may admit the agent", async () => {
    expect(await chains({ "main.tf": stack("[var.prod_account]") })).toEqual(["aws_iam_role.prod"]);
  });

  test("control: the role's account written literally as another account: the trust alone does not admit it", async () => {
    expect(await chains({ "main.tf": stack(`["111111111111"]`) })).toEqual([]);
  });
});
