import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { App, TerraformStack } from "cdktf";
import { OffsiteBackupPlan, OffsiteBackupVault, ProtectedKey, ProtectedVolume, type OffsiteBackupVaultProps } from "../../lib/constructs";
import { loadCatalogue } from "../../lib/engine/catalogue";
import { APP_ACCOUNT, BACKUP_ACCOUNT, ORG_ID, gateFindings, only, policyOf, resources, synth } from "./helpers";

const props: OffsiteBackupVaultProps = { vaultName: "offsite", accountId: BACKUP_ACCOUNT, region: "eu-west-1", organizationId: ORG_ID };
const build = (extra: Partial<OffsiteBackupVaultProps> = {}) => {
  let vault!: OffsiteBackupVault;
  const { json } = synth((s) => (vault = new OffsiteBackupVault(s, "Offsite", { ...props, ...extra })));
  return { json, vault };
};

describe("OffsiteBackupVault", () => {
  it("is a KMS-encrypted vault that survives a destroy, with a literal ARN to copy to", () => {
    const { json, vault } = build();
    expect(only(json, "aws_backup_vault")).toMatchObject({ name: "offsite", force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(only(json, "aws_backup_vault").kms_key_arn).toMatch(/aws_kms_key\.Offsite_Key_\w+\.arn/);
    expect(only(json, "aws_kms_key")).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(vault.vaultArn).toBe(`arn:aws:backup:eu-west-1:${BACKUP_ACCOUNT}:backup-vault:offsite`);
  });

  it("is locked in compliance mode: changeable_for_days at least 3 and a minimum retention", () => {
    // The default minimum is a plan's default copyRetentionDays: the lock guarantees the whole copy (red-team round 60 F5).
    expect(only(build().json, "aws_backup_vault_lock_configuration")).toMatchObject({ changeable_for_days: 3, min_retention_days: 35 });
    expect(only(build({ changeableForDays: 7, minRetentionDays: 35, maxRetentionDays: 400 }).json, "aws_backup_vault_lock_configuration")).toMatchObject({
      changeable_for_days: 7,
      min_retention_days: 35,
      max_retention_days: 400,
    });
  });

  it("admits copies from the organization and denies deleting recovery points or the vault to everyone", () => {
    const { json } = build();
    const body = only(json, "aws_backup_vault_policy");
    expect(body.depends_on).toEqual([expect.stringMatching(/aws_backup_vault_lock_configuration\./)]);
    const [admit, deny] = policyOf(body).Statement;
    expect(admit).toMatchObject({ Effect: "Allow", Action: "backup:CopyIntoBackupVault", Condition: { StringEquals: { "aws:PrincipalOrgID": ORG_ID } } });
    expect(deny).toMatchObject({ Effect: "Deny", Principal: { AWS: "*" }, Resource: "*" });
    expect(deny.Action).toEqual(expect.arrayContaining(["backup:DeleteRecoveryPoint", "backup:DeleteBackupVault", "backup:UpdateRecoveryPointLifecycle"]));
    // Every action denied is a catalogue entry; Put* stays open so Terraform can manage the vault: AWS judges a
    // PutBackupVaultAccessPolicy against the policy in place, so denying it would refuse every later update of this
    // policy (red-team round 60 F5 asked for it; the lock's minimum now covers the whole copy instead).
    for (const a of deny.Action) expect(loadCatalogue().isDestroy(a)).toBe(true);
    expect(deny.Action.filter((a: string) => a.startsWith("backup:Put"))).toEqual([]);
  });

  it("turns on cross-account backup with the management account's provider", () => {
    const { json } = synth((s) => {
      const mgmt = new AwsProvider(s, "mgmt", { region: "eu-central-1", alias: "mgmt" });
      new OffsiteBackupVault(s, "Offsite", { ...props, managementProvider: mgmt });
    });
    expect(only(json, "aws_backup_global_settings")).toEqual({
      global_settings: { isCrossAccountBackupEnabled: "true", isDelegatedAdministratorEnabled: "false", isMpaEnabled: "false" },
      provider: "aws.mgmt",
    });
    expect(resources(build({ enableCrossAccountBackup: false }).json, "aws_backup_global_settings")).toEqual([]);
  });

  it("passes the gate with zero findings; a raw vault next to it without a lock does not", () => {
    expect(gateFindings(build().json)).toEqual([]);
    const { json } = synth((s) => {
      new OffsiteBackupVault(s, "Offsite", props);
      new BackupVault(s, "Raw", { name: "raw" });
    });
    const found = gateFindings(json);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^backup-vault-locked \[error\]: aws_backup_vault\.Raw has no aws_backup_vault_lock_configuration/);
  });

  describe("refuses misuse with the message a user needs", () => {
    it.each([
      [{ changeableForDays: 1 }, "OffsiteBackupVault: changeableForDays must be between 3 and 30 days (got 1): AWS needs a 72-hour cooling-off before a compliance lock sets"],
      [{ changeableForDays: 36500 }, "OffsiteBackupVault: changeableForDays must be between 3 and 30 days (got 36500)"],
      [{ organizationId: "org-1" }, 'OffsiteBackupVault: organizationId must be an AWS Organizations id like o-a1b2c3d4e5 (got "org-1")'],
      [{ accountId: "22222222222" }, 'OffsiteBackupVault: accountId must be a 12-digit AWS account id (got "22222222222")'],
      [{ minRetentionDays: 30, maxRetentionDays: 10 }, "OffsiteBackupVault: maxRetentionDays must be between 30 and 36500 days (got 10): it cannot be below minRetentionDays"],
      [{ vaultName: "x" }, 'OffsiteBackupVault: vaultName must be 2 to 50 letters, digits, _ or - (got "x")'],
      [{ minRetentionDays: 1 }, "OffsiteBackupVault: minRetentionDays must be between 7 and 36500 days (got 1): the off-site copy must outlive a week of unnoticed damage"],
      [{ minRetentionDays: 6 }, "OffsiteBackupVault: minRetentionDays must be between 7 and 36500 days (got 6)"],
    ] as [Partial<OffsiteBackupVaultProps>, string][])("%o", (extra, message) => {
      expect(() => build(extra)).toThrow(message);
    });
  });
});

describe("a kmsKey of the caller's must live in the backup account (red-team round 60 F1)", () => {
  // A key of the production account, usable by the backup account: what a plan's local vault key looks like.
  const withKey = (accountId: string) =>
    synth((s) => {
      // Key administrators of its own account: a vault key needs them (offsite-vault-key-custody.test.ts).
      const key = new ProtectedKey(s, "GivenKey", {
        accountId,
        description: "given",
        usableByAccounts: accountId === BACKUP_ACCOUNT ? [] : [BACKUP_ACCOUNT],
        keyAdministratorArns: [`arn:aws:iam::${accountId}:role/breakglass/*`],
      });
      new OffsiteBackupVault(s, "Offsite", { ...props, kmsKey: key });
    }).json;

  it("refuses a key of another account, naming the prop, both accounts and why", () => {
    expect(() => withKey(APP_ACCOUNT)).toThrow(
      `OffsiteBackupVault: kmsKey must live in ${BACKUP_ACCOUNT} (accountId, the backup account), not in ${APP_ACCOUNT} (the accountId of test/GivenKey): whoever controls a key can make everything it encrypts unreadable (kms:DisableKey at once, kms:ScheduleKeyDeletion after 7 to 30 days, kms:PutKeyPolicy to shut every other account out), and the Vault Lock protects the recovery points, not their key`,
    );
    expect(() => withKey(APP_ACCOUNT)).toThrow(`Create the ProtectedKey with accountId: "${BACKUP_ACCOUNT}", or leave kmsKey out for a new one`);
  });

  it("refuses what is not a ProtectedKey (a key ARN from plain JavaScript): its account cannot be seen", () => {
    const arn = `arn:aws:kms:eu-west-1:${APP_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    expect(() => build({ kmsKey: arn as unknown as ProtectedKey })).toThrow(
      `OffsiteBackupVault: kmsKey must be a ProtectedKey (got "${arn}"): blastwall cannot see which account another key lives in`,
    );
  });

  it("uses a key of the backup account as given, and passes the gate", () => {
    const json = withKey(BACKUP_ACCOUNT);
    expect(resources(json, "aws_kms_key")).toHaveLength(1);
    expect(only(json, "aws_backup_vault").kms_key_arn).toMatch(/aws_kms_key\.GivenKey_\w+\.arn/);
    expect(gateFindings(json)).toEqual([]);
  });
});

describe("the vault's lock against the plans that copy into it (red-team round 57)", () => {
  // One app, two stacks, as in examples/multi-account: the vault in the backup account, the data in production.
  const app = (build: (backup: TerraformStack, prod: TerraformStack) => void) => {
    const a = new App();
    const backup = new TerraformStack(a, "backup");
    new AwsProvider(backup, "aws", { region: "eu-west-1" });
    const prod = new TerraformStack(a, "prod");
    new AwsProvider(prod, "aws", { region: "eu-central-1" });
    build(backup, prod);
    return a;
  };
  const data = { accountId: APP_ACCOUNT, region: "eu-central-1" };
  const volume = (s: TerraformStack, offsiteVaultArn: string, copyRetentionDays?: number) =>
    new ProtectedVolume(s, "Vol", { name: "data", availabilityZone: "eu-central-1a", sizeGiB: 10, recycleBin: false, backup: { ...data, offsiteVaultArn, copyRetentionDays } });

  it("refuses a copy kept longer than the vault's maxRetentionDays, naming both props", () => {
    expect(() => app((b, p) => volume(p, new OffsiteBackupVault(b, "Offsite", { ...props, minRetentionDays: 7, maxRetentionDays: 10 }).vaultArn))).toThrow(
      "ProtectedVolume: backup.copyRetentionDays is 35 days, more than the maxRetentionDays (10) of the off-site vault backup/Offsite it copies into: its Vault Lock fails every copy job whose retention is outside its bounds, so there would be no off-site copy at all. Lower backup.copyRetentionDays or raise the vault's maxRetentionDays",
    );
  });

  it("refuses a copy kept for less than the vault's minRetentionDays", () => {
    expect(() => app((b, p) => volume(p, new OffsiteBackupVault(b, "Offsite", { ...props, minRetentionDays: 90 }).vaultArn, 35))).toThrow(
      "ProtectedVolume: backup.copyRetentionDays is 35 days, less than the minRetentionDays (90) of the off-site vault backup/Offsite",
    );
  });

  it("checks a shared OffsiteBackupPlan, and whichever of the two is made first", () => {
    const arn = `arn:aws:backup:eu-west-1:${BACKUP_ACCOUNT}:backup-vault:offsite`;
    expect(() => app((b, p) => {
      new OffsiteBackupVault(b, "Offsite", { ...props, minRetentionDays: 7, maxRetentionDays: 30 });
      new OffsiteBackupPlan(p, "Plan", { ...data, name: "shared", offsiteVaultArn: arn });
    })).toThrow("OffsiteBackupPlan: copyRetentionDays is 35 days, more than the maxRetentionDays (30) of the off-site vault backup/Offsite");
    expect(() => app((b, p) => {
      volume(p, arn);
      new OffsiteBackupVault(b, "Offsite", { ...props, minRetentionDays: 7, maxRetentionDays: 10 });
    })).toThrow("OffsiteBackupVault: maxRetentionDays is 10 days, less than the copyRetentionDays (35) of ProtectedVolume prod/Vol, which copies into this vault: its Vault Lock fails every copy job");
  });

  it("accepts copies within the lock, and leaves vaults of other apps and other ARNs alone", () => {
    expect(() => app((b, p) => volume(p, new OffsiteBackupVault(b, "Offsite", { ...props, minRetentionDays: 35, maxRetentionDays: 35 }).vaultArn))).not.toThrow();
    expect(() => app((b, p) => volume(p, new OffsiteBackupVault(b, "Offsite", { ...props, minRetentionDays: 60, maxRetentionDays: 60 }).vaultArn, 60))).not.toThrow();
    expect(() => app((b, p) => {
      new OffsiteBackupVault(b, "Offsite", { ...props, vaultName: "other", minRetentionDays: 7, maxRetentionDays: 10 });
      volume(p, `arn:aws:backup:eu-west-1:${BACKUP_ACCOUNT}:backup-vault:offsite`);
    })).not.toThrow();
    app((b) => new OffsiteBackupVault(b, "Offsite", { ...props, minRetentionDays: 7, maxRetentionDays: 10 }));
    expect(() => app((_b, p) => volume(p, `arn:aws:backup:eu-west-1:${BACKUP_ACCOUNT}:backup-vault:offsite`))).not.toThrow();
  });

  describe("a copy kept longer than the lock's minRetentionDays: only the minimum is locked (red-team round 60 F5)", () => {
    const why = "the Vault Lock guarantees only its minRetentionDays: UpdateRecoveryPointLifecycle may lower a copy's retention to 7 days once the vault policy's Deny of it is replaced (PutBackupVaultAccessPolicy), and lifecycle then deletes every copy older than that, so 28 of the 35 days the plan promises are not locked";

    it("is refused when the vault is made first, naming both props and the fix", () => {
      expect(() => app((b, p) => volume(p, new OffsiteBackupVault(b, "Offsite", { ...props, minRetentionDays: 7 }).vaultArn))).toThrow(
        `ProtectedVolume: backup.copyRetentionDays is 35 days, more than the minRetentionDays (7) of the off-site vault backup/Offsite it copies into: ${why}. Raise the vault's minRetentionDays to 35, or lower backup.copyRetentionDays to 7`,
      );
    });

    it("is refused when the plan is made first, blaming the vault's prop", () => {
      const arn = `arn:aws:backup:eu-west-1:${BACKUP_ACCOUNT}:backup-vault:offsite`;
      expect(() => app((b, p) => {
        new OffsiteBackupPlan(p, "Plan", { ...data, name: "shared", offsiteVaultArn: arn });
        new OffsiteBackupVault(b, "Offsite", { ...props, minRetentionDays: 7 });
      })).toThrow(`OffsiteBackupVault: minRetentionDays is 7 days, less than the copyRetentionDays (35) of OffsiteBackupPlan prod/Plan, which copies into this vault: ${why}. Raise minRetentionDays to 35, or lower that copyRetentionDays to 7`);
    });

    it("is refused against the default lock too; a copy of the default retention, or of the lock's, is accepted", () => {
      expect(() => app((b, p) => volume(p, new OffsiteBackupVault(b, "Offsite", props).vaultArn, 60))).toThrow(
        "ProtectedVolume: backup.copyRetentionDays is 60 days, more than the minRetentionDays (35) of the off-site vault backup/Offsite it copies into",
      );
      expect(() => app((b, p) => volume(p, new OffsiteBackupVault(b, "Offsite", props).vaultArn))).not.toThrow();
      expect(() => app((b, p) => volume(p, new OffsiteBackupVault(b, "Offsite", { ...props, minRetentionDays: 7 }).vaultArn, 7))).not.toThrow();
    });
  });
});
