/** Stacks of an agent beside an instance, for the agent-instance-shell tests (red-team round 84). */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, HARMLESS, role } from "../helpers/sessions";

export { check };

const PINNED = { provider: { aws: [{ region: "eu-central-1", allowed_account_ids: ["111111111111"] }] } };

/** The agent holding `actions` on `resources`, an instance `db` whose profile role is harmless, and `extra`. */
export function stackWith(actions: string[], resources: string[], extra: Record<string, Record<string, unknown>>, db: Record<string, unknown> = {}): Record<string, unknown> {
  return tf(
    {
      ...agentCan({ Effect: "Allow", Action: actions, Resource: resources }),
      ...role("inst", policy({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }), HARMLESS),
      "aws_iam_instance_profile.ip": { name: "ip", role: "${aws_iam_role.inst.name}" },
      "aws_instance.db": { ami: "ami-1", instance_type: "m6i.large", iam_instance_profile: "${aws_iam_instance_profile.ip.name}", ...db },
      ...extra,
    },
    { ...PINNED, variable: { instance: { type: "string" } } },
  );
}
