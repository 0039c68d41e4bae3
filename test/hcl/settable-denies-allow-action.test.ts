/**
 * Red-team round 170a, F2: an Allow that writes the variable into its Action (`Action = "s3:${var.op}"`, default
 * `DeleteBucket`) against a Deny naming `s3:DeleteBucket` literally was closed as read. `-var op=DeleteObject` moves the
 * Allow to an action the Deny does not name. Such a Deny is now not relied on for what only that entry grants, unless
 * its Action covers every value the variable may take (`s3:*`, `*`), or the variable is given with --var-file. An Allow
 * with the variable and no Deny is still read by its default (README), so a harmless default stays quiet.
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
variable "op" {
  type    = string
  default = "DeleteBucket"
}
resource "aws_iam_role" "agent" {
  name               = "agent"
  path               = "/agents/"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" }, Action = "sts:AssumeRole" }] })
}
`;
/** The work policy: its Allow's Action list as given, and a Deny of `deny` beside it if given. */
const WORK = (actions: string, deny?: string) => `
resource "aws_iam_role_policy" "work" {
  role   = aws_iam_role.agent.name
  name   = "work"
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Action = [${actions}], Resource = "*" },${deny === undefined ? "" : `\n    { Effect = "Deny", Action = ${deny}, Resource = "*" },`}
  ] })
}
`;
const GUARD = (deny: string) => `
resource "aws_iam_role_policy" "guard" {
  role   = aws_iam_role.agent.name
  name   = "guard"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = ${deny}, Resource = "*" }] })
}
`;
const BY_VAR = `"s3:GetObject", "s3:\${var.op}"`;

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "bw-settable-allow-action-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function destroyRights(text: string, varFile?: ReadonlyMap<string, unknown>): Promise<Finding[]> {
  writeFileSync(join(dir, "main.tf"), text);
  const stack = await loadHclStack(dir, varFile);
  return analyzeStack(stack, { config: { agents: { names: ["agent"] } }, rules: allRules }).findings.filter((f) => f.ruleId === "agent-destroy-right");
}

const step = (f: Finding) => f.evidence.find((e) => e.step === "deny-not-relied-on")?.detail ?? "";

describe("an Allow writing the variable into its Action against a literal Deny", () => {
  test("the Deny in another policy of the role: not relied on, the step and fix name var.op", async () => {
    const found = await destroyRights(HEAD + WORK(BY_VAR) + GUARD(`"s3:DeleteBucket"`));
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain("s3:DeleteBucket");
    expect(step(found[0])).toContain("where the Allow writes that action with a root variable (any of s3:*)");
    expect(step(found[0])).toContain("aws_iam_role_policy.work's policy depends on var.op");
    expect(found[0].fix).toContain("names literally an action the Allow writes with var.op");
  });

  test("the Deny beside it in the same policy: not relied on", async () => {
    expect(await destroyRights(HEAD + WORK(BY_VAR, `"s3:DeleteBucket"`))).toHaveLength(1);
  });

  test("control: a Deny of s3:* covers every value and is relied on", async () => {
    expect(await destroyRights(HEAD + WORK(BY_VAR) + GUARD(`"s3:*"`))).toEqual([]);
  });

  test("control: a Deny of * is relied on", async () => {
    expect(await destroyRights(HEAD + WORK(BY_VAR) + GUARD(`"*"`))).toEqual([]);
  });

  test("control: the variable given with --var-file is read by its value (a Deny of it relied on)", async () => {
    const vars = new Map<string, unknown>([["op", "DeleteBucket"]]);
    expect(await destroyRights(HEAD + WORK(BY_VAR) + GUARD(`"s3:DeleteBucket"`), vars)).toEqual([]);
  });

  test("control: the action also written literally in the Allow: the Deny holds for it whatever -var says", async () => {
    expect(await destroyRights(HEAD + WORK(`"s3:DeleteBucket", "s3:\${var.op}"`) + GUARD(`"s3:DeleteBucket"`))).toEqual([]);
  });

  test("control: a variable only in the Allow's Resource leaves a Deny on * relied on", async () => {
    const work = WORK(`"s3:DeleteBucket"`).replace(`Resource = "*" }`, `Resource = "arn:aws:s3:::\${var.op}*" }`);
    expect(await destroyRights(HEAD + work + GUARD(`"s3:DeleteBucket"`))).toEqual([]);
  });
});

describe("an Allow with NotResource writing the variable into its Action (review of 0.8.0)", () => {
  const NOT_RES = (deny?: string) => WORK(BY_VAR, deny).replace(`Resource = "*" }`, `NotResource = "arn:aws:s3:::audit-*" }`);

  test("a literal Deny of the default action is not relied on", async () => {
    const found = await destroyRights(HEAD + NOT_RES() + GUARD(`"s3:DeleteBucket"`));
    expect(found).toHaveLength(1);
    expect(step(found[0])).toContain("where the Allow writes that action with a root variable (any of s3:*)");
  });

  test("control: a Deny of s3:* is relied on", async () => {
    expect(await destroyRights(HEAD + NOT_RES() + GUARD(`"s3:*"`))).toEqual([]);
  });
});
