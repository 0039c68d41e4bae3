import type { Rule } from "../engine/rule";
import type { Evidence, FindingDraft } from "../engine/findings";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { refTarget } from "../engine/terraform/tokens";
import { resourceAccount, resourceRegion } from "../engine/terraform/providers";
import { blocks, describe, presence, readNumber, readString, resourceEvidence, resourceFinding, type Read } from "./protection-support";
import { locksOf } from "./backup-vault-locked";

/**
 * AWS Backup Vault Lock refuses jobs, it does not shorten them: "any backup or copy job to the vault must have a
 * lifecycle policy with a retention period equal to or longer than the minimum retention period. If the job's retention
 * period is shorter, the vault fails the backup or copy job" (PutBackupVaultLockConfiguration), and likewise a job kept
 * longer than `max_retention_days`, or for ever, while a maximum is set. A logically air-gapped vault carries the same
 * two bounds itself. A plan rule whose `lifecycle.delete_after` (or a copy_action's) falls outside the bounds of the
 * vault it writes to makes no recovery point there at all, every night, while the plan, the selections and the locks
 * each look right on their own (red-team round 161, F1). Values blastwall cannot read (a variable, an expression)
 * count as possibly outside, as the other backup rules count them (fail closed).
 */

const VAULT_TYPES = ["aws_backup_vault", "aws_backup_logically_air_gapped_vault"];

const ARN_RE = /^arn:aws[a-z-]*:backup:([a-z0-9-]+):(\d{12}):backup-vault:(.+)$/;

/** A lower and upper bound on the retention of what a vault accepts, and what sets them. */
interface Bounds {
  readonly source: TfResource;
  readonly min: Read<number>;
  readonly max: Read<number>;
  /** Why the lock may not exist (a count or for_each blastwall cannot evaluate); it binds if it does. */
  readonly maybeAbsent?: string;
}

/** A job a plan rule runs into a vault: its backup into the target vault, or one of its copies. */
interface Job {
  readonly kind: "backup" | "copy";
  readonly vault: TfResource;
  /** The retention the job asks for: unset keeps it for ever. */
  readonly retention: Read<number>;
  /** Where that retention is written, for a message: `lifecycle.delete_after`, `copy_action[0].lifecycle.delete_after`. */
  readonly field: string;
  /** Why this vault is counted, when the plan does not name it for certain. */
  readonly maybe?: string;
}

/** The bounds a vault enforces: its Vault Locks (those that may exist) or, air-gapped, its own. */
function boundsOf(stack: TfStack, vault: TfResource): Bounds[] {
  const of = (r: TfResource) => ({ min: readNumber(stack, r.values["min_retention_days"]), max: readNumber(stack, r.values["max_retention_days"]) });
  if (vault.type === "aws_backup_logically_air_gapped_vault") return [{ source: vault, ...of(vault) }];
  const out: Bounds[] = [];
  for (const lock of locksOf(stack, vault).locks) {
    const p = presence(stack, lock);
    // A lock Terraform certainly does not create refuses nothing (backup-vault-locked reports the vault unlocked).
    if (!p.present && p.certain) continue;
    out.push({ source: lock, ...of(lock), ...(p.present ? {} : { maybeAbsent: p.why }) });
  }
  return out;
}

/** Whether a vault may be the one at a region and account (undefined: not known), i.e. nothing written says it is elsewhere. */
function mayBeAt(stack: TfStack, vault: TfResource, region: string | undefined, account: string | undefined): boolean {
  const r = resourceRegion(stack, vault);
  const a = resourceAccount(stack, vault);
  return !(r !== undefined && region !== undefined && r !== region) && !(a !== undefined && account !== undefined && a !== account);
}

function managedVaults(stack: TfStack): TfResource[] {
  return VAULT_TYPES.flatMap((t) => (stack.byType.get(t) ?? []).filter((v) => v.mode === "managed"));
}

/**
 * The vaults of the stack a value names: by reference (`attributes`), or by a literal name (with the region and account
 * the job runs in, when known). A value blastwall cannot read may name any vault where it may run (fail closed); a
 * reference to anything else (a data source) names no vault whose locks the stack shows.
 */
