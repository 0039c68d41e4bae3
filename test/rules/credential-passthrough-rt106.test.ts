/**
 * Red-team round 106 (A1): a key handed through any resource or data source outside AWS is still that user's key.
 * `random_*` keepers, `time_*` triggers, `random_shuffle`, `local_file` read back by `data.local_file`,
 * `data.null_data_source` and `data.template_file` hand back what they are given; a type blastwall does not know does
 * too (fail closed). What a provider makes up itself (a random id, a time, a certificate's public half) holds none of it.
 */
import { check } from "../helpers/tf";
import { KEY, stack } from "../helpers/credential-store";

type Obj = Record<string, unknown>;
const ID = "credential-in-configuration";
const found = (json: Obj) => check(json, {}, { strict: true }).findings.filter((f) => f.ruleId === ID);
const errorsOf = (json: Obj, rule: string) => check(json).findings.filter((f) => f.ruleId === rule && f.severity === "error");
const tagged = (tags: Obj, extra: Record<string, Obj> = {}) => stack({ "aws_ssm_parameter.p": { name: "/ci/note", type: "String", value: "see tags", tags }, ...extra }, "ssm:ListTagsForResource", "*");
const MESSAGE = /aws_ssm_parameter\.p holds an access key of aws_iam_user\.ops \(aws_iam_access_key\.k\) in its tags/;

const file = (type: string, filename: string, content: unknown = KEY) => ({ [`${type}.f`]: { filename, content } });

describe("A1: a key handed through a resource or data source outside AWS", () => {
  test.each<[string, string, Record<string, Obj>]>([
    ["random_id keepers", '${random_id.r.keepers["s"]}', { "random_id.r": { byte_length: 4, keepers: { s: KEY } } }],
    ["random_string keepers", "${random_string.r.keepers.s}", { "random_string.r": { length: 4, keepers: { s: KEY } } }],
    ["random_shuffle result", "${random_shuffle.r.result[0]}", { "random_shuffle.r": { input: [KEY] } }],
    ["time_static triggers", '${time_static.t.triggers["s"]}', { "time_static.t": { triggers: { s: KEY } } }],
    ["local_file content", "${local_file.f.content}", file("local_file", "/tmp/x")],
    ["data.local_file of the file local_file writes", "${data.local_file.r.content}", { ...file("local_file", "/tmp/x"), "data.local_file.r": { filename: "${local_file.f.filename}" } }],
    ["data.local_sensitive_file, same filename", "${data.local_sensitive_file.r.content}", { ...file("local_sensitive_file", "/tmp/x"), "data.local_sensitive_file.r": { filename: "/tmp/x" } }],
    ["data.local_file whose filename blastwall cannot read", "${data.local_file.r.content}", { ...file("local_file", "/tmp/x"), "data.local_file.r": { filename: "${var.path}" } }],
    ["data.null_data_source outputs", '${data.null_data_source.n.outputs["s"]}', { "data.null_data_source.n": { inputs: { s: KEY } } }],
    ["data.template_file rendered", "${data.template_file.t.rendered}", { "data.template_file.t": { template: "$${s}", vars: { s: KEY } } }],
    ["a type blastwall does not know, any attribute", "${acme_widget.w.anything}", { "acme_widget.w": { settings: { s: KEY } } }],
    ["a field of an unknown type's attribute, whatever its arguments' fields hold", '${acme_widget.w.other["s"]}', { "acme_widget.w": { settings: { s: "v1", t: KEY } } }],
    ["two in a row", "${random_pet.b.keepers.s}", { "random_id.a": { byte_length: 4, keepers: { s: KEY } }, "random_pet.b": { keepers: { s: '${random_id.a.keepers["s"]}' } } }],
    ["the whole random_id", "${jsonencode(random_id.r)}", { "random_id.r": { byte_length: 4, keepers: { s: KEY } } }],
  ])("%s, written into tags: an error", (_, expr, extra) => {
    expect(found(tagged({ k: expr }, extra)).map((f) => f.message)).toEqual([expect.stringMatching(MESSAGE)]);
  });

  test.each<[string, string, Record<string, Obj>]>([
    ["random_id's own hex (keepers reach no other attribute)", "${random_id.r.hex}", { "random_id.r": { byte_length: 4, keepers: { s: KEY } } }],
    ["random_id keepers holding no key", '${random_id.r.keepers["s"]}', { "random_id.r": { byte_length: 4, keepers: { s: "v1" } } }],
    ["time_static's time", "${time_static.t.unix}", { "time_static.t": { triggers: { s: KEY } } }],
    ["a certificate's public half", "${tls_self_signed_cert.c.cert_pem}", { "tls_self_signed_cert.c": { private_key_pem: KEY, validity_period_hours: 1 } }],
    ["data.local_file of another file", "${data.local_file.r.content}", { ...file("local_file", "/tmp/x"), "data.local_file.r": { filename: "/tmp/other" } }],
    ["a random_password's result (made up, no user's key)", "${random_password.pw.result}", { "random_password.pw": { length: 20 } }],
  ])("control: %s", (_, expr, extra) => {
    expect(found(tagged({ k: expr }, extra))).toEqual([]);
  });

  test("a certificate's own private_key_pem argument reads back as given", () => {
    expect(found(tagged({ k: "${tls_self_signed_cert.c.private_key_pem}" }, { "tls_self_signed_cert.c": { private_key_pem: KEY, validity_period_hours: 1 } }))).toHaveLength(1);
  });

  test("stored-secret path: a secret holding random_id's keepers, read by the agent, reaches the user's rights", () => {
    const secret = (keepers: Obj) =>
      stack(
        {
          "aws_secretsmanager_secret.s": { name: "ci/deployer" },
          "aws_secretsmanager_secret_version.s": { secret_id: "${aws_secretsmanager_secret.s.id}", secret_string: '${random_id.r.keepers["s"]}' },
          "random_id.r": { byte_length: 4, keepers },
        },
        "secretsmanager:GetSecretValue",
        "*",
      );
    expect(errorsOf(secret({ s: KEY }), "agent-transitive-destroy").map((f) => f.principal)).toEqual(["aws_iam_role.agent"]);
    expect(errorsOf(secret({ s: "v1" }), "agent-transitive-destroy")).toEqual([]);
  });
});

