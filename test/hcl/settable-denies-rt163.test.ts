/**
 * Red-team round 163b, on "a Deny that -var can change is not relied on" (settable-denies-rt162.test.ts):
 * - F6: a variable in one statement of a policy no longer makes every Deny of it unreliable: each Deny is judged by its
 *   own text (and its policy's existence and attachment); F9: where it is not relied on for a variable, the fix says so.
 * - F1: Terraform JSON read alone keeps `${var.x}` as written: a Deny whose count, for_each or attachment names a root
 *   variable that --var-file does not give is not relied on there either.
 * - F2: an exclusive list (policy_names, policy_arns) -var can change keeps no Deny certain.
 * - F5: a Deny attached by the literal name of a role whose name -var can change is not relied on.
 * - F3: a Deny naming literally what an Allow names by reference to a resource whose name -var can change (a bucket)
 *   is not relied on; by pattern or by the same reference it still is.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { analyzeStack } from "../../lib/engine/analyze";
import type { Finding } from "../../lib/engine/findings";
import { loadHclStack } from "../../lib/hcl/load-hcl";
import { loadStacks } from "../../lib/check/run-check";
import { allRules } from "../../lib/rules";

const PROVIDER = `provider "aws" {\n  region              = "us-east-1"\n  allowed_account_ids = ["111111111111"]\n}\n`;
const ENV_VAR = `variable "env" {\n  type    = string\n  default = "prod"\n}\n`;
const DELETES = `["s3:DeleteBucket", "s3:DeleteObject", "s3:PutBucketPolicy"]`;
/** The agent (with `boundary`), allowed to delete the bucket by reference. */
const AGENT = (boundary = "") => `
resource "aws_iam_role" "agent" {
  name               = "agent"
  path               = "/agents/"
  ${boundary}
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" }, Action = "sts:AssumeRole" }] })
}
resource "aws_iam_role_policy" "agent" {
  name   = "a"
  role   = aws_iam_role.agent.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ${DELETES}, Resource = [aws_s3_bucket.data.arn, "\${aws_s3_bucket.data.arn}/*"] }] })
}
resource "aws_s3_bucket" "data" {
  bucket = "prod-data"
}
`;

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "bw-settable-deny-163-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function destroyFindings(files: Record<string, string>): Promise<Finding[]> {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const stack = await loadHclStack(dir);
  return analyzeStack(stack, { config: { agents: { names: ["agent"] } }, rules: allRules }).findings.filter((f) => f.ruleId === "agent-destroy-right");
}

