/**
 * Red-team round 106 (A4 to A6, B1): database passwords and CA keys that credential-in-configuration missed (the
 * certificate resources' own key arguments, whole objects, the RDS-managed secret read back, the admin passwords of
 * more data services), and a literal password matched inside unrelated text.
 */
import { agentRole, check, policy, tf } from "../helpers/tf";

const ID = "credential-in-configuration";
type Obj = Record<string, unknown>;
const found = (json: Obj) => check(json).findings.filter((f) => f.ruleId === ID);
const where = (json: Obj) => found(json).map((f) => `${f.resource} ${f.message.match(/in its (\w+) argument/)?.[1]}`);

const agent = {
  "aws_iam_role.agent": agentRole(),
  "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: ["ssm:ListTagsForResource", "cloudwatch:GetDashboard"], Resource: "*" }) },
};
const tagged = (value: string) => ({ "aws_ssm_parameter.p": { name: "/orders/endpoint", type: "String", value: "x", tags: { auth: value } } });

/** A CA made with the tls provider, an anchor trusting `anchorCert`, and a profile serving an administrator. */
function caStack(extra: Record<string, Obj>, anchorCert = "${tls_self_signed_cert.ca.cert_pem}"): Obj {
  return tf({
    ...agent,
    "tls_private_key.ca": { algorithm: "ECDSA", ecdsa_curve: "P256" },
    "tls_private_key.int": { algorithm: "ECDSA", ecdsa_curve: "P256" },
    "tls_private_key.leaf": { algorithm: "ECDSA", ecdsa_curve: "P256" },
    "tls_self_signed_cert.ca": { private_key_pem: "${tls_private_key.ca.private_key_pem}", is_ca_certificate: true, validity_period_hours: 8760, allowed_uses: ["cert_signing"], subject: [{ common_name: "ca" }] },
    "tls_cert_request.int": { private_key_pem: "${tls_private_key.int.private_key_pem}", subject: [{ common_name: "int" }] },
    "tls_locally_signed_cert.int": { cert_request_pem: "${tls_cert_request.int.cert_request_pem}", ca_private_key_pem: "${tls_private_key.ca.private_key_pem}", ca_cert_pem: "${tls_self_signed_cert.ca.cert_pem}", is_ca_certificate: true, validity_period_hours: 8760, allowed_uses: ["cert_signing"] },
    "tls_cert_request.leaf": { private_key_pem: "${tls_private_key.leaf.private_key_pem}", subject: [{ common_name: "job" }] },
    "tls_locally_signed_cert.leaf": { cert_request_pem: "${tls_cert_request.leaf.cert_request_pem}", ca_private_key_pem: "${tls_private_key.int.private_key_pem}", ca_cert_pem: "${tls_locally_signed_cert.int.cert_pem}", validity_period_hours: 24, allowed_uses: ["client_auth"] },
    "aws_rolesanywhere_trust_anchor.onprem": { name: "onprem", enabled: true, source: [{ source_type: "CERTIFICATE_BUNDLE", source_data: [{ x509_certificate_data: anchorCert }] }] },
    "aws_iam_role.ops": { name: "onprem-ops", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "rolesanywhere.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }) },
    "aws_iam_role_policy_attachment.ops": { role: "${aws_iam_role.ops.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
    "aws_rolesanywhere_profile.ops": { name: "ops", enabled: true, role_arns: ["${aws_iam_role.ops.arn}"] },
    ...extra,
  });
}
const dashboard = (value: string) => ({ "aws_cloudwatch_dashboard.pki": { dashboard_name: "pki", dashboard_body: `\${jsonencode({ widgets = [{ type = "text", properties = { markdown = "CA:\\n${value}" } }] })}` } });
const INTERMEDIATE = "${tls_locally_signed_cert.int.cert_pem}";

describe("A5: every attribute of the tls resources that holds the CA's key is the key", () => {
  test("the self-signed certificate's private_key_pem, and a certificate the root signs (its ca_private_key_pem)", () => {
    expect(found(caStack(dashboard("${tls_self_signed_cert.ca.private_key_pem}"))).map((f) => f.message)).toEqual([
      expect.stringMatching(/aws_cloudwatch_dashboard\.pki holds the private key of the CA behind aws_rolesanywhere_trust_anchor\.onprem \(tls_private_key\.ca\) in its dashboard_body argument/),
    ]);
    expect(where(caStack(tagged("${tls_locally_signed_cert.int.ca_private_key_pem}")))).toEqual(["aws_ssm_parameter.p tags"]);
  });

  test("an intermediate anchor: its certificate request's private_key_pem, and what the intermediate signs", () => {
    expect(where(caStack(dashboard("${tls_cert_request.int.private_key_pem}"), INTERMEDIATE))).toEqual(["aws_cloudwatch_dashboard.pki dashboard_body"]);
    expect(where(caStack(tagged("${tls_locally_signed_cert.leaf.ca_private_key_pem}"), INTERMEDIATE))).toEqual(["aws_ssm_parameter.p tags"]);
  });

  test("a CA key blastwall cannot trace to a tls_private_key still counts by the argument that echoes it", () => {
    const json = caStack(dashboard("${tls_self_signed_cert.ca.private_key_pem}"));
    ((json.resource as Obj).tls_self_signed_cert as Record<string, Obj>).ca.private_key_pem = "${file(\"ca.key\")}";
    expect(where(json)).toEqual(["aws_cloudwatch_dashboard.pki dashboard_body"]);
  });

  test("controls: certificates, the root's key behind an intermediate anchor, a leaf's own key", () => {
    expect(found(caStack(dashboard("${tls_self_signed_cert.ca.cert_pem}")))).toEqual([]);
    expect(found(caStack(dashboard("${tls_cert_request.int.cert_request_pem}"), INTERMEDIATE))).toEqual([]);
    // A certificate signed by the root does not chain to an anchor that holds only the intermediate.
    expect(found(caStack(dashboard("${tls_locally_signed_cert.int.ca_private_key_pem}"), INTERMEDIATE))).toEqual([]);
    expect(found(caStack(dashboard("${tls_cert_request.leaf.private_key_pem}")))).toEqual([]);
  });
});

describe("A4, A5: a secret's resource named as a whole object holds the secret", () => {
  test("jsonencode and lookup of the key's object; another attribute picked is no key", () => {
    expect(where(caStack(dashboard("${jsonencode(tls_private_key.ca)}")))).toEqual(["aws_cloudwatch_dashboard.pki dashboard_body"]);
    expect(where(caStack(dashboard('${lookup(tls_private_key.ca, "private_key_pem", "")}')))).toEqual(["aws_cloudwatch_dashboard.pki dashboard_body"]);
    expect(found(caStack(dashboard('${lookup(tls_private_key.ca, "public_key_pem", "")}')))).toEqual([]);
    expect(found(caStack(dashboard("${tls_private_key.ca.public_key_pem}")))).toEqual([]);
  });

  const db = (extra: Record<string, Obj>) =>
    tf({ ...agent, "random_password.db": { length: 32 }, "aws_db_instance.orders": { identifier: "orders", engine: "postgres", instance_class: "db.t4g.micro", username: "app", password: "${random_password.db.result}" }, ...extra });

  test("a database password: the generated password's object, the database's object", () => {
    expect(where(db(tagged("${jsonencode(random_password.db)}")))).toEqual(["aws_ssm_parameter.p tags"]);
    expect(where(db(tagged('${lookup(random_password.db, "result", "")}')))).toEqual(["aws_ssm_parameter.p tags"]);
    expect(where(db(tagged("${jsonencode(aws_db_instance.orders)}")))).toEqual(["aws_ssm_parameter.p tags"]);
    expect(where(db(tagged("${random_password.db[0]}")))).toEqual(["aws_ssm_parameter.p tags"]);
  });

  test("controls: another attribute, a lookup of another attribute", () => {
    expect(found(db(tagged("${aws_db_instance.orders.endpoint}")))).toEqual([]);
    expect(found(db(tagged('${lookup(random_password.db, "id", "")}')))).toEqual([]);
    expect(found(db(tagged("${random_password.db.bcrypt_hash}")))).toEqual([]);
  });
});

describe("A6: the admin passwords of more data services", () => {
  const service: Record<string, Obj> = {
    "aws_timestreaminfluxdb_db_instance.db": { name: "metrics", allocated_storage: 20, bucket: "b", db_instance_type: "db.influx.medium", organization: "o", username: "admin", password: "${var.pw}" },
    "aws_timestreaminfluxdb_db_cluster.db": { name: "metrics", allocated_storage: 20, bucket: "b", db_instance_type: "db.influx.medium", organization: "o", username: "admin", password: "${var.pw}" },
    "aws_fsx_ontap_file_system.fs": { storage_capacity: 1024, subnet_ids: ["subnet-1"], deployment_type: "SINGLE_AZ_1", throughput_capacity: 128, fsx_admin_password: "${var.pw}" },
    "aws_fsx_ontap_storage_virtual_machine.svm": { name: "svm1", file_system_id: "fs-1", svm_admin_password: "${var.pw}" },
    "aws_mq_broker.mq": { broker_name: "jobs", engine_type: "RabbitMQ", host_instance_type: "mq.m5.large", user: [{ username: "app", password: "${var.other}" }, { username: "admin", password: "${var.pw}" }] },
    "aws_dms_endpoint.src": { endpoint_id: "src", endpoint_type: "source", engine_name: "postgres", username: "postgres", password: "${var.pw}" },
  };
  const vars = { variable: { pw: { type: "string", sensitive: true }, other: { type: "string" } } };

  test.each(Object.keys(service))("%s: its password in a parameter's tags is an error naming it", (address) => {
    const f = found(tf({ ...agent, [address]: service[address], ...tagged("${var.pw}") }, vars));
    expect(f.map((x) => x.message)).toEqual([expect.stringMatching(new RegExp(`aws_ssm_parameter\\.p holds the master password of ${address.replace(".", "\\.")} in its tags`))]);
  });

  test("controls: the password only in the service's own argument, and a value no service takes", () => {
    for (const address of Object.keys(service)) expect(found(tf({ ...agent, [address]: service[address], ...tagged("${var.unrelated}") }, vars))).toEqual([]);
  });

  test("the password in a store the agent reads is agent-database-password's", () => {
    const json = tf(
      {
        "aws_iam_role.agent": agentRole(),
        "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "ssm:GetParameter", Resource: "*" }) },
        "aws_fsx_ontap_file_system.fs": service["aws_fsx_ontap_file_system.fs"],
        "aws_ssm_parameter.pw": { name: "/fsx/admin", type: "SecureString", value: "${var.pw}" },
      },
      vars,
    );
    expect(check(json).findings.filter((f) => f.ruleId === "agent-database-password").map((f) => f.resource)).toEqual(["aws_fsx_ontap_file_system.fs"]);
  });
});

describe("A4: the secret RDS manages a master password in, read back by a data source", () => {
  const managed = (extra: Record<string, Obj>, more: Obj = {}) =>
    tf({ ...agent, "aws_db_instance.orders": { identifier: "orders", engine: "postgres", instance_class: "db.t4g.micro", username: "app", manage_master_user_password: true }, ...extra }, more);
  const read = (secretId: string, type = "aws_secretsmanager_secret_version") => ({ [`data.${type}.db`]: { secret_id: secretId } });
  const VALUE = '${jsondecode(data.aws_secretsmanager_secret_version.db.secret_string).password}';

  test("by the instance's master_user_secret, directly and through a local: an error naming the database", () => {
    expect(found(managed({ ...read("${aws_db_instance.orders.master_user_secret[0].secret_arn}"), ...tagged(VALUE) })).map((f) => f.message)).toEqual([
      expect.stringMatching(/aws_ssm_parameter\.p holds the master password of aws_db_instance\.orders in its tags argument/),
    ]);
    expect(where(managed({ ...read("${local.db_secret}"), ...tagged(VALUE) }, { locals: { db_secret: "${aws_db_instance.orders.master_user_secret[0].secret_arn}" } }))).toEqual(["aws_ssm_parameter.p tags"]);
  });

  test("through a data.aws_secretsmanager_secret, the plural data source, a literal rds! id, and Redshift's secret", () => {
    const viaSecret = { "data.aws_secretsmanager_secret.db": { arn: "${aws_db_instance.orders.master_user_secret[0].secret_arn}" }, ...read("${data.aws_secretsmanager_secret.db.id}") };
    expect(where(managed({ ...viaSecret, ...tagged(VALUE) }))).toEqual(["aws_ssm_parameter.p tags"]);
    expect(where(managed({ ...read("${aws_db_instance.orders.master_user_secret[0].secret_arn}", "aws_secretsmanager_secret_versions"), ...tagged("${jsonencode(data.aws_secretsmanager_secret_versions.db.versions)}") }))).toEqual(["aws_ssm_parameter.p tags"]);
    expect(where(managed({ ...read("rds!db-0a1b2c3d"), ...tagged(VALUE) }))).toEqual(["aws_ssm_parameter.p tags"]);
    const redshift = tf({ ...agent, "aws_redshift_cluster.dw": { cluster_identifier: "dw", node_type: "ra3.xlplus", master_username: "admin", manage_master_password: true }, ...read("${aws_redshift_cluster.dw.master_password_secret_arn}"), ...tagged(VALUE) });
    expect(found(redshift).map((f) => f.message)).toEqual([expect.stringMatching(/master password of aws_redshift_cluster\.dw/)]);
  });

  test("in a store the agent reads: agent-database-password", () => {
    const json = managed({ ...read("${aws_db_instance.orders.master_user_secret[0].secret_arn}"), "aws_ssm_parameter.copy": { name: "/orders/pw", type: "SecureString", value: VALUE } });
    ((json.resource as Obj).aws_iam_role_policy as Record<string, Obj>).agent.policy = policy({ Effect: "Allow", Action: "ssm:GetParameter", Resource: "*" });
    expect(check(json).findings.filter((f) => f.ruleId === "agent-database-password").map((f) => f.resource)).toEqual(["aws_db_instance.orders"]);
  });

  test("controls: another secret, an id that is no RDS secret, a database RDS does not manage the password of", () => {
    const other = { "aws_secretsmanager_secret.app": { name: "app/config" }, ...read("${aws_secretsmanager_secret.app.arn}"), ...tagged(VALUE) };
    expect(found(managed(other))).toEqual([]);
    expect(found(managed({ ...read("app/db-config"), ...tagged(VALUE) }))).toEqual([]);
    const unmanaged = managed({ ...read("${aws_db_instance.orders.master_user_secret[0].secret_arn}"), ...tagged(VALUE) });
    ((unmanaged.resource as Obj).aws_db_instance as Record<string, Obj>).orders.manage_master_user_password = false;
    expect(found(unmanaged)).toEqual([]);
  });
});

describe("B1: a short literal password counts as a whole value or a delimited token", () => {
  const db = (password: string, extra: Record<string, Obj>, tags?: Obj) =>
    tf({ ...agent, "aws_db_instance.orders": { identifier: "orders", engine: "postgres", instance_class: "db.t4g.micro", username: "app", password, ...(tags ? { tags } : {}) }, ...extra }, { variable: { pw: { type: "string", default: "postgres" } } });

  test("the password as a whole tag value, in a connection string, in the database's own tags, through a variable", () => {
    expect(where(db("postgres", tagged("postgres")))).toEqual(["aws_ssm_parameter.p tags"]);
    expect(where(db("postgres", tagged("postgres://app:postgres@orders.internal:5432/orders")))).toEqual(["aws_ssm_parameter.p tags"]);
    expect(where(db("postgres", {}, { pw: "postgres" }))).toEqual(["aws_db_instance.orders tags"]);
    expect(where(db("${var.pw}", tagged("user=app password=postgres")))).toEqual(["aws_ssm_parameter.p tags"]);
    // Through a pass-through resource the walk follows and the token check cannot see into: counted, fail closed.
    expect(where(db("postgres", { "terraform_data.t": { input: "postgres" }, ...tagged("${terraform_data.t.output}") }))).toEqual(["aws_ssm_parameter.p tags"]);
  });

  test("controls: the database's engine, a word it is part of; a long literal still counts inside other text", () => {
    expect(found(db("postgres", {}))).toEqual([]);
    expect(found(db("${var.pw}", tagged("postgres-15-primary")))).toEqual([]);
    expect(found(db("postgres", tagged("orders.postgres.internal")))).toEqual([]);
    expect(where(db("correct-horse-battery-staple", tagged("xcorrect-horse-battery-staplex")))).toEqual(["aws_ssm_parameter.p tags"]);
  });

  test("in a store the agent reads: agent-database-password only for the password as a token", () => {
    const stored = (value: string) => {
      const json = db("postgres", { "aws_ssm_parameter.s": { name: "/orders/conn", type: "SecureString", value } });
      ((json.resource as Obj).aws_iam_role_policy as Record<string, Obj>).agent.policy = policy({ Effect: "Allow", Action: "ssm:GetParameter", Resource: "*" });
      return check(json).findings.filter((f) => f.ruleId === "agent-database-password").map((f) => f.resource);
    };
    expect(stored("postgres://app:postgres@db")).toEqual(["aws_db_instance.orders"]);
    expect(stored("engine=postgres-15")).toEqual([]);
  });
});
