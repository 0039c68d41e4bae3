import type { Rule } from "../engine/rule";
import type { Evidence, FindingDraft } from "../engine/findings";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { refTarget } from "../engine/terraform/tokens";
import { providerKeyOf, resourceAccount, resourceRegion, sameProvider } from "../engine/terraform/providers";
import { blocks, describe, presence, readNumber, readString, resourceEvidence, resourceFinding, type Read } from "./protection-support";
import { locksOf } from "./backup-vault-locked";
import { VAULT_ARN } from "./backup-offsite-copy";

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
  /** How to let blastwall tell whether it is this vault, when only an unread account or region leaves it open. */
  readonly pin?: string;
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

/** Where a vault is relative to a place the plan names: certainly there, certainly elsewhere, or not known. */
type Placement = { at: "same" } | { at: "elsewhere" } | { at: "unknown"; why: string; pin: string };

/** Why a provider configuration's account is not known, and how to make it known, for a message. */
function unpinned(keys: readonly string[]): { why: string; pin: string } {
  const list = [...new Set(keys)];
  const one = list.length === 1;
  return {
    why: `${one ? "provider" : "providers"} ${list.join(" and ")} ${one ? "is" : "are"} pinned to no account blastwall can read (no literal allowed_account_ids or assume_role role_arn)`,
    pin: `pin ${one ? "provider" : "providers"} ${list.join(" and ")} to ${one ? "its account" : "their accounts"} with allowed_account_ids`,
  };
}

/** Joins the unknown parts of a placement; any part certainly elsewhere puts the vault elsewhere. */
function placement(parts: readonly (Placement | undefined)[]): Placement {
  if (parts.some((p) => p?.at === "elsewhere")) return { at: "elsewhere" };
  const unknown = parts.filter((p): p is Extract<Placement, { at: "unknown" }> => p?.at === "unknown");
  if (unknown.length === 0) return { at: "same" };
  return { at: "unknown", why: unknown.map((u) => u.why).join("; "), pin: unknown.map((u) => u.pin).join(", and ") };
}

/** Whether a vault is the one a literal ARN's region and account name. */
function placeAtArn(stack: TfStack, vault: TfResource, region: string, account: string): Placement {
  const r = resourceRegion(stack, vault);
  const a = resourceAccount(stack, vault);
  return placement([
    r === undefined ? { at: "unknown", why: `blastwall cannot read the region of ${vault.address}`, pin: `write the region of ${vault.address} (or its provider's) literally` } : r === region ? undefined : { at: "elsewhere" },
    a === undefined ? { at: "unknown", ...unpinned([providerKeyOf(vault)]) } : a === account ? undefined : { at: "elsewhere" },
  ]);
}

/**
 * Whether a vault is in the region and account of another resource (the plan, or a data source reading a vault by
 * name): one provider configuration, without a region of either's own, is one place even when blastwall reads neither.
 */
function placeBeside(stack: TfStack, vault: TfResource, other: TfResource): Placement {
  const same = sameProvider(providerKeyOf(vault), providerKeyOf(other));
  const ownRegion = (r: TfResource) => r.values["region"] !== undefined && r.values["region"] !== null && r.values["region"] !== "";
  const [rv, ro] = [resourceRegion(stack, vault), resourceRegion(stack, other)];
  const [av, ao] = [resourceAccount(stack, vault), resourceAccount(stack, other)];
  const region: Placement | undefined =
    rv !== undefined && ro !== undefined ? (rv === ro ? undefined : { at: "elsewhere" })
    : same && !ownRegion(vault) && !ownRegion(other) ? undefined
    : { at: "unknown", why: `blastwall cannot tell that ${vault.address} and ${other.address} are in one region`, pin: `write the regions of ${vault.address} and ${other.address} (or their providers') literally` };
  const account: Placement | undefined =
    av !== undefined && ao !== undefined ? (av === ao ? undefined : { at: "elsewhere" })
    : same ? undefined
    : { at: "unknown", ...unpinned([av === undefined ? providerKeyOf(vault) : undefined, ao === undefined ? providerKeyOf(other) : undefined].filter((k): k is string => k !== undefined)) };
  return placement([region, account]);
}

