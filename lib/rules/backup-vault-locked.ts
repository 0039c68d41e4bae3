import type { Rule } from "../engine/rule";
import type { Evidence, FindingDraft } from "../engine/findings";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { hasInterpolation } from "../engine/terraform/tokens";
import { providerKeyOf, resourceAccount, resourceRegion, sameProvider, unknownOwnRegion } from "../engine/terraform/providers";
import { MIN_BACKUP_RETENTION_DAYS, describe, presence, presenceFix, providerKey, readNumber, readString, refersTo, resourceEvidence, resourceFinding, unknownText } from "./protection-support";

/** The longest grace period that still makes a lock: past it, the lock is immutable (compliance mode). */
const MAX_CHANGEABLE_FOR_DAYS = 30;
/** AWS's cooling-off before a compliance lock becomes immutable; fewer days is refused by the API. */
const MIN_CHANGEABLE_FOR_DAYS = 3;

/** A lock configuration aimed at a vault's name but maybe not in its region (or account), and why. */
type Elsewhere = { lock: TfResource; why: string; in: "region" | "account" };

/** Whether a resource writes a `region` argument of its own (AWS provider 6): null and "" leave its provider's. */
function ownRegion(r: TfResource): boolean {
  const v = r.values["region"];
  return v !== undefined && v !== null && v !== "";
}

/** Where a resource is, for a message: its region, or why blastwall cannot read it. */
function whereIs(stack: TfStack, r: TfResource): string {
  const region = resourceRegion(stack, r);
  if (region !== undefined) return `in ${region} (${ownRegion(r) ? "its own region argument" : `provider ${providerKeyOf(r)}`})`;
  const own = unknownOwnRegion(r);
  return own !== undefined ? `in region ${own}, not known before apply` : `in the region of provider ${providerKeyOf(r)}, which is not written literally`;
}

/**
 * Whether a lock is applied in the vault's region, or why it may not be. A lock is put on the vault of that name in
 * the region it is made in: a resource-level `region` (AWS provider 6) overrides its provider's, so a lock written
 * for a vault can land on a same-named vault in another region and leave this one unlocked (red-team round 140, F4).
 * One provider configuration and no own region on either side is one region, even when it is not written literally.
 */
function outsideRegion(stack: TfStack, lock: TfResource, vault: TfResource): string | undefined {
  const here = resourceRegion(stack, vault);
  const there = resourceRegion(stack, lock);
  if (here !== undefined && there !== undefined && here === there) return undefined;
  if (!ownRegion(lock) && !ownRegion(vault) && sameProvider(providerKeyOf(lock), providerKeyOf(vault))) return undefined;
  if (here !== undefined && there !== undefined) return `it is ${whereIs(stack, lock)} and the vault ${whereIs(stack, vault)}, so it locks a vault of that name in ${there}`;
  return `blastwall cannot tell that it is in the vault's region (it is ${whereIs(stack, lock)}; the vault ${whereIs(stack, vault)})`;
}

/** Which account a resource is in, for a message: its provider's pinned account, or that it is not pinned. */
function accountOf(stack: TfStack, r: TfResource): string {
  const account = resourceAccount(stack, r);
  return account !== undefined ? `in account ${account} (provider ${providerKeyOf(r)})` : `under provider ${providerKeyOf(r)}, whose account is not pinned literally`;
}

/**
 * Whether a lock is applied in the vault's account, or why it may not be. A lock is put on the vault of that name in
 * the account its provider's credentials are for, whatever it references: one under another provider configuration
 * (an alias, another instance of a provider block) may lock a same-named vault in another account and leave this one
 * unlocked. One provider configuration is one account; two are one only when both are pinned to the same literal
 * account (a single allowed_account_ids entry, or an assume_role role_arn).
 */
function outsideAccount(stack: TfStack, lock: TfResource, vault: TfResource): string | undefined {
  if (sameProvider(providerKeyOf(lock), providerKeyOf(vault))) return undefined;
  const here = resourceAccount(stack, vault);
  const there = resourceAccount(stack, lock);
  if (here !== undefined && here === there) return undefined;
  if (here !== undefined && there !== undefined) return `it is ${accountOf(stack, lock)} and the vault ${accountOf(stack, vault)}, so it locks a vault of that name in ${there}`;
  return `blastwall cannot tell that it is in the vault's account (it is ${accountOf(stack, lock)}; the vault ${accountOf(stack, vault)})`;
}

