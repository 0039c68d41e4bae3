/**
 * A principal the agent can act as that can rewrite the permissions of others: the agent's own, or those of a role
 * it can assume from there. Through it the agent hands itself any destroy right (found by a red-team).
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

/** A role with a trust admitting `trusted` and one inline policy. */
const role = (name: string, trusted: string, statements: Obj[]): Record<string, Obj> => ({
  [`aws_iam_role.${name}`]: {
    name,
    assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: trusted }, Action: "sts:AssumeRole" }),
  },
  [`aws_iam_role_policy.${name}`]: { role: `\${aws_iam_role.${name}.name}`, policy: policy(...statements) },
});

const agentAssumes = (target: string) => ({
  "aws_iam_role.agent": agentRole(),
  "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: target }) },
});

const transitive = (json: Obj) => errors(check(json), "agent-transitive-destroy");

describe("a reached principal that can rewrite others' permissions", () => {
  test("r1 can put a policy on the agent itself", () => {
    const json = tf({
      ...agentAssumes("${aws_iam_role.r1.arn}"),
      ...role("r1", "${aws_iam_role.agent.arn}", [{ Effect: "Allow", Action: "iam:PutRolePolicy", Resource: "${aws_iam_role.agent.arn}" }]),
    });
    const [f] = transitive(json);
    expect(f).toMatchObject({ principal: "aws_iam_role.agent", resource: "aws_iam_role.r1", actions: ["iam:PutRolePolicy"] });
    expect(f.message).toMatch(/can rewrite the permissions of other principals \(iam:PutRolePolicy\)/);
  });

  test("r1 can attach a policy to r2, which it can assume", () => {
    const json = tf({
      ...agentAssumes("${aws_iam_role.r1.arn}"),
      ...role("r1", "${aws_iam_role.agent.arn}", [
        { Effect: "Allow", Action: "iam:AttachRolePolicy", Resource: "${aws_iam_role.r2.arn}" },
        { Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.r2.arn}" },
      ]),
      ...role("r2", "${aws_iam_role.r1.arn}", [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }]),
    });
    expect(transitive(json).map((f) => f.resource)).toEqual(["aws_iam_role.r1"]);
  });

  test("r1 can put a policy on r2, which trusts the agent", () => {
    const json = tf({
      ...agentAssumes("*"),
      ...role("r1", "${aws_iam_role.agent.arn}", [{ Effect: "Allow", Action: "iam:PutRolePolicy", Resource: "${aws_iam_role.r2.arn}" }]),
      ...role("r2", "${aws_iam_role.agent.arn}", [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }]),
    });
    expect(transitive(json).map((f) => f.resource)).toContain("aws_iam_role.r1");
  });

  test("a reached role that can only read IAM is no path", () => {
    const json = tf({
      ...agentAssumes("${aws_iam_role.r1.arn}"),
      ...role("r1", "${aws_iam_role.agent.arn}", [{ Effect: "Allow", Action: ["iam:GetRole", "iam:ListRolePolicies"], Resource: "*" }]),
    });
    expect(transitive(json)).toEqual([]);
  });

  test("writes on something that is not a principal or policy are no path", () => {
    const json = tf({
      ...agentAssumes("${aws_iam_role.r1.arn}"),
      ...role("r1", "${aws_iam_role.agent.arn}", [{ Effect: "Allow", Action: "iam:PutRolePolicy", Resource: "arn:aws:s3:::bucket/*" }]),
    });
    expect(transitive(json)).toEqual([]);
  });
});
