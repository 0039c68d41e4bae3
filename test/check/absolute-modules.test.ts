/**
 * A module named by an absolute path: Terraform installs a copy of that folder, so what it creates is whatever the
 * folder holds. When the folder is on this machine, `blastwall check` reads it like a local module (its variables
 * given the caller's inputs); one that is not stays an `unknown-module` error (red-team round 85b).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runIn } from "../helpers/cli";
import { safeAgentStack } from "../helpers/tf";

/** Creates an admin role trusting whatever it is given. */
const ADMIN_MODULE = `
variable "trusted" { type = string }
resource "aws_iam_role" "r" {
  name               = "mod-admin"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = var.trusted }, Action = "sts:AssumeRole" }] })
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = aws_iam_role.r.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
`;

/** Same inputs, nothing the agent can use: a role trusting the agent with read-only rights. */
const HARMLESS_MODULE = `
variable "trusted" { type = string }
resource "aws_iam_role" "r" {
  name               = "mod-reader"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = var.trusted }, Action = "sts:AssumeRole" }] })
}
resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.r.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
}
`;

const AGENT = `
resource "aws_iam_role" "agent" {
  name               = "agent"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" }, Action = "sts:AssumeRole" }] })
  tags               = { "blastwall:agent" = "true" }
}
`;

/** A module folder somewhere else on disk, by its absolute path. */
function moduleFolder(body: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), "blastwall-absmod-")), "admin");
  mkdirSync(dir);
  writeFileSync(join(dir, "main.tf"), body);
  return dir;
}

function hclStack(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), "blastwall-absroot-"));
  writeFileSync(join(dir, "main.tf"), `${AGENT}\nmodule "adm" {\n  source  = ${JSON.stringify(source)}\n  trusted = aws_iam_role.agent.arn\n}\n`);
  return dir;
}

type Found = { ruleId: string; severity: string; principal: string; message: string };
const findingsOf = (stdout: string) => JSON.parse(stdout).findings as Found[];

describe("modules named by an absolute path", () => {
  test("an HCL stack: the module's admin role trusting the agent is the chain it is", async () => {
    const dir = hclStack(moduleFolder(ADMIN_MODULE));
    const r = await runIn(["check", "--format", "json", "."], dir);
    expect(r.code).toBe(1);
    const findings = findingsOf(r.stdout);
    expect(findings.map((f) => f.ruleId)).not.toContain("unknown-module");
    expect(findings.find((f) => f.ruleId === "agent-transitive-destroy")).toMatchObject({ severity: "error", principal: "aws_iam_role.agent" });
    expect(findings.find((f) => f.ruleId === "agent-transitive-destroy")!.message).toContain("module.adm.aws_iam_role.r");
  });

  test("a synthesized stack (cdk.tf.json) calling the folder is read with it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "blastwall-absjson-"));
    // The safe agent's guard denies sts:AssumeRole unless it is allowed, and an explicit Deny wins over a trust naming
    // the agent: the agent may assume the module's role by name.
    const json = safeAgentStack([
      { Effect: "Allow", Action: "ec2:DescribeVolumes", Resource: "*" },
      { Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::*:role/mod-admin" },
    ]) as { resource: { aws_iam_role: Record<string, unknown> } };
    const agent = Object.keys(json.resource.aws_iam_role)[0];
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify({ ...json, module: { adm: { source: moduleFolder(ADMIN_MODULE), trusted: `\${aws_iam_role.${agent}.arn}` } } }));
    const r = await runIn(["check", "--format", "json", "cdk.tf.json"], dir);
    expect(r.code).toBe(1);
    const findings = findingsOf(r.stdout);
    expect(findings.map((f) => f.ruleId)).not.toContain("unknown-module");
    expect(findings.find((f) => f.ruleId === "agent-transitive-destroy")?.message).toContain("module.adm.aws_iam_role.r");
  });

  test("control: a harmless folder is read (its resources counted) and reaches nothing", async () => {
    const dir = hclStack(moduleFolder(HARMLESS_MODULE));
    const r = await runIn(["check", "--format", "json", "."], dir);
    expect(r.stderr).toBe("");
    const ruleIds = findingsOf(r.stdout).map((f) => f.ruleId);
    expect(ruleIds).not.toContain("unknown-module");
    expect(ruleIds).not.toContain("agent-transitive-destroy");
    // The agent and the module's role and policy.
    expect(JSON.parse(r.stdout).summary.resources).toBe(3);
  });

  test("control: an absolute path that is no folder here stays an unknown-module error (not bad input)", async () => {
    const dir = hclStack(join(tmpdir(), "blastwall-no-such-module-folder", "admin"));
    const r = await runIn(["check", "--format", "json", "."], dir);
    expect(r.code).toBe(1);
    expect(findingsOf(r.stdout).find((f) => f.ruleId === "unknown-module")).toMatchObject({ severity: "error" });
  });

  test("a folder that calls itself by its absolute path is bad input, as a local cycle is", async () => {
    const mod = join(mkdtempSync(join(tmpdir(), "blastwall-absloop-")), "loop");
    mkdirSync(mod);
    writeFileSync(join(mod, "main.tf"), `module "again" {\n  source = ${JSON.stringify(mod)}\n}\n`);
    const r = await runIn(["check", "."], hclStack(mod));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/includes itself/);
  });
});
