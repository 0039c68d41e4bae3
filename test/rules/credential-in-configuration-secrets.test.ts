/**
 * Red-team round 105 (F5): a database's master password, or the private key of a CA a Roles Anywhere trust anchor of
 * the stack trusts, written into configuration no modelled read returns (tags, a dashboard body) is reported by
 * credential-in-configuration, fail closed; the same secret in a modelled store stays the reach graph's.
 */
import { buildStack } from "../../lib/engine/terraform/stack";
import { writtenSecrets } from "../../lib/engine/reach/written-secrets";
import { agentRole, check, policy, tf } from "../helpers/tf";

const ID = "credential-in-configuration";
type Obj = Record<string, unknown>;
const found = (json: Obj, strict = false) => check(json, {}, { strict }).findings.filter((f) => f.ruleId === ID);

/** An agent that reads SSM and CloudWatch (as `grantReadOnly` would give it), a database, and the resources under test. */
function dbStack(password: string, extra: Record<string, Obj>, more: Obj = {}): Obj {
  return tf(
    {
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: ["ssm:List*", "ssm:Describe*", "cloudwatch:Get*"], Resource: "*" }) },
      "random_password.db": { length: 32 },
      "aws_db_instance.orders": { identifier: "orders", engine: "postgres", instance_class: "db.t4g.micro", username: "app", password },
      ...extra,
    },
    more,
  );
}

const tagged = (value: string) => ({ "aws_ssm_parameter.p": { name: "/orders/endpoint", type: "String", value: "${aws_db_instance.orders.address}", tags: { auth: value } } });
const dashboard = (value: string) => ({ "aws_cloudwatch_dashboard.d": { dashboard_name: "oncall", dashboard_body: `\${jsonencode({ widgets = [{ type = "text", properties = { markdown = "psql postgres://app:${value}@db" } }] })}` } });

describe("a database's master password in configuration", () => {
  test("a generated password in a parameter's tags: an error naming the database, the resource and the attribute", () => {
    const f = found(dbStack("${random_password.db.result}", tagged("${random_password.db.result}")));
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe("error");
    expect(f[0].resource).toBe("aws_ssm_parameter.p");
    expect(f[0].message).toMatch(/aws_ssm_parameter\.p holds the master password of aws_db_instance\.orders in its tags argument/);
    expect(f[0].message).toMatch(/any agent of this stack \(aws_iam_role\.agent\) may read it[\s\S]*drop the data/);
    expect(f[0].evidence.map((e) => e.address)).toEqual(["aws_ssm_parameter.p", "aws_db_instance.orders", "aws_iam_role.agent"]);
    expect(f[0].fix).toMatch(/manage_master_user_password/);
  });

  test("a variable's password in a dashboard body, and through a local", () => {
    const json = dbStack("${var.db_password}", dashboard("${var.db_password}"), { variable: { db_password: { type: "string", sensitive: true } } });
    expect(found(json).map((f) => f.message)).toEqual([expect.stringMatching(/aws_cloudwatch_dashboard\.d holds the master password of aws_db_instance\.orders in its dashboard_body/)]);
    const viaLocal = dbStack("${var.db_password}", tagged("${local.conn}"), { variable: { db_password: { type: "string" } }, locals: { conn: "postgres://app:${var.db_password}@db" } });
    expect(found(viaLocal).map((f) => f.resource)).toEqual(["aws_ssm_parameter.p"]);
  });

  test("the instance's own attribute, and a password that is a literal", () => {
    expect(found(dbStack("${random_password.db.result}", dashboard("${aws_db_instance.orders.password}"))).map((f) => f.resource)).toEqual(["aws_cloudwatch_dashboard.d"]);
    expect(found(dbStack("correct-horse-battery", tagged("correct-horse-battery"))).map((f) => f.resource)).toEqual(["aws_ssm_parameter.p"]);
  });

  test("the database's own password argument, and its tags", () => {
    const json = dbStack("${random_password.db.result}", {});
    expect(found(json)).toEqual([]);
    ((json.resource as Obj).aws_db_instance as Record<string, Obj>).orders.tags = { pw: "${random_password.db.result}" };
    expect(found(json).map((f) => `${f.resource} ${f.message.match(/in its (\w+)/)?.[1]}`)).toEqual(["aws_db_instance.orders tags"]);
  });

  test("controls: a password no database uses, another generated string, the password in a modelled store", () => {
    const unused = dbStack("${random_password.db.result}", { "random_password.other": { length: 16 }, ...tagged("${random_password.other.result}") });
    expect(found(unused)).toEqual([]);
    expect(found(dbStack("${random_password.db.result}", tagged("${random_password.db.bcrypt_hash}")))).toEqual([]);
    const modelled = dbStack("${random_password.db.result}", { "aws_ssm_parameter.p": { name: "/orders/pw", type: "SecureString", value: "${random_password.db.result}" } });
    expect(found(modelled)).toEqual([]);
    // The modelled store's read is judged by the reach graph when the agent can make it.
    const reads = dbStack("${random_password.db.result}", { "aws_ssm_parameter.p": { name: "/orders/pw", type: "SecureString", value: "${random_password.db.result}" } });
    (((reads.resource as Obj).aws_iam_role_policy as Record<string, Obj>).agent as Obj).policy = policy({ Effect: "Allow", Action: "ssm:GetParameter", Resource: "*" });
    const r = check(reads);
    expect(r.findings.filter((f) => f.ruleId === "agent-database-password").map((f) => f.resource)).toEqual(["aws_db_instance.orders"]);
    expect(r.findings.filter((f) => f.ruleId === ID)).toEqual([]);
  });

  test("no agent: nothing to report", () => {
    const json = dbStack("${random_password.db.result}", tagged("${random_password.db.result}"));
    ((json.resource as Obj).aws_iam_role as Record<string, Obj>).agent = { name: "app", assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) };
    expect(found(json)).toEqual([]);
  });
});

