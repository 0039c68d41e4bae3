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

describe("agent-stored-secret: the fix fits the reads", () => {
  const reads = (resource: string) =>
    check(tf({ "aws_iam_role.agent": agentRole(), "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: resource }) }, "aws_secretsmanager_secret.s": { name: "app-x" } })).findings.find((f) => f.ruleId === "agent-stored-secret")!;

  test("reads of named stores of the stack: the fix is about what they hold, not about scoping", () => {
    expect(reads("${aws_secretsmanager_secret.s.arn}").fix).toMatch(/^The reads already name the stores; what matters is what they hold\. Keep deploy and admin credentials out of aws_secretsmanager_secret\.s/);
  });

  test("the control: reads that reach stores outside the stack are told to scope", () => {
    expect(reads("arn:aws:secretsmanager:*:*:secret:app-*").fix).toMatch(/^Scope every read of a credential store/);
    expect(reads("*").fix).toMatch(/^Scope every read/);
  });
});
