/**
 * Red-team round 107 (F1): a secret put into an argument of an AWS resource the agent cannot read (a Lambda's
 * environment, a task definition, a stack's parameters, a ciphertext's plaintext), then copied by reference from that
 * argument into a tag the agent can read. In Terraform a reference to a configured argument is the value it was
 * given, whatever the type; an attribute AWS makes (`arn`, `id`) and the resource's other arguments are not.
 *
 * F4: a one-way hash of a strong generated secret (a redeploy trigger `substr(sha256(random_password.db.result), 0, 12)`)
 * is not the secret; a hash of one that may be weak still is (cracked offline).
 */
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { dir } from "../hcl/helpers";
import { HCL_TAG_READING_AGENT } from "../helpers/hcl-stacks";
import { agentRole, check, policy, tf } from "../helpers/tf";
import { KEY, stack } from "../helpers/credential-store";

type Obj = Record<string, unknown>;
const ID = "credential-in-configuration";
const found = (json: Obj) => check(json, {}, { strict: true }).findings.filter((f) => f.ruleId === ID);
const tagged = (tags: Obj, extra: Record<string, Obj>) => stack({ "aws_ssm_parameter.p": { name: "/ci/note", type: "String", value: "see tags", tags }, ...extra }, "ssm:ListTagsForResource", "*");
const KEY_IN_TAGS = /aws_ssm_parameter\.p holds an access key of aws_iam_user\.ops \(aws_iam_access_key\.k\) in its tags/;

const FN = { function_name: "helper", role: "arn:aws:iam::111111111111:role/helper", runtime: "python3.12", handler: "index.handler", filename: "fn.zip" };
/** A function whose environment holds the key beside a harmless value; cdktf writes the block as one object. */
const lambda = (environment: unknown = { variables: { S: KEY, T: "x" } }) => ({ "aws_lambda_function.f": { ...FN, environment } });

describe("F1: a key copied out of an AWS resource's own argument", () => {
  test.each<[string, string, Record<string, Obj>]>([
    ["a Lambda's environment variable (block as an object)", '${aws_lambda_function.f.environment[0].variables["S"]}', lambda()],
    ["a Lambda's environment variable (block as a list)", "${aws_lambda_function.f.environment[0].variables.S}", lambda([{ variables: { S: KEY } }])],
    ["a Lambda's whole environment", "${jsonencode(aws_lambda_function.f.environment)}", lambda()],
    ["a variable of an environment made by merge (the whole argument)", '${aws_lambda_function.f.environment[0].variables["T"]}', lambda({ variables: `\${merge({ T = "x" }, { S = ${KEY.slice(2, -1)} })}` })],
    [
      "a task definition's container definitions, through jsondecode",
      "${jsondecode(aws_ecs_task_definition.t.container_definitions)[0].environment[0].value}",
      { "aws_ecs_task_definition.t": { family: "ci", container_definitions: `\${jsonencode([{ name = "c", image = "x", environment = [{ name = "S", value = ${KEY.slice(2, -1)} }] }])}` } },
    ],
    [
      "a stack's NoEcho parameter",
      '${aws_cloudformation_stack.s.parameters["S"]}',
      { "aws_cloudformation_stack.s": { name: "x", parameters: { S: KEY }, template_body: JSON.stringify({ Parameters: { S: { Type: "String", NoEcho: true } }, Resources: { W: { Type: "AWS::CloudFormation::WaitConditionHandle" } } }) } },
    ],
    ["a ciphertext's plaintext (AWS never shows it; Terraform hands it on)", "${aws_kms_ciphertext.c.plaintext}", { "aws_kms_ciphertext.c": { key_id: "alias/aws/ssm", plaintext: KEY } }],
    ["a parameter's value given as insecure_value", "${aws_ssm_parameter.q.value}", { "aws_ssm_parameter.q": { name: "/ci/q", type: "String", insecure_value: KEY } }],
    ["tags_all, of tags holding it", '${aws_sns_topic.t.tags_all["s"]}', { "aws_sns_topic.t": { name: "t", tags: { s: KEY } } }],
    ["the whole function", "${jsonencode(aws_lambda_function.f)}", lambda()],
    ["an awscc resource's argument", '${awscc_lambda_function.f.environment.variables["S"]}', { "awscc_lambda_function.f": { role: "arn:aws:iam::111111111111:role/helper", code: {}, environment: { variables: { S: KEY } } } }],
  ])("%s, written into tags: an error", (_, expr, extra) => {
    expect(found(tagged({ k: expr }, extra)).map((f) => f.message)).toContainEqual(expect.stringMatching(KEY_IN_TAGS));
  });

  test.each<[string, string, Record<string, Obj>]>([
    ["the function's name, another argument than the one holding the key", "${aws_lambda_function.f.function_name}", lambda()],
    ["another variable of the same environment", '${aws_lambda_function.f.environment[0].variables["T"]}', lambda()],
    ["the function's ARN (AWS makes it)", "${aws_lambda_function.f.arn}", lambda()],
    ["a lookup of its name", '${lookup(aws_lambda_function.f, "function_name", "")}', lambda()],
    ["the ciphertext (AWS's encryption of it)", "${aws_kms_ciphertext.c.ciphertext_blob}", { "aws_kms_ciphertext.c": { key_id: "alias/aws/ssm", plaintext: KEY } }],
  ])("control: %s", (_, expr, extra) => {
    expect(found(tagged({ k: expr }, extra))).toEqual([]);
  });
});

