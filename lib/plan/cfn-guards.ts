/**
 * Protection written in a CloudFormation template, and how to tell when an update of the stack weakens it in place:
 * CloudFormation applies such a change as an update the plan shows only as a new template or new parameters
 * (red-team rounds 59 and 60). Each setting is read as CloudFormation will read it, with the stack's parameters,
 * the template's Defaults, Conditions and Mappings of each side (see cfn-evaluate.ts); a setting that depends on
 * what changed and cannot be evaluated counts.
 */
import { evaluate, fingerprint, hasDeploy, hasUnknown, type Scope, Unknown } from "./cfn-evaluate";
import { isObject } from "./values";

/**
 * How a template property keeps data:
 * - `off`: a switch that protects while on (`isOn`; `unset` is the service default, "unknown" when it is not known:
 *   then a switch set before counts when it goes, and one set after counts as set);
 * - `on`: a switch that deletes data while on;
 * - `lowered`: a count whose lowering deletes what is older (`unset`: the service default, Infinity for forever,
 *   "unknown" when not known; `forever`: the value that keeps data forever);
 * - `expiry`: lifecycle rules that expire objects (any new or changed rule that expires counts);
 * - `changed`: guardrail content (a policy, a lock, a plan): any change counts, since whether it is weaker cannot be
 *   told.
 */
export type GuardKind = "off" | "on" | "lowered" | "expiry" | "changed";

export interface TemplateGuard {
  readonly type: string;
  /**
   * The property, by path: `A.B` walks objects (a list on the way is walked item by item), `A[Key]` a list whose items
   * are told apart by their `Key` (a global table's Replicas by Region), `A[Key=value]` the item whose Key is value.
   */
  readonly path: string;
  readonly kind: GuardKind;
  readonly unset?: boolean | number | "unknown";
  readonly forever?: number;
  readonly isOn?: (v: unknown) => boolean;
  /** How the change is named in the message, when not by its kind ("switched off" for a status). */
  readonly verb?: string;
  /** What the weakening does, for the message. */
  readonly effect: string;
  /** The entries of the Terraform rules this setting stands for (`rule-id entry`); see TWIN_EXEMPTIONS. */
  readonly twins: readonly string[];
}

const ENABLED = (v: unknown) => typeof v === "string" && v.trim().toLowerCase() === "enabled";