/** A CA made with the tls provider, an anchor trusting it, a profile serving `ops`, and what `ops` may do. */
function caStack(extra: Record<string, Obj>, opsPolicy = "arn:aws:iam::aws:policy/AdministratorAccess", anchorCert = "${tls_self_signed_cert.ca.cert_pem}"): Obj {
  const trust = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "rolesanywhere.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"], Condition: { ArnEquals: { "aws:SourceArn": "${aws_rolesanywhere_trust_anchor.onprem.arn}" } } }],
  });
  return tf({
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: ["cloudwatch:GetDashboard", "ssm:ListTagsForResource"], Resource: "*" }) },
    "tls_private_key.ca": { algorithm: "ECDSA", ecdsa_curve: "P256" },
    "tls_private_key.other": { algorithm: "ECDSA", ecdsa_curve: "P256" },
    "tls_self_signed_cert.ca": { private_key_pem: "${tls_private_key.ca.private_key_pem}", is_ca_certificate: true, validity_period_hours: 8760, allowed_uses: ["cert_signing"], subject: [{ common_name: "ca" }] },
    "aws_rolesanywhere_trust_anchor.onprem": { name: "onprem", enabled: true, source: [{ source_type: "CERTIFICATE_BUNDLE", source_data: [{ x509_certificate_data: anchorCert }] }] },
    "aws_iam_role.ops": { name: "onprem-ops", assume_role_policy: trust },
    "aws_iam_role_policy_attachment.ops": { role: "${aws_iam_role.ops.name}", policy_arn: opsPolicy },
    "aws_rolesanywhere_profile.ops": { name: "ops", enabled: true, role_arns: ["${aws_iam_role.ops.arn}"] },
    ...extra,
  });
}

const caDashboard = (value: string) => ({ "aws_cloudwatch_dashboard.pki": { dashboard_name: "pki", dashboard_body: `\${jsonencode({ widgets = [{ type = "text", properties = { markdown = "CA:\\n${value}" } }] })}` } });

