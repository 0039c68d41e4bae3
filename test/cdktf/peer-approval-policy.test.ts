/**
 * The synth gate reads the stack of the App that holds the account's auto-approval policy for just-in-time node access
 * (red-team round 133, F3): the agent's stack names no such stack, yet the policy approves its requests at once, so the
 * gate judges it as `blastwall check cdktf.out` does.
 */
import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App, Aspects, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { SsmDocument } from "@cdktf/provider-aws/lib/ssm-document";
import { BlastwallChecks } from "../../lib/cdktf";
import { handWrittenAgent } from "../helpers/cdktf-agent";

const ACCOUNT = "111111111111";

function synth(central: "none" | "permit" | "other-account"): void {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "blastwall-approval-")) });
  Aspects.of(app).add(new BlastwallChecks());
  const doc = (Action: string[], Resource = "*") => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action, Resource }] });
  const agents = new TerraformStack(app, "agents");
  new AwsProvider(agents, "aws", { region: "us-east-1", allowedAccountIds: [ACCOUNT] });
  const jit = ["ssm:StartAccessRequest", "ssm:GetAccessToken"];
  const role = handWrittenAgent(agents, ACCOUNT, jit);
  new IamRolePolicy(agents, "Jit", { role: role.name, name: "jit", policy: doc(jit, `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*`) });
  const strong = new IamRole(agents, "Strong", { name: "strong", assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "ec2.amazonaws.com" } }] }) });
  new IamRolePolicy(agents, "StrongPolicy", { role: strong.name, policy: doc(["s3:DeleteObject"], "arn:aws:s3:::uploads/*") });
  const profile = new IamInstanceProfile(agents, "Profile", { name: "node", role: strong.name });
  new Instance(agents, "Web", { ami: "ami-12345678", instanceType: "t3.micro", iamInstanceProfile: profile.name });
  if (central !== "none") {
    const stack = new TerraformStack(app, "central");
    new AwsProvider(stack, "aws", { region: "us-east-1", allowedAccountIds: [central === "permit" ? ACCOUNT : "222222222222"] });
    new SsmDocument(stack, "Auto", { name: "auto-approval", documentType: "AutoApprovalPolicy", documentFormat: "TEXT", content: 'permit (principal, action == AWS::SSM::Action::"getTokenForInstanceAccess", resource);' });
  }
  app.synth();
}

test("the controls: no central stack, or one pinned to another account", () => {
  expect(() => synth("none")).not.toThrow();
  expect(() => synth("other-account")).not.toThrow();
});

test("a central stack's auto-approval policy stops the synth of the agent's stack", () => {
  expect(() => synth("permit")).toThrow(/\[agents\][\s\S]*agent-transitive-destroy[\s\S]*the auto-approval policy aws_ssm_document\.Auto of stack central/);
});
