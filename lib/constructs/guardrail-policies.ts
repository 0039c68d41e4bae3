import { loadCatalogue } from "../engine/catalogue";
import { AGENT_TAG } from "../engine/agents";
import { AGENT_PATH } from "./agent-role";
import { packActions, policySize, SCP_LIMIT, type StatementJson } from "./policy-document";

/**
 * The service control policies of EnvironmentAccounts, as statement lists that each fit in one SCP
 * (5,120 characters). Agents are recognised twice over: by the `/agents/` IAM path of the calling principal
 * (cannot be spoofed) and by an `agent-` source identity (survives role chaining into a non-agent role).
 */

/** Every partition: an SCP lives in the partition of its organization, and `arn:aws:` would match nothing in another. */
const AGENT_ARNS = [`arn:*:iam::*:role${AGENT_PATH}*`, `arn:*:iam::*:user${AGENT_PATH}*`];
const AGENT_SOURCE_IDENTITY = "agent-*";

function exceptPrivileged(privileged: readonly string[]): StatementJson["Condition"] {
  return { ArnNotLike: { "aws:PrincipalArn": [...privileged] } };
}

/**
 * IAM calls on a role that would let their caller become it, widen what it may do, or take it away: create one on
 * its path, rewrite its trust, change its policies, boundary, settings or tags, delete it, or pass it to a service.
 * The exemption by `aws:PrincipalArn` is only as strong as the roles it names: without this, anyone with IAM rights
 * in an account creates `role/breakglass/x` trusting itself (or rewrites an exempt role's trust) and is exempt.
 * Policy-version calls are not here: their resource is the managed policy, and a wider break-glass role admits no one
 * new while its trust and path are held.
 */
export const PRIVILEGED_ROLE_WRITES = [
  "iam:CreateRole",
  "iam:UpdateAssumeRolePolicy",
  "iam:AttachRolePolicy",
  "iam:PutRolePolicy",
  "iam:DetachRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:DeleteRolePermissionsBoundary",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
  "iam:TagRole",
  "iam:UntagRole",
  "iam:DeleteRole",
  "iam:PassRole",
] as const;

/**
 * Only the privileged roles may create or change roles that match their own patterns (AWS's "protect the exempt
 * role" SCP statement). SCPs never bind the management account, and service-linked roles are outside every SCP:
 * there (or through a privileged role) break-glass roles are created and changed.
 */
export function protectPrivilegedRoles(privileged: readonly string[]): StatementJson {
  return { Sid: "DenyChangingPrivilegedRolesOutsideThem", Effect: "Deny", Action: [...PRIVILEGED_ROLE_WRITES], Resource: [...privileged], Condition: exceptPrivileged(privileged) };
}

/**
 * The catalogue's resource-policy escalation errors (a bucket, key, vault, secret or table policy rewritten): in a
 * protected account they grant the deletes the other statements deny, lock the owners out of a key, or stop log
 * delivery while StopLogging stays denied. The privileged roles, which deploy protected resources, keep them.
 */
export function resourcePolicyRewrites(): string[] {
  return loadCatalogue()
    .escalation.filter((e) => e.target === "resource-policy" && e.severity === "error")
    .map((e) => e.action);
}

/**
 * Catalogue actions that are an application's ordinary data work or routine operations, each with why, and what
 * recovers what it changes. The deny-destroy SCPs bind every principal of the protected accounts but the privileged
 * roles, workload roles included (agents are denied everything there by denyAgentsPolicy anyway): denying these
 * would break production applications at runtime, and only in production, since staging is not under the SCP. So
 * they are left out unless `denyWorkloadActions`. Everything that deletes a resource or its recovery (buckets,
 * tables, volumes, databases, snapshots, backups, vaults, keys), deletes for good (s3:DeleteObjectVersion), wipes a
 * whole database (neptune-db:ResetDatabase), terminates instances (a group's capacity lowered to zero does, with its
 * root volumes and instance store: red-team round 95), or turns a protection off stays denied. Auto Scaling's own
 * scaling runs as its service-linked role, which no SCP binds.
 */
