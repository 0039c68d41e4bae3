/**
 * Red-team round 86: a credential inside a module, or read back from a store through a data source, was invisible to
 * both credential paths (the stored-credential reach and `credential-in-configuration`); `lookup` of a key's id was
 * read as the whole key.
 */
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { dir } from "../hcl/helpers";
import { TRUST } from "../helpers/tf";

const AGENT = `
resource "aws_iam_role" "agent" {
  name               = "agent"
  assume_role_policy = ${JSON.stringify(TRUST)}
  tags               = { "blastwall:agent" = "true" }
}
resource "aws_iam_role_policy" "agent" {
  role   = aws_iam_role.agent.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["events:ListTargetsByRule"], Resource = "*" }] })
}
`;

/** A user that can delete anything and its key (`aws_iam_access_key.k`). */
const USER = `
resource "aws_iam_user" "deploy" { name = "deploy" }
resource "aws_iam_user_policy_attachment" "a" {
  user       = aws_iam_user.deploy.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
resource "aws_iam_access_key" "k" { user = aws_iam_user.deploy.name }
`;

const eventTarget = (input: string) => `
resource "aws_cloudwatch_event_target" "t" {
  rule  = "r"
  arn   = "arn:aws:sns:us-east-1:111111111111:x"
  input = jsonencode({ key = ${input} })
}
`;
const topic = (tag: string) => `
resource "aws_sns_topic" "t" {
  name = "t"
  tags = { k = ${tag} }
}
`;

async function run(files: Record<string, string>) {
  const r = await checkPaths([dir({ "agent.tf": AGENT, ...files })], { config: {}, rules: agentRules });
  return {
    chains: r.findings.filter((f) => f.ruleId === "agent-transitive-destroy" && f.severity === "error").map((f) => f.resource),
    written: r.findings.filter((f) => f.ruleId === "credential-in-configuration").map((f) => [f.resource, f.severity, f.message]),
  };
}

describe("a credential inside a module", () => {
  test("key and rule target in a module: the agent reads the target and acts as the module's user (the root control passes the same way)", async () => {
    expect((await run({ "main.tf": USER + eventTarget("aws_iam_access_key.k.secret") })).chains).toEqual(["aws_iam_user.deploy"]);
    const mod = await run({ "main.tf": `module "m" { source = "./m" }`, "m/main.tf": USER + eventTarget("aws_iam_access_key.k.secret") });
    expect(mod.chains).toEqual(["module.m.aws_iam_user.deploy"]);
  });

  test("nested and keyed modules: the key's full address, and its user", async () => {
    const r = await run({
      "main.tf": `module "a" {\n  source = "./a"\n  for_each = toset(["x"])\n}`,
      "a/main.tf": `module "b" {\n  source = "../b"\n  count = 1\n}`,
      "b/main.tf": USER + topic("aws_iam_access_key.k.secret"),
    });
    expect(r.written).toEqual([[expect.stringMatching(/^module\.a\["x"\]\.module\.b\[0\]\.aws_sns_topic\.t$/), "error", expect.stringMatching(/access key of module\.a\["x"\]\.module\.b\[0\]\.aws_iam_user\.deploy \(module\.a\["x"\]\.module\.b\[0\]\.aws_iam_access_key\.k\)/)]]);
  });

  test("key and tags both in a module: credential-in-configuration names the module's resources", async () => {
    const r = await run({ "main.tf": `module "m" { source = "./m" }`, "m/main.tf": USER + topic("aws_iam_access_key.k.secret") });
    expect(r.written).toEqual([["module.m.aws_sns_topic.t", "error", expect.stringMatching(/access key of module\.m\.aws_iam_user\.deploy \(module\.m\.aws_iam_access_key\.k\)/)]]);
  });

  test("a key made in a module and passed out through an output", async () => {
    const r = await run({
      "main.tf": `module "keys" { source = "./keys" }\n${topic("module.keys.secret")}`,
      "keys/main.tf": `${USER}\noutput "secret" {\n  value     = aws_iam_access_key.k.secret\n  sensitive = true\n}`,
    });
    expect(r.written).toEqual([["aws_sns_topic.t", "error", expect.stringMatching(/module\.keys\.aws_iam_access_key\.k/)]]);
  });

  test("controls: the module's key id alone, and a key of the root named like one in a module", async () => {
    expect((await run({ "main.tf": `module "m" { source = "./m" }`, "m/main.tf": USER + topic("aws_iam_access_key.k.id") })).written).toEqual([]);
    // The module's topic names its own key: the root's key of the same name is no match.
    const r = await run({ "main.tf": `module "m" { source = "./m" }\n${USER.replace('"deploy" }', '"root" }')}`, "m/main.tf": USER + topic("aws_iam_access_key.k.secret") });
    expect(r.written.map((w) => w[2])).toEqual([expect.stringMatching(/\(module\.m\.aws_iam_access_key\.k\)/)]);
  });
});

