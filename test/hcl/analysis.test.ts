/**
 * HCL configurations through the engine's analysis: the same findings as the JSON path gives, each pointing
 * at a resource that knows its `file:line`. Covers every attachment form and the escalation paths of the
 * core and transitive-reach issues, written as plain Terraform.
 */
import { join } from "path";
import { analyzeStack } from "../../lib/engine/analyze";
import type { BlastwallConfig } from "../../lib/engine/config-types";
import type { Finding } from "../../lib/engine/findings";
import type { TfStack } from "../../lib/engine/terraform/types";
import { loadHclStack } from "../../lib/hcl/load-hcl";
import { allRules } from "../../lib/rules";

const fixture = (name: string) => join(__dirname, "..", "fixtures", "hcl", name);
const config: BlastwallConfig = {};

async function analyse(name: string): Promise<{ stack: TfStack; findings: Finding[] }> {
  const stack = await loadHclStack(fixture(name));
  return { stack, findings: analyzeStack(stack, { config, rules: allRules }).findings };
}

/** The resources that grant `ruleId` findings to `principal`. */
function grantedBy(findings: readonly Finding[], ruleId: string, principal: string): string[] {
  return [...new Set(findings.filter((f) => f.ruleId === ruleId && f.principal === principal).map((f) => f.resource))].sort();
}

test("every attachment form reaches the agent role and the agent user", async () => {
  const { stack, findings } = await analyse("attachments");
  expect(grantedBy(findings, "agent-destroy-right", "aws_iam_role.agent")).toEqual([
    // An AWS managed policy's finding names what attaches it: nobody can edit the policy (red-team round 121).
    "aws_iam_policy.managed", // managed_policy_arns and aws_iam_role_policy_attachment
    "aws_iam_policy_attachment.shared", // aws_iam_policy_attachment (roles) of AmazonEC2FullAccess
    "aws_iam_role_policy.inline", // aws_iam_role_policy
    "data.aws_iam_policy_document.delete", // inline_policy block with a policy document
  ]);
  expect(grantedBy(findings, "agent-destroy-right", "aws_iam_user.bot")).toEqual([
    "aws_iam_group_policy.ops", // aws_iam_group_policy via aws_iam_group_membership / user_group_membership
    "aws_iam_group_policy_attachment.ops", // AmazonRDSFullAccess, by aws_iam_group_policy_attachment via membership
    "aws_iam_policy_attachment.shared", // AmazonEC2FullAccess, by aws_iam_policy_attachment (users, groups)
    "aws_iam_user_policy.bot", // aws_iam_user_policy (heredoc)
    "aws_iam_user_policy_attachment.bot", // AmazonS3FullAccess, by aws_iam_user_policy_attachment
  ]);
  // Through a group too, the attachment step names the group's attachment, so the finding's line is the attachment's.
  const grouped = findings.find((f) => f.resource === "aws_iam_group_policy_attachment.ops")!;
  expect(grouped.evidence.find((e) => e.step === "attachment")).toMatchObject({ address: "aws_iam_group_policy_attachment.ops", location: "main.tf:115" });
  // The runner can place each finding: the principal and every in-stack resource know their line.
  for (const f of findings) {
    expect(stack.byAddress.get(f.principal)?.location).toMatch(/^main\.tf:\d+$/);
  }
  expect(stack.byAddress.get("aws_iam_role_policy.inline")?.location).toBe("main.tf:51");
});

test("escalation paths: assume role, rewriting its own policy, and an unreadable policy", async () => {
  const { stack, findings } = await analyse("escalation");
  expect(grantedBy(findings, "agent-destroy-right", "aws_iam_role.agent")).toEqual([]);
  expect(grantedBy(findings, "agent-transitive-destroy", "aws_iam_role.agent")).toEqual(["aws_iam_role.deployer"]);
  expect(grantedBy(findings, "agent-self-escalation", "aws_iam_role.agent")).toEqual(["data.aws_iam_policy_document.self"]);
  const unreadable = findings.filter((f) => f.ruleId === "unanalysable-policy");
  expect(unreadable.map((f) => f.resource)).toEqual(["aws_iam_role_policy.extra"]);
  expect(unreadable[0].message).toContain("${var.extra_policy}");
  expect(stack.byAddress.get("aws_iam_role_policy.extra")?.location).toBe("main.tf:57");
});

test(".tf.json files in the directory are analysed with the .tf files", async () => {
  const { findings } = await analyse("overrides");
  expect(grantedBy(findings, "agent-destroy-right", "aws_iam_user.from_json")).toEqual(["aws_iam_user_policy_attachment.from_json"]);
  // override.tf replaced the harmless policy by one that deletes buckets.
  expect(grantedBy(findings, "agent-destroy-right", "aws_iam_role.agent")).toEqual(["aws_iam_role_policy.agent"]);
});

test("expanded count instances never pass silently", async () => {
  const { findings } = await analyse("expansion");
  // Each agent instance's PowerUserAccess attachment refers to `aws_iam_role.agent[N].name`. An engine that
  // follows instance addresses reports the destroy right on the instance; one that does not yet fails closed
  // on the attachment. Either way the stack fails.
  for (const i of [0, 1]) {
    const direct = findings.some((f) => f.ruleId === "agent-destroy-right" && f.principal === `aws_iam_role.agent[${i}]`);
    const closed = findings.some((f) => f.ruleId === "unresolved-attachment" && f.resource === `aws_iam_role_policy_attachment.agent[${i}]`);
    expect(direct || closed).toBe(true);
  }
});

test("local modules never pass silently", async () => {
  const { findings } = await analyse("local-module");
  const direct = findings.some((f) => f.ruleId === "agent-destroy-right" && f.principal === "module.agent.aws_iam_role.this");
  const closed = findings.some((f) => f.ruleId === "unresolved-attachment" && f.resource === "aws_iam_role_policy_attachment.extra");
  expect(direct || closed).toBe(true);
});
