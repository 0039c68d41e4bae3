import type { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { OffsiteBackupPlan, validateOffsiteOptions, type OffsiteBackupOptions } from "./offsite-backup-plan";
import { ProtectedKey } from "./protected-key";

/** What ProtectedVolume and ProtectedDatabase take for `backup`: a plan to share, or the options of a new one. */
export type OffsiteBackup = OffsiteBackupPlan | OffsiteBackupOptions;

/**
 * The plan and key a protected resource uses: a shared plan as given, or a new plan named after the resource.
 * The key is the resource's own unless given, usable by the backup account so copies can be re-encrypted there.
 */
export function planAndKey(
  scope: Construct,
  construct: string,
  name: string,
  backup: OffsiteBackup,
  kmsKey: ProtectedKey | undefined,
  tags: Readonly<Record<string, string>> | undefined,
  provider: TerraformProvider | undefined,
): { plan: OffsiteBackupPlan; key: ProtectedKey } {
  // One customer-managed key serves the resource and its local backup vault, usable by the backup account.
  const newKey = (accountId: string, offsiteAccountId: string) =>
    kmsKey ??
    new ProtectedKey(scope, "Key", {
      accountId,
      description: `${construct} ${name} and its local backups (blastwall)`,
      usableByAccounts: [offsiteAccountId],
      tags,
      provider,
    });
  if (backup instanceof OffsiteBackupPlan) {
    return { plan: backup, key: newKey(backup.accountId, backup.offsiteAccountId) };
  }
  // For databases the off-site copy stays in-region by default (see below); volumes copy to another region too.
  const [, , , vaultRegion, vaultAccount] = backup.offsiteVaultArn.split(":");
  const crossAccount = vaultAccount !== backup.accountId;
  if (construct === "ProtectedDatabase" && crossAccount && backup.allowSameRegion === undefined) backup = { ...backup, allowSameRegion: true };
  const { offsiteAccount } = validateOffsiteOptions(construct, backup, "backup.");
  if (construct === "ProtectedDatabase" && crossAccount && vaultRegion !== backup.region) {
    // AWS Backup copies RDS and Aurora snapshots to another account or to another region, not both in one copy
    // job: a plan asking for both would synthesize, pass review, and then fail every night.
    throw new Error(
      `ProtectedDatabase: backup.offsiteVaultArn is in ${vaultRegion} and another account, but AWS Backup cannot copy RDS or Aurora ` +
        `backups across accounts and regions in one step. Use a vault in the backup account in ${backup.region} (set backup.allowSameRegion), ` +
        `and copy from there to another region with a plan in the backup account.`,
    );
  }
  const key = newKey(backup.accountId, offsiteAccount);
  const plan = new OffsiteBackupPlan(scope, "Backup", { ...backup, name: `${name}-plan`.slice(0, 40), kmsKey: key, tags, provider });
  return { plan, key };
}
