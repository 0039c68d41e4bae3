import type { Rule } from "../engine/rule";
import type { Evidence, FindingDraft } from "../engine/findings";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { blocks, isObject } from "../engine/json";
import { blocksWithDynamic, dynamicSpecs } from "../engine/reach/dynamic-blocks";
import { EVERY_ARGUMENT, SETTABLE_SAYS, settableKeys, settableOther } from "../engine/terraform/settable-providers";
import { providerKeyOf, resourceAccount, resourceRegion, sameProvider } from "../engine/terraform/providers";
import { MIN_BACKUP_RETENTION_DAYS, describe, presence, readNumber, readString, resourceEvidence, resourceFinding, unknownText, type Read } from "./protection-support";

/**
 * The shortest unlock delay that still gives time to notice an UnlockRule call and re-lock the rule: the same week
 * the constructs hold recovery points (it is also the Recycle Bin API's minimum, so a shorter one fails the apply).
 */
const MIN_UNLOCK_DELAY_DAYS = 7;

/**
 * The longest unlock delay AWS accepts. A locked rule gives two windows to notice an attack: a snapshot deleted now
 * stays in the bin for the retention period (UpdateRule and DeleteRule do not shorten what is already there), but a
 * caller of UnlockRule may delete the rule or cut its retention once the unlock delay has passed, and what is deleted
 * after that is gone at once. So the lock is the shorter way in whenever its delay is under the retention: a delay
 * under the retention (or under this, for a longer retention) is a warning of its own, the delay AWS can still lengthen.
 */
const MAX_UNLOCK_DELAY_DAYS = 30;

/** What one `aws_rbin_rule` body says about its scope, lock and retention. */
interface Reading {
  /** Why AWS cannot lock the rule (tag-level, exclusion tags), or undefined for a Region-level rule without them. */
  readonly unlockable?: string;
  /** The unlock delay of its lock_configuration; unset when it has none. */
  readonly delay: Read<number>;
  /** Its lock_configuration written as `dynamic`, which may write none, and why (then `delay` is unknown). */
  readonly dynamicLock?: DynamicLock;
  readonly retention: Read<number>;
  /** The lifecycle.ignore_changes entry that may keep the lock or scope written from being applied, as written. */
  readonly lockIgnored?: string;
}

/**
 * The arguments whose written value decides whether the rule is locked: ignored by lifecycle.ignore_changes, a rule
 * that exists unlocked (or tag-level) stays so, as Terraform never applies the lock or scope written over it.
 */
const LOCK_ARGUMENTS = ["lock_configuration", "resource_tags", "exclude_resource_tags"];

