import type { Acknowledgement, Finding } from "../../lib/engine/findings";

/** An agent-destroy-right finding on `aws_iam_role.agent`, with the fields a test changes. */
export const finding = (over: Partial<Finding> = {}): Finding => ({
  ruleId: "agent-destroy-right",
  severity: "error",
  principal: "aws_iam_role.agent",
  resource: "aws_iam_role_policy.p",
  actions: ["ec2:DeleteSnapshot"],
  evidence: [],
  message: "aws_iam_role.agent can delete snapshots.",
  fix: "remove it",
  file: "cdk.tf.json",
  ...over,
});

/** An acknowledgement of that finding, with the fields a test changes. */
export const ack = (reason: string, over: Partial<Acknowledgement> = {}): Acknowledgement => ({ ruleId: "agent-destroy-right", principal: "aws_iam_role.agent", reason, ...over });
