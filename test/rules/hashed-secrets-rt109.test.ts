/**
 * Red-team round 109, F4: a strong generated secret anywhere inside a one-way hash's arguments was taken as hashed, so
 * `sha1(substr(secret, i, 1))` over 40 tags passed, although each tag is the hash of one character and a table of under
 * 100 hashes gives the key back. A hash now hides a secret only when it takes it whole: the reference itself, or in a
 * template, list, object or function that hands each value on whole (`jsonencode`, `join`, `format("%s")`).
 */
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { dir } from "../hcl/helpers";
import { HCL_TAG_READING_AGENT } from "../helpers/hcl-stacks";
import { agentRole, check, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;
const ID = "credential-in-configuration";
const PASSWORD = /aws_ssm_parameter\.p holds the master password of aws_db_instance\.orders in its tags argument/;

/** The messages for a parameter whose tags (a map, or one expression for them all) the agent reads, beside a database given a 32-character random password. */
const tagged = (tags: Obj | string) =>
  check(
    tf({
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: ["ssm:ListTagsForResource"], Resource: "*" }) },
      "random_password.db": { length: 32 },
      "aws_db_instance.orders": { identifier: "orders", engine: "postgres", instance_class: "db.t4g.micro", username: "app", password: "${random_password.db.result}" },
      "aws_ssm_parameter.p": { name: "/orders/endpoint", type: "String", value: "x", tags },
    }),
    {},
    { strict: true },
  )
    .findings.filter((f) => f.ruleId === ID)
    .map((f) => f.message);
const PW = "random_password.db.result";

describe("F4: a hash of part of a strong secret is no hash of the secret", () => {
  test.each([
    ["one character a tag, substr", `\${sha1(substr(${PW}, 0, 1))}`],
    ["one character a tag, in a for expression over the tags", `\${{ for i in range(32) : "c\${i}" => sha256(substr(${PW}, i, 1)) }}`],
    ["element of split", `\${sha256(element(split("", ${PW}), 3))}`],
    ["regex", `\${md5(regex("^.", ${PW}))}`],
    ["join of a slice", `\${sha256(join("", slice(split("", ${PW}), 0, 4)))}`],
    ["format with a precision", `\${sha256(format("%.4s", ${PW}))}`],
    ["a for expression inside the hash's argument", `\${sha256(jsonencode([for s in [${PW}] : substr(s, 0, 1)]))}`],
    ["an index after a splat of the secret", `\${sha256(random_password.db[*].result[0])}`],
    ["a comparison", `\${sha256(${PW} == "a" ? "1" : "0")}`],
    ["a comparison the other way round, in an object", `\${sha256(jsonencode({ same = "a" == ${PW} }))}`],
    ["the hash of a hash of one character", `\${md5(sha256(substr(${PW}, 0, 1)))}`],
    ["a hash of a whole object, beside the character", `\${sha256(jsonencode({ a = ${PW}, b = substr(${PW}, 0, 1) }))}`],
  ])("still an error: %s", (_, tags) => {
    expect(tagged(tags.startsWith("${{") ? tags : { rev: tags })).toEqual([expect.stringMatching(PASSWORD)]);
  });

  test.each([
    ["the reference itself", `\${sha256(${PW})}`],
    ["a template with literals", `\${sha256("\${${PW}}-v2")}`],
    ["jsonencode of an object holding it", `\${sha256(jsonencode({ pw = ${PW}, v = 2 }))}`],
    ["jsonencode of an object on several lines", `\${sha256(jsonencode({\n  pw = ${PW}\n  v  = 2\n}))}`],
    ["join of a list with a literal", `\${sha256(join("-", [${PW}, "v2"]))}`],
    ["format with %s", `\${sha256(format("%s-v2", ${PW}))}`],
    ["a prefix of the hash of a hash", `\${substr(sha256(md5(${PW})), 0, 12)}`],
    ["a cut of a hash inside another hash", `\${sha256(substr(sha256(${PW}), 0, 8))}`],
  ])("no finding: %s", (_, tag) => {
    expect(tagged({ rev: tag })).toEqual([]);
  });

  test("HCL: an access key hashed one character a tag fails; hashed whole it passes", async () => {
    const main = (tags: string) => `
${HCL_TAG_READING_AGENT}resource "aws_iam_user" "ci" { name = "ci-deployer" }
resource "aws_iam_user_policy_attachment" "ci" {
  user       = aws_iam_user.ci.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
resource "aws_iam_access_key" "ci" { user = aws_iam_user.ci.name }
resource "aws_ssm_parameter" "p" {
  name  = "/ci/note"
  type  = "String"
  value = "see tags"
  tags  = ${tags}
}
`;
    const run = async (tags: string) => (await checkPaths([dir({ "main.tf": main(tags) })], { config: {}, rules: agentRules, strict: true })).findings.filter((f) => f.ruleId === ID).map((f) => f.message);
    expect(await run(`{ for i in range(40) : "k\${i}" => sha1(substr(aws_iam_access_key.ci.secret, i, 1)) }`)).toEqual([expect.stringMatching(/aws_ssm_parameter\.p holds an access key of aws_iam_user\.ci/)]);
    expect(await run(`{ rev = sha1("\${aws_iam_access_key.ci.secret}-v2") }`)).toEqual([]);
  });
});
