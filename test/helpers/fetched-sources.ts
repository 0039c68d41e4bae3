import { agentRole, check, errors, policy } from "./tf";

type Obj = Record<string, unknown>;

/** The agent, allowed `action` on `resource`. */
export const agentCan = (action: string | string[], resource: string | string[]) => ({
  "aws_iam_role.agent": agentRole(),
  "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: action, Resource: resource }) },
});

/** A role that `service` assumes, with AdministratorAccess. */
export const adminRole = (name: string, service: string) => ({
  [`aws_iam_role.${name}`]: { name, assume_role_policy: policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }) },
  [`aws_iam_role_policy_attachment.${name}`]: { role: `\${aws_iam_role.${name}.name}`, policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
});

/** What the agent's hijack links to principals blastwall cannot see say. */
export const unknownVia = (json: Obj) => errors(check(json), "agent-reach-unknown").flatMap((f) => f.evidence).filter((e) => e.step === "hijack").map((e) => e.detail);

/** The principals with destroy rights the agent comes to act as. */
export const reached = (json: Obj) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource).sort();