/** How to put a lock in its vault's account, for a message. */
function inVaultAccount(stack: TfStack, vault: TfResource, lock: TfResource): string {
  const account = resourceAccount(stack, vault);
  const provider = providerKeyOf(vault);
  return account !== undefined
    ? `Give ${lock.address} the vault's provider ${provider}, or a provider pinned to the vault's account (allowed_account_ids = ["${account}"]) in its region`
    : `Give ${lock.address} the vault's provider ${provider}, or pin both providers to one account (allowed_account_ids) and region`;
}

/** How to put a lock in its vault's region, for a message. */
function inVaultRegion(stack: TfStack, vault: TfResource, lock: TfResource): string {
  const region = resourceRegion(stack, vault);
  const provider = providerKeyOf(vault);
  if (region !== undefined) {
    return ownRegion(vault) ? `Give ${lock.address} region = "${region}"` : `Give ${lock.address} region = "${region}", or no region argument and the vault's provider ${provider}`;
  }
  return ownRegion(vault)
    ? `Write the region of ${vault.address} literally and give ${lock.address} the same region argument`
    : `Give ${lock.address} no region argument and the vault's provider ${provider} (or write both regions literally)`;
}

/**
 * The lock configurations aimed at a vault in its account and region: by reference to its name/id, or by its literal
 * name under the same provider. Those aimed at its name in another or an unknown region or account count for nothing
 * and are returned apart.
 */
export function locksOf(stack: TfStack, vault: TfResource): { locks: TfResource[]; elsewhere: Elsewhere[] } {
  const name = readString(stack, vault.values["name"]);
  const locks: TfResource[] = [];
  const elsewhere: Elsewhere[] = [];
  for (const l of stack.byType.get("aws_backup_vault_lock_configuration") ?? []) {
    const target = l.values["backup_vault_name"];
    const named =
      refersTo(target, vault.address, ["name", "id"]) ||
      (name.state === "set" && typeof target === "string" && !hasInterpolation(target) && target === name.value && providerKey(l) === providerKey(vault));
    if (!named) continue;
    const region = outsideRegion(stack, l, vault);
    const account = region === undefined ? outsideAccount(stack, l, vault) : undefined;
    if (region !== undefined) elsewhere.push({ lock: l, why: region, in: "region" });
    else if (account !== undefined) elsewhere.push({ lock: l, why: account, in: "account" });
    else locks.push(l);
  }
  return { locks, elsewhere };
}

/**
 * Without `changeable_for_days`, `aws_backup_vault_lock_configuration` sets governance mode, which a principal
 * with enough IAM rights can remove and then delete recovery points; with it, compliance mode, which nobody can.
 */
