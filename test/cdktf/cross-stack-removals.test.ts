/**
 * The synth gate sees what another stack of the App takes away from an agent (red-team round 130, F1 and F2): the
 * stack that strips the guards names the agent by reference or by a literal ARN, and the agent's stack never reads
 * it; the gate reads such stacks all the same, and judges the agent as `blastwall check cdktf.out` does.
 */
import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App, Aspects, Fn, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachmentsExclusive } from "@cdktf/provider-aws/lib/iam-role-policy-attachments-exclusive";
import { BlastwallChecks } from "../../lib/cdktf";
import { handWrittenAgent } from "../helpers/cdktf-agent";
import { AgentPrincipal, AgentRole } from "../../lib/constructs";

const ACCOUNT = "111111111111";

function synth(other: "none" | "exclusive" | "exclusive-other-role" | "import" | "import-other"): void {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "blastwall-removals-")) });
  Aspects.of(app).add(new BlastwallChecks());
  const agents = new TerraformStack(app, "agents");
  new AwsProvider(agents, "aws", { region: "eu-west-1", allowedAccountIds: [ACCOUNT] });
  const agent = new AgentRole(agents, "Coder", { roleName: "coder", assumedBy: [AgentPrincipal.role(`arn:aws:iam::${ACCOUNT}:role/agent-runner`)] });
  // The guards deny secretsmanager:DeleteSecret; this grant relies on them.
  new IamRolePolicy(agents, "Secrets", { role: agent.role.name, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "secretsmanager:*", Resource: "*" }] }) });
  const hygiene = new TerraformStack(app, "iam-hygiene");
  new AwsProvider(hygiene, "aws", { region: "eu-west-1", allowedAccountIds: [ACCOUNT] });
  if (other === "exclusive") new IamRolePolicyAttachmentsExclusive(hygiene, "NoManaged", { roleName: agent.role.name, policyArns: [] });
  if (other === "exclusive-other-role") new IamRolePolicyAttachmentsExclusive(hygiene, "NoManaged", { roleName: "auditor", policyArns: [] });
  if (other === "import" || other === "import-other") {
    const g = new IamPolicy(hygiene, "Guard2", { name: Fn.lower("Coder-Guard2"), path: "/agents/", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "secretsmanager:GetRandomPassword", Resource: "*" }] }) });
    g.importFrom(`arn:aws:iam::${ACCOUNT}:policy/agents/${other === "import" ? "coder-guard2" : "someone-else"}`);
  }
  app.synth();
}

test("the controls: no other stack's removal, a manager of another role, an import of another policy", () => {
  expect(() => synth("none")).not.toThrow();
  expect(() => synth("exclusive-other-role")).not.toThrow();
  expect(() => synth("import-other")).not.toThrow();
});

test("an exclusive manager in another stack that leaves the guards out stops the synth of the agent's stack", () => {
  expect(() => synth("exclusive")).toThrow(/\[agents\][\s\S]*agent-destroy-right[\s\S]*aws_iam_role_policy_attachments_exclusive\.NoManaged of stack iam-hygiene keeps only/);
});

test("an import of the guard policy in another stack stops it too", () => {
  expect(() => synth("import")).toThrow(/\[agents\][\s\S]*import\.aws_iam_policy\.Guard2 of stack iam-hygiene imports "arn:aws:iam::111111111111:policy\/agents\/coder-guard2"/);
});

/**
 * An agent role written without AgentRole, whose inline policy "guard" denies what its boundary leaves open and its
 * other inline policy grants; another stack writes an inline policy to it (red-team round 133, F1).
 */
function synthInline(other: "none" | "same-name" | "other-name"): void {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "blastwall-removals-")) });
  Aspects.of(app).add(new BlastwallChecks());
  const doc = (Effect: string, Action: string[]) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect, Action, Resource: "*" }] });
  const agents = new TerraformStack(app, "agents");
  new AwsProvider(agents, "aws", { region: "eu-west-1", allowedAccountIds: [ACCOUNT] });
  const role = handWrittenAgent(agents, ACCOUNT, ["ec2:DeleteVolume", "ec2:DescribeVolumes"]);
  new IamRolePolicy(agents, "Ops", { role: role.name, name: "ops", policy: doc("Allow", ["ec2:DeleteVolume", "ec2:DescribeVolumes"]) });
  new IamRolePolicy(agents, "Guard", { role: role.name, name: "guard", policy: doc("Deny", ["ec2:DeleteVolume"]) });
  const hygiene = new TerraformStack(app, "iam-hygiene");
  new AwsProvider(hygiene, "aws", { region: "eu-west-1", allowedAccountIds: [ACCOUNT] });
  if (other !== "none") new IamRolePolicy(hygiene, "Audit", { role: "coder", name: other === "same-name" ? "guard" : "audit", policy: doc("Allow", ["ec2:DescribeVolumes"]) });
  app.synth();
}

test("an inline policy of the guard's name in another stack, which names the agent only by a literal, stops the synth (round 133, F1)", () => {
  expect(() => synthInline("none")).not.toThrow();
  expect(() => synthInline("other-name")).not.toThrow();
  expect(() => synthInline("same-name")).toThrow(/\[agents\][\s\S]*agent-destroy-right[\s\S]*aws_iam_role_policy\.Audit of stack iam-hygiene writes the inline policy "guard" to role "coder"/);
});
