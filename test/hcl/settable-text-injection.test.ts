/**
 * Red-team round 174, F1/F2/F3: a policy written as JSON text (an HCL heredoc, `templatefile()`, a quoted string, a
 * policy string of `.tf.json` / `cdk.tf.json`) gets a variable's characters written in verbatim; only `jsonencode()` and
 * the policy document data source escape them. So `-var` can close the string the variable stands in and add entries
 * (`"*"` in a Deny's NotResource: the Deny covers nothing) or whole statements (`Allow *` in a boundary). No Deny of such
 * a text is relied on, a boundary of such a text caps nothing; identity Allows keep their reading. A value blastwall
 * knows (a --var-file one) is written in verbatim, as Terraform writes it, and a text that then is no JSON is unreadable.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { analyzeStack } from "../../lib/engine/analyze";
import type { Finding } from "../../lib/engine/findings";
import { grantsFor } from "../../lib/engine/iam/evaluate";
import { loadHclStack } from "../../lib/hcl/load-hcl";
import { loadStacks } from "../../lib/check/run-check";
import { allRules } from "../../lib/rules";
import type { TfStack } from "../../lib/engine/terraform/types";

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "bw-text-injection-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const analyzed = (stack: TfStack) => analyzeStack(stack, { config: { agents: { names: ["agent"] } }, rules: allRules });
type Analyzed = ReturnType<typeof analyzed>;

async function hcl(files: Record<string, string>, varFile?: ReadonlyMap<string, unknown>): Promise<Analyzed> {
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
  return analyzed(await loadHclStack(dir, varFile));
}

async function cdkJson(doc: object, varFile?: ReadonlyMap<string, unknown>): Promise<Analyzed> {
  const path = join(dir, "cdk.tf.json");
  writeFileSync(path, JSON.stringify(doc));
  const [stack] = await loadStacks({ kind: "json", path }, varFile);
  return analyzed(stack);
}

const AGENT = "aws_iam_role.agent";
const holds = (a: Analyzed, action: string, target?: string) => grantsFor(a.analysis.rightsOf(AGENT), action, target).length > 0;
const boundaryOf = (a: Analyzed) => a.analysis.agents.find((p) => p.address === AGENT)?.boundary;
const stepOf = (f: Finding | undefined, name: string) => f?.evidence.find((e) => e.step === name)?.detail ?? "";
const ruleFinding = (a: Analyzed, rule: string) => a.findings.find((f) => f.ruleId === rule);
const steps = (a: Analyzed, name: string) => a.findings.flatMap((f) => f.evidence).filter((e) => e.step === name);

const INJECTS = "-var can write JSON into the policy text";
const ADMIN = "arn:aws:iam::123456789012:role/admin";

const HEAD = `provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["123456789012"]
}
variable "account_id" {
  type    = string
  default = "123456789012"
}
`;
const AGENT_ROLE = (boundary = "aws_iam_policy.boundary.arn") => `
resource "aws_iam_role" "agent" {
  name                 = "agent"
  path                 = "/agents/"
  permissions_boundary = ${boundary}
  assume_role_policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:role/runner" }, Action = "sts:AssumeRole" }] })
}
`;
/** The agent may assume `admin` (AdministratorAccess, trusting the account): only the boundary's Deny stops it. */
const CHAIN = `
resource "aws_iam_role_policy" "work" {
  role   = aws_iam_role.agent.name
  name   = "work"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["sts:AssumeRole"], Resource = aws_iam_role.admin.arn }] })
}
resource "aws_iam_role" "admin" {
  name               = "admin"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:root" }, Action = "sts:AssumeRole" }] })
}
resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.admin.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
`;
/** The boundary's statements as JSON text, `${account}` where the account stands. */
const BOUNDARY_JSON = (account: string) =>
  `{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["s3:GetObject", "sts:AssumeRole"], "Resource": "*"},
  {"Sid": "DenyChain", "Effect": "Deny", "Action": ["sts:AssumeRole", "sts:TagSession"], "NotResource": ["arn:aws:iam::${account}:role/agents/*"]}
]}`;
const POLICY = (policy: string, extra = "") => `
resource "aws_iam_policy" "boundary" {
  name   = "agent-boundary"
  policy = ${policy}
}
${extra}`;
const HEREDOC = (account: string) => `<<EOT\n${BOUNDARY_JSON(account)}\nEOT`;

