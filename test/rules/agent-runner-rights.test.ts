/**
 * agent-runner-rights (red-team round 83): the role that starts an agent's sessions, named by the agent's trust, is
 * where the agent runs; its own rights (an instance role through the metadata service) are within the agent's reach.
 */
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { agentRole, policy, tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/agent-runner-rights";
import { AgentPrincipal, AgentRole } from "../../lib/constructs";
import { synth } from "../constructs/helpers";

type Obj = Record<string, unknown>;
const EC2_TRUST = policy({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" });
const startsAgents = { Effect: "Allow", Action: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"], Resource: "arn:aws:iam::111111111111:role/agents/*" };

/** An agent whose trust admits `principal`, and a runner role with `runnerPolicy`. */
function stack(principal: unknown, runnerPolicy: Obj[]): Obj {
  return tf({
    "aws_iam_role.runner": { name: "runner", assume_role_policy: EC2_TRUST },
    "aws_iam_role_policy.runner": { role: "${aws_iam_role.runner.name}", policy: policy(...runnerPolicy) },
    "aws_iam_role.agent": agentRole({ assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole" }) }),
  });
}

describe("agent-runner-rights", () => {
  it("warns when the role the agent's trust names may itself delete data", () => {
    const [f, ...more] = run(rule, stack("${aws_iam_role.runner.arn}", [startsAgents, { Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }]));
    expect(more).toEqual([]);
    expect(f).toMatchObject({ principal: "aws_iam_role.agent", resource: "aws_iam_role.runner", actions: ["ec2:DeleteVolume"] });
    expect(f.severity).toBeUndefined(); // the rule's own: warning
    expect(rule.meta.severity).toBe("warning");
    expect(f.message).toContain("whose sessions aws_iam_role.runner starts (its trust names that role), and aws_iam_role.runner may itself ec2:DeleteVolume");
  });

  it("finds the runner however the trust names it: an aws:PrincipalArn condition, a data source of its name, a session ARN", () => {
    const admin = [startsAgents, { Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }];
    const viaCondition = tf({
      "aws_iam_role.runner": { name: "runner", assume_role_policy: EC2_TRUST },
      "aws_iam_role_policy.runner": { role: "${aws_iam_role.runner.name}", policy: policy(...admin) },
      "aws_iam_role.agent": agentRole({ assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRole", Condition: { ArnEquals: { "aws:PrincipalArn": "${aws_iam_role.runner.arn}" } } }) }),
    });
    expect(run(rule, viaCondition).map((f) => f.resource)).toEqual(["aws_iam_role.runner"]);
    const viaData = tf({
      "aws_iam_role.runner": { name: "runner", assume_role_policy: EC2_TRUST },
      "aws_iam_role_policy.runner": { role: "${aws_iam_role.runner.name}", policy: policy(...admin) },
      "data.aws_iam_role.r": { name: "runner" },
      "aws_iam_role.agent": agentRole({ assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "${data.aws_iam_role.r.arn}" }, Action: "sts:AssumeRole" }) }),
    });
    expect(run(rule, viaData).map((f) => f.resource)).toEqual(["aws_iam_role.runner"]);
    expect(run(rule, stack("arn:aws:sts::111111111111:assumed-role/runner/ci-job", admin)).map((f) => f.resource)).toEqual(["aws_iam_role.runner"]);
  });

  it("names escalation too, but not the session actions every runner needs", () => {
    const [f] = run(rule, stack("arn:aws:iam::111111111111:role/runner", [startsAgents, { Effect: "Allow", Action: "iam:PassRole", Resource: "*" }]));
    expect(f.actions).toEqual(["iam:PassRole"]);
  });

  it.each([
    ["a runner that only starts agent sessions", "${aws_iam_role.runner.arn}", [startsAgents]],
    ["a runner with a warning-graded right only", "${aws_iam_role.runner.arn}", [startsAgents, { Effect: "Allow", Action: "sqs:PurgeQueue", Resource: "*" }]],
    ["an agent trusting the account root (no runner named)", "arn:aws:iam::111111111111:root", [startsAgents, { Effect: "Allow", Action: "*", Resource: "*" }]],
  ])("control: %s", (_n, principal, runnerPolicy) => {
    expect(run(rule, stack(principal, runnerPolicy as Obj[]))).toEqual([]);
  });

  // Red-team round 99: the developer's Identity Center session the agent runs beside is its runner too.
  describe("a permission set that starts the agent's sessions", () => {
    const INSTANCE = "arn:aws:sso:::instance/ssoins-1111111111111111";
    const base = "arn:aws:iam::222222222222:role/aws-reserved/sso.amazonaws.com";
    const setStack = (principalArns: string[], managed = "arn:aws:iam::aws:policy/AdministratorAccess", principal = "arn:aws:iam::222222222222:root") =>
      tf({
        "aws_ssoadmin_permission_set.dev": { name: "Developer", instance_arn: INSTANCE },
        ...(managed.startsWith("{")
          ? { "aws_ssoadmin_permission_set_inline_policy.p": { instance_arn: INSTANCE, permission_set_arn: "${aws_ssoadmin_permission_set.dev.arn}", inline_policy: managed } }
          : { "aws_ssoadmin_managed_policy_attachment.m": { instance_arn: INSTANCE, permission_set_arn: "${aws_ssoadmin_permission_set.dev.arn}", managed_policy_arn: managed } }),
        "aws_iam_role.agent": agentRole({
          assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole", Condition: { ArnLike: { "aws:PrincipalArn": principalArns } } }),
        }),
      });

    it("warns when its roles, named as AgentPrincipal.identityCenterPermissionSet writes them, may delete data", () => {
      const [f, ...more] = run(rule, setStack([`${base}/AWSReservedSSO_Developer_????????????????`, `${base}/*/AWSReservedSSO_Developer_????????????????`]));
      expect(more).toEqual([]);
      expect(f).toMatchObject({ principal: "aws_iam_role.agent", resource: "aws_ssoadmin_permission_set.dev" });
      expect(f.actions).toContain("ec2:DeleteVolume");
      expect(f.message).toContain("whose sessions users of the Identity Center permission set aws_ssoadmin_permission_set.dev (Developer) start");
    });

    it("by its reserved role's full ARN, or a session of it", () => {
      expect(run(rule, setStack([`${base}/eu-west-1/AWSReservedSSO_Developer_0123456789abcdef`])).map((f) => f.resource)).toEqual(["aws_ssoadmin_permission_set.dev"]);
      expect(run(rule, setStack([], undefined, "arn:aws:sts::222222222222:assumed-role/AWSReservedSSO_Developer_0123456789abcdef/alice")).map((f) => f.resource)).toEqual([
        "aws_ssoadmin_permission_set.dev",
      ]);
    });

    it.each([
      ["another set's roles", [`${base}/AWSReservedSSO_Other_????????????????`], undefined],
      ["a longer name that starts with its name", [`${base}/AWSReservedSSO_Developer_Contractors_????????????????`], undefined],
      ["every set's roles (AWSReservedSSO_*): names no runner", [`${base}/AWSReservedSSO_*`], undefined],
      ["a set that may only describe volumes", [`${base}/AWSReservedSSO_Developer_????????????????`], policy({ Effect: "Allow", Action: "ec2:DescribeVolumes", Resource: "*" })],
    ])("control: %s", (_n, arns, managed) => {
      expect(run(rule, setStack(arns as string[], managed as string | undefined))).toEqual([]);
    });

    it("an AgentRole assumed through AgentPrincipal.identityCenterPermissionSet", () => {
      const { json } = synth((s) => {
        new AgentRole(s, "Agent", { roleName: "claude", assumedBy: [AgentPrincipal.identityCenterPermissionSet({ accountId: "222222222222", permissionSetName: "Developer" })] }).grantReadOnly("ec2");
      });
      const res = (json as Obj).resource as Record<string, Obj>;
      res["aws_ssoadmin_permission_set"] = { dev: { name: "Developer", instance_arn: INSTANCE } };
      res["aws_ssoadmin_managed_policy_attachment"] = { m: { instance_arn: INSTANCE, permission_set_arn: "${aws_ssoadmin_permission_set.dev.arn}", managed_policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } };
      expect(run(rule, json as Obj).map((f) => f.resource)).toEqual(["aws_ssoadmin_permission_set.dev"]);
    });
  });

  it("sees an AgentRole assumed by an EC2 runner with AdministratorAccess (the red-team's setup)", () => {
    const { json } = synth((s) => {
      const runner = new IamRole(s, "Runner", { name: "agent-runner", assumeRolePolicy: EC2_TRUST });
      new IamInstanceProfile(s, "Profile", { name: "agent-runner", role: runner.name });
      new IamRolePolicyAttachment(s, "Admin", { role: runner.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
      new AgentRole(s, "Agent", { roleName: "claude", assumedBy: [AgentPrincipal.role(runner.arn)] }).grantReadOnly("ec2");
    });
    const found = run(rule, json as Obj);
    expect(found).toHaveLength(1);
    expect(found[0].resource).toMatch(/^aws_iam_role\.Runner/);
    expect(found[0].actions.length).toBeGreaterThan(100);
  });
});
