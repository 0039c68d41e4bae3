/**
 * Red-team round 109 (F3): a data source's argument reads back as configured, as a managed resource's does
 * (`data.aws_kms_ciphertext.c.plaintext`, `data.aws_lambda_invocation.i.input`); and `data.aws_kms_secrets` (or the
 * old `data.aws_kms_secret`) holds what its payloads decrypt to: the plaintext of the stack's ciphertext a payload
 * names, or, where a payload names something blastwall cannot follow to one, any ciphertext of the stack.
 */
import { check } from "../helpers/tf";
import { KEY, stack } from "../helpers/credential-store";

type Obj = Record<string, unknown>;
const copied = (json: Obj) => check(json, {}, { strict: true }).findings.filter((f) => f.ruleId === "credential-in-configuration").map((f) => f.message);
const tagged = (expr: string, extra: Record<string, Obj>, locals: Obj = {}) => {
  const json = stack({ ...extra, "aws_ssm_parameter.p": { name: "/ci/note", type: "String", value: "see tags", tags: { k: expr } } }, "ssm:ListTagsForResource", "*");
  return copied(Object.keys(locals).length === 0 ? json : { ...json, locals });
};
const KEY_IN_TAGS = [expect.stringMatching(/aws_ssm_parameter\.p holds an access key of aws_iam_user\.ops \(aws_iam_access_key\.k\) in its tags argument/)];

const CIPHERTEXT = { "aws_kms_ciphertext.c": { key_id: "alias/aws/ssm", plaintext: KEY } };
const BLOB = "${aws_kms_ciphertext.c.ciphertext_blob}";
/** `data.aws_kms_secrets.d` decrypting `s` from `payload`, and `t` from a ciphertext written out (made outside the stack). */
const secrets = (payload: string, type = "aws_kms_secrets") => ({ ...CIPHERTEXT, [`data.${type}.d`]: { secret: [{ name: "s", payload }, { name: "t", payload: "AQICAHhEXAMPLECIPHERTEXTAAAA==" }] } });

describe("a data source's argument reads back as configured", () => {
  test.each<[string, string, Record<string, Obj>]>([
    ["a data source's ciphertext plaintext", "${data.aws_kms_ciphertext.c.plaintext}", { "data.aws_kms_ciphertext.c": { key_id: "alias/aws/ssm", plaintext: KEY } }],
    ["a Lambda invocation's input", "${data.aws_lambda_invocation.i.input}", { "data.aws_lambda_invocation.i": { function_name: "echo", input: `\${jsonencode({ s = ${KEY.slice(2, -1)} })}` } }],
  ])("%s, written into tags: an error", (_, expr, extra) => {
    expect(tagged(expr, extra)).toEqual(KEY_IN_TAGS);
  });

  test.each<[string, string, Record<string, Obj>]>([
    ["the data source's ciphertext (KMS's encryption of it)", "${data.aws_kms_ciphertext.c.ciphertext_blob}", { "data.aws_kms_ciphertext.c": { key_id: "alias/aws/ssm", plaintext: KEY } }],
    ["the invoked function's name", "${data.aws_lambda_invocation.i.function_name}", { "data.aws_lambda_invocation.i": { function_name: "echo", input: `\${jsonencode({ s = ${KEY.slice(2, -1)} })}` } }],
  ])("control: %s", (_, expr, extra) => {
    expect(tagged(expr, extra)).toEqual([]);
  });
});

describe("a decrypting data source holds what the stack encrypted", () => {
  // Every row has all four columns: jest hands a missing one to the test as its `done` callback.
  test.each<[string, string, Record<string, Obj>, Obj]>([
    ["the secret decrypted from the stack's ciphertext", '${data.aws_kms_secrets.d.plaintext["s"]}', secrets(BLOB), {}],
    ["every secret it decrypts", "${jsonencode(data.aws_kms_secrets.d.plaintext)}", secrets(BLOB), {}],
    ["the whole data source", "${jsonencode(data.aws_kms_secrets.d)}", secrets(BLOB), {}],
    ["a payload given through a local", '${data.aws_kms_secrets.d.plaintext["s"]}', secrets("${local.blob}"), { blob: BLOB }],
    ["a payload blastwall cannot follow to a ciphertext: any of the stack's (fail closed)", '${data.aws_kms_secrets.d.plaintext["s"]}', secrets("${data.aws_s3_object.o.body}"), {}],
    ["the old aws_kms_secret, one attribute per secret", "${data.aws_kms_secret.d.s}", secrets(BLOB, "aws_kms_secret"), {}],
  ])("%s, written into tags: an error", (_, expr, extra, locals) => {
    expect(tagged(expr, extra, locals)).toEqual(KEY_IN_TAGS);
  });

  test.each<[string, string, Record<string, Obj>]>([
    ["another secret, whose ciphertext was made outside the stack", '${data.aws_kms_secrets.d.plaintext["t"]}', secrets(BLOB)],
    ["the ciphertexts it was given", "${jsonencode(data.aws_kms_secrets.d.secret)}", secrets(BLOB)],
    ["the old aws_kms_secret's other secret", "${data.aws_kms_secret.d.t}", secrets(BLOB, "aws_kms_secret")],
    ["a payload blastwall cannot follow, in a stack that encrypts nothing", '${data.aws_kms_secrets.d.plaintext["s"]}', { "data.aws_kms_secrets.d": { secret: [{ name: "s", payload: "${data.aws_s3_object.o.body}" }] } }],
  ])("control: %s", (_, expr, extra) => {
    expect(tagged(expr, extra)).toEqual([]);
  });
});
