/**
 * An Allow that writes the variable into its own ARN (`Resource = "arn:aws:s3:::${var.bucket}/*"`) against a Deny
 * naming the default's bucket literally was matched as read: the Deny covered it. `-var bucket=other` moves the Allow
 * to another bucket the Deny does not name. Such a Deny is now not relied on for that Allow, unless it covers every
 * value the variable may take (`arn:aws:s3:::*`), or the variable is given with --var-file.
 */
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { analyzeStack } from "../../lib/engine/analyze";
import type { Finding } from "../../lib/engine/findings";
import { loadHclStack } from "../../lib/hcl/load-hcl";
import { loadStacks } from "../../lib/check/run-check";
import { allRules } from "../../lib/rules";

const HEAD = `provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111111111111"]
}
variable "bucket" {
  type    = string
  default = "scratch"
}
variable "env" {
  type    = string
  default = "prod"
}
resource "aws_iam_role" "agent" {
  name               = "agent"
  path               = "/agents/"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" }, Action = "sts:AssumeRole" }] })
}
`;
/** The work policy: `allow` its Allow's Resource, `deny` its Deny's (none: no Deny in it). */
const WORK = (allow: string, deny?: string) => `
resource "aws_iam_role_policy" "work" {
  role   = aws_iam_role.agent.name
  name   = "work"
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Sid = "Logs", Effect = "Allow", Action = "logs:PutLogEvents", Resource = "arn:aws:logs:*:*:log-group:\${var.env}-*" },
    { Sid = "Scratch", Effect = "Allow", Action = ["s3:DeleteObject"], Resource = ${allow} },${deny === undefined ? "" : `\n    { Sid = "NotScratch", Effect = "Deny", Action = ["s3:DeleteObject"], Resource = ${deny} },`}
  ] })
}
`;
const GUARD = (deny: string) => `
resource "aws_iam_role_policy" "guard" {
  role   = aws_iam_role.agent.name
  name   = "guard"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = ["s3:DeleteObject"], Resource = ${deny} }] })
}
`;
const BY_VAR = `"arn:aws:s3:::\${var.bucket}/*"`;
const LITERAL = `"arn:aws:s3:::scratch/*"`;

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "bw-settable-allow-var-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const destroyRights = (findings: readonly Finding[]) => findings.filter((f) => f.ruleId === "agent-destroy-right");
const run = (stack: Parameters<typeof analyzeStack>[0]) => destroyRights(analyzeStack(stack, { config: { agents: { names: ["agent"] } }, rules: allRules }).findings);

async function hcl(text: string, varFile?: ReadonlyMap<string, unknown>): Promise<Finding[]> {
  writeFileSync(join(dir, "main.tf"), text);
  return run(await loadHclStack(dir, varFile));
}

const step = (f: Finding) => f.evidence.find((e) => e.step === "deny-not-relied-on")?.detail ?? "";

/** The same stack as Terraform JSON: a Deny in the work policy beside the Allow written with `${var.bucket}`. */
const JSON_STACK = (deny: string) => ({
  provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }] },
  variable: { bucket: { type: "string", default: "scratch" } },
  resource: {
    aws_iam_role: {
      agent: {
        name: "agent",
        path: "/agents/",
        assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/runner" }, Action: "sts:AssumeRole" }] }),
      },
    },
    aws_iam_role_policy: {
      work: {
        role: "${aws_iam_role.agent.name}",
        name: "work",
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: ["s3:DeleteObject"], Resource: "arn:aws:s3:::${var.bucket}/*" },
            { Effect: "Deny", Action: ["s3:DeleteObject"], Resource: deny },
          ],
        }),
      },
    },
  },
});

describe("an Allow writing the variable into its own ARN against a literal Deny", () => {
  test("HCL, the Deny beside it: not relied on, the step and fix name var.bucket", async () => {
    const found = await hcl(HEAD + WORK(BY_VAR, LITERAL));
    expect(found).toHaveLength(1);
    expect(step(found[0])).toContain("it names arn:aws:s3:::scratch/* literally where the Allow writes that part with a root variable");
    expect(step(found[0])).toContain("var.bucket");
    expect(found[0].fix).toMatch(/^The Deny in aws_iam_role_policy\.work is not relied on because it names literally what the Allow writes with /);
  });

  test("HCL, the Deny in another policy of the role: not relied on", async () => {
    const found = await hcl(HEAD + WORK(BY_VAR) + GUARD(LITERAL));
    expect(found).toHaveLength(1);
    expect(step(found[0])).toContain("var.bucket");
  });

  test("Terraform JSON in a folder: not relied on", async () => {
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(JSON_STACK("arn:aws:s3:::scratch/*")));
    expect(run(await loadHclStack(dir))).toHaveLength(1);
  });

  test("a cdk.tf.json read as written: not relied on", async () => {
    const path = join(dir, "cdk.tf.json");
    writeFileSync(path, JSON.stringify(JSON_STACK("arn:aws:s3:::scratch/*")));
    const [stack] = await loadStacks({ kind: "json", path });
    expect(run(stack)).toHaveLength(1);
  });

  test("control: a Deny covering every bucket (arn:aws:s3:::*) is still relied on (HCL, cdk.tf.json with jsonencode)", async () => {
    expect(await hcl(HEAD + WORK(BY_VAR, `"arn:aws:s3:::*"`))).toEqual([]);
    const path = join(dir, "cdk.tf.json");
    // As JSON text the policy is one -var can write JSON into (red-team round 174): no Deny of it is relied on.
    const json = JSON_STACK("arn:aws:s3:::*");
    json.resource.aws_iam_role_policy.work.policy =
      '${jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:DeleteObject"], Resource = "arn:aws:s3:::${var.bucket}/*" }, ' +
      '{ Effect = "Deny", Action = ["s3:DeleteObject"], Resource = "arn:aws:s3:::*" }] })}';
    writeFileSync(path, JSON.stringify(json));
    const [stack] = await loadStacks({ kind: "json", path });
    expect(run(stack)).toEqual([]);
  });

  test("control: the variable given with --var-file: relied on", async () => {
    expect(await hcl(HEAD + WORK(BY_VAR, LITERAL), new Map([["bucket", "scratch"], ["env", "prod"]]))).toEqual([]);
  });

  test("control: literal Allow and Deny beside a dynamic statement block over a variable (a data source): relied on", async () => {
    const doc = `
data "aws_iam_policy_document" "work" {
  statement {
    effect    = "Allow"
    actions   = ["s3:DeleteObject"]
    resources = ["arn:aws:s3:::scratch/*"]
  }
  statement {
    effect    = "Deny"
    actions   = ["s3:DeleteObject"]
    resources = ["arn:aws:s3:::scratch/*"]
  }
  dynamic "statement" {
    for_each = var.readable
    content {
      effect    = "Allow"
      actions   = ["s3:GetObject"]
      resources = ["arn:aws:s3:::\${statement.value}/*"]
    }
  }
}
variable "readable" {
  type    = list(string)
  default = ["logs"]
}
resource "aws_iam_role_policy" "work" {
  role   = aws_iam_role.agent.name
  name   = "work"
  policy = data.aws_iam_policy_document.work.json
}
`;
    expect(await hcl(HEAD + doc)).toEqual([]);
  });

  test("control: the Allow's entry written literally, a variable in another statement of its policy: relied on", async () => {
    expect(await hcl(HEAD + WORK(LITERAL, LITERAL))).toEqual([]);
    rmSync(join(dir, "main.tf"));
    expect(await hcl(HEAD + WORK(LITERAL) + GUARD(LITERAL))).toEqual([]);
  });
});
