import type { Rule } from "../engine/rule";
import type { Evidence, FindingDraft } from "../engine/findings";
import type { TfResource, TfStack } from "../engine/terraform/types";
import type { BlastwallConfig } from "../engine/config-types";
import { bodyStrings } from "../engine/json";
import { withoutInstanceKeys } from "../engine/agents";
import { describe, readNumber, resourceEvidence, resourceFinding, statefulResources } from "./protection-support";

/** KMS's longest deletion window, ProtectedKey's (KEY_DELETION_WINDOW_DAYS), and the window a key has when none is set. */
const FULL_WINDOW_DAYS = 30;

/** Key types whose `deletion_window_in_days` is KMS's waiting period (7 to 30 days, 30 when unset). */
const KEY_TYPES: readonly string[] = ["aws_kms_key", "aws_kms_external_key", "aws_kms_replica_key"];

/**
 * What holds data besides the stateful resources: recovery points (a backup vault's key) and a bucket's objects (its
 * encryption configuration is a resource of its own).
 */
const HOLDERS_BEYOND_STATEFUL: readonly string[] = ["aws_backup_vault", "aws_s3_bucket_server_side_encryption_configuration"];

const KEY_REFERENCE = new RegExp(`\\b(${KEY_TYPES.join("|")})\\.([A-Za-z_][\\w-]*)`, "g");

/** `module.m.` for a resource of module m, "" at the root: a reference inside a module names that module's resources. */
function modulePrefix(r: TfResource): string {
  const at = r.address.lastIndexOf(`${r.type}.${r.name}`);
  return at > 0 ? r.address.slice(0, at) : "";
}

/** The keys of the stack each data holder names (by reference, in any attribute), with the holders, in stack order. */
function keysOfData(stack: TfStack, config: BlastwallConfig): Map<string, TfResource[]> {
  const holders = [...statefulResources(stack, config), ...HOLDERS_BEYOND_STATEFUL.flatMap((t) => stack.byType.get(t) ?? [])];
  const out = new Map<string, TfResource[]>();
  for (const h of holders) {
    if (h.mode !== "managed") continue;
    const named = new Set<string>();
    // Worked out at the first reference: most holders name no key.
    let prefix: string | undefined;
    for (const s of bodyStrings(h.values)) {
      if (!s.includes("${")) continue;
      for (const m of s.matchAll(KEY_REFERENCE)) named.add(`${(prefix ??= modulePrefix(h))}${m[1]}.${m[2]}`);
    }
    for (const k of named) {
      const list = out.get(k) ?? [];
      if (!list.includes(h)) list.push(h);
      out.set(k, list);
    }
  }
  return out;
}

/**
 * Once a key's deletion is scheduled, its window is all there is to notice and cancel before everything it
 * encrypts, backups included, can never be read again. ProtectedKey holds 30 days; this catches a key of data written
 * with less, or cut after construction (`deletionWindowInDays = 7` on the construct's key). A warning: KMS allows 7
 * days, agents are denied ScheduleKeyDeletion by the other rules whatever the window, and a key that encrypts no data
 * (a key of logs or a queue) is not judged at all.
 */
export const rule: Rule = {
  meta: {
    id: "key-deletion-window",
    title: "A KMS key that encrypts stateful data has a deletion window shorter than 30 days",
    why:
      "Deleting a KMS key makes everything encrypted under it unreadable for good, the data and its backups alike; KMS waits the key's " +
      "deletion window (7 to 30 days) after ScheduleKeyDeletion, and until then the deletion can be cancelled. A window cut short leaves less " +
      "time to notice the scheduled deletion of the key of a volume, database, table, file system, bucket or backup vault (or of what " +
      "blastwall.json `protected` names), for example by a compromised administrator. Judged only for keys the stack's data names; a " +
      "warning, since KMS allows 7 days and agents are denied kms:ScheduleKeyDeletion by the rules on their rights.",
    fix: "Leave `deletion_window_in_days` unset or set it to 30 (cdktf: `deletionWindowInDays: 30`; ProtectedKey does, and keeps it).",
    severity: "warning",
    category: "protection",
  },
  check({ stack, config }) {
    const out: FindingDraft[] = [];
    const keys = KEY_TYPES.flatMap((t) => stack.byType.get(t) ?? []);
    // Only keys are judged: a stack of 20,000 resources and no key has no holder's body to read for references.
    if (keys.length === 0) return out;
    const byKey = keysOfData(stack, config);
    const ownProtected = new Set(statefulResources(stack, config));
    for (const key of keys) {
      if (key.mode !== "managed") continue;
      const holders = byKey.get(withoutInstanceKeys(key.address)) ?? [];
      if (holders.length === 0 && !ownProtected.has(key)) continue;
      const v = readNumber(stack, key.values["deletion_window_in_days"]);
      if (v.state === "unset" || (v.state === "set" && v.value >= FULL_WINDOW_DAYS)) continue;
      const state = v.state === "set"
        ? `sets deletion_window_in_days = ${v.value}`
        : `sets deletion_window_in_days to \`${v.raw}\`, ${v.why}, so it may be as short as 7 days`;
      const what = holders.length > 0 ? `everything it encrypts (${holders.map((h) => h.address).join(", ")}), backups included,` : "what it encrypts";
      const days = v.state === "set" ? `${v.value} days are` : "that window is";
      const evidence: Evidence[] = [
        resourceEvidence(key, `${key.type}.deletion_window_in_days: ${v.state === "set" ? String(v.value) : v.raw}`),
        ...holders.map((h): Evidence => ({ step: "encrypts", address: h.address, detail: `${h.address} names ${key.address}` })),
      ];
      out.push(resourceFinding(key,
        `${describe(key)} ${state}: once its deletion is scheduled, ${days} all there is to notice and cancel it before ${what} can never be read again. ` +
          `Remove deletion_window_in_days or set it to ${FULL_WINDOW_DAYS}.`,
        evidence));
    }
    return out;
  },
};
