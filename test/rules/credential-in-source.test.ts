/**
 * credential-in-source: a key or master password the configuration itself holds is one a coding agent finds by reading
 * the files it works on (the April 2026 path), with no IAM read right at all.
 */
import { tf } from "../helpers/tf";
import { tree } from "../helpers/files";
import { runIn } from "../helpers/cli";
import { buildStack } from "../../lib/engine/terraform/stack";
import { buildAnalysis } from "../../lib/engine/analyze";
import { run } from "./helpers";
import { rule } from "../../lib/rules/credential-in-source";
import { keyPlan, refs } from "../helpers/credential-plan";
import { symlinkSync, writeFileSync } from "fs";
import { join } from "path";
import { awsSecretProfiles, holdsPrivateKey } from "../../lib/check/repository-files";
import { PASSWORD_ARGUMENTS } from "../../lib/engine/reach/password-arguments";

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const KEY_ID = "AKIAIOSFODNN7EXAMPLE";

function strict(json: Record<string, unknown>) {
  const stack = buildStack(json, "test.tf.json");
  return rule.check({ stack, analysis: buildAnalysis(stack, {}), config: {}, strict: true });
}

describe("credential-in-source: database master passwords", () => {
  it("fails a literal master password, naming the resource and argument but never the password", () => {
    const found = run(rule, tf({ "aws_db_instance.main": { password: "changeme-now", instance_class: "db.t3.micro" } }));
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe("error");
    expect(found[0].principal).toBe("aws_db_instance.main");
    expect(found[0].message).toContain("aws_db_instance.main has its master password written in the configuration (password)");
    expect(found[0].message).toContain("connect as the master user and drop the data");
    expect(found[0].fix).toContain("manage_master_user_password");
    expect(JSON.stringify(found)).not.toContain("changeme-now");
  });

  it("fails a password short enough that no other rule counts it as a credential", () => {
    expect(run(rule, tf({ "aws_rds_cluster.c": { master_password: "admin" } }))).toHaveLength(1);
  });

  it("fails a password given through a variable's default or a local, and says which expression", () => {
    const json = tf(
      { "aws_db_instance.a": { password: "${var.db_password}" }, "aws_redshift_cluster.r": { master_password: "${local.pw}" } },
      { variable: { db_password: { default: "hunter2hunter2", sensitive: true } }, locals: { pw: "Redshift-Pw-1" } },
    );
    const found = run(rule, json);
    expect(found.map((f) => f.principal).sort()).toEqual(["aws_db_instance.a", "aws_redshift_cluster.r"]);
    expect(found[0].message).toContain("`${var.db_password}`, which resolves to a value written in the configuration");
  });

  it("never shows literal text around a reference, which is part of the password", () => {
    const [f] = run(rule, tf({ "aws_db_instance.a": { password: "Hunter-${var.suffix}" } }, { variable: { suffix: { default: "2024-x" } } }));
    expect(f.message).toContain("(password: an expression of `${var.suffix}`, which resolves to a value written in the configuration");
    expect(JSON.stringify(f)).not.toContain("Hunter");
  });

  it("fails a literal write-only password (it is still in the source) and nested passwords (an MQ user's)", () => {
    const json = tf({
      "aws_db_instance.wo": { password_wo: "literal-write-only", password_wo_version: 1 },
      "aws_mq_broker.b": { user: [{ username: "admin", password: "mq-admin-password" }] },
      "aws_elasticache_user.u": { user_id: "app", user_name: "app", authentication_mode: [{ type: "password", passwords: ["redis-acl-password"] }] },
    });
    expect(run(rule, json).map((f) => f.principal).sort()).toEqual(["aws_db_instance.wo", "aws_elasticache_user.u", "aws_mq_broker.b"]);
  });

  // Red-team round 127, F3: every write-only (`_wo`) password argument of AWS provider 6 (and the two proposed
  // upstream), each with a literal: caught as its plain form is.
  const WRITE_ONLY: readonly (readonly [type: string, path: readonly string[]])[] = [
    ["aws_db_instance", ["password_wo"]],
    ["aws_rds_cluster", ["master_password_wo"]],
    ["aws_redshift_cluster", ["master_password_wo"]],
    ["aws_docdb_cluster", ["master_password_wo"]],
    ["aws_redshiftserverless_namespace", ["admin_user_password_wo"]],
    ["aws_elasticache_user", ["passwords_wo"]],
    ["aws_elasticache_replication_group", ["auth_token_wo"]],
    ["aws_opensearch_domain", ["advanced_security_options", "master_user_options", "master_user_password_wo"]],
    ["aws_directory_service_directory", ["password_wo"]],
    ["aws_fsx_windows_file_system", ["self_managed_active_directory", "password_wo"]],
  ];
  /** `{ a: [{ b: [{ c: value }] }] }` for the path a.b.c: nested blocks as JSON writes them. */
  const at = (path: readonly string[], value: unknown): Record<string, unknown> => (path.length === 1 ? { [path[0]]: value } : { [path[0]]: [at(path.slice(1), value)] });

  it.each(WRITE_ONLY)("fails a literal in %s's write-only %j, naming the argument", (type, path) => {
    const found = run(rule, tf({ [`${type}.x`]: { ...at(path, "Lak3house-Adm1n-2025!"), [`${path[path.length - 1]}_version`]: 1 } }));
    expect(found.map((f) => [f.principal, f.severity])).toEqual([[`${type}.x`, "error"]]);
    expect(found[0].evidence[0].detail).toBe(`${type}.${path.join(".")} written in the configuration`);
    expect(JSON.stringify(found)).not.toContain("Lak3house");
  });

  it.each(WRITE_ONLY)("control: %s's write-only %j from an ephemeral password or an unset variable passes", (type, path) => {
    const json = tf(
      { [`${type}.x`]: at(path, "${ephemeral.random_password.p.result}"), [`${type}.y`]: at(path, "${var.pw}") },
      { variable: { pw: { sensitive: true, ephemeral: true } }, ephemeral: { random_password: { p: { length: 32 } } } },
    );
    expect(run(rule, json)).toEqual([]);
  });

  it("the database table lists every write-only password argument above that a database takes", () => {
    const databases = WRITE_ONLY.filter(([type]) => !["aws_directory_service_directory", "aws_fsx_windows_file_system"].includes(type));
    expect(PASSWORD_ARGUMENTS.filter(([, path]) => path[path.length - 1].endsWith("_wo"))).toEqual(expect.arrayContaining(databases.map(([t, p]) => [t, p])));
    expect(PASSWORD_ARGUMENTS.filter(([, path]) => path[path.length - 1].endsWith("_wo"))).toHaveLength(databases.length);
  });

  it("fails the plain Active Directory password of an FSx for Windows file system too", () => {
    const found = run(rule, tf({ "aws_fsx_windows_file_system.fs": { self_managed_active_directory: [{ domain_name: "corp.example.com", username: "svc-fsx", password: "Ad-Join-Pw-2025" }] } }));
    expect(found.map((f) => f.principal)).toEqual(["aws_fsx_windows_file_system.fs"]);
    expect(found[0].message).toContain("the password of the Active Directory account it joins the domain with");
  });

  it("passes passwords the configuration does not hold: generated, managed, an unset variable, a data source", () => {
    const json = tf(
      {
        "aws_db_instance.gen": { password: "${random_password.db.result}" },
        "aws_db_instance.managed": { manage_master_user_password: true },
        "aws_db_instance.given": { password: "${var.db_password}" },
        "aws_rds_cluster.read": { master_password: "${data.aws_secretsmanager_secret_version.db.secret_string}" },
        "random_password.db": { length: 32 },
        "data.aws_secretsmanager_secret_version.db": { secret_id: "db" },
        "aws_db_instance.empty": { password: "" },
      },
      { variable: { db_password: { sensitive: true } } },
    );
    expect(run(rule, json)).toEqual([]);
  });

  it("warns (an error with --strict) when lifecycle.ignore_changes covers the password: it may be a placeholder changed since", () => {
    const json = tf({ "aws_db_instance.a": { password: "placeholder-pw", lifecycle: { ignore_changes: ["password"] } } });
    const [f] = run(rule, json);
    expect(f.severity).toBe("warning");
    expect(f.message).toContain("may be a placeholder");
    expect(strict(json)[0].severity).toBe("error");
    const other = tf({ "aws_db_instance.a": { password: "placeholder-pw", lifecycle: { ignore_changes: ["tags"] } } });
    expect(run(rule, other)[0].severity).toBe("error");
  });
});