/** The boundary caps nothing and says why, naming the variable; the agent reaches admin. */
function expectCapsNothing(a: Analyzed, variable = "var.account_id") {
  expect(boundaryOf(a)).toBeUndefined();
  expect(holds(a, "sts:AssumeRole", ADMIN)).toBe(true);
  const step = stepOf(ruleFinding(a, "agent-role-boundary"), "resource");
  expect(step).toContain("caps nothing");
  expect(step).toContain(INJECTS);
  expect(step).toContain(variable);
  expect(step).toContain("jsonencode()");
}

/** The boundary is read and its Deny relied on: admin is out of reach. */
function expectRelied(a: Analyzed) {
  expect(boundaryOf(a)).toBeDefined();
  expect(holds(a, "sts:AssumeRole", ADMIN)).toBe(false);
  expect(JSON.stringify(a.findings)).not.toContain(INJECTS);
}

describe("a boundary written as JSON text with a variable -var can set caps nothing (F1)", () => {
  test("HCL heredoc", async () => {
    expectCapsNothing(await hcl({ "main.tf": HEAD + AGENT_ROLE() + POLICY(HEREDOC("${var.account_id}")) + CHAIN }));
  });

  test("templatefile() of a JSON template", async () => {
    const a = await hcl({
      "main.tf": HEAD + AGENT_ROLE() + POLICY(`templatefile("\${path.module}/boundary.json.tpl", { account_id = var.account_id })`) + CHAIN,
      "boundary.json.tpl": BOUNDARY_JSON("${account_id}"),
    });
    expectCapsNothing(a);
  });

  test("a quoted HCL string", async () => {
    expectCapsNothing(await hcl({ "main.tf": HEAD + AGENT_ROLE() + POLICY(JSON.stringify(BOUNDARY_JSON("${var.account_id}").replace(/\n/g, ""))) + CHAIN }));
  });

  test("through a local, and through a local module called with the variable", async () => {
    const local = `locals {\n  boundary = ${HEREDOC("${var.account_id}")}\n}\n`;
    expectCapsNothing(await hcl({ "main.tf": HEAD + local + AGENT_ROLE() + POLICY("local.boundary") + CHAIN }));
    const module = `variable "account_id" {\n  type = string\n}\n${POLICY(HEREDOC("${var.account_id}"))}\noutput "arn" {\n  value = aws_iam_policy.boundary.arn\n}\n`;
    const call = `module "boundary" {\n  source     = "./modules/boundary"\n  account_id = var.account_id\n}\n`;
    expectCapsNothing(await hcl({ "main.tf": HEAD + AGENT_ROLE("module.boundary.arn") + call + CHAIN, "modules/boundary/main.tf": module }));
  });

  test("a policy document data source's source_policy_documents text", async () => {
    const data = `
data "aws_iam_policy_document" "boundary" {
  source_policy_documents = [${HEREDOC("${var.account_id}")}
  ]
}
`;
    expectCapsNothing(await hcl({ "main.tf": HEAD + AGENT_ROLE() + data + POLICY("data.aws_iam_policy_document.boundary.json") + CHAIN }));
  });

  test("main.tf.json in a folder: a policy string with ${var.account_id}", async () => {
    const json = {
      variable: { account_id: { type: "string", default: "123456789012" } },
      resource: { aws_iam_policy: { boundary: { name: "agent-boundary", policy: BOUNDARY_JSON("${var.account_id}") } } },
    };
    expectCapsNothing(await hcl({ "main.tf": HEAD.replace(/variable[\s\S]*$/, "") + AGENT_ROLE() + CHAIN, "boundary.tf.json": JSON.stringify(json) }));
  });

  test("controls: jsonencode(), the data source's own statement, the variable in a --var-file, a text without a variable, ${jsonencode(...)} in a heredoc", async () => {
    const encoded = `jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Action = ["s3:GetObject", "sts:AssumeRole"], Resource = "*" },
    { Sid = "DenyChain", Effect = "Deny", Action = ["sts:AssumeRole", "sts:TagSession"], NotResource = ["arn:aws:iam::\${var.account_id}:role/agents/*"] }
  ] })`;
    expectRelied(await hcl({ "main.tf": HEAD + AGENT_ROLE() + POLICY(encoded) + CHAIN }));
    const data = `
data "aws_iam_policy_document" "boundary" {
  statement {
    actions   = ["s3:GetObject", "sts:AssumeRole"]
    resources = ["*"]
  }
  statement {
    sid           = "DenyChain"
    effect        = "Deny"
    actions       = ["sts:AssumeRole", "sts:TagSession"]
    not_resources = ["arn:aws:iam::\${var.account_id}:role/agents/*"]
  }
}
`;
    expectRelied(await hcl({ "main.tf": HEAD + AGENT_ROLE() + data + POLICY("data.aws_iam_policy_document.boundary.json") + CHAIN }));
    expectRelied(await hcl({ "main.tf": HEAD + AGENT_ROLE() + POLICY(HEREDOC("${var.account_id}")) + CHAIN }, new Map([["account_id", "123456789012"]])));
    expectRelied(await hcl({ "main.tf": HEAD + AGENT_ROLE() + POLICY(HEREDOC("123456789012")) + CHAIN }));
    // jsonencode() in the text escapes what it writes: the whole entry one JSON string whatever the account.
    const escaped = BOUNDARY_JSON("").replace(`["arn:aws:iam:::role/agents/*"]`, '[${jsonencode("arn:aws:iam::${var.account_id}:role/agents/*")}]');
    expectRelied(await hcl({ "main.tf": HEAD + AGENT_ROLE() + POLICY(`<<EOT\n${escaped}\nEOT`) + CHAIN }));
  });
});