/** The ignore_changes entry (`all`, `lock_configuration`...) that covers one of `names`, as written, or undefined. */
function ignored(r: TfResource, names: readonly string[]): string | undefined {
  const v = r.lifecycle?.["ignore_changes"];
  const bare = (x: unknown) => (typeof x === "string" ? x.replace(/^\$\{\s*|\s*\}$/g, "") : undefined);
  if (bare(v) === "all") return "all";
  // A list blastwall cannot read (a reference) may name any of them: fail closed.
  if (v !== undefined && v !== null && !Array.isArray(v)) return JSON.stringify(v);
  for (const x of Array.isArray(v) ? v : []) {
    const name = bare(x);
    if (name === undefined) return JSON.stringify(x);
    if (names.includes(name.split(/[.[]/)[0])) return name;
  }
  return undefined;
}

/** A nested block that is there, or may be (a dynamic block, a value blastwall cannot read as blocks). */
function mayHave(r: TfResource, name: string): { present: boolean; unread: boolean } {
  const b = blocksWithDynamic(r.values, name);
  return { present: b.blocks.length > 0 || b.unread, unread: b.unread || b.dynamic.length > 0 };
}

function read(stack: TfStack, r: TfResource): Reading {
  const tags = mayHave(r, "resource_tags");
  const excluded = mayHave(r, "exclude_resource_tags");
  // AWS locks only Region-level rules without exclusion tags (rbin LockRule); any other lock_configuration fails the apply.
  const unlockable = tags.present
    ? `it is a tag-level rule (resource_tags${tags.unread ? " from a dynamic block blastwall counts as present" : ""}), which AWS cannot lock, and whoever may untag a snapshot (ec2:DeleteTags) also takes it out of the rule`
    : excluded.present
      ? `it has exclude_resource_tags${excluded.unread ? " (a dynamic block blastwall counts as present)" : ""}, and AWS cannot lock a rule with exclusion tags; whoever may tag a snapshot (ec2:CreateTags) also takes it out of the rule`
      : undefined;
  const dynamicLock = dynamicLockOf(r);
  const delayOf = (body: Record<string, unknown>): Read<number> => {
    const locks = blocksWithDynamic(body, "lock_configuration");
    if (locks.unread || locks.dynamic.length > 0) return { state: "unknown", raw: "dynamic \"lock_configuration\"", why: "a dynamic block blastwall does not evaluate" };
    if (locks.blocks.length === 0) return { state: "unset" };
    const delays = locks.blocks.flatMap((l) => blocksWithDynamic(l, "unlock_delay").blocks);
    return delays.length === 1 ? readNumber(stack, delays[0]["unlock_delay_value"]) : { state: "unknown", raw: JSON.stringify(locks.blocks), why: "not one unlock_delay block" };
  };
  const retentionOf = (body: Record<string, unknown>): Read<number> => {
    const periods = blocksWithDynamic(body, "retention_period").blocks;
    return periods.length === 1 ? readNumber(stack, periods[0]["retention_period_value"]) : { state: "unknown", raw: JSON.stringify(body["retention_period"] ?? null), why: "not one retention_period block" };
  };
  const delay: Read<number> = dynamicLock !== undefined ? { state: "unknown", raw: `dynamic "lock_configuration"`, why: dynamicLock.why } : settableRead(r, "lock_configuration", delayOf);
  const retention = settableRead(r, "retention_period", retentionOf);
  const kept = ignored(r, ["retention_period"]);
  const retained: Read<number> = kept !== undefined && retention.state === "set"
    ? { state: "unknown", raw: String(retention.value), why: `under lifecycle.ignore_changes (${kept}), which keeps the retention of a rule that exists from being changed to it` }
    : retention;
  return { unlockable, delay, dynamicLock, retention: retained, lockIgnored: ignored(r, LOCK_ARGUMENTS) };
}

/** A lock_configuration written through `dynamic "lock_configuration"`. */
interface DynamicLock {
  /** Its for_each as the message shows it (`for_each = ${var.locks}`). */
  readonly forEach: string;
  /** Why it may write no lock_configuration. */
  readonly why: string;
  /** The root variables its for_each names where a `--var-file` value for them makes blastwall expand it as deployed. */
  readonly givable: readonly string[];
}

/**
 * The rule's lock written as `dynamic "lock_configuration"`, which an empty for_each leaves out: Terraform JSON keeps
 * the block as written, which blastwall does not expand; the HCL reader expands it from a root variable's default and
 * keeps no dynamic block (red-team round 171a, F8), so only the reading where root variables -var may set are unknown
 * (`settableOther`) still shows it. Undefined for a lock written as a block.
 */
function dynamicLockOf(r: TfResource): DynamicLock | undefined {
  const other = settableOther(r.values);
  const here = dynamicSpecs(r.values, "lock_configuration");
  const there = other === undefined ? [] : dynamicSpecs(other, "lock_configuration");
  const expanded = here.length === 0 && other !== undefined && settableKeys(r.values).has("lock_configuration") && blocks(other["lock_configuration"]).length === 0;
  if (here.length === 0 && !expanded) return undefined;
  const forEachOf = (specs: unknown[]) => specs.map((s) => (isObject(s) ? s["for_each"] : s));
  const written = forEachOf(expanded ? there : here);
  const shown = written.length === 0 ? "its for_each" : `for_each = ${written.map((f) => `\`${typeof f === "string" ? f : JSON.stringify(f)}\``).join(", ")}`;
  // Terraform JSON marked by check: the reading with root variables blanked writes another for_each.
  const settable = expanded || (other !== undefined && JSON.stringify(written) !== JSON.stringify(forEachOf(there)));
  const vars = [...new Set(written.flatMap((f) => [...JSON.stringify(f ?? null).matchAll(/(?<![\w.])var\.([A-Za-z_][\w-]*)/g)].map((m) => `var.${m[1]}`)))];
  const why = settable
    ? `from a root variable, ${SETTABLE_SAYS} (an empty list or map writes no lock_configuration, and the rule is not locked${expanded ? "; blastwall expanded it from the variable's default" : ""})`
    : "which blastwall does not evaluate (an empty one writes no lock_configuration, and the rule is not locked)";
  return { forEach: shown, why, givable: expanded ? vars : [] };
}

/**
 * What `read` finds in `r`'s values, or, where `key` is one `-var` can set otherwise, what it finds where root
 * variables are unknown: the HCL reader reads `unlock_delay_value = var.delay` as the variable's default, and only
 * that other reading (`settableOther`) shows the variable, which then counts as not set, as in Terraform JSON.
 */
function settableRead(r: TfResource, key: string, read: (body: Record<string, unknown>) => Read<number>): Read<number> {
  const here = read(r.values);
  const other = settableOther(r.values);
  if (here.state !== "set" || other === undefined || !settableKeys(r.values).has(key)) return here;
  const there = read(other);
  if (there.state === "set" && there.value === here.value) return here;
  return there.state === "unknown" ? there : { state: "unknown", raw: String(here.value), why: `read from a root variable's default, ${SETTABLE_SAYS}` };
}