describe("credential-in-source: provider, backend and remote-state keys", () => {
  it("fails a provider given a literal key, naming the key id (not secret) and never the secret key", () => {
    const found = run(rule, tf({}, { provider: { aws: [{ region: "eu-west-1", access_key: KEY_ID, secret_key: SECRET }] } }));
    expect(found).toHaveLength(1);
    expect(found[0].principal).toBe("provider.aws");
    expect(found[0].actions).toEqual(["*"]);
    expect(found[0].message).toContain(`provider "aws" is given an AWS access key in the configuration (access_key, secret_key); the key is ${KEY_ID}`);
    expect(JSON.stringify(found)).not.toContain(SECRET);
  });

  it("names an aliased provider; a session token alone signs nothing without its key's secret (round 116, F5)", () => {
    const found = run(rule, tf({}, { provider: { aws: [{ region: "eu-west-1" }, { alias: "prod", secret_key: SECRET, token: "${var.session}" }] }, variable: { session: { default: "IQoJb3JpZ2luX2VjEXAMPLE" } } }));
    expect(found.map((f) => f.principal)).toEqual(["provider.aws.prod"]);
    expect(found[0].message).toContain('provider "aws" (alias "prod")');
    expect(run(rule, tf({}, { provider: { aws: [{ alias: "prod", token: "IQoJb3JpZ2luX2VjEXAMPLE" }] } }))).toEqual([]);
  });

  it("passes a provider whose keys come from outside (an access key id alone is no credential)", () => {
    const json = tf({}, { provider: { aws: [{ access_key: KEY_ID, secret_key: "${var.secret}" }] }, variable: { secret: {} } });
    expect(run(rule, json)).toEqual([]);
    expect(run(rule, tf({}, { provider: { aws: [{ region: "eu-west-1", profile: "ops" }], github: [{ owner: "acme" }] } }))).toEqual([]);
  });

  it("knows a provider by its required_providers source, not its local name, and reads other providers' tokens", () => {
    const json = tf(
      {},
      {
        terraform: { required_providers: { amazon: { source: "hashicorp/aws" }, cloud: { source: "hashicorp/tfe" } } },
        provider: { amazon: [{ secret_key: SECRET }], cloud: [{ token: "abc.atlasv1.EXAMPLE" }], github: [{ token: "ghp_EXAMPLEEXAMPLEEXAMPLEEXAMPLE0000" }] },
      },
    );
    const found = run(rule, json);
    expect(found.map((f) => [f.principal, f.severity])).toEqual([
      ["provider.amazon", "error"],
      ["provider.cloud", "error"],
      ["provider.github", "error"],
    ]);
    expect(found[0].message).toContain('provider "amazon" is given an AWS access key');
    expect(found[1].message).toContain("a Terraform Cloud token");
    expect(found[2].message).toContain("a credential of the github provider in the configuration (token)");
  });

  it("warns (an error with --strict) when the access key id is no AWS key id's shape: an emulator's or validate run's placeholder", () => {
    const localstack = { access_key: "test", secret_key: "test", skip_credentials_validation: true, endpoints: [{ s3: "http://localhost:4566" }] };
    const [f] = run(rule, tf({}, { provider: { aws: [localstack] } }));
    expect(f.severity).toBe("warning");
    expect(f.message).toContain("not the shape of an AWS key");
    expect(strict(tf({}, { provider: { aws: [localstack] } }))[0].severity).toBe("error");
    // A real key id stays an error whatever the endpoints and skip flags say (round 114, F1).
    const [real] = run(rule, tf({}, { provider: { aws: [{ ...localstack, access_key: KEY_ID, secret_key: SECRET, endpoints: [{ sts: "https://sts.eu-central-1.amazonaws.com" }] }] } }));
    expect(real.severity).toBe("error");
    // A secret key with no written id may pair with a real id from the environment.
    expect(run(rule, tf({}, { provider: { aws: [{ secret_key: "test" }] } }))[0].severity).toBe("error");
  });

  it("fails keys in the s3 backend, a Terraform Cloud token and a remote state's config", () => {
    const s3 = run(rule, tf({}, { terraform: { backend: { s3: { bucket: "state", key: "k", access_key: KEY_ID, secret_key: SECRET } } } }));
    expect(s3.map((f) => f.principal)).toEqual(["terraform.backend.s3"]);
    expect(s3[0].message).toContain("reads and writes the state");
    const cloud = run(rule, tf({}, { terraform: { cloud: { organization: "acme", token: "tfc-token-EXAMPLE" } } }));
    expect(cloud.map((f) => f.principal)).toEqual(["terraform.cloud"]);
    expect(cloud[0].message).toContain("a Terraform Cloud token");
    const remote = run(rule, tf({ "data.terraform_remote_state.net": { backend: "s3", config: { bucket: "state", key: "net", secret_key: SECRET } } }));
    expect(remote.map((f) => f.principal)).toEqual(["data.terraform_remote_state.net"]);
    expect(run(rule, tf({}, { terraform: { backend: { s3: { bucket: "state", key: "k" } } } }))).toEqual([]);
  });
});

