/**
 * Red-team rounds 166 F2 and 167 F3: the `deny-not-relied-on` step of a guard whose Deny two variables can remove gave
 * the same reason twice (the inline policy's own check, then the attachment's), blamed the guard's `role` on the
 * guard's own variable, and a guard looping over the role named "a root variable". Each argument now names the
 * variables that change it, once, and an argument that names none itself (a `role` reference, a `for_each` over the
 * role) names those of the resource it refers to.
 */
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { analyzeStack } from "../../lib/engine/analyze";
import type { Finding } from "../../lib/engine/findings";
import { loadHclStack } from "../../lib/hcl/load-hcl";
import { allRules } from "../../lib/rules";

const HEAD = `provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111111111111"]
}
variable "n" {
  type    = number
  default = 1
}
variable "m" {
  type    = number
  default = 1
}
variable "teams" {
  type    = map(string)
  default = { a = "x" }
}
`;
const TRUST = `jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" }, Action = "sts:AssumeRole" }] })`;
const GUARD = `jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", NotAction = ["s3:GetObject", "s3:ListBucket"], Resource = "*" }] })`;

const STACK = (repeat: string, own: string, guardRepeat: string, guardRole: string) => `${HEAD}
resource "aws_iam_role" "agent" {
  ${repeat}
  name               = "agent-\${${own}}"
  path               = "/agents/"
  assume_role_policy = ${TRUST}
}
resource "aws_iam_role_policy" "work" {
  ${repeat}
  role   = aws_iam_role.agent[${own}].name
  name   = "work"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })
}
resource "aws_iam_role_policy" "guard" {
  ${guardRepeat}
  role   = ${guardRole}
  name   = "guard"
  policy = ${GUARD}
}
`;

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "bw-settable-deny-msg-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function destroyRight(text: string, varFile?: ReadonlyMap<string, unknown>): Promise<Finding> {
  writeFileSync(join(dir, "main.tf"), text);
  const stack = await loadHclStack(dir, varFile);
  const found = analyzeStack(stack, { config: { agents: { names: ["agent*"] } }, rules: allRules }).findings.filter((f) => f.ruleId === "agent-destroy-right");
  expect(found).toHaveLength(1);
  return found[0];
}

const step = (f: Finding) => f.evidence.find((e) => e.step === "deny-not-relied-on")?.detail ?? "";
const count = (text: string, part: string) => text.split(part).length - 1;

describe("166 F2 / 167 F3: each variable a guard depends on is named once, at the argument it changes", () => {
  test("the report's c1: the guard counted by var.m, its role by the role's var.n", async () => {
    const f = await destroyRight(STACK("count = var.n", "count.index", "count = var.m", "aws_iam_role.agent[count.index].name"));
    const detail = step(f);
    expect(detail).toContain("aws_iam_role_policy.guard[0]'s count depends on var.m,");
    expect(detail).toContain("aws_iam_role_policy.guard[0]'s role depends on var.n (through aws_iam_role.agent's count)");
    expect(detail).not.toContain("count, role");
    expect(detail).not.toContain("another reason as well");
    expect(count(detail, "'s count depends on")).toBe(1);
    expect(f.fix).toContain("depends on var.m and var.n, which -var can change");
    expect(f.fix).toContain("through aws_iam_role_policy.guard[0]'s count and aws_iam_role_policy.guard[0]'s role");
    expect(f.fix).toContain("give the variables with --var-file");
  });

  test("the same with the guard's document read from a data source: the count is still said once", async () => {
    const text =
      STACK("count = var.n", "count.index", "count = var.m", "aws_iam_role.agent[count.index].name").replace(`policy = ${GUARD}`, "policy = data.aws_iam_policy_document.g.json") +
      `data "aws_iam_policy_document" "g" {\n  statement {\n    effect      = "Deny"\n    not_actions = ["s3:GetObject", "s3:ListBucket"]\n    resources   = ["*"]\n  }\n}\n`;
    const detail = step(await destroyRight(text));
    expect(count(detail, "'s count depends on")).toBe(1);
    expect(detail).toContain("aws_iam_role_policy.guard[0]'s role depends on var.n (through aws_iam_role.agent's count)");
  });

  test("a guard looping over the role but attached to a fixed key names the role's variable, not 'a root variable'", async () => {
    const f = await destroyRight(STACK("for_each = var.teams", "each.key", "for_each = aws_iam_role.agent", `aws_iam_role.agent["a"].name`));
    const detail = step(f);
    expect(detail).toContain("var.teams");
    expect(detail).toContain("through aws_iam_role.agent's for_each");
    expect(detail).not.toContain("a root variable");
    expect(f.fix).not.toContain("a root variable");
  });

  test("the report's m1 with the guard's variable given in a var file: only the role's variable is named", async () => {
    const text = STACK("count = var.n", "count.index", "count = var.m", "aws_iam_role.agent[0].name");
    const f = await destroyRight(text, new Map([["m", 1]]));
    const detail = step(f);
    expect(detail).toContain("role depends on var.n (through aws_iam_role.agent's count)");
    expect(detail).not.toContain("var.m");
    expect(detail).not.toContain("a root variable");
  });

  test("control: one variable in one argument reads as before", async () => {
    const f = await destroyRight(STACK("count = 1", "count.index", "count = var.m", "aws_iam_role.agent[0].name"));
    const detail = step(f);
    expect(detail).toContain("aws_iam_role_policy.guard[0]'s count depends on var.m, which -var can set otherwise (blastwall reads it by its default or tfvars value)");
    expect(f.fix).toContain("depends on var.m, which -var can change");
    expect(f.fix).toContain("give the variable with --var-file");
  });
});