/**
 * A sound lock whose unlock delay is shorter than the rule's retention (up to the longest delay AWS takes; that
 * longest where the retention is not read): the delay it has, what it is shorter than, and the delay to write.
 */
function shortDelay(x: Reading): { delay: number; than: string; wanted: number } | undefined {
  if (!soundlyLocked(x) || x.delay.state !== "set") return undefined;
  const retention = x.retention.state === "set" ? x.retention.value : undefined;
  const wanted = Math.min(retention ?? MAX_UNLOCK_DELAY_DAYS, MAX_UNLOCK_DELAY_DAYS);
  if (x.delay.value >= wanted) return undefined;
  const than =
    retention === undefined ? `the ${MAX_UNLOCK_DELAY_DAYS} days AWS allows (its retention is not read)` : retention <= MAX_UNLOCK_DELAY_DAYS ? `its retention of ${retention} days` : `the ${MAX_UNLOCK_DELAY_DAYS} days AWS allows (its retention is ${retention} days)`;
  return { delay: x.delay.value, than, wanted };
}

/** Whether a rule's lock holds: a Region-level rule whose unlock delay is a week or more. */
function soundlyLocked(x: Reading): boolean {
  return x.unlockable === undefined && x.lockIgnored === undefined && x.delay.state === "set" && x.delay.value >= MIN_UNLOCK_DELAY_DAYS;
}

/**
 * Whether two rules certainly act in one account and region: one provider configuration and no other region of their
 * own, or two configurations (an alias) that both name the region and pin the account literally, the same.
 */
function sameRegion(stack: TfStack, a: TfResource, b: TfResource): boolean {
  const ra = resourceRegion(stack, a);
  const rb = resourceRegion(stack, b);
  if (!sameProvider(providerKeyOf(a), providerKeyOf(b))) {
    const account = resourceAccount(stack, a);
    return ra !== undefined && ra === rb && account !== undefined && account === resourceAccount(stack, b);
  }
  if (ra !== undefined && rb !== undefined) return ra === rb;
  return a.values["region"] === undefined && b.values["region"] === undefined;
}

