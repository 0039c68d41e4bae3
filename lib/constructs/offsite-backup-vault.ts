import { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { BackupVaultLockConfiguration } from "@cdktf/provider-aws/lib/backup-vault-lock-configuration";
import { BackupVaultPolicy } from "@cdktf/provider-aws/lib/backup-vault-policy";
import { BackupGlobalSettings } from "@cdktf/provider-aws/lib/backup-global-settings";
import { loadCatalogue } from "../engine/catalogue";
import { DEFAULT_COPY_RETENTION_DAYS, MIN_CHANGEABLE_FOR_DAYS, MIN_RETENTION_DAYS, registerOffsiteVault, requireVaultKey } from "./offsite-backup-plan";
import { policyJson } from "./policy-document";
import { ProtectedKey, requireDeployerIsAdministrator, requireKeyAdministrators } from "./protected-key";
import { fail, partitionOf, requireAccountId, requireInteger, requireOrganizationId, requireRegion, requireString, requireProps, propNames, refuseUnknownProps } from "./validate";

export interface OffsiteBackupVaultProps {
  /** Vault name, 2-50 letters, digits, _ or -. */
  readonly vaultName: string;
  /** The backup account the vault lives in; 12 digits. */
  readonly accountId: string;
  /** The region of the vault (copies should come from another one). */
  readonly region: string;
  /** Accounts of this organization may copy into the vault (`aws:PrincipalOrgID`). */
  readonly organizationId: string;
  /**
   * Vault Lock: the least number of days a recovery point is kept, at least 7; the only retention the lock
   * guarantees (UpdateRecoveryPointLifecycle may lower a copy's retention to it). Give it the `copyRetentionDays`
   * of the plans that copy here: plans of the same app are checked, and one that keeps copies fewer days fails
   * (the lock refuses every such copy job), as does one that keeps them longer (the extra days are not locked).
   * Plans with another retention need a vault of their own. @default 35 (a plan's default copyRetentionDays)
   */
  readonly minRetentionDays?: number;
  /**
   * Vault Lock: the most days a recovery point may be kept. A copy kept longer (a plan's `copyRetentionDays`,
   * 35 by default) fails; plans of the same app that copy into this vault are checked. @default - no maximum
   */
  readonly maxRetentionDays?: number;
  /**
   * Days until the compliance lock becomes immutable, at least 3 (AWS's cooling-off). After that nobody, not
   * even the account root or AWS, can shorten retention or delete the vault while it holds recovery points.
   * @default 3
   */
  readonly changeableForDays?: number;
  /**
   * The vault's key: a ProtectedKey of the backup account (`accountId`; checked, an imported key ARN is not
   * accepted). Whoever controls the key can make every copy unreadable, and the Vault Lock does not protect it,
   * so a key of the production account would hand the copies back to the account they must survive. It must be of
   * the partition of `region`, and have `keyAdministratorArns` (checked): without them its policy lets any admin of
   * the backup account delete or disable it.
   * @default a new ProtectedKey in the backup account, administered by `keyAdministratorArns`
   */
  readonly kmsKey?: ProtectedKey;
  /**
   * The only roles that may schedule the vault key's deletion, disable it, rewrite its policy, or touch, replicate or
   * move its key material (ProtectedKey's KEY_CUSTODY_ACTIONS). The Vault Lock protects the recovery points, not the
   * key that encrypts them: the key policy denies those actions to every other principal, the backup account's root
   * and its OrganizationAccountAccessRole (which the management account can assume, and which the SCPs may exempt)
   * included. Copying in and restoring are not affected.
   *
   * Deploy the vault as one of these roles (a break-glass deploy role behind a human-approved plan): KMS refuses to
   * create or update a key policy that would deny the caller kms:PutKeyPolicy. IAM role ARN patterns of the backup
   * account (`accountId`), in the partition of `region`, narrower than every role. For the vault's own key only: a
   * given `kmsKey` brings its own.
   * Refused too, case-insensitively, are patterns that may cover OrganizationAccountAccessRole (or the
   * `accountAccessRoleName` of an EnvironmentAccounts of the app, made before or after this construct: checked again at
   * synth), Control Tower's AWSControlTowerExecution, `role/aws-reserved/*` (IAM Identity Center's roles),
   * `role/aws-service-role/*` or the agent entry roles (`role/agent-entry/*`): the key would be in the hands of
   * whoever can assume them.
   * @default ["arn:<partition of region>:iam::<accountId>:role/breakglass/*"] (EnvironmentAccounts' privilegedRoleArns default, in the backup account)
   */
  readonly keyAdministratorArns?: readonly string[];
  /**
   * Turn on cross-account backup for the organization (`aws_backup_global_settings`); AWS requires this in
   * the management account, so pass that account's provider as `managementProvider`.
   * @default true
   */
  readonly enableCrossAccountBackup?: boolean;
  /** Provider of the organization's management account. @default the scope's default AWS provider */
  readonly managementProvider?: TerraformProvider;
  readonly tags?: Readonly<Record<string, string>>;
  /** Provider of the backup account. @default the scope's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * The vault in the backup account that off-site copies land in: KMS-encrypted, Vault Lock in compliance mode,
 * a vault policy that admits copies from the organization and denies everyone the catalogue's deleting and
 * retention-shortening actions on it, and cross-account backup turned on for the organization.
 */
const PROPS = propNames<OffsiteBackupVaultProps>({
  vaultName: true, accountId: true, region: true, organizationId: true, minRetentionDays: true, maxRetentionDays: true,
  changeableForDays: true, kmsKey: true, keyAdministratorArns: true, enableCrossAccountBackup: true, managementProvider: true,
  tags: true, provider: true,
});

export class OffsiteBackupVault extends Construct {
  readonly vault: BackupVault;
  readonly lock: BackupVaultLockConfiguration;
  readonly policy: BackupVaultPolicy;
  /** `arn:<partition>:backup:<region>:<account>:backup-vault:<name>`, literal: pass it to ProtectedVolume/Database. */
  readonly vaultArn: string;
  readonly key: ProtectedKey;

  constructor(scope: Construct, id: string, props: OffsiteBackupVaultProps) {
    super(scope, id);
    requireProps("OffsiteBackupVault", props, ["vaultName", "accountId", "region", "organizationId"]);
    refuseUnknownProps("OffsiteBackupVault", props, PROPS);
    const C = "OffsiteBackupVault";
    requireString(C, "vaultName", props.vaultName, "the vault's name, 2 to 50 letters, digits, _ or -");
    if (!/^[A-Za-z0-9_-]{2,50}$/.test(props.vaultName)) fail(C, "vaultName", `must be 2 to 50 letters, digits, _ or - (got "${props.vaultName}")`);
    const account = requireAccountId(C, "accountId", props.accountId);
    const region = requireRegion(C, "region", props.region);
    const org = requireOrganizationId(C, "organizationId", props.organizationId);
    const changeable = requireInteger(C, "changeableForDays", props.changeableForDays ?? MIN_CHANGEABLE_FOR_DAYS, MIN_CHANGEABLE_FOR_DAYS, 30, "days",
      "AWS needs a 72-hour cooling-off before a compliance lock sets, and without this setting the lock is only in governance mode, which privileged users can remove");
    const minRetention = requireInteger(C, "minRetentionDays", props.minRetentionDays ?? DEFAULT_COPY_RETENTION_DAYS, MIN_RETENTION_DAYS, 36500, "days",
      "the off-site copy must outlive a week of unnoticed damage, and the lock is what keeps anyone from deleting it sooner");
    if (props.maxRetentionDays !== undefined) {
      requireInteger(C, "maxRetentionDays", props.maxRetentionDays, minRetention, 36500, "days", "it cannot be below minRetentionDays");
    }
    const partition = partitionOf(region);
    const givenKey = props.kmsKey !== undefined ? requireVaultKey(C, "kmsKey", props.kmsKey, { accountId: account, source: "accountId, the backup account" }) : undefined;
    if (givenKey !== undefined && givenKey.partition !== partition) {
      fail(C, "kmsKey", `is a key of partition ${givenKey.partition}, but the vault's region ${region} is in ${partition}: create the ProtectedKey with partition: "${partition}"`);
    }
    if (givenKey !== undefined && props.keyAdministratorArns !== undefined) {
      fail(C, "keyAdministratorArns", `is for the vault's own key, but kmsKey is given: create that ProtectedKey with keyAdministratorArns instead`);
    }
    if (givenKey !== undefined && givenKey.keyAdministratorArns === undefined) {
      fail(C, "kmsKey", `must be a ProtectedKey with keyAdministratorArns (like ["arn:${partition}:iam::${account}:role/breakglass/*"]): the Vault Lock does not protect the key, and without them any admin of the backup account (the management account's too, through OrganizationAccountAccessRole) can schedule its deletion or disable it and make every off-site copy unreadable`);
    }
    const keyAdmins = givenKey === undefined
      ? requireKeyAdministrators(C, "keyAdministratorArns", props.keyAdministratorArns ?? [`arn:${partition}:iam::${account}:role/breakglass/*`], account, partition, this)
      : undefined;
    if (keyAdmins !== undefined) requireDeployerIsAdministrator(C, "keyAdministratorArns", this, props.provider, keyAdmins);
    this.vaultArn = `arn:${partition}:backup:${region}:${account}:backup-vault:${props.vaultName}`;
    registerOffsiteVault(this, this.vaultArn, { minRetentionDays: minRetention, maxRetentionDays: props.maxRetentionDays, path: this.node.path });

    this.key =
      givenKey ??
      new ProtectedKey(this, "Key", {
        accountId: account,
        partition,
        description: `Off-site backup vault ${props.vaultName} (blastwall)`,
        keyAdministratorArns: keyAdmins,
        tags: props.tags,
        provider: props.provider,
      });
    this.vault = new BackupVault(this, "Vault", {
      name: props.vaultName,
      kmsKeyArn: this.key.keyArn,
      forceDestroy: false,
      tags: props.tags,
      lifecycle: { preventDestroy: true },
      provider: props.provider,
    });
    // Setting changeable_for_days is what makes it compliance mode; without it the lock is governance mode.
    this.lock = new BackupVaultLockConfiguration(this, "Lock", {
      backupVaultName: this.vault.name,
      changeableForDays: changeable,
      minRetentionDays: minRetention,
      maxRetentionDays: props.maxRetentionDays,
      provider: props.provider,
    });

    // Deleting recovery points or the vault, removing this policy or shortening retention: catalogue actions on
    // backup vaults except the Put* calls Terraform itself manages the vault with. PutBackupVaultAccessPolicy stays
    // open on purpose: AWS judges a Put against the policy in place, so denying it here would refuse Terraform's
    // own update of this policy, and with its deletion denied too, no later change (a new organization id, an
    // action a blastwall upgrade adds to the catalogue) could ever be applied. Retention does not depend on it once the
    // lock has set (changeableForDays): its minRetentionDays covers the whole copy retention of the plans checked
    // against it, whatever the policy says.
    const denied = loadCatalogue()
      .entries.map((e) => e.action)
      .filter((a) => a.startsWith("backup:") && /RecoveryPoint|BackupVault/.test(a) && !/^backup:Put/.test(a));
    this.policy = new BackupVaultPolicy(this, "Policy", {
      backupVaultName: this.vault.name,
      policy: policyJson([
        {
          Sid: "OrganizationCopiesIn",
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: "backup:CopyIntoBackupVault",
          Resource: "*",
          Condition: { StringEquals: { "aws:PrincipalOrgID": org } },
        },
        { Sid: "NobodyDeletesRecoveryPoints", Effect: "Deny", Principal: { AWS: "*" }, Action: denied, Resource: "*" },
      ]),
      dependsOn: [this.lock],
      provider: props.provider,
    });

    if (props.enableCrossAccountBackup !== false) {
      new BackupGlobalSettings(this, "CrossAccountBackup", {
        // Every key is set: the API returns them all and an unset one shows as a change on every plan.
        globalSettings: { isCrossAccountBackupEnabled: "true", isDelegatedAdministratorEnabled: "false", isMpaEnabled: "false" },
        provider: props.managementProvider,
      });
    }
  }
}
