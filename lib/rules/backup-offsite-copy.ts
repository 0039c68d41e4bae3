import type { Rule } from "../engine/rule";
import type { Evidence, FindingDraft } from "../engine/findings";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { refTarget } from "../engine/terraform/tokens";
import { MIN_BACKUP_RETENTION_DAYS, blocks, describe, presence, readNumber, providerAccount, providerKey, readString, refersTo, resourceEvidence, resourceFinding } from "./protection-support";

/**
 * Every rule of every backup plan must copy its recovery points to a vault in another account: backups kept
 * beside the data die with it when the account's credentials are abused (the April 2026 incident). A copy
 * action counts when its destination is
 * - a literal vault ARN whose account differs from the plan's account, as far as the stack tells it (the plan's
 *   provider pinned by `allowed_account_ids` or `assume_role`, or a literal `iam_role_arn` of its selections);
 *   when the stack does not tell, the finding is a warning;
 * - a reference to a vault managed (or looked up) under another provider configuration, whose account is not
 *   known to be the same.
 */

type Outcome = { ok: true } | { ok: false; detail: string; unsure?: boolean };

const ARN_RE = /^arn:aws[a-z-]*:backup:([a-z0-9-]+):(\d{12}):backup-vault:(.+)$/;

/** Accounts the plan certainly runs in, from what the stack writes literally. */
function sourceAccounts(stack: TfStack, plan: TfResource): Set<string> {
  const out = new Set<string>();
  const pinned = providerAccount(stack, providerKey(plan));
  if (pinned) out.add(pinned);
  for (const sel of stack.byType.get("aws_backup_selection") ?? []) {
    // A selection Terraform may not create tells nothing about where the plan runs.
    if (!refersTo(sel.values["plan_id"], plan.address, ["id"]) || !presence(stack, sel).present) continue;
    const role = readString(stack, sel.values["iam_role_arn"]);
    const m = role.state === "set" ? /^arn:aws[a-z-]*:iam::(\d{12}):role\//.exec(role.value) : null;
    if (m) out.add(m[1]);
  }
  return out;
}

function judgeDestination(stack: TfStack, plan: TfResource, dest: unknown, sources: Set<string>): Outcome {
  const lit = readString(stack, dest);
  if (lit.state === "set") {
    const m = ARN_RE.exec(lit.value);
    if (!m) return { ok: false, detail: `destination_vault_arn "${lit.value}" is not a backup vault ARN` };
    const account = m[2];
    if (sources.has(account)) return { ok: false, detail: `destination ${lit.value} is in account ${account}, the plan's own account` };
    if (sources.size === 0) {
      return {
        ok: false,
        unsure: true,
        detail:
          `destination ${lit.value} is in account ${account}, but the stack does not say which account the plan runs in ` +
          "(pin its provider with allowed_account_ids, or give its selections a literal iam_role_arn)",
      };
    }
    return { ok: true };
  }
  if (lit.state === "unset") return { ok: false, detail: "copy_action has no destination_vault_arn" };
  const ref = refTarget(dest);
  const vault = ref && (ref.kind === "resource" || ref.kind === "data") ? stack.byAddress.get(ref.address) : undefined;
  if (!vault || !["aws_backup_vault", "aws_backup_logically_air_gapped_vault"].includes(vault.type) || ref?.attribute !== "arn") {
    return { ok: false, detail: `destination_vault_arn is \`${lit.raw}\`; blastwall cannot tell which account that vault is in, so it counts as none` };
  }
  const here = providerKey(plan);
  const there = providerKey(vault);
  if (here === there) {
    return { ok: false, detail: `destination ${vault.address} uses the same provider configuration (${here}) as the plan, so it is in the same account` };
  }
  const a = providerAccount(stack, here);
  const b = providerAccount(stack, there);
  if (a && b && a === b) return { ok: false, detail: `destination ${vault.address} uses provider ${there}, which is pinned to the plan's own account ${a}` };
  return { ok: true };
}

/** The fewest days an off-site copy must be kept (ProtectedVolume and ProtectedDatabase keep 35 by default). */
const MIN_COPY_DAYS = MIN_BACKUP_RETENTION_DAYS;

export const rule: Rule = {
  meta: {
    id: "backup-offsite-copy",
    title: "Backup plan rule without a copy to another account",
    why:
      "Backups in the same account as the data are deleted by the same stolen or over-broad credentials that delete the data " +
      "(in April 2026 an AI agent deleted a production volume together with the backups stored beside it). A `copy_action` to " +
      "a vault in a separate backup account is what survives.",
    fix:
      "Give every plan rule a `copy_action` whose `destination_vault_arn` is a vault in the backup account (OffsiteBackupVault), " +
      "and pin the plan's provider to its account so the gate can see the difference.",
    severity: "error",
    category: "protection",
  },
  check({ stack }) {
    const out: FindingDraft[] = [];
    for (const plan of stack.byType.get("aws_backup_plan") ?? []) {
      if (plan.mode !== "managed") continue;
      const sources = sourceAccounts(stack, plan);
      const rules = blocks(plan.values["rule"]);
      if (rules.length === 0) {
        out.push(resourceFinding(plan, `${describe(plan)} has no rule blastwall can read, so no copy to another account can be confirmed. Write its rules literally, each with a copy_action to the backup account.`,
          [resourceEvidence(plan, "rule: not a list of blocks")]));
        continue;
      }
      rules.forEach((rule, i) => {
        const name = typeof rule["rule_name"] === "string" ? `rule "${rule["rule_name"]}"` : `rule #${i}`;
        const copies = blocks(rule["copy_action"]);
        const outcomes = copies.map((c) => judgeDestination(stack, plan, c["destination_vault_arn"], sources));
        const offsite = copies.filter((_, k) => outcomes[k].ok);
        if (offsite.length > 0) {
          // An off-site copy deleted after a day is gone before anyone notices what the agent did.
          const kept = offsite.map((c) => {
            const after = blocks(c["lifecycle"]).map((l) => readNumber(stack, l["delete_after"]))[0];
            return after?.state === "set" ? after.value : undefined;
          });
          if (kept.every((d) => d !== undefined && d < MIN_COPY_DAYS)) {
            out.push(
              resourceFinding(plan, `${describe(plan)}: ${name} keeps its off-site copies only ${Math.max(...(kept as number[]))} day(s) (lifecycle.delete_after): a deletion noticed later has nothing left to restore. Keep them at least ${MIN_COPY_DAYS} days.`, [
                resourceEvidence(plan, `${name}: copy_action lifecycle.delete_after = ${kept.join(", ")}`),
              ]),
            );
          }
          return;
        }
        const failed = outcomes.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok);
        const unsure = failed.length > 0 && failed.every((o) => o.unsure);
        const evidence: Evidence[] = [
          resourceEvidence(plan, `${name}: ${copies.length} copy_action(s)`),
          ...failed.map((o) => ({ step: "copy-action", address: plan.address, detail: o.detail })),
        ];
        const what =
          copies.length === 0 ? `${name} has no copy_action` : unsure ? `${name} copies to a vault blastwall cannot place in another account` : `${name} copies only within the plan's own account`;
        out.push(
          resourceFinding(
            plan,
            `${describe(plan)}: ${what}. Recovery points that stay in one account are lost with it; add a copy_action to a vault in the backup account.`,
            evidence,
            unsure ? { severity: "warning" } : {},
          ),
        );
      });
    }
    return out;
  },
};