export const WORKLOAD_ACTIONS: Readonly<Record<string, string>> = {
  "s3:DeleteObject": "deleting objects is application work; on a versioned bucket it leaves a delete marker (PutBucketVersioning and DeleteObjectVersion stay denied)",
  "s3express:CreateSession": "every read or write of a directory bucket starts with it",
  "dynamodb:DeleteItem": "item deletes are application work; point-in-time recovery restores them (UpdateContinuousBackups stays denied)",
  "dynamodb:BatchWriteItem": "the batch form of PutItem and DeleteItem; PITR restores",
  "dynamodb:PartiQLDelete": "PartiQL's DELETE of items; PITR restores",
  "dax:DeleteItem": "DeleteItem through the DAX cache, written through to the table; PITR restores",
  "dax:BatchWriteItem": "BatchWriteItem through DAX; PITR restores",
  "rds-db:connect": "IAM database authentication: how an application logs in; snapshots and automated backups restore",
  "rds-data:ExecuteStatement": "the RDS Data API: how a serverless application runs SQL; snapshots and backups restore",
  "rds-data:BatchExecuteStatement": "the Data API's batch form; snapshots and backups restore",
  "dsql:DbConnect": "an application's (non-admin) login to Aurora DSQL; DbConnectAdmin stays denied",
  "neptune-db:connect": "IAM authentication to a Neptune cluster: every query of the application; snapshots restore",
  "neptune-db:DeleteDataViaQuery": "deleting vertices and edges in queries is application work (ResetDatabase stays denied); snapshots restore",
  "neptune-graph:DeleteDataViaQuery": "the same on a Neptune Analytics graph (ResetGraph stays denied); graph snapshots restore",
  "redshift-data:ExecuteStatement": "the Redshift Data API: how an application or ETL job runs SQL; cluster snapshots restore",
  "redshift-data:BatchExecuteStatement": "the Data API's batch form; snapshots restore",
  "redshift:GetClusterCredentials": "temporary database credentials: how an application logs in to Redshift",
  "redshift:GetClusterCredentialsWithIAM": "the same, as the IAM identity",
  "redshift-serverless:GetCredentials": "the same for Redshift Serverless",
  "elasticache:Connect": "IAM authentication to a Valkey or Redis OSS cache: every connection of the application",
  "memorydb:Connect": "IAM authentication to MemoryDB: every connection of the application; snapshots restore",
  "elasticfilesystem:ClientWrite": "writing to a mounted EFS file system; EFS backups restore",
  "es:ESHttpPost": "indexing and searching an OpenSearch domain; its automated snapshots restore",
  "es:ESHttpPut": "indexing documents and mappings; automated snapshots restore",
  "es:ESHttpDelete": "deleting documents; automated snapshots restore (DeleteDomain stays denied)",
  "aoss:APIAccessAll": "every data-plane call to an OpenSearch Serverless collection; its data access policy decides the rest",
  "cassandra:Modify": "INSERT, UPDATE and DELETE on Amazon Keyspaces rows; point-in-time recovery restores (Drop stays denied)",
  "cassandra:ModifyMultiRegionResource": "the same on a multi-Region keyspace",
  "s3tables:UpdateTableMetadataLocation": "the commit of every Iceberg write to an S3 table; earlier snapshots stay (maintenance settings stay denied)",
  "sqs:PurgeQueue": "draining a queue is routine operation; messages are transient and their producers resend",
  "ec2:AttachVolume": "attaching a data volume at boot is routine; snapshots and the Recycle Bin keep the volume's data",
  "autoscaling:SetInstanceProtection": "a worker protecting its own instance from scale-in while it works",
};

/**
 * Deny every catalogue `direct` and `protection` action, and the resource-policy rewrites, outside the privileged
 * (break-glass) roles; split to fit. WORKLOAD_ACTIONS are left out unless `denyWorkloadActions`.
 */
export function denyDestroyPolicies(privileged: readonly string[], options: { readonly denyWorkloadActions?: boolean } = {}): StatementJson[][] {
  const cat = loadCatalogue();
  const denied = [...cat.direct, ...cat.protection].map((e) => e.action).filter((a) => options.denyWorkloadActions || !Object.hasOwn(WORKLOAD_ACTIONS, a));
  const actions = [...denied, ...resourcePolicyRewrites()];
  const render = (g: readonly string[]): StatementJson[] => [
    { Sid: "DenyDestroyOutsideBreakGlass", Effect: "Deny", Action: [...g], Resource: "*", Condition: exceptPrivileged(privileged) },
  ];
  return packActions(actions, SCP_LIMIT, render).map(render);
}

/** Agents may do nothing at all in the accounts this is attached to (production, backup, log). */
export function denyAgentsPolicy(): StatementJson[] {
  return [
    { Sid: "DenyAgentPrincipals", Effect: "Deny", Action: "*", Resource: "*", Condition: { ArnLike: { "aws:PrincipalArn": AGENT_ARNS } } },
    { Sid: "DenyAgentSessions", Effect: "Deny", Action: "*", Resource: "*", Condition: { StringLike: { "aws:SourceIdentity": AGENT_SOURCE_IDENTITY } } },
  ];
}

/** The services resource control policies apply to, of those an agent could reach another account's resources through. */
export const RCP_SERVICES: readonly string[] = ["s3", "sts", "kms", "sqs", "secretsmanager"];

/**
 * A resource control policy for the accounts agents may not act in: SCPs bind only their own accounts' principals,
 * so an agent of staging that a bucket, key, queue, secret or role trust policy there admits would not be stopped
 * by them. The same two tests as denyAgentsPolicy (agent paths, `agent-*` source identity), on those accounts'
 * resources, whoever's principal calls. RCPs take `Principal: "*"` and no `Action: "*"`.
 */
