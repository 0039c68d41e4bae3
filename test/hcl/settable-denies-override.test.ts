/**
 * `override_policy_documents` of a `data.aws_iam_policy_document` replaces a Deny of its source documents by Sid. Where
 * `-var` can give a statement of the override that Sid (`sid = var.sid` in the override document, a `dynamic` block
 * over a variable there, or the document's own `statement` with `sid = var.sid`), the Deny was relied on: as read the
 * Sids differ. Such a Deny is now not relied on; an override whose Sids are literal still leaves it relied on.
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
variable "sid" {
  type    = string
  default = "Other"
}
variable "extra_sids" {
  type    = list(string)
  default = []
}
resource "aws_iam_role" "agent" {
  name               = "agent"
  path               = "/agents/"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" }, Action = "sts:AssumeRole" }] })
}
resource "aws_iam_role_policy" "work" {
  role   = aws_iam_role.agent.name
  name   = "work"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })
}
data "aws_iam_policy_document" "guard" {
  statement {
    sid         = "NoDelete"
    effect      = "Deny"
    not_actions = ["s3:GetObject", "s3:ListBucket"]
    resources   = ["*"]
  }
}
resource "aws_iam_role_policy" "guard" {
  role   = aws_iam_role.agent.name
  name   = "guard"
  policy = data.aws_iam_policy_document.final.json
}
`;
/** The override document's one statement, its Sid and Resource as given. */
const OVERRIDE = (sid: string, resource = `"*"`) => `
data "aws_iam_policy_document" "override" {
  statement {
    sid       = ${sid}
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = [${resource}]
  }
}
`;
const FINAL = (override = "data.aws_iam_policy_document.override.json") => `
data "aws_iam_policy_document" "final" {
  source_policy_documents   = [data.aws_iam_policy_document.guard.json]
  override_policy_documents = [${override}]
}
`;

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "bw-settable-override-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function destroyRights(text: string, varFile?: ReadonlyMap<string, unknown>): Promise<Finding[]> {
  writeFileSync(join(dir, "main.tf"), text);
  const stack = await loadHclStack(dir, varFile);
  return analyzeStack(stack, { config: { agents: { names: ["agent"] } }, rules: allRules }).findings.filter((f) => f.ruleId === "agent-destroy-right");
}

const step = (f: Finding) => f.evidence.find((e) => e.step === "deny-not-relied-on")?.detail ?? "";

describe("a Deny an override document's settable Sid may replace is not relied on", () => {
  test("sid = var.sid in the override document", async () => {
    const found = await destroyRights(HEAD + OVERRIDE("var.sid") + FINAL());
    expect(found).toHaveLength(1);
    expect(step(found[0])).toContain("data.aws_iam_policy_document.override's statement depends on var.sid");
    expect(step(found[0])).toContain(`may take the Sid "NoDelete" and replace this Deny`);
  });

  test("a dynamic statement block over a variable in the override document", async () => {
    const override = `
data "aws_iam_policy_document" "override" {
  dynamic "statement" {
    for_each = var.extra_sids
    content {
      sid       = statement.value
      effect    = "Allow"
      actions   = ["s3:GetObject"]
      resources = ["*"]
    }
  }
}
`;
    expect(await destroyRights(HEAD + override + FINAL())).toHaveLength(1);
  });

  test("an override document reached through another one (override of an override)", async () => {
    const middle = `
data "aws_iam_policy_document" "middle" {
  override_policy_documents = [data.aws_iam_policy_document.override.json]
}
`;
    expect(await destroyRights(HEAD + OVERRIDE("var.sid") + middle + FINAL("data.aws_iam_policy_document.middle.json"))).toHaveLength(1);
  });

  test("the document's own statement with sid = var.sid over its source's Deny", async () => {
    const final = `
data "aws_iam_policy_document" "final" {
  source_policy_documents = [data.aws_iam_policy_document.guard.json]
  statement {
    sid       = var.sid
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}
`;
    const found = await destroyRights(HEAD + final);
    expect(found).toHaveLength(1);
    expect(step(found[0])).toContain("var.sid");
  });

  test("control: an override with a literal Sid and a variable elsewhere is still relied on", async () => {
    expect(await destroyRights(HEAD + OVERRIDE(`"Other"`, `"arn:aws:s3:::\${var.sid}/*"`) + FINAL())).toEqual([]);
  });

  test("control: sid = var.sid given with --var-file is relied on", async () => {
    expect(await destroyRights(HEAD + OVERRIDE("var.sid") + FINAL(), new Map<string, unknown>([["sid", "Other"], ["extra_sids", []]]))).toEqual([]);
  });

  test("control: an override whose literal Sid is the Deny's replaces it as read (reported, as before)", async () => {
    expect(await destroyRights(HEAD + OVERRIDE(`"NoDelete"`) + FINAL())).toHaveLength(1);
  });
});

