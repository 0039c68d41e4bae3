/**
 * A chain is as severe as what it ends in: reaching a role that holds only destroy rights the catalogue rates a
 * warning is a warning, as holding them directly is; anything more (an error-level right, a permission write, a
 * credential read) keeps it an error.
 */
import { check, policy, tf, agentRole } from "../helpers/tf";

const TRUSTS_AGENT = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" }] });

const stack = (...actions: string[]) =>
  tf({
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role_policy.p": { role: "agent", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.queues.arn}" }) },
    "aws_iam_role.queues": { name: "queues", assume_role_policy: TRUSTS_AGENT },
    "aws_iam_role_policy.q": { role: "queues", policy: policy({ Effect: "Allow", Action: actions, Resource: "*" }) },
  });

const chain = (...actions: string[]) => check(stack(...actions)).findings.filter((f) => f.ruleId === "agent-transitive-destroy" && f.resource === "aws_iam_role.queues");

test("a chain to a role that can only delete queues is a warning, as the right held directly is", () => {
  const [f] = chain("sqs:DeleteQueue", "sqs:PurgeQueue");
  expect(f.severity).toBe("warning");
  expect(check(stack("sqs:DeleteQueue")).summary.errors).toBe(0);
});

test.each([
  ["an error-level destroy right beside it", ["sqs:DeleteQueue", "ec2:DeleteVolume"]],
  ["a permission write of the role on itself", ["sqs:DeleteQueue", "iam:PutRolePolicy"]],
  ["a policy removal (which may lift a Deny)", ["sqs:DeleteQueue", "iam:DetachRolePolicy"]],
])("%s keeps it an error", (_, actions) => {
  const fs = chain(...actions);
  expect(fs.length).toBeGreaterThan(0);
  expect(fs.every((f) => f.severity === "error")).toBe(true);
});