describe("163b F6: a Deny is judged by its own statement, not by a variable elsewhere in its policy", () => {
  /** A boundary allowing everything, denying the deletes on "*", and iam:* on a role named with `deployRole`. */
  const BOUNDARY = (deployRole: string, deleteResource = `"*"`) => `
resource "aws_iam_policy" "boundary" {
  name   = "\${var.env}-agent-boundary"
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Action = "*", Resource = "*" },
    { Effect = "Deny", Action = ${DELETES}, Resource = ${deleteResource} },
    { Effect = "Deny", Action = ["iam:*"], Resource = "arn:aws:iam::111111111111:role/${deployRole}-deploy" },
  ] })
}
`;
  const WITH_BOUNDARY = AGENT("permissions_boundary = aws_iam_policy.boundary.arn");

  test("a boundary whose iam:* Deny names var.env, its literal Deny on * (fa-boundary-mixed): relied on", async () => {
    expect(await destroyFindings({ "main.tf": PROVIDER + ENV_VAR + WITH_BOUNDARY + BOUNDARY("${var.env}") })).toEqual([]);
  });

  test("control: the deletes Deny itself names var.env: not relied on, the variable named", async () => {
    const tf = PROVIDER + ENV_VAR + WITH_BOUNDARY + BOUNDARY("prod", `"arn:aws:s3:::\${var.env}-data"`);
    const found = await destroyFindings({ "main.tf": tf });
    expect(found).toHaveLength(1);
    const step = found[0].evidence.find((e) => e.step === "deny-not-relied-on");
    expect(step?.detail).toContain("depends on var.env, which -var can set otherwise");
  });

  test("a policy document data source: an Allow naming var.env beside a literal Deny (fa-ds-mixed): relied on", async () => {
    const doc = (effect: string) => `
data "aws_iam_policy_document" "guard" {
  statement {
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::\${var.env}-logs/*"]
  }
  statement {
    effect    = ${effect}
    actions   = ${DELETES}
    resources = ["*"]
  }
}
resource "aws_iam_role_policy" "guard" {
  name   = "\${var.env}-guard"
  role   = aws_iam_role.agent.name
  policy = data.aws_iam_policy_document.guard.json
}
`;
    expect(await destroyFindings({ "main.tf": PROVIDER + ENV_VAR + AGENT() + doc(`"Deny"`) })).toEqual([]);
    // Control: the Deny's own effect from a variable.
    const guard = `variable "guard" {\n  type    = bool\n  default = true\n}\n`;
    expect(await destroyFindings({ "main.tf": PROVIDER + ENV_VAR + guard + AGENT() + doc(`var.guard ? "Deny" : "Allow"`) })).toHaveLength(1);
  });

  test("an inline policy (jsonencode): a literal Deny beside an Allow naming var.env (fa-mixed-doc): relied on", async () => {
    const guard = (denyResource: string) => `
resource "aws_iam_role_policy" "guard" {
  name   = "guard"
  role   = aws_iam_role.agent.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Deny", Action = ${DELETES}, Resource = ${denyResource} },
    { Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::\${var.env}-logs/*" },
  ] })
}
`;
    expect(await destroyFindings({ "main.tf": PROVIDER + ENV_VAR + AGENT() + guard(`[aws_s3_bucket.data.arn, "\${aws_s3_bucket.data.arn}/*"]`) })).toEqual([]);
    // Control: the Deny's Resource from a variable whose default is "*": -var can narrow it.
    const any = `variable "scope" {\n  type    = string\n  default = "*"\n}\n`;
    expect(await destroyFindings({ "main.tf": PROVIDER + ENV_VAR + any + AGENT() + guard("var.scope") })).toHaveLength(1);
  });
});

describe("163b F9: a finding standing on a Deny -var can change says so in its fix", () => {
  test("the fix names the variable and what to write without it, before the rule's own fix", async () => {
    const guard = `variable "guard" {\n  type    = bool\n  default = true\n}\n
resource "aws_iam_role_policy" "guard" {
  count  = var.guard ? 1 : 0
  name   = "guard"
  role   = aws_iam_role.agent.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = ${DELETES}, Resource = "*" }] })
}
`;
    const found = await destroyFindings({ "main.tf": PROVIDER + AGENT() + guard });
    expect(found).toHaveLength(1);
    expect(found[0].fix).toMatch(/^The Deny in aws_iam_role_policy\.guard\[0\] is not relied on because it depends on var\.guard, which -var can change/);
    expect(found[0].fix).toContain("--var-file");
    expect(found[0].fix).toContain("Otherwise: Remove the destroy actions");
  });

  test("control: no Deny at all: the rule's own fix, unchanged", async () => {
    const found = await destroyFindings({ "main.tf": PROVIDER + AGENT() });
    expect(found).toHaveLength(1);
    expect(found[0].fix).toMatch(/^Remove the destroy actions/);
  });
});

