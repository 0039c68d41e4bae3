/**
 * Reference environment: multi-account. The organization the April 2026 lessons call for.
 *
 * Six accounts under AWS Organizations, one stack per account (the log account's few resources are created by
 * the management stack, see below):
 *
 *   management  111111111111  the organization, its SCPs, the organization trail, cross-account backup on
 *   production  222222222222  the orders database and its file volume, backed up every night and copied off-site
 *   staging     333333333333  where the coding agent works (its role, and one scoped token per task)
 *   sandbox     444444444444  where the coding agent experiments (same agent, its own role there)
 *   backup      555555555555  the locked off-site vaults (eu-central-1 for the volume, eu-west-1 for the database)
 *   log         666666666666  the audit bucket, Object Lock in compliance mode
 *
 * Every id below is a placeholder: replace ACCOUNTS, ORGANIZATION and AGENT_RUNNER_ARN with yours.
 */
import { App, Aspects, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { BackupGlobalSettings } from "@cdktf/provider-aws/lib/backup-global-settings";
import {
  AgentAuditTrail,
  AgentPrincipal,
  AgentRole,
  BlastwallChecks,
  EnvironmentAccounts,
  OffsiteBackupPlan,
  OffsiteBackupVault,
  ProtectedDatabase,
  ProtectedKey,
  ProtectedVolume,
  ScopedToken,
  type Environment,
} from "blastwall";

/** Where the data lives, and where its off-site copies go (another region, so a regional outage spares them). */
const REGION = "eu-west-1";
const BACKUP_REGION = "eu-central-1";

const ORGANIZATION = { id: "o-exampleorg1", rootId: "r-exmp" };

/**
 * Days every off-site copy is kept. The backup vaults' Vault Lock minimum is the same number: the lock guarantees
 * only its minimum (a copy's retention can be lowered to it), so a lower minimum would leave the rest unlocked.
 */
const COPY_RETENTION_DAYS = 35;

/** One account per environment. Literal ids pin every provider to its account (`allowed_account_ids`). */
const ACCOUNTS = {
  management: { name: "example-management", email: "aws-management@example.com", accountId: "111111111111" },
  production: { name: "example-production", email: "aws-production@example.com", accountId: "222222222222" },
  staging: { name: "example-staging", email: "aws-staging@example.com", accountId: "333333333333" },
  sandbox: { name: "example-sandbox", email: "aws-sandbox@example.com", accountId: "444444444444" },
  backup: { name: "example-backup", email: "aws-backup@example.com", accountId: "555555555555" },
  log: { name: "example-log", email: "aws-log@example.com", accountId: "666666666666" },
} as const;

/**
 * The agent runner: the broker that starts every agent session with `--source-identity agent-<tool>-<user>`
 * (Claude Code, Cursor, a CI job...). It lives outside this template; only it may assume the agent roles.
 */
const AGENT_RUNNER_ARN = "arn:aws:iam::333333333333:role/agent-runner";

/** The admin role AWS Organizations creates in every member account; each stack's provider assumes it. */
const ACCOUNT_ACCESS_ROLE = "OrganizationAccountAccessRole";

/**
 * The break-glass role the backup stack deploys through (path and name, created once in the backup account by a
 * human, trusted only by your human-approved deploy pipeline behind `blastwall gate`). The off-site vaults' keys
 * deny deleting, disabling or re-policing them to everyone but `breakglass/` roles of the backup account
 * (OffsiteBackupVault's keyAdministratorArns), and KMS refuses to create such a key as any other role.
 */
const BACKUP_DEPLOY_ROLE = "breakglass/backup-deploy";

/**
 * The provider of one member account, declared in the stack that deploys there. EnvironmentAccounts builds the
 * same providers, but inside its own (management) stack, and a cdktf stack cannot use another stack's provider.
 */
function accountProvider(stack: TerraformStack, env: Exclude<Environment, "log">, options: { region?: string; alias?: string; role?: string } = {}): AwsProvider {
  const accountId = ACCOUNTS[env].accountId;
  return new AwsProvider(stack, options.alias ?? "aws", {
    alias: options.alias,
    region: options.region ?? REGION,
    assumeRole: [{ roleArn: `arn:aws:iam::${accountId}:role/${options.role ?? ACCOUNT_ACCESS_ROLE}`, sessionName: `deploy-${env}` }],
    allowedAccountIds: [accountId],
    defaultTags: [{ tags: { "blastwall:environment": env } }],
  });
}

/**
 * Management account: the organization's accounts, OUs and SCPs (agents denied everything in production,
 * backup and log; destroy rights only for break-glass roles there; no disabling CloudTrail or Backup; no agent
 * access keys), cross-account backup, and the organization trail. The trail must be created here, in the
 * management account, after its bucket exists in the log account: both are in this stack, so Terraform orders
 * them, and the bucket is created through the log account's provider.
 */
export class ManagementStack extends TerraformStack {
  readonly accounts: EnvironmentAccounts;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: REGION, allowedAccountIds: [ACCOUNTS.management.accountId] });

    this.accounts = new EnvironmentAccounts(this, "Accounts", {
      rootId: ORGANIZATION.rootId,
      region: REGION,
      accountAccessRoleName: ACCOUNT_ACCESS_ROLE,
      // Who may still use destroy and protection-changing actions in production, backup and log: break-glass roles,
      // and the role every stack here deploys through (creating a Vault Lock, Object Lock or an RDS change is such an
      // action). Run those deploys behind `blastwall gate` (a human-approved plan); the baseline SCP denies agents
      // this role.
      //
      // OrganizationAccountAccessRole stays exempt in the backup OU too: the list is one for every protected OU, and
      // the production and log deploys go through it. But the management account (which no SCP binds) can assume it
      // in every member account, so the SCP alone would let any admin or CI principal there schedule the deletion of
      // the off-site vaults' keys and make every copy unreadable (the Vault Lock protects recovery points, not their
      // key). The keys' own policies close that: they deny deleting, disabling or re-policing the key to every role
      // but the backup account's breakglass/ roles, whatever the SCPs exempt; which is why BackupStack deploys through
      // BACKUP_DEPLOY_ROLE, not this role.
      privilegedRoleArns: ["arn:aws:iam::*:role/breakglass/*", `arn:aws:iam::*:role/${ACCOUNT_ACCESS_ROLE}`],
      accounts: {
        production: ACCOUNTS.production,
        staging: ACCOUNTS.staging,
        sandbox: ACCOUNTS.sandbox,
        backup: ACCOUNTS.backup,
        log: ACCOUNTS.log,
      },
    });

    // AWS only accepts this setting in the management account; the off-site vault (backup stack) relies on it.
    new BackupGlobalSettings(this, "CrossAccountBackup", {
      globalSettings: { isCrossAccountBackupEnabled: "true", isDelegatedAdministratorEnabled: "false", isMpaEnabled: "false" },
    });

    new AgentAuditTrail(this, "AuditTrail", {
      trailName: "agent-audit",
      bucketName: "example-agent-audit-666666666666",
      organizationId: ORGANIZATION.id,
      managementAccountId: ACCOUNTS.management.accountId,
      logAccountId: ACCOUNTS.log.accountId,
      region: REGION,
      logAccountProvider: this.accounts.providers.log!,
    });
  }
}