describe("blastwall check: variable and backend files", () => {
  const main = 'variable "db_password" {\n  sensitive = true\n}\nresource "aws_db_instance" "main" {\n  password = var.db_password\n}\n';
  const findings = (stdout: string) =>
    (JSON.parse(stdout) as { findings: { ruleId: string; principal: string; message: string }[] }).findings.filter((f) => f.ruleId === "credential-in-source");

  it("does not count a value given with a --var-file outside the repository (CI's secret file)", async () => {
    const repo = tree({ "hcl/main.tf": main });
    const ci = tree({ "ci.tfvars": 'db_password = "from-ci-secret-store"\n' });
    const r = await runIn(["check", "--format", "json", "--var-file", `${ci}/ci.tfvars`, "hcl"], repo);
    expect(r.stderr).toBe("");
    expect(findings(r.stdout)).toEqual([]);
  });

  it("counts a value from terraform.tfvars, and from a --var-file inside the working directory", async () => {
    const auto = tree({ "hcl/main.tf": main, "hcl/terraform.tfvars": 'db_password = "in-the-folder"\n' });
    const r = await runIn(["check", "--format", "json", "hcl"], auto);
    expect(r.code).toBe(1);
    expect(findings(r.stdout).map((f) => f.principal)).toEqual(["aws_db_instance.main"]);
    expect(r.stdout).not.toContain("in-the-folder");
    const given = tree({ "hcl/main.tf": main, "envs/prod.tfvars": 'db_password = "committed-pw"\n' });
    const r2 = await runIn(["check", "--format", "json", "--var-file", "envs/prod.tfvars", "hcl"], given);
    expect(findings(r2.stdout).map((f) => f.principal)).toEqual(["aws_db_instance.main"]);
  });

  it("counts a variable set in a tfvars file of the folder Terraform does not load by itself, naming the file", async () => {
    const dir = tree({ "hcl/main.tf": main, "hcl/prod.tfvars": 'db_password = "Sup3rSecretPassw0rd"\n' });
    const [f] = findings((await runIn(["check", "--format", "json", "hcl"], dir)).stdout);
    expect(f.principal).toBe("aws_db_instance.main");
    expect(f.message).toContain("set in prod.tfvars, a variable file of the configuration's folder");
    const empty = tree({ "hcl/main.tf": main, "hcl/prod.tfvars": 'other = "x"\n' });
    expect(findings((await runIn(["check", "--format", "json", "hcl"], empty)).stdout)).toEqual([]);
  });

  it("reads .tfbackend files of the folder, and names the file and line of a provider block (a module's as of the module)", async () => {
    const dir = tree({
      "hcl/main.tf": 'terraform {\n  backend "s3" {}\n}\nmodule "net" {\n  source = "./net"\n}\n',
      "hcl/prod.s3.tfbackend": `bucket = "state"\naccess_key = "${KEY_ID}"\nsecret_key = "${SECRET}"\n`,
      "hcl/net/main.tf": `provider "aws" {\n  region = "eu-west-1"\n  secret_key = "${SECRET}"\n}\n`,
    });
    const r = await runIn(["check", "--format", "json", "hcl"], dir);
    const report = JSON.parse(r.stdout) as { findings: { ruleId: string; principal: string; message: string; evidence: { location?: string }[] }[] };
    const found = report.findings.filter((f) => f.ruleId === "credential-in-source");
    expect(found.map((f) => f.principal).sort()).toEqual(["prod.s3.tfbackend", "provider.aws.module.net"]);
    const module = found.find((f) => f.principal === "provider.aws.module.net")!;
    expect(module.message).toContain('provider "aws" of module.net');
    expect(module.evidence[0].location).toMatch(/hcl\/net\/main\.tf:1$/);
    expect(r.stdout).not.toContain(SECRET);
  });
});

