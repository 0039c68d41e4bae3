/**
 * Red-team round 110, F3: `data.aws_iam_policy_document.d.json` was taken to carry nothing, as an attribute no
 * argument gives, though the provider renders it from the statements (condition values too) and the documents it
 * merges. A key put into a condition and the document's JSON copied into tags passed both gates. The attributes a
 * data source renders from its arguments (a policy document's `json` and `minified_json`, `aws_arn`'s parts) now hold
 * what those arguments were given.
 */
import { check } from "../helpers/tf";
import { KEY, stack } from "../helpers/credential-store";
import type { PlanJson } from "../../lib/plan/types";
import { errorsIn, KEY_REFS, keyPlan, refs } from "../helpers/credential-plan";
import { agentRules } from "../../lib/rules";
import { checkPaths } from "../../lib/check/run-check";
import { dir } from "../hcl/helpers";
import { HCL_TAG_READING_AGENT } from "../helpers/hcl-stacks";

type Obj = Record<string, unknown>;
const ID = "credential-in-configuration";
const tagged = (expr: string, extra: Record<string, Obj>) =>
  check(stack({ ...extra, "aws_ssm_parameter.p": { name: "/ci/note", type: "String", value: "see tags", tags: { k: expr } } }, "ssm:ListTagsForResource", "*"), {}, { strict: true })
    .findings.filter((f) => f.ruleId === ID)
    .map((f) => f.message);
const KEY_IN_TAGS = [expect.stringMatching(/aws_ssm_parameter\.p holds an access key of aws_iam_user\.ops \(aws_iam_access_key\.k\) in its tags argument/)];

const statement = (values: string) => ({ sid: "A", actions: ["s3:GetObject"], resources: ["*"], condition: [{ test: "StringEquals", variable: "aws:UserAgent", values: [values] }] });
/** `data.aws_iam_policy_document.d` with `values` in a statement's condition. */
const doc = (values: string) => ({ "data.aws_iam_policy_document.d": { statement: [statement(values)] } });

describe("check: an attribute a data source renders from its arguments holds them", () => {
  test.each<[string, string, Record<string, Obj>]>([
    ["a policy document's json, a key in a condition", "${data.aws_iam_policy_document.d.json}", doc(KEY)],
    ["its minified_json", "${data.aws_iam_policy_document.d.minified_json}", doc(KEY)],
    [
      "a document merged in through source_policy_documents",
      "${data.aws_iam_policy_document.outer.json}",
      { ...doc(KEY), "data.aws_iam_policy_document.outer": { source_policy_documents: ["${data.aws_iam_policy_document.d.json}"], statement: [statement("static")] } },
    ],
    [
      "a document given through override_policy_documents",
      "${data.aws_iam_policy_document.outer.json}",
      { ...doc(KEY), "data.aws_iam_policy_document.outer": { override_policy_documents: ["${data.aws_iam_policy_document.d.json}"] } },
    ],
    [
      "a policy document's statement written as a dynamic block",
      "${data.aws_iam_policy_document.d.json}",
      { "data.aws_iam_policy_document.d": { dynamic: { statement: { for_each: '${toset(["a"])}', content: statement(KEY) } } } },
    ],
    ["a part aws_arn parses out of an ARN made from the key", "${data.aws_arn.a.resource}", { "data.aws_arn.a": { arn: `arn:aws:iam::111111111111:user/\${aws_iam_access_key.k.secret}` } }],
    // Red-team round 111, F6: the provider sets the data source's id to the ARN it parsed.
    ["aws_arn's id, the whole ARN made from the key", "${data.aws_arn.a.id}", { "data.aws_arn.a": { arn: `arn:aws:s3:::\${aws_iam_access_key.k.secret}` } }],
  ])("%s, written into tags: an error", (_, expr, extra) => {
    expect(tagged(expr, extra)).toEqual(KEY_IN_TAGS);
  });

  test.each<[string, string, Record<string, Obj>]>([
    ["the document's id (a hash of it)", "${data.aws_iam_policy_document.d.id}", doc(KEY)],
    ["a document with no credential", "${data.aws_iam_policy_document.d.json}", doc("aws-cli/*")],
    ["aws_arn's account, of an ARN with no credential", "${data.aws_arn.a.account}", { "data.aws_arn.a": { arn: "arn:aws:iam::111111111111:user/ops" } }],
    ["aws_arn's id, of an ARN with no credential", "${data.aws_arn.a.id}", { "data.aws_arn.a": { arn: "arn:aws:iam::111111111111:user/ops" } }],
  ])("control: %s", (_, expr, extra) => {
    expect(tagged(expr, extra)).toEqual([]);
  });
});

