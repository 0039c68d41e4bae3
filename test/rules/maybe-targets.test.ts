/**
 * Policies attached by a literal name that may or may not be the agent: a computed name (`name_prefix`), or the same
 * name in another case (IAM does not tell `agent` and `AGENT` apart). What such a policy allows counts; what it
 * denies cannot be relied on, or a Deny meant for another role would hide the agent's rights.
 */
import { check, errors, policy, TRUST, tf } from "../helpers/tf";

const DELETE = policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" });
const DENY_DELETE = policy({ Effect: "Deny", Action: "ec2:DeleteVolume", Resource: "*" });
const ALL = policy({ Effect: "Allow", Action: "*", Resource: "*" });
const TAGS = { "blastwall:agent": "true" };

const destroy = (json: Record<string, unknown>) => errors(check(json), "agent-destroy-right").map((f) => f.principal);

describe("a Deny attached by a name that may denote another principal", () => {
  test("a prefixed agent keeps its right when a Deny names a role that only may be it", () => {
    const json = tf({
      "aws_iam_role.agent": { name_prefix: "agent-", assume_role_policy: TRUST, tags: TAGS },
      "aws_iam_role_policy.p": { role: "${aws_iam_role.agent.name}", policy: DELETE },
      "aws_iam_role_policy.d": { role: "agent-legacy", policy: DENY_DELETE },
    });
    expect(destroy(json)).toEqual(["aws_iam_role.agent"]);
  });

  test("the same Deny attached by reference does remove the right (the control)", () => {
    const json = tf({
      // The Allow sits in a policy of its own: `inline_policy` blocks would make the role's other inline policies
      // (the Deny among them) go away on apply, so the Deny would not count.
      "aws_iam_role.agent": { name_prefix: "agent-", assume_role_policy: TRUST, tags: TAGS },
      "aws_iam_role_policy.p": { role: "${aws_iam_role.agent.name}", policy: DELETE },
      "aws_iam_role_policy.d": { role: "${aws_iam_role.agent.name}", policy: DENY_DELETE },
    });
    expect(destroy(json)).toEqual([]);
  });
});

describe("names that differ only in case", () => {
  test("a policy attached to AGENT reaches the role agent", () => {
    const json = tf({
      "aws_iam_role.agent": { name: "agent", assume_role_policy: TRUST, tags: TAGS },
      "aws_iam_role_policy.p": { role: "AGENT", policy: ALL },
    });
    expect(destroy(json)).toEqual(["aws_iam_role.agent"]);
  });

  test("a Deny attached to AGENT does not remove the role agent's right", () => {
    const json = tf({
      "aws_iam_role.agent": { name: "agent", assume_role_policy: TRUST, tags: TAGS },
      "aws_iam_role_policy.p": { role: "agent", policy: DELETE },
      "aws_iam_role_policy.d": { role: "AGENT", policy: DENY_DELETE },
    });
    expect(destroy(json)).toEqual(["aws_iam_role.agent"]);
  });

  test("a user named Agent in a group named OPS gets the group's policies", () => {
    const json = tf({
      "aws_iam_user.agent": { name: "agent", tags: TAGS },
      "aws_iam_group.ops": { name: "ops" },
      "aws_iam_group_policy.ops": { group: "${aws_iam_group.ops.name}", policy: ALL },
      "aws_iam_user_group_membership.m": { user: "Agent", groups: ["OPS"] },
    });
    expect(destroy(json)).toEqual(["aws_iam_user.agent"]);
  });

  test("a user policy attached to Agent reaches the user agent", () => {
    const json = tf({
      "aws_iam_user.agent": { name: "agent", tags: TAGS },
      "aws_iam_user_policy_attachment.a": { user: "Agent", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
    });
    expect(destroy(json)).toEqual(["aws_iam_user.agent"]);
  });
});
