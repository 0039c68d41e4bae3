/**
 * Red-team round 178 (lead): a root variable named only in a template directive (`%{ if var.keep_deny }`,
 * `%{ for x in var.list }`) decides which text the template prints, so `-var keep_deny=false` removes a Deny statement
 * written between the directive's tags. Such a variable is settable exactly as one in a `${...}` interpolation: the
 * Deny is not relied on, a boundary holding it caps nothing. A --var-file value, or no variable, keeps it relied on.
 */
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { analyzeStack } from "../../lib/engine/analyze";
import { grantsFor } from "../../lib/engine/iam/evaluate";
import { loadHclStack } from "../../lib/hcl/load-hcl";
import { loadStacks } from "../../lib/check/run-check";
import { allRules } from "../../lib/rules";
import type { TfStack } from "../../lib/engine/terraform/types";

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "bw-directive-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const analyzed = (stack: TfStack) => analyzeStack(stack, { config: { agents: { names: ["agent"] } }, rules: allRules });
type Analyzed = ReturnType<typeof analyzed>;

/** Each input in a folder of its own: a test reads several. */
const fresh = () => mkdtempSync(join(dir, "in-"));

async function hcl(body: string, varFile?: ReadonlyMap<string, unknown>): Promise<Analyzed> {
  const folder = fresh();
  writeFileSync(join(folder, "main.tf"), body);
  return analyzed(await loadHclStack(folder, varFile));
}

async function tfJson(doc: object, varFile?: ReadonlyMap<string, unknown>): Promise<Analyzed> {
  const path = join(fresh(), "cdk.tf.json");
  writeFileSync(path, JSON.stringify(doc));
  const [stack] = await loadStacks({ kind: "json", path }, varFile);
  return analyzed(stack);
}

const AGENT = "aws_iam_role.agent";
const ADMIN = "arn:aws:iam::123456789012:role/admin";
const reachesAdmin = (a: Analyzed) => grantsFor(a.analysis.rightsOf(AGENT), "sts:AssumeRole", ADMIN).length > 0;

const ALLOW = `{"Effect": "Allow", "Action": ["s3:GetObject", "sts:AssumeRole"], "Resource": "*"}`;
const DENY = `{"Sid": "DenyChain", "Effect": "Deny", "Action": ["sts:AssumeRole", "sts:TagSession"], "NotResource": ["arn:aws:iam::123456789012:role/agents/*"]}`;
/** The boundary's text, the Deny between `open` and `close` (a directive's tags, or nothing). */
const BOUNDARY = (open: string, close: string) => `{"Version": "2012-10-17", "Statement": [${ALLOW}${open}, ${DENY}${close}]}`;
const IF = ["%{ if var.keep_deny }", "%{ endif }"] as const;
const FOR = ["%{ for s in var.sids }", "%{ endfor }"] as const;