describe("163b F1: Terraform JSON read alone (cdk.tf.json, cdktf.out) relies on no Deny -var can remove", () => {
  const POLICY = (effect: string, extra = "") =>
    JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: effect, Action: ["s3:DeleteBucket", "s3:DeleteObject", "s3:PutBucketPolicy"], Resource: ["${aws_s3_bucket.data.arn}", "${aws_s3_bucket.data.arn}/*"] }, ...(extra ? [{ Effect: "Allow", Action: "s3:GetObject", Resource: extra }] : [])] });
  /** The j-cdktf input: the guard's `guard` meta-arguments, and `variables` declared. */
  const STACK = (guard: Record<string, unknown>, variables: Record<string, unknown> = { guard: { type: "bool", default: true } }) => ({
    provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }] },
    variable: variables,
    resource: {
      aws_s3_bucket: { data: { bucket: "prod-data" } },
      aws_iam_role: {
        agent: { name: "agent", path: "/agents/", assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/runner" }, Action: "sts:AssumeRole" }] }) },
      },
      aws_iam_role_policy: {
        agent: { name: "a", role: "${aws_iam_role.agent.name}", policy: POLICY("Allow") },
        guard: { name: "guard", role: "${aws_iam_role.agent.name}", policy: POLICY("Deny"), ...guard },
      },
    },
  });

  async function jsonFindings(json: unknown, values?: ReadonlyMap<string, unknown>): Promise<Finding[]> {
    const path = join(dir, "cdk.tf.json");
    writeFileSync(path, JSON.stringify(json));
    const [stack] = await loadStacks({ kind: "json", path }, values);
    return analyzeStack(stack, { config: { agents: { names: ["agent"] } }, rules: allRules }).findings.filter((f) => f.ruleId === "agent-destroy-right");
  }

  test('count = "${var.guard ? 1 : 0}" on the guard (j-cdktf): not relied on, the variable named', async () => {
    const found = await jsonFindings(STACK({ count: "${var.guard ? 1 : 0}" }));
    expect(found).toHaveLength(1);
    expect(found[0].evidence.find((e) => e.step === "deny-not-relied-on")?.detail).toContain("count depends on var.guard");
  });

  test("for_each over a variable: not relied on", async () => {
    expect(await jsonFindings(STACK({ for_each: "${toset(var.guards)}" }, { guards: { type: "list(string)", default: ["a"] } }))).toHaveLength(1);
  });

  test("the guard's role from a variable: not relied on", async () => {
    expect(await jsonFindings(STACK({ role: "${var.role}" }, { role: { type: "string", default: "agent" } }))).toHaveLength(1);
  });

  test("controls: a literal count, the variable given with --var-file, a variable only in an Allow beside the Deny (jsonencode): relied on", async () => {
    expect(await jsonFindings(STACK({ count: 1 }))).toEqual([]);
    expect(await jsonFindings(STACK({ count: "${var.guard ? 1 : 0}" }), new Map([["guard", true]]))).toEqual([]);
    const encoded =
      '${jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = ["s3:DeleteBucket", "s3:DeleteObject", "s3:PutBucketPolicy"], Resource = [aws_s3_bucket.data.arn, "${aws_s3_bucket.data.arn}/*"] }, ' +
      '{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::${var.env}-logs/*" }] })}';
    expect(await jsonFindings(STACK({ policy: encoded }, { env: { type: "string", default: "prod" } }))).toEqual([]);
  });

  test("red-team round 174: the same policy as JSON text, where -var can write JSON into it: not relied on", async () => {
    expect(await jsonFindings(STACK({ policy: POLICY("Deny", "arn:aws:s3:::${var.env}-logs/*") }, { env: { type: "string", default: "prod" } }))).toHaveLength(1);
  });
});