describe("credential-in-source after round 115", () => {
  const findings = (stdout: string) =>
    (JSON.parse(stdout) as { findings: { ruleId: string; principal: string; message: string }[] }).findings.filter((f) => f.ruleId === "credential-in-source");

  it("counts a --var-file anywhere in the repository, whichever folder blastwall runs from (F2)", async () => {
    const repo = tree({
      ".git/HEAD": "ref: refs/heads/main\n",
      "infra/main.tf": 'variable "sk" {}\nprovider "aws" {\n  secret_key = var.sk\n}\n',
      "envs/prod.tfvars": `sk = "${SECRET}"\n`,
    });
    const r = await runIn(["check", "--format", "json", "--var-file", "../envs/prod.tfvars", "."], `${repo}/infra`);
    expect(findings(r.stdout).map((f) => f.principal)).toEqual(["provider.aws"]);
  });

  it("reads backend configuration under any name: backend.hcl, a .tfvars beside a backend block, one folder down (F3)", async () => {
    const key = `access_key = "${KEY_ID}"\nsecret_key = "${SECRET}"\n`;
    const main = 'terraform {\n  backend "s3" {}\n}\n';
    for (const file of ["backend.hcl", "backend.tfvars", "backend/prod.tfbackend"]) {
      const r = await runIn(["check", "--format", "json", "hcl"], tree({ "hcl/main.tf": main, [`hcl/${file}`]: key }));
      expect([file, findings(r.stdout).map((f) => f.principal)]).toEqual([file, [file]]);
    }
    // A .tfvars file is a backend's only beside a backend block.
    const r = await runIn(["check", "--format", "json", "hcl"], tree({ "hcl/main.tf": 'resource "aws_sns_topic" "t" {}\n', "hcl/backend.tfvars": key }));
    expect(findings(r.stdout)).toEqual([]);
  });

  it("reads backend files named .conf and three folders down, and subfolders' tfvars (round 116, F3)", async () => {
    const key = `access_key = "${KEY_ID}"\nsecret_key = "${SECRET}"\n`;
    const main = 'terraform {\n  backend "s3" {}\n}\n';
    for (const file of ["backend.conf", "envs/prod/backend.hcl", "backend/prod.tfvars"]) {
      const r = await runIn(["check", "--format", "json", "hcl"], tree({ "hcl/main.tf": main, [`hcl/${file}`]: key }));
      expect([file, findings(r.stdout).map((f) => f.principal)]).toEqual([file, [file]]);
    }
    const pw = tree({ "hcl/main.tf": 'variable "db_password" {}\nresource "aws_db_instance" "main" {\n  password = var.db_password\n}\n', "hcl/envs/prod.tfvars": 'db_password = "Sup3rSecretPassw0rd"\n' });
    const [f] = findings((await runIn(["check", "--format", "json", "hcl"], pw)).stdout);
    expect(f.message).toContain("set in envs/prod.tfvars");
  });

  it("control: a tfvars file setting declared variables, and Packer's files, are no backend configuration (round 116, F5)", async () => {
    const main = 'terraform {\n  backend "s3" {}\n}\nvariable "token" {}\nvariable "secret_key" {\n  default = null\n}\nresource "aws_ssm_parameter" "release" {\n  name = "/release"\n  type = "String"\n  value = var.token\n}\n';
    const files = {
      "hcl/main.tf": main,
      "hcl/staging.tfvars": `token = "release-2024-11"\nsecret_key = "${SECRET}"\n`,
      "hcl/packer/variables.pkrvars.hcl": `token = "release-2024-11"\nsecret_key = "${SECRET}"\n`,
      "hcl/packer/build.pkr.hcl": `secret_key = "${SECRET}"\n`,
    };
    const r = await runIn(["check", "--format", "json", "hcl"], tree(files));
    expect(findings(r.stdout)).toEqual([]);
  });

  it("control: a module folder's own tfvars and backend files are that configuration's, not the checked folder's (round 117, F3)", async () => {
    const dir = tree({
      "hcl/main.tf": 'terraform {\n  backend "remote" {}\n}\nmodule "vault" {\n  source = "./modules/vault"\n}\n',
      "hcl/modules/vault/main.tf": 'variable "token" {}\nresource "aws_ssm_parameter" "t" {\n  name = "/t"\n  type = "String"\n  value = var.token\n}\n',
      "hcl/modules/vault/terraform.tfvars": 'token = "module-default-EXAMPLE"\n',
    });
    expect(findings((await runIn(["check", "--format", "json", "hcl"], dir)).stdout)).toEqual([]);
  });

  it("reads Google's credentials when they are the key's contents, private keys, and blocks nested in a provider (F4)", () => {
    const json = tf(
      {},
      {
        provider: {
          google: [{ credentials: '{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----EXAMPLE"}' }],
          mongodbatlas: [{ public_key: "pub", private_key: "priv-EXAMPLE" }],
          helm: [{ kubernetes: [{ host: "https://k8s.example.com", token: "eyJhbGciOiJSUzI1NiJ9.EXAMPLE" }] }],
        },
      },
    );
    const found = run(rule, json);
    expect(found.map((f) => f.principal).sort()).toEqual(["provider.google", "provider.helm", "provider.mongodbatlas"]);
    expect(found.find((f) => f.principal === "provider.helm")!.message).toContain("(kubernetes.token)");
    // A path names a key file blastwall does not read.
    expect(run(rule, tf({}, { provider: { google: [{ credentials: "keys/ci.json" }] } }))).toEqual([]);
  });

  it("reads a field of an object variable set in a tfvars file of the folder (F5)", async () => {
    const dir = tree({
      "hcl/main.tf": 'variable "creds" {}\nprovider "aws" {\n  secret_key = var.creds.secret\n}\n',
      "hcl/prod.tfvars": `creds = { id = "${KEY_ID}", secret = "${SECRET}" }\n`,
    });
    const [f] = findings((await runIn(["check", "--format", "json", "hcl"], dir)).stdout);
    expect(f.principal).toBe("provider.aws");
    expect(f.message).toContain("set in prod.tfvars");
  });

  it("knows a module's provider by the module's own required_providers, and reads directory and Glue connection passwords (F9)", async () => {
    const dir = tree({
      "hcl/main.tf": 'module "m" {\n  source = "./m"\n}\n',
      "hcl/m/main.tf": `terraform {\n  required_providers {\n    amazon = { source = "hashicorp/aws" }\n  }\n}\nprovider "amazon" {\n  access_key = "${KEY_ID}"\n  secret_key = "${SECRET}"\n}\n`,
    });
    const [f] = findings((await runIn(["check", "--format", "json", "hcl"], dir)).stdout);
    expect(f.message).toContain(`is given an AWS access key in the configuration (access_key, secret_key); the key is ${KEY_ID}`);
    const others = run(rule, tf({
      "aws_directory_service_directory.ad": { name: "corp.example.com", password: "Directory-Admin-1", size: "Small" },
      "aws_glue_connection.db": { name: "db", connection_properties: { JDBC_CONNECTION_URL: "jdbc:postgresql://db:5432/app", USERNAME: "app", PASSWORD: "glue-db-password" } },
    }));
    expect(others.map((x) => x.principal).sort()).toEqual(["aws_directory_service_directory.ad", "aws_glue_connection.db"]);
    expect(others.find((x) => x.principal === "aws_directory_service_directory.ad")!.message).toContain("the directory's admin password");
  });
});

