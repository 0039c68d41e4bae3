/**
 * Red-team round 106 (B2): a key written twice whose values are primitives with one string form (`false` and
 * `"false"`, `1` and `"1"`) is one value whichever Terraform keeps, so it stays known: the round-105 fail-closed rule made
 * a role tagged `"blastwall:agent" = "false"` and `(local.k) = false` an agent.
 */
import { checkPaths } from "../../lib/check/run-check";
import { DUPLICATE_KEY } from "../../lib/hcl/evaluate";
import { agentRules } from "../../lib/rules";
import { dir, localValue } from "./helpers";

const value = (expr: string) => localValue(expr, { "locals.tf": 'locals {\n  k = "k"\n  agent = "blastwall:agent"\n}\n' });

describe("a key written twice with values of one string form", () => {
  test.each([
    ['{ "k" = false, (local.k) = "false" }', { k: "false" }],
    ['{ (local.k) = "false", k = false }', { k: "false" }],
    ['{ "k" = 1, (local.k) = "1" }', { k: "1" }],
    ['{ "k" = true, "${local.k}" = "true", other = "x" }', { k: "true", other: "x" }],
  ])("%s is %j", async (expr, expected) => {
    expect(await value(expr)).toEqual(expected);
  });

  test.each([['{ "k" = true, (local.k) = "false" }'], ['{ "k" = 1, (local.k) = "1.0" }'], ['{ "k" = "true", (local.k) = "yes" }'], ['{ "k" = "null", (local.k) = null }'], ['{ "k" = "x", (local.k) = ["x"] }']])(
    "controls: %s stays unknown",
    async (expr) => {
      const x = (await value(expr)) as Record<string, unknown>;
      expect(x["k"] as string).toMatch(new RegExp(`^\\$\\{${DUPLICATE_KEY}\\(`));
    },
  );
});

const role = (tags: string) => `provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["111111111111"]
}
locals { k = "blastwall:agent" }
resource "aws_iam_role" "ops_helper" {
  name               = "ops-helper"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111111111111:role/agent-runner" }, Action = "sts:AssumeRole" }] })
  tags = ${tags}
}
resource "aws_iam_role_policy_attachment" "ops_helper" {
  role       = aws_iam_role.ops_helper.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
`;
const agents = async (tags: string) => (await checkPaths([dir({ "main.tf": role(tags) })], { config: {}, rules: agentRules })).findings.filter((f) => f.ruleId === "agent-destroy-right").map((f) => f.principal);

test("the agent tag written as \"false\" and as false is no agent; \"false\" and true is one (fail closed)", async () => {
  expect(await agents('{\n    "blastwall:agent" = "false"\n    (local.k) = false\n  }')).toEqual([]);
  expect(await agents('{\n    "blastwall:agent" = "true"\n    (local.k) = true\n  }')).toEqual(["aws_iam_role.ops_helper"]);
  expect(await agents('{\n    "blastwall:agent" = "false"\n    (local.k) = true\n  }')).toEqual(["aws_iam_role.ops_helper"]);
});
