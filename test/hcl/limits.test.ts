/**
 * Valid Terraform that goes beyond what the evaluator can expand: a chain of locals thousands deep, a count in the
 * millions. One clear line (exit 2), or one representative instance, never an internal error (red-team).
 */
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runCli } from "../../lib/cli/main";

async function check(tf: string) {
  const d = mkdtempSync(join(tmpdir(), "blastwall-limits-"));
  writeFileSync(join(d, "main.tf"), tf);
  let stdout = "";
  let stderr = "";
  const code = await runCli(["check", "--format", "json", d], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: d, env: {}, now: () => new Date("2026-11-26T00:00:00Z") });
  return { code, stdout, stderr };
}

describe("limits of the HCL evaluator", () => {
  test("a chain of 3,000 locals is bad input with one line naming the folder", async () => {
    const chain = Array.from({ length: 3000 }, (_, i) => (i === 0 ? 'a0 = "x"' : `a${i} = local.a${i - 1}`)).join("\n");
    const r = await check(`locals {\n${chain}\n}\nresource "aws_s3_bucket" "b" {\n  bucket = local.a2999\n}\n`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^blastwall: .*: an expression or a chain of locals is nested too deeply for blastwall to evaluate; split it up\n$/);
  });

  test("a count in the millions is judged by one representative instance", async () => {
    const r = await check(`resource "aws_iam_role" "r" {
  count              = 30000000
  name               = "agent"
  assume_role_policy = "{}"
  tags               = { "blastwall:agent" = "true" }
}
resource "aws_iam_role_policy" "p" {
  count  = 30000000
  role   = aws_iam_role.r[0].name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "ec2:DeleteVolume", Resource = "*" }] })
}
`);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toContain("agent-destroy-right");
  });
});
