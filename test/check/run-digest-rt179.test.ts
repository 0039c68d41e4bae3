/**
 * Red-team round 179, F2: in a run of two stacks, an agent of alpha may pass beta's role `deployer` to a new function.
 * blastwall does not follow iam:PassRole into another stack, so alpha reports agent-reach-unknown ("may lie outside
 * this stack"); its grants digest hashed nothing of beta, so an acknowledgement pinned to it after reviewing a harmless
 * deployer kept covering once deployer could delete buckets. A finding that reaches what blastwall cannot see now also
 * hashes the configuration of every stack of the run.
 */
import { checkStacks } from "../../lib/check/run-check";
import { buildStack } from "../../lib/engine/terraform/stack";

type Obj = Record<string, unknown>;
const PROVIDER = { aws: [{ region: "us-east-1", allowed_account_ids: ["111122223333"] }] };
const policy = (...Statement: Obj[]) => JSON.stringify({ Version: "2012-10-17", Statement });

const alpha: Obj = {
  provider: PROVIDER,
  resource: {
    aws_iam_role: { agent: { name: "agent", path: "/agents/", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/runner" }, Action: "sts:AssumeRole" }) } },
    aws_iam_role_policy: {
      p: {
        role: "${aws_iam_role.agent.name}",
        policy: policy({ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::111122223333:role/deployer" }, { Effect: "Allow", Action: ["lambda:CreateFunction", "lambda:InvokeFunction"], Resource: "*" }),
      },
    },
  },
};
const beta = (actions: string[]): Obj => ({
  provider: PROVIDER,
  resource: {
    aws_iam_role: { deployer: { name: "deployer", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }) } },
    aws_iam_role_policy: { d: { role: "${aws_iam_role.deployer.name}", policy: policy({ Effect: "Allow", Action: actions, Resource: "*" }) } },
  },
});

const unknownReach = (stacks: Obj[]) =>
  checkStacks(stacks.map((j, i) => buildStack(j, `${i === 0 ? "alpha" : "beta"}/cdk.tf.json`, i === 0 ? "alpha" : "beta")), { config: {} }).findings.filter((f) => f.ruleId === "agent-reach-unknown" && f.principal === "aws_iam_role.agent");

describe("a finding that reaches what blastwall cannot see, in a run of several stacks (red-team round 179, F2)", () => {
  test("its digest changes when another stack of the run changes: beta's role gaining s3:DeleteBucket reopens it", () => {
    const [harmless] = unknownReach([alpha, beta(["s3:GetObject"])]);
    const [destroying] = unknownReach([alpha, beta(["s3:DeleteBucket", "s3:DeleteObject"])]);
    expect(harmless.grants).toMatch(/^[0-9a-f]{16}$/);
    expect(destroying.grants).not.toBe(harmless.grants);
  });

  test("controls: the same run gives the same digest; a stack checked alone keeps its digest whatever the other holds", () => {
    expect(unknownReach([alpha, beta(["s3:GetObject"])])[0].grants).toBe(unknownReach([alpha, beta(["s3:GetObject"])])[0].grants);
    const alone = unknownReach([alpha]);
    expect(alone).toHaveLength(1);
    expect(alone[0].grants).not.toBe(unknownReach([alpha, beta(["s3:GetObject"])])[0].grants);
  });
});