/** The settings, per CloudFormation type, that keep a data store or guard it. */
export const TEMPLATE_GUARDS: readonly TemplateGuard[] = [
  ...["AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::DocDB::DBCluster", "AWS::Neptune::DBCluster"].flatMap((type): TemplateGuard[] => [
    { type, path: "DeletionProtection", kind: "off", unset: false, effect: "a delete of the database is no longer refused", twins: ["plan-deletion-protection-off deletion_protection"] },
    { type, path: "BackupRetentionPeriod", kind: "lowered", unset: 1, effect: "the automated backups older than the new period are deleted at once, and 0 turns automated backups off", twins: ["plan-backup-retention-lowered backup_retention_period"] },
  ]),
  { type: "AWS::DynamoDB::Table", path: "DeletionProtectionEnabled", kind: "off", unset: false, effect: "a delete of the table is no longer refused", twins: ["plan-deletion-protection-off deletion_protection_enabled"] },
  { type: "AWS::DynamoDB::Table", path: "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled", kind: "off", unset: false, effect: "the table can no longer be restored to a point in time", twins: ["plan-backup-retention-lowered aws_dynamodb_table"] },
  { type: "AWS::DynamoDB::Table", path: "PointInTimeRecoverySpecification.RecoveryPeriodInDays", kind: "lowered", unset: 35, effect: "the table can be restored less far back", twins: ["plan-guardrail-changed aws_dynamodb_table"] },
  { type: "AWS::DynamoDB::Table", path: "TimeToLiveSpecification.Enabled", kind: "on", unset: false, effect: "DynamoDB deletes every item whose TTL attribute holds a past time, by itself", twins: ["plan-guardrail-changed aws_dynamodb_table"] },
  { type: "AWS::S3::Bucket", path: "VersioningConfiguration.Status", kind: "off", unset: false, isOn: ENABLED, verb: "switched off", effect: "overwritten and deleted objects are no longer kept", twins: [] },
  { type: "AWS::S3::Bucket", path: "LifecycleConfiguration", kind: "expiry", effect: "S3 deletes the objects or versions it expires, by itself", twins: ["plan-guardrail-changed aws_s3_bucket_lifecycle_configuration", "plan-guardrail-changed aws_s3_bucket"] },
  { type: "AWS::Logs::LogGroup", path: "RetentionInDays", kind: "lowered", unset: Infinity, effect: "CloudWatch Logs deletes the log events older than the new retention", twins: ["plan-backup-retention-lowered aws_cloudwatch_log_group"] },
  { type: "AWS::Kinesis::Stream", path: "RetentionPeriodHours", kind: "lowered", unset: 24, effect: "Kinesis deletes the records older than the new period at once", twins: ["plan-backup-retention-lowered aws_kinesis_stream"] },
  { type: "AWS::SQS::Queue", path: "MessageRetentionPeriod", kind: "lowered", unset: 345600, effect: "SQS deletes the messages older than the new period", twins: ["plan-backup-retention-lowered aws_sqs_queue"] },
  { type: "AWS::KMS::Key", path: "PendingWindowInDays", kind: "lowered", unset: 30, effect: "a scheduled deletion of the key, after which all it encrypted is unreadable, comes sooner", twins: [] },
  { type: "AWS::KMS::Key", path: "Enabled", kind: "off", unset: true, effect: "everything encrypted under the key is unreadable while it is disabled", twins: ["plan-guardrail-changed aws_kms_key"] },
  { type: "AWS::EFS::FileSystem", path: "BackupPolicy.Status", kind: "off", unset: false, isOn: ENABLED, verb: "switched off", effect: "AWS Backup no longer backs up the file system", twins: ["plan-guardrail-changed aws_efs_backup_policy"] },
];

/** The guards of each type. */
const BY_TYPE: ReadonlyMap<string, readonly TemplateGuard[]> = TEMPLATE_GUARDS.reduce((m, g) => m.set(g.type, [...(m.get(g.type) ?? []), g]), new Map<string, TemplateGuard[]>());