export const rule: Rule = {
  meta: {
    id: "backup-vault-locked",
    title: "Backup vault without a compliance-mode Vault Lock",
    why:
      "Recovery points in a vault without a compliance-mode lock can be deleted by whoever holds backup:DeleteRecoveryPoint, an agent " +
      "with a broad token included, and the vault itself can be deleted once empty. A compliance lock makes the minimum retention " +
      "binding for everyone, the account root and AWS included.",
    fix:
      "Add an `aws_backup_vault_lock_configuration` for the vault, in the vault's account and region (its provider, or another pinned to the same account; the same literal `region`), created unconditionally (no count, for_each or lifecycle.enabled " +
      "that can make it absent), with `changeable_for_days` (3 to 30) and `min_retention_days` of at least 7 (OffsiteBackupVault and " +
      "OffsiteBackupPlan do).",
    severity: "error",
    category: "protection",
  },
  check({ stack }) {
    const out: FindingDraft[] = [];
    for (const vault of stack.byType.get("aws_backup_vault") ?? []) {
      if (vault.mode !== "managed") continue;
      const { locks, elsewhere } = locksOf(stack, vault);
      const evidence: Evidence[] = [
        resourceEvidence(vault, `${locks.length} aws_backup_vault_lock_configuration(s) for this vault`),
        ...elsewhere.map((e) => ({ step: "vault-lock", address: e.lock.address, detail: `names this vault, but ${e.why}` })),
      ];
      let ok = false;
      let problem = "has no aws_backup_vault_lock_configuration";
      let fix = `Lock it in compliance mode (changeable_for_days >= ${MIN_CHANGEABLE_FOR_DAYS}, min_retention_days >= ${MIN_BACKUP_RETENTION_DAYS}).`;
      if (elsewhere.length > 0) {
        const [e] = elsewhere;
        problem = `has no aws_backup_vault_lock_configuration in its ${e.in}: ${e.lock.address} names it, but ${e.why}`;
        fix = `${e.in === "region" ? inVaultRegion(stack, vault, e.lock) : inVaultAccount(stack, vault, e.lock)}, in compliance mode (changeable_for_days >= ${MIN_CHANGEABLE_FOR_DAYS}, min_retention_days >= ${MIN_BACKUP_RETENTION_DAYS}).`;
      }
      for (const l of locks) {
        const exists = presence(stack, l);
        if (!exists.present) {
          problem = `is locked only by ${l.address}, which ${exists.why}`;
          fix = `${presenceFix(l)}, in compliance mode (changeable_for_days >= ${MIN_CHANGEABLE_FOR_DAYS}, min_retention_days >= ${MIN_BACKUP_RETENTION_DAYS}).`;
          evidence.push({ step: "vault-lock", address: l.address, detail: exists.why });
          continue;
        }
        const days = readNumber(stack, l.values["changeable_for_days"]);
        const minRetention = readNumber(stack, l.values["min_retention_days"]);
        const compliance = days.state === "set" && days.value >= MIN_CHANGEABLE_FOR_DAYS && days.value <= MAX_CHANGEABLE_FOR_DAYS;
        if (compliance && minRetention.state === "set" && minRetention.value >= MIN_BACKUP_RETENTION_DAYS) {
          ok = true;
          break;
        }
        if (compliance && minRetention.state === "set" && minRetention.value >= 1) {
          // UpdateRecoveryPointLifecycle may shorten any recovery point down to the lock's minimum; the lock binds no longer.
          problem =
            `is locked by ${l.address} with min_retention_days = ${minRetention.value}, fewer than the ${MIN_BACKUP_RETENTION_DAYS} days blastwall's constructs require ` +
            `(OffsiteBackupVault's minRetentionDays): whoever may change the vault's access policy and call UpdateRecoveryPointLifecycle can shorten every ` +
            `recovery point to ${minRetention.value} day(s), and it is deleted that soon after it was made, before a deletion is likely to be noticed`;
          fix =
            `Set min_retention_days to at least ${MIN_BACKUP_RETENTION_DAYS} (and at least the retention of the copies the vault receives). A lock past its ` +
            `changeable_for_days cannot be changed: copy into a new vault locked that way, or acknowledge this finding.`;
          evidence.push({ step: "vault-lock", address: l.address, detail: `min_retention_days: ${minRetention.value}` });
          continue;
        }
        if (days.state === "set" && days.value > MAX_CHANGEABLE_FOR_DAYS) {
          // Until the grace period ends the lock can be removed: 36,500 days is governance mode in all but name.
          problem = `is locked by ${l.address} with changeable_for_days = ${days.value}: the lock stays removable for that long (at most ${MAX_CHANGEABLE_FOR_DAYS} days keeps it a lock)`;
          evidence.push({ step: "vault-lock", address: l.address, detail: `changeable_for_days: ${days.value}` });
          continue;
        }
        if (days.state === "set" && days.value >= MIN_CHANGEABLE_FOR_DAYS) {
          problem = `is locked by ${l.address} without a min_retention_days, so recovery points can be deleted as soon as they are made`;
          evidence.push({ step: "vault-lock", address: l.address, detail: `min_retention_days: ${minRetention.state === "set" ? minRetention.value : minRetention.state === "unset" ? "not set" : minRetention.raw}` });
          continue;
        }
        problem =
          days.state === "unset" ? `is locked by ${l.address} in governance mode only (no changeable_for_days), which can be removed`
          : days.state === "set" ? `is locked by ${l.address} with changeable_for_days = ${days.value}, below AWS's minimum of ${MIN_CHANGEABLE_FOR_DAYS}`
          : `is locked by ${l.address} with changeable_for_days set to ${unknownText(days)}`;
        evidence.push({ step: "vault-lock", address: l.address, detail: `changeable_for_days: ${days.state === "set" ? days.value : days.state === "unset" ? "not set (governance mode)" : days.raw}` });
      }
      if (ok) continue;
      out.push(
        resourceFinding(
          vault,
          `${describe(vault)} ${problem}: its recovery points can be deleted early. ${fix}`,
          evidence,
        ),
      );
    }
    return out;
  },
};
