import { agentRole, policy, tf } from "./tf";

type Obj = Record<string, unknown>;

/**
 * The hijack tests' stack: an agent role with exactly `actions` on `resource`, a role `strong` that `service` may
 * assume and that can delete objects (the destroy right a hijack reaches), and the `target` resources that run as it.
 */
export function hijackStack(service: string, target: Record<string, Obj>, actions: string[], resource: string | string[] = "*"): Obj {
  return tf({
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: actions, Resource: resource }) },
    "aws_iam_role.strong": { name: "strong", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }) },
    "aws_iam_role_policy.strong": { role: "${aws_iam_role.strong.name}", policy: policy({ Effect: "Allow", Action: "s3:DeleteObject", Resource: "arn:aws:s3:::uploads/*" }) },
    ...target,
  });
}
