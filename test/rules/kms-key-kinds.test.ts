/**
 * Every kind of KMS key carries a key policy: keys with imported material and multi-Region replicas grant destroy
 * rights as `aws_kms_key` does (red-team round 57).
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

const keyPolicy = (who: string) =>
  policy(
    { Sid: "Root", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "kms:*", Resource: "*" },
    { Sid: "Agent", Effect: "Allow", Principal: { AWS: who }, Action: ["kms:ScheduleKeyDeletion", "kms:DeleteImportedKeyMaterial", "kms:DescribeKey"], Resource: "*" },
  );

const stack = (type: string, who: string) => tf({ "aws_iam_role.agent": agentRole(), [`${type}.k`]: { description: "data key", policy: keyPolicy(who) } });
const grants = (json: Record<string, unknown>) => errors(check(json), "resource-policy-grant");

describe.each(["aws_kms_key", "aws_kms_external_key", "aws_kms_replica_key", "aws_kms_replica_external_key"])("%s", (type) => {
  test("a key policy granting the agent's sessions key deletion is reported", () => {
    const [f] = grants(stack(type, "arn:aws:sts::111111111111:assumed-role/agent/nightly"));
    expect(f).toMatchObject({ principal: "aws_iam_role.agent", resource: `${type}.k` });
    expect(f.actions).toEqual(expect.arrayContaining(["kms:ScheduleKeyDeletion"]));
  });

  test("the control: the same grant to another role is not the agent's", () => {
    expect(grants(stack(type, "arn:aws:iam::111111111111:role/key-admin"))).toEqual([]);
  });
});
