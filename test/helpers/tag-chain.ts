/** The chain red-team round 89 reduced (t11): a role whose tags are under test, one hop from a role that deletes data. */
import { policy, tf } from "./tf";

type Obj = Record<string, unknown>;

export const DELETE = policy({ Effect: "Allow", Action: ["ec2:DeleteVolume", "rds:DeleteDBInstance", "s3:DeleteBucket"], Resource: "*" });
export const trustOf = (aws: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: aws }, Action: "sts:AssumeRole" }] });
export const RUNNER = trustOf("arn:aws:iam::111111111111:role/runner");

/** `coder` (tagged by `tags`) can only assume `deployer`, which can delete data. */
export function chain(tags: unknown, extra: Obj = {}): Obj {
  return tf(
    {
      "aws_iam_role.coder": { name: "coder", assume_role_policy: RUNNER, tags },
      "aws_iam_role.deployer": { name: "deployer", assume_role_policy: trustOf("${aws_iam_role.coder.arn}") },
      "aws_iam_role_policy.deployer-ops": { role: "${aws_iam_role.deployer.name}", policy: DELETE },
      "aws_iam_role_policy.coder-assume": { role: "${aws_iam_role.coder.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.deployer.arn}" }) },
    },
    extra,
  );
}