describe("a boundary Allow's Resource in JSON text (F2): -var can add an Allow of everything", () => {
  const S3 = `variable "bucket" {\n  type    = string\n  default = "reports"\n}\n`;
  const WORK = `
resource "aws_iam_role_policy" "work" {
  role   = aws_iam_role.agent.name
  name   = "work"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:*"], Resource = "*" }] })
}
`;
  const READ_ONLY = (bucket: string) => `{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::${bucket}", "arn:aws:s3:::${bucket}/*"]}
]}`;

  test("HCL heredoc: the boundary caps nothing, s3:DeleteBucket is held", async () => {
    const a = await hcl({ "main.tf": HEAD + S3 + AGENT_ROLE() + POLICY(`<<EOT\n${READ_ONLY("${var.bucket}")}\nEOT`) + WORK });
    expect(boundaryOf(a)).toBeUndefined();
    expect(holds(a, "s3:DeleteBucket", "arn:aws:s3:::prod")).toBe(true);
    expect(stepOf(a.findings.find((f) => f.ruleId === "agent-destroy-right"), "boundary")).toContain("var.bucket");
  });

  test("control: the same boundary with jsonencode() caps the identity s3:* to reads", async () => {
    const encoded = `jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "s3:ListBucket"], Resource = ["arn:aws:s3:::\${var.bucket}", "arn:aws:s3:::\${var.bucket}/*"] }] })`;
    const a = await hcl({ "main.tf": HEAD + S3 + AGENT_ROLE() + POLICY(encoded) + WORK });
    expect(boundaryOf(a)).toBeDefined();
    expect(holds(a, "s3:DeleteBucket", "arn:aws:s3:::prod")).toBe(false);
  });
});

