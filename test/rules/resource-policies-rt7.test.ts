/**
 * Red-team round 7 on resource policies: a Deny in a resource policy binds only the principals it names, several
 * resource policy types were not read, and a resource policy granting the agent the right to rewrite it went
 * unnoticed.
 */
import { agentRole, check, errors, policy, safeAgentStack, tf } from "../helpers/tf";

const AGENT_ARN = "arn:aws:iam::111111111111:role/agents/agent";
const OBJECTS = "arn:aws:s3:::prod-data/*";

const allowAgentDelete = { Sid: "AgentCleanup", Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "s3:DeleteObject", Resource: OBJECTS };

function bucketPolicy(...statements: Record<string, unknown>[]) {
  return tf({ "aws_iam_role.agent": agentRole(), "aws_s3_bucket_policy.p": { bucket: "prod-data", policy: policy(...statements) } });
}

const grants = (json: Record<string, unknown>) => errors(check(json), "resource-policy-grant");

describe("a resource policy's Deny binds only the principals it names", () => {
  test("a Deny naming another role leaves the agent its delete right", () => {
    const json = bucketPolicy(allowAgentDelete, {
      Sid: "NoInternDeletes",
      Effect: "Deny",
      Principal: { AWS: "arn:aws:iam::111111111111:role/intern" },
      Action: "s3:DeleteObject",
      Resource: OBJECTS,
    });
    const [f, ...rest] = grants(json);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ principal: "aws_iam_role.agent", resource: "aws_s3_bucket_policy.p", actions: ["s3:DeleteObject"] });
    expect(f.message).toContain("binds only the principals it names");
    expect(f.evidence.map((e) => e.detail).join("\n")).toContain('Sid "AgentCleanup"');
  });

  test("a Deny naming another account's root does not bind the agent", () => {
    const json = bucketPolicy(
      { ...allowAgentDelete, Action: ["s3:DeleteObject", "s3:DeleteObjectVersion"] },
      { Sid: "PartnerNeverDeletes", Effect: "Deny", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: ["s3:DeleteObject", "s3:DeleteObjectVersion"], Resource: OBJECTS },
    );
    expect(grants(json).map((f) => f.actions)).toEqual([["s3:DeleteObject", "s3:DeleteObjectVersion"]]);
  });

  test("a Deny whose NotPrincipal lists the agent does not bind it", () => {
    const json = bucketPolicy(allowAgentDelete, { Effect: "Deny", NotPrincipal: { AWS: [AGENT_ARN, "arn:aws:iam::111111111111:role/admin"] }, Action: "s3:DeleteObject", Resource: OBJECTS });
    expect(grants(json).map((f) => f.principal)).toEqual(["aws_iam_role.agent"]);
  });

  test("a Deny naming the agent, its path or everyone still takes the right away", () => {
    for (const principal of [{ AWS: "${aws_iam_role.agent.arn}" }, { AWS: "arn:aws:iam::*:role/agents/*" }, "*"]) {
      const json = bucketPolicy(allowAgentDelete, { Effect: "Deny", Principal: principal, Action: "s3:DeleteObject", Resource: OBJECTS });
      expect(grants(json)).toEqual([]);
    }
  });

  test("an Allow and a Deny naming the same literal ARN cancel out", () => {
    const json = bucketPolicy({ ...allowAgentDelete, Principal: { AWS: AGENT_ARN } }, { Effect: "Deny", Principal: { AWS: AGENT_ARN }, Action: "s3:DeleteObject", Resource: OBJECTS });
    expect(grants(json)).toEqual([]);
  });

  test("a Deny whose NotPrincipal leaves the agent out takes the right away", () => {
    const json = bucketPolicy(allowAgentDelete, { Effect: "Deny", NotPrincipal: { AWS: "arn:aws:iam::111111111111:role/break-glass" }, Action: "s3:DeleteObject", Resource: OBJECTS });
    expect(grants(json)).toEqual([]);
  });

  test("a conditional Deny naming the agent is not relied on", () => {
    const json = bucketPolicy(allowAgentDelete, {
      Effect: "Deny",
      Principal: { AWS: AGENT_ARN },
      Action: "s3:DeleteObject",
      Resource: OBJECTS,
      Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } },
    });
    expect(grants(json).map((f) => f.actions)).toEqual([["s3:DeleteObject"]]);
  });

  test("an Allow to everyone minus a Deny to one role still grants everyone", () => {
    const json = bucketPolicy(
      { Effect: "Allow", Principal: "*", Action: "s3:DeleteObject", Resource: OBJECTS },
      { Effect: "Deny", Principal: { AWS: "arn:aws:iam::111111111111:role/intern" }, Action: "s3:DeleteObject", Resource: OBJECTS },
    );
    expect(grants(json)).toMatchObject([{ principal: "aws_s3_bucket_policy.p", actions: ["s3:DeleteObject"] }]);
  });

  test("an Allow naming another principal gives the agent nothing", () => {
    const json = bucketPolicy({ ...allowAgentDelete, Principal: { AWS: "arn:aws:iam::111111111111:role/break-glass" } });
    expect(grants(json)).toEqual([]);
  });

  test("an account root listed beside another role does not count as naming the agent", () => {
    const json = bucketPolicy({ ...allowAgentDelete, Principal: { AWS: ["arn:aws:iam::111111111111:root", "arn:aws:iam::111111111111:role/break-glass"] } });
    expect(grants(json)).toEqual([]);
  });
});