describe("blastwall gate: a plan's values are all resolved, so the rule is not run there", () => {
  it("does not report a password the plan was given as a variable", async () => {
    const plan = keyPlan({}, [
      { address: "aws_db_instance.db", mode: "managed", values: { password: "from-the-ci-secret" }, unknown: {}, expressions: { password: refs("var.db_password") } },
    ]);
    const dir = tree({ "plan.json": JSON.stringify(plan) });
    const r = await runIn(["gate", "--format", "json", "plan.json"], dir);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toHaveProperty("findings");
    expect(r.stdout).not.toContain("credential-in-source");
  });
});

describe("credential-in-source: files of the repository the configuration names", () => {
  const findings = (stdout: string) =>
    (JSON.parse(stdout) as { findings: { ruleId: string; principal: string; severity: string; message: string }[] }).findings.filter((f) => f.ruleId === "credential-in-source");
  const check = async (files: Record<string, string>, path = "hcl") => {
    const root = tree({ ".git/HEAD": "ref: refs/heads/main\n", ...files });
    const r = await runIn(["check", "--format", "json", path], root);
    expect(r.stderr).toBe("");
    return { root, found: findings(r.stdout), stdout: r.stdout };
  };
  const CREDS = `[default]\naws_access_key_id = ${KEY_ID}\n\n[ci]\n  AWS_Secret_Access_Key=${SECRET}\n`;
  const PEM = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAEXAMPLE\n-----END OPENSSH PRIVATE KEY-----\n";
  const SA_KEY = JSON.stringify({ type: "service_account", client_email: "ci@example.iam.gserviceaccount.com", private_key: `-----BEGIN PRIVATE KEY-----\nMIIEXAMPLE\n-----END PRIVATE KEY-----\n` });

  it("fails an AWS provider whose shared credentials or config file in the repository holds a secret key, naming file and profiles, never the key", async () => {
    const { found, stdout } = await check({
      "hcl/main.tf": 'provider "aws" {\n  shared_credentials_files = ["creds/ci"]\n}\nprovider "aws" {\n  alias = "ops"\n  shared_config_files = ["../aws-config"]\n}\n',
      "hcl/creds/ci": CREDS,
      "aws-config": `[default]\nregion = eu-west-1\n[profile ops]\naws_secret_access_key   :   ${SECRET}\n[profile admin]\n\taws_secret_access_key=${SECRET}\n`,
    });
    expect(found.map((f) => [f.principal, f.severity])).toEqual([
      ["provider.aws", "error"],
      ["provider.aws.ops", "error"],
    ]);
    expect(found[0].message).toContain('provider "aws" is given an AWS access key from hcl/creds/ci, a file in the repository (shared_credentials_files), which holds an AWS secret access key (profile ci)');
    expect(found[1].message).toContain("from aws-config, a file in the repository (shared_config_files), which holds an AWS secret access key (profiles ops, admin)");
    expect(stdout).not.toContain(SECRET);
  });

  it("fails the s3 backend's older shared_credentials_file, a remote state's, and a backend file's", async () => {
    const { found } = await check({
      "hcl/main.tf":
        'terraform {\n  backend "s3" {\n    bucket = "state"\n    shared_credentials_file = "../creds"\n  }\n}\n' +
        'data "terraform_remote_state" "net" {\n  backend = "s3"\n  config = {\n    bucket = "state"\n    shared_credentials_files = ["${path.module}/../creds"]\n  }\n}\n',
      "hcl/prod.s3.tfbackend": 'shared_credentials_files = ["creds.ini"]\n',
      "hcl/creds.ini": CREDS,
      creds: CREDS,
    });
    expect(found.map((f) => f.principal).sort()).toEqual(["data.terraform_remote_state.net", "prod.s3.tfbackend", "terraform.backend.s3"]);
    expect(found.find((f) => f.principal === "terraform.backend.s3")!.message).toContain("from creds, a file in the repository (shared_credentials_file)");
    expect(found.find((f) => f.principal === "prod.s3.tfbackend")!.message).toContain("from hcl/creds.ini");
  });

  it("control: a file not there, in the home folder or the environment, outside the repository, or holding no secret key passes", async () => {
    const outside = tree({ credentials: CREDS });
    const { found } = await check({
      "hcl/main.tf": [
        ["gone", "missing/credentials"],
        ["home", "~/.aws/credentials"],
        ["env", "$HOME/.aws/credentials"],
        ["abs", `${outside}/credentials`],
        ["up", "../../credentials"],
        ["nokey", "ids"],
      ].map(([alias, path]) => `provider "aws" {\n  alias = "${alias}"\n  shared_credentials_files = ["${path}"]\n}\n`).join(""),
      "hcl/ids": `[default]\naws_access_key_id = ${KEY_ID}\n# aws_secret_access_key = ${SECRET}\naws_secret_access_key =\n`,
    });
    expect(found).toEqual([]);
  });

  it("warns, failing closed, about a named file of the repository blastwall cannot read: a link leading out, a directory", async () => {
    const outside = tree({ credentials: CREDS });
    const root = tree({
      ".git/HEAD": "ref: refs/heads/main\n",
      "hcl/main.tf": 'provider "aws" {\n  shared_credentials_files = ["linked", "creds.d"]\n}\n',
      "hcl/creds.d/x": "",
    });
    symlinkSync(`${outside}/credentials`, `${root}/hcl/linked`);
    const found = findings((await runIn(["check", "--format", "json", "hcl"], root)).stdout);
    expect(found.map((f) => f.severity)).toEqual(["warning", "warning"]);
    // Both findings are of one rule and block: the report orders them by their text.
    const [dir, link] = found.map((f) => f.message);
    expect(link).toContain("names hcl/linked, a file in the repository (shared_credentials_files), which blastwall could not read: it is a symbolic link leading out of the repository");
    expect(dir).toContain("names hcl/creds.d");
    // A link inside the repository is read through.
    const inside = tree({ ".git/HEAD": "ref: refs/heads/main\n", "hcl/main.tf": 'provider "aws" {\n  shared_credentials_files = ["linked"]\n}\n', "secrets/creds": CREDS });
    symlinkSync(`${inside}/secrets/creds`, `${inside}/hcl/linked`);
    const [f] = findings((await runIn(["check", "--format", "json", "hcl"], inside)).stdout);
    expect([f.severity, f.message]).toEqual(["error", expect.stringContaining("from hcl/linked")]);
  });

  it("fails key files other providers and connections read with file() in Terraform JSON (cdktf), naming the file", async () => {
    const stack = {
      provider: {
        google: [{ credentials: '${file("keys/ci.json")}' }],
        mongodbatlas: [{ private_key: '${file("${path.module}/keys/atlas.pem")}' }],
        aws: [{ shared_credentials_files: ["${path.module}/keys/credentials"] }],
      },
      resource: { aws_instance: { i: { ami: "ami-1", connection: { type: "ssh", host: "h", private_key: '${file("keys/id_ed25519")}' } } } },
    };
    const dir = "cdktf.out/stacks/app";
    const { found, stdout } = await check(
      { [`${dir}/cdk.tf.json`]: JSON.stringify(stack), [`${dir}/keys/ci.json`]: SA_KEY, [`${dir}/keys/credentials`]: CREDS, [`${dir}/keys/atlas.pem`]: PEM, [`${dir}/keys/id_ed25519`]: PEM },
      `${dir}/cdk.tf.json`,
    );
    expect(found.map((f) => [f.principal, f.severity])).toEqual([
      ["aws_instance.i", "error"],
      ["provider.aws", "error"],
      ["provider.google", "error"],
      ["provider.mongodbatlas", "error"],
    ]);
    expect(found[2].message).toContain(`is given a credential of the google provider from ${dir}/keys/ci.json, a file in the repository (credentials: \`\${file("keys/ci.json")}\`), which holds a private key`);
    expect(found[0].message).toContain(`a private key to log in to a host`);
    expect(stdout).not.toContain("MIIEXAMPLE");
  });

  it("control: a file() of a file holding no private key (a public key), or of no file, passes", async () => {
    const stack = {
      provider: { google: [{ credentials: '${file("keys/missing.json")}' }] },
      resource: { aws_instance: { i: { ami: "ami-1", connection: { type: "ssh", host: "h", private_key: '${file("keys/id.pub")}' } } } },
    };
    const { found } = await check({ "s/cdk.tf.json": JSON.stringify(stack), "s/keys/id.pub": "ssh-ed25519 AAAAC3EXAMPLE ci@example\n" }, "s/cdk.tf.json");
    expect(found).toEqual([]);
  });

  it("reads Google's credentials path and a connection's key in HCL (the reader puts a file()'s text in place); a key from outside passes", async () => {
    const { found } = await check({
      "hcl/main.tf":
        'provider "google" {\n  credentials = "keys/ci.json"\n}\nresource "null_resource" "n" {\n  provisioner "remote-exec" {\n    inline = ["true"]\n    connection {\n      host = "h"\n      private_key = file("id_ed25519")\n    }\n  }\n}\n',
      "hcl/keys/ci.json": SA_KEY,
      "hcl/id_ed25519": PEM,
    });
    expect(found.map((f) => f.principal)).toEqual(["null_resource.n", "provider.google"]);
    expect(found[1].message).toContain("from hcl/keys/ci.json, a file in the repository (credentials)");
    expect(found[0].message).toContain("is given a private key to log in to a host (with it, its holder acts as the host may) from hcl/id_ed25519, a file in the repository (connection.private_key: file())");
    const control = await check({
      "hcl/main.tf":
        'variable "key" {}\nprovider "google" {\n  credentials = "keys/gone.json"\n}\nresource "null_resource" "n" {\n  connection {\n    host = "h"\n    private_key = var.key\n  }\n}\n',
    });
    expect(control.found).toEqual([]);
  });
});