/**
 * A sound locked rule beside `r` keeping the same resource type in the same account and region: deleting `r` then
 * leaves those resources kept by the locked one (AWS retains a resource matched by several rules under each), so
 * an unlocked tag-level rule next to RecycleBinLock is no weakness. Its longer retention, if any, is not protected.
 */
function coveredBy(stack: TfStack, r: TfResource, type: Read<string>, readings: Map<TfResource, Reading>): Cover {
  if (type.state !== "set") return {};
  let absent: string | undefined;
  for (const [other, x] of readings) {
    if (other === r || !soundlyLocked(x) || !sameRegion(stack, r, other)) continue;
    const t = readString(stack, other.values["resource_type"]);
    if (t.state !== "set" || t.value !== type.value || (x.retention.state === "set" && x.retention.value < MIN_BACKUP_RETENTION_DAYS)) continue;
    // A rule that may not exist (count = 0, an empty or unread for_each) keeps nothing: fail closed.
    const p = presence(stack, other);
    const settable = p.present ? settableExistence(other) : p.why;
    if (settable === undefined) return { by: other };
    absent ??= `${other.address}, a locked Region-level rule of the same type, would keep them, but it ${settable}`;
  }
  return { absent };
}

/**
 * Why a rule read as created may not be: its count or for_each (or the module instance holding it) follows a root
 * variable, read by its default, which -var or a tfvars file can set otherwise (Terraform JSON writes the variable,
 * the HCL reader marks what a second reading without root variables changes).
 */
function settableExistence(r: TfResource): string | undefined {
  const keys = settableKeys(r.values);
  for (const k of ["count", "for_each", "lifecycle"]) {
    const v = r.values[k];
    // What a root variable sets is marked by `markSettableByVariables` (which a `--var-file` value unmarks), as check reads a stack.
    if (keys.has(k)) return `has ${k}${typeof v === "string" ? ` = ${v}` : ""} from a root variable, ${SETTABLE_SAYS}, so it may not be created`;
  }
  if (keys.has(EVERY_ARGUMENT)) return `sits in a module instance that depends on a root variable, ${SETTABLE_SAYS}, so it may not be created`;
  return undefined;
}

/** The locked rule that keeps what `r` keeps, or why the one that would may not exist. */
interface Cover {
  readonly by?: TfResource;
  readonly absent?: string;
}

const LOCK_FIX =
  `lock_configuration { unlock_delay { unlock_delay_unit = "DAYS", unlock_delay_value = 30 } } (at least ${MIN_UNLOCK_DELAY_DAYS}; the RecycleBinLock construct makes such a rule)`;

/**
 * A Recycle Bin rule keeps deleted EBS snapshots and AMIs recoverable, but only while the rule itself stands: an
 * unlocked one is deleted or cut short by whoever holds rbin:DeleteRule or rbin:UpdateRule, and the snapshots deleted
 * afterwards are gone. The plan gate blocks such changes made through Terraform (plan-guardrail-changed); this judges
 * the rule as written. Agents holding the rbin rights are judged by the destroy-rights rules. A warning: the rule is
 * a second line behind the backups the other protection rules ask for.
 */