describe("F1: a database password or a CA key copied out of an AWS resource's argument", () => {
  const agent = {
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: ["ssm:ListTagsForResource"], Resource: "*" }) },
  };
  const param = (value: string) => ({ "aws_ssm_parameter.p": { name: "/orders/endpoint", type: "String", value: "x", tags: { auth: value } } });
  const db = (extra: Record<string, Obj>) =>
    tf({
      ...agent,
      "random_password.db": { length: 32 },
      "aws_db_instance.orders": { identifier: "orders", engine: "postgres", instance_class: "db.t4g.micro", username: "app", password: "${random_password.db.result}" },
      "aws_lambda_function.api": { ...FN, environment: { variables: { DB_PASSWORD: "${random_password.db.result}", DB_HOST: "orders.internal" } } },
      ...extra,
    });

  test("the password from the function's environment: an error naming the database; the host beside it: none", () => {
    expect(found(db(param('${aws_lambda_function.api.environment[0].variables["DB_PASSWORD"]}'))).map((f) => f.message)).toEqual([
      expect.stringMatching(/aws_ssm_parameter\.p holds the master password of aws_db_instance\.orders in its tags argument/),
    ]);
    expect(found(db(param('${aws_lambda_function.api.environment[0].variables["DB_HOST"]}')))).toEqual([]);
  });

  const ca = (extra: Record<string, Obj>) =>
    tf({
      ...agent,
      "tls_private_key.ca": { algorithm: "ECDSA", ecdsa_curve: "P256" },
      "aws_secretsmanager_secret_version.ca": { secret_id: "ca", secret_string: "${tls_private_key.ca.private_key_pem}" },
      "tls_self_signed_cert.ca": { private_key_pem: "${aws_secretsmanager_secret_version.ca.secret_string}", is_ca_certificate: true, validity_period_hours: 8760, allowed_uses: ["cert_signing"], subject: [{ common_name: "ca" }] },
      "aws_rolesanywhere_trust_anchor.a": { name: "a", enabled: true, source: [{ source_type: "CERTIFICATE_BUNDLE", source_data: [{ x509_certificate_data: "${tls_self_signed_cert.ca.cert_pem}" }] }] },
      "aws_iam_role.ops": { name: "ops", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "rolesanywhere.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }) },
      "aws_iam_role_policy_attachment.ops": { role: "${aws_iam_role.ops.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
      "aws_rolesanywhere_profile.ops": { name: "ops", enabled: true, role_arns: ["${aws_iam_role.ops.arn}"] },
      ...extra,
    });

  test("a CA certificate given its key through a secret version's value: the tls key behind it is the CA's key", () => {
    expect(found(ca(param("${tls_private_key.ca.private_key_pem}"))).map((f) => f.message)).toEqual([
      expect.stringMatching(/aws_ssm_parameter\.p holds the private key of the CA behind aws_rolesanywhere_trust_anchor\.a \(tls_private_key\.ca\) in its tags argument/),
    ]);
    expect(found(ca(param("${tls_private_key.ca.public_key_pem}")))).toEqual([]);
  });
});

describe("F1: through a module output", () => {
  const AGENT = `
${HCL_TAG_READING_AGENT}resource "aws_iam_user" "deploy" { name = "deploy" }
resource "aws_iam_user_policy_attachment" "a" {
  user       = aws_iam_user.deploy.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
resource "aws_iam_access_key" "k" { user = aws_iam_user.deploy.name }
module "fn" {
  source = "./fn"
  secret = aws_iam_access_key.k.secret
}
`;
  const FN_MODULE = `
variable "secret" { type = string }
resource "aws_lambda_function" "f" {
  function_name = "helper"
  role          = "arn:aws:iam::111111111111:role/helper"
  runtime       = "python3.12"
  handler       = "index.handler"
  filename      = "fn.zip"
  environment { variables = { S = var.secret, T = "x" } }
}
output "s" { value = aws_lambda_function.f.environment[0].variables["S"] }
output "t" { value = aws_lambda_function.f.environment[0].variables["T"] }
output "name" { value = aws_lambda_function.f.function_name }
`;
  const run = async (tags: string) => {
    const tag = `resource "aws_ssm_parameter" "p" {\n  name  = "/ci/note"\n  type  = "String"\n  value = "see tags"\n  tags  = ${tags}\n}\n`;
    const r = await checkPaths([dir({ "main.tf": AGENT + tag, "fn/main.tf": FN_MODULE })], { config: {}, rules: agentRules, strict: true });
    return r.findings.filter((f) => f.ruleId === ID).map((f) => f.message);
  };

  test("the module's output of the variable holding the key: an error; its other variable and the function's name: none", async () => {
    expect(await run("{ k = module.fn.s }")).toEqual([expect.stringMatching(/aws_ssm_parameter\.p holds an access key of aws_iam_user\.deploy \(aws_iam_access_key\.k\) in its tags/)]);
    expect(await run("{ t = module.fn.t, n = module.fn.name }")).toEqual([]);
  });
});

