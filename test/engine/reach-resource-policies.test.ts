/**
 * A resource policy that names a principal the agent can act as grants that principal a destroy right on its own:
 * through it, the agent holds the right (found by a red-team: only agents' own ARNs were checked).
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

function stack(resourcePolicy: Record<string, unknown>) {
  return tf({
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.helper.arn}" }) },
    "aws_iam_role.helper": { name: "helper", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" }) },
    "aws_iam_role_policy.helper": { role: "${aws_iam_role.helper.name}", policy: policy({ Effect: "Allow", Action: "kms:DescribeKey", Resource: "*" }) },
    ...resourcePolicy,
  });
}

const reaches = (json: Record<string, unknown>) => errors(check(json), "agent-transitive-destroy");

describe("resource policies naming a principal the agent can act as", () => {
  test("a key policy lets the helper schedule the key's deletion", () => {
    const [f] = reaches(
      stack({ "aws_kms_key.data": { policy: policy({ Sid: "Helper", Effect: "Allow", Principal: { AWS: "${aws_iam_role.helper.arn}" }, Action: "kms:ScheduleKeyDeletion", Resource: "*" }) } }),
    );
    expect(f).toMatchObject({ resource: "aws_iam_role.helper", actions: ["kms:ScheduleKeyDeletion"] });
    expect(f.evidence.map((e) => e.address)).toContain("aws_kms_key.data");
  });

  test("a bucket policy lets the helper delete the bucket", () => {
    const json = stack({
      "aws_s3_bucket.data": { bucket: "prod-data" },
      "aws_s3_bucket_policy.data": {
        bucket: "${aws_s3_bucket.data.id}",
        policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.helper.arn}" }, Action: ["s3:DeleteBucket", "s3:DeleteObject"], Resource: ["arn:aws:s3:::prod-data", "arn:aws:s3:::prod-data/*"] }),
      },
    });
    expect(reaches(json).map((f) => f.resource)).toEqual(["aws_iam_role.helper"]);
  });

  test("a policy naming another role, or only granting reads, is no path", () => {
    const other = stack({ "aws_kms_key.data": { policy: policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/break-glass" }, Action: "kms:ScheduleKeyDeletion", Resource: "*" }) } });
    expect(reaches(other)).toEqual([]);
    const reads = stack({ "aws_kms_key.data": { policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.helper.arn}" }, Action: "kms:Decrypt", Resource: "*" }) } });
    expect(reaches(reads)).toEqual([]);
  });
});

describe("more resource policy types", () => {
  const grantTo = (type: string, attribute: string, action: string) =>
    tf({
      "aws_iam_role.agent": agentRole(),
      [`${type}.p`]: { [attribute]: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: action, Resource: "*" }) },
    });
  test.each([
    ["aws_opensearch_domain_policy", "access_policies", "es:*"],
    ["aws_elasticsearch_domain_policy", "access_policies", "es:ESHttpDelete"],
    ["aws_glue_resource_policy", "policy", "glue:DeleteTable"],
    ["aws_s3_access_point", "policy", "s3:DeleteObject"],
  ])("%s granting the agent %s", (type, attribute, action) => {
    expect(errors(check(grantTo(type, attribute, action)), "resource-policy-grant").map((f) => f.resource)).toEqual([`${type}.p`]);
  });
});
