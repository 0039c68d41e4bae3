import type { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { OffsiteBackupPlan, requireKeyUsableBy, validateOffsiteOptions, type OffsiteBackupOptions } from "./offsite-backup-plan";
import { ProtectedKey } from "./protected-key";
import { partitionOf } from "./validate";

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

function assertCopyPossible(construct: string, limits: CopyLimits, accountId: string, region: string, vaultArn: string): void {
  const [, , , vaultRegion, vaultAccount] = vaultArn.split(":");
  if (!limits.oneHopOnly || vaultAccount === accountId || vaultRegion === region) return;
  throw new Error(
    `${construct}: backup.offsiteVaultArn is in ${vaultRegion} and another account, but AWS Backup cannot copy RDS or Aurora ` +
      `backups across accounts and regions in one step. Use a vault in the backup account in ${region} (set backup.allowSameRegion), ` +
      `and copy from there to another region with a plan in the backup account.`,
  );
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
  // One customer-managed key serves the resource and its local backup vault, usable by the backup account.
  const newKey = (accountId: string, offsiteAccountId: string, region: string) =>
    (kmsKey !== undefined ? requireKeyUsableBy(construct, "kmsKey", kmsKey, offsiteAccountId, partitionOf(region)) : undefined) ??
    new ProtectedKey(scope, "Key", {
      accountId,
      partition: partitionOf(region),
      description: `${construct} ${name} and its local backups (blastwall)`,
      usableByAccounts: [offsiteAccountId],
      tags,
      provider,
    });
  if (backup instanceof OffsiteBackupPlan) {
    assertCopyPossible(construct, limits, backup.accountId, backup.region, backup.offsiteVaultArn);
    return { plan: backup, key: newKey(backup.accountId, backup.offsiteAccountId, backup.region) };
  }
  // Where only one hop is possible, a cross-account copy stays in-region unless told otherwise.
  const crossAccount = backup.offsiteVaultArn.split(":")[4] !== backup.accountId;
  if (limits.oneHopOnly && crossAccount && backup.allowSameRegion === undefined) backup = { ...backup, allowSameRegion: true };
  const { offsiteAccount } = validateOffsiteOptions(scope, construct, backup, "backup.");
  assertCopyPossible(construct, limits, backup.accountId, backup.region, backup.offsiteVaultArn);
  const key = newKey(backup.accountId, offsiteAccount, backup.region);
  const plan = new OffsiteBackupPlan(scope, "Backup", { ...backup, name: `${name}-plan`.slice(0, 40), kmsKey: key, tags, provider });
  return { plan, key };
}
