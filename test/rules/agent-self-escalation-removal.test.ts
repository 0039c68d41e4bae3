/**
 * An agent that may remove a policy from itself removes the Denies in it. When such a Deny is what keeps it from
 * deleting data, that is an error, not the warning a removal right is otherwise (found by a red-team).
 */
import { agentRole, check, policy, tf } from "../helpers/tf";

const AGENT_ARN = "${aws_iam_role.agent.arn}";

function stack(removal: string, denyHome: "attached" | "inline") {
  const allow = { Effect: "Allow", Action: ["s3:DeleteObject", "rds:DeleteDBInstance", removal], Resource: ["*"] };
  const deny = policy({ Effect: "Deny", Action: ["s3:DeleteObject", "rds:DeleteDBInstance"], Resource: "*" });
  return tf({
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role_policy.work": { role: "${aws_iam_role.agent.name}", policy: policy(allow) },
    ...(denyHome === "attached"
      ? {
          "aws_iam_policy.guard": { name: "guard", policy: deny },
          "aws_iam_role_policy_attachment.guard": { role: "${aws_iam_role.agent.name}", policy_arn: "${aws_iam_policy.guard.arn}" },
        }
      : { "aws_iam_role_policy.guard": { role: "${aws_iam_role.agent.name}", policy: deny } }),
  });
}

const escalation = (json: Record<string, unknown>) => check(json).findings.filter((f) => f.ruleId === "agent-self-escalation");

describe("removing the policy that holds the agent's Deny", () => {
  test("iam:DetachRolePolicy with the Deny in an attached policy: an error naming what the Deny holds back", () => {
    const [f] = escalation(stack("iam:DetachRolePolicy", "attached"));
    expect(f.severity).toBe("error");
    expect(f.message).toMatch(/remove policies from itself \(iam:DetachRolePolicy\)[\s\S]*Denies that now keep it from deleting data: /);
    expect(f.message).toContain("s3:DeleteObject");
    expect(f.message).toContain("rds:DeleteDBInstance");
  });

  test("iam:DeleteRolePolicy with the Deny inline: an error", () => {
    expect(escalation(stack("iam:DeleteRolePolicy", "inline")).map((f) => f.severity)).toEqual(["error"]);
  });

  test("the Deny is what kept the agent from destroying: without the removal right there is no destroy finding", () => {
    const json = stack("iam:ListRolePolicies", "attached");
    expect(check(json).findings.filter((f) => f.ruleId === "agent-destroy-right" || f.ruleId === "agent-self-escalation")).toEqual([]);
  });

  test("a removal right with no Deny holding anything back stays a warning, and says so", () => {
    const json = tf({
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.work": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: ["s3:GetObject", "iam:DetachRolePolicy"], Resource: ["*", AGENT_ARN] }) },
    });
    const [f] = escalation(json);
    expect(f.severity).toBe("warning");
    expect(f.message).toMatch(/no Deny of its own holds back a destroy right today/);
  });
});
