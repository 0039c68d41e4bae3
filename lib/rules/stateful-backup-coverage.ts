import type { Rule } from "../engine/rule";
import type { Evidence, FindingDraft } from "../engine/findings";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { globCovers, globMatch, globsIntersect } from "../engine/iam/glob";
import { attributePattern, hasInterpolation, refTarget, resolveToPattern } from "../engine/terraform/tokens";
import {
  blocks,
  describe,
  isReadReplica,
  literalTags,
  readNumber,
  readString,
  refersTo,
  resourceEvidence,
  resourceFinding,
  statefulResources,
  STATEFUL_TYPES,
  protectedEvidence,
  configProtectionOf,
  backupImpossible,
  BACKUP_COVERS,
  presence,
  presenceFix,
} from "./protection-support";
import type { BlastwallConfig } from "../engine/config-types";
import type { PrincipalIndex } from "../engine/reach/principal-index";
import { roleIndex, s3BackupRole, S3_BACKUP_POLICY, type S3BackupCheck } from "./s3-backup-support";
import { bucketVersioning } from "./s3-bucket-versioning";
import { idlePlan, MAX_RUN_GAP_DAYS, planOf, type IdlePlan } from "./backup-schedule";

/**
 * Is every stateful resource in some `aws_backup_selection`? A selection covers a resource when all of its
 * criteria certainly hold:
 * - `resources`: a reference to the resource's `arn`, or an ARN pattern that covers every ARN the resource can
 *   have (region and account are the selection's own, so those parts are ignored);
 * - `selection_tag`: one of them matches a literal tag of the resource (provider `default_tags` included);
 * - `condition`: every condition holds on the literal tags;
 * - no `not_resources` entry may match it.
 * When a selection gives both `resources` and `selection_tag`, both must hold (the narrower reading). An S3
 * bucket with a compliance-mode Object Lock default retention counts as protected without a backup: its object
 * versions cannot be deleted by anyone until they expire. Any other S3 bucket is covered only where AWS Backup can
 * back it up at all: its versioning certainly Enabled and the selection's role certainly reading its objects
 * (s3-backup-support.ts); else every backup job of it fails (red-team round 113). A selection of a plan of the stack
 * none of whose rules runs at least monthly (backup-schedule.ts) covers nothing (red-team round 175, F1).
 */

interface Verdict {
  readonly covered: boolean;
  /** Why not, when it almost did (shown in the evidence). */
  readonly note?: string;
}

function normaliseArnPattern(p: string): string {
  const parts = p.split(":");
  if (parts[0] !== "arn" || parts.length < 6) return p;
  // A selection only ever selects resources of its own account and region.
  parts[3] = "*";
  parts[4] = "*";
  return parts.join(":");
}

function stringList(v: unknown): { list: unknown[] } | { token: string } | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return { list: v };
  if (typeof v === "string") return { token: v };
  return undefined;
}

function entryCovers(stack: TfStack, entry: unknown, r: TfResource, arn: string): boolean {
  if (typeof entry !== "string") return false;
  if (refersTo(entry, r.address, ["arn"])) return true;
  const ref = refTarget(entry);
  if (ref && ref.kind !== "local") return false; // a reference to something else
  const p = resolveToPattern(stack, entry);
  return globCovers(normaliseArnPattern(p.pattern), arn);
}

function entryMayMatch(stack: TfStack, entry: unknown, r: TfResource, arn: string): boolean {
  if (typeof entry !== "string") return true;
  if (refersTo(entry, r.address, ["arn", "id"])) return true;
  const ref = refTarget(entry);
  if (ref && (ref.kind === "resource" || ref.kind === "data") && ref.address !== r.address) return false;
  const p = resolveToPattern(stack, entry);
  return globsIntersect(normaliseArnPattern(p.pattern), arn);
}

const CONDITION_OPS: Record<string, (actual: string | undefined, expected: string) => boolean> = {
  string_equals: (a, e) => a === e,
  string_like: (a, e) => a !== undefined && globMatch(e, a),
  string_not_equals: (a, e) => a !== undefined && a !== e,
  string_not_like: (a, e) => a !== undefined && !globMatch(e, a),
};

