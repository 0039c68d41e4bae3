import type { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { OFFSITE_OPTIONS, OffsiteBackupPlan, requireKeyUsableBy, validateOffsiteOptions, type OffsiteBackupOptions } from "./offsite-backup-plan";
import { ProtectedKey } from "./protected-key";
import { fail, partitionOf, refuseUnknownProps, requireObject } from "./validate";

/** What ProtectedVolume and ProtectedDatabase take for `backup`: a plan to share, or the options of a new one. */
export type OffsiteBackup = OffsiteBackupPlan | OffsiteBackupOptions;

/**
 * The plan and key a protected resource uses: a shared plan as given, or a new plan named after the resource.
 * The key is the resource's own unless given, usable by the backup account so copies can be re-encrypted there.
 */
/** What AWS Backup can do for the resource type being protected. */
export interface CopyLimits {
  /**
   * AWS Backup copies RDS and Aurora backups to another account or to another region, not both in one copy job.
   * A plan asking for both would synthesize, pass review, and then fail every night.
   */
  readonly oneHopOnly: boolean;
}

/**
 * AWS Backup copies RDS and Aurora backups across accounts or across regions in one copy job, not both. The message
 * says what to change where the user can change it: on the options given as `backup`, or on the shared plan.
 */
function assertCopyPossible(construct: string, limits: CopyLimits, accountId: string, region: string, vaultArn: string, plan?: OffsiteBackupPlan, sameRegionAllowed = false): void {
  const [, , , vaultRegion, vaultAccount] = vaultArn.split(":");
  if (!limits.oneHopOnly || vaultAccount === accountId || vaultRegion === region) return;
  const cannot = "AWS Backup cannot copy RDS or Aurora backups across accounts and regions in one step";
  const onward = "and copy from there to another region with a plan in the backup account";
  if (plan) {
    fail(construct, "backup",
      `is the OffsiteBackupPlan ${plan.node.path}, whose offsiteVaultArn (${vaultArn}) is in ${vaultRegion} and another account, but ${cannot}. ` +
        `Give ${construct} a plan whose offsiteVaultArn is a vault of the backup account in ${region} (an OffsiteBackupPlan with allowSameRegion: true; ` +
        `${plan.node.path} can keep copying the resources that take both hops, such as EBS volumes), ${onward}.`);
  }
  // The vault and backup.region disagree: either may be the mistake, so both fixes are named. With allowSameRegion
  // given, the user meant a vault in the data's region: backup.region is then the likelier slip.
  fail(construct, "backup.region",
    `(${region}) is not the region of backup.offsiteVaultArn (${vaultRegion})${sameRegionAllowed ? ", though backup.allowSameRegion is set" : ""}, and that vault is in another account: ${cannot}. ` +
      `If the data is in ${vaultRegion}, set backup.region: "${vaultRegion}"; otherwise use a vault of the backup account in ${region}${sameRegionAllowed ? "" : " (with backup.allowSameRegion)"}, ${onward}.`);
}

export function planAndKey(
  scope: Construct,
  construct: string,
  name: string,
  backup: OffsiteBackup,
  kmsKey: ProtectedKey | undefined,
  tags: Readonly<Record<string, string>> | undefined,
  provider: TerraformProvider | undefined,
  limits: CopyLimits = { oneHopOnly: false },
): { plan: OffsiteBackupPlan; key: ProtectedKey } {
  requireObject(construct, "backup", backup, "an OffsiteBackupPlan to share, or { accountId, region, offsiteVaultArn } for a plan of its own");
  // One customer-managed key serves the resource and its local backup vault, usable by the backup account.
  const newKey = (accountId: string, offsiteAccountId: string, accountSource: string, region: string) =>
    (kmsKey !== undefined ? requireKeyUsableBy(construct, "kmsKey", kmsKey, offsiteAccountId, { accountId, source: accountSource }, partitionOf(region)) : undefined) ??
    new ProtectedKey(scope, "Key", {
      accountId,
      partition: partitionOf(region),
      description: `${construct} ${name} and its local backups (blastwall)`,
      usableByAccounts: [offsiteAccountId],
      tags,
      provider,
    });
  if (backup instanceof OffsiteBackupPlan) {
    assertCopyPossible(construct, limits, backup.accountId, backup.region, backup.offsiteVaultArn, backup);
    return { plan: backup, key: newKey(backup.accountId, backup.offsiteAccountId, `the accountId of plan ${backup.node.path}`, backup.region) };
  }
  // The plan's name, key, tags and provider come from the resource's props: given here they would be dropped.
  refuseUnknownProps(construct, backup, OFFSITE_OPTIONS, "backup");
  // Where only one hop is possible, a cross-account copy stays in-region unless told otherwise.
  const sameRegionAllowed = backup.allowSameRegion === true;
  const crossAccount = backup.offsiteVaultArn.split(":")[4] !== backup.accountId;
  if (limits.oneHopOnly && crossAccount && backup.allowSameRegion === undefined) backup = { ...backup, allowSameRegion: true };
  const { offsiteAccount } = validateOffsiteOptions(scope, construct, backup, "backup.", provider);
  assertCopyPossible(construct, limits, backup.accountId, backup.region, backup.offsiteVaultArn, undefined, sameRegionAllowed);
  const key = newKey(backup.accountId, offsiteAccount, "backup.accountId", backup.region);
  const plan = new OffsiteBackupPlan(scope, "Backup", { ...backup, name: `${name}-plan`.slice(0, 40), kmsKey: key, tags, provider });
  return { plan, key };
}