describe("the private key of a CA a trust anchor of the stack trusts", () => {
  test("in a dashboard body, the anchor serving an administrator: an error naming the anchor, the key and the role", () => {
    const f = found(caStack(caDashboard("${tls_private_key.ca.private_key_pem}")));
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe("error");
    expect(f[0].message).toMatch(/aws_cloudwatch_dashboard\.pki holds the private key of the CA behind aws_rolesanywhere_trust_anchor\.onprem \(tls_private_key\.ca\) in its dashboard_body argument/);
    expect(f[0].message).toMatch(/sign a client certificate[\s\S]*aws_iam_role\.ops, of which aws_iam_role\.ops can delete data/);
    expect(f[0].evidence.map((e) => e.step)).toEqual(expect.arrayContaining(["resource", "trust-anchor", "principal"]));
    expect(f[0].fix).toMatch(/ACM Private CA/);
  });

  test("a role that can delete nothing: a warning, an error with --strict; a profile blastwall cannot read: an error", () => {
    const json = caStack({ ...caDashboard("${tls_private_key.ca.private_key_openssh}") }, "arn:aws:iam::aws:policy/ReadOnlyAccess");
    expect(found(json).map((f) => f.severity)).toEqual(["warning"]);
    expect(found(json, true).map((f) => f.severity)).toEqual(["error"]);
    const resources = json.resource as Record<string, Record<string, Obj>>;
    resources.aws_rolesanywhere_profile.ops.role_arns = ["${var.role_arn}"];
    const f = found(json);
    expect(f.map((x) => x.severity)).toEqual(["error"]);
    expect(f[0].message).toMatch(/aws_rolesanywhere_profile\.ops lists a role blastwall cannot resolve/);
    delete resources.aws_rolesanywhere_profile;
    expect(found(json)[0].message).toMatch(/no profile of this stack says which roles/);
  });

  test("an intermediate CA (locally signed) counts by its own key, in tags", () => {
    const json = caStack(
      {
        "tls_cert_request.int": { private_key_pem: "${tls_private_key.other.private_key_pem}", subject: [{ common_name: "int" }] },
        "tls_locally_signed_cert.int": { cert_request_pem: "${tls_cert_request.int.cert_request_pem}", ca_private_key_pem: "${tls_private_key.ca.private_key_pem}", ca_cert_pem: "${tls_self_signed_cert.ca.cert_pem}", is_ca_certificate: true, validity_period_hours: 8760, allowed_uses: ["cert_signing"] },
        "aws_ssm_parameter.p": { name: "/pki/int", type: "String", value: "x", tags: { key: "${tls_private_key.other.private_key_pem}" } },
      },
      undefined,
      "${tls_locally_signed_cert.int.cert_pem}",
    );
    expect(found(json).map((f) => f.message)).toEqual([expect.stringMatching(/aws_ssm_parameter\.p holds the private key of the CA behind aws_rolesanywhere_trust_anchor\.onprem \(tls_private_key\.other\) in its tags/)]);
  });

  test("an anchor given its certificate through a local; a role pinned to another anchor is not served", () => {
    const json = caStack({ ...caDashboard("${tls_private_key.ca.private_key_pem}"), "aws_rolesanywhere_trust_anchor.other": { name: "other", source: [{ source_type: "AWS_ACM_PCA", source_data: [{ acm_pca_arn: "arn:aws:acm-pca:eu-west-1:111111111111:certificate-authority/x" }] }] } }, undefined, "${local.ca_cert}");
    json.locals = { ca_cert: "${tls_self_signed_cert.ca.cert_pem}" };
    expect(found(json).map((f) => f.severity)).toEqual(["error"]);
    const roles = (json.resource as Record<string, Record<string, Obj>>).aws_iam_role;
    roles.ops.assume_role_policy = (roles.ops.assume_role_policy as string).replace("trust_anchor.onprem.arn", "trust_anchor.other.arn");
    const f = found(json);
    expect(f.map((x) => x.severity)).toEqual(["warning"]);
    expect(f[0].message).toMatch(/any role its profiles serve: no role of the stack\./);
  });

  test("controls: a key of a CA no anchor uses, the certificate itself, the key in a modelled store, an imported certificate's key", () => {
    expect(found(caStack(caDashboard("${tls_private_key.other.private_key_pem}")))).toEqual([]);
    expect(found(caStack(caDashboard("${tls_self_signed_cert.ca.cert_pem}")))).toEqual([]);
    expect(found(caStack({ "aws_ssm_parameter.k": { name: "/pki/ca", type: "SecureString", value: "${tls_private_key.ca.private_key_pem}" } }))).toEqual([]);
    expect(found(caStack({ "aws_acm_certificate.c": { private_key: "${tls_private_key.ca.private_key_pem}", certificate_body: "${tls_self_signed_cert.ca.cert_pem}" } }))).toEqual([]);
  });
});

test("writtenSecrets leaves the stack as it was, and reports each secret once per resource and argument (tags_all repeats tags)", () => {
  const json = dbStack("${random_password.db.result}", { "aws_ssm_parameter.p": { name: "/x", type: "String", value: "v", tags: { a: "${random_password.db.result}" }, tags_all: { a: "${random_password.db.result}" } } });
  const stack = buildStack(json, "test.tf.json");
  const before = JSON.stringify(stack.resources);
  expect(writtenSecrets(stack).map((w) => `${w.resource.address} ${w.attribute}`)).toEqual(["aws_ssm_parameter.p tags"]);
  expect(JSON.stringify(stack.resources)).toBe(before);
  expect(writtenSecrets(stack)[0].resource).toBe(stack.byAddress.get("aws_ssm_parameter.p"));
});
