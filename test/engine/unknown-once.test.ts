/**
 * An agent's own unreadable policy is one finding (unanalysable-policy), which a reviewer may acknowledge, not one
 * more per path it might open (red-team round 13); a principal the agent reaches keeps failing closed.
 */
import { agentRole, check, policy, tf } from "../helpers/tf";

const unreadable = '${file("agent.json")}';

describe("an agent's unreadable policy", () => {
  test("is reported once, by unanalysable-policy; reach and stored-secret do not repeat it", () => {
    const json = tf({
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: unreadable },
      "aws_secretsmanager_secret.s": { name: "s" },
    });
    expect(check(json).findings.map((f) => f.ruleId)).toEqual(["unanalysable-policy"]);
  });

  test("acknowledged, it leaves nothing failing", () => {
    const json = tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: unreadable } });
    const r = check(json, { acknowledgements: [{ ruleId: "unanalysable-policy", principal: "aws_iam_role.agent", reason: "reviewed: agent.json only reads logs" }] });
    expect(r.summary.errors).toBe(0);
  });

  test("the control: a role the agent can assume whose policy is unreadable still counts as every right", () => {
    const json = tf({
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.x.arn}" }) },
      "aws_iam_role.x": { name: "x", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" }) },
      "aws_iam_role_policy.x": { role: "${aws_iam_role.x.name}", policy: unreadable },
    });
    expect(check(json).findings.filter((f) => f.severity === "error").map((f) => f.ruleId)).toEqual(["agent-reach-unknown"]);
  });
});