/**
 * Backup account: the vaults production's recovery points are copied to. Vault Lock in compliance mode with a
 * minimum of COPY_RETENTION_DAYS (after the 3-day cooling-off nobody, the account root included, can keep a copy
 * for less or delete a recovery point early),
 * a vault policy that admits copies from the organization only, a KMS key per vault whose policy lets only the
 * backup account's break-glass roles delete, disable or re-police it (no admin of this or the management account
 * can crypto-shred the copies with one call). Agents may not act in this account at all (SCP).
 *
 * Two vaults, because AWS Backup copies an RDS or Aurora snapshot either to another account or to another region
 * in one copy action, never both at once (their snapshots are encrypted with keys of the source region). So:
 * - `offsite` in BACKUP_REGION takes the volume's copies: another account and another region;
 * - `offsite-databases` in REGION takes the database's copies: another account, the same region.
 */
export class BackupStack extends TerraformStack {
  /** Another account, another region: for every resource type AWS Backup copies that way (EBS here). */
  readonly vault: OffsiteBackupVault;
  /** Another account, the data's region: for RDS and Aurora. */
  readonly databaseVault: OffsiteBackupVault;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // Through the break-glass deploy role: the vaults' keys may only be created and re-policed by their
    // administrators (keyAdministratorArns, by default the backup account's breakglass/ roles).
    accountProvider(this, "backup", { role: BACKUP_DEPLOY_ROLE });
    const dr = accountProvider(this, "backup", { region: BACKUP_REGION, alias: "dr", role: BACKUP_DEPLOY_ROLE });
    const common = {
      accountId: ACCOUNTS.backup.accountId,
      organizationId: ORGANIZATION.id,
      // The lock keeps every copy for as long as the production plans promise (OffsiteBackupVault checks this).
      minRetentionDays: COPY_RETENTION_DAYS,
      // Turned on by the management stack: AWS accepts the setting only there.
      enableCrossAccountBackup: false,
    };
    this.vault = new OffsiteBackupVault(this, "Offsite", { ...common, vaultName: "offsite", region: BACKUP_REGION, provider: dr });
    this.databaseVault = new OffsiteBackupVault(this, "OffsiteDatabases", { ...common, vaultName: "offsite-databases", region: REGION });
  }
}

