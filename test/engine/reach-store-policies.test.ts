/**
 * Within one account a resource policy naming a principal lets it read the store with no identity Allow: a secret
 * policy granting the agent `secretsmanager:GetSecretValue` on a secret that holds an admin's access key is the
 * April 2026 path, even when the agent's own policies never mention secrets.
 */
import { adminKeyStack, check, errors, policy } from "../helpers/tf";

type Obj = Record<string, unknown>;

const stack = adminKeyStack;

function secret(secretPolicy: string | undefined, inline = false): Record<string, Obj> {
  return {
    "aws_secretsmanager_secret.deploy": { name: "deploy-key", ...(inline && secretPolicy ? { policy: secretPolicy } : {}) },
    "aws_secretsmanager_secret_version.deploy": { secret_id: "${aws_secretsmanager_secret.deploy.id}", secret_string: "${aws_iam_access_key.admin.secret}" },
    ...(!inline && secretPolicy ? { "aws_secretsmanager_secret_policy.deploy": { secret_arn: "${aws_secretsmanager_secret.deploy.arn}", policy: secretPolicy } } : {}),
  };
}

const read = (principal: unknown, more: Obj[] = []) => policy({ Sid: "Read", Effect: "Allow", Principal: principal, Action: "secretsmanager:GetSecretValue", Resource: "*" }, ...more);
const reaches = (json: Obj) => errors(check(json), "agent-transitive-destroy");

describe("a secret policy naming the agent", () => {
  test("by reference: the agent reads the admin's key, and the chain names the secret policy", () => {
    const [f] = reaches(stack(secret(read({ AWS: "${aws_iam_role.agent.arn}" }))));
    expect(f).toMatchObject({ principal: "aws_iam_role.agent", resource: "aws_iam_user.admin" });
    expect(f.message).toMatch(/--secretsmanager:GetSecretValue--> aws_iam_user\.admin/);
    expect(f.evidence.find((e) => e.step === "credential")?.detail).toMatch(/aws_secretsmanager_secret_policy\.deploy statement Sid "Read"/);
  });

  test("by literal ARN, in the secret's own policy argument", () => {
    expect(reaches(stack(secret(read({ AWS: "arn:aws:iam::111111111111:role/agents/agent" }), true)))).toHaveLength(1);
  });

  test("everyone (*) is the agent too", () => {
    expect(reaches(stack(secret(read("*"))))).toHaveLength(1);
  });

  test("the control: without the policy the agent cannot read the key", () => {
    expect(reaches(stack(secret(undefined)))).toEqual([]);
  });

  test("naming the account root grants nothing on its own, and naming another role is no path", () => {
    expect(reaches(stack(secret(read({ AWS: "arn:aws:iam::111111111111:root" }))))).toEqual([]);
    expect(reaches(stack(secret(read({ AWS: "arn:aws:iam::111111111111:role/ci" }))))).toEqual([]);
  });

  test("a Deny of the same policy naming the agent takes the read away", () => {
    const deny = { Effect: "Deny", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "secretsmanager:*", Resource: "*" };
    expect(reaches(stack(secret(read("*", [deny]))))).toEqual([]);
  });

  test("the agent's permission boundary caps a grant to its role ARN, not one to everyone", () => {
    const boundary = {
      "aws_iam_policy.boundary": { name: "boundary", policy: policy({ Effect: "Allow", Action: ["logs:*"], Resource: "*" }) },
    };
    const capped = { permissions_boundary: "${aws_iam_policy.boundary.arn}" };
    expect(reaches(stack({ ...boundary, ...secret(read({ AWS: "${aws_iam_role.agent.arn}" })) }, capped))).toEqual([]);
    expect(reaches(stack({ ...boundary, ...secret(read("*")) }, capped))).toHaveLength(1);
  });

  test("a policy on another secret gives no read of this one", () => {
    const json = stack({
      ...secret(undefined),
      "aws_secretsmanager_secret.other": { name: "other" },
      "aws_secretsmanager_secret_policy.other": { secret_arn: "${aws_secretsmanager_secret.other.arn}", policy: read({ AWS: "${aws_iam_role.agent.arn}" }) },
    });
    expect(reaches(json)).toEqual([]);
  });
});

describe("bucket and table policies over stores", () => {
  test("a bucket policy lets the agent read an object holding the key", () => {
    const json = stack({
      "aws_s3_bucket.handover": { bucket: "handover" },
      "aws_s3_object.key": { bucket: "${aws_s3_bucket.handover.id}", key: "admin.txt", content: "${aws_iam_access_key.admin.secret}" },
      "aws_s3_bucket_policy.handover": {
        bucket: "${aws_s3_bucket.handover.id}",
        policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::handover/*" }),
      },
    });
    expect(reaches(json).map((f) => f.resource)).toEqual(["aws_iam_user.admin"]);
    // The same policy granting only another prefix of the bucket does not reach the object.
    (json as { resource: { aws_s3_bucket_policy: { handover: { policy: string } } } }).resource.aws_s3_bucket_policy.handover.policy = policy({
      Effect: "Allow",
      Principal: { AWS: "${aws_iam_role.agent.arn}" },
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::handover/public/*",
    });
    expect(reaches(json)).toEqual([]);
  });

  test("a bucket policy's wide Resource grants on its own bucket only", () => {
    const json = stack({
      "aws_s3_bucket.handover": { bucket: "handover" },
      "aws_s3_bucket.vault": { bucket: "vault" },
      "aws_s3_object.key": { bucket: "${aws_s3_bucket.vault.id}", key: "admin.txt", content: "${aws_iam_access_key.admin.secret}" },
      "aws_s3_bucket_policy.handover": {
        bucket: "${aws_s3_bucket.handover.id}",
        policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "s3:GetObject", Resource: ["*", "arn:aws:s3:::*/*"] }),
      },
    });
    expect(reaches(json)).toEqual([]);
  });

  test("a table's resource policy lets the agent read an item holding the key", () => {
    const json = stack({
      "aws_dynamodb_table.handover": { name: "handover", hash_key: "pk", billing_mode: "PAY_PER_REQUEST", attribute: [{ name: "pk", type: "S" }] },
      "aws_dynamodb_table_item.key": { table_name: "${aws_dynamodb_table.handover.name}", hash_key: "pk", item: '{"pk":{"S":"admin"},"secret":{"S":"${aws_iam_access_key.admin.secret}"}}' },
      "aws_dynamodb_resource_policy.handover": {
        resource_arn: "${aws_dynamodb_table.handover.arn}",
        policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "dynamodb:GetItem", Resource: "*" }),
      },
    });
    expect(reaches(json).map((f) => f.resource)).toEqual(["aws_iam_user.admin"]);
  });
});
