/**
 * Fn.format and Fn.tostring in policies and trusts, as cdktf writes them into Terraform JSON
 * (`${format("arn:aws:iam::%s:role/ci", data.aws_caller_identity.me.account_id)}`): read as the ARN they build, with
 * what blastwall cannot know a wildcard in its place, not as `*`. A trust naming another role no longer admits the
 * agent; one naming the agent still does; a Deny built so certainly applies.
 */
import { Fn } from "cdktf";
import type { Construct } from "constructs";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { synth } from "../constructs/helpers";
import { check } from "../helpers/tf";

const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });

/**
 * An agent allowed to assume `deployer`, which can delete volumes. `trusted(account, agentName)` is the principal the
 * deployer's trust names; `deny(account)`, when given, the resource of a Deny of sts:AssumeRole in the agent's policy.
 */
function transitive(trusted: (account: string, agent: string) => string, deny?: (account: string) => string, deployerName = "deployer"): string[] {
  const { json } = synth((s: Construct) => {
    const me = new DataAwsCallerIdentity(s, "me");
    const agent = new IamRole(s, "agent", {
      name: "agent",
      assumeRolePolicy: doc({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }),
      tags: { "blastwall:agent": "true" },
    });
    const deployer = new IamRole(s, "deployer", {
      name: deployerName,
      assumeRolePolicy: doc({ Effect: "Allow", Principal: { AWS: trusted(me.accountId, agent.name) }, Action: "sts:AssumeRole" }),
    });
    new IamRolePolicy(s, "deletes", { role: deployer.name, policy: doc({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) });
    const statements: object[] = [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: deployer.arn }];
    if (deny) statements.push({ Effect: "Deny", Action: "sts:AssumeRole", Resource: deny(me.accountId) });
    new IamRolePolicy(s, "uses", { role: agent.name, policy: doc(...statements) });
  });
  return check(json)
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy")
    .map((f) => f.message);
}

describe("Fn.format and Fn.tostring in trust and identity policies", () => {
  it("a trust built by Fn.format naming another role does not admit the agent", () => {
    expect(transitive((account) => Fn.format("arn:aws:iam::%s:role/ci", [account]))).toEqual([]);
  });

  it.each([
    ["the agent's name", (account: string, agent: string) => Fn.format("arn:aws:iam::%s:role/%s", [account, agent])],
    ["a name it cannot know", (account: string) => Fn.format("arn:aws:iam::%s:role/%s", [account, Fn.lower("Agent")])],
    ["a verb it does not read", (account: string) => Fn.format("arn:aws:iam::%s:role/%q", [account, "agent"])],
    ["Fn.tostring of the account in a root ARN", (account: string) => `arn:aws:iam::${Fn.tostring(account)}:root`],
  ])("a trust built with %s still admits the agent", (_name, trusted) => {
    const [m, ...more] = transitive(trusted);
    expect(more).toEqual([]);
    expect(m).toContain("can act as aws_iam_role.deployer");
  });

  it("a Deny built by Fn.format certainly applies; one of a value it cannot know does not", () => {
    const trusted = (_a: string, agent: string) => Fn.format("arn:aws:iam::%s:role/%s", ["111111111111", agent]);
    expect(transitive(trusted, (account) => Fn.format("arn:aws:iam::%s:role/deployer", [account]))).toEqual([]);
    expect(transitive(trusted, () => Fn.format("arn:aws:iam::%s:role/deployer", [Fn.lower("X")]))).toHaveLength(1);
  });

  it("a Deny whose format prints a number as Terraform does not (%v of a million: 1e+06) does not certainly apply (red-team round 89)", () => {
    const trusted = (_a: string, agent: string) => Fn.format("arn:aws:iam::%s:role/%s", ["111111111111", agent]);
    const deny = (verb: string) => (account: string) => Fn.format(`arn:aws:iam::%s:role/deployer-${verb}`, [account, 1000000]);
    expect(transitive(trusted, deny("%v"), "deployer-1000000")).toHaveLength(1);
    expect(transitive(trusted, deny("%d"), "deployer-1000000")).toEqual([]);
  });
});