function vaultsNamed(stack: TfStack, v: unknown, attributes: readonly string[], literal: (s: string) => TfResource[]): { vaults: TfResource[]; maybe?: string } {
  const read = readString(stack, v);
  if (read.state === "set") return { vaults: literal(read.value) };
  if (read.state === "unset") return { vaults: [] };
  const ref = refTarget(v);
  if (ref && (ref.kind === "resource" || ref.kind === "data")) {
    const vault = stack.byAddress.get(ref.address);
    const named = vault && vault.mode === "managed" && VAULT_TYPES.includes(vault.type) && ref.attribute !== undefined && attributes.includes(ref.attribute) && ref.path.length === 0;
    return { vaults: named ? [vault] : [] };
  }
  return { vaults: literal("*"), maybe: `\`${read.raw}\` is ${read.why}, so it may name this vault` };
}

function named(stack: TfStack, vault: TfResource, name: string): boolean {
  if (name === "*") return true;
  const n = readString(stack, vault.values["name"]);
  return n.state !== "set" || n.value === name;
}

/** The retention a lifecycle block asks for: its delete_after, unset (kept for ever) without one. */
function deleteAfter(stack: TfStack, lifecycle: unknown): Read<number> {
  const [l] = blocks(lifecycle);
  return l === undefined ? { state: "unset" } : readNumber(stack, l["delete_after"]);
}

/** The jobs one plan rule runs into vaults of the stack. */
function jobsOf(stack: TfStack, plan: TfResource, rule: Record<string, unknown>): Job[] {
  const out: Job[] = [];
  const region = resourceRegion(stack, plan);
  const account = resourceAccount(stack, plan);
  const own = deleteAfter(stack, rule["lifecycle"]);
  const target = vaultsNamed(stack, rule["target_vault_name"], ["name", "id"], (name) =>
    managedVaults(stack).filter((v) => named(stack, v, name) && mayBeAt(stack, v, region, account)),
  );
  for (const vault of target.vaults) out.push({ kind: "backup", vault, retention: own, field: "lifecycle.delete_after", ...(target.maybe ? { maybe: `target_vault_name ${target.maybe}` } : {}) });
  blocks(rule["copy_action"]).forEach((c, k) => {
    const dest = vaultsNamed(stack, c["destination_vault_arn"], ["arn"], (arn) => {
      if (arn === "*") return managedVaults(stack);
      const m = ARN_RE.exec(arn);
      return m ? managedVaults(stack).filter((v) => named(stack, v, m[3]) && mayBeAt(stack, v, m[1], m[2])) : [];
    });
    // Without a lifecycle of its own, a copy is kept as long as its source (CopyAction.Lifecycle).
    const inherits = blocks(c["lifecycle"]).length === 0;
    const retention = inherits ? own : deleteAfter(stack, c["lifecycle"]);
    const field = inherits ? `lifecycle.delete_after (copy_action[${k}] has no lifecycle of its own, so its copies are kept as long)` : `copy_action[${k}].lifecycle.delete_after`;
    for (const vault of dest.vaults) out.push({ kind: "copy", vault, retention, field, ...(dest.maybe ? { maybe: `destination_vault_arn ${dest.maybe}` } : {}) });
  });
  return out;
}

function shown(r: Read<number>): string {
  return r.state === "set" ? String(r.value) : r.state === "unset" ? "not set (kept for ever)" : r.raw;
}