describe("an identity policy written as JSON text with a variable", () => {
  const S3_HEAD = `provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111111111111"]
}
variable "group" {
  type    = string
  default = "agent-logs"
}
resource "aws_s3_bucket" "data" {
  bucket = "prod-data-111"
}
resource "aws_iam_role" "agent" {
  name               = "agent"
  path               = "/agents/"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" }, Action = "sts:AssumeRole" }] })
}
`;
  const TEXT = (group: string) => `{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"},
  {"Effect": "Deny", "Action": ["s3:Delete*", "s3:PutBucketPolicy"], "Resource": "*"},
  {"Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": "arn:aws:logs:*:*:log-group:${group}"}
]}`;
  const WORK = (policy: string) => `
resource "aws_iam_role_policy" "work" {
  role   = aws_iam_role.agent.name
  name   = "work"
  policy = ${policy}
}
`;

  test("its Deny is not relied on, though the variable is only in another statement; the step and the fix say why", async () => {
    const a = await hcl({ "main.tf": S3_HEAD + WORK(`<<EOT\n${TEXT("${var.group}")}\nEOT`) });
    expect(holds(a, "s3:DeleteBucket", "arn:aws:s3:::prod-data-111")).toBe(true);
    const f = a.findings.find((x) => x.ruleId === "agent-destroy-right");
    expect(stepOf(f, "deny-not-relied-on")).toContain(INJECTS);
    expect(stepOf(f, "deny-not-relied-on")).toContain("var.group");
    expect(f?.fix).toContain("build the policy with jsonencode() or the aws_iam_policy_document data source");
  });

  test("its Allows keep their reading by the default", async () => {
    const a = await hcl({ "main.tf": S3_HEAD + WORK(`<<EOT\n${TEXT("${var.group}")}\nEOT`) });
    expect(holds(a, "logs:PutLogEvents", "arn:aws:logs:us-east-1:111111111111:log-group:agent-logs")).toBe(true);
    expect(holds(a, "logs:PutLogEvents", "arn:aws:logs:us-east-1:111111111111:log-group:other")).toBe(false);
  });

  test("controls: jsonencode() with the same variable, the variable in a --var-file, no variable: the Deny is relied on", async () => {
    const encoded = `jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Action = ["s3:*"], Resource = "*" },
    { Effect = "Deny", Action = ["s3:Delete*", "s3:PutBucketPolicy"], Resource = "*" },
    { Effect = "Allow", Action = ["logs:PutLogEvents"], Resource = "arn:aws:logs:*:*:log-group:\${var.group}" }
  ] })`;
    for (const a of [
      await hcl({ "main.tf": S3_HEAD + WORK(encoded) }),
      await hcl({ "main.tf": S3_HEAD + WORK(`<<EOT\n${TEXT("${var.group}")}\nEOT`) }, new Map([["group", "agent-logs"]])),
      await hcl({ "main.tf": S3_HEAD + WORK(`<<EOT\n${TEXT("agent-logs")}\nEOT`) }),
    ]) {
      expect(holds(a, "s3:DeleteBucket", "arn:aws:s3:::prod-data-111")).toBe(false);
      expect(a.findings.filter((f) => f.ruleId === "agent-destroy-right")).toEqual([]);
      expect(JSON.stringify(a.findings)).not.toContain(INJECTS);
    }
  });
});

