/**
 * AWS Config remediations run SSM Automation documents as any role ssm.amazonaws.com may assume, passed by Config's
 * service-linked roles, with no iam:PassRole of the caller's (red-team round 155, F2): a conformance pack, an
 * organization conformance pack, or a remediation configuration written by the agent reaches every such role, and
 * roles outside the stack. Each stack is the red-team case: an agent with exactly the rights named, and a role `strong`
 * that can delete data and whose trust admits the service.
 */
import { check, errors, policy, tf, agentRole, SAFE_TRUST } from "../helpers/tf";
import { hijackStack } from "../helpers/hijack-stack";
import { agentGuardrails } from "../../lib/constructs/agent-boundary";

type Obj = Record<string, unknown>;

const SSM = "ssm.amazonaws.com";
const WRITES = ["config:PutConformancePack", "config:PutOrganizationConformancePack", "config:PutRemediationConfigurations"];

const transitive = (json: Obj) => errors(check(json), "agent-transitive-destroy").filter((f) => f.evidence.some((e) => e.address === "aws_iam_role.strong"));
const unknown = (json: Obj) => errors(check(json), "agent-reach-unknown");

describe("Config remediation writes reach every role ssm.amazonaws.com may assume (red-team round 155, F2)", () => {
  test.each(WRITES)("%s alone on * reaches the stack's role and roles outside the stack", (action) => {
    const json = hijackStack(SSM, {}, [action]);
    const [t] = transitive(json);
    expect(t.message).toContain(`aws_iam_role.agent --${action}--> aws_iam_role.strong`);
    expect(t.evidence.map((e) => e.detail).join("\n")).toContain("AWS Config's");
    const [u] = unknown(json);
    expect(u.message).toContain(`roles outside this stack that ${SSM} may assume, which AWS Config remediations written by ${action} on * run as`);
    expect(u.fix).toContain(`Take ${action} off the agent`);
  });

  test("the red-team set (PutConfigRule, PutRemediationConfigurations, StartRemediationExecution) and a pack named by ARN", () => {
    expect(transitive(hijackStack(SSM, {}, ["config:PutConfigRule", "config:PutRemediationConfigurations", "config:StartRemediationExecution"]))).toHaveLength(1);
    expect(transitive(hijackStack(SSM, {}, ["config:PutConformancePack"], "arn:aws:config:eu-west-1:111111111111:conformance-pack/ops-*"))).toHaveLength(1);
  });

  test("a role whose trust blastwall cannot read may be one (fail closed)", () => {
    const json = hijackStack(SSM, {}, ["config:PutConformancePack"]);
    ((json.resource as Obj).aws_iam_role as Record<string, Obj>).strong.assume_role_policy = "${var.trust}";
    expect(transitive(json)).toHaveLength(1);
  });

  test("controls: a role ssm.amazonaws.com may not assume, a pattern that names no pack or remediation, a rule write alone", () => {
    const lambda = hijackStack("lambda.amazonaws.com", {}, ["config:PutConformancePack"]);
    expect(transitive(lambda)).toEqual([]);
    // Roles outside the stack stay possible.
    expect(unknown(lambda)).toHaveLength(1);
    for (const [action, resource] of [
      ["config:PutConformancePack", "arn:aws:config:*:*:config-rule/*"],
      ["config:PutRemediationConfigurations", "arn:aws:config:*:*:conformance-pack/*"],
      ["config:PutOrganizationConformancePack", "arn:aws:s3:::packs/*"],
    ]) {
      const json = hijackStack(SSM, {}, [action], resource);
      expect([action, transitive(json), unknown(json)]).toEqual([action, [], []]);
    }
    // PutConfigRule on `*` reaches no role of the stack here, only the remediations of rules outside it (config-rule-rewrites.test.ts).
    const rule = check(hijackStack(SSM, {}, ["config:PutConfigRule", "config:DescribeRemediationConfigurations"]));
    expect(rule.findings.filter((f) => !f.acknowledged && f.ruleId !== "agent-role-boundary").map((f) => [f.ruleId, f.message.includes("Config rules outside this stack")])).toEqual([["agent-reach-unknown", true]]);
  });

  test("StartRemediationExecution alone runs the account's remediations: a destroy warning, not a reach", () => {
    const r = check(hijackStack(SSM, {}, ["config:StartRemediationExecution"]));
    expect(r.findings.filter((f) => !f.acknowledged && f.ruleId !== "agent-role-boundary").map((f) => [f.ruleId, f.severity])).toEqual([["agent-destroy-right", "warning"]]);
  });
});

describe("AgentRole's guardrails deny the Config remediation writes (red-team round 155, F2)", () => {
  const targets = { roleArn: "arn:*:iam::*:role/agents/agent", boundaryArn: "arn:*:iam::*:policy/agents/agent-boundary", guardArn: "arn:*:iam::*:policy/agents/agent-guard*" };
  /** The agent role as AgentRole sets it up: the boundary and guards of agentGuardrails(), and only `actions` allowed. */
  const guarded = (actions: string[]): Obj => {
    const { boundary, guards } = agentGuardrails(targets);
    const managed: Record<string, Obj> = {};
    guards.forEach((g, i) => {
      managed[`aws_iam_policy.guard${i}`] = { name: `agent-guard${i}`, path: "/agents/", policy: JSON.stringify({ Version: "2012-10-17", Statement: g }) };
      managed[`aws_iam_role_policy_attachment.guard${i}`] = { role: "${aws_iam_role.agent.name}", policy_arn: `\${aws_iam_policy.guard${i}.arn}` };
    });
    return tf({
      "aws_iam_policy.boundary": { name: "agent-boundary", path: "/agents/", policy: JSON.stringify({ Version: "2012-10-17", Statement: boundary }) },
      "aws_iam_role.agent": agentRole({ assume_role_policy: SAFE_TRUST, permissions_boundary: "${aws_iam_policy.boundary.arn}", max_session_duration: 3600 }),
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: actions, Resource: "*" }) },
      "aws_iam_role.strong": { name: "strong", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: SSM }, Action: "sts:AssumeRole" }) },
      "aws_iam_role_policy_attachment.strong": { role: "${aws_iam_role.strong.name}", policy_arn: "arn:aws:iam::aws:policy/service-role/AmazonSSMAutomationRole" },
      ...managed,
    });
  };

  test("an agent allowed every Config write passes: the boundary or a guard denies each", () => {
    const r = check(guarded([...WRITES, "config:StartRemediationExecution"]));
    expect(r.findings.filter((f) => !f.acknowledged).map((f) => [f.ruleId, f.message])).toEqual([]);
    // PutConfigRule on `*` is no remediation write the guards deny: it reaches the remediations of rules outside the stack.
    const rule = check(guarded(["config:PutConfigRule"]));
    expect(rule.findings.filter((f) => !f.acknowledged).map((f) => [f.ruleId, f.message.includes("Config rules outside this stack")])).toEqual([["agent-reach-unknown", true]]);
  });

  test("the same agent without the guards reaches the role (the denies are what closes the path)", () => {
    const json = guarded(WRITES);
    const res = json.resource as Record<string, Record<string, Obj>>;
    res.aws_iam_policy.boundary.policy = policy({ Effect: "Allow", Action: "*", Resource: "*" });
    for (const k of Object.keys(res.aws_iam_role_policy_attachment)) if (k.startsWith("guard")) delete res.aws_iam_role_policy_attachment[k];
    expect(errors(check(json), "agent-transitive-destroy").map((f) => f.resource)).toEqual(["aws_iam_role.strong"]);
  });
});