describe("a credential read back through a data source", () => {
  const secret = `
resource "aws_secretsmanager_secret" "s" { name = "s" }
resource "aws_secretsmanager_secret_version" "v" {
  secret_id     = aws_secretsmanager_secret.s.id
  secret_string = aws_iam_access_key.k.secret
}
`;
  test.each([
    ["a secret version", `data "aws_secretsmanager_secret_version" "r" { secret_id = aws_secretsmanager_secret.s.id }`, "data.aws_secretsmanager_secret_version.r.secret_string", secret],
    ["a secret version, by the secret's name", `data "aws_secretsmanager_secret_version" "r" { secret_id = "s" }`, "data.aws_secretsmanager_secret_version.r.secret_string", secret],
    [
      "an SSM parameter",
      `data "aws_ssm_parameter" "r" { name = aws_ssm_parameter.p.name }`,
      "data.aws_ssm_parameter.r.value",
      `resource "aws_ssm_parameter" "p" {\n  name  = "/deploy/secret"\n  type  = "SecureString"\n  value = aws_iam_access_key.k.secret\n}`,
    ],
    [
      "SSM parameters by path",
      `data "aws_ssm_parameters_by_path" "r" { path = "/deploy" }`,
      "jsonencode(data.aws_ssm_parameters_by_path.r.values)",
      `resource "aws_ssm_parameter" "p" {\n  name  = "/deploy/secret"\n  type  = "SecureString"\n  value = aws_iam_access_key.k.secret\n}`,
    ],
    [
      "an S3 object",
      `data "aws_s3_object" "r" {\n  bucket = "b"\n  key    = "creds"\n}`,
      "data.aws_s3_object.r.body",
      `resource "aws_s3_object" "o" {\n  bucket  = "b"\n  key     = "creds"\n  content = aws_iam_access_key.k.secret\n}`,
    ],
    [
      "a table item",
      `data "aws_dynamodb_table_item" "r" {\n  table_name = "t"\n  key        = jsonencode({ id = { S = "k" } })\n}`,
      "data.aws_dynamodb_table_item.r.item",
      `resource "aws_dynamodb_table_item" "i" {\n  table_name = "t"\n  hash_key   = "id"\n  item       = jsonencode({ id = { S = "k" }, secret = { S = aws_iam_access_key.k.secret } })\n}`,
    ],
  ])("%s: the data source carries the key into tags", async (_, data, ref, store) => {
    const r = await run({ "main.tf": [USER, store, data, topic(ref)].join("\n") });
    expect(r.written).toEqual([["aws_sns_topic.t", "error", expect.stringMatching(/access key of aws_iam_user\.deploy \(aws_iam_access_key\.k\) in its tags/)]]);
  });

  test("and into a modelled store: the agent reading the rule target reads the key", async () => {
    const data = `data "aws_secretsmanager_secret_version" "r" { secret_id = aws_secretsmanager_secret.s.id }`;
    expect((await run({ "main.tf": USER + secret + data + eventTarget("data.aws_secretsmanager_secret_version.r.secret_string") })).chains).toEqual(["aws_iam_user.deploy"]);
  });

  test("a data source whose name blastwall cannot resolve carries what any store of its type holds", async () => {
    const r = await run({
      "main.tf": `${USER}variable "which" { type = string }\nresource "aws_ssm_parameter" "p" {\n  name  = "/deploy/secret"\n  type  = "SecureString"\n  value = aws_iam_access_key.k.secret\n}\ndata "aws_ssm_parameter" "r" { name = var.which }\n${topic("data.aws_ssm_parameter.r.value")}`,
    });
    expect(r.written.map((w) => w[0])).toEqual(["aws_sns_topic.t"]);
  });

  test("controls: another store, the data source's ARN, and a store holding no key", async () => {
    const param = (name: string, value: string) => `resource "aws_ssm_parameter" "${name.replace(/\W/g, "")}" {\n  name  = "/${name}"\n  type  = "SecureString"\n  value = ${value}\n}\n`;
    const other = param("deploy/secret", "aws_iam_access_key.k.secret") + param("app/plain", '"not-a-key"');
    expect((await run({ "main.tf": USER + other + `data "aws_ssm_parameter" "r" { name = "/app/plain" }\n` + topic("data.aws_ssm_parameter.r.value") })).written).toEqual([]);
    expect((await run({ "main.tf": USER + other + `data "aws_ssm_parameter" "r" { name = "/deploy/secret" }\n` + topic("data.aws_ssm_parameter.r.arn") })).written).toEqual([]);
    const data = `data "aws_secretsmanager_secret_version" "r" { secret_id = aws_secretsmanager_secret.s.id }`;
    expect((await run({ "main.tf": USER + secret.replace("aws_iam_access_key.k.secret", '"plain"') + data + topic("data.aws_secretsmanager_secret_version.r.secret_string") })).written).toEqual([]);
  });
});