/** The top-level properties the guards read, for a template blastwall cannot read. */
export const GUARDED_PROPERTIES: readonly string[] = [...new Set(TEMPLATE_GUARDS.map((g) => g.path.split(/[.[]/)[0]))];

/** One weakened setting: the sentence for the finding, and what to do to restore it (an imperative, for its fix). */
export interface Weakened {
  readonly sentence: string;
  readonly restore: string;
}

interface Resource {
  readonly Type?: unknown;
  readonly Properties?: unknown;
}

/**
 * The protection the resources of both templates (same logical id, same type) keep before and not after, each side
 * read with its own scope.
 */
export function guardsWeakened(old: Readonly<Record<string, Resource>>, now: Readonly<Record<string, Resource>>, before: Scope, after: Scope): Weakened[] {
  const out: Weakened[] = [];
  for (const [id, r] of Object.entries(old)) {
    const next = now[id];
    if (next === undefined || typeof r.Type !== "string" || next.Type !== r.Type) continue;
    for (const g of BY_TYPE.get(r.Type) ?? []) out.push(...weakenedBy(g, id, r, next, before, after));
  }
  return out;
}

function weakenedBy(g: TemplateGuard, id: string, r: Resource, next: Resource, before: Scope, after: Scope): Weakened[] {
  const top = g.path.split(/[.[]/)[0];
  const raw = (x: Resource) => (isObject(x.Properties) ? x.Properties[top] : undefined);
  const a = evaluate(raw(r), before);
  const b = evaluate(raw(next), after);
  const where = `${id} (${g.type})`;
  // Written with a parameter, a condition or a mapping, the values shown are as CloudFormation will read them.
  const computed = [raw(r), raw(next)].some((x) => /"(Ref|Fn::[A-Za-z]+)"/.test(JSON.stringify(x ?? null))) ? " (as computed from the stack's parameters, conditions and mappings)" : "";
  if (g.kind === "expiry") return expiring(g, where, id, a, b);
  const was = leaves(a, g.path);
  const now = leaves(b, g.path);
  const out: Weakened[] = [];
  for (const label of new Set([...was.keys(), ...now.keys()])) {
    const x = valueAt(was, label);
    const y = valueAt(now, label);
    if (fingerprint(x) === fingerprint(y) && !hasDeploy(x) && !hasDeploy(y)) continue;
    if (hasUnknown(x) || hasUnknown(y)) {
      const why = hasDeploy(x) || hasDeploy(y) ? "a value CloudFormation reads anew at this update (SSM Parameter Store, a dynamic reference), which may have changed" : "parameters, conditions or other values that changed, which blastwall cannot evaluate";
      out.push({
        sentence: `${where} ${label} ${shown(x)} → ${shown(y)}: computed in the template from ${why}, so it may be weakened (${g.effect})`,
        restore: `set ${id}.${label}, and the parameters, Defaults or conditions it is computed from, back to what they were`,
      });
      // One computed sentence per setting: the rest of its values come from the same inputs.
      break;
    }
    if (weakens(g, x, y)) out.push({ sentence: `${where} ${label} ${shown(x)} → ${shown(y)}${computed}: ${g.verb ?? VERB[g.kind]} (${g.effect})`, restore: `set ${id}.${label} back to ${shown(x)}` });
  }
  return out;
}

const VERB: Readonly<Record<GuardKind, string>> = {
  off: "the protection is switched off",
  on: "it now deletes data on its own",
  lowered: "lowered",
  expiry: "a new or changed rule expires objects or versions",
  changed: "the guardrail is changed, and whether it is weaker cannot be told",
};

function weakens(g: TemplateGuard, x: unknown, y: unknown): boolean {
  const unset = g.unset;
  if (g.kind === "changed") return true;
  if (g.kind === "off" || g.kind === "on") {
    const on = g.isOn ?? ((v: unknown) => v === true || (typeof v === "string" && /^\s*(true|enabled|active)\s*$/i.test(v)));
    // An unknown default: a switch that protects counts as on before and off after; one that deletes, the reverse.
    const before = x === undefined ? (unset === "unknown" ? g.kind === "off" : unset === true) : on(x);
    const after = y === undefined ? (unset === "unknown" ? g.kind === "on" : unset === true) : on(y);
    return g.kind === "off" ? before && !after : !before && after;
  }
  // lowered
  const amount = (v: unknown, side: "before" | "after"): number => {
    if (v === undefined) return unset === "unknown" || unset === undefined ? (side === "before" ? NaN : -Infinity) : Number(unset);
    const n = typeof v === "number" ? v : typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
    return g.forever !== undefined && n === g.forever ? Infinity : n;
  };
  const was = amount(x, "before");
  const now = amount(y, "after");
  // Unset before with no known default: nothing known to lower.
  if (x === undefined && Number.isNaN(was)) return false;
  return Number.isNaN(was) || Number.isNaN(now) || now < was;
}

/** A lifecycle configuration's rules that are new or changed and expire objects or versions (a rule not Disabled). */
function expiring(g: TemplateGuard, where: string, id: string, a: unknown, b: unknown): Weakened[] {
  const rules = (lc: unknown) => {
    if (lc === undefined || lc === null) return [];
    const list = isObject(lc) && Array.isArray(lc.Rules) ? lc.Rules : [lc];
    return list.map((x) => ({ text: fingerprint(x), deploy: hasDeploy(x), value: x }));
  };
  const old = new Set(rules(a).map((x) => x.text));
  const out: Weakened[] = [];
  for (const rule of rules(b)) {
    if (old.has(rule.text) && !rule.deploy) continue;
    const v = rule.value;
    const disabled = isObject(v) && typeof v.Status === "string" && v.Status.trim().toLowerCase() === "disabled";
    if (disabled || !(hasUnknown(v) || /Expiration/.test(rule.text))) continue;
    const text = rule.text.length > 160 ? `${rule.text.slice(0, 160)}…` : rule.text;
    out.push({
      sentence: `${where} ${g.path}: ${VERB.expiry} (${text})${hasUnknown(v) ? ", or may: it is computed in the template" : ""}, and ${g.effect}`,
      restore: `remove the new expiration rule from ${id}.${g.path}, or restore the rule it replaced`,
    });
  }
  return out;
}

/** A path's values in an evaluated property, by label (`Replicas[Region=eu-west-1].DeletionProtectionEnabled`). */
function leaves(v: unknown, path: string): Map<string, unknown> {
  const segments = [...path.matchAll(/([^.[\]]+)(?:\[([^=\]]+)(?:=([^\]]*))?\])?/g)].map((m) => ({ name: m[1], key: m[2] as string | undefined, equals: m[3] as string | undefined }));
  const out = new Map<string, unknown>();
  const join = (...parts: string[]) => parts.filter((p) => p !== "").join(".");
  const rest = (i: number) => join(...segments.slice(i).map((s) => `${s.name}${s.key ? `[${s.key}${s.equals !== undefined ? `=${s.equals}` : ""}]` : ""}`));
  const walk = (x: unknown, i: number, prefix: string): void => {
    if (x instanceof Unknown || i === segments.length) {
      out.set(prefix, x);
      return;
    }
    // A list on the way, with no key to tell its items apart: item by item.
    if (Array.isArray(x)) {
      x.forEach((item, n) => walk(item, i, `${prefix}[${n}]`));
      return;
    }
    const s = segments[i];
    const here = join(prefix, s.name);
    const value = isObject(x) ? x[s.name] : undefined;
    if (value instanceof Unknown) {
      out.set(here, value);
      return;
    }
    if (s.key === undefined) {
      if (value === undefined || value === null) out.set(join(here, rest(i + 1)), undefined);
      else walk(value, i + 1, here);
      return;
    }
    const key = s.key;
    const items = Array.isArray(value) ? value : [];
    // An item, or its key, computed: the list is compared whole.
    if (items.some((e) => e instanceof Unknown || (isObject(e) && e[key] instanceof Unknown))) {
      out.set(here, new Unknown(`${here} ${fingerprint(items)}`, hasDeploy(items)));
      return;
    }
    if (s.equals !== undefined) {
      const at = `${here}[${key}=${s.equals}]`;
      const item = items.find((e) => isObject(e) && String(e[key]) === s.equals);
      if (item === undefined) out.set(join(at, rest(i + 1)), undefined);
      else walk(item, i + 1, at);
      return;
    }
    items.forEach((item, n) => {
      const k = isObject(item) ? item[key] : undefined;
      walk(item, i + 1, typeof k === "string" || typeof k === "number" ? `${here}[${key}=${k}]` : `${here}[${n}]`);
    });
  };
  walk({ [segments[0].name]: v }, 0, "");
  return out;
}

/** The value at a label, or the Unknown of a part of its path when only that is known (a list computed whole). */
function valueAt(values: ReadonlyMap<string, unknown>, label: string): unknown {
  if (values.has(label)) return values.get(label);
  for (const [k, v] of values) if (v instanceof Unknown && (label.startsWith(`${k}.`) || label.startsWith(`${k}[`))) return v;
  return undefined;
}

function shown(v: unknown): string {
  if (v === undefined || v === null) return "(none)";
  if (v instanceof Unknown) return `(computed: ${v.text.length > 100 ? `${v.text.slice(0, 100)}…` : v.text})`;
  const s = hasUnknown(v) ? fingerprint(v) : JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
