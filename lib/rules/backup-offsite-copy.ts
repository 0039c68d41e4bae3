import type { Rule } from "../engine/rule";
import type { Evidence, FindingDraft } from "../engine/findings";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { providerAccount as literalAccount, providerConfigKey, resourceRegion } from "../engine/terraform/providers";
import { refTarget } from "../engine/terraform/tokens";
import { blocksWithDynamic } from "../engine/reach/dynamic-blocks";
import { backupRuleName } from "./backup-schedule";
import { MIN_BACKUP_RETENTION_DAYS, blocks, describe, presence, readNumber, providerAccount, providerKey, readString, refersTo, resourceEvidence, resourceFinding } from "./protection-support";

/**
 * Every rule of every backup plan must copy its recovery points to a vault in another account: backups kept
 * beside the data die with it when the account's credentials are abused (the April 2026 incident). A copy
 * counts only when the stack shows the destination's account differs from the plan's: a literal vault ARN, or a
 * vault managed (or looked up) under a provider configuration pinned (`allowed_account_ids`, a literal
 * `assume_role`) to an account the plan is not in. The plan's account comes from its provider's pin or a literal
 * `iam_role_arn` of its selections. A destination in the plan's account is an error, and so is one under a provider
 * that, like the plan's, picks no credentials of its own (Terraform signs both with the same ones: red-team round
 * 140); a destination whose account the stack does not tell apart from the plan's is a warning.
 */

type Outcome = { ok: true } | { ok: false; detail: string; unsure?: boolean; where?: string };

/** A backup vault ARN: region, account, name. */
export const VAULT_ARN = /^arn:aws[a-z-]*:backup:([a-z0-9-]+):(\d{12}):backup-vault:(.+)$/;

/** How a provider configuration's account is read: as written, or with a variable read as its default. */
type AccountOf = (stack: TfStack, key: string) => string | undefined;

/**
 * Accounts the plan runs in, from its provider's pin and its selections' literal roles. Read with variables as their
 * defaults, an account the plan may run in (cause to report a copy into it); read literally, one it certainly runs
 * in (only that proves a destination elsewhere: `-var` may name any account).
 */
