import { agentRole, policy, tf } from "./tf";

/** The key of a user that can delete volumes, as a store would hold it. */
export const KEY = "${aws_iam_access_key.k.secret}";

/** An agent allowed `action` on `resource`, the user `ops` whose key is KEY, and the store under test. */
export function stack(store: Record<string, Record<string, unknown>>, action: string | string[], resource: string) {
  return tf({
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: action, Resource: resource }) },
    "aws_iam_user.ops": { name: "ops" },
    "aws_iam_user_policy.ops": { user: "${aws_iam_user.ops.name}", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) },
    "aws_iam_access_key.k": { user: "${aws_iam_user.ops.name}" },
    ...store,
  });
}