/** Why a job falls (or may fall) outside a vault's bounds, and what to write instead; undefined when it is inside. */
function outside(job: Job, b: Bounds): { why: string; fix: string } | undefined {
  const ret = job.retention;
  const by = b.source.type === "aws_backup_logically_air_gapped_vault" ? "the vault's own" : `the lock ${b.source.address}'s`;
  const kept = ret.state === "set" ? `${ret.value} day(s)` : "for ever (no delete_after)";
  const unread = (r: { raw: string; why: string }) => `\`${r.raw}\`, ${r.why}`;
  if (ret.state === "unknown" && (b.min.state !== "unset" || b.max.state !== "unset")) {
    const range = [b.min.state === "set" ? `at least ${b.min.value}` : undefined, b.max.state === "set" ? `at most ${b.max.value}` : undefined].filter((x) => x !== undefined).join(" and ");
    return {
      why: `${job.field} is ${unread(ret)}: blastwall cannot tell that it is within ${by} min_retention_days (${shown(b.min)}) and max_retention_days (${shown(b.max)})`,
      fix: `Write ${job.field} literally${range ? `, ${range}` : ""}`,
    };
  }
  if (b.min.state === "set" && ret.state === "set" && ret.value < b.min.value) {
    return { why: `${job.field} keeps them ${kept}, fewer than ${by} min_retention_days = ${b.min.value}`, fix: `Set ${job.field} to at least ${b.min.value}` };
  }
  if (b.min.state === "unknown" && ret.state === "set") {
    return { why: `${by} min_retention_days is ${unread(b.min)}: blastwall cannot tell that ${job.field} = ${ret.value} is at least it`, fix: `Write min_retention_days of ${b.source.address} literally (at most ${ret.value})` };
  }
  if (b.max.state === "set" && (ret.state === "unset" || (ret.state === "set" && ret.value > b.max.value))) {
    return { why: `${job.field} keeps them ${kept}, longer than ${by} max_retention_days = ${b.max.value}`, fix: `Set ${job.field} to at most ${b.max.value}` };
  }
  if (b.max.state === "unknown") {
    return {
      why: `${by} max_retention_days is ${unread(b.max)}: blastwall cannot tell that ${job.field} (${shown(ret)}) is within it`,
      fix: `Write max_retention_days of ${b.source.address} literally${ret.state === "set" ? ` (at least ${ret.value})` : ""}, or remove it`,
    };
  }
  return undefined;
}

export const rule: Rule = {
  meta: {
    id: "backup-jobs-refused",
    title: "Backup plan rule whose retention its vault's lock refuses",
    why:
      "A locked vault fails every backup or copy job whose retention is shorter than the lock's min_retention_days, or longer than its " +
      "max_retention_days (kept for ever included, when a maximum is set): the job is refused, not shortened. A plan rule that asks for " +
      "such a retention leaves the data it selects with no new recovery points in that vault, night after night, while the plan, its " +
      "selections and the lock each look right. A retention or bound blastwall cannot read counts as possibly outside.",
    fix:
      "Set the plan rule's `lifecycle.delete_after` (and each `copy_action`'s, for the destination vault) within the bounds of the vault it " +
      "writes to, written literally. A compliance lock past its changeable_for_days cannot be loosened: change the plan, not the lock.",
    severity: "error",
    category: "protection",
  },
  check({ stack }) {
    const out: FindingDraft[] = [];
    for (const plan of stack.byType.get("aws_backup_plan") ?? []) {
      if (plan.mode !== "managed") continue;
      blocks(plan.values["rule"]).forEach((r, i) => {
        const name = typeof r["rule_name"] === "string" ? `rule "${r["rule_name"]}"` : `rule #${i}`;
        for (const job of jobsOf(stack, plan, r)) {
          for (const b of boundsOf(stack, job.vault)) {
            const o = outside(job, b);
            if (!o) continue;
            const what = job.kind === "backup" ? `backs up into ${describe(job.vault)}` : `copies its recovery points to ${describe(job.vault)}`;
            const lost =
              job.kind === "backup"
                ? "the resources the plan selects get no new recovery point from this rule, and so no copy either"
                : "no copy of this rule's recovery points reaches that vault";
            const evidence: Evidence[] = [
              resourceEvidence(plan, `${name}: ${job.field} = ${shown(job.retention)}`),
              { step: job.kind === "backup" ? "target-vault" : "copy-action", address: job.vault.address, detail: job.maybe ?? (job.kind === "backup" ? "the rule's target_vault_name" : "the copy_action's destination_vault_arn") },
              { step: "vault-lock", address: b.source.address, detail: `min_retention_days: ${shown(b.min)}; max_retention_days: ${b.max.state === "unset" ? "not set" : shown(b.max)}${b.maybeAbsent ? `; ${b.maybeAbsent}` : ""}` },
            ];
            out.push(
              resourceFinding(
                plan,
                `${describe(plan)}: ${name} ${what}, and ${o.why}${job.maybe ? ` (${job.maybe})` : ""}. AWS Backup fails every ${job.kind} job into a locked vault ` +
                  `whose retention is outside the lock's bounds, so ${lost}, while the plan looks complete. ${o.fix}.`,
                evidence,
              ),
            );
          }
        }
      });
    }
    return out;
  },
};