const HCL = (policy: string) => `
provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["123456789012"]
}
variable "keep_deny" {
  type    = bool
  default = true
}
variable "sids" {
  type    = list(string)
  default = ["one"]
}
resource "aws_iam_role" "agent" {
  name                 = "agent"
  path                 = "/agents/"
  permissions_boundary = aws_iam_policy.boundary.arn
  assume_role_policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:role/runner" }, Action = "sts:AssumeRole" }] })
}
resource "aws_iam_policy" "boundary" {
  name   = "agent-boundary"
  policy = ${policy}
}
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
const HEREDOC = (open: string, close: string) => `<<EOT\n${BOUNDARY(open, close)}\nEOT`;

const JSON_STACK = (policy: string) => ({
  provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["123456789012"] }] },
  variable: { keep_deny: { type: "bool", default: true }, sids: { type: "list(string)", default: ["one"] } },
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
    aws_iam_policy: { boundary: { name: "agent-boundary", policy } },
    aws_iam_role_policy: {
      work: { role: "${aws_iam_role.agent.name}", name: "work", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["sts:AssumeRole"], Resource: "${aws_iam_role.admin.arn}" }] }) },
    },
  },
});

const stepOf = (a: Analyzed, rule: string, step: string) => a.findings.find((f) => f.ruleId === rule)?.evidence.find((e) => e.step === step)?.detail ?? "";

describe("a boundary whose Deny is written inside a directive over a variable -var can set caps nothing", () => {
  test("HCL heredoc, %{ if var.keep_deny } and %{ for s in var.sids }", async () => {
    expect(reachesAdmin(await hcl(HCL(HEREDOC(...IF))))).toBe(true);
    expect(reachesAdmin(await hcl(HCL(HEREDOC(...FOR))))).toBe(true);
  });
  test("cdk.tf.json policy string, %{ if var.keep_deny } and %{ for s in var.sids }", async () => {
    expect(reachesAdmin(await tfJson(JSON_STACK(BOUNDARY(...IF))))).toBe(true);
    expect(reachesAdmin(await tfJson(JSON_STACK(BOUNDARY(...FOR))))).toBe(true);
  });
  test("controls: no directive relies on the Deny; so does the HCL reader given the variable by --var-file", async () => {
    expect(reachesAdmin(await hcl(HCL(HEREDOC("", ""))))).toBe(false);
    expect(reachesAdmin(await tfJson(JSON_STACK(BOUNDARY("", ""))))).toBe(false);
    expect(reachesAdmin(await hcl(HCL(HEREDOC(...IF)), new Map([["keep_deny", true]])))).toBe(false);
  });
});

/** The agent may delete buckets; `guard`'s Deny stops it where it exists, `count` as given. */
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/runner" }, Action: "sts:AssumeRole" }] });
const DESTROY = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:DeleteBucket", Resource: "*" }] });
const GUARD = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "s3:DeleteBucket", Resource: "*" }] });
const COUNT = "%{ if var.keep_deny }1%{ else }0%{ endif }";
const GUARDED_JSON = (count: unknown) => ({
  provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["123456789012"] }] },
  variable: { keep_deny: { type: "bool", default: true } },
  resource: {
    aws_iam_role: { agent: { name: "agent", assume_role_policy: TRUST } },
    aws_iam_role_policy: {
      work: { role: "${aws_iam_role.agent.name}", name: "work", policy: DESTROY },
      guard: { count, role: "${aws_iam_role.agent.name}", name: "guard", policy: GUARD },
    },
  },
});
const GUARDED_HCL = (count: string) => `
provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["123456789012"]
}
variable "keep_deny" {
  type    = bool
  default = true
}
resource "aws_iam_role" "agent" {
  name               = "agent"
  assume_role_policy = ${JSON.stringify(TRUST)}
}
resource "aws_iam_role_policy" "work" {
  role   = aws_iam_role.agent.name
  name   = "work"
  policy = ${JSON.stringify(DESTROY)}
}
resource "aws_iam_role_policy" "guard" {
  count  = ${count}
  role   = aws_iam_role.agent.name
  name   = "guard"
  policy = ${JSON.stringify(GUARD)}
}
`;
const deletes = (a: Analyzed) => grantsFor(a.analysis.rightsOf(AGENT), "s3:DeleteBucket", "arn:aws:s3:::data").length > 0;

describe("a Deny whose holder's count names a variable only in a directive is not relied on", () => {
  test("cdk.tf.json: the agent keeps s3:DeleteBucket, and the step names the count and the variable", async () => {
    const a = await tfJson(GUARDED_JSON(COUNT));
    expect(deletes(a)).toBe(true);
    expect(stepOf(a, "agent-destroy-right", "deny-not-relied-on")).toContain(
      "aws_iam_role_policy.guard's count depends on var.keep_deny, which -var can set otherwise (blastwall reads it by its default or tfvars value), so its Deny may not apply",
    );
  });
  test("HCL folder: the same", async () => {
    const a = await hcl(GUARDED_HCL(JSON.stringify(COUNT)));
    expect(deletes(a)).toBe(true);
    expect(stepOf(a, "agent-destroy-right", "deny-not-relied-on")).toContain("var.keep_deny");
  });
  test("controls: the variable given by --var-file, or a literal count, relies on the Deny", async () => {
    const fixed = new Map<string, unknown>([["keep_deny", true]]);
    expect(deletes(await tfJson(GUARDED_JSON(COUNT), fixed))).toBe(false);
    expect(deletes(await hcl(GUARDED_HCL(JSON.stringify(COUNT)), fixed))).toBe(false);
    expect(deletes(await tfJson(GUARDED_JSON(1)))).toBe(false);
    expect(deletes(await hcl(GUARDED_HCL("1")))).toBe(false);
  });
});
