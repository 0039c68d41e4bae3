/**
 * Red-team round 69, a `Deny` of sts:AssumeRole in a trust admitting the account root, naming the agent by
 * `aws:PrincipalArn`:
 * - With a principal of another type (`{"Service": "*"}`, `Federated`, `CanonicalUser`, or `Service: *` beside one
 *   `AWS` role) it was relied on as blocking the agent: such a principal never matches a role session. Only an `AWS`
 *   principal (or `"*"`, the whole Principal) covering the caller certainly applies (uncertain: IAM may refuse such a
 *   document, but blastwall must not bet on it).
 * - With `ForAnyValue:StringEquals` (or `ForAllValues:`) it was not relied on (a false alarm): `aws:PrincipalArn` is a
 *   single value every request carries, so the set qualifier compares it as the operator alone does (IAM User Guide,
 *   single-valued context keys).
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const PINNED = { provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] } };
const ROOT = "arn:aws:iam::111111111111:root";
const ARN = "arn:aws:iam::111111111111:role/agents/agent";

function stack(principal: unknown, condition: Obj = { StringEquals: { "aws:PrincipalArn": ARN } }): Obj {
  const allow: Obj = { Effect: "Allow", Principal: { AWS: ROOT }, Action: "sts:AssumeRole" };
  const deny: Obj = { Effect: "Deny", Principal: principal, Action: "sts:AssumeRole", Condition: condition };
  return tf(
    {
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.deployer.arn}" }) },
      "aws_iam_role.deployer": { name: "deployer", assume_role_policy: policy(allow, deny) },
      "aws_iam_role_policy.deployer": { role: "${aws_iam_role.deployer.name}", policy: policy({ Effect: "Allow", Action: ["s3:DeleteObject", "dynamodb:DeleteTable"], Resource: "*" }) },
    },
    PINNED,
  );
}

const reached = (doc: Obj) => errors(check(doc), "agent-transitive-destroy").map((f) => f.resource);
const DEPLOYER = ["aws_iam_role.deployer"];

describe("69. a trust Deny's principal must cover the caller", () => {
  test("Service, Federated or CanonicalUser `*`, or Service `*` beside another AWS role, does not block the agent (the red team's cases)", () => {
    for (const p of [{ Service: "*" }, { Federated: "*" }, { CanonicalUser: "*" }, { Service: ["*"], AWS: "arn:aws:iam::111111111111:role/ci" }]) {
      expect([p, reached(stack(p))]).toEqual([p, DEPLOYER]);
    }
  });

  test("without a condition either (a Deny of every Service blocks no role)", () => {
    const doc = tf(
      {
        "aws_iam_role.agent": agentRole(),
        "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.deployer.arn}" }) },
        "aws_iam_role.deployer": {
          name: "deployer",
          assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: ROOT }, Action: "sts:AssumeRole" }, { Effect: "Deny", Principal: { Service: "*" }, Action: "sts:AssumeRole" }),
        },
        "aws_iam_role_policy.deployer": { role: "${aws_iam_role.deployer.name}", policy: policy({ Effect: "Allow", Action: ["s3:DeleteObject"], Resource: "*" }) },
      },
      PINNED,
    );
    expect(reached(doc)).toEqual(DEPLOYER);
  });

  test("controls: AWS `*`, `*` and AWS `*` beside a Service block it", () => {
    for (const p of [{ AWS: "*" }, "*", { AWS: ["*"], Service: "lambda.amazonaws.com" }]) {
      expect([p, reached(stack(p))]).toEqual([p, []]);
    }
  });
});

describe("69. a set qualifier on the single-valued aws:PrincipalArn", () => {
  test("ForAnyValue:/ForAllValues:StringEquals naming the agent certainly blocks it (the red team's false alarm)", () => {
    for (const op of ["ForAnyValue:StringEquals", "ForAllValues:StringEquals", "ForAnyValue:ArnLike", "ForAllValues:StringNotEqualsIfExists"]) {
      const v = op.includes("Not") ? "arn:aws:iam::111111111111:role/ci" : ARN;
      expect([op, reached(stack({ AWS: "*" }, { [op]: { "aws:PrincipalArn": v } }))]).toEqual([op, []]);
    }
  });

  test("controls: naming another role, or a qualifier on a multi-valued key, does not block it", () => {
    expect(reached(stack({ AWS: "*" }, { "ForAnyValue:StringEquals": { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/ci" } }))).toEqual(DEPLOYER);
    expect(reached(stack({ AWS: "*" }, { "ForAllValues:StringNotEquals": { "aws:PrincipalArn": ARN } }))).toEqual(DEPLOYER);
    expect(reached(stack({ AWS: "*" }, { "ForAnyValue:StringEquals": { "aws:TagKeys": "x" } }))).toEqual(DEPLOYER);
  });
});