export const rule: Rule = {
  meta: {
    id: "recycle-bin-rule-locked",
    title: "Recycle Bin rule that anyone with rbin rights can delete or shorten",
    why:
      "A Recycle Bin rule (aws_rbin_rule) keeps deleted EBS snapshots or AMIs recoverable for its retention period. Unlocked, whoever holds " +
      "rbin:DeleteRule or rbin:UpdateRule (a compromised administrator, a broad automation role) deletes it or cuts its retention first, and " +
      "the snapshots deleted next are gone at once. A lock makes the rule unchangeable until its unlock delay has passed after an UnlockRule " +
      `call, time to notice and re-lock; AWS locks only Region-level rules without exclusion tags. A retention or unlock delay under ` +
      `${MIN_BACKUP_RETENTION_DAYS} days leaves too little time to notice. A tag-level rule beside a locked Region-level rule of the same ` +
      "resource type, account and region passes: the locked one keeps the same resources.",
    details:
      "A lock or scope under lifecycle.ignore_changes (lock_configuration, resource_tags, exclude_resource_tags, or all) may never " +
      "be applied to a rule that already exists, so it counts as no lock; a retention under it counts as not set. The locked rule " +
      "that covers a tag-level one must certainly be created: count = 0, an empty for_each, or a count or for_each that a root " +
      "variable decides (which -var can set otherwise) covers nothing. Under another provider configuration (an alias) it covers " +
      "only when both configurations name the same region and pin the same account literally. " +
      `An unlock delay AWS accepts (${MIN_UNLOCK_DELAY_DAYS} to ${MAX_UNLOCK_DELAY_DAYS} days) but shorter than the retention (or than ` +
      `${MAX_UNLOCK_DELAY_DAYS} under a longer one) is reported too: a snapshot deleted now stays in the bin for the retention (UpdateRule ` +
      "and DeleteRule do not shorten what is already there), but whoever calls UnlockRule may delete the rule once the delay has passed, and " +
      "what is deleted after that is gone at once, so the lock should leave no less time to notice than the retention does. A lock written " +
      'through a dynamic "lock_configuration" (an empty for_each leaves it out) counts as none, and an unlock delay or retention that a root ' +
      "variable sets (which -var can set otherwise) as not set; in an HCL folder, which blastwall reads with the variables' defaults, one " +
      "given with --var-file is read as given.",
    fix:
      `Make the rule Region-level (no resource_tags or exclude_resource_tags) with a retention_period of at least ${MIN_BACKUP_RETENTION_DAYS} days and ` +
      `${LOCK_FIX}; or keep a tag-level rule beside such a locked rule.`,
    severity: "warning",
    category: "protection",
  },
  check({ stack }) {
    const out: FindingDraft[] = [];
    const rules = (stack.byType.get("aws_rbin_rule") ?? []).filter((r) => r.mode === "managed");
    if (rules.length === 0) return out;
    const readings = new Map(rules.map((r) => [r, read(stack, r)] as const));
    for (const r of rules) {
      const x = readings.get(r)!;
      const type = readString(stack, r.values["resource_type"]);
      const what = type.state === "set" ? (type.value === "EC2_IMAGE" ? "deleted AMIs" : type.value === "EBS_SNAPSHOT" ? "deleted EBS snapshots" : `deleted ${type.value} resources`) : "deleted resources";
      const problems: string[] = [];
      const fixes: string[] = [];
      const evidence: Evidence[] = [];
      if (!soundlyLocked(x)) {
        const cover = coveredBy(stack, r, type, readings);
        if (cover.by !== undefined) continue;
        if (x.unlockable !== undefined) {
          problems.push(`cannot be locked: ${x.unlockable}`);
          fixes.push(`Keep ${what} in a Region-level rule (no resource_tags or exclude_resource_tags) of the same resource_type with ${LOCK_FIX}, beside this one or in its place${cover.absent !== undefined ? ", created unconditionally (no count or for_each that can make it absent)" : ""}`);
          if (cover.absent !== undefined) problems.push(`is not covered: ${cover.absent}`);
        } else if (x.lockIgnored !== undefined) {
          problems.push(`has its lock under lifecycle.ignore_changes (${x.lockIgnored}): if the rule already exists unlocked, Terraform never applies the lock written, and the rule stays unlocked`);
          fixes.push(`Take ${x.lockIgnored === "all" ? "lock_configuration, resource_tags and exclude_resource_tags" : x.lockIgnored} out of lifecycle.ignore_changes so Terraform applies the lock`);
        } else if (x.dynamicLock !== undefined) {
          const d = x.dynamicLock;
          problems.push(`writes its lock through dynamic "lock_configuration" with ${d.forEach}, ${d.why}`);
          fixes.push(
            `Write lock_configuration as a block of its own, not dynamic, with a literal unlock_delay_value of at least ${MIN_UNLOCK_DELAY_DAYS}, so no for_each can leave the lock out` +
              (d.givable.length > 0 ? `; or give ${d.givable.join(", ")} with --var-file so blastwall reads the deploy's value` : ""),
          );
        } else if (x.delay.state === "unset") {
          problems.push("has no lock_configuration");
          fixes.push(`Add ${LOCK_FIX}`);
        } else if (x.delay.state === "set") {
          problems.push(`is locked with an unlock delay of ${x.delay.value} day(s), under ${MIN_UNLOCK_DELAY_DAYS} (the Recycle Bin API refuses fewer, so the apply fails and the rule stays unlocked)`);
          fixes.push(`Set unlock_delay_value to at least ${MIN_UNLOCK_DELAY_DAYS} (30 is RecycleBinLock's default)`);
        } else {
          problems.push(`has an unlock delay of ${unknownText(x.delay)}`);
          fixes.push(`Write unlock_delay_value as a literal number of days, at least ${MIN_UNLOCK_DELAY_DAYS}`);
        }
        evidence.push({
          step: "rbin-lock",
          address: r.address,
          detail:
            x.unlockable ??
            (x.lockIgnored !== undefined
              ? `lifecycle.ignore_changes: ${x.lockIgnored}`
              : x.dynamicLock !== undefined
                ? `dynamic "lock_configuration" (${x.dynamicLock.forEach})`
                : x.delay.state === "set" ? `unlock_delay_value: ${x.delay.value}` : x.delay.state === "unset" ? "no lock_configuration" : `unlock_delay_value: ${x.delay.raw}`),
        });
      }
      const short = shortDelay(x);
      if (short !== undefined) {
        problems.push(`is locked with an unlock delay of ${short.delay} day(s), shorter than ${short.than}`);
        fixes.push(
          `Set unlock_delay_value to ${short.wanted} (the retention, up to the ${MAX_UNLOCK_DELAY_DAYS} days AWS allows; RecycleBinLock's default is 30). ` +
            "A locked rule keeps the delay it was locked with: AWS takes a new one only when the rule is locked again, after an UnlockRule and the old delay",
        );
        evidence.push({ step: "rbin-lock", address: r.address, detail: `unlock_delay_value: ${short.delay}, retention_period_value: ${x.retention.state === "set" ? x.retention.value : "not read"}` });
      }
      if (x.retention.state !== "set" || x.retention.value < MIN_BACKUP_RETENTION_DAYS) {
        problems.push(
          x.retention.state === "set"
            ? `keeps ${what} only ${x.retention.value} day(s), under the ${MIN_BACKUP_RETENTION_DAYS} days blastwall's constructs keep them`
            : `has a retention of ${x.retention.state === "unknown" ? unknownText(x.retention) : "nothing blastwall can read"}`,
        );
        fixes.push(`Set retention_period { retention_period_value } to at least ${MIN_BACKUP_RETENTION_DAYS} (RecycleBinLock keeps 30 days)`);
        evidence.push({ step: "rbin-retention", address: r.address, detail: `retention_period_value: ${x.retention.state === "set" ? x.retention.value : x.retention.state === "unknown" ? x.retention.raw : "not set"}` });
      }
      if (problems.length === 0) continue;
      const exposed = !soundlyLocked(x)
        ? `: whoever holds rbin:DeleteRule or rbin:UpdateRule can delete it or cut its retention, and ${what} after that are gone for good`
        : short !== undefined
          ? `: whoever holds rbin:UnlockRule can delete the rule or cut its retention ${short.delay} day(s) after unlocking it, and ${what} after that are gone for good, so the lock leaves less time to notice and re-lock than the retention does`
          : `: ${what} are gone before a deletion is likely to be noticed`;
      out.push(resourceFinding(r, `${describe(r)} ${problems.join("; it also ")}${exposed}. ${fixes.join(". ")}.`, [resourceEvidence(r, `Recycle Bin rule for ${what}`), ...evidence]));
    }
    return out;
  },
};
