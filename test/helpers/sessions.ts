/** Stacks of an agent beside EMR clusters and GameLift fleets, for the session tests (rounds 61 and 63). */
import { agentRole, policy } from "./tf";

export type Obj = Record<string, unknown>;

export const DESTROY = policy({ Effect: "Allow", Action: ["s3:DeleteObject", "dynamodb:DeleteTable"], Resource: "*" });
export const HARMLESS = policy({ Effect: "Allow", Action: ["s3:GetObject"], Resource: "*" });

/** The agent role holding these statements. */
export const agentCan = (...statements: Obj[]) => ({
  "aws_iam_role.agent": agentRole(),
  "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy(...statements) },
});

/** A role named `name` with this trust policy and these rights. */
export const role = (name: string, trust: string, rights: string) => ({
  [`aws_iam_role.${name}`]: { name, assume_role_policy: trust },
  [`aws_iam_role_policy.${name}`]: { role: `\${aws_iam_role.${name}.name}`, policy: rights },
});