describe("a whole managed store named elsewhere holds its value", () => {
  const q = { "aws_ssm_parameter.q": { name: "/ci/key", type: "SecureString", value: KEY } };
  test.each([["jsonencode", "${jsonencode(aws_ssm_parameter.q)}"], ["lookup of its value", '${lookup(aws_ssm_parameter.q, "value", "")}']])("%s: an error", (_, expr) => {
    expect(found(tagged({ k: expr }, q)).map((f) => f.resource)).toEqual(["aws_ssm_parameter.p"]);
  });
  test("control: a lookup of its name", () => {
    expect(found(tagged({ k: '${lookup(aws_ssm_parameter.q, "name", "")}' }, q))).toEqual([]);
  });
});

// Red-team round 107 (F2): an attribute that is an argument the resource was given reads back as that argument only.
// A helm_release given a password through set_sensitive made every reference to it (its namespace, in an EKS role's
// trust) "hold" the password: a false error on a common pattern.
describe("an argument read back is that argument, not the others", () => {
  const helm = { "helm_release.app": { name: "app", chart: "app", namespace: "apps", set_sensitive: [{ name: "key", value: KEY }] } };
  test("control: helm_release's namespace, written into tags, holds no key", () => {
    expect(found(tagged({ k: "${helm_release.app.namespace}" }, helm))).toEqual([]);
  });
  test("an attribute the provider computes (its metadata) may hold what any argument was given: an error", () => {
    expect(found(tagged({ k: "${helm_release.app.metadata[0].values}" }, helm)).map((f) => f.message)).toEqual([expect.stringMatching(MESSAGE)]);
  });
  test("the argument that holds the key, read back, is still the key", () => {
    expect(found(tagged({ k: "${jsonencode(helm_release.app.set_sensitive)}" }, helm)).map((f) => f.message)).toEqual([expect.stringMatching(MESSAGE)]);
  });
});
