/**
 * Red-team round 105: an access key under a `"//"` key inside a value (F2), or handed through `terraform_data` /
 * `null_resource.triggers` (F3), is still that user's key. Terraform ignores `"//"` only as a block body's comment,
 * where cdktf writes its metadata: that one stays out.
 */
import { check } from "../helpers/tf";
import { KEY, stack } from "../helpers/credential-store";

type Obj = Record<string, unknown>;
const ID = "credential-in-configuration";
const found = (json: Obj) => check(json, {}, { strict: true }).findings.filter((f) => f.ruleId === ID);
const errorsOf = (json: Obj, rule: string) => check(json).findings.filter((f) => f.ruleId === rule && f.severity === "error");

/** A parameter the agent may list the tags of, tagged `tags`, beside `extra`. */
const tagged = (tags: Obj, extra: Record<string, Obj> = {}) => stack({ "aws_ssm_parameter.p": { name: "/ci/note", type: "String", value: "see tags", tags }, ...extra }, "ssm:ListTagsForResource", "*");
/** A secret holding `value`, which the agent may read. */
const secret = (value: string, extra: Record<string, Obj> = {}) =>
  stack({ "aws_secretsmanager_secret.s": { name: "ci/deployer" }, "aws_secretsmanager_secret_version.s": { secret_id: "${aws_secretsmanager_secret.s.id}", secret_string: value }, ...extra }, "secretsmanager:GetSecretValue", "*");

describe('F2: "//" inside a value is an ordinary key', () => {
  test("a tag whose key is // holds the key: an error; the same tag under another key is the control", () => {
    expect(found(tagged({ "//": KEY })).map((f) => f.resource)).toEqual(["aws_ssm_parameter.p"]);
    expect(found(tagged({ deploy: KEY })).map((f) => f.resource)).toEqual(["aws_ssm_parameter.p"]);
    expect(found(tagged({ "//": "a note" }))).toEqual([]);
  });

  test("a function environment variable named //, read by the agent: the user's rights are reached", () => {
    const fn = { "aws_lambda_function.f": { function_name: "f", role: "arn:aws:iam::111111111111:role/r", environment: { variables: { "//": KEY } } } };
    const json = stack(fn, "lambda:GetFunctionConfiguration", "*");
    expect(errorsOf(json, "agent-transitive-destroy").map((f) => f.principal)).toEqual(["aws_iam_role.agent"]);
  });

  test("control: the body's own // (cdktf's metadata, a comment to Terraform) is no argument", () => {
    const json = tagged({ team: "ci" });
    const p = ((json.resource as Obj).aws_ssm_parameter as Record<string, Obj>).p;
    p["//"] = { metadata: { path: "prod/p", uniqueId: "p" }, note: KEY };
    expect(found(json)).toEqual([]);
  });
});

describe("F3: a key handed through terraform_data or null_resource is followed", () => {
  const data = (input: unknown) => ({ "terraform_data.k": { input } });
  const nul = { "null_resource.n": { triggers: { s: KEY } } };

  test.each([
    ["terraform_data output", "${terraform_data.k.output}"],
    ["terraform_data input", "${terraform_data.k.input}"],
    ["a lookup into the output", '${lookup(terraform_data.k.output, "secret", "")}'],
    ["the whole resource", "${jsonencode(terraform_data.k)}"],
    ["null_resource triggers", '${null_resource.n.triggers["s"]}'],
  ])("%s in tags: an error", (_, expr) => {
    const input = expr.includes("lookup") ? { id: "${aws_iam_access_key.k.id}", secret: KEY } : KEY;
    expect(found(tagged({ k: expr }, { ...data(input), ...nul })).map((f) => f.message)).toEqual([expect.stringMatching(/aws_ssm_parameter\.p holds an access key of aws_iam_user\.ops \(aws_iam_access_key\.k\) in its tags/)]);
  });

  test("terraform_data.triggers_replace", () => {
    expect(found(tagged({ k: "${terraform_data.k.triggers_replace}" }, { "terraform_data.k": { triggers_replace: [KEY] } }))).toHaveLength(1);
  });

  test("controls: the resource's id, the output's non-secret field, a pass-through holding no key", () => {
    expect(found(tagged({ k: "${terraform_data.k.id}" }, data(KEY)))).toEqual([]);
    expect(found(tagged({ k: "${terraform_data.k.output.id}" }, data({ id: "${aws_iam_access_key.k.id}", secret: KEY })))).toEqual([]);
    expect(found(tagged({ k: '${terraform_data.k.output["secret"]}' }, data({ id: "${aws_iam_access_key.k.id}", secret: KEY })))).toHaveLength(1);
    expect(found(tagged({ k: "${terraform_data.k.output}" }, data("v1")))).toEqual([]);
    expect(found(tagged({ k: "${null_resource.n.triggers}" }, { "null_resource.n": { triggers: { s: "v1" } } }))).toEqual([]);
  });

  test("a secret holding terraform_data's output: the agent reaches the user's rights (an error, not the unknown-contents warning)", () => {
    const json = secret("${terraform_data.k.output}", data(KEY));
    expect(errorsOf(json, "agent-transitive-destroy").map((f) => f.principal)).toEqual(["aws_iam_role.agent"]);
    const control = secret("${terraform_data.k.output}", data("v1"));
    expect(errorsOf(control, "agent-transitive-destroy")).toEqual([]);
  });

  test("F2 and F3 together: a terraform_data input keyed // passed on into tags", () => {
    expect(found(tagged({ k: "${terraform_data.k.output}" }, data({ "//": KEY })))).toHaveLength(1);
  });
});