describe("cdk.tf.json: a policy string with ${var.x} in it", () => {
  const STACK = (boundaryPolicy: string) => ({
    provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["123456789012"] }] },
    variable: { account_id: { type: "string", default: "123456789012" } },
    resource: {
      aws_iam_role: {
        agent: {
          name: "agent",
          path: "/agents/",
          permissions_boundary: "${aws_iam_policy.boundary.arn}",
          assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/runner" }, Action: "sts:AssumeRole" }] }),
        },
        admin: { name: "admin", assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole" }] }) },
      },
      aws_iam_role_policy_attachment: { admin: { role: "${aws_iam_role.admin.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } },
      aws_iam_policy: { boundary: { name: "agent-boundary", policy: boundaryPolicy } },
      aws_iam_role_policy: {
        work: { role: "${aws_iam_role.agent.name}", name: "work", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["sts:AssumeRole"], Resource: "${aws_iam_role.admin.arn}" }] }) },
      },
    },
  });
  const TEXT = BOUNDARY_JSON("${var.account_id}").replace(/\n/g, "");
  const INJECTION = '123456789012:role/x","*","arn:aws:iam::123456789012';

  test("the boundary caps nothing (the round's own case)", async () => {
    expectCapsNothing(await cdkJson(STACK(TEXT)));
  });

  test("a --var-file value is written in verbatim, as Terraform writes it: a quote in it adds \"*\" to the NotResource", async () => {
    expectRelied(await cdkJson(STACK(TEXT), new Map([["account_id", "123456789012"]])));
    const a = await cdkJson(STACK(TEXT), new Map([["account_id", INJECTION]]));
    const deny = boundaryOf(a)?.document.statements.find((st) => st.effect === "Deny");
    expect(deny?.notResources).toEqual(["arn:aws:iam::123456789012:role/x", "*", "arn:aws:iam::123456789012:role/agents/*"]);
    expect(holds(a, "sts:AssumeRole", ADMIN)).toBe(true);
  });

  test("fails closed: a --var-file value that leaves no JSON makes the boundary unreadable, and the reason says why", async () => {
    const a = await cdkJson(STACK(TEXT), new Map([["account_id", '123"x']]));
    expect(boundaryOf(a)).toBeUndefined();
    expect(holds(a, "sts:AssumeRole", ADMIN)).toBe(true);
    const step = stepOf(ruleFinding(a, "agent-role-boundary"), "resource");
    expect(step).toContain("with the value of var.account_id written into its text verbatim as Terraform writes it, is not valid JSON");
  });

  test("control: the document as ${jsonencode(...)} is read per string, its Deny relied on", async () => {
    const encoded =
      '${jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "sts:AssumeRole"], Resource = "*" }, ' +
      '{ Sid = "DenyChain", Effect = "Deny", Action = ["sts:AssumeRole", "sts:TagSession"], NotResource = ["arn:aws:iam::${var.account_id}:role/agents/*"] }] })}';
    expectRelied(await cdkJson(STACK(encoded)));
  });
});

describe("F3: a Deny whose NotResource a variable widens to a whole service keeps the step that says why", () => {
  test("jsonencode, NotResource arn:aws:s3:::${var.scratch}: the deny-not-relied-on step names var.scratch", async () => {
    const text = `provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111111111111"]
}
variable "scratch" {
  type    = string
  default = "scratch-111"
}
resource "aws_s3_bucket" "data" {
  bucket = "prod-data-111"
}
resource "aws_iam_role" "agent" {
  name               = "agent"
  path               = "/agents/"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" }, Action = "sts:AssumeRole" }] })
}
resource "aws_iam_role_policy" "work" {
  role   = aws_iam_role.agent.name
  name   = "work"
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Action = ["s3:*"], Resource = "*" },
    { Effect = "Deny", Action = ["s3:Delete*", "s3:PutBucketPolicy"], NotResource = ["arn:aws:s3:::\${var.scratch}", "arn:aws:s3:::\${var.scratch}/*"] }
  ] })
}
`;
    const a = await hcl({ "main.tf": text });
    expect(holds(a, "s3:DeleteBucket", "arn:aws:s3:::prod-data-111")).toBe(true);
    expect(steps(a, "deny-not-relied-on").some((e) => e.detail.includes("var.scratch"))).toBe(true);
  });
});
