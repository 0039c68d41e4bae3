/**
 * A database master password where an agent can read it is a destroy right no IAM Deny takes back (red-team round 11).
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { dir } from "../hcl/helpers";
import { HCL_AGENT } from "../helpers/hcl-stacks";

type Obj = Record<string, unknown>;
const agentReads = (action: string | string[], resource: string) => ({
  "aws_iam_role.agent": agentRole(),
  "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: action, Resource: resource }) },
});
const db = (password: string, extra: Obj = {}) => ({ "aws_db_instance.prod": { identifier: "prod", engine: "postgres", instance_class: "db.t4g.micro", username: "admin", password, ...extra } });
const found = (json: Obj) => errors(check(json), "agent-database-password");

describe("agent-database-password", () => {
  test("a generated password stored in a parameter the agent reads", () => {
    const json = tf({
      ...agentReads("ssm:GetParameter", "${aws_ssm_parameter.pw.arn}"),
      "random_password.db": { length: 32 },
      "aws_ssm_parameter.pw": { name: "/prod/db/password", type: "SecureString", value: "${random_password.db.result}" },
      ...db("${random_password.db.result}"),
    });
    const [f] = found(json);
    expect(f).toMatchObject({ principal: "aws_iam_role.agent", resource: "aws_db_instance.prod", actions: ["ssm:GetParameter"] });
    expect(f.message).toMatch(/can read the master password of aws_db_instance\.prod \(stored in aws_ssm_parameter\.pw\)/);
  });

  test("the control: a parameter the agent cannot read, or one holding another value", () => {
    const base = {
      "random_password.db": { length: 32 },
      "random_password.other": { length: 32 },
      "aws_ssm_parameter.pw": { name: "/prod/db/password", type: "SecureString", value: "${random_password.db.result}" },
      "aws_ssm_parameter.other": { name: "/prod/other", type: "SecureString", value: "${random_password.other.result}" },
      ...db("${random_password.db.result}"),
    };
    expect(found(tf({ ...agentReads("ssm:GetParameter", "${aws_ssm_parameter.other.arn}"), ...base }))).toEqual([]);
  });

  test("a variable shared by the cluster and a secret version", () => {
    const json = tf(
      {
        ...agentReads("secretsmanager:GetSecretValue", "${aws_secretsmanager_secret.pw.arn}"),
        "aws_secretsmanager_secret.pw": { name: "db" },
        "aws_secretsmanager_secret_version.pw": { secret_id: "${aws_secretsmanager_secret.pw.id}", secret_string: '{"password":"${var.db_password}"}' },
        "aws_rds_cluster.main": { cluster_identifier: "main", engine: "aurora-postgresql", master_username: "admin", master_password: "${var.db_password}" },
      },
      { variable: { db_password: { type: "string", sensitive: true } } },
    );
    expect(found(json).map((f) => f.resource)).toEqual(["aws_rds_cluster.main"]);
  });

  test("a password written out in a function's environment", () => {
    const json = tf({
      ...agentReads("lambda:GetFunctionConfiguration", "${aws_lambda_function.fn.arn}"),
      "aws_iam_role.fn": { name: "fn", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }) },
      "aws_lambda_function.fn": { function_name: "fn", role: "${aws_iam_role.fn.arn}", environment: [{ variables: { DB_PASSWORD: "correct-horse-battery" } }] },
      ...db("correct-horse-battery"),
    });
    expect(found(json).map((f) => f.resource)).toEqual(["aws_db_instance.prod"]);
  });

  test("RDS-managed master secrets: of a database in the stack, through a read on *", () => {
    const json = tf({ ...agentReads("secretsmanager:GetSecretValue", "*"), ...db("", { password: undefined, manage_master_user_password: true }) });
    expect(found(json).map((f) => f.resource)).toEqual(["aws_db_instance.prod"]);
  });

  test("a read aimed at rds! secrets reads master passwords wherever they are; a read on * alone does not say so", () => {
    expect(found(tf(agentReads("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!db-*")))).toHaveLength(1);
    expect(found(tf(agentReads("secretsmanager:GetSecretValue", "*")))).toEqual([]);
  });
});

describe("agent-database-password (red-team round 12)", () => {
  const param = (value: string) => ({ "aws_ssm_parameter.pw": { name: "/prod/db/password", type: "SecureString", value } });
  const reads = agentReads("ssm:GetParameter", "${aws_ssm_parameter.pw.arn}");

  test("through a local on the database's side", () => {
    const json = tf({ ...reads, "random_password.db": { length: 32 }, ...param("${random_password.db.result}"), ...db("${local.pw}") }, { locals: { pw: "${random_password.db.result}" } });
    expect(found(json)).toHaveLength(1);
  });

  test("a store holding the database's own password attribute", () => {
    expect(found(tf({ ...reads, ...param("${aws_db_instance.prod.password}"), ...db("${var.pw}") }, { variable: { pw: { type: "string" } } }))).toHaveLength(1);
  });

  test("a variable whose default is the literal the store holds", () => {
    expect(found(tf({ ...reads, ...param("Sup3rSecretPassw0rd"), ...db("${var.pw}") }, { variable: { pw: { default: "Sup3rSecretPassw0rd" } } }))).toHaveLength(1);
  });

  test("the control: a bcrypt hash of the generated password is no password", () => {
    expect(found(tf({ ...reads, "random_password.db": { length: 32 }, ...param("${random_password.db.bcrypt_hash}"), ...db("${random_password.db.result}") }))).toEqual([]);
  });

  test("GetParametersByPath on the parent path reads the parameter", () => {
    const json = tf({ ...agentReads("ssm:GetParametersByPath", "arn:aws:ssm:eu-west-1:111111111111:parameter/prod"), "random_password.db": { length: 32 }, ...param("${random_password.db.result}"), ...db("${random_password.db.result}") });
    expect(found(json)).toHaveLength(1);
  });

  test("the stack's own state holds every database password", () => {
    const json = tf(
      { ...agentReads("s3:GetObject", "arn:aws:s3:::acme-tfstate/*"), "random_password.db": { length: 32 }, ...db("${random_password.db.result}") },
      { terraform: { backend: { s3: { bucket: "acme-tfstate", key: "prod/terraform.tfstate" } } } },
    );
    expect(found(json).map((f) => f.evidence.find((e) => e.step === "secret-read")?.address)).toEqual(["terraform.backend.s3"]);
  });

  test("managed passwords of DocumentDB and Redshift, and a Redis AUTH token", () => {
    const docdb = tf({ ...agentReads("secretsmanager:GetSecretValue", "*"), "aws_docdb_cluster.docs": { cluster_identifier: "docs", manage_master_user_password: true } });
    expect(found(docdb).map((f) => f.resource)).toEqual(["aws_docdb_cluster.docs"]);
    expect(found(tf(agentReads("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:*:*:secret:redshift!*")))).toHaveLength(1);
    const redis = tf({ ...reads, ...param("${random_password.auth.result}"), "random_password.auth": { length: 32 }, "aws_elasticache_replication_group.cache": { replication_group_id: "c", auth_token: "${random_password.auth.result}" } });
    expect(found(redis).map((f) => f.resource)).toEqual(["aws_elasticache_replication_group.cache"]);
  });
});

describe("agent-database-password (final round)", () => {
  const param = (value: string) => ({ "aws_ssm_parameter.pw": { name: "/prod/db/password", type: "SecureString", value } });
  const reads = agentReads("ssm:GetParameter", "${aws_ssm_parameter.pw.arn}");

  test("a counted generated password, stored with its index", () => {
    expect(found(tf({ ...reads, "random_password.db": { count: 1, length: 32 }, ...param("${random_password.db[0].result}"), ...db("${random_password.db[0].result}") }))).toHaveLength(1);
  });

  test("Redis ACL users' passwords", () => {
    const json = tf({ ...reads, "random_password.u": { length: 32 }, ...param("${random_password.u.result}"), "aws_elasticache_user.app": { user_id: "app", user_name: "app", engine: "redis", access_string: "on ~* +@all", passwords: ["${random_password.u.result}"] } });
    expect(found(json).map((f) => f.resource)).toEqual(["aws_elasticache_user.app"]);
  });

  test("the controls: the ARN of the secret version a password comes from is no password; a write-only password is not in state", () => {
    const secretArn = tf({
      ...reads,
      ...param("${data.aws_secretsmanager_secret_version.db.arn}"),
      "data.aws_secretsmanager_secret_version.db": { secret_id: "prod/db" },
      ...db('${jsondecode(data.aws_secretsmanager_secret_version.db.secret_string)["password"]}'),
    });
    expect(found(secretArn)).toEqual([]);
    const wo = tf(
      { ...agentReads("s3:GetObject", "arn:aws:s3:::acme-tfstate/*"), "random_password.db": { length: 32 }, ...db("", { password: undefined, password_wo: "${random_password.db.result}" }) },
      { terraform: { backend: { s3: { bucket: "acme-tfstate", key: "prod/terraform.tfstate" } } } },
    );
    expect(found(wo)).toEqual([]);
  });

  test("write-only on both sides (password_wo, value_wo / secret_string_wo), Terraform JSON: still the master password (red-team round 168, F2)", () => {
    const wo = (store: Obj) => tf({ ...agentReads(["ssm:GetParameter", "secretsmanager:GetSecretValue"], "*"), "random_password.db": { length: 32 }, ...store, ...db("", { password: undefined, password_wo: "${random_password.db.result}", password_wo_version: 1 }) });
    const parameter = { "aws_ssm_parameter.pw": { name: "/prod/db/password", type: "SecureString", value_wo: "${random_password.db.result}", value_wo_version: 1 } };
    expect(found(wo(parameter)).map((f) => f.message)).toEqual([expect.stringMatching(/master password of aws_db_instance\.prod \(stored in aws_ssm_parameter\.pw\)/)]);
    const secret = { "aws_secretsmanager_secret.pw": { name: "prod/db" }, "aws_secretsmanager_secret_version.pw": { secret_id: "${aws_secretsmanager_secret.pw.id}", secret_string_wo: "${random_password.db.result}", secret_string_wo_version: 1 } };
    expect(found(wo(secret)).map((f) => f.message)).toEqual([expect.stringMatching(/master password of aws_db_instance\.prod \(stored in aws_secretsmanager_secret\.pw\)/)]);
    // The control: the store holds another generated value.
    const other = { "random_password.other": { length: 32 }, "aws_ssm_parameter.pw": { ...parameter["aws_ssm_parameter.pw"], value_wo: "${random_password.other.result}" } };
    expect(found(wo(other))).toEqual([]);
  });
});

describe("one ephemeral variable gives password_wo and the store's write-only value (red-team round 168, F3)", () => {
  const VARIABLE = { variable: { db_password: { type: "string", sensitive: true, ephemeral: true }, api_token: { type: "string", ephemeral: true } } };
  const wo = (store: Obj) => tf({ ...agentReads(["ssm:GetParameter", "secretsmanager:GetSecretValue"], "*"), ...store, ...db("", { password: undefined, password_wo: "${var.db_password}", password_wo_version: 1 }) }, VARIABLE);
  const parameter = (value: string) => ({ "aws_ssm_parameter.pw": { name: "/prod/db/password", type: "SecureString", value_wo: value, value_wo_version: 1 } });
  const secret = (value: string) => ({ "aws_secretsmanager_secret.pw": { name: "prod/db" }, "aws_secretsmanager_secret_version.pw": { secret_id: "${aws_secretsmanager_secret.pw.id}", secret_string_wo: value, secret_string_wo_version: 1 } });
  const stored = (store: string) => [expect.stringMatching(new RegExp(`master password of aws_db_instance\\.prod \\(stored in ${store.replace(/\./g, "\\.")}\\)`))];

  test("Terraform JSON: value_wo, secret_string_wo and a JSON secret holding it among other keys", () => {
    expect(found(wo(parameter("${var.db_password}"))).map((f) => f.message)).toEqual(stored("aws_ssm_parameter.pw"));
    expect(found(wo(secret("${var.db_password}"))).map((f) => f.message)).toEqual(stored("aws_secretsmanager_secret.pw"));
    expect(found(wo(secret('${jsonencode({ username = "admin", password = var.db_password, host = aws_db_instance.prod.address })}'))).map((f) => f.message)).toEqual(stored("aws_secretsmanager_secret.pw"));
    // The control: the store holds another variable.
    expect(found(wo(parameter("${var.api_token}")))).toEqual([]);
  });

  test("HCL, the database and the store in a module given the root variable", async () => {
    const d = dir({
      "main.tf": `${HCL_AGENT}
variable "db_password" {
  type      = string
  sensitive = true
  ephemeral = true
}
resource "aws_iam_role_policy" "agent" {
  role   = aws_iam_role.agent.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["ssm:GetParameter"], Resource = "*" }] })
}
module "data" {
  source          = "./data"
  master_password = var.db_password
}
`,
      "data/main.tf": `
variable "master_password" {
  type      = string
  ephemeral = true
}
resource "aws_db_instance" "prod" {
  identifier          = "prod"
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  username            = "admin"
  password_wo         = var.master_password
  password_wo_version = 1
}
resource "aws_ssm_parameter" "pw" {
  name             = "/prod/db/password"
  type             = "SecureString"
  value_wo         = var.master_password
  value_wo_version = 1
}
`,
    });
    const r = await checkPaths([d], { config: {}, rules: agentRules });
    expect(r.findings.filter((f) => f.ruleId === "agent-database-password").map((f) => f.message)).toEqual([expect.stringMatching(/master password of module\.data\.aws_db_instance\.prod \(stored in module\.data\.aws_ssm_parameter\.pw\)/)]);
  });
});

describe("a database password read through another principal", () => {
  const chain = (readerCan: string) =>
    tf({
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.reader.arn}" }) },
      "aws_iam_role.reader": { name: "reader", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" }) },
      "aws_iam_role_policy.reader": { role: "${aws_iam_role.reader.name}", policy: policy({ Effect: "Allow", Action: readerCan, Resource: "${aws_ssm_parameter.pw.arn}" }) },
      "random_password.db": { length: 32 },
      "aws_ssm_parameter.pw": { name: "/prod/db/password", type: "SecureString", value: "${random_password.db.result}" },
      ...db("${random_password.db.result}"),
    });

  test("the agent can act as a role that reads the password: a chain to the database", () => {
    const [f] = errors(check(chain("ssm:GetParameter")), "agent-transitive-destroy");
    expect(f).toMatchObject({ principal: "aws_iam_role.agent", resource: "aws_iam_role.reader" });
    expect(f.message).toMatch(/which can read the master password of aws_db_instance\.prod \(stored in aws_ssm_parameter\.pw\) and so drop the database/);
    expect(f.actions).toContain("ssm:GetParameter");
  });

  test("the control: a role that reads something else", () => {
    expect(errors(check(chain("ssm:DescribeParameters")), "agent-transitive-destroy")).toEqual([]);
  });
});

describe("agent-database-password: a password read back from its secret (red-team round 169, F1)", () => {
  const secret = (value: string) => ({
    "aws_secretsmanager_secret.db": { name: "app/db" },
    "aws_secretsmanager_secret.other": { name: "app/other" },
    "aws_secretsmanager_secret_version.db": { secret_id: "${aws_secretsmanager_secret.db.id}", secret_string_wo: value, secret_string_wo_version: 1 },
  });
  const readBack = (secretId: string) => ({ "data.aws_secretsmanager_secret_version.db": { secret_id: secretId } });
  const reads = (which: string) => agentReads("secretsmanager:GetSecretValue", `\${aws_secretsmanager_secret.${which}.arn}`);

  test("a data source reading the secret back gives the password: the agent that reads the secret holds it", () => {
    const plain = tf({ ...reads("db"), ...secret("${random_password.db.result}"), ...readBack("${aws_secretsmanager_secret_version.db.secret_id}"), ...db("${data.aws_secretsmanager_secret_version.db.secret_string}") });
    expect(found(plain)).toEqual([expect.objectContaining({ resource: "aws_db_instance.prod", message: expect.stringMatching(/stored in aws_secretsmanager_secret\.db\)/) })]);
    const json = tf({ ...reads("db"), ...secret("${ephemeral.random_password.db.result}"), ...readBack("${aws_secretsmanager_secret.db.id}"), ...db("", { password: undefined, password_wo: '${jsondecode(data.aws_secretsmanager_secret_version.db.secret_string)["password"]}' }) });
    expect(found(json)).toHaveLength(1);
  });

  test("an ephemeral read-back, which blastwall cannot resolve: any secret the agent reads may hold it, and the finding says so", () => {
    const json = tf({ ...reads("db"), ...secret("${ephemeral.random_password.db.result}"), ...db("", { password: undefined, password_wo: "${ephemeral.aws_secretsmanager_secret_version.db.secret_string}" }) });
    expect(found(json)).toEqual([expect.objectContaining({ message: expect.stringMatching(/read back by ephemeral\.aws_secretsmanager_secret_version\.db from a secret blastwall cannot tell .*fail closed/) })]);
    // A read reaching outside the stack may read it too.
    expect(found(tf({ ...agentReads("secretsmanager:GetSecretValue", "*"), ...db("", { password: undefined, password_wo: "${ephemeral.aws_secretsmanager_secret_version.db.secret_string}" }) }))).toHaveLength(1);
  });

  test("controls: the agent reads another secret of the stack, or none", () => {
    const base = { ...secret("${random_password.db.result}"), ...readBack("${aws_secretsmanager_secret_version.db.secret_id}"), ...db("${data.aws_secretsmanager_secret_version.db.secret_string}") };
    expect(found(tf({ ...reads("other"), ...base }))).toEqual([]);
    expect(found(tf({ ...agentReads("sqs:ListQueues", "*"), ...base }))).toEqual([]);
  });
});

describe("agent-database-password: read-backs blastwall did not follow (red-team round 170, F1 and F2)", () => {
  const parameter = { "aws_ssm_parameter.pw": { name: "/prod/db/password", type: "SecureString", value: "set-out-of-band", lifecycle: { ignore_changes: ["value"] } } };
  const other = { "aws_ssm_parameter.other": { name: "/prod/app/flag", type: "String", value: "on" } };
  const byPath = (path: string) => ({ "data.aws_ssm_parameters_by_path.db": { path, with_decryption: true } });
  const reads = (which: string) => agentReads(["ssm:GetParameter", "ssm:GetParametersByPath"], `\${aws_ssm_parameter.${which}.arn}`);

  test("F1: a password read back by path: every parameter of the stack under the path holds it", () => {
    const json = tf({ ...reads("pw"), ...parameter, ...other, ...byPath("/prod/db"), ...db("${data.aws_ssm_parameters_by_path.db.values[0]}") });
    expect(found(json)).toEqual([expect.objectContaining({ resource: "aws_db_instance.prod", message: expect.stringMatching(/\(stored in aws_ssm_parameter\.pw\)/) })]);
    // Written without the trailing or leading slash, the path names the same parameters.
    expect(found(tf({ ...reads("pw"), ...parameter, ...byPath("prod/db/"), ...db("${data.aws_ssm_parameters_by_path.db.values[0]}") }))).toHaveLength(1);
  });

  test("F1: a path blastwall cannot read, or a data source it does not know: any secret or parameter the agent reads may hold the password", () => {
    const unknownPath = found(tf({ ...reads("other"), ...parameter, ...other, ...byPath("${var.prefix}"), ...db("${data.aws_ssm_parameters_by_path.db.values[0]}") }));
    expect(unknownPath).toEqual([expect.objectContaining({ message: expect.stringMatching(/read back by data\.aws_ssm_parameters_by_path\.db from a parameter blastwall cannot tell \(its path is not a path blastwall can tell\).*fail closed/) })]);
    for (const source of ["ephemeral.vault_kv_secret_v2.db.data", "data.terraform_remote_state.db.outputs"]) {
      const json = tf({ ...agentReads("secretsmanager:GetSecretValue", "*"), ...db(`\${${source}["password"]}`) });
      expect(found(json)).toEqual([expect.objectContaining({ message: expect.stringMatching(/its password is made from (data|ephemeral)\.\S+, which may read it back from a secret or parameter \(blastwall does not know what .*fail closed; read it with a data source blastwall follows/) })]);
    }
  });

  test("review of 0.8.0: a by-path read also returns parameters made outside the stack under the path: a grant on one of them reads the password", () => {
    const outsideGrant = agentReads(["ssm:GetParameter"], "arn:aws:ssm:eu-central-1:111111111111:parameter/prod/db/admin");
    expect(found(tf({ ...outsideGrant, ...parameter, ...other, ...byPath("/prod/db"), ...db("${data.aws_ssm_parameters_by_path.db.values[0]}") }))).toHaveLength(1);
    // Control: a grant on a parameter outside the path.
    const elsewhere = agentReads(["ssm:GetParameter"], "arn:aws:ssm:eu-central-1:111111111111:parameter/prod/app/admin");
    expect(found(tf({ ...elsewhere, ...parameter, ...other, ...byPath("/prod/db"), ...db("${data.aws_ssm_parameters_by_path.db.values[0]}") }))).toEqual([]);
  });

  test("F1 controls: a parameter outside the path, a source that reads no store, an agent that reads no secret", () => {
    expect(found(tf({ ...reads("other"), ...parameter, ...other, ...byPath("/prod/db"), ...db("${data.aws_ssm_parameters_by_path.db.values[0]}") }))).toEqual([]);
    // `/prod/d` is no parent of `/prod/db/password`: the path reads parameters outside the stack, which the agent's
    // read of a parameter of the stack does not reach (red-team round 172, F2).
    expect(found(tf({ ...reads("pw"), ...parameter, ...byPath("/prod/d"), ...db("${data.aws_ssm_parameters_by_path.db.values[0]}") }))).toEqual([]);
    const generated = { "data.aws_secretsmanager_random_password.db": { password_length: 32 } };
    expect(found(tf({ ...agentReads("secretsmanager:GetSecretValue", "*"), ...generated, ...db("${data.aws_secretsmanager_random_password.db.random_password}") }))).toEqual([]);
    expect(found(tf({ ...agentReads("sqs:ListQueues", "*"), ...db("${data.aws_kms_secrets.db.plaintext[\"password\"]}") }))).toEqual([]);
  });

  const secretsModule = (output: string) => `
variable "secret_id" { type = string }
data "aws_secretsmanager_secret_version" "this" { secret_id = var.secret_id }
output "password" {
  value     = ${output}
  sensitive = true
}
`;
  const root = (reads: string, source = "./modules/secrets") => `${HCL_AGENT}
resource "aws_iam_role_policy" "agent" {
  role   = aws_iam_role.agent.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["secretsmanager:GetSecretValue"], Resource = aws_secretsmanager_secret.${reads}.arn }] })
}
resource "aws_secretsmanager_secret" "db" { name = "app/db" }
resource "aws_secretsmanager_secret" "other" { name = "app/other" }
module "secrets" {
  source    = "${source}"
  secret_id = aws_secretsmanager_secret.db.id
}
resource "aws_db_instance" "prod" {
  identifier     = "prod"
  engine         = "postgres"
  instance_class = "db.t4g.micro"
  username       = "dbadmin"
  password       = module.secrets.password
}
`;
  const inFolder = async (files: Record<string, string>) =>
    (await checkPaths([dir(files)], { config: {}, rules: agentRules })).findings.filter((f) => f.ruleId === "agent-database-password" && f.severity === "error").map((f) => f.message);

  test("F2: a read-back inside a local module, passed up as its output: the secret the module is given holds the password", async () => {
    const READ = 'jsondecode(data.aws_secretsmanager_secret_version.this.secret_string)["password"]';
    // Surely, not only maybe: the module's data source is followed to the secret it is given.
    const surely = expect.stringMatching(/^(?![\s\S]*rather than surely)[\s\S]*master password of aws_db_instance\.prod \(stored in aws_secretsmanager_secret\.db\): /);
    expect(await inFolder({ "main.tf": root("db"), "modules/secrets/main.tf": secretsModule(READ) })).toEqual([surely]);
    // The same configuration in Terraform JSON, beside its module.
    const json = JSON.stringify({
      module: { secrets: { source: "./modules/secrets", secret_id: "${aws_secretsmanager_secret.db.id}" } },
      resource: { aws_db_instance: { prod: { identifier: "prod", engine: "postgres", instance_class: "db.t4g.micro", username: "dbadmin", password: "${module.secrets.password}" } } },
    });
    const base = root("db").replace(/module "secrets" \{[\s\S]*$/, "");
    expect(await inFolder({ "main.tf": base, "db.tf.json": json, "modules/secrets/main.tf": secretsModule(READ) })).toEqual([surely]);
  });

  test("F2: a module blastwall does not read: its output may be read back from any secret the agent reads (fail closed)", async () => {
    expect(await inFolder({ "main.tf": root("other", "terraform-aws-modules/secrets-manager/aws") })).toEqual([
      expect.stringMatching(/its password is made from module\.secrets\.password, which may read it back .*output password of module\.secrets, which blastwall cannot follow.*fail closed/),
    ]);
  });

  test("F2, Terraform JSON: an output of a registry module, whole or an attribute of it, fails closed", () => {
    const registry = { module: { secrets: { source: "terraform-aws-modules/secrets-manager/aws", version: "1.3.1" } } };
    const json = (password: string, more: Obj = {}) => tf({ ...agentReads("secretsmanager:GetSecretValue", "*"), ...more, ...db(password) }, registry);
    for (const password of ["${module.secrets.password}", "${module.secrets.creds.password}", '${module.secrets["creds"].password}', "${jsondecode(module.secrets.secret_string)}"]) {
      expect(found(json(password))).toEqual([expect.objectContaining({ message: expect.stringMatching(/made from module\.secrets\.(password|creds|secret_string), which may read it back .*blastwall cannot follow/) })]);
    }
    // The control: a generated password of the root module.
    expect(found(json("${random_password.pw.result}", { "random_password.pw": { length: 32 } }))).toEqual([]);
  });

  test("F2 controls: the module reads the secret the agent cannot read, or outputs a generated password", async () => {
    const READ = 'jsondecode(data.aws_secretsmanager_secret_version.this.secret_string)["password"]';
    expect(await inFolder({ "main.tf": root("other"), "modules/secrets/main.tf": secretsModule(READ) })).toEqual([]);
    const generated = `${secretsModule("random_password.db.result")}\nresource "random_password" "db" { length = 32 }\n`;
    expect(await inFolder({ "main.tf": root("db"), "modules/secrets/main.tf": generated })).toEqual([]);
  });
});

describe("agent-database-password: a password relayed through a managed resource (red-team round 171b, F1 and F2)", () => {
  const parameter = {
    "aws_ssm_parameter.pw": { name: "/prod/db/password", type: "SecureString", value: "set-out-of-band", lifecycle: { ignore_changes: ["value"] } },
    "aws_ssm_parameter.other": { name: "/prod/app/flag", type: "String", value: "on" },
    "data.aws_ssm_parameter.pw": { name: "${aws_ssm_parameter.pw.name}" },
  };
  const reads = (which: string) => agentReads("ssm:GetParameter", `\${aws_ssm_parameter.${which}.arn}`);
  const surely = (store: string) => expect.objectContaining({ resource: "aws_db_instance.prod", message: expect.stringMatching(new RegExp(`^(?![\\s\\S]*rather than surely)[\\s\\S]*\\(stored in ${store.replace(/\./g, "\\.")}\\)`)) });

  test("F1: terraform_data's output is its input, null_resource's triggers what they were given: the parameter read back holds the password", () => {
    const viaData = { "terraform_data.pw": { input: "${data.aws_ssm_parameter.pw.value}" } };
    expect(found(tf({ ...reads("pw"), ...parameter, ...viaData, ...db("${terraform_data.pw.output}") }))).toEqual([surely("aws_ssm_parameter.pw")]);
    expect(found(tf({ ...reads("pw"), ...parameter, "terraform_data.pw": { triggers_replace: ["${data.aws_ssm_parameter.pw.value}"] }, ...db("${terraform_data.pw.triggers_replace[0]}") }))).toEqual([surely("aws_ssm_parameter.pw")]);
    const viaNull = { "null_resource.pw": { triggers: { pw: "${data.aws_ssm_parameter.pw.value}" } } };
    expect(found(tf({ ...reads("pw"), ...parameter, ...viaNull, ...db("${null_resource.pw.triggers.pw}") }))).toEqual([surely("aws_ssm_parameter.pw")]);
    // Two relays in a row.
    const chain = { ...viaData, "terraform_data.again": { input: "${terraform_data.pw.output}" } };
    expect(found(tf({ ...reads("pw"), ...parameter, ...chain, ...db("${terraform_data.again.output}") }))).toEqual([surely("aws_ssm_parameter.pw")]);
  });

  test("F1: an attribute a resource computes that blastwall does not know may be read from any store (fail closed, naming it)", () => {
    const invoke = { "aws_lambda_invocation.pw": { function_name: "get-password", input: "{}" } };
    expect(found(tf({ ...reads("other"), ...parameter, ...invoke, ...db('${jsondecode(aws_lambda_invocation.pw.result)["pw"]}') }))).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/aws_ssm_parameter\.other may hold it rather than surely: its password is made from aws_lambda_invocation\.pw\.result, which may read it back .*an attribute aws_lambda_invocation computes.*fail closed/) }),
    ]);
    const vault = { "vault_generic_endpoint.pw": { path: "database/creds/app" } };
    expect(found(tf({ ...agentReads("secretsmanager:GetSecretValue", "*"), ...vault, ...db("${vault_generic_endpoint.pw.write_data.password}") }))).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/made from vault_generic_endpoint\.pw\.write_data, which may read it back/) }),
    ]);
  });

  test("F1 controls: a relay of a generated password or a literal, another parameter read, an attribute blastwall knows", () => {
    expect(found(tf({ ...reads("other"), ...parameter, "terraform_data.pw": { input: "${data.aws_ssm_parameter.pw.value}" }, ...db("${terraform_data.pw.output}") }))).toEqual([]);
    const generated = { "random_password.db": { length: 32 }, "terraform_data.pw": { input: "${random_password.db.result}" } };
    expect(found(tf({ ...reads("pw"), ...parameter, ...generated, ...db("${terraform_data.pw.output}") }))).toEqual([]);
    expect(found(tf({ ...reads("pw"), ...parameter, "null_resource.pw": { triggers: { pw: "correct-horse-battery" } }, ...db("${null_resource.pw.triggers.pw}") }))).toEqual([]);
    expect(found(tf({ ...reads("pw"), ...parameter, "random_id.pw": { byte_length: 16 }, ...db("${random_id.pw.hex}") }))).toEqual([]);
  });

  const secret = {
    "aws_secretsmanager_secret.db": { name: "prod/db" },
    "aws_secretsmanager_secret.other": { name: "prod/other" },
    "data.aws_secretsmanager_secret_version.db": { secret_id: "${aws_secretsmanager_secret.db.id}" },
    "aws_ssm_parameter.copy": { name: "/prod/db/password", type: "SecureString", value: "${data.aws_secretsmanager_secret_version.db.secret_string}" },
  };
  const readsSecret = (which: string) => agentReads("secretsmanager:GetSecretValue", `\${aws_secretsmanager_secret.${which}.arn}`);

  test("F2: a parameter copied from a secret read back: the secret and the parameter both hold the password", () => {
    expect(found(tf({ ...readsSecret("db"), ...secret, ...db("${aws_ssm_parameter.copy.value}") }))).toEqual([surely("aws_secretsmanager_secret.db")]);
    expect(found(tf({ ...agentReads("ssm:GetParameter", "${aws_ssm_parameter.copy.arn}"), ...secret, ...db("${aws_ssm_parameter.copy.value}") }))).toEqual([surely("aws_ssm_parameter.copy")]);
    // A parameter's value is what the parameter holds, whatever the stack shows it given (set out of band here).
    const outOfBand = { "aws_ssm_parameter.pw": { name: "/prod/db/password", type: "SecureString", value: "x", lifecycle: { ignore_changes: ["value"] } } };
    expect(found(tf({ ...reads("pw"), ...outOfBand, ...db("${aws_ssm_parameter.pw.value}") }))).toEqual([surely("aws_ssm_parameter.pw")]);
    // The other way round: a secret version copied from a parameter read back.
    const copied = {
      ...parameter,
      "aws_secretsmanager_secret.copy": { name: "prod/db-copy" },
      "aws_secretsmanager_secret_version.copy": { secret_id: "${aws_secretsmanager_secret.copy.id}", secret_string: "${data.aws_ssm_parameter.pw.value}" },
    };
    expect(found(tf({ ...reads("pw"), ...copied, ...db("${aws_secretsmanager_secret_version.copy.secret_string}") }))).toEqual([surely("aws_ssm_parameter.pw")]);
    expect(found(tf({ ...agentReads("secretsmanager:GetSecretValue", "${aws_secretsmanager_secret.copy.arn}"), ...copied, ...db("${aws_secretsmanager_secret_version.copy.secret_string}") }))).toEqual([
      surely("aws_secretsmanager_secret.copy"),
    ]);
  });

  test("F2 controls: the agent reads another secret, or a parameter copied from a generated password it cannot read", () => {
    expect(found(tf({ ...readsSecret("other"), ...secret, ...db("${aws_ssm_parameter.copy.value}") }))).toEqual([]);
    const generated = { ...secret, "random_password.db": { length: 32 }, "aws_ssm_parameter.copy": { name: "/prod/db/password", type: "SecureString", value: "${random_password.db.result}" } };
    expect(found(tf({ ...readsSecret("db"), ...generated, ...db("${aws_ssm_parameter.copy.value}") }))).toEqual([]);
  });
});

describe("agent-database-password: a read-back naming a store outside the stack by a literal (red-team round 172, F1, F2, F4)", () => {
  const stores = {
    "aws_secretsmanager_secret.slack": { name: "app/prod/slack-webhook" },
    "aws_ssm_parameter.log_level": { name: "/app/prod/log_level", type: "String", value: "info" },
  };
  const secretRead = (secretId: string) => ({ "data.aws_secretsmanager_secret_version.db": { secret_id: secretId } });
  const fromSecret = db('${jsondecode(data.aws_secretsmanager_secret_version.db.secret_string)["password"]}');
  const paramRead = { "data.aws_ssm_parameter.master": { name: "/shared/prod/postgres_master_password" } };
  const fromParam = db("${data.aws_ssm_parameter.master.value}");
  const outside = (name: string) => expect.objectContaining({ resource: "aws_db_instance.prod", message: expect.stringMatching(new RegExp(`from the (secret|parameter) ${name.replace(/[/.]/g, "\\$&")}, which is outside the stack`)) });

  test("F1: a literal secret name no secret of the stack has: the agent's read of another secret of the stack does not reach it", () => {
    expect(found(tf({ ...agentReads("secretsmanager:GetSecretValue", "${aws_secretsmanager_secret.slack.arn}"), ...stores, ...secretRead("app/prod/db-credentials"), ...fromSecret }))).toEqual([]);
    // Named through a secret data source with a literal name, or by a literal ARN.
    const lookup = { "data.aws_secretsmanager_secret.db": { name: "shared/prod/postgres-master" }, ...secretRead("${data.aws_secretsmanager_secret.db.id}") };
    expect(found(tf({ ...agentReads("secretsmanager:GetSecretValue", "${aws_secretsmanager_secret.slack.arn}"), ...stores, ...lookup, ...fromSecret }))).toEqual([]);
    const arn = secretRead("arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/prod/db-credentials-AbCdEf");
    expect(found(tf({ ...agentReads("secretsmanager:GetSecretValue", "${aws_secretsmanager_secret.slack.arn}"), ...stores, ...arn, ...fromSecret }))).toEqual([]);
  });

  test("F2: a literal parameter name no parameter of the stack has: a read of a String parameter of the stack does not reach it", () => {
    expect(found(tf({ ...agentReads("ssm:GetParameter", "${aws_ssm_parameter.log_level.arn}"), ...stores, ...paramRead, ...fromParam }))).toEqual([]);
  });

  test("F1, F2 controls: a `*` read, a grant on that name or a pattern over it still reads the password, naming the store", () => {
    const star = agentReads(["secretsmanager:GetSecretValue", "ssm:GetParameter"], "*");
    expect(found(tf({ ...star, ...stores, ...secretRead("app/prod/db-credentials"), ...fromSecret }))).toEqual([outside("app/prod/db-credentials")]);
    expect(found(tf({ ...star, ...stores, ...paramRead, ...fromParam }))).toEqual([outside("/shared/prod/postgres_master_password")]);
    const exact = agentReads("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/prod/db-credentials-AbCdEf");
    expect(found(tf({ ...exact, ...stores, ...secretRead("app/prod/db-credentials"), ...fromSecret }))).toEqual([outside("app/prod/db-credentials")]);
    const param = agentReads("ssm:GetParameter", "arn:aws:ssm:eu-west-1:123456789012:parameter/shared/prod/postgres_master_password");
    expect(found(tf({ ...param, ...stores, ...paramRead, ...fromParam }))).toEqual([outside("/shared/prod/postgres_master_password")]);
    const byPath = agentReads("ssm:GetParametersByPath", "arn:aws:ssm:eu-west-1:123456789012:parameter/shared/prod");
    expect(found(tf({ ...byPath, ...stores, ...paramRead, ...fromParam }))).toEqual([outside("/shared/prod/postgres_master_password")]);
    // A pattern over another name does not.
    const elsewhere = agentReads("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:*:*:secret:app/prod/slack-*");
    expect(found(tf({ ...elsewhere, ...stores, ...secretRead("app/prod/db-credentials"), ...fromSecret }))).toEqual([]);
  });

  test("F1, F2 controls: a name blastwall cannot read, or a store of the stack that does not show its name, stays fail closed", () => {
    const reads = agentReads("secretsmanager:GetSecretValue", "${aws_secretsmanager_secret.slack.arn}");
    const maybe = [expect.objectContaining({ message: expect.stringMatching(/aws_secretsmanager_secret\.slack may hold it rather than surely: .*names no secret of the stack blastwall can tell/) })];
    expect(found(tf({ ...reads, ...stores, ...secretRead("${var.secret_id}"), ...fromSecret }, { variable: { secret_id: { type: "string" } } }))).toEqual(maybe);
    const unnamed = { ...stores, "aws_secretsmanager_secret.slack": { name: "${var.env}/slack" } };
    expect(found(tf({ ...reads, ...unnamed, ...secretRead("app/prod/db-credentials"), ...fromSecret }, { variable: { env: { type: "string" } } }))).toEqual(maybe);
  });

  test("F4: aws_kms_secrets decrypts a ciphertext of the configuration and reads no store", () => {
    const kms = { "data.aws_kms_secrets.db": { secret: [{ name: "master_password", payload: "AQICAHh..." }] } };
    const reads = agentReads(["secretsmanager:GetSecretValue", "ssm:GetParameter"], ["${aws_secretsmanager_secret.slack.arn}", "${aws_ssm_parameter.log_level.arn}"] as unknown as string);
    expect(found(tf({ ...reads, ...stores, ...kms, ...db('${data.aws_kms_secrets.db.plaintext["master_password"]}') }))).toEqual([]);
    // The control: a source blastwall does not know still fails closed.
    expect(found(tf({ ...reads, ...stores, ...db('${data.sops_file.db.data["password"]}') }))).toEqual([expect.objectContaining({ message: expect.stringMatching(/made from data\.sops_file\.db/) })]);
  });
});

describe("agent-database-password: an ephemeral read-back is read as its data source is (red-team round 172, F3)", () => {
  // HashiCorp's write-only pattern: the stack makes the secret, writes it once, and hands the database what an
  // ephemeral block reads back from it.
  const folder = (reads: string, extra = "") => `${HCL_AGENT}
resource "aws_iam_role_policy" "agent" {
  role   = aws_iam_role.agent.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["secretsmanager:GetSecretValue"], Resource = aws_secretsmanager_secret.${reads}.arn }] })
}
resource "aws_secretsmanager_secret" "db" { name = "app/db" }
resource "aws_secretsmanager_secret" "other" { name = "app/other" }
ephemeral "random_password" "db" { length = 32 }
resource "aws_secretsmanager_secret_version" "db" {
  secret_id                = aws_secretsmanager_secret.db.id
  secret_string_wo         = ephemeral.random_password.db.result
  secret_string_wo_version = 1
}
ephemeral "aws_secretsmanager_secret_version" "db" {
  secret_id = aws_secretsmanager_secret_version.db.secret_id
}
resource "aws_db_instance" "prod" {
  identifier          = "prod"
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  username            = "dbadmin"
  password_wo         = ephemeral.aws_secretsmanager_secret_version.db.secret_string
  password_wo_version = 1
}
${extra}`;
  const inFolder = async (files: Record<string, string>) =>
    (await checkPaths([dir(files)], { config: {}, rules: agentRules })).findings.filter((f) => f.ruleId === "agent-database-password" && f.severity === "error");
  const surely = (store: string) => expect.objectContaining({ resource: "aws_db_instance.prod", message: expect.stringMatching(new RegExp(`^(?![\\s\\S]*rather than surely)[\\s\\S]*\\(stored in ${store.replace(/\./g, "\\.")}\\)`)) });

  test("F3: the agent reads only another secret of the stack: no finding (the stack's own secret, which it guards, holds the password)", async () => {
    expect(await inFolder({ "main.tf": folder("other") })).toEqual([]);
  });

  test("the agent that reads the secret holds the password, surely rather than maybe", async () => {
    expect(await inFolder({ "main.tf": folder("db") })).toEqual([surely("aws_secretsmanager_secret.db")]);
  });

  test("inside a local module, passed up as an ephemeral output", async () => {
    const root = folder("db").replace(/ephemeral "aws_secretsmanager_secret_version" "db" \{[^}]*\}/, `module "secrets" {\n  source    = "./modules/secrets"\n  secret_id = aws_secretsmanager_secret_version.db.secret_id\n}`).replace("ephemeral.aws_secretsmanager_secret_version.db.secret_string", "module.secrets.password");
    const module = `variable "secret_id" { type = string }\nephemeral "aws_secretsmanager_secret_version" "this" { secret_id = var.secret_id }\noutput "password" {\n  value     = ephemeral.aws_secretsmanager_secret_version.this.secret_string\n  ephemeral = true\n}\n`;
    expect(await inFolder({ "main.tf": root, "modules/secrets/main.tf": module })).toEqual([surely("aws_secretsmanager_secret.db")]);
    expect(await inFolder({ "main.tf": root.replace("aws_secretsmanager_secret.db.arn }", "aws_secretsmanager_secret.other.arn }"), "modules/secrets/main.tf": module })).toEqual([]);
  });

  test("Terraform JSON: the ephemeral aws_ssm_parameter names its parameter by arn", () => {
    const parameters = {
      "aws_ssm_parameter.pw": { name: "/prod/db/password", type: "SecureString", value_wo: "${ephemeral.random_password.db.result}", value_wo_version: 1 },
      "aws_ssm_parameter.flag": { name: "/prod/app/flag", type: "String", value: "on" },
    };
    const json = (reads: string, arn: string, extra: Obj = {}) =>
      tf({ ...agentReads("ssm:GetParameter", `\${aws_ssm_parameter.${reads}.arn}`), ...parameters, ...db("", { password: undefined, password_wo: "${ephemeral.aws_ssm_parameter.pw.value}" }) }, { ephemeral: { aws_ssm_parameter: { pw: { arn } } }, ...extra });
    expect(found(json("pw", "${aws_ssm_parameter.pw.arn}"))).toEqual([surely("aws_ssm_parameter.pw")]);
    expect(found(json("pw", "arn:aws:ssm:eu-west-1:111111111111:parameter/prod/db/password"))).toEqual([surely("aws_ssm_parameter.pw")]);
    expect(found(json("flag", "${aws_ssm_parameter.pw.arn}"))).toEqual([]);
    // An arn blastwall cannot read: any parameter the agent reads may hold it (fail closed).
    expect(found(json("flag", "${var.arn}", { variable: { arn: { type: "string" } } }))).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/aws_ssm_parameter\.flag may hold it rather than surely: its password is read back by ephemeral\.aws_ssm_parameter\.pw from a parameter blastwall cannot tell \(its arn names no parameter/) }),
    ]);
  });

  test("controls: an ephemeral block blastwall does not read from, or one of a type it does not know, stays fail closed", () => {
    const reads = agentReads("secretsmanager:GetSecretValue", "${aws_secretsmanager_secret.other.arn}");
    const secrets = { "aws_secretsmanager_secret.other": { name: "app/other" } };
    const invoke = { ephemeral: { aws_lambda_invocation: { pw: { function_name: "get-password", payload: "{}" } } } };
    expect(found(tf({ ...reads, ...secrets, ...db("", { password: undefined, password_wo: "${ephemeral.aws_lambda_invocation.pw.result}" }) }, invoke))).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/made from ephemeral\.aws_lambda_invocation\.pw, which may read it back .*blastwall does not know what the ephemeral resource aws_lambda_invocation reads/) }),
    ]);
    const vault = { ephemeral: { vault_kv_secret_v2: { db: { mount: "kv", name: "db" } } } };
    expect(found(tf({ ...reads, ...secrets, ...db("", { password: undefined, password_wo: '${ephemeral.vault_kv_secret_v2.db.data["password"]}' }) }, vault))).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/made from ephemeral\.vault_kv_secret_v2\.db, which may read it back/) }),
    ]);
  });
});