function sourceAccounts(stack: TfStack, plan: TfResource, accountOf: AccountOf): Set<string> {
  const out = new Set<string>();
  const pinned = accountOf(stack, providerKey(plan));
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

type Sources = { may: Set<string>; sure: Set<string> };

/**
 * Provider arguments that choose neither credentials nor an account. A configuration that sets only these signs its
 * requests with the default credential chain (environment, shared files' default profile, instance role), the same
 * for every such configuration of one run, so all of them are in one account. Anything else (assume_role, profile,
 * access_key, shared_config_files, endpoints, an argument blastwall does not know) may lead elsewhere.
 */
const CREDENTIAL_NEUTRAL = new Set([
  "//",
  "alias",
  "region",
  "for_each",
  "allowed_account_ids",
  "forbidden_account_ids",
  "default_tags",
  "ignore_tags",
  "max_retries",
  "retry_mode",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "insecure",
  "custom_ca_bundle",
  "use_fips_endpoint",
  "use_dualstack_endpoint",
  "s3_use_path_style",
  "s3_us_east_1_regional_endpoint",
  "skip_credentials_validation",
  "skip_metadata_api_check",
  "skip_region_validation",
  "skip_requesting_account_id",
  "token_bucket_rate_limiter_capacity",
]);

/** The arguments of a provider configuration that may choose its credentials, or undefined when the stack has no such block. */
function credentialArguments(stack: TfStack, key: string): string[] | undefined {
  const body = stack.providers?.get(providerConfigKey(key));
  // Without a block, the default provider is an empty configuration; an alias the stack does not declare is unknown.
  if (!body) return key === "aws" ? [] : undefined;
  return Object.keys(body).filter((k) => !CREDENTIAL_NEUTRAL.has(k));
}

/** Why blastwall cannot tell a provider configuration's account, for a message: what it sets, or that it is not declared. */
function unplaced(stack: TfStack, key: string): string {
  const args = credentialArguments(stack, key);
  if (args === undefined) return `provider ${key} is not declared in this stack`;
  return args.length > 0 ? `provider ${key} sets ${args.join(", ")} but no literal allowed_account_ids` : `provider ${key} is not pinned to an account`;
}

/**
 * Where a copy in the plan's own account lands, when the ARN says more: in the plan's region too (red-team round 161,
 * F2: "copies only within the plan's own account" read the same for a copy to another region and one into the source).
 */
function sameRegionNote(stack: TfStack, plan: TfResource, region: string, vault: string, target: string | undefined): string | undefined {
  if (resourceRegion(stack, plan) !== region) return undefined;
  return vault === target
    ? `into its own target vault ${vault} (region ${region}): that is no second copy at all`
    : `and in the plan's own region ${region}: the copy survives neither the account's loss nor a regional outage`;
}

function judgeDestination(stack: TfStack, plan: TfResource, dest: unknown, sources: Sources, target?: string): Outcome {
  const lit = readString(stack, dest);
  if (lit.state === "set") {
    const m = VAULT_ARN.exec(lit.value);
    if (!m) return { ok: false, detail: `destination_vault_arn "${lit.value}" is not a backup vault ARN` };
    const account = m[2];
    if (sources.may.has(account)) {
      const where = sameRegionNote(stack, plan, m[1], m[3], target);
      return { ok: false, detail: `destination ${lit.value} is in account ${account}, the plan's own account${where ? `, ${where}` : ""}`, ...(where ? { where } : {}) };
    }
    if (sources.sure.size === 0) {
      return {
        ok: false,
        unsure: true,
        detail:
          `destination ${lit.value} is in account ${account}, but the stack does not say which account the plan (provider ${providerKey(plan)}) runs in ` +
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
  const mayThere = providerAccount(stack, there);
  if (mayThere && sources.may.has(mayThere)) {
    return { ok: false, detail: `destination ${vault.address} uses provider ${there}, which is pinned to the plan's own account ${mayThere}; pin ${there} to the backup account and give it that account's role` };
  }
  const sureThere = literalAccount(stack, there);
  if (sureThere && sources.sure.size > 0) return { ok: true };
  const ours = credentialArguments(stack, here);
  const theirs = credentialArguments(stack, there);
  if (ours?.length === 0 && theirs?.length === 0) {
    return {
      ok: false,
      detail:
        `destination ${vault.address} uses provider ${there}, which, like the plan's provider ${here}, sets no assume_role, profile or other ` +
        `credentials of its own: Terraform signs both with the same credentials, so the vault is in the plan's own account (a copy to another ` +
        `region at most). Give ${there} an assume_role of a role in the backup account and pin it there with allowed_account_ids`,
    };
  }
  const why = [sources.sure.size === 0 ? unplaced(stack, here) : undefined, sureThere ? undefined : unplaced(stack, there)].filter((w) => w !== undefined);
  return {
    ok: false,
    unsure: true,
    detail:
      `destination ${vault.address} uses provider ${there}, but the stack does not show its account differs from the plan's (provider ${here}): ` +
      `${why.join("; ")}. Pin both providers with allowed_account_ids (the plan's to its account, ${there} to the backup account)`,
  };
}

/** The literal name of the vault a reference (`${aws_backup_vault.x.name}`) names, when the stack writes it. */
function vaultName(stack: TfStack, v: unknown): string | undefined {
  const ref = refTarget(v);
  const vault = ref && ref.kind === "resource" ? stack.byAddress.get(ref.address) : undefined;
  if (!vault || vault.type !== "aws_backup_vault" || !["name", "id"].includes(ref?.attribute ?? "")) return undefined;
  const n = readString(stack, vault.values["name"]);
  return n.state === "set" ? n.value : undefined;
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
      "and pin the plan's provider and the vault's (`allowed_account_ids`) to their accounts so the gate can see the difference: an alias " +
      "without its own role or profile signs with the plan's credentials, in the plan's account.",
    severity: "error",
    category: "protection",
  },
  check({ stack }) {
    const out: FindingDraft[] = [];
    for (const plan of stack.byType.get("aws_backup_plan") ?? []) {
      if (plan.mode !== "managed") continue;
      const sources = { may: sourceAccounts(stack, plan, providerAccount), sure: sourceAccounts(stack, plan, literalAccount) };
      // A dynamic "rule" is a rule too: its content, as written, must copy off-site like any other (red-team round 175:
      // a dynamic rule with no copy_action beside a good static one passed).
      const written = blocksWithDynamic(plan.values, "rule");
      const rules = written.blocks;
      if (written.unread) {
        out.push(resourceFinding(plan, `${describe(plan)} has a rule blastwall cannot read (a dynamic "rule" block with no content it can read, or a value that is no block), so no copy to another account can be confirmed for it. Write its rules literally, each with a copy_action to the backup account.`,
          [resourceEvidence(plan, "rule: not a list of blocks blastwall can read")]));
      }
      if (rules.length === 0) {
        if (written.unread) continue;
        out.push(resourceFinding(plan, `${describe(plan)} has no rule blastwall can read, so no copy to another account can be confirmed. Write its rules literally, each with a copy_action to the backup account.`,
          [resourceEvidence(plan, "rule: not a list of blocks")]));
        continue;
      }
      rules.forEach((rule, i) => {
        const k = written.dynamic.indexOf(rule);
        const name = backupRuleName(rule, i, k < 0 ? undefined : k);
        const copyBlocks = blocksWithDynamic(rule, "copy_action");
        const copies = copyBlocks.blocks;
        const target = readString(stack, rule["target_vault_name"]);
        const targetName = target.state === "set" ? target.value : vaultName(stack, rule["target_vault_name"]);
        const outcomes = copies.map((c) => judgeDestination(stack, plan, c["destination_vault_arn"], sources, targetName));
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
        // A copy_action blastwall cannot read may go off-site: as unsure as a vault it cannot place.
        const unsure = (failed.length > 0 || copyBlocks.unread) && failed.every((o) => o.unsure);
        const evidence: Evidence[] = [
          resourceEvidence(plan, `${name}: ${copies.length} copy_action(s)`),
          ...failed.map((o) => ({ step: "copy-action", address: plan.address, detail: o.detail })),
        ];
        const what =
          copies.length === 0 && copyBlocks.unread ? `${name} has a copy_action blastwall cannot read (a dynamic block with no content it can read)`
          : copies.length === 0 ? `${name} has no copy_action`
          : unsure ? `${name} copies to a vault blastwall cannot place in another account`
          : `${name} copies only within the plan's own account${failed.every((o) => o.where) ? `, ${failed.map((o) => o.where).join("; ")}` : ""}`;
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