export interface ProductionStackProps {
  /** The off-site vaults' ARNs (literal, so the account and region can be checked here and by the gate). */
  readonly offsiteVaultArn: string;
  readonly offsiteDatabaseVaultArn: string;
}

/**
 * Production account: the data. Nightly plans back up the volume and the database into a locked local vault and
 * copy every recovery point to the backup account (the volume's also to another region). `prevent_destroy`,
 * deletion protection, final snapshots, retained automated backups and a locked Recycle Bin rule make a bad
 * `terraform destroy` stop or leave copies behind. No agent role exists here, and the SCP denies agents anyway.
 */
export class ProductionStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: ProductionStackProps) {
    super(scope, id);
    accountProvider(this, "production");
    // One key for both local vaults, usable by the backup account so the copies can be re-encrypted there.
    const localVaultKey = new ProtectedKey(this, "LocalVaultKey", {
      accountId: ACCOUNTS.production.accountId,
      description: "Local backup vaults of production (blastwall)",
      usableByAccounts: [ACCOUNTS.backup.accountId],
    });
    const common = { accountId: ACCOUNTS.production.accountId, region: REGION, kmsKey: localVaultKey, retentionDays: 35, copyRetentionDays: COPY_RETENTION_DAYS };
    const volumes = new OffsiteBackupPlan(this, "VolumeBackup", { ...common, name: "production-volumes", offsiteVaultArn: props.offsiteVaultArn });
    const databases = new OffsiteBackupPlan(this, "DatabaseBackup", {
      ...common,
      name: "production-databases",
      offsiteVaultArn: props.offsiteDatabaseVaultArn,
      // AWS Backup cannot copy an RDS snapshot to another account and another region in one step (see BackupStack).
      allowSameRegion: true,
    });
    new ProtectedDatabase(this, "OrdersDb", {
      identifier: "orders-db",
      engine: "postgres",
      engineVersion: "16",
      instanceClass: "db.t4g.medium",
      allocatedStorage: 50,
      backupRetentionDays: 14,
      // Bring your network: dbSubnetGroupName and vpcSecurityGroupIds (left out here, so the default VPC is used).
      backup: databases,
    });
    new ProtectedVolume(this, "OrdersFiles", {
      name: "orders-files",
      availabilityZone: `${REGION}a`,
      sizeGiB: 100,
      backup: volumes,
    });
  }
}

