/**
 * Red-team round 67: `StringNotEqualsIgnoreCase aws:PrincipalArn .../AGENT` on a trust admitting the account root was
 * compared by case, so it did not exclude the agent `agents/agent`. The IgnoreCase operators compare without case,
 * negated or not; the others still compare by case.
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

// The provider pinned to the account, as in the red team's cases: the agent's ARN is then known in full.
const PINNED = { provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] } };
const ROOT = "arn:aws:iam::111111111111:root";

function stack(condition: Obj): Obj {
  return tf({
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.deployer.arn}" }) },
    "aws_iam_role.deployer": { name: "deployer", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: ROOT }, Action: "sts:AssumeRole", Condition: condition }) },
    "aws_iam_role_policy.deployer": { role: "${aws_iam_role.deployer.name}", policy: policy({ Effect: "Allow", Action: ["s3:DeleteObject", "dynamodb:DeleteTable"], Resource: "*" }) },
  }, PINNED);
}

const reached = (doc: Obj) => errors(check(doc), "agent-transitive-destroy").map((f) => f.resource);

describe("67. IgnoreCase operators on aws:PrincipalArn compare without case", () => {
  test("StringNotEqualsIgnoreCase naming the agent in another case excludes it (the red team's false alarm)", () => {
    for (const v of ["arn:aws:iam::111111111111:role/agents/AGENT", "ARN:AWS:IAM::111111111111:ROLE/AGENTS/AGENT"]) {
      expect(reached(stack({ StringNotEqualsIgnoreCase: { "aws:PrincipalArn": v } }))).toEqual([]);
      expect(reached(stack({ StringNotEqualsIgnoreCaseIfExists: { "aws:PrincipalArn": v } }))).toEqual([]);
    }
  });

  test("StringEqualsIgnoreCase naming the agent in another case admits it; naming another role does not", () => {
    expect(reached(stack({ StringEqualsIgnoreCase: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/agents/AGENT" } }))).toEqual(["aws_iam_role.deployer"]);
    expect(reached(stack({ StringEqualsIgnoreCase: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/CI" } }))).toEqual([]);
  });

  test("control: the case-sensitive operators still compare by case (another case does not exclude the agent)", () => {
    for (const op of ["StringNotEquals", "StringNotLike", "ArnNotEquals", "ArnNotLike"]) {
      expect([op, reached(stack({ [op]: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/agents/AGENT" } }))]).toEqual([op, ["aws_iam_role.deployer"]]);
      expect([op, reached(stack({ [op]: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/agents/agent" } }))]).toEqual([op, []]);
    }
  });
});