describe("more resource policy types", () => {
  const grantTo = (type: string, body: Record<string, unknown>) =>
    tf({ "aws_iam_role.agent": agentRole(), [`${type}.p`]: body });
  const agentStatement = (action: string[]) => policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: action, Resource: "*" });

  test.each([
    ["aws_s3tables_table_bucket_policy", { table_bucket_arn: "arn:aws:s3tables:us-east-1:111111111111:bucket/lake", resource_policy: agentStatement(["s3tables:DeleteTable"]) }, ["s3tables:DeleteTable"]],
    ["aws_s3tables_table_policy", { name: "t", namespace: "n", table_bucket_arn: "arn:aws:s3tables:us-east-1:111111111111:bucket/lake", resource_policy: agentStatement(["s3tables:DeleteTable"]) }, ["s3tables:DeleteTable"]],
    ["aws_sqs_queue_policy", { queue_url: "https://sqs.us-east-1.amazonaws.com/111111111111/orders", policy: agentStatement(["sqs:PurgeQueue", "sqs:DeleteQueue"]) }, ["sqs:DeleteQueue", "sqs:PurgeQueue"]],
    ["aws_sqs_queue", { name: "orders", policy: agentStatement(["sqs:DeleteQueue"]) }, ["sqs:DeleteQueue"]],
    ["aws_codeartifact_domain_permissions_policy", { domain: "d", policy_document: agentStatement(["codeartifact:DeleteDomain"]) }, ["codeartifact:DeleteDomain"]],
    ["aws_codeartifact_repository_permissions_policy", { domain: "d", repository: "r", policy_document: agentStatement(["codeartifact:DeleteRepository"]) }, ["codeartifact:DeleteRepository"]],
  ])("%s granting the agent deletion is rejected", (type, body, actions) => {
    expect(grants(grantTo(type, body)).map((f) => [f.resource, f.actions])).toEqual([[`${type}.p`, actions]]);
  });

  test("an SQS queue policy granting another role only is no finding", () => {
    const body = { queue_url: "q", policy: policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/worker" }, Action: "sqs:PurgeQueue", Resource: "*" }) };
    expect(grants(grantTo("aws_sqs_queue_policy", body))).toEqual([]);
  });
});

