/**
 * Locals that share values (`l2 = [local.l1, local.l1]`): a few lines stand for a tree of 2^N leaves. Written out
 * whole it took gigabytes and then the process (red-team round 98: N = 26 was killed by V8 after 139 s at 4.4 GB),
 * where Terraform keeps the parts shared. Past RENDER_BUDGET values the value is unknown, which fails closed.
 */
import { checkPaths } from "../../lib/check/run-check";
import { allRules } from "../../lib/rules";
import { RENDER_BUDGET, jsonencode, toTfJson, type Value } from "../../lib/hcl/values";
import { dir } from "./helpers";

const AGENT = (tag: string, resource: string) => `resource "aws_iam_role" "agent" {
  name               = "agent"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
  tags               = { "blastwall:agent" = ${tag} }
}
resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.agent.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = ${resource} }] })
}
`;

/** `l0` = `leaf`, `l_i` = `[l_{i-1}, l_{i-1}]`: 2^n leaves as a tree. */
function doubling(n: number, leaf = '"arn:aws:s3:::b/*"'): string {
  let s = `locals {\n  l0 = ${leaf}\n`;
  for (let i = 1; i <= n; i++) s += `  l${i} = [local.l${i - 1}, local.l${i - 1}]\n`;
  return s + "}\n";
}

async function findings(tf: string) {
  const r = await checkPaths([dir({ "main.tf": tf })], { config: {}, rules: allRules });
  return r.findings.map((f) => ({ rule: f.ruleId, message: f.message, resource: f.resource }));
}

describe("values that share their parts", () => {
  it("a 2^30-leaf local used nowhere is read without writing it out", async () => {
    const f = await findings(doubling(30) + AGENT('"true"', '"arn:aws:s3:::b/*"'));
    expect(f.map((x) => x.rule)).not.toContain("unanalysable-policy");
  });

  it("a policy built from a value too large to write out is unreadable: every action, and the message says why", async () => {
    const f = await findings(doubling(30) + AGENT('"true"', "local.l30"));
    const unreadable = f.find((x) => x.rule === "unanalysable-policy");
    expect(unreadable?.message).toContain("policy is built by ${too_large_to_evaluate()}, which blastwall cannot read; blastwall counts it as granting every action");
  });

  it("an agent tag too large to write out counts as the agent tag", async () => {
    const f = await findings(doubling(30) + AGENT("jsonencode(local.l30)", '"arn:aws:s3:::b/*"'));
    expect(f.map((x) => `${x.rule} ${x.resource}`)).toContain("agent-role-boundary aws_iam_role.agent");
  });

  it("a shared value within the budget is written out whole and read exactly", async () => {
    const f = await findings(doubling(10) + AGENT('"true"', "flatten(local.l10)"));
    expect(f.map((x) => x.rule)).not.toContain("unanalysable-policy");
    let v: Value = "x";
    for (let i = 0; i < 15; i++) v = [v, v]; // 2^16 - 1 values
    expect(JSON.stringify(toTfJson(v)) === JSON.stringify(v)).toBe(true);
    expect(typeof jsonencode(v)).toBe("string");
    v = [v, v]; // 2^17 - 1 values: over RENDER_BUDGET
    expect(2 ** 17 - 1).toBeGreaterThan(RENDER_BUDGET);
    expect(toTfJson(v)).toBe("${too_large_to_evaluate()}");
    expect(typeof jsonencode(v)).not.toBe("string");
  });
});
