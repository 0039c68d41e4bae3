/**
 * The synth gate keeps what each stack gives a run of stacks between the validations of one synth (checks.ts
 * `runMemo`): an app whose stacks all hold IAM judged every stack at every validation. What is kept must never stand in
 * for a stack that changed since: here stack `b`'s aspect makes its role an agent in b's own synthesize step, after
 * stack `a` was validated on a read of b without it, and stack `c`'s deploy role is reached by that agent through a's
 * role. c's validation must see b as written.
 */
import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App, Aspects, TerraformStack } from "cdktf";
import type { IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { BlastwallChecks } from "../../lib/cdktf";

const ACCOUNT = "111111111111";
const trust = (principal: Record<string, string>) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" }] });
const allow = (action: string, resource: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: resource }] });

/** Makes every IAM role of the stack it is added to an agent, as a team's own aspect might. */
class TagAgents implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof IamRole) node.addOverride("tags", { "blastwall:agent": "true" });
  }
}

function app(opts: { tagInAspect: boolean; deployerRights: string }) {
  const a = new App({ outdir: mkdtempSync(join(tmpdir(), "blastwall-memo-")) });
  const stack = (id: string) => {
    const s = new TerraformStack(a, id);
    new AwsProvider(s, "aws", { region: "eu-west-1" });
    return s;
  };
  const sa = stack("a");
  const hop = new IamRole(sa, "hop", { name: "hop", assumeRolePolicy: trust({ AWS: `arn:aws:iam::${ACCOUNT}:role/coder` }) });
  new IamRolePolicy(sa, "hop-assume", { role: hop.name, policy: allow("sts:AssumeRole", `arn:aws:iam::${ACCOUNT}:role/deployer`) });
  const sb = stack("b");
  const coder = new IamRole(sb, "coder", { name: "coder", assumeRolePolicy: trust({ Service: "ec2.amazonaws.com" }) });
  new IamRolePolicy(sb, "coder-assume", { role: coder.name, policy: allow("sts:AssumeRole", `arn:aws:iam::${ACCOUNT}:role/hop`) });
  if (opts.tagInAspect) Aspects.of(sb).add(new TagAgents());
  const sc = stack("c");
  const deployer = new IamRole(sc, "deployer", { name: "deployer", assumeRolePolicy: trust({ AWS: `arn:aws:iam::${ACCOUNT}:role/hop` }) });
  new IamRolePolicy(sc, "deployer-rights", { role: deployer.name, policy: allow(opts.deployerRights, "*") });
  // b's own findings about its new agent (no boundary, ...) are not what this test is about.
  const acknowledgements = ["agent-role-boundary", "agent-source-identity", "agent-session-duration", "agent-reach-unknown"].map((ruleId) => ({
    ruleId,
    principal: "aws_iam_role.coder",
    reason: "this test is about stack c only",
  }));
  // Stack a cannot see c's deploy role: that the chain leaves a is not what this test is about either.
  acknowledgements.push({ ruleId: "agent-reach-unknown", principal: `outside:arn:aws:iam::${ACCOUNT}:role/coder`, reason: "this test is about stack c only" });
  Aspects.of(a).add(new BlastwallChecks({ config: { acknowledgements } }));
  return a;
}

describe("synth gate: what a stack gave the run is not reused once it changed", () => {
  test("an agent one stack's aspect adds is seen by a later stack reached through a third", () => {
    expect(() => app({ tagInAspect: true, deployerRights: "ec2:DeleteVolume" }).synth()).toThrow(/error finding\(s\) in stack "c"[\s\S]*coder[\s\S]*ec2:DeleteVolume/);
  });

  test("control: the same chain to a role that destroys nothing passes", () => {
    expect(() => app({ tagInAspect: true, deployerRights: "ec2:DescribeVolumes" }).synth()).not.toThrow();
  });

  test("control: with no agent at all, the destroying role passes", () => {
    expect(() => app({ tagInAspect: false, deployerRights: "ec2:DeleteVolume" }).synth()).not.toThrow();
  });
});