describe("check of HCL: the policy document as the red team wrote it", () => {
  const hcl = (tag: string) => `${HCL_TAG_READING_AGENT}resource "aws_iam_user" "ci" { name = "ci-deployer" }
resource "aws_iam_user_policy_attachment" "ci" {
  user       = aws_iam_user.ci.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
resource "aws_iam_access_key" "ci" { user = aws_iam_user.ci.name }
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:UserAgent"
      values   = [aws_iam_access_key.ci.secret]
    }
  }
}
resource "aws_ssm_parameter" "p" {
  name  = "/ci/note"
  type  = "String"
  value = "see tags"
  tags  = { k = ${tag} }
}
`;
  const written = async (tag: string) =>
    (await checkPaths([dir({ "main.tf": hcl(tag) })], { config: {}, rules: agentRules, strict: true })).findings.filter((f) => f.ruleId === ID).map((f) => f.resource);

  test("the document's json in tags: an error; its id: none", async () => {
    expect(await written("data.aws_iam_policy_document.d.json")).toEqual(["aws_ssm_parameter.p"]);
    expect(await written("data.aws_iam_policy_document.d.id")).toEqual([]);
  });
});

describe("gate: a policy document read during apply, its JSON in tags", () => {
  /** A policy document read during apply, with `conditionValues` in a condition, and the parameter tagged by `tags`. */
  const plan = (tags: Obj, conditionValues: Obj) =>
    keyPlan(tags, [
      {
        address: "data.aws_iam_policy_document.d",
        mode: "data",
        values: { statement: [{ actions: ["s3:GetObject"], resources: ["*"], condition: [{ test: "StringEquals", variable: "aws:UserAgent" }] }] },
        unknown: { id: true, json: true, minified_json: true, statement: [{ condition: [{ values: true }] }] },
        expressions: { statement: [{ actions: { constant_value: ["s3:GetObject"] }, resources: { constant_value: ["*"] }, condition: [{ test: { constant_value: "StringEquals" }, variable: { constant_value: "aws:UserAgent" }, values: conditionValues }] }] },
      },
    ]);
  const written = (p: PlanJson) => errorsIn(p, ID);

  test("the key in a condition, the document's json in tags: credential-in-configuration", () => {
    expect(written(plan(refs("data.aws_iam_policy_document.d.json", "data.aws_iam_policy_document.d"), KEY_REFS))).toEqual(["aws_ssm_parameter.p"]);
    expect(written(plan(refs("data.aws_iam_policy_document.d.minified_json", "data.aws_iam_policy_document.d"), KEY_REFS))).toEqual(["aws_ssm_parameter.p"]);
  });

  test("controls: the key itself in tags is found; a document with no key, or its id, is not", () => {
    expect(written(plan(KEY_REFS, KEY_REFS))).toEqual(["aws_ssm_parameter.p"]);
    expect(written(plan(refs("data.aws_iam_policy_document.d.json", "data.aws_iam_policy_document.d"), refs("aws_iam_user.ci.name", "aws_iam_user.ci")))).toEqual([]);
    expect(written(plan(refs("data.aws_iam_policy_document.d.id", "data.aws_iam_policy_document.d"), KEY_REFS))).toEqual([]);
  });
});