function selects(stack: TfStack, sel: TfResource, r: TfResource, arn: string, tags: Record<string, string>): Verdict {
  const resources = stringList(sel.values["resources"]);
  const tagBlocks = blocks(sel.values["selection_tag"]);
  if (resources === undefined && tagBlocks.length === 0) return { covered: false, note: "selects by neither resources nor selection_tag" };
  if (resources && "token" in resources) return { covered: false, note: `resources is \`${resources.token}\`, which blastwall cannot evaluate` };
  if (resources && !resources.list.some((e) => entryCovers(stack, e, r, arn))) return { covered: false };

  if (tagBlocks.length > 0) {
    const hit = tagBlocks.some((t) => {
      const type = readString(stack, t["type"]);
      const key = readString(stack, t["key"]);
      const value = readString(stack, t["value"]);
      return type.state === "set" && type.value.toUpperCase() === "STRINGEQUALS" && key.state === "set" && value.state === "set" && tags[key.value] === value.value;
    });
    if (!hit) return { covered: false, note: `no selection_tag matches the literal tags of ${r.address}` };
  }

  for (const c of blocks(sel.values["condition"])) {
    for (const [op, test] of Object.entries(CONDITION_OPS)) {
      for (const cond of blocks(c[op])) {
        const key = readString(stack, cond["key"]);
        const value = readString(stack, cond["value"]);
        if (key.state !== "set" || value.state !== "set") return { covered: false, note: `a condition of ${sel.address} cannot be evaluated` };
        const tagKey = key.value.replace(/^aws:ResourceTag\//, "");
        if (!test(tags[tagKey], value.value)) return { covered: false, note: `condition ${op} ${key.value} does not hold for ${r.address}` };
      }
    }
  }

  const not = stringList(sel.values["not_resources"]);
  if (not && "token" in not) return { covered: false, note: `not_resources is \`${not.token}\`, which may exclude ${r.address}` };
  if (not && not.list.some((e) => entryMayMatch(stack, e, r, arn))) return { covered: false, note: `not_resources may exclude ${r.address}` };
  return { covered: true };
}

/** What a bucket's Object Lock configurations say, where they do not make it protected: for the evidence and the message. */
interface LockNotes {
  readonly evidence: Evidence[];
  /** A lock that keeps versions, but not in COMPLIANCE mode (or not in a mode blastwall reads): `aws_s3_..l keeps ... in GOVERNANCE mode`. */
  readonly weaker: string[];
}

/**
 * The compliance-mode default retention of a bucket's Object Lock, when one is literally configured. A lock
 * configuration that may not be created keeps nothing: it is left out, and `notes` says why (for the evidence). So is
 * one in GOVERNANCE mode, which whoever holds s3:BypassGovernanceRetention lifts (red-team round 175, F3: the bucket
 * was reported as lacking a backup selection, with no word of its lock), or in a mode blastwall cannot read.
 */
function complianceLock(stack: TfStack, bucket: TfResource, notes?: LockNotes): string | undefined {
  const name = readString(stack, bucket.values["bucket"]);
  const weakerNote = (where: string, address: string, note: { length: string; mode: string }) => {
    const what =
      note.mode === "GOVERNANCE"
        ? `keeps every object version ${note.length} in GOVERNANCE mode, which whoever holds s3:BypassGovernanceRetention lifts (only COMPLIANCE mode counts as protected without a backup)`
        : `keeps every object version ${note.length} in mode ${note.mode}, which blastwall does not read as COMPLIANCE (only COMPLIANCE mode counts as protected without a backup)`;
    notes?.weaker.push(`${where} ${what}`);
    notes?.evidence.push({ step: "object-lock", address, detail: where === address ? what : `${where} ${what}` });
  };
  type Retention = { length: string; mode: string; compliance: boolean };
  const retentionOf = (rule: unknown): Retention | undefined => {
    let weaker: Retention | undefined;
    for (const rb of blocks(rule)) {
      for (const dr of blocks(rb["default_retention"])) {
        const mode = readString(stack, dr["mode"]);
        const days = readNumber(stack, dr["days"]);
        const years = readNumber(stack, dr["years"]);
        const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
        const length = days.state === "set" && days.value > 0 ? plural(days.value, "day") : years.state === "set" && years.value > 0 ? plural(years.value, "year") : undefined;
        if (!length) continue;
        if (mode.state === "set" && mode.value.toUpperCase() === "COMPLIANCE") return { length, mode: "COMPLIANCE", compliance: true };
        weaker ??= { length, mode: mode.state === "set" ? mode.value.toUpperCase() : mode.state === "unknown" ? `\`${mode.raw}\` (${mode.why})` : "not set", compliance: false };
      }
    }
    return weaker;
  };
  for (const lock of stack.byType.get("aws_s3_bucket_object_lock_configuration") ?? []) {
    const target = lock.values["bucket"];
    const same = refersTo(target, bucket.address, ["id", "bucket"]) || (name.state === "set" && typeof target === "string" && !hasInterpolation(target) && target === name.value);
    if (!same) continue;
    const retention = retentionOf(lock.values["rule"]);
    if (!retention) continue;
    if (!retention.compliance) {
      weakerNote(lock.address, lock.address, retention);
      continue;
    }
    const p = presence(stack, lock);
    if (p.present) return `${lock.address} keeps every object version ${retention.length} in COMPLIANCE mode`;
    notes?.evidence.push({ step: "object-lock", address: lock.address, detail: `would keep every object version ${retention.length} in COMPLIANCE mode, but ${p.why}` });
  }
  for (const inline of blocks(bucket.values["object_lock_configuration"])) {
    const retention = retentionOf(inline["rule"]);
    if (retention?.compliance) return `its object_lock_configuration keeps every object version ${retention.length} in COMPLIANCE mode`;
    if (retention) weakerNote("its object_lock_configuration", bucket.address, retention);
  }
  return undefined;
}

/**
 * A config-protected resource of a type blastwall does not know AWS Backup's support for: no selection can be
 * shown to cover it, so it counts as not covered (fail closed), and the message says why and what to do.
 */
function unknownTypeFinding(r: TfResource, config: BlastwallConfig | undefined): FindingDraft {
  return resourceFinding(
    r,
    `${describe(r)} is protected by the config (${configProtectionOf(r, config)}), and blastwall does not know whether AWS Backup can back up ${r.type}, so it cannot ` +
      `tell whether any backup selection covers it: it counts as having no copy outside the account. If AWS Backup supports ${r.type}, ` +
      `select it in a backup plan that copies to another account (resources = [${r.address}.arn]); otherwise keep a copy another way ` +
      `(its service's own snapshots, copied to another account). Then acknowledge this finding with that reason.`,
    [resourceEvidence(r, `${r.type}: AWS Backup support not known to blastwall`), ...protectedEvidence(r, config)],
  );
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** A bucket that selections select, none of which AWS Backup can run: what each lacks, and what to do. */
function s3BackupFails(r: TfResource, failing: readonly { sel: TfResource; check: { why: string; fix: string } }[]): string {
  const each = failing.map((f) => `${f.sel.address}: ${f.check.why}`).join("; ");
  const fixes = [...new Set(failing.map((f) => f.check.fix))].join(". ");
  return (
    `${describe(r)} is selected for backup, but AWS Backup cannot back it up (${each}). Every backup job of it fails, ` +
    `on every run of the plan, so there is no recovery point of it and no copy outside the account, while the selection looks complete. ` +
    `${fixes}.`
  );
}

/** A resource that selections select, none of whose plans runs often enough: which rules, why, and what to do. */
function idleFinding(r: TfResource, idle: readonly { sel: TfResource; plan: IdlePlan }[]): string {
  const [first] = idle;
  const plans = [...new Map(idle.map((i) => [i.plan.plan.address, i.plan])).values()];
  const why = plans.map((p) => `${p.plan.address}: ${p.rules.map((x) => `${x.name}: ${x.why}`).join("; ")}`).join("; ");
  const fixes = plans.map((p) => `In ${p.plan.address}, ${[...new Set(p.rules.map((x) => x.fix))].join("; or ")}`).join(". ");
  return (
    `${describe(r)} is selected for backup by ${first.sel.address}${idle.length > 1 ? ` (and ${idle.length - 1} other selection(s))` : ""}, but no rule of its plan ` +
    `is shown to make a recovery point at least every ${MAX_RUN_GAP_DAYS} days (${why}). So it has no recent recovery point and no recent copy ` +
    `outside the account, while the selection looks complete. ${fixes} (a rule with no schedule runs daily at 05:00 UTC, AWS Backup's default).`
  );
}

export const rule: Rule = {
  meta: {
    id: "stateful-backup-coverage",
    title: "Stateful resource not covered by an AWS Backup selection",
    why:
      "Deletion protection and prevent_destroy stop a delete only until someone turns protection off or deletes outside " +
        "Terraform; a backup kept apart from the resource is what brings the data back then. A resource no AWS Backup selection " +
        "covers has none: whoever can delete it, and its own snapshots, can destroy its data for good.",
    details:
      "Deletion protection and prevent_destroy stop mistakes inside Terraform and one API; a backup outside the resource is " +
        "what brings data back after everything else failed. A resource that no backup selection covers has no such copy. " +
        "Resources blastwall.json `protected` names are judged too where AWS Backup can back up their type (built-in types it cannot " +
        "back up, such as MemoryDB, OpenSearch, Kinesis (Video too), Keyspaces, Neptune Analytics, Lightsail, S3 Tables, Glacier, " +
        "Cognito user pools and Lustre scratch file systems, are asked for none); one whose type blastwall does not know AWS Backup's " +
        "support for counts as not covered. An S3 bucket counts as covered only where AWS Backup can back it up: its versioning " +
        "Enabled and the selection's role reading its objects (AWSBackupServiceRolePolicyForS3Backup); without them every backup job " +
        "of it fails and it never gets a recovery point. A selection of a plan of the stack counts only where some rule of the plan " +
        `runs at least every ${MAX_RUN_GAP_DAYS} days (about monthly): a schedule that never fires (no matching date, a year field of ` +
        "past or future years), a yearly one, or one blastwall cannot read (a variable -var can set, an expression, a dynamic rule, " +
        "a rate(...) form) makes it cover nothing. A rule without a schedule runs daily at 05:00 UTC, AWS Backup's default. " +
        "An S3 Object Lock in GOVERNANCE mode does not count as protection (s3:BypassGovernanceRetention lifts it): the finding says so and offers " +
        "COMPLIANCE mode as the fix.",
    fix:
      "Add the resource to an `aws_backup_selection` (by `resources = [<resource>.arn]` or a `selection_tag` it carries) of a plan " +
      "that copies to another account, or use ProtectedVolume / ProtectedDatabase, which do. For an S3 bucket, also turn its versioning " +
      "on (`aws_s3_bucket_versioning` with status `Enabled`) and give the selection a role of the stack with " +
      "`AWSBackupServiceRolePolicyForS3Backup` attached (OffsiteBackupPlan.protect does both checks and attaches it).",
    severity: "error",
    category: "protection",
  },
  check({ stack, analysis, config }) {
    const out: FindingDraft[] = [];
    let roles: PrincipalIndex | undefined;
    // Each plan's rules are read once, whichever resources its selections select.
    const idleOf = new Map<TfResource, IdlePlan | undefined>();
    const idleFor = (sel: TfResource): IdlePlan | undefined => {
      const plan = planOf(stack, sel);
      if (plan === undefined) return undefined;
      if (!idleOf.has(plan)) idleOf.set(plan, idlePlan(stack, plan));
      return idleOf.get(plan);
    };
    const selections: TfResource[] = [];
    // Selections Terraform may not create cover nothing; the finding of a resource one of them selects says so.
    const absent: { sel: TfResource; why: string }[] = [];
    for (const s of stack.byType.get("aws_backup_selection") ?? []) {
      if (s.mode !== "managed") continue;
      const p = presence(stack, s);
      if (p.present) selections.push(s);
      else absent.push({ sel: s, why: p.why });
    }
    for (const r of statefulResources(stack, config)) {
      if (isReadReplica(r)) continue;
      const lockNotes: LockNotes = { evidence: [], weaker: [] };
      if (r.type === "aws_s3_bucket" && complianceLock(stack, r, lockNotes)) continue;
      const builtIn = (STATEFUL_TYPES as readonly string[]).includes(r.type);
      // A type AWS Backup cannot back up (a built-in one too: a DocumentDB elastic cluster, a Lustre scratch file
      // system) is asked for no selection.
      if (backupImpossible(stack, r)) continue;
      // Only an entry naming the resource or its type exactly reaches here: a module prefix or a glob judges
      // the known types alone (statefulResources), so a security group in a protected module asks for nothing.
      if (!builtIn && !BACKUP_COVERS.has(r.type)) {
        out.push(unknownTypeFinding(r, config));
        continue;
      }
      const arn = attributePattern(stack, r, "arn").pattern;
      const notes: Evidence[] = [...lockNotes.evidence];
      // Without the ARN's form only a reference to this resource, a tag, or `*` can be seen to select it.
      if (arn === "*") notes.push({ step: "arn", address: r.address, detail: `blastwall does not know the ARN form of ${r.type}: an ARN pattern in resources is not read as covering it; select it by reference (${r.address}.arn) or by a tag` });
      let covered = false;
      // Tags only matter to a selection; a stack without any need not read them.
      const tags = selections.length + absent.length > 0 ? literalTags(stack, r) : {};
      // What an S3 backup needs, asked only of a bucket some selection selects.
      let versioning: S3BackupCheck | undefined;
      const failing: { sel: TfResource; check: { why: string; fix: string } }[] = [];
      const idle: { sel: TfResource; plan: IdlePlan }[] = [];
      for (const sel of selections) {
        const v = selects(stack, sel, r, arn, tags);
        const plan = v.covered ? idleFor(sel) : undefined;
        if (plan !== undefined) {
          idle.push({ sel, plan });
          notes.push({ step: "backup-schedule", address: plan.plan.address, detail: `${sel.address} selects it, but no rule of this plan runs at least every ${MAX_RUN_GAP_DAYS} days: ${plan.rules.map((x) => `${x.name}: ${x.why}`).join("; ")}` });
          continue;
        }
        if (v.covered && r.type === "aws_s3_bucket") {
          versioning ??= bucketVersioning(stack, r);
          roles ??= roleIndex(stack, analysis);
          const role = s3BackupRole(stack, analysis, roles, sel, r, arn);
          const problem = !versioning.ok ? versioning : !role.ok ? role : undefined;
          if (problem) {
            failing.push({ sel, check: problem });
            notes.push({ step: "backup-selection", address: sel.address, detail: `selects it, but AWS Backup cannot back it up: ${problem.why}` });
            continue;
          }
        }
        if (v.covered) {
          covered = true;
          break;
        }
        if (v.note) notes.push({ step: "backup-selection", address: sel.address, detail: v.note });
      }
      if (covered) continue;
      if (failing.length > 0) {
        out.push(resourceFinding(r, s3BackupFails(r, failing), [resourceEvidence(r, `${r.type} with ARN ${arn}`), ...notes, ...protectedEvidence(r, config)]));
        continue;
      }
      if (idle.length > 0) {
        out.push(resourceFinding(r, idleFinding(r, idle), [resourceEvidence(r, `${r.type} with ARN ${arn}`), ...notes, ...protectedEvidence(r, config)]));
        continue;
      }
      // A selection that would select it but may not be created: the likeliest reason it looked covered.
      const unmade = absent.filter((a) => selects(stack, a.sel, r, arn, tags).covered);
      for (const a of unmade) notes.push({ step: "backup-selection", address: a.sel.address, detail: `selects it, but ${a.why}` });
      const why =
        unmade.length > 0 ? `the backup selection ${unmade[0].sel.address}, which selects it, ${unmade[0].why}`
        : selections.length === 0 ? "the stack has no aws_backup_selection" + (absent.length > 0 ? " that is certainly created" : "")
        : `none of the ${selections.length} aws_backup_selection(s) certainly selects it`;
      // A bucket AWS Backup could not back up even once selected: say so now, not after the next fix.
      const unversioned = r.type === "aws_s3_bucket" ? bucketVersioning(stack, r) : undefined;
      out.push(
        resourceFinding(
          r,
          `${describe(r)} is not covered by any AWS Backup selection (${why})` +
            (lockNotes.weaker.length > 0 ? `, and its Object Lock does not protect it instead: ${lockNotes.weaker.join("; ")}` : "") +
            `: no copy of it is kept outside the account, where whoever can delete it (or its own snapshots and recovery window) cannot reach. ` +
            (lockNotes.weaker.length > 0
              ? `Switch its Object Lock's default_retention to mode = "COMPLIANCE", which nobody can lift or shorten on the versions it locks (it applies to versions written from then on; those already written keep their GOVERNANCE retention), or `
              : "") +
            (unmade.length > 0 ? `${presenceFix(unmade[0].sel)}, or select` : lockNotes.weaker.length > 0 ? "select" : "Select") +
            ` it in a backup plan that copies to another account (resources = [${r.address}.arn])` +
            (unversioned && !unversioned.ok ? `, and turn its versioning on, which AWS Backup needs for S3 (${unversioned.why}): ${lowerFirst(unversioned.fix)}.` : ".") +
            (r.type === "aws_s3_bucket" ? ` The selection's role needs ${S3_BACKUP_POLICY} attached (OffsiteBackupPlan.protect attaches it).` : ""),
          [resourceEvidence(r, `${r.type} with ARN ${arn}`), ...notes, ...protectedEvidence(r, config)],
        ),
      );
    }
    return out;
  },
};
