/**
 * Red-team round 60: kms:CreateGrant was read as rewriting the key policy, "and so grant itself deletion", which no
 * KMS grant can do (grant operations are key use: Decrypt, Encrypt, ReEncrypt, GenerateDataKey, more grants). The
 * standard EBS key policy, which allows it to everyone through EC2 (kms:ViaService), failed every agent of the account.
 */
import { agentRole, check, policy, tf } from "../helpers/tf";

const ROOT = { Sid: "Root", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "kms:*", Resource: "*" };
const USE = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"];

function keyPolicy(condition: Record<string, unknown>) {
  return tf(
    {
      "aws_iam_role.agent": agentRole(),
      "aws_kms_key.ebs": { enable_key_rotation: true, deletion_window_in_days: 30, policy: policy(ROOT, { Sid: "ViaEbs", Effect: "Allow", Principal: { AWS: "*" }, Action: USE, Resource: "*", Condition: condition }) },
    },
    { provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }] } },
  );
}

const rewrites = (json: Record<string, unknown>) => check(json).findings.filter((f) => f.ruleId === "agent-resource-policy-rewrite");

describe("kms:CreateGrant", () => {
  test("allowed to everyone only through a service (the EBS key policy) or only for AWS resources: no finding", () => {
    expect(rewrites(keyPolicy({ StringEquals: { "kms:ViaService": "ec2.us-east-1.amazonaws.com", "kms:CallerAccount": "111111111111" } }))).toEqual([]);
    expect(rewrites(keyPolicy({ Bool: { "kms:GrantIsForAWSResource": "true" } }))).toEqual([]);
  });

  test("the controls: allowed to everyone in the account directly, or where the condition is loose, a warning that says what a grant gives", () => {
    for (const condition of [{ StringEquals: { "kms:CallerAccount": "111111111111" } }, { StringEqualsIfExists: { "kms:ViaService": "ec2.us-east-1.amazonaws.com" } }, { Bool: { "kms:GrantIsForAWSResource": "false" } }]) {
      const [f, ...rest] = rewrites(keyPolicy(condition));
      expect(rest).toEqual([]);
      expect(f).toMatchObject({ severity: "warning", resource: "aws_kms_key.ebs", actions: ["kms:CreateGrant"] });
      expect(f.message).toContain("no grant can allow deleting, disabling or re-policying a key");
      expect(f.message).not.toContain("grant itself deletion");
      expect(f.fix).toContain("kms:GrantIsForAWSResource");
    }
  });

  test("in the agent's own policy: a warning; beside kms:PutKeyPolicy, still an error that says deletion", () => {
    const own = (...actions: string[]) =>
      rewrites(tf({ "aws_iam_role.agent": agentRole({ inline_policy: [{ name: "keys", policy: policy({ Effect: "Allow", Action: actions, Resource: "*" }) }] }) }));
    const [grant] = own("kms:CreateGrant");
    expect(grant).toMatchObject({ severity: "warning", actions: ["kms:CreateGrant"] });
    expect(grant.message).toContain("create KMS grants");
    const [both] = own("kms:CreateGrant", "kms:PutKeyPolicy");
    expect(both.severity).toBe("error");
    expect(both.message).toContain("grant itself deletion");
  });
});
