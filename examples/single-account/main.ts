/**
 * Reference environment: single-account. For a small team not (yet) on AWS Organizations: staging and
 * production share account 111111111111, told apart by the `environment` tag.
 *
 * - The coding agent has an AgentRole (boundary denying every destroy and escalation right, one-hour sessions,
 *   `agent-` source identity) that only reads, and a 15-minute ScopedToken per staging task.
 * - The production database and volume are a ProtectedDatabase and a ProtectedVolume (`prevent_destroy`,
 *   deletion protection, final snapshots, retained automated backups, customer-managed keys, a locked Recycle
 *   Bin rule), backed up nightly by one OffsiteBackupPlan into a locked local vault and copied to a locked vault
 *   in another region of this account (eu-central-1, `allowSameAccount`).
 * - A multi-region trail with log file validation and data events writes to a bucket with Object Lock in
 *   compliance mode.
 *
 * The DR vault and the trail are written with provider classes here: OffsiteBackupVault and AgentAuditTrail
 * expect an organization and a second account, which a single account does not have. README.md says what that
 * leaves unprotected.
 */
import { App, Aspects, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { BackupVaultLockConfiguration } from "@cdktf/provider-aws/lib/backup-vault-lock-configuration";
import { BackupVaultPolicy } from "@cdktf/provider-aws/lib/backup-vault-policy";
import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import {
  AgentPrincipal,
  AgentRole,
  BlastwallChecks,
  OffsiteBackupPlan,
  ProtectedDatabase,
  ProtectedKey,
  ProtectedVolume,
  ScopedToken,
} from "blastwall";

const ACCOUNT = "111111111111";
const REGION = "eu-west-1";
/** Where the backup copies go: another region of the same account. */
const DR_REGION = "eu-central-1";
const DR_VAULT = "production-dr";
/**
 * Days the copies are kept in the DR vault, and its lock's minimum: the lock guarantees only its minimum (a copy's
 * retention can be lowered to it), so a lower one would leave the rest of each copy's life unlocked.
 */
const DR_RETENTION_DAYS = 35;

/** The broker that starts agent sessions with `--source-identity agent-<tool>-<user>`; replace with yours. */
const AGENT_RUNNER_ARN = `arn:aws:iam::${ACCOUNT}:role/agent-runner`;

const PRODUCTION = { environment: "production" };

/** Statements that deny the given actions to agent roles and agent sessions, for resource policies. */
function denyToAgents(sid: string, actions: readonly string[], resources: string | readonly string[]): object[] {
  return [
    { Sid: `${sid}AgentRoles`, Effect: "Deny", Principal: "*", Action: actions, Resource: resources, Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/agents/*" } } },
    { Sid: `${sid}AgentSessions`, Effect: "Deny", Principal: "*", Action: actions, Resource: resources, Condition: { StringLike: { "aws:SourceIdentity": "agent-*" } } },
  ];
}

/**
 * A backup vault with a compliance-mode Vault Lock: after `changeable_for_days` (3, AWS's minimum cooling-off)
 * nobody, the account root included, can delete a recovery point before `min_retention_days` or delete the vault.
 */
function lockedVault(scope: Construct, id: string, props: { name: string; key: ProtectedKey; minRetentionDays: number; provider?: AwsProvider }): BackupVault {
  const vault = new BackupVault(scope, id, {
    name: props.name,
    kmsKeyArn: props.key.keyArn,
    forceDestroy: false,
    tags: PRODUCTION,
    lifecycle: { preventDestroy: true },
    provider: props.provider,
  });
  const lock = new BackupVaultLockConfiguration(scope, `${id}Lock`, {
    backupVaultName: vault.name,
    changeableForDays: 3,
    minRetentionDays: props.minRetentionDays,
    provider: props.provider,
  });
  new BackupVaultPolicy(scope, `${id}Policy`, {
    backupVaultName: vault.name,
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "NobodyDeletesRecoveryPoints",
          Effect: "Deny",
          Principal: { AWS: "*" },
          Action: ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:DeleteBackupVault", "backup:DeleteBackupVaultAccessPolicy", "backup:DeleteBackupVaultLockConfiguration"],
          Resource: "*",
        },
      ],
    }),
    dependsOn: [lock],
    provider: props.provider,
  });
  return vault;
}

