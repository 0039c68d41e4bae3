/** The stored-secret warning names each store once and the read actions, not `*` once per action (round 10). */
import { check, policy, tf, agentRole } from "../helpers/tf";
import { allRules } from "../../lib/rules";

test("a wildcard read is one store outside the stack, with the actions that reach it", () => {
  const json = tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.p": { role: "agent", policy: policy({ Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "ssm:GetParameter"], Resource: "*" }) } });
  const f = check(json).findings.find((x) => x.ruleId === "agent-stored-secret")!;
  expect(f.message).toMatch(/any store outside this stack \(`\*`\), through secretsmanager:GetSecretValue, ssm:GetParameter/);
  expect(f.message.match(/`\*`/g)).toHaveLength(1);
  expect(f.evidence.some((e) => e.detail.includes("aws_iam_role_policy.p"))).toBe(true);
});

test("an unreadable trust statement is reported as unreadable, not as one with no conditions", () => {
  const json = tf({ "aws_iam_role.agent": agentRole({ assume_role_policy: "{not json" }) });
  const f = check(json, {}, { rules: allRules }).findings.find((x) => x.ruleId === "agent-source-identity")!;
  expect(f.evidence.find((e) => e.step === "trust")!.detail).toMatch(/cannot be read/);
  expect(f.message).toMatch(/Write the trust policy so blastwall can read it/);
});
