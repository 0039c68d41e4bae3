/**
 * Red-team round 84, finding 3: a grant from one of a role's own `inline_policy` blocks was named by the role's
 * address alone ("granted by aws_iam_role.r statement #0"), ambiguous among several blocks, and its evidence said the
 * role was attached to itself. The block is named by its `name`, and no attachment step is shown for it.
 */
import { check, errors, policy, TRUST, tf } from "../helpers/tf";
import { dir } from "../hcl/helpers";
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";

const AGENT = { "blastwall:agent": "true" };
const LOGS = policy({ Effect: "Allow", Action: "logs:GetLogEvents", Resource: "*" });
const OPS = policy({ Effect: "Allow", Action: "ec2:DeleteSnapshot", Resource: "*" });

describe("inline_policy blocks of the role itself (cdk.tf.json)", () => {
  const json = (blocks: unknown) => tf({ "aws_iam_role.r": { name: "r", assume_role_policy: TRUST, tags: AGENT, inline_policy: blocks } });

  test("several static blocks: the grant names the block by its name, and no attachment of the role to itself", () => {
    const [f] = errors(check(json([{ name: "logs", policy: LOGS }, { name: "ops", policy: OPS }])), "agent-destroy-right");
    expect(f.message).toContain('granted by aws_iam_role.r inline_policy "ops" statement #0.');
    expect(f.evidence.map((e) => e.step)).not.toContain("attachment");
    expect(f.evidence.find((e) => e.step === "statement")?.detail).toBe('inline_policy "ops" statement #0: Allow ec2:DeleteSnapshot on *');
    expect(JSON.stringify(f.evidence)).not.toMatch(/attaches aws_iam_role\.r to aws_iam_role\.r/);
  });

  test("a block whose name blastwall cannot read is named by its place", () => {
    const [f] = errors(check(json([{ name: "logs", policy: LOGS }, { name: "${var.n}", policy: OPS }])), "agent-destroy-right");
    expect(f.message).toContain("granted by aws_iam_role.r inline_policy[1] statement #0.");
  });

  test("control: a policy attached by another resource keeps its attachment step", () => {
    const j = tf({
      "aws_iam_role.r": { name: "r", assume_role_policy: TRUST, tags: AGENT },
      "aws_iam_policy.p": { name: "p", policy: OPS },
      "aws_iam_role_policy_attachment.a": { role: "${aws_iam_role.r.name}", policy_arn: "${aws_iam_policy.p.arn}" },
    });
    const [f] = errors(check(j), "agent-destroy-right");
    expect(f.message).toContain("granted by aws_iam_policy.p statement #0.");
    expect(f.evidence.find((e) => e.step === "attachment")?.detail).toBe("attaches aws_iam_policy.p to aws_iam_role.r");
  });
});

test('a dynamic "inline_policy" block in HCL: the grant names the block it made', async () => {
  const d = dir({
    "main.tf": `locals {
  inline = {
    logs = { actions = ["logs:GetLogEvents"] }
    ops  = { actions = ["ec2:DeleteSnapshot"] }
  }
}
resource "aws_iam_role" "agent2" {
  name               = "ai-helper"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111111111111:role/runner" } }] })
  tags               = { "blastwall:agent" = "true" }
  dynamic "inline_policy" {
    for_each = local.inline
    content {
      name   = inline_policy.key
      policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = inline_policy.value.actions, Resource = "*" }] })
    }
  }
}
`,
  });
  const [f] = (await checkPaths([d], { config: {}, rules: agentRules })).findings.filter((x) => x.ruleId === "agent-destroy-right");
  expect(f.message).toContain('granted by aws_iam_role.agent2 inline_policy "ops" statement #0.');
  expect(f.evidence.map((e) => e.step)).not.toContain("attachment");
});