function managedVaults(stack: TfStack): TfResource[] {
  return VAULT_TYPES.flatMap((t) => (stack.byType.get(t) ?? []).filter((v) => v.mode === "managed"));
}

/** A vault of the stack a value may name; `maybe` and `pin` when it does not name it for certain. */
interface Named {
  readonly vault: TfResource;
  /** Why it may be this vault. */
  readonly maybe?: string;
  /** How to let blastwall tell, when only an unread account or region stands between "may" and "certainly not". */
  readonly pin?: string;
}

/**
 * The vaults of the stack a value names: by reference (`attributes`), through a data source that reads a vault by
 * name, or by a literal name or ARN (`literal`). A value blastwall cannot read may name any vault where it may run
 * (fail closed); a reference to anything else names no vault whose locks the stack shows.
 */
function vaultsNamed(stack: TfStack, v: unknown, attributes: readonly string[], literal: (s: string) => Named[]): Named[] {
  const read = readString(stack, v);
  if (read.state === "set") return literal(read.value);
  if (read.state === "unset") return [];
  const ref = refTarget(v);
  if (ref && (ref.kind === "resource" || ref.kind === "data")) {
    const r = stack.byAddress.get(ref.address);
    if (!r || ref.attribute === undefined || !attributes.includes(ref.attribute) || ref.path.length !== 0) return [];
    if (r.mode === "managed" && VAULT_TYPES.includes(r.type)) return [{ vault: r }];
    if (r.mode === "data" && r.type === "aws_backup_vault") return readByData(stack, r);
    return [];
  }
  return literal("*").map((n) => ({ vault: n.vault, maybe: `\`${read.raw}\` is ${read.why}, so it may name this vault` }));
}

/**
 * The stack's vaults a `data "aws_backup_vault"` reads: the one of its `name` in its own region and account (its `arn`
 * and `name` are that vault's), followed through a reference or a literal name (red-team round 162, F2).
 */
function readByData(stack: TfStack, data: TfResource): Named[] {
  const out: Named[] = [];
  for (const n of vaultsNamed(stack, data.values["name"], ["name", "id"], (name) => managedVaults(stack).flatMap((vault) => byName(stack, vault, name)))) {
    const p = placeBeside(stack, n.vault, data);
    if (p.at === "elsewhere") continue;
    const maybe = [n.maybe, p.at === "unknown" ? `reads ${data.address}, which looks up a vault of this name, but ${p.why}, so it may be this vault` : undefined].filter((x) => x !== undefined);
    const pin = [n.pin, p.at === "unknown" ? p.pin : undefined].filter((x) => x !== undefined);
    out.push({ vault: n.vault, ...(maybe.length ? { maybe: maybe.join("; ") } : {}), ...(pin.length ? { pin: pin.join(", and ") } : {}) });
  }
  return out;
}

/** A vault as a match for a literal name: certainly (its name is that one), possibly (its name is unread), or not. */
function byName(stack: TfStack, vault: TfResource, name: string): Named[] {
  if (name === "*") return [{ vault }];
  const n = readString(stack, vault.values["name"]);
  if (n.state === "set") return n.value === name ? [{ vault }] : [];
  return [{ vault, maybe: `blastwall cannot read the name of ${vault.address}, so it may be "${name}"` }];
}

/** A literal match narrowed by where the vault is: dropped when elsewhere, a "may" (with how to tell) when not known. */
function placed(n: Named, p: Placement, what: string): Named[] {
  if (p.at === "elsewhere") return [];
  if (p.at === "same") return [n];
  const maybe = `${what}, but ${p.why}, so it may be this vault`;
  return [{ vault: n.vault, maybe: n.maybe ? `${n.maybe}; ${maybe}` : maybe, pin: n.pin ? `${n.pin}, and ${p.pin}` : p.pin }];
}

/** The retention a lifecycle block asks for: its delete_after, unset (kept for ever) without one. */
function deleteAfter(stack: TfStack, lifecycle: unknown): Read<number> {
  const [l] = blocks(lifecycle);
  return l === undefined ? { state: "unset" } : readNumber(stack, l["delete_after"]);
}

