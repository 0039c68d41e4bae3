/**
 * An agent's unreadable policy is reported by unanalysable-policy and by the paths it may open (red-team round 15):
 * acknowledging one unreadable policy, even without naming it, leaves a later one's paths failing.
 */
import { agentRole, check, tf } from "../helpers/tf";

test("an acknowledgement of unanalysable-policy does not hide the paths of another unreadable policy", () => {
  const json = tf({
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: '${file("agent.json")}' },
    "aws_iam_role_policy_attachment.org": { role: "${aws_iam_role.agent.name}", policy_arn: "arn:aws:iam::111111111111:policy/OrgAdmin" },
  });
  const r = check(json, { acknowledgements: [{ ruleId: "unanalysable-policy", principal: "aws_iam_role.agent", reason: "reviewed: agent.json only reads logs" }] });
  expect(r.summary.errors).toBeGreaterThan(0);
  expect(r.findings.filter((f) => f.severity === "error" && !f.acknowledged).map((f) => f.ruleId)).toContain("agent-reach-unknown");
});
