/**
 * Red-team round 171b, F5: a permission boundary's Allow written with a variable (`s3:${var.op}`, default `GetObject`;
 * or a Resource naming `${var.bucket}`) was read by its default, so it was relied on to cap an identity `s3:*` though
 * `-var op=DeleteBucket` opens it. A boundary is a limit, as a Deny is: where -var can widen it, it is read as every form
 * it may take (`s3:*`), and the finding's boundary step says so. An identity Allow with a variable and no Deny against it
 * is still read by its default (README), and a variable given with --var-file by its value.
 */
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { analyzeStack } from "../../lib/engine/analyze";
import type { Finding } from "../../lib/engine/findings";
import { grantsFor } from "../../lib/engine/iam/evaluate";
import { loadHclStack } from "../../lib/hcl/load-hcl";
import { allRules } from "../../lib/rules";

const HEAD = `provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111111111111"]
}
variable "op" {
  type    = string
  default = "GetObject"
}
variable "bucket" {
  type    = string
  default = "agent-scratch-111"
}
resource "aws_iam_role" "agent" {
  name                 = "agent"
  path                 = "/agents/"
  permissions_boundary = aws_iam_policy.boundary.arn
  assume_role_policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" }, Action = "sts:AssumeRole", Condition = { StringLike = { "sts:SourceIdentity" = "agent-*" } } }] })
}
resource "aws_s3_bucket" "data" {
  bucket = "prod-data-111"
}
`;
const BOUNDARY = (actions: string, resource = `"*"`) => `
resource "aws_iam_policy" "boundary" {
  name   = "agent-boundary"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = [${actions}], Resource = ${resource} }] })
}
`;
const WORK = (actions: string) => `
resource "aws_iam_role_policy" "work" {
  role   = aws_iam_role.agent.name
  name   = "work"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = [${actions}], Resource = "*" }] })
}
`;
const BY_VAR = `"s3:ListBucket", "s3:\${var.op}"`;

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "bw-settable-boundary-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function analyzed(text: string, varFile?: ReadonlyMap<string, unknown>, file = "main.tf") {
  writeFileSync(join(dir, file), text);
  const stack = await loadHclStack(dir, varFile);
  return analyzeStack(stack, { config: { agents: { names: ["agent"] } }, rules: allRules });
}

async function findings(ruleId: string, text: string, varFile?: ReadonlyMap<string, unknown>, file?: string): Promise<Finding[]> {
  return (await analyzed(text, varFile, file)).findings.filter((f) => f.ruleId === ruleId);
}

const boundaryStep = (f: Finding) => f.evidence.find((e) => e.step === "boundary")?.detail ?? "";

describe("a permission boundary's Allow written with a variable", () => {
  test("Action s3:${var.op} caps an identity s3:* as any of s3:*: destroy rights found, the boundary step names var.op", async () => {
    const found = await findings("agent-destroy-right", HEAD + BOUNDARY(BY_VAR) + WORK(`"s3:*"`));
    expect(found).toHaveLength(1);
    expect(found[0].actions).toContain("s3:DeleteBucket");
    expect(boundaryStep(found[0])).toContain("the boundary's Allow (statement #0) writes those actions");
    expect(boundaryStep(found[0])).toContain("so it is read as any of s3:*");
    expect(boundaryStep(found[0])).toContain("aws_iam_policy.boundary's policy depends on var.op");
    expect(boundaryStep(found[0])).toContain("write its Action and Resource literally");
  });

  test("Resource naming ${var.bucket}: the boundary caps nothing of the stack's bucket it may be widened to", async () => {
    const resource = `["arn:aws:s3:::\${var.bucket}", "arn:aws:s3:::\${var.bucket}/*"]`;
    const a = await analyzed(HEAD + BOUNDARY(`"s3:*"`, resource) + WORK(`"s3:*"`));
    expect(grantsFor(a.analysis.rightsOf("aws_iam_role.agent"), "s3:DeleteBucket", "arn:aws:s3:::prod-data-111")).not.toHaveLength(0);
    const step = boundaryStep(a.findings.find((f) => f.ruleId === "agent-destroy-right")!);
    expect(step).toContain("writes its Resource with a root variable, so it is read as any of arn:aws:s3:::*");
    expect(step).toContain("var.bucket");
  });

  test("agent-role-boundary judges the boundary as every form: what a later policy could add is named", async () => {
    const found = await findings("agent-role-boundary", HEAD + BOUNDARY(BY_VAR) + WORK(`"s3:GetObject"`));
    expect(found).toHaveLength(1);
    expect(found[0].actions).toContain("s3:DeleteBucket");
    expect(found[0].message).toContain("Its Allow writes some of them with a root variable -var can set");
    expect(boundaryStep(found[0])).toContain("so it is read as any of s3:*");
  });

  test("Terraform JSON (main.tf.json): the same", async () => {
    const json = {
      variable: { op: { type: "string", default: "GetObject" } },
      provider: { aws: { region: "us-east-1", allowed_account_ids: ["111111111111"] } },
      resource: {
        aws_iam_role: {
          agent: {
            name: "agent",
            path: "/agents/",
            permissions_boundary: "${aws_iam_policy.boundary.arn}",
            assume_role_policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/runner"},"Action":"sts:AssumeRole"}]}',
          },
        },
        aws_iam_policy: { boundary: { name: "b", policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket","s3:${var.op}"],"Resource":"*"}]}' } },
        aws_iam_role_policy: { work: { role: "${aws_iam_role.agent.name}", name: "work", policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}' } },
      },
    };
    const found = await findings("agent-destroy-right", JSON.stringify(json), undefined, "main.tf.json");
    expect(found).toHaveLength(1);
    // JSON text: -var can write JSON into it, whole statements too (red-team round 174), so it caps nothing at all.
    expect(boundaryStep(found[0])).toContain("caps nothing: -var can write JSON into the policy text");
    expect(boundaryStep(found[0])).toContain("var.op");
  });

  test("control: the boundary's actions written literally cap the identity s3:*", async () => {
    const a = await analyzed(HEAD + BOUNDARY(`"s3:ListBucket", "s3:GetObject"`) + WORK(`"s3:*"`));
    expect(a.findings.filter((f) => f.ruleId === "agent-destroy-right" || f.ruleId === "agent-role-boundary")).toEqual([]);
  });

  test("control: the variable given with --var-file is read by its value", async () => {
    const vars = new Map<string, unknown>([["op", "GetObject"]]);
    const a = await analyzed(HEAD + BOUNDARY(BY_VAR) + WORK(`"s3:*"`), vars);
    expect(a.findings.filter((f) => f.ruleId === "agent-destroy-right" || f.ruleId === "agent-role-boundary")).toEqual([]);
  });

  test("control: an identity Allow with the variable and no Deny stays read by its default (README)", async () => {
    const found = await findings("agent-destroy-right", HEAD + BOUNDARY(`"s3:*"`) + WORK(BY_VAR));
    expect(found).toEqual([]);
  });

  test("control: a boundary step with nothing written by a variable says only that it does not deny them", async () => {
    const found = await findings("agent-destroy-right", HEAD + BOUNDARY(`"s3:*"`) + WORK(`"s3:DeleteBucket"`));
    expect(found).toHaveLength(1);
    expect(boundaryStep(found[0])).toBe("permission boundary aws_iam_policy.boundary does not deny these actions");
  });
});