describe("163b F2: an exclusive list -var can change keeps no Deny certain", () => {
  const GUARD_INLINE = `
resource "aws_iam_role_policy" "guard" {
  name   = "guard"
  role   = aws_iam_role.agent.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = ${DELETES}, Resource = "*" }] })
}
`;
  const GUARD_MANAGED = `
resource "aws_iam_policy" "guard" {
  name   = "guard"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = ${DELETES}, Resource = "*" }] })
}
resource "aws_iam_role_policy_attachment" "guard" {
  role       = aws_iam_role.agent.name
  policy_arn = aws_iam_policy.guard.arn
}
`;
  const INLINE_LIST = (list: string) => `
variable "keep" {
  type    = list(string)
  default = ["a", "guard"]
}
resource "aws_iam_role_policies_exclusive" "agent" {
  role_name    = aws_iam_role.agent.name
  policy_names = ${list}
}
`;
  const MANAGED_LIST = (list: string) => `
variable "keep_arns" {
  type    = list(string)
  default = ["arn:aws:iam::111111111111:policy/guard"]
}
resource "aws_iam_role_policy_attachments_exclusive" "agent" {
  role_name   = aws_iam_role.agent.name
  policy_arns = ${list}
}
`;

  test("policy_names = var.keep naming the guard by default (a-exclusive-var): not relied on, the variable named", async () => {
    const found = await destroyFindings({ "main.tf": PROVIDER + AGENT() + GUARD_INLINE + INLINE_LIST("var.keep") });
    expect(found).toHaveLength(1);
    expect(found[0].evidence.find((e) => e.step === "deny-not-relied-on")?.detail).toContain("policy_names depends on var.keep, which -var can set otherwise");
  });

  test("policy_arns = var.keep_arns naming the guard by default (a-exclusive-managed-var): not relied on", async () => {
    expect(await destroyFindings({ "main.tf": PROVIDER + AGENT() + GUARD_MANAGED + MANAGED_LIST("var.keep_arns") })).toHaveLength(1);
  });

  test("controls: the same lists written literally keep the guard: relied on", async () => {
    expect(await destroyFindings({ "main.tf": PROVIDER + AGENT() + GUARD_INLINE + INLINE_LIST(`["a", "guard"]`) })).toEqual([]);
    expect(await destroyFindings({ "main.tf": PROVIDER + AGENT() + GUARD_MANAGED + MANAGED_LIST(`["arn:aws:iam::111111111111:policy/guard"]`) })).toEqual([]);
  });
});

describe("163b F5: a guard attached by the literal name of a role whose name -var can change", () => {
  const NAMED_AGENT = (name: string) =>
    `variable "agent_name" {\n  type    = string\n  default = "agent"\n}\n` + AGENT().replace('name               = "agent"', `name               = ${name}`);
  const INLINE = `
resource "aws_iam_role_policy" "guard" {
  name   = "guard"
  role   = "agent"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = ${DELETES}, Resource = "*" }] })
}
`;
  const MANAGED = `
resource "aws_iam_policy" "guard" {
  name   = "guard"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = ${DELETES}, Resource = "*" }] })
}
resource "aws_iam_role_policy_attachment" "guard" {
  role       = "agent"
  policy_arn = aws_iam_policy.guard.arn
}
`;

  test('inline guard with role = "agent", the agent named var.agent_name (a-attach-litname): not relied on', async () => {
    const found = await destroyFindings({ "main.tf": PROVIDER + NAMED_AGENT("var.agent_name") + INLINE });
    expect(found).toHaveLength(1);
    expect(found[0].evidence.find((e) => e.step === "deny-not-relied-on")?.detail).toContain(`names the role "agent" literally, and aws_iam_role.agent's name depends on var.agent_name`);
  });

  test('managed guard attached with role = "agent" (a-attach-managed-litname): not relied on', async () => {
    expect(await destroyFindings({ "main.tf": PROVIDER + NAMED_AGENT("var.agent_name") + MANAGED })).toHaveLength(1);
  });

  test("controls: the agent named literally: both guards relied on", async () => {
    expect(await destroyFindings({ "main.tf": PROVIDER + NAMED_AGENT(`"agent"`) + INLINE })).toEqual([]);
    expect(await destroyFindings({ "main.tf": PROVIDER + NAMED_AGENT(`"agent"`) + MANAGED })).toEqual([]);
  });
});

