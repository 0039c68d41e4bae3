/**
 * Which files make up a configuration, as Terraform decides it: every .tf and .tf.json file of the folder (a
 * cdk.tf.json among them), hidden files skipped, files in byte order of their names (found by a red-team).
 */
import { destroy, dir } from "./helpers";

const AGENT = `resource "aws_iam_role" "agent" {
  name               = "agent"
  assume_role_policy = "{}"
  tags               = { "blastwall:agent" = "true" }
}
`;
const grant = (action: string, name = "work") => `resource "aws_iam_role_policy" "${name}" {
  role   = aws_iam_role.agent.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "${action}", Resource = "*" }] })
}
`;



describe("what Terraform reads in a folder", () => {
  test(".tf files beside a cdk.tf.json are read too", async () => {
    const d = dir({ "main.tf": AGENT + grant("ec2:DeleteVolume"), "cdk.tf.json": JSON.stringify({ resource: { aws_s3_bucket: { b: { bucket: "b" } } } }) });
    expect(await destroy(d)).toEqual(["ec2:DeleteVolume"]);
  });

  test("a root with a stacks/ folder of modules is a configuration, not a cdktf.out", async () => {
    const d = dir({ "main.tf": AGENT + grant("ec2:DeleteVolume") + 'module "net" {\n  source = "./stacks/net"\n}\n', "stacks/net/main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n' });
    expect(await destroy(d)).toEqual(["ec2:DeleteVolume"]);
  });

  test("a hidden override file is not applied", async () => {
    const d = dir({ "main.tf": AGENT + grant("ec2:DeleteVolume"), ".editor_override.tf": grant("s3:GetObject") });
    expect(await destroy(d)).toEqual(["ec2:DeleteVolume"]);
  });

  test("a Deny in a hidden file is not counted", async () => {
    const deny = `resource "aws_iam_role_policy" "guard" {
  role   = aws_iam_role.agent.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = "ec2:*", Resource = "*" }] })
}
`;
    const d = dir({ "main.tf": AGENT + grant("ec2:DeleteVolume"), ".guard.tf": deny });
    expect(await destroy(d)).toEqual(["ec2:DeleteVolume"]);
  });

  test("tfvars files apply in byte order of their names, as Terraform sorts them", async () => {
    const main = AGENT + 'variable "action" {\n  default = "s3:GetObject"\n}\n' + grant("${var.action}");
    // U+1F600 sorts after U+FF41 by UTF-8 bytes, before it by UTF-16 code units: the emoji file is applied last.
    const d = dir({ "main.tf": main, "a\u{1F600}.auto.tfvars": 'action = "ec2:DeleteVolume"\n', "a\uFF41.auto.tfvars": 'action = "s3:GetObject"\n' });
    expect(await destroy(d)).toEqual(["ec2:DeleteVolume"]);
  });

  test("a hidden *.auto.tfvars is loaded, as Terraform selects auto files by suffix alone", async () => {
    const main = AGENT + 'variable "action" {\n  default = "s3:GetObject"\n}\n' + grant("${var.action}");
    const d = dir({ "main.tf": main, ".ci.auto.tfvars": 'action = "ec2:DeleteVolume"\n' });
    expect(await destroy(d)).toEqual(["ec2:DeleteVolume"]);
  });
});

describe("providers passed to modules", () => {
  const root = (providers: string) => `provider "aws" {
  region = "eu-west-1"
}
provider "aws" {
  alias  = "agents"
  region = "eu-west-1"
  default_tags {
    tags = { "blastwall:agent" = "true" }
  }
}
module "bot" {
  source = "./modules/bot"
${providers}
}
`;
  const bot = `resource "aws_iam_role" "bot" {
  name               = "bot"
  assume_role_policy = "{}"
}
resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.bot.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "ec2:DeleteVolume", Resource = "*" }] })
}
`;

  test("a module given a provider whose default_tags mark agents creates agents", async () => {
    const d = dir({ "main.tf": root("  providers = { aws = aws.agents }"), "modules/bot/main.tf": bot });
    expect(await destroy(d)).toEqual(["ec2:DeleteVolume"]);
  });

  test("a module on the default provider does not", async () => {
    const d = dir({ "main.tf": root(""), "modules/bot/main.tf": bot });
    expect(await destroy(d)).toEqual([]);
  });
});

describe("JSON values are taken literally", () => {
  const main = AGENT + 'variable "policy" {\n  type = string\n}\nresource "aws_iam_role_policy" "p" {\n  role   = aws_iam_role.agent.name\n  policy = var.policy\n}\n';
  // A Condition value that spells a template directive: Terraform keeps the text, so the second statement stays.
  const policy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { StringEqualsIfExists: { "aws:RequestTag/x": "%{ if false }" } } },
      { Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*", Condition: { StringEqualsIfExists: { "aws:RequestTag/y": "%{ endif }" } } },
    ],
  });

  test("a .tfvars.json value is not read as a template", async () => {
    const d = dir({ "main.tf": main, "prod.auto.tfvars.json": JSON.stringify({ policy }) });
    expect(await destroy(d)).toEqual(["ec2:DeleteVolume"]);
  });

  test("a variable default in a .tf.json file is not read as a template", async () => {
    const d = dir({ "main.tf": AGENT + 'resource "aws_iam_role_policy" "p" {\n  role   = aws_iam_role.agent.name\n  policy = var.policy\n}\n', "vars.tf.json": JSON.stringify({ variable: { policy: { type: "string", default: policy } } }) });
    expect(await destroy(d)).toEqual(["ec2:DeleteVolume"]);
  });
});