/**
 * Red-team round 170a, F1: the override reached through another resource's argument (`aws_iam_policy.extra.policy`),
 * a local, or a document built by jsonencode there. It was followed only when it named the data source itself.
 */
describe("an override document reached through a reference other than the data source", () => {
  /** `aws_iam_policy.extra` holding `policy` as given. */
  const POLICY = (policy: string) => `
resource "aws_iam_policy" "extra" {
  name   = "extra"
  policy = ${policy}
}
`;
  const JSON_POLICY = (sid: string, resource = `"*"`) =>
    `jsonencode({ Version = "2012-10-17", Statement = [{ Sid = ${sid}, Effect = "Allow", Action = "s3:GetObject", Resource = ${resource} }] })`;

  test("aws_iam_policy.extra.policy, itself the data source with sid = var.sid: not relied on, the step names both", async () => {
    const found = await destroyRights(HEAD + OVERRIDE("var.sid") + POLICY("data.aws_iam_policy_document.override.json") + FINAL("aws_iam_policy.extra.policy"));
    expect(found).toHaveLength(1);
    expect(step(found[0])).toContain("override_policy_documents[0] is aws_iam_policy.extra.policy, which is data.aws_iam_policy_document.override");
    expect(step(found[0])).toContain("depends on var.sid");
  });

  test("aws_iam_policy.extra.policy built by jsonencode with Sid = var.sid: not relied on", async () => {
    const found = await destroyRights(HEAD + POLICY(JSON_POLICY("var.sid")) + FINAL("aws_iam_policy.extra.policy"));
    expect(found).toHaveLength(1);
    expect(step(found[0])).toContain("aws_iam_policy.extra's policy depends on var.sid");
    expect(step(found[0])).toContain(`may take the Sid "NoDelete"`);
  });

  test("through a local naming aws_iam_policy.extra.policy: not relied on", async () => {
    const local = `
locals {
  extra = aws_iam_policy.extra.policy
}
`;
    const found = await destroyRights(HEAD + POLICY(JSON_POLICY("var.sid")) + local + FINAL("local.extra"));
    expect(found).toHaveLength(1);
    expect(step(found[0])).toContain("aws_iam_policy.extra's policy depends on var.sid");
  });

  test("a document that merges in aws_iam_policy.extra.policy (through another document): not relied on", async () => {
    const middle = `
data "aws_iam_policy_document" "middle" {
  source_policy_documents = [aws_iam_policy.extra.policy]
}
`;
    expect(await destroyRights(HEAD + POLICY(JSON_POLICY("var.sid")) + middle + FINAL("data.aws_iam_policy_document.middle.json"))).toHaveLength(1);
  });

  test("control: jsonencode with a literal Sid and the variable in its Resource is relied on", async () => {
    expect(await destroyRights(HEAD + POLICY(JSON_POLICY(`"Other"`, `"arn:aws:s3:::\${var.sid}/*"`)) + FINAL("aws_iam_policy.extra.policy"))).toEqual([]);
  });

  test("control: the data source behind aws_iam_policy.extra.policy with a literal Sid is relied on", async () => {
    expect(await destroyRights(HEAD + OVERRIDE(`"Other"`) + POLICY("data.aws_iam_policy_document.override.json") + FINAL("aws_iam_policy.extra.policy"))).toEqual([]);
  });

  test("control: Sid = var.sid given with --var-file is relied on", async () => {
    const vars = new Map<string, unknown>([["sid", "Other"], ["extra_sids", []]]);
    expect(await destroyRights(HEAD + POLICY(JSON_POLICY("var.sid")) + FINAL("aws_iam_policy.extra.policy"), vars)).toEqual([]);
  });
});