/** The jobs one plan rule runs into vaults of the stack. */
function jobsOf(stack: TfStack, plan: TfResource, rule: Record<string, unknown>): Job[] {
  const out: Job[] = [];
  const own = deleteAfter(stack, rule["lifecycle"]);
  const targets = vaultsNamed(stack, rule["target_vault_name"], ["name", "id"], (name) =>
    managedVaults(stack).flatMap((v) => byName(stack, v, name).flatMap((n) => placed(n, placeBeside(stack, v, plan), `"${name}" names a vault in the plan's region and account`))),
  );
  for (const t of targets) out.push({ kind: "backup", vault: t.vault, retention: own, field: "lifecycle.delete_after", ...(t.maybe ? { maybe: `target_vault_name ${t.maybe}` } : {}), ...(t.pin ? { pin: t.pin } : {}) });
  // The vaults the rule certainly backs up into. A copy that only may land in one of them is not judged against its lock:
  // were it that vault, the copy would be into the vault the backup job already wrote the recovery point to, and its
  // refusal would lose nothing. Read otherwise, the usual central vault of the same name in another account (the
  // stack's own account unread) was reported as this vault, with a fix that cut the off-site copy's retention to the
  // local lock's maximum (red-team round 162, F1).
  const certainTargets = new Set(targets.filter((t) => t.maybe === undefined).map((t) => t.vault));
  blocks(rule["copy_action"]).forEach((c, k) => {
    const dests = vaultsNamed(stack, c["destination_vault_arn"], ["arn"], (arn) => {
      if (arn === "*") return managedVaults(stack).map((vault) => ({ vault }));
      const m = VAULT_ARN.exec(arn);
      if (!m) return [];
      const what = `${arn} is vault "${m[3]}" in account ${m[2]}, region ${m[1]}`;
      return managedVaults(stack).flatMap((v) => byName(stack, v, m[3]).flatMap((n) => placed(n, placeAtArn(stack, v, m[1], m[2]), what)));
    });
    // Without a lifecycle of its own, a copy is kept as long as its source (CopyAction.Lifecycle).
    const inherits = blocks(c["lifecycle"]).length === 0;
    const retention = inherits ? own : deleteAfter(stack, c["lifecycle"]);
    const field = inherits ? `lifecycle.delete_after (copy_action[${k}] has no lifecycle of its own, so its copies are kept as long)` : `copy_action[${k}].lifecycle.delete_after`;
    for (const d of dests) {
      if (d.maybe !== undefined && certainTargets.has(d.vault)) continue;
      out.push({ kind: "copy", vault: d.vault, retention, field, ...(d.maybe ? { maybe: `destination_vault_arn ${d.maybe}` } : {}), ...(d.pin ? { pin: d.pin } : {}) });
    }
  });
  return out;
}

/**
 * The fix for a job that may be into this vault only because blastwall cannot read where the vault is: first how to
 * let it tell, since changing the retention for this vault's lock would be wrong (and, for an off-site copy of the
 * same name, would shorten it to the local lock's maximum) when the job goes elsewhere.
 */
function fixFor(job: Job, fix: string): string {
  if (job.pin === undefined) return fix;
  return `If it goes elsewhere, ${job.pin} so blastwall can tell, and leave ${job.field} as the vault it does go to needs; only if it is ${job.vault.address}, ${fix.charAt(0).toLowerCase()}${fix.slice(1)}`;
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
      "writes to, written literally. A compliance lock past its changeable_for_days cannot be loosened: change the plan, not the lock. When blastwall " +
      "cannot tell whether a copy goes to this vault or to one of the same name in another account or region, pin the providers' " +
      "accounts (allowed_account_ids) and regions so it can, rather than changing an off-site copy's retention.",
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
            const may = job.maybe !== undefined;
            const what = job.kind === "backup" ? `${may ? "may back" : "backs"} up into ${describe(job.vault)}` : `${may ? "may copy" : "copies"} its recovery points to ${describe(job.vault)}`;
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
                  `whose retention is outside the lock's bounds, so ${may ? "if it is that vault, " : ""}${lost}, while the plan looks complete. ${fixFor(job, o.fix)}.`,
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