describe("F4: a one-way hash of a generated secret", () => {
  const agent = {
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: ["ssm:ListTagsForResource"], Resource: "*" }) },
  };
  const param = (value: string) => ({ "aws_ssm_parameter.p": { name: "/orders/endpoint", type: "String", value: "x", tags: { rev: value } } });
  const db = (value: string, password?: Obj, dbPassword?: string) =>
    found(
      tf(
        {
          ...agent,
          "random_password.db": password ?? { length: 32 },
          "aws_db_instance.orders": { identifier: "orders", engine: "postgres", instance_class: "db.t4g.micro", username: "app", password: dbPassword ?? "${random_password.db.result}" },
          ...param(value),
        },
        { variable: { pw: { type: "string", sensitive: true }, len: { type: "number" } } },
      ),
    ).map((f) => f.message);
  const PASSWORD = /aws_ssm_parameter\.p holds the master password of aws_db_instance\.orders in its tags argument/;

  test.each([
    ["a prefix of its sha256", "${substr(sha256(random_password.db.result), 0, 12)}"],
    ["md5, sha1, sha512, base64sha256, bcrypt", "${md5(random_password.db.result)}-${sha1(random_password.db.result)}-${sha512(random_password.db.result)}-${base64sha256(random_password.db.result)}-${bcrypt(random_password.db.result)}"],
    ["uuidv5, with a quoted namespace", '${uuidv5("dns", random_password.db.result)}'],
    ["a nested template inside the hash", '${sha256("rev-${random_password.db.result}")}'],
  ])("a 32-character random_password, %s: no finding", (_, value) => {
    expect(db(value)).toEqual([]);
  });

  test("an access key's secret, hashed: no finding; unhashed beside the hash: an error", () => {
    expect(found(tagged({ rev: "${sha256(aws_iam_access_key.k.secret)}" }, {}))).toEqual([]);
    expect(found(tagged({ rev: "${sha256(aws_iam_access_key.k.secret)}-${aws_iam_access_key.k.secret}" }, {})).map((f) => f.message)).toEqual([expect.stringMatching(KEY_IN_TAGS)]);
  });

  // Every row has all four columns: jest hands a missing one to the test as its `done` callback.
  test.each<[string, string, Obj | undefined, string | undefined]>([
    ["a password shorter than 16 characters", "${sha256(random_password.db.result)}", { length: 12 }, undefined],
    ["a length blastwall cannot read", "${sha256(random_password.db.result)}", { length: "${var.len}" }, undefined],
    ["16 digits only (53 bits)", "${sha256(random_password.db.result)}", { length: 16, upper: false, lower: false, special: false }, undefined],
    ["a variable password", "${sha256(var.pw)}", { length: 32 }, "${var.pw}"],
    ["a literal password", '${sha256("correct-horse-battery-staple")}', { length: 32 }, "correct-horse-battery-staple"],
    ["base64encode (no hash)", "${base64encode(random_password.db.result)}", undefined, undefined],
    ["substr alone", "${substr(random_password.db.result, 0, 12)}", undefined, undefined],
    ["the name of a hash written as text, outside the interpolation", "sha256(${random_password.db.result})", undefined, undefined],
    ["the password beside its hash", "${sha256(random_password.db.result)}:${random_password.db.result}", undefined, undefined],
  ])("still an error: %s", (_, value, password, dbPassword) => {
    expect(db(value, password, dbPassword)).toEqual([expect.stringMatching(PASSWORD)]);
  });

  test("HCL: a redeploy trigger hashing the password passes; the password itself fails", async () => {
    const main = (tag: string) => `
${HCL_TAG_READING_AGENT}resource "random_password" "db" {
  length  = 32
  special = false
}
resource "aws_db_instance" "orders" {
  identifier     = "orders"
  engine         = "postgres"
  instance_class = "db.t4g.micro"
  username       = "app"
  password       = random_password.db.result
}
resource "aws_ssm_parameter" "p" {
  name  = "/orders/endpoint"
  type  = "String"
  value = "x"
  tags  = { rev = ${tag} }
}
`;
    const run = async (tag: string) => (await checkPaths([dir({ "main.tf": main(tag) })], { config: {}, rules: agentRules, strict: true })).findings.filter((f) => f.ruleId === ID).map((f) => f.message);
    expect(await run("substr(sha256(random_password.db.result), 0, 12)")).toEqual([]);
    expect(await run("substr(random_password.db.result, 0, 12)")).toEqual([expect.stringMatching(PASSWORD)]);
  });
});