describe("163b F3: a literal Deny against an Allow by reference to a bucket whose name -var can change", () => {
  const BUCKET_VAR = `variable "bucket" {\n  type    = string\n  default = "prod-data"\n}\n`;
  const NAMED_BUCKET = (name: string) => AGENT().replace('bucket = "prod-data"', `bucket = ${name}`);
  const GUARD = (element: string, resources: string) => `
resource "aws_iam_role_policy" "guard" {
  name   = "guard"
  role   = aws_iam_role.agent.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = ${DELETES}, ${element} = ${resources} }] })
}
`;
  const LITERAL = GUARD("Resource", `["arn:aws:s3:::prod-data", "arn:aws:s3:::prod-data/*"]`);

  test("bucket = var.bucket, the Deny naming the default's ARN literally (a-bucketvar-litdeny): not relied on, why said", async () => {
    const found = await destroyFindings({ "main.tf": PROVIDER + BUCKET_VAR + NAMED_BUCKET("var.bucket") + LITERAL });
    expect(found).toHaveLength(1);
    const step = found[0].evidence.find((e) => e.step === "deny-not-relied-on");
    expect(step?.address).toBe("aws_iam_role_policy.guard");
    expect(step?.detail).toContain("names arn:aws:s3:::prod-data literally");
    expect(step?.detail).toContain("aws_s3_bucket.data's bucket depends on var.bucket, which -var can set otherwise");
    expect(found[0].fix).toMatch(/^The Deny in aws_iam_role_policy\.guard is not relied on because it names literally what the Allow names by reference to a resource whose name depends on var\.bucket/);
  });

  test("a NotResource Deny excepting another bucket: -var may name the bucket so, not relied on", async () => {
    const except = GUARD("NotResource", `["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"]`);
    expect(await destroyFindings({ "main.tf": PROVIDER + BUCKET_VAR + NAMED_BUCKET("var.bucket") + except })).toHaveLength(1);
    expect(await destroyFindings({ "main.tf": PROVIDER + NAMED_BUCKET(`"prod-data"`) + except })).toEqual([]);
  });

  test("control: the bucket named literally: the literal Deny closes the chain", async () => {
    expect(await destroyFindings({ "main.tf": PROVIDER + NAMED_BUCKET(`"prod-data"`) + LITERAL })).toEqual([]);
  });

  test("control: the Deny by pattern on every bucket: it closes the chain", async () => {
    const any = GUARD("Resource", `["arn:aws:s3:::*", "arn:aws:s3:::*/*"]`);
    expect(await destroyFindings({ "main.tf": PROVIDER + BUCKET_VAR + NAMED_BUCKET("var.bucket") + any })).toEqual([]);
  });

  test("control: the Deny by the same reference, or the reference and a wildcard after it: it closes the chain", async () => {
    const same = GUARD("Resource", `[aws_s3_bucket.data.arn, "\${aws_s3_bucket.data.arn}/*"]`);
    const star = GUARD("Resource", `"\${aws_s3_bucket.data.arn}*"`);
    expect(await destroyFindings({ "main.tf": PROVIDER + BUCKET_VAR + NAMED_BUCKET("var.bucket") + same })).toEqual([]);
    expect(await destroyFindings({ "main.tf": PROVIDER + BUCKET_VAR + NAMED_BUCKET("var.bucket") + star })).toEqual([]);
  });

  test("control: the variable given with --var-file, the deploy's value: the literal Deny closes the chain", async () => {
    writeFileSync(join(dir, "main.tf"), PROVIDER + BUCKET_VAR + NAMED_BUCKET("var.bucket") + LITERAL);
    const stack = await loadHclStack(dir, new Map([["bucket", "prod-data"]]));
    const found = analyzeStack(stack, { config: { agents: { names: ["agent"] } }, rules: allRules }).findings.filter((f) => f.ruleId === "agent-destroy-right");
    expect(found).toEqual([]);
  });
});