describe("credential-in-source: HCL file() of a key outside the repository", () => {
  const findings = (stdout: string) =>
    (JSON.parse(stdout) as { findings: { ruleId: string; principal: string; severity: string; message: string }[] }).findings.filter((f) => f.ruleId === "credential-in-source");
  const PEM = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAEXAMPLE\n-----END OPENSSH PRIVATE KEY-----\n";
  const SA_KEY = JSON.stringify({ type: "service_account", client_email: "ci@example.iam.gserviceaccount.com", private_key: "-----BEGIN PRIVATE KEY-----\nMIIEXAMPLE\n-----END PRIVATE KEY-----\n" });
  const hcl = (keyPath: string, saPath: string) =>
    `provider "google" {\n  credentials = file("${saPath}")\n}\nresource "null_resource" "n" {\n  connection {\n    host = "h"\n    private_key = file("${keyPath}")\n  }\n}\n`;

  it("passes a key read from outside the repository (~/.ssh, a CI runner's folder): the reader put its text in place, but it is not in the configuration", async () => {
    const home = tree({ ".ssh/id_ed25519": PEM, "gcp.json": SA_KEY });
    const root = tree({ ".git/HEAD": "ref: refs/heads/main\n", "hcl/main.tf": hcl(join(home, ".ssh/id_ed25519"), join(home, "gcp.json")) });
    const r = await runIn(["check", "--format", "json", "hcl"], root);
    expect(findings(r.stdout)).toEqual([]);
  });

  it("control: the same keys in the repository, named by an absolute path, fail and name the files", async () => {
    const root = tree({ ".git/HEAD": "ref: refs/heads/main\n", "keys/id_ed25519": PEM, "keys/gcp.json": SA_KEY });
    writeFileSync(join(root, "main.tf"), hcl(join(root, "keys/id_ed25519"), join(root, "keys/gcp.json")));
    const found = findings((await runIn(["check", "--format", "json", "."], root)).stdout);
    expect(found.map((f) => [f.principal, f.severity])).toEqual([
      ["null_resource.n", "error"],
      ["provider.google", "error"],
    ]);
    expect(found[0].message).toContain("from keys/id_ed25519, a file in the repository");
  });
});

