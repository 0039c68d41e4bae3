/**
 * Each regular-expression match has a time limit, but a configuration may ask for thousands of matches (`for` over a
 * `range`): whoever writes the repository could hold the gate for as long as CI lets it run (red-team round 85: 10,000
 * catastrophic matches, 100 ms each). One budget covers every match of one reading of a configuration; once spent,
 * every match is unknown, and what depends on it fails closed.
 */
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { matchAt, regexBudget, translateRe2 } from "../../lib/hcl/re2";
import { dir } from "./helpers";

const EVIL = "a".repeat(40) + "!";
const AGENT = `resource "aws_iam_role" "agent" {
  name               = "agent"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" } }] })
  tags               = { "blastwall:agent" = "true" }
}
`;

/** agent-destroy-right findings of an agent whose actions depend on whether `call` (over `i` in 0..19) matched anything. */
async function destroyFindings(call: string) {
  const d = dir({
    "main.tf": `${AGENT}locals {
  hits = flatten([for i in range(20) : ${call}])
}
resource "aws_iam_role_policy" "agent" {
  role   = aws_iam_role.agent.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = length(local.hits) == 0 ? ["logs:GetLogEvents"] : ["s3:DeleteObject"], Resource = "*" }] })
}
`,
  });
  return (await checkPaths([d], { config: {}, rules: agentRules })).findings.filter((f) => f.ruleId === "agent-destroy-right");
}

describe("regex budget", () => {
  test("a spent budget makes even a cheap match unknown; a match draws on the budget", () => {
    const re = translateRe2("a+")!;
    expect(matchAt(re, "baaa", 0, { remainingMs: 0 })).toBe("timeout");
    const budget = regexBudget();
    const before = budget.remainingMs;
    const m = matchAt(re, "baaa", 0, budget);
    expect(m).toEqual({ start: 1, end: 4, texts: ["aaa"] });
    expect(budget.remainingMs).toBeLessThan(before);
    expect(budget.remainingMs).toBeGreaterThan(before - 50);
  });

  test("a pattern that runs out of time leaves what depends on it unknown: the policy built on it fails closed", async () => {
    const destroy = await destroyFindings(`regexall("^(?:a|a)*$", "${EVIL}\${i}")`);
    // Unknown, not "no match": the statement's actions are unknown, and counted as every action.
    expect(destroy.length).toBeGreaterThan(0);
    expect(destroy[0].message).toContain("are unknown");
  });

  test("the budget is one for the whole configuration: once spent, a cheap match elsewhere is unknown too", async () => {
    const d = dir({
      "main.tf": `resource "aws_iam_role" "agent" {
  name               = "agent"
  description        = length(flatten([for i in range(15) : regexall("^(?:a|a)*$", "${EVIL}\${i}")])) == 0 ? "none" : "some"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" } }] })
  tags               = { "blastwall:agent" = "true" }
}
`,
      "policy.tf": `resource "aws_iam_role_policy" "agent" {
  role   = aws_iam_role.agent.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = regexall("logs:[A-Za-z]+", "logs:GetLogEvents"), Resource = "*" }] })
}
`,
    });
    const report = await checkPaths([d], { config: {}, rules: agentRules });
    const destroy = report.findings.filter((f) => f.ruleId === "agent-destroy-right");
    expect(destroy.map((f) => f.message)).toEqual([expect.stringContaining("are unknown")]);
  });

  test("control: the same configuration with a pattern that answers at once is read, and passes", async () => {
    expect(await destroyFindings(`regexall("^b+$", "aaa\${i}")`)).toEqual([]);
  });
});