export class SingleAccountStack extends TerraformStack {
  readonly agent: AgentRole;
  readonly tokens: ScopedToken[];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: REGION, allowedAccountIds: [ACCOUNT] });
    const dr = new AwsProvider(this, "dr", { alias: "dr", region: DR_REGION, allowedAccountIds: [ACCOUNT] });

    // ---- The agent: reads with its own role, changes staging only through a scoped token per task.
    this.agent = new AgentRole(this, "CodingAgent", {
      roleName: "coding-agent",
      assumedBy: [AgentPrincipal.role(AGENT_RUNNER_ARN)],
      description: "Coding agent: reads, and changes staging only through scoped tokens (blastwall)",
    });
    this.agent.grantReadOnly("cloudwatch");
    const task = (name: string, actions: string[], resources: string[]) =>
      new ScopedToken(this, name, {
        name,
        assumedBy: this.agent,
        actions,
        resources,
        // One account holds both environments: the tag is what keeps a staging token off production.
        environment: "staging",
        accountId: ACCOUNT,
        region: REGION,
      });
    this.tokens = [
      task("staging-read-logs", ["logs:FilterLogEvents", "logs:GetLogEvents", "logs:DescribeLogStreams"], [`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/app/staging/*`]),
      task("staging-redeploy-web", ["ecs:UpdateService", "ecs:DescribeServices"], [`arn:aws:ecs:${REGION}:${ACCOUNT}:service/staging/web`]),
    ];

    // ---- Production data: ProtectedDatabase and ProtectedVolume, backed up nightly into a locked local vault and
    // copied to a locked vault in DR_REGION of this same account (allowSameAccount).
    const drKey = new ProtectedKey(this, "DrKey", { accountId: ACCOUNT, description: "Backup copies in the DR region (blastwall)", alias: "production-dr", tags: PRODUCTION, provider: dr });
    const offsite = lockedVault(this, "DrVault", { name: DR_VAULT, key: drKey, minRetentionDays: DR_RETENTION_DAYS, provider: dr });
    const backups = new OffsiteBackupPlan(this, "Backups", {
      name: "production",
      accountId: ACCOUNT,
      region: REGION,
      // Literal, so the construct and the gate can see where the copies go.
      offsiteVaultArn: `arn:aws:backup:${DR_REGION}:${ACCOUNT}:backup-vault:${DR_VAULT}`,
      allowSameAccount: true,
      copyRetentionDays: DR_RETENTION_DAYS,
      tags: PRODUCTION,
    });
    backups.node.addDependency(offsite);
    // The gate sees that the copy stays in this account, and says so; that is this template's known limit. The
    // acknowledgement is in this folder's blastwall.json, pinned to the plan as reviewed ("grants"), not written here:
    // stack code is what an agent edits, and an acknowledgement in it would let the agent acknowledge its own findings.
    new ProtectedDatabase(this, "OrdersDb", {
      identifier: "orders-db",
      engine: "postgres",
      engineVersion: "16",
      instanceClass: "db.t4g.medium",
      allocatedStorage: 50,
      backupRetentionDays: 14,
      backup: backups,
      tags: PRODUCTION,
    });
    new ProtectedVolume(this, "OrdersFiles", {
      name: "orders-files",
      availabilityZone: `${REGION}a`,
      sizeGiB: 100,
      volumeType: "gp3",
      backup: backups,
      tags: PRODUCTION,
    });

    // ---- The trail: every API call, the agent's included, with its source identity; the log files cannot be erased.
    const trailName = "agent-audit";
    const trailArn = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/${trailName}`;
    const bucketName = `example-agent-audit-${ACCOUNT}`;
    const bucketArn = `arn:aws:s3:::${bucketName}`;
    const trailKey = new ProtectedKey(this, "TrailKey", {
      accountId: ACCOUNT,
      description: "Audit trail (blastwall)",
      additionalStatements: [
        {
          Sid: "CloudTrailEncryptsLogs",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "kms:GenerateDataKey*",
          Resource: "*",
          Condition: { StringEquals: { "aws:SourceArn": trailArn }, StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*` } },
        },
        { Sid: "CloudTrailDescribesKey", Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "kms:DescribeKey", Resource: "*" },
      ],
    });
    const bucket = new S3Bucket(this, "AuditBucket", { bucket: bucketName, objectLockEnabled: true, forceDestroy: false, lifecycle: { preventDestroy: true } });
    new S3BucketVersioningA(this, "AuditBucketVersioning", { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } });
    new S3BucketObjectLockConfigurationA(this, "AuditBucketLock", { bucket: bucket.id, rule: { defaultRetention: { mode: "COMPLIANCE", days: 365 } } });
    new S3BucketServerSideEncryptionConfigurationA(this, "AuditBucketEncryption", {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: trailKey.keyArn }, bucketKeyEnabled: true }],
    });
    new S3BucketPublicAccessBlock(this, "AuditBucketPublicAccessBlock", {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const bucketPolicy = new S3BucketPolicy(this, "AuditBucketPolicy", {
      bucket: bucket.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "CloudTrailChecksAcl", Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "s3:GetBucketAcl", Resource: bucketArn, Condition: { StringEquals: { "aws:SourceArn": trailArn } } },
          {
            Sid: "CloudTrailWritesLogs",
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: `${bucketArn}/AWSLogs/${ACCOUNT}/*`,
            Condition: { StringEquals: { "aws:SourceArn": trailArn, "s3:x-amz-acl": "bucket-owner-full-control" } },
          },
          { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucketArn, `${bucketArn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
          ...denyToAgents("DenyLogChangesTo", ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutObjectRetention", "s3:PutBucketObjectLockConfiguration", "s3:PutLifecycleConfiguration", "s3:DeleteBucket"], [bucketArn, `${bucketArn}/*`]),
        ],
      }),
    });
    new Cloudtrail(this, "Trail", {
      name: trailName,
      s3BucketName: bucket.bucket,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
      kmsKeyId: trailKey.keyArn,
      advancedEventSelector: [
        { name: "Management events", fieldSelector: [{ field: "eventCategory", equalTo: ["Management"] }] },
        ...["AWS::S3::Object", "AWS::DynamoDB::Table", "AWS::Lambda::Function"].map((type) => ({
          name: `Data events ${type}`,
          fieldSelector: [
            { field: "eventCategory", equalTo: ["Data"] },
            { field: "resources.type", equalTo: [type] },
            // Not the trail's own deliveries (each log file written is an S3 data event); the next selector keeps
            // every other call on the log files (deletes, retention changes, reads) on record.
            ...(type === "AWS::S3::Object" ? [{ field: "resources.ARN", notStartsWith: [`${bucketArn}/`] }] : []),
          ],
        })),
        {
          name: "Data events AWS::S3::Object of the trail's bucket",
          fieldSelector: [
            { field: "eventCategory", equalTo: ["Data"] },
            { field: "resources.type", equalTo: ["AWS::S3::Object"] },
            { field: "resources.ARN", startsWith: [`${bucketArn}/`] },
            { field: "eventName", notEquals: ["PutObject"] },
          ],
        },
      ],
      lifecycle: { preventDestroy: true },
      dependsOn: [bucketPolicy],
    });
  }
}

/** Adds this example's stacks to an app (the example runner and the tests call this). */
export function defineStacks(app: App): void {
  new SingleAccountStack(app, "single-account");
}

if (require.main === module) {
  const app = new App();
  defineStacks(app);
  Aspects.of(app).add(new BlastwallChecks());
  app.synth();
}