describe("credential-in-source: a credentials file a backend file names (red-team round 123 F3)", () => {
  const findings = (stdout: string) =>
    (JSON.parse(stdout) as { findings: { ruleId: string; severity: string; file: string; line?: number; message: string }[] }).findings.filter((f) => f.ruleId === "credential-in-source");
  const repo = (creds: string) =>
    tree({
      ".git/HEAD": "ref: refs/heads/main\n",
      "main.tf": 'terraform {\n  backend "s3" {}\n}\n',
      "test/localstack/backend.hcl": 'bucket = "state"\nshared_credentials_files = ["test/localstack/credentials"]\n',
      "test/localstack/credentials": creds,
    });

  it("a LocalStack-style file (key id not an AWS key's shape) is a warning, as the same key written inline is; an error with --strict", async () => {
    const root = repo("[default]\naws_access_key_id = test\naws_secret_access_key = test\n");
    const found = findings((await runIn(["check", "--format", "json", "."], root)).stdout);
    // The finding is located at the backend file (it was the folder, `.`, which code scanning pins on no file).
    expect(found.map((f) => [f.severity, f.file.endsWith("/test/localstack/backend.hcl") || f.file === "test/localstack/backend.hcl", f.line])).toEqual([["warning", true, 1]]);
    expect(found[0].message).toContain("Its access key id is not the shape of an AWS key");
    expect(findings((await runIn(["check", "--strict", "--format", "json", "."], root)).stdout).map((f) => f.severity)).toEqual(["error"]);
  });

  it("controls: a real-shaped key id, or a profile with a secret and no key id, is an error", async () => {
    for (const creds of [`[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`, `[default]\naws_access_key_id = test\naws_secret_access_key = test\n[ci]\naws_secret_access_key = ${SECRET}\n`]) {
      const found = findings((await runIn(["check", "--format", "json", "."], repo(creds))).stdout);
      expect(found.map((f) => f.severity)).toEqual(["error"]);
    }
  });
});

describe("awsSecretProfiles / holdsPrivateKey", () => {
  it("finds the profiles with a secret key, however the key is written, and private keys", () => {
    expect(awsSecretProfiles(`aws_secret_access_key=x\n[a]\nAWS_SECRET_ACCESS_KEY = y\n[ profile b ]\n  aws_secret_access_key\t=\tz\r\n[c]\n;aws_secret_access_key = n\naws_secret_access_key = \n`)).toEqual(["(no profile)", "a", "b"]);
    expect(holdsPrivateKey("-----BEGIN RSA PRIVATE KEY-----\n")).toBe(true);
    expect(holdsPrivateKey('{"private_key": "-----"}')).toBe(true);
    expect(holdsPrivateKey("-----BEGIN PUBLIC KEY-----\n")).toBe(false);
  });
});