describe("a credential read back through an ephemeral block, as through its data source (red-team round 172, F3)", () => {
  // Terraform takes an ephemeral value only into a write-only argument: here a parameter the agent can read.
  const agentReadsCopy = AGENT.replace('["events:ListTargetsByRule"], Resource = "*"', '["ssm:GetParameter"], Resource = aws_ssm_parameter.copy.arn');
  const copy = (value: string) => `resource "aws_ssm_parameter" "copy" {\n  name             = "/copy"\n  type             = "SecureString"\n  value_wo         = ${value}\n  value_wo_version = 1\n}\n`;
  const stored = `
resource "aws_secretsmanager_secret" "s" { name = "s" }
resource "aws_secretsmanager_secret_version" "v" {
  secret_id     = aws_secretsmanager_secret.s.id
  secret_string = aws_iam_access_key.k.secret
}
resource "aws_secretsmanager_secret" "plain" { name = "plain" }
resource "aws_secretsmanager_secret_version" "plain" {
  secret_id     = aws_secretsmanager_secret.plain.id
  secret_string = "not-a-key"
}
resource "aws_ssm_parameter" "p" {
  name  = "/deploy/secret"
  type  = "SecureString"
  value = aws_iam_access_key.k.secret
}
resource "aws_ssm_parameter" "flag" {
  name  = "/app/flag"
  type  = "String"
  value = "on"
}
resource "aws_kms_key" "k" { description = "k" }
resource "aws_kms_ciphertext" "c" {
  key_id    = aws_kms_key.k.key_id
  plaintext = aws_iam_access_key.k.secret
}
`;
  const chains = async (files: Record<string, string>) => {
    const r = await checkPaths([dir({ "agent.tf": agentReadsCopy, ...files })], { config: {}, rules: agentRules });
    return r.findings.filter((f) => f.ruleId === "agent-transitive-destroy" && f.severity === "error").map((f) => f.resource);
  };

  test.each([
    ["a secret version", `ephemeral "aws_secretsmanager_secret_version" "r" { secret_id = aws_secretsmanager_secret.s.id }`, "ephemeral.aws_secretsmanager_secret_version.r.secret_string"],
    ["a secret version, by the secret's name", `ephemeral "aws_secretsmanager_secret_version" "r" { secret_id = "s" }`, "ephemeral.aws_secretsmanager_secret_version.r.secret_string"],
    ["an SSM parameter, by its arn", `ephemeral "aws_ssm_parameter" "r" { arn = aws_ssm_parameter.p.arn }`, "ephemeral.aws_ssm_parameter.r.value"],
    ["a decrypted ciphertext", `ephemeral "aws_kms_secrets" "r" {\n  secret {\n    name    = "key"\n    payload = aws_kms_ciphertext.c.ciphertext_blob\n  }\n}`, 'ephemeral.aws_kms_secrets.r.plaintext["key"]'],
  ])("%s: the agent reading the copy reads the key", async (_, block, ref) => {
    expect(await chains({ "main.tf": [USER, stored, block, copy(ref)].join("\n") })).toEqual(["aws_iam_user.deploy"]);
  });

  test("in a local module: the module's ephemeral block reads the root's secret it is given", async () => {
    const module = `variable "secret_id" { type = string }\nephemeral "aws_secretsmanager_secret_version" "r" { secret_id = var.secret_id }\n${copy("ephemeral.aws_secretsmanager_secret_version.r.secret_string")}`;
    const root = `module "m" {\n  source    = "./m"\n  secret_id = aws_secretsmanager_secret.s.id\n}\n`;
    const agent = agentReadsCopy.replace("aws_ssm_parameter.copy.arn", '"arn:aws:ssm:*:*:parameter/copy"');
    const r = await checkPaths([dir({ "agent.tf": agent, "main.tf": USER + stored + root, "m/main.tf": module })], { config: {}, rules: agentRules });
    expect(r.findings.filter((f) => f.ruleId === "agent-transitive-destroy" && f.severity === "error").map((f) => f.resource)).toEqual(["aws_iam_user.deploy"]);
  });

  test("controls: a read-back of a store holding no key (a parameter named by its arn too), and an attribute that is no value", async () => {
    expect(await chains({ "main.tf": [USER, stored, `ephemeral "aws_secretsmanager_secret_version" "r" { secret_id = aws_secretsmanager_secret.plain.id }`, copy("ephemeral.aws_secretsmanager_secret_version.r.secret_string")].join("\n") })).toEqual([]);
    expect(await chains({ "main.tf": [USER, stored, `ephemeral "aws_ssm_parameter" "r" { arn = aws_ssm_parameter.flag.arn }`, copy("ephemeral.aws_ssm_parameter.r.value")].join("\n") })).toEqual([]);
    expect(await chains({ "main.tf": [USER, stored, `ephemeral "aws_ssm_parameter" "r" { arn = aws_ssm_parameter.p.arn }`, copy("ephemeral.aws_ssm_parameter.r.version")].join("\n") })).toEqual([]);
  });
});

describe("lookup of one attribute of a whole key", () => {
  test.each(["id", "user", "status", "create_date"])("lookup(key, %p) is no secret", async (attr) => {
    expect((await run({ "main.tf": USER + topic(`lookup(aws_iam_access_key.k, "${attr}", "")`) })).written).toEqual([]);
  });

  test.each([`lookup(aws_iam_access_key.k, "secret", "")`, `lookup(aws_iam_access_key.k, var.attr, "")`, `lookup(aws_iam_access_key.k, "id", aws_iam_access_key.k.secret)`, `jsonencode(aws_iam_access_key.k)`])(
    "%s may be the secret: an error",
    async (expr) => {
      const r = await run({ "main.tf": `${USER}variable "attr" { type = string }\n${topic(expr)}` });
      expect(r.written.map((w) => [w[0], w[1]])).toEqual([["aws_sns_topic.t", "error"]]);
    },
  );
});
