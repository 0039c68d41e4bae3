/**
 * Catalogue 1.23.0: actions a red-team review found missing. Each one, held alone on `*` by an agent set up as AgentRole
 * would be (boundary, source identity, guard Deny of the other direct actions), is reported by the rule of its
 * category with its severity and nothing else; a Read sibling of each group is no finding.
 */
import { loadCatalogue } from "../../lib/engine/catalogue";
import type { Severity } from "../../lib/engine/findings";
import { agentGuardrails } from "../../lib/constructs/agent-boundary";
import { policyJson } from "../../lib/constructs/policy-document";
import { check, policy, safeAgentStack, tf, agentRole, SAFE_TRUST } from "../helpers/tf";

type Category = "direct" | "protection";
const RULE: Record<Category, string> = { direct: "agent-destroy-right", protection: "agent-protection-removal" };

/** Findings (any severity, not acknowledged) of an agent that holds `actions` on `*`, optionally under a condition. */
function findingsOf(actions: string | string[], condition?: Record<string, unknown>) {
  const statement = { Sid: "Ops", Effect: "Allow", Action: actions, Resource: "*", ...(condition ? { Condition: condition } : {}) };
  return check(safeAgentStack([statement])).findings.filter((f) => !f.acknowledged);
}

// Red-team round 72: [action, category, severity]. Errors are reported whatever the resource: none of these is an
// escalation entry whose target must cover the agent itself.
const added: [string, Category, Severity][] = [
  // 1, 6: account takeover of a member account, like organizations:CloseAccount.
  ["sts:AssumeRoot", "direct", "error"],
  ["account:StartPrimaryEmailUpdate", "direct", "error"],
  ["account:AcceptPrimaryEmailUpdate", "direct", "error"],
  // 2, 5: IAM Identity Center and Lake Formation permission layers, like organizations:UpdatePolicy.
  ["sso:PutInlinePolicyToPermissionSet", "protection", "error"],
  ["sso:AttachManagedPolicyToPermissionSet", "protection", "error"],
  ["sso:AttachCustomerManagedPolicyReferenceToPermissionSet", "protection", "error"],
  ["sso:DeletePermissionsBoundaryFromPermissionSet", "protection", "error"],
  ["sso:PutPermissionsBoundaryToPermissionSet", "protection", "error"],
  ["sso:ProvisionPermissionSet", "protection", "error"],
  ["sso:CreateAccountAssignment", "protection", "error"],
  ["identitystore:CreateGroupMembership", "protection", "error"],
  ["lakeformation:PutDataLakeSettings", "protection", "error"],
  // 3: as its single form redshift:ModifyClusterSnapshot.
  ["redshift:BatchModifyClusterSnapshots", "protection", "error"],
  // 4: as kms:DeleteImportedKeyMaterial.
  ["kms:ImportKeyMaterial", "direct", "error"],
  // 7: as the sibling already in the catalogue.
  ["rds:ModifyTenantDatabase", "protection", "error"],
  ["rds:StopDBInstanceAutomatedBackupsReplication", "protection", "warning"],
  ["rds:StopActivityStream", "protection", "error"],
  ["rds:ModifyActivityStream", "protection", "warning"],
  ["redshift:DisableLogging", "protection", "error"],
  ["bedrock:DeleteModelInvocationLoggingConfiguration", "protection", "warning"],
  ["s3tables:PutTableReplication", "protection", "warning"],
  ["s3tables:PutTableBucketReplication", "protection", "warning"],
  ["logs:PutSubscriptionFilter", "protection", "warning"],
  ["elasticache:ModifyUserGroup", "direct", "warning"],
  ["memorydb:UpdateAcl", "direct", "warning"],
  ["bedrock:DeleteKnowledgeBaseDocuments", "direct", "error"],
  ["bedrock:DeleteAgentMemory", "direct", "error"],
  ["route53domains:TransferDomainToAnotherAwsAccount", "direct", "error"],
  ["elasticfilesystem:DeleteFileSystemPolicy", "protection", "error"],
  ["storagegateway:ResetCache", "direct", "error"],
  ["lightsail:UpdateBucket", "protection", "error"],
  ["lightsail:CreateBucketAccessKey", "direct", "error"],
  // 8: warnings.
  ["fsx:UpdateVolume", "protection", "warning"],
  ["s3:PutBucketLogging", "protection", "warning"],
];