describe("a resource policy that lets the agent rewrite it", () => {
  const rewrites = (json: Record<string, unknown>) => errors(check(json), "agent-resource-policy-rewrite");
  const grantTo = (principal: unknown, extra: Record<string, unknown> = {}) => ({ Sid: "AgentManage", Effect: "Allow", Principal: principal, Resource: "*", ...extra });

  test("a key policy granting the agent kms:PutKeyPolicy", () => {
    const json = tf({
      "aws_iam_role.agent": agentRole(),
      "aws_kms_key.data": {
        policy: policy(
          { Sid: "Root", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "kms:*", Resource: "*" },
          grantTo({ AWS: AGENT_ARN }, { Action: ["kms:PutKeyPolicy", "kms:DescribeKey"] }),
        ),
      },
    });
    const [f, ...rest] = rewrites(json);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ principal: "aws_iam_role.agent", resource: "aws_kms_key.data", actions: ["kms:PutKeyPolicy"] });
    expect(f.message).toContain('aws_kms_key.data (kms:PutKeyPolicy)');
    expect(f.message).toContain('statement Sid "AgentManage" (#1)');
    expect(f.fix).toContain("aws_kms_key.data");
    expect(f.evidence.find((e) => e.step === "resource-policy")).toMatchObject({ address: "aws_kms_key.data" });
  });

  test.each([
    ["aws_s3_bucket_policy", { bucket: "prod-data" }, "policy", "s3:PutBucketPolicy"],
    ["aws_backup_vault_policy", { backup_vault_name: "prod-vault" }, "policy", "backup:PutBackupVaultAccessPolicy"],
    ["aws_s3tables_table_bucket_policy", { table_bucket_arn: "arn:aws:s3tables:us-east-1:111111111111:bucket/lake" }, "resource_policy", "s3tables:PutTableBucketPolicy"],
  ])("%s granting the agent the right to rewrite it", (type, body, attribute, action) => {
    const json = tf({ "aws_iam_role.agent": agentRole(), [`${type}.p`]: { ...body, [attribute]: policy(grantTo({ AWS: "${aws_iam_role.agent.arn}" }, { Action: action })) } });
    expect(rewrites(json).map((f) => [f.resource, f.actions])).toEqual([[`${type}.p`, [action]]]);
  });

  test("a policy granting everyone the rewrite counts for the agent", () => {
    for (const principal of ["*", { AWS: "*" }]) {
      const json = tf({ "aws_iam_role.agent": agentRole(), "aws_s3_bucket_policy.p": { bucket: "b", policy: policy(grantTo(principal, { Action: "s3:PutBucketPolicy" })) } });
      expect(rewrites(json).map((f) => f.resource)).toEqual(["aws_s3_bucket_policy.p"]);
    }
  });

  test("an Allow with NotPrincipal counts unless it certainly leaves the agent out", () => {
    const notPrincipal = (aws: string) =>
      tf({ "aws_iam_role.agent": agentRole(), "aws_s3_bucket_policy.p": { bucket: "b", policy: policy({ Effect: "Allow", NotPrincipal: { AWS: aws }, Action: "s3:PutBucketPolicy", Resource: "*" }) } });
    expect(rewrites(notPrincipal("arn:aws:iam::111111111111:role/other")).map((f) => f.resource)).toEqual(["aws_s3_bucket_policy.p"]);
    // Listing the agent's role ARN does not leave its sessions out, and the agent acts as a session (red-team round 48).
    expect(rewrites(notPrincipal("arn:aws:iam::*:role/agents/*")).map((f) => f.resource)).toEqual(["aws_s3_bucket_policy.p"]);
  });

  test("naming the account root, another role, or a Deny naming the agent: no finding", () => {
    for (const statements of [
      [grantTo({ AWS: "arn:aws:iam::111111111111:root" }, { Action: "kms:PutKeyPolicy" })],
      [grantTo({ AWS: "arn:aws:iam::111111111111:role/key-admin" }, { Action: "kms:PutKeyPolicy" })],
      [grantTo({ AWS: AGENT_ARN }, { Action: "kms:PutKeyPolicy" }), { Effect: "Deny", Principal: { AWS: "arn:aws:iam::*:role/agents/*" }, Action: "kms:PutKeyPolicy", Resource: "*" }],
    ]) {
      const json = tf({ "aws_iam_role.agent": agentRole(), "aws_kms_key.data": { policy: policy(...statements) } });
      expect(rewrites(json)).toEqual([]);
    }
  });

  test("the identity-policy reading still reports, and a safe agent stack stays clean", () => {
    expect(rewrites(safeAgentStack([{ Effect: "Allow", Action: "kms:PutKeyPolicy", Resource: "*" }])).map((f) => f.resource)).toEqual(["aws_iam_role_policy.ops"]);
    expect(rewrites(safeAgentStack([{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }]))).toEqual([]);
  });
});
