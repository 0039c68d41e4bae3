/**
 * What a principal the agent can act as does to data without a Delete* call (red-team round 13): overwriting stores
 * that keep no earlier version, and rewriting the resource policies that guard them.
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;
const agentAssumes = {
  "aws_iam_role.agent": agentRole(),
  "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.app.arn}" }) },
};
const app = (...statements: Obj[]) => ({
  "aws_iam_role.app": { name: "app", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" }) },
  "aws_iam_role_policy.app": { role: "${aws_iam_role.app.name}", policy: policy(...statements) },
});
const bucket = (versioned: boolean) => ({
  "aws_s3_bucket.reports": { bucket: "prod-reports" },
  ...(versioned ? { "aws_s3_bucket_versioning.reports": { bucket: "${aws_s3_bucket.reports.id}", versioning_configuration: [{ status: "Enabled" }] } } : {}),
});
const chain = (json: Obj) => errors(check(json), "agent-transitive-destroy");

describe("overwrites through a principal the agent can act as", () => {
  const put = { Effect: "Allow", Action: "s3:PutObject", Resource: "${aws_s3_bucket.reports.arn}/*" };

  test("PutObject on an unversioned bucket of the stack is a chain to lost data", () => {
    const [f] = chain(tf({ ...agentAssumes, ...app(put), ...bucket(false) }));
    expect(f).toMatchObject({ resource: "aws_iam_role.app", actions: ["s3:PutObject"] });
    expect(f.message).toContain("can overwrite what aws_s3_bucket.reports holds, which keeps no object versions");
    expect(f.evidence.map((e) => e.address)).toContain("aws_s3_bucket.reports");
  });

  test("the control: a versioned bucket keeps what is overwritten", () => {
    expect(chain(tf({ ...agentAssumes, ...app(put), ...bucket(true) }))).toEqual([]);
  });

  test("PutItem on a table without point-in-time recovery too; with it, none", () => {
    const table = (pitr: boolean) => ({ "aws_dynamodb_table.orders": { name: "orders", hash_key: "pk", attribute: [{ name: "pk", type: "S" }], point_in_time_recovery: [{ enabled: pitr }] } });
    const putItem = { Effect: "Allow", Action: "dynamodb:PutItem", Resource: "${aws_dynamodb_table.orders.arn}" };
    expect(chain(tf({ ...agentAssumes, ...app(putItem), ...table(false) })).map((f) => f.actions)).toEqual([["dynamodb:PutItem"]]);
    expect(chain(tf({ ...agentAssumes, ...app(putItem), ...table(true) }))).toEqual([]);
  });
});

describe("resource-policy rewrites through a principal the agent can act as", () => {
  test.each([
    ["s3:PutBucketPolicy", "${aws_s3_bucket.reports.arn}"],
    ["kms:PutKeyPolicy", "*"],
    ["backup:PutBackupVaultAccessPolicy", "*"],
    ["secretsmanager:PutResourcePolicy", "*"],
  ])("%s: the reached principal can grant itself deletion", (action, resource) => {
    const [f] = chain(tf({ ...agentAssumes, ...app({ Effect: "Allow", Action: action, Resource: resource }), ...bucket(true) }));
    expect(f.actions).toEqual([action]);
  });

  test("the controls: a KMS grant hands out no deletion; warning-level rewrites (an access point's) are no chain", () => {
    expect(chain(tf({ ...agentAssumes, ...app({ Effect: "Allow", Action: "kms:CreateGrant", Resource: "*" }) }))).toEqual([]);
    expect(chain(tf({ ...agentAssumes, ...app({ Effect: "Allow", Action: "s3:PutAccessPointPolicy", Resource: "*" }) }))).toEqual([]);
  });
});