describe("catalogue 1.23.0 (red-team round 72)", () => {
  test("is version 1.23.0 or later", () => {
    const [major, minor] = loadCatalogue().version.split(".").map(Number);
    expect(major === 1 && minor >= 23).toBe(true);
  });

  test.each(added)("%s is %s with severity %s", (action, category, severity) => {
    expect(loadCatalogue().byAction.get(action.toLowerCase())).toMatchObject({ action, category, severity });
  });

  test.each(added)("an agent holding only %s on * is reported once, by the rule of category %s, severity %s", (action, category, severity) => {
    const found = findingsOf(action);
    expect(found.map((f) => [f.ruleId, f.severity, f.actions])).toEqual([[RULE[category], severity, [action]]]);
    expect(found[0].principal).toBe("aws_iam_role.agent");
  });

  test("kms:ImportKeyMaterial pinned to material that never expires is harmless; expiring material is not", () => {
    expect(findingsOf("kms:ImportKeyMaterial", { StringEquals: { "kms:ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE" } })).toEqual([]);
    const expiring = findingsOf("kms:ImportKeyMaterial", { StringEquals: { "kms:ExpirationModel": "KEY_MATERIAL_EXPIRES" } });
    expect(expiring.map((f) => [f.ruleId, f.severity])).toEqual([["agent-destroy-right", "error"]]);
  });

  // Controls: Read siblings of each group, held on `*` by the same agent, are no finding at all.
  const controls: [string, string[]][] = [
    ["root sessions and account email", ["sts:GetCallerIdentity", "account:GetPrimaryEmail", "account:GetAccountInformation"]],
    ["Identity Center", ["sso:DescribePermissionSet", "sso:ListPermissionSets", "sso:ListAccountAssignments", "identitystore:ListGroupMemberships"]],
    ["Lake Formation settings", ["lakeformation:GetDataLakeSettings"]],
    ["KMS import", ["kms:DescribeKey", "kms:GetParametersForImport"]],
    ["Redshift snapshots and logging", ["redshift:DescribeClusterSnapshots", "redshift:DescribeLoggingStatus"]],
    ["RDS tenants, backups and activity streams", ["rds:DescribeDBInstances", "rds:DescribeTenantDatabases", "rds:DescribeDBInstanceAutomatedBackups", "rds:StartActivityStream"]],
    ["logging configurations", ["bedrock:GetModelInvocationLoggingConfiguration", "s3:GetBucketLogging", "logs:DescribeSubscriptionFilters"]],
    ["S3 Tables replication", ["s3tables:GetTableReplication", "s3tables:GetTableBucketReplication"]],
    ["cache users", ["elasticache:DescribeUserGroups", "memorydb:DescribeAcls"]],
    ["Bedrock documents and memory", ["bedrock:GetKnowledgeBaseDocuments", "bedrock:ListKnowledgeBaseDocuments", "bedrock:GetAgentMemory"]],
    ["domains and records", ["route53domains:GetDomainDetail", "route53:ListResourceRecordSets"]],
    ["EFS, Storage Gateway, Lightsail, FSx", ["elasticfilesystem:DescribeFileSystemPolicy", "storagegateway:DescribeCache", "lightsail:GetBuckets", "fsx:DescribeVolumes"]],
  ];
  test.each(controls)("control: reads of %s are no finding", (_, actions) => {
    expect(findingsOf(actions)).toEqual([]);
  });

  test("sharing a cluster snapshot or an AMI is excluded (exposure, not destruction), as their siblings are", () => {
    const cat = loadCatalogue();
    for (const action of ["rds:ModifyDBClusterSnapshotAttribute", "ec2:ModifyImageAttribute"]) expect([action, cat.categoryOf(action)]).toEqual([action, undefined]);
    expect(findingsOf(["rds:ModifyDBClusterSnapshotAttribute", "ec2:ModifyImageAttribute"])).toEqual([]);
  });

  test("1.26.0: writing DNS records and secret values is excluded, as AgentRole's boundary denies every listed action", () => {
    // A user's review: listed as warnings, they made every agent's DNS and secret writes impossible through AgentRole.
    const cat = loadCatalogue();
    for (const action of ["route53:ChangeResourceRecordSets", "secretsmanager:PutSecretValue"]) expect([action, cat.categoryOf(action)]).toEqual([action, undefined]);
    expect(findingsOf(["route53:ChangeResourceRecordSets", "secretsmanager:PutSecretValue"])).toEqual([]);
    const { boundary, guards } = agentGuardrails({ roleArn: "arn:*:iam::*:role/agents/claude", boundaryArn: "arn:*:iam::*:policy/agents/claude-boundary", guardArn: "arn:*:iam::*:policy/agents/claude-guard*" });
    const text = JSON.stringify([boundary, guards]);
    expect(text).not.toContain("ChangeResourceRecordSets");
    expect(text).not.toContain("PutSecretValue");
  });

  test("AgentRole's boundary and guard policies deny every added action", () => {
    const { boundary, guards } = agentGuardrails({
      roleArn: "arn:*:iam::*:role/agents/claude",
      boundaryArn: "arn:*:iam::*:policy/agents/claude-boundary",
      guardArn: "arn:*:iam::*:policy/agents/claude-guard*",
    });
    const denied = new Set(
      [boundary, ...guards].flat().flatMap((st) => (st.Effect === "Deny" && st.Resource === "*" && Array.isArray(st.Action) ? st.Action : [])),
    );
    expect(added.map(([a]) => a).filter((a) => !denied.has(a))).toEqual([]);
  });

  test("an agent under AgentRole's guardrails that is allowed every added action is reported for none of them", () => {
    const { boundary, guards } = agentGuardrails({
      roleArn: "arn:*:iam::*:role/agents/agent",
      boundaryArn: "arn:*:iam::*:policy/agents/agent-boundary",
      guardArn: "arn:*:iam::*:policy/agents/agent-guard*",
    });
    const stack = tf({
      "aws_iam_policy.boundary": { name: "agent-boundary", path: "/agents/", policy: policyJson(boundary) },
      ...Object.fromEntries(guards.map((g, i) => [`aws_iam_policy.guard${i}`, { name: `agent-guard${i + 2}`, path: "/agents/", policy: policyJson(g) }])),
      "aws_iam_role.agent": agentRole({ assume_role_policy: SAFE_TRUST, permissions_boundary: "${aws_iam_policy.boundary.arn}", max_session_duration: 3600 }),
      "aws_iam_role_policy.ops": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: added.map(([a]) => a), Resource: "*" }) },
      ...Object.fromEntries(guards.map((_, i) => [`aws_iam_role_policy_attachment.guard${i}`, { role: "${aws_iam_role.agent.name}", policy_arn: `\${aws_iam_policy.guard${i}.arn}` }])),
    });
    const mentioned = check(stack).findings.filter((f) => !f.acknowledged).flatMap((f) => f.actions);
    expect(mentioned.filter((a) => added.some(([x]) => x === a))).toEqual([]);
  });
});
