import type { Rule } from "../engine/rule";
import type { Evidence, FindingDraft } from "../engine/findings";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { hasInterpolation } from "../engine/terraform/tokens";
import { MIN_BACKUP_RETENTION_DAYS, describe, presence, presenceFix, providerKey, readNumber, readString, refersTo, resourceEvidence, resourceFinding, unknownText } from "./protection-support";

/** The longest grace period that still makes a lock: past it, the lock is immutable (compliance mode). */
const MAX_CHANGEABLE_FOR_DAYS = 30;
/** AWS's cooling-off before a compliance lock becomes immutable; fewer days is refused by the API. */
const MIN_CHANGEABLE_FOR_DAYS = 3;

/** The lock configurations aimed at a vault: by reference to its name/id, or by its literal name under the same provider. */
function locksOf(stack: TfStack, vault: TfResource): TfResource[] {
  const name = readString(stack, vault.values["name"]);
  return (stack.byType.get("aws_backup_vault_lock_configuration") ?? []).filter((l) => {
    const target = l.values["backup_vault_name"];
    if (refersTo(target, vault.address, ["name", "id"])) return true;
    return (
      name.state === "set" && typeof target === "string" && !hasInterpolation(target) && target === name.value && providerKey(l) === providerKey(vault)
    );
  });
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
      "Add an `aws_backup_vault_lock_configuration` for the vault, created unconditionally (no count, for_each or lifecycle.enabled " +
      "that can make it absent), with `changeable_for_days` (3 to 30) and `min_retention_days` of at least 7 (OffsiteBackupVault and " +
      "OffsiteBackupPlan do).",
    severity: "error",
    category: "protection",
  },
  check({ stack }) {
    const out: FindingDraft[] = [];
    for (const vault of stack.byType.get("aws_backup_vault") ?? []) {
      if (vault.mode !== "managed") continue;
      const locks = locksOf(stack, vault);
      const evidence: Evidence[] = [resourceEvidence(vault, `${locks.length} aws_backup_vault_lock_configuration(s) for this vault`)];
      let ok = false;
      let problem = "has no aws_backup_vault_lock_configuration";
      let fix = `Lock it in compliance mode (changeable_for_days >= ${MIN_CHANGEABLE_FOR_DAYS}, min_retention_days >= ${MIN_BACKUP_RETENTION_DAYS}).`;
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