/** One task of the agent: the exact actions on the exact resources, as a 15-minute token. */
interface AgentTask {
  readonly name: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly requireEnvironmentTag?: boolean;
}

/**
 * An account the agent works in (staging or sandbox): its agent role there, assumable only by the agent runner
 * with an `agent-` source identity, boundary denying every destroy and escalation right, plus one ScopedToken
 * per task. The agent's own role only reads; every change goes through a token for that task.
 */
export class AgentWorkspaceStack extends TerraformStack {
  readonly agent: AgentRole;
  readonly tokens: ScopedToken[];

  constructor(scope: Construct, id: string, env: "staging" | "sandbox", tasks: readonly AgentTask[]) {
    super(scope, id);
    accountProvider(this, env);
    this.agent = new AgentRole(this, "CodingAgent", {
      roleName: "coding-agent",
      assumedBy: [AgentPrincipal.role(AGENT_RUNNER_ARN)],
      sourceIdentity: "agent-*",
      description: `Coding agent in ${env}: reads, and changes only through scoped tokens (blastwall)`,
    });
    this.agent.grantReadOnly("cloudwatch");
    this.tokens = tasks.map(
      (t) =>
        new ScopedToken(this, t.name, {
          name: t.name,
          assumedBy: this.agent,
          actions: t.actions,
          resources: t.resources,
          environment: env,
          requireEnvironmentTag: t.requireEnvironmentTag,
          accountId: ACCOUNTS[env].accountId,
          region: REGION,
          lifetimeSeconds: 900,
        }),
    );
  }
}

const STAGING_TASKS: readonly AgentTask[] = [
  {
    name: "staging-read-logs",
    actions: ["logs:FilterLogEvents", "logs:GetLogEvents", "logs:DescribeLogStreams"],
    resources: [`arn:aws:logs:${REGION}:${ACCOUNTS.staging.accountId}:log-group:/app/staging/*`],
  },
  {
    name: "staging-redeploy-web",
    actions: ["ecs:UpdateService", "ecs:DescribeServices"],
    resources: [`arn:aws:ecs:${REGION}:${ACCOUNTS.staging.accountId}:service/staging/web`],
  },
];

const SANDBOX_TASKS: readonly AgentTask[] = [
  {
    name: "sandbox-scratch-bucket",
    actions: ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
    resources: ["arn:aws:s3:::example-sandbox-scratch-444444444444", "arn:aws:s3:::example-sandbox-scratch-444444444444/*"],
    // S3 object calls do not carry the bucket's tags; the token is held to the bucket, the account and the region.
    requireEnvironmentTag: false,
  },
  {
    name: "sandbox-start-stop",
    actions: ["ec2:StartInstances", "ec2:StopInstances", "ec2:RebootInstances"],
    resources: [`arn:aws:ec2:${REGION}:${ACCOUNTS.sandbox.accountId}:instance/*`],
  },
];

/** Adds this example's stacks to an app (the example runner and the tests call this). */
export function defineStacks(app: App): void {
  new ManagementStack(app, "management");
  const backup = new BackupStack(app, "backup");
  new ProductionStack(app, "production", { offsiteVaultArn: backup.vault.vaultArn, offsiteDatabaseVaultArn: backup.databaseVault.vaultArn });
  new AgentWorkspaceStack(app, "staging", "staging", STAGING_TASKS);
  new AgentWorkspaceStack(app, "sandbox", "sandbox", SANDBOX_TASKS);
}

if (require.main === module) {
  const app = new App();
  defineStacks(app);
  Aspects.of(app).add(new BlastwallChecks());
  app.synth();
}