export function denyAgentsResourcePolicy(): StatementJson[] {
  const actions = RCP_SERVICES.map((svc) => `${svc}:*`);
  return [
    { Sid: "DenyAgentPrincipals", Effect: "Deny", Principal: "*", Action: actions, Resource: "*", Condition: { ArnLike: { "aws:PrincipalArn": AGENT_ARNS } } },
    { Sid: "DenyAgentSessions", Effect: "Deny", Principal: "*", Action: actions, Resource: "*", Condition: { StringLike: { "aws:SourceIdentity": AGENT_SOURCE_IDENTITY } } },
  ];
}

/**
 * For every account: only the privileged roles create or change roles matching their patterns, no leaving the
 * organization or loosening its policies, no switching off CloudTrail, AWS
 * Backup, GuardDuty, Config or Security Hub (the catalogue's actions of those services), for agents none of their
 * other catalogue actions either (event selectors, detector settings, plan updates), no access keys or users for
 * agents, and no agent path into the account-admin role Organizations creates.
 */
export function baselinePolicies(privileged: readonly string[], accountAccessRoleName: string): StatementJson[][] {
  const cat = loadCatalogue();
  const pick = (prefixes: string[]) => cat.entries.map((e) => e.action).filter((a) => prefixes.some((p) => a.startsWith(p)));
  const orgActions = pick(["organizations:"]);
  // Only the calls that switch these services off or delete what they keep: their Put*/Update* calls stay open so
  // every account can still be configured (in the protected environments the deny-destroy policies cover those too).
  const watchActions = pick(["cloudtrail:", "backup:", "guardduty:", "config:", "securityhub:"]).filter((a) =>
    /^[a-z-]+:(Delete|Stop|Disable|Disassociate|Cancel|Remove|Deregister)/.test(a),
  );
  const fixed: StatementJson[] = [
    { Sid: "DenyLeavingOrLooseningTheOrganization", Effect: "Deny", Action: orgActions, Resource: "*", Condition: exceptPrivileged(privileged) },
    // Every exemption below and in the deny-destroy policies rests on these roles: in every account, nobody else
    // may make one or change one.
    protectPrivilegedRoles(privileged),
    {
      Sid: "DenyAgentUsersAndKeys",
      Effect: "Deny",
      Action: ["iam:CreateUser", "iam:CreateAccessKey", "iam:UpdateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile"],
      Resource: `arn:*:iam::*:user${AGENT_PATH}*`,
    },
    {
      Sid: "DenyAccessKeysForTaggedAgents",
      Effect: "Deny",
      Action: ["iam:CreateAccessKey", "iam:UpdateAccessKey", "iam:CreateLoginProfile"],
      Resource: "*",
      Condition: { StringEqualsIgnoreCase: { [`aws:ResourceTag/${AGENT_TAG}`]: "true" } },
    },
    {
      Sid: "DenyCreatingTaggedAgentUsers",
      Effect: "Deny",
      Action: ["iam:CreateUser", "iam:TagUser"],
      Resource: "*",
      Condition: { StringEqualsIgnoreCase: { [`aws:RequestTag/${AGENT_TAG}`]: "true" } },
    },
    {
      Sid: "DenyAgentsTheAccountAdminRole",
      Effect: "Deny",
      Action: "sts:AssumeRole",
      Resource: `arn:*:iam::*:role/${accountAccessRoleName}`,
      Condition: { ArnLike: { "aws:PrincipalArn": AGENT_ARNS } },
    },
  ];
  const render = (g: readonly string[]): StatementJson[] => [
    { Sid: "DenyDisablingAuditAndBackup", Effect: "Deny", Action: [...g], Resource: "*", Condition: exceptPrivileged(privileged) },
  ];
  // The rest of those services' catalogue actions (event selectors, detector settings, plan and lifecycle updates)
  // also blind an account or shorten what it keeps. Teams configure them, so they stay open to people, but not to
  // agents: by the agent path and by an agent session, as the two ways an agent is known.
  const watchedByAgents = pick(["cloudtrail:", "backup:", "guardduty:", "config:", "securityhub:"]).filter((a) => !watchActions.includes(a));
  const renderAgents = (g: readonly string[]): StatementJson[] => [
    { Sid: "DenyAgentsWeakeningAuditAndBackup", Effect: "Deny", Action: [...g], Resource: "*", Condition: { ArnLike: { "aws:PrincipalArn": AGENT_ARNS } } },
    { Sid: "DenyAgentSessionsWeakeningAuditAndBackup", Effect: "Deny", Action: [...g], Resource: "*", Condition: { StringLike: { "aws:SourceIdentity": AGENT_SOURCE_IDENTITY } } },
  ];
  const groups = packActions(watchActions, SCP_LIMIT - policySize(fixed), render);
  const policies = groups.map((g, i) => (i === 0 ? [...fixed, ...render(g)] : render(g)));
  if (watchedByAgents.length === 0) return policies;
  // Into the last policy when it fits: every SCP attached to a target counts against its limit of five.
  const last = [...policies[policies.length - 1], ...renderAgents(watchedByAgents)];
  if (policySize(last) <= SCP_LIMIT) return [...policies.slice(0, -1), last];
  return [...policies, ...packActions(watchedByAgents, SCP_LIMIT, renderAgents).map(renderAgents)];
}
